//! What must hold after every block, whatever the calls were.
//!
//! - every pallet's `try_state` (medchain's pallets check their indexes, counts, statuses and
//!   that each hold of theirs equals the deposits their records name; balances checks its own);
//! - total issuance equals the sum of all accounts' free and reserved balance (while that sum
//!   fits in a u128), and never grows unless governance (Root) called the balances pallet;
//! - every account's holds are backed by its reserved balance, and every hold of a medchain
//!   pallet's reason is exactly the sum of the deposits that pallet's stored entries name for
//!   that account (no deposit leaked, none lost: the pallets' `try_state` checks one direction,
//!   this the other);
//! - the block's weight stays within the block limit, and its wall time within its weight (see
//!   [`crate::chain::WALL_TIME_SLACK`]).
//!
//! Weights are checked per call as it is dispatched ([`crate::chain::Builder::dispatch`]): the
//! weight a call reports after dispatch never exceeds what it was charged before.

use crate::chain::{Block, WALL_TIME_SLACK};
use frame_support::{
	dispatch::DispatchClass,
	traits::{IntegrityTest, PalletsInfoAccess, TryState, TryStateSelect},
	weights::Weight,
};
use codec::Encode;
use medchain_primitives::deposits::RecordedDeposits;
use medchain_runtime::{AccountId, AllPalletsWithSystem, BlockNumber, Runtime, RuntimeHoldReason, System};
use std::{collections::BTreeMap, time::Duration};

/// Holds by account and encoded hold reason.
type Holds = BTreeMap<(AccountId, Vec<u8>), u128>;

/// An invariant that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
	/// The block it was found in.
	pub block: BlockNumber,
	/// Which oracle.
	pub kind: &'static str,
	pub detail: String,
}

impl Violation {
	pub fn new(block: BlockNumber, kind: &'static str, detail: String) -> Self {
		Self { block, kind, detail }
	}
}

impl core::fmt::Display for Violation {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "block #{}: {}: {}", self.block, self.kind, self.detail)
	}
}

/// The most weight the normal dispatch class may use in a block.
pub fn normal_limit() -> Weight {
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block)
}

/// Runs every pallet's `integrity_test` (their constants), reporting a panic as a violation.
pub fn integrity() -> Result<(), Violation> {
	std::panic::catch_unwind(<AllPalletsWithSystem as IntegrityTest>::integrity_test).map_err(|panic| {
		Violation::new(0, "integrity_test", crate::panic_message(&panic))
	})
}

/// The checks after block `number`, which took `elapsed` to build.
pub fn after_block(number: BlockNumber, block: &Block, elapsed: Duration) -> Vec<Violation> {
	let mut violations = Vec::new();
	let mut fail = |kind: &'static str, detail: String| violations.push(Violation::new(number, kind, detail));

	if <AllPalletsWithSystem as TryState<BlockNumber>>::try_state(number, TryStateSelect::All).is_err() {
		// The combined check only says that some pallet failed: name it and its reason.
		for pallet in <AllPalletsWithSystem as PalletsInfoAccess>::infos() {
			let only = TryStateSelect::Only(vec![pallet.name.as_bytes().to_vec()]);
			if let Err(error) = <AllPalletsWithSystem as TryState<BlockNumber>>::try_state(number, only) {
				fail("try_state", format!("{}: {error:?}", pallet.name));
			}
		}
	}

	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	// `None` once the balances add up to more than a u128 holds: governance can set balances
	// that large (`force_set_balance`), and pallet-balances then saturates the issuance, so the
	// equality has no meaning (found by this fuzzer; Root only).
	let mut sum: Option<u128> = Some(0);
	for (who, account) in frame_system::Account::<Runtime>::iter() {
		sum = sum.and_then(|sum| sum.checked_add(account.data.free)?.checked_add(account.data.reserved));
		let held: u128 = pallet_balances::Holds::<Runtime>::get(&who).iter().map(|hold| hold.amount).sum();
		if held > account.data.reserved {
			fail("holds above the reserved balance", format!("{who}: held {held}, reserved {}", account.data.reserved));
		}
	}
	if let Some(sum) = sum.filter(|sum| *sum != issuance) {
		fail("total issuance", format!("issuance {issuance}, sum of balances {sum}"));
	}
	if !block.may_mint && issuance > block.issuance_before() {
		fail("issuance grew", format!("{} -> {issuance} without a governance call", block.issuance_before()));
	}

	let (recorded, held) = (recorded_deposits(), medchain_holds());
	if recorded != held {
		let difference = recorded
			.iter()
			.find(|(key, amount)| held.get(*key) != Some(*amount))
			.map(|((who, reason), amount)| format!("{who} {reason:02x?}: recorded {amount}, held {:?}", held.get(&(who.clone(), reason.clone()))))
			.or_else(|| held.iter().find(|(key, _)| !recorded.contains_key(*key)).map(|((who, reason), amount)| {
				format!("{who} {reason:02x?}: held {amount} for no stored entry")
			}))
			.unwrap_or_default();
		fail("deposits and holds differ", difference);
	}

	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let consumed = System::block_weight().total();
	if !consumed.all_lte(weights.max_block) {
		fail("block weight above the limit", format!("{consumed:?} > {:?}", weights.max_block));
	}
	let budget = Duration::from_nanos(consumed.ref_time() / 1_000).saturating_add(WALL_TIME_SLACK);
	if elapsed > budget {
		fail("block took longer than its weight", format!("{elapsed:?} for {consumed:?}"));
	}
	violations
}

fn extend<Reason: Into<RuntimeHoldReason>>(all: &mut Holds, deposits: RecordedDeposits<AccountId, Reason, u128>) {
	for ((who, reason), amount) in deposits {
		*all.entry((who, reason.into().encode())).or_default() += amount;
	}
}

/// The deposits every medchain pallet's stored entries name.
fn recorded_deposits() -> Holds {
	let mut all = Holds::new();
	extend(&mut all, pallet_medical_records::Pallet::<Runtime>::deposits_held());
	extend(&mut all, pallet_consent::Pallet::<Runtime>::deposits_held());
	extend(&mut all, pallet_supply_chain::Pallet::<Runtime>::deposits_held());
	extend(&mut all, pallet_encrypted_stats::Pallet::<Runtime>::deposits_held());
	all
}

/// Every non-zero hold of a medchain pallet's reason (a reason encodes as its pallet's index).
fn medchain_holds() -> Holds {
	let mut all = Holds::new();
	for (who, holds) in pallet_balances::Holds::<Runtime>::iter() {
		for hold in holds.iter().filter(|hold| hold.amount > 0) {
			let reason = hold.id.encode();
			if reason.first().is_some_and(|index| crate::generate::MEDCHAIN_PALLETS.contains(index)) {
				*all.entry((who.clone(), reason)).or_default() += hold.amount;
			}
		}
	}
	all
}
