//! Encrypted statistics: the vocabulary of studies over encrypted values, shared by the
//! encrypted-stats pallet, its runtime API and the client. The cryptography itself is in
//! `medchain-crypto`; here are only the on-chain shapes (fixed-size byte arrays, so Polkadot.js
//! shows them from metadata).

use crate::health::{Confidentiality, RecordCategory};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use derive_where::derive_where;
use scale_info::TypeInfo;
use sp_core::{ConstU32, Get, H256};
use sp_runtime::BoundedVec;

/// Identifier of a study.
pub type StudyId = u64;

/// A compressed Ristretto255 point.
pub type Point = [u8; 32];

/// A twisted ElGamal ciphertext `(C, D)`.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct EncryptedValue {
	/// `C = m * B + r * H`.
	pub c: Point,
	/// `D = r * P`.
	pub d: Point,
}

/// What a study asks each participant, as codes only: the question (e.g. the hash of a LOINC
/// code and unit, published off chain with the protocol), the data it concerns (for the
/// consent check), and the answer's size.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct StudyQuestion {
	/// Hash of the coded question and the study protocol.
	pub question: H256,
	/// The category of data the answer comes from.
	pub category: RecordCategory,
	/// Its confidentiality label.
	pub confidentiality: Confidentiality,
	/// Answers are below `2^value_bits` (8, 16 or 32).
	pub value_bits: u32,
}

/// Who decrypts a study's total.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId)]
#[scale_info(skip_type_params(MaxTrustees))]
pub enum KeyHolders<AccountId, MaxTrustees: Get<u32>> {
	/// One key holder with `H = y * P`.
	#[codec(index = 0)]
	Single {
		/// The account that publishes the decryption.
		holder: AccountId,
		/// The study key `H`.
		key: Point,
	},
	/// `threshold` of the trustees, who hold Shamir shares of `y`; the Feldman commitments to the
	/// sharing polynomial's coefficients give the study key (the first) and each trustee's key.
	#[codec(index = 1)]
	Threshold {
		/// How many trustees' shares decrypt.
		threshold: u32,
		/// The trustees, trustee `i + 1` at position `i`.
		trustees: BoundedVec<AccountId, MaxTrustees>,
		/// The `threshold` Feldman commitments.
		commitments: BoundedVec<Point, MaxTrustees>,
	},
}

/// Where a study stands. (Whether an undecrypted study still takes contributions, awaits
/// decryption or failed its minimum cohort follows from its deadline and count.)
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum StudyStatus {
	/// Not decrypted yet.
	#[codec(index = 0)]
	Open,
	/// The total was decrypted and verified on chain.
	#[codec(index = 1)]
	Decrypted {
		/// The sum of the contributed values.
		total: u64,
	},
}

/// A study.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance, BlockNumber)]
#[scale_info(skip_type_params(MaxTrustees))]
pub struct Study<AccountId, Balance, BlockNumber, MaxTrustees: Get<u32>> {
	/// The registered researcher who opened it.
	pub researcher: AccountId,
	/// What it asks.
	pub question: StudyQuestion,
	/// Who decrypts.
	pub key_holders: KeyHolders<AccountId, MaxTrustees>,
	/// Contributions are taken until this block (inclusive).
	pub deadline: BlockNumber,
	/// No decryption below this many contributions.
	pub min_cohort: u32,
	/// At most this many contributions (the deposit pays for their index entries).
	pub capacity: u32,
	/// The encrypted sum of the contributions so far.
	pub total: EncryptedValue,
	/// How many contributions.
	pub contributions: u32,
	/// Where it stands.
	pub status: StudyStatus,
	/// Deposit held from the researcher.
	pub deposit: Balance,
}

/// What an attested value is: the hash of a coded attribute and its unit or encoding, published
/// with the verifier's policy (e.g. "birth date, days since 1900-01-01" or a LOINC code and unit).
pub type AttributeCode = H256;

/// Identifier of a verified statement.
pub type StatementId = u64;

/// A provider's attestation of a single-use Pedersen commitment `V = v * B + s * G` to a value of
/// one of its patients. It names neither the patient nor the value.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Attestation<AccountId, Balance, BlockNumber> {
	/// The registered provider who vouches for the committed value.
	pub attester: AccountId,
	/// What the value is.
	pub attribute: AttributeCode,
	/// Usable until this block (inclusive).
	pub expires: BlockNumber,
	/// Whether a statement used it already (each commitment proves one statement, so that two
	/// uses cannot be linked through it).
	pub used: bool,
	/// Deposit held from the attester.
	pub deposit: Balance,
}

/// A statement about attested values, proven in zero knowledge.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Predicate {
	/// The value is at least this.
	#[codec(index = 0)]
	AtLeast(u64),
	/// The value is at most this.
	#[codec(index = 1)]
	AtMost(u64),
	/// The value is in `[low, high]`.
	#[codec(index = 2)]
	Between {
		/// Lowest value allowed.
		low: u64,
		/// Highest value allowed.
		high: u64,
	},
	/// The first of two values is at most the second.
	#[codec(index = 3)]
	NotAbove,
}

impl Predicate {
	/// How many attested values it is about.
	pub fn arity(&self) -> usize {
		match self {
			Predicate::NotAbove => 2,
			_ => 1,
		}
	}
}

/// One attested value a statement is about: what it is and who vouched for it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AttestedValue<AccountId> {
	/// What the value is.
	pub attribute: AttributeCode,
	/// The provider who attested it.
	pub attester: AccountId,
}

/// A statement verified on chain: which predicate holds about which attested values, for whom.
/// The values themselves are not on chain.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Statement<AccountId, Balance, BlockNumber> {
	/// Who proved it (typically a pseudonym for this verifier).
	pub prover: AccountId,
	/// What was proven.
	pub predicate: Predicate,
	/// The attested values it is about, by kind and attester (two for [`Predicate::NotAbove`]).
	pub attested: BoundedVec<AttestedValue<AccountId>, ConstU32<2>>,
	/// The range size the proof used, in bits.
	pub bits: u32,
	/// When it was verified.
	pub verified_at: BlockNumber,
	/// Deposit held from the prover.
	pub deposit: Balance,
}
