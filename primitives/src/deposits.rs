//! The deposit check that every pallet's `try_state` makes: what each of its hold reasons holds
//! from an account equals the deposits its stored entries name for that account. The runtime
//! fuzzer adds the converse over all of the chain's holds (no hold of a medchain reason without
//! an entry that names it).

use alloc::collections::btree_map::BTreeMap;
use sp_runtime::traits::{Saturating, Zero};

/// Deposits by payer and hold reason, summed over a pallet's stored entries.
pub type RecordedDeposits<AccountId, Reason, Balance> = BTreeMap<(AccountId, Reason), Balance>;

/// Adds `amount` held from `who` for `reason` (zero amounts are not recorded: nothing is held).
pub fn record<AccountId: Ord + Clone, Reason: Ord, Balance: Saturating + Zero + Copy>(
	deposits: &mut RecordedDeposits<AccountId, Reason, Balance>,
	who: &AccountId,
	reason: Reason,
	amount: Balance,
) {
	if amount.is_zero() {
		return;
	}
	let entry = deposits.entry((who.clone(), reason)).or_insert_with(Zero::zero);
	*entry = entry.saturating_add(amount);
}

/// Fails unless `on_hold(reason, who)` equals every recorded sum.
pub fn ensure_held<AccountId, Reason, Balance: PartialEq>(
	deposits: &RecordedDeposits<AccountId, Reason, Balance>,
	on_hold: impl Fn(&Reason, &AccountId) -> Balance,
) -> Result<(), &'static str> {
	for ((who, reason), amount) in deposits {
		if on_hold(reason, who) != *amount {
			return Err("held deposit differs from the deposits the stored entries name");
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sums_per_payer_and_reason_and_skips_zero() {
		let mut deposits = RecordedDeposits::<u8, u8, u64>::new();
		record(&mut deposits, &1, 0, 5);
		record(&mut deposits, &1, 0, 7);
		record(&mut deposits, &1, 1, 0);
		record(&mut deposits, &2, 0, 3);
		assert_eq!(deposits.into_iter().collect::<alloc::vec::Vec<_>>(), [((1, 0), 12), ((2, 0), 3)]);
	}

	#[test]
	fn ensure_held_fails_on_any_difference() {
		let mut deposits = RecordedDeposits::<u8, u8, u64>::new();
		record(&mut deposits, &1, 0, 12);
		assert!(ensure_held(&deposits, |_, _| 12).is_ok());
		assert!(ensure_held(&deposits, |_, _| 11).is_err());
		assert!(ensure_held(&deposits, |_, _| 13).is_err());
	}
}
