//! Base weights of the runtime: block execution, the extrinsic base cost and database access.
//!
//! Until they are measured on medchain's reference collator hardware (`frame-omni-bencher v1
//! benchmark overhead` and `benchmark storage`, which write generated files into this module),
//! the runtime uses the Polkadot SDK's reference measurements. Pallet weights live with each
//! pallet (`pallets/*/src/weights.rs`) or come from the SDK's `SubstrateWeight`; SDK pallets that
//! ship no public weights are benchmarked in this runtime by `scripts/bench.sh` (below).

pub mod pallet_parameters;

pub use frame_support::weights::constants::{
	BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight, RocksDbWeight,
};
