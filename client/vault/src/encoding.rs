//! `0x` hex, the spelling the protocol uses for hashes, accounts, challenges and signatures.

/// `bytes` as lower-case hex with a `0x` prefix.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Exactly `N` bytes from `0x` hex (either case). `None` without the prefix, with a wrong
/// length or with a character that is not hex.
pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
	let digits = text.strip_prefix("0x")?;
	let mut out = [0u8; N];
	hex::decode_to_slice(digits, &mut out).ok()?;
	Some(out)
}

/// The BLAKE2-256 hash of `data`: content hashes and request body hashes.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(data)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hex_round_trip_and_strictness() {
		let bytes = [0xabu8; 4];
		assert_eq!(to_hex(&bytes), "0xabababab");
		assert_eq!(from_hex::<4>("0xabababab"), Some(bytes));
		assert_eq!(from_hex::<4>("0xABABABAB"), Some(bytes));
		assert_eq!(from_hex::<4>("abababab"), None, "the prefix is required");
		assert_eq!(from_hex::<4>("0xababab"), None, "too short");
		assert_eq!(from_hex::<4>("0xababababab"), None, "too long");
		assert_eq!(from_hex::<4>("0xababzbab"), None, "not hex");
	}

	#[test]
	fn blake2_256_matches_the_known_empty_hash() {
		assert_eq!(
			to_hex(&blake2_256(b"")),
			"0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
	}
}
