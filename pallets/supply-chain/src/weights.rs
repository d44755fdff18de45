//! Placeholder weights until `scripts/bench.sh supply-chain` generates this file.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(unused_variables)]

use frame_support::weights::Weight;
use core::marker::PhantomData;

/// The weight of each call of `pallet_supply_chain`.
pub trait WeightInfo {
	fn register_product() -> Weight;
	fn withdraw_product() -> Weight;
	fn offer_product() -> Weight;
	fn accept_product() -> Weight;
	fn commission_lot() -> Weight;
	fn commission_units(n: u32, ) -> Weight;
	fn record_event(n: u32, ) -> Weight;
	fn pack(n: u32, ) -> Weight;
	fn unpack(n: u32, ) -> Weight;
	fn propose_transfer(n: u32, ) -> Weight;
	fn accept_transfer(n: u32, ) -> Weight;
	fn reject_transfer(n: u32, ) -> Weight;
	fn cancel_transfer(n: u32, ) -> Weight;
	fn decommission() -> Weight;
	fn reactivate() -> Weight;
	fn flag_suspect(n: u32, ) -> Weight;
	fn clear_suspect(n: u32, ) -> Weight;
	fn determine_illegitimate() -> Weight;
	fn record_notification() -> Weight;
	fn terminate_notification() -> Weight;
	fn recall_lots(n: u32, ) -> Weight;
	fn report_excursion() -> Weight;
	fn clear_excursion() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_product() -> Weight { Weight::zero() }
	fn withdraw_product() -> Weight { Weight::zero() }
	fn offer_product() -> Weight { Weight::zero() }
	fn accept_product() -> Weight { Weight::zero() }
	fn commission_lot() -> Weight { Weight::zero() }
	fn commission_units(n: u32, ) -> Weight { Weight::zero() }
	fn record_event(n: u32, ) -> Weight { Weight::zero() }
	fn pack(n: u32, ) -> Weight { Weight::zero() }
	fn unpack(n: u32, ) -> Weight { Weight::zero() }
	fn propose_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn accept_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn reject_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn cancel_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn decommission() -> Weight { Weight::zero() }
	fn reactivate() -> Weight { Weight::zero() }
	fn flag_suspect(n: u32, ) -> Weight { Weight::zero() }
	fn clear_suspect(n: u32, ) -> Weight { Weight::zero() }
	fn determine_illegitimate() -> Weight { Weight::zero() }
	fn record_notification() -> Weight { Weight::zero() }
	fn terminate_notification() -> Weight { Weight::zero() }
	fn recall_lots(n: u32, ) -> Weight { Weight::zero() }
	fn report_excursion() -> Weight { Weight::zero() }
	fn clear_excursion() -> Weight { Weight::zero() }
}

impl WeightInfo for () {
	fn register_product() -> Weight { Weight::zero() }
	fn withdraw_product() -> Weight { Weight::zero() }
	fn offer_product() -> Weight { Weight::zero() }
	fn accept_product() -> Weight { Weight::zero() }
	fn commission_lot() -> Weight { Weight::zero() }
	fn commission_units(n: u32, ) -> Weight { Weight::zero() }
	fn record_event(n: u32, ) -> Weight { Weight::zero() }
	fn pack(n: u32, ) -> Weight { Weight::zero() }
	fn unpack(n: u32, ) -> Weight { Weight::zero() }
	fn propose_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn accept_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn reject_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn cancel_transfer(n: u32, ) -> Weight { Weight::zero() }
	fn decommission() -> Weight { Weight::zero() }
	fn reactivate() -> Weight { Weight::zero() }
	fn flag_suspect(n: u32, ) -> Weight { Weight::zero() }
	fn clear_suspect(n: u32, ) -> Weight { Weight::zero() }
	fn determine_illegitimate() -> Weight { Weight::zero() }
	fn record_notification() -> Weight { Weight::zero() }
	fn terminate_notification() -> Weight { Weight::zero() }
	fn recall_lots(n: u32, ) -> Weight { Weight::zero() }
	fn report_excursion() -> Weight { Weight::zero() }
	fn clear_excursion() -> Weight { Weight::zero() }
}
