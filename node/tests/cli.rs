//! The node binary as operators use it: chain-spec export, genesis export, and clear failures.

use std::process::{Command, Output};

fn node(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_medchain-node"))
		.args(args)
		.output()
		.expect("medchain-node runs")
}

fn stdout(output: &Output) -> String {
	String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
	String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn build_spec_for_local_testnet_is_a_chain_spec_with_properties() {
	let output = node(&["build-spec", "--chain", "local"]);
	assert!(output.status.success(), "{}", stderr(&output));
	let spec: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON chain spec");
	assert_eq!(spec["id"], "medchain-local");
	assert_eq!(spec["chainType"], "Local");
	assert_eq!(spec["para_id"], 2000);
	assert_eq!(spec["properties"]["tokenSymbol"], "MED");
	assert!(spec["genesis"]["runtimeGenesis"]["code"].as_str().is_some_and(|c| c.len() > 1000));
}

#[test]
fn raw_spec_file_exports_genesis_head_and_wasm() {
	let dir = tempfile::tempdir().unwrap();
	let spec = dir.path().join("raw.json");
	let output = node(&["build-spec", "--chain", "local", "--raw"]);
	assert!(output.status.success(), "{}", stderr(&output));
	std::fs::write(&spec, &output.stdout).unwrap();
	let spec = spec.to_str().unwrap();

	let head = node(&["export-genesis-head", "--chain", spec]);
	assert!(head.status.success(), "{}", stderr(&head));
	let head = stdout(&head);
	assert!(head.starts_with("0x") && head.trim().len() > 66, "genesis head: {head}");

	let wasm = node(&["export-genesis-wasm", "--chain", spec]);
	assert!(wasm.status.success(), "{}", stderr(&wasm));
	// The hex of a compressed WASM runtime: zstd-compressed blobs start with Substrate's magic.
	assert!(stdout(&wasm).starts_with("0x52bc537646db8e05"), "not a compressed runtime");
}

#[test]
fn unknown_chain_fails_with_a_clear_message_and_exit_code() {
	let output = node(&["build-spec", "--chain", "no-such-chain"]);
	assert_eq!(output.status.code(), Some(1));
	let message = stderr(&output);
	assert!(message.contains("unknown chain `no-such-chain`"), "{message}");
	assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn broken_chain_spec_file_fails_without_panicking() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("broken.json");
	std::fs::write(&path, "{\"name\": ").unwrap();
	let output = node(&["build-spec", "--chain", path.to_str().unwrap()]);
	assert_eq!(output.status.code(), Some(1));
	let message = stderr(&output);
	assert!(message.contains("cannot load the chain spec"), "{message}");
	assert!(!message.contains("panicked"), "{message}");
}
