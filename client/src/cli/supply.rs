//! `medchain supply`: the drug supply chain (pallet `SupplyChain`): products, lots committed by
//! the Merkle root of their serials, transfers, dispensing, recalls, suspect products, and the
//! verification of a pack from its GS1 DataMatrix.
//!
//! Everything is built from `medchain_primitives::supply` (and `gs1`): the serial tree
//! ([`serials_root`], [`serial_proof`], [`serial_hash`]), the GTIN check digit, [`ExpiryDate`],
//! and the call and runtime-API argument types. A lot's serials come from a file, one serial per
//! line in the lot's order (the order fixes the root); only the root and the count go on chain,
//! and a pack's serial goes on chain only as its [`serial_hash`].

use std::{fs, path::Path, path::PathBuf};

use clap::{Args, Subcommand};
use codec::Encode;
use medchain_primitives::supply::{
	has_valid_check_digit, is_gs1_text, serial_hash, serial_proof, serials_root,
	DecommissionReason, ExpiryDate, Goods, Gtin, Lot, LotNumber, LookupUrl, NationalCode,
	PackRef, ProductDetails, ProductKind, SerialHash, SerialProof, Sscc, SuspectItem,
	TemperatureRange, TransactionDocuments, Transfer, TransferId, Verification,
	MAX_GS1_TEXT_LEN,
};
use serde_json::json;
use sp_core::{ConstU32, H256};

use super::{
	args::{hex0x, parse_account, parse_hex32, ss58},
	output::EXIT_DENIED,
	CliError, Context, ErrorKind, Output,
};
use crate::{
	chain::{Address, Call, Chain},
	envelope::content_hash,
	keys::AccountId,
};

/// The runtime's `MaxTransferItems` (`MAX_TRANSFER_ITEMS` in `runtime/src/configs/medchain.rs`).
pub const MAX_TRANSFER_ITEMS: u32 = 64;
/// The runtime's `MaxCaseItems` (`MAX_CASE_ITEMS`).
pub const MAX_CASE_ITEMS: u32 = 32;
/// The runtime's `MaxLotsPerRecall`.
pub const MAX_LOTS_PER_RECALL: u32 = 32;
/// The pallet's name in the runtime.
const PALLET: &str = "SupplyChain";

/// A lot as the runtime API answers it.
pub type LotOf = Lot<AccountId, u128, u32>;
/// A transfer as the runtime API answers it.
pub type TransferOf = Transfer<AccountId, u128, u32, ConstU32<MAX_TRANSFER_ITEMS>>;

/// A serial number in clear (an alias, so that clap takes it as one value).
pub type SerialText = Vec<u8>;

/// The supply subcommands.
#[derive(Debug, Subcommand)]
pub enum SupplyCommand {
	/// Products (GTINs).
	#[command(subcommand)]
	Product(ProductCommand),
	/// Lots.
	#[command(subcommand)]
	Lot(LotCommand),
	/// Propose a transfer of ownership and custody to a trading partner.
	Ship(ShipArgs),
	/// Accept a transfer proposed to you.
	Accept {
		/// The transfer id.
		id: TransferId,
		/// The receiving event document.
		#[command(flatten)]
		document: DocumentArgs,
	},
	/// Dispense a pack (decommission it as Supplied), after verifying it. Dispensers only.
	Dispense(DispenseArgs),
	/// Recall lots of a product (its owner, or a regulator).
	Recall(RecallArgs),
	/// Flag packs, logistic units or lots as suspect (DSCSA): they are quarantined.
	FlagSuspect(FlagSuspectArgs),
	/// Verify a pack from its GS1 DataMatrix (runtime API; no identity needed). Exits 0 if
	/// verified, 6 otherwise.
	Verify(VerifyArgs),
}

/// `supply product ...`.
#[derive(Debug, Subcommand)]
pub enum ProductCommand {
	/// Register a product as its brand owner (manufacturers).
	Register(RegisterArgs),
}

/// `supply lot ...`.
#[derive(Debug, Subcommand)]
pub enum LotCommand {
	/// Commission a lot: its serials' Merkle root and count go on chain.
	Commission(CommissionArgs),
}

/// The hash of an event document (EPCIS event, notice, report) kept off chain.
#[derive(Debug, Args, Default, Clone)]
pub struct DocumentArgs {
	/// The event document (only its BLAKE2-256 hash goes on chain) [default: no document, a
	/// zero hash].
	#[arg(long, value_name = "FILE", conflicts_with = "document_hash")]
	pub document: Option<PathBuf>,
	/// The event document's hash, 0x hex.
	#[arg(long, value_name = "HASH", value_parser = parse_hex32)]
	pub document_hash: Option<[u8; 32]>,
}

/// `supply product register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
	/// The GTIN (8, 12, 13 or 14 digits with the check digit; padded to 14).
	#[arg(long, value_parser = parse_gtin)]
	pub gtin: Gtin,
	/// Drug, Vaccine, Biologic or Device.
	#[arg(long, value_parser = parse_kind)]
	pub kind: ProductKind,
	/// A GS1 Digital Link or other lookup URL.
	#[arg(long, value_name = "URL")]
	pub lookup_url: Option<String>,
	/// A national code (e.g. an NDC).
	#[arg(long, value_name = "CODE")]
	pub national_code: Option<String>,
	/// The storage temperature range in °C, `MIN,MAX` (e.g. `2,8`; one decimal).
	#[arg(long, value_name = "MIN,MAX", value_parser = parse_temperature, allow_hyphen_values = true)]
	pub temperature: Option<TemperatureRange>,
	/// Every pack gets its own state on chain (else packs are traded as lot quantities).
	#[arg(long)]
	pub unit_tracked: bool,
}

/// `supply lot commission`.
#[derive(Debug, Args)]
pub struct CommissionArgs {
	/// The product's GTIN.
	#[arg(long, value_parser = parse_gtin)]
	pub gtin: Gtin,
	/// The lot number (GS1 AI 10).
	#[arg(long, value_parser = parse_lot)]
	pub lot: LotNumber,
	/// The expiry date, YYMMDD (DD may be 00: the month's last day).
	#[arg(long, value_name = "YYMMDD", value_parser = parse_expiry)]
	pub expiry: ExpiryDate,
	/// The lot's serials, one per line, in order.
	#[arg(long, value_name = "FILE")]
	pub serials: PathBuf,
	/// The commissioning event document.
	#[command(flatten)]
	pub document: DocumentArgs,
	/// Compute and print the root and count without submitting (no identity, no node).
	#[arg(long)]
	pub dry_run: bool,
}

/// `supply ship`.
#[derive(Debug, Args)]
pub struct ShipArgs {
	/// The receiver, a registered trading partner (SS58 or 0x hex).
	#[arg(long, value_parser = parse_account)]
	pub to: AccountId,
	/// What is shipped, comma or space separated: `sscc:<SSCC-18>` (a logistic unit),
	/// `lot:<GTIN>:<LOT>:<QUANTITY>` (packs of a lot-traded product), `unit:<GTIN>:<SERIAL>` (a
	/// pack of a unit-tracked product).
	#[arg(long, required = true, num_args = 1.., value_delimiter = ',', value_parser = parse_goods)]
	pub items: Vec<Goods>,
	/// The DSCSA documents: transaction information, history and statement, three files
	/// (comma separated); only their hashes go on chain.
	#[arg(long, value_name = "TI,TH,TS", value_parser = parse_three_files, conflicts_with = "documents_hash", required_unless_present = "documents_hash")]
	pub documents: Option<[PathBuf; 3]>,
	/// The three document hashes instead, 0x hex, comma separated.
	#[arg(long, value_name = "TI,TH,TS", value_parser = parse_three_hashes)]
	pub documents_hash: Option<[[u8; 32]; 3]>,
	/// The shipping event document.
	#[command(flatten)]
	pub document: DocumentArgs,
}

/// A pack as printed on it: GTIN, serial, lot and expiry, from its DataMatrix or given one by
/// one.
#[derive(Debug, Args)]
pub struct PackArgs {
	/// The pack's GS1 element string (see `supply verify`), instead of the four options.
	#[arg(long, value_name = "ELEMENT STRING", value_parser = parse_pack_code, conflicts_with_all = ["gtin", "serial", "lot", "expiry"], required_unless_present_all = ["gtin", "serial", "lot", "expiry"])]
	pub datamatrix: Option<PackCode>,
	/// The GTIN.
	#[arg(long, value_parser = parse_gtin)]
	pub gtin: Option<Gtin>,
	/// The serial (GS1 AI 21).
	#[arg(long, value_parser = parse_serial)]
	pub serial: Option<SerialText>,
	/// The lot (GS1 AI 10).
	#[arg(long, value_parser = parse_lot)]
	pub lot: Option<LotNumber>,
	/// The expiry date, YYMMDD.
	#[arg(long, value_name = "YYMMDD", value_parser = parse_expiry)]
	pub expiry: Option<ExpiryDate>,
}

impl PackArgs {
	/// The pack these options name.
	pub fn pack(&self) -> Result<PackCode, CliError> {
		if let Some(code) = &self.datamatrix {
			return Ok(code.clone());
		}
		match (self.gtin, &self.serial, &self.lot, self.expiry) {
			(Some(gtin), Some(serial), Some(lot), Some(expiry)) => {
				Ok(PackCode { gtin, serial: serial.clone(), lot: lot.clone(), expiry })
			},
			_ => Err(CliError::usage("name the pack: --datamatrix, or --gtin, --serial, --lot and --expiry")),
		}
	}
}

/// `supply dispense`.
#[derive(Debug, Args)]
pub struct DispenseArgs {
	/// The pack.
	#[command(flatten)]
	pub pack: PackArgs,
	/// The pack's lot's serials, one per line, in order (for the Merkle proof).
	#[arg(long, value_name = "FILE")]
	pub serials: PathBuf,
	/// The dispensing event document.
	#[command(flatten)]
	pub document: DocumentArgs,
}

/// `supply recall`.
#[derive(Debug, Args)]
pub struct RecallArgs {
	/// The product's GTIN.
	#[arg(long, value_parser = parse_gtin)]
	pub gtin: Gtin,
	/// The lots, comma separated.
	#[arg(long, required = true, num_args = 1.., value_delimiter = ',', value_parser = parse_lot)]
	pub lots: Vec<LotNumber>,
	/// The recall notice.
	#[command(flatten)]
	pub document: DocumentArgs,
}

/// `supply flag-suspect`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("suspects").required(true).multiple(true).args(["lot", "container", "pack"])))]
pub struct FlagSuspectArgs {
	/// A whole lot, `<GTIN>:<LOT>` (repeatable).
	#[arg(long, value_name = "GTIN:LOT", value_parser = parse_gtin_lot)]
	pub lot: Vec<(Gtin, LotNumber)>,
	/// A logistic unit, its SSCC-18 (repeatable).
	#[arg(long, value_name = "SSCC", value_parser = parse_sscc)]
	pub container: Vec<Sscc>,
	/// A pack, `<GTIN>:<LOT>:<SERIAL>` or its GS1 element string (repeatable; needs
	/// --serials).
	#[arg(long, value_name = "PACK", value_parser = parse_suspect_pack)]
	pub pack: Vec<(Gtin, LotNumber, Vec<u8>)>,
	/// The serials of the packs' lot, one per line, in order (for the Merkle proofs).
	#[arg(long, value_name = "FILE", requires = "pack")]
	pub serials: Option<PathBuf>,
	/// The report (the reason of the case).
	#[command(flatten)]
	pub document: DocumentArgs,
}

/// `supply verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
	/// The pack's GS1 element string with AIs (01) GTIN, (21) serial, (10) lot, (17) expiry:
	/// `(01)…(17)…(10)…(21)…`, or raw with GS separators (the byte 0x1D, or `<GS>`), as a
	/// scanner gives it (a leading `]d2` symbology identifier is ignored).
	#[arg(value_name = "DATAMATRIX", value_parser = parse_pack_code)]
	pub code: PackCode,
	/// The pack's lot's serials, one per line, in order (for the Merkle proof).
	#[arg(long, value_name = "FILE")]
	pub serials: PathBuf,
}

impl SupplyCommand {
	/// The command's name in outputs.
	pub fn name(&self) -> &'static str {
		match self {
			SupplyCommand::Product(ProductCommand::Register(_)) => "supply product register",
			SupplyCommand::Lot(LotCommand::Commission(_)) => "supply lot commission",
			SupplyCommand::Ship(_) => "supply ship",
			SupplyCommand::Accept { .. } => "supply accept",
			SupplyCommand::Dispense(_) => "supply dispense",
			SupplyCommand::Recall(_) => "supply recall",
			SupplyCommand::FlagSuspect(_) => "supply flag-suspect",
			SupplyCommand::Verify(_) => "supply verify",
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Values on the command line.

/// A GTIN with a valid check digit: 8, 12, 13 or 14 digits, left-padded with zeros to 14.
pub fn parse_gtin(text: &str) -> Result<Gtin, String> {
	let text = text.trim();
	if !matches!(text.len(), 8 | 12 | 13 | 14) || !text.bytes().all(|c| c.is_ascii_digit()) {
		return Err(format!("{text:?} is not a GTIN: 8, 12, 13 or 14 digits"));
	}
	let mut gtin = [b'0'; 14];
	gtin[14 - text.len()..].copy_from_slice(text.as_bytes());
	if !has_valid_check_digit(&gtin) {
		return Err(format!("{text:?} is not a GTIN: wrong check digit"));
	}
	Ok(gtin)
}

/// An SSCC-18 with a valid check digit.
pub fn parse_sscc(text: &str) -> Result<Sscc, String> {
	let text = text.trim();
	let sscc: Sscc = text
		.as_bytes()
		.try_into()
		.map_err(|_| format!("{text:?} is not an SSCC: 18 digits"))?;
	if !has_valid_check_digit(&sscc) {
		return Err(format!("{text:?} is not an SSCC: 18 digits with a valid check digit"));
	}
	Ok(sscc)
}

/// A lot number: 1 to 20 characters of GS1's character set 82.
pub fn parse_lot(text: &str) -> Result<LotNumber, String> {
	let text = text.trim();
	if !is_gs1_text(text.as_bytes()) {
		return Err(format!(
			"{text:?} is not a lot number: 1 to {MAX_GS1_TEXT_LEN} GS1 characters (letters, digits, !\"%&'()*+,-./:;<=>?_)"
		));
	}
	Ok(LotNumber::truncate_from(text.as_bytes().to_vec()))
}

/// A serial number: 1 to 20 characters of GS1's character set 82.
pub fn parse_serial(text: &str) -> Result<Vec<u8>, String> {
	let text = text.trim();
	if !is_gs1_text(text.as_bytes()) {
		return Err(format!("{text:?} is not a serial number: 1 to {MAX_GS1_TEXT_LEN} GS1 characters"));
	}
	Ok(text.as_bytes().to_vec())
}

/// An expiry date, YYMMDD.
pub fn parse_expiry(text: &str) -> Result<ExpiryDate, String> {
	ExpiryDate::from_yymmdd(text.trim().as_bytes())
		.ok_or_else(|| format!("{text:?} is not an expiry date YYMMDD (DD may be 00)"))
}

/// A product kind by name.
pub fn parse_kind(text: &str) -> Result<ProductKind, String> {
	const ALL: [ProductKind; 4] =
		[ProductKind::Drug, ProductKind::Vaccine, ProductKind::Biologic, ProductKind::Device];
	ALL.iter()
		.copied()
		.find(|kind| format!("{kind:?}").eq_ignore_ascii_case(text.trim()))
		.ok_or_else(|| format!("unknown product kind {text:?}; one of: Drug, Vaccine, Biologic, Device"))
}

/// A temperature range `MIN,MAX` in °C (one decimal), as tenths of a degree.
pub fn parse_temperature(text: &str) -> Result<TemperatureRange, String> {
	let bad = || format!("{text:?} is not a temperature range MIN,MAX in °C, e.g. 2,8");
	let (min, max) = text.split_once(',').ok_or_else(bad)?;
	let tenths = |value: &str| -> Result<i16, String> {
		let degrees: f64 = value.trim().parse().map_err(|_| bad())?;
		let tenths = (degrees * 10.0).round();
		if !(f64::from(i16::MIN)..=f64::from(i16::MAX)).contains(&tenths) {
			return Err(bad());
		}
		Ok(tenths as i16)
	};
	let range = TemperatureRange { min_decidegrees: tenths(min)?, max_decidegrees: tenths(max)? };
	if !range.is_valid() {
		return Err(format!("{text:?}: the minimum is above the maximum"));
	}
	Ok(range)
}

/// Goods to ship: `sscc:<SSCC>`, `lot:<GTIN>:<LOT>:<QUANTITY>` or `unit:<GTIN>:<SERIAL>`.
pub fn parse_goods(text: &str) -> Result<Goods, String> {
	let text = text.trim();
	let (kind, rest) = text.split_once(':').ok_or_else(|| {
		format!("{text:?}: goods are sscc:<SSCC>, lot:<GTIN>:<LOT>:<QUANTITY> or unit:<GTIN>:<SERIAL>")
	})?;
	match kind.to_ascii_lowercase().as_str() {
		"sscc" | "container" => Ok(Goods::Container(parse_sscc(rest)?)),
		"lot" | "quantity" => {
			let (gtin, rest) = rest.split_once(':').ok_or_else(|| format!("{text:?}: lot:<GTIN>:<LOT>:<QUANTITY>"))?;
			let (lot, quantity) = rest.rsplit_once(':').ok_or_else(|| format!("{text:?}: lot:<GTIN>:<LOT>:<QUANTITY>"))?;
			let quantity: u32 = quantity
				.parse()
				.ok()
				.filter(|quantity| *quantity > 0)
				.ok_or_else(|| format!("{text:?}: the quantity must be a number above 0"))?;
			Ok(Goods::Quantity { gtin: parse_gtin(gtin)?, lot: parse_lot(lot)?, quantity })
		},
		"unit" | "pack" => {
			let (gtin, serial) = rest.split_once(':').ok_or_else(|| format!("{text:?}: unit:<GTIN>:<SERIAL>"))?;
			let gtin = parse_gtin(gtin)?;
			Ok(Goods::Unit { gtin, serial: serial_hash(&gtin, &parse_serial(serial)?) })
		},
		_ => Err(format!("{text:?}: goods are sscc:…, lot:… or unit:…")),
	}
}

/// Three comma-separated values.
fn three<T>(text: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<[T; 3], String> {
	let values = text.split(',').map(parse).collect::<Result<Vec<_>, _>>()?;
	values.try_into().map_err(|_| format!("{text:?}: three values, comma separated (TI,TH,TS)"))
}

/// Three files `TI,TH,TS`.
pub fn parse_three_files(text: &str) -> Result<[PathBuf; 3], String> {
	three(text, |path| Ok(PathBuf::from(path)))
}

/// Three hashes `TI,TH,TS`.
pub fn parse_three_hashes(text: &str) -> Result<[[u8; 32]; 3], String> {
	three(text, parse_hex32)
}

/// A lot `<GTIN>:<LOT>`.
pub fn parse_gtin_lot(text: &str) -> Result<(Gtin, LotNumber), String> {
	let (gtin, lot) = text.trim().split_once(':').ok_or_else(|| format!("{text:?}: <GTIN>:<LOT>"))?;
	Ok((parse_gtin(gtin)?, parse_lot(lot)?))
}

/// A pack `<GTIN>:<LOT>:<SERIAL>`, or a GS1 element string.
pub fn parse_suspect_pack(text: &str) -> Result<(Gtin, LotNumber, Vec<u8>), String> {
	if let Ok(code) = parse_pack_code(text) {
		return Ok((code.gtin, code.lot, code.serial));
	}
	let (gtin, rest) = text.trim().split_once(':').ok_or_else(|| format!("{text:?}: <GTIN>:<LOT>:<SERIAL> or a GS1 element string"))?;
	let (lot, serial) = rest.rsplit_once(':').ok_or_else(|| format!("{text:?}: <GTIN>:<LOT>:<SERIAL>"))?;
	Ok((parse_gtin(gtin)?, parse_lot(lot)?, parse_serial(serial)?))
}

// ---------------------------------------------------------------------------------------------
// GS1 element strings (the content of a pack's DataMatrix).

/// What a pack's DataMatrix says: GTIN (AI 01), serial (21), lot (10), expiry (17).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackCode {
	/// AI 01.
	pub gtin: Gtin,
	/// AI 21.
	pub serial: Vec<u8>,
	/// AI 10.
	pub lot: LotNumber,
	/// AI 17.
	pub expiry: ExpiryDate,
}

/// The GS separator (ASCII 29), which stands for FNC1 inside an element string.
pub const GS: char = '\u{1d}';

/// The length of a fixed-length AI's value, or `None` for a variable-length one (up to 20
/// characters, ended by GS or the end); an error for an AI this tool does not know.
fn ai_length(ai: &str) -> Result<Option<usize>, String> {
	match ai {
		"01" | "02" => Ok(Some(14)),
		"11" | "12" | "13" | "15" | "16" | "17" => Ok(Some(6)),
		"10" | "21" | "22" | "710" | "711" | "712" | "713" | "714" | "715" => Ok(None),
		_ => Err(format!("unsupported GS1 application identifier ({ai})")),
	}
}

/// The AI at the start of `text` (2 digits, or 3 for the 71x national codes).
fn ai_prefix(text: &str) -> Result<&str, String> {
	let head = text.get(..2).ok_or_else(|| format!("truncated element string at {text:?}"))?;
	let ai = if head == "71" { text.get(..3).unwrap_or(head) } else { head };
	if !ai.bytes().all(|c| c.is_ascii_digit()) {
		return Err(format!("expected an application identifier at {text:?}"));
	}
	Ok(ai)
}

/// The (AI, value) pairs of a GS1 element string, in either form: human-readable with the AIs
/// in parentheses, or raw with GS (0x1D, or the text `<GS>` or `\x1d`) after each
/// variable-length value that is not last. A leading symbology identifier (`]d2`, `]C1`, `]Q3`)
/// and a leading FNC1/GS are ignored; a GS after a fixed-length value is tolerated.
pub fn parse_element_string(text: &str) -> Result<Vec<(String, String)>, String> {
	let mut text = text.trim().to_owned();
	for identifier in ["]d2", "]C1", "]Q3", "]e0"] {
		if let Some(rest) = text.strip_prefix(identifier) {
			text = rest.to_owned();
		}
	}
	let text = text.replace("<GS>", "\u{1d}").replace("\\x1d", "\u{1d}").replace("\\x1D", "\u{1d}");
	let mut fields = Vec::new();
	if text.trim_start_matches(GS).starts_with('(') {
		// Human-readable: a value runs until the next "(<digits>)".
		let mut rest = text.trim_start_matches(GS);
		while !rest.is_empty() {
			let close = rest.find(')').ok_or_else(|| format!("unclosed application identifier in {rest:?}"))?;
			let ai = &rest[1..close];
			if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|c| c.is_ascii_digit()) {
				return Err(format!("({ai}) is not an application identifier"));
			}
			let after = &rest[close + 1..];
			let end = next_hri_ai(after).unwrap_or(after.len());
			let value = after[..end].trim_end_matches(GS);
			check_value(ai, value)?;
			fields.push((ai.to_owned(), value.to_owned()));
			rest = &after[end..];
		}
	} else {
		let mut rest = text.as_str();
		loop {
			rest = rest.trim_start_matches(GS);
			if rest.is_empty() {
				break;
			}
			let ai = ai_prefix(rest)?;
			let after = &rest[ai.len()..];
			let value = match ai_length(ai)? {
				Some(length) => after
					.get(..length)
					.filter(|value| !value.contains(GS))
					.ok_or_else(|| format!("({ai}) needs {length} characters"))?,
				None => &after[..after.find(GS).unwrap_or(after.len())],
			};
			check_value(ai, value)?;
			fields.push((ai.to_owned(), value.to_owned()));
			rest = &after[value.len()..];
		}
	}
	if fields.is_empty() {
		return Err("empty element string".into());
	}
	Ok(fields)
}

/// Where the next `(<2 to 4 digits>)` starts in `text`.
fn next_hri_ai(text: &str) -> Option<usize> {
	text.match_indices('(').map(|(i, _)| i).find(|&i| {
		let tail = &text[i + 1..];
		let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
		(2..=4).contains(&digits) && tail.as_bytes().get(digits) == Some(&b')')
	})
}

/// Checks a value's length for its AI.
fn check_value(ai: &str, value: &str) -> Result<(), String> {
	match ai_length(ai)? {
		Some(length) if value.len() != length || !value.bytes().all(|c| c.is_ascii_digit()) => {
			Err(format!("({ai}) must be {length} digits, not {value:?}"))
		},
		None if value.is_empty() || value.len() > MAX_GS1_TEXT_LEN as usize => {
			Err(format!("({ai}) must be 1 to {MAX_GS1_TEXT_LEN} characters, not {value:?}"))
		},
		_ => Ok(()),
	}
}

/// A pack's GTIN, serial, lot and expiry from its GS1 element string (see
/// [`parse_element_string`]): each exactly once, the GTIN's check digit valid.
pub fn parse_pack_code(text: &str) -> Result<PackCode, String> {
	let fields = parse_element_string(text)?;
	let one = |ai: &str| -> Result<&str, String> {
		let mut values = fields.iter().filter(|(key, _)| key == ai).map(|(_, v)| v.as_str());
		let value = values.next().ok_or_else(|| format!("the element string has no ({ai})"))?;
		if values.next().is_some() {
			return Err(format!("the element string has ({ai}) twice"));
		}
		Ok(value)
	};
	Ok(PackCode {
		gtin: parse_gtin(one("01")?)?,
		serial: parse_serial(one("21")?)?,
		lot: parse_lot(one("10")?)?,
		expiry: parse_expiry(one("17")?)?,
	})
}

impl PackCode {
	/// The human-readable element string, e.g. `(01)…(17)…(10)…(21)…`.
	pub fn human_readable(&self) -> String {
		format!(
			"(01){}(17){}(10){}(21){}",
			String::from_utf8_lossy(&self.gtin),
			yymmdd(&self.expiry),
			String::from_utf8_lossy(&self.lot),
			String::from_utf8_lossy(&self.serial)
		)
	}
}

/// `YYMMDD`.
pub fn yymmdd(date: &ExpiryDate) -> String {
	format!("{:02}{:02}{:02}", date.year, date.month, date.day)
}

// ---------------------------------------------------------------------------------------------
// Serials files and proofs.

/// A lot's serials, in the order of its tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serials(pub Vec<Vec<u8>>);

impl Serials {
	/// From text: one serial per line (surrounding spaces and blank lines ignored), each 1 to 20
	/// GS1 characters, no duplicates.
	pub fn parse(text: &str) -> Result<Self, String> {
		let mut serials: Vec<Vec<u8>> = Vec::new();
		let mut seen = std::collections::HashSet::new();
		for (number, line) in text.lines().enumerate() {
			let line = line.trim();
			if line.is_empty() {
				continue;
			}
			let serial = parse_serial(line).map_err(|error| format!("line {}: {error}", number + 1))?;
			if !seen.insert(serial.clone()) {
				return Err(format!("line {}: serial {line:?} appears twice", number + 1));
			}
			serials.push(serial);
		}
		if serials.is_empty() {
			return Err("no serials".into());
		}
		if u32::try_from(serials.len()).is_err() {
			return Err("too many serials".into());
		}
		Ok(Self(serials))
	}

	/// From a file.
	pub fn read(path: &Path) -> Result<Self, CliError> {
		let text = fs::read_to_string(path)
			.map_err(|error| CliError::new(ErrorKind::Io, format!("{}: {error}", path.display())))?;
		Self::parse(&text).map_err(|error| CliError::usage(format!("{}: {error}", path.display())))
	}

	/// The leaves of the lot's tree for product `gtin`.
	pub fn leaves(&self, gtin: &Gtin) -> Vec<SerialHash> {
		self.0.iter().map(|serial| serial_hash(gtin, serial)).collect()
	}

	/// The lot's serial root for product `gtin`.
	pub fn root(&self, gtin: &Gtin) -> H256 {
		serials_root(&self.leaves(gtin))
	}

	/// How many serials.
	pub fn count(&self) -> u32 {
		self.0.len() as u32
	}

	/// The proof for `serial`, if it is one of these.
	pub fn proof(&self, gtin: &Gtin, serial: &[u8]) -> Option<SerialProof> {
		let index = self.0.iter().position(|s| s == serial)?;
		serial_proof(&self.leaves(gtin), index as u32)
	}
}

// ---------------------------------------------------------------------------------------------
// Calls, in the pallet's argument order (see `pallets/supply-chain/src/lib.rs`).

/// `SupplyChain.register_product(gtin, details)`.
pub fn register_product_call(gtin: &Gtin, details: &ProductDetails) -> Call {
	Call::new(PALLET, "register_product", (gtin, details))
}

/// `SupplyChain.commission_lot(gtin, lot, expiry, quantity, serials_root, document)`.
pub fn commission_lot_call(
	gtin: &Gtin,
	lot: &LotNumber,
	expiry: &ExpiryDate,
	quantity: u32,
	root: &H256,
	document: &H256,
) -> Call {
	Call::new(PALLET, "commission_lot", (gtin, lot, expiry, quantity, root, document))
}

/// `SupplyChain.propose_transfer(to, items, documents, shipping_event)`.
pub fn propose_transfer_call(
	to: &AccountId,
	items: &[Goods],
	documents: &TransactionDocuments,
	shipping_event: &H256,
) -> Call {
	Call::new(PALLET, "propose_transfer", (Address(*to), items, documents, shipping_event))
}

/// `SupplyChain.accept_transfer(id, receiving_event)`.
pub fn accept_transfer_call(id: TransferId, receiving_event: &H256) -> Call {
	Call::new(PALLET, "accept_transfer", (id, receiving_event))
}

/// `SupplyChain.decommission(pack, reason, document)`.
pub fn decommission_call(pack: &PackRef, reason: DecommissionReason, document: &H256) -> Call {
	Call::new(PALLET, "decommission", (pack, reason, document))
}

/// `SupplyChain.recall_lots(gtin, lots, notice)`.
pub fn recall_lots_call(gtin: &Gtin, lots: &[LotNumber], notice: &H256) -> Call {
	Call::new(PALLET, "recall_lots", (gtin, lots, notice))
}

/// `SupplyChain.flag_suspect(items, reason)`.
pub fn flag_suspect_call(items: &[SuspectItem], reason: &H256) -> Call {
	Call::new(PALLET, "flag_suspect", (items, reason))
}

/// The SCALE arguments of runtime API `SupplyChainApi_verify_unit`.
pub fn verify_unit_args(code: &PackCode, proof: &SerialProof) -> Vec<u8> {
	(code.gtin, code.serial.clone(), code.lot.clone(), code.expiry, proof).encode()
}

/// Asks the chain (latest finalized block) to verify a pack.
pub async fn verify_unit(
	chain: &Chain,
	code: &PackCode,
	proof: &SerialProof,
) -> Result<Verification, CliError> {
	Ok(chain.runtime_call("SupplyChainApi_verify_unit", &verify_unit_args(code, proof)).await?)
}

/// A verification in words.
pub fn verification_words(verification: &Verification) -> String {
	match verification {
		Verification::Verified => "verified: a genuine pack that may be supplied".into(),
		Verification::UnknownProduct => "not verified: no product has this GTIN".into(),
		Verification::LotMismatch => "not verified: the product has no lot with this number".into(),
		Verification::ExpiryMismatch => {
			"not verified: the lot's expiry date differs from the one on the pack".into()
		},
		Verification::UnknownSerial => {
			"not verified: the serial is not one of the lot's (likely a counterfeit)".into()
		},
		Verification::Illegitimate => {
			"not verified: the pack or its lot was determined illegitimate".into()
		},
		Verification::Recalled => "not verified: the lot was recalled".into(),
		Verification::Decommissioned(reason) => {
			format!("not verified: the pack was decommissioned ({reason:?})")
		},
		Verification::Quarantined => {
			"not verified: the pack, its logistic unit or its lot is quarantined (suspect or temperature excursion)".into()
		},
		Verification::Expired => "not verified: the pack is past its expiry date".into(),
	}
}

/// The variant name of a verification, e.g. `Decommissioned`.
fn verification_name(verification: &Verification) -> &'static str {
	match verification {
		Verification::Verified => "Verified",
		Verification::UnknownProduct => "UnknownProduct",
		Verification::LotMismatch => "LotMismatch",
		Verification::ExpiryMismatch => "ExpiryMismatch",
		Verification::UnknownSerial => "UnknownSerial",
		Verification::Illegitimate => "Illegitimate",
		Verification::Recalled => "Recalled",
		Verification::Decommissioned(_) => "Decommissioned",
		Verification::Quarantined => "Quarantined",
		Verification::Expired => "Expired",
	}
}

// ---------------------------------------------------------------------------------------------
// Running.

fn hash_file(path: &Path) -> Result<H256, CliError> {
	let bytes = fs::read(path)
		.map_err(|error| CliError::new(ErrorKind::Io, format!("{}: {error}", path.display())))?;
	Ok(H256(content_hash(&bytes)))
}

impl DocumentArgs {
	/// The document's hash (zero if none given).
	pub fn hash(&self) -> Result<H256, CliError> {
		match (&self.document, &self.document_hash) {
			(Some(path), _) => hash_file(path),
			(None, Some(hash)) => Ok(H256(*hash)),
			(None, None) => Ok(H256::zero()),
		}
	}
}

fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

fn goods_json(goods: &Goods) -> serde_json::Value {
	match goods {
		Goods::Unit { gtin, serial } => json!({"unit": {"gtin": text(gtin), "serial_hash": hex0x(serial.as_bytes())}}),
		Goods::Container(sscc) => json!({"container": text(sscc)}),
		Goods::Quantity { gtin, lot, quantity } => {
			json!({"quantity": {"gtin": text(gtin), "lot": text(lot), "quantity": quantity}})
		},
	}
}

/// Runs a supply subcommand.
pub async fn run(context: &Context, command: &SupplyCommand) -> Result<Output, CliError> {
	match command {
		SupplyCommand::Product(ProductCommand::Register(args)) => register(context, args).await,
		SupplyCommand::Lot(LotCommand::Commission(args)) => commission(context, args).await,
		SupplyCommand::Ship(args) => ship(context, args).await,
		SupplyCommand::Accept { id, document } => {
			let event = document.hash()?;
			let (_, identity) = context.unlock()?;
			let chain = context.chain().await?;
			let finalized =
				context.submit(&chain, &accept_transfer_call(*id, &event), identity.keypair()).await?;
			Ok(Output::new(
				json!({"transfer_id": id, "receiving_event": hex0x(event.as_bytes())}),
				format!("transfer {id} accepted\n"),
			)
			.with_transaction("SupplyChain.accept_transfer", &finalized))
		},
		SupplyCommand::Dispense(args) => dispense(context, args).await,
		SupplyCommand::Recall(args) => recall(context, args).await,
		SupplyCommand::FlagSuspect(args) => flag_suspect(context, args).await,
		SupplyCommand::Verify(args) => verify(context, args).await,
	}
}

/// The product details `args` describe.
pub fn product_details(args: &RegisterArgs) -> Result<ProductDetails, CliError> {
	let printable = |what: &str, value: &str, max: usize| -> Result<Vec<u8>, CliError> {
		if value.is_empty() || value.len() > max || !value.bytes().all(|c| c.is_ascii_graphic()) {
			return Err(CliError::usage(format!("--{what}: 1 to {max} printable ASCII characters without spaces")));
		}
		Ok(value.as_bytes().to_vec())
	};
	Ok(ProductDetails {
		kind: args.kind,
		national_code: args
			.national_code
			.as_deref()
			.map(|code| printable("national-code", code, 20).map(NationalCode::truncate_from))
			.transpose()?,
		temperature: args.temperature,
		lookup_url: args
			.lookup_url
			.as_deref()
			.map(|url| printable("lookup-url", url, 200).map(LookupUrl::truncate_from))
			.transpose()?,
		unit_tracked: args.unit_tracked,
	})
}

async fn register(context: &Context, args: &RegisterArgs) -> Result<Output, CliError> {
	let details = product_details(args)?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let finalized =
		context.submit(&chain, &register_product_call(&args.gtin, &details), identity.keypair()).await?;
	Ok(Output::new(
		json!({
			"gtin": text(&args.gtin),
			"owner": ss58(&identity.account_id()),
			"kind": format!("{:?}", details.kind),
			"unit_tracked": details.unit_tracked,
		}),
		format!("product {} registered ({:?})\n", text(&args.gtin), details.kind),
	)
	.with_transaction("SupplyChain.register_product", &finalized))
}

async fn commission(context: &Context, args: &CommissionArgs) -> Result<Output, CliError> {
	let serials = Serials::read(&args.serials)?;
	let root = serials.root(&args.gtin);
	let count = serials.count();
	let document = args.document.hash()?;
	let mut fields = json!({
		"gtin": text(&args.gtin),
		"lot": text(&args.lot),
		"expiry": yymmdd(&args.expiry),
		"serials_root": hex0x(root.as_bytes()),
		"quantity": count,
		"document": hex0x(document.as_bytes()),
		"submitted": !args.dry_run,
	});
	let summary = format!(
		"lot {} of {}: {count} serials, root {}",
		text(&args.lot),
		text(&args.gtin),
		hex0x(root.as_bytes())
	);
	if args.dry_run {
		return Ok(Output::new(fields, format!("{summary} (not submitted)\n")));
	}
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let call = commission_lot_call(&args.gtin, &args.lot, &args.expiry, count, &root, &document);
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let lot: Option<LotOf> =
		chain.runtime_call("SupplyChainApi_lot", &(args.gtin, args.lot.clone()).encode()).await?;
	let confirmed = lot.as_ref().is_some_and(|lot| lot.serials_root == root && lot.quantity == count);
	fields["confirmed_on_chain"] = json!(confirmed);
	Ok(Output::new(
		fields,
		format!(
			"{summary}\ncommissioned{}\n",
			if confirmed { " (the chain's lot has this root and count)" } else { "" }
		),
	)
	.with_transaction("SupplyChain.commission_lot", &finalized))
}

async fn ship(context: &Context, args: &ShipArgs) -> Result<Output, CliError> {
	if args.items.len() > MAX_TRANSFER_ITEMS as usize {
		return Err(CliError::usage(format!("at most {MAX_TRANSFER_ITEMS} items per transfer")));
	}
	let documents = match (&args.documents, &args.documents_hash) {
		(_, Some([ti, th, ts])) => {
			TransactionDocuments { information: H256(*ti), history: H256(*th), statement: H256(*ts) }
		},
		(Some([ti, th, ts]), None) => TransactionDocuments {
			information: hash_file(ti)?,
			history: hash_file(th)?,
			statement: hash_file(ts)?,
		},
		(None, None) => return Err(CliError::usage("give --documents TI,TH,TS or --documents-hash")),
	};
	let event = args.document.hash()?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let call = propose_transfer_call(&args.to, &args.items, &documents, &event);
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let id = finalized
		.event(PALLET, "TransferProposed")
		.map(|event| event.decode::<TransferId>())
		.transpose()?;
	let id_text = id.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
	Ok(Output::new(
		json!({
			"transfer_id": id,
			"to": ss58(&args.to),
			"items": args.items.iter().map(goods_json).collect::<Vec<_>>(),
			"documents": {
				"information": hex0x(documents.information.as_bytes()),
				"history": hex0x(documents.history.as_bytes()),
				"statement": hex0x(documents.statement.as_bytes()),
			},
		}),
		format!("transfer {id_text} proposed to {} ({} items)\n", ss58(&args.to), args.items.len()),
	)
	.with_transaction("SupplyChain.propose_transfer", &finalized))
}

/// The pack reference (serial hash and proof) of `code`, from its lot's serials.
fn pack_ref(code: &PackCode, serials: &Serials) -> Result<PackRef, CliError> {
	let proof = serials.proof(&code.gtin, &code.serial).ok_or_else(|| {
		CliError::usage(format!("serial {:?} is not in the serials file", text(&code.serial)))
	})?;
	Ok(PackRef {
		gtin: code.gtin,
		lot: code.lot.clone(),
		serial: serial_hash(&code.gtin, &code.serial),
		proof,
	})
}

async fn dispense(context: &Context, args: &DispenseArgs) -> Result<Output, CliError> {
	let code = args.pack.pack()?;
	let serials = Serials::read(&args.serials)?;
	let pack = pack_ref(&code, &serials)?;
	let document = args.document.hash()?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let verification = verify_unit(&chain, &code, &pack.proof).await?;
	if verification != Verification::Verified {
		return Ok(Output::new(
			json!({
				"pack": code.human_readable(),
				"dispensed": false,
				"verification": verification_name(&verification),
				"words": verification_words(&verification),
			}),
			format!("not dispensed: {}\n", verification_words(&verification)),
		)
		.with_exit_code(EXIT_DENIED));
	}
	let call = decommission_call(&pack, DecommissionReason::Supplied, &document);
	let finalized = context.submit(&chain, &call, identity.keypair()).await?;
	let after = verify_unit(&chain, &code, &pack.proof).await?;
	Ok(Output::new(
		json!({
			"pack": code.human_readable(),
			"dispensed": true,
			"serial_hash": hex0x(pack.serial.as_bytes()),
			"verification_after": verification_name(&after),
		}),
		format!("pack {} dispensed; it now verifies as: {}\n", code.human_readable(), verification_words(&after)),
	)
	.with_transaction("SupplyChain.decommission", &finalized))
}

async fn recall(context: &Context, args: &RecallArgs) -> Result<Output, CliError> {
	if args.lots.len() > MAX_LOTS_PER_RECALL as usize {
		return Err(CliError::usage(format!("at most {MAX_LOTS_PER_RECALL} lots per recall")));
	}
	let notice = args.document.hash()?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let finalized =
		context.submit(&chain, &recall_lots_call(&args.gtin, &args.lots, &notice), identity.keypair()).await?;
	let lots: Vec<String> = args.lots.iter().map(|lot| text(lot)).collect();
	Ok(Output::new(
		json!({"gtin": text(&args.gtin), "lots": lots, "notice": hex0x(notice.as_bytes())}),
		format!("lots {} of {} recalled\n", lots.join(", "), text(&args.gtin)),
	)
	.with_transaction("SupplyChain.recall_lots", &finalized))
}

/// The suspect items `args` name.
pub fn suspect_items(args: &FlagSuspectArgs) -> Result<Vec<SuspectItem>, CliError> {
	let mut items: Vec<SuspectItem> = args
		.lot
		.iter()
		.map(|(gtin, lot)| SuspectItem::Lot { gtin: *gtin, lot: lot.clone() })
		.chain(args.container.iter().map(|sscc| SuspectItem::Container(*sscc)))
		.collect();
	if !args.pack.is_empty() {
		let path = args.serials.as_ref().ok_or_else(|| CliError::usage("--pack needs --serials <file>"))?;
		let serials = Serials::read(path)?;
		for (gtin, lot, serial) in &args.pack {
			let proof = serials.proof(gtin, serial).ok_or_else(|| {
				CliError::usage(format!("serial {:?} is not in the serials file", text(serial)))
			})?;
			items.push(SuspectItem::Pack(PackRef {
				gtin: *gtin,
				lot: lot.clone(),
				serial: serial_hash(gtin, serial),
				proof,
			}));
		}
	}
	if items.is_empty() || items.len() > MAX_CASE_ITEMS as usize {
		return Err(CliError::usage(format!("a case holds 1 to {MAX_CASE_ITEMS} items")));
	}
	Ok(items)
}

async fn flag_suspect(context: &Context, args: &FlagSuspectArgs) -> Result<Output, CliError> {
	let items = suspect_items(args)?;
	let reason = args.document.hash()?;
	let (_, identity) = context.unlock()?;
	let chain = context.chain().await?;
	let finalized = context.submit(&chain, &flag_suspect_call(&items, &reason), identity.keypair()).await?;
	// SuspectFlagged { case, reporter, items }
	let case = finalized
		.event(PALLET, "SuspectFlagged")
		.map(|event| event.decode::<u64>())
		.transpose()?;
	Ok(Output::new(
		json!({"case_id": case, "items": items.len(), "reason": hex0x(reason.as_bytes())}),
		format!("{} items flagged as suspect (quarantined)\n", items.len()),
	)
	.with_transaction("SupplyChain.flag_suspect", &finalized))
}

async fn verify(context: &Context, args: &VerifyArgs) -> Result<Output, CliError> {
	let serials = Serials::read(&args.serials)?;
	let code = &args.code;
	// A serial missing from the file gets another pack's proof: the chain then answers
	// UnknownSerial (unless the product or lot is already wrong), as for a counterfeit.
	let in_file = serials.proof(&code.gtin, &code.serial);
	let proof = match &in_file {
		Some(proof) => proof.clone(),
		None => serial_proof(&serials.leaves(&code.gtin), 0)
			.ok_or_else(|| CliError::usage("the serials file holds no serial"))?,
	};
	let chain = context.chain().await?;
	let verification = verify_unit(&chain, code, &proof).await?;
	let words = verification_words(&verification);
	let output = Output::new(
		json!({
			"gtin": text(&code.gtin),
			"serial": text(&code.serial),
			"lot": text(&code.lot),
			"expiry": yymmdd(&code.expiry),
			"serial_in_file": in_file.is_some(),
			"verified": verification == Verification::Verified,
			"verification": verification_name(&verification),
			"decommission_reason": match verification {
				Verification::Decommissioned(reason) => Some(format!("{reason:?}")),
				_ => None,
			},
			"words": words,
		}),
		format!("{}: {words}\n", code.human_readable()),
	);
	Ok(if verification == Verification::Verified { output } else { output.with_exit_code(EXIT_DENIED) })
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;

	const GTIN: &str = "00012345600012";
	const SSCC: &str = "106141411234567897";

	fn gtin() -> Gtin {
		*b"00012345600012"
	}

	#[test]
	fn human_readable_element_strings_parse() {
		let code = parse_pack_code("(01)00012345600012(17)300600(10)E2E-A(21)A0003").unwrap();
		assert_eq!(code.gtin, gtin());
		assert_eq!(code.serial, b"A0003");
		assert_eq!(code.lot.as_slice(), b"E2E-A");
		assert_eq!(code.expiry, ExpiryDate { year: 30, month: 6, day: 0 });
		assert_eq!(code.human_readable(), "(01)00012345600012(17)300600(10)E2E-A(21)A0003");
		// Any order; a lot may hold parentheses that do not form an AI.
		let code = parse_pack_code("(21)SN(1)(10)L(X)(01)00012345600012(17)301231").unwrap();
		assert_eq!(code.serial, b"SN(1)");
		assert_eq!(code.lot.as_slice(), b"L(X)");
	}

	#[test]
	fn raw_element_strings_parse_with_gs_after_variable_fields_only() {
		// Fixed-length 01 and 17 need no separator; 10 is ended by GS, 21 by the end.
		let raw = "01000123456000121730060010E2E-A\u{1d}21A0003";
		let code = parse_pack_code(raw).unwrap();
		assert_eq!(code.lot.as_slice(), b"E2E-A");
		assert_eq!(code.serial, b"A0003");
		// The same with a scanner's symbology identifier and leading FNC1, and with `<GS>`.
		let scanned = format!("]d2\u{1d}{raw}");
		assert_eq!(parse_pack_code(&scanned).unwrap(), code);
		assert_eq!(parse_pack_code(&raw.replace('\u{1d}', "<GS>")).unwrap(), code);
		assert_eq!(parse_pack_code(&raw.replace('\u{1d}', "\\x1d")).unwrap(), code);
		// Serial first: its GS ends it, then fixed-length fields run together.
		let code2 = parse_pack_code("21A0003\u{1d}01000123456000121730060010E2E-A").unwrap();
		assert_eq!(code2, code);
		// A GS after a fixed-length field is tolerated.
		assert_eq!(parse_pack_code("0100012345600012\u{1d}17300600\u{1d}10E2E-A\u{1d}21A0003").unwrap(), code);
		// Without the GS the lot swallows the serial's AI: the serial is then missing.
		let swallowed = parse_pack_code("01000123456000121730060010E2E-A21A0003").unwrap_err();
		assert!(swallowed.contains("no (21)"), "{swallowed}");
		// The AIs found, in order.
		let fields = parse_element_string(raw).unwrap();
		let ais: Vec<&str> = fields.iter().map(|(ai, _)| ai.as_str()).collect();
		assert_eq!(ais, ["01", "17", "10", "21"]);
	}

	#[test]
	fn bad_element_strings_are_refused() {
		// Wrong GTIN check digit (…13 instead of …12), in both forms.
		let error = parse_pack_code("(01)00012345600013(17)300600(10)L1(21)S1").unwrap_err();
		assert!(error.contains("check digit"), "{error}");
		assert!(parse_pack_code("01000123456000131730060010L1\u{1d}21S1").unwrap_err().contains("check digit"));
		// Invalid date, short fixed field, missing AI, duplicate AI, unknown AI, long serial.
		assert!(parse_pack_code("(01)00012345600012(17)301301(10)L1(21)S1").is_err());
		assert!(parse_pack_code("(01)0001234560001(17)300600(10)L1(21)S1").is_err());
		assert!(parse_pack_code("(01)00012345600012(17)300600(10)L1").unwrap_err().contains("(21)"));
		assert!(parse_pack_code("(01)00012345600012(17)300600(10)L1(21)S1(21)S2").unwrap_err().contains("twice"));
		assert!(parse_pack_code("(01)00012345600012(99)X(17)300600(10)L1(21)S1").unwrap_err().contains("(99)"));
		assert!(parse_pack_code("(01)00012345600012(17)300600(10)L1(21)123456789012345678901").is_err());
		assert!(parse_pack_code("").is_err());
	}

	#[test]
	fn command_line_values() {
		assert_eq!(parse_gtin(GTIN).unwrap(), gtin());
		assert_eq!(parse_gtin("4006381333931").unwrap(), *b"04006381333931");
		assert!(parse_gtin("4006381333932").is_err());
		assert_eq!(parse_sscc(SSCC).unwrap(), *b"106141411234567897");
		assert!(parse_sscc("106141411234567898").is_err());
		assert_eq!(parse_expiry("300600").unwrap(), ExpiryDate { year: 30, month: 6, day: 0 });
		assert!(parse_expiry("30060").is_err());
		assert_eq!(parse_kind("vaccine").unwrap(), ProductKind::Vaccine);
		assert_eq!(parse_temperature("2,8").unwrap(), TemperatureRange { min_decidegrees: 20, max_decidegrees: 80 });
		assert_eq!(parse_temperature("-25.5,-15").unwrap(), TemperatureRange { min_decidegrees: -255, max_decidegrees: -150 });
		assert!(parse_temperature("8,2").is_err());
		assert_eq!(parse_goods(&format!("sscc:{SSCC}")).unwrap(), Goods::Container(*b"106141411234567897"));
		assert_eq!(
			parse_goods(&format!("lot:{GTIN}:LOT:1:5")).unwrap(),
			Goods::Quantity { gtin: gtin(), lot: parse_lot("LOT:1").unwrap(), quantity: 5 }
		);
		assert_eq!(
			parse_goods(&format!("unit:{GTIN}:SN1")).unwrap(),
			Goods::Unit { gtin: gtin(), serial: serial_hash(&gtin(), b"SN1") }
		);
		assert!(parse_goods(&format!("lot:{GTIN}:LOT:0")).is_err());
		assert!(parse_goods("box:1").is_err());
	}

	#[test]
	fn serials_files_give_the_primitives_root_and_proofs() {
		let serials = Serials::parse("A0001\nA0002\r\n\n  A0003 \nA0004\nA0005\n").unwrap();
		assert_eq!(serials.count(), 5);
		let leaves: Vec<_> = ["A0001", "A0002", "A0003", "A0004", "A0005"]
			.iter()
			.map(|s| serial_hash(&gtin(), s.as_bytes()))
			.collect();
		let root = serials.root(&gtin());
		assert_eq!(root, serials_root(&leaves));
		let proof = serials.proof(&gtin(), b"A0003").unwrap();
		assert_eq!(proof.leaf_index, 2);
		assert!(medchain_primitives::supply::verify_serial(&root, 5, leaves[2], &proof));
		assert!(serials.proof(&gtin(), b"FAKE").is_none());
		assert!(Serials::parse("A\nA\n").unwrap_err().contains("twice"));
		assert!(Serials::parse("with space\n").is_err());
		assert!(Serials::parse("\n\n").is_err());
	}

	/// The argument tuples decode as the pallet's call signatures, in
	/// `pallets/supply-chain/src/lib.rs` order, consuming every byte.
	fn decodes_as<T: Decode + Encode>(call: &Call) -> T {
		let mut bytes = call.encoded_args();
		let value = T::decode(&mut bytes).expect("decodes as the pallet's arguments");
		assert!(bytes.is_empty(), "bytes left over");
		value
	}

	#[test]
	fn calls_match_the_pallet_signatures() {
		let lot = parse_lot("E2E-A").unwrap();
		let expiry = ExpiryDate { year: 30, month: 6, day: 0 };
		let root = H256::repeat_byte(7);
		let document = H256::repeat_byte(9);

		let call = commission_lot_call(&gtin(), &lot, &expiry, 5, &root, &document);
		assert_eq!((call.pallet(), call.name()), ("SupplyChain", "commission_lot"));
		let decoded: (Gtin, LotNumber, ExpiryDate, u32, H256, H256) = decodes_as(&call);
		assert_eq!(decoded, (gtin(), lot.clone(), expiry, 5, root, document));
		// Byte for byte: 14 GTIN bytes, compact length 5 and the lot, YY MM DD, u32 LE, 2 × 32.
		let mut expected = gtin().to_vec();
		expected.push(5 << 2);
		expected.extend_from_slice(b"E2E-A");
		expected.extend_from_slice(&[30, 6, 0, 5, 0, 0, 0]);
		expected.extend_from_slice(&[7; 32]);
		expected.extend_from_slice(&[9; 32]);
		assert_eq!(call.encoded_args(), expected.as_slice());

		let details = ProductDetails {
			kind: ProductKind::Drug,
			national_code: None,
			temperature: None,
			lookup_url: Some(LookupUrl::truncate_from(b"https://id.gs1.org/01/00012345600012".to_vec())),
			unit_tracked: false,
		};
		let decoded: (Gtin, ProductDetails) = decodes_as(&register_product_call(&gtin(), &details));
		assert_eq!(decoded, (gtin(), details));

		let items = vec![Goods::Container(*b"106141411234567897")];
		let documents = TransactionDocuments { information: root, history: document, statement: root };
		let call = propose_transfer_call(&[1; 32], &items, &documents, &document);
		// `to` is the runtime's lookup source, MultiAddress::Id (variant 0).
		let (variant, to, got_items, got_documents, event): (u8, [u8; 32], Vec<Goods>, TransactionDocuments, H256) =
			decodes_as(&call);
		assert_eq!((variant, to, got_items, got_documents, event), (0, [1; 32], items, documents, document));

		let decoded: (TransferId, H256) = decodes_as(&accept_transfer_call(3, &document));
		assert_eq!(decoded, (3, document));

		let serials = Serials::parse("A0001\nA0002\nA0003\n").unwrap();
		let code = parse_pack_code("(01)00012345600012(17)300600(10)E2E-A(21)A0002").unwrap();
		let pack = pack_ref(&code, &serials).unwrap();
		let call = decommission_call(&pack, DecommissionReason::Supplied, &document);
		let decoded: (PackRef, DecommissionReason, H256) = decodes_as(&call);
		assert_eq!(decoded, (pack.clone(), DecommissionReason::Supplied, document));

		let lots = vec![lot.clone(), parse_lot("E2E-B").unwrap()];
		let decoded: (Gtin, Vec<LotNumber>, H256) = decodes_as(&recall_lots_call(&gtin(), &lots, &document));
		assert_eq!(decoded, (gtin(), lots, document));

		let suspects = vec![SuspectItem::Lot { gtin: gtin(), lot }, SuspectItem::Pack(pack.clone())];
		let decoded: (Vec<SuspectItem>, H256) = decodes_as(&flag_suspect_call(&suspects, &document));
		assert_eq!(decoded, (suspects, document));

		// verify_unit(gtin, serial: Vec<u8>, lot, expiry, proof) of the runtime API.
		let args = verify_unit_args(&code, &pack.proof);
		let decoded = <(Gtin, Vec<u8>, LotNumber, ExpiryDate, SerialProof)>::decode(&mut &args[..]).unwrap();
		assert_eq!(decoded, (gtin(), b"A0002".to_vec(), code.lot.clone(), code.expiry, pack.proof));
	}

	fn parse(line: &[&str]) -> Result<SupplyCommand, clap::Error> {
		use clap::Parser;
		let cli = crate::cli::Cli::try_parse_from(
			["medchain", "supply"].into_iter().chain(line.iter().copied()),
		)?;
		match cli.command {
			crate::cli::Command::Supply(command) => Ok(command),
			_ => panic!("not a supply command"),
		}
	}

	#[test]
	fn arguments_parse() {
		let command = parse(&["lot", "commission", "--gtin", GTIN, "--lot", "E2E-A", "--expiry", "300600", "--serials", "s.txt", "--dry-run"]).unwrap();
		let SupplyCommand::Lot(LotCommand::Commission(args)) = &command else { panic!() };
		assert_eq!((args.gtin, args.lot.as_slice(), args.expiry.month, args.dry_run), (gtin(), &b"E2E-A"[..], 6, true));
		assert_eq!(command.name(), "supply lot commission");
		assert!(parse(&["lot", "commission", "--gtin", "00012345600013", "--lot", "A", "--expiry", "300600", "--serials", "s"]).is_err());
		assert!(parse(&["lot", "commission", "--gtin", GTIN, "--lot", "A", "--expiry", "301301", "--serials", "s"]).is_err());

		let command = parse(&["product", "register", "--gtin", GTIN, "--kind", "Drug", "--unit-tracked", "--temperature", "-20,-15"]).unwrap();
		let SupplyCommand::Product(ProductCommand::Register(args)) = &command else { panic!() };
		assert!(args.unit_tracked);
		assert_eq!(args.temperature.unwrap().min_decidegrees, -200);
		assert!(parse(&["product", "register", "--gtin", GTIN, "--kind", "Pill"]).is_err());

		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let items = format!("sscc:{SSCC},lot:{GTIN}:E2E-B:5");
		let command = parse(&["ship", "--to", alice, "--items", &items, "--documents", "ti,th,ts"]).unwrap();
		let SupplyCommand::Ship(args) = &command else { panic!() };
		assert_eq!(args.items.len(), 2);
		assert_eq!(args.documents.as_ref().unwrap()[2], PathBuf::from("ts"));
		let hash = format!("0x{}", "11".repeat(32));
		let hashes = format!("{hash},{hash},{hash}");
		assert!(parse(&["ship", "--to", alice, "--items", &items, "--documents-hash", &hashes]).is_ok());
		assert!(parse(&["ship", "--to", alice, "--items", &items]).is_err(), "documents are required");
		assert!(parse(&["ship", "--to", alice, "--items", &items, "--documents", "ti,th"]).is_err());
		assert!(parse(&["ship", "--to", alice, "--items", &items, "--documents", "a,b,c", "--documents-hash", &hashes]).is_err());

		let command = parse(&["accept", "7", "--document-hash", &hash]).unwrap();
		let SupplyCommand::Accept { id, document } = &command else { panic!() };
		assert_eq!((*id, document.hash().unwrap()), (7, H256::repeat_byte(0x11)));
		assert!(parse(&["accept", "7", "--document", "f", "--document-hash", &hash]).is_err());

		let dm = "(01)00012345600012(17)300600(10)E2E-A(21)A0003";
		let command = parse(&["dispense", "--datamatrix", dm, "--serials", "s"]).unwrap();
		let SupplyCommand::Dispense(args) = &command else { panic!() };
		let from_options = parse(&["dispense", "--gtin", GTIN, "--serial", "A0003", "--lot", "E2E-A", "--expiry", "300600", "--serials", "s"]).unwrap();
		let SupplyCommand::Dispense(other) = &from_options else { panic!() };
		assert_eq!(args.pack.pack().unwrap(), other.pack.pack().unwrap());
		assert!(parse(&["dispense", "--gtin", GTIN, "--serial", "A0003", "--serials", "s"]).is_err());
		assert!(parse(&["dispense", "--datamatrix", dm, "--gtin", GTIN, "--serials", "s"]).is_err());

		let command = parse(&["recall", "--gtin", GTIN, "--lots", "A,B"]).unwrap();
		let SupplyCommand::Recall(args) = &command else { panic!() };
		assert_eq!(args.lots.len(), 2);

		assert!(parse(&["flag-suspect", "--document-hash", &hash]).is_err(), "no items");
		let command = parse(&["flag-suspect", "--lot", &format!("{GTIN}:E2E-A"), "--container", SSCC, "--pack", dm, "--serials", "s"]).unwrap();
		let SupplyCommand::FlagSuspect(args) = &command else { panic!() };
		assert_eq!((args.lot.len(), args.container.len(), args.pack.len()), (1, 1, 1));

		let raw = "01000123456000121730060010E2E-A\u{1d}21A0003";
		let command = parse(&["verify", raw, "--serials", "s"]).unwrap();
		let SupplyCommand::Verify(args) = &command else { panic!() };
		assert_eq!(args.code.human_readable(), dm);
		assert!(parse(&["verify", raw]).is_err(), "--serials is required");
	}

	#[test]
	fn verifications_read_as_words() {
		assert!(verification_words(&Verification::Verified).starts_with("verified"));
		let words = verification_words(&Verification::Decommissioned(DecommissionReason::Supplied));
		assert!(words.contains("decommissioned (Supplied)"), "{words}");
		assert!(verification_words(&Verification::UnknownSerial).contains("counterfeit"));
	}
}
