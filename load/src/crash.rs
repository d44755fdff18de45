//! Crash and restart: the node SIGKILLed under load, again and again, on one database, and
//! after each restart the checks that an operator relies on: the node reopens its database
//! and answers, what it reported finalized is still there (same block at the same height),
//! its state agrees with its blocks, and it goes on including transactions.
//!
//! The load is a stream of `Balances.transfer_keep_alive` of one unit from each of
//! [`SENDERS`] senders to one destination, each sender waiting for its transfer's finality
//! before it sends the next, so every transfer the tool saw finalized has a known block. The
//! senders send nothing else, so the destination's balance must have grown by exactly the sum
//! of their nonces: the ledger check, read from the state and independent of what the tool saw.
//! See `docs/reliability.md`.

use crate::{
	accounts::{Accounts, Counts},
	seeded::SplitMix64,
	node::{self, Node, NodeOptions},
};
use codec::Decode;
use medchain_client::{
	chain::{Address, Call, Chain, ChainError},
	cli::args::parse_hex32,
};
use serde::Serialize;
use serde_json::Value;
use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use subxt::rpcs::{client::RpcParams, RpcClient};

/// Accounts that send transfers at once.
pub const SENDERS: usize = 32;
/// How long a transfer may take from submission to finality before its sender gives up on it.
const FINALITY_TIMEOUT: Duration = Duration::from_secs(30);
/// The load runs this long between a restart and the next kill, at least and at most (drawn
/// from the seed).
const LOAD_MIN: Duration = Duration::from_millis(1_500);
const LOAD_MAX: Duration = Duration::from_millis(6_000);
/// How long a restarted node may take to answer.
const START_TIMEOUT: Duration = Duration::from_secs(180);
/// After a kill, how long the senders may take to notice.
const SENDERS_STOP: Duration = Duration::from_secs(5);

/// The node's database backend (`--database`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Database {
	Rocksdb,
	Paritydb,
}

impl Database {
	/// The name `--database` takes.
	pub fn name(self) -> &'static str {
		match self {
			Self::Rocksdb => "rocksdb",
			Self::Paritydb => "paritydb",
		}
	}

	/// Whether a SIGKILL may cost this backend its last commits. RocksDB writes its log before
	/// it acknowledges a commit, and the log is in the page cache when the process dies;
	/// ParityDB acknowledges a commit once it is queued and writes it from background threads.
	/// A lost tail is counted either way; only where it is not expected is it a failure.
	fn may_lose_tail(self) -> bool {
		matches!(self, Self::Paritydb)
	}
}

/// What `medchain-load crash` is asked to do.
pub struct CrashOptions {
	pub binary: PathBuf,
	pub database: Database,
	pub kills: usize,
	pub block_time_ms: u64,
	pub seed: u64,
	pub out: PathBuf,
}

/// One start of the node and, but for the last, its kill.
#[derive(Debug, Default, Serialize)]
pub struct Cycle {
	pub cycle: usize,
	/// From the process' start to its first RPC answer.
	pub restart_ms: u64,
	/// The highest block the tool saw a transfer finalized in, before this start.
	pub highest_seen: Option<u64>,
	/// The node's finalized height when it answered.
	pub finalized_at_start: u64,
	/// Blocks the tool saw finalized that the restarted node no longer has at their height.
	pub lost_blocks: u64,
	/// The transfers in them.
	pub lost_transfers: u64,
	/// Transfers the tool saw finalized during this cycle's load.
	pub transfers_finalized: u64,
	/// How long the load ran before the kill (0 for the last cycle, stopped gracefully).
	pub load_ms: u64,
}

/// The run's report: `crash-<database>.json`.
#[derive(Debug, Serialize)]
pub struct CrashReport {
	pub database: Database,
	pub kills: usize,
	pub block_time_ms: u64,
	pub seed: u64,
	pub senders: usize,
	pub transfers_finalized: u64,
	pub lost_blocks: u64,
	pub lost_transfers: u64,
	pub height_regressions: u64,
	pub max_restart_ms: u64,
	pub median_restart_ms: u64,
	pub cycles: Vec<Cycle>,
	pub problems: Vec<String>,
	pub seconds: f64,
}

/// A transfer the tool saw finalized: by which sender, in which block.
#[derive(Clone, Copy, Debug)]
struct SeenTransfer {
	sender: usize,
	height: u64,
	hash: [u8; 32],
}


/// Runs the cycles; `Ok(false)` if the run finished but a check failed.
pub async fn run(options: CrashOptions) -> Result<bool, String> {
	let started = Instant::now();
	let db = options.database.name();
	let logs = options.out.join(format!("crash-{db}"));
	std::fs::create_dir_all(&logs).map_err(|error| format!("{}: {error}", logs.display()))?;
	let work = tempfile::Builder::new()
		.prefix("medchain-crash-")
		.tempdir_in(&options.out)
		.map_err(|error| error.to_string())?;
	let accounts =
		Accounts::derive(Counts { senders: SENDERS, providers: 0, manufacturers: 0, dispensers: 0 })?;
	let destination = accounts.key_holder.id;
	let spec = node::write_spec(&options.binary, work.path(), &accounts, None, None)?;
	let mut node_options = NodeOptions {
		binary: options.binary.clone(),
		block_time_ms: options.block_time_ms,
		dir: work.path().to_path_buf(),
		log: PathBuf::new(),
		extra_args: vec!["--database".into(), db.into()],
		start_timeout: START_TIMEOUT,
	};
	let mut rng = SplitMix64(options.seed);
	let mut seen: Vec<SeenTransfer> = Vec::new();
	let mut cycles = Vec::new();
	let mut problems = Vec::new();
	let mut height_regressions = 0;
	let mut destination_at_genesis = None;

	for cycle in 0..=options.kills {
		node_options.log = logs.join(format!("node-{cycle}.log"));
		let spawned = Instant::now();
		let (mut node, chain) = Node::start(&node_options, &spec)
			.await
			.map_err(|error| format!("cycle {cycle}: the node did not restart: {error}"))?;
		let mut report = Cycle { cycle, restart_ms: spawned.elapsed().as_millis() as u64, ..Cycle::default() };
		let chain = Arc::new(chain);
		report.finalized_at_start = chain.finalized_number().await.map_err(|error| error.to_string())?;
		report.highest_seen = seen.iter().map(|transfer| transfer.height).max();
		if report.highest_seen.is_some_and(|highest| report.finalized_at_start < highest) {
			height_regressions += 1;
		}
		let rpc = RpcClient::from_insecure_url(&node.url).await.map_err(|error| error.to_string())?;
		let lost = lost_heights(&rpc, &seen).await?;
		report.lost_blocks = lost.len() as u64;
		report.lost_transfers = seen.iter().filter(|transfer| lost.contains(&transfer.height)).count() as u64;
		if !lost.is_empty() {
			let message = format!(
				"cycle {cycle}: {} finalized blocks with {} transfers lost after the kill (finalized height {} at restart, {} seen before)",
				report.lost_blocks,
				report.lost_transfers,
				report.finalized_at_start,
				report.highest_seen.unwrap_or_default()
			);
			eprintln!("[crash] {message}");
			if !options.database.may_lose_tail() {
				problems.push(message);
			}
			// Counted once: the restarted chain builds other blocks at those heights.
			seen.retain(|transfer| !lost.contains(&transfer.height));
		}
		let nonces = sender_nonces(&chain, &accounts).await?;
		let balance = free_balance(&chain, &destination).await?;
		let genesis_balance = *destination_at_genesis.get_or_insert(balance);
		problems.extend(ledger_problems(cycle, &nonces, genesis_balance, balance, &seen));

		if cycle == options.kills {
			node.stop();
			eprintln!(
				"[crash] {db} cycle {cycle}: restart {} ms, finalized #{}, stopped",
				report.restart_ms, report.finalized_at_start
			);
			cycles.push(report);
			break;
		}
		let load = rng.duration(LOAD_MIN, LOAD_MAX);
		let found = load_then_kill(&chain, &mut node, &accounts, destination, load).await;
		report.load_ms = load.as_millis() as u64;
		report.transfers_finalized = found.len() as u64;
		if found.is_empty() {
			problems.push(format!("cycle {cycle}: no transfer was finalized in {} ms of load", report.load_ms));
		}
		let seen_before = report.highest_seen.map_or_else(String::new, |highest| format!(" (seen #{highest})"));
		eprintln!(
			"[crash] {db} cycle {cycle}: restart {} ms, finalized #{}{seen_before}, lost {}, {} transfers in {} ms, SIGKILL",
			report.restart_ms,
			report.finalized_at_start,
			report.lost_blocks,
			report.transfers_finalized,
			report.load_ms
		);
		seen.extend(found);
		cycles.push(report);
	}

	let mut restarts: Vec<u64> = cycles.iter().skip(1).map(|cycle| cycle.restart_ms).collect();
	restarts.sort_unstable();
	let report = CrashReport {
		database: options.database,
		kills: options.kills,
		block_time_ms: options.block_time_ms,
		seed: options.seed,
		senders: SENDERS,
		transfers_finalized: cycles.iter().map(|cycle| cycle.transfers_finalized).sum(),
		lost_blocks: cycles.iter().map(|cycle| cycle.lost_blocks).sum(),
		lost_transfers: cycles.iter().map(|cycle| cycle.lost_transfers).sum(),
		height_regressions,
		max_restart_ms: restarts.last().copied().unwrap_or_default(),
		median_restart_ms: restarts.get(restarts.len() / 2).copied().unwrap_or_default(),
		cycles,
		problems,
		seconds: started.elapsed().as_secs_f64(),
	};
	let path = options.out.join(format!("crash-{db}.json"));
	let json = serde_json::to_vec_pretty(&report).map_err(|error| error.to_string())?;
	std::fs::write(&path, json).map_err(|error| format!("{}: {error}", path.display()))?;
	print_summary(&report, &path);
	Ok(report.problems.is_empty())
}

/// The heights of the blocks in `seen` that the node no longer has: nothing at that height,
/// or another block.
async fn lost_heights(rpc: &RpcClient, seen: &[SeenTransfer]) -> Result<BTreeSet<u64>, String> {
	let blocks: BTreeMap<u64, [u8; 32]> = seen.iter().map(|transfer| (transfer.height, transfer.hash)).collect();
	let mut lost = BTreeSet::new();
	for (height, hash) in blocks {
		if block_hash(rpc, height).await? != Some(hash) {
			lost.insert(height);
		}
	}
	Ok(lost)
}

/// The hash of the node's block at `height`, if it has one.
async fn block_hash(rpc: &RpcClient, height: u64) -> Result<Option<[u8; 32]>, String> {
	let mut params = RpcParams::new();
	params.push(height).map_err(|error| error.to_string())?;
	let answer: Value = rpc
		.request("chain_getBlockHash", params)
		.await
		.map_err(|error| format!("chain_getBlockHash({height}): {error}"))?;
	answer.as_str().map(parse_hex32).transpose()
}

/// Every sender's nonce in the finalized state.
async fn sender_nonces(chain: &Chain, accounts: &Accounts) -> Result<Vec<u64>, String> {
	let mut nonces = Vec::with_capacity(accounts.senders.len());
	for sender in &accounts.senders {
		nonces.push(chain.account_nonce(&sender.id).await.map_err(|error| error.to_string())?);
	}
	Ok(nonces)
}

/// The free balance of `account` in the finalized state (`System.Account`).
async fn free_balance(chain: &Chain, account: &[u8; 32]) -> Result<u128, String> {
	let mut key = sp_crypto_hashing::blake2_128(account).to_vec();
	key.extend_from_slice(account);
	let info: Option<AccountInfoHead> =
		chain.storage("System", "Account", &key).await.map_err(|error: ChainError| error.to_string())?;
	info.map(|info| info.free).ok_or_else(|| "the destination account does not exist".into())
}

/// The first fields of `frame_system::AccountInfo` with `pallet_balances::AccountData`: up to
/// the free balance.
#[derive(Decode)]
struct AccountInfoHead {
	_nonce: u32,
	_consumers: u32,
	_providers: u32,
	_sufficients: u32,
	free: u128,
}

/// What is wrong with the state after a restart: the destination must hold its genesis
/// balance plus one unit per transfer the senders' nonces count, and no sender can have had
/// more transfers finalized than its nonce counts.
fn ledger_problems(
	cycle: usize,
	nonces: &[u64],
	genesis_balance: u128,
	balance: u128,
	seen: &[SeenTransfer],
) -> Vec<String> {
	let mut problems = Vec::new();
	let sent: u128 = nonces.iter().map(|&nonce| u128::from(nonce)).sum();
	if balance != genesis_balance.saturating_add(sent) {
		problems.push(format!(
			"cycle {cycle}: the destination holds {balance}, its genesis balance {genesis_balance} plus {sent} transfers by the senders' nonces"
		));
	}
	let mut per_sender = vec![0u64; nonces.len()];
	for transfer in seen {
		if let Some(count) = per_sender.get_mut(transfer.sender) {
			*count += 1;
		}
	}
	for (sender, (&kept, &nonce)) in per_sender.iter().zip(nonces).enumerate() {
		if kept > nonce {
			problems.push(format!(
				"cycle {cycle}: sender {sender} has {kept} transfers in finalized blocks but nonce {nonce}"
			));
		}
	}
	problems
}

/// Streams transfers from every sender for `load`, then SIGKILLs the node; returns the
/// transfers seen finalized before it died.
async fn load_then_kill(
	chain: &Arc<Chain>,
	node: &mut Node,
	accounts: &Accounts,
	destination: [u8; 32],
	load: Duration,
) -> Vec<SeenTransfer> {
	let stop = Arc::new(AtomicBool::new(false));
	let found = Arc::new(Mutex::new(Vec::new()));
	let mut senders = Vec::with_capacity(accounts.senders.len());
	for (index, sender) in accounts.senders.iter().enumerate() {
		let (chain, stop, found) = (Arc::clone(chain), Arc::clone(&stop), Arc::clone(&found));
		let (keypair, id) = (sender.keypair.clone(), sender.id);
		senders.push(tokio::spawn(async move {
			let call = Call::new("Balances", "transfer_keep_alive", (Address(destination), codec::Compact(1u128)));
			let mut nonce = None;
			while !stop.load(Ordering::Relaxed) {
				let current = match nonce {
					Some(current) => current,
					None => match chain.account_nonce(&id).await {
						Ok(current) => current,
						Err(_) => {
							tokio::time::sleep(Duration::from_millis(100)).await;
							continue;
						},
					},
				};
				let outcome = match chain.submit_watched_with_nonce(&call, &keypair, current).await {
					Ok(submitted) => tokio::time::timeout(FINALITY_TIMEOUT, submitted.finalized()).await.ok(),
					Err(_) => None,
				};
				match outcome {
					Some(Ok(finalized)) => {
						nonce = Some(current + 1);
						if let Ok(mut found) = found.lock() {
							found.push(SeenTransfer {
								sender: index,
								height: finalized.block_number,
								hash: finalized.block_hash,
							});
						}
					},
					// Not finalized (the node died, refused it or was slow): the chain says
					// which nonce comes next.
					_ => nonce = None,
				}
			}
		}));
	}
	tokio::time::sleep(load).await;
	stop.store(true, Ordering::Relaxed);
	node.kill();
	let deadline = Instant::now() + SENDERS_STOP;
	for sender in senders {
		let left = deadline.saturating_duration_since(Instant::now());
		let abort = sender.abort_handle();
		if tokio::time::timeout(left, sender).await.is_err() {
			abort.abort();
		}
	}
	let found = found.lock().map(|found| found.clone()).unwrap_or_default();
	found
}

fn print_summary(report: &CrashReport, path: &Path) {
	println!(
		"crash test, {}: {} SIGKILLs under load, {} transfers finalized, lost {} blocks ({} transfers), {} height regressions, restart median {} ms, max {} ms, {:.0} s",
		report.database.name(),
		report.kills,
		report.transfers_finalized,
		report.lost_blocks,
		report.lost_transfers,
		report.height_regressions,
		report.median_restart_ms,
		report.max_restart_ms,
		report.seconds
	);
	for problem in &report.problems {
		println!("  problem: {problem}");
	}
	println!("report: {}", path.display());
}

#[cfg(test)]
mod tests {
	use super::*;

	fn seen(sender: usize, height: u64) -> SeenTransfer {
		SeenTransfer { sender, height, hash: [height as u8; 32] }
	}

	#[test]
	fn the_ledger_holds_when_the_destination_gained_one_unit_per_nonce() {
		assert!(ledger_problems(1, &[2, 1], 100, 103, &[seen(0, 3), seen(0, 4), seen(1, 4)]).is_empty());
	}

	#[test]
	fn a_destination_out_of_step_with_the_nonces_is_a_problem() {
		let problems = ledger_problems(1, &[2, 1], 100, 102, &[]);
		assert_eq!(problems.len(), 1);
		assert!(problems[0].contains("plus 3 transfers"), "{problems:?}");
	}

	#[test]
	fn more_finalized_transfers_than_the_nonce_counts_is_a_problem() {
		let problems = ledger_problems(2, &[1, 0], 100, 101, &[seen(0, 3), seen(0, 4)]);
		assert_eq!(problems, vec!["cycle 2: sender 0 has 2 transfers in finalized blocks but nonce 1".to_owned()]);
	}

	#[test]
	fn the_load_durations_follow_the_seed_within_their_bounds() {
		let draw = |seed| {
			let mut rng = SplitMix64(seed);
			(0..50).map(|_| rng.duration(LOAD_MIN, LOAD_MAX)).collect::<Vec<_>>()
		};
		let first = draw(1);
		assert_eq!(first, draw(1));
		assert_ne!(first, draw(2));
		assert!(first.iter().all(|load| *load >= LOAD_MIN && *load < LOAD_MAX));
	}
}
