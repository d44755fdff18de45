//! Every `medchain` command, found by walking its argument definitions, run with missing,
//! malformed, oversized and non-UTF-8 arguments and an unknown flag: each must exit with one of
//! the documented codes (0 where a value happens to be valid, else 1 to 8, see the crate docs) and a one-line reason (one JSON object with
//! `--json`), never a panic, a stack trace or a hang. No node or vault runs: those that parse
//! their arguments then fail to reach `ws://127.0.0.1:1`, with the chain's or vault's code.

use clap::CommandFactory;
use medchain_client::cli::{output::MAX_REASON_CHARS, Cli};
use std::{
	ffi::OsString,
	io::Read,
	os::unix::ffi::OsStringExt,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

/// Each invocation must finish within this.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The leaf commands, as their paths of names (e.g. `["records", "add"]`), with the ids of their
/// arguments that take a value: (long flag or None for a positional, required).
fn leaves() -> Vec<(Vec<String>, Vec<(Option<String>, bool)>)> {
	fn walk(command: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<(Option<String>, bool)>)>) {
		let subcommands: Vec<&clap::Command> = command.get_subcommands().collect();
		if subcommands.is_empty() {
			let arguments = command
				.get_arguments()
				.filter(|arg| !arg.is_global_set() && arg.get_action().takes_values())
				.map(|arg| (arg.get_long().map(str::to_owned), arg.is_required_set()))
				.collect();
			out.push((path, arguments));
			return;
		}
		for sub in subcommands {
			let mut path = path.clone();
			path.push(sub.get_name().to_owned());
			walk(sub, path, out);
		}
	}
	let mut out = Vec::new();
	walk(&Cli::command(), Vec::new(), &mut out);
	out
}

/// Runs `medchain` with `args` in an empty home, no node and no vault; returns (code, stdout,
/// stderr).
fn run(home: &std::path::Path, args: &[OsString]) -> (i32, String, String) {
	let mut child = Command::new(env!("CARGO_BIN_EXE_medchain"))
		.args(["--node", "ws://127.0.0.1:1", "--vault", "http://127.0.0.1:1"])
		.args(args)
		.env("HOME", home)
		.env("MEDCHAIN_PASSPHRASE", "correct horse battery staple")
		.env_remove("RUST_BACKTRACE")
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the medchain binary runs");
	let started = Instant::now();
	let status = loop {
		if let Some(status) = child.try_wait().expect("waitable") {
			break status;
		}
		if started.elapsed() > TIMEOUT {
			let _ = child.kill();
			panic!("medchain {args:?} did not finish within {TIMEOUT:?}");
		}
		std::thread::sleep(Duration::from_millis(10));
	};
	let mut stdout = String::new();
	let mut stderr = String::new();
	child.stdout.take().expect("piped").read_to_string(&mut stdout).expect("stdout");
	child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("stderr");
	(status.code().unwrap_or(-1), stdout, stderr)
}

fn check(home: &std::path::Path, args: Vec<OsString>, json: bool) {
	let mut args = args;
	if json {
		args.push("--json".into());
	}
	let (code, stdout, stderr) = run(home, &args);
	let shown = format!("medchain {:?}", args.iter().map(|arg| arg.to_string_lossy().chars().take(40).collect::<String>()).collect::<Vec<_>>());
	assert!((0..=8).contains(&code), "{shown}: exit code {code}\nstdout: {stdout}\nstderr: {stderr}");
	for text in [&stdout, &stderr] {
		assert!(!text.contains("panicked"), "{shown} panicked: {text}");
		assert!(!text.contains("stack backtrace"), "{shown}: {text}");
	}
	// Some values are valid for some commands (any name is a name): those may succeed.
	if code == 0 {
		return;
	}
	let reason = if json { stdout.trim_end() } else { stderr.trim_end() };
	assert_eq!(reason.lines().count(), 1, "{shown}: not one line of reason: {reason:?}");
	assert!(reason.chars().count() <= MAX_REASON_CHARS + 200, "{shown}: a reason of {} chars", reason.len());
	if json {
		let object: serde_json::Value = serde_json::from_str(reason).unwrap_or_else(|_| panic!("{shown}: not JSON: {reason}"));
		assert_eq!(object["ok"], false, "{shown}");
		assert_eq!(object["error"]["exit_code"], code, "{shown}");
	} else {
		assert!(reason.starts_with("medchain: "), "{shown}: {reason}");
	}
}

#[test]
fn every_command_refuses_bad_arguments_with_a_documented_code_and_one_line() {
	let home = tempfile::tempdir().expect("a temporary home");
	// Linux takes at most 128 KiB in one argument.
	let huge = "a".repeat(100 << 10);
	let values: Vec<OsString> = vec![
		"".into(),
		"x".into(),
		"0x".into(),
		"-1".into(),
		"18446744073709551616".into(),
		huge.into(),
		OsString::from_vec(vec![0xff, 0xfe, b'a']),
	];
	let commands = leaves();
	assert!(commands.len() >= 30, "only {} commands found", commands.len());
	for (path, arguments) in &commands {
		let base: Vec<OsString> = path.iter().map(OsString::from).collect();
		// Nothing at all: a missing argument (or, for commands without one, a missing node).
		check(home.path(), base.clone(), false);
		let mut unknown = base.clone();
		unknown.push("--no-such-flag".into());
		check(home.path(), unknown, false);
		for (index, value) in values.iter().enumerate() {
			let mut args = base.clone();
			for (long, _) in arguments {
				if let Some(long) = long {
					args.push(format!("--{long}").into());
				}
				args.push(value.clone());
			}
			check(home.path(), args, index % 2 == 1);
		}
	}
	// The groups alone: a missing subcommand, one line naming the choices.
	for group in ["keys", "records", "consent", "supply", "study"] {
		check(home.path(), vec![group.into()], false);
	}
	check(home.path(), Vec::new(), false);
}
