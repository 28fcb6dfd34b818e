//! Bridge users (CardDAV logins): create, read, list, remove with all their data.

use crate::Store;
use crate::codec::{BookRecord, from_json, to_json, user_prefix};
use crate::error::StoreError;
use crate::types::User;
use sled::Transactional;

impl Store {
    /// Creates or replaces a user.
    pub fn put_user(&self, user: &User) -> Result<(), StoreError> {
        self.inner
            .users
            .insert(user.name.as_bytes(), to_json(user)?)?;
        self.flush()
    }

    /// The user called `name`, if any.
    pub fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.inner
            .users
            .get(name.as_bytes())?
            .map(|v| from_json(&v, "user"))
            .transpose()
    }

    /// Every user, sorted by name.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        self.inner
            .users
            .iter()
            .values()
            .map(|v| from_json(&v?, "user"))
            .collect()
    }

    /// Removes a user and everything stored for them (books, cards, links, outbox, meta, groups).
    /// Returns whether the user existed.
    ///
    /// Only each book's change sequence survives, one past its last value and with every older
    /// sync token invalid: a user created again under the same name starts with empty books
    /// whose ctag and sync tokens no client can mistake for those of the removed user's books.
    pub fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let existed = self.inner.users.remove(name.as_bytes())?.is_some();
        let prefix = user_prefix(name);
        let i = &self.inner;
        let mut sequences = Vec::new();
        for entry in i.books.scan_prefix(&prefix) {
            let (key, value) = entry?;
            let rec: BookRecord = from_json(&value, "book record")?;
            let next = rec.seq + 1;
            sequences.push((
                key,
                BookRecord {
                    seq: next,
                    horizon: next,
                    ..BookRecord::default()
                },
            ));
        }
        let trees = [
            &i.accounts,
            &i.books,
            &i.cards,
            &i.bodies,
            &i.uids,
            &i.links,
            &i.resources,
            &i.changes,
            &i.latest,
            &i.outbox,
            &i.meta,
            &i.groups,
        ];
        // Sweep until nothing is left: a write racing with the removal may add a key after a scan.
        loop {
            let mut keys: Vec<Vec<sled::IVec>> = Vec::with_capacity(trees.len());
            let mut any = false;
            for tree in trees {
                let found = tree
                    .scan_prefix(&prefix)
                    .keys()
                    .collect::<Result<Vec<_>, _>>()?;
                any |= !found.is_empty();
                keys.push(found);
            }
            if !any {
                break;
            }
            trees.as_slice().transaction(|views| {
                for (view, keys) in views.iter().zip(&keys) {
                    for key in keys {
                        view.remove(key)?;
                    }
                }
                Ok::<_, sled::transaction::ConflictableTransactionError<StoreError>>(())
            })?;
        }
        for (key, rec) in sequences {
            i.books.insert(key, to_json(&rec)?)?;
        }
        self.flush()?;
        Ok(existed)
    }
}
