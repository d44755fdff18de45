//! `medchain study`: research on encrypted values (pallet `EncryptedStats`, issue 6) with
//! `medchain-crypto`: a key holder's study key, opening a study, contributing an encrypted
//! value with its proofs, and the key holder's verified decryption of the total.
//!
//! A key holder's study secret is derived from their mnemonic, the chain's genesis hash and
//! the study id ([`study_secret`]): `study key` prints the key to give the researcher, `study
//! tally` derives the same secret again, so there is nothing to store or lose beside the
//! mnemonic. The study's base point depends on its id, so a key is made for the id the study
//! will get (the chain's next study id); `study create` refuses to open a study under another
//! id.
//!
//! Threshold studies: a dealer (e.g. the ethics board) runs `study deal`, which splits a fresh
//! study secret into Shamir shares for the trustees (any `t` of `n` decrypt, fewer learn
//! nothing), seals each share to its trustee's X25519 key (the key envelope format of records,
//! bound to the chain, the study and the trustee's index) and writes them with the public
//! Feldman commitments to a deal file; the secret itself is never written. The researcher opens
//! the study with `study create --deal`; after the deadline each trustee runs `study share`
//! (a proven decryption share, checked on chain) and anyone runs `study tally`, which combines
//! the shares on chain, solves the total and publishes it. The dealer knows the secret while
//! dealing: a distributed key generation without a dealer is not implemented.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use curve25519_dalek::ristretto::CompressedRistretto;
use medchain_crypto::{
	encrypt, solve_discrete_log, study_base, threshold, Ciphertext, Context as ProofContext, RangeProof,
	StudySecret, ValidityProof,
};
use medchain_primitives::{
	health::{Confidentiality, RecordCategory},
	roles::ParticipantInfo,
	stats::{EncryptedValue, KeyHolders, Study, StudyId, StudyQuestion, StudyStatus},
};
use serde::{Deserialize, Serialize};
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
	envelope::{content_hash, open_key, seal_key, RecordKey},
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
	/// As a registered researcher: open a study whose total only the key holder (or the
	/// trustees of a deal) decrypt.
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
	/// As a dealer: split a fresh study secret among trustees, any --threshold of whom
	/// decrypt; writes the sealed shares and the public commitments to --out.
	Deal(DealArgs),
	/// As a trustee of a threshold study, after the deadline: submit your proven decryption
	/// share.
	Share {
		/// The study id.
		id: StudyId,
		/// The deal file (`study deal` wrote it).
		#[arg(long, value_name = "FILE")]
		deal: PathBuf,
	},
	/// After the deadline: as the key holder, decrypt the total and publish it with its proof;
	/// for a threshold study (anyone), combine the trustees' shares and publish the total.
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

/// `study deal`.
#[derive(Debug, Args)]
pub struct DealArgs {
	/// The study id the shares are for [default: the chain's next study id].
	#[arg(long)]
	pub study: Option<StudyId>,
	/// How many trustees' shares decrypt.
	#[arg(long)]
	pub threshold: u32,
	/// The trustees, comma separated (SS58 or 0x hex), trustee 1 first.
	#[arg(long, value_delimiter = ',', required = true, value_parser = parse_account)]
	pub trustees: Vec<AccountId>,
	/// Their X25519 keys, comma separated, in the same order [default: each trustee's
	/// encryption key in the participants registry].
	#[arg(long, value_delimiter = ',', value_parser = parse_hex32)]
	pub x25519: Vec<[u8; 32]>,
	/// The deal file to write.
	#[arg(long, value_name = "FILE")]
	pub out: PathBuf,
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
	#[arg(long, value_parser = parse_account, required_unless_present = "deal", conflicts_with = "deal", requires = "key")]
	pub holder: Option<AccountId>,
	/// The key holder's study key (`medchain study key` prints it).
	#[arg(long, value_parser = parse_hex32, requires = "holder")]
	pub key: Option<[u8; 32]>,
	/// Trustees instead of one key holder: the deal file of `study deal`.
	#[arg(long, value_name = "FILE")]
	pub deal: Option<PathBuf>,
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
			StudyCommand::Deal(_) => "study deal",
			StudyCommand::Share { .. } => "study share",
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
		StudyCommand::Deal(args) => deal(context, args).await,
		StudyCommand::Share { id, deal } => share(context, *id, deal).await,
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
	let holders: KeyHolders<AccountId, ConstU32<MAX_TRUSTEES>> = match (&args.deal, args.holder, args.key) {
		(Some(path), _, _) => {
			let deal = DealFile::read(path)?;
			if deal.study != args.study {
				return Err(CliError::usage(format!(
					"the deal file is for study {}, not {}",
					deal.study, args.study
				)));
			}
			deal.key_holders()?
		},
		(None, Some(holder), Some(key)) => KeyHolders::Single { holder, key },
		_ => return Err(CliError::usage("give --holder and --key, or --deal")),
	};
	let decrypted_by = match &holders {
		KeyHolders::Single { holder, .. } => ss58(holder),
		KeyHolders::Threshold { threshold, trustees, .. } => format!("{threshold} of {} trustees", trustees.len()),
	};
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
			"decrypted_by": decrypted_by,
			"deadline": deadline,
			"bits": args.bits,
			"min_cohort": args.min_cohort,
			"capacity": args.capacity,
		}),
		format!(
			"study {id} opened: {:?} answers below 2^{}, contributions until block {deadline}, decrypted by {} with at least {} contributions\n",
			args.category,
			args.bits,
			decrypted_by,
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
	let (call, ciphertext) =
		contribute_call(&chain.genesis_hash(), id, &key, &identity.account_id(), value, bits)?;
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

/// `EncryptedStats.contribute` of `value` to study `id` (study key `key`) of the chain
/// `genesis` by `submitter`: the value encrypted with fresh randomness, with its validity proof
/// and its `bits`-bit range proof, both bound to the submitter, the study and the chain. Also
/// the ciphertext.
pub fn contribute_call(
	genesis: &[u8; 32],
	id: StudyId,
	key: &medchain_primitives::stats::Point,
	submitter: &AccountId,
	value: u64,
	bits: u32,
) -> Result<(Call, Ciphertext), CliError> {
	let proof_context = ProofContext { genesis: *genesis, scope: id, submitter };
	let base = study_base(genesis, id);
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
	Ok((Call::new(PALLET, "contribute", (id, encrypted, validity.0, range)), ciphertext))
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
	if let StudyStatus::Decrypted { total } = study.status {
		return Err(CliError::new(ErrorKind::Failure, format!("study {id} is already decrypted: total {total}")));
	}
	let genesis = chain.genesis_hash();
	let base = study_base(&genesis, id);
	let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
	let max_bits = total_bits(study.question.value_bits, study.contributions);
	let (call, name, total, how) = match &study.key_holders {
		KeyHolders::Single { holder, .. } if holder == &me => {
			let secret = study_secret(&identity, &genesis, id)?;
			let proof_context = ProofContext { genesis, scope: id, submitter: &me };
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
			(call, "EncryptedStats.publish_total", total, "decrypted with your key, proven".to_owned())
		},
		KeyHolders::Single { holder, .. } => {
			return Err(CliError::usage(format!("only the key holder {} decrypts study {id}", ss58(holder))))
		},
		KeyHolders::Threshold { threshold, trustees, .. } => {
			let mut shares = Vec::new();
			for index in 1..=trustees.len() as u32 {
				let key = [twox64_concat(&id.encode()), twox64_concat(&index.encode())].concat();
				if let Some(share) = chain.storage::<[u8; 32]>(PALLET, "DecryptionShares", &key).await? {
					shares.push((index, share));
				}
			}
			if shares.len() < *threshold as usize {
				return Err(CliError::new(
					ErrorKind::Failure,
					format!(
						"study {id} has {} of the {threshold} trustee shares it needs: trustees run `medchain study share {id} --deal <file>`",
						shares.len()
					),
				));
			}
			shares.truncate(*threshold as usize);
			let total = threshold_total(&ciphertext, &shares, max_bits).ok_or_else(|| {
				CliError::new(ErrorKind::Integrity, format!("the trustees' shares of study {id} do not decrypt its total"))
			})?;
			let call = Call::new(PALLET, "publish_threshold_total", (id, total));
			let indexes: Vec<String> = shares.iter().map(|(index, _)| index.to_string()).collect();
			(call, "EncryptedStats.publish_threshold_total", total, format!("combined from trustees {}", indexes.join(", ")))
		},
	};
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	Ok(Output::new(
		json!({ "study": id, "total": total, "contributions": study.contributions }),
		format!("study {id}: total {total} over {} contributions ({how}), published\n", study.contributions),
	)
	.with_transaction(name, &finalized))
}

/// The total of `ciphertext` from trustees' decryption shares `(index, y_i * D)` (as many as
/// the threshold): `C - y * D = total * B`, solved below `2^max_bits`.
pub fn threshold_total(ciphertext: &Ciphertext, shares: &[(u32, [u8; 32])], max_bits: u32) -> Option<u64> {
	let combined = threshold::combine(shares)?;
	let c = CompressedRistretto(ciphertext.c).decompress()?;
	let total = solve_discrete_log(&(c - combined), max_bits)?;
	threshold::total_matches(ciphertext, &combined, total).then_some(total)
}

/// What binds a trustee's sealed share: the chain, the study and the trustee's index.
pub fn share_binding(genesis: &[u8; 32], study: StudyId, index: u32) -> [u8; 32] {
	content_hash(&[&b"medchain/study-share/v1"[..], genesis, &study.to_le_bytes(), &index.to_le_bytes()].concat())
}

/// A deal file: the public commitments, and each trustee's share sealed to their X25519 key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFile {
	/// `"medchain-study-deal"`.
	pub format: String,
	/// 1.
	pub version: u32,
	/// The chain's genesis hash, `0x` hex.
	pub genesis: String,
	/// The study id the shares are for.
	pub study: StudyId,
	/// How many shares decrypt.
	pub threshold: u32,
	/// The Feldman commitments, `0x` hex; the first is the study key.
	pub commitments: Vec<String>,
	/// The trustees in order (trustee `i + 1` at position `i`).
	pub trustees: Vec<DealtShare>,
}

/// One trustee's entry of a [`DealFile`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealtShare {
	/// The trustee's account, SS58.
	pub account: String,
	/// Their index, from 1.
	pub index: u32,
	/// The X25519 key the share is sealed to, `0x` hex.
	pub x25519: String,
	/// The share in a key envelope (`MCE1`) bound to [`share_binding`], `0x` hex.
	pub share: String,
}

impl DealFile {
	/// The file's format name.
	pub const FORMAT: &'static str = "medchain-study-deal";

	/// The deal file at `path`.
	pub fn read(path: &std::path::Path) -> Result<Self, CliError> {
		let text = fs::read(path)
			.map_err(|error| CliError::new(ErrorKind::Io, format!("{}: {error}", path.display())))?;
		let deal: Self = serde_json::from_slice(&text)
			.map_err(|error| CliError::usage(format!("{} is not a deal file: {error}", path.display())))?;
		if deal.format != Self::FORMAT || deal.version != 1 {
			return Err(CliError::usage(format!("{} is not a version 1 deal file", path.display())));
		}
		Ok(deal)
	}

	/// The commitments as points' bytes.
	pub fn commitment_bytes(&self) -> Result<Vec<[u8; 32]>, CliError> {
		self.commitments.iter().map(|c| parse_hex32(c).map_err(CliError::usage)).collect()
	}

	/// The key holders `open_study` takes for this deal.
	pub fn key_holders(&self) -> Result<KeyHolders<AccountId, ConstU32<MAX_TRUSTEES>>, CliError> {
		let trustees: Vec<AccountId> = self
			.trustees
			.iter()
			.map(|t| parse_account(&t.account).map_err(CliError::usage))
			.collect::<Result<_, _>>()?;
		let too_many = || CliError::usage(format!("at most {MAX_TRUSTEES} trustees"));
		Ok(KeyHolders::Threshold {
			threshold: self.threshold,
			trustees: trustees.try_into().map_err(|_| too_many())?,
			commitments: self.commitment_bytes()?.try_into().map_err(|_| too_many())?,
		})
	}
}

async fn deal(context: &Context, args: &DealArgs) -> Result<Output, CliError> {
	let count = u32::try_from(args.trustees.len()).unwrap_or(u32::MAX);
	if count > MAX_TRUSTEES || args.threshold == 0 || args.threshold > count {
		return Err(CliError::usage(format!(
			"1 <= --threshold <= trustees <= {MAX_TRUSTEES} ({} of {count} given)",
			args.threshold
		)));
	}
	if normalized_len(&args.trustees) != args.trustees.len() {
		return Err(CliError::usage("the trustees must be distinct"));
	}
	if !args.x25519.is_empty() && args.x25519.len() != args.trustees.len() {
		return Err(CliError::usage("give one --x25519 key per trustee, or none"));
	}
	let chain = context.chain().await?;
	let study = match args.study {
		Some(study) => study,
		None => next_study_id(&chain).await?,
	};
	let mut keys = args.x25519.clone();
	if keys.is_empty() {
		for trustee in &args.trustees {
			let info: Option<ParticipantInfo<u32>> =
				chain.runtime_call("ParticipantsApi_participant", &trustee.encode()).await?;
			let info = info.ok_or_else(|| {
				CliError::usage(format!(
					"trustee {} is not in the participants registry: give their X25519 keys with --x25519",
					ss58(trustee)
				))
			})?;
			keys.push(info.encryption_key);
		}
	}
	let genesis = chain.genesis_hash();
	let base = study_base(&genesis, study);
	let secret = StudySecret::generate(&mut OsRng);
	let (commitments, shares) = threshold::deal(&secret, &base, args.threshold, count, &mut OsRng)
		.ok_or_else(|| CliError::usage("the threshold does not fit the trustees"))?;
	drop(secret);
	let mut dealt = Vec::with_capacity(shares.len());
	for (position, share) in shares.iter().enumerate() {
		let index = position as u32 + 1;
		let sealed = seal_key(
			&RecordKey::from_bytes(share.to_bytes()),
			&keys[position],
			&share_binding(&genesis, study, index),
		)?;
		dealt.push(DealtShare {
			account: ss58(&args.trustees[position]),
			index,
			x25519: hex0x(&keys[position]),
			share: hex0x(&sealed),
		});
	}
	let file = DealFile {
		format: DealFile::FORMAT.into(),
		version: 1,
		genesis: hex0x(&genesis),
		study,
		threshold: args.threshold,
		commitments: commitments.iter().map(|c| hex0x(c)).collect(),
		trustees: dealt,
	};
	let text = serde_json::to_vec_pretty(&file).map_err(|e| CliError::new(ErrorKind::Failure, e.to_string()))?;
	fs::write(&args.out, text)
		.map_err(|error| CliError::new(ErrorKind::Io, format!("{}: {error}", args.out.display())))?;
	Ok(Output::new(
		json!({ "study": study, "threshold": args.threshold, "trustees": count, "key": file.commitments[0], "out": args.out.display().to_string() }),
		format!(
			"study {study}: {count} shares, any {} of which decrypt, sealed to the trustees in {}; the study secret was not kept\nthe researcher opens it with: medchain study create --study {study} --deal {} ...\n",
			args.threshold,
			args.out.display(),
			args.out.display()
		),
	))
}

/// How many distinct accounts.
fn normalized_len(accounts: &[AccountId]) -> usize {
	let mut sorted = accounts.to_vec();
	sorted.sort();
	sorted.dedup();
	sorted.len()
}

async fn share(context: &Context, id: StudyId, path: &std::path::Path) -> Result<Output, CliError> {
	let deal = DealFile::read(path)?;
	if deal.study != id {
		return Err(CliError::usage(format!("the deal file is for study {}, not {id}", deal.study)));
	}
	let (_, identity) = context.unlock()?;
	let me = identity.account_id();
	let chain = context.chain().await?;
	let study = fetch_study(&chain, id).await?;
	let genesis = chain.genesis_hash();
	if hex0x(&genesis) != deal.genesis {
		return Err(CliError::usage("the deal file is for another chain"));
	}
	let KeyHolders::Threshold { trustees, commitments, .. } = &study.key_holders else {
		return Err(CliError::usage(format!("study {id} has a single key holder, not trustees")));
	};
	let position = trustees
		.iter()
		.position(|t| t == &me)
		.ok_or_else(|| CliError::usage(format!("you are not a trustee of study {id}")))?;
	let index = position as u32 + 1;
	let entry = deal
		.trustees
		.iter()
		.find(|t| t.index == index)
		.ok_or_else(|| CliError::usage(format!("the deal file has no share for trustee {index}")))?;
	let sealed = hex::decode(entry.share.trim_start_matches("0x"))
		.map_err(|_| CliError::usage("the sealed share is not hex"))?;
	let opened = open_key(&sealed, identity.x25519_secret(), &share_binding(&genesis, id, index))?;
	let secret = StudySecret::from_bytes(opened.as_bytes())
		.ok_or_else(|| CliError::new(ErrorKind::Integrity, "the opened share is not a scalar"))?;
	let base = study_base(&genesis, id);
	if threshold::trustee_key(commitments, index) != Some(secret.study_key(&base)) {
		return Err(CliError::new(
			ErrorKind::Integrity,
			format!("your share does not match study {id}'s commitments: the deal file is not this study's"),
		));
	}
	let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
	let proof_context = ProofContext { genesis, scope: id, submitter: &me };
	let decryption = threshold::DecryptionShare::create(&proof_context, &base, &secret, index, &ciphertext, &mut OsRng)
		.ok_or_else(|| CliError::new(ErrorKind::Failure, format!("study {id}'s total is not a valid ciphertext")))?;
	let call = Call::new(PALLET, "submit_share", (id, decryption.share, decryption.proof));
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	Ok(Output::new(
		json!({ "study": id, "trustee": index }),
		format!("decryption share of trustee {index} for study {id} verified on chain\n"),
	)
	.with_transaction("EncryptedStats.submit_share", &finalized))
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

	#[test]
	fn two_of_three_trustees_decrypt_what_patients_contributed() {
		let (genesis, study) = ([3u8; 32], 9);
		let base = study_base(&genesis, study);
		let secret = StudySecret::generate(&mut OsRng);
		let (commitments, shares) = threshold::deal(&secret, &base, 2, 3, &mut OsRng).unwrap();
		let key = commitments[0];
		let mut total = Ciphertext::zero();
		for value in [120u64, 95, 0, 65_535] {
			total = total.add(&encrypt(&base, &key, value, &mut OsRng).unwrap().0).unwrap();
		}
		let trustee = [5u8; 32];
		let context = ProofContext { genesis, scope: study, submitter: &trustee };
		let share = |index: u32| {
			let made = threshold::DecryptionShare::create(&context, &base, &shares[index as usize - 1], index, &total, &mut OsRng).unwrap();
			assert!(made.verify(&context, &base, &commitments, &total), "the chain would accept it");
			(index, made.share)
		};
		let bits = total_bits(16, 4);
		assert_eq!(threshold_total(&total, &[share(1), share(3)], bits), Some(65_750));
		assert_eq!(threshold_total(&total, &[share(3), share(2)], bits), Some(65_750));
		// One share alone decrypts nothing.
		assert_eq!(threshold_total(&total, &[share(2)], bits), None);
	}

	#[test]
	fn shares_are_sealed_to_their_trustee_and_bound_to_chain_study_and_index() {
		let trustee = Identity::generate(crate::keys::WordCount::Twelve).unwrap();
		let (genesis, study) = ([4u8; 32], 2);
		let share = StudySecret::generate(&mut OsRng);
		let binding = share_binding(&genesis, study, 1);
		let sealed = seal_key(&RecordKey::from_bytes(share.to_bytes()), &trustee.x25519_public(), &binding).unwrap();
		let opened = open_key(&sealed, trustee.x25519_secret(), &binding).unwrap();
		assert_eq!(opened.as_bytes(), &share.to_bytes());
		for other in [share_binding(&genesis, study, 2), share_binding(&genesis, 3, 1), share_binding(&[5; 32], study, 1)] {
			assert!(open_key(&sealed, trustee.x25519_secret(), &other).is_err());
		}
		let stranger = Identity::generate(crate::keys::WordCount::Twelve).unwrap();
		assert!(open_key(&sealed, stranger.x25519_secret(), &binding).is_err());
	}

	#[test]
	fn deal_files_give_the_key_holders_open_study_takes() {
		let file = DealFile {
			format: DealFile::FORMAT.into(),
			version: 1,
			genesis: hex0x(&[1; 32]),
			study: 4,
			threshold: 2,
			commitments: vec![hex0x(&[7; 32]), hex0x(&[8; 32])],
			trustees: (1..=3u8)
				.map(|i| DealtShare { account: ss58(&[i; 32]), index: u32::from(i), x25519: hex0x(&[i; 32]), share: "0x00".into() })
				.collect(),
		};
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("deal.json");
		fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
		assert_eq!(DealFile::read(&path).unwrap(), file);
		let KeyHolders::Threshold { threshold, trustees, commitments } = file.key_holders().unwrap() else {
			panic!("not a threshold")
		};
		assert_eq!((threshold, trustees.len(), commitments[0]), (2, 3, [7; 32]));
		assert_eq!(trustees[0], [1; 32]);
		fs::write(&path, br#"{"format": "something else"}"#).unwrap();
		assert_eq!(DealFile::read(&path).unwrap_err().kind, ErrorKind::Usage);
	}
}
