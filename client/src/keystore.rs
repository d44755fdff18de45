//! The local keystore: named identities' mnemonics in one JSON file, each encrypted under a key
//! derived from a passphrase.
//!
//! ## Format (version 1)
//! ```json
//! {
//!   "format": "medchain-keystore",
//!   "version": 1,
//!   "identities": [
//!     {
//!       "name": "alice",
//!       "account": "0x46eb…b47a",
//!       "kdf": {
//!         "algorithm": "argon2id",
//!         "version": 19,
//!         "memory_kib": 65536,
//!         "iterations": 3,
//!         "parallelism": 1,
//!         "salt": "<16 random bytes, hex>"
//!       },
//!       "cipher": "xchacha20poly1305",
//!       "nonce": "<24 random bytes, hex>",
//!       "ciphertext": "<the mnemonic's words (UTF-8) encrypted, then the 16-byte tag, hex>"
//!     }
//!   ]
//! }
//! ```
//! - The entry key is `Argon2id(passphrase, salt, memory_kib, iterations, parallelism)`,
//!   version 0x13 (19), 32 bytes. Every entry has its own salt and parameters, stored with it,
//!   so entries may have different passphrases and parameters can be raised for new entries
//!   without breaking old ones.
//! - The mnemonic is encrypted with XChaCha20-Poly1305 under the entry key, with a random nonce
//!   and the associated data `"medchain-keystore" ++ version (u32 little-endian) ++ name`: an
//!   entry moved to another name or into a file of another version does not open.
//! - `account` (the sr25519 public key) lets a tool list identities without a passphrase; it is
//!   checked against the decrypted mnemonic when the entry is unlocked.
//!
//! A wrong passphrase and an altered entry both fail authentication and give
//! [`Error::WrongPassphrase`]; a file that is not a keystore gives [`Error::KeystoreCorrupt`] or
//! [`Error::KeystoreVersion`]. Nothing in a file can make this module panic, and parameters
//! beyond [`MAX_MEMORY_KIB`], [`MAX_ITERATIONS`] and [`MAX_PARALLELISM`] are refused so that a
//! planted file cannot exhaust memory or time.
//!
//! Every change rewrites the whole file atomically: a temporary file in the same directory
//! (mode 0600 on Unix), flushed to disk, then renamed over the keystore. Two processes that
//! change the same keystore at once do not corrupt it, but the last writer wins.

use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::{
	aead::{Aead, Payload},
	KeyInit, XChaCha20Poly1305, XNonce,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{
	keys::{AccountId, Identity},
	Error,
};

/// The keystore format version this library reads and writes.
pub const KEYSTORE_VERSION: u32 = 1;
/// The value of a keystore file's `format` field.
pub const KEYSTORE_FORMAT: &str = "medchain-keystore";
/// The first part of an entry's associated data.
pub const AAD_DOMAIN: &[u8] = b"medchain-keystore";
/// The longest identity name, in bytes.
pub const MAX_NAME_LEN: usize = 64;
/// The largest Argon2id memory cost a keystore file may ask for, in KiB (1 GiB).
pub const MAX_MEMORY_KIB: u32 = 1 << 20;
/// The largest Argon2id iteration count a keystore file may ask for.
pub const MAX_ITERATIONS: u32 = 64;
/// The largest Argon2id parallelism a keystore file may ask for.
pub const MAX_PARALLELISM: u32 = 16;
/// The largest keystore file read, in bytes.
pub const MAX_FILE_LEN: u64 = 4 << 20;

const KDF_ALGORITHM: &str = "argon2id";
const CIPHER: &str = "xchacha20poly1305";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// The Argon2id cost of the key of a keystore entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
	/// Memory, in KiB.
	pub memory_kib: u32,
	/// Passes over the memory.
	pub iterations: u32,
	/// Lanes.
	pub parallelism: u32,
}

impl Default for KdfParams {
	/// 64 MiB, 3 passes, 1 lane: RFC 9106's second recommended setting with one lane (the
	/// computation is single-threaded here anyway).
	fn default() -> Self {
		KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 }
	}
}

impl KdfParams {
	/// The Argon2id instance with these costs and a 32-byte output, if they are acceptable.
	fn argon2(self) -> Result<Argon2<'static>, String> {
		if self.memory_kib > MAX_MEMORY_KIB {
			return Err(format!(
				"Argon2 memory {} KiB exceeds {MAX_MEMORY_KIB} KiB",
				self.memory_kib
			));
		}
		if self.iterations > MAX_ITERATIONS {
			return Err(format!("Argon2 iterations {} exceed {MAX_ITERATIONS}", self.iterations));
		}
		if self.parallelism > MAX_PARALLELISM {
			return Err(format!(
				"Argon2 parallelism {} exceeds {MAX_PARALLELISM}",
				self.parallelism
			));
		}
		let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
			.map_err(|error| format!("Argon2 parameters refused: {error}"))?;
		Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
	}
}

/// One identity in a keystore, as listed without its passphrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
	/// The identity's name.
	pub name: String,
	/// Its main sr25519 account, as recorded in the file.
	pub account: AccountId,
}

/// A keystore file and its entries, as read from disk. Every change is written back at once.
#[derive(Debug)]
pub struct Keystore {
	path: PathBuf,
	entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
	name: String,
	account: AccountId,
	kdf: KdfParams,
	salt: Vec<u8>,
	nonce: [u8; NONCE_LEN],
	ciphertext: Vec<u8>,
}

impl Keystore {
	/// Reads the keystore file at `path`. A file that does not exist is an empty keystore, created
	/// (with its directory) by the first [`Keystore::add`].
	pub fn open(path: impl Into<PathBuf>) -> Result<Self, Error> {
		let path = path.into();
		let io = |source| Error::Io { path: path.clone(), source };
		let text = match fs::metadata(&path) {
			Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
				return Ok(Keystore { path, entries: Vec::new() })
			},
			Err(error) => return Err(io(error)),
			Ok(metadata) if metadata.len() > MAX_FILE_LEN => {
				return Err(corrupt(&path, format!("larger than {MAX_FILE_LEN} bytes")))
			},
			Ok(_) => fs::read(&path).map_err(io)?,
		};
		let entries = parse(&path, &text)?;
		Ok(Keystore { path, entries })
	}

	/// The keystore file.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// The identities, in the order they were added.
	pub fn list(&self) -> Vec<EntryInfo> {
		self.entries
			.iter()
			.map(|entry| EntryInfo { name: entry.name.clone(), account: entry.account })
			.collect()
	}

	/// Whether an identity of this name is in the keystore.
	pub fn contains(&self, name: &str) -> bool {
		self.entries.iter().any(|entry| entry.name == name)
	}

	/// Encrypts `identity`'s mnemonic under `passphrase` as the entry `name` and writes the file.
	///
	/// Names are 1 to [`MAX_NAME_LEN`] bytes, without control characters or surrounding blanks.
	pub fn add(&mut self, name: &str, identity: &Identity, passphrase: &str) -> Result<(), Error> {
		self.add_with_params(name, identity, passphrase, KdfParams::default())
	}

	/// [`Keystore::add`] with other Argon2id costs (at most [`MAX_MEMORY_KIB`],
	/// [`MAX_ITERATIONS`] and [`MAX_PARALLELISM`]; lower costs than the default make the
	/// passphrase easier to guess from a stolen file).
	pub fn add_with_params(
		&mut self,
		name: &str,
		identity: &Identity,
		passphrase: &str,
		kdf: KdfParams,
	) -> Result<(), Error> {
		check_name(name)?;
		if self.contains(name) {
			return Err(Error::IdentityExists(name.to_owned()));
		}
		let entry = seal_entry(name, identity, passphrase, kdf)?;
		self.entries.push(entry);
		self.save().inspect_err(|_| {
			self.entries.pop();
		})
	}

	/// Decrypts the entry `name` with `passphrase`: [`Error::UnknownIdentity`] if there is no
	/// such entry, [`Error::WrongPassphrase`] if the passphrase (or the entry) is wrong.
	pub fn unlock(&self, name: &str, passphrase: &str) -> Result<Identity, Error> {
		let entry = self.entry(name)?;
		let key = entry_key(&entry.kdf, &entry.salt, passphrase)
			.map_err(|reason| corrupt(&self.path, reason))?;
		let phrase = Zeroizing::new(
			cipher(&key)
				.decrypt(
					XNonce::from_slice(&entry.nonce),
					Payload { msg: &entry.ciphertext, aad: &associated_data(name) },
				)
				.map_err(|_| Error::WrongPassphrase)?,
		);
		let phrase = std::str::from_utf8(&phrase)
			.map_err(|_| corrupt(&self.path, format!("entry {name:?} holds no text")))?;
		let identity = Identity::from_phrase(phrase).map_err(|error| {
			corrupt(&self.path, format!("entry {name:?} holds no valid mnemonic: {error}"))
		})?;
		if identity.account_id() != entry.account {
			return Err(corrupt(
				&self.path,
				format!("entry {name:?}: the recorded account is not the mnemonic's account"),
			));
		}
		Ok(identity)
	}

	/// Re-encrypts the entry `name` under `new_passphrase` (with a new salt and nonce, and the
	/// default costs) and writes the file.
	pub fn change_passphrase(
		&mut self,
		name: &str,
		old_passphrase: &str,
		new_passphrase: &str,
	) -> Result<(), Error> {
		let identity = self.unlock(name, old_passphrase)?;
		let entry = seal_entry(name, &identity, new_passphrase, KdfParams::default())?;
		let index = self.index(name)?;
		let previous = std::mem::replace(&mut self.entries[index], entry);
		self.save().inspect_err(|_| {
			self.entries[index] = previous;
		})
	}

	/// Removes the entry `name` and writes the file. The mnemonic is gone from this keystore (but
	/// not from backups of the file or of the phrase).
	pub fn remove(&mut self, name: &str) -> Result<(), Error> {
		let index = self.index(name)?;
		let removed = self.entries.remove(index);
		self.save().inspect_err(|_| {
			self.entries.insert(index, removed);
		})
	}

	fn index(&self, name: &str) -> Result<usize, Error> {
		self.entries
			.iter()
			.position(|entry| entry.name == name)
			.ok_or_else(|| Error::UnknownIdentity(name.to_owned()))
	}

	fn entry(&self, name: &str) -> Result<&Entry, Error> {
		self.index(name).map(|index| &self.entries[index])
	}

	/// Writes the file atomically: temporary file (0600), flush to disk, rename, then flush the
	/// directory.
	fn save(&self) -> Result<(), Error> {
		let io = |source| Error::Io { path: self.path.clone(), source };
		let file = File {
			format: KEYSTORE_FORMAT.to_owned(),
			version: KEYSTORE_VERSION,
			identities: self.entries.iter().map(FileEntry::from).collect(),
		};
		let mut text = serde_json::to_vec_pretty(&file)
			.map_err(|error| Error::Io { path: self.path.clone(), source: error.into() })?;
		text.push(b'\n');

		let directory = match self.path.parent() {
			Some(parent) if !parent.as_os_str().is_empty() => parent,
			_ => Path::new("."),
		};
		create_private_dir(directory).map_err(io)?;
		let mut temporary = tempfile::Builder::new()
			.prefix(".keystore-")
			.suffix(".tmp")
			.tempfile_in(directory)
			.map_err(io)?;
		set_private(temporary.as_file()).map_err(io)?;
		temporary.write_all(&text).map_err(io)?;
		temporary.as_file().sync_all().map_err(io)?;
		temporary.persist(&self.path).map_err(|error| io(error.error))?;
		// Make the rename itself durable. Some file systems refuse to sync a directory; the
		// file is complete either way, so that is not an error.
		if let Ok(directory) = fs::File::open(directory) {
			let _ = directory.sync_all();
		}
		Ok(())
	}
}

fn seal_entry(
	name: &str,
	identity: &Identity,
	passphrase: &str,
	kdf: KdfParams,
) -> Result<Entry, Error> {
	if passphrase.is_empty() {
		return Err(Error::EmptyPassphrase);
	}
	let mut salt = vec![0u8; SALT_LEN];
	crate::fill_random(&mut salt)?;
	let mut nonce = [0u8; NONCE_LEN];
	crate::fill_random(&mut nonce)?;
	let key = entry_key(&kdf, &salt, passphrase).map_err(Error::KdfParams)?;
	let phrase = identity.phrase();
	let ciphertext = cipher(&key)
		.encrypt(
			XNonce::from_slice(&nonce),
			Payload { msg: phrase.as_bytes(), aad: &associated_data(name) },
		)
		.map_err(|_| Error::Encryption)?;
	Ok(Entry {
		name: name.to_owned(),
		account: identity.account_id(),
		kdf,
		salt,
		nonce,
		ciphertext,
	})
}

/// `Argon2id(passphrase, salt)` with the entry's costs; the error is why the costs are refused.
fn entry_key(
	kdf: &KdfParams,
	salt: &[u8],
	passphrase: &str,
) -> Result<Zeroizing<[u8; 32]>, String> {
	let mut key = Zeroizing::new([0u8; 32]);
	kdf.argon2()?
		.hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
		.map_err(|error| format!("Argon2 refused the entry: {error}"))?;
	Ok(key)
}

fn associated_data(name: &str) -> Vec<u8> {
	let mut aad = Vec::with_capacity(AAD_DOMAIN.len() + 4 + name.len());
	aad.extend_from_slice(AAD_DOMAIN);
	aad.extend_from_slice(&KEYSTORE_VERSION.to_le_bytes());
	aad.extend_from_slice(name.as_bytes());
	aad
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
	XChaCha20Poly1305::new(key.into())
}

fn check_name(name: &str) -> Result<(), Error> {
	let refuse = |reason| Err(Error::InvalidName { name: name.to_owned(), reason });
	if name.is_empty() {
		return refuse("it is empty");
	}
	if name.len() > MAX_NAME_LEN {
		return refuse("it is longer than 64 bytes");
	}
	if name.chars().any(char::is_control) {
		return refuse("it contains control characters");
	}
	if name.trim() != name {
		return refuse("it starts or ends with blanks");
	}
	Ok(())
}

fn corrupt(path: &Path, reason: impl Into<String>) -> Error {
	Error::KeystoreCorrupt { path: path.to_owned(), reason: reason.into() }
}

/// The file as JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	format: String,
	version: u32,
	identities: Vec<FileEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
	name: String,
	account: String,
	kdf: FileKdf,
	cipher: String,
	nonce: String,
	ciphertext: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKdf {
	algorithm: String,
	version: u32,
	memory_kib: u32,
	iterations: u32,
	parallelism: u32,
	salt: String,
}

/// Only the version first, so that a newer file gets [`Error::KeystoreVersion`], not a parse error.
#[derive(Deserialize)]
struct FileHead {
	format: String,
	version: u32,
}

impl From<&Entry> for FileEntry {
	fn from(entry: &Entry) -> Self {
		FileEntry {
			name: entry.name.clone(),
			account: format!("0x{}", hex::encode(entry.account)),
			kdf: FileKdf {
				algorithm: KDF_ALGORITHM.to_owned(),
				version: u32::from(Version::V0x13),
				memory_kib: entry.kdf.memory_kib,
				iterations: entry.kdf.iterations,
				parallelism: entry.kdf.parallelism,
				salt: hex::encode(&entry.salt),
			},
			cipher: CIPHER.to_owned(),
			nonce: hex::encode(entry.nonce),
			ciphertext: hex::encode(&entry.ciphertext),
		}
	}
}

fn parse(path: &Path, text: &[u8]) -> Result<Vec<Entry>, Error> {
	let head: FileHead = serde_json::from_slice(text)
		.map_err(|error| corrupt(path, format!("not a keystore file: {error}")))?;
	if head.format != KEYSTORE_FORMAT {
		return Err(corrupt(path, format!("format is {:?}, not {KEYSTORE_FORMAT:?}", head.format)));
	}
	if head.version != KEYSTORE_VERSION {
		return Err(Error::KeystoreVersion {
			path: path.to_owned(),
			found: head.version,
			supported: KEYSTORE_VERSION,
		});
	}
	let file: File = serde_json::from_slice(text)
		.map_err(|error| corrupt(path, format!("malformed keystore: {error}")))?;
	let mut entries: Vec<Entry> = Vec::with_capacity(file.identities.len());
	for raw in file.identities {
		let entry = parse_entry(raw).map_err(|reason| corrupt(path, reason))?;
		if entries.iter().any(|other| other.name == entry.name) {
			return Err(corrupt(path, format!("two entries are named {:?}", entry.name)));
		}
		entries.push(entry);
	}
	Ok(entries)
}

fn parse_entry(raw: FileEntry) -> Result<Entry, String> {
	let name = raw.name;
	let at = |what: &str| format!("entry {name:?}: {what}");
	check_name(&name).map_err(|error| at(&error.to_string()))?;
	let account = decode_fixed::<32>(raw.account.strip_prefix("0x").unwrap_or(&raw.account))
		.ok_or_else(|| at("account is not 32 bytes of hex"))?;
	if raw.kdf.algorithm != KDF_ALGORITHM {
		return Err(at(&format!("key derivation {:?} is not supported", raw.kdf.algorithm)));
	}
	if raw.kdf.version != u32::from(Version::V0x13) {
		return Err(at(&format!("Argon2 version {} is not supported", raw.kdf.version)));
	}
	let kdf = KdfParams {
		memory_kib: raw.kdf.memory_kib,
		iterations: raw.kdf.iterations,
		parallelism: raw.kdf.parallelism,
	};
	kdf.argon2().map_err(|reason| at(&reason))?;
	let salt = hex::decode(&raw.kdf.salt).map_err(|_| at("salt is not hex"))?;
	if !(argon2::MIN_SALT_LEN..=64).contains(&salt.len()) {
		return Err(at("salt length is not between 8 and 64 bytes"));
	}
	if raw.cipher != CIPHER {
		return Err(at(&format!("cipher {:?} is not supported", raw.cipher)));
	}
	let nonce =
		decode_fixed::<NONCE_LEN>(&raw.nonce).ok_or_else(|| at("nonce is not 24 bytes of hex"))?;
	let ciphertext = hex::decode(&raw.ciphertext).map_err(|_| at("ciphertext is not hex"))?;
	if ciphertext.len() < 16 {
		return Err(at("ciphertext is shorter than its tag"));
	}
	Ok(Entry { name, account, kdf, salt, nonce, ciphertext })
}

fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
	let mut out = [0u8; N];
	hex::decode_to_slice(text, &mut out).ok()?;
	Some(out)
}

#[cfg(unix)]
fn set_private(file: &fs::File) -> std::io::Result<()> {
	use std::os::unix::fs::PermissionsExt;
	file.set_permissions(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_file: &fs::File) -> std::io::Result<()> {
	Ok(())
}

/// Creates the keystore's directory if missing (0700 on Unix); an existing one is left as it is.
fn create_private_dir(directory: &Path) -> std::io::Result<()> {
	if directory.is_dir() {
		return Ok(());
	}
	let mut builder = fs::DirBuilder::new();
	builder.recursive(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::DirBuilderExt;
		builder.mode(0o700);
	}
	builder.create(directory)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::WordCount;
	use subxt_signer::DEV_PHRASE;

	/// Cheap costs, so that the many unlocks below stay fast; the round trip uses the defaults.
	const FAST: KdfParams = KdfParams { memory_kib: 256, iterations: 1, parallelism: 1 };

	fn dev() -> Identity {
		Identity::from_phrase(DEV_PHRASE).unwrap()
	}

	/// A keystore with the development identity as "dev" under "correct horse", and its path.
	fn fixture() -> (tempfile::TempDir, PathBuf) {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keystore.json");
		let mut store = Keystore::open(&path).unwrap();
		store.add_with_params("dev", &dev(), "correct horse", FAST).unwrap();
		(dir, path)
	}

	fn edit(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
		let mut json: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
		change(&mut json);
		fs::write(path, serde_json::to_vec(&json).unwrap()).unwrap();
	}

	#[test]
	fn identities_round_trip_through_the_file() {
		let dir = tempfile::tempdir().unwrap();
		// The directory is created on the first write.
		let path = dir.path().join("config").join("keystore.json");
		let mut store = Keystore::open(&path).unwrap();
		assert!(store.list().is_empty());
		let fresh = Identity::generate(WordCount::TwentyFour).unwrap();
		store.add("dev", &dev(), "correct horse").unwrap();
		store.add("fresh", &fresh, "battery staple").unwrap();

		let reopened = Keystore::open(&path).unwrap();
		assert_eq!(
			reopened.list(),
			vec![
				EntryInfo { name: "dev".into(), account: dev().account_id() },
				EntryInfo { name: "fresh".into(), account: fresh.account_id() },
			]
		);
		let unlocked = reopened.unlock("fresh", "battery staple").unwrap();
		assert_eq!(unlocked.phrase(), fresh.phrase());
		assert_eq!(unlocked.x25519_public(), fresh.x25519_public());
		assert_eq!(
			reopened.unlock("dev", "correct horse").unwrap().account_id(),
			dev().account_id()
		);

		// The file holds the documented fields and no word of the phrase.
		let text = fs::read_to_string(&path).unwrap();
		for word in DEV_PHRASE.split(' ').chain(fresh.phrase().split(' ')) {
			assert!(!text.contains(&format!("{word} ")), "{word} in clear");
		}
		let json: serde_json::Value = serde_json::from_str(&text).unwrap();
		assert_eq!(json["format"], "medchain-keystore");
		assert_eq!(json["version"], 1);
		let entry = &json["identities"][0];
		assert_eq!(entry["kdf"]["algorithm"], "argon2id");
		assert_eq!(entry["kdf"]["version"], 19);
		assert_eq!(entry["kdf"]["memory_kib"], 65536);
		assert_eq!(entry["kdf"]["iterations"], 3);
		assert_eq!(entry["kdf"]["salt"].as_str().unwrap().len(), 32);
		assert_eq!(entry["nonce"].as_str().unwrap().len(), 48);
		assert_eq!(entry["cipher"], "xchacha20poly1305");
		assert_eq!(entry["account"], format!("0x{}", hex::encode(dev().account_id())));

		// Only the keystore is in the directory: the temporary files were renamed.
		let names: Vec<_> =
			fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
		assert_eq!(names, vec![std::ffi::OsString::from("keystore.json")]);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
			assert_eq!(
				fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777,
				0o700
			);
		}
	}

	#[test]
	fn a_wrong_passphrase_is_refused() {
		let (_dir, path) = fixture();
		let store = Keystore::open(&path).unwrap();
		assert!(matches!(store.unlock("dev", "correct horse "), Err(Error::WrongPassphrase)));
		assert!(matches!(store.unlock("dev", ""), Err(Error::WrongPassphrase)));
		assert!(matches!(store.unlock("nobody", "correct horse"), Err(Error::UnknownIdentity(_))));
		assert!(store.unlock("dev", "correct horse").is_ok());
	}

	#[test]
	fn altered_entries_do_not_open() {
		let (_dir, path) = fixture();
		let original = fs::read(&path).unwrap();
		let flip = |text: &str, index: usize| {
			let mut bytes = hex::decode(text).unwrap();
			bytes[index] ^= 0x01;
			serde_json::Value::String(hex::encode(bytes))
		};
		type Change = Box<dyn Fn(&mut serde_json::Value)>;
		let changes: Vec<(&str, Change)> = vec![
			(
				"ciphertext",
				Box::new(move |j| {
					let c = j["identities"][0]["ciphertext"].as_str().unwrap().to_owned();
					j["identities"][0]["ciphertext"] = flip(&c, 3);
				}),
			),
			(
				"tag",
				Box::new(move |j| {
					let c = j["identities"][0]["ciphertext"].as_str().unwrap().to_owned();
					let last = hex::decode(&c).unwrap().len() - 1;
					j["identities"][0]["ciphertext"] = flip(&c, last);
				}),
			),
			(
				"nonce",
				Box::new(move |j| {
					let n = j["identities"][0]["nonce"].as_str().unwrap().to_owned();
					j["identities"][0]["nonce"] = flip(&n, 0);
				}),
			),
			(
				"salt",
				Box::new(move |j| {
					let s = j["identities"][0]["kdf"]["salt"].as_str().unwrap().to_owned();
					j["identities"][0]["kdf"]["salt"] = flip(&s, 0);
				}),
			),
			("iterations", Box::new(|j| j["identities"][0]["kdf"]["iterations"] = 2.into())),
		];
		for (what, change) in changes {
			fs::write(&path, &original).unwrap();
			edit(&path, change);
			let store = Keystore::open(&path).unwrap();
			assert!(
				matches!(store.unlock("dev", "correct horse"), Err(Error::WrongPassphrase)),
				"{what}"
			);
		}

		// An entry moved to another name does not open under it.
		fs::write(&path, &original).unwrap();
		edit(&path, |j| j["identities"][0]["name"] = "other".into());
		let store = Keystore::open(&path).unwrap();
		assert!(matches!(store.unlock("other", "correct horse"), Err(Error::WrongPassphrase)));

		// A recorded account that is not the mnemonic's is caught on unlock.
		fs::write(&path, &original).unwrap();
		edit(&path, |j| {
			j["identities"][0]["account"] = format!("0x{}", hex::encode([9u8; 32])).into()
		});
		let store = Keystore::open(&path).unwrap();
		assert!(matches!(store.unlock("dev", "correct horse"), Err(Error::KeystoreCorrupt { .. })));
	}

	#[test]
	fn malformed_files_are_refused_without_panicking() {
		let (_dir, path) = fixture();
		let original = fs::read(&path).unwrap();
		type Case = Box<dyn Fn(&Path)>;
		let corrupt_cases: Vec<Case> = vec![
			Box::new(|p| fs::write(p, b"").unwrap()),
			Box::new(|p| fs::write(p, b"\xff\xfe not json").unwrap()),
			Box::new(|p| {
				let text = fs::read(p).unwrap();
				fs::write(p, &text[..text.len() / 2]).unwrap()
			}),
			Box::new(|p| edit(p, |j| j["format"] = "something-else".into())),
			Box::new(|p| edit(p, |j| j["extra"] = 1.into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["algorithm"] = "scrypt".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["version"] = 16.into())),
			Box::new(|p| {
				edit(p, |j| {
					j["identities"][0]["kdf"]["memory_kib"] = (u64::from(MAX_MEMORY_KIB) + 1).into()
				})
			}),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["memory_kib"] = 0.into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["iterations"] = 1_000_000.into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["parallelism"] = 0.into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["salt"] = "00".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["kdf"]["salt"] = "zz".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["cipher"] = "aes-256-gcm".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["nonce"] = "00ff".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["ciphertext"] = "00".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["account"] = "0x1234".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["name"] = "".into())),
			Box::new(|p| edit(p, |j| j["identities"][0]["nonce"] = serde_json::Value::Null)),
			Box::new(|p| {
				edit(p, |j| {
					let entry = j["identities"][0].clone();
					j["identities"].as_array_mut().unwrap().push(entry);
				})
			}),
		];
		for (index, case) in corrupt_cases.iter().enumerate() {
			fs::write(&path, &original).unwrap();
			case(&path);
			assert!(
				matches!(Keystore::open(&path), Err(Error::KeystoreCorrupt { .. })),
				"case {index}: {:?}",
				Keystore::open(&path)
			);
		}
		fs::write(&path, &original).unwrap();
		edit(&path, |j| j["version"] = 2.into());
		assert!(matches!(
			Keystore::open(&path),
			Err(Error::KeystoreVersion { found: 2, supported: 1, .. })
		));
		let message = Keystore::open(&path).unwrap_err().to_string();
		assert!(message.contains("version 2"), "{message}");
	}

	#[test]
	fn entries_are_added_changed_and_removed_with_clear_errors() {
		let (_dir, path) = fixture();
		let mut store = Keystore::open(&path).unwrap();
		assert!(matches!(
			store.add_with_params("dev", &dev(), "x", FAST),
			Err(Error::IdentityExists(_))
		));
		assert!(matches!(
			store.add_with_params("new", &dev(), "", FAST),
			Err(Error::EmptyPassphrase)
		));
		for bad in ["", " dev", "a\tb", &"n".repeat(MAX_NAME_LEN + 1)] {
			assert!(
				matches!(
					store.add_with_params(bad, &dev(), "x", FAST),
					Err(Error::InvalidName { .. })
				),
				"{bad:?}"
			);
		}
		let too_costly = KdfParams { memory_kib: MAX_MEMORY_KIB + 1, ..FAST };
		assert!(matches!(
			store.add_with_params("new", &dev(), "x", too_costly),
			Err(Error::KdfParams(_))
		));
		assert_eq!(store.list().len(), 1, "failed additions leave nothing behind");

		store.change_passphrase("dev", "correct horse", "new passphrase").unwrap();
		let reopened = Keystore::open(&path).unwrap();
		assert!(matches!(reopened.unlock("dev", "correct horse"), Err(Error::WrongPassphrase)));
		assert_eq!(
			reopened.unlock("dev", "new passphrase").unwrap().account_id(),
			dev().account_id()
		);
		assert!(matches!(
			store.change_passphrase("dev", "wrong", "x"),
			Err(Error::WrongPassphrase)
		));

		assert!(matches!(store.remove("nobody"), Err(Error::UnknownIdentity(_))));
		store.remove("dev").unwrap();
		assert!(!store.contains("dev"));
		assert!(Keystore::open(&path).unwrap().list().is_empty());
	}

	#[test]
	fn io_failures_are_io_errors_and_change_nothing() {
		let dir = tempfile::tempdir().unwrap();
		let blocker = dir.path().join("file");
		fs::write(&blocker, b"").unwrap();
		assert!(matches!(Keystore::open(blocker.join("keystore.json")), Err(Error::Io { .. })));
		assert!(matches!(Keystore::open(dir.path()), Err(Error::Io { .. })));

		// The keystore's place is taken by a directory after it was opened: the rename fails.
		let path = dir.path().join("keystore.json");
		let mut store = Keystore::open(&path).unwrap();
		fs::create_dir(&path).unwrap();
		assert!(matches!(store.add_with_params("dev", &dev(), "x", FAST), Err(Error::Io { .. })));
		assert!(store.list().is_empty());
	}
}
