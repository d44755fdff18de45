//! What a command prints and how it exits: one JSON object per command with `--json`, or lines
//! for people; failures as an error object (or a sentence on stderr) and an exit code per kind
//! of failure.

use serde_json::{json, Map, Value};

use crate::{
	chain::{ChainError, ChainEvent, Finalized},
	vault_client::VaultError,
	Error,
};

/// Exit code of a command that did what was asked.
pub const EXIT_OK: i32 = 0;
/// Exit code of a failure not covered below.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code of bad arguments (also clap's).
pub const EXIT_USAGE: i32 = 2;
/// Exit code of keystore trouble: unknown identity, wrong passphrase, unreadable keystore.
pub const EXIT_KEYSTORE: i32 = 3;
/// Exit code of a vault that cannot be reached or refused a request (other than a denial).
pub const EXIT_VAULT: i32 = 4;
/// Exit code of a chain that cannot be reached, or a transaction that failed.
pub const EXIT_CHAIN: i32 = 5;
/// Exit code of an access the chain's consent check denies (also `consent check` answering
/// Deny).
pub const EXIT_DENIED: i32 = 6;
/// Exit code of data that fails its integrity checks: content hash mismatch, an envelope or a
/// record that does not open.
pub const EXIT_INTEGRITY: i32 = 7;
/// Exit code of a local file that cannot be read or written.
pub const EXIT_IO: i32 = 8;

/// The kind of a failure, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
	/// See [`EXIT_FAILURE`].
	Failure,
	/// See [`EXIT_USAGE`].
	Usage,
	/// See [`EXIT_KEYSTORE`].
	Keystore,
	/// See [`EXIT_VAULT`].
	Vault,
	/// See [`EXIT_CHAIN`].
	Chain,
	/// See [`EXIT_DENIED`].
	Denied,
	/// See [`EXIT_INTEGRITY`].
	Integrity,
	/// See [`EXIT_IO`].
	Io,
}

impl ErrorKind {
	/// The process exit code.
	pub fn exit_code(self) -> i32 {
		match self {
			ErrorKind::Failure => EXIT_FAILURE,
			ErrorKind::Usage => EXIT_USAGE,
			ErrorKind::Keystore => EXIT_KEYSTORE,
			ErrorKind::Vault => EXIT_VAULT,
			ErrorKind::Chain => EXIT_CHAIN,
			ErrorKind::Denied => EXIT_DENIED,
			ErrorKind::Integrity => EXIT_INTEGRITY,
			ErrorKind::Io => EXIT_IO,
		}
	}

	/// The stable name in JSON error objects.
	pub fn name(self) -> &'static str {
		match self {
			ErrorKind::Failure => "failure",
			ErrorKind::Usage => "usage",
			ErrorKind::Keystore => "keystore",
			ErrorKind::Vault => "vault",
			ErrorKind::Chain => "chain",
			ErrorKind::Denied => "denied",
			ErrorKind::Integrity => "integrity",
			ErrorKind::Io => "io",
		}
	}
}

/// A failed command: its kind and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
	/// What kind of failure.
	pub kind: ErrorKind,
	/// What went wrong.
	pub message: String,
}

impl CliError {
	/// A failure of `kind`.
	pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
		Self { kind, message: message.into() }
	}

	/// Bad arguments.
	pub fn usage(message: impl Into<String>) -> Self {
		Self::new(ErrorKind::Usage, message)
	}

	/// The same failure with `context` in front of its sentence.
	pub fn context(mut self, context: &str) -> Self {
		self.message = format!("{context}: {}", self.message);
		self
	}
}

impl From<Error> for CliError {
	fn from(error: Error) -> Self {
		let kind = match &error {
			Error::WrongPassphrase
			| Error::EmptyPassphrase
			| Error::KeystoreCorrupt { .. }
			| Error::KeystoreVersion { .. }
			| Error::UnknownIdentity(_)
			| Error::IdentityExists(_)
			| Error::InvalidName { .. }
			| Error::KdfParams(_) => ErrorKind::Keystore,
			Error::InvalidMnemonic(_) | Error::InvalidPseudonymPath { .. } => ErrorKind::Usage,
			Error::Io { .. } => ErrorKind::Io,
			Error::HashMismatch(_)
			| Error::MalformedRecord(_)
			| Error::UnsupportedRecordVersion(_)
			| Error::RecordDecryption
			| Error::MalformedEnvelope(_)
			| Error::UnsupportedEnvelopeVersion(_)
			| Error::EnvelopeWrongRecord { .. }
			| Error::EnvelopeWrongRecipient { .. }
			| Error::EnvelopeDecryption => ErrorKind::Integrity,
			Error::InvalidRecipientKey => ErrorKind::Usage,
			_ => ErrorKind::Failure,
		};
		Self::new(kind, error.to_string())
	}
}

impl From<ChainError> for CliError {
	fn from(error: ChainError) -> Self {
		Self::new(ErrorKind::Chain, error.to_string())
	}
}

impl From<VaultError> for CliError {
	fn from(error: VaultError) -> Self {
		let kind = match &error {
			VaultError::InvalidUrl { .. } => ErrorKind::Usage,
			error if error.is_access_denied() => ErrorKind::Denied,
			_ => ErrorKind::Vault,
		};
		Self::new(kind, error.to_string())
	}
}

/// What a command that succeeded prints: a JSON object and the same for people, and its exit
/// code (0, or [`EXIT_DENIED`] for a consent check answering Deny).
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
	/// The fields of the JSON object (`command` is added when printed).
	pub fields: Map<String, Value>,
	/// Lines for people.
	pub text: String,
	/// The process exit code.
	pub exit_code: i32,
	/// Bytes written to stdout exactly as they are instead of the text, unless `--json` (e.g. a
	/// decrypted record).
	pub raw: Option<Vec<u8>>,
}

impl Output {
	/// An output with these JSON fields (an object) and this text.
	pub fn new(fields: Value, text: impl Into<String>) -> Self {
		let fields = match fields {
			Value::Object(map) => map,
			other => {
				let mut map = Map::new();
				map.insert("value".into(), other);
				map
			},
		};
		Self { fields, text: text.into(), exit_code: EXIT_OK, raw: None }
	}

	/// The same output with `raw` bytes for stdout in place of the text.
	pub fn with_raw(mut self, raw: Vec<u8>) -> Self {
		self.raw = Some(raw);
		self
	}

	/// The same output with the outcome of a transaction it submitted: `transactions` in JSON
	/// gets its block, hash and events (those of medchain's pallets and other non-routine
	/// ones); the text gets its block and its events in words.
	pub fn with_transaction(mut self, call: &str, finalized: &Finalized) -> Self {
		let events: Vec<Value> = finalized.notable_events().map(ChainEvent::to_json).collect();
		let entry = json!({
			"call": call,
			"block": finalized.block_number,
			"block_hash": format!("0x{}", hex::encode(finalized.block_hash)),
			"extrinsic_hash": format!("0x{}", hex::encode(finalized.extrinsic_hash)),
			"events": events,
		});
		match self.fields.get_mut("transactions") {
			Some(Value::Array(list)) => list.push(entry),
			_ => {
				self.fields.insert("transactions".into(), Value::Array(vec![entry]));
			},
		}
		if !self.text.is_empty() && !self.text.ends_with('\n') {
			self.text.push('\n');
		}
		self.text.push_str(&transaction_text(call, finalized));
		self
	}

	/// The same output with another exit code.
	pub fn with_exit_code(mut self, code: i32) -> Self {
		self.exit_code = code;
		self
	}
}

/// A finalized transaction in words: `<call> finalized in block #N` and one line per notable
/// event.
pub fn transaction_text(call: &str, finalized: &Finalized) -> String {
	let mut text = format!(
		"{call}: finalized in block #{} (0x{})\n",
		finalized.block_number,
		hex::encode(finalized.block_hash)
	);
	for event in finalized.notable_events() {
		text.push_str(&format!("  event {}\n", event.words()));
	}
	text
}

/// What goes to stdout for a command `command` (e.g. `"records add"`) that succeeded: one JSON
/// object on one line with `--json` (`{"ok": true, "command": …, …}`), else the text.
pub fn render(command: &str, output: &Output, as_json: bool) -> String {
	if as_json {
		let mut object = Map::new();
		object.insert("ok".into(), Value::Bool(true));
		object.insert("command".into(), Value::String(command.into()));
		for (key, value) in &output.fields {
			object.insert(key.clone(), value.clone());
		}
		Value::Object(object).to_string()
	} else {
		output.text.trim_end().to_owned()
	}
}

/// What is printed for a failed command: with `--json`, one JSON object on stdout
/// (`{"ok": false, "command": …, "error": {"kind", "message", "exit_code"}}`); else
/// `medchain: <sentence>` on stderr. Returns (the text, whether it goes to stdout).
pub fn render_error(command: &str, error: &CliError, as_json: bool) -> (String, bool) {
	if as_json {
		let object = json!({
			"ok": false,
			"command": command,
			"error": {
				"kind": error.kind.name(),
				"message": one_line(&error.message),
				"exit_code": error.kind.exit_code(),
			},
		});
		(object.to_string(), true)
	} else {
		(format!("medchain: {}", one_line(&error.message)), false)
	}
}

/// The longest reason printed: an argument of a megabyte is quoted, not echoed.
pub const MAX_REASON_CHARS: usize = 300;

/// `message` on one line (line breaks become spaces) and at most [`MAX_REASON_CHARS`] long.
pub fn one_line(message: &str) -> String {
	let joined = message.split_whitespace().collect::<Vec<_>>().join(" ");
	if joined.chars().count() <= MAX_REASON_CHARS {
		return joined;
	}
	let mut short: String = joined.chars().take(MAX_REASON_CHARS).collect();
	short.push('…');
	short
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn json_output_is_one_object_on_one_line() {
		let output = Output::new(json!({"record_id": 4, "content_hash": "0x01"}), "record 4\n");
		let line = render("records add", &output, true);
		assert!(!line.contains('\n'));
		let value: Value = serde_json::from_str(&line).unwrap();
		assert_eq!(value["ok"], true);
		assert_eq!(value["command"], "records add");
		assert_eq!(value["record_id"], 4);
		assert_eq!(render("records add", &output, false), "record 4");
	}

	#[test]
	fn errors_render_with_kind_and_exit_code() {
		let error = CliError::new(ErrorKind::Denied, "the chain refused access");
		let (line, stdout) = render_error("records get", &error, true);
		assert!(stdout);
		let value: Value = serde_json::from_str(&line).unwrap();
		assert_eq!(value["ok"], false);
		assert_eq!(value["error"]["kind"], "denied");
		assert_eq!(value["error"]["exit_code"], EXIT_DENIED);
		let (text, stdout) = render_error("records get", &error, false);
		assert!(!stdout);
		assert_eq!(text, "medchain: the chain refused access");
	}

	#[test]
	fn library_errors_map_to_exit_codes() {
		assert_eq!(CliError::from(Error::WrongPassphrase).kind.exit_code(), EXIT_KEYSTORE);
		assert_eq!(CliError::from(Error::RecordDecryption).kind.exit_code(), EXIT_INTEGRITY);
		let denied = VaultError::Refused {
			status: 403,
			code: "access_denied".into(),
			message: "no".into(),
		};
		assert_eq!(CliError::from(denied).kind.exit_code(), EXIT_DENIED);
		let down = VaultError::Unreachable { url: "http://x".into(), reason: "refused".into() };
		assert_eq!(CliError::from(down).kind.exit_code(), EXIT_VAULT);
		let chain = ChainError::Dispatch("NotPatient".into());
		assert_eq!(CliError::from(chain).kind.exit_code(), EXIT_CHAIN);
	}

	#[test]
	fn non_objects_are_wrapped() {
		let output = Output::new(json!([1, 2]), "");
		assert_eq!(output.fields["value"], json!([1, 2]));
	}

	#[test]
	fn transactions_print_their_block_and_events_in_words() {
		use crate::chain::EventField;
		let event = |pallet: &str, name: &str, fields: Vec<(&str, Value)>| ChainEvent {
			pallet: pallet.into(),
			name: name.into(),
			fields: fields
				.into_iter()
				.map(|(name, value)| EventField { name: name.into(), type_name: None, value })
				.collect(),
			field_bytes: vec![],
		};
		let finalized = Finalized {
			block_number: 12,
			block_hash: [0xab; 32],
			extrinsic_hash: [0xcd; 32],
			events: vec![
				event("Balances", "Withdraw", vec![("amount", json!(5))]),
				event("Consent", "ConsentRevoked", vec![("id", json!(3)), ("status", json!("Inactive"))]),
				event("System", "ExtrinsicSuccess", vec![]),
			],
		};
		let output = Output::new(json!({"consent_id": 3}), "consent 3 revoked\n")
			.with_transaction("Consent.revoke_consent", &finalized);
		assert_eq!(
			output.text,
			format!(
				"consent 3 revoked\nConsent.revoke_consent: finalized in block #12 (0x{})\n  event Consent.ConsentRevoked id=3 status=Inactive\n",
				"ab".repeat(32)
			)
		);
		let transactions = output.fields["transactions"].as_array().unwrap();
		assert_eq!(transactions.len(), 1);
		assert_eq!(transactions[0]["block"], 12);
		assert_eq!(transactions[0]["events"].as_array().unwrap().len(), 1, "fees and success left out");
		assert_eq!(transactions[0]["events"][0]["fields"]["status"], "Inactive");
		// A second transaction of the same command is appended.
		let output = output.with_transaction("Consent.revoke_consent", &finalized);
		assert_eq!(output.fields["transactions"].as_array().unwrap().len(), 2);
	}
}
