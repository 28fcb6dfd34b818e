//! The per-book change log: recording changes, answering sync tokens, compaction.

use crate::codec::{
    BookRecord, book_prefix, decode_change, decode_latest, encode_change, encode_latest, join,
    seq_key, seq_of_key, to_json, utf8,
};
use crate::error::{ErrorKind, StoreError};
use crate::types::{BookName, Changes};
use crate::{InTx, Store};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionResult, TransactionalTree};

/// Takes the book's next sequence number for a change of `href` and appends it to the log,
/// removing the href's previous entry so the log keeps one entry per href. Updates `rec` (seq,
/// tombstone count); the caller writes `rec` back.
pub(crate) fn record_change_tx(
    changes: &TransactionalTree,
    latest: &TransactionalTree,
    rec: &mut BookRecord,
    prefix: &[u8],
    href: &str,
    deleted: bool,
) -> ConflictableTransactionResult<u64, StoreError> {
    rec.seq += 1;
    let seq = rec.seq;
    let latest_key = join(prefix, href.as_bytes());
    if let Some(prev) = latest.get(&latest_key)? {
        let (prev_seq, prev_deleted) = decode_latest(&prev).tx()?;
        changes.remove(seq_key(prefix, prev_seq))?;
        if prev_deleted {
            rec.tombstones = rec.tombstones.saturating_sub(1);
        }
    }
    changes.insert(seq_key(prefix, seq), encode_change(deleted, href))?;
    latest.insert(latest_key, encode_latest(seq, deleted))?;
    if deleted {
        rec.tombstones += 1;
    }
    Ok(seq)
}

impl Store {
    /// What changed in the book since sync token `since` (`None`: every current card, as changed).
    ///
    /// Each href appears once, as changed or deleted. A token below the compacted horizon or above
    /// the current sequence is [`ErrorKind::InvalidSyncToken`]. The cost is proportional to the
    /// number of changes since the token.
    pub fn changes_since(
        &self,
        user: &str,
        book: BookName,
        since: Option<u64>,
    ) -> Result<Changes, StoreError> {
        let prefix = book_prefix(user, book);
        let rec = self.book_record(user, book)?;
        let Some(since) = since else {
            let changed = self
                .inner
                .cards
                .scan_prefix(&prefix)
                .keys()
                .map(|key| utf8(&key?[prefix.len()..], "href"))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Changes {
                seq: rec.seq,
                changed,
                deleted: Vec::new(),
            });
        };
        check_token(since, &rec)?;
        let mut changed = Vec::new();
        let mut deleted = Vec::new();
        if since < rec.seq {
            let range = seq_key(&prefix, since + 1)..=seq_key(&prefix, rec.seq);
            for entry in self.inner.changes.range(range) {
                let (_, value) = entry?;
                let (is_delete, href) = decode_change(&value)?;
                if is_delete {
                    deleted.push(href);
                } else {
                    changed.push(href);
                }
            }
        }
        // A compaction that ran during the scan may have removed entries the token needs.
        check_token(since, &self.book_record(user, book)?)?;
        Ok(Changes {
            seq: rec.seq,
            changed,
            deleted,
        })
    }

    /// Keeps at most `keep` tombstones (the newest) in the book's change log: drops the older ones
    /// and every entry older than them, and raises the horizon to the newest dropped entry, so
    /// sync tokens below it become invalid.
    pub fn compact_changes(
        &self,
        user: &str,
        book: BookName,
        keep: usize,
    ) -> Result<(), StoreError> {
        let prefix = book_prefix(user, book);
        let mut entries = Vec::new();
        let mut tombstones = Vec::new();
        for entry in self.inner.changes.scan_prefix(&prefix) {
            let (key, value) = entry?;
            let seq = seq_of_key(&key)?;
            let (is_delete, href) = decode_change(&value)?;
            if is_delete {
                tombstones.push(seq);
            }
            entries.push((seq, href));
        }
        if tombstones.len() <= keep {
            return Ok(());
        }
        let cut = tombstones[tombstones.len() - keep - 1];
        let doomed: Vec<(u64, String)> =
            entries.into_iter().take_while(|(s, _)| *s <= cut).collect();
        let i = &self.inner;
        let (removed, horizon) =
            (&i.books, &i.changes, &i.latest).transaction(|(books, changes, latest)| {
                let mut rec = crate::cards::read_book_tx(books, &prefix)?;
                let mut removed = 0usize;
                for (seq, href) in &doomed {
                    let key = seq_key(&prefix, *seq);
                    // Gone already if a newer write of the href superseded it since the scan.
                    let Some(value) = changes.remove(key)? else {
                        continue;
                    };
                    let (is_delete, _) = decode_change(&value).tx()?;
                    if is_delete {
                        rec.tombstones = rec.tombstones.saturating_sub(1);
                    }
                    let latest_key = join(&prefix, href.as_bytes());
                    if let Some(l) = latest.get(&latest_key)?
                        && decode_latest(&l).tx()?.0 == *seq
                    {
                        latest.remove(latest_key)?;
                    }
                    removed += 1;
                }
                rec.horizon = rec.horizon.max(cut);
                books.insert(prefix.as_slice(), to_json(&rec).tx()?)?;
                Ok((removed, rec.horizon))
            })?;
        tracing::debug!(user, %book, removed, horizon, "compacted the change log");
        Ok(())
    }

    /// Runs [`Store::compact_changes`] when a book holds more tombstones than the configured bound.
    pub(crate) fn compact_if_needed(
        &self,
        user: &str,
        book: BookName,
        tombstones: u64,
    ) -> Result<(), StoreError> {
        let max = self.inner.options.max_tombstones;
        if usize::try_from(tombstones).is_ok_and(|t| t > max) {
            self.compact_changes(user, book, max / 2)?;
        }
        Ok(())
    }

    /// The oldest sync token the book still answers (tokens below it are invalid).
    pub fn sync_horizon(&self, user: &str, book: BookName) -> Result<u64, StoreError> {
        Ok(self.book_record(user, book)?.horizon)
    }
}

fn check_token(since: u64, rec: &BookRecord) -> Result<(), StoreError> {
    if since > rec.seq {
        return Err(StoreError::new(
            ErrorKind::InvalidSyncToken,
            format!(
                "sync token {since} is newer than the address book ({}); resync",
                rec.seq
            ),
        ));
    }
    if since < rec.horizon {
        return Err(StoreError::new(
            ErrorKind::InvalidSyncToken,
            format!(
                "sync token {since} is older than the compacted change log (horizon {}); resync",
                rec.horizon
            ),
        ));
    }
    Ok(())
}
