//! `Config` of medchain's own pallets.

use crate::{Balances, Participants, Runtime, RuntimeEvent, RuntimeHoldReason};
use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use medchain_primitives::{consent::PatientOnly, currency::deposit, AccountId, Balance};

impl pallet_participants::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Root (sudo on the development chain) until a regulator collective exists.
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type WeightInfo = pallet_participants::weights::SubstrateWeight<Runtime>;
}

/// Longest record locator (URI or content id), in bytes.
pub const MAX_LOCATOR_LEN: u32 = 256;

parameter_types! {
	/// One `Records` entry (key 8 bytes + ~230 bytes of fixed fields) and one index entry.
	pub const RecordDepositBase: Balance = deposit(2, 300);
	/// Each locator byte.
	pub const RecordDepositPerByte: Balance = deposit(0, 1);
}

impl pallet_medical_records::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	/// Until the consent pallet lands, only patients may write their records.
	type Consent = PatientOnly;
	type RecordDepositBase = RecordDepositBase;
	type DepositPerByte = RecordDepositPerByte;
	type MaxLocatorLen = ConstU32<MAX_LOCATOR_LEN>;
	type MaxRecordsPerPatient = ConstU32<10_000>;
	type WeightInfo = pallet_medical_records::weights::SubstrateWeight<Runtime>;
}
