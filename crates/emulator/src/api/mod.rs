//! The `/v1/...` API: routing a method and path to a handler, query parsing, shared helpers;
//! and the Domain Shared Contacts feed under `/m8/feeds/contacts/...` ([`shared_contacts`]).

mod directory;
mod groups;
mod other;
mod people;
pub(crate) mod shared_contacts;

use axum::http::Method;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::person::Json;
use crate::state::{Account, Bucket, Shared};

/// Everything a handler needs about the call besides its parameters.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    /// `http://host:port` as the caller reached the emulator (for photo URLs).
    pub base_url: String,
    pub now: i64,
}

impl Ctx<'_> {
    pub fn visible_at(&self) -> i64 {
        self.shared.visible_at(self.now)
    }
}

/// The query string, with repeated keys kept in order.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: Option<&str>) -> Query {
        Query(
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable parameter; comma-separated values are split too.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn bool(&self, key: &str) -> Result<bool, ApiError> {
        match self.get(key) {
            None | Some("") | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(ApiError::invalid_argument(format!(
                "Invalid value at '{}' (TYPE_BOOL), \"{v}\"",
                snake(key)
            ))),
        }
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                ApiError::invalid_argument(format!(
                    "Invalid value at '{}' (TYPE_INT32), \"{v}\"",
                    snake(key)
                ))
            }),
        }
    }

    /// `pageSize`: 0 or absent means `default`; outside 1..=max is a 400.
    pub fn page_size(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.int("pageSize")? {
            None | Some(0) => Ok(default),
            Some(n) if n >= 1 && n as u64 <= max as u64 => Ok(n as usize),
            Some(n) => Err(ApiError::invalid_argument(format!(
                "Invalid pageSize {n}: valid values are between 1 and {max}, inclusive."
            ))),
        }
    }
}

fn snake(key: &str) -> String {
    let mut s = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// The `sources` values accepted by person reads.
pub(crate) fn check_read_sources(values: &[&str]) -> Result<(), ApiError> {
    const VALID: [&str; 5] = [
        "READ_SOURCE_TYPE_UNSPECIFIED",
        "READ_SOURCE_TYPE_PROFILE",
        "READ_SOURCE_TYPE_CONTACT",
        "READ_SOURCE_TYPE_DOMAIN_CONTACT",
        "READ_SOURCE_TYPE_OTHER_CONTACT",
    ];
    match values.iter().find(|v| !VALID.contains(v)) {
        Some(v) => Err(ApiError::invalid_argument(format!(
            "Invalid value at 'sources' (type.googleapis.com/google.people.v1.ReadSourceType), \"{v}\""
        ))),
        None => Ok(()),
    }
}

/// Parses a JSON request body; an empty body is `{}`.
pub(crate) fn json_body(body: &[u8]) -> Result<Json, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Json::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::invalid_argument(
            "Invalid JSON payload received. Expected an object.",
        )),
        Err(e) => Err(ApiError::invalid_argument(format!(
            "Invalid JSON payload received. {e}."
        ))),
    }
}

/// An API method, with the resource named in its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Get(String),
    GetBatchGet,
    ConnectionsList(String),
    CreateContact,
    UpdateContact(String),
    DeleteContact(String),
    BatchCreate,
    BatchUpdate,
    BatchDelete,
    UpdatePhoto(String),
    DeletePhoto(String),
    SearchContacts,
    ListDirectory,
    SearchDirectory,
    GroupsList,
    GroupsCreate,
    GroupsBatchGet,
    GroupGet(String),
    GroupUpdate(String),
    GroupDelete(String),
    MembersModify(String),
    OtherList,
    OtherSearch,
    OtherCopy(String),
}

impl Route {
    /// Finds the method for `method` + the path after `/v1/`.
    pub fn find(method: &Method, path: &str) -> Option<Route> {
        let m = method.as_str();
        let r = match (m, path) {
            ("GET", "people:batchGet") => Route::GetBatchGet,
            ("POST", "people:createContact") => Route::CreateContact,
            ("POST", "people:batchCreateContacts") => Route::BatchCreate,
            ("POST", "people:batchUpdateContacts") => Route::BatchUpdate,
            ("POST", "people:batchDeleteContacts") => Route::BatchDelete,
            ("GET", "people:searchContacts") => Route::SearchContacts,
            ("GET", "people:listDirectoryPeople") => Route::ListDirectory,
            ("GET", "people:searchDirectoryPeople") => Route::SearchDirectory,
            ("GET", "contactGroups") => Route::GroupsList,
            ("POST", "contactGroups") => Route::GroupsCreate,
            ("GET", "contactGroups:batchGet") => Route::GroupsBatchGet,
            ("GET", "otherContacts") => Route::OtherList,
            ("GET", "otherContacts:search") => Route::OtherSearch,
            _ => return Route::find_with_resource(m, path),
        };
        Some(r)
    }

    fn find_with_resource(m: &str, path: &str) -> Option<Route> {
        let single = |prefix: &str, rest: &str| -> Option<String> {
            (!rest.is_empty() && !rest.contains('/') && !rest.contains(':'))
                .then(|| format!("{prefix}/{rest}"))
        };
        if let Some(rest) = path.strip_prefix("people/") {
            if let Some(id) = rest.strip_suffix("/connections") {
                return (m == "GET")
                    .then(|| single("people", id))
                    .flatten()
                    .map(Route::ConnectionsList);
            }
            let (id, verb) = rest.split_once(':').unwrap_or((rest, ""));
            let name = single("people", id)?;
            return match (m, verb) {
                ("GET", "") => Some(Route::Get(name)),
                ("PATCH", "updateContact") => Some(Route::UpdateContact(name)),
                ("DELETE", "deleteContact") => Some(Route::DeleteContact(name)),
                ("PATCH", "updateContactPhoto") => Some(Route::UpdatePhoto(name)),
                ("DELETE", "deleteContactPhoto") => Some(Route::DeletePhoto(name)),
                _ => None,
            };
        }
        if let Some(rest) = path.strip_prefix("contactGroups/") {
            if let Some(id) = rest.strip_suffix("/members:modify") {
                return (m == "POST")
                    .then(|| single("contactGroups", id))
                    .flatten()
                    .map(Route::MembersModify);
            }
            let name = single("contactGroups", rest)?;
            return match m {
                "GET" => Some(Route::GroupGet(name)),
                "PUT" => Some(Route::GroupUpdate(name)),
                "DELETE" => Some(Route::GroupDelete(name)),
                _ => None,
            };
        }
        if let Some(rest) = path.strip_prefix("otherContacts/") {
            let id = rest.strip_suffix(":copyOtherContactToMyContactsGroup")?;
            return (m == "POST")
                .then(|| single("otherContacts", id))
                .flatten()
                .map(Route::OtherCopy);
        }
        None
    }

    /// The discovery id, as counted in [`crate::Stats`].
    pub fn name(&self) -> &'static str {
        match self {
            Route::Get(_) => "people.get",
            Route::GetBatchGet => "people.getBatchGet",
            Route::ConnectionsList(_) => "people.connections.list",
            Route::CreateContact => "people.createContact",
            Route::UpdateContact(_) => "people.updateContact",
            Route::DeleteContact(_) => "people.deleteContact",
            Route::BatchCreate => "people.batchCreateContacts",
            Route::BatchUpdate => "people.batchUpdateContacts",
            Route::BatchDelete => "people.batchDeleteContacts",
            Route::UpdatePhoto(_) => "people.updateContactPhoto",
            Route::DeletePhoto(_) => "people.deleteContactPhoto",
            Route::SearchContacts => "people.searchContacts",
            Route::ListDirectory => "people.listDirectoryPeople",
            Route::SearchDirectory => "people.searchDirectoryPeople",
            Route::GroupsList => "contactGroups.list",
            Route::GroupsCreate => "contactGroups.create",
            Route::GroupsBatchGet => "contactGroups.batchGet",
            Route::GroupGet(_) => "contactGroups.get",
            Route::GroupUpdate(_) => "contactGroups.update",
            Route::GroupDelete(_) => "contactGroups.delete",
            Route::MembersModify(_) => "contactGroups.members.modify",
            Route::OtherList => "otherContacts.list",
            Route::OtherSearch => "otherContacts.search",
            Route::OtherCopy(_) => "otherContacts.copyOtherContactToMyContactsGroup",
        }
    }

    /// Whether the method changes data (and so can be committed and then dropped).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Route::CreateContact
                | Route::UpdateContact(_)
                | Route::DeleteContact(_)
                | Route::BatchCreate
                | Route::BatchUpdate
                | Route::BatchDelete
                | Route::UpdatePhoto(_)
                | Route::DeletePhoto(_)
                | Route::GroupsCreate
                | Route::GroupUpdate(_)
                | Route::GroupDelete(_)
                | Route::MembersModify(_)
                | Route::OtherCopy(_)
        )
    }

    /// Quota consumption, as Google's contacts guide lists it.
    pub fn costs(&self) -> &'static [(Bucket, u32)] {
        use Bucket::*;
        match self {
            Route::Get(_) | Route::GetBatchGet => &[(CriticalRead, 1)],
            Route::ConnectionsList(_)
            | Route::SearchContacts
            | Route::ListDirectory
            | Route::SearchDirectory
            | Route::OtherList
            | Route::OtherSearch => &[(Read, 1)],
            Route::CreateContact | Route::UpdateContact(_) | Route::OtherCopy(_) => &[
                (CriticalRead, 1),
                (CriticalWrite, 1),
                (DailyContactWrite, 1),
            ],
            Route::BatchCreate | Route::BatchUpdate => &[
                (CriticalRead, 6),
                (CriticalWrite, 6),
                (DailyContactWrite, 200),
            ],
            Route::DeleteContact(_) => &[(Write, 1)],
            Route::BatchDelete => &[(Write, 10)],
            Route::UpdatePhoto(_) | Route::DeletePhoto(_) => &[(PhotoWrite, 1)],
            Route::GroupsList | Route::GroupsBatchGet | Route::GroupGet(_) => &[(GroupRead, 1)],
            Route::GroupsCreate
            | Route::GroupUpdate(_)
            | Route::GroupDelete(_)
            | Route::MembersModify(_) => &[(Write, 1)],
        }
    }
}

/// Runs one API call against the account, with the account locked.
pub(crate) fn handle(
    ctx: &Ctx,
    acct: &mut Account,
    route: &Route,
    q: &Query,
    body: &[u8],
) -> Result<Value, ApiError> {
    match route {
        Route::Get(name) => people::get(ctx, acct, name, q),
        Route::GetBatchGet => people::get_batch(ctx, acct, q),
        Route::ConnectionsList(name) => people::list_connections(ctx, acct, name, q),
        Route::CreateContact => people::create(ctx, acct, q, &json_body(body)?),
        Route::UpdateContact(name) => people::update(ctx, acct, name, q, &json_body(body)?),
        Route::DeleteContact(name) => people::delete(ctx, acct, name),
        Route::BatchCreate => people::batch_create(ctx, acct, &json_body(body)?),
        Route::BatchUpdate => people::batch_update(ctx, acct, &json_body(body)?),
        Route::BatchDelete => people::batch_delete(ctx, acct, &json_body(body)?),
        Route::UpdatePhoto(name) => people::update_photo(ctx, acct, name, &json_body(body)?),
        Route::DeletePhoto(name) => people::delete_photo(ctx, acct, name, q),
        Route::SearchContacts => people::search(ctx, acct, q),
        Route::ListDirectory => directory::list(ctx, acct, q),
        Route::SearchDirectory => directory::search(ctx, acct, q),
        Route::GroupsList => groups::list(ctx, acct, q),
        Route::GroupsCreate => groups::create(ctx, acct, &json_body(body)?),
        Route::GroupsBatchGet => groups::batch_get(ctx, acct, q),
        Route::GroupGet(name) => groups::get(ctx, acct, name, q),
        Route::GroupUpdate(name) => groups::update(ctx, acct, name, &json_body(body)?),
        Route::GroupDelete(name) => groups::delete(ctx, acct, name, q),
        Route::MembersModify(name) => groups::modify_members(ctx, acct, name, &json_body(body)?),
        Route::OtherList => other::list(ctx, acct, q),
        Route::OtherSearch => other::search(ctx, acct, q),
        Route::OtherCopy(name) => other::copy(ctx, acct, name, &json_body(body)?),
    }
}

/// `{}` — Google's Empty message.
pub(crate) fn empty() -> Value {
    json!({})
}

pub(crate) use groups::all_groups;
pub(crate) use people::{entry_id, render_contact};
pub(crate) use people::{photo_key_account, store_photo};
