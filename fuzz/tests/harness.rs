//! The harness itself: the committed corpus and every past finding replay clean (each finding
//! stays as a regression test once fixed), generated calls decode, the oracles catch what they
//! are for.

use codec::{DecodeLimit, Encode};
use medchain_fuzz::{decode_steps, encode_steps, inputs_in, root_may_dispatch, Harness, MAX_DECODE_DEPTH};
use medchain_runtime::{RuntimeCall, UNIT};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use std::{fs, path::Path};

fn inputs(folder: &str) -> Vec<(String, Vec<u8>)> {
	let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
	inputs_in(&folder)
		.expect("a readable folder")
		.into_iter()
		.map(|path| (path.display().to_string(), fs::read(&path).expect("readable input")))
		.collect()
}

#[test]
fn corpus_and_past_findings_replay_clean() {
	let harness = Harness::new().expect("the setup state builds");
	let corpus = inputs("corpus");
	assert!(!corpus.is_empty(), "fuzz/corpus is committed (scripts/fuzz.sh corpus)");
	for (name, bytes) in corpus.iter().chain(inputs("crashes").iter()) {
		let outcome = harness.run(bytes);
		assert!(!outcome.failed(), "{name}: {:?} {:?}", outcome.panic, outcome.violations);
	}
}

#[test]
fn generated_calls_decode_and_reach_every_medchain_pallet() {
	let harness = Harness::new().expect("the setup state builds");
	let mut rng = ChaCha8Rng::seed_from_u64(7);
	let mut decoded = 0;
	let mut pallets = std::collections::BTreeSet::new();
	for _ in 0..2_000 {
		let call = harness.generator().call(&mut rng);
		let mut rest = &call[..];
		// A draw with bytes left over is drawn again by the soak, as one that does not decode.
		if RuntimeCall::decode_with_depth_limit(MAX_DECODE_DEPTH, &mut rest).is_ok() && rest.is_empty() {
			decoded += 1;
			pallets.insert(call[0]);
		}
	}
	assert!(decoded > 1_000, "only {decoded} of 2,000 generated calls decode");
	for index in 50..=54u8 {
		assert!(pallets.contains(&index), "no generated call of pallet {index}");
	}
}

#[test]
fn steps_round_trip_and_stop_at_the_first_undecodable_call() {
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1, 2, 3] }).encode();
	let mut bytes = encode_steps(&[(0, 1, remark.clone()), (2, 3, remark.clone())]);
	assert_eq!(decode_steps(&bytes).len(), 2);
	bytes.extend_from_slice(&[0, 0, 0xff, 0xff]);
	let steps = decode_steps(&bytes);
	assert_eq!(steps.len(), 2);
	assert_eq!((steps[1].lapse, steps[1].origin), (2, 3));
}

#[test]
fn governance_may_not_rewrite_storage_or_mint_from_nothing() {
	let set_code = RuntimeCall::System(frame_system::Call::set_code { code: Vec::new() });
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::remove_key {});
	let adjust = RuntimeCall::Balances(pallet_balances::Call::force_adjust_total_issuance {
		direction: pallet_balances::AdjustmentDirection::Increase,
		delta: UNIT,
	});
	let register = RuntimeCall::Participants(pallet_participants::Call::suspend {
		who: sp_runtime::MultiAddress::Id(sp_keyring::Sr25519Keyring::Bob.to_account_id()),
	});
	assert!(!root_may_dispatch(&set_code));
	assert!(!root_may_dispatch(&sudo));
	assert!(!root_may_dispatch(&adjust));
	let unreserve = RuntimeCall::Balances(pallet_balances::Call::force_unreserve {
		who: sp_runtime::MultiAddress::Id(sp_keyring::Sr25519Keyring::Bob.to_account_id()),
		amount: UNIT,
	});
	assert!(!root_may_dispatch(&unreserve), "force_unreserve frees held balance");
	assert!(root_may_dispatch(&register));
}

#[test]
fn a_root_call_runs_as_root_and_a_signed_one_fails_its_origin_check() {
	let harness = Harness::new().expect("the setup state builds");
	let suspend = RuntimeCall::Participants(pallet_participants::Call::suspend {
		who: sp_runtime::MultiAddress::Id(sp_keyring::Sr25519Keyring::Bob.to_account_id()),
	})
	.encode();
	let outcome = harness.run(&encode_steps(&[(1, 0xff, suspend.clone()), (0, 1, suspend)]));
	assert!(!outcome.failed(), "{:?}", outcome.violations);
	assert_eq!(outcome.dispatched.len(), 2);
	assert!(outcome.dispatched[0].ok, "Root may suspend: {:?}", outcome.dispatched[0].error);
	assert_eq!(outcome.dispatched[1].error.as_deref(), Some("BadOrigin"));
}

/// Regression: the fuzzer's first finding. `approve_as_multi` opening a new multisig operation
/// reported more weight after dispatch than it was charged before (the runtime's
/// `MultisigWeights` now charge the larger).
#[test]
fn approve_as_multi_uses_no_more_than_it_is_charged() {
	let harness = Harness::new().expect("the setup state builds");
	let approve = RuntimeCall::Multisig(pallet_multisig::Call::approve_as_multi {
		threshold: 2,
		other_signatories: vec![sp_keyring::Sr25519Keyring::Alice.to_account_id()],
		maybe_timepoint: None,
		call_hash: [7; 32],
		max_weight: frame_support::weights::Weight::zero(),
	})
	.encode();
	let outcome = harness.run(&encode_steps(&[(1, 1, approve)]));
	assert!(outcome.dispatched[0].ok, "{:?}", outcome.dispatched[0].error);
	assert!(!outcome.failed(), "{:?}", outcome.violations);
}
