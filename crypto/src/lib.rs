//! # medchain-crypto
//!
//! The privacy cryptography of medchain, on well-kept crates only: Ristretto255 from
//! `curve25519-dalek` 4.1, range proofs from `bulletproofs` 5, Fiat-Shamir transcripts from
//! `merlin`. The runtime uses the verifying half (`no_std`); clients and tests use the rest
//! (key generation, encryption, proving, decryption).
//!
//! ## Encrypted sums: twisted ElGamal
//! A study has a base point `P` hashed from the chain's genesis hash and the study id
//! ([`study_base`]) and a key `H = y * P` whose secret `y` the study's key holder keeps
//! ([`StudySecret`]). A value `m` is encrypted as `C = m * B + r * H`, `D = r * P`
//! ([`encrypt`]): `C` is a Pedersen commitment to `m` with bases `(B, H)`, so a Bulletproof
//! proves `m` in `[0, 2^k)` ([`RangeProof`]), and a sigma proof ([`ValidityProof`]) proves that
//! `D` uses the same `r` (otherwise one malformed contribution would make the total
//! undecryptable). Ciphertexts add up component-wise ([`Ciphertext::add`]); the key holder
//! computes `M = C - y * D = total * B` ([`StudySecret::decrypt`]), finds `total` by baby-step
//! giant-step ([`solve_discrete_log`]), and publishes it with a Chaum-Pedersen proof
//! ([`DecryptionProof`]) that anyone, the runtime included, checks.
//!
//! ## Threshold decryption
//! [`threshold`]: `t` of `n` trustees hold Shamir shares of `y` (Feldman commitments make each
//! trustee's key public); each publishes a proven decryption share, and any `t` of them combine
//! with Lagrange coefficients into the decryption.
//!
//! ## Statements about committed values
//! A provider vouches for a Pedersen commitment `V = v * B + s * G` ([`pedersen_base`] is `G`);
//! the patient proves `v >= t`, `v <= t`, `v` in `[a, b]` or `v_1 <= v_2` without revealing the
//! values ([`PredicateProof`]). The patient keeps the opening `(v, s)`
//! ([`Commitment::from_parts`], [`Commitment::blinding_bytes`]).
//!
//! ## What it protects, and what not
//! - It hides each value from everyone but the key holder, and the key holder learns only the
//!   total: the runtime never sees a value. Sums and counts only (no products, no maxima).
//! - A total over few contributors reveals them: studies set a minimum cohort.
//! - The proofs bind a domain tag, the genesis hash, the study, the statement and the
//!   submitter ([`Context`]), so a proof cannot be replayed by someone else, in another study or
//!   on another chain.
//! - Discrete-log based: not post-quantum. The key holder can decrypt single contributions if
//!   given them one by one; only the total is meant to be decrypted.
//!
//! ## Command-line tool
//! With the `cli` feature the crate also builds a binary, `medchain-crypto`
//! (`src/bin/medchain-crypto.rs`), for the JavaScript end-to-end tests against a dev node and
//! for key holders working offline: it makes study keys, encrypts with validity and range
//! proofs, decrypts totals with a decryption proof, makes commitments and proves predicates
//! about them, with hex (`0x...`) in and one line of JSON out. Build it with
//! `cargo build --release -p medchain-crypto --features cli` (and run `medchain-crypto --help`);
//! the feature only adds `std` and the OS random source, so the `no_std` library and the runtime
//! are unaffected.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use bulletproofs::{BulletproofGens, PedersenGens};
use curve25519_dalek::{
	constants::RISTRETTO_BASEPOINT_POINT,
	ristretto::{CompressedRistretto, RistrettoPoint},
	scalar::Scalar,
	traits::Identity,
};
use merlin::Transcript;
use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, RngCore, SeedableRng};
use sha2::{Digest, Sha512};

pub use bulletproofs::ProofError;

/// The domain tag every transcript and derived point starts with.
pub const DOMAIN: &[u8] = b"medchain/privacy/v1";

/// A compressed Ristretto255 point.
pub type PointBytes = [u8; 32];

/// Range sizes a Bulletproof may prove, in bits.
pub const RANGE_BITS: [u32; 4] = [8, 16, 32, 64];

/// What a proof is bound to: the chain (genesis hash), what it is about (a study id, or a
/// verifier's context), and who submits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context<'a> {
	/// The chain's genesis hash.
	pub genesis: [u8; 32],
	/// The study id, or another scope number the verifier names.
	pub scope: u64,
	/// The submitting account (its public key bytes).
	pub submitter: &'a [u8],
}

impl Context<'_> {
	fn transcript(&self, label: &'static [u8]) -> Transcript {
		let mut transcript = Transcript::new(DOMAIN);
		transcript.append_message(b"proof", label);
		transcript.append_message(b"genesis", &self.genesis);
		transcript.append_u64(b"scope", self.scope);
		transcript.append_message(b"submitter", self.submitter);
		transcript
	}
}

fn hash_to_point(label: &[u8], data: &[&[u8]]) -> RistrettoPoint {
	let mut hasher = Sha512::new();
	hasher.update(DOMAIN);
	hasher.update(label);
	for part in data {
		hasher.update((part.len() as u64).to_le_bytes());
		hasher.update(part);
	}
	RistrettoPoint::from_hash(hasher)
}

/// The base point `P` of a study's ciphertexts: hashed from the genesis hash and the study id,
/// so nobody knows its discrete logarithm to `B`.
pub fn study_base(genesis: &[u8; 32], study: u64) -> RistrettoPoint {
	hash_to_point(b"/study-base", &[genesis, &study.to_le_bytes()])
}

/// The blinding base `G` of attested Pedersen commitments (hashed, so nobody knows `log_B G`).
pub fn pedersen_base() -> RistrettoPoint {
	hash_to_point(b"/pedersen-blinding", &[])
}

fn decompress(bytes: &PointBytes) -> Option<RistrettoPoint> {
	CompressedRistretto(*bytes).decompress()
}

fn scalar(bytes: &[u8]) -> Option<Scalar> {
	let bytes: [u8; 32] = bytes.try_into().ok()?;
	Option::from(Scalar::from_canonical_bytes(bytes))
}

fn challenge(transcript: &mut Transcript) -> Scalar {
	let mut wide = [0u8; 64];
	transcript.challenge_bytes(b"challenge", &mut wide);
	Scalar::from_bytes_mod_order_wide(&wide)
}

fn append_point(transcript: &mut Transcript, label: &'static [u8], point: &PointBytes) {
	transcript.append_message(label, point);
}

/// A study key holder's secret `y`.
#[derive(Clone)]
pub struct StudySecret(Scalar);

impl StudySecret {
	/// A fresh secret.
	pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
		Self(Scalar::random(rng))
	}

	/// The secret's canonical bytes, to store it.
	pub fn to_bytes(&self) -> [u8; 32] {
		self.0.to_bytes()
	}

	/// From canonical bytes.
	pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
		scalar(bytes).map(Self)
	}

	/// The study key `H = y * P` to publish.
	pub fn study_key(&self, base: &RistrettoPoint) -> PointBytes {
		(self.0 * base).compress().to_bytes()
	}

	/// `M = C - y * D`: the total times `B`; `None` if the ciphertext is not made of points.
	pub fn decrypt(&self, ciphertext: &Ciphertext) -> Option<RistrettoPoint> {
		let (c, d) = ciphertext.points()?;
		Some(c - self.0 * d)
	}

	/// Decrypts `total` (below `2^max_bits`) and proves the decryption.
	pub fn decrypt_and_prove<R: RngCore + CryptoRng>(
		&self,
		context: &Context,
		base: &RistrettoPoint,
		total: &Ciphertext,
		max_bits: u32,
		rng: &mut R,
	) -> Option<(u64, DecryptionProof)> {
		let value = solve_discrete_log(&self.decrypt(total)?, max_bits)?;
		let proof = DecryptionProof::prove(context, base, &self.study_key(base), total, value, self, rng)?;
		Some((value, proof))
	}
}

/// A twisted ElGamal ciphertext `(C, D)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ciphertext {
	/// `C = m * B + r * H`.
	pub c: PointBytes,
	/// `D = r * P`.
	pub d: PointBytes,
}

impl Ciphertext {
	/// The encryption of 0 with no randomness: the start of a sum.
	pub fn zero() -> Self {
		let identity = RistrettoPoint::identity().compress().to_bytes();
		Self { c: identity, d: identity }
	}

	fn points(&self) -> Option<(RistrettoPoint, RistrettoPoint)> {
		Some((decompress(&self.c)?, decompress(&self.d)?))
	}

	/// The encryption of the sum; `None` if either is not made of points.
	pub fn add(&self, other: &Ciphertext) -> Option<Ciphertext> {
		let (c1, d1) = self.points()?;
		let (c2, d2) = other.points()?;
		Some(Ciphertext {
			c: (c1 + c2).compress().to_bytes(),
			d: (d1 + d2).compress().to_bytes(),
		})
	}
}

/// The secret randomness `r` of a ciphertext: what proving needs.
#[derive(Clone)]
pub struct Opening {
	value: u64,
	randomness: Scalar,
}

/// Encrypts `value` to the study key `key` (with base `base`); `None` if `key` is not a point.
pub fn encrypt<R: RngCore + CryptoRng>(
	base: &RistrettoPoint,
	key: &PointBytes,
	value: u64,
	rng: &mut R,
) -> Option<(Ciphertext, Opening)> {
	let h = decompress(key)?;
	let r = Scalar::random(rng);
	let c = Scalar::from(value) * RISTRETTO_BASEPOINT_POINT + r * h;
	let d = r * base;
	Some((
		Ciphertext { c: c.compress().to_bytes(), d: d.compress().to_bytes() },
		Opening { value, randomness: r },
	))
}

/// A sigma proof that a ciphertext's `D` uses the same randomness as its `C` (knowledge of
/// `m, r` with `C = m * B + r * H` and `D = r * P`). 128 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidityProof(pub [u8; 128]);

impl ValidityProof {
	fn transcript(context: &Context, base: &RistrettoPoint, key: &PointBytes, ct: &Ciphertext) -> Transcript {
		let mut transcript = context.transcript(b"ciphertext-validity");
		append_point(&mut transcript, b"P", &base.compress().to_bytes());
		append_point(&mut transcript, b"H", key);
		append_point(&mut transcript, b"C", &ct.c);
		append_point(&mut transcript, b"D", &ct.d);
		transcript
	}

	/// Proves `ciphertext` (made with `opening`) valid.
	pub fn prove<R: RngCore + CryptoRng>(
		context: &Context,
		base: &RistrettoPoint,
		key: &PointBytes,
		ciphertext: &Ciphertext,
		opening: &Opening,
		rng: &mut R,
	) -> Option<Self> {
		let h = decompress(key)?;
		let (a, b) = (Scalar::random(rng), Scalar::random(rng));
		let commit_c = (a * RISTRETTO_BASEPOINT_POINT + b * h).compress().to_bytes();
		let commit_d = (b * base).compress().to_bytes();
		let mut transcript = Self::transcript(context, base, key, ciphertext);
		append_point(&mut transcript, b"A_C", &commit_c);
		append_point(&mut transcript, b"A_D", &commit_d);
		let c = challenge(&mut transcript);
		let z_m = a + c * Scalar::from(opening.value);
		let z_r = b + c * opening.randomness;
		let mut bytes = [0u8; 128];
		bytes[..32].copy_from_slice(&commit_c);
		bytes[32..64].copy_from_slice(&commit_d);
		bytes[64..96].copy_from_slice(&z_m.to_bytes());
		bytes[96..].copy_from_slice(&z_r.to_bytes());
		Some(Self(bytes))
	}

	/// Whether the proof holds for `ciphertext` in `context`.
	pub fn verify(
		&self,
		context: &Context,
		base: &RistrettoPoint,
		key: &PointBytes,
		ciphertext: &Ciphertext,
	) -> bool {
		let check = || -> Option<bool> {
			let h = decompress(key)?;
			let (c_point, d_point) = ciphertext.points()?;
			let commit_c_bytes: PointBytes = self.0[..32].try_into().ok()?;
			let commit_d_bytes: PointBytes = self.0[32..64].try_into().ok()?;
			let commit_c = decompress(&commit_c_bytes)?;
			let commit_d = decompress(&commit_d_bytes)?;
			let z_m = scalar(&self.0[64..96])?;
			let z_r = scalar(&self.0[96..])?;
			let mut transcript = Self::transcript(context, base, key, ciphertext);
			append_point(&mut transcript, b"A_C", &commit_c_bytes);
			append_point(&mut transcript, b"A_D", &commit_d_bytes);
			let c = challenge(&mut transcript);
			Some(
				z_m * RISTRETTO_BASEPOINT_POINT + z_r * h == commit_c + c * c_point &&
					z_r * base == commit_d + c * d_point,
			)
		};
		check().unwrap_or(false)
	}
}

/// The Bulletproof generators for one range of `bits` bits, as a [`RangeProof`] needs (the
/// costly part of verifying: build them once per call, or keep them).
pub fn range_generators(bits: u32) -> BulletproofGens {
	BulletproofGens::new(bits as usize, 1)
}

/// The Bulletproof generators a [`PredicateProof`] of `predicate` over `bits`-bit ranges needs:
/// one range per bound (two for [`Predicate::Between`]).
pub fn predicate_generators(predicate: &Predicate, bits: u32) -> BulletproofGens {
	let ranges = if matches!(predicate, Predicate::Between(..)) { 2 } else { 1 };
	BulletproofGens::new(bits as usize, ranges)
}

/// A deterministic RNG for the verifier's batching, seeded from the statement and the proof.
fn verifier_rng(transcript_label: &[u8], statement: &[&[u8]]) -> ChaCha20Rng {
	let mut hasher = Sha512::new();
	hasher.update(DOMAIN);
	hasher.update(transcript_label);
	for part in statement {
		hasher.update((part.len() as u64).to_le_bytes());
		hasher.update(part);
	}
	let digest = hasher.finalize();
	let mut seed = [0u8; 32];
	seed.copy_from_slice(&digest[..32]);
	ChaCha20Rng::from_seed(seed)
}

/// A Bulletproof that the value in a ciphertext's `C` is in `[0, 2^bits)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProof(pub Vec<u8>);

impl RangeProof {
	fn transcript(context: &Context, key: &PointBytes, ct: &Ciphertext, bits: u32) -> Transcript {
		let mut transcript = context.transcript(b"ciphertext-range");
		append_point(&mut transcript, b"H", key);
		append_point(&mut transcript, b"C", &ct.c);
		transcript.append_u64(b"bits", u64::from(bits));
		transcript
	}

	/// Proves the value of `ciphertext` (made with `opening`) is below `2^bits`. Fails if it
	/// is not, or `bits` is not one of [`RANGE_BITS`].
	pub fn prove<R: RngCore + CryptoRng>(
		context: &Context,
		key: &PointBytes,
		ciphertext: &Ciphertext,
		opening: &Opening,
		bits: u32,
		rng: &mut R,
	) -> Result<Self, ProofError> {
		let h = decompress(key).ok_or(ProofError::FormatError)?;
		if !RANGE_BITS.contains(&bits) || (bits < 64 && opening.value >> bits != 0) {
			return Err(ProofError::InvalidBitsize);
		}
		let generators = PedersenGens { B: RISTRETTO_BASEPOINT_POINT, B_blinding: h };
		let mut transcript = Self::transcript(context, key, ciphertext, bits);
		let (proof, _) = bulletproofs::RangeProof::prove_single_with_rng(
			&range_generators(bits),
			&generators,
			&mut transcript,
			opening.value,
			&opening.randomness,
			bits as usize,
			rng,
		)?;
		Ok(Self(proof.to_bytes()))
	}

	/// Whether the proof holds for `ciphertext` in `context`, with `generators` from
	/// [`range_generators`]`(bits)` or larger.
	pub fn verify(
		&self,
		context: &Context,
		key: &PointBytes,
		ciphertext: &Ciphertext,
		bits: u32,
		generators: &BulletproofGens,
	) -> bool {
		let Some(h) = decompress(key) else { return false };
		if !RANGE_BITS.contains(&bits) {
			return false;
		}
		let Ok(proof) = bulletproofs::RangeProof::from_bytes(&self.0) else { return false };
		let pedersen = PedersenGens { B: RISTRETTO_BASEPOINT_POINT, B_blinding: h };
		let mut transcript = Self::transcript(context, key, ciphertext, bits);
		let mut rng = verifier_rng(b"ciphertext-range", &[key, &ciphertext.c, &self.0]);
		proof
			.verify_single_with_rng(
				generators,
				&pedersen,
				&mut transcript,
				&CompressedRistretto(ciphertext.c),
				bits as usize,
				&mut rng,
			)
			.is_ok()
	}
}

/// A Chaum-Pedersen proof of equal discrete logarithms, `log_G1(X1) == log_G2(X2)`, in a
/// transcript that already holds the statement. 96 bytes: `T1, T2, z`.
fn dleq_prove<R: RngCore + CryptoRng>(
	transcript: &mut Transcript,
	g1: &RistrettoPoint,
	g2: &RistrettoPoint,
	secret: &Scalar,
	rng: &mut R,
) -> [u8; 96] {
	let k = Scalar::random(rng);
	let t1 = (k * g1).compress().to_bytes();
	let t2 = (k * g2).compress().to_bytes();
	append_point(transcript, b"T1", &t1);
	append_point(transcript, b"T2", &t2);
	let c = challenge(transcript);
	let z = k + c * secret;
	let mut bytes = [0u8; 96];
	bytes[..32].copy_from_slice(&t1);
	bytes[32..64].copy_from_slice(&t2);
	bytes[64..].copy_from_slice(&z.to_bytes());
	bytes
}

fn dleq_verify(
	transcript: &mut Transcript,
	proof: &[u8; 96],
	(g1, x1): (&RistrettoPoint, &RistrettoPoint),
	(g2, x2): (&RistrettoPoint, &RistrettoPoint),
) -> bool {
	let mut check = || -> Option<bool> {
		let t1_bytes: PointBytes = proof[..32].try_into().ok()?;
		let t2_bytes: PointBytes = proof[32..64].try_into().ok()?;
		let (t1, t2) = (decompress(&t1_bytes)?, decompress(&t2_bytes)?);
		let z = scalar(&proof[64..])?;
		append_point(transcript, b"T1", &t1_bytes);
		append_point(transcript, b"T2", &t2_bytes);
		let c = challenge(transcript);
		Some(z * g1 == t1 + c * x1 && z * g2 == t2 + c * x2)
	};
	check().unwrap_or(false)
}

/// A Chaum-Pedersen proof that a published total decrypts a ciphertext under the study key:
/// `log_P(H) == log_D(C - total * B)`. 96 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptionProof(pub [u8; 96]);

impl DecryptionProof {
	fn transcript(
		context: &Context,
		base: &RistrettoPoint,
		key: &PointBytes,
		ct: &Ciphertext,
		total: u64,
	) -> Transcript {
		let mut transcript = context.transcript(b"decryption");
		append_point(&mut transcript, b"P", &base.compress().to_bytes());
		append_point(&mut transcript, b"H", key);
		append_point(&mut transcript, b"C", &ct.c);
		append_point(&mut transcript, b"D", &ct.d);
		transcript.append_u64(b"total", total);
		transcript
	}

	fn prove<R: RngCore + CryptoRng>(
		context: &Context,
		base: &RistrettoPoint,
		key: &PointBytes,
		ciphertext: &Ciphertext,
		total: u64,
		secret: &StudySecret,
		rng: &mut R,
	) -> Option<Self> {
		let (_, d) = ciphertext.points()?;
		let mut transcript = Self::transcript(context, base, key, ciphertext, total);
		Some(Self(dleq_prove(&mut transcript, base, &d, &secret.0, rng)))
	}

	/// Whether `total` is the decryption of `ciphertext` under the study key `key`.
	pub fn verify(
		&self,
		context: &Context,
		base: &RistrettoPoint,
		key: &PointBytes,
		ciphertext: &Ciphertext,
		total: u64,
	) -> bool {
		let (Some(h), Some((c, d))) = (decompress(key), ciphertext.points()) else { return false };
		let masked = c - Scalar::from(total) * RISTRETTO_BASEPOINT_POINT;
		let mut transcript = Self::transcript(context, base, key, ciphertext, total);
		dleq_verify(&mut transcript, &self.0, (base, &h), (&d, &masked))
	}
}

/// Finds `x < 2^max_bits` with `point == x * B` by baby-step giant-step: about `2^(max_bits/2)`
/// point additions and as many table entries (32 bits: 65,536). `None` if there is none.
pub fn solve_discrete_log(point: &RistrettoPoint, max_bits: u32) -> Option<u64> {
	if max_bits == 0 || max_bits > 48 {
		return None;
	}
	let step = 1u64 << max_bits.div_ceil(2);
	let mut table = alloc::collections::BTreeMap::new();
	let mut baby = RistrettoPoint::identity();
	for j in 0..step {
		table.insert(baby.compress().to_bytes(), j);
		baby += RISTRETTO_BASEPOINT_POINT;
	}
	let giant = Scalar::from(step) * RISTRETTO_BASEPOINT_POINT;
	let mut current = *point;
	let limit = 1u64 << max_bits;
	for i in 0..step {
		if let Some(j) = table.get(&current.compress().to_bytes()) {
			let x = i * step + j;
			return (x < limit).then_some(x);
		}
		current -= giant;
	}
	None
}

/// A Pedersen commitment `V = v * B + s * G` to a value a provider vouches for, with its
/// opening (kept by the patient).
#[derive(Clone)]
pub struct Commitment {
	/// The value.
	pub value: u64,
	blinding: Scalar,
}

impl Commitment {
	/// A fresh commitment to `value`.
	pub fn new<R: RngCore + CryptoRng>(value: u64, rng: &mut R) -> Self {
		Self { value, blinding: Scalar::random(rng) }
	}

	/// The opening a client stored or received (`value` and [`Commitment::blinding_bytes`]):
	/// what proving a [`Predicate`] about the attested point needs. `None` unless `blinding` is
	/// a canonical scalar encoding (below the group order), so every stored opening has one
	/// form. The result commits to the same [`Commitment::point`] as the original.
	pub fn from_parts(value: u64, blinding: &[u8; 32]) -> Option<Self> {
		scalar(blinding).map(|blinding| Self { value, blinding })
	}

	/// The blinding `s` as canonical bytes, to store or transfer the opening with `value`
	/// (restore it with [`Commitment::from_parts`]). It is secret: with it and the value anyone
	/// can open the commitment and prove statements about it, and without it a small `value`
	/// cannot be guessed from the point, so keep it like a private key.
	pub fn blinding_bytes(&self) -> [u8; 32] {
		self.blinding.to_bytes()
	}

	/// The commitment's point, as the provider attests it.
	pub fn point(&self) -> PointBytes {
		(Scalar::from(self.value) * RISTRETTO_BASEPOINT_POINT + self.blinding * pedersen_base())
			.compress()
			.to_bytes()
	}
}

/// A statement about attested commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predicate {
	/// The committed value is at least this.
	AtLeast(u64),
	/// The committed value is at most this.
	AtMost(u64),
	/// The committed value is in `[low, high]`.
	Between(u64, u64),
	/// The first committed value is at most the second.
	NotAbove,
}

/// A Bulletproof of a [`Predicate`] about one or two attested commitments, each shifted value
/// below `2^bits`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateProof(pub Vec<u8>);

impl PredicateProof {
	fn transcript(context: &Context, predicate: &Predicate, commitments: &[PointBytes], bits: u32) -> Transcript {
		let mut transcript = context.transcript(b"predicate");
		match predicate {
			Predicate::AtLeast(t) => {
				transcript.append_message(b"predicate", b"at-least");
				transcript.append_u64(b"t", *t);
			},
			Predicate::AtMost(t) => {
				transcript.append_message(b"predicate", b"at-most");
				transcript.append_u64(b"t", *t);
			},
			Predicate::Between(a, b) => {
				transcript.append_message(b"predicate", b"between");
				transcript.append_u64(b"a", *a);
				transcript.append_u64(b"b", *b);
			},
			Predicate::NotAbove => transcript.append_message(b"predicate", b"not-above"),
		}
		for commitment in commitments {
			append_point(&mut transcript, b"V", commitment);
		}
		transcript.append_u64(b"bits", u64::from(bits));
		transcript
	}

	/// The commitments the range proof is about: shifted so that the predicate holds iff each
	/// commits to a value in `[0, 2^bits)`.
	fn shifted(predicate: &Predicate, commitments: &[PointBytes]) -> Option<Vec<CompressedRistretto>> {
		let b = RISTRETTO_BASEPOINT_POINT;
		let points: Option<Vec<_>> = commitments.iter().map(decompress).collect();
		let points = points?;
		let shifted = match (predicate, points.as_slice()) {
			(Predicate::AtLeast(t), [v]) => alloc::vec![v - Scalar::from(*t) * b],
			(Predicate::AtMost(t), [v]) => alloc::vec![Scalar::from(*t) * b - v],
			(Predicate::Between(low, high), [v]) if low <= high =>
				alloc::vec![v - Scalar::from(*low) * b, Scalar::from(*high) * b - v],
			(Predicate::NotAbove, [first, second]) => alloc::vec![second - first],
			_ => return None,
		};
		Some(shifted.iter().map(RistrettoPoint::compress).collect())
	}

	/// Proves `predicate` about `openings` (one, or two for [`Predicate::NotAbove`]). Fails if
	/// the predicate does not hold or a shifted value is not below `2^bits`.
	pub fn prove<R: RngCore + CryptoRng>(
		context: &Context,
		predicate: &Predicate,
		openings: &[Commitment],
		bits: u32,
		rng: &mut R,
	) -> Result<Self, ProofError> {
		let (values, blindings): (Vec<u64>, Vec<Scalar>) = match (predicate, openings) {
			(Predicate::AtLeast(t), [v]) =>
				(alloc::vec![v.value.checked_sub(*t).ok_or(ProofError::FormatError)?], alloc::vec![v.blinding]),
			// `t * B - V = (t - v) * B - s * G`.
			(Predicate::AtMost(t), [v]) =>
				(alloc::vec![t.checked_sub(v.value).ok_or(ProofError::FormatError)?], alloc::vec![-v.blinding]),
			(Predicate::Between(low, high), [v]) => (
				alloc::vec![
					v.value.checked_sub(*low).ok_or(ProofError::FormatError)?,
					high.checked_sub(v.value).ok_or(ProofError::FormatError)?,
				],
				alloc::vec![v.blinding, -v.blinding],
			),
			(Predicate::NotAbove, [first, second]) => (
				alloc::vec![second.value.checked_sub(first.value).ok_or(ProofError::FormatError)?],
				alloc::vec![second.blinding - first.blinding],
			),
			_ => return Err(ProofError::WrongNumBlindingFactors),
		};
		if !RANGE_BITS.contains(&bits) || values.iter().any(|v| bits < 64 && v >> bits != 0) {
			return Err(ProofError::InvalidBitsize);
		}
		let points: Vec<PointBytes> = openings.iter().map(Commitment::point).collect();
		let generators = PedersenGens { B: RISTRETTO_BASEPOINT_POINT, B_blinding: pedersen_base() };
		let mut transcript = Self::transcript(context, predicate, &points, bits);
		let (proof, _) = bulletproofs::RangeProof::prove_multiple_with_rng(
			&predicate_generators(predicate, bits),
			&generators,
			&mut transcript,
			&values,
			&blindings,
			bits as usize,
			rng,
		)?;
		Ok(Self(proof.to_bytes()))
	}

	/// Whether the proof shows `predicate` about the attested `commitments`.
	pub fn verify(
		&self,
		context: &Context,
		predicate: &Predicate,
		commitments: &[PointBytes],
		bits: u32,
		generators: &BulletproofGens,
	) -> bool {
		if !RANGE_BITS.contains(&bits) {
			return false;
		}
		let Some(shifted) = Self::shifted(predicate, commitments) else { return false };
		let Ok(proof) = bulletproofs::RangeProof::from_bytes(&self.0) else { return false };
		let pedersen = PedersenGens { B: RISTRETTO_BASEPOINT_POINT, B_blinding: pedersen_base() };
		let mut transcript = Self::transcript(context, predicate, commitments, bits);
		let statement: Vec<&[u8]> = commitments.iter().map(|c| c.as_slice()).chain([self.0.as_slice()]).collect();
		let mut rng = verifier_rng(b"predicate", &statement);
		proof
			.verify_multiple_with_rng(generators, &pedersen, &mut transcript, &shifted, bits as usize, &mut rng)
			.is_ok()
	}
}

pub mod threshold;

#[cfg(test)]
mod tests;
