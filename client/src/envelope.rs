//! Record encryption, content hashes and key envelopes.
//!
//! ## Sealed records
//! [`seal_record`] encrypts a record (e.g. a FHIR JSON bundle) with a fresh random 32-byte
//! [`RecordKey`] under XChaCha20-Poly1305. The sealed bytes are what the vault stores, and their
//! BLAKE2-256 hash ([`content_hash`]) is the content hash registered on chain:
//!
//! | bytes    | field                                                      |
//! |----------|------------------------------------------------------------|
//! | 0..4     | magic and version, `"MCR1"`                                |
//! | 4..28    | XChaCha20 nonce, 24 random bytes                           |
//! | 28..     | ciphertext of the record, then the 16-byte Poly1305 tag    |
//!
//! The associated data is the header (bytes 0..28), so a changed version or nonce fails to open
//! like a changed ciphertext. A reader checks the hash against the chain first
//! ([`verify_hash`], or [`open_verified`] for both steps), then decrypts ([`open_record`]).
//!
//! ## Key envelopes
//! [`seal_key`] wraps a record key for one recipient's X25519 public key (a provider's
//! `encryption_key` in the participants registry, or a patient's own key from
//! [`crate::keys`]), bound to one record's content hash:
//! - `e` = fresh ephemeral X25519 secret, `E` its public key, `R` the recipient's public key;
//! - `wrap key = HKDF-SHA256(ikm = X25519(e, R), salt = content hash,
//!   info = "medchain/envelope/v1" ++ E ++ R)`, 32 bytes;
//! - the record key is encrypted under the wrap key with XChaCha20-Poly1305, associated data =
//!   the envelope's header (bytes 0..124).
//!
//! | bytes    | field                                                      |
//! |----------|------------------------------------------------------------|
//! | 0..4     | magic and version, `"MCE1"`                                |
//! | 4..36    | content hash of the sealed record                          |
//! | 36..68   | recipient's X25519 public key `R`                          |
//! | 68..100  | ephemeral X25519 public key `E`                            |
//! | 100..124 | XChaCha20 nonce, 24 random bytes                           |
//! | 124..172 | the wrapped 32-byte record key, then the 16-byte tag       |
//!
//! The content hash and `R` are in clear so that a mistake gets a clear error
//! ([`Error::EnvelopeWrongRecord`], [`Error::EnvelopeWrongRecipient`]); both are also bound by
//! the key derivation, so rewriting them only makes the envelope fail to open. An envelope does
//! not authenticate its sender: the vault accepts envelopes only from the record's owner, and the
//! record itself is authenticated by its hash on chain and by its key.
//!
//! ## Erasure: crypto-shredding
//! A sealed record is unreadable without its record key, and the record key exists only in the
//! owner's hands and in key envelopes. Erasing a record therefore means destroying every copy of
//! its key and every key envelope (and the ciphertext) in the vault and locally; the chain keeps
//! only a tombstone and the content hash, which reveals nothing about the content. What cannot
//! be undone: a recipient who already opened an envelope may have kept the key or the
//! plaintext, and backups of the vault keep what they held until they expire.

use std::fmt;

use chacha20poly1305::{
	aead::{Aead, Payload},
	KeyInit, XChaCha20Poly1305, XNonce,
};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey as X25519PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::{error::HashMismatch, Error};

/// A BLAKE2-256 hash, as the chain's `H256`.
pub type ContentHash = [u8; 32];

/// Magic and format version of a sealed record.
pub const RECORD_MAGIC: [u8; 4] = *b"MCR1";
/// Length of a sealed record's header (magic and nonce).
pub const RECORD_HEADER_LEN: usize = 4 + NONCE_LEN;
/// Length of an XChaCha20 nonce.
pub const NONCE_LEN: usize = 24;
/// Length of a Poly1305 authentication tag.
pub const TAG_LEN: usize = 16;
/// Magic and format version of a key envelope.
pub const ENVELOPE_MAGIC: [u8; 4] = *b"MCE1";
/// Length of a key envelope's header (everything before the wrapped key).
pub const ENVELOPE_HEADER_LEN: usize = 4 + 32 + 32 + 32 + NONCE_LEN;
/// Length of a key envelope.
pub const ENVELOPE_LEN: usize = ENVELOPE_HEADER_LEN + 32 + TAG_LEN;
/// The fixed part of the HKDF `info` of a key envelope's wrap key.
pub const ENVELOPE_INFO: &[u8] = b"medchain/envelope/v1";

/// The 32-byte XChaCha20-Poly1305 key of one record. Wiped from memory when dropped; its `Debug`
/// does not show it.
#[derive(Clone)]
pub struct RecordKey(Zeroizing<[u8; 32]>);

impl RecordKey {
	/// A fresh random key.
	pub fn generate() -> Result<Self, Error> {
		let mut key = Zeroizing::new([0u8; 32]);
		crate::fill_random(key.as_mut())?;
		Ok(RecordKey(key))
	}

	/// A key from its bytes (e.g. a copy the owner kept).
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		RecordKey(Zeroizing::new(bytes))
	}

	/// The key's bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}
}

impl fmt::Debug for RecordKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("RecordKey(..)")
	}
}

/// A sealed record and the key that opens it.
#[derive(Debug)]
pub struct SealedRecord {
	/// The sealed bytes (header, ciphertext, tag): what the vault stores.
	pub bytes: Vec<u8>,
	/// The fresh key the record was sealed with.
	pub key: RecordKey,
}

impl SealedRecord {
	/// The content hash of the sealed bytes, to register on chain.
	pub fn content_hash(&self) -> ContentHash {
		content_hash(&self.bytes)
	}
}

/// Encrypts `plaintext` with a fresh random key (layout in the module documentation).
pub fn seal_record(plaintext: &[u8]) -> Result<SealedRecord, Error> {
	let key = RecordKey::generate()?;
	let mut bytes = Vec::with_capacity(RECORD_HEADER_LEN + plaintext.len() + TAG_LEN);
	bytes.extend_from_slice(&RECORD_MAGIC);
	bytes.extend_from_slice(&random_nonce()?);
	let ciphertext = cipher(key.as_bytes())
		.encrypt(
			XNonce::from_slice(&bytes[4..RECORD_HEADER_LEN]),
			Payload { msg: plaintext, aad: &bytes[..RECORD_HEADER_LEN] },
		)
		.map_err(|_| Error::Encryption)?;
	bytes.extend_from_slice(&ciphertext);
	Ok(SealedRecord { bytes, key })
}

/// Decrypts a sealed record. A key that is not the record's, or an altered header or ciphertext,
/// is [`Error::RecordDecryption`]; bytes that are not a sealed record are
/// [`Error::MalformedRecord`] or [`Error::UnsupportedRecordVersion`].
pub fn open_record(bytes: &[u8], key: &RecordKey) -> Result<Vec<u8>, Error> {
	check_magic(bytes, &RECORD_MAGIC).map_err(|problem| match problem {
		MagicProblem::Foreign => Error::MalformedRecord("it does not start with \"MCR\""),
		MagicProblem::Version(v) => Error::UnsupportedRecordVersion(v),
	})?;
	if bytes.len() < RECORD_HEADER_LEN + TAG_LEN {
		return Err(Error::MalformedRecord("it is shorter than a header and a tag"));
	}
	cipher(key.as_bytes())
		.decrypt(
			XNonce::from_slice(&bytes[4..RECORD_HEADER_LEN]),
			Payload { msg: &bytes[RECORD_HEADER_LEN..], aad: &bytes[..RECORD_HEADER_LEN] },
		)
		.map_err(|_| Error::RecordDecryption)
}

/// Checks the sealed bytes against the content hash registered on chain, then decrypts them.
pub fn open_verified(
	bytes: &[u8],
	expected: &ContentHash,
	key: &RecordKey,
) -> Result<Vec<u8>, Error> {
	verify_hash(bytes, expected)?;
	open_record(bytes, key)
}

/// BLAKE2b with a 32-byte output: Substrate's `blake2_256`, the chain's content hash.
pub fn content_hash(bytes: &[u8]) -> ContentHash {
	sp_crypto_hashing::blake2_256(bytes)
}

/// Whether `bytes` hash to `expected` (the content hash registered on chain).
pub fn verify_hash(bytes: &[u8], expected: &ContentHash) -> Result<(), HashMismatch> {
	let actual = content_hash(bytes);
	if &actual == expected {
		Ok(())
	} else {
		Err(HashMismatch { expected: *expected, actual })
	}
}

/// Wraps `record_key` for the holder of the X25519 public key `recipient`, bound to the record
/// whose sealed bytes hash to `content_hash` (layout in the module documentation). A recipient
/// key of low order (which would make the shared secret predictable) is
/// [`Error::InvalidRecipientKey`].
pub fn seal_key(
	record_key: &RecordKey,
	recipient: &[u8; 32],
	content_hash: &ContentHash,
) -> Result<Vec<u8>, Error> {
	let mut ephemeral_bytes = Zeroizing::new([0u8; 32]);
	crate::fill_random(ephemeral_bytes.as_mut())?;
	let ephemeral = StaticSecret::from(*ephemeral_bytes);
	let ephemeral_public = X25519PublicKey::from(&ephemeral).to_bytes();
	let shared = ephemeral.diffie_hellman(&X25519PublicKey::from(*recipient));
	if !shared.was_contributory() {
		return Err(Error::InvalidRecipientKey);
	}

	let mut envelope = Vec::with_capacity(ENVELOPE_LEN);
	envelope.extend_from_slice(&ENVELOPE_MAGIC);
	envelope.extend_from_slice(content_hash);
	envelope.extend_from_slice(recipient);
	envelope.extend_from_slice(&ephemeral_public);
	envelope.extend_from_slice(&random_nonce()?);

	let wrap_key = wrap_key(shared.as_bytes(), content_hash, &ephemeral_public, recipient)?;
	let wrapped = cipher(&wrap_key)
		.encrypt(
			XNonce::from_slice(&envelope[100..ENVELOPE_HEADER_LEN]),
			Payload { msg: record_key.as_bytes(), aad: &envelope[..ENVELOPE_HEADER_LEN] },
		)
		.map_err(|_| Error::Encryption)?;
	envelope.extend_from_slice(&wrapped);
	Ok(envelope)
}

/// Unwraps the record key from an envelope sealed to `recipient_secret`'s public key for the
/// record whose sealed bytes hash to `content_hash`.
///
/// An envelope for another record is [`Error::EnvelopeWrongRecord`], for another recipient
/// [`Error::EnvelopeWrongRecipient`], an altered one [`Error::EnvelopeDecryption`], and bytes
/// that are not an envelope [`Error::MalformedEnvelope`] or
/// [`Error::UnsupportedEnvelopeVersion`].
pub fn open_key(
	envelope: &[u8],
	recipient_secret: &StaticSecret,
	content_hash: &ContentHash,
) -> Result<RecordKey, Error> {
	check_magic(envelope, &ENVELOPE_MAGIC).map_err(|problem| match problem {
		MagicProblem::Foreign => Error::MalformedEnvelope("it does not start with \"MCE\""),
		MagicProblem::Version(v) => Error::UnsupportedEnvelopeVersion(v),
	})?;
	if envelope.len() != ENVELOPE_LEN {
		return Err(Error::MalformedEnvelope("it is not 172 bytes long"));
	}
	let field = |from: usize| -> [u8; 32] {
		let mut out = [0u8; 32];
		out.copy_from_slice(&envelope[from..from + 32]);
		out
	};
	let (sealed_for, sealed_to, ephemeral_public) = (field(4), field(36), field(68));
	if &sealed_for != content_hash {
		return Err(Error::EnvelopeWrongRecord { expected: *content_hash, found: sealed_for });
	}
	let ours = X25519PublicKey::from(recipient_secret).to_bytes();
	if sealed_to != ours {
		return Err(Error::EnvelopeWrongRecipient { sealed_to, ours });
	}
	let shared = recipient_secret.diffie_hellman(&X25519PublicKey::from(ephemeral_public));
	if !shared.was_contributory() {
		return Err(Error::MalformedEnvelope("its ephemeral key is of low order"));
	}
	let wrap_key = wrap_key(shared.as_bytes(), content_hash, &ephemeral_public, &ours)?;
	let key = Zeroizing::new(
		cipher(&wrap_key)
			.decrypt(
				XNonce::from_slice(&envelope[100..ENVELOPE_HEADER_LEN]),
				Payload {
					msg: &envelope[ENVELOPE_HEADER_LEN..],
					aad: &envelope[..ENVELOPE_HEADER_LEN],
				},
			)
			.map_err(|_| Error::EnvelopeDecryption)?,
	);
	let bytes: [u8; 32] =
		key.as_slice().try_into().map_err(|_| Error::Internal("a wrapped key is 32 bytes"))?;
	Ok(RecordKey::from_bytes(bytes))
}

fn wrap_key(
	shared: &[u8; 32],
	content_hash: &ContentHash,
	ephemeral_public: &[u8; 32],
	recipient: &[u8; 32],
) -> Result<Zeroizing<[u8; 32]>, Error> {
	let mut key = Zeroizing::new([0u8; 32]);
	Hkdf::<Sha256>::new(Some(content_hash), shared)
		.expand_multi_info(&[ENVELOPE_INFO, ephemeral_public, recipient], key.as_mut())
		.map_err(|_| Error::Internal("HKDF refused a 32-byte output"))?;
	Ok(key)
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
	XChaCha20Poly1305::new(key.into())
}

fn random_nonce() -> Result<[u8; NONCE_LEN], Error> {
	let mut nonce = [0u8; NONCE_LEN];
	crate::fill_random(&mut nonce)?;
	Ok(nonce)
}

enum MagicProblem {
	/// Not our format at all.
	Foreign,
	/// Our format, another version (the fourth byte).
	Version(char),
}

fn check_magic(bytes: &[u8], magic: &[u8; 4]) -> Result<(), MagicProblem> {
	match bytes.get(..4) {
		Some(found) if found == magic => Ok(()),
		Some(found) if found[..3] == magic[..3] => Err(MagicProblem::Version(char::from(found[3]))),
		_ => Err(MagicProblem::Foreign),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const BUNDLE: &[u8] = br#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"valueQuantity":{"value":13.2,"unit":"g/dL"}}}]}"#;

	fn secret(byte: u8) -> StaticSecret {
		StaticSecret::from([byte; 32])
	}

	fn public(secret: &StaticSecret) -> [u8; 32] {
		X25519PublicKey::from(secret).to_bytes()
	}

	#[test]
	fn content_hash_is_substrate_blake2_256() {
		assert_eq!(
			hex::encode(content_hash(b"")),
			"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
		assert_eq!(verify_hash(b"", &content_hash(b"")), Ok(()));
		let error = verify_hash(b"x", &content_hash(b"")).unwrap_err();
		assert_eq!(error, HashMismatch { expected: content_hash(b""), actual: content_hash(b"x") });
		assert!(error.to_string().contains("0x0e5751c0"), "{error}");
	}

	#[test]
	fn records_round_trip() {
		for plaintext in [BUNDLE, b"" as &[u8], &[0u8; 100_000]] {
			let sealed = seal_record(plaintext).unwrap();
			assert_eq!(sealed.bytes.len(), RECORD_HEADER_LEN + plaintext.len() + TAG_LEN);
			assert_eq!(&sealed.bytes[..4], b"MCR1");
			assert_eq!(open_record(&sealed.bytes, &sealed.key).unwrap(), plaintext);
			let copy = RecordKey::from_bytes(*sealed.key.as_bytes());
			assert_eq!(
				open_verified(&sealed.bytes, &sealed.content_hash(), &copy).unwrap(),
				plaintext
			);
		}
		let a = seal_record(BUNDLE).unwrap();
		let b = seal_record(BUNDLE).unwrap();
		assert_ne!(a.key.as_bytes(), b.key.as_bytes(), "a fresh key each time");
		assert_ne!(a.bytes, b.bytes);
		assert_eq!(format!("{:?}", a.key), "RecordKey(..)");
	}

	#[test]
	fn records_refuse_the_wrong_key_and_any_alteration() {
		let sealed = seal_record(BUNDLE).unwrap();
		let other = RecordKey::generate().unwrap();
		assert!(matches!(open_record(&sealed.bytes, &other), Err(Error::RecordDecryption)));

		// Every byte of the nonce, the ciphertext and the tag is authenticated.
		for index in 4..sealed.bytes.len() {
			let mut altered = sealed.bytes.clone();
			altered[index] ^= 0x01;
			assert!(
				matches!(open_record(&altered, &sealed.key), Err(Error::RecordDecryption)),
				"byte {index}"
			);
		}
		let mut truncated = sealed.bytes.clone();
		truncated.pop();
		assert!(matches!(open_record(&truncated, &sealed.key), Err(Error::RecordDecryption)));

		let mut version = sealed.bytes.clone();
		version[3] = b'2';
		assert!(matches!(
			open_record(&version, &sealed.key),
			Err(Error::UnsupportedRecordVersion('2'))
		));
		let mut foreign = sealed.bytes.clone();
		foreign[0] = b'X';
		assert!(matches!(open_record(&foreign, &sealed.key), Err(Error::MalformedRecord(_))));
		assert!(matches!(open_record(b"MC", &sealed.key), Err(Error::MalformedRecord(_))));
		assert!(matches!(
			open_record(&sealed.bytes[..RECORD_HEADER_LEN + TAG_LEN - 1], &sealed.key),
			Err(Error::MalformedRecord(_))
		));
	}

	#[test]
	fn the_hash_is_checked_before_decrypting() {
		let sealed = seal_record(BUNDLE).unwrap();
		let mut altered = sealed.bytes.clone();
		altered[40] ^= 0x80;
		assert!(matches!(
			open_verified(&altered, &sealed.content_hash(), &sealed.key),
			Err(Error::HashMismatch(HashMismatch { .. }))
		));
		let other = seal_record(BUNDLE).unwrap();
		assert!(matches!(
			open_verified(&other.bytes, &sealed.content_hash(), &other.key),
			Err(Error::HashMismatch(_))
		));
	}

	#[test]
	fn envelopes_round_trip() {
		let sealed = seal_record(BUNDLE).unwrap();
		let hash = sealed.content_hash();
		let provider = secret(7);
		let envelope = seal_key(&sealed.key, &public(&provider), &hash).unwrap();
		assert_eq!(envelope.len(), ENVELOPE_LEN);
		assert_eq!(&envelope[..4], b"MCE1");
		assert_eq!(&envelope[4..36], &hash);
		assert_eq!(&envelope[36..68], &public(&provider));
		let key = open_key(&envelope, &provider, &hash).unwrap();
		assert_eq!(key.as_bytes(), sealed.key.as_bytes());
		assert_eq!(open_verified(&sealed.bytes, &hash, &key).unwrap(), BUNDLE);
		// Two envelopes of the same key differ (fresh ephemeral key and nonce).
		assert_ne!(envelope, seal_key(&sealed.key, &public(&provider), &hash).unwrap());
	}

	#[test]
	fn envelopes_open_with_keys_from_a_mnemonic() {
		let patient = crate::keys::Identity::generate(crate::keys::WordCount::Twelve).unwrap();
		let sealed = seal_record(BUNDLE).unwrap();
		let hash = sealed.content_hash();
		let envelope = seal_key(&sealed.key, &patient.x25519_public(), &hash).unwrap();
		let restored = crate::keys::Identity::from_phrase(&patient.phrase()).unwrap();
		let key = open_key(&envelope, restored.x25519_secret(), &hash).unwrap();
		assert_eq!(open_record(&sealed.bytes, &key).unwrap(), BUNDLE);
		// A pseudonym's key is another recipient.
		let pseudonym = patient.pseudonym(crate::keys::KIND_PROVIDER, "1").unwrap();
		assert!(matches!(
			open_key(&envelope, pseudonym.x25519_secret(), &hash),
			Err(Error::EnvelopeWrongRecipient { .. })
		));
	}

	#[test]
	fn envelopes_refuse_another_recipient_another_record_and_alterations() {
		let sealed = seal_record(BUNDLE).unwrap();
		let hash = sealed.content_hash();
		let (provider, stranger) = (secret(7), secret(9));
		let envelope = seal_key(&sealed.key, &public(&provider), &hash).unwrap();

		assert!(matches!(
			open_key(&envelope, &stranger, &hash),
			Err(Error::EnvelopeWrongRecipient { sealed_to, ours })
				if sealed_to == public(&provider) && ours == public(&stranger)
		));
		let other_hash = content_hash(b"another record");
		assert!(matches!(
			open_key(&envelope, &provider, &other_hash),
			Err(Error::EnvelopeWrongRecord { expected, found }) if expected == other_hash && found == hash
		));

		// Rewriting the recipient or the record in the header does not help: both are bound by
		// the key derivation.
		let mut readdressed = envelope.clone();
		readdressed[36..68].copy_from_slice(&public(&stranger));
		assert!(matches!(open_key(&readdressed, &stranger, &hash), Err(Error::EnvelopeDecryption)));
		let mut moved = envelope.clone();
		moved[4..36].copy_from_slice(&other_hash);
		assert!(matches!(open_key(&moved, &provider, &other_hash), Err(Error::EnvelopeDecryption)));

		// Every byte of the ephemeral key, the nonce, the wrapped key and the tag is authenticated.
		for index in 68..ENVELOPE_LEN {
			let mut altered = envelope.clone();
			altered[index] ^= 0x01;
			assert!(
				matches!(
					open_key(&altered, &provider, &hash),
					Err(Error::EnvelopeDecryption | Error::MalformedEnvelope(_))
				),
				"byte {index}"
			);
		}

		let mut version = envelope.clone();
		version[3] = b'9';
		assert!(matches!(
			open_key(&version, &provider, &hash),
			Err(Error::UnsupportedEnvelopeVersion('9'))
		));
		assert!(matches!(
			open_key(&envelope[..171], &provider, &hash),
			Err(Error::MalformedEnvelope(_))
		));
		assert!(matches!(open_key(b"", &provider, &hash), Err(Error::MalformedEnvelope(_))));
		assert!(matches!(
			open_key(&sealed.bytes, &provider, &hash),
			Err(Error::MalformedEnvelope(_))
		));

		// A low-order ephemeral key is refused.
		let mut low_order = envelope.clone();
		low_order[68..100].copy_from_slice(&[0u8; 32]);
		assert!(matches!(open_key(&low_order, &provider, &hash), Err(Error::MalformedEnvelope(_))));
	}

	#[test]
	fn the_formats_are_the_documented_constructions() {
		// Opened by hand from the module documentation, as another implementation would.
		let sealed = seal_record(BUNDLE).unwrap();
		let (header, body) = sealed.bytes.split_at(28);
		let plaintext = XChaCha20Poly1305::new(sealed.key.as_bytes().into())
			.decrypt(XNonce::from_slice(&header[4..]), Payload { msg: body, aad: header })
			.unwrap();
		assert_eq!(plaintext, BUNDLE);

		let hash = sealed.content_hash();
		let provider = secret(7);
		let envelope = seal_key(&sealed.key, &public(&provider), &hash).unwrap();
		let (header, wrapped) = envelope.split_at(124);
		let ephemeral: [u8; 32] = header[68..100].try_into().unwrap();
		let shared = provider.diffie_hellman(&X25519PublicKey::from(ephemeral));
		let mut info = b"medchain/envelope/v1".to_vec();
		info.extend_from_slice(&ephemeral);
		info.extend_from_slice(&public(&provider));
		let mut wrap_key = [0u8; 32];
		Hkdf::<Sha256>::new(Some(&hash), shared.as_bytes()).expand(&info, &mut wrap_key).unwrap();
		let record_key = XChaCha20Poly1305::new((&wrap_key).into())
			.decrypt(XNonce::from_slice(&header[100..]), Payload { msg: wrapped, aad: header })
			.unwrap();
		assert_eq!(record_key, sealed.key.as_bytes());
	}

	#[test]
	fn a_low_order_recipient_key_is_refused() {
		let key = RecordKey::generate().unwrap();
		assert!(matches!(seal_key(&key, &[0u8; 32], &[1; 32]), Err(Error::InvalidRecipientKey)));
	}
}
