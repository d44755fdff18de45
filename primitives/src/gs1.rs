//! GS1 identifier checks shared by the participants registry (GLN) and the supply chain (GTIN,
//! SSCC): all use the same mod-10 check digit.

/// The GS1 mod-10 check digit (ASCII) that completes `data` (ASCII `0`-`9`): counting from the
/// rightmost data digit, weights 3 and 1 alternate. `None` if `data` is empty or not digits.
pub fn check_digit(data: &[u8]) -> Option<u8> {
	if data.is_empty() || !data.iter().all(u8::is_ascii_digit) {
		return None;
	}
	let sum: u32 = data
		.iter()
		.rev()
		.enumerate()
		.map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
		.sum();
	Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// Whether `digits` (ASCII `0`-`9`) end with a valid GS1 mod-10 check digit.
pub fn has_valid_check_digit(digits: &[u8]) -> bool {
	match digits.split_last() {
		Some((check, data)) => check_digit(data) == Some(*check),
		None => false,
	}
}

#[cfg(test)]
mod tests {
	use super::has_valid_check_digit;

	#[test]
	fn known_identifiers_validate() {
		// GS1's own examples.
		assert!(has_valid_check_digit(b"4006381333931")); // GTIN-13
		assert!(has_valid_check_digit(b"00012345600012")); // GTIN-14
		assert!(has_valid_check_digit(b"0614141000005")); // GLN
		assert!(has_valid_check_digit(b"106141411234567897")); // SSCC
	}

	#[test]
	fn wrong_digits_and_non_digits_fail() {
		assert!(!has_valid_check_digit(b"4006381333932"));
		assert!(!has_valid_check_digit(b"40063813339a1"));
		assert!(!has_valid_check_digit(b""));
		assert!(!has_valid_check_digit(b"7"));
	}
}
