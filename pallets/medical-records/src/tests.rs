//! Tests of the medical records pallet.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_core::H256;
use sp_runtime::{traits::BadOrigin, BoundedVec};

fn locator(bytes: &[u8]) -> LocatorOf<Test> {
	BoundedVec::try_from(bytes.to_vec()).unwrap()
}

fn hash(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn deposit(locator_len: u64) -> u64 {
	DEPOSIT_BASE + PER_BYTE * locator_len
}

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::MedicalRecords(HoldReason::RecordDeposit), &who)
}

/// The patient registers a record kept by the vault; returns its id.
fn patient_record() -> RecordId {
	let id = NextRecordId::<Test>::get();
	assert_ok!(MedicalRecords::register_record(
		RuntimeOrigin::signed(PATIENT),
		PATIENT,
		RecordCategory::Summary,
		Confidentiality::Normal,
		hash(1),
		locator(b"vault://r/1"),
		VAULT,
	));
	id
}

#[test]
fn patient_registers_own_record_and_pays_deposit() {
	test(|| {
		let id = patient_record();
		let record = Records::<Test>::get(id).unwrap();
		assert_eq!(record.subject, PATIENT);
		assert_eq!(record.author, PATIENT);
		assert_eq!(record.custodian, VAULT);
		assert_eq!(record.category, RecordCategory::Summary);
		assert_eq!(record.content_hash, Some(hash(1)));
		assert_eq!(record.locator.to_vec(), b"vault://r/1".to_vec());
		assert_eq!((record.version, record.key_epoch, record.replaces), (1, 0, None));
		assert_eq!(record.status, RecordStatus::Current);
		assert_eq!(record.created, 1);
		assert_eq!(record.deposit, deposit(11));
		assert_eq!(held(PATIENT), deposit(11));
		assert!(PatientRecords::<Test>::contains_key(PATIENT, id));
		assert_eq!(PatientRecordCount::<Test>::get(PATIENT), 1);
		System::assert_last_event(
			Event::RecordRegistered {
				id,
				patient: PATIENT,
				author: PATIENT,
				custodian: VAULT,
				category: RecordCategory::Summary,
			}
			.into(),
		);
		// The patient's own writes need no consent decision.
		assert!(Asked::get().is_empty());
	});
}

#[test]
fn provider_writes_need_the_provider_role_and_consent() {
	test(|| {
		let register = |who| {
			MedicalRecords::register_record(
				RuntimeOrigin::signed(who),
				PATIENT,
				RecordCategory::Observation,
				Confidentiality::Restricted,
				hash(2),
				locator(b"vault://lab"),
				VAULT,
			)
		};
		// Not a registered provider.
		assert_noop!(register(STRANGER), Error::<Test>::NotPermitted);
		// A provider, but the consent decision denies.
		assert_noop!(register(DOCTOR), Error::<Test>::NotPermitted);
		assert_eq!(
			Asked::get().last().cloned(),
			Some((
				PATIENT,
				DOCTOR,
				AccessTarget::Category {
					category: RecordCategory::Observation,
					confidentiality: Confidentiality::Restricted
				},
				Action::Collect,
				PurposeOfUse::Treatment
			))
		);
		Permits::set(vec![(PATIENT, DOCTOR, Action::Collect)]);
		assert_ok!(register(DOCTOR));
		let record = Records::<Test>::get(0).unwrap();
		assert_eq!((record.subject, record.author, record.depositor), (PATIENT, DOCTOR, DOCTOR));
		assert_eq!(held(DOCTOR), deposit(11));
		// A suspended provider loses the right even with consent.
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DOCTOR));
		assert_noop!(register(DOCTOR), Error::<Test>::NotPermitted);
	});
}

#[test]
fn register_rejects_bad_input() {
	test(|| {
		let register = |who, loc: &[u8]| {
			MedicalRecords::register_record(
				RuntimeOrigin::signed(who),
				who,
				RecordCategory::Other,
				Confidentiality::Normal,
				hash(3),
				locator(loc),
				VAULT,
			)
		};
		assert_noop!(
			MedicalRecords::register_record(
				RuntimeOrigin::root(),
				PATIENT,
				RecordCategory::Other,
				Confidentiality::Normal,
				hash(3),
				locator(b"x"),
				VAULT
			),
			BadOrigin
		);
		assert_noop!(register(PATIENT, b""), Error::<Test>::EmptyLocator);
		assert_noop!(register(POOR, b"vault://x"), Error::<Test>::InsufficientDeposit);
		for _ in 0..MAX_RECORDS {
			assert_ok!(register(PATIENT, b"vault://x"));
		}
		assert_noop!(register(PATIENT, b"vault://x"), Error::<Test>::TooManyRecords);
		NextRecordId::<Test>::put(RecordId::MAX);
		assert_noop!(register(OTHER_PATIENT, b"vault://x"), Error::<Test>::Overflow);
		NextRecordId::<Test>::put(MAX_RECORDS as u64);
	});
}

#[test]
fn amendment_creates_a_new_version_and_supersedes_the_old() {
	test(|| {
		let old = patient_record();
		assert_ok!(MedicalRecords::amend_record(
			RuntimeOrigin::signed(PATIENT),
			old,
			Confidentiality::Restricted,
			hash(9),
			locator(b"vault://r/1v2"),
		));
		let new = old + 1;
		assert_eq!(Records::<Test>::get(old).unwrap().status, RecordStatus::Superseded);
		let record = Records::<Test>::get(new).unwrap();
		assert_eq!((record.version, record.replaces), (2, Some(old)));
		assert_eq!(record.status, RecordStatus::Current);
		assert_eq!(record.confidentiality, Confidentiality::Restricted);
		assert_eq!((record.category, record.custodian), (RecordCategory::Summary, VAULT));
		assert_eq!(PatientRecordCount::<Test>::get(PATIENT), 2);
		assert_eq!(held(PATIENT), deposit(11) + deposit(13));
		System::assert_last_event(
			Event::RecordAmended { old, new, version: 2, author: PATIENT }.into(),
		);
		// Only the current version can be amended.
		assert_noop!(
			MedicalRecords::amend_record(
				RuntimeOrigin::signed(PATIENT),
				old,
				Confidentiality::Normal,
				hash(8),
				locator(b"v")
			),
			Error::<Test>::NotCurrent
		);
	});
}

#[test]
fn amendment_by_a_provider_needs_consent_to_correct() {
	test(|| {
		let id = patient_record();
		let amend = |who| {
			MedicalRecords::amend_record(
				RuntimeOrigin::signed(who),
				id,
				Confidentiality::Normal,
				hash(5),
				locator(b"vault://c"),
			)
		};
		assert_noop!(amend(STRANGER), Error::<Test>::NotPermitted);
		assert_noop!(amend(DOCTOR), Error::<Test>::NotPermitted);
		assert!(matches!(
			Asked::get().last(),
			Some((PATIENT, DOCTOR, AccessTarget::Record { .. }, Action::Correct, PurposeOfUse::Treatment))
		));
		Permits::set(vec![(PATIENT, DOCTOR, Action::Correct)]);
		assert_ok!(amend(DOCTOR));
		assert_eq!(Records::<Test>::get(id + 1).unwrap().author, DOCTOR);
		assert_noop!(
			MedicalRecords::amend_record(
				RuntimeOrigin::signed(PATIENT),
				99,
				Confidentiality::Normal,
				hash(5),
				locator(b"x")
			),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			MedicalRecords::amend_record(
				RuntimeOrigin::signed(PATIENT),
				id + 1,
				Confidentiality::Normal,
				hash(5),
				locator(b"")
			),
			Error::<Test>::EmptyLocator
		);
	});
}

#[test]
fn version_overflow_is_an_error() {
	test(|| {
		let id = patient_record();
		Records::<Test>::mutate(id, |r| r.as_mut().unwrap().version = u32::MAX);
		assert_noop!(
			MedicalRecords::amend_record(
				RuntimeOrigin::signed(PATIENT),
				id,
				Confidentiality::Normal,
				hash(5),
				locator(b"x")
			),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn only_the_author_marks_entered_in_error() {
	test(|| {
		Permits::set(vec![(PATIENT, DOCTOR, Action::Collect)]);
		assert_ok!(MedicalRecords::register_record(
			RuntimeOrigin::signed(DOCTOR),
			PATIENT,
			RecordCategory::Imaging,
			Confidentiality::Normal,
			hash(4),
			locator(b"pacs://1"),
			DOCTOR,
		));
		assert_noop!(
			MedicalRecords::mark_entered_in_error(RuntimeOrigin::signed(PATIENT), 0),
			Error::<Test>::NotAuthor
		);
		assert_noop!(
			MedicalRecords::mark_entered_in_error(RuntimeOrigin::signed(DOCTOR), 7),
			Error::<Test>::RecordNotFound
		);
		assert_ok!(MedicalRecords::mark_entered_in_error(RuntimeOrigin::signed(DOCTOR), 0));
		assert_eq!(Records::<Test>::get(0).unwrap().status, RecordStatus::EnteredInError);
		System::assert_last_event(Event::MarkedEnteredInError { id: 0 }.into());
		assert_noop!(
			MedicalRecords::mark_entered_in_error(RuntimeOrigin::signed(DOCTOR), 0),
			Error::<Test>::NotCurrent
		);
	});
}

#[test]
fn key_rotation_replaces_content_and_resizes_the_deposit() {
	test(|| {
		let id = patient_record();
		assert_ok!(MedicalRecords::rotate_key(
			RuntimeOrigin::signed(PATIENT),
			id,
			hash(7),
			locator(b"vault://r/1/epoch-1"),
		));
		let record = Records::<Test>::get(id).unwrap();
		assert_eq!(record.key_epoch, 1);
		assert_eq!(record.content_hash, Some(hash(7)));
		assert_eq!(record.deposit, deposit(19));
		assert_eq!(held(PATIENT), deposit(19));
		System::assert_last_event(Event::KeyRotated { id, key_epoch: 1 }.into());
		// A shorter locator releases part of the deposit.
		assert_ok!(MedicalRecords::rotate_key(RuntimeOrigin::signed(PATIENT), id, hash(8), locator(b"v")));
		assert_eq!(held(PATIENT), deposit(1));

		let rotate = |who, id, h, loc: &[u8]| {
			MedicalRecords::rotate_key(RuntimeOrigin::signed(who), id, h, locator(loc))
		};
		assert_noop!(rotate(DOCTOR, id, hash(9), b"v"), Error::<Test>::NotPatient);
		assert_noop!(rotate(PATIENT, 42, hash(9), b"v"), Error::<Test>::RecordNotFound);
		assert_noop!(rotate(PATIENT, id, hash(8), b"v"), Error::<Test>::ContentUnchanged);
		assert_noop!(rotate(PATIENT, id, hash(9), b""), Error::<Test>::EmptyLocator);
		Records::<Test>::mutate(id, |r| r.as_mut().unwrap().key_epoch = u32::MAX);
		assert_noop!(rotate(PATIENT, id, hash(9), b"v"), Error::<Test>::Overflow);
		Records::<Test>::mutate(id, |r| r.as_mut().unwrap().key_epoch = 1);
		// Growing the locator needs funds for the extra deposit.
		let _ = Balances::transfer_all(RuntimeOrigin::signed(PATIENT), STRANGER, false);
		assert_noop!(
			rotate(PATIENT, id, hash(9), &[b'x'; 64]),
			Error::<Test>::InsufficientDeposit
		);
		assert_ok!(MedicalRecords::mark_entered_in_error(RuntimeOrigin::signed(PATIENT), id));
		assert_noop!(rotate(PATIENT, id, hash(9), b"v"), Error::<Test>::NotCurrent);
	});
}

#[test]
fn erasure_is_requested_by_the_patient_and_confirmed_by_the_custodian() {
	test(|| {
		let id = patient_record();
		let free_before = Balances::balance(&PATIENT);
		assert_noop!(
			MedicalRecords::request_erasure(RuntimeOrigin::signed(VAULT), id),
			Error::<Test>::NotPatient
		);
		assert_noop!(
			MedicalRecords::request_erasure(RuntimeOrigin::signed(PATIENT), 5),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			MedicalRecords::confirm_erasure(RuntimeOrigin::signed(VAULT), id),
			Error::<Test>::ErasureNotRequested
		);
		assert_ok!(MedicalRecords::request_erasure(RuntimeOrigin::signed(PATIENT), id));
		System::assert_last_event(Event::ErasureRequested { id, custodian: VAULT }.into());
		assert_eq!(Records::<Test>::get(id).unwrap().status, RecordStatus::ErasurePending);
		assert_noop!(
			MedicalRecords::request_erasure(RuntimeOrigin::signed(PATIENT), id),
			Error::<Test>::ErasureAlreadyRequested
		);
		assert_noop!(
			MedicalRecords::confirm_erasure(RuntimeOrigin::signed(PATIENT), id),
			Error::<Test>::NotCustodian
		);
		assert_noop!(
			MedicalRecords::confirm_erasure(RuntimeOrigin::signed(VAULT), 5),
			Error::<Test>::RecordNotFound
		);

		assert_ok!(MedicalRecords::confirm_erasure(RuntimeOrigin::signed(VAULT), id));
		System::assert_last_event(Event::RecordErased { id }.into());
		let record = Records::<Test>::get(id).unwrap();
		assert_eq!(record.status, RecordStatus::Erased);
		assert_eq!(record.content_hash, None);
		assert!(record.locator.is_empty());
		assert_eq!(record.deposit, 0);
		assert_eq!(held(PATIENT), 0);
		assert_eq!(Balances::balance(&PATIENT), free_before + deposit(11));
		assert_noop!(
			MedicalRecords::request_erasure(RuntimeOrigin::signed(PATIENT), id),
			Error::<Test>::ErasureAlreadyRequested
		);
	});
}

#[test]
fn custody_moves_in_two_steps() {
	test(|| {
		let id = patient_record();
		assert_noop!(
			MedicalRecords::propose_custodian(RuntimeOrigin::signed(STRANGER), id, NEW_VAULT),
			Error::<Test>::NotCustodian
		);
		assert_noop!(
			MedicalRecords::propose_custodian(RuntimeOrigin::signed(VAULT), id, VAULT),
			Error::<Test>::AlreadyCustodian
		);
		assert_noop!(
			MedicalRecords::propose_custodian(RuntimeOrigin::signed(VAULT), 9, NEW_VAULT),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			MedicalRecords::accept_custody(RuntimeOrigin::signed(NEW_VAULT), id),
			Error::<Test>::NoPendingTransfer
		);
		assert_ok!(MedicalRecords::propose_custodian(RuntimeOrigin::signed(VAULT), id, NEW_VAULT));
		System::assert_last_event(
			Event::CustodyTransferProposed { id, from: VAULT, to: NEW_VAULT }.into(),
		);
		assert_eq!(Records::<Test>::get(id).unwrap().custodian, VAULT, "not before acceptance");
		assert_noop!(
			MedicalRecords::accept_custody(RuntimeOrigin::signed(STRANGER), id),
			Error::<Test>::NotProposedCustodian
		);
		assert_ok!(MedicalRecords::accept_custody(RuntimeOrigin::signed(NEW_VAULT), id));
		System::assert_last_event(
			Event::CustodyTransferred { id, from: VAULT, to: NEW_VAULT }.into(),
		);
		assert_eq!(Records::<Test>::get(id).unwrap().custodian, NEW_VAULT);
		assert!(PendingCustody::<Test>::get(id).is_none());
	});
}

#[test]
fn custody_transfers_can_be_cancelled_and_are_dropped_on_erasure() {
	test(|| {
		let id = patient_record();
		// The patient may move custody too.
		assert_ok!(MedicalRecords::propose_custodian(RuntimeOrigin::signed(PATIENT), id, NEW_VAULT));
		assert_noop!(
			MedicalRecords::cancel_custody_transfer(RuntimeOrigin::signed(STRANGER), id),
			Error::<Test>::NotCustodian
		);
		assert_noop!(
			MedicalRecords::cancel_custody_transfer(RuntimeOrigin::signed(VAULT), 3),
			Error::<Test>::RecordNotFound
		);
		assert_ok!(MedicalRecords::cancel_custody_transfer(RuntimeOrigin::signed(VAULT), id));
		System::assert_last_event(Event::CustodyTransferCancelled { id }.into());
		assert_noop!(
			MedicalRecords::cancel_custody_transfer(RuntimeOrigin::signed(VAULT), id),
			Error::<Test>::NoPendingTransfer
		);

		assert_ok!(MedicalRecords::propose_custodian(RuntimeOrigin::signed(VAULT), id, NEW_VAULT));
		assert_ok!(MedicalRecords::request_erasure(RuntimeOrigin::signed(PATIENT), id));
		assert!(PendingCustody::<Test>::get(id).is_none());
		assert_noop!(
			MedicalRecords::propose_custodian(RuntimeOrigin::signed(VAULT), id, NEW_VAULT),
			Error::<Test>::ErasureAlreadyRequested
		);
	});
}

#[test]
fn patient_records_are_paged_with_a_cursor() {
	test(|| {
		let first = patient_record();
		let _other = {
			assert_ok!(MedicalRecords::register_record(
				RuntimeOrigin::signed(OTHER_PATIENT),
				OTHER_PATIENT,
				RecordCategory::Other,
				Confidentiality::Low,
				hash(1),
				locator(b"x"),
				VAULT,
			));
		};
		let second = patient_record();
		let third = patient_record();
		let ids = |after, limit| {
			MedicalRecords::patient_records(&PATIENT, after, limit)
				.into_iter()
				.map(|(id, _)| id)
				.collect::<Vec<_>>()
		};
		let all = ids(None, 10);
		let mut sorted = all.clone();
		sorted.sort();
		assert_eq!(sorted, vec![first, second, third], "only this patient's records");
		// Pages follow storage order; a cursor continues after the last id seen.
		let page1 = ids(None, 2);
		let page2 = ids(Some(page1[1]), 2);
		assert_eq!(page1.len(), 2);
		assert_eq!([page1, page2].concat(), all);
		assert!(ids(Some(all[2]), 2).is_empty());
		assert_eq!(MedicalRecords::record(second).map(|r| r.subject), Some(PATIENT));
		assert!(MedicalRecords::record(99).is_none());
	});
}

#[test]
fn try_state_detects_a_broken_index() {
	new_test_ext().execute_with(|| {
		let id = patient_record();
		assert!(MedicalRecords::do_try_state().is_ok());
		PatientRecordCount::<Test>::insert(PATIENT, 2);
		assert!(MedicalRecords::do_try_state().is_err());
		PatientRecordCount::<Test>::insert(PATIENT, 1);
		PatientRecords::<Test>::remove(PATIENT, id);
		assert!(MedicalRecords::do_try_state().is_err());
	});
}

mod population {
	use super::*;
	use frame_support::traits::Get;
	use sp_runtime::BuildStorage;
	use medchain_primitives::population::{account, Population};

	fn populated(population: Population) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> { population: Some(population), ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		sp_io::TestExternalities::new(storage)
	}

	#[test]
	fn a_genesis_population_is_stored_as_registered_records() {
		populated(Population { count: 11, owners: 4 }).execute_with(|| {
			assert_eq!(NextRecordId::<Test>::get(), 11);
			let patient: u64 = account(b"patient", 1).unwrap();
			let custodian: u64 = account(b"custodian", 0).unwrap();
			// 11 over 4 patients: 3, 3, 3, 2; record 1 is the second patient's first.
			assert_eq!(PatientRecordCount::<Test>::get(patient), 3);
			let locator_len = b"population://record".len() as u64;
			assert_eq!(held(patient), 3 * deposit(locator_len));
			assert_eq!(Balances::balance(&patient), Balances::minimum_balance());
			let record = Records::<Test>::get(1).unwrap();
			assert_eq!((record.subject, record.author, record.custodian), (patient, patient, custodian));
			assert_eq!(record.status, RecordStatus::Current);
			MedicalRecords::do_try_state().expect("invariants hold");
		});
	}

	#[test]
	#[should_panic(expected = "synthetic record")]
	fn a_population_beyond_the_per_patient_bound_is_refused() {
		let bound: u32 = <Test as Config>::MaxRecordsPerPatient::get();
		populated(Population { count: bound + 1, owners: 1 });
	}
}
