//! Test runtime: System, Balances, Participants, MedicalRecords and Consent, wired as in the
//! medchain runtime (medical records asks this pallet for provider writes; this pallet reads
//! records for the runtime API's decision).

use crate as pallet_consent;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use medchain_primitives::roles::Role;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
		MedicalRecords: pallet_medical_records,
		Consent: pallet_consent,
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
	type BenchmarkHelper = RegisterParticipants;
}

pub const CONSENT_DEPOSIT: u64 = 50;
pub const REQUEST_DEPOSIT: u64 = 60;
pub const POLICY_DEPOSIT: u64 = 30;
pub const ANCHOR_DEPOSIT: u64 = 20;
pub const MAX_CONSENTS: u32 = 4;
pub const MAX_SCOPE_RECORDS: u32 = 3;
pub const MAX_REQUESTS: u32 = 2;
pub const REQUEST_LIFETIME: u64 = 10;
pub const EMERGENCY_DURATION: u64 = 5;
pub const RATE_WINDOW: u64 = 20;
pub const MAX_EMERGENCIES_PER_WINDOW: u32 = 2;
pub const MAX_ACTIVE_EMERGENCIES: u32 = 2;
pub const MAX_DELEGATES: u32 = 2;
pub const MAX_LOG_BATCH: u32 = 3;
pub const ANCHOR_RETENTION: u64 = 100;

impl pallet_consent::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Records = MedicalRecords;
	type ConsentDeposit = ConstU64<CONSENT_DEPOSIT>;
	type RequestDeposit = ConstU64<REQUEST_DEPOSIT>;
	type PolicyDeposit = ConstU64<POLICY_DEPOSIT>;
	type AnchorDeposit = ConstU64<ANCHOR_DEPOSIT>;
	type MaxConsentsPerPatient = ConstU32<MAX_CONSENTS>;
	type MaxScopeRecords = ConstU32<MAX_SCOPE_RECORDS>;
	type MaxPendingRequestsPerPatient = ConstU32<MAX_REQUESTS>;
	type AccessRequestLifetime = ConstU64<REQUEST_LIFETIME>;
	type EmergencyAccessDuration = ConstU64<EMERGENCY_DURATION>;
	type EmergencyRateWindow = ConstU64<RATE_WINDOW>;
	type MaxEmergenciesPerWindow = ConstU32<MAX_EMERGENCIES_PER_WINDOW>;
	type MaxActiveEmergenciesPerPatient = ConstU32<MAX_ACTIVE_EMERGENCIES>;
	type MaxEmergencyDelegates = ConstU32<MAX_DELEGATES>;
	type MaxLogBatch = ConstU32<MAX_LOG_BATCH>;
	type AnchorRetention = ConstU64<ANCHOR_RETENTION>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterParticipants;
}

/// Registers benchmark accounts through the registry's own call.
#[cfg(feature = "runtime-benchmarks")]
pub struct RegisterParticipants;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<u64> for RegisterParticipants {
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
impl pallet_medical_records::BenchmarkHelper<u64> for RegisterParticipants {
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

pub const PATIENT: u64 = 1;
pub const OTHER_PATIENT: u64 = 2;
/// A practitioner.
pub const DOCTOR: u64 = 10;
/// A healthcare organisation (also runs a data vault).
pub const HOSPITAL: u64 = 11;
/// A practitioner and emergency responder.
pub const ER_DOCTOR: u64 = 12;
/// Another emergency responder.
pub const PARAMEDIC: u64 = 13;
/// A researcher.
pub const RESEARCHER: u64 = 14;
/// A privacy officer.
pub const OFFICER: u64 = 15;
/// A privacy officer who is also an emergency responder.
pub const OFFICER_RESPONDER: u64 = 16;
/// A registered manufacturer: registered, but neither provider nor researcher.
pub const MANUFACTURER: u64 = 17;
/// Not registered.
pub const STRANGER: u64 = 30;
/// Cannot pay deposits.
pub const POOR: u64 = 40;
pub const BALANCE: u64 = 10_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [
			PATIENT,
			OTHER_PATIENT,
			DOCTOR,
			HOSPITAL,
			ER_DOCTOR,
			PARAMEDIC,
			RESEARCHER,
			OFFICER,
			OFFICER_RESPONDER,
			MANUFACTURER,
			STRANGER,
		]
		.into_iter()
		.map(|who| (who, BALANCE))
		.chain([(POOR, 10)])
		.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let gln = Some(*b"0614141000005");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(DOCTOR, vec![Role::Practitioner], Default::default(), None, [1; 32]),
			(HOSPITAL, vec![Role::HealthcareOrganization], Default::default(), None, [2; 32]),
			(
				ER_DOCTOR,
				vec![Role::Practitioner, Role::EmergencyResponder],
				Default::default(),
				None,
				[3; 32],
			),
			(PARAMEDIC, vec![Role::EmergencyResponder], Default::default(), None, [4; 32]),
			(RESEARCHER, vec![Role::Researcher], Default::default(), None, [5; 32]),
			(OFFICER, vec![Role::PrivacyOfficer], Default::default(), None, [6; 32]),
			(
				OFFICER_RESPONDER,
				vec![Role::EmergencyResponder, Role::PrivacyOfficer],
				Default::default(),
				None,
				[7; 32],
			),
			(MANUFACTURER, vec![Role::Manufacturer], Default::default(), gln, [8; 32]),
			(POOR, vec![Role::Practitioner, Role::EmergencyResponder], Default::default(), None, [9; 32]),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Consent::do_try_state().expect("invariants hold");
	});
}

/// Moves to block `n`, running `on_idle` with plenty of weight at the end of each block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let now = System::block_number();
		Consent::on_idle(now, Weight::MAX);
		System::set_block_number(now + 1);
	}
}
