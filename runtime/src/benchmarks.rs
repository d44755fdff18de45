//! The pallets benchmarked in this runtime (`scripts/bench.sh` runs them).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_participants, Participants]
	[pallet_medical_records, MedicalRecords]
);

pub use frame_system_benchmarking::Pallet as SystemBench;
pub use super::{MedicalRecords, Participants, Runtime};
