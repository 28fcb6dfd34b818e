//! The sled store: cards, Google state, change log, outbox.
