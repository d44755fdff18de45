//! `medchain records`: sealed records in the vault, anchored on chain.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_primitives::{
	consent::AccessQuery,
	health::{Action, Confidentiality, MedicalRecord, PurposeOfUse, RecordCategory, RecordId},
};
use serde_json::json;
use sp_core::ConstU32;

use super::{
	args::{hex0x, parse_account, parse_category, parse_confidentiality, parse_hex32, parse_purpose, ss58},
	CliError, Context, ErrorKind, Output,
};
use crate::{
	chain::{Call, Chain},
	envelope::{open_key, open_record, seal_key, seal_record, verify_hash, ContentHash},
	keys::AccountId,
	vault_client::base_from_locator,
};

/// The runtime's longest record locator, in bytes (`MAX_LOCATOR_LEN` in
/// `runtime/src/configs/medchain.rs`).
pub const MAX_LOCATOR_LEN: u32 = 256;

/// How many records one page of `MedicalRecordsApi_patient_records` asks for.
const PAGE: u32 = 100;

/// A record as the runtime API answers it.
pub type Record = MedicalRecord<AccountId, u128, u32, ConstU32<MAX_LOCATOR_LEN>>;

/// The records subcommands.
#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
	/// Seal a file, upload it to the vault with a key envelope for yourself, and register it
	/// on chain.
	Add(AddArgs),
	/// Fetch a record from the vault, check it against the chain, decrypt it.
	Get(GetArgs),
	/// Give another party a key envelope of a record you uploaded (the vault still releases it
	/// only if the chain's consent check permits them).
	Share(ShareArgs),
}

/// `records add`.
#[derive(Debug, Args)]
pub struct AddArgs {
	/// The file to seal (e.g. a FHIR JSON bundle).
	pub file: PathBuf,
	/// The patient (SS58 or 0x hex) [default: the signing identity].
	#[arg(long, value_parser = parse_account)]
	pub patient: Option<AccountId>,
	/// The record's coarse category, e.g. Observation.
	#[arg(long, value_parser = parse_category)]
	pub category: RecordCategory,
	/// The confidentiality label: Low, Moderate, Normal, Restricted, VeryRestricted.
	#[arg(long, value_parser = parse_confidentiality)]
	pub confidentiality: Confidentiality,
	/// Who keeps the ciphertext (the vault operator's account) [default: the signing identity].
	#[arg(long, value_parser = parse_account)]
	pub custodian: Option<AccountId>,
	/// Also store a key envelope for the patient, sealed to this X25519 public key (hex), when
	/// the patient is not the signer.
	#[arg(long, value_name = "HEX", value_parser = parse_hex32)]
	pub patient_x25519: Option<[u8; 32]>,
}

/// `records get`.
#[derive(Debug, Args)]
pub struct GetArgs {
	/// The chain's record id.
	pub id: RecordId,
	/// The purpose of use the access is for.
	#[arg(long, value_parser = parse_purpose, default_value = "Treatment")]
	pub purpose: PurposeOfUse,
	/// Write the record to this file [default: stdout].
	#[arg(long, value_name = "FILE")]
	pub out: Option<PathBuf>,
}

/// `records share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
	/// The chain's record id.
	pub id: RecordId,
	/// Whom to share with (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub to: AccountId,
	/// Their X25519 public key (hex; `medchain keys show` prints it).
	#[arg(long, value_name = "HEX", value_parser = parse_hex32)]
	pub x25519: [u8; 32],
	/// The purpose of use under which you fetch your own envelope.
	#[arg(long, value_parser = parse_purpose, default_value = "Treatment")]
	pub purpose: PurposeOfUse,
}

impl RecordsCommand {
	/// The command's name in outputs.
	pub fn name(&self) -> &'static str {
		match self {
			RecordsCommand::Add(_) => "records add",
			RecordsCommand::Get(_) => "records get",
			RecordsCommand::Share(_) => "records share",
		}
	}
}

/// Runs a records subcommand.
pub async fn run(context: &Context, command: &RecordsCommand) -> Result<Output, CliError> {
	match command {
		RecordsCommand::Add(args) => add(context, args).await,
		RecordsCommand::Get(args) => get(context, args).await,
		RecordsCommand::Share(args) => share(context, args).await,
	}
}

/// A `MultiAddress::Id`, as `register_record` takes its accounts.
fn address(account: &AccountId) -> (u8, AccountId) {
	(0, *account)
}

async fn add(context: &Context, args: &AddArgs) -> Result<Output, CliError> {
	let plaintext = fs::read(&args.file).map_err(|error| {
		CliError::new(ErrorKind::Io, format!("{}: {error}", args.file.display()))
	})?;
	let (_, identity) = context.unlock()?;
	let me = identity.account_id();
	let patient = args.patient.unwrap_or(me);
	let custodian = args.custodian.unwrap_or(me);
	let vault = context.vault(None)?;
	let sealed = seal_record(&plaintext)?;
	let hash = sealed.content_hash();
	let locator = vault.object_locator(&hash);
	if locator.len() > MAX_LOCATOR_LEN as usize {
		return Err(CliError::usage(format!(
			"the locator {locator:?} is longer than the chain's {MAX_LOCATOR_LEN} bytes: use a shorter vault URL"
		)));
	}
	// Connect first: a node that is down should not leave an unregistered object behind.
	let chain = context.chain().await?;

	let signer = identity.keypair();
	vault.put_object(signer, &sealed.bytes).await.map_err(|e| CliError::from(e).context("upload"))?;
	let mut envelopes = vec![ss58(&me)];
	let own = seal_key(&sealed.key, &identity.x25519_public(), &hash)?;
	vault
		.put_envelope(signer, &hash, &me, &own)
		.await
		.map_err(|e| CliError::from(e).context("upload of your key envelope"))?;
	if let Some(patient_key) = &args.patient_x25519 {
		if patient != me {
			let theirs = seal_key(&sealed.key, patient_key, &hash)?;
			vault
				.put_envelope(signer, &hash, &patient, &theirs)
				.await
				.map_err(|e| CliError::from(e).context("upload of the patient's key envelope"))?;
			envelopes.push(ss58(&patient));
		}
	}

	let call = Call::new(
		"MedicalRecords",
		"register_record",
		(
			address(&patient),
			args.category,
			args.confidentiality,
			hash,
			locator.as_bytes().to_vec(),
			address(&custodian),
		),
	);
	chain.submit(&call, signer).await.map_err(|error| {
		CliError::from(error).context(&format!(
			"registration on chain (the sealed record {} stays in the vault unregistered)",
			hex0x(&hash)
		))
	})?;
	// `Chain::submit` does not return the events yet: find the id in the patient's records.
	let id = find_registered(&chain, &patient, &me, &hash).await?;

	let id_text = id.map_or_else(|| "unknown (not found in the patient's records)".to_owned(), |id| id.to_string());
	let text = format!(
		"record id:    {id_text}\ncontent hash: {}\nlocator:      {locator}\npatient:      {}\ncustodian:    {}\nenvelopes:    {}\n",
		hex0x(&hash),
		ss58(&patient),
		ss58(&custodian),
		envelopes.join(", ")
	);
	Ok(Output::new(
		json!({
			"record_id": id,
			"record_id_source": "records index (runtime API MedicalRecordsApi_patient_records)",
			"content_hash": hex0x(&hash),
			"locator": locator,
			"patient": ss58(&patient),
			"custodian": ss58(&custodian),
			"category": format!("{:?}", args.category),
			"confidentiality": format!("{:?}", args.confidentiality),
			"plaintext_bytes": plaintext.len(),
			"sealed_bytes": sealed.bytes.len(),
			"envelopes": envelopes,
		}),
		text,
	))
}

async fn get(context: &Context, args: &GetArgs) -> Result<Output, CliError> {
	if context.json() && args.out.is_none() {
		return Err(CliError::usage("with --json, name the file to write the record to with --out"));
	}
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let record = fetch_record(&chain, args.id).await?;
	let hash = current_hash(args.id, &record)?;
	let locator = String::from_utf8_lossy(&record.locator).into_owned();
	let vault = context.vault(base_from_locator(&locator))?;
	let signer = identity.keypair();

	let sealed = vault.get_record(signer, args.id, args.purpose).await?;
	verify_hash(&sealed, &hash).map_err(crate::Error::from)?;
	let envelope = vault.get_envelope(signer, args.id, args.purpose).await?;
	let key = open_key(&envelope, identity.x25519_secret(), &hash)?;
	let plaintext = open_record(&sealed, &key)?;

	let mut fields = json!({
		"record_id": args.id,
		"content_hash": hex0x(&hash),
		"purpose": format!("{:?}", args.purpose),
		"bytes": plaintext.len(),
		"vault": vault.base_url(),
	});
	match &args.out {
		Some(path) => {
			fs::write(path, &plaintext).map_err(|error| {
				CliError::new(ErrorKind::Io, format!("{}: {error}", path.display()))
			})?;
			if let Some(object) = fields.as_object_mut() {
				object.insert("out".into(), json!(path.display().to_string()));
			}
			let text = format!(
				"record {} ({} bytes, content hash {} verified) written to {}\n",
				args.id,
				plaintext.len(),
				hex0x(&hash),
				path.display()
			);
			Ok(Output::new(fields, text))
		},
		None => Ok(Output::new(fields, String::new()).with_raw(plaintext)),
	}
}

async fn share(context: &Context, args: &ShareArgs) -> Result<Output, CliError> {
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let record = fetch_record(&chain, args.id).await?;
	let hash = current_hash(args.id, &record)?;
	let locator = String::from_utf8_lossy(&record.locator).into_owned();
	let vault = context.vault(base_from_locator(&locator))?;
	let signer = identity.keypair();

	let own = vault
		.get_envelope(signer, args.id, args.purpose)
		.await
		.map_err(|e| CliError::from(e).context("fetching your own key envelope"))?;
	let key = open_key(&own, identity.x25519_secret(), &hash)?;
	let theirs = seal_key(&key, &args.x25519, &hash)?;
	vault.put_envelope(signer, &hash, &args.to, &theirs).await?;

	// Tell whether the recipient may fetch it now (the vault asks the same question).
	let decision = chain
		.check_access(&record.subject, &args.to, AccessQuery::Record(args.id), Action::Access, args.purpose)
		.await?;
	let text = format!(
		"key envelope of record {} stored for {}\ntheir access now ({:?}): {:?}{}\n",
		args.id,
		ss58(&args.to),
		args.purpose,
		decision,
		if decision.is_permit() { "" } else { " (the patient must grant consent before the vault releases it)" }
	);
	Ok(Output::new(
		json!({
			"record_id": args.id,
			"content_hash": hex0x(&hash),
			"to": ss58(&args.to),
			"x25519": hex0x(&args.x25519),
			"access_permitted": decision.is_permit(),
			"access_decision": format!("{decision:?}"),
		}),
		text,
	))
}

/// The chain's record `id`.
pub async fn fetch_record(chain: &Chain, id: RecordId) -> Result<Record, CliError> {
	chain
		.runtime_call::<Option<Record>>("MedicalRecordsApi_record", &id.encode())
		.await?
		.ok_or_else(|| CliError::new(ErrorKind::Failure, format!("the chain has no record {id}")))
}

/// The record's content hash, unless it is erased.
fn current_hash(id: RecordId, record: &Record) -> Result<ContentHash, CliError> {
	record.content_hash.map(|hash| hash.0).ok_or_else(|| {
		CliError::new(ErrorKind::Failure, format!("record {id} is erased ({:?})", record.status))
	})
}

/// The newest record of `patient` written by `author` with content hash `hash`, from the
/// records index (runtime API `MedicalRecordsApi_patient_records`, paged).
pub async fn find_registered(
	chain: &Chain,
	patient: &AccountId,
	author: &AccountId,
	hash: &ContentHash,
) -> Result<Option<RecordId>, CliError> {
	let mut after: Option<RecordId> = None;
	let mut found = None;
	loop {
		let page: Vec<(RecordId, Record)> = chain
			.runtime_call("MedicalRecordsApi_patient_records", &(patient, after, PAGE).encode())
			.await?;
		let Some((last, _)) = page.last() else { break };
		let last = *last;
		found = page
			.iter()
			.filter(|(_, record)| {
				&record.author == author && record.content_hash.map(|h| h.0) == Some(*hash)
			})
			.map(|(id, _)| *id)
			.chain(found)
			.max();
		if page.len() < PAGE as usize || after == Some(last) {
			break;
		}
		after = Some(last);
	}
	Ok(found)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn register_record_arguments_encode_as_the_pallet_expects() {
		let patient = [1u8; 32];
		let custodian = [2u8; 32];
		let hash = [3u8; 32];
		let locator = b"http://v/v1/objects/0x03".to_vec();
		let encoded = (
			address(&patient),
			RecordCategory::Observation,
			Confidentiality::Normal,
			hash,
			locator.clone(),
			address(&custodian),
		)
			.encode();
		let bounded: sp_core::bounded::BoundedVec<u8, ConstU32<MAX_LOCATOR_LEN>> =
			locator.try_into().unwrap();
		let expected = (
			sp_runtime_multi_address(patient),
			RecordCategory::Observation,
			Confidentiality::Normal,
			sp_core::H256(hash),
			bounded,
			sp_runtime_multi_address(custodian),
		)
			.encode();
		assert_eq!(encoded, expected);
	}

	/// `MultiAddress::<AccountId32, ()>::Id` encodes as index 0 then the 32 bytes.
	fn sp_runtime_multi_address(account: AccountId) -> [u8; 33] {
		let mut out = [0u8; 33];
		out[1..].copy_from_slice(&account);
		out
	}
}
