//! Tests of the encrypted-stats pallet with real proofs (medchain-crypto) and the real consent
//! pallet deciding who may contribute.

use crate::{
	mock::*, Contributors, DecryptionShares, Error, Event, HoldReason, KeyHoldersOf,
	MaxRangeProofLen, NextStudyId, Studies,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec};
use medchain_crypto::{
	encrypt, study_base, threshold, Ciphertext, Context, RangeProof, StudySecret, ValidityProof,
};
use medchain_primitives::{
	consent::Grantee,
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	stats::{EncryptedValue, KeyHolders, Point, StudyId, StudyQuestion, StudyStatus},
};
use rand_core::OsRng;
use sp_core::H256;
use sp_runtime::DispatchResult;

/// Every study in these tests takes contributions until this block (inclusive).
const DEADLINE: u64 = 10;
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

fn contribute(who: u64, id: StudyId, contribution: Contribution) -> DispatchResult {
	EncryptedStats::contribute(
		RuntimeOrigin::signed(who),
		id,
		contribution.value,
		contribution.validity,
		contribution.range,
	)
}

fn open(key_holders: KeyHoldersOf<Test>, min_cohort: u32) -> DispatchResult {
	EncryptedStats::open_study(
		RuntimeOrigin::signed(RESEARCHER),
		question(16),
		key_holders,
		DEADLINE,
		min_cohort,
	)
}

/// Opens a 16-bit study decrypted by `KEY_HOLDER`.
fn open_single(min_cohort: u32) -> (StudyId, StudySecret, Point) {
	let id = NextStudyId::<Test>::get();
	let secret = StudySecret::generate(&mut OsRng);
	let key = secret.study_key(&study_base(&GENESIS, id));
	assert_ok!(open(KeyHolders::Single { holder: KEY_HOLDER, key }, min_cohort));
	(id, secret, key)
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

/// 20 16-bit values, with both ends of the range.
fn twenty_values() -> Vec<u64> {
	let mut values: Vec<u64> = (0..20u64).map(|i| (i * 7919 + 12_345) % 65_536).collect();
	values[0] = 0;
	values[1] = 65_535;
	values
}

#[test]
fn twenty_contributions_decrypt_to_their_plain_sum() {
	new_test_ext().execute_with(|| {
		let (id, secret, key) = open_single(20);
		assert_eq!(id, 0);
		assert_eq!(NextStudyId::<Test>::get(), 1);
		System::assert_last_event(
			Event::StudyOpened { id, researcher: RESEARCHER, deadline: DEADLINE }.into(),
		);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::StudyDeposit.into(), &RESEARCHER),
			STUDY_DEPOSIT
		);
		let study = Studies::<Test>::get(id).unwrap();
		assert_eq!(study.status, StudyStatus::Open);
		assert_eq!(study.contributions, 0);
		assert_eq!(study.deposit, STUDY_DEPOSIT);
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
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
		let key = StudySecret::generate(&mut OsRng).study_key(&study_base(&GENESIS, 0));
		let single = KeyHolders::Single { holder: KEY_HOLDER, key };
		let open_as =
			|who: u64, bits: u32, key_holders: KeyHoldersOf<Test>, deadline: u64, cohort| {
				EncryptedStats::open_study(
					RuntimeOrigin::signed(who),
					question(bits),
					key_holders,
					deadline,
					cohort,
				)
			};
		for who in [STRANGER, DOCTOR, KEY_HOLDER, patient(0)] {
			assert_noop!(
				open_as(who, 16, single.clone(), DEADLINE, 5),
				Error::<Test>::NotResearcher
			);
		}
		for bits in [0, 1, 12, 64] {
			assert_noop!(
				open_as(RESEARCHER, bits, single.clone(), DEADLINE, 5),
				Error::<Test>::UnsupportedValueSize
			);
		}
		// Now is block 1: the deadline is in (1, 1 + MAX_STUDY_DURATION].
		for deadline in [0, 1, 2 + MAX_STUDY_DURATION] {
			assert_noop!(
				open_as(RESEARCHER, 16, single.clone(), deadline, 5),
				Error::<Test>::InvalidDeadline
			);
		}
		assert_noop!(
			open_as(RESEARCHER, 16, single.clone(), DEADLINE, MIN_COHORT_FLOOR - 1),
			Error::<Test>::CohortTooSmall
		);
		assert_noop!(
			open_as(
				RESEARCHER,
				16,
				KeyHolders::Single { holder: KEY_HOLDER, key: NOT_A_POINT },
				DEADLINE,
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
			open_as(RESEARCHER, 16, threshold_of(2, &TRUSTEES, &[key, NOT_A_POINT]), DEADLINE, 5),
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
				open_as(RESEARCHER, 16, key_holders, DEADLINE, 5),
				Error::<Test>::InvalidThreshold
			);
		}
		assert_noop!(
			open_as(POOR_RESEARCHER, 16, single.clone(), DEADLINE, 5),
			Error::<Test>::InsufficientDeposit
		);
		assert_eq!(NextStudyId::<Test>::get(), 0);

		// The bounds themselves are accepted.
		assert_ok!(open_as(RESEARCHER, 8, single.clone(), 2, MIN_COHORT_FLOOR));
		assert_ok!(open_as(RESEARCHER, 32, single.clone(), 1 + MAX_STUDY_DURATION, 5));
		assert_ok!(open_as(OTHER_RESEARCHER, 16, threshold_of(5, &TRUSTEES, &[key; 5]), 2, 5));
		assert_eq!(NextStudyId::<Test>::get(), 3);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::StudyDeposit.into(), &RESEARCHER),
			2 * STUDY_DEPOSIT
		);

		// Ids do not wrap around.
		NextStudyId::<Test>::put(u64::MAX);
		assert_noop!(open_as(RESEARCHER, 16, single, DEADLINE, 5), Error::<Test>::Overflow);
	});
}

#[test]
fn an_identity_study_key_is_refused() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
fn contribute_verifies_both_proofs() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
