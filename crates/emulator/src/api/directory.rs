//! people.listDirectoryPeople and people.searchDirectoryPeople, for Workspace accounts only.

use people::PersonField;
use serde_json::{Value, json};

use super::people::{ListParams, list_book, sorted};
use super::{Ctx, Query};
use crate::error::ApiError;
use crate::person::{Json, prefix_phrase_match, render, require_mask, search_texts};
use crate::state::Account;
use crate::tokens::{PageToken, params_hash};

const DIRECTORY_SOURCES: [&str; 2] = [
    "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT",
    "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE",
];

/// Checks the account and the `sources` / `mergeSources` parameters.
fn check(acct: &Account, q: &Query) -> Result<String, ApiError> {
    if acct.config.workspace_domain.is_none() {
        return Err(ApiError::not_workspace());
    }
    let sources = q.all("sources");
    if sources.is_empty() {
        return Err(ApiError::invalid_argument(
            "sources is required: DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT and/or DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE.",
        ));
    }
    if let Some(bad) = sources.iter().find(|s| !DIRECTORY_SOURCES.contains(s)) {
        return Err(ApiError::invalid_argument(format!(
            "Invalid value at 'sources' (type.googleapis.com/google.people.v1.DirectorySourceType), \"{bad}\""
        )));
    }
    if let Some(bad) = q
        .all("mergeSources")
        .into_iter()
        .find(|s| *s != "DIRECTORY_MERGE_SOURCE_TYPE_CONTACT")
    {
        return Err(ApiError::invalid_argument(format!(
            "Invalid value at 'merge_sources' (type.googleapis.com/google.people.v1.DirectoryMergeSourceType), \"{bad}\""
        )));
    }
    let mut s = sources.clone();
    s.sort_unstable();
    Ok(s.join(","))
}

pub(super) fn list(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let sources_text = check(acct, q)?;
    let mask = require_mask("readMask", q.get("readMask"), &PersonField::ALL)?;
    let page_size = q.page_size(100, 1000)?;
    let request_sync = q.bool("requestSyncToken")?;
    let mask_text = PersonField::mask(&sorted(&mask));
    let sync_token = q.get("syncToken").filter(|s| !s.is_empty());
    let params = ListParams {
        kind: 'd',
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
    let out = list_book(
        ctx,
        acct.index,
        acct.seq,
        &acct.directory,
        &params,
        &|_, e| render(&e.person, &mask, None),
    )?;
    let mut resp = Json::new();
    if !out.items.is_empty() {
        resp.insert("people".into(), Value::Array(out.items));
    }
    if let Some(t) = out.next_page_token {
        resp.insert("nextPageToken".into(), json!(t));
    }
    if let Some(t) = out.next_sync_token {
        resp.insert("nextSyncToken".into(), json!(t));
    }
    Ok(Value::Object(resp))
}

pub(super) fn search(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let sources_text = check(acct, q)?;
    let mask = require_mask("readMask", q.get("readMask"), &PersonField::ALL)?;
    let page_size = q.page_size(100, 500)?;
    let query = q
        .get("query")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_argument("query is required."))?;
    let hash = params_hash(&[&PersonField::mask(&sorted(&mask)), &sources_text, query]);
    let offset = match q.get("pageToken").filter(|s| !s.is_empty()) {
        Some(t) => {
            let pt = PageToken::decode(t)?;
            if pt.kind != 's' || pt.account != acct.index || pt.params != hash {
                return Err(ApiError::invalid_argument(
                    "Request parameters must match the first request of this page token sequence.",
                ));
            }
            pt.pos as usize
        }
        None => 0,
    };
    let matches: Vec<&Json> = acct
        .directory
        .entries
        .values()
        .map(|e| &e.person)
        .filter(|p| prefix_phrase_match(&search_texts(p), query))
        .collect();
    let page: Vec<Value> = matches
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|p| render(p, &mask, None))
        .collect();
    let mut resp = Json::new();
    let more = offset + page.len() < matches.len();
    if !page.is_empty() {
        resp.insert("people".into(), Value::Array(page));
    }
    if more {
        let token = PageToken {
            kind: 's',
            account: acct.index,
            pos: (offset + page_size) as u64,
            horizon: acct.seq,
            base: None,
            full_sync_at: ctx.now,
            params: hash,
        };
        resp.insert("nextPageToken".into(), json!(token.encode()));
    }
    resp.insert("totalSize".into(), json!(matches.len()));
    Ok(Value::Object(resp))
}
