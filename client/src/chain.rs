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
	error::EventsError,
	events::Event,
	ext::scale_value::{Composite, Primitive, Value, ValueDef},
	metadata::Metadata,
	transactions::{Payload, TransactionInBlock, TransactionProgress, TransactionStatus},
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
	/// The runtime's metadata has no such call: client and runtime disagree.
	#[error("the runtime has no call {0}")]
	Metadata(String),
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

	/// The subxt client underneath, for tools that need what this type does not wrap (the load
	/// tool signs transactions offline and follows blocks with it).
	pub fn subxt(&self) -> &OnlineClient<SubstrateConfig> {
		&self.api
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

	/// Every entry of a paged runtime API `function(owner, after, limit)` that answers up to
	/// `limit` `(key, value)` pairs with keys above `after`, in key order (e.g.
	/// `MedicalRecordsApi_patient_records`): asked page by page until one comes back short.
	pub async fn all_pages<K, V>(
		&self,
		function: &str,
		owner: &AccountId,
		limit: u32,
	) -> Result<Vec<(K, V)>, ChainError>
	where
		K: Encode + Decode + Copy + PartialEq,
		V: Decode,
	{
		let mut all = Vec::new();
		let mut after: Option<K> = None;
		loop {
			let page: Vec<(K, V)> =
				self.runtime_call(function, &(owner, after, limit).encode()).await?;
			let Some(last) = page.last().map(|(key, _)| *key) else { break };
			let full = page.len() >= limit as usize;
			all.extend(page);
			if !full || after == Some(last) {
				break;
			}
			after = Some(last);
		}
		Ok(all)
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

	/// The raw value under storage `key` at the latest finalized block, if there is one.
	pub async fn storage_raw(&self, key: Vec<u8>) -> Result<Option<Vec<u8>>, ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		match at.storage().fetch_raw(key).await {
			Ok(value) => Ok(Some(value)),
			Err(subxt::error::StorageError::NoValueFound) => Ok(None),
			Err(error) => Err(ChainError::Node(error.to_string())),
		}
	}

	/// The value of the storage item `pallet.item` (a plain value, or a map entry when `key`
	/// is its hashed key suffix) decoded as `T`, at the latest finalized block.
	pub async fn storage<T: Decode>(
		&self,
		pallet: &str,
		item: &str,
		key: &[u8],
	) -> Result<Option<T>, ChainError> {
		let mut full = storage_prefix(pallet, item).to_vec();
		full.extend_from_slice(key);
		match self.storage_raw(full).await? {
			Some(bytes) => Ok(Some(T::decode(&mut &bytes[..])?)),
			None => Ok(None),
		}
	}

	/// The chain's genesis hash (what proofs for this chain are bound to).
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	/// Every event of block `number` (which must be finalized for the answer to last).
	pub async fn block_events(&self, number: u64) -> Result<Vec<ChainEvent>, ChainError> {
		let at = self.api.at_block(number).await.map_err(|error| ChainError::Node(error.to_string()))?;
		let events = at.events().fetch().await.map_err(|error| ChainError::Node(error.to_string()))?;
		decode_events(events.iter(), at.metadata_ref())
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

	/// The call `Utility.force_batch(calls)`: the calls dispatched in order, each on its own
	/// (one that fails does not undo the others; [`batch_outcomes`] reads which did). The
	/// calls are encoded with the pallet and call indices of the latest finalized block's
	/// metadata.
	pub async fn force_batch_call(&self, calls: &[Call]) -> Result<Call, ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		let metadata = at.metadata_ref();
		let nested =
			calls.iter().map(|call| call.runtime_call_bytes(metadata)).collect::<Result<_, _>>()?;
		Ok(Call::new("Utility", "force_batch", (NestedCalls(nested),)))
	}

	/// Appends `entries` to `patient`'s access log, signed by `signer` (see
	/// [`Self::log_access_call`]), and waits until that is finalized.
	pub async fn log_access(
		&self,
		patient: &AccountId,
		entries: &[LogEntry],
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<Finalized, ChainError> {
		self.submit(&Self::log_access_call(patient, entries)?, signer).await
	}

	/// Signs `call` with `signer`, submits it and waits until it is finalized: its block and
	/// events, or an error if it failed (the pallet's error by name).
	pub async fn submit(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<Finalized, ChainError> {
		self.submit_watched(call, signer).await?.finalized().await
	}

	/// Signs `call` with `nonce` and submits it, watching its progress: for a signer that sends
	/// another transaction before its last one is finalized, which [`Chain::submit_watched`]
	/// would give the same nonce.
	pub async fn submit_watched_with_nonce(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
		nonce: u64,
	) -> Result<Submitted, ChainError> {
		let at = self
			.api
			.at_current_block()
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		let params =
			subxt::config::DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce).build();
		let progress = at
			.transactions()
			.sign_and_submit_then_watch(call, signer, params)
			.await
			.map_err(|error| ChainError::Node(error.to_string()))?;
		Ok(Submitted(progress))
	}

	/// The nonce of `account`'s next transaction in the latest finalized state.
	pub async fn account_nonce(&self, account: &AccountId) -> Result<u64, ChainError> {
		let nonce: medchain_primitives::Nonce =
			self.runtime_call("AccountNonceApi_account_nonce", &account.encode()).await?;
		Ok(nonce.into())
	}

	/// Signs `call` with `signer` and submits it; returns once the node accepted it into its
	/// pool, with a handle to wait for its outcome. The nonce is the account's in the latest
	/// finalized state, pool not included: a signer whose last transaction is not finalized
	/// yet must use [`Chain::submit_watched_with_nonce`] (the vault's concurrent releases
	/// collided on it under load).
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

/// Where a submitted transaction has got to, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
	/// In the node's pool, waiting for a block.
	InPool,
	/// In a best block with this hash (not final yet).
	InBlock([u8; 32]),
	/// Its block is finalized; fetching its events.
	Finalized([u8; 32]),
}

/// The storage key prefix of `pallet.item`: `twox128(pallet) ++ twox128(item)`.
pub fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
	let mut key = [0u8; 32];
	key[..16].copy_from_slice(&sp_crypto_hashing::twox_128(pallet.as_bytes()));
	key[16..].copy_from_slice(&sp_crypto_hashing::twox_128(item.as_bytes()));
	key
}

/// A `Twox64Concat` map key: `twox64(encoded) ++ encoded`.
pub fn twox64_concat(encoded: &[u8]) -> Vec<u8> {
	let mut key = sp_crypto_hashing::twox_64(encoded).to_vec();
	key.extend_from_slice(encoded);
	key
}

/// A transaction in the node's pool (see [`Chain::submit_watched`]).
pub struct Submitted(
	TransactionProgress<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
);

impl Submitted {
	/// Waits until the transaction is finalized: its block and events, or an error if it
	/// failed, was refused or was dropped.
	pub async fn finalized(self) -> Result<Finalized, ChainError> {
		self.finalized_reporting(|_| {}).await
	}

	/// As [`Self::finalized`], telling `report` each stage reached.
	pub async fn finalized_reporting(
		mut self,
		mut report: impl FnMut(Stage),
	) -> Result<Finalized, ChainError> {
		report(Stage::InPool);
		while let Some(status) = self.0.next().await {
			let status = status.map_err(|error| ChainError::Node(error.to_string()))?;
			match status {
				TransactionStatus::InBestBlock(block) => report(Stage::InBlock(block.block_hash().0)),
				TransactionStatus::InFinalizedBlock(block) => {
					report(Stage::Finalized(block.block_hash().0));
					return finalized_outcome(&block).await;
				},
				TransactionStatus::Error { message } =>
					return Err(ChainError::Node(format!("the node failed the transaction: {message}"))),
				TransactionStatus::Invalid { message } =>
					return Err(ChainError::Dispatch(format!("the transaction is invalid: {message}"))),
				TransactionStatus::Dropped { message } =>
					return Err(ChainError::Dispatch(format!("the transaction was dropped: {message}"))),
				_ => {},
			}
		}
		Err(ChainError::Node("the node stopped reporting on the transaction".into()))
	}
}

/// The events of a finalized transaction, or its failure.
async fn finalized_outcome(
	block: &TransactionInBlock<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
) -> Result<Finalized, ChainError> {
	let events =
		block.wait_for_success().await.map_err(|error| ChainError::Dispatch(error.to_string()))?;
	let at = block.at().await.map_err(|error| ChainError::Node(error.to_string()))?;
	let decoded = decode_events(events.iter(), at.metadata_ref())?;
	Ok(Finalized {
		block_number: at.block_number(),
		block_hash: block.block_hash().0,
		extrinsic_hash: events.extrinsic_hash().0,
		events: decoded,
	})
}

/// `events` decoded with `metadata`: names, fields as JSON (see [`ChainEvent`]) and bytes.
fn decode_events<'a>(
	events: impl Iterator<Item = Result<Event<'a, SubstrateConfig>, EventsError>>,
	metadata: &Metadata,
) -> Result<Vec<ChainEvent>, ChainError> {
	let mut decoded = Vec::new();
	for event in events {
		let event = event.map_err(|error| ChainError::Node(error.to_string()))?;
		let type_names: Vec<Option<String>> = metadata
			.pallet_by_name(event.pallet_name())
			.and_then(|pallet| pallet.event_variant_by_index(event.event_index()))
			.map(|variant| variant.fields.iter().map(|field| field.type_name.clone()).collect())
			.unwrap_or_default();
		let values = event
			.decode_fields_unchecked_as::<Composite<()>>()
			.map_err(|error| ChainError::Node(error.to_string()))?;
		let field = |i: usize, name: String, value: Value<()>| {
			let type_name = type_names.get(i).cloned().flatten();
			EventField { value: value_json(&value, type_name.as_deref()), name, type_name }
		};
		let fields = match values {
			Composite::Named(named) => named
				.into_iter()
				.enumerate()
				.map(|(i, (name, value))| field(i, name, value))
				.collect(),
			Composite::Unnamed(unnamed) => unnamed
				.into_iter()
				.enumerate()
				.map(|(i, value)| field(i, i.to_string(), value))
				.collect(),
		};
		decoded.push(ChainEvent {
			pallet: event.pallet_name().to_owned(),
			name: event.event_name().to_owned(),
			fields,
			field_bytes: event.field_bytes().to_vec(),
		});
	}
	Ok(decoded)
}

/// A finalized transaction: where it is and what it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Finalized {
	/// The number of its block.
	pub block_number: u64,
	/// The hash of its block.
	pub block_hash: [u8; 32],
	/// The hash of the transaction.
	pub extrinsic_hash: [u8; 32],
	/// Its events, in order (fee and `ExtrinsicSuccess` included).
	pub events: Vec<ChainEvent>,
}

impl Finalized {
	/// The first event `pallet.name`, e.g. `("MedicalRecords", "RecordRegistered")`.
	pub fn event(&self, pallet: &str, name: &str) -> Option<&ChainEvent> {
		self.events.iter().find(|event| event.pallet == pallet && event.name == name)
	}

	/// The events of medchain's own pallets and other non-routine events: what the call did,
	/// without the fee, the deposits' holds and `ExtrinsicSuccess`.
	pub fn notable_events(&self) -> impl Iterator<Item = &ChainEvent> {
		self.events.iter().filter(|event| !event.is_routine())
	}
}

/// An event of a finalized transaction, decoded with the node's metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainEvent {
	/// The pallet's name in the runtime, e.g. `Consent`.
	pub pallet: String,
	/// The event's name, e.g. `ConsentGranted`.
	pub name: String,
	/// Its fields in order, as JSON: accounts as SS58 addresses, other 32-byte values as `0x`
	/// hex, enum variants by name.
	pub fields: Vec<EventField>,
	/// The fields' SCALE encoding, for [`Self::decode`].
	pub field_bytes: Vec<u8>,
}

/// One field of a [`ChainEvent`].
#[derive(Clone, Debug, PartialEq)]
pub struct EventField {
	/// Its name (or its position for unnamed fields).
	pub name: String,
	/// Its type's name in the metadata, e.g. `T::AccountId`.
	pub type_name: Option<String>,
	/// Its value.
	pub value: serde_json::Value,
}

impl ChainEvent {
	/// The fields decoded as `T` (e.g. a tuple of the runtime's types in the fields' order).
	pub fn decode<T: Decode>(&self) -> Result<T, ChainError> {
		Ok(T::decode(&mut &self.field_bytes[..])?)
	}

	/// Whether this is bookkeeping every transaction causes (fees, `ExtrinsicSuccess`, holds
	/// and deposits of the balances pallet, the transaction-payment event).
	pub fn is_routine(&self) -> bool {
		matches!(self.pallet.as_str(), "System" | "TransactionPayment" | "Balances")
	}

	/// The event in words: `Pallet.Event field=value ...`.
	pub fn words(&self) -> String {
		let mut text = format!("{}.{}", self.pallet, self.name);
		for field in &self.fields {
			let value = match &field.value {
				serde_json::Value::String(text) => text.clone(),
				other => other.to_string(),
			};
			text.push_str(&format!(" {}={value}", field.name));
		}
		text
	}

	/// The event as a JSON object: `{"pallet", "event", "fields": {name: value}}`.
	pub fn to_json(&self) -> serde_json::Value {
		let fields: serde_json::Map<String, serde_json::Value> =
			self.fields.iter().map(|field| (field.name.clone(), field.value.clone())).collect();
		serde_json::json!({ "pallet": self.pallet, "event": self.name, "fields": fields })
	}
}

/// Whether a field of type `type_name` holds an account (shown as an SS58 address).
fn is_account_type(type_name: Option<&str>) -> bool {
	type_name.is_some_and(|name| name.contains("AccountId"))
}

/// `value` as JSON: composites of bytes as `0x` hex (an account's as SS58 if `type_name` says
/// it is one), named composites as objects, variants by name (with their fields if any),
/// integers as numbers while exact in JSON (else as decimal strings).
fn value_json(value: &Value<()>, type_name: Option<&str>) -> serde_json::Value {
	use serde_json::Value as Json;
	match &value.value {
		ValueDef::Composite(composite) => {
			if let Some(bytes) = composite_bytes(composite) {
				if bytes.len() == 32 && is_account_type(type_name) {
					let mut account = [0u8; 32];
					account.copy_from_slice(&bytes);
					return Json::String(ss58(&account));
				}
				return Json::String(format!("0x{}", hex::encode(bytes)));
			}
			composite_json(composite, type_name)
		},
		ValueDef::Variant(variant) => {
			if variant.values.is_empty() {
				Json::String(variant.name.clone())
			} else {
				serde_json::json!({ variant.name.clone(): composite_json(&variant.values, type_name) })
			}
		},
		ValueDef::Primitive(primitive) => match primitive {
			Primitive::Bool(flag) => Json::Bool(*flag),
			Primitive::Char(c) => Json::String(c.to_string()),
			Primitive::String(text) => Json::String(text.clone()),
			Primitive::U128(n) => match u64::try_from(*n) {
				Ok(small) if small < (1u64 << 53) => Json::from(small),
				_ => Json::String(n.to_string()),
			},
			Primitive::I128(n) => match i64::try_from(*n) {
				Ok(small) if small.unsigned_abs() < (1u64 << 53) => Json::from(small),
				_ => Json::String(n.to_string()),
			},
			Primitive::U256(bytes) | Primitive::I256(bytes) =>
				Json::String(format!("0x{}", hex::encode(bytes))),
		},
		ValueDef::BitSequence(bits) =>
			Json::String(bits.iter().map(|bit| if bit { '1' } else { '0' }).collect()),
	}
}

/// The fields of a composite as a JSON object (named) or array (unnamed); a composite of one
/// unnamed field (a newtype such as `H256` or `AccountId32`) as that field.
fn composite_json(composite: &Composite<()>, type_name: Option<&str>) -> serde_json::Value {
	match composite {
		Composite::Named(named) => serde_json::Value::Object(
			named.iter().map(|(name, value)| (name.clone(), value_json(value, None))).collect(),
		),
		Composite::Unnamed(values) if values.len() == 1 => value_json(&values[0], type_name),
		Composite::Unnamed(values) =>
			serde_json::Value::Array(values.iter().map(|value| value_json(value, None)).collect()),
	}
}

/// The bytes of a composite whose values are all `u8`-sized numbers (a byte array or
/// `BoundedVec<u8>`, possibly wrapped in newtypes), if it is one and not empty.
fn composite_bytes(composite: &Composite<()>) -> Option<Vec<u8>> {
	let values: Vec<&Value<()>> = composite.values().collect();
	if values.len() == 1 {
		if let ValueDef::Composite(inner) = &values[0].value {
			return composite_bytes(inner);
		}
	}
	if values.len() < 2 {
		return None;
	}
	values
		.iter()
		.map(|value| match &value.value {
			ValueDef::Primitive(Primitive::U128(n)) => u8::try_from(*n).ok(),
			_ => None,
		})
		.collect()
}

/// The SS58 address of `account`, with the generic Substrate prefix medchain uses.
pub fn ss58(account: &AccountId) -> String {
	use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};
	AccountId32::from(*account).to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX))
}

/// The SS58 address prefix of medchain (42, the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

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

	/// This call as the runtime's `RuntimeCall` encodes it: the pallet's index and the call's
	/// index, both from `metadata`, then the arguments. For a call nested in another, such as
	/// the calls of a `Utility.force_batch` ([`Chain::force_batch_call`]).
	pub fn runtime_call_bytes(&self, metadata: &Metadata) -> Result<Vec<u8>, ChainError> {
		let unknown = || ChainError::Metadata(format!("{}.{}", self.pallet, self.name));
		let pallet = metadata.pallet_by_name(self.pallet).ok_or_else(unknown)?;
		let call = pallet.call_variant_by_name(self.name).ok_or_else(unknown)?;
		let mut bytes = Vec::with_capacity(self.args.0.len().saturating_add(2));
		bytes.push(pallet.call_index());
		bytes.push(call.index);
		bytes.extend_from_slice(&self.args.0);
		Ok(bytes)
	}
}

/// A `Vec<RuntimeCall>` whose calls are already encoded ([`Call::runtime_call_bytes`]): the
/// compact length, then each call's bytes.
struct NestedCalls(Vec<Vec<u8>>);

impl Encode for NestedCalls {
	fn size_hint(&self) -> usize {
		self.0.iter().map(Vec::len).sum::<usize>().saturating_add(5)
	}

	fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
		codec::Compact(self.0.len() as u32).encode_to(dest);
		for call in &self.0 {
			dest.write(call);
		}
	}
}

/// The outcome of each call of a finalized `Utility.force_batch` of `calls` calls, in their
/// order, read from its `Utility.ItemCompleted` and `Utility.ItemFailed` events: `Ok`, or the
/// error in words. An error if the events do not account for exactly `calls` calls.
pub fn batch_outcomes(
	events: &[ChainEvent],
	calls: usize,
) -> Result<Vec<Result<(), String>>, ChainError> {
	let outcomes: Vec<Result<(), String>> = events
		.iter()
		.filter(|event| event.pallet == "Utility")
		.filter_map(|event| match event.name.as_str() {
			"ItemCompleted" => Some(Ok(())),
			"ItemFailed" => Some(Err(event.words())),
			_ => None,
		})
		.collect();
	if outcomes.len() != calls {
		return Err(ChainError::Node(format!(
			"a batch of {calls} calls reported {} outcomes",
			outcomes.len()
		)));
	}
	Ok(outcomes)
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

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	fn bytes(byte: u8, len: usize) -> Value<()> {
		Value::unnamed_composite((0..len).map(|_| Value::u128(byte.into())))
	}

	#[test]
	fn event_values_read_as_words() {
		// An AccountId32 is a newtype around 32 bytes: SS58 when the metadata says account.
		let account = Value::unnamed_composite(vec![bytes(1, 32)]);
		assert_eq!(value_json(&account, Some("T::AccountId")), json!(ss58(&[1; 32])));
		assert_eq!(value_json(&account, Some("H256")), json!(format!("0x{}", "01".repeat(32))));
		// Enums by name, with their fields if any; numbers stay numbers while JSON holds them.
		assert_eq!(value_json(&Value::unnamed_variant("Observation", vec![]), None), json!("Observation"));
		assert_eq!(
			value_json(&Value::unnamed_variant("Permit", vec![Value::unnamed_variant("Consent", vec![Value::u128(3)])]), None),
			json!({"Permit": {"Consent": 3}})
		);
		assert_eq!(value_json(&Value::u128(u128::from(u64::MAX)), None), json!(u64::MAX.to_string()));
		assert_eq!(value_json(&Value::unnamed_variant("None", vec![]), None), json!("None"));
		let named = Value::named_composite(vec![("count", Value::u128(2)), ("ok", Value::bool(true))]);
		assert_eq!(value_json(&named, None), json!({"count": 2, "ok": true}));
	}

	#[test]
	fn events_print_in_one_line() {
		let event = ChainEvent {
			pallet: "MedicalRecords".into(),
			name: "RecordRegistered".into(),
			fields: vec![
				EventField { name: "id".into(), type_name: Some("RecordId".into()), value: json!(4) },
				EventField { name: "category".into(), type_name: None, value: json!("Observation") },
			],
			field_bytes: 4u64.encode(),
		};
		assert_eq!(event.words(), "MedicalRecords.RecordRegistered id=4 category=Observation");
		assert_eq!(event.decode::<u64>().unwrap(), 4);
		assert_eq!(event.to_json()["fields"]["id"], json!(4));
		assert!(!event.is_routine());
	}

	#[test]
	fn nested_calls_encode_as_a_vec_of_calls() {
		// The runtime decodes `Vec<RuntimeCall>`: a compact length, then each call in turn
		// (no length before each), its first byte the variant (pallet) index.
		#[derive(Decode, Debug, PartialEq)]
		enum Nested {
			#[codec(index = 7)]
			Consent(u8, u32),
			#[codec(index = 9)]
			Other(u8),
		}
		let calls = NestedCalls(vec![vec![7, 14, 1, 0, 0, 0], vec![9, 3], vec![7, 14, 2, 0, 0, 0]]);
		let decoded = Vec::<Nested>::decode(&mut &calls.encode()[..]).unwrap();
		assert_eq!(decoded, vec![Nested::Consent(14, 1), Nested::Other(3), Nested::Consent(14, 2)]);
	}

	#[test]
	fn batch_outcomes_follow_the_item_events() {
		let event = |pallet: &str, name: &str| ChainEvent {
			pallet: pallet.into(),
			name: name.into(),
			fields: vec![],
			field_bytes: vec![],
		};
		let events = vec![
			event("Consent", "AccessLogged"),
			event("Utility", "ItemCompleted"),
			event("Utility", "ItemFailed"),
			event("Consent", "AccessLogged"),
			event("Utility", "ItemCompleted"),
			event("Utility", "BatchCompletedWithErrors"),
			event("System", "ExtrinsicSuccess"),
		];
		let outcomes = batch_outcomes(&events, 3).unwrap();
		assert_eq!(outcomes.len(), 3);
		assert!(outcomes[0].is_ok() && outcomes[1].is_err() && outcomes[2].is_ok());
		assert!(batch_outcomes(&events, 2).is_err(), "a count that disagrees is an error");
		assert!(batch_outcomes(&events[..1], 1).is_err());
	}

	#[test]
	fn storage_keys_follow_frame() {
		// twox128("System") ++ twox128("Number"), as every Substrate tool computes it.
		assert_eq!(
			hex::encode(storage_prefix("System", "Number")),
			"26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac"
		);
		assert_eq!(&twox64_concat(&[1, 2])[8..], &[1, 2]);
	}
}
