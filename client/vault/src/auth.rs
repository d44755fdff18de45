//! Who is calling: single-use challenges and sr25519 request signatures (see
//! [`medchain_client::protocol`] for the wire format).
//!
//! A caller fetches a challenge ([`Challenges::issue`]), signs [`protocol::auth_message`] over
//! it, the method, the path with its query and the BLAKE2-256 hash of the body, and sends the
//! three headers. The server checks, in this order: the headers are well-formed
//! ([`AuthHeaders::from_headers`]); the challenge was issued here, is unused and unexpired
//! ([`Challenges::check`]); then, once the body is read, the signature
//! ([`AuthHeaders::verify`]); and only then spends the challenge ([`Challenges::consume`]),
//! atomically, so of two requests racing with one challenge exactly one gets through. A
//! request with a bad signature does not spend the challenge (a party that saw the challenge
//! but holds no key cannot burn it for its owner).
//!
//! The number of challenges remembered is bounded ([`Challenges::new`]): issued challenges stay
//! remembered, used or not, until they expire (so a replay is answered `challenge_used`, not
//! `unknown_challenge`), and once the bound is reached new challenges are refused until some
//! expire.

use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU64, Ordering},
		Mutex, PoisonError,
	},
	time::{SystemTime, UNIX_EPOCH},
};

use axum::http::HeaderMap;
use medchain_client::protocol::{
	self, Challenge, ACCOUNT_HEADER, CHALLENGE_HEADER, CHALLENGE_LIFETIME_SECS, SIGNATURE_HEADER,
	SIGNING_CONTEXT,
};
use rand_core::{OsRng, RngCore};

use crate::{
	encoding::{from_hex, to_hex},
	AccountId,
};

/// The default bound on remembered challenges.
pub const DEFAULT_MAX_CHALLENGES: usize = 10_000;

/// Why a request was not authenticated. Each has a stable code for [`protocol::ErrorBody`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
	/// An authentication header is missing.
	#[error("the {0} header is missing")]
	MissingHeader(&'static str),
	/// An authentication header is not `0x` hex of the right length.
	#[error("the {0} header is not 0x hex of the right length")]
	BadHeader(&'static str),
	/// The challenge was not issued here (or expired long ago and was forgotten).
	#[error("this challenge was not issued by this vault, or has been forgotten")]
	UnknownChallenge,
	/// The challenge was already used.
	#[error("this challenge has already been used")]
	ChallengeUsed,
	/// The challenge expired.
	#[error("this challenge has expired")]
	ChallengeExpired,
	/// The signature does not verify for this account and request.
	#[error("the signature does not verify for this account and request")]
	BadSignature,
	/// Too many challenges are outstanding.
	#[error("too many challenges are outstanding; try again shortly")]
	TooManyChallenges,
	/// The operating system's random number generator failed.
	#[error("no randomness available")]
	NoRandomness,
}

impl AuthError {
	/// The stable error code.
	pub fn code(&self) -> &'static str {
		match self {
			Self::MissingHeader(_) => "missing_auth",
			Self::BadHeader(_) => "bad_auth_header",
			Self::UnknownChallenge => "unknown_challenge",
			Self::ChallengeUsed => "challenge_used",
			Self::ChallengeExpired => "challenge_expired",
			Self::BadSignature => "bad_signature",
			Self::TooManyChallenges => "too_many_challenges",
			Self::NoRandomness => "internal",
		}
	}
}

/// The time, in Unix seconds. A trait so that tests can move it.
pub trait Clock: Send + Sync + 'static {
	/// Now, in Unix seconds.
	fn now(&self) -> u64;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
	fn now(&self) -> u64 {
		// A clock before 1970 reads as 0: challenges then expire early, never late.
		SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
	}
}

/// A clock that moves only when told to: for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
	/// A clock showing `now`.
	pub fn new(now: u64) -> Self {
		Self(AtomicU64::new(now))
	}

	/// Moves the clock forward by `seconds`.
	pub fn advance(&self, seconds: u64) {
		self.0.fetch_add(seconds, Ordering::SeqCst);
	}
}

impl Clock for ManualClock {
	fn now(&self) -> u64 {
		self.0.load(Ordering::SeqCst)
	}
}

#[derive(Clone, Copy, Debug)]
struct Issued {
	expires_at: u64,
	used: bool,
}

/// The challenges this vault issued and has not forgotten yet.
#[derive(Debug)]
pub struct Challenges {
	issued: Mutex<HashMap<[u8; 32], Issued>>,
	max: usize,
}

impl Challenges {
	/// Remembers at most `max` challenges at once (at least one).
	pub fn new(max: usize) -> Self {
		Self { issued: Mutex::new(HashMap::new()), max: max.max(1) }
	}

	fn issued(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Issued>> {
		// Every change under this lock is a single insert or update: still consistent.
		self.issued.lock().unwrap_or_else(PoisonError::into_inner)
	}

	/// A fresh challenge, good for one request until `now + CHALLENGE_LIFETIME_SECS`.
	pub fn issue(&self, now: u64) -> Result<Challenge, AuthError> {
		let mut challenge = [0u8; 32];
		OsRng.try_fill_bytes(&mut challenge).map_err(|_| AuthError::NoRandomness)?;
		let expires_at = now.saturating_add(CHALLENGE_LIFETIME_SECS);
		let mut issued = self.issued();
		if issued.len() >= self.max {
			issued.retain(|_, entry| entry.expires_at > now);
		}
		if issued.len() >= self.max {
			return Err(AuthError::TooManyChallenges);
		}
		issued.insert(challenge, Issued { expires_at, used: false });
		Ok(Challenge { challenge: to_hex(&challenge), expires_at })
	}

	/// Whether `challenge` may still be used at `now` (without using it).
	pub fn check(&self, challenge: &[u8; 32], now: u64) -> Result<(), AuthError> {
		match self.issued().get(challenge) {
			None => Err(AuthError::UnknownChallenge),
			Some(entry) if entry.used => Err(AuthError::ChallengeUsed),
			Some(entry) if now >= entry.expires_at => Err(AuthError::ChallengeExpired),
			Some(_) => Ok(()),
		}
	}

	/// Uses `challenge` up, if it may still be used at `now`.
	pub fn consume(&self, challenge: &[u8; 32], now: u64) -> Result<(), AuthError> {
		match self.issued().get_mut(challenge) {
			None => Err(AuthError::UnknownChallenge),
			Some(entry) if entry.used => Err(AuthError::ChallengeUsed),
			Some(entry) if now >= entry.expires_at => Err(AuthError::ChallengeExpired),
			Some(entry) => {
				entry.used = true;
				Ok(())
			},
		}
	}

	/// How many challenges are remembered (used or not, until they expire and are purged).
	pub fn remembered(&self) -> usize {
		self.issued().len()
	}
}

/// The three authentication headers of a request, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthHeaders {
	/// The caller's account (sr25519 public key).
	pub account: AccountId,
	/// The challenge the caller signed.
	pub challenge: [u8; 32],
	/// The caller's signature.
	pub signature: [u8; 64],
}

fn header<const N: usize>(headers: &HeaderMap, name: &'static str) -> Result<[u8; N], AuthError> {
	let value = headers.get(name).ok_or(AuthError::MissingHeader(name))?;
	let text = value.to_str().map_err(|_| AuthError::BadHeader(name))?;
	from_hex::<N>(text.trim()).ok_or(AuthError::BadHeader(name))
}

impl AuthHeaders {
	/// Reads the headers of a request.
	pub fn from_headers(headers: &HeaderMap) -> Result<Self, AuthError> {
		Ok(Self {
			account: header::<32>(headers, ACCOUNT_HEADER)?,
			challenge: header::<32>(headers, CHALLENGE_HEADER)?,
			signature: header::<64>(headers, SIGNATURE_HEADER)?,
		})
	}

	/// Checks the signature over this request: `method`, `path_and_query` exactly as sent, and
	/// the BLAKE2-256 hash of its body.
	pub fn verify(
		&self,
		method: &str,
		path_and_query: &str,
		body_hash: &[u8; 32],
	) -> Result<(), AuthError> {
		let message = protocol::auth_message(&self.challenge, method, path_and_query, body_hash);
		let public = schnorrkel::PublicKey::from_bytes(&self.account)
			.map_err(|_| AuthError::BadSignature)?;
		let signature = schnorrkel::Signature::from_bytes(&self.signature)
			.map_err(|_| AuthError::BadSignature)?;
		public
			.verify_simple(SIGNING_CONTEXT, &message, &signature)
			.map_err(|_| AuthError::BadSignature)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::encoding::blake2_256;
	use axum::http::HeaderValue;

	#[test]
	fn challenges_are_single_use_and_expire() {
		let challenges = Challenges::new(10);
		let issued = challenges.issue(100).unwrap();
		assert_eq!(issued.expires_at, 100 + CHALLENGE_LIFETIME_SECS);
		let bytes = from_hex::<32>(&issued.challenge).unwrap();

		assert_eq!(challenges.check(&bytes, 100), Ok(()));
		assert_eq!(challenges.check(&bytes, issued.expires_at), Err(AuthError::ChallengeExpired));
		assert_eq!(challenges.consume(&bytes, 101), Ok(()));
		assert_eq!(challenges.check(&bytes, 101), Err(AuthError::ChallengeUsed));
		assert_eq!(challenges.consume(&bytes, 101), Err(AuthError::ChallengeUsed));
		assert_eq!(challenges.check(&[0; 32], 101), Err(AuthError::UnknownChallenge));

		let other = challenges.issue(100).unwrap();
		assert_ne!(other.challenge, issued.challenge);
		let other = from_hex::<32>(&other.challenge).unwrap();
		assert_eq!(challenges.consume(&other, 200), Err(AuthError::ChallengeExpired));
	}

	#[test]
	fn challenges_are_bounded_and_forgotten_after_expiry() {
		let challenges = Challenges::new(3);
		for _ in 0..3 {
			challenges.issue(0).unwrap();
		}
		assert_eq!(challenges.issue(1), Err(AuthError::TooManyChallenges));
		assert_eq!(challenges.remembered(), 3);
		// Once they expire, room is made.
		assert!(challenges.issue(CHALLENGE_LIFETIME_SECS).is_ok());
		assert_eq!(challenges.remembered(), 1);
	}

	#[test]
	fn headers_are_checked() {
		let mut headers = HeaderMap::new();
		assert_eq!(
			AuthHeaders::from_headers(&headers),
			Err(AuthError::MissingHeader(ACCOUNT_HEADER))
		);
		headers.insert(ACCOUNT_HEADER, HeaderValue::from_static("0x01"));
		assert_eq!(AuthHeaders::from_headers(&headers), Err(AuthError::BadHeader(ACCOUNT_HEADER)));
		headers.insert(ACCOUNT_HEADER, HeaderValue::from_str(&to_hex(&[1; 32])).unwrap());
		headers.insert(CHALLENGE_HEADER, HeaderValue::from_str(&to_hex(&[2; 32])).unwrap());
		assert_eq!(
			AuthHeaders::from_headers(&headers),
			Err(AuthError::MissingHeader(SIGNATURE_HEADER))
		);
		headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&to_hex(&[3; 64])).unwrap());
		let parsed = AuthHeaders::from_headers(&headers).unwrap();
		assert_eq!(parsed.account, [1; 32]);
		assert_eq!(parsed.verify("GET", "/", &blake2_256(b"")), Err(AuthError::BadSignature));
	}

	#[test]
	fn signatures_bind_the_request() {
		let keypair = schnorrkel::Keypair::generate_with(OsRng);
		let challenge = [7; 32];
		let message =
			protocol::auth_message(&challenge, "PUT", "/v1/objects/0x01", &blake2_256(b"x"));
		let headers = AuthHeaders {
			account: keypair.public.to_bytes(),
			challenge,
			signature: keypair.sign_simple(SIGNING_CONTEXT, &message).to_bytes(),
		};
		assert_eq!(headers.verify("PUT", "/v1/objects/0x01", &blake2_256(b"x")), Ok(()));
		assert_eq!(
			headers.verify("PUT", "/v1/objects/0x01", &blake2_256(b"y")),
			Err(AuthError::BadSignature)
		);
		assert_eq!(
			headers.verify("GET", "/v1/objects/0x01", &blake2_256(b"x")),
			Err(AuthError::BadSignature)
		);
		assert_eq!(
			headers.verify("PUT", "/v1/objects/0x02", &blake2_256(b"x")),
			Err(AuthError::BadSignature)
		);
		let other = AuthHeaders { challenge: [8; 32], ..headers.clone() };
		assert_eq!(
			other.verify("PUT", "/v1/objects/0x01", &blake2_256(b"x")),
			Err(AuthError::BadSignature)
		);
	}
}
