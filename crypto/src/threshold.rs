//! Threshold decryption: `t` of `n` trustees together decrypt a study's total; fewer learn
//! nothing about `y`.
//!
//! A dealer splits the study secret `y` with Shamir's scheme over the Ristretto scalar field
//! (`f(0) = y`, degree `t - 1`, trustee `i` gets `y_i = f(i)`) and publishes Feldman commitments
//! `A_k = a_k * P` to the coefficients ([`deal`]). Anyone derives the study key `H = A_0` and
//! each trustee's key `H_i = sum_k i^k * A_k` ([`trustee_key`]), so a trustee's share is checked
//! against public data. To decrypt a total `(C, D)`, each trustee publishes `S_i = y_i * D` with
//! a Chaum-Pedersen proof that `log_P(H_i) == log_D(S_i)` ([`DecryptionShare`]); any `t` valid
//! shares combine with Lagrange coefficients at 0 into `y * D` ([`combine`]), and
//! `C - y * D = total * B` is checked with one multiplication ([`total_matches`]).
//!
//! The dealer knows `y` while dealing (a trusted dealer, e.g. the study's ethics board): a
//! distributed key generation without one is not implemented.

use super::*;

/// Splits `secret` into `trustees` shares of which any `threshold` decrypt, with the Feldman
/// commitments to publish. `None` unless `1 <= threshold <= trustees`.
pub fn deal<R: RngCore + CryptoRng>(
	secret: &StudySecret,
	base: &RistrettoPoint,
	threshold: u32,
	trustees: u32,
	rng: &mut R,
) -> Option<(Vec<PointBytes>, Vec<StudySecret>)> {
	if threshold == 0 || threshold > trustees {
		return None;
	}
	let mut coefficients = Vec::with_capacity(threshold as usize);
	coefficients.push(secret.0);
	for _ in 1..threshold {
		coefficients.push(Scalar::random(rng));
	}
	let commitments = coefficients.iter().map(|a| (a * base).compress().to_bytes()).collect();
	let shares = (1..=trustees)
		.map(|i| {
			let x = Scalar::from(u64::from(i));
			// Horner's rule from the highest coefficient.
			StudySecret(coefficients.iter().rev().fold(Scalar::ZERO, |acc, a| acc * x + a))
		})
		.collect();
	Some((commitments, shares))
}

/// The key of trustee `index` (from 1): `sum_k index^k * A_k`. `None` for index 0 or a
/// commitment that is not a point.
pub fn trustee_key(commitments: &[PointBytes], index: u32) -> Option<PointBytes> {
	if index == 0 {
		return None;
	}
	let x = Scalar::from(u64::from(index));
	let mut power = Scalar::ONE;
	let mut key = RistrettoPoint::identity();
	for commitment in commitments {
		key += power * decompress(commitment)?;
		power *= x;
	}
	Some(key.compress().to_bytes())
}

/// A trustee's share of a decryption: `S_i = y_i * D` with its proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptionShare {
	/// The trustee's index, from 1.
	pub index: u32,
	/// `y_i * D`.
	pub share: PointBytes,
	/// `log_P(H_i) == log_D(S_i)`.
	pub proof: [u8; 96],
}

fn share_transcript(context: &Context, key: &PointBytes, ct: &Ciphertext, index: u32, share: &PointBytes) -> Transcript {
	let mut transcript = context.transcript(b"decryption-share");
	append_point(&mut transcript, b"H_i", key);
	append_point(&mut transcript, b"D", &ct.d);
	transcript.append_u64(b"index", u64::from(index));
	append_point(&mut transcript, b"S_i", share);
	transcript
}

impl DecryptionShare {
	/// Trustee `index` (holding `secret`, its share) computes and proves its share of `total`.
	pub fn create<R: RngCore + CryptoRng>(
		context: &Context,
		base: &RistrettoPoint,
		secret: &StudySecret,
		index: u32,
		total: &Ciphertext,
		rng: &mut R,
	) -> Option<Self> {
		let d = decompress(&total.d)?;
		let share = (secret.0 * d).compress().to_bytes();
		let key = secret.study_key(base);
		let mut transcript = share_transcript(context, &key, total, index, &share);
		let proof = dleq_prove(&mut transcript, base, &d, &secret.0, rng);
		Some(Self { index, share, proof })
	}

	/// Whether the share is trustee `index`'s, for the study with these Feldman commitments.
	pub fn verify(
		&self,
		context: &Context,
		base: &RistrettoPoint,
		commitments: &[PointBytes],
		total: &Ciphertext,
	) -> bool {
		let check = || -> Option<bool> {
			let key = trustee_key(commitments, self.index)?;
			let (h_i, d, s_i) = (decompress(&key)?, decompress(&total.d)?, decompress(&self.share)?);
			let mut transcript = share_transcript(context, &key, total, self.index, &self.share);
			Some(dleq_verify(&mut transcript, &self.proof, (base, &h_i), (&d, &s_i)))
		};
		check().unwrap_or(false)
	}
}

/// `y * D` from shares of distinct trustees (as many as the threshold), by Lagrange
/// interpolation at 0. `None` for a repeated or zero index, or a share that is not a point.
pub fn combine(shares: &[(u32, PointBytes)]) -> Option<RistrettoPoint> {
	let mut combined = RistrettoPoint::identity();
	for (i, (index, share)) in shares.iter().enumerate() {
		if *index == 0 || shares[..i].iter().any(|(other, _)| other == index) {
			return None;
		}
		let x_i = Scalar::from(u64::from(*index));
		let mut lambda = Scalar::ONE;
		for (other, _) in shares.iter().filter(|(other, _)| other != index) {
			let x_j = Scalar::from(u64::from(*other));
			lambda *= x_j * (x_j - x_i).invert();
		}
		combined += lambda * decompress(share)?;
	}
	Some(combined)
}

/// Whether `C - y_D == total * B`, where `y_D` is [`combine`]'s result for `ciphertext`.
pub fn total_matches(ciphertext: &Ciphertext, combined: &RistrettoPoint, total: u64) -> bool {
	decompress(&ciphertext.c)
		.is_some_and(|c| c - combined == Scalar::from(total) * RISTRETTO_BASEPOINT_POINT)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_core::OsRng;

	#[test]
	fn any_threshold_of_trustees_decrypts_and_fewer_do_not() {
		let genesis = [1; 32];
		let base = study_base(&genesis, 9);
		let secret = StudySecret::generate(&mut OsRng);
		let (commitments, shares) = deal(&secret, &base, 3, 5, &mut OsRng).unwrap();
		// The study key is the constant term's commitment.
		assert_eq!(commitments[0], secret.study_key(&base));
		for (i, share) in shares.iter().enumerate() {
			assert_eq!(trustee_key(&commitments, i as u32 + 1), Some(share.study_key(&base)));
		}
		let key = commitments[0];
		let mut total = Ciphertext::zero();
		for value in [5u64, 17, 20] {
			total = total.add(&encrypt(&base, &key, value, &mut OsRng).unwrap().0).unwrap();
		}
		let ctx = Context { genesis, scope: 9, submitter: b"trustee" };
		let made: Vec<DecryptionShare> = shares
			.iter()
			.enumerate()
			.map(|(i, s)| DecryptionShare::create(&ctx, &base, s, i as u32 + 1, &total, &mut OsRng).unwrap())
			.collect();
		for share in &made {
			assert!(share.verify(&ctx, &base, &commitments, &total));
		}
		// A share presented as another trustee's, or in another context, fails.
		let mut stolen = made[0];
		stolen.index = 2;
		assert!(!stolen.verify(&ctx, &base, &commitments, &total));
		let elsewhere = Context { scope: 10, ..ctx };
		assert!(!made[0].verify(&elsewhere, &base, &commitments, &total));
		// Any three decrypt 42; two do not.
		for subset in [[0, 1, 2], [0, 2, 4], [1, 3, 4]] {
			let picked: Vec<_> = subset.iter().map(|&i| (made[i].index, made[i].share)).collect();
			let combined = combine(&picked).unwrap();
			assert!(total_matches(&total, &combined, 42));
			assert!(!total_matches(&total, &combined, 41));
		}
		let two: Vec<_> = made[..2].iter().map(|s| (s.index, s.share)).collect();
		assert!(!total_matches(&total, &combine(&two).unwrap(), 42));
		// Repeated or zero indexes are refused.
		assert!(combine(&[(1, made[0].share), (1, made[0].share)]).is_none());
		assert!(combine(&[(0, made[0].share)]).is_none());
		assert!(deal(&secret, &base, 0, 5, &mut OsRng).is_none());
		assert!(deal(&secret, &base, 6, 5, &mut OsRng).is_none());
	}
}
