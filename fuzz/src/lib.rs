//! # medchain-fuzz
//!
//! The runtime fuzzer: medchain's native runtime (built with `try-runtime`) driven block by block
//! from arbitrary bytes, with invariant oracles after every block.
//!
//! An input is a stream of steps, each
//!
//! ```text
//! lapse: u8    0 = same block; n = a new block n % 4 slots later (at least one)
//! origin: u8   which account of the setup's cast signs (byte % cast size); from 0xF0 up,
//!              Root, for the calls governance may make (`root_may_dispatch`), else signed
//! call         a SCALE-encoded `RuntimeCall`, decoded with a depth limit of 64
//! ```
//!
//! read until the bytes run out or stop decoding. Calls are dispatched directly from their
//! origins (signatures, nonces and fees are the transaction extensions' business, tested by the
//! end-to-end suites and `medchain-load hostile`); nesting through utility, proxy and multisig
//! reaches every call from inside others.
//!
//! Every input starts from the same state ([`setup`]): the development preset plus a block of
//! real calls that leaves data of every kind. [`oracles`] lists what is checked.

pub mod chain;
pub mod generate;
pub mod oracles;
pub mod setup;

use chain::{Builder, Dispatched, Origin, Tip};
use codec::{DecodeLimit, Encode};
use generate::{Generator, MEDCHAIN_PALLETS};
use medchain_runtime::{AccountId, RuntimeCall};
use oracles::Violation;
use scale_info::{PortableRegistry, TypeDef};
use sp_runtime::Storage;
use sp_state_machine::BasicExternalities;
use std::{
	panic::{catch_unwind, AssertUnwindSafe},
	sync::Mutex,
};

/// Nesting depth at which call decoding stops (unbounded nesting once overflowed the stack of
/// an SDK pallet's decoder).
pub const MAX_DECODE_DEPTH: u32 = 64;
/// Steps of one input that are run; the rest is ignored.
pub const MAX_STEPS: usize = 256;
/// Blocks one input may build.
pub const MAX_BLOCKS: u64 = 64;
/// Origin bytes from this value up mean Root.
pub const ROOT_ORIGIN: u8 = 0xf0;

/// One step of an input.
#[derive(Clone, Debug)]
pub struct Step {
	pub lapse: u8,
	pub origin: u8,
	pub call: RuntimeCall,
}

/// Decodes the steps of `bytes` (see the crate docs), stopping at the first that does not decode.
pub fn decode_steps(mut bytes: &[u8]) -> Vec<Step> {
	let mut steps = Vec::new();
	while steps.len() < MAX_STEPS {
		let [lapse, origin, rest @ ..] = bytes else { break };
		let mut rest: &[u8] = rest;
		let Ok(call) = RuntimeCall::decode_with_depth_limit(MAX_DECODE_DEPTH, &mut rest) else { break };
		steps.push(Step { lapse: *lapse, origin: *origin, call });
		bytes = rest;
	}
	steps
}

/// Encodes steps as an input.
pub fn encode_steps(steps: &[(u8, u8, Vec<u8>)]) -> Vec<u8> {
	let mut bytes = Vec::new();
	for (lapse, origin, call) in steps {
		bytes.push(*lapse);
		bytes.push(*origin);
		bytes.extend_from_slice(call);
	}
	bytes
}

/// Whether governance (Root) may dispatch `call` in a fuzz input: the calls of the pallets it
/// governs. Not `System` (it can rewrite any storage) nor `Sudo`; not
/// `force_adjust_total_issuance`, which changes the issuance without any balance on purpose; and
/// not `force_unreserve`, which in pallet-balances also frees balance that is on hold (found by
/// this fuzzer: it leaves an account's holds above its reserved balance, so the pallet that
/// holds them can no longer release them; governance must not use it on accounts with holds);
/// nor collator selection's `set_desired_candidates`, which accepts more than `MaxCandidates`
/// with a warning where its own `try_state` then fails (found by this fuzzer).
pub fn root_may_dispatch(call: &RuntimeCall) -> bool {
	match call {
		RuntimeCall::Balances(
			pallet_balances::Call::force_adjust_total_issuance { .. } |
			pallet_balances::Call::force_unreserve { .. },
		) |
		RuntimeCall::CollatorSelection(pallet_collator_selection::Call::set_desired_candidates { .. }) => false,
		RuntimeCall::Balances(_) |
		RuntimeCall::Participants(_) |
		RuntimeCall::MedicalRecords(_) |
		RuntimeCall::Consent(_) |
		RuntimeCall::SupplyChain(_) |
		RuntimeCall::EncryptedStats(_) |
		RuntimeCall::Parameters(_) |
		RuntimeCall::CollatorSelection(_) => true,
		_ => false,
	}
}

/// What one input did.
#[derive(Debug, Default)]
pub struct Outcome {
	pub dispatched: Vec<Dispatched>,
	pub blocks: u64,
	pub violations: Vec<Violation>,
	/// The panic message, if the runtime panicked.
	pub panic: Option<String>,
}

impl Outcome {
	/// Whether the input found something.
	pub fn failed(&self) -> bool {
		self.panic.is_some() || !self.violations.is_empty()
	}
}

/// The setup state and what it takes to run inputs on it.
pub struct Harness {
	state: Storage,
	tip: Tip,
	accounts: Vec<AccountId>,
	generator: Generator,
	medchain_calls: Vec<(String, String)>,
}

impl Harness {
	/// Builds the setup state ([`setup::run`]) and checks every pallet's `integrity_test`.
	pub fn new() -> Result<Self, String> {
		install_panic_hook();
		let cast = setup::Cast::new();
		let state = medchain_runtime::genesis_config_presets::preset_storage(
			medchain_runtime::genesis_config_presets::DEVELOPMENT_PRESET,
		)?;
		let mut ext = BasicExternalities::new(state);
		let built = ext.execute_with(|| {
			oracles::integrity().map_err(|violation| violation.to_string())?;
			setup::run(&cast)
		})?;
		let (registry, call_type) = call_registry();
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: Vec::new() }).encode();
		let medchain_calls = calls_of(&registry, call_type, |index| MEDCHAIN_PALLETS.contains(&index));
		Ok(Self {
			state: ext.into_storages(),
			tip: built.tip,
			accounts: cast.all(),
			generator: Generator::new(registry, call_type, remark, built.dictionary),
			medchain_calls,
		})
	}

	/// The setup state every input starts from.
	pub fn state(&self) -> &Storage {
		&self.state
	}

	/// The generator of calls for this state.
	pub fn generator(&self) -> &Generator {
		&self.generator
	}

	/// Every call of medchain's pallets, as (pallet, call).
	pub fn medchain_calls(&self) -> &[(String, String)] {
		&self.medchain_calls
	}

	/// How many accounts an origin byte picks from.
	pub fn cast_size(&self) -> usize {
		self.accounts.len()
	}

	/// Runs the input `bytes` on a fresh copy of the setup state.
	pub fn run(&self, bytes: &[u8]) -> Outcome {
		let steps = decode_steps(bytes);
		let mut ext = BasicExternalities::new(self.state.clone());
		let mut outcome = Outcome::default();
		RUNNING_INPUT.with(|running| running.set(true));
		let result = catch_unwind(AssertUnwindSafe(|| {
			ext.execute_with(|| {
				let mut builder = Builder::new(self.tip.clone());
				for step in steps {
					if step.lapse % 4 != 0 || !builder.in_block() {
						if builder.blocks >= MAX_BLOCKS {
							break;
						}
						builder.start_block(u64::from(step.lapse % 4));
					}
					let origin = self.origin(step.origin, &step.call);
					outcome.dispatched.push(builder.dispatch(&origin, step.call));
					if !builder.violations.is_empty() {
						break;
					}
				}
				builder.finish_block();
				outcome.blocks = builder.blocks;
				outcome.violations = std::mem::take(&mut builder.violations);
			})
		}));
		RUNNING_INPUT.with(|running| running.set(false));
		if let Err(panic) = result {
			outcome.panic = Some(take_panic_message().unwrap_or_else(|| panic_message(&panic)));
		}
		outcome
	}

	fn origin(&self, byte: u8, call: &RuntimeCall) -> Origin {
		if byte >= ROOT_ORIGIN && root_may_dispatch(call) {
			return Origin::Root;
		}
		Origin::Signed(self.accounts[usize::from(byte) % self.accounts.len()].clone())
	}
}

/// The input files in `folder` (none if it does not exist), in name order; its README is not one.
pub fn inputs_in(folder: &std::path::Path) -> Result<Vec<std::path::PathBuf>, String> {
	if !folder.exists() {
		return Ok(Vec::new());
	}
	let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(folder)
		.map_err(|error| format!("{}: {error}", folder.display()))?
		.filter_map(|entry| entry.ok().map(|entry| entry.path()))
		.filter(|path| {
			let note = path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with("README"));
			path.is_file() && !note
		})
		.collect();
	files.sort();
	Ok(files)
}

/// The runtime's type registry and the id of `RuntimeCall` in it.
pub fn call_registry() -> (PortableRegistry, u32) {
	let mut registry = scale_info::Registry::new();
	let call = registry.register_type(&scale_info::meta_type::<RuntimeCall>());
	(registry.into(), call.id)
}

/// The (pallet, call) names of the pallets whose index passes `select`.
pub fn calls_of(registry: &PortableRegistry, call_type: u32, select: impl Fn(u8) -> bool) -> Vec<(String, String)> {
	let mut calls = Vec::new();
	let Some(TypeDef::Variant(pallets)) = registry.resolve(call_type).map(|ty| &ty.type_def) else {
		return calls;
	};
	for pallet in pallets.variants.iter().filter(|pallet| select(pallet.index)) {
		let Some(field) = pallet.fields.first() else { continue };
		if let Some(TypeDef::Variant(inner)) = registry.resolve(field.ty.id).map(|ty| &ty.type_def) {
			calls.extend(inner.variants.iter().map(|call| (pallet.name.clone(), call.name.clone())));
		}
	}
	calls
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

thread_local! {
	/// Set while an input runs: its panics are findings, kept for the report, not printed.
	static RUNNING_INPUT: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Keeps the message and location of a panic inside an input for the report instead of
/// printing it; any other panic (a failed test assertion) is printed as usual.
fn install_panic_hook() {
	static INSTALLED: std::sync::Once = std::sync::Once::new();
	INSTALLED.call_once(|| {
		let previous = std::panic::take_hook();
		std::panic::set_hook(Box::new(move |info| {
			if RUNNING_INPUT.with(|running| running.get()) {
				if let Ok(mut last) = LAST_PANIC.lock() {
					*last = Some(info.to_string());
				}
			} else {
				previous(info);
			}
		}));
	});
}

fn take_panic_message() -> Option<String> {
	LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

/// The text of a panic payload.
pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
	if let Some(message) = panic.downcast_ref::<&str>() {
		(*message).to_string()
	} else if let Some(message) = panic.downcast_ref::<String>() {
		message.clone()
	} else {
		"a panic without a message".to_string()
	}
}
