//! Runtime API of the supply-chain pallet: pack verification for pharmacies and wholesalers
//! (`verify_unit`), and the state a trading partner's system shows: products, lots, loose
//! packs held, transfers awaiting it, suspect-product cases and item histories.
//!
//! `verify_unit` takes the serial in clear, as scanned from the pack's DataMatrix: a runtime API
//! call is answered by the node that is asked and never recorded on chain. The chain hashes it
//! and checks the proof against the lot's serial root.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use medchain_primitives::supply::{
	CaseId, ExpiryDate, Gtin, HistoryHead, ItemId, Lot, LotNumber, Product, SerialProof,
	SuspectCase, Transfer, TransferId, Verification,
};

sp_api::decl_runtime_apis! {
	/// Pack verification and supply-chain state.
	pub trait SupplyChainApi<AccountId, Balance, BlockNumber, MaxTransferItems, MaxCaseItems>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		MaxTransferItems: sp_core::Get<u32>,
		MaxCaseItems: sp_core::Get<u32>,
	{
		/// Verifies a pack from its DataMatrix (GTIN, serial, lot, expiry) and the proof that its
		/// serial is one of its lot's: verified, or why not.
		fn verify_unit(
			gtin: Gtin,
			serial: Vec<u8>,
			lot: LotNumber,
			expiry: ExpiryDate,
			proof: SerialProof,
		) -> Verification;

		/// A registered product.
		fn product(gtin: Gtin) -> Option<Product<AccountId, Balance>>;

		/// A commissioned lot: expiry, quantity, serial root, recall, quarantine, history.
		fn lot(gtin: Gtin, lot: LotNumber) -> Option<Lot<AccountId, Balance, BlockNumber>>;

		/// Loose packs of a lot `holder` holds.
		fn lot_holding(gtin: Gtin, lot: LotNumber, holder: AccountId) -> u32;

		/// The head of an item's hash-chained history.
		fn history_head(item: ItemId) -> Option<HistoryHead>;

		/// Up to `limit` (at most 100) of the transfers awaiting `receiver`, after `after`.
		fn incoming_transfers(
			receiver: AccountId,
			after: Option<TransferId>,
			limit: u32,
		) -> Vec<(TransferId, Transfer<AccountId, Balance, BlockNumber, MaxTransferItems>)>;

		/// A suspect-product case.
		fn suspect_case(id: CaseId) -> Option<SuspectCase<AccountId, Balance, BlockNumber, MaxCaseItems>>;
	}
}
