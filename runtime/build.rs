//! Builds the runtime's WASM blob with `substrate-wasm-builder` (see `scripts/setup.sh` for how
//! the `wasm32v1-none` standard library is made available on machines without rustup access).
//!
//! The native side of the workspace is compiled once, with `runtime-benchmarks` and `try-runtime`
//! (see `scripts/lib.sh`), so that the pallets' benchmark tests, the upgrade checks and the fuzzer
//! share every artifact with the node. The WASM that nodes run carries neither: the builder never
//! forwards `try-runtime`, and forwards the benchmarks only when `MEDCHAIN_WASM_BENCHMARKS=1` asks
//! for them (`scripts/bench.sh` does, in its own target directory).

#[cfg(feature = "std")]
const WASM_BENCHMARKS_ENV: &str = "MEDCHAIN_WASM_BENCHMARKS";

#[cfg(feature = "std")]
fn main() {
	println!("cargo:rerun-if-env-changed={WASM_BENCHMARKS_ENV}");
	// The builder forwards every `CARGO_FEATURE_*` of this crate to the WASM build (a build
	// script is single-threaded, so changing its environment is sound).
	if std::env::var(WASM_BENCHMARKS_ENV).as_deref() != Ok("1") {
		std::env::remove_var("CARGO_FEATURE_RUNTIME_BENCHMARKS");
	}
	std::env::remove_var("CARGO_FEATURE_TRY_RUNTIME");
	build_wasm();
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn build_wasm() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(
			medchain_primitives_token::SYMBOL,
			medchain_primitives_token::DECIMALS,
		)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn build_wasm() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

// The WASM build itself compiles this crate without `std`: nothing to do then.
#[cfg(not(feature = "std"))]
fn main() {}

// Kept in sync with `medchain_primitives::currency` by a test in `tests/runtime.rs`.
#[cfg(all(feature = "std", feature = "metadata-hash"))]
mod medchain_primitives_token {
	pub const SYMBOL: &str = "MED";
	pub const DECIMALS: u8 = 12;
}
