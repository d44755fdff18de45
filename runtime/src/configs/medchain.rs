//! `Config` of medchain's own pallets, and the parameters governance may change without a
//! runtime upgrade.

use crate::{
	Balances, Consent, MedicalRecords, Participants, Runtime, RuntimeEvent, RuntimeHoldReason,
	Timestamp,
};
use frame_support::{
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32},
};
use frame_system::EnsureRoot;
use medchain_primitives::{
	currency::deposit,
	time::{DAYS, HOURS},
	AccountId, Balance, BlockNumber,
};

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
	/// Providers write with the patient's consent.
	type Consent = Consent;
	type RecordDepositBase = RecordDepositBase;
	type DepositPerByte = RecordDepositPerByte;
	type MaxLocatorLen = ConstU32<MAX_LOCATOR_LEN>;
	type MaxRecordsPerPatient = ConstU32<10_000>;
	type WeightInfo = pallet_medical_records::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterParticipants;
}

/// Most records a consent or access request may list.
pub const MAX_SCOPE_RECORDS: u32 = 32;
/// Most delegates an emergency policy may name.
pub const MAX_EMERGENCY_DELEGATES: u32 = 8;

parameter_types! {
	/// One `Consents` entry (at most ~560 bytes with 32 listed records) and one index entry.
	pub const ConsentDeposit: Balance = deposit(2, 600);
	/// A request becomes a consent on approval, so it holds the same.
	pub const RequestDeposit: Balance = deposit(2, 600);
	/// One policy entry with up to 8 delegates.
	pub const PolicyDeposit: Balance = deposit(1, 300);
	/// One anchor entry.
	pub const AnchorDeposit: Balance = deposit(1, 100);
	/// Unanswered requests lapse after a week.
	pub const AccessRequestLifetime: BlockNumber = 7 * DAYS;
	/// Emergency accesses are counted per provider and day.
	pub const EmergencyRateWindow: BlockNumber = DAYS;
	/// Audit records are kept six years (HIPAA 164.316(b)(2)); 365-day years.
	pub const AnchorRetention: BlockNumber = 6 * 365 * DAYS;
}

/// Parameters that governance (Root) changes with `parameters.set_parameter`, without a runtime
/// upgrade. Each is a `Get` the pallets read like a constant.
#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// The consent pallet's parameters.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod consent {
		/// Blocks an emergency ("break-glass") access lasts: 4 hours by default.
		#[codec(index = 0)]
		pub static EmergencyAccessDuration: BlockNumber = 4 * HOURS;
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Consent(dynamic_params::consent::Parameters::EmergencyAccessDuration(
			dynamic_params::consent::EmergencyAccessDuration,
			Some(4 * HOURS),
		))
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<EnsureRoot<AccountId>>;
	type WeightInfo = crate::weights::pallet_parameters::WeightInfo<Runtime>;
}

impl pallet_consent::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	type Records = MedicalRecords;
	type ConsentDeposit = ConsentDeposit;
	type RequestDeposit = RequestDeposit;
	type PolicyDeposit = PolicyDeposit;
	type AnchorDeposit = AnchorDeposit;
	type MaxConsentsPerPatient = ConstU32<64>;
	type MaxScopeRecords = ConstU32<MAX_SCOPE_RECORDS>;
	type MaxPendingRequestsPerPatient = ConstU32<16>;
	type AccessRequestLifetime = AccessRequestLifetime;
	type EmergencyAccessDuration = dynamic_params::consent::EmergencyAccessDuration;
	type EmergencyRateWindow = EmergencyRateWindow;
	type MaxEmergenciesPerWindow = ConstU32<10>;
	type MaxActiveEmergenciesPerPatient = ConstU32<4>;
	type MaxEmergencyDelegates = ConstU32<MAX_EMERGENCY_DELEGATES>;
	type MaxLogBatch = ConstU32<64>;
	type AnchorRetention = AnchorRetention;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterParticipants;
}

/// Most entries in a logistic unit, and in a transfer.
pub const MAX_CONTAINER_CONTENTS: u32 = 64;
pub const MAX_TRANSFER_ITEMS: u32 = 64;
/// Most items in a suspect-product case.
pub const MAX_CASE_ITEMS: u32 = 32;

parameter_types! {
	// Sizes are the entries' largest encodings with their keys, as the benchmarks report them.
	/// One `Products` entry (315 bytes with a 200-byte lookup URL).
	pub const ProductDeposit: Balance = deposit(1, 320);
	/// One `Lots` entry (276 bytes) and one `LotHoldings` entry (103 bytes).
	pub const LotDeposit: Balance = deposit(2, 380);
	/// One `Units` entry (370 bytes): a unit-tracked pack or an exception.
	pub const UnitDeposit: Balance = deposit(1, 370);
	/// One `Containers` entry with up to 64 goods (3,263 bytes).
	pub const ContainerDeposit: Balance = deposit(1, 3_270);
	/// One `Transfers` entry with up to 64 items (3,238 bytes) and its index entry (64 bytes).
	pub const TransferDeposit: Balance = deposit(2, 3_310);
	/// One `Cases` entry with up to 32 items (1,646 bytes).
	pub const CaseDeposit: Balance = deposit(1, 1_650);
	/// EU FMD: a decommissioning may be reversed within 10 days.
	pub const ReactivationWindow: BlockNumber = 10 * DAYS;
	/// DSCSA: notify the regulator within 24 hours of determining a product illegitimate.
	pub const NotificationDeadline: BlockNumber = 24 * HOURS;
}

impl pallet_supply_chain::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	/// Expiry dates are compared with the block's timestamp.
	type UnixTime = Timestamp;
	type ProductDeposit = ProductDeposit;
	type LotDeposit = LotDeposit;
	type UnitDeposit = UnitDeposit;
	type ContainerDeposit = ContainerDeposit;
	type TransferDeposit = TransferDeposit;
	type CaseDeposit = CaseDeposit;
	type MaxCommissionBatch = ConstU32<200>;
	type MaxEventItems = ConstU32<64>;
	type MaxContainerContents = ConstU32<MAX_CONTAINER_CONTENTS>;
	type MaxTransferItems = ConstU32<MAX_TRANSFER_ITEMS>;
	type MaxPendingTransfersPerSender = ConstU32<256>;
	type MaxLotsPerRecall = ConstU32<32>;
	type MaxCaseItems = ConstU32<MAX_CASE_ITEMS>;
	type ReactivationWindow = ReactivationWindow;
	type NotificationDeadline = NotificationDeadline;
	type WeightInfo = pallet_supply_chain::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterParticipants;
}

/// Most trustees who may share a study's key.
pub const MAX_TRUSTEES: u32 = 16;

parameter_types! {
	// Sizes are the entries' largest encodings with their keys.
	/// One `Studies` entry (1,222 bytes with 16 trustees) and up to 16 decryption shares (60
	/// bytes each with their keys).
	pub const StudyDepositBase: Balance = deposit(1 + MAX_TRUSTEES, 1_250 + MAX_TRUSTEES * 60);
	/// One `Contributors` entry (64 bytes with its key) per contribution a study has room for.
	pub const DepositPerContributor: Balance = deposit(1, 80);
	/// Studies take contributions for at most half a year...
	pub const MaxStudyDuration: BlockNumber = 182 * DAYS;
	/// ...and wait a month after their deadline for their key holders.
	pub const DecryptionPeriod: BlockNumber = 30 * DAYS;
	/// One `Attestations` entry (133 bytes with its key).
	pub const AttestationDeposit: Balance = deposit(1, 150);
	/// Attested commitments are usable for at most a year.
	pub const MaxAttestationLifetime: BlockNumber = 365 * DAYS;
	/// One `Statements` entry (266 bytes with its keys).
	pub const StatementDeposit: Balance = deposit(1, 270);
}

impl pallet_encrypted_stats::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Participants = Participants;
	/// Contributors need a consent permitting the researcher's research use.
	type Consent = Consent;
	type StudyDepositBase = StudyDepositBase;
	type DepositPerContributor = DepositPerContributor;
	/// Totals over fewer than 10 contributions are never decrypted.
	type MinCohortFloor = ConstU32<10>;
	/// Removing a study clears its index in one call: 1,024 entries stay well within a block.
	type MaxContributors = ConstU32<1_024>;
	type MaxTrustees = ConstU32<MAX_TRUSTEES>;
	type MaxStudyDuration = MaxStudyDuration;
	type DecryptionPeriod = DecryptionPeriod;
	type AttestationDeposit = AttestationDeposit;
	type MaxAttestationBatch = ConstU32<64>;
	type MaxAttestationLifetime = MaxAttestationLifetime;
	type StatementDeposit = StatementDeposit;
	type WeightInfo = pallet_encrypted_stats::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterParticipants;
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_encrypted_stats::BenchmarkHelper<AccountId> for RegisterParticipants {
	fn register(who: &AccountId, role: medchain_primitives::roles::Role) {
		RegisterParticipants::register(who, &[role], None);
	}

	fn consent_to_research(patient: &AccountId, researcher: &AccountId) {
		use medchain_primitives::{
			consent::Grantee,
			health::{Action, Confidentiality, PurposeOfUse},
		};
		let terms = pallet_consent::ConsentTermsOf::<Runtime>::permit_all_data(
			Grantee::Account(researcher.clone()),
			&[Action::Use],
			&[PurposeOfUse::Research],
			Confidentiality::VeryRestricted,
		);
		let _ = Consent::grant_consent(crate::RuntimeOrigin::signed(patient.clone()), terms);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_supply_chain::BenchmarkHelper<AccountId> for RegisterParticipants {
	fn register_partner(
		who: &AccountId,
		roles: &[medchain_primitives::roles::Role],
		gln: medchain_primitives::roles::Gln,
	) {
		RegisterParticipants::register(who, roles, Some(gln));
	}

	fn set_time(millis: u64) {
		pallet_timestamp::Now::<Runtime>::put(millis);
	}
}

/// Sets up the benchmarks' participants and consents through the pallets' own calls.
#[cfg(feature = "runtime-benchmarks")]
pub struct RegisterParticipants;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_medical_records::BenchmarkHelper<AccountId> for RegisterParticipants {
	fn register_practitioner(who: &AccountId) {
		<Self as pallet_consent::BenchmarkHelper<AccountId>>::register_participant(
			who,
			&[medchain_primitives::roles::Role::Practitioner],
		);
	}

	fn permit(
		patient: &AccountId,
		provider: &AccountId,
		action: medchain_primitives::health::Action,
	) {
		use medchain_primitives::{
			consent::Grantee,
			health::{Confidentiality, PurposeOfUse},
		};
		let terms = pallet_consent::ConsentTermsOf::<Runtime>::permit_all_data(
			Grantee::Account(provider.clone()),
			&[action],
			&[PurposeOfUse::Treatment],
			Confidentiality::VeryRestricted,
		);
		let _ = Consent::grant_consent(crate::RuntimeOrigin::signed(patient.clone()), terms);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<AccountId> for RegisterParticipants {
	fn register_participant(who: &AccountId, roles: &[medchain_primitives::roles::Role]) {
		RegisterParticipants::register(who, roles, None);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl RegisterParticipants {
	/// Registers `who` through the registry's own call, as governance would.
	fn register(
		who: &AccountId,
		roles: &[medchain_primitives::roles::Role],
		gln: Option<medchain_primitives::roles::Gln>,
	) {
		let roles = sp_runtime::BoundedVec::truncate_from(roles.to_vec());
		let _ = Participants::register(
			crate::RuntimeOrigin::root(),
			who.clone().into(),
			roles,
			Default::default(),
			gln,
			[0; 32],
			None,
		);
	}
}
