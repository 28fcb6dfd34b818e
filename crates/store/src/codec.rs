//! Key construction and value encodings for the sled trees (layout documented in the crate root).

use crate::error::StoreError;
use crate::types::BookName;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The key prefix of everything a user owns: the name's length (u32 big-endian), then its bytes.
///
/// The length makes the prefix unambiguous: no user's prefix is a prefix of another user's keys.
pub(crate) fn user_prefix(user: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(4 + user.len() + 1 + 16);
    // A name longer than u32::MAX bytes cannot be held in memory next to its key; saturate.
    let len = u32::try_from(user.len()).unwrap_or(u32::MAX);
    key.extend_from_slice(&len.to_be_bytes());
    key.extend_from_slice(user.as_bytes());
    key
}

/// The key prefix of one address book: the user prefix, then the book's one-byte tag.
pub(crate) fn book_prefix(user: &str, book: BookName) -> Vec<u8> {
    let mut key = user_prefix(user);
    key.push(book.tag());
    key
}

/// `prefix` followed by `tail`.
pub(crate) fn join(prefix: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + tail.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(tail);
    key
}

/// `prefix` followed by `seq` big-endian, so sled's byte order is the sequence order.
pub(crate) fn seq_key(prefix: &[u8], seq: u64) -> Vec<u8> {
    join(prefix, &seq.to_be_bytes())
}

/// The sequence number at the end of a key built by [`seq_key`].
pub(crate) fn seq_of_key(key: &[u8]) -> Result<u64, StoreError> {
    key.len()
        .checked_sub(8)
        .and_then(|at| key[at..].try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::corrupt("a sequence key is shorter than 8 bytes"))
}

/// The strong, quoted etag of some bytes: the first 128 bits of their SHA-256, in hex.
pub(crate) fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut etag = String::with_capacity(34);
    etag.push('"');
    for b in &digest[..16] {
        etag.push(char::from(HEX[usize::from(b >> 4)]));
        etag.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    etag.push('"');
    etag
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value)
        .map_err(|e| StoreError::corrupt(format!("cannot encode a record: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError::corrupt(format!("cannot decode a stored {what}: {e}")))
}

pub(crate) fn utf8(bytes: &[u8], what: &str) -> Result<String, StoreError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| StoreError::corrupt(format!("a stored {what} is not utf-8")))
}

/// Per-book state in the `books` tree (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BookRecord {
    /// `None` until set: the book's default name applies.
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// The last change sequence handed out (0: no change yet).
    pub seq: u64,
    /// Sync tokens below this were compacted away.
    pub horizon: u64,
    /// Live cards in the book.
    pub cards: u64,
    /// Deletion entries in the change log.
    pub tombstones: u64,
}

/// Per-user state in the `accounts` tree (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountRecord {
    /// The last outbox sequence handed out.
    pub outbox_seq: u64,
}

/// A card's metadata in the `cards` tree, in a fixed binary form (the hot path of listings):
/// `seq u64 | len u64 | modified i64 | uid_len u32` (all big-endian), then the UID, then the etag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardRecord {
    /// The change sequence of the write that stored these bytes; the body carries the same.
    pub seq: u64,
    pub len: u64,
    pub modified: i64,
    pub uid: String,
    pub etag: String,
}

impl CardRecord {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(28 + self.uid.len() + self.etag.len());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.len.to_be_bytes());
        out.extend_from_slice(&self.modified.to_be_bytes());
        let uid_len = u32::try_from(self.uid.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&uid_len.to_be_bytes());
        out.extend_from_slice(self.uid.as_bytes());
        out.extend_from_slice(self.etag.as_bytes());
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<CardRecord, StoreError> {
        let bad = || StoreError::corrupt("a stored card record is truncated");
        let head = bytes.get(..28).ok_or_else(bad)?;
        let word = |at: usize| -> [u8; 8] {
            let mut w = [0; 8];
            w.copy_from_slice(&head[at..at + 8]);
            w
        };
        let mut uid_len = [0; 4];
        uid_len.copy_from_slice(&head[24..28]);
        let uid_len = usize::try_from(u32::from_be_bytes(uid_len)).map_err(|_| bad())?;
        let rest = &bytes[28..];
        if rest.len() < uid_len {
            return Err(bad());
        }
        let (uid, etag) = rest.split_at(uid_len);
        Ok(CardRecord {
            seq: u64::from_be_bytes(word(0)),
            len: u64::from_be_bytes(word(8)),
            modified: i64::from_be_bytes(word(16)),
            uid: std::str::from_utf8(uid).map_err(|_| bad())?.to_owned(),
            etag: std::str::from_utf8(etag).map_err(|_| bad())?.to_owned(),
        })
    }
}

/// A card body in the `bodies` tree: the write's `seq` (u64 big-endian), then the raw vCard bytes.
pub(crate) fn encode_body(seq: u64, vcard: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + vcard.len());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(vcard);
    out
}

/// Splits a stored body into its write sequence and the vCard bytes.
pub(crate) fn decode_body(bytes: &[u8]) -> Result<(u64, &[u8]), StoreError> {
    if bytes.len() < 8 {
        return Err(StoreError::corrupt("a stored card body is truncated"));
    }
    let (seq, vcard) = bytes.split_at(8);
    let mut w = [0; 8];
    w.copy_from_slice(seq);
    Ok((u64::from_be_bytes(w), vcard))
}

/// A change-log entry in the `changes` tree: one kind byte (`c` changed, `d` deleted), then the href.
pub(crate) fn encode_change(deleted: bool, href: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + href.len());
    out.push(if deleted { b'd' } else { b'c' });
    out.extend_from_slice(href.as_bytes());
    out
}

pub(crate) fn decode_change(bytes: &[u8]) -> Result<(bool, String), StoreError> {
    match bytes.split_first() {
        Some((b'c', href)) => Ok((false, utf8(href, "change href")?)),
        Some((b'd', href)) => Ok((true, utf8(href, "change href")?)),
        _ => Err(StoreError::corrupt(
            "a stored change-log entry has an unknown kind",
        )),
    }
}

/// The `latest` tree's value for an href: the seq of its change-log entry (u64 big-endian), then
/// the kind byte.
pub(crate) fn encode_latest(seq: u64, deleted: bool) -> Vec<u8> {
    let mut out = seq.to_be_bytes().to_vec();
    out.push(if deleted { b'd' } else { b'c' });
    out
}

pub(crate) fn decode_latest(bytes: &[u8]) -> Result<(u64, bool), StoreError> {
    if bytes.len() != 9 {
        return Err(StoreError::corrupt(
            "a stored change index entry has the wrong size",
        ));
    }
    let mut w = [0; 8];
    w.copy_from_slice(&bytes[..8]);
    Ok((u64::from_be_bytes(w), bytes[8] == b'd'))
}

/// The JSON header of a link in the `links` tree (the base follows it raw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct LinkHeader {
    resource_name: String,
    person_etag: String,
}

/// A link in the `links` tree: header length (u32 big-endian), the JSON header, then the raw base.
pub(crate) fn encode_link(link: &crate::GoogleLink) -> Result<Vec<u8>, StoreError> {
    let header = to_json(&LinkHeader {
        resource_name: link.resource_name.clone(),
        person_etag: link.person_etag.clone(),
    })?;
    let len = u32::try_from(header.len())
        .map_err(|_| StoreError::corrupt("a google link header is larger than 4 gib"))?;
    let mut out = Vec::with_capacity(4 + header.len() + link.base.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&link.base);
    Ok(out)
}

pub(crate) fn decode_link(bytes: &[u8]) -> Result<crate::GoogleLink, StoreError> {
    let bad = || StoreError::corrupt("a stored google link is truncated");
    let len = bytes.get(..4).ok_or_else(bad)?;
    let mut w = [0; 4];
    w.copy_from_slice(len);
    let len = usize::try_from(u32::from_be_bytes(w)).map_err(|_| bad())?;
    let header = bytes.get(4..4 + len).ok_or_else(bad)?;
    let header: LinkHeader = from_json(header, "google link")?;
    Ok(crate::GoogleLink {
        resource_name: header.resource_name,
        person_etag: header.person_etag,
        base: bytes[4 + len..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_record_round_trips() {
        let rec = CardRecord {
            seq: 7,
            len: 120,
            modified: -3,
            uid: "urn:uuid:ü".into(),
            etag: "\"abc\"".into(),
        };
        assert_eq!(CardRecord::decode(&rec.encode()).unwrap(), rec);
        assert_eq!(
            CardRecord::decode(&rec.encode()[..20]).unwrap_err().kind(),
            crate::ErrorKind::Corrupt
        );
    }

    #[test]
    fn link_round_trips_with_raw_base() {
        let link = crate::GoogleLink {
            resource_name: "people/c1".into(),
            person_etag: "%Ejk=".into(),
            base: b"{\"names\":[]}\n\0\xff".to_vec(),
        };
        let bytes = encode_link(&link).unwrap();
        assert!(bytes.ends_with(&link.base), "the base is stored raw");
        assert_eq!(decode_link(&bytes).unwrap(), link);
    }

    #[test]
    fn user_prefixes_do_not_nest() {
        let a = book_prefix("ab", BookName::Contacts);
        let b = book_prefix("a", BookName::Contacts);
        assert!(!a.starts_with(&b) && !b.starts_with(&a));
    }

    #[test]
    fn seq_keys_sort_numerically() {
        let p = book_prefix("u", BookName::Other);
        assert!(seq_key(&p, 255) < seq_key(&p, 256));
        assert_eq!(seq_of_key(&seq_key(&p, 1 << 40)).unwrap(), 1 << 40);
    }

    #[test]
    fn etag_is_quoted_hex_and_deterministic() {
        let e = etag_of(b"BEGIN:VCARD");
        assert_eq!(e, etag_of(b"BEGIN:VCARD"));
        assert_ne!(e, etag_of(b"BEGIN:VCARD\r\n"));
        assert_eq!(e.len(), 34);
        assert!(e.starts_with('"') && e.ends_with('"'));
    }

    #[test]
    fn change_and_latest_values_round_trip() {
        assert_eq!(
            decode_change(&encode_change(true, "a.vcf")).unwrap(),
            (true, "a.vcf".into())
        );
        assert_eq!(decode_latest(&encode_latest(9, false)).unwrap(), (9, false));
    }
}
