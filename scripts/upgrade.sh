#!/usr/bin/env bash
# The end-to-end runtime upgrade: a dev node filled by the end-to-end suites (a participant of
# every role, records, consents, an emergency access, products, lots and their units, a study),
# then the same runtime one spec version on (the runtime's `upgrade-rehearsal` feature) enacted
# through governance as a parachain does it, `sudo(system.authorizeUpgrade)` and
# `system.applyAuthorizedUpgrade`; every storage entry of medchain's pallets and every runtime API
# answer must read the same after, and new transactions succeed (scripts/e2e/upgrade.mjs).
#
#   scripts/upgrade.sh
#
# Builds the shared build first (scripts/build.sh), then the next runtime's WASM alone, in its
# own target directory ($MEDCHAIN_HOME/rehearsal-target, as scripts/bench.sh does for its
# runtime) so that the nodes' WASM in the shared one is never replaced. See docs/reliability.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"

"$ROOT/scripts/build.sh"
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"

echo "[upgrade] building the runtime WASM one spec version on (upgrade-rehearsal)"
rehearsal_target="$MEDCHAIN_HOME/rehearsal-target"
started=$(date +%s)
CARGO_TARGET_DIR="$rehearsal_target" \
	cargo check --release --locked -p medchain-runtime --features upgrade-rehearsal
echo "[upgrade] next runtime built in $(($(date +%s) - started)) s"
wasm="$MEDCHAIN_HOME/upgrade/medchain_runtime_next.compact.compressed.wasm"
mkdir -p "$(dirname "$wasm")"
cp "$rehearsal_target/release/wbuild/medchain-runtime/medchain_runtime.compact.compressed.wasm" "$wasm"

(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error)
MEDCHAIN_UPGRADE_WASM="$wasm" node scripts/e2e/run.mjs --built "$MEDCHAIN_HOME/binaries.json" \
	foundation records consent supply stats upgrade
