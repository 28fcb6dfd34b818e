//! What a user's recent sync rounds did, kept in the store so `peopledav status` and the status
//! page can show it even while (or after) the bridge is not running.

use serde::{Deserialize, Serialize};
use store::{Store, StoreError};

use crate::engine::{SyncError, SyncReport};

/// The store meta key (per user) of the [`SyncStatus`] record.
pub const META_STATUS: &str = "sync.status";
/// How many recent problems are kept.
const RECENT_MAX: usize = 20;

/// The outcome of a user's recent rounds. Times are Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncStatus {
    /// When the last round started.
    pub last_attempt: Option<i64>,
    /// When the last round that completed without error started.
    pub last_success: Option<i64>,
    /// How long the last round took, in milliseconds.
    pub last_duration_ms: Option<u64>,
    /// What the last successful round did, one line ("nothing to do" for a quiet round).
    pub last_summary: Option<String>,
    /// The error of the last round, if it failed.
    pub last_error: Option<String>,
    /// Rounds failed in a row (0 after a success).
    pub consecutive_failures: u32,
    /// Rounds run, and how many of them failed, since the store was created.
    pub rounds: u64,
    pub failed_rounds: u64,
    /// Failed rounds, conflicts and changes Google refused, newest first.
    pub recent: Vec<Event>,
}

/// One remembered problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: i64,
    pub kind: EventKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A round failed; it is retried.
    Error,
    /// Both sides changed a contact; the line says how it was resolved.
    Conflict,
    /// Google refused a change for good; the card is kept in the store.
    Rejected,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Error => "error",
            EventKind::Conflict => "conflict",
            EventKind::Rejected => "rejected",
        }
    }
}

impl SyncStatus {
    /// Reads the record of `user`; a user that never synced has the default (empty) one.
    pub fn read(store: &Store, user: &str) -> Result<SyncStatus, StoreError> {
        Ok(store
            .meta(user, META_STATUS)?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default())
    }

    /// Folds one round's outcome into the record.
    pub fn record(
        &mut self,
        started: i64,
        duration_ms: u64,
        outcome: &Result<SyncReport, SyncError>,
    ) {
        self.last_attempt = Some(started);
        self.last_duration_ms = Some(duration_ms);
        self.rounds += 1;
        let mut events = Vec::new();
        match outcome {
            Ok(report) => {
                self.last_success = Some(started);
                self.last_error = None;
                self.consecutive_failures = 0;
                self.last_summary = Some(
                    report
                        .summary()
                        .unwrap_or_else(|| "nothing to do".to_owned()),
                );
                events.extend(report.conflicts.iter().map(|c| (EventKind::Conflict, c)));
                events.extend(report.rejected.iter().map(|r| (EventKind::Rejected, r)));
            }
            Err(e) => {
                self.failed_rounds += 1;
                self.consecutive_failures += 1;
                let message = e.to_string();
                self.last_error = Some(message.clone());
                // A failure repeating every round is one event, kept fresh.
                let repeated = self
                    .recent
                    .first()
                    .is_some_and(|ev| ev.kind == EventKind::Error && ev.message == message);
                if repeated {
                    self.recent[0].at = started;
                } else {
                    self.recent.insert(
                        0,
                        Event {
                            at: started,
                            kind: EventKind::Error,
                            message,
                        },
                    );
                }
            }
        }
        for (kind, message) in events.into_iter().rev() {
            self.recent.insert(
                0,
                Event {
                    at: started,
                    kind,
                    message: message.clone(),
                },
            );
        }
        self.recent.truncate(RECENT_MAX);
    }

    /// Writes the record of `user`.
    pub fn save(&self, store: &Store, user: &str) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        store.set_meta(user, META_STATUS, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(conflicts: &[&str]) -> Result<SyncReport, SyncError> {
        Ok(SyncReport {
            created: 2,
            conflicts: conflicts.iter().map(|c| (*c).to_owned()).collect(),
            ..SyncReport::default()
        })
    }

    fn failed(message: &str) -> Result<SyncReport, SyncError> {
        Err(SyncError::MassDelete {
            book: message.into(),
            direction: "google",
            deletes: 9,
            total: 10,
        })
    }

    #[test]
    fn a_success_clears_the_error_and_keeps_the_history() {
        let mut s = SyncStatus::default();
        s.record(100, 5, &failed("contacts"));
        s.record(160, 5, &failed("contacts"));
        assert_eq!(s.consecutive_failures, 2);
        assert_eq!(s.recent.len(), 1, "a repeated failure is one event");
        assert_eq!(s.recent[0].at, 160);
        assert!(
            s.last_error
                .as_deref()
                .unwrap()
                .contains("refusing to delete 9 of 10")
        );

        s.record(220, 7, &ok(&["alice: both changed EMAIL, google's kept"]));
        assert_eq!(s.last_error, None);
        assert_eq!(s.consecutive_failures, 0);
        assert_eq!(s.last_success, Some(220));
        assert_eq!((s.rounds, s.failed_rounds), (3, 2));
        assert_eq!(s.recent[0].kind, EventKind::Conflict);
        assert_eq!(s.recent[1].kind, EventKind::Error);
        assert!(s.last_summary.as_deref().unwrap().contains("2 created"));
    }

    #[test]
    fn the_history_is_bounded() {
        let mut s = SyncStatus::default();
        for i in 0..50 {
            s.record(i, 1, &failed(&format!("book {i}")));
        }
        assert_eq!(s.recent.len(), RECENT_MAX);
        assert!(s.recent[0].message.contains("book 49"));
    }

    #[test]
    fn the_record_survives_the_store() {
        let store = Store::open_temporary().unwrap();
        assert_eq!(
            SyncStatus::read(&store, "ann").unwrap(),
            SyncStatus::default()
        );
        let mut s = SyncStatus::default();
        s.record(1, 2, &ok(&[]));
        s.save(&store, "ann").unwrap();
        assert_eq!(SyncStatus::read(&store, "ann").unwrap(), s);
    }
}
