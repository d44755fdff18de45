//! The coverage-guided entry point: AFL++ (through cargo-afl) mutates inputs and keeps those
//! that reach new code; a panic or a broken invariant is a crash. Built and run by
//! `scripts/fuzz.sh afl`, with the same harness and oracles as `medchain-fuzz soak`.

use medchain_fuzz::Harness;

fn main() {
	let harness = match Harness::new() {
		Ok(harness) => harness,
		Err(error) => panic!("the setup state could not be built: {error}"),
	};
	afl::fuzz!(|data: &[u8]| {
		let outcome = harness.run(data);
		if outcome.failed() {
			panic!("{:?} {:?}", outcome.panic, outcome.violations);
		}
	});
}
