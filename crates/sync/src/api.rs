//! What the engine needs from Google, as a trait, so the executor is written against exactly that.
//!
//! [`google::Client`] implements it (see `google_api.rs`); the engine is generic over it so the
//! binary passes its client and nothing else changes.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;

use people::{ContactGroup, Person, PersonField};

/// The system group every contact without a label is in.
pub(crate) const MY_CONTACTS: &str = "contactGroups/myContacts";

/// How a Google call failed, at the granularity the engine acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    ExpiredSyncToken,
    EtagMismatch,
    NotFound,
    Conflict,
    RateLimited,
    Unauthorized,
    InvalidRequest,
    Transient,
    OutcomeUnknown,
    Other,
}

impl ApiErrorKind {
    /// Whether Google is failing for a while (the background task backs off).
    pub fn is_temporary(self) -> bool {
        matches!(
            self,
            ApiErrorKind::RateLimited | ApiErrorKind::Transient | ApiErrorKind::OutcomeUnknown
        )
    }
}

/// A failed Google call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ApiErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One listing of a collection: every page of it, followed to the end.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Changed (or, for a full listing, all) persons; tombstones are not in here.
    pub persons: Vec<Person>,
    /// Resource names deleted since the token (incremental listings only).
    pub deleted: Vec<String>,
    pub next_sync_token: Option<String>,
}

/// A contact group with its members.
#[derive(Debug, Clone, Default)]
pub struct GroupWithMembers {
    pub group: ContactGroup,
    pub members: BTreeSet<String>,
}

/// The People API calls the engine makes. All calls for one account are made one at a time.
pub trait PeopleApi: Send + Sync + 'static {
    /// `people.connections.list`: incremental with `sync_token`, else a full listing; always
    /// requests a new sync token.
    fn connections(
        &self,
        sync_token: Option<&str>,
    ) -> impl Future<Output = Result<Listing, ApiError>> + Send;

    /// `otherContacts.list`, incremental with `sync_token`, else full.
    fn other_contacts(
        &self,
        sync_token: Option<&str>,
    ) -> impl Future<Output = Result<Listing, ApiError>> + Send;

    /// `people.listDirectoryPeople` (Workspace accounts), incremental with `sync_token`, else
    /// full.
    fn directory_people(
        &self,
        sync_token: Option<&str>,
    ) -> impl Future<Output = Result<Listing, ApiError>> + Send;

    /// `people.get` with every readable field.
    fn get(&self, resource_name: &str) -> impl Future<Output = Result<Person, ApiError>> + Send;

    /// `people.batchCreateContacts` in chunks; one result per input, in order. A whole-call
    /// failure is the outer error.
    fn create_all(
        &self,
        persons: Vec<Person>,
    ) -> impl Future<Output = Result<Vec<Person>, ApiError>> + Send;

    /// `people.updateContact` with the person's etag and the given mask.
    fn update(
        &self,
        person: &Person,
        mask: &[PersonField],
    ) -> impl Future<Output = Result<Person, ApiError>> + Send;

    /// `people.batchUpdateContacts`: persons sharing a mask go together, in chunks; one result
    /// per input, in order.
    fn update_all(
        &self,
        items: Vec<(Person, Vec<PersonField>)>,
    ) -> impl Future<Output = Vec<Result<Person, ApiError>>> + Send;

    /// `people.batchDeleteContacts` in chunks.
    fn delete_all(
        &self,
        resource_names: Vec<String>,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// Every user contact group (system groups left out), with its members.
    fn groups(&self) -> impl Future<Output = Result<Vec<GroupWithMembers>, ApiError>> + Send;

    fn create_group(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<ContactGroup, ApiError>> + Send;

    fn rename_group(
        &self,
        group: &ContactGroup,
        name: &str,
    ) -> impl Future<Output = Result<ContactGroup, ApiError>> + Send;

    fn delete_group(
        &self,
        resource_name: &str,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// `contactGroups.members.modify`.
    fn modify_members(
        &self,
        resource_name: &str,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
}
