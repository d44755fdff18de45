//! Runtime API of the medical records pallet: a record by id, and a patient's records, paged.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use medchain_primitives::health::{MedicalRecord, RecordId};

sp_api::decl_runtime_apis! {
	/// Reads record pointers and provenance (never content: there is none on chain).
	pub trait MedicalRecordsApi<AccountId, Balance, BlockNumber, MaxLocatorLen>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		MaxLocatorLen: sp_core::Get<u32>,
	{
		/// The record with this id.
		fn record(id: RecordId) -> Option<MedicalRecord<AccountId, Balance, BlockNumber, MaxLocatorLen>>;

		/// Up to `limit` records of `patient`, starting after the record `after` (the last id of
		/// the previous page) or at the beginning.
		fn patient_records(
			patient: AccountId,
			after: Option<RecordId>,
			limit: u32,
		) -> Vec<(RecordId, MedicalRecord<AccountId, Balance, BlockNumber, MaxLocatorLen>)>;
	}
}
