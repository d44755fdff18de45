//! Counting from the chain: every finalized block's arrival time on this machine, its
//! extrinsics by pallet and call with their outcome, the events the load needs later (ids the
//! chain assigned), and the node's CPU time when the block arrived.

use codec::Decode;
use frame_support::{
	dispatch::{DispatchClass, PerDispatchClass},
	weights::Weight,
};
use medchain_client::chain::storage_prefix;
use medchain_client::chain::Chain;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use subxt::events::Phase;
use tokio::sync::Notify;

/// A call by pallet and call name, e.g. `("Balances", "transfer_keep_alive")`.
pub type CallName = (String, String);

/// One extrinsic of a block.
#[derive(Clone, Debug)]
pub struct ExtrinsicOutcome {
	/// Its call.
	pub call: CallName,
	/// Whether `System.ExtrinsicSuccess` was emitted for it.
	pub success: bool,
	/// The SCALE fields of `System.ExtrinsicFailed` (the dispatch error), if it failed.
	pub failure: Option<Vec<u8>>,
}

/// An event of medchain's pallets: `(pallet, event, SCALE fields)`.
#[derive(Clone, Debug)]
pub struct PalletEvent {
	pub pallet: String,
	pub name: String,
	pub fields: Vec<u8>,
}

/// A finalized block as the load saw it.
#[derive(Clone, Debug)]
pub struct ObservedBlock {
	/// Its number.
	pub number: u64,
	/// When its header arrived, since the watcher started.
	pub arrived: Duration,
	/// The node's CPU time at that moment, in microseconds.
	pub node_cpu_micros: Option<u64>,
	/// Its extrinsics, in order (inherents included).
	pub extrinsics: Vec<ExtrinsicOutcome>,
	/// Events of medchain's own pallets.
	pub events: Vec<PalletEvent>,
	/// The weight the block's normal-class extrinsics consumed (`System::BlockWeight`, after
	/// refunds), if the node answered.
	pub normal_weight: Option<Weight>,
}

impl ObservedBlock {
	/// How many extrinsics of `call` the block holds, and how many of them succeeded.
	pub fn count(&self, call: &CallName) -> (u64, u64) {
		self.extrinsics.iter().filter(|e| &e.call == call).fold((0, 0), |(all, ok), e| {
			(all + 1, ok + u64::from(e.success))
		})
	}
}

#[derive(Default)]
struct Shared {
	blocks: Vec<ObservedBlock>,
	totals: HashMap<CallName, u64>,
	error: Option<String>,
}

/// Follows finalized blocks in the background.
#[derive(Clone)]
pub struct Watcher {
	shared: Arc<Mutex<Shared>>,
	notify: Arc<Notify>,
	started: Instant,
}

/// The pallets whose events the load keeps.
const KEPT_EVENTS: &[&str] = &["MedicalRecords", "Consent", "SupplyChain", "EncryptedStats"];

impl Watcher {
	/// Starts following `chain`'s finalized blocks; `node_pid` is read for CPU time.
	pub async fn start(chain: &Chain, node_pid: u32) -> Result<Self, String> {
		let api = chain.subxt().clone();
		let mut blocks = api.stream_blocks().await.map_err(|error| error.to_string())?;
		let watcher = Self {
			shared: Arc::new(Mutex::new(Shared::default())),
			notify: Arc::new(Notify::new()),
			started: Instant::now(),
		};
		let background = watcher.clone();
		tokio::spawn(async move {
			while let Some(block) = blocks.next().await {
				let arrived = background.started.elapsed();
				let node_cpu_micros = crate::node::cpu_micros(node_pid);
				let observed = match block {
					Ok(block) => observe(block, arrived, node_cpu_micros).await,
					Err(error) => Err(error.to_string()),
				};
				let mut shared = background.lock();
				match observed {
					Ok(observed) => {
						for extrinsic in &observed.extrinsics {
							*shared.totals.entry(extrinsic.call.clone()).or_default() += 1;
						}
						shared.blocks.push(observed);
					},
					Err(error) => shared.error = Some(error),
				}
				drop(shared);
				background.notify.notify_waiters();
			}
			background.lock().error.get_or_insert_with(|| "the block stream ended".into());
			background.notify.notify_waiters();
		});
		Ok(watcher)
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
		// A panic elsewhere cannot leave the counts half-written: each update is one push.
		self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// How many extrinsics of `call` all observed blocks hold.
	pub fn total(&self, call: &CallName) -> u64 {
		self.lock().totals.get(call).copied().unwrap_or(0)
	}

	/// The number of the newest observed block (0 before the first).
	pub fn head(&self) -> u64 {
		self.lock().blocks.last().map_or(0, |block| block.number)
	}

	/// The most extrinsics of `call` one block after block `after` held.
	pub fn largest_block_after(&self, after: u64, call: &CallName) -> u64 {
		let shared = self.lock();
		shared.blocks.iter().rev().take_while(|block| block.number > after).map(|block| block.count(call).0).max().unwrap_or(0)
	}

	/// The blocks after block `after`.
	pub fn blocks_after(&self, after: u64) -> Vec<ObservedBlock> {
		self.lock().blocks.iter().filter(|block| block.number > after).cloned().collect()
	}

	/// Waits for the next block, or until `timeout`; an error if the stream failed.
	pub async fn next_block(&self, timeout: Duration) -> Result<(), String> {
		let notified = self.notify.notified();
		if let Some(error) = self.lock().error.clone() {
			return Err(error);
		}
		let _ = tokio::time::timeout(timeout, notified).await;
		match self.lock().error.clone() {
			Some(error) => Err(error),
			None => Ok(()),
		}
	}

	/// Waits until `blocks` more blocks have arrived.
	pub async fn wait_blocks(&self, blocks: u64, timeout: Duration) -> Result<(), String> {
		let target = self.head() + blocks;
		let deadline = Instant::now() + timeout;
		while self.head() < target {
			if Instant::now() >= deadline {
				return Err(format!("no new block within {} s", timeout.as_secs()));
			}
			self.next_block(Duration::from_millis(500)).await?;
		}
		Ok(())
	}
}

async fn observe(
	block: subxt::client::Block<subxt::SubstrateConfig>,
	arrived: Duration,
	node_cpu_micros: Option<u64>,
) -> Result<ObservedBlock, String> {
	let number = block.number();
	let at = block.at().await.map_err(|error| error.to_string())?;
	let extrinsics = at.extrinsics().fetch().await.map_err(|error| error.to_string())?;
	let events = at.events().fetch().await.map_err(|error| error.to_string())?;
	let mut outcomes: Vec<ExtrinsicOutcome> = Vec::with_capacity(extrinsics.len());
	for extrinsic in extrinsics.iter() {
		let extrinsic = extrinsic.map_err(|error| error.to_string())?;
		outcomes.push(ExtrinsicOutcome {
			call: (extrinsic.pallet_name().to_owned(), extrinsic.call_name().to_owned()),
			success: false,
			failure: None,
		});
	}
	let mut kept = Vec::new();
	for event in events.iter() {
		let event = event.map_err(|error| error.to_string())?;
		let Phase::ApplyExtrinsic(index) = event.phase() else { continue };
		let outcome = outcomes.get_mut(index as usize);
		match (event.pallet_name(), event.event_name(), outcome) {
			("System", "ExtrinsicSuccess", Some(outcome)) => outcome.success = true,
			("System", "ExtrinsicFailed", Some(outcome)) =>
				outcome.failure = Some(event.field_bytes().to_vec()),
			(pallet, name, _) if KEPT_EVENTS.contains(&pallet) => kept.push(PalletEvent {
				pallet: pallet.to_owned(),
				name: name.to_owned(),
				fields: event.field_bytes().to_vec(),
			}),
			_ => {},
		}
	}
	let normal_weight = at
		.storage()
		.fetch_raw(storage_prefix("System", "BlockWeight").to_vec())
		.await
		.ok()
		.and_then(|bytes| PerDispatchClass::<Weight>::decode(&mut &bytes[..]).ok())
		.map(|consumed| *consumed.get(DispatchClass::Normal));
	Ok(ObservedBlock { number, arrived, node_cpu_micros, extrinsics: outcomes, events: kept, normal_weight })
}

/// The events `pallet.name` of `blocks`, their fields decoded as `T` (a prefix of the fields
/// suffices: SCALE decodes a tuple of the leading fields).
pub fn events_of<T: Decode>(blocks: &[ObservedBlock], pallet: &str, name: &str) -> Result<Vec<T>, String> {
	blocks
		.iter()
		.flat_map(|block| block.events.iter())
		.filter(|event| event.pallet == pallet && event.name == name)
		.map(|event| T::decode(&mut &event.fields[..]).map_err(|error| format!("{pallet}.{name}: {error}")))
		.collect()
}
