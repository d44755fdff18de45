//! A minimal runtime for the pallet's tests: System and Participants, Root as governance.

use crate as pallet_participants;
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Participants: pallet_participants,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_participants::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

/// Accounts of the tests.
pub const HOSPITAL: u64 = 1;
pub const PHARMACY: u64 = 2;
pub const OUTSIDER: u64 = 9;

/// A valid GLN (GS1's example).
pub const GLN: [u8; 13] = *b"0614141000005";

/// State with a hospital registered at genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![(
			HOSPITAL,
			vec![crate::Role::HealthcareOrganization],
			sp_core::H256::repeat_byte(1),
			None,
			[7u8; 32],
		)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` and then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Participants::do_try_state().expect("invariants hold");
	});
}
