//! # medchain primitives
//!
//! The types, constants and traits that more than one medchain crate needs, each defined once:
//! the chain's basic types (accounts, balances, block numbers), the native token's denomination,
//! block timing and the storage-deposit formula ([`currency`]); participant roles and the
//! registry trait ([`roles`]); the health-data vocabulary: record ids, categories,
//! confidentiality labels, purposes of use, actions, record status ([`health`]); the consent
//! decision that medical records asks for ([`consent`]); the deposit check of the pallets'
//! `try_state` ([`deposits`]); GS1 check digits ([`gs1`]); and the drug
//! supply chain's identifiers, EPCIS vocabulary, transfers and pack verification ([`supply`]).
//! Pallets, the runtime, the node and the client import them from here instead of redefining
//! them.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod consent;
pub mod deposits;
pub mod gs1;
pub mod health;
pub mod population;
pub mod roles;
pub mod stats;
pub mod supply;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// Signature type of the chain's transactions (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;

/// Account identifier: the 32-byte public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account, in the smallest unit (see [`currency`]).
pub type Balance = u128;

/// Transaction index of an account.
pub type Nonce = u32;

/// Block number.
pub type BlockNumber = u32;

/// Block and state hash.
pub type Hash = sp_core::H256;

/// The native token: symbol, decimals, and the units the runtime prices things in.
pub mod currency {
	use super::Balance;

	/// Ticker shown by wallets and Polkadot.js apps.
	pub const TOKEN_SYMBOL: &str = "MED";
	/// Number of decimals of one [`UNIT`].
	pub const TOKEN_DECIMALS: u8 = 12;
	/// One whole token in the smallest unit.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A thousandth of a token.
	pub const MILLI_UNIT: Balance = 1_000_000_000;
	/// A millionth of a token.
	pub const MICRO_UNIT: Balance = 1_000_000;
	/// Accounts holding less than this are reaped.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

	/// Storage deposit for `items` storage entries occupying `bytes` bytes in total.
	///
	/// A flat part per item discourages many small entries; the per-byte part covers state growth.
	pub const fn deposit(items: u32, bytes: u32) -> Balance {
		(items as Balance)
			.saturating_mul(UNIT / 10)
			.saturating_add((bytes as Balance).saturating_mul(10 * MICRO_UNIT))
	}
}

/// Address format.
pub mod address {
	/// SS58 address prefix. 42 is the generic Substrate prefix, so the well-known development
	/// accounts (Alice: `5GrwvaEF...`) look the same as on every other development chain.
	pub const SS58_PREFIX: u16 = 42;
}

/// Block timing.
pub mod time {
	use super::BlockNumber;

	/// Target block time of the parachain, in milliseconds.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// Slot duration used by Aura; equal to the block time.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	/// Number of blocks in one minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Number of blocks in one hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Number of blocks in one day.
	pub const DAYS: BlockNumber = HOURS * 24;
}

#[cfg(test)]
mod tests {
	use super::{currency::*, time::*};

	#[test]
	fn deposit_grows_with_items_and_bytes() {
		assert_eq!(deposit(0, 0), 0);
		assert_eq!(deposit(1, 0), UNIT / 10);
		assert_eq!(deposit(1, 100), UNIT / 10 + 100 * 10 * MICRO_UNIT);
		assert!(deposit(2, 10) > deposit(1, 10));
	}

	#[test]
	fn units_and_time_are_consistent() {
		assert_eq!(UNIT, 10u128.pow(TOKEN_DECIMALS as u32));
		assert_eq!(MILLI_UNIT * 1_000, UNIT);
		assert_eq!(MICRO_UNIT * 1_000, MILLI_UNIT);
		assert_eq!(MINUTES, 10);
		assert_eq!(DAYS, 14_400);
	}
}
