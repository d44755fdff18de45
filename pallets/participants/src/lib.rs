//! # Participants pallet
//!
//! One registry of who may act in which role on medchain: healthcare organisations and
//! practitioners, emergency responders, researchers, privacy officers, the DSCSA trading
//! partners (manufacturer, repackager, wholesale distributor, third-party logistics, dispenser)
//! and regulators. Patients need no entry: any account can be a patient.
//!
//! An entry ([`ParticipantInfo`]) holds the roles, the hash of the licence or credential that
//! was checked off-chain (never a name or free text), a GS1 GLN for trading partners, an X25519
//! key for receiving encrypted record keys, a validity end and a status.
//!
//! ## Calls
//! - [`Pallet::register`], [`Pallet::update_registration`], [`Pallet::renew_credential`],
//!   [`Pallet::suspend`], [`Pallet::reinstate`], [`Pallet::revoke`]: by
//!   [`Config::GovernanceOrigin`] (Root on the development chain).
//! - [`Pallet::rotate_encryption_key`]: by the participant itself.
//!
//! ## For other pallets
//! [`ParticipantsInspect`] answers "does this account hold this role now?" (registered, active,
//! not past `valid_until`). [`ParticipantsMutate`] lets the consent pallet record an emergency
//! access a privacy officer found unjustified. The `runtime-api` crate exposes an entry to
//! off-chain callers.
//!
//! ## Example
//! ```ignore
//! // Governance registers a hospital and a pharmacy (a trading partner needs a GLN):
//! Participants::register(root, hospital, vec![Role::HealthcareOrganization].try_into()?,
//!     credential_hash, None, hospital_x25519, None)?;
//! Participants::register(root, pharmacy, vec![Role::Dispenser].try_into()?,
//!     credential_hash, Some(*b"0614141000005"), pharmacy_x25519, Some(expiry_block))?;
//! assert!(<Participants as ParticipantsInspect<_>>::has_role(&pharmacy, Role::Dispenser));
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use medchain_primitives::roles::{
	EncryptionKey, Gln, MaxRoles, ParticipantInfo, ParticipantStatus, ParticipantsInspect,
	ParticipantsMutate, Role, RoleSet,
};
pub use pallet::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::EnsureOrigin};
	use frame_system::pallet_prelude::*;
	use medchain_primitives::gs1;
	use sp_core::H256;
	use sp_runtime::traits::StaticLookup;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who administers the registry: Root on the development chain, a regulator body or a
		/// collective where configured.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The registry: one entry per participant account.
	#[pallet::storage]
	pub type Participants<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ParticipantInfo<BlockNumberFor<T>>>;

	/// Number of entries in [`Participants`] (any status).
	#[pallet::storage]
	pub type ParticipantCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Participants registered at genesis: account, roles, credential hash, GLN, X25519 key.
		pub participants: Vec<(T::AccountId, Vec<Role>, H256, Option<Gln>, EncryptionKey)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, roles, credential_hash, gln, encryption_key) in &self.participants {
				let roles = BoundedVec::try_from(roles.clone())
					.map_err(|_| Error::<T>::DuplicateRole)
					.and_then(|roles| Pallet::<T>::checked_roles(roles, gln.as_ref()));
				let Ok(roles) = roles else {
					panic!("genesis participant has invalid roles or GLN");
				};
				assert!(!Participants::<T>::contains_key(who), "genesis participant listed twice");
				Participants::<T>::insert(
					who,
					ParticipantInfo {
						roles,
						credential_hash: *credential_hash,
						gln: *gln,
						encryption_key: *encryption_key,
						valid_until: None,
						status: ParticipantStatus::Active,
						registered_at: Zero::zero(),
						unjustified_emergencies: 0,
					},
				);
				ParticipantCount::<T>::mutate(|count| *count = count.saturating_add(1));
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A participant was registered.
		Registered { who: T::AccountId, roles: RoleSet },
		/// A participant's roles or GLN changed.
		RegistrationUpdated { who: T::AccountId, roles: RoleSet },
		/// A participant's credential was renewed.
		CredentialRenewed { who: T::AccountId, valid_until: Option<BlockNumberFor<T>> },
		/// A participant was suspended.
		Suspended { who: T::AccountId },
		/// A suspended participant was reinstated.
		Reinstated { who: T::AccountId },
		/// A participant was revoked for good.
		Revoked { who: T::AccountId },
		/// A participant rotated its encryption key.
		EncryptionKeyRotated { who: T::AccountId },
		/// An emergency access by this participant was found unjustified.
		UnjustifiedEmergencyRecorded { who: T::AccountId, total: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already has an entry.
		AlreadyRegistered,
		/// The account has no entry.
		NotRegistered,
		/// A participant needs at least one role.
		NoRoles,
		/// A role is listed twice.
		DuplicateRole,
		/// The GLN is not 13 digits with a valid GS1 check digit.
		InvalidGln,
		/// Trading partners and regulators need a GLN.
		GlnRequired,
		/// `valid_until` is not in the future.
		ValidityInPast,
		/// Only an active participant can be suspended.
		NotActive,
		/// Only a suspended participant can be reinstated.
		NotSuspended,
		/// The participant is already revoked.
		AlreadyRevoked,
		/// A revoked entry cannot change.
		Revoked,
		/// The new encryption key equals the current one.
		SameEncryptionKey,
		/// The registry is full.
		TooManyParticipants,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				<MaxRoles as Get<u32>>::get() as usize >= Role::ALL.len(),
				"MaxRoles must fit every role once"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register `who` with `roles`. Trading partners and regulators need a `gln`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			roles: RoleSet,
			credential_hash: H256,
			gln: Option<Gln>,
			encryption_key: EncryptionKey,
			valid_until: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			ensure!(!Participants::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			let roles = Self::checked_roles(roles, gln.as_ref())?;
			Self::ensure_future(valid_until)?;
			let count =
				ParticipantCount::<T>::get().checked_add(1).ok_or(Error::<T>::TooManyParticipants)?;

			Participants::<T>::insert(
				&who,
				ParticipantInfo {
					roles: roles.clone(),
					credential_hash,
					gln,
					encryption_key,
					valid_until,
					status: ParticipantStatus::Active,
					registered_at: frame_system::Pallet::<T>::block_number(),
					unjustified_emergencies: 0,
				},
			);
			ParticipantCount::<T>::put(count);
			Self::deposit_event(Event::Registered { who, roles });
			Ok(())
		}

		/// Replace the roles and GLN of `who`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_registration())]
		pub fn update_registration(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			roles: RoleSet,
			gln: Option<Gln>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			let roles = Self::checked_roles(roles, gln.as_ref())?;
			Self::mutate_unrevoked(&who, |info| {
				info.roles = roles.clone();
				info.gln = gln;
				Ok(())
			})?;
			Self::deposit_event(Event::RegistrationUpdated { who, roles });
			Ok(())
		}

		/// Record a renewed licence or credential for `who`, with its new validity end.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::renew_credential())]
		pub fn renew_credential(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			credential_hash: H256,
			valid_until: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::ensure_future(valid_until)?;
			Self::mutate_unrevoked(&who, |info| {
				info.credential_hash = credential_hash;
				info.valid_until = valid_until;
				Ok(())
			})?;
			Self::deposit_event(Event::CredentialRenewed { who, valid_until });
			Ok(())
		}

		/// Suspend an active participant: it holds no role until reinstated.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::mutate_unrevoked(&who, |info| {
				ensure!(info.status == ParticipantStatus::Active, Error::<T>::NotActive);
				info.status = ParticipantStatus::Suspended;
				Ok(())
			})?;
			Self::deposit_event(Event::Suspended { who });
			Ok(())
		}

		/// Reinstate a suspended participant.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reinstate())]
		pub fn reinstate(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Self::mutate_unrevoked(&who, |info| {
				ensure!(info.status == ParticipantStatus::Suspended, Error::<T>::NotSuspended);
				info.status = ParticipantStatus::Active;
				Ok(())
			})?;
			Self::deposit_event(Event::Reinstated { who });
			Ok(())
		}

		/// Revoke a participant for good. The entry stays for the audit trail.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::revoke())]
		pub fn revoke(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			Participants::<T>::try_mutate(&who, |entry| {
				let info = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(info.status != ParticipantStatus::Revoked, Error::<T>::AlreadyRevoked);
				info.status = ParticipantStatus::Revoked;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::Revoked { who });
			Ok(())
		}

		/// Replace the caller's X25519 encryption key (e.g. after a key compromise).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::rotate_encryption_key())]
		pub fn rotate_encryption_key(
			origin: OriginFor<T>,
			new_key: EncryptionKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_unrevoked(&who, |info| {
				ensure!(info.encryption_key != new_key, Error::<T>::SameEncryptionKey);
				info.encryption_key = new_key;
				Ok(())
			})?;
			Self::deposit_event(Event::EncryptionKeyRotated { who });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Sorted, duplicate-free, non-empty roles, with a valid GLN where the roles need one.
		pub(crate) fn checked_roles(
			mut roles: RoleSet,
			gln: Option<&Gln>,
		) -> Result<RoleSet, Error<T>> {
			ensure!(!roles.is_empty(), Error::<T>::NoRoles);
			roles.sort();
			ensure!(roles.windows(2).all(|pair| pair[0] != pair[1]), Error::<T>::DuplicateRole);
			if let Some(gln) = gln {
				ensure!(gs1::has_valid_check_digit(gln), Error::<T>::InvalidGln);
			}
			let needs_gln =
				roles.iter().any(|role| role.is_trading_partner() || *role == Role::Regulator);
			ensure!(!needs_gln || gln.is_some(), Error::<T>::GlnRequired);
			Ok(roles)
		}

		fn ensure_future(valid_until: Option<BlockNumberFor<T>>) -> Result<(), Error<T>> {
			if let Some(end) = valid_until {
				ensure!(end > frame_system::Pallet::<T>::block_number(), Error::<T>::ValidityInPast);
			}
			Ok(())
		}

		/// Change a registered, not revoked entry; nothing is written if `change` fails.
		fn mutate_unrevoked(
			who: &T::AccountId,
			change: impl FnOnce(&mut ParticipantInfo<BlockNumberFor<T>>) -> DispatchResult,
		) -> DispatchResult {
			Participants::<T>::try_mutate(who, |entry| {
				let info = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(info.status != ParticipantStatus::Revoked, Error::<T>::Revoked);
				change(info)
			})
		}

		/// The entry of `who`, for the runtime API.
		pub fn participant(who: &T::AccountId) -> Option<ParticipantInfo<BlockNumberFor<T>>> {
			Participants::<T>::get(who)
		}

		/// Checks the registry's invariants.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let mut count: u32 = 0;
			for (_, info) in Participants::<T>::iter() {
				count = count.saturating_add(1);
				let valid = Self::checked_roles(info.roles.clone(), info.gln.as_ref())
					.is_ok_and(|roles| roles == info.roles);
				ensure!(
					valid,
					"participant roles must be sorted, unique, non-empty, with a GLN where needed"
				);
			}
			ensure!(count == ParticipantCount::<T>::get(), "ParticipantCount out of sync");
			Ok(())
		}
	}

	impl<T: Config> ParticipantsInspect<T::AccountId> for Pallet<T> {
		fn has_role(who: &T::AccountId, role: Role) -> bool {
			let now = frame_system::Pallet::<T>::block_number();
			Participants::<T>::get(who).is_some_and(|info| info.holds_role_at(role, &now))
		}

		fn encryption_key(who: &T::AccountId) -> Option<EncryptionKey> {
			Participants::<T>::get(who)
				.filter(|info| info.status == ParticipantStatus::Active)
				.map(|info| info.encryption_key)
		}

		fn gln(who: &T::AccountId) -> Option<Gln> {
			Participants::<T>::get(who).and_then(|info| info.gln)
		}
	}

	impl<T: Config> ParticipantsMutate<T::AccountId> for Pallet<T> {
		fn record_unjustified_emergency(who: &T::AccountId) -> DispatchResult {
			let total = Participants::<T>::try_mutate(who, |entry| {
				let info = entry.as_mut().ok_or(Error::<T>::NotRegistered)?;
				info.unjustified_emergencies = info.unjustified_emergencies.saturating_add(1);
				Ok::<_, DispatchError>(info.unjustified_emergencies)
			})?;
			Self::deposit_event(Event::UnjustifiedEmergencyRecorded { who: who.clone(), total });
			Ok(())
		}
	}
}

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as sp_runtime::traits::StaticLookup>::Source;
