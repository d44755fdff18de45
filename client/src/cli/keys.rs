//! `medchain keys`: identities in the keystore.

use std::io::Read;

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::{
	args::{hex0x, ss58},
	passphrase, unlock, CliError, Context, ErrorKind, Output,
};
use crate::keys::{Identity, WordCount};

/// The keys subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
	/// Create an identity from a fresh mnemonic and store it (prints the mnemonic once: write it
	/// down, it is the only backup).
	New {
		/// The identity's name in the keystore.
		name: String,
		/// How many words the mnemonic has.
		#[arg(long, value_enum, default_value = "12")]
		words: Words,
	},
	/// Store an identity from an existing mnemonic read from stdin.
	Import {
		/// The identity's name in the keystore.
		name: String,
	},
	/// List the identities (no passphrase needed).
	List,
	/// Show an identity's account and X25519 public key.
	Show {
		/// The identity's name.
		name: String,
	},
	/// Show the pseudonym `//medchain//<kind>//<id>` of an identity: its account and X25519 key.
	Pseudonym {
		/// The identity's name.
		name: String,
		/// The kind of relationship, e.g. `provider` or `study`.
		kind: String,
		/// The counterparty or study, e.g. a provider's id.
		id: String,
	},
}

/// Mnemonic lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Words {
	/// 12 words.
	#[value(name = "12")]
	Twelve,
	/// 24 words.
	#[value(name = "24")]
	TwentyFour,
}

impl KeysCommand {
	/// The command's name in outputs.
	pub fn name(&self) -> &'static str {
		match self {
			KeysCommand::New { .. } => "keys new",
			KeysCommand::Import { .. } => "keys import",
			KeysCommand::List => "keys list",
			KeysCommand::Show { .. } => "keys show",
			KeysCommand::Pseudonym { .. } => "keys pseudonym",
		}
	}
}

/// Runs a keys subcommand.
pub fn run(context: &Context, command: &KeysCommand) -> Result<Output, CliError> {
	match command {
		KeysCommand::New { name, words } => {
			let words = match words {
				Words::Twelve => WordCount::Twelve,
				Words::TwentyFour => WordCount::TwentyFour,
			};
			let identity = Identity::generate(words)?;
			let mut output = store(context, name, &identity)?;
			let phrase = identity.phrase();
			output.fields.insert("phrase".into(), json!(phrase.as_str()));
			output.text.push_str(&format!(
				"mnemonic:   {}\nWrite these {} words down and keep them safe: they are the only backup of this identity.\n",
				phrase.as_str(),
				identity.word_count()
			));
			Ok(output)
		},
		KeysCommand::Import { name } => {
			let mut phrase = zeroize::Zeroizing::new(String::new());
			std::io::stdin().read_to_string(&mut phrase).map_err(|error| {
				CliError::new(ErrorKind::Io, format!("the mnemonic could not be read from stdin: {error}"))
			})?;
			if phrase.trim().is_empty() {
				return Err(CliError::usage("no mnemonic on stdin (pipe the words into the command)"));
			}
			let identity = Identity::from_phrase(&phrase)?;
			store(context, name, &identity)
		},
		KeysCommand::List => {
			let keystore = context.keystore()?;
			let entries = keystore.list();
			let listed: Vec<_> = entries
				.iter()
				.map(|entry| json!({"name": entry.name, "account": ss58(&entry.account), "public_key": hex0x(&entry.account)}))
				.collect();
			let text = if entries.is_empty() {
				format!("no identities in {}\n", keystore.path().display())
			} else {
				entries
					.iter()
					.map(|entry| format!("{}\t{}\n", entry.name, ss58(&entry.account)))
					.collect()
			};
			Ok(Output::new(
				json!({"keystore": keystore.path().display().to_string(), "identities": listed}),
				text,
			))
		},
		KeysCommand::Show { name } => {
			let keystore = context.keystore()?;
			let identity = unlock(&keystore, name)?;
			Ok(describe(name, identity.account_id(), identity.x25519_public(), None))
		},
		KeysCommand::Pseudonym { name, kind, id } => {
			let keystore = context.keystore()?;
			let identity = unlock(&keystore, name)?;
			let pseudonym = identity.pseudonym(kind, id)?;
			Ok(describe(
				name,
				pseudonym.account_id(),
				pseudonym.x25519_public(),
				Some(pseudonym.path()),
			))
		},
	}
}

/// Encrypts `identity` under a new passphrase as `name` and describes it.
fn store(context: &Context, name: &str, identity: &Identity) -> Result<Output, CliError> {
	let mut keystore = context.keystore()?;
	if keystore.contains(name) {
		return Err(crate::Error::IdentityExists(name.to_owned()).into());
	}
	let passphrase = passphrase(&format!("New passphrase for {name:?}: "), true)?;
	keystore.add(name, identity, &passphrase)?;
	let mut output = describe(name, identity.account_id(), identity.x25519_public(), None);
	output
		.fields
		.insert("keystore".into(), json!(keystore.path().display().to_string()));
	Ok(output)
}

/// The account and X25519 key of an identity or one of its pseudonyms.
pub fn describe(name: &str, account: [u8; 32], x25519: [u8; 32], path: Option<&str>) -> Output {
	let mut fields = json!({
		"name": name,
		"account": ss58(&account),
		"public_key": hex0x(&account),
		"x25519": hex0x(&x25519),
	});
	let mut text = format!(
		"name:       {name}\naccount:    {}\npublic key: {}\nx25519:     {}\n",
		ss58(&account),
		hex0x(&account),
		hex0x(&x25519)
	);
	if let (Some(path), Some(object)) = (path, fields.as_object_mut()) {
		object.insert("path".into(), json!(path));
		text.push_str(&format!("path:       <mnemonic>{path}\n"));
	}
	Output::new(fields, text)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn descriptions_show_account_and_x25519() {
		let output = describe("alice", [1; 32], [2; 32], Some("//medchain//provider//7"));
		assert_eq!(output.fields["name"], "alice");
		assert_eq!(output.fields["public_key"], hex0x(&[1; 32]));
		assert_eq!(output.fields["x25519"], hex0x(&[2; 32]));
		assert_eq!(output.fields["path"], "//medchain//provider//7");
		assert!(output.text.contains(&ss58(&[1; 32])));
		assert!(output.text.contains("<mnemonic>//medchain//provider//7"));
	}
}
