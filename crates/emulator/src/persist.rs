//! Saving and restoring the emulator's address books: a JSON snapshot written atomically.
//!
//! The snapshot holds, per account (matched by e-mail address on load), the contacts, other
//! contacts and directory with their change logs and tombstones, the contact groups, the photos,
//! the id counters; per Workspace domain, the shared contacts (each entry as its Atom XML) with
//! their tombstones; and the emulator clock. Page and sync tokens encode only positions in the
//! change log and the time of their full sync, so tokens issued before a restart keep working
//! (and still expire 7 days after their full sync). Quota windows and stats are not saved.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::book::Book;
use crate::error::EmulatorError;
use crate::state::{Account, Group, SharedBook, SharedContact, StoredPhoto, lock};

/// The snapshot format; a file with another version is refused.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    version: u32,
    /// Emulator time (µs since the epoch) when the snapshot was taken.
    now: i64,
    accounts: Vec<AccountSnapshot>,
    /// By Workspace domain (lowercase); absent in files written before shared contacts existed.
    #[serde(default)]
    shared_contacts: BTreeMap<String, SharedBookSnapshot>,
}

#[derive(Serialize, Deserialize)]
struct SharedBookSnapshot {
    counter: u64,
    contacts: BTreeMap<String, SharedContactSnapshot>,
}

#[derive(Serialize, Deserialize)]
struct SharedContactSnapshot {
    etag: String,
    updated: i64,
    deleted: bool,
    /// The stored entry, as an Atom entry document.
    entry: String,
}

fn shared_snapshot(book: &SharedBook) -> SharedBookSnapshot {
    SharedBookSnapshot {
        counter: book.counter,
        contacts: book
            .contacts
            .iter()
            .map(|(id, c)| {
                (
                    id.clone(),
                    SharedContactSnapshot {
                        etag: c.etag.clone(),
                        updated: c.updated,
                        deleted: c.deleted,
                        entry: gdata::write_entry(&c.entry),
                    },
                )
            })
            .collect(),
    }
}

fn shared_book(domain: &str, saved: SharedBookSnapshot) -> Result<SharedBook, String> {
    let mut contacts = BTreeMap::new();
    for (id, c) in saved.contacts {
        let entry = gdata::parse_entry(c.entry.as_bytes())
            .map_err(|e| format!("shared contact {id} of {domain}: {e}"))?;
        contacts.insert(
            id,
            SharedContact {
                entry,
                etag: c.etag,
                updated: c.updated,
                deleted: c.deleted,
            },
        );
    }
    Ok(SharedBook {
        contacts,
        counter: saved.counter,
    })
}

#[derive(Serialize, Deserialize)]
struct AccountSnapshot {
    email: String,
    seq: u64,
    counter: u64,
    contacts: Book,
    other: Book,
    directory: Book,
    groups: BTreeMap<String, Group>,
    deleted_groups: BTreeMap<String, (u64, String)>,
    photos: BTreeMap<String, PhotoSnapshot>,
}

#[derive(Serialize, Deserialize)]
struct PhotoSnapshot {
    content_type: String,
    /// Standard base64.
    bytes: String,
}

fn snapshot_of(acct: &Account) -> Result<serde_json::Value, serde_json::Error> {
    // Borrowing serialization: the account stays locked only while it is turned into JSON.
    #[derive(Serialize)]
    struct View<'a> {
        email: &'a str,
        seq: u64,
        counter: u64,
        contacts: &'a Book,
        other: &'a Book,
        directory: &'a Book,
        groups: &'a BTreeMap<String, Group>,
        deleted_groups: &'a BTreeMap<String, (u64, String)>,
        photos: BTreeMap<&'a str, PhotoSnapshot>,
    }
    serde_json::to_value(View {
        email: &acct.config.email,
        seq: acct.seq,
        counter: acct.counter,
        contacts: &acct.contacts,
        other: &acct.other,
        directory: &acct.directory,
        groups: &acct.groups,
        deleted_groups: &acct.deleted_groups,
        photos: acct
            .photos
            .iter()
            .map(|(k, p)| {
                (
                    k.as_str(),
                    PhotoSnapshot {
                        content_type: p.content_type.to_owned(),
                        bytes: STANDARD.encode(&p.bytes),
                    },
                )
            })
            .collect(),
    })
}

/// Serializes the accounts (each locked in turn, not all at once), the shared contacts and the
/// clock reading `now`.
pub(crate) fn encode(
    now: i64,
    accounts: &[Mutex<Account>],
    shared_contacts: &Mutex<BTreeMap<String, SharedBook>>,
) -> Result<Vec<u8>, serde_json::Error> {
    let accounts = accounts
        .iter()
        .map(|a| snapshot_of(&lock(a)))
        .collect::<Result<Vec<_>, _>>()?;
    let shared: BTreeMap<String, SharedBookSnapshot> = lock(shared_contacts)
        .iter()
        .map(|(domain, book)| (domain.clone(), shared_snapshot(book)))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "version": VERSION,
        "now": now,
        "accounts": accounts,
        "shared_contacts": shared,
    }))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, renamed.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EmulatorError> {
    let fail = |source: std::io::Error| EmulatorError::StateWrite {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "emulator-state.json".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable where the platform allows opening a directory.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// A loaded snapshot: the saved clock, the saved accounts by e-mail address, and the shared
/// contacts by domain.
pub(crate) struct Restored {
    pub now: i64,
    accounts: BTreeMap<String, AccountSnapshot>,
    shared_contacts: BTreeMap<String, SharedBook>,
}

/// Reads a snapshot; `Ok(None)` when the file does not exist.
pub(crate) fn read(path: &Path) -> Result<Option<Restored>, EmulatorError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(EmulatorError::StateRead {
                path: shown,
                source,
            });
        }
    };
    let format = |reason: String| EmulatorError::StateFormat {
        path: shown.clone(),
        reason,
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| format(e.to_string()))?;
    if snapshot.version != VERSION {
        return Err(format(format!(
            "snapshot version {} is not the supported version {VERSION}",
            snapshot.version
        )));
    }
    for a in &snapshot.accounts {
        for (key, p) in &a.photos {
            if content_type(&p.content_type).is_none() {
                return Err(format(format!(
                    "photo {key} has the unsupported type {:?}",
                    p.content_type
                )));
            }
        }
    }
    let mut shared_contacts = BTreeMap::new();
    for (domain, saved) in snapshot.shared_contacts {
        let book = shared_book(&domain, saved).map_err(&format)?;
        shared_contacts.insert(domain, book);
    }
    Ok(Some(Restored {
        now: snapshot.now,
        shared_contacts,
        accounts: snapshot
            .accounts
            .into_iter()
            .map(|a| (a.email.clone(), a))
            .collect(),
    }))
}

fn content_type(name: &str) -> Option<&'static str> {
    match name {
        "image/jpeg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        _ => None,
    }
}

impl Restored {
    /// The saved shared contacts of `domain` (lowercase), if the snapshot has them.
    pub fn take_shared_contacts(&mut self, domain: &str) -> Option<SharedBook> {
        self.shared_contacts.remove(domain)
    }

    /// Replaces `acct`'s address books with the saved ones for its e-mail address, if any.
    /// Returns whether the account was in the snapshot.
    pub fn restore(&mut self, acct: &mut Account) -> bool {
        let Some(saved) = self.accounts.remove(&acct.config.email) else {
            return false;
        };
        acct.seq = saved.seq;
        acct.counter = saved.counter;
        acct.contacts = saved.contacts;
        acct.other = saved.other;
        acct.directory = saved.directory;
        acct.groups = saved.groups;
        acct.deleted_groups = saved.deleted_groups;
        acct.photos = saved
            .photos
            .into_iter()
            .filter_map(|(k, p)| {
                let bytes = STANDARD.decode(p.bytes).ok()?;
                Some((
                    k,
                    StoredPhoto {
                        content_type: content_type(&p.content_type)?,
                        bytes,
                    },
                ))
            })
            .collect();
        true
    }
}
