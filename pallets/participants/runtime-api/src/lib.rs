//! Runtime API of the participants registry: read an entry, or ask whether an account holds a
//! role now (the same answer the pallets use).

#![cfg_attr(not(feature = "std"), no_std)]

use codec::Codec;
use medchain_primitives::roles::{ParticipantInfo, Role};

sp_api::decl_runtime_apis! {
	/// Reads the participants registry.
	pub trait ParticipantsApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The registry entry of `who`, if any.
		fn participant(who: AccountId) -> Option<ParticipantInfo<BlockNumber>>;

		/// Whether `who` holds `role` at the current block (registered, active, not expired).
		fn has_role(who: AccountId, role: Role) -> bool;
	}
}
