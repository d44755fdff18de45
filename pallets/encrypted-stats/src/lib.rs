//! # Encrypted statistics pallet
//!
//! Research over values the chain never sees, and statements about values nobody reveals.
//!
//! ## Studies: encrypted sums
//! A registered researcher opens a study: a coded question, the answer's size in bits (8, 16 or
//! 32), a minimum cohort, a capacity, a deadline, and who decrypts: one key holder with study key
//! `H = y * P` (`P` is hashed from the genesis hash and the study id), or `threshold` of up to
//! `MaxTrustees` trustees holding Shamir shares of `y`. The researcher alone may never be able to
//! decrypt: a single key holder must be someone else (an ethics committee, a data protection
//! officer), and a researcher among trustees needs a threshold of at least two.
//!
//! A patient whose consent permits the researcher to `Use` that category of data for `Research`
//! (HRESCH, checked by the consent pallet) contributes once: an encrypted value
//! `C = m * B + r * H`, `D = r * P`, with a sigma proof that `D` matches `C` and a Bulletproof
//! that `m` is in `[0, 2^k)`, both bound to the chain, the study and the contributor
//! (`medchain-crypto`). The runtime verifies both and adds the ciphertext to the study's
//! encrypted total; it never sees a value. After the deadline, with at least the minimum cohort,
//! the key holder publishes the total with a Chaum-Pedersen proof, or trustees submit proven
//! decryption shares which the chain combines with Lagrange coefficients; either way the chain
//! checks `total * B == C - y * D` and stores the total and the count.
//!
//! ## Attested values and zero-knowledge predicates
//! A registered provider attests a batch of Pedersen commitments `V = v * B + s * G` (each for
//! one value of one of its patients, e.g. a birth date or a lab result; the call names neither
//! patient nor value, and a batch may mix patients). The patient, who holds the openings, later
//! proves to a verifier (an insurer, a trial) that an attested value is `>= t`, `<= t`, in
//! `[a, b]`, or that one attested value is at most another, with a Bulletproof the runtime
//! verifies. The chain records the verified statement, never the value. Each commitment proves
//! one statement, so two statements cannot be linked through a shared commitment.
//!
//! ## What it protects, and what not
//! - Only sums (and counts) are computed; a total over few contributors reveals them, hence
//!   `MinCohortFloor`. Counts are accounts, not people: the consent deposit each contributor
//!   holds makes fake cohorts costly, not impossible.
//! - A single key holder could decrypt any one contribution (ciphertexts are public in the
//!   extrinsics); only trustees with a threshold above one protect against one party.
//! - Who contributed to which study is public (`Contributors`), and so is who proved a statement
//!   to whom: contribute and prove from a pseudonymous account per relationship (hard-derived
//!   from the patient's seed, see the README), funded in a way that does not link it back.
//! - Discrete-log cryptography: not post-quantum.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::{
	consent::{AccessTarget, ConsentDecider},
	health::{Action, PurposeOfUse},
	roles::{ParticipantsInspect, Role},
	stats::{
		Attestation, AttestedValue, AttributeCode, EncryptedValue, KeyHolders, Point, Predicate,
		Statement, StatementId, Study, StudyId, StudyQuestion, StudyStatus,
	},
};
pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

/// Largest Bulletproof a contribution carries: 32 bits need 608 bytes.
pub type MaxRangeProofLen = frame_support::traits::ConstU32<608>;

/// Largest Bulletproof of a predicate: two 32-bit ranges aggregated take 672 bytes.
pub type MaxPredicateProofLen = frame_support::traits::ConstU32<672>;

/// Range sizes studies and predicates may use, in bits (64 would double the verification cost).
pub const VALUE_BITS: [u32; 3] = [8, 16, 32];

/// What the benchmarks need from the runtime: participants with roles, and research consent.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `who` in the participants registry with `role`.
	fn register(who: &AccountId, role: Role);
	/// `patient` lets `researcher` use all its data for research.
	fn consent_to_research(patient: &AccountId, researcher: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	#[cfg(any(feature = "try-runtime", test))]
	use medchain_primitives::deposits::{self, RecordedDeposits};
	use alloc::vec::Vec;
	use codec::Encode;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use medchain_crypto::{
		study_base, threshold, Ciphertext, Context, DecryptionProof, PredicateProof, RangeProof,
		ValidityProof,
	};
	use sp_runtime::traits::{Saturating, Zero};

	/// The balance type of the deposit currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// A study as stored.
	pub type StudyOf<T> = Study<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxTrustees,
	>;

	/// Who decrypts, as `open_study` takes it.
	pub type KeyHoldersOf<T> =
		KeyHolders<<T as frame_system::Config>::AccountId, <T as Config>::MaxTrustees>;

	/// An attestation as stored.
	pub type AttestationOf<T> =
		Attestation<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// A verified statement as stored.
	pub type StatementOf<T> =
		Statement<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// A batch of commitments, as `attest` and `revoke_attestations` take it.
	pub type CommitmentBatch<T> = BoundedVec<Point, <T as Config>::MaxAttestationBatch>;

	/// The current storage version.
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
		/// Who is a registered researcher or provider.
		type Participants: ParticipantsInspect<Self::AccountId>;
		/// Whether a patient's consent lets the researcher use the data for research.
		type Consent: ConsentDecider<Self::AccountId, BlockNumberFor<Self>>;
		/// Deposit held per study, whatever its capacity.
		#[pallet::constant]
		type StudyDepositBase: Get<BalanceOf<Self>>;
		/// Deposit held per contribution a study has room for (its `Contributors` entry).
		#[pallet::constant]
		type DepositPerContributor: Get<BalanceOf<Self>>;
		/// The smallest minimum cohort a study may set (small totals reveal their parts).
		#[pallet::constant]
		type MinCohortFloor: Get<u32>;
		/// The largest capacity a study may have.
		#[pallet::constant]
		type MaxContributors: Get<u32>;
		/// Maximum number of trustees.
		#[pallet::constant]
		type MaxTrustees: Get<u32>;
		/// Longest a study may take contributions, in blocks.
		#[pallet::constant]
		type MaxStudyDuration: Get<BlockNumberFor<Self>>;
		/// How long after its deadline an undecrypted study waits for its key holders before its
		/// researcher may remove it.
		#[pallet::constant]
		type DecryptionPeriod: Get<BlockNumberFor<Self>>;
		/// Deposit held per attested commitment.
		#[pallet::constant]
		type AttestationDeposit: Get<BalanceOf<Self>>;
		/// Most commitments attested or revoked in one call.
		#[pallet::constant]
		type MaxAttestationBatch: Get<u32>;
		/// Longest an attestation may be usable, in blocks.
		#[pallet::constant]
		type MaxAttestationLifetime: Get<BlockNumberFor<Self>>;
		/// Deposit held per verified statement, until its prover or verifier removes it.
		#[pallet::constant]
		type StatementDeposit: Get<BalanceOf<Self>>;
		/// Weight information for the calls.
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
		/// The storage deposit of a study.
		#[codec(index = 0)]
		StudyDeposit,
		/// The storage deposit of attested commitments.
		#[codec(index = 1)]
		AttestationDeposit,
		/// The storage deposit of a verified statement.
		#[codec(index = 2)]
		StatementDeposit,
	}

	/// The id the next study gets.
	#[pallet::storage]
	pub type NextStudyId<T: Config> = StorageValue<_, StudyId, ValueQuery>;

	/// Studies, by id.
	#[pallet::storage]
	pub type Studies<T: Config> = StorageMap<_, Twox64Concat, StudyId, StudyOf<T>>;

	/// Who contributed to which study (one contribution each; as many as the study counts).
	#[pallet::storage]
	pub type Contributors<T: Config> =
		StorageDoubleMap<_, Twox64Concat, StudyId, Blake2_128Concat, T::AccountId, ()>;

	/// Trustees' verified decryption shares, by study and trustee index (from 1).
	#[pallet::storage]
	pub type DecryptionShares<T: Config> =
		StorageDoubleMap<_, Twox64Concat, StudyId, Twox64Concat, u32, Point>;

	/// Attested commitments, by commitment (hashed: attesters choose the points).
	#[pallet::storage]
	pub type Attestations<T: Config> = StorageMap<_, Blake2_128Concat, Point, AttestationOf<T>>;

	/// The id the next verified statement gets.
	#[pallet::storage]
	pub type NextStatementId<T: Config> = StorageValue<_, StatementId, ValueQuery>;

	/// Verified statements, by verifier and id.
	#[pallet::storage]
	pub type Statements<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		StatementId,
		StatementOf<T>,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A study was opened.
		StudyOpened { id: StudyId, researcher: T::AccountId, deadline: BlockNumberFor<T> },
		/// A contribution was verified and added; `contributions` counts them.
		Contributed { id: StudyId, contributions: u32 },
		/// A trustee's decryption share was verified.
		ShareSubmitted { id: StudyId, trustee: u32 },
		/// The total was decrypted and verified.
		TotalPublished { id: StudyId, total: u64, contributions: u32 },
		/// A study and its contributor index were removed; its deposit was released.
		StudyRemoved { id: StudyId },
		/// A provider attested `count` commitments to values of kind `attribute`.
		Attested { attester: T::AccountId, attribute: AttributeCode, count: u32 },
		/// A provider withdrew `count` of its attestations.
		AttestationsRevoked { attester: T::AccountId, count: u32 },
		/// A statement about attested values was proven to `verifier`.
		StatementVerified {
			id: StatementId,
			verifier: T::AccountId,
			prover: T::AccountId,
			predicate: Predicate,
		},
		/// A verified statement was removed; its deposit was released.
		StatementRemoved { id: StatementId, verifier: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only a registered researcher may open a study.
		NotResearcher,
		/// Values are 8, 16 or 32 bits.
		UnsupportedValueSize,
		/// The deadline must be after this block and within `MaxStudyDuration`.
		InvalidDeadline,
		/// The minimum cohort is below `MinCohortFloor`.
		CohortTooSmall,
		/// The capacity is below the minimum cohort or above `MaxContributors`.
		InvalidCapacity,
		/// A key or commitment is not a valid point (or is the identity).
		InvalidKey,
		/// The threshold must be between 1 and the number of trustees, with as many commitments.
		InvalidThreshold,
		/// A trustee is named twice.
		DuplicateTrustee,
		/// The researcher could decrypt alone: a single key holder must be someone else, and a
		/// researcher among the trustees needs a threshold of at least two.
		ResearcherCouldDecrypt,
		/// No study with this id.
		UnknownStudy,
		/// The study no longer takes contributions.
		StudyClosed,
		/// The study has as many contributions as its capacity.
		StudyFull,
		/// The caller contributed to this study already.
		AlreadyContributed,
		/// The caller's consents do not let the researcher use this data for research.
		NoResearchConsent,
		/// The ciphertext's validity proof does not verify.
		InvalidValidityProof,
		/// The range proof does not verify.
		InvalidRangeProof,
		/// The study is still taking contributions.
		StudyStillOpen,
		/// Fewer contributions than the minimum cohort: the total is never decrypted.
		CohortNotReached,
		/// The total was published already.
		AlreadyDecrypted,
		/// Only the study's key holder (or a trustee, for its share) may do this.
		NotKeyHolder,
		/// The decryption proof or share does not verify.
		InvalidDecryption,
		/// Fewer verified shares than the threshold.
		NotEnoughShares,
		/// Only the study's researcher may remove it.
		NotResearcherOfStudy,
		/// The study may still be decrypted: wait for its total, or `DecryptionPeriod` after its
		/// deadline (a study without contributions may go at any time).
		StudyInProgress,
		/// Only a registered provider may attest values.
		NotProvider,
		/// An attestation must expire after this block and within `MaxAttestationLifetime`.
		InvalidExpiry,
		/// This commitment is attested already.
		AlreadyAttested,
		/// A batch must name at least one commitment.
		EmptyBatch,
		/// No attestation of this commitment.
		UnknownAttestation,
		/// Only the attester may revoke its attestations.
		NotAttester,
		/// The attestation has expired.
		AttestationExpired,
		/// The commitment proved a statement already.
		AttestationUsed,
		/// The attester is no longer a registered provider.
		AttesterNotProvider,
		/// The predicate needs one commitment (two for `NotAbove`), all different, and a
		/// non-empty interval.
		InvalidPredicate,
		/// The predicate proof does not verify.
		InvalidPredicateProof,
		/// No such statement for this verifier.
		UnknownStatement,
		/// Only the prover or the verifier may remove a statement.
		NotStatementParty,
		/// The caller cannot pay the deposit.
		InsufficientDeposit,
		/// A counter would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MinCohortFloor::get() >= 2,
				"a minimum cohort of one would publish a single value"
			);
			assert!(
				T::MaxContributors::get() >= T::MinCohortFloor::get(),
				"MaxContributors must allow the smallest cohort"
			);
			assert!(T::MaxTrustees::get() >= 1, "MaxTrustees must allow a trustee");
			assert!(!T::MaxStudyDuration::get().is_zero(), "a study must run for a block");
			assert!(!T::DecryptionPeriod::get().is_zero(), "key holders need time to decrypt");
			assert!(T::MaxAttestationBatch::get() >= 1, "a batch must hold a commitment");
			assert!(!T::MaxAttestationLifetime::get().is_zero(), "attestations must last a block");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Open a study as a registered researcher, with room for `capacity` contributions.
		/// Holds `StudyDepositBase + capacity * DepositPerContributor`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::open_study(T::MaxTrustees::get()))]
		pub fn open_study(
			origin: OriginFor<T>,
			question: StudyQuestion,
			key_holders: KeyHoldersOf<T>,
			deadline: BlockNumberFor<T>,
			min_cohort: u32,
			capacity: u32,
		) -> DispatchResult {
			let researcher = ensure_signed(origin)?;
			ensure!(
				T::Participants::has_role(&researcher, Role::Researcher),
				Error::<T>::NotResearcher
			);
			ensure!(
				VALUE_BITS.contains(&question.value_bits),
				Error::<T>::UnsupportedValueSize
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				deadline > now && deadline <= now.saturating_add(T::MaxStudyDuration::get()),
				Error::<T>::InvalidDeadline
			);
			ensure!(min_cohort >= T::MinCohortFloor::get(), Error::<T>::CohortTooSmall);
			ensure!(
				capacity >= min_cohort && capacity <= T::MaxContributors::get(),
				Error::<T>::InvalidCapacity
			);
			Self::check_key_holders(&researcher, &key_holders)?;
			let id = NextStudyId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = Self::study_deposit(capacity);
			T::Currency::hold(&HoldReason::StudyDeposit.into(), &researcher, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			let zero = Ciphertext::zero();
			Studies::<T>::insert(
				id,
				StudyOf::<T> {
					researcher: researcher.clone(),
					question,
					key_holders,
					deadline,
					min_cohort,
					capacity,
					total: EncryptedValue { c: zero.c, d: zero.d },
					contributions: 0,
					status: StudyStatus::Open,
					deposit,
				},
			);
			NextStudyId::<T>::put(next);
			Self::deposit_event(Event::StudyOpened { id, researcher, deadline });
			Ok(())
		}

		/// Contribute an encrypted value to a study, once, with its validity and range proofs
		/// (bound to the caller, the study and the chain). The consent decision is charged for its
		/// worst case and refunded down to the consents it examined.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::contribute().saturating_add(T::Consent::decide_weight()))]
		pub fn contribute(
			origin: OriginFor<T>,
			id: StudyId,
			value: EncryptedValue,
			validity: [u8; 128],
			range: BoundedVec<u8, MaxRangeProofLen>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut study = Studies::<T>::get(id).ok_or(Error::<T>::UnknownStudy)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				study.status == StudyStatus::Open && now <= study.deadline,
				Error::<T>::StudyClosed
			);
			ensure!(study.contributions < study.capacity, Error::<T>::StudyFull);
			ensure!(!Contributors::<T>::contains_key(id, &who), Error::<T>::AlreadyContributed);
			let target = AccessTarget::Category {
				category: study.question.category,
				confidentiality: study.question.confidentiality,
			};
			let (decision, decided) = T::Consent::decide_metered(
				&who,
				&study.researcher,
				target,
				Action::Use,
				PurposeOfUse::Research,
			);
			ensure!(decision.is_permit(), Error::<T>::NoResearchConsent);
			let submitter = who.encode();
			let context = Self::context(id, &submitter);
			let base = study_base(&context.genesis, id);
			let key = Self::study_key(&study.key_holders);
			let ciphertext = Ciphertext { c: value.c, d: value.d };
			ensure!(
				ValidityProof(validity).verify(&context, &base, &key, &ciphertext),
				Error::<T>::InvalidValidityProof
			);
			let bits = study.question.value_bits;
			ensure!(
				RangeProof(range.into_inner()).verify(
					&context,
					&key,
					&ciphertext,
					bits,
					&medchain_crypto::range_generators(bits)
				),
				Error::<T>::InvalidRangeProof
			);
			// Both points decompressed for the validity proof, so the sum exists.
			let total = Ciphertext { c: study.total.c, d: study.total.d }
				.add(&ciphertext)
				.ok_or(Error::<T>::InvalidValidityProof)?;
			study.total = EncryptedValue { c: total.c, d: total.d };
			study.contributions = study.contributions.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let contributions = study.contributions;
			Studies::<T>::insert(id, study);
			Contributors::<T>::insert(id, &who, ());
			Self::deposit_event(Event::Contributed { id, contributions });
			Ok(Some(T::WeightInfo::contribute().saturating_add(decided)).into())
		}

		/// Publish the decrypted total as the single key holder, with its Chaum-Pedersen proof.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::publish_total())]
		pub fn publish_total(
			origin: OriginFor<T>,
			id: StudyId,
			total: u64,
			proof: [u8; 96],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let study = Self::decryptable(id)?;
			let KeyHolders::Single { holder, key } = &study.key_holders else {
				return Err(Error::<T>::NotKeyHolder.into());
			};
			ensure!(*holder == who, Error::<T>::NotKeyHolder);
			let submitter = who.encode();
			let context = Self::context(id, &submitter);
			let base = study_base(&context.genesis, id);
			let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
			ensure!(
				DecryptionProof(proof).verify(&context, &base, key, &ciphertext, total),
				Error::<T>::InvalidDecryption
			);
			Self::record_total(id, study, total);
			Ok(())
		}

		/// Submit a trustee's proven decryption share of the study's total.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit_share(T::MaxTrustees::get()))]
		pub fn submit_share(
			origin: OriginFor<T>,
			id: StudyId,
			share: Point,
			proof: [u8; 96],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let study = Self::decryptable(id)?;
			let KeyHolders::Threshold { trustees, commitments, .. } = &study.key_holders else {
				return Err(Error::<T>::NotKeyHolder.into());
			};
			let position =
				trustees.iter().position(|t| *t == who).ok_or(Error::<T>::NotKeyHolder)?;
			let index =
				u32::try_from(position).map_err(|_| Error::<T>::Overflow)?.saturating_add(1);
			let submitter = who.encode();
			let context = Self::context(id, &submitter);
			let base = study_base(&context.genesis, id);
			let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
			let decryption_share = threshold::DecryptionShare { index, share, proof };
			ensure!(
				decryption_share.verify(&context, &base, commitments, &ciphertext),
				Error::<T>::InvalidDecryption
			);
			DecryptionShares::<T>::insert(id, index, share);
			Self::deposit_event(Event::ShareSubmitted { id, trustee: index });
			Ok(())
		}

		/// Publish the total of a threshold study: anyone may, once `threshold` shares are in;
		/// the chain combines them and checks the total.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::publish_threshold_total(T::MaxTrustees::get()))]
		pub fn publish_threshold_total(
			origin: OriginFor<T>,
			id: StudyId,
			total: u64,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let study = Self::decryptable(id)?;
			let KeyHolders::Threshold { threshold: needed, .. } = &study.key_holders else {
				return Err(Error::<T>::NotKeyHolder.into());
			};
			let needed = *needed as usize;
			let shares: Vec<(u32, Point)> =
				DecryptionShares::<T>::iter_prefix(id).take(needed).collect();
			ensure!(shares.len() >= needed, Error::<T>::NotEnoughShares);
			let combined = threshold::combine(&shares).ok_or(Error::<T>::InvalidDecryption)?;
			let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
			ensure!(
				threshold::total_matches(&ciphertext, &combined, total),
				Error::<T>::InvalidDecryption
			);
			Self::record_total(id, study, total);
			Ok(())
		}

		/// Remove a study with its contributor index and shares, releasing its deposit: as its
		/// researcher, once it is decrypted, once its deadline passed below the minimum cohort,
		/// `DecryptionPeriod` after its deadline, or at any time without contributions.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_study(T::MaxContributors::get()))]
		pub fn remove_study(origin: OriginFor<T>, id: StudyId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let study = Studies::<T>::get(id).ok_or(Error::<T>::UnknownStudy)?;
			ensure!(study.researcher == who, Error::<T>::NotResearcherOfStudy);
			let now = frame_system::Pallet::<T>::block_number();
			let removable = study.contributions == 0 ||
				matches!(study.status, StudyStatus::Decrypted { .. }) ||
				(now > study.deadline && study.contributions < study.min_cohort) ||
				now > study.deadline.saturating_add(T::DecryptionPeriod::get());
			ensure!(removable, Error::<T>::StudyInProgress);
			// The index holds exactly `contributions` entries (checked by `try_state`).
			let _ = Contributors::<T>::clear_prefix(id, study.contributions, None);
			let _ = DecryptionShares::<T>::clear_prefix(id, T::MaxTrustees::get(), None);
			Studies::<T>::remove(id);
			T::Currency::release(
				&HoldReason::StudyDeposit.into(),
				&who,
				study.deposit,
				Precision::BestEffort,
			)?;
			Self::deposit_event(Event::StudyRemoved { id });
			Ok(Some(T::WeightInfo::remove_study(study.contributions)).into())
		}

		/// Attest, as a registered provider, Pedersen commitments to values of kind `attribute`
		/// (one commitment per future statement), usable until `expires`. Holds
		/// `AttestationDeposit` per commitment.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::attest(commitments.len() as u32))]
		pub fn attest(
			origin: OriginFor<T>,
			attribute: AttributeCode,
			commitments: CommitmentBatch<T>,
			expires: BlockNumberFor<T>,
		) -> DispatchResult {
			let attester = ensure_signed(origin)?;
			ensure!(T::Participants::is_provider(&attester), Error::<T>::NotProvider);
			ensure!(!commitments.is_empty(), Error::<T>::EmptyBatch);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				expires > now && expires <= now.saturating_add(T::MaxAttestationLifetime::get()),
				Error::<T>::InvalidExpiry
			);
			for (i, commitment) in commitments.iter().enumerate() {
				ensure!(Self::is_point(commitment), Error::<T>::InvalidKey);
				ensure!(
					!Attestations::<T>::contains_key(commitment) &&
						!commitments[..i].contains(commitment),
					Error::<T>::AlreadyAttested
				);
			}
			let count = commitments.len() as u32;
			let deposit = T::AttestationDeposit::get();
			let total = deposit.saturating_mul(count.into());
			T::Currency::hold(&HoldReason::AttestationDeposit.into(), &attester, total)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			for commitment in commitments {
				Attestations::<T>::insert(
					commitment,
					AttestationOf::<T> {
						attester: attester.clone(),
						attribute,
						expires,
						used: false,
						deposit,
					},
				);
			}
			Self::deposit_event(Event::Attested { attester, attribute, count });
			Ok(())
		}

		/// Withdraw attestations (used, expired or mistaken) as their attester, releasing their
		/// deposits. A withdrawn commitment proves nothing any more.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::revoke_attestations(commitments.len() as u32))]
		pub fn revoke_attestations(
			origin: OriginFor<T>,
			commitments: CommitmentBatch<T>,
		) -> DispatchResult {
			let attester = ensure_signed(origin)?;
			ensure!(!commitments.is_empty(), Error::<T>::EmptyBatch);
			let mut released = BalanceOf::<T>::zero();
			for commitment in &commitments {
				let attestation =
					Attestations::<T>::get(commitment).ok_or(Error::<T>::UnknownAttestation)?;
				ensure!(attestation.attester == attester, Error::<T>::NotAttester);
				released = released.saturating_add(attestation.deposit);
				// A duplicate in the batch is found gone on its second turn.
				Attestations::<T>::remove(commitment);
			}
			T::Currency::release(
				&HoldReason::AttestationDeposit.into(),
				&attester,
				released,
				Precision::BestEffort,
			)?;
			let count = commitments.len() as u32;
			Self::deposit_event(Event::AttestationsRevoked { attester, count });
			Ok(())
		}

		/// Prove `predicate` about attested commitments to `verifier` with a Bulletproof over
		/// `bits`-bit ranges, bound to the caller and the verifier. Each commitment is used up;
		/// the statement is recorded for the verifier, holding `StatementDeposit`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::prove_predicate(commitments.len() as u32))]
		pub fn prove_predicate(
			origin: OriginFor<T>,
			verifier: T::AccountId,
			predicate: Predicate,
			commitments: BoundedVec<Point, ConstU32<2>>,
			bits: u32,
			proof: BoundedVec<u8, MaxPredicateProofLen>,
		) -> DispatchResult {
			let prover = ensure_signed(origin)?;
			ensure!(VALUE_BITS.contains(&bits), Error::<T>::UnsupportedValueSize);
			let well_formed = commitments.len() == predicate.arity() &&
				commitments.first() != commitments.get(1) &&
				!matches!(predicate, Predicate::Between { low, high } if low > high);
			ensure!(well_formed, Error::<T>::InvalidPredicate);
			let now = frame_system::Pallet::<T>::block_number();
			let mut attested = Vec::with_capacity(commitments.len());
			for commitment in &commitments {
				let attestation =
					Attestations::<T>::get(commitment).ok_or(Error::<T>::UnknownAttestation)?;
				ensure!(!attestation.used, Error::<T>::AttestationUsed);
				ensure!(now <= attestation.expires, Error::<T>::AttestationExpired);
				ensure!(
					T::Participants::is_provider(&attestation.attester),
					Error::<T>::AttesterNotProvider
				);
				attested.push(AttestedValue {
					attribute: attestation.attribute,
					attester: attestation.attester,
				});
			}
			let submitter = (&prover, &verifier).encode();
			let context = Context { genesis: Self::genesis(), scope: 0, submitter: &submitter };
			let points: Vec<Point> = commitments.to_vec();
			let statement = Self::crypto_predicate(&predicate);
			ensure!(
				PredicateProof(proof.into_inner()).verify(
					&context,
					&statement,
					&points,
					bits,
					&medchain_crypto::predicate_generators(&statement, bits),
				),
				Error::<T>::InvalidPredicateProof
			);
			let id = NextStatementId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = T::StatementDeposit::get();
			T::Currency::hold(&HoldReason::StatementDeposit.into(), &prover, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			for commitment in &commitments {
				Attestations::<T>::mutate(commitment, |attestation| {
					if let Some(attestation) = attestation {
						attestation.used = true;
					}
				});
			}
			let attested = BoundedVec::truncate_from(attested);
			Statements::<T>::insert(
				&verifier,
				id,
				StatementOf::<T> {
					prover: prover.clone(),
					predicate,
					attested,
					bits,
					verified_at: now,
					deposit,
				},
			);
			NextStatementId::<T>::put(next);
			Self::deposit_event(Event::StatementVerified { id, verifier, prover, predicate });
			Ok(())
		}

		/// Remove a verified statement, as its prover or its verifier (once it has taken note),
		/// releasing the prover's deposit.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::remove_statement())]
		pub fn remove_statement(
			origin: OriginFor<T>,
			verifier: T::AccountId,
			id: StatementId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let statement =
				Statements::<T>::get(&verifier, id).ok_or(Error::<T>::UnknownStatement)?;
			ensure!(who == statement.prover || who == verifier, Error::<T>::NotStatementParty);
			Statements::<T>::remove(&verifier, id);
			T::Currency::release(
				&HoldReason::StatementDeposit.into(),
				&statement.prover,
				statement.deposit,
				Precision::BestEffort,
			)?;
			Self::deposit_event(Event::StatementRemoved { id, verifier });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash, which every proof is bound to: block 0's hash.
		pub fn genesis() -> [u8; 32] {
			let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let mut genesis = [0u8; 32];
			let bytes = hash.as_ref();
			let len = bytes.len().min(32);
			genesis[..len].copy_from_slice(&bytes[..len]);
			genesis
		}

		/// What a study's proofs from `submitter` (its SCALE encoding) are bound to.
		pub fn context(id: StudyId, submitter: &[u8]) -> Context<'_> {
			Context { genesis: Self::genesis(), scope: id, submitter }
		}

		/// The deposit of a study with room for `capacity` contributions.
		pub fn study_deposit(capacity: u32) -> BalanceOf<T> {
			T::StudyDepositBase::get()
				.saturating_add(T::DepositPerContributor::get().saturating_mul(capacity.into()))
		}

		/// The study key `H` (for trustees, the first Feldman commitment).
		fn study_key(key_holders: &KeyHoldersOf<T>) -> Point {
			match key_holders {
				KeyHolders::Single { key, .. } => *key,
				KeyHolders::Threshold { commitments, .. } =>
					commitments.first().copied().unwrap_or_default(),
			}
		}

		/// Whether `p` decompresses to a point other than the identity (with `H = 0`, `C = m * B`
		/// and every contribution could be read by anyone).
		fn is_point(p: &Point) -> bool {
			*p != Ciphertext::zero().c && threshold::trustee_key(&[*p], 1).is_some()
		}

		fn check_key_holders(
			researcher: &T::AccountId,
			key_holders: &KeyHoldersOf<T>,
		) -> DispatchResult {
			match key_holders {
				KeyHolders::Single { holder, key } => {
					ensure!(Self::is_point(key), Error::<T>::InvalidKey);
					ensure!(holder != researcher, Error::<T>::ResearcherCouldDecrypt);
				},
				KeyHolders::Threshold { threshold, trustees, commitments } => {
					ensure!(
						*threshold >= 1 &&
							*threshold as usize <= trustees.len() &&
							commitments.len() == *threshold as usize,
						Error::<T>::InvalidThreshold
					);
					ensure!(commitments.iter().all(Self::is_point), Error::<T>::InvalidKey);
					for (i, trustee) in trustees.iter().enumerate() {
						ensure!(!trustees[..i].contains(trustee), Error::<T>::DuplicateTrustee);
					}
					ensure!(
						*threshold >= 2 || !trustees.contains(researcher),
						Error::<T>::ResearcherCouldDecrypt
					);
				},
			}
			Ok(())
		}

		/// Stores a verified total.
		fn record_total(id: StudyId, mut study: StudyOf<T>, total: u64) {
			study.status = StudyStatus::Decrypted { total };
			let contributions = study.contributions;
			Studies::<T>::insert(id, study);
			Self::deposit_event(Event::TotalPublished { id, total, contributions });
		}

		/// A study past its deadline with at least its minimum cohort, not yet decrypted.
		fn decryptable(id: StudyId) -> Result<StudyOf<T>, DispatchError> {
			let study = Studies::<T>::get(id).ok_or(Error::<T>::UnknownStudy)?;
			ensure!(
				!matches!(study.status, StudyStatus::Decrypted { .. }),
				Error::<T>::AlreadyDecrypted
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now > study.deadline, Error::<T>::StudyStillOpen);
			ensure!(study.contributions >= study.min_cohort, Error::<T>::CohortNotReached);
			Ok(study)
		}

		/// The proof system's form of an on-chain predicate.
		pub fn crypto_predicate(predicate: &Predicate) -> medchain_crypto::Predicate {
			match *predicate {
				Predicate::AtLeast(t) => medchain_crypto::Predicate::AtLeast(t),
				Predicate::AtMost(t) => medchain_crypto::Predicate::AtMost(t),
				Predicate::Between { low, high } => medchain_crypto::Predicate::Between(low, high),
				Predicate::NotAbove => medchain_crypto::Predicate::NotAbove,
			}
		}

		/// The deposits the stored studies, attestations and statements name, by payer and hold
		/// reason.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn deposits_held() -> RecordedDeposits<T::AccountId, HoldReason, BalanceOf<T>> {
			let mut deposits = RecordedDeposits::new();
			for study in Studies::<T>::iter_values() {
				deposits::record(&mut deposits, &study.researcher, HoldReason::StudyDeposit, study.deposit);
			}
			for attestation in Attestations::<T>::iter_values() {
				deposits::record(&mut deposits, &attestation.attester, HoldReason::AttestationDeposit, attestation.deposit);
			}
			for statement in Statements::<T>::iter_values() {
				deposits::record(&mut deposits, &statement.prover, HoldReason::StatementDeposit, statement.deposit);
			}
			deposits
		}

		/// Checks the pallet's invariants: each study's count matches its contributor index and
		/// stays within its capacity, shares belong to threshold studies, ids are below their
		/// counters, and every deposit recorded is held.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::traits::fungible::InspectHold;
			deposits::ensure_held(&Self::deposits_held(), |reason, who| {
				T::Currency::balance_on_hold(&(*reason).into(), who)
			})?;
			for (id, study) in Studies::<T>::iter() {
				ensure!(id < NextStudyId::<T>::get(), "study id not below NextStudyId");
				ensure!(
					Contributors::<T>::iter_key_prefix(id).count() == study.contributions as usize,
					"a study's count differs from its contributor index"
				);
				ensure!(study.contributions <= study.capacity, "a study is over its capacity");
				ensure!(study.capacity <= T::MaxContributors::get(), "capacity over the maximum");
				let shares = DecryptionShares::<T>::iter_key_prefix(id).collect::<Vec<_>>();
				match &study.key_holders {
					KeyHolders::Single { .. } =>
						ensure!(shares.is_empty(), "shares for a single key holder's study"),
					KeyHolders::Threshold { trustees, .. } => ensure!(
						shares.iter().all(|i| *i >= 1 && *i as usize <= trustees.len()),
						"a share from no trustee"
					),
				}
			}
			for id in Contributors::<T>::iter_keys().map(|(id, _)| id) {
				ensure!(Studies::<T>::contains_key(id), "contributors of a removed study");
			}
			for id in DecryptionShares::<T>::iter_keys().map(|(id, _)| id) {
				ensure!(Studies::<T>::contains_key(id), "shares of a removed study");
			}
			for (_, id, _) in Statements::<T>::iter() {
				ensure!(id < NextStatementId::<T>::get(), "statement id not below its counter");
			}
			Ok(())
		}
	}
}
