//! The consent pallet's types, bound to its `Config`. The types themselves are defined once in
//! `medchain_primitives::consent`, which the runtime API and the client share.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::fungible::Inspect;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::consent::{
	AccessLogEntry, AccessRequest, AuditAnchor, Consent, ConsentTerms, DataScope, EmergencyAccess,
	EmergencyPolicy, RequestedAccess,
};
use scale_info::TypeInfo;

/// The balance type of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

type AccountIdOf<T> = <T as frame_system::Config>::AccountId;

/// What a consent says, as the calls take it.
pub type ConsentTermsOf<T> =
	ConsentTerms<AccountIdOf<T>, BlockNumberFor<T>, <T as Config>::MaxScopeRecords>;

/// A consent as stored.
pub type ConsentOf<T> =
	Consent<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxScopeRecords>;

/// The data a consent or request covers.
pub type DataScopeOf<T> = DataScope<<T as Config>::MaxScopeRecords>;

/// What a requester asks for.
pub type RequestedAccessOf<T> = RequestedAccess<BlockNumberFor<T>, <T as Config>::MaxScopeRecords>;

/// A pending access request as stored.
pub type AccessRequestOf<T> =
	AccessRequest<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxScopeRecords>;

/// A patient's emergency policy.
pub type EmergencyPolicyOf<T> = EmergencyPolicy<AccountIdOf<T>, <T as Config>::MaxEmergencyDelegates>;

/// An emergency access as stored.
pub type EmergencyAccessOf<T> = EmergencyAccess<AccountIdOf<T>, BlockNumberFor<T>>;

/// One access-log entry.
pub type AccessLogEntryOf<T> = AccessLogEntry<AccountIdOf<T>>;

/// A batch of access-log entries, as `log_access` takes it.
pub type AccessLogBatchOf<T> =
	sp_runtime::BoundedVec<AccessLogEntryOf<T>, <T as Config>::MaxLogBatch>;

/// A Merkle root of audit events, as stored.
pub type AuditAnchorOf<T> = AuditAnchor<BalanceOf<T>, BlockNumberFor<T>>;

/// A stored emergency policy with the deposit that pays for it.
#[derive(
	frame_support::CloneNoBound,
	frame_support::PartialEqNoBound,
	frame_support::EqNoBound,
	frame_support::DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct StoredPolicy<T: Config> {
	pub policy: EmergencyPolicyOf<T>,
	pub deposit: BalanceOf<T>,
}

/// How many emergency accesses a provider started in the current rate window.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug, Default,
)]
pub struct RateWindow<BlockNumber> {
	/// First block of the window.
	pub start: BlockNumber,
	/// Emergency accesses started in it.
	pub count: u32,
}

/// Where the `on_idle` tidying stopped in each map: the last id visited.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug, Default,
)]
pub struct TidyCursors {
	pub consents: Option<u64>,
	pub requests: Option<u64>,
	pub emergencies: Option<u64>,
}
