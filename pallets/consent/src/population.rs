//! Synthetic consents at genesis, for measuring how costs grow with the state
//! ([`medchain_primitives::population`]).

use crate::{pallet::*, BalanceOf, ConsentOf, ConsentTermsOf};
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use medchain_primitives::{
	consent::{ConsentStatus, Grantee},
	health::{Action, Confidentiality, PurposeOfUse},
	population::{account, Population},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Inserts `population.count` active consents of `population.owners` synthetic patients (the
	/// same patients the records' population uses), as `grant_consent` would: each patient is
	/// minted its deposits and pays them. A patient's k-th consent permits synthetic provider k
	/// to access all data for treatment. Panics (at genesis only) if the population breaks a
	/// bound, e.g. more than `MaxConsentsPerPatient` per patient.
	pub(crate) fn populate(population: &Population) {
		let synthetic = |kind: &[u8], index: u32| -> T::AccountId {
			account(kind, index).unwrap_or_else(|| panic!("the account type cannot hold a synthetic account"))
		};
		let patients: alloc::vec::Vec<T::AccountId> =
			(0..population.owners).map(|owner| synthetic(b"patient", owner)).collect();
		for (owner, patient) in (0u32..).zip(&patients) {
			let consents = BalanceOf::<T>::from(population.entries_of(owner));
			let needed = T::ConsentDeposit::get()
				.saturating_mul(consents)
				.saturating_add(T::Currency::minimum_balance());
			if T::Currency::mint_into(patient, needed).is_err() {
				panic!("cannot fund synthetic patient {owner}");
			}
		}
		let mut granted = alloc::vec![0u32; patients.len()];
		for index in 0..population.count {
			let owner = population.owner_of(index) as usize;
			let (Some(patient), Some(rank)) = (patients.get(owner), granted.get_mut(owner)) else {
				panic!("a consent population needs at least one owner");
			};
			let terms = ConsentTermsOf::<T>::permit_all_data(
				Grantee::Account(synthetic(b"provider", *rank)),
				&[Action::Access],
				&[PurposeOfUse::Treatment],
				Confidentiality::Normal,
			);
			*rank = rank.saturating_add(1);
			let consent = Self::checked_terms(patient, terms).and_then(|terms| {
				Self::insert_consent(ConsentOf::<T> {
					patient: patient.clone(),
					terms,
					status: ConsentStatus::Active,
					version: 1,
					replaces: None,
					request: None,
					created: Zero::zero(),
					depositor: patient.clone(),
					deposit: Zero::zero(),
				})
			});
			if let Err(error) = consent {
				panic!("synthetic consent {index} not inserted: {error:?}");
			}
		}
	}
}
