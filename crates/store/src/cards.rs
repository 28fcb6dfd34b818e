//! Address books and cards: lazy book records, card reads, and CardDAV client writes.

use crate::codec::{
    BookRecord, CardRecord, book_prefix, decode_body, encode_body, etag_of, from_json, join,
    to_json, utf8,
};
use crate::error::{ErrorKind, StoreError};
use crate::types::{BookInfo, BookName, Card, CardMeta, ClientPut, OutboxOp, PutOutcome};
use crate::{InTx, Store, abort, now_unix};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionResult, TransactionalTree};

/// How often a card read retries when a concurrent write lands between its two lookups, before
/// falling back to a read transaction.
const OPTIMISTIC_READS: usize = 4;

pub(crate) fn read_book_tx(
    books: &TransactionalTree,
    prefix: &[u8],
) -> ConflictableTransactionResult<BookRecord, StoreError> {
    match books.get(prefix)? {
        Some(v) => from_json(&v, "book record").tx(),
        None => Ok(BookRecord::default()),
    }
}

pub(crate) fn read_card_tx(
    cards: &TransactionalTree,
    key: &[u8],
) -> ConflictableTransactionResult<Option<CardRecord>, StoreError> {
    cards
        .get(key)?
        .map(|v| CardRecord::decode(&v))
        .transpose()
        .tx()
}

impl Store {
    pub(crate) fn book_record(&self, user: &str, book: BookName) -> Result<BookRecord, StoreError> {
        match self.inner.books.get(book_prefix(user, book))? {
            Some(v) => from_json(&v, "book record"),
            None => Ok(BookRecord::default()),
        }
    }

    /// The book's properties and current change sequence; creates the book's record on first use.
    pub fn book(&self, user: &str, book: BookName) -> Result<BookInfo, StoreError> {
        let key = book_prefix(user, book);
        let rec = match self.inner.books.get(&key)? {
            Some(v) => from_json(&v, "book record")?,
            None => {
                let fresh = BookRecord::default();
                // Lose gracefully to a concurrent creation or first write.
                let _ = self.inner.books.compare_and_swap(
                    &key,
                    None::<&[u8]>,
                    Some(to_json(&fresh)?),
                )?;
                self.book_record(user, book)?
            }
        };
        Ok(book_info(book, &rec))
    }

    /// Sets the display name and/or description; `None` leaves that property as it is.
    pub fn set_book_props(
        &self,
        user: &str,
        book: BookName,
        display_name: Option<String>,
        description: Option<String>,
    ) -> Result<(), StoreError> {
        let key = book_prefix(user, book);
        self.inner.books.transaction(|books| {
            let mut rec = read_book_tx(books, &key)?;
            if let Some(name) = &display_name {
                rec.display_name = Some(name.clone());
            }
            if let Some(desc) = &description {
                rec.description = Some(desc.clone());
            }
            books.insert(key.as_slice(), to_json(&rec).tx()?)?;
            Ok(())
        })?;
        self.flush()
    }

    /// The card at `href`, if any.
    pub fn card(&self, user: &str, book: BookName, href: &str) -> Result<Option<Card>, StoreError> {
        let key = join(&book_prefix(user, book), href.as_bytes());
        self.card_at(&key, href)
    }

    /// Reads a card's metadata and body consistently: both carry the seq of the write that stored
    /// them, so a write landing between the two lookups is detected and the read repeated.
    fn card_at(&self, key: &[u8], href: &str) -> Result<Option<Card>, StoreError> {
        for _ in 0..OPTIMISTIC_READS {
            let meta = self.inner.cards.get(key)?;
            let body = self.inner.bodies.get(key)?;
            match (meta, body) {
                (None, None) => return Ok(None),
                (Some(meta), Some(body)) => {
                    let rec = CardRecord::decode(&meta)?;
                    let (seq, vcard) = decode_body(&body)?;
                    if seq == rec.seq {
                        return Ok(Some(make_card(href, rec, vcard)));
                    }
                }
                _ => {}
            }
        }
        let found = (&self.inner.cards, &self.inner.bodies).transaction(|(cards, bodies)| {
            let Some(rec) = read_card_tx(cards, key)? else {
                return Ok(None);
            };
            let Some(body) = bodies.get(key)? else {
                return abort(StoreError::corrupt(format!("card {href} has no body")));
            };
            let (_, vcard) = decode_body(&body).tx()?;
            Ok(Some(make_card(href, rec, vcard)))
        })?;
        Ok(found)
    }

    /// The card with vCard UID `uid`, if any.
    pub fn card_by_uid(
        &self,
        user: &str,
        book: BookName,
        uid: &str,
    ) -> Result<Option<Card>, StoreError> {
        let prefix = book_prefix(user, book);
        for _ in 0..OPTIMISTIC_READS {
            let Some(href) = self.inner.uids.get(join(&prefix, uid.as_bytes()))? else {
                return Ok(None);
            };
            let href = utf8(&href, "href")?;
            match self.card_at(&join(&prefix, href.as_bytes()), &href)? {
                Some(card) if card.uid == uid => return Ok(Some(card)),
                // The UID moved or the card went away between the lookups: look again.
                _ => continue,
            }
        }
        Err(StoreError::new(
            ErrorKind::Io,
            format!("card with uid {uid} keeps changing while it is read; retry"),
        ))
    }

    /// Every card of the book with its bytes, sorted by href.
    pub fn cards(&self, user: &str, book: BookName) -> Result<Vec<Card>, StoreError> {
        let prefix = book_prefix(user, book);
        let mut out = Vec::new();
        for entry in self.inner.cards.scan_prefix(&prefix) {
            let (key, meta) = entry?;
            let href = utf8(&key[prefix.len()..], "href")?;
            let rec = CardRecord::decode(&meta)?;
            let body = self.inner.bodies.get(&key)?;
            let fresh = match body {
                Some(body) => {
                    let (seq, vcard) = decode_body(&body)?;
                    (seq == rec.seq).then(|| make_card(&href, rec, vcard))
                }
                None => None,
            };
            // A write or delete raced with the scan: read that card on its own.
            let card = match fresh {
                Some(card) => Some(card),
                None => self.card_at(&key, &href)?,
            };
            out.extend(card);
        }
        Ok(out)
    }

    /// Every card's metadata (no bytes are read), sorted by href.
    pub fn card_metas(&self, user: &str, book: BookName) -> Result<Vec<CardMeta>, StoreError> {
        let prefix = book_prefix(user, book);
        self.inner
            .cards
            .scan_prefix(&prefix)
            .map(|entry| {
                let (key, meta) = entry?;
                let rec = CardRecord::decode(&meta)?;
                Ok(CardMeta {
                    href: utf8(&key[prefix.len()..], "href")?,
                    uid: rec.uid,
                    etag: rec.etag,
                    len: rec.len,
                    modified: rec.modified,
                })
            })
            .collect()
    }

    /// A CardDAV client's PUT: card, change-log entry and outbox entry in one transaction,
    /// flushed before returning. Storing the exact bytes already stored is a no-op.
    pub fn client_put(
        &self,
        user: &str,
        book: BookName,
        put: ClientPut,
    ) -> Result<PutOutcome, StoreError> {
        if book.is_read_only() {
            return Err(read_only(book));
        }
        let i = &self.inner;
        let prefix = book_prefix(user, book);
        let key = join(&prefix, put.href.as_bytes());
        let uid_key = join(&prefix, put.uid.as_bytes());
        let etag = etag_of(&put.vcard);
        let modified = now_unix();
        let (outcome, tombstones) = (
            &i.books,
            &i.cards,
            &i.bodies,
            &i.uids,
            &i.changes,
            &i.latest,
            &i.outbox,
            &i.accounts,
        )
            .transaction(
                |(books, cards, bodies, uids, changes, latest, outbox, accounts)| {
                    let mut rec = read_book_tx(books, &prefix)?;
                    let existing = read_card_tx(cards, &key)?;
                    check_if_match(put.if_match.as_deref(), existing.as_ref(), &put.href).tx()?;
                    if put.if_none_match_any && existing.is_some() {
                        return abort(StoreError::precondition(format!(
                            "card {} already exists",
                            put.href
                        )));
                    }
                    if let Some(other) = uids.get(&uid_key)?
                        && other.as_ref() != put.href.as_bytes()
                    {
                        let href = utf8(&other, "href").tx()?;
                        return abort(StoreError::new(
                            ErrorKind::UidConflict { href: href.clone() },
                            format!("uid {} is already used by card {href}", put.uid),
                        ));
                    }
                    if let Some(old) = &existing {
                        if old.etag == etag && old.uid == put.uid {
                            let same = PutOutcome {
                                etag: etag.clone(),
                                created: false,
                            };
                            return Ok((same, rec.tombstones));
                        }
                        if old.uid != put.uid {
                            uids.remove(join(&prefix, old.uid.as_bytes()))?;
                        }
                    }
                    let seq = crate::changes::record_change_tx(
                        changes, latest, &mut rec, &prefix, &put.href, false,
                    )?;
                    if existing.is_none() {
                        rec.cards += 1;
                    }
                    let card = CardRecord {
                        seq,
                        len: put.vcard.len() as u64,
                        modified,
                        uid: put.uid.clone(),
                        etag: etag.clone(),
                    };
                    cards.insert(key.as_slice(), card.encode())?;
                    bodies.insert(key.as_slice(), encode_body(seq, &put.vcard))?;
                    uids.insert(uid_key.as_slice(), put.href.as_bytes())?;
                    books.insert(prefix.as_slice(), to_json(&rec).tx()?)?;
                    crate::remote::push_outbox_tx(
                        outbox,
                        accounts,
                        user,
                        book,
                        &put.href,
                        OutboxOp::Put {
                            uid: put.uid.clone(),
                        },
                    )?;
                    let outcome = PutOutcome {
                        etag: etag.clone(),
                        created: existing.is_none(),
                    };
                    Ok((outcome, rec.tombstones))
                },
            )?;
        self.flush()?;
        self.compact_if_needed(user, book, tombstones)?;
        Ok(outcome)
    }

    /// A CardDAV client's DELETE: removes the card (keeping its Google link for the push), appends
    /// a tombstone and an outbox entry in one transaction, flushed before returning.
    pub fn client_delete(
        &self,
        user: &str,
        book: BookName,
        href: &str,
        if_match: Option<&str>,
    ) -> Result<(), StoreError> {
        if book.is_read_only() {
            return Err(read_only(book));
        }
        let i = &self.inner;
        let prefix = book_prefix(user, book);
        let key = join(&prefix, href.as_bytes());
        let tombstones = (
            &i.books,
            &i.cards,
            &i.bodies,
            &i.uids,
            &i.changes,
            &i.latest,
            &i.outbox,
            &i.accounts,
        )
            .transaction(
                |(books, cards, bodies, uids, changes, latest, outbox, accounts)| {
                    let mut rec = read_book_tx(books, &prefix)?;
                    let Some(old) = read_card_tx(cards, &key)? else {
                        return abort(StoreError::not_found(format!("card {href} does not exist")));
                    };
                    check_if_match(if_match, Some(&old), href).tx()?;
                    remove_card_tx(cards, bodies, uids, &prefix, &key, href, &old)?;
                    crate::changes::record_change_tx(
                        changes, latest, &mut rec, &prefix, href, true,
                    )?;
                    rec.cards = rec.cards.saturating_sub(1);
                    books.insert(prefix.as_slice(), to_json(&rec).tx()?)?;
                    crate::remote::push_outbox_tx(
                        outbox,
                        accounts,
                        user,
                        book,
                        href,
                        OutboxOp::Delete { uid: old.uid },
                    )?;
                    Ok(rec.tombstones)
                },
            )?;
        self.flush()?;
        self.compact_if_needed(user, book, tombstones)
    }
}

/// Removes a card's metadata, body and UID mapping (if the UID still points at it).
pub(crate) fn remove_card_tx(
    cards: &TransactionalTree,
    bodies: &TransactionalTree,
    uids: &TransactionalTree,
    prefix: &[u8],
    key: &[u8],
    href: &str,
    old: &CardRecord,
) -> ConflictableTransactionResult<(), StoreError> {
    cards.remove(key)?;
    bodies.remove(key)?;
    let uid_key = join(prefix, old.uid.as_bytes());
    if uids
        .get(&uid_key)?
        .is_some_and(|h| h.as_ref() == href.as_bytes())
    {
        uids.remove(uid_key)?;
    }
    Ok(())
}

fn check_if_match(
    if_match: Option<&str>,
    existing: Option<&CardRecord>,
    href: &str,
) -> Result<(), StoreError> {
    let Some(want) = if_match else {
        return Ok(());
    };
    match existing {
        None => Err(StoreError::precondition(format!(
            "card {href} does not exist, so if-match cannot hold"
        ))),
        Some(_) if want.trim() == "*" => Ok(()),
        Some(card) if card.etag == want.trim() => Ok(()),
        Some(card) => Err(StoreError::precondition(format!(
            "card {href} has etag {}, not {want}; fetch it again",
            card.etag
        ))),
    }
}

fn read_only(book: BookName) -> StoreError {
    StoreError::new(
        ErrorKind::ReadOnly,
        format!("the {book} address book is read-only; write to contacts instead"),
    )
}

fn make_card(href: &str, rec: CardRecord, vcard: &[u8]) -> Card {
    Card {
        href: href.to_owned(),
        uid: rec.uid,
        etag: rec.etag,
        vcard: vcard.to_vec(),
        modified: rec.modified,
    }
}

pub(crate) fn book_info(book: BookName, rec: &BookRecord) -> BookInfo {
    BookInfo {
        display_name: rec
            .display_name
            .clone()
            .unwrap_or_else(|| book.default_display_name().to_owned()),
        description: rec.description.clone().unwrap_or_default(),
        seq: rec.seq,
    }
}
