//! Benchmarks of the supply-chain pallet (`frame_benchmarking::v2`), one per call, each on its
//! worst case. What makes a case worst, read off the code:
//!
//! - Every distinct storage key read costs a database read and, in the proof, the item's
//!   largest encoding plus the trie nodes above it (about 2.5 kB); a key read again is cached.
//!   So goods of *distinct* products and lots are worst wherever a call reads the product or
//!   the lot of each item: such an item (three entries) outweighs any item that reads one.
//!   Where every kind of item reads one entry, a full `Containers` entry (up to
//!   `MaxContainerContents` goods, 3.2 kB) is the largest value there is.
//! - Note that `benchmark pallet` estimates the proof size per component from the storage item
//!   that adds the most, not from their sum: for the three-entry items the generated proof
//!   size per item (about 2.8 kB) is below the 5.7 kB a single full logistic unit would give,
//!   although their real proofs are larger (`propose_transfer`, `pack`, `flag_suspect`,
//!   `clear_suspect`).
//! - Callers hold the trading role that `trading_partner_gln` and `is_product_maker` find last:
//!   products belong to a repackager (manufacturer is checked first), goods go to dispensers
//!   (the last trading role), investigators and recallers are regulators rather than the
//!   reporter or owner (who short-circuit the check).
//! - Lot and serial numbers are 20 characters, the most GS1 allows; product master data has
//!   every optional field at its longest.
//! - A pack's serial proof climbs `MAX_PROOF_DEPTH` (32) levels, see [`deep_lot`].
//!
//! Accounts are registered through `T::BenchmarkHelper` with distinct GLNs, and the wall clock
//! is set to 2026-01-01 with lots expiring at the end of 2030.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use medchain_primitives::{
	gs1::{check_digit, has_valid_check_digit},
	supply::{
		serial_hash, serial_proof, serials_root, verify_serial, ProductKind, MAX_GS1_TEXT_LEN,
		MAX_PROOF_DEPTH,
	},
};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash, One, Saturating, StaticLookup};

/// 2026-01-01T00:00Z, in Unix milliseconds.
const NOW_MILLIS: u64 = 20_454 * 86_400_000;

/// 2030-12-31: years after [`NOW_MILLIS`].
const EXPIRY: ExpiryDate = ExpiryDate { year: 30, month: 12, day: 0 };

/// Where GTIN indexes of the products filling logistic units start, apart from the others.
const LINE_PRODUCTS: u32 = 100_000;

fn set_up<T: Config>() {
	T::BenchmarkHelper::set_time(NOW_MILLIS);
}

fn ok<R, E: core::fmt::Debug>(result: Result<R, E>, what: &str) {
	if let Err(error) = result {
		panic!("benchmark setup: {what} failed: {error:?}");
	}
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// Writes `value` in decimal, zero-padded, into all of `digits`.
fn write_decimal(digits: &mut [u8], value: u32) {
	let mut rest = value;
	for digit in digits.iter_mut().rev() {
		*digit = b'0' + (rest % 10) as u8;
		rest /= 10;
	}
	assert!(rest == 0, "benchmark setup: {value} does not fit in {} digits", digits.len());
}

/// A GS1 identifier of `N` digits: `prefix`, `index` zero-padded, and the check digit.
fn gs1_id<const N: usize>(prefix: &[u8], index: u32) -> [u8; N] {
	let mut id = [b'0'; N];
	id[..prefix.len()].copy_from_slice(prefix);
	write_decimal(&mut id[prefix.len()..N - 1], index);
	id[N - 1] = check_digit(&id[..N - 1]).unwrap_or(b'0');
	assert!(has_valid_check_digit(&id));
	id
}

/// The GTIN-14 number `index` (below 1,000,000).
fn gtin_at(index: u32) -> Gtin {
	gs1_id(b"0950600", index)
}

/// The SSCC-18 number `index`.
fn sscc_at(index: u32) -> Sscc {
	gs1_id(b"0950600", index)
}

/// The GLN-13 number `index` (below 1,000,000).
fn gln_at(index: u32) -> Gln {
	gs1_id(b"950600", index)
}

/// A text of the longest GS1 lot or serial number: `prefix` and `index`, zero-padded.
fn gs1_text(prefix: &[u8], index: u32) -> [u8; MAX_GS1_TEXT_LEN as usize] {
	let mut text = [b'0'; MAX_GS1_TEXT_LEN as usize];
	text[..prefix.len()].copy_from_slice(prefix);
	write_decimal(&mut text[prefix.len()..], index);
	text
}

fn lot_number(index: u32) -> LotNumber {
	BoundedVec::truncate_from(gs1_text(b"LOT-", index).to_vec())
}

/// The serial hash of pack `index` of a product.
fn serial_of(gtin: &Gtin, index: u32) -> SerialHash {
	serial_hash(gtin, &gs1_text(b"SN", index))
}

fn hash(byte: u8) -> H256 {
	H256::repeat_byte(byte)
}

fn range(min_decidegrees: i16, max_decidegrees: i16) -> TemperatureRange {
	TemperatureRange { min_decidegrees, max_decidegrees }
}

fn documents() -> TransactionDocuments {
	TransactionDocuments { information: hash(1), history: hash(2), statement: hash(3) }
}

/// Enough to pay every deposit a benchmark takes, many times over.
fn plenty<T: Config>() -> BalanceOf<T> {
	let deposits = T::ProductDeposit::get()
		.saturating_add(T::LotDeposit::get())
		.saturating_add(T::UnitDeposit::get())
		.saturating_add(T::ContainerDeposit::get())
		.saturating_add(T::TransferDeposit::get())
		.saturating_add(T::CaseDeposit::get());
	T::Currency::minimum_balance().saturating_add(deposits.saturating_mul(1_000_000u32.into()))
}

/// A funded account registered with `role` at the GLN number `gln`.
fn partner<T: Config>(name: &'static str, index: u32, role: Role, gln: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, plenty::<T>());
	T::BenchmarkHelper::register_partner(&who, &[role], gln_at(gln));
	who
}

/// The brand owner of the products. A repackager: `is_product_maker` and `ensure_partner`
/// look for a manufacturer first.
fn maker<T: Config>() -> T::AccountId {
	partner::<T>("maker", 0, Role::Repackager, 1)
}

/// Another repackager, to hand a product to.
fn other_maker<T: Config>() -> T::AccountId {
	partner::<T>("other maker", 0, Role::Repackager, 2)
}

/// A regulator (not a trading partner).
fn regulator<T: Config>() -> T::AccountId {
	partner::<T>("regulator", 0, Role::Regulator, 3)
}

/// A wholesale distributor, who reports suspect products.
fn distributor<T: Config>() -> T::AccountId {
	partner::<T>("distributor", 0, Role::WholesaleDistributor, 4)
}

/// A dispenser: the last trading role `trading_partner_gln` tries.
fn dispenser<T: Config>(index: u32) -> T::AccountId {
	partner::<T>("dispenser", index, Role::Dispenser, 1_000 + index)
}

/// Master data with every optional field at its longest (printable, so fully checked).
fn details(unit_tracked: bool, temperature: Option<TemperatureRange>) -> ProductDetails {
	ProductDetails {
		kind: ProductKind::Vaccine,
		national_code: Some(BoundedVec::truncate_from(vec![b'9'; 20])),
		temperature,
		lookup_url: Some(BoundedVec::truncate_from(vec![b'~'; 200])),
		unit_tracked,
	}
}

/// Registers product number `index` for `owner`.
fn product<T: Config>(
	owner: &T::AccountId,
	index: u32,
	unit_tracked: bool,
	temperature: Option<TemperatureRange>,
) -> Gtin {
	let gtin = gtin_at(index);
	ok(
		Pallet::<T>::register_product(
			RawOrigin::Signed(owner.clone()).into(),
			gtin,
			details(unit_tracked, temperature),
		),
		"register_product",
	);
	gtin
}

/// Commissions lot number `index` of `gtin`.
fn lot<T: Config>(
	owner: &T::AccountId,
	gtin: Gtin,
	index: u32,
	quantity: u32,
	root: H256,
) -> LotNumber {
	let lot = lot_number(index);
	ok(
		Pallet::<T>::commission_lot(
			RawOrigin::Signed(owner.clone()).into(),
			gtin,
			lot.clone(),
			EXPIRY,
			quantity,
			root,
			hash(4),
		),
		"commission_lot",
	);
	lot
}

/// A lot of `u32::MAX` packs and its first pack, whose proof has `MAX_PROOF_DEPTH` (32)
/// siblings, the most a `SerialProof` holds: the depth of a tree of 2^32 - 1 leaves. The verifier
/// hashes once per sibling, so this is the costliest proof there is. The tree itself is never
/// built: pack 0 is the left child at every level (never the unpaired last node), so the root
/// is the leaf folded with its siblings, `hash(node ++ sibling)` upwards.
fn deep_lot<T: Config>(owner: &T::AccountId, gtin: Gtin, index: u32) -> PackRef {
	let leaf = serial_of(&gtin, 0);
	let siblings: Vec<H256> = (0..MAX_PROOF_DEPTH).map(|level| hash(level as u8 + 1)).collect();
	let root = siblings.iter().fold(leaf, |node, sibling| {
		let mut pair = [0u8; 64];
		pair[..32].copy_from_slice(node.as_bytes());
		pair[32..].copy_from_slice(sibling.as_bytes());
		BlakeTwo256::hash(&pair)
	});
	let lot = lot::<T>(owner, gtin, index, u32::MAX, root);
	let proof = SerialProof { leaf_index: 0, siblings: BoundedVec::truncate_from(siblings) };
	assert!(verify_serial(&root, u32::MAX, leaf, &proof), "benchmark setup: deep proof");
	PackRef { gtin, lot, serial: leaf, proof }
}

/// A lot of `count` packs with its real serial tree, and every pack with its proof.
fn small_lot<T: Config>(owner: &T::AccountId, gtin: Gtin, index: u32, count: u32) -> Vec<PackRef> {
	let leaves: Vec<SerialHash> = (0..count).map(|i| serial_of(&gtin, i)).collect();
	let lot = lot::<T>(owner, gtin, index, count, serials_root(&leaves));
	(0..count)
		.map(|i| PackRef {
			gtin,
			lot: lot.clone(),
			serial: leaves[i as usize],
			proof: serial_proof(&leaves, i).expect("i < count"),
		})
		.collect()
}

/// `count` products of `owner` from GTIN number `first`, each with one lot of `quantity`
/// packs, traded as lot quantities; product `i` has the temperature range `temperature(i)`.
fn product_lots<T: Config>(
	owner: &T::AccountId,
	first: u32,
	count: u32,
	quantity: u32,
	temperature: impl Fn(u32) -> Option<TemperatureRange>,
) -> Vec<(Gtin, LotNumber)> {
	(0..count)
		.map(|i| {
			let gtin = product::<T>(owner, first + i, false, temperature(i));
			(gtin, lot::<T>(owner, gtin, 0, quantity, hash(5)))
		})
		.collect()
}

/// One pack of each lot.
fn lines(lots: &[(Gtin, LotNumber)]) -> Vec<Goods> {
	lots.iter()
		.map(|(gtin, lot)| Goods::Quantity { gtin: *gtin, lot: lot.clone(), quantity: 1 })
		.collect()
}

fn pack_into<T: Config>(who: &T::AccountId, sscc: Sscc, contents: Vec<Goods>) {
	ok(
		Pallet::<T>::pack(
			RawOrigin::Signed(who.clone()).into(),
			sscc,
			BoundedVec::truncate_from(contents),
			hash(6),
		),
		"pack",
	);
}

/// `count` logistic units of `owner`, SSCC numbers from `first`, each full: one pack of each of
/// `MaxContainerContents` lots of distinct products (a line with a 20-character lot number).
fn full_containers<T: Config>(owner: &T::AccountId, first: u32, count: u32) -> Vec<Sscc> {
	let lots =
		product_lots::<T>(owner, LINE_PRODUCTS, T::MaxContainerContents::get(), count, |_| None);
	(0..count)
		.map(|i| {
			let sscc = sscc_at(first + i);
			pack_into::<T>(owner, sscc, lines(&lots));
			sscc
		})
		.collect()
}

fn propose<T: Config>(from: &T::AccountId, to: &T::AccountId, items: Vec<Goods>) -> TransferId {
	let id = NextTransferId::<T>::get();
	ok(
		Pallet::<T>::propose_transfer(
			RawOrigin::Signed(from.clone()).into(),
			T::Lookup::unlookup(to.clone()),
			BoundedVec::truncate_from(items),
			documents(),
			hash(7),
		),
		"propose_transfer",
	);
	id
}

/// Proposes and accepts a transfer.
fn deliver<T: Config>(from: &T::AccountId, to: &T::AccountId, items: Vec<Goods>) {
	let id = propose::<T>(from, to, items);
	ok(
		Pallet::<T>::accept_transfer(RawOrigin::Signed(to.clone()).into(), id, hash(8)),
		"accept_transfer",
	);
}

fn flag<T: Config>(reporter: &T::AccountId, items: Vec<SuspectItem>) -> CaseId {
	let id = NextCaseId::<T>::get();
	ok(
		Pallet::<T>::flag_suspect(
			RawOrigin::Signed(reporter.clone()).into(),
			BoundedVec::truncate_from(items),
			hash(9),
		),
		"flag_suspect",
	);
	id
}

/// A case of `MaxCaseItems` packs (the largest item kind) reported by a distributor.
fn full_case<T: Config>() -> CaseId {
	let owner = maker::<T>();
	let gtin = product::<T>(&owner, 0, false, None);
	let packs = small_lot::<T>(&owner, gtin, 0, T::MaxCaseItems::get());
	flag::<T>(&distributor::<T>(), packs.into_iter().map(SuspectItem::Pack).collect())
}

/// A case of `MaxCaseItems` packs determined illegitimate by `regulator`.
fn illegitimate_case<T: Config>(regulator: &T::AccountId) -> CaseId {
	let case = full_case::<T>();
	ok(
		Pallet::<T>::determine_illegitimate(RawOrigin::Signed(regulator.clone()).into(), case),
		"determine_illegitimate",
	);
	case
}

/// A lot-traded pack with the deepest proof, two packs of whose lot a dispenser holds.
fn pack_at_pharmacy<T: Config>() -> (PackRef, T::AccountId) {
	let owner = maker::<T>();
	let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));
	let pack_ref = deep_lot::<T>(&owner, gtin, 0);
	let pharmacy = dispenser::<T>(0);
	deliver::<T>(
		&owner,
		&pharmacy,
		vec![Goods::Quantity { gtin, lot: pack_ref.lot.clone(), quantity: 2 }],
	);
	(pack_ref, pharmacy)
}

/// A logistic unit of `owner` holding one pack of each of `MaxContainerContents` products,
/// each with a temperature range, itself packed on a pallet (so that finding its holder reads
/// the pallet too). `observed` lies within the range of every product but the last, so the
/// range check reads every product before it finds the excursion.
fn cold_chain_case<T: Config>(owner: &T::AccountId) -> (Sscc, TemperatureRange) {
	let count = T::MaxContainerContents::get();
	let lots = product_lots::<T>(owner, 0, count, 1, |i| {
		Some(if i + 1 == count { range(20, 80) } else { range(0, 300) })
	});
	let case = sscc_at(0);
	pack_into::<T>(owner, case, lines(&lots));
	pack_into::<T>(owner, sscc_at(1), vec![Goods::Container(case)]);
	(case, range(10, 250))
}

fn holder<T: Config>(sscc: &Sscc) -> Option<Placement<T::AccountId>> {
	Containers::<T>::get(sscc).map(|c| c.placement)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_product() {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = gtin_at(0);
		let details = details(false, Some(range(20, 80)));

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), gtin, details.clone());

		assert_last_event::<T>(Event::ProductRegistered { gtin, owner, details });
	}

	#[benchmark]
	fn withdraw_product() {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), gtin);

		assert_eq!(Products::<T>::get(gtin).map(|p| p.status), Some(ProductStatus::Withdrawn));
	}

	#[benchmark]
	fn offer_product() {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));
		let to = other_maker::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), gtin, T::Lookup::unlookup(to.clone()));

		assert_eq!(ProductOffers::<T>::get(gtin), Some(to));
	}

	/// The deposit moves: one hold and one release, on two accounts.
	#[benchmark]
	fn accept_product() {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));
		let to = other_maker::<T>();
		ok(
			Pallet::<T>::offer_product(
				RawOrigin::Signed(owner).into(),
				gtin,
				T::Lookup::unlookup(to.clone()),
			),
			"offer_product",
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), gtin);

		assert_eq!(Products::<T>::get(gtin).map(|p| p.owner), Some(to));
		assert!(ProductOffers::<T>::get(gtin).is_none());
	}

	/// A lot-traded product: its lot quantity is also written to the maker's holdings.
	#[benchmark]
	fn commission_lot() {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));
		let lot = lot_number(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), gtin, lot.clone(), EXPIRY, u32::MAX, hash(5), hash(4));

		assert_eq!(LotHoldings::<T>::get((gtin, lot.clone()), &owner), u32::MAX);
		assert!(Lots::<T>::contains_key(gtin, &lot));
	}

	#[benchmark]
	fn commission_units(n: Linear<1, { T::MaxCommissionBatch::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, true, Some(range(20, 80)));
		let lot = lot::<T>(&owner, gtin, 0, u32::MAX, hash(5));
		let serials: Vec<SerialHash> = (0..n).map(|i| serial_of(&gtin, i)).collect();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			gtin,
			lot.clone(),
			BoundedVec::truncate_from(serials),
			hash(4),
		);

		assert_eq!(Lots::<T>::get(gtin, &lot).map(|l| l.units_commissioned), Some(n));
		assert_last_event::<T>(Event::UnitsCommissioned { gtin, lot, count: n });
	}

	/// `n` full logistic units stored. Packs, logistic units and lots each cost one read and
	/// one write; a full logistic unit is the largest of these entries (and a lot may only be
	/// inspected, which leaves its disposition). Storing makes the goods sellable, the step
	/// that also checks quarantine and excursions.
	#[benchmark]
	fn record_event(n: Linear<1, { T::MaxEventItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let items: Vec<ItemId> =
			full_containers::<T>(&owner, 0, n).into_iter().map(ItemId::Container).collect();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			BoundedVec::truncate_from(items.clone()),
			BizStep::Storing,
			Some(gln_at(99)),
			hash(4),
		);

		for item in items {
			let ItemId::Container(sscc) = item else { unreachable!() };
			assert_eq!(
				Containers::<T>::get(sscc).map(|c| c.disposition),
				Some(Disposition::SellableAccessible)
			);
		}
	}

	/// `n` lot quantities of distinct products into a new logistic unit (its deposit held). A
	/// lot quantity reads the product, the lot and the holding and writes the holding (three
	/// distinct keys, against one for a pack or a logistic unit), and each is compared with
	/// every line already in the unit.
	#[benchmark]
	fn pack(n: Linear<1, { T::MaxContainerContents::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let contents = lines(&product_lots::<T>(&owner, 0, n, 2, |_| None));
		let sscc = sscc_at(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), sscc, BoundedVec::truncate_from(contents), hash(6));

		assert_last_event::<T>(Event::Packed { sscc, by: owner, entries: n });
	}

	/// A pallet of `n` full logistic units. Unpacking costs one read and one write per entry
	/// whatever it is; a logistic unit is the largest entry (a pack's is a tenth of it, a
	/// holding's smaller still).
	#[benchmark]
	fn unpack(n: Linear<1, { T::MaxContainerContents::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let cases = full_containers::<T>(&owner, 0, n);
		let pallet = sscc_at(n);
		pack_into::<T>(&owner, pallet, cases.iter().copied().map(Goods::Container).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), pallet, hash(6));

		assert!(!Containers::<T>::contains_key(pallet));
		for case in cases {
			assert_eq!(holder::<T>(&case), Some(Placement::Held(owner.clone())));
		}
	}

	/// `n` unit-tracked packs of distinct products and lots to a dispenser. A pack reads its
	/// entry, its lot and its product (three distinct keys) and writes its entry; a lot
	/// quantity reads as many but smaller entries and hashes no history; a logistic unit reads
	/// one entry.
	#[benchmark]
	fn propose_transfer(n: Linear<1, { T::MaxTransferItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let items: Vec<Goods> = (0..n)
			.map(|i| {
				let gtin = product::<T>(&owner, i, true, None);
				let lot = lot::<T>(&owner, gtin, 0, 1, hash(5));
				let serial = serial_of(&gtin, 0);
				ok(
					Pallet::<T>::commission_units(
						RawOrigin::Signed(owner.clone()).into(),
						gtin,
						lot,
						BoundedVec::truncate_from(vec![serial]),
						hash(4),
					),
					"commission_units",
				);
				Goods::Unit { gtin, serial }
			})
			.collect();
		let to = dispenser::<T>(0);
		let id = NextTransferId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			T::Lookup::unlookup(to),
			BoundedVec::truncate_from(items),
			documents(),
			hash(7),
		);

		assert!(Transfers::<T>::contains_key(id));
	}

	/// `n` full logistic units received by a dispenser. Delivering costs one read and one
	/// write per item whatever it is; a logistic unit is the largest entry.
	#[benchmark]
	fn accept_transfer(n: Linear<1, { T::MaxTransferItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let cases = full_containers::<T>(&owner, 0, n);
		let to = dispenser::<T>(0);
		let id = propose::<T>(&owner, &to, cases.iter().copied().map(Goods::Container).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), id, hash(8));

		assert!(!Transfers::<T>::contains_key(id));
		for case in cases {
			assert_eq!(holder::<T>(&case), Some(Placement::Held(to.clone())));
		}
	}

	/// As `accept_transfer`: `n` full logistic units go back to the sender.
	#[benchmark]
	fn reject_transfer(n: Linear<1, { T::MaxTransferItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let cases = full_containers::<T>(&owner, 0, n);
		let to = dispenser::<T>(0);
		let id = propose::<T>(&owner, &to, cases.iter().copied().map(Goods::Container).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(to), id);

		assert!(!Transfers::<T>::contains_key(id));
		for case in cases {
			assert_eq!(holder::<T>(&case), Some(Placement::Held(owner.clone())));
		}
	}

	/// As `accept_transfer`: `n` full logistic units go back to the sender.
	#[benchmark]
	fn cancel_transfer(n: Linear<1, { T::MaxTransferItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let cases = full_containers::<T>(&owner, 0, n);
		let to = dispenser::<T>(0);
		let id = propose::<T>(&owner, &to, cases.iter().copied().map(Goods::Container).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), id);

		assert!(!Transfers::<T>::contains_key(id));
		for case in cases {
			assert_eq!(holder::<T>(&case), Some(Placement::Held(owner.clone())));
		}
	}

	/// A dispenser supplies a lot-traded pack: its proof is the deepest (32 siblings), it gets a
	/// new exception entry (deposit held) and leaves the dispenser's holding. A unit-tracked pack
	/// has its entry already and holds nothing.
	#[benchmark]
	fn decommission() {
		set_up::<T>();
		let (pack_ref, pharmacy) = pack_at_pharmacy::<T>();
		let (gtin, serial, lot) = (pack_ref.gtin, pack_ref.serial, pack_ref.lot.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacy.clone()), pack_ref, DecommissionReason::Supplied, hash(4));

		assert_eq!(
			Units::<T>::get(gtin, serial).and_then(|u| u.decommissioned).map(|d| d.reason),
			Some(DecommissionReason::Supplied)
		);
		assert_eq!(LotHoldings::<T>::get((gtin, lot), &pharmacy), 1);
	}

	/// A lot-traded pack checked out goes back to the dispenser's holding, and its exception
	/// entry is removed (deposit released).
	#[benchmark]
	fn reactivate() {
		set_up::<T>();
		let (pack_ref, pharmacy) = pack_at_pharmacy::<T>();
		let (gtin, serial, lot) = (pack_ref.gtin, pack_ref.serial, pack_ref.lot.clone());
		ok(
			Pallet::<T>::decommission(
				RawOrigin::Signed(pharmacy.clone()).into(),
				pack_ref,
				DecommissionReason::CheckedOut,
				hash(4),
			),
			"decommission",
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacy.clone()), gtin, serial);

		assert!(!Units::<T>::contains_key(gtin, serial));
		assert_eq!(LotHoldings::<T>::get((gtin, lot), &pharmacy), 2);
	}

	/// `n` lot-traded packs of distinct products and lots, each with the deepest proof. A pack
	/// reads its product, its lot and its entry (three distinct keys), verifies its proof and
	/// gets a new exception entry with its deposit; a logistic unit or a lot is one entry.
	#[benchmark]
	fn flag_suspect(n: Linear<1, { T::MaxCaseItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let packs: Vec<PackRef> = (0..n)
			.map(|i| deep_lot::<T>(&owner, product::<T>(&owner, i, false, None), 0))
			.collect();
		let reporter = distributor::<T>();
		let items: Vec<SuspectItem> = packs.iter().cloned().map(SuspectItem::Pack).collect();
		let id = NextCaseId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), BoundedVec::truncate_from(items), hash(9));

		assert_eq!(Cases::<T>::get(id).map(|c| c.items.len() as u32), Some(n));
		for pack_ref in packs {
			assert_eq!(
				Units::<T>::get(pack_ref.gtin, pack_ref.serial).and_then(|u| u.suspect_case),
				Some(id)
			);
		}
	}

	/// A regulator clears a case of `n` lot-traded packs whose exception entries were each made
	/// by a different dispenser: each entry is removed and its deposit released to its own
	/// depositor (three distinct keys written per pack; a logistic unit or a lot is one). An
	/// entry made by `flag_suspect` would be the reporter's, one account for the whole case; a
	/// dispenser's entry outlives its decommissioning only if reactivated while quarantined,
	/// which `reactivate` allows.
	#[benchmark]
	fn clear_suspect(n: Linear<1, { T::MaxCaseItems::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, None);
		let packs = small_lot::<T>(&owner, gtin, 0, n);
		// The reporter's flag creates each pack's entry, so clearing prunes every entry and
		// releases its deposit. (An entry made by someone else, e.g. a locked pack, keeps its
		// decommissioning and stays; a suspect pack cannot be reactivated.)
		let case = flag::<T>(
			&distributor::<T>(),
			packs.iter().cloned().map(SuspectItem::Pack).collect(),
		);
		let investigator = regulator::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(investigator), case);

		assert!(!Cases::<T>::contains_key(case));
		for pack_ref in packs {
			assert!(!Units::<T>::contains_key(gtin, pack_ref.serial));
		}
	}

	/// By a regulator (the reporter is found first), on a full case.
	#[benchmark]
	fn determine_illegitimate() {
		set_up::<T>();
		let case = full_case::<T>();
		let investigator = regulator::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(investigator), case);

		assert!(matches!(
			Cases::<T>::get(case).map(|c| c.status),
			Some(CaseStatus::Illegitimate { .. })
		));
	}

	/// On a full case, after the deadline.
	#[benchmark]
	fn record_notification() {
		set_up::<T>();
		let authority = regulator::<T>();
		let case = illegitimate_case::<T>(&authority);
		let late = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::NotificationDeadline::get())
			.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(late);

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), case, hash(10));

		assert_last_event::<T>(Event::NotificationRecorded {
			case,
			notice: hash(10),
			overdue: true,
		});
	}

	/// On a full case.
	#[benchmark]
	fn terminate_notification() {
		set_up::<T>();
		let authority = regulator::<T>();
		let case = illegitimate_case::<T>(&authority);
		ok(
			Pallet::<T>::record_notification(
				RawOrigin::Signed(authority.clone()).into(),
				case,
				hash(10),
			),
			"record_notification",
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), case);

		assert!(matches!(
			Cases::<T>::get(case).map(|c| c.status),
			Some(CaseStatus::Terminated { .. })
		));
	}

	/// `n` lots recalled by a regulator (the owner is found first).
	#[benchmark]
	fn recall_lots(n: Linear<1, { T::MaxLotsPerRecall::get() }>) {
		set_up::<T>();
		let owner = maker::<T>();
		let gtin = product::<T>(&owner, 0, false, Some(range(20, 80)));
		let lots: Vec<LotNumber> = (0..n).map(|i| lot::<T>(&owner, gtin, i, 1, hash(5))).collect();
		let authority = regulator::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), gtin, BoundedVec::truncate_from(lots.clone()), hash(11));

		for lot in lots {
			assert!(Lots::<T>::get(gtin, &lot).is_some_and(|l| l.recall.is_some()));
		}
	}

	/// A logistic unit on a pallet, with `MaxContainerContents` products that all have a range
	/// and only the last of which the observed temperatures leave: one read for the unit, one
	/// for the pallet (its holder) and one per product. A pack reads at most four entries (its
	/// own, two logistic units, its product).
	#[benchmark]
	fn report_excursion() {
		set_up::<T>();
		let owner = maker::<T>();
		let (case, observed) = cold_chain_case::<T>(&owner);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), ItemId::Container(case), observed, hash(12));

		assert!(Containers::<T>::get(case).is_some_and(|c| c.excursion.is_some()));
	}

	/// The logistic unit of `report_excursion`, cleared by the owner of all its products (a
	/// regulator would not read them): one read per product.
	#[benchmark]
	fn clear_excursion() {
		set_up::<T>();
		let owner = maker::<T>();
		let (case, observed) = cold_chain_case::<T>(&owner);
		ok(
			Pallet::<T>::report_excursion(
				RawOrigin::Signed(owner.clone()).into(),
				ItemId::Container(case),
				observed,
				hash(12),
			),
			"report_excursion",
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), ItemId::Container(case), hash(13));

		assert!(Containers::<T>::get(case).is_some_and(|c| c.excursion.is_none()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
