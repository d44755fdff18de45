//! The vault's own sr25519 key: it signs erasure receipts, and the transactions that write
//! patients' access logs on chain (see [`VaultKey::chain_signer`]).
//!
//! Kept as a 32-byte seed (`0x` hex, one line) in `<data-dir>/vault-key.secret`, readable by
//! the vault's user only, created on first start. The seed is expanded the way Substrate
//! expands sr25519 seeds (schnorrkel's `ExpansionMode::Ed25519`), so `subkey inspect 0x<seed>`
//! shows the vault's account, e.g. to register it on chain as the custodian or a provider.

use std::{
	fs, io,
	path::{Path, PathBuf},
};

use medchain_client::protocol::{self, ErasureReceipt, SIGNING_CONTEXT};
use rand_core::{OsRng, RngCore};
use schnorrkel::{ExpansionMode, Keypair, MiniSecretKey};
use zeroize::Zeroizing;

use crate::{
	encoding::{from_hex, to_hex},
	store::write_new_file,
	AccountId, Hash,
};

/// The file, in the data directory, that holds the vault's seed.
pub const KEY_FILE: &str = "vault-key.secret";

/// Why the vault's key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// The key file could not be read or written.
	#[error("vault key file {path}: {source}")]
	Io {
		/// The file.
		path: PathBuf,
		/// What failed.
		source: io::Error,
	},
	/// The key file does not hold a `0x` hex seed of 32 bytes.
	#[error("vault key file {0} does not hold a 0x hex seed of 32 bytes")]
	Malformed(PathBuf),
	/// schnorrkel refused the seed (it accepts every 32-byte seed; kept for completeness).
	#[error("invalid vault key seed")]
	InvalidSeed,
	/// No randomness for a new key.
	#[error("no randomness available for a new vault key")]
	NoRandomness,
}

/// The vault's signing key.
pub struct VaultKey {
	seed: Zeroizing<[u8; 32]>,
	keypair: Keypair,
}

impl std::fmt::Debug for VaultKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("VaultKey").field("public", &to_hex(&self.public())).finish()
	}
}

impl VaultKey {
	/// The key from a 32-byte seed.
	pub fn from_seed(seed: &[u8; 32]) -> Result<Self, KeyError> {
		let mini = MiniSecretKey::from_bytes(seed).map_err(|_| KeyError::InvalidSeed)?;
		Ok(Self {
			seed: Zeroizing::new(*seed),
			keypair: mini.expand_to_keypair(ExpansionMode::Ed25519),
		})
	}

	/// The same key as a transaction signer for the chain (subxt): the same seed, expanded the
	/// same way, so the same account.
	pub fn chain_signer(&self) -> Result<subxt_signer::sr25519::Keypair, KeyError> {
		subxt_signer::sr25519::Keypair::from_secret_key(*self.seed)
			.map_err(|_| KeyError::InvalidSeed)
	}

	/// A new random key (not stored).
	pub fn generate() -> Result<Self, KeyError> {
		let mut seed = Zeroizing::new([0u8; 32]);
		OsRng.try_fill_bytes(seed.as_mut()).map_err(|_| KeyError::NoRandomness)?;
		Self::from_seed(&seed)
	}

	/// The key stored in `data_dir`, created (and stored) if there is none.
	pub fn load_or_create(data_dir: &Path) -> Result<Self, KeyError> {
		let path = data_dir.join(KEY_FILE);
		let io_error = |source| KeyError::Io { path: path.clone(), source };
		match fs::read_to_string(&path) {
			Ok(text) => {
				let text = Zeroizing::new(text);
				let seed = Zeroizing::new(
					from_hex::<32>(text.trim()).ok_or_else(|| KeyError::Malformed(path.clone()))?,
				);
				return Self::from_seed(&seed);
			},
			Err(e) if e.kind() == io::ErrorKind::NotFound => {},
			Err(e) => return Err(io_error(e)),
		}
		let mut seed = Zeroizing::new([0u8; 32]);
		OsRng.try_fill_bytes(seed.as_mut()).map_err(|_| KeyError::NoRandomness)?;
		let text = Zeroizing::new(format!("{}\n", to_hex(seed.as_ref())));
		// Written whole under a temporary name, then linked into place: a crash leaves either no
		// key file or a complete one, and if another process created one meanwhile, that one wins.
		let mut nonce = [0u8; 8];
		OsRng.try_fill_bytes(&mut nonce).map_err(|_| KeyError::NoRandomness)?;
		let staging = data_dir.join(format!(".{KEY_FILE}.{}", hex::encode(nonce)));
		write_new_file(&staging, text.as_bytes()).map_err(io_error)?;
		let linked = fs::hard_link(&staging, &path);
		let _ = fs::remove_file(&staging);
		match linked {
			Ok(()) => {
				crate::store::sync_dir(data_dir).map_err(io_error)?;
				Self::from_seed(&seed)
			},
			Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Self::load_or_create(data_dir),
			Err(e) => Err(io_error(e)),
		}
	}

	/// The vault's public key (its account).
	pub fn public(&self) -> AccountId {
		self.keypair.public.to_bytes()
	}

	/// Signs [`protocol::receipt_message`]: the vault erased `object` of `owner` at `erased_at`.
	pub fn erasure_receipt(
		&self,
		object: &Hash,
		owner: &AccountId,
		erased_at: u64,
	) -> ErasureReceipt {
		let message = protocol::receipt_message(object, owner, erased_at);
		let signature = self.keypair.sign_simple(SIGNING_CONTEXT, &message);
		ErasureReceipt {
			object: to_hex(object),
			owner: to_hex(owner),
			erased_at,
			vault: to_hex(&self.public()),
			signature: to_hex(&signature.to_bytes()),
		}
	}
}

/// Checks an erasure receipt: the signature of the vault it names over what it states. Returns
/// the vault's public key, for the caller to compare with the vault it expected.
pub fn verify_receipt(receipt: &ErasureReceipt) -> Option<AccountId> {
	let object = from_hex::<32>(&receipt.object)?;
	let owner = from_hex::<32>(&receipt.owner)?;
	let vault = from_hex::<32>(&receipt.vault)?;
	let signature = schnorrkel::Signature::from_bytes(&from_hex::<64>(&receipt.signature)?).ok()?;
	let public = schnorrkel::PublicKey::from_bytes(&vault).ok()?;
	let message = protocol::receipt_message(&object, &owner, receipt.erased_at);
	public.verify_simple(SIGNING_CONTEXT, &message, &signature).ok()?;
	Some(vault)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn key_is_created_once_and_reloaded() {
		let dir = tempfile::tempdir().unwrap();
		let first = VaultKey::load_or_create(dir.path()).unwrap();
		let again = VaultKey::load_or_create(dir.path()).unwrap();
		assert_eq!(first.public(), again.public());
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
			assert_eq!(mode & 0o077, 0, "the seed is private to the vault's user");
		}
		assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging file left");
	}

	#[test]
	fn malformed_key_file_is_an_error_not_a_new_key() {
		let dir = tempfile::tempdir().unwrap();
		fs::write(dir.path().join(KEY_FILE), "not a seed").unwrap();
		assert!(matches!(VaultKey::load_or_create(dir.path()), Err(KeyError::Malformed(_))));
	}

	#[test]
	fn seed_expands_like_substrate() {
		// Alice's well-known dev seed and account (sr25519, `//Alice`).
		let seed =
			from_hex::<32>("0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a")
				.unwrap();
		assert_eq!(
			to_hex(&VaultKey::from_seed(&seed).unwrap().public()),
			"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
		);
	}

	#[test]
	fn chain_signer_is_the_vault_account() {
		let key = VaultKey::generate().unwrap();
		assert_eq!(key.chain_signer().unwrap().public_key().0, key.public());
	}

	#[test]
	fn receipts_verify_and_bind_their_fields() {
		let key = VaultKey::generate().unwrap();
		let receipt = key.erasure_receipt(&[1; 32], &[2; 32], 99);
		assert_eq!(verify_receipt(&receipt), Some(key.public()));
		assert_eq!(verify_receipt(&ErasureReceipt { erased_at: 100, ..receipt.clone() }), None);
		assert_eq!(verify_receipt(&ErasureReceipt { owner: to_hex(&[3; 32]), ..receipt }), None);
	}
}
