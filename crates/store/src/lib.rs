//! The sled store: cards, Google state, change log, outbox.
//!
//! [`Store`] is the only place that knows sled; no sled type appears in its API. Every update that
//! touches several keys is one sled transaction, and every CardDAV client write is flushed to disk
//! before the call returns. All calls are synchronous and short.
//!
//! # Key layout
//!
//! Keys start with a *user prefix*: the user name's length as a u32 big-endian, then its UTF-8
//! bytes (so no user's keys are a prefix-scan match for another user). Book-level keys add one
//! *book tag* byte (`0` contacts, `1` other, `2` directory, `3` shared). Sequence numbers are u64 big-endian,
//! so sled's byte order is the sequence order and a range scan reads entries in order.
//!
//! | tree        | key                         | value |
//! |-------------|-----------------------------|-------|
//! | (default)   | `schema_version`            | u64 big-endian, [`SCHEMA_VERSION`] |
//! | `users`     | user name                   | [`User`] as JSON |
//! | `accounts`  | user                        | per-user counters (last outbox seq) as JSON |
//! | `books`     | user · book                 | display name, description, last change seq, compaction horizon, card and tombstone counts, JSON |
//! | `cards`     | user · book · href          | card metadata, binary: seq, len, modified, UID, etag (no bytes) |
//! | `bodies`    | user · book · href          | the write's seq (u64 BE), then the raw vCard bytes |
//! | `uids`      | user · book · UID           | href |
//! | `links`     | user · book · href          | Google link: u32 BE header length, JSON header (resourceName, person etag), raw merge base |
//! | `resources` | user · book · resourceName  | href |
//! | `changes`   | user · book · seq           | `c` or `d` (changed, deleted), then the href |
//! | `latest`    | user · book · href          | seq of the href's entry in `changes` (u64 BE), then `c` or `d` |
//! | `outbox`    | user · outbox seq           | [`OutboxEntry`] as JSON |
//! | `meta`      | user · key                  | raw bytes (Google sync tokens, last full sync …) |
//! | `groups`    | user · resourceName         | [`GroupRecord`] as JSON |
//!
//! # Change log
//!
//! Each card change takes the book's next sequence number and appends `(seq, href, kind)` to
//! `changes`; the same transaction removes the href's previous entry (found through `latest`), so
//! the log holds one entry per href and its size is the number of cards plus tombstones. The
//! book's `seq` is its ctag and sync token. [`Store::compact_changes`] drops the oldest tombstones
//! (and every entry older than them) and raises the book's *horizon*: a sync token below it is
//! answered with [`ErrorKind::InvalidSyncToken`] so the client resyncs. Compaction also runs by
//! itself when a book holds more than [`StoreOptions::max_tombstones`] tombstones.
//!
//! # Google links
//!
//! A client delete keeps the card's Google link so the sync engine can still find the Person to
//! delete; [`Store::apply_remote`] with [`RemoteChange::Delete`] or [`Store::remove_link`] drops it.
//!
//! # Durability
//!
//! Client writes ([`Store::client_put`], [`Store::client_delete`]), user changes,
//! [`Store::outbox_ack`] and [`Store::set_meta`] flush before returning. Changes from Google
//! ([`Store::apply_remote`], links, groups) are not flushed one by one: the sync engine saves its
//! Google sync token with [`Store::set_meta`] after applying them, and that flush makes everything
//! written before it durable too.

mod cards;
mod changes;
mod codec;
mod error;
mod remote;
mod schema;
mod types;
mod users;

pub use error::{ErrorKind, StoreError};
pub use schema::SCHEMA_VERSION;
pub use types::{
    BookInfo, BookName, Card, CardMeta, Changes, ClientPut, GoogleAccountRef, GoogleLink,
    GroupRecord, OutboxEntry, OutboxOp, ParseBookNameError, PutOutcome, RemoteChange,
    SHARED_OWNER_PREFIX, User, shared_owner,
};

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Tunables of a [`Store`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// A book's change log is compacted automatically when it holds more tombstones than this;
    /// compaction then keeps the newest half.
    pub max_tombstones: usize,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            max_tombstones: 10_000,
        }
    }
}

/// The persistent store. Cheap to clone (an `Arc` inside), `Send + Sync`.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub db: sled::Db,
    pub users: sled::Tree,
    pub accounts: sled::Tree,
    pub books: sled::Tree,
    pub cards: sled::Tree,
    pub bodies: sled::Tree,
    pub uids: sled::Tree,
    pub links: sled::Tree,
    pub resources: sled::Tree,
    pub changes: sled::Tree,
    pub latest: sled::Tree,
    pub outbox: sled::Tree,
    pub meta: sled::Tree,
    pub groups: sled::Tree,
    pub options: StoreOptions,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, checking and migrating its schema version.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, StoreOptions::default())
    }

    /// [`Store::open`] with explicit options.
    pub fn open_with(dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::new(
                ErrorKind::Io,
                format!("cannot create the data directory {}: {e}", dir.display()),
            )
        })?;
        let db = open_db(dir).map_err(|e| {
            let err = StoreError::from(e);
            StoreError::new(
                err.kind(),
                format!(
                    "cannot open the store in {} (is another peopledav running on it?): {}",
                    dir.display(),
                    err.message()
                ),
            )
        })?;
        Store::from_db(db, options)
    }

    /// A store in a temporary sled database that vanishes when dropped, for tests.
    pub fn open_temporary() -> Result<Store, StoreError> {
        Store::open_temporary_with(StoreOptions::default())
    }

    /// [`Store::open_temporary`] with explicit options.
    pub fn open_temporary_with(options: StoreOptions) -> Result<Store, StoreError> {
        let db = sled_config().temporary(true).open()?;
        Store::from_db(db, options)
    }

    fn from_db(db: sled::Db, options: StoreOptions) -> Result<Store, StoreError> {
        schema::check_and_migrate(&db)?;
        let tree = |name: &str| db.open_tree(name);
        let inner = Inner {
            users: tree("users")?,
            accounts: tree("accounts")?,
            books: tree("books")?,
            cards: tree("cards")?,
            bodies: tree("bodies")?,
            uids: tree("uids")?,
            links: tree("links")?,
            resources: tree("resources")?,
            changes: tree("changes")?,
            latest: tree("latest")?,
            outbox: tree("outbox")?,
            meta: tree("meta")?,
            groups: tree("groups")?,
            options,
            db,
        };
        Ok(Store {
            inner: Arc::new(inner),
        })
    }

    /// Writes every pending change to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.inner.db.flush()?;
        Ok(())
    }

    /// The schema version of the open store (always [`SCHEMA_VERSION`] after a successful open).
    pub fn schema_version(&self) -> Result<u64, StoreError> {
        schema::read_version(&self.inner.db)?
            .ok_or_else(|| StoreError::corrupt("the store has no schema version"))
    }
}

/// The current time in unix seconds.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Shorthand for aborting a sled transaction with a store error.
pub(crate) fn abort<T>(
    err: StoreError,
) -> sled::transaction::ConflictableTransactionResult<T, StoreError> {
    Err(sled::transaction::ConflictableTransactionError::Abort(err))
}

/// Converts a store result inside a transaction into a transaction result.
pub(crate) trait InTx<T> {
    fn tx(self) -> sled::transaction::ConflictableTransactionResult<T, StoreError>;
}

impl<T> InTx<T> for Result<T, StoreError> {
    fn tx(self) -> sled::transaction::ConflictableTransactionResult<T, StoreError> {
        self.map_err(sled::transaction::ConflictableTransactionError::Abort)
    }
}

/// sled's page cache: its default (1 GiB) would let one bridge grow to that size; a 10,000-card
/// book is a few tens of MB, so 128 MiB holds it whole.
const CACHE_BYTES: u64 = 128 * 1024 * 1024;

fn sled_config() -> sled::Config {
    sled::Config::new().cache_capacity(CACHE_BYTES)
}

/// Opens the database in `dir`. A store closed a moment ago (a restart, a reopen) still holds
/// its file lock until sled's flusher thread has finished, so a busy lock is waited for a little
/// before it counts as another peopledav running on the directory.
fn open_db(dir: &Path) -> sled::Result<sled::Db> {
    const WAITS: u32 = 40;
    let mut waited = 0;
    loop {
        match sled_config().path(dir).open() {
            Err(sled::Error::Io(e))
                if e.kind() == std::io::ErrorKind::WouldBlock && waited < WAITS =>
            {
                waited += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests;
