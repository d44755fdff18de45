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
# own target directory (medchain_rehearsal_wasm in scripts/lib.sh) so that the nodes' WASM in
# the shared one is never replaced. Without MEDCHAIN_UPGRADE_WASM the suite enacts the node's
# own code again (scripts/e2e/upgrade.mjs), the form CI runs in scripts/test.sh's e2e. See docs/reliability.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

"$ROOT/scripts/build.sh"
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"

wasm="$(medchain_rehearsal_wasm)"

(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error)
MEDCHAIN_UPGRADE_WASM="$wasm" node scripts/e2e/run.mjs --built "$MEDCHAIN_HOME/binaries.json" \
	foundation records consent supply stats upgrade
