//! otherContacts.* methods: list (with sync tokens), search, copyOtherContactToMyContactsGroup.

use people::PersonField;
use serde_json::{Value, json};

use super::people::{ListParams, cap_items, list_book, render_contact, search_page_size, sorted};
use super::{Ctx, Query, check_read_sources};
use crate::error::ApiError;
use crate::person::{
    Json, normalize_items, parse_mask, prefix_phrase_match, render, require_mask, search_texts,
    source_ref,
};
use crate::state::{Account, contact_source_id};
use crate::tokens::params_hash;

/// readMask paths valid with the default source (READ_SOURCE_TYPE_CONTACT).
const CONTACT_SOURCE_FIELDS: [PersonField; 5] = [
    PersonField::EmailAddresses,
    PersonField::Metadata,
    PersonField::Names,
    PersonField::PhoneNumbers,
    PersonField::Photos,
];

/// readMask paths valid for otherContacts.search.
const SEARCH_FIELDS: [PersonField; 4] = [
    PersonField::EmailAddresses,
    PersonField::Metadata,
    PersonField::Names,
    PersonField::PhoneNumbers,
];

/// copyMask paths.
const COPY_FIELDS: [PersonField; 3] = [
    PersonField::EmailAddresses,
    PersonField::Names,
    PersonField::PhoneNumbers,
];

fn other_id(name: &str) -> Option<u64> {
    name.strip_prefix("otherContacts/c")?.parse().ok()
}

pub(super) fn list(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let sources = q.all("sources");
    check_read_sources(&sources)?;
    let profile = sources.contains(&"READ_SOURCE_TYPE_PROFILE");
    let contact = sources.is_empty() || sources.contains(&"READ_SOURCE_TYPE_CONTACT");
    if profile && !contact {
        return Err(ApiError::invalid_argument(
            "Specifying READ_SOURCE_TYPE_PROFILE without specifying READ_SOURCE_TYPE_CONTACT is not permitted.",
        ));
    }
    let allowed: &[PersonField] = if profile {
        &PersonField::ALL
    } else {
        &CONTACT_SOURCE_FIELDS
    };
    let mask = require_mask("readMask", q.get("readMask"), allowed)?;
    let page_size = q.page_size(100, 1000)?;
    let request_sync = q.bool("requestSyncToken")?;
    let mask_text = PersonField::mask(&sorted(&mask));
    let sources_text = sources.join(",");
    let sync_token = q.get("syncToken").filter(|s| !s.is_empty());
    let params = ListParams {
        kind: 'o',
        page_size,
        sort: "LAST_MODIFIED_ASCENDING",
        request_sync,
        sync_token,
        page_token: q.get("pageToken").filter(|s| !s.is_empty()),
        sync_hash: params_hash(&[&mask_text, &sources_text]),
        page_hash: params_hash(&[
            &mask_text,
            &sources_text,
            if request_sync { "1" } else { "0" },
            sync_token.unwrap_or(""),
        ]),
    };
    let out = list_book(ctx, acct.index, acct.seq, &acct.other, &params, &|_, e| {
        cap_items(render(&e.person, &mask, None))
    })?;
    let mut resp = Json::new();
    if !out.items.is_empty() {
        resp.insert("otherContacts".into(), Value::Array(out.items));
    }
    if let Some(t) = out.next_page_token {
        resp.insert("nextPageToken".into(), json!(t));
    }
    if let Some(t) = out.next_sync_token {
        resp.insert("nextSyncToken".into(), json!(t));
    }
    if !out.incremental {
        resp.insert("totalSize".into(), json!(acct.other.len()));
    }
    Ok(Value::Object(resp))
}

pub(super) fn search(_ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let mask = require_mask("readMask", q.get("readMask"), &SEARCH_FIELDS)?;
    let size = search_page_size(q)?;
    let query = q
        .get("query")
        .ok_or_else(|| ApiError::invalid_argument("query is required."))?;
    if query.trim().is_empty() {
        return Ok(json!({}));
    }
    let results: Vec<Value> = acct
        .other
        .entries
        .values()
        .filter(|e| prefix_phrase_match(&search_texts(&e.person), query))
        .take(size)
        .map(|e| json!({"person": render(&e.person, &mask, None)}))
        .collect();
    if results.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({ "results": results }))
}

pub(super) fn copy(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    body: &Json,
) -> Result<Value, ApiError> {
    let copy_mask = require_mask(
        "copyMask",
        body.get("copyMask").and_then(Value::as_str),
        &COPY_FIELDS,
    )?;
    let read = parse_mask(
        "readMask",
        body.get("readMask").and_then(Value::as_str),
        &PersonField::ALL,
    )?
    .unwrap_or_else(|| {
        let mut m = copy_mask.clone();
        m.extend([PersonField::Metadata, PersonField::Memberships]);
        m
    });
    let other = other_id(name)
        .and_then(|id| acct.other.get(id))
        .ok_or_else(ApiError::not_found)?;
    let copied: Json = copy_mask
        .iter()
        .filter_map(|f| Some((f.as_str().to_owned(), other.person.get(f.as_str())?.clone())))
        .collect();
    let id = acct.new_contact_id();
    let source = source_ref("CONTACT", &contact_source_id(id));
    let mut fields = Json::new();
    for (key, value) in copied {
        if let Value::Array(items) = value {
            fields.insert(
                key.clone(),
                Value::Array(normalize_items(&key, &items, &source)?),
            );
        }
    }
    let membership =
        json!({"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}});
    fields.insert(
        "memberships".into(),
        Value::Array(normalize_items("memberships", &[membership], &source)?),
    );
    acct.write_contact(id, fields, None, ctx.now, ctx.visible_at());
    let entry = acct.contacts.get(id).ok_or_else(ApiError::internal)?;
    Ok(render_contact(ctx, acct, id, entry, &read))
}
