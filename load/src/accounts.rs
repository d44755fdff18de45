//! The load's accounts: thousands of senders funded at genesis, and the participants each
//! series needs (providers, manufacturers, dispensers, a researcher), each with the nonce of its
//! next transaction. Keys are derived from the development phrase (`//medchain-load//<role>//<i>`):
//! never use them for anything else.

use medchain_client::chain::AccountId;
use medchain_primitives::{gs1::check_digit, roles::Gln};
use std::str::FromStr;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// What an account does in the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
	/// A patient and plain sender: transfers, remarks, own records, consents, contributions.
	Sender,
	/// A healthcare organisation and practitioner: records under consent, access logs.
	Provider,
	/// A manufacturer with one product and one lot.
	Manufacturer,
	/// A pharmacy: receives packs and dispenses them.
	Dispenser,
	/// The researcher who opens studies.
	Researcher,
	/// The study key holder (not the researcher, as the chain requires).
	KeyHolder,
}

impl Kind {
	fn label(self) -> &'static str {
		match self {
			Kind::Sender => "sender",
			Kind::Provider => "provider",
			Kind::Manufacturer => "manufacturer",
			Kind::Dispenser => "dispenser",
			Kind::Researcher => "researcher",
			Kind::KeyHolder => "key-holder",
		}
	}
}

/// One account of the load.
pub struct Account {
	/// Its keys.
	pub keypair: Keypair,
	/// Its account id.
	pub id: AccountId,
	/// The nonce its next transaction gets (all start at 0: they are created at genesis).
	pub nonce: u64,
}

impl Account {
	fn derive(kind: Kind, index: usize) -> Result<Self, String> {
		let uri = SecretUri::from_str(&format!("//medchain-load//{}//{index}", kind.label()))
			.map_err(|error| format!("derivation path: {error}"))?;
		let keypair = Keypair::from_uri(&uri).map_err(|error| format!("derivation: {error}"))?;
		let id = keypair.public_key().0;
		Ok(Self { keypair, id, nonce: 0 })
	}

	/// Takes the next nonce.
	pub fn next_nonce(&mut self) -> u64 {
		let nonce = self.nonce;
		self.nonce += 1;
		nonce
	}
}

/// How many accounts of each kind.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
	pub senders: usize,
	pub providers: usize,
	pub manufacturers: usize,
	pub dispensers: usize,
}

impl Counts {
	/// Enough accounts for rounds of `per_round` transactions with one transaction per sender
	/// and a few (about `per_participant`) per provider, manufacturer and dispenser.
	pub fn for_round(per_round: usize, per_participant: usize) -> Self {
		let participants = per_round.div_ceil(per_participant.max(1)).max(1);
		Self {
			senders: per_round,
			providers: participants,
			manufacturers: participants,
			dispensers: participants,
		}
	}
}

/// Every account of the load, by kind.
pub struct Accounts {
	pub senders: Vec<Account>,
	pub providers: Vec<Account>,
	pub manufacturers: Vec<Account>,
	pub dispensers: Vec<Account>,
	pub researcher: Account,
	pub key_holder: Account,
}

impl Accounts {
	/// Derives the accounts (sr25519 hard derivation: about 10 us each).
	pub fn derive(counts: Counts) -> Result<Self, String> {
		let many = |kind: Kind, count: usize| -> Result<Vec<Account>, String> {
			(0..count).map(|index| Account::derive(kind, index)).collect()
		};
		Ok(Self {
			senders: many(Kind::Sender, counts.senders)?,
			providers: many(Kind::Provider, counts.providers)?,
			manufacturers: many(Kind::Manufacturer, counts.manufacturers)?,
			dispensers: many(Kind::Dispenser, counts.dispensers)?,
			researcher: Account::derive(Kind::Researcher, 0)?,
			key_holder: Account::derive(Kind::KeyHolder, 0)?,
		})
	}

	/// Every account with its kind, for the genesis.
	pub fn all(&self) -> impl Iterator<Item = (Kind, usize, &Account)> {
		let kinds = [
			(Kind::Sender, &self.senders),
			(Kind::Provider, &self.providers),
			(Kind::Manufacturer, &self.manufacturers),
			(Kind::Dispenser, &self.dispensers),
		];
		kinds
			.into_iter()
			.flat_map(|(kind, accounts)| accounts.iter().enumerate().map(move |(i, a)| (kind, i, a)))
			.chain([(Kind::Researcher, 0, &self.researcher), (Kind::KeyHolder, 0, &self.key_holder)])
	}
}

/// A GS1 GLN-13 for participant `index` of `kind`: a company prefix of the load (`099`, then
/// a digit for the kind), the index, the check digit.
pub fn gln(kind: Kind, index: usize) -> Gln {
	let kind_digit = match kind {
		Kind::Manufacturer => 1,
		Kind::Dispenser => 2,
		_ => 9,
	};
	let data = format!("099{kind_digit}{index:08}");
	let mut gln = [b'0'; 13];
	gln[..12].copy_from_slice(data.as_bytes());
	// Twelve ASCII digits always have a check digit.
	gln[12] = check_digit(&gln[..12]).unwrap_or(b'0');
	gln
}

#[cfg(test)]
mod tests {
	use super::*;
	use medchain_primitives::gs1::has_valid_check_digit;

	#[test]
	fn accounts_are_distinct_and_stable() {
		let accounts = Accounts::derive(Counts::for_round(8, 4)).unwrap();
		let ids: std::collections::HashSet<_> = accounts.all().map(|(_, _, a)| a.id).collect();
		assert_eq!(ids.len(), 8 + 2 + 2 + 2 + 2);
		// The same path gives the same key, so a genesis made earlier still fits.
		assert_eq!(Account::derive(Kind::Sender, 3).unwrap().id, accounts.senders[3].id);
	}

	#[test]
	fn glns_are_valid_and_distinct() {
		let a = gln(Kind::Manufacturer, 7);
		assert!(has_valid_check_digit(&a));
		assert_ne!(a, gln(Kind::Dispenser, 7));
		assert_ne!(a, gln(Kind::Manufacturer, 8));
	}

	#[test]
	fn nonces_count_up() {
		let mut account = Account::derive(Kind::Provider, 0).unwrap();
		assert_eq!((account.next_nonce(), account.next_nonce(), account.nonce), (0, 1, 2));
	}
}
