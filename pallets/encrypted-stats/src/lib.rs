//! # Encrypted statistics pallet (work in progress: issue 6)
//!
//! Research over values the chain never sees. A registered researcher opens a study: a coded
//! question, the answer's size in bits, a minimum cohort, a deadline, and who decrypts (one key
//! holder with study key `H = y * P`, or `threshold` trustees with Shamir shares of `y`). A
//! patient whose consent permits the researcher to use that category of data for research
//! (HRESCH) contributes once: an encrypted value `(C, D)` with a proof that `D` matches `C` and a
//! Bulletproof that the value is in `[0, 2^k)`, both bound to the chain, the study and the
//! contributor (`medchain-crypto`). The runtime verifies both and adds the ciphertext to the
//! study's encrypted total. After the deadline, with at least the minimum cohort, the key holder
//! publishes the total with a Chaum-Pedersen proof, or `threshold` trustees publish proven
//! decryption shares that the chain combines; the chain checks the total against the encrypted
//! sum and stores it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::{
	consent::{AccessTarget, ConsentDecider},
	health::{Action, PurposeOfUse},
	roles::{ParticipantsInspect, Role},
	stats::{EncryptedValue, KeyHolders, Point, Study, StudyId, StudyQuestion, StudyStatus},
};
pub use pallet::*;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

/// Largest Bulletproof a contribution carries: 32 bits need 608 bytes.
pub type MaxRangeProofLen = frame_support::traits::ConstU32<608>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use codec::Encode;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use medchain_crypto::{
		study_base, threshold, Ciphertext, Context, DecryptionProof, RangeProof, ValidityProof,
		RANGE_BITS,
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

	#[pallet::pallet]
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
		/// Who is a registered researcher.
		type Participants: ParticipantsInspect<Self::AccountId>;
		/// Whether a patient's consent lets the researcher use the data for research.
		type Consent: ConsentDecider<Self::AccountId, BlockNumberFor<Self>>;
		/// Deposit held per study.
		#[pallet::constant]
		type StudyDeposit: Get<BalanceOf<Self>>;
		/// The smallest minimum cohort a study may set (small totals reveal their parts).
		#[pallet::constant]
		type MinCohortFloor: Get<u32>;
		/// Maximum number of trustees.
		#[pallet::constant]
		type MaxTrustees: Get<u32>;
		/// Longest a study may take contributions, in blocks.
		#[pallet::constant]
		type MaxStudyDuration: Get<BlockNumberFor<Self>>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a study.
		#[codec(index = 0)]
		StudyDeposit,
	}

	/// The id the next study gets.
	#[pallet::storage]
	pub type NextStudyId<T: Config> = StorageValue<_, StudyId, ValueQuery>;

	/// Studies, by id.
	#[pallet::storage]
	pub type Studies<T: Config> = StorageMap<_, Twox64Concat, StudyId, StudyOf<T>>;

	/// Who contributed to which study (one contribution each).
	#[pallet::storage]
	pub type Contributors<T: Config> =
		StorageDoubleMap<_, Twox64Concat, StudyId, Blake2_128Concat, T::AccountId, ()>;

	/// Trustees' verified decryption shares, by study and trustee index (from 1).
	#[pallet::storage]
	pub type DecryptionShares<T: Config> =
		StorageDoubleMap<_, Twox64Concat, StudyId, Twox64Concat, u32, Point>;

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
		/// A key or commitment is not a valid point.
		InvalidKey,
		/// The threshold must be between 1 and the number of trustees, with as many commitments.
		InvalidThreshold,
		/// No study with this id.
		UnknownStudy,
		/// The study no longer takes contributions.
		StudyClosed,
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
		/// The caller cannot pay the deposit.
		InsufficientDeposit,
		/// A counter would overflow.
		Overflow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Open a study as a registered researcher. Holds `StudyDeposit`.
		#[pallet::call_index(0)]
		#[pallet::weight(Weight::from_parts(100_000_000, 4_000))]
		pub fn open_study(
			origin: OriginFor<T>,
			question: StudyQuestion,
			key_holders: KeyHoldersOf<T>,
			deadline: BlockNumberFor<T>,
			min_cohort: u32,
		) -> DispatchResult {
			let researcher = ensure_signed(origin)?;
			ensure!(
				T::Participants::has_role(&researcher, Role::Researcher),
				Error::<T>::NotResearcher
			);
			ensure!(
				RANGE_BITS.contains(&question.value_bits) && question.value_bits <= 32,
				Error::<T>::UnsupportedValueSize
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				deadline > now && deadline <= now.saturating_add(T::MaxStudyDuration::get()),
				Error::<T>::InvalidDeadline
			);
			ensure!(min_cohort >= T::MinCohortFloor::get(), Error::<T>::CohortTooSmall);
			Self::check_key_holders(&key_holders)?;
			let id = NextStudyId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let deposit = T::StudyDeposit::get();
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

		/// Contribute an encrypted value to a study, once, with its validity and range proofs.
		#[pallet::call_index(1)]
		#[pallet::weight(Weight::from_parts(8_000_000_000, 8_000))]
		pub fn contribute(
			origin: OriginFor<T>,
			id: StudyId,
			value: EncryptedValue,
			validity: [u8; 128],
			range: BoundedVec<u8, MaxRangeProofLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut study = Studies::<T>::get(id).ok_or(Error::<T>::UnknownStudy)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(study.status == StudyStatus::Open && now <= study.deadline, Error::<T>::StudyClosed);
			ensure!(!Contributors::<T>::contains_key(id, &who), Error::<T>::AlreadyContributed);
			let target = AccessTarget::Category {
				category: study.question.category,
				confidentiality: study.question.confidentiality,
			};
			ensure!(
				T::Consent::decide(&who, &study.researcher, target, Action::Use, PurposeOfUse::Research)
					.is_permit(),
				Error::<T>::NoResearchConsent
			);
			let submitter = who.encode();
			let context = Self::context(id, &submitter);
			let base = study_base(&context.genesis, id);
			let key = Self::study_key(&study.key_holders);
			let ciphertext = Ciphertext { c: value.c, d: value.d };
			ensure!(
				ValidityProof(validity).verify(&context, &base, &key, &ciphertext),
				Error::<T>::InvalidValidityProof
			);
			let generators = medchain_crypto::range_generators(study.question.value_bits);
			ensure!(
				RangeProof(range.into_inner()).verify(
					&context,
					&key,
					&ciphertext,
					study.question.value_bits,
					&generators
				),
				Error::<T>::InvalidRangeProof
			);
			let total = Ciphertext { c: study.total.c, d: study.total.d }
				.add(&ciphertext)
				.ok_or(Error::<T>::InvalidValidityProof)?;
			study.total = EncryptedValue { c: total.c, d: total.d };
			study.contributions = study.contributions.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let contributions = study.contributions;
			Studies::<T>::insert(id, study);
			Contributors::<T>::insert(id, &who, ());
			Self::deposit_event(Event::Contributed { id, contributions });
			Ok(())
		}

		/// Publish the decrypted total as the single key holder, with its Chaum-Pedersen proof.
		#[pallet::call_index(2)]
		#[pallet::weight(Weight::from_parts(2_000_000_000, 4_000))]
		pub fn publish_total(
			origin: OriginFor<T>,
			id: StudyId,
			total: u64,
			proof: [u8; 96],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut study = Self::decryptable(id)?;
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
			study.status = StudyStatus::Decrypted { total };
			let contributions = study.contributions;
			Studies::<T>::insert(id, study);
			Self::deposit_event(Event::TotalPublished { id, total, contributions });
			Ok(())
		}

		/// Submit a trustee's proven decryption share of the study's total.
		#[pallet::call_index(3)]
		#[pallet::weight(Weight::from_parts(2_000_000_000, 4_000))]
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
			let position = trustees.iter().position(|t| *t == who).ok_or(Error::<T>::NotKeyHolder)?;
			let index = u32::try_from(position).map_err(|_| Error::<T>::Overflow)?.saturating_add(1);
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
		#[pallet::weight(Weight::from_parts(2_000_000_000, 4_000))]
		pub fn publish_threshold_total(origin: OriginFor<T>, id: StudyId, total: u64) -> DispatchResult {
			ensure_signed(origin)?;
			let mut study = Self::decryptable(id)?;
			let KeyHolders::Threshold { threshold: needed, .. } = &study.key_holders else {
				return Err(Error::<T>::NotKeyHolder.into());
			};
			let shares: alloc::vec::Vec<(u32, Point)> =
				DecryptionShares::<T>::iter_prefix(id).take(*needed as usize).collect();
			ensure!(shares.len() as u32 >= *needed, Error::<T>::NotEnoughShares);
			let combined = threshold::combine(&shares).ok_or(Error::<T>::InvalidDecryption)?;
			let ciphertext = Ciphertext { c: study.total.c, d: study.total.d };
			ensure!(
				threshold::total_matches(&ciphertext, &combined, total),
				Error::<T>::InvalidDecryption
			);
			study.status = StudyStatus::Decrypted { total };
			let contributions = study.contributions;
			Studies::<T>::insert(id, study);
			Self::deposit_event(Event::TotalPublished { id, total, contributions });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash: block 0's hash, recorded when block 1 was initialised.
		fn genesis() -> [u8; 32] {
			let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let mut genesis = [0u8; 32];
			let bytes = hash.as_ref();
			let len = bytes.len().min(32);
			genesis[..len].copy_from_slice(&bytes[..len]);
			genesis
		}

		fn context(id: StudyId, submitter: &[u8]) -> Context<'_> {
			Context { genesis: Self::genesis(), scope: id, submitter }
		}

		/// The study key `H`.
		fn study_key(key_holders: &KeyHoldersOf<T>) -> Point {
			match key_holders {
				KeyHolders::Single { key, .. } => *key,
				KeyHolders::Threshold { commitments, .. } =>
					commitments.first().copied().unwrap_or_default(),
			}
		}

		fn check_key_holders(key_holders: &KeyHoldersOf<T>) -> DispatchResult {
			// A key is valid if it decompresses to a point other than the identity (with `H = 0`,
			// `C = m * B` and every contribution could be read by anyone).
			let identity = Ciphertext::zero().c;
			let is_point = |p: &Point| *p != identity && threshold::trustee_key(&[*p], 1).is_some();
			match key_holders {
				KeyHolders::Single { key, .. } => ensure!(is_point(key), Error::<T>::InvalidKey),
				KeyHolders::Threshold { threshold, trustees, commitments } => {
					ensure!(
						*threshold >= 1 &&
							*threshold as usize <= trustees.len() &&
							commitments.len() == *threshold as usize,
						Error::<T>::InvalidThreshold
					);
					ensure!(commitments.iter().all(is_point), Error::<T>::InvalidKey);
				},
			}
			Ok(())
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
	}

}
