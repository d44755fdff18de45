//! The vault's wire protocol, shared by the `medchain` client and `medchain-vault`: how a
//! request is authenticated, the paths, and the JSON bodies. One definition for both sides.
//!
//! ## Authentication
//! No passwords: the caller asks for a fresh challenge (`GET /v1/challenge`), then signs
//! [`auth_message`] (the challenge, the method, the path with its query, and the BLAKE2-256 hash
//! of the body) with its sr25519 account key, in the signing context [`SIGNING_CONTEXT`]
//! (the one Substrate wallets use), and sends three headers: [`ACCOUNT_HEADER`] (the account's
//! public key, `0x` hex), [`CHALLENGE_HEADER`] and [`SIGNATURE_HEADER`] (`0x` hex). A challenge
//! is good for one request and [`CHALLENGE_LIFETIME_SECS`] seconds.
//!
//! ## Paths
//! - `GET /v1/challenge`: a fresh [`Challenge`].
//! - `GET /v1/vault`: the vault's public key ([`VaultInfo`]), which signs its erasure receipts.
//! - `GET /v1/openapi.json`: this protocol as an OpenAPI 3.1 document, generated from the
//!   vault's handlers and these types (the `openapi` feature derives their schemas).
//! - `PUT /v1/objects/{hash}`: upload a sealed record; `{hash}` is the BLAKE2-256 hash of the
//!   body (`0x` hex), which is also the content hash registered on chain. The uploader owns it.
//! - `PUT /v1/objects/{hash}/envelopes/{grantee}`: the owner stores a key envelope for
//!   `grantee` (`0x` hex public key).
//! - `GET /v1/records/{record_id}?purpose={purpose}`: the sealed record behind the chain's record
//!   `record_id`, if the chain's `check_access` permits the caller to `Access` it for `purpose`.
//! - `GET /v1/records/{record_id}/envelope?purpose={purpose}`: the caller's key envelope, on the
//!   same condition.
//! - `DELETE /v1/objects/{hash}`: the owner erases the object and its envelopes; the answer is
//!   an [`ErasureReceipt`] signed by the vault.
//! - `DELETE /v1/records/{record_id}`: erasure by the record's custodian once the patient has
//!   requested it on chain (`ErasurePending`); when the vault itself is the custodian, the
//!   patient may ask, and the vault also confirms the erasure on chain. The answer is a
//!   [`RecordErasure`] (409 `erasure_not_requested` before the patient's request, 403
//!   `not_custodian` for anyone else).
//!
//! `{purpose}` is a variant name of the chain's `PurposeOfUse` (e.g. `Treatment`,
//! `EmergencyTreatment`, `Research`), as the client prints it. Successes: 200 with the bytes
//! (GET) or the JSON body named above, 201 for a new object or envelope, 200 for an object already
//! there or an envelope replaced. Errors are JSON [`ErrorBody`] with an HTTP status: 400 bad input, 401 authentication
//! (bad or missing signature, unknown, expired or replayed challenge), 403 refused by the chain
//! or not the owner, 404 unknown (an erased record's object is unknown too), 405 method not
//! allowed, 409 conflict, 413 too large (refused before the body is read), 429 too many open
//! challenges, 500 storage failure, 503 chain unreachable (nothing is released without the
//! chain's decision and its logging).
//!
//! The signed path is the one the client sends: a reverse proxy (e.g. one terminating TLS in
//! front of the vault) must pass it unchanged.

use serde::{Deserialize, Serialize};

/// The domain tag every signed vault message starts with.
pub const AUTH_DOMAIN: &[u8] = b"medchain-vault/v1/request";

/// The domain tag of an erasure receipt.
pub const RECEIPT_DOMAIN: &[u8] = b"medchain-vault/v1/erasure-receipt";

/// The sr25519 signing context (schnorrkel) of Substrate wallets, used for every signature here.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

/// The caller's account: its sr25519 public key, `0x` hex.
pub const ACCOUNT_HEADER: &str = "x-medchain-account";
/// The challenge the caller signed, `0x` hex.
pub const CHALLENGE_HEADER: &str = "x-medchain-challenge";
/// The caller's signature of [`auth_message`], `0x` hex.
pub const SIGNATURE_HEADER: &str = "x-medchain-signature";

/// How long a challenge may be used, once.
pub const CHALLENGE_LIFETIME_SECS: u64 = 60;

/// The bytes a caller signs to authenticate one request.
pub fn auth_message(
	challenge: &[u8; 32],
	method: &str,
	path_and_query: &str,
	body_hash: &[u8; 32],
) -> Vec<u8> {
	let mut message = Vec::with_capacity(AUTH_DOMAIN.len() + 32 + 32 + 16 + path_and_query.len());
	message.extend_from_slice(AUTH_DOMAIN);
	message.extend_from_slice(challenge);
	append_text(&mut message, method);
	append_text(&mut message, path_and_query);
	message.extend_from_slice(body_hash);
	message
}

/// The bytes a vault signs to certify that it erased `object` at `erased_at` (Unix seconds).
pub fn receipt_message(object: &[u8; 32], owner: &[u8; 32], erased_at: u64) -> Vec<u8> {
	let mut message = Vec::with_capacity(RECEIPT_DOMAIN.len() + 72);
	message.extend_from_slice(RECEIPT_DOMAIN);
	message.extend_from_slice(object);
	message.extend_from_slice(owner);
	message.extend_from_slice(&erased_at.to_le_bytes());
	message
}

/// Length-prefixed, so that no two (method, path) pairs give the same bytes.
fn append_text(message: &mut Vec<u8>, text: &str) {
	message.extend_from_slice(&(text.len() as u64).to_le_bytes());
	message.extend_from_slice(text.as_bytes());
}

/// A fresh challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Challenge {
	/// 32 random bytes, `0x` hex.
	pub challenge: String,
	/// When it stops being accepted, Unix seconds.
	pub expires_at: u64,
}

/// What a refused or failed request answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
	/// A stable code, e.g. `bad_signature`, `challenge_used`, `access_denied`, `too_large`.
	pub error: String,
	/// A sentence for people.
	pub message: String,
}

/// The vault's signed statement that it erased an object and its envelopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureReceipt {
	/// The object's hash, `0x` hex.
	pub object: String,
	/// Its owner's public key, `0x` hex.
	pub owner: String,
	/// When it was erased, Unix seconds.
	pub erased_at: u64,
	/// The vault's sr25519 public key, `0x` hex.
	pub vault: String,
	/// The vault's signature of [`receipt_message`], `0x` hex.
	pub signature: String,
}

/// What `DELETE /v1/records/{record_id}` answers: the signed receipt of the object's erasure
/// and whether the vault, as the custodian, confirmed it on chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordErasure {
	/// The chain's record id.
	pub record: u64,
	/// The receipt of the object's erasure (its `owner` is the object's uploader).
	pub receipt: ErasureReceipt,
	/// Whether the vault confirmed the erasure on chain (it does when it is the custodian).
	pub confirmed_on_chain: bool,
	/// Why the vault, the custodian, could not confirm it (the object is erased all the same;
	/// confirm with `confirm_erasure` later).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub confirmation_error: Option<String>,
}

/// What `GET /v1/vault` answers: the vault's public key, which signs its erasure receipts and
/// is its account on chain (it writes the access logs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultInfo {
	/// The vault's sr25519 public key (its account), `0x` hex.
	pub public_key: String,
}

/// Checks an erasure receipt: the signature, by the vault key it names, over what it states.
/// Returns that key, for the caller to compare with the vault it expected.
pub fn verify_receipt(receipt: &ErasureReceipt) -> Option<[u8; 32]> {
	fn bytes<const N: usize>(text: &str) -> Option<[u8; N]> {
		let mut out = [0u8; N];
		hex::decode_to_slice(text.strip_prefix("0x")?, &mut out).ok()?;
		Some(out)
	}
	let object = bytes::<32>(&receipt.object)?;
	let owner = bytes::<32>(&receipt.owner)?;
	let vault = bytes::<32>(&receipt.vault)?;
	let signature = schnorrkel::Signature::from_bytes(&bytes::<64>(&receipt.signature)?).ok()?;
	let public = schnorrkel::PublicKey::from_bytes(&vault).ok()?;
	let message = receipt_message(&object, &owner, receipt.erased_at);
	public.verify_simple(SIGNING_CONTEXT, &message, &signature).ok()?;
	Some(vault)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn messages_separate_method_and_path() {
		let challenge = [1; 32];
		let body = [2; 32];
		let a = auth_message(&challenge, "GET", "/v1/records/1", &body);
		let b = auth_message(&challenge, "GE", "T/v1/records/1", &body);
		assert_ne!(a, b, "length prefixes keep the fields apart");
		assert!(a.starts_with(AUTH_DOMAIN));
		assert_ne!(a, auth_message(&[3; 32], "GET", "/v1/records/1", &body));
		assert_ne!(a, auth_message(&challenge, "GET", "/v1/records/1", &[4; 32]));
	}

	#[test]
	fn receipts_bind_object_owner_and_time() {
		let receipt = receipt_message(&[1; 32], &[2; 32], 7);
		assert_ne!(receipt, receipt_message(&[1; 32], &[2; 32], 8));
		assert_ne!(receipt, receipt_message(&[2; 32], &[1; 32], 7));
	}

	#[test]
	fn receipts_verify_with_the_key_they_name() {
		use schnorrkel::{ExpansionMode, MiniSecretKey};
		let keypair = MiniSecretKey::from_bytes(&[9; 32]).unwrap().expand_to_keypair(ExpansionMode::Ed25519);
		let hex = |bytes: &[u8]| format!("0x{}", hex::encode(bytes));
		let signature = keypair.sign_simple(SIGNING_CONTEXT, &receipt_message(&[1; 32], &[2; 32], 5));
		let receipt = ErasureReceipt {
			object: hex(&[1; 32]),
			owner: hex(&[2; 32]),
			erased_at: 5,
			vault: hex(&keypair.public.to_bytes()),
			signature: hex(&signature.to_bytes()),
		};
		assert_eq!(verify_receipt(&receipt), Some(keypair.public.to_bytes()));
		assert_eq!(verify_receipt(&ErasureReceipt { erased_at: 6, ..receipt.clone() }), None);
		assert_eq!(verify_receipt(&ErasureReceipt { object: hex(&[3; 32]), ..receipt.clone() }), None);
		let other = MiniSecretKey::from_bytes(&[8; 32]).unwrap().expand_to_keypair(ExpansionMode::Ed25519);
		assert_eq!(verify_receipt(&ErasureReceipt { vault: hex(&other.public.to_bytes()), ..receipt }), None);
	}
}
