#!/usr/bin/env bash
# Starts a medchain development chain: toolchain setup, the shared build (scripts/build.sh: the
# same artifacts as scripts/test.sh and CI, so after either this builds nothing), then
#   medchain-node --dev   (no relay chain, a block every 3 s, finalized, RPC on 127.0.0.1:9944)
# Extra arguments go to the node, e.g. `scripts/dev.sh --dev-block-time 6000`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
RPC_PORT="${MEDCHAIN_RPC_PORT:-9944}"

"$ROOT/scripts/build.sh" >/dev/null
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"

cat <<MSG

  medchain development chain
  RPC:            ws://127.0.0.1:$RPC_PORT
  Polkadot.js:    https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:$RPC_PORT
  Dev accounts:   1,000,000 MED each. Alice: sudo, collator. Registered participants:
                  Bob (hospital, practitioner), Charlie (practitioner, emergency),
                  Dave (researcher), Eve (privacy officer), Ferdie (manufacturer)
  Stop with Ctrl-C. The chain state is temporary (--dev).

MSG
exec "$CARGO_TARGET_DIR/release/medchain-node" --dev --rpc-port "$RPC_PORT" "$@"
