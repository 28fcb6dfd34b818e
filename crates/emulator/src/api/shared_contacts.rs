//! The Domain Shared Contacts API (GData Atom, GData-Version 3.0) under
//! `/m8/feeds/contacts/{domain}/full`: the feed (paging with `start-index` and `max-results`,
//! `updated-min`, `showdeleted`, `orderby=lastmodified`, `sortorder`), one entry, create, update
//! and delete with etags (`If-Match`, `*` overriding) and with the version at the end of the
//! edit link, and batches of at most 100 operations.
//!
//! Entry ids look like Google's (`http://www.google.com/m8/feeds/contacts/{domain}/base/{id}`);
//! the self and edit links point at the emulator. `updated-min` is inclusive, as in the Google
//! Data protocol. Errors are GData error documents (`application/vnd.google.gdata.error+xml`).

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gdata::{
    ATOM_CONTENT_TYPE, BATCH_REL, BatchItem, BatchOperation, BatchResult, BatchStatus, Category,
    Entry, Feed, Link, Text,
};

use super::Query;
use crate::state::{SHARED_TOMBSTONE_MICROS, SharedBook, SharedContact};

/// The most operations one batch request may hold.
pub(crate) const MAX_BATCH_OPERATIONS: usize = 100;
/// `max-results` when the request gives none.
const DEFAULT_MAX_RESULTS: usize = 25;

/// A failed call, rendered as a GData error document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GdataError {
    pub status: u16,
    /// The GData error code (`etagsMismatch`, `notFound`, …).
    pub code: &'static str,
    pub message: String,
}

impl GdataError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> GdataError {
        GdataError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> GdataError {
        GdataError::new(400, "badRequest", message)
    }

    pub fn unauthorized(missing: bool) -> GdataError {
        let message = if missing {
            "the request has no credentials: send Authorization: Bearer <token>"
        } else {
            "the token is invalid: it belongs to no emulator account"
        };
        GdataError::new(401, "authError", message)
    }

    pub fn not_found(id: &str) -> GdataError {
        GdataError::new(
            404,
            "notFound",
            format!("no shared contact has the id {id}"),
        )
    }

    fn reason(&self) -> &'static str {
        StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl IntoResponse for GdataError {
    fn into_response(self) -> Response {
        let body = format!(
            "<?xml version='1.0' encoding='UTF-8'?><errors xmlns='http://schemas.google.com/g/2005'><error><domain>GData</domain><code>{}</code><internalReason>{}</internalReason></error></errors>",
            self.code,
            escape(&self.message)
        );
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, body).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.google.gdata.error+xml"),
        );
        h.insert("GData-Version", HeaderValue::from_static("3.0"));
        if self.status == 401 {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"https://accounts.google.com/\""),
            );
        }
        r
    }
}

/// A call of the shared contacts API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    List,
    Get(String),
    Insert,
    /// The id, and the version when the edit link was used.
    Update(String, Option<String>),
    Delete(String, Option<String>),
    Batch,
}

impl Call {
    /// Finds the call for `method` + the path after `/m8/feeds/contacts/`; gives the domain too.
    pub fn find(method: &Method, path: &str) -> Option<(String, Call)> {
        let parts: Vec<&str> = path.split('/').collect();
        let (domain, projection, rest) = match parts.as_slice() {
            [d, p, rest @ ..] if !d.is_empty() => (*d, *p, rest),
            _ => return None,
        };
        if projection != "full" {
            return None;
        }
        let m = method.as_str();
        let call = match (m, rest) {
            ("GET", []) => Call::List,
            ("POST", []) => Call::Insert,
            ("POST", ["batch"]) => Call::Batch,
            ("GET", [id] | [id, _]) if !id.is_empty() => Call::Get((*id).to_owned()),
            ("PUT", [id]) if !id.is_empty() => Call::Update((*id).to_owned(), None),
            ("PUT", [id, v]) if !id.is_empty() => {
                Call::Update((*id).to_owned(), Some((*v).to_owned()))
            }
            ("DELETE", [id]) if !id.is_empty() => Call::Delete((*id).to_owned(), None),
            ("DELETE", [id, v]) if !id.is_empty() => {
                Call::Delete((*id).to_owned(), Some((*v).to_owned()))
            }
            _ => return None,
        };
        Some((domain.to_owned(), call))
    }

    /// The name counted in [`crate::Stats`].
    pub fn name(&self) -> &'static str {
        match self {
            Call::List => "sharedContacts.list",
            Call::Get(_) => "sharedContacts.get",
            Call::Insert => "sharedContacts.insert",
            Call::Update(..) => "sharedContacts.update",
            Call::Delete(..) => "sharedContacts.delete",
            Call::Batch => "sharedContacts.batch",
        }
    }

    pub fn is_write(&self) -> bool {
        !matches!(self, Call::List | Call::Get(_))
    }
}

/// Everything a call needs besides the store.
pub(crate) struct Request<'a> {
    /// `http://host:port`, as the caller reached the emulator.
    pub base_url: &'a str,
    /// As written in the path.
    pub domain: &'a str,
    pub now: i64,
    pub query: &'a Query,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Request<'_> {
    fn feed_url(&self) -> String {
        format!("{}/m8/feeds/contacts/{}/full", self.base_url, self.domain)
    }

    fn entry_id(&self, id: &str) -> String {
        format!(
            "http://www.google.com/m8/feeds/contacts/{}/base/{id}",
            self.domain
        )
    }
}

/// RFC 3339 with milliseconds, as Google writes `updated`.
fn time(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// An `updated-min` value: RFC 3339, or a date and time without zone (UTC), or a date.
fn parse_min(s: &str) -> Option<i64> {
    if let Some(t) = gdata::parse_time(s) {
        return Some(t.timestamp_micros());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc().timestamp_micros());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
}

fn atom(status: StatusCode, body: String, etag: Option<&str>) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ATOM_CONTENT_TYPE),
    );
    h.insert("GData-Version", HeaderValue::from_static("3.0"));
    if let Some(v) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        h.insert(header::ETAG, v);
    }
    r
}

/// Runs one call against the domain's store.
pub(crate) fn handle(
    book: &mut SharedBook,
    call: &Call,
    req: &Request<'_>,
) -> Result<Response, GdataError> {
    if let Some(v) = req.headers.get("GData-Version") {
        let v = v.to_str().unwrap_or("");
        if !(v == "3" || v.starts_with("3.")) {
            return Err(GdataError::bad_request(format!(
                "GData-Version {v} is not emulated: the Domain Shared Contacts API is version 3.0"
            )));
        }
    }
    if let Some(alt) = req
        .query
        .get("alt")
        .filter(|a| !a.is_empty() && *a != "atom")
    {
        return Err(GdataError::bad_request(format!(
            "alt={alt} is not emulated: only atom is"
        )));
    }
    match call {
        Call::List => list(book, req),
        Call::Get(id) => {
            let c = live(book, id)?;
            let entry = render(req, id, c);
            Ok(atom(
                StatusCode::OK,
                gdata::write_entry(&entry),
                Some(&c.etag),
            ))
        }
        Call::Insert => {
            let entry = parse_body(req.body)?;
            let (id, c) = insert(book, req, entry);
            let rendered = render(req, &id, &c);
            let mut r = atom(
                StatusCode::CREATED,
                gdata::write_entry(&rendered),
                Some(&c.etag),
            );
            if let Some(v) = rendered
                .link("edit")
                .and_then(|l| HeaderValue::from_str(l).ok())
            {
                r.headers_mut().insert(header::LOCATION, v);
            }
            Ok(r)
        }
        Call::Update(id, version) => {
            let entry = parse_body(req.body)?;
            if let Some(given) = entry.short_id().filter(|given| given != id) {
                return Err(GdataError::bad_request(format!(
                    "the entry's id ends in {given}, but the request is for {id}: the id cannot change"
                )));
            }
            let pre = Precondition {
                if_match: if_match(req.headers),
                etag: entry.etag.clone(),
                version: version.clone(),
            };
            let c = update(book, req, id, entry, &pre)?;
            Ok(atom(
                StatusCode::OK,
                gdata::write_entry(&render(req, id, &c)),
                Some(&c.etag),
            ))
        }
        Call::Delete(id, version) => {
            let pre = Precondition {
                if_match: if_match(req.headers),
                etag: None,
                version: version.clone(),
            };
            delete(book, req, id, &pre)?;
            let mut r = StatusCode::OK.into_response();
            r.headers_mut()
                .insert("GData-Version", HeaderValue::from_static("3.0"));
            Ok(r)
        }
        Call::Batch => batch(book, req),
    }
}

fn parse_body(body: &[u8]) -> Result<Entry, GdataError> {
    gdata::parse_entry(body).map_err(|e| GdataError::new(400, "parseError", e.to_string()))
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::IF_MATCH)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
}

fn live<'b>(book: &'b SharedBook, id: &str) -> Result<&'b SharedContact, GdataError> {
    book.contacts
        .get(id)
        .filter(|c| !c.deleted)
        .ok_or_else(|| GdataError::not_found(id))
}

/// The entry as the API shows it: what the client wrote plus what the server sets.
fn render(req: &Request<'_>, id: &str, c: &SharedContact) -> Entry {
    if c.deleted {
        // a tombstone holds nothing but its id and gd:deleted
        return Entry {
            id: Some(req.entry_id(id)),
            deleted: true,
            ..Entry::default()
        };
    }
    let mut e = c.entry.clone();
    e.id = Some(req.entry_id(id));
    e.etag = Some(c.etag.clone());
    e.updated = Some(time(c.updated));
    e.edited = Some(time(c.updated));
    e.categories.insert(0, Category::contact_kind());
    e.title = Some(Text::plain(display_name(&e)));
    let link = |rel: &str, href: String| Link {
        rel: Some(rel.into()),
        kind: Some("application/atom+xml".into()),
        href: Some(href),
        ..Link::default()
    };
    let url = format!("{}/{id}", req.feed_url());
    e.links.insert(0, link("self", url.clone()));
    e.links
        .insert(1, link("edit", format!("{url}/{}", c.updated)));
    e
}

/// The title Google derives from the name (or the first e-mail address).
fn display_name(e: &Entry) -> String {
    if let Some(n) = &e.name {
        if let Some(full) = n.full_name.as_ref().filter(|f| !f.value.trim().is_empty()) {
            return full.value.clone();
        }
        let parts: Vec<&str> = [
            &n.name_prefix,
            &n.given_name,
            &n.additional_name,
            &n.family_name,
            &n.name_suffix,
        ]
        .into_iter()
        .filter_map(|p| p.as_ref().map(|p| p.value.trim()))
        .filter(|p| !p.is_empty())
        .collect();
        if !parts.is_empty() {
            return parts.join(" ");
        }
    }
    e.emails
        .iter()
        .find_map(|m| m.address.clone())
        .unwrap_or_default()
}

/// What the client sent, without what the server sets.
fn content_of(mut e: Entry) -> Entry {
    e.id = None;
    e.etag = None;
    e.updated = None;
    e.edited = None;
    e.title = None;
    e.deleted = false;
    e.links
        .retain(|l| !matches!(l.rel.as_deref(), Some("self" | "edit")));
    e.categories
        .retain(|c| c.scheme.as_deref() != Some(gdata::KIND_SCHEME));
    e
}

fn insert(book: &mut SharedBook, req: &Request<'_>, entry: Entry) -> (String, SharedContact) {
    let id = book.new_id(req.domain);
    let c = SharedContact {
        entry: content_of(entry),
        etag: book.new_etag(req.domain),
        updated: req.now,
        deleted: false,
    };
    book.contacts.insert(id.clone(), c.clone());
    (id, c)
}

/// What a write is conditional on.
struct Precondition {
    /// The `If-Match` header.
    if_match: Option<String>,
    /// The `gd:etag` of the entry sent (used without an `If-Match`).
    etag: Option<String>,
    /// The version at the end of the edit link (`…/full/{id}/{version}`).
    version: Option<String>,
}

impl Precondition {
    fn check(&self, id: &str, c: &SharedContact) -> Result<(), GdataError> {
        if let Some(v) = &self.version
            && *v != c.updated.to_string()
        {
            return Err(GdataError::new(
                409,
                "versionConflict",
                format!(
                    "version {v} of shared contact {id} is not the latest ({}): get the entry again",
                    c.updated
                ),
            ));
        }
        let wanted = match (&self.if_match, &self.etag) {
            (Some(h), _) => h.as_str(),
            (None, Some(e)) => e.as_str(),
            (None, None) => return Ok(()),
        };
        let matches = wanted
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == c.etag);
        if matches {
            Ok(())
        } else {
            Err(GdataError::new(
                412,
                "etagsMismatch",
                format!(
                    "the etag {wanted} is not the current etag of shared contact {id}: get the entry again, or send If-Match: * to overwrite"
                ),
            ))
        }
    }
}

fn update(
    book: &mut SharedBook,
    req: &Request<'_>,
    id: &str,
    entry: Entry,
    pre: &Precondition,
) -> Result<SharedContact, GdataError> {
    pre.check(id, live(book, id)?)?;
    let etag = book.new_etag(req.domain);
    let c = SharedContact {
        entry: content_of(entry),
        etag,
        updated: req.now,
        deleted: false,
    };
    book.contacts.insert(id.to_owned(), c.clone());
    Ok(c)
}

fn delete(
    book: &mut SharedBook,
    req: &Request<'_>,
    id: &str,
    pre: &Precondition,
) -> Result<(), GdataError> {
    pre.check(id, live(book, id)?)?;
    let etag = book.new_etag(req.domain);
    book.contacts.insert(
        id.to_owned(),
        SharedContact {
            entry: Entry::default(),
            etag,
            updated: req.now,
            deleted: true,
        },
    );
    Ok(())
}

fn number(q: &Query, key: &str) -> Result<Option<usize>, GdataError> {
    match q.get(key).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| GdataError::bad_request(format!("{key}={v} is not a whole number"))),
    }
}

fn list(book: &SharedBook, req: &Request<'_>) -> Result<Response, GdataError> {
    let q = req.query;
    let max = number(q, "max-results")?.unwrap_or(DEFAULT_MAX_RESULTS);
    let start = number(q, "start-index")?.unwrap_or(1);
    if start == 0 {
        return Err(GdataError::bad_request(
            "start-index=0: the index of the first result is 1-based",
        ));
    }
    let min = match q.get("updated-min").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(parse_min(v).ok_or_else(|| {
            GdataError::bad_request(format!(
                "updated-min={v} is not an RFC 3339 time (e.g. 2024-05-06T07:08:09.123Z)"
            ))
        })?),
    };
    let show_deleted = match q.get("showdeleted") {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(v) => {
            return Err(GdataError::bad_request(format!(
                "showdeleted={v}: expected true or false"
            )));
        }
    };
    if let Some(o) = q
        .get("orderby")
        .filter(|o| !o.is_empty() && *o != "lastmodified")
    {
        return Err(GdataError::bad_request(format!(
            "orderby={o}: the only order is lastmodified"
        )));
    }
    let descending = match q.get("sortorder") {
        None | Some("" | "ascending") => false,
        Some("descending") => true,
        Some(v) => {
            return Err(GdataError::bad_request(format!(
                "sortorder={v}: expected ascending or descending"
            )));
        }
    };
    let mut matching: Vec<(&String, &SharedContact)> = book
        .contacts
        .iter()
        .filter(|(_, c)| {
            !c.deleted || (show_deleted && req.now - c.updated < SHARED_TOMBSTONE_MICROS)
        })
        .filter(|(_, c)| min.is_none_or(|m| c.updated >= m))
        .collect();
    matching.sort_by(|a, b| (a.1.updated, a.0).cmp(&(b.1.updated, b.0)));
    if descending {
        matching.reverse();
    }
    let total = matching.len();
    let entries: Vec<Entry> = matching
        .iter()
        .skip(start - 1)
        .take(max)
        .map(|(id, c)| render(req, id, c))
        .collect();
    let feed_url = req.feed_url();
    // the query of the self and next links: this request's parameters with a new start-index
    let page_url = |start: usize| {
        let mut params = url::form_urlencoded::Serializer::new(String::new());
        params.append_pair("start-index", &start.to_string());
        params.append_pair("max-results", &max.to_string());
        for key in ["updated-min", "showdeleted", "orderby", "sortorder"] {
            if let Some(v) = q.get(key) {
                params.append_pair(key, v);
            }
        }
        format!("{feed_url}?{}", params.finish())
    };
    let link = |rel: &str, href: String| Link {
        rel: Some(rel.into()),
        kind: Some("application/atom+xml".into()),
        href: Some(href),
        ..Link::default()
    };
    let mut links = vec![
        link("http://schemas.google.com/g/2005#feed", feed_url.clone()),
        link("http://schemas.google.com/g/2005#post", feed_url.clone()),
        link(BATCH_REL, format!("{feed_url}/batch")),
        link("self", page_url(start)),
    ];
    if start > 1 {
        links.push(link("previous", page_url(start.saturating_sub(max).max(1))));
    }
    if max > 0 && (start - 1).saturating_add(max) < total {
        links.push(link("next", page_url(start.saturating_add(max))));
    }
    let feed = Feed {
        id: Some(req.domain.to_owned()),
        updated: Some(time(req.now)),
        categories: vec![Category::contact_kind()],
        title: Some(Text::plain(format!("{}'s Contacts", req.domain))),
        links,
        total_results: Some(total as u64),
        start_index: Some(start as u64),
        items_per_page: Some(max as u64),
        entries,
        ..Feed::default()
    };
    Ok(atom(StatusCode::OK, gdata::write_feed(&feed), None))
}

/// The contact an update, delete or query names: the id at the end of the edit link (with the
/// version after it) or of the entry's id.
fn target_of(req: &Request<'_>, entry: &Entry) -> Option<(String, Option<String>)> {
    let marker = format!("/m8/feeds/contacts/{}/full/", req.domain);
    if let Some(rest) = entry
        .link("edit")
        .and_then(|href| href.split_once(&marker).map(|(_, rest)| rest.to_owned()))
    {
        let mut parts = rest.split('/');
        if let Some(id) = parts.next().filter(|id| !id.is_empty()) {
            return Some((id.to_owned(), parts.next().map(str::to_owned)));
        }
    }
    entry.short_id().map(|id| (id.to_owned(), None))
}

fn batch(book: &mut SharedBook, req: &Request<'_>) -> Result<Response, GdataError> {
    let request = gdata::parse_batch_request(req.body)
        .map_err(|e| GdataError::new(400, "parseError", e.to_string()))?;
    if request.entries.len() > MAX_BATCH_OPERATIONS {
        return Err(GdataError::new(
            400,
            "tooManyOperations",
            format!(
                "a batch holds at most {MAX_BATCH_OPERATIONS} operations; this one has {}",
                request.entries.len()
            ),
        ));
    }
    let results = request
        .entries
        .into_iter()
        .map(|item| batch_one(book, req, item))
        .collect();
    let feed = Feed {
        id: Some(format!("{}/batch/{}", req.feed_url(), req.now / 1000)),
        updated: Some(time(req.now)),
        categories: vec![Category::contact_kind()],
        title: Some(Text::plain("Batch Feed")),
        entries: results,
        ..Feed::default()
    };
    Ok(atom(
        StatusCode::OK,
        gdata::write_batch_response(&feed),
        None,
    ))
}

fn batch_one(book: &mut SharedBook, req: &Request<'_>, item: BatchItem) -> BatchResult {
    let BatchItem {
        batch_id,
        operation,
        entry,
    } = item;
    let echo = Entry {
        id: entry.id.clone(),
        ..Entry::default()
    };
    let outcome: Result<(u16, &str, Entry), GdataError> = (|| match operation {
        BatchOperation::Insert => {
            let (id, c) = insert(book, req, entry);
            Ok((201, "Created", render(req, &id, &c)))
        }
        BatchOperation::Query => {
            let (id, _) = target_of(req, &entry).ok_or_else(|| {
                GdataError::bad_request("the entry names no contact: give its id")
            })?;
            let c = live(book, &id)?;
            Ok((200, "Success", render(req, &id, c)))
        }
        BatchOperation::Update => {
            let (id, version) = target_of(req, &entry).ok_or_else(|| {
                GdataError::bad_request("the entry names no contact: give its id")
            })?;
            let pre = Precondition {
                if_match: None,
                etag: entry.etag.clone(),
                version,
            };
            let c = update(book, req, &id, entry, &pre)?;
            Ok((200, "Success", render(req, &id, &c)))
        }
        BatchOperation::Delete => {
            let (id, version) = target_of(req, &entry).ok_or_else(|| {
                GdataError::bad_request("the entry names no contact: give its id")
            })?;
            let pre = Precondition {
                if_match: None,
                etag: entry.etag.clone(),
                version,
            };
            delete(book, req, &id, &pre)?;
            Ok((200, "Success", echo.clone()))
        }
    })();
    let (status, entry) = match outcome {
        Ok((code, reason, entry)) => (BatchStatus::new(code, reason), entry),
        Err(e) => {
            let reason = e.reason();
            (
                BatchStatus {
                    content_type: Some("text/plain".into()),
                    body: Some(e.message),
                    ..BatchStatus::new(e.status, reason)
                },
                echo,
            )
        }
    };
    BatchResult {
        batch_id,
        operation: Some(operation),
        status: Some(status),
        entry,
    }
}
