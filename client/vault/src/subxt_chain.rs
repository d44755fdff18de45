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
//! - [`Chain::log_access`] first appends the full audit event of each entry ([`AuditEvent`]) to
//!   `<data-dir>/audit.jsonl`, synced, then submits `Consent.log_access(patient, entries)`
//!   signed by the vault's own key ([`VaultKey::chain_signer`]), each entry's `event_hash`
//!   being the BLAKE2-256 hash of its event's line, and waits until that is finalized.
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

/// The chain, on a medchain node.
pub struct SubxtChain {
	chain: node::Chain,
	signer: subxt_signer::sr25519::Keypair,
	account: AccountId,
	audit: Arc<Mutex<File>>,
	audit_path: PathBuf,
	/// Held from the audit append to the transaction's acceptance into the pool, so events are
	/// written in submission order; holds the nonce after the last one this vault submitted,
	/// so that transactions in flight together do not collide (see [`SubxtChain::submit`]).
	submitting: tokio::sync::Mutex<Option<u64>>,
}

impl SubxtChain {
	/// Connects to the node at `url` (e.g. `ws://127.0.0.1:9944`) and opens (or creates) the
	/// audit log in `data_dir`; transactions are signed with `key`.
	pub async fn connect(url: &str, key: &VaultKey, data_dir: &Path) -> Result<Self, String> {
		let signer = key.chain_signer().map_err(|e| e.to_string())?;
		let audit_path = data_dir.join(AUDIT_FILE);
		let audit = open_audit(&audit_path)
			.map_err(|e| format!("cannot open the audit log {}: {e}", audit_path.display()))?;
		let chain = node::Chain::connect(url)
			.await
			.map_err(|e| format!("cannot connect to the node at {url}: {e}"))?;
		Ok(Self {
			chain,
			signer,
			account: key.public(),
			audit: Arc::new(Mutex::new(audit)),
			audit_path,
			submitting: tokio::sync::Mutex::new(None),
		})
	}

	/// Submits `call` with the vault's next nonce: the larger of the finalized state's and the
	/// one after the last this vault submitted (`next`, under the submission lock). Concurrent
	/// releases each submit a `log_access` before the earlier ones are final, and the finalized
	/// state's nonce alone would repeat. After a failure the finalized state's nonce counts
	/// again, so a transaction the pool dropped leaves no gap behind.
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
	async fn finalized(&self, submitted: node::Submitted) -> Result<(), ChainError> {
		let outcome = submitted.finalized().await.map(|_| ()).map_err(unavailable);
		if outcome.is_err() {
			*self.submitting.lock().await = None;
		}
		outcome
	}

	/// The number of the latest finalized block (e.g. to check the connection at start).
	pub async fn finalized_number(&self) -> Result<u64, ChainError> {
		self.chain.finalized_number().await.map_err(unavailable)
	}

	/// Appends `lines` to the audit log and syncs it.
	async fn append_audit(&self, lines: Vec<u8>) -> Result<(), ChainError> {
		let audit = Arc::clone(&self.audit);
		let path = self.audit_path.clone();
		tokio::task::spawn_blocking(move || {
			let mut file = audit.lock().unwrap_or_else(PoisonError::into_inner);
			file.write_all(&lines)?;
			file.sync_data()
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

fn open_audit(path: &Path) -> std::io::Result<File> {
	let mut options = OpenOptions::new();
	options.append(true).create(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	options.open(path)
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
		let mut lines = Vec::new();
		let mut chain_entries = Vec::with_capacity(entries.len());
		for entry in &entries {
			let json = AuditEvent::new(&self.account, patient, entry)
				.canonical_json()
				.map_err(|e| ChainError::Unavailable(format!("audit event: {e}")))?;
			chain_entries.push(log_entry(entry, blake2_256(&json))?);
			lines.extend_from_slice(&json);
			lines.push(b'\n');
		}
		let call = node::Chain::log_access_call(patient, &chain_entries).map_err(unavailable)?;
		let submitted = {
			let mut next = self.submitting.lock().await;
			self.append_audit(lines).await?;
			self.submit(&mut next, &call).await?
		};
		self.finalized(submitted).await
	}

	async fn confirm_erasure(&self, record_id: u64) -> Result<(), ChainError> {
		let call = node::Call::new("MedicalRecords", "confirm_erasure", (record_id,));
		let submitted = {
			let mut next = self.submitting.lock().await;
			self.submit(&mut next, &call).await?
		};
		self.finalized(submitted).await
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
