//! Benchmarks of the encrypted-stats pallet (`frame_benchmarking::v2`), one per call, each on
//! its worst case. Proof verification dominates: the benchmarks prove with real keys and
//! values (a seeded ChaCha RNG, so runs repeat), and the calls verify in the WASM runtime,
//! Bulletproof generators included (they are rebuilt on each call).
//!
//! - Contributions and predicates use 32-bit ranges, the largest the pallet takes. The consent
//!   decision of a contribution is measured with one consent; the call's weight adds the consent
//!   pallet's worst case (`ConsentDecider::decide_weight`) on top.
//! - A study's key holders are `t` trustees with threshold `t`: checking them, verifying a share
//!   (the trustee's key is a `t`-term Feldman sum) and combining shares (Lagrange over `t`) grow
//!   with `t`.
//! - A predicate over one commitment is a two-sided interval (two aggregated ranges); over two,
//!   `NotAbove` (one range, two attestations read).

use super::*;
use alloc::{vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use medchain_crypto::{
	encrypt, study_base, threshold, Ciphertext, Commitment, Context, RangeProof, StudySecret,
	ValidityProof,
};
use medchain_primitives::health::{Confidentiality, RecordCategory};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::H256;
use sp_runtime::traits::{One, Saturating};

/// The range size every benchmarked proof uses.
const BITS: u32 = 32;

fn ok<R, E: core::fmt::Debug>(result: Result<R, E>, what: &str) -> R {
	match result {
		Ok(value) => value,
		Err(error) => panic!("benchmark setup: {what} failed: {error:?}"),
	}
}

fn some<R>(option: Option<R>, what: &str) -> R {
	ok(option.ok_or(()), what)
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

fn rng(seed: u8) -> ChaCha20Rng {
	ChaCha20Rng::from_seed([seed; 32])
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance().saturating_mul(u32::MAX.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Block 1: deadlines and expiries lie after it (the benchmarks start each run at block 0).
fn set_up<T: Config>() {
	frame_system::Pallet::<T>::set_block_number(One::one());
}

fn researcher<T: Config>() -> T::AccountId {
	set_up::<T>();
	let who = funded::<T>("researcher", 0);
	T::BenchmarkHelper::register(&who, Role::Researcher);
	who
}

fn question() -> StudyQuestion {
	StudyQuestion {
		question: H256::repeat_byte(0x51),
		category: RecordCategory::Observation,
		confidentiality: Confidentiality::Normal,
		value_bits: BITS,
	}
}


/// `t` trustees sharing a fresh key with threshold `t`: the key holders, and the trustees'
/// accounts and key shares.
fn trustees<T: Config>(
	t: u32,
	id: StudyId,
) -> (KeyHoldersOf<T>, Vec<T::AccountId>, Vec<StudySecret>) {
	let base = &study_base(&Pallet::<T>::genesis(), id);
	let mut rng = rng(1);
	let secret = StudySecret::generate(&mut rng);
	let (commitments, shares) = some(threshold::deal(&secret, base, t, t, &mut rng), "dealing");
	let accounts: Vec<T::AccountId> = (0..t).map(|i| funded::<T>("trustee", i)).collect();
	let key_holders = KeyHolders::Threshold {
		threshold: t,
		trustees: BoundedVec::truncate_from(accounts.clone()),
		commitments: BoundedVec::truncate_from(commitments),
	};
	(key_holders, accounts, shares)
}

/// Opens a study with the given key holders; returns its id.
fn open<T: Config>(researcher: &T::AccountId, key_holders: KeyHoldersOf<T>) -> StudyId {
	let id = NextStudyId::<T>::get();
	let deadline = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
	let min_cohort = T::MinCohortFloor::get();
	ok(
		Pallet::<T>::open_study(
			RawOrigin::Signed(researcher.clone()).into(),
			question(),
			key_holders,
			deadline,
			min_cohort,
			T::MaxContributors::get(),
		),
		"opening a study",
	);
	id
}

/// Gives study `id` `count` contributors (index entries only) and `total` as its encrypted sum,
/// and moves past its deadline.
fn fill<T: Config>(id: StudyId, count: u32, total: Ciphertext) {
	for i in 0..count {
		let who: T::AccountId = account("contributor", i, 0);
		Contributors::<T>::insert(id, who, ());
	}
	Studies::<T>::mutate(id, |study| {
		if let Some(study) = study {
			study.contributions = count;
			study.total = EncryptedValue { c: total.c, d: total.d };
		}
	});
	let after = frame_system::Pallet::<T>::block_number().saturating_add(2u32.into());
	frame_system::Pallet::<T>::set_block_number(after);
}

/// An encryption of a small value to study `id`'s `key`.
fn ciphertext<T: Config>(id: StudyId, key: &Point) -> Ciphertext {
	let base = study_base(&Pallet::<T>::genesis(), id);
	some(encrypt(&base, key, 1_234, &mut rng(2)), "encrypting").0
}

/// A registered provider who attested `n` fresh commitments to values `1000 + i`; returns the
/// provider and the openings.
fn attested<T: Config>(n: u32) -> (T::AccountId, Vec<Commitment>) {
	set_up::<T>();
	let provider = funded::<T>("provider", 0);
	T::BenchmarkHelper::register(&provider, Role::HealthcareOrganization);
	let mut rng = rng(3);
	let openings: Vec<Commitment> =
		(0..n).map(|i| Commitment::new(1_000 + u64::from(i), &mut rng)).collect();
	let points: Vec<Point> = openings.iter().map(Commitment::point).collect();
	let expires = frame_system::Pallet::<T>::block_number()
		.saturating_add(T::MaxAttestationLifetime::get());
	ok(
		Pallet::<T>::attest(
			RawOrigin::Signed(provider.clone()).into(),
			H256::repeat_byte(0xa7),
			BoundedVec::truncate_from(points),
			expires,
		),
		"attesting",
	);
	(provider, openings)
}

/// A study of `t` trustees with threshold `t`, past its deadline with the minimum cohort and an
/// encrypted total of 1,234: its id, the trustees' accounts and key shares, and the total.
fn decryptable_threshold_study<T: Config>(
	t: u32,
) -> (StudyId, Vec<T::AccountId>, Vec<StudySecret>, Ciphertext) {
	let researcher = researcher::<T>();
	let id = NextStudyId::<T>::get();
	let (key_holders, accounts, shares) = trustees::<T>(t, id);
	let KeyHolders::Threshold { commitments, .. } = &key_holders else {
		panic!("benchmark setup: trustees expected");
	};
	let key = commitments[0];
	open::<T>(&researcher, key_holders);
	let total = ciphertext::<T>(id, &key);
	fill::<T>(id, T::MinCohortFloor::get(), total);
	(id, accounts, shares, total)
}

/// Trustee `index`'s (from 1) proven decryption share of study `id`'s `total`.
fn share_of<T: Config>(
	id: StudyId,
	trustee: &T::AccountId,
	shares: &[StudySecret],
	index: u32,
	total: &Ciphertext,
) -> threshold::DecryptionShare {
	let base = study_base(&Pallet::<T>::genesis(), id);
	let submitter = trustee.encode();
	let context = Context { genesis: Pallet::<T>::genesis(), scope: id, submitter: &submitter };
	let secret = &shares[index as usize - 1];
	let share = threshold::DecryptionShare::create(&context, &base, secret, index, total, &mut rng(6));
	some(share, "creating a share")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `t` distinct trustees with `t` Feldman commitments to check.
	#[benchmark]
	fn open_study(t: Linear<1, { T::MaxTrustees::get() }>) {
		let researcher = researcher::<T>();
		let id = NextStudyId::<T>::get();
		let (key_holders, _, _) = trustees::<T>(t, id);
		let deadline = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		let capacity = T::MaxContributors::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(researcher.clone()),
			question(),
			key_holders,
			deadline,
			T::MinCohortFloor::get(),
			capacity,
		);

		assert_last_event::<T>(Event::StudyOpened { id, researcher, deadline });
	}

	/// A 32-bit contribution: consent decision, validity proof, Bulletproof, homomorphic add.
	#[benchmark]
	fn contribute() {
		let researcher = researcher::<T>();
		let id = NextStudyId::<T>::get();
		let base = study_base(&Pallet::<T>::genesis(), id);
		let mut rng = rng(4);
		let secret = StudySecret::generate(&mut rng);
		let key = secret.study_key(&base);
		let holder = funded::<T>("holder", 0);
		open::<T>(&researcher, KeyHolders::Single { holder, key });
		let patient: T::AccountId = whitelisted_caller();
		let amount = T::Currency::minimum_balance().saturating_mul(u32::MAX.into());
		T::Currency::set_balance(&patient, amount);
		T::BenchmarkHelper::consent_to_research(&patient, &researcher);
		let submitter = patient.encode();
		let context = Context { genesis: Pallet::<T>::genesis(), scope: id, submitter: &submitter };
		let value = (1u64 << BITS) - 1;
		let (encrypted, opening) = some(encrypt(&base, &key, value, &mut rng), "encrypting");
		let validity = some(
			ValidityProof::prove(&context, &base, &key, &encrypted, &opening, &mut rng),
			"proving validity",
		);
		let range = ok(
			RangeProof::prove(&context, &key, &encrypted, &opening, BITS, &mut rng),
			"proving the range",
		);
		let range = BoundedVec::truncate_from(range.0);
		let value = EncryptedValue { c: encrypted.c, d: encrypted.d };

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id, value, validity.0, range);

		assert_last_event::<T>(Event::Contributed { id, contributions: 1 });
	}

	/// The single key holder's Chaum-Pedersen proof.
	#[benchmark]
	fn publish_total() {
		let researcher = researcher::<T>();
		let id = NextStudyId::<T>::get();
		let base = study_base(&Pallet::<T>::genesis(), id);
		let mut rng = rng(5);
		let secret = StudySecret::generate(&mut rng);
		let key = secret.study_key(&base);
		let holder = funded::<T>("holder", 0);
		open::<T>(&researcher, KeyHolders::Single { holder: holder.clone(), key });
		let total = ciphertext::<T>(id, &key);
		fill::<T>(id, T::MinCohortFloor::get(), total);
		let submitter = holder.encode();
		let context = Context { genesis: Pallet::<T>::genesis(), scope: id, submitter: &submitter };
		let (value, proof) =
			some(secret.decrypt_and_prove(&context, &base, &total, 16, &mut rng), "decrypting");

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), id, value, proof.0);

		assert_last_event::<T>(Event::TotalPublished {
			id,
			total: value,
			contributions: T::MinCohortFloor::get(),
		});
	}

	/// The last of `t` trustees' shares: its key is a `t`-term Feldman sum.
	#[benchmark]
	fn submit_share(t: Linear<1, { T::MaxTrustees::get() }>) {
		let (id, accounts, shares, total) = decryptable_threshold_study::<T>(t);
		let trustee = accounts[t as usize - 1].clone();
		let share = share_of::<T>(id, &trustee, &shares, t, &total);

		#[extrinsic_call]
		_(RawOrigin::Signed(trustee), id, share.share, share.proof);

		assert_last_event::<T>(Event::ShareSubmitted { id, trustee: t });
	}

	/// Combining `t` shares with Lagrange coefficients.
	#[benchmark]
	fn publish_threshold_total(t: Linear<1, { T::MaxTrustees::get() }>) {
		let (id, accounts, shares, total) = decryptable_threshold_study::<T>(t);
		for (trustee, index) in accounts.into_iter().zip(1..=t) {
			let share = share_of::<T>(id, &trustee, &shares, index, &total);
			ok(
				Pallet::<T>::submit_share(
					RawOrigin::Signed(trustee).into(),
					id,
					share.share,
					share.proof,
				),
				"submitting a share",
			);
		}
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, 1_234);

		assert_last_event::<T>(Event::TotalPublished {
			id,
			total: 1_234,
			contributions: T::MinCohortFloor::get(),
		});
	}

	/// A decrypted study of `MaxTrustees` trustees with `n` contributors and every share.
	#[benchmark]
	fn remove_study(n: Linear<0, { T::MaxContributors::get() }>) {
		let researcher = researcher::<T>();
		let id = NextStudyId::<T>::get();
		let (key_holders, _, _) = trustees::<T>(T::MaxTrustees::get(), id);
		open::<T>(&researcher, key_holders);
		let total = Ciphertext::zero();
		fill::<T>(id, n, total);
		for index in 1..=T::MaxTrustees::get() {
			DecryptionShares::<T>::insert(id, index, total.c);
		}
		Studies::<T>::mutate(id, |study| {
			if let Some(study) = study {
				study.status = StudyStatus::Decrypted { total: 0 };
			}
		});

		#[extrinsic_call]
		_(RawOrigin::Signed(researcher), id);

		assert_last_event::<T>(Event::StudyRemoved { id });
		assert!(Contributors::<T>::iter_key_prefix(id).next().is_none());
	}

	/// `n` fresh commitments, each checked to be a point and new.
	#[benchmark]
	fn attest(n: Linear<1, { T::MaxAttestationBatch::get() }>) {
		set_up::<T>();
		let provider = funded::<T>("provider", 0);
		T::BenchmarkHelper::register(&provider, Role::HealthcareOrganization);
		let mut rng = rng(8);
		let points: Vec<Point> =
			(0..n).map(|i| Commitment::new(u64::from(i), &mut rng).point()).collect();
		let attribute = H256::repeat_byte(0xa7);
		let expires = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::MaxAttestationLifetime::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), attribute, BoundedVec::truncate_from(points), expires);

		assert_last_event::<T>(Event::Attested { attester: provider, attribute, count: n });
	}

	/// `n` attestations withdrawn.
	#[benchmark]
	fn revoke_attestations(n: Linear<1, { T::MaxAttestationBatch::get() }>) {
		let (provider, openings) = attested::<T>(n);
		let points: Vec<Point> = openings.iter().map(Commitment::point).collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), BoundedVec::truncate_from(points));

		assert_last_event::<T>(Event::AttestationsRevoked { attester: provider, count: n });
	}

	/// One commitment in a 32-bit interval (two aggregated ranges), or two with `NotAbove`.
	#[benchmark]
	fn prove_predicate(p: Linear<1, 2>) {
		let (_, openings) = attested::<T>(p);
		let prover: T::AccountId = whitelisted_caller();
		let amount = T::Currency::minimum_balance().saturating_mul(u32::MAX.into());
		T::Currency::set_balance(&prover, amount);
		let verifier: T::AccountId = account("verifier", 0, 0);
		let predicate = if p == 1 {
			Predicate::Between { low: 1_000, high: 1_000 + u64::from(u32::MAX) }
		} else {
			Predicate::NotAbove
		};
		let submitter = (&prover, &verifier).encode();
		let context = Context { genesis: Pallet::<T>::genesis(), scope: 0, submitter: &submitter };
		let proof = ok(
			medchain_crypto::PredicateProof::prove(
				&context,
				&Pallet::<T>::crypto_predicate(&predicate),
				&openings,
				BITS,
				&mut rng(9),
			),
			"proving the predicate",
		);
		let points: Vec<Point> = openings.iter().map(Commitment::point).collect();
		let id = NextStatementId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(prover.clone()),
			verifier.clone(),
			predicate,
			BoundedVec::truncate_from(points),
			BITS,
			BoundedVec::truncate_from(proof.0),
		);

		assert_last_event::<T>(Event::StatementVerified { id, verifier, prover, predicate });
	}

	#[benchmark]
	fn remove_statement() {
		let (_, openings) = attested::<T>(1);
		let prover: T::AccountId = whitelisted_caller();
		let amount = T::Currency::minimum_balance().saturating_mul(u32::MAX.into());
		T::Currency::set_balance(&prover, amount);
		let verifier: T::AccountId = account("verifier", 0, 0);
		let predicate = Predicate::AtLeast(18);
		let submitter = (&prover, &verifier).encode();
		let context = Context { genesis: Pallet::<T>::genesis(), scope: 0, submitter: &submitter };
		let proof = ok(
			medchain_crypto::PredicateProof::prove(
				&context,
				&Pallet::<T>::crypto_predicate(&predicate),
				&openings,
				BITS,
				&mut rng(10),
			),
			"proving the predicate",
		);
		let id = NextStatementId::<T>::get();
		ok(
			Pallet::<T>::prove_predicate(
				RawOrigin::Signed(prover.clone()).into(),
				verifier.clone(),
				predicate,
				BoundedVec::truncate_from(vec![openings[0].point()]),
				BITS,
				BoundedVec::truncate_from(proof.0),
			),
			"proving a statement",
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(prover), verifier.clone(), id);

		assert_last_event::<T>(Event::StatementRemoved { id, verifier });
	}

	/// Not a call: building the Bulletproof generators for `b`-bit ranges, which every range
	/// and predicate verification does first (part of `contribute` and `prove_predicate`).
	#[benchmark]
	fn range_generators(b: Linear<8, 64>) {
		let generators;
		#[block]
		{
			generators = medchain_crypto::range_generators(b);
		}
		assert_eq!(generators.gens_capacity, b as usize);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
