//! Tests of the supply-chain pallet.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{InspectHold, Mutate as _},
		Get,
	},
	BoundedVec,
};
use medchain_primitives::{
	roles::RoleSet,
	supply::{history_link, Excursion, ProductKind},
};
use sp_core::H256;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The expiry printed on every test pack: 2027-12-31 (day 0 is the month's last day).
const EXPIRY: ExpiryDate = ExpiryDate { year: 27, month: 12, day: 0 };
/// Packs in a lot of the lot-traded product `GTIN`.
const PACKS: u32 = 10;
/// Packs in a lot of the unit-tracked product `OTHER_GTIN`.
const UNITS: u32 = 12;
/// 2 to 8 °C.
const COLD: TemperatureRange = TemperatureRange { min_decidegrees: 20, max_decidegrees: 80 };
/// A third valid SSCC.
const THIRD_SSCC: Sscc = *b"206141411234567894";
/// A fourth valid SSCC.
const FOURTH_SSCC: Sscc = *b"306141411234567891";
/// A valid GLN nobody has yet.
const NEW_PREMISES: Gln = *b"0614141000098";
/// The document hash `commission` uses.
const COMMISSION_DOC: u8 = 0xc0;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn hash(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn bounded<T: Clone, S: Get<u32>>(items: &[T]) -> BoundedVec<T, S> {
	BoundedVec::try_from(items.to_vec()).unwrap_or_else(|_| panic!("too many items for the bound"))
}

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::SupplyChain(reason), &who)
}

fn roles(list: &[Role]) -> RoleSet {
	bounded(list)
}

fn details(unit_tracked: bool, temperature: Option<TemperatureRange>) -> ProductDetails {
	ProductDetails {
		kind: if unit_tracked { ProductKind::Vaccine } else { ProductKind::Drug },
		national_code: Some(bounded(b"0777-3105-02")),
		temperature,
		lookup_url: Some(bounded(b"https://id.example.com/01/00012345600012")),
		unit_tracked,
	}
}

fn register(who: u64, gtin: Gtin, details: ProductDetails) {
	assert_ok!(SupplyChain::register_product(signed(who), gtin, details));
}

/// `who` commissions lot `lot_number` of `count` packs (serials `serials(count)`), expiring
/// `EXPIRY`.
fn commission(who: u64, gtin: Gtin, lot_number: &str, count: u32) {
	assert_ok!(SupplyChain::commission_lot(
		signed(who),
		gtin,
		lot(lot_number),
		EXPIRY,
		count,
		root(&gtin, count),
		hash(COMMISSION_DOC),
	));
}

/// MAKER registers the lot-traded product `GTIN` (with `temperature`) and commissions lot L1 of
/// `PACKS` packs.
fn lot_traded(temperature: Option<TemperatureRange>) {
	register(MAKER, GTIN, details(false, temperature));
	commission(MAKER, GTIN, "L1", PACKS);
}

/// MAKER registers the unit-tracked product `OTHER_GTIN` (with `temperature`), commissions lot
/// L1 of `UNITS` packs and the first `commissioned` of them one by one.
fn unit_tracked(temperature: Option<TemperatureRange>, commissioned: u32) {
	register(MAKER, OTHER_GTIN, details(true, temperature));
	commission(MAKER, OTHER_GTIN, "L1", UNITS);
	let all = leaves(&OTHER_GTIN, UNITS);
	for batch in all[..commissioned as usize].chunks(MAX_COMMISSION_BATCH as usize) {
		assert_ok!(SupplyChain::commission_units(
			signed(MAKER),
			OTHER_GTIN,
			lot("L1"),
			bounded(batch),
			hash(0xc1),
		));
	}
}

/// The serial hash of unit-tracked pack `index`.
fn serial(index: u32) -> SerialHash {
	leaves(&OTHER_GTIN, UNITS)[index as usize]
}

/// Unit-tracked pack `index` as goods.
fn unit_goods(index: u32) -> Goods {
	Goods::Unit { gtin: OTHER_GTIN, serial: serial(index) }
}

/// Unit-tracked pack `index` as an item with a history.
fn unit_item(index: u32) -> ItemId {
	ItemId::Unit { gtin: OTHER_GTIN, serial: serial(index) }
}

/// Unit-tracked pack `index` with its proof.
fn unit_pack(index: u32) -> PackRef {
	pack_ref(&OTHER_GTIN, "L1", UNITS, index)
}

/// Lot-traded pack `index` of lot L1 with its proof.
fn pack_of(index: u32) -> PackRef {
	pack_ref(&GTIN, "L1", PACKS, index)
}

/// The serial hash of lot-traded pack `index` of lot L1.
fn pack_serial(index: u32) -> SerialHash {
	leaves(&GTIN, PACKS)[index as usize]
}

/// `quantity` packs of lot L1 of `GTIN`.
fn quantity(quantity: u32) -> Goods {
	Goods::Quantity { gtin: GTIN, lot: lot("L1"), quantity }
}

/// Loose packs of lot L1 of `GTIN` that `who` holds.
fn holdings(who: u64) -> u32 {
	LotHoldings::<Test>::get((GTIN, lot("L1")), who)
}

fn unit_entry(gtin: Gtin, serial: SerialHash) -> UnitOf<Test> {
	Units::<Test>::get(gtin, serial).expect("the pack has an entry")
}

fn container(sscc: Sscc) -> ContainerOf<Test> {
	Containers::<Test>::get(sscc).expect("the logistic unit exists")
}

fn lot_info(gtin: Gtin, lot_number: &str) -> LotOf<Test> {
	Lots::<Test>::get(gtin, lot(lot_number)).expect("the lot exists")
}

fn docs() -> TransactionDocuments {
	TransactionDocuments { information: hash(0x71), history: hash(0x72), statement: hash(0x73) }
}

/// `from` proposes to transfer `items` to `to`; returns the transfer's id.
fn propose(from: u64, to: u64, items: &[Goods]) -> TransferId {
	let id = NextTransferId::<Test>::get();
	assert_ok!(SupplyChain::propose_transfer(signed(from), to, bounded(items), docs(), hash(0x5e)));
	id
}

fn accept(who: u64, id: TransferId) {
	assert_ok!(SupplyChain::accept_transfer(signed(who), id, hash(0x7e)));
}

/// `from` transfers `items` to `to`, who accepts.
fn ship(from: u64, to: u64, items: &[Goods]) {
	let id = propose(from, to, items);
	accept(to, id);
}

/// `who` packs `contents` into `sscc`.
fn pack(who: u64, sscc: Sscc, contents: &[Goods]) {
	assert_ok!(SupplyChain::pack(signed(who), sscc, bounded(contents), hash(0xaa)));
}

fn decommission(who: u64, pack: PackRef, reason: DecommissionReason) {
	assert_ok!(SupplyChain::decommission(signed(who), pack, reason, hash(0xdc)));
}

/// `who` flags `items` as suspect; returns the case's id.
fn flag(who: u64, items: &[SuspectItem]) -> CaseId {
	let id = NextCaseId::<Test>::get();
	assert_ok!(SupplyChain::flag_suspect(signed(who), bounded(items), hash(0x5c)));
	id
}

fn recall(who: u64, gtin: Gtin, lots: &[&str]) {
	let lots: Vec<LotNumber> = lots.iter().map(|l| lot(l)).collect();
	assert_ok!(SupplyChain::recall_lots(signed(who), gtin, bounded(&lots), hash(0x4e)));
}

/// Verifies pack `index` of lot L1 of `count` packs as scanned: serial in clear, lot `L1`,
/// expiry `EXPIRY`.
fn verify(gtin: Gtin, count: u32, index: u32) -> Verification {
	let proof = pack_ref(&gtin, "L1", count, index).proof;
	SupplyChain::verify_unit(gtin, &serials(count)[index as usize], &lot("L1"), EXPIRY, &proof)
}

/// Verifies lot-traded pack `index`.
fn verify_pack(index: u32) -> Verification {
	verify(GTIN, PACKS, index)
}

/// Verifies unit-tracked pack `index`.
fn verify_unit_pack(index: u32) -> Verification {
	verify(OTHER_GTIN, UNITS, index)
}

/// A temperature range observed by a logger.
fn observed(min: i16, max: i16) -> TemperatureRange {
	TemperatureRange { min_decidegrees: min, max_decidegrees: max }
}

/// The event record of `step` leading to `disposition` at `gln`.
fn record(
	step: BizStep,
	disposition: Disposition,
	gln: Option<Gln>,
	document: H256,
) -> EventRecord {
	EventRecord { step, disposition, read_point: None, business_location: gln, document }
}

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

#[test]
fn registering_a_product_holds_its_deposit() {
	test(|| {
		let cold = details(false, Some(COLD));
		assert_ok!(SupplyChain::register_product(signed(MAKER), GTIN, cold.clone()));
		assert_eq!(
			Products::<Test>::get(GTIN),
			Some(ProductOf::<Test> {
				owner: MAKER,
				details: cold.clone(),
				status: ProductStatus::Active,
				lots: 0,
				deposit: PRODUCT_DEPOSIT,
			})
		);
		assert_eq!(held(HoldReason::ProductDeposit, MAKER), PRODUCT_DEPOSIT);
		assert_eq!(Balances::free_balance(MAKER), BALANCE - PRODUCT_DEPOSIT);
		System::assert_last_event(
			Event::ProductRegistered { gtin: GTIN, owner: MAKER, details: cold }.into(),
		);
		// Another manufacturer registers another product.
		register(OTHER_MAKER, OTHER_GTIN, details(true, None));
		assert_eq!(held(HoldReason::ProductDeposit, OTHER_MAKER), PRODUCT_DEPOSIT);
		assert_eq!(held(HoldReason::ProductDeposit, MAKER), PRODUCT_DEPOSIT);
	});
}

#[test]
fn register_product_errors() {
	test(|| {
		let plain = details(false, None);
		let register =
			|who, gtin, details| SupplyChain::register_product(signed(who), gtin, details);
		assert_noop!(register(STRANGER, GTIN, plain.clone()), Error::<Test>::NotTradingPartner);
		assert_noop!(register(DOCTOR, GTIN, plain.clone()), Error::<Test>::NotTradingPartner);
		assert_noop!(register(REGULATOR, GTIN, plain.clone()), Error::<Test>::NotTradingPartner);
		assert_noop!(register(WHOLESALER, GTIN, plain.clone()), Error::<Test>::NotManufacturer);
		assert_noop!(register(PHARMACY, GTIN, plain.clone()), Error::<Test>::NotManufacturer);
		let mut wrong_check_digit = GTIN;
		wrong_check_digit[13] = b'3';
		assert_noop!(register(MAKER, wrong_check_digit, plain.clone()), Error::<Test>::InvalidGtin);
		assert_noop!(
			register(MAKER, *b"0001234560001A", plain.clone()),
			Error::<Test>::InvalidGtin
		);
		let inverted = ProductDetails { temperature: Some(observed(80, 20)), ..plain.clone() };
		assert_noop!(register(MAKER, GTIN, inverted), Error::<Test>::InvalidTemperatureRange);
		let spaced = ProductDetails { national_code: Some(bounded(b"0777 3105")), ..plain.clone() };
		assert_noop!(register(MAKER, GTIN, spaced), Error::<Test>::InvalidText);
		let accented = ProductDetails {
			lookup_url: Some(bounded("https://é.example".as_bytes())),
			..plain.clone()
		};
		assert_noop!(register(MAKER, GTIN, accented), Error::<Test>::InvalidText);
		assert_noop!(register(POOR_MAKER, GTIN, plain.clone()), Error::<Test>::InsufficientDeposit);
		// A one-degree range is fine, so is no national code or URL.
		let minimal = ProductDetails {
			national_code: None,
			lookup_url: None,
			temperature: Some(observed(50, 50)),
			..plain.clone()
		};
		assert_ok!(register(MAKER, GTIN, minimal));
		assert_noop!(register(MAKER, GTIN, plain.clone()), Error::<Test>::ProductExists);
		assert_noop!(register(OTHER_MAKER, GTIN, plain), Error::<Test>::ProductExists);
	});
}

#[test]
fn a_withdrawn_product_gets_no_new_lots_but_its_packs_still_verify() {
	test(|| {
		lot_traded(None);
		assert_noop!(
			SupplyChain::withdraw_product(signed(MAKER), OTHER_GTIN),
			Error::<Test>::UnknownProduct
		);
		assert_noop!(
			SupplyChain::withdraw_product(signed(OTHER_MAKER), GTIN),
			Error::<Test>::NotProductOwner
		);
		assert_ok!(SupplyChain::withdraw_product(signed(MAKER), GTIN));
		System::assert_last_event(Event::ProductWithdrawn { gtin: GTIN }.into());
		assert_eq!(Products::<Test>::get(GTIN).map(|p| p.status), Some(ProductStatus::Withdrawn));
		assert_noop!(
			SupplyChain::withdraw_product(signed(MAKER), GTIN),
			Error::<Test>::ProductWithdrawn
		);
		assert_noop!(
			SupplyChain::commission_lot(
				signed(MAKER),
				GTIN,
				lot("L2"),
				EXPIRY,
				PACKS,
				root(&GTIN, PACKS),
				hash(0),
			),
			Error::<Test>::ProductWithdrawn
		);
		// The deposit stays held; packs already made still verify and still trade.
		assert_eq!(held(HoldReason::ProductDeposit, MAKER), PRODUCT_DEPOSIT);
		assert_eq!(verify_pack(3), Verification::Verified);
		ship(MAKER, WHOLESALER, &[quantity(4)]);
		assert_eq!(holdings(WHOLESALER), 4);
	});
}

#[test]
fn product_ownership_moves_in_two_steps_with_its_deposit() {
	test(|| {
		lot_traded(None);
		let offer = |who, to| SupplyChain::offer_product(signed(who), GTIN, to);
		assert_noop!(
			SupplyChain::offer_product(signed(MAKER), OTHER_GTIN, OTHER_MAKER),
			Error::<Test>::UnknownProduct
		);
		assert_noop!(offer(OTHER_MAKER, OTHER_MAKER), Error::<Test>::NotProductOwner);
		assert_noop!(offer(MAKER, MAKER), Error::<Test>::TransferToSelf);
		assert_noop!(offer(MAKER, WHOLESALER), Error::<Test>::NotManufacturer);
		assert_noop!(offer(MAKER, STRANGER), Error::<Test>::NotManufacturer);
		assert_noop!(
			SupplyChain::accept_product(signed(OTHER_MAKER), GTIN),
			Error::<Test>::NotOffered
		);

		// A later offer replaces an earlier one.
		assert_ok!(offer(MAKER, POOR_MAKER));
		assert_eq!(ProductOffers::<Test>::get(GTIN), Some(POOR_MAKER));
		assert_ok!(offer(MAKER, OTHER_MAKER));
		System::assert_last_event(
			Event::ProductOffered { gtin: GTIN, from: MAKER, to: OTHER_MAKER }.into(),
		);
		assert_eq!(ProductOffers::<Test>::get(GTIN), Some(OTHER_MAKER));
		assert_noop!(
			SupplyChain::accept_product(signed(POOR_MAKER), GTIN),
			Error::<Test>::NotOffered
		);
		assert_noop!(SupplyChain::accept_product(signed(MAKER), GTIN), Error::<Test>::NotOffered);

		assert_ok!(SupplyChain::accept_product(signed(OTHER_MAKER), GTIN));
		System::assert_last_event(
			Event::ProductTransferred { gtin: GTIN, from: MAKER, to: OTHER_MAKER }.into(),
		);
		assert_eq!(ProductOffers::<Test>::get(GTIN), None);
		let product = Products::<Test>::get(GTIN).expect("registered");
		assert_eq!(
			(product.owner, product.lots, product.deposit),
			(OTHER_MAKER, 1, PRODUCT_DEPOSIT)
		);
		assert_eq!(held(HoldReason::ProductDeposit, MAKER), 0);
		assert_eq!(held(HoldReason::ProductDeposit, OTHER_MAKER), PRODUCT_DEPOSIT);
		// The old lot's deposit stays with whoever commissioned it.
		assert_eq!(held(HoldReason::LotDeposit, MAKER), LOT_DEPOSIT);
		assert_noop!(
			SupplyChain::accept_product(signed(OTHER_MAKER), GTIN),
			Error::<Test>::NotOffered
		);

		// The new owner commissions lots, the old one no longer does.
		assert_noop!(
			SupplyChain::commission_lot(
				signed(MAKER),
				GTIN,
				lot("L2"),
				EXPIRY,
				PACKS,
				root(&GTIN, PACKS),
				hash(0),
			),
			Error::<Test>::NotProductOwner
		);
		commission(OTHER_MAKER, GTIN, "L2", PACKS);
		assert_eq!(Products::<Test>::get(GTIN).map(|p| p.lots), Some(2));
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), OTHER_MAKER), PACKS);
	});
}

#[test]
fn accepting_a_product_needs_the_role_and_the_deposit() {
	test(|| {
		register(MAKER, GTIN, details(false, None));
		// Offered to a manufacturer that cannot pay.
		assert_ok!(SupplyChain::offer_product(signed(MAKER), GTIN, POOR_MAKER));
		assert_noop!(
			SupplyChain::accept_product(signed(POOR_MAKER), GTIN),
			Error::<Test>::InsufficientDeposit
		);
		// Offered to a manufacturer that stops being one before accepting.
		assert_ok!(SupplyChain::offer_product(signed(MAKER), GTIN, OTHER_MAKER));
		assert_ok!(Participants::update_registration(
			RuntimeOrigin::root(),
			OTHER_MAKER,
			roles(&[Role::WholesaleDistributor]),
			Some(OTHER_MAKER_GLN),
		));
		assert_noop!(
			SupplyChain::accept_product(signed(OTHER_MAKER), GTIN),
			Error::<Test>::NotManufacturer
		);
		assert_eq!(Products::<Test>::get(GTIN).map(|p| p.owner), Some(MAKER));
	});
}

// ---------------------------------------------------------------------------------------------
// Lots and units
// ---------------------------------------------------------------------------------------------

#[test]
fn commissioning_a_lot_credits_the_manufacturer_with_its_packs() {
	test(|| {
		register(MAKER, GTIN, details(false, None));
		System::set_block_number(5);
		commission(MAKER, GTIN, "L1", PACKS);
		System::assert_last_event(
			Event::LotCommissioned {
				gtin: GTIN,
				lot: lot("L1"),
				manufacturer: MAKER,
				expiry: EXPIRY,
				quantity: PACKS,
				serials_root: root(&GTIN, PACKS),
			}
			.into(),
		);
		// The history starts with the commissioning, reproducible off chain.
		let first = history_link(
			&H256::zero(),
			&MAKER,
			&5u64,
			&record(
				BizStep::Commissioning,
				Disposition::Active,
				Some(MAKER_GLN),
				hash(COMMISSION_DOC),
			),
		);
		assert_eq!(
			Lots::<Test>::get(GTIN, lot("L1")),
			Some(LotOf::<Test> {
				manufacturer: MAKER,
				expiry: EXPIRY,
				quantity: PACKS,
				serials_root: root(&GTIN, PACKS),
				units_commissioned: 0,
				recall: None,
				suspect_case: None,
				history: HistoryHead { head: first, events: 1 },
				commissioned_at: 5,
				deposit: LOT_DEPOSIT,
			})
		);
		assert_eq!(
			SupplyChain::history_head(&ItemId::Lot { gtin: GTIN, lot: lot("L1") }),
			Some(HistoryHead { head: first, events: 1 })
		);
		assert_eq!(holdings(MAKER), PACKS);
		assert_eq!(Products::<Test>::get(GTIN).map(|p| p.lots), Some(1));
		assert_eq!(held(HoldReason::LotDeposit, MAKER), LOT_DEPOSIT);
		// A second lot holds a second deposit; a lot expiring today is still fine.
		assert_ok!(SupplyChain::commission_lot(
			signed(MAKER),
			GTIN,
			lot("TODAY-1"),
			ExpiryDate { year: 26, month: 1, day: 1 },
			3,
			root(&GTIN, 3),
			hash(0),
		));
		assert_eq!(held(HoldReason::LotDeposit, MAKER), 2 * LOT_DEPOSIT);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("TODAY-1")), MAKER), 3);
		assert_eq!(Products::<Test>::get(GTIN).map(|p| p.lots), Some(2));
	});
}

#[test]
fn commission_lot_errors() {
	test(|| {
		register(MAKER, GTIN, details(false, None));
		let commission_lot = |who, gtin, lot_number: &str, expiry, quantity| {
			SupplyChain::commission_lot(
				signed(who),
				gtin,
				lot(lot_number),
				expiry,
				quantity,
				root(&GTIN, PACKS),
				hash(0),
			)
		};
		assert_noop!(
			commission_lot(STRANGER, GTIN, "L1", EXPIRY, PACKS),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(
			commission_lot(MAKER, OTHER_GTIN, "L1", EXPIRY, PACKS),
			Error::<Test>::UnknownProduct
		);
		assert_noop!(
			commission_lot(OTHER_MAKER, GTIN, "L1", EXPIRY, PACKS),
			Error::<Test>::NotProductOwner
		);
		assert_noop!(
			commission_lot(MAKER, GTIN, "L 1", EXPIRY, PACKS),
			Error::<Test>::InvalidLotNumber
		);
		assert_noop!(
			commission_lot(MAKER, GTIN, "", EXPIRY, PACKS),
			Error::<Test>::InvalidLotNumber
		);
		let april_31 = ExpiryDate { year: 27, month: 4, day: 31 };
		assert_noop!(
			commission_lot(MAKER, GTIN, "L1", april_31, PACKS),
			Error::<Test>::InvalidExpiry
		);
		let month_13 = ExpiryDate { year: 27, month: 13, day: 1 };
		assert_noop!(
			commission_lot(MAKER, GTIN, "L1", month_13, PACKS),
			Error::<Test>::InvalidExpiry
		);
		// 2025-12-31 is the day before the mock's today.
		let yesterday = ExpiryDate { year: 25, month: 12, day: 31 };
		assert_noop!(commission_lot(MAKER, GTIN, "L1", yesterday, PACKS), Error::<Test>::Expired);
		assert_noop!(commission_lot(MAKER, GTIN, "L1", EXPIRY, 0), Error::<Test>::ZeroQuantity);
		assert_ok!(commission_lot(MAKER, GTIN, "L1", EXPIRY, PACKS));
		assert_noop!(commission_lot(MAKER, GTIN, "L1", EXPIRY, 3), Error::<Test>::LotExists);
		// A manufacturer that can pay for its product but not for a lot.
		assert_ok!(Balances::mint_into(&POOR_MAKER, PRODUCT_DEPOSIT));
		register(POOR_MAKER, OTHER_GTIN, details(false, None));
		assert_noop!(
			commission_lot(POOR_MAKER, OTHER_GTIN, "L1", EXPIRY, PACKS),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn unit_tracked_packs_are_commissioned_in_batches_up_to_the_lot_quantity() {
	test(|| {
		register(MAKER, OTHER_GTIN, details(true, None));
		commission(MAKER, OTHER_GTIN, "L1", UNITS);
		// A unit-tracked lot is not held as a quantity.
		assert_eq!(LotHoldings::<Test>::get((OTHER_GTIN, lot("L1")), MAKER), 0);
		let all = leaves(&OTHER_GTIN, UNITS);
		let commission_units = |who, gtin, lot_number: &str, serials: &[SerialHash]| {
			SupplyChain::commission_units(
				signed(who),
				gtin,
				lot(lot_number),
				bounded(serials),
				hash(0xc1),
			)
		};
		System::set_block_number(3);
		assert_ok!(commission_units(MAKER, OTHER_GTIN, "L1", &all[..8]));
		System::assert_last_event(
			Event::UnitsCommissioned { gtin: OTHER_GTIN, lot: lot("L1"), count: 8 }.into(),
		);
		assert_eq!(held(HoldReason::UnitDeposit, MAKER), 8 * UNIT_DEPOSIT);
		assert_eq!(lot_info(OTHER_GTIN, "L1").units_commissioned, 8);
		let head = history_link(
			&H256::zero(),
			&MAKER,
			&3u64,
			&record(BizStep::Commissioning, Disposition::Active, Some(MAKER_GLN), hash(0xc1)),
		);
		assert_eq!(
			Units::<Test>::get(OTHER_GTIN, all[5]),
			Some(UnitOf::<Test> {
				lot: lot("L1"),
				placement: Some(Placement::Held(MAKER)),
				disposition: Disposition::Active,
				location: Some(MAKER_GLN),
				in_transfer: None,
				decommissioned: None,
				suspect_case: None,
				excursion: None,
				history: HistoryHead { head, events: 1 },
				depositor: MAKER,
				deposit: UNIT_DEPOSIT,
			})
		);
		assert_eq!(Units::<Test>::iter_prefix(OTHER_GTIN).count(), 8);

		// Serials outside the tree (the lot has 12 leaves).
		let beyond = leaves(&OTHER_GTIN, 20);
		assert_noop!(
			commission_units(MAKER, OTHER_GTIN, "L1", &beyond[12..17]),
			Error::<Test>::TooManyUnits
		);
		assert_noop!(
			commission_units(MAKER, OTHER_GTIN, "L1", &all[7..8]),
			Error::<Test>::UnitExists
		);
		assert_noop!(
			commission_units(MAKER, OTHER_GTIN, "L1", &[all[8], all[8]]),
			Error::<Test>::UnitExists
		);
		assert_ok!(commission_units(MAKER, OTHER_GTIN, "L1", &all[8..12]));
		assert_eq!(lot_info(OTHER_GTIN, "L1").units_commissioned, UNITS);
		assert_eq!(held(HoldReason::UnitDeposit, MAKER), u64::from(UNITS) * UNIT_DEPOSIT);
		assert_noop!(
			commission_units(MAKER, OTHER_GTIN, "L1", &beyond[12..13]),
			Error::<Test>::TooManyUnits
		);
	});
}

#[test]
fn commission_units_errors() {
	test(|| {
		unit_tracked(None, 0);
		lot_traded(None);
		let all = leaves(&OTHER_GTIN, UNITS);
		let commission_units = |who, gtin, lot_number: &str, serials: &[SerialHash]| {
			SupplyChain::commission_units(
				signed(who),
				gtin,
				lot(lot_number),
				bounded(serials),
				hash(0),
			)
		};
		assert_noop!(
			commission_units(STRANGER, OTHER_GTIN, "L1", &all[..1]),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(
			commission_units(MAKER, *b"00000000000000", "L1", &all[..1]),
			Error::<Test>::UnknownProduct
		);
		assert_noop!(
			commission_units(OTHER_MAKER, OTHER_GTIN, "L1", &all[..1]),
			Error::<Test>::NotProductOwner
		);
		assert_noop!(
			commission_units(MAKER, GTIN, "L1", &leaves(&GTIN, 1)),
			Error::<Test>::NotUnitTracked
		);
		assert_noop!(commission_units(MAKER, OTHER_GTIN, "L1", &[]), Error::<Test>::NoItems);
		assert_noop!(
			commission_units(MAKER, OTHER_GTIN, "L9", &all[..1]),
			Error::<Test>::UnknownLot
		);
		commission(MAKER, OTHER_GTIN, "L2", UNITS);
		recall(MAKER, OTHER_GTIN, &["L2"]);
		assert_noop!(commission_units(MAKER, OTHER_GTIN, "L2", &all[..1]), Error::<Test>::Recalled);
		// A manufacturer that can pay for its product and lot, not for four packs.
		assert_ok!(Balances::mint_into(&POOR_MAKER, PRODUCT_DEPOSIT + LOT_DEPOSIT));
		let poor_gtin = *b"00012345600029";
		register(POOR_MAKER, poor_gtin, details(true, None));
		commission(POOR_MAKER, poor_gtin, "L1", 4);
		assert_noop!(
			commission_units(POOR_MAKER, poor_gtin, "L1", &leaves(&poor_gtin, 4)),
			Error::<Test>::InsufficientDeposit
		);
	});
}

// ---------------------------------------------------------------------------------------------
// The trade: packing, transfers, unpacking, dispensing
// ---------------------------------------------------------------------------------------------

#[test]
fn a_lot_travels_from_the_manufacturer_to_the_patient() {
	test(|| {
		lot_traded(None);
		assert_eq!(holdings(MAKER), PACKS);

		// The manufacturer packs six packs into a case.
		pack(MAKER, SSCC, &[quantity(6)]);
		System::assert_last_event(Event::Packed { sscc: SSCC, by: MAKER, entries: 1 }.into());
		assert_eq!(holdings(MAKER), 4);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), CONTAINER_DEPOSIT);
		let packed = history_link(
			&H256::zero(),
			&MAKER,
			&1u64,
			&record(BizStep::Packing, Disposition::Active, Some(MAKER_GLN), hash(0xaa)),
		);
		assert_eq!(
			Containers::<Test>::get(SSCC),
			Some(ContainerOf::<Test> {
				placement: Placement::Held(MAKER),
				disposition: Disposition::Active,
				location: Some(MAKER_GLN),
				contents: bounded(&[quantity(6)]),
				in_transfer: None,
				suspect_case: None,
				excursion: None,
				history: HistoryHead { head: packed, events: 1 },
				depositor: MAKER,
				deposit: CONTAINER_DEPOSIT,
			})
		);

		// ... and ships it with two loose packs to the wholesaler.
		let id = propose(MAKER, WHOLESALER, &[Goods::Container(SSCC), quantity(2)]);
		assert_eq!(id, 0);
		System::assert_last_event(
			Event::TransferProposed {
				id,
				from: MAKER,
				to: WHOLESALER,
				items: 2,
				documents: docs(),
			}
			.into(),
		);
		assert_eq!(holdings(MAKER), 2);
		assert_eq!(holdings(WHOLESALER), 0);
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), TRANSFER_DEPOSIT);
		let transfer = TransferOf::<Test> {
			from: MAKER,
			to: WHOLESALER,
			items: bounded(&[Goods::Container(SSCC), quantity(2)]),
			documents: docs(),
			shipping_event: hash(0x5e),
			proposed_at: 1,
			deposit: TRANSFER_DEPOSIT,
		};
		assert_eq!(Transfers::<Test>::get(id), Some(transfer.clone()));
		assert_eq!(IncomingTransfers::<Test>::get(WHOLESALER, id), Some(()));
		assert_eq!(SupplyChain::incoming_transfers(&WHOLESALER, None, 10), vec![(id, transfer)]);
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 1);
		assert_eq!(NextTransferId::<Test>::get(), 1);
		let case = container(SSCC);
		assert_eq!(
			(case.placement, case.disposition, case.in_transfer),
			(Placement::Held(MAKER), Disposition::InTransit, Some(id))
		);
		// In transit nobody opens the case.
		assert_noop!(SupplyChain::unpack(signed(MAKER), SSCC, hash(0)), Error::<Test>::InTransfer);
		assert_noop!(
			SupplyChain::unpack(signed(WHOLESALER), SSCC, hash(0)),
			Error::<Test>::NotHolder
		);

		// The wholesaler accepts: ownership and custody move.
		System::set_block_number(2);
		accept(WHOLESALER, id);
		System::assert_last_event(
			Event::TransferAccepted { id, from: MAKER, to: WHOLESALER }.into(),
		);
		assert_eq!(holdings(WHOLESALER), 2);
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), 0);
		assert_eq!(Transfers::<Test>::get(id), None);
		assert_eq!(IncomingTransfers::<Test>::get(WHOLESALER, id), None);
		assert!(SupplyChain::incoming_transfers(&WHOLESALER, None, 10).is_empty());
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 0);
		let shipped = history_link(
			&packed,
			&MAKER,
			&1u64,
			&record(BizStep::Shipping, Disposition::InTransit, Some(MAKER_GLN), hash(0x5e)),
		);
		let received = history_link(
			&shipped,
			&WHOLESALER,
			&2u64,
			&record(BizStep::Receiving, Disposition::InProgress, Some(WHOLESALER_GLN), hash(0x7e)),
		);
		let case = container(SSCC);
		assert_eq!(case.placement, Placement::Held(WHOLESALER));
		assert_eq!(case.disposition, Disposition::InProgress);
		assert_eq!(case.location, Some(WHOLESALER_GLN));
		assert_eq!(case.in_transfer, None);
		assert_eq!(case.history, HistoryHead { head: received, events: 3 });

		// The wholesaler stores the case and ships it on to the pharmacy.
		assert_ok!(SupplyChain::record_event(
			signed(WHOLESALER),
			bounded(&[ItemId::Container(SSCC)]),
			BizStep::Storing,
			None,
			hash(0x0e),
		));
		assert_eq!(container(SSCC).disposition, Disposition::SellableAccessible);
		System::set_block_number(3);
		ship(WHOLESALER, PHARMACY, &[Goods::Container(SSCC)]);
		let case = container(SSCC);
		assert_eq!((case.placement, case.history.events), (Placement::Held(PHARMACY), 6));

		// The pharmacy unpacks: six loose packs; the case is gone and its deposit released.
		let unpacked = history_link(
			&case.history.head,
			&PHARMACY,
			&3u64,
			&record(BizStep::Unpacking, Disposition::InProgress, Some(PHARMACY_GLN), hash(0xab)),
		);
		assert_ok!(SupplyChain::unpack(signed(PHARMACY), SSCC, hash(0xab)));
		System::assert_last_event(
			Event::Unpacked {
				sscc: SSCC,
				by: PHARMACY,
				head: HistoryHead { head: unpacked, events: 7 },
			}
			.into(),
		);
		assert_eq!(Containers::<Test>::get(SSCC), None);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), 0);
		assert_eq!((holdings(MAKER), holdings(WHOLESALER), holdings(PHARMACY)), (2, 2, 6));

		// A patient's pack verifies, is dispensed, and then verifies as supplied.
		assert_eq!(verify_pack(0), Verification::Verified);
		System::set_block_number(4);
		decommission(PHARMACY, pack_of(0), DecommissionReason::Supplied);
		System::assert_last_event(
			Event::Decommissioned {
				gtin: GTIN,
				lot: lot("L1"),
				serial: pack_serial(0),
				by: PHARMACY,
				reason: DecommissionReason::Supplied,
			}
			.into(),
		);
		assert_eq!(holdings(PHARMACY), 5);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), UNIT_DEPOSIT);
		let dispensed = history_link(
			&H256::zero(),
			&PHARMACY,
			&4u64,
			&record(BizStep::Dispensing, Disposition::Dispensed, Some(PHARMACY_GLN), hash(0xdc)),
		);
		assert_eq!(
			Units::<Test>::get(GTIN, pack_serial(0)),
			Some(UnitOf::<Test> {
				lot: lot("L1"),
				placement: None,
				disposition: Disposition::Dispensed,
				location: Some(PHARMACY_GLN),
				in_transfer: None,
				decommissioned: Some(Decommissioning {
					reason: DecommissionReason::Supplied,
					by: PHARMACY,
					location: PHARMACY_GLN,
					at: 4,
				}),
				suspect_case: None,
				excursion: None,
				history: HistoryHead { head: dispensed, events: 1 },
				depositor: PHARMACY,
				deposit: UNIT_DEPOSIT,
			})
		);
		assert_eq!(verify_pack(0), Verification::Decommissioned(DecommissionReason::Supplied));
		// The other packs are untouched.
		assert_eq!(verify_pack(1), Verification::Verified);
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				pack_of(0),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::AlreadyDecommissioned
		);
		assert_noop!(
			SupplyChain::reactivate(signed(PHARMACY), GTIN, pack_serial(0)),
			Error::<Test>::ReactivationNotAllowed
		);
	});
}

#[test]
fn a_rejected_transfer_returns_the_goods_to_the_sender() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 2);
		pack(MAKER, SSCC, &[quantity(3)]);
		let id = propose(MAKER, WHOLESALER, &[Goods::Container(SSCC), quantity(4), unit_goods(1)]);
		assert_eq!(holdings(MAKER), 3);
		assert_eq!(unit_entry(OTHER_GTIN, serial(1)).in_transfer, Some(id));
		assert_noop!(
			SupplyChain::reject_transfer(signed(PHARMACY), id),
			Error::<Test>::NotReceiver
		);
		assert_noop!(SupplyChain::reject_transfer(signed(MAKER), id), Error::<Test>::NotReceiver);
		assert_noop!(
			SupplyChain::reject_transfer(signed(WHOLESALER), 9),
			Error::<Test>::UnknownTransfer
		);

		System::set_block_number(2);
		assert_ok!(SupplyChain::reject_transfer(signed(WHOLESALER), id));
		System::assert_last_event(
			Event::TransferRejected { id, from: MAKER, to: WHOLESALER }.into(),
		);
		assert_eq!((holdings(MAKER), holdings(WHOLESALER)), (7, 0));
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), 0);
		assert_eq!(Transfers::<Test>::get(id), None);
		assert_eq!(IncomingTransfers::<Test>::get(WHOLESALER, id), None);
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 0);
		// Received back at the sender's premises.
		let back =
			record(BizStep::Receiving, Disposition::InProgress, Some(MAKER_GLN), H256::zero());
		let case = container(SSCC);
		assert_eq!(case.placement, Placement::Held(MAKER));
		assert_eq!(case.disposition, Disposition::InProgress);
		assert_eq!(case.in_transfer, None);
		assert_eq!(case.history.events, 3);
		let unit = unit_entry(OTHER_GTIN, serial(1));
		assert_eq!(unit.placement, Some(Placement::Held(MAKER)));
		assert_eq!(unit.disposition, Disposition::InProgress);
		assert_eq!(unit.in_transfer, None);
		let shipped = history_link(
			&history_link(
				&H256::zero(),
				&MAKER,
				&1u64,
				&record(BizStep::Commissioning, Disposition::Active, Some(MAKER_GLN), hash(0xc1)),
			),
			&MAKER,
			&1u64,
			&record(BizStep::Shipping, Disposition::InTransit, Some(MAKER_GLN), hash(0x5e)),
		);
		assert_eq!(
			unit.history,
			HistoryHead { head: history_link(&shipped, &MAKER, &2u64, &back), events: 3 }
		);
		// The goods may be shipped again.
		ship(MAKER, PHARMACY, &[Goods::Container(SSCC), unit_goods(1)]);
		assert_eq!(container(SSCC).placement, Placement::Held(PHARMACY));
	});
}

#[test]
fn a_cancelled_transfer_returns_the_goods_to_the_sender() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 1);
		let id = propose(MAKER, WHOLESALER, &[quantity(PACKS), unit_goods(0)]);
		assert_eq!(holdings(MAKER), 0);
		assert_eq!(LotHoldings::<Test>::iter_prefix((GTIN, lot("L1"))).count(), 0);
		assert_noop!(
			SupplyChain::cancel_transfer(signed(WHOLESALER), id),
			Error::<Test>::NotSender
		);
		assert_noop!(
			SupplyChain::cancel_transfer(signed(MAKER), id + 1),
			Error::<Test>::UnknownTransfer
		);
		// The receiver may not accept a cancelled transfer.
		assert_ok!(SupplyChain::cancel_transfer(signed(MAKER), id));
		System::assert_last_event(
			Event::TransferCancelled { id, from: MAKER, to: WHOLESALER }.into(),
		);
		assert_noop!(
			SupplyChain::accept_transfer(signed(WHOLESALER), id, hash(0)),
			Error::<Test>::UnknownTransfer
		);
		assert_eq!(holdings(MAKER), PACKS);
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), 0);
		assert_eq!(IncomingTransfers::<Test>::iter_prefix(WHOLESALER).count(), 0);
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 0);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(
			(unit.placement, unit.in_transfer, unit.history.events),
			(Some(Placement::Held(MAKER)), None, 3)
		);
	});
}

#[test]
fn accept_transfer_errors() {
	test(|| {
		lot_traded(None);
		let id = propose(MAKER, WHOLESALER, &[quantity(2)]);
		assert_noop!(
			SupplyChain::accept_transfer(signed(WHOLESALER), id + 1, hash(0)),
			Error::<Test>::UnknownTransfer
		);
		assert_noop!(
			SupplyChain::accept_transfer(signed(PHARMACY), id, hash(0)),
			Error::<Test>::NotReceiver
		);
		assert_noop!(
			SupplyChain::accept_transfer(signed(MAKER), id, hash(0)),
			Error::<Test>::NotReceiver
		);
		// A receiver suspended since the proposal may not accept, but may still reject.
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), WHOLESALER));
		assert_noop!(
			SupplyChain::accept_transfer(signed(WHOLESALER), id, hash(0)),
			Error::<Test>::NotTradingPartner
		);
		assert_ok!(SupplyChain::reject_transfer(signed(WHOLESALER), id));
		assert_eq!(holdings(MAKER), PACKS);
	});
}

#[test]
fn pending_transfers_are_bounded_per_sender() {
	test(|| {
		lot_traded(None);
		ship(MAKER, WHOLESALER, &[quantity(3)]);
		let first = propose(MAKER, WHOLESALER, &[quantity(1)]);
		let second = propose(MAKER, PHARMACY, &[quantity(1)]);
		assert_eq!((first, second), (1, 2));
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), MAX_PENDING_TRANSFERS);
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), 2 * TRANSFER_DEPOSIT);
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(MAKER),
				OTHER_PHARMACY,
				bounded(&[quantity(1)]),
				docs(),
				hash(0)
			),
			Error::<Test>::TooManyPendingTransfers
		);
		// The bound is per sender.
		let third = propose(WHOLESALER, PHARMACY, &[quantity(1)]);
		assert_eq!(SupplyChain::incoming_transfers(&PHARMACY, None, 10).len(), 2);
		assert_eq!(SupplyChain::incoming_transfers(&PHARMACY, None, 1).len(), 1);
		// Paging on from the first returned transfer gives the other one.
		let page = SupplyChain::incoming_transfers(&PHARMACY, None, 1);
		let rest = SupplyChain::incoming_transfers(&PHARMACY, Some(page[0].0), 10);
		assert_eq!(rest.len(), 1);
		let mut ids = vec![page[0].0, rest[0].0];
		ids.sort();
		assert_eq!(ids, vec![second, third]);
		// Answering one frees a slot.
		accept(PHARMACY, second);
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 1);
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), TRANSFER_DEPOSIT);
		propose(MAKER, OTHER_PHARMACY, &[quantity(1)]);
		assert_eq!(OutgoingTransferCount::<Test>::get(MAKER), 2);
	});
}

#[test]
fn recalled_or_expired_goods_only_go_back_to_the_product_owner() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 2);
		ship(MAKER, WHOLESALER, &[quantity(5), unit_goods(0), unit_goods(1)]);
		recall(MAKER, GTIN, &["L1"]);
		recall(REGULATOR, OTHER_GTIN, &["L1"]);
		let propose_to = |to, items: &[Goods]| {
			SupplyChain::propose_transfer(signed(WHOLESALER), to, bounded(items), docs(), hash(0))
		};
		assert_noop!(propose_to(PHARMACY, &[quantity(1)]), Error::<Test>::Recalled);
		assert_noop!(propose_to(PHARMACY, &[unit_goods(0)]), Error::<Test>::Recalled);
		assert_noop!(propose_to(OTHER_MAKER, &[quantity(1)]), Error::<Test>::Recalled);
		// Back to the manufacturer is fine.
		assert_ok!(propose_to(MAKER, &[quantity(2), unit_goods(0)]));
		accept(MAKER, 1);
		assert_eq!((holdings(MAKER), holdings(WHOLESALER)), (7, 3));

		// An expired lot, likewise.
		commission(MAKER, GTIN, "L2", PACKS);
		ship(MAKER, WHOLESALER, &[Goods::Quantity { gtin: GTIN, lot: lot("L2"), quantity: 4 }]);
		set_today(EXPIRY.last_day());
		let l2 = |quantity| Goods::Quantity { gtin: GTIN, lot: lot("L2"), quantity };
		assert_ok!(propose_to(PHARMACY, &[l2(1)]));
		set_today(EXPIRY.last_day() + 1);
		assert_noop!(propose_to(PHARMACY, &[l2(1)]), Error::<Test>::Expired);
		assert_ok!(propose_to(MAKER, &[l2(3)]));
	});
}

#[test]
fn propose_transfer_checks_only_the_top_level_item() {
	// By design: a logistic unit's contents are not inspected when it is shipped (bounded
	// weight); recalled contents are caught when unpacked goods move on, are dispensed or are
	// verified.
	test(|| {
		lot_traded(None);
		pack(MAKER, SSCC, &[quantity(4)]);
		recall(MAKER, GTIN, &["L1"]);
		ship(MAKER, PHARMACY, &[Goods::Container(SSCC)]);
		assert_ok!(SupplyChain::unpack(signed(PHARMACY), SSCC, hash(0)));
		assert_eq!(holdings(PHARMACY), 4);
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(PHARMACY),
				OTHER_PHARMACY,
				bounded(&[quantity(1)]),
				docs(),
				hash(0)
			),
			Error::<Test>::Recalled
		);
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				pack_of(2),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::Recalled
		);
		assert_eq!(verify_pack(2), Verification::Recalled);
		// The pharmacy sends them back to the manufacturer.
		ship(PHARMACY, MAKER, &[quantity(4)]);
		assert_eq!(holdings(MAKER), PACKS);
	});
}

#[test]
fn propose_transfer_errors() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 4);
		let propose_as = |who, to, items: &[Goods]| {
			SupplyChain::propose_transfer(signed(who), to, bounded(items), docs(), hash(0))
		};
		assert_noop!(propose_as(STRANGER, MAKER, &[quantity(1)]), Error::<Test>::NotTradingPartner);
		assert_noop!(
			propose_as(REGULATOR, MAKER, &[quantity(1)]),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(propose_as(MAKER, MAKER, &[quantity(1)]), Error::<Test>::TransferToSelf);
		for to in [STRANGER, DOCTOR, REGULATOR] {
			assert_noop!(
				propose_as(MAKER, to, &[quantity(1)]),
				Error::<Test>::ReceiverNotTradingPartner
			);
		}
		assert_noop!(propose_as(MAKER, WHOLESALER, &[]), Error::<Test>::NoItems);
		// Lot quantities.
		assert_noop!(propose_as(MAKER, WHOLESALER, &[quantity(0)]), Error::<Test>::ZeroQuantity);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[quantity(PACKS + 1)]),
			Error::<Test>::InsufficientQuantity
		);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[quantity(6), quantity(5)]),
			Error::<Test>::InsufficientQuantity
		);
		assert_noop!(
			propose_as(WHOLESALER, MAKER, &[quantity(1)]),
			Error::<Test>::InsufficientQuantity
		);
		assert_noop!(
			propose_as(
				MAKER,
				WHOLESALER,
				&[Goods::Quantity { gtin: GTIN, lot: lot("L9"), quantity: 1 }]
			),
			Error::<Test>::UnknownLot
		);
		assert_noop!(
			propose_as(
				MAKER,
				WHOLESALER,
				&[Goods::Quantity { gtin: OTHER_GTIN, lot: lot("L1"), quantity: 1 }]
			),
			Error::<Test>::UnitTracked
		);
		// Packs.
		let never_commissioned = unit_goods(UNITS - 1);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[never_commissioned]),
			Error::<Test>::UnknownUnit
		);
		assert_noop!(propose_as(WHOLESALER, MAKER, &[unit_goods(0)]), Error::<Test>::NotHolder);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[unit_goods(0), unit_goods(0)]),
			Error::<Test>::InTransfer
		);
		pack(MAKER, SSCC, &[unit_goods(1)]);
		assert_noop!(propose_as(MAKER, WHOLESALER, &[unit_goods(1)]), Error::<Test>::IsPacked);
		decommission(MAKER, unit_pack(2), DecommissionReason::Locked);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[unit_goods(2)]),
			Error::<Test>::ImpossibleTransition
		);
		// Logistic units.
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[Goods::Container(OTHER_SSCC)]),
			Error::<Test>::UnknownContainer
		);
		assert_noop!(
			propose_as(WHOLESALER, MAKER, &[Goods::Container(SSCC)]),
			Error::<Test>::NotHolder
		);
		pack(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[Goods::Container(SSCC)]),
			Error::<Test>::IsPacked
		);
		let id = propose(MAKER, WHOLESALER, &[unit_goods(0), Goods::Container(OTHER_SSCC)]);
		assert_noop!(propose_as(MAKER, PHARMACY, &[unit_goods(0)]), Error::<Test>::InTransfer);
		assert_noop!(
			propose_as(MAKER, PHARMACY, &[Goods::Container(OTHER_SSCC)]),
			Error::<Test>::InTransfer
		);
		assert_ok!(SupplyChain::cancel_transfer(signed(MAKER), id));
		// Quarantine: the pack, the logistic unit, the lot.
		flag(PHARMACY, &[SuspectItem::Pack(unit_pack(0)), SuspectItem::Container(OTHER_SSCC)]);
		assert_noop!(propose_as(MAKER, WHOLESALER, &[unit_goods(0)]), Error::<Test>::Quarantined);
		assert_noop!(
			propose_as(MAKER, WHOLESALER, &[Goods::Container(OTHER_SSCC)]),
			Error::<Test>::Quarantined
		);
		flag(PHARMACY, &[SuspectItem::Lot { gtin: GTIN, lot: lot("L1") }]);
		assert_noop!(propose_as(MAKER, WHOLESALER, &[quantity(1)]), Error::<Test>::Quarantined);
		// Nothing was held by the failed proposals.
		assert_eq!(held(HoldReason::TransferDeposit, MAKER), 0);
		assert_eq!(holdings(MAKER), PACKS);
		// Transfer ids run out.
		NextTransferId::<Test>::put(TransferId::MAX);
		assert_noop!(propose_as(MAKER, WHOLESALER, &[unit_goods(3)]), Error::<Test>::Overflow);
	});
}

#[test]
fn proposing_needs_the_transfer_deposit() {
	test(|| {
		// A manufacturer that can pay for its product and lot but not for a transfer.
		assert_ok!(Balances::mint_into(&POOR_MAKER, PRODUCT_DEPOSIT + LOT_DEPOSIT));
		register(POOR_MAKER, GTIN, details(false, None));
		commission(POOR_MAKER, GTIN, "L1", PACKS);
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(POOR_MAKER),
				WHOLESALER,
				bounded(&[quantity(1)]),
				docs(),
				hash(0)
			),
			Error::<Test>::InsufficientDeposit
		);
		assert_eq!(holdings(POOR_MAKER), PACKS);
	});
}

// ---------------------------------------------------------------------------------------------
// Unit-tracked packs and logistic units
// ---------------------------------------------------------------------------------------------

#[test]
fn unit_tracked_packs_travel_alone_in_cases_and_on_pallets() {
	test(|| {
		unit_tracked(None, 8);
		// One pack on its own.
		ship(MAKER, WHOLESALER, &[unit_goods(0)]);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(unit.placement, Some(Placement::Held(WHOLESALER)));
		assert_eq!(
			(unit.disposition, unit.location),
			(Disposition::InProgress, Some(WHOLESALER_GLN))
		);
		assert_eq!(unit.history.events, 3);
		assert_eq!(SupplyChain::unit_holder(&unit), Some(WHOLESALER));

		// Two cases of two packs, on a pallet.
		pack(MAKER, SSCC, &[unit_goods(1), unit_goods(2)]);
		System::assert_last_event(Event::Packed { sscc: SSCC, by: MAKER, entries: 2 }.into());
		pack(MAKER, OTHER_SSCC, &[unit_goods(3), unit_goods(4)]);
		let unit = unit_entry(OTHER_GTIN, serial(1));
		assert_eq!(unit.placement, Some(Placement::Packed(SSCC)));
		assert_eq!(unit.history.events, 2);
		assert_eq!(SupplyChain::unit_holder(&unit), Some(MAKER));
		pack(MAKER, THIRD_SSCC, &[Goods::Container(SSCC), Goods::Container(OTHER_SSCC)]);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), 3 * CONTAINER_DEPOSIT);
		assert_eq!(container(SSCC).placement, Placement::Packed(THIRD_SSCC));
		assert_eq!(container(SSCC).history.events, 2);
		assert_eq!(SupplyChain::container_holder(&container(SSCC)), Some(MAKER));
		assert_eq!(
			container(THIRD_SSCC).contents.into_inner(),
			vec![Goods::Container(SSCC), Goods::Container(OTHER_SSCC)]
		);

		// Two levels at most.
		assert_noop!(
			SupplyChain::pack(
				signed(MAKER),
				FOURTH_SSCC,
				bounded(&[Goods::Container(THIRD_SSCC)]),
				hash(0)
			),
			Error::<Test>::NestingTooDeep
		);
		assert_noop!(
			SupplyChain::pack(
				signed(MAKER),
				THIRD_SSCC,
				bounded(&[Goods::Container(THIRD_SSCC)]),
				hash(0)
			),
			Error::<Test>::NestingTooDeep
		);
		// A case on the pallet is not opened or added to.
		assert_noop!(
			SupplyChain::pack(signed(MAKER), SSCC, bounded(&[unit_goods(5)]), hash(0)),
			Error::<Test>::IsPacked
		);
		assert_noop!(SupplyChain::unpack(signed(MAKER), SSCC, hash(0)), Error::<Test>::IsPacked);
		assert_noop!(
			SupplyChain::record_event(
				signed(MAKER),
				bounded(&[unit_item(1)]),
				BizStep::Storing,
				None,
				hash(0)
			),
			Error::<Test>::IsPacked
		);

		// The pallet changes hands; what is in it follows.
		ship(MAKER, WHOLESALER, &[Goods::Container(THIRD_SSCC)]);
		let unit = unit_entry(OTHER_GTIN, serial(3));
		assert_eq!(unit.placement, Some(Placement::Packed(OTHER_SSCC)));
		assert_eq!(unit.history.events, 2);
		assert_eq!(SupplyChain::unit_holder(&unit), Some(WHOLESALER));
		assert_eq!(SupplyChain::container_holder(&container(OTHER_SSCC)), Some(WHOLESALER));
		assert_eq!(container(OTHER_SSCC).placement, Placement::Packed(THIRD_SSCC));
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(MAKER),
				PHARMACY,
				bounded(&[Goods::Container(THIRD_SSCC)]),
				docs(),
				hash(0)
			),
			Error::<Test>::NotHolder
		);

		// The wholesaler breaks the pallet down and sends one case on.
		assert_ok!(SupplyChain::unpack(signed(WHOLESALER), THIRD_SSCC, hash(0)));
		assert_eq!(Containers::<Test>::get(THIRD_SSCC), None);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), 2 * CONTAINER_DEPOSIT);
		let case = container(SSCC);
		assert_eq!(
			(case.placement, case.disposition),
			(Placement::Held(WHOLESALER), Disposition::InProgress)
		);
		assert_eq!(unit_entry(OTHER_GTIN, serial(1)).placement, Some(Placement::Packed(SSCC)));
		ship(WHOLESALER, PHARMACY, &[Goods::Container(SSCC)]);
		assert_eq!(SupplyChain::unit_holder(&unit_entry(OTHER_GTIN, serial(2))), Some(PHARMACY));
		assert_eq!(SupplyChain::unit_holder(&unit_entry(OTHER_GTIN, serial(3))), Some(WHOLESALER));

		// The pharmacy opens the case, stores and dispenses a pack.
		assert_ok!(SupplyChain::unpack(signed(PHARMACY), SSCC, hash(0)));
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), CONTAINER_DEPOSIT);
		let unit = unit_entry(OTHER_GTIN, serial(1));
		assert_eq!(unit.placement, Some(Placement::Held(PHARMACY)));
		assert_eq!(
			(unit.disposition, unit.location),
			(Disposition::InProgress, Some(PHARMACY_GLN))
		);
		// Commissioned, packed, unpacked.
		assert_eq!(unit.history.events, 3);
		assert_ok!(SupplyChain::record_event(
			signed(PHARMACY),
			bounded(&[unit_item(1), unit_item(2)]),
			BizStep::Storing,
			None,
			hash(0)
		));
		assert_eq!(unit_entry(OTHER_GTIN, serial(1)).disposition, Disposition::SellableAccessible);
		assert_eq!(verify_unit_pack(1), Verification::Verified);
		decommission(PHARMACY, unit_pack(1), DecommissionReason::Supplied);
		let unit = unit_entry(OTHER_GTIN, serial(1));
		assert_eq!(unit.disposition, Disposition::Dispensed);
		assert_eq!(unit.placement, Some(Placement::Held(PHARMACY)));
		assert_eq!(unit.history.events, 5);
		// The entry existed: no new deposit.
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), 0);
		assert_eq!(held(HoldReason::UnitDeposit, MAKER), 8 * UNIT_DEPOSIT);
		assert_eq!(verify_unit_pack(1), Verification::Decommissioned(DecommissionReason::Supplied));
		assert_eq!(verify_unit_pack(2), Verification::Verified);
	});
}

#[test]
fn lot_quantities_in_a_case_add_up() {
	test(|| {
		lot_traded(None);
		commission(MAKER, GTIN, "L2", PACKS);
		let l2 = Goods::Quantity { gtin: GTIN, lot: lot("L2"), quantity: 5 };
		pack(MAKER, SSCC, &[quantity(1), quantity(2)]);
		System::assert_last_event(Event::Packed { sscc: SSCC, by: MAKER, entries: 1 }.into());
		pack(MAKER, SSCC, &[quantity(3), l2.clone()]);
		System::assert_last_event(Event::Packed { sscc: SSCC, by: MAKER, entries: 2 }.into());
		assert_eq!(container(SSCC).contents.into_inner(), vec![quantity(6), l2]);
		assert_eq!(container(SSCC).history.events, 2);
		assert_eq!(holdings(MAKER), 4);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), MAKER), 5);
		// One deposit for the case, however often it is added to.
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), CONTAINER_DEPOSIT);
		assert_ok!(SupplyChain::unpack(signed(MAKER), SSCC, hash(0)));
		assert_eq!(holdings(MAKER), PACKS);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), MAKER), PACKS);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), 0);
	});
}

#[test]
fn pack_errors() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 8);
		let pack_as = |who, sscc, contents: &[Goods]| {
			SupplyChain::pack(signed(who), sscc, bounded(contents), hash(0))
		};
		let mut bad_sscc = SSCC;
		bad_sscc[17] = b'8';
		assert_noop!(pack_as(STRANGER, SSCC, &[quantity(1)]), Error::<Test>::NotTradingPartner);
		assert_noop!(pack_as(MAKER, bad_sscc, &[quantity(1)]), Error::<Test>::InvalidSscc);
		assert_noop!(pack_as(MAKER, SSCC, &[]), Error::<Test>::NoItems);
		// Lot quantities.
		assert_noop!(pack_as(MAKER, SSCC, &[quantity(0)]), Error::<Test>::ZeroQuantity);
		assert_noop!(
			pack_as(MAKER, SSCC, &[quantity(PACKS + 1)]),
			Error::<Test>::InsufficientQuantity
		);
		assert_noop!(
			pack_as(WHOLESALER, SSCC, &[quantity(1)]),
			Error::<Test>::InsufficientQuantity
		);
		assert_noop!(
			pack_as(MAKER, SSCC, &[Goods::Quantity { gtin: GTIN, lot: lot("L9"), quantity: 1 }]),
			Error::<Test>::UnknownLot
		);
		assert_noop!(
			pack_as(
				MAKER,
				SSCC,
				&[Goods::Quantity { gtin: *b"00000000000000", lot: lot("L1"), quantity: 1 }]
			),
			Error::<Test>::UnknownProduct
		);
		assert_noop!(
			pack_as(
				MAKER,
				SSCC,
				&[Goods::Quantity { gtin: OTHER_GTIN, lot: lot("L1"), quantity: 1 }]
			),
			Error::<Test>::UnitTracked
		);
		// Packs.
		assert_noop!(pack_as(MAKER, SSCC, &[unit_goods(UNITS - 1)]), Error::<Test>::UnknownUnit);
		assert_noop!(pack_as(WHOLESALER, SSCC, &[unit_goods(0)]), Error::<Test>::NotHolder);
		assert_noop!(
			pack_as(MAKER, SSCC, &[unit_goods(0), unit_goods(0)]),
			Error::<Test>::IsPacked
		);
		decommission(MAKER, unit_pack(7), DecommissionReason::Locked);
		assert_noop!(pack_as(MAKER, SSCC, &[unit_goods(7)]), Error::<Test>::ImpossibleTransition);
		let id = propose(MAKER, WHOLESALER, &[unit_goods(6)]);
		assert_noop!(pack_as(MAKER, SSCC, &[unit_goods(6)]), Error::<Test>::InTransfer);
		assert_ok!(SupplyChain::cancel_transfer(signed(MAKER), id));
		flag(PHARMACY, &[SuspectItem::Pack(unit_pack(5))]);
		assert_noop!(pack_as(MAKER, SSCC, &[unit_goods(5)]), Error::<Test>::Quarantined);
		// Full.
		pack(MAKER, SSCC, &[unit_goods(0), unit_goods(1), unit_goods(2)]);
		assert_noop!(
			pack_as(MAKER, SSCC, &[unit_goods(3), unit_goods(4)]),
			Error::<Test>::ContainerFull
		);
		assert_noop!(
			pack_as(MAKER, SSCC, &[unit_goods(3), quantity(1)]),
			Error::<Test>::ContainerFull
		);
		// Existing logistic units.
		assert_noop!(pack_as(WHOLESALER, SSCC, &[quantity(1)]), Error::<Test>::NotHolder);
		assert_noop!(
			pack_as(MAKER, OTHER_SSCC, &[Goods::Container(THIRD_SSCC)]),
			Error::<Test>::UnknownContainer
		);
		assert_noop!(
			pack_as(WHOLESALER, OTHER_SSCC, &[Goods::Container(SSCC)]),
			Error::<Test>::NotHolder
		);
		assert_noop!(
			pack_as(MAKER, SSCC, &[Goods::Container(SSCC)]),
			Error::<Test>::NestingTooDeep
		);
		let id = propose(MAKER, WHOLESALER, &[Goods::Container(SSCC)]);
		assert_noop!(pack_as(MAKER, SSCC, &[quantity(1)]), Error::<Test>::InTransfer);
		assert_noop!(
			pack_as(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]),
			Error::<Test>::InTransfer
		);
		assert_ok!(SupplyChain::cancel_transfer(signed(MAKER), id));
		let case = flag(WHOLESALER, &[SuspectItem::Container(SSCC)]);
		assert_noop!(pack_as(MAKER, SSCC, &[quantity(1)]), Error::<Test>::Quarantined);
		assert_noop!(
			pack_as(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]),
			Error::<Test>::Quarantined
		);
		assert_ok!(SupplyChain::clear_suspect(signed(WHOLESALER), case));
		pack(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]);
		assert_noop!(
			pack_as(MAKER, THIRD_SSCC, &[Goods::Container(OTHER_SSCC)]),
			Error::<Test>::NestingTooDeep
		);
		// Nothing moved with the failed calls.
		assert_eq!(holdings(MAKER), PACKS);
		assert_eq!(held(HoldReason::ContainerDeposit, MAKER), 2 * CONTAINER_DEPOSIT);
	});
}

#[test]
fn unpack_errors() {
	test(|| {
		lot_traded(None);
		pack(MAKER, SSCC, &[quantity(2)]);
		pack(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]);
		pack(MAKER, THIRD_SSCC, &[quantity(2)]);
		let unpack_as = |who, sscc| SupplyChain::unpack(signed(who), sscc, hash(0));
		assert_noop!(unpack_as(STRANGER, OTHER_SSCC), Error::<Test>::NotTradingPartner);
		assert_noop!(unpack_as(MAKER, FOURTH_SSCC), Error::<Test>::UnknownContainer);
		assert_noop!(unpack_as(WHOLESALER, OTHER_SSCC), Error::<Test>::NotHolder);
		assert_noop!(unpack_as(MAKER, SSCC), Error::<Test>::IsPacked);
		let id = propose(MAKER, WHOLESALER, &[Goods::Container(OTHER_SSCC)]);
		assert_noop!(unpack_as(MAKER, OTHER_SSCC), Error::<Test>::InTransfer);
		assert_ok!(SupplyChain::cancel_transfer(signed(MAKER), id));
		flag(PHARMACY, &[SuspectItem::Container(THIRD_SSCC)]);
		assert_noop!(unpack_as(MAKER, THIRD_SSCC), Error::<Test>::Quarantined);
		assert_eq!(holdings(MAKER), PACKS - 4);
		assert_ok!(unpack_as(MAKER, OTHER_SSCC));
		assert_eq!(container(SSCC).placement, Placement::Held(MAKER));
	});
}

// ---------------------------------------------------------------------------------------------
// Decommissioning and reactivation (EU FMD)
// ---------------------------------------------------------------------------------------------

#[test]
fn decommission_errors() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 8);
		ship(MAKER, PHARMACY, &[quantity(4), unit_goods(0), unit_goods(1), unit_goods(2)]);
		let decommission_as =
			|who, pack, reason| SupplyChain::decommission(signed(who), pack, reason, hash(0));
		use DecommissionReason::*;
		assert_noop!(
			decommission_as(STRANGER, pack_of(0), Destroyed),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(
			decommission_as(REGULATOR, pack_of(0), Destroyed),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(
			decommission_as(WHOLESALER, pack_of(0), Supplied),
			Error::<Test>::NotDispenser
		);
		assert_noop!(decommission_as(MAKER, pack_of(0), Supplied), Error::<Test>::NotDispenser);
		// The pack must be proven to be one of its lot's.
		let unknown_product = PackRef { gtin: *b"00000000000000", ..pack_of(0) };
		assert_noop!(
			decommission_as(PHARMACY, unknown_product, Supplied),
			Error::<Test>::UnknownProduct
		);
		let unknown_lot = PackRef { lot: lot("L9"), ..pack_of(0) };
		assert_noop!(decommission_as(PHARMACY, unknown_lot, Supplied), Error::<Test>::UnknownLot);
		let wrong_proof = PackRef { proof: pack_of(1).proof, ..pack_of(0) };
		assert_noop!(
			decommission_as(PHARMACY, wrong_proof, Supplied),
			Error::<Test>::UnknownSerial
		);
		let counterfeit = PackRef {
			serial: medchain_primitives::supply::serial_hash(&GTIN, b"FAKE0001"),
			..pack_of(0)
		};
		assert_noop!(
			decommission_as(PHARMACY, counterfeit, Supplied),
			Error::<Test>::UnknownSerial
		);
		// Lot-traded packs come from the caller's loose packs.
		assert_noop!(
			decommission_as(WHOLESALER, pack_of(0), Destroyed),
			Error::<Test>::InsufficientQuantity
		);
		decommission(PHARMACY, pack_of(0), Sample);
		assert_noop!(
			decommission_as(PHARMACY, pack_of(0), Supplied),
			Error::<Test>::AlreadyDecommissioned
		);
		assert_noop!(
			decommission_as(PHARMACY, pack_of(0), Destroyed),
			Error::<Test>::AlreadyDecommissioned
		);
		// Unit-tracked packs must be commissioned, held, loose and not on their way.
		assert_noop!(
			decommission_as(PHARMACY, unit_pack(UNITS - 1), Supplied),
			Error::<Test>::UnknownUnit
		);
		assert_noop!(decommission_as(PHARMACY, unit_pack(3), Destroyed), Error::<Test>::NotHolder);
		pack(PHARMACY, SSCC, &[unit_goods(1)]);
		assert_noop!(decommission_as(PHARMACY, unit_pack(1), Destroyed), Error::<Test>::IsPacked);
		let id = propose(PHARMACY, OTHER_PHARMACY, &[unit_goods(2)]);
		assert_noop!(decommission_as(PHARMACY, unit_pack(2), Destroyed), Error::<Test>::InTransfer);
		assert_ok!(SupplyChain::cancel_transfer(signed(PHARMACY), id));
		// Held back from sale: not dispensed before it is stored again.
		assert_ok!(SupplyChain::record_event(
			signed(PHARMACY),
			bounded(&[unit_item(2)]),
			BizStep::Holding,
			None,
			hash(0)
		));
		assert_noop!(
			decommission_as(PHARMACY, unit_pack(2), Supplied),
			Error::<Test>::ImpossibleTransition
		);
		decommission(PHARMACY, unit_pack(2), Exported);
		assert_noop!(
			decommission_as(PHARMACY, unit_pack(2), Stolen),
			Error::<Test>::AlreadyDecommissioned
		);
		assert_eq!(verify_unit_pack(2), Verification::Decommissioned(Exported));
		// A holder that cannot pay for the exception entry.
		ship(MAKER, POOR_MAKER, &[quantity(1)]);
		assert_eq!(Balances::set_balance(&POOR_MAKER, 2), 2);
		assert_noop!(
			decommission_as(POOR_MAKER, pack_of(5), Destroyed),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn packs_of_a_quarantined_or_expired_lot_are_not_released_but_may_be_destroyed() {
	test(|| {
		lot_traded(None);
		ship(MAKER, PHARMACY, &[quantity(6)]);
		use DecommissionReason::*;
		let decommission_as =
			|pack, reason| SupplyChain::decommission(signed(PHARMACY), pack, reason, hash(0));
		// A suspect pack.
		let case = flag(WHOLESALER, &[SuspectItem::Pack(pack_of(0))]);
		for reason in [Supplied, Sample, FreeSample, Exported, CheckedOut] {
			assert_noop!(decommission_as(pack_of(0), reason), Error::<Test>::Quarantined);
		}
		decommission(PHARMACY, pack_of(0), Locked);
		assert_eq!(holdings(PHARMACY), 5);
		// The entry the flag created is reused: one deposit, from the reporter.
		assert_eq!(held(HoldReason::UnitDeposit, WHOLESALER), UNIT_DEPOSIT);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), 0);
		let entry = unit_entry(GTIN, pack_serial(0));
		assert_eq!(entry.suspect_case, Some(case));
		assert_eq!(entry.disposition, Disposition::Inactive);
		assert_eq!(entry.history.events, 2);
		// A suspect lot.
		flag(WHOLESALER, &[SuspectItem::Lot { gtin: GTIN, lot: lot("L1") }]);
		assert_noop!(decommission_as(pack_of(1), Supplied), Error::<Test>::Quarantined);
		decommission(PHARMACY, pack_of(1), Stolen);
		// Decommissioning is reported before quarantine.
		assert_eq!(verify_pack(1), Verification::Decommissioned(Stolen));
		assert_eq!(verify_pack(2), Verification::Quarantined);
		// An expired lot.
		commission(MAKER, GTIN, "L2", PACKS);
		ship(MAKER, PHARMACY, &[Goods::Quantity { gtin: GTIN, lot: lot("L2"), quantity: 2 }]);
		set_today(EXPIRY.last_day() + 1);
		let l2 = |index| pack_ref(&GTIN, "L2", PACKS, index);
		assert_noop!(decommission_as(l2(5), Supplied), Error::<Test>::Expired);
		assert_noop!(decommission_as(l2(5), FreeSample), Error::<Test>::Expired);
		decommission(PHARMACY, l2(5), Destroyed);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), PHARMACY), 1);
		assert_eq!(
			Units::<Test>::get(GTIN, l2(5).serial).map(|u| (u.lot, u.disposition)),
			Some((lot("L2"), Disposition::Destroyed))
		);
	});
}

#[test]
fn a_locked_pack_is_reactivated_into_stock_and_its_entry_pruned() {
	test(|| {
		lot_traded(None);
		ship(MAKER, PHARMACY, &[quantity(5)]);
		System::set_block_number(10);
		decommission(PHARMACY, pack_of(3), DecommissionReason::Locked);
		assert_eq!(holdings(PHARMACY), 4);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), UNIT_DEPOSIT);
		assert_eq!(verify_pack(3), Verification::Decommissioned(DecommissionReason::Locked));
		let entry = unit_entry(GTIN, pack_serial(3));
		assert_eq!((entry.placement, entry.disposition), (None, Disposition::Inactive));

		// On the window's last block.
		System::set_block_number(10 + REACTIVATION_WINDOW);
		assert_ok!(SupplyChain::reactivate(signed(PHARMACY), GTIN, pack_serial(3)));
		System::assert_last_event(
			Event::Reactivated { gtin: GTIN, serial: pack_serial(3), by: PHARMACY }.into(),
		);
		assert_eq!(holdings(PHARMACY), 5);
		assert_eq!(Units::<Test>::get(GTIN, pack_serial(3)), None);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), 0);
		assert_eq!(Balances::free_balance(PHARMACY), BALANCE);
		assert_eq!(verify_pack(3), Verification::Verified);
		// And it may be dispensed now.
		decommission(PHARMACY, pack_of(3), DecommissionReason::Supplied);
		assert_eq!(verify_pack(3), Verification::Decommissioned(DecommissionReason::Supplied));
	});
}

#[test]
fn a_unit_tracked_pack_is_reactivated_in_place() {
	test(|| {
		unit_tracked(None, 2);
		ship(MAKER, PHARMACY, &[unit_goods(0)]);
		decommission(PHARMACY, unit_pack(0), DecommissionReason::CheckedOut);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(unit.disposition, Disposition::Inactive);
		assert_eq!(unit.history.events, 4);
		assert_ok!(SupplyChain::reactivate(signed(PHARMACY), OTHER_GTIN, serial(0)));
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(unit.disposition, Disposition::Active);
		assert_eq!(unit.decommissioned, None);
		assert_eq!(unit.placement, Some(Placement::Held(PHARMACY)));
		assert_eq!(unit.history.events, 5);
		let reactivated = history_link(
			&unit_history_before_reactivation(),
			&PHARMACY,
			&1u64,
			&record(BizStep::Reactivating, Disposition::Active, Some(PHARMACY_GLN), H256::zero()),
		);
		assert_eq!(unit.history.head, reactivated);
		// The maker's deposit for the pack stays.
		assert_eq!(held(HoldReason::UnitDeposit, MAKER), 2 * UNIT_DEPOSIT);
		assert_eq!(verify_unit_pack(0), Verification::Verified);
	});
}

/// The history head of unit-tracked pack 0 after it was commissioned (block 1), shipped to the
/// pharmacy, received and checked out there.
fn unit_history_before_reactivation() -> H256 {
	let steps = [
		(MAKER, record(BizStep::Commissioning, Disposition::Active, Some(MAKER_GLN), hash(0xc1))),
		(MAKER, record(BizStep::Shipping, Disposition::InTransit, Some(MAKER_GLN), hash(0x5e))),
		(
			PHARMACY,
			record(BizStep::Receiving, Disposition::InProgress, Some(PHARMACY_GLN), hash(0x7e)),
		),
		(
			PHARMACY,
			record(BizStep::Decommissioning, Disposition::Inactive, Some(PHARMACY_GLN), hash(0xdc)),
		),
	];
	steps.iter().fold(H256::zero(), |head, (actor, event)| history_link(&head, actor, &1u64, event))
}

#[test]
fn reactivate_errors() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 1);
		ship(MAKER, PHARMACY, &[quantity(8)]);
		use DecommissionReason::*;
		let reactivate_as = |who, gtin, serial| SupplyChain::reactivate(signed(who), gtin, serial);
		assert_noop!(reactivate_as(PHARMACY, GTIN, pack_serial(0)), Error::<Test>::UnknownUnit);
		assert_noop!(reactivate_as(MAKER, OTHER_GTIN, serial(0)), Error::<Test>::NotDecommissioned);
		// Never after supplying, destroying or theft.
		for (index, reason) in [(0, Supplied), (1, Destroyed), (2, Stolen)] {
			decommission(PHARMACY, pack_of(index), reason);
			assert_noop!(
				reactivate_as(PHARMACY, GTIN, pack_serial(index)),
				Error::<Test>::ReactivationNotAllowed
			);
		}
		// Only by the same partner, at the same premises.
		decommission(PHARMACY, pack_of(3), Locked);
		assert_noop!(
			reactivate_as(STRANGER, GTIN, pack_serial(3)),
			Error::<Test>::NotTradingPartner
		);
		assert_noop!(
			reactivate_as(OTHER_PHARMACY, GTIN, pack_serial(3)),
			Error::<Test>::NotDecommissioner
		);
		assert_noop!(reactivate_as(MAKER, GTIN, pack_serial(3)), Error::<Test>::NotDecommissioner);
		let move_to = |gln| {
			assert_ok!(Participants::update_registration(
				RuntimeOrigin::root(),
				PHARMACY,
				roles(&[Role::Dispenser]),
				Some(gln),
			));
		};
		move_to(NEW_PREMISES);
		assert_noop!(
			reactivate_as(PHARMACY, GTIN, pack_serial(3)),
			Error::<Test>::NotDecommissioner
		);
		move_to(PHARMACY_GLN);
		// Within the window.
		System::set_block_number(1 + REACTIVATION_WINDOW + 1);
		assert_noop!(
			reactivate_as(PHARMACY, GTIN, pack_serial(3)),
			Error::<Test>::ReactivationWindowPassed
		);
		// Not once expired.
		decommission(PHARMACY, pack_of(4), FreeSample);
		set_today(EXPIRY.last_day() + 1);
		assert_noop!(reactivate_as(PHARMACY, GTIN, pack_serial(4)), Error::<Test>::Expired);
		set_today(EXPIRY.last_day());
		// Not once recalled.
		recall(MAKER, GTIN, &["L1"]);
		assert_noop!(reactivate_as(PHARMACY, GTIN, pack_serial(4)), Error::<Test>::Recalled);
		assert_eq!(holdings(PHARMACY), 3);
	});
}

// ---------------------------------------------------------------------------------------------
// Suspect products (DSCSA)
// ---------------------------------------------------------------------------------------------

#[test]
fn suspect_items_are_quarantined_until_cleared() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 4);
		ship(MAKER, PHARMACY, &[quantity(5)]);
		pack(MAKER, SSCC, &[unit_goods(1), unit_goods(2)]);

		let case = flag(
			PHARMACY,
			&[
				SuspectItem::Pack(pack_of(0)),
				SuspectItem::Container(SSCC),
				SuspectItem::Pack(unit_pack(0)),
			],
		);
		assert_eq!(case, 0);
		System::assert_last_event(
			Event::SuspectFlagged { case, reporter: PHARMACY, items: 3 }.into(),
		);
		assert_eq!(NextCaseId::<Test>::get(), 1);
		assert_eq!(held(HoldReason::CaseDeposit, PHARMACY), CASE_DEPOSIT);
		// Only the lot-traded pack needed an entry of its own.
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), UNIT_DEPOSIT);
		let items = vec![
			ItemId::Unit { gtin: GTIN, serial: pack_serial(0) },
			ItemId::Container(SSCC),
			unit_item(0),
		];
		assert_eq!(
			Cases::<Test>::get(case),
			Some(CaseOf::<Test> {
				reporter: PHARMACY,
				items: bounded(&items),
				reason: hash(0x5c),
				status: CaseStatus::Quarantined,
				opened_at: 1,
				deposit: CASE_DEPOSIT,
			})
		);
		let flagged = history_link(
			&H256::zero(),
			&PHARMACY,
			&1u64,
			&record(
				BizStep::Investigating,
				Disposition::SellableAccessible,
				Some(PHARMACY_GLN),
				hash(0x5c),
			),
		);
		assert_eq!(
			Units::<Test>::get(GTIN, pack_serial(0)),
			Some(UnitOf::<Test> {
				lot: lot("L1"),
				placement: None,
				disposition: Disposition::SellableAccessible,
				location: None,
				in_transfer: None,
				decommissioned: None,
				suspect_case: Some(case),
				excursion: None,
				history: HistoryHead { head: flagged, events: 1 },
				depositor: PHARMACY,
				deposit: UNIT_DEPOSIT,
			})
		);
		assert_eq!(container(SSCC).suspect_case, Some(case));
		assert_eq!(unit_entry(OTHER_GTIN, serial(0)).suspect_case, Some(case));
		// The flagged pack, the pack in the flagged case, and nothing else.
		assert_eq!(verify_pack(0), Verification::Quarantined);
		assert_eq!(verify_pack(1), Verification::Verified);
		assert_eq!(verify_unit_pack(0), Verification::Quarantined);
		assert_eq!(verify_unit_pack(1), Verification::Quarantined);
		assert_eq!(verify_unit_pack(3), Verification::Verified);
		// A quarantined pack is not stored as sellable.
		assert_noop!(
			SupplyChain::record_event(
				signed(MAKER),
				bounded(&[unit_item(0)]),
				BizStep::Storing,
				None,
				hash(0)
			),
			Error::<Test>::Quarantined
		);

		// The investigation clears them.
		assert_noop!(
			SupplyChain::clear_suspect(signed(WHOLESALER), case),
			Error::<Test>::NotReporter
		);
		System::set_block_number(2);
		assert_ok!(SupplyChain::clear_suspect(signed(PHARMACY), case));
		System::assert_last_event(Event::SuspectCleared { case }.into());
		assert_eq!(Cases::<Test>::get(case), None);
		assert_eq!(held(HoldReason::CaseDeposit, PHARMACY), 0);
		// The bare entry is pruned and its deposit released; the others stay.
		assert_eq!(Units::<Test>::get(GTIN, pack_serial(0)), None);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), 0);
		assert_eq!(Balances::free_balance(PHARMACY), BALANCE);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!((unit.suspect_case, unit.history.events), (None, 3));
		assert_eq!(container(SSCC).suspect_case, None);
		for verification in [verify_pack(0), verify_unit_pack(0), verify_unit_pack(1)] {
			assert_eq!(verification, Verification::Verified);
		}
		// The maker may store the pack again.
		assert_ok!(SupplyChain::record_event(
			signed(MAKER),
			bounded(&[unit_item(0)]),
			BizStep::Storing,
			None,
			hash(0)
		));
	});
}

#[test]
fn a_whole_lot_is_quarantined_and_a_regulator_may_clear_it() {
	test(|| {
		lot_traded(None);
		let case = flag(WHOLESALER, &[SuspectItem::Lot { gtin: GTIN, lot: lot("L1") }]);
		assert_eq!(held(HoldReason::CaseDeposit, WHOLESALER), CASE_DEPOSIT);
		assert_eq!(held(HoldReason::UnitDeposit, WHOLESALER), 0);
		let lot_state = lot_info(GTIN, "L1");
		assert_eq!((lot_state.suspect_case, lot_state.history.events), (Some(case), 2));
		for index in [0, 9] {
			assert_eq!(verify_pack(index), Verification::Quarantined);
		}
		assert_noop!(SupplyChain::clear_suspect(signed(MAKER), case), Error::<Test>::NotReporter);
		assert_ok!(SupplyChain::clear_suspect(signed(REGULATOR), case));
		// The reporter gets the deposit back.
		assert_eq!(held(HoldReason::CaseDeposit, WHOLESALER), 0);
		let lot_state = lot_info(GTIN, "L1");
		assert_eq!((lot_state.suspect_case, lot_state.history.events), (None, 3));
		assert_eq!(verify_pack(9), Verification::Verified);
	});
}

#[test]
fn an_exception_entry_is_pruned_only_when_nothing_exceptional_is_left() {
	test(|| {
		lot_traded(None);
		ship(MAKER, PHARMACY, &[quantity(3)]);
		let case = flag(WHOLESALER, &[SuspectItem::Pack(pack_of(0))]);
		decommission(PHARMACY, pack_of(0), DecommissionReason::Locked);
		assert_ok!(SupplyChain::clear_suspect(signed(WHOLESALER), case));
		// Still locked: the entry (and the reporter's deposit for it) stays.
		assert_eq!(unit_entry(GTIN, pack_serial(0)).suspect_case, None);
		assert_eq!(held(HoldReason::UnitDeposit, WHOLESALER), UNIT_DEPOSIT);
		assert_eq!(verify_pack(0), Verification::Decommissioned(DecommissionReason::Locked));
		assert_ok!(SupplyChain::reactivate(signed(PHARMACY), GTIN, pack_serial(0)));
		assert_eq!(Units::<Test>::get(GTIN, pack_serial(0)), None);
		assert_eq!(held(HoldReason::UnitDeposit, WHOLESALER), 0);
		assert_eq!(holdings(PHARMACY), 3);
		assert_eq!(verify_pack(0), Verification::Verified);
	});
}

#[test]
fn illegitimate_products_are_notified_by_the_deadline() {
	test(|| {
		lot_traded(None);
		ship(MAKER, PHARMACY, &[quantity(5)]);
		let case = flag(PHARMACY, &[SuspectItem::Pack(pack_of(0))]);
		assert_noop!(
			SupplyChain::record_notification(signed(REGULATOR), case, hash(0x11)),
			Error::<Test>::CaseNotIllegitimate
		);
		assert_noop!(
			SupplyChain::terminate_notification(signed(REGULATOR), case),
			Error::<Test>::CaseNotNotified
		);
		assert_noop!(
			SupplyChain::determine_illegitimate(signed(MAKER), case),
			Error::<Test>::NotReporter
		);

		System::set_block_number(5);
		assert_ok!(SupplyChain::determine_illegitimate(signed(PHARMACY), case));
		let notify_by = 5 + NOTIFICATION_DEADLINE;
		System::assert_last_event(Event::DeterminedIllegitimate { case, notify_by }.into());
		assert_eq!(
			Cases::<Test>::get(case).map(|c| c.status),
			Some(CaseStatus::Illegitimate { notify_by })
		);
		assert_eq!(verify_pack(0), Verification::Illegitimate);
		assert_eq!(verify_pack(1), Verification::Verified);
		assert_noop!(
			SupplyChain::determine_illegitimate(signed(PHARMACY), case),
			Error::<Test>::CaseNotQuarantined
		);
		assert_noop!(
			SupplyChain::clear_suspect(signed(REGULATOR), case),
			Error::<Test>::CaseNotQuarantined
		);
		// An illegitimate pack is not dispensed.
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				pack_of(0),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::Quarantined
		);

		// On the deadline: not overdue.
		System::set_block_number(notify_by);
		assert_noop!(
			SupplyChain::record_notification(signed(PHARMACY), case, hash(0x11)),
			Error::<Test>::NotRegulator
		);
		assert_ok!(SupplyChain::record_notification(signed(REGULATOR), case, hash(0x11)));
		System::assert_last_event(
			Event::NotificationRecorded { case, notice: hash(0x11), overdue: false }.into(),
		);
		assert_eq!(
			Cases::<Test>::get(case).map(|c| c.status),
			Some(CaseStatus::Notified { notice: hash(0x11), at: notify_by, notify_by })
		);
		assert_noop!(
			SupplyChain::record_notification(signed(REGULATOR), case, hash(0x12)),
			Error::<Test>::CaseNotIllegitimate
		);

		System::set_block_number(40);
		assert_noop!(
			SupplyChain::terminate_notification(signed(PHARMACY), case),
			Error::<Test>::NotRegulator
		);
		assert_ok!(SupplyChain::terminate_notification(signed(REGULATOR), case));
		System::assert_last_event(Event::NotificationTerminated { case }.into());
		assert_eq!(
			Cases::<Test>::get(case).map(|c| c.status),
			Some(CaseStatus::Terminated { at: 40 })
		);
		assert_noop!(
			SupplyChain::terminate_notification(signed(REGULATOR), case),
			Error::<Test>::CaseNotNotified
		);
		// The items stay illegitimate.
		assert_eq!(verify_pack(0), Verification::Illegitimate);

		// A whole lot, determined by a regulator and notified late.
		let lot_case = flag(WHOLESALER, &[SuspectItem::Lot { gtin: GTIN, lot: lot("L1") }]);
		assert_ok!(SupplyChain::determine_illegitimate(signed(REGULATOR), lot_case));
		assert_eq!(verify_pack(7), Verification::Illegitimate);
		System::set_block_number(40 + NOTIFICATION_DEADLINE + 1);
		assert_ok!(SupplyChain::record_notification(signed(REGULATOR), lot_case, hash(0x13)));
		System::assert_last_event(
			Event::NotificationRecorded { case: lot_case, notice: hash(0x13), overdue: true }
				.into(),
		);
	});
}

#[test]
fn flag_suspect_errors() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 2);
		pack(MAKER, SSCC, &[quantity(1)]);
		let flag_as = |who, items: &[SuspectItem]| {
			SupplyChain::flag_suspect(signed(who), bounded(items), hash(0))
		};
		let whole_lot = SuspectItem::Lot { gtin: GTIN, lot: lot("L1") };
		assert_noop!(flag_as(REGULATOR, &[whole_lot.clone()]), Error::<Test>::NotTradingPartner);
		assert_noop!(flag_as(STRANGER, &[whole_lot.clone()]), Error::<Test>::NotTradingPartner);
		assert_noop!(flag_as(PHARMACY, &[]), Error::<Test>::NoItems);
		let unknown_product = PackRef { gtin: *b"00000000000000", ..pack_of(0) };
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(unknown_product)]),
			Error::<Test>::UnknownProduct
		);
		let unknown_lot = PackRef { lot: lot("L9"), ..pack_of(0) };
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(unknown_lot)]),
			Error::<Test>::UnknownLot
		);
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Lot { gtin: GTIN, lot: lot("L9") }]),
			Error::<Test>::UnknownLot
		);
		let wrong_proof = PackRef { proof: pack_of(2).proof, ..pack_of(1) };
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(wrong_proof)]),
			Error::<Test>::UnknownSerial
		);
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(unit_pack(UNITS - 1))]),
			Error::<Test>::UnknownUnit
		);
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Container(OTHER_SSCC)]),
			Error::<Test>::UnknownContainer
		);
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(pack_of(0)), SuspectItem::Pack(pack_of(0))]),
			Error::<Test>::AlreadySuspect
		);
		flag(PHARMACY, &[SuspectItem::Pack(pack_of(0)), SuspectItem::Pack(unit_pack(0))]);
		assert_noop!(
			flag_as(WHOLESALER, &[SuspectItem::Pack(pack_of(0))]),
			Error::<Test>::AlreadySuspect
		);
		assert_noop!(
			flag_as(WHOLESALER, &[SuspectItem::Pack(unit_pack(0))]),
			Error::<Test>::AlreadySuspect
		);
		flag(PHARMACY, &[SuspectItem::Container(SSCC), whole_lot.clone()]);
		assert_noop!(
			flag_as(WHOLESALER, &[SuspectItem::Container(SSCC)]),
			Error::<Test>::AlreadySuspect
		);
		assert_noop!(flag_as(WHOLESALER, &[whole_lot]), Error::<Test>::AlreadySuspect);
		assert_eq!(held(HoldReason::CaseDeposit, PHARMACY), 2 * CASE_DEPOSIT);
		assert_eq!(held(HoldReason::UnitDeposit, PHARMACY), UNIT_DEPOSIT);
		// A reporter that cannot pay.
		assert_noop!(
			flag_as(POOR_MAKER, &[SuspectItem::Pack(unit_pack(1))]),
			Error::<Test>::InsufficientDeposit
		);
		// Case ids run out.
		NextCaseId::<Test>::put(CaseId::MAX);
		assert_noop!(
			flag_as(PHARMACY, &[SuspectItem::Pack(unit_pack(1))]),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn case_calls_need_a_known_case() {
	test(|| {
		assert_noop!(SupplyChain::clear_suspect(signed(PHARMACY), 0), Error::<Test>::UnknownCase);
		assert_noop!(
			SupplyChain::determine_illegitimate(signed(REGULATOR), 0),
			Error::<Test>::UnknownCase
		);
		assert_noop!(
			SupplyChain::record_notification(signed(REGULATOR), 0, hash(0)),
			Error::<Test>::UnknownCase
		);
		assert_noop!(
			SupplyChain::terminate_notification(signed(REGULATOR), 0),
			Error::<Test>::UnknownCase
		);
		// Regulator calls check the role first.
		assert_noop!(
			SupplyChain::record_notification(signed(STRANGER), 0, hash(0)),
			Error::<Test>::NotRegulator
		);
	});
}

// ---------------------------------------------------------------------------------------------
// Recalls
// ---------------------------------------------------------------------------------------------

#[test]
fn lots_are_recalled_by_their_owner_or_a_regulator() {
	test(|| {
		lot_traded(None);
		commission(MAKER, GTIN, "L2", PACKS);
		commission(MAKER, GTIN, "L3", PACKS);
		ship(MAKER, PHARMACY, &[quantity(3)]);
		System::set_block_number(3);
		recall(MAKER, GTIN, &["L1", "L2"]);
		System::assert_last_event(
			Event::LotsRecalled {
				gtin: GTIN,
				lots: bounded(&[lot("L1"), lot("L2")]),
				by: MAKER,
				notice: hash(0x4e),
			}
			.into(),
		);
		let recalled = lot_info(GTIN, "L1");
		assert_eq!(recalled.recall, Some(Recall { by: MAKER, notice: hash(0x4e), at: 3 }));
		assert_eq!(recalled.history.events, 2);
		assert_eq!(
			recalled.history.head,
			history_link(
				&history_link(
					&H256::zero(),
					&MAKER,
					&1u64,
					&record(
						BizStep::Commissioning,
						Disposition::Active,
						Some(MAKER_GLN),
						hash(COMMISSION_DOC)
					),
				),
				&MAKER,
				&3u64,
				&record(BizStep::Recalling, Disposition::Active, None, hash(0x4e)),
			)
		);
		assert!(lot_info(GTIN, "L2").recall.is_some());
		assert_eq!(lot_info(GTIN, "L3").recall, None);
		assert_eq!(verify_pack(0), Verification::Recalled);

		// A regulator recalls the last lot.
		recall(REGULATOR, GTIN, &["L3"]);
		assert_eq!(lot_info(GTIN, "L3").recall.map(|r| r.by), Some(REGULATOR));

		// A recalled pack is not dispensed, but may be destroyed; it still verifies as recalled.
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				pack_of(0),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::Recalled
		);
		decommission(PHARMACY, pack_of(0), DecommissionReason::Destroyed);
		assert_eq!(holdings(PHARMACY), 2);
		assert_eq!(unit_entry(GTIN, pack_serial(0)).disposition, Disposition::Destroyed);
		assert_eq!(verify_pack(0), Verification::Recalled);
	});
}

#[test]
fn recall_lots_errors() {
	test(|| {
		lot_traded(None);
		commission(MAKER, GTIN, "L2", PACKS);
		let recall_as = |who, gtin, lots: &[&str]| {
			let lots: Vec<LotNumber> = lots.iter().map(|l| lot(l)).collect();
			SupplyChain::recall_lots(signed(who), gtin, bounded(&lots), hash(0))
		};
		assert_noop!(recall_as(MAKER, OTHER_GTIN, &["L1"]), Error::<Test>::UnknownProduct);
		for who in [OTHER_MAKER, WHOLESALER, PHARMACY, STRANGER] {
			assert_noop!(recall_as(who, GTIN, &["L1"]), Error::<Test>::NotProductOwner);
		}
		assert_noop!(recall_as(MAKER, GTIN, &[]), Error::<Test>::NoItems);
		assert_noop!(recall_as(MAKER, GTIN, &["L1", "L2", "L1"]), Error::<Test>::DuplicateItem);
		assert_noop!(recall_as(MAKER, GTIN, &["L1", "L9"]), Error::<Test>::UnknownLot);
		assert_eq!(lot_info(GTIN, "L1").recall, None);
		assert_ok!(recall_as(MAKER, GTIN, &["L1"]));
		assert_noop!(recall_as(REGULATOR, GTIN, &["L2", "L1"]), Error::<Test>::AlreadyRecalled);
		assert_eq!(lot_info(GTIN, "L2").recall, None);
	});
}

// ---------------------------------------------------------------------------------------------
// Cold chain
// ---------------------------------------------------------------------------------------------

#[test]
fn a_temperature_excursion_keeps_a_pack_from_sale_until_cleared() {
	test(|| {
		unit_tracked(Some(COLD), 4);
		ship(MAKER, PHARMACY, &[unit_goods(0), unit_goods(1)]);
		let too_warm = observed(40, 120);
		assert_ok!(SupplyChain::report_excursion(
			signed(PHARMACY),
			unit_item(0),
			too_warm,
			hash(0xe0)
		));
		System::assert_last_event(
			Event::ExcursionReported { item: unit_item(0), observed: too_warm }.into(),
		);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(
			unit.excursion,
			Some(Excursion { reported_by: PHARMACY, observed: too_warm, evidence: hash(0xe0) })
		);
		assert_eq!(unit.disposition, Disposition::InProgress);
		assert_eq!(unit.history.events, 4);
		assert_eq!(verify_unit_pack(0), Verification::Quarantined);
		assert_eq!(verify_unit_pack(1), Verification::Verified);

		// Not stored as sellable, shipped or dispensed; held back, or destroyed, it may be.
		let store = |item| {
			SupplyChain::record_event(
				signed(PHARMACY),
				bounded(&[item]),
				BizStep::Storing,
				None,
				hash(0),
			)
		};
		assert_noop!(store(unit_item(0)), Error::<Test>::TemperatureExcursion);
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(PHARMACY),
				OTHER_PHARMACY,
				bounded(&[unit_goods(0)]),
				docs(),
				hash(0)
			),
			Error::<Test>::TemperatureExcursion
		);
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				unit_pack(0),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::TemperatureExcursion
		);
		assert_ok!(SupplyChain::record_event(
			signed(PHARMACY),
			bounded(&[unit_item(0)]),
			BizStep::Holding,
			None,
			hash(0)
		));
		assert_eq!(
			unit_entry(OTHER_GTIN, serial(0)).disposition,
			Disposition::SellableNotAccessible
		);

		// The product's owner clears it with stability data.
		assert_noop!(
			SupplyChain::clear_excursion(signed(PHARMACY), unit_item(0), hash(0xe1)),
			Error::<Test>::NotProductOwner
		);
		assert_noop!(
			SupplyChain::clear_excursion(signed(OTHER_MAKER), unit_item(0), hash(0xe1)),
			Error::<Test>::NotProductOwner
		);
		assert_ok!(SupplyChain::clear_excursion(signed(MAKER), unit_item(0), hash(0xe1)));
		System::assert_last_event(
			Event::ExcursionCleared { item: unit_item(0), evidence: hash(0xe1) }.into(),
		);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!((unit.excursion, unit.history.events), (None, 6));
		assert_eq!(verify_unit_pack(0), Verification::Verified);
		assert_ok!(store(unit_item(0)));
		decommission(PHARMACY, unit_pack(0), DecommissionReason::Supplied);

		// A regulator may clear too.
		assert_ok!(SupplyChain::report_excursion(
			signed(PHARMACY),
			unit_item(1),
			observed(-30, 50),
			hash(0xe2)
		));
		assert_ok!(SupplyChain::clear_excursion(signed(REGULATOR), unit_item(1), hash(0xe3)));
		assert_eq!(unit_entry(OTHER_GTIN, serial(1)).excursion, None);
	});
}

#[test]
fn a_temperature_excursion_of_a_logistic_unit() {
	test(|| {
		unit_tracked(Some(COLD), 4);
		lot_traded(None);
		pack(MAKER, SSCC, &[unit_goods(0), quantity(2)]);
		pack(MAKER, THIRD_SSCC, &[Goods::Container(SSCC)]);
		// The case is on a pallet: its holder is the pallet's.
		assert_ok!(SupplyChain::report_excursion(
			signed(MAKER),
			ItemId::Container(SSCC),
			observed(0, 60),
			hash(0xe0)
		));
		assert!(container(SSCC).excursion.is_some());
		assert_eq!(verify_unit_pack(0), Verification::Quarantined);
		// The pallet's contents are not checked when it is shipped (bounded weight).
		ship(MAKER, WHOLESALER, &[Goods::Container(THIRD_SSCC)]);
		assert_ok!(SupplyChain::unpack(signed(WHOLESALER), THIRD_SSCC, hash(0)));
		// The case itself stays where it is.
		assert_noop!(
			SupplyChain::unpack(signed(WHOLESALER), SSCC, hash(0)),
			Error::<Test>::TemperatureExcursion
		);
		assert_noop!(
			SupplyChain::propose_transfer(
				signed(WHOLESALER),
				PHARMACY,
				bounded(&[Goods::Container(SSCC)]),
				docs(),
				hash(0)
			),
			Error::<Test>::TemperatureExcursion
		);
		assert_noop!(
			SupplyChain::record_event(
				signed(WHOLESALER),
				bounded(&[ItemId::Container(SSCC)]),
				BizStep::Storing,
				None,
				hash(0)
			),
			Error::<Test>::TemperatureExcursion
		);
		assert_noop!(
			SupplyChain::clear_excursion(signed(WHOLESALER), ItemId::Container(SSCC), hash(0)),
			Error::<Test>::NotProductOwner
		);
		// The owner of every product directly in the case clears it.
		assert_ok!(SupplyChain::clear_excursion(
			signed(MAKER),
			ItemId::Container(SSCC),
			hash(0xe1)
		));
		assert_eq!(container(SSCC).excursion, None);
		assert_eq!(verify_unit_pack(0), Verification::Verified);
		assert_ok!(SupplyChain::unpack(signed(WHOLESALER), SSCC, hash(0)));
		assert_eq!(holdings(WHOLESALER), 2);
	});
}

#[test]
fn excursion_errors() {
	test(|| {
		unit_tracked(Some(COLD), 2);
		lot_traded(None);
		ship(MAKER, WHOLESALER, &[unit_goods(0)]);
		pack(MAKER, SSCC, &[quantity(2)]);
		pack(MAKER, OTHER_SSCC, &[Goods::Container(SSCC)]);
		let report = |who, item, observed| {
			SupplyChain::report_excursion(signed(who), item, observed, hash(0))
		};
		let warm = observed(30, 150);
		assert_noop!(report(STRANGER, unit_item(0), warm), Error::<Test>::NotTradingPartner);
		assert_noop!(report(REGULATOR, unit_item(0), warm), Error::<Test>::NotTradingPartner);
		assert_noop!(
			report(WHOLESALER, unit_item(0), observed(150, 30)),
			Error::<Test>::InvalidTemperatureRange
		);
		assert_noop!(report(WHOLESALER, unit_item(UNITS - 1), warm), Error::<Test>::UnknownUnit);
		assert_noop!(report(MAKER, unit_item(0), warm), Error::<Test>::NotHolder);
		assert_noop!(
			report(WHOLESALER, unit_item(0), observed(20, 80)),
			Error::<Test>::WithinRange
		);
		assert_noop!(
			report(WHOLESALER, unit_item(0), observed(25, 25)),
			Error::<Test>::WithinRange
		);
		assert_noop!(
			report(MAKER, ItemId::Lot { gtin: OTHER_GTIN, lot: lot("L1") }, warm),
			Error::<Test>::UnsupportedItem
		);
		assert_noop!(
			report(MAKER, ItemId::Container(THIRD_SSCC), warm),
			Error::<Test>::UnknownContainer
		);
		assert_noop!(report(WHOLESALER, ItemId::Container(SSCC), warm), Error::<Test>::NotHolder);
		// Neither the lot-traded product nor a pallet of cases has a range to leave.
		assert_noop!(
			report(MAKER, ItemId::Container(SSCC), warm),
			Error::<Test>::NoTemperatureRange
		);
		assert_noop!(
			report(MAKER, ItemId::Container(OTHER_SSCC), warm),
			Error::<Test>::NoTemperatureRange
		);
		assert_ok!(report(WHOLESALER, unit_item(0), warm));
		assert_noop!(
			report(WHOLESALER, unit_item(0), warm),
			Error::<Test>::ExcursionAlreadyReported
		);

		let clear = |who, item| SupplyChain::clear_excursion(signed(who), item, hash(0));
		assert_noop!(clear(MAKER, unit_item(1)), Error::<Test>::NoExcursion);
		assert_noop!(clear(MAKER, unit_item(UNITS - 1)), Error::<Test>::UnknownUnit);
		assert_noop!(clear(MAKER, ItemId::Container(SSCC)), Error::<Test>::NoExcursion);
		assert_noop!(clear(MAKER, ItemId::Container(THIRD_SSCC)), Error::<Test>::UnknownContainer);
		assert_noop!(
			clear(REGULATOR, ItemId::Lot { gtin: OTHER_GTIN, lot: lot("L1") }),
			Error::<Test>::UnsupportedItem
		);
		assert_noop!(clear(WHOLESALER, unit_item(0)), Error::<Test>::NotProductOwner);
		// After the product changes hands, its new owner clears, not the old one.
		assert_ok!(SupplyChain::offer_product(signed(MAKER), OTHER_GTIN, OTHER_MAKER));
		assert_ok!(SupplyChain::accept_product(signed(OTHER_MAKER), OTHER_GTIN));
		assert_noop!(clear(MAKER, unit_item(0)), Error::<Test>::NotProductOwner);
		assert_ok!(clear(OTHER_MAKER, unit_item(0)));
		assert_noop!(clear(OTHER_MAKER, unit_item(0)), Error::<Test>::NoExcursion);
	});
}

// ---------------------------------------------------------------------------------------------
// Observation events
// ---------------------------------------------------------------------------------------------

#[test]
fn observations_move_items_through_the_transition_table() {
	test(|| {
		unit_tracked(None, 4);
		lot_traded(None);
		pack(MAKER, SSCC, &[quantity(2)]);
		let observe = |items: &[ItemId], step, read_point| {
			SupplyChain::record_event(signed(MAKER), bounded(items), step, read_point, hash(0x0b))
		};
		System::set_block_number(2);
		let head_before = unit_entry(OTHER_GTIN, serial(0)).history.head;
		assert_ok!(observe(
			&[unit_item(0), ItemId::Container(SSCC)],
			BizStep::Storing,
			Some(LOGISTICS_GLN)
		));
		System::assert_last_event(
			Event::EventRecorded {
				actor: MAKER,
				items: bounded(&[unit_item(0), ItemId::Container(SSCC)]),
				step: BizStep::Storing,
				document: hash(0x0b),
			}
			.into(),
		);
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(unit.disposition, Disposition::SellableAccessible);
		assert_eq!(unit.location, Some(MAKER_GLN));
		let stored = EventRecord {
			read_point: Some(LOGISTICS_GLN),
			..record(BizStep::Storing, Disposition::SellableAccessible, Some(MAKER_GLN), hash(0x0b))
		};
		assert_eq!(
			unit.history,
			HistoryHead { head: history_link(&head_before, &MAKER, &2u64, &stored), events: 2 }
		);
		assert_eq!(container(SSCC).disposition, Disposition::SellableAccessible);
		assert_eq!(container(SSCC).history.events, 2);

		assert_ok!(observe(&[unit_item(0)], BizStep::Holding, None));
		assert_eq!(
			unit_entry(OTHER_GTIN, serial(0)).disposition,
			Disposition::SellableNotAccessible
		);
		assert_ok!(observe(&[unit_item(0)], BizStep::Inspecting, None));
		let unit = unit_entry(OTHER_GTIN, serial(0));
		assert_eq!(
			(unit.disposition, unit.history.events),
			(Disposition::SellableNotAccessible, 4)
		);

		// A lot is only inspected, by its manufacturer.
		let whole_lot = ItemId::Lot { gtin: GTIN, lot: lot("L1") };
		assert_ok!(observe(&[whole_lot.clone()], BizStep::Inspecting, Some(MAKER_GLN)));
		assert_eq!(lot_info(GTIN, "L1").history.events, 2);
		assert_noop!(
			observe(&[whole_lot.clone()], BizStep::Storing, None),
			Error::<Test>::ImpossibleTransition
		);
		assert_noop!(
			observe(&[whole_lot.clone()], BizStep::Holding, None),
			Error::<Test>::ImpossibleTransition
		);
		ship(MAKER, WHOLESALER, &[quantity(1)]);
		assert_noop!(
			SupplyChain::record_event(
				signed(WHOLESALER),
				bounded(&[whole_lot]),
				BizStep::Inspecting,
				None,
				hash(0)
			),
			Error::<Test>::NotHolder
		);
	});
}

#[test]
fn record_event_errors() {
	test(|| {
		unit_tracked(None, 6);
		lot_traded(None);
		let observe_as = |who, items: &[ItemId], step, read_point| {
			SupplyChain::record_event(signed(who), bounded(items), step, read_point, hash(0))
		};
		use BizStep::*;
		for step in [
			Commissioning,
			Packing,
			Unpacking,
			Shipping,
			Receiving,
			Dispensing,
			Decommissioning,
			Recalling,
			Investigating,
			TemperatureMonitoring,
			Reactivating,
		] {
			assert_noop!(
				observe_as(MAKER, &[unit_item(0)], step, None),
				Error::<Test>::StepNotObservable
			);
		}
		assert_noop!(
			observe_as(STRANGER, &[unit_item(0)], Storing, None),
			Error::<Test>::NotTradingPartner
		);
		let mut bad_gln = MAKER_GLN;
		bad_gln[12] = b'6';
		assert_noop!(
			observe_as(MAKER, &[unit_item(0)], Storing, Some(bad_gln)),
			Error::<Test>::InvalidGln
		);
		assert_noop!(observe_as(MAKER, &[], Storing, None), Error::<Test>::NoItems);
		assert_noop!(
			observe_as(MAKER, &[unit_item(0), unit_item(1), unit_item(0)], Storing, None),
			Error::<Test>::DuplicateItem
		);
		assert_noop!(
			observe_as(MAKER, &[unit_item(UNITS - 1)], Storing, None),
			Error::<Test>::UnknownUnit
		);
		// One bad item fails them all.
		ship(MAKER, WHOLESALER, &[unit_goods(1)]);
		assert_noop!(
			observe_as(MAKER, &[unit_item(0), unit_item(1)], Storing, None),
			Error::<Test>::NotHolder
		);
		assert_eq!(unit_entry(OTHER_GTIN, serial(0)).disposition, Disposition::Active);
		pack(MAKER, SSCC, &[unit_goods(2)]);
		assert_noop!(observe_as(MAKER, &[unit_item(2)], Storing, None), Error::<Test>::IsPacked);
		propose(MAKER, WHOLESALER, &[unit_goods(3), Goods::Container(SSCC)]);
		assert_noop!(
			observe_as(MAKER, &[unit_item(3)], Inspecting, None),
			Error::<Test>::InTransfer
		);
		assert_noop!(
			observe_as(MAKER, &[ItemId::Container(SSCC)], Inspecting, None),
			Error::<Test>::InTransfer
		);
		assert_noop!(
			observe_as(WHOLESALER, &[ItemId::Container(SSCC)], Inspecting, None),
			Error::<Test>::NotHolder
		);
		assert_noop!(
			observe_as(MAKER, &[ItemId::Container(OTHER_SSCC)], Inspecting, None),
			Error::<Test>::UnknownContainer
		);
		assert_noop!(
			observe_as(MAKER, &[ItemId::Lot { gtin: GTIN, lot: lot("L9") }], Inspecting, None),
			Error::<Test>::UnknownLot
		);
		decommission(MAKER, unit_pack(4), DecommissionReason::Destroyed);
		for step in [Storing, Holding, Inspecting] {
			assert_noop!(
				observe_as(MAKER, &[unit_item(4)], step, None),
				Error::<Test>::ImpossibleTransition
			);
		}
	});
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

#[test]
fn verify_unit_answers_every_case_in_order() {
	test(|| {
		lot_traded(None);
		unit_tracked(None, 4);
		ship(MAKER, PHARMACY, &[quantity(5)]);
		let scan = |gtin, serial: &[u8], lot_number: &str, expiry, proof: &SerialProof| {
			SupplyChain::verify_unit(gtin, serial, &lot(lot_number), expiry, proof)
		};
		let sn0 = serials(PACKS)[0].clone();
		let proof0 = pack_of(0).proof;
		assert_eq!(verify_pack(0), Verification::Verified);
		assert_eq!(
			scan(*b"00000000000000", &sn0, "L1", EXPIRY, &proof0),
			Verification::UnknownProduct
		);
		assert_eq!(scan(GTIN, &sn0, "L9", EXPIRY, &proof0), Verification::LotMismatch);
		let november = ExpiryDate { year: 27, month: 11, day: 30 };
		assert_eq!(scan(GTIN, &sn0, "L1", november, &proof0), Verification::ExpiryMismatch);
		// Counterfeits: a serial not in the tree, a proof of another pack, a position past the
		// lot, a serial outside the GS1 character set.
		assert_eq!(scan(GTIN, b"SN9999", "L1", EXPIRY, &proof0), Verification::UnknownSerial);
		assert_eq!(scan(GTIN, &sn0, "L1", EXPIRY, &pack_of(1).proof), Verification::UnknownSerial);
		let past_the_lot = SerialProof { leaf_index: PACKS, ..proof0.clone() };
		assert_eq!(scan(GTIN, &sn0, "L1", EXPIRY, &past_the_lot), Verification::UnknownSerial);
		assert_eq!(scan(GTIN, b"SN 0000", "L1", EXPIRY, &proof0), Verification::UnknownSerial);
		// A unit-tracked serial in the tree, never commissioned.
		assert_eq!(verify_unit_pack(UNITS - 1), Verification::UnknownSerial);
		assert_eq!(verify_unit_pack(3), Verification::Verified);

		// Expired after the last day.
		set_today(EXPIRY.last_day());
		assert_eq!(verify_pack(0), Verification::Verified);
		set_today(EXPIRY.last_day() + 1);
		assert_eq!(verify_pack(0), Verification::Expired);
		assert_eq!(verify_unit_pack(3), Verification::Expired);
		// Quarantine is reported before expiry.
		let case = flag(PHARMACY, &[SuspectItem::Pack(pack_of(0))]);
		assert_eq!(verify_pack(0), Verification::Quarantined);
		// A decommissioning before quarantine.
		decommission(PHARMACY, pack_of(0), DecommissionReason::Locked);
		assert_eq!(verify_pack(0), Verification::Decommissioned(DecommissionReason::Locked));
		// A recall before a decommissioning.
		recall(MAKER, GTIN, &["L1"]);
		assert_eq!(verify_pack(0), Verification::Recalled);
		// Illegitimacy before everything.
		assert_ok!(SupplyChain::determine_illegitimate(signed(PHARMACY), case));
		assert_eq!(verify_pack(0), Verification::Illegitimate);
		// And the checks of the scan itself before that.
		assert_eq!(scan(GTIN, &sn0, "L1", november, &proof0), Verification::ExpiryMismatch);
		assert_eq!(verify_pack(1), Verification::Recalled);
	});
}

#[test]
fn a_packs_entry_belongs_to_its_lot() {
	// GS1 forbids reusing a serial in another lot of the same GTIN, but the chain cannot see
	// inside the serial trees. When two lots' trees share a serial, a pack with an entry is the
	// pack of the entry's lot: presented with the other lot, it is unknown.
	test(|| {
		unit_tracked(None, 2);
		lot_traded(None);
		// Second lots of both products, with the same serials as the first ones.
		commission(MAKER, OTHER_GTIN, "L2", UNITS);
		commission(MAKER, GTIN, "L2", PACKS);
		ship(
			MAKER,
			PHARMACY,
			&[unit_goods(0), Goods::Quantity { gtin: GTIN, lot: lot("L2"), quantity: 2 }],
		);
		recall(MAKER, OTHER_GTIN, &["L1"]);
		// A recalled unit-tracked pack is neither dispensed nor verified as one of lot L2.
		let as_l2 = pack_ref(&OTHER_GTIN, "L2", UNITS, 0);
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				as_l2.clone(),
				DecommissionReason::Supplied,
				hash(0)
			),
			Error::<Test>::UnknownSerial
		);
		assert_eq!(
			SupplyChain::verify_unit(
				OTHER_GTIN,
				&serials(UNITS)[0],
				&lot("L2"),
				EXPIRY,
				&as_l2.proof
			),
			Verification::UnknownSerial
		);
		assert_eq!(verify_unit_pack(0), Verification::Recalled);
		// A lot-traded pack of L1 with an entry is not decommissioned out of L2's packs (which
		// reactivating would then turn into packs of L1).
		flag(WHOLESALER, &[SuspectItem::Pack(pack_of(0))]);
		let l2_pack = pack_ref(&GTIN, "L2", PACKS, 0);
		assert_noop!(
			SupplyChain::decommission(
				signed(PHARMACY),
				l2_pack,
				DecommissionReason::Locked,
				hash(0)
			),
			Error::<Test>::UnknownSerial
		);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), PHARMACY), 2);
		// Nor is it flagged as a pack of L2.
		assert_noop!(
			SupplyChain::flag_suspect(
				signed(WHOLESALER),
				bounded(&[SuspectItem::Pack(pack_ref(&GTIN, "L2", PACKS, 0))]),
				hash(1)
			),
			Error::<Test>::UnknownSerial
		);
		// Packs of L2 without an entry are fine.
		decommission(PHARMACY, pack_ref(&GTIN, "L2", PACKS, 1), DecommissionReason::Locked);
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), PHARMACY), 1);
		assert_ok!(SupplyChain::reactivate(signed(PHARMACY), GTIN, pack_serial(1)));
		assert_eq!(LotHoldings::<Test>::get((GTIN, lot("L2")), PHARMACY), 2);
		assert_eq!(holdings(PHARMACY), 0);
	});
}

#[test]
fn quarantine_and_excursions_reach_packs_two_levels_down() {
	test(|| {
		unit_tracked(Some(COLD), 3);
		pack(MAKER, SSCC, &[unit_goods(0)]);
		pack(MAKER, OTHER_SSCC, &[Goods::Container(SSCC), unit_goods(1)]);
		assert_eq!(verify_unit_pack(0), Verification::Verified);
		// The pallet is suspect: so is the pack in the case on it.
		let case = flag(WHOLESALER, &[SuspectItem::Container(OTHER_SSCC)]);
		assert_eq!(verify_unit_pack(0), Verification::Quarantined);
		assert_eq!(verify_unit_pack(1), Verification::Quarantined);
		assert_eq!(verify_unit_pack(2), Verification::Verified);
		assert_ok!(SupplyChain::clear_suspect(signed(WHOLESALER), case));
		assert_eq!(verify_unit_pack(0), Verification::Verified);
		// The pallet got too warm: so did the pack in the case on it.
		assert_ok!(SupplyChain::report_excursion(
			signed(MAKER),
			ItemId::Container(OTHER_SSCC),
			observed(20, 90),
			hash(0)
		));
		assert_eq!(verify_unit_pack(0), Verification::Quarantined);
		// Illegitimacy reaches down as well.
		let case = flag(WHOLESALER, &[SuspectItem::Container(OTHER_SSCC)]);
		assert_ok!(SupplyChain::determine_illegitimate(signed(REGULATOR), case));
		assert_eq!(verify_unit_pack(0), Verification::Illegitimate);
		assert_eq!(verify_unit_pack(2), Verification::Verified);
	});
}

mod population {
	use super::*;
	use sp_runtime::BuildStorage;
	use medchain_primitives::{
		population::{account, lot_number, pack_serial, LotPopulation, POPULATION_EXPIRY, POPULATION_GTIN},
		supply::{serial_hash, serial_proof},
	};

	#[test]
	fn a_genesis_population_commissions_lots_whose_packs_verify() {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> {
			population: Some(LotPopulation { lots: 3, packs_per_lot: 5 }),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		sp_io::TestExternalities::new(storage).execute_with(|| {
			let manufacturer: u64 = account(b"manufacturer", 0).unwrap();
			assert_eq!(Products::<Test>::get(POPULATION_GTIN).map(|p| (p.owner, p.lots)), Some((manufacturer, 3)));
			let leaves: Vec<_> =
				(0..5).map(|pack| serial_hash(&POPULATION_GTIN, &pack_serial(2, pack))).collect();
			let proof = serial_proof(&leaves, 4).unwrap();
			let verify = |lot: u32| {
				SupplyChain::verify_unit(POPULATION_GTIN, &pack_serial(2, 4), &lot_number(lot), POPULATION_EXPIRY, &proof)
			};
			assert_eq!(verify(2), Verification::Verified);
			// The same serial and proof name no pack of another lot.
			assert_eq!(verify(1), Verification::UnknownSerial);
			assert_eq!(LotHoldings::<Test>::get((POPULATION_GTIN, lot_number(0)), manufacturer), 5);
			let held = Balances::balance_on_hold(
				&RuntimeHoldReason::SupplyChain(HoldReason::LotDeposit),
				&manufacturer,
			);
			let lot_deposit: u64 = <Test as Config>::LotDeposit::get();
			assert_eq!(held, 3 * lot_deposit);
			SupplyChain::do_try_state().expect("invariants hold");
		});
	}
}
