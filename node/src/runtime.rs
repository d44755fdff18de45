//! Which kind of runtime the node serves.
//!
//! The omni-node library's default resolver finds out by building the chain's genesis state and
//! reading its metadata in a throw-away WASM executor: a compilation of the runtime and a genesis
//! build on every start, before the node builds the genesis state again for its own client. This
//! node serves only the medchain runtime, whose block number and Aura key types are fixed at
//! compile time (checked below), so it answers without running anything.

use polkadot_omni_node_lib::runtime::{
	AuraConsensusId, BlockNumber, Consensus, Runtime, RuntimeResolver,
};
use sc_chain_spec::ChainSpec;

/// The medchain runtime: `u32` block numbers, Aura with sr25519 authorities.
pub struct MedchainRuntimeResolver;

impl RuntimeResolver for MedchainRuntimeResolver {
	fn runtime(&self, _chain_spec: &dyn ChainSpec) -> sc_cli::Result<Runtime> {
		Ok(Runtime::Omni(BlockNumber::U32, Consensus::Aura(AuraConsensusId::Sr25519)))
	}
}

// The resolver's answer, proven against the runtime's own types: this fails to compile if the
// runtime changes its block number or its Aura authority key.
const _: fn(frame_system::pallet_prelude::BlockNumberFor<medchain_runtime::Runtime>) -> u32 =
	|number| number;
const _: fn(
	<medchain_runtime::Runtime as pallet_aura::Config>::AuthorityId,
) -> sp_consensus_aura::sr25519::AuthorityId = |id| id;
