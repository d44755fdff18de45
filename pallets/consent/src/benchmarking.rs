//! Benchmarks of the consent pallet (`frame_benchmarking::v2`). Each call runs on its worst
//! case: the largest terms (every record slot of a scope used), per-patient indexes one below
//! their bound, deposits to hold, and for the decision every consent and emergency of the
//! patient read without a match.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	weights::WeightMeter,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use medchain_primitives::consent::{AccessLogEntry, EmergencyAccess, RequestedAccess};
use sp_core::H256;
use sp_runtime::{
	traits::{One, StaticLookup},
	BoundedVec, Saturating,
};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::ConsentDeposit::get()
		.saturating_add(T::RequestDeposit::get())
		.saturating_add(T::PolicyDeposit::get())
		.saturating_add(T::AnchorDeposit::get())
		.saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn participant<T: Config>(name: &'static str, index: u32, roles: &[Role]) -> T::AccountId {
	let who = funded::<T>(name, index);
	T::BenchmarkHelper::register_participant(&who, roles);
	who
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

/// The widest access: every action and purpose, the most listed records, given in reverse
/// order so that normalising them costs the most.
fn widest_access<T: Config>() -> RequestedAccessOf<T> {
	let records = (0..T::MaxScopeRecords::get() as u64).rev().collect::<alloc::vec::Vec<_>>();
	RequestedAccess {
		actions: BoundedVec::truncate_from(Action::ALL.iter().rev().copied().collect()),
		purposes: BoundedVec::truncate_from(PurposeOfUse::ALL.iter().rev().copied().collect()),
		scope: DataScope::Records(BoundedVec::truncate_from(records)),
		ceiling: Confidentiality::VeryRestricted,
		valid: Period { start: now::<T>(), end: Some(now::<T>().saturating_add(1000u32.into())) },
	}
}

fn widest_terms<T: Config>(grantee: Grantee<T::AccountId>) -> ConsentTermsOf<T> {
	let access = widest_access::<T>();
	ConsentTermsOf::<T> {
		grantee,
		decision: ConsentDecision::Permit,
		actions: access.actions,
		purposes: access.purposes,
		scope: access.scope,
		ceiling: access.ceiling,
		valid: access.valid,
		data_period: Some(access.valid),
		document_hash: Some(H256::repeat_byte(1)),
		basis_hash: Some(H256::repeat_byte(2)),
	}
}

/// Gives `patient` `count` consents of the widest kind, granted to `grantee`.
fn consents_of<T: Config>(
	patient: &T::AccountId,
	grantee: Grantee<T::AccountId>,
	count: u32,
) -> alloc::vec::Vec<ConsentId> {
	(0..count)
		.map(|_| {
			let id = NextConsentId::<T>::get();
			let granted = Pallet::<T>::grant_consent(
				RawOrigin::Signed(patient.clone()).into(),
				widest_terms::<T>(grantee.clone()),
			);
			assert!(granted.is_ok(), "benchmark setup: grant failed");
			id
		})
		.collect()
}

/// Claims all but one of `patient`'s consent slots.
fn fill_consents<T: Config>(patient: &T::AccountId) {
	PatientConsentCount::<T>::insert(patient, T::MaxConsentsPerPatient::get().saturating_sub(1));
}

/// A pending request of a registered practitioner to `patient`.
fn request_of<T: Config>(patient: &T::AccountId) -> (RequestId, T::AccountId) {
	let requester = participant::<T>("requester", 0, &[Role::Practitioner]);
	let id = NextRequestId::<T>::get();
	let requested = Pallet::<T>::request_access(
		RawOrigin::Signed(requester.clone()).into(),
		T::Lookup::unlookup(patient.clone()),
		widest_access::<T>(),
		H256::repeat_byte(3),
	);
	assert!(requested.is_ok(), "benchmark setup: request failed");
	(id, requester)
}

/// An emergency access of a new responder to `patient`.
fn emergency_of<T: Config>(patient: &T::AccountId, index: u32) -> (EmergencyId, T::AccountId) {
	let provider = participant::<T>("responder", index, &[Role::EmergencyResponder]);
	let id = NextEmergencyId::<T>::get();
	let invoked = Pallet::<T>::invoke_emergency_access(
		RawOrigin::Signed(provider.clone()).into(),
		T::Lookup::unlookup(patient.clone()),
		EmergencyReason::LifeThreatening,
		Some(H256::repeat_byte(4)),
	);
	assert!(invoked.is_ok(), "benchmark setup: emergency access failed");
	(id, provider)
}

/// Stores `count` emergency accesses of other providers to `patient` directly (the rate limit
/// and the bound would stop a real setup), all active until `expires_at`.
fn stored_emergencies<T: Config>(patient: &T::AccountId, count: u32, expires_at: BlockNumberFor<T>) {
	for index in 0..count {
		let id = NextEmergencyId::<T>::get();
		Emergencies::<T>::insert(
			id,
			EmergencyAccess {
				patient: patient.clone(),
				provider: account("other responder", index, 0),
				reason: EmergencyReason::PatientIncapacitated,
				justification_hash: None,
				started: now::<T>(),
				expires_at,
				review: None,
			},
		);
		ActiveEmergencies::<T>::insert(patient, id, ());
		NextEmergencyId::<T>::put(id.saturating_add(1));
	}
	ActiveEmergencyCount::<T>::insert(patient, count);
}

fn log_entry<T: Config>(accessor: &T::AccountId) -> AccessLogEntryOf<T> {
	AccessLogEntry {
		accessor: accessor.clone(),
		record: Some(u64::MAX),
		category: RecordCategory::Genomic,
		action: Action::Disclose,
		purpose: PurposeOfUse::Research,
		decision: AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(u64::MAX)),
		event_hash: H256::repeat_byte(5),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant_consent() {
		let patient = funded::<T>("patient", 0);
		fill_consents::<T>(&patient);
		let terms = widest_terms::<T>(Grantee::Account(account("grantee", 0, 0)));

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), terms);

		assert_eq!(PatientConsentCount::<T>::get(&patient), T::MaxConsentsPerPatient::get());
	}

	#[benchmark]
	fn draft_consent() {
		let patient = funded::<T>("patient", 0);
		fill_consents::<T>(&patient);
		let terms = widest_terms::<T>(Grantee::Account(account("grantee", 0, 0)));

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), terms);

		assert_eq!(PatientConsentCount::<T>::get(&patient), T::MaxConsentsPerPatient::get());
	}

	#[benchmark]
	fn activate_consent() {
		let patient = funded::<T>("patient", 0);
		let id = NextConsentId::<T>::get();
		let drafted = Pallet::<T>::draft_consent(
			RawOrigin::Signed(patient.clone()).into(),
			widest_terms::<T>(Grantee::Role(Role::Practitioner)),
		);
		assert!(drafted.is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert_eq!(Consents::<T>::get(id).map(|c| c.status), Some(ConsentStatus::Active));
	}

	#[benchmark]
	fn revoke_consent() {
		let patient = funded::<T>("patient", 0);
		let id = consents_of::<T>(&patient, Grantee::Role(Role::Practitioner), 1)[0];

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert!(Consents::<T>::get(id).is_none());
	}

	#[benchmark]
	fn amend_consent() {
		let patient = funded::<T>("patient", 0);
		let id = consents_of::<T>(&patient, Grantee::Role(Role::Practitioner), 1)[0];
		let terms = widest_terms::<T>(Grantee::Organization(account("hospital", 0, 0)));

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id, terms);

		assert!(Consents::<T>::get(id).is_none());
		assert_eq!(Consents::<T>::get(id.saturating_add(1)).map(|c| c.version), Some(2));
	}

	#[benchmark]
	fn mark_consent_entered_in_error() {
		let patient = funded::<T>("patient", 0);
		let id = consents_of::<T>(&patient, Grantee::Role(Role::Practitioner), 1)[0];

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert!(Consents::<T>::get(id).is_none());
	}

	#[benchmark]
	fn request_access() {
		let patient = funded::<T>("patient", 0);
		// Registered as a researcher only: the provider check runs through every role first.
		let requester = participant::<T>("requester", 0, &[Role::Researcher]);
		PatientRequestCount::<T>::insert(
			&patient,
			T::MaxPendingRequestsPerPatient::get().saturating_sub(1),
		);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(requester),
			T::Lookup::unlookup(patient.clone()),
			widest_access::<T>(),
			H256::repeat_byte(3),
		);

		assert_eq!(
			PatientRequestCount::<T>::get(&patient),
			T::MaxPendingRequestsPerPatient::get()
		);
	}

	#[benchmark]
	fn approve_request() {
		let patient = funded::<T>("patient", 0);
		let (id, requester) = request_of::<T>(&patient);
		fill_consents::<T>(&patient);
		// Narrowed: the subset check runs over every item.
		let narrowed = widest_access::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id, Some(narrowed));

		assert!(Requests::<T>::get(id).is_none());
		let consent = NextConsentId::<T>::get().saturating_sub(1);
		assert_eq!(Consents::<T>::get(consent).map(|c| c.depositor), Some(requester));
	}

	#[benchmark]
	fn deny_request() {
		let patient = funded::<T>("patient", 0);
		let (id, _) = request_of::<T>(&patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), id);

		assert!(Requests::<T>::get(id).is_none());
	}

	#[benchmark]
	fn withdraw_request() {
		let patient = funded::<T>("patient", 0);
		let (id, requester) = request_of::<T>(&patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(requester), id);

		assert!(Requests::<T>::get(id).is_none());
	}

	#[benchmark]
	fn set_emergency_policy() {
		let patient = funded::<T>("patient", 0);
		let delegates = (0..T::MaxEmergencyDelegates::get())
			.rev()
			.map(|index| account("delegate", index, 0))
			.collect::<alloc::vec::Vec<T::AccountId>>();
		let policy = EmergencyPolicy::OnlyDelegates(BoundedVec::truncate_from(delegates));

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), policy);

		assert!(EmergencyPolicies::<T>::contains_key(&patient));
	}

	#[benchmark]
	fn invoke_emergency_access() {
		let patient = funded::<T>("patient", 0);
		let provider = participant::<T>("responder", 0, &[Role::EmergencyResponder]);
		// The patient's policy names the provider last among the most delegates.
		let delegates = (1..T::MaxEmergencyDelegates::get())
			.map(|index| account("delegate", index, 0))
			.chain([provider.clone()])
			.collect::<alloc::vec::Vec<T::AccountId>>();
		let policy = EmergencyPolicy::OnlyDelegates(BoundedVec::truncate_from(delegates));
		assert!(Pallet::<T>::set_emergency_policy(
			RawOrigin::Signed(patient.clone()).into(),
			policy
		)
		.is_ok());
		// Every other slot holds an access that has ended and must be pruned first.
		stored_emergencies::<T>(
			&patient,
			T::MaxActiveEmergenciesPerPatient::get().saturating_sub(1),
			now::<T>(),
		);
		frame_system::Pallet::<T>::set_block_number(now::<T>().saturating_add(One::one()));
		let id = NextEmergencyId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(provider),
			T::Lookup::unlookup(patient.clone()),
			EmergencyReason::LifeThreatening,
			Some(H256::repeat_byte(4)),
		);

		assert!(ActiveEmergencies::<T>::contains_key(&patient, id));
		assert_eq!(ActiveEmergencyCount::<T>::get(&patient), 1);
	}

	#[benchmark]
	fn end_emergency_access() {
		let patient = funded::<T>("patient", 0);
		let (id, provider) = emergency_of::<T>(&patient, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id);

		assert!(!ActiveEmergencies::<T>::contains_key(&patient, id));
	}

	#[benchmark]
	fn review_emergency_access() {
		let patient = funded::<T>("patient", 0);
		let (id, _) = emergency_of::<T>(&patient, 0);
		let officer = participant::<T>("officer", 0, &[Role::PrivacyOfficer]);

		// Unjustified while active: recorded against the provider, ended and removed.
		#[extrinsic_call]
		_(RawOrigin::Signed(officer), id, ReviewVerdict::Unjustified, Some(H256::repeat_byte(6)));

		assert!(Emergencies::<T>::get(id).is_none());
	}

	#[benchmark]
	fn log_access(n: Linear<1, { T::MaxLogBatch::get() }>) {
		let patient = funded::<T>("patient", 0);
		let logger = participant::<T>("vault", 0, &[Role::HealthcareOrganization]);
		let entries = (0..n).map(|_| log_entry::<T>(&logger)).collect::<alloc::vec::Vec<_>>();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(logger),
			T::Lookup::unlookup(patient.clone()),
			BoundedVec::truncate_from(entries),
		);

		assert_eq!(AuditHeads::<T>::get(&patient).count, n as u64);
	}

	#[benchmark]
	fn anchor_log_batch() {
		let custodian = participant::<T>("vault", 0, &[Role::HealthcareOrganization]);

		#[extrinsic_call]
		_(RawOrigin::Signed(custodian.clone()), H256::repeat_byte(7), u32::MAX);

		assert!(AuditAnchors::<T>::contains_key(&custodian, 0));
	}

	#[benchmark]
	fn remove_anchor() {
		let custodian = participant::<T>("vault", 0, &[Role::HealthcareOrganization]);
		assert!(Pallet::<T>::anchor_log_batch(
			RawOrigin::Signed(custodian.clone()).into(),
			H256::repeat_byte(7),
			1
		)
		.is_ok());
		frame_system::Pallet::<T>::set_block_number(
			now::<T>().saturating_add(T::AnchorRetention::get()),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(custodian.clone()), 0);

		assert!(!AuditAnchors::<T>::contains_key(&custodian, 0));
	}

	/// One decision over a patient with `c` consents, none of which matches at the last check
	/// (the grantee's role), then every active emergency of other providers.
	#[benchmark]
	fn decide(c: Linear<1, { T::MaxConsentsPerPatient::get() }>) {
		let patient = funded::<T>("patient", 0);
		let accessor = participant::<T>("responder", 0, &[Role::EmergencyResponder]);
		consents_of::<T>(&patient, Grantee::Role(Role::Researcher), c);
		stored_emergencies::<T>(
			&patient,
			T::MaxActiveEmergenciesPerPatient::get(),
			now::<T>().saturating_add(1000u32.into()),
		);
		let target = AccessTarget::Record {
			id: 0,
			category: RecordCategory::Summary,
			confidentiality: Confidentiality::Normal,
			created: now::<T>(),
		};
		let decision;

		#[block]
		{
			decision = Pallet::<T>::decide_at(
				&patient,
				&accessor,
				target,
				Action::Access,
				PurposeOfUse::EmergencyTreatment,
				now::<T>(),
			);
		}

		assert_eq!(decision, AccessDecision::Deny(DenyReason::NoMatchingConsent));
	}

	/// `on_idle` removing one expired consent.
	#[benchmark]
	fn expire_consent() {
		let patient = funded::<T>("patient", 0);
		let id = consents_of::<T>(&patient, Grantee::Role(Role::Practitioner), 1)[0];
		frame_system::Pallet::<T>::set_block_number(now::<T>().saturating_add(1000u32.into()));

		#[block]
		{
			Pallet::<T>::tidy_consents(None, now::<T>(), &mut WeightMeter::new());
		}

		assert!(Consents::<T>::get(id).is_none());
	}

	/// `on_idle` removing one lapsed request.
	#[benchmark]
	fn expire_request() {
		let patient = funded::<T>("patient", 0);
		let (id, _) = request_of::<T>(&patient);
		frame_system::Pallet::<T>::set_block_number(
			now::<T>().saturating_add(T::AccessRequestLifetime::get()),
		);

		#[block]
		{
			Pallet::<T>::tidy_requests(None, now::<T>(), &mut WeightMeter::new());
		}

		assert!(Requests::<T>::get(id).is_none());
	}

	/// `on_idle` ending one expired emergency access.
	#[benchmark]
	fn expire_emergency() {
		let patient = funded::<T>("patient", 0);
		let (id, _) = emergency_of::<T>(&patient, 0);
		frame_system::Pallet::<T>::set_block_number(
			now::<T>().saturating_add(T::EmergencyAccessDuration::get()),
		);

		#[block]
		{
			Pallet::<T>::tidy_emergencies(None, now::<T>(), &mut WeightMeter::new());
		}

		assert!(!ActiveEmergencies::<T>::contains_key(&patient, id));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
