//! An address book with a change log: entries by id, live entries in modification order, and
//! one log item per id (live or tombstone) in sequence order, for paging and sync tokens.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::person::Json;

/// A stored person: its full JSON (every field, as Google would return it without a mask).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub person: Json,
    /// The sequence number of the last change.
    pub seq: u64,
    /// Key of the uploaded photo, if any.
    pub photo: Option<String>,
    /// Ids of the contact groups the person belongs to.
    pub groups: Vec<String>,
}

/// What the change log records for one id: its latest change.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct LogItem {
    pub id: u64,
    /// Emulator time (µs) from which sync requests see this change.
    pub visible_at: i64,
    pub deleted: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Book {
    pub entries: BTreeMap<u64, Entry>,
    /// seq → id, live entries only (LAST_MODIFIED order).
    live: BTreeMap<u64, u64>,
    /// seq → latest change of an id.
    log: BTreeMap<u64, LogItem>,
    /// id → (seq, tombstone JSON) of deleted entries.
    tombstones: HashMap<u64, (u64, Json)>,
}

impl Book {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn get(&self, id: u64) -> Option<&Entry> {
        self.entries.get(&id)
    }

    /// Stores a new version of `id` at `entry.seq`.
    pub fn upsert(&mut self, id: u64, entry: Entry, visible_at: i64) {
        if let Some(old) = self.entries.get(&id) {
            self.live.remove(&old.seq);
            self.log.remove(&old.seq);
        }
        if let Some((seq, _)) = self.tombstones.remove(&id) {
            self.log.remove(&seq);
        }
        self.live.insert(entry.seq, id);
        self.log.insert(
            entry.seq,
            LogItem {
                id,
                visible_at,
                deleted: false,
            },
        );
        self.entries.insert(id, entry);
    }

    /// Deletes `id`, leaving `tombstone` for sync requests.
    pub fn remove(&mut self, id: u64, seq: u64, tombstone: Json, visible_at: i64) -> Option<Entry> {
        let old = self.entries.remove(&id)?;
        self.live.remove(&old.seq);
        self.log.remove(&old.seq);
        self.log.insert(
            seq,
            LogItem {
                id,
                visible_at,
                deleted: true,
            },
        );
        self.tombstones.insert(id, (seq, tombstone));
        Some(old)
    }

    pub fn tombstone(&self, id: u64) -> Option<&Json> {
        self.tombstones.get(&id).map(|(_, t)| t)
    }

    /// Live entries modified after `after_seq`, ascending.
    pub fn live_after(&self, after_seq: u64) -> impl Iterator<Item = (u64, &Entry)> {
        self.live
            .range(after_seq.saturating_add(1)..)
            .filter_map(|(seq, id)| Some((*seq, self.entries.get(id)?)))
    }

    /// Live entries modified before `before_seq`, descending.
    pub fn live_before(&self, before_seq: u64) -> impl Iterator<Item = (u64, &Entry)> {
        self.live
            .range(..before_seq)
            .rev()
            .filter_map(|(seq, id)| Some((*seq, self.entries.get(id)?)))
    }

    /// Changes with `after < seq <= upto`, ascending.
    pub fn changes(&self, after: u64, upto: u64) -> impl Iterator<Item = (u64, LogItem)> + '_ {
        let range = if after >= upto {
            self.log.range(0..0)
        } else {
            self.log.range(after + 1..=upto)
        };
        range.map(|(s, i)| (*s, *i))
    }

    /// The highest sequence number sync requests may see at `now`: everything up to the first
    /// change still within the sync delay.
    pub fn horizon(&self, now: i64, current_seq: u64) -> u64 {
        let mut first_hidden = None;
        for (seq, item) in self.log.iter().rev() {
            if item.visible_at <= now {
                break;
            }
            first_hidden = Some(*seq);
        }
        first_hidden.map_or(current_seq, |s| s - 1)
    }
}
