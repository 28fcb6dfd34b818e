//! The sync engine: plan, then execute, between the store and Google.
