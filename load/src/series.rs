//! What the load sends: each series' call, built from the primitives' types and signed ahead
//! of the measured window (immortal, explicit nonces), and the chain state the series leave
//! for the next (transfers proposed, then accepted, then their packs dispensed; a study per
//! repetition).

use crate::{
	accounts::{Account, Accounts},
	watch::{events_of, CallName, ObservedBlock},
};
use medchain_client::{
	chain::{AccountId, Address, Call, Chain, LogEntry},
	cli::{
		consent::Terms,
		study::{contribute_call, MAX_TRUSTEES},
		supply::{
			accept_transfer_call, commission_lot_call, decommission_call, propose_transfer_call,
			register_product_call, PackCode,
		},
	},
};
use medchain_crypto::{study_base, StudySecret};
use medchain_primitives::{
	consent::{AccessDecision, Grantee, PermitBasis},
	gs1::check_digit,
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	stats::{KeyHolders, StudyId, StudyQuestion},
	supply::{
		serial_hash, serial_proof, serials_root, DecommissionReason, ExpiryDate, Goods, Gtin,
		LotNumber, PackRef, ProductDetails, ProductKind, SerialHash, SerialProof, TransactionDocuments,
		TransferId,
	},
};
use rand_core::{OsRng, RngCore};
use sp_core::{bounded::BoundedVec, ConstU32, H256};
use subxt::{
	client::{ClientAtBlock, OnlineClientAtBlockImpl},
	config::DefaultExtrinsicParamsBuilder,
	SubstrateConfig,
};

/// A series of the load: one call, sent many times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Series {
	Remark,
	Transfer,
	RecordPatient,
	RecordProvider,
	GrantConsent,
	LogAccess,
	ProposeTransfer,
	AcceptTransfer,
	Decommission,
	Contribute,
}

impl Series {
	/// Every series, in the order a run takes them (each prepares the chain for later ones).
	pub const ALL: [Series; 10] = [
		Series::Transfer,
		Series::Remark,
		Series::RecordPatient,
		Series::GrantConsent,
		Series::RecordProvider,
		Series::LogAccess,
		Series::ProposeTransfer,
		Series::AcceptTransfer,
		Series::Decommission,
		Series::Contribute,
	];

	/// Its name on the command line and in the report.
	pub fn name(self) -> &'static str {
		match self {
			Series::Remark => "remark",
			Series::Transfer => "transfer",
			Series::RecordPatient => "record_patient",
			Series::RecordProvider => "record_provider",
			Series::GrantConsent => "grant_consent",
			Series::LogAccess => "log_access",
			Series::ProposeTransfer => "propose_transfer",
			Series::AcceptTransfer => "accept_transfer",
			Series::Decommission => "decommission",
			Series::Contribute => "contribute",
		}
	}

	/// What a transaction of the series does, in words.
	pub fn description(self) -> &'static str {
		match self {
			Series::Remark => "system.remark of 32 bytes",
			Series::Transfer => "balances.transfer_keep_alive (the baseline)",
			Series::RecordPatient => "medical_records.register_record by the patient",
			Series::RecordProvider => "medical_records.register_record by a provider under a consent",
			Series::GrantConsent => "consent.grant_consent (a permit for a provider)",
			Series::LogAccess => "consent.log_access of one entry",
			Series::ProposeTransfer => "supply_chain.propose_transfer of one pack",
			Series::AcceptTransfer => "supply_chain.accept_transfer",
			Series::Decommission => "supply_chain.decommission (dispensed, with its serial proof)",
			Series::Contribute => "encrypted_stats.contribute of a 16-bit value with its proofs",
		}
	}

	/// The series named `name`.
	pub fn from_name(name: &str) -> Option<Self> {
		Self::ALL.into_iter().find(|series| series.name() == name)
	}

	/// Its call as the chain's metadata names it.
	pub fn call(self) -> CallName {
		let (pallet, call) = match self {
			Series::Remark => ("System", "remark"),
			Series::Transfer => ("Balances", "transfer_keep_alive"),
			Series::RecordPatient | Series::RecordProvider => ("MedicalRecords", "register_record"),
			Series::GrantConsent => ("Consent", "grant_consent"),
			Series::LogAccess => ("Consent", "log_access"),
			Series::ProposeTransfer => ("SupplyChain", "propose_transfer"),
			Series::AcceptTransfer => ("SupplyChain", "accept_transfer"),
			Series::Decommission => ("SupplyChain", "decommission"),
			Series::Contribute => ("EncryptedStats", "contribute"),
		};
		(pallet.to_owned(), call.to_owned())
	}
}

/// A batch of signed transactions of one call.
pub struct Batch {
	pub call: CallName,
	pub transactions: Vec<Vec<u8>>,
}

/// The load's product and lot of one manufacturer.
struct ManufacturerLot {
	gtin: Gtin,
	lot: LotNumber,
	leaves: Vec<SerialHash>,
	next_serial: usize,
}

/// The study of the current repetition.
struct OpenStudy {
	id: StudyId,
	key: [u8; 32],
}

/// The load: accounts, signing, and what the chain holds from earlier series.
pub struct Workload {
	pub accounts: Accounts,
	at: ClientAtBlock<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
	genesis: [u8; 32],
	per_round: usize,
	per_participant: usize,
	lots: Vec<ManufacturerLot>,
	/// Proposed transfers not yet accepted: (id, manufacturer, dispenser).
	proposed: Vec<(TransferId, usize, usize)>,
	/// Accepted transfers whose pack was not dispensed yet: (manufacturer, dispenser).
	accepted: Vec<(usize, usize)>,
	/// Whether every sender has granted its provider a consent.
	pub provider_consents: bool,
	/// How many senders granted the researcher a research consent.
	research_consents: usize,
	study: Option<OpenStudy>,
	/// The study secret (the load plays the key holder; nothing is decrypted).
	study_secret: [u8; 32],
}

/// The load's expiry date of every lot: the last day of December 2099.
const EXPIRY: ExpiryDate = ExpiryDate { year: 99, month: 12, day: 0 };
/// The category and label of every record, consent and study of the load.
const CATEGORY: RecordCategory = RecordCategory::Observation;
const LABEL: Confidentiality = Confidentiality::Normal;
/// Answers of the load's studies are below 2^16.
const VALUE_BITS: u32 = 16;

fn random_hash() -> H256 {
	let mut bytes = [0u8; 32];
	OsRng.fill_bytes(&mut bytes);
	H256(bytes)
}

/// The GTIN-14 of manufacturer `index`'s product: `1099`, the index, the check digit.
fn gtin(index: usize) -> Gtin {
	let data = format!("1099{index:09}");
	let mut gtin = [b'0'; 14];
	gtin[..13].copy_from_slice(data.as_bytes());
	gtin[13] = check_digit(&gtin[..13]).unwrap_or(b'0');
	gtin
}

/// The serial printed on pack `index` of manufacturer `manufacturer`'s lot.
fn serial(manufacturer: usize, index: usize) -> Vec<u8> {
	format!("M{manufacturer}P{index}").into_bytes()
}

/// Signs `call` for `account` with its next nonce, immortal, without tip.
fn sign(
	at: &ClientAtBlock<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
	call: &Call,
	account: &mut Account,
) -> Result<Vec<u8>, String> {
	let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
		.nonce(account.next_nonce())
		.immortal()
		.build();
	let mut signable = at
		.transactions()
		.create_signable_offline(call, params)
		.map_err(|error| format!("{}.{}: {error}", call.pallet(), call.name()))?;
	let signed = signable.sign(&account.keypair).map_err(|error| error.to_string())?;
	Ok(signed.into_encoded())
}

impl Workload {
	/// The load for rounds of `per_round` transactions, `per_participant` per provider,
	/// manufacturer and dispenser, and `repetitions` rounds of each series.
	pub async fn new(
		chain: &Chain,
		accounts: Accounts,
		per_round: usize,
		per_participant: usize,
		repetitions: usize,
	) -> Result<Self, String> {
		let at = chain.subxt().at_current_block().await.map_err(|error| error.to_string())?;
		// Every manufacturer's lot has room for its packs of every repetition.
		let packs = per_participant * repetitions;
		let lots = (0..accounts.manufacturers.len())
			.map(|m| {
				let gtin = gtin(m);
				let leaves = (0..packs).map(|p| serial_hash(&gtin, &serial(m, p))).collect();
				let lot = BoundedVec::truncate_from(b"LOAD1".to_vec());
				ManufacturerLot { gtin, lot, leaves, next_serial: 0 }
			})
			.collect();
		let mut study_secret = [0u8; 32];
		OsRng.fill_bytes(&mut study_secret);
		// A canonical scalar below 2^252, as the client's study secrets are.
		study_secret[31] &= 0x0f;
		Ok(Self {
			accounts,
			at,
			genesis: chain.genesis_hash(),
			per_round,
			per_participant,
			lots,
			proposed: Vec::new(),
			accepted: Vec::new(),
			provider_consents: false,
			research_consents: 0,
			study: None,
			study_secret,
		})
	}

	/// The provider of sender `index` (each provider serves `per_participant` senders).
	fn provider_of(&self, index: usize) -> usize {
		(index / self.per_participant).min(self.accounts.providers.len().saturating_sub(1))
	}

	/// Products and lots of every manufacturer: the supply series' starting stock.
	pub fn supply_setup(&mut self) -> Result<Vec<Batch>, String> {
		let details = ProductDetails {
			kind: ProductKind::Drug,
			national_code: None,
			temperature: None,
			lookup_url: None,
			unit_tracked: false,
		};
		let mut products = Vec::new();
		let mut lots = Vec::new();
		for (m, lot) in self.lots.iter().enumerate() {
			let account = &mut self.accounts.manufacturers[m];
			products.push(sign(&self.at, &register_product_call(&lot.gtin, &details), account)?);
			let root = serials_root(&lot.leaves);
			let quantity = lot.leaves.len() as u32;
			let call = commission_lot_call(&lot.gtin, &lot.lot, &EXPIRY, quantity, &root, &random_hash());
			lots.push(sign(&self.at, &call, account)?);
		}
		Ok(vec![
			Batch { call: ("SupplyChain".into(), "register_product".into()), transactions: products },
			Batch { call: ("SupplyChain".into(), "commission_lot".into()), transactions: lots },
		])
	}

	/// Research consents of the senders who contribute, to the researcher.
	pub fn research_consent_setup(&mut self) -> Result<Option<Batch>, String> {
		let contributors = self.contributors();
		if self.research_consents >= contributors {
			return Ok(None);
		}
		let terms = Terms::permit_all_data(
			Grantee::Account(self.accounts.researcher.id),
			&[Action::Use],
			&[PurposeOfUse::Research],
			LABEL,
		);
		let call = Call::new("Consent", "grant_consent", (terms,));
		let mut transactions = Vec::new();
		for sender in &mut self.accounts.senders[self.research_consents..contributors] {
			transactions.push(sign(&self.at, &call, sender)?);
		}
		self.research_consents = contributors;
		Ok(Some(Batch { call: Series::GrantConsent.call(), transactions }))
	}

	/// How many senders contribute to each study (a study holds at most 1,024).
	fn contributors(&self) -> usize {
		self.per_round.min(1_000).min(self.accounts.senders.len())
	}

	/// Opens study `id` (the chain's `NextStudyId`) for the next contribution round.
	pub fn open_study_with_id(&mut self, id: StudyId, now: u32) -> Result<Batch, String> {
		let contributors = self.contributors() as u32;
		let secret = StudySecret::from_bytes(&self.study_secret).ok_or("the study secret is not a scalar")?;
		let key = secret.study_key(&study_base(&self.genesis, id));
		let question = StudyQuestion {
			question: random_hash(),
			category: CATEGORY,
			confidentiality: LABEL,
			value_bits: VALUE_BITS,
		};
		let holders: KeyHolders<AccountId, ConstU32<MAX_TRUSTEES>> =
			KeyHolders::Single { holder: self.accounts.key_holder.id, key };
		// Open for a day of 1-second blocks: longer than any run.
		let deadline = now.saturating_add(86_400);
		let call = Call::new(
			"EncryptedStats",
			"open_study",
			(question, holders, deadline, 10u32, contributors.max(10)),
		);
		let transaction = sign(&self.at, &call, &mut self.accounts.researcher)?;
		self.study = Some(OpenStudy { id, key });
		Ok(Batch { call: ("EncryptedStats".into(), "open_study".into()), transactions: vec![transaction] })
	}

	/// Whether `series` can be built now, and if not, which series must run first (unmeasured).
	pub fn missing(&self, series: Series) -> Option<Series> {
		match series {
			Series::RecordProvider if !self.provider_consents => Some(Series::GrantConsent),
			Series::AcceptTransfer if self.proposed.is_empty() => Some(Series::ProposeTransfer),
			Series::Decommission if self.accepted.is_empty() && self.proposed.is_empty() =>
				Some(Series::ProposeTransfer),
			Series::Decommission if self.accepted.is_empty() => Some(Series::AcceptTransfer),
			_ => None,
		}
	}

	/// `count` transfers, one from each of the first senders to the next sender.
	pub fn transfers(&mut self, count: usize) -> Result<Vec<Vec<u8>>, String> {
		let ids: Vec<AccountId> = self.accounts.senders.iter().map(|a| a.id).collect();
		let count = count.min(ids.len());
		let mut transactions = Vec::with_capacity(count);
		for (i, sender) in self.accounts.senders[..count].iter_mut().enumerate() {
			let to = ids[(i + 1) % ids.len()];
			// A thousandth of a unit (10^9 of 10^12): far above the existential deposit.
			let amount = codec::Compact(1_000_000_000u128);
			let call = Call::new("Balances", "transfer_keep_alive", (Address(to), amount));
			transactions.push(sign(&self.at, &call, sender)?);
		}
		Ok(transactions)
	}

	/// A round of `series`, signed. Contributions need an open study ([`Self::open_study_with_id`]).
	pub fn build(&mut self, series: Series) -> Result<Batch, String> {
		let n = self.per_round;
		let at = &self.at;
		let mut transactions = Vec::with_capacity(n);
		match series {
			Series::Remark => {
				for sender in &mut self.accounts.senders[..n] {
					let mut remark = vec![0u8; 32];
					OsRng.fill_bytes(&mut remark);
					transactions.push(sign(at, &Call::new("System", "remark", (remark,)), sender)?);
				}
			},
			Series::Transfer => transactions = self.transfers(n)?,
			Series::RecordPatient => {
				for (i, sender) in self.accounts.senders[..n].iter_mut().enumerate() {
					let me = sender.id;
					let call = record_call(&me, &me, i);
					transactions.push(sign(at, &call, sender)?);
				}
			},
			Series::RecordProvider => {
				for i in 0..n {
					let patient = self.accounts.senders[i].id;
					let provider_index = self.provider_of(i);
					let provider = &mut self.accounts.providers[provider_index];
					let call = record_call(&patient, &provider.id, i);
					transactions.push(sign(at, &call, provider)?);
				}
			},
			Series::GrantConsent => {
				for i in 0..n {
					let provider = self.accounts.providers[self.provider_of(i)].id;
					let terms = Terms::permit_all_data(
						Grantee::Account(provider),
						&[Action::Access, Action::Collect, Action::Use],
						&[PurposeOfUse::Treatment],
						LABEL,
					);
					let call = Call::new("Consent", "grant_consent", (terms,));
					transactions.push(sign(at, &call, &mut self.accounts.senders[i])?);
				}
				self.provider_consents = true;
			},
			Series::LogAccess => {
				for i in 0..n {
					let patient = self.accounts.senders[i].id;
					let provider_index = self.provider_of(i);
					let provider = &mut self.accounts.providers[provider_index];
					let entry = LogEntry {
						accessor: provider.id,
						record: None,
						category: CATEGORY,
						action: Action::Access,
						purpose: PurposeOfUse::Treatment,
						decision: AccessDecision::Permit(PermitBasis::Consent(0)),
						event_hash: random_hash(),
					};
					let call = Chain::log_access_call(&patient, &[entry]).map_err(|error| error.to_string())?;
					transactions.push(sign(at, &call, provider)?);
				}
			},
			Series::ProposeTransfer => {
				let dispensers: Vec<AccountId> = self.accounts.dispensers.iter().map(|a| a.id).collect();
				for j in 0..self.per_participant {
					for (m, manufacturer) in self.accounts.manufacturers.iter_mut().enumerate() {
						let lot = &self.lots[m];
						let to = dispensers[(m + j) % dispensers.len()];
						let goods = [Goods::Quantity { gtin: lot.gtin, lot: lot.lot.clone(), quantity: 1 }];
						let documents = TransactionDocuments {
							information: random_hash(),
							history: random_hash(),
							statement: random_hash(),
						};
						let call = propose_transfer_call(&to, &goods, &documents, &random_hash());
						transactions.push(sign(at, &call, manufacturer)?);
					}
				}
			},
			Series::AcceptTransfer => {
				// In id order: each dispenser's acceptances then carry increasing nonces.
				self.proposed.sort_unstable();
				for (id, m, d) in std::mem::take(&mut self.proposed) {
					let call = accept_transfer_call(id, &random_hash());
					transactions.push(sign(at, &call, &mut self.accounts.dispensers[d])?);
					self.accepted.push((m, d));
				}
			},
			Series::Decommission => {
				for (m, d) in std::mem::take(&mut self.accepted) {
					let lot = &mut self.lots[m];
					let index = lot.next_serial;
					let proof = serial_proof(&lot.leaves, index as u32)
						.ok_or_else(|| format!("manufacturer {m}'s lot has no pack {index}"))?;
					lot.next_serial += 1;
					let pack = PackRef { gtin: lot.gtin, lot: lot.lot.clone(), serial: lot.leaves[index], proof };
					let call = decommission_call(&pack, DecommissionReason::Supplied, &random_hash());
					transactions.push(sign(at, &call, &mut self.accounts.dispensers[d])?);
				}
			},
			Series::Contribute => {
				let study = self.study.take().ok_or("no open study for the contributions")?;
				let contributors = self.contributors();
				let calls = contributions(&self.genesis, &study, &self.accounts.senders[..contributors])?;
				for (sender, call) in self.accounts.senders[..contributors].iter_mut().zip(calls) {
					transactions.push(sign(at, &call, sender)?);
				}
			},
		}
		Ok(Batch { call: series.call(), transactions })
	}

	/// Sets every account's next nonce to the chain's (`AccountNonceApi_account_nonce`): after
	/// a round that did not include everything, later transactions would otherwise wait for
	/// the missing nonces for ever.
	pub async fn resync_nonces(&mut self, chain: &Chain) -> Result<(), String> {
		let accounts = &mut self.accounts;
		let kinds = [
			&mut accounts.senders,
			&mut accounts.providers,
			&mut accounts.manufacturers,
			&mut accounts.dispensers,
		];
		for group in kinds {
			for account in group.iter_mut() {
				account.nonce = account_nonce(chain, &account.id).await?;
			}
		}
		for account in [&mut accounts.researcher, &mut accounts.key_holder] {
			account.nonce = account_nonce(chain, &account.id).await?;
		}
		Ok(())
	}

	/// The pack code and serial proof of the first pack of manufacturer 0's lot (for
	/// `SupplyChainApi_verify_unit`), if there is a manufacturer.
	pub fn first_pack(&self) -> Option<(PackCode, SerialProof)> {
		let lot = self.lots.first()?;
		let proof = serial_proof(&lot.leaves, 0)?;
		Some((PackCode { gtin: lot.gtin, serial: serial(0, 0), lot: lot.lot.clone(), expiry: EXPIRY }, proof))
	}

	/// `register_record` of each `(sender, content hash, locator)` by that sender, kept by
	/// `custodian`.
	pub fn custody_records(
		&mut self,
		records: &[(usize, [u8; 32], String)],
		custodian: &AccountId,
	) -> Result<Batch, String> {
		let mut transactions = Vec::with_capacity(records.len());
		for (sender, hash, locator) in records {
			let account = self.accounts.senders.get_mut(*sender).ok_or("no such sender")?;
			let call = Call::new(
				"MedicalRecords",
				"register_record",
				(Address(account.id), CATEGORY, LABEL, H256(*hash), locator.as_bytes().to_vec(), Address(*custodian)),
			);
			transactions.push(sign(&self.at, &call, account)?);
		}
		Ok(Batch { call: Series::RecordPatient.call(), transactions })
	}

	/// The provider whose consent sender `index` granted (or would grant).
	pub fn provider_account(&self, index: usize) -> Option<AccountId> {
		self.accounts.providers.get(self.provider_of(index)).map(|a| a.id)
	}

	/// Notes what the chain assigned in a round of `series` (transfer ids).
	pub fn observe(&mut self, series: Series, blocks: &[ObservedBlock]) -> Result<(), String> {
		if series == Series::ProposeTransfer {
			let manufacturers = index_of(&self.accounts.manufacturers);
			let dispensers = index_of(&self.accounts.dispensers);
			for (id, from, to) in events_of::<(TransferId, AccountId, AccountId)>(blocks, "SupplyChain", "TransferProposed")? {
				if let (Some(&m), Some(&d)) = (manufacturers.get(&from), dispensers.get(&to)) {
					self.proposed.push((id, m, d));
				}
			}
		}
		Ok(())
	}
}

async fn account_nonce(chain: &Chain, account: &AccountId) -> Result<u64, String> {
	let nonce: medchain_primitives::Nonce = chain
		.runtime_call("AccountNonceApi_account_nonce", &codec::Encode::encode(account))
		.await
		.map_err(|error| error.to_string())?;
	Ok(nonce.into())
}

fn index_of(accounts: &[Account]) -> std::collections::HashMap<AccountId, usize> {
	accounts.iter().enumerate().map(|(i, a)| (a.id, i)).collect()
}

/// `MedicalRecords.register_record` of a new (random) ciphertext hash for `patient`, kept by
/// `custodian`.
fn record_call(patient: &AccountId, custodian: &AccountId, index: usize) -> Call {
	let locator = format!("vault://load/{index}/{}", hex::encode(&random_hash().0[..8])).into_bytes();
	Call::new(
		"MedicalRecords",
		"register_record",
		(Address(*patient), CATEGORY, LABEL, random_hash(), locator, Address(*custodian)),
	)
}

/// Each sender's contribution to `study`: a random 16-bit value (the client's
/// `contribute_call`), on two threads.
fn contributions(genesis: &[u8; 32], study: &OpenStudy, senders: &[Account]) -> Result<Vec<Call>, String> {
	let prove = |sender: &Account| -> Result<Call, String> {
		let value = u64::from(OsRng.next_u32() & 0xffff);
		contribute_call(genesis, study.id, &study.key, &sender.id, value, VALUE_BITS)
			.map(|(call, _)| call)
			.map_err(|error| error.to_string())
	};
	let half = senders.len().div_ceil(2);
	let (first, second) = senders.split_at(half);
	std::thread::scope(|scope| {
		let other = scope.spawn(|| second.iter().map(prove).collect::<Result<Vec<_>, _>>());
		let mut calls = first.iter().map(prove).collect::<Result<Vec<_>, _>>()?;
		calls.extend(other.join().map_err(|_| "a proving thread panicked")??);
		Ok(calls)
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use medchain_primitives::supply::{is_valid_gtin, verify_serial};

	#[test]
	fn series_names_round_trip() {
		for series in Series::ALL {
			assert_eq!(Series::from_name(series.name()), Some(series));
		}
		assert_eq!(Series::from_name("nothing"), None);
	}

	#[test]
	fn products_and_packs_are_valid_gs1() {
		assert!(is_valid_gtin(&gtin(0)));
		assert!(is_valid_gtin(&gtin(123_456)));
		assert_ne!(gtin(1), gtin(2));
		let leaves: Vec<_> = (0..5).map(|p| serial_hash(&gtin(3), &serial(3, p))).collect();
		let root = serials_root(&leaves);
		let proof = serial_proof(&leaves, 4).unwrap();
		assert!(verify_serial(&root, 5, leaves[4], &proof));
	}

	#[test]
	fn records_are_anchored_without_clear_data() {
		let call = record_call(&[1; 32], &[2; 32], 7);
		assert_eq!((call.pallet(), call.name()), ("MedicalRecords", "register_record"));
		// patient and custodian as MultiAddress::Id, then the category and label codes.
		let args = call.encoded_args();
		assert_eq!((args[0], &args[1..33]), (0, &[1u8; 32][..]));
		assert_eq!(args[33..35], [RecordCategory::Observation.encode(), Confidentiality::Normal.encode()].concat()[..]);
	}
}
