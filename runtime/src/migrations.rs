//! Storage migrations applied on runtime upgrade, in order, before any pallet's own
//! `on_runtime_upgrade`.
//!
//! medchain started on stable2609: every pallet's storage is at the version its genesis wrote
//! (medchain's pallets at 0), so no historical migration applies, and pallet-xcm's permanent
//! migration keeps its stored XCM versions current.
//!
//! A change to a medchain pallet's stored types bumps that pallet's `STORAGE_VERSION` and adds
//! the pallet's `migrations.rs` with a `frame_support::migrations::VersionedMigration` from the
//! old version to the new (its `pre_upgrade` / `post_upgrade` checking the entries it rewrites),
//! listed here. The fuzz crate's upgrade test (`fuzz/tests/upgrade.rs`) runs
//! `try_runtime_upgrade` twice on a state with an entry of every kind, decodes the entire state
//! and fails while any pallet's stored version differs from its code's, so a bump without its
//! migration cannot land.

use crate::Runtime;

/// The migrations of the next runtime upgrade.
pub type Migrations = (pallet_xcm::migration::MigrateToLatestXcmVersion<Runtime>,);
