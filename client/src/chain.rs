//! The chain, through subxt: runtime APIs at the latest finalized block, and signed calls.
//!
//! Call arguments and answers are the runtime's own types from `medchain-primitives`, SCALE
//! encoded with `codec`: one definition shared with the pallets, no generated copy to drift.
//! subxt supplies the transport, the transaction extensions and the signing; it finds each
//! call by pallet and call name in the node's metadata.

use codec::{Decode, Encode};
use medchain_primitives::{
	consent::{AccessDecision, AccessLogEntry, AccessQuery},
	health::{Action, MedicalRecord, PurposeOfUse, RecordId},
};
use scale_encode::{EncodeAsFields, FieldIter, TypeResolver};
use subxt::{
	client::OnlineClientAtBlockImpl,
	transactions::{Payload, TransactionProgress},
	OnlineClient, SubstrateConfig,
};

/// A medchain account id (sr25519 public key).
pub type AccountId = [u8; 32];

/// The runtime's block number.
pub type BlockNumber = u32;

/// The runtime's balance (smallest units of the native token).
pub type Balance = u128;

/// The runtime's `MaxLocatorLen` (`MAX_LOCATOR_LEN` in `runtime/src/configs/medchain.rs`).
pub const MAX_LOCATOR_LEN: u32 = 256;

/// The runtime's `MaxLogBatch` of the consent pallet: the most entries one
/// [`Chain::log_access`] takes.
pub const MAX_LOG_BATCH: usize = 64;

/// A medical record as the runtime keeps it, with the runtime's concrete types.
pub type Record =
	MedicalRecord<AccountId, Balance, BlockNumber, sp_core::ConstU32<MAX_LOCATOR_LEN>>;

/// One entry of a patient's access log, with the runtime's account type.
pub type LogEntry = AccessLogEntry<AccountId>;

/// An account passed to a call through the runtime's `Lookup` (frame_system's
/// `AccountIdLookup`, whose source is `MultiAddress<AccountId, ()>`): encoded as
/// `MultiAddress::Id(account)`, the variant index 0 then the 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address(pub AccountId);

impl Encode for Address {
	fn size_hint(&self) -> usize {
		33
	}

	fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
		dest.push_byte(0);
		dest.write(&self.0);
	}
}

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

	/// The number of the latest finalized block.
	pub async fn finalized_number(&self) -> Result<u64, ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		Ok(at.block_number())
	}

	/// The record `id` (`MedicalRecordsApi::record`) at the latest finalized block, if it
	/// exists.
	pub async fn record(&self, id: RecordId) -> Result<Option<Record>, ChainError> {
		self.runtime_call("MedicalRecordsApi_record", &(id,).encode()).await
	}

	/// The call `Consent.log_access(patient, entries)`: appends `entries`, in order, to
	/// `patient`'s access log. Its signer must be a registered provider (the participants
	/// registry's `HealthcareOrganization` or `Practitioner` role), or it fails with
	/// `NotLogger`. An error here if `entries` is empty or longer than [`MAX_LOG_BATCH`]: the
	/// runtime would refuse it.
	pub fn log_access_call(patient: &AccountId, entries: &[LogEntry]) -> Result<Call, ChainError> {
		if entries.is_empty() || entries.len() > MAX_LOG_BATCH {
			return Err(ChainError::Dispatch(format!(
				"an access log batch holds 1 to {MAX_LOG_BATCH} entries, not {}",
				entries.len()
			)));
		}
		Ok(Call::new("Consent", "log_access", (Address(*patient), entries)))
	}

	/// Appends `entries` to `patient`'s access log, signed by `signer` (see
	/// [`Self::log_access_call`]), and waits until that is finalized.
	pub async fn log_access(
		&self,
		patient: &AccountId,
		entries: &[LogEntry],
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<(), ChainError> {
		self.submit(&Self::log_access_call(patient, entries)?, signer).await
	}

	/// Signs `call` with `signer`, submits it and waits until it is finalized; an error if it
	/// failed.
	pub async fn submit(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<(), ChainError> {
		self.submit_watched(call, signer).await?.finalized().await
	}

	/// Signs `call` with `signer` and submits it; returns once the node accepted it into its
	/// pool, with a handle to wait for its outcome. The signer's nonce is the node's next one
	/// for the account (pool included): callers that submit concurrently with one account
	/// must not overlap calls of this method (waiting for the outcome may overlap).
	pub async fn submit_watched(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<Submitted, ChainError> {
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
		Ok(Submitted(progress))
	}
}

/// A transaction in the node's pool (see [`Chain::submit_watched`]).
pub struct Submitted(
	TransactionProgress<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
);

impl Submitted {
	/// Waits until the transaction is finalized; an error if it failed, or was dropped.
	pub async fn finalized(self) -> Result<(), ChainError> {
		self.0
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

	/// The pallet's name, e.g. `"SupplyChain"`.
	pub fn pallet(&self) -> &'static str {
		self.pallet
	}

	/// The call's name, e.g. `"commission_lot"`.
	pub fn name(&self) -> &'static str {
		self.name
	}

	/// The SCALE-encoded arguments, as they go into the extrinsic after the call index.
	pub fn encoded_args(&self) -> &[u8] {
		&self.args.0
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
