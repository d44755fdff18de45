//! Hostile submissions at the node's RPC: `author_submitExtrinsic` with random bytes, truncated
//! and oversized extrinsics, bad signatures, payloads signed for another chain or runtime
//! version, stale and far-future nonces, an unfunded signer, unsigned and inherent-only calls,
//! a wrong extrinsic version, and calls with an argument one past its bound. Each must be
//! refused with an error (far-future nonces may wait in the pool's future queue, as the
//! transaction pool is designed to), the node must keep producing blocks, and no hostile
//! submission may enter a block.
//!
//! The extrinsics are built by hand, byte by byte, so that each can be broken in exactly one
//! way; one correctly built transfer is submitted first and must be included, which shows that
//! the encoding is right and every refusal below is for the intended reason.

use crate::{
	accounts::{Accounts, Counts},
	node::{self, Node, NodeOptions},
	seeded::SplitMix64,
	submit::{self, Submitter},
};
use codec::{Compact, Decode, Encode};
use futures::StreamExt;
use medchain_client::chain::{Address, Call, Chain};
use medchain_primitives::{
	consent::{AccessDecision, AccessLogEntry, PermitBasis},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	supply::{BizStep, ItemId, MAX_GS1_TEXT_LEN},
};
use serde::Serialize;
use serde_json::Value;
use sp_core::H256;
use std::{
	collections::BTreeMap,
	path::PathBuf,
	time::{Duration, Instant},
};
use subxt::rpcs::RpcClient;
use subxt_signer::sr25519::Keypair;

/// How the run is set up.
pub struct HostileOptions {
	pub binary: PathBuf,
	pub count: usize,
	pub seed: u64,
	pub concurrency: usize,
	pub out: PathBuf,
}

/// The ways a submission is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
	RandomBytes,
	Truncated,
	BadSignature,
	WrongGenesis,
	WrongSpecVersion,
	WrongTransactionVersion,
	StaleNonce,
	UnfundedSigner,
	UnsignedCall,
	InherentAsTransaction,
	UnknownVersion,
	LocatorPastBound,
	LogBatchPastBound,
	EventItemsPastBound,
	SerialBatchPastBound,
	LotNumberPastBound,
	Oversized,
	FutureNonce,
}

/// Kinds sent in turn; `Oversized` and `FutureNonce` are sent only a bounded number of times.
const ROTATION: [Kind; 16] = [
	Kind::RandomBytes,
	Kind::Truncated,
	Kind::BadSignature,
	Kind::WrongGenesis,
	Kind::WrongSpecVersion,
	Kind::WrongTransactionVersion,
	Kind::StaleNonce,
	Kind::UnfundedSigner,
	Kind::UnsignedCall,
	Kind::InherentAsTransaction,
	Kind::UnknownVersion,
	Kind::LocatorPastBound,
	Kind::LogBatchPastBound,
	Kind::EventItemsPastBound,
	Kind::SerialBatchPastBound,
	Kind::LotNumberPastBound,
];
/// At most this many extrinsics longer than a block (each several MB).
const MAX_OVERSIZED: usize = 10;
/// At most this many far-future nonces (they stay in the pool's future queue).
const MAX_FUTURE: usize = 200;

/// What the chain's extrinsics are signed over, besides the call.
#[derive(Clone, Copy)]
struct SigningContext {
	genesis: [u8; 32],
	spec_version: u32,
	transaction_version: u32,
}

/// A signed v4 extrinsic of `call`, built as the runtime's `TxExtension` expects: an immortal
/// era, the nonce, no tip and no metadata hash explicitly; spec and transaction version,
/// genesis hash (twice: the era's block) and no metadata hash implicitly.
fn signed(call: &[u8], signer: &Keypair, nonce: u64, context: SigningContext) -> Vec<u8> {
	let explicit = (0u8, Compact(nonce), Compact(0u128), 0u8).encode();
	let implicit =
		(context.spec_version, context.transaction_version, context.genesis, context.genesis, None::<[u8; 32]>)
			.encode();
	let mut payload = [call, &explicit, &implicit].concat();
	if payload.len() > 256 {
		payload = sp_crypto_hashing::blake2_256(&payload).to_vec();
	}
	let signature = signer.sign(&payload).0;
	let mut body = vec![0x84, 0x00];
	body.extend_from_slice(&signer.public_key().0);
	body.push(0x01);
	body.extend_from_slice(&signature);
	body.extend_from_slice(&explicit);
	body.extend_from_slice(call);
	let mut extrinsic = Compact(body.len() as u32).encode();
	extrinsic.extend_from_slice(&body);
	extrinsic
}

/// A bare (unsigned) v4 extrinsic of `call`.
fn bare(call: &[u8], version: u8) -> Vec<u8> {
	let mut body = vec![version];
	body.extend_from_slice(call);
	let mut extrinsic = Compact(body.len() as u32).encode();
	extrinsic.extend_from_slice(&body);
	extrinsic
}

/// The calls the hostile submissions carry, encoded for the running runtime.
struct Calls {
	transfer: Vec<u8>,
	timestamp: Vec<u8>,
	locator: Vec<u8>,
	log_batch: Vec<u8>,
	event_items: Vec<u8>,
	serial_batch: Vec<u8>,
	lot_number: Vec<u8>,
	oversized: Vec<u8>,
}

fn constant(metadata: &subxt::metadata::Metadata, pallet: &str, name: &str) -> Result<u32, String> {
	let value = metadata
		.pallet_by_name(pallet)
		.and_then(|pallet| pallet.constant_by_name(name))
		.ok_or_else(|| format!("the metadata has no constant {pallet}.{name}"))?;
	u32::decode(&mut value.value()).map_err(|error| format!("{pallet}.{name}: {error}"))
}

impl Calls {
	/// Bounds are read from the chain's metadata (the pallets' constants), so each call is one
	/// item past what this runtime allows.
	fn new(metadata: &subxt::metadata::Metadata, to: [u8; 32]) -> Result<Self, String> {
		let encode = |call: Call| call.runtime_call_bytes(metadata).map_err(|error| error.to_string());
		let max_locator = constant(metadata, "MedicalRecords", "MaxLocatorLen")? as usize;
		let max_batch = constant(metadata, "Consent", "MaxLogBatch")? as usize;
		let max_items = constant(metadata, "SupplyChain", "MaxEventItems")? as usize;
		let max_serials = constant(metadata, "SupplyChain", "MaxCommissionBatch")? as usize;
		let block_length = {
			let value = metadata
				.pallet_by_name("System")
				.and_then(|pallet| pallet.constant_by_name("BlockLength"))
				.ok_or("the metadata has no System.BlockLength")?;
			// The normal class's share: the most a transaction may take (a larger request than
			// that would also exceed the RPC client's message limit).
			let (normal, _operational, _mandatory) =
				<(u32, u32, u32)>::decode(&mut value.value()).map_err(|error| format!("BlockLength: {error}"))?;
			normal as usize
		};
		let gtin = *b"00614141000012";
		let entry = AccessLogEntry {
			accessor: to,
			record: Some(0),
			category: RecordCategory::Summary,
			action: Action::Access,
			purpose: PurposeOfUse::Treatment,
			decision: AccessDecision::Permit(PermitBasis::Patient),
			event_hash: H256::repeat_byte(1),
		};
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|elapsed| elapsed.as_millis() as u64)
			.unwrap_or_default();
		Ok(Self {
			transfer: encode(Call::new("Balances", "transfer_keep_alive", (Address(to), Compact(1_000_000_000u128))))?,
			timestamp: encode(Call::new("Timestamp", "set", (Compact(now),)))?,
			locator: encode(Call::new(
				"MedicalRecords",
				"register_record",
				(
					Address(to),
					RecordCategory::Summary,
					Confidentiality::Normal,
					H256::repeat_byte(2),
					vec![b'x'; max_locator + 1],
					Address(to),
				),
			))?,
			log_batch: encode(Call::new("Consent", "log_access", (Address(to), vec![entry; max_batch + 1])))?,
			event_items: encode(Call::new(
				"SupplyChain",
				"record_event",
				(
					vec![ItemId::Unit { gtin, serial: H256::repeat_byte(3) }; max_items + 1],
					BizStep::Shipping,
					None::<[u8; 13]>,
					H256::repeat_byte(4),
				),
			))?,
			serial_batch: encode(Call::new(
				"SupplyChain",
				"commission_units",
				(gtin, b"L1".to_vec(), vec![H256::repeat_byte(5); max_serials + 1], H256::repeat_byte(6)),
			))?,
			lot_number: encode(Call::new(
				"SupplyChain",
				"commission_lot",
				(
					gtin,
					vec![b'7'; MAX_GS1_TEXT_LEN as usize + 1],
					medchain_primitives::supply::ExpiryDate { year: 30, month: 12, day: 31 },
					4u32,
					H256::repeat_byte(8),
					H256::repeat_byte(9),
				),
			))?,
			oversized: encode(Call::new("System", "remark", (vec![0u8; block_length + 1],)))?,
		})
	}
}

/// Builds submission `index` of kind `kind`.
fn build(
	kind: Kind,
	rng: &mut SplitMix64,
	calls: &Calls,
	signer: &Keypair,
	unfunded: &Keypair,
	nonce: u64,
	context: SigningContext,
	future_nonce: u64,
) -> Vec<u8> {
	let valid = |call: &[u8]| signed(call, signer, nonce, context);
	match kind {
		Kind::RandomBytes => {
			let len = rng.below(512) as usize;
			rng.bytes(len)
		},
		Kind::Truncated => {
			let whole = valid(&calls.transfer);
			let cut = 1 + rng.below(whole.len() as u64 - 1) as usize;
			whole[..cut].to_vec()
		},
		Kind::BadSignature => {
			let mut broken = valid(&calls.transfer);
			// The signature follows the length prefix (2 bytes here), version, address.
			let position = 2 + 1 + 33 + 1 + rng.below(64) as usize;
			broken[position] ^= 1 << rng.below(8);
			broken
		},
		Kind::WrongGenesis => {
			let mut other = context;
			other.genesis = rng.bytes(32).try_into().unwrap_or([0xaa; 32]);
			signed(&calls.transfer, signer, nonce, other)
		},
		Kind::WrongSpecVersion => {
			let mut other = context;
			other.spec_version = context.spec_version.wrapping_add(1 + rng.below(1_000) as u32);
			signed(&calls.transfer, signer, nonce, other)
		},
		Kind::WrongTransactionVersion => {
			let mut other = context;
			other.transaction_version = context.transaction_version.wrapping_add(1 + rng.below(1_000) as u32);
			signed(&calls.transfer, signer, nonce, other)
		},
		// The signer's nonce is above zero after the check transfer: every lower one is stale.
		Kind::StaleNonce => signed(&calls.transfer, signer, rng.below(nonce.max(1)), context),
		Kind::UnfundedSigner => signed(&calls.transfer, unfunded, 0, context),
		Kind::UnsignedCall => bare(&calls.transfer, 0x04),
		Kind::InherentAsTransaction => bare(&calls.timestamp, 0x04),
		Kind::UnknownVersion => {
			let mut broken = valid(&calls.transfer);
			broken[2] = [0x83, 0x85, 0x03, 0xff][rng.below(4) as usize];
			broken
		},
		Kind::LocatorPastBound => valid(&calls.locator),
		Kind::LogBatchPastBound => valid(&calls.log_batch),
		Kind::EventItemsPastBound => valid(&calls.event_items),
		Kind::SerialBatchPastBound => valid(&calls.serial_batch),
		Kind::LotNumberPastBound => valid(&calls.lot_number),
		Kind::Oversized => valid(&calls.oversized),
		Kind::FutureNonce => signed(&calls.transfer, signer, future_nonce, context),
	}
}

/// How the node answered one kind.
#[derive(Default, Serialize)]
struct Answers {
	sent: u64,
	refused: u64,
	accepted: u64,
	/// Not answered by the node (the connection failed): a problem of the run.
	unanswered: u64,
	/// Refusals by the node's message (numbers and hashes elided), most frequent first.
	reasons: BTreeMap<String, u64>,
}

/// The node's error message with the variable parts (hex, numbers) elided, to group refusals.
fn reason(message: &str) -> String {
	let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
	let mut out = String::new();
	let mut last_was_digit = false;
	for ch in message.chars().take(160) {
		if ch.is_ascii_digit() {
			if !last_was_digit {
				out.push('#');
			}
			last_was_digit = true;
		} else {
			last_was_digit = false;
			out.push(ch);
		}
	}
	out
}

#[derive(Serialize)]
struct Report {
	submissions: u64,
	seconds: f64,
	per_second: f64,
	seed: u64,
	kinds: BTreeMap<Kind, Answers>,
	blocks_during_run: u64,
	hostile_in_blocks: u64,
	/// Ready transactions left in the pool after the run (must be none: far-future nonces wait
	/// in its future queue, which this does not list).
	ready_in_pool_after: u64,
	node_alive: bool,
	problems: Vec<String>,
}

async fn request(rpc: &RpcClient, method: &str, args: &[Value]) -> Result<Value, String> {
	rpc.request(method, submit::params(args)?).await.map_err(|error| format!("{method}: {error}"))
}

async fn best_number(rpc: &RpcClient) -> Result<u64, String> {
	let header = request(rpc, "chain_getHeader", &[]).await?;
	let number = header["number"].as_str().ok_or("a header without a number")?;
	u64::from_str_radix(number.trim_start_matches("0x"), 16).map_err(|error| error.to_string())
}

/// Signed extrinsics in blocks `from..=to` (inherents are bare).
async fn signed_in_blocks(rpc: &RpcClient, from: u64, to: u64) -> Result<u64, String> {
	let mut signed = 0;
	for number in from..=to {
		let hash = request(rpc, "chain_getBlockHash", &[Value::from(number)]).await?;
		let block = request(rpc, "chain_getBlock", &[hash]).await?;
		for extrinsic in block["block"]["extrinsics"].as_array().into_iter().flatten() {
			let bytes = hex::decode(extrinsic.as_str().unwrap_or_default().trim_start_matches("0x"))
				.map_err(|error| error.to_string())?;
			let mut input = &bytes[..];
			let _ = Compact::<u32>::decode(&mut input);
			if input.first().is_some_and(|version| version & 0x80 != 0) {
				signed += 1;
			}
		}
	}
	Ok(signed)
}

async fn wait_for_nonce(chain: &Chain, who: &[u8; 32], at_least: u64) -> Result<(), String> {
	let started = Instant::now();
	while chain.account_nonce(who).await.map_err(|error| error.to_string())? < at_least {
		if started.elapsed() > Duration::from_secs(60) {
			return Err("the correctly built transfer was not included within 60 s: the tool's encoding is wrong".into());
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	Ok(())
}

/// Runs the hostile submissions; `Ok(false)` if a check failed.
pub async fn run(options: HostileOptions) -> Result<bool, String> {
	std::fs::create_dir_all(&options.out).map_err(|error| format!("{}: {error}", options.out.display()))?;
	let work = tempfile::Builder::new()
		.prefix("medchain-hostile-")
		.tempdir_in(&options.out)
		.map_err(|error| error.to_string())?;
	let accounts = Accounts::derive(Counts { senders: 1, providers: 0, manufacturers: 0, dispensers: 0 })?;
	let spec = node::write_spec(&options.binary, work.path(), &accounts, None, None)?;
	let node_options = NodeOptions {
		binary: options.binary.clone(),
		block_time_ms: 500,
		dir: work.path().to_path_buf(),
		log: options.out.join("hostile-node.log"),
		extra_args: Vec::new(),
		start_timeout: Duration::from_secs(180),
	};
	let (mut node, chain) = Node::start(&node_options, &spec).await?;
	let outcome = attack(&options, &accounts, &node, &chain).await;
	let alive = node.is_running();
	node.stop();
	let mut report = outcome?;
	report.node_alive = alive;
	if !alive {
		report.problems.push("the node exited during the run".into());
	}
	let path = options.out.join("hostile.json");
	std::fs::write(&path, serde_json::to_string_pretty(&report).map_err(|error| error.to_string())?)
		.map_err(|error| format!("{}: {error}", path.display()))?;
	println!(
		"[hostile] {} submissions in {:.1} s ({:.0}/s), {} blocks meanwhile, {} hostile extrinsics in blocks, {} ready in the pool after",
		report.submissions, report.seconds, report.per_second, report.blocks_during_run, report.hostile_in_blocks,
		report.ready_in_pool_after
	);
	for (kind, answers) in &report.kinds {
		let top = answers.reasons.iter().max_by_key(|(_, count)| **count).map(|(reason, _)| reason.as_str());
		println!(
			"[hostile]   {:<24} {:>7} sent, {:>7} refused, {:>5} accepted  {}",
			format!("{kind:?}"),
			answers.sent,
			answers.refused,
			answers.accepted,
			top.unwrap_or("")
		);
	}
	for problem in &report.problems {
		println!("[hostile] PROBLEM {problem}");
	}
	println!("[hostile] report: {}", path.display());
	Ok(report.problems.is_empty())
}

async fn attack(options: &HostileOptions, accounts: &Accounts, node: &Node, chain: &Chain) -> Result<Report, String> {
	let rpc = RpcClient::from_insecure_url(&node.url).await.map_err(|error| error.to_string())?;
	let version = request(&rpc, "state_getRuntimeVersion", &[]).await?;
	let context = SigningContext {
		genesis: chain.genesis_hash(),
		spec_version: version["specVersion"].as_u64().ok_or("no specVersion")? as u32,
		transaction_version: version["transactionVersion"].as_u64().ok_or("no transactionVersion")? as u32,
	};
	let at = chain.subxt().at_current_block().await.map_err(|error| error.to_string())?;
	let sender = &accounts.senders[0];
	let destination = accounts.key_holder.id;
	let calls = Calls::new(at.metadata_ref(), destination)?;
	let mut rng = SplitMix64(options.seed);
	let unfunded = Keypair::from_secret_key(rng.bytes(32).try_into().unwrap_or([7; 32]))
		.map_err(|error| format!("unfunded key: {error}"))?;

	// One correct transfer first: included, so the encoding is right.
	let hex = format!("0x{}", hex::encode(signed(&calls.transfer, &sender.keypair, 0, context)));
	request(&rpc, "author_submitExtrinsic", &[Value::String(hex)])
		.await
		.map_err(|error| format!("the correctly built transfer was refused: {error}"))?;
	wait_for_nonce(chain, &sender.id, 1).await?;
	let nonce = 1;

	let mut plan = Vec::with_capacity(options.count);
	let oversized = MAX_OVERSIZED.min(options.count / 1_000);
	let future = MAX_FUTURE.min(options.count / 100);
	for index in 0..options.count.saturating_sub(oversized) {
		plan.push(if index < future { Kind::FutureNonce } else { ROTATION[index % ROTATION.len()] });
	}
	let submitter = Submitter::connect(&node.url, options.concurrency.max(1)).await?;
	let first_block = best_number(&rpc).await?;
	let started = Instant::now();
	let mut kinds: BTreeMap<Kind, Answers> = BTreeMap::new();
	// Built lazily and in order, so the seed fixes every submission.
	let mut future_nonce = nonce + 1_000_000;
	let requests = plan.into_iter().enumerate().map(|(index, kind)| {
		future_nonce += 1;
		let bytes = build(kind, &mut rng, &calls, &sender.keypair, &unfunded, nonce, context, future_nonce);
		let client = submitter.client(index);
		async move {
			let hex = format!("0x{}", hex::encode(bytes));
			let answer = request(&client, "author_submitExtrinsic", &[Value::String(hex)]).await;
			(kind, answer)
		}
	});
	let mut answers = futures::stream::iter(requests).buffer_unordered(options.concurrency.max(1) * 4);
	let count = |kinds: &mut BTreeMap<Kind, Answers>, kind: Kind, answer: Result<Value, String>| {
		let entry = kinds.entry(kind).or_default();
		entry.sent += 1;
		match answer {
			Ok(_) => entry.accepted += 1,
			// The RPC client's own failures (a closed connection) are no answer of the node's.
			Err(error) if error.contains("client error") => entry.unanswered += 1,
			Err(error) => {
				entry.refused += 1;
				*entry.reasons.entry(reason(&error)).or_default() += 1;
			},
		}
	};
	while let Some((kind, answer)) = answers.next().await {
		count(&mut kinds, kind, answer);
	}
	drop(answers);
	// Extrinsics longer than a transaction may be, one at a time, each on its own connection:
	// several megabytes each.
	for _ in 0..oversized {
		let bytes = build(Kind::Oversized, &mut rng, &calls, &sender.keypair, &unfunded, nonce, context, 0);
		let client = RpcClient::from_insecure_url(&node.url).await.map_err(|error| error.to_string())?;
		let hex = format!("0x{}", hex::encode(bytes));
		let answer = request(&client, "author_submitExtrinsic", &[Value::String(hex)]).await;
		count(&mut kinds, Kind::Oversized, answer);
	}
	let seconds = started.elapsed().as_secs_f64();
	// Two more blocks, so anything accepted would have had its chance to be included.
	let last_seen = best_number(&rpc).await?;
	let waited = Instant::now();
	while best_number(&rpc).await? < last_seen + 2 && waited.elapsed() < Duration::from_secs(30) {
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	let last_block = best_number(&rpc).await?;
	let hostile_in_blocks = signed_in_blocks(&rpc, first_block + 1, last_block).await?;
	let pending = request(&rpc, "author_pendingExtrinsics", &[]).await?;
	let ready_in_pool_after = pending.as_array().map(Vec::len).unwrap_or_default() as u64;
	let sender_nonce = chain.account_nonce(&sender.id).await.map_err(|error| error.to_string())?;

	let mut problems = Vec::new();
	for (kind, answers) in &kinds {
		if *kind != Kind::FutureNonce && answers.accepted > 0 {
			problems.push(format!("{} {kind:?} submissions were accepted", answers.accepted));
		}
		if answers.unanswered > 0 {
			problems.push(format!("{} {kind:?} submissions got no answer from the node", answers.unanswered));
		}
	}
	if hostile_in_blocks > 0 {
		problems.push(format!("{hostile_in_blocks} signed extrinsics entered blocks #{}..#{last_block}", first_block + 1));
	}
	if ready_in_pool_after > 0 {
		problems.push(format!("{ready_in_pool_after} hostile transactions are ready in the pool"));
	}
	if sender_nonce != nonce {
		problems.push(format!("the sender's nonce moved from {nonce} to {sender_nonce}"));
	}
	let blocks_during_run = last_block.saturating_sub(first_block);
	if blocks_during_run < 2 {
		problems.push(format!("only {blocks_during_run} blocks were produced during the run"));
	}
	Ok(Report {
		submissions: options.count as u64,
		seconds,
		per_second: options.count as f64 / seconds.max(1e-9),
		seed: options.seed,
		kinds,
		blocks_during_run,
		hostile_in_blocks,
		ready_in_pool_after,
		node_alive: true,
		problems,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn reasons_group_messages_that_differ_only_in_numbers() {
		assert_eq!(reason("Invalid Transaction (1010): bad proof 12"), reason("Invalid Transaction (1010): bad proof 7"));
		assert_ne!(reason("Invalid Transaction: stale"), reason("Invalid Transaction: bad proof"));
	}

	#[test]
	fn a_bare_extrinsic_is_its_length_version_and_call() {
		assert_eq!(bare(&[5, 6], 0x04), vec![12, 0x04, 5, 6]);
	}

	#[test]
	fn a_signed_extrinsic_has_its_parts_in_the_runtime_order() {
		let keypair = Keypair::from_secret_key([3; 32]).expect("a key");
		let context = SigningContext { genesis: [1; 32], spec_version: 1, transaction_version: 1 };
		let extrinsic = signed(&[9, 9], &keypair, 5, context);
		let mut input = &extrinsic[..];
		let length = Compact::<u32>::decode(&mut input).expect("a length").0 as usize;
		assert_eq!(length, input.len());
		assert_eq!(input[0], 0x84);
		assert_eq!(&input[2..34], &keypair.public_key().0);
		// era, nonce 5, tip 0, no metadata hash, then the call
		assert_eq!(&input[input.len() - 6..], &[0, 20, 0, 0, 9, 9]);
	}
}
