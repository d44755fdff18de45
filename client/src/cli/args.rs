//! Parsing and printing of command-line values: accounts (SS58 or `0x` hex), 32-byte hex keys,
//! and the chain's code lists (record categories, confidentiality labels, purposes, actions)
//! by their variant names.

use std::fmt::Debug;

use medchain_primitives::health::{Action, Confidentiality, PurposeOfUse, RecordCategory};
use sp_core::crypto::{AccountId32, Ss58Codec};

use crate::keys::AccountId;

pub use crate::chain::{ss58, SS58_PREFIX};

/// An account from its SS58 address (any prefix) or its `0x` hex public key (64 digits).
pub fn parse_account(text: &str) -> Result<AccountId, String> {
	let text = text.trim();
	if let Some(digits) = text.strip_prefix("0x") {
		let mut account = [0u8; 32];
		hex::decode_to_slice(digits, &mut account).map_err(|_| {
			format!("{text:?} is not an account: 0x hex must be 64 hex digits (32 bytes)")
		})?;
		return Ok(account);
	}
	AccountId32::from_ss58check_with_version(text)
		.map(|(account, _)| account.into())
		.map_err(|error| {
			format!("{text:?} is not an account: neither an SS58 address ({error:?}) nor 0x hex")
		})
}

/// A 32-byte value (an X25519 public key, a hash) from hex, with or without `0x`.
pub fn parse_hex32(text: &str) -> Result<[u8; 32], String> {
	let digits = text.trim().strip_prefix("0x").unwrap_or(text.trim());
	let mut out = [0u8; 32];
	hex::decode_to_slice(digits, &mut out)
		.map_err(|_| format!("{text:?} is not 32 bytes of hex (64 hex digits, 0x optional)"))?;
	Ok(out)
}

/// `0x` and lowercase hex.
pub fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// The code of `all` whose variant name is `text` (case-insensitive).
pub fn parse_code<T: Copy + Debug>(all: &[T], text: &str, what: &str) -> Result<T, String> {
	let text = text.trim();
	all.iter()
		.copied()
		.find(|code| format!("{code:?}").eq_ignore_ascii_case(text))
		.ok_or_else(|| format!("unknown {what} {text:?}; one of: {}", names(all)))
}

/// The variant names of `all`, comma separated.
pub fn names<T: Debug>(all: &[T]) -> String {
	all.iter().map(|code| format!("{code:?}")).collect::<Vec<_>>().join(", ")
}

/// A record category by name, e.g. `Observation`.
pub fn parse_category(text: &str) -> Result<RecordCategory, String> {
	parse_code(RecordCategory::ALL, text, "record category")
}

/// A confidentiality label by name, e.g. `Normal`.
pub fn parse_confidentiality(text: &str) -> Result<Confidentiality, String> {
	parse_code(Confidentiality::ALL, text, "confidentiality")
}

/// A purpose of use by name, e.g. `Treatment`.
pub fn parse_purpose(text: &str) -> Result<PurposeOfUse, String> {
	parse_code(PurposeOfUse::ALL, text, "purpose of use")
}

/// An action by name, e.g. `Access`.
pub fn parse_action(text: &str) -> Result<Action, String> {
	parse_code(Action::ALL, text, "action")
}

/// `values` sorted without duplicates, as the chain keeps code sets.
pub fn normalized<T: Ord>(mut values: Vec<T>) -> Vec<T> {
	values.sort();
	values.dedup();
	values
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Alice of the development chain.
	const ALICE_SS58: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const ALICE_HEX: &str = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

	#[test]
	fn accounts_parse_from_ss58_and_hex() {
		let from_ss58 = parse_account(ALICE_SS58).unwrap();
		let from_hex = parse_account(ALICE_HEX).unwrap();
		assert_eq!(from_ss58, from_hex);
		assert_eq!(ss58(&from_hex), ALICE_SS58);
		assert_eq!(hex0x(&from_ss58), ALICE_HEX);
	}

	#[test]
	fn bad_accounts_are_refused_with_a_reason() {
		assert!(parse_account("0x1234").unwrap_err().contains("64 hex digits"));
		assert!(parse_account("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ").is_err());
		assert!(parse_account("alice").is_err());
	}

	#[test]
	fn codes_parse_by_variant_name_ignoring_case() {
		assert_eq!(parse_category("observation").unwrap(), RecordCategory::Observation);
		assert_eq!(parse_confidentiality("VeryRestricted").unwrap(), Confidentiality::VeryRestricted);
		assert_eq!(parse_purpose("Treatment").unwrap(), PurposeOfUse::Treatment);
		assert_eq!(parse_action("USE").unwrap(), Action::Use);
		let error = parse_purpose("Care").unwrap_err();
		assert!(error.contains("Treatment") && error.contains("PatientRequest"), "{error}");
	}

	#[test]
	fn hex32_takes_an_optional_prefix() {
		assert_eq!(parse_hex32(&"ab".repeat(32)).unwrap(), [0xab; 32]);
		assert_eq!(parse_hex32(&format!("0x{}", "01".repeat(32))).unwrap(), [1; 32]);
		assert!(parse_hex32("0x01").is_err());
	}

	#[test]
	fn code_sets_are_sorted_and_deduplicated() {
		assert_eq!(
			normalized(vec![Action::Use, Action::Access, Action::Use]),
			vec![Action::Access, Action::Use]
		);
	}
}
