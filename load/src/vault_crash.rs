//! The vault killed with SIGKILL under its own traffic, again and again, and after each kill
//! the checks a hospital relies on. Writers upload objects, write and replace key envelopes and
//! erase objects, each waiting for the answer of one request before it sends the next, so the
//! tool knows what the vault acknowledged and what was in flight when it died; readers fetch
//! their own records, which the vault releases only after the chain's access log holds them.
//!
//! After each kill, with the vault down, the data directory is checked as the restarted vault
//! will find it: no object directory without its object and metadata, every object's bytes
//! hash to its name, every acknowledged upload is there (unless it was erased), no
//! acknowledged erasure came back, every envelope is one that was sent, every acknowledged
//! envelope is there. After the restart: its staging directory is empty, every record reads
//! back to its plaintext, re-uploading an acknowledged object finds it, every line of
//! `audit.jsonl` is a whole event, and it agrees with the chain's access log: every entry the
//! vault logged on chain has its event in the file (same accessor, record and decision), every
//! release the tool received has its entry on chain, and each patient's log links up to its
//! head. See `docs/reliability.md`.

use crate::{
	accounts::{Accounts, Counts},
	node::{self, Node, NodeOptions},
	seeded::SplitMix64,
	vault::{reader_secret, vault_account, Vault},
};
use medchain_client::{
	chain::{AccountId, Address, Call, Chain, LogEntry},
	cli::consent::{check_log, LoggedEntry},
	envelope::{open_key, open_record, seal_key, seal_record, ContentHash},
	protocol::verify_receipt,
	vault_client::VaultClient,
};
use medchain_primitives::{
	consent::AuditHead,
	health::{Confidentiality, PurposeOfUse, RecordCategory},
};
use serde::Serialize;
use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	fs,
	path::{Path, PathBuf},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex, MutexGuard, PoisonError,
	},
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;
use x25519_dalek::PublicKey;

/// Patients: each has one record in the vault's custody, which it reads back.
const PATIENTS: usize = 6;
/// Tasks that upload, write envelopes and erase, each one request at a time.
const WRITERS: usize = 3;
/// Tasks that read records.
const READERS: usize = 2;
/// Objects the writers upload are 1 byte to this many.
const MAX_OBJECT_BYTES: u64 = 256 * 1024;
/// The traffic runs this long between a start and the kill, at least and at most (seeded).
const LOAD_MIN: Duration = Duration::from_millis(1_500);
const LOAD_MAX: Duration = Duration::from_millis(5_000);
/// How long the chain may take to show the access logs of the releases the tool received.
const LOG_SETTLE: Duration = Duration::from_secs(30);
/// The category of the patients' records.
const CATEGORY: RecordCategory = RecordCategory::Observation;

/// What `medchain-load vault-crash` is asked to do.
pub struct VaultCrashOptions {
	pub node: PathBuf,
	pub vault: PathBuf,
	pub kills: usize,
	pub seed: u64,
	pub out: PathBuf,
}

/// One start of the vault and, but for the last, its kill.
#[derive(Debug, Default, Serialize)]
pub struct Cycle {
	pub cycle: usize,
	/// From the process' start to its first answer.
	pub restart_ms: u64,
	/// How long the traffic ran before the kill.
	pub load_ms: u64,
	/// Requests the vault acknowledged during this cycle.
	pub uploads: u64,
	pub envelopes: u64,
	pub erasures: u64,
	pub releases: u64,
	/// Requests sent and not answered when the vault died.
	pub in_flight: u64,
}

/// The run's report: `vault-crash.json`.
#[derive(Debug, Serialize)]
pub struct VaultCrashReport {
	pub kills: usize,
	pub seed: u64,
	pub uploads_acknowledged: u64,
	pub envelopes_acknowledged: u64,
	pub erasures_acknowledged: u64,
	pub releases_received: u64,
	pub in_flight_at_kills: u64,
	/// Acknowledged uploads or envelopes missing or damaged after a restart (must be 0).
	pub lost: u64,
	/// Acknowledged erasures whose object came back (must be 0).
	pub resurrected: u64,
	/// Object directories found incomplete, or bytes not matching their name (must be 0).
	pub partial: u64,
	/// Chain entries of the vault without their event in `audit.jsonl`, or releases the tool
	/// received without an entry on chain (must be 0).
	pub audit_mismatches: u64,
	/// Entries in the vault's on-chain access logs, and lines in `audit.jsonl` (events alike to
	/// the byte, the same read repeated within a second, count once in the comparison).
	pub chain_entries: u64,
	pub audit_lines: u64,
	pub median_restart_ms: u64,
	pub max_restart_ms: u64,
	pub cycles: Vec<Cycle>,
	pub problems: Vec<String>,
	pub seconds: f64,
}

/// A patient and its record.
#[derive(Clone)]
struct Patient {
	keypair: Keypair,
	id: AccountId,
	record: u64,
	plaintext: Vec<u8>,
	hash: ContentHash,
}

/// An object a writer sent, by how it was answered.
#[derive(Clone, Debug, Default)]
struct ObjectState {
	/// Its bytes are drawn from this seed (with `len`), to upload it again.
	seed: u64,
	len: usize,
	owner: usize,
	acknowledged: bool,
	/// An erasure was sent; acknowledged or not.
	erasure_sent: bool,
	erased: bool,
	/// Per grantee: the last acknowledged envelope's hash, and those sent after it.
	envelopes: BTreeMap<AccountId, EnvelopeState>,
}

#[derive(Clone, Debug, Default)]
struct EnvelopeState {
	acknowledged: Option<[u8; 32]>,
	unanswered: BTreeSet<[u8; 32]>,
}

/// What the tool knows the vault was asked and answered.
#[derive(Default)]
struct Ledger {
	objects: HashMap<ContentHash, ObjectState>,
	/// Releases received, per (accessor, record).
	releases: BTreeMap<(AccountId, u64), u64>,
	cycle: Cycle,
	in_flight: u64,
	/// What the traffic itself found wrong: a record that did not open, a receipt that did
	/// not verify.
	problems: Vec<String>,
}

fn lock(ledger: &Mutex<Ledger>) -> MutexGuard<'_, Ledger> {
	ledger.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs the cycles; `Ok(false)` if the run finished but a check failed.
pub async fn run(options: VaultCrashOptions) -> Result<bool, String> {
	let started = Instant::now();
	let logs = options.out.join("vault-crash");
	fs::create_dir_all(&logs).map_err(|error| format!("{}: {error}", logs.display()))?;
	let work = tempfile::Builder::new()
		.prefix("medchain-vault-crash-")
		.tempdir_in(&options.out)
		.map_err(|error| error.to_string())?;
	let accounts =
		Accounts::derive(Counts { senders: PATIENTS, providers: 0, manufacturers: 0, dispensers: 0 })?;
	let vault_id = vault_account()?;
	let spec = node::write_spec(&options.node, work.path(), &accounts, Some(&vault_id), None)?;
	let node_options = NodeOptions {
		binary: options.node.clone(),
		block_time_ms: 500,
		dir: work.path().to_path_buf(),
		log: logs.join("node.log"),
		// The load's node keeps every block's state: the access logs are read from the events.
		extra_args: Vec::new(),
		start_timeout: Duration::from_secs(180),
	};
	let (node, chain): (Node, Chain) = Node::start(&node_options, &spec).await?;
	let chain = Arc::new(chain);
	let data_dir = work.path().join("vault");
	let mut vault = Vault::start(&options.vault, &node.url, &data_dir, &logs.join("vault-0.log")).await?;
	let patients = Arc::new(register_records(&chain, &vault.url, &accounts, &vault_id).await?);
	eprintln!("[vault-crash] {} records in the vault's custody", patients.len());

	let ledger = Arc::new(Mutex::new(Ledger::default()));
	let mut rng = SplitMix64(options.seed);
	let mut problems = Vec::new();
	let mut cycles = Vec::new();
	let mut chain_entries: Vec<(AccountId, LoggedEntry)> = Vec::new();
	let mut scanned = 0u64;
	let mut totals = VaultCrashReport {
		kills: options.kills,
		seed: options.seed,
		uploads_acknowledged: 0,
		envelopes_acknowledged: 0,
		erasures_acknowledged: 0,
		releases_received: 0,
		in_flight_at_kills: 0,
		lost: 0,
		resurrected: 0,
		partial: 0,
		audit_mismatches: 0,
		chain_entries: 0,
		audit_lines: 0,
		median_restart_ms: 0,
		max_restart_ms: 0,
		cycles: Vec::new(),
		problems: Vec::new(),
		seconds: 0.0,
	};

	for cycle in 0..options.kills {
		let load = rng.duration(LOAD_MIN, LOAD_MAX);
		let stop = Arc::new(AtomicBool::new(false));
		let mut tasks = Vec::new();
		for writer in 0..WRITERS {
			let seed = rng.next();
			let (url, ledger, stop, patients) =
				(vault.url.clone(), Arc::clone(&ledger), Arc::clone(&stop), Arc::clone(&patients));
			tasks.push(tokio::spawn(async move { write(url, writer, seed, patients, ledger, stop).await }));
		}
		for _ in 0..READERS {
			let seed = rng.next();
			let (url, ledger, stop, patients) =
				(vault.url.clone(), Arc::clone(&ledger), Arc::clone(&stop), Arc::clone(&patients));
			tasks.push(tokio::spawn(async move { read(url, seed, patients, ledger, stop).await }));
		}
		tokio::time::sleep(load).await;
		// Counted as the signal is sent: the failures that follow take the count back down.
		let in_flight = lock(&ledger).in_flight;
		vault.kill();
		stop.store(true, Ordering::Relaxed);
		for task in tasks {
			let abort = task.abort_handle();
			if tokio::time::timeout(Duration::from_secs(10), task).await.is_err() {
				abort.abort();
			}
		}
		let mut report = {
			let mut ledger = lock(&ledger);
			ledger.in_flight = 0;
			let mut report = std::mem::take(&mut ledger.cycle);
			report.in_flight = in_flight;
			problems.extend(ledger.problems.drain(..).map(|problem| format!("cycle {cycle}: {problem}")));
			report
		};
		report.cycle = cycle;
		report.load_ms = load.as_millis() as u64;

		// As the restarted vault will find it.
		let found = check_store(&data_dir, &lock(&ledger));
		totals.lost += found.lost;
		totals.resurrected += found.resurrected;
		totals.partial += found.partial;
		problems.extend(found.problems.into_iter().map(|problem| format!("cycle {cycle}: {problem}")));

		let spawned = Instant::now();
		vault = Vault::start(&options.vault, &node.url, &data_dir, &logs.join(format!("vault-{}.log", cycle + 1)))
			.await
			.map_err(|error| format!("cycle {cycle}: the vault did not restart: {error}"))?;
		report.restart_ms = spawned.elapsed().as_millis() as u64;
		problems.extend(
			check_restarted(&vault.url, &data_dir, &patients, &ledger)
				.await
				.into_iter()
				.map(|problem| format!("cycle {cycle}: {problem}")),
		);
		eprintln!(
			"[vault-crash] cycle {cycle}: {} uploads, {} envelopes, {} erasures, {} releases in {} ms, {} in flight at SIGKILL; restart {} ms",
			report.uploads, report.envelopes, report.erasures, report.releases, report.load_ms, report.in_flight, report.restart_ms
		);
		cycles.push(report);
	}

	// The chain's access logs against `audit.jsonl` and the releases received, once every
	// release's log is final (each was final before its release; the settle bound is slack).
	let (audit, audit_lines) = read_audit(&data_dir.join("audit.jsonl"))?;
	let settle = Instant::now() + LOG_SETTLE;
	let mismatches = loop {
		scanned = scan_access_logs(&chain, scanned, &vault_id, &mut chain_entries).await?;
		let mismatches = audit_mismatches(&audit, &chain_entries, &lock(&ledger).releases);
		if mismatches.is_empty() || Instant::now() > settle {
			break mismatches;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	};
	totals.audit_mismatches = mismatches.len() as u64;
	problems.extend(mismatches);
	for patient in patients.iter() {
		let head: AuditHead<u32> = chain
			.runtime_call("ConsentApi_audit_head", &codec::Encode::encode(&patient.id))
			.await
			.map_err(|error| error.to_string())?;
		let entries: Vec<LoggedEntry> =
			chain_entries.iter().filter(|(who, _)| *who == patient.id).map(|(_, entry)| entry.clone()).collect();
		let checked = check_log(&entries, &head);
		if !checked.complete || !checked.broken.is_empty() {
			problems.push(format!(
				"the access log of patient {} does not link up to its head: {} of {} entries linked, broken at {:?}",
				hex::encode(patient.id),
				checked.linked,
				head.count,
				checked.broken
			));
		}
	}
	vault.stop();

	let mut restarts: Vec<u64> = cycles.iter().map(|cycle| cycle.restart_ms).collect();
	restarts.sort_unstable();
	totals.uploads_acknowledged = cycles.iter().map(|c| c.uploads).sum();
	totals.envelopes_acknowledged = cycles.iter().map(|c| c.envelopes).sum();
	totals.erasures_acknowledged = cycles.iter().map(|c| c.erasures).sum();
	totals.releases_received = cycles.iter().map(|c| c.releases).sum();
	totals.in_flight_at_kills = cycles.iter().map(|c| c.in_flight).sum();
	totals.chain_entries = chain_entries.len() as u64;
	totals.audit_lines = audit_lines;
	totals.median_restart_ms = restarts.get(restarts.len() / 2).copied().unwrap_or_default();
	totals.max_restart_ms = restarts.last().copied().unwrap_or_default();
	totals.cycles = cycles;
	totals.problems = problems;
	totals.seconds = started.elapsed().as_secs_f64();
	let path = options.out.join("vault-crash.json");
	let json = serde_json::to_vec_pretty(&totals).map_err(|error| error.to_string())?;
	fs::write(&path, json).map_err(|error| format!("{}: {error}", path.display()))?;
	println!(
		"vault crash test: {} SIGKILLs under traffic, acknowledged {} uploads, {} envelopes, {} erasures, {} releases ({} requests in flight at the kills); lost {}, resurrected {}, partial {}, audit mismatches {}; {} chain entries, {} audit lines; restart median {} ms, max {} ms, {:.0} s",
		totals.kills,
		totals.uploads_acknowledged,
		totals.envelopes_acknowledged,
		totals.erasures_acknowledged,
		totals.releases_received,
		totals.in_flight_at_kills,
		totals.lost,
		totals.resurrected,
		totals.partial,
		totals.audit_mismatches,
		totals.chain_entries,
		totals.audit_lines,
		totals.median_restart_ms,
		totals.max_restart_ms,
		totals.seconds
	);
	for problem in &totals.problems {
		println!("  problem: {problem}");
	}
	println!("report: {}", path.display());
	Ok(totals.problems.is_empty())
}

/// Each patient seals a record, uploads it with its own key envelope and registers it on
/// chain in the vault's custody.
async fn register_records(
	chain: &Chain,
	url: &str,
	accounts: &Accounts,
	vault: &AccountId,
) -> Result<Vec<Patient>, String> {
	let client = VaultClient::new(url).map_err(|error| error.to_string())?;
	let mut patients = Vec::new();
	for (index, account) in accounts.senders.iter().enumerate() {
		let plaintext = format!(r#"{{"resourceType":"Observation","id":"crash-{index}"}}"#).into_bytes();
		let sealed = seal_record(&plaintext).map_err(|error| error.to_string())?;
		let hash = sealed.content_hash();
		client.put_object(&account.keypair, &sealed.bytes).await.map_err(|error| format!("upload: {error}"))?;
		let public = PublicKey::from(&reader_secret(&account.id)).to_bytes();
		let envelope = seal_key(&sealed.key, &public, &hash).map_err(|error| error.to_string())?;
		client
			.put_envelope(&account.keypair, &hash, &account.id, &envelope)
			.await
			.map_err(|error| format!("envelope: {error}"))?;
		let call = Call::new(
			"MedicalRecords",
			"register_record",
			(
				Address(account.id),
				CATEGORY,
				Confidentiality::Normal,
				sp_core::H256(hash),
				client.object_locator(&hash).into_bytes(),
				Address(*vault),
			),
		);
		let finalized = chain.submit(&call, &account.keypair).await.map_err(|error| format!("register_record: {error}"))?;
		let (record, _patient): (u64, AccountId) = finalized
			.event("MedicalRecords", "RecordRegistered")
			.ok_or("register_record emitted no RecordRegistered")?
			.decode()
			.map_err(|error| error.to_string())?;
		patients.push(Patient { keypair: account.keypair.clone(), id: account.id, record, plaintext, hash });
	}
	Ok(patients)
}

/// A writer: uploads an object, writes its owner's envelope for a grantee, sometimes replaces
/// it, sometimes erases the object; one request at a time, each noted before it is sent and
/// when it is answered.
async fn write(
	url: String,
	writer: usize,
	seed: u64,
	patients: Arc<Vec<Patient>>,
	ledger: Arc<Mutex<Ledger>>,
	stop: Arc<AtomicBool>,
) {
	let Ok(client) = VaultClient::new(&url) else { return };
	let mut rng = SplitMix64(seed);
	while !stop.load(Ordering::Relaxed) {
		let owner = rng.below(patients.len() as u64) as usize;
		let Some(patient) = patients.get(owner) else { return };
		let object_seed = rng.next();
		let len = 1 + rng.below(MAX_OBJECT_BYTES) as usize;
		let bytes = SplitMix64(object_seed).bytes(len);
		let hash = sp_crypto_hashing::blake2_256(&bytes);
		{
			let mut ledger = lock(&ledger);
			ledger.in_flight += 1;
			ledger.objects.insert(hash, ObjectState { seed: object_seed, len, owner, ..ObjectState::default() });
		}
		let uploaded = client.put_object(&patient.keypair, &bytes).await;
		{
			let mut ledger = lock(&ledger);
			ledger.in_flight -= 1;
			if uploaded.is_ok() {
				if let Some(object) = ledger.objects.get_mut(&hash) {
					object.acknowledged = true;
				}
				ledger.cycle.uploads += 1;
			}
		}
		if uploaded.is_err() {
			// The vault is down: wait for the stop.
			tokio::time::sleep(Duration::from_millis(50)).await;
			continue;
		}
		// One envelope, replaced once in a while; then erased once in a while.
		let grantee = patients.get(rng.below(patients.len() as u64) as usize).map_or(patient.id, |p| p.id);
		for _ in 0..=(rng.below(3) / 2) {
			let envelope_len = 64 + rng.below(64) as usize;
			let envelope = rng.bytes(envelope_len);
			let envelope_hash = sp_crypto_hashing::blake2_256(&envelope);
			{
				let mut ledger = lock(&ledger);
				ledger.in_flight += 1;
				if let Some(object) = ledger.objects.get_mut(&hash) {
					object.envelopes.entry(grantee).or_default().unanswered.insert(envelope_hash);
				}
			}
			let written = client.put_envelope(&patient.keypair, &hash, &grantee, &envelope).await;
			let mut ledger = lock(&ledger);
			ledger.in_flight -= 1;
			if written.is_ok() {
				if let Some(state) = ledger.objects.get_mut(&hash).and_then(|o| o.envelopes.get_mut(&grantee)) {
					state.acknowledged = Some(envelope_hash);
					state.unanswered.clear();
				}
				ledger.cycle.envelopes += 1;
			} else {
				break;
			}
		}
		if rng.below(3) == 0 {
			{
				let mut ledger = lock(&ledger);
				ledger.in_flight += 1;
				if let Some(object) = ledger.objects.get_mut(&hash) {
					object.erasure_sent = true;
				}
			}
			let erased = client.delete_object(&patient.keypair, &hash).await;
			let mut ledger = lock(&ledger);
			ledger.in_flight -= 1;
			if let Ok(receipt) = erased {
				if verify_receipt(&receipt).is_none() {
					ledger.problems.push(format!("writer {writer}: an erasure receipt does not verify"));
				}
				if let Some(object) = ledger.objects.get_mut(&hash) {
					object.erased = true;
				}
				ledger.cycle.erasures += 1;
			}
		}
	}
}

/// A reader: a patient fetches its record and its envelope at once, as `medchain records get`
/// does, opens them and checks the plaintext.
async fn read(
	url: String,
	seed: u64,
	patients: Arc<Vec<Patient>>,
	ledger: Arc<Mutex<Ledger>>,
	stop: Arc<AtomicBool>,
) {
	let Ok(client) = VaultClient::new(&url) else { return };
	let mut rng = SplitMix64(seed);
	while !stop.load(Ordering::Relaxed) {
		let Some(patient) = patients.get(rng.below(patients.len() as u64) as usize) else { return };
		lock(&ledger).in_flight += 2;
		let (sealed, envelope) = tokio::join!(
			client.get_record(&patient.keypair, patient.record, PurposeOfUse::Treatment),
			client.get_envelope(&patient.keypair, patient.record, PurposeOfUse::Treatment)
		);
		let received = u64::from(sealed.is_ok()) + u64::from(envelope.is_ok());
		{
			let mut ledger = lock(&ledger);
			ledger.in_flight -= 2;
			ledger.cycle.releases += received;
			*ledger.releases.entry((patient.id, patient.record)).or_default() += received;
		}
		match (sealed, envelope) {
			(Ok(sealed), Ok(envelope)) => {
				if opened(patient, &sealed, &envelope).as_deref() != Some(patient.plaintext.as_slice()) {
					lock(&ledger).problems.push(format!("record {} did not open to its plaintext", patient.record));
				}
			},
			_ => tokio::time::sleep(Duration::from_millis(50)).await,
		}
	}
}

fn opened(patient: &Patient, sealed: &[u8], envelope: &[u8]) -> Option<Vec<u8>> {
	let key = open_key(envelope, &reader_secret(&patient.id), &patient.hash).ok()?;
	open_record(sealed, &key).ok()
}

/// What the check of the data directory found.
#[derive(Debug, Default)]
struct StoreCheck {
	lost: u64,
	resurrected: u64,
	partial: u64,
	problems: Vec<String>,
}

/// Checks the data directory of a dead vault against what it acknowledged (the layout is
/// `medchain_vault::store`'s; `tmp/` is what the next start removes).
fn check_store(data_dir: &Path, ledger: &Ledger) -> StoreCheck {
	let mut check = StoreCheck::default();
	let objects = data_dir.join("objects");
	let mut present = BTreeSet::new();
	for shard in fs::read_dir(&objects).into_iter().flatten().flatten() {
		for entry in fs::read_dir(shard.path()).into_iter().flatten().flatten() {
			let dir = entry.path();
			let name = entry.file_name().to_string_lossy().into_owned();
			let Some(hash) = hex::decode(&name).ok().and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()) else {
				check.partial += 1;
				check.problems.push(format!("a stray entry {} among the objects", dir.display()));
				continue;
			};
			let object = fs::read(dir.join("object"));
			let meta = fs::read(dir.join("meta.json"));
			let whole = match (&object, &meta) {
				(Ok(bytes), Ok(meta)) =>
					sp_crypto_hashing::blake2_256(bytes) == hash &&
						serde_json::from_slice::<serde_json::Value>(meta).is_ok() &&
						dir.join("envelopes").is_dir(),
				_ => false,
			};
			if !whole {
				check.partial += 1;
				check.problems.push(format!("object {name} is incomplete or its bytes do not hash to its name"));
				continue;
			}
			present.insert(hash);
			let state = ledger.objects.get(&hash);
			for envelope in fs::read_dir(dir.join("envelopes")).into_iter().flatten().flatten() {
				let grantee = hex::decode(envelope.file_name().to_string_lossy().as_bytes())
					.ok()
					.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
				let written = fs::read(envelope.path()).map(|bytes| sp_crypto_hashing::blake2_256(&bytes));
				let sent = match (state, grantee, written) {
					(Some(state), Some(grantee), Ok(written)) => state.envelopes.get(&grantee).is_some_and(|e| {
						e.acknowledged == Some(written) || e.unanswered.contains(&written)
					}),
					// The setup's envelopes are not in the ledger.
					(None, Some(_), Ok(_)) => true,
					_ => false,
				};
				if !sent {
					check.partial += 1;
					check.problems.push(format!("object {name} holds an envelope that was never sent whole"));
				}
			}
			if let Some(state) = state {
				if state.erased {
					check.resurrected += 1;
					check.problems.push(format!("object {name} is back after its erasure was acknowledged"));
				}
				for (grantee, envelope) in &state.envelopes {
					let file = dir.join("envelopes").join(hex::encode(grantee));
					if envelope.acknowledged.is_some() && !file.is_file() && !state.erasure_sent {
						check.lost += 1;
						check.problems.push(format!("object {name} lost an acknowledged envelope"));
					}
				}
			}
		}
	}
	for (hash, state) in &ledger.objects {
		if state.acknowledged && !state.erasure_sent && !present.contains(hash) {
			check.lost += 1;
			check.problems.push(format!("acknowledged object {} is missing", hex::encode(hash)));
		}
	}
	check
}

/// After a restart: staging emptied, every record readable, acknowledged objects found again.
async fn check_restarted(url: &str, data_dir: &Path, patients: &[Patient], ledger: &Mutex<Ledger>) -> Vec<String> {
	let mut problems = Vec::new();
	let staged = fs::read_dir(data_dir.join("tmp")).map(|entries| entries.count()).unwrap_or(0);
	if staged != 0 {
		problems.push(format!("{staged} entries left in tmp/ after the restart"));
	}
	let Ok(client) = VaultClient::new(url) else { return vec!["no vault client".into()] };
	for patient in patients {
		let (sealed, envelope) = tokio::join!(
			client.get_record(&patient.keypair, patient.record, PurposeOfUse::Treatment),
			client.get_envelope(&patient.keypair, patient.record, PurposeOfUse::Treatment)
		);
		let received = u64::from(sealed.is_ok()) + u64::from(envelope.is_ok());
		*lock(ledger).releases.entry((patient.id, patient.record)).or_default() += received;
		match (sealed, envelope) {
			(Ok(sealed), Ok(envelope)) if opened(patient, &sealed, &envelope).as_deref() == Some(&patient.plaintext[..]) => {},
			(Ok(_), Ok(_)) => problems.push(format!("record {} does not open to its plaintext", patient.record)),
			(sealed, envelope) => problems.push(format!(
				"record {} is not served after the restart: {:?} {:?}",
				patient.record,
				sealed.err().map(|e| e.to_string()),
				envelope.err().map(|e| e.to_string())
			)),
		}
	}
	// A sample of the acknowledged objects: uploading the same bytes again finds them (200).
	let sample: Vec<(usize, u64, usize)> = lock(ledger)
		.objects
		.values()
		.filter(|state| state.acknowledged && !state.erasure_sent)
		.take(8)
		.map(|state| (state.owner, state.seed, state.len))
		.collect();
	for (owner, seed, len) in sample {
		let Some(patient) = patients.get(owner) else { continue };
		match client.put_object(&patient.keypair, &SplitMix64(seed).bytes(len)).await {
			Ok((_, medchain_client::vault_client::PutOutcome::AlreadyThere)) => {},
			Ok((hash, outcome)) => problems.push(format!(
				"acknowledged object {} answered {outcome:?} when uploaded again",
				hex::encode(hash)
			)),
			Err(error) => problems.push(format!("uploading an acknowledged object again failed: {error}")),
		}
	}
	problems
}

/// One line of `audit.jsonl`: its hash and the fields compared with the chain's entry.
#[derive(Debug)]
struct AuditLine {
	accessor: String,
	record: String,
	permitted: bool,
}

/// Reads `audit.jsonl`: each line must be a whole event. Answers the events by hash, and the
/// number of lines.
fn read_audit(path: &Path) -> Result<(HashMap<[u8; 32], AuditLine>, u64), String> {
	let text = fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
	if !text.is_empty() && text.last() != Some(&b'\n') {
		return Err(format!("{} ends in a partial line", path.display()));
	}
	let mut lines = HashMap::new();
	let mut count = 0;
	for (number, line) in text.split(|&byte| byte == b'\n').filter(|line| !line.is_empty()).enumerate() {
		count += 1;
		let event: serde_json::Value = serde_json::from_slice(line)
			.map_err(|error| format!("{} line {}: not a whole event: {error}", path.display(), number + 1))?;
		let field = |name: &str| event.get(name).and_then(|value| value.as_str()).unwrap_or_default().to_owned();
		lines.insert(
			sp_crypto_hashing::blake2_256(line),
			AuditLine {
				accessor: field("accessor"),
				record: field("record"),
				permitted: event.get("permitted").and_then(|value| value.as_bool()).unwrap_or_default(),
			},
		);
	}
	Ok((lines, count))
}

/// Reads the `Consent.AccessLogged` events of the vault from the finalized blocks after
/// `scanned`; answers the last block read.
async fn scan_access_logs(
	chain: &Chain,
	scanned: u64,
	vault: &AccountId,
	entries: &mut Vec<(AccountId, LoggedEntry)>,
) -> Result<u64, String> {
	let last = chain.finalized_number().await.map_err(|error| error.to_string())?;
	for block in scanned + 1..=last {
		for event in chain.block_events(block).await.map_err(|error| error.to_string())? {
			if event.pallet != "Consent" || event.name != "AccessLogged" {
				continue;
			}
			let (patient, logger, index, entry, head) = event
				.decode::<(AccountId, AccountId, u64, LogEntry, sp_core::H256)>()
				.map_err(|error| error.to_string())?;
			if logger == *vault {
				entries.push((patient, LoggedEntry { block, logger, index, entry, head: head.0 }));
			}
		}
	}
	Ok(last.max(scanned))
}

/// What does not agree between the chain's entries, `audit.jsonl` and the releases received.
fn audit_mismatches(
	audit: &HashMap<[u8; 32], AuditLine>,
	chain_entries: &[(AccountId, LoggedEntry)],
	releases: &BTreeMap<(AccountId, u64), u64>,
) -> Vec<String> {
	let mut problems = Vec::new();
	let mut permitted_on_chain: BTreeMap<(AccountId, u64), u64> = BTreeMap::new();
	for (_, logged) in chain_entries {
		let entry = &logged.entry;
		let Some(line) = audit.get(&entry.event_hash.0) else {
			problems.push(format!("entry {} of block {} has no event in audit.jsonl", logged.index, logged.block));
			continue;
		};
		let record = entry.record.map(|id| id.to_string()).unwrap_or_default();
		if line.accessor != format!("0x{}", hex::encode(entry.accessor)) ||
			line.record != record ||
			line.permitted != entry.decision.is_permit()
		{
			problems.push(format!("entry {} of block {} differs from its audit event", logged.index, logged.block));
		}
		if let Some(id) = entry.record.filter(|_| entry.decision.is_permit()) {
			*permitted_on_chain.entry((entry.accessor, id)).or_default() += 1;
		}
	}
	for (key, received) in releases {
		let logged = permitted_on_chain.get(key).copied().unwrap_or_default();
		if logged < *received {
			problems.push(format!(
				"record {}: {received} releases received, {logged} permitted entries on chain",
				key.1
			));
		}
	}
	problems
}

#[cfg(test)]
mod tests {
	use super::*;

	fn ledger_with(hash: ContentHash, state: ObjectState) -> Ledger {
		let mut ledger = Ledger::default();
		ledger.objects.insert(hash, state);
		ledger
	}

	fn store_object(root: &Path, bytes: &[u8]) -> ContentHash {
		let hash = sp_crypto_hashing::blake2_256(bytes);
		let name = hex::encode(hash);
		let dir = root.join("objects").join(&name[..2]).join(&name);
		fs::create_dir_all(dir.join("envelopes")).unwrap();
		fs::write(dir.join("object"), bytes).unwrap();
		fs::write(dir.join("meta.json"), b"{}").unwrap();
		hash
	}

	#[test]
	fn an_acknowledged_object_that_is_whole_passes() {
		let dir = tempfile::tempdir().unwrap();
		let hash = store_object(dir.path(), b"sealed");
		let ledger = ledger_with(hash, ObjectState { acknowledged: true, ..ObjectState::default() });
		let check = check_store(dir.path(), &ledger);
		assert!(check.problems.is_empty(), "{:?}", check.problems);
	}

	#[test]
	fn a_missing_acknowledged_object_is_lost_and_a_missing_unanswered_one_is_not() {
		let dir = tempfile::tempdir().unwrap();
		let acknowledged = ledger_with([1; 32], ObjectState { acknowledged: true, ..ObjectState::default() });
		assert_eq!(check_store(dir.path(), &acknowledged).lost, 1);
		let unanswered = ledger_with([1; 32], ObjectState::default());
		assert_eq!(check_store(dir.path(), &unanswered).lost, 0);
	}

	#[test]
	fn an_erased_object_that_came_back_is_resurrected() {
		let dir = tempfile::tempdir().unwrap();
		let hash = store_object(dir.path(), b"sealed");
		let ledger = ledger_with(
			hash,
			ObjectState { acknowledged: true, erasure_sent: true, erased: true, ..ObjectState::default() },
		);
		assert_eq!(check_store(dir.path(), &ledger).resurrected, 1);
	}

	#[test]
	fn damaged_bytes_and_a_missing_meta_are_partial() {
		let dir = tempfile::tempdir().unwrap();
		let hash = store_object(dir.path(), b"sealed");
		let name = hex::encode(hash);
		let object = dir.path().join("objects").join(&name[..2]).join(&name);
		fs::write(object.join("object"), b"seal").unwrap();
		assert_eq!(check_store(dir.path(), &Ledger::default()).partial, 1);
		fs::write(object.join("object"), b"sealed").unwrap();
		fs::remove_file(object.join("meta.json")).unwrap();
		assert_eq!(check_store(dir.path(), &Ledger::default()).partial, 1);
	}

	#[test]
	fn an_envelope_never_sent_is_partial_and_an_unanswered_one_is_accepted() {
		let dir = tempfile::tempdir().unwrap();
		let hash = store_object(dir.path(), b"sealed");
		let name = hex::encode(hash);
		let grantee = [7u8; 32];
		let file = dir.path().join("objects").join(&name[..2]).join(&name).join("envelopes").join(hex::encode(grantee));
		fs::write(&file, b"envelope").unwrap();
		let mut state = ObjectState { acknowledged: true, ..ObjectState::default() };
		state.envelopes.entry(grantee).or_default().acknowledged = Some([0; 32]);
		assert_eq!(check_store(dir.path(), &ledger_with(hash, state.clone())).partial, 1);
		state.envelopes.entry(grantee).or_default().unanswered.insert(sp_crypto_hashing::blake2_256(b"envelope"));
		assert!(check_store(dir.path(), &ledger_with(hash, state)).problems.is_empty());
	}

	#[test]
	fn a_release_without_its_entry_on_chain_is_a_mismatch() {
		let mut releases = BTreeMap::new();
		releases.insert(([1; 32], 4), 2);
		let problems = audit_mismatches(&HashMap::new(), &[], &releases);
		assert_eq!(problems, vec!["record 4: 2 releases received, 0 permitted entries on chain".to_owned()]);
	}

	#[test]
	fn a_partial_last_line_of_the_audit_log_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("audit.jsonl");
		fs::write(&path, b"{\"accessor\":\"0x01\",\"permitted\":true,\"record\":\"1\"}\n{\"acc").unwrap();
		assert!(read_audit(&path).unwrap_err().contains("partial line"));
		let line = b"{\"accessor\":\"0x01\",\"permitted\":true,\"record\":\"1\"}\n";
		fs::write(&path, [&line[..], &line[..]].concat()).unwrap();
		let (events, lines) = read_audit(&path).unwrap();
		assert_eq!((events.len(), lines), (1, 2), "two alike events are one event and two lines");
	}
}
