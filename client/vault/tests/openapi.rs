//! The vault's own OpenAPI document (`GET /v1/openapi.json`) drives a property-based run against
//! a vault on a real TCP socket: LocalDirStore on a temporary directory, the in-memory chain,
//! a manual clock. The operations, their parameters and schemas, which take a body, which are
//! signed and which statuses each may answer are all read from the document; the generator
//! then sends valid requests (signed by the right party, with a fresh challenge, a body that
//! hashes to its path) and mutations of them (bad hex, out-of-range ids, unknown purposes,
//! missing, forged, replayed, expired and misdirected signatures, empty, mismatched and
//! oversized bodies, unknown paths and methods), with the chain made unreachable now and then.
//!
//! Every answer is checked: its status is one the document lists for the operation; no 5xx but
//! 503; every error is a JSON `ErrorBody`; a refused write leaves the store's directory exactly
//! as it was (no object, envelope or staging file); a request refused at authentication logs
//! nothing on chain (nor one refused at its path, query or purpose); a 200 body is the documented type (receipts verify, released bytes hash to
//! the record's content hash). At the end every operation must have answered at least one
//! success and one refusal, and the vault still answers.
//!
//! `MEDCHAIN_VAULT_PROPERTY_REQUESTS` (default 10,000) and `MEDCHAIN_VAULT_PROPERTY_SEED`
//! (default 1) set the run.

use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	fs,
	io::{BufRead, BufReader, Read, Write},
	net::{SocketAddr, TcpStream},
	path::Path,
	sync::Arc,
	time::Duration,
};

use medchain_client::protocol::{
	self, Challenge, ErasureReceipt, ErrorBody, RecordErasure, VaultInfo, SIGNING_CONTEXT,
};
use medchain_vault::{
	auth::ManualClock,
	chain::{FakeChain, RecordInfo},
	encoding::{blake2_256, from_hex, to_hex},
	keys::{verify_receipt, VaultKey},
	store::LocalDirStore,
	AccountId, Config, Hash, Vault,
};
use rand_chacha::{
	rand_core::{RngCore, SeedableRng},
	ChaCha8Rng,
};
use schnorrkel::{ExpansionMode, Keypair, MiniSecretKey};
use serde_json::Value;

const NOW: u64 = 1_700_000_000;
const MAX_OBJECT: usize = 4096;
const MAX_ENVELOPE: usize = 256;
/// Parties that upload, own, read and erase.
const PARTIES: usize = 4;
/// The distinct objects uploaded: few, so that uploads, envelopes and erasures meet.
const OBJECTS: usize = 24;
/// Records on the fake chain; ids past them are unknown.
const RECORDS: u64 = 12;
/// The chain is unreachable for this many requests out of every `OUTAGE_EVERY`.
const OUTAGE_LENGTH: usize = 40;
const OUTAGE_EVERY: usize = 500;

/// One operation of the document.
#[derive(Debug)]
struct Operation {
	method: String,
	path: String,
	parameters: Vec<Parameter>,
	/// The media type of its request body, if it takes one.
	body: Option<String>,
	signed: bool,
	/// Status → the schema name of its JSON body, if it has one.
	responses: BTreeMap<u16, Option<String>>,
}

#[derive(Debug)]
struct Parameter {
	name: String,
	location: String,
	required: bool,
	schema: Value,
}

/// The operations of the document, with their security schemes checked.
fn operations(document: &Value) -> Vec<Operation> {
	let schemes = &document["components"]["securitySchemes"];
	let headers: BTreeSet<String> = [
		protocol::ACCOUNT_HEADER,
		protocol::CHALLENGE_HEADER,
		protocol::SIGNATURE_HEADER,
	]
	.into_iter()
	.map(str::to_owned)
	.collect();
	let mut operations = Vec::new();
	for (path, item) in document["paths"].as_object().expect("paths") {
		for (method, operation) in item.as_object().expect("a path item") {
			let parameters = operation["parameters"]
				.as_array()
				.into_iter()
				.flatten()
				.map(|parameter| Parameter {
					name: parameter["name"].as_str().expect("a name").to_owned(),
					location: parameter["in"].as_str().expect("a location").to_owned(),
					required: parameter["required"].as_bool().unwrap_or(false),
					schema: parameter["schema"].clone(),
				})
				.collect();
			let body = operation["requestBody"]["content"]
				.as_object()
				.and_then(|content| content.keys().next().cloned());
			let signed = match operation["security"].as_array() {
				Some(requirements) if !requirements.is_empty() => {
					assert_eq!(requirements.len(), 1, "{method} {path}: one requirement, all three headers");
					let named: BTreeSet<String> = requirements[0]
						.as_object()
						.expect("a requirement")
						.keys()
						.map(|scheme| {
							let scheme = &schemes[scheme];
							assert_eq!(scheme["type"], "apiKey", "{method} {path}: {scheme}");
							assert_eq!(scheme["in"], "header");
							scheme["name"].as_str().expect("a header").to_owned()
						})
						.collect();
					assert_eq!(named, headers, "{method} {path}: the signed request's headers");
					true
				},
				_ => false,
			};
			let responses = operation["responses"]
				.as_object()
				.expect("responses")
				.iter()
				.map(|(status, response)| {
					let schema = response["content"]["application/json"]["schema"]["$ref"]
						.as_str()
						.and_then(|reference| reference.rsplit('/').next())
						.map(str::to_owned);
					(status.parse().expect("a numeric status"), schema)
				})
				.collect();
			operations.push(Operation {
				method: method.to_uppercase(),
				path: path.clone(),
				parameters,
				body,
				signed,
				responses,
			});
		}
	}
	operations
}

/// A keep-alive HTTP/1.1 client on one socket, reconnecting when the server closes it.
struct Http {
	address: SocketAddr,
	stream: Option<BufReader<TcpStream>>,
}

struct Answer {
	status: u16,
	content_type: String,
	body: Vec<u8>,
}

impl Answer {
	fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
		serde_json::from_slice(&self.body)
			.map_err(|error| format!("{error}: {:?}", String::from_utf8_lossy(&self.body)))
	}
}

impl Http {
	fn send(&mut self, method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Answer {
		// A request the server closed the connection before reading is sent again, once.
		match self.try_send(method, target, headers, body) {
			Ok(answer) => answer,
			Err(_) => {
				self.stream = None;
				self.try_send(method, target, headers, body)
					.unwrap_or_else(|error| panic!("{method} {target}: no answer: {error}"))
			},
		}
	}

	fn try_send(
		&mut self,
		method: &str,
		target: &str,
		headers: &[(String, String)],
		body: &[u8],
	) -> std::io::Result<Answer> {
		if self.stream.is_none() {
			let stream = TcpStream::connect(self.address)?;
			stream.set_read_timeout(Some(Duration::from_secs(30)))?;
			self.stream = Some(BufReader::new(stream));
		}
		let reader = self.stream.as_mut().expect("connected");
		let mut request = format!("{method} {target} HTTP/1.1\r\nhost: vault\r\ncontent-length: {}\r\n", body.len());
		for (name, value) in headers {
			request.push_str(&format!("{name}: {value}\r\n"));
		}
		request.push_str("\r\n");
		let mut bytes = request.into_bytes();
		bytes.extend_from_slice(body);
		reader.get_mut().write_all(&bytes)?;

		let mut line = String::new();
		if reader.read_line(&mut line)? == 0 {
			return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed"));
		}
		let status: u16 = line
			.split_whitespace()
			.nth(1)
			.and_then(|status| status.parse().ok())
			.unwrap_or_else(|| panic!("not a status line: {line:?}"));
		let (mut length, mut content_type, mut close) = (0usize, String::new(), false);
		loop {
			line.clear();
			reader.read_line(&mut line)?;
			let header = line.trim_end();
			if header.is_empty() {
				break;
			}
			let (name, value) = header.split_once(':').unwrap_or((header, ""));
			let value = value.trim();
			match name.to_ascii_lowercase().as_str() {
				"content-length" => length = value.parse().expect("a length"),
				"content-type" => content_type = value.to_owned(),
				"connection" => close = value.eq_ignore_ascii_case("close"),
				"transfer-encoding" => panic!("the vault answers with a length, not chunks"),
				_ => {},
			}
		}
		let mut body = vec![0; length];
		reader.read_exact(&mut body)?;
		if close || status == 413 {
			// The rest of an unread body would be taken for the next request.
			self.stream = None;
		}
		Ok(Answer { status, content_type, body })
	}
}

/// The store directory as (relative path → hash of contents, or `None` for a directory).
fn snapshot(root: &Path) -> BTreeMap<String, Option<Hash>> {
	fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Option<Hash>>) {
		for entry in fs::read_dir(dir).expect("readable").flatten() {
			let path = entry.path();
			let name = path.strip_prefix(root).expect("inside").display().to_string();
			if path.is_dir() {
				into.insert(name, None);
				walk(root, &path, into);
			} else {
				into.insert(name, Some(blake2_256(&fs::read(&path).expect("readable"))));
			}
		}
	}
	let mut into = BTreeMap::new();
	walk(root, root, &mut into);
	into
}

/// What the generator knows of the vault's state, to aim valid requests well.
struct World {
	parties: Vec<Keypair>,
	objects: Vec<Vec<u8>>,
	/// Object index → the party that owns it in the vault, once uploaded.
	owners: HashMap<usize, usize>,
	/// Record id → (patient, custodian or `None` for the vault, object index).
	records: BTreeMap<u64, (usize, Option<usize>, usize)>,
	used_challenges: Vec<[u8; 32]>,
}

impl World {
	fn account(&self, party: usize) -> AccountId {
		self.parties[party].public.to_bytes()
	}

	fn object_of_hash(&self, hash: &Hash) -> Option<usize> {
		self.objects.iter().position(|object| blake2_256(object) == *hash)
	}
}

/// A request under construction.
struct Draft {
	path: String,
	query: String,
	body: Vec<u8>,
	/// The party meant to sign, and the object or record the path names.
	signer: usize,
	object: Option<usize>,
	record: Option<u64>,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
	&items[rng.next_u32() as usize % items.len()]
}

fn chance(rng: &mut ChaCha8Rng, percent: u32) -> bool {
	rng.next_u32() % 100 < percent
}

fn random_bytes(rng: &mut ChaCha8Rng, len: usize) -> Vec<u8> {
	let mut bytes = vec![0; len];
	rng.fill_bytes(&mut bytes);
	bytes
}

/// `low` to `high` random bytes.
fn random_bytes_between(rng: &mut ChaCha8Rng, low: usize, high: usize) -> Vec<u8> {
	let len = low + rng.next_u32() as usize % (high - low + 1);
	random_bytes(rng, len)
}

/// A mutation of a path segment: each is refused by a well-formed parser.
fn mutated_segment(rng: &mut ChaCha8Rng, valid: &str) -> String {
	match rng.next_u32() % 9 {
		0 => valid.trim_start_matches("0x").to_owned(),
		1 => valid[..valid.len().saturating_sub(1)].to_owned(),
		2 => format!("{valid}0"),
		3 => format!("{}zz", &valid[..valid.len().saturating_sub(2)]),
		4 => "-1".into(),
		5 => "18446744073709551616".into(),
		6 => "%FF%FE".into(),
		7 => "%E2%98%83".into(),
		_ => "0x".into(),
	}
}

/// Fills the path parameters of `operation`: known objects, parties and records, or random
/// values of the parameter's schema, or (one time in five) a mutation.
fn fill_path(rng: &mut ChaCha8Rng, world: &World, operation: &Operation, draft: &mut Draft) {
	let mut path = operation.path.clone();
	for parameter in operation.parameters.iter().filter(|p| p.location == "path") {
		let schema_type = parameter.schema["type"].as_str().unwrap_or_default();
		let valid = match (parameter.name.as_str(), schema_type) {
			("hash", "string") => {
				let index = rng.next_u32() as usize % (world.objects.len() + 2);
				draft.object = (index < world.objects.len()).then_some(index);
				match draft.object {
					Some(index) => to_hex(&blake2_256(&world.objects[index])),
					None => to_hex(&random_bytes(rng, 32)),
				}
			},
			(_, "string") => {
				assert!(
					parameter.schema["pattern"].as_str().is_some_and(|p| p.contains("0x")),
					"{}: a hex parameter states its pattern",
					parameter.name
				);
				if chance(rng, 80) {
					to_hex(&world.account(rng.next_u32() as usize % world.parties.len()))
				} else {
					to_hex(&random_bytes(rng, 32))
				}
			},
			(_, "integer") => {
				assert_eq!(parameter.schema["minimum"], 0, "{}: ids are unsigned", parameter.name);
				let id = if chance(rng, 90) { rng.next_u64() % (RECORDS + 2) } else { rng.next_u64() };
				draft.record = Some(id);
				id.to_string()
			},
			other => panic!("a parameter the generator does not know: {other:?}"),
		};
		let value = if chance(rng, 20) { mutated_segment(rng, &valid) } else { valid };
		path = path.replace(&format!("{{{}}}", parameter.name), &value);
	}
	draft.path = path;
}

/// Fills the query: the documented values of an enum, or mutations, or nothing.
fn fill_query(rng: &mut ChaCha8Rng, operation: &Operation, draft: &mut Draft) {
	let mut pairs = Vec::new();
	for parameter in operation.parameters.iter().filter(|p| p.location == "query") {
		let values: Vec<String> = parameter.schema["enum"]
			.as_array()
			.expect("query parameters here are enums")
			.iter()
			.map(|value| value.as_str().expect("text").to_owned())
			.collect();
		let value = match rng.next_u32() % 20 {
			0 if parameter.required => continue,
			1 => pick(rng, &values).to_lowercase(),
			2 => "x".repeat(65),
			3 => String::new(),
			4 => "%FF".into(),
			5 => "Treat%20ment".into(),
			_ => pick(rng, &values).clone(),
		};
		pairs.push(format!("{}={value}", parameter.name));
	}
	if chance(rng, 5) {
		pairs.push("unknown=1".into());
	}
	draft.query = if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) };
}

/// The body: the named object (valid), mismatched, empty or oversized bytes; nothing for an
/// operation without a body, but now and then a stray one.
fn fill_body(rng: &mut ChaCha8Rng, world: &World, operation: &Operation, draft: &mut Draft) {
	let limit = if operation.path.contains("envelopes") { MAX_ENVELOPE } else { MAX_OBJECT };
	draft.body = match (&operation.body, rng.next_u32() % 10) {
		(None, 0) => random_bytes_between(rng, 1, 64),
		(None, _) => Vec::new(),
		(Some(media), choice) => {
			assert_eq!(media, "application/octet-stream", "{} takes raw bytes", operation.path);
			match choice {
				0 => Vec::new(),
				1 => random_bytes_between(rng, limit + 1, 2 * limit),
				2 => random_bytes_between(rng, 1, limit),
				_ if limit == MAX_OBJECT => match draft.object {
					Some(index) => world.objects[index].clone(),
					None => random_bytes_between(rng, 1, limit),
				},
				_ => random_bytes_between(rng, 1, limit),
			}
		},
	};
}

/// The party a valid request is signed by: the one with the right to it, half of the time.
fn choose_signer(rng: &mut ChaCha8Rng, world: &World, operation: &Operation, draft: &mut Draft) {
	let entitled = if operation.path.starts_with("/v1/records") {
		draft.record.and_then(|id| world.records.get(&id)).map(|(patient, custodian, _)| {
			if operation.method == "DELETE" {
				custodian.unwrap_or(*patient)
			} else {
				*patient
			}
		})
	} else {
		draft.object.and_then(|index| world.owners.get(&index).copied())
	};
	draft.signer = match entitled {
		Some(party) if chance(rng, 50) => party,
		_ => rng.next_u32() as usize % world.parties.len(),
	};
}

/// How the request is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signing {
	Valid,
	Missing,
	MalformedHeader,
	UnknownChallenge,
	Replayed,
	Expired,
	ForgedSignature,
	OtherPath,
	OtherSigner,
}

impl Signing {
	fn draw(rng: &mut ChaCha8Rng) -> Self {
		match rng.next_u32() % 100 {
			0..=59 => Self::Valid,
			60..=64 => Self::Missing,
			65..=69 => Self::MalformedHeader,
			70..=74 => Self::UnknownChallenge,
			75..=79 => Self::Replayed,
			80..=82 => Self::Expired,
			83..=88 => Self::ForgedSignature,
			89..=94 => Self::OtherPath,
			_ => Self::OtherSigner,
		}
	}
}

struct Run {
	http: Http,
	clock: Arc<ManualClock>,
	challenges_fetched: u64,
}

impl Run {
	/// A fresh challenge, or `None` when the vault has too many out (429, documented).
	fn challenge(&mut self) -> Option<[u8; 32]> {
		self.challenges_fetched += 1;
		let answer = self.http.send("GET", "/v1/challenge", &[], b"");
		if answer.status == 429 {
			return None;
		}
		assert_eq!(answer.status, 200, "{:?}", String::from_utf8_lossy(&answer.body));
		let challenge: Challenge = answer.json().expect("a Challenge");
		from_hex::<32>(&challenge.challenge)
	}

	/// The authentication headers of a request under `signing`.
	fn sign(
		&mut self,
		rng: &mut ChaCha8Rng,
		world: &mut World,
		method: &str,
		target: &str,
		body: &[u8],
		signer: usize,
		signing: Signing,
	) -> Vec<(String, String)> {
		let account = world.account(signer);
		let challenge = match signing {
			Signing::Missing => return Vec::new(),
			Signing::UnknownChallenge => Some(random_bytes(rng, 32).try_into().expect("32")),
			Signing::Replayed if !world.used_challenges.is_empty() => {
				Some(*pick(rng, &world.used_challenges))
			},
			_ => self.challenge(),
		};
		let Some(challenge) = challenge else { return Vec::new() };
		if signing == Signing::Expired {
			self.clock.advance(protocol::CHALLENGE_LIFETIME_SECS + 1);
		}
		let signed_target = if signing == Signing::OtherPath { format!("{target}/") } else { target.to_owned() };
		let message = protocol::auth_message(&challenge, method, &signed_target, &blake2_256(body));
		let key = if signing == Signing::OtherSigner { &world.parties[(signer + 1) % PARTIES] } else { &world.parties[signer] };
		let mut signature = key.sign_simple(SIGNING_CONTEXT, &message).to_bytes();
		if signing == Signing::ForgedSignature {
			signature[rng.next_u32() as usize % 64] ^= 1 << (rng.next_u32() % 8);
		}
		let mut headers = vec![
			(protocol::ACCOUNT_HEADER.to_owned(), to_hex(&account)),
			(protocol::CHALLENGE_HEADER.to_owned(), to_hex(&challenge)),
			(protocol::SIGNATURE_HEADER.to_owned(), to_hex(&signature)),
		];
		if signing == Signing::MalformedHeader {
			let header = rng.next_u32() as usize % headers.len();
			headers[header].1 = mutated_segment(rng, &headers[header].1.clone());
		}
		world.used_challenges.push(challenge);
		headers
	}
}

fn parties() -> Vec<Keypair> {
	(0..PARTIES as u8)
		.map(|seed| {
			MiniSecretKey::from_bytes(&[seed + 1; 32]).expect("32 bytes").expand_to_keypair(ExpansionMode::Ed25519)
		})
		.collect()
}

#[test]
fn the_openapi_document_drives_ten_thousand_requests_and_every_answer_is_one_it_documents() {
	let requests: usize = std::env::var("MEDCHAIN_VAULT_PROPERTY_REQUESTS")
		.ok()
		.and_then(|count| count.parse().ok())
		.unwrap_or(10_000);
	let seed: u64 = std::env::var("MEDCHAIN_VAULT_PROPERTY_SEED")
		.ok()
		.and_then(|seed| seed.parse().ok())
		.unwrap_or(1);
	let mut rng = ChaCha8Rng::seed_from_u64(seed);

	let dir = tempfile::tempdir().expect("a temporary directory");
	let store_root = dir.path().join("store");
	let store = Arc::new(LocalDirStore::open(&store_root).expect("a store"));
	let chain = Arc::new(FakeChain::new());
	let clock = Arc::new(ManualClock::new(NOW));
	let key = VaultKey::generate().expect("a key");
	let vault_account = key.public();
	let config = Config { max_object_bytes: MAX_OBJECT, max_envelope_bytes: MAX_ENVELOPE, max_challenges: 1024 };
	let router = Vault::new(store, chain.clone(), key, config).with_clock(clock.clone()).router();

	let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime");
	let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("a port");
	let address = listener.local_addr().expect("an address");
	let server = runtime.spawn(async move { axum::serve(listener, router).await });

	let mut world = World {
		parties: parties(),
		objects: (0..OBJECTS).map(|_| random_bytes_between(&mut rng, 1, MAX_OBJECT)).collect(),
		owners: HashMap::new(),
		records: BTreeMap::new(),
		used_challenges: Vec::new(),
	};
	for id in 0..RECORDS {
		let patient = id as usize % PARTIES;
		let custodian = (id % 3 != 0).then_some((patient + 1) % PARTIES);
		let object = id as usize % OBJECTS;
		chain.add_record(
			id,
			RecordInfo {
				subject: world.account(patient),
				custodian: custodian.map_or(vault_account, |party| world.account(party)),
				content_hash: blake2_256(&world.objects[object]),
				category: "Observation".into(),
				confidentiality: "Normal".into(),
				created: 1,
				erased: false,
				erasure_requested: false,
			},
		);
		world.records.insert(id, (patient, custodian, object));
	}

	let mut run = Run { http: Http { address, stream: None }, clock: clock.clone(), challenges_fetched: 0 };
	let document: Value = {
		let answer = run.http.send("GET", "/v1/openapi.json", &[], b"");
		assert_eq!(answer.status, 200);
		assert!(answer.content_type.starts_with("application/json"), "{}", answer.content_type);
		answer.json().expect("the document is JSON")
	};
	assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.")));
	let operations = operations(&document);
	assert!(operations.len() >= 9, "{} operations", operations.len());
	assert!(operations.iter().any(|operation| operation.signed && operation.body.is_some()));

	// (operation, status) → count, and the off-document requests' statuses.
	let mut answered: BTreeMap<(usize, u16), u64> = BTreeMap::new();
	let mut off_document: BTreeMap<u16, u64> = BTreeMap::new();
	let mut outage_until = 0;
	for request in 0..requests {
		if request % 4 == 0 {
			clock.advance(1);
		}
		if request % OUTAGE_EVERY == OUTAGE_EVERY - OUTAGE_LENGTH {
			chain.set_unreachable(true);
			outage_until = request + OUTAGE_LENGTH;
		}
		if request == outage_until {
			chain.set_unreachable(false);
		}
		// The chain moves too: consents given and taken back, erasures requested.
		if chance(&mut rng, 5) {
			let (accessor, record) = (rng.next_u32() as usize % PARTIES, rng.next_u64() % RECORDS);
			if chance(&mut rng, 50) {
				chain.permit(world.account(accessor), record);
			} else {
				chain.revoke(world.account(accessor), record);
			}
		}
		if chance(&mut rng, 1) {
			chain.request_erasure(rng.next_u64() % RECORDS);
		}

		if chance(&mut rng, 5) {
			// Off the document: an unknown path, or a method the path does not take.
			let (method, target, expected) = if chance(&mut rng, 50) {
				("GET", format!("/v1/{}", hex::encode(random_bytes(&mut rng, 4))), 404)
			} else {
				let operation = pick(&mut rng, &operations);
				let taken: BTreeSet<&str> = operations
					.iter()
					.filter(|other| other.path == operation.path)
					.map(|other| other.method.as_str())
					.collect();
				let method = *pick(&mut rng, &["GET", "PUT", "POST", "DELETE", "PATCH"]);
				if taken.contains(method) {
					continue;
				}
				let mut draft = Draft { path: String::new(), query: String::new(), body: Vec::new(), signer: 0, object: None, record: None };
				fill_path(&mut rng, &world, operation, &mut draft);
				(method, draft.path, 405)
			};
			let answer = run.http.send(method, &target, &[], b"");
			let error: ErrorBody = answer.json().unwrap_or_else(|error| panic!("{method} {target}: {error}"));
			assert!(
				answer.status == expected || answer.status == 404,
				"{method} {target}: {} {error:?}",
				answer.status
			);
			*off_document.entry(answer.status).or_default() += 1;
			continue;
		}

		// Signed operations four times as often as the open ones.
		let index = loop {
			let index = rng.next_u32() as usize % operations.len();
			if operations[index].signed || chance(&mut rng, 25) {
				break index;
			}
		};
		let operation = &operations[index];
		let mut draft = Draft { path: String::new(), query: String::new(), body: Vec::new(), signer: 0, object: None, record: None };
		fill_path(&mut rng, &world, operation, &mut draft);
		fill_query(&mut rng, operation, &mut draft);
		fill_body(&mut rng, &world, operation, &mut draft);
		choose_signer(&mut rng, &world, operation, &mut draft);
		let target = format!("{}{}", draft.path, draft.query);
		let signing = Signing::draw(&mut rng);
		let headers = if operation.signed {
			run.sign(&mut rng, &mut world, &operation.method, &target, &draft.body, draft.signer, signing)
		} else {
			Vec::new()
		};

		let writes = operation.method != "GET";
		let before = writes.then(|| snapshot(&store_root));
		let logged_before = chain.logged().len();
		let answer = run.http.send(&operation.method, &target, &headers, &draft.body);
		let what = format!("{} {target} ({signing:?}, {} body bytes)", operation.method, draft.body.len());
		*answered.entry((index, answer.status)).or_default() += 1;

		assert!(
			operation.responses.contains_key(&answer.status),
			"{what}: {} is not a documented answer: {:?}",
			answer.status,
			String::from_utf8_lossy(&answer.body)
		);
		assert!(
			answer.status < 500 || answer.status == 503,
			"{what}: {} {:?}",
			answer.status,
			String::from_utf8_lossy(&answer.body)
		);
		if answer.status >= 400 {
			assert!(answer.content_type.starts_with("application/json"), "{what}: {}", answer.content_type);
			let error: ErrorBody = answer.json().unwrap_or_else(|error| panic!("{what}: {error}"));
			assert!(!error.error.is_empty() && !error.message.is_empty(), "{what}: {error:?}");
			if let Some(before) = before {
				assert_eq!(before, snapshot(&store_root), "{what}: refused ({error:?}) but the store changed");
			}
			if matches!(answer.status, 400 | 401 | 413) {
				assert_eq!(chain.logged().len(), logged_before, "{what}: refused before the chain's decision, yet logged");
			}
			continue;
		}

		// A success: the documented body, and what it tells the generator.
		match operation.responses.get(&answer.status).cloned().flatten().as_deref() {
			Some("ErasureReceipt") => {
				let receipt: ErasureReceipt = answer.json().expect("a receipt");
				assert_eq!(verify_receipt(&receipt), Some(vault_account), "{what}");
			},
			Some("RecordErasure") => {
				let erasure: RecordErasure = answer.json().expect("a record erasure");
				assert_eq!(verify_receipt(&erasure.receipt), Some(vault_account), "{what}");
				if erasure.confirmed_on_chain {
					chain.erase_record(erasure.record);
				}
			},
			Some("Challenge") => drop(answer.json::<Challenge>().expect("a challenge")),
			Some("VaultInfo") => {
				let info: VaultInfo = answer.json().expect("vault info");
				assert_eq!(from_hex::<32>(&info.public_key), Some(vault_account));
			},
			Some(other) => panic!("{what}: an unexpected body schema {other}"),
			None => {},
		}
		let object = draft.object.or_else(|| {
			draft.record.and_then(|id| world.records.get(&id)).map(|(_, _, object)| *object)
		});
		match (operation.method.as_str(), operation.path.as_str(), answer.status) {
			("PUT", "/v1/objects/{hash}", 201) => {
				let index = world.object_of_hash(&blake2_256(&draft.body)).expect("a known object");
				world.owners.insert(index, draft.signer);
			},
			("DELETE", _, 200) => {
				if let Some(index) = object {
					world.owners.remove(&index);
				}
			},
			("GET", path, 200) if path.starts_with("/v1/records/") && !path.ends_with("envelope") => {
				let content = object.map(|index| blake2_256(&world.objects[index]));
				assert_eq!(Some(blake2_256(&answer.body)), content, "{what}: the bytes released are the record's");
			},
			_ => {},
		}
	}

	// Coverage: each operation was both served and refused.
	eprintln!("[openapi] {requests} requests ({} challenges fetched besides), by operation and status:", run.challenges_fetched);
	for (index, operation) in operations.iter().enumerate() {
		let statuses: Vec<String> = answered
			.iter()
			.filter(|((op, _), _)| *op == index)
			.map(|((_, status), count)| format!("{status}×{count}"))
			.collect();
		eprintln!("[openapi]   {} {}: {}", operation.method, operation.path, statuses.join(" "));
		let served = answered.iter().any(|((op, status), _)| *op == index && *status < 300);
		let refused = answered.iter().any(|((op, status), _)| *op == index && *status >= 400);
		assert!(served, "{} {} never succeeded", operation.method, operation.path);
		assert!(refused || !operation.signed, "{} {} never refused", operation.method, operation.path);
	}
	eprintln!("[openapi]   off the document: {off_document:?}");
	let still = run.http.send("GET", "/v1/vault", &[], b"");
	assert_eq!(still.status, 200, "the vault still answers");
	assert!(!server.is_finished(), "the server is still running");
	drop(runtime);
}
