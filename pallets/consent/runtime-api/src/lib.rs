//! Runtime API of the consent pallet: the access decision that off-chain gatekeepers (data
//! vaults, hospital systems) ask for, and the consent state a patient's app shows.
//!
//! `check_access` runs the same decision rule the pallets enforce, at the block the call is made
//! at: a vault asking at the latest finalized block sees a revocation from the block that
//! included it on.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use medchain_primitives::{
	consent::{
		AccessDecision, AccessQuery, AccessRequest, AuditHead, Consent, ConsentId,
		EmergencyAccess, EmergencyId, EmergencyPolicy, RequestId,
	},
	health::{Action, PurposeOfUse},
};

sp_api::decl_runtime_apis! {
	/// Consent decisions and consent state.
	pub trait ConsentApi<AccountId, Balance, BlockNumber, MaxScopeRecords, MaxDelegates>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		MaxScopeRecords: sp_core::Get<u32>,
		MaxDelegates: sp_core::Get<u32>,
	{
		/// May `accessor` perform `action` for `purpose` on this data of `patient`? The answer
		/// says why: the patient, a consent, an emergency access; or which rule denied.
		fn check_access(
			patient: AccountId,
			accessor: AccountId,
			query: AccessQuery,
			action: Action,
			purpose: PurposeOfUse,
		) -> AccessDecision;

		/// A draft or active consent.
		fn consent(id: ConsentId) -> Option<Consent<AccountId, Balance, BlockNumber, MaxScopeRecords>>;

		/// Up to `limit` of `patient`'s draft and active consents, after consent `after` (the
		/// last id of the previous page) or from the beginning.
		fn patient_consents(
			patient: AccountId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, Consent<AccountId, Balance, BlockNumber, MaxScopeRecords>)>;

		/// Up to `limit` of the access requests pending for `patient`, after request `after`.
		fn patient_requests(
			patient: AccountId,
			after: Option<RequestId>,
			limit: u32,
		) -> Vec<(RequestId, AccessRequest<AccountId, Balance, BlockNumber, MaxScopeRecords>)>;

		/// The head of `patient`'s access-log hash chain.
		fn audit_head(patient: AccountId) -> AuditHead<BlockNumber>;

		/// `patient`'s emergency accesses that are active now.
		fn active_emergencies(patient: AccountId) -> Vec<(EmergencyId, EmergencyAccess<AccountId, BlockNumber>)>;

		/// `patient`'s emergency policy.
		fn emergency_policy(patient: AccountId) -> EmergencyPolicy<AccountId, MaxDelegates>;
	}
}
