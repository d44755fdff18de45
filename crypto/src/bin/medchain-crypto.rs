//! # `medchain-crypto`: medchain's privacy cryptography on the command line
//!
//! A small tool over the `medchain-crypto` library for the JavaScript end-to-end tests against a
//! dev node (they run it to make study keys, contributions, decryptions and predicate proofs that
//! the runtime then verifies) and for key holders working offline. It is built only with the
//! `cli` feature, so the `no_std` library and the runtime are unaffected:
//!
//! ```text
//! cargo build --release -p medchain-crypto --features cli
//! "$CARGO_TARGET_DIR"/release/medchain-crypto --help
//! ```
//!
//! Commands (the exact usage is [`USAGE`], printed by `--help`):
//! - `study-key --genesis G --study N`: a key holder's new secret and the study key to publish.
//! - `encrypt --genesis G --study N --key H --submitter A --value V --bits K`: a contribution,
//!   `(C, D)` with its validity proof and a proof that `V < 2^K`, bound to the submitter `A`.
//! - `decrypt --genesis G --study N --secret Y --c C --d D --submitter A [--max-bits M]`: the
//!   total of a summed ciphertext with its decryption proof, bound to the publishing account `A`.
//! - `commit --value V`: a fresh Pedersen commitment and its blinding (the opening to keep).
//! - `prove --genesis G --scope N --submitter A --predicate P --value V --blinding S
//!   [--value2 V2 --blinding2 S2] --bits K`: a proof of `at-least:T`, `at-most:T`, `between:A:B`
//!   or `not-above` about attested commitments.
//!
//! Arguments are `--name value` pairs; byte strings are hex with a `0x` prefix, numbers are
//! decimal. On success it prints exactly one line of JSON on stdout (hex with `0x` for bytes,
//! plain numbers for the decrypted total, which is below `2^48` so JavaScript numbers hold it)
//! and exits with 0; on error it prints one line on stderr and exits with 2. Randomness comes
//! from the operating system (`rand_core::OsRng`).
//!
//! Command-line arguments are visible to other users of the machine (process list, shell
//! history): give `--secret` and `--blinding` only on a machine you trust.

use std::{ffi::OsString, io::Write, process::ExitCode};

use curve25519_dalek::{ristretto::CompressedRistretto, traits::Identity};
use medchain_crypto::{
	encrypt, study_base, Ciphertext, Commitment, Context, PointBytes, Predicate, PredicateProof, ProofError,
	RangeProof, StudySecret, ValidityProof, RANGE_BITS,
};
use rand_core::{CryptoRng, OsRng, RngCore};

/// What `--help` prints.
const USAGE: &str = "\
medchain-crypto: medchain's privacy cryptography on the command line

Usage: medchain-crypto <command> [--name value]...

Byte strings are hex with a 0x prefix; numbers are decimal. On success: one line of JSON on
stdout, exit code 0. On error: a message on stderr, exit code 2.

Commands:
  study-key --genesis 0x<32 bytes> --study <u64>
      A study key holder's new secret (keep it) and the study key to publish.
      -> {\"secret\":\"0x..\",\"key\":\"0x..\"}

  encrypt --genesis 0x<32 bytes> --study <u64> --key 0x<study key> --submitter 0x<account>
          --value <u64> --bits <8|16|32|64>
      A contribution: the value encrypted to the study key, a proof that the ciphertext is
      well formed (128 bytes) and a range proof that the value is below 2^bits, both bound to
      the chain, the study and the submitting account.
      -> {\"c\":\"0x..\",\"d\":\"0x..\",\"validity\":\"0x..\",\"range\":\"0x..\"}

  decrypt --genesis 0x<32 bytes> --study <u64> --secret 0x<study secret> --c 0x<point>
          --d 0x<point> --submitter 0x<account> [--max-bits <1..48>]
      The total of a study's summed ciphertext (C, D) and the proof of its decryption
      (96 bytes), bound to the key holder's account that publishes it. The total must be below
      2^max-bits (default 32); time and memory grow as 2^(max-bits/2). Decrypting needs only
      the secret, but the proof is made for the study key of --genesis and --study: with the
      wrong ones the chain refuses it.
      -> {\"total\":<u64>,\"proof\":\"0x..\"}

  commit --value <u64>
      A fresh Pedersen commitment to the value, for a provider to attest, and its blinding
      (keep it secret: with the value it is what proving needs).
      -> {\"commitment\":\"0x..\",\"blinding\":\"0x..\"}

  prove --genesis 0x<32 bytes> --scope <u64> --submitter 0x<account>
        --predicate <at-least:T | at-most:T | between:A:B | not-above>
        --value <u64> --blinding 0x<32 bytes> [--value2 <u64> --blinding2 0x<32 bytes>]
        --bits <8|16|32|64>
      A proof of the predicate about the attested commitments to the values, bound to the
      chain, the scope and the submitting account. not-above (the first value is at most the
      second) takes the second opening as --value2 and --blinding2. Each shifted value
      (value - T, T - value, value - A and B - value, value2 - value) must be below 2^bits.
      -> {\"proof\":\"0x..\"}

  help, --help, -h
      This text.
";

/// The commands, for error messages.
const COMMANDS: &str = "study-key, encrypt, decrypt, commit or prove";

/// What a successful run prints on stdout.
#[derive(Debug, PartialEq, Eq)]
enum Output {
	/// One line of JSON.
	Json(String),
	/// [`USAGE`].
	Usage,
}

/// A command's `--name value` options, names without the dashes.
#[derive(Debug)]
struct Options(Vec<(String, String)>);

impl Options {
	/// Parses `--name value` pairs, each name one of `allowed` and given at most once.
	fn parse(args: &[String], allowed: &[&str]) -> Result<Self, String> {
		let mut options: Vec<(String, String)> = Vec::new();
		let mut rest = args.iter();
		while let Some(arg) = rest.next() {
			let Some(name) = arg.strip_prefix("--").filter(|name| !name.is_empty()) else {
				return Err(format!("unexpected argument \"{arg}\": options are --name value"));
			};
			if !allowed.contains(&name) {
				let known: Vec<String> = allowed.iter().map(|name| format!("--{name}")).collect();
				return Err(format!("unknown option --{name} (this command takes {})", known.join(", ")));
			}
			if options.iter().any(|(given, _)| given == name) {
				return Err(format!("--{name} is given twice"));
			}
			let value = match rest.next() {
				Some(value) if !value.starts_with("--") => value,
				_ => return Err(format!("--{name} needs a value")),
			};
			options.push((name.to_string(), value.clone()));
		}
		Ok(Self(options))
	}

	/// The value of `--name`, if given.
	fn get(&self, name: &str) -> Option<&str> {
		self.0.iter().find(|(given, _)| given == name).map(|(_, value)| value.as_str())
	}

	/// The value of `--name`, which must be given.
	fn required(&self, name: &str) -> Result<&str, String> {
		self.get(name).ok_or_else(|| format!("missing --{name}"))
	}
}

/// `0x` and lowercase hex digits.
fn to_hex(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut text = String::with_capacity(2 + 2 * bytes.len());
	text.push_str("0x");
	for byte in bytes {
		text.push(char::from(DIGITS[usize::from(byte >> 4)]));
		text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
	}
	text
}

fn hex_digit(digit: u8) -> Option<u8> {
	match digit {
		b'0'..=b'9' => Some(digit - b'0'),
		b'a'..=b'f' => Some(digit - b'a' + 10),
		b'A'..=b'F' => Some(digit - b'A' + 10),
		_ => None,
	}
}

/// The bytes of `0x`-prefixed hex (either case) given as `--name`. Errors never echo the text:
/// it may be a secret.
fn parse_hex(name: &str, text: &str) -> Result<Vec<u8>, String> {
	let digits = text
		.strip_prefix("0x")
		.ok_or_else(|| format!("--{name}: expected hex starting with 0x"))?;
	if digits.len() % 2 != 0 {
		return Err(format!("--{name}: odd number of hex digits ({})", digits.len()));
	}
	digits
		.as_bytes()
		.chunks(2)
		.enumerate()
		.map(|(i, pair)| match pair {
			[high, low] => match (hex_digit(*high), hex_digit(*low)) {
				(Some(high), Some(low)) => Ok(high << 4 | low),
				_ => Err(format!("--{name}: not a hex digit at position {} after 0x", 2 * i)),
			},
			_ => Err(format!("--{name}: odd number of hex digits ({})", digits.len())),
		})
		.collect()
}

/// Exactly `N` bytes of hex.
fn parse_hex_array<const N: usize>(name: &str, text: &str) -> Result<[u8; N], String> {
	let bytes = parse_hex(name, text)?;
	let len = bytes.len();
	bytes
		.try_into()
		.map_err(|_| format!("--{name}: expected {N} bytes ({} hex digits after 0x), got {len}", 2 * N))
}

/// A compressed Ristretto255 point.
fn parse_point(name: &str, text: &str) -> Result<PointBytes, String> {
	let bytes = parse_hex_array::<32>(name, text)?;
	match CompressedRistretto(bytes).decompress() {
		Some(_) => Ok(bytes),
		None => Err(format!("--{name}: not a valid Ristretto255 point")),
	}
}

/// A study secret, as `study-key` prints it.
fn parse_secret(name: &str, text: &str) -> Result<StudySecret, String> {
	StudySecret::from_bytes(&parse_hex_array::<32>(name, text)?)
		.ok_or_else(|| format!("--{name}: not a canonical scalar (a secret as study-key prints it)"))
}

/// The submitting account's bytes (its public key).
fn parse_submitter(name: &str, text: &str) -> Result<Vec<u8>, String> {
	let bytes = parse_hex(name, text)?;
	if bytes.is_empty() {
		return Err(format!("--{name}: empty; give the account's public key bytes"));
	}
	Ok(bytes)
}

/// A decimal `u64` (digits only).
fn parse_u64(name: &str, text: &str) -> Result<u64, String> {
	let error = || format!("--{name}: expected a decimal number from 0 to {}, got \"{text}\"", u64::MAX);
	if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
		return Err(error());
	}
	text.parse().map_err(|_| error())
}

/// A range size of [`RANGE_BITS`].
fn parse_bits(name: &str, text: &str) -> Result<u32, String> {
	let bits = parse_u64(name, text)?;
	RANGE_BITS
		.iter()
		.copied()
		.find(|allowed| u64::from(*allowed) == bits)
		.ok_or_else(|| format!("--{name}: expected 8, 16, 32 or 64, got {bits}"))
}

/// The bound of the discrete logarithm search: 1 to 48 bits.
fn parse_max_bits(name: &str, text: &str) -> Result<u32, String> {
	match parse_u64(name, text)? {
		bits @ 1..=48 => Ok(bits as u32),
		bits => Err(format!("--{name}: expected 1 to 48, got {bits}")),
	}
}

/// `at-least:T`, `at-most:T`, `between:A:B` (`A <= B`) or `not-above`.
fn parse_predicate(name: &str, text: &str) -> Result<Predicate, String> {
	let parts: Vec<&str> = text.split(':').collect();
	match parts.as_slice() {
		["at-least", t] => Ok(Predicate::AtLeast(parse_u64(name, t)?)),
		["at-most", t] => Ok(Predicate::AtMost(parse_u64(name, t)?)),
		["between", low, high] => {
			let (low, high) = (parse_u64(name, low)?, parse_u64(name, high)?);
			if low > high {
				return Err(format!("--{name}: between:{low}:{high} is empty (needs A <= B)"));
			}
			Ok(Predicate::Between(low, high))
		},
		["not-above"] => Ok(Predicate::NotAbove),
		_ => Err(format!("--{name}: expected at-least:T, at-most:T, between:A:B or not-above, got \"{text}\"")),
	}
}

/// A JSON value of the output.
enum Value<'a> {
	/// A `0x` hex string.
	Bytes(&'a [u8]),
	/// A number.
	Number(u64),
}

/// One line of JSON: an object of `fields` in order (the keys are plain identifiers).
fn json_object(fields: &[(&str, Value)]) -> String {
	let fields: Vec<String> = fields
		.iter()
		.map(|(key, value)| match value {
			Value::Bytes(bytes) => format!("\"{key}\":\"{}\"", to_hex(bytes)),
			Value::Number(number) => format!("\"{key}\":{number}"),
		})
		.collect();
	format!("{{{}}}", fields.join(","))
}

fn study_key<R: RngCore + CryptoRng>(options: &Options, rng: &mut R) -> Result<String, String> {
	let genesis = parse_hex_array::<32>("genesis", options.required("genesis")?)?;
	let study = parse_u64("study", options.required("study")?)?;
	let secret = StudySecret::generate(rng);
	let key = secret.study_key(&study_base(&genesis, study));
	Ok(json_object(&[("secret", Value::Bytes(&secret.to_bytes())), ("key", Value::Bytes(&key))]))
}

fn encrypt_command<R: RngCore + CryptoRng>(options: &Options, rng: &mut R) -> Result<String, String> {
	let genesis = parse_hex_array::<32>("genesis", options.required("genesis")?)?;
	let study = parse_u64("study", options.required("study")?)?;
	let key = parse_point("key", options.required("key")?)?;
	let submitter = parse_submitter("submitter", options.required("submitter")?)?;
	let value = parse_u64("value", options.required("value")?)?;
	let bits = parse_bits("bits", options.required("bits")?)?;
	if key == CompressedRistretto::identity().to_bytes() {
		return Err("--key: the identity point is no study key (the ciphertext would show the value)".into());
	}
	if bits < 64 && value >> bits != 0 {
		return Err(format!("--value does not fit in --bits {bits} (it must be below 2^{bits})"));
	}
	let base = study_base(&genesis, study);
	let context = Context { genesis, scope: study, submitter: &submitter };
	let (ciphertext, opening) = encrypt(&base, &key, value, rng).ok_or("--key: not a valid Ristretto255 point")?;
	let validity = ValidityProof::prove(&context, &base, &key, &ciphertext, &opening, rng)
		.ok_or("--key: not a valid Ristretto255 point")?;
	let range = RangeProof::prove(&context, &key, &ciphertext, &opening, bits, rng)
		.map_err(|error| format!("could not make the range proof: {error}"))?;
	Ok(json_object(&[
		("c", Value::Bytes(&ciphertext.c)),
		("d", Value::Bytes(&ciphertext.d)),
		("validity", Value::Bytes(&validity.0)),
		("range", Value::Bytes(&range.0)),
	]))
}

fn decrypt<R: RngCore + CryptoRng>(options: &Options, rng: &mut R) -> Result<String, String> {
	let genesis = parse_hex_array::<32>("genesis", options.required("genesis")?)?;
	let study = parse_u64("study", options.required("study")?)?;
	let secret = parse_secret("secret", options.required("secret")?)?;
	let c = parse_point("c", options.required("c")?)?;
	let d = parse_point("d", options.required("d")?)?;
	let submitter = parse_submitter("submitter", options.required("submitter")?)?;
	let max_bits = match options.get("max-bits") {
		Some(text) => parse_max_bits("max-bits", text)?,
		None => 32,
	};
	let base = study_base(&genesis, study);
	let context = Context { genesis, scope: study, submitter: &submitter };
	let (total, proof) = secret
		.decrypt_and_prove(&context, &base, &Ciphertext { c, d }, max_bits, rng)
		.ok_or_else(|| {
			format!(
				"no total below 2^{max_bits} decrypts this ciphertext: either --secret is not the study's \
				 secret (with --genesis and --study it gives the study key {}: compare it with the published \
				 one) or the total needs a larger --max-bits (up to 48)",
				to_hex(&secret.study_key(&base)),
			)
		})?;
	Ok(json_object(&[("total", Value::Number(total)), ("proof", Value::Bytes(&proof.0))]))
}

fn commit<R: RngCore + CryptoRng>(options: &Options, rng: &mut R) -> Result<String, String> {
	let value = parse_u64("value", options.required("value")?)?;
	let commitment = Commitment::new(value, rng);
	Ok(json_object(&[
		("commitment", Value::Bytes(&commitment.point())),
		("blinding", Value::Bytes(&commitment.blinding_bytes())),
	]))
}

/// The opening given as `--<value> V --<blinding> S`.
fn parse_opening(options: &Options, value: &str, blinding: &str) -> Result<Commitment, String> {
	let number = parse_u64(value, options.required(value)?)?;
	Commitment::from_parts(number, &parse_hex_array::<32>(blinding, options.required(blinding)?)?)
		.ok_or_else(|| format!("--{blinding}: not a canonical scalar (a blinding as commit prints it)"))
}

/// Why `predicate` does not hold for `openings`, if it does not (never showing the values).
fn predicate_failure(predicate: &Predicate, openings: &[Commitment]) -> Option<String> {
	match (predicate, openings) {
		(Predicate::AtLeast(t), [v]) if v.value < *t => Some(format!("the value is below {t}")),
		(Predicate::AtMost(t), [v]) if v.value > *t => Some(format!("the value is above {t}")),
		(Predicate::Between(low, high), [v]) if v.value < *low || v.value > *high =>
			Some(format!("the value is outside [{low}, {high}]")),
		(Predicate::NotAbove, [first, second]) if first.value > second.value =>
			Some("--value is above --value2".into()),
		_ => None,
	}
}

fn prove<R: RngCore + CryptoRng>(options: &Options, rng: &mut R) -> Result<String, String> {
	let genesis = parse_hex_array::<32>("genesis", options.required("genesis")?)?;
	let scope = parse_u64("scope", options.required("scope")?)?;
	let submitter = parse_submitter("submitter", options.required("submitter")?)?;
	let predicate = parse_predicate("predicate", options.required("predicate")?)?;
	let bits = parse_bits("bits", options.required("bits")?)?;
	let first = parse_opening(options, "value", "blinding")?;
	let openings = match predicate {
		Predicate::NotAbove => vec![first, parse_opening(options, "value2", "blinding2")?],
		_ if options.get("value2").is_some() || options.get("blinding2").is_some() =>
			return Err("--value2 and --blinding2 are only for --predicate not-above".into()),
		_ => vec![first],
	};
	if let Some(reason) = predicate_failure(&predicate, &openings) {
		return Err(format!("the predicate does not hold: {reason}"));
	}
	let context = Context { genesis, scope, submitter: &submitter };
	let proof = PredicateProof::prove(&context, &predicate, &openings, bits, rng).map_err(|error| match error {
		ProofError::InvalidBitsize => format!("a shifted value is not below 2^{bits}: use a larger --bits"),
		error => format!("could not make the proof: {error}"),
	})?;
	Ok(json_object(&[("proof", Value::Bytes(&proof.0))]))
}

/// Runs the command line `args` (without the program name).
fn run<R: RngCore + CryptoRng>(args: &[String], rng: &mut R) -> Result<Output, String> {
	let Some((command, rest)) = args.split_first() else {
		return Err(format!("no command given: expected {COMMANDS} (see --help)"));
	};
	if command == "help" || args.iter().any(|arg| arg == "--help" || arg == "-h") {
		return Ok(Output::Usage);
	}
	let json = match command.as_str() {
		"study-key" => Options::parse(rest, &["genesis", "study"]).and_then(|options| study_key(&options, rng)),
		"encrypt" => Options::parse(rest, &["genesis", "study", "key", "submitter", "value", "bits"])
			.and_then(|options| encrypt_command(&options, rng)),
		"decrypt" => Options::parse(rest, &["genesis", "study", "secret", "c", "d", "submitter", "max-bits"])
			.and_then(|options| decrypt(&options, rng)),
		"commit" => Options::parse(rest, &["value"]).and_then(|options| commit(&options, rng)),
		"prove" => Options::parse(
			rest,
			&["genesis", "scope", "submitter", "predicate", "value", "blinding", "value2", "blinding2", "bits"],
		)
		.and_then(|options| prove(&options, rng)),
		_ => return Err(format!("unknown command \"{command}\": expected {COMMANDS} (see --help)")),
	};
	json.map(Output::Json).map_err(|error| format!("{command}: {error}"))
}

/// What the process prints and its exit code.
#[derive(Debug, PartialEq, Eq)]
struct Response {
	stdout: String,
	stderr: String,
	code: u8,
}

/// The usage or one JSON line on stdout with code 0, or one error line on stderr with code 2.
fn respond<R: RngCore + CryptoRng>(args: &[String], rng: &mut R) -> Response {
	match run(args, rng) {
		Ok(Output::Json(line)) => Response { stdout: format!("{line}\n"), stderr: String::new(), code: 0 },
		Ok(Output::Usage) => Response { stdout: USAGE.to_string(), stderr: String::new(), code: 0 },
		Err(error) => Response { stdout: String::new(), stderr: format!("medchain-crypto: error: {error}\n"), code: 2 },
	}
}

fn main() -> ExitCode {
	let args: Result<Vec<String>, OsString> = std::env::args_os().skip(1).map(OsString::into_string).collect();
	let response = match args {
		Ok(args) => {
			// `OsRng` panics when the system source fails: check it once, with a clear error.
			if let Err(error) = OsRng.try_fill_bytes(&mut [0u8; 32]) {
				eprintln!("medchain-crypto: error: the operating system's random source failed: {error}");
				return ExitCode::from(2);
			}
			respond(&args, &mut OsRng)
		},
		Err(arg) => Response {
			stdout: String::new(),
			stderr: format!("medchain-crypto: error: argument {arg:?} is not valid UTF-8\n"),
			code: 2,
		},
	};
	if let Err(error) = std::io::stdout().lock().write_all(response.stdout.as_bytes()) {
		eprintln!("medchain-crypto: error: cannot write to stdout: {error}");
		return ExitCode::from(2);
	}
	// Nothing better to do if stderr is gone: the exit code still tells.
	let _ = std::io::stderr().lock().write_all(response.stderr.as_bytes());
	ExitCode::from(response.code)
}

#[cfg(test)]
mod tests {
	use super::*;
	use medchain_crypto::{range_generators, DecryptionProof};
	use std::collections::BTreeMap;

	const GENESIS: [u8; 32] = [7; 32];

	fn args(line: &str) -> Vec<String> {
		line.split_whitespace().map(str::to_string).collect()
	}

	/// Runs a command that must succeed; its JSON fields as text (strings without quotes).
	fn run_ok(line: &str) -> BTreeMap<String, String> {
		let response = respond(&args(line), &mut OsRng);
		assert_eq!((response.code, response.stderr.as_str()), (0, ""), "{line}");
		parse_json(&response.stdout)
	}

	/// The error message of a command that must fail.
	fn run_err(line: &str) -> String {
		let response = respond(&args(line), &mut OsRng);
		assert_eq!((response.code, response.stdout.as_str()), (2, ""), "{line}");
		assert!(response.stderr.starts_with("medchain-crypto: error: ") && response.stderr.ends_with('\n'));
		assert_eq!(response.stderr.lines().count(), 1);
		response.stderr
	}

	/// A flat JSON object of strings and numbers, as the tool prints it: exactly one line.
	fn parse_json(stdout: &str) -> BTreeMap<String, String> {
		let line = stdout.strip_suffix('\n').unwrap();
		assert!(!line.contains('\n'));
		let body = line.strip_prefix('{').unwrap().strip_suffix('}').unwrap();
		body.split(',')
			.map(|field| {
				let (key, value) = field.split_once(':').unwrap();
				let key = key.strip_prefix('"').unwrap().strip_suffix('"').unwrap();
				let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
				(key.to_string(), value.to_string())
			})
			.collect()
	}

	fn bytes(text: &str) -> Vec<u8> {
		parse_hex("test", text).unwrap()
	}

	fn array<const N: usize>(text: &str) -> [u8; N] {
		parse_hex_array::<N>("test", text).unwrap()
	}

	#[test]
	fn hex_formats_and_parses() {
		assert_eq!(to_hex(&[]), "0x");
		assert_eq!(to_hex(&[0x00, 0x0f, 0xab, 0xff]), "0x000fabff");
		assert_eq!(parse_hex("x", "0x000fabff"), Ok(vec![0x00, 0x0f, 0xab, 0xff]));
		assert_eq!(parse_hex("x", "0xABcd"), Ok(vec![0xab, 0xcd]));
		assert_eq!(parse_hex("x", "0x"), Ok(vec![]));
		let all: Vec<u8> = (0..=255).collect();
		assert_eq!(parse_hex("x", &to_hex(&all)), Ok(all));
		assert_eq!(parse_hex_array::<2>("x", "0x0102"), Ok([1, 2]));
	}

	#[test]
	fn bad_hex_is_refused_without_echoing_it() {
		assert_eq!(parse_hex("secret", "abcd"), Err("--secret: expected hex starting with 0x".into()));
		assert_eq!(parse_hex("secret", "0Xabcd"), Err("--secret: expected hex starting with 0x".into()));
		assert_eq!(parse_hex("secret", "0xabc"), Err("--secret: odd number of hex digits (3)".into()));
		assert_eq!(parse_hex("secret", "0xabzd"), Err("--secret: not a hex digit at position 2 after 0x".into()));
		assert_eq!(parse_hex("secret", "0x+1"), Err("--secret: not a hex digit at position 0 after 0x".into()));
		assert_eq!(
			parse_hex_array::<32>("genesis", "0x0102"),
			Err("--genesis: expected 32 bytes (64 hex digits after 0x), got 2".into())
		);
		assert!(parse_point("key", &to_hex(&[0xff; 32]))
			.unwrap_err()
			.contains("not a valid Ristretto255 point"));
		assert!(parse_secret("secret", &to_hex(&[0xff; 32])).is_err());
		assert!(parse_submitter("submitter", "0x").unwrap_err().contains("empty"));
	}

	#[test]
	fn numbers_bits_and_predicates_parse_strictly() {
		assert_eq!(parse_u64("value", "0"), Ok(0));
		assert_eq!(parse_u64("value", "18446744073709551615"), Ok(u64::MAX));
		for bad in ["", "-1", "+1", "1.5", "0x10", "18446744073709551616", " 1"] {
			assert!(
				parse_u64("value", bad)
					.unwrap_err()
					.starts_with("--value: expected a decimal number"),
				"{bad}"
			);
		}
		assert_eq!(parse_bits("bits", "16"), Ok(16));
		assert_eq!(parse_bits("bits", "12"), Err("--bits: expected 8, 16, 32 or 64, got 12".into()));
		assert_eq!(parse_max_bits("max-bits", "48"), Ok(48));
		assert!(parse_max_bits("max-bits", "0").is_err());
		assert!(parse_max_bits("max-bits", "49").is_err());
		assert_eq!(parse_predicate("p", "at-least:18"), Ok(Predicate::AtLeast(18)));
		assert_eq!(parse_predicate("p", "at-most:39586"), Ok(Predicate::AtMost(39_586)));
		assert_eq!(parse_predicate("p", "between:70:110"), Ok(Predicate::Between(70, 110)));
		assert_eq!(parse_predicate("p", "not-above"), Ok(Predicate::NotAbove));
		assert!(parse_predicate("p", "between:110:70").unwrap_err().contains("is empty"));
		for bad in ["at-least", "at-least:", "at-least:x", "at-most:1:2", "between:1", "not-above:3", "above:3"] {
			assert!(parse_predicate("p", bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn json_is_one_flat_line() {
		let line = json_object(&[("total", Value::Number(42)), ("proof", Value::Bytes(&[1, 0xab]))]);
		assert_eq!(line, r#"{"total":42,"proof":"0x01ab"}"#);
		assert_eq!(json_object(&[]), "{}");
	}

	#[test]
	fn argument_errors_exit_with_2_and_a_message() {
		let genesis = to_hex(&GENESIS);
		assert!(run_err("").contains("no command given"));
		assert!(run_err("frobnicate --value 1").contains("unknown command \"frobnicate\""));
		assert!(run_err("commit").contains("commit: missing --value"));
		assert!(run_err("commit --value").contains("commit: --value needs a value"));
		assert!(run_err("commit --value --value 3").contains("--value needs a value"));
		assert!(run_err("commit --value 1 --value 2").contains("--value is given twice"));
		assert!(run_err("commit 5").contains("unexpected argument \"5\""));
		assert!(run_err("commit --value 1 --bits 8").contains("unknown option --bits (this command takes --value)"));
		assert!(run_err("commit --value 1 --").contains("unexpected argument \"--\""));
		assert!(run_err("commit --value -3").contains("--value: expected a decimal number"));
		assert!(run_err("study-key --genesis 0x01 --study 1").contains("--genesis: expected 32 bytes"));
		assert!(run_err(&format!("study-key --genesis {genesis}")).contains("study-key: missing --study"));
		// Help goes to stdout with code 0, whatever else is given.
		for line in ["--help", "-h", "help", "encrypt --help", "commit --value 1 -h"] {
			let response = respond(&args(line), &mut OsRng);
			assert_eq!(response, Response { stdout: USAGE.into(), stderr: String::new(), code: 0 });
		}
	}

	#[test]
	fn study_key_round_trip() {
		let out = run_ok(&format!("study-key --genesis {} --study 3", to_hex(&GENESIS)));
		assert_eq!(out.len(), 2);
		let secret = StudySecret::from_bytes(&array(&out["secret"])).unwrap();
		assert_eq!(to_hex(&secret.study_key(&study_base(&GENESIS, 3))), out["key"]);
		// Another study has another key for the same secret.
		assert_ne!(to_hex(&secret.study_key(&study_base(&GENESIS, 4))), out["key"]);
	}

	#[test]
	fn encrypt_round_trip() {
		let base = study_base(&GENESIS, 3);
		let secret = StudySecret::generate(&mut OsRng);
		let key = secret.study_key(&base);
		let submitter = [5u8; 32];
		let line = format!(
			"encrypt --genesis {} --study 3 --key {} --submitter {} --value 1234 --bits 16",
			to_hex(&GENESIS),
			to_hex(&key),
			to_hex(&submitter),
		);
		let out = run_ok(&line);
		assert_eq!(out.len(), 4);
		let ciphertext = Ciphertext { c: array(&out["c"]), d: array(&out["d"]) };
		let context = Context { genesis: GENESIS, scope: 3, submitter: &submitter };
		let validity = ValidityProof(array(&out["validity"]));
		assert!(validity.verify(&context, &base, &key, &ciphertext));
		let range = RangeProof(bytes(&out["range"]));
		assert!(range.verify(&context, &key, &ciphertext, 16, &range_generators(16)));
		assert!(!range.verify(&context, &key, &ciphertext, 8, &range_generators(16)));
		let other = Context { submitter: &[6u8; 32], ..context };
		assert!(!validity.verify(&other, &base, &key, &ciphertext));
		let decrypted = secret.decrypt(&ciphertext).unwrap();
		assert_eq!(medchain_crypto::solve_discrete_log(&decrypted, 16), Some(1234));
		// A value that does not fit, and the identity as a key, are refused.
		assert!(run_err(&line.replace("--value 1234", "--value 65536")).contains("does not fit in --bits 16"));
		assert!(run_err(&line.replace(&to_hex(&key), &to_hex(&[0; 32]))).contains("identity point"));
		assert!(run_err(&line.replace("--bits 16", "--bits 12")).contains("expected 8, 16, 32 or 64"));
	}

	#[test]
	fn decrypt_round_trip() {
		let base = study_base(&GENESIS, 9);
		let secret = StudySecret::generate(&mut OsRng);
		let key = secret.study_key(&base);
		let mut total = Ciphertext::zero();
		for value in [40_000, 50_000, 3] {
			let (ciphertext, _) = encrypt(&base, &key, value, &mut OsRng).unwrap();
			total = total.add(&ciphertext).unwrap();
		}
		let holder = [0xaa; 32];
		let line = format!(
			"decrypt --genesis {} --study 9 --secret {} --c {} --d {} --submitter {}",
			to_hex(&GENESIS),
			to_hex(&secret.to_bytes()),
			to_hex(&total.c),
			to_hex(&total.d),
			to_hex(&holder),
		);
		let out = run_ok(&line);
		assert_eq!(out.len(), 2);
		assert_eq!(out["total"], "90003");
		let proof = DecryptionProof(array(&out["proof"]));
		let context = Context { genesis: GENESIS, scope: 9, submitter: &holder };
		assert!(proof.verify(&context, &base, &key, &total, 90_003));
		assert!(!proof.verify(&context, &base, &key, &total, 90_004));
		// The total needs 17 bits: 16 is too few; another study's secret finds nothing.
		assert!(run_err(&format!("{line} --max-bits 16")).contains("no total below 2^16"));
		assert_eq!(run_ok(&format!("{line} --max-bits 17"))["total"], "90003");
		let other = to_hex(&StudySecret::generate(&mut OsRng).to_bytes());
		assert!(run_err(&line.replace(&to_hex(&secret.to_bytes()), &other)).contains("is not the study's secret"));
		assert!(run_err(&format!("{line} --max-bits 64")).contains("--max-bits: expected 1 to 48"));
	}

	#[test]
	fn commit_round_trip() {
		let out = run_ok("commit --value 39586");
		assert_eq!(out.len(), 2);
		let opening = Commitment::from_parts(39_586, &array(&out["blinding"])).unwrap();
		assert_eq!(to_hex(&opening.point()), out["commitment"]);
		// Fresh blinding every time.
		assert_ne!(run_ok("commit --value 39586")["commitment"], out["commitment"]);
	}

	#[test]
	fn prove_round_trip() {
		let submitter = [3u8; 32];
		let context = Context { genesis: GENESIS, scope: 11, submitter: &submitter };
		let generators = medchain_crypto::predicate_generators(&Predicate::Between(0, 0), 32); // room for all
		let (a, b) = (Commitment::new(32_944, &mut OsRng), Commitment::new(39_586, &mut OsRng));
		let prefix =
			format!("prove --genesis {} --scope 11 --submitter {} --bits 32", to_hex(&GENESIS), to_hex(&submitter));
		let first = format!("--value {} --blinding {}", a.value, to_hex(&a.blinding_bytes()));
		let second = format!("--value2 {} --blinding2 {}", b.value, to_hex(&b.blinding_bytes()));
		let cases = [
			(Predicate::AtLeast(18), "at-least:18", first.clone(), vec![a.point()]),
			(Predicate::AtMost(39_586), "at-most:39586", first.clone(), vec![a.point()]),
			(Predicate::Between(30_000, 35_000), "between:30000:35000", first.clone(), vec![a.point()]),
			(Predicate::NotAbove, "not-above", format!("{first} {second}"), vec![a.point(), b.point()]),
		];
		for (predicate, text, openings, points) in cases {
			let out = run_ok(&format!("{prefix} --predicate {text} {openings}"));
			assert_eq!(out.len(), 1);
			let proof = PredicateProof(bytes(&out["proof"]));
			assert!(proof.verify(&context, &predicate, &points, 32, &generators), "{text}");
			let elsewhere = Context { scope: 12, ..context };
			assert!(!proof.verify(&elsewhere, &predicate, &points, 32, &generators), "{text}");
		}
		// False statements, missing or superfluous openings and bad blindings are refused.
		let fails = |rest: &str| run_err(&format!("{prefix} {rest}"));
		assert!(
			fails(&format!("--predicate at-most:32943 {first}")).contains("does not hold: the value is above 32943")
		);
		assert!(fails(&format!("--predicate at-least:32945 {first}")).contains("does not hold"));
		assert!(fails(&format!("--predicate between:0:10 {first}")).contains("does not hold"));
		let reversed = format!(
			"--value {} --blinding {} --value2 {} --blinding2 {}",
			b.value,
			to_hex(&b.blinding_bytes()),
			a.value,
			to_hex(&a.blinding_bytes())
		);
		assert!(fails(&format!("--predicate not-above {reversed}")).contains("--value is above --value2"));
		assert!(fails(&format!("--predicate not-above {first}")).contains("missing --value2"));
		assert!(fails(&format!("--predicate at-least:1 {first} {second}")).contains("only for --predicate not-above"));
		let bad_blinding = format!("--value 1 --blinding {}", to_hex(&[0xff; 32]));
		assert!(fails(&format!("--predicate at-least:1 {bad_blinding}")).contains("--blinding: not a canonical scalar"));
		let narrow = run_err(&format!("{} --predicate at-least:0 {first}", prefix.replace("--bits 32", "--bits 8")));
		assert!(narrow.contains("not below 2^8"));
	}
}
