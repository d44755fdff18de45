#!/usr/bin/env bash
# The runtime fuzzer (fuzz/, `medchain-fuzz`): medchain's native runtime, built with try-runtime,
# driven block by block from generated or mutated inputs, every pallet's try_state and the
# issuance, deposit and weight oracles checked after every block. See docs/reliability.md.
#
#   scripts/fuzz.sh soak [--seconds N] [--seed S] [--out DIR]
#       replays fuzz/corpus and fuzz/crashes, then generates inputs for N seconds (default 600)
#       from the runtime's own call types; no instrumentation. New findings are saved under
#       fuzz/crashes; DIR (default target/fuzz) gets soak.json with the run's figures.
#   scripts/fuzz.sh corpus [--seconds N] [--seed S]
#       rebuilds fuzz/corpus: the generated inputs of an N-second soak (default 600) that made
#       a call succeed for the first time.
#   scripts/fuzz.sh afl [--minutes N] [--out DIR]
#       coverage-guided (AFL++ through cargo-afl from crates.io, installed and built on first
#       use into ~/.cache/medchain/afl), seeded with fuzz/corpus, for N minutes (default 60);
#       then replays its crashes with `medchain-fuzz run`. Its own instrumented build: 31 minutes
#       of CPU the first time (87 min here at low priority beside the main build), AFL++ 1 min.
#   scripts/fuzz.sh run FILE...
#       runs inputs and prints each call's result.
#
# Exit status: 0 clean, 1 a finding, 2 the fuzzer could not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
# cargo-afl's version; the `afl` crate of fuzz/Cargo.toml must match it.
AFL_VERSION="0.18.2"

mode="${1:-}"
[ -n "$mode" ] && shift
seconds=600 minutes=60 seed=1 out=target/fuzz files=()
while (($#)); do
	case "$1" in
		--seconds) seconds="$2"; shift ;;
		--minutes) minutes="$2"; shift ;;
		--seed) seed="$2"; shift ;;
		--out) out="$2"; shift ;;
		-*) echo "scripts/fuzz.sh: unknown argument $1" >&2; exit 2 ;;
		*) files+=("$1") ;;
	esac
	shift
done

shared_fuzzer() {
	"$ROOT/scripts/build.sh" >&2
	# shellcheck source=scripts/lib.sh
	source "$ROOT/scripts/lib.sh"
	medchain_binary medchain-fuzz
}

case "$mode" in
	soak)
		fuzzer="$(shared_fuzzer)"
		cd "$ROOT"
		mkdir -p "$out"
		exec "$fuzzer" soak --seconds "$seconds" --seed "$seed" --corpus fuzz/corpus \
			--crashes fuzz/crashes --report "$out/soak.json"
		;;
	corpus)
		fuzzer="$(shared_fuzzer)"
		cd "$ROOT"
		fresh="$(mktemp -d)"
		"$fuzzer" soak --seconds "$seconds" --seed "$seed" --crashes fuzz/crashes --save-corpus "$fresh"
		rm -rf fuzz/corpus
		mv "$fresh" fuzz/corpus
		echo "[fuzz] fuzz/corpus: $(find fuzz/corpus -type f | wc -l) inputs, $(du -sh fuzz/corpus | cut -f1)"
		;;
	run)
		[ "${#files[@]}" -gt 0 ] || { echo "scripts/fuzz.sh run: name the input files" >&2; exit 2; }
		fuzzer="$(shared_fuzzer)"
		exec "$fuzzer" run "${files[@]}"
		;;
	afl)
		# shellcheck source=/dev/null
		source "$MEDCHAIN_HOME/env"
		afl_home="$MEDCHAIN_HOME/afl"
		if ! "$afl_home/bin/cargo-afl" afl --version 2>/dev/null | grep -q "$AFL_VERSION"; then
			# Its own target directory: the shared one's lock would wait for any build running.
			CARGO_TARGET_DIR="$MEDCHAIN_HOME/afl-install-target" \
				cargo install --locked --root "$afl_home" cargo-afl --version "$AFL_VERSION"
		fi
		export PATH="$afl_home/bin:$PATH"
		# AFL++ itself, compiled from the sources cargo-afl ships (once).
		cargo afl config --build >/dev/null 2>&1 || cargo afl config --build --force
		cd "$ROOT"
		# Instrumented, so in its own target directory: sharing the main one would rebuild the
		# SDK for every normal build after this.
		CARGO_TARGET_DIR="$MEDCHAIN_HOME/afl-target" SKIP_WASM_BUILD=1 \
			cargo afl build --release --locked -p medchain-fuzz --features afl --bin medchain-fuzz-afl
		binary="$MEDCHAIN_HOME/afl-target/release/medchain-fuzz-afl"
		mkdir -p "$out/afl"
		# No core-pattern or CPU-governor changes on a shared machine.
		export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
		started=$(date +%s)
		cargo afl fuzz -i fuzz/corpus -o "$out/afl" -V "$((minutes * 60))" -t 10000 -- "$binary" || true
		echo "[fuzz] afl ran $(($(date +%s) - started)) s"
		grep -E "execs_done|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|edges_found" \
			"$out/afl/default/fuzzer_stats" || true
		fuzzer="$(shared_fuzzer)"
		status=0
		shopt -s nullglob
		crashes=("$out"/afl/default/crashes/id:*)
		if [ "${#crashes[@]}" -gt 0 ]; then
			echo "[fuzz] ${#crashes[@]} crashing inputs, replayed:"
			"$fuzzer" run "${crashes[@]}" || status=1
			cp "${crashes[@]}" fuzz/crashes/ 2>/dev/null || true
		fi
		exit "$status"
		;;
	*)
		echo "usage: scripts/fuzz.sh soak|corpus|afl|run [options] (see the script's header)" >&2
		exit 2
		;;
esac
