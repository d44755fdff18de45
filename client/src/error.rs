//! The one error type of the library: every failure has its own variant and a sentence that says
//! what went wrong, so that the command-line tool can show it as it is.

use std::path::PathBuf;

use crate::envelope::ContentHash;

/// Everything that can go wrong in this library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
	/// The words are not a valid BIP-39 mnemonic (English word list): unknown word, wrong word
	/// count or bad checksum.
	#[error("invalid mnemonic: {0}")]
	InvalidMnemonic(#[source] bip39::Error),

	/// The sr25519 key could not be derived from the mnemonic.
	#[error("sr25519 key derivation failed: {0}")]
	Sr25519(#[source] subxt_signer::sr25519::Error),

	/// A part of a pseudonym's derivation path (`kind` or `id`) cannot be used.
	#[error("invalid pseudonym path part {part:?}: {reason}")]
	InvalidPseudonymPath {
		/// The part as given.
		part: String,
		/// Why it is refused.
		reason: &'static str,
	},

	/// The operating system's random number generator failed.
	#[error("the system's random number generator failed: {0}")]
	Randomness(#[source] rand_core::Error),

	/// The passphrase does not open the keystore entry. An entry that was altered in the file
	/// fails the same way: authenticated encryption cannot tell the two apart.
	#[error("wrong passphrase (or the keystore entry was altered)")]
	WrongPassphrase,

	/// An empty passphrase was given to protect a keystore entry.
	#[error("the passphrase must not be empty")]
	EmptyPassphrase,

	/// The keystore file cannot be read as a keystore: not JSON, a field missing or malformed,
	/// duplicate names, unreasonable parameters, or a decrypted entry that does not match its
	/// recorded account.
	#[error("keystore {path}: {reason}")]
	KeystoreCorrupt {
		/// The keystore file.
		path: PathBuf,
		/// What is wrong with it.
		reason: String,
	},

	/// The keystore file has a format version this library does not read.
	#[error("keystore {path}: format version {found} is not supported (this client reads version {supported})")]
	KeystoreVersion {
		/// The keystore file.
		path: PathBuf,
		/// The version in the file.
		found: u32,
		/// The version this library reads and writes.
		supported: u32,
	},

	/// No keystore entry has this name.
	#[error("no identity named {0:?} in the keystore")]
	UnknownIdentity(String),

	/// A keystore entry with this name already exists.
	#[error("an identity named {0:?} already exists in the keystore")]
	IdentityExists(String),

	/// The name cannot name a keystore entry.
	#[error("invalid identity name {name:?}: {reason}")]
	InvalidName {
		/// The name as given.
		name: String,
		/// Why it is refused.
		reason: &'static str,
	},

	/// Reading or writing a file failed.
	#[error("{path}: {source}")]
	Io {
		/// The file.
		path: PathBuf,
		/// What the operating system said.
		#[source]
		source: std::io::Error,
	},

	/// The Argon2id costs asked for a new keystore entry are refused.
	#[error("passphrase key derivation: {0}")]
	KdfParams(String),

	/// The bytes are not a sealed record: too short, or the magic is not `MCR`.
	#[error("not a sealed medchain record: {0}")]
	MalformedRecord(&'static str),

	/// The sealed record has a format version this library does not read.
	#[error("sealed record format version {0:?} is not supported (this client reads version '1')")]
	UnsupportedRecordVersion(char),

	/// The sealed record does not decrypt: the key is not its key, or the record (its header or
	/// its ciphertext) was altered.
	#[error("the record does not decrypt with this key (wrong key, or the record was altered)")]
	RecordDecryption,

	/// The data does not hash to the content hash registered on chain.
	#[error(transparent)]
	HashMismatch(#[from] HashMismatch),

	/// The bytes are not a key envelope: wrong length, the magic is not `MCE`, or the sender's
	/// ephemeral key is a low-order point.
	#[error("not a medchain key envelope: {0}")]
	MalformedEnvelope(&'static str),

	/// The recipient's X25519 public key is a low-order point: no secret could be shared with it.
	#[error("the recipient's X25519 public key is invalid (a low-order point)")]
	InvalidRecipientKey,

	/// The key envelope has a format version this library does not read.
	#[error("key envelope format version {0:?} is not supported (this client reads version '1')")]
	UnsupportedEnvelopeVersion(char),

	/// The key envelope wraps the key of another record.
	#[error(
		"the key envelope is for another record (its content hash is 0x{}, expected 0x{})",
		hex::encode(.found),
		hex::encode(.expected)
	)]
	EnvelopeWrongRecord {
		/// The content hash the caller expected.
		expected: ContentHash,
		/// The content hash the envelope was sealed for.
		found: ContentHash,
	},

	/// The key envelope was sealed to another X25519 public key.
	#[error(
		"the key envelope is for another recipient (sealed to X25519 key 0x{}, this key is 0x{})",
		hex::encode(.sealed_to),
		hex::encode(.ours)
	)]
	EnvelopeWrongRecipient {
		/// The recipient public key the envelope names.
		sealed_to: [u8; 32],
		/// The public key of the secret given to open it.
		ours: [u8; 32],
	},

	/// The key envelope names the right record and recipient but does not open: it was altered.
	#[error("the key envelope does not open (it was altered)")]
	EnvelopeDecryption,

	/// A step that cannot fail did (a bug in this library or in a dependency).
	#[error("internal error: {0}")]
	Internal(&'static str),

	/// Authenticated encryption refused the input (only possible for inputs too large for the
	/// cipher, about 256 GiB).
	#[error("encryption failed: the input is too large")]
	Encryption,
}

/// Data whose BLAKE2-256 hash is not the content hash registered on chain: it is not the record
/// the chain points to (corrupted in storage, or substituted).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
	"content hash mismatch: the chain has 0x{}, the data hashes to 0x{}",
	hex::encode(.expected),
	hex::encode(.actual)
)]
pub struct HashMismatch {
	/// The hash registered on chain.
	pub expected: ContentHash,
	/// The hash of the data received.
	pub actual: ContentHash,
}
