//! The sync engine: plan, then execute, between the store and Google.

pub mod api;
pub mod engine;
mod google_api;
pub mod merge;
pub mod plan;
mod shared_api;
pub mod status;
pub mod task;

pub use api::{ApiError, ApiErrorKind, GroupWithMembers, Listing, PeopleApi};
pub use engine::{EngineConfig, SyncEngine, SyncError, SyncErrorKind, SyncOptions, SyncReport};
pub use merge::{ConflictPolicy, FieldConflict, Merged, Side, WriteTimes};
pub use shared_api::{SHARED_PREFIX, SharedContactsApi};
pub use status::{EventKind, SyncStatus};
pub use task::{SyncHandle, spawn};
