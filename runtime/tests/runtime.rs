//! Runtime-level tests: genesis presets, a signed-origin transfer, fees, proxy filters and the
//! metadata that Polkadot.js apps reads.

use medchain_runtime::{
	configs::ProxyType, genesis_config_presets::*, weights::ExtrinsicBaseWeight, AccountId,
	Balances, ParachainInfo, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, System, WeightToFee, MILLI_UNIT, UNIT,
};
use frame_support::{
	assert_ok,
	traits::{InstanceFilter, fungible::Inspect},
	weights::WeightToFee as _,
};
use medchain_primitives::health::{
	Action, Confidentiality, PurposeOfUse, RecordCategory, RecordStatus,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Dispatchable;

fn ext_with_preset(preset: &str) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(preset_storage(preset).expect("preset builds a genesis state"));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn account(keyring: Sr25519Keyring) -> AccountId {
	keyring.to_account_id()
}

#[test]
fn runtime_offers_exactly_the_documented_presets() {
	assert_eq!(preset_names(), vec!["development".to_string(), "local_testnet".to_string()]);
	assert!(get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_preset_funds_dev_accounts_and_sets_one_collator() {
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		for keyring in Sr25519Keyring::well_known() {
			assert_eq!(Balances::balance(&keyring.to_account_id()), ENDOWMENT);
		}
		assert_eq!(
			pallet_collator_selection::Invulnerables::<Runtime>::get().to_vec(),
			vec![account(Sr25519Keyring::Alice)]
		);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Sr25519Keyring::Alice)));
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
	});
}

#[test]
fn local_testnet_preset_has_two_collators() {
	ext_with_preset(LOCAL_TESTNET_PRESET).execute_with(|| {
		// Collator selection keeps invulnerables sorted by account.
		let mut expected = vec![account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob)];
		expected.sort();
		assert_eq!(pallet_collator_selection::Invulnerables::<Runtime>::get().to_vec(), expected);
		assert_eq!(pallet_session::Validators::<Runtime>::get().len(), 2);
	});
}

#[test]
fn signed_transfer_moves_funds_and_emits_event() {
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		let (alice, dave) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Dave));
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: dave.clone().into(),
			value: 7 * UNIT,
		});
		assert_ok!(call.dispatch(RuntimeOrigin::signed(alice.clone())));
		assert_eq!(Balances::balance(&alice), ENDOWMENT - 7 * UNIT);
		assert_eq!(Balances::balance(&dave), ENDOWMENT + 7 * UNIT);
		System::assert_has_event(RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice,
			to: dave,
			amount: 7 * UNIT,
		}));
	});
}

#[test]
fn base_extrinsic_costs_a_tenth_of_a_milli_unit() {
	assert_eq!(WeightToFee::weight_to_fee(&ExtrinsicBaseWeight::get()), MILLI_UNIT / 10);
}

#[test]
fn proxy_types_filter_calls() {
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
		dest: account(Sr25519Keyring::Bob).into(),
		value: 1,
	});
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	assert!(ProxyType::Any.filter(&transfer));
	assert!(!ProxyType::NonTransfer.filter(&transfer));
	assert!(ProxyType::NonTransfer.filter(&remark));
	assert!(!ProxyType::Collator.filter(&remark));
	assert!(!ProxyType::CancelProxy.filter(&transfer));
	assert!(ProxyType::Any.is_superset(&ProxyType::NonTransfer));
	assert!(ProxyType::NonTransfer.is_superset(&ProxyType::Collator));
	assert!(!ProxyType::Collator.is_superset(&ProxyType::NonTransfer));
}

#[test]
fn metadata_lists_the_transaction_extensions_wallets_need() {
	use frame_support::__private::metadata::RuntimeMetadata;
	let prefixed = sp_io::TestExternalities::default().execute_with(Runtime::metadata);
	let RuntimeMetadata::V14(metadata) = prefixed.1 else { panic!("default metadata is V14") };
	let identifiers: Vec<&str> =
		metadata.extrinsic.signed_extensions.iter().map(|e| e.identifier.as_str()).collect();
	for expected in
		["CheckNonce", "CheckMortality", "ChargeTransactionPayment", "CheckMetadataHash"]
	{
		assert!(identifiers.contains(&expected), "{expected} missing from {identifiers:?}");
	}
}

#[test]
fn token_constants_match_the_metadata_hash_build() {
	// `build.rs` repeats these for `enable_metadata_hash`; keep them equal.
	assert_eq!(medchain_primitives::currency::TOKEN_SYMBOL, "MED");
	assert_eq!(medchain_primitives::currency::TOKEN_DECIMALS, 12);
}

#[test]
fn development_preset_seeds_demo_participants() {
	use medchain_primitives::roles::{ParticipantsInspect, Role};
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		let has = |keyring: Sr25519Keyring, role| {
			<medchain_runtime::Participants as ParticipantsInspect<AccountId>>::has_role(&account(keyring), role)
		};
		assert!(has(Sr25519Keyring::Bob, Role::HealthcareOrganization));
		assert!(has(Sr25519Keyring::Charlie, Role::EmergencyResponder));
		assert!(has(Sr25519Keyring::Dave, Role::Researcher));
		assert!(has(Sr25519Keyring::Eve, Role::PrivacyOfficer));
		assert!(has(Sr25519Keyring::Ferdie, Role::Manufacturer));
		assert!(!has(Sr25519Keyring::Alice, Role::Practitioner), "patients need no entry");
		assert_eq!(
			<medchain_runtime::Participants as ParticipantsInspect<AccountId>>::gln(&account(Sr25519Keyring::Ferdie)),
			Some(DEMO_MANUFACTURER_GLN)
		);
	});
}

#[test]
fn patients_own_their_records_and_providers_need_consent() {
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		let (patient, doctor) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let register = |who: &AccountId| {
			RuntimeCall::MedicalRecords(pallet_medical_records::Call::register_record {
				patient: patient.clone().into(),
				category: RecordCategory::Summary,
				confidentiality: Confidentiality::Normal,
				content_hash: sp_core::H256::repeat_byte(1),
				locator: b"vault://record/1".to_vec().try_into().unwrap(),
				custodian: doctor.clone().into(),
			})
			.dispatch(RuntimeOrigin::signed(who.clone()))
		};
		// Without a consent, only the patient may write.
		assert!(register(&doctor).is_err());
		assert_ok!(register(&patient));
		let record = medchain_runtime::MedicalRecords::record(0).expect("stored");
		assert_eq!((record.subject, record.status), (patient.clone(), RecordStatus::Current));
		assert_eq!(medchain_runtime::MedicalRecords::patient_records(&patient, None, 10).len(), 1);
		let held = <Balances as frame_support::traits::fungible::InspectHold<AccountId>>::total_balance_on_hold(&patient);
		assert_eq!(held, record.deposit);
		assert!(held > 0);

		// The patient lets the doctor add records for treatment: the consent pallet decides.
		assert_ok!(medchain_runtime::Consent::grant_consent(
			RuntimeOrigin::signed(patient.clone()),
			consent_terms(doctor.clone(), &[Action::Collect], &[PurposeOfUse::Treatment]),
		));
		assert_ok!(register(&doctor));
		assert_eq!(medchain_runtime::MedicalRecords::record(1).expect("stored").author, doctor);
	});
}

fn consent_terms(
	grantee: AccountId,
	actions: &[Action],
	purposes: &[PurposeOfUse],
) -> pallet_consent::ConsentTermsOf<Runtime> {
	pallet_consent::ConsentTermsOf::<Runtime>::permit_all_data(
		medchain_primitives::consent::Grantee::Account(grantee),
		actions,
		purposes,
		Confidentiality::Normal,
	)
}

#[test]
fn emergency_access_duration_is_a_governed_parameter() {
	use medchain_runtime::configs::{dynamic_params::consent, RuntimeParameters};
	use frame_support::traits::Get;
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		assert_eq!(consent::EmergencyAccessDuration::get(), 4 * medchain_runtime::HOURS);
		let patient = account(Sr25519Keyring::Alice);
		let set = |who: RuntimeOrigin| {
			medchain_runtime::Parameters::set_parameter(
				who,
				RuntimeParameters::Consent(consent::Parameters::EmergencyAccessDuration(
					consent::EmergencyAccessDuration,
					Some(5),
				)),
			)
		};
		assert!(set(RuntimeOrigin::signed(patient)).is_err(), "only Root may change it");
		assert_ok!(set(RuntimeOrigin::root()));
		assert_eq!(consent::EmergencyAccessDuration::get(), 5);
		assert_eq!(
			<Runtime as pallet_consent::Config>::EmergencyAccessDuration::get(),
			5,
			"the consent pallet reads the parameter"
		);
	});
}

#[test]
fn supply_chain_judges_expiry_by_the_block_timestamp() {
	use medchain_primitives::supply::{
		serial_hash, serial_proof, serials_root, ExpiryDate, ProductDetails, ProductKind,
		Verification,
	};
	ext_with_preset(DEVELOPMENT_PRESET).execute_with(|| {
		let maker = RuntimeOrigin::signed(account(Sr25519Keyring::Ferdie));
		let gtin = *b"00012345600012";
		let lot: medchain_primitives::supply::LotNumber = b"RT-1".to_vec().try_into().unwrap();
		let serials: [&[u8]; 3] = [b"S1", b"S2", b"S3"];
		let leaves: Vec<_> = serials.iter().map(|s| serial_hash(&gtin, s)).collect();
		// 2027-01-01T00:00Z, as the timestamp inherent would set it.
		pallet_timestamp::Now::<Runtime>::put(1_798_761_600_000u64);
		assert_ok!(medchain_runtime::SupplyChain::register_product(
			maker.clone(),
			gtin,
			ProductDetails {
				kind: ProductKind::Vaccine,
				national_code: None,
				temperature: None,
				lookup_url: None,
				unit_tracked: false,
			},
		));
		let commission = |expiry| {
			medchain_runtime::SupplyChain::commission_lot(
				maker.clone(),
				gtin,
				lot.clone(),
				expiry,
				3,
				serials_root(&leaves),
				Default::default(),
			)
		};
		// December 2026 is over on that day; December 2027 is not.
		assert!(commission(ExpiryDate { year: 26, month: 12, day: 0 }).is_err());
		let expiry = ExpiryDate { year: 27, month: 12, day: 0 };
		assert_ok!(commission(expiry));
		let proof = serial_proof(&leaves, 1).unwrap();
		let verify = || medchain_runtime::SupplyChain::verify_unit(gtin, b"S2", &lot, expiry, &proof);
		assert_eq!(verify(), Verification::Verified);
		// 2028-01-01: the pack has expired.
		pallet_timestamp::Now::<Runtime>::put(1_830_297_600_000u64);
		assert_eq!(verify(), Verification::Expired);
	});
}

/// Regression (runtime fuzzer): `approve_as_multi` reports `as_multi_create` / `as_multi_approve`
/// of an empty call after dispatch, which the reference weights put above what it charges
/// before; the runtime's multisig weights charge the larger.
#[test]
fn approve_as_multi_charges_at_least_what_it_reports_after_dispatch() {
	use medchain_runtime::configs::MultisigWeights;
	use pallet_multisig::weights::WeightInfo;
	for s in 1..=100 {
		let charged_create = MultisigWeights::approve_as_multi_create(s);
		let charged_approve = MultisigWeights::approve_as_multi_approve(s);
		assert!(MultisigWeights::as_multi_create(s, 0).all_lte(charged_create), "create, {s} signatories");
		assert!(MultisigWeights::as_multi_approve(s, 0).all_lte(charged_approve), "approve, {s} signatories");
	}
}
