//! The node under load: a chain spec with the load's accounts at genesis, a `medchain-node`
//! process on free loopback ports with raised pool and RPC limits, and its CPU time.

use crate::{
	accounts::{gln, Accounts, Kind},
	population::Populated,
};
use medchain_client::chain::{ss58, AccountId, Chain};
use serde_json::{json, Value};
use std::{
	fs,
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// How the node is started.
pub struct NodeOptions {
	/// The `medchain-node` binary.
	pub binary: PathBuf,
	/// `--dev-block-time` in milliseconds.
	pub block_time_ms: u64,
	/// Where the spec and the database go (deleted after the run).
	pub dir: PathBuf,
	/// The node's log file (kept).
	pub log: PathBuf,
	/// Arguments added after the load's own.
	pub extra_args: Vec<String>,
	/// How long the node may take to answer (a large synthetic genesis takes minutes).
	pub start_timeout: Duration,
}

/// A running node.
pub struct Node {
	child: Child,
	/// Its WebSocket RPC endpoint.
	pub url: String,
	/// Its log file.
	pub log: PathBuf,
	/// The command line it runs with (for the report).
	pub args: Vec<String>,
}

/// The roles each kind of load account is registered with at genesis (none for senders).
fn roles(kind: Kind) -> &'static [&'static str] {
	match kind {
		Kind::Sender | Kind::KeyHolder => &[],
		Kind::Provider => &["HealthcareOrganization", "Practitioner"],
		Kind::Manufacturer => &["Manufacturer"],
		Kind::Dispenser => &["Dispenser"],
		Kind::Researcher => &["Researcher"],
	}
}

/// The development chain spec of `binary` with every load account endowed as the development
/// accounts are, the load's participants registered, the `vault` endowed and registered as a
/// healthcare organisation, and the synthetic state of `populated`, written to
/// `dir/load-spec.json`.
pub fn write_spec(
	binary: &Path,
	dir: &Path,
	accounts: &Accounts,
	vault: Option<&AccountId>,
	populated: Option<&Populated>,
) -> Result<PathBuf, String> {
	let output = Command::new(binary)
		.args(["build-spec", "--chain", "dev"])
		.stderr(Stdio::null())
		.output()
		.map_err(|error| format!("{}: {error}", binary.display()))?;
	if !output.status.success() {
		return Err(format!("{} build-spec failed with {}", binary.display(), output.status));
	}
	let mut spec: Value = serde_json::from_slice(&output.stdout)
		.map_err(|error| format!("build-spec printed no JSON spec: {error}"))?;
	patch_genesis(&mut spec, accounts, vault)?;
	if let Some(populated) = populated {
		let patch = spec.pointer_mut("/genesis/runtimeGenesis/patch").ok_or("the dev spec has no genesis patch")?;
		merge(patch, populated.genesis_patch());
	}
	spec["id"] = json!("medchain_load");
	spec["name"] = json!("medchain load test");
	let path = dir.join("load-spec.json");
	fs::write(&path, serde_json::to_vec(&spec).map_err(|error| error.to_string())?)
		.map_err(|error| format!("{}: {error}", path.display()))?;
	Ok(path)
}

/// Adds the load's accounts to the genesis patch of `spec`: the balance and the credential of
/// the preset's own entries (its first endowed account, its first participant), so no amount is
/// restated here.
fn patch_genesis(spec: &mut Value, accounts: &Accounts, vault: Option<&AccountId>) -> Result<(), String> {
	let patch = spec
		.pointer_mut("/genesis/runtimeGenesis/patch")
		.ok_or("the dev spec has no genesis patch")?;
	let balances = patch
		.pointer_mut("/balances/balances")
		.and_then(Value::as_array_mut)
		.ok_or("the genesis patch has no balances")?;
	let endowment = balances.first().and_then(|entry| entry.get(1)).cloned().ok_or("no endowed account")?;
	for (_, _, account) in accounts.all() {
		balances.push(json!([ss58(&account.id), endowment]));
	}
	if let Some(vault) = vault {
		balances.push(json!([ss58(vault), endowment]));
	}
	let participants = patch
		.pointer_mut("/participants/participants")
		.and_then(Value::as_array_mut)
		.ok_or("the genesis patch has no participants")?;
	let credential = participants.first().and_then(|entry| entry.get(2)).cloned().ok_or("no participant")?;
	for (kind, index, account) in accounts.all() {
		let roles = roles(kind);
		if roles.is_empty() {
			continue;
		}
		let gln = matches!(kind, Kind::Manufacturer | Kind::Dispenser).then(|| gln(kind, index).to_vec());
		// An X25519 key is required; the load never seals anything to it.
		let key = sp_crypto_hashing::blake2_256(&account.id);
		participants.push(json!([ss58(&account.id), roles, credential, gln, key.to_vec()]));
	}
	if let Some(vault) = vault {
		// The vault publishes no X25519 key of its own; nothing is sealed to it.
		participants.push(json!([ss58(vault), ["HealthcareOrganization"], credential, null, vault.to_vec()]));
	}
	Ok(())
}

/// Merges `addition` into `target`, object by object (other values are replaced).
fn merge(target: &mut Value, addition: Value) {
	match (target, addition) {
		(Value::Object(target), Value::Object(addition)) =>
			for (key, value) in addition {
				merge(target.entry(key).or_insert(Value::Null), value);
			},
		(target, addition) => *target = addition,
	}
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16, String> {
	let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
	listener.local_addr().map(|address| address.port()).map_err(|error| error.to_string())
}

impl Node {
	/// Starts the node on `spec` and waits (at most `options.start_timeout`) until its RPC
	/// answers.
	pub async fn start(options: &NodeOptions, spec: &Path) -> Result<(Self, Chain), String> {
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let log = options.log.clone();
		let base = options.dir.join("node");
		let mut args: Vec<String> = [
			"--chain",
			&spec.display().to_string(),
			"--base-path",
			&base.display().to_string(),
			"--dev-block-time",
			&options.block_time_ms.to_string(),
			"--rpc-port",
			&rpc_port.to_string(),
			"--listen-addr",
			&format!("/ip4/127.0.0.1/tcp/{p2p_port}"),
			"--no-mdns",
			"--no-prometheus",
			"--no-telemetry",
			"--no-hardware-benchmarks",
			// The pool holds two blocks of the load and more: room for every round.
			"--pool-limit",
			"200000",
			"--pool-kbytes",
			"2000000",
			// One connection per submitter and query worker, and a subscription per sample.
			"--rpc-max-connections",
			"1000",
			"--rpc-max-subscriptions-per-connection",
			"65536",
			"--rpc-message-buffer-capacity-per-connection",
			"4096",
			// The dev node keeps state for every block of the run (queries at a fixed block).
			"--state-pruning",
			"archive",
			// Runtime-API queries at concurrency 64 would otherwise run out of pooled WASM
			// instances (8 by default; 32 at most) and instantiate a new one per call.
			"--max-runtime-instances",
			"32",
		]
		.into_iter()
		.map(str::to_owned)
		.collect();
		// The fork-aware pool (the SDK's default) loses transactions under this load: a few
		// percent of a round of several transactions per sender is accepted and then neither
		// included nor reported dropped (docs/performance.md). The single-state pool keeps
		// them all; `--node-arg=--pool-type=fork-aware` measures the default.
		if !options.extra_args.iter().any(|arg| arg.starts_with("--pool-type")) {
			args.extend(["--pool-type".to_owned(), "single-state".to_owned()]);
		}
		args.extend(options.extra_args.iter().cloned());
		let log_file = fs::File::create(&log).map_err(|error| format!("{}: {error}", log.display()))?;
		let child = Command::new(&options.binary)
			.args(&args)
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.map_err(|error| format!("{}: {error}", options.binary.display()))?;
		let mut node = Self { child, url: format!("ws://127.0.0.1:{rpc_port}"), log, args };
		let started = Instant::now();
		loop {
			if let Ok(Some(status)) = node.child.try_wait() {
				return Err(format!("the node exited with {status}; see {}", node.log.display()));
			}
			match Chain::connect(&node.url).await {
				Ok(chain) => return Ok((node, chain)),
				Err(_) if started.elapsed() < options.start_timeout =>
					tokio::time::sleep(Duration::from_millis(250)).await,
				Err(error) => {
					node.stop();
					return Err(format!(
						"the node did not answer within {} s: {error}",
						options.start_timeout.as_secs()
					));
				},
			}
		}
	}

	/// Whether the node's process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.try_wait(), Ok(None))
	}

	/// The node's process id.
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	/// CPU time the node has used so far (user and system), in microseconds.
	pub fn cpu_micros(&self) -> Option<u64> {
		cpu_micros(self.pid())
	}

	/// Kills the node at once (SIGKILL): what a crash, the OOM killer or a lost machine does.
	pub fn kill(&mut self) {
		kill_process(&mut self.child);
	}

	/// Stops the node: SIGTERM, then SIGKILL if it has not exited within 30 s.
	pub fn stop(&mut self) {
		stop_process(&mut self.child, Duration::from_secs(30));
	}
}

/// Stops `child`: SIGTERM, then SIGKILL if it has not exited within `grace`.
pub fn stop_process(child: &mut Child, grace: Duration) {
	if matches!(child.try_wait(), Ok(Some(_))) {
		return;
	}
	let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
	let deadline = Instant::now() + grace;
	while Instant::now() < deadline {
		if matches!(child.try_wait(), Ok(Some(_))) {
			return;
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	kill_process(child);
}

/// Kills `child` with SIGKILL and reaps it.
pub fn kill_process(child: &mut Child) {
	let _ = child.kill();
	let _ = child.wait();
}

impl Drop for Node {
	fn drop(&mut self) {
		self.stop();
	}
}

/// The clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux).
fn clock_ticks() -> u64 {
	static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
	*TICKS.get_or_init(|| {
		Command::new("getconf")
			.arg("CLK_TCK")
			.output()
			.ok()
			.and_then(|output| String::from_utf8(output.stdout).ok())
			.and_then(|text| text.trim().parse().ok())
			.unwrap_or(100)
	})
}

/// User plus system CPU time of process `pid`, in microseconds.
pub fn cpu_micros(pid: u32) -> Option<u64> {
	let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
	parse_cpu_ticks(&stat).map(|ticks| ticks * 1_000_000 / clock_ticks())
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line; the command name (field 2)
/// may hold spaces and parentheses, so fields are counted after its last `)`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
	let after_name = &stat[stat.rfind(')')? + 1..];
	let fields: Vec<&str> = after_name.split_whitespace().collect();
	// after_name starts at field 3 (state): utime is field 14, index 11 here.
	let utime: u64 = fields.get(11)?.parse().ok()?;
	let stime: u64 = fields.get(12)?.parse().ok()?;
	Some(utime + stime)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn cpu_ticks_are_read_after_the_command_name() {
		let stat = "4242 (medchain node) S 1 2 3 4 5 6 7 8 9 10 250 30 0 0 20 0 12 0 100 0";
		assert_eq!(parse_cpu_ticks(stat), Some(280));
		assert!(cpu_micros(std::process::id()).is_some());
	}

	#[test]
	fn the_genesis_gets_every_account_and_participant() {
		use crate::accounts::{Accounts, Counts};
		let accounts = Accounts::derive(Counts::for_round(4, 2)).unwrap();
		let mut spec = json!({ "genesis": { "runtimeGenesis": { "patch": {
			"balances": { "balances": [["5Alice", 1000]] },
			"participants": { "participants": [["5Bob", ["Practitioner"], "0x01", null, [0]]] },
		} } } });
		patch_genesis(&mut spec, &accounts, Some(&[9; 32])).unwrap();
		merge(&mut spec["genesis"]["runtimeGenesis"]["patch"], Populated::of(1_000).genesis_patch());
		let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
		assert_eq!(patch["consent"]["population"], json!({ "count": 100, "owners": 2 }));
		let balances = patch["balances"]["balances"].as_array().unwrap();
		assert_eq!(balances.len(), 1 + 4 + 2 + 2 + 2 + 2 + 1, "and the vault");
		assert!(balances.iter().all(|entry| entry[1] == json!(1000)));
		let participants = patch["participants"]["participants"].as_array().unwrap();
		// providers, manufacturers, dispensers, the researcher and the vault; senders hold no role
		assert_eq!(participants.len(), 1 + 2 + 2 + 2 + 1 + 1);
		assert_eq!(participants.last().unwrap()[1], json!(["HealthcareOrganization"]));
		let manufacturer = &participants[3];
		assert_eq!(manufacturer[1], json!(["Manufacturer"]));
		assert_eq!(manufacturer[2], json!("0x01"));
		assert_eq!(manufacturer[3].as_array().unwrap().len(), 13);
	}
}
