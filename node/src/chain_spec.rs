//! Chain specifications built into the node.
//!
//! `dev` and `local` are generated from the embedded runtime and its genesis presets
//! (`medchain_runtime::genesis_config_presets`); anything else is read as a chain-spec JSON file.

use medchain_primitives::{address::SS58_PREFIX, currency};
use medchain_runtime::genesis_config_presets::{
	DEVELOPMENT_PRESET, LOCAL_TESTNET_PRESET, PARACHAIN_ID, RELAY_CHAIN,
};
use polkadot_omni_node_lib::chain_spec::{ChainSpec, Extensions, GenericChainSpec, LoadSpec};
use sc_chain_spec::{ChainType, Properties};
use std::path::Path;

/// The chain ids the node knows without a file.
pub const BUILT_IN_CHAINS: &[&str] = &["dev", "local"];

/// Loads the built-in chain specs, or a chain spec from a JSON file.
pub struct MedchainChainSpecLoader;

impl LoadSpec for MedchainChainSpecLoader {
	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		let spec = match id {
			"" | "dev" | "medchain-dev" => development_chain_spec()?,
			"local" | "medchain-local" => local_testnet_chain_spec()?,
			path if Path::new(path).is_file() => GenericChainSpec::from_json_file(path.into())
				.map_err(|e| format!("cannot load the chain spec in `{path}`: {e}"))?,
			other => {
				return Err(format!(
					"unknown chain `{other}`: use one of {} or the path of a chain-spec JSON file",
					BUILT_IN_CHAINS.join(", ")
				))
			},
		};
		Ok(Box::new(spec))
	}
}

/// Chain properties that wallets and Polkadot.js apps read: token symbol, decimals, SS58 prefix.
pub fn chain_properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), currency::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), currency::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn runtime_wasm() -> Result<&'static [u8], String> {
	medchain_runtime::WASM_BINARY.ok_or_else(|| {
		"this node was built without the medchain WASM runtime (SKIP_WASM_BUILD was set); \
		 rebuild it without SKIP_WASM_BUILD"
			.to_string()
	})
}

/// The genesis patch of the runtime's preset `name`, taken from the runtime's own preset code.
///
/// The spec carries the patch rather than the preset's name: a spec naming its preset makes the
/// node compile the WASM runtime once more at every start just to ask it for that patch (about
/// 5 s of a dev node's start on 2 cores), and a patch is what an operator edits in an exported
/// spec anyway.
fn preset_patch(name: &str) -> Result<serde_json::Value, String> {
	let patch = medchain_runtime::genesis_config_presets::get_preset(&name.into())
		.ok_or_else(|| format!("the runtime has no genesis preset `{name}`"))?;
	serde_json::from_slice(&patch).map_err(|e| format!("the runtime's preset `{name}` is not JSON: {e}"))
}

/// The development chain: one collator (Alice), funded well-known accounts, Alice as sudo.
pub fn development_chain_spec() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(runtime_wasm()?, Extensions::new(RELAY_CHAIN.into(), PARACHAIN_ID))
		.with_name("medchain development")
		.with_id("medchain-dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_patch(preset_patch(DEVELOPMENT_PRESET)?)
		.with_properties(chain_properties())
		.build())
}

/// The local testnet: two collators (Alice, Bob) for a parachain on a local relay chain.
pub fn local_testnet_chain_spec() -> Result<GenericChainSpec, String> {
	Ok(GenericChainSpec::builder(runtime_wasm()?, Extensions::new(RELAY_CHAIN.into(), PARACHAIN_ID))
		.with_name("medchain local testnet")
		.with_id("medchain-local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_patch(preset_patch(LOCAL_TESTNET_PRESET)?)
		.with_protocol_id("medchain-local")
		.with_properties(chain_properties())
		.build())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn genesis_json(spec: &dyn ChainSpec) -> serde_json::Value {
		let raw = spec.as_json(false).expect("a built-in chain spec serialises");
		serde_json::from_str(&raw).expect("chain-spec JSON parses")
	}

	#[test]
	fn built_in_specs_carry_token_properties_and_para_id() {
		for id in BUILT_IN_CHAINS {
			let spec = MedchainChainSpecLoader.load_spec(id).expect("built-in spec loads");
			let json = genesis_json(&*spec);
			assert_eq!(json["properties"]["tokenSymbol"], "MED");
			assert_eq!(json["properties"]["tokenDecimals"], 12);
			assert_eq!(json["properties"]["ss58Format"], 42);
			assert_eq!(json["para_id"], PARACHAIN_ID);
			assert_eq!(json["relay_chain"], RELAY_CHAIN);
		}
	}

	#[test]
	fn dev_and_local_use_their_presets() {
		let dev = MedchainChainSpecLoader.load_spec("dev").unwrap();
		assert_eq!(dev.id(), "medchain-dev");
		assert_eq!(dev.chain_type(), ChainType::Development);
		let local = MedchainChainSpecLoader.load_spec("local").unwrap();
		assert_eq!(local.id(), "medchain-local");
		assert_eq!(local.chain_type(), ChainType::Local);
	}

	#[test]
	fn built_in_specs_carry_the_runtime_presets_as_patches() {
		for (id, preset) in [("dev", DEVELOPMENT_PRESET), ("local", LOCAL_TESTNET_PRESET)] {
			let json = genesis_json(&*MedchainChainSpecLoader.load_spec(id).unwrap());
			assert_eq!(json["genesis"]["runtimeGenesis"]["patch"], preset_patch(preset).unwrap(), "{id}");
			assert!(json["genesis"]["runtimeGenesis"].get("namedPreset").is_none(), "{id}");
		}
		assert!(preset_patch("no-such-preset").unwrap_err().contains("no genesis preset"));
	}

	#[test]
	fn a_spec_written_to_a_file_loads_back() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("local.json");
		let local = MedchainChainSpecLoader.load_spec("local").unwrap();
		std::fs::write(&path, local.as_json(false).unwrap()).unwrap();
		let loaded = MedchainChainSpecLoader.load_spec(path.to_str().unwrap()).unwrap();
		assert_eq!(loaded.id(), "medchain-local");
		assert_eq!(loaded.properties(), chain_properties());
	}

	#[test]
	fn unknown_chains_and_broken_files_are_errors_not_panics() {
		let error = MedchainChainSpecLoader.load_spec("no-such-chain").err().unwrap();
		assert!(error.contains("unknown chain `no-such-chain`"), "{error}");

		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("broken.json");
		std::fs::write(&path, "{ not json").unwrap();
		let error = MedchainChainSpecLoader.load_spec(path.to_str().unwrap()).err().unwrap();
		assert!(error.contains("cannot load the chain spec"), "{error}");
	}
}
