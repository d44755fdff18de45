//! Tests of the participants registry.

use crate::{
	mock::*, Error, Event, ParticipantCount, ParticipantStatus, Participants as Registry,
	ParticipantsInspect, ParticipantsMutate, Role, RoleSet,
};
use frame_support::{assert_noop, assert_ok};
use sp_core::H256;
use sp_runtime::{traits::BadOrigin, BoundedVec};

fn roles(list: &[Role]) -> RoleSet {
	BoundedVec::try_from(list.to_vec()).unwrap()
}

fn register_pharmacy(valid_until: Option<u64>) {
	assert_ok!(Participants::register(
		RuntimeOrigin::root(),
		PHARMACY,
		roles(&[Role::Dispenser]),
		H256::repeat_byte(2),
		Some(GLN),
		[3u8; 32],
		valid_until,
	));
}

fn has_role(who: u64, role: Role) -> bool {
	<Participants as ParticipantsInspect<u64>>::has_role(&who, role)
}

#[test]
fn genesis_registers_participants() {
	test(|| {
		assert!(has_role(HOSPITAL, Role::HealthcareOrganization));
		assert!(<Participants as ParticipantsInspect<u64>>::is_provider(&HOSPITAL));
		assert_eq!(ParticipantCount::<Test>::get(), 1);
	});
}

#[test]
fn register_stores_sorted_roles_and_emits_event() {
	test(|| {
		assert_ok!(Participants::register(
			RuntimeOrigin::root(),
			PHARMACY,
			roles(&[Role::Dispenser, Role::Manufacturer]),
			H256::repeat_byte(2),
			Some(GLN),
			[3u8; 32],
			Some(100),
		));
		let info = Registry::<Test>::get(PHARMACY).unwrap();
		assert_eq!(info.roles.to_vec(), vec![Role::Manufacturer, Role::Dispenser]);
		assert_eq!(info.status, ParticipantStatus::Active);
		assert_eq!(info.registered_at, 1);
		assert_eq!(info.gln, Some(GLN));
		assert_eq!(ParticipantCount::<Test>::get(), 2);
		System::assert_last_event(
			Event::Registered {
				who: PHARMACY,
				roles: roles(&[Role::Manufacturer, Role::Dispenser]),
			}
			.into(),
		);
		assert!(has_role(PHARMACY, Role::Dispenser));
		assert!(!has_role(PHARMACY, Role::Regulator));
		assert_eq!(<Participants as ParticipantsInspect<u64>>::gln(&PHARMACY), Some(GLN));
	});
}

#[test]
fn register_rejects_bad_input() {
	test(|| {
		let call = |who, list: &[Role], gln, valid_until| {
			Participants::register(
				RuntimeOrigin::root(),
				who,
				roles(list),
				H256::zero(),
				gln,
				[0u8; 32],
				valid_until,
			)
		};
		assert_noop!(
			call(HOSPITAL, &[Role::Practitioner], None, None),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(call(PHARMACY, &[], None, None), Error::<Test>::NoRoles);
		assert_noop!(
			call(PHARMACY, &[Role::Researcher, Role::Researcher], None, None),
			Error::<Test>::DuplicateRole
		);
		assert_noop!(
			call(PHARMACY, &[Role::Dispenser], Some(*b"0614141000006"), None),
			Error::<Test>::InvalidGln
		);
		assert_noop!(
			call(PHARMACY, &[Role::Dispenser], Some(*b"06141410000a5"), None),
			Error::<Test>::InvalidGln
		);
		assert_noop!(call(PHARMACY, &[Role::Dispenser], None, None), Error::<Test>::GlnRequired);
		assert_noop!(call(PHARMACY, &[Role::Regulator], None, None), Error::<Test>::GlnRequired);
		assert_noop!(
			call(PHARMACY, &[Role::Researcher], None, Some(1)),
			Error::<Test>::ValidityInPast
		);
		ParticipantCount::<Test>::put(u32::MAX);
		assert_noop!(
			call(PHARMACY, &[Role::Researcher], None, None),
			Error::<Test>::TooManyParticipants
		);
		ParticipantCount::<Test>::put(1);
	});
}

#[test]
fn governance_calls_need_the_governance_origin() {
	test(|| {
		let signed = RuntimeOrigin::signed(OUTSIDER);
		assert_noop!(
			Participants::register(
				signed.clone(),
				PHARMACY,
				roles(&[Role::Researcher]),
				H256::zero(),
				None,
				[0u8; 32],
				None
			),
			BadOrigin
		);
		assert_noop!(
			Participants::update_registration(signed.clone(), HOSPITAL, roles(&[Role::Researcher]), None),
			BadOrigin
		);
		assert_noop!(
			Participants::renew_credential(signed.clone(), HOSPITAL, H256::zero(), None),
			BadOrigin
		);
		assert_noop!(Participants::suspend(signed.clone(), HOSPITAL), BadOrigin);
		assert_noop!(Participants::reinstate(signed.clone(), HOSPITAL), BadOrigin);
		assert_noop!(Participants::revoke(signed, HOSPITAL), BadOrigin);
		assert_noop!(Participants::rotate_encryption_key(RuntimeOrigin::root(), [1u8; 32]), BadOrigin);
	});
}

#[test]
fn update_registration_replaces_roles_and_gln() {
	test(|| {
		assert_ok!(Participants::update_registration(
			RuntimeOrigin::root(),
			HOSPITAL,
			roles(&[Role::EmergencyResponder, Role::Practitioner]),
			None,
		));
		assert!(has_role(HOSPITAL, Role::EmergencyResponder));
		assert!(!has_role(HOSPITAL, Role::HealthcareOrganization));
		System::assert_last_event(
			Event::RegistrationUpdated {
				who: HOSPITAL,
				roles: roles(&[Role::Practitioner, Role::EmergencyResponder]),
			}
			.into(),
		);
		assert_noop!(
			Participants::update_registration(RuntimeOrigin::root(), OUTSIDER, roles(&[Role::Researcher]), None),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Participants::update_registration(RuntimeOrigin::root(), HOSPITAL, roles(&[Role::Dispenser]), None),
			Error::<Test>::GlnRequired
		);
		assert_noop!(
			Participants::update_registration(RuntimeOrigin::root(), HOSPITAL, roles(&[]), None),
			Error::<Test>::NoRoles
		);
	});
}

#[test]
fn roles_lapse_after_valid_until_and_renewal_restores_them() {
	test(|| {
		register_pharmacy(Some(10));
		System::set_block_number(10);
		assert!(has_role(PHARMACY, Role::Dispenser), "valid through its last block");
		System::set_block_number(11);
		assert!(!has_role(PHARMACY, Role::Dispenser), "expired");

		assert_noop!(
			Participants::renew_credential(RuntimeOrigin::root(), PHARMACY, H256::zero(), Some(11)),
			Error::<Test>::ValidityInPast
		);
		assert_noop!(
			Participants::renew_credential(RuntimeOrigin::root(), OUTSIDER, H256::zero(), None),
			Error::<Test>::NotRegistered
		);
		assert_ok!(Participants::renew_credential(
			RuntimeOrigin::root(),
			PHARMACY,
			H256::repeat_byte(9),
			Some(50)
		));
		assert!(has_role(PHARMACY, Role::Dispenser));
		assert_eq!(Registry::<Test>::get(PHARMACY).unwrap().credential_hash, H256::repeat_byte(9));
		System::assert_last_event(
			Event::CredentialRenewed { who: PHARMACY, valid_until: Some(50) }.into(),
		);
	});
}

#[test]
fn suspension_removes_roles_until_reinstated() {
	test(|| {
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), HOSPITAL));
		System::assert_last_event(Event::Suspended { who: HOSPITAL }.into());
		assert!(!has_role(HOSPITAL, Role::HealthcareOrganization));
		assert_eq!(<Participants as ParticipantsInspect<u64>>::encryption_key(&HOSPITAL), None);
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), HOSPITAL), Error::<Test>::NotActive);
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), OUTSIDER), Error::<Test>::NotRegistered);

		assert_ok!(Participants::reinstate(RuntimeOrigin::root(), HOSPITAL));
		System::assert_last_event(Event::Reinstated { who: HOSPITAL }.into());
		assert!(has_role(HOSPITAL, Role::HealthcareOrganization));
		assert_noop!(Participants::reinstate(RuntimeOrigin::root(), HOSPITAL), Error::<Test>::NotSuspended);
		assert_noop!(Participants::reinstate(RuntimeOrigin::root(), OUTSIDER), Error::<Test>::NotRegistered);
	});
}

#[test]
fn revocation_is_final() {
	test(|| {
		assert_ok!(Participants::revoke(RuntimeOrigin::root(), HOSPITAL));
		System::assert_last_event(Event::Revoked { who: HOSPITAL }.into());
		assert!(!has_role(HOSPITAL, Role::HealthcareOrganization));
		assert_eq!(Registry::<Test>::get(HOSPITAL).unwrap().status, ParticipantStatus::Revoked);
		assert_noop!(Participants::revoke(RuntimeOrigin::root(), HOSPITAL), Error::<Test>::AlreadyRevoked);
		assert_noop!(Participants::revoke(RuntimeOrigin::root(), OUTSIDER), Error::<Test>::NotRegistered);
		assert_noop!(Participants::reinstate(RuntimeOrigin::root(), HOSPITAL), Error::<Test>::Revoked);
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), HOSPITAL), Error::<Test>::Revoked);
		assert_noop!(
			Participants::update_registration(RuntimeOrigin::root(), HOSPITAL, roles(&[Role::Researcher]), None),
			Error::<Test>::Revoked
		);
		assert_noop!(
			Participants::renew_credential(RuntimeOrigin::root(), HOSPITAL, H256::zero(), None),
			Error::<Test>::Revoked
		);
		assert_noop!(
			Participants::rotate_encryption_key(RuntimeOrigin::signed(HOSPITAL), [8u8; 32]),
			Error::<Test>::Revoked
		);
		// The entry stays, for the audit trail.
		assert_eq!(ParticipantCount::<Test>::get(), 1);
	});
}

#[test]
fn participants_rotate_their_own_encryption_key() {
	test(|| {
		assert_ok!(Participants::rotate_encryption_key(RuntimeOrigin::signed(HOSPITAL), [8u8; 32]));
		System::assert_last_event(Event::EncryptionKeyRotated { who: HOSPITAL }.into());
		assert_eq!(<Participants as ParticipantsInspect<u64>>::encryption_key(&HOSPITAL), Some([8u8; 32]));
		assert_noop!(
			Participants::rotate_encryption_key(RuntimeOrigin::signed(HOSPITAL), [8u8; 32]),
			Error::<Test>::SameEncryptionKey
		);
		assert_noop!(
			Participants::rotate_encryption_key(RuntimeOrigin::signed(OUTSIDER), [8u8; 32]),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn unjustified_emergencies_are_counted() {
	test(|| {
		assert_ok!(<Participants as ParticipantsMutate<u64>>::record_unjustified_emergency(&HOSPITAL));
		assert_ok!(<Participants as ParticipantsMutate<u64>>::record_unjustified_emergency(&HOSPITAL));
		assert_eq!(Registry::<Test>::get(HOSPITAL).unwrap().unjustified_emergencies, 2);
		System::assert_last_event(
			Event::UnjustifiedEmergencyRecorded { who: HOSPITAL, total: 2 }.into(),
		);
		assert_noop!(
			<Participants as ParticipantsMutate<u64>>::record_unjustified_emergency(&OUTSIDER),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn try_state_detects_a_wrong_count() {
	new_test_ext().execute_with(|| {
		assert!(Participants::do_try_state().is_ok());
		ParticipantCount::<Test>::put(5);
		assert!(Participants::do_try_state().is_err());
	});
}
