//! The `medchain` command line: argument definitions (clap), the shared context (keystore,
//! identity, node, vault) and the dispatch to [`keys`], [`records`] and [`consent`].
//!
//! See the crate documentation, "The medchain command", for the commands, their output and
//! their exit codes.

use std::{
	io::IsTerminal,
	path::{Path, PathBuf},
};

use clap::{Parser, Subcommand};
use zeroize::Zeroizing;

use crate::{
	chain::{Call, Chain, Finalized},
	keys::Identity,
	keystore::Keystore,
	vault_client::VaultClient,
};

pub mod args;
pub mod consent;
pub mod keys;
pub mod output;
pub mod progress;
pub mod records;
pub mod study;
pub mod supply;

pub use output::{render, render_error, CliError, ErrorKind, Output};

/// The node used unless `--node` says otherwise.
pub const DEFAULT_NODE: &str = "ws://127.0.0.1:9944";
/// The vault used unless `--vault` says otherwise.
pub const DEFAULT_VAULT: &str = "http://127.0.0.1:8450";
/// The keystore used unless `--keystore` says otherwise, under the home directory.
pub const DEFAULT_KEYSTORE: &str = ".medchain/keystore.json";
/// The environment variable naming a CA file for https vaults when `--vault-ca` is not given.
pub const VAULT_CA_ENV: &str = "MEDCHAIN_VAULT_CA";
/// The environment variable a passphrase is read from before prompting.
pub const PASSPHRASE_ENV: &str = "MEDCHAIN_PASSPHRASE";

/// medchain: keys, encrypted medical records in a vault, and consent on chain.
#[derive(Debug, Parser)]
#[command(name = "medchain", version, about, long_about = None)]
pub struct Cli {
	/// The medchain node's WebSocket RPC endpoint.
	#[arg(long, global = true, value_name = "URL", default_value = DEFAULT_NODE)]
	pub node: String,
	/// The vault's base URL [default: http://127.0.0.1:8450; `records get` and `records share`
	/// use the vault of the record's locator if not given].
	#[arg(long, global = true, value_name = "URL")]
	pub vault: Option<String>,
	/// Also trust these CA certificates (PEM) for an https vault, e.g. an organisation's own CA
	/// [default: the file named by MEDCHAIN_VAULT_CA, if set].
	#[arg(long, global = true, value_name = "PEM")]
	pub vault_ca: Option<PathBuf>,
	/// The keystore file [default: ~/.medchain/keystore.json].
	#[arg(long, global = true, value_name = "PATH")]
	pub keystore: Option<PathBuf>,
	/// The keystore identity that signs [default: the only one in the keystore].
	#[arg(long, global = true, value_name = "NAME")]
	pub identity: Option<String>,
	/// Print one JSON object per command on stdout.
	#[arg(long, global = true)]
	pub json: bool,
	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

/// The one-line reason of an argument error. clap's own message has several lines (the reason,
/// the usage, a hint); a missing subcommand makes it print the whole help.
pub fn usage_reason(error: &clap::Error, args: &[std::ffi::OsString]) -> String {
	use clap::{error::ErrorKind as ClapKind, CommandFactory};
	if matches!(error.kind(), ClapKind::DisplayHelpOnMissingArgumentOrSubcommand | ClapKind::MissingSubcommand) {
		let mut command = Cli::command();
		let mut path = vec!["medchain".to_string()];
		for token in args.iter().skip(1).filter_map(|arg| arg.to_str()) {
			if let Some(sub) = command.find_subcommand(token).cloned() {
				path.push(token.to_string());
				command = sub;
			}
		}
		let names: Vec<&str> = command.get_subcommands().map(|sub| sub.get_name()).collect();
		return output::one_line(&format!("`{}` needs a command: {} (see --help)", path.join(" "), names.join(", ")));
	}
	let rendered = error.render().to_string();
	let mut parts = Vec::new();
	for line in rendered.lines().map(str::trim) {
		if line.starts_with("Usage:") || line.starts_with("For more information") {
			break;
		}
		if !line.is_empty() {
			parts.push(line.strip_prefix("error: ").unwrap_or(line));
		}
	}
	output::one_line(&parts.join(" "))
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Identities in the keystore: create, import, list, show, pseudonyms.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Encrypted records: add to the vault and the chain, get, share, amend, list, erase.
	#[command(subcommand)]
	Records(records::RecordsCommand),
	/// Consent on chain: grant, revoke, check, requests, emergency access, the access log.
	#[command(subcommand)]
	Consent(consent::ConsentCommand),
	/// The drug supply chain: products, lots, transfers, dispensing, recalls, verification.
	#[command(subcommand)]
	Supply(supply::SupplyCommand),
	/// Research on encrypted values: study keys, open a study, contribute, decrypt the total.
	#[command(subcommand)]
	Study(study::StudyCommand),
}

impl Command {
	/// The command's name in outputs, e.g. `"records add"`.
	pub fn name(&self) -> &'static str {
		match self {
			Command::Keys(command) => command.name(),
			Command::Records(command) => command.name(),
			Command::Consent(command) => command.name(),
			Command::Supply(command) => command.name(),
			Command::Study(command) => command.name(),
		}
	}
}

/// What every command may need: the global options, resolved lazily.
pub struct Context {
	node: String,
	vault: Option<String>,
	vault_ca: Option<PathBuf>,
	keystore: Option<PathBuf>,
	identity: Option<String>,
	json: bool,
}

impl Context {
	/// The context of the global options of `cli`.
	pub fn new(cli: &Cli) -> Self {
		Self {
			node: cli.node.clone(),
			vault: cli.vault.clone(),
			vault_ca: cli
				.vault_ca
				.clone()
				.or_else(|| std::env::var_os(VAULT_CA_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)),
			keystore: cli.keystore.clone(),
			identity: cli.identity.clone(),
			json: cli.json,
		}
	}

	/// Whether the output is JSON (`--json`).
	pub fn json(&self) -> bool {
		self.json
	}

	/// The keystore file: `--keystore`, or `~/.medchain/keystore.json`.
	pub fn keystore_path(&self) -> Result<PathBuf, CliError> {
		if let Some(path) = &self.keystore {
			return Ok(path.clone());
		}
		let home = std::env::var_os("HOME").filter(|home| !home.is_empty()).ok_or_else(|| {
			CliError::usage("HOME is not set: name the keystore with --keystore <path>")
		})?;
		Ok(Path::new(&home).join(DEFAULT_KEYSTORE))
	}

	/// The keystore, read from disk.
	pub fn keystore(&self) -> Result<Keystore, CliError> {
		Ok(Keystore::open(self.keystore_path()?)?)
	}

	/// The name of the identity that signs: `--identity`, or the only one in the keystore.
	pub fn identity_name(&self, keystore: &Keystore) -> Result<String, CliError> {
		if let Some(name) = &self.identity {
			return Ok(name.clone());
		}
		match keystore.list().as_slice() {
			[only] => Ok(only.name.clone()),
			[] => Err(CliError::new(
				ErrorKind::Keystore,
				format!(
					"the keystore {} holds no identity: create one with `medchain keys new <name>`",
					keystore.path().display()
				),
			)),
			_ => Err(CliError::usage(
				"the keystore holds several identities: choose one with --identity <name>",
			)),
		}
	}

	/// The signing identity, unlocked with the passphrase.
	pub fn unlock(&self) -> Result<(String, Identity), CliError> {
		let keystore = self.keystore()?;
		let name = self.identity_name(&keystore)?;
		let identity = unlock(&keystore, &name)?;
		Ok((name, identity))
	}

	/// A connection to the node.
	pub async fn chain(&self) -> Result<Chain, CliError> {
		Chain::connect(&self.node)
			.await
			.map_err(|error| CliError::from(error).context(&format!("node {}", self.node)))
	}

	/// Signs and submits `call`, shows its progress on a terminal (in the pool, in a block,
	/// finalized) unless `--json`, and waits until it is finalized.
	pub async fn submit(
		&self,
		chain: &Chain,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<Finalized, CliError> {
		let name = format!("{}.{}", call.pallet(), call.name());
		let submitted = chain.submit_watched(call, signer).await.map_err(|e| CliError::from(e).context(&name))?;
		let progress = progress::spinner(self.json(), &name);
		let outcome = submitted
			.finalized_reporting(|stage| progress::stage(&progress, &name, stage))
			.await;
		progress.finish_and_clear();
		outcome.map_err(|error| CliError::from(error).context(&name))
	}

	/// The vault of `--vault`, or `fallback` (e.g. the base URL of a record's locator), or the
	/// default vault.
	pub fn vault(&self, fallback: Option<String>) -> Result<VaultClient, CliError> {
		let url = self.vault.clone().or(fallback).unwrap_or_else(|| DEFAULT_VAULT.to_owned());
		let ca = match &self.vault_ca {
			Some(path) => Some(std::fs::read(path).map_err(|error| {
				CliError::new(ErrorKind::Io, format!("{}: {error}", path.display()))
			})?),
			None => None,
		};
		Ok(VaultClient::with_ca_pem(&url, ca.as_deref())?)
	}
}

/// Unlocks `name` in `keystore` with the passphrase.
pub fn unlock(keystore: &Keystore, name: &str) -> Result<Identity, CliError> {
	if !keystore.contains(name) {
		return Err(crate::Error::UnknownIdentity(name.to_owned()).into());
	}
	let passphrase = passphrase(&format!("Passphrase of {name:?}: "), false)?;
	Ok(keystore.unlock(name, &passphrase)?)
}

/// The passphrase: [`PASSPHRASE_ENV`] if set, else asked on the terminal without echo (twice if
/// `confirm`).
pub fn passphrase(prompt: &str, confirm: bool) -> Result<Zeroizing<String>, CliError> {
	if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
		let value = value.into_string().map_err(|_| {
			CliError::new(ErrorKind::Keystore, format!("{PASSPHRASE_ENV} is not valid UTF-8"))
		})?;
		return Ok(Zeroizing::new(value));
	}
	if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
		return Err(CliError::new(
			ErrorKind::Keystore,
			format!("no passphrase: set {PASSPHRASE_ENV} or run in a terminal"),
		));
	}
	let ask = |prompt: &str| {
		rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|error| {
			CliError::new(
				ErrorKind::Keystore,
				format!("the passphrase could not be read from the terminal ({error}); set {PASSPHRASE_ENV}"),
			)
		})
	};
	let first = ask(prompt)?;
	if confirm {
		let second = ask("Repeat the passphrase: ")?;
		if *first != *second {
			return Err(CliError::new(ErrorKind::Keystore, "the two passphrases differ"));
		}
	}
	Ok(first)
}

/// Runs the command of `cli`.
pub async fn run(cli: &Cli) -> Result<Output, CliError> {
	let context = Context::new(cli);
	match &cli.command {
		Command::Keys(command) => keys::run(&context, command),
		Command::Records(command) => records::run(&context, command).await,
		Command::Consent(command) => consent::run(&context, command).await,
		Command::Supply(command) => supply::run(&context, command).await,
		Command::Study(command) => study::run(&context, command).await,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;
	use medchain_primitives::health::{Action, Confidentiality, PurposeOfUse, RecordCategory};

	fn parse(line: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("medchain").chain(line.iter().copied()))
	}

	#[test]
	fn the_command_definition_is_consistent() {
		Cli::command().debug_assert();
	}

	#[test]
	fn global_flags_have_defaults_and_go_anywhere() {
		let cli = parse(&["keys", "list"]).unwrap();
		assert_eq!(cli.node, DEFAULT_NODE);
		assert_eq!(cli.vault, None);
		assert!(!cli.json);
		let cli = parse(&["keys", "list", "--json", "--keystore", "/tmp/k.json"]).unwrap();
		assert!(cli.json);
		assert_eq!(cli.keystore.as_deref(), Some(Path::new("/tmp/k.json")));
		assert_eq!(cli.command.name(), "keys list");
	}

	#[test]
	fn records_add_parses_codes_and_accounts() {
		let cli = parse(&[
			"--identity",
			"alice",
			"records",
			"add",
			"bundle.json",
			"--patient",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"--category",
			"Observation",
			"--confidentiality",
			"restricted",
		])
		.unwrap();
		let Command::Records(records::RecordsCommand::Add(add)) = cli.command else {
			panic!("not records add")
		};
		assert_eq!(add.category, RecordCategory::Observation);
		assert_eq!(add.confidentiality, Confidentiality::Restricted);
		assert!(add.patient.is_some());
		assert_eq!(add.custodian, None);
		assert_eq!(cli.identity.as_deref(), Some("alice"));
	}

	#[test]
	fn records_add_refuses_unknown_codes() {
		let error = parse(&["records", "add", "f", "--category", "Blood", "--confidentiality", "Normal"])
			.unwrap_err();
		assert!(error.to_string().contains("Observation"), "{error}");
	}

	#[test]
	fn records_get_defaults_and_purpose() {
		let cli = parse(&["records", "get", "7", "--purpose", "Research", "--out", "o.json"]).unwrap();
		let Command::Records(records::RecordsCommand::Get(get)) = cli.command else {
			panic!("not records get")
		};
		assert_eq!(get.id, 7);
		assert_eq!(get.purpose, PurposeOfUse::Research);
		assert_eq!(get.out.as_deref(), Some(Path::new("o.json")));
		assert!(parse(&["records", "get", "seven"]).is_err());
	}

	#[test]
	fn consent_grant_takes_comma_lists() {
		let cli = parse(&[
			"consent",
			"grant",
			"--to",
			"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
			"--actions",
			"Use,Access",
			"--purposes",
			"Treatment",
		])
		.unwrap();
		let Command::Consent(consent::ConsentCommand::Grant(grant)) = cli.command else {
			panic!("not consent grant")
		};
		assert_eq!(grant.access.actions, vec![Action::Use, Action::Access]);
		assert_eq!(grant.access.purposes, vec![PurposeOfUse::Treatment]);
		assert_eq!(grant.access.ceiling, Confidentiality::Normal);
		assert!(parse(&["consent", "grant", "--to", "0x01", "--actions", "Access", "--purposes", "Treatment"]).is_err());
		assert!(parse(&["consent", "grant", "--to", "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", "--purposes", "Treatment"]).is_err());
	}

	#[test]
	fn consent_check_needs_both_parties() {
		assert!(parse(&["consent", "check", "--patient", "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"]).is_err());
		let cli = parse(&[
			"consent",
			"check",
			"--patient",
			"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
			"--accessor",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"--record",
			"3",
		])
		.unwrap();
		let Command::Consent(consent::ConsentCommand::Check(check)) = cli.command else {
			panic!("not consent check")
		};
		assert_eq!(check.action, Action::Access);
		assert_eq!(check.purpose, PurposeOfUse::Treatment);
		assert_eq!(check.record, Some(3));
	}

	#[test]
	fn keys_new_word_counts() {
		assert!(parse(&["keys", "new", "alice", "--words", "24"]).is_ok());
		assert!(parse(&["keys", "new", "alice", "--words", "15"]).is_err());
	}

	#[test]
	fn records_amend_takes_an_optional_label() {
		let cli = parse(&["records", "amend", "4", "v2.json", "--confidentiality", "Restricted"]).unwrap();
		let Command::Records(records::RecordsCommand::Amend(amend)) = cli.command else {
			panic!("not records amend")
		};
		assert_eq!((amend.id, amend.confidentiality), (4, Some(Confidentiality::Restricted)));
		assert_eq!(parse(&["records", "amend", "4", "v2.json"]).unwrap().command.name(), "records amend");
		assert!(parse(&["records", "amend", "v2.json"]).is_err());
	}

	#[test]
	fn emergency_and_log_commands_parse() {
		const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let cli = parse(&["consent", "emergency", "start", "--patient", ALICE, "--reason", "LifeThreatening"]).unwrap();
		assert_eq!(cli.command.name(), "consent emergency start");
		assert!(parse(&["consent", "emergency", "start", "--patient", ALICE, "--reason", "Curious"]).is_err());
		let cli = parse(&["consent", "emergency", "review", "3", "--verdict", "Unjustified"]).unwrap();
		assert_eq!(cli.command.name(), "consent emergency review");
		assert!(parse(&["consent", "emergency", "policy", "sometimes"]).is_err());
		assert!(parse(&["consent", "emergency", "policy", "only", "--delegates", ALICE]).is_ok());
		let cli = parse(&["consent", "log", "--patient", ALICE, "--from-block", "100"]).unwrap();
		let Command::Consent(consent::ConsentCommand::Log(log)) = cli.command else { panic!("not consent log") };
		assert_eq!((log.from_block, log.to_block), (100, None));
	}

	#[test]
	fn study_commands_parse() {
		const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let key = format!("0x{}", "11".repeat(32));
		let cli = parse(&[
			"study", "create", "--question", "q.txt", "--category", "Observation", "--holder", ALICE,
			"--key", &key, "--study", "0", "--duration", "20", "--capacity", "32",
		])
		.unwrap();
		let Command::Study(study::StudyCommand::Create(create)) = cli.command else { panic!("not study create") };
		assert_eq!((create.bits, create.min_cohort, create.capacity), (16, 10, 32));
		assert!(parse(&[
			"study", "create", "--question", "q.txt", "--category", "Observation", "--holder", ALICE,
			"--key", &key, "--study", "0", "--duration", "20", "--capacity", "32", "--bits", "12",
		])
		.is_err());
		assert_eq!(parse(&["study", "contribute", "2", "--value", "120"]).unwrap().command.name(), "study contribute");
		assert!(parse(&["study", "contribute", "2"]).is_err());
		assert_eq!(parse(&["study", "tally", "2"]).unwrap().command.name(), "study tally");
		// Trustees instead of one holder: --deal, not both.
		let cli = parse(&[
			"study", "create", "--question", "q.txt", "--category", "Observation", "--deal", "deal.json",
			"--study", "0", "--duration", "20", "--capacity", "32",
		])
		.unwrap();
		let Command::Study(study::StudyCommand::Create(create)) = cli.command else { panic!("not study create") };
		assert!(create.holder.is_none() && create.deal.is_some());
		assert!(parse(&[
			"study", "create", "--question", "q.txt", "--category", "Observation", "--deal", "deal.json",
			"--holder", ALICE, "--key", &key, "--study", "0", "--duration", "20", "--capacity", "32",
		])
		.is_err());
		assert!(parse(&["study", "create", "--question", "q.txt", "--category", "Observation", "--study", "0",
			"--duration", "20", "--capacity", "32"]).is_err());
		assert!(parse(&["study", "deal", "--threshold", "2", "--trustees", ALICE, "--out", "d.json"]).is_ok());
		assert_eq!(parse(&["study", "share", "3", "--deal", "d.json"]).unwrap().command.name(), "study share");
	}
}
