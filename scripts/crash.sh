#!/usr/bin/env bash
# Crash and restart: `medchain-load crash` SIGKILLs a dev node (`--base-path` kept, 500 ms
# blocks) under a stream of signed transfers at seeded random moments, restarts it on the same
# database each time and checks every restart: the node opens its database and answers, the
# finalized height never goes backwards, every block the client saw a transfer finalized in is
# still the block at that height, the destination's balance equals its genesis balance plus the
# senders' nonces, and transfers are finalized again. Once per backend, RocksDB then ParityDB.
# Then `medchain-load vault-crash` SIGKILLs the vault the same number of times under uploads,
# envelope writes, erasures and record reads, and checks its data directory and audit log
# against what it acknowledged and against the chain's access logs.
#
#   scripts/crash.sh [--quick] [--kills N] [--seed S] [--out DIR]
#
# Writes DIR/crash-rocksdb.json, DIR/crash-paritydb.json, DIR/vault-crash.json and each
# start's log under DIR/crash-<backend>/ and DIR/vault-crash/; exits non-zero if any check
# failed. 20 kills per backend (about 8 minutes each) and of the vault; --quick (CI): 3 each.
# DIR defaults to target/crash. The shared build first (scripts/build.sh: nothing to compile
# after scripts/test.sh or CI). See docs/reliability.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

kills=20 seed=1 out=target/crash
while (($#)); do
	case "$1" in
		--quick) kills=3 ;;
		--kills) kills="$2"; shift ;;
		--seed) seed="$2"; shift ;;
		--out) out="$2"; shift ;;
		*) echo "scripts/crash.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

"$ROOT/scripts/build.sh" >&2
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
tool="$(medchain_binary medchain-load)"
node="$(medchain_binary medchain-node)"
vault="$(medchain_binary medchain-vault)"
status=0
for database in rocksdb paritydb; do
	"$tool" crash --node "$node" --database "$database" --kills "$kills" --seed "$seed" --out "$out" || status=1
done
"$tool" vault-crash --node "$node" --vault "$vault" --kills "$kills" --seed "$seed" --out "$out" || status=1
exit "$status"
