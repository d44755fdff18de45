//! `medchain consent`: consents and access requests on chain, and the consent check.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_primitives::{
	consent::{
		audit_link, AccessQuery, AccessRequest, AuditHead, Consent, ConsentDecision, ConsentId,
		ConsentTerms, DataScope, EmergencyAccess, EmergencyId, EmergencyPolicy, EmergencyReason,
		Grantee, Period, RequestId, RequestedAccess, ReviewVerdict,
	},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory, RecordId},
};
use serde_json::json;
use sp_core::{bounded::BoundedVec, ConstU32, Get};

use super::{
	args::{
		hex0x, normalized, parse_account, parse_action, parse_category, parse_code,
		parse_confidentiality, parse_purpose, ss58,
	},
	output::{EXIT_DENIED, EXIT_INTEGRITY},
	CliError, Context, ErrorKind, Output,
};
use crate::{
	chain::{Call, Chain, LogEntry},
	envelope::content_hash,
	keys::AccountId,
};

/// The runtime's most records a consent or request may list (`MAX_SCOPE_RECORDS` in
/// `runtime/src/configs/medchain.rs`).
pub const MAX_SCOPE_RECORDS: u32 = 32;

/// How many consents or requests one runtime API page asks for.
const PAGE: u32 = 100;

type MaxRecords = ConstU32<MAX_SCOPE_RECORDS>;
/// What a consent says, as the pallet takes it.
pub type Terms = ConsentTerms<AccountId, u32, MaxRecords>;
/// A consent as the runtime API answers it.
pub type ConsentOf = Consent<AccountId, u128, u32, MaxRecords>;
/// What a request asks for.
pub type Access = RequestedAccess<u32, MaxRecords>;
/// A pending request as the runtime API answers it.
pub type RequestOf = AccessRequest<AccountId, u128, u32, MaxRecords>;
/// The runtime's `MaxEmergencyDelegates` (`MAX_EMERGENCY_DELEGATES`).
pub const MAX_EMERGENCY_DELEGATES: u32 = 8;
/// A patient's emergency policy, as the pallet takes it.
pub type Policy = EmergencyPolicy<AccountId, ConstU32<MAX_EMERGENCY_DELEGATES>>;
/// An emergency access as the runtime API answers it.
pub type EmergencyOf = EmergencyAccess<AccountId, u32>;

/// The consent subcommands.
#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
	/// Grant a consent over your own data (a permit, or a deny with --deny).
	Grant(GrantArgs),
	/// Revoke one of your consents.
	Revoke {
		/// The consent id.
		id: ConsentId,
	},
	/// Ask the chain whether an access is permitted (runtime API; no identity needed). Exits 0
	/// on Permit, 6 on Deny.
	Check(CheckArgs),
	/// Ask a patient for access (registered providers and researchers).
	Request(RequestArgs),
	/// List the access requests pending for a patient.
	Requests {
		/// The patient [default: the signing identity].
		#[arg(long, value_parser = parse_account)]
		patient: Option<AccountId>,
	},
	/// Approve one of the requests pending for you: a permit consent for the requester.
	Approve {
		/// The request id.
		id: RequestId,
	},
	/// Deny one of the requests pending for you.
	Deny {
		/// The request id.
		id: RequestId,
	},
	/// Emergency ("break-glass") access: start, end, review, list, and a patient's policy.
	#[command(subcommand)]
	Emergency(EmergencyCommand),
	/// A patient's access log: the head of its hash chain on chain, and the entries logged in
	/// a range of blocks (from the chain's events), checked link by link against that head.
	Log(LogArgs),
}

/// `consent emergency ...`.
#[derive(Debug, Subcommand)]
pub enum EmergencyCommand {
	/// Break the glass (registered emergency responders): emergency-treatment access to a
	/// patient's data for the chain's emergency period, reviewed afterwards.
	Start {
		/// The patient (SS58 or 0x hex).
		#[arg(long, value_parser = parse_account)]
		patient: AccountId,
		/// PatientIncapacitated, LifeThreatening, ImminentHarmToOthers, PatientUnreachable or
		/// PublicHealthEmergency.
		#[arg(long, value_parser = parse_reason)]
		reason: EmergencyReason,
		/// A written justification, kept off chain: only its BLAKE2-256 hash goes on chain.
		#[arg(long, value_name = "FILE")]
		justification: Option<PathBuf>,
	},
	/// End your emergency access before it expires.
	End {
		/// The emergency access id.
		id: EmergencyId,
	},
	/// Review an emergency access (privacy officers): Justified, or Unjustified (ends it and
	/// is recorded against the provider).
	Review {
		/// The emergency access id.
		id: EmergencyId,
		/// Justified or Unjustified.
		#[arg(long, value_parser = parse_verdict)]
		verdict: ReviewVerdict,
		/// The off-chain report of the finding: only its hash goes on chain.
		#[arg(long, value_name = "FILE")]
		finding: Option<PathBuf>,
	},
	/// The emergency accesses in force for a patient (runtime API).
	List {
		/// The patient [default: the signing identity].
		#[arg(long, value_parser = parse_account)]
		patient: Option<AccountId>,
	},
	/// Set your emergency policy: anyone registered as an emergency responder may break the
	/// glass (allow, the default), nobody (deny), or only the responders you name.
	Policy {
		/// allow, deny or only.
		#[arg(value_parser = ["allow", "deny", "only"])]
		policy: String,
		/// With `only`: the responders, comma separated (SS58 or 0x hex).
		#[arg(long, value_delimiter = ',', value_parser = parse_account)]
		delegates: Vec<AccountId>,
	},
}

/// `consent log`.
#[derive(Debug, Args)]
pub struct LogArgs {
	/// The patient [default: the signing identity].
	#[arg(long, value_parser = parse_account)]
	pub patient: Option<AccountId>,
	/// The first block to read log entries from.
	#[arg(long, value_name = "BLOCK", default_value_t = 1)]
	pub from_block: u64,
	/// The last block to read [default: the latest finalized block].
	#[arg(long, value_name = "BLOCK")]
	pub to_block: Option<u64>,
}

/// What a consent or a request covers.
#[derive(Debug, Args)]
pub struct AccessArgs {
	/// Actions, comma separated: Access, Collect, Use, Disclose, Correct.
	#[arg(long, value_delimiter = ',', required = true, value_parser = parse_action)]
	pub actions: Vec<Action>,
	/// Purposes of use, comma separated, e.g. Treatment,Research.
	#[arg(long, value_delimiter = ',', required = true, value_parser = parse_purpose)]
	pub purposes: Vec<PurposeOfUse>,
	/// The highest confidentiality label opened.
	#[arg(long, value_parser = parse_confidentiality, default_value = "Normal")]
	pub ceiling: Confidentiality,
	/// Only these records, comma separated ids [default: all data].
	#[arg(long, value_delimiter = ',', conflicts_with = "categories")]
	pub records: Vec<RecordId>,
	/// Only data of these categories, comma separated [default: all data].
	#[arg(long, value_delimiter = ',', value_parser = parse_category)]
	pub categories: Vec<RecordCategory>,
	/// In force from this block [default: 0].
	#[arg(long, value_name = "BLOCK", default_value_t = 0)]
	pub from: u32,
	/// In force until this block (excluded) [default: no end].
	#[arg(long, value_name = "BLOCK")]
	pub until: Option<u32>,
}

/// `consent grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
	/// The grantee's account (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub to: AccountId,
	/// What it covers.
	#[command(flatten)]
	pub access: AccessArgs,
	/// A deny consent (wins over any permit) instead of a permit.
	#[arg(long)]
	pub deny: bool,
}

/// `consent check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
	/// The patient (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub patient: AccountId,
	/// Who would access (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub accessor: AccountId,
	/// The action.
	#[arg(long, value_parser = parse_action, default_value = "Access")]
	pub action: Action,
	/// The purpose of use.
	#[arg(long, value_parser = parse_purpose, default_value = "Treatment")]
	pub purpose: PurposeOfUse,
	/// One record (else --category).
	#[arg(long, conflicts_with = "category")]
	pub record: Option<RecordId>,
	/// A category of data, e.g. before writing a new record.
	#[arg(long, value_parser = parse_category)]
	pub category: Option<RecordCategory>,
	/// The label of that category's data.
	#[arg(long, value_parser = parse_confidentiality, default_value = "Normal")]
	pub confidentiality: Confidentiality,
}

/// `consent request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
	/// The patient asked (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub patient: AccountId,
	/// What is asked for.
	#[command(flatten)]
	pub access: AccessArgs,
	/// The justification, kept off-chain: only its BLAKE2-256 hash goes on chain.
	#[arg(long, value_name = "FILE")]
	pub justification: PathBuf,
}

impl ConsentCommand {
	/// The command's name in outputs.
	pub fn name(&self) -> &'static str {
		match self {
			ConsentCommand::Grant(_) => "consent grant",
			ConsentCommand::Revoke { .. } => "consent revoke",
			ConsentCommand::Check(_) => "consent check",
			ConsentCommand::Request(_) => "consent request",
			ConsentCommand::Requests { .. } => "consent requests",
			ConsentCommand::Approve { .. } => "consent approve",
			ConsentCommand::Deny { .. } => "consent deny",
			ConsentCommand::Emergency(EmergencyCommand::Start { .. }) => "consent emergency start",
			ConsentCommand::Emergency(EmergencyCommand::End { .. }) => "consent emergency end",
			ConsentCommand::Emergency(EmergencyCommand::Review { .. }) => "consent emergency review",
			ConsentCommand::Emergency(EmergencyCommand::List { .. }) => "consent emergency list",
			ConsentCommand::Emergency(EmergencyCommand::Policy { .. }) => "consent emergency policy",
			ConsentCommand::Log(_) => "consent log",
		}
	}
}

/// Runs a consent subcommand.
pub async fn run(context: &Context, command: &ConsentCommand) -> Result<Output, CliError> {
	match command {
		ConsentCommand::Grant(args) => grant(context, args).await,
		ConsentCommand::Revoke { id } => {
			let (_, identity) = context.unlock()?;
			let chain = context.chain().await?;
			let call = Call::new("Consent", "revoke_consent", (*id,));
			let finalized = context.submit(&chain, &call, identity.keypair()).await?;
			Ok(Output::new(json!({"consent_id": id}), format!("consent {id} revoked\n"))
				.with_transaction("Consent.revoke_consent", &finalized))
		},
		ConsentCommand::Check(args) => check(context, args).await,
		ConsentCommand::Request(args) => request(context, args).await,
		ConsentCommand::Requests { patient } => requests(context, patient.as_ref()).await,
		ConsentCommand::Approve { id } => {
			let (_, identity) = context.unlock()?;
			let chain = context.chain().await?;
			let call = Call::new("Consent", "approve_request", (*id, None::<Access>));
			let finalized = context.submit(&chain, &call, identity.keypair()).await?;
			// RequestApproved { id, consent, narrowed }
			let consent = finalized
				.event("Consent", "RequestApproved")
				.map(|event| event.decode::<(RequestId, ConsentId)>().map(|(_, consent)| consent))
				.transpose()?;
			let consent_text = consent.map_or_else(|| "unknown".to_owned(), |c| c.to_string());
			Ok(Output::new(
				json!({"request_id": id, "consent_id": consent}),
				format!("request {id} approved: consent {consent_text}\n"),
			)
			.with_transaction("Consent.approve_request", &finalized))
		},
		ConsentCommand::Deny { id } => {
			let (_, identity) = context.unlock()?;
			let chain = context.chain().await?;
			let call = Call::new("Consent", "deny_request", (*id,));
			let finalized = context.submit(&chain, &call, identity.keypair()).await?;
			Ok(Output::new(json!({"request_id": id}), format!("request {id} denied\n"))
				.with_transaction("Consent.deny_request", &finalized))
		},
		ConsentCommand::Emergency(command) => emergency(context, command).await,
		ConsentCommand::Log(args) => access_log(context, args).await,
	}
}

/// An emergency reason by name, e.g. `LifeThreatening`.
pub fn parse_reason(text: &str) -> Result<EmergencyReason, String> {
	const ALL: &[EmergencyReason] = &[
		EmergencyReason::PatientIncapacitated,
		EmergencyReason::LifeThreatening,
		EmergencyReason::ImminentHarmToOthers,
		EmergencyReason::PatientUnreachable,
		EmergencyReason::PublicHealthEmergency,
	];
	parse_code(ALL, text, "emergency reason")
}

/// A review verdict by name: `Justified` or `Unjustified`.
pub fn parse_verdict(text: &str) -> Result<ReviewVerdict, String> {
	parse_code(&[ReviewVerdict::Justified, ReviewVerdict::Unjustified], text, "verdict")
}

/// The BLAKE2-256 hash of the file at `path`, if one is named.
fn file_hash(path: Option<&PathBuf>) -> Result<Option<[u8; 32]>, CliError> {
	path.map(|path| {
		fs::read(path)
			.map(|bytes| content_hash(&bytes))
			.map_err(|error| CliError::new(ErrorKind::Io, format!("{}: {error}", path.display())))
	})
	.transpose()
}

async fn emergency(context: &Context, command: &EmergencyCommand) -> Result<Output, CliError> {
	if let EmergencyCommand::List { patient } = command {
		let patient = match patient {
			Some(patient) => *patient,
			None => context.unlock()?.1.account_id(),
		};
		let chain = context.chain().await?;
		let active: Vec<(EmergencyId, EmergencyOf)> =
			chain.runtime_call("ConsentApi_active_emergencies", &patient.encode()).await?;
		let mut text = format!("emergency accesses in force for {} ({}):\n", ss58(&patient), active.len());
		for (id, access) in &active {
			text.push_str(&format!(
				"{id:>6}  {} {:?} from block {} until {}{}\n",
				ss58(&access.provider),
				access.reason,
				access.started,
				access.expires_at,
				access.review.as_ref().map_or_else(String::new, |(verdict, _)| format!(", reviewed {verdict:?}")),
			));
		}
		let listed: Vec<_> = active
			.iter()
			.map(|(id, access)| {
				json!({
					"id": id,
					"provider": ss58(&access.provider),
					"reason": format!("{:?}", access.reason),
					"justification_hash": access.justification_hash.map(|hash| hex0x(&hash.0)),
					"started": access.started,
					"expires_at": access.expires_at,
					"review": access.review.as_ref().map(|(verdict, reviewer)| json!({"verdict": format!("{verdict:?}"), "reviewer": ss58(reviewer)})),
				})
			})
			.collect();
		return Ok(Output::new(json!({"patient": ss58(&patient), "emergencies": listed}), text));
	}
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let (call, name, fields, text) = match command {
		EmergencyCommand::Start { patient, reason, justification } => {
			let justification = file_hash(justification.as_ref())?.map(sp_core::H256);
			(
				Call::new("Consent", "invoke_emergency_access", ((0u8, *patient), *reason, justification)),
				"Consent.invoke_emergency_access",
				json!({"patient": ss58(patient), "reason": format!("{reason:?}"), "justification_hash": justification.map(|hash| hex0x(&hash.0))}),
				format!("emergency access to {} started ({reason:?})", ss58(patient)),
			)
		},
		EmergencyCommand::End { id } => (
			Call::new("Consent", "end_emergency_access", (*id,)),
			"Consent.end_emergency_access",
			json!({"emergency_id": id}),
			format!("emergency access {id} ended"),
		),
		EmergencyCommand::Review { id, verdict, finding } => {
			let finding = file_hash(finding.as_ref())?.map(sp_core::H256);
			(
				Call::new("Consent", "review_emergency_access", (*id, *verdict, finding)),
				"Consent.review_emergency_access",
				json!({"emergency_id": id, "verdict": format!("{verdict:?}"), "finding_hash": finding.map(|hash| hex0x(&hash.0))}),
				format!("emergency access {id} reviewed: {verdict:?}"),
			)
		},
		EmergencyCommand::Policy { policy, delegates } => {
			let policy = emergency_policy(policy, delegates)?;
			(
				Call::new("Consent", "set_emergency_policy", (policy.clone(),)),
				"Consent.set_emergency_policy",
				json!({"policy": format!("{policy:?}")}),
				format!("emergency policy set: {policy:?}"),
			)
		},
		EmergencyCommand::List { .. } => return Err(CliError::usage("unreachable")),
	};
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let mut output = Output::new(fields, text);
	// EmergencyAccessStarted { id, patient, provider, reason, expires_at }
	if let Some(event) = finalized.event("Consent", "EmergencyAccessStarted") {
		let (id, _, _, _, expires_at) =
			event.decode::<(EmergencyId, AccountId, AccountId, EmergencyReason, u32)>()?;
		output.fields.insert("emergency_id".into(), json!(id));
		output.fields.insert("expires_at".into(), json!(expires_at));
		output.text = format!("{}: id {id}, until block {expires_at}\n", output.text);
	} else {
		output.text.push('\n');
	}
	Ok(output.with_transaction(name, &finalized))
}

/// The policy of `consent emergency policy`.
pub fn emergency_policy(policy: &str, delegates: &[AccountId]) -> Result<Policy, CliError> {
	match (policy, delegates.is_empty()) {
		("allow", true) => Ok(Policy::Allow),
		("deny", true) => Ok(Policy::Deny),
		("only", false) => Ok(Policy::OnlyDelegates(bounded(normalized(delegates.to_vec()), "delegates")?)),
		("only", true) => Err(CliError::usage("`only` needs --delegates <accounts>")),
		_ => Err(CliError::usage("--delegates goes with `only`")),
	}
}

/// One entry of a patient's access log as the chain's `AccessLogged` event tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedEntry {
	/// The block it was logged in.
	pub block: u64,
	/// Who logged it (the vault or custodian).
	pub logger: AccountId,
	/// Its position in the patient's log, from 0.
	pub index: u64,
	/// The entry.
	pub entry: LogEntry,
	/// The hash chain's head after it.
	pub head: [u8; 32],
}

/// What checking a run of logged entries against the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogCheck {
	/// Entries whose link recomputes to the head the chain stated for them.
	pub linked: u64,
	/// The indexes of entries whose link does not recompute, or that do not follow on.
	pub broken: Vec<u64>,
	/// Whether the run starts at index 0 and ends at the head on chain: the whole log, intact.
	pub complete: bool,
}

/// Checks `entries` (in order) link by link with [`audit_link`], and whether they are the
/// whole log ending at `head` (the chain's `AuditHead`). A run that does not start at index 0
/// is checked from its first entry's stated head on.
pub fn check_log(entries: &[LoggedEntry], head: &AuditHead<u32>) -> LogCheck {
	let mut linked = 0;
	let mut broken = Vec::new();
	let mut previous: Option<(u64, [u8; 32])> = None;
	for (position, logged) in entries.iter().enumerate() {
		let prev = match previous {
			Some((index, hash)) if index.checked_add(1) == Some(logged.index) => Some(hash),
			Some(_) => None,
			None if logged.index == 0 => Some([0u8; 32]),
			// The first entry of a run that starts later: its predecessor is not in the run.
			None => None,
		};
		match prev {
			Some(prev) => {
				let link = audit_link(&sp_core::H256(prev), logged.index, &logged.logger, &logged.entry);
				if link.0 == logged.head {
					linked += 1;
				} else {
					broken.push(logged.index);
				}
			},
			None if position == 0 => {},
			None => broken.push(logged.index),
		}
		previous = Some((logged.index, logged.head));
	}
	let complete = broken.is_empty()
		&& entries.first().map_or(head.count == 0, |first| first.index == 0)
		&& entries.len() as u64 == head.count
		&& entries.last().map_or(head.head.0 == [0; 32], |last| last.head == head.head.0);
	LogCheck { linked, broken, complete }
}

async fn access_log(context: &Context, args: &LogArgs) -> Result<Output, CliError> {
	let patient = match args.patient {
		Some(patient) => patient,
		None => context.unlock()?.1.account_id(),
	};
	let chain = context.chain().await?;
	let head: AuditHead<u32> = chain.runtime_call("ConsentApi_audit_head", &patient.encode()).await?;
	let last = match args.to_block {
		Some(block) => block.min(chain.finalized_number().await?),
		None => chain.finalized_number().await?,
	};
	let first = args.from_block.max(1);
	let mut entries = Vec::new();
	if first <= last {
		let progress = super::progress::items(context.json(), last - first + 1, "reading blocks");
		for block in first..=last {
			for event in chain.block_events(block).await? {
				if event.pallet != "Consent" || event.name != "AccessLogged" {
					continue;
				}
				// AccessLogged { patient, logger, index, entry, head }
				let (who, logger, index, entry, hash) =
					event.decode::<(AccountId, AccountId, u64, LogEntry, sp_core::H256)>()?;
				if who == patient {
					entries.push(LoggedEntry { block, logger, index, entry, head: hash.0 });
				}
			}
			progress.inc(1);
		}
		progress.finish_and_clear();
	}
	let checked = check_log(&entries, &head);
	let mut text = format!(
		"access log of {}: {} entries, head {} (last entry in block {})\n",
		ss58(&patient),
		head.count,
		hex0x(&head.head.0),
		head.updated
	);
	for logged in &entries {
		let entry = &logged.entry;
		text.push_str(&format!(
			"{:>5}  block {:<7} {} {:?} {:?} {} by {}: {:?}\n",
			logged.index,
			logged.block,
			ss58(&entry.accessor),
			entry.action,
			entry.purpose,
			entry.record.map_or_else(|| format!("{:?}", entry.category), |id| format!("record {id}")),
			ss58(&logged.logger),
			entry.decision,
		));
	}
	text.push_str(&if checked.complete {
		format!("verified: all {} entries link up to the head on chain\n", head.count)
	} else if checked.broken.is_empty() {
		format!(
			"{} entries read in blocks {first}..={last}, each linked; not the whole log (read from block 1 to check it all)\n",
			entries.len()
		)
	} else {
		format!("BROKEN links at entries {:?}\n", checked.broken)
	});
	let listed: Vec<_> = entries
		.iter()
		.map(|logged| {
			json!({
				"index": logged.index,
				"block": logged.block,
				"logger": ss58(&logged.logger),
				"accessor": ss58(&logged.entry.accessor),
				"record": logged.entry.record,
				"category": format!("{:?}", logged.entry.category),
				"action": format!("{:?}", logged.entry.action),
				"purpose": format!("{:?}", logged.entry.purpose),
				"decision": format!("{:?}", logged.entry.decision),
				"permitted": logged.entry.decision.is_permit(),
				"event_hash": hex0x(&logged.entry.event_hash.0),
				"head": hex0x(&logged.head),
			})
		})
		.collect();
	let output = Output::new(
		json!({
			"patient": ss58(&patient),
			"count": head.count,
			"head": hex0x(&head.head.0),
			"updated": head.updated,
			"from_block": first,
			"to_block": last,
			"entries": listed,
			"linked": checked.linked,
			"broken": checked.broken,
			"complete": checked.complete,
		}),
		text,
	);
	Ok(if checked.broken.is_empty() { output } else { output.with_exit_code(EXIT_INTEGRITY) })
}

/// The access `args` describe, with the code sets sorted and deduplicated as the chain keeps
/// them.
pub fn access(args: &AccessArgs) -> Result<Access, CliError> {
	let actions = bounded(normalized(args.actions.clone()), "actions")?;
	let purposes = bounded(normalized(args.purposes.clone()), "purposes")?;
	let scope = if !args.records.is_empty() {
		DataScope::Records(bounded(normalized(args.records.clone()), "records")?)
	} else if !args.categories.is_empty() {
		DataScope::Categories(bounded(normalized(args.categories.clone()), "categories")?)
	} else {
		DataScope::All
	};
	if args.until.is_some_and(|until| until <= args.from) {
		return Err(CliError::usage("--until must be after --from"));
	}
	Ok(Access {
		actions,
		purposes,
		scope,
		ceiling: args.ceiling,
		valid: Period { start: args.from, end: args.until },
	})
}

fn bounded<T, S: Get<u32>>(values: Vec<T>, what: &str) -> Result<BoundedVec<T, S>, CliError> {
	let len = values.len();
	values
		.try_into()
		.map_err(|_| CliError::usage(format!("at most {} {what} ({len} given)", S::get())))
}

/// The consent terms of `consent grant`.
pub fn terms(args: &GrantArgs) -> Result<Terms, CliError> {
	let access = access(&args.access)?;
	Ok(Terms {
		grantee: Grantee::Account(args.to),
		decision: if args.deny { ConsentDecision::Deny } else { ConsentDecision::Permit },
		actions: access.actions,
		purposes: access.purposes,
		scope: access.scope,
		ceiling: access.ceiling,
		valid: access.valid,
		data_period: None,
		document_hash: None,
		basis_hash: None,
	})
}

async fn grant(context: &Context, args: &GrantArgs) -> Result<Output, CliError> {
	let terms = terms(args)?;
	let (_, identity) = context.unlock()?;
	let me = identity.account_id();
	let chain = context.chain().await?;
	let call = Call::new("Consent", "grant_consent", (terms.clone(),));
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let id = finalized
		.event("Consent", "ConsentGranted")
		.map(|event| event.decode::<ConsentId>())
		.transpose()?;
	let id_text = id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
	Ok(Output::new(
		json!({
			"consent_id": id,
			"patient": ss58(&me),
			"grantee": ss58(&args.to),
			"decision": format!("{:?}", terms.decision),
			"actions": terms.actions.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>(),
			"purposes": terms.purposes.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>(),
			"ceiling": format!("{:?}", terms.ceiling),
		}),
		format!(
			"consent {id_text} granted: {:?} {} to {:?} for {:?}, up to {:?}\n",
			terms.decision,
			ss58(&args.to),
			terms.actions.as_slice(),
			terms.purposes.as_slice(),
			terms.ceiling
		),
	)
	.with_transaction("Consent.grant_consent", &finalized))
}

async fn check(context: &Context, args: &CheckArgs) -> Result<Output, CliError> {
	let query = match (args.record, args.category) {
		(Some(id), _) => AccessQuery::Record(id),
		(None, Some(category)) => {
			AccessQuery::Category { category, confidentiality: args.confidentiality }
		},
		(None, None) => {
			return Err(CliError::usage("name the data: --record <id> or --category <category>"))
		},
	};
	let chain = context.chain().await?;
	let decision = chain
		.check_access(&args.patient, &args.accessor, query, args.action, args.purpose)
		.await?;
	let output = Output::new(
		json!({
			"patient": ss58(&args.patient),
			"accessor": ss58(&args.accessor),
			"query": format!("{query:?}"),
			"action": format!("{:?}", args.action),
			"purpose": format!("{:?}", args.purpose),
			"permitted": decision.is_permit(),
			"decision": format!("{decision:?}"),
		}),
		format!("{decision:?}\n"),
	);
	Ok(if decision.is_permit() { output } else { output.with_exit_code(EXIT_DENIED) })
}

async fn request(context: &Context, args: &RequestArgs) -> Result<Output, CliError> {
	let access = access(&args.access)?;
	let justification = fs::read(&args.justification).map_err(|error| {
		CliError::new(super::ErrorKind::Io, format!("{}: {error}", args.justification.display()))
	})?;
	let justification_hash = content_hash(&justification);
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let call = Call::new(
		"Consent",
		"request_access",
		((0u8, args.patient), access.clone(), justification_hash),
	);
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let id = finalized
		.event("Consent", "AccessRequested")
		.map(|event| event.decode::<RequestId>())
		.transpose()?;
	let id_text = id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
	Ok(Output::new(
		json!({
			"request_id": id,
			"patient": ss58(&args.patient),
			"justification_hash": hex0x(&justification_hash),
		}),
		format!("request {id_text} sent to {}\n", ss58(&args.patient)),
	)
	.with_transaction("Consent.request_access", &finalized))
}

async fn requests(context: &Context, patient: Option<&AccountId>) -> Result<Output, CliError> {
	let patient = match patient {
		Some(patient) => *patient,
		None => context.unlock()?.1.account_id(),
	};
	let chain = context.chain().await?;
	let pending = pending_requests(&chain, &patient).await?;
	let listed: Vec<_> = pending
		.iter()
		.map(|(id, request)| {
			json!({
				"id": id,
				"requester": ss58(&request.requester),
				"actions": request.access.actions.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>(),
				"purposes": request.access.purposes.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>(),
				"ceiling": format!("{:?}", request.access.ceiling),
				"scope": format!("{:?}", request.access.scope),
				"expires_at": request.expires_at,
			})
		})
		.collect();
	let text = if pending.is_empty() {
		format!("no requests pending for {}\n", ss58(&patient))
	} else {
		pending
			.iter()
			.map(|(id, request)| {
				format!(
					"{id}\t{}\t{:?} for {:?} up to {:?}, expires at block {}\n",
					ss58(&request.requester),
					request.access.actions.as_slice(),
					request.access.purposes.as_slice(),
					request.access.ceiling,
					request.expires_at
				)
			})
			.collect()
	};
	Ok(Output::new(json!({"patient": ss58(&patient), "requests": listed}), text))
}

/// Every request pending for `patient`, paged through the runtime API.
async fn pending_requests(
	chain: &Chain,
	patient: &AccountId,
) -> Result<Vec<(RequestId, RequestOf)>, CliError> {
	Ok(chain.all_pages("ConsentApi_patient_requests", patient, PAGE).await?)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn access_args() -> AccessArgs {
		AccessArgs {
			actions: vec![Action::Use, Action::Access, Action::Use],
			purposes: vec![PurposeOfUse::Research, PurposeOfUse::Treatment],
			ceiling: Confidentiality::Normal,
			records: vec![],
			categories: vec![],
			from: 0,
			until: None,
		}
	}

	#[test]
	fn terms_are_normalized_like_the_chain_keeps_them() {
		let args = GrantArgs { to: [9; 32], access: access_args(), deny: false };
		let terms = terms(&args).unwrap();
		assert_eq!(terms.actions.as_slice(), &[Action::Access, Action::Use]);
		assert_eq!(terms.purposes.as_slice(), &[PurposeOfUse::Treatment, PurposeOfUse::Research]);
		assert_eq!(terms.scope, DataScope::All);
		assert_eq!(terms.decision, ConsentDecision::Permit);
		assert_eq!(terms.grantee, Grantee::Account([9; 32]));
		// The same encoding as the smoke example's permit.
		let expected: Terms = ConsentTerms::permit_all_data(
			Grantee::Account([9; 32]),
			&[Action::Access, Action::Use],
			&[PurposeOfUse::Treatment, PurposeOfUse::Research],
			Confidentiality::Normal,
		);
		assert_eq!(terms.encode(), expected.encode());
	}

	#[test]
	fn scopes_and_periods() {
		let mut args = access_args();
		args.records = vec![5, 2, 5];
		let access = access(&args).unwrap();
		assert_eq!(access.scope, DataScope::Records(vec![2, 5].try_into().unwrap()));
		args.records = (0..40).collect();
		assert!(super::access(&args).unwrap_err().message.contains("at most 32 records"));
		let mut args = access_args();
		args.categories = vec![RecordCategory::Imaging, RecordCategory::Summary];
		assert_eq!(
			super::access(&args).unwrap().scope,
			DataScope::Categories(vec![RecordCategory::Summary, RecordCategory::Imaging].try_into().unwrap())
		);
		let mut args = access_args();
		args.from = 10;
		args.until = Some(10);
		assert!(super::access(&args).is_err());
	}

	fn logged(index: u64, prev: [u8; 32], accessor: u8) -> LoggedEntry {
		let entry = LogEntry {
			accessor: [accessor; 32],
			record: Some(1),
			category: RecordCategory::Observation,
			action: Action::Access,
			purpose: PurposeOfUse::Treatment,
			decision: medchain_primitives::consent::AccessDecision::Deny(
				medchain_primitives::consent::DenyReason::NoMatchingConsent,
			),
			event_hash: sp_core::H256([index as u8; 32]),
		};
		let head = audit_link(&sp_core::H256(prev), index, &[7u8; 32], &entry).0;
		LoggedEntry { block: 10 + index, logger: [7; 32], index, entry, head }
	}

	fn chain_of(n: u64) -> Vec<LoggedEntry> {
		let mut out: Vec<LoggedEntry> = Vec::new();
		for index in 0..n {
			let prev = out.last().map_or([0; 32], |last| last.head);
			out.push(logged(index, prev, index as u8));
		}
		out
	}

	fn head_of(entries: &[LoggedEntry]) -> AuditHead<u32> {
		AuditHead {
			head: sp_core::H256(entries.last().map_or([0; 32], |last| last.head)),
			count: entries.len() as u64,
			updated: 0,
		}
	}

	#[test]
	fn a_whole_log_verifies_against_the_head_on_chain() {
		let entries = chain_of(4);
		let checked = check_log(&entries, &head_of(&entries));
		assert_eq!(checked, LogCheck { linked: 4, broken: vec![], complete: true });
		assert!(check_log(&[], &head_of(&[])).complete);
	}

	#[test]
	fn a_changed_or_missing_entry_shows() {
		let entries = chain_of(4);
		let head = head_of(&entries);
		// A changed entry no longer hashes to the head stated for it.
		let mut changed = entries.clone();
		changed[2].entry.accessor = [99; 32];
		assert_eq!(check_log(&changed, &head).broken, vec![2]);
		// A dropped entry breaks the run at the next one.
		let mut dropped = entries.clone();
		dropped.remove(1);
		let checked = check_log(&dropped, &head);
		assert_eq!(checked.broken, vec![2]);
		assert!(!checked.complete);
		// The log on chain is longer than what was read: linked, but not complete.
		let checked = check_log(&entries[..3], &head);
		assert_eq!((checked.linked, checked.complete), (3, false));
		// A run starting later is checked from its first entry on.
		let checked = check_log(&entries[2..], &head);
		assert_eq!((checked.linked, checked.broken.len(), checked.complete), (1, 0, false));
	}

	#[test]
	fn emergency_codes_and_policies() {
		assert_eq!(parse_reason("lifethreatening").unwrap(), EmergencyReason::LifeThreatening);
		assert!(parse_reason("Bored").unwrap_err().contains("PatientIncapacitated"));
		assert_eq!(parse_verdict("Unjustified").unwrap(), ReviewVerdict::Unjustified);
		assert_eq!(emergency_policy("allow", &[]).unwrap(), Policy::Allow);
		assert_eq!(emergency_policy("deny", &[]).unwrap(), Policy::Deny);
		assert_eq!(
			emergency_policy("only", &[[2; 32], [1; 32], [2; 32]]).unwrap(),
			Policy::OnlyDelegates(vec![[1; 32], [2; 32]].try_into().unwrap())
		);
		assert!(emergency_policy("only", &[]).is_err());
		assert!(emergency_policy("deny", &[[1; 32]]).is_err());
		assert!(emergency_policy("only", &[[1; 32]; 9].iter().enumerate().map(|(i, _)| [i as u8; 32]).collect::<Vec<_>>()).is_err());
	}
}
