//! # medchain-bench
//!
//! Runs FRAME pallet benchmarks on a runtime WASM blob built with `--features
//! runtime-benchmarks`, like the SDK's `frame-omni-bencher`: the host needs no benchmark
//! features, only the runtime does, so this binary shares every dependency with
//! `medchain-node` and costs one link, not a second build of the node. `scripts/bench.sh`
//! drives it.
//!
//! ```sh
//! medchain-bench --runtime medchain_runtime.wasm --genesis-builder runtime \
//!     --pallet pallet_participants --extrinsic '*' --output weights.rs
//! ```

use clap::Parser;
use frame_benchmarking_cli::PalletCmd;
use sp_runtime::traits::BlakeTwo256;

/// Host functions the runtime may call beyond Substrate's own: Cumulus' storage proof size
/// (used by `StorageWeightReclaim`).
type ExtraHostFunctions = cumulus_primitives_proof_size_hostfunction::storage_proof_size::HostFunctions;

fn main() {
	let command = PalletCmd::parse();
	if let Err(error) = command.run_with_spec::<BlakeTwo256, ExtraHostFunctions>(None) {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
