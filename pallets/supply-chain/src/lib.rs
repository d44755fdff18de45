//! # Supply-chain pallet
//!
//! Medicines from the manufacturer to the patient, in the vocabulary the trade already uses:
//! GS1 identifiers (GTIN-14 products, GLN-13 premises, SSCC-18 logistic units, lot, serial and
//! expiry as printed in a pack's DataMatrix), EPCIS 2.0 business steps and dispositions, US DSCSA
//! transfers between authorised trading partners, EU FMD decommissioning, suspect-product
//! investigations, recalls and cold-chain excursions. Pharmacies and wholesalers verify a pack
//! through the `SupplyChainApi::verify_unit` runtime API.
//!
//! ## What is stored, and what is not
//! Billions of packs a year cannot each have state on chain. A lot commits to its packs' serial
//! numbers with one Merkle root ([`medchain_primitives::supply::serials_root`]); packs are
//! traded as lot quantities ([`LotHoldings`]) or inside logistic units ([`Containers`]), and a
//! pack gets its own entry in [`Units`] only as an exception (decommissioned, suspect,
//! temperature-damaged) or when its product is *unit-tracked* (then every pack is commissioned
//! one by one, in bounded batches, and traded individually). Serial numbers never appear on
//! chain: a pack is named by its serial hash, and a call that names a pack proves that the hash
//! is one of its lot's leaves.
//!
//! ## Calls
//! - Products, by a manufacturer or repackager: [`Pallet::register_product`] (GTIN check digit,
//!   kind, national code, temperature range, lookup URL, unit tracking),
//!   [`Pallet::withdraw_product`], two-step ownership transfer ([`Pallet::offer_product`],
//!   [`Pallet::accept_product`]).
//! - Lots: [`Pallet::commission_lot`] (lot number, expiry, quantity, serial root);
//!   [`Pallet::commission_units`] for unit-tracked products.
//! - EPCIS events: aggregation with [`Pallet::pack`] and [`Pallet::unpack`] (packs, lot
//!   quantities and cases into cases and pallets, two levels deep), observations with
//!   [`Pallet::record_event`] (storing, holding, inspecting). Every move goes through the
//!   transition table ([`BizStep::apply`]) and extends the item's hash-chained history
//!   ([`medchain_primitives::supply::history_link`]).
//! - Transfers (DSCSA): [`Pallet::propose_transfer`] of packs, logistic units or lot quantities
//!   to an authorised trading partner with the hashes of the transaction information, history and
//!   statement; the receiver [`Pallet::accept_transfer`]s (ownership and custody move) or
//!   [`Pallet::reject_transfer`]s; the sender may [`Pallet::cancel_transfer`].
//! - EU FMD: [`Pallet::decommission`] a pack (supplied, destroyed, stolen, sample, free sample,
//!   exported, locked, checked out) and [`Pallet::reactivate`] it, only by the same partner at
//!   the same premises within `ReactivationWindow`, never if supplied, destroyed, stolen,
//!   expired or recalled.
//! - Suspect product (DSCSA): [`Pallet::flag_suspect`] quarantines packs, logistic units or
//!   lots; the case is [`Pallet::clear_suspect`]ed or [`Pallet::determine_illegitimate`], which
//!   sets a notification deadline (`NotificationDeadline`); a regulator
//!   [`Pallet::record_notification`] and [`Pallet::terminate_notification`].
//! - Recall: [`Pallet::recall_lots`] by the product's owner or a regulator.
//! - Cold chain: a custodian [`Pallet::report_excursion`]s; outside the product's range the item
//!   is not sellable until [`Pallet::clear_excursion`] by the product's owner or a regulator.
//!
//! ## Who may act
//! Every call needs a registered trading partner (manufacturer, repackager, wholesale
//! distributor, third-party logistics provider or dispenser) with a GLN, except those reserved
//! to regulators. Whoever holds a pack or a logistic unit owns it and has custody of it.
//!
//! ## Deposits
//! Products, lots, per-pack entries, logistic units, pending transfers and suspect cases hold a
//! deposit from whoever created them, released when they leave storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod population;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use medchain_primitives::{
	roles::{Gln, ParticipantsInspect, Role},
	supply::{
		BizStep, CaseId, CaseStatus, DecommissionReason, Decommissioning, Disposition,
		EventRecord, ExpiryDate, Goods, Gtin, HistoryHead, ItemId, LotNumber, PackRef,
		Placement, ProductDetails, ProductStatus, Recall, SerialHash, SerialProof, Sscc,
		SuspectItem, TemperatureRange, TransactionDocuments, TransferId, Verification,
	},
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

/// What the benchmarks need from the runtime: participants with roles and a GLN.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `who` in the participants registry with `roles` and the GLN `gln`.
	fn register_partner(who: &AccountId, roles: &[Role], gln: Gln);
	/// Sets the wall-clock time the pallet reads (Unix milliseconds).
	fn set_time(millis: u64);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	#[cfg(any(feature = "try-runtime", test))]
	use medchain_primitives::deposits::{self, RecordedDeposits};
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::Precision,
			UnixTime,
		},
	};
	use frame_system::pallet_prelude::*;
	use medchain_primitives::supply::{
		day_of_unix_millis, is_gs1_text, is_valid_gln, is_valid_gtin, is_valid_sscc,
		serial_hash, verify_serial, Excursion,
	};
	use sp_core::H256;
	use sp_runtime::traits::{Saturating, StaticLookup};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who is an authorised trading partner or a regulator, and at which GLN.
		type Participants: ParticipantsInspect<Self::AccountId>;

		/// Wall-clock time, for expiry dates.
		type UnixTime: UnixTime;

		/// Deposit held per registered product.
		#[pallet::constant]
		type ProductDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per commissioned lot.
		#[pallet::constant]
		type LotDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per pack with its own state (unit-tracked or an exception).
		#[pallet::constant]
		type UnitDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per logistic unit.
		#[pallet::constant]
		type ContainerDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per pending transfer.
		#[pallet::constant]
		type TransferDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per suspect-product case.
		#[pallet::constant]
		type CaseDeposit: Get<BalanceOf<Self>>;

		/// Maximum number of unit-tracked serials per `commission_units` call.
		#[pallet::constant]
		type MaxCommissionBatch: Get<u32>;

		/// Maximum number of items per observation event.
		#[pallet::constant]
		type MaxEventItems: Get<u32>;

		/// Maximum number of entries (packs, lot quantities, logistic units) in a logistic unit.
		#[pallet::constant]
		type MaxContainerContents: Get<u32>;

		/// Maximum number of entries per transfer.
		#[pallet::constant]
		type MaxTransferItems: Get<u32>;

		/// Maximum number of pending transfers a sender may have.
		#[pallet::constant]
		type MaxPendingTransfersPerSender: Get<u32>;

		/// Maximum number of lots per recall call.
		#[pallet::constant]
		type MaxLotsPerRecall: Get<u32>;

		/// Maximum number of items per suspect-product case.
		#[pallet::constant]
		type MaxCaseItems: Get<u32>;

		/// Blocks within which a decommissioning may be reversed (EU FMD: 10 days).
		#[pallet::constant]
		type ReactivationWindow: Get<BlockNumberFor<Self>>;

		/// Blocks between determining a product illegitimate and the deadline for notifying the
		/// regulator and partners (DSCSA: 24 hours).
		#[pallet::constant]
		type NotificationDeadline: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up what the benchmarks need from other pallets.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	#[derive(
		Copy, Clone, Eq, PartialEq, PartialOrd, Ord, codec::Encode, codec::Decode, codec::DecodeWithMemTracking,
		codec::MaxEncodedLen, scale_info::TypeInfo, Debug,
	)]
	pub enum HoldReason {
		/// The storage deposit of a product.
		#[codec(index = 0)]
		ProductDeposit,
		/// The storage deposit of a lot.
		#[codec(index = 1)]
		LotDeposit,
		/// The storage deposit of a pack's own state.
		#[codec(index = 2)]
		UnitDeposit,
		/// The storage deposit of a logistic unit.
		#[codec(index = 3)]
		ContainerDeposit,
		/// The storage deposit of a pending transfer.
		#[codec(index = 4)]
		TransferDeposit,
		/// The storage deposit of a suspect-product case.
		#[codec(index = 5)]
		CaseDeposit,
	}

	/// Registered products, by GTIN.
	#[pallet::storage]
	pub type Products<T: Config> = StorageMap<_, Blake2_128Concat, Gtin, ProductOf<T>>;

	/// Product ownership offered and not yet accepted: GTIN to the offered new owner.
	#[pallet::storage]
	pub type ProductOffers<T: Config> = StorageMap<_, Blake2_128Concat, Gtin, T::AccountId>;

	/// Commissioned lots, by GTIN and lot number.
	#[pallet::storage]
	pub type Lots<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Gtin, Blake2_128Concat, LotNumber, LotOf<T>>;

	/// Loose packs of a lot (not unit-tracked, not in a logistic unit) each partner holds.
	#[pallet::storage]
	pub type LotHoldings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		(Gtin, LotNumber),
		Blake2_128Concat,
		T::AccountId,
		u32,
		ValueQuery,
	>;

	/// Packs with their own state: every unit-tracked pack, and exceptions of the others.
	#[pallet::storage]
	pub type Units<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Gtin, Blake2_128Concat, SerialHash, UnitOf<T>>;

	/// Logistic units, by SSCC.
	#[pallet::storage]
	pub type Containers<T: Config> = StorageMap<_, Blake2_128Concat, Sscc, ContainerOf<T>>;

	/// The id the next transfer gets.
	#[pallet::storage]
	pub type NextTransferId<T: Config> = StorageValue<_, TransferId, ValueQuery>;

	/// Pending transfers, by id.
	#[pallet::storage]
	pub type Transfers<T: Config> = StorageMap<_, Twox64Concat, TransferId, TransferOf<T>>;

	/// Index of the transfers awaiting each receiver.
	#[pallet::storage]
	pub type IncomingTransfers<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		TransferId,
		(),
		OptionQuery,
	>;

	/// Number of pending transfers per sender.
	#[pallet::storage]
	pub type OutgoingTransferCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The id the next suspect-product case gets.
	#[pallet::storage]
	pub type NextCaseId<T: Config> = StorageValue<_, CaseId, ValueQuery>;

	/// Suspect-product cases, by id.
	#[pallet::storage]
	pub type Cases<T: Config> = StorageMap<_, Twox64Concat, CaseId, CaseOf<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Synthetic lots for measuring how costs grow with the state
		/// ([`medchain_primitives::population`]): `lots` lots of `packs_per_lot` committed
		/// packs of one synthetic product. Unset on every real chain.
		pub population: Option<medchain_primitives::population::LotPopulation>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(population) = &self.population {
				Pallet::<T>::populate(population);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A product was registered.
		ProductRegistered { gtin: Gtin, owner: T::AccountId, details: ProductDetails },
		/// A product was withdrawn: no new lots.
		ProductWithdrawn { gtin: Gtin },
		/// The owner offered the product to another manufacturer.
		ProductOffered { gtin: Gtin, from: T::AccountId, to: T::AccountId },
		/// The offer was accepted: the product changed owner.
		ProductTransferred { gtin: Gtin, from: T::AccountId, to: T::AccountId },
		/// A lot was commissioned.
		LotCommissioned {
			gtin: Gtin,
			lot: LotNumber,
			manufacturer: T::AccountId,
			expiry: ExpiryDate,
			quantity: u32,
			serials_root: H256,
		},
		/// Packs of a unit-tracked lot were commissioned.
		UnitsCommissioned { gtin: Gtin, lot: LotNumber, count: u32 },
		/// An observation event was recorded for these items.
		EventRecorded {
			actor: T::AccountId,
			items: EventItemsOf<T>,
			step: BizStep,
			document: H256,
		},
		/// Goods were packed into a logistic unit; `entries` is its number of entries now.
		Packed { sscc: Sscc, by: T::AccountId, entries: u32 },
		/// A logistic unit was unpacked and removed; `head` is its final history head.
		Unpacked { sscc: Sscc, by: T::AccountId, head: HistoryHead },
		/// A transfer was proposed; the goods are in transit.
		TransferProposed {
			id: TransferId,
			from: T::AccountId,
			to: T::AccountId,
			items: u32,
			documents: TransactionDocuments,
		},
		/// The receiver accepted: ownership and custody moved.
		TransferAccepted { id: TransferId, from: T::AccountId, to: T::AccountId },
		/// The receiver rejected the transfer: the goods stay with the sender.
		TransferRejected { id: TransferId, from: T::AccountId, to: T::AccountId },
		/// The sender cancelled the transfer.
		TransferCancelled { id: TransferId, from: T::AccountId, to: T::AccountId },
		/// A pack was decommissioned.
		Decommissioned {
			gtin: Gtin,
			lot: LotNumber,
			serial: SerialHash,
			by: T::AccountId,
			reason: DecommissionReason,
		},
		/// A decommissioning was reversed.
		Reactivated { gtin: Gtin, serial: SerialHash, by: T::AccountId },
		/// Items were flagged as suspect and quarantined.
		SuspectFlagged { case: CaseId, reporter: T::AccountId, items: u32 },
		/// The investigation cleared the items: the quarantine ends.
		SuspectCleared { case: CaseId },
		/// The items were determined illegitimate; notify by `notify_by`.
		DeterminedIllegitimate { case: CaseId, notify_by: BlockNumberFor<T> },
		/// A regulator recorded the notification; `overdue` if after the deadline.
		NotificationRecorded { case: CaseId, notice: H256, overdue: bool },
		/// A regulator terminated the notification.
		NotificationTerminated { case: CaseId },
		/// Lots were recalled.
		LotsRecalled { gtin: Gtin, lots: RecallLotsOf<T>, by: T::AccountId, notice: H256 },
		/// A temperature excursion made an item not sellable.
		ExcursionReported { item: ItemId, observed: TemperatureRange },
		/// An excursion was cleared: the item may be sold again.
		ExcursionCleared { item: ItemId, evidence: H256 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only a registered trading partner with a GLN may do this.
		NotTradingPartner,
		/// Only a registered manufacturer or repackager may own products.
		NotManufacturer,
		/// Only a registered regulator may do this.
		NotRegulator,
		/// Only a dispenser may supply a pack to the public.
		NotDispenser,
		/// The GTIN is not 14 digits with a valid check digit.
		InvalidGtin,
		/// The GLN is not 13 digits with a valid check digit.
		InvalidGln,
		/// The SSCC is not 18 digits with a valid check digit.
		InvalidSscc,
		/// The lot number is not 1-20 characters of the GS1 character set.
		InvalidLotNumber,
		/// The expiry date is not a date.
		InvalidExpiry,
		/// A temperature range's minimum is above its maximum.
		InvalidTemperatureRange,
		/// A national code or lookup URL is not printable ASCII.
		InvalidText,
		/// A product with this GTIN is registered already.
		ProductExists,
		/// No product with this GTIN.
		UnknownProduct,
		/// Only the product's owner may do this.
		NotProductOwner,
		/// The product was withdrawn.
		ProductWithdrawn,
		/// The product was not offered to the caller.
		NotOffered,
		/// The lot is commissioned already.
		LotExists,
		/// No such lot of this product.
		UnknownLot,
		/// A quantity must be more than zero.
		ZeroQuantity,
		/// The pack or lot is past its expiry date.
		Expired,
		/// The product is not unit-tracked: its packs are traded as lot quantities.
		NotUnitTracked,
		/// The product is unit-tracked: its packs are traded one by one.
		UnitTracked,
		/// More packs than the lot's quantity.
		TooManyUnits,
		/// The pack is commissioned already.
		UnitExists,
		/// No state for this pack (a unit-tracked pack that was never commissioned).
		UnknownUnit,
		/// No logistic unit with this SSCC.
		UnknownContainer,
		/// The caller does not hold the item.
		NotHolder,
		/// The item is inside a logistic unit: unpack that first.
		IsPacked,
		/// The item is part of a pending transfer.
		InTransfer,
		/// The caller holds fewer loose packs of the lot.
		InsufficientQuantity,
		/// Logistic units nest two levels deep at most (a pallet of cases).
		NestingTooDeep,
		/// The logistic unit holds `MaxContainerContents` entries.
		ContainerFull,
		/// At least one item is needed.
		NoItems,
		/// The same item is listed twice.
		DuplicateItem,
		/// The transition table forbids this step from the item's disposition.
		ImpossibleTransition,
		/// Only storing, holding and inspecting are recorded with `record_event`; the other
		/// steps have their own calls.
		StepNotObservable,
		/// The receiver is not an authorised trading partner.
		ReceiverNotTradingPartner,
		/// Nobody transfers to themselves.
		TransferToSelf,
		/// The sender has `MaxPendingTransfersPerSender` pending transfers.
		TooManyPendingTransfers,
		/// No pending transfer with this id.
		UnknownTransfer,
		/// Only the receiver may accept or reject.
		NotReceiver,
		/// Only the sender may cancel.
		NotSender,
		/// The serial is not in the lot's serial tree.
		UnknownSerial,
		/// The pack is decommissioned already.
		AlreadyDecommissioned,
		/// The pack is not decommissioned.
		NotDecommissioned,
		/// The lot was recalled.
		Recalled,
		/// The item is quarantined as suspect.
		Quarantined,
		/// The item has an uncleared temperature excursion.
		TemperatureExcursion,
		/// A pack supplied, destroyed or stolen is never reactivated.
		ReactivationNotAllowed,
		/// `ReactivationWindow` has passed since the decommissioning.
		ReactivationWindowPassed,
		/// Only the partner who decommissioned the pack, at the same premises, may reverse it.
		NotDecommissioner,
		/// The item is in a suspect-product case already.
		AlreadySuspect,
		/// No suspect-product case with this id.
		UnknownCase,
		/// Only the reporter or a regulator may do this.
		NotReporter,
		/// The case is no longer in quarantine.
		CaseNotQuarantined,
		/// The case was not determined illegitimate (or is notified already).
		CaseNotIllegitimate,
		/// No notification was recorded for the case.
		CaseNotNotified,
		/// The lot is recalled already.
		AlreadyRecalled,
		/// No product concerned has a temperature range.
		NoTemperatureRange,
		/// The observed temperatures stayed within the allowed range.
		WithinRange,
		/// The item has an excursion already.
		ExcursionAlreadyReported,
		/// The item has no excursion.
		NoExcursion,
		/// Excursions are reported for packs and logistic units, not for lots.
		UnsupportedItem,
		/// The caller cannot pay the storage deposit.
		InsufficientDeposit,
		/// A counter would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxCommissionBatch::get() > 0, "a commission batch must hold a serial");
			assert!(T::MaxEventItems::get() > 0, "an event must cover an item");
			assert!(T::MaxContainerContents::get() > 0, "a logistic unit must hold something");
			assert!(T::MaxTransferItems::get() > 0, "a transfer must ship something");
			assert!(T::MaxPendingTransfersPerSender::get() > 0, "transfers must be possible");
			assert!(T::MaxLotsPerRecall::get() > 0, "a recall must cover a lot");
			assert!(T::MaxCaseItems::get() > 0, "a case must cover an item");
			assert!(!T::ReactivationWindow::get().is_zero(), "reactivation needs a window");
			assert!(!T::NotificationDeadline::get().is_zero(), "notification needs time");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a product (GTIN) as its brand owner. Holds `ProductDeposit`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_product())]
		pub fn register_product(
			origin: OriginFor<T>,
			gtin: Gtin,
			details: ProductDetails,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_partner(&who)?;
			ensure!(Self::is_product_maker(&who), Error::<T>::NotManufacturer);
			ensure!(is_valid_gtin(&gtin), Error::<T>::InvalidGtin);
			ensure!(!Products::<T>::contains_key(gtin), Error::<T>::ProductExists);
			if let Some(range) = &details.temperature {
				ensure!(range.is_valid(), Error::<T>::InvalidTemperatureRange);
			}
			let printable = |text: &[u8]| text.iter().all(|c| c.is_ascii_graphic());
			ensure!(
				details.national_code.as_ref().map_or(true, |code| printable(code)) &&
					details.lookup_url.as_ref().map_or(true, |url| printable(url)),
				Error::<T>::InvalidText
			);
			let deposit = T::ProductDeposit::get();
			Self::hold(HoldReason::ProductDeposit, &who, deposit)?;
			Products::<T>::insert(
				gtin,
				ProductOf::<T> {
					owner: who.clone(),
					details: details.clone(),
					status: ProductStatus::Active,
					lots: 0,
					deposit,
				},
			);
			Self::deposit_event(Event::ProductRegistered { gtin, owner: who, details });
			Ok(())
		}

		/// Withdraw a product from the market: no new lots; existing packs still verify.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw_product())]
		pub fn withdraw_product(origin: OriginFor<T>, gtin: Gtin) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Products::<T>::try_mutate(gtin, |product| {
				let product = product.as_mut().ok_or(Error::<T>::UnknownProduct)?;
				ensure!(product.owner == who, Error::<T>::NotProductOwner);
				ensure!(product.status == ProductStatus::Active, Error::<T>::ProductWithdrawn);
				product.status = ProductStatus::Withdrawn;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::ProductWithdrawn { gtin });
			Ok(())
		}

		/// Offer a product to another manufacturer or repackager; it moves when they accept.
		/// A new offer replaces an earlier one.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::offer_product())]
		pub fn offer_product(
			origin: OriginFor<T>,
			gtin: Gtin,
			to: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let to = T::Lookup::lookup(to)?;
			let product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(product.owner == who, Error::<T>::NotProductOwner);
			ensure!(to != who, Error::<T>::TransferToSelf);
			ensure!(Self::is_product_maker(&to), Error::<T>::NotManufacturer);
			ProductOffers::<T>::insert(gtin, &to);
			Self::deposit_event(Event::ProductOffered { gtin, from: who, to });
			Ok(())
		}

		/// Accept a product offered to the caller. The deposit moves to the new owner.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::accept_product())]
		pub fn accept_product(origin: OriginFor<T>, gtin: Gtin) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(ProductOffers::<T>::get(gtin).as_ref() == Some(&who), Error::<T>::NotOffered);
			ensure!(Self::is_product_maker(&who), Error::<T>::NotManufacturer);
			let mut product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			let from = product.owner.clone();
			Self::hold(HoldReason::ProductDeposit, &who, product.deposit)?;
			Self::release(HoldReason::ProductDeposit, &from, product.deposit);
			product.owner = who.clone();
			Products::<T>::insert(gtin, product);
			ProductOffers::<T>::remove(gtin);
			Self::deposit_event(Event::ProductTransferred { gtin, from, to: who });
			Ok(())
		}

		/// Commission a lot of a product the caller owns: its number, expiry date, number of
		/// packs and the Merkle root of the packs' serial hashes. Packs of a product that is not
		/// unit-tracked are then held by the caller as a lot quantity. Holds `LotDeposit`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::commission_lot())]
		pub fn commission_lot(
			origin: OriginFor<T>,
			gtin: Gtin,
			lot: LotNumber,
			expiry: ExpiryDate,
			quantity: u32,
			serials_root: H256,
			document: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			let mut product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(product.owner == who, Error::<T>::NotProductOwner);
			ensure!(product.status == ProductStatus::Active, Error::<T>::ProductWithdrawn);
			ensure!(is_gs1_text(&lot), Error::<T>::InvalidLotNumber);
			ensure!(expiry.is_valid(), Error::<T>::InvalidExpiry);
			ensure!(!expiry.has_expired(Self::today()), Error::<T>::Expired);
			ensure!(quantity > 0, Error::<T>::ZeroQuantity);
			ensure!(!Lots::<T>::contains_key(gtin, &lot), Error::<T>::LotExists);
			product.lots = product.lots.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = T::LotDeposit::get();
			Self::hold(HoldReason::LotDeposit, &who, deposit)?;
			let now = Self::now();
			let mut history = HistoryHead::default();
			history.append(
				&who,
				&now,
				&Self::record(BizStep::Commissioning, Disposition::Active, Some(gln), document),
			);
			Lots::<T>::insert(
				gtin,
				&lot,
				LotOf::<T> {
					manufacturer: who.clone(),
					expiry,
					quantity,
					serials_root,
					units_commissioned: 0,
					recall: None,
					suspect_case: None,
					history,
					commissioned_at: now,
					deposit,
				},
			);
			if !product.details.unit_tracked {
				LotHoldings::<T>::insert((gtin, lot.clone()), &who, quantity);
			}
			Products::<T>::insert(gtin, product);
			Self::deposit_event(Event::LotCommissioned {
				gtin,
				lot,
				manufacturer: who,
				expiry,
				quantity,
				serials_root,
			});
			Ok(())
		}

		/// Commission packs of a unit-tracked lot one by one (by serial hash), up to the lot's
		/// quantity. Each pack holds `UnitDeposit`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::commission_units(serials.len() as u32))]
		pub fn commission_units(
			origin: OriginFor<T>,
			gtin: Gtin,
			lot: LotNumber,
			serials: SerialBatchOf<T>,
			document: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			let product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(product.owner == who, Error::<T>::NotProductOwner);
			ensure!(product.details.unit_tracked, Error::<T>::NotUnitTracked);
			ensure!(!serials.is_empty(), Error::<T>::NoItems);
			let mut lot_info = Lots::<T>::get(gtin, &lot).ok_or(Error::<T>::UnknownLot)?;
			ensure!(lot_info.recall.is_none(), Error::<T>::Recalled);
			let count = serials.len() as u32;
			let commissioned =
				lot_info.units_commissioned.checked_add(count).ok_or(Error::<T>::Overflow)?;
			ensure!(commissioned <= lot_info.quantity, Error::<T>::TooManyUnits);
			let deposit = T::UnitDeposit::get();
			Self::hold(HoldReason::UnitDeposit, &who, deposit.saturating_mul(count.into()))?;
			let now = Self::now();
			let record = Self::record(BizStep::Commissioning, Disposition::Active, Some(gln), document);
			for serial in serials.iter() {
				ensure!(!Units::<T>::contains_key(gtin, serial), Error::<T>::UnitExists);
				let mut history = HistoryHead::default();
				history.append(&who, &now, &record);
				Units::<T>::insert(
					gtin,
					serial,
					UnitOf::<T> {
						lot: lot.clone(),
						placement: Some(Placement::Held(who.clone())),
						disposition: Disposition::Active,
						location: Some(gln),
						in_transfer: None,
						decommissioned: None,
						suspect_case: None,
						excursion: None,
						history,
						depositor: who.clone(),
						deposit,
					},
				);
			}
			lot_info.units_commissioned = commissioned;
			Lots::<T>::insert(gtin, &lot, lot_info);
			Self::deposit_event(Event::UnitsCommissioned { gtin, lot, count });
			Ok(())
		}

		/// Record an EPCIS observation event (storing, holding or inspecting) for items the
		/// caller holds (a lot: that the caller commissioned), at its premises or `read_point`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::record_event(items.len() as u32))]
		pub fn record_event(
			origin: OriginFor<T>,
			items: EventItemsOf<T>,
			step: BizStep,
			read_point: Option<Gln>,
			document: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			ensure!(
				matches!(step, BizStep::Storing | BizStep::Holding | BizStep::Inspecting),
				Error::<T>::StepNotObservable
			);
			if let Some(point) = &read_point {
				ensure!(is_valid_gln(point), Error::<T>::InvalidGln);
			}
			ensure!(!items.is_empty(), Error::<T>::NoItems);
			for (i, item) in items.iter().enumerate() {
				ensure!(!items[..i].contains(item), Error::<T>::DuplicateItem);
			}
			let now = Self::now();
			for item in items.iter() {
				match item {
					ItemId::Unit { gtin, serial } => {
						let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
						Self::ensure_holds(unit.placement.as_ref(), &who)?;
						ensure!(unit.in_transfer.is_none(), Error::<T>::InTransfer);
						let next = Self::observe(
							step,
							unit.disposition,
							unit.suspect_case.is_some(),
							unit.excursion.is_some(),
						)?;
						unit.disposition = next;
						unit.location = Some(gln);
						unit.history.append(
							&who,
							&now,
							&EventRecord {
								read_point,
								..Self::record(step, next, Some(gln), document)
							},
						);
						Units::<T>::insert(gtin, serial, unit);
					},
					ItemId::Container(sscc) => {
						let mut container =
							Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
						Self::ensure_holds(Some(&container.placement), &who)?;
						ensure!(container.in_transfer.is_none(), Error::<T>::InTransfer);
						let next = Self::observe(
							step,
							container.disposition,
							container.suspect_case.is_some(),
							container.excursion.is_some(),
						)?;
						container.disposition = next;
						container.location = Some(gln);
						container.history.append(
							&who,
							&now,
							&EventRecord {
								read_point,
								..Self::record(step, next, Some(gln), document)
							},
						);
						Containers::<T>::insert(sscc, container);
					},
					ItemId::Lot { gtin, lot } => {
						let mut lot_info = Lots::<T>::get(gtin, lot).ok_or(Error::<T>::UnknownLot)?;
						ensure!(lot_info.manufacturer == who, Error::<T>::NotHolder);
						// A lot is spread over many holders: only inspections are recorded.
						ensure!(step == BizStep::Inspecting, Error::<T>::ImpossibleTransition);
						lot_info.history.append(
							&who,
							&now,
							&EventRecord {
								read_point,
								..Self::record(step, Disposition::Active, Some(gln), document)
							},
						);
						Lots::<T>::insert(gtin, lot, lot_info);
					},
				}
			}
			Self::deposit_event(Event::EventRecorded { actor: who, items, step, document });
			Ok(())
		}

		/// Pack goods the caller holds into the logistic unit `sscc` (EPCIS aggregation ADD),
		/// creating it (with `ContainerDeposit`) if it does not exist. Lot quantities come
		/// from the caller's loose packs; a logistic unit may go into one that is not itself
		/// packed, if it holds no logistic units.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::pack(contents.len() as u32))]
		pub fn pack(
			origin: OriginFor<T>,
			sscc: Sscc,
			contents: ContentsOf<T>,
			document: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			ensure!(is_valid_sscc(&sscc), Error::<T>::InvalidSscc);
			ensure!(!contents.is_empty(), Error::<T>::NoItems);
			let now = Self::now();
			let mut container = match Containers::<T>::get(sscc) {
				Some(container) => {
					Self::ensure_holds(Some(&container.placement), &who)?;
					ensure!(container.in_transfer.is_none(), Error::<T>::InTransfer);
					ensure!(container.suspect_case.is_none(), Error::<T>::Quarantined);
					ensure!(container.excursion.is_none(), Error::<T>::TemperatureExcursion);
					container
				},
				None => {
					let deposit = T::ContainerDeposit::get();
					Self::hold(HoldReason::ContainerDeposit, &who, deposit)?;
					ContainerOf::<T> {
						placement: Placement::Held(who.clone()),
						disposition: Disposition::Active,
						location: Some(gln),
						contents: Default::default(),
						in_transfer: None,
						suspect_case: None,
						excursion: None,
						history: Default::default(),
						depositor: who.clone(),
						deposit,
					}
				},
			};
			let disposition = BizStep::Packing
				.apply(container.disposition)
				.ok_or(Error::<T>::ImpossibleTransition)?;
			let record = Self::record(BizStep::Packing, disposition, Some(gln), document);
			for goods in contents {
				match &goods {
					Goods::Unit { gtin, serial } => {
						let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
						Self::ensure_holds(unit.placement.as_ref(), &who)?;
						ensure!(unit.in_transfer.is_none(), Error::<T>::InTransfer);
						ensure!(unit.suspect_case.is_none(), Error::<T>::Quarantined);
						BizStep::Packing
							.apply(unit.disposition)
							.ok_or(Error::<T>::ImpossibleTransition)?;
						unit.placement = Some(Placement::Packed(sscc));
						unit.history.append(&who, &now, &record);
						Units::<T>::insert(gtin, serial, unit);
						container.contents.try_push(goods).map_err(|_| Error::<T>::ContainerFull)?;
					},
					Goods::Container(child_sscc) => {
						ensure!(*child_sscc != sscc, Error::<T>::NestingTooDeep);
						ensure!(
							matches!(container.placement, Placement::Held(_)),
							Error::<T>::NestingTooDeep
						);
						let mut child =
							Containers::<T>::get(child_sscc).ok_or(Error::<T>::UnknownContainer)?;
						Self::ensure_holds(Some(&child.placement), &who)?;
						ensure!(child.in_transfer.is_none(), Error::<T>::InTransfer);
						ensure!(child.suspect_case.is_none(), Error::<T>::Quarantined);
						ensure!(
							!child.contents.iter().any(|c| matches!(c, Goods::Container(_))),
							Error::<T>::NestingTooDeep
						);
						BizStep::Packing
							.apply(child.disposition)
							.ok_or(Error::<T>::ImpossibleTransition)?;
						child.placement = Placement::Packed(sscc);
						child.history.append(&who, &now, &record);
						Containers::<T>::insert(child_sscc, child);
						container.contents.try_push(goods).map_err(|_| Error::<T>::ContainerFull)?;
					},
					Goods::Quantity { gtin, lot, quantity } => {
						Self::take_quantity(&who, gtin, lot, *quantity)?;
						let existing = container.contents.iter_mut().find_map(|c| match c {
							Goods::Quantity { gtin: g, lot: l, quantity: q }
								if g == gtin && l == lot =>
								Some(q),
							_ => None,
						});
						match existing {
							Some(held) => *held = held.checked_add(*quantity).ok_or(Error::<T>::Overflow)?,
							None => container
								.contents
								.try_push(goods.clone())
								.map_err(|_| Error::<T>::ContainerFull)?,
						}
					},
				}
			}
			container.disposition = disposition;
			container.location = Some(gln);
			container.history.append(&who, &now, &record);
			let entries = container.contents.len() as u32;
			Containers::<T>::insert(sscc, container);
			Self::deposit_event(Event::Packed { sscc, by: who, entries });
			Ok(())
		}

		/// Unpack a logistic unit the caller holds (EPCIS aggregation DELETE): its packs and
		/// logistic units are held by the caller again, its lot quantities become loose packs,
		/// and it is removed (deposit released).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::unpack(T::MaxContainerContents::get()))]
		pub fn unpack(origin: OriginFor<T>, sscc: Sscc, document: H256) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			let container = Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
			Self::ensure_holds(Some(&container.placement), &who)?;
			ensure!(container.in_transfer.is_none(), Error::<T>::InTransfer);
			ensure!(container.suspect_case.is_none(), Error::<T>::Quarantined);
			ensure!(container.excursion.is_none(), Error::<T>::TemperatureExcursion);
			let disposition = BizStep::Unpacking
				.apply(container.disposition)
				.ok_or(Error::<T>::ImpossibleTransition)?;
			let now = Self::now();
			let record = Self::record(BizStep::Unpacking, disposition, Some(gln), document);
			for goods in container.contents.iter() {
				match goods {
					Goods::Unit { gtin, serial } =>
						Units::<T>::mutate(gtin, serial, |unit| {
							if let Some(unit) = unit {
								unit.placement = Some(Placement::Held(who.clone()));
								unit.disposition = disposition;
								unit.location = Some(gln);
								unit.history.append(&who, &now, &record);
							}
						}),
					Goods::Container(child) => Containers::<T>::mutate(child, |child| {
						if let Some(child) = child {
							child.placement = Placement::Held(who.clone());
							child.disposition = disposition;
							child.location = Some(gln);
							child.history.append(&who, &now, &record);
						}
					}),
					Goods::Quantity { gtin, lot, quantity } =>
						LotHoldings::<T>::mutate((*gtin, lot.clone()), &who, |held| {
							*held = held.saturating_add(*quantity)
						}),
				}
			}
			let mut head = container.history;
			head.append(&who, &now, &record);
			Self::release(HoldReason::ContainerDeposit, &container.depositor, container.deposit);
			Containers::<T>::remove(sscc);
			Self::deposit_event(Event::Unpacked { sscc, by: who, head });
			Ok(Some(T::WeightInfo::unpack(container.contents.len() as u32)).into())
		}

		/// Propose to transfer goods the caller holds to another authorised trading partner
		/// (DSCSA), with the hashes of the transaction information, history and statement.
		/// The goods are in transit until the receiver answers. Recalled or expired goods may
		/// only go back to their product's owner. Holds `TransferDeposit`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::propose_transfer(items.len() as u32))]
		pub fn propose_transfer(
			origin: OriginFor<T>,
			to: AccountIdLookupOf<T>,
			items: TransferItemsOf<T>,
			documents: TransactionDocuments,
			shipping_event: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			let to = T::Lookup::lookup(to)?;
			ensure!(to != who, Error::<T>::TransferToSelf);
			ensure!(
				Self::trading_partner_gln(&to).is_some(),
				Error::<T>::ReceiverNotTradingPartner
			);
			ensure!(!items.is_empty(), Error::<T>::NoItems);
			let count = OutgoingTransferCount::<T>::get(&who);
			ensure!(
				count < T::MaxPendingTransfersPerSender::get(),
				Error::<T>::TooManyPendingTransfers
			);
			let id = NextTransferId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let now = Self::now();
			let record =
				Self::record(BizStep::Shipping, Disposition::InTransit, Some(gln), shipping_event);
			let today = Self::today();
			for goods in items.iter() {
				match goods {
					Goods::Unit { gtin, serial } => {
						let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
						Self::ensure_holds(unit.placement.as_ref(), &who)?;
						ensure!(unit.in_transfer.is_none(), Error::<T>::InTransfer);
						ensure!(unit.suspect_case.is_none(), Error::<T>::Quarantined);
						ensure!(unit.excursion.is_none(), Error::<T>::TemperatureExcursion);
						Self::ensure_may_ship_lot(gtin, &unit.lot, &to, today)?;
						unit.disposition = BizStep::Shipping
							.apply(unit.disposition)
							.ok_or(Error::<T>::ImpossibleTransition)?;
						unit.in_transfer = Some(id);
						unit.history.append(&who, &now, &record);
						Units::<T>::insert(gtin, serial, unit);
					},
					Goods::Container(sscc) => {
						let mut container =
							Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
						Self::ensure_holds(Some(&container.placement), &who)?;
						ensure!(container.in_transfer.is_none(), Error::<T>::InTransfer);
						ensure!(container.suspect_case.is_none(), Error::<T>::Quarantined);
						ensure!(container.excursion.is_none(), Error::<T>::TemperatureExcursion);
						container.disposition = BizStep::Shipping
							.apply(container.disposition)
							.ok_or(Error::<T>::ImpossibleTransition)?;
						container.in_transfer = Some(id);
						container.history.append(&who, &now, &record);
						Containers::<T>::insert(sscc, container);
					},
					Goods::Quantity { gtin, lot, quantity } => {
						Self::ensure_may_ship_lot(gtin, lot, &to, today)?;
						Self::take_quantity(&who, gtin, lot, *quantity)?;
					},
				}
			}
			let deposit = T::TransferDeposit::get();
			Self::hold(HoldReason::TransferDeposit, &who, deposit)?;
			let items_count = items.len() as u32;
			Transfers::<T>::insert(
				id,
				TransferOf::<T> {
					from: who.clone(),
					to: to.clone(),
					items,
					documents: documents.clone(),
					shipping_event,
					proposed_at: now,
					deposit,
				},
			);
			IncomingTransfers::<T>::insert(&to, id, ());
			OutgoingTransferCount::<T>::insert(&who, count.saturating_add(1));
			NextTransferId::<T>::put(next);
			Self::deposit_event(Event::TransferProposed {
				id,
				from: who,
				to,
				items: items_count,
				documents,
			});
			Ok(())
		}

		/// Accept a transfer: the caller becomes owner and custodian of the goods, received at
		/// its premises.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::accept_transfer(T::MaxTransferItems::get()))]
		pub fn accept_transfer(
			origin: OriginFor<T>,
			id: TransferId,
			receiving_event: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let transfer = Transfers::<T>::get(id).ok_or(Error::<T>::UnknownTransfer)?;
			ensure!(transfer.to == who, Error::<T>::NotReceiver);
			let gln = Self::ensure_partner(&who)?;
			Self::settle_transfer(id, &transfer, &who, gln, receiving_event);
			Self::deposit_event(Event::TransferAccepted { id, from: transfer.from, to: who });
			Ok(Some(T::WeightInfo::accept_transfer(transfer.items.len() as u32)).into())
		}

		/// Reject a transfer: the goods stay with the sender (received back at its premises).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::reject_transfer(T::MaxTransferItems::get()))]
		pub fn reject_transfer(origin: OriginFor<T>, id: TransferId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let transfer = Transfers::<T>::get(id).ok_or(Error::<T>::UnknownTransfer)?;
			ensure!(transfer.to == who, Error::<T>::NotReceiver);
			Self::return_transfer(id, &transfer);
			Self::deposit_event(Event::TransferRejected { id, from: transfer.from, to: who });
			Ok(Some(T::WeightInfo::reject_transfer(transfer.items.len() as u32)).into())
		}

		/// Cancel a transfer the caller proposed and the receiver has not answered.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::cancel_transfer(T::MaxTransferItems::get()))]
		pub fn cancel_transfer(origin: OriginFor<T>, id: TransferId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let transfer = Transfers::<T>::get(id).ok_or(Error::<T>::UnknownTransfer)?;
			ensure!(transfer.from == who, Error::<T>::NotSender);
			Self::return_transfer(id, &transfer);
			Self::deposit_event(Event::TransferCancelled { id, from: who, to: transfer.to });
			Ok(Some(T::WeightInfo::cancel_transfer(transfer.items.len() as u32)).into())
		}

		/// Decommission a pack the caller holds (EU FMD). `Supplied` (dispensing) is for
		/// dispensers only. A pack may not be supplied, sampled, exported or checked out if its
		/// lot is recalled or quarantined, it is expired, quarantined or temperature-damaged;
		/// it may always be reported destroyed, stolen or locked. A pack of a lot-traded
		/// product is taken from the caller's loose packs and gets its own entry
		/// (`UnitDeposit`).
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::decommission())]
		pub fn decommission(
			origin: OriginFor<T>,
			pack: PackRef,
			reason: DecommissionReason,
			document: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			if reason == DecommissionReason::Supplied {
				ensure!(T::Participants::has_role(&who, Role::Dispenser), Error::<T>::NotDispenser);
			}
			let (product, lot) = Self::proven_pack(&pack)?;
			let releases = reason.releases_pack();
			if releases {
				ensure!(lot.recall.is_none(), Error::<T>::Recalled);
				ensure!(lot.suspect_case.is_none(), Error::<T>::Quarantined);
				ensure!(!lot.expiry.has_expired(Self::today()), Error::<T>::Expired);
			}
			let now = Self::now();
			let decommissioning =
				Decommissioning { reason, by: who.clone(), location: gln, at: now };
			let record = Self::record(reason.step(), reason.disposition(), Some(gln), document);
			let existing = Units::<T>::get(pack.gtin, pack.serial);
			// A pack with an entry is a pack of the entry's lot, even if another lot's serial tree
			// also holds its serial: that lot's recall, expiry and holdings apply.
			ensure!(
				existing.as_ref().map_or(true, |unit| unit.lot == pack.lot),
				Error::<T>::UnknownSerial
			);
			let unit = if product.details.unit_tracked {
				let mut unit = existing.ok_or(Error::<T>::UnknownUnit)?;
				Self::ensure_holds(unit.placement.as_ref(), &who)?;
				ensure!(unit.in_transfer.is_none(), Error::<T>::InTransfer);
				ensure!(unit.decommissioned.is_none(), Error::<T>::AlreadyDecommissioned);
				if releases {
					ensure!(unit.suspect_case.is_none(), Error::<T>::Quarantined);
					ensure!(unit.excursion.is_none(), Error::<T>::TemperatureExcursion);
				}
				reason.step().apply(unit.disposition).ok_or(Error::<T>::ImpossibleTransition)?;
				unit.disposition = reason.disposition();
				unit.location = Some(gln);
				unit.decommissioned = Some(decommissioning);
				unit.history.append(&who, &now, &record);
				unit
			} else {
				let key = (pack.gtin, pack.lot.clone());
				let held = LotHoldings::<T>::get(&key, &who);
				ensure!(held > 0, Error::<T>::InsufficientQuantity);
				let mut unit = match existing {
					Some(unit) => {
						ensure!(unit.decommissioned.is_none(), Error::<T>::AlreadyDecommissioned);
						if releases {
							ensure!(unit.suspect_case.is_none(), Error::<T>::Quarantined);
							ensure!(unit.excursion.is_none(), Error::<T>::TemperatureExcursion);
						}
						unit
					},
					None => {
						let deposit = T::UnitDeposit::get();
						Self::hold(HoldReason::UnitDeposit, &who, deposit)?;
						Self::exception_entry(&pack.lot, &who, deposit)
					},
				};
				Self::set_holding(&key, &who, held.saturating_sub(1));
				unit.disposition = reason.disposition();
				unit.location = Some(gln);
				unit.decommissioned = Some(decommissioning);
				unit.history.append(&who, &now, &record);
				unit
			};
			Units::<T>::insert(pack.gtin, pack.serial, unit);
			Self::deposit_event(Event::Decommissioned {
				gtin: pack.gtin,
				lot: pack.lot,
				serial: pack.serial,
				by: who,
				reason,
			});
			Ok(())
		}

		/// Reverse a decommissioning (EU FMD): only by the partner who made it, at the same
		/// premises, within `ReactivationWindow`, never for a pack supplied, destroyed or
		/// stolen, nor for an expired or recalled one. The pack is back in the caller's stock.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::reactivate())]
		pub fn reactivate(origin: OriginFor<T>, gtin: Gtin, serial: SerialHash) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
			let done = unit.decommissioned.clone().ok_or(Error::<T>::NotDecommissioned)?;
			ensure!(done.by == who && done.location == gln, Error::<T>::NotDecommissioner);
			ensure!(!done.reason.is_final(), Error::<T>::ReactivationNotAllowed);
			// A suspect or temperature-damaged pack does not go back into stock.
			ensure!(unit.suspect_case.is_none(), Error::<T>::Quarantined);
			ensure!(unit.excursion.is_none(), Error::<T>::TemperatureExcursion);
			let now = Self::now();
			ensure!(
				now <= done.at.saturating_add(T::ReactivationWindow::get()),
				Error::<T>::ReactivationWindowPassed
			);
			let lot = Lots::<T>::get(gtin, &unit.lot).ok_or(Error::<T>::UnknownLot)?;
			ensure!(lot.recall.is_none(), Error::<T>::Recalled);
			ensure!(!lot.expiry.has_expired(Self::today()), Error::<T>::Expired);
			let disposition = BizStep::Reactivating
				.apply(unit.disposition)
				.ok_or(Error::<T>::ImpossibleTransition)?;
			unit.decommissioned = None;
			unit.disposition = disposition;
			unit.history.append(
				&who,
				&now,
				&Self::record(BizStep::Reactivating, disposition, Some(gln), H256::zero()),
			);
			if unit.placement.is_none() {
				// A lot-traded pack goes back to the caller's loose packs.
				let key = (gtin, unit.lot.clone());
				let held = LotHoldings::<T>::get(&key, &who);
				Self::set_holding(&key, &who, held.saturating_add(1));
			}
			Self::store_or_prune_unit(gtin, serial, unit);
			Self::deposit_event(Event::Reactivated { gtin, serial, by: who });
			Ok(())
		}

		/// Flag packs, logistic units or whole lots as suspect (DSCSA): they are quarantined
		/// until the case is cleared. Any trading partner may. Holds `CaseDeposit` (and
		/// `UnitDeposit` for each pack that had no entry).
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::flag_suspect(items.len() as u32))]
		pub fn flag_suspect(
			origin: OriginFor<T>,
			items: SuspectItemsOf<T>,
			reason: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			ensure!(!items.is_empty(), Error::<T>::NoItems);
			let id = NextCaseId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let now = Self::now();
			let record = |disposition| Self::record(BizStep::Investigating, disposition, Some(gln), reason);
			let mut case_items = Vec::with_capacity(items.len());
			for item in items.iter() {
				let id_of_item = match item {
					SuspectItem::Pack(pack) => {
						let (product, _) = Self::proven_pack(pack)?;
						let mut unit = match Units::<T>::get(pack.gtin, pack.serial) {
							// As in `decommission`: a pack with an entry is of the entry's lot.
							Some(unit) => {
								ensure!(unit.lot == pack.lot, Error::<T>::UnknownSerial);
								unit
							},
							None => {
								ensure!(!product.details.unit_tracked, Error::<T>::UnknownUnit);
								let deposit = T::UnitDeposit::get();
								Self::hold(HoldReason::UnitDeposit, &who, deposit)?;
								Self::exception_entry(&pack.lot, &who, deposit)
							},
						};
						ensure!(unit.suspect_case.is_none(), Error::<T>::AlreadySuspect);
						unit.suspect_case = Some(id);
						unit.history.append(&who, &now, &record(unit.disposition));
						Units::<T>::insert(pack.gtin, pack.serial, unit);
						ItemId::Unit { gtin: pack.gtin, serial: pack.serial }
					},
					SuspectItem::Container(sscc) => {
						let mut container =
							Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
						ensure!(container.suspect_case.is_none(), Error::<T>::AlreadySuspect);
						container.suspect_case = Some(id);
						container.history.append(&who, &now, &record(container.disposition));
						Containers::<T>::insert(sscc, container);
						ItemId::Container(*sscc)
					},
					SuspectItem::Lot { gtin, lot } => {
						let mut lot_info = Lots::<T>::get(gtin, lot).ok_or(Error::<T>::UnknownLot)?;
						ensure!(lot_info.suspect_case.is_none(), Error::<T>::AlreadySuspect);
						lot_info.suspect_case = Some(id);
						lot_info.history.append(&who, &now, &record(Disposition::Active));
						Lots::<T>::insert(gtin, lot, lot_info);
						ItemId::Lot { gtin: *gtin, lot: lot.clone() }
					},
				};
				case_items.push(id_of_item);
			}
			let deposit = T::CaseDeposit::get();
			Self::hold(HoldReason::CaseDeposit, &who, deposit)?;
			let count = case_items.len() as u32;
			Cases::<T>::insert(
				id,
				CaseOf::<T> {
					reporter: who.clone(),
					items: BoundedVec::truncate_from(case_items),
					reason,
					status: CaseStatus::Quarantined,
					opened_at: now,
					deposit,
				},
			);
			NextCaseId::<T>::put(next);
			Self::deposit_event(Event::SuspectFlagged { case: id, reporter: who, items: count });
			Ok(())
		}

		/// Clear a suspect-product case after investigation: the quarantine ends and the case is
		/// removed. By the reporter or a regulator, while the case is in quarantine.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::clear_suspect(T::MaxCaseItems::get()))]
		pub fn clear_suspect(origin: OriginFor<T>, case: CaseId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let info = Self::case_for_investigator(case, &who)?;
			ensure!(info.status == CaseStatus::Quarantined, Error::<T>::CaseNotQuarantined);
			let now = Self::now();
			let record = |disposition| {
				Self::record(BizStep::Investigating, disposition, None, info.reason)
			};
			for item in info.items.iter() {
				match item {
					ItemId::Unit { gtin, serial } => {
						if let Some(mut unit) = Units::<T>::get(gtin, serial) {
							unit.suspect_case = None;
							unit.history.append(&who, &now, &record(unit.disposition));
							Self::store_or_prune_unit(*gtin, *serial, unit);
						}
					},
					ItemId::Container(sscc) => Containers::<T>::mutate(sscc, |container| {
						if let Some(container) = container {
							container.suspect_case = None;
							container.history.append(&who, &now, &record(container.disposition));
						}
					}),
					ItemId::Lot { gtin, lot } => Lots::<T>::mutate(gtin, lot, |lot_info| {
						if let Some(lot_info) = lot_info {
							lot_info.suspect_case = None;
							lot_info.history.append(&who, &now, &record(Disposition::Active));
						}
					}),
				}
			}
			Self::release(HoldReason::CaseDeposit, &info.reporter, info.deposit);
			Cases::<T>::remove(case);
			Self::deposit_event(Event::SuspectCleared { case });
			Ok(Some(T::WeightInfo::clear_suspect(info.items.len() as u32)).into())
		}

		/// Determine a case's items illegitimate: they stay quarantined, and the regulator and
		/// partners must be notified within `NotificationDeadline`. By the reporter or a
		/// regulator.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::determine_illegitimate())]
		pub fn determine_illegitimate(origin: OriginFor<T>, case: CaseId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::case_for_investigator(case, &who)?;
			ensure!(info.status == CaseStatus::Quarantined, Error::<T>::CaseNotQuarantined);
			let notify_by = Self::now().saturating_add(T::NotificationDeadline::get());
			info.status = CaseStatus::Illegitimate { notify_by };
			Cases::<T>::insert(case, info);
			Self::deposit_event(Event::DeterminedIllegitimate { case, notify_by });
			Ok(())
		}

		/// Record, as the regulator, the notification of an illegitimate product.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::record_notification())]
		pub fn record_notification(origin: OriginFor<T>, case: CaseId, notice: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_regulator(&who)?;
			let mut info = Cases::<T>::get(case).ok_or(Error::<T>::UnknownCase)?;
			let CaseStatus::Illegitimate { notify_by } = info.status else {
				return Err(Error::<T>::CaseNotIllegitimate.into());
			};
			let now = Self::now();
			info.status = CaseStatus::Notified { notice, at: now, notify_by };
			Cases::<T>::insert(case, info);
			Self::deposit_event(Event::NotificationRecorded { case, notice, overdue: now > notify_by });
			Ok(())
		}

		/// Terminate, as the regulator, the notification of an illegitimate product. The case
		/// is closed; its items stay illegitimate.
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::terminate_notification())]
		pub fn terminate_notification(origin: OriginFor<T>, case: CaseId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_regulator(&who)?;
			let mut info = Cases::<T>::get(case).ok_or(Error::<T>::UnknownCase)?;
			ensure!(matches!(info.status, CaseStatus::Notified { .. }), Error::<T>::CaseNotNotified);
			info.status = CaseStatus::Terminated { at: Self::now() };
			Cases::<T>::insert(case, info);
			Self::deposit_event(Event::NotificationTerminated { case });
			Ok(())
		}

		/// Recall lots of a product, as its owner or a regulator. Recalled packs fail
		/// verification and may only be shipped back to the product's owner.
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::recall_lots(lots.len() as u32))]
		pub fn recall_lots(
			origin: OriginFor<T>,
			gtin: Gtin,
			lots: RecallLotsOf<T>,
			notice: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(
				product.owner == who || T::Participants::has_role(&who, Role::Regulator),
				Error::<T>::NotProductOwner
			);
			ensure!(!lots.is_empty(), Error::<T>::NoItems);
			let now = Self::now();
			let record = Self::record(BizStep::Recalling, Disposition::Active, None, notice);
			for (i, lot) in lots.iter().enumerate() {
				ensure!(!lots[..i].contains(lot), Error::<T>::DuplicateItem);
				let mut lot_info = Lots::<T>::get(gtin, lot).ok_or(Error::<T>::UnknownLot)?;
				ensure!(lot_info.recall.is_none(), Error::<T>::AlreadyRecalled);
				lot_info.recall = Some(Recall { by: who.clone(), notice, at: now });
				lot_info.history.append(&who, &now, &record);
				Lots::<T>::insert(gtin, lot, lot_info);
			}
			Self::deposit_event(Event::LotsRecalled { gtin, lots, by: who, notice });
			Ok(())
		}

		/// Report, as its custodian, that a pack or logistic unit saw temperatures outside its
		/// product's allowed range: it may not be sold or shipped until the excursion is
		/// cleared. A logistic unit is checked against the products directly in it.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::report_excursion())]
		pub fn report_excursion(
			origin: OriginFor<T>,
			item: ItemId,
			observed: TemperatureRange,
			evidence: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let gln = Self::ensure_partner(&who)?;
			ensure!(observed.is_valid(), Error::<T>::InvalidTemperatureRange);
			let now = Self::now();
			let excursion = Excursion { reported_by: who.clone(), observed, evidence };
			match &item {
				ItemId::Unit { gtin, serial } => {
					let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
					ensure!(Self::unit_holder(&unit).as_ref() == Some(&who), Error::<T>::NotHolder);
					ensure!(unit.excursion.is_none(), Error::<T>::ExcursionAlreadyReported);
					Self::ensure_outside_range(core::iter::once(*gtin), &observed)?;
					unit.excursion = Some(excursion);
					unit.history.append(
						&who,
						&now,
						&Self::record(BizStep::TemperatureMonitoring, unit.disposition, Some(gln), evidence),
					);
					Units::<T>::insert(gtin, serial, unit);
				},
				ItemId::Container(sscc) => {
					let mut container =
						Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
					ensure!(
						Self::container_holder(&container).as_ref() == Some(&who),
						Error::<T>::NotHolder
					);
					ensure!(container.excursion.is_none(), Error::<T>::ExcursionAlreadyReported);
					Self::ensure_outside_range(Self::products_in(&container), &observed)?;
					container.excursion = Some(excursion);
					container.history.append(
						&who,
						&now,
						&Self::record(
							BizStep::TemperatureMonitoring,
							container.disposition,
							Some(gln),
							evidence,
						),
					);
					Containers::<T>::insert(sscc, container);
				},
				ItemId::Lot { .. } => return Err(Error::<T>::UnsupportedItem.into()),
			}
			Self::deposit_event(Event::ExcursionReported { item, observed });
			Ok(())
		}

		/// Clear an excursion, as the owner of the products concerned (whose stability data
		/// decides) or a regulator: the item may be sold again.
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::clear_excursion())]
		pub fn clear_excursion(origin: OriginFor<T>, item: ItemId, evidence: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let regulator = T::Participants::has_role(&who, Role::Regulator);
			let owns = |gtin: &Gtin| Products::<T>::get(gtin).is_some_and(|p| p.owner == who);
			let now = Self::now();
			match &item {
				ItemId::Unit { gtin, serial } => {
					let mut unit = Units::<T>::get(gtin, serial).ok_or(Error::<T>::UnknownUnit)?;
					ensure!(unit.excursion.is_some(), Error::<T>::NoExcursion);
					ensure!(regulator || owns(gtin), Error::<T>::NotProductOwner);
					unit.excursion = None;
					unit.history.append(
						&who,
						&now,
						&Self::record(BizStep::TemperatureMonitoring, unit.disposition, None, evidence),
					);
					Self::store_or_prune_unit(*gtin, *serial, unit);
				},
				ItemId::Container(sscc) => {
					let mut container =
						Containers::<T>::get(sscc).ok_or(Error::<T>::UnknownContainer)?;
					ensure!(container.excursion.is_some(), Error::<T>::NoExcursion);
					ensure!(
						regulator || Self::products_in(&container).all(|gtin| owns(&gtin)),
						Error::<T>::NotProductOwner
					);
					container.excursion = None;
					container.history.append(
						&who,
						&now,
						&Self::record(
							BizStep::TemperatureMonitoring,
							container.disposition,
							None,
							evidence,
						),
					);
					Containers::<T>::insert(sscc, container);
				},
				ItemId::Lot { .. } => return Err(Error::<T>::UnsupportedItem.into()),
			}
			Self::deposit_event(Event::ExcursionCleared { item, evidence });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn now() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
		}

		/// Today, in days since 1970-01-01 (UTC).
		pub fn today() -> u32 {
			day_of_unix_millis(T::UnixTime::now().as_millis().try_into().unwrap_or(u64::MAX))
		}

		fn record(
			step: BizStep,
			disposition: Disposition,
			business_location: Option<Gln>,
			document: H256,
		) -> EventRecord {
			EventRecord { step, disposition, read_point: None, business_location, document }
		}

		/// The GLN of `who` if it is an authorised trading partner now.
		pub fn trading_partner_gln(who: &T::AccountId) -> Option<Gln> {
			let trades = Role::ALL
				.iter()
				.any(|role| role.is_trading_partner() && T::Participants::has_role(who, *role));
			if trades {
				T::Participants::gln(who)
			} else {
				None
			}
		}

		fn ensure_partner(who: &T::AccountId) -> Result<Gln, DispatchError> {
			Ok(Self::trading_partner_gln(who).ok_or(Error::<T>::NotTradingPartner)?)
		}

		fn ensure_regulator(who: &T::AccountId) -> DispatchResult {
			ensure!(T::Participants::has_role(who, Role::Regulator), Error::<T>::NotRegulator);
			Ok(())
		}

		fn is_product_maker(who: &T::AccountId) -> bool {
			T::Participants::has_role(who, Role::Manufacturer) ||
				T::Participants::has_role(who, Role::Repackager)
		}

		pub(crate) fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::Currency::hold(&reason.into(), who, amount)
				.map_err(|_| Error::<T>::InsufficientDeposit.into())
		}

		fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			// Best effort: the amount was held when the entry was created.
			let _ = T::Currency::release(&reason.into(), who, amount, Precision::BestEffort);
		}

		fn set_holding(key: &(Gtin, LotNumber), who: &T::AccountId, held: u32) {
			if held == 0 {
				LotHoldings::<T>::remove(key, who);
			} else {
				LotHoldings::<T>::insert(key, who, held);
			}
		}

		/// Takes `quantity` loose packs of a lot-traded lot from `who`.
		fn take_quantity(
			who: &T::AccountId,
			gtin: &Gtin,
			lot: &LotNumber,
			quantity: u32,
		) -> DispatchResult {
			ensure!(quantity > 0, Error::<T>::ZeroQuantity);
			let product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(!product.details.unit_tracked, Error::<T>::UnitTracked);
			ensure!(Lots::<T>::contains_key(gtin, lot), Error::<T>::UnknownLot);
			let key = (*gtin, lot.clone());
			let held = LotHoldings::<T>::get(&key, who);
			ensure!(held >= quantity, Error::<T>::InsufficientQuantity);
			Self::set_holding(&key, who, held.saturating_sub(quantity));
			Ok(())
		}

		/// Goods of a quarantined lot go nowhere; goods of a recalled or expired lot only back
		/// to the product's owner.
		fn ensure_may_ship_lot(
			gtin: &Gtin,
			lot: &LotNumber,
			to: &T::AccountId,
			today: u32,
		) -> DispatchResult {
			let lot_info = Lots::<T>::get(gtin, lot).ok_or(Error::<T>::UnknownLot)?;
			ensure!(lot_info.suspect_case.is_none(), Error::<T>::Quarantined);
			let to_owner = Products::<T>::get(gtin).is_some_and(|p| &p.owner == to);
			if !to_owner {
				ensure!(lot_info.recall.is_none(), Error::<T>::Recalled);
				ensure!(!lot_info.expiry.has_expired(today), Error::<T>::Expired);
			}
			Ok(())
		}

		/// The next disposition of an observation, refusing to make quarantined or
		/// temperature-damaged items sellable.
		fn observe(
			step: BizStep,
			from: Disposition,
			suspect: bool,
			excursion: bool,
		) -> Result<Disposition, DispatchError> {
			let next = step.apply(from).ok_or(Error::<T>::ImpossibleTransition)?;
			if next == Disposition::SellableAccessible && next != from {
				ensure!(!suspect, Error::<T>::Quarantined);
				ensure!(!excursion, Error::<T>::TemperatureExcursion);
			}
			Ok(next)
		}

		/// That `placement` is "held by `who`".
		fn ensure_holds(
			placement: Option<&Placement<T::AccountId>>,
			who: &T::AccountId,
		) -> DispatchResult {
			match placement {
				Some(Placement::Held(holder)) if holder == who => Ok(()),
				Some(Placement::Packed(_)) => Err(Error::<T>::IsPacked.into()),
				_ => Err(Error::<T>::NotHolder.into()),
			}
		}

		/// Who holds a logistic unit: its holder, or that of the one it is packed in.
		pub fn container_holder(container: &ContainerOf<T>) -> Option<T::AccountId> {
			match &container.placement {
				Placement::Held(holder) => Some(holder.clone()),
				Placement::Packed(parent) => Containers::<T>::get(parent).and_then(|parent| {
					match parent.placement {
						Placement::Held(holder) => Some(holder),
						Placement::Packed(_) => None,
					}
				}),
			}
		}

		/// Who holds a pack with its own state: its holder, or that of its logistic unit.
		pub fn unit_holder(unit: &UnitOf<T>) -> Option<T::AccountId> {
			match unit.placement.as_ref()? {
				Placement::Held(holder) => Some(holder.clone()),
				Placement::Packed(sscc) =>
					Containers::<T>::get(sscc).and_then(|c| Self::container_holder(&c)),
			}
		}

		/// The products directly in a logistic unit (packs and lot quantities).
		fn products_in(container: &ContainerOf<T>) -> impl Iterator<Item = Gtin> + '_ {
			container.contents.iter().filter_map(|goods| match goods {
				Goods::Unit { gtin, .. } | Goods::Quantity { gtin, .. } => Some(*gtin),
				Goods::Container(_) => None,
			})
		}

		/// That some product has a temperature range and `observed` leaves one of them.
		fn ensure_outside_range(
			products: impl Iterator<Item = Gtin>,
			observed: &TemperatureRange,
		) -> DispatchResult {
			let mut has_range = false;
			for gtin in products {
				if let Some(range) = Products::<T>::get(gtin).and_then(|p| p.details.temperature) {
					has_range = true;
					if !range.contains(observed) {
						return Ok(());
					}
				}
			}
			ensure!(has_range, Error::<T>::NoTemperatureRange);
			Err(Error::<T>::WithinRange.into())
		}

		/// The product and lot of a pack whose serial is proven to be in its lot's tree.
		fn proven_pack(pack: &PackRef) -> Result<(ProductOf<T>, LotOf<T>), DispatchError> {
			let product = Products::<T>::get(pack.gtin).ok_or(Error::<T>::UnknownProduct)?;
			let lot = Lots::<T>::get(pack.gtin, &pack.lot).ok_or(Error::<T>::UnknownLot)?;
			ensure!(
				verify_serial(&lot.serials_root, lot.quantity, pack.serial, &pack.proof),
				Error::<T>::UnknownSerial
			);
			Ok((product, lot))
		}

		/// A new per-pack entry for an exception of a lot-traded pack.
		fn exception_entry(lot: &LotNumber, depositor: &T::AccountId, deposit: BalanceOf<T>) -> UnitOf<T> {
			UnitOf::<T> {
				lot: lot.clone(),
				placement: None,
				disposition: Disposition::SellableAccessible,
				location: None,
				in_transfer: None,
				decommissioned: None,
				suspect_case: None,
				excursion: None,
				history: Default::default(),
				depositor: depositor.clone(),
				deposit,
			}
		}

		/// Stores a pack's entry, or removes it (releasing its deposit) if it is an exception
		/// entry with nothing exceptional left.
		fn store_or_prune_unit(gtin: Gtin, serial: SerialHash, unit: UnitOf<T>) {
			let bare = unit.placement.is_none() &&
				unit.decommissioned.is_none() &&
				unit.suspect_case.is_none() &&
				unit.excursion.is_none();
			if bare {
				Self::release(HoldReason::UnitDeposit, &unit.depositor, unit.deposit);
				Units::<T>::remove(gtin, serial);
			} else {
				Units::<T>::insert(gtin, serial, unit);
			}
		}

		fn case_for_investigator(case: CaseId, who: &T::AccountId) -> Result<CaseOf<T>, DispatchError> {
			let info = Cases::<T>::get(case).ok_or(Error::<T>::UnknownCase)?;
			ensure!(
				info.reporter == *who || T::Participants::has_role(who, Role::Regulator),
				Error::<T>::NotReporter
			);
			Ok(info)
		}

		/// Moves a transfer's goods to the receiver and removes the transfer.
		fn settle_transfer(
			id: TransferId,
			transfer: &TransferOf<T>,
			to: &T::AccountId,
			gln: Gln,
			receiving_event: H256,
		) {
			let now = Self::now();
			let record =
				Self::record(BizStep::Receiving, Disposition::InProgress, Some(gln), receiving_event);
			for goods in transfer.items.iter() {
				Self::deliver(goods, to, Some(gln), &now, &record);
			}
			Self::close_transfer(id, transfer);
		}

		/// Gives a transfer's goods back to the sender and removes the transfer.
		fn return_transfer(id: TransferId, transfer: &TransferOf<T>) {
			let gln = T::Participants::gln(&transfer.from);
			let now = Self::now();
			let record = Self::record(BizStep::Receiving, Disposition::InProgress, gln, H256::zero());
			for goods in transfer.items.iter() {
				Self::deliver(goods, &transfer.from, gln, &now, &record);
			}
			Self::close_transfer(id, transfer);
		}

		/// Hands goods to `to`, received at `gln` (if known; else they stay where they were).
		fn deliver(
			goods: &Goods,
			to: &T::AccountId,
			gln: Option<Gln>,
			now: &BlockNumberFor<T>,
			record: &EventRecord,
		) {
			match goods {
				Goods::Unit { gtin, serial } => Units::<T>::mutate(gtin, serial, |unit| {
					if let Some(unit) = unit {
						unit.placement = Some(Placement::Held(to.clone()));
						unit.disposition = Disposition::InProgress;
						unit.location = gln.or(unit.location);
						unit.in_transfer = None;
						unit.history.append(to, now, record);
					}
				}),
				Goods::Container(sscc) => Containers::<T>::mutate(sscc, |container| {
					if let Some(container) = container {
						container.placement = Placement::Held(to.clone());
						container.disposition = Disposition::InProgress;
						container.location = gln.or(container.location);
						container.in_transfer = None;
						container.history.append(to, now, record);
					}
				}),
				Goods::Quantity { gtin, lot, quantity } =>
					LotHoldings::<T>::mutate((*gtin, lot.clone()), to, |held| {
						*held = held.saturating_add(*quantity)
					}),
			}
		}

		fn close_transfer(id: TransferId, transfer: &TransferOf<T>) {
			Self::release(HoldReason::TransferDeposit, &transfer.from, transfer.deposit);
			Transfers::<T>::remove(id);
			IncomingTransfers::<T>::remove(&transfer.to, id);
			OutgoingTransferCount::<T>::mutate_exists(&transfer.from, |count| {
				*count = count.map(|c| c.saturating_sub(1)).filter(|c| *c > 0);
			});
		}

		/// Verifies a pack as a pharmacy or wholesaler scans it: GTIN, serial (in clear: it is
		/// hashed here, never stored), lot and expiry from the DataMatrix, and the serial's
		/// proof from the manufacturer's serial list. The checks run in the order of
		/// [`Verification`]'s variants.
		pub fn verify_unit(
			gtin: Gtin,
			serial: &[u8],
			lot: &LotNumber,
			expiry: ExpiryDate,
			proof: &SerialProof,
		) -> Verification {
			let Some(product) = Products::<T>::get(gtin) else {
				return Verification::UnknownProduct;
			};
			let Some(lot_info) = Lots::<T>::get(gtin, lot) else {
				return Verification::LotMismatch;
			};
			if lot_info.expiry != expiry {
				return Verification::ExpiryMismatch;
			}
			let leaf = serial_hash(&gtin, serial);
			if !is_gs1_text(serial) || !verify_serial(&lot_info.serials_root, lot_info.quantity, leaf, proof)
			{
				return Verification::UnknownSerial;
			}
			let unit = Units::<T>::get(gtin, leaf);
			// Unit-tracked, the pack must be commissioned; with an entry, it is a pack of the
			// entry's lot (whose serial tree another lot's may share).
			if unit.as_ref().map_or(product.details.unit_tracked, |unit| unit.lot != *lot) {
				return Verification::UnknownSerial;
			}
			// The cases and excursions that reach the pack: its own, its logistic units' and
			// its lot's.
			let mut cases = Vec::new();
			let mut excursion = false;
			cases.extend(lot_info.suspect_case);
			if let Some(unit) = &unit {
				cases.extend(unit.suspect_case);
				excursion |= unit.excursion.is_some();
				let mut parent = match unit.placement {
					Some(Placement::Packed(sscc)) => Some(sscc),
					_ => None,
				};
				// Two levels at most: a case, then its pallet.
				for _ in 0..2 {
					let Some(sscc) = parent else { break };
					let Some(container) = Containers::<T>::get(sscc) else { break };
					cases.extend(container.suspect_case);
					excursion |= container.excursion.is_some();
					parent = match container.placement {
						Placement::Packed(sscc) => Some(sscc),
						Placement::Held(_) => None,
					};
				}
			}
			let statuses: Vec<_> =
				cases.into_iter().filter_map(|id| Cases::<T>::get(id).map(|c| c.status)).collect();
			if statuses.iter().any(|status| *status != CaseStatus::Quarantined) {
				return Verification::Illegitimate;
			}
			if lot_info.recall.is_some() {
				return Verification::Recalled;
			}
			if let Some(done) = unit.as_ref().and_then(|u| u.decommissioned.as_ref()) {
				return Verification::Decommissioned(done.reason);
			}
			if !statuses.is_empty() || excursion {
				return Verification::Quarantined;
			}
			if lot_info.expiry.has_expired(Self::today()) {
				return Verification::Expired;
			}
			Verification::Verified
		}

		/// The history head of an item, if it has one on chain.
		pub fn history_head(item: &ItemId) -> Option<HistoryHead> {
			match item {
				ItemId::Unit { gtin, serial } => Units::<T>::get(gtin, serial).map(|u| u.history),
				ItemId::Container(sscc) => Containers::<T>::get(sscc).map(|c| c.history),
				ItemId::Lot { gtin, lot } => Lots::<T>::get(gtin, lot).map(|l| l.history),
			}
		}

		/// Up to `limit` of the transfers awaiting `receiver`, after transfer `after`.
		pub fn incoming_transfers(
			receiver: &T::AccountId,
			after: Option<TransferId>,
			limit: u32,
		) -> Vec<(TransferId, TransferOf<T>)> {
			let iter = match after {
				Some(id) => IncomingTransfers::<T>::iter_prefix_from(
					receiver,
					IncomingTransfers::<T>::hashed_key_for(receiver, id),
				),
				None => IncomingTransfers::<T>::iter_prefix(receiver),
			};
			iter.filter_map(|(id, ())| Transfers::<T>::get(id).map(|t| (id, t)))
				.take(limit.min(100) as usize)
				.collect()
		}

		/// The deposits the stored products, lots, units, logistic units, transfers and suspect
		/// cases name, by payer and hold reason.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn deposits_held() -> RecordedDeposits<T::AccountId, HoldReason, BalanceOf<T>> {
			let mut deposits = RecordedDeposits::new();
			for product in Products::<T>::iter_values() {
				deposits::record(&mut deposits, &product.owner, HoldReason::ProductDeposit, product.deposit);
			}
			for lot in Lots::<T>::iter_values() {
				deposits::record(&mut deposits, &lot.manufacturer, HoldReason::LotDeposit, lot.deposit);
			}
			for unit in Units::<T>::iter_values() {
				deposits::record(&mut deposits, &unit.depositor, HoldReason::UnitDeposit, unit.deposit);
			}
			for container in Containers::<T>::iter_values() {
				deposits::record(&mut deposits, &container.depositor, HoldReason::ContainerDeposit, container.deposit);
			}
			for transfer in Transfers::<T>::iter_values() {
				deposits::record(&mut deposits, &transfer.from, HoldReason::TransferDeposit, transfer.deposit);
			}
			for case in Cases::<T>::iter_values() {
				deposits::record(&mut deposits, &case.reporter, HoldReason::CaseDeposit, case.deposit);
			}
			deposits
		}

		/// Checks the pallet's invariants.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			use frame_support::traits::fungible::InspectHold;
			deposits::ensure_held(&Self::deposits_held(), |reason, who| {
				T::Currency::balance_on_hold(&(*reason).into(), who)
			})?;
			// Transfers: indexed for the receiver, counted for the sender, goods marked.
			let mut outgoing: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (id, transfer) in Transfers::<T>::iter() {
				ensure!(id < NextTransferId::<T>::get(), "transfer id not yet issued");
				ensure!(
					IncomingTransfers::<T>::contains_key(&transfer.to, id),
					"transfer missing from the receiver's index"
				);
				*outgoing.entry(transfer.from.clone()).or_default() += 1;
				for goods in transfer.items.iter() {
					let marked = match goods {
						Goods::Unit { gtin, serial } =>
							Units::<T>::get(gtin, serial).is_some_and(|u| u.in_transfer == Some(id)),
						Goods::Container(sscc) =>
							Containers::<T>::get(sscc).is_some_and(|c| c.in_transfer == Some(id)),
						Goods::Quantity { quantity, .. } => *quantity > 0,
					};
					ensure!(marked, "goods of a transfer not marked as in it");
				}
			}
			for (to, id, ()) in IncomingTransfers::<T>::iter() {
				ensure!(
					Transfers::<T>::get(id).is_some_and(|t| t.to == to),
					"receiver index names a missing transfer"
				);
			}
			ensure!(
				OutgoingTransferCount::<T>::iter().count() == outgoing.len(),
				"sender counts disagree"
			);
			for (from, count) in outgoing {
				ensure!(OutgoingTransferCount::<T>::get(&from) == count, "sender count wrong");
				ensure!(count <= T::MaxPendingTransfersPerSender::get(), "too many transfers");
			}
			// Products count their lots; lots respect their quantity.
			for (gtin, product) in Products::<T>::iter() {
				ensure!(
					Lots::<T>::iter_prefix(gtin).count() as u32 == product.lots,
					"product lot count wrong"
				);
			}
			for (_, _, lot) in Lots::<T>::iter() {
				ensure!(lot.units_commissioned <= lot.quantity, "more units than the lot");
				if let Some(case) = lot.suspect_case {
					ensure!(Cases::<T>::contains_key(case), "lot in a missing case");
				}
			}
			ensure!(
				LotHoldings::<T>::iter().all(|(_, _, held)| held > 0),
				"empty holdings are removed"
			);
			// Logistic units: two levels, children point back at their parent.
			for (sscc, container) in Containers::<T>::iter() {
				for goods in container.contents.iter() {
					match goods {
						Goods::Unit { gtin, serial } => ensure!(
							Units::<T>::get(gtin, serial)
								.is_some_and(|u| u.placement == Some(Placement::Packed(sscc))),
							"packed unit does not point at its logistic unit"
						),
						Goods::Container(child) => {
							ensure!(
								matches!(container.placement, Placement::Held(_)),
								"logistic units nest two levels at most"
							);
							ensure!(
								Containers::<T>::get(child)
									.is_some_and(|c| c.placement == Placement::Packed(sscc)),
								"packed logistic unit does not point at its parent"
							);
						},
						Goods::Quantity { quantity, .. } =>
							ensure!(*quantity > 0, "empty quantity in a logistic unit"),
					}
				}
				if let Placement::Packed(parent) = container.placement {
					ensure!(
						Containers::<T>::get(parent)
							.is_some_and(|p| p.contents.contains(&Goods::Container(sscc))),
						"logistic unit packed in a parent that does not list it"
					);
				}
			}
			// Per-pack entries: exceptions have something exceptional; cases exist.
			for (_, _, unit) in Units::<T>::iter() {
				ensure!(
					unit.placement.is_some() ||
						unit.decommissioned.is_some() ||
						unit.suspect_case.is_some() ||
						unit.excursion.is_some(),
					"bare exception entry"
				);
				if let Some(case) = unit.suspect_case {
					ensure!(Cases::<T>::contains_key(case), "unit in a missing case");
				}
				if let Some(Placement::Packed(sscc)) = &unit.placement {
					ensure!(Containers::<T>::contains_key(sscc), "unit packed in a missing unit");
				}
			}
			for (id, case) in Cases::<T>::iter() {
				ensure!(id < NextCaseId::<T>::get(), "case id not yet issued");
				ensure!(!case.items.is_empty(), "empty case");
			}
			Ok(())
		}
	}
}
