//! `medchain consent`: consents and access requests on chain, and the consent check.

use std::{fs, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_primitives::{
	consent::{
		AccessQuery, AccessRequest, Consent, ConsentDecision, ConsentId, ConsentTerms, DataScope,
		Grantee, Period, RequestId, RequestedAccess,
	},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory, RecordId},
};
use serde_json::json;
use sp_core::{bounded::BoundedVec, ConstU32, Get};

use super::{
	args::{
		hex0x, normalized, parse_account, parse_action, parse_category, parse_confidentiality,
		parse_purpose, ss58,
	},
	output::EXIT_DENIED,
	CliError, Context, Output,
};
use crate::{
	chain::{Call, Chain},
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
			chain.submit(&Call::new("Consent", "revoke_consent", (*id,)), identity.keypair()).await?;
			Ok(Output::new(json!({"consent_id": id}), format!("consent {id} revoked\n")))
		},
		ConsentCommand::Check(args) => check(context, args).await,
		ConsentCommand::Request(args) => request(context, args).await,
		ConsentCommand::Requests { patient } => requests(context, patient.as_ref()).await,
		ConsentCommand::Approve { id } => {
			let (_, identity) = context.unlock()?;
			let me = identity.account_id();
			let chain = context.chain().await?;
			let call = Call::new("Consent", "approve_request", (*id, None::<Access>));
			chain.submit(&call, identity.keypair()).await?;
			let consent = find_consent(&chain, &me, |consent| consent.request == Some(*id)).await?;
			let consent_text = consent.map_or_else(|| "unknown".to_owned(), |c| c.to_string());
			Ok(Output::new(
				json!({"request_id": id, "consent_id": consent, "consent_id_source": "patient's consents (runtime API ConsentApi_patient_consents)"}),
				format!("request {id} approved: consent {consent_text}\n"),
			))
		},
		ConsentCommand::Deny { id } => {
			let (_, identity) = context.unlock()?;
			let chain = context.chain().await?;
			chain.submit(&Call::new("Consent", "deny_request", (*id,)), identity.keypair()).await?;
			Ok(Output::new(json!({"request_id": id}), format!("request {id} denied\n")))
		},
	}
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
	chain
		.submit(&Call::new("Consent", "grant_consent", (terms.clone(),)), identity.keypair())
		.await?;
	// `Chain::submit` does not return the events yet: find the id among the patient's consents.
	let id = find_consent(&chain, &me, |consent| consent.terms == terms && consent.request.is_none())
		.await?;
	let id_text = id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
	Ok(Output::new(
		json!({
			"consent_id": id,
			"consent_id_source": "patient's consents (runtime API ConsentApi_patient_consents)",
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
	))
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
	let me = identity.account_id();
	let chain = context.chain().await?;
	let call = Call::new(
		"Consent",
		"request_access",
		((0u8, args.patient), access.clone(), justification_hash),
	);
	chain.submit(&call, identity.keypair()).await?;
	let id = pending_requests(&chain, &args.patient)
		.await?
		.into_iter()
		.filter(|(_, request)| {
			request.requester == me
				&& request.access == access
				&& request.justification_hash.0 == justification_hash
		})
		.map(|(id, _)| id)
		.max();
	let id_text = id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
	Ok(Output::new(
		json!({
			"request_id": id,
			"request_id_source": "patient's requests (runtime API ConsentApi_patient_requests)",
			"patient": ss58(&args.patient),
			"justification_hash": hex0x(&justification_hash),
		}),
		format!("request {id_text} sent to {}\n", ss58(&args.patient)),
	))
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
	let mut all = Vec::new();
	let mut after: Option<RequestId> = None;
	loop {
		let page: Vec<(RequestId, RequestOf)> = chain
			.runtime_call("ConsentApi_patient_requests", &(patient, after, PAGE).encode())
			.await?;
		let Some(last) = page.last().map(|(id, _)| *id) else { break };
		let full = page.len() >= PAGE as usize;
		all.extend(page);
		if !full || after == Some(last) {
			break;
		}
		after = Some(last);
	}
	Ok(all)
}

/// The newest of `patient`'s consents that `matches`, paged through the runtime API.
async fn find_consent(
	chain: &Chain,
	patient: &AccountId,
	matches: impl Fn(&ConsentOf) -> bool,
) -> Result<Option<ConsentId>, CliError> {
	let mut found = None;
	let mut after: Option<ConsentId> = None;
	loop {
		let page: Vec<(ConsentId, ConsentOf)> = chain
			.runtime_call("ConsentApi_patient_consents", &(patient, after, PAGE).encode())
			.await?;
		let Some(last) = page.last().map(|(id, _)| *id) else { break };
		found = page.iter().filter(|(_, c)| matches(c)).map(|(id, _)| *id).chain(found).max();
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
}
