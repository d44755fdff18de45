//! The state every fuzz input starts from: the development preset, then one block of real
//! calls that leaves an entry of every kind in medchain's pallets (participants of every role,
//! records in every status, consents active and drafted, a pending request, an emergency access,
//! an access log and its anchor, a pending custody transfer, products with a lot and a pending
//! transfer, an open study with a contribution, an attestation).
//!
//! Every setup call must succeed; one that fails is a finding in itself (a call the client's
//! tutorial relies on stopped working) and stops the fuzzer before it starts.

use crate::{
	chain::{Builder, Origin, Tip},
	generate::Dictionary,
};
use codec::Encode;
use medchain_primitives::{
	consent::{AccessDecision, AccessLogEntry, ConsentDecision, ConsentTerms, DataScope, EmergencyPolicy, Grantee,
		Period, PermitBasis, RequestedAccess},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	roles::{Gln, Role},
	stats::{EncryptedValue, KeyHolders, StudyQuestion},
	supply::{serial_hash, serials_root, ExpiryDate, Goods, Gtin, LotNumber, ProductDetails, ProductKind,
		TemperatureRange, TransactionDocuments},
};
use medchain_runtime::{AccountId, Runtime, RuntimeCall, UNIT};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sp_core::H256;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Hash, BoundedVec, MultiAddress};

/// Milliseconds of the genesis block's timestamp: 2026-01-01.
pub const GENESIS_TIMESTAMP: u64 = 1_767_225_600_000;

/// The product that the setup registers and commissions a lot of (a valid GTIN-14).
pub const GTIN: Gtin = *b"00614141000012";
/// A second, unit-tracked product.
pub const UNIT_GTIN: Gtin = *b"00614141000029";
/// The setup's lot.
pub const LOT: &[u8] = b"L2026A";
/// Packs committed by the lot.
pub const LOT_PACKS: u32 = 4;

/// Who does what in the setup state. Every one of them is a possible origin of fuzzed calls.
pub struct Cast {
	pub alice: AccountId,
	pub bob: AccountId,
	pub charlie: AccountId,
	pub dave: AccountId,
	pub eve: AccountId,
	pub ferdie: AccountId,
	pub repackager: AccountId,
	pub wholesaler: AccountId,
	pub logistics: AccountId,
	pub dispenser: AccountId,
	pub regulator: AccountId,
	pub clinic: AccountId,
	pub one: AccountId,
	pub two: AccountId,
}

impl Cast {
	pub fn new() -> Self {
		use Sr25519Keyring::*;
		Self {
			alice: Alice.to_account_id(),
			bob: Bob.to_account_id(),
			charlie: Charlie.to_account_id(),
			dave: Dave.to_account_id(),
			eve: Eve.to_account_id(),
			ferdie: Ferdie.to_account_id(),
			repackager: AliceStash.to_account_id(),
			wholesaler: BobStash.to_account_id(),
			logistics: CharlieStash.to_account_id(),
			dispenser: DaveStash.to_account_id(),
			regulator: EveStash.to_account_id(),
			clinic: FerdieStash.to_account_id(),
			one: One.to_account_id(),
			two: Two.to_account_id(),
		}
	}

	/// Everyone, in a fixed order: the origins an input's origin byte picks from.
	pub fn all(&self) -> Vec<AccountId> {
		vec![
			self.alice.clone(),
			self.bob.clone(),
			self.charlie.clone(),
			self.dave.clone(),
			self.eve.clone(),
			self.ferdie.clone(),
			self.repackager.clone(),
			self.wholesaler.clone(),
			self.logistics.clone(),
			self.dispenser.clone(),
			self.regulator.clone(),
			self.clinic.clone(),
			self.one.clone(),
			self.two.clone(),
		]
	}
}

impl Default for Cast {
	fn default() -> Self {
		Self::new()
	}
}

/// The GS1 key of `N` digits whose first `N - 1` are `digits`, completed with its check digit.
pub fn gs1<const N: usize>(digits: &[u8]) -> [u8; N] {
	let mut key = [b'0'; N];
	key[..N - 1].copy_from_slice(&digits[..N - 1]);
	key[N - 1] = medchain_primitives::gs1::check_digit(&key[..N - 1]).unwrap_or(b'0');
	key
}

fn hash(label: &str) -> H256 {
	sp_runtime::traits::BlakeTwo256::hash(label.as_bytes())
}

fn id(who: &AccountId) -> MultiAddress<AccountId, ()> {
	MultiAddress::Id(who.clone())
}

fn bounded<T, S: sp_core::Get<u32>>(items: Vec<T>) -> BoundedVec<T, S> {
	BoundedVec::truncate_from(items)
}

/// The setup state's values worth reusing in fuzzed calls.
pub struct Built {
	pub tip: Tip,
	pub dictionary: Dictionary,
}

/// Runs the setup block in the current externalities (the development preset's genesis).
/// Fails naming the first call that did not succeed.
pub fn run(cast: &Cast) -> Result<Built, String> {
	// Nobody in the cast may act as Root through sudo (a proxy of the key holder could reach
	// `set_code`); governance calls are dispatched as Root directly instead.
	pallet_sudo::Key::<Runtime>::put(AccountId::from([0xee; 32]));
	let mut builder = Builder::new(Tip::genesis(GENESIS_TIMESTAMP));
	builder.start_block(1);
	let now = frame_system::Pallet::<Runtime>::block_number();
	let mut dictionary = Dictionary::default();
	let mut rng = ChaCha20Rng::seed_from_u64(0x6d65_6463_6861_696e);
	let mut call = |origin: Origin, call: RuntimeCall| -> Result<(), String> {
		let described = format!("{:?}", call.encode().get(..2));
		let outcome = builder.dispatch(&origin, call);
		match outcome.error {
			None => Ok(()),
			Some(error) => Err(format!("setup call {}.{} ({described}) failed: {error}", outcome.pallet, outcome.call)),
		}
	};
	let signed = |who: &AccountId| Origin::Signed(who.clone());

	// Participants of the roles the development preset leaves out, and two patients' funds.
	let glns: Vec<Gln> = (1u8..=5).map(|n| gs1::<13>(&[b'0', b'6', b'1', b'4', b'1', b'4', b'1', b'0', b'0', b'0', b'0', b'0' + n, b'0'])).collect();
	let registrations: [(&AccountId, Vec<Role>, Option<Gln>); 6] = [
		(&cast.repackager, vec![Role::Repackager], Some(glns[0])),
		(&cast.wholesaler, vec![Role::WholesaleDistributor], Some(glns[1])),
		(&cast.logistics, vec![Role::ThirdPartyLogistics], Some(glns[2])),
		(&cast.dispenser, vec![Role::Dispenser], Some(glns[3])),
		(&cast.regulator, vec![Role::Regulator], Some(glns[4])),
		(&cast.clinic, vec![Role::HealthcareOrganization, Role::Practitioner], None),
	];
	for (who, roles, gln) in registrations {
		call(
			Origin::Root,
			RuntimeCall::Participants(pallet_participants::Call::register {
				who: id(who),
				roles: bounded(roles),
				credential_hash: hash("credential"),
				gln,
				encryption_key: sp_runtime::traits::BlakeTwo256::hash(&who.encode()).0,
				valid_until: None,
			}),
		)?;
	}
	for patient in [&cast.one, &cast.two] {
		call(
			Origin::Root,
			RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
				who: id(patient),
				new_free: 1_000 * UNIT,
			}),
		)?;
	}

	// Consents: Alice and One let Bob's hospital treat them; Alice lets Dave research.
	let terms = |grantee: &AccountId, actions: Vec<Action>, purpose: PurposeOfUse| ConsentTerms {
		grantee: Grantee::Account(grantee.clone()),
		decision: ConsentDecision::Permit,
		actions: bounded(actions),
		purposes: bounded(vec![purpose]),
		scope: DataScope::All,
		ceiling: Confidentiality::Restricted,
		valid: Period { start: 0, end: None },
		data_period: None,
		document_hash: Some(hash("consent form")),
		basis_hash: None,
	};
	let treatment = || vec![Action::Access, Action::Collect, Action::Use, Action::Correct];
	for patient in [&cast.alice, &cast.one] {
		call(
			signed(patient),
			RuntimeCall::Consent(pallet_consent::Call::grant_consent {
				terms: terms(&cast.bob, treatment(), PurposeOfUse::Treatment),
			}),
		)?;
	}
	call(
		signed(&cast.alice),
		RuntimeCall::Consent(pallet_consent::Call::grant_consent {
			terms: terms(&cast.dave, vec![Action::Use], PurposeOfUse::Research),
		}),
	)?;
	call(
		signed(&cast.two),
		RuntimeCall::Consent(pallet_consent::Call::draft_consent {
			terms: terms(&cast.clinic, treatment(), PurposeOfUse::Treatment),
		}),
	)?;

	// Records: 0 and 1 by the patient herself and by the hospital, 2 amends 1, 3 is erased,
	// 0 is being handed to another custodian.
	let locator = |n: u32| -> BoundedVec<u8, _> { bounded(format!("vault://bob/{n}").into_bytes()) };
	let register = |patient: &AccountId, n: u32| {
		RuntimeCall::MedicalRecords(pallet_medical_records::Call::register_record {
			patient: id(patient),
			category: RecordCategory::ALL[n as usize % RecordCategory::ALL.len()],
			confidentiality: Confidentiality::Normal,
			content_hash: hash(&format!("record {n}")),
			locator: locator(n),
			custodian: id(&cast.bob),
		})
	};
	call(signed(&cast.alice), register(&cast.alice, 0))?;
	call(signed(&cast.bob), register(&cast.alice, 1))?;
	call(
		signed(&cast.bob),
		RuntimeCall::MedicalRecords(pallet_medical_records::Call::amend_record {
			id: 1,
			confidentiality: Confidentiality::Restricted,
			content_hash: hash("record 2"),
			locator: locator(2),
		}),
	)?;
	call(signed(&cast.one), register(&cast.one, 3))?;
	call(signed(&cast.one), RuntimeCall::MedicalRecords(pallet_medical_records::Call::request_erasure { id: 3 }))?;
	call(signed(&cast.bob), RuntimeCall::MedicalRecords(pallet_medical_records::Call::confirm_erasure { id: 3 }))?;
	call(signed(&cast.bob), register(&cast.one, 4))?;
	call(
		signed(&cast.bob),
		RuntimeCall::MedicalRecords(pallet_medical_records::Call::propose_custodian {
			id: 0,
			new_custodian: id(&cast.clinic),
		}),
	)?;

	// Requests, emergencies and the audit trail.
	call(
		signed(&cast.dave),
		RuntimeCall::Consent(pallet_consent::Call::request_access {
			patient: id(&cast.one),
			access: RequestedAccess {
				actions: bounded(vec![Action::Use]),
				purposes: bounded(vec![PurposeOfUse::Research]),
				scope: DataScope::Categories(bounded(vec![RecordCategory::Observation])),
				ceiling: Confidentiality::Normal,
				valid: Period { start: 0, end: Some(now + 10_000) },
			},
			justification_hash: hash("protocol"),
		}),
	)?;
	call(
		signed(&cast.alice),
		RuntimeCall::Consent(pallet_consent::Call::set_emergency_policy {
			policy: EmergencyPolicy::OnlyDelegates(bounded(vec![cast.charlie.clone()])),
		}),
	)?;
	call(
		signed(&cast.charlie),
		RuntimeCall::Consent(pallet_consent::Call::invoke_emergency_access {
			patient: id(&cast.alice),
			reason: medchain_primitives::consent::EmergencyReason::PatientIncapacitated,
			justification_hash: Some(hash("triage note")),
		}),
	)?;
	call(
		signed(&cast.bob),
		RuntimeCall::Consent(pallet_consent::Call::log_access {
			patient: id(&cast.alice),
			entries: bounded(vec![AccessLogEntry {
				accessor: cast.bob.clone(),
				record: Some(1),
				category: RecordCategory::Observation,
				action: Action::Access,
				purpose: PurposeOfUse::Treatment,
				decision: AccessDecision::Permit(PermitBasis::Consent(0)),
				event_hash: hash("audit event 0"),
			}]),
		}),
	)?;
	call(
		signed(&cast.bob),
		RuntimeCall::Consent(pallet_consent::Call::anchor_log_batch { root: hash("audit root"), leaves: 16 }),
	)?;

	// The supply chain: two products, a lot of four packs, a shipment on its way.
	let details = |unit_tracked: bool| ProductDetails {
		kind: ProductKind::Vaccine,
		national_code: None,
		temperature: Some(TemperatureRange { min_decidegrees: 20, max_decidegrees: 80 }),
		lookup_url: None,
		unit_tracked,
	};
	call(
		signed(&cast.ferdie),
		RuntimeCall::SupplyChain(pallet_supply_chain::Call::register_product { gtin: GTIN, details: details(false) }),
	)?;
	call(
		signed(&cast.ferdie),
		RuntimeCall::SupplyChain(pallet_supply_chain::Call::register_product {
			gtin: UNIT_GTIN,
			details: details(true),
		}),
	)?;
	let lot: LotNumber = bounded(LOT.to_vec());
	let serials: Vec<H256> =
		(0..LOT_PACKS).map(|pack| serial_hash(&GTIN, format!("S{pack}").as_bytes())).collect();
	let expiry = ExpiryDate { year: 30, month: 12, day: 31 };
	call(
		signed(&cast.ferdie),
		RuntimeCall::SupplyChain(pallet_supply_chain::Call::commission_lot {
			gtin: GTIN,
			lot: lot.clone(),
			expiry,
			quantity: LOT_PACKS,
			serials_root: serials_root(&serials),
			document: hash("batch record"),
		}),
	)?;
	call(
		signed(&cast.ferdie),
		RuntimeCall::SupplyChain(pallet_supply_chain::Call::propose_transfer {
			to: id(&cast.wholesaler),
			items: bounded(vec![Goods::Quantity { gtin: GTIN, lot: lot.clone(), quantity: 2 }]),
			documents: TransactionDocuments {
				information: hash("TI"),
				history: hash("TH"),
				statement: hash("TS"),
			},
			shipping_event: hash("shipping"),
		}),
	)?;

	// Research: a study of Dave's with Alice's contribution, and an attestation of Bob's.
	let genesis = pallet_encrypted_stats::Pallet::<Runtime>::genesis();
	let secret = medchain_crypto::StudySecret::generate(&mut rng);
	let base = medchain_crypto::study_base(&genesis, 0);
	let key = secret.study_key(&base);
	call(
		signed(&cast.dave),
		RuntimeCall::EncryptedStats(pallet_encrypted_stats::Call::open_study {
			question: StudyQuestion {
				question: hash("question"),
				category: RecordCategory::Observation,
				confidentiality: Confidentiality::Normal,
				value_bits: 16,
			},
			key_holders: KeyHolders::Single { holder: cast.eve.clone(), key },
			deadline: now + 5_000,
			min_cohort: 10,
			capacity: 16,
		}),
	)?;
	let submitter = cast.alice.encode();
	let context = medchain_crypto::Context { genesis, scope: 0, submitter: &submitter };
	let (ciphertext, opening) =
		medchain_crypto::encrypt(&base, &key, 42, &mut rng).ok_or("the study key is not a point")?;
	let validity = medchain_crypto::ValidityProof::prove(&context, &base, &key, &ciphertext, &opening, &mut rng)
		.ok_or("no validity proof")?;
	let range = medchain_crypto::RangeProof::prove(&context, &key, &ciphertext, &opening, 16, &mut rng)
		.map_err(|error| format!("range proof: {error}"))?;
	call(
		signed(&cast.alice),
		RuntimeCall::EncryptedStats(pallet_encrypted_stats::Call::contribute {
			id: 0,
			value: EncryptedValue { c: ciphertext.c, d: ciphertext.d },
			validity: validity.0,
			range: bounded(range.0),
		}),
	)?;
	let commitment = medchain_crypto::Commitment::new(120, &mut rng).point();
	call(
		signed(&cast.bob),
		RuntimeCall::EncryptedStats(pallet_encrypted_stats::Call::attest {
			attribute: hash("systolic blood pressure"),
			commitments: bounded(vec![commitment]),
			expires: now + 5_000,
		}),
	)?;
	builder.finish_block();
	if let Some(violation) = builder.violations.first() {
		return Err(format!("the setup block broke an invariant: {violation}"));
	}

	// What fuzzed calls should find: the cast, the ids above, the hashes and points stored.
	for who in cast.all() {
		let bytes: [u8; 32] = who.into();
		dictionary.accounts.push(bytes);
		dictionary.words.push(bytes);
	}
	dictionary.words.extend([
		hash("record 0").0,
		hash("record 2").0,
		hash("audit root").0,
		key,
		commitment,
		ciphertext.c,
		H256::zero().0,
	]);
	dictionary.words.extend(serials.iter().map(|serial| serial.0));
	dictionary.byte_strings.extend([GTIN.to_vec(), UNIT_GTIN.to_vec(), LOT.to_vec(), locator(9).into_inner()]);
	dictionary.byte_strings.extend(glns.iter().map(|gln| gln.to_vec()));
	dictionary.byte_strings.push(gs1::<18>(b"00061414100000001").to_vec());
	let block = u128::from(builder.tip.parent.number);
	dictionary.numbers.extend([0, 1, 2, 3, 4, 5, 16, 64, 65, 1_024, block, block + 1, block + 5_000]);
	dictionary.numbers.extend([u128::from(UNIT), 1_000 * u128::from(UNIT)]);
	Ok(Built { tip: builder.tip, dictionary })
}
