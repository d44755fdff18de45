//! Synthetic state for measuring how costs grow with the chain's size.
//!
//! The load tool (`medchain-load --populate N`) starts a development chain whose genesis already
//! holds N records, N / 10 consents and N / 1,000 lots of 10,000 packs, then reruns its series:
//! the cost of the same call on a small and on a large state. The records, consent and
//! supply-chain pallets each take a genesis field of the types below and insert the entries the
//! way their calls would (deposits held, indexes and counts kept), so `try_state` holds on the
//! result. Every real chain leaves those fields unset.
//!
//! The synthetic owners are accounts nobody holds a key for ([`account`]); the packs' serials
//! ([`pack_serial`]) are deterministic so a client can prove one of them without reading the
//! chain.

use crate::supply::{ExpiryDate, Gtin, LotNumber};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use sp_runtime::traits::{BlakeTwo256, Hash, TrailingZeroInput};

/// How many entries to insert and over how many owners they are spread.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Population {
	/// Entries in all.
	pub count: u32,
	/// Distinct owners (patients, manufacturers); entry `i` belongs to owner `i % owners`.
	pub owners: u32,
}

impl Population {
	/// The owner of entry `index`.
	pub fn owner_of(&self, index: u32) -> u32 {
		index.checked_rem(self.owners).unwrap_or(0)
	}

	/// How many of the entries owner `owner` has.
	pub fn entries_of(&self, owner: u32) -> u32 {
		match self.count.checked_div(self.owners) {
			Some(each) => each.saturating_add(u32::from(owner < self.count % self.owners)),
			None => 0,
		}
	}
}

/// Lots of packs for the supply chain's synthetic state: `lots` lots of one product, each
/// committing to `packs_per_lot` serials.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LotPopulation {
	/// Lots commissioned.
	pub lots: u32,
	/// Packs committed by each lot's serial tree.
	pub packs_per_lot: u32,
}

/// The GTIN of the synthetic product (a valid GTIN-14 with its check digit).
pub const POPULATION_GTIN: Gtin = *b"09999999000010";

/// The expiry of every synthetic lot: the end of 2099.
pub const POPULATION_EXPIRY: ExpiryDate = ExpiryDate { year: 99, month: 12, day: 0 };

/// The synthetic account `index` of kind `kind` (e.g. `b"patient"`): a hash, so nobody holds its
/// key and it collides with no real account. `None` only for an account type that cannot be
/// decoded from 32 bytes followed by zeros (every fixed-size id can).
pub fn account<AccountId: Decode>(kind: &[u8], index: u32) -> Option<AccountId> {
	let seed = BlakeTwo256::hash(&(b"medchain/population", kind, index).encode());
	AccountId::decode(&mut TrailingZeroInput::new(seed.as_ref())).ok()
}

/// The lot number of synthetic lot `lot`.
pub fn lot_number(lot: u32) -> LotNumber {
	LotNumber::truncate_from(alloc::format!("P{lot}").into_bytes())
}

/// The serial of pack `pack` of synthetic lot `lot` (unique within the product, as SGTINs are).
pub fn pack_serial(lot: u32, pack: u32) -> Vec<u8> {
	alloc::format!("P{lot}S{pack}").into_bytes()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn entries_are_spread_over_the_owners() {
		let population = Population { count: 10, owners: 3 };
		assert_eq!((0..3).map(|o| population.entries_of(o)).collect::<Vec<_>>(), [4, 3, 3]);
		assert_eq!((0..10).filter(|i| population.owner_of(*i) == 0).count(), 4);
		assert_eq!(Population { count: 5, owners: 0 }.entries_of(0), 0);
	}

	#[test]
	fn synthetic_accounts_are_distinct_and_stable() {
		let a: crate::AccountId = account(b"patient", 0).unwrap();
		let b: crate::AccountId = account(b"patient", 1).unwrap();
		let c: crate::AccountId = account(b"manufacturer", 0).unwrap();
		assert!(a != b && a != c && b != c);
		assert_eq!(Some(a), account::<crate::AccountId>(b"patient", 0));
	}

	#[test]
	fn the_synthetic_product_and_lots_are_valid_gs1() {
		assert!(crate::supply::is_valid_gtin(&POPULATION_GTIN));
		assert!(crate::supply::is_gs1_text(&lot_number(999)));
		assert!(pack_serial(999, 9_999).len() <= 20);
	}
}
