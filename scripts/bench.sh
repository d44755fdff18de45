#!/usr/bin/env bash
# Benchmarks medchain's pallets in the WASM runtime and regenerates their `src/weights.rs`.
#
#   scripts/bench.sh                    every medchain pallet with a benchmarking.rs
#   scripts/bench.sh participants ...   only these (directory names under pallets/, or one of
#                                       the SDK pallets below)
#   scripts/bench.sh --overhead         the block and extrinsic base weights instead:
#                                       runtime/src/weights/{block,extrinsic}_weights.rs
#
# SDK pallets that ship no public weights (pallet_parameters) are benchmarked in this runtime too,
# into runtime/src/weights/<pallet>.rs with the CLI's standard template.
#
# `medchain-bench` (node/src/bin, the same dependencies as medchain-node) comes from the shared
# build (scripts/build.sh), and runs the benchmarks on a WASM built with `runtime-benchmarks`:
# a `cargo check` of the runtime with MEDCHAIN_WASM_BENCHMARKS=1 (runtime/build.rs), which runs
# the WASM build without compiling the native runtime, in its own target directory
# ($MEDCHAIN_HOME/bench-target) so that the nodes' WASM in the shared one is never replaced.
# Copies of both are kept under $MEDCHAIN_HOME/bench. `--overhead` runs `medchain-bench
# overhead` (blocks of `System.remark`, empty and full, on the development preset) on the
# production WASM of the shared build: the base weights of what the chain executes. Run it on
# the reference machine, with nothing else running.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDCHAIN_HOME="${MEDCHAIN_HOME:-$HOME/.cache/medchain}"
STEPS="${BENCH_STEPS:-50}"
REPEAT="${BENCH_REPEAT:-20}"

"$ROOT/scripts/build.sh" >/dev/null
# shellcheck source=/dev/null
source "$MEDCHAIN_HOME/env"
cd "$ROOT"

if [[ "${1:-}" == --overhead ]]; then
	echo "[bench] block and extrinsic overhead"
	"$CARGO_TARGET_DIR/release/medchain-bench" overhead \
		--runtime "$CARGO_TARGET_DIR/release/wbuild/medchain-runtime/medchain_runtime.compact.compressed.wasm" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--wasm-execution compiled \
		--weight-path runtime/src/weights
	echo "[bench] done: review and commit runtime/src/weights/{block,extrinsic}_weights.rs"
	exit 0
fi

SDK_PALLETS=(pallet_parameters)
if [ $# -gt 0 ]; then
	pallets=("$@")
else
	pallets=()
	for dir in pallets/*/; do
		[ -f "$dir/src/benchmarking.rs" ] && pallets+=("$(basename "$dir")")
	done
	pallets+=("${SDK_PALLETS[@]}")
fi

echo "[bench] building the runtime WASM with runtime-benchmarks"
bench_target="$MEDCHAIN_HOME/bench-target"
MEDCHAIN_WASM_BENCHMARKS=1 CARGO_TARGET_DIR="$bench_target" \
	cargo check --release --locked -p medchain-runtime --features runtime-benchmarks
bench_dir="$MEDCHAIN_HOME/bench"
mkdir -p "$bench_dir"
cp "$bench_target/release/wbuild/medchain-runtime/medchain_runtime.compact.compressed.wasm" \
	"$bench_dir/medchain_runtime.wasm"
cp "$CARGO_TARGET_DIR/release/medchain-bench" "$bench_dir/medchain-bench"

for pallet in "${pallets[@]}"; do
	if [[ " ${SDK_PALLETS[*]} " == *" $pallet "* ]]; then
		name="$pallet"
		output=(--output "runtime/src/weights/$pallet.rs")
	else
		name="pallet_${pallet//-/_}"
		output=(--template scripts/benchmarks/pallet-weights.hbs --output "pallets/$pallet/src/weights.rs")
	fi
	echo "[bench] $name: $STEPS steps, $REPEAT repeats"
	"$bench_dir/medchain-bench" \
		--runtime "$bench_dir/medchain_runtime.wasm" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$name" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		"${output[@]}"
done
echo "[bench] done: review and commit pallets/*/src/weights.rs and runtime/src/weights/"
