//! Test runtime: System, Balances, Participants and SupplyChain, with a settable wall clock.

use crate as pallet_supply_chain;
use core::cell::Cell;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, UnixTime},
};
use medchain_primitives::{
	roles::{Gln, Role},
	supply::{serial_hash, serial_proof, serials_root, Gtin, LotNumber, PackRef, SerialHash},
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
		SupplyChain: pallet_supply_chain,
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

thread_local! {
	static NOW_MILLIS: Cell<u64> = const { Cell::new(0) };
}

/// The wall clock the pallet reads; tests set it with [`set_today`].
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(NOW_MILLIS.with(Cell::get))
	}
}

/// Sets the wall clock to the start of day `day` (days since 1970-01-01).
pub fn set_today(day: u32) {
	NOW_MILLIS.with(|now| now.set(u64::from(day) * 86_400_000));
}

pub const PRODUCT_DEPOSIT: u64 = 40;
pub const LOT_DEPOSIT: u64 = 30;
pub const UNIT_DEPOSIT: u64 = 3;
pub const CONTAINER_DEPOSIT: u64 = 10;
pub const TRANSFER_DEPOSIT: u64 = 20;
pub const CASE_DEPOSIT: u64 = 25;
pub const MAX_COMMISSION_BATCH: u32 = 8;
pub const MAX_EVENT_ITEMS: u32 = 4;
pub const MAX_CONTAINER_CONTENTS: u32 = 4;
pub const MAX_TRANSFER_ITEMS: u32 = 4;
pub const MAX_PENDING_TRANSFERS: u32 = 2;
pub const MAX_LOTS_PER_RECALL: u32 = 3;
pub const MAX_CASE_ITEMS: u32 = 3;
pub const REACTIVATION_WINDOW: u64 = 100;
pub const NOTIFICATION_DEADLINE: u64 = 24;

impl pallet_supply_chain::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type UnixTime = MockTime;
	type ProductDeposit = ConstU64<PRODUCT_DEPOSIT>;
	type LotDeposit = ConstU64<LOT_DEPOSIT>;
	type UnitDeposit = ConstU64<UNIT_DEPOSIT>;
	type ContainerDeposit = ConstU64<CONTAINER_DEPOSIT>;
	type TransferDeposit = ConstU64<TRANSFER_DEPOSIT>;
	type CaseDeposit = ConstU64<CASE_DEPOSIT>;
	type MaxCommissionBatch = ConstU32<MAX_COMMISSION_BATCH>;
	type MaxEventItems = ConstU32<MAX_EVENT_ITEMS>;
	type MaxContainerContents = ConstU32<MAX_CONTAINER_CONTENTS>;
	type MaxTransferItems = ConstU32<MAX_TRANSFER_ITEMS>;
	type MaxPendingTransfersPerSender = ConstU32<MAX_PENDING_TRANSFERS>;
	type MaxLotsPerRecall = ConstU32<MAX_LOTS_PER_RECALL>;
	type MaxCaseItems = ConstU32<MAX_CASE_ITEMS>;
	type ReactivationWindow = ConstU64<REACTIVATION_WINDOW>;
	type NotificationDeadline = ConstU64<NOTIFICATION_DEADLINE>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterPartners;
}

/// Registers benchmark accounts through the registry's own call.
#[cfg(feature = "runtime-benchmarks")]
pub struct RegisterPartners;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_supply_chain::BenchmarkHelper<u64> for RegisterPartners {
	fn register_partner(who: &u64, roles: &[Role], gln: Gln) {
		let registered = Participants::register(
			RuntimeOrigin::root(),
			*who,
			roles.to_vec().try_into().expect("at most one of each role"),
			Default::default(),
			Some(gln),
			[0; 32],
			None,
		);
		assert!(registered.is_ok(), "benchmark setup: registration failed");
	}

	fn set_time(millis: u64) {
		NOW_MILLIS.with(|now| now.set(millis));
	}
}

/// A manufacturer.
pub const MAKER: u64 = 1;
/// Another manufacturer (product ownership transfers).
pub const OTHER_MAKER: u64 = 2;
/// A wholesale distributor.
pub const WHOLESALER: u64 = 3;
/// A dispenser (pharmacy).
pub const PHARMACY: u64 = 4;
/// Another dispenser, at other premises.
pub const OTHER_PHARMACY: u64 = 5;
/// A third-party logistics provider.
pub const LOGISTICS: u64 = 6;
/// A regulator.
pub const REGULATOR: u64 = 7;
/// A registered practitioner: registered, but not a trading partner.
pub const DOCTOR: u64 = 8;
/// Not registered.
pub const STRANGER: u64 = 30;
/// A manufacturer that cannot pay deposits.
pub const POOR_MAKER: u64 = 40;
pub const BALANCE: u64 = 10_000;

pub const MAKER_GLN: Gln = *b"0614141000005";
pub const WHOLESALER_GLN: Gln = *b"0614141000012";
pub const PHARMACY_GLN: Gln = *b"0614141000029";
pub const OTHER_PHARMACY_GLN: Gln = *b"0614141000036";
pub const LOGISTICS_GLN: Gln = *b"0614141000043";
pub const REGULATOR_GLN: Gln = *b"0614141000050";
pub const OTHER_MAKER_GLN: Gln = *b"0614141000067";
pub const POOR_GLN: Gln = *b"0614141000074";

/// A valid GTIN-14 (GS1's example).
pub const GTIN: Gtin = *b"00012345600012";
/// Another valid GTIN-14.
pub const OTHER_GTIN: Gtin = *b"09506000134352";
/// A valid SSCC (GS1's example).
pub const SSCC: [u8; 18] = *b"106141411234567897";
/// Another valid SSCC.
pub const OTHER_SSCC: [u8; 18] = *b"006141411234567890";

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [
			MAKER,
			OTHER_MAKER,
			WHOLESALER,
			PHARMACY,
			OTHER_PHARMACY,
			LOGISTICS,
			REGULATOR,
			DOCTOR,
			STRANGER,
		]
		.into_iter()
		.map(|who| (who, BALANCE))
		.chain([(POOR_MAKER, 10)])
		.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let partner = |who, roles: &[Role], gln: Gln, key: u8| {
		(who, roles.to_vec(), Default::default(), Some(gln), [key; 32])
	};
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			partner(MAKER, &[Role::Manufacturer], MAKER_GLN, 1),
			partner(OTHER_MAKER, &[Role::Manufacturer], OTHER_MAKER_GLN, 2),
			partner(WHOLESALER, &[Role::WholesaleDistributor], WHOLESALER_GLN, 3),
			partner(PHARMACY, &[Role::Dispenser], PHARMACY_GLN, 4),
			partner(OTHER_PHARMACY, &[Role::Dispenser], OTHER_PHARMACY_GLN, 5),
			partner(LOGISTICS, &[Role::ThirdPartyLogistics], LOGISTICS_GLN, 6),
			partner(REGULATOR, &[Role::Regulator], REGULATOR_GLN, 7),
			(DOCTOR, vec![Role::Practitioner], Default::default(), None, [8; 32]),
			partner(POOR_MAKER, &[Role::Manufacturer], POOR_GLN, 9),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		// 2026-01-01.
		set_today(20_454);
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		SupplyChain::do_try_state().expect("invariants hold");
	});
}

/// A lot number.
pub fn lot(text: &str) -> LotNumber {
	text.as_bytes().to_vec().try_into().expect("short lot number")
}

/// The serials of a lot: `SN0000`, `SN0001`, ...
pub fn serials(count: u32) -> Vec<Vec<u8>> {
	(0..count).map(|i| format!("SN{i:04}").into_bytes()).collect()
}

/// The serial hashes of `serials(count)` for `gtin`.
pub fn leaves(gtin: &Gtin, count: u32) -> Vec<SerialHash> {
	serials(count).iter().map(|s| serial_hash(gtin, s)).collect()
}

/// The serial root of `serials(count)` for `gtin`.
pub fn root(gtin: &Gtin, count: u32) -> sp_core::H256 {
	serials_root(&leaves(gtin, count))
}

/// The pack `index` of a lot of `count` packs, with its proof.
pub fn pack_ref(gtin: &Gtin, lot_number: &str, count: u32, index: u32) -> PackRef {
	let leaves = leaves(gtin, count);
	PackRef {
		gtin: *gtin,
		lot: lot(lot_number),
		serial: leaves[index as usize],
		proof: serial_proof(&leaves, index).expect("index within the lot"),
	}
}
