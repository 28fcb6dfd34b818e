//! people.* methods: get, getBatchGet, connections.list, create/update/delete (single and batch),
//! photos, searchContacts; plus the paging and sync-token logic the other listings share.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use people::PersonField;
use serde_json::{Value, json};

use super::{Ctx, Query, check_read_sources, empty};
use crate::book::{Book, Entry};
use crate::error::ApiError;
use crate::person::{
    Json, check_known_keys, check_singletons, normalize_items, parse_mask, prefix_phrase_match,
    render, require_mask, search_texts, source_ref,
};
use crate::state::{
    ADDABLE_SYSTEM_GROUPS, Account, StoredPhoto, contact_source_id, membership_ids, mix,
    parse_contact_name,
};
use crate::tokens::{PageToken, SYNC_TOKEN_LIFETIME_MICROS, SyncToken, params_hash};

/// Most items of one kind a listing returns per person.
const LIST_ITEM_CAP: usize = 100;

/// The `photos` field of a contact: the uploaded photo, or the default monogram.
pub(crate) fn photos_value(base: &str, account: usize, id: u64, entry: &Entry) -> Value {
    let source = source_ref("CONTACT", &contact_source_id(id));
    match &entry.photo {
        Some(key) => json!([{
            "metadata": {"primary": true, "source": source},
            "url": format!("{base}/contacts/{key}=s100"),
        }]),
        None => json!([{
            "metadata": {"primary": true, "source": source},
            "url": format!("{base}/cm/a{account}d{}=s100", URL_SAFE_NO_PAD.encode(mix(id).to_be_bytes())),
            "default": true,
        }]),
    }
}

/// The account a photo key (`a<index>p…` or `a<index>d…`) belongs to.
pub(crate) fn photo_key_account(key: &str) -> Option<usize> {
    let rest = key.strip_prefix('a')?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

pub(crate) fn render_contact(
    ctx: &Ctx,
    acct: &Account,
    id: u64,
    entry: &Entry,
    mask: &[PersonField],
) -> Value {
    let photos = mask
        .contains(&PersonField::Photos)
        .then(|| photos_value(&ctx.base_url, acct.index, id, entry));
    render(&entry.person, mask, photos)
}

/// The personFields mask of a read: `personFields`, or the legacy `requestMask.includeField`.
fn read_mask(q: &Query) -> Result<Vec<PersonField>, ApiError> {
    if q.get("personFields").is_none()
        && let Some(legacy) = q.get("requestMask.includeField")
    {
        return require_mask("requestMask.includeField", Some(legacy), &PersonField::ALL);
    }
    require_mask("personFields", q.get("personFields"), &PersonField::ALL)
}

fn contact_id(acct: &Account, name: &str) -> Result<u64, ApiError> {
    let id = parse_contact_name(name).ok_or_else(ApiError::not_found)?;
    acct.contacts
        .get(id)
        .map(|_| id)
        .ok_or_else(ApiError::not_found)
}

fn get_one(ctx: &Ctx, acct: &Account, name: &str, mask: &[PersonField]) -> Result<Value, ApiError> {
    if name == "people/me" || name == acct.profile_resource_name() {
        return Ok(render(&acct.profile(), mask, None));
    }
    let id = contact_id(acct, name)?;
    let entry = acct.contacts.get(id).ok_or_else(ApiError::not_found)?;
    Ok(render_contact(ctx, acct, id, entry, mask))
}

pub(super) fn get(ctx: &Ctx, acct: &mut Account, name: &str, q: &Query) -> Result<Value, ApiError> {
    let mask = read_mask(q)?;
    check_read_sources(&q.all("sources"))?;
    get_one(ctx, acct, name, &mask)
}

pub(super) fn get_batch(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let mask = read_mask(q)?;
    check_read_sources(&q.all("sources"))?;
    let names: Vec<&str> =
        q.0.iter()
            .filter(|(k, _)| k == "resourceNames")
            .map(|(_, v)| v.as_str())
            .collect();
    if names.is_empty() {
        return Err(ApiError::invalid_argument(
            "resourceNames must contain at least one resource name.",
        ));
    }
    if names.len() > 200 {
        return Err(ApiError::invalid_argument(format!(
            "Too many resourceNames: {} given, at most 200 are allowed.",
            names.len()
        )));
    }
    let responses: Vec<Value> = names
        .iter()
        .map(|name| match get_one(ctx, acct, name, &mask) {
            Ok(person) => json!({
                "requestedResourceName": name,
                "httpStatusCode": 200,
                "person": person,
                "status": {},
            }),
            Err(e) => json!({
                "requestedResourceName": name,
                "httpStatusCode": e.code,
                "status": {"code": rpc_code(e.status), "message": e.message},
            }),
        })
        .collect();
    Ok(json!({ "responses": responses }))
}

/// google.rpc.Code numbers of the statuses the emulator uses.
pub(crate) fn rpc_code(status: &str) -> i32 {
    match status {
        "INVALID_ARGUMENT" => 3,
        "NOT_FOUND" => 5,
        "ALREADY_EXISTS" => 6,
        "PERMISSION_DENIED" => 7,
        "RESOURCE_EXHAUSTED" => 8,
        "FAILED_PRECONDITION" => 9,
        "INTERNAL" => 13,
        "UNAVAILABLE" => 14,
        "UNAUTHENTICATED" => 16,
        _ => 2,
    }
}

/// Parameters of a paginated, syncable listing (connections, other contacts, directory).
pub(crate) struct ListParams<'a> {
    pub kind: char,
    pub page_size: usize,
    pub sort: &'a str,
    pub request_sync: bool,
    pub sync_token: Option<&'a str>,
    pub page_token: Option<&'a str>,
    /// Hash of what a sync token's later requests must repeat.
    pub sync_hash: u64,
    /// Hash of what a page token's later requests must repeat.
    pub page_hash: u64,
}

pub(crate) struct ListOutput {
    pub items: Vec<Value>,
    pub next_page_token: Option<String>,
    pub next_sync_token: Option<String>,
    pub incremental: bool,
}

fn mismatch() -> ApiError {
    ApiError::invalid_argument(
        "Request parameters must match the first request of this page or sync token sequence.",
    )
}

/// Pages through `book`, fully or incrementally from a sync token, honouring the sync delay.
pub(crate) fn list_book(
    ctx: &Ctx,
    account: usize,
    seq: u64,
    book: &Book,
    p: &ListParams,
    render_entry: &dyn Fn(u64, &Entry) -> Value,
) -> Result<ListOutput, ApiError> {
    let page_token = p.page_token.map(PageToken::decode).transpose()?;
    if let Some(pt) = &page_token
        && (pt.kind != p.kind || pt.account != account)
    {
        return Err(ApiError::bad_request());
    }
    if let Some(pt) = &page_token
        && pt.params != p.page_hash
    {
        return Err(mismatch());
    }
    let mut items = Vec::new();
    let mut next_page_token = None;
    let mut next_sync_token = None;
    if let Some(token) = p.sync_token {
        let st = SyncToken::decode(token)?;
        if st.kind != p.kind || st.account != account {
            return Err(ApiError::bad_request());
        }
        if ctx.now - st.full_sync_at > SYNC_TOKEN_LIFETIME_MICROS {
            return Err(ApiError::expired_sync_token());
        }
        if st.params != p.sync_hash {
            return Err(mismatch());
        }
        let (pos, horizon) = match &page_token {
            Some(pt) if pt.base == Some(st.seq) => (pt.pos, pt.horizon),
            Some(_) => return Err(mismatch()),
            None => (st.seq, book.horizon(ctx.now, seq).max(st.seq)),
        };
        let mut last = pos;
        let mut more = false;
        for (s, item) in book.changes(pos, horizon) {
            if items.len() == p.page_size {
                more = true;
                break;
            }
            last = s;
            if item.deleted {
                if let Some(t) = book.tombstone(item.id) {
                    items.push(Value::Object(t.clone()));
                }
            } else if let Some(entry) = book.get(item.id) {
                items.push(render_entry(item.id, entry));
            }
        }
        if more {
            next_page_token = Some(
                PageToken {
                    kind: p.kind,
                    account,
                    pos: last,
                    horizon,
                    base: Some(st.seq),
                    full_sync_at: st.full_sync_at,
                    params: p.page_hash,
                }
                .encode(),
            );
        } else if p.request_sync {
            next_sync_token = Some(
                SyncToken {
                    kind: p.kind,
                    account,
                    seq: horizon,
                    full_sync_at: st.full_sync_at,
                    params: p.sync_hash,
                }
                .encode(),
            );
        }
        return Ok(ListOutput {
            items,
            next_page_token,
            next_sync_token,
            incremental: true,
        });
    }
    if page_token.is_some_and(|pt| pt.base.is_some()) {
        return Err(mismatch());
    }
    let (horizon, full_sync_at) = match &page_token {
        Some(pt) => (pt.horizon, pt.full_sync_at),
        None => (book.horizon(ctx.now, seq), ctx.now),
    };
    let mut more = false;
    let mut next_pos = 0;
    let mut push = |pos: u64, id: u64, entry: &Entry, items: &mut Vec<Value>| -> bool {
        if items.len() == p.page_size {
            more = true;
            return false;
        }
        next_pos = pos;
        items.push(render_entry(id, entry));
        true
    };
    match p.sort {
        "LAST_MODIFIED_DESCENDING" => {
            let start = page_token.map_or(u64::MAX, |pt| pt.pos);
            for (s, entry) in book.live_before(start) {
                let id = entry_id(entry);
                if !push(s, id, entry, &mut items) {
                    break;
                }
            }
        }
        "FIRST_NAME_ASCENDING" | "LAST_NAME_ASCENDING" => {
            let first = p.sort == "FIRST_NAME_ASCENDING";
            let mut keyed: Vec<(String, u64)> = book
                .entries
                .iter()
                .map(|(id, e)| (name_key(&e.person, first), *id))
                .collect();
            keyed.sort();
            let offset = page_token.map_or(0, |pt| pt.pos);
            for (i, (_, id)) in keyed.iter().enumerate().skip(offset as usize) {
                let Some(entry) = book.get(*id) else { continue };
                if !push(i as u64 + 1, *id, entry, &mut items) {
                    break;
                }
            }
        }
        _ => {
            let start = page_token.map_or(0, |pt| pt.pos);
            for (s, entry) in book.live_after(start) {
                let id = entry_id(entry);
                if !push(s, id, entry, &mut items) {
                    break;
                }
            }
        }
    }
    if more {
        next_page_token = Some(
            PageToken {
                kind: p.kind,
                account,
                pos: next_pos,
                horizon,
                base: None,
                full_sync_at,
                params: p.page_hash,
            }
            .encode(),
        );
    } else if p.request_sync {
        next_sync_token = Some(
            SyncToken {
                kind: p.kind,
                account,
                seq: horizon,
                full_sync_at,
                params: p.sync_hash,
            }
            .encode(),
        );
    }
    Ok(ListOutput {
        items,
        next_page_token,
        next_sync_token,
        incremental: false,
    })
}

/// The numeric id in a stored person's resource name (`people/c123`, `otherContacts/c123`, `people/123`).
pub(crate) fn entry_id(entry: &Entry) -> u64 {
    entry
        .person
        .get("resourceName")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(|s| s.trim_start_matches('c'))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn name_key(person: &Json, first: bool) -> String {
    let name = person
        .get("names")
        .and_then(|n| n.get(0))
        .cloned()
        .unwrap_or(Value::Null);
    let pick = if first { "givenName" } else { "familyName" };
    name.get(pick)
        .or_else(|| name.get("displayName"))
        .and_then(Value::as_str)
        .map(str::to_lowercase)
        .unwrap_or_else(|| "\u{10ffff}".to_owned())
}

/// Caps emails and phones at 100 per person, as Google's list methods do.
pub(crate) fn cap_items(mut v: Value) -> Value {
    for key in ["emailAddresses", "phoneNumbers"] {
        if let Some(Value::Array(items)) = v.get_mut(key) {
            items.truncate(LIST_ITEM_CAP);
        }
    }
    v
}

const SORT_ORDERS: [&str; 4] = [
    "LAST_MODIFIED_ASCENDING",
    "LAST_MODIFIED_DESCENDING",
    "FIRST_NAME_ASCENDING",
    "LAST_NAME_ASCENDING",
];

pub(super) fn list_connections(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    q: &Query,
) -> Result<Value, ApiError> {
    if name != "people/me" {
        return Err(ApiError::invalid_argument(
            "Invalid resourceName: only people/me is valid for connections.",
        ));
    }
    let mask = read_mask(q)?;
    let sources = q.all("sources");
    check_read_sources(&sources)?;
    let page_size = q.page_size(100, 1000)?;
    let sort = q.get("sortOrder").unwrap_or("LAST_MODIFIED_ASCENDING");
    if !SORT_ORDERS.contains(&sort) {
        return Err(ApiError::invalid_argument(format!(
            "Invalid value at 'sort_order' (type.googleapis.com/google.people.v1.ListConnectionsRequest.SortOrder), \"{sort}\""
        )));
    }
    let request_sync = q.bool("requestSyncToken")?;
    let mask_text = PersonField::mask(&sorted(&mask));
    let sources_text = sources.join(",");
    let sync_hash = params_hash(&[&mask_text, sort, &sources_text]);
    let sync_token = q.get("syncToken").filter(|s| !s.is_empty());
    let page_hash = params_hash(&[
        &mask_text,
        sort,
        &sources_text,
        if request_sync { "1" } else { "0" },
        sync_token.unwrap_or(""),
    ]);
    let params = ListParams {
        kind: 'c',
        page_size,
        sort,
        request_sync,
        sync_token,
        page_token: q.get("pageToken").filter(|s| !s.is_empty()),
        sync_hash,
        page_hash,
    };
    let out = list_book(
        ctx,
        acct.index,
        acct.seq,
        &acct.contacts,
        &params,
        &|id, e| cap_items(render_contact(ctx, acct, id, e, &mask)),
    )?;
    let mut resp = Json::new();
    if !out.items.is_empty() {
        resp.insert("connections".into(), Value::Array(out.items));
    }
    if let Some(t) = out.next_page_token {
        resp.insert("nextPageToken".into(), json!(t));
    }
    if let Some(t) = out.next_sync_token {
        resp.insert("nextSyncToken".into(), json!(t));
    }
    if !out.incremental {
        resp.insert("totalPeople".into(), json!(acct.contacts.len()));
        resp.insert("totalItems".into(), json!(acct.contacts.len()));
    }
    Ok(Value::Object(resp))
}

pub(crate) fn sorted(mask: &[PersonField]) -> Vec<PersonField> {
    let mut m = mask.to_vec();
    m.sort();
    m
}

/// Checks memberships against the account's groups: existing groups only, and only user groups,
/// myContacts and starred can be added (memberships the contact already has may stay).
fn check_memberships(acct: &Account, person: &Json, existing: &[String]) -> Result<(), ApiError> {
    let Some(items) = person.get("memberships").and_then(Value::as_array) else {
        return Ok(());
    };
    for m in items {
        let Some(rn) = m
            .pointer("/contactGroupMembership/contactGroupResourceName")
            .and_then(Value::as_str)
        else {
            return Err(ApiError::invalid_argument(
                "Only contactGroupMembership.contactGroupResourceName can be used for modifying memberships.",
            ));
        };
        let id = rn.strip_prefix("contactGroups/").unwrap_or("");
        let group = acct.groups.get(id).ok_or_else(|| {
            ApiError::invalid_argument(format!("Contact group {rn:?} was not found."))
        })?;
        if group.system && !ADDABLE_SYSTEM_GROUPS.contains(&id) && !existing.iter().any(|e| e == id)
        {
            return Err(ApiError::failed_precondition(format!(
                "Cannot add contacts to the system contact group {rn}; only user groups, myContacts and starred accept new members."
            )));
        }
    }
    Ok(())
}

/// Normalized values of `fields` taken from `person` (absent fields are left out).
fn writable_from(
    acct: &Account,
    person: &Json,
    fields: &[PersonField],
    id: u64,
    existing: &[String],
) -> Result<Json, ApiError> {
    check_singletons(person, fields)?;
    check_memberships(acct, person, existing)?;
    let source = source_ref("CONTACT", &contact_source_id(id));
    let mut out = Json::new();
    for f in fields.iter().filter(|f| f.is_updatable()) {
        let key = f.as_str();
        match person.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                let items = normalize_items(key, items, &source)?;
                if !items.is_empty() {
                    out.insert(key.into(), Value::Array(items));
                }
            }
            Some(_) => {
                return Err(ApiError::invalid_argument(format!(
                    "Invalid value at 'person.{key}': expected a list."
                )));
            }
        }
    }
    Ok(out)
}

/// Prepares a new contact from a request person; the contact lands in myContacts when no
/// membership is given.
fn prepare_create(acct: &mut Account, person: &Json, at: &str) -> Result<(u64, Json), ApiError> {
    check_known_keys(person, at)?;
    let id = acct.new_contact_id();
    let mut fields = writable_from(acct, person, &PersonField::UPDATABLE, id, &[])?;
    if !fields.contains_key("memberships") {
        let source = source_ref("CONTACT", &contact_source_id(id));
        let items = normalize_items(
            "memberships",
            &[
                json!({"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}}),
            ],
            &source,
        )?;
        fields.insert("memberships".into(), Value::Array(items));
    }
    Ok((id, fields))
}

pub(super) fn create(
    ctx: &Ctx,
    acct: &mut Account,
    q: &Query,
    body: &Json,
) -> Result<Value, ApiError> {
    let mask = parse_mask("personFields", q.get("personFields"), &PersonField::ALL)?
        .unwrap_or_else(|| PersonField::ALL.to_vec());
    check_read_sources(&q.all("sources"))?;
    let (id, fields) = prepare_create(acct, body, "person")?;
    acct.write_contact(id, fields, None, ctx.now, ctx.visible_at());
    let entry = acct.contacts.get(id).ok_or_else(ApiError::internal)?;
    Ok(render_contact(ctx, acct, id, entry, &mask))
}

/// The etags a request person carries: top-level and the CONTACT source's.
fn request_etags(person: &Json) -> (Option<&str>, Option<&str>) {
    let top = person
        .get("etag")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let source = person
        .get("metadata")
        .and_then(|m| m.get("sources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|s| s.get("type").and_then(Value::as_str) == Some("CONTACT"))
        .and_then(|s| s.get("etag"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    (top, source)
}

/// Validates an update of contact `name` and returns the new fields.
fn prepare_update(
    acct: &Account,
    name: &str,
    person: &Json,
    mask: &[PersonField],
    at: &str,
) -> Result<(u64, Json), ApiError> {
    check_known_keys(person, at)?;
    let id = contact_id(acct, name)?;
    let entry = acct.contacts.get(id).ok_or_else(ApiError::not_found)?;
    let (top, source) = request_etags(person);
    if top.is_none() && source.is_none() {
        return Err(ApiError::missing_etag());
    }
    let current_top = entry.person.get("etag").and_then(Value::as_str);
    let current_source = entry
        .person
        .get("metadata")
        .and_then(|m| m.pointer("/sources/0/etag"))
        .and_then(Value::as_str);
    if top.is_some_and(|t| Some(t) != current_top)
        || source.is_some_and(|s| Some(s) != current_source)
    {
        return Err(ApiError::stale_etag());
    }
    if mask.contains(&PersonField::Memberships) && membership_ids(person).is_empty() {
        return Err(ApiError::invalid_argument(
            "A contact must always have at least one contact group membership; memberships are being updated and none is given.",
        ));
    }
    let new = writable_from(acct, person, mask, id, &entry.groups)?;
    let mut fields = Account::writable_fields(entry);
    for f in mask {
        fields.remove(f.as_str());
    }
    fields.extend(new);
    Ok((id, fields))
}

pub(super) fn update(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    q: &Query,
    body: &Json,
) -> Result<Value, ApiError> {
    let update_mask = require_mask(
        "updatePersonFields",
        q.get("updatePersonFields"),
        &PersonField::UPDATABLE,
    )?;
    let read = parse_mask("personFields", q.get("personFields"), &PersonField::ALL)?
        .unwrap_or_else(|| PersonField::ALL.to_vec());
    check_read_sources(&q.all("sources"))?;
    if let Some(rn) = body.get("resourceName").and_then(Value::as_str)
        && !rn.is_empty()
        && rn != name
    {
        return Err(ApiError::invalid_argument(format!(
            "person.resourceName {rn:?} does not match the resource name in the URL {name:?}."
        )));
    }
    let (id, fields) = prepare_update(acct, name, body, &update_mask, "person")?;
    let photo = acct.contacts.get(id).and_then(|e| e.photo.clone());
    acct.write_contact(id, fields, photo, ctx.now, ctx.visible_at());
    let entry = acct.contacts.get(id).ok_or_else(ApiError::internal)?;
    Ok(render_contact(ctx, acct, id, entry, &read))
}

pub(super) fn delete(ctx: &Ctx, acct: &mut Account, name: &str) -> Result<Value, ApiError> {
    let id = contact_id(acct, name)?;
    acct.delete_contact(id, ctx.visible_at());
    Ok(empty())
}

/// `readMask` of the batch methods: empty or absent skips the post-mutate get.
fn batch_read_mask(body: &Json) -> Result<Option<Vec<PersonField>>, ApiError> {
    let mask = body.get("readMask").and_then(Value::as_str);
    parse_mask("readMask", mask, &PersonField::ALL)
}

fn batch_sources(body: &Json) -> Result<(), ApiError> {
    let sources: Vec<&str> = body
        .get("sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    check_read_sources(&sources)
}

pub(super) fn batch_create(ctx: &Ctx, acct: &mut Account, body: &Json) -> Result<Value, ApiError> {
    let read = batch_read_mask(body)?;
    batch_sources(body)?;
    let contacts = body
        .get("contacts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if contacts.is_empty() {
        return Err(ApiError::invalid_argument("contacts must not be empty."));
    }
    if contacts.len() > 200 {
        return Err(ApiError::invalid_argument(format!(
            "Too many contacts in the request: {} given, at most 200 are allowed.",
            contacts.len()
        )));
    }
    let mut prepared = Vec::with_capacity(contacts.len());
    for (i, c) in contacts.iter().enumerate() {
        let Some(Value::Object(person)) = c.get("contactPerson") else {
            return Err(ApiError::invalid_argument(format!(
                "contacts[{i}].contactPerson is required."
            )));
        };
        let at = format!("contacts[{i}].contact_person");
        prepared.push(prepare_create(acct, person, &at).map_err(|mut e| {
            e.message = format!("contacts[{i}]: {}", e.message);
            e
        })?);
    }
    let visible_at = ctx.visible_at();
    let mut created = Vec::with_capacity(prepared.len());
    for (id, fields) in prepared {
        acct.write_contact(id, fields, None, ctx.now, visible_at);
        created.push(id);
    }
    let Some(mask) = read else {
        return Ok(empty());
    };
    let created: Vec<Value> = created
        .into_iter()
        .filter_map(|id| {
            let entry = acct.contacts.get(id)?;
            Some(json!({
                "person": render_contact(ctx, acct, id, entry, &mask),
                "httpStatusCode": 200,
                "status": {},
            }))
        })
        .collect();
    Ok(json!({ "createdPeople": created }))
}

pub(super) fn batch_update(ctx: &Ctx, acct: &mut Account, body: &Json) -> Result<Value, ApiError> {
    let read = batch_read_mask(body)?;
    batch_sources(body)?;
    let update_mask = require_mask(
        "updateMask",
        body.get("updateMask").and_then(Value::as_str),
        &PersonField::UPDATABLE,
    )?;
    let contacts = match body.get("contacts") {
        Some(Value::Object(m)) => m.clone(),
        _ => Json::new(),
    };
    if contacts.is_empty() {
        return Err(ApiError::invalid_argument("contacts must not be empty."));
    }
    if contacts.len() > 200 {
        return Err(ApiError::invalid_argument(format!(
            "Too many contacts in the request: {} given, at most 200 are allowed.",
            contacts.len()
        )));
    }
    let mut prepared = Vec::with_capacity(contacts.len());
    for (name, person) in &contacts {
        let Value::Object(person) = person else {
            return Err(ApiError::invalid_argument(format!(
                "contacts[{name:?}] must be a person."
            )));
        };
        let at = format!("contacts[{name}]");
        let (id, fields) = prepare_update(acct, name, person, &update_mask, &at)?;
        prepared.push((name.clone(), id, fields));
    }
    let visible_at = ctx.visible_at();
    for (_, id, fields) in &prepared {
        let photo = acct.contacts.get(*id).and_then(|e| e.photo.clone());
        acct.write_contact(*id, fields.clone(), photo, ctx.now, visible_at);
    }
    let Some(mask) = read else {
        return Ok(empty());
    };
    let mut result = Json::new();
    for (name, id, _) in prepared {
        if let Some(entry) = acct.contacts.get(id) {
            result.insert(
                name.clone(),
                json!({
                    "requestedResourceName": name,
                    "person": render_contact(ctx, acct, id, entry, &mask),
                    "httpStatusCode": 200,
                    "status": {},
                }),
            );
        }
    }
    Ok(json!({ "updateResult": result }))
}

pub(super) fn batch_delete(ctx: &Ctx, acct: &mut Account, body: &Json) -> Result<Value, ApiError> {
    let mut names: Vec<&str> = body
        .get("resourceNames")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if names.is_empty() {
        return Err(ApiError::invalid_argument(
            "resourceNames must not be empty.",
        ));
    }
    if names.len() > 500 {
        return Err(ApiError::invalid_argument(format!(
            "Too many resourceNames in the request: {} given, at most 500 are allowed.",
            names.len()
        )));
    }
    names.sort_unstable();
    names.dedup();
    let ids = names
        .iter()
        .map(|n| contact_id(acct, n))
        .collect::<Result<Vec<_>, _>>()?;
    let visible_at = ctx.visible_at();
    for id in ids {
        acct.delete_contact(id, visible_at);
    }
    Ok(empty())
}

/// What a photo upload is, by its magic bytes; only JPEG and PNG are accepted.
fn photo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        Some("image/png")
    } else {
        None
    }
}

/// Stores a photo for contact `id` and returns its key.
pub(crate) fn store_photo(
    acct: &mut Account,
    bytes: Vec<u8>,
    content_type: &'static str,
) -> String {
    let n = acct.fresh();
    let key = format!("a{}p{n:016x}", acct.index);
    acct.photos.insert(
        key.clone(),
        StoredPhoto {
            content_type,
            bytes,
        },
    );
    key
}

/// `{"person": …}` when a mask is given, else `{}` (the post-mutate get is skipped).
fn photo_response(
    ctx: &Ctx,
    acct: &Account,
    id: u64,
    mask: Option<Vec<PersonField>>,
) -> Result<Value, ApiError> {
    let Some(mask) = mask.filter(|m| !m.is_empty()) else {
        return Ok(empty());
    };
    let entry = acct.contacts.get(id).ok_or_else(ApiError::internal)?;
    Ok(json!({ "person": render_contact(ctx, acct, id, entry, &mask) }))
}

pub(super) fn update_photo(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    body: &Json,
) -> Result<Value, ApiError> {
    let mask = parse_mask(
        "personFields",
        body.get("personFields").and_then(Value::as_str),
        &PersonField::ALL,
    )?;
    batch_sources(body)?;
    let id = contact_id(acct, name)?;
    let data = body
        .get("photoBytes")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid_argument("photoBytes is required."))?;
    let bytes = STANDARD
        .decode(data.trim())
        .or_else(|_| URL_SAFE_NO_PAD.decode(data.trim().trim_end_matches('=')))
        .map_err(|_| {
            ApiError::invalid_argument(
                "Invalid value at 'photo_bytes' (TYPE_BYTES), Base64 decoding failed.",
            )
        })?;
    let content_type = photo_type(&bytes).ok_or_else(|| {
        ApiError::invalid_argument(
            "Invalid photo format: photoBytes must hold a JPEG or PNG image.",
        )
    })?;
    let entry = acct.contacts.get(id).ok_or_else(ApiError::not_found)?;
    let fields = Account::writable_fields(entry);
    if let Some(old) = entry.photo.clone() {
        acct.photos.remove(&old);
    }
    let key = store_photo(acct, bytes, content_type);
    acct.write_contact(id, fields, Some(key), ctx.now, ctx.visible_at());
    photo_response(ctx, acct, id, mask)
}

pub(super) fn delete_photo(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    q: &Query,
) -> Result<Value, ApiError> {
    let mask = parse_mask("personFields", q.get("personFields"), &PersonField::ALL)?;
    check_read_sources(&q.all("sources"))?;
    let id = contact_id(acct, name)?;
    let entry = acct.contacts.get(id).ok_or_else(ApiError::not_found)?;
    let fields = Account::writable_fields(entry);
    if let Some(old) = entry.photo.clone() {
        acct.photos.remove(&old);
    }
    acct.write_contact(id, fields, None, ctx.now, ctx.visible_at());
    photo_response(ctx, acct, id, mask)
}

/// searchContacts / otherContacts.search page size: default 10, capped at 30.
pub(crate) fn search_page_size(q: &Query) -> Result<usize, ApiError> {
    match q.int("pageSize")? {
        None | Some(0) => Ok(10),
        Some(n) if n < 0 => Err(ApiError::invalid_argument(format!(
            "Invalid pageSize {n}: it must not be negative."
        ))),
        Some(n) => Ok((n as usize).min(30)),
    }
}

pub(super) fn search(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let mask = require_mask("readMask", q.get("readMask"), &PersonField::ALL)?;
    check_read_sources(&q.all("sources"))?;
    let size = search_page_size(q)?;
    let query = q
        .get("query")
        .ok_or_else(|| ApiError::invalid_argument("query is required."))?;
    if query.trim().is_empty() {
        return Ok(empty());
    }
    let results: Vec<Value> = acct
        .contacts
        .entries
        .iter()
        .filter(|(_, e)| prefix_phrase_match(&search_texts(&e.person), query))
        .take(size)
        .map(|(id, e)| json!({"person": render_contact(ctx, acct, *id, e, &mask)}))
        .collect();
    if results.is_empty() {
        return Ok(empty());
    }
    Ok(json!({ "results": results }))
}
