//! The synthetic state of a `--populate N` run (see `medchain_primitives::population`): N
//! records, N / 10 consents and N / 1,000 lots of 10,000 committed packs, inserted at genesis with
//! the same density per owner at every N (1,000 records per patient, 50 consents per patient),
//! so that only the size of the state differs between two runs. And the runtime-API queries that
//! reach into it.

use crate::queries::{check_access_args, Query};
use codec::Encode;
use medchain_client::{
	chain::AccountId,
	cli::supply::{verify_unit_args, PackCode},
};
use medchain_primitives::{
	population::{
		account, lot_number, pack_serial, LotPopulation, Population, POPULATION_EXPIRY, POPULATION_GTIN,
	},
	supply::{serial_hash, serial_proof},
};
use serde::Serialize;
use serde_json::{json, Value};

/// Records of each synthetic patient.
pub const RECORDS_PER_PATIENT: u32 = 1_000;
/// Consents of each synthetic patient (at most `MaxConsentsPerPatient`, 64).
pub const CONSENTS_PER_PATIENT: u32 = 50;
/// Packs committed by each synthetic lot.
pub const PACKS_PER_LOT: u32 = 10_000;

/// What a run's genesis holds besides the load's own accounts.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Populated {
	pub records: u32,
	pub record_patients: u32,
	pub consents: u32,
	pub consent_patients: u32,
	pub lots: u32,
	pub packs_per_lot: u32,
}

impl Populated {
	/// The synthetic state of `--populate records`.
	pub fn of(records: u32) -> Self {
		let consents = (records / 10).max(1);
		Self {
			records,
			record_patients: records.div_ceil(RECORDS_PER_PATIENT).max(1),
			consents,
			consent_patients: consents.div_ceil(CONSENTS_PER_PATIENT).max(1),
			lots: (records / 1_000).max(1),
			packs_per_lot: PACKS_PER_LOT,
		}
	}

	/// Packs committed in all.
	pub fn packs(&self) -> u64 {
		u64::from(self.lots) * u64::from(self.packs_per_lot)
	}

	/// The pallets' genesis fields, to merge into the spec's genesis patch.
	pub fn genesis_patch(&self) -> Value {
		let records = Population { count: self.records, owners: self.record_patients };
		let consents = Population { count: self.consents, owners: self.consent_patients };
		let lots = LotPopulation { lots: self.lots, packs_per_lot: self.packs_per_lot };
		json!({
			"medicalRecords": { "population": records },
			"consent": { "population": consents },
			"supplyChain": { "population": lots },
		})
	}

	/// Queries into the synthetic state that cost the same at every size: a record in the
	/// middle of the map, an access decision that examines all of a patient's 50 consents
	/// (the grantee of the last one), and a pack of the last lot.
	pub fn queries(&self) -> Result<Vec<Query>, String> {
		let synthetic = |kind: &[u8], index: u32| -> Result<AccountId, String> {
			account(kind, index).ok_or_else(|| "no synthetic account".to_owned())
		};
		let patient = synthetic(b"patient", 0)?;
		let last_consent = (self.consents / self.consent_patients).min(CONSENTS_PER_PATIENT).saturating_sub(1);
		let provider = synthetic(b"provider", last_consent)?;
		let lot = self.lots - 1;
		let pack = self.packs_per_lot - 1;
		let leaves: Vec<_> =
			(0..self.packs_per_lot).map(|p| serial_hash(&POPULATION_GTIN, &pack_serial(lot, p))).collect();
		let proof = serial_proof(&leaves, pack).ok_or("no proof for the last pack")?;
		let code =
			PackCode { gtin: POPULATION_GTIN, serial: pack_serial(lot, pack), lot: lot_number(lot), expiry: POPULATION_EXPIRY };
		Ok(vec![
			Query {
				name: "record (populated)",
				method: "MedicalRecordsApi_record",
				args: u64::from(self.records / 2).encode(),
			},
			Query {
				name: "check_access (populated)",
				method: "ConsentApi_check_access",
				args: check_access_args(&patient, &provider),
			},
			Query { name: "verify_unit (populated)", method: "SupplyChainApi_verify_unit", args: verify_unit_args(&code, &proof) },
		])
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_density_per_owner_is_the_same_at_every_size() {
		let small = Populated::of(1_000);
		let large = Populated::of(1_000_000);
		assert_eq!((small.record_patients, small.consent_patients, small.lots), (1, 2, 1));
		assert_eq!((large.record_patients, large.consent_patients, large.lots), (1_000, 2_000, 1_000));
		assert_eq!(large.consents, 100_000);
		assert_eq!(large.packs(), 10_000_000);
		let patch = large.genesis_patch();
		assert_eq!(patch["medicalRecords"]["population"], json!({ "count": 1_000_000, "owners": 1_000 }));
		assert_eq!(patch["supplyChain"]["population"], json!({ "lots": 1_000, "packsPerLot": 10_000 }));
	}
}
