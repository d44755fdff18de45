#!/usr/bin/env bash
# Measures what a database read and write cost on this machine, the SDK's way: `medchain-node
# benchmark storage` on a state of N synthetic records (the spec of `medchain-load spec
# --populate N`: N records, N / 10 consents, N / 1,000 lots), written as DIR/rocksdb_weights.rs
# (the same form as the SDK's `RocksDbWeight`, which the runtime uses) and the raw figures as
# DIR/*_read.json, DIR/*_write.json.
#
#   scripts/db-weights.sh [--populate N] [--out DIR]
#
# N defaults to 1,000,000, DIR to target/db-weights. The shared build first (scripts/build.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

populate=1000000 out=target/db-weights
while (($#)); do
	case "$1" in
		--populate) populate="$2"; shift ;;
		--out) out="$2"; shift ;;
		*) echo "unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

"$ROOT/scripts/build.sh" >&2
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
mkdir -p "$out"
node="$(medchain_binary medchain-node)"
spec="$("$(medchain_binary medchain-load)" spec --node "$node" --populate "$populate" --out "$out")"
base="$(mktemp -d "$out/db.XXXXXX")"
trap 'rm -rf "$base"' EXIT
started=$SECONDS
# 200,000 random keys of the state (a seeded sample, so reruns read the same ones), with the
# proof recorder on, as a parachain's block import runs.
"$node" benchmark storage --chain "$spec" --base-path "$base" --state-version 1 --warmups 1 \
	--keys-limit 200000 --random-seed 1 \
	--weight-path "$out" --json-read-path "$out" --json-write-path "$out"
echo "[db-weights] $populate synthetic records: $out/rocksdb_weights.rs in $((SECONDS - started)) s"
