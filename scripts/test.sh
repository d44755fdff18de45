#!/usr/bin/env bash
# The whole test suite: toolchain setup, the workspace's tests with the real WASM runtime, then an
# end-to-end test against a running node through @polkadot/api.
#
#   scripts/test.sh
#
# Builds into ${CARGO_TARGET_DIR:-~/.cache/medchain/target}, shared with scripts/dev.sh and CI,
# so only the first run is long.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
started=$(date +%s)
step() { printf '\n[test] %s (%ss elapsed)\n' "$*" "$(($(date +%s) - started))"; }

step "toolchain setup"
"$ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"

# One cargo invocation builds the WASM runtime, the node binary (its integration tests run it)
# and every test, so the features are resolved once and a warm run rebuilds nothing.
step "cargo test --workspace (release, real WASM runtime and node binary)"
cargo test --release --locked --workspace

# The benchmarks of each pallet also run as unit tests, so that a broken benchmark fails here
# and not only when weights are regenerated (scripts/bench.sh).
step "pallet benchmarks as tests (--features runtime-benchmarks)"
bench_packages=()
for manifest in pallets/*/Cargo.toml; do
	if [ -f "$(dirname "$manifest")/src/benchmarking.rs" ]; then
		bench_packages+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)")
	fi
done
cargo test --release --locked "${bench_packages[@]}" --features runtime-benchmarks

# The end-to-end study makes its proofs with the client-side crypto tool (a separate feature, so
# the runtime's crypto crate keeps its no_std features).
step "medchain-crypto tool (--features cli)"
cargo build --release --locked -p medchain-crypto --features cli --bin medchain-crypto

step "end-to-end: dev node + @polkadot/api"
(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error)
node scripts/e2e/run.mjs "$CARGO_TARGET_DIR/release/medchain-node"

step "all tests passed"
