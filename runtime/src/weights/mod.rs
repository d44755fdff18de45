//! Base weights of the runtime: block execution, the extrinsic base cost and database access.
//!
//! Block execution and the extrinsic base are measured on medchain's reference machine by
//! `scripts/bench.sh --overhead` (`block_weights.rs`, `extrinsic_weights.rs`, generated), as the
//! pallets' weights are (`pallets/*/src/weights.rs`): a transaction's weight adds the two, so
//! both come from the same hardware. The database weights stay the SDK's reference values
//! (docs/performance.md says why, with `scripts/db-weights.sh`'s measurement). SDK pallets
//! that ship no public weights are benchmarked in this runtime by `scripts/bench.sh` (below).

pub mod block_weights;
pub mod extrinsic_weights;
pub mod pallet_parameters;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use frame_support::weights::constants::{ParityDbWeight, RocksDbWeight};
