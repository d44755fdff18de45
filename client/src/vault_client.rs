//! The client side of the vault protocol ([`crate::protocol`]): challenge authentication,
//! uploads of sealed records and key envelopes, and the releases the chain's consent check
//! gates.
//!
//! Every authenticated request takes a fresh challenge (`GET /v1/challenge`), signs
//! [`protocol::auth_message`] over it, the method, the path with its query as sent, and the
//! BLAKE2-256 hash of the body ([`sign_request`]), and sends the three headers. A challenge is
//! good for one request, so each call here fetches its own.
//!
//! `https://` vaults are verified against the system's trusted roots (rustls, with the
//! certificates of the operating system) plus any CA certificates given
//! ([`VaultClient::with_ca_pem`], the command's `--vault-ca`, e.g. a hospital's own CA);
//! `http://` is for a vault on the same host. A proxy in front of a vault must not rewrite
//! paths: the path is part of what is signed.

use std::{
	pin::Pin,
	sync::Arc,
	task::{Context, Poll},
	time::Duration,
};

use http_body_util::BodyExt;
use hyper::{
	body::{Body, Bytes, Frame, SizeHint},
	header::{HeaderValue, CONTENT_TYPE},
	Method, Request, StatusCode,
};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use rustls::pki_types::{pem::PemObject, CertificateDer};
use medchain_primitives::health::{PurposeOfUse, RecordId};
use subxt_signer::sr25519::Keypair;

use crate::{
	envelope::{content_hash, ContentHash},
	keys::AccountId,
	protocol::{self, Challenge, ErasureReceipt, ErrorBody, ACCOUNT_HEADER, CHALLENGE_HEADER, SIGNATURE_HEADER},
};

/// The largest answer read from a vault, in bytes (the vault stores at most 32 MiB per object
/// by default).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The size of the pieces an upload is sent in (and its progress reported by).
pub const UPLOAD_CHUNK: usize = 64 * 1024;

/// How far a transfer has got, for progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
	/// `done` of `total` bytes of a request body sent (0 when it starts).
	Upload {
		/// Bytes sent so far.
		done: u64,
		/// The body's length.
		total: u64,
	},
	/// `done` bytes of an answer read (0 when it starts), of `total` if the vault said.
	Download {
		/// Bytes read so far.
		done: u64,
		/// The answer's `Content-Length`, if given.
		total: Option<u64>,
	},
}

/// A callback told of each transfer's progress.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How long one request may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What went wrong talking to a vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
	/// The vault URL cannot be used.
	#[error("invalid vault URL {url:?}: {reason}")]
	InvalidUrl {
		/// The URL as given.
		url: String,
		/// Why it is refused.
		reason: &'static str,
	},
	/// The vault could not be reached, or the connection failed.
	#[error("the vault at {url} is unreachable: {reason}")]
	Unreachable {
		/// The vault's base URL.
		url: String,
		/// What the connection said.
		reason: String,
	},
	/// The vault did not answer in time.
	#[error("the vault at {url} did not answer within {secs} s")]
	Timeout {
		/// The vault's base URL.
		url: String,
		/// The time allowed.
		secs: u64,
	},
	/// The vault refused the request (its [`ErrorBody`], or the bare status).
	#[error("the vault refused the request ({status} {code}): {message}")]
	Refused {
		/// The HTTP status.
		status: u16,
		/// The vault's stable error code, e.g. `access_denied`.
		code: String,
		/// The vault's sentence.
		message: String,
	},
	/// The vault answered something this client cannot read.
	#[error("the vault's answer is malformed: {0}")]
	BadAnswer(String),
	/// The TLS settings cannot be made (e.g. a CA file that holds no certificate).
	#[error("TLS: {0}")]
	Tls(String),
}

impl VaultError {
	/// Whether the vault refused because the chain's consent check denied access.
	pub fn is_access_denied(&self) -> bool {
		matches!(self, VaultError::Refused { status: 403, code, .. } if code == "access_denied")
	}
}

/// The three authentication headers of one request, `0x` hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
	/// [`ACCOUNT_HEADER`]: the signer's sr25519 public key.
	pub account: String,
	/// [`CHALLENGE_HEADER`]: the challenge signed.
	pub challenge: String,
	/// [`SIGNATURE_HEADER`]: the signature of [`protocol::auth_message`].
	pub signature: String,
}

/// Signs one request: [`protocol::auth_message`] over `challenge`, `method`, `path_and_query`
/// (exactly as sent) and the BLAKE2-256 hash of `body`, with `signer`'s sr25519 key.
pub fn sign_request(
	signer: &Keypair,
	challenge: &[u8; 32],
	method: &str,
	path_and_query: &str,
	body: &[u8],
) -> SignedHeaders {
	let message = protocol::auth_message(challenge, method, path_and_query, &content_hash(body));
	let signature = signer.sign(&message).0;
	SignedHeaders {
		account: to_hex(&signer.public_key().0),
		challenge: to_hex(challenge),
		signature: to_hex(&signature),
	}
}

/// Whether an upload created the object (or envelope) or found it already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
	/// Stored now (201).
	Created,
	/// The same object was already stored by the caller, or the envelope was replaced (200).
	AlreadyThere,
}

/// A vault at one base URL, e.g. `http://127.0.0.1:8450`.
pub struct VaultClient {
	base: String,
	http: Client<HttpsConnector<HttpConnector>, ChunkedBody>,
	timeout: Duration,
	progress: Option<ProgressFn>,
}

impl VaultClient {
	/// A client of the vault at `base_url` (`http[s]://host[:port]`, no path); an `https`
	/// vault's certificate must chain to a root the system trusts.
	pub fn new(base_url: &str) -> Result<Self, VaultError> {
		Self::with_ca_pem(base_url, None)
	}

	/// As [`Self::new`], also trusting the CA certificates of `ca_pem` (PEM, one or more) for
	/// an `https` vault.
	pub fn with_ca_pem(base_url: &str, ca_pem: Option<&[u8]>) -> Result<Self, VaultError> {
		let base = normalize_base_url(base_url)?;
		let tls = tls_config(base.starts_with("https://"), ca_pem)?;
		let mut connector = HttpConnector::new();
		connector.enforce_http(false);
		let https = HttpsConnectorBuilder::new()
			.with_tls_config(tls)
			.https_or_http()
			.enable_http1()
			.wrap_connector(connector);
		let http = Client::builder(TokioExecutor::new()).build(https);
		Ok(Self { base, http, timeout: DEFAULT_TIMEOUT, progress: None })
	}

	/// The same client telling `progress` how far each upload of a sealed record and each
	/// download of one has got.
	pub fn with_progress(mut self, progress: ProgressFn) -> Self {
		self.progress = Some(progress);
		self
	}

	/// The same client with another per-request time limit.
	pub fn with_timeout(mut self, timeout: Duration) -> Self {
		self.timeout = timeout;
		self
	}

	/// The vault's base URL, without a trailing `/`.
	pub fn base_url(&self) -> &str {
		&self.base
	}

	/// The locator to register on chain for the object `hash`: `<base>/v1/objects/0x<hash>`.
	pub fn object_locator(&self, hash: &ContentHash) -> String {
		format!("{}{}", self.base, object_path(hash))
	}

	/// A fresh single-use challenge.
	pub async fn challenge(&self) -> Result<[u8; 32], VaultError> {
		let (_, body) = self.send(Method::GET, "/v1/challenge", Bytes::new(), None).await?;
		let challenge: Challenge = serde_json::from_slice(&body)
			.map_err(|error| VaultError::BadAnswer(format!("challenge: {error}")))?;
		from_hex32(&challenge.challenge)
			.ok_or_else(|| VaultError::BadAnswer("the challenge is not 0x hex of 32 bytes".into()))
	}

	/// Uploads a sealed record; its name is the BLAKE2-256 hash of `sealed`, returned with the
	/// outcome. The caller becomes its owner.
	pub async fn put_object(
		&self,
		signer: &Keypair,
		sealed: &[u8],
	) -> Result<(ContentHash, PutOutcome), VaultError> {
		let hash = content_hash(sealed);
		let (status, _) = self
			.signed(Method::PUT, &object_path(&hash), Bytes::copy_from_slice(sealed), signer)
			.await?;
		Ok((hash, put_outcome(status)))
	}

	/// Stores (or replaces) the key envelope of object `hash` for `grantee`. Only the object's
	/// owner may.
	pub async fn put_envelope(
		&self,
		signer: &Keypair,
		hash: &ContentHash,
		grantee: &AccountId,
		envelope: &[u8],
	) -> Result<PutOutcome, VaultError> {
		let path = format!("{}/envelopes/{}", object_path(hash), to_hex(grantee));
		let (status, _) =
			self.signed(Method::PUT, &path, Bytes::copy_from_slice(envelope), signer).await?;
		Ok(put_outcome(status))
	}

	/// The sealed record behind the chain's record `id`, if the chain permits the caller to
	/// `Access` it for `purpose`.
	pub async fn get_record(
		&self,
		signer: &Keypair,
		id: RecordId,
		purpose: PurposeOfUse,
	) -> Result<Vec<u8>, VaultError> {
		let path = format!("/v1/records/{id}?purpose={purpose:?}");
		let (_, body) = self.signed(Method::GET, &path, Bytes::new(), signer).await?;
		Ok(body.to_vec())
	}

	/// The caller's key envelope of the chain's record `id`, on the same condition.
	pub async fn get_envelope(
		&self,
		signer: &Keypair,
		id: RecordId,
		purpose: PurposeOfUse,
	) -> Result<Vec<u8>, VaultError> {
		let path = format!("/v1/records/{id}/envelope?purpose={purpose:?}");
		let (_, body) = self.signed(Method::GET, &path, Bytes::new(), signer).await?;
		Ok(body.to_vec())
	}

	/// The vault's public key (`GET /v1/vault`), which signs its erasure receipts.
	pub async fn vault_key(&self) -> Result<[u8; 32], VaultError> {
		let (_, body) = self.send(Method::GET, "/v1/vault", Bytes::new(), None).await?;
		let info: crate::protocol::VaultInfo = serde_json::from_slice(&body)
			.map_err(|error| VaultError::BadAnswer(format!("vault info: {error}")))?;
		from_hex32(&info.public_key)
			.ok_or_else(|| VaultError::BadAnswer("the vault key is not 0x hex of 32 bytes".into()))
	}

	/// Erases the object `hash` and its envelopes (owner only); the vault's signed receipt.
	pub async fn delete_object(
		&self,
		signer: &Keypair,
		hash: &ContentHash,
	) -> Result<ErasureReceipt, VaultError> {
		let (_, body) = self.signed(Method::DELETE, &object_path(hash), Bytes::new(), signer).await?;
		serde_json::from_slice(&body)
			.map_err(|error| VaultError::BadAnswer(format!("erasure receipt: {error}")))
	}

	/// Asks the vault to erase the object of the chain's record `id` as its custodian (or as
	/// its patient when the vault is the custodian), after the patient's request on chain.
	pub async fn erase_record(
		&self,
		signer: &Keypair,
		id: RecordId,
	) -> Result<protocol::RecordErasure, VaultError> {
		let path = format!("/v1/records/{id}");
		let (_, body) = self.signed(Method::DELETE, &path, Bytes::new(), signer).await?;
		serde_json::from_slice(&body)
			.map_err(|error| VaultError::BadAnswer(format!("record erasure: {error}")))
	}

	/// One authenticated request: a fresh challenge, then the signed request.
	async fn signed(
		&self,
		method: Method,
		path_and_query: &str,
		body: Bytes,
		signer: &Keypair,
	) -> Result<(StatusCode, Bytes), VaultError> {
		let challenge = self.challenge().await?;
		let headers = sign_request(signer, &challenge, method.as_str(), path_and_query, &body);
		self.send(method, path_and_query, body, Some(headers)).await
	}

	/// Sends one request and reads the answer; a status other than 2xx is
	/// [`VaultError::Refused`].
	async fn send(
		&self,
		method: Method,
		path_and_query: &str,
		body: Bytes,
		headers: Option<SignedHeaders>,
	) -> Result<(StatusCode, Bytes), VaultError> {
		let url = format!("{}{}", self.base, path_and_query);
		let mut request = Request::builder().method(method).uri(&url);
		if !body.is_empty() {
			request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
		}
		if let Some(headers) = headers {
			request = request
				.header(ACCOUNT_HEADER, headers.account)
				.header(CHALLENGE_HEADER, headers.challenge)
				.header(SIGNATURE_HEADER, headers.signature);
		}
		let report = if body.len() > UPLOAD_CHUNK || path_and_query.starts_with("/v1/records/") {
			self.progress.clone()
		} else {
			None
		};
		let request = request
			.body(ChunkedBody::new(body, report.clone()))
			.map_err(|_| VaultError::InvalidUrl { url: url.clone(), reason: "not a valid URI" })?;
		let exchange = async {
			let response = self.http.request(request).await.map_err(|error| {
				VaultError::Unreachable { url: self.base.clone(), reason: error_chain(&error) }
			})?;
			let status = response.status();
			let total = response.body().size_hint().exact();
			let body = read_body(response.into_body(), total, report.as_deref()).await?;
			Ok::<_, VaultError>((status, body))
		};
		let (status, body) = tokio::time::timeout(self.timeout, exchange)
			.await
			.map_err(|_| VaultError::Timeout { url: self.base.clone(), secs: self.timeout.as_secs() })??;
		if status.is_success() {
			Ok((status, body))
		} else {
			Err(refusal(status, &body))
		}
	}
}

/// An answer's body, read up to [`MAX_RESPONSE_BYTES`], reporting progress of `total` bytes.
async fn read_body(
	mut body: hyper::body::Incoming,
	total: Option<u64>,
	report: Option<&(dyn Fn(Progress) + Send + Sync)>,
) -> Result<Bytes, VaultError> {
	if total.is_some_and(|total| total > MAX_RESPONSE_BYTES as u64) {
		return Err(VaultError::BadAnswer(format!(
			"the answer is larger than {MAX_RESPONSE_BYTES} bytes"
		)));
	}
	let mut out = Vec::with_capacity(total.unwrap_or(0).min(MAX_RESPONSE_BYTES as u64) as usize);
	if let Some(report) = report {
		report(Progress::Download { done: 0, total });
	}
	while let Some(frame) = body.frame().await {
		let frame = frame.map_err(|error| {
			VaultError::BadAnswer(format!("the answer could not be read: {error}"))
		})?;
		if let Ok(data) = frame.into_data() {
			if out.len().saturating_add(data.len()) > MAX_RESPONSE_BYTES {
				return Err(VaultError::BadAnswer(format!(
					"the answer is larger than {MAX_RESPONSE_BYTES} bytes"
				)));
			}
			out.extend_from_slice(&data);
			if let Some(report) = report {
				report(Progress::Download { done: out.len() as u64, total });
			}
		}
	}
	Ok(Bytes::from(out))
}

/// A request body sent in [`UPLOAD_CHUNK`] pieces, reporting each one sent.
pub struct ChunkedBody {
	data: Bytes,
	sent: usize,
	report: Option<ProgressFn>,
}

impl ChunkedBody {
	/// A body of `data`; `report` hears of its progress.
	pub fn new(data: Bytes, report: Option<ProgressFn>) -> Self {
		Self { data, sent: 0, report }
	}
}

impl Body for ChunkedBody {
	type Data = Bytes;
	type Error = std::convert::Infallible;

	fn poll_frame(
		mut self: Pin<&mut Self>,
		_: &mut Context<'_>,
	) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
		let total = self.data.len();
		if self.sent >= total {
			return Poll::Ready(None);
		}
		if self.sent == 0 {
			if let Some(report) = &self.report {
				report(Progress::Upload { done: 0, total: total as u64 });
			}
		}
		let end = self.sent.saturating_add(UPLOAD_CHUNK).min(total);
		let chunk = self.data.slice(self.sent..end);
		self.sent = end;
		if let Some(report) = &self.report {
			report(Progress::Upload { done: end as u64, total: total as u64 });
		}
		Poll::Ready(Some(Ok(Frame::data(chunk))))
	}

	fn is_end_stream(&self) -> bool {
		self.sent >= self.data.len()
	}

	fn size_hint(&self) -> SizeHint {
		SizeHint::with_exact(self.data.len().saturating_sub(self.sent) as u64)
	}
}

/// The TLS settings of a vault client: the system's roots (for an `https` vault) and the
/// certificates of `ca_pem`; TLS 1.2 and 1.3 with rustls' safe defaults.
fn tls_config(https: bool, ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, VaultError> {
	let bad = |reason: String| VaultError::Tls(reason);
	let mut roots = rustls::RootCertStore::empty();
	if https {
		// Unreadable system certificates are skipped; a vault whose chain needs them then
		// fails its handshake with a clear error.
		for cert in rustls_native_certs::load_native_certs().certs {
			let _ = roots.add(cert);
		}
	}
	if let Some(pem) = ca_pem {
		let mut added = 0usize;
		for cert in CertificateDer::pem_slice_iter(pem) {
			let cert = cert.map_err(|error| bad(format!("the CA file is not PEM certificates: {error}")))?;
			roots.add(cert).map_err(|error| bad(format!("a CA certificate is not usable: {error}")))?;
			added += 1;
		}
		if added == 0 {
			return Err(bad("the CA file holds no PEM certificate".into()));
		}
	}
	let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
	Ok(rustls::ClientConfig::builder_with_provider(provider)
		.with_safe_default_protocol_versions()
		.map_err(|error| bad(error.to_string()))?
		.with_root_certificates(roots)
		.with_no_client_auth())
}

/// `/v1/objects/0x<hash>`.
fn object_path(hash: &ContentHash) -> String {
	format!("/v1/objects/{}", to_hex(hash))
}

fn put_outcome(status: StatusCode) -> PutOutcome {
	if status == StatusCode::CREATED {
		PutOutcome::Created
	} else {
		PutOutcome::AlreadyThere
	}
}

/// The vault's [`ErrorBody`], or the bare status if the body is not one.
fn refusal(status: StatusCode, body: &[u8]) -> VaultError {
	match serde_json::from_slice::<ErrorBody>(body) {
		Ok(error) => VaultError::Refused {
			status: status.as_u16(),
			code: error.error,
			message: error.message,
		},
		Err(_) => VaultError::Refused {
			status: status.as_u16(),
			code: "http_error".into(),
			message: status.canonical_reason().unwrap_or("no reason given").into(),
		},
	}
}

/// `http://host[:port]` without a trailing `/`; anything else is refused.
pub fn normalize_base_url(url: &str) -> Result<String, VaultError> {
	let invalid = |reason| VaultError::InvalidUrl { url: url.to_owned(), reason };
	let trimmed = url.trim().trim_end_matches('/');
	let Some(authority) = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"))
	else {
		return Err(invalid("it must start with https:// or http://"));
	};
	if authority.is_empty() {
		return Err(invalid("it names no host"));
	}
	if authority.contains(['/', '?', '#', ' ']) {
		return Err(invalid("it must be https://host[:port] without a path (the path is signed)"));
	}
	trimmed
		.parse::<hyper::Uri>()
		.map_err(|_| invalid("not a valid URI"))?;
	Ok(trimmed.to_owned())
}

/// The base URL of the vault that a chain locator (`<base>/v1/objects/0x<hash>`) points to,
/// if it is one.
pub fn base_from_locator(locator: &str) -> Option<String> {
	let (base, object) = locator.rsplit_once("/v1/objects/")?;
	from_hex32(object)?;
	normalize_base_url(base).ok()
}

/// `0x` and lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// 32 bytes from `0x` hex (the prefix is optional).
pub fn from_hex32(text: &str) -> Option<[u8; 32]> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	let mut out = [0u8; 32];
	hex::decode_to_slice(digits, &mut out).ok()?;
	Some(out)
}

/// An error and its sources, one sentence.
fn error_chain(error: &dyn std::error::Error) -> String {
	let mut text = error.to_string();
	let mut source = error.source();
	while let Some(cause) = source {
		text.push_str(": ");
		text.push_str(&cause.to_string());
		source = cause.source();
	}
	text
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::{verify, Identity};

	const PHRASE: &str =
		"bottom drive obey lake curtain smoke basket hold race lonely fit walk";

	#[test]
	fn request_signature_verifies_over_the_auth_message() {
		let identity = Identity::from_phrase(PHRASE).unwrap();
		let challenge = [7u8; 32];
		let body = b"sealed bytes";
		let path = "/v1/objects/0xabcd";
		let headers = sign_request(identity.keypair(), &challenge, "PUT", path, body);

		assert_eq!(headers.account, to_hex(&identity.account_id()));
		assert_eq!(headers.challenge, to_hex(&challenge));
		let signature: [u8; 64] = hex::decode(headers.signature.trim_start_matches("0x"))
			.unwrap()
			.try_into()
			.unwrap();
		let message = protocol::auth_message(&challenge, "PUT", path, &content_hash(body));
		assert!(verify(&identity.account_id(), &message, &signature));

		// Bound to everything signed.
		let other_path = protocol::auth_message(&challenge, "PUT", "/v1/objects/0xabce", &content_hash(body));
		assert!(!verify(&identity.account_id(), &other_path, &signature));
		let other_body = protocol::auth_message(&challenge, "PUT", path, &content_hash(b"other"));
		assert!(!verify(&identity.account_id(), &other_body, &signature));
		let other_method = protocol::auth_message(&challenge, "GET", path, &content_hash(body));
		assert!(!verify(&identity.account_id(), &other_method, &signature));
		let other_challenge = protocol::auth_message(&[8; 32], "PUT", path, &content_hash(body));
		assert!(!verify(&identity.account_id(), &other_challenge, &signature));
	}

	#[test]
	fn empty_body_signs_the_hash_of_nothing() {
		let identity = Identity::from_phrase(PHRASE).unwrap();
		let path = "/v1/records/3?purpose=Treatment";
		let headers = sign_request(identity.keypair(), &[1; 32], "GET", path, &[]);
		let signature: [u8; 64] =
			hex::decode(&headers.signature[2..]).unwrap().try_into().unwrap();
		let message = protocol::auth_message(&[1; 32], "GET", path, &content_hash(&[]));
		assert!(verify(&identity.account_id(), &message, &signature));
	}

	#[test]
	fn ca_files_must_hold_certificates() {
		assert!(VaultClient::with_ca_pem("https://vault.example", None).is_ok());
		let error = VaultClient::with_ca_pem("https://vault.example", Some(b"not a certificate")).err().unwrap();
		assert!(matches!(error, VaultError::Tls(_)), "{error}");
		let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
		assert!(VaultClient::with_ca_pem("https://vault.example", Some(bad)).is_err());
	}

	#[test]
	fn base_urls_are_checked() {
		assert_eq!(normalize_base_url("http://127.0.0.1:8450/").unwrap(), "http://127.0.0.1:8450");
		assert_eq!(normalize_base_url(" http://vault.local ").unwrap(), "http://vault.local");
		assert_eq!(normalize_base_url("https://vault.example/").unwrap(), "https://vault.example");
		assert!(normalize_base_url("ftp://vault").is_err());
		assert!(normalize_base_url("https://vault.example/v1").is_err());
		assert!(normalize_base_url("http://").is_err());
		assert!(normalize_base_url("http://host/prefix").is_err());
	}

	#[test]
	fn locators_name_the_object_and_lead_back_to_the_vault() {
		let client = VaultClient::new("http://127.0.0.1:8450").unwrap();
		let hash = [0xab; 32];
		let locator = client.object_locator(&hash);
		assert_eq!(locator, format!("http://127.0.0.1:8450/v1/objects/0x{}", "ab".repeat(32)));
		assert_eq!(base_from_locator(&locator).as_deref(), Some("http://127.0.0.1:8450"));
		assert_eq!(base_from_locator("vault://r/8f3a"), None);
	}

	#[test]
	fn refusals_carry_the_vault_error_body() {
		let body = br#"{"error":"access_denied","message":"the chain refused access: NoMatchingConsent"}"#;
		let error = refusal(StatusCode::FORBIDDEN, body);
		assert!(error.is_access_denied());
		assert!(error.to_string().contains("NoMatchingConsent"));
		let bare = refusal(StatusCode::BAD_GATEWAY, b"<html>");
		assert!(matches!(bare, VaultError::Refused { status: 502, ref code, .. } if code == "http_error"));
	}
}
