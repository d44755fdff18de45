#!/usr/bin/env bash
# Hostile input at the node's door: `medchain-load hostile` sends malformed and hostile
# submissions to a dev node's author_submitExtrinsic (random bytes, truncated and oversized
# extrinsics, bad signatures, wrong genesis, spec or transaction version, stale and far-future
# nonces, an unfunded signer, unsigned and inherent-only calls, unknown extrinsic versions,
# calls one item past their bounds) and checks that each is refused with an error (far-future
# nonces may wait in the pool's future queue), that the node keeps producing blocks and that
# none enters a block. The CLI's door is client/tests/hostile_arguments.rs (cargo test).
#
#   scripts/hostile.sh [--quick] [--count N] [--seed S] [--out DIR]
#
# 100,000 submissions (--quick, CI: 10,000). Writes DIR/hostile.json (default target/hostile)
# and the node's log. See docs/reliability.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

count=100000 seed=1 out=target/hostile
while (($#)); do
	case "$1" in
		--quick) count=10000 ;;
		--count) count="$2"; shift ;;
		--seed) seed="$2"; shift ;;
		--out) out="$2"; shift ;;
		*) echo "scripts/hostile.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

"$ROOT/scripts/build.sh" >&2
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
exec "$(medchain_binary medchain-load)" hostile --node "$(medchain_binary medchain-node)" \
	--count "$count" --seed "$seed" --out "$out"
