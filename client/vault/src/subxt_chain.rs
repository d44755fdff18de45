//! The vault's [`Chain`] on a medchain node, through [`medchain_client::chain`] (subxt).
//!
//! - Reads run at the latest *finalized* block: a revocation takes effect from the next
//!   finalized block on, and a fork cannot resurrect a consent.
//! - [`Chain::record`] asks the `MedicalRecordsApi::record` runtime API. The category and the
//!   confidentiality are the runtime's variant names (`Summary`, `Normal`); a record whose
//!   status is `Erased`, or whose content hash is gone, is `erased`. An `ErasurePending` record
//!   is still served: the custodian erases it off-chain, then confirms.
//! - [`Chain::check_access`] asks the `ConsentApi::check_access` runtime API with
//!   `AccessQuery::Record(record_id)`, `Action::Access` and the purpose parsed by
//!   [`parse_purpose`]. The decision's reason is [`reason_text`].
//! - [`Chain::log_access`] hands the entries to the vault's committer and waits for its
//!   answer; see the group commit below.
//!
//! ## The group commit
//! Releases do not each send a transaction: one committer task takes every log waiting (up to
//! [`MAX_GROUP_ENTRIES`] entries), merges each patient's entries into one
//! `Consent.log_access(patient, entries)` (at most `MAX_LOG_BATCH` entries each, in the order the
//! releases came), appends the full audit event of each entry ([`AuditEvent`]) to
//! `<data-dir>/audit.jsonl` (one sync for the group), and submits the calls as one transaction
//! signed by the vault's own key ([`VaultKey::chain_signer`]): the `log_access` itself when
//! there is one, `Utility.force_batch` of them otherwise. Each entry's `event_hash` is the
//! BLAKE2-256 hash of its event's line. The committer does not wait for that transaction: it
//! goes on to the next group at once, with the next nonce, so a block can carry several.
//!
//! The guarantee is unchanged: a release waits until the `log_access` holding its entry is in
//! a finalized block and succeeded there (its `Utility.ItemCompleted`), and releases nothing
//! otherwise (503). A patient's call that fails in a batch fails only the releases it carries.
//! Under load this is what keeps the chain's work per read small: one transaction, one signature
//! check, one fee for all the reads of a moment, instead of one each.
//!
//! ## Deploying
//! The vault's account (printed at start, and `subkey inspect 0x<seed of vault-key.secret>`)
//! must be registered in the participants registry with a provider role
//! (`HealthcareOrganization` or `Practitioner`; governance, i.e. root, registers), or every
//! `log_access` fails with `NotLogger` and every release answers 503. It also pays the
//! transaction fees of the log: keep it funded.
//!
//! ## The off-chain audit log
//! `audit.jsonl` holds one event per line, in the order the vault submitted them, each line the
//! canonical JSON of an [`AuditEvent`]: keys in lexicographic order, no whitespace, values
//! ASCII strings without escapes, booleans and integers (RFC 8785 form). Anyone holding it
//! recomputes each entry's `event_hash` and, with the entries from the chain's `AccessLogged`
//! events, the patient's audit hash chain up to its head on chain. An event whose hash is on
//! no entry was not logged: its transaction failed, and the vault released nothing for it.

use std::{
	collections::HashMap,
	fs::{File, OpenOptions},
	io::Write,
	path::{Path, PathBuf},
	sync::{Arc, Mutex, PoisonError},
};

use async_trait::async_trait;
use medchain_client::chain::{self as node, LogEntry};
use medchain_primitives::{
	consent::{AccessDecision, AccessQuery, DenyReason, PermitBasis},
	health::{Action, PurposeOfUse, RecordCategory, RecordStatus},
};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use crate::{
	chain::{AccessLogEntry, Chain, ChainError, Decision, RecordInfo, Resource},
	encoding::{blake2_256, to_hex},
	keys::VaultKey,
	AccountId,
};

/// The file, in the data directory, of the full audit events.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// The version of [`AuditEvent`]'s shape.
pub const AUDIT_EVENT_VERSION: u32 = 1;

/// The most access-log entries one transaction of the committer carries. At about 3.6 KB of
/// proof and 0.2 ms per patient's `log_access`, 128 of them stay far inside a block's normal
/// limits, and a full group still leaves room in the block for the next.
pub const MAX_GROUP_ENTRIES: usize = 128;

/// How many releases may wait for the committer; past that, releases wait to be queued.
const QUEUE_DEPTH: usize = 1024;

/// The chain, on a medchain node.
pub struct SubxtChain {
	chain: Arc<node::Chain>,
	committer: Arc<Committer>,
	queue: mpsc::Sender<PendingLog>,
}

/// What signs and submits: the access logs' group commit and the erasure confirmations.
struct Committer {
	chain: Arc<node::Chain>,
	signer: subxt_signer::sr25519::Keypair,
	account: AccountId,
	audit: Arc<Mutex<File>>,
	audit_path: PathBuf,
	/// Held from the audit append to the transaction's acceptance into the pool, so events are
	/// written in submission order; holds the nonce after the last one this vault submitted,
	/// so that transactions in flight together do not collide (see [`Committer::submit`]).
	submitting: tokio::sync::Mutex<Option<u64>>,
}

/// One release's entries, waiting for the committer: each with its audit event's line.
struct PendingLog {
	patient: AccountId,
	entries: Vec<(Vec<u8>, LogEntry)>,
	done: oneshot::Sender<Result<(), ChainError>>,
}

impl SubxtChain {
	/// Connects to the node at `url` (e.g. `ws://127.0.0.1:9944`) and opens (or creates) the
	/// audit log in `data_dir`; transactions are signed with `key`. Starts the committer task,
	/// which ends when this is dropped.
	pub async fn connect(url: &str, key: &VaultKey, data_dir: &Path) -> Result<Self, String> {
		let signer = key.chain_signer().map_err(|e| e.to_string())?;
		let audit_path = data_dir.join(AUDIT_FILE);
		let audit = open_audit(&audit_path)
			.map_err(|e| format!("cannot open the audit log {}: {e}", audit_path.display()))?;
		let chain = Arc::new(
			node::Chain::connect(url)
				.await
				.map_err(|e| format!("cannot connect to the node at {url}: {e}"))?,
		);
		let committer = Arc::new(Committer {
			chain: Arc::clone(&chain),
			signer,
			account: key.public(),
			audit: Arc::new(Mutex::new(audit)),
			audit_path,
			submitting: tokio::sync::Mutex::new(None),
		});
		let (queue, waiting) = mpsc::channel(QUEUE_DEPTH);
		tokio::spawn(commit_logs(Arc::clone(&committer), waiting));
		Ok(Self { chain, committer, queue })
	}

	/// The number of the latest finalized block (e.g. to check the connection at start).
	pub async fn finalized_number(&self) -> Result<u64, ChainError> {
		self.chain.finalized_number().await.map_err(unavailable)
	}
}

/// The committer's loop: one group of waiting logs at a time, until the vault drops its queue.
async fn commit_logs(committer: Arc<Committer>, mut waiting: mpsc::Receiver<PendingLog>) {
	let mut carried: Option<PendingLog> = None;
	loop {
		let first = match carried.take() {
			Some(log) => log,
			None => match waiting.recv().await {
				Some(log) => log,
				None => return,
			},
		};
		let mut entries = first.entries.len();
		let mut group = vec![first];
		while let Ok(log) = waiting.try_recv() {
			if entries.saturating_add(log.entries.len()) > MAX_GROUP_ENTRIES {
				carried = Some(log);
				break;
			}
			entries = entries.saturating_add(log.entries.len());
			group.push(log);
		}
		committer.commit(group).await;
	}
}

/// The `log_access` calls of a group: each patient's entries merged in the order they came, at
/// most `MAX_LOG_BATCH` per call, and for each log of the group the calls holding its entries.
#[derive(Debug, PartialEq)]
struct GroupPlan {
	calls: Vec<PlannedCall>,
	calls_of: Vec<Vec<usize>>,
}

#[derive(Debug, PartialEq)]
struct PlannedCall {
	patient: AccountId,
	entries: Vec<LogEntry>,
	lines: Vec<u8>,
}

impl GroupPlan {
	fn of<'a>(logs: impl IntoIterator<Item = (&'a AccountId, &'a [(Vec<u8>, LogEntry)])>) -> Self {
		let mut calls: Vec<PlannedCall> = Vec::new();
		let mut calls_of = Vec::new();
		let mut open: HashMap<AccountId, usize> = HashMap::new();
		for (patient, entries) in logs {
			let mut holding: Vec<usize> = Vec::new();
			for (line, entry) in entries {
				let index = match open.get(patient) {
					Some(&index) if calls[index].entries.len() < node::MAX_LOG_BATCH => index,
					_ => {
						calls.push(PlannedCall {
							patient: *patient,
							entries: Vec::new(),
							lines: Vec::new(),
						});
						let index = calls.len().saturating_sub(1);
						open.insert(*patient, index);
						index
					},
				};
				let call = &mut calls[index];
				call.entries.push(entry.clone());
				call.lines.extend_from_slice(line);
				call.lines.push(b'\n');
				if !holding.contains(&index) {
					holding.push(index);
				}
			}
			calls_of.push(holding);
		}
		Self { calls, calls_of }
	}
}

impl Committer {
	/// Submits one transaction for `group` and, without waiting for it, leaves a task that
	/// answers each log once the transaction is finalized.
	async fn commit(self: &Arc<Self>, group: Vec<PendingLog>) {
		let plan = GroupPlan::of(group.iter().map(|log| (&log.patient, &log.entries[..])));
		let (submitted, calls) = match self.submit_plan(&plan).await {
			Ok(submitted) => submitted,
			Err(error) => {
				for log in group {
					let _ = log.done.send(Err(error.clone()));
				}
				return;
			},
		};
		let committer = Arc::clone(self);
		tokio::spawn(async move {
			let outcomes = call_outcomes(committer.finalized(submitted).await, calls);
			for (log, holding) in group.into_iter().zip(plan.calls_of) {
				let outcome = holding
					.iter()
					.map(|&index| outcomes.get(index).cloned().unwrap_or_else(|| Err(missing())))
					.find(Result::is_err)
					.unwrap_or(Ok(()));
				let _ = log.done.send(outcome);
			}
		});
	}

	/// Writes the plan's audit events and submits its calls as one transaction: the
	/// transaction, and how many calls it carries.
	async fn submit_plan(&self, plan: &GroupPlan) -> Result<(node::Submitted, usize), ChainError> {
		let mut calls = Vec::with_capacity(plan.calls.len());
		let mut lines = Vec::new();
		for call in &plan.calls {
			calls.push(node::Chain::log_access_call(&call.patient, &call.entries).map_err(unavailable)?);
			lines.extend_from_slice(&call.lines);
		}
		let count = calls.len();
		let call = match count {
			1 => calls.pop().ok_or_else(missing)?,
			_ => self.chain.force_batch_call(&calls).await.map_err(unavailable)?,
		};
		let mut next = self.submitting.lock().await;
		self.append_audit(lines).await?;
		Ok((self.submit(&mut next, &call).await?, count))
	}

	/// Submits `call` with the vault's next nonce: the larger of the finalized state's and the
	/// one after the last this vault submitted (`next`, under the submission lock). The
	/// committer submits its next group before the last is final, and the finalized state's
	/// nonce alone would repeat. After a failure the finalized state's nonce counts again, so a
	/// transaction the pool dropped leaves no gap behind.
	async fn submit(&self, next: &mut Option<u64>, call: &node::Call) -> Result<node::Submitted, ChainError> {
		let finalized = self.chain.account_nonce(&self.account).await.map_err(unavailable)?;
		let nonce = next.map_or(finalized, |local| local.max(finalized));
		match self.chain.submit_watched_with_nonce(call, &self.signer, nonce).await {
			Ok(submitted) => {
				*next = Some(nonce.saturating_add(1));
				Ok(submitted)
			},
			Err(error) => {
				*next = None;
				Err(unavailable(error))
			},
		}
	}

	/// Waits until `submitted` is finalized; on failure the next submission starts again from
	/// the finalized state's nonce.
	async fn finalized(&self, submitted: node::Submitted) -> Result<node::Finalized, ChainError> {
		let outcome = submitted.finalized().await.map_err(unavailable);
		if outcome.is_err() {
			*self.submitting.lock().await = None;
		}
		outcome
	}

	/// Appends `lines` to the audit log and syncs it.
	async fn append_audit(&self, lines: Vec<u8>) -> Result<(), ChainError> {
		let audit = Arc::clone(&self.audit);
		let path = self.audit_path.clone();
		tokio::task::spawn_blocking(move || {
			let mut file = audit.lock().unwrap_or_else(PoisonError::into_inner);
			let length = file.metadata()?.len();
			let appended = file.write_all(&lines).and_then(|()| file.sync_data());
			if appended.is_err() {
				// No half line for the next group to continue: these events were not submitted.
				let _ = file.set_len(length);
			}
			appended
		})
		.await
		.map_err(|e| ChainError::Unavailable(format!("the audit log task failed: {e}")))?
		.map_err(|e| {
			ChainError::Unavailable(format!(
				"the audit log {} is not writable: {e}",
				path.display()
			))
		})
	}
}

/// The outcome of each of the `calls` calls of a group's transaction, from its finalization:
/// a lone `log_access` succeeded if its transaction did; the calls of a batch each by their
/// item's event.
fn call_outcomes(
	finalized: Result<node::Finalized, ChainError>,
	calls: usize,
) -> Vec<Result<(), ChainError>> {
	let outcomes = finalized.and_then(|finalized| match calls {
		1 => Ok(vec![Ok(())]),
		_ => node::batch_outcomes(&finalized.events, calls).map_err(unavailable),
	});
	match outcomes {
		Ok(outcomes) => outcomes
			.into_iter()
			.map(|outcome| {
				outcome.map_err(|failure| {
					ChainError::Unavailable(format!("the access log call failed: {failure}"))
				})
			})
			.collect(),
		Err(error) => vec![Err(error); calls],
	}
}

/// A log the committer lost track of: defensive, a plan always covers its group.
fn missing() -> ChainError {
	ChainError::Unavailable("the access log was not submitted".into())
}

/// Opens the audit log for appending. A process killed while appending may have left a last
/// line without its newline: its group was never submitted (submission follows the sync), so
/// that partial line is cut off rather than continued by the next event.
fn open_audit(path: &Path) -> std::io::Result<File> {
	let mut options = OpenOptions::new();
	options.read(true).append(true).create(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let file = options.open(path)?;
	let whole = whole_lines_length(&std::fs::read(path)?);
	if whole < file.metadata()?.len() {
		file.set_len(whole)?;
		file.sync_data()?;
	}
	Ok(file)
}

/// The length of `log` up to and with its last newline.
fn whole_lines_length(log: &[u8]) -> u64 {
	log.iter().rposition(|&byte| byte == b'\n').map_or(0, |last| last as u64 + 1)
}

fn unavailable(error: node::ChainError) -> ChainError {
	ChainError::Unavailable(error.to_string())
}

/// The full audit event of one access, as kept in `audit.jsonl`. Its fields are declared in
/// lexicographic order: serialized as they are, they give the canonical JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
	/// Who accessed, or tried to (`0x` hex).
	pub accessor: String,
	/// Always `Access`.
	pub action: String,
	/// When, Unix seconds.
	pub at: u64,
	/// The record's category (variant name).
	pub category: String,
	/// The chain's reason ([`reason_text`]).
	pub decision: String,
	/// The patient (`0x` hex).
	pub patient: String,
	/// Whether the access was permitted.
	pub permitted: bool,
	/// The purpose (variant name).
	pub purpose: String,
	/// The record id, decimal (a string: ids may exceed JSON's exact integers).
	pub record: String,
	/// `record` or `envelope`.
	pub resource: String,
	/// [`AUDIT_EVENT_VERSION`].
	pub v: u32,
	/// The vault that logged it (`0x` hex): the signer of the `log_access`.
	pub vault: String,
}

impl AuditEvent {
	/// The event of `entry`, logged by `vault` for `patient`.
	pub fn new(vault: &AccountId, patient: &AccountId, entry: &AccessLogEntry) -> Self {
		Self {
			accessor: to_hex(&entry.accessor),
			action: entry.action.clone(),
			at: entry.at,
			category: entry.category.clone(),
			decision: entry.reason.clone(),
			patient: to_hex(patient),
			permitted: entry.permitted,
			purpose: entry.purpose.clone(),
			record: entry.record_id.to_string(),
			resource: match entry.resource {
				Resource::Record => "record",
				Resource::Envelope => "envelope",
			}
			.to_owned(),
			v: AUDIT_EVENT_VERSION,
			vault: to_hex(vault),
		}
	}

	/// Its canonical JSON: the line of `audit.jsonl`, without the newline.
	pub fn canonical_json(&self) -> Result<Vec<u8>, serde_json::Error> {
		serde_json::to_vec(self)
	}
}

/// The purpose of use named by the protocol's `purpose` text: exactly a variant name of the
/// chain's `PurposeOfUse` (`Treatment`, `EmergencyTreatment`, `Payment`, `Operations`,
/// `Research`, `PublicHealth`, `PatientRequest`).
pub fn parse_purpose(text: &str) -> Option<PurposeOfUse> {
	by_name(PurposeOfUse::ALL, text)
}

fn by_name<T: std::fmt::Debug + Copy>(all: &[T], text: &str) -> Option<T> {
	all.iter().copied().find(|value| format!("{value:?}") == text)
}

/// The reason of a decision, as the vault reports it: the basis of a permit (`Patient`,
/// `Consent(3)`, `Emergency(1)`) or the reason of a denial (`DeniedByConsent(2)`,
/// `NoMatchingConsent`, `NotAuthorized`, `UnknownRecord`, `EmergencyRefusedByPolicy(1)`).
pub fn reason_text(decision: &AccessDecision) -> String {
	match decision {
		AccessDecision::Permit(PermitBasis::Patient) => "Patient".into(),
		AccessDecision::Permit(PermitBasis::Consent(id)) => format!("Consent({id})"),
		AccessDecision::Permit(PermitBasis::Emergency(id)) => format!("Emergency({id})"),
		AccessDecision::Deny(DenyReason::DeniedByConsent(id)) => format!("DeniedByConsent({id})"),
		AccessDecision::Deny(DenyReason::NoMatchingConsent) => "NoMatchingConsent".into(),
		AccessDecision::Deny(DenyReason::NotAuthorized) => "NotAuthorized".into(),
		AccessDecision::Deny(DenyReason::UnknownRecord) => "UnknownRecord".into(),
		AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(id)) => {
			format!("EmergencyRefusedByPolicy({id})")
		},
	}
}

/// The decision [`reason_text`] and `permitted` describe.
pub fn parse_decision(permitted: bool, reason: &str) -> Option<AccessDecision> {
	let (name, id) = match reason.strip_suffix(')').and_then(|r| r.split_once('(')) {
		Some((name, id)) => (name, Some(id.parse::<u64>().ok()?)),
		None => (reason, None),
	};
	let decision = match (permitted, name, id) {
		(true, "Patient", None) => AccessDecision::Permit(PermitBasis::Patient),
		(true, "Consent", Some(id)) => AccessDecision::Permit(PermitBasis::Consent(id)),
		(true, "Emergency", Some(id)) => AccessDecision::Permit(PermitBasis::Emergency(id)),
		(false, "DeniedByConsent", Some(id)) => {
			AccessDecision::Deny(DenyReason::DeniedByConsent(id))
		},
		(false, "NoMatchingConsent", None) => AccessDecision::Deny(DenyReason::NoMatchingConsent),
		(false, "NotAuthorized", None) => AccessDecision::Deny(DenyReason::NotAuthorized),
		(false, "UnknownRecord", None) => AccessDecision::Deny(DenyReason::UnknownRecord),
		(false, "EmergencyRefusedByPolicy", Some(id)) => {
			AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(id))
		},
		_ => return None,
	};
	Some(decision)
}

/// The chain's log entry of `entry`, whose full event hashes to `event_hash`.
fn log_entry(entry: &AccessLogEntry, event_hash: [u8; 32]) -> Result<LogEntry, ChainError> {
	let malformed =
		|what: &str| ChainError::Unavailable(format!("cannot log an access with this {what}"));
	Ok(LogEntry {
		accessor: entry.accessor,
		record: Some(entry.record_id),
		category: by_name(RecordCategory::ALL, &entry.category)
			.ok_or_else(|| malformed("category"))?,
		action: by_name(Action::ALL, &entry.action).ok_or_else(|| malformed("action"))?,
		purpose: parse_purpose(&entry.purpose)
			.ok_or_else(|| ChainError::BadPurpose(entry.purpose.clone()))?,
		decision: parse_decision(entry.permitted, &entry.reason)
			.ok_or_else(|| malformed("decision"))?,
		event_hash: event_hash.into(),
	})
}

#[async_trait]
impl Chain for SubxtChain {
	async fn record(&self, record_id: u64) -> Result<Option<RecordInfo>, ChainError> {
		let Some(record) = self.chain.record(record_id).await.map_err(unavailable)? else {
			return Ok(None);
		};
		let erased = record.status == RecordStatus::Erased || record.content_hash.is_none();
		Ok(Some(RecordInfo {
			subject: record.subject,
			custodian: record.custodian,
			content_hash: record.content_hash.map_or([0; 32], |hash| hash.0),
			category: format!("{:?}", record.category),
			confidentiality: format!("{:?}", record.confidentiality),
			created: record.created,
			erased,
			erasure_requested: record.status.is_erasure_requested(),
		}))
	}

	async fn check_access(
		&self,
		patient: &AccountId,
		accessor: &AccountId,
		record_id: u64,
		purpose: &str,
	) -> Result<Decision, ChainError> {
		let purpose =
			parse_purpose(purpose).ok_or_else(|| ChainError::BadPurpose(purpose.to_owned()))?;
		let decision = self
			.chain
			.check_access(
				patient,
				accessor,
				AccessQuery::Record(record_id),
				Action::Access,
				purpose,
			)
			.await
			.map_err(unavailable)?;
		Ok(Decision { permitted: decision.is_permit(), reason: reason_text(&decision) })
	}

	async fn log_access(
		&self,
		patient: &AccountId,
		entries: Vec<AccessLogEntry>,
	) -> Result<(), ChainError> {
		if entries.is_empty() || entries.len() > MAX_GROUP_ENTRIES {
			return Err(ChainError::Unavailable(format!(
				"an access log holds 1 to {MAX_GROUP_ENTRIES} entries, not {}",
				entries.len()
			)));
		}
		let mut prepared = Vec::with_capacity(entries.len());
		for entry in &entries {
			let json = AuditEvent::new(&self.committer.account, patient, entry)
				.canonical_json()
				.map_err(|e| ChainError::Unavailable(format!("audit event: {e}")))?;
			let logged = log_entry(entry, blake2_256(&json))?;
			prepared.push((json, logged));
		}
		let (done, answer) = oneshot::channel();
		let stopped = || ChainError::Unavailable("the vault's committer has stopped".into());
		self.queue
			.send(PendingLog { patient: *patient, entries: prepared, done })
			.await
			.map_err(|_| stopped())?;
		answer.await.map_err(|_| stopped())?
	}

	async fn confirm_erasure(&self, record_id: u64) -> Result<(), ChainError> {
		let call = node::Call::new("MedicalRecords", "confirm_erasure", (record_id,));
		let submitted = {
			let mut next = self.committer.submitting.lock().await;
			self.committer.submit(&mut next, &call).await?
		};
		self.committer.finalized(submitted).await.map(|_| ())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn purposes_are_the_chain_s_variant_names() {
		assert_eq!(parse_purpose("Treatment"), Some(PurposeOfUse::Treatment));
		assert_eq!(parse_purpose("PatientRequest"), Some(PurposeOfUse::PatientRequest));
		assert_eq!(parse_purpose("TREAT"), None);
		assert_eq!(parse_purpose("treatment"), None);
		for purpose in PurposeOfUse::ALL {
			assert_eq!(parse_purpose(&format!("{purpose:?}")), Some(*purpose));
		}
	}

	#[test]
	fn reasons_round_trip() {
		let decisions = [
			AccessDecision::Permit(PermitBasis::Patient),
			AccessDecision::Permit(PermitBasis::Consent(3)),
			AccessDecision::Permit(PermitBasis::Emergency(u64::MAX)),
			AccessDecision::Deny(DenyReason::DeniedByConsent(0)),
			AccessDecision::Deny(DenyReason::NoMatchingConsent),
			AccessDecision::Deny(DenyReason::NotAuthorized),
			AccessDecision::Deny(DenyReason::UnknownRecord),
			AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(9)),
		];
		for decision in decisions {
			let text = reason_text(&decision);
			assert_eq!(parse_decision(decision.is_permit(), &text), Some(decision), "{text}");
			assert_eq!(parse_decision(!decision.is_permit(), &text), None, "{text}");
		}
		assert_eq!(reason_text(&decisions[1]), "Consent(3)");
		assert_eq!(parse_decision(true, "Consent"), None);
		assert_eq!(parse_decision(true, "Consent(x)"), None);
		assert_eq!(parse_decision(true, "Patient(1)"), None);
	}

	#[test]
	fn a_partial_last_audit_line_is_cut_off_when_the_log_is_opened() {
		assert_eq!(whole_lines_length(b""), 0);
		assert_eq!(whole_lines_length(b"{\"a\":1}\n{\"b"), 8);
		assert_eq!(whole_lines_length(b"{\"a\":1}\n"), 8);
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join(AUDIT_FILE);
		std::fs::write(&path, b"{\"a\":1}\n{\"b\":").unwrap();
		let mut file = open_audit(&path).unwrap();
		file.write_all(b"{\"c\":3}\n").unwrap();
		assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}\n{\"c\":3}\n".to_vec());
	}

	/// A prepared entry of `accessor` for the group plan, its line naming it.
	fn prepared(accessor: u8) -> (Vec<u8>, LogEntry) {
		let entry = AccessLogEntry {
			accessor: [accessor; 32],
			record_id: u64::from(accessor),
			category: "Summary".into(),
			action: "Access".into(),
			purpose: "Treatment".into(),
			resource: Resource::Record,
			permitted: true,
			reason: "Patient".into(),
			at: 0,
		};
		(vec![accessor], log_entry(&entry, [accessor; 32]).unwrap())
	}

	#[test]
	fn a_group_merges_each_patient_s_entries_in_order() {
		let (alice, bob) = ([1; 32], [2; 32]);
		let logs = [(alice, vec![prepared(10)]), (bob, vec![prepared(20)]), (alice, vec![prepared(11), prepared(12)])];
		let plan = GroupPlan::of(logs.iter().map(|(patient, entries)| (patient, &entries[..])));
		assert_eq!(plan.calls.len(), 2, "one call per patient");
		assert_eq!(plan.calls[0].patient, alice);
		let accessors: Vec<u8> = plan.calls[0].entries.iter().map(|entry| entry.accessor[0]).collect();
		assert_eq!(accessors, [10, 11, 12], "in the order the releases came");
		assert_eq!(plan.calls[0].lines, b"\x0a\n\x0b\n\x0c\n".to_vec(), "one audit line per entry, same order");
		assert_eq!(plan.calls[1].patient, bob);
		assert_eq!(plan.calls_of, vec![vec![0], vec![1], vec![0]]);
	}

	#[test]
	fn a_patient_s_entries_beyond_a_log_batch_go_into_another_call() {
		let patient = [1; 32];
		let mut logs: Vec<(AccountId, Vec<(Vec<u8>, LogEntry)>)> =
			(0..node::MAX_LOG_BATCH - 1).map(|_| (patient, vec![prepared(1)])).collect();
		logs.push((patient, vec![prepared(2), prepared(3)]));
		logs.push((patient, vec![prepared(4)]));
		let plan = GroupPlan::of(logs.iter().map(|(patient, entries)| (patient, &entries[..])));
		assert_eq!(plan.calls.len(), 2);
		assert_eq!(plan.calls[0].entries.len(), node::MAX_LOG_BATCH);
		assert_eq!(plan.calls[1].entries.len(), 2);
		let last = plan.calls_of.len() - 1;
		assert_eq!(plan.calls_of[last - 1], vec![0, 1], "a log split across two calls waits for both");
		assert_eq!(plan.calls_of[last], vec![1]);
		assert!(plan.calls.iter().all(|call| node::Chain::log_access_call(&call.patient, &call.entries).is_ok()));
	}

	#[test]
	fn audit_events_are_canonical_json() {
		let entry = AccessLogEntry {
			accessor: [1; 32],
			record_id: 7,
			category: "Summary".into(),
			action: "Access".into(),
			purpose: "Treatment".into(),
			resource: Resource::Envelope,
			permitted: true,
			reason: "Consent(3)".into(),
			at: 1_700_000_000,
		};
		let json = AuditEvent::new(&[3; 32], &[2; 32], &entry).canonical_json().unwrap();
		let text = String::from_utf8(json.clone()).unwrap();
		let keys = [
			"accessor",
			"action",
			"at",
			"category",
			"decision",
			"patient",
			"permitted",
			"purpose",
			"record",
			"resource",
			"v",
			"vault",
		];
		let positions: Vec<usize> =
			keys.iter().map(|key| text.find(&format!("\"{key}\":")).unwrap()).collect();
		assert!(positions.windows(2).all(|w| w[0] < w[1]), "keys in lexicographic order");
		assert_eq!(text.matches("\":").count(), keys.len(), "no other key");
		assert!(!text.contains(' ') && !text.contains('\n'));
		assert!(text.starts_with(&format!("{{\"accessor\":\"{}\"", to_hex(&[1; 32]))));
		assert!(text.contains("\"record\":\"7\"") && text.contains("\"resource\":\"envelope\""));

		let logged = log_entry(&entry, blake2_256(&json)).unwrap();
		assert_eq!(logged.record, Some(7));
		assert_eq!(logged.purpose, PurposeOfUse::Treatment);
		assert_eq!(logged.category, RecordCategory::Summary);
		assert_eq!(logged.decision, AccessDecision::Permit(PermitBasis::Consent(3)));
		assert_eq!(logged.event_hash.0, blake2_256(&json));
	}
}
