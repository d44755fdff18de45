//! The consent decision that medical records (and off-chain gatekeepers, through the consent
//! pallet's runtime API) ask for. Medical records depends on this trait only, not on the consent
//! pallet's storage.

use crate::health::{Action, Confidentiality, PurposeOfUse, RecordCategory, RecordId};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a consent (a counter in the consent pallet).
pub type ConsentId = u64;

/// Identifier of an emergency (break-glass) access.
pub type EmergencyId = u64;

/// The data an access concerns.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum AccessTarget {
	/// One existing record.
	#[codec(index = 0)]
	Record { id: RecordId, category: RecordCategory, confidentiality: Confidentiality },
	/// A category of data, e.g. to add a new record of that category.
	#[codec(index = 1)]
	Category { category: RecordCategory, confidentiality: Confidentiality },
}

impl AccessTarget {
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
pub trait ConsentDecider<AccountId> {
	fn decide(
		patient: &AccountId,
		accessor: &AccountId,
		target: AccessTarget,
		action: Action,
		purpose: PurposeOfUse,
	) -> AccessDecision;
}

/// The decision before consents exist: only the patient may act on their data.
pub struct PatientOnly;
impl<AccountId: PartialEq> ConsentDecider<AccountId> for PatientOnly {
	fn decide(
		patient: &AccountId,
		accessor: &AccountId,
		_target: AccessTarget,
		_action: Action,
		_purpose: PurposeOfUse,
	) -> AccessDecision {
		if patient == accessor {
			AccessDecision::Permit(PermitBasis::Patient)
		} else {
			AccessDecision::Deny(DenyReason::NoMatchingConsent)
		}
	}
}
