//! Submitting pre-signed transactions the way load generators do: fire and forget
//! (`author_submitExtrinsic`) over several WebSocket connections, at most a window of
//! transactions in flight (submitted, not yet in a finalized block), and a sample watched from
//! submission to finality (`author_submitAndWatchExtrinsic`) for latency.

use crate::watch::{CallName, Watcher};
use futures::{stream::FuturesUnordered, StreamExt};
use serde_json::Value;
use std::{
	sync::Arc,
	time::{Duration, Instant},
};
use subxt::rpcs::{client::RpcParams, RpcClient};
use tokio::sync::Semaphore;

/// Requests one connection has outstanding at most (jsonrpsee multiplexes them).
const PER_CONNECTION: usize = 256;

/// Submission connections to one node.
pub struct Submitter {
	connections: Vec<(RpcClient, Arc<Semaphore>)>,
}

/// How one sampled transaction fared, in milliseconds from its submission.
#[derive(Clone, Copy, Debug, Default)]
pub struct Latency {
	/// Until it was in a block.
	pub in_block_ms: Option<f64>,
	/// Until its block was finalized.
	pub finalized_ms: Option<f64>,
}

/// What a round's submission did.
#[derive(Debug, Default)]
pub struct Submission {
	/// Transactions the node accepted into its pool.
	pub accepted: u64,
	/// Those it refused, with the first few reasons.
	pub refused: u64,
	pub refusals: Vec<String>,
	/// The sampled transactions' latencies.
	pub samples: Vec<Latency>,
	/// From the first submission to the last.
	pub submit_seconds: f64,
}

/// JSON-RPC parameters of `values`, in order.
pub(crate) fn params(values: &[Value]) -> Result<RpcParams, String> {
	let mut params = RpcParams::new();
	for value in values {
		params.push(value).map_err(|error| error.to_string())?;
	}
	Ok(params)
}

impl Submitter {
	/// Opens `count` connections to `url`.
	pub async fn connect(url: &str, count: usize) -> Result<Self, String> {
		let mut connections = Vec::with_capacity(count);
		for _ in 0..count.max(1) {
			let client = RpcClient::from_insecure_url(url).await.map_err(|error| error.to_string())?;
			connections.push((client, Arc::new(Semaphore::new(PER_CONNECTION))));
		}
		Ok(Self { connections })
	}

	/// A connection for other requests (queries), round robin.
	pub fn client(&self, index: usize) -> RpcClient {
		self.connections[index % self.connections.len()].0.clone()
	}

	/// Submits `transactions` in order, keeping a window of them in flight: submitted but not
	/// yet counted in a finalized block as extrinsics of `call` by `watcher` (counted from
	/// `included_before`, the watcher's total for `call` before the round, and blocks after
	/// `head`). The window starts at `window` and is at least two of the round's largest blocks
	/// so far: a block that took everything in flight doubles it, so refunds beyond the
	/// pre-dispatch weight do not leave the block builder short. Every `sample_every`-th
	/// transaction is watched for latency instead of fired.
	pub async fn submit(
		&self,
		transactions: Vec<Vec<u8>>,
		window: usize,
		sample_every: usize,
		watcher: &Watcher,
		call: &CallName,
		included_before: u64,
		head: u64,
	) -> Result<Submission, String> {
		let started = Instant::now();
		let mut pending = FuturesUnordered::new();
		let mut samples = FuturesUnordered::new();
		let mut submission = Submission::default();
		let window = window.max(1) as u64;
		// The window's size changes only with a new block: measured once per block.
		let mut sized_at = (u64::MAX, window);
		let mut current_window = |watcher: &Watcher| {
			let newest = watcher.head();
			if sized_at.0 != newest {
				sized_at = (newest, window.max(2 * watcher.largest_block_after(head, call)));
			}
			sized_at.1
		};
		for (index, transaction) in transactions.into_iter().enumerate() {
			// Wait for room in the window (bounded: a stalled chain ends the round).
			let stalled_at = Instant::now();
			while index as u64 >=
				watcher.total(call).saturating_sub(included_before) + current_window(watcher)
			{
				if stalled_at.elapsed() > Duration::from_secs(120) {
					return Err(format!("nothing of {}.{} was included for 120 s", call.0, call.1));
				}
				// Collect finished submissions meanwhile, so their errors are not held back.
				while let Some(Some(result)) = futures::future::FutureExt::now_or_never(pending.next()) {
					count(&mut submission, result);
				}
				watcher.next_block(Duration::from_millis(200)).await?;
			}
			let (client, limit) = &self.connections[index % self.connections.len()];
			let permit = limit.clone().acquire_owned().await.map_err(|error| error.to_string())?;
			let client = client.clone();
			let hex = format!("0x{}", hex::encode(&transaction));
			if sample_every > 0 && index % sample_every == 0 {
				samples.push(tokio::spawn(async move {
					let _permit = permit;
					watch_one(&client, hex).await
				}));
			} else {
				pending.push(tokio::spawn(async move {
					let _permit = permit;
					let result: Result<Value, _> =
						client.request("author_submitExtrinsic", params(&[Value::String(hex)])?).await;
					result.map(|_| ()).map_err(|error| error.to_string())
				}));
			}
		}
		submission.submit_seconds = started.elapsed().as_secs_f64();
		while let Some(result) = pending.next().await {
			count(&mut submission, result);
		}
		while let Some(result) = samples.next().await {
			match result {
				Ok(Ok(latency)) => {
					submission.accepted += 1;
					submission.samples.push(latency);
				},
				Ok(Err(reason)) => refuse(&mut submission, reason),
				Err(error) => refuse(&mut submission, error.to_string()),
			}
		}
		Ok(submission)
	}
}

fn count(submission: &mut Submission, result: Result<Result<(), String>, tokio::task::JoinError>) {
	match result {
		Ok(Ok(())) => submission.accepted += 1,
		Ok(Err(reason)) => refuse(submission, reason),
		Err(error) => refuse(submission, error.to_string()),
	}
}

fn refuse(submission: &mut Submission, reason: String) {
	submission.refused += 1;
	if submission.refusals.len() < 5 {
		submission.refusals.push(reason);
	}
}

/// Submits one transaction and follows it until its block is finalized (at most 120 s).
pub async fn watch_one(client: &RpcClient, hex: String) -> Result<Latency, String> {
	let started = Instant::now();
	let mut subscription = client
		.subscribe::<Value>(
			"author_submitAndWatchExtrinsic",
			params(&[Value::String(hex)])?,
			"author_unwatchExtrinsic",
		)
		.await
		.map_err(|error| error.to_string())?;
	let mut latency = Latency::default();
	let deadline = Duration::from_secs(120);
	loop {
		let remaining = deadline.saturating_sub(started.elapsed());
		let next = tokio::time::timeout(remaining, subscription.next())
			.await
			.map_err(|_| "not finalized within 120 s".to_owned())?;
		let Some(status) = next else { return Err("the node ended the subscription".into()) };
		let status = status.map_err(|error| error.to_string())?;
		let ms = started.elapsed().as_secs_f64() * 1000.0;
		match transaction_status(&status) {
			Status::InBlock => {
				latency.in_block_ms.get_or_insert(ms);
			},
			Status::Finalized => {
				latency.in_block_ms.get_or_insert(ms);
				latency.finalized_ms = Some(ms);
				return Ok(latency);
			},
			Status::Failed(reason) => return Err(reason),
			Status::Waiting => {},
		}
	}
}

#[derive(Debug, PartialEq)]
enum Status {
	Waiting,
	InBlock,
	Finalized,
	Failed(String),
}

/// A status of `author_submitAndWatchExtrinsic`: `"ready"`, `{"inBlock": hash}`,
/// `{"finalized": hash}`, `"dropped"`, `"invalid"`, ...
fn transaction_status(status: &Value) -> Status {
	match status {
		Value::String(word) => match word.as_str() {
			"dropped" | "invalid" | "usurped" => Status::Failed(format!("the transaction was {word}")),
			_ => Status::Waiting,
		},
		Value::Object(map) if map.contains_key("finalized") => Status::Finalized,
		Value::Object(map) if map.contains_key("inBlock") => Status::InBlock,
		Value::Object(map) if map.contains_key("usurped") || map.contains_key("finalityTimeout") =>
			Status::Failed(format!("the transaction failed: {status}")),
		_ => Status::Waiting,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn watched_statuses_are_read() {
		assert_eq!(transaction_status(&json!("ready")), Status::Waiting);
		assert_eq!(transaction_status(&json!({"broadcast": []})), Status::Waiting);
		assert_eq!(transaction_status(&json!({"inBlock": "0x01"})), Status::InBlock);
		assert_eq!(transaction_status(&json!({"finalized": "0x01"})), Status::Finalized);
		assert!(matches!(transaction_status(&json!("invalid")), Status::Failed(_)));
		assert!(matches!(transaction_status(&json!({"finalityTimeout": "0x01"})), Status::Failed(_)));
	}
}
