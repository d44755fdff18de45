//! The chain, through subxt: runtime APIs at the latest finalized block, and signed calls.
//!
//! Call arguments and answers are the runtime's own types from `medchain-primitives`, SCALE
//! encoded with `codec`: one definition shared with the pallets, no generated copy to drift.
//! subxt supplies the transport, the transaction extensions and the signing; it finds each
//! call by pallet and call name in the node's metadata.

use codec::{Decode, Encode};
use medchain_primitives::{
	consent::{AccessDecision, AccessQuery},
	health::{Action, PurposeOfUse},
};
use scale_encode::{EncodeAsFields, FieldIter, TypeResolver};
use subxt::{transactions::Payload, OnlineClient, SubstrateConfig};

/// A medchain account id (sr25519 public key).
pub type AccountId = [u8; 32];

/// What went wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node could not be reached or answered an error.
	#[error("the node is unreachable or failed: {0}")]
	Node(String),
	/// The answer did not decode as the expected type: client and runtime disagree.
	#[error("the node's answer did not decode: {0}")]
	Decode(#[from] codec::Error),
	/// The transaction was included but failed.
	#[error("the transaction failed: {0}")]
	Dispatch(String),
}

/// A connection to a medchain node.
pub struct Chain {
	api: OnlineClient<SubstrateConfig>,
}

impl Chain {
	/// Connects to the node at `url` (e.g. `ws://127.0.0.1:9944`).
	pub async fn connect(url: &str) -> Result<Self, ChainError> {
		let api = OnlineClient::<SubstrateConfig>::from_url(url)
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		Ok(Self { api })
	}

	/// Calls runtime API `function` (e.g. `ConsentApi_check_access`) with SCALE `args` at the
	/// latest finalized block, and decodes its answer as `R`.
	pub async fn runtime_call<R: Decode>(
		&self,
		function: &str,
		args: &[u8],
	) -> Result<R, ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		let bytes = at
			.runtime_apis()
			.call_raw(function, Some(args))
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		Ok(R::decode(&mut &bytes[..])?)
	}

	/// The consent pallet's answer to "may `accessor` perform `action` for `purpose` on this
	/// data of `patient`?", at the latest finalized block.
	pub async fn check_access(
		&self,
		patient: &AccountId,
		accessor: &AccountId,
		query: AccessQuery,
		action: Action,
		purpose: PurposeOfUse,
	) -> Result<AccessDecision, ChainError> {
		let args = (patient, accessor, query, action, purpose).encode();
		self.runtime_call("ConsentApi_check_access", &args).await
	}

	/// Signs `call` with `signer`, submits it and waits until it is finalized; an error if it
	/// failed.
	pub async fn submit(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<(), ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		let progress = at
			.transactions()
			.sign_and_submit_then_watch_default(call, signer)
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		progress
			.wait_for_finalized_success()
			.await
			.map_err(|error| ChainError::Dispatch(error.to_string()))?;
		Ok(())
	}
}

/// A call of a medchain pallet: its pallet and call names, and its arguments SCALE encoded from
/// the primitives' types.
#[derive(Clone, Debug)]
pub struct Call {
	pallet: &'static str,
	name: &'static str,
	args: EncodedArgs,
}

impl Call {
	/// `pallet.name(args)`, with `args` the call's arguments as a tuple in their order.
	pub fn new(pallet: &'static str, name: &'static str, args: impl Encode) -> Self {
		Self { pallet, name, args: EncodedArgs(args.encode()) }
	}
}

/// Arguments already SCALE encoded: written as they are.
#[derive(Clone, Debug)]
pub struct EncodedArgs(Vec<u8>);

impl EncodeAsFields for EncodedArgs {
	fn encode_as_fields_to<R: TypeResolver>(
		&self,
		_fields: &mut dyn FieldIter<'_, R::TypeId>,
		_types: &R,
		out: &mut Vec<u8>,
	) -> Result<(), scale_encode::Error> {
		out.extend_from_slice(&self.0);
		Ok(())
	}
}

impl Payload for Call {
	type CallData = EncodedArgs;

	fn pallet_name(&self) -> &str {
		self.pallet
	}

	fn call_name(&self) -> &str {
		self.name
	}

	fn call_data(&self) -> &EncodedArgs {
		&self.args
	}
}
