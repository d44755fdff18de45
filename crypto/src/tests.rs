use super::*;
use rand_core::OsRng;

const GENESIS: [u8; 32] = [7; 32];
const STUDY: u64 = 3;

fn context(submitter: &[u8]) -> Context<'_> {
	Context { genesis: GENESIS, scope: STUDY, submitter }
}

struct Study {
	base: RistrettoPoint,
	secret: StudySecret,
	key: PointBytes,
}

fn study() -> Study {
	let base = study_base(&GENESIS, STUDY);
	let secret = StudySecret::generate(&mut OsRng);
	let key = secret.study_key(&base);
	Study { base, secret, key }
}

#[test]
fn twenty_encrypted_values_sum_to_the_plain_sum_and_the_decryption_verifies() {
	let s = study();
	let values: Vec<u64> = (0..20).map(|i| 1_000 + 37 * i).collect();
	let generators = range_generators(16);
	let mut total = Ciphertext::zero();
	for (i, value) in values.iter().enumerate() {
		let submitter = [i as u8; 32];
		let ctx = context(&submitter);
		let (ct, opening) = encrypt(&s.base, &s.key, *value, &mut OsRng).unwrap();
		let validity = ValidityProof::prove(&ctx, &s.base, &s.key, &ct, &opening, &mut OsRng).unwrap();
		let range = RangeProof::prove(&ctx, &s.key, &ct, &opening, 16, &mut OsRng).unwrap();
		assert!(validity.verify(&ctx, &s.base, &s.key, &ct));
		assert!(range.verify(&ctx, &s.key, &ct, 16, &generators));
		total = total.add(&ct).unwrap();
	}
	let tally = context(b"key holder");
	let (sum, proof) = s.secret.decrypt_and_prove(&tally, &s.base, &total, 32, &mut OsRng).unwrap();
	assert_eq!(sum, values.iter().sum::<u64>());
	assert!(proof.verify(&tally, &s.base, &s.key, &total, sum));
	// A wrong total, another study key or another submitter fails.
	assert!(!proof.verify(&tally, &s.base, &s.key, &total, sum + 1));
	assert!(!proof.verify(&context(b"someone else"), &s.base, &s.key, &total, sum));
	let other = study();
	assert!(!proof.verify(&tally, &s.base, &other.key, &total, sum));
}

#[test]
fn proofs_are_bound_to_their_context() {
	let s = study();
	let ctx = context(b"patient");
	let (ct, opening) = encrypt(&s.base, &s.key, 42, &mut OsRng).unwrap();
	let validity = ValidityProof::prove(&ctx, &s.base, &s.key, &ct, &opening, &mut OsRng).unwrap();
	let range = RangeProof::prove(&ctx, &s.key, &ct, &opening, 8, &mut OsRng).unwrap();
	let generators = range_generators(8);
	for replay in [
		context(b"another submitter"),
		Context { scope: STUDY + 1, ..ctx },
		Context { genesis: [8; 32], ..ctx },
	] {
		assert!(!validity.verify(&replay, &s.base, &s.key, &ct));
		assert!(!range.verify(&replay, &s.key, &ct, 8, &generators));
	}
	assert!(validity.verify(&ctx, &s.base, &s.key, &ct));
	assert!(range.verify(&ctx, &s.key, &ct, 8, &generators));
}

#[test]
fn a_ciphertext_with_a_mismatched_d_is_rejected() {
	let s = study();
	let ctx = context(b"patient");
	let (ct, opening) = encrypt(&s.base, &s.key, 5, &mut OsRng).unwrap();
	let validity = ValidityProof::prove(&ctx, &s.base, &s.key, &ct, &opening, &mut OsRng).unwrap();
	// Same C, a D with other randomness: the total would not decrypt.
	let (other, _) = encrypt(&s.base, &s.key, 5, &mut OsRng).unwrap();
	let forged = Ciphertext { c: ct.c, d: other.d };
	assert!(!validity.verify(&ctx, &s.base, &s.key, &forged));
	// A proof made for the forged ciphertext with the real opening fails too.
	let forged_proof = ValidityProof::prove(&ctx, &s.base, &s.key, &forged, &opening, &mut OsRng).unwrap();
	assert!(!forged_proof.verify(&ctx, &s.base, &s.key, &forged));
	// Garbage bytes are rejected, not a panic.
	assert!(!ValidityProof([0xff; 128]).verify(&ctx, &s.base, &s.key, &ct));
	assert!(!RangeProof(vec![1, 2, 3]).verify(&ctx, &s.key, &ct, 8, &range_generators(8)));
}

#[test]
fn out_of_range_values_get_no_valid_range_proof() {
	let s = study();
	let ctx = context(b"patient");
	let (ct, opening) = encrypt(&s.base, &s.key, 256, &mut OsRng).unwrap();
	assert!(RangeProof::prove(&ctx, &s.key, &ct, &opening, 8, &mut OsRng).is_err());
	// Proven for 16 bits, it does not pass as an 8-bit proof.
	let proof = RangeProof::prove(&ctx, &s.key, &ct, &opening, 16, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &s.key, &ct, 16, &range_generators(16)));
	assert!(!proof.verify(&ctx, &s.key, &ct, 8, &range_generators(16)));
	assert!(RangeProof::prove(&ctx, &s.key, &ct, &opening, 12, &mut OsRng).is_err());
}

#[test]
fn discrete_logs_are_found_within_their_range_only() {
	let b = RISTRETTO_BASEPOINT_POINT;
	for x in [0u64, 1, 255, 65_535, 65_536, 1_234_567, (1 << 24) - 1] {
		assert_eq!(solve_discrete_log(&(Scalar::from(x) * b), 24), Some(x));
	}
	assert_eq!(solve_discrete_log(&(Scalar::from(1u64 << 24) * b), 24), None);
	assert_eq!(solve_discrete_log(&(Scalar::from(5u64) * b), 0), None);
}

#[test]
fn predicates_about_attested_commitments() {
	let ctx = context(b"patient");
	let generators = predicate_generators(&Predicate::Between(0, 0), 32); // two ranges: room for all
	let birth_year_age = Commitment::new(34, &mut OsRng);
	let adult = Predicate::AtLeast(18);
	let proof = PredicateProof::prove(&ctx, &adult, &[birth_year_age.clone()], 32, &mut OsRng).unwrap();
	let attested = [birth_year_age.point()];
	assert!(proof.verify(&ctx, &adult, &attested, 32, &generators));
	// The same proof says nothing about another threshold, commitment or submitter.
	assert!(!proof.verify(&ctx, &Predicate::AtLeast(35), &attested, 32, &generators));
	assert!(!proof.verify(&ctx, &adult, &[Commitment::new(34, &mut OsRng).point()], 32, &generators));
	assert!(!proof.verify(&context(b"other"), &adult, &attested, 32, &generators));
	// A minor cannot prove it.
	let minor = Commitment::new(17, &mut OsRng);
	assert!(PredicateProof::prove(&ctx, &adult, &[minor], 32, &mut OsRng).is_err());

	// A lab value in [70, 110].
	let glucose = Commitment::new(92, &mut OsRng);
	let normal = Predicate::Between(70, 110);
	let proof = PredicateProof::prove(&ctx, &normal, &[glucose.clone()], 32, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &normal, &[glucose.point()], 32, &generators));
	assert!(!proof.verify(&ctx, &Predicate::Between(70, 91), &[glucose.point()], 32, &generators));
	assert!(PredicateProof::prove(&ctx, &Predicate::Between(93, 110), &[glucose], 32, &mut OsRng).is_err());

	// A <= B.
	let (a, b) = (Commitment::new(120, &mut OsRng), Commitment::new(140, &mut OsRng));
	let proof = PredicateProof::prove(&ctx, &Predicate::NotAbove, &[a.clone(), b.clone()], 32, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &Predicate::NotAbove, &[a.point(), b.point()], 32, &generators));
	assert!(!proof.verify(&ctx, &Predicate::NotAbove, &[b.point(), a.point()], 32, &generators));
	assert!(PredicateProof::prove(&ctx, &Predicate::NotAbove, &[b, a], 32, &mut OsRng).is_err());
}

/// Days from 1900-01-01 to a date of the proleptic Gregorian calendar (from 1900 on).
fn days_since_1900(year: u64, month: u64, day: u64) -> u64 {
	// Days from 0000-03-01 (years start in March, so the leap day ends a year).
	let days_from_march_0 = |year: u64, month: u64, day: u64| {
		let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
		365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
	};
	days_from_march_0(year, month, day) - days_from_march_0(1900, 1, 1)
}

#[test]
fn at_most_proves_an_adult_birth_date_and_nothing_else() {
	assert_eq!(days_since_1900(1900, 1, 1), 0);
	assert_eq!(days_since_1900(1900, 3, 1), 59, "1900 is not a leap year");
	assert_eq!(days_since_1900(2000, 3, 1) - days_since_1900(2000, 2, 28), 2, "2000 is one");
	let ctx = context(b"patient");
	let generators = range_generators(32);
	// Today 2026-05-20: adults were born on 2008-05-20 or before.
	let cutoff = days_since_1900(2008, 5, 20);
	assert_eq!(cutoff, 39_586);
	let adult = Predicate::AtMost(cutoff);
	let born = Commitment::new(days_since_1900(1990, 3, 14), &mut OsRng);
	let attested = [born.point()];
	let proof = PredicateProof::prove(&ctx, &adult, std::slice::from_ref(&born), 32, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &adult, &attested, 32, &generators));
	// Not a proof of another bound, of the opposite statement, or about another commitment.
	assert!(!proof.verify(&ctx, &Predicate::AtMost(cutoff - 1), &attested, 32, &generators));
	assert!(!proof.verify(&ctx, &Predicate::AtMost(cutoff + 1), &attested, 32, &generators));
	assert!(!proof.verify(&ctx, &Predicate::AtLeast(cutoff), &attested, 32, &generators));
	let other = [Commitment::new(days_since_1900(1990, 3, 14), &mut OsRng).point()];
	assert!(!proof.verify(&ctx, &adult, &other, 32, &generators));
	assert!(!proof.verify(&context(b"other"), &adult, &attested, 32, &generators));
	// Eighteen today is enough; a day later is not, nor is a minor.
	let birthday = Commitment::new(cutoff, &mut OsRng);
	let proof = PredicateProof::prove(&ctx, &adult, std::slice::from_ref(&birthday), 32, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &adult, &[birthday.point()], 32, &generators));
	let tomorrow = Commitment::new(cutoff + 1, &mut OsRng);
	assert!(PredicateProof::prove(&ctx, &adult, &[tomorrow], 32, &mut OsRng).is_err());
	let minor = Commitment::new(days_since_1900(2010, 7, 1), &mut OsRng);
	assert!(PredicateProof::prove(&ctx, &adult, &[minor], 32, &mut OsRng).is_err());
	// A bound further above the value than `2^bits - 1` cannot be proven with `bits`.
	let zero = Commitment::new(0, &mut OsRng);
	assert!(PredicateProof::prove(&ctx, &Predicate::AtMost(256), &[zero], 8, &mut OsRng).is_err());
}

#[test]
fn commitment_openings_round_trip_through_bytes() {
	let original = Commitment::new(45_123, &mut OsRng);
	let restored = Commitment::from_parts(original.value, &original.blinding_bytes()).unwrap();
	assert_eq!(restored.point(), original.point());
	assert_eq!(restored.blinding_bytes(), original.blinding_bytes());
	// The restored opening proves statements about the attested point.
	let ctx = context(b"patient");
	let proof = PredicateProof::prove(&ctx, &Predicate::AtLeast(45_000), &[restored], 16, &mut OsRng).unwrap();
	assert!(proof.verify(&ctx, &Predicate::AtLeast(45_000), &[original.point()], 16, &range_generators(16)));
	// Another value with the same blinding is another point; non-canonical bytes are refused.
	let other = Commitment::from_parts(45_124, &original.blinding_bytes()).unwrap();
	assert_ne!(other.point(), original.point());
	assert!(Commitment::from_parts(1, &[0xff; 32]).is_none());
}

#[test]
fn study_bases_differ_per_study_and_chain() {
	assert_ne!(study_base(&GENESIS, 1), study_base(&GENESIS, 2));
	assert_ne!(study_base(&GENESIS, 1), study_base(&[8; 32], 1));
	assert_ne!(study_base(&GENESIS, 1), RISTRETTO_BASEPOINT_POINT);
	assert_ne!(pedersen_base(), RISTRETTO_BASEPOINT_POINT);
}

#[test]
fn secrets_round_trip_through_bytes() {
	let s = study();
	let restored = StudySecret::from_bytes(&s.secret.to_bytes()).unwrap();
	assert_eq!(restored.study_key(&s.base), s.key);
	assert!(StudySecret::from_bytes(&[0xff; 32]).is_none());
}

#[test]
fn proof_sizes() {
	// A Bulletproof over m values of n bits has 2 log2(n m) + 9 group elements and scalars.
	let s = study();
	let ctx = context(b"patient");
	let (ct, opening) = encrypt(&s.base, &s.key, 9, &mut OsRng).unwrap();
	let size = |bits| RangeProof::prove(&ctx, &s.key, &ct, &opening, bits, &mut OsRng).unwrap().0.len();
	assert_eq!((size(16), size(32), size(64)), (544, 608, 672));
	let value = Commitment::new(50, &mut OsRng);
	let between = PredicateProof::prove(&ctx, &Predicate::Between(0, 100), &[value], 32, &mut OsRng);
	assert_eq!(between.unwrap().0.len(), 672);
	let validity = ValidityProof::prove(&ctx, &s.base, &s.key, &ct, &opening, &mut OsRng).unwrap();
	assert_eq!(validity.0.len() + 64, 192, "a contribution's ciphertext and validity proof");
}
