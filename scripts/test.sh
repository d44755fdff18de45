#!/usr/bin/env bash
# The whole test suite: toolchain setup, one build of the workspace (the WASM runtime, every
# binary and every test), a check that nothing else would compile again, the workspace's tests
# (the pallets' benchmarks among them), then the end-to-end suites against dev nodes through
# @polkadot/api and the `medchain` binaries, short runs of the load tool, the crash test and the
# hostile-input test, and the runtime fuzzer's soak.
#
#   scripts/test.sh
#   MEDCHAIN_TIMINGS=1 scripts/test.sh    also writes cargo's --timings report
#                                         ($CARGO_TARGET_DIR/cargo-timings/cargo-timing.html)
#
# Builds into ${CARGO_TARGET_DIR:-~/.cache/medchain/target}, shared with scripts/dev.sh,
# scripts/build.sh and CI, so only the first run is long. Prints each stage's duration at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

started=$(date +%s)
stage_names=()
stage_seconds=()
stage_started=$started
current=""
stage() {
	local now
	now=$(date +%s)
	if [ -n "$current" ]; then
		stage_names+=("$current")
		stage_seconds+=("$((now - stage_started))")
	fi
	current="$*"
	stage_started=$now
	[ -n "$current" ] && printf '\n[test] %s (%ss elapsed)\n' "$current" "$((now - started))"
	true
}
report() {
	local status=$? i
	[ -n "$current" ] && stage ""
	printf '\n[test] stage durations:\n'
	for i in "${!stage_names[@]}"; do
		printf '[test]   %6ss  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"
	done
	printf '[test]   %6ss  total (%s)\n' "$(($(date +%s) - started))" "$([ "$status" -eq 0 ] && echo passed || echo FAILED)"
}
trap report EXIT

stage "toolchain setup"
"$ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"

stage "build: the workspace with all targets (release, WASM runtime, node, client, vault, tests)"
built="$(mktemp --suffix=.json)"
timings=()
[ "${MEDCHAIN_TIMINGS:-0}" = 1 ] && timings=(--timings)
medchain_build "$built" "${timings[@]}"
echo "[test] binaries of this build:"
sed 's/^/[test]   /' "$built"

# What the other commands would build (dev.sh, build.sh, bench.sh's medchain-bench, the test run
# below) must already be built: a difference in features or flags would compile the SDK again.
stage "reuse check: a second build and the test build compile nothing"
medchain_check_fresh

stage "cargo test: the workspace's tests, with the pallets' benchmarks"
medchain_cargo test

stage "end-to-end: dev nodes + @polkadot/api + the medchain binaries"
(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error)
node scripts/e2e/run.mjs --built "$built"
rm -f "$built"

# The load tool's smoke: every series included all it sent and the report is complete, on a
# small and on a larger synthetic state, and the two compare (the figures of a quick run are
# not measurements; the full runs are scripts/load.sh and scripts/load.sh --growth).
stage "load smoke: scripts/load.sh --quick --growth"
load_out="$(mktemp -d)"
scripts/load.sh --quick --growth --out "$load_out"
rm -rf "$load_out"

# Crash and restart, short: 3 SIGKILLs under load per database backend (the full run, 20 per
# backend, is scripts/crash.sh).
stage "crash smoke: scripts/crash.sh --quick"
crash_out="$(mktemp -d)"
scripts/crash.sh --quick --out "$crash_out"
rm -rf "$crash_out"

# Hostile submissions at the node's RPC, short (the full run, 100,000, is scripts/hostile.sh).
stage "hostile input smoke: scripts/hostile.sh --quick"
hostile_out="$(mktemp -d)"
scripts/hostile.sh --quick --out "$hostile_out"
rm -rf "$hostile_out"

# The runtime fuzzer: the committed corpus and every past finding replayed, then generated
# inputs for up to 10 minutes, fewer when this run started cold so that a run on a fresh machine
# stays within CI's 90 minutes (the long runs: scripts/fuzz.sh soak and scripts/fuzz.sh afl).
stage "fuzz soak: scripts/fuzz.sh soak"
soak_seconds=$((80 * 60 - ($(date +%s) - started)))
soak_seconds=$((soak_seconds > 600 ? 600 : soak_seconds < 60 ? 60 : soak_seconds))
fuzz_out="$(mktemp -d)"
scripts/fuzz.sh soak --seconds "$soak_seconds" --out "$fuzz_out"
rm -rf "$fuzz_out"

stage ""
echo "[test] all tests passed"
