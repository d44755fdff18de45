//! Genesis presets: `development` (one collator, for `medchain-node --dev`) and `local_testnet`
//! (two collators, for a parachain on a local relay chain). The node's chain specs use them by
//! name; `chain-spec-builder` and `medchain-node build-spec` can too.

use crate::{
	AccountId, BalancesConfig, CollatorSelectionConfig, ParachainInfoConfig, ParticipantsConfig,
	PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig,
	EXISTENTIAL_DEPOSIT, UNIT,
};
use medchain_primitives::roles::{EncryptionKey, Gln, Role};
use alloc::{vec, vec::Vec};
use cumulus_primitives_core::ParaId;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::{BlakeTwo256, Hash};

/// Name of the development preset.
pub const DEVELOPMENT_PRESET: &str = sp_genesis_builder::DEV_RUNTIME_PRESET;
/// Name of the local-testnet preset.
pub const LOCAL_TESTNET_PRESET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// Parachain id used by the built-in chain specs. Register the parachain under this id on the
/// relay chain, or change it in the chain spec before generating the genesis head.
pub const PARACHAIN_ID: u32 = 2000;
/// Relay chain named in the built-in chain specs (the local relay chain of the docs).
pub const RELAY_CHAIN: &str = "rococo-local";

/// Balance given to each endowed development account.
pub const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// XCM version spoken before version negotiation completes.
const SAFE_XCM_VERSION: u32 = xcm::prelude::XCM_VERSION;

/// Collator candidacy bond.
const CANDIDACY_BOND: u128 = 16 * EXISTENTIAL_DEPOSIT;

/// GLN of the demo manufacturer (GS1's example GLN).
pub const DEMO_MANUFACTURER_GLN: Gln = *b"0614141000005";

/// A registry entry of the demo participants.
type DemoParticipant = (AccountId, Vec<Role>, sp_core::H256, Option<Gln>, EncryptionKey);

/// Demo participants of the development chains, so that provider, emergency, research and
/// supply-chain flows work out of the box:
/// Bob: hospital and practitioner; Charlie: practitioner with the emergency role; Dave:
/// researcher; Eve: privacy officer; Ferdie: manufacturer.
///
/// Their X25519 keys are public keys for the secret `blake2b-256("medchain-dev-x25519//<Name>")`,
/// so development clients can derive the matching secret. Never use these keys for real data.
fn demo_participants() -> Vec<DemoParticipant> {
	let credential = BlakeTwo256::hash(b"medchain development credential");
	let entry = |keyring: Sr25519Keyring, roles: Vec<Role>, gln: Option<Gln>, key: [u8; 32]| {
		(keyring.to_account_id(), roles, credential, gln, key)
	};
	vec![
		entry(
			Sr25519Keyring::Bob,
			vec![Role::HealthcareOrganization, Role::Practitioner],
			None,
			hex_literal::hex!("baddca5eb1afce04040fd681a3fbb93509277f40ebac6d2d94b10a2354aca67c"),
		),
		entry(
			Sr25519Keyring::Charlie,
			vec![Role::Practitioner, Role::EmergencyResponder],
			None,
			hex_literal::hex!("632ea3b22d6aabcf3a526d3b82134fe546d10ef85303126d73168a15b97f453b"),
		),
		entry(
			Sr25519Keyring::Dave,
			vec![Role::Researcher],
			None,
			hex_literal::hex!("aded1efeea03e7abdc292057ef273a548242044aed73def10f8a4cc0b9ac216a"),
		),
		entry(
			Sr25519Keyring::Eve,
			vec![Role::PrivacyOfficer],
			None,
			hex_literal::hex!("cc9e81bf33cd820c028adc3d33288c5714d1af133cf685dbccb409b284915038"),
		),
		entry(
			Sr25519Keyring::Ferdie,
			vec![Role::Manufacturer],
			Some(DEMO_MANUFACTURER_GLN),
			hex_literal::hex!("f3f8e1317ba574360ab5015375ca2f11d7002f3f53f7e04b27a5d0062fff3f68"),
		),
	]
}

fn session_keys(aura: AuraId) -> SessionKeys {
	SessionKeys { aura }
}

fn medchain_genesis(
	invulnerables: Vec<(AccountId, AuraId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	id: ParaId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		parachain_info: ParachainInfoConfig { parachain_id: id },
		collator_selection: CollatorSelectionConfig {
			invulnerables: invulnerables.iter().cloned().map(|(acc, _)| acc).collect::<Vec<_>>(),
			candidacy_bond: CANDIDACY_BOND,
		},
		session: SessionConfig {
			keys: invulnerables
				.into_iter()
				.map(|(acc, aura)| (acc.clone(), acc, session_keys(aura)))
				.collect::<Vec<_>>(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(SAFE_XCM_VERSION) },
		sudo: SudoConfig { key: Some(root) },
		participants: ParticipantsConfig { participants: demo_participants() },
	})
}

fn collator(keyring: Sr25519Keyring) -> (AccountId, AuraId) {
	(keyring.to_account_id(), keyring.public().into())
}

fn development_genesis() -> Value {
	medchain_genesis(
		vec![collator(Sr25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID.into(),
	)
}

fn local_testnet_genesis() -> Value {
	medchain_genesis(
		vec![collator(Sr25519Keyring::Alice), collator(Sr25519Keyring::Bob)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID.into(),
	)
}

/// The JSON patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEVELOPMENT_PRESET => development_genesis(),
		LOCAL_TESTNET_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	// Serialising a `serde_json::Value` cannot fail; an empty answer would show as "no preset".
	serde_json::to_vec(&patch).ok()
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEVELOPMENT_PRESET), PresetId::from(LOCAL_TESTNET_PRESET)]
}

/// Merges the JSON `patch` into `base`, as the node's chain-spec builder applies a preset to the
/// runtime's default genesis configuration: objects key by key, everything else replaced.
#[cfg(feature = "std")]
fn merge_patch(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) =>
			for (key, value) in patch {
				merge_patch(base.entry(key).or_insert(Value::Null), value);
			},
		(base, patch) => *base = patch,
	}
}

/// The genesis storage of preset `id`, built natively the way a node builds it from a chain spec
/// (the preset's patch over the default configuration). For tests and the runtime fuzzer.
#[cfg(feature = "std")]
pub fn preset_storage(id: &str) -> Result<sp_runtime::Storage, alloc::string::String> {
	use sp_runtime::BuildStorage;
	let patch = get_preset(&PresetId::from(id)).ok_or_else(|| alloc::format!("no preset named {id:?}"))?;
	let patch: Value = serde_json::from_slice(&patch).map_err(|error| alloc::format!("preset {id:?}: {error}"))?;
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).map_err(|error| alloc::format!("default genesis: {error}"))?;
	merge_patch(&mut config, patch);
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).map_err(|error| alloc::format!("preset {id:?}: {error}"))?;
	config.build_storage()
}
