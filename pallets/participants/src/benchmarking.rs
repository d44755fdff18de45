//! Benchmarks of the participants pallet (`frame_benchmarking::v2`), each on its worst case:
//! every role held, a GLN to check.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;
use sp_core::H256;
use sp_runtime::{traits::StaticLookup, BoundedVec};

const GLN: Gln = *b"0614141000005";

fn all_roles() -> RoleSet {
	BoundedVec::truncate_from(Role::ALL.to_vec())
}

/// Every role in reverse order, so that the call has to sort them.
fn all_roles_reversed() -> RoleSet {
	BoundedVec::truncate_from(Role::ALL.iter().rev().copied().collect::<alloc::vec::Vec<_>>())
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

fn registered<T: Config>(seed: u32) -> Result<T::AccountId, BenchmarkError> {
	let who: T::AccountId = account("participant", seed, 0);
	Pallet::<T>::register(
		governance::<T>()?,
		T::Lookup::unlookup(who.clone()),
		all_roles(),
		H256::repeat_byte(1),
		Some(GLN),
		[1u8; 32],
		None,
	)
	.map_err(|_| BenchmarkError::Stop("registration failed"))?;
	Ok(who)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() -> Result<(), BenchmarkError> {
		let origin = governance::<T>()?;
		let who: T::AccountId = account("participant", 0, 0);
		let roles = all_roles_reversed();

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			T::Lookup::unlookup(who.clone()),
			roles,
			H256::repeat_byte(1),
			Some(GLN),
			[1u8; 32],
			None,
		);

		assert!(Participants::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn update_registration() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;
		let origin = governance::<T>()?;
		let roles = all_roles_reversed();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()), roles, Some(GLN));

		assert_eq!(Participants::<T>::get(&who).map(|info| info.roles), Some(all_roles()));
		Ok(())
	}

	#[benchmark]
	fn renew_credential() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()), H256::repeat_byte(2), None);

		assert_eq!(
			Participants::<T>::get(&who).map(|info| info.credential_hash),
			Some(H256::repeat_byte(2))
		);
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()));

		assert!(!Pallet::<T>::has_role(&who, Role::Dispenser));
		Ok(())
	}

	#[benchmark]
	fn reinstate() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;
		Pallet::<T>::suspend(governance::<T>()?, T::Lookup::unlookup(who.clone()))
			.map_err(|_| BenchmarkError::Stop("suspension failed"))?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()));

		assert!(Pallet::<T>::has_role(&who, Role::Dispenser));
		Ok(())
	}

	#[benchmark]
	fn revoke() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()));

		assert_eq!(
			Participants::<T>::get(&who).map(|info| info.status),
			Some(ParticipantStatus::Revoked)
		);
		Ok(())
	}

	#[benchmark]
	fn rotate_encryption_key() -> Result<(), BenchmarkError> {
		let who = registered::<T>(0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [2u8; 32]);

		assert_eq!(Pallet::<T>::encryption_key(&who), Some([2u8; 32]));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
