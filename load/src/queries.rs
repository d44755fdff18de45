//! Runtime-API queries over RPC (`state_call` at one fixed block) in a closed loop at several
//! concurrencies, with `AccountNonceApi_account_nonce` as the trivial baseline of the same run.

use crate::report::percentile;
use codec::Encode;
use medchain_client::chain::AccountId;
use medchain_primitives::{
	consent::AccessQuery,
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
};
use serde::Serialize;
use serde_json::Value;
use std::{
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
	time::Instant,
};
use subxt::rpcs::{client::RpcParams, RpcClient};

/// The SCALE arguments of `ConsentApi_check_access` asking whether `accessor` may access
/// `patient`'s observations of normal confidentiality for treatment.
pub fn check_access_args(patient: &AccountId, accessor: &AccountId) -> Vec<u8> {
	(
		patient,
		accessor,
		AccessQuery::Category { category: RecordCategory::Observation, confidentiality: Confidentiality::Normal },
		Action::Access,
		PurposeOfUse::Treatment,
	)
		.encode()
}

/// One runtime API call to repeat.
pub struct Query {
	/// Its name in the report.
	pub name: &'static str,
	/// The runtime API function, e.g. `ConsentApi_check_access`.
	pub method: &'static str,
	/// Its SCALE arguments.
	pub args: Vec<u8>,
}

/// One query at one concurrency.
#[derive(Clone, Debug, Serialize)]
pub struct QueryResult {
	pub name: String,
	pub method: String,
	pub concurrency: usize,
	pub calls: usize,
	pub errors: usize,
	pub calls_per_second: f64,
	pub p50_ms: f64,
	pub p99_ms: f64,
	/// The answer's length in bytes (the same at every call: one block).
	pub answer_bytes: usize,
}

/// Runs `calls` calls of `query` at block `at` with `concurrency` workers over their own
/// connections (one per worker, at most 16, shared round robin beyond that).
pub async fn run(
	url: &str,
	query: &Query,
	at: &str,
	concurrency: usize,
	calls: usize,
) -> Result<QueryResult, String> {
	let connections = concurrency.clamp(1, 16);
	let mut clients = Vec::with_capacity(connections);
	for _ in 0..connections {
		clients.push(RpcClient::from_insecure_url(url).await.map_err(|error| error.to_string())?);
	}
	let args = format!("0x{}", hex::encode(&query.args));
	let next = Arc::new(AtomicUsize::new(0));
	let started = Instant::now();
	let mut workers = Vec::with_capacity(concurrency);
	for worker in 0..concurrency {
		let client = clients[worker % connections].clone();
		let next = next.clone();
		let (method, args, at) = (query.method.to_owned(), args.clone(), at.to_owned());
		workers.push(tokio::spawn(async move {
			let mut latencies = Vec::new();
			let mut errors = 0usize;
			let mut answer_bytes = 0usize;
			while next.fetch_add(1, Ordering::Relaxed) < calls {
				let mut params = RpcParams::new();
				for value in [&method, &args, &at] {
					params.push(value).map_err(|error| error.to_string())?;
				}
				let sent = Instant::now();
				let answer: Result<Value, _> = client.request("state_call", params).await;
				latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
				match answer {
					Ok(Value::String(hex)) => answer_bytes = hex.len().saturating_sub(2) / 2,
					_ => errors += 1,
				}
			}
			Ok::<_, String>((latencies, errors, answer_bytes))
		}));
	}
	let mut latencies = Vec::with_capacity(calls);
	let mut errors = 0;
	let mut answer_bytes = 0;
	for worker in workers {
		let (mut own, own_errors, bytes) = worker.await.map_err(|error| error.to_string())??;
		latencies.append(&mut own);
		errors += own_errors;
		answer_bytes = answer_bytes.max(bytes);
	}
	let seconds = started.elapsed().as_secs_f64();
	latencies.sort_by(f64::total_cmp);
	Ok(QueryResult {
		name: query.name.to_owned(),
		method: query.method.to_owned(),
		concurrency,
		calls: latencies.len(),
		errors,
		calls_per_second: latencies.len() as f64 / seconds.max(f64::EPSILON),
		p50_ms: percentile(&latencies, 50.0),
		p99_ms: percentile(&latencies, 99.0),
		answer_bytes,
	})
}
