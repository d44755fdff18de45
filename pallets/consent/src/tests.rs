//! Tests of the consent pallet.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	BoundedVec,
};
use medchain_primitives::{consent::audit_link, health::RecordId};
use pallet_medical_records::Error as RecordsError;
use sp_core::H256;
use sp_runtime::traits::BadOrigin;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Terms = ConsentTermsOf<Test>;
type Access = RequestedAccessOf<Test>;
type LogEntry = AccessLogEntryOf<Test>;

const NO_MATCH: AccessDecision = AccessDecision::Deny(DenyReason::NoMatchingConsent);
const UNKNOWN_RECORD: AccessDecision = AccessDecision::Deny(DenyReason::UnknownRecord);
const BY_PATIENT: AccessDecision = AccessDecision::Permit(PermitBasis::Patient);
const REASON: EmergencyReason = EmergencyReason::PatientIncapacitated;

/// New data of the patient: a summary labelled Normal.
const NEW_SUMMARY: AccessQuery = AccessQuery::Category {
	category: RecordCategory::Summary,
	confidentiality: Confidentiality::Normal,
};

fn via_consent(id: ConsentId) -> AccessDecision {
	AccessDecision::Permit(PermitBasis::Consent(id))
}

fn via_emergency(id: EmergencyId) -> AccessDecision {
	AccessDecision::Permit(PermitBasis::Emergency(id))
}

fn denied_by(id: ConsentId) -> AccessDecision {
	AccessDecision::Deny(DenyReason::DeniedByConsent(id))
}

fn refused_by_policy(id: EmergencyId) -> AccessDecision {
	AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(id))
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn hash(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn bounded<T: Clone, S: Get<u32>>(items: &[T]) -> BoundedVec<T, S> {
	BoundedVec::try_from(items.to_vec()).unwrap_or_else(|_| panic!("too many items for the bound"))
}

fn records(ids: &[RecordId]) -> DataScopeOf<Test> {
	DataScope::Records(bounded(ids))
}

fn categories(categories: &[RecordCategory]) -> DataScopeOf<Test> {
	DataScope::Categories(bounded(categories))
}

fn period(start: u64, end: Option<u64>) -> Period<u64> {
	Period { start, end }
}

/// Consent terms over all of the patient's data labelled up to Normal, in force from block 1
/// for ever.
fn terms(
	grantee: Grantee<u64>,
	decision: ConsentDecision,
	actions: &[Action],
	purposes: &[PurposeOfUse],
) -> Terms {
	Terms {
		grantee,
		decision,
		actions: bounded(actions),
		purposes: bounded(purposes),
		scope: DataScope::All,
		ceiling: Confidentiality::Normal,
		valid: period(1, None),
		data_period: None,
		document_hash: Some(hash(0xd0)),
		basis_hash: None,
	}
}

fn permit(who: u64, actions: &[Action], purposes: &[PurposeOfUse]) -> Terms {
	terms(Grantee::Account(who), ConsentDecision::Permit, actions, purposes)
}

fn deny(grantee: Grantee<u64>, actions: &[Action], purposes: &[PurposeOfUse]) -> Terms {
	terms(grantee, ConsentDecision::Deny, actions, purposes)
}

/// A permit for `who` to read the patient's data for treatment.
fn read_permit(who: u64) -> Terms {
	permit(who, &[Action::Access], &[PurposeOfUse::Treatment])
}

/// What a requester asks for: all data labelled up to Normal, from block 1 for ever.
fn requested(actions: &[Action], purposes: &[PurposeOfUse]) -> Access {
	Access {
		actions: bounded(actions),
		purposes: bounded(purposes),
		scope: DataScope::All,
		ceiling: Confidentiality::Normal,
		valid: period(1, None),
	}
}

/// The patient grants `terms`; returns the consent's id.
fn grant(terms: Terms) -> ConsentId {
	let id = NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(signed(PATIENT), terms));
	id
}

/// The patient drafts `terms`; returns the consent's id.
fn draft(terms: Terms) -> ConsentId {
	let id = NextConsentId::<Test>::get();
	assert_ok!(Consent::draft_consent(signed(PATIENT), terms));
	id
}

/// `patient` registers a record of theirs through medical records; returns its id.
fn record(patient: u64, category: RecordCategory, confidentiality: Confidentiality) -> RecordId {
	let id = pallet_medical_records::NextRecordId::<Test>::get();
	assert_ok!(MedicalRecords::register_record(
		signed(patient),
		patient,
		category,
		confidentiality,
		hash(0xaa),
		bounded(b"vault://r"),
		HOSPITAL,
	));
	id
}

/// `patient` registers a Normal summary; returns its id.
fn record_of(patient: u64) -> RecordId {
	record(patient, RecordCategory::Summary, Confidentiality::Normal)
}

/// `requester` asks the patient for `access`; returns the request's id.
fn request(requester: u64, access: Access) -> RequestId {
	let id = NextRequestId::<Test>::get();
	assert_ok!(Consent::request_access(signed(requester), PATIENT, access, hash(0x1e)));
	id
}

/// `provider` breaks the glass for `patient`; returns the emergency access's id.
fn invoke(provider: u64, patient: u64) -> EmergencyId {
	let id = NextEmergencyId::<Test>::get();
	assert_ok!(Consent::invoke_emergency_access(signed(provider), patient, REASON, None));
	id
}

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Consent(reason), &who)
}

/// The consent pallet's events so far, in order.
fn consent_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Consent(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The decision about the patient's data through the runtime API, checked against the decision
/// medical records asks for (`ConsentDecider`) and `decide_at`, which must agree with it.
fn decision(
	accessor: u64,
	query: AccessQuery,
	action: Action,
	purpose: PurposeOfUse,
) -> AccessDecision {
	let decision = Consent::check_access(&PATIENT, &accessor, query, action, purpose);
	let target = match query {
		AccessQuery::Record(id) => match MedicalRecords::access_target(id) {
			Some((owner, target)) if owner == PATIENT => Some(target),
			_ => None,
		},
		AccessQuery::Category { category, confidentiality } =>
			Some(AccessTarget::Category { category, confidentiality }),
	};
	if let Some(target) = target {
		assert_eq!(
			<Consent as ConsentDecider<u64, u64>>::decide(
				&PATIENT, &accessor, target, action, purpose
			),
			decision
		);
		assert_eq!(
			Consent::decide_at(
				&PATIENT,
				&accessor,
				target,
				action,
				purpose,
				System::block_number()
			),
			decision
		);
	}
	decision
}

/// Whether `accessor` may read new summary data of the patient for treatment.
fn reads(accessor: u64) -> AccessDecision {
	decision(accessor, NEW_SUMMARY, Action::Access, PurposeOfUse::Treatment)
}

/// Whether `accessor` may read new summary data of the patient for emergency treatment.
fn reads_in_emergency(accessor: u64) -> AccessDecision {
	decision(accessor, NEW_SUMMARY, Action::Access, PurposeOfUse::EmergencyTreatment)
}

fn log_entry(accessor: u64, decision: AccessDecision, n: u8) -> LogEntry {
	LogEntry {
		accessor,
		record: Some(n as RecordId),
		category: RecordCategory::Summary,
		action: Action::Access,
		purpose: PurposeOfUse::Treatment,
		decision,
		event_hash: hash(n),
	}
}

/// The head of an access-log chain of `entries`, all logged by `logger`, computed off-chain.
fn chain_head(logger: u64, entries: &[LogEntry]) -> H256 {
	entries
		.iter()
		.enumerate()
		.fold(H256::zero(), |head, (index, entry)| audit_link(&head, index as u64, &logger, entry))
}

// ---------------------------------------------------------------------------------------------
// The decision rule
// ---------------------------------------------------------------------------------------------

/// One step of a decision case's setup, run in order in a fresh test externality.
enum Step {
	/// The patient grants a consent.
	Grant(Terms),
	/// The patient drafts a consent.
	Draft(Terms),
	/// The patient activates a draft.
	Activate(ConsentId),
	/// The patient revokes a consent.
	Revoke(ConsentId),
	/// A patient registers a record (ids from 0).
	Record(u64, RecordCategory, Confidentiality),
	/// An emergency responder breaks the glass for the patient (ids from 0).
	Invoke(u64),
	/// The patient sets an emergency policy.
	Policy(EmergencyPolicyOf<Test>),
	/// Moves to this block without running `on_idle`: expired entries stay in storage.
	GoTo(u64),
	/// Asserts the case's decision at this point of the setup.
	Expect(AccessDecision),
}

/// Description, setup, accessor, target, action, purpose, expected decision.
type Case = (&'static str, Vec<Step>, u64, AccessQuery, Action, PurposeOfUse, AccessDecision);

#[test]
fn decision_table() {
	use Action::*;
	use PurposeOfUse::*;
	use Step::*;
	let normal_summary = || Record(PATIENT, RecordCategory::Summary, Confidentiality::Normal);
	let responders = Grantee::Role(Role::EmergencyResponder);
	let deny_practitioners = deny(Grantee::Role(Role::Practitioner), &[Access], &[Treatment]);
	let (genomic, restricted) = (RecordCategory::Genomic, Confidentiality::Restricted);

	let cases: Vec<Case> = vec![
		// The patient.
		(
			"the patient always may, whatever the data, action or purpose",
			vec![Record(PATIENT, genomic, Confidentiality::VeryRestricted)],
			PATIENT,
			AccessQuery::Record(0),
			Disclose,
			Research,
			BY_PATIENT,
		),
		(
			"the patient needs no consent to add data",
			vec![],
			PATIENT,
			NEW_SUMMARY,
			Collect,
			Treatment,
			BY_PATIENT,
		),
		// Permits and denies.
		("no consent denies", vec![], DOCTOR, NEW_SUMMARY, Access, Treatment, NO_MATCH),
		(
			"a matching permit permits",
			vec![Grant(read_permit(DOCTOR))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a permit for someone else does not match",
			vec![Grant(read_permit(HOSPITAL))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a deny beats a permit",
			vec![
				Grant(read_permit(DOCTOR)),
				Grant(deny(Grantee::Account(DOCTOR), &[Access], &[Treatment])),
			],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			denied_by(1),
		),
		(
			"a deny to a role beats a permit to the account",
			vec![Grant(read_permit(DOCTOR)), Grant(deny_practitioners.clone())],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			denied_by(1),
		),
		(
			"a deny ignores the ceiling: it closes data of every label",
			vec![
				Record(PATIENT, RecordCategory::Summary, Confidentiality::VeryRestricted),
				Grant(Terms {
					ceiling: Confidentiality::Low,
					..deny(Grantee::Account(DOCTOR), &[Access], &[Treatment])
				}),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			denied_by(0),
		),
		(
			"a deny of another category leaves the permit",
			vec![
				Grant(read_permit(DOCTOR)),
				Grant(Terms {
					scope: categories(&[genomic]),
					..deny(Grantee::Account(DOCTOR), &[Access], &[Treatment])
				}),
			],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		// Validity.
		(
			"an expired consent denies, though still stored before on_idle",
			vec![
				Grant(Terms { valid: period(1, Some(3)), ..read_permit(DOCTOR) }),
				Expect(via_consent(0)),
				GoTo(3),
			],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a consent that has not started yet denies",
			vec![Grant(Terms { valid: period(5, None), ..read_permit(DOCTOR) }), GoTo(4)],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a consent permits from its first block",
			vec![
				Grant(Terms { valid: period(5, None), ..read_permit(DOCTOR) }),
				Expect(NO_MATCH),
				GoTo(5),
			],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a revocation is effective at the next block",
			vec![Grant(read_permit(DOCTOR)), Expect(via_consent(0)), Revoke(0), GoTo(2)],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a draft does not count",
			vec![Draft(read_permit(DOCTOR))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a draft counts once activated",
			vec![Draft(read_permit(DOCTOR)), Expect(NO_MATCH), Activate(0)],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		// Confidentiality ceiling.
		(
			"a permit with ceiling Normal does not open a Restricted record",
			vec![Record(PATIENT, RecordCategory::Summary, restricted), Grant(read_permit(DOCTOR))],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a permit with ceiling Normal does not open new Restricted data",
			vec![Grant(read_permit(DOCTOR))],
			DOCTOR,
			AccessQuery::Category {
				category: RecordCategory::Summary,
				confidentiality: restricted,
			},
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"of two permits, the one whose ceiling covers the label permits",
			vec![
				Record(PATIENT, RecordCategory::Summary, restricted),
				Grant(read_permit(DOCTOR)),
				Grant(Terms { ceiling: restricted, ..read_permit(DOCTOR) }),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			via_consent(1),
		),
		// Scope.
		(
			"a Records scope covers a listed record",
			vec![
				normal_summary(),
				normal_summary(),
				Grant(Terms { scope: records(&[1]), ..read_permit(DOCTOR) }),
			],
			DOCTOR,
			AccessQuery::Record(1),
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a Records scope does not cover an unlisted record",
			vec![
				normal_summary(),
				normal_summary(),
				Grant(Terms { scope: records(&[1]), ..read_permit(DOCTOR) }),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a Records scope does not cover new data",
			vec![normal_summary(), Grant(Terms { scope: records(&[0]), ..read_permit(DOCTOR) })],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a Categories scope covers a record of a listed category",
			vec![
				Record(PATIENT, RecordCategory::Observation, Confidentiality::Normal),
				Grant(Terms {
					scope: categories(&[RecordCategory::Imaging, RecordCategory::Observation]),
					..read_permit(DOCTOR)
				}),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a Categories scope covers new data of a listed category",
			vec![Grant(Terms {
				scope: categories(&[RecordCategory::Imaging, RecordCategory::Observation]),
				..read_permit(DOCTOR)
			})],
			DOCTOR,
			AccessQuery::Category {
				category: RecordCategory::Imaging,
				confidentiality: Confidentiality::Normal,
			},
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a Categories scope does not cover another category",
			vec![
				normal_summary(),
				Grant(Terms {
					scope: categories(&[RecordCategory::Imaging, RecordCategory::Observation]),
					..read_permit(DOCTOR)
				}),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a record created before the data period is not covered",
			vec![
				normal_summary(),
				Grant(Terms { data_period: Some(period(2, None)), ..read_permit(DOCTOR) }),
				GoTo(2),
				normal_summary(),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"a record created within the data period is covered",
			vec![
				normal_summary(),
				Grant(Terms { data_period: Some(period(2, None)), ..read_permit(DOCTOR) }),
				GoTo(2),
				normal_summary(),
			],
			DOCTOR,
			AccessQuery::Record(1),
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a record created after the data period is not covered",
			vec![
				Grant(Terms { data_period: Some(period(1, Some(2))), ..read_permit(DOCTOR) }),
				GoTo(2),
				normal_summary(),
			],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			NO_MATCH,
		),
		// Actions and purposes.
		(
			"an action not in the set is not permitted",
			vec![Grant(read_permit(DOCTOR))],
			DOCTOR,
			NEW_SUMMARY,
			Use,
			Treatment,
			NO_MATCH,
		),
		(
			"a purpose not in the set is not permitted",
			vec![Grant(read_permit(DOCTOR))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Research,
			NO_MATCH,
		),
		// Grantees.
		(
			"a Role grantee matches a holder of the role",
			vec![Grant(terms(
				responders.clone(),
				ConsentDecision::Permit,
				&[Access],
				&[Treatment],
			))],
			PARAMEDIC,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"a Role grantee does not match someone without the role",
			vec![Grant(terms(
				responders.clone(),
				ConsentDecision::Permit,
				&[Access],
				&[Treatment],
			))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"an Organization grantee matches a registered healthcare organisation",
			vec![Grant(terms(
				Grantee::Organization(HOSPITAL),
				ConsentDecision::Permit,
				&[Access],
				&[Treatment],
			))],
			HOSPITAL,
			NEW_SUMMARY,
			Access,
			Treatment,
			via_consent(0),
		),
		(
			"an Organization grantee naming an unregistered account does not match",
			vec![Grant(terms(
				Grantee::Organization(STRANGER),
				ConsentDecision::Permit,
				&[Access],
				&[Treatment],
			))],
			STRANGER,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"an Organization grantee naming a practitioner does not match",
			vec![Grant(terms(
				Grantee::Organization(DOCTOR),
				ConsentDecision::Permit,
				&[Access],
				&[Treatment],
			))],
			DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		// Break-glass.
		(
			"break-glass opens access for emergency treatment",
			vec![Invoke(ER_DOCTOR)],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			via_emergency(0),
		),
		(
			"break-glass opens an existing record for emergency treatment",
			vec![Record(PATIENT, genomic, restricted), Invoke(ER_DOCTOR)],
			ER_DOCTOR,
			AccessQuery::Record(0),
			Access,
			EmergencyTreatment,
			via_emergency(0),
		),
		(
			"break-glass does not open access for plain treatment",
			vec![Invoke(ER_DOCTOR)],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			Treatment,
			NO_MATCH,
		),
		(
			"break-glass does not open disclosure",
			vec![Invoke(ER_DOCTOR)],
			ER_DOCTOR,
			NEW_SUMMARY,
			Disclose,
			EmergencyTreatment,
			NO_MATCH,
		),
		(
			"break-glass opens nothing for another responder",
			vec![Invoke(ER_DOCTOR)],
			PARAMEDIC,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			NO_MATCH,
		),
		(
			"break-glass refused by a Deny policy set after the invocation",
			vec![Invoke(ER_DOCTOR), Expect(via_emergency(0)), Policy(EmergencyPolicy::Deny)],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			refused_by_policy(0),
		),
		(
			"break-glass refused by a delegates policy not naming the responder",
			vec![Invoke(ER_DOCTOR), Policy(EmergencyPolicy::OnlyDelegates(bounded(&[PARAMEDIC])))],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			refused_by_policy(0),
		),
		(
			"break-glass after its expiry denies",
			vec![Invoke(ER_DOCTOR), Expect(via_emergency(0)), GoTo(1 + EMERGENCY_DURATION)],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			NO_MATCH,
		),
		(
			"a deny consent beats break-glass",
			vec![
				Grant(deny(Grantee::Account(ER_DOCTOR), &[Access], &[EmergencyTreatment])),
				Invoke(ER_DOCTOR),
			],
			ER_DOCTOR,
			NEW_SUMMARY,
			Access,
			EmergencyTreatment,
			denied_by(0),
		),
		// Records the patient does not have.
		(
			"a record of another patient is unknown",
			vec![record_of_other()],
			DOCTOR,
			AccessQuery::Record(0),
			Access,
			Treatment,
			UNKNOWN_RECORD,
		),
		(
			"a record of another patient is unknown, even to the patient",
			vec![record_of_other()],
			PATIENT,
			AccessQuery::Record(0),
			Access,
			Treatment,
			UNKNOWN_RECORD,
		),
		(
			"a missing record is unknown",
			vec![normal_summary()],
			DOCTOR,
			AccessQuery::Record(7),
			Access,
			Treatment,
			UNKNOWN_RECORD,
		),
	];

	for (what, steps, accessor, query, action, purpose, expected) in cases {
		test(|| {
			for step in steps {
				match step {
					Grant(terms) => {
						grant(terms);
					},
					Draft(terms) => {
						draft(terms);
					},
					Activate(id) => {
						assert_ok!(Consent::activate_consent(signed(PATIENT), id));
					},
					Revoke(id) => {
						assert_ok!(Consent::revoke_consent(signed(PATIENT), id));
					},
					Record(patient, category, confidentiality) => {
						record(patient, category, confidentiality);
					},
					Invoke(provider) => {
						invoke(provider, PATIENT);
					},
					Policy(policy) => {
						assert_ok!(Consent::set_emergency_policy(signed(PATIENT), policy));
					},
					GoTo(block) => System::set_block_number(block),
					Expect(so_far) => assert_eq!(
						decision(accessor, query, action, purpose),
						so_far,
						"{what} (during setup)"
					),
				}
			}
			assert_eq!(decision(accessor, query, action, purpose), expected, "{what}");
		});
	}
}

fn record_of_other() -> Step {
	Step::Record(OTHER_PATIENT, RecordCategory::Summary, Confidentiality::Normal)
}

#[test]
fn check_access_looks_up_the_records_patient_and_labels() {
	test(|| {
		let summary = record_of(PATIENT);
		let genomic = record(PATIENT, RecordCategory::Genomic, Confidentiality::Restricted);
		let other = record_of(OTHER_PATIENT);
		grant(Terms {
			scope: categories(&[RecordCategory::Summary]),
			ceiling: Confidentiality::Restricted,
			..read_permit(DOCTOR)
		});
		let check = |id| {
			Consent::check_access(
				&PATIENT,
				&DOCTOR,
				AccessQuery::Record(id),
				Action::Access,
				PurposeOfUse::Treatment,
			)
		};
		assert_eq!(check(summary), via_consent(0));
		assert_eq!(check(genomic), NO_MATCH);
		assert_eq!(check(other), UNKNOWN_RECORD);
		assert_eq!(check(99), UNKNOWN_RECORD);
		// The other patient's own record is theirs.
		assert_eq!(
			Consent::check_access(
				&OTHER_PATIENT,
				&OTHER_PATIENT,
				AccessQuery::Record(other),
				Action::Access,
				PurposeOfUse::Treatment
			),
			BY_PATIENT
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Integration with medical records
// ---------------------------------------------------------------------------------------------

#[test]
fn providers_write_records_only_with_a_collect_for_treatment_permit() {
	test(|| {
		let register = |who, confidentiality| {
			MedicalRecords::register_record(
				signed(who),
				PATIENT,
				RecordCategory::Observation,
				confidentiality,
				hash(1),
				bounded(b"vault://lab/1"),
				HOSPITAL,
			)
		};
		assert_noop!(register(DOCTOR, Confidentiality::Normal), RecordsError::<Test>::NotPermitted);
		// Reading, or collecting for research, is not collecting for treatment.
		grant(read_permit(DOCTOR));
		grant(permit(DOCTOR, &[Action::Collect], &[PurposeOfUse::Research]));
		assert_noop!(register(DOCTOR, Confidentiality::Normal), RecordsError::<Test>::NotPermitted);

		let id = grant(permit(DOCTOR, &[Action::Collect], &[PurposeOfUse::Treatment]));
		assert_ok!(register(DOCTOR, Confidentiality::Normal));
		let record = pallet_medical_records::Records::<Test>::get(0).unwrap();
		assert_eq!((record.subject, record.author), (PATIENT, DOCTOR));
		// Not above the consent's ceiling, and not for someone else.
		assert_noop!(
			register(DOCTOR, Confidentiality::Restricted),
			RecordsError::<Test>::NotPermitted
		);
		assert_noop!(
			register(HOSPITAL, Confidentiality::Normal),
			RecordsError::<Test>::NotPermitted
		);

		// Once revoked, no more writes.
		assert_ok!(Consent::revoke_consent(signed(PATIENT), id));
		assert_noop!(register(DOCTOR, Confidentiality::Normal), RecordsError::<Test>::NotPermitted);
	});
}

// ---------------------------------------------------------------------------------------------
// Consents
// ---------------------------------------------------------------------------------------------

#[test]
fn grant_holds_a_deposit_and_stores_normalised_terms() {
	test(|| {
		let given = Terms {
			scope: records(&[3, 1, 3]),
			data_period: Some(period(0, Some(10))),
			basis_hash: Some(hash(0xba)),
			..permit(
				DOCTOR,
				&[Action::Use, Action::Access, Action::Use],
				&[PurposeOfUse::Research, PurposeOfUse::Treatment, PurposeOfUse::Research],
			)
		};
		let id = grant(given.clone());
		assert_eq!(id, 0);

		let expected_terms = Terms {
			actions: bounded(&[Action::Access, Action::Use]),
			purposes: bounded(&[PurposeOfUse::Treatment, PurposeOfUse::Research]),
			scope: records(&[1, 3]),
			..given
		};
		assert_eq!(
			Consents::<Test>::get(id),
			Some(ConsentOf::<Test> {
				patient: PATIENT,
				terms: expected_terms,
				status: ConsentStatus::Active,
				version: 1,
				replaces: None,
				request: None,
				created: 1,
				depositor: PATIENT,
				deposit: CONSENT_DEPOSIT,
			})
		);
		assert!(PatientConsents::<Test>::contains_key(PATIENT, id));
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 1);
		assert_eq!(NextConsentId::<Test>::get(), 1);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
		assert_eq!(Balances::free_balance(PATIENT), BALANCE - CONSENT_DEPOSIT);
		System::assert_last_event(
			Event::ConsentGranted {
				id,
				patient: PATIENT,
				grantee: Grantee::Account(DOCTOR),
				decision: ConsentDecision::Permit,
				status: ConsentStatus::Active,
			}
			.into(),
		);

		// Categories are normalised too.
		let id = grant(Terms {
			scope: categories(&[
				RecordCategory::Imaging,
				RecordCategory::Summary,
				RecordCategory::Imaging,
			]),
			..read_permit(DOCTOR)
		});
		assert_eq!(
			Consents::<Test>::get(id).unwrap().terms.scope,
			categories(&[RecordCategory::Summary, RecordCategory::Imaging])
		);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 2 * CONSENT_DEPOSIT);
	});
}

#[test]
fn grant_rejects_invalid_terms() {
	test(|| {
		let grant = |terms| Consent::grant_consent(signed(PATIENT), terms);
		let base = read_permit(DOCTOR);
		assert_noop!(Consent::grant_consent(RuntimeOrigin::none(), base.clone()), BadOrigin);
		assert_noop!(grant(read_permit(PATIENT)), Error::<Test>::GranteeIsPatient);
		assert_noop!(
			grant(Terms { grantee: Grantee::Organization(PATIENT), ..base.clone() }),
			Error::<Test>::GranteeIsPatient
		);
		assert_noop!(
			grant(Terms { actions: bounded(&[]), ..base.clone() }),
			Error::<Test>::EmptyActions
		);
		assert_noop!(
			grant(Terms { purposes: bounded(&[]), ..base.clone() }),
			Error::<Test>::EmptyPurposes
		);
		assert_noop!(
			grant(Terms { scope: records(&[]), ..base.clone() }),
			Error::<Test>::EmptyScope
		);
		assert_noop!(
			grant(Terms { scope: categories(&[]), ..base.clone() }),
			Error::<Test>::EmptyScope
		);
		assert_noop!(
			grant(Terms { valid: period(5, Some(5)), ..base.clone() }),
			Error::<Test>::InvalidPeriod
		);
		assert_noop!(
			grant(Terms { data_period: Some(period(3, Some(2))), ..base.clone() }),
			Error::<Test>::InvalidPeriod
		);
		// Valid, but already over at block 1.
		assert_noop!(
			grant(Terms { valid: period(0, Some(1)), ..base.clone() }),
			Error::<Test>::PeriodEnded
		);
		assert_noop!(
			Consent::grant_consent(signed(POOR), base.clone()),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn a_patient_has_at_most_max_consents() {
	test(|| {
		for _ in 0..MAX_CONSENTS - 1 {
			grant(read_permit(DOCTOR));
		}
		// Drafts count too.
		let last = draft(read_permit(DOCTOR));
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), MAX_CONSENTS);
		assert_noop!(
			Consent::grant_consent(signed(PATIENT), read_permit(DOCTOR)),
			Error::<Test>::TooManyConsents
		);
		assert_noop!(
			Consent::draft_consent(signed(PATIENT), read_permit(DOCTOR)),
			Error::<Test>::TooManyConsents
		);
		// Other patients are not affected.
		assert_ok!(Consent::grant_consent(signed(OTHER_PATIENT), read_permit(DOCTOR)));
		// Revoking one makes room.
		assert_ok!(Consent::revoke_consent(signed(PATIENT), last));
		grant(read_permit(DOCTOR));
	});
}

#[test]
fn consent_ids_cannot_overflow() {
	test(|| {
		NextConsentId::<Test>::put(ConsentId::MAX);
		assert_noop!(
			Consent::grant_consent(signed(PATIENT), read_permit(DOCTOR)),
			Error::<Test>::Overflow
		);
		assert_noop!(
			Consent::draft_consent(signed(PATIENT), read_permit(DOCTOR)),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn a_draft_counts_only_once_activated() {
	test(|| {
		let id = draft(read_permit(DOCTOR));
		System::assert_last_event(
			Event::ConsentGranted {
				id,
				patient: PATIENT,
				grantee: Grantee::Account(DOCTOR),
				decision: ConsentDecision::Permit,
				status: ConsentStatus::Draft,
			}
			.into(),
		);
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Draft);
		// A draft holds its deposit.
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
		assert_eq!(reads(DOCTOR), NO_MATCH);

		assert_noop!(Consent::activate_consent(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(Consent::activate_consent(signed(DOCTOR), id), Error::<Test>::NotPatient);
		assert_noop!(
			Consent::activate_consent(signed(PATIENT), 99),
			Error::<Test>::ConsentNotFound
		);
		assert_ok!(Consent::activate_consent(signed(PATIENT), id));
		System::assert_last_event(Event::ConsentActivated { id, patient: PATIENT }.into());
		assert_eq!(Consents::<Test>::get(id).unwrap().status, ConsentStatus::Active);
		assert_eq!(reads(DOCTOR), via_consent(id));
		assert_noop!(Consent::activate_consent(signed(PATIENT), id), Error::<Test>::NotDraft);
	});
}

#[test]
fn a_draft_whose_period_ended_cannot_be_activated() {
	test(|| {
		assert_noop!(Consent::draft_consent(RuntimeOrigin::none(), read_permit(DOCTOR)), BadOrigin);
		let id = draft(Terms { valid: period(1, Some(3)), ..read_permit(DOCTOR) });
		System::set_block_number(3);
		assert_noop!(Consent::activate_consent(signed(PATIENT), id), Error::<Test>::PeriodEnded);
	});
}

#[test]
fn revoking_an_active_consent_removes_it_and_releases_the_deposit() {
	test(|| {
		let id = grant(read_permit(DOCTOR));
		let other = grant(read_permit(HOSPITAL));
		assert_eq!(reads(DOCTOR), via_consent(id));

		assert_noop!(Consent::revoke_consent(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(Consent::revoke_consent(signed(DOCTOR), id), Error::<Test>::NotPatient);
		assert_noop!(Consent::revoke_consent(signed(PATIENT), 99), Error::<Test>::ConsentNotFound);

		assert_ok!(Consent::revoke_consent(signed(PATIENT), id));
		System::assert_last_event(
			Event::ConsentRevoked { id, patient: PATIENT, status: ConsentStatus::Inactive }.into(),
		);
		assert!(!Consents::<Test>::contains_key(id));
		assert!(!PatientConsents::<Test>::contains_key(PATIENT, id));
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 1);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
		assert_eq!(reads(DOCTOR), NO_MATCH);
		assert_eq!(reads(HOSPITAL), via_consent(other));
		assert_noop!(Consent::revoke_consent(signed(PATIENT), id), Error::<Test>::ConsentNotFound);

		assert_ok!(Consent::revoke_consent(signed(PATIENT), other));
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 0);
		assert_eq!(Balances::free_balance(PATIENT), BALANCE);
		// The last entry removes the count.
		assert!(!PatientConsentCount::<Test>::contains_key(PATIENT));
	});
}

#[test]
fn revoking_a_draft_reports_not_done() {
	test(|| {
		let id = draft(read_permit(DOCTOR));
		assert_ok!(Consent::revoke_consent(signed(PATIENT), id));
		System::assert_last_event(
			Event::ConsentRevoked { id, patient: PATIENT, status: ConsentStatus::NotDone }.into(),
		);
		assert!(!Consents::<Test>::contains_key(id));
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 0);
	});
}

#[test]
fn amending_replaces_a_consent_with_a_new_version() {
	test(|| {
		let old = grant(read_permit(DOCTOR));
		System::set_block_number(3);
		let amended = permit(DOCTOR, &[Action::Use, Action::Access], &[PurposeOfUse::Treatment]);
		assert_noop!(
			Consent::amend_consent(RuntimeOrigin::none(), old, amended.clone()),
			BadOrigin
		);
		assert_ok!(Consent::amend_consent(signed(PATIENT), old, amended.clone()));
		let new = old + 1;
		System::assert_last_event(
			Event::ConsentAmended { old, new, patient: PATIENT, version: 2 }.into(),
		);
		assert!(!Consents::<Test>::contains_key(old));
		assert!(!PatientConsents::<Test>::contains_key(PATIENT, old));
		assert_eq!(
			Consents::<Test>::get(new),
			Some(ConsentOf::<Test> {
				patient: PATIENT,
				terms: Terms { actions: bounded(&[Action::Access, Action::Use]), ..amended },
				status: ConsentStatus::Active,
				version: 2,
				replaces: Some(old),
				request: None,
				created: 3,
				depositor: PATIENT,
				deposit: CONSENT_DEPOSIT,
			})
		);
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 1);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
		assert_eq!(
			decision(DOCTOR, NEW_SUMMARY, Action::Use, PurposeOfUse::Treatment),
			via_consent(new)
		);

		// The old one is gone; the new one is amended again.
		assert_noop!(
			Consent::amend_consent(signed(PATIENT), old, read_permit(DOCTOR)),
			Error::<Test>::ConsentNotFound
		);
		assert_noop!(
			Consent::amend_consent(signed(OTHER_PATIENT), new, read_permit(DOCTOR)),
			Error::<Test>::NotPatient
		);
		assert_noop!(
			Consent::amend_consent(
				signed(PATIENT),
				new,
				Terms { purposes: bounded(&[]), ..read_permit(DOCTOR) }
			),
			Error::<Test>::EmptyPurposes
		);
		assert_ok!(Consent::amend_consent(signed(PATIENT), new, read_permit(DOCTOR)));
		assert_eq!(Consents::<Test>::get(new + 1).unwrap().version, 3);
		assert_eq!(Consents::<Test>::get(new + 1).unwrap().replaces, Some(new));
	});
}

#[test]
fn amending_a_draft_keeps_it_a_draft() {
	test(|| {
		let old = draft(read_permit(DOCTOR));
		assert_ok!(Consent::amend_consent(signed(PATIENT), old, read_permit(HOSPITAL)));
		let new = Consents::<Test>::get(old + 1).unwrap();
		assert_eq!(new.status, ConsentStatus::Draft);
		assert_eq!(new.terms.grantee, Grantee::Account(HOSPITAL));
		assert_eq!(reads(HOSPITAL), NO_MATCH);
	});
}

#[test]
fn amending_cannot_overflow_the_version() {
	test(|| {
		let id = grant(read_permit(DOCTOR));
		Consents::<Test>::mutate(id, |consent| consent.as_mut().unwrap().version = u32::MAX);
		assert_noop!(
			Consent::amend_consent(signed(PATIENT), id, read_permit(DOCTOR)),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn marking_entered_in_error_removes_the_consent() {
	test(|| {
		let id = grant(read_permit(DOCTOR));
		assert_noop!(Consent::mark_consent_entered_in_error(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(
			Consent::mark_consent_entered_in_error(signed(DOCTOR), id),
			Error::<Test>::NotPatient
		);
		assert_ok!(Consent::mark_consent_entered_in_error(signed(PATIENT), id));
		System::assert_last_event(Event::ConsentEnteredInError { id, patient: PATIENT }.into());
		assert!(!Consents::<Test>::contains_key(id));
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 0);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 0);
		assert_eq!(reads(DOCTOR), NO_MATCH);
		assert_noop!(
			Consent::mark_consent_entered_in_error(signed(PATIENT), id),
			Error::<Test>::ConsentNotFound
		);
	});
}

#[test]
fn on_idle_removes_expired_consents_and_releases_their_deposits() {
	test(|| {
		let expiring = grant(Terms { valid: period(1, Some(4)), ..read_permit(DOCTOR) });
		let expiring_draft = draft(Terms { valid: period(1, Some(4)), ..read_permit(HOSPITAL) });
		let lasting = grant(read_permit(HOSPITAL));
		run_to_block(4);
		// Expired at block 4, but on_idle of block 4 has not run yet.
		assert!(Consents::<Test>::contains_key(expiring));
		assert_eq!(reads(DOCTOR), NO_MATCH);

		run_to_block(5);
		let events = consent_events();
		for id in [expiring, expiring_draft] {
			assert!(events.contains(&Event::ConsentExpired { id, patient: PATIENT }));
			assert!(!Consents::<Test>::contains_key(id));
			assert!(!PatientConsents::<Test>::contains_key(PATIENT, id));
		}
		assert!(!events.contains(&Event::ConsentExpired { id: lasting, patient: PATIENT }));
		assert!(Consents::<Test>::contains_key(lasting));
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 1);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
		assert_eq!(reads(HOSPITAL), via_consent(lasting));
	});
}

#[test]
fn on_idle_tidies_within_its_weight_budget_and_resumes_where_it_stopped() {
	use frame_support::{traits::Hooks, weights::Weight};
	test(|| {
		let ids: Vec<ConsentId> = (0..3)
			.map(|_| grant(Terms { valid: period(1, Some(2)), ..read_permit(DOCTOR) }))
			.collect();
		System::set_block_number(2);
		let step = <() as WeightInfo>::expire_consent();
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		let cursors = db.reads_writes(1, 1);
		assert!(step.any_gt(Weight::zero()), "benchmarked weights are not zero");

		// No room for a single step: nothing happens, nothing is charged.
		assert_eq!(Consent::on_idle(2, cursors.saturating_sub(Weight::from_parts(1, 0))), Weight::zero());
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 3);

		// Room for one step at a time: one expired consent per block, in storage order.
		let mut removed = Vec::new();
		for _ in 0..3 {
			let used = Consent::on_idle(2, cursors.saturating_add(step));
			assert!(used.all_lte(cursors.saturating_add(step)), "stays within its budget");
			let gone: Vec<ConsentId> =
				ids.iter().copied().filter(|id| !Consents::<Test>::contains_key(id)).collect();
			assert_eq!(gone.len(), removed.len() + 1, "exactly one consent per call");
			removed = gone;
		}
		assert_eq!(PatientConsentCount::<Test>::get(PATIENT), 0);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 0);
	});
}

// ---------------------------------------------------------------------------------------------
// Access requests
// ---------------------------------------------------------------------------------------------

#[test]
fn providers_and_researchers_may_request_access() {
	test(|| {
		let access =
			requested(&[Action::Use, Action::Access, Action::Use], &[PurposeOfUse::Research]);
		let id = request(RESEARCHER, access.clone());
		System::assert_last_event(
			Event::AccessRequested {
				id,
				patient: PATIENT,
				requester: RESEARCHER,
				expires_at: 1 + REQUEST_LIFETIME,
			}
			.into(),
		);
		assert_eq!(
			Requests::<Test>::get(id),
			Some(AccessRequestOf::<Test> {
				requester: RESEARCHER,
				patient: PATIENT,
				access: Access { actions: bounded(&[Action::Access, Action::Use]), ..access },
				justification_hash: hash(0x1e),
				created: 1,
				expires_at: 1 + REQUEST_LIFETIME,
				deposit: REQUEST_DEPOSIT,
			})
		);
		assert!(PatientRequests::<Test>::contains_key(PATIENT, id));
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), 1);
		assert_eq!(held(HoldReason::RequestDeposit, RESEARCHER), REQUEST_DEPOSIT);
		// An organisation is a provider.
		request(HOSPITAL, read_access());
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), 2);
	});
}

fn read_access() -> Access {
	requested(&[Action::Access], &[PurposeOfUse::Treatment])
}

#[test]
fn request_access_rejects_bad_requests() {
	test(|| {
		let ask = |who, access| Consent::request_access(signed(who), PATIENT, access, hash(1));
		assert_noop!(
			Consent::request_access(RuntimeOrigin::none(), PATIENT, read_access(), hash(1)),
			BadOrigin
		);
		assert_noop!(ask(MANUFACTURER, read_access()), Error::<Test>::NotAuthorizedRequester);
		assert_noop!(ask(STRANGER, read_access()), Error::<Test>::NotAuthorizedRequester);
		assert_noop!(ask(PATIENT, read_access()), Error::<Test>::RequestForSelf);
		assert_noop!(
			ask(DOCTOR, Access { actions: bounded(&[]), ..read_access() }),
			Error::<Test>::EmptyActions
		);
		assert_noop!(
			ask(DOCTOR, Access { purposes: bounded(&[]), ..read_access() }),
			Error::<Test>::EmptyPurposes
		);
		assert_noop!(
			ask(DOCTOR, Access { scope: records(&[]), ..read_access() }),
			Error::<Test>::EmptyScope
		);
		assert_noop!(
			ask(DOCTOR, Access { valid: period(4, Some(2)), ..read_access() }),
			Error::<Test>::InvalidPeriod
		);
		assert_noop!(
			ask(DOCTOR, Access { valid: period(0, Some(1)), ..read_access() }),
			Error::<Test>::PeriodEnded
		);
		assert_noop!(ask(POOR, read_access()), Error::<Test>::InsufficientDeposit);
	});
}

#[test]
fn a_patient_has_at_most_max_pending_requests() {
	test(|| {
		request(DOCTOR, read_access());
		request(RESEARCHER, read_access());
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), MAX_REQUESTS);
		assert_noop!(
			Consent::request_access(signed(HOSPITAL), PATIENT, read_access(), hash(1)),
			Error::<Test>::TooManyRequests
		);
		// Another patient can still be asked.
		assert_ok!(Consent::request_access(
			signed(HOSPITAL),
			OTHER_PATIENT,
			read_access(),
			hash(1)
		));
	});
}

#[test]
fn request_ids_cannot_overflow() {
	test(|| {
		NextRequestId::<Test>::put(RequestId::MAX);
		assert_noop!(
			Consent::request_access(signed(DOCTOR), PATIENT, read_access(), hash(1)),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn approving_a_request_creates_a_permit_paid_by_the_requester() {
	test(|| {
		let access = Access {
			scope: categories(&[RecordCategory::Observation]),
			valid: period(1, Some(50)),
			..requested(&[Action::Access, Action::Use], &[PurposeOfUse::Research])
		};
		let id = request(RESEARCHER, access.clone());
		assert_noop!(Consent::approve_request(RuntimeOrigin::none(), id, None), BadOrigin);
		assert_noop!(
			Consent::approve_request(signed(OTHER_PATIENT), id, None),
			Error::<Test>::NotPatient
		);
		assert_noop!(
			Consent::approve_request(signed(PATIENT), 99, None),
			Error::<Test>::RequestNotFound
		);

		System::set_block_number(2);
		assert_ok!(Consent::approve_request(signed(PATIENT), id, None));
		let consent = 0;
		let events = consent_events();
		assert_eq!(
			events[events.len() - 2..],
			[
				Event::ConsentGranted {
					id: consent,
					patient: PATIENT,
					grantee: Grantee::Account(RESEARCHER),
					decision: ConsentDecision::Permit,
					status: ConsentStatus::Active,
				},
				Event::RequestApproved { id, consent, narrowed: false },
			]
		);
		assert_eq!(
			Consents::<Test>::get(consent),
			Some(ConsentOf::<Test> {
				patient: PATIENT,
				terms: Terms {
					scope: access.scope,
					valid: access.valid,
					document_hash: None,
					..permit(RESEARCHER, &[Action::Access, Action::Use], &[PurposeOfUse::Research])
				},
				status: ConsentStatus::Active,
				version: 1,
				replaces: None,
				request: Some(id),
				created: 2,
				depositor: RESEARCHER,
				deposit: CONSENT_DEPOSIT,
			})
		);
		// The request is gone; its deposit is released, the consent's is held from the
		// requester, nothing from the patient.
		assert!(!Requests::<Test>::contains_key(id));
		assert!(!PatientRequests::<Test>::contains_key(PATIENT, id));
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), 0);
		assert_eq!(held(HoldReason::RequestDeposit, RESEARCHER), 0);
		assert_eq!(held(HoldReason::ConsentDeposit, RESEARCHER), CONSENT_DEPOSIT);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), 0);
		assert_eq!(
			decision(
				RESEARCHER,
				AccessQuery::Category {
					category: RecordCategory::Observation,
					confidentiality: Confidentiality::Normal
				},
				Action::Use,
				PurposeOfUse::Research
			),
			via_consent(consent)
		);
		assert_noop!(
			Consent::approve_request(signed(PATIENT), id, None),
			Error::<Test>::RequestNotFound
		);

		// Revoking it releases the requester's deposit.
		assert_ok!(Consent::revoke_consent(signed(PATIENT), consent));
		assert_eq!(held(HoldReason::ConsentDeposit, RESEARCHER), 0);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE);
	});
}

#[test]
fn amending_an_approved_consent_moves_the_deposit_to_the_patient() {
	test(|| {
		let id = request(DOCTOR, read_access());
		assert_ok!(Consent::approve_request(signed(PATIENT), id, None));
		assert_ok!(Consent::amend_consent(signed(PATIENT), 0, read_permit(DOCTOR)));
		let new = Consents::<Test>::get(1).unwrap();
		assert_eq!((new.depositor, new.request), (PATIENT, None));
		assert_eq!(held(HoldReason::ConsentDeposit, DOCTOR), 0);
		assert_eq!(held(HoldReason::ConsentDeposit, PATIENT), CONSENT_DEPOSIT);
	});
}

#[test]
fn approval_may_only_narrow_the_request() {
	test(|| {
		let asked = Access {
			scope: categories(&[RecordCategory::Summary, RecordCategory::Imaging]),
			ceiling: Confidentiality::Restricted,
			valid: period(1, Some(100)),
			..requested(
				&[Action::Access, Action::Use],
				&[PurposeOfUse::Treatment, PurposeOfUse::Research],
			)
		};
		let id = request(DOCTOR, asked.clone());
		let approve = |narrowed| Consent::approve_request(signed(PATIENT), id, Some(narrowed));
		let broader = [
			Access { actions: bounded(&[Action::Access, Action::Disclose]), ..asked.clone() },
			Access {
				purposes: bounded(&[PurposeOfUse::Treatment, PurposeOfUse::Payment]),
				..asked.clone()
			},
			Access { scope: DataScope::All, ..asked.clone() },
			Access { scope: categories(&[RecordCategory::Genomic]), ..asked.clone() },
			Access { scope: records(&[0]), ..asked.clone() },
			Access { ceiling: Confidentiality::VeryRestricted, ..asked.clone() },
			Access { valid: period(1, None), ..asked.clone() },
			Access { valid: period(1, Some(101)), ..asked.clone() },
		];
		for narrowed in broader {
			assert_noop!(approve(narrowed), Error::<Test>::NotANarrowing);
		}
		// The narrowed access is checked like a request.
		assert_noop!(
			approve(Access { actions: bounded(&[]), ..asked.clone() }),
			Error::<Test>::EmptyActions
		);

		let narrowed = Access {
			actions: bounded(&[Action::Access, Action::Access]),
			purposes: bounded(&[PurposeOfUse::Treatment]),
			scope: categories(&[RecordCategory::Summary]),
			ceiling: Confidentiality::Normal,
			valid: period(2, Some(50)),
		};
		assert_ok!(approve(narrowed));
		System::assert_last_event(Event::RequestApproved { id, consent: 0, narrowed: true }.into());
		let terms = Consents::<Test>::get(0).unwrap().terms;
		assert_eq!(terms.actions.to_vec(), vec![Action::Access]);
		assert_eq!(terms.purposes.to_vec(), vec![PurposeOfUse::Treatment]);
		assert_eq!(terms.scope, categories(&[RecordCategory::Summary]));
		assert_eq!(terms.ceiling, Confidentiality::Normal);
		assert_eq!(terms.valid, period(2, Some(50)));
	});
}

#[test]
fn an_identical_approval_is_a_narrowing() {
	test(|| {
		let id = request(DOCTOR, read_access());
		assert_ok!(Consent::approve_request(signed(PATIENT), id, Some(read_access())));
		System::assert_last_event(Event::RequestApproved { id, consent: 0, narrowed: true }.into());
	});
}

#[test]
fn denying_a_request_releases_the_deposit() {
	test(|| {
		let id = request(DOCTOR, read_access());
		assert_noop!(Consent::deny_request(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(Consent::deny_request(signed(OTHER_PATIENT), id), Error::<Test>::NotPatient);
		assert_noop!(Consent::deny_request(signed(PATIENT), 99), Error::<Test>::RequestNotFound);
		assert_ok!(Consent::deny_request(signed(PATIENT), id));
		System::assert_last_event(Event::RequestDenied { id, requester: DOCTOR }.into());
		assert!(!Requests::<Test>::contains_key(id));
		assert!(!PatientRequests::<Test>::contains_key(PATIENT, id));
		assert_eq!(held(HoldReason::RequestDeposit, DOCTOR), 0);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE);
		assert_eq!(NextConsentId::<Test>::get(), 0);
		assert_eq!(reads(DOCTOR), NO_MATCH);
		assert_noop!(
			Consent::approve_request(signed(PATIENT), id, None),
			Error::<Test>::RequestNotFound
		);
	});
}

#[test]
fn the_requester_may_withdraw_a_request() {
	test(|| {
		let id = request(DOCTOR, read_access());
		assert_noop!(Consent::withdraw_request(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(
			Consent::withdraw_request(signed(RESEARCHER), id),
			Error::<Test>::NotRequester
		);
		assert_noop!(Consent::withdraw_request(signed(PATIENT), id), Error::<Test>::NotRequester);
		assert_noop!(Consent::withdraw_request(signed(DOCTOR), 99), Error::<Test>::RequestNotFound);
		assert_ok!(Consent::withdraw_request(signed(DOCTOR), id));
		System::assert_last_event(Event::RequestWithdrawn { id }.into());
		assert!(!Requests::<Test>::contains_key(id));
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), 0);
		assert_eq!(held(HoldReason::RequestDeposit, DOCTOR), 0);
		assert_noop!(Consent::withdraw_request(signed(DOCTOR), id), Error::<Test>::RequestNotFound);
	});
}

#[test]
fn unanswered_requests_lapse() {
	test(|| {
		let lapsing = request(DOCTOR, read_access());
		let answered = request(RESEARCHER, requested(&[Action::Use], &[PurposeOfUse::Research]));
		let expiry = 1 + REQUEST_LIFETIME;
		// Still answerable in its last block.
		run_to_block(expiry - 1);
		assert_ok!(Consent::approve_request(signed(PATIENT), answered, None));
		// Lapsed from its expiry on, though stored until on_idle.
		run_to_block(expiry);
		assert!(Requests::<Test>::contains_key(lapsing));
		assert_noop!(
			Consent::approve_request(signed(PATIENT), lapsing, None),
			Error::<Test>::RequestExpired
		);
		run_to_block(expiry + 1);
		System::assert_last_event(Event::RequestExpired { id: lapsing, requester: DOCTOR }.into());
		assert!(!Requests::<Test>::contains_key(lapsing));
		assert!(!PatientRequests::<Test>::contains_key(PATIENT, lapsing));
		assert_eq!(PatientRequestCount::<Test>::get(PATIENT), 0);
		assert_eq!(held(HoldReason::RequestDeposit, DOCTOR), 0);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE);
		assert_noop!(
			Consent::approve_request(signed(PATIENT), lapsing, None),
			Error::<Test>::RequestNotFound
		);
		// The approved one became a consent, which on_idle leaves alone.
		assert!(Consents::<Test>::contains_key(0));
	});
}

// ---------------------------------------------------------------------------------------------
// Break-glass: policies
// ---------------------------------------------------------------------------------------------

#[test]
fn emergency_policies_hold_a_deposit_unless_allow() {
	test(|| {
		assert_eq!(Consent::emergency_policy(&PATIENT), EmergencyPolicy::Allow);
		assert_noop!(
			Consent::set_emergency_policy(RuntimeOrigin::none(), EmergencyPolicy::Deny),
			BadOrigin
		);

		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), EmergencyPolicy::Deny));
		System::assert_last_event(
			Event::EmergencyPolicySet { patient: PATIENT, policy: EmergencyPolicy::Deny }.into(),
		);
		assert_eq!(Consent::emergency_policy(&PATIENT), EmergencyPolicy::Deny);
		assert_eq!(held(HoldReason::PolicyDeposit, PATIENT), POLICY_DEPOSIT);

		// Changing a stored policy keeps the one deposit; delegates are normalised.
		let delegates = EmergencyPolicy::OnlyDelegates(bounded(&[PARAMEDIC, ER_DOCTOR]));
		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), delegates));
		let sorted = EmergencyPolicy::OnlyDelegates(bounded(&[ER_DOCTOR, PARAMEDIC]));
		System::assert_last_event(
			Event::EmergencyPolicySet { patient: PATIENT, policy: sorted.clone() }.into(),
		);
		assert_eq!(
			EmergencyPolicies::<Test>::get(PATIENT),
			Some(StoredPolicy::<Test> { policy: sorted, deposit: POLICY_DEPOSIT })
		);
		assert_eq!(held(HoldReason::PolicyDeposit, PATIENT), POLICY_DEPOSIT);
		assert_ok!(Consent::set_emergency_policy(
			signed(PATIENT),
			EmergencyPolicy::OnlyDelegates(bounded(&[PARAMEDIC, PARAMEDIC]))
		));
		assert_eq!(
			Consent::emergency_policy(&PATIENT),
			EmergencyPolicy::OnlyDelegates(bounded(&[PARAMEDIC]))
		);

		assert_noop!(
			Consent::set_emergency_policy(
				signed(PATIENT),
				EmergencyPolicy::OnlyDelegates(bounded(&[]))
			),
			Error::<Test>::EmptyDelegates
		);

		// Back to the default: nothing stored, deposit released.
		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), EmergencyPolicy::Allow));
		System::assert_last_event(
			Event::EmergencyPolicySet { patient: PATIENT, policy: EmergencyPolicy::Allow }.into(),
		);
		assert!(!EmergencyPolicies::<Test>::contains_key(PATIENT));
		assert_eq!(held(HoldReason::PolicyDeposit, PATIENT), 0);
		assert_eq!(Balances::free_balance(PATIENT), BALANCE);
		assert_eq!(Consent::emergency_policy(&PATIENT), EmergencyPolicy::Allow);

		assert_noop!(
			Consent::set_emergency_policy(signed(POOR), EmergencyPolicy::Deny),
			Error::<Test>::InsufficientDeposit
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Break-glass: invoking, ending, expiring
// ---------------------------------------------------------------------------------------------

#[test]
fn an_emergency_responder_breaks_the_glass() {
	test(|| {
		assert_eq!(reads_in_emergency(ER_DOCTOR), NO_MATCH);
		let id = invoke(ER_DOCTOR, PATIENT);
		let expires_at = 1 + EMERGENCY_DURATION;
		System::assert_last_event(
			Event::EmergencyAccessStarted {
				id,
				patient: PATIENT,
				provider: ER_DOCTOR,
				reason: REASON,
				expires_at,
			}
			.into(),
		);
		assert_eq!(
			Emergencies::<Test>::get(id),
			Some(EmergencyAccessOf::<Test> {
				patient: PATIENT,
				provider: ER_DOCTOR,
				reason: REASON,
				justification_hash: None,
				started: 1,
				expires_at,
				review: None,
			})
		);
		assert!(ActiveEmergencies::<Test>::contains_key(PATIENT, id));
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 1);
		assert_eq!(EmergencyRates::<Test>::get(ER_DOCTOR).count, 1);
		assert_eq!(reads_in_emergency(ER_DOCTOR), via_emergency(id));
	});
}

#[test]
fn invoke_emergency_access_checks_the_caller_and_the_policy() {
	test(|| {
		let invoke = |who| Consent::invoke_emergency_access(signed(who), PATIENT, REASON, None);
		assert_noop!(
			Consent::invoke_emergency_access(RuntimeOrigin::none(), PATIENT, REASON, None),
			BadOrigin
		);
		assert_noop!(invoke(DOCTOR), Error::<Test>::NotEmergencyResponder);
		assert_noop!(invoke(STRANGER), Error::<Test>::NotEmergencyResponder);
		assert_noop!(
			Consent::invoke_emergency_access(signed(ER_DOCTOR), ER_DOCTOR, REASON, None),
			Error::<Test>::EmergencyForSelf
		);

		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), EmergencyPolicy::Deny));
		assert_noop!(invoke(ER_DOCTOR), Error::<Test>::EmergencyRefusedByPolicy);
		assert_noop!(invoke(PARAMEDIC), Error::<Test>::EmergencyRefusedByPolicy);

		let delegates = EmergencyPolicy::OnlyDelegates(bounded(&[PARAMEDIC]));
		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), delegates));
		assert_noop!(invoke(ER_DOCTOR), Error::<Test>::EmergencyRefusedByPolicy);
		assert_ok!(invoke(PARAMEDIC));
	});
}

#[test]
fn emergency_ids_cannot_overflow() {
	test(|| {
		NextEmergencyId::<Test>::put(EmergencyId::MAX);
		assert_noop!(
			Consent::invoke_emergency_access(signed(ER_DOCTOR), PATIENT, REASON, None),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn emergency_access_is_rate_limited_per_provider() {
	test(|| {
		run_to_block(30);
		let start = System::block_number();
		invoke(ER_DOCTOR, PATIENT);
		invoke(ER_DOCTOR, OTHER_PATIENT);
		assert_eq!(
			EmergencyRates::<Test>::get(ER_DOCTOR),
			RateWindow { start, count: MAX_EMERGENCIES_PER_WINDOW }
		);
		let again = || Consent::invoke_emergency_access(signed(ER_DOCTOR), PATIENT, REASON, None);
		assert_noop!(again(), Error::<Test>::RateLimited);
		// The limit is per provider.
		invoke(PARAMEDIC, PATIENT);

		run_to_block(start + RATE_WINDOW - 1);
		assert_noop!(again(), Error::<Test>::RateLimited);
		run_to_block(start + RATE_WINDOW);
		assert_ok!(again());
		assert_eq!(
			EmergencyRates::<Test>::get(ER_DOCTOR),
			RateWindow { start: start + RATE_WINDOW, count: 1 }
		);
	});
}

#[test]
fn a_patient_has_at_most_max_active_emergencies() {
	test(|| {
		let first = invoke(ER_DOCTOR, PATIENT);
		invoke(PARAMEDIC, PATIENT);
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), MAX_ACTIVE_EMERGENCIES);
		assert_noop!(
			Consent::invoke_emergency_access(signed(OFFICER_RESPONDER), PATIENT, REASON, None),
			Error::<Test>::TooManyActiveEmergencies
		);
		// Another patient is not affected.
		invoke(OFFICER_RESPONDER, OTHER_PATIENT);
		// Ending one makes room.
		assert_ok!(Consent::end_emergency_access(signed(ER_DOCTOR), first));
		invoke(OFFICER_RESPONDER, PATIENT);
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 2);
		// Expired accesses not tidied yet do not count either.
		System::set_block_number(1 + EMERGENCY_DURATION);
		invoke(POOR, PATIENT);
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 1);
	});
}

#[test]
fn the_provider_may_end_an_emergency_access_early() {
	test(|| {
		let id = invoke(ER_DOCTOR, PATIENT);
		System::set_block_number(3);
		assert_noop!(Consent::end_emergency_access(RuntimeOrigin::none(), id), BadOrigin);
		assert_noop!(
			Consent::end_emergency_access(signed(PARAMEDIC), id),
			Error::<Test>::NotEmergencyProvider
		);
		assert_noop!(
			Consent::end_emergency_access(signed(ER_DOCTOR), 99),
			Error::<Test>::EmergencyNotFound
		);
		assert_ok!(Consent::end_emergency_access(signed(ER_DOCTOR), id));
		System::assert_last_event(Event::EmergencyAccessEnded { id, patient: PATIENT }.into());
		assert_eq!(reads_in_emergency(ER_DOCTOR), NO_MATCH);
		assert!(!ActiveEmergencies::<Test>::contains_key(PATIENT, id));
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 0);
		// It awaits review, ending now.
		assert_eq!(Emergencies::<Test>::get(id).unwrap().expires_at, 3);
		assert_noop!(
			Consent::end_emergency_access(signed(ER_DOCTOR), id),
			Error::<Test>::EmergencyNotActive
		);
	});
}

#[test]
fn an_expired_emergency_access_cannot_be_ended() {
	test(|| {
		let id = invoke(ER_DOCTOR, PATIENT);
		System::set_block_number(1 + EMERGENCY_DURATION);
		assert_noop!(
			Consent::end_emergency_access(signed(ER_DOCTOR), id),
			Error::<Test>::EmergencyNotActive
		);
	});
}

#[test]
fn on_idle_ends_expired_emergency_accesses_which_await_review() {
	test(|| {
		let id = invoke(ER_DOCTOR, PATIENT);
		let expires_at = 1 + EMERGENCY_DURATION;
		run_to_block(expires_at);
		assert!(ActiveEmergencies::<Test>::contains_key(PATIENT, id));
		assert_eq!(reads_in_emergency(ER_DOCTOR), NO_MATCH);
		assert!(!consent_events().contains(&Event::EmergencyAccessExpired { id, patient: PATIENT }));

		run_to_block(expires_at + 1);
		System::assert_last_event(Event::EmergencyAccessExpired { id, patient: PATIENT }.into());
		assert!(!ActiveEmergencies::<Test>::contains_key(PATIENT, id));
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 0);
		assert!(Emergencies::<Test>::get(id).unwrap().review.is_none());
		// Only once.
		let expired = consent_events().len();
		run_to_block(expires_at + 3);
		assert_eq!(consent_events().len(), expired);
		assert!(Emergencies::<Test>::contains_key(id));
	});
}

// ---------------------------------------------------------------------------------------------
// Break-glass: review
// ---------------------------------------------------------------------------------------------

#[test]
fn a_justified_review_of_an_active_access_lets_it_run() {
	test(|| {
		let id = invoke(ER_DOCTOR, PATIENT);
		assert_noop!(
			Consent::review_emergency_access(
				RuntimeOrigin::none(),
				id,
				ReviewVerdict::Justified,
				None
			),
			BadOrigin
		);
		assert_ok!(Consent::review_emergency_access(
			signed(OFFICER),
			id,
			ReviewVerdict::Justified,
			Some(hash(0xf1))
		));
		System::assert_last_event(
			Event::EmergencyAccessReviewed {
				id,
				patient: PATIENT,
				provider: ER_DOCTOR,
				reviewer: OFFICER,
				verdict: ReviewVerdict::Justified,
				finding_hash: Some(hash(0xf1)),
			}
			.into(),
		);
		assert_eq!(
			Emergencies::<Test>::get(id).unwrap().review,
			Some((ReviewVerdict::Justified, OFFICER))
		);
		assert_eq!(reads_in_emergency(ER_DOCTOR), via_emergency(id));
		assert_noop!(
			Consent::review_emergency_access(
				signed(OFFICER_RESPONDER),
				id,
				ReviewVerdict::Unjustified,
				None
			),
			Error::<Test>::AlreadyReviewed
		);
		// Once expired and tidied, a reviewed access is gone.
		run_to_block(2 + EMERGENCY_DURATION);
		System::assert_last_event(Event::EmergencyAccessExpired { id, patient: PATIENT }.into());
		assert!(!Emergencies::<Test>::contains_key(id));
		assert_eq!(
			pallet_participants::Participants::<Test>::get(ER_DOCTOR)
				.unwrap()
				.unjustified_emergencies,
			0
		);
	});
}

#[test]
fn an_unjustified_finding_ends_the_access_and_is_recorded_against_the_provider() {
	test(|| {
		let id = invoke(ER_DOCTOR, PATIENT);
		assert_eq!(reads_in_emergency(ER_DOCTOR), via_emergency(id));
		System::set_block_number(2);
		assert_ok!(Consent::review_emergency_access(
			signed(OFFICER),
			id,
			ReviewVerdict::Unjustified,
			Some(hash(0xf2))
		));
		System::assert_last_event(
			Event::EmergencyAccessReviewed {
				id,
				patient: PATIENT,
				provider: ER_DOCTOR,
				reviewer: OFFICER,
				verdict: ReviewVerdict::Unjustified,
				finding_hash: Some(hash(0xf2)),
			}
			.into(),
		);
		assert_eq!(
			pallet_participants::Participants::<Test>::get(ER_DOCTOR)
				.unwrap()
				.unjustified_emergencies,
			1
		);
		// Ended at once: no more access, out of the index, and (reviewed) out of storage.
		assert_eq!(reads_in_emergency(ER_DOCTOR), NO_MATCH);
		assert!(!ActiveEmergencies::<Test>::contains_key(PATIENT, id));
		assert_eq!(ActiveEmergencyCount::<Test>::get(PATIENT), 0);
		assert!(!Emergencies::<Test>::contains_key(id));
		assert!(Consent::active_emergencies(&PATIENT).is_empty());
		assert_noop!(
			Consent::review_emergency_access(signed(OFFICER), id, ReviewVerdict::Unjustified, None),
			Error::<Test>::EmergencyNotFound
		);
	});
}

#[test]
fn an_ended_access_is_removed_once_reviewed() {
	test(|| {
		let ended = invoke(ER_DOCTOR, PATIENT);
		let expired = invoke(PARAMEDIC, PATIENT);
		assert_ok!(Consent::end_emergency_access(signed(ER_DOCTOR), ended));
		run_to_block(2 + EMERGENCY_DURATION);
		assert!(Emergencies::<Test>::contains_key(ended));
		assert!(Emergencies::<Test>::contains_key(expired));
		for id in [ended, expired] {
			assert_ok!(Consent::review_emergency_access(
				signed(OFFICER),
				id,
				ReviewVerdict::Justified,
				None
			));
			assert!(!Emergencies::<Test>::contains_key(id));
		}
	});
}

#[test]
fn only_other_privacy_officers_review() {
	test(|| {
		let own = invoke(OFFICER_RESPONDER, PATIENT);
		let review = |who, id| {
			Consent::review_emergency_access(signed(who), id, ReviewVerdict::Justified, None)
		};
		assert_noop!(review(DOCTOR, own), Error::<Test>::NotPrivacyOfficer);
		assert_noop!(review(ER_DOCTOR, own), Error::<Test>::NotPrivacyOfficer);
		assert_noop!(review(OFFICER_RESPONDER, own), Error::<Test>::SelfReview);
		assert_noop!(review(OFFICER, 99), Error::<Test>::EmergencyNotFound);
		assert_ok!(review(OFFICER, own));
		// The officer-responder may review another's access.
		let other = invoke(ER_DOCTOR, PATIENT);
		assert_ok!(review(OFFICER_RESPONDER, other));
	});
}

// ---------------------------------------------------------------------------------------------
// Access log
// ---------------------------------------------------------------------------------------------

#[test]
fn the_access_log_is_a_hash_chain_anyone_can_recompute() {
	test(|| {
		let entries = vec![
			log_entry(DOCTOR, via_consent(0), 1),
			log_entry(RESEARCHER, NO_MATCH, 2),
			log_entry(ER_DOCTOR, via_emergency(0), 3),
		];
		assert_ok!(Consent::log_access(signed(HOSPITAL), PATIENT, bounded(&entries[..2])));
		let head = AuditHeads::<Test>::get(PATIENT);
		assert_eq!(head.count, 2);
		assert_eq!(head.head, chain_head(HOSPITAL, &entries[..2]));
		assert_eq!(head.updated, 1);
		System::assert_has_event(
			Event::AccessLogged {
				patient: PATIENT,
				logger: HOSPITAL,
				index: 0,
				entry: entries[0].clone(),
				head: chain_head(HOSPITAL, &entries[..1]),
			}
			.into(),
		);

		System::set_block_number(2);
		assert_ok!(Consent::log_access(signed(HOSPITAL), PATIENT, bounded(&entries[2..])));
		let head = AuditHeads::<Test>::get(PATIENT);
		let expected = chain_head(HOSPITAL, &entries);
		assert_eq!((head.head, head.count, head.updated), (expected, 3, 2));
		System::assert_last_event(
			Event::AccessLogged {
				patient: PATIENT,
				logger: HOSPITAL,
				index: 2,
				entry: entries[2].clone(),
				head: expected,
			}
			.into(),
		);

		// A changed, dropped or reordered entry, or another logger, shows.
		let mut tampered = entries.clone();
		tampered[1].decision = via_consent(0);
		assert_ne!(chain_head(HOSPITAL, &tampered), head.head);
		assert_ne!(chain_head(HOSPITAL, &[entries[0].clone(), entries[2].clone()]), head.head);
		let reordered = [entries[1].clone(), entries[0].clone(), entries[2].clone()];
		assert_ne!(chain_head(HOSPITAL, &reordered), head.head);
		assert_ne!(chain_head(DOCTOR, &entries), head.head);

		// Each patient has their own chain.
		assert_eq!(AuditHeads::<Test>::get(OTHER_PATIENT), AuditHead::default());
	});
}

#[test]
fn only_providers_log_non_empty_batches() {
	test(|| {
		let batch: AccessLogBatchOf<Test> = bounded(&[log_entry(DOCTOR, NO_MATCH, 1)]);
		assert_noop!(Consent::log_access(RuntimeOrigin::none(), PATIENT, batch.clone()), BadOrigin);
		assert_noop!(
			Consent::log_access(signed(STRANGER), PATIENT, batch.clone()),
			Error::<Test>::NotLogger
		);
		assert_noop!(
			Consent::log_access(signed(RESEARCHER), PATIENT, batch.clone()),
			Error::<Test>::NotLogger
		);
		assert_noop!(
			Consent::log_access(signed(HOSPITAL), PATIENT, bounded(&[])),
			Error::<Test>::EmptyBatch
		);
		// A practitioner logs too.
		assert_ok!(Consent::log_access(signed(DOCTOR), PATIENT, batch.clone()));
		// The count cannot overflow.
		AuditHeads::<Test>::mutate(PATIENT, |head| head.count = u64::MAX);
		assert_noop!(Consent::log_access(signed(DOCTOR), PATIENT, batch), Error::<Test>::Overflow);
	});
}

#[test]
fn anchors_hold_a_deposit_until_removed_after_retention() {
	test(|| {
		assert_noop!(Consent::anchor_log_batch(RuntimeOrigin::none(), hash(0xa1), 5), BadOrigin);
		assert_ok!(Consent::anchor_log_batch(signed(HOSPITAL), hash(0xa1), 5));
		System::assert_last_event(
			Event::LogBatchAnchored { custodian: HOSPITAL, seq: 0, root: hash(0xa1), leaves: 5 }
				.into(),
		);
		assert_eq!(
			AuditAnchors::<Test>::get(HOSPITAL, 0),
			Some(AuditAnchorOf::<Test> {
				root: hash(0xa1),
				leaves: 5,
				anchored: 1,
				deposit: ANCHOR_DEPOSIT
			})
		);
		assert_eq!(NextAnchor::<Test>::get(HOSPITAL), 1);
		assert_eq!(held(HoldReason::AnchorDeposit, HOSPITAL), ANCHOR_DEPOSIT);
		System::set_block_number(2);
		assert_ok!(Consent::anchor_log_batch(signed(HOSPITAL), hash(0xa2), 1));
		assert_eq!(held(HoldReason::AnchorDeposit, HOSPITAL), 2 * ANCHOR_DEPOSIT);

		// Kept for the retention period.
		assert_noop!(Consent::remove_anchor(signed(HOSPITAL), 0), Error::<Test>::AnchorRetained);
		System::set_block_number(ANCHOR_RETENTION);
		assert_noop!(Consent::remove_anchor(signed(HOSPITAL), 0), Error::<Test>::AnchorRetained);
		System::set_block_number(1 + ANCHOR_RETENTION);
		assert_noop!(Consent::remove_anchor(RuntimeOrigin::none(), 0), BadOrigin);
		// Only one's own.
		assert_noop!(Consent::remove_anchor(signed(DOCTOR), 0), Error::<Test>::AnchorNotFound);
		assert_ok!(Consent::remove_anchor(signed(HOSPITAL), 0));
		System::assert_last_event(Event::AnchorRemoved { custodian: HOSPITAL, seq: 0 }.into());
		assert!(!AuditAnchors::<Test>::contains_key(HOSPITAL, 0));
		assert_eq!(held(HoldReason::AnchorDeposit, HOSPITAL), ANCHOR_DEPOSIT);
		assert_noop!(Consent::remove_anchor(signed(HOSPITAL), 0), Error::<Test>::AnchorNotFound);
		// The second, anchored a block later, a block later.
		assert_noop!(Consent::remove_anchor(signed(HOSPITAL), 1), Error::<Test>::AnchorRetained);
		System::set_block_number(2 + ANCHOR_RETENTION);
		assert_ok!(Consent::remove_anchor(signed(HOSPITAL), 1));
		assert_eq!(held(HoldReason::AnchorDeposit, HOSPITAL), 0);
		assert_eq!(Balances::free_balance(HOSPITAL), BALANCE);
	});
}

#[test]
fn anchor_log_batch_rejects_bad_anchors() {
	test(|| {
		assert_noop!(
			Consent::anchor_log_batch(signed(RESEARCHER), hash(1), 5),
			Error::<Test>::NotLogger
		);
		assert_noop!(
			Consent::anchor_log_batch(signed(STRANGER), hash(1), 5),
			Error::<Test>::NotLogger
		);
		assert_noop!(
			Consent::anchor_log_batch(signed(HOSPITAL), hash(1), 0),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			Consent::anchor_log_batch(signed(POOR), hash(1), 5),
			Error::<Test>::InsufficientDeposit
		);
		NextAnchor::<Test>::insert(HOSPITAL, u64::MAX);
		assert_noop!(
			Consent::anchor_log_batch(signed(HOSPITAL), hash(1), 5),
			Error::<Test>::Overflow
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Runtime-API helpers
// ---------------------------------------------------------------------------------------------

#[test]
fn patient_consents_pages_through_a_patients_consents() {
	test(|| {
		for _ in 0..MAX_CONSENTS {
			grant(read_permit(DOCTOR));
		}
		assert_ok!(Consent::grant_consent(signed(OTHER_PATIENT), read_permit(DOCTOR)));
		let all = Consent::patient_consents(&PATIENT, None, 10);
		let mut ids: Vec<ConsentId> = all.iter().map(|(id, _)| *id).collect();
		ids.sort();
		assert_eq!(ids, (0..MAX_CONSENTS as u64).collect::<Vec<_>>());
		assert!(all.iter().all(|(id, consent)| {
			consent.patient == PATIENT && Consents::<Test>::get(id).as_ref() == Some(consent)
		}));

		let first = Consent::patient_consents(&PATIENT, None, 2);
		assert_eq!(first, all[..2]);
		let second = Consent::patient_consents(&PATIENT, Some(first[1].0), 2);
		assert_eq!(second, all[2..]);
		assert!(Consent::patient_consents(&PATIENT, Some(all[3].0), 2).is_empty());
		assert_eq!(Consent::patient_consents(&OTHER_PATIENT, None, 10).len(), 1);
		assert!(Consent::patient_consents(&STRANGER, None, 10).is_empty());
	});
}

#[test]
fn patient_requests_pages_through_pending_requests() {
	test(|| {
		let doctor = request(DOCTOR, read_access());
		let researcher = request(RESEARCHER, read_access());
		assert_ok!(Consent::request_access(
			signed(HOSPITAL),
			OTHER_PATIENT,
			read_access(),
			hash(1)
		));
		let all = Consent::patient_requests(&PATIENT, None, 10);
		let mut ids: Vec<RequestId> = all.iter().map(|(id, _)| *id).collect();
		ids.sort();
		assert_eq!(ids, vec![doctor, researcher]);
		let first = Consent::patient_requests(&PATIENT, None, 1);
		assert_eq!(first, all[..1]);
		assert_eq!(Consent::patient_requests(&PATIENT, Some(first[0].0), 1), all[1..]);
		assert!(Consent::patient_requests(&PATIENT, Some(all[1].0), 1).is_empty());

		// Answered requests are no longer pending.
		assert_ok!(Consent::deny_request(signed(PATIENT), doctor));
		let pending = Consent::patient_requests(&PATIENT, None, 10);
		assert_eq!(pending.len(), 1);
		assert_eq!(pending[0].0, researcher);
		assert_eq!(pending[0].1.requester, RESEARCHER);
	});
}

#[test]
fn active_emergencies_lists_only_running_accesses() {
	test(|| {
		assert!(Consent::active_emergencies(&PATIENT).is_empty());
		let er = invoke(ER_DOCTOR, PATIENT);
		System::set_block_number(2);
		let paramedic = invoke(PARAMEDIC, PATIENT);
		invoke(OFFICER_RESPONDER, OTHER_PATIENT);
		let mut ids: Vec<EmergencyId> =
			Consent::active_emergencies(&PATIENT).into_iter().map(|(id, _)| id).collect();
		ids.sort();
		assert_eq!(ids, vec![er, paramedic]);

		// Expired (even before on_idle) or ended accesses are not listed.
		System::set_block_number(1 + EMERGENCY_DURATION);
		let listed = Consent::active_emergencies(&PATIENT);
		assert_eq!(listed.len(), 1);
		assert_eq!((listed[0].0, listed[0].1.provider), (paramedic, PARAMEDIC));
		assert_ok!(Consent::end_emergency_access(signed(PARAMEDIC), paramedic));
		assert!(Consent::active_emergencies(&PATIENT).is_empty());
		assert_eq!(Consent::active_emergencies(&OTHER_PATIENT).len(), 1);
	});
}

#[test]
fn emergency_policy_reports_the_default_and_stored_policies() {
	test(|| {
		assert_eq!(Consent::emergency_policy(&PATIENT), EmergencyPolicy::Allow);
		let delegates = EmergencyPolicy::OnlyDelegates(bounded(&[ER_DOCTOR]));
		assert_ok!(Consent::set_emergency_policy(signed(PATIENT), delegates.clone()));
		assert_eq!(Consent::emergency_policy(&PATIENT), delegates);
		assert_eq!(Consent::emergency_policy(&OTHER_PATIENT), EmergencyPolicy::Allow);
	});
}

#[test]
fn record_writes_pay_for_the_consents_the_decision_examined() {
	use crate::WeightInfo as _;
	use pallet_medical_records::WeightInfo as _;
	test(|| {
		let register = |who| {
			MedicalRecords::register_record(
				signed(who),
				PATIENT,
				RecordCategory::Observation,
				Confidentiality::Normal,
				hash(1),
				bounded(b"vault://lab/1"),
				HOSPITAL,
			)
		};
		let base = <Test as pallet_medical_records::Config>::WeightInfo::register_record();
		let worst = base.saturating_add(<Consent as ConsentDecider<u64, u64>>::decide_weight());
		// The patient's own record: no decision, whatever consents exist.
		grant(read_permit(HOSPITAL));
		assert_eq!(register(PATIENT).unwrap().actual_weight, Some(base));
		// A provider's: a decision over the patient's three consents, all examined (a deny
		// further on would win), refunded down from the worst case.
		grant(permit(DOCTOR, &[Action::Collect], &[PurposeOfUse::Research]));
		grant(permit(DOCTOR, &[Action::Collect], &[PurposeOfUse::Treatment]));
		let examined = <Test as crate::Config>::WeightInfo::decide(3);
		let charged = register(DOCTOR).unwrap().actual_weight.unwrap();
		assert_eq!(charged, base.saturating_add(examined));
		assert!(charged.all_lt(worst));
		let (decision, used) = <Consent as ConsentDecider<u64, u64>>::decide_metered(
			&PATIENT,
			&PATIENT,
			AccessTarget::Category { category: RecordCategory::Genomic, confidentiality: Confidentiality::Normal },
			Action::Use,
			PurposeOfUse::Research,
		);
		assert_eq!((decision, used), (AccessDecision::Permit(PermitBasis::Patient), frame_support::weights::Weight::zero()));
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
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	fn permits(patient: u64, provider: u64) -> bool {
		<Consent as ConsentDecider<u64, u64>>::decide(
			&patient,
			&provider,
			AccessTarget::Category {
				category: RecordCategory::Observation,
				confidentiality: Confidentiality::Normal,
			},
			Action::Access,
			PurposeOfUse::Treatment,
		)
		.is_permit()
	}

	#[test]
	fn a_genesis_population_is_stored_as_granted_consents() {
		populated(Population { count: 10, owners: 3 }).execute_with(|| {
			assert_eq!(NextConsentId::<Test>::get(), 10);
			let patient: u64 = account(b"patient", 0).unwrap();
			let provider = |rank| account::<u64>(b"provider", rank).unwrap();
			// 10 over 3 patients: the first has 4, granted to providers 0 to 3.
			assert_eq!(PatientConsentCount::<Test>::get(patient), 4);
			assert_eq!(held(HoldReason::ConsentDeposit, patient), 4 * CONSENT_DEPOSIT);
			assert!(permits(patient, provider(3)));
			assert!(!permits(patient, provider(4)));
			Consent::do_try_state().expect("invariants hold");
		});
	}

	#[test]
	#[should_panic(expected = "synthetic consent")]
	fn a_population_beyond_the_per_patient_bound_is_refused() {
		let bound: u32 = <Test as Config>::MaxConsentsPerPatient::get();
		populated(Population { count: bound + 1, owners: 1 });
	}
}
