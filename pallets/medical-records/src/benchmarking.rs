//! Benchmarks of the medical records pallet (`frame_benchmarking::v2`). Each call runs on its
//! worst case: the longest locator, a patient with a full index where that matters, a deposit
//! that has to grow, and writes by a provider (role lookup and consent decision) rather than
//! by the patient. The decision is measured here with one consent; the calls' weights add the
//! consent pallet's worst case (`ConsentDecider::decide_weight`) on top.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_core::H256;
use sp_runtime::{traits::StaticLookup, BoundedVec, Saturating};

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let amount = Pallet::<T>::deposit_for(T::MaxLocatorLen::get() as usize)
		.saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn longest_locator<T: Config>(fill: u8) -> LocatorOf<T> {
	BoundedVec::truncate_from(alloc::vec![fill; T::MaxLocatorLen::get() as usize])
}

/// A funded practitioner whom `patient`'s consent permits `action` for treatment.
fn provider<T: Config>(patient: &T::AccountId, action: Action) -> T::AccountId {
	let provider = funded::<T>("provider");
	T::BenchmarkHelper::register_practitioner(&provider);
	T::BenchmarkHelper::permit(patient, &provider, action);
	provider
}

/// A current record of `patient`, written by the patient, kept by `custodian`.
fn record_of<T: Config>(patient: &T::AccountId, custodian: &T::AccountId) -> RecordId {
	let id = NextRecordId::<T>::get();
	let registered = Pallet::<T>::register_record(
		RawOrigin::Signed(patient.clone()).into(),
		T::Lookup::unlookup(patient.clone()),
		RecordCategory::Summary,
		Confidentiality::Normal,
		H256::repeat_byte(1),
		BoundedVec::truncate_from(alloc::vec![b'v'; 1]),
		T::Lookup::unlookup(custodian.clone()),
	);
	assert!(registered.is_ok(), "benchmark setup: registration failed");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_record() {
		let patient = funded::<T>("patient");
		let provider = provider::<T>(&patient, Action::Collect);
		let custodian: T::AccountId = account("custodian", 0, 0);
		// Fill the index up to one below the bound.
		PatientRecordCount::<T>::insert(&patient, T::MaxRecordsPerPatient::get().saturating_sub(1));

		#[extrinsic_call]
		_(
			RawOrigin::Signed(provider),
			T::Lookup::unlookup(patient.clone()),
			RecordCategory::Genomic,
			Confidentiality::VeryRestricted,
			H256::repeat_byte(2),
			longest_locator::<T>(b'l'),
			T::Lookup::unlookup(custodian),
		);

		assert_eq!(PatientRecordCount::<T>::get(&patient), T::MaxRecordsPerPatient::get());
	}

	#[benchmark]
	fn amend_record() {
		let patient = funded::<T>("patient");
		let provider = provider::<T>(&patient, Action::Correct);
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(provider),
			id,
			Confidentiality::Restricted,
			H256::repeat_byte(3),
			longest_locator::<T>(b'a'),
		);

		assert_eq!(Records::<T>::get(id).map(|r| r.status), Some(RecordStatus::Superseded));
	}

	#[benchmark]
	fn mark_entered_in_error() {
		let patient = funded::<T>("patient");
		let id = record_of::<T>(&patient, &patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert_eq!(Records::<T>::get(id).map(|r| r.status), Some(RecordStatus::EnteredInError));
	}

	#[benchmark]
	fn rotate_key() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);

		// The locator grows from one byte to the maximum: the deposit grows too.
		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id, H256::repeat_byte(4), longest_locator::<T>(b'r'));

		assert_eq!(Records::<T>::get(id).map(|r| r.key_epoch), Some(1));
	}

	#[benchmark]
	fn request_erasure() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);
		let new_custodian: T::AccountId = account("custodian", 1, 0);
		let proposed = Pallet::<T>::propose_custodian(
			RawOrigin::Signed(patient.clone()).into(),
			id,
			T::Lookup::unlookup(new_custodian),
		);
		assert!(proposed.is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert_eq!(Records::<T>::get(id).map(|r| r.status), Some(RecordStatus::ErasurePending));
	}

	#[benchmark]
	fn confirm_erasure() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);
		assert!(Pallet::<T>::request_erasure(RawOrigin::Signed(patient.clone()).into(), id).is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(custodian), id);

		assert_eq!(Records::<T>::get(id).map(|r| r.status), Some(RecordStatus::Erased));
	}

	#[benchmark]
	fn propose_custodian() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);
		let new_custodian: T::AccountId = account("custodian", 1, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(custodian), id, T::Lookup::unlookup(new_custodian.clone()));

		assert_eq!(PendingCustody::<T>::get(id), Some(new_custodian));
	}

	#[benchmark]
	fn accept_custody() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);
		let new_custodian: T::AccountId = account("custodian", 1, 0);
		let proposed = Pallet::<T>::propose_custodian(
			RawOrigin::Signed(custodian).into(),
			id,
			T::Lookup::unlookup(new_custodian.clone()),
		);
		assert!(proposed.is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(new_custodian.clone()), id);

		assert_eq!(Records::<T>::get(id).map(|r| r.custodian), Some(new_custodian));
	}

	#[benchmark]
	fn cancel_custody_transfer() {
		let patient = funded::<T>("patient");
		let custodian: T::AccountId = account("custodian", 0, 0);
		let id = record_of::<T>(&patient, &custodian);
		let proposed = Pallet::<T>::propose_custodian(
			RawOrigin::Signed(custodian.clone()).into(),
			id,
			T::Lookup::unlookup(account("custodian", 1, 0)),
		);
		assert!(proposed.is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(custodian), id);

		assert!(PendingCustody::<T>::get(id).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
