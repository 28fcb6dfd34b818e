//! The sync engine: plan, then execute, between the store and Google.

pub mod merge;
pub mod plan;

pub use merge::{ConflictPolicy, FieldConflict, Merged, Side, WriteTimes};
