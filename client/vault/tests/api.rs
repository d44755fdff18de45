//! The vault's HTTP API, driven in-process (no network) with `tower::ServiceExt::oneshot`, with
//! requests signed by schnorrkel keypairs as a client would sign them.

use std::sync::Arc;

use axum::{
	body::{to_bytes, Body},
	http::{header, Request, StatusCode},
	Router,
};
use medchain_client::protocol::{
	self, Challenge, ErasureReceipt, ErrorBody, ACCOUNT_HEADER, CHALLENGE_HEADER,
	CHALLENGE_LIFETIME_SECS, SIGNATURE_HEADER, SIGNING_CONTEXT,
};
use medchain_vault::{
	auth::ManualClock,
	chain::{FakeChain, RecordInfo, Resource},
	encoding::{blake2_256, from_hex, to_hex},
	keys::{verify_receipt, VaultKey},
	store::{LocalDirStore, MemoryStore, ObjectStore},
	AccountId, Config, Hash, Vault,
};
use rand_core::OsRng;
use schnorrkel::Keypair;
use tower::ServiceExt;

const NOW: u64 = 1_700_000_000;
const MAX_OBJECT: usize = 1024;
const MAX_ENVELOPE: usize = 128;
const RECORD: u64 = 1;
const SEALED: &[u8] = b"sealed FHIR bundle (ciphertext)";
const ENVELOPE: &[u8] = b"record key sealed to the doctor's X25519 key";

struct Party {
	keypair: Keypair,
	account: AccountId,
}

fn party() -> Party {
	let keypair = Keypair::generate_with(OsRng);
	let account = keypair.public.to_bytes();
	Party { keypair, account }
}

struct Harness {
	app: Router,
	chain: Arc<FakeChain>,
	store: Arc<MemoryStore>,
	clock: Arc<ManualClock>,
	vault: AccountId,
}

struct Answer {
	status: StatusCode,
	body: Vec<u8>,
}

impl Answer {
	fn error(&self) -> ErrorBody {
		serde_json::from_slice(&self.body).unwrap_or_else(|e| {
			panic!("not an ErrorBody ({e}): {:?}", String::from_utf8_lossy(&self.body))
		})
	}

	#[track_caller]
	fn assert_error(&self, status: StatusCode, code: &str) {
		assert_eq!(self.status, status, "{:?}", String::from_utf8_lossy(&self.body));
		assert_eq!(self.error().error, code);
	}
}

fn config() -> Config {
	Config { max_object_bytes: MAX_OBJECT, max_envelope_bytes: MAX_ENVELOPE, max_challenges: 64 }
}

fn harness() -> Harness {
	let chain = Arc::new(FakeChain::new());
	let store = Arc::new(MemoryStore::new());
	let clock = Arc::new(ManualClock::new(NOW));
	let key = VaultKey::generate().unwrap();
	let vault_account = key.public();
	let app =
		Vault::new(store.clone(), chain.clone(), key, config()).with_clock(clock.clone()).router();
	Harness { app, chain, store, clock, vault: vault_account }
}

fn object_uri(hash: &Hash) -> String {
	format!("/v1/objects/{}", to_hex(hash))
}

fn envelope_uri(hash: &Hash, grantee: &AccountId) -> String {
	format!("/v1/objects/{}/envelopes/{}", to_hex(hash), to_hex(grantee))
}

fn record_uri(record: u64) -> String {
	format!("/v1/records/{record}?purpose=Treatment")
}

fn envelope_fetch_uri(record: u64) -> String {
	format!("/v1/records/{record}/envelope?purpose=Treatment")
}

/// A request as a client signs it; `account` is the header sent (normally the signer's).
fn signed(
	signer: &Keypair,
	account: &AccountId,
	challenge: &[u8; 32],
	method: &str,
	uri: &str,
	body: &[u8],
) -> Request<Body> {
	let message = protocol::auth_message(challenge, method, uri, &blake2_256(body));
	let signature = signer.sign_simple(SIGNING_CONTEXT, &message).to_bytes();
	Request::builder()
		.method(method)
		.uri(uri)
		.header(ACCOUNT_HEADER, to_hex(account))
		.header(CHALLENGE_HEADER, to_hex(challenge))
		.header(SIGNATURE_HEADER, to_hex(&signature))
		.body(Body::from(body.to_vec()))
		.unwrap()
}

impl Harness {
	async fn send(&self, request: Request<Body>) -> Answer {
		let response = self.app.clone().oneshot(request).await.unwrap();
		let status = response.status();
		let body = to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
		Answer { status, body }
	}

	async fn challenge(&self) -> [u8; 32] {
		let answer = self.send(Request::get("/v1/challenge").body(Body::empty()).unwrap()).await;
		assert_eq!(answer.status, StatusCode::OK);
		let challenge: Challenge = serde_json::from_slice(&answer.body).unwrap();
		assert_eq!(challenge.expires_at, self.clock_now() + CHALLENGE_LIFETIME_SECS);
		from_hex::<32>(&challenge.challenge).unwrap()
	}

	fn clock_now(&self) -> u64 {
		use medchain_vault::auth::Clock;
		self.clock.now()
	}

	/// Fetches a challenge, signs and sends.
	async fn call(&self, who: &Party, method: &str, uri: &str, body: &[u8]) -> Answer {
		let challenge = self.challenge().await;
		self.send(signed(&who.keypair, &who.account, &challenge, method, uri, body)).await
	}

	/// `owner` uploads `SEALED` and an envelope for `grantee`; the chain gets record
	/// `RECORD` of `patient` pointing at it.
	async fn setup(&self, owner: &Party, patient: &Party, grantee: &Party) -> Hash {
		let hash = blake2_256(SEALED);
		let answer = self.call(owner, "PUT", &object_uri(&hash), SEALED).await;
		assert_eq!(answer.status, StatusCode::CREATED);
		let answer =
			self.call(owner, "PUT", &envelope_uri(&hash, &grantee.account), ENVELOPE).await;
		assert_eq!(answer.status, StatusCode::CREATED);
		self.chain.add_record(
			RECORD,
			RecordInfo {
				subject: patient.account,
				custodian: self.vault,
				content_hash: hash,
				category: "Summary".into(),
				confidentiality: "Normal".into(),
				created: 7,
				erased: false,
				erasure_requested: false,
			},
		);
		hash
	}
}

#[tokio::test]
async fn upload_and_fetch_with_permit() {
	let h = harness();
	let (patient, doctor) = (party(), party());
	let hash = h.setup(&patient, &patient, &doctor).await;

	// Uploading the same bytes again is idempotent for their owner.
	let again = h.call(&patient, "PUT", &object_uri(&hash), SEALED).await;
	assert_eq!(again.status, StatusCode::OK);
	assert_eq!(h.store.object_count(), 1);

	h.chain.permit(doctor.account, RECORD);
	let record = h.call(&doctor, "GET", &record_uri(RECORD), b"").await;
	assert_eq!(record.status, StatusCode::OK);
	assert_eq!(record.body, SEALED);
	let envelope = h.call(&doctor, "GET", &envelope_fetch_uri(RECORD), b"").await;
	assert_eq!(envelope.status, StatusCode::OK);
	assert_eq!(envelope.body, ENVELOPE);

	// The patient reads their own record without any consent.
	let own = h.call(&patient, "GET", &record_uri(RECORD), b"").await;
	assert_eq!(own.status, StatusCode::OK);

	let logged = h.chain.logged();
	assert_eq!(logged.len(), 3, "every release is logged");
	for (logged_for, entry) in &logged {
		assert_eq!(*logged_for, patient.account, "logged in the patient's log");
		assert!(entry.permitted);
		assert_eq!(entry.record_id, RECORD);
		assert_eq!(entry.action, "Access");
		assert_eq!(entry.purpose, "Treatment");
		assert_eq!(entry.category, "Summary");
		assert_eq!(entry.at, NOW);
	}
	assert_eq!(logged[0].1.accessor, doctor.account);
	assert_eq!(logged[0].1.resource, Resource::Record);
	assert_eq!(logged[1].1.resource, Resource::Envelope);
	assert_eq!(logged[2].1.accessor, patient.account);
	assert_eq!(logged[2].1.reason, "Patient");
}

#[tokio::test]
async fn fetch_refused_and_the_refusal_logged() {
	let h = harness();
	let (patient, doctor, stranger) = (party(), party(), party());
	h.setup(&patient, &patient, &doctor).await;

	let answer = h.call(&stranger, "GET", &record_uri(RECORD), b"").await;
	answer.assert_error(StatusCode::FORBIDDEN, "access_denied");
	assert!(answer.error().message.contains("NoMatchingConsent"), "the chain's reason is given");
	assert!(!answer.body.windows(SEALED.len()).any(|w| w == SEALED));

	// The doctor has an envelope but no consent yet: refused too.
	let answer = h.call(&doctor, "GET", &envelope_fetch_uri(RECORD), b"").await;
	answer.assert_error(StatusCode::FORBIDDEN, "access_denied");

	let logged = h.chain.logged();
	assert_eq!(logged.len(), 2);
	assert_eq!(logged[0].0, patient.account);
	assert_eq!(logged[0].1.accessor, stranger.account);
	assert!(!logged[0].1.permitted);
	assert_eq!(logged[0].1.reason, "NoMatchingConsent");
	assert_eq!(logged[1].1.accessor, doctor.account);
	assert_eq!(logged[1].1.resource, Resource::Envelope);
	assert!(!logged[1].1.permitted);
}

#[tokio::test]
async fn revoked_consent_is_refused() {
	let h = harness();
	let (patient, doctor) = (party(), party());
	h.setup(&patient, &patient, &doctor).await;
	h.chain.permit(doctor.account, RECORD);
	assert_eq!(h.call(&doctor, "GET", &record_uri(RECORD), b"").await.status, StatusCode::OK);

	h.chain.revoke(doctor.account, RECORD);
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::FORBIDDEN, "access_denied");
	h.call(&doctor, "GET", &envelope_fetch_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::FORBIDDEN, "access_denied");
	let permitted: Vec<bool> = h.chain.logged().iter().map(|(_, e)| e.permitted).collect();
	assert_eq!(permitted, [true, false, false]);
}

#[tokio::test]
async fn replayed_challenge_is_refused_and_stores_nothing() {
	let h = harness();
	let owner = party();
	let challenge = h.challenge().await;
	let first = blake2_256(b"first");
	let answer = h
		.send(signed(
			&owner.keypair,
			&owner.account,
			&challenge,
			"PUT",
			&object_uri(&first),
			b"first",
		))
		.await;
	assert_eq!(answer.status, StatusCode::CREATED);

	// The very same request again, and a new request signed over the used challenge.
	h.send(signed(
		&owner.keypair,
		&owner.account,
		&challenge,
		"PUT",
		&object_uri(&first),
		b"first",
	))
	.await
	.assert_error(StatusCode::UNAUTHORIZED, "challenge_used");
	let second = blake2_256(b"second");
	h.send(signed(
		&owner.keypair,
		&owner.account,
		&challenge,
		"PUT",
		&object_uri(&second),
		b"second",
	))
	.await
	.assert_error(StatusCode::UNAUTHORIZED, "challenge_used");
	assert_eq!(h.store.object_count(), 1);
	assert!(h.store.object_meta(second).await.unwrap().is_none());
}

#[tokio::test]
async fn expired_challenge_is_refused() {
	let h = harness();
	let owner = party();
	let challenge = h.challenge().await;
	h.clock.advance(CHALLENGE_LIFETIME_SECS);
	let hash = blake2_256(SEALED);
	h.send(signed(&owner.keypair, &owner.account, &challenge, "PUT", &object_uri(&hash), SEALED))
		.await
		.assert_error(StatusCode::UNAUTHORIZED, "challenge_expired");
	assert_eq!(h.store.object_count(), 0);
}

#[tokio::test]
async fn unknown_challenge_and_missing_headers_are_refused() {
	let h = harness();
	let owner = party();
	let hash = blake2_256(SEALED);
	h.send(signed(&owner.keypair, &owner.account, &[9; 32], "PUT", &object_uri(&hash), SEALED))
		.await
		.assert_error(StatusCode::UNAUTHORIZED, "unknown_challenge");
	let unsigned = Request::put(object_uri(&hash)).body(Body::from(SEALED)).unwrap();
	h.send(unsigned).await.assert_error(StatusCode::UNAUTHORIZED, "missing_auth");
	let mut garbled =
		signed(&owner.keypair, &owner.account, &[9; 32], "PUT", &object_uri(&hash), SEALED);
	garbled.headers_mut().insert(SIGNATURE_HEADER, "0xnothex".parse().unwrap());
	h.send(garbled).await.assert_error(StatusCode::UNAUTHORIZED, "bad_auth_header");
	assert_eq!(h.store.object_count(), 0);
}

#[tokio::test]
async fn bad_signature_is_refused_and_does_not_burn_the_challenge() {
	let h = harness();
	let owner = party();
	let hash = blake2_256(SEALED);
	let uri = object_uri(&hash);
	let challenge = h.challenge().await;

	// Signed over other bytes than those sent.
	let mut tampered = signed(&owner.keypair, &owner.account, &challenge, "PUT", &uri, b"other");
	*tampered.body_mut() = Body::from(SEALED);
	h.send(tampered).await.assert_error(StatusCode::UNAUTHORIZED, "bad_signature");
	// Signed for another path.
	let other_path =
		signed(&owner.keypair, &owner.account, &challenge, "PUT", "/v1/objects/0x00", SEALED);
	let (mut parts, body) = other_path.into_parts();
	parts.uri = uri.parse().unwrap();
	h.send(Request::from_parts(parts, body))
		.await
		.assert_error(StatusCode::UNAUTHORIZED, "bad_signature");
	assert_eq!(h.store.object_count(), 0);

	// The owner's own, correct request still goes through with that challenge.
	let answer =
		h.send(signed(&owner.keypair, &owner.account, &challenge, "PUT", &uri, SEALED)).await;
	assert_eq!(answer.status, StatusCode::CREATED);
}

#[tokio::test]
async fn wrong_account_header_is_refused() {
	let h = harness();
	let (signer, claimed) = (party(), party());
	let hash = blake2_256(SEALED);
	let challenge = h.challenge().await;
	h.send(signed(
		&signer.keypair,
		&claimed.account,
		&challenge,
		"PUT",
		&object_uri(&hash),
		SEALED,
	))
	.await
	.assert_error(StatusCode::UNAUTHORIZED, "bad_signature");
	assert_eq!(h.store.object_count(), 0);
}

#[tokio::test]
async fn oversized_upload_is_refused_and_stores_nothing() {
	let h = harness();
	let owner = party();
	let big = vec![7u8; MAX_OBJECT + 1];
	let hash = blake2_256(&big);

	// Streamed without a length: cut off while reading.
	h.call(&owner, "PUT", &object_uri(&hash), &big)
		.await
		.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
	// With its length announced: refused before reading.
	let challenge = h.challenge().await;
	let mut announced =
		signed(&owner.keypair, &owner.account, &challenge, "PUT", &object_uri(&hash), &big);
	announced.headers_mut().insert(header::CONTENT_LENGTH, big.len().into());
	h.send(announced).await.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
	assert_eq!(h.store.object_count(), 0);

	// Exactly the limit is fine.
	let fits = vec![7u8; MAX_OBJECT];
	let answer = h.call(&owner, "PUT", &object_uri(&blake2_256(&fits)), &fits).await;
	assert_eq!(answer.status, StatusCode::CREATED);

	// Envelopes have their own, smaller limit.
	let envelope = vec![1u8; MAX_ENVELOPE + 1];
	h.call(&owner, "PUT", &envelope_uri(&blake2_256(&fits), &owner.account), &envelope)
		.await
		.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
	assert_eq!(h.store.envelope_count(), 0);
}

#[tokio::test]
async fn hash_mismatch_and_bad_paths_are_refused() {
	let h = harness();
	let owner = party();
	let wrong = blake2_256(b"something else");
	h.call(&owner, "PUT", &object_uri(&wrong), SEALED)
		.await
		.assert_error(StatusCode::BAD_REQUEST, "hash_mismatch");
	h.call(&owner, "PUT", &object_uri(&blake2_256(b"")), b"")
		.await
		.assert_error(StatusCode::BAD_REQUEST, "empty_body");
	h.call(&owner, "PUT", "/v1/objects/not-a-hash", SEALED)
		.await
		.assert_error(StatusCode::BAD_REQUEST, "bad_path");
	assert_eq!(h.store.object_count(), 0);

	h.call(&owner, "GET", "/v1/records/one?purpose=Treatment", b"")
		.await
		.assert_error(StatusCode::BAD_REQUEST, "bad_path");
	h.call(&owner, "GET", "/v1/records/1", b"")
		.await
		.assert_error(StatusCode::BAD_REQUEST, "missing_purpose");
	h.call(&owner, "GET", "/v1/records/1?purpose=no%20spaces", b"")
		.await
		.assert_error(StatusCode::BAD_REQUEST, "bad_purpose");
	h.send(Request::get("/v1/nothing").body(Body::empty()).unwrap())
		.await
		.assert_error(StatusCode::NOT_FOUND, "not_found");
	h.send(Request::post("/v1/challenge").body(Body::empty()).unwrap())
		.await
		.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
	assert!(h.chain.logged().is_empty());
}

#[tokio::test]
async fn unknown_and_erased_records_are_not_found() {
	let h = harness();
	let (patient, doctor) = (party(), party());
	h.call(&doctor, "GET", &record_uri(42), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_record");

	h.setup(&patient, &patient, &doctor).await;
	h.chain.permit(doctor.account, RECORD);
	// The chain knows a record whose ciphertext this vault does not hold.
	let mut elsewhere = RecordInfo {
		subject: patient.account,
		custodian: [0; 32],
		content_hash: blake2_256(b"held elsewhere"),
		category: "Imaging".into(),
		confidentiality: "Normal".into(),
		created: 9,
		erased: false,
		erasure_requested: false,
	};
	h.chain.add_record(2, elsewhere.clone());
	h.chain.permit(doctor.account, 2);
	h.call(&doctor, "GET", &record_uri(2), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");
	h.call(&doctor, "GET", &envelope_fetch_uri(2), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");
	// An envelope a permitted caller does not have.
	let nurse = party();
	elsewhere.content_hash = blake2_256(SEALED);
	h.chain.add_record(3, elsewhere);
	h.chain.permit(nurse.account, 3);
	h.call(&nurse, "GET", &envelope_fetch_uri(3), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "no_envelope");
	let logged = h.chain.logged();
	assert_eq!(logged.len(), 3, "decided and logged before the store was asked");
	assert!(logged.iter().all(|(_, entry)| entry.permitted));

	h.chain.erase_record(RECORD);
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "record_erased");
	assert_eq!(h.chain.logged().len(), 3, "an unknown or erased record is not logged");
}

#[tokio::test]
async fn a_refused_caller_learns_nothing_about_the_store() {
	let h = harness();
	let (patient, doctor, stranger) = (party(), party(), party());
	h.setup(&patient, &patient, &doctor).await;
	// Record 2 points at an object this vault does not hold.
	h.chain.add_record(
		2,
		RecordInfo {
			subject: patient.account,
			custodian: [0; 32],
			content_hash: blake2_256(b"held elsewhere"),
			category: "Imaging".into(),
			confidentiality: "Normal".into(),
			created: 9,
			erased: false,
			erasure_requested: false,
		},
	);
	// Held or not, envelope or not: the same refusal.
	for uri in
		[record_uri(RECORD), record_uri(2), envelope_fetch_uri(RECORD), envelope_fetch_uri(2)]
	{
		let answer = h.call(&stranger, "GET", &uri, b"").await;
		answer.assert_error(StatusCode::FORBIDDEN, "access_denied");
		assert_eq!(answer.error().message, "the chain refused access: NoMatchingConsent", "{uri}");
	}
	assert_eq!(h.chain.logged().len(), 4, "every refusal is logged");
}

#[tokio::test]
async fn envelopes_and_conflicts_are_the_owner_s_alone() {
	let h = harness();
	let (owner, other) = (party(), party());
	let hash = blake2_256(SEALED);
	assert_eq!(h.call(&owner, "PUT", &object_uri(&hash), SEALED).await.status, StatusCode::CREATED);

	h.call(&other, "PUT", &object_uri(&hash), SEALED)
		.await
		.assert_error(StatusCode::CONFLICT, "owned_by_another");
	h.call(&other, "PUT", &envelope_uri(&hash, &other.account), ENVELOPE)
		.await
		.assert_error(StatusCode::FORBIDDEN, "not_owner");
	assert_eq!(h.store.envelope_count(), 0);
	h.call(&owner, "PUT", &envelope_uri(&blake2_256(b"absent"), &other.account), ENVELOPE)
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");

	let uri = envelope_uri(&hash, &other.account);
	assert_eq!(h.call(&owner, "PUT", &uri, ENVELOPE).await.status, StatusCode::CREATED);
	assert_eq!(h.call(&owner, "PUT", &uri, b"rewrapped").await.status, StatusCode::OK);
	assert_eq!(h.store.get_envelope(hash, other.account).await.unwrap().unwrap(), b"rewrapped");
	assert_eq!(h.store.object_meta(hash).await.unwrap().unwrap().owner, owner.account);
}

#[tokio::test]
async fn erasure_by_owner_only_with_a_verifiable_receipt() {
	let h = harness();
	let (patient, doctor) = (party(), party());
	let hash = h.setup(&patient, &patient, &doctor).await;
	h.chain.permit(doctor.account, RECORD);

	h.call(&doctor, "DELETE", &object_uri(&hash), b"")
		.await
		.assert_error(StatusCode::FORBIDDEN, "not_owner");
	assert_eq!(h.store.object_count(), 1, "a refused erasure erases nothing");

	h.clock.advance(5);
	let answer = h.call(&patient, "DELETE", &object_uri(&hash), b"").await;
	assert_eq!(answer.status, StatusCode::OK);
	let receipt: ErasureReceipt = serde_json::from_slice(&answer.body).unwrap();
	assert_eq!(receipt.object, to_hex(&hash));
	assert_eq!(receipt.owner, to_hex(&patient.account));
	assert_eq!(receipt.erased_at, NOW + 5);
	assert_eq!(receipt.vault, to_hex(&h.vault));
	assert_eq!(verify_receipt(&receipt), Some(h.vault), "signed by this vault");
	assert_eq!(protocol::verify_receipt(&receipt), Some(h.vault), "the client's check agrees");
	// The vault publishes the key of its receipts, without authentication.
	let info = h.send(Request::get("/v1/vault").body(Body::empty()).unwrap()).await;
	assert_eq!(info.status, StatusCode::OK);
	let info: protocol::VaultInfo = serde_json::from_slice(&info.body).unwrap();
	assert_eq!(info.public_key, to_hex(&h.vault));
	// Checked by hand too, as a custodian's tooling would.
	let public = schnorrkel::PublicKey::from_bytes(&h.vault).unwrap();
	let signature =
		schnorrkel::Signature::from_bytes(&from_hex::<64>(&receipt.signature).unwrap()).unwrap();
	let message = protocol::receipt_message(&hash, &patient.account, NOW + 5);
	assert!(public.verify_simple(SIGNING_CONTEXT, &message, &signature).is_ok());

	assert_eq!((h.store.object_count(), h.store.envelope_count()), (0, 0));
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");
	h.call(&doctor, "GET", &envelope_fetch_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");
	h.call(&patient, "DELETE", &object_uri(&hash), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_object");
}

#[tokio::test]
async fn the_vault_as_custodian_erases_on_the_patient_s_request_and_confirms_on_chain() {
	let h = harness();
	let (patient, doctor, stranger) = (party(), party(), party());
	// The patient uploaded; the vault's account is the record's custodian (see `setup`).
	let hash = h.setup(&patient, &patient, &doctor).await;
	let uri = format!("/v1/records/{RECORD}");

	// Before the patient's request on chain: nothing is erased.
	h.call(&patient, "DELETE", &uri, b"")
		.await
		.assert_error(StatusCode::CONFLICT, "erasure_not_requested");
	h.chain.request_erasure(RECORD);
	// Neither a stranger nor a permitted doctor may erase.
	h.chain.permit(doctor.account, RECORD);
	for who in [&stranger, &doctor] {
		h.call(who, "DELETE", &uri, b"").await.assert_error(StatusCode::FORBIDDEN, "not_custodian");
	}
	assert_eq!(h.store.object_count(), 1, "a refused erasure erases nothing");

	h.clock.advance(3);
	let answer = h.call(&patient, "DELETE", &uri, b"").await;
	assert_eq!(answer.status, StatusCode::OK, "{:?}", String::from_utf8_lossy(&answer.body));
	let erasure: protocol::RecordErasure = serde_json::from_slice(&answer.body).unwrap();
	assert_eq!(erasure.record, RECORD);
	assert!(erasure.confirmed_on_chain, "the vault, custodian, confirmed on chain");
	assert_eq!(erasure.confirmation_error, None);
	assert_eq!(erasure.receipt.object, to_hex(&hash));
	assert_eq!(erasure.receipt.owner, to_hex(&patient.account), "the receipt names the uploader");
	assert_eq!(erasure.receipt.erased_at, NOW + 3);
	assert_eq!(protocol::verify_receipt(&erasure.receipt), Some(h.vault));
	assert_eq!((h.store.object_count(), h.store.envelope_count()), (0, 0));
	assert_eq!(h.chain.confirmed_erasures(), vec![RECORD]);
	// Erased on chain now: a second erasure or a read find the tombstone.
	h.call(&patient, "DELETE", &uri, b"").await.assert_error(StatusCode::NOT_FOUND, "record_erased");
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "record_erased");
	h.call(&patient, "DELETE", "/v1/records/77", b"")
		.await
		.assert_error(StatusCode::NOT_FOUND, "unknown_record");
}

#[tokio::test]
async fn another_custodian_erases_an_object_it_did_not_upload() {
	let h = harness();
	let (patient, hospital, doctor) = (party(), party(), party());
	// The doctor uploaded; the hospital is the custodian.
	h.setup(&doctor, &patient, &doctor).await;
	let mut record = RecordInfo {
		subject: patient.account,
		custodian: hospital.account,
		content_hash: blake2_256(SEALED),
		category: "Summary".into(),
		confidentiality: "Normal".into(),
		created: 7,
		erased: false,
		erasure_requested: true,
	};
	h.chain.add_record(RECORD, record.clone());
	let uri = format!("/v1/records/{RECORD}");
	// The vault is not the custodian: the patient's call is refused, the custodian's taken.
	h.call(&patient, "DELETE", &uri, b"").await.assert_error(StatusCode::FORBIDDEN, "not_custodian");
	let answer = h.call(&hospital, "DELETE", &uri, b"").await;
	assert_eq!(answer.status, StatusCode::OK);
	let erasure: protocol::RecordErasure = serde_json::from_slice(&answer.body).unwrap();
	assert!(!erasure.confirmed_on_chain, "the hospital confirms on chain itself");
	assert_eq!(erasure.receipt.owner, to_hex(&doctor.account));
	assert_eq!(h.store.object_count(), 0);
	assert!(h.chain.confirmed_erasures().is_empty());
	// Gone from the store, still pending on chain: a second call says so.
	h.call(&hospital, "DELETE", &uri, b"").await.assert_error(StatusCode::NOT_FOUND, "unknown_object");
	record.erasure_requested = false;
	h.chain.add_record(2, record);
	h.call(&hospital, "DELETE", "/v1/records/2", b"")
		.await
		.assert_error(StatusCode::CONFLICT, "erasure_not_requested");
}

#[tokio::test]
async fn chain_unreachable_releases_nothing() {
	let h = harness();
	let (patient, doctor) = (party(), party());
	h.setup(&patient, &patient, &doctor).await;
	h.chain.permit(doctor.account, RECORD);

	h.chain.set_unreachable(true);
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::SERVICE_UNAVAILABLE, "chain_unavailable");

	// Permitted, but the access cannot be logged: not released either.
	h.chain.set_unreachable(false);
	h.chain.set_log_fails(true);
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::SERVICE_UNAVAILABLE, "chain_unavailable");
	assert!(h.chain.logged().is_empty());

	h.chain.set_log_fails(false);
	h.chain.reject_purpose("Treatment");
	h.call(&doctor, "GET", &record_uri(RECORD), b"")
		.await
		.assert_error(StatusCode::BAD_REQUEST, "bad_purpose");
}

#[tokio::test]
async fn outstanding_challenges_are_bounded() {
	let h = harness();
	for _ in 0..config().max_challenges {
		h.challenge().await;
	}
	h.send(Request::get("/v1/challenge").body(Body::empty()).unwrap())
		.await
		.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_challenges");
	h.clock.advance(CHALLENGE_LIFETIME_SECS);
	h.challenge().await;
}

#[tokio::test]
async fn local_dir_store_behind_the_router() {
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(LocalDirStore::open(dir.path()).unwrap());
	let chain = Arc::new(FakeChain::new());
	let key = VaultKey::load_or_create(dir.path()).unwrap();
	let clock = Arc::new(ManualClock::new(NOW));
	let app =
		Vault::new(store.clone(), chain.clone(), key, config()).with_clock(clock.clone()).router();
	let h = Harness {
		app,
		chain,
		store: Arc::new(MemoryStore::new()),
		clock,
		vault: VaultKey::load_or_create(dir.path()).unwrap().public(),
	};
	let (patient, doctor) = (party(), party());

	let big = vec![1u8; MAX_OBJECT + 1];
	h.call(&patient, "PUT", &object_uri(&blake2_256(&big)), &big)
		.await
		.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
	assert!(store.object_meta(blake2_256(&big)).await.unwrap().is_none());

	let hash = h.setup(&patient, &patient, &doctor).await;
	h.chain.permit(doctor.account, RECORD);
	assert_eq!(h.call(&doctor, "GET", &record_uri(RECORD), b"").await.body, SEALED);
	let answer = h.call(&patient, "DELETE", &object_uri(&hash), b"").await;
	assert_eq!(answer.status, StatusCode::OK);
	let receipt: ErasureReceipt = serde_json::from_slice(&answer.body).unwrap();
	assert_eq!(verify_receipt(&receipt), Some(h.vault), "the key from the data dir signs");
	assert!(store.get_object(hash).await.unwrap().is_none());
	let leftovers = std::fs::read_dir(dir.path().join("tmp")).unwrap().count();
	assert_eq!(leftovers, 0);
}
