//! # medchain-node
//!
//! The node that serves the medchain runtime. It is built on `polkadot-omni-node-lib`, so it is a
//! complete Cumulus collator (`--chain <spec> -- <relay chain args>`) and also a stand-alone
//! development chain that needs no relay chain (`--dev`, blocks every 3 s by default, set with
//! `--dev-block-time <ms>`).
//!
//! The only medchain-specific part is [`chain_spec::MedchainChainSpecLoader`]: it embeds the
//! medchain runtime, so `--dev` and `--chain local` work without any chain-spec file.

#![warn(missing_docs)]

mod chain_spec;
mod runtime;

use polkadot_omni_node_lib::{run, CliConfig, RunConfig};

struct MedchainCli;

impl CliConfig for MedchainCli {
	fn impl_version() -> String {
		let commit_hash = env!("SUBSTRATE_CLI_COMMIT_HASH");
		format!("{}-{commit_hash}", env!("CARGO_PKG_VERSION"))
	}

	fn description(executable_name: String) -> String {
		format!(
			"medchain node: serves the medchain parachain runtime.\n\n\
			Development chain (no relay chain needed):\n  {executable_name} --dev\n\n\
			As a collator, parachain arguments first, relay chain arguments after `--`:\n  \
			{executable_name} --collator --chain <spec.json> -- --chain <relay-spec.json>"
		)
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/medchain/medchain/issues".into()
	}

	fn copyright_start_year() -> u16 {
		2026
	}
}

fn main() {
	let config = RunConfig::new(
		Box::new(runtime::MedchainRuntimeResolver),
		Box::new(chain_spec::MedchainChainSpecLoader),
	);
	if let Err(error) = run::<MedchainCli>(config) {
		// `Display` gives the readable message (e.g. an unknown `--chain`), not a debug dump.
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
