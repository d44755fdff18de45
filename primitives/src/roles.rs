//! Who may act in which role: the vocabulary of the participants registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A role a registered participant may hold. Patients need no role: any account can be one.
#[derive(
	Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking,
	MaxEncodedLen, TypeInfo, Debug, serde::Serialize, serde::Deserialize,
)]
pub enum Role {
	/// A healthcare organisation: hospital, clinic, laboratory (FHIR `Organization`).
	#[codec(index = 0)]
	HealthcareOrganization,
	/// A healthcare practitioner (FHIR `Practitioner`).
	#[codec(index = 1)]
	Practitioner,
	/// May invoke emergency ("break-glass") access.
	#[codec(index = 2)]
	EmergencyResponder,
	/// May request research access and open studies.
	#[codec(index = 3)]
	Researcher,
	/// Reviews emergency accesses and access logs.
	#[codec(index = 4)]
	PrivacyOfficer,
	/// DSCSA trading partner: manufacturer.
	#[codec(index = 5)]
	Manufacturer,
	/// DSCSA trading partner: repackager.
	#[codec(index = 6)]
	Repackager,
	/// DSCSA trading partner: wholesale distributor.
	#[codec(index = 7)]
	WholesaleDistributor,
	/// DSCSA trading partner: third-party logistics provider.
	#[codec(index = 8)]
	ThirdPartyLogistics,
	/// DSCSA trading partner: dispenser (pharmacy).
	#[codec(index = 9)]
	Dispenser,
	/// A medicines regulator.
	#[codec(index = 10)]
	Regulator,
}

impl Role {
	/// Every role, in index order.
	pub const ALL: [Role; 11] = [
		Role::HealthcareOrganization,
		Role::Practitioner,
		Role::EmergencyResponder,
		Role::Researcher,
		Role::PrivacyOfficer,
		Role::Manufacturer,
		Role::Repackager,
		Role::WholesaleDistributor,
		Role::ThirdPartyLogistics,
		Role::Dispenser,
		Role::Regulator,
	];

	/// Healthcare providers: the roles that may author records for a patient (with consent).
	pub fn is_provider(self) -> bool {
		matches!(self, Role::HealthcareOrganization | Role::Practitioner)
	}

	/// The DSCSA authorised trading partners.
	pub fn is_trading_partner(self) -> bool {
		matches!(
			self,
			Role::Manufacturer |
				Role::Repackager |
				Role::WholesaleDistributor |
				Role::ThirdPartyLogistics |
				Role::Dispenser
		)
	}
}

/// A GS1 Global Location Number: 13 decimal digits, the last one a check digit.
pub type Gln = [u8; 13];

/// An X25519 public key, to which clients encrypt record keys for this participant.
pub type EncryptionKey = [u8; 32];

/// Read access to the participants registry, for the pallets that check roles.
pub trait ParticipantsInspect<AccountId> {
	/// Whether `who` holds `role` now: registered, active, not expired.
	fn has_role(who: &AccountId, role: Role) -> bool;

	/// Whether `who` holds at least one provider role now.
	fn is_provider(who: &AccountId) -> bool {
		Role::ALL.iter().any(|role| role.is_provider() && Self::has_role(who, *role))
	}

	/// The X25519 key `who` receives encrypted keys under, if registered and active.
	fn encryption_key(who: &AccountId) -> Option<EncryptionKey>;

	/// The GLN of a trading partner, if it has one.
	fn gln(who: &AccountId) -> Option<Gln>;
}

/// Upper bound of a participant's role set: one of each [`Role`].
pub type MaxRoles = sp_core::ConstU32<11>;

/// A participant's roles: sorted, without duplicates, not empty.
pub type RoleSet = sp_runtime::BoundedVec<Role, MaxRoles>;

/// Standing of a registry entry.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub enum ParticipantStatus {
	/// May act in its roles (until `valid_until`).
	#[codec(index = 0)]
	Active,
	/// Temporarily may not act; governance may reinstate it.
	#[codec(index = 1)]
	Suspended,
	/// Permanently may not act. The entry stays, for the audit trail.
	#[codec(index = 2)]
	Revoked,
}

/// A registry entry. No names or free text: the licence or credential is referenced by hash.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
	Debug,
)]
pub struct ParticipantInfo<BlockNumber> {
	/// The roles held.
	pub roles: RoleSet,
	/// Hash of the licence or credential document checked at registration.
	pub credential_hash: sp_core::H256,
	/// GS1 GLN (ASCII digits) of a trading partner's legal entity or premises.
	pub gln: Option<Gln>,
	/// X25519 public key for receiving encrypted record keys.
	pub encryption_key: EncryptionKey,
	/// Last block in which the roles count (the credential's expiry); `None`: no expiry.
	pub valid_until: Option<BlockNumber>,
	/// Active, suspended or revoked.
	pub status: ParticipantStatus,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Emergency accesses a privacy officer found unjustified.
	pub unjustified_emergencies: u32,
}

impl<BlockNumber: PartialOrd> ParticipantInfo<BlockNumber> {
	/// Whether the entry may act in `role` at block `now`.
	pub fn holds_role_at(&self, role: Role, now: &BlockNumber) -> bool {
		self.status == ParticipantStatus::Active &&
			self.valid_until.as_ref().map_or(true, |end| now <= end) &&
			self.roles.binary_search(&role).is_ok()
	}
}

/// Changes to the registry that other pallets may make.
pub trait ParticipantsMutate<AccountId> {
	/// Record against `who` an emergency access that a privacy officer found unjustified.
	fn record_unjustified_emergency(who: &AccountId) -> sp_runtime::DispatchResult;
}
