//! Synthetic lots at genesis, for measuring how costs grow with the state
//! ([`medchain_primitives::population`]).

use crate::{pallet::*, BalanceOf, LotOf, ProductOf};
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
	population::{account, lot_number, pack_serial, LotPopulation, POPULATION_EXPIRY, POPULATION_GTIN},
	supply::{
		serial_hash, serials_root, BizStep, Disposition, EventRecord, HistoryHead, ProductDetails, ProductKind,
		ProductStatus,
	},
};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Registers the synthetic product [`POPULATION_GTIN`] of a synthetic manufacturer and
	/// commissions `population.lots` loose-pack lots of it, each committing to
	/// `population.packs_per_lot` serials ([`pack_serial`]) and held by the manufacturer, as
	/// `register_product` and `commission_lot` would: the manufacturer is minted its deposits
	/// and pays them. Panics (at genesis only) if a lot cannot be stored.
	pub(crate) fn populate(population: &LotPopulation) {
		let Some(manufacturer) = account::<T::AccountId>(b"manufacturer", 0) else {
			panic!("the account type cannot hold a synthetic account");
		};
		let lots = BalanceOf::<T>::from(population.lots);
		let needed = T::LotDeposit::get()
			.saturating_mul(lots)
			.saturating_add(T::ProductDeposit::get())
			.saturating_add(T::Currency::minimum_balance());
		if T::Currency::mint_into(&manufacturer, needed).is_err() {
			panic!("cannot fund the synthetic manufacturer");
		}
		let details = ProductDetails {
			kind: ProductKind::Drug,
			national_code: None,
			temperature: None,
			lookup_url: None,
			unit_tracked: false,
		};
		let deposit = T::ProductDeposit::get();
		if Self::hold(HoldReason::ProductDeposit, &manufacturer, deposit).is_err() {
			panic!("cannot hold the synthetic product's deposit");
		}
		Products::<T>::insert(
			POPULATION_GTIN,
			ProductOf::<T> {
				owner: manufacturer.clone(),
				details,
				status: ProductStatus::Active,
				lots: population.lots,
				deposit,
			},
		);
		let now = BlockNumberFor::<T>::zero();
		for lot in 0..population.lots {
			let leaves: alloc::vec::Vec<_> = (0..population.packs_per_lot)
				.map(|pack| serial_hash(&POPULATION_GTIN, &pack_serial(lot, pack)))
				.collect();
			let deposit = T::LotDeposit::get();
			if Self::hold(HoldReason::LotDeposit, &manufacturer, deposit).is_err() {
				panic!("cannot hold synthetic lot {lot}'s deposit");
			}
			let mut history = HistoryHead::default();
			history.append(
				&manufacturer,
				&now,
				&EventRecord {
					step: BizStep::Commissioning,
					disposition: Disposition::Active,
					read_point: None,
					business_location: None,
					document: H256::zero(),
				},
			);
			let number = lot_number(lot);
			Lots::<T>::insert(
				POPULATION_GTIN,
				&number,
				LotOf::<T> {
					manufacturer: manufacturer.clone(),
					expiry: POPULATION_EXPIRY,
					quantity: population.packs_per_lot,
					serials_root: serials_root(&leaves),
					units_commissioned: 0,
					recall: None,
					suspect_case: None,
					history,
					commissioned_at: now,
					deposit,
				},
			);
			LotHoldings::<T>::insert((POPULATION_GTIN, number), &manufacturer, population.packs_per_lot);
		}
	}
}
