//! Benchmarks of the supply-chain pallet (placeholder).
