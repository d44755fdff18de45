//! Where the vault keeps sealed records and key envelopes: the [`ObjectStore`] trait, the
//! embedded [`LocalDirStore`] (a directory, no setup) and the [`MemoryStore`] of tests.
//!
//! The store only ever holds what clients sealed: ciphertexts (named by their BLAKE2-256 hash)
//! and key envelopes (a record key encrypted by the patient's client to one grantee's X25519
//! key). It never sees a plaintext record or key, and it makes no access decision: the server
//! asks the chain first. What the store does enforce is ownership: the account that uploaded an
//! object is its owner, and only the owner's calls may add envelopes to it or erase it
//! ([`ObjectStore::put_envelope`], [`ObjectStore::delete_envelope`] and
//! [`ObjectStore::delete_object`] take the expected owner and check it atomically with the
//! change).
//!
//! ## Layout of [`LocalDirStore`]
//! ```text
//! <data-dir>/objects/<first 2 hex digits>/<64 hex digits of the hash>/
//!     object                 the sealed record, exactly as uploaded
//!     meta.json              {"owner": "0x…", "size": …, "stored_at": …}
//!     envelopes/<64 hex>     the key envelope of that grantee (public key, hex)
//! <data-dir>/tmp/            staging for writes and erasures; emptied when the store opens
//! ```
//! A new object is written completely into a fresh directory under `tmp/` (files synced) and
//! then renamed into place in one step, so an object directory either exists whole or not at
//! all, and the rename also settles two concurrent uploads of the same hash (the loser finds
//! the winner's `meta.json`). An envelope is written to a temporary file and renamed over the
//! old one. An erasure renames the object directory into `tmp/` (one step: from then on nothing
//! is served) and then removes it; what a crash leaves in `tmp/` is removed at the next start.
//! One vault process per data directory: the store serialises its writers with an in-process
//! lock, not a file lock.
//!
//! ## Plugging in an S3-compatible object store
//! The trait is the seam: an `S3Store` implementing [`ObjectStore`] is passed to
//! [`crate::server::Vault::new`] instead of a [`LocalDirStore`]; nothing else changes. A
//! sketch of the mapping:
//! - the object under the key `objects/<hex hash>`, its [`ObjectMeta`] as user metadata of that
//!   object (`x-amz-meta-owner`, …) or a `objects/<hex hash>.meta` sidecar, and each envelope
//!   under `objects/<hex hash>/envelopes/<hex grantee>`;
//! - [`ObjectStore::put_object`] as a conditional `PutObject` (`If-None-Match: *`, supported by
//!   AWS S3, MinIO, Ceph RGW and R2); a `412 Precondition Failed` means the hash exists, and the
//!   implementation answers [`PutObject::Exists`] with the stored metadata;
//! - the owner checks of envelope writes and erasure as a metadata read followed by the change;
//!   with several vault replicas, make the change conditional on the metadata's `ETag`
//!   (`If-Match`) or serialise per hash, and on erasure delete the object first (so nothing is
//!   released any more) and then every envelope under its prefix;
//! - backend outages as [`StoreError::Unavailable`], which the server answers with 503.
//!
//! Objects are handed over whole (`Vec<u8>`): the server bounds them with `--max-object-bytes`.

use std::{
	collections::{BTreeMap, HashMap},
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
	sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use async_trait::async_trait;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::{
	encoding::{blake2_256, from_hex, to_hex},
	AccountId, Hash,
};

/// What the store keeps about an object besides its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
	/// The account that uploaded it: the only one that may add envelopes or erase it.
	pub owner: AccountId,
	/// Its length in bytes.
	pub size: u64,
	/// When it was stored, Unix seconds.
	pub stored_at: u64,
}

/// The outcome of [`ObjectStore::put_object`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PutObject {
	/// The object was stored now.
	Created,
	/// An object with this hash was already stored (so with these very bytes); nothing was
	/// written. The caller compares the owner.
	Exists(ObjectMeta),
}

/// The outcome of [`ObjectStore::put_envelope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutEnvelope {
	/// The grantee had no envelope for this object.
	Created,
	/// The grantee's envelope was replaced.
	Replaced,
}

/// Why a store operation failed. After any error, nothing was changed that a later read could
/// see half-done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// No object has this hash.
	#[error("no object has this hash")]
	NotFound,
	/// The object belongs to another account.
	#[error("the object belongs to another account")]
	NotOwner,
	/// The bytes do not hash to the name they were given.
	#[error("the bytes do not hash to the object's name")]
	HashMismatch,
	/// What is stored cannot be read back as written (e.g. a damaged file).
	#[error("stored data is corrupt: {0}")]
	Corrupt(String),
	/// The local file system failed.
	#[error("storage I/O failed: {0}")]
	Io(#[from] io::Error),
	/// A remote backend could not be reached, or a storage task failed.
	#[error("storage unavailable: {0}")]
	Unavailable(String),
}

/// Storage of sealed objects, their owners and their per-grantee key envelopes.
///
/// Implementations must make each call atomic as seen by other calls: a failed write leaves
/// nothing behind, and a read sees an object (or envelope) whole or not at all.
#[async_trait]
pub trait ObjectStore: Send + Sync + 'static {
	/// Stores `bytes` under `hash`, owned by `owner`, unless an object with this hash exists.
	/// Fails with [`StoreError::HashMismatch`] if `bytes` do not hash to `hash`.
	async fn put_object(
		&self,
		hash: Hash,
		owner: AccountId,
		stored_at: u64,
		bytes: Vec<u8>,
	) -> Result<PutObject, StoreError>;

	/// The metadata of an object, if it is stored.
	async fn object_meta(&self, hash: Hash) -> Result<Option<ObjectMeta>, StoreError>;

	/// The bytes of an object, if it is stored.
	async fn get_object(&self, hash: Hash) -> Result<Option<Vec<u8>>, StoreError>;

	/// Erases an object and all its envelopes, if `owner` owns it; answers what was erased.
	async fn delete_object(&self, hash: Hash, owner: AccountId) -> Result<ObjectMeta, StoreError>;

	/// Stores (or replaces) `grantee`'s key envelope for an object, if `owner` owns it.
	async fn put_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
		envelope: Vec<u8>,
	) -> Result<PutEnvelope, StoreError>;

	/// `grantee`'s key envelope for an object, if there is one.
	async fn get_envelope(
		&self,
		hash: Hash,
		grantee: AccountId,
	) -> Result<Option<Vec<u8>>, StoreError>;

	/// Removes `grantee`'s key envelope for an object, if `owner` owns it; answers whether there
	/// was one.
	async fn delete_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
	) -> Result<bool, StoreError>;
}

/// Locks a mutex, also after another thread panicked while holding it (the data it guards stays
/// consistent: every change under it is a single step).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The embedded store: files in a directory (see the [module documentation](self) for the
/// layout). Needs no setup beyond a writable directory.
#[derive(Clone, Debug)]
pub struct LocalDirStore {
	inner: Arc<LocalInner>,
}

#[derive(Debug)]
struct LocalInner {
	root: PathBuf,
	/// Serialises the writers (reads need no lock: every change is a rename).
	writers: Mutex<()>,
}

/// `meta.json`.
#[derive(Serialize, Deserialize)]
struct MetaFile {
	owner: String,
	size: u64,
	stored_at: u64,
}

const OBJECTS: &str = "objects";
const STAGING: &str = "tmp";
const OBJECT_FILE: &str = "object";
const META_FILE: &str = "meta.json";
const ENVELOPES: &str = "envelopes";

impl LocalDirStore {
	/// Opens (creating it if needed) the store under `root`, and removes whatever an earlier
	/// process left half-written or half-erased in its staging directory.
	pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
		let root = root.into();
		create_private_dir_all(&root)?;
		create_private_dir_all(&root.join(OBJECTS))?;
		let staging = root.join(STAGING);
		create_private_dir_all(&staging)?;
		for entry in fs::read_dir(&staging)? {
			let path = entry?.path();
			if path.is_dir() {
				fs::remove_dir_all(&path)?;
			} else {
				fs::remove_file(&path)?;
			}
		}
		Ok(Self { inner: Arc::new(LocalInner { root, writers: Mutex::new(()) }) })
	}

	/// The directory the store lives in.
	pub fn root(&self) -> &Path {
		&self.inner.root
	}

	/// Runs blocking file work off the async executor.
	async fn blocking<T, F>(&self, work: F) -> Result<T, StoreError>
	where
		T: Send + 'static,
		F: FnOnce(&LocalInner) -> Result<T, StoreError> + Send + 'static,
	{
		let inner = Arc::clone(&self.inner);
		tokio::task::spawn_blocking(move || work(&inner))
			.await
			.map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?
	}
}

impl LocalInner {
	fn object_dir(&self, hash: &Hash) -> PathBuf {
		let name = hex::encode(hash);
		self.root.join(OBJECTS).join(&name[..2]).join(name)
	}

	/// A fresh, unique path in the staging directory (not created).
	fn staging_path(&self) -> Result<PathBuf, StoreError> {
		let mut name = [0u8; 16];
		OsRng
			.try_fill_bytes(&mut name)
			.map_err(|e| StoreError::Io(io::Error::other(e.to_string())))?;
		Ok(self.root.join(STAGING).join(hex::encode(name)))
	}

	fn read_meta(&self, hash: &Hash) -> Result<Option<ObjectMeta>, StoreError> {
		let bytes = match fs::read(self.object_dir(hash).join(META_FILE)) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(e.into()),
		};
		let file: MetaFile = serde_json::from_slice(&bytes)
			.map_err(|e| StoreError::Corrupt(format!("{}: {e}", hex::encode(hash))))?;
		let owner = from_hex::<32>(&file.owner)
			.ok_or_else(|| StoreError::Corrupt(format!("{}: bad owner", hex::encode(hash))))?;
		Ok(Some(ObjectMeta { owner, size: file.size, stored_at: file.stored_at }))
	}

	/// The metadata of an object that `owner` owns, or why not.
	fn owned(&self, hash: &Hash, owner: &AccountId) -> Result<ObjectMeta, StoreError> {
		match self.read_meta(hash)? {
			None => Err(StoreError::NotFound),
			Some(meta) if meta.owner != *owner => Err(StoreError::NotOwner),
			Some(meta) => Ok(meta),
		}
	}

	fn put_object(
		&self,
		hash: Hash,
		owner: AccountId,
		stored_at: u64,
		bytes: Vec<u8>,
	) -> Result<PutObject, StoreError> {
		if blake2_256(&bytes) != hash {
			return Err(StoreError::HashMismatch);
		}
		let _writer = lock(&self.writers);
		if let Some(meta) = self.read_meta(&hash)? {
			return Ok(PutObject::Exists(meta));
		}
		let target = self.object_dir(&hash);
		let staging = self.staging_path()?;
		let meta = MetaFile { owner: to_hex(&owner), size: bytes.len() as u64, stored_at };
		let written = (|| -> Result<(), StoreError> {
			create_private_dir_all(&staging)?;
			write_new_file(&staging.join(OBJECT_FILE), &bytes)?;
			let meta = serde_json::to_vec(&meta).map_err(|e| StoreError::Corrupt(e.to_string()))?;
			write_new_file(&staging.join(META_FILE), &meta)?;
			create_private_dir_all(&staging.join(ENVELOPES))?;
			sync_dir(&staging)?;
			let shard = target
				.parent()
				.ok_or_else(|| StoreError::Corrupt("object path has no parent".into()))?;
			create_private_dir_all(shard)?;
			fs::rename(&staging, &target)?;
			sync_dir(shard)?;
			Ok(())
		})();
		if written.is_err() {
			// Nothing was published unless the rename happened; the staging copy goes either way.
			let _ = fs::remove_dir_all(&staging);
		}
		written.map(|()| PutObject::Created)
	}

	fn get_object(&self, hash: Hash) -> Result<Option<Vec<u8>>, StoreError> {
		let bytes = match fs::read(self.object_dir(&hash).join(OBJECT_FILE)) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(e.into()),
		};
		if blake2_256(&bytes) != hash {
			return Err(StoreError::Corrupt(format!(
				"{}: content hash differs",
				hex::encode(hash)
			)));
		}
		Ok(Some(bytes))
	}

	fn delete_object(&self, hash: Hash, owner: AccountId) -> Result<ObjectMeta, StoreError> {
		let _writer = lock(&self.writers);
		let meta = self.owned(&hash, &owner)?;
		let target = self.object_dir(&hash);
		let trash = self.staging_path()?;
		fs::rename(&target, &trash)?;
		if let Some(shard) = target.parent() {
			sync_dir(shard)?;
		}
		// Unreachable from now on; a failure here leaves the copy in `tmp/` for the next start.
		let _ = fs::remove_dir_all(&trash);
		Ok(meta)
	}

	fn put_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
		envelope: Vec<u8>,
	) -> Result<PutEnvelope, StoreError> {
		let _writer = lock(&self.writers);
		self.owned(&hash, &owner)?;
		let envelopes = self.object_dir(&hash).join(ENVELOPES);
		let target = envelopes.join(hex::encode(grantee));
		let existed = target.exists();
		let staging = self.staging_path()?;
		let written = (|| -> Result<(), StoreError> {
			write_new_file(&staging, &envelope)?;
			fs::rename(&staging, &target)?;
			sync_dir(&envelopes)?;
			Ok(())
		})();
		if written.is_err() {
			let _ = fs::remove_file(&staging);
		}
		written.map(|()| if existed { PutEnvelope::Replaced } else { PutEnvelope::Created })
	}

	fn get_envelope(&self, hash: Hash, grantee: AccountId) -> Result<Option<Vec<u8>>, StoreError> {
		let path = self.object_dir(&hash).join(ENVELOPES).join(hex::encode(grantee));
		match fs::read(path) {
			Ok(bytes) => Ok(Some(bytes)),
			Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(e.into()),
		}
	}

	fn delete_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
	) -> Result<bool, StoreError> {
		let _writer = lock(&self.writers);
		self.owned(&hash, &owner)?;
		let envelopes = self.object_dir(&hash).join(ENVELOPES);
		match fs::remove_file(envelopes.join(hex::encode(grantee))) {
			Ok(()) => {
				sync_dir(&envelopes)?;
				Ok(true)
			},
			Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
			Err(e) => Err(e.into()),
		}
	}
}

#[async_trait]
impl ObjectStore for LocalDirStore {
	async fn put_object(
		&self,
		hash: Hash,
		owner: AccountId,
		stored_at: u64,
		bytes: Vec<u8>,
	) -> Result<PutObject, StoreError> {
		self.blocking(move |store| store.put_object(hash, owner, stored_at, bytes)).await
	}

	async fn object_meta(&self, hash: Hash) -> Result<Option<ObjectMeta>, StoreError> {
		self.blocking(move |store| store.read_meta(&hash)).await
	}

	async fn get_object(&self, hash: Hash) -> Result<Option<Vec<u8>>, StoreError> {
		self.blocking(move |store| store.get_object(hash)).await
	}

	async fn delete_object(&self, hash: Hash, owner: AccountId) -> Result<ObjectMeta, StoreError> {
		self.blocking(move |store| store.delete_object(hash, owner)).await
	}

	async fn put_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
		envelope: Vec<u8>,
	) -> Result<PutEnvelope, StoreError> {
		self.blocking(move |store| store.put_envelope(hash, owner, grantee, envelope)).await
	}

	async fn get_envelope(
		&self,
		hash: Hash,
		grantee: AccountId,
	) -> Result<Option<Vec<u8>>, StoreError> {
		self.blocking(move |store| store.get_envelope(hash, grantee)).await
	}

	async fn delete_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
	) -> Result<bool, StoreError> {
		self.blocking(move |store| store.delete_envelope(hash, owner, grantee)).await
	}
}

/// Creates a directory and its missing parents, readable by the vault's user only.
fn create_private_dir_all(path: &Path) -> io::Result<()> {
	let mut builder = fs::DirBuilder::new();
	builder.recursive(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::DirBuilderExt;
		builder.mode(0o700);
	}
	builder.create(path)
}

/// Writes a file that must not exist yet, readable by the vault's user only, and syncs it.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
	let mut options = fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(path)?;
	file.write_all(bytes)?;
	file.sync_all()
}

/// Makes a directory's entries (new names, renames, removals) durable.
pub(crate) fn sync_dir(path: &Path) -> io::Result<()> {
	#[cfg(unix)]
	{
		fs::File::open(path)?.sync_all()
	}
	#[cfg(not(unix))]
	{
		let _ = path;
		Ok(())
	}
}

/// An in-memory store, for tests and experiments: same rules as [`LocalDirStore`], nothing
/// persisted.
#[derive(Debug, Default)]
pub struct MemoryStore {
	objects: Mutex<HashMap<Hash, MemoryObject>>,
}

#[derive(Debug)]
struct MemoryObject {
	meta: ObjectMeta,
	bytes: Vec<u8>,
	envelopes: BTreeMap<AccountId, Vec<u8>>,
}

impl MemoryStore {
	/// An empty store.
	pub fn new() -> Self {
		Self::default()
	}

	/// How many objects are stored.
	pub fn object_count(&self) -> usize {
		lock(&self.objects).len()
	}

	/// How many envelopes are stored, over all objects.
	pub fn envelope_count(&self) -> usize {
		lock(&self.objects).values().map(|object| object.envelopes.len()).sum()
	}
}

fn owned_mut<'a>(
	objects: &'a mut HashMap<Hash, MemoryObject>,
	hash: &Hash,
	owner: &AccountId,
) -> Result<&'a mut MemoryObject, StoreError> {
	match objects.get_mut(hash) {
		None => Err(StoreError::NotFound),
		Some(object) if object.meta.owner != *owner => Err(StoreError::NotOwner),
		Some(object) => Ok(object),
	}
}

#[async_trait]
impl ObjectStore for MemoryStore {
	async fn put_object(
		&self,
		hash: Hash,
		owner: AccountId,
		stored_at: u64,
		bytes: Vec<u8>,
	) -> Result<PutObject, StoreError> {
		if blake2_256(&bytes) != hash {
			return Err(StoreError::HashMismatch);
		}
		let mut objects = lock(&self.objects);
		if let Some(object) = objects.get(&hash) {
			return Ok(PutObject::Exists(object.meta.clone()));
		}
		let meta = ObjectMeta { owner, size: bytes.len() as u64, stored_at };
		objects.insert(hash, MemoryObject { meta, bytes, envelopes: BTreeMap::new() });
		Ok(PutObject::Created)
	}

	async fn object_meta(&self, hash: Hash) -> Result<Option<ObjectMeta>, StoreError> {
		Ok(lock(&self.objects).get(&hash).map(|object| object.meta.clone()))
	}

	async fn get_object(&self, hash: Hash) -> Result<Option<Vec<u8>>, StoreError> {
		Ok(lock(&self.objects).get(&hash).map(|object| object.bytes.clone()))
	}

	async fn delete_object(&self, hash: Hash, owner: AccountId) -> Result<ObjectMeta, StoreError> {
		let mut objects = lock(&self.objects);
		let meta = owned_mut(&mut objects, &hash, &owner)?.meta.clone();
		objects.remove(&hash);
		Ok(meta)
	}

	async fn put_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
		envelope: Vec<u8>,
	) -> Result<PutEnvelope, StoreError> {
		let mut objects = lock(&self.objects);
		let object = owned_mut(&mut objects, &hash, &owner)?;
		Ok(match object.envelopes.insert(grantee, envelope) {
			None => PutEnvelope::Created,
			Some(_) => PutEnvelope::Replaced,
		})
	}

	async fn get_envelope(
		&self,
		hash: Hash,
		grantee: AccountId,
	) -> Result<Option<Vec<u8>>, StoreError> {
		Ok(lock(&self.objects)
			.get(&hash)
			.and_then(|object| object.envelopes.get(&grantee).cloned()))
	}

	async fn delete_envelope(
		&self,
		hash: Hash,
		owner: AccountId,
		grantee: AccountId,
	) -> Result<bool, StoreError> {
		let mut objects = lock(&self.objects);
		let object = owned_mut(&mut objects, &hash, &owner)?;
		Ok(object.envelopes.remove(&grantee).is_some())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: AccountId = [1; 32];
	const BOB: AccountId = [2; 32];

	fn staging_entries(store: &LocalDirStore) -> usize {
		fs::read_dir(store.root().join(STAGING)).unwrap().count()
	}

	/// The same behaviour from every implementation.
	async fn round_trip(store: &dyn ObjectStore) {
		let bytes = b"sealed record".to_vec();
		let hash = blake2_256(&bytes);
		assert!(store.object_meta(hash).await.unwrap().is_none());
		assert!(store.get_object(hash).await.unwrap().is_none());

		assert!(matches!(
			store.put_object(hash, ALICE, 5, b"other bytes".to_vec()).await,
			Err(StoreError::HashMismatch)
		));
		assert!(store.object_meta(hash).await.unwrap().is_none(), "nothing stored");

		assert_eq!(
			store.put_object(hash, ALICE, 5, bytes.clone()).await.unwrap(),
			PutObject::Created
		);
		let meta = ObjectMeta { owner: ALICE, size: bytes.len() as u64, stored_at: 5 };
		assert_eq!(store.object_meta(hash).await.unwrap(), Some(meta.clone()));
		assert_eq!(store.get_object(hash).await.unwrap(), Some(bytes.clone()));
		assert_eq!(
			store.put_object(hash, BOB, 9, bytes.clone()).await.unwrap(),
			PutObject::Exists(meta.clone()),
			"a second upload writes nothing and names the first owner"
		);

		assert!(matches!(
			store.put_envelope(hash, BOB, BOB, b"e".to_vec()).await,
			Err(StoreError::NotOwner)
		));
		assert!(matches!(
			store.put_envelope([9; 32], ALICE, BOB, b"e".to_vec()).await,
			Err(StoreError::NotFound)
		));
		assert_eq!(
			store.put_envelope(hash, ALICE, BOB, b"e1".to_vec()).await.unwrap(),
			PutEnvelope::Created
		);
		assert_eq!(
			store.put_envelope(hash, ALICE, BOB, b"e2".to_vec()).await.unwrap(),
			PutEnvelope::Replaced
		);
		assert_eq!(store.get_envelope(hash, BOB).await.unwrap(), Some(b"e2".to_vec()));
		assert_eq!(store.get_envelope(hash, ALICE).await.unwrap(), None);
		store.put_envelope(hash, ALICE, ALICE, b"self".to_vec()).await.unwrap();
		assert!(store.delete_envelope(hash, ALICE, ALICE).await.unwrap());
		assert!(!store.delete_envelope(hash, ALICE, ALICE).await.unwrap());

		assert!(matches!(store.delete_object(hash, BOB).await, Err(StoreError::NotOwner)));
		assert!(
			store.get_object(hash).await.unwrap().is_some(),
			"a refused erasure erases nothing"
		);
		assert_eq!(store.delete_object(hash, ALICE).await.unwrap(), meta);
		assert!(store.object_meta(hash).await.unwrap().is_none());
		assert!(store.get_object(hash).await.unwrap().is_none());
		assert!(store.get_envelope(hash, BOB).await.unwrap().is_none(), "envelopes go too");
		assert!(matches!(store.delete_object(hash, ALICE).await, Err(StoreError::NotFound)));

		// After an erasure, the hash is free again.
		assert_eq!(store.put_object(hash, BOB, 7, bytes).await.unwrap(), PutObject::Created);
		assert!(store.get_envelope(hash, BOB).await.unwrap().is_none(), "no envelope comes back");
	}

	#[tokio::test]
	async fn memory_store_round_trip() {
		round_trip(&MemoryStore::new()).await;
	}

	#[tokio::test]
	async fn local_dir_store_round_trip() {
		let dir = tempfile::tempdir().unwrap();
		let store = LocalDirStore::open(dir.path().join("data")).unwrap();
		round_trip(&store).await;
		assert_eq!(staging_entries(&store), 0, "no staging leftovers");
	}

	#[tokio::test]
	async fn local_dir_store_persists_across_reopen() {
		let dir = tempfile::tempdir().unwrap();
		let bytes = b"kept".to_vec();
		let hash = blake2_256(&bytes);
		{
			let store = LocalDirStore::open(dir.path()).unwrap();
			store.put_object(hash, ALICE, 1, bytes.clone()).await.unwrap();
			store.put_envelope(hash, ALICE, BOB, b"env".to_vec()).await.unwrap();
		}
		let store = LocalDirStore::open(dir.path()).unwrap();
		assert_eq!(store.get_object(hash).await.unwrap(), Some(bytes));
		assert_eq!(store.get_envelope(hash, BOB).await.unwrap(), Some(b"env".to_vec()));
		assert_eq!(store.object_meta(hash).await.unwrap().unwrap().owner, ALICE);

		let name = hex::encode(hash);
		let object_dir = dir.path().join(OBJECTS).join(&name[..2]).join(&name);
		assert!(object_dir.join(OBJECT_FILE).is_file(), "layout as documented");
		assert!(object_dir.join(ENVELOPES).join(hex::encode(BOB)).is_file());
	}

	#[tokio::test]
	async fn local_dir_store_failed_put_leaves_nothing() {
		let dir = tempfile::tempdir().unwrap();
		let store = LocalDirStore::open(dir.path()).unwrap();
		let bytes = b"will not fit".to_vec();
		let hash = blake2_256(&bytes);
		// Block the shard directory with a file: the final rename cannot happen.
		let name = hex::encode(hash);
		fs::write(dir.path().join(OBJECTS).join(&name[..2]), b"in the way").unwrap();

		assert!(matches!(
			store.put_object(hash, ALICE, 1, bytes.clone()).await,
			Err(StoreError::Io(_))
		));
		assert_eq!(staging_entries(&store), 0, "the staged copy is removed");

		fs::remove_file(dir.path().join(OBJECTS).join(&name[..2])).unwrap();
		assert!(store.object_meta(hash).await.unwrap().is_none(), "nothing was published");
		assert!(store.get_object(hash).await.unwrap().is_none());
		assert_eq!(store.put_object(hash, ALICE, 1, bytes).await.unwrap(), PutObject::Created);
	}

	#[tokio::test]
	async fn local_dir_store_cleans_staging_and_detects_corruption() {
		let dir = tempfile::tempdir().unwrap();
		{
			let store = LocalDirStore::open(dir.path()).unwrap();
			// What a crash mid-write or mid-erasure leaves behind.
			fs::create_dir(store.root().join(STAGING).join("half")).unwrap();
			fs::write(store.root().join(STAGING).join("half").join(OBJECT_FILE), b"x").unwrap();
			fs::write(store.root().join(STAGING).join("envelope"), b"x").unwrap();
		}
		let store = LocalDirStore::open(dir.path()).unwrap();
		assert_eq!(staging_entries(&store), 0);

		let bytes = b"original".to_vec();
		let hash = blake2_256(&bytes);
		store.put_object(hash, ALICE, 1, bytes).await.unwrap();
		let name = hex::encode(hash);
		let file = dir.path().join(OBJECTS).join(&name[..2]).join(&name).join(OBJECT_FILE);
		fs::write(file, b"damaged").unwrap();
		assert!(matches!(store.get_object(hash).await, Err(StoreError::Corrupt(_))));
	}

	#[tokio::test]
	async fn local_dir_store_concurrent_uploads_have_one_owner() {
		let dir = tempfile::tempdir().unwrap();
		let store = LocalDirStore::open(dir.path()).unwrap();
		let bytes = b"contended".to_vec();
		let hash = blake2_256(&bytes);
		let mut tasks = Vec::new();
		for owner in 0u8..8 {
			let (store, bytes) = (store.clone(), bytes.clone());
			tasks.push(tokio::spawn(async move {
				store.put_object(hash, [owner; 32], 1, bytes).await.unwrap()
			}));
		}
		let mut created = 0;
		for task in tasks {
			if task.await.unwrap() == PutObject::Created {
				created += 1;
			}
		}
		assert_eq!(created, 1);
		assert_eq!(staging_entries(&store), 0);
	}
}
