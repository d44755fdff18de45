//! PLACEHOLDER until `scripts/bench.sh encrypted-stats` generates this file: not to land.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// The weight of each call of `pallet_encrypted_stats`.
pub trait WeightInfo {
	fn open_study(t: u32, ) -> Weight;
	fn contribute() -> Weight;
	fn publish_total() -> Weight;
	fn submit_share(t: u32, ) -> Weight;
	fn publish_threshold_total(t: u32, ) -> Weight;
	fn remove_study(n: u32, ) -> Weight;
	fn attest(n: u32, ) -> Weight;
	fn revoke_attestations(n: u32, ) -> Weight;
	fn prove_predicate(p: u32, ) -> Weight;
	fn remove_statement() -> Weight;
}

impl WeightInfo for () {
	fn open_study(_t: u32, ) -> Weight { Weight::zero() }
	fn contribute() -> Weight { Weight::zero() }
	fn publish_total() -> Weight { Weight::zero() }
	fn submit_share(_t: u32, ) -> Weight { Weight::zero() }
	fn publish_threshold_total(_t: u32, ) -> Weight { Weight::zero() }
	fn remove_study(_n: u32, ) -> Weight { Weight::zero() }
	fn attest(_n: u32, ) -> Weight { Weight::zero() }
	fn revoke_attestations(_n: u32, ) -> Weight { Weight::zero() }
	fn prove_predicate(_p: u32, ) -> Weight { Weight::zero() }
	fn remove_statement() -> Weight { Weight::zero() }
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn open_study(_t: u32, ) -> Weight { Weight::zero() }
	fn contribute() -> Weight { Weight::zero() }
	fn publish_total() -> Weight { Weight::zero() }
	fn submit_share(_t: u32, ) -> Weight { Weight::zero() }
	fn publish_threshold_total(_t: u32, ) -> Weight { Weight::zero() }
	fn remove_study(_n: u32, ) -> Weight { Weight::zero() }
	fn attest(_n: u32, ) -> Weight { Weight::zero() }
	fn revoke_attestations(_n: u32, ) -> Weight { Weight::zero() }
	fn prove_predicate(_p: u32, ) -> Weight { Weight::zero() }
	fn remove_statement() -> Weight { Weight::zero() }
}
