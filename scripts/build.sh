#!/usr/bin/env bash
# Builds everything once, as scripts/test.sh and CI do: the WASM runtime, `medchain-node`,
# `medchain-bench`, `medchain`, `medchain-vault`, `medchain-crypto` and every test (one package
# set, one feature set: see scripts/lib.sh), into ${CARGO_TARGET_DIR:-~/.cache/medchain/target}.
#
#   scripts/build.sh
#
# Writes the binaries' paths to $MEDCHAIN_HOME/binaries.json (for `node scripts/e2e/run.mjs
# --built …`) and prints them. Extra arguments go to cargo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

"$ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"
medchain_build "$MEDCHAIN_HOME/binaries.json" "$@"
echo "[build] binaries (also in $MEDCHAIN_HOME/binaries.json):"
python3 -c 'import json, sys; [print(f"[build]   {n:16} {p}") for n, p in sorted(json.load(open(sys.argv[1])).items())]' "$MEDCHAIN_HOME/binaries.json"
