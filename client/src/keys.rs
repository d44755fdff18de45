//! Keys: one BIP-39 mnemonic restores everything a participant holds.
//!
//! An [`Identity`] is made from a mnemonic (generated with [`Identity::generate`] or imported
//! with [`Identity::from_phrase`]) and holds:
//! - the **sr25519 account** (`<mnemonic>` with no derivation path), exactly the account
//!   Polkadot.js, subkey and Substrate wallets derive from the same words (Substrate derives the
//!   mini secret key from the mnemonic's entropy, not from the BIP-39 seed);
//! - **pseudonyms**, one sr25519 account per relationship, [`Identity::pseudonym`]:
//!   `<mnemonic>//medchain//<kind>//<id>`, every junction hard;
//! - an **X25519 key pair** to receive record keys ([`crate::envelope::seal_key`]):
//!   `HKDF-SHA256(ikm = BIP-39 seed of the mnemonic with an empty passphrase, salt = none,
//!   info = "medchain/x25519/v1")`, 32 bytes, used as an X25519 static secret. Each pseudonym
//!   has its own X25519 key, with the info extended by the pseudonym's three chain codes
//!   ([`Pseudonym::x25519_public`]), so that handing a relationship its receiving key does not
//!   link the relationship to the others.
//!
//! ## Why hard derivation
//! With soft derivation (`/x`) the child public key is a public function of the parent public
//! key and the path: anyone who knows the patient's main account could compute the account of
//! each relationship and link them all. Hard derivation (`//x`) mixes the parent's *secret* into
//! the child, so without the mnemonic a pseudonym cannot be linked to the main account or to its
//! siblings.
//!
//! Signatures are sr25519 (schnorrkel) in the signing context [`crate::protocol::SIGNING_CONTEXT`]
//! (`b"substrate"`), the one Substrate wallets and the runtime use, so the vault and the chain
//! verify them with the account's public key alone.

use std::fmt;

use hkdf::Hkdf;
use sha2::Sha256;
use subxt_signer::{bip39::Mnemonic, sr25519, DeriveJunction};
use x25519_dalek::{PublicKey as X25519PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::Error;

/// An sr25519 account: its 32-byte public key (a Substrate `AccountId32`).
pub type AccountId = [u8; 32];

/// An sr25519 signature (a Substrate `MultiSignature::Sr25519`).
pub type Signature = [u8; 64];

/// The first junction of every pseudonym path: `//medchain`.
pub const PSEUDONYM_ROOT: &str = "medchain";

/// The `kind` of a pseudonym used with one provider: `//medchain//provider//<provider id>`.
pub const KIND_PROVIDER: &str = "provider";

/// The `kind` of a pseudonym used in one study: `//medchain//study//<study id>`.
pub const KIND_STUDY: &str = "study";

/// The HKDF-SHA256 `info` prefix of [`Identity::derived_secret`].
pub const DERIVED_SECRET_INFO: &[u8] = b"medchain/secret/v1";

/// The HKDF-SHA256 `info` of an identity's X25519 secret (a pseudonym appends its chain codes).
pub const X25519_INFO: &[u8] = b"medchain/x25519/v1";

/// The longest `kind` or `id` of a pseudonym, in bytes.
pub const MAX_PATH_PART_LEN: usize = 256;

/// How many words a new mnemonic has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordCount {
	/// 12 words, 128 bits of entropy (the Polkadot.js default).
	Twelve,
	/// 24 words, 256 bits of entropy.
	TwentyFour,
}

impl WordCount {
	/// The entropy of a mnemonic of this length, in bytes.
	fn entropy_len(self) -> usize {
		match self {
			WordCount::Twelve => 16,
			WordCount::TwentyFour => 32,
		}
	}
}

/// Everything one mnemonic holds: the sr25519 account, the pseudonyms and the X25519 key pair.
///
/// Secrets are wiped from memory when it is dropped. Its `Debug` shows the account only.
pub struct Identity {
	mnemonic: Mnemonic,
	/// The BIP-39 seed (empty passphrase): the input of every X25519 derivation.
	seed: Zeroizing<[u8; 64]>,
	account: sr25519::Keypair,
	x25519: StaticSecret,
}

impl Identity {
	/// A new identity from a fresh random mnemonic of `words` words.
	pub fn generate(words: WordCount) -> Result<Self, Error> {
		let mut entropy = Zeroizing::new([0u8; 32]);
		crate::fill_random(&mut entropy[..words.entropy_len()])?;
		let mnemonic = Mnemonic::from_entropy(&entropy[..words.entropy_len()])
			.map_err(Error::InvalidMnemonic)?;
		Self::from_mnemonic(mnemonic)
	}

	/// The identity of an existing mnemonic (English BIP-39 words separated by spaces, any valid
	/// length). Unknown words, a wrong word count or a bad checksum are
	/// [`Error::InvalidMnemonic`].
	pub fn from_phrase(phrase: &str) -> Result<Self, Error> {
		let mnemonic = Mnemonic::parse(phrase.trim()).map_err(Error::InvalidMnemonic)?;
		Self::from_mnemonic(mnemonic)
	}

	/// The identity of a parsed mnemonic.
	pub fn from_mnemonic(mnemonic: Mnemonic) -> Result<Self, Error> {
		let account = sr25519::Keypair::from_phrase(&mnemonic, None).map_err(Error::Sr25519)?;
		let seed = Zeroizing::new(mnemonic.to_seed_normalized(""));
		let x25519 = derive_x25519(&seed, &[])?;
		Ok(Identity { mnemonic, seed, account, x25519 })
	}

	/// The mnemonic's words, separated by single spaces: the one secret to back up. Wiped from
	/// memory when the returned value is dropped.
	pub fn phrase(&self) -> Zeroizing<String> {
		Zeroizing::new(self.mnemonic.to_string())
	}

	/// How many words the mnemonic has.
	pub fn word_count(&self) -> usize {
		self.mnemonic.word_count()
	}

	/// The main sr25519 account's public key.
	pub fn account_id(&self) -> AccountId {
		self.account.public_key().0
	}

	/// The main sr25519 key pair, e.g. to sign transactions with subxt.
	pub fn keypair(&self) -> &sr25519::Keypair {
		&self.account
	}

	/// Signs `message` with the main account in the signing context
	/// [`crate::protocol::SIGNING_CONTEXT`].
	pub fn sign(&self, message: &[u8]) -> Signature {
		self.account.sign(message).0
	}

	/// The X25519 public key to publish (or hand out) for receiving record keys.
	pub fn x25519_public(&self) -> [u8; 32] {
		X25519PublicKey::from(&self.x25519).to_bytes()
	}

	/// The X25519 secret that opens key envelopes sealed to [`Identity::x25519_public`].
	pub fn x25519_secret(&self) -> &StaticSecret {
		&self.x25519
	}

	/// A 32-byte secret for one purpose, derived from the mnemonic alone:
	/// `HKDF-SHA256(ikm = BIP-39 seed, info = "medchain/secret/v1" ++ parts)`. Nothing to store
	/// beside the mnemonic (e.g. a study key holder's decryption secret for one study).
	pub fn derived_secret(&self, parts: &[&[u8]]) -> Result<Zeroizing<[u8; 32]>, Error> {
		let mut okm = Zeroizing::new([0u8; 32]);
		let info: Vec<&[u8]> = std::iter::once(DERIVED_SECRET_INFO).chain(parts.iter().copied()).collect();
		Hkdf::<Sha256>::new(None, &self.seed[..])
			.expand_multi_info(&info, okm.as_mut())
			.map_err(|_| Error::KdfParams("HKDF output length".into()))?;
		Ok(okm)
	}

	/// The pseudonym of one relationship: the account `<mnemonic>//medchain//<kind>//<id>` (all
	/// junctions hard, see the module documentation) and its own X25519 key pair.
	///
	/// `kind` is e.g. [`KIND_PROVIDER`] or [`KIND_STUDY`]; `id` identifies the counterparty or the
	/// study. Neither may be empty, contain `/` or control characters, or exceed
	/// [`MAX_PATH_PART_LEN`] bytes. As in every Substrate derivation path, a part made of digits
	/// only is read as a number (`42` and `042` are the same junction).
	pub fn pseudonym(&self, kind: &str, id: &str) -> Result<Pseudonym, Error> {
		check_path_part(kind)?;
		check_path_part(id)?;
		let junctions = [PSEUDONYM_ROOT, kind, id].map(|part| DeriveJunction::from(part).harden());
		let account = self.account.derive(junctions);
		let chain_codes: Vec<u8> = junctions.iter().flat_map(|j| *j.inner()).collect();
		let x25519 = derive_x25519(&self.seed, &chain_codes)?;
		Ok(Pseudonym { path: format!("//{PSEUDONYM_ROOT}//{kind}//{id}"), account, x25519 })
	}
}

impl fmt::Debug for Identity {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("Identity")
			.field("account", &format_args!("0x{}", hex::encode(self.account_id())))
			.finish_non_exhaustive()
	}
}

/// One relationship's account, derived from an [`Identity`] by [`Identity::pseudonym`].
///
/// Secrets are wiped from memory when it is dropped. Its `Debug` shows the path and account only.
pub struct Pseudonym {
	path: String,
	account: sr25519::Keypair,
	x25519: StaticSecret,
}

impl Pseudonym {
	/// The derivation path, `//medchain//<kind>//<id>`: with the mnemonic in front, the secret URI
	/// that Polkadot.js or subkey accept to restore this account.
	pub fn path(&self) -> &str {
		&self.path
	}

	/// The pseudonym's sr25519 public key.
	pub fn account_id(&self) -> AccountId {
		self.account.public_key().0
	}

	/// The pseudonym's sr25519 key pair, e.g. to sign transactions with subxt.
	pub fn keypair(&self) -> &sr25519::Keypair {
		&self.account
	}

	/// Signs `message` with the pseudonym in the signing context
	/// [`crate::protocol::SIGNING_CONTEXT`].
	pub fn sign(&self, message: &[u8]) -> Signature {
		self.account.sign(message).0
	}

	/// The pseudonym's X25519 public key: `HKDF-SHA256(BIP-39 seed, info = "medchain/x25519/v1"
	/// ++ the 32-byte chain codes of its three junctions)`.
	pub fn x25519_public(&self) -> [u8; 32] {
		X25519PublicKey::from(&self.x25519).to_bytes()
	}

	/// The X25519 secret that opens key envelopes sealed to [`Pseudonym::x25519_public`].
	pub fn x25519_secret(&self) -> &StaticSecret {
		&self.x25519
	}
}

impl fmt::Debug for Pseudonym {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("Pseudonym")
			.field("path", &self.path)
			.field("account", &format_args!("0x{}", hex::encode(self.account_id())))
			.finish_non_exhaustive()
	}
}

/// Whether `signature` is `account`'s sr25519 signature of `message` in the signing context
/// [`crate::protocol::SIGNING_CONTEXT`].
pub fn verify(account: &AccountId, message: &[u8], signature: &Signature) -> bool {
	sr25519::verify(&sr25519::Signature(*signature), message, &sr25519::PublicKey(*account))
}

/// `HKDF-SHA256(ikm = seed, salt = none, info = X25519_INFO ++ suffix)` as an X25519 secret.
fn derive_x25519(seed: &[u8; 64], info_suffix: &[u8]) -> Result<StaticSecret, Error> {
	let mut okm = Zeroizing::new([0u8; 32]);
	Hkdf::<Sha256>::new(None, seed)
		.expand_multi_info(&[X25519_INFO, info_suffix], okm.as_mut())
		.map_err(|_| Error::Internal("HKDF refused a 32-byte output"))?;
	Ok(StaticSecret::from(*okm))
}

fn check_path_part(part: &str) -> Result<(), Error> {
	let refuse = |reason| Err(Error::InvalidPseudonymPath { part: part.to_owned(), reason });
	if part.is_empty() {
		return refuse("it is empty");
	}
	if part.len() > MAX_PATH_PART_LEN {
		return refuse("it is longer than 256 bytes");
	}
	if part.contains('/') {
		return refuse("it contains '/', which separates junctions");
	}
	if part.chars().any(char::is_control) {
		return refuse("it contains control characters");
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::str::FromStr;
	use subxt_signer::{SecretUri, DEV_PHRASE};

	fn dev() -> Identity {
		Identity::from_phrase(DEV_PHRASE).unwrap()
	}

	#[test]
	fn generated_mnemonics_have_the_requested_length_and_restore() {
		for (words, count) in [(WordCount::Twelve, 12), (WordCount::TwentyFour, 24)] {
			let identity = Identity::generate(words).unwrap();
			assert_eq!(identity.word_count(), count);
			assert_eq!(identity.phrase().split(' ').count(), count);
			let restored = Identity::from_phrase(&identity.phrase()).unwrap();
			assert_eq!(restored.account_id(), identity.account_id());
			assert_eq!(restored.x25519_public(), identity.x25519_public());
		}
		let a = Identity::generate(WordCount::Twelve).unwrap();
		let b = Identity::generate(WordCount::Twelve).unwrap();
		assert_ne!(a.account_id(), b.account_id());
	}

	#[test]
	fn the_account_is_the_substrate_account_of_the_phrase() {
		// `subkey inspect "bottom drive obey ... walk"`: the development phrase's root key.
		assert_eq!(
			hex::encode(dev().account_id()),
			"46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"
		);
		// Leading and trailing blanks do not matter.
		let padded = Identity::from_phrase(&format!("  {DEV_PHRASE}\n")).unwrap();
		assert_eq!(padded.account_id(), dev().account_id());
	}

	#[test]
	fn bad_mnemonics_are_refused() {
		let mut words: Vec<&str> = DEV_PHRASE.split(' ').collect();
		// Bad checksum: two words swapped.
		words.swap(0, 1);
		assert!(matches!(
			Identity::from_phrase(&words.join(" ")),
			Err(Error::InvalidMnemonic(bip39::Error::InvalidChecksum))
		));
		// Unknown word.
		let unknown = DEV_PHRASE.replace("bottom", "bottomz");
		assert!(matches!(
			Identity::from_phrase(&unknown),
			Err(Error::InvalidMnemonic(bip39::Error::UnknownWord(0)))
		));
		// Wrong word count.
		assert!(matches!(
			Identity::from_phrase("bottom drive obey"),
			Err(Error::InvalidMnemonic(bip39::Error::BadWordCount(3)))
		));
		assert!(matches!(Identity::from_phrase(""), Err(Error::InvalidMnemonic(_))));
		let message = Identity::from_phrase(&unknown).unwrap_err().to_string();
		assert!(message.starts_with("invalid mnemonic"), "{message}");
	}

	#[test]
	fn pseudonyms_are_deterministic_distinct_and_unlinked_to_the_root() {
		let identity = dev();
		let a = identity.pseudonym(KIND_PROVIDER, "42").unwrap();
		assert_eq!(a.path(), "//medchain//provider//42");
		assert_eq!(a.account_id(), dev().pseudonym(KIND_PROVIDER, "42").unwrap().account_id());
		assert_eq!(
			a.x25519_public(),
			dev().pseudonym(KIND_PROVIDER, "42").unwrap().x25519_public()
		);

		let others = [
			identity.pseudonym(KIND_PROVIDER, "43").unwrap(),
			identity.pseudonym(KIND_STUDY, "42").unwrap(),
			identity.pseudonym("rel", "42").unwrap(),
		];
		for other in &others {
			assert_ne!(other.account_id(), a.account_id());
			assert_ne!(other.x25519_public(), a.x25519_public());
		}
		for pseudonym in others.iter().chain([&a]) {
			assert_ne!(pseudonym.account_id(), identity.account_id());
			assert_ne!(pseudonym.x25519_public(), identity.x25519_public());
		}
		// Another mnemonic, another pseudonym.
		let stranger = Identity::generate(WordCount::Twelve).unwrap();
		assert_ne!(stranger.pseudonym(KIND_PROVIDER, "42").unwrap().account_id(), a.account_id());
	}

	#[test]
	fn pseudonyms_are_the_hard_derived_accounts_of_the_secret_uri() {
		// What Polkadot.js or subkey derive from `<mnemonic>//medchain//<kind>//<id>`.
		let identity = dev();
		for (kind, id) in [(KIND_PROVIDER, "42"), (KIND_STUDY, "0x5f3a"), ("rel", "clinic-a")] {
			let uri =
				SecretUri::from_str(&format!("{DEV_PHRASE}//medchain//{kind}//{id}")).unwrap();
			assert!(uri.junctions.iter().all(DeriveJunction::is_hard));
			let expected = sr25519::Keypair::from_uri(&uri).unwrap().public_key().0;
			assert_eq!(identity.pseudonym(kind, id).unwrap().account_id(), expected);
		}
		// A soft path gives another account.
		let soft = SecretUri::from_str(&format!("{DEV_PHRASE}/medchain/provider/42")).unwrap();
		assert_ne!(
			sr25519::Keypair::from_uri(&soft).unwrap().public_key().0,
			identity.pseudonym(KIND_PROVIDER, "42").unwrap().account_id()
		);
	}

	#[test]
	fn bad_pseudonym_paths_are_refused() {
		let identity = dev();
		for (kind, id) in [("", "1"), ("provider", ""), ("provider", "a/b"), ("pro/vider", "1")] {
			assert!(matches!(
				identity.pseudonym(kind, id),
				Err(Error::InvalidPseudonymPath { .. })
			));
		}
		assert!(identity.pseudonym("provider", "a\nb").is_err());
		assert!(identity.pseudonym("provider", &"x".repeat(MAX_PATH_PART_LEN + 1)).is_err());
		assert!(identity.pseudonym("provider", &"x".repeat(MAX_PATH_PART_LEN)).is_ok());
	}

	#[test]
	fn the_same_mnemonic_gives_the_same_x25519_key() {
		let a = dev();
		let b = dev();
		assert_eq!(a.x25519_public(), b.x25519_public());
		assert_eq!(a.x25519_secret().to_bytes(), b.x25519_secret().to_bytes());
		assert_eq!(
			X25519PublicKey::from(a.x25519_secret()).to_bytes(),
			a.x25519_public(),
			"the public key matches the secret"
		);
		// It is the documented HKDF of the BIP-39 seed.
		let seed = Mnemonic::parse(DEV_PHRASE).unwrap().to_seed("");
		let mut okm = [0u8; 32];
		Hkdf::<Sha256>::new(None, &seed).expand(b"medchain/x25519/v1", &mut okm).unwrap();
		assert_eq!(a.x25519_secret().to_bytes(), okm);
		assert_ne!(
			Identity::generate(WordCount::Twelve).unwrap().x25519_public(),
			a.x25519_public()
		);
	}

	#[test]
	fn signatures_verify_with_schnorrkel_in_the_substrate_context() {
		assert_eq!(crate::protocol::SIGNING_CONTEXT, b"substrate");
		let identity = dev();
		let message = crate::protocol::auth_message(&[7; 32], "GET", "/v1/records/1", &[0; 32]);
		for (account, signature) in [(identity.account_id(), identity.sign(&message)), {
			let pseudonym = identity.pseudonym(KIND_STUDY, "9").unwrap();
			(pseudonym.account_id(), pseudonym.sign(&message))
		}] {
			let public = schnorrkel::PublicKey::from_bytes(&account).unwrap();
			let sig = schnorrkel::Signature::from_bytes(&signature).unwrap();
			public.verify_simple(crate::protocol::SIGNING_CONTEXT, &message, &sig).unwrap();
			assert!(public.verify_simple(b"other", &message, &sig).is_err());
			assert!(public.verify_simple(b"substrate", b"another message", &sig).is_err());
			assert!(verify(&account, &message, &signature));
			assert!(!verify(&account, b"another message", &signature));
		}
		assert!(!verify(
			&dev().pseudonym(KIND_STUDY, "9").unwrap().account_id(),
			&message,
			&identity.sign(&message)
		));
	}

	#[test]
	fn debug_shows_no_secret() {
		let identity = dev();
		let shown = format!("{identity:?} {:?}", identity.pseudonym(KIND_PROVIDER, "1").unwrap());
		assert!(!shown.contains("bottom"), "{shown}");
		assert!(shown.contains(&hex::encode(identity.account_id())));
	}
}
