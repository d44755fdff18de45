//! `medchain study`: research on encrypted values (pallet `EncryptedStats`, issue 6) with
//! `medchain-crypto`: a key holder's study key, opening a study, contributing an encrypted
//! value with its proofs, and the key holder's verified decryption of the total.
//!
//! A key holder's study secret is derived from their mnemonic, the chain's genesis hash and
//! the study id ([`study_secret`]): `study key` prints the key to give the researcher, `study
//! tally` derives the same secret again, so there is nothing to store or lose beside the
//! mnemonic. The study's base point depends on its id, so a key is made for the id the study
//! will get (the chain's next study id); `study create` refuses to open a study under another
//! id. Single key holders only: threshold studies (trustees with Shamir shares) are opened and
//! decrypted with the `medchain-crypto` tool and Polkadot.js.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_crypto::{
	encrypt, study_base, Ciphertext, Context as ProofContext, RangeProof, StudySecret, ValidityProof,
};
use medchain_primitives::{
	health::{Confidentiality, RecordCategory},
	stats::{EncryptedValue, KeyHolders, Study, StudyId, StudyQuestion, StudyStatus},
};
use rand_core::OsRng;
use serde_json::json;
use sp_core::{bounded::BoundedVec, ConstU32, H256};
use zeroize::Zeroizing;

use super::{
	args::{hex0x, parse_account, parse_category, parse_confidentiality, parse_hex32, ss58},
	CliError, Context, ErrorKind, Output,
};
use crate::{
	chain::{twox64_concat, Call, Chain},
	envelope::content_hash,
	keys::{AccountId, Identity},
};

/// The runtime's `MaxTrustees` (`MAX_TRUSTEES` in `runtime/src/configs/medchain.rs`).
pub const MAX_TRUSTEES: u32 = 16;
/// The pallet's `MaxRangeProofLen`: a 32-bit range proof.
pub const MAX_RANGE_PROOF_LEN: u32 = 608;
/// The pallet's name in the runtime.
const PALLET: &str = "EncryptedStats";

/// A study as the chain keeps it.
pub type StudyOf = Study<AccountId, u128, u32, ConstU32<MAX_TRUSTEES>>;

/// The study subcommands.
#[derive(Debug, Subcommand)]
pub enum StudyCommand {
	/// As a key holder: the study key to give the researcher, for the chain's next study (or
	/// --study). Derived from your mnemonic: `study tally` finds the secret again.
	Key {
		/// The study id the key is for [default: the chain's next study id].
		#[arg(long)]
		study: Option<StudyId>,
	},
	/// As a registered researcher: open a study whose total only the key holder decrypts.
	Create(CreateArgs),
	/// As a patient: contribute an encrypted value (needs your Use consent for Research by the
	/// study's researcher over its category). Only the ciphertext and its proofs go on chain.
	Contribute {
		/// The study id.
		id: StudyId,
		/// Your answer (below 2^bits of the study).
		#[arg(long)]
		value: u64,
	},
	/// As the key holder, after the deadline: decrypt the total and publish it with its proof.
	Tally {
		/// The study id.
		id: StudyId,
	},
	/// A study's state (no identity needed).
	Show {
		/// The study id.
		id: StudyId,
	},
}

/// `study create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
	/// The study protocol and coded question (e.g. a LOINC code and unit): only its BLAKE2-256
	/// hash goes on chain.
	#[arg(long, value_name = "FILE")]
	pub question: PathBuf,
	/// The category of data the answers come from.
	#[arg(long, value_parser = parse_category)]
	pub category: RecordCategory,
	/// That data's confidentiality label.
	#[arg(long, value_parser = parse_confidentiality, default_value = "Normal")]
	pub confidentiality: Confidentiality,
	/// Answers are below 2^bits: 8, 16 or 32.
	#[arg(long, default_value_t = 16, value_parser = parse_bits)]
	pub bits: u32,
	/// The key holder who decrypts the total (not you).
	#[arg(long, value_parser = parse_account)]
	pub holder: AccountId,
	/// The key holder's study key (`medchain study key` prints it).
	#[arg(long, value_parser = parse_hex32)]
	pub key: [u8; 32],
	/// The study id the key was made for: refused if the chain's next id differs.
	#[arg(long)]
	pub study: StudyId,
	/// Contributions are taken for this many blocks from now.
	#[arg(long, value_name = "BLOCKS")]
	pub duration: u32,
	/// No decryption with fewer contributions.
	#[arg(long, default_value_t = 10)]
	pub min_cohort: u32,
	/// At most this many contributions (the deposit grows with it).
	#[arg(long)]
	pub capacity: u32,
}

/// 8, 16 or 32.
fn parse_bits(text: &str) -> Result<u32, String> {
	match text.trim() {
		"8" => Ok(8),
		"16" => Ok(16),
		"32" => Ok(32),
		other => Err(format!("{other:?}: answers are 8, 16 or 32 bits")),
	}
}

impl StudyCommand {
	/// The command's name in outputs.
	pub fn name(&self) -> &'static str {
		match self {
			StudyCommand::Key { .. } => "study key",
			StudyCommand::Create(_) => "study create",
			StudyCommand::Contribute { .. } => "study contribute",
			StudyCommand::Tally { .. } => "study tally",
			StudyCommand::Show { .. } => "study show",
		}
	}
}

/// Runs a study subcommand.
pub async fn run(context: &Context, command: &StudyCommand) -> Result<Output, CliError> {
	match command {
		StudyCommand::Key { study } => key(context, *study).await,
		StudyCommand::Create(args) => create(context, args).await,
		StudyCommand::Contribute { id, value } => contribute(context, *id, *value).await,
		StudyCommand::Tally { id } => tally(context, *id).await,
		StudyCommand::Show { id } => show(context, *id).await,
	}
}

/// The key holder's secret for study `study` of the chain `genesis`, from their mnemonic:
/// 32 bytes of HKDF output with the top four bits cleared, a canonical scalar below 2^252.
pub fn study_secret(identity: &Identity, genesis: &[u8; 32], study: StudyId) -> Result<StudySecret, CliError> {
	let mut bytes: Zeroizing<[u8; 32]> =
		identity.derived_secret(&[b"study", genesis, &study.to_le_bytes()])?;
	bytes[31] &= 0x0f;
	StudySecret::from_bytes(&bytes)
		.ok_or_else(|| CliError::new(ErrorKind::Failure, "the derived study secret is not a scalar"))
}

/// The chain's next study id.
async fn next_study_id(chain: &Chain) -> Result<StudyId, CliError> {
	Ok(chain.storage::<StudyId>(PALLET, "NextStudyId", &[]).await?.unwrap_or(0))
}

/// Study `id`, or an error if there is none.
pub async fn fetch_study(chain: &Chain, id: StudyId) -> Result<StudyOf, CliError> {
	chain
		.storage::<StudyOf>(PALLET, "Studies", &twox64_concat(&id.encode()))
		.await?
		.ok_or_else(|| CliError::new(ErrorKind::Failure, format!("the chain has no study {id}")))
}

async fn key(context: &Context, study: Option<StudyId>) -> Result<Output, CliError> {
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let study = match study {
		Some(study) => study,
		None => next_study_id(&chain).await?,
	};
	let genesis = chain.genesis_hash();
	let secret = study_secret(&identity, &genesis, study)?;
	let key = secret.study_key(&study_base(&genesis, study));
	let holder = identity.account_id();
	Ok(Output::new(
		json!({ "study": study, "holder": ss58(&holder), "key": hex0x(&key) }),
		format!(
			"study key for study {study}: {}\nholder: {}\ngive both to the researcher: medchain study create --study {study} --holder {} --key {} ...\n",
			hex0x(&key),
			ss58(&holder),
			ss58(&holder),
			hex0x(&key)
		),
	))
}

async fn create(context: &Context, args: &CreateArgs) -> Result<Output, CliError> {
	let protocol = fs::read(&args.question).map_err(|error| {
		CliError::new(ErrorKind::Io, format!("{}: {error}", args.question.display()))
	})?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let next = next_study_id(&chain).await?;
	if next != args.study {
		return Err(CliError::new(
			ErrorKind::Failure,
			format!(
				"the key was made for study {} but the next study is {next}: ask the key holder for a key for study {next}",
				args.study
			),
		));
	}
	let question = StudyQuestion {
		question: H256(content_hash(&protocol)),
		category: args.category,
		confidentiality: args.confidentiality,
		value_bits: args.bits,
	};
	let holders: KeyHolders<AccountId, ConstU32<MAX_TRUSTEES>> =
		KeyHolders::Single { holder: args.holder, key: args.key };
	let now = u32::try_from(chain.finalized_number().await?).unwrap_or(u32::MAX);
	let deadline = now.saturating_add(args.duration);
	let call = Call::new(
		PALLET,
		"open_study",
		(question.clone(), holders, deadline, args.min_cohort, args.capacity),
	);
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	// StudyOpened { id, researcher, deadline }
	let (id, _, deadline) = finalized
		.event(PALLET, "StudyOpened")
		.ok_or_else(|| CliError::new(ErrorKind::Chain, "no StudyOpened event"))?
		.decode::<(StudyId, AccountId, u32)>()?;
	if id != args.study {
		return Err(CliError::new(
			ErrorKind::Failure,
			format!(
				"another study took id {}: this one opened as study {id}, which the key does not fit; remove it (`remove_study`, it is empty) and ask for a key for study {}",
				args.study,
				id.saturating_add(1)
			),
		));
	}
	Ok(Output::new(
		json!({
			"study": id,
			"question_hash": hex0x(&question.question.0),
			"holder": ss58(&args.holder),
			"deadline": deadline,
			"bits": args.bits,
			"min_cohort": args.min_cohort,
			"capacity": args.capacity,
		}),
		format!(
			"study {id} opened: {:?} answers below 2^{}, contributions until block {deadline}, decrypted by {} with at least {} contributions\n",
			args.category,
			args.bits,
			ss58(&args.holder),
			args.min_cohort
		),
	)
	.with_transaction("EncryptedStats.open_study", &finalized))
}

async fn contribute(context: &Context, id: StudyId, value: u64) -> Result<Output, CliError> {
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let study = fetch_study(&chain, id).await?;
	let bits = study.question.value_bits;
	if bits < 64 && value >> bits != 0 {
		return Err(CliError::usage(format!("study {id} takes values below 2^{bits}; {value} is not")));
	}
	// The study key: a single holder's, or the first Feldman commitment of the trustees'.
	let key = match &study.key_holders {
		KeyHolders::Single { key, .. } => *key,
		KeyHolders::Threshold { commitments, .. } => *commitments
			.first()
			.ok_or_else(|| CliError::new(ErrorKind::Failure, format!("study {id} has no key")))?,
	};
	let key = &key;
	let genesis = chain.genesis_hash();
	let submitter = identity.account_id();
	let proof_context = ProofContext { genesis, scope: id, submitter: &submitter };
	let base = study_base(&genesis, id);
	let bad_key = || CliError::new(ErrorKind::Failure, format!("study {id}'s key is not a valid point"));
	let (ciphertext, opening) = encrypt(&base, key, value, &mut OsRng).ok_or_else(bad_key)?;
	let validity = ValidityProof::prove(&proof_context, &base, key, &ciphertext, &opening, &mut OsRng)
		.ok_or_else(bad_key)?;
	let range = RangeProof::prove(&proof_context, key, &ciphertext, &opening, bits, &mut OsRng)
		.map_err(|error| CliError::new(ErrorKind::Failure, format!("range proof: {error}")))?;
	let range: BoundedVec<u8, ConstU32<MAX_RANGE_PROOF_LEN>> = range
		.0
		.try_into()
		.map_err(|_| CliError::new(ErrorKind::Failure, "the range proof is longer than the chain takes"))?;
	let encrypted = EncryptedValue { c: ciphertext.c, d: ciphertext.d };
	let call = Call::new(PALLET, "contribute", (id, encrypted, validity.0, range));
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let contributions = finalized
		.event(PALLET, "Contributed")
		.map(|event| event.decode::<(StudyId, u32)>().map(|(_, count)| count))
		.transpose()?;
	Ok(Output::new(
		json!({ "study": id, "contributions": contributions, "ciphertext": { "c": hex0x(&ciphertext.c), "d": hex0x(&ciphertext.d) } }),
		format!(
			"encrypted contribution to study {id} verified and added ({} so far); your value is not on chain\n",
			contributions.map_or_else(|| "?".to_owned(), |count| count.to_string())
		),
	)
	.with_transaction("EncryptedStats.contribute", &finalized))
}

/// The bits a total of `contributions` values below `2^value_bits` needs.
pub fn total_bits(value_bits: u32, contributions: u32) -> u32 {
	let extra = u32::BITS - contributions.leading_zeros();
	value_bits.saturating_add(extra).min(48)
}

async fn tally(context: &Context, id: StudyId) -> Result<Output, CliError> {
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let study = fetch_study(&chain, id).await?;
	let me = identity.account_id();
	match &study.key_holders {
		KeyHolders::Single { holder, .. } if holder == &me => {},
		KeyHolders::Single { holder, .. } => {
			return Err(CliError::usage(format!("only the key holder {} decrypts study {id}", ss58(holder))))
		},
		KeyHolders::Threshold { .. } => {
			return Err(CliError::usage(format!(
				"study {id} is decrypted by trustees' shares: use the medchain-crypto tool (see the README)"
			)))
		},
	}
	if let StudyStatus::Decrypted { total } = study.status {
		return Err(CliError::new(ErrorKind::Failure, format!("study {id} is already decrypted: total {total}")));
	}
	let genesis = chain.genesis_hash();
	let secret = study_secret(&identity, &genesis, id)?;
	let proof_context = ProofContext { genesis, scope: id, submitter: &me };
	let base = study_base(&genesis, id);
	let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
	let max_bits = total_bits(study.question.value_bits, study.contributions);
	let (total, proof) = secret
		.decrypt_and_prove(&proof_context, &base, &ciphertext, max_bits, &mut OsRng)
		.ok_or_else(|| {
			CliError::new(
				ErrorKind::Integrity,
				format!(
					"the total of study {id} does not decrypt with your key: was the study opened with the key `medchain study key --study {id}` printed for you?"
				),
			)
		})?;
	let call = Call::new(PALLET, "publish_total", (id, total, proof.0));
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	Ok(Output::new(
		json!({ "study": id, "total": total, "contributions": study.contributions }),
		format!("study {id}: total {total} over {} contributions, published with its proof\n", study.contributions),
	)
	.with_transaction("EncryptedStats.publish_total", &finalized))
}

async fn show(context: &Context, id: StudyId) -> Result<Output, CliError> {
	let chain = context.chain().await?;
	let study = fetch_study(&chain, id).await?;
	let (holders, holders_json) = match &study.key_holders {
		KeyHolders::Single { holder, key } => {
			(format!("key holder {}", ss58(holder)), json!({"single": {"holder": ss58(holder), "key": hex0x(key)}}))
		},
		KeyHolders::Threshold { threshold, trustees, .. } => (
			format!("{threshold} of {} trustees", trustees.len()),
			json!({"threshold": threshold, "trustees": trustees.iter().map(ss58).collect::<Vec<_>>()}),
		),
	};
	let status = match study.status {
		StudyStatus::Open => "open".to_owned(),
		StudyStatus::Decrypted { total } => format!("decrypted: total {total}"),
	};
	Ok(Output::new(
		json!({
			"study": id,
			"researcher": ss58(&study.researcher),
			"question_hash": hex0x(&study.question.question.0),
			"category": format!("{:?}", study.question.category),
			"confidentiality": format!("{:?}", study.question.confidentiality),
			"bits": study.question.value_bits,
			"key_holders": holders_json,
			"deadline": study.deadline,
			"min_cohort": study.min_cohort,
			"capacity": study.capacity,
			"contributions": study.contributions,
			"total": match study.status { StudyStatus::Decrypted { total } => Some(total), StudyStatus::Open => None },
		}),
		format!(
			"study {id} by {}: {:?} ({:?}) below 2^{}, {holders}\n{} of {} contributions (at least {}), deadline block {}, {status}\n",
			ss58(&study.researcher),
			study.question.category,
			study.question.confidentiality,
			study.question.value_bits,
			study.contributions,
			study.capacity,
			study.min_cohort,
			study.deadline,
		),
	))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn totals_get_room_for_every_contribution() {
		assert_eq!(total_bits(16, 0), 16);
		assert_eq!(total_bits(16, 1), 17);
		assert_eq!(total_bits(16, 20), 21);
		assert_eq!(total_bits(32, 1024), 43);
		assert_eq!(total_bits(32, u32::MAX), 48);
		// 20 values of 2^16 - 1 fit in 21 bits.
		assert!(20 * 65_535u64 < 1 << total_bits(16, 20));
	}

	#[test]
	fn study_secrets_are_per_identity_chain_and_study() {
		let alice = Identity::from_phrase(
			"bottom drive obey lake curtain smoke basket hold race lonely fit walk",
		)
		.unwrap();
		let bob = Identity::generate(crate::keys::WordCount::Twelve).unwrap();
		let key = |identity: &Identity, genesis: [u8; 32], study| {
			study_secret(identity, &genesis, study).unwrap().study_key(&study_base(&genesis, study))
		};
		assert_eq!(key(&alice, [1; 32], 3), key(&alice, [1; 32], 3));
		assert_ne!(key(&alice, [1; 32], 3), key(&alice, [1; 32], 4));
		assert_ne!(key(&alice, [1; 32], 3), key(&alice, [2; 32], 3));
		assert_ne!(key(&alice, [1; 32], 3), key(&bob, [1; 32], 3));
	}

	#[test]
	fn a_contribution_made_here_decrypts_with_the_derived_secret() {
		let holder = Identity::generate(crate::keys::WordCount::Twelve).unwrap();
		let (genesis, study) = ([7u8; 32], 5);
		let base = study_base(&genesis, study);
		let secret = study_secret(&holder, &genesis, study).unwrap();
		let key = secret.study_key(&base);
		let mut total = Ciphertext::zero();
		for value in [3u64, 65_535, 0] {
			let (ciphertext, _) = encrypt(&base, &key, value, &mut OsRng).unwrap();
			total = total.add(&ciphertext).unwrap();
		}
		let submitter = [9u8; 32];
		let context = ProofContext { genesis, scope: study, submitter: &submitter };
		let (sum, _) = secret.decrypt_and_prove(&context, &base, &total, total_bits(16, 3), &mut OsRng).unwrap();
		assert_eq!(sum, 65_538);
	}
}
