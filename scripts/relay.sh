#!/usr/bin/env bash
# The relay chain for a local parachain network: the `polkadot` binary and its two PVF workers
# (`polkadot-prepare-worker`, `polkadot-execute-worker`), built from crates.io at the version of
# medchain's Polkadot SDK release (MEDCHAIN_RELAY_VERSION in scripts/lib.sh), with the crate's
# own Cargo.lock (`cargo install --locked`). Nothing prebuilt is downloaded.
#
#   scripts/relay.sh            builds what is missing, prints the binaries' directory
#
# Installs into $MEDCHAIN_HOME/relay/bin and builds in $MEDCHAIN_HOME/relay-target, apart from
# the shared target directory: the crate's lock file resolves other versions of most
# dependencies, so sharing would only evict medchain's artifacts. A second run finds the
# binaries installed and returns in seconds. Measured times: docs/network.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

relay_root="$MEDCHAIN_HOME/relay"
bin="$relay_root/bin"
workers=(polkadot polkadot-prepare-worker polkadot-execute-worker)
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
# Where cargo unpacks the polkadot crate: found once it has been, else crates.io's folder (its
# name is cargo's fixed hash of the crates.io index).
crate_source() {
	local found
	found="$(find "$registry" -maxdepth 2 -type d -name "polkadot-$MEDCHAIN_RELAY_VERSION" 2>/dev/null | head -n 1)"
	echo "${found:-$registry/index.crates.io-1949cf8c6b5b557f/polkadot-$MEDCHAIN_RELAY_VERSION}"
}

installed() {
	local name
	for name in "${workers[@]}"; do
		[ -x "$bin/$name" ] || return 1
	done
	# cargo install's own record of what it installed (the binary reports the node version, not
	# the crate's).
	grep -q "^\"polkadot $MEDCHAIN_RELAY_VERSION " "$relay_root/.crates.toml" 2>/dev/null
}

if ! installed; then
	"$ROOT/scripts/setup.sh" >&2
	# shellcheck source=/dev/null
	source "$MEDCHAIN_HOME/env"
	echo "[relay] building polkadot $MEDCHAIN_RELAY_VERSION from crates.io into $relay_root (about 90 minutes cold on 2 cores)" >&2
	started=$(date +%s)
	# The relay runtimes' WASM builds take their Cargo.lock from the workspace that
	# WASM_BUILD_WORKSPACE_HINT names; setup.sh's env points it at medchain's, which has no
	# rococo-runtime ("Failed to find entry for package rococo-runtime"). Point it at the
	# polkadot crate's own source, which cargo install unpacks there before building.
	WASM_BUILD_WORKSPACE_HINT="$(crate_source)"
	export WASM_BUILD_WORKSPACE_HINT
	# Run from the repository so that .cargo/config.toml's linker and build variables apply; the
	# profile settings of the workspace's Cargo.toml are repeated as --config, since an installed
	# crate builds with its own manifest's profiles.
	(cd "$ROOT" && CARGO_TARGET_DIR="$MEDCHAIN_HOME/relay-target" cargo install polkadot \
		--version "$MEDCHAIN_RELAY_VERSION" --locked --force --root "$relay_root" \
		--config 'profile.release.debug=0' \
		--config 'profile.release.package.librocksdb-sys.opt-level=2') >&2
	echo "[relay] built in $(($(date +%s) - started)) s" >&2
	installed || { echo "[relay] cargo install did not install polkadot $MEDCHAIN_RELAY_VERSION and its workers into $bin" >&2; exit 1; }
fi

# The relay chain must be the SDK release that medchain's collators embed (their in-process relay
# chain node is polkadot-cli too): compare the installed crate's lock file with the workspace's.
source_lock="$(crate_source)/Cargo.lock"
if [ -f "$source_lock" ]; then
	lock_version() { grep -A1 "^name = \"polkadot-cli\"$" "$1" | sed -n 's/^version = "\(.*\)"$/\1/p'; }
	ours="$(lock_version "$ROOT/Cargo.lock")"
	theirs="$(lock_version "$source_lock")"
	if [ "$ours" != "$theirs" ]; then
		echo "[relay] polkadot $MEDCHAIN_RELAY_VERSION uses polkadot-cli $theirs, medchain's Cargo.lock $ours: set MEDCHAIN_RELAY_VERSION in scripts/lib.sh to the release's polkadot" >&2
		exit 1
	fi
fi
echo "$bin"
