//! `medchain records`: sealed records in the vault, anchored on chain.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_primitives::{
	consent::AccessQuery,
	health::{
		Action, Confidentiality, MedicalRecord, PurposeOfUse, RecordCategory, RecordId,
		RecordStatus,
	},
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
	protocol::{verify_receipt, ErasureReceipt},
	keys::Identity,
	vault_client::{base_from_locator, VaultClient, VaultError},
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
	/// Replace the current version of a record with a new file (the patient, or a provider
	/// the patient's consent permits to Correct): sealed and uploaded like `add`, then
	/// `amend_record` on chain; the old version becomes Superseded.
	Amend(AmendArgs),
	/// Give another party a key envelope of a record you uploaded (the vault still releases it
	/// only if the chain's consent check permits them).
	Share(ShareArgs),
	/// List a patient's records from the chain (runtime API).
	List(ListArgs),
	/// Erase a record, doing the parts the signer may: the patient requests erasure on chain,
	/// the vault object's owner deletes it (the vault's signed receipt is checked), the
	/// custodian confirms on chain.
	Erase(EraseArgs),
	/// As the custodian of a record whose erasure the patient requested: delete it in the vault
	/// (if you own the object there) and confirm the erasure on chain.
	ConfirmErasure(EraseArgs),
}

/// `records list`.
#[derive(Debug, Args)]
pub struct ListArgs {
	/// The patient (SS58 or 0x hex) [default: the signing identity].
	#[arg(long, value_parser = parse_account)]
	pub patient: Option<AccountId>,
}

/// `records erase` and `records confirm-erasure`.
#[derive(Debug, Args)]
pub struct EraseArgs {
	/// The chain's record id (one version: erase each version of an amended record).
	pub id: RecordId,
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

/// `records amend`.
#[derive(Debug, Args)]
pub struct AmendArgs {
	/// The chain's id of the record's current version.
	pub id: RecordId,
	/// The file with the new version.
	pub file: PathBuf,
	/// A new confidentiality label [default: the current version's].
	#[arg(long, value_parser = parse_confidentiality)]
	pub confidentiality: Option<Confidentiality>,
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
			RecordsCommand::Amend(_) => "records amend",
			RecordsCommand::Share(_) => "records share",
			RecordsCommand::List(_) => "records list",
			RecordsCommand::Erase(_) => "records erase",
			RecordsCommand::ConfirmErasure(_) => "records confirm-erasure",
		}
	}
}

/// Runs a records subcommand.
pub async fn run(context: &Context, command: &RecordsCommand) -> Result<Output, CliError> {
	match command {
		RecordsCommand::Add(args) => add(context, args).await,
		RecordsCommand::Get(args) => get(context, args).await,
		RecordsCommand::Amend(args) => amend(context, args).await,
		RecordsCommand::Share(args) => share(context, args).await,
		RecordsCommand::List(args) => list(context, args).await,
		RecordsCommand::Erase(args) => erase(context, args.id, true).await,
		RecordsCommand::ConfirmErasure(args) => erase(context, args.id, false).await,
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
	// Connect first: a node that is down should not leave an unregistered object behind.
	let chain = context.chain().await?;
	let (progress, report) = super::progress::transfers(context.json());
	let vault = context.vault(None)?.with_progress(report);
	let signer = identity.keypair();
	let Uploaded { hash, locator, envelopes, sealed_bytes } =
		upload_sealed(&vault, &identity, &plaintext, &patient, args.patient_x25519.as_ref()).await?;

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
	let finalized = context.submit(&chain, &call, signer).await.map_err(|error| {
		error.context(&format!(
			"registration on chain (the sealed record {} stays in the vault unregistered)",
			hex0x(&hash)
		))
	})?;
	progress.finish_and_clear();
	let id = finalized
		.event("MedicalRecords", "RecordRegistered")
		.map(|event| event.decode::<RecordId>())
		.transpose()?;

	let id_text = id.map_or_else(|| "unknown (no RecordRegistered event)".to_owned(), |id| id.to_string());
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
			"content_hash": hex0x(&hash),
			"locator": locator,
			"patient": ss58(&patient),
			"custodian": ss58(&custodian),
			"category": format!("{:?}", args.category),
			"confidentiality": format!("{:?}", args.confidentiality),
			"plaintext_bytes": plaintext.len(),
			"sealed_bytes": sealed_bytes,
			"envelopes": envelopes,
		}),
		text,
	)
	.with_transaction("MedicalRecords.register_record", &finalized))
}

/// A sealed record stored in a vault, not yet on chain.
struct Uploaded {
	/// The sealed record's content hash.
	hash: ContentHash,
	/// Where the vault keeps it.
	locator: String,
	/// Whom key envelopes were stored for (SS58).
	envelopes: Vec<String>,
	/// The sealed record's length.
	sealed_bytes: usize,
}

/// Seals `plaintext`, uploads it to `vault` with key envelopes for the signer and, if given
/// and someone else, for `patient`.
async fn upload_sealed(
	vault: &VaultClient,
	identity: &Identity,
	plaintext: &[u8],
	patient: &AccountId,
	patient_x25519: Option<&[u8; 32]>,
) -> Result<Uploaded, CliError> {
	let me = identity.account_id();
	let signer = identity.keypair();
	let sealed = seal_record(plaintext)?;
	let hash = sealed.content_hash();
	let locator = vault.object_locator(&hash);
	if locator.len() > MAX_LOCATOR_LEN as usize {
		return Err(CliError::usage(format!(
			"the locator {locator:?} is longer than the chain's {MAX_LOCATOR_LEN} bytes: use a shorter vault URL"
		)));
	}
	vault.put_object(signer, &sealed.bytes).await.map_err(|e| CliError::from(e).context("upload"))?;
	let mut envelopes = vec![ss58(&me)];
	let own = seal_key(&sealed.key, &identity.x25519_public(), &hash)?;
	vault
		.put_envelope(signer, &hash, &me, &own)
		.await
		.map_err(|e| CliError::from(e).context("upload of your key envelope"))?;
	if let Some(patient_key) = patient_x25519 {
		if patient != &me {
			let theirs = seal_key(&sealed.key, patient_key, &hash)?;
			vault
				.put_envelope(signer, &hash, patient, &theirs)
				.await
				.map_err(|e| CliError::from(e).context("upload of the patient's key envelope"))?;
			envelopes.push(ss58(patient));
		}
	}
	Ok(Uploaded { hash, locator, envelopes, sealed_bytes: sealed.bytes.len() })
}

async fn amend(context: &Context, args: &AmendArgs) -> Result<Output, CliError> {
	let plaintext = fs::read(&args.file).map_err(|error| {
		CliError::new(ErrorKind::Io, format!("{}: {error}", args.file.display()))
	})?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let old = fetch_record(&chain, args.id).await?;
	if old.status != RecordStatus::Current {
		return Err(CliError::new(
			ErrorKind::Failure,
			format!("record {} is {:?}: only the current version is amended", args.id, old.status),
		));
	}
	let old_locator = String::from_utf8_lossy(&old.locator).into_owned();
	let (progress, report) = super::progress::transfers(context.json());
	let vault = context.vault(base_from_locator(&old_locator))?.with_progress(report);
	let Uploaded { hash, locator, envelopes, .. } =
		upload_sealed(&vault, &identity, &plaintext, &old.subject, args.patient_x25519.as_ref()).await?;
	let confidentiality = args.confidentiality.unwrap_or(old.confidentiality);
	let call = Call::new(
		"MedicalRecords",
		"amend_record",
		(args.id, confidentiality, hash, locator.as_bytes().to_vec()),
	);
	let finalized = context.submit(&chain, &call, identity.keypair()).await.map_err(|error| {
		error.context(&format!(
			"amendment on chain (the sealed record {} stays in the vault unregistered)",
			hex0x(&hash)
		))
	})?;
	progress.finish_and_clear();
	let (new_id, version) = match finalized.event("MedicalRecords", "RecordAmended") {
		Some(event) => {
			let (_old, new, version) = event.decode::<(RecordId, RecordId, u32)>()?;
			(Some(new), Some(version))
		},
		None => (None, None),
	};
	let text = format!(
		"record {} amended: new version {} is record {}\ncontent hash: {}\nlocator:      {locator}\nenvelopes:    {}\n",
		args.id,
		version.map_or_else(|| "?".to_owned(), |v| v.to_string()),
		new_id.map_or_else(|| "?".to_owned(), |id| id.to_string()),
		hex0x(&hash),
		envelopes.join(", "),
	);
	Ok(Output::new(
		json!({
			"record_id": new_id,
			"replaces": args.id,
			"version": version,
			"content_hash": hex0x(&hash),
			"locator": locator,
			"confidentiality": format!("{confidentiality:?}"),
			"envelopes": envelopes,
		}),
		text,
	)
	.with_transaction("MedicalRecords.amend_record", &finalized))
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
	let (progress, report) = super::progress::transfers(context.json());
	let vault = context.vault(base_from_locator(&locator))?.with_progress(report);
	let signer = identity.keypair();

	// Both at once: the vault logs each release on chain before it answers, and the two log
	// entries then share a block instead of waiting for one each.
	let (sealed, envelope) = tokio::join!(
		vault.get_record(signer, args.id, args.purpose),
		vault.get_envelope(signer, args.id, args.purpose)
	);
	progress.finish_and_clear();
	let sealed = sealed?;
	verify_hash(&sealed, &hash).map_err(crate::Error::from)?;
	let envelope = envelope?;
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

async fn list(context: &Context, args: &ListArgs) -> Result<Output, CliError> {
	let patient = match args.patient {
		Some(patient) => patient,
		None => context.unlock()?.1.account_id(),
	};
	let chain = context.chain().await?;
	let records = patient_records(&chain, &patient).await?;
	let mut text = format!("records of {} ({}):\n", ss58(&patient), records.len());
	for (id, record) in &records {
		text.push_str(&format!(
			"{id:>6}  {:<14} {:<10} {:<14} v{} {}\n",
			format!("{:?}", record.status),
			format!("{:?}", record.category),
			format!("{:?}", record.confidentiality),
			record.version,
			record.content_hash.map_or_else(|| "-".to_owned(), |hash| hex0x(&hash.0)),
		));
	}
	Ok(Output::new(
		json!({
			"patient": ss58(&patient),
			"records": records.iter().map(|(id, record)| record_json(*id, record)).collect::<Vec<_>>(),
		}),
		text,
	))
}

/// A record as JSON.
pub fn record_json(id: RecordId, record: &Record) -> serde_json::Value {
	json!({
		"record_id": id,
		"status": format!("{:?}", record.status),
		"patient": ss58(&record.subject),
		"author": ss58(&record.author),
		"custodian": ss58(&record.custodian),
		"category": format!("{:?}", record.category),
		"confidentiality": format!("{:?}", record.confidentiality),
		"content_hash": record.content_hash.map(|hash| hex0x(&hash.0)),
		"locator": String::from_utf8_lossy(&record.locator),
		"key_epoch": record.key_epoch,
		"version": record.version,
		"replaces": record.replaces,
		"created": record.created,
		"deposit": record.deposit.to_string(),
	})
}

/// What the signer may do in an erasure, from the record and who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErasurePlan {
	/// Submit `request_erasure` (the patient, not yet requested).
	pub request: bool,
	/// Ask the vault to erase by record id (`DELETE /v1/records/{id}`): the custodian, or the
	/// patient when the vault is the custodian (it then confirms on chain itself).
	pub by_record: bool,
	/// Submit `confirm_erasure` after the vault deletion (the custodian).
	pub confirm: bool,
}

/// The steps of an erasure `me` may take on `record`; `request` is false for
/// `confirm-erasure` (custodian only); `vault_is_custodian` when the record's custodian is the
/// vault's own account. An error says why they may do nothing.
pub fn erasure_plan(
	record: &Record,
	me: &AccountId,
	request: bool,
	vault_is_custodian: bool,
) -> Result<ErasurePlan, CliError> {
	let patient = &record.subject == me;
	let custodian = &record.custodian == me;
	if record.status == RecordStatus::Erased {
		return Err(CliError::new(ErrorKind::Failure, "the record is already erased"));
	}
	let requested = record.status.is_erasure_requested();
	let plan = ErasurePlan {
		request: request && patient && !requested,
		by_record: custodian || (request && patient && vault_is_custodian),
		confirm: custodian,
	};
	if !custodian {
		if !request {
			return Err(CliError::new(
				ErrorKind::Usage,
				format!("only the record's custodian {} confirms its erasure", ss58(&record.custodian)),
			));
		}
		if !patient {
			return Err(CliError::new(
				ErrorKind::Usage,
				format!(
					"only the patient {} requests the erasure, and its custodian {} confirms it",
					ss58(&record.subject),
					ss58(&record.custodian)
				),
			));
		}
		if requested && !vault_is_custodian {
			return Err(CliError::new(
				ErrorKind::Failure,
				format!("erasure already requested: its custodian {} must confirm it", ss58(&record.custodian)),
			));
		}
	} else if !requested && !plan.request {
		return Err(CliError::new(
			ErrorKind::Failure,
			format!("the patient {} has not requested erasure", ss58(&record.subject)),
		));
	}
	Ok(plan)
}

/// The receipt checked: the vault's signature, for the object `hash` and (if given) the owner
/// `owner`; and the vault key it names against `expected`, the key the vault publishes (if it
/// does).
pub fn check_receipt(
	receipt: &ErasureReceipt,
	hash: &ContentHash,
	owner: Option<&AccountId>,
	expected: Option<&[u8; 32]>,
) -> Result<[u8; 32], CliError> {
	let bad = |why: &str| CliError::new(ErrorKind::Integrity, format!("the vault's erasure receipt {why}"));
	let signer = verify_receipt(receipt).ok_or_else(|| bad("has no valid signature"))?;
	if receipt.object != hex0x(hash) {
		return Err(bad(&format!("names another object ({})", receipt.object)));
	}
	if let Some(owner) = owner {
		if receipt.owner != hex0x(owner) {
			return Err(bad(&format!("names another owner ({})", receipt.owner)));
		}
	}
	if let Some(expected) = expected {
		if &signer != expected {
			return Err(bad(&format!("is signed by {} and not by the vault's key {}", hex0x(&signer), hex0x(expected))));
		}
	}
	Ok(signer)
}

async fn erase(context: &Context, id: RecordId, request: bool) -> Result<Output, CliError> {
	let (_, identity) = context.unlock()?;
	let me = identity.account_id();
	let signer = identity.keypair();
	let chain = context.chain().await?;
	let record = fetch_record(&chain, id).await?;
	let hash = record.content_hash.map(|hash| hash.0);
	let locator = String::from_utf8_lossy(&record.locator).into_owned();
	let vault = context.vault(base_from_locator(&locator))?;
	// The key the vault publishes: it checks receipts and tells whether the vault is the
	// custodian (a vault that does not publish one is never taken for the custodian).
	let published = match vault.vault_key().await {
		Ok(key) => Some(key),
		Err(VaultError::Refused { status: 404, .. }) => None,
		Err(error) => return Err(CliError::from(error).context("the vault's key")),
	};
	let vault_is_custodian = published == Some(record.custodian);
	let plan = erasure_plan(&record, &me, request, vault_is_custodian)?;

	let mut transactions = Vec::new();
	let mut lines = Vec::new();
	if plan.request {
		let call = Call::new("MedicalRecords", "request_erasure", (id,));
		transactions.push(("MedicalRecords.request_erasure", context.submit(&chain, &call, signer).await?));
		lines.push(format!("erasure of record {id} requested on chain"));
	}

	// The vault: by record id for the custodian (and the patient of a vault-kept record), by
	// object for its uploader otherwise.
	let mut vault_outcome = json!(null);
	let mut deleted_or_gone = false;
	let mut confirmed_by_vault = false;
	if let Some(hash) = hash {
		let outcome = if plan.by_record {
			vault.erase_record(signer, id).await.map(|erasure| (erasure.receipt.clone(), Some(erasure)))
		} else {
			vault.delete_object(signer, &hash).await.map(|receipt| (receipt, None))
		};
		match outcome {
			Ok((receipt, erasure)) => {
				let owner = if plan.by_record { None } else { Some(&me) };
				let signer_key = check_receipt(&receipt, &hash, owner, published.as_ref())?;
				deleted_or_gone = true;
				confirmed_by_vault = erasure.as_ref().is_some_and(|erasure| erasure.confirmed_on_chain);
				lines.push(format!(
					"vault {} erased object {} (receipt signed by {}, {})",
					vault.base_url(),
					hex0x(&hash),
					hex0x(&signer_key),
					if published.is_some() { "the vault's published key" } else { "a key the vault does not publish" }
				));
				if confirmed_by_vault {
					lines.push(format!("the vault, the record's custodian, confirmed the erasure of record {id} on chain"));
				}
				if let Some(error) = erasure.as_ref().and_then(|erasure| erasure.confirmation_error.as_ref()) {
					lines.push(format!("the vault could not confirm on chain: {error}"));
				}
				vault_outcome = json!({
					"deleted": true,
					"vault": vault.base_url(),
					"receipt": receipt,
					"receipt_verified": true,
					"receipt_key_is_vault_key": published.is_some(),
					"by_record": plan.by_record,
					"confirmed_by_vault": confirmed_by_vault,
				});
			},
			Err(VaultError::Refused { status: 404, code, .. }) => {
				deleted_or_gone = true;
				lines.push(format!("the vault {} does not hold object {} ({code})", vault.base_url(), hex0x(&hash)));
				vault_outcome = json!({ "deleted": false, "vault": vault.base_url(), "absent": true, "code": code });
			},
			Err(VaultError::Refused { status: 403, code, .. }) => {
				lines.push(format!("not deleted in the vault {}: you may not erase it there ({code})", vault.base_url()));
				vault_outcome = json!({ "deleted": false, "vault": vault.base_url(), "not_owner": true, "code": code });
			},
			Err(error) => {
				let error = CliError::from(error).context("deletion in the vault");
				if plan.request {
					return Err(error.context("erasure requested on chain, but"));
				}
				return Err(error);
			},
		}
	}

	let mut confirmed = confirmed_by_vault;
	if plan.confirm && !confirmed_by_vault {
		if !deleted_or_gone {
			return Err(CliError::new(
				ErrorKind::Vault,
				format!(
					"not confirmed on chain: the object was not deleted in the vault{}",
					if plan.request { "; erasure is requested on chain" } else { "" }
				),
			));
		}
		let call = Call::new("MedicalRecords", "confirm_erasure", (id,));
		transactions.push(("MedicalRecords.confirm_erasure", context.submit(&chain, &call, signer).await?));
		confirmed = true;
		lines.push(format!("erasure of record {id} confirmed on chain"));
	} else if !confirmed {
		lines.push(format!("the custodian {} must confirm the erasure on chain", ss58(&record.custodian)));
	}
	let after = fetch_record(&chain, id).await?;
	lines.push(format!("status: {:?}", after.status));
	let output = Output::new(
		json!({
			"record_id": id,
			"requested": plan.request,
			"vault": vault_outcome,
			"confirmed": confirmed,
			"status": format!("{:?}", after.status),
			"content_hash": after.content_hash.map(|hash| hex0x(&hash.0)),
			"custodian": ss58(&record.custodian),
		}),
		lines.join("\n") + "\n",
	);
	Ok(transactions
		.iter()
		.fold(output, |output, (call, finalized)| output.with_transaction(call, finalized)))
}

/// All records of `patient` (runtime API `MedicalRecordsApi_patient_records`, paged).
pub async fn patient_records(chain: &Chain, patient: &AccountId) -> Result<Vec<(RecordId, Record)>, CliError> {
	Ok(chain.all_pages("MedicalRecordsApi_patient_records", patient, PAGE).await?)
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

	fn record(subject: u8, custodian: u8, status: RecordStatus) -> Record {
		Record {
			subject: [subject; 32],
			author: [subject; 32],
			custodian: [custodian; 32],
			category: RecordCategory::Observation,
			confidentiality: Confidentiality::Normal,
			content_hash: Some(sp_core::H256([7; 32])),
			locator: Default::default(),
			key_epoch: 0,
			version: 1,
			replaces: None,
			status,
			created: 1,
			depositor: [subject; 32],
			deposit: 0,
		}
	}

	#[test]
	fn erasure_plans_follow_the_pallet_roles() {
		let plan = |r: &Record, me: u8, request: bool| erasure_plan(r, &[me; 32], request, false);
		// Patient who is also the custodian: both steps.
		let own = record(1, 1, RecordStatus::Current);
		assert_eq!(plan(&own, 1, true).unwrap(), ErasurePlan { request: true, by_record: true, confirm: true });
		// Patient with another custodian: request only.
		let kept = record(1, 2, RecordStatus::Current);
		assert_eq!(plan(&kept, 1, true).unwrap(), ErasurePlan { request: true, by_record: false, confirm: false });
		// The custodian before the request: nothing to confirm.
		assert!(plan(&kept, 2, true).is_err());
		assert!(plan(&kept, 2, false).is_err());
		// After the request: the custodian confirms, the patient may not request again.
		let pending = record(1, 2, RecordStatus::ErasurePending);
		assert_eq!(plan(&pending, 2, false).unwrap(), ErasurePlan { request: false, by_record: true, confirm: true });
		assert_eq!(plan(&pending, 2, true).unwrap(), ErasurePlan { request: false, by_record: true, confirm: true });
		assert!(plan(&pending, 1, true).is_err());
		assert_eq!(plan(&pending, 1, false).unwrap_err().kind, ErrorKind::Usage);
		// A third party, and an erased record.
		assert_eq!(plan(&kept, 3, true).unwrap_err().kind, ErrorKind::Usage);
		assert!(plan(&record(1, 1, RecordStatus::Erased), 1, true).is_err());
		// Superseded versions are erased too.
		assert!(plan(&record(1, 1, RecordStatus::Superseded), 1, true).unwrap().request);
		// The vault (account 2) keeps the record: the patient asks it to erase, before and
		// after the request, and it confirms on chain itself.
		let vault_kept = |r: &Record, me: u8| erasure_plan(r, &[me; 32], true, true);
		assert_eq!(vault_kept(&kept, 1).unwrap(), ErasurePlan { request: true, by_record: true, confirm: false });
		assert_eq!(vault_kept(&pending, 1).unwrap(), ErasurePlan { request: false, by_record: true, confirm: false });
		assert!(vault_kept(&kept, 3).is_err());
	}

	#[test]
	fn receipts_are_checked_for_object_owner_and_key() {
		use schnorrkel::{ExpansionMode, MiniSecretKey};
		let vault = MiniSecretKey::from_bytes(&[5; 32]).unwrap().expand_to_keypair(ExpansionMode::Ed25519);
		let (hash, me) = ([1u8; 32], [2u8; 32]);
		let signature = vault.sign_simple(
			crate::protocol::SIGNING_CONTEXT,
			&crate::protocol::receipt_message(&hash, &me, 9),
		);
		let receipt = ErasureReceipt {
			object: hex0x(&hash),
			owner: hex0x(&me),
			erased_at: 9,
			vault: hex0x(&vault.public.to_bytes()),
			signature: hex0x(&signature.to_bytes()),
		};
		let key = vault.public.to_bytes();
		assert_eq!(check_receipt(&receipt, &hash, Some(&me), Some(&key)).unwrap(), key);
		assert_eq!(check_receipt(&receipt, &hash, Some(&me), None).unwrap(), key);
		assert_eq!(check_receipt(&receipt, &hash, None, Some(&key)).unwrap(), key);
		assert_eq!(check_receipt(&receipt, &hash, Some(&me), Some(&[3; 32])).unwrap_err().kind, ErrorKind::Integrity);
		assert!(check_receipt(&receipt, &[9; 32], Some(&me), None).is_err());
		assert!(check_receipt(&receipt, &hash, Some(&[9; 32]), None).is_err());
		assert!(check_receipt(&ErasureReceipt { erased_at: 10, ..receipt }, &hash, Some(&me), None).is_err());
	}

	/// `MultiAddress::<AccountId32, ()>::Id` encodes as index 0 then the 32 bytes.
	fn sp_runtime_multi_address(account: AccountId) -> [u8; 33] {
		let mut out = [0u8; 33];
		out[1..].copy_from_slice(&account);
		out
	}
}
