//! Google People API client: OAuth, paging, sync tokens, batching, pacing, retries.
//!
//! The only code in peopledav that speaks HTTP to Google. A [`GoogleClient`] serves one account:
//! every call is paced by a token bucket per quota bucket, authorised, sent with a timeout,
//! retried with exponential backoff and full jitter on 429, 5xx, timeouts and connection errors
//! (honouring Retry-After), and its failure classified into an [`ErrorKind`]. A mutation whose
//! response never arrived is not retried: it fails with [`ErrorKind::OutcomeUnknown`]. One
//! account's mutations run strictly one at a time.

mod auth;
mod bulk;
mod client;
mod error;
mod groups;
mod other;
mod pacer;
mod people_api;
mod retry;
mod shared_contacts;
mod sync;
mod token_store;
mod web_flow;

pub use auth::{
    Auth, SCOPE_CONTACTS, SCOPE_DIRECTORY, SCOPE_OTHER_CONTACTS, SCOPE_SHARED_CONTACTS, Scopes,
    login,
};
pub use client::{CallStats, ClientConfig, GOOGLE_BASE_URL, GOOGLE_FEEDS_URL, GoogleClient};
pub use error::{Error, ErrorKind};
pub use groups::{ALL_GROUP_FIELDS, MAX_GROUP_BATCH_GET, MAX_MEMBERS_MODIFY};
pub use other::{COPY_FIELDS, OTHER_CONTACT_FIELDS, OTHER_CONTACT_SEARCH_FIELDS};
pub use pacer::{Bucket, Pacing, Rate, TokenBucket};
pub use people_api::{
    MAX_BATCH_CREATE, MAX_BATCH_DELETE, MAX_BATCH_GET, MAX_BATCH_UPDATE, MAX_PAGE_SIZE, PageRequest,
};
pub use retry::RetryPolicy;
pub use shared_contacts::{MAX_SHARED_BATCH, SHARED_PAGE_SIZE, SharedListing, batch_outcome};
pub use sync::SyncResult;
pub use token_store::FileTokenStorage;
pub use web_flow::{WebFlow, is_logged_in};
