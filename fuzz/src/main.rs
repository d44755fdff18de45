//! `medchain-fuzz`: the runtime fuzzer's command line (see the crate docs of `medchain_fuzz` and
//! `scripts/fuzz.sh`).
//!
//! ```text
//! medchain-fuzz soak [--seconds 600] [--seed 1] [--corpus DIR]... [--crashes DIR]
//!                    [--save-corpus DIR] [--report FILE]
//! medchain-fuzz run FILE...
//! ```
//!
//! Exit codes: 0 nothing found, 1 an invariant broke or the runtime panicked (the input is saved
//! under `--crashes`), 2 the fuzzer could not start (bad arguments, the setup state failed).

use clap::{Parser, Subcommand};
use codec::DecodeLimit;
use medchain_fuzz::{
	encode_steps, inputs_in,
	generate::{below, chance},
	Harness, Outcome, MAX_DECODE_DEPTH, ROOT_ORIGIN,
};
use medchain_runtime::RuntimeCall;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use serde_json::json;
use std::{
	collections::{BTreeMap, BTreeSet},
	fs,
	path::{Path, PathBuf},
	process::ExitCode,
	time::{Duration, Instant},
};

#[derive(Parser)]
#[command(name = "medchain-fuzz", about = "Fuzzes medchain's runtime with invariant checks after every block.")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Replays the corpora, then runs generated inputs for a while.
	Soak {
		/// How long to generate inputs after the replay, in seconds.
		#[arg(long, default_value_t = 600)]
		seconds: u64,
		/// Seed of the generator (the same seed makes the same inputs).
		#[arg(long, default_value_t = 1)]
		seed: u64,
		/// Folders of inputs to replay first, each must pass (the committed corpus).
		#[arg(long)]
		corpus: Vec<PathBuf>,
		/// Where inputs that find something are saved; its inputs are replayed first too.
		#[arg(long, default_value = "target/fuzz/crashes")]
		crashes: PathBuf,
		/// Saves each generated input that made a call succeed for the first time here.
		#[arg(long)]
		save_corpus: Option<PathBuf>,
		/// Writes the run's figures as JSON here.
		#[arg(long)]
		report: Option<PathBuf>,
	},
	/// Runs the given input files and prints what each did.
	Run {
		#[arg(required = true)]
		files: Vec<PathBuf>,
	},
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let harness = match Harness::new() {
		Ok(harness) => harness,
		Err(error) => {
			eprintln!("medchain-fuzz: the setup state could not be built: {error}");
			return ExitCode::from(2);
		},
	};
	match cli.command {
		Command::Soak { seconds, seed, corpus, crashes, save_corpus, report } => {
			let options = SoakOptions { seconds, seed, corpus, crashes, save_corpus, report };
			match soak(&harness, &options) {
				Ok(true) => ExitCode::SUCCESS,
				Ok(false) => ExitCode::from(1),
				Err(error) => {
					eprintln!("medchain-fuzz: {error}");
					ExitCode::from(2)
				},
			}
		},
		Command::Run { files } => {
			let mut clean = true;
			for file in files {
				let bytes = match fs::read(&file) {
					Ok(bytes) => bytes,
					Err(error) => {
						eprintln!("medchain-fuzz: {}: {error}", file.display());
						return ExitCode::from(2);
					},
				};
				let outcome = harness.run(&bytes);
				print_outcome(&file, &outcome);
				clean &= !outcome.failed();
			}
			if clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
		},
	}
}

fn print_outcome(file: &Path, outcome: &Outcome) {
	println!("{}: {} calls in {} blocks", file.display(), outcome.dispatched.len(), outcome.blocks);
	for dispatched in &outcome.dispatched {
		let result = dispatched.error.as_deref().unwrap_or("ok");
		println!("  {}.{}: {result}", dispatched.pallet, dispatched.call);
	}
	for violation in &outcome.violations {
		println!("  VIOLATION {violation}");
	}
	if let Some(panic) = &outcome.panic {
		println!("  PANIC {panic}");
	}
}

struct SoakOptions {
	seconds: u64,
	seed: u64,
	corpus: Vec<PathBuf>,
	crashes: PathBuf,
	save_corpus: Option<PathBuf>,
	report: Option<PathBuf>,
}

/// Counts of one call.
#[derive(Default)]
struct CallCount {
	dispatched: u64,
	succeeded: u64,
	errors: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Totals {
	inputs: u64,
	extrinsics: u64,
	blocks: u64,
	calls: BTreeMap<(String, String), CallCount>,
	findings: Vec<String>,
}

impl Totals {
	/// Adds an outcome; true if some call succeeded for the first time.
	fn add(&mut self, outcome: &Outcome) -> bool {
		self.inputs += 1;
		self.blocks += outcome.blocks;
		self.extrinsics += outcome.dispatched.len() as u64;
		let mut new = false;
		for dispatched in &outcome.dispatched {
			let count = self.calls.entry((dispatched.pallet.to_string(), dispatched.call.to_string())).or_default();
			count.dispatched += 1;
			if dispatched.ok {
				new |= count.succeeded == 0;
				count.succeeded += 1;
			} else if let Some(error) = &dispatched.error {
				*count.errors.entry(error.clone()).or_default() += 1;
			}
		}
		new
	}
}

/// One generated input: up to 32 steps, a new block for about one in four.
fn generate_input(harness: &Harness, rng: &mut ChaCha8Rng) -> Vec<u8> {
	let steps = 1 + below(rng, 32);
	let mut encoded = Vec::with_capacity(steps);
	for _ in 0..steps {
		let lapse = if chance(rng, 1, 4) { 1 + below(rng, 3) as u8 } else { 0 };
		let origin = if chance(rng, 1, 16) {
			ROOT_ORIGIN + below(rng, usize::from(u8::MAX - ROOT_ORIGIN) + 1) as u8
		} else {
			below(rng, harness.cast_size()) as u8
		};
		// A draw that does not decode as a whole call (a bound exceeded) is drawn again.
		for _ in 0..8 {
			let call = harness.generator().call(rng);
			let mut rest = &call[..];
			if RuntimeCall::decode_with_depth_limit(MAX_DECODE_DEPTH, &mut rest).is_ok() && rest.is_empty() {
				encoded.push((lapse, origin, call));
				break;
			}
		}
	}
	encode_steps(&encoded)
}

fn save(folder: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
	fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
	let name = hex(&sp_io::hashing::blake2_128(bytes));
	let path = folder.join(name);
	fs::write(&path, bytes).map_err(|error| format!("{}: {error}", path.display()))?;
	Ok(path)
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn describe(outcome: &Outcome) -> String {
	match (&outcome.panic, outcome.violations.first()) {
		(Some(panic), _) => format!("panic: {panic}"),
		(None, Some(violation)) => violation.to_string(),
		(None, None) => "nothing".into(),
	}
}

/// Returns whether the run was clean.
fn soak(harness: &Harness, options: &SoakOptions) -> Result<bool, String> {
	let started = Instant::now();
	let mut totals = Totals::default();
	let mut replayed = 0u64;
	let mut folders = options.corpus.clone();
	folders.push(options.crashes.clone());
	for folder in &folders {
		for file in inputs_in(folder)? {
			let bytes = fs::read(&file).map_err(|error| format!("{}: {error}", file.display()))?;
			let outcome = harness.run(&bytes);
			totals.add(&outcome);
			replayed += 1;
			if outcome.failed() {
				let finding = format!("{} (replayed): {}", file.display(), describe(&outcome));
				println!("[fuzz] FOUND {finding}");
				totals.findings.push(finding);
			}
		}
	}
	let replay_seconds = started.elapsed().as_secs_f64();
	println!("[fuzz] replayed {replayed} inputs in {replay_seconds:.1} s");

	let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
	let deadline = Instant::now() + Duration::from_secs(options.seconds);
	let mut next_progress = Instant::now() + Duration::from_secs(60);
	let mut saved = 0u64;
	let mut kinds = BTreeSet::new();
	while Instant::now() < deadline {
		let bytes = generate_input(harness, &mut rng);
		let outcome = harness.run(&bytes);
		let new = totals.add(&outcome);
		if outcome.failed() {
			let kind = match (&outcome.panic, outcome.violations.first()) {
				(Some(panic), _) => panic.lines().next().unwrap_or_default().to_string(),
				(None, Some(violation)) => format!("{}: {}", violation.kind, violation.detail),
				(None, None) => String::new(),
			};
			if kinds.insert(kind) {
				let path = save(&options.crashes, &bytes)?;
				let finding = format!("{}: {}", path.display(), describe(&outcome));
				println!("[fuzz] FOUND {finding}");
				totals.findings.push(finding);
			}
		} else if new {
			if let Some(folder) = &options.save_corpus {
				save(folder, &bytes)?;
				saved += 1;
			}
		}
		if Instant::now() >= next_progress {
			println!(
				"[fuzz] {:>5.0} s: {} inputs, {} extrinsics, {} blocks, {} findings",
				started.elapsed().as_secs_f64(),
				totals.inputs,
				totals.extrinsics,
				totals.blocks,
				totals.findings.len()
			);
			next_progress += Duration::from_secs(60);
		}
	}
	report(harness, &totals, options, started.elapsed(), replayed, saved)?;
	Ok(totals.findings.is_empty())
}

fn report(
	harness: &Harness,
	totals: &Totals,
	options: &SoakOptions,
	elapsed: Duration,
	replayed: u64,
	saved: u64,
) -> Result<(), String> {
	let medchain = harness.medchain_calls();
	let reached: Vec<&(String, String)> = medchain
		.iter()
		.filter(|call| totals.calls.get(*call).is_some_and(|count| count.succeeded > 0))
		.collect();
	let never: Vec<String> = medchain
		.iter()
		.filter(|call| !reached.contains(call))
		.map(|(pallet, call)| format!("{pallet}.{call}"))
		.collect();
	let mut per_pallet: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
	for ((pallet, _), count) in &totals.calls {
		let entry = per_pallet.entry(pallet.as_str()).or_default();
		entry.0 += count.dispatched;
		entry.1 += count.succeeded;
	}
	let seconds = elapsed.as_secs_f64();
	println!("[fuzz] {seconds:.0} s, seed {}: {} inputs ({replayed} replayed), {} extrinsics ({:.0}/s), {} blocks",
		options.seed, totals.inputs, totals.extrinsics, totals.extrinsics as f64 / seconds.max(1e-9), totals.blocks);
	println!("[fuzz] per pallet: dispatched / succeeded");
	for (pallet, (dispatched, succeeded)) in &per_pallet {
		println!("[fuzz]   {pallet:<20} {dispatched:>9} / {succeeded}");
	}
	println!(
		"[fuzz] medchain calls that succeeded at least once: {} of {} ({:.0}%)",
		reached.len(),
		medchain.len(),
		100.0 * reached.len() as f64 / (medchain.len().max(1)) as f64
	);
	if !never.is_empty() {
		println!("[fuzz]   never succeeded: {}", never.join(", "));
	}
	println!("[fuzz] findings: {}", totals.findings.len());
	for finding in &totals.findings {
		println!("[fuzz]   {finding}");
	}
	if let Some(path) = &options.report {
		let calls: Vec<_> = totals
			.calls
			.iter()
			.map(|((pallet, call), count)| {
				let mut errors: Vec<_> = count.errors.iter().collect();
				errors.sort_by(|a, b| b.1.cmp(a.1));
				errors.truncate(3);
				json!({
					"pallet": pallet,
					"call": call,
					"dispatched": count.dispatched,
					"succeeded": count.succeeded,
					"top_errors": errors.iter().map(|(error, n)| json!({"error": error, "count": n})).collect::<Vec<_>>(),
				})
			})
			.collect();
		let document = json!({
			"seconds": seconds,
			"seed": options.seed,
			"inputs": totals.inputs,
			"replayed": replayed,
			"extrinsics": totals.extrinsics,
			"blocks": totals.blocks,
			"medchain_calls": medchain.len(),
			"medchain_calls_succeeded": reached.len(),
			"never_succeeded": never,
			"saved_to_corpus": saved,
			"findings": totals.findings,
			"calls": calls,
		});
		if let Some(parent) = path.parent() {
			fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
		}
		fs::write(path, serde_json::to_string_pretty(&document).unwrap_or_default())
			.map_err(|error| format!("{}: {error}", path.display()))?;
	}
	Ok(())
}
