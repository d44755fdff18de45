//! # Consent pallet
//!
//! Patients decide who may do what with their data, modelled on FHIR R5 `Consent`: a grantee
//! (an account, an organisation or a role), a decision (permit or deny), actions, purposes of
//! use, a data scope, a confidentiality ceiling, a validity period and the period of the data
//! covered, plus hashes of the signed consent document and of the regulatory basis. Nothing on
//! chain is free text or health data.
//!
//! ## The decision rule
//! One function, [`Pallet::decide_at`], answers every question: medical records asks it for
//! provider writes (through [`ConsentDecider`]), the runtime API asks it for off-chain
//! gatekeepers ([`Pallet::check_access`]), so both always agree:
//! 1. the patient always may;
//! 2. an active, matching deny consent wins;
//! 3. else an active, matching permit consent (within its confidentiality ceiling) permits;
//! 4. else, for emergency treatment, an active emergency access of the accessor permits if the
//!    patient's emergency policy allows it;
//! 5. else deny.
//!
//! The answer ([`AccessDecision`]) says why: which consent or emergency, or which rule denied.
//! A consent matches when it is active, its validity period contains the current block, its
//! grantee is the accessor (an account; an organisation's account while it is a registered
//! healthcare organisation; or anyone holding the role now), and its actions, purposes, scope and
//! data period cover the access. Expiry is lazy: every decision checks the period, and
//! `on_idle` removes expired consents within the block's spare weight. Revocation removes the
//! consent at once, so the next block already denies.
//!
//! ## Calls
//! - Consents, by the patient: [`Pallet::grant_consent`], [`Pallet::draft_consent`] and
//!   [`Pallet::activate_consent`], [`Pallet::revoke_consent`], [`Pallet::amend_consent`] (a new
//!   version replaces the old one), [`Pallet::mark_consent_entered_in_error`].
//! - Access requests: a registered provider or researcher calls [`Pallet::request_access`]; the
//!   patient [`Pallet::approve_request`]s (optionally narrowed: fewer actions, purposes or data, a
//!   lower ceiling, a shorter period), which creates a permit consent for the requester, or
//!   [`Pallet::deny_request`]s; the requester may [`Pallet::withdraw_request`]; unanswered
//!   requests lapse after `AccessRequestLifetime`.
//! - Break-glass: the patient sets an emergency policy ([`Pallet::set_emergency_policy`]: allow,
//!   deny, or only named delegates); an emergency responder calls
//!   [`Pallet::invoke_emergency_access`] with a coded reason; it lasts
//!   `EmergencyAccessDuration`, is rate-limited per provider, may be ended early
//!   ([`Pallet::end_emergency_access`]), and a privacy officer reviews it
//!   ([`Pallet::review_emergency_access`]); an unjustified finding is recorded against the
//!   provider in the participants registry.
//! - Access log: custodians and data servers [`Pallet::log_access`] each access as an entry of a
//!   per-patient hash chain (head and count on chain, see
//!   [`medchain_primitives::consent::audit_link`]), and may anchor Merkle roots of batches of
//!   their full audit events ([`Pallet::anchor_log_batch`], removable after `AnchorRetention`).
//!
//! ## Storage and deposits
//! Consents, requests, non-default emergency policies and anchors hold a deposit from whoever
//! created them, released when they are removed. Per-patient indexes are double maps with
//! counts, bounded by `MaxConsentsPerPatient`, `MaxPendingRequestsPerPatient` and
//! `MaxActiveEmergenciesPerPatient`. Ended consents are removed from storage: their history is in
//! the events and in the state of earlier blocks.

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
	consent::{
		AccessDecision, AccessLogEntry, AccessQuery, AccessTarget, AuditHead, ConsentDecider,
		ConsentDecision, ConsentId, ConsentStatus, DataScope, DenyReason, EmergencyId,
		EmergencyPolicy, EmergencyReason, Grantee, Period, PermitBasis, RecordsInspect,
		RequestId, ReviewVerdict,
	},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
	roles::{ParticipantsInspect, ParticipantsMutate, Role},
};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

type AccountIdLookupOf<T> =
	<<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;

/// What the benchmarks need from the runtime: participants with roles.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `who` in the participants registry with `roles`.
	fn register_participant(who: &AccountId, roles: &[Role]);
}

/// The actions an emergency access opens: reading, adding and using data for the emergency
/// treatment; never disclosing or correcting it.
pub const EMERGENCY_ACTIONS: [Action; 3] = [Action::Access, Action::Collect, Action::Use];

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
		},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use medchain_primitives::consent::audit_link;
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

		/// Who holds which role; where unjustified emergency accesses are recorded.
		type Participants: ParticipantsInspect<Self::AccountId>
			+ ParticipantsMutate<Self::AccountId>;

		/// The records the runtime API's decision looks up.
		type Records: RecordsInspect<Self::AccountId, BlockNumberFor<Self>>;

		/// Deposit held per consent (draft or active).
		#[pallet::constant]
		type ConsentDeposit: Get<BalanceOf<Self>>;

		/// Deposit held from the requester per pending access request. It should cover
		/// `ConsentDeposit`: on approval the requester holds the consent's deposit instead.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// Deposit held for a stored (non-default) emergency policy.
		#[pallet::constant]
		type PolicyDeposit: Get<BalanceOf<Self>>;

		/// Deposit held per anchored batch root.
		#[pallet::constant]
		type AnchorDeposit: Get<BalanceOf<Self>>;

		/// Maximum number of consents (draft or active) per patient. Bounds a decision's work.
		#[pallet::constant]
		type MaxConsentsPerPatient: Get<u32>;

		/// Maximum number of records a consent or request may list.
		#[pallet::constant]
		type MaxScopeRecords: Get<u32>;

		/// Maximum number of pending access requests per patient.
		#[pallet::constant]
		type MaxPendingRequestsPerPatient: Get<u32>;

		/// Blocks an access request waits for the patient's answer.
		#[pallet::constant]
		type AccessRequestLifetime: Get<BlockNumberFor<Self>>;

		/// Blocks an emergency access lasts.
		#[pallet::constant]
		type EmergencyAccessDuration: Get<BlockNumberFor<Self>>;

		/// Length of the window, in blocks, over which emergency accesses are rate-limited.
		#[pallet::constant]
		type EmergencyRateWindow: Get<BlockNumberFor<Self>>;

		/// Emergency accesses a provider may start per window.
		#[pallet::constant]
		type MaxEmergenciesPerWindow: Get<u32>;

		/// Maximum number of emergency accesses active at once for one patient.
		#[pallet::constant]
		type MaxActiveEmergenciesPerPatient: Get<u32>;

		/// Maximum number of delegates in an emergency policy.
		#[pallet::constant]
		type MaxEmergencyDelegates: Get<u32>;

		/// Maximum number of entries per `log_access` call.
		#[pallet::constant]
		type MaxLogBatch: Get<u32>;

		/// Blocks an anchored batch root is kept before its custodian may remove it (audit
		/// retention, e.g. six years under HIPAA).
		#[pallet::constant]
		type AnchorRetention: Get<BlockNumberFor<Self>>;

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
		/// The storage deposit of a consent.
		#[codec(index = 0)]
		ConsentDeposit,
		/// The storage deposit of a pending access request.
		#[codec(index = 1)]
		RequestDeposit,
		/// The storage deposit of an emergency policy.
		#[codec(index = 2)]
		PolicyDeposit,
		/// The storage deposit of an anchored audit batch root.
		#[codec(index = 3)]
		AnchorDeposit,
	}

	/// The id the next consent gets.
	#[pallet::storage]
	pub type NextConsentId<T: Config> = StorageValue<_, ConsentId, ValueQuery>;

	/// Draft and active consents, by id.
	#[pallet::storage]
	pub type Consents<T: Config> = StorageMap<_, Twox64Concat, ConsentId, ConsentOf<T>>;

	/// Index of each patient's consents.
	#[pallet::storage]
	pub type PatientConsents<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ConsentId,
		(),
		OptionQuery,
	>;

	/// Number of entries per patient in [`PatientConsents`].
	#[pallet::storage]
	pub type PatientConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The id the next access request gets.
	#[pallet::storage]
	pub type NextRequestId<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// Pending access requests, by id.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, AccessRequestOf<T>>;

	/// Index of the requests pending for each patient.
	#[pallet::storage]
	pub type PatientRequests<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		RequestId,
		(),
		OptionQuery,
	>;

	/// Number of entries per patient in [`PatientRequests`].
	#[pallet::storage]
	pub type PatientRequestCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Patients' emergency policies; a patient without an entry allows emergency access.
	#[pallet::storage]
	pub type EmergencyPolicies<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, StoredPolicy<T>>;

	/// The id the next emergency access gets.
	#[pallet::storage]
	pub type NextEmergencyId<T: Config> = StorageValue<_, EmergencyId, ValueQuery>;

	/// Emergency accesses that are active or still await review, by id.
	#[pallet::storage]
	pub type Emergencies<T: Config> = StorageMap<_, Twox64Concat, EmergencyId, EmergencyAccessOf<T>>;

	/// Index of each patient's emergency accesses that have not ended yet (or have ended but
	/// were not tidied yet).
	#[pallet::storage]
	pub type ActiveEmergencies<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		EmergencyId,
		(),
		OptionQuery,
	>;

	/// Number of entries per patient in [`ActiveEmergencies`].
	#[pallet::storage]
	pub type ActiveEmergencyCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Emergency accesses each provider started in its current rate window.
	#[pallet::storage]
	pub type EmergencyRates<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RateWindow<BlockNumberFor<T>>, ValueQuery>;

	/// Head of each patient's access-log hash chain.
	#[pallet::storage]
	pub type AuditHeads<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AuditHead<BlockNumberFor<T>>, ValueQuery>;

	/// Batch roots anchored by each custodian, by sequence number.
	#[pallet::storage]
	pub type AuditAnchors<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u64,
		AuditAnchorOf<T>,
		OptionQuery,
	>;

	/// The sequence number of each custodian's next anchor.
	#[pallet::storage]
	pub type NextAnchor<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, ValueQuery>;

	/// Where `on_idle` continues tidying expired entries.
	#[pallet::storage]
	pub type Cursors<T: Config> = StorageValue<_, TidyCursors, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Synthetic consents for measuring how costs grow with the state
		/// ([`medchain_primitives::population`]): `count` consents of `owners` synthetic
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
		/// A consent was created, active or as a draft.
		ConsentGranted {
			id: ConsentId,
			patient: T::AccountId,
			grantee: Grantee<T::AccountId>,
			decision: ConsentDecision,
			status: ConsentStatus,
		},
		/// A draft consent came into force.
		ConsentActivated { id: ConsentId, patient: T::AccountId },
		/// The patient revoked a consent: `Inactive` if it was active, `NotDone` if a draft.
		ConsentRevoked { id: ConsentId, patient: T::AccountId, status: ConsentStatus },
		/// A new version replaced a consent; the old one is inactive.
		ConsentAmended { old: ConsentId, new: ConsentId, patient: T::AccountId, version: u32 },
		/// The patient marked a consent as entered in error.
		ConsentEnteredInError { id: ConsentId, patient: T::AccountId },
		/// A consent's validity period ended; it was removed.
		ConsentExpired { id: ConsentId, patient: T::AccountId },
		/// A provider or researcher asked for access.
		AccessRequested {
			id: RequestId,
			patient: T::AccountId,
			requester: T::AccountId,
			expires_at: BlockNumberFor<T>,
		},
		/// The patient approved a request; `consent` is the permit created for the requester.
		RequestApproved { id: RequestId, consent: ConsentId, narrowed: bool },
		/// The patient denied a request.
		RequestDenied { id: RequestId, requester: T::AccountId },
		/// The requester withdrew a request.
		RequestWithdrawn { id: RequestId },
		/// A request lapsed unanswered.
		RequestExpired { id: RequestId, requester: T::AccountId },
		/// A patient set their emergency policy.
		EmergencyPolicySet { patient: T::AccountId, policy: EmergencyPolicyOf<T> },
		/// An emergency responder broke the glass for a patient.
		EmergencyAccessStarted {
			id: EmergencyId,
			patient: T::AccountId,
			provider: T::AccountId,
			reason: EmergencyReason,
			expires_at: BlockNumberFor<T>,
		},
		/// The provider ended an emergency access early.
		EmergencyAccessEnded { id: EmergencyId, patient: T::AccountId },
		/// An emergency access reached its end.
		EmergencyAccessExpired { id: EmergencyId, patient: T::AccountId },
		/// A privacy officer reviewed an emergency access.
		EmergencyAccessReviewed {
			id: EmergencyId,
			patient: T::AccountId,
			provider: T::AccountId,
			reviewer: T::AccountId,
			verdict: ReviewVerdict,
			finding_hash: Option<H256>,
		},
		/// An access was appended to a patient's access log; `head` is the chain's new head.
		AccessLogged {
			patient: T::AccountId,
			logger: T::AccountId,
			index: u64,
			entry: AccessLogEntryOf<T>,
			head: H256,
		},
		/// A custodian anchored the Merkle root of a batch of audit events.
		LogBatchAnchored { custodian: T::AccountId, seq: u64, root: H256, leaves: u32 },
		/// A custodian removed an anchor past its retention.
		AnchorRemoved { custodian: T::AccountId, seq: u64 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No draft or active consent has this id.
		ConsentNotFound,
		/// Only the patient may do this.
		NotPatient,
		/// The consent's grantee is the patient: the patient needs no consent.
		GranteeIsPatient,
		/// A consent or request must name at least one action.
		EmptyActions,
		/// A consent or request must name at least one purpose of use.
		EmptyPurposes,
		/// A listed scope (records or categories) must not be empty.
		EmptyScope,
		/// A period must end after it starts.
		InvalidPeriod,
		/// The validity period has already ended.
		PeriodEnded,
		/// The patient has `MaxConsentsPerPatient` consents.
		TooManyConsents,
		/// Only a draft can be activated.
		NotDraft,
		/// The caller cannot pay the storage deposit.
		InsufficientDeposit,
		/// A counter would overflow.
		Overflow,
		/// No pending request has this id.
		RequestNotFound,
		/// Only registered providers and researchers may request access.
		NotAuthorizedRequester,
		/// A patient needs no access to their own data.
		RequestForSelf,
		/// The patient has `MaxPendingRequestsPerPatient` pending requests.
		TooManyRequests,
		/// The request has lapsed.
		RequestExpired,
		/// Only the requester may withdraw a request.
		NotRequester,
		/// An approval may only narrow what was requested.
		NotANarrowing,
		/// An `OnlyDelegates` policy must name at least one delegate.
		EmptyDelegates,
		/// Only a registered emergency responder may break the glass.
		NotEmergencyResponder,
		/// The patient's emergency policy does not allow this provider.
		EmergencyRefusedByPolicy,
		/// Nobody breaks the glass for themselves.
		EmergencyForSelf,
		/// The provider started `MaxEmergenciesPerWindow` emergency accesses in this window.
		RateLimited,
		/// The patient has `MaxActiveEmergenciesPerPatient` active emergency accesses.
		TooManyActiveEmergencies,
		/// No emergency access with this id is active or awaiting review.
		EmergencyNotFound,
		/// The emergency access has already ended.
		EmergencyNotActive,
		/// Only the provider who started it may end it.
		NotEmergencyProvider,
		/// Only a registered privacy officer may review emergency accesses.
		NotPrivacyOfficer,
		/// Nobody reviews their own emergency access.
		SelfReview,
		/// The emergency access has already been reviewed.
		AlreadyReviewed,
		/// Only registered providers (the custodians and data servers) may log accesses.
		NotLogger,
		/// A batch must hold at least one entry.
		EmptyBatch,
		/// The caller has no anchor with this sequence number.
		AnchorNotFound,
		/// The anchor is still within `AnchorRetention`.
		AnchorRetained,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let mut meter = WeightMeter::with_limit(remaining);
			if meter.try_consume(T::DbWeight::get().reads_writes(1, 1)).is_err() {
				return Weight::zero();
			}
			let mut cursors = Cursors::<T>::get();
			cursors.consents = Self::tidy_consents(cursors.consents, now, &mut meter);
			cursors.requests = Self::tidy_requests(cursors.requests, now, &mut meter);
			cursors.emergencies = Self::tidy_emergencies(cursors.emergencies, now, &mut meter);
			Cursors::<T>::put(cursors);
			meter.consumed()
		}

		fn integrity_test() {
			assert!(T::MaxConsentsPerPatient::get() > 0, "MaxConsentsPerPatient must allow one");
			assert!(T::MaxScopeRecords::get() > 0, "MaxScopeRecords must allow a record");
			assert!(T::MaxPendingRequestsPerPatient::get() > 0, "requests must be possible");
			assert!(!T::AccessRequestLifetime::get().is_zero(), "requests must live a block");
			assert!(!T::EmergencyAccessDuration::get().is_zero(), "emergencies must last");
			assert!(!T::EmergencyRateWindow::get().is_zero(), "the rate window must be a block");
			assert!(T::MaxEmergenciesPerWindow::get() > 0, "emergencies must be possible");
			assert!(T::MaxActiveEmergenciesPerPatient::get() > 0, "emergencies must be possible");
			assert!(T::MaxEmergencyDelegates::get() > 0, "a policy must name a delegate");
			assert!(T::MaxLogBatch::get() > 0, "a log batch must hold an entry");
			assert!(
				T::RequestDeposit::get() >= T::ConsentDeposit::get(),
				"a request's deposit must cover the consent it becomes"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Grant a consent over the caller's own data, in force at once (within its period).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant_consent())]
		pub fn grant_consent(origin: OriginFor<T>, terms: ConsentTermsOf<T>) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			Self::create_consent(patient, terms, ConsentStatus::Active)
		}

		/// Prepare a consent over the caller's own data without putting it in force.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::draft_consent())]
		pub fn draft_consent(origin: OriginFor<T>, terms: ConsentTermsOf<T>) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			Self::create_consent(patient, terms, ConsentStatus::Draft)
		}

		/// Put a draft consent in force.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::activate_consent())]
		pub fn activate_consent(origin: OriginFor<T>, id: ConsentId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let now = Self::now();
			Consents::<T>::try_mutate(id, |consent| {
				let consent = consent.as_mut().ok_or(Error::<T>::ConsentNotFound)?;
				ensure!(consent.patient == patient, Error::<T>::NotPatient);
				ensure!(consent.status == ConsentStatus::Draft, Error::<T>::NotDraft);
				ensure!(Self::not_ended(&consent.terms.valid, now), Error::<T>::PeriodEnded);
				consent.status = ConsentStatus::Active;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::ConsentActivated { id, patient });
			Ok(())
		}

		/// Revoke a consent: it no longer counts from the next block on. The deposit is
		/// released.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::revoke_consent())]
		pub fn revoke_consent(origin: OriginFor<T>, id: ConsentId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let consent = Self::patients_consent(id, &patient)?;
			let status = match consent.status {
				ConsentStatus::Draft => ConsentStatus::NotDone,
				_ => ConsentStatus::Inactive,
			};
			Self::remove_consent(id, &consent);
			Self::deposit_event(Event::ConsentRevoked { id, patient, status });
			Ok(())
		}

		/// Replace a consent with a new version (same status, version + 1); the old one becomes
		/// inactive and its deposit is released.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::amend_consent())]
		pub fn amend_consent(
			origin: OriginFor<T>,
			id: ConsentId,
			terms: ConsentTermsOf<T>,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let old = Self::patients_consent(id, &patient)?;
			let terms = Self::checked_terms(&patient, terms)?;
			let version = old.version.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Self::remove_consent(id, &old);
			let new = Self::insert_consent(ConsentOf::<T> {
				patient: patient.clone(),
				terms,
				status: old.status,
				version,
				replaces: Some(id),
				request: None,
				created: Self::now(),
				depositor: patient.clone(),
				deposit: Zero::zero(),
			})?;
			Self::deposit_event(Event::ConsentAmended { old: id, new, patient, version });
			Ok(())
		}

		/// Mark a consent as recorded by mistake; it is removed.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::mark_consent_entered_in_error())]
		pub fn mark_consent_entered_in_error(origin: OriginFor<T>, id: ConsentId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let consent = Self::patients_consent(id, &patient)?;
			Self::remove_consent(id, &consent);
			Self::deposit_event(Event::ConsentEnteredInError { id, patient });
			Ok(())
		}

		/// Ask `patient` for access. Only registered providers and researchers may; the
		/// justification stays off-chain, only its hash is given. Holds `RequestDeposit`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::request_access())]
		pub fn request_access(
			origin: OriginFor<T>,
			patient: AccountIdLookupOf<T>,
			access: RequestedAccessOf<T>,
			justification_hash: H256,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			let patient = T::Lookup::lookup(patient)?;
			ensure!(requester != patient, Error::<T>::RequestForSelf);
			ensure!(
				T::Participants::is_provider(&requester) ||
					T::Participants::has_role(&requester, Role::Researcher),
				Error::<T>::NotAuthorizedRequester
			);
			let access = Self::checked_access(access)?;
			let count = PatientRequestCount::<T>::get(&patient);
			ensure!(count < T::MaxPendingRequestsPerPatient::get(), Error::<T>::TooManyRequests);
			let id = NextRequestId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let now = Self::now();
			let expires_at = now.saturating_add(T::AccessRequestLifetime::get());
			let deposit = T::RequestDeposit::get();
			T::Currency::hold(&HoldReason::RequestDeposit.into(), &requester, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			Requests::<T>::insert(
				id,
				AccessRequestOf::<T> {
					requester: requester.clone(),
					patient: patient.clone(),
					access,
					justification_hash,
					created: now,
					expires_at,
					deposit,
				},
			);
			PatientRequests::<T>::insert(&patient, id, ());
			PatientRequestCount::<T>::insert(&patient, count.saturating_add(1));
			NextRequestId::<T>::put(next);
			Self::deposit_event(Event::AccessRequested { id, patient, requester, expires_at });
			Ok(())
		}

		/// Approve a pending request: a permit consent for the requester is created, with what
		/// was requested or with `narrowed`, which may only ask for less. The requester's
		/// deposit now pays for the consent.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::approve_request())]
		pub fn approve_request(
			origin: OriginFor<T>,
			id: RequestId,
			narrowed: Option<RequestedAccessOf<T>>,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let request = Self::patients_request(id, &patient)?;
			ensure!(Self::now() < request.expires_at, Error::<T>::RequestExpired);
			let was_narrowed = narrowed.is_some();
			let access = match narrowed {
				Some(narrowed) => {
					let narrowed = Self::checked_access(narrowed)?;
					ensure!(narrowed.is_within(&request.access), Error::<T>::NotANarrowing);
					narrowed
				},
				None => request.access.clone(),
			};
			Self::remove_request(id, &request);
			let consent = Self::insert_consent(ConsentOf::<T> {
				patient: patient.clone(),
				terms: ConsentTermsOf::<T> {
					grantee: Grantee::Account(request.requester.clone()),
					decision: ConsentDecision::Permit,
					actions: access.actions,
					purposes: access.purposes,
					scope: access.scope,
					ceiling: access.ceiling,
					valid: access.valid,
					data_period: None,
					document_hash: None,
					basis_hash: None,
				},
				status: ConsentStatus::Active,
				version: 1,
				replaces: None,
				request: Some(id),
				created: Self::now(),
				depositor: request.requester.clone(),
				deposit: Zero::zero(),
			})?;
			Self::deposit_event(Event::ConsentGranted {
				id: consent,
				patient,
				grantee: Grantee::Account(request.requester),
				decision: ConsentDecision::Permit,
				status: ConsentStatus::Active,
			});
			Self::deposit_event(Event::RequestApproved { id, consent, narrowed: was_narrowed });
			Ok(())
		}

		/// Deny a pending request; the requester's deposit is released.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deny_request())]
		pub fn deny_request(origin: OriginFor<T>, id: RequestId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let request = Self::patients_request(id, &patient)?;
			Self::remove_request(id, &request);
			Self::deposit_event(Event::RequestDenied { id, requester: request.requester });
			Ok(())
		}

		/// Withdraw one's own pending request; the deposit is released.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::withdraw_request())]
		pub fn withdraw_request(origin: OriginFor<T>, id: RequestId) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			let request = Requests::<T>::get(id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(request.requester == requester, Error::<T>::NotRequester);
			Self::remove_request(id, &request);
			Self::deposit_event(Event::RequestWithdrawn { id });
			Ok(())
		}

		/// Set the caller's emergency policy. `Allow` (the default) removes the stored policy
		/// and releases its deposit; `Deny` and `OnlyDelegates` hold `PolicyDeposit`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_emergency_policy())]
		pub fn set_emergency_policy(
			origin: OriginFor<T>,
			policy: EmergencyPolicyOf<T>,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let policy = match policy {
				EmergencyPolicy::OnlyDelegates(delegates) => {
					let delegates = normalized(delegates);
					ensure!(!delegates.is_empty(), Error::<T>::EmptyDelegates);
					EmergencyPolicy::OnlyDelegates(delegates)
				},
				other => other,
			};
			let reason = HoldReason::PolicyDeposit.into();
			let stored = EmergencyPolicies::<T>::take(&patient);
			if policy == EmergencyPolicy::Allow {
				if let Some(stored) = stored {
					T::Currency::release(&reason, &patient, stored.deposit, Precision::BestEffort)?;
				}
			} else {
				let deposit = match stored {
					Some(stored) => stored.deposit,
					None => {
						let deposit = T::PolicyDeposit::get();
						T::Currency::hold(&reason, &patient, deposit)
							.map_err(|_| Error::<T>::InsufficientDeposit)?;
						deposit
					},
				};
				EmergencyPolicies::<T>::insert(
					&patient,
					StoredPolicy::<T> { policy: policy.clone(), deposit },
				);
			}
			Self::deposit_event(Event::EmergencyPolicySet { patient, policy });
			Ok(())
		}

		/// Break the glass: a registered emergency responder gains emergency-treatment access to
		/// `patient`'s data for `EmergencyAccessDuration` blocks, if the patient's policy allows
		/// it. The patient sees the event; a privacy officer reviews it afterwards.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::invoke_emergency_access())]
		pub fn invoke_emergency_access(
			origin: OriginFor<T>,
			patient: AccountIdLookupOf<T>,
			reason: EmergencyReason,
			justification_hash: Option<H256>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let patient = T::Lookup::lookup(patient)?;
			ensure!(provider != patient, Error::<T>::EmergencyForSelf);
			ensure!(
				T::Participants::has_role(&provider, Role::EmergencyResponder),
				Error::<T>::NotEmergencyResponder
			);
			ensure!(
				Self::emergency_policy(&patient).allows(&provider),
				Error::<T>::EmergencyRefusedByPolicy
			);
			let now = Self::now();
			EmergencyRates::<T>::try_mutate(&provider, |rate| {
				// A provider's first window starts at their first emergency access.
				if rate.count == 0 || now >= rate.start.saturating_add(T::EmergencyRateWindow::get())
				{
					*rate = RateWindow { start: now, count: 0 };
				}
				ensure!(rate.count < T::MaxEmergenciesPerWindow::get(), Error::<T>::RateLimited);
				rate.count = rate.count.saturating_add(1);
				Ok::<_, DispatchError>(())
			})?;
			// Ended accesses not tidied yet must not keep a patient from emergency care.
			Self::prune_ended_emergencies(&patient, now);
			let count = ActiveEmergencyCount::<T>::get(&patient);
			ensure!(
				count < T::MaxActiveEmergenciesPerPatient::get(),
				Error::<T>::TooManyActiveEmergencies
			);
			let id = NextEmergencyId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let expires_at = now.saturating_add(T::EmergencyAccessDuration::get());
			Emergencies::<T>::insert(
				id,
				EmergencyAccessOf::<T> {
					patient: patient.clone(),
					provider: provider.clone(),
					reason,
					justification_hash,
					started: now,
					expires_at,
					review: None,
				},
			);
			ActiveEmergencies::<T>::insert(&patient, id, ());
			ActiveEmergencyCount::<T>::insert(&patient, count.saturating_add(1));
			NextEmergencyId::<T>::put(next);
			Self::deposit_event(Event::EmergencyAccessStarted {
				id,
				patient,
				provider,
				reason,
				expires_at,
			});
			Ok(())
		}

		/// End one's own emergency access before it expires.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::end_emergency_access())]
		pub fn end_emergency_access(origin: OriginFor<T>, id: EmergencyId) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let mut emergency = Emergencies::<T>::get(id).ok_or(Error::<T>::EmergencyNotFound)?;
			ensure!(emergency.provider == provider, Error::<T>::NotEmergencyProvider);
			let now = Self::now();
			ensure!(now < emergency.expires_at, Error::<T>::EmergencyNotActive);
			emergency.expires_at = now;
			Self::store_ended_emergency(id, emergency.clone());
			Self::deposit_event(Event::EmergencyAccessEnded { id, patient: emergency.patient });
			Ok(())
		}

		/// Review an emergency access. A privacy officer finds it justified or unjustified; an
		/// unjustified one ends at once and is recorded against the provider in the
		/// participants registry. `finding_hash` refers to the off-chain report.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::review_emergency_access())]
		pub fn review_emergency_access(
			origin: OriginFor<T>,
			id: EmergencyId,
			verdict: ReviewVerdict,
			finding_hash: Option<H256>,
		) -> DispatchResult {
			let reviewer = ensure_signed(origin)?;
			ensure!(
				T::Participants::has_role(&reviewer, Role::PrivacyOfficer),
				Error::<T>::NotPrivacyOfficer
			);
			let mut emergency = Emergencies::<T>::get(id).ok_or(Error::<T>::EmergencyNotFound)?;
			ensure!(emergency.provider != reviewer, Error::<T>::SelfReview);
			ensure!(emergency.review.is_none(), Error::<T>::AlreadyReviewed);
			let now = Self::now();
			if verdict == ReviewVerdict::Unjustified {
				T::Participants::record_unjustified_emergency(&emergency.provider)?;
				emergency.expires_at = emergency.expires_at.min(now);
			}
			emergency.review = Some((verdict, reviewer.clone()));
			if now < emergency.expires_at {
				Emergencies::<T>::insert(id, emergency.clone());
			} else {
				Self::store_ended_emergency(id, emergency.clone());
			}
			Self::deposit_event(Event::EmergencyAccessReviewed {
				id,
				patient: emergency.patient,
				provider: emergency.provider,
				reviewer,
				verdict,
				finding_hash,
			});
			Ok(())
		}

		/// Append accesses to `patient`'s access log, in order. Each entry extends the hash
		/// chain whose head the chain keeps; the full audit events stay with the caller.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::log_access(entries.len() as u32))]
		pub fn log_access(
			origin: OriginFor<T>,
			patient: AccountIdLookupOf<T>,
			entries: AccessLogBatchOf<T>,
		) -> DispatchResult {
			let logger = ensure_signed(origin)?;
			let patient = T::Lookup::lookup(patient)?;
			ensure!(T::Participants::is_provider(&logger), Error::<T>::NotLogger);
			ensure!(!entries.is_empty(), Error::<T>::EmptyBatch);
			let now = Self::now();
			let mut head = AuditHeads::<T>::get(&patient);
			for entry in entries {
				let index = head.count;
				head.head = audit_link(&head.head, index, &logger, &entry);
				head.count = index.checked_add(1).ok_or(Error::<T>::Overflow)?;
				Self::deposit_event(Event::AccessLogged {
					patient: patient.clone(),
					logger: logger.clone(),
					index,
					entry,
					head: head.head,
				});
			}
			head.updated = now;
			AuditHeads::<T>::insert(&patient, head);
			Ok(())
		}

		/// Anchor the Merkle root of a batch of `leaves` off-chain audit events. Holds
		/// `AnchorDeposit` until the anchor is removed.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::anchor_log_batch())]
		pub fn anchor_log_batch(origin: OriginFor<T>, root: H256, leaves: u32) -> DispatchResult {
			let custodian = ensure_signed(origin)?;
			ensure!(T::Participants::is_provider(&custodian), Error::<T>::NotLogger);
			ensure!(leaves > 0, Error::<T>::EmptyBatch);
			let seq = NextAnchor::<T>::get(&custodian);
			let next = seq.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = T::AnchorDeposit::get();
			T::Currency::hold(&HoldReason::AnchorDeposit.into(), &custodian, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			AuditAnchors::<T>::insert(
				&custodian,
				seq,
				AuditAnchorOf::<T> { root, leaves, anchored: Self::now(), deposit },
			);
			NextAnchor::<T>::insert(&custodian, next);
			Self::deposit_event(Event::LogBatchAnchored { custodian, seq, root, leaves });
			Ok(())
		}

		/// Remove one's own anchor once `AnchorRetention` has passed; the deposit is released.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::remove_anchor())]
		pub fn remove_anchor(origin: OriginFor<T>, seq: u64) -> DispatchResult {
			let custodian = ensure_signed(origin)?;
			let anchor =
				AuditAnchors::<T>::get(&custodian, seq).ok_or(Error::<T>::AnchorNotFound)?;
			ensure!(
				Self::now() >= anchor.anchored.saturating_add(T::AnchorRetention::get()),
				Error::<T>::AnchorRetained
			);
			T::Currency::release(
				&HoldReason::AnchorDeposit.into(),
				&custodian,
				anchor.deposit,
				Precision::BestEffort,
			)?;
			AuditAnchors::<T>::remove(&custodian, seq);
			Self::deposit_event(Event::AnchorRemoved { custodian, seq });
			Ok(())
		}
	}

	/// Sorts a set and drops duplicates, so that membership is a binary search.
	fn normalized<V: Ord, S: Get<u32>>(set: BoundedVec<V, S>) -> BoundedVec<V, S> {
		let mut items = set.into_inner();
		items.sort();
		items.dedup();
		BoundedVec::truncate_from(items)
	}

	/// Lowers a per-patient count by one, removing the entry when it reaches zero.
	fn decrement<T: Config, Count: frame_support::storage::StorageMap<T::AccountId, u32>>(
		who: &T::AccountId,
	) {
		Count::mutate_exists(who, |count| {
			*count = count.and_then(|c| c.checked_sub(1)).filter(|c| *c > 0);
		});
	}

	impl<T: Config> Pallet<T> {
		fn now() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
		}

		fn not_ended(period: &Period<BlockNumberFor<T>>, now: BlockNumberFor<T>) -> bool {
			period.end.map_or(true, |end| now < end)
		}

		/// The scope, normalised and checked.
		fn checked_scope(scope: DataScopeOf<T>) -> Result<DataScopeOf<T>, DispatchError> {
			let scope = match scope {
				DataScope::All => DataScope::All,
				DataScope::Records(ids) => DataScope::Records(normalized(ids)),
				DataScope::Categories(categories) => DataScope::Categories(normalized(categories)),
			};
			let empty = match &scope {
				DataScope::All => false,
				DataScope::Records(ids) => ids.is_empty(),
				DataScope::Categories(categories) => categories.is_empty(),
			};
			ensure!(!empty, Error::<T>::EmptyScope);
			Ok(scope)
		}

		/// What a request asks for (or an approval narrows to), normalised and checked.
		fn checked_access(
			access: RequestedAccessOf<T>,
		) -> Result<RequestedAccessOf<T>, DispatchError> {
			let actions = normalized(access.actions);
			ensure!(!actions.is_empty(), Error::<T>::EmptyActions);
			let purposes = normalized(access.purposes);
			ensure!(!purposes.is_empty(), Error::<T>::EmptyPurposes);
			let scope = Self::checked_scope(access.scope)?;
			ensure!(access.valid.is_valid(), Error::<T>::InvalidPeriod);
			ensure!(Self::not_ended(&access.valid, Self::now()), Error::<T>::PeriodEnded);
			Ok(RequestedAccessOf::<T> { actions, purposes, scope, ceiling: access.ceiling, valid: access.valid })
		}

		/// A consent's terms, normalised and checked.
		pub(crate) fn checked_terms(
			patient: &T::AccountId,
			terms: ConsentTermsOf<T>,
		) -> Result<ConsentTermsOf<T>, DispatchError> {
			if let Grantee::Account(who) | Grantee::Organization(who) = &terms.grantee {
				ensure!(who != patient, Error::<T>::GranteeIsPatient);
			}
			let access = Self::checked_access(RequestedAccessOf::<T> {
				actions: terms.actions,
				purposes: terms.purposes,
				scope: terms.scope,
				ceiling: terms.ceiling,
				valid: terms.valid,
			})?;
			if let Some(data_period) = &terms.data_period {
				ensure!(data_period.is_valid(), Error::<T>::InvalidPeriod);
			}
			Ok(ConsentTermsOf::<T> {
				actions: access.actions,
				purposes: access.purposes,
				scope: access.scope,
				..terms
			})
		}

		fn create_consent(
			patient: T::AccountId,
			terms: ConsentTermsOf<T>,
			status: ConsentStatus,
		) -> DispatchResult {
			let terms = Self::checked_terms(&patient, terms)?;
			let (grantee, decision) = (terms.grantee.clone(), terms.decision);
			let id = Self::insert_consent(ConsentOf::<T> {
				patient: patient.clone(),
				terms,
				status,
				version: 1,
				replaces: None,
				request: None,
				created: Self::now(),
				depositor: patient.clone(),
				deposit: Zero::zero(),
			})?;
			Self::deposit_event(Event::ConsentGranted { id, patient, grantee, decision, status });
			Ok(())
		}

		/// Stores a consent, indexes it under its patient and holds `ConsentDeposit` from its
		/// depositor.
		pub(crate) fn insert_consent(mut consent: ConsentOf<T>) -> Result<ConsentId, DispatchError> {
			let count = PatientConsentCount::<T>::get(&consent.patient);
			ensure!(count < T::MaxConsentsPerPatient::get(), Error::<T>::TooManyConsents);
			let id = NextConsentId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			consent.deposit = T::ConsentDeposit::get();
			T::Currency::hold(&HoldReason::ConsentDeposit.into(), &consent.depositor, consent.deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			PatientConsents::<T>::insert(&consent.patient, id, ());
			PatientConsentCount::<T>::insert(&consent.patient, count.saturating_add(1));
			Consents::<T>::insert(id, consent);
			NextConsentId::<T>::put(next);
			Ok(id)
		}

		/// Removes a consent from storage and its patient's index and releases its deposit.
		fn remove_consent(id: ConsentId, consent: &ConsentOf<T>) {
			// Release never fails with `BestEffort`: at most what is held is released.
			let _ = T::Currency::release(
				&HoldReason::ConsentDeposit.into(),
				&consent.depositor,
				consent.deposit,
				Precision::BestEffort,
			);
			Consents::<T>::remove(id);
			PatientConsents::<T>::remove(&consent.patient, id);
			decrement::<T, PatientConsentCount<T>>(&consent.patient);
		}

		fn patients_consent(
			id: ConsentId,
			patient: &T::AccountId,
		) -> Result<ConsentOf<T>, DispatchError> {
			let consent = Consents::<T>::get(id).ok_or(Error::<T>::ConsentNotFound)?;
			ensure!(&consent.patient == patient, Error::<T>::NotPatient);
			Ok(consent)
		}

		fn patients_request(
			id: RequestId,
			patient: &T::AccountId,
		) -> Result<AccessRequestOf<T>, DispatchError> {
			let request = Requests::<T>::get(id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(&request.patient == patient, Error::<T>::NotPatient);
			Ok(request)
		}

		/// Removes a request from storage and its patient's index and releases its deposit.
		fn remove_request(id: RequestId, request: &AccessRequestOf<T>) {
			let _ = T::Currency::release(
				&HoldReason::RequestDeposit.into(),
				&request.requester,
				request.deposit,
				Precision::BestEffort,
			);
			Requests::<T>::remove(id);
			PatientRequests::<T>::remove(&request.patient, id);
			decrement::<T, PatientRequestCount<T>>(&request.patient);
		}

		/// The patient's emergency policy (`Allow` when none is stored).
		pub fn emergency_policy(patient: &T::AccountId) -> EmergencyPolicyOf<T> {
			EmergencyPolicies::<T>::get(patient).map_or(EmergencyPolicy::Allow, |s| s.policy)
		}

		/// Takes an ended emergency access out of its patient's active index. It stays in
		/// [`Emergencies`] until reviewed; a reviewed one is removed.
		fn store_ended_emergency(id: EmergencyId, emergency: EmergencyAccessOf<T>) {
			if ActiveEmergencies::<T>::take(&emergency.patient, id).is_some() {
				decrement::<T, ActiveEmergencyCount<T>>(&emergency.patient);
			}
			if emergency.review.is_some() {
				Emergencies::<T>::remove(id);
			} else {
				Emergencies::<T>::insert(id, emergency);
			}
		}

		/// Ends an emergency access that reached its end, and tells the patient.
		fn expire_emergency(id: EmergencyId, emergency: EmergencyAccessOf<T>) {
			let patient = emergency.patient.clone();
			Self::store_ended_emergency(id, emergency);
			Self::deposit_event(Event::EmergencyAccessExpired { id, patient });
		}

		/// Takes the patient's ended emergency accesses out of the active index.
		fn prune_ended_emergencies(patient: &T::AccountId, now: BlockNumberFor<T>) {
			let ids: Vec<EmergencyId> = ActiveEmergencies::<T>::iter_key_prefix(patient).collect();
			for id in ids {
				match Emergencies::<T>::get(id) {
					Some(emergency) if now >= emergency.expires_at =>
						Self::expire_emergency(id, emergency),
					_ => {},
				}
			}
		}

		/// Whether `accessor` is the consent's grantee now.
		fn grantee_matches(grantee: &Grantee<T::AccountId>, accessor: &T::AccountId) -> bool {
			match grantee {
				Grantee::Account(who) => who == accessor,
				Grantee::Organization(org) =>
					org == accessor &&
						T::Participants::has_role(accessor, Role::HealthcareOrganization),
				Grantee::Role(role) => T::Participants::has_role(accessor, *role),
			}
		}

		/// Whether an active consent covers this access at block `now`.
		fn consent_applies(
			consent: &ConsentOf<T>,
			accessor: &T::AccountId,
			target: &AccessTarget<BlockNumberFor<T>>,
			action: Action,
			purpose: PurposeOfUse,
			now: BlockNumberFor<T>,
		) -> bool {
			let terms = &consent.terms;
			consent.status == ConsentStatus::Active &&
				terms.valid.contains(now) &&
				terms.actions.binary_search(&action).is_ok() &&
				terms.purposes.binary_search(&purpose).is_ok() &&
				terms.scope.covers(target.record(), target.category()) &&
				terms
					.data_period
					.map_or(true, |period| period.contains(target.created().unwrap_or(now))) &&
				Self::grantee_matches(&terms.grantee, accessor)
		}

		/// The decision rule (see the crate docs), at block `now`.
		pub fn decide_at(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			target: AccessTarget<BlockNumberFor<T>>,
			action: Action,
			purpose: PurposeOfUse,
			now: BlockNumberFor<T>,
		) -> AccessDecision {
			Self::decide_counted_at(patient, accessor, target, action, purpose, now).0
		}

		/// [`Self::decide_at`], and how many of the patient's consents it examined (what its
		/// weight grows with).
		pub fn decide_counted_at(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			target: AccessTarget<BlockNumberFor<T>>,
			action: Action,
			purpose: PurposeOfUse,
			now: BlockNumberFor<T>,
		) -> (AccessDecision, u32) {
			if patient == accessor {
				return (AccessDecision::Permit(PermitBasis::Patient), 0);
			}
			let mut permit = None;
			let mut examined = 0u32;
			for id in PatientConsents::<T>::iter_key_prefix(patient) {
				examined = examined.saturating_add(1);
				let Some(consent) = Consents::<T>::get(id) else { continue };
				if !Self::consent_applies(&consent, accessor, &target, action, purpose, now) {
					continue;
				}
				match consent.terms.decision {
					ConsentDecision::Deny =>
						return (AccessDecision::Deny(DenyReason::DeniedByConsent(id)), examined),
					ConsentDecision::Permit
						if permit.is_none() && target.confidentiality() <= consent.terms.ceiling =>
						permit = Some(id),
					ConsentDecision::Permit => {},
				}
			}
			if let Some(id) = permit {
				return (AccessDecision::Permit(PermitBasis::Consent(id)), examined);
			}
			if purpose == PurposeOfUse::EmergencyTreatment && EMERGENCY_ACTIONS.contains(&action) {
				for id in ActiveEmergencies::<T>::iter_key_prefix(patient) {
					let Some(emergency) = Emergencies::<T>::get(id) else { continue };
					if &emergency.provider != accessor ||
						now >= emergency.expires_at ||
						!T::Participants::has_role(accessor, Role::EmergencyResponder)
					{
						continue;
					}
					let decision = if Self::emergency_policy(patient).allows(accessor) {
						AccessDecision::Permit(PermitBasis::Emergency(id))
					} else {
						AccessDecision::Deny(DenyReason::EmergencyRefusedByPolicy(id))
					};
					return (decision, examined);
				}
			}
			(AccessDecision::Deny(DenyReason::NoMatchingConsent), examined)
		}

		/// The runtime API's question: may `accessor` do `action` for `purpose` on this data of
		/// `patient`, now? A record that does not exist or is not the patient's is denied.
		pub fn check_access(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			query: AccessQuery,
			action: Action,
			purpose: PurposeOfUse,
		) -> AccessDecision {
			let target = match query {
				AccessQuery::Record(id) => match T::Records::access_target(id) {
					Some((owner, target)) if &owner == patient => target,
					_ => return AccessDecision::Deny(DenyReason::UnknownRecord),
				},
				AccessQuery::Category { category, confidentiality } =>
					AccessTarget::Category { category, confidentiality },
			};
			Self::decide_at(patient, accessor, target, action, purpose, Self::now())
		}

		/// Up to `limit` of `patient`'s consents, in storage order, after consent `after`.
		pub fn patient_consents(
			patient: &T::AccountId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, ConsentOf<T>)> {
			let ids = match after {
				Some(after) => PatientConsents::<T>::iter_key_prefix_from(
					patient,
					PatientConsents::<T>::hashed_key_for(patient, after),
				),
				None => PatientConsents::<T>::iter_key_prefix(patient),
			};
			ids.filter_map(|id| Consents::<T>::get(id).map(|consent| (id, consent)))
				.take(limit as usize)
				.collect()
		}

		/// Up to `limit` of the requests pending for `patient`, after request `after`.
		pub fn patient_requests(
			patient: &T::AccountId,
			after: Option<RequestId>,
			limit: u32,
		) -> Vec<(RequestId, AccessRequestOf<T>)> {
			let ids = match after {
				Some(after) => PatientRequests::<T>::iter_key_prefix_from(
					patient,
					PatientRequests::<T>::hashed_key_for(patient, after),
				),
				None => PatientRequests::<T>::iter_key_prefix(patient),
			};
			ids.filter_map(|id| Requests::<T>::get(id).map(|request| (id, request)))
				.take(limit as usize)
				.collect()
		}

		/// The patient's emergency accesses that are still active.
		pub fn active_emergencies(patient: &T::AccountId) -> Vec<(EmergencyId, EmergencyAccessOf<T>)> {
			let now = Self::now();
			ActiveEmergencies::<T>::iter_key_prefix(patient)
				.filter_map(|id| Emergencies::<T>::get(id).map(|emergency| (id, emergency)))
				.filter(|(_, emergency)| now < emergency.expires_at)
				.collect()
		}

		/// Visits the entries of a map keyed by a counter, from after `cursor`, while `meter`
		/// allows `step` per entry. Returns where to continue, `None` after the last entry (so
		/// the next sweep starts from the beginning).
		fn sweep<V>(
			cursor: Option<u64>,
			meter: &mut WeightMeter,
			step: Weight,
			next: impl Fn(Option<u64>) -> Option<(u64, V)>,
			mut visit: impl FnMut(u64, V),
		) -> Option<u64> {
			let mut cursor = cursor;
			while meter.try_consume(step).is_ok() {
				let (id, value) = next(cursor)?;
				visit(id, value);
				cursor = Some(id);
			}
			cursor
		}

		/// Removes expired consents, releasing their deposits.
		pub(crate) fn tidy_consents(
			cursor: Option<ConsentId>,
			now: BlockNumberFor<T>,
			meter: &mut WeightMeter,
		) -> Option<ConsentId> {
			Self::sweep(
				cursor,
				meter,
				T::WeightInfo::expire_consent(),
				|after| match after {
					Some(id) => Consents::<T>::iter_from(Consents::<T>::hashed_key_for(id)).next(),
					None => Consents::<T>::iter().next(),
				},
				|id, consent| {
					if !Self::not_ended(&consent.terms.valid, now) {
						Self::remove_consent(id, &consent);
						Self::deposit_event(Event::ConsentExpired { id, patient: consent.patient });
					}
				},
			)
		}

		/// Removes lapsed requests, releasing their deposits.
		pub(crate) fn tidy_requests(
			cursor: Option<RequestId>,
			now: BlockNumberFor<T>,
			meter: &mut WeightMeter,
		) -> Option<RequestId> {
			Self::sweep(
				cursor,
				meter,
				T::WeightInfo::expire_request(),
				|after| match after {
					Some(id) => Requests::<T>::iter_from(Requests::<T>::hashed_key_for(id)).next(),
					None => Requests::<T>::iter().next(),
				},
				|id, request| {
					if now >= request.expires_at {
						Self::remove_request(id, &request);
						Self::deposit_event(Event::RequestExpired {
							id,
							requester: request.requester,
						});
					}
				},
			)
		}

		/// Takes expired emergency accesses out of the active index.
		pub(crate) fn tidy_emergencies(
			cursor: Option<EmergencyId>,
			now: BlockNumberFor<T>,
			meter: &mut WeightMeter,
		) -> Option<EmergencyId> {
			Self::sweep(
				cursor,
				meter,
				T::WeightInfo::expire_emergency(),
				|after| match after {
					Some(id) =>
						Emergencies::<T>::iter_from(Emergencies::<T>::hashed_key_for(id)).next(),
					None => Emergencies::<T>::iter().next(),
				},
				|id, emergency| {
					if now >= emergency.expires_at &&
						ActiveEmergencies::<T>::contains_key(&emergency.patient, id)
					{
						Self::expire_emergency(id, emergency);
					}
				},
			)
		}

		/// The deposits the stored consents, requests, emergency policies and audit anchors
		/// name, by payer and hold reason.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn deposits_held() -> RecordedDeposits<T::AccountId, HoldReason, BalanceOf<T>> {
			let mut deposits = RecordedDeposits::new();
			for consent in Consents::<T>::iter_values() {
				deposits::record(&mut deposits, &consent.depositor, HoldReason::ConsentDeposit, consent.deposit);
			}
			for request in Requests::<T>::iter_values() {
				deposits::record(&mut deposits, &request.requester, HoldReason::RequestDeposit, request.deposit);
			}
			for (patient, stored) in EmergencyPolicies::<T>::iter() {
				deposits::record(&mut deposits, &patient, HoldReason::PolicyDeposit, stored.deposit);
			}
			for (custodian, _, anchor) in AuditAnchors::<T>::iter() {
				deposits::record(&mut deposits, &custodian, HoldReason::AnchorDeposit, anchor.deposit);
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

			let mut consents: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (id, consent) in Consents::<T>::iter() {
				ensure!(id < NextConsentId::<T>::get(), "consent id not below NextConsentId");
				ensure!(
					matches!(consent.status, ConsentStatus::Draft | ConsentStatus::Active),
					"an ended consent is still stored"
				);
				ensure!(
					PatientConsents::<T>::contains_key(&consent.patient, id),
					"consent missing from its patient's index"
				);
				let count = consents.entry(consent.patient).or_default();
				*count = count.saturating_add(1);
			}
			Self::check_index(
				&consents,
				PatientConsentCount::<T>::iter().collect(),
				PatientConsents::<T>::iter_keys().count(),
				T::MaxConsentsPerPatient::get(),
			)?;

			let mut requests: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (id, request) in Requests::<T>::iter() {
				ensure!(id < NextRequestId::<T>::get(), "request id not below NextRequestId");
				ensure!(
					PatientRequests::<T>::contains_key(&request.patient, id),
					"request missing from its patient's index"
				);
				let count = requests.entry(request.patient).or_default();
				*count = count.saturating_add(1);
			}
			Self::check_index(
				&requests,
				PatientRequestCount::<T>::iter().collect(),
				PatientRequests::<T>::iter_keys().count(),
				T::MaxPendingRequestsPerPatient::get(),
			)?;

			let mut active: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (patient, id) in ActiveEmergencies::<T>::iter_keys() {
				let emergency = Emergencies::<T>::get(id).ok_or("active emergency not stored")?;
				ensure!(emergency.patient == patient, "active emergency under the wrong patient");
				let count = active.entry(patient).or_default();
				*count = count.saturating_add(1);
			}
			Self::check_index(
				&active,
				ActiveEmergencyCount::<T>::iter().collect(),
				ActiveEmergencies::<T>::iter_keys().count(),
				T::MaxActiveEmergenciesPerPatient::get(),
			)?;
			let now = Self::now();
			for (id, emergency) in Emergencies::<T>::iter() {
				ensure!(id < NextEmergencyId::<T>::get(), "emergency id not below NextEmergencyId");
				let indexed = ActiveEmergencies::<T>::contains_key(&emergency.patient, id);
				ensure!(
					indexed || emergency.review.is_none(),
					"an ended, reviewed emergency is still stored"
				);
				ensure!(indexed || now >= emergency.expires_at, "an active emergency is not indexed");
			}

			for (custodian, seq, _) in AuditAnchors::<T>::iter() {
				ensure!(seq < NextAnchor::<T>::get(&custodian), "anchor beyond NextAnchor");
			}
			Ok(())
		}

		/// Checks that per-patient counts equal what the entries say, and stay within `max`.
		#[cfg(any(feature = "try-runtime", test))]
		fn check_index(
			expected: &alloc::collections::btree_map::BTreeMap<T::AccountId, u32>,
			counts: Vec<(T::AccountId, u32)>,
			index_len: usize,
			max: u32,
		) -> Result<(), sp_runtime::TryRuntimeError> {
			for (patient, count) in counts.iter() {
				ensure!(expected.get(patient) == Some(count), "per-patient count out of sync");
				ensure!(*count <= max, "per-patient count above its bound");
			}
			ensure!(counts.len() == expected.len(), "a patient's entries are not counted");
			ensure!(
				index_len == expected.values().map(|c| *c as usize).sum::<usize>(),
				"a patient index lists entries that do not exist"
			);
			Ok(())
		}
	}

	impl<T: Config> ConsentDecider<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
		fn decide(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			target: AccessTarget<BlockNumberFor<T>>,
			action: Action,
			purpose: PurposeOfUse,
		) -> AccessDecision {
			Self::decide_at(patient, accessor, target, action, purpose, Self::now())
		}

		fn decide_weight() -> Weight {
			T::WeightInfo::decide(T::MaxConsentsPerPatient::get())
		}

		fn decide_metered(
			patient: &T::AccountId,
			accessor: &T::AccountId,
			target: AccessTarget<BlockNumberFor<T>>,
			action: Action,
			purpose: PurposeOfUse,
		) -> (AccessDecision, Weight) {
			let (decision, examined) =
				Self::decide_counted_at(patient, accessor, target, action, purpose, Self::now());
			// The patient's own access reads nothing; otherwise the benchmark of a decision over
			// as many consents as were examined (its smallest case is one).
			let weight = if patient == accessor {
				Weight::zero()
			} else {
				T::WeightInfo::decide(examined.max(1))
			};
			(decision, weight)
		}
	}
}
