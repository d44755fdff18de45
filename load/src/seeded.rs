//! SplitMix64: seeded draws for the reliability tools, so that a run can be repeated exactly.

use std::time::Duration;

/// The generator; the seed is its initial state.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
	/// The next 64 random bits.
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	/// A duration in `[min, max)`.
	pub fn duration(&mut self, min: Duration, max: Duration) -> Duration {
		let span = (max.saturating_sub(min).as_millis() as u64).max(1);
		min + Duration::from_millis(self.next() % span)
	}

	/// A number below `n` (0 if `n` is 0).
	pub fn below(&mut self, n: u64) -> u64 {
		self.next().checked_rem(n).unwrap_or(0)
	}

	/// `len` random bytes.
	pub fn bytes(&mut self, len: usize) -> Vec<u8> {
		(0..len).map(|_| self.next() as u8).collect()
	}
}
