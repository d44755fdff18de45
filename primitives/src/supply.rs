//! The drug supply chain's vocabulary, shared by the supply-chain pallet, its runtime API and the
//! client: GS1 identifiers (GTIN-14, GLN-13, SSCC-18, lot, serial, expiry), EPCIS business steps
//! and dispositions with the transition table between them, EU FMD decommission reasons, DSCSA
//! transfers and suspect-product cases, pack verification results, the hash-chained history of
//! an item, and the Merkle commitment to a lot's serial numbers.
//!
//! Serial numbers never appear on chain in clear: a pack is known by [`serial_hash`], the leaf
//! of its lot's serial tree. A lot commits to its serials with [`serials_root`] (a binary Merkle
//! tree from `binary-merkle-tree`, the one BEEFY uses) and a pack proves membership with a
//! [`SerialProof`] checked by [`verify_serial`].

use crate::roles::Gln;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use derive_where::derive_where;
use scale_info::TypeInfo;
use sp_core::{ConstU32, Get, H256};
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	BoundedVec,
};

pub use crate::gs1::has_valid_check_digit;

/// A GTIN-14 (GS1 application identifier 01) as 14 ASCII digits, the last a check digit.
pub type Gtin = [u8; 14];

/// An SSCC-18 (GS1 application identifier 00) naming a logistic unit (case, pallet) as 18 ASCII
/// digits, the last a check digit.
pub type Sscc = [u8; 18];

/// The longest lot number and serial number GS1 allows (application identifiers 10 and 21).
pub const MAX_GS1_TEXT_LEN: u32 = 20;

/// A lot (batch) number: 1 to 20 characters of the GS1 application identifier character set.
pub type LotNumber = BoundedVec<u8, ConstU32<MAX_GS1_TEXT_LEN>>;

/// A national product code (e.g. a US NDC or a national reimbursement number), ASCII.
pub type NationalCode = BoundedVec<u8, ConstU32<20>>;

/// Where a product's master data can be looked up (GS1 Digital Link resolver), ASCII.
pub type LookupUrl = BoundedVec<u8, ConstU32<200>>;

/// The hash by which a pack's serial number is known on chain; see [`serial_hash`].
pub type SerialHash = H256;

/// Identifier of a proposed transfer.
pub type TransferId = u64;

/// Identifier of a suspect-product case.
pub type CaseId = u64;

/// The deepest serial tree a proof may climb: 2^32 leaves, more than any lot.
pub const MAX_PROOF_DEPTH: u32 = 32;

/// Whether `gtin` is 14 digits with a valid check digit.
pub fn is_valid_gtin(gtin: &Gtin) -> bool {
	has_valid_check_digit(gtin)
}

/// Whether `gln` is 13 digits with a valid check digit.
pub fn is_valid_gln(gln: &Gln) -> bool {
	has_valid_check_digit(gln)
}

/// Whether `sscc` is 18 digits with a valid check digit.
pub fn is_valid_sscc(sscc: &Sscc) -> bool {
	has_valid_check_digit(sscc)
}

/// Whether `text` is a valid lot or serial number: 1 to 20 characters of GS1's "character set
/// 82" (the printable ASCII characters the AI encodation allows).
pub fn is_gs1_text(text: &[u8]) -> bool {
	!text.is_empty() &&
		text.len() <= MAX_GS1_TEXT_LEN as usize &&
		text.iter().all(|c| {
			c.is_ascii_alphanumeric() ||
				matches!(
					c,
					b'!' | b'"' | b'%' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b'-' |
						b'.' | b'/' | b':' | b';' | b'<' | b'=' | b'>' | b'?' | b'_'
				)
		})
}

/// Domain tag of a serial-tree leaf. With the GTIN and a serial of at most 20 characters a leaf
/// preimage is shorter than the 64 bytes of an inner node, so no leaf can pose as a node.
pub const SERIAL_LEAF_TAG: &[u8] = b"medchain/sgtin";

/// The on-chain name of the pack `gtin` + `serial` (an SGTIN): a leaf of its lot's serial tree.
pub fn serial_hash(gtin: &Gtin, serial: &[u8]) -> SerialHash {
	let mut preimage = alloc::vec::Vec::with_capacity(SERIAL_LEAF_TAG.len() + 14 + serial.len());
	preimage.extend_from_slice(SERIAL_LEAF_TAG);
	preimage.extend_from_slice(gtin);
	preimage.extend_from_slice(serial);
	<BlakeTwo256 as Hash>::hash(&preimage)
}

/// A pack's proof that its serial is in its lot's tree: its leaf position and the sibling hashes
/// from the leaf up (as `binary_merkle_tree::merkle_proof_raw` gives them).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct SerialProof {
	/// Position of the leaf among the lot's serials, from 0.
	pub leaf_index: u32,
	/// Sibling hashes, from the leaf's level up.
	pub siblings: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
}

/// The Merkle root committing to a lot's serials, in the order given.
pub fn serials_root(leaves: &[SerialHash]) -> H256 {
	binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(leaves.iter().copied())
}

/// The proof that `leaves[index]` is in [`serials_root`]`(leaves)`; `None` if out of range.
pub fn serial_proof(leaves: &[SerialHash], index: u32) -> Option<SerialProof> {
	if index as usize >= leaves.len() {
		return None;
	}
	let proof = binary_merkle_tree::merkle_proof_raw::<BlakeTwo256, _>(leaves.iter().copied(), index);
	Some(SerialProof { leaf_index: index, siblings: BoundedVec::truncate_from(proof.proof) })
}

/// How many siblings the proof of leaf `index` among `leaf_count` leaves has: one per level
/// where the node is paired (an odd last node is promoted without a sibling).
pub fn proof_length(leaf_count: u32, index: u32) -> u32 {
	let (mut width, mut position, mut length) = (leaf_count, index, 0);
	while width > 1 {
		if (position ^ 1) < width {
			length += 1;
		}
		position /= 2;
		width = width / 2 + width % 2;
	}
	length
}

/// Whether `leaf` is in the tree of `leaf_count` serials with root `root`. The proof must have
/// exactly the length of a leaf's path, so no inner node of the tree passes for a serial.
pub fn verify_serial(root: &H256, leaf_count: u32, leaf: SerialHash, proof: &SerialProof) -> bool {
	proof.siblings.len() as u32 == proof_length(leaf_count, proof.leaf_index) &&
		binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
		root,
		proof.siblings.iter().copied(),
		leaf_count,
		proof.leaf_index,
		binary_merkle_tree::Leaf::Hash(leaf),
	)
}

/// An expiry date as printed in a pack's DataMatrix (GS1 application identifier 17, YYMMDD).
/// The year is 2000 + `year`; day 0 means the last day of the month, as GS1 allows.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct ExpiryDate {
	/// Two-digit year: 0-99 for 2000-2099.
	pub year: u8,
	/// Month, 1-12.
	pub month: u8,
	/// Day of the month, or 0 for the month's last day.
	pub day: u8,
}

fn days_in_month(year: u32, month: u8) -> u8 {
	match month {
		1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
		4 | 6 | 9 | 11 => 30,
		_ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
		_ => 28,
	}
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian), for dates from 1970.
fn days_since_epoch(year: u32, month: u8, day: u8) -> u32 {
	// Count years from March so that the leap day ends a year.
	let (y, m) = if month <= 2 { (year - 1, u32::from(month) + 9) } else { (year, u32::from(month) - 3) };
	let era = y / 400;
	let year_of_era = y - era * 400;
	let day_of_year = (153 * m + 2) / 5 + u32::from(day) - 1;
	let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	// 719_468 days lie between 0000-03-01 and 1970-01-01.
	era * 146_097 + day_of_era - 719_468
}

impl ExpiryDate {
	/// From the six ASCII digits YYMMDD, if they form a valid date.
	pub fn from_yymmdd(text: &[u8]) -> Option<Self> {
		if text.len() != 6 || !text.iter().all(u8::is_ascii_digit) {
			return None;
		}
		let two = |i: usize| (text[i] - b'0') * 10 + (text[i + 1] - b'0');
		let date = Self { year: two(0), month: two(2), day: two(4) };
		date.is_valid().then_some(date)
	}

	/// Whether this is a date: year 0-99, month 1-12, day 0 or within the month.
	pub fn is_valid(&self) -> bool {
		self.year <= 99 &&
			(1..=12).contains(&self.month) &&
			self.day <= days_in_month(2000 + u32::from(self.year), self.month)
	}

	/// The last day the pack may be used, in days since 1970-01-01 (UTC).
	pub fn last_day(&self) -> u32 {
		let year = 2000 + u32::from(self.year);
		let day = if self.day == 0 { days_in_month(year, self.month) } else { self.day };
		days_since_epoch(year, self.month, day)
	}

	/// Whether the pack has expired on `today` (days since 1970-01-01).
	pub fn has_expired(&self, today: u32) -> bool {
		today > self.last_day()
	}
}

/// The day number (days since 1970-01-01, UTC) of a Unix time in milliseconds.
pub fn day_of_unix_millis(millis: u64) -> u32 {
	u32::try_from(millis / 86_400_000).unwrap_or(u32::MAX)
}

/// What kind of product a GTIN names.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ProductKind {
	/// A medicinal product.
	#[codec(index = 0)]
	Drug,
	/// A vaccine.
	#[codec(index = 1)]
	Vaccine,
	/// A biologic.
	#[codec(index = 2)]
	Biologic,
	/// A medical device.
	#[codec(index = 3)]
	Device,
}

/// An allowed (or observed) temperature range, in tenths of a degree Celsius, inclusive.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct TemperatureRange {
	/// Lowest temperature, in 0.1 °C.
	pub min_decidegrees: i16,
	/// Highest temperature, in 0.1 °C.
	pub max_decidegrees: i16,
}

impl TemperatureRange {
	/// Whether the range is not empty.
	pub fn is_valid(&self) -> bool {
		self.min_decidegrees <= self.max_decidegrees
	}

	/// Whether `observed` stays within this range.
	pub fn contains(&self, observed: &TemperatureRange) -> bool {
		self.min_decidegrees <= observed.min_decidegrees &&
			observed.max_decidegrees <= self.max_decidegrees
	}
}

/// A product's master data, as its owner registers it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct ProductDetails {
	/// Drug, vaccine, biologic or device.
	pub kind: ProductKind,
	/// A national code, e.g. the NDC (ASCII digits and dashes).
	pub national_code: Option<NationalCode>,
	/// The storage temperature the product must stay within (cold chain).
	pub temperature: Option<TemperatureRange>,
	/// A GS1 Digital Link or other lookup URL (ASCII).
	pub lookup_url: Option<LookupUrl>,
	/// Whether every pack gets its own state on chain (commissioned in batches, traded one by
	/// one). Otherwise packs are traded as lot quantities and only exceptions are stored.
	pub unit_tracked: bool,
}

/// Whether new lots may be commissioned for a product.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ProductStatus {
	/// Lots may be commissioned.
	#[codec(index = 0)]
	Active,
	/// Withdrawn from the market: no new lots; existing packs still verify.
	#[codec(index = 1)]
	Withdrawn,
}

/// A registered product (GTIN).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Product<AccountId, Balance> {
	/// The brand owner: the manufacturer that registered it, or whom it was handed to.
	pub owner: AccountId,
	/// The master data.
	pub details: ProductDetails,
	/// Active or withdrawn.
	pub status: ProductStatus,
	/// Number of lots commissioned and still stored.
	pub lots: u32,
	/// Deposit held from `owner`.
	pub deposit: Balance,
}

/// The head of an item's hash-chained history: each event extends it with [`history_link`].
#[derive(
	Clone, Copy, PartialEq, Eq, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen,
	TypeInfo, Debug,
)]
pub struct HistoryHead {
	/// Hash of the latest link (zero before the first event).
	pub head: H256,
	/// Number of events so far.
	pub events: u32,
}

/// Domain tag of a history link.
pub const HISTORY_TAG: &[u8] = b"medchain/epcis";

/// What an item's history records of one EPCIS event.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct EventRecord {
	/// The business step.
	pub step: BizStep,
	/// The item's disposition after the event.
	pub disposition: Disposition,
	/// Where the event was observed (GLN), if given.
	pub read_point: Option<Gln>,
	/// The business location the item is at afterwards (GLN), if known.
	pub business_location: Option<Gln>,
	/// Hash of the full event document kept off chain (EPCIS 2.0 JSON-LD), or of the notice,
	/// statement or evidence behind the event.
	pub document: H256,
}

/// The next history head: `blake2_256(SCALE(HISTORY_TAG, previous head, actor, block, record))`.
/// Anyone holding the off-chain events can recompute an item's head and compare.
pub fn history_link<AccountId: Encode, BlockNumber: Encode>(
	previous: &H256,
	actor: &AccountId,
	block: &BlockNumber,
	record: &EventRecord,
) -> H256 {
	<BlakeTwo256 as Hash>::hash(&(HISTORY_TAG, previous, actor, block, record).encode())
}

impl HistoryHead {
	/// Extends the history by one event.
	pub fn append<AccountId: Encode, BlockNumber: Encode>(
		&mut self,
		actor: &AccountId,
		block: &BlockNumber,
		record: &EventRecord,
	) {
		self.head = history_link(&self.head, actor, block, record);
		self.events = self.events.saturating_add(1);
	}
}

/// EPCIS 2.0 business steps (CBV `bizStep`) the chain knows.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum BizStep {
	/// Serial numbers or a lot brought into existence.
	#[codec(index = 0)]
	Commissioning,
	/// Items put into a logistic unit (aggregation ADD).
	#[codec(index = 1)]
	Packing,
	/// A logistic unit opened (aggregation DELETE).
	#[codec(index = 2)]
	Unpacking,
	/// Dispatched to a trading partner.
	#[codec(index = 3)]
	Shipping,
	/// Received from a trading partner.
	#[codec(index = 4)]
	Receiving,
	/// Put into saleable stock.
	#[codec(index = 5)]
	Storing,
	/// Held back from sale (e.g. awaiting inspection).
	#[codec(index = 6)]
	Holding,
	/// Inspected; the disposition stays.
	#[codec(index = 7)]
	Inspecting,
	/// Supplied to a patient.
	#[codec(index = 8)]
	Dispensing,
	/// Taken out of the supply chain for another reason.
	#[codec(index = 9)]
	Decommissioning,
	/// Recalled by the manufacturer or a regulator.
	#[codec(index = 10)]
	Recalling,
	/// Flagged as suspect, cleared or found illegitimate.
	#[codec(index = 11)]
	Investigating,
	/// A temperature excursion reported or cleared.
	#[codec(index = 12)]
	TemperatureMonitoring,
	/// A decommissioning reversed.
	#[codec(index = 13)]
	Reactivating,
}

/// EPCIS 2.0 dispositions (CBV `disposition`): the business state of an item.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Disposition {
	/// Commissioned, not yet in the trade.
	#[codec(index = 0)]
	Active,
	/// Shipped, not yet received.
	#[codec(index = 1)]
	InTransit,
	/// Received, being processed.
	#[codec(index = 2)]
	InProgress,
	/// In saleable stock.
	#[codec(index = 3)]
	SellableAccessible,
	/// Saleable but held back.
	#[codec(index = 4)]
	SellableNotAccessible,
	/// Not saleable for another reason (e.g. a temperature excursion).
	#[codec(index = 5)]
	NonSellableOther,
	/// Supplied to the public.
	#[codec(index = 6)]
	Dispensed,
	/// Destroyed.
	#[codec(index = 7)]
	Destroyed,
	/// Stolen.
	#[codec(index = 8)]
	Stolen,
	/// Decommissioned for another reason (sample, export, locked, checked out).
	#[codec(index = 9)]
	Inactive,
}

impl Disposition {
	/// Whether the item has left the supply chain for good.
	pub fn is_terminal(self) -> bool {
		matches!(self, Self::Dispensed | Self::Destroyed | Self::Stolen)
	}

	/// Whether the item may be moved, packed or observed in the trade.
	pub fn is_in_trade(self) -> bool {
		matches!(
			self,
			Self::Active |
				Self::InProgress |
				Self::SellableAccessible |
				Self::SellableNotAccessible |
				Self::NonSellableOther
		)
	}
}

impl BizStep {
	/// The transition table: the disposition after this step from `from`, or `None` if the
	/// move is impossible (e.g. receiving what was never shipped, shipping what is in transit,
	/// dispensing what was destroyed). Recalls, quarantines and expiry are checked beside it.
	pub fn apply(self, from: Disposition) -> Option<Disposition> {
		use Disposition::*;
		match self {
			Self::Commissioning => None,
			Self::Packing | Self::Unpacking | Self::Inspecting if from.is_in_trade() => Some(from),
			Self::Shipping if matches!(from, Active | InProgress | SellableAccessible | SellableNotAccessible | NonSellableOther) =>
				Some(InTransit),
			Self::Receiving if from == InTransit => Some(InProgress),
			Self::Storing if from.is_in_trade() => Some(SellableAccessible),
			Self::Holding if from.is_in_trade() => Some(SellableNotAccessible),
			Self::Dispensing if matches!(from, Active | InProgress | SellableAccessible) =>
				Some(Dispensed),
			// Stolen, destroyed and the like can happen from anywhere but the end.
			Self::Decommissioning if !from.is_terminal() && from != Inactive => Some(Inactive),
			Self::Reactivating if from == Inactive || from.is_terminal() => Some(Active),
			Self::Recalling | Self::Investigating | Self::TemperatureMonitoring => Some(from),
			_ => None,
		}
	}
}

/// Why a pack was decommissioned (EU FMD, Delegated Regulation 2016/161).
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum DecommissionReason {
	/// Supplied (dispensed) to the public. Only a dispenser may.
	#[codec(index = 0)]
	Supplied,
	/// Destroyed.
	#[codec(index = 1)]
	Destroyed,
	/// Stolen.
	#[codec(index = 2)]
	Stolen,
	/// Given as a sample to the competent authorities.
	#[codec(index = 3)]
	Sample,
	/// Given as a free sample.
	#[codec(index = 4)]
	FreeSample,
	/// Exported out of the market.
	#[codec(index = 5)]
	Exported,
	/// Locked (held, e.g. pending investigation).
	#[codec(index = 6)]
	Locked,
	/// Checked out (e.g. for a clinical trial or a hospital's own use).
	#[codec(index = 7)]
	CheckedOut,
}

impl DecommissionReason {
	/// Whether a decommissioning for this reason may never be reversed.
	pub fn is_final(self) -> bool {
		matches!(self, Self::Supplied | Self::Destroyed | Self::Stolen)
	}

	/// Whether the pack goes on to someone's use, which a recalled, expired, quarantined or
	/// temperature-damaged pack must not.
	pub fn releases_pack(self) -> bool {
		matches!(self, Self::Supplied | Self::Sample | Self::FreeSample | Self::Exported | Self::CheckedOut)
	}

	/// The pack's disposition afterwards.
	pub fn disposition(self) -> Disposition {
		match self {
			Self::Supplied => Disposition::Dispensed,
			Self::Destroyed => Disposition::Destroyed,
			Self::Stolen => Disposition::Stolen,
			_ => Disposition::Inactive,
		}
	}

	/// The business step it is recorded as.
	pub fn step(self) -> BizStep {
		match self {
			Self::Supplied => BizStep::Dispensing,
			_ => BizStep::Decommissioning,
		}
	}
}

/// Who decommissioned a pack, where, when and why.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Decommissioning<AccountId, BlockNumber> {
	/// Why.
	pub reason: DecommissionReason,
	/// The trading partner who did it.
	pub by: AccountId,
	/// Its premises (GLN) at the time: a reversal must happen there.
	pub location: Gln,
	/// The block.
	pub at: BlockNumber,
}

/// A recall of a lot.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Recall<AccountId, BlockNumber> {
	/// The manufacturer or regulator who recalled it.
	pub by: AccountId,
	/// Hash of the recall notice.
	pub notice: H256,
	/// The block.
	pub at: BlockNumber,
}

/// A commissioned lot.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Lot<AccountId, Balance, BlockNumber> {
	/// The manufacturer that commissioned it.
	pub manufacturer: AccountId,
	/// Its expiry date.
	pub expiry: ExpiryDate,
	/// Number of packs, which is the number of leaves of the serial tree.
	pub quantity: u32,
	/// Merkle root of the packs' [`serial_hash`]es.
	pub serials_root: H256,
	/// For a unit-tracked product: packs commissioned one by one so far (at most `quantity`).
	pub units_commissioned: u32,
	/// Set once the lot is recalled.
	pub recall: Option<Recall<AccountId, BlockNumber>>,
	/// The suspect-product case the whole lot is in, if any.
	pub suspect_case: Option<CaseId>,
	/// The lot's history.
	pub history: HistoryHead,
	/// The block of commissioning.
	pub commissioned_at: BlockNumber,
	/// Deposit held from `manufacturer`.
	pub deposit: Balance,
}

/// A pack named on chain: product, lot and serial hash, with the proof that the serial is in the
/// lot's tree.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct PackRef {
	/// The product.
	pub gtin: Gtin,
	/// The lot printed on the pack.
	pub lot: LotNumber,
	/// The pack's [`serial_hash`].
	pub serial: SerialHash,
	/// Membership of `serial` in the lot's tree.
	pub proof: SerialProof,
}

/// What can be traded or packed: a unit-tracked pack, a logistic unit, or a quantity of a lot's
/// packs (of a product that is not unit-tracked).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Goods {
	/// One pack of a unit-tracked product.
	#[codec(index = 0)]
	Unit {
		/// The product.
		gtin: Gtin,
		/// The pack's serial hash.
		serial: SerialHash,
	},
	/// A logistic unit with everything in it.
	#[codec(index = 1)]
	Container(Sscc),
	/// Packs of one lot, counted.
	#[codec(index = 2)]
	Quantity {
		/// The product.
		gtin: Gtin,
		/// The lot.
		lot: LotNumber,
		/// How many packs (more than zero).
		quantity: u32,
	},
}

/// An item with a history on chain.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum ItemId {
	/// A pack with state on chain (unit-tracked, or an exception).
	#[codec(index = 0)]
	Unit {
		/// The product.
		gtin: Gtin,
		/// The pack's serial hash.
		serial: SerialHash,
	},
	/// A logistic unit.
	#[codec(index = 1)]
	Container(Sscc),
	/// A lot.
	#[codec(index = 2)]
	Lot {
		/// The product.
		gtin: Gtin,
		/// The lot.
		lot: LotNumber,
	},
}

/// What a suspect-product case may cover.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum SuspectItem {
	/// One pack (any product), proven to be in its lot.
	#[codec(index = 0)]
	Pack(PackRef),
	/// A logistic unit.
	#[codec(index = 1)]
	Container(Sscc),
	/// A whole lot.
	#[codec(index = 2)]
	Lot {
		/// The product.
		gtin: Gtin,
		/// The lot.
		lot: LotNumber,
	},
}

/// Where a pack or logistic unit is: held by a trading partner (who owns it and has custody),
/// or packed in a logistic unit (and so wherever that is).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Placement<AccountId> {
	/// Owned and held by this trading partner.
	#[codec(index = 0)]
	Held(AccountId),
	/// Inside this logistic unit.
	#[codec(index = 1)]
	Packed(Sscc),
}

/// A temperature excursion reported for an item.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Excursion<AccountId> {
	/// The custodian who reported it.
	pub reported_by: AccountId,
	/// The temperatures observed.
	pub observed: TemperatureRange,
	/// Hash of the logger data.
	pub evidence: H256,
}

/// The state of a pack with per-pack state: every pack of a unit-tracked product, and the
/// exceptions (decommissioned, suspect, temperature-damaged) of the others.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Unit<AccountId, Balance, BlockNumber> {
	/// Its lot.
	pub lot: LotNumber,
	/// Where it is, for a unit-tracked pack; `None` for an exception of a lot-traded pack.
	pub placement: Option<Placement<AccountId>>,
	/// Its disposition.
	pub disposition: Disposition,
	/// Its business location (GLN), if known.
	pub location: Option<Gln>,
	/// The pending transfer it is part of, if any.
	pub in_transfer: Option<TransferId>,
	/// Set while it is decommissioned.
	pub decommissioned: Option<Decommissioning<AccountId, BlockNumber>>,
	/// The suspect-product case it is in, if any.
	pub suspect_case: Option<CaseId>,
	/// An uncleared temperature excursion.
	pub excursion: Option<Excursion<AccountId>>,
	/// Its history.
	pub history: HistoryHead,
	/// Who holds the deposit for this entry.
	pub depositor: AccountId,
	/// The deposit.
	pub deposit: Balance,
}

/// A logistic unit (case, pallet) named by its SSCC. It holds packs, lot quantities, or other
/// logistic units that themselves hold no logistic units (two levels: a pallet of cases).
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance)]
#[scale_info(skip_type_params(MaxContents))]
pub struct Container<AccountId, Balance, MaxContents: Get<u32>> {
	/// Where it is.
	pub placement: Placement<AccountId>,
	/// Its disposition (that of everything in it).
	pub disposition: Disposition,
	/// Its business location (GLN), if known.
	pub location: Option<Gln>,
	/// What is in it.
	pub contents: BoundedVec<Goods, MaxContents>,
	/// The pending transfer it is part of, if any.
	pub in_transfer: Option<TransferId>,
	/// The suspect-product case it is in, if any.
	pub suspect_case: Option<CaseId>,
	/// An uncleared temperature excursion.
	pub excursion: Option<Excursion<AccountId>>,
	/// Its history.
	pub history: HistoryHead,
	/// Who holds the deposit (who packed it).
	pub depositor: AccountId,
	/// The deposit.
	pub deposit: Balance,
}

/// The DSCSA transaction documents of a change of ownership, by hash (the documents themselves
/// are exchanged off chain).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct TransactionDocuments {
	/// Transaction information (TI): product, quantity, lot, dates, parties.
	pub information: H256,
	/// Transaction history (TH): the TIs of earlier transactions.
	pub history: H256,
	/// Transaction statement (TS): the seller's attestation.
	pub statement: H256,
}

/// A proposed transfer of ownership and custody, awaiting the receiver.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance, BlockNumber)]
#[scale_info(skip_type_params(MaxItems))]
pub struct Transfer<AccountId, Balance, BlockNumber, MaxItems: Get<u32>> {
	/// The sender (owner and custodian until acceptance).
	pub from: AccountId,
	/// The receiver, an authorised trading partner.
	pub to: AccountId,
	/// What is shipped.
	pub items: BoundedVec<Goods, MaxItems>,
	/// The DSCSA documents, by hash.
	pub documents: TransactionDocuments,
	/// Hash of the shipping event document.
	pub shipping_event: H256,
	/// When it was proposed.
	pub proposed_at: BlockNumber,
	/// Deposit held from `from`.
	pub deposit: Balance,
}

/// Where a suspect-product case stands (DSCSA).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum CaseStatus<BlockNumber> {
	/// Quarantined, under investigation.
	#[codec(index = 0)]
	Quarantined,
	/// Determined illegitimate: regulator and partners must be notified by `notify_by`.
	#[codec(index = 1)]
	Illegitimate {
		/// The notification deadline.
		notify_by: BlockNumber,
	},
	/// The regulator recorded the notification.
	#[codec(index = 2)]
	Notified {
		/// Hash of the notification.
		notice: H256,
		/// When it was recorded.
		at: BlockNumber,
		/// The deadline it was due by.
		notify_by: BlockNumber,
	},
	/// The regulator terminated the notification: the case is closed, the items stay
	/// illegitimate.
	#[codec(index = 3)]
	Terminated {
		/// When.
		at: BlockNumber,
	},
}

/// A suspect-product case.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[derive_where(Clone, PartialEq, Eq, Debug; AccountId, Balance, BlockNumber)]
#[scale_info(skip_type_params(MaxItems))]
pub struct SuspectCase<AccountId, Balance, BlockNumber, MaxItems: Get<u32>> {
	/// The trading partner who flagged it.
	pub reporter: AccountId,
	/// The items in quarantine.
	pub items: BoundedVec<ItemId, MaxItems>,
	/// Hash of the report.
	pub reason: H256,
	/// Where it stands.
	pub status: CaseStatus<BlockNumber>,
	/// When it was opened.
	pub opened_at: BlockNumber,
	/// Deposit held from `reporter`.
	pub deposit: Balance,
}

/// The answer to a pack verification (`verify_unit`), in the order the checks run.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Verification {
	/// A genuine pack that may be supplied.
	#[codec(index = 0)]
	Verified,
	/// No product with this GTIN.
	#[codec(index = 1)]
	UnknownProduct,
	/// The product has no lot with this number.
	#[codec(index = 2)]
	LotMismatch,
	/// The lot's expiry date differs from the one on the pack.
	#[codec(index = 3)]
	ExpiryMismatch,
	/// The serial is not one of the lot's (or, unit-tracked, was never commissioned): likely a
	/// counterfeit.
	#[codec(index = 4)]
	UnknownSerial,
	/// The pack or its lot was determined illegitimate.
	#[codec(index = 5)]
	Illegitimate,
	/// The lot was recalled.
	#[codec(index = 6)]
	Recalled,
	/// The pack was decommissioned, for this reason.
	#[codec(index = 7)]
	Decommissioned(DecommissionReason),
	/// The pack, its logistic unit or its lot is quarantined as suspect, or has an uncleared
	/// temperature excursion.
	#[codec(index = 8)]
	Quarantined,
	/// The pack is past its expiry date.
	#[codec(index = 9)]
	Expired,
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec::Vec;
	use proptest::prelude::*;

	fn with_check_digit(data: &[u8]) -> Vec<u8> {
		let mut out = data.to_vec();
		out.push(crate::gs1::check_digit(data).unwrap());
		out
	}

	fn leaves(count: usize) -> Vec<SerialHash> {
		let gtin = *b"09506000134352";
		(0..count).map(|i| serial_hash(&gtin, alloc::format!("SN{i:08}").as_bytes())).collect()
	}

	proptest! {
		#[test]
		fn gs1_identifiers_with_their_check_digit_validate(
			gtin in proptest::collection::vec(b'0'..=b'9', 13),
			gln in proptest::collection::vec(b'0'..=b'9', 12),
			sscc in proptest::collection::vec(b'0'..=b'9', 17),
		) {
			let gtin: Gtin = with_check_digit(&gtin).try_into().unwrap();
			let gln: Gln = with_check_digit(&gln).try_into().unwrap();
			let sscc: Sscc = with_check_digit(&sscc).try_into().unwrap();
			prop_assert!(is_valid_gtin(&gtin));
			prop_assert!(is_valid_gln(&gln));
			prop_assert!(is_valid_sscc(&sscc));
		}

		#[test]
		fn any_single_digit_change_breaks_the_check(
			data in proptest::collection::vec(b'0'..=b'9', 13),
			position in 0usize..14,
			delta in 1u8..10,
		) {
			let mut gtin: Gtin = with_check_digit(&data).try_into().unwrap();
			gtin[position] = b'0' + (gtin[position] - b'0' + delta) % 10;
			prop_assert!(!is_valid_gtin(&gtin));
		}

		#[test]
		fn every_serial_proves_membership_and_nothing_else_does(
			count in 1usize..300,
			pick in any::<prop::sample::Index>(),
			stranger in "[A-Z0-9]{1,20}",
		) {
			let leaves = leaves(count);
			let root = serials_root(&leaves);
			let index = pick.index(count);
			let proof = serial_proof(&leaves, index as u32).unwrap();
			prop_assert!(verify_serial(&root, count as u32, leaves[index], &proof));
			// A serial not in the lot, with the same proof, fails.
			let fake = serial_hash(b"09506000134352", stranger.as_bytes());
			prop_assume!(!leaves.contains(&fake));
			prop_assert!(!verify_serial(&root, count as u32, fake, &proof));
			// Nor does an inner node of the tree, with the rest of a leaf's proof.
			if proof.siblings.len() > 1 {
				let (first, rest) = (proof.siblings[0], proof.siblings[1..].to_vec());
				let (left, right) = if index % 2 == 0 { (leaves[index], first) } else { (first, leaves[index]) };
				let inner = <BlakeTwo256 as Hash>::hash(&[left.as_bytes(), right.as_bytes()].concat());
				let shortened = SerialProof {
					leaf_index: (index / 2) as u32,
					siblings: BoundedVec::truncate_from(rest),
				};
				prop_assert!(!verify_serial(&root, count as u32, inner, &shortened));
			}
			// And no position outside the lot.
			let outside = SerialProof { leaf_index: count as u32, ..proof };
			prop_assert!(!verify_serial(&root, count as u32, leaves[index], &outside));
		}

		#[test]
		fn expiry_dates_round_trip_and_order(year in 0u8..100, month in 1u8..13, day in 0u8..29) {
			let date = ExpiryDate { year, month, day };
			prop_assert!(date.is_valid());
			let text = alloc::format!("{year:02}{month:02}{day:02}");
			prop_assert_eq!(ExpiryDate::from_yymmdd(text.as_bytes()), Some(date));
			prop_assert!(!date.has_expired(date.last_day()));
			prop_assert!(date.has_expired(date.last_day() + 1));
		}
	}

	#[test]
	fn a_lot_of_one_pack_has_its_serial_hash_as_root() {
		let leaf = serial_hash(b"00012345600012", b"SN1");
		assert_eq!(serials_root(&[leaf]), leaf);
		let proof = SerialProof { leaf_index: 0, siblings: Default::default() };
		assert!(verify_serial(&leaf, 1, leaf, &proof));
		assert!(!verify_serial(&leaf, 1, serial_hash(b"00012345600012", b"SN2"), &proof));
		// What Polkadot.js apps' hash utility gives for the text `medchain/sgtin00012345600012SN1`.
		assert_eq!(leaf, <BlakeTwo256 as Hash>::hash(b"medchain/sgtin00012345600012SN1"));
	}

	#[test]
	fn expiry_days_match_the_calendar() {
		// 2000-01-01 is day 10,957; 2024-02-29 is day 19,782.
		assert_eq!(ExpiryDate { year: 0, month: 1, day: 1 }.last_day(), 10_957);
		assert_eq!(ExpiryDate { year: 24, month: 2, day: 29 }.last_day(), 19_782);
		// Day 0 is the month's last day, leap years included.
		assert_eq!(ExpiryDate { year: 24, month: 2, day: 0 }.last_day(), 19_782);
		assert_eq!(ExpiryDate { year: 23, month: 2, day: 0 }.last_day(), 19_416);
		assert!(ExpiryDate::from_yymmdd(b"230229").is_none());
		assert!(ExpiryDate::from_yymmdd(b"241301").is_none());
		assert!(ExpiryDate::from_yymmdd(b"24120").is_none());
		assert_eq!(day_of_unix_millis(1_709_164_800_000), 19_782); // 2024-02-29T00:00Z
	}

	#[test]
	fn lot_and_serial_text_follows_gs1() {
		assert!(is_gs1_text(b"LOT-2026/A_1"));
		assert!(!is_gs1_text(b""));
		assert!(!is_gs1_text(b"with space"));
		assert!(!is_gs1_text(b"123456789012345678901"));
		assert!(!is_gs1_text("é".as_bytes()));
	}

	#[test]
	fn the_transition_table_rejects_impossible_moves() {
		use Disposition::*;
		assert_eq!(BizStep::Shipping.apply(SellableAccessible), Some(InTransit));
		assert_eq!(BizStep::Receiving.apply(InTransit), Some(InProgress));
		assert_eq!(BizStep::Receiving.apply(SellableAccessible), None);
		assert_eq!(BizStep::Shipping.apply(InTransit), None);
		assert_eq!(BizStep::Dispensing.apply(Dispensed), None);
		assert_eq!(BizStep::Dispensing.apply(InTransit), None);
		assert_eq!(BizStep::Decommissioning.apply(Destroyed), None);
		assert_eq!(BizStep::Storing.apply(InProgress), Some(SellableAccessible));
		assert_eq!(BizStep::Commissioning.apply(Active), None);
	}
}
