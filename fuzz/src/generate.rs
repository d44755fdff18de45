//! Calls made up from the runtime's own description of `RuntimeCall` (its `scale-info` type), so
//! that every call of every pallet can be generated without a hand-written list that would go
//! stale when a call is added. Values are drawn with a bias towards what the setup state holds
//! (its accounts, ids, hashes, product codes, points): random bytes almost never name an
//! existing record, so without it nearly every call would fail its first lookup.
//!
//! The output is SCALE bytes, decoded by the harness exactly as it decodes any other input; a
//! draw that does not decode (a bound exceeded, an invalid enum of a nested type) is simply
//! drawn again.

use codec::{Compact, Encode};
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};

/// Values the generator prefers over uniform random ones, by encoded length.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
	/// 32-byte values: accounts first, then hashes and points the state holds.
	pub words: Vec<[u8; 32]>,
	/// Accounts (also in `words`), for the origins and for `MultiAddress::Id`.
	pub accounts: Vec<[u8; 32]>,
	/// Other fixed-size byte strings (GTINs, GLNs, SSCCs) and byte strings (lot numbers,
	/// locators).
	pub byte_strings: Vec<Vec<u8>>,
	/// Small integers worth trying: ids that exist, block numbers around now, bounds.
	pub numbers: Vec<u128>,
}

/// Makes up `RuntimeCall`s.
pub struct Generator {
	registry: PortableRegistry,
	call_type: u32,
	/// Pallet variants of `RuntimeCall` (index in the enum, call count), medchain's first.
	pallets: Vec<(usize, bool)>,
	remark: Vec<u8>,
	dictionary: Dictionary,
}

/// How deep calls may nest (a batch of a proxy of a call is depth 2).
const MAX_CALL_DEPTH: u32 = 3;

/// The pallet indices of medchain's own pallets (participants .. encrypted statistics).
pub const MEDCHAIN_PALLETS: core::ops::RangeInclusive<u8> = 50..=59;

impl Generator {
	/// A generator for the calls of type `call_type` in `registry`; `remark` is the encoding of
	/// a harmless call used where nesting would go deeper than [`MAX_CALL_DEPTH`].
	pub fn new(registry: PortableRegistry, call_type: u32, remark: Vec<u8>, dictionary: Dictionary) -> Self {
		let pallets = match registry.resolve(call_type).map(|ty| &ty.type_def) {
			Some(TypeDef::Variant(variants)) => variants
				.variants
				.iter()
				.enumerate()
				.map(|(position, variant)| (position, MEDCHAIN_PALLETS.contains(&variant.index)))
				.collect(),
			_ => Vec::new(),
		};
		Self { registry, call_type, pallets, remark, dictionary }
	}

	/// The encoding of one call: three in four from medchain's pallets.
	pub fn call(&self, rng: &mut ChaCha8Rng) -> Vec<u8> {
		let mut out = Vec::new();
		self.call_at(rng, 0, &mut out);
		out
	}

	fn call_at(&self, rng: &mut ChaCha8Rng, depth: u32, out: &mut Vec<u8>) {
		let Some(TypeDef::Variant(variants)) = self.registry.resolve(self.call_type).map(|ty| &ty.type_def) else {
			return;
		};
		if depth >= MAX_CALL_DEPTH || self.pallets.is_empty() {
			out.extend_from_slice(&self.remark);
			return;
		}
		let medchain = chance(rng, 3, 4);
		let candidates: Vec<usize> =
			self.pallets.iter().filter(|(_, own)| *own == medchain).map(|(position, _)| *position).collect();
		let pool = if candidates.is_empty() { self.pallets.iter().map(|(p, _)| *p).collect() } else { candidates };
		let position = pool[below(rng, pool.len())];
		let variant = &variants.variants[position];
		out.push(variant.index);
		for field in &variant.fields {
			self.value(rng, field.ty.id, depth, out);
		}
	}

	/// Appends a value of type `id`.
	fn value(&self, rng: &mut ChaCha8Rng, id: u32, depth: u32, out: &mut Vec<u8>) {
		if id == self.call_type {
			self.call_at(rng, depth + 1, out);
			return;
		}
		let Some(ty) = self.registry.resolve(id) else { return };
		let last = ty.path.segments.last().map(String::as_str);
		match (last, &ty.type_def) {
			(Some("AccountId32"), _) => out.extend_from_slice(&self.account(rng)),
			(Some("MultiAddress"), TypeDef::Variant(_)) if chance(rng, 9, 10) => {
				out.push(0);
				out.extend_from_slice(&self.account(rng));
			},
			(_, TypeDef::Composite(composite)) =>
				for field in &composite.fields {
					self.value(rng, field.ty.id, depth, out);
				},
			(_, TypeDef::Variant(variants)) => {
				if variants.variants.is_empty() {
					return;
				}
				let variant = &variants.variants[below(rng, variants.variants.len())];
				out.push(variant.index);
				for field in &variant.fields {
					self.value(rng, field.ty.id, depth, out);
				}
			},
			(_, TypeDef::Sequence(sequence)) => {
				let element = sequence.type_param.id;
				if self.is_byte(element) {
					let bytes = self.bytes(rng, None);
					bytes.encode_to(out);
				} else {
					let len = self.length(rng);
					Compact(len as u32).encode_to(out);
					for _ in 0..len {
						self.value(rng, element, depth, out);
					}
				}
			},
			(_, TypeDef::Array(array)) => {
				let element = array.type_param.id;
				if self.is_byte(element) {
					out.extend_from_slice(&self.bytes(rng, Some(array.len as usize)));
				} else {
					for _ in 0..array.len {
						self.value(rng, element, depth, out);
					}
				}
			},
			(_, TypeDef::Tuple(tuple)) =>
				for field in &tuple.fields {
					self.value(rng, field.id, depth, out);
				},
			(_, TypeDef::Primitive(primitive)) => self.primitive(rng, primitive, out),
			(_, TypeDef::Compact(compact)) => {
				let bits = self.integer_bits(compact.type_param.id);
				Compact(self.number(rng, bits)).encode_to(out);
			},
			// No call of the runtime takes a bit sequence; an empty one decodes as any.
			(_, TypeDef::BitSequence(_)) => Compact(0u32).encode_to(out),
		}
	}

	fn primitive(&self, rng: &mut ChaCha8Rng, primitive: &TypeDefPrimitive, out: &mut Vec<u8>) {
		match primitive {
			TypeDefPrimitive::Bool => out.push((rng.next_u32() & 1) as u8),
			TypeDefPrimitive::Char => u32::from('a').encode_to(out),
			TypeDefPrimitive::Str => String::from_utf8_lossy(&self.bytes(rng, None)).into_owned().encode_to(out),
			TypeDefPrimitive::U8 | TypeDefPrimitive::I8 => out.push(self.number(rng, 8) as u8),
			TypeDefPrimitive::U16 | TypeDefPrimitive::I16 => (self.number(rng, 16) as u16).encode_to(out),
			TypeDefPrimitive::U32 | TypeDefPrimitive::I32 => (self.number(rng, 32) as u32).encode_to(out),
			TypeDefPrimitive::U64 | TypeDefPrimitive::I64 => (self.number(rng, 64) as u64).encode_to(out),
			TypeDefPrimitive::U128 | TypeDefPrimitive::I128 => self.number(rng, 128).encode_to(out),
			TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => {
				out.extend_from_slice(&self.word(rng));
			},
		}
	}

	fn is_byte(&self, id: u32) -> bool {
		matches!(self.registry.resolve(id).map(|ty| &ty.type_def), Some(TypeDef::Primitive(TypeDefPrimitive::U8)))
	}

	fn integer_bits(&self, id: u32) -> u32 {
		match self.registry.resolve(id).map(|ty| &ty.type_def) {
			Some(TypeDef::Primitive(TypeDefPrimitive::U8)) => 8,
			Some(TypeDef::Primitive(TypeDefPrimitive::U16)) => 16,
			Some(TypeDef::Primitive(TypeDefPrimitive::U32)) => 32,
			Some(TypeDef::Primitive(TypeDefPrimitive::U64)) => 64,
			// A compact struct (e.g. `Perbill`) wraps one integer field.
			Some(TypeDef::Composite(composite)) =>
				composite.fields.first().map(|field| self.integer_bits(field.ty.id)).unwrap_or(128),
			_ => 128,
		}
	}

	/// A length for a sequence: mostly 0 to 3, sometimes up to 40 (past most bounds).
	fn length(&self, rng: &mut ChaCha8Rng) -> usize {
		if chance(rng, 1, 20) { below(rng, 41) } else { below(rng, 4) }
	}

	/// An integer that fits `bits`: dictionary numbers, small ones, boundaries, or random.
	fn number(&self, rng: &mut ChaCha8Rng, bits: u32) -> u128 {
		let max = if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 };
		let value = match below(rng, 10) {
			0..=3 if !self.dictionary.numbers.is_empty() =>
				self.dictionary.numbers[below(rng, self.dictionary.numbers.len())],
			0..=5 => below(rng, 8) as u128,
			6 => max.wrapping_sub(below(rng, 2) as u128),
			7 => 1u128 << below(rng, bits as usize),
			_ => (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()),
		};
		value & max
	}

	fn account(&self, rng: &mut ChaCha8Rng) -> [u8; 32] {
		if self.dictionary.accounts.is_empty() || chance(rng, 1, 20) {
			return random_word(rng);
		}
		self.dictionary.accounts[below(rng, self.dictionary.accounts.len())]
	}

	fn word(&self, rng: &mut ChaCha8Rng) -> [u8; 32] {
		if self.dictionary.words.is_empty() || chance(rng, 1, 5) {
			return random_word(rng);
		}
		self.dictionary.words[below(rng, self.dictionary.words.len())]
	}

	/// Bytes of length `len` (or of a chosen length): dictionary entries of that length, else
	/// random or zero bytes.
	fn bytes(&self, rng: &mut ChaCha8Rng, len: Option<usize>) -> Vec<u8> {
		if len == Some(32) {
			return self.word(rng).to_vec();
		}
		let matching: Vec<&Vec<u8>> = self
			.dictionary
			.byte_strings
			.iter()
			.filter(|bytes| len.is_none_or(|len| bytes.len() == len))
			.collect();
		if !matching.is_empty() && chance(rng, 4, 5) {
			return matching[below(rng, matching.len())].clone();
		}
		let len = len.unwrap_or_else(|| if chance(rng, 1, 10) { below(rng, 300) } else { below(rng, 24) });
		let mut bytes = vec![0u8; len];
		if chance(rng, 3, 4) {
			rng.fill_bytes(&mut bytes);
		}
		bytes
	}
}

fn random_word(rng: &mut ChaCha8Rng) -> [u8; 32] {
	let mut word = [0u8; 32];
	rng.fill_bytes(&mut word);
	word
}

/// A uniform index below `n` (`n` > 0).
pub fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
	if n == 0 {
		return 0;
	}
	(rng.next_u64() % n as u64) as usize
}

/// True with probability `numerator / denominator`.
pub fn chance(rng: &mut ChaCha8Rng, numerator: u64, denominator: u64) -> bool {
	rng.next_u64() % denominator < numerator
}
