//! Tests of the encrypted-stats pallet with real proofs (medchain-crypto), the real consent
//! pallet deciding who may contribute and the real participants registry deciding who is a
//! researcher or a provider. Each test ends with the pallet's `do_try_state` (`mock::test`).

use crate::{
	mock::*, Attestations, CommitmentBatch, Contributors, DecryptionShares, Error, Event,
	HoldReason, KeyHoldersOf, MaxPredicateProofLen, MaxRangeProofLen, NextStatementId, NextStudyId,
	Statements, Studies,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok, dispatch::DispatchResultWithPostInfo, traits::fungible::InspectHold,
	BoundedVec,
};
use medchain_crypto::{
	encrypt, range_generators, study_base, threshold, Ciphertext, Commitment, Context,
	PredicateProof, ProofError, RangeProof, StudySecret, ValidityProof,
};
use medchain_primitives::{
	consent::Grantee,
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	stats::{
		Attestation, AttestedValue, AttributeCode, EncryptedValue, KeyHolders, Point, Predicate,
		Statement, StudyId, StudyQuestion, StudyStatus,
	},
};
use rand_core::OsRng;
use sp_core::H256;
use sp_runtime::DispatchResult;

/// Every study in these tests takes contributions until this block (inclusive).
const DEADLINE: u64 = 10;
/// The capacity of the studies the helpers open.
const CAPACITY: u32 = 20;
/// Their deposit: `STUDY_DEPOSIT_BASE + CAPACITY * DEPOSIT_PER_CONTRIBUTOR` (100 + 20 * 2).
const DEPOSIT: u64 = 140;
/// Not a point: an encoding above the field modulus.
const NOT_A_POINT: Point = [0xff; 32];

type Range = BoundedVec<u8, MaxRangeProofLen>;

/// What a patient submits.
struct Contribution {
	value: EncryptedValue,
	validity: [u8; 128],
	range: Range,
}

fn question(bits: u32) -> StudyQuestion {
	StudyQuestion {
		question: H256::repeat_byte(0x51),
		category: RecordCategory::Observation,
		confidentiality: Confidentiality::Normal,
		value_bits: bits,
	}
}

fn patient(i: u64) -> u64 {
	PATIENTS + i
}

/// `patient` lets `grantee` use all its data labelled up to `ceiling` for research.
fn grant_research_consent(patient: u64, grantee: u64, ceiling: Confidentiality) {
	let terms = pallet_consent::ConsentTermsOf::<Test>::permit_all_data(
		Grantee::Account(grantee),
		&[Action::Use],
		&[PurposeOfUse::Research],
		ceiling,
	);
	assert_ok!(Consent::grant_consent(RuntimeOrigin::signed(patient), terms));
}

/// An encryption of `value` to study `id`'s key, with proofs bound to `who`.
fn contribution(id: StudyId, key: &Point, who: u64, value: u64, bits: u32) -> Contribution {
	let submitter = who.encode();
	let context = Context { genesis: GENESIS, scope: id, submitter: &submitter };
	let base = study_base(&GENESIS, id);
	let (ciphertext, opening) = encrypt(&base, key, value, &mut OsRng).unwrap();
	let validity =
		ValidityProof::prove(&context, &base, key, &ciphertext, &opening, &mut OsRng).unwrap();
	let range = RangeProof::prove(&context, key, &ciphertext, &opening, bits, &mut OsRng).unwrap();
	Contribution {
		value: EncryptedValue { c: ciphertext.c, d: ciphertext.d },
		validity: validity.0,
		range: range.0.try_into().unwrap(),
	}
}

fn contribute(who: u64, id: StudyId, contribution: Contribution) -> DispatchResultWithPostInfo {
	EncryptedStats::contribute(
		RuntimeOrigin::signed(who),
		id,
		contribution.value,
		contribution.validity,
		contribution.range,
	)
}

/// Opens a study as `who`.
fn open_as(
	who: u64,
	bits: u32,
	key_holders: KeyHoldersOf<Test>,
	deadline: u64,
	min_cohort: u32,
	capacity: u32,
) -> DispatchResult {
	EncryptedStats::open_study(
		RuntimeOrigin::signed(who),
		question(bits),
		key_holders,
		deadline,
		min_cohort,
		capacity,
	)
}

/// Opens a 16-bit study as `RESEARCHER`.
fn open_with(key_holders: KeyHoldersOf<Test>, min_cohort: u32, capacity: u32) -> DispatchResult {
	open_as(RESEARCHER, 16, key_holders, DEADLINE, min_cohort, capacity)
}

/// Opens a 16-bit study with room for `CAPACITY` contributions as `RESEARCHER`.
fn open(key_holders: KeyHoldersOf<Test>, min_cohort: u32) -> DispatchResult {
	open_with(key_holders, min_cohort, CAPACITY)
}

/// Opens a 16-bit study decrypted by `KEY_HOLDER`, with room for `capacity` contributions.
fn open_single_with(min_cohort: u32, capacity: u32) -> (StudyId, StudySecret, Point) {
	let id = NextStudyId::<Test>::get();
	let secret = StudySecret::generate(&mut OsRng);
	let key = secret.study_key(&study_base(&GENESIS, id));
	assert_ok!(open_with(KeyHolders::Single { holder: KEY_HOLDER, key }, min_cohort, capacity));
	(id, secret, key)
}

/// Opens a 16-bit study decrypted by `KEY_HOLDER`, with room for `CAPACITY` contributions.
fn open_single(min_cohort: u32) -> (StudyId, StudySecret, Point) {
	open_single_with(min_cohort, CAPACITY)
}

fn trustees() -> BoundedVec<u64, frame_support::traits::ConstU32<MAX_TRUSTEES>> {
	TRUSTEES.to_vec().try_into().unwrap()
}

/// Opens a 16-bit study decrypted by 3 of the 5 `TRUSTEES`; returns their key shares.
fn open_threshold(min_cohort: u32) -> (StudyId, Vec<StudySecret>, Point) {
	let id = NextStudyId::<Test>::get();
	let secret = StudySecret::generate(&mut OsRng);
	let (commitments, shares) =
		threshold::deal(&secret, &study_base(&GENESIS, id), 3, 5, &mut OsRng).unwrap();
	let key = commitments[0];
	assert_eq!(key, secret.study_key(&study_base(&GENESIS, id)));
	assert_ok!(open(
		KeyHolders::Threshold {
			threshold: 3,
			trustees: trustees(),
			commitments: commitments.try_into().unwrap(),
		},
		min_cohort,
	));
	(id, shares, key)
}

/// Patients `0..values.len()` consent and contribute `values`; returns their sum.
fn contribute_all(id: StudyId, key: &Point, values: &[u64]) -> u64 {
	for (i, &value) in values.iter().enumerate() {
		let who = patient(i as u64);
		grant_research_consent(who, RESEARCHER, Confidentiality::VeryRestricted);
		assert_ok!(contribute(who, id, contribution(id, key, who, value, 16)));
		System::assert_last_event(Event::Contributed { id, contributions: i as u32 + 1 }.into());
	}
	values.iter().sum()
}

fn total_of(id: StudyId) -> Ciphertext {
	let total = Studies::<Test>::get(id).unwrap().total;
	Ciphertext { c: total.c, d: total.d }
}

/// The key holder's off-chain decryption of the study's total, proven for `publisher`.
fn decrypt(id: StudyId, secret: &StudySecret, publisher: u64) -> (u64, [u8; 96]) {
	let submitter = publisher.encode();
	let context = Context { genesis: GENESIS, scope: id, submitter: &submitter };
	let (total, proof) = secret
		.decrypt_and_prove(&context, &study_base(&GENESIS, id), &total_of(id), 24, &mut OsRng)
		.unwrap();
	(total, proof.0)
}

/// Trustee `index`'s (from 1) proven decryption share of the study's total.
fn share(id: StudyId, shares: &[StudySecret], index: u32) -> threshold::DecryptionShare {
	let submitter = TRUSTEES[index as usize - 1].encode();
	let context = Context { genesis: GENESIS, scope: id, submitter: &submitter };
	threshold::DecryptionShare::create(
		&context,
		&study_base(&GENESIS, id),
		&shares[index as usize - 1],
		index,
		&total_of(id),
		&mut OsRng,
	)
	.unwrap()
}

fn submit_share(id: StudyId, shares: &[StudySecret], index: u32) -> DispatchResult {
	let share = share(id, shares, index);
	EncryptedStats::submit_share(
		RuntimeOrigin::signed(TRUSTEES[index as usize - 1]),
		id,
		share.share,
		share.proof,
	)
}

fn remove_study(who: u64, id: StudyId) -> DispatchResultWithPostInfo {
	EncryptedStats::remove_study(RuntimeOrigin::signed(who), id)
}

/// What `who` has on hold for `reason`.
fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&reason.into(), &who)
}

/// 20 16-bit values, with both ends of the range.
fn twenty_values() -> Vec<u64> {
	let mut values: Vec<u64> = (0..20u64).map(|i| (i * 7919 + 12_345) % 65_536).collect();
	values[0] = 0;
	values[1] = 65_535;
	values
}

#[test]
fn contributions_pay_for_the_consents_the_decision_examined() {
	use crate::WeightInfo as _;
	use medchain_primitives::consent::ConsentDecider;
	use pallet_consent::WeightInfo as _;
	test(|| {
		let (id, _, key) = open_single(10);
		let who = patient(0);
		grant_research_consent(who, RESEARCHER, Confidentiality::VeryRestricted);
		let info = contribute(who, id, contribution(id, &key, who, 7, 16)).unwrap();
		// The contributor's one consent examined, not the most a patient may hold.
		let examined = <Test as pallet_consent::Config>::WeightInfo::decide(1);
		let base = <Test as crate::Config>::WeightInfo::contribute();
		assert_eq!(info.actual_weight, Some(base.saturating_add(examined)));
		let worst = base.saturating_add(<Consent as ConsentDecider<u64, u64>>::decide_weight());
		assert!(info.actual_weight.unwrap().all_lt(worst));
	});
}

#[test]
fn twenty_contributions_decrypt_to_their_plain_sum() {
	test(|| {
		let (id, secret, key) = open_single(20);
		assert_eq!(id, 0);
		assert_eq!(NextStudyId::<Test>::get(), 1);
		System::assert_last_event(
			Event::StudyOpened { id, researcher: RESEARCHER, deadline: DEADLINE }.into(),
		);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), DEPOSIT);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE - DEPOSIT);
		let study = Studies::<Test>::get(id).unwrap();
		assert_eq!(study.status, StudyStatus::Open);
		assert_eq!(study.contributions, 0);
		assert_eq!((study.min_cohort, study.capacity), (20, CAPACITY));
		assert_eq!(study.deposit, DEPOSIT);
		assert_eq!((study.total.c, study.total.d), (Ciphertext::zero().c, Ciphertext::zero().d));

		let values = twenty_values();
		let sum = contribute_all(id, &key, &values);
		assert_eq!(sum, values.iter().sum::<u64>());
		assert_eq!(sum, 65_535 + (2..20u64).map(|i| (i * 7919 + 12_345) % 65_536).sum::<u64>());
		let study = Studies::<Test>::get(id).unwrap();
		assert_eq!(study.contributions, 20);
		assert_eq!(study.status, StudyStatus::Open);
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 20);
		assert!(Contributors::<Test>::contains_key(id, patient(19)));

		// Not before the deadline has passed (it is inclusive).
		System::set_block_number(DEADLINE);
		let (total, proof) = decrypt(id, &secret, KEY_HOLDER);
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, total, proof),
			Error::<Test>::StudyStillOpen
		);

		System::set_block_number(DEADLINE + 1);
		let (total, proof) = decrypt(id, &secret, KEY_HOLDER);
		assert_eq!(total, sum);
		// A proof of the right total does not prove another one.
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, total + 1, proof),
			Error::<Test>::InvalidDecryption
		);
		assert_ok!(EncryptedStats::publish_total(
			RuntimeOrigin::signed(KEY_HOLDER),
			id,
			total,
			proof
		));
		assert_eq!(Studies::<Test>::get(id).unwrap().status, StudyStatus::Decrypted { total: sum });
		System::assert_last_event(
			Event::TotalPublished { id, total: sum, contributions: 20 }.into(),
		);
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, total, proof),
			Error::<Test>::AlreadyDecrypted
		);
	});
}

#[test]
fn three_of_five_trustees_decrypt_a_threshold_study() {
	test(|| {
		let (id, shares, key) = open_threshold(5);
		let values = [3, 1_000, 65_535, 0, 42, 7];
		let sum = contribute_all(id, &key, &values);
		assert_eq!(sum, 66_587);

		// No shares before the deadline.
		assert_noop!(submit_share(id, &shares, 1), Error::<Test>::StudyStillOpen);
		System::set_block_number(DEADLINE + 1);

		assert_ok!(submit_share(id, &shares, 1));
		System::assert_last_event(Event::ShareSubmitted { id, trustee: 1 }.into());
		assert_ok!(submit_share(id, &shares, 4));
		System::assert_last_event(Event::ShareSubmitted { id, trustee: 4 }.into());
		// Two shares do not decrypt.
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum),
			Error::<Test>::NotEnoughShares
		);
		// A trustee cannot pass off another trustee's share, nor can a stranger submit one.
		let first = share(id, &shares, 1);
		assert_noop!(
			EncryptedStats::submit_share(
				RuntimeOrigin::signed(TRUSTEES[1]),
				id,
				first.share,
				first.proof
			),
			Error::<Test>::InvalidDecryption
		);
		assert_noop!(
			EncryptedStats::submit_share(
				RuntimeOrigin::signed(STRANGER),
				id,
				first.share,
				first.proof
			),
			Error::<Test>::NotKeyHolder
		);
		// The single-key-holder call does not apply.
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(TRUSTEES[0]), id, sum, [0; 96]),
			Error::<Test>::NotKeyHolder
		);

		assert_ok!(submit_share(id, &shares, 5));
		assert_eq!(DecryptionShares::<Test>::iter_prefix(id).count(), 3);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum + 1),
			Error::<Test>::InvalidDecryption
		);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum - 1),
			Error::<Test>::InvalidDecryption
		);
		assert_ok!(EncryptedStats::publish_threshold_total(
			RuntimeOrigin::signed(STRANGER),
			id,
			sum
		));
		assert_eq!(Studies::<Test>::get(id).unwrap().status, StudyStatus::Decrypted { total: sum });
		System::assert_last_event(
			Event::TotalPublished { id, total: sum, contributions: 6 }.into(),
		);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum),
			Error::<Test>::AlreadyDecrypted
		);
		assert_noop!(submit_share(id, &shares, 2), Error::<Test>::AlreadyDecrypted);
	});
}

#[test]
fn open_study_checks_its_parameters() {
	test(|| {
		let key = StudySecret::generate(&mut OsRng).study_key(&study_base(&GENESIS, 0));
		let single = KeyHolders::Single { holder: KEY_HOLDER, key };
		for who in [STRANGER, DOCTOR, KEY_HOLDER, patient(0)] {
			assert_noop!(
				open_as(who, 16, single.clone(), DEADLINE, 5, 5),
				Error::<Test>::NotResearcher
			);
		}
		for bits in [0, 1, 12, 64] {
			assert_noop!(
				open_as(RESEARCHER, bits, single.clone(), DEADLINE, 5, 5),
				Error::<Test>::UnsupportedValueSize
			);
		}
		// Now is block 1: the deadline is in (1, 1 + MAX_STUDY_DURATION].
		for deadline in [0, 1, 2 + MAX_STUDY_DURATION] {
			assert_noop!(
				open_as(RESEARCHER, 16, single.clone(), deadline, 5, 5),
				Error::<Test>::InvalidDeadline
			);
		}
		assert_noop!(
			open_as(RESEARCHER, 16, single.clone(), DEADLINE, MIN_COHORT_FLOOR - 1, 5),
			Error::<Test>::CohortTooSmall
		);
		// The capacity is in [min_cohort, MAX_CONTRIBUTORS].
		for (cohort, capacity) in [(5, 4), (5, 0), (MIN_COHORT_FLOOR, MAX_CONTRIBUTORS + 1)] {
			assert_noop!(
				open_as(RESEARCHER, 16, single.clone(), DEADLINE, cohort, capacity),
				Error::<Test>::InvalidCapacity
			);
		}
		assert_noop!(
			open_as(RESEARCHER, 16, single.clone(), DEADLINE, MAX_CONTRIBUTORS + 1, u32::MAX),
			Error::<Test>::InvalidCapacity
		);
		assert_noop!(
			open_as(
				RESEARCHER,
				16,
				KeyHolders::Single { holder: KEY_HOLDER, key: NOT_A_POINT },
				DEADLINE,
				5,
				5
			),
			Error::<Test>::InvalidKey
		);
		let threshold_of =
			|threshold: u32, trustees: &[u64], commitments: &[Point]| KeyHolders::Threshold {
				threshold,
				trustees: trustees.to_vec().try_into().unwrap(),
				commitments: commitments.to_vec().try_into().unwrap(),
			};
		assert_noop!(
			open_as(
				RESEARCHER,
				16,
				threshold_of(2, &TRUSTEES, &[key, NOT_A_POINT]),
				DEADLINE,
				5,
				5
			),
			Error::<Test>::InvalidKey
		);
		for key_holders in [
			threshold_of(0, &TRUSTEES, &[]),
			threshold_of(3, &TRUSTEES[..2], &[key, key, key]),
			threshold_of(3, &TRUSTEES, &[key, key]),
			threshold_of(1, &TRUSTEES, &[key, key]),
			threshold_of(1, &[], &[key]),
		] {
			assert_noop!(
				open_as(RESEARCHER, 16, key_holders, DEADLINE, 5, 5),
				Error::<Test>::InvalidThreshold
			);
		}
		// 100 + 3 * 2 = 106 is more than the 10 it has.
		assert_noop!(
			open_as(
				POOR_RESEARCHER,
				16,
				single.clone(),
				DEADLINE,
				MIN_COHORT_FLOOR,
				MIN_COHORT_FLOOR
			),
			Error::<Test>::InsufficientDeposit
		);
		assert_eq!(NextStudyId::<Test>::get(), 0);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 0);

		// The bounds themselves are accepted; the deposit grows with the capacity.
		assert_ok!(open_as(RESEARCHER, 8, single.clone(), 2, MIN_COHORT_FLOOR, MIN_COHORT_FLOOR));
		assert_eq!(Studies::<Test>::get(0).unwrap().deposit, 106);
		assert_ok!(open_as(
			RESEARCHER,
			32,
			single.clone(),
			1 + MAX_STUDY_DURATION,
			5,
			MAX_CONTRIBUTORS
		));
		let study = Studies::<Test>::get(1).unwrap();
		assert_eq!((study.min_cohort, study.capacity, study.deposit), (5, MAX_CONTRIBUTORS, 180));
		assert_ok!(open_as(OTHER_RESEARCHER, 16, threshold_of(5, &TRUSTEES, &[key; 5]), 2, 5, 7));
		assert_eq!(NextStudyId::<Test>::get(), 3);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 106 + 180);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE - 106 - 180);
		assert_eq!(held(HoldReason::StudyDeposit, OTHER_RESEARCHER), 114);

		// Ids do not wrap around.
		NextStudyId::<Test>::put(u64::MAX);
		assert_noop!(open_as(RESEARCHER, 16, single, DEADLINE, 5, 5), Error::<Test>::Overflow);
		// The last id is used, and nothing is held for the refused study.
		NextStudyId::<Test>::put(u64::MAX - 1);
		assert_ok!(open_as(RESEARCHER, 16, threshold_of(1, &TRUSTEES, &[key]), DEADLINE, 5, 5));
		assert!(Studies::<Test>::contains_key(u64::MAX - 1));
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 106 + 180 + 110);
	});
}

#[test]
fn the_researcher_alone_can_never_decrypt() {
	test(|| {
		let key = StudySecret::generate(&mut OsRng).study_key(&study_base(&GENESIS, 0));
		let threshold_of =
			|threshold: u32, trustees: &[u64], commitments: &[Point]| KeyHolders::Threshold {
				threshold,
				trustees: trustees.to_vec().try_into().unwrap(),
				commitments: commitments.to_vec().try_into().unwrap(),
			};
		// As the single key holder.
		assert_noop!(
			open(KeyHolders::Single { holder: RESEARCHER, key }, 5),
			Error::<Test>::ResearcherCouldDecrypt
		);
		// As one of the trustees, when one share decrypts.
		assert_noop!(
			open(threshold_of(1, &[TRUSTEES[0], RESEARCHER], &[key]), 5),
			Error::<Test>::ResearcherCouldDecrypt
		);
		// Named twice, a trustee would hold two shares: the researcher, or anyone else.
		assert_noop!(
			open(threshold_of(2, &[RESEARCHER, TRUSTEES[0], RESEARCHER], &[key, key]), 5),
			Error::<Test>::DuplicateTrustee
		);
		assert_noop!(
			open(threshold_of(2, &[TRUSTEES[0], TRUSTEES[1], TRUSTEES[0]], &[key, key]), 5),
			Error::<Test>::DuplicateTrustee
		);
		assert_eq!(NextStudyId::<Test>::get(), 0);

		// A researcher among trustees of whom two must decrypt; another researcher as the key
		// holder; one trustee of one share who is not the researcher.
		assert_ok!(open(threshold_of(2, &[RESEARCHER, TRUSTEES[0]], &[key, key]), 5));
		assert_ok!(open(KeyHolders::Single { holder: OTHER_RESEARCHER, key }, 5));
		assert_ok!(open(threshold_of(1, &[TRUSTEES[0]], &[key]), 5));
		assert_eq!(NextStudyId::<Test>::get(), 3);
		assert_eq!(
			Studies::<Test>::get(0).unwrap().key_holders,
			threshold_of(2, &[RESEARCHER, TRUSTEES[0]], &[key, key])
		);
	});
}

#[test]
fn an_identity_study_key_is_refused() {
	test(|| {
		// With `H = 0`, `C = m * B`: every contribution would be readable by anyone.
		let identity = Ciphertext::zero().c;
		assert_noop!(
			open(KeyHolders::Single { holder: KEY_HOLDER, key: identity }, 5),
			Error::<Test>::InvalidKey
		);
		assert_noop!(
			open(
				KeyHolders::Threshold {
					threshold: 1,
					trustees: trustees(),
					commitments: vec![identity].try_into().unwrap(),
				},
				5
			),
			Error::<Test>::InvalidKey
		);
	});
}

#[test]
fn contribute_checks_study_consent_and_once() {
	test(|| {
		let (id, _, key) = open_single(5);
		let alice = patient(0);
		assert_noop!(
			contribute(alice, 7, contribution(7, &key, alice, 5, 16)),
			Error::<Test>::UnknownStudy
		);
		// No consent at all.
		assert_noop!(
			contribute(alice, id, contribution(id, &key, alice, 5, 16)),
			Error::<Test>::NoResearchConsent
		);
		// A consent for another researcher.
		grant_research_consent(alice, OTHER_RESEARCHER, Confidentiality::VeryRestricted);
		assert_noop!(
			contribute(alice, id, contribution(id, &key, alice, 5, 16)),
			Error::<Test>::NoResearchConsent
		);
		// A consent whose ceiling is below the study data's label (Normal).
		grant_research_consent(alice, RESEARCHER, Confidentiality::Moderate);
		assert_noop!(
			contribute(alice, id, contribution(id, &key, alice, 5, 16)),
			Error::<Test>::NoResearchConsent
		);
		grant_research_consent(alice, RESEARCHER, Confidentiality::Normal);
		assert_ok!(contribute(alice, id, contribution(id, &key, alice, 5, 16)));
		System::assert_last_event(Event::Contributed { id, contributions: 1 }.into());
		assert_noop!(
			contribute(alice, id, contribution(id, &key, alice, 6, 16)),
			Error::<Test>::AlreadyContributed
		);

		// The deadline is inclusive.
		let bob = patient(1);
		let carol = patient(2);
		grant_research_consent(bob, RESEARCHER, Confidentiality::VeryRestricted);
		grant_research_consent(carol, RESEARCHER, Confidentiality::VeryRestricted);
		System::set_block_number(DEADLINE);
		assert_ok!(contribute(bob, id, contribution(id, &key, bob, 9, 16)));
		System::set_block_number(DEADLINE + 1);
		assert_noop!(
			contribute(carol, id, contribution(id, &key, carol, 9, 16)),
			Error::<Test>::StudyClosed
		);
		assert_eq!(Studies::<Test>::get(id).unwrap().contributions, 2);
	});
}

#[test]
fn a_full_study_takes_no_more_contributions() {
	test(|| {
		let (id, _, key) = open_single_with(3, 3);
		// 100 + 3 * 2.
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 106);
		contribute_all(id, &key, &[1, 2, 3]);
		let dave = patient(3);
		grant_research_consent(dave, RESEARCHER, Confidentiality::VeryRestricted);
		assert_noop!(
			contribute(dave, id, contribution(id, &key, dave, 4, 16)),
			Error::<Test>::StudyFull
		);
		// Before its deadline, and whoever asks.
		assert_noop!(
			contribute(patient(0), id, contribution(id, &key, patient(0), 4, 16)),
			Error::<Test>::StudyFull
		);
		let study = Studies::<Test>::get(id).unwrap();
		assert_eq!((study.contributions, study.capacity), (3, 3));
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 3);
		assert!(!Contributors::<Test>::contains_key(id, dave));
	});
}

#[test]
fn contribute_verifies_both_proofs() {
	test(|| {
		let (id, _, key) = open_single(5);
		let (alice, bob) = (patient(0), patient(1));
		grant_research_consent(alice, RESEARCHER, Confidentiality::VeryRestricted);
		grant_research_consent(bob, RESEARCHER, Confidentiality::VeryRestricted);

		// D from another encryption.
		let mut mixed = contribution(id, &key, alice, 5, 16);
		mixed.value.d = contribution(id, &key, alice, 5, 16).value.d;
		assert_noop!(contribute(alice, id, mixed), Error::<Test>::InvalidValidityProof);
		// A ciphertext that is not made of points.
		let mut garbage = contribution(id, &key, alice, 5, 16);
		garbage.value.c = NOT_A_POINT;
		assert_noop!(contribute(alice, id, garbage), Error::<Test>::InvalidValidityProof);
		// Bob replays Alice's whole contribution: the validity proof is bound to Alice.
		assert_noop!(
			contribute(bob, id, contribution(id, &key, alice, 5, 16)),
			Error::<Test>::InvalidValidityProof
		);
		// A contribution made for another study (another base and scope).
		let other = NextStudyId::<Test>::get();
		assert_ok!(open(KeyHolders::Single { holder: KEY_HOLDER, key }, 5));
		assert_noop!(
			contribute(alice, other, contribution(id, &key, alice, 5, 16)),
			Error::<Test>::InvalidValidityProof
		);

		// Bob reuses Alice's ciphertext opening with his own validity proof but the range proof
		// made for Alice (a replayed range proof).
		let base = study_base(&GENESIS, id);
		let (ciphertext, opening) = encrypt(&base, &key, 5, &mut OsRng).unwrap();
		let (alice_bytes, bob_bytes) = (alice.encode(), bob.encode());
		let alice_context = Context { genesis: GENESIS, scope: id, submitter: &alice_bytes };
		let bob_context = Context { genesis: GENESIS, scope: id, submitter: &bob_bytes };
		let value = EncryptedValue { c: ciphertext.c, d: ciphertext.d };
		let validity =
			ValidityProof::prove(&bob_context, &base, &key, &ciphertext, &opening, &mut OsRng)
				.unwrap();
		let replayed =
			RangeProof::prove(&alice_context, &key, &ciphertext, &opening, 16, &mut OsRng).unwrap();
		assert_noop!(
			EncryptedStats::contribute(
				RuntimeOrigin::signed(bob),
				id,
				value,
				validity.0,
				replayed.0.try_into().unwrap()
			),
			Error::<Test>::InvalidRangeProof
		);
		// A value above 16 bits, with a (valid) 32-bit range proof.
		let too_big = contribution(id, &key, bob, 70_000, 32);
		assert_eq!(too_big.range.len(), 608);
		assert_noop!(contribute(bob, id, too_big), Error::<Test>::InvalidRangeProof);
		// An empty range proof.
		let mut empty = contribution(id, &key, bob, 5, 16);
		empty.range = Default::default();
		assert_noop!(contribute(bob, id, empty), Error::<Test>::InvalidRangeProof);

		// Bob's own, with the same ciphertext and his own proofs, is accepted.
		let own =
			RangeProof::prove(&bob_context, &key, &ciphertext, &opening, 16, &mut OsRng).unwrap();
		assert_ok!(EncryptedStats::contribute(
			RuntimeOrigin::signed(bob),
			id,
			value,
			validity.0,
			own.0.try_into().unwrap()
		));
		assert_eq!(Studies::<Test>::get(id).unwrap().contributions, 1);
		assert!(!Contributors::<Test>::contains_key(id, alice));
	});
}

#[test]
fn decryption_checks_timing_cohort_and_key_holder() {
	test(|| {
		let (id, secret, key) = open_single(3);
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), 9, 0, [0; 96]),
			Error::<Test>::UnknownStudy
		);
		assert_noop!(
			EncryptedStats::submit_share(RuntimeOrigin::signed(TRUSTEES[0]), 9, [0; 32], [0; 96]),
			Error::<Test>::UnknownStudy
		);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), 9, 0),
			Error::<Test>::UnknownStudy
		);
		let sum = contribute_all(id, &key, &[10, 20]);
		let (total, proof) = decrypt(id, &secret, KEY_HOLDER);
		assert_eq!(total, 30);
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, total, proof),
			Error::<Test>::StudyStillOpen
		);
		System::set_block_number(DEADLINE + 1);
		// Two contributions, a minimum cohort of three: never decrypted.
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, sum, proof),
			Error::<Test>::CohortNotReached
		);

		// A study that reached its cohort.
		System::set_block_number(1);
		let (id, secret, key) = open_single(3);
		let sum = contribute_all(id, &key, &[100, 200, 300]);
		System::set_block_number(DEADLINE + 1);
		let (total, proof) = decrypt(id, &secret, KEY_HOLDER);
		assert_eq!((total, sum), (600, 600));
		// Only the key holder, and with a proof bound to itself.
		for who in [RESEARCHER, STRANGER] {
			assert_noop!(
				EncryptedStats::publish_total(RuntimeOrigin::signed(who), id, total, proof),
				Error::<Test>::NotKeyHolder
			);
		}
		let (_, strangers_proof) = decrypt(id, &secret, STRANGER);
		assert_noop!(
			EncryptedStats::publish_total(
				RuntimeOrigin::signed(KEY_HOLDER),
				id,
				total,
				strangers_proof
			),
			Error::<Test>::InvalidDecryption
		);
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, 601, proof),
			Error::<Test>::InvalidDecryption
		);
		// The threshold calls do not apply to a single key holder.
		assert_noop!(
			EncryptedStats::submit_share(RuntimeOrigin::signed(KEY_HOLDER), id, [0; 32], proof),
			Error::<Test>::NotKeyHolder
		);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(KEY_HOLDER), id, total),
			Error::<Test>::NotKeyHolder
		);
		assert_ok!(EncryptedStats::publish_total(
			RuntimeOrigin::signed(KEY_HOLDER),
			id,
			total,
			proof
		));
		assert_eq!(Studies::<Test>::get(id).unwrap().status, StudyStatus::Decrypted { total: 600 });
		// The first study is unaffected.
		assert_eq!(Studies::<Test>::get(0).unwrap().status, StudyStatus::Open);
	});
}

#[test]
fn a_threshold_study_needs_its_threshold_of_shares() {
	test(|| {
		let (id, shares, key) = open_threshold(3);
		let sum = contribute_all(id, &key, &[1, 2, 3, 4]);
		System::set_block_number(DEADLINE + 1);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum),
			Error::<Test>::NotEnoughShares
		);
		assert_ok!(submit_share(id, &shares, 2));
		// Resubmitting a share does not count twice.
		assert_ok!(submit_share(id, &shares, 2));
		assert_ok!(submit_share(id, &shares, 3));
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum),
			Error::<Test>::NotEnoughShares
		);
		assert_ok!(submit_share(id, &shares, 1));
		assert_ok!(submit_share(id, &shares, 5));
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, 11),
			Error::<Test>::InvalidDecryption
		);
		assert_ok!(EncryptedStats::publish_threshold_total(
			RuntimeOrigin::signed(TRUSTEES[4]),
			id,
			10
		));
		System::assert_last_event(Event::TotalPublished { id, total: 10, contributions: 4 }.into());
	});
}

#[test]
fn only_its_researcher_removes_a_study() {
	test(|| {
		let (id, _, _) = open_single(3);
		assert_noop!(remove_study(RESEARCHER, 9), Error::<Test>::UnknownStudy);
		for who in [OTHER_RESEARCHER, KEY_HOLDER, STRANGER, patient(0)] {
			assert_noop!(remove_study(who, id), Error::<Test>::NotResearcherOfStudy);
		}
		assert_ok!(remove_study(RESEARCHER, id));
		assert_noop!(remove_study(RESEARCHER, id), Error::<Test>::UnknownStudy);
	});
}

#[test]
fn a_study_without_contributions_is_removed_at_any_time() {
	test(|| {
		let (first, _, _) = open_single(3);
		let (second, _, _) = open_single_with(3, 3);
		let (third, _, _) = open_single_with(3, 4);
		// 140 + 106 + 108.
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 354);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE - 354);

		// While it takes contributions: exactly its own deposit is released.
		assert_ok!(remove_study(RESEARCHER, second));
		System::assert_last_event(Event::StudyRemoved { id: second }.into());
		assert!(!Studies::<Test>::contains_key(second));
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 248);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE - 248);

		// At its deadline, and long after it.
		System::set_block_number(DEADLINE);
		assert_ok!(remove_study(RESEARCHER, third));
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), DEPOSIT);
		System::set_block_number(DEADLINE + DECRYPTION_PERIOD + 50);
		assert_ok!(remove_study(RESEARCHER, first));
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 0);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE);
		assert_eq!(Studies::<Test>::iter().count(), 0);
		// Ids are not reused.
		assert_eq!(NextStudyId::<Test>::get(), 3);
	});
}

#[test]
fn a_decrypted_study_is_removed_with_its_index_and_shares() {
	test(|| {
		// Another threshold study of the same researcher, with contributions and a share.
		let (other, other_shares, other_key) = open_threshold(3);
		contribute_all(other, &other_key, &[5, 6, 7]);
		let (id, shares, key) = open_threshold(3);
		let sum = contribute_all(id, &key, &[1, 2, 3, 4]);
		assert_noop!(remove_study(RESEARCHER, id), Error::<Test>::StudyInProgress);

		System::set_block_number(DEADLINE + 1);
		assert_ok!(submit_share(other, &other_shares, 1));
		for index in [1, 2, 3] {
			assert_ok!(submit_share(id, &shares, index));
		}
		// Past its deadline with its cohort: its key holders may still decrypt it.
		assert_noop!(remove_study(RESEARCHER, id), Error::<Test>::StudyInProgress);
		assert_ok!(EncryptedStats::publish_threshold_total(
			RuntimeOrigin::signed(STRANGER),
			id,
			sum
		));
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 4);
		assert_eq!(DecryptionShares::<Test>::iter_prefix(id).count(), 3);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 2 * DEPOSIT);

		assert_ok!(remove_study(RESEARCHER, id));
		System::assert_last_event(Event::StudyRemoved { id }.into());
		assert!(!Studies::<Test>::contains_key(id));
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(DecryptionShares::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), DEPOSIT);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE - DEPOSIT);
		// The other study keeps its index, its share and its deposit.
		assert_eq!(Contributors::<Test>::iter_prefix(other).count(), 3);
		assert_eq!(DecryptionShares::<Test>::iter_prefix(other).count(), 1);
		assert!(Studies::<Test>::contains_key(other));
	});
}

#[test]
fn a_study_below_its_cohort_is_removed_after_its_deadline() {
	test(|| {
		let (id, _, key) = open_single(3);
		contribute_all(id, &key, &[10, 20]);
		for block in [1, DEADLINE] {
			System::set_block_number(block);
			assert_noop!(remove_study(RESEARCHER, id), Error::<Test>::StudyInProgress);
		}
		System::set_block_number(DEADLINE + 1);
		assert_ok!(remove_study(RESEARCHER, id));
		assert!(!Studies::<Test>::contains_key(id));
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 0);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE);
		// Nothing is left to decrypt.
		assert_noop!(
			EncryptedStats::publish_total(RuntimeOrigin::signed(KEY_HOLDER), id, 30, [0; 96]),
			Error::<Test>::UnknownStudy
		);
	});
}

#[test]
fn an_undecrypted_study_is_removed_after_the_decryption_period() {
	test(|| {
		let (id, shares, key) = open_threshold(3);
		let sum = contribute_all(id, &key, &[1, 2, 3]);
		System::set_block_number(DEADLINE + 1);
		// Fewer shares than the threshold.
		assert_ok!(submit_share(id, &shares, 1));
		assert_ok!(submit_share(id, &shares, 2));
		for block in [DEADLINE + 1, DEADLINE + DECRYPTION_PERIOD] {
			System::set_block_number(block);
			assert_noop!(remove_study(RESEARCHER, id), Error::<Test>::StudyInProgress);
		}
		System::set_block_number(DEADLINE + DECRYPTION_PERIOD + 1);
		assert_eq!(DecryptionShares::<Test>::iter_prefix(id).count(), 2);
		assert_ok!(remove_study(RESEARCHER, id));
		System::assert_last_event(Event::StudyRemoved { id }.into());
		assert_eq!(Contributors::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(DecryptionShares::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(held(HoldReason::StudyDeposit, RESEARCHER), 0);
		assert_eq!(Balances::free_balance(RESEARCHER), BALANCE);
		assert_noop!(
			EncryptedStats::publish_threshold_total(RuntimeOrigin::signed(STRANGER), id, sum),
			Error::<Test>::UnknownStudy
		);
	});
}

// Attested values and statements about them.

/// What attested values are: hashes of a coded attribute and its encoding.
const BIRTH_DATE: AttributeCode = H256([0xb1; 32]);
const GLUCOSE: AttributeCode = H256([0x61; 32]);
const LDL: AttributeCode = H256([0x1d; 32]);
const LDL_TARGET: AttributeCode = H256([0x7a; 32]);
/// Attestations in these tests are usable until this block (inclusive).
const EXPIRES: u64 = 30;
/// 2025-06-01 in days since 1900-01-01: "today" in the age scenario.
const TODAY: u64 = 45_807;
/// 2007-06-01: whoever was born on or before it is 18 or older on `TODAY`.
const ADULT_CUTOFF: u64 = 39_232;

type PredicateProofBytes = BoundedVec<u8, MaxPredicateProofLen>;

fn batch(points: &[Point]) -> CommitmentBatch<Test> {
	points.to_vec().try_into().unwrap()
}

/// `provider` attests `points` as values of kind `attribute`, usable until `EXPIRES`.
fn attest(provider: u64, attribute: AttributeCode, points: &[Point]) -> DispatchResult {
	EncryptedStats::attest(RuntimeOrigin::signed(provider), attribute, batch(points), EXPIRES)
}

fn revoke(provider: u64, points: &[Point]) -> DispatchResult {
	EncryptedStats::revoke_attestations(RuntimeOrigin::signed(provider), batch(points))
}

/// A fresh commitment to `value` (the opening stays with the patient).
fn commit(value: u64) -> Commitment {
	Commitment::new(value, &mut OsRng)
}

fn crypto_predicate(predicate: Predicate) -> medchain_crypto::Predicate {
	match predicate {
		Predicate::AtLeast(t) => medchain_crypto::Predicate::AtLeast(t),
		Predicate::AtMost(t) => medchain_crypto::Predicate::AtMost(t),
		Predicate::Between { low, high } => medchain_crypto::Predicate::Between(low, high),
		Predicate::NotAbove => medchain_crypto::Predicate::NotAbove,
	}
}

/// A proof of `predicate` about `openings` in `context`, as the call takes it.
fn proof_in(
	context: &Context,
	predicate: Predicate,
	openings: &[Commitment],
	bits: u32,
) -> Result<PredicateProofBytes, ProofError> {
	let proof =
		PredicateProof::prove(context, &crypto_predicate(predicate), openings, bits, &mut OsRng)?;
	Ok(proof.0.try_into().expect("at most two 32-bit or one 64-bit range"))
}

/// A proof of `predicate` about `openings` by `prover` for `verifier`, bound as the pallet binds
/// it; an error if the predicate does not hold.
fn try_predicate_proof(
	prover: u64,
	verifier: u64,
	predicate: Predicate,
	openings: &[Commitment],
	bits: u32,
) -> Result<PredicateProofBytes, ProofError> {
	let submitter = (prover, verifier).encode();
	let context = Context { genesis: GENESIS, scope: 0, submitter: &submitter };
	proof_in(&context, predicate, openings, bits)
}

fn predicate_proof(
	prover: u64,
	verifier: u64,
	predicate: Predicate,
	openings: &[Commitment],
	bits: u32,
) -> PredicateProofBytes {
	try_predicate_proof(prover, verifier, predicate, openings, bits).expect("the predicate holds")
}

/// `prover` submits a statement to `verifier`.
fn prove(
	prover: u64,
	verifier: u64,
	predicate: Predicate,
	points: &[Point],
	bits: u32,
	proof: PredicateProofBytes,
) -> DispatchResult {
	EncryptedStats::prove_predicate(
		RuntimeOrigin::signed(prover),
		verifier,
		predicate,
		points.to_vec().try_into().unwrap(),
		bits,
		proof,
	)
}

fn remove_statement(who: u64, verifier: u64, id: u64) -> DispatchResult {
	EncryptedStats::remove_statement(RuntimeOrigin::signed(who), verifier, id)
}

fn value(attribute: AttributeCode, attester: u64) -> AttestedValue<u64> {
	AttestedValue { attribute, attester }
}

#[test]
fn a_patient_proves_being_an_adult_without_revealing_the_birth_date() {
	test(|| {
		// 18 years of 365 days and the 5 leap days among them.
		assert_eq!(TODAY - ADULT_CUTOFF, 18 * 365 + 5);
		// The doctor attests the birth dates of three patients in one batch: born 1980-03-14,
		// 2007-06-01 (18 today) and 2010-09-09.
		let adult = commit(29_292);
		let eighteen_today = commit(ADULT_CUTOFF);
		let minor = commit(40_428);
		let points = [adult.point(), eighteen_today.point(), minor.point()];
		assert_ok!(attest(DOCTOR, BIRTH_DATE, &points));
		System::assert_last_event(
			Event::Attested { attester: DOCTOR, attribute: BIRTH_DATE, count: 3 }.into(),
		);
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 3 * ATTESTATION_DEPOSIT);
		for point in &points {
			assert_eq!(
				Attestations::<Test>::get(point),
				Some(Attestation {
					attester: DOCTOR,
					attribute: BIRTH_DATE,
					expires: EXPIRES,
					used: false,
					deposit: ATTESTATION_DEPOSIT,
				})
			);
		}

		// Alice, born 1980, proves to the insurer that she was born by the cutoff.
		let (alice, bob, carol) = (patient(0), patient(1), patient(2));
		let adult_only = Predicate::AtMost(ADULT_CUTOFF);
		let proof = predicate_proof(alice, INSURER, adult_only, &[adult.clone()], 16);
		// It proves neither a looser nor a stricter cutoff, nor the opposite.
		for predicate in [
			Predicate::AtMost(ADULT_CUTOFF + 1),
			Predicate::AtMost(ADULT_CUTOFF - 1),
			Predicate::AtLeast(ADULT_CUTOFF),
		] {
			assert_noop!(
				prove(alice, INSURER, predicate, &[adult.point()], 16, proof.clone()),
				Error::<Test>::InvalidPredicateProof
			);
		}
		assert_ok!(prove(alice, INSURER, adult_only, &[adult.point()], 16, proof));
		System::assert_last_event(
			Event::StatementVerified {
				id: 0,
				verifier: INSURER,
				prover: alice,
				predicate: adult_only,
			}
			.into(),
		);
		// The statement names the attribute and who attested it, not the birth date.
		assert_eq!(
			Statements::<Test>::get(INSURER, 0),
			Some(Statement {
				prover: alice,
				predicate: adult_only,
				attested: vec![value(BIRTH_DATE, DOCTOR)].try_into().unwrap(),
				bits: 16,
				verified_at: 1,
				deposit: STATEMENT_DEPOSIT,
			})
		);
		assert!(Attestations::<Test>::get(adult.point()).unwrap().used);
		assert_eq!(NextStatementId::<Test>::get(), 1);
		assert_eq!(held(HoldReason::StatementDeposit, alice), STATEMENT_DEPOSIT);
		assert_eq!(Balances::free_balance(alice), BALANCE - STATEMENT_DEPOSIT);

		// Born on the cutoff: 18 today, an adult (the bound is inclusive).
		let proof = predicate_proof(bob, INSURER, adult_only, &[eighteen_today.clone()], 16);
		assert_ok!(prove(bob, INSURER, adult_only, &[eighteen_today.point()], 16, proof));
		assert_eq!(Statements::<Test>::get(INSURER, 1).unwrap().prover, bob);

		// Carol, a minor, cannot make the proof, and a proof about an adult's commitment does not
		// prove anything about hers.
		assert!(try_predicate_proof(carol, INSURER, adult_only, &[minor.clone()], 16).is_err());
		let borrowed = predicate_proof(carol, INSURER, adult_only, &[adult.clone()], 16);
		assert_noop!(
			prove(carol, INSURER, adult_only, &[minor.point()], 16, borrowed),
			Error::<Test>::InvalidPredicateProof
		);

		// The prover or the verifier removes a statement; the prover's deposit is released.
		assert_ok!(remove_statement(alice, INSURER, 0));
		System::assert_last_event(Event::StatementRemoved { id: 0, verifier: INSURER }.into());
		assert!(!Statements::<Test>::contains_key(INSURER, 0));
		assert_eq!(held(HoldReason::StatementDeposit, alice), 0);
		assert_eq!(Balances::free_balance(alice), BALANCE);
		assert_ok!(remove_statement(INSURER, INSURER, 1));
		System::assert_last_event(Event::StatementRemoved { id: 1, verifier: INSURER }.into());
		assert_eq!(held(HoldReason::StatementDeposit, bob), 0);
		assert_eq!(Balances::free_balance(bob), BALANCE);
		assert_eq!(Statements::<Test>::iter().count(), 0);

		// Carol's true statement, born by today, would verify...
		let born = Predicate::AtMost(TODAY);
		let proof = predicate_proof(carol, INSURER, born, &[minor.clone()], 16);
		let submitter = (carol, INSURER).encode();
		let context = Context { genesis: GENESIS, scope: 0, submitter: &submitter };
		assert!(PredicateProof(proof.to_vec()).verify(
			&context,
			&crypto_predicate(born),
			&[minor.point()],
			16,
			&range_generators(16)
		));
		// ...but the doctor revokes the batch, releasing its deposits, and a revoked commitment
		// proves nothing.
		assert_ok!(revoke(DOCTOR, &points));
		System::assert_last_event(Event::AttestationsRevoked { attester: DOCTOR, count: 3 }.into());
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 0);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE);
		assert_eq!(Attestations::<Test>::iter().count(), 0);
		assert_noop!(
			prove(carol, INSURER, born, &[minor.point()], 16, proof),
			Error::<Test>::UnknownAttestation
		);
	});
}

#[test]
fn lab_values_are_proven_in_a_range_and_below_an_attested_limit() {
	test(|| {
		let alice = patient(0);
		// The laboratory attests a glucose and an LDL value; the doctor Alice's LDL target.
		let glucose = commit(92);
		let ldl = commit(130);
		let target = commit(160);
		assert_ok!(attest(HOSPITAL, GLUCOSE, &[glucose.point()]));
		assert_ok!(attest(HOSPITAL, LDL, &[ldl.point()]));
		assert_ok!(attest(DOCTOR, LDL_TARGET, &[target.point()]));
		assert_eq!(held(HoldReason::AttestationDeposit, HOSPITAL), 2 * ATTESTATION_DEPOSIT);

		// Glucose in [70, 110], with the largest proof: two 32-bit ranges.
		let normal = Predicate::Between { low: 70, high: 110 };
		let proof = predicate_proof(alice, TRIAL, normal, &[glucose.clone()], 32);
		assert_eq!(proof.len(), 672);
		let stricter = Predicate::Between { low: 70, high: 91 };
		assert_noop!(
			prove(alice, TRIAL, stricter, &[glucose.point()], 32, proof.clone()),
			Error::<Test>::InvalidPredicateProof
		);
		assert!(try_predicate_proof(alice, TRIAL, stricter, &[glucose.clone()], 32).is_err());
		assert!(try_predicate_proof(
			alice,
			TRIAL,
			Predicate::Between { low: 93, high: 110 },
			&[glucose.clone()],
			32
		)
		.is_err());
		assert_ok!(prove(alice, TRIAL, normal, &[glucose.point()], 32, proof));
		let statement = Statements::<Test>::get(TRIAL, 0).unwrap();
		assert_eq!(
			(statement.predicate, statement.bits, statement.attested.to_vec()),
			(normal, 32, vec![value(GLUCOSE, HOSPITAL)])
		);

		// LDL at most its target, both attested, by different providers.
		let proof =
			predicate_proof(alice, TRIAL, Predicate::NotAbove, &[ldl.clone(), target.clone()], 8);
		// Not the other way around.
		assert_noop!(
			prove(
				alice,
				TRIAL,
				Predicate::NotAbove,
				&[target.point(), ldl.point()],
				8,
				proof.clone()
			),
			Error::<Test>::InvalidPredicateProof
		);
		assert!(try_predicate_proof(
			alice,
			TRIAL,
			Predicate::NotAbove,
			&[target.clone(), ldl.clone()],
			8
		)
		.is_err());
		assert_ok!(prove(
			alice,
			TRIAL,
			Predicate::NotAbove,
			&[ldl.point(), target.point()],
			8,
			proof
		));
		System::assert_last_event(
			Event::StatementVerified {
				id: 1,
				verifier: TRIAL,
				prover: alice,
				predicate: Predicate::NotAbove,
			}
			.into(),
		);
		assert_eq!(
			Statements::<Test>::get(TRIAL, 1).unwrap().attested.to_vec(),
			vec![value(LDL, HOSPITAL), value(LDL_TARGET, DOCTOR)]
		);
		assert!(Attestations::<Test>::get(ldl.point()).unwrap().used);
		assert!(Attestations::<Test>::get(target.point()).unwrap().used);
		assert_eq!(NextStatementId::<Test>::get(), 2);
		assert_eq!(held(HoldReason::StatementDeposit, alice), 2 * STATEMENT_DEPOSIT);
	});
}

#[test]
fn attest_holds_a_deposit_per_commitment() {
	test(|| {
		let points: Vec<Point> = (0..4).map(|v| commit(v).point()).collect();
		assert_ok!(EncryptedStats::attest(
			RuntimeOrigin::signed(DOCTOR),
			BIRTH_DATE,
			batch(&points[..3]),
			EXPIRES
		));
		System::assert_last_event(
			Event::Attested { attester: DOCTOR, attribute: BIRTH_DATE, count: 3 }.into(),
		);
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 15);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE - 15);
		assert_eq!(Attestations::<Test>::iter().count(), 3);
		assert!(!Attestations::<Test>::contains_key(points[3]));

		// An organisation is a provider too; a full batch.
		let more: Vec<Point> =
			(0..MAX_ATTESTATION_BATCH as u64).map(|v| commit(v).point()).collect();
		assert_ok!(attest(HOSPITAL, GLUCOSE, &more));
		System::assert_last_event(
			Event::Attested { attester: HOSPITAL, attribute: GLUCOSE, count: 4 }.into(),
		);
		assert_eq!(held(HoldReason::AttestationDeposit, HOSPITAL), 20);
		assert_eq!(Attestations::<Test>::get(more[0]).unwrap().attester, HOSPITAL);
		// The doctor's deposit is unchanged.
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 15);
	});
}

#[test]
fn only_registered_providers_attest() {
	test(|| {
		let point = commit(1).point();
		for who in [RESEARCHER, STRANGER, INSURER, KEY_HOLDER, patient(0)] {
			assert_noop!(attest(who, BIRTH_DATE, &[point]), Error::<Test>::NotProvider);
		}
		// A suspended practitioner neither.
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DOCTOR));
		assert_noop!(attest(DOCTOR, BIRTH_DATE, &[point]), Error::<Test>::NotProvider);
		assert_ok!(Participants::reinstate(RuntimeOrigin::root(), DOCTOR));
		assert_ok!(attest(DOCTOR, BIRTH_DATE, &[point]));
	});
}

#[test]
fn attest_checks_expiry_commitments_and_deposit() {
	test(|| {
		let [a, b, c, d, e] = [1, 2, 3, 4, 5].map(|v| commit(v).point());
		// Now is block 1: the expiry is in (1, 1 + MAX_ATTESTATION_LIFETIME].
		for expires in [0, 1, 2 + MAX_ATTESTATION_LIFETIME] {
			assert_noop!(
				EncryptedStats::attest(RuntimeOrigin::signed(DOCTOR), LDL, batch(&[a]), expires),
				Error::<Test>::InvalidExpiry
			);
		}
		// Not a point, or the identity (a commitment to nothing with no blinding).
		for bad in [NOT_A_POINT, Ciphertext::zero().c] {
			assert_noop!(attest(DOCTOR, LDL, &[a, bad]), Error::<Test>::InvalidKey);
		}
		// Twice in a batch, or none at all (to attest or to revoke).
		assert_noop!(attest(DOCTOR, LDL, &[a, b, a]), Error::<Test>::AlreadyAttested);
		assert_noop!(attest(DOCTOR, LDL, &[]), Error::<Test>::EmptyBatch);
		assert_noop!(
			EncryptedStats::revoke_attestations(RuntimeOrigin::signed(DOCTOR), batch(&[])),
			Error::<Test>::EmptyBatch
		);

		// The bounds of the expiry are accepted.
		assert_ok!(EncryptedStats::attest(RuntimeOrigin::signed(DOCTOR), LDL, batch(&[a]), 2));
		assert_ok!(EncryptedStats::attest(
			RuntimeOrigin::signed(DOCTOR),
			LDL,
			batch(&[b]),
			1 + MAX_ATTESTATION_LIFETIME
		));
		assert_eq!(Attestations::<Test>::get(b).unwrap().expires, 1 + MAX_ATTESTATION_LIFETIME);
		// Attested already: by itself or by another provider, for any attribute, expired or not.
		assert_noop!(attest(DOCTOR, LDL, &[c, a]), Error::<Test>::AlreadyAttested);
		assert_noop!(attest(HOSPITAL, GLUCOSE, &[b]), Error::<Test>::AlreadyAttested);
		System::set_block_number(3);
		assert_noop!(attest(HOSPITAL, LDL, &[a]), Error::<Test>::AlreadyAttested);

		// 12 pays for two deposits of 5, not three.
		assert_noop!(attest(POOR_DOCTOR, LDL, &[c, d, e]), Error::<Test>::InsufficientDeposit);
		assert_ok!(attest(POOR_DOCTOR, LDL, &[c, d]));
		assert_eq!(held(HoldReason::AttestationDeposit, POOR_DOCTOR), 10);
		assert_noop!(attest(POOR_DOCTOR, LDL, &[e]), Error::<Test>::InsufficientDeposit);
	});
}

#[test]
fn revoke_attestations_releases_their_deposits() {
	test(|| {
		let [a, b, c, d, unattested] = [1, 2, 3, 4, 5].map(|v| commit(v).point());
		assert_ok!(attest(DOCTOR, LDL, &[a, b, c]));
		assert_ok!(attest(HOSPITAL, LDL, &[d]));
		assert_noop!(revoke(DOCTOR, &[a, unattested]), Error::<Test>::UnknownAttestation);
		assert_noop!(revoke(DOCTOR, &[a, d]), Error::<Test>::NotAttester);
		assert_noop!(revoke(HOSPITAL, &[a]), Error::<Test>::NotAttester);
		assert_noop!(revoke(STRANGER, &[a]), Error::<Test>::NotAttester);
		// Named twice: found gone the second time, and nothing is revoked.
		assert_noop!(revoke(DOCTOR, &[a, a]), Error::<Test>::UnknownAttestation);

		assert_ok!(revoke(DOCTOR, &[a, c]));
		System::assert_last_event(Event::AttestationsRevoked { attester: DOCTOR, count: 2 }.into());
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), ATTESTATION_DEPOSIT);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE - ATTESTATION_DEPOSIT);
		assert!(!Attestations::<Test>::contains_key(a));
		assert!(!Attestations::<Test>::contains_key(c));
		assert!(Attestations::<Test>::contains_key(b));
		assert_eq!(held(HoldReason::AttestationDeposit, HOSPITAL), ATTESTATION_DEPOSIT);
		assert_noop!(revoke(DOCTOR, &[a]), Error::<Test>::UnknownAttestation);

		// A revoked commitment may be attested anew.
		assert_ok!(attest(HOSPITAL, LDL, &[a]));
		assert_eq!(held(HoldReason::AttestationDeposit, HOSPITAL), 2 * ATTESTATION_DEPOSIT);
	});
}

#[test]
fn a_commitment_proves_one_statement() {
	test(|| {
		let alice = patient(0);
		let glucose = commit(92);
		let limit = commit(110);
		assert_ok!(attest(HOSPITAL, GLUCOSE, &[glucose.point(), limit.point()]));
		let at_least = Predicate::AtLeast(70);
		let proof = predicate_proof(alice, INSURER, at_least, &[glucose.clone()], 8);
		assert_ok!(prove(alice, INSURER, at_least, &[glucose.point()], 8, proof));

		// Again, to the same verifier or another, with a fresh proof.
		for verifier in [INSURER, TRIAL] {
			let proof = predicate_proof(alice, verifier, at_least, &[glucose.clone()], 8);
			assert_noop!(
				prove(alice, verifier, at_least, &[glucose.point()], 8, proof),
				Error::<Test>::AttestationUsed
			);
		}
		// Beside an unused commitment, which stays unused.
		let proof = predicate_proof(
			alice,
			TRIAL,
			Predicate::NotAbove,
			&[glucose.clone(), limit.clone()],
			8,
		);
		assert_noop!(
			prove(alice, TRIAL, Predicate::NotAbove, &[glucose.point(), limit.point()], 8, proof),
			Error::<Test>::AttestationUsed
		);
		assert!(!Attestations::<Test>::get(limit.point()).unwrap().used);
		// Removing the statement does not make the commitment usable again.
		assert_ok!(remove_statement(INSURER, INSURER, 0));
		let proof = predicate_proof(alice, INSURER, at_least, &[glucose.clone()], 8);
		assert_noop!(
			prove(alice, INSURER, at_least, &[glucose.point()], 8, proof),
			Error::<Test>::AttestationUsed
		);
		// The unused one proves its statement.
		let proof = predicate_proof(alice, TRIAL, Predicate::AtMost(110), &[limit.clone()], 8);
		assert_ok!(prove(alice, TRIAL, Predicate::AtMost(110), &[limit.point()], 8, proof));
	});
}

#[test]
fn prove_predicate_checks_the_predicate_and_the_range_size() {
	test(|| {
		let alice = patient(0);
		let (a, b) = (commit(50), commit(60));
		assert_ok!(attest(DOCTOR, LDL, &[a.point(), b.point()]));
		let at_least = Predicate::AtLeast(10);
		let proof = predicate_proof(alice, INSURER, at_least, &[a.clone()], 8);

		// A predicate about one value with two commitments, or none.
		assert_noop!(
			prove(alice, INSURER, at_least, &[a.point(), b.point()], 8, proof.clone()),
			Error::<Test>::InvalidPredicate
		);
		assert_noop!(
			prove(alice, INSURER, at_least, &[], 8, proof.clone()),
			Error::<Test>::InvalidPredicate
		);
		// NotAbove with one commitment.
		let not_above =
			predicate_proof(alice, INSURER, Predicate::NotAbove, &[a.clone(), b.clone()], 8);
		assert_noop!(
			prove(alice, INSURER, Predicate::NotAbove, &[a.point()], 8, not_above),
			Error::<Test>::InvalidPredicate
		);
		// NotAbove with the same commitment twice (`v <= v` holds for any value).
		let same = predicate_proof(alice, INSURER, Predicate::NotAbove, &[a.clone(), a.clone()], 8);
		assert_noop!(
			prove(alice, INSURER, Predicate::NotAbove, &[a.point(), a.point()], 8, same),
			Error::<Test>::InvalidPredicate
		);
		// An empty interval.
		assert_noop!(
			prove(
				alice,
				INSURER,
				Predicate::Between { low: 61, high: 60 },
				&[a.point()],
				8,
				proof.clone()
			),
			Error::<Test>::InvalidPredicate
		);
		// Ranges of 8, 16 or 32 bits: not even a valid 64-bit proof.
		let wide = predicate_proof(alice, INSURER, at_least, &[a.clone()], 64);
		assert_eq!(wide.len(), 672);
		assert_noop!(
			prove(alice, INSURER, at_least, &[a.point()], 64, wide),
			Error::<Test>::UnsupportedValueSize
		);
		for bits in [0, 12, 33] {
			assert_noop!(
				prove(alice, INSURER, at_least, &[a.point()], bits, proof.clone()),
				Error::<Test>::UnsupportedValueSize
			);
		}
		// A commitment nobody attested.
		let unattested = commit(50);
		let proof_of_unattested =
			predicate_proof(alice, INSURER, at_least, &[unattested.clone()], 8);
		assert_noop!(
			prove(alice, INSURER, at_least, &[unattested.point()], 8, proof_of_unattested),
			Error::<Test>::UnknownAttestation
		);

		// The well-formed ones are accepted: a one-point interval too.
		assert_ok!(prove(alice, INSURER, at_least, &[a.point()], 8, proof));
		let exactly = Predicate::Between { low: 60, high: 60 };
		let proof = predicate_proof(alice, INSURER, exactly, &[b.clone()], 8);
		assert_ok!(prove(alice, INSURER, exactly, &[b.point()], 8, proof));
		assert_eq!(Statements::<Test>::iter_prefix(INSURER).count(), 2);
	});
}

#[test]
fn predicate_proofs_are_bound_to_statement_prover_verifier_and_chain() {
	test(|| {
		let (alice, bob) = (patient(0), patient(1));
		let (a, b) = (commit(50), commit(51));
		assert_ok!(attest(DOCTOR, LDL, &[a.point(), b.point()]));
		let at_least = Predicate::AtLeast(40);
		let proof = predicate_proof(alice, INSURER, at_least, &[a.clone()], 8);
		let refused = |prover: u64, verifier: u64, predicate, point: Point, bits, proof| {
			assert_noop!(
				prove(prover, verifier, predicate, &[point], bits, proof),
				Error::<Test>::InvalidPredicateProof
			);
		};
		// Another threshold, true or not.
		refused(alice, INSURER, Predicate::AtLeast(41), a.point(), 8, proof.clone());
		refused(alice, INSURER, Predicate::AtLeast(39), a.point(), 8, proof.clone());
		// Another verifier.
		refused(alice, TRIAL, at_least, a.point(), 8, proof.clone());
		// Another submitter: Bob replays Alice's proof (e.g. from the transaction pool).
		refused(bob, INSURER, at_least, a.point(), 8, proof.clone());
		// Another commitment, also of a value of at least 40.
		refused(alice, INSURER, at_least, b.point(), 8, proof.clone());
		// Another range size.
		refused(alice, INSURER, at_least, a.point(), 16, proof.clone());
		// Garbage, and nothing.
		refused(alice, INSURER, at_least, a.point(), 8, vec![0xab; 672].try_into().unwrap());
		let mut flipped = proof.clone();
		flipped[100] ^= 1;
		refused(alice, INSURER, at_least, a.point(), 8, flipped);
		refused(alice, INSURER, at_least, a.point(), 8, Default::default());
		// Made for another chain, or another scope.
		let submitter = (alice, INSURER).encode();
		for context in [
			Context { genesis: [8; 32], scope: 0, submitter: &submitter },
			Context { genesis: GENESIS, scope: 1, submitter: &submitter },
		] {
			let proof = proof_in(&context, at_least, &[a.clone()], 8).unwrap();
			refused(alice, INSURER, at_least, a.point(), 8, proof);
		}
		assert!(!Attestations::<Test>::get(a.point()).unwrap().used);

		assert_ok!(prove(alice, INSURER, at_least, &[a.point()], 8, proof));
		// Bob's own proof about the other commitment.
		let proof = predicate_proof(bob, INSURER, at_least, &[b.clone()], 8);
		assert_ok!(prove(bob, INSURER, at_least, &[b.point()], 8, proof));
	});
}

#[test]
fn attestations_expire() {
	test(|| {
		let (alice, bob) = (patient(0), patient(1));
		let (early, late) = (commit(50), commit(51));
		assert_ok!(EncryptedStats::attest(
			RuntimeOrigin::signed(DOCTOR),
			LDL,
			batch(&[early.point(), late.point()]),
			6
		));
		let at_least = Predicate::AtLeast(40);
		// Usable until its expiry, inclusive.
		System::set_block_number(6);
		let proof = predicate_proof(alice, INSURER, at_least, &[early.clone()], 8);
		assert_ok!(prove(alice, INSURER, at_least, &[early.point()], 8, proof));
		assert_eq!(Statements::<Test>::get(INSURER, 0).unwrap().verified_at, 6);
		System::set_block_number(7);
		let proof = predicate_proof(bob, INSURER, at_least, &[late.clone()], 8);
		assert_noop!(
			prove(bob, INSURER, at_least, &[late.point()], 8, proof),
			Error::<Test>::AttestationExpired
		);
		// The attester takes its deposits back.
		assert_ok!(revoke(DOCTOR, &[early.point(), late.point()]));
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 0);
	});
}

#[test]
fn statements_need_an_attester_who_is_still_a_provider() {
	test(|| {
		let (alice, bob, carol) = (patient(0), patient(1), patient(2));
		let [a, b, c] = [50, 51, 52].map(commit);
		assert_ok!(attest(DOCTOR, LDL, &[a.point(), b.point()]));
		assert_ok!(attest(HOSPITAL, LDL, &[c.point()]));
		let at_least = Predicate::AtLeast(40);
		let alices = predicate_proof(alice, INSURER, at_least, &[a.clone()], 8);

		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DOCTOR));
		assert_noop!(
			prove(alice, INSURER, at_least, &[a.point()], 8, alices.clone()),
			Error::<Test>::AttesterNotProvider
		);
		assert_ok!(Participants::reinstate(RuntimeOrigin::root(), DOCTOR));
		assert_ok!(prove(alice, INSURER, at_least, &[a.point()], 8, alices));

		// Revoked for good.
		assert_ok!(Participants::revoke(RuntimeOrigin::root(), DOCTOR));
		let bobs = predicate_proof(bob, INSURER, at_least, &[b.clone()], 8);
		assert_noop!(
			prove(bob, INSURER, at_least, &[b.point()], 8, bobs),
			Error::<Test>::AttesterNotProvider
		);
		// Other providers' attestations are unaffected.
		let carols = predicate_proof(carol, INSURER, at_least, &[c.clone()], 8);
		assert_ok!(prove(carol, INSURER, at_least, &[c.point()], 8, carols));
		// The former provider still takes its deposits back.
		assert_ok!(revoke(DOCTOR, &[a.point(), b.point()]));
		assert_eq!(held(HoldReason::AttestationDeposit, DOCTOR), 0);
		assert_eq!(Balances::free_balance(DOCTOR), BALANCE);
	});
}

#[test]
fn the_prover_or_the_verifier_removes_a_statement() {
	test(|| {
		let (alice, bob) = (patient(0), patient(1));
		let (a, b) = (commit(50), commit(51));
		assert_ok!(attest(DOCTOR, LDL, &[a.point(), b.point()]));
		let at_least = Predicate::AtLeast(40);
		let proof = predicate_proof(alice, INSURER, at_least, &[a.clone()], 8);
		assert_ok!(prove(alice, INSURER, at_least, &[a.point()], 8, proof));
		let proof = predicate_proof(bob, TRIAL, at_least, &[b.clone()], 8);
		assert_ok!(prove(bob, TRIAL, at_least, &[b.point()], 8, proof));

		// Statements are found by verifier and id.
		assert_noop!(remove_statement(alice, INSURER, 1), Error::<Test>::UnknownStatement);
		assert_noop!(remove_statement(alice, TRIAL, 0), Error::<Test>::UnknownStatement);
		assert_noop!(remove_statement(alice, INSURER, 7), Error::<Test>::UnknownStatement);
		for who in [bob, TRIAL, DOCTOR, STRANGER] {
			assert_noop!(remove_statement(who, INSURER, 0), Error::<Test>::NotStatementParty);
		}
		assert_ok!(remove_statement(INSURER, INSURER, 0));
		System::assert_last_event(Event::StatementRemoved { id: 0, verifier: INSURER }.into());
		assert_eq!(held(HoldReason::StatementDeposit, alice), 0);
		assert_eq!(Balances::free_balance(alice), BALANCE);
		assert_noop!(remove_statement(alice, INSURER, 0), Error::<Test>::UnknownStatement);
		// Bob's is untouched, until he removes it.
		assert_eq!(held(HoldReason::StatementDeposit, bob), STATEMENT_DEPOSIT);
		assert_ok!(remove_statement(bob, TRIAL, 1));
		System::assert_last_event(Event::StatementRemoved { id: 1, verifier: TRIAL }.into());
		assert_eq!(held(HoldReason::StatementDeposit, bob), 0);
		assert_eq!(Balances::free_balance(bob), BALANCE);
	});
}

#[test]
fn prove_predicate_needs_the_deposit_and_a_statement_id() {
	test(|| {
		let alice = patient(0);
		let (a, b) = (commit(50), commit(51));
		assert_ok!(attest(DOCTOR, LDL, &[a.point(), b.point()]));
		let at_least = Predicate::AtLeast(40);
		// 6 does not pay a deposit of 7.
		let proof = predicate_proof(POOR_PATIENT, INSURER, at_least, &[a.clone()], 8);
		assert_noop!(
			prove(POOR_PATIENT, INSURER, at_least, &[a.point()], 8, proof.clone()),
			Error::<Test>::InsufficientDeposit
		);
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(STRANGER),
			POOR_PATIENT,
			10
		));
		assert_ok!(prove(POOR_PATIENT, INSURER, at_least, &[a.point()], 8, proof));
		assert_eq!(held(HoldReason::StatementDeposit, POOR_PATIENT), STATEMENT_DEPOSIT);

		// Ids do not wrap around.
		let proof = predicate_proof(alice, INSURER, at_least, &[b.clone()], 8);
		NextStatementId::<Test>::put(u64::MAX);
		assert_noop!(
			prove(alice, INSURER, at_least, &[b.point()], 8, proof.clone()),
			Error::<Test>::Overflow
		);
		NextStatementId::<Test>::put(u64::MAX - 1);
		assert_ok!(prove(alice, INSURER, at_least, &[b.point()], 8, proof));
		assert_eq!(Statements::<Test>::get(INSURER, u64::MAX - 1).unwrap().prover, alice);
		assert_eq!(NextStatementId::<Test>::get(), u64::MAX);
	});
}
