//! # medchain-vault
//!
//! The off-chain encrypted data store and gatekeeper of medchain (issue 7). It keeps what
//! patients' clients sealed (record ciphertexts, and per-grantee *key envelopes*: the record key
//! encrypted by the patient's client to a grantee's X25519 key) and releases them only to
//! callers the chain's consent rules permit. It never sees a plaintext record or key.
//!
//! The wire protocol (headers, signed message, paths, bodies, error statuses) is defined once,
//! in [`medchain_client::protocol`]; this crate is its server side.
//!
//! ## Endpoints
//! | method and path | who | answer |
//! | --- | --- | --- |
//! | `GET /v1/challenge` | anyone | 200 [`Challenge`](medchain_client::protocol::Challenge) JSON |
//! | `GET /v1/openapi.json` | anyone | 200 this protocol as an OpenAPI 3.1 document ([`openapi`]) |
//! | `GET /v1/vault` | anyone | 200 [`VaultInfo`](medchain_client::protocol::VaultInfo) JSON: the vault's public key (its account, the key of its receipts) |
//! | `PUT /v1/objects/{hash}` | any signed caller, who becomes the owner | 201 stored, 200 already stored by the same owner, 409 stored by another, 400 `hash_mismatch`, 413 `too_large` |
//! | `PUT /v1/objects/{hash}/envelopes/{grantee}` | the owner | 201 new, 200 replaced, 403 `not_owner`, 404 `unknown_object` |
//! | `GET /v1/records/{record_id}?purpose=P` | whom the chain permits | 200 the sealed record (`application/octet-stream`), 403 `access_denied` with the chain's reason, 404 `unknown_object` (to a permitted caller only) |
//! | `GET /v1/records/{record_id}/envelope?purpose=P` | whom the chain permits | 200 the caller's envelope, 403, 404 `unknown_object` or `no_envelope` (to a permitted caller only) |
//! | `DELETE /v1/objects/{hash}` | the owner | 200 [`ErasureReceipt`](medchain_client::protocol::ErasureReceipt) JSON signed by the vault |
//! | `DELETE /v1/records/{record_id}` | the record's custodian on chain; its patient when this vault is the custodian | after the patient's request on chain: 200 [`RecordErasure`](medchain_client::protocol::RecordErasure) (the receipt, and whether the vault confirmed the erasure on chain as custodian), 409 `erasure_not_requested`, 403 `not_custodian`, 404 `unknown_record`, `record_erased` or `unknown_object` |
//!
//! Every request but the challenge is signed ([`auth`]): 401 `missing_auth`, `bad_auth_header`,
//! `unknown_challenge`, `challenge_used`, `challenge_expired` or `bad_signature` otherwise. Every
//! error is a JSON [`ErrorBody`](medchain_client::protocol::ErrorBody). Releases answer 503
//! `chain_unavailable` when the chain cannot be asked, or the access cannot be logged.
//!
//! The purpose `P` is a variant name of the chain's `PurposeOfUse`, spelled exactly:
//! `Treatment`, `EmergencyTreatment`, `Payment`, `Operations`, `Research`, `PublicHealth`,
//! `PatientRequest` (400 `bad_purpose` otherwise).
//!
//! A release runs: authenticate the caller; the record on chain (404 `unknown_record`, 404
//! `record_erased`: public on chain anyway); the chain's `check_access` for the caller, action
//! `Access`, the given purpose; the access, allowed or denied, appended to the patient's access
//! log on chain; 403 if denied; only then the store: the object with the record's content hash
//! (404 `unknown_object`), for an envelope the caller's envelope (404 `no_envelope`), and the
//! bytes. A refused caller thus learns nothing about what this vault holds.

//! ## Transport
//! HTTPS with `--tls-cert` and `--tls-key` (PEM; rustls, TLS 1.2 and 1.3, see [`tls`]), or
//! plain HTTP for clients on the same host or behind a TLS-terminating proxy that passes paths
//! unchanged (they are signed). Clients trust the system's roots plus `--vault-ca`.

//! ## Storage
//! Behind the [`store::ObjectStore`] trait. The default, [`store::LocalDirStore`], needs no
//! setup: a directory (`--data-dir`) holding
//! ```text
//! vault-key.secret                           the vault's sr25519 seed (mode 0600)
//! audit.jsonl                                the full audit events of the access logs (append-only)
//! objects/<2 hex>/<64 hex>/object            a sealed record, named by its BLAKE2-256 hash
//! objects/<2 hex>/<64 hex>/meta.json         its owner, size and time of upload
//! objects/<2 hex>/<64 hex>/envelopes/<hex>   the key envelope of one grantee
//! tmp/                                       staging of writes and erasures
//! ```
//! Writes are atomic (staged, synced, renamed into place): an object is there whole or not at
//! all, and a failed or refused upload leaves nothing. Deployments that outgrow one machine
//! implement [`store::ObjectStore`] over an S3-compatible object store; the mapping (keys,
//! conditional writes for the put-if-absent and owner checks) is described in [`store`]. The
//! [`store::MemoryStore`] serves tests.
//!
//! ## The chain
//! Behind the [`chain::Chain`] trait: a record's pointer, the consent decision, the access log.
//! The binary uses [`subxt_chain::SubxtChain`] on the node given by `--node` (default
//! `ws://127.0.0.1:9944`; it must answer at start), reading at the latest finalized block, so a
//! revocation counts from the next finalized block. The vault's account must be registered on
//! chain as a provider (`HealthcareOrganization` or `Practitioner`) and hold funds for fees, or
//! every release answers 503: see [`subxt_chain`]. [`chain::FakeChain`] serves tests.

//! ## Security properties
//! - Confidentiality does not rest on the vault: it stores only ciphertexts and envelopes that
//!   clients sealed. The vault adds a second gate: it hands them out only when the chain
//!   permits, and each release (and each refusal) is logged on chain for the patient first; it
//!   releases nothing it could not log.
//! - Callers prove their account with an sr25519 signature over a fresh, single-use challenge,
//!   bound to the method, path, query and body hash; no passwords, no sessions. A replayed,
//!   expired or foreign challenge and a bad signature are refused before anything is stored.
//! - Ownership: the uploader owns an object; only the owner adds envelopes or erases it. A hash
//!   is owned by whoever stored it first; re-uploads by others are refused (409).
//! - Erasure removes the ciphertext and every envelope, and the vault signs a receipt
//!   ([`keys::verify_receipt`] checks one) that the custodian confirms on chain.
//! - Objects are verified against their hash when written and when read back.
//!
//! ## Limits
//! - Erasure deletes files; it does not scrub the disk blocks (on SSDs and copy-on-write file
//!   systems it could not). This is why erasure is crypto-shredding: destroying the record key
//!   is what makes the ciphertext unreadable; the ciphertext removal is the second half.
//! - Objects are held in memory whole while uploaded or released: memory use is about
//!   `--max-object-bytes` times the concurrent uploads and releases. Put a reverse proxy in front
//!   for TLS, connection limits and timeouts (the signed path is the one the vault sees: the
//!   proxy must not rewrite it).
//! - Challenges live in memory: a restart forgets them (callers fetch new ones). At most
//!   `--max-challenges` are remembered; past that, new ones are refused (429) until some expire.
//! - One vault process per data directory.
//! - The vault decides nothing itself and trusts the chain node it asks: run it against a node
//!   you operate.

pub mod auth;
pub mod chain;
pub mod encoding;
pub mod keys;
pub mod openapi;
pub mod server;
pub mod store;
pub mod subxt_chain;
pub mod tls;

pub use server::{Config, Vault};

/// An account: an sr25519 public key.
pub type AccountId = [u8; 32];

/// A BLAKE2-256 hash.
pub type Hash = [u8; 32];
