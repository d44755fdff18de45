//! Test runtime: System, Balances, Participants, MedicalRecords, Consent (which decides whether a
//! patient lets the researcher use the data for research) and this pallet.

use crate as pallet_encrypted_stats;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use medchain_primitives::roles::Role;
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
		MedicalRecords: pallet_medical_records,
		Consent: pallet_consent,
		EncryptedStats: pallet_encrypted_stats,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_participants::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

impl pallet_medical_records::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Consent = Consent;
	type RecordDepositBase = ConstU64<10>;
	type DepositPerByte = ConstU64<1>;
	type MaxLocatorLen = ConstU32<64>;
	type MaxRecordsPerPatient = ConstU32<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

impl pallet_consent::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Records = MedicalRecords;
	type ConsentDeposit = ConstU64<50>;
	type RequestDeposit = ConstU64<60>;
	type PolicyDeposit = ConstU64<30>;
	type AnchorDeposit = ConstU64<20>;
	type MaxConsentsPerPatient = ConstU32<4>;
	type MaxScopeRecords = ConstU32<3>;
	type MaxPendingRequestsPerPatient = ConstU32<2>;
	type AccessRequestLifetime = ConstU64<10>;
	type EmergencyAccessDuration = ConstU64<5>;
	type EmergencyRateWindow = ConstU64<20>;
	type MaxEmergenciesPerWindow = ConstU32<2>;
	type MaxActiveEmergenciesPerPatient = ConstU32<2>;
	type MaxEmergencyDelegates = ConstU32<2>;
	type MaxLogBatch = ConstU32<3>;
	type AnchorRetention = ConstU64<100>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

pub const STUDY_DEPOSIT_BASE: u64 = 100;
pub const DEPOSIT_PER_CONTRIBUTOR: u64 = 2;
pub const MIN_COHORT_FLOOR: u32 = 3;
pub const MAX_CONTRIBUTORS: u32 = 40;
pub const MAX_TRUSTEES: u32 = 5;
pub const MAX_STUDY_DURATION: u64 = 100;
pub const DECRYPTION_PERIOD: u64 = 20;
pub const ATTESTATION_DEPOSIT: u64 = 5;
pub const MAX_ATTESTATION_BATCH: u32 = 4;
pub const MAX_ATTESTATION_LIFETIME: u64 = 50;
pub const STATEMENT_DEPOSIT: u64 = 7;

impl pallet_encrypted_stats::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Consent = Consent;
	type StudyDepositBase = ConstU64<STUDY_DEPOSIT_BASE>;
	type DepositPerContributor = ConstU64<DEPOSIT_PER_CONTRIBUTOR>;
	type MinCohortFloor = ConstU32<MIN_COHORT_FLOOR>;
	type MaxContributors = ConstU32<MAX_CONTRIBUTORS>;
	type MaxTrustees = ConstU32<MAX_TRUSTEES>;
	type MaxStudyDuration = ConstU64<MAX_STUDY_DURATION>;
	type DecryptionPeriod = ConstU64<DECRYPTION_PERIOD>;
	type AttestationDeposit = ConstU64<ATTESTATION_DEPOSIT>;
	type MaxAttestationBatch = ConstU32<MAX_ATTESTATION_BATCH>;
	type MaxAttestationLifetime = ConstU64<MAX_ATTESTATION_LIFETIME>;
	type StatementDeposit = ConstU64<STATEMENT_DEPOSIT>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSetup;
}

/// Benchmark helpers of the other pallets, so the mock also builds with `runtime-benchmarks`.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSetup;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<u64> for BenchmarkSetup {
	fn register_participant(who: &u64, roles: &[Role]) {
		let registered = Participants::register(
			RuntimeOrigin::root(),
			*who,
			roles.to_vec().try_into().expect("at most one of each role"),
			Default::default(),
			None,
			[0; 32],
			None,
		);
		assert!(registered.is_ok(), "benchmark setup: registration failed");
	}
}
#[cfg(feature = "runtime-benchmarks")]
impl pallet_medical_records::BenchmarkHelper<u64> for BenchmarkSetup {
	fn register_practitioner(who: &u64) {
		<Self as pallet_consent::BenchmarkHelper<u64>>::register_participant(
			who,
			&[Role::Practitioner],
		);
	}

	fn permit(patient: &u64, provider: &u64, action: medchain_primitives::health::Action) {
		use medchain_primitives::{
			consent::Grantee,
			health::{Confidentiality, PurposeOfUse},
		};
		let terms = pallet_consent::ConsentTermsOf::<Test>::permit_all_data(
			Grantee::Account(*provider),
			&[action],
			&[PurposeOfUse::Treatment],
			Confidentiality::VeryRestricted,
		);
		assert!(Consent::grant_consent(RuntimeOrigin::signed(*patient), terms).is_ok());
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_encrypted_stats::BenchmarkHelper<u64> for BenchmarkSetup {
	fn register(who: &u64, role: Role) {
		<Self as pallet_consent::BenchmarkHelper<u64>>::register_participant(who, &[role]);
	}

	fn consent_to_research(patient: &u64, researcher: &u64) {
		use medchain_primitives::{
			consent::Grantee,
			health::{Action, Confidentiality, PurposeOfUse},
		};
		let terms = pallet_consent::ConsentTermsOf::<Test>::permit_all_data(
			Grantee::Account(*researcher),
			&[Action::Use],
			&[PurposeOfUse::Research],
			Confidentiality::VeryRestricted,
		);
		assert!(Consent::grant_consent(RuntimeOrigin::signed(*patient), terms).is_ok());
	}
}

/// A registered researcher.
pub const RESEARCHER: u64 = 14;
/// Another registered researcher.
pub const OTHER_RESEARCHER: u64 = 15;
/// A registered researcher who cannot pay the study deposit.
pub const POOR_RESEARCHER: u64 = 40;
/// A registered practitioner (not a researcher): a provider who may attest values.
pub const DOCTOR: u64 = 10;
/// A registered healthcare organisation (a laboratory): a provider too.
pub const HOSPITAL: u64 = 11;
/// A registered practitioner who can pay the deposits of two attestations, not three.
pub const POOR_DOCTOR: u64 = 12;
/// A verifier of statements, e.g. an insurer (needs no registration).
pub const INSURER: u64 = 50;
/// Another verifier, e.g. a clinical trial (needs no registration).
pub const TRIAL: u64 = 51;
/// A patient who cannot pay a statement deposit.
pub const POOR_PATIENT: u64 = 41;
/// The single key holder (needs no registration).
pub const KEY_HOLDER: u64 = 20;
/// Trustees 1 to 5 (need no registration).
pub const TRUSTEES: [u64; 5] = [21, 22, 23, 24, 25];
/// Not registered, not a trustee, not a key holder.
pub const STRANGER: u64 = 30;
/// The first of the patients `PATIENTS..PATIENTS + 30` (need no registration).
pub const PATIENTS: u64 = 100;
pub const BALANCE: u64 = 10_000;
/// Block 0's hash in the test chain: what the pallet binds proofs to.
pub const GENESIS: [u8; 32] = [7; 32];

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [RESEARCHER, OTHER_RESEARCHER, DOCTOR, HOSPITAL, KEY_HOLDER, STRANGER, INSURER]
			.into_iter()
			.chain(TRUSTEES)
			.chain(PATIENTS..PATIENTS + 30)
			.map(|who| (who, BALANCE))
			.chain([(POOR_RESEARCHER, 10), (POOR_DOCTOR, 12), (POOR_PATIENT, 6)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(DOCTOR, vec![Role::Practitioner], Default::default(), None, [1; 32]),
			(HOSPITAL, vec![Role::HealthcareOrganization], Default::default(), None, [2; 32]),
			(POOR_DOCTOR, vec![Role::Practitioner], Default::default(), None, [3; 32]),
			(RESEARCHER, vec![Role::Researcher], Default::default(), None, [5; 32]),
			(OTHER_RESEARCHER, vec![Role::Researcher], Default::default(), None, [6; 32]),
			(POOR_RESEARCHER, vec![Role::Researcher], Default::default(), None, [9; 32]),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		frame_system::BlockHash::<Test>::insert(0, H256(GENESIS));
		System::set_block_number(1);
	});
	ext
}

/// Runs `test` in a fresh test chain, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		EncryptedStats::do_try_state().expect("invariants hold");
	});
}
