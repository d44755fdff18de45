//! The pallets benchmarked in this runtime (`scripts/bench.sh` runs them).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_participants, Participants]
	[pallet_medical_records, MedicalRecords]
	[pallet_consent, Consent]
	[pallet_supply_chain, SupplyChain]
	[pallet_encrypted_stats, EncryptedStats]
	[pallet_parameters, Parameters]
);

pub use frame_system_benchmarking::Pallet as SystemBench;
pub use super::{
	Consent, EncryptedStats, MedicalRecords, Parameters, Participants, Runtime, SupplyChain,
};
