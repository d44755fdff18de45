//! The supply-chain pallet's types, bound to its `Config`. The types themselves are defined once
//! in `medchain_primitives::supply`, which the runtime API and the client share.

use crate::Config;
use frame_support::traits::fungible::Inspect;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::supply::{
	Container, Goods, ItemId, Lot, LotNumber, Product, SuspectCase, SuspectItem, Transfer, Unit,
};
use sp_runtime::BoundedVec;

/// The balance type of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

type AccountIdOf<T> = <T as frame_system::Config>::AccountId;

/// A registered product as stored.
pub type ProductOf<T> = Product<AccountIdOf<T>, BalanceOf<T>>;

/// A lot as stored.
pub type LotOf<T> = Lot<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>>;

/// A pack's state as stored.
pub type UnitOf<T> = Unit<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>>;

/// A logistic unit as stored.
pub type ContainerOf<T> = Container<AccountIdOf<T>, BalanceOf<T>, <T as Config>::MaxContainerContents>;

/// What a `pack` call puts into a logistic unit.
pub type ContentsOf<T> = BoundedVec<Goods, <T as Config>::MaxContainerContents>;

/// A pending transfer as stored.
pub type TransferOf<T> =
	Transfer<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxTransferItems>;

/// What a transfer ships.
pub type TransferItemsOf<T> = BoundedVec<Goods, <T as Config>::MaxTransferItems>;

/// A suspect-product case as stored.
pub type CaseOf<T> =
	SuspectCase<AccountIdOf<T>, BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxCaseItems>;

/// What `flag_suspect` takes.
pub type SuspectItemsOf<T> = BoundedVec<SuspectItem, <T as Config>::MaxCaseItems>;

/// The items an observation event covers.
pub type EventItemsOf<T> = BoundedVec<ItemId, <T as Config>::MaxEventItems>;

/// The lots a recall covers.
pub type RecallLotsOf<T> = BoundedVec<LotNumber, <T as Config>::MaxLotsPerRecall>;

/// A batch of unit-tracked serials to commission.
pub type SerialBatchOf<T> =
	BoundedVec<medchain_primitives::supply::SerialHash, <T as Config>::MaxCommissionBatch>;
