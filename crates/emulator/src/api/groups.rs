//! contactGroups.* methods: list (with sync tokens), get, batchGet, create, update, delete,
//! members.modify.

use serde_json::{Value, json};

use super::{Ctx, Query, empty};
use crate::error::ApiError;
use crate::person::Json;
use crate::state::{ADDABLE_SYSTEM_GROUPS, Account, Group, parse_contact_name, rfc3339};
use crate::tokens::{PageToken, SyncToken, params_hash};

/// Which group fields a response carries.
#[derive(Debug, Clone, Copy, Default)]
struct GroupFields {
    client_data: bool,
    group_type: bool,
    member_count: bool,
    metadata: bool,
    name: bool,
}

impl GroupFields {
    fn parse(
        param: &str,
        value: Option<&str>,
        default: &str,
        valid: &[&str],
    ) -> Result<GroupFields, ApiError> {
        let value = value.filter(|v| !v.trim().is_empty()).unwrap_or(default);
        let mut f = GroupFields::default();
        for path in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bare = path.strip_prefix("contactGroup.").unwrap_or(path);
            if !valid.contains(&bare) && bare != "resourceName" {
                return Err(ApiError::invalid_argument(format!(
                    "Invalid {param} mask path: \"{path}\". Valid paths are: {}.",
                    valid.join(", ")
                )));
            }
            match bare {
                "clientData" => f.client_data = true,
                "groupType" => f.group_type = true,
                "memberCount" => f.member_count = true,
                "metadata" => f.metadata = true,
                "name" => f.name = true,
                _ => {}
            }
        }
        Ok(f)
    }

    fn read(q: &Query) -> Result<GroupFields, ApiError> {
        GroupFields::parse(
            "groupFields",
            q.get("groupFields"),
            "metadata,groupType,memberCount,name",
            &["clientData", "groupType", "memberCount", "metadata", "name"],
        )
    }

    fn all() -> GroupFields {
        GroupFields {
            client_data: true,
            group_type: true,
            member_count: true,
            metadata: true,
            name: true,
        }
    }
}

fn render_group(acct: &Account, g: &Group, f: GroupFields, max_members: usize) -> Value {
    let mut out = Json::new();
    out.insert(
        "resourceName".into(),
        json!(format!("contactGroups/{}", g.id)),
    );
    if !g.system {
        out.insert("etag".into(), json!(g.etag));
        if f.metadata {
            out.insert(
                "metadata".into(),
                json!({"updateTime": rfc3339(g.update_time)}),
            );
        }
    }
    if f.group_type {
        let t = if g.system {
            "SYSTEM_CONTACT_GROUP"
        } else {
            "USER_CONTACT_GROUP"
        };
        out.insert("groupType".into(), json!(t));
    }
    if f.name {
        out.insert("name".into(), json!(g.name));
        out.insert("formattedName".into(), json!(g.formatted_name));
    }
    if f.client_data && !g.client_data.is_empty() {
        out.insert("clientData".into(), Value::Array(g.client_data.clone()));
    }
    let count = acct.member_count(g);
    if max_members > 0 {
        let members: Vec<Value> = if g.id == "all" {
            acct.contacts
                .entries
                .keys()
                .take(max_members)
                .map(|id| json!(format!("people/c{id}")))
                .collect()
        } else {
            g.members
                .iter()
                .take(max_members)
                .map(|id| json!(format!("people/c{id}")))
                .collect()
        };
        if !members.is_empty() {
            out.insert("memberResourceNames".into(), Value::Array(members));
        }
    }
    if f.member_count && count > 0 {
        out.insert("memberCount".into(), json!(count));
    }
    Value::Object(out)
}

/// Every group with every field, for [`crate::Emulator::groups`].
pub(crate) fn all_groups(acct: &Account) -> Vec<Value> {
    ordered(acct)
        .into_iter()
        .map(|g| render_group(acct, g, GroupFields::all(), usize::MAX))
        .collect()
}

fn ordered(acct: &Account) -> Vec<&Group> {
    let mut groups: Vec<&Group> = acct.groups.values().collect();
    groups.sort_by_key(|g| g.order);
    groups
}

fn group_id(name: &str) -> &str {
    name.strip_prefix("contactGroups/").unwrap_or(name)
}

fn max_members(q: &Query) -> Result<usize, ApiError> {
    match q.int("maxMembers")? {
        None => Ok(0),
        Some(n) if n < 0 => Err(ApiError::invalid_argument(format!(
            "Invalid maxMembers {n}: it must not be negative."
        ))),
        Some(n) => Ok(n as usize),
    }
}

pub(super) fn list(ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let fields = GroupFields::read(q)?;
    let page_size = q.page_size(30, 1000)?;
    let hash = params_hash(&[q.get("groupFields").unwrap_or("")]);
    let sync = q
        .get("syncToken")
        .filter(|s| !s.is_empty())
        .map(SyncToken::decode)
        .transpose()?;
    if let Some(st) = &sync
        && (st.kind != 'g' || st.account != acct.index)
    {
        return Err(ApiError::bad_request());
    }
    let after = sync.map_or(0, |s| s.seq);
    let offset = match q.get("pageToken").filter(|s| !s.is_empty()) {
        Some(t) => {
            let pt = PageToken::decode(t)?;
            if pt.kind != 'g' || pt.account != acct.index || pt.base != sync.map(|s| s.seq) {
                return Err(ApiError::bad_request());
            }
            pt.pos as usize
        }
        None => 0,
    };
    let mut items: Vec<Value> = Vec::new();
    for g in ordered(acct) {
        if sync.is_none() || g.seq > after {
            items.push(render_group(acct, g, fields, 0));
        }
    }
    if sync.is_some() {
        for (id, (seq, etag)) in &acct.deleted_groups {
            if *seq > after {
                items.push(json!({
                    "resourceName": format!("contactGroups/{id}"),
                    "etag": etag,
                    "metadata": {"deleted": true},
                }));
            }
        }
    }
    let total = acct.groups.len();
    let page: Vec<Value> = items.iter().skip(offset).take(page_size).cloned().collect();
    let mut resp = Json::new();
    let more = offset + page.len() < items.len();
    if !page.is_empty() {
        resp.insert("contactGroups".into(), Value::Array(page));
    }
    resp.insert("totalItems".into(), json!(total));
    if more {
        let token = PageToken {
            kind: 'g',
            account: acct.index,
            pos: (offset + page_size) as u64,
            horizon: acct.seq,
            base: sync.map(|s| s.seq),
            full_sync_at: ctx.now,
            params: hash,
        };
        resp.insert("nextPageToken".into(), json!(token.encode()));
    }
    let token = SyncToken {
        kind: 'g',
        account: acct.index,
        seq: acct.seq,
        full_sync_at: ctx.now,
        params: hash,
    };
    resp.insert("nextSyncToken".into(), json!(token.encode()));
    Ok(Value::Object(resp))
}

pub(super) fn get(
    _ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    q: &Query,
) -> Result<Value, ApiError> {
    let fields = GroupFields::read(q)?;
    let max = max_members(q)?;
    let g = acct
        .groups
        .get(group_id(name))
        .ok_or_else(ApiError::not_found)?;
    Ok(render_group(acct, g, fields, max))
}

pub(super) fn batch_get(_ctx: &Ctx, acct: &mut Account, q: &Query) -> Result<Value, ApiError> {
    let fields = GroupFields::read(q)?;
    let max = max_members(q)?;
    let names: Vec<&str> = q.all("resourceNames");
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
        .map(|name| match acct.groups.get(group_id(name)) {
            Some(g) => json!({
                "requestedResourceName": name,
                "status": {},
                "contactGroup": render_group(acct, g, fields, max),
            }),
            None => json!({
                "requestedResourceName": name,
                "status": {"code": 5, "message": "Requested entity was not found."},
            }),
        })
        .collect();
    Ok(json!({ "responses": responses }))
}

fn duplicate_name(name: &str) -> ApiError {
    ApiError::already_exists(format!("Contact group name {name:?} already exists."))
}

fn client_data_of(group: &Json) -> Vec<Value> {
    group
        .get("clientData")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn read_group_fields(body: &Json, valid: &[&str]) -> Result<GroupFields, ApiError> {
    GroupFields::parse(
        "readGroupFields",
        body.get("readGroupFields").and_then(Value::as_str),
        "metadata,groupType,name",
        valid,
    )
}

pub(super) fn create(ctx: &Ctx, acct: &mut Account, body: &Json) -> Result<Value, ApiError> {
    let fields = read_group_fields(body, &["clientData", "groupType", "metadata", "name"])?;
    let Some(Value::Object(group)) = body.get("contactGroup") else {
        return Err(ApiError::invalid_argument("contactGroup is required."));
    };
    let name = group
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::invalid_argument("contactGroup.name is required."))?;
    if acct.group_by_name(name).is_some() {
        return Err(duplicate_name(name));
    }
    let id = acct.create_group(name, client_data_of(group), ctx.now);
    let g = acct.groups.get(&id).ok_or_else(ApiError::internal)?;
    Ok(render_group(acct, g, fields, 0))
}

pub(super) fn update(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    body: &Json,
) -> Result<Value, ApiError> {
    let fields = read_group_fields(
        body,
        &["clientData", "groupType", "memberCount", "metadata", "name"],
    )?;
    let update = GroupFields::parse(
        "updateGroupFields",
        body.get("updateGroupFields").and_then(Value::as_str),
        "name",
        &["clientData", "name"],
    )?;
    let Some(Value::Object(group)) = body.get("contactGroup") else {
        return Err(ApiError::invalid_argument("contactGroup is required."));
    };
    let id = group_id(name).to_owned();
    let current = acct.groups.get(&id).ok_or_else(ApiError::not_found)?;
    if current.system {
        return Err(ApiError::failed_precondition(format!(
            "Cannot update the system contact group {name}."
        )));
    }
    if let Some(etag) = group.get("etag").and_then(Value::as_str)
        && !etag.is_empty()
        && etag != current.etag
    {
        return Err(ApiError::failed_precondition(
            "Request contactGroup.etag is different than the current contactGroup.etag. Clear local cache and get the latest contact group.",
        ));
    }
    let new_name = if update.name {
        let n = group
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ApiError::invalid_argument("contactGroup.name is required."))?;
        if acct.group_by_name(n).is_some_and(|g| g.id != id) {
            return Err(duplicate_name(n));
        }
        Some(n.to_owned())
    } else {
        None
    };
    let seq = acct.next_seq();
    let etag = acct.group_etag();
    let g = acct.groups.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if let Some(n) = new_name {
        g.formatted_name = n.clone();
        g.name = n;
    }
    if update.client_data {
        g.client_data = client_data_of(group);
    }
    g.seq = seq;
    g.etag = etag;
    g.update_time = ctx.now;
    let g = acct.groups.get(&id).ok_or_else(ApiError::internal)?;
    Ok(render_group(acct, g, fields, 0))
}

pub(super) fn delete(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    q: &Query,
) -> Result<Value, ApiError> {
    let delete_contacts = q.bool("deleteContacts")?;
    let id = group_id(name).to_owned();
    let g = acct.groups.get(&id).ok_or_else(ApiError::not_found)?;
    if g.system {
        return Err(ApiError::failed_precondition(format!(
            "Cannot delete the system contact group {name}."
        )));
    }
    let members: Vec<u64> = g.members.iter().copied().collect();
    let visible_at = ctx.visible_at();
    for m in members {
        if delete_contacts {
            acct.delete_contact(m, visible_at);
        } else if let Some(entry) = acct.contacts.get(m) {
            let remaining: Vec<String> =
                entry.groups.iter().filter(|g| **g != id).cloned().collect();
            acct.set_memberships(m, &remaining, ctx.now, visible_at);
        }
    }
    let seq = acct.next_seq();
    if let Some(g) = acct.groups.remove(&id) {
        acct.deleted_groups.insert(id, (seq, g.etag));
    }
    Ok(empty())
}

pub(super) fn modify_members(
    ctx: &Ctx,
    acct: &mut Account,
    name: &str,
    body: &Json,
) -> Result<Value, ApiError> {
    let list = |key: &str| -> Vec<String> {
        body.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let to_add = list("resourceNamesToAdd");
    let to_remove = list("resourceNamesToRemove");
    if to_add.len() + to_remove.len() > 1000 {
        return Err(ApiError::invalid_argument(format!(
            "Too many changes: {} resource names to add and remove, at most 1000 are allowed.",
            to_add.len() + to_remove.len()
        )));
    }
    let id = group_id(name).to_owned();
    let g = acct.groups.get(&id).ok_or_else(ApiError::not_found)?;
    if !to_add.is_empty() && g.system && !ADDABLE_SYSTEM_GROUPS.contains(&id.as_str()) {
        return Err(ApiError::failed_precondition(format!(
            "Cannot add contacts to the system contact group {name}; only contactGroups/myContacts and contactGroups/starred accept new members."
        )));
    }
    let mut not_found = Vec::new();
    let mut last_group = Vec::new();
    let visible_at = ctx.visible_at();
    for rn in &to_add {
        let Some(cid) = parse_contact_name(rn).filter(|c| acct.contacts.get(*c).is_some()) else {
            not_found.push(json!(rn));
            continue;
        };
        let groups = acct
            .contacts
            .get(cid)
            .map(|e| e.groups.clone())
            .unwrap_or_default();
        if !groups.contains(&id) {
            let mut new = groups;
            new.push(id.clone());
            acct.set_memberships(cid, &new, ctx.now, visible_at);
        }
    }
    for rn in &to_remove {
        let Some(cid) = parse_contact_name(rn).filter(|c| acct.contacts.get(*c).is_some()) else {
            not_found.push(json!(rn));
            continue;
        };
        let groups = acct
            .contacts
            .get(cid)
            .map(|e| e.groups.clone())
            .unwrap_or_default();
        if groups.contains(&id) {
            if groups.len() == 1 {
                last_group.push(json!(rn));
                continue;
            }
            let new: Vec<String> = groups.into_iter().filter(|g| *g != id).collect();
            acct.set_memberships(cid, &new, ctx.now, visible_at);
        }
    }
    let mut resp = Json::new();
    if !not_found.is_empty() {
        resp.insert("notFoundResourceNames".into(), Value::Array(not_found));
    }
    if !last_group.is_empty() {
        resp.insert(
            "canNotRemoveLastContactGroupResourceNames".into(),
            Value::Array(last_group),
        );
    }
    Ok(Value::Object(resp))
}
