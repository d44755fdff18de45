//! # medchain-client
//!
//! The library behind the `medchain` command-line tool and the `medchain-vault` service: keys,
//! record encryption and key envelopes, the vault's wire protocol and client, and the chain.
//!
//! A record is encrypted on the client and kept off-chain in a vault; the chain keeps only its
//! content hash (the BLAKE2-256 of the sealed bytes, an `H256`), a locator and a category. Its
//! key reaches each reader in a key envelope sealed to the reader's X25519 public key (a
//! registered provider publishes one as `encryption_key` in the participants registry).
//!
//! ## Modules
//! - [`keys`]: an [`keys::Identity`] from a BIP-39 mnemonic: the sr25519 account, pseudonyms
//!   (one account per relationship), an X25519 key pair for receiving record keys, signing.
//! - [`keystore`]: a passphrase-protected JSON file of named identities' mnemonics.
//! - [`envelope`]: sealing and opening records, content hashes, key envelopes, crypto-shredding.
//! - [`protocol`]: the vault's wire protocol (authentication, paths, JSON bodies).
//! - [`error`]: the one [`Error`] type, one variant per failure.
//! - [`chain`]: the chain through subxt (runtime APIs at the finalized block, signed calls).
//! - [`vault_client`]: the client side of the vault protocol (challenge authentication,
//!   uploads, consent-gated downloads).
//! - [`cli`]: the `medchain` command.
//!
//! ## Derivation paths
//! One mnemonic restores everything (no BIP-39 passphrase):
//! - main account: sr25519 of `<mnemonic>` (Substrate's derivation from the entropy: the same
//!   account as Polkadot.js or `subkey`);
//! - pseudonym of a relationship: sr25519 of `<mnemonic>//medchain//<kind>//<id>`, all junctions
//!   **hard** (soft junctions would let anyone who knows the main public key link the
//!   pseudonyms to it), e.g. `//medchain//provider//<provider id>`,
//!   `//medchain//study//<study id>`;
//! - X25519 secret: `HKDF-SHA256(ikm = BIP-39 seed with empty passphrase, salt = none,
//!   info = "medchain/x25519/v1")`; a pseudonym's X25519 secret appends its three 32-byte
//!   junction chain codes to the info.
//!
//! ## Sealed record (`"MCR1"`)
//! `magic "MCR1" (4) | nonce (24) | XChaCha20-Poly1305 ciphertext | tag (16)`, a fresh random
//! 32-byte key per record, associated data = the 28-byte header. Content hash =
//! BLAKE2b-256 of all of it (Substrate's `blake2_256`).
//!
//! ## Key envelope (`"MCE1"`, 172 bytes)
//! `magic "MCE1" (4) | content hash (32) | recipient X25519 public key R (32) |
//! ephemeral X25519 public key E (32) | nonce (24) | wrapped record key (32) | tag (16)`.
//! Wrap key = `HKDF-SHA256(ikm = X25519(e, R), salt = content hash,
//! info = "medchain/envelope/v1" ++ E ++ R)`; XChaCha20-Poly1305 with associated data = the
//! 124-byte header. It opens only for R's secret and only for that content hash.
//!
//! ## Keystore (JSON, version 1)
//! `{"format": "medchain-keystore", "version": 1, "identities": [{"name", "account", "kdf":
//! {"algorithm": "argon2id", "version": 19, "memory_kib", "iterations", "parallelism", "salt"},
//! "cipher": "xchacha20poly1305", "nonce", "ciphertext"}]}`: each mnemonic encrypted under
//! `Argon2id(passphrase, salt)` (default 64 MiB, 3 passes, 1 lane) with associated data
//! `"medchain-keystore" ++ version (u32 LE) ++ name`; written atomically, mode 0600.
//!
//! ## The medchain command
//! `medchain [--node ws://127.0.0.1:9944] [--vault http://127.0.0.1:8450] [--keystore PATH]
//! [--identity NAME] [--json] <group> <command>`. The keystore defaults to
//! `~/.medchain/keystore.json`; the signing identity to the only one in it. The passphrase is
//! read from `MEDCHAIN_PASSPHRASE`, else asked on the terminal without echo.
//! - `keys new <name> [--words 12|24]` (prints the mnemonic once), `keys import <name>` (the
//!   mnemonic on stdin), `keys list` (no passphrase), `keys show <name>` (SS58 account, `0x`
//!   public key, X25519 public key), `keys pseudonym <name> <kind> <id>`.
//! - `records add <file> --category <RecordCategory> --confidentiality <Confidentiality>
//!   [--patient <account>] [--custodian <account>] [--patient-x25519 <hex>]`: seals the file,
//!   uploads it (`PUT /v1/objects/{hash}`) and a key envelope for the signer (and for the
//!   patient if their X25519 key is given), then `MedicalRecords.register_record` with the
//!   locator `<vault>/v1/objects/0x<hash>`. Patient and custodian default to the signer. The
//!   record id comes from the transaction's `RecordRegistered` event.
//! - `records amend <id> <file> [--confidentiality <label>] [--patient-x25519 <hex>]`: the same
//!   sealing and upload (to the vault of the record's locator unless `--vault`), then
//!   `MedicalRecords.amend_record`: a new record id (from `RecordAmended`) with the next
//!   version; the old one becomes Superseded. The patient, or a provider whose consent covers
//!   `Correct`.
//! - `records get <id> [--purpose Treatment] [--out file]`: reads the record on chain (runtime
//!   API), fetches the sealed record and the signer's envelope from the vault of `--vault` or,
//!   if not given, of the record's locator, checks the content hash against the chain, opens
//!   the envelope and decrypts. Without `--out` the record goes to stdout as it is (with
//!   `--json`, `--out` is required).
//! - `records share <id> --to <account> --x25519 <hex> [--purpose Treatment]`: the record's
//!   owner at the vault re-seals the record key to another party's X25519 key and uploads the
//!   envelope; the output says whether the chain permits that party's access now.
//! - `records list [--patient <account>]`: the patient's records (runtime API
//!   `MedicalRecordsApi_patient_records`, all pages) with status, hash and locator; without
//!   `--patient`, the signer's.
//! - `records erase <id>`: the parts of an erasure the signer may do, as the pallet allows: the
//!   patient submits `MedicalRecords.request_erasure`; then the vault deletes the object and
//!   its envelopes and signs a [`protocol::ErasureReceipt`] (checked: signature, object, and
//!   the key against the one the vault publishes at `GET /v1/vault`). The custodian asks by
//!   record id (`DELETE /v1/records/{id}`, only once erasure is requested on chain) and then
//!   submits `MedicalRecords.confirm_erasure`; when the vault itself is the custodian, the
//!   patient's `records erase` asks it, and the vault confirms on chain. Otherwise the
//!   object's uploader may delete it by hash (`DELETE /v1/objects/{hash}`). A patient who
//!   uploaded and keeps their own record (the `records add` default) does every step. One
//!   version per call: an amended record's earlier versions are erased one by one.
//!   `records confirm-erasure <id>`: the custodian's part alone, after the patient's request.
//! - `consent grant --to <account> --actions Access,Use --purposes Treatment [--ceiling Normal]
//!   [--records 1,2 | --categories Observation] [--from BLOCK] [--until BLOCK] [--deny]`,
//!   `consent revoke <id>`, `consent check --patient <a> --accessor <b> [--action Access]
//!   [--purpose Treatment] (--record <id> | --category <c> [--confidentiality Normal])`
//!   (runtime API, no identity needed), `consent request --patient <a> --actions …
//!   --purposes … --justification <file>` (only the file's hash goes on chain),
//!   `consent requests [--patient <a>]`, `consent approve <id>`, `consent deny <id>`. Consent
//!   and request ids come from the transactions' events.
//! - `consent emergency start --patient <a> --reason <EmergencyReason> [--justification
//!   <file>]` (registered emergency responders; break-glass access with purpose
//!   `EmergencyTreatment` for the chain's emergency period), `consent emergency end <id>`,
//!   `consent emergency review <id> --verdict Justified|Unjustified [--finding <file>]`
//!   (privacy officers), `consent emergency list [--patient <a>]` (runtime API),
//!   `consent emergency policy allow|deny|only [--delegates a,b]`.
//! - `consent log [--patient <a>] [--from-block N] [--to-block N]`: the head of the patient's
//!   access-log hash chain (`ConsentApi_audit_head`) and every `Consent.AccessLogged` event in
//!   the blocks read (a bar shows the scan), each link recomputed with
//!   [`audit_link`](medchain_primitives::consent::audit_link); read from block 1 (the default)
//!   the whole log is checked against the head on chain (`complete`). A broken link exits 7.
//!   Events are state: blocks older than the node's state pruning window (256 blocks by
//!   default) need an archive node (`--state-pruning archive`) or a later `--from-block`.
//! - `study key [--study N]`, `study create --question <file> --category <c> [--bits 8|16|32]
//!   --holder <a> --key <hex> --study <N> --duration <blocks> [--min-cohort 10] --capacity <n>`,
//!   `study contribute <id> --value <v>`, `study tally <id>`, `study show <id>`: encrypted
//!   statistics (pallet `EncryptedStats`) with `medchain-crypto`; see [`cli::study`]. A key
//!   holder's study secret is HKDF-derived from their mnemonic, the genesis hash and the study
//!   id ([`keys::Identity::derived_secret`]). Threshold studies: `study deal --threshold t
//!   --trustees a,b,c [--x25519 k1,k2,k3] --out deal.json` (shares sealed to the trustees),
//!   `study create … --deal deal.json`, `study share <id> --deal deal.json` (each trustee),
//!   `study tally <id>` (anyone, once `t` shares are on chain).
//! - `supply …`, the drug supply chain (pallet `SupplyChain`), built on
//!   `medchain_primitives::supply` (serial tree, GS1 check digits,
//!   [`ExpiryDate`](medchain_primitives::supply::ExpiryDate), call and runtime-API types). A
//!   lot's serials file holds one serial per line in the lot's order (blank lines ignored, 1 to
//!   20 GS1 characters each, no duplicates); only its `serials_root` and count go on chain, a
//!   pack's serial only as its `serial_hash`. Event documents are given as `--document <file>` (its
//!   BLAKE2-256 goes on chain) or `--document-hash <0x…>`, else a zero hash.
//!   - `supply product register --gtin <GTIN> --kind Drug|Vaccine|Biologic|Device
//!     [--lookup-url URL] [--national-code CODE] [--temperature MIN,MAX (°C)] [--unit-tracked]`
//!     (manufacturers; GTIN-8/12/13/14 with a valid check digit, padded to 14).
//!   - `supply lot commission --gtin <GTIN> --lot <LOT> --expiry YYMMDD --serials <file>
//!     [--dry-run]`: prints the root and count, submits `commission_lot` (unless `--dry-run`,
//!     which needs no identity or node) and checks the chain's lot (`SupplyChainApi_lot`) has
//!     that root and count.
//!   - `supply ship --to <account> --items sscc:<SSCC>,lot:<GTIN>:<LOT>:<N>,unit:<GTIN>:<SERIAL>
//!     (--documents TI,TH,TS | --documents-hash 0x…,0x…,0x…)`: `propose_transfer` with the
//!     DSCSA documents' hashes; the transfer id comes from the `TransferProposed` event.
//!     `supply accept <transfer id>`.
//!   - `supply dispense (--datamatrix <element string> | --gtin … --serial … --lot … --expiry
//!     YYMMDD) --serials <file>`: verifies the pack first (exit 6 and nothing submitted unless
//!     Verified), then `decommission(pack, Supplied)` with the Merkle proof from the file
//!     (dispensers only), and reports the verification afterwards.
//!   - `supply recall --gtin <GTIN> --lots A,B` (owner or regulator); `supply flag-suspect
//!     [--lot <GTIN>:<LOT>]… [--container <SSCC>]… [--pack <GTIN>:<LOT>:<SERIAL> | <element
//!     string>]… [--serials <file>]` (quarantine; the document is the report).
//!   - `supply verify <element string> --serials <file>` (no identity): parses the GS1 element
//!     string, AIs (01) GTIN, (21) serial, (10) lot, (17) expiry YYMMDD (also 02, 11-16, 22,
//!     710-715, ignored), either human-readable `(01)…(17)…(10)…(21)…` or raw with GS after
//!     each variable-length field that is not last (the byte 0x1D, `<GS>` or `\x1d`; a leading
//!     `]d2` and FNC1 are ignored; fixed-length fields need no GS), then asks
//!     `SupplyChainApi_verify_unit` and prints the answer in words. A serial missing from the
//!     file is sent with another pack's proof (the chain answers UnknownSerial). Exit 0 if
//!     Verified, 6 otherwise; a bad GTIN check digit is refused before (exit 2).
//!
//! Accounts are SS58 (prefix 42) or `0x` hex; codes are the chain's variant names
//! (case-insensitive). With `--json` every command prints one JSON object on one line,
//! `{"ok": true, "command": "records add", …}` or `{"ok": false, "command": …, "error":
//! {"kind", "message", "exit_code"}}`; without it, lines for people on stdout and errors on
//! stderr, as one line `medchain: <reason>` (bad arguments too, with `--json` an object of kind
//! `usage` without `command`; reasons are cut at 300 characters). Exit codes ([`cli::output`]): 0 done, 1 other failure, 2 bad arguments, 3 keystore
//! (unknown identity, wrong passphrase), 4 vault unreachable or refusing, 5 chain unreachable
//! or transaction failed, 6 access denied (also `consent check` answering Deny, `supply verify`
//! answering anything but Verified, `supply dispense` refusing an unverified pack), 7 integrity
//! (hash mismatch, envelope or record not opening), 8 local file error.
//!
//! Every transaction is signed by subxt, submitted and followed to finality; the command then
//! prints its block and its events in words ([`chain::ChainEvent::words`]; with `--json` a
//! `transactions` list). A failed transaction reports the pallet's error by name. On a
//! terminal (and without `--json`), a spinner shows where a transaction is and bars show
//! uploads, downloads and block scans ([`cli::progress`]).
//!
//! ## Erasure
//! Crypto-shredding: destroying a record's key and every key envelope (and the ciphertext) makes
//! the record unreadable; the chain keeps a tombstone and the content hash only. See
//! [`envelope`].

pub mod envelope;
pub mod error;
pub mod keys;
pub mod keystore;
pub mod chain;
pub mod cli;
pub mod protocol;
pub mod vault_client;

pub use error::{Error, HashMismatch};

/// Fills `buffer` from the operating system's random number generator.
pub(crate) fn fill_random(buffer: &mut [u8]) -> Result<(), Error> {
	use rand_core::RngCore;
	rand_core::OsRng.try_fill_bytes(buffer).map_err(Error::Randomness)
}
