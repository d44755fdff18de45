//! The upgrade checks of try-runtime on the fuzzer's setup state (an entry of every kind in
//! every medchain pallet): `on_runtime_upgrade` with its pre- and post-upgrade checks and every
//! pallet's `try_state`, run twice, since a migration must be a no-op on an already migrated state.

use frame_support::traits::{GetStorageVersion, TryState, TryStateSelect};
use frame_try_runtime::UpgradeCheckSelect;
use medchain_fuzz::Harness;
use medchain_runtime::{
	AllPalletsWithSystem, BlockNumber, Consent, EncryptedStats, Executive, MedicalRecords, Participants, Runtime,
	SupplyChain,
};
use sp_state_machine::BasicExternalities;

fn setup_state() -> BasicExternalities {
	let harness = Harness::new().expect("the setup state builds");
	BasicExternalities::new(harness.state().clone())
}

#[test]
fn setup_state_holds_an_entry_of_every_kind() {
	setup_state().execute_with(|| {
		use medchain_primitives::health::RecordStatus;
		let statuses: Vec<RecordStatus> =
			pallet_medical_records::Records::<Runtime>::iter_values().map(|record| record.status).collect();
		for status in [RecordStatus::Current, RecordStatus::Superseded, RecordStatus::Erased] {
			assert!(statuses.contains(&status), "no record is {status:?}");
		}
		assert_eq!(pallet_medical_records::PendingCustody::<Runtime>::iter().count(), 1);
		assert!(pallet_participants::Participants::<Runtime>::iter().count() >= 11);
		assert_eq!(pallet_consent::Consents::<Runtime>::iter().count(), 4);
		assert_eq!(pallet_consent::Requests::<Runtime>::iter().count(), 1);
		assert_eq!(pallet_consent::Emergencies::<Runtime>::iter().count(), 1);
		assert_eq!(pallet_supply_chain::Products::<Runtime>::iter().count(), 2);
		assert_eq!(pallet_supply_chain::Lots::<Runtime>::iter().count(), 1);
		assert_eq!(pallet_supply_chain::Transfers::<Runtime>::iter().count(), 1);
		let study = pallet_encrypted_stats::Studies::<Runtime>::get(0).expect("study 0 is open");
		assert_eq!(study.contributions, 1);
		assert_eq!(pallet_encrypted_stats::Attestations::<Runtime>::iter().count(), 1);
	});
}

#[test]
fn runtime_upgrade_checks_pass_and_are_idempotent() {
	setup_state().execute_with(|| {
		let number: BlockNumber = frame_system::Pallet::<Runtime>::block_number();
		for round in 1..=2 {
			if let Err(error) = Executive::try_runtime_upgrade(UpgradeCheckSelect::All) {
				panic!("upgrade round {round} failed its checks: {error:?}");
			}
			if let Err(error) =
				<AllPalletsWithSystem as TryState<BlockNumber>>::try_state(number, TryStateSelect::All)
			{
				panic!("try_state after upgrade round {round}: {error:?}");
			}
		}
	});
}

#[test]
fn every_medchain_pallet_stores_the_version_its_code_has() {
	setup_state().execute_with(|| {
		Executive::try_runtime_upgrade(UpgradeCheckSelect::PreAndPost).expect("the upgrade checks pass");
		let versions = [
			("Participants", Participants::on_chain_storage_version(), Participants::in_code_storage_version()),
			("MedicalRecords", MedicalRecords::on_chain_storage_version(), MedicalRecords::in_code_storage_version()),
			("Consent", Consent::on_chain_storage_version(), Consent::in_code_storage_version()),
			("SupplyChain", SupplyChain::on_chain_storage_version(), SupplyChain::in_code_storage_version()),
			("EncryptedStats", EncryptedStats::on_chain_storage_version(), EncryptedStats::in_code_storage_version()),
		];
		for (pallet, on_chain, in_code) in versions {
			assert_eq!(on_chain, in_code, "{pallet}: stored version {on_chain:?}, code {in_code:?}: add its migration");
		}
	});
}
