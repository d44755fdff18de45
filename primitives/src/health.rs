//! The health-data vocabulary shared by medical records and consent: record ids, coarse
//! categories, confidentiality labels, purposes of use and actions (HL7 FHIR / v3 codes).
//!
//! Everything here is deliberately coarse: the detailed FHIR resource stays inside the encrypted
//! payload off-chain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Opaque identifier of a medical record: a counter, never derived from identity data.
pub type RecordId = u64;

macro_rules! codes {
	($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $index:literal,)+ }) => {
		$(#[$doc])*
		#[derive(
			Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking,
			MaxEncodedLen, TypeInfo, Debug,
		)]
		pub enum $name {
			$($(#[$vdoc])* #[codec(index = $index)] $variant,)+
		}

		impl $name {
			/// Every value, in index order.
			pub const ALL: &'static [$name] = &[$($name::$variant,)+];
		}
	};
}

codes! {
	/// Coarse category of a record.
	RecordCategory {
		/// Patient summary (FHIR IPS).
		Summary = 0,
		/// Observations: vital signs, laboratory results.
		Observation = 1,
		/// Imaging studies and reports.
		Imaging = 2,
		/// Medication statements, prescriptions, dispensations.
		Medication = 3,
		/// Immunizations.
		Immunization = 4,
		/// Clinical documents and letters.
		Document = 5,
		/// Genomic data.
		Genomic = 6,
		/// Anything else.
		Other = 7,
	}
}

codes! {
	/// HL7 v3 confidentiality label, from least to most sensitive. A consent's ceiling never
	/// opens data labelled above it.
	Confidentiality {
		/// L: low.
		Low = 0,
		/// M: moderate.
		Moderate = 1,
		/// N: normal (the default for health data).
		Normal = 2,
		/// R: restricted (e.g. mental health, HIV, genomics).
		Restricted = 3,
		/// V: very restricted.
		VeryRestricted = 4,
	}
}

codes! {
	/// Purpose of use (HL7 v3 ActReason).
	PurposeOfUse {
		/// TREAT: treatment.
		Treatment = 0,
		/// ETREAT: emergency treatment.
		EmergencyTreatment = 1,
		/// HPAYMT: payment, insurance.
		Payment = 2,
		/// HOPERAT: healthcare operations.
		Operations = 3,
		/// HRESCH: research.
		Research = 4,
		/// PUBHLTH: public health.
		PublicHealth = 5,
		/// PATRQT: at the patient's request.
		PatientRequest = 6,
	}
}

codes! {
	/// What an accessor does with the data (FHIR consent action).
	Action {
		/// Read the data.
		Access = 0,
		/// Add data (write a record).
		Collect = 1,
		/// Use the data (e.g. compute over it).
		Use = 2,
		/// Pass the data on to a third party.
		Disclose = 3,
		/// Amend or correct the data.
		Correct = 4,
	}
}

codes! {
	/// Status of a record version (FHIR `DocumentReference.status` / Provenance, plus erasure).
	RecordStatus {
		/// The latest version.
		Current = 0,
		/// Replaced by a newer version (see `replaces` of the newer one).
		Superseded = 1,
		/// Its author marked it as entered in error.
		EnteredInError = 2,
		/// The patient asked for erasure; the custodian has to destroy key and ciphertext.
		ErasurePending = 3,
		/// Key and ciphertext destroyed off-chain; only this tombstone remains.
		Erased = 4,
	}
}

impl RecordStatus {
	/// Whether the patient asked for erasure (pending or done): the record may not change any
	/// more, nor move to another custodian.
	pub fn is_erasure_requested(self) -> bool {
		matches!(self, Self::ErasurePending | Self::Erased)
	}
}

/// What the chain keeps about a record: pointers and provenance, never content.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
#[scale_info(skip_type_params(MaxLocatorLen))]
pub struct MedicalRecord<AccountId, Balance, BlockNumber, MaxLocatorLen: sp_core::Get<u32>> {
	/// The patient: an account, ideally a pseudonym for this care relationship.
	pub subject: AccountId,
	/// Who wrote this version.
	pub author: AccountId,
	/// Who holds the ciphertext (a data vault operator, or the provider).
	pub custodian: AccountId,
	/// Coarse category.
	pub category: RecordCategory,
	/// Confidentiality label.
	pub confidentiality: Confidentiality,
	/// Hash of the ciphertext; `None` once erased.
	pub content_hash: Option<sp_core::H256>,
	/// Where the ciphertext is (URI or content id); empty once erased.
	pub locator: sp_runtime::BoundedVec<u8, MaxLocatorLen>,
	/// Incremented each time the content is re-encrypted under a new key.
	pub key_epoch: u32,
	/// 1 for a new record, +1 per amendment.
	pub version: u32,
	/// The version this one replaces.
	pub replaces: Option<RecordId>,
	/// Current, superseded, entered in error, erasure pending, erased.
	pub status: RecordStatus,
	/// Block of creation.
	pub created: BlockNumber,
	/// Who paid the storage deposit (refunded on erasure).
	pub depositor: AccountId,
	/// The deposit held.
	pub deposit: Balance,
}
