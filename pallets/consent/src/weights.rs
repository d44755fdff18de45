//! Placeholder until `scripts/bench.sh consent` generates this file.

use frame_support::weights::Weight;
use core::marker::PhantomData;

pub trait WeightInfo {
	fn grant_consent() -> Weight;
	fn draft_consent() -> Weight;
	fn activate_consent() -> Weight;
	fn revoke_consent() -> Weight;
	fn amend_consent() -> Weight;
	fn mark_consent_entered_in_error() -> Weight;
	fn request_access() -> Weight;
	fn approve_request() -> Weight;
	fn deny_request() -> Weight;
	fn withdraw_request() -> Weight;
	fn set_emergency_policy() -> Weight;
	fn invoke_emergency_access() -> Weight;
	fn end_emergency_access() -> Weight;
	fn review_emergency_access() -> Weight;
	fn log_access(n: u32, ) -> Weight;
	fn anchor_log_batch() -> Weight;
	fn remove_anchor() -> Weight;
	fn decide(c: u32, ) -> Weight;
	fn expire_consent() -> Weight;
	fn expire_request() -> Weight;
	fn expire_emergency() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn grant_consent() -> Weight { Weight::zero() }
	fn draft_consent() -> Weight { Weight::zero() }
	fn activate_consent() -> Weight { Weight::zero() }
	fn revoke_consent() -> Weight { Weight::zero() }
	fn amend_consent() -> Weight { Weight::zero() }
	fn mark_consent_entered_in_error() -> Weight { Weight::zero() }
	fn request_access() -> Weight { Weight::zero() }
	fn approve_request() -> Weight { Weight::zero() }
	fn deny_request() -> Weight { Weight::zero() }
	fn withdraw_request() -> Weight { Weight::zero() }
	fn set_emergency_policy() -> Weight { Weight::zero() }
	fn invoke_emergency_access() -> Weight { Weight::zero() }
	fn end_emergency_access() -> Weight { Weight::zero() }
	fn review_emergency_access() -> Weight { Weight::zero() }
	fn log_access(n: u32, ) -> Weight { Weight::zero() }
	fn anchor_log_batch() -> Weight { Weight::zero() }
	fn remove_anchor() -> Weight { Weight::zero() }
	fn decide(c: u32, ) -> Weight { Weight::zero() }
	fn expire_consent() -> Weight { Weight::zero() }
	fn expire_request() -> Weight { Weight::zero() }
	fn expire_emergency() -> Weight { Weight::zero() }
}

impl WeightInfo for () {
	fn grant_consent() -> Weight { Weight::zero() }
	fn draft_consent() -> Weight { Weight::zero() }
	fn activate_consent() -> Weight { Weight::zero() }
	fn revoke_consent() -> Weight { Weight::zero() }
	fn amend_consent() -> Weight { Weight::zero() }
	fn mark_consent_entered_in_error() -> Weight { Weight::zero() }
	fn request_access() -> Weight { Weight::zero() }
	fn approve_request() -> Weight { Weight::zero() }
	fn deny_request() -> Weight { Weight::zero() }
	fn withdraw_request() -> Weight { Weight::zero() }
	fn set_emergency_policy() -> Weight { Weight::zero() }
	fn invoke_emergency_access() -> Weight { Weight::zero() }
	fn end_emergency_access() -> Weight { Weight::zero() }
	fn review_emergency_access() -> Weight { Weight::zero() }
	fn log_access(n: u32, ) -> Weight { Weight::zero() }
	fn anchor_log_batch() -> Weight { Weight::zero() }
	fn remove_anchor() -> Weight { Weight::zero() }
	fn decide(c: u32, ) -> Weight { Weight::zero() }
	fn expire_consent() -> Weight { Weight::zero() }
	fn expire_request() -> Weight { Weight::zero() }
	fn expire_emergency() -> Weight { Weight::zero() }
}
