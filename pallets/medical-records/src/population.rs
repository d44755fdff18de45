//! Synthetic records at genesis, for measuring how costs grow with the state
//! ([`medchain_primitives::population`]).

use crate::{pallet::*, BalanceOf, LocatorOf};
use frame_support::traits::fungible::{Inspect, Mutate};
use medchain_primitives::{
	health::{Confidentiality, RecordCategory},
	population::{account, Population},
};
use sp_runtime::{
	traits::{BlakeTwo256, Hash, Saturating},
	BoundedVec,
};

impl<T: Config> Pallet<T> {
	/// Inserts `population.count` records of `population.owners` synthetic patients, kept by one
	/// synthetic custodian, as `register_record` would: each patient is minted its deposits and
	/// pays them. Panics (at genesis only) if the population breaks a bound, e.g. more than
	/// `MaxRecordsPerPatient` per patient.
	pub(crate) fn populate(population: &Population) {
		let synthetic = |kind: &[u8], index: u32| -> T::AccountId {
			account(kind, index).unwrap_or_else(|| panic!("the account type cannot hold a synthetic account"))
		};
		let custodian = synthetic(b"custodian", 0);
		let locator: LocatorOf<T> = BoundedVec::truncate_from(b"population://record".to_vec());
		let deposit = Self::deposit_for(locator.len());
		let patients: alloc::vec::Vec<T::AccountId> =
			(0..population.owners).map(|owner| synthetic(b"patient", owner)).collect();
		for (owner, patient) in (0u32..).zip(&patients) {
			let records = BalanceOf::<T>::from(population.entries_of(owner));
			let needed = deposit.saturating_mul(records).saturating_add(T::Currency::minimum_balance());
			if T::Currency::mint_into(patient, needed).is_err() {
				panic!("cannot fund synthetic patient {owner}");
			}
		}
		for index in 0..population.count {
			let Some(patient) = patients.get(population.owner_of(index) as usize) else {
				panic!("a record population needs at least one owner");
			};
			let categories = RecordCategory::ALL;
			let category = categories.get(index as usize % categories.len()).copied().unwrap_or(RecordCategory::Summary);
			let draft = MedicalRecordDraft {
				patient: patient.clone(),
				custodian: custodian.clone(),
				category,
				confidentiality: Confidentiality::Normal,
				content_hash: BlakeTwo256::hash(&index.to_le_bytes()),
				locator: locator.clone(),
				version: 1,
				replaces: None,
			};
			if let Err(error) = Self::insert_record(patient, draft) {
				panic!("synthetic record {index} not inserted: {error:?}");
			}
		}
	}
}
