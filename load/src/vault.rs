//! The data vault under load: a `medchain-vault` process on the load's node, holding sealed
//! records of the load's patients with key envelopes for their providers, read back the way
//! `medchain records get` reads them (the sealed record and the caller's key envelope at once,
//! each released only after the vault's `log_access` of it is finalized; then both opened): reads
//! per second and the latency from request to plaintext at 1, 16 and 64 concurrent readers,
//! and uploads in MB/s. Each read must leave its two releases in the patient's on-chain access
//! log.

use crate::report::Percentiles;
use medchain_client::{
	chain::{AccountId, Chain},
	envelope::{open_key, open_record, seal_key, seal_record, verify_hash, ContentHash},
	vault_client::VaultClient,
};
use medchain_primitives::{consent::AuditHead, health::PurposeOfUse};
use serde::Serialize;
use std::{
	fs,
	path::Path,
	process::{Child, Command, Stdio},
	sync::Arc,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;
use x25519_dalek::{PublicKey, StaticSecret};

/// The vault's seed, fixed so that the genesis can fund and register its account before it
/// starts (the vault keeps it as `<data-dir>/vault-key.secret`).
fn vault_seed() -> [u8; 32] {
	sp_crypto_hashing::blake2_256(b"medchain-load//vault")
}

/// The vault's account.
pub fn vault_account() -> Result<AccountId, String> {
	Keypair::from_secret_key(vault_seed()).map(|pair| pair.public_key().0).map_err(|error| error.to_string())
}

/// A reader's X25519 secret, derived from its account (the load's providers publish no real
/// X25519 key: the patients seal envelopes to these).
pub fn reader_secret(reader: &AccountId) -> StaticSecret {
	StaticSecret::from(sp_crypto_hashing::blake2_256(&[b"medchain-load//x25519".as_slice(), reader].concat()))
}

/// A running vault.
pub struct Vault {
	child: Child,
	/// Its HTTP base URL.
	pub url: String,
}

impl Vault {
	/// Starts `binary` on the node at `node_url` with the fixed seed in `dir` and waits (at most
	/// 60 s) until it answers with the expected key.
	pub async fn start(binary: &Path, node_url: &str, dir: &Path, log: &Path) -> Result<Self, String> {
		fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
		let key_file = dir.join("vault-key.secret");
		fs::write(&key_file, format!("0x{}\n", hex::encode(vault_seed())))
			.map_err(|error| format!("{}: {error}", key_file.display()))?;
		let port = crate::node::free_port()?;
		let log_file = fs::File::create(log).map_err(|error| format!("{}: {error}", log.display()))?;
		let child = Command::new(binary)
			.args(["--node", node_url, "--data-dir"])
			.arg(dir)
			.args(["--listen", &format!("127.0.0.1:{port}")])
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.map_err(|error| format!("{}: {error}", binary.display()))?;
		let mut vault = Self { child, url: format!("http://127.0.0.1:{port}") };
		let client = VaultClient::new(&vault.url).map_err(|error| error.to_string())?;
		let expected = vault_account()?;
		let started = Instant::now();
		loop {
			if let Ok(Some(status)) = vault.child.try_wait() {
				return Err(format!("the vault exited with {status}; see {}", log.display()));
			}
			match client.vault_key().await {
				Ok(key) if key == expected => return Ok(vault),
				Ok(key) => {
					vault.stop();
					return Err(format!("the vault publishes key 0x{} instead of its seed's", hex::encode(key)));
				},
				Err(_) if started.elapsed() < Duration::from_secs(60) =>
					tokio::time::sleep(Duration::from_millis(200)).await,
				Err(error) => {
					vault.stop();
					return Err(format!("the vault did not answer within 60 s: {error}"));
				},
			}
		}
	}

	/// Kills the vault with SIGKILL and reaps it.
	pub fn kill(&mut self) {
		crate::node::kill_process(&mut self.child);
	}

	/// Stops the vault (SIGTERM, then SIGKILL after 10 s).
	pub fn stop(&mut self) {
		crate::node::stop_process(&mut self.child, Duration::from_secs(10));
	}
}

impl Drop for Vault {
	fn drop(&mut self) {
		self.stop();
	}
}

/// A record in the vault, as a reader fetches it.
pub struct Stored {
	pub id: u64,
	pub hash: ContentHash,
	pub plaintext: Vec<u8>,
	pub patient: AccountId,
	pub reader: Keypair,
}

/// A sealed record uploaded with its reader's envelope, to be registered on chain.
pub struct Upload {
	pub hash: ContentHash,
	pub plaintext: Vec<u8>,
	pub locator: String,
}

/// Seals `plaintext` and uploads it as `patient`, with a key envelope for `reader`.
pub async fn upload(
	vault: &VaultClient,
	patient: &Keypair,
	reader: &AccountId,
	plaintext: Vec<u8>,
) -> Result<Upload, String> {
	let sealed = seal_record(&plaintext).map_err(|error| error.to_string())?;
	let hash = sealed.content_hash();
	vault.put_object(patient, &sealed.bytes).await.map_err(|error| format!("upload: {error}"))?;
	let public = PublicKey::from(&reader_secret(reader)).to_bytes();
	let envelope = seal_key(&sealed.key, &public, &hash).map_err(|error| error.to_string())?;
	vault
		.put_envelope(patient, &hash, reader, &envelope)
		.await
		.map_err(|error| format!("envelope upload: {error}"))?;
	Ok(Upload { hash, plaintext, locator: vault.object_locator(&hash) })
}

/// Reads `record` as its reader does: sealed record, envelope, opened and checked.
async fn read(vault: &VaultClient, record: &Stored) -> Result<(), String> {
	// As the client fetches them: both at once.
	let (sealed, envelope) = tokio::join!(
		vault.get_record(&record.reader, record.id, PurposeOfUse::Treatment),
		vault.get_envelope(&record.reader, record.id, PurposeOfUse::Treatment)
	);
	let sealed = sealed.map_err(|error| format!("record {}: {error}", record.id))?;
	verify_hash(&sealed, &record.hash).map_err(|error| error.to_string())?;
	let envelope = envelope.map_err(|error| format!("envelope of record {}: {error}", record.id))?;
	let secret = reader_secret(&record.reader.public_key().0);
	let key = open_key(&envelope, &secret, &record.hash).map_err(|error| error.to_string())?;
	let plaintext = open_record(&sealed, &key).map_err(|error| error.to_string())?;
	if plaintext != record.plaintext {
		return Err(format!("record {} opened to other bytes than were sealed", record.id));
	}
	Ok(())
}

/// Reads at one concurrency.
#[derive(Clone, Debug, Serialize)]
pub struct ReadResult {
	pub concurrency: usize,
	pub reads: usize,
	pub errors: usize,
	/// The first error, if any.
	pub first_error: Option<String>,
	pub seconds: f64,
	pub reads_per_second: f64,
	/// Request to plaintext.
	pub latency: Percentiles,
}

/// `reads_each` reads by each of `concurrency` readers, reader `i` reading record
/// `i % records.len()` over and over.
pub async fn reads(
	url: &str,
	records: Arc<Vec<Stored>>,
	concurrency: usize,
	reads_each: usize,
) -> Result<ReadResult, String> {
	let started = Instant::now();
	let mut tasks = Vec::new();
	for reader in 0..concurrency {
		let client = VaultClient::new(url).map_err(|error| error.to_string())?;
		let records = records.clone();
		tasks.push(tokio::spawn(async move {
			let mut outcomes = Vec::with_capacity(reads_each);
			let Some(record) = records.get(reader % records.len().max(1)) else { return outcomes };
			for _ in 0..reads_each {
				let begun = Instant::now();
				let outcome = read(&client, record).await;
				outcomes.push(outcome.map(|()| begun.elapsed().as_secs_f64() * 1e3));
			}
			outcomes
		}));
	}
	let mut latencies = Vec::new();
	let mut errors = Vec::new();
	for task in tasks {
		for outcome in task.await.map_err(|error| error.to_string())? {
			match outcome {
				Ok(ms) => latencies.push(ms),
				Err(error) => errors.push(error),
			}
		}
	}
	let seconds = started.elapsed().as_secs_f64();
	Ok(ReadResult {
		concurrency,
		reads: latencies.len() + errors.len(),
		errors: errors.len(),
		first_error: errors.into_iter().next(),
		seconds,
		reads_per_second: latencies.len() as f64 / seconds.max(f64::EPSILON),
		latency: Percentiles::of(latencies.into_iter()),
	})
}

/// Uploads of `count` sealed objects of `bytes` each, `concurrency` at a time.
#[derive(Clone, Debug, Serialize)]
pub struct UploadResult {
	pub objects: usize,
	pub object_bytes: usize,
	pub concurrency: usize,
	pub seconds: f64,
	pub megabytes_per_second: f64,
}

/// Uploads `count` random objects of `bytes` each as `owners` (round robin), `concurrency` at
/// a time; sealing happens before the clock starts.
pub async fn uploads(
	url: &str,
	owners: &[Keypair],
	count: usize,
	bytes: usize,
	concurrency: usize,
) -> Result<UploadResult, String> {
	let mut sealed = Vec::with_capacity(count);
	for index in 0..count {
		let mut plaintext = vec![0u8; bytes];
		rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut plaintext);
		let owner = owners.get(index % owners.len().max(1)).ok_or("no owner for the uploads")?;
		sealed.push((owner.clone(), seal_record(&plaintext).map_err(|error| error.to_string())?.bytes));
	}
	let sealed = Arc::new(tokio::sync::Mutex::new(sealed));
	let started = Instant::now();
	let mut tasks = Vec::new();
	for _ in 0..concurrency {
		let client = VaultClient::new(url).map_err(|error| error.to_string())?;
		let sealed = sealed.clone();
		tasks.push(tokio::spawn(async move {
			loop {
				let Some((owner, bytes)) = sealed.lock().await.pop() else { return Ok::<_, String>(()) };
				client.put_object(&owner, &bytes).await.map_err(|error| format!("upload: {error}"))?;
			}
		}));
	}
	for task in tasks {
		task.await.map_err(|error| error.to_string())??;
	}
	let seconds = started.elapsed().as_secs_f64();
	Ok(UploadResult {
		objects: count,
		object_bytes: bytes,
		concurrency,
		seconds,
		megabytes_per_second: (count * bytes) as f64 / 1e6 / seconds.max(f64::EPSILON),
	})
}

/// Entries in the on-chain access logs of `patients`, together.
pub async fn logged(chain: &Chain, patients: &[AccountId]) -> Result<u64, String> {
	let mut total = 0;
	for patient in patients {
		let head: AuditHead<u32> = chain
			.runtime_call("ConsentApi_audit_head", &codec::Encode::encode(patient))
			.await
			.map_err(|error| error.to_string())?;
		total += head.count;
	}
	Ok(total)
}
