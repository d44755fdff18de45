//! Test runtime: System, Balances, Participants and MedicalRecords, with a consent decision the
//! tests control.

use crate as pallet_medical_records;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use medchain_primitives::{
	consent::{AccessDecision, AccessTarget, ConsentDecider, DenyReason, PermitBasis},
	health::{Action, PurposeOfUse},
	roles::Role,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
		MedicalRecords: pallet_medical_records,
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

parameter_types! {
	/// (patient, provider, action) triples the test consent permits.
	pub static Permits: Vec<(u64, u64, Action)> = vec![];
	/// Every decision asked for, to check what medical records asks.
	pub static Asked: Vec<(u64, u64, AccessTarget<u64>, Action, PurposeOfUse)> = vec![];
}

/// A consent decision driven by [`Permits`].
pub struct TestConsent;
impl ConsentDecider<u64, u64> for TestConsent {
	fn decide(
		patient: &u64,
		accessor: &u64,
		target: AccessTarget<u64>,
		action: Action,
		purpose: PurposeOfUse,
	) -> AccessDecision {
		Asked::mutate(|asked| asked.push((*patient, *accessor, target, action, purpose)));
		if Permits::get().contains(&(*patient, *accessor, action)) {
			AccessDecision::Permit(PermitBasis::Consent(1))
		} else {
			AccessDecision::Deny(DenyReason::NoMatchingConsent)
		}
	}

	fn decide_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

pub const DEPOSIT_BASE: u64 = 100;
pub const PER_BYTE: u64 = 2;
pub const MAX_LOCATOR: u32 = 64;
pub const MAX_RECORDS: u32 = 3;

impl pallet_medical_records::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Consent = TestConsent;
	type RecordDepositBase = frame_support::traits::ConstU64<DEPOSIT_BASE>;
	type DepositPerByte = frame_support::traits::ConstU64<PER_BYTE>;
	type MaxLocatorLen = ConstU32<MAX_LOCATOR>;
	type MaxRecordsPerPatient = ConstU32<MAX_RECORDS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

/// Registers practitioners through the registry's call and permits through [`Permits`].
#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_medical_records::BenchmarkHelper<u64> for TestBenchmarkHelper {
	fn register_practitioner(who: &u64) {
		let registered = Participants::register(
			RuntimeOrigin::root(),
			*who,
			vec![Role::Practitioner].try_into().expect("one role"),
			Default::default(),
			None,
			[0; 32],
			None,
		);
		assert!(registered.is_ok(), "benchmark setup: registration failed");
	}

	fn permit(patient: &u64, provider: &u64, action: Action) {
		Permits::mutate(|permits| permits.push((*patient, *provider, action)));
	}
}

pub const PATIENT: u64 = 1;
pub const OTHER_PATIENT: u64 = 2;
pub const DOCTOR: u64 = 10;
pub const VAULT: u64 = 20;
pub const NEW_VAULT: u64 = 21;
pub const STRANGER: u64 = 30;
pub const POOR: u64 = 40;
pub const BALANCE: u64 = 10_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [PATIENT, OTHER_PATIENT, DOCTOR, VAULT, NEW_VAULT, STRANGER]
			.into_iter()
			.map(|who| (who, BALANCE))
			.chain([(POOR, 10)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![(DOCTOR, vec![Role::Practitioner], Default::default(), None, [1; 32])],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Permits::take();
		Asked::take();
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		MedicalRecords::do_try_state().expect("invariants hold");
	});
}
