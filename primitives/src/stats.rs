//! Encrypted statistics: the vocabulary of studies over encrypted values, shared by the
//! encrypted-stats pallet, its runtime API and the client. The cryptography itself is in
//! `medchain-crypto`; here are only the on-chain shapes (fixed-size byte arrays, so Polkadot.js
//! shows them from metadata).

use crate::health::{Confidentiality, RecordCategory};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use derive_where::derive_where;
use scale_info::TypeInfo;
use sp_core::{Get, H256};
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

/// Where a study stands.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum StudyStatus {
	/// Taking contributions until the deadline.
	#[codec(index = 0)]
	Open,
	/// The deadline passed with at least the minimum cohort: awaiting decryption.
	#[codec(index = 1)]
	Closed,
	/// The total was decrypted and verified on chain.
	#[codec(index = 2)]
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
	/// The encrypted sum of the contributions so far.
	pub total: EncryptedValue,
	/// How many contributions.
	pub contributions: u32,
	/// Where it stands.
	pub status: StudyStatus,
	/// Deposit held from the researcher.
	pub deposit: Balance,
}
