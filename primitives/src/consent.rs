//! Consent: the vocabulary of FHIR R5 `Consent` as medchain keeps it on chain, the decision that
//! medical records and off-chain gatekeepers ask for, emergency ("break-glass") access and the
//! tamper-evident access log.
//!
//! These types are shared by the consent pallet, its runtime API, medical records and the client,
//! so they are defined here once. Medical records depends on [`ConsentDecider`] only, not on the
//! consent pallet's storage; the consent pallet reads records through [`RecordsInspect`].

use crate::{
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory, RecordId},
	roles::Role,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use derive_where::derive_where;
use scale_info::TypeInfo;
use sp_core::{ConstU32, Get, H256};
use sp_runtime::{
	traits::{BlakeTwo256, Hash, Zero},
	BoundedVec, Weight,
};

/// Identifier of a consent (a counter in the consent pallet).
pub type ConsentId = u64;

/// Identifier of an access request (a counter in the consent pallet).
pub type RequestId = u64;

/// Identifier of an emergency (break-glass) access.
pub type EmergencyId = u64;

/// The data an access concerns, as the consent decision sees it.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum AccessTarget<BlockNumber> {
	/// One existing record version, with the labels and creation block the chain keeps.
	#[codec(index = 0)]
	Record {
		id: RecordId,
		category: RecordCategory,
		confidentiality: Confidentiality,
		created: BlockNumber,
	},
	/// A category of data, e.g. to add a new record of that category.
	#[codec(index = 1)]
	Category { category: RecordCategory, confidentiality: Confidentiality },
}

impl<BlockNumber: Copy> AccessTarget<BlockNumber> {
	/// The category of the data.
	pub fn category(&self) -> RecordCategory {
		match self {
			Self::Record { category, .. } | Self::Category { category, .. } => *category,
		}
	}

	/// The confidentiality label of the data.
	pub fn confidentiality(&self) -> Confidentiality {
		match self {
			Self::Record { confidentiality, .. } | Self::Category { confidentiality, .. } =>
				*confidentiality,
		}
	}

	/// The record, if the access concerns one.
	pub fn record(&self) -> Option<RecordId> {
		match self {
			Self::Record { id, .. } => Some(*id),
			Self::Category { .. } => None,
		}
	}

	/// When the data came into being: a record's creation block; `None` for new data.
	pub fn created(&self) -> Option<BlockNumber> {
		match self {
			Self::Record { created, .. } => Some(*created),
			Self::Category { .. } => None,
		}
	}
}

/// What an off-chain gatekeeper asks about through the runtime API. For a record, the chain
/// looks up its patient, category, label and creation block itself.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum AccessQuery {
	/// One record version, by id.
	#[codec(index = 0)]
	Record(RecordId),
	/// A category of data with a given label (e.g. before writing a new record).
	#[codec(index = 1)]
	Category { category: RecordCategory, confidentiality: Confidentiality },
}

/// Why an access is permitted.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum PermitBasis {
	/// The accessor is the patient.
	#[codec(index = 0)]
	Patient,
	/// An active permit consent matches.
	#[codec(index = 1)]
	Consent(ConsentId),
	/// An active emergency access, allowed by the patient's emergency policy.
	#[codec(index = 2)]
	Emergency(EmergencyId),
}

/// Why an access is denied.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum DenyReason {
	/// An active deny consent matches (deny wins over any permit).
	#[codec(index = 0)]
	DeniedByConsent(ConsentId),
	/// No active consent, and no emergency access, matches.
	#[codec(index = 1)]
	NoMatchingConsent,
	/// The accessor does not hold the role this access needs.
	#[codec(index = 2)]
	NotAuthorized,
	/// The record does not exist, or is not the patient's.
	#[codec(index = 3)]
	UnknownRecord,
	/// The accessor has an active emergency access, but the patient's emergency policy does not
	/// allow it (any more).
	#[codec(index = 4)]
	EmergencyRefusedByPolicy(EmergencyId),
}

/// A consent decision, with its reason.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum AccessDecision {
	#[codec(index = 0)]
	Permit(PermitBasis),
	#[codec(index = 1)]
	Deny(DenyReason),
}

impl AccessDecision {
	/// Whether the access may go ahead.
	pub fn is_permit(&self) -> bool {
		matches!(self, Self::Permit(_))
	}
}

/// Decides whether `accessor` may perform `action` for `purpose` on `target`, data of `patient`.
pub trait ConsentDecider<AccountId, BlockNumber> {
	/// The decision, and why.
	fn decide(
		patient: &AccountId,
		accessor: &AccountId,
		target: AccessTarget<BlockNumber>,
		action: Action,
		purpose: PurposeOfUse,
	) -> AccessDecision;

	/// The worst-case weight of one [`Self::decide`], which callers add to their own weight.
	fn decide_weight() -> Weight;

	/// [`Self::decide`] with the weight this decision used, at most [`Self::decide_weight`]:
	/// callers return it as their actual weight, so a patient acting on their own data or a
	/// patient with few consents is not charged the scan of the most consents a patient may
	/// hold. By default, the worst case.
	fn decide_metered(
		patient: &AccountId,
		accessor: &AccountId,
		target: AccessTarget<BlockNumber>,
		action: Action,
		purpose: PurposeOfUse,
	) -> (AccessDecision, Weight) {
		(Self::decide(patient, accessor, target, action, purpose), Self::decide_weight())
	}
}

/// The decision before consents exist: only the patient may act on their data.
pub struct PatientOnly;
impl<AccountId: PartialEq, BlockNumber> ConsentDecider<AccountId, BlockNumber> for PatientOnly {
	fn decide(
		patient: &AccountId,
		accessor: &AccountId,
		_target: AccessTarget<BlockNumber>,
		_action: Action,
		_purpose: PurposeOfUse,
	) -> AccessDecision {
		if patient == accessor {
			AccessDecision::Permit(PermitBasis::Patient)
		} else {
			AccessDecision::Deny(DenyReason::NoMatchingConsent)
		}
	}

	fn decide_weight() -> Weight {
		Weight::zero()
	}
}

/// Read access to records, for the consent decision of the runtime API.
pub trait RecordsInspect<AccountId, BlockNumber> {
	/// The patient of record `id` and what the decision needs to know about it.
	fn access_target(id: RecordId) -> Option<(AccountId, AccessTarget<BlockNumber>)>;
}

/// Whom a consent is given to (FHIR `Consent.provision.actor`).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Grantee<AccountId> {
	/// One account, e.g. a practitioner (or the pseudonym the patient knows them by).
	#[codec(index = 0)]
	Account(AccountId),
	/// An organisation's account, while it is a registered healthcare organisation. Its staff
	/// act through it (e.g. as its proxies).
	#[codec(index = 1)]
	Organization(AccountId),
	/// Anyone who holds this role in the participants registry at the time of access, e.g.
	/// every emergency responder.
	#[codec(index = 2)]
	Role(Role),
}

/// FHIR `Consent.decision`.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum ConsentDecision {
	/// The consent forbids what it describes; it wins over any matching permit.
	#[codec(index = 0)]
	Deny,
	/// The consent allows what it describes.
	#[codec(index = 1)]
	Permit,
}

/// FHIR `Consent.status`. Only draft and active consents are kept in storage; the other states
/// are final and are reported in the event that ends a consent.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum ConsentStatus {
	/// Prepared by the patient, not in force until activated.
	#[codec(index = 0)]
	Draft,
	/// In force (within its validity period).
	#[codec(index = 1)]
	Active,
	/// Revoked, superseded by an amendment, or expired.
	#[codec(index = 2)]
	Inactive,
	/// A draft the patient withdrew: consent was never given.
	#[codec(index = 3)]
	NotDone,
	/// Recorded by mistake.
	#[codec(index = 4)]
	EnteredInError,
}

/// A half-open period of blocks: from `start` (included) until `end` (excluded), or for ever.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub struct Period<BlockNumber> {
	pub start: BlockNumber,
	pub end: Option<BlockNumber>,
}

impl<BlockNumber: PartialOrd + Copy> Period<BlockNumber> {
	/// Whether block `at` lies in the period.
	pub fn contains(&self, at: BlockNumber) -> bool {
		self.start <= at && self.end.map_or(true, |end| at < end)
	}

	/// Whether the period is not empty.
	pub fn is_valid(&self) -> bool {
		self.end.map_or(true, |end| self.start < end)
	}

	/// Whether the period lies within `outer`.
	pub fn is_within(&self, outer: &Self) -> bool {
		outer.start <= self.start &&
			match (self.end, outer.end) {
				(_, None) => true,
				(None, Some(_)) => false,
				(Some(end), Some(outer_end)) => end <= outer_end,
			}
	}
}

/// The actions a consent covers: sorted, no duplicates, not empty.
pub type ActionSet = BoundedVec<Action, ConstU32<5>>;

/// The purposes of use a consent covers: sorted, no duplicates, not empty.
pub type PurposeSet = BoundedVec<PurposeOfUse, ConstU32<7>>;

/// Categories of data: sorted, no duplicates, not empty.
pub type CategorySet = BoundedVec<RecordCategory, ConstU32<8>>;

/// The data a consent covers (FHIR `Consent.provision.data` / `documentType`).
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxRecords))]
pub enum DataScope<MaxRecords: Get<u32>> {
	/// All of the patient's data.
	#[codec(index = 0)]
	All,
	/// These record versions only (sorted, no duplicates, not empty).
	#[codec(index = 1)]
	Records(BoundedVec<RecordId, MaxRecords>),
	/// Data of these categories (sorted, no duplicates, not empty).
	#[codec(index = 2)]
	Categories(CategorySet),
}

impl<MaxRecords: Get<u32>> DataScope<MaxRecords> {
	/// Whether the scope covers data of `category`, in record `record` if it is one.
	pub fn covers(&self, record: Option<RecordId>, category: RecordCategory) -> bool {
		match self {
			Self::All => true,
			Self::Records(ids) => record.is_some_and(|id| ids.binary_search(&id).is_ok()),
			Self::Categories(categories) => categories.binary_search(&category).is_ok(),
		}
	}

	/// Whether this scope covers no more than `outer` (both normalised).
	pub fn is_within(&self, outer: &Self) -> bool {
		match (self, outer) {
			(_, Self::All) => true,
			(Self::Records(ids), Self::Records(outer_ids)) =>
				ids.iter().all(|id| outer_ids.binary_search(id).is_ok()),
			(Self::Categories(cats), Self::Categories(outer_cats)) =>
				cats.iter().all(|c| outer_cats.binary_search(c).is_ok()),
			_ => false,
		}
	}
}

/// What a consent says (FHIR `Consent.provision`, flattened to one provision).
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, BlockNumber)]
#[scale_info(skip_type_params(MaxRecords))]
pub struct ConsentTerms<AccountId, BlockNumber, MaxRecords: Get<u32>> {
	/// Whom it is given to.
	pub grantee: Grantee<AccountId>,
	/// Permit or deny.
	pub decision: ConsentDecision,
	/// What the grantee may (or may not) do.
	pub actions: ActionSet,
	/// For which purposes.
	pub purposes: PurposeSet,
	/// Which data.
	pub scope: DataScope<MaxRecords>,
	/// A permit never opens data labelled above this ceiling. Ignored by a deny, which closes
	/// data of every label.
	pub ceiling: Confidentiality,
	/// When the consent is in force.
	pub valid: Period<BlockNumber>,
	/// The period in which the data covered was created; `None`: any time.
	pub data_period: Option<Period<BlockNumber>>,
	/// Hash of the signed consent document kept off-chain.
	pub document_hash: Option<H256>,
	/// Hash of the regulatory basis (policy or law reference) kept off-chain.
	pub basis_hash: Option<H256>,
}

impl<AccountId, BlockNumber: Zero, MaxRecords: Get<u32>> ConsentTerms<AccountId, BlockNumber, MaxRecords> {
	/// A permit for `grantee` to do `actions` for `purposes` with all of the patient's data
	/// labelled up to `ceiling`, in force from genesis on, without document references. Extra
	/// actions or purposes beyond their sets' bounds are dropped.
	pub fn permit_all_data(
		grantee: Grantee<AccountId>,
		actions: &[Action],
		purposes: &[PurposeOfUse],
		ceiling: Confidentiality,
	) -> Self {
		Self {
			grantee,
			decision: ConsentDecision::Permit,
			actions: BoundedVec::truncate_from(actions.to_vec()),
			purposes: BoundedVec::truncate_from(purposes.to_vec()),
			scope: DataScope::All,
			ceiling,
			valid: Period { start: Zero::zero(), end: None },
			data_period: None,
			document_hash: None,
			basis_hash: None,
		}
	}
}

/// A consent as the chain keeps it.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance, BlockNumber)]
#[scale_info(skip_type_params(MaxRecords))]
pub struct Consent<AccountId, Balance, BlockNumber, MaxRecords: Get<u32>> {
	/// The grantor: the patient whose data it concerns.
	pub patient: AccountId,
	/// What it says.
	pub terms: ConsentTerms<AccountId, BlockNumber, MaxRecords>,
	/// Draft or active (ended consents are removed; their end is in the events).
	pub status: ConsentStatus,
	/// 1 for a new consent, +1 per amendment.
	pub version: u32,
	/// The consent this version replaces.
	pub replaces: Option<ConsentId>,
	/// The access request it answers, if any.
	pub request: Option<RequestId>,
	/// Block of creation.
	pub created: BlockNumber,
	/// Who holds the storage deposit (the patient, or the requester for an approved request).
	pub depositor: AccountId,
	/// The deposit held.
	pub deposit: Balance,
}

/// What a requester asks for, and what a patient may narrow on approval.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; BlockNumber)]
#[scale_info(skip_type_params(MaxRecords))]
pub struct RequestedAccess<BlockNumber, MaxRecords: Get<u32>> {
	pub actions: ActionSet,
	pub purposes: PurposeSet,
	pub scope: DataScope<MaxRecords>,
	pub ceiling: Confidentiality,
	pub valid: Period<BlockNumber>,
}

impl<BlockNumber: PartialOrd + Copy, MaxRecords: Get<u32>> RequestedAccess<BlockNumber, MaxRecords> {
	/// Whether `self` asks for no more than `outer` (both normalised).
	pub fn is_within(&self, outer: &Self) -> bool {
		self.actions.iter().all(|a| outer.actions.binary_search(a).is_ok()) &&
			self.purposes.iter().all(|p| outer.purposes.binary_search(p).is_ok()) &&
			self.scope.is_within(&outer.scope) &&
			self.ceiling <= outer.ceiling &&
			self.valid.is_within(&outer.valid)
	}
}

/// An access request awaiting the patient's answer.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance, BlockNumber)]
#[scale_info(skip_type_params(MaxRecords))]
pub struct AccessRequest<AccountId, Balance, BlockNumber, MaxRecords: Get<u32>> {
	/// A registered provider or researcher.
	pub requester: AccountId,
	/// Whose data.
	pub patient: AccountId,
	/// What is asked for.
	pub access: RequestedAccess<BlockNumber, MaxRecords>,
	/// Hash of the justification kept off-chain (never free text on chain).
	pub justification_hash: H256,
	/// Block of the request.
	pub created: BlockNumber,
	/// The request lapses at this block.
	pub expires_at: BlockNumber,
	/// The deposit held from the requester.
	pub deposit: Balance,
}

/// A patient's standing instruction about emergency access.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId)]
#[scale_info(skip_type_params(MaxDelegates))]
pub enum EmergencyPolicy<AccountId, MaxDelegates: Get<u32>> {
	/// Any emergency responder may break the glass (the default).
	#[codec(index = 0)]
	Allow,
	/// Nobody may.
	#[codec(index = 1)]
	Deny,
	/// Only these emergency responders may (sorted, no duplicates, not empty).
	#[codec(index = 2)]
	OnlyDelegates(BoundedVec<AccountId, MaxDelegates>),
}

impl<AccountId: Ord, MaxDelegates: Get<u32>> EmergencyPolicy<AccountId, MaxDelegates> {
	/// Whether `who` may break the glass under this policy.
	pub fn allows(&self, who: &AccountId) -> bool {
		match self {
			Self::Allow => true,
			Self::Deny => false,
			Self::OnlyDelegates(delegates) => delegates.binary_search(who).is_ok(),
		}
	}
}

/// Why the glass is broken (coded; the clinical details stay off-chain).
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum EmergencyReason {
	/// The patient cannot communicate (unconscious, incapacitated).
	#[codec(index = 0)]
	PatientIncapacitated,
	/// An immediate threat to the patient's life or health.
	#[codec(index = 1)]
	LifeThreatening,
	/// A serious and imminent threat to others.
	#[codec(index = 2)]
	ImminentHarmToOthers,
	/// Consent is needed but the patient cannot be reached in time.
	#[codec(index = 3)]
	PatientUnreachable,
	/// A declared public-health emergency.
	#[codec(index = 4)]
	PublicHealthEmergency,
}

/// A privacy officer's finding about an emergency access.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum ReviewVerdict {
	#[codec(index = 0)]
	Justified,
	/// Recorded against the provider in the participants registry.
	#[codec(index = 1)]
	Unjustified,
}

/// An emergency ("break-glass") access (FHIR AuditEvent: action E, purpose ETREAT, DICOM 110127).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct EmergencyAccess<AccountId, BlockNumber> {
	/// Whose data.
	pub patient: AccountId,
	/// The emergency responder who broke the glass.
	pub provider: AccountId,
	/// Coded reason.
	pub reason: EmergencyReason,
	/// Hash of the off-chain justification, if any.
	pub justification_hash: Option<H256>,
	/// Block it started.
	pub started: BlockNumber,
	/// Access ends at this block (earlier if ended by the provider or found unjustified).
	pub expires_at: BlockNumber,
	/// The review, once done: verdict and reviewer.
	pub review: Option<(ReviewVerdict, AccountId)>,
}

/// One access, as custodians and data servers log it (FHIR AuditEvent, coded). The full event
/// stays off-chain; `event_hash` is the hash of it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AccessLogEntry<AccountId> {
	/// Who accessed (or tried to).
	pub accessor: AccountId,
	/// The record, if the access concerned one.
	pub record: Option<RecordId>,
	/// The category of the data.
	pub category: RecordCategory,
	pub action: Action,
	pub purpose: PurposeOfUse,
	/// The decision the gatekeeper applied, with its basis: the outcome.
	pub decision: AccessDecision,
	/// Hash of the full off-chain audit event.
	pub event_hash: H256,
}

/// The head of a patient's access-log hash chain.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug, Default,
)]
pub struct AuditHead<BlockNumber> {
	/// The hash of the last link (zero before the first entry).
	pub head: H256,
	/// Number of entries.
	pub count: u64,
	/// Block of the last entry.
	pub updated: BlockNumber,
}

/// The next link of an access-log hash chain: `blake2_256(SCALE(prev, index, logger, entry))`,
/// where `index` counts from 0. Anyone holding the off-chain log recomputes the chain from zero
/// and compares it with the head on chain: a changed, dropped or reordered entry shows.
pub fn audit_link<AccountId: Encode>(
	prev: &H256,
	index: u64,
	logger: &AccountId,
	entry: &AccessLogEntry<AccountId>,
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(prev, index, logger, entry).encode())
}

/// A Merkle root of a batch of off-chain audit events, anchored by a custodian.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub struct AuditAnchor<Balance, BlockNumber> {
	/// Root of the binary Merkle tree (blake2-256) over the events' hashes.
	pub root: H256,
	/// Number of events in the batch.
	pub leaves: u32,
	/// Block of anchoring.
	pub anchored: BlockNumber,
	/// The deposit held.
	pub deposit: Balance,
}

#[cfg(test)]
mod tests {
	use super::*;

	type Scope = DataScope<ConstU32<4>>;

	#[test]
	fn periods_are_half_open() {
		let period = Period { start: 10u32, end: Some(20) };
		assert!(!period.contains(9));
		assert!(period.contains(10));
		assert!(period.contains(19));
		assert!(!period.contains(20));
		assert!(Period { start: 10u32, end: None }.contains(u32::MAX));
		assert!(!Period { start: 10u32, end: Some(10) }.is_valid());
		assert!(Period { start: 12u32, end: Some(15) }.is_within(&period));
		assert!(!Period { start: 12u32, end: None }.is_within(&period));
		assert!(!Period { start: 5u32, end: Some(15) }.is_within(&period));
	}

	#[test]
	fn scopes_cover_and_narrow() {
		let records = Scope::Records(BoundedVec::truncate_from(vec![2, 5]));
		let genomic = Scope::Categories(BoundedVec::truncate_from(vec![RecordCategory::Genomic]));
		assert!(Scope::All.covers(None, RecordCategory::Summary));
		assert!(records.covers(Some(5), RecordCategory::Summary));
		assert!(!records.covers(Some(3), RecordCategory::Summary));
		assert!(!records.covers(None, RecordCategory::Summary));
		assert!(genomic.covers(Some(9), RecordCategory::Genomic));
		assert!(!genomic.covers(Some(9), RecordCategory::Imaging));
		assert!(records.is_within(&Scope::All));
		assert!(!Scope::All.is_within(&records));
		assert!(Scope::Records(BoundedVec::truncate_from(vec![5])).is_within(&records));
		assert!(!genomic.is_within(&records));
	}

	#[test]
	fn audit_links_depend_on_every_part() {
		let entry = AccessLogEntry {
			accessor: 7u64,
			record: Some(1),
			category: RecordCategory::Summary,
			action: Action::Access,
			purpose: PurposeOfUse::Treatment,
			decision: AccessDecision::Permit(PermitBasis::Consent(3)),
			event_hash: H256::repeat_byte(1),
		};
		let first = audit_link(&H256::zero(), 0, &9u64, &entry);
		assert_ne!(first, audit_link(&H256::zero(), 1, &9u64, &entry));
		assert_ne!(first, audit_link(&H256::zero(), 0, &8u64, &entry));
		assert_ne!(first, audit_link(&H256::repeat_byte(2), 0, &9u64, &entry));
		let denied = AccessLogEntry {
			decision: AccessDecision::Deny(DenyReason::NoMatchingConsent),
			..entry.clone()
		};
		assert_ne!(first, audit_link(&H256::zero(), 0, &9u64, &denied));
	}
}
