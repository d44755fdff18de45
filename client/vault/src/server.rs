//! The HTTP service: the routes of [`medchain_client::protocol`], the order of checks, and the
//! mapping of every failure to a status and a JSON [`ErrorBody`].

use std::sync::Arc;

use axum::{
	body::{Body, Bytes},
	extract::{
		rejection::{PathRejection, QueryRejection},
		Path, Query, Request, State,
	},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, put},
	Json, Router,
};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use medchain_client::protocol::{Challenge, ErasureReceipt, ErrorBody, RecordErasure, VaultInfo};
use serde::Deserialize;

use crate::{
	auth::{AuthError, AuthHeaders, Challenges, Clock, SystemClock, DEFAULT_MAX_CHALLENGES},
	chain::{AccessLogEntry, Chain, ChainError, RecordInfo, Resource},
	encoding::{blake2_256, from_hex},
	keys::VaultKey,
	store::{ObjectStore, PutEnvelope, PutObject, StoreError},
	AccountId, Hash,
};

/// The default largest sealed record accepted: 32 MiB.
pub const DEFAULT_MAX_OBJECT_BYTES: usize = 32 * 1024 * 1024;
/// The default largest key envelope accepted: 64 KiB (an X25519 envelope of a 32-byte key is
/// about a hundred bytes).
pub const DEFAULT_MAX_ENVELOPE_BYTES: usize = 64 * 1024;
/// The longest purpose-of-use code accepted.
pub const MAX_PURPOSE_LEN: usize = 64;

/// The service's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
	/// The largest sealed record accepted, in bytes; larger uploads get 413 and store nothing.
	pub max_object_bytes: usize,
	/// The largest key envelope accepted, in bytes.
	pub max_envelope_bytes: usize,
	/// How many challenges are remembered at once (see [`Challenges`]).
	pub max_challenges: usize,
}

impl Default for Config {
	fn default() -> Self {
		Self {
			max_object_bytes: DEFAULT_MAX_OBJECT_BYTES,
			max_envelope_bytes: DEFAULT_MAX_ENVELOPE_BYTES,
			max_challenges: DEFAULT_MAX_CHALLENGES,
		}
	}
}

/// A vault: its store, its view of the chain, its key and its outstanding challenges.
pub struct Vault {
	store: Arc<dyn ObjectStore>,
	chain: Arc<dyn Chain>,
	key: VaultKey,
	challenges: Challenges,
	clock: Arc<dyn Clock>,
	config: Config,
	/// This vault's OpenAPI document, serialized once.
	openapi: Bytes,
}

impl Vault {
	/// A vault over `store` and `chain`, signing receipts with `key`, on the system clock.
	pub fn new(
		store: Arc<dyn ObjectStore>,
		chain: Arc<dyn Chain>,
		key: VaultKey,
		config: Config,
	) -> Self {
		let challenges = Challenges::new(config.max_challenges);
		// Cannot fail: every map key of the document is a string.
		let openapi = serde_json::to_vec(&crate::openapi::document(&config)).unwrap_or_default().into();
		Self { store, chain, key, challenges, clock: Arc::new(SystemClock), config, openapi }
	}

	/// The same vault on another clock (tests).
	pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
		self.clock = clock;
		self
	}

	/// The vault's public key, which signs its erasure receipts.
	pub fn public_key(&self) -> AccountId {
		self.key.public()
	}

	/// The HTTP routes of the protocol.
	pub fn router(self) -> Router {
		Router::new()
			.route("/v1/challenge", get(challenge))
			.route("/v1/vault", get(vault_info))
			.route("/v1/openapi.json", get(openapi_document))
			.route("/v1/objects/{hash}", put(put_object).delete(delete_object))
			.route("/v1/objects/{hash}/envelopes/{grantee}", put(put_envelope))
			.route("/v1/records/{record_id}", get(get_record).delete(erase_record))
			.route("/v1/records/{record_id}/envelope", get(get_envelope))
			.fallback(not_found)
			.method_not_allowed_fallback(method_not_allowed)
			.with_state(Arc::new(self))
	}
}

/// A failed request: a status and the [`ErrorBody`] sent with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
	/// The HTTP status.
	pub status: StatusCode,
	/// The stable code, [`ErrorBody::error`].
	pub code: &'static str,
	/// The sentence, [`ErrorBody::message`].
	pub message: String,
}

impl ApiError {
	fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
		Self { status, code, message: message.into() }
	}

	fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, code, message)
	}

	fn not_found(code: &'static str, message: impl Into<String>) -> Self {
		Self::new(StatusCode::NOT_FOUND, code, message)
	}

	fn too_large(limit: usize) -> Self {
		Self::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"too_large",
			format!("this request takes at most {limit} bytes of body"),
		)
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let body = ErrorBody { error: self.code.to_owned(), message: self.message };
		(self.status, Json(body)).into_response()
	}
}

impl From<AuthError> for ApiError {
	fn from(error: AuthError) -> Self {
		let status = match error {
			AuthError::TooManyChallenges => StatusCode::TOO_MANY_REQUESTS,
			AuthError::NoRandomness => StatusCode::INTERNAL_SERVER_ERROR,
			_ => StatusCode::UNAUTHORIZED,
		};
		Self::new(status, error.code(), error.to_string())
	}
}

impl From<StoreError> for ApiError {
	fn from(error: StoreError) -> Self {
		match error {
			StoreError::NotFound => Self::not_found("unknown_object", "no object has this hash"),
			StoreError::NotOwner => Self::new(
				StatusCode::FORBIDDEN,
				"not_owner",
				"only the account that uploaded this object may do this",
			),
			StoreError::HashMismatch => {
				Self::bad_request("hash_mismatch", "the body does not hash to the object's name")
			},
			StoreError::Unavailable(detail) => {
				eprintln!("medchain-vault: storage unavailable: {detail}");
				Self::new(
					StatusCode::SERVICE_UNAVAILABLE,
					"storage_unavailable",
					"storage is unavailable",
				)
			},
			error @ (StoreError::Corrupt(_) | StoreError::Io(_)) => {
				eprintln!("medchain-vault: storage failed: {error}");
				Self::new(StatusCode::INTERNAL_SERVER_ERROR, "storage_error", "storage failed")
			},
		}
	}
}

impl From<ChainError> for ApiError {
	fn from(error: ChainError) -> Self {
		match error {
			ChainError::Unavailable(detail) => Self::new(
				StatusCode::SERVICE_UNAVAILABLE,
				"chain_unavailable",
				format!("the chain could not be asked or told: {detail}"),
			),
			ChainError::BadPurpose(purpose) => {
				Self::bad_request("bad_purpose", format!("the chain knows no purpose {purpose:?}"))
			},
		}
	}
}

type Shared = State<Arc<Vault>>;

/// An authenticated caller and the body it signed.
struct Caller {
	account: AccountId,
	body: Bytes,
	body_hash: Hash,
}

/// Authenticates `request` (see [`crate::auth`]), reading at most `limit` bytes of body. Spends
/// the challenge only when everything checks out. Its answers (401, 413) are added to every
/// signed operation of the OpenAPI document by [`crate::openapi`].
async fn authenticate(vault: &Vault, request: Request, limit: usize) -> Result<Caller, ApiError> {
	let (parts, body) = request.into_parts();
	let headers = AuthHeaders::from_headers(&parts.headers)?;
	vault.challenges.check(&headers.challenge, vault.clock.now())?;
	if content_length(&parts.headers).is_some_and(|length| length > limit as u64) {
		return Err(ApiError::too_large(limit));
	}
	let body = match Limited::new(body, limit).collect().await {
		Ok(collected) => collected.to_bytes(),
		Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
			return Err(ApiError::too_large(limit))
		},
		Err(error) => {
			return Err(ApiError::bad_request(
				"bad_body",
				format!("the body could not be read: {error}"),
			))
		},
	};
	let body_hash = blake2_256(&body);
	let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path(), |p| p.as_str());
	headers.verify(parts.method.as_str(), path, &body_hash)?;
	vault.challenges.consume(&headers.challenge, vault.clock.now())?;
	Ok(Caller { account: headers.account, body, body_hash })
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
	headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn hash_param(text: &str, what: &'static str) -> Result<[u8; 32], ApiError> {
	from_hex::<32>(text).ok_or_else(|| {
		ApiError::bad_request("bad_path", format!("the {what} must be 0x hex of 32 bytes"))
	})
}

fn path_error(rejection: PathRejection) -> ApiError {
	ApiError::bad_request("bad_path", rejection.body_text())
}

/// The purpose of use, from the query.
#[derive(Deserialize)]
struct PurposeQuery {
	purpose: Option<String>,
}

fn purpose(query: Result<Query<PurposeQuery>, QueryRejection>) -> Result<String, ApiError> {
	let Query(query) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
	let purpose = query
		.purpose
		.ok_or_else(|| ApiError::bad_request("missing_purpose", "the query must name a purpose"))?;
	let well_formed = !purpose.is_empty()
		&& purpose.len() <= MAX_PURPOSE_LEN
		&& purpose.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
	if !well_formed {
		return Err(ApiError::bad_request(
			"bad_purpose",
			format!("a purpose is 1 to {MAX_PURPOSE_LEN} letters, digits, '_' or '-'"),
		));
	}
	Ok(purpose)
}

/// A fresh challenge, good for one signed request within its lifetime.
#[utoipa::path(get, path = "/v1/challenge", tag = "authentication", responses(
		(status = 200, description = "A fresh challenge.", body = Challenge),
		(status = 429, description = "too_many_challenges: too many are outstanding; try again shortly.", body = ErrorBody),
		(status = 500, description = "internal: the system's randomness failed.", body = ErrorBody),
	))]
async fn challenge(State(vault): Shared) -> Result<Response, ApiError> {
	let challenge = vault.challenges.issue(vault.clock.now())?;
	Ok((no_store(), Json(challenge)).into_response())
}

/// The vault's public key: its account on chain, which signs the erasure receipts.
#[utoipa::path(get, path = "/v1/vault", tag = "vault", responses(
		(status = 200, description = "The vault's key.", body = VaultInfo),
	))]
async fn vault_info(State(vault): Shared) -> Response {
	Json(VaultInfo { public_key: crate::encoding::to_hex(&vault.key.public()) }).into_response()
}

/// This document: the vault's protocol in OpenAPI 3.1.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "vault", responses(
		(status = 200, description = "The OpenAPI document.", content_type = "application/json"),
	))]
async fn openapi_document(State(vault): Shared) -> Response {
	([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], vault.openapi.clone())
		.into_response()
}

/// Uploads a sealed record; the caller becomes its owner.
#[utoipa::path(put, path = "/v1/objects/{hash}", tag = "objects", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("hash" = String, Path, description = "The BLAKE2-256 hash of the object, 0x hex: the content hash registered on chain.", pattern = "^0x[0-9a-fA-F]{64}$")),
	request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The sealed record, whose BLAKE2-256 hash is {hash}."),
	responses(
		(status = 201, description = "Stored; the caller owns it."),
		(status = 200, description = "Already stored by the caller."),
		(status = 400, description = "bad_path, bad_body, empty_body or hash_mismatch (the body does not hash to {hash}). Nothing is stored.", body = ErrorBody),
		(status = 409, description = "owned_by_another: another account stored this object first.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "storage_unavailable: the store cannot be reached.", body = ErrorBody),
	))]
async fn put_object(
	State(vault): Shared,
	path: Result<Path<String>, PathRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	let Path(hash) = path.map_err(path_error)?;
	let hash = hash_param(&hash, "object hash")?;
	let caller = authenticate(&vault, request, vault.config.max_object_bytes).await?;
	if caller.body.is_empty() {
		return Err(ApiError::bad_request("empty_body", "an object cannot be empty"));
	}
	if caller.body_hash != hash {
		return Err(StoreError::HashMismatch.into());
	}
	let outcome =
		vault.store.put_object(hash, caller.account, vault.clock.now(), caller.body.into()).await?;
	match outcome {
		PutObject::Created => Ok(StatusCode::CREATED.into_response()),
		PutObject::Exists(meta) if meta.owner == caller.account => {
			Ok(StatusCode::OK.into_response())
		},
		PutObject::Exists(_) => Err(ApiError::new(
			StatusCode::CONFLICT,
			"owned_by_another",
			"another account already stored this object",
		)),
	}
}

/// The object's owner stores (or replaces) the key envelope of a grantee.
#[utoipa::path(put, path = "/v1/objects/{hash}/envelopes/{grantee}", tag = "objects", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("hash" = String, Path, description = "The BLAKE2-256 hash of the object, 0x hex: the content hash registered on chain.", pattern = "^0x[0-9a-fA-F]{64}$"),
		("grantee" = String, Path, description = "The grantee's sr25519 public key, 0x hex.", pattern = "^0x[0-9a-fA-F]{64}$")),
	request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The record key sealed to the grantee's X25519 key."),
	responses(
		(status = 201, description = "Stored."),
		(status = 200, description = "Replaced the grantee's envelope."),
		(status = 400, description = "bad_path, bad_body or empty_body. Nothing is stored.", body = ErrorBody),
		(status = 403, description = "not_owner: only the object's owner stores its envelopes.", body = ErrorBody),
		(status = 404, description = "unknown_object: no object has this hash.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "storage_unavailable: the store cannot be reached.", body = ErrorBody),
	))]
async fn put_envelope(
	State(vault): Shared,
	path: Result<Path<(String, String)>, PathRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	let Path((hash, grantee)) = path.map_err(path_error)?;
	let hash = hash_param(&hash, "object hash")?;
	let grantee = hash_param(&grantee, "grantee")?;
	let caller = authenticate(&vault, request, vault.config.max_envelope_bytes).await?;
	if caller.body.is_empty() {
		return Err(ApiError::bad_request("empty_body", "an envelope cannot be empty"));
	}
	let outcome =
		vault.store.put_envelope(hash, caller.account, grantee, caller.body.into()).await?;
	Ok(match outcome {
		PutEnvelope::Created => StatusCode::CREATED,
		PutEnvelope::Replaced => StatusCode::OK,
	}
	.into_response())
}

/// The owner erases an object and all its envelopes; the vault signs a receipt.
#[utoipa::path(delete, path = "/v1/objects/{hash}", tag = "objects", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("hash" = String, Path, description = "The BLAKE2-256 hash of the object, 0x hex: the content hash registered on chain.", pattern = "^0x[0-9a-fA-F]{64}$")),
	responses(
		(status = 200, description = "Erased.", body = ErasureReceipt),
		(status = 400, description = "bad_path.", body = ErrorBody),
		(status = 403, description = "not_owner.", body = ErrorBody),
		(status = 404, description = "unknown_object.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "storage_unavailable: the store cannot be reached.", body = ErrorBody),
	))]
async fn delete_object(
	State(vault): Shared,
	path: Result<Path<String>, PathRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	let Path(hash) = path.map_err(path_error)?;
	let hash = hash_param(&hash, "object hash")?;
	let caller = authenticate(&vault, request, 0).await?;
	let meta = vault.store.delete_object(hash, caller.account).await?;
	let receipt = vault.key.erasure_receipt(&hash, &meta.owner, vault.clock.now());
	Ok((no_store(), Json(receipt)).into_response())
}

/// The custodian erases a record's object and envelopes after the patient's request on chain;
/// when this vault is the custodian the patient may ask, and the vault confirms on chain.
#[utoipa::path(delete, path = "/v1/records/{record_id}", tag = "records", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("record_id" = u64, Path, description = "The chain's record id, decimal.", minimum = 0)),
	responses(
		(status = 200, description = "Erased, with the receipt and whether the vault confirmed it on chain.", body = RecordErasure),
		(status = 400, description = "bad_path.", body = ErrorBody),
		(status = 403, description = "not_custodian.", body = ErrorBody),
		(status = 404, description = "unknown_record, record_erased or unknown_object.", body = ErrorBody),
		(status = 409, description = "erasure_not_requested: the patient has not requested it on chain.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "chain_unavailable (the chain could not be asked, or the access could not be logged: nothing is released) or storage_unavailable.", body = ErrorBody),
	))]
async fn erase_record(
	State(vault): Shared,
	path: Result<Path<String>, PathRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	let record_id = record_id_param(path)?;
	let caller = authenticate(&vault, request, 0).await?;
	let record = live_record(&vault, record_id).await?;
	let vault_is_custodian = record.custodian == vault.key.public();
	if caller.account != record.custodian && !(vault_is_custodian && caller.account == record.subject) {
		return Err(ApiError::new(
			StatusCode::FORBIDDEN,
			"not_custodian",
			"only the record's custodian erases it here (or its patient, when this vault is the custodian)",
		));
	}
	if !record.erasure_requested {
		return Err(ApiError::new(
			StatusCode::CONFLICT,
			"erasure_not_requested",
			"the patient has not requested this record's erasure on chain",
		));
	}
	let hash = record.content_hash;
	let meta = vault.store.object_meta(hash).await?.ok_or_else(unknown_object)?;
	let meta = vault.store.delete_object(hash, meta.owner).await?;
	let receipt = vault.key.erasure_receipt(&hash, &meta.owner, vault.clock.now());
	let (confirmed_on_chain, confirmation_error) = if vault_is_custodian {
		match vault.chain.confirm_erasure(record_id).await {
			Ok(()) => (true, None),
			Err(error) => (false, Some(error.to_string())),
		}
	} else {
		(false, None)
	};
	let answer = RecordErasure { record: record_id, receipt, confirmed_on_chain, confirmation_error };
	Ok((no_store(), Json(answer)).into_response())
}

/// Record `record_id` on chain, unless it is unknown (404 `unknown_record`) or erased (404
/// `record_erased`: public on chain anyway).
async fn live_record(vault: &Vault, record_id: u64) -> Result<RecordInfo, ApiError> {
	let record = vault
		.chain
		.record(record_id)
		.await?
		.ok_or_else(|| ApiError::not_found("unknown_record", "the chain has no such record"))?;
	if record.erased {
		return Err(ApiError::not_found("record_erased", "this record is erased"));
	}
	Ok(record)
}

/// The record id of a `/v1/records/{record_id}` path.
fn record_id_param(path: Result<Path<String>, PathRejection>) -> Result<u64, ApiError> {
	let Path(record_id) = path.map_err(path_error)?;
	record_id
		.parse()
		.map_err(|_| ApiError::bad_request("bad_path", "a record id is a decimal number"))
}

/// The sealed record, if the chain permits the caller to access it for the purpose; the
/// decision is logged on chain first, either way.
#[utoipa::path(get, path = "/v1/records/{record_id}", tag = "records", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("record_id" = u64, Path, description = "The chain's record id, decimal.", minimum = 0), ("purpose" = String, Query, description = "The purpose of use: a variant name of the chain's PurposeOfUse.")),
	responses(
		(status = 200, description = "The sealed record.", content_type = "application/octet-stream", body = Vec<u8>),
		(status = 400, description = "bad_path, bad_query, missing_purpose or bad_purpose.", body = ErrorBody),
		(status = 403, description = "access_denied: the chain's consent check refused (logged on chain).", body = ErrorBody),
		(status = 404, description = "unknown_record, record_erased, or (to a permitted caller) unknown_object.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "chain_unavailable (the chain could not be asked, or the access could not be logged: nothing is released) or storage_unavailable.", body = ErrorBody),
	))]
async fn get_record(
	State(vault): Shared,
	path: Result<Path<String>, PathRejection>,
	query: Result<Query<PurposeQuery>, QueryRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	release(&vault, path, query, request, Resource::Record).await
}

/// The caller's key envelope of the record, on the same condition as the record.
#[utoipa::path(get, path = "/v1/records/{record_id}/envelope", tag = "records", security(("account" = [], "challenge" = [], "signature" = [])),
	params(("record_id" = u64, Path, description = "The chain's record id, decimal.", minimum = 0), ("purpose" = String, Query, description = "The purpose of use: a variant name of the chain's PurposeOfUse.")),
	responses(
		(status = 200, description = "The caller's envelope.", content_type = "application/octet-stream", body = Vec<u8>),
		(status = 400, description = "bad_path, bad_query, missing_purpose or bad_purpose.", body = ErrorBody),
		(status = 403, description = "access_denied: the chain's consent check refused (logged on chain).", body = ErrorBody),
		(status = 404, description = "unknown_record, record_erased, or (to a permitted caller) unknown_object or no_envelope.", body = ErrorBody),
		(status = 500, description = "storage_error: the store failed.", body = ErrorBody),
		(status = 503, description = "chain_unavailable (the chain could not be asked, or the access could not be logged: nothing is released) or storage_unavailable.", body = ErrorBody),
	))]
async fn get_envelope(
	State(vault): Shared,
	path: Result<Path<String>, PathRejection>,
	query: Result<Query<PurposeQuery>, QueryRejection>,
	request: Request,
) -> Result<Response, ApiError> {
	release(&vault, path, query, request, Resource::Envelope).await
}

/// Releases a sealed record or the caller's envelope of it, if the chain permits; logs the
/// decision either way, and releases nothing it could not log. Whether the store holds the
/// object or the envelope is told only to a permitted caller, after the log.
async fn release(
	vault: &Vault,
	path: Result<Path<String>, PathRejection>,
	query: Result<Query<PurposeQuery>, QueryRejection>,
	request: Request,
	resource: Resource,
) -> Result<Response, ApiError> {
	let record_id = record_id_param(path)?;
	let purpose = purpose(query)?;
	let caller = authenticate(vault, request, 0).await?;

	let record = live_record(vault, record_id).await?;

	// The chain decides, and the decision is logged, before anything tells whether this vault
	// holds the record or the caller's envelope: a refused caller learns nothing about the store.
	let decision =
		vault.chain.check_access(&record.subject, &caller.account, record_id, &purpose).await?;
	let entry = AccessLogEntry {
		accessor: caller.account,
		record_id,
		category: record.category.clone(),
		action: "Access".into(),
		purpose,
		resource,
		permitted: decision.permitted,
		reason: decision.reason.clone(),
		at: vault.clock.now(),
	};
	vault.chain.log_access(&record.subject, vec![entry]).await?;
	if !decision.permitted {
		return Err(ApiError::new(
			StatusCode::FORBIDDEN,
			"access_denied",
			format!("the chain refused access: {}", decision.reason),
		));
	}

	let hash = record.content_hash;
	let bytes = match resource {
		Resource::Record => vault.store.get_object(hash).await?,
		Resource::Envelope => {
			if vault.store.object_meta(hash).await?.is_none() {
				return Err(unknown_object());
			}
			Some(vault.store.get_envelope(hash, caller.account).await?.ok_or_else(|| {
				ApiError::not_found(
					"no_envelope",
					"this vault holds no envelope of this record for you",
				)
			})?)
		},
	}
	.ok_or_else(unknown_object)?;
	Ok((
		no_store(),
		[(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))],
		Body::from(bytes),
	)
		.into_response())
}

fn unknown_object() -> ApiError {
	ApiError::not_found("unknown_object", "this vault does not hold this record")
}

/// Nothing here is to be cached by intermediaries or browsers.
fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
	[(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

async fn not_found() -> ApiError {
	ApiError::not_found("not_found", "no such path")
}

async fn method_not_allowed() -> ApiError {
	ApiError::new(
		StatusCode::METHOD_NOT_ALLOWED,
		"method_not_allowed",
		"this path does not take this method",
	)
}
