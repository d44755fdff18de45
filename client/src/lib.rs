//! # medchain-client
//!
//! The library behind the `medchain` command-line tool and the `medchain-vault` service (work in
//! progress, issue 7): keys, record encryption and key envelopes, and the vault's wire protocol.
//!
//! A record is encrypted on the client and kept off-chain in a vault; the chain keeps only its
//! content hash (the BLAKE2-256 of the sealed bytes, an `H256`), a locator and a category. Its
//! key reaches each reader in a key envelope sealed to the reader's X25519 public key (a
//! registered provider publishes one as `encryption_key` in the participants registry).
//!
//! ## Modules
//! - [`keys`]: an [`keys::Identity`] from a BIP-39 mnemonic: the sr25519 account, pseudonyms
//!   (one account per relationship), an X25519 key pair for receiving record keys, signing.
//! - [`keystore`]: a passphrase-protected JSON file of named identities' mnemonics.
//! - [`envelope`]: sealing and opening records, content hashes, key envelopes, crypto-shredding.
//! - [`protocol`]: the vault's wire protocol (authentication, paths, JSON bodies).
//! - [`error`]: the one [`Error`] type, one variant per failure.
//!
//! ## Derivation paths
//! One mnemonic restores everything (no BIP-39 passphrase):
//! - main account: sr25519 of `<mnemonic>` (Substrate's derivation from the entropy: the same
//!   account as Polkadot.js or `subkey`);
//! - pseudonym of a relationship: sr25519 of `<mnemonic>//medchain//<kind>//<id>`, all junctions
//!   **hard** (soft junctions would let anyone who knows the main public key link the
//!   pseudonyms to it), e.g. `//medchain//provider//<provider id>`,
//!   `//medchain//study//<study id>`;
//! - X25519 secret: `HKDF-SHA256(ikm = BIP-39 seed with empty passphrase, salt = none,
//!   info = "medchain/x25519/v1")`; a pseudonym's X25519 secret appends its three 32-byte
//!   junction chain codes to the info.
//!
//! ## Sealed record (`"MCR1"`)
//! `magic "MCR1" (4) | nonce (24) | XChaCha20-Poly1305 ciphertext | tag (16)`, a fresh random
//! 32-byte key per record, associated data = the 28-byte header. Content hash =
//! BLAKE2b-256 of all of it (Substrate's `blake2_256`).
//!
//! ## Key envelope (`"MCE1"`, 172 bytes)
//! `magic "MCE1" (4) | content hash (32) | recipient X25519 public key R (32) |
//! ephemeral X25519 public key E (32) | nonce (24) | wrapped record key (32) | tag (16)`.
//! Wrap key = `HKDF-SHA256(ikm = X25519(e, R), salt = content hash,
//! info = "medchain/envelope/v1" ++ E ++ R)`; XChaCha20-Poly1305 with associated data = the
//! 124-byte header. It opens only for R's secret and only for that content hash.
//!
//! ## Keystore (JSON, version 1)
//! `{"format": "medchain-keystore", "version": 1, "identities": [{"name", "account", "kdf":
//! {"algorithm": "argon2id", "version": 19, "memory_kib", "iterations", "parallelism", "salt"},
//! "cipher": "xchacha20poly1305", "nonce", "ciphertext"}]}`: each mnemonic encrypted under
//! `Argon2id(passphrase, salt)` (default 64 MiB, 3 passes, 1 lane) with associated data
//! `"medchain-keystore" ++ version (u32 LE) ++ name`; written atomically, mode 0600.
//!
//! ## Erasure
//! Crypto-shredding: destroying a record's key and every key envelope (and the ciphertext) makes
//! the record unreadable; the chain keeps a tombstone and the content hash only. See
//! [`envelope`].

pub mod envelope;
pub mod error;
pub mod keys;
pub mod keystore;
pub mod chain;
pub mod protocol;

pub use error::{Error, HashMismatch};

/// Fills `buffer` from the operating system's random number generator.
pub(crate) fn fill_random(buffer: &mut [u8]) -> Result<(), Error> {
	use rand_core::RngCore;
	rand_core::OsRng.try_fill_bytes(buffer).map_err(Error::Randomness)
}
