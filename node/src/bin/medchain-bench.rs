//! # medchain-bench
//!
//! Runs FRAME pallet benchmarks on a runtime WASM blob built with `--features
//! runtime-benchmarks`, and the block and extrinsic overhead benchmark on the production
//! WASM, like the SDK's `frame-omni-bencher`: the host needs no benchmark features, only the
//! runtime does, so this binary shares every dependency with `medchain-node` and costs one
//! link, not a second build of the node. `scripts/bench.sh` drives it.
//!
//! ```sh
//! medchain-bench --runtime medchain_runtime.wasm --genesis-builder runtime \
//!     --pallet pallet_participants --extrinsic '*' --output weights.rs
//! medchain-bench overhead --runtime medchain_runtime.wasm --genesis-builder runtime \
//!     --genesis-builder-preset development --weight-path runtime/src/weights
//! ```

use clap::Parser;
use frame_benchmarking_cli::{OpaqueBlock, OverheadCmd, PalletCmd};
use sp_runtime::traits::BlakeTwo256;

/// Host functions the runtime may call beyond Substrate's own: Cumulus' storage proof size
/// (used by `StorageWeightReclaim`).
type ExtraHostFunctions = cumulus_primitives_proof_size_hostfunction::storage_proof_size::HostFunctions;

/// The subcommand that selects the overhead benchmark; without it the arguments are the
/// pallet benchmark's, as the SDK's `benchmark pallet` takes them.
const OVERHEAD: &str = "overhead";

fn main() {
	let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
	let outcome = if args.get(1).is_some_and(|first| first == OVERHEAD) {
		args.remove(1);
		OverheadCmd::parse_from(args)
			.run_with_default_builder_and_spec::<OpaqueBlock, ExtraHostFunctions>(None)
	} else {
		PalletCmd::parse_from(args).run_with_spec::<BlakeTwo256, ExtraHostFunctions>(None)
	};
	if let Err(error) = outcome {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
