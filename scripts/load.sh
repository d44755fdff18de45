#!/usr/bin/env bash
# Measures medchain under load, against plain transfers in the same run: the shared build
# (scripts/build.sh: nothing to compile after scripts/test.sh or CI), then `medchain-load`, which
# starts its own dev node (a genesis with thousands of funded accounts, free loopback ports,
# raised pool and RPC limits), loads it series by series, stops it and writes
#   DIR/load.json   every figure (see docs/performance.md)
#   DIR/load.svg    included extrinsics per block over time, one line per series
#   DIR/node.log    the node's log
# and a table on stdout.
#
#   scripts/load.sh [--quick] [--series a,b,..] [--out DIR] [medchain-load options]
#
# --quick (CI): a few hundred transactions per series, once; fails if a series did not include
# all it sent or the report is incomplete. Without it: 4,000 per round, three repetitions (about
# 7 minutes). DIR defaults to target/load. `medchain-load --help` lists the other options.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"

"$ROOT/scripts/build.sh" >&2
binary() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$MEDCHAIN_HOME/binaries.json" "$1"
}
cd "$ROOT"
exec "$(binary medchain-load)" --node "$(binary medchain-node)" "$@"
