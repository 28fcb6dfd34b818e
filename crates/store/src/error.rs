//! The store's error type: a [`StoreError`] carries an [`ErrorKind`] callers branch on.

/// What went wrong, for callers that branch (the CardDAV front end maps these to HTTP statuses).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The card (or other record) does not exist.
    NotFound,
    /// An `If-Match` / `If-None-Match: *` precondition does not hold.
    PreconditionFailed,
    /// The UID is already stored in the same address book under another href.
    UidConflict {
        /// The href that already holds the UID.
        href: String,
    },
    /// The address book is read-only for CardDAV clients.
    ReadOnly,
    /// The sync token is older than the compacted horizon or newer than the current sequence.
    InvalidSyncToken,
    /// A remote change lost a race with a newer client write; nothing was changed.
    Conflict,
    /// Stored data could not be decoded, or the schema version is not supported.
    Corrupt,
    /// The underlying database failed (disk, I/O, lock).
    Io,
}

/// An error from the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    kind: ErrorKind,
    message: String,
}

impl StoreError {
    /// Builds an error of `kind` with a lowercase, actionable `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> StoreError {
        StoreError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong, for branching.
    pub fn kind(&self) -> ErrorKind {
        self.kind.clone()
    }

    /// The human-readable message (also the `Display` form).
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn not_found(what: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::NotFound, what)
    }

    pub(crate) fn precondition(what: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::PreconditionFailed, what)
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::new(ErrorKind::Corrupt, what)
    }
}

impl From<sled::Error> for StoreError {
    fn from(err: sled::Error) -> StoreError {
        match err {
            sled::Error::Corruption { .. } => {
                StoreError::corrupt(format!("the database is corrupt: {err}"))
            }
            other => StoreError::new(ErrorKind::Io, format!("database error: {other}")),
        }
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(err: sled::transaction::TransactionError<StoreError>) -> StoreError {
        match err {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => e.into(),
        }
    }
}
