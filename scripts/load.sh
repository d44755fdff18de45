#!/usr/bin/env bash
# Measures medchain under load, against plain transfers in the same run: the shared build
# (scripts/build.sh: nothing to compile after scripts/test.sh or CI), then `medchain-load`, which
# starts its own dev node (a genesis with thousands of funded accounts, free loopback ports,
# raised pool and RPC limits), loads it series by series, then the runtime APIs, then a
# `medchain-vault` on that node (reads at 1, 16 and 64 concurrent readers, uploads), stops them
# and writes
#   DIR/load.json   every figure (see docs/performance.md)
#   DIR/load.svg    included extrinsics per block over time, one line per series
#   DIR/node.log    the node's log, DIR/vault.log the vault's
# and a table on stdout.
#
#   scripts/load.sh [--quick] [--series a,b,..] [--out DIR] [medchain-load options]
#   scripts/load.sh --growth [--small N] [--large N] [--quick] [--out DIR] [medchain-load options]
#
# --quick (CI): a few hundred transactions per series, once; fails if a series did not include
# all it sent or the report is incomplete. Without it: 4,000 per round, three repetitions (about
# 8 minutes). DIR defaults to target/load. `medchain-load --help` lists the other options.
#
# --growth: the same run twice, on a genesis with N synthetic records (--populate; default
# 1,000) and on one with N (default 1,000,000; 20,000 with --quick), into DIR/small and
# DIR/large, then `medchain-load growth`: the cost ratio large / small of every series and
# query, in DIR/growth.json and a table.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

growth=0 quick=0 small=1000 large="" out=target/load
args=()
while (($#)); do
	case "$1" in
		--growth) growth=1 ;;
		--small) small="$2"; shift ;;
		--large) large="$2"; shift ;;
		--out) out="$2"; shift ;;
		--quick) quick=1; args+=("$1") ;;
		*) args+=("$1") ;;
	esac
	shift
done

"$ROOT/scripts/build.sh" >&2
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
tool="$(medchain_binary medchain-load)"
node="$(medchain_binary medchain-node)"
args+=(--vault "$(medchain_binary medchain-vault)")
if ((!growth)); then
	exec "$tool" --node "$node" --out "$out" "${args[@]}"
fi
if [[ -z "$large" ]]; then
	large=$((quick ? 20000 : 1000000))
fi
"$tool" --node "$node" --populate "$small" --out "$out/small" "${args[@]}"
"$tool" --node "$node" --populate "$large" --out "$out/large" "${args[@]}"
exec "$tool" growth "$out/small/load.json" "$out/large/load.json" --out "$out"
