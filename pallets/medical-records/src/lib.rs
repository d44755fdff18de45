//! # Medical records pallet
//!
//! Patients own pointers to their records. The record itself is encrypted by the client and kept
//! off-chain by a custodian (a data vault); the chain keeps only what lets everyone find and
//! check it, and its provenance ([`MedicalRecord`]): an opaque id (a counter), the patient, the
//! author, the custodian, a coarse category, a confidentiality label, the hash of the
//! ciphertext, its locator, the key epoch, the version and the version it replaces, its status
//! and the block it was created in. No health data and no free text reach the chain.
//!
//! ## Calls
//! - [`Pallet::register_record`]: by the patient, or by a registered provider that the consent
//!   decision ([`Config::Consent`]) permits to `Collect` that category for that patient.
//! - [`Pallet::amend_record`]: a new version; the old one becomes `Superseded`. By the patient, or
//!   a provider permitted to `Correct` the record.
//! - [`Pallet::mark_entered_in_error`]: by the author of the version.
//! - [`Pallet::rotate_key`]: new content hash and locator under a new key (key epoch + 1), e.g.
//!   after a consent was revoked. By the patient.
//! - [`Pallet::request_erasure`] (patient) and [`Pallet::confirm_erasure`] (custodian, after
//!   destroying the key and ciphertext off-chain): crypto-shredding. Hash and locator are
//!   cleared, the status becomes `Erased`, the deposit is refunded. Erasure is per version: a
//!   client erasing a record erases each of its versions (e.g. in one `utility.batch_all`).
//! - [`Pallet::propose_custodian`], [`Pallet::accept_custody`], [`Pallet::cancel_custody_transfer`]:
//!   two-step custody transfer, proposed by the custodian or the patient.
//!
//! ## Storage and deposits
//! Each version holds a deposit (`RecordDepositBase` + `DepositPerByte` per locator byte) from
//! whoever created it, released when it is erased. Each patient's records are indexed in a
//! double map with a count, bounded by `MaxRecordsPerPatient`.
//!
//! ## Example
//! ```ignore
//! // A patient anchors an encrypted FHIR bundle kept by a vault:
//! MedicalRecords::register_record(patient, patient_account, RecordCategory::Summary,
//!     Confidentiality::Normal, blake2_256(&ciphertext).into(), b"vault://r/8f3a".to_vec().try_into()?,
//!     vault_account)?;
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod population;
#[cfg(test)]
mod tests;
pub mod weights;

pub use medchain_primitives::{
	consent::{AccessTarget, ConsentDecider, RecordsInspect},
	health::{
		Action, Confidentiality, MedicalRecord, PurposeOfUse, RecordCategory, RecordId,
		RecordStatus,
	},
	roles::ParticipantsInspect,
};
pub use pallet::*;
pub use weights::WeightInfo;

/// What the benchmarks need from the runtime: a registered provider and a consent.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `who` as a practitioner.
	fn register_practitioner(who: &AccountId);
	/// Makes the consent decision permit `provider` to do `action` with `patient`'s data for
	/// treatment.
	fn permit(patient: &AccountId, provider: &AccountId, action: Action);
}

/// The balance type of the deposit currency.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// A record as stored by this pallet.
pub type RecordOf<T> = MedicalRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxLocatorLen,
>;

/// The locator of a record's ciphertext.
pub type LocatorOf<T> = sp_runtime::BoundedVec<u8, <T as Config>::MaxLocatorLen>;

type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	#[cfg(any(feature = "try-runtime", test))]
	use medchain_primitives::deposits::{self, RecordedDeposits};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::traits::{Saturating, StaticLookup, Zero};

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

		/// Who holds which role (providers may write with consent).
		type Participants: ParticipantsInspect<Self::AccountId>;

		/// The consent decision for writes and corrections by anyone but the patient.
		type Consent: ConsentDecider<Self::AccountId, BlockNumberFor<Self>>;

		/// Deposit held per record version.
		#[pallet::constant]
		type RecordDepositBase: Get<BalanceOf<Self>>;

		/// Additional deposit per byte of locator.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// Maximum length of a locator (URI or content id), in bytes.
		#[pallet::constant]
		type MaxLocatorLen: Get<u32>;

		/// Maximum number of record versions per patient.
		#[pallet::constant]
		type MaxRecordsPerPatient: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up a provider and a consent for the benchmarks of provider writes.
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
		/// The storage deposit of a record version.
		#[codec(index = 0)]
		RecordDeposit,
	}

	/// The id the next record gets.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	/// Every record version, by id.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordOf<T>>;

	/// Index of each patient's record versions.
	#[pallet::storage]
	pub type PatientRecords<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RecordId, (), OptionQuery>;

	/// Number of entries per patient in [`PatientRecords`].
	#[pallet::storage]
	pub type PatientRecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Custody transfers proposed and not yet accepted: record id to the proposed custodian.
	#[pallet::storage]
	pub type PendingCustody<T: Config> = StorageMap<_, Twox64Concat, RecordId, T::AccountId>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Synthetic records for measuring how costs grow with the state
		/// ([`medchain_primitives::population`]): `count` records of `owners` synthetic
		/// patients. Unset on every real chain.
		pub population: Option<medchain_primitives::population::Population>,
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
		/// A record was registered.
		RecordRegistered {
			id: RecordId,
			patient: T::AccountId,
			author: T::AccountId,
			custodian: T::AccountId,
			category: RecordCategory,
		},
		/// A record was amended: `new` replaces `old`.
		RecordAmended { old: RecordId, new: RecordId, version: u32, author: T::AccountId },
		/// The author marked a record version as entered in error.
		MarkedEnteredInError { id: RecordId },
		/// The record's content was re-encrypted under a new key.
		KeyRotated { id: RecordId, key_epoch: u32 },
		/// The patient asked for erasure; the custodian must destroy key and ciphertext.
		ErasureRequested { id: RecordId, custodian: T::AccountId },
		/// The custodian confirmed erasure; the deposit was refunded.
		RecordErased { id: RecordId },
		/// A custody transfer was proposed.
		CustodyTransferProposed { id: RecordId, from: T::AccountId, to: T::AccountId },
		/// The new custodian accepted.
		CustodyTransferred { id: RecordId, from: T::AccountId, to: T::AccountId },
		/// A proposed custody transfer was withdrawn.
		CustodyTransferCancelled { id: RecordId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No record has this id.
		RecordNotFound,
		/// The consent decision does not permit this caller to do this.
		NotPermitted,
		/// Only the record's patient may do this.
		NotPatient,
		/// Only the author of this version may do this.
		NotAuthor,
		/// Only the record's custodian may do this.
		NotCustodian,
		/// Only the current version can be changed this way.
		NotCurrent,
		/// The record is erased or its erasure is already requested.
		ErasureAlreadyRequested,
		/// Erasure has not been requested for this record.
		ErasureNotRequested,
		/// A locator must not be empty.
		EmptyLocator,
		/// The new content hash equals the current one.
		ContentUnchanged,
		/// The patient has `MaxRecordsPerPatient` record versions.
		TooManyRecords,
		/// No custody transfer is pending for this record.
		NoPendingTransfer,
		/// Only the proposed custodian may accept.
		NotProposedCustodian,
		/// The proposed custodian already holds the record.
		AlreadyCustodian,
		/// A counter would overflow.
		Overflow,
		/// The caller cannot pay the storage deposit.
		InsufficientDeposit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxLocatorLen::get() > 0, "MaxLocatorLen must allow a locator");
			assert!(T::MaxRecordsPerPatient::get() > 0, "MaxRecordsPerPatient must allow a record");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Anchor a new record of `patient`: the hash of its ciphertext and where the custodian
		/// keeps it. The caller pays the deposit.
		///
		/// Charged for the consent decision's worst case up front; the actual weight counts only
		/// the consents the decision examined (none when the patient registers their own).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_record().saturating_add(T::Consent::decide_weight()))]
		pub fn register_record(
			origin: OriginFor<T>,
			patient: AccountIdLookupOf<T>,
			category: RecordCategory,
			confidentiality: Confidentiality,
			content_hash: H256,
			locator: LocatorOf<T>,
			custodian: AccountIdLookupOf<T>,
		) -> DispatchResultWithPostInfo {
			let author = ensure_signed(origin)?;
			let patient = T::Lookup::lookup(patient)?;
			let custodian = T::Lookup::lookup(custodian)?;
			ensure!(!locator.is_empty(), Error::<T>::EmptyLocator);
			let decided = Self::ensure_permitted(
				&patient,
				&author,
				AccessTarget::Category { category, confidentiality },
				Action::Collect,
			)?;
			let id = Self::insert_record(
				&author,
				MedicalRecordDraft {
					patient: patient.clone(),
					custodian: custodian.clone(),
					category,
					confidentiality,
					content_hash,
					locator,
					version: 1,
					replaces: None,
				},
			)?;
			Self::deposit_event(Event::RecordRegistered {
				id,
				patient,
				author,
				custodian,
				category,
			});
			Ok(Some(T::WeightInfo::register_record().saturating_add(decided)).into())
		}

		/// Replace the current version of a record with a new one (new ciphertext, same patient,
		/// category and custodian). The old version becomes `Superseded`. Weighed as
		/// `register_record`: the decision's worst case, refunded down to what it examined.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::amend_record().saturating_add(T::Consent::decide_weight()))]
		pub fn amend_record(
			origin: OriginFor<T>,
			id: RecordId,
			confidentiality: Confidentiality,
			content_hash: H256,
			locator: LocatorOf<T>,
		) -> DispatchResultWithPostInfo {
			let author = ensure_signed(origin)?;
			ensure!(!locator.is_empty(), Error::<T>::EmptyLocator);
			let old = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(old.status == RecordStatus::Current, Error::<T>::NotCurrent);
			let decided = Self::ensure_permitted(
				&old.subject,
				&author,
				AccessTarget::Record {
					id,
					category: old.category,
					confidentiality: old.confidentiality,
					created: old.created,
				},
				Action::Correct,
			)?;
			let version = old.version.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let new = Self::insert_record(
				&author,
				MedicalRecordDraft {
					patient: old.subject.clone(),
					custodian: old.custodian.clone(),
					category: old.category,
					confidentiality,
					content_hash,
					locator,
					version,
					replaces: Some(id),
				},
			)?;
			Records::<T>::mutate(id, |record| {
				if let Some(record) = record {
					record.status = RecordStatus::Superseded;
				}
			});
			Self::deposit_event(Event::RecordAmended { old: id, new, version, author });
			Ok(Some(T::WeightInfo::amend_record().saturating_add(decided)).into())
		}

		/// Mark a version as entered in error. Only its author may.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::mark_entered_in_error())]
		pub fn mark_entered_in_error(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Records::<T>::try_mutate(id, |record| {
				let record = record.as_mut().ok_or(Error::<T>::RecordNotFound)?;
				ensure!(record.author == who, Error::<T>::NotAuthor);
				ensure!(record.status == RecordStatus::Current, Error::<T>::NotCurrent);
				record.status = RecordStatus::EnteredInError;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::MarkedEnteredInError { id });
			Ok(())
		}

		/// Point the record at its content re-encrypted under a new key (key epoch + 1), e.g.
		/// after revoking a consent whose grantee held the old key. Only the patient may.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::rotate_key())]
		pub fn rotate_key(
			origin: OriginFor<T>,
			id: RecordId,
			content_hash: H256,
			locator: LocatorOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!locator.is_empty(), Error::<T>::EmptyLocator);
			let key_epoch = Records::<T>::try_mutate(id, |record| {
				let record = record.as_mut().ok_or(Error::<T>::RecordNotFound)?;
				ensure!(record.subject == who, Error::<T>::NotPatient);
				ensure!(record.status == RecordStatus::Current, Error::<T>::NotCurrent);
				ensure!(record.content_hash != Some(content_hash), Error::<T>::ContentUnchanged);
				record.key_epoch = record.key_epoch.checked_add(1).ok_or(Error::<T>::Overflow)?;
				Self::adjust_deposit(record, locator.len())?;
				record.content_hash = Some(content_hash);
				record.locator = locator;
				Ok::<_, DispatchError>(record.key_epoch)
			})?;
			Self::deposit_event(Event::KeyRotated { id, key_epoch });
			Ok(())
		}

		/// Ask the custodian to destroy the record's key and ciphertext. Only the patient may.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::request_erasure())]
		pub fn request_erasure(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let custodian = Records::<T>::try_mutate(id, |record| {
				let record = record.as_mut().ok_or(Error::<T>::RecordNotFound)?;
				ensure!(record.subject == who, Error::<T>::NotPatient);
				ensure!(!record.status.is_erasure_requested(), Error::<T>::ErasureAlreadyRequested);
				record.status = RecordStatus::ErasurePending;
				Ok::<_, DispatchError>(record.custodian.clone())
			})?;
			// A pending custody transfer would hand over data that is being destroyed.
			PendingCustody::<T>::remove(id);
			Self::deposit_event(Event::ErasureRequested { id, custodian });
			Ok(())
		}

		/// Confirm that key and ciphertext are destroyed: the record becomes a tombstone (hash
		/// and locator cleared) and its deposit is refunded. Only the custodian may.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::confirm_erasure())]
		pub fn confirm_erasure(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Records::<T>::try_mutate(id, |record| {
				let record = record.as_mut().ok_or(Error::<T>::RecordNotFound)?;
				ensure!(record.custodian == who, Error::<T>::NotCustodian);
				ensure!(
					record.status == RecordStatus::ErasurePending,
					Error::<T>::ErasureNotRequested
				);
				Self::adjust_deposit_to(record, Zero::zero())?;
				record.status = RecordStatus::Erased;
				record.content_hash = None;
				record.locator = BoundedVec::new();
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::RecordErased { id });
			Ok(())
		}

		/// Propose `new_custodian` as the holder of the record's ciphertext. By the custodian or
		/// the patient; replaces an earlier proposal.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::propose_custodian())]
		pub fn propose_custodian(
			origin: OriginFor<T>,
			id: RecordId,
			new_custodian: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let to = T::Lookup::lookup(new_custodian)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(who == record.custodian || who == record.subject, Error::<T>::NotCustodian);
			ensure!(!record.status.is_erasure_requested(), Error::<T>::ErasureAlreadyRequested);
			ensure!(to != record.custodian, Error::<T>::AlreadyCustodian);
			PendingCustody::<T>::insert(id, &to);
			Self::deposit_event(Event::CustodyTransferProposed { id, from: record.custodian, to });
			Ok(())
		}

		/// Accept custody of a record proposed to the caller.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::accept_custody())]
		pub fn accept_custody(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let proposed = PendingCustody::<T>::get(id).ok_or(Error::<T>::NoPendingTransfer)?;
			ensure!(proposed == who, Error::<T>::NotProposedCustodian);
			let from = Records::<T>::try_mutate(id, |record| {
				let record = record.as_mut().ok_or(Error::<T>::RecordNotFound)?;
				Ok::<_, DispatchError>(core::mem::replace(&mut record.custodian, who.clone()))
			})?;
			PendingCustody::<T>::remove(id);
			Self::deposit_event(Event::CustodyTransferred { id, from, to: who });
			Ok(())
		}

		/// Withdraw a proposed custody transfer. By the custodian or the patient.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::cancel_custody_transfer())]
		pub fn cancel_custody_transfer(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(who == record.custodian || who == record.subject, Error::<T>::NotCustodian);
			ensure!(PendingCustody::<T>::take(id).is_some(), Error::<T>::NoPendingTransfer);
			Self::deposit_event(Event::CustodyTransferCancelled { id });
			Ok(())
		}
	}

	/// The parts of a new record version that differ between registration and amendment.
	pub(crate) struct MedicalRecordDraft<T: Config> {
		pub patient: T::AccountId,
		pub custodian: T::AccountId,
		pub category: RecordCategory,
		pub confidentiality: Confidentiality,
		pub content_hash: H256,
		pub locator: LocatorOf<T>,
		pub version: u32,
		pub replaces: Option<RecordId>,
	}

	impl<T: Config> Pallet<T> {
		/// The patient always may; anyone else must be a provider the consent decision permits.
		/// The weight the decision used (none for the patient), for the call's actual weight.
		fn ensure_permitted(
			patient: &T::AccountId,
			caller: &T::AccountId,
			target: AccessTarget<BlockNumberFor<T>>,
			action: Action,
		) -> Result<Weight, DispatchError> {
			if patient == caller {
				return Ok(Weight::zero());
			}
			ensure!(T::Participants::is_provider(caller), Error::<T>::NotPermitted);
			let (decision, weight) =
				T::Consent::decide_metered(patient, caller, target, action, PurposeOfUse::Treatment);
			ensure!(decision.is_permit(), Error::<T>::NotPermitted);
			Ok(weight)
		}

		/// The deposit for a version whose locator has `locator_len` bytes.
		pub fn deposit_for(locator_len: usize) -> BalanceOf<T> {
			let bytes = BalanceOf::<T>::from(u32::try_from(locator_len).unwrap_or(u32::MAX));
			T::RecordDepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes))
		}

		/// Store a new version, index it under its patient, and hold its deposit from `payer`.
		pub(crate) fn insert_record(
			payer: &T::AccountId,
			draft: MedicalRecordDraft<T>,
		) -> Result<RecordId, DispatchError> {
			let count = PatientRecordCount::<T>::get(&draft.patient);
			ensure!(count < T::MaxRecordsPerPatient::get(), Error::<T>::TooManyRecords);
			let id = NextRecordId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = Self::deposit_for(draft.locator.len());
			T::Currency::hold(&HoldReason::RecordDeposit.into(), payer, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;

			Records::<T>::insert(
				id,
				MedicalRecord {
					subject: draft.patient.clone(),
					author: payer.clone(),
					custodian: draft.custodian,
					category: draft.category,
					confidentiality: draft.confidentiality,
					content_hash: Some(draft.content_hash),
					locator: draft.locator,
					key_epoch: 0,
					version: draft.version,
					replaces: draft.replaces,
					status: RecordStatus::Current,
					created: frame_system::Pallet::<T>::block_number(),
					depositor: payer.clone(),
					deposit,
				},
			);
			PatientRecords::<T>::insert(&draft.patient, id, ());
			PatientRecordCount::<T>::insert(&draft.patient, count.saturating_add(1));
			NextRecordId::<T>::put(next);
			Ok(id)
		}

		/// Re-size the held deposit for a locator of `locator_len` bytes.
		fn adjust_deposit(record: &mut RecordOf<T>, locator_len: usize) -> DispatchResult {
			Self::adjust_deposit_to(record, Self::deposit_for(locator_len))
		}

		fn adjust_deposit_to(record: &mut RecordOf<T>, target: BalanceOf<T>) -> DispatchResult {
			let reason = HoldReason::RecordDeposit.into();
			if target > record.deposit {
				T::Currency::hold(&reason, &record.depositor, target.saturating_sub(record.deposit))
					.map_err(|_| Error::<T>::InsufficientDeposit)?;
			} else if target < record.deposit {
				T::Currency::release(
					&reason,
					&record.depositor,
					record.deposit.saturating_sub(target),
					Precision::BestEffort,
				)?;
			}
			record.deposit = target;
			Ok(())
		}

		/// A record by id (runtime API).
		pub fn record(id: RecordId) -> Option<RecordOf<T>> {
			Records::<T>::get(id)
		}

		/// Up to `limit` records of `patient`, in storage order, starting after the record `after`
		/// (the last id of the previous page); `None` starts at the beginning (runtime API).
		pub fn patient_records(
			patient: &T::AccountId,
			after: Option<RecordId>,
			limit: u32,
		) -> Vec<(RecordId, RecordOf<T>)> {
			let ids = match after {
				Some(after) => PatientRecords::<T>::iter_key_prefix_from(
					patient,
					PatientRecords::<T>::hashed_key_for(patient, after),
				),
				None => PatientRecords::<T>::iter_key_prefix(patient),
			};
			ids.filter_map(|id| Records::<T>::get(id).map(|record| (id, record)))
				.take(limit as usize)
				.collect()
		}

		/// The deposits the stored records name, by payer and hold reason.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn deposits_held() -> RecordedDeposits<T::AccountId, HoldReason, BalanceOf<T>> {
			let mut deposits = RecordedDeposits::new();
			for record in Records::<T>::iter_values() {
				deposits::record(&mut deposits, &record.depositor, HoldReason::RecordDeposit, record.deposit);
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
			let next = NextRecordId::<T>::get();
			let mut per_patient: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (id, record) in Records::<T>::iter() {
				ensure!(id < next, "record id not below NextRecordId");
				ensure!(
					PatientRecords::<T>::contains_key(&record.subject, id),
					"record missing from its patient's index"
				);
				let erased = record.status == RecordStatus::Erased;
				ensure!(
					erased == record.content_hash.is_none() && erased == record.locator.is_empty(),
					"only erased records lack a hash and locator"
				);
				ensure!(!erased || record.deposit.is_zero(), "erased record still holds a deposit");
				let count = per_patient.entry(record.subject.clone()).or_default();
				*count = count.saturating_add(1);
			}
			for (patient, count) in per_patient.iter() {
				ensure!(
					PatientRecordCount::<T>::get(patient) == *count,
					"PatientRecordCount out of sync"
				);
			}
			ensure!(
				PatientRecords::<T>::iter().count() == per_patient.values().map(|c| *c as usize).sum::<usize>(),
				"patient index lists records that do not exist"
			);
			for (id, _) in PendingCustody::<T>::iter() {
				ensure!(Records::<T>::contains_key(id), "pending custody for a missing record");
			}
			Ok(())
		}
	}

	impl<T: Config> RecordsInspect<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
		fn access_target(
			id: RecordId,
		) -> Option<(T::AccountId, AccessTarget<BlockNumberFor<T>>)> {
			Records::<T>::get(id).map(|record| {
				let target = AccessTarget::Record {
					id,
					category: record.category,
					confidentiality: record.confidentiality,
					created: record.created,
				};
				(record.subject, target)
			})
		}
	}
}
