//! Google People API v1 data model: Person, ContactGroup and the request/response messages, with serde.
//!
//! Every struct keeps the JSON fields it does not know in `extra`, so a body from a newer API
//! revision survives a deserialize/serialize round trip. This crate does no I/O.

mod error;
mod fields;
mod helpers;
mod types;

pub use error::{ErrorBody, ErrorInfo, ErrorReason};
pub use fields::{
    GROUP_FIELDS, PersonField, READ_ONLY_PERSON_FIELDS, SINGLETON_PERSON_FIELDS, SourceType,
};
pub use types::*;
