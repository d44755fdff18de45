//! Builds the runtime's WASM blob with `substrate-wasm-builder` (see `scripts/setup.sh` for how
//! the `wasm32v1-none` standard library is made available on machines without rustup access).

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(
			medchain_primitives_token::SYMBOL,
			medchain_primitives_token::DECIMALS,
		)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

// The WASM build itself compiles this crate without `std`: nothing to do then.
#[cfg(not(feature = "std"))]
fn main() {}

// Kept in sync with `medchain_primitives::currency` by a unit test in `src/lib.rs`.
#[cfg(all(feature = "std", feature = "metadata-hash"))]
mod medchain_primitives_token {
	pub const SYMBOL: &str = "MED";
	pub const DECIMALS: u8 = 12;
}
