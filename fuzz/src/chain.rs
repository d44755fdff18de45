//! Blocks of the native runtime, built the way a collator builds them but without signatures:
//! the Aura pre-digest and the timestamp of a new slot, the parachain inherent with a relay-chain
//! state proof whose included head is the previous block, then calls dispatched directly from
//! their origins, then `finalize_block`. After every block the oracles run
//! ([`crate::oracles`]).

use crate::oracles::{self, Violation};
use codec::Encode;
use cumulus_pallet_parachain_system::parachain_inherent::{BasicParachainInherentData, InboundMessagesData};
use cumulus_primitives_core::PersistedValidationData;
use cumulus_test_relay_sproof_builder::RelayStateSproofBuilder;
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::GetCallMetadata,
	weights::Weight,
};
use medchain_runtime::{
	weights::ExtrinsicBaseWeight, AccountId, Executive, Header, ParachainInfo, Runtime, RuntimeCall,
	RuntimeOrigin, System, SLOT_DURATION,
};
use polkadot_parachain_primitives::primitives::HeadData;
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	Digest, DigestItem,
};
use std::time::{Duration, Instant};

/// Where the chain stands between blocks: what the next block builds on.
#[derive(Clone, Debug)]
pub struct Tip {
	/// The last finalized header (the next block's parent and the relay chain's included head).
	pub parent: Header,
	/// The last block's timestamp, in milliseconds.
	pub timestamp: u64,
	/// The relay parent of the last block.
	pub relay_number: u32,
}

impl Tip {
	/// The tip of a genesis state: block 0 at `timestamp`.
	pub fn genesis(timestamp: u64) -> Self {
		let parent = Header::new(0, Default::default(), Default::default(), Default::default(), Default::default());
		Self { parent, timestamp, relay_number: 100 }
	}
}

/// Who dispatches a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
	Signed(AccountId),
	Root,
}

impl Origin {
	fn runtime(&self) -> RuntimeOrigin {
		match self {
			Origin::Signed(who) => RuntimeOrigin::signed(who.clone()),
			Origin::Root => RuntimeOrigin::root(),
		}
	}
}

/// What one dispatch did.
#[derive(Clone, Debug)]
pub struct Dispatched {
	pub pallet: &'static str,
	pub call: &'static str,
	pub ok: bool,
	/// `Some` when the call failed: its error, for the report.
	pub error: Option<String>,
}

/// A block being built, with what the oracles need to know about it.
pub struct Block {
	started: Instant,
	/// Weight of the calls dispatched in this block, each with the extrinsic base weight.
	used: Weight,
	/// A Root call of the balances pallet ran, which may mint.
	pub may_mint: bool,
	issuance_before: u128,
}

/// Builds blocks on a [`Tip`] inside the externalities the caller provides.
pub struct Builder {
	pub tip: Tip,
	block: Option<Block>,
	/// Blocks finished so far.
	pub blocks: u64,
	/// Violations found so far (the run stops at the first, but the list keeps its context).
	pub violations: Vec<Violation>,
}

impl Builder {
	pub fn new(tip: Tip) -> Self {
		Self { tip, block: None, blocks: 0, violations: Vec::new() }
	}

	/// Starts the next block, `lapse` slots after the last one (at least one: Aura allows one
	/// block per slot).
	pub fn start_block(&mut self, lapse: u64) {
		if self.block.is_some() {
			self.finish_block();
		}
		let lapse = lapse.max(1);
		let number = self.tip.parent.number().saturating_add(1);
		let timestamp = self.tip.timestamp.saturating_add(SLOT_DURATION.saturating_mul(lapse));
		let slot = Slot::from(timestamp / SLOT_DURATION);
		let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
		let header = Header::new(number, Default::default(), Default::default(), self.tip.parent.hash(), digest);
		let issuance_before = pallet_balances::TotalIssuance::<Runtime>::get();
		let started = Instant::now();
		Executive::initialize_block(&header);

		// The relay chain's view: its slot is the parachain's (both last 6 s), and it has
		// included the previous parachain block, so the unincluded segment never fills up.
		let relay_number = self.tip.relay_number.saturating_add(lapse as u32);
		let parent_head = HeadData(self.tip.parent.encode());
		let sproof = RelayStateSproofBuilder {
			para_id: ParachainInfo::parachain_id(),
			current_slot: slot,
			included_para_head: Some(parent_head.clone()),
			..Default::default()
		};
		let (relay_parent_storage_root, relay_chain_state) = sproof.into_state_root_and_proof();
		let data = BasicParachainInherentData {
			validation_data: PersistedValidationData {
				parent_head,
				relay_parent_number: relay_number,
				relay_parent_storage_root,
				max_pov_size: 5 * 1024 * 1024,
			},
			relay_chain_state,
			relay_parent_descendants: Vec::new(),
			collator_peer_id: None,
		};
		let inherents = [
			RuntimeCall::ParachainSystem(cumulus_pallet_parachain_system::Call::set_validation_data {
				data,
				inbound_messages_data: InboundMessagesData::new(Default::default(), Default::default()),
			}),
			RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: timestamp }),
		];
		for inherent in inherents {
			let info = inherent.get_dispatch_info();
			if let Err(error) = inherent.dispatch(RuntimeOrigin::none()) {
				self.violations.push(Violation::new(number, "inherent failed", format!("{error:?}")));
			}
			System::register_extra_weight_unchecked(info.call_weight, DispatchClass::Mandatory);
		}
		Executive::inherents_applied();
		self.tip.timestamp = timestamp;
		self.tip.relay_number = relay_number;
		self.block = Some(Block { started, used: Weight::zero(), may_mint: false, issuance_before });
	}

	/// Dispatches `call` from `origin` in the current block (starting one if none is open, and
	/// the next one if this call would not fit in the current block's normal class), checking
	/// its weight.
	pub fn dispatch(&mut self, origin: &Origin, call: RuntimeCall) -> Dispatched {
		let info = call.get_dispatch_info();
		let metadata = call.get_call_metadata();
		let cost = info.call_weight.saturating_add(ExtrinsicBaseWeight::get());
		let limit = oracles::normal_limit();
		// No block could hold it (a user-declared `max_weight`, say): the block builder's
		// `CheckWeight` refuses it before dispatch, and so does the harness.
		if !cost.all_lte(limit) {
			return Dispatched {
				pallet: metadata.pallet_name,
				call: metadata.function_name,
				ok: false,
				error: Some("ExhaustsResources (not dispatched)".into()),
			};
		}
		let fits = |block: &Block| block.used.saturating_add(cost).all_lte(limit);
		match &self.block {
			Some(block) if fits(block) => {},
			_ => self.start_block(1),
		}
		let minting = *origin == Origin::Root && metadata.pallet_name == "Balances";
		let number = self.tip.parent.number().saturating_add(1);
		let result = call.dispatch(origin.runtime());
		let (post, error) = match result {
			Ok(post) => (post, None),
			Err(error) => (error.post_info, Some(format!("{:?}", error.error))),
		};
		let actual = post.actual_weight.unwrap_or(info.call_weight);
		if !actual.all_lte(info.call_weight) {
			self.violations.push(Violation::new(
				number,
				"actual weight above the pre-dispatch weight",
				format!(
					"{}.{}: charged {:?}, used {:?}",
					metadata.pallet_name, metadata.function_name, info.call_weight, actual
				),
			));
		}
		let used = actual.saturating_add(ExtrinsicBaseWeight::get());
		System::register_extra_weight_unchecked(used, info.class);
		if let Some(block) = &mut self.block {
			block.used = block.used.saturating_add(used);
			block.may_mint |= minting;
		}
		Dispatched { pallet: metadata.pallet_name, call: metadata.function_name, ok: error.is_none(), error }
	}

	/// Finishes the open block (if any) and runs the oracles on it.
	pub fn finish_block(&mut self) {
		let Some(block) = self.block.take() else { return };
		let header = Executive::finalize_block();
		let elapsed = block.started.elapsed();
		let number = *header.number();
		self.violations.extend(oracles::after_block(number, &block, elapsed));
		self.tip.parent = header;
		self.blocks += 1;
	}

	/// Whether a block is open.
	pub fn in_block(&self) -> bool {
		self.block.is_some()
	}
}

impl Block {
	pub fn issuance_before(&self) -> u128 {
		self.issuance_before
	}
}

/// A generous allowance for the machine (scheduling, cold caches) over a block's weight when
/// its wall time is compared with it: the runtime runs natively here, several times faster than
/// the WASM its weights were measured in, so a call this much slower than its weight is
/// underweighted by far more.
pub const WALL_TIME_SLACK: Duration = Duration::from_millis(100);
