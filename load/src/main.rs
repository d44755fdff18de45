//! `medchain-load`: measures medchain against plain transfers in one run.
//!
//! It starts its own `medchain-node` (dev mode, a genesis with thousands of funded accounts
//! and the participants the series need), signs every transaction before the measured window
//! (immortal, explicit nonces), submits without waiting over several WebSocket connections with
//! about two blocks in flight, and counts what the chain included block by block. Each series'
//! round follows a round of transfers in the same node process: the ratio of the two rates is
//! the figure that survives a noisy machine. It also loads the runtime APIs through
//! `state_call` at several concurrencies. See `docs/performance.md`.
//!
//! With `--populate N` the genesis also holds a synthetic state of N records (with N / 10
//! consents and N / 1,000 lots of 10,000 packs); `medchain-load growth SMALL LARGE` compares two
//! such runs: how each series' and query's cost grows with the state.
//!
//! ```text
//! medchain-load --node target/release/medchain-node [--quick] [--series a,b] [--out DIR] [--populate N]
//! medchain-load growth SMALL/load.json LARGE/load.json [--out DIR]
//! medchain-load crash --node target/release/medchain-node [--database rocksdb|paritydb] [--kills 20]
//! ```
//!
//! `crash` SIGKILLs a node under load again and again and checks each restart (see
//! [`crash`] and `docs/reliability.md`).

mod accounts;
mod crash;
mod growth;
mod hostile;
mod node;
mod population;
mod queries;
mod report;
mod seeded;
mod series;
mod submit;
mod vault;
mod vault_crash;
mod watch;

use accounts::{Accounts, Counts};
use clap::Parser;
use codec::{Decode, Encode};
use frame_support::dispatch::DispatchClass;
use frame_system::limits::{BlockLength, BlockWeights};
use medchain_client::{chain::Chain, cli::supply::verify_unit_args};
use medchain_primitives::stats::StudyId;
use node::{Node, NodeOptions};
use population::Populated;
use report::{Capacity, LatencyReport, Ratio, RoundReport, SeriesReport};
use serde_json::json;
use series::{Batch, Series, Workload};
use std::{
	collections::HashMap,
	path::PathBuf,
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use submit::{Latency, Submitter};
use subxt::rpcs::client::RpcParams;
use watch::Watcher;

/// Transactions per round of a full run and of a quick one.
const PER_ROUND: usize = 4_000;
const QUICK_PER_ROUND: usize = 200;
/// Transactions per provider, manufacturer and dispenser in a round.
const PER_PARTICIPANT: usize = 8;

/// Measures medchain's throughput, latency and runtime-API speed against plain transfers.
#[derive(Parser, Debug)]
#[command(name = "medchain-load", version, args_conflicts_with_subcommands = true)]
struct Args {
	#[command(subcommand)]
	command: Option<Command>,
	/// The `medchain-node` binary to start.
	#[arg(long, required = true)]
	node: Option<PathBuf>,
	/// A short run (a few hundred transactions per round, one repetition): checks that
	/// every series works and the report is complete, not a measurement.
	#[arg(long)]
	quick: bool,
	/// The series to run, comma separated (default: all). The transfer baseline runs before
	/// each of them anyway.
	#[arg(long, value_delimiter = ',')]
	series: Vec<String>,
	/// Where `load.json`, `load.svg` and the node's log go.
	#[arg(long, default_value = "target/load")]
	out: PathBuf,
	/// The dev node's block time in milliseconds.
	#[arg(long, default_value_t = 1000)]
	block_time: u64,
	/// Transactions per round (default 4,000; 200 with --quick).
	#[arg(long)]
	per_round: Option<usize>,
	/// Rounds of each series (default 3; 1 with --quick).
	#[arg(long)]
	repetitions: Option<usize>,
	/// Transactions per provider, manufacturer and dispenser in a round (default 8).
	#[arg(long, default_value_t = PER_PARTICIPANT)]
	per_participant: usize,
	/// WebSocket connections that submit.
	#[arg(long, default_value_t = 4)]
	connections: usize,
	/// Calls per runtime-API query and concurrency (default 5,000; 200 with --quick).
	#[arg(long)]
	query_calls: Option<usize>,
	/// An extra argument for the node, e.g. `--node-arg=--pool-type=single-state` (repeat
	/// for more).
	#[arg(long = "node-arg", allow_hyphen_values = true)]
	node_args: Vec<String>,
	/// The `medchain-vault` binary: also measures the vault (reads at 1, 16 and 64 concurrent
	/// readers, uploads).
	#[arg(long)]
	vault: Option<PathBuf>,
	/// A genesis that also holds N synthetic records, N / 10 consents and N / 1,000 lots of
	/// 10,000 packs (1,000 records and 50 consents per synthetic patient), and queries into it.
	#[arg(long, value_name = "N")]
	populate: Option<u32>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
	/// Compares a run on a small and on a large `--populate`: the cost ratio large / small of
	/// every series and query both ran; writes DIR/growth.json and prints a table.
	Growth {
		/// `load.json` of the run on the small state.
		small: PathBuf,
		/// `load.json` of the run on the large state.
		large: PathBuf,
		/// Where `growth.json` goes.
		#[arg(long, default_value = "target/load")]
		out: PathBuf,
	},
	/// SIGKILLs a dev node under a stream of transfers, restarts it on the same database, and
	/// checks every restart: it answers, keeps what it reported finalized, its ledger agrees
	/// with its nonces and it includes transactions again; writes DIR/crash-<database>.json.
	Crash {
		/// The `medchain-node` binary.
		#[arg(long)]
		node: PathBuf,
		/// The database backend.
		#[arg(long, value_enum, default_value_t = crash::Database::Rocksdb)]
		database: crash::Database,
		/// How many times the node is killed (it is started one more time, then stopped).
		#[arg(long, default_value_t = 20)]
		kills: usize,
		/// The dev node's block time in milliseconds.
		#[arg(long, default_value_t = 500)]
		block_time: u64,
		/// Seeds how long the load runs before each kill (1.5 to 6 s).
		#[arg(long, default_value_t = 1)]
		seed: u64,
		/// Where the report and the node's logs go.
		#[arg(long, default_value = "target/crash")]
		out: PathBuf,
	},
	/// SIGKILLs a `medchain-vault` under uploads, envelope writes, erasures and reads, restarts
	/// it on its data directory each time and checks that nothing acknowledged is lost, nothing
	/// erased comes back, nothing partial is served, and `audit.jsonl` agrees with the chain's
	/// access log; writes DIR/vault-crash.json.
	VaultCrash {
		/// The `medchain-node` binary (a dev node the vault works on; it is not killed).
		#[arg(long)]
		node: PathBuf,
		/// The `medchain-vault` binary.
		#[arg(long)]
		vault: PathBuf,
		/// How many times the vault is killed.
		#[arg(long, default_value_t = 20)]
		kills: usize,
		/// Seeds the traffic and how long it runs before each kill (1.5 to 5 s).
		#[arg(long, default_value_t = 1)]
		seed: u64,
		/// Where the report and the logs go.
		#[arg(long, default_value = "target/crash")]
		out: PathBuf,
	},
	/// Sends hostile submissions to a dev node's `author_submitExtrinsic` (random bytes,
	/// truncated, oversized, bad signatures, wrong chain or version, stale nonces, calls past
	/// their bounds, ...) and checks each is refused, the node keeps producing blocks and none
	/// enters a block; writes DIR/hostile.json.
	Hostile {
		/// The `medchain-node` binary.
		#[arg(long)]
		node: PathBuf,
		/// How many submissions.
		#[arg(long, default_value_t = 100_000)]
		count: usize,
		/// Seeds the random parts of each submission.
		#[arg(long, default_value_t = 1)]
		seed: u64,
		/// RPC connections used at once.
		#[arg(long, default_value_t = 16)]
		concurrency: usize,
		/// Where the report and the node's log go.
		#[arg(long, default_value = "target/hostile")]
		out: PathBuf,
	},
	/// Writes the chain spec a run with `--populate N` starts its node on (the load's accounts
	/// for the default round and the synthetic state) to DIR/load-spec.json, e.g. for
	/// `medchain-node benchmark storage` on a state of that size.
	Spec {
		/// The `medchain-node` binary whose dev spec is extended.
		#[arg(long)]
		node: PathBuf,
		/// Synthetic records (see `--populate` of a run).
		#[arg(long, value_name = "N")]
		populate: Option<u32>,
		/// Where `load-spec.json` goes.
		#[arg(long, default_value = "target/load")]
		out: PathBuf,
	},
}

/// Everything a round needs.
struct Bench {
	node: Node,
	chain: Chain,
	watcher: Watcher,
	submitter: Submitter,
	block_time_s: f64,
	weights: BlockWeights,
	length: BlockLength,
	/// The normal class's share of a block (`max_total`, or the whole block if unset).
	normal_limit: frame_support::weights::Weight,
	capacities: HashMap<Series, Capacity>,
}

/// What one submitted round did.
struct RoundOutcome {
	report: RoundReport,
	points: Vec<report::BlockPoint>,
	samples: Vec<Latency>,
	blocks: Vec<watch::ObservedBlock>,
}

impl Bench {
	/// Weight and length of `transaction` from the runtime, and how many fit in a block.
	async fn capacity(&self, transaction: &[u8]) -> Result<Capacity, String> {
		let mut args = transaction.to_vec();
		args.extend((transaction.len() as u32).encode());
		// RuntimeDispatchInfo { weight, class, partial_fee }
		let (weight, _class, _fee): (frame_support::weights::Weight, DispatchClass, u128) = self
			.chain
			.runtime_call("TransactionPaymentApi_query_info", &args)
			.await
			.map_err(|error| error.to_string())?;
		let (limit, normal) = (self.normal_limit, self.weights.get(DispatchClass::Normal));
		let per = weight.saturating_add(normal.base_extrinsic);
		let by_ref_time = limit.ref_time() / per.ref_time().max(1);
		let by_proof_size = if per.proof_size() == 0 { u64::MAX } else { limit.proof_size() / per.proof_size() };
		let by_length = u64::from(*self.length.max.get(DispatchClass::Normal)) / (transaction.len() as u64).max(1);
		let (per_block, binding) = [(by_ref_time, "ref_time"), (by_proof_size, "proof_size"), (by_length, "length")]
			.into_iter()
			.min_by_key(|(count, _)| *count)
			.unwrap_or((0, "ref_time"));
		Ok(Capacity {
			weight_ref_time_us: weight.ref_time() as f64 / 1e6,
			weight_proof_bytes: weight.proof_size(),
			length_bytes: transaction.len() as u64,
			by_ref_time,
			by_proof_size,
			by_length,
			per_block,
			binding,
			per_second_dev: per_block as f64 / self.block_time_s,
			per_second_parachain_6s: per_block as f64 / 6.0,
			per_second_elastic_2s: per_block as f64 / 2.0,
		})
	}

	/// Submits `batch` and waits until the chain holds all that the node accepted (or two
	/// minutes pass without progress), then counts the round from the blocks.
	async fn round(&self, batch: Batch, repetition: usize, window: usize, samples: usize) -> Result<RoundOutcome, String> {
		let call = batch.call.clone();
		let sent = batch.transactions.len() as u64;
		let before = self.watcher.total(&call);
		let head = self.watcher.head();
		let cpu_at_start = self.node.cpu_micros();
		let sample_every = if samples == 0 { 0 } else { (batch.transactions.len() / samples).max(1) };
		let submission =
			self.submitter.submit(batch.transactions, window, sample_every, &self.watcher, &call, before, head).await?;
		let mut last_progress = (self.watcher.total(&call), Instant::now());
		while self.watcher.total(&call) - before < submission.accepted {
			self.watcher.next_block(Duration::from_secs(1)).await?;
			let total = self.watcher.total(&call);
			if total != last_progress.0 {
				last_progress = (total, Instant::now());
			} else if last_progress.1.elapsed() > Duration::from_secs(30) {
				// Thirty blocks without one more: what is missing is not coming.
				let pending: Vec<serde_json::Value> = self
					.submitter
					.client(0)
					.request("author_pendingExtrinsics", RpcParams::new())
					.await
					.unwrap_or_default();
				eprintln!(
					"[load] {}.{}: {} of {} accepted not included after 30 s without progress; the pool holds {} transactions",
					call.0,
					call.1,
					submission.accepted - (total - before),
					submission.accepted,
					pending.len()
				);
				break;
			}
		}
		let blocks = self.watcher.blocks_after(head);
		let (counts, points) =
			report::round_figures(&blocks, &call, self.block_time_s, cpu_at_start, self.normal_limit);
		let report = RoundReport {
			repetition,
			sent,
			accepted: submission.accepted,
			refused: submission.refused,
			refusals: submission.refusals,
			chain: counts,
			submit_seconds: submission.submit_seconds,
			latency: LatencyReport::of(&submission.samples),
		};
		Ok(RoundOutcome { report, points, samples: submission.samples, blocks })
	}

	/// An unmeasured round (the chain state a series needs): every transaction must succeed.
	async fn setup(&self, batch: Batch) -> Result<Vec<watch::ObservedBlock>, String> {
		let name = format!("{}.{}", batch.call.0, batch.call.1);
		let count = batch.transactions.len();
		let outcome = self.round(batch, 0, 4_096, 0).await?;
		let report = &outcome.report;
		if report.chain.succeeded != count as u64 {
			return Err(format!(
				"setup {name}: {} of {count} succeeded (refusals {:?}, failures {:?})",
				report.chain.succeeded, report.refusals, report.chain.failures
			));
		}
		eprintln!("[load] setup {name}: {count} in blocks {}-{}", report.chain.first_block, report.chain.last_block);
		Ok(outcome.blocks)
	}
}

/// The rounds of one series so far.
#[derive(Default)]
struct Collected {
	rounds: Vec<RoundReport>,
	points: Vec<report::BlockPoint>,
	samples: Vec<Latency>,
	ratios: Vec<f64>,
}

#[tokio::main]
async fn main() {
	let mut args = Args::parse();
	let outcome = match args.command.take() {
		Some(Command::Growth { small, large, out }) => growth::run(&small, &large, &out),
		Some(Command::Spec { node, populate, out }) => write_spec_only(&node, populate, &out),
		Some(Command::Crash { node, database, kills, block_time, seed, out }) =>
			crash::run(crash::CrashOptions { binary: node, database, kills, block_time_ms: block_time, seed, out })
				.await,
		Some(Command::VaultCrash { node, vault, kills, seed, out }) =>
			vault_crash::run(vault_crash::VaultCrashOptions { node, vault, kills, seed, out }).await,
		Some(Command::Hostile { node, count, seed, concurrency, out }) =>
			hostile::run(hostile::HostileOptions { binary: node, count, seed, concurrency, out }).await,
		None => run(args).await,
	};
	match outcome {
		Ok(true) => {},
		Ok(false) => std::process::exit(1),
		Err(error) => {
			eprintln!("[load] error: {error}");
			std::process::exit(2);
		},
	}
}

/// `medchain-load spec`: the spec of a default run with `--populate`, nothing started.
fn write_spec_only(binary: &std::path::Path, populate: Option<u32>, out: &std::path::Path) -> Result<bool, String> {
	std::fs::create_dir_all(out).map_err(|error| format!("{}: {error}", out.display()))?;
	let accounts = Accounts::derive(Counts::for_round(PER_ROUND, PER_PARTICIPANT))?;
	let vault = vault::vault_account()?;
	let spec = node::write_spec(binary, out, &accounts, Some(&vault), populate.map(Populated::of).as_ref())?;
	println!("{}", spec.display());
	Ok(true)
}

/// Runs the load; `Ok(false)` if the run finished but a check failed.
async fn run(args: Args) -> Result<bool, String> {
	let per_round = args.per_round.unwrap_or(if args.quick { QUICK_PER_ROUND } else { PER_ROUND });
	let repetitions = args.repetitions.unwrap_or(if args.quick { 1 } else { 3 }).max(1);
	let query_calls = args.query_calls.unwrap_or(if args.quick { 200 } else { 5_000 });
	let per_participant = args.per_participant.max(1);
	let selected: Vec<Series> = if args.series.is_empty() {
		Series::ALL.to_vec()
	} else {
		let mut chosen = Vec::new();
		for name in &args.series {
			chosen.push(Series::from_name(name).ok_or_else(|| {
				let names: Vec<_> = Series::ALL.iter().map(|s| s.name()).collect();
				format!("no series {name:?}; the series are {}", names.join(", "))
			})?);
		}
		// In the run's order, whatever the order given.
		Series::ALL.into_iter().filter(|s| chosen.contains(s)).collect()
	};
	std::fs::create_dir_all(&args.out).map_err(|error| format!("{}: {error}", args.out.display()))?;
	let work = tempfile::Builder::new()
		.prefix("medchain-load-")
		.tempdir_in(&args.out)
		.map_err(|error| error.to_string())?;

	let started = Instant::now();
	let binary = args.node.clone().ok_or("--node is required")?;
	let accounts = Accounts::derive(Counts::for_round(per_round, per_participant))?;
	let account_count = accounts.all().count();
	let populated = args.populate.map(Populated::of);
	let vault_account = args.vault.is_some().then(vault::vault_account).transpose()?;
	let spec = node::write_spec(&binary, work.path(), &accounts, vault_account.as_ref(), populated.as_ref())?;
	eprintln!(
		"[load] genesis with {account_count} load accounts{}; starting {}",
		populated.map_or(String::new(), |p| format!(
			", {} synthetic records, {} consents, {} lots with {} packs",
			p.records, p.consents, p.lots, p.packs()
		)),
		binary.display()
	);
	// A synthetic genesis is built when the node starts: about a minute per million records
	// on this machine type, a generous bound here.
	let start_timeout = Duration::from_secs(120 + u64::from(args.populate.unwrap_or(0)) / 1_000);
	let options = NodeOptions {
		binary: binary.clone(),
		start_timeout,
		block_time_ms: args.block_time,
		dir: work.path().to_owned(),
		log: args.out.join("node.log"),
		extra_args: args.node_args.clone(),
	};
	let (node, chain) = Node::start(&options, &spec).await?;
	eprintln!("[load] node {} answers on {} after {:.1} s", node.pid(), node.url, started.elapsed().as_secs_f64());
	let watcher = Watcher::start(&chain, node.pid()).await?;
	let submitter = Submitter::connect(&node.url, args.connections).await?;
	let at = chain.subxt().at_current_block().await.map_err(|error| error.to_string())?;
	let decode_constant = |name: &str| {
		at.constants().entry_bytes(("System", name)).map_err(|error| format!("System.{name}: {error}"))
	};
	let weights = BlockWeights::decode(&mut &decode_constant("BlockWeights")?[..]).map_err(|e| e.to_string())?;
	let length = BlockLength::decode(&mut &decode_constant("BlockLength")?[..]).map_err(|e| e.to_string())?;
	let spec_version = at.spec_version();
	let normal_limit = weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block);
	let mut bench = Bench {
		node,
		chain,
		watcher,
		submitter,
		block_time_s: args.block_time as f64 / 1000.0,
		weights,
		length,
		normal_limit,
		capacities: HashMap::new(),
	};
	let mut workload = Workload::new(&bench.chain, accounts, per_round, per_participant, repetitions).await?;
	bench.watcher.wait_blocks(1, Duration::from_secs(60)).await?;

	// Idle latency: one transfer at a time on an empty chain.
	let idle_count = if args.quick { 5 } else { 20 };
	let mut idle = Vec::new();
	for transaction in workload.transfers(idle_count)? {
		let hex = format!("0x{}", hex::encode(&transaction));
		idle.push(submit::watch_one(&bench.submitter.client(0), hex).await?);
	}
	let idle_latency = LatencyReport::of(&idle);

	// Stock for the supply series and pack checks.
	for batch in workload.supply_setup()? {
		bench.setup(batch).await?;
	}

	let mut collected: HashMap<Series, Collected> = HashMap::new();
	let sample_count = if args.quick { 5 } else { 20 };
	for repetition in 0..repetitions {
		for &series in &selected {
			// What the series needs from earlier ones, unmeasured.
			while let Some(needed) = workload.missing(series) {
				let batch = workload.build(needed)?;
				let blocks = bench.setup(batch).await?;
				workload.observe(needed, &blocks)?;
			}
			if series == Series::Contribute {
				if let Some(batch) = workload.research_consent_setup()? {
					bench.setup(batch).await?;
				}
				let id: StudyId = bench
					.chain
					.storage::<StudyId>("EncryptedStats", "NextStudyId", &[])
					.await
					.map_err(|error| error.to_string())?
					.unwrap_or(0);
				let now = bench.watcher.head() as u32;
				let blocks = bench.setup(workload.open_study_with_id(id, now)?).await?;
				let opened = watch::events_of::<(StudyId,)>(&blocks, "EncryptedStats", "StudyOpened")?;
				if opened.first().map(|(opened,)| *opened) != Some(id) {
					return Err(format!("study {id} did not open as expected: {opened:?}"));
				}
			}
			// Both batches signed before either round: the pair runs back to back.
			let baseline = (series != Series::Transfer).then(|| workload.build(Series::Transfer)).transpose()?;
			let batch = workload.build(series)?;
			for (kind, batch) in baseline.map(|b| (Series::Transfer, b)).into_iter().chain([(series, batch)]) {
				if !bench.capacities.contains_key(&kind) {
					let sample = batch.transactions.first().ok_or("an empty batch")?;
					let capacity = bench.capacity(sample).await?;
					bench.capacities.insert(kind, capacity);
				}
				let per_block = bench.capacities[&kind].per_block as usize;
				let window = (2 * per_block).clamp(64, 20_000);
				let count = batch.transactions.len();
				let outcome = bench.round(batch, repetition, window, sample_count).await?;
				workload.observe(kind, &outcome.blocks)?;
				let r = &outcome.report.chain;
				eprintln!(
					"[load] {:>16} #{repetition}: {}/{count} included, {} ok, {:.0}/s, {:.0} per block (max {}), blocks {}-{}{}",
					kind.name(), r.included, r.succeeded, r.rate_per_second, r.per_block_mean, r.per_block_max, r.first_block, r.last_block,
					match outcome.report.refused {
						0 => String::new(),
						refused => format!("; {refused} refused: {:?}", outcome.report.refusals),
					}
				);
				if outcome.report.chain.included < count as u64 {
					// Later rounds would wait for the missing nonces: take the chain's.
					workload.resync_nonces(&bench.chain).await?;
				}
				let entry = collected.entry(kind).or_default();
				entry.points.extend(outcome.points);
				entry.samples.extend(outcome.samples);
				entry.rounds.push(outcome.report);
			}
			if series != Series::Transfer {
				let transfer_rate = collected[&Series::Transfer].rounds.last().map_or(0.0, |r| r.chain.rate_per_second);
				let entry = collected.entry(series).or_default();
				let rate = entry.rounds.last().map_or(0.0, |r| r.chain.rate_per_second);
				if transfer_rate > 0.0 {
					entry.ratios.push(rate / transfer_rate);
				}
			}
		}
	}

	// Runtime APIs at one fixed block, against the trivial baseline.
	let head: String = bench
		.submitter
		.client(0)
		.request("chain_getFinalizedHead", RpcParams::new())
		.await
		.map_err(|error| error.to_string())?;
	let patient = workload.accounts.senders[0].id;
	let provider = workload.provider_account(0).ok_or("no provider")?;
	let mut query_list = vec![queries::Query {
		name: "account_nonce",
		method: "AccountNonceApi_account_nonce",
		args: patient.encode(),
	}];
	query_list.push(queries::Query {
		name: "check_access",
		method: "ConsentApi_check_access",
		args: queries::check_access_args(&patient, &provider),
	});
	if let Some((code, proof)) = workload.first_pack() {
		query_list.push(queries::Query {
			name: "verify_unit",
			method: "SupplyChainApi_verify_unit",
			args: verify_unit_args(&code, &proof),
		});
	}
	query_list.push(queries::Query { name: "record", method: "MedicalRecordsApi_record", args: 0u64.encode() });
	if let Some(populated) = &populated {
		query_list.extend(populated.queries()?);
	}
	let mut query_results = Vec::new();
	if query_calls > 0 {
		for concurrency in [1usize, 16, 64] {
			for query in &query_list {
				let result = queries::run(&bench.node.url, query, &head, concurrency, query_calls).await?;
				eprintln!(
					"[load] {:>14} x{concurrency}: {:.0} calls/s, p50 {:.2} ms, p99 {:.2} ms",
					result.name, result.calls_per_second, result.p50_ms, result.p99_ms
				);
				query_results.push(result);
			}
		}
	}
	let vault_report = match &args.vault {
		Some(binary) => Some(measure_vault(&bench, &mut workload, binary, work.path(), &args.out, args.quick).await?),
		None => None,
	};
	let node_args = bench.node.args.clone();
	bench.node.stop();

	// The report, the checks, the chart.
	let mut series_reports = Vec::new();
	let mut problems = Vec::new();
	let order = std::iter::once(Series::Transfer).chain(selected.iter().copied().filter(|s| *s != Series::Transfer));
	for kind in order {
		let Some(entry) = collected.remove(&kind) else { continue };
		for round in &entry.rounds {
			let chain = &round.chain;
			if chain.included != round.sent || chain.succeeded != round.sent || round.refused > 0 {
				problems.push(format!(
					"{} round {}: sent {}, refused {}, included {}, succeeded {} ({:?} {:?})",
					kind.name(), round.repetition, round.sent, round.refused, chain.included, chain.succeeded, round.refusals, chain.failures
				));
			}
		}
		let capacity = bench.capacities.get(&kind).cloned().unwrap_or_default();
		let latency = LatencyReport::of(&entry.samples);
		let mut report = SeriesReport::new(kind.name(), kind.description(), &kind.call(), capacity, entry.rounds, entry.points, latency);
		if !entry.ratios.is_empty() {
			report.ratio_to_transfer = Some(Ratio {
				median: report::median(&entry.ratios),
				min: entry.ratios.iter().copied().fold(f64::INFINITY, f64::min),
				max: entry.ratios.iter().copied().fold(0.0, f64::max),
				pairs: entry.ratios.len(),
			});
		}
		series_reports.push(report);
	}
	if let Some(report) = &vault_report {
		problems.extend(report.problems());
	}
	for query in &query_results {
		if query.errors > 0 || query.calls != query_calls {
			problems.push(format!("{} x{}: {} errors in {} calls", query.name, query.concurrency, query.errors, query.calls));
		}
	}
	let (limit, normal) = (bench.normal_limit, bench.weights.get(DispatchClass::Normal));
	let report = json!({
		"tool": "medchain-load",
		"version": env!("CARGO_PKG_VERSION"),
		"unix_time": SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
		"duration_seconds": started.elapsed().as_secs_f64(),
		"quick": args.quick,
		"machine": machine(),
		"node": { "binary": binary, "args": node_args, "spec_version": spec_version },
		"settings": {
			"block_time_ms": args.block_time,
			"per_round": per_round,
			"repetitions": repetitions,
			"per_participant": per_participant,
			"connections": args.connections,
			"accounts": account_count,
			"query_calls": query_calls,
			"populated": populated,
			"in_flight": "two blocks of the series' capacity (64 to 20,000)",
		},
		"block_limits": {
			"normal_ref_time_us": limit.ref_time() as f64 / 1e6,
			"normal_proof_bytes": limit.proof_size(),
			"normal_length_bytes": *bench.length.max.get(DispatchClass::Normal),
			"base_extrinsic_us": normal.base_extrinsic.ref_time() as f64 / 1e6,
			"max_block_us": bench.weights.max_block.ref_time() as f64 / 1e6,
		},
		"idle_latency": idle_latency,
		"series": series_reports,
		"queries": query_results,
		"vault": vault_report,
		"anchors": report::ANCHORS,
		"checks": { "complete": problems.is_empty(), "problems": problems },
	});
	let json_path = args.out.join("load.json");
	std::fs::write(&json_path, serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?)
		.map_err(|error| format!("{}: {error}", json_path.display()))?;
	let chart_path = args.out.join("load.svg");
	report::chart(&chart_path, &series_reports)?;
	let kept_log = &bench.node.log;
	println!("{}", report::table(&series_reports, &query_results, &idle_latency));
	if let Some(report) = &vault_report {
		println!("{}", report.table());
	}
	println!(
		"[load] {} in {:.0} s: {}, {}, {}",
		if args.quick { "quick run" } else { "run" },
		started.elapsed().as_secs_f64(),
		json_path.display(),
		chart_path.display(),
		kept_log.display()
	);
	if problems.is_empty() {
		Ok(true)
	} else {
		for problem in &problems {
			eprintln!("[load] check failed: {problem}");
		}
		Ok(false)
	}
}

/// What the vault did.
#[derive(serde::Serialize)]
struct VaultReport {
	records: usize,
	reads: Vec<vault::ReadResult>,
	/// Releases the reads should have logged (two per read) and the entries the patients'
	/// access logs gained.
	releases_expected: u64,
	releases_logged: u64,
	uploads: vault::UploadResult,
}

impl VaultReport {
	fn problems(&self) -> Vec<String> {
		let mut problems: Vec<String> = self
			.reads
			.iter()
			.filter(|r| r.errors > 0)
			.map(|r| format!("vault reads x{}: {} of {} failed: {:?}", r.concurrency, r.errors, r.reads, r.first_error))
			.collect();
		if self.releases_logged != self.releases_expected {
			problems.push(format!(
				"vault: {} releases, {} entries in the access logs",
				self.releases_expected, self.releases_logged
			));
		}
		problems
	}

	fn table(&self) -> String {
		let mut out = format!(
			"vault reads (sealed record + envelope, request to plaintext), {} records\n{:>11} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
			self.records, "concurrency", "reads", "reads/s", "p50 ms", "p95 ms", "p99 ms"
		);
		for r in &self.reads {
			out.push_str(&format!(
				"{:>11} {:>7} {:>9.1} {:>9.0} {:>9.0} {:>9.0}\n",
				r.concurrency, r.reads, r.reads_per_second, r.latency.p50_ms, r.latency.p95_ms, r.latency.p99_ms
			));
		}
		out.push_str(&format!(
			"releases logged on chain: {} of {}\nuploads: {} x {} KiB at concurrency {}: {:.1} MB/s",
			self.releases_logged,
			self.releases_expected,
			self.uploads.objects,
			self.uploads.object_bytes / 1024,
			self.uploads.concurrency,
			self.uploads.megabytes_per_second
		));
		out
	}
}

/// Starts the vault on the load's node, stocks it with records of the first senders (each with
/// a key envelope for the provider the sender consented to), reads them back at 1, 16 and 64
/// concurrent readers, checks that every release reached the on-chain access log, and times
/// uploads.
async fn measure_vault(
	bench: &Bench,
	workload: &mut Workload,
	binary: &std::path::Path,
	work: &std::path::Path,
	out: &std::path::Path,
	quick: bool,
) -> Result<VaultReport, String> {
	let vault_account = vault::vault_account()?;
	let running = vault::Vault::start(binary, &bench.node.url, &work.join("vault"), &out.join("vault.log")).await?;
	let client = medchain_client::vault_client::VaultClient::new(&running.url).map_err(|e| e.to_string())?;
	// The providers' consents: the readers must be permitted.
	while let Some(needed) = workload.missing(Series::RecordProvider) {
		let blocks = bench.setup(workload.build(needed)?).await?;
		workload.observe(needed, &blocks)?;
	}
	let count = 64.min(workload.accounts.senders.len());
	let mut uploads = Vec::with_capacity(count);
	let mut registrations = Vec::with_capacity(count);
	for sender in 0..count {
		let reader = workload.provider_account(sender).ok_or("no provider")?;
		let patient = workload.accounts.senders[sender].keypair.clone();
		let plaintext = format!(
			r#"{{"resourceType":"Observation","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"8867-4"}}]}},"valueQuantity":{{"value":{},"unit":"/min"}}}}"#,
			60 + sender % 40
		)
		.into_bytes();
		let upload = vault::upload(&client, &patient, &reader, plaintext).await?;
		registrations.push((sender, upload.hash, upload.locator.clone()));
		uploads.push((sender, reader, upload));
	}
	let blocks = bench.setup(workload.custody_records(&registrations, &vault_account)?).await?;
	let registered: std::collections::HashMap<medchain_client::chain::AccountId, u64> =
		watch::events_of::<(u64, medchain_client::chain::AccountId)>(&blocks, "MedicalRecords", "RecordRegistered")?
			.into_iter()
			.map(|(id, patient)| (patient, id))
			.collect();
	let mut records = Vec::with_capacity(count);
	for (sender, reader, upload) in uploads {
		let patient = workload.accounts.senders[sender].id;
		let id = *registered.get(&patient).ok_or("a vault record was not registered")?;
		let reader = workload
			.accounts
			.providers
			.iter()
			.find(|provider| provider.id == reader)
			.ok_or("no such provider")?
			.keypair
			.clone();
		records.push(vault::Stored { id, hash: upload.hash, plaintext: upload.plaintext, patient, reader });
	}
	let patients: Vec<_> = records.iter().map(|r| r.patient).collect();
	let before = vault::logged(&bench.chain, &patients).await?;
	let records = std::sync::Arc::new(records);
	let reads_each = if quick { 2 } else { 10 };
	let mut reads = Vec::new();
	for concurrency in [1usize, 16, 64] {
		let result = vault::reads(&running.url, records.clone(), concurrency, reads_each).await?;
		eprintln!(
			"[load] vault reads x{concurrency}: {} in {:.1} s, {:.1}/s, p50 {:.0} ms, p99 {:.0} ms{}",
			result.reads,
			result.seconds,
			result.reads_per_second,
			result.latency.p50_ms,
			result.latency.p99_ms,
			result.first_error.as_ref().map_or(String::new(), |e| format!("; {} failed: {e}", result.errors))
		);
		reads.push(result);
	}
	// The access log of the last reads is finalized before their releases: nothing to wait for.
	let after = vault::logged(&bench.chain, &patients).await?;
	let succeeded: usize = reads.iter().map(|r| r.reads - r.errors).sum();
	let owners: Vec<_> = workload.accounts.senders.iter().take(8).map(|a| a.keypair.clone()).collect();
	let (objects, bytes) = if quick { (8, 1 << 20) } else { (64, 1 << 20) };
	let uploads = vault::uploads(&running.url, &owners, objects, bytes, 8).await?;
	eprintln!("[load] vault uploads: {objects} x 1 MiB in {:.1} s, {:.1} MB/s", uploads.seconds, uploads.megabytes_per_second);
	Ok(VaultReport {
		records: records.len(),
		reads,
		releases_expected: 2 * succeeded as u64,
		releases_logged: after.saturating_sub(before),
		uploads,
	})
}

/// The machine, for the report: CPU model, cores, memory.
fn machine() -> serde_json::Value {
	let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
	let model = cpuinfo
		.lines()
		.find(|line| line.starts_with("model name"))
		.and_then(|line| line.split(':').nth(1))
		.map(|model| model.trim().to_owned());
	let memory_kib: Option<u64> = std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|info| info.lines().next().and_then(|line| line.split_whitespace().nth(1)?.parse().ok()));
	json!({
		"cpu": model,
		"cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
		"memory_gib": memory_kib.map(|kib| (kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0),
	})
}
