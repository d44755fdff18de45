# Sourced by the scripts in this directory: the one way medchain's native code is built.
#
# dev.sh, test.sh, build.sh, bench.sh and CI build the same package set with the same features and
# flags, so whichever runs first, the others reuse its artifacts (cargo compiles a crate again for
# every distinct feature set it is asked for, and the SDK is about 1,600 crates). The set is the
# whole workspace with all its targets, with
#   runtime-benchmarks   the pallets' benchmarks run as unit tests in the same compilation; the
#                        WASM that nodes run is still built without them (runtime/build.rs)
#   medchain-crypto/cli  the key holders' command-line tool that the end-to-end suites use
#   try-runtime          (of medchain-runtime, asked for by fuzz/) the pallets' try_state hooks
#                        and upgrade checks for the runtime fuzzer and its upgrade tests; the
#                        WASM that nodes run is built without it too
# Flags that every cargo command in the repository shares (linker, skipped WASM projects) are in
# .cargo/config.toml.

MEDCHAIN_FEATURES="runtime-benchmarks,medchain-crypto/cli"

# The crates.io version of the `polkadot` binary crate of the same SDK release (stable2609: its
# polkadot-cli is the 42.0.0 in Cargo.lock; scripts/relay.sh checks that the two agree).
MEDCHAIN_RELAY_VERSION="41.0.0"

# cargo <subcommand> over the shared set; extra arguments go to cargo.
medchain_cargo() {
	local subcommand="$1"
	shift
	cargo "$subcommand" --release --locked --workspace --features "$MEDCHAIN_FEATURES" "$@"
}

# Builds every binary, library and test of the workspace. `--all-targets` resolves features as
# `cargo test` does (dev-dependencies included), so a `medchain_cargo test` afterwards compiles
# nothing new; a plain `cargo test` would not build the binaries that no integration test runs.
#
#   medchain_build <manifest.json> [cargo arguments]
#
# writes to <manifest.json> the executables that this build produced or found up to date, by
# name ({"medchain-node": "/…/release/medchain-node", …}): the end-to-end suites run only those.
# Prints cargo's usual progress on stderr; fails if cargo fails.
medchain_build() {
	local manifest="$1"
	shift
	local messages
	messages="$(mktemp)"
	if ! medchain_cargo build --all-targets --message-format=json-render-diagnostics "$@" >"$messages"; then
		rm -f "$messages"
		return 1
	fi
	python3 "$(dirname "${BASH_SOURCE[0]}")/cargo_messages.py" executables <"$messages" >"$manifest"
	rm -f "$messages"
}

# Fails, naming them, if the shared build would compile anything: run after medchain_build to
# prove that the other commands (`medchain_cargo test`, dev.sh, bench.sh) reuse its artifacts.
medchain_check_fresh() {
	local messages errors status=0
	messages="$(mktemp)"
	errors="$(mktemp)"
	{ medchain_cargo build --all-targets --message-format=json "$@" &&
		medchain_cargo test --no-run --message-format=json "$@"; } >"$messages" 2>"$errors" || status=$?
	if [ "$status" -eq 0 ]; then
		python3 "$(dirname "${BASH_SOURCE[0]}")/cargo_messages.py" fresh <"$messages" || status=$?
	else
		tail -n 30 "$errors" >&2
	fi
	rm -f "$messages" "$errors"
	return "$status"
}

# The path of binary $1 of the last build, from $MEDCHAIN_HOME/binaries.json (scripts/build.sh
# writes it).
medchain_binary() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"${MEDCHAIN_HOME:-$HOME/.cache/medchain}/binaries.json" "$1"
}

# Builds the next runtime, the same runtime one spec version on (the runtime's
# `upgrade-rehearsal` feature), for the upgrade tests (scripts/upgrade.sh, scripts/network.sh),
# and prints its compressed WASM's path ($MEDCHAIN_HOME/upgrade/). Its WASM alone is built, with
# `cargo check`, in its own target directory ($MEDCHAIN_HOME/rehearsal-target), so that the WASM
# of the shared one, which the nodes embed, is never replaced: about 30 minutes cold on 2 cores,
# seconds when nothing changed. Progress goes to stderr.
medchain_rehearsal_wasm() {
	local home="${MEDCHAIN_HOME:-$HOME/.cache/medchain}" started wasm
	local rehearsal_target="$home/rehearsal-target"
	started=$(date +%s)
	echo "[upgrade] building the runtime WASM one spec version on (upgrade-rehearsal)" >&2
	CARGO_TARGET_DIR="$rehearsal_target" \
		cargo check --release --locked -p medchain-runtime --features upgrade-rehearsal >&2
	echo "[upgrade] next runtime built in $(($(date +%s) - started)) s" >&2
	wasm="$home/upgrade/medchain_runtime_next.compact.compressed.wasm"
	mkdir -p "$(dirname "$wasm")"
	cp "$rehearsal_target/release/wbuild/medchain-runtime/medchain_runtime.compact.compressed.wasm" "$wasm"
	echo "$wasm"
}
