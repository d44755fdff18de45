//! What the vault asks the chain: a record's pointer, the consent decision for a caller, and
//! the writing of the patient's access log.
//!
//! [`Chain`] is the seam. The implementations are
//! [`SubxtChain`](crate::subxt_chain::SubxtChain) (a medchain node, through subxt, reading at
//! the latest finalized block) and [`FakeChain`] (in memory, for tests). What an
//! implementation must do, so that the rest of the vault needs no change:
//! - read at the latest *finalized* block (a revocation then takes effect from the next
//!   finalized block on, and a fork cannot resurrect a consent);
//! - [`Chain::record`]: the record's pointer; an erased record is `erased: true`, an
//!   `ErasurePending` one is still served (the custodian erases it off-chain, then confirms);
//! - [`Chain::check_access`]: the consent decision for `Action::Access` on the record, the
//!   purpose being a variant name of the chain's `PurposeOfUse` (`Treatment`, ...; anything
//!   else is [`ChainError::BadPurpose`]); the decision's basis or deny reason becomes
//!   [`Decision::reason`];
//! - [`Chain::log_access`]: the entries appended to the patient's access log on chain, signed
//!   by the vault's account, before it returns;
//! - [`Chain::confirm_erasure`]: `MedicalRecords.confirm_erasure(record_id)` signed by the
//!   vault's account (when the vault is the record's custodian), finalized before it returns;
//! - a node that cannot be reached, or a transaction that is not included, is
//!   [`ChainError::Unavailable`]: the vault then releases nothing (503).

use std::{
	collections::{HashMap, HashSet},
	sync::{Mutex, MutexGuard, PoisonError},
};

use async_trait::async_trait;

use crate::{AccountId, Hash};

/// What the vault needs to know about a record on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordInfo {
	/// The patient.
	pub subject: AccountId,
	/// Who holds the ciphertext.
	pub custodian: AccountId,
	/// The BLAKE2-256 hash of the ciphertext (all zero once erased).
	pub content_hash: Hash,
	/// The coarse category (e.g. `Summary`).
	pub category: String,
	/// The confidentiality label (e.g. `Normal`).
	pub confidentiality: String,
	/// The block the record was created in.
	pub created: u32,
	/// Whether the record is erased on chain (a tombstone).
	pub erased: bool,
	/// Whether the patient has requested its erasure on chain (`ErasurePending`).
	pub erasure_requested: bool,
}

/// The chain's answer to "may this caller access this record for this purpose?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
	/// Whether the access may go ahead.
	pub permitted: bool,
	/// Why: the basis of a permit (e.g. `Patient`, `Consent(3)`) or the rule that denied (e.g.
	/// `NoMatchingConsent`).
	pub reason: String,
}

/// What was released, or would have been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
	/// The sealed record.
	Record,
	/// The caller's key envelope of the record.
	Envelope,
}

/// One access (allowed or denied) as the vault reports it for the patient's access log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLogEntry {
	/// Who accessed, or tried to.
	pub accessor: AccountId,
	/// The record.
	pub record_id: u64,
	/// Its category, as the chain gave it.
	pub category: String,
	/// The action: always `Access` for the vault's releases.
	pub action: String,
	/// The purpose the caller gave.
	pub purpose: String,
	/// What the caller asked for.
	pub resource: Resource,
	/// Whether the access was permitted.
	pub permitted: bool,
	/// The chain's reason.
	pub reason: String,
	/// When, Unix seconds.
	pub at: u64,
}

/// Why a chain call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
	/// The node could not be reached or did not answer in time, or a submitted transaction was
	/// not included.
	#[error("chain unavailable: {0}")]
	Unavailable(String),
	/// The purpose is not one the chain knows.
	#[error("unknown purpose of use: {0}")]
	BadPurpose(String),
}

/// The chain, as the vault uses it.
#[async_trait]
pub trait Chain: Send + Sync + 'static {
	/// The record `record_id`, if it exists.
	async fn record(&self, record_id: u64) -> Result<Option<RecordInfo>, ChainError>;

	/// The consent decision for `accessor` to `Access` `patient`'s record `record_id` for
	/// `purpose`, at the latest finalized block.
	async fn check_access(
		&self,
		patient: &AccountId,
		accessor: &AccountId,
		record_id: u64,
		purpose: &str,
	) -> Result<Decision, ChainError>;

	/// Appends `entries` to `patient`'s access log. Returns once the log is written (or has
	/// failed): the vault releases nothing it could not log.
	async fn log_access(
		&self,
		patient: &AccountId,
		entries: Vec<AccessLogEntry>,
	) -> Result<(), ChainError>;

	/// Confirms on chain, as the record's custodian, that record `record_id` is erased (after
	/// the patient's request). Returns once that is finalized.
	async fn confirm_erasure(&self, record_id: u64) -> Result<(), ChainError>;
}

/// An in-memory chain for tests: records, permits and a log, all set by the test.
///
/// Its rule mirrors the chain's: the patient may always access their own records; anyone else
/// needs a permit ([`FakeChain::permit`]) for that record, which [`FakeChain::revoke`] removes.
/// Purposes are not checked, except that [`FakeChain::reject_purpose`] makes one unknown.
#[derive(Debug, Default)]
pub struct FakeChain {
	state: Mutex<FakeState>,
}

#[derive(Debug, Default)]
struct FakeState {
	records: HashMap<u64, RecordInfo>,
	permits: HashSet<(AccountId, u64)>,
	unknown_purposes: HashSet<String>,
	unreachable: bool,
	log_fails: bool,
	log: Vec<(AccountId, AccessLogEntry)>,
	confirmed: Vec<u64>,
}

impl FakeChain {
	/// An empty chain.
	pub fn new() -> Self {
		Self::default()
	}

	fn state(&self) -> MutexGuard<'_, FakeState> {
		self.state.lock().unwrap_or_else(PoisonError::into_inner)
	}

	/// Adds (or replaces) a record.
	pub fn add_record(&self, record_id: u64, record: RecordInfo) {
		self.state().records.insert(record_id, record);
	}

	/// Marks a record erased (the custodian confirmed the erasure).
	pub fn erase_record(&self, record_id: u64) {
		if let Some(record) = self.state().records.get_mut(&record_id) {
			record.erased = true;
			record.content_hash = [0; 32];
		}
	}

	/// The patient requests the erasure of `record_id` (it becomes `ErasurePending`).
	pub fn request_erasure(&self, record_id: u64) {
		if let Some(record) = self.state().records.get_mut(&record_id) {
			record.erasure_requested = true;
		}
	}

	/// The records whose erasure the vault confirmed, in order.
	pub fn confirmed_erasures(&self) -> Vec<u64> {
		self.state().confirmed.clone()
	}

	/// Lets `accessor` access `record_id` (any purpose).
	pub fn permit(&self, accessor: AccountId, record_id: u64) {
		self.state().permits.insert((accessor, record_id));
	}

	/// Takes that permission back (a revoked consent, as of the next finalized block).
	pub fn revoke(&self, accessor: AccountId, record_id: u64) {
		self.state().permits.remove(&(accessor, record_id));
	}

	/// Makes `purpose` unknown to the chain.
	pub fn reject_purpose(&self, purpose: &str) {
		self.state().unknown_purposes.insert(purpose.to_owned());
	}

	/// Makes every call fail as if the node were down (or up again).
	pub fn set_unreachable(&self, unreachable: bool) {
		self.state().unreachable = unreachable;
	}

	/// Makes only [`Chain::log_access`] fail (reads still work), or work again.
	pub fn set_log_fails(&self, fails: bool) {
		self.state().log_fails = fails;
	}

	/// Everything logged so far, with the patient each entry was logged for.
	pub fn logged(&self) -> Vec<(AccountId, AccessLogEntry)> {
		self.state().log.clone()
	}

	fn reachable(state: &FakeState) -> Result<(), ChainError> {
		if state.unreachable {
			Err(ChainError::Unavailable("the fake chain is set unreachable".into()))
		} else {
			Ok(())
		}
	}
}

#[async_trait]
impl Chain for FakeChain {
	async fn record(&self, record_id: u64) -> Result<Option<RecordInfo>, ChainError> {
		let state = self.state();
		Self::reachable(&state)?;
		Ok(state.records.get(&record_id).cloned())
	}

	async fn check_access(
		&self,
		patient: &AccountId,
		accessor: &AccountId,
		record_id: u64,
		purpose: &str,
	) -> Result<Decision, ChainError> {
		let state = self.state();
		Self::reachable(&state)?;
		if state.unknown_purposes.contains(purpose) {
			return Err(ChainError::BadPurpose(purpose.to_owned()));
		}
		let decision = if patient == accessor {
			Decision { permitted: true, reason: "Patient".into() }
		} else if state.permits.contains(&(*accessor, record_id)) {
			Decision { permitted: true, reason: "Consent".into() }
		} else {
			Decision { permitted: false, reason: "NoMatchingConsent".into() }
		};
		Ok(decision)
	}

	async fn log_access(
		&self,
		patient: &AccountId,
		entries: Vec<AccessLogEntry>,
	) -> Result<(), ChainError> {
		let mut state = self.state();
		Self::reachable(&state)?;
		if state.log_fails {
			return Err(ChainError::Unavailable(
				"the access log transaction was not included".into(),
			));
		}
		state.log.extend(entries.into_iter().map(|entry| (*patient, entry)));
		Ok(())
	}

	async fn confirm_erasure(&self, record_id: u64) -> Result<(), ChainError> {
		let mut state = self.state();
		Self::reachable(&state)?;
		let record = state
			.records
			.get_mut(&record_id)
			.filter(|record| record.erasure_requested && !record.erased)
			.ok_or_else(|| ChainError::Unavailable("confirm_erasure failed: not pending".into()))?;
		record.erased = true;
		record.content_hash = [0; 32];
		state.confirmed.push(record_id);
		Ok(())
	}
}
