//! The sync engine's side: the outbox, changes from Google, Google links, sync meta, groups.

use crate::cards::{read_book_tx, read_card_tx, remove_card_tx};
use crate::codec::{
    AccountRecord, CardRecord, book_prefix, decode_link, encode_body, encode_link, etag_of,
    from_json, join, seq_key, to_json, user_prefix, utf8,
};
use crate::error::{ErrorKind, StoreError};
use crate::types::{BookName, GoogleLink, GroupRecord, OutboxEntry, OutboxOp, RemoteChange};
use crate::{InTx, Store, abort, now_unix};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionResult, TransactionalTree};

/// Appends an outbox entry with the user's next outbox sequence number.
pub(crate) fn push_outbox_tx(
    outbox: &TransactionalTree,
    accounts: &TransactionalTree,
    user: &str,
    book: BookName,
    href: &str,
    op: OutboxOp,
) -> ConflictableTransactionResult<u64, StoreError> {
    let prefix = user_prefix(user);
    let mut acc: AccountRecord = match accounts.get(&prefix)? {
        Some(v) => from_json(&v, "account record").tx()?,
        None => AccountRecord::default(),
    };
    acc.outbox_seq += 1;
    let entry = OutboxEntry {
        seq: acc.outbox_seq,
        book,
        href: href.to_owned(),
        op,
    };
    outbox.insert(seq_key(&prefix, entry.seq), to_json(&entry).tx()?)?;
    accounts.insert(prefix, to_json(&acc).tx()?)?;
    Ok(entry.seq)
}

/// Points `resources[link.resource_name]` at `href` and stores the link, dropping the mapping of
/// the resource the href was linked to before, if it differs.
fn write_link_tx(
    links: &TransactionalTree,
    resources: &TransactionalTree,
    prefix: &[u8],
    href: &str,
    link: &GoogleLink,
) -> ConflictableTransactionResult<(), StoreError> {
    let key = join(prefix, href.as_bytes());
    if let Some(old) = links.get(&key)? {
        let old = decode_link(&old).tx()?;
        if old.resource_name != link.resource_name {
            unmap_resource_tx(resources, prefix, &old.resource_name, href)?;
        }
    }
    links.insert(key, encode_link(link).tx()?)?;
    resources.insert(join(prefix, link.resource_name.as_bytes()), href.as_bytes())?;
    Ok(())
}

/// Removes the href's link and its resource mapping.
fn remove_link_tx(
    links: &TransactionalTree,
    resources: &TransactionalTree,
    prefix: &[u8],
    href: &str,
) -> ConflictableTransactionResult<bool, StoreError> {
    let Some(old) = links.remove(join(prefix, href.as_bytes()))? else {
        return Ok(false);
    };
    let old = decode_link(&old).tx()?;
    unmap_resource_tx(resources, prefix, &old.resource_name, href)?;
    Ok(true)
}

fn unmap_resource_tx(
    resources: &TransactionalTree,
    prefix: &[u8],
    resource_name: &str,
    href: &str,
) -> ConflictableTransactionResult<(), StoreError> {
    let key = join(prefix, resource_name.as_bytes());
    if resources
        .get(&key)?
        .is_some_and(|h| h.as_ref() == href.as_bytes())
    {
        resources.remove(key)?;
    }
    Ok(())
}

impl Store {
    /// Up to `limit` pending client mutations of the user, oldest first.
    pub fn outbox(&self, user: &str, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        self.inner
            .outbox
            .scan_prefix(user_prefix(user))
            .values()
            .take(limit)
            .map(|v| from_json(&v?, "outbox entry"))
            .collect()
    }

    /// How many client mutations of the user are pending.
    pub fn outbox_len(&self, user: &str) -> Result<usize, StoreError> {
        let mut n = 0;
        for key in self.inner.outbox.scan_prefix(user_prefix(user)).keys() {
            key?;
            n += 1;
        }
        Ok(n)
    }

    /// Puts a mutation back at the end of the user's outbox: it was sent, but whether Google
    /// applied it is not known yet, so acknowledging the entries it came from must not forget
    /// it. Returns its new sequence; flushed.
    pub fn outbox_requeue(
        &self,
        user: &str,
        book: BookName,
        href: &str,
        op: OutboxOp,
    ) -> Result<u64, StoreError> {
        let seq =
            (&self.inner.outbox, &self.inner.accounts).transaction(|(outbox, accounts)| {
                push_outbox_tx(outbox, accounts, user, book, href, op.clone())
            })?;
        self.flush()?;
        Ok(seq)
    }

    /// Removes the user's outbox entries with `seq <= upto_seq` (they reached Google); flushed.
    pub fn outbox_ack(&self, user: &str, upto_seq: u64) -> Result<(), StoreError> {
        let prefix = user_prefix(user);
        let mut batch = sled::Batch::default();
        let mut any = false;
        for key in self
            .inner
            .outbox
            .range(seq_key(&prefix, 0)..=seq_key(&prefix, upto_seq))
            .keys()
        {
            batch.remove(key?);
            any = true;
        }
        if any {
            self.inner.outbox.apply_batch(batch)?;
            self.flush()?;
        }
        Ok(())
    }

    /// Applies a change that came from Google: the card and its Google link plus a change-log
    /// entry, in one transaction, with no outbox entry. Returns the card's new etag (`None` for a
    /// delete).
    ///
    /// With `expected_etag`, the change only applies if the card still has that etag (for an
    /// upsert, the card must exist); otherwise it fails with [`ErrorKind::Conflict`] and changes
    /// nothing, so a newer client edit is never overwritten. Read-only books accept remote
    /// changes. Upserting the exact bytes already stored only updates the link.
    pub fn apply_remote(
        &self,
        user: &str,
        book: BookName,
        change: RemoteChange,
        expected_etag: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let i = &self.inner;
        let prefix = book_prefix(user, book);
        let modified = now_unix();
        let href = match &change {
            RemoteChange::Upsert { href, .. } | RemoteChange::Delete { href } => href.clone(),
        };
        let key = join(&prefix, href.as_bytes());
        let (etag, tombstones) = (
            &i.books,
            &i.cards,
            &i.bodies,
            &i.uids,
            &i.links,
            &i.resources,
            &i.changes,
            &i.latest,
        )
            .transaction(
                |(books, cards, bodies, uids, links, resources, changes, latest)| {
                    let mut rec = read_book_tx(books, &prefix)?;
                    let existing = read_card_tx(cards, &key)?;
                    if let Some(want) = expected_etag {
                        let current = existing.as_ref().map(|c| c.etag.as_str());
                        let lost = match &change {
                            RemoteChange::Upsert { .. } => current != Some(want),
                            RemoteChange::Delete { .. } => current.is_some_and(|c| c != want),
                        };
                        if lost {
                            return abort(StoreError::new(
                                ErrorKind::Conflict,
                                format!(
                                    "card {href} changed since etag {want} (now {}); merge again",
                                    current.unwrap_or("deleted")
                                ),
                            ));
                        }
                    }
                    match &change {
                        RemoteChange::Upsert {
                            uid, vcard, link, ..
                        } => {
                            let uid_key = join(&prefix, uid.as_bytes());
                            if let Some(other) = uids.get(&uid_key)?
                                && other.as_ref() != href.as_bytes()
                            {
                                let other = utf8(&other, "href").tx()?;
                                return abort(StoreError::new(
                                    ErrorKind::UidConflict {
                                        href: other.clone(),
                                    },
                                    format!("uid {uid} is already used by card {other}"),
                                ));
                            }
                            write_link_tx(links, resources, &prefix, &href, link)?;
                            let etag = etag_of(vcard);
                            if let Some(old) = &existing {
                                if old.etag == etag && &old.uid == uid {
                                    return Ok((Some(etag), rec.tombstones));
                                }
                                if &old.uid != uid {
                                    uids.remove(join(&prefix, old.uid.as_bytes()))?;
                                }
                            }
                            let seq = crate::changes::record_change_tx(
                                changes, latest, &mut rec, &prefix, &href, false,
                            )?;
                            if existing.is_none() {
                                rec.cards += 1;
                            }
                            let card = CardRecord {
                                seq,
                                len: vcard.len() as u64,
                                modified,
                                uid: uid.clone(),
                                etag: etag.clone(),
                            };
                            cards.insert(key.as_slice(), card.encode())?;
                            bodies.insert(key.as_slice(), encode_body(seq, vcard))?;
                            uids.insert(uid_key, href.as_bytes())?;
                            books.insert(prefix.as_slice(), to_json(&rec).tx()?)?;
                            Ok((Some(etag), rec.tombstones))
                        }
                        RemoteChange::Delete { .. } => {
                            remove_link_tx(links, resources, &prefix, &href)?;
                            if let Some(old) = &existing {
                                remove_card_tx(cards, bodies, uids, &prefix, &key, &href, old)?;
                                crate::changes::record_change_tx(
                                    changes, latest, &mut rec, &prefix, &href, true,
                                )?;
                                rec.cards = rec.cards.saturating_sub(1);
                                books.insert(prefix.as_slice(), to_json(&rec).tx()?)?;
                            }
                            Ok((None, rec.tombstones))
                        }
                    }
                },
            )?;
        self.compact_if_needed(user, book, tombstones)?;
        Ok(etag)
    }

    /// The Google link of the card at `href` (kept after a client delete until the push).
    pub fn link(
        &self,
        user: &str,
        book: BookName,
        href: &str,
    ) -> Result<Option<GoogleLink>, StoreError> {
        self.inner
            .links
            .get(join(&book_prefix(user, book), href.as_bytes()))?
            .map(|v| decode_link(&v))
            .transpose()
    }

    /// The href linked to a Google `resourceName`, if any.
    pub fn href_for_resource(
        &self,
        user: &str,
        book: BookName,
        resource_name: &str,
    ) -> Result<Option<String>, StoreError> {
        self.inner
            .resources
            .get(join(&book_prefix(user, book), resource_name.as_bytes()))?
            .map(|v| utf8(&v, "href"))
            .transpose()
    }

    /// Stores the Google link of `href` (after a push created or updated the Person). Does not
    /// touch the card or the change log.
    pub fn set_link(
        &self,
        user: &str,
        book: BookName,
        href: &str,
        link: GoogleLink,
    ) -> Result<(), StoreError> {
        let prefix = book_prefix(user, book);
        (&self.inner.links, &self.inner.resources).transaction(|(links, resources)| {
            write_link_tx(links, resources, &prefix, href, &link)
        })?;
        Ok(())
    }

    /// Drops the Google link of `href` (after a pushed delete). Returns whether there was one.
    pub fn remove_link(&self, user: &str, book: BookName, href: &str) -> Result<bool, StoreError> {
        let prefix = book_prefix(user, book);
        let removed = (&self.inner.links, &self.inner.resources)
            .transaction(|(links, resources)| remove_link_tx(links, resources, &prefix, href))?;
        Ok(removed)
    }

    /// Every `(href, link)` of the book, sorted by href (for full reconciles).
    pub fn links(
        &self,
        user: &str,
        book: BookName,
    ) -> Result<Vec<(String, GoogleLink)>, StoreError> {
        let prefix = book_prefix(user, book);
        self.inner
            .links
            .scan_prefix(&prefix)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((utf8(&key[prefix.len()..], "href")?, decode_link(&value)?))
            })
            .collect()
    }

    /// A user's sync metadata value (Google sync tokens, last full sync …).
    pub fn meta(&self, user: &str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .inner
            .meta
            .get(join(&user_prefix(user), key.as_bytes()))?
            .map(|v| v.to_vec()))
    }

    /// Sets a user's sync metadata value; flushed, so every change applied before it is durable too.
    pub fn set_meta(&self, user: &str, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.inner
            .meta
            .insert(join(&user_prefix(user), key.as_bytes()), value)?;
        self.flush()
    }

    /// Removes a user's sync metadata value (e.g. an expired Google sync token).
    pub fn remove_meta(&self, user: &str, key: &str) -> Result<(), StoreError> {
        self.inner
            .meta
            .remove(join(&user_prefix(user), key.as_bytes()))?;
        self.flush()
    }

    /// The user's contact groups, sorted by resourceName.
    pub fn groups(&self, user: &str) -> Result<Vec<GroupRecord>, StoreError> {
        self.inner
            .groups
            .scan_prefix(user_prefix(user))
            .values()
            .map(|v| from_json(&v?, "group"))
            .collect()
    }

    /// Creates or replaces a contact group.
    pub fn put_group(&self, user: &str, group: GroupRecord) -> Result<(), StoreError> {
        let key = join(&user_prefix(user), group.resource_name.as_bytes());
        self.inner.groups.insert(key, to_json(&group)?)?;
        Ok(())
    }

    /// Removes a contact group (no error if it does not exist).
    pub fn remove_group(&self, user: &str, resource_name: &str) -> Result<(), StoreError> {
        self.inner
            .groups
            .remove(join(&user_prefix(user), resource_name.as_bytes()))?;
        Ok(())
    }
}
