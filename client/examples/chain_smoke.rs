//! Smoke check of the chain layer against a running dev node (`scripts/dev.sh`):
//! `cargo run --release -p medchain-client --example chain_smoke`.

use medchain_client::chain::{Call, Chain};
use medchain_primitives::{
	consent::{AccessQuery, ConsentDecision, ConsentTerms, DataScope, Grantee, Period},
	health::{Action, Confidentiality, PurposeOfUse, RecordCategory},
};
use subxt_signer::sr25519::dev;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
	let chain = Chain::connect("ws://127.0.0.1:9944").await?;
	let patient = dev::ferdie();
	let bob = dev::bob();
	let query = AccessQuery::Category {
		category: RecordCategory::Observation,
		confidentiality: Confidentiality::Normal,
	};
	let (patient_id, bob_id) = (patient.public_key().0, bob.public_key().0);
	let ask = || {
		chain.check_access(
			&patient_id,
			&bob_id,
			query.clone(),
			Action::Access,
			PurposeOfUse::Treatment,
		)
	};
	println!("before: {:?}", ask().await?);
	chain.submit(&Call::new("System", "remark", (b"medchain".to_vec(),)), &patient).await?;
	println!("remark finalized");
	type Terms = ConsentTerms<[u8; 32], u32, sp_core::ConstU32<32>>;
	let terms: Terms = ConsentTerms {
		grantee: Grantee::Account(bob.public_key().0),
		decision: ConsentDecision::Permit,
		actions: vec![Action::Access].try_into().map_err(|_| "actions")?,
		purposes: vec![PurposeOfUse::Treatment].try_into().map_err(|_| "purposes")?,
		scope: DataScope::All,
		ceiling: Confidentiality::Normal,
		valid: Period { start: 0, end: None },
		data_period: None,
		document_hash: None,
		basis_hash: None,
	};
	chain.submit(&Call::new("Consent", "grant_consent", (terms,)), &patient).await?;
	println!("consent granted");
	println!("after: {:?}", ask().await?);
	Ok(())
}
