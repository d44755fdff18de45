//! The runtime APIs: what the node, Polkadot.js apps and off-chain services may ask the runtime.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_aura::Authorities;
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use frame_support::traits::ConstU32;
use medchain_primitives::{
	consent::{
		AccessDecision, AccessQuery, AccessRequest, AuditHead, Consent as ConsentRecord,
		ConsentId, EmergencyAccess, EmergencyId, EmergencyPolicy, RequestId,
	},
	health::{Action, MedicalRecord, PurposeOfUse, RecordId},
	roles::{ParticipantInfo, ParticipantsInspect, Role},
	supply::{
		CaseId, ExpiryDate, Gtin, HistoryHead, ItemId, Lot, LotNumber, Product, SerialProof,
		SuspectCase, Transfer, TransferId, Verification,
	},
};

use super::{
	configs::{
		ConsensusHook, MAX_CASE_ITEMS, MAX_EMERGENCY_DELEGATES, MAX_LOCATOR_LEN, MAX_SCOPE_RECORDS,
		MAX_TRANSFER_ITEMS,
	},
	AccountId, AuraId, Balance, Block, BlockNumber, Consent, Executive, InherentDataExt, MedicalRecords,
	Nonce, ParachainInfo, ParachainSystem, Participants, Runtime, RuntimeCall, SupplyChain,
	RuntimeGenesisConfig, SessionKeys, System, TransactionPayment, SLOT_DURATION, VERSION,
};

/// Most records `patient_records` returns per call.
const MAX_RECORDS_PER_PAGE: u32 = 100;

/// Most consents or requests `patient_consents` and `patient_requests` return per call.
const MAX_CONSENTS_PER_PAGE: u32 = 100;

/// The record type the runtime API returns.
type RecordOf = MedicalRecord<AccountId, Balance, BlockNumber, ConstU32<MAX_LOCATOR_LEN>>;

/// The consent types the runtime API returns.
type ConsentOf = ConsentRecord<AccountId, Balance, BlockNumber, ConstU32<MAX_SCOPE_RECORDS>>;
type AccessRequestOf = AccessRequest<AccountId, Balance, BlockNumber, ConstU32<MAX_SCOPE_RECORDS>>;
type EmergencyPolicyOf = EmergencyPolicy<AccountId, ConstU32<MAX_EMERGENCY_DELEGATES>>;

/// The supply-chain types the runtime API returns.
type TransferOf = Transfer<AccountId, Balance, BlockNumber, ConstU32<MAX_TRANSFER_ITEMS>>;
type SuspectCaseOf = SuspectCase<AccountId, Balance, BlockNumber, ConstU32<MAX_CASE_ITEMS>>;

impl_runtime_apis! {
	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl pallet_participants_runtime_api::ParticipantsApi<Block, AccountId, BlockNumber> for Runtime {
		fn participant(who: AccountId) -> Option<ParticipantInfo<BlockNumber>> {
			Participants::participant(&who)
		}

		fn has_role(who: AccountId, role: Role) -> bool {
			<Participants as ParticipantsInspect<AccountId>>::has_role(&who, role)
		}
	}

	impl pallet_medical_records_runtime_api::MedicalRecordsApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
		ConstU32<MAX_LOCATOR_LEN>,
	> for Runtime {
		fn record(id: RecordId) -> Option<RecordOf> {
			MedicalRecords::record(id)
		}

		fn patient_records(
			patient: AccountId,
			after: Option<RecordId>,
			limit: u32,
		) -> Vec<(RecordId, RecordOf)> {
			// Bound the work of one call; clients page with `after`.
			MedicalRecords::patient_records(&patient, after, limit.min(MAX_RECORDS_PER_PAGE))
		}
	}

	impl pallet_consent_runtime_api::ConsentApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
		ConstU32<MAX_SCOPE_RECORDS>,
		ConstU32<MAX_EMERGENCY_DELEGATES>,
	> for Runtime {
		fn check_access(
			patient: AccountId,
			accessor: AccountId,
			query: AccessQuery,
			action: Action,
			purpose: PurposeOfUse,
		) -> AccessDecision {
			Consent::check_access(&patient, &accessor, query, action, purpose)
		}

		fn consent(id: ConsentId) -> Option<ConsentOf> {
			pallet_consent::Consents::<Runtime>::get(id)
		}

		fn patient_consents(
			patient: AccountId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, ConsentOf)> {
			Consent::patient_consents(&patient, after, limit.min(MAX_CONSENTS_PER_PAGE))
		}

		fn patient_requests(
			patient: AccountId,
			after: Option<RequestId>,
			limit: u32,
		) -> Vec<(RequestId, AccessRequestOf)> {
			Consent::patient_requests(&patient, after, limit.min(MAX_CONSENTS_PER_PAGE))
		}

		fn audit_head(patient: AccountId) -> AuditHead<BlockNumber> {
			pallet_consent::AuditHeads::<Runtime>::get(&patient)
		}

		fn active_emergencies(patient: AccountId) -> Vec<(EmergencyId, EmergencyAccess<AccountId, BlockNumber>)> {
			Consent::active_emergencies(&patient)
		}

		fn emergency_policy(patient: AccountId) -> EmergencyPolicyOf {
			Consent::emergency_policy(&patient)
		}
	}

	impl pallet_supply_chain_runtime_api::SupplyChainApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
		ConstU32<MAX_TRANSFER_ITEMS>,
		ConstU32<MAX_CASE_ITEMS>,
	> for Runtime {
		fn verify_unit(
			gtin: Gtin,
			serial: Vec<u8>,
			lot: LotNumber,
			expiry: ExpiryDate,
			proof: SerialProof,
		) -> Verification {
			SupplyChain::verify_unit(gtin, &serial, &lot, expiry, &proof)
		}

		fn product(gtin: Gtin) -> Option<Product<AccountId, Balance>> {
			pallet_supply_chain::Products::<Runtime>::get(gtin)
		}

		fn lot(gtin: Gtin, lot: LotNumber) -> Option<Lot<AccountId, Balance, BlockNumber>> {
			pallet_supply_chain::Lots::<Runtime>::get(gtin, lot)
		}

		fn lot_holding(gtin: Gtin, lot: LotNumber, holder: AccountId) -> u32 {
			pallet_supply_chain::LotHoldings::<Runtime>::get((gtin, lot), holder)
		}

		fn history_head(item: ItemId) -> Option<HistoryHead> {
			SupplyChain::history_head(&item)
		}

		fn incoming_transfers(
			receiver: AccountId,
			after: Option<TransferId>,
			limit: u32,
		) -> Vec<(TransferId, TransferOf)> {
			SupplyChain::incoming_transfers(&receiver, after, limit)
		}

		fn suspect_case(id: CaseId) -> Option<SuspectCaseOf> {
			pallet_supply_chain::Cases::<Runtime>::get(id)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			use super::configs::RuntimeBlockWeights;
			// try-runtime is an off-chain tool: a failed upgrade check must stop it loudly.
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select).unwrap()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use super::{benchmarks::*, AllPalletsWithSystem};

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, AllPalletsWithSystem::storage_info())
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{BenchmarkBatch, BenchmarkError};
			use frame_support::traits::WhitelistedStorageKeys;
			use super::{benchmarks::*, AllPalletsWithSystem};

			impl frame_system_benchmarking::Config for Runtime {
				fn setup_set_code_requirements(code: &Vec<u8>) -> Result<(), BenchmarkError> {
					ParachainSystem::initialize_for_set_code_benchmark(code.len() as u32);
					Ok(())
				}

				fn verify_set_code() {
					System::assert_last_event(
						cumulus_pallet_parachain_system::Event::<Runtime>::ValidationFunctionStored.into(),
					);
				}
			}

			let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
