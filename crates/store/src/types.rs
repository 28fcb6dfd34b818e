//! The records the store keeps and returns: users, address books, cards, changes, outbox entries.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the address books a bridge user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookName {
    /// Google "My Contacts", read-write.
    Contacts,
    /// Google "Other contacts", read-only for clients.
    Other,
    /// The Workspace domain directory, read-only for clients.
    Directory,
    /// A Workspace domain's shared contacts (the Domain Shared Contacts feed). Its cards live
    /// under the domain's own store user (see [`shared_owner`]); the domain's admins may write
    /// to it, everyone else in the domain reads it.
    Shared,
}

/// The store user that holds the shared contacts of `domain`. No one logs in as it: the name
/// is not a valid login name.
pub fn shared_owner(domain: &str) -> String {
    format!("{SHARED_OWNER_PREFIX}{domain}")
}

/// What the names of [`shared_owner`]s start with.
pub const SHARED_OWNER_PREFIX: &str = "domain:";

impl BookName {
    /// Every address book, in display order.
    pub const ALL: [BookName; 4] = [
        BookName::Contacts,
        BookName::Other,
        BookName::Directory,
        BookName::Shared,
    ];

    /// The path segment: `"contacts"`, `"other"`, `"directory"` or `"shared"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BookName::Contacts => "contacts",
            BookName::Other => "other",
            BookName::Directory => "directory",
            BookName::Shared => "shared",
        }
    }

    /// Whether CardDAV clients may not write to this book (only Google changes it).
    /// The shared book is writable here: who may write to it is the front end's decision.
    pub fn is_read_only(self) -> bool {
        matches!(self, BookName::Other | BookName::Directory)
    }

    /// The display name a book has until it is set.
    pub fn default_display_name(self) -> &'static str {
        match self {
            BookName::Contacts => "Contacts",
            BookName::Other => "Other contacts",
            BookName::Directory => "Directory",
            BookName::Shared => "Shared contacts",
        }
    }

    /// The one-byte tag used in keys.
    pub(crate) fn tag(self) -> u8 {
        match self {
            BookName::Contacts => 0,
            BookName::Other => 1,
            BookName::Directory => 2,
            BookName::Shared => 3,
        }
    }
}

impl fmt::Display for BookName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`BookName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown address book {0:?}: expected contacts, other, directory or shared")]
pub struct ParseBookNameError(pub String);

impl FromStr for BookName {
    type Err = ParseBookNameError;

    fn from_str(s: &str) -> Result<BookName, ParseBookNameError> {
        BookName::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| ParseBookNameError(s.to_owned()))
    }
}

/// A bridge user (a CardDAV login).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The login name.
    pub name: String,
    /// An argon2 PHC string, computed by the caller.
    pub password_hash: String,
    /// Which configured Google account this user's books mirror.
    pub google: GoogleAccountRef,
}

/// A reference to a configured Google account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoogleAccountRef {
    /// The account's key in the configuration.
    pub label: String,
}

/// An address book's properties and current change sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookInfo {
    /// The `DAV:displayname`.
    pub display_name: String,
    /// The `CARDDAV:addressbook-description`.
    pub description: String,
    /// The current change sequence: the ctag and the sync token.
    pub seq: u64,
}

/// A stored card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The resource name inside the book, e.g. `"abc.vcf"`.
    pub href: String,
    /// The vCard UID.
    pub uid: String,
    /// The quoted strong etag, derived from the bytes.
    pub etag: String,
    /// The vCard bytes as stored.
    pub vcard: Vec<u8>,
    /// When the card was last written, in unix seconds.
    pub modified: i64,
}

/// A card without its bytes, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardMeta {
    /// The resource name inside the book.
    pub href: String,
    /// The vCard UID.
    pub uid: String,
    /// The quoted strong etag.
    pub etag: String,
    /// The size of the vCard in bytes.
    pub len: u64,
    /// When the card was last written, in unix seconds.
    pub modified: i64,
}

/// A CardDAV client's PUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPut {
    /// The resource name inside the book.
    pub href: String,
    /// The UID parsed from the vCard.
    pub uid: String,
    /// The vCard bytes to store.
    pub vcard: Vec<u8>,
    /// `If-Match`: the etag the card must have now (`"*"`: the card must exist).
    pub if_match: Option<String>,
    /// `If-None-Match: *`: the card must not exist.
    pub if_none_match_any: bool,
}

/// The result of a client PUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    /// The new etag.
    pub etag: String,
    /// Whether the card was created (201) rather than replaced (204).
    pub created: bool,
}

/// What changed in a book since a sync token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The book's current sequence: the new sync token.
    pub seq: u64,
    /// Hrefs created or changed, in change order.
    pub changed: Vec<String>,
    /// Hrefs deleted, in change order.
    pub deleted: Vec<String>,
}

/// A pending client mutation for the sync engine to push to Google.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Per-user monotonic sequence: the order of the writes.
    pub seq: u64,
    /// The book written.
    pub book: BookName,
    /// The card written.
    pub href: String,
    /// What the client did.
    pub op: OutboxOp,
}

/// A client mutation. The card bytes are read from the store at push time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutboxOp {
    /// The card was created or replaced.
    Put {
        /// The card's UID.
        uid: String,
    },
    /// The card was deleted.
    Delete {
        /// The UID the card had.
        uid: String,
    },
}

/// A change that came from Google.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteChange {
    /// Create or replace a card, with its Google link.
    Upsert {
        /// The card's href.
        href: String,
        /// The card's UID.
        uid: String,
        /// The vCard bytes.
        vcard: Vec<u8>,
        /// The Google state of the card.
        link: GoogleLink,
    },
    /// Delete a card (and its Google link).
    Delete {
        /// The card's href.
        href: String,
    },
}

/// The Google side of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleLink {
    /// The Person's `resourceName`, e.g. `people/c123`.
    pub resource_name: String,
    /// The Person's source etag as last seen.
    pub person_etag: String,
    /// The last synced Person JSON: the merge base.
    pub base: Vec<u8>,
}

/// A Google contact group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// The group's `resourceName`, e.g. `contactGroups/abc`.
    pub resource_name: String,
    /// The group's name.
    pub name: String,
    /// The group's etag.
    pub etag: String,
    /// Whether it is a system group (`myContacts`, `starred`, …).
    pub system: bool,
    /// The href of the group card that represents it, if any.
    pub card_href: Option<String>,
}
