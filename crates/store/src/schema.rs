//! The schema version key and the migrations between versions.

use crate::error::StoreError;

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u64 = 1;

const VERSION_KEY: &[u8] = b"schema_version";

/// Trees a store of any version may hold data in; used to tell a fresh database from one that
/// predates the version key.
const DATA_TREES: &[&str] = &[
    "users",
    "accounts",
    "books",
    "cards",
    "bodies",
    "uids",
    "links",
    "resources",
    "changes",
    "latest",
    "outbox",
    "meta",
    "groups",
];

pub(crate) fn read_version(db: &sled::Db) -> Result<Option<u64>, StoreError> {
    match db.get(VERSION_KEY)? {
        None => Ok(None),
        Some(v) => {
            let bytes: [u8; 8] = v
                .as_ref()
                .try_into()
                .map_err(|_| StoreError::corrupt("the store's schema version key is not a u64"))?;
            Ok(Some(u64::from_be_bytes(bytes)))
        }
    }
}

fn write_version(db: &sled::Db, version: u64) -> Result<(), StoreError> {
    db.insert(VERSION_KEY, &version.to_be_bytes())?;
    db.flush()?;
    Ok(())
}

/// Stamps a fresh database with [`SCHEMA_VERSION`], migrates an older one step by step, and refuses
/// a newer one.
pub(crate) fn check_and_migrate(db: &sled::Db) -> Result<(), StoreError> {
    let version = match read_version(db)? {
        Some(v) => v,
        None => {
            if has_data(db)? {
                return Err(StoreError::corrupt(
                    "the store holds data but no schema version; it was not written by peopledav",
                ));
            }
            write_version(db, SCHEMA_VERSION)?;
            return Ok(());
        }
    };
    migrate(db, version)
}

/// Brings a store at schema `from` up to [`SCHEMA_VERSION`], one version at a time, recording each
/// step, or refuses a version this build does not know.
pub(crate) fn migrate(db: &sled::Db, from: u64) -> Result<(), StoreError> {
    if from > SCHEMA_VERSION {
        return Err(StoreError::corrupt(format!(
            "the store has schema version {from} but this peopledav understands up to \
             {SCHEMA_VERSION}; upgrade peopledav or point it at another data directory"
        )));
    }
    let mut version = from;
    while version < SCHEMA_VERSION {
        let next = step(db, version)?;
        tracing::info!(from = version, to = next, "migrated the store schema");
        write_version(db, next)?;
        version = next;
    }
    Ok(())
}

/// One migration step from `version`; returns the version reached.
///
/// Version 1 is the first layout, so no step exists yet; a future layout change adds an arm here
/// (`1 => { …rewrite keys in one transaction…; Ok(2) }`).
fn step(_db: &sled::Db, version: u64) -> Result<u64, StoreError> {
    Err(StoreError::corrupt(format!(
        "the store has schema version {version}, which no peopledav release wrote"
    )))
}

fn has_data(db: &sled::Db) -> Result<bool, StoreError> {
    for name in db.tree_names() {
        let known = DATA_TREES.iter().any(|t| t.as_bytes() == name.as_ref());
        if known && !db.open_tree(&name)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}
