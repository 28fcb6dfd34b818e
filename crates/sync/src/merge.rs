//! Three-way, field-by-field merge of a Person: base (last synced), ours (the client's edit), theirs (Google's).
//!
//! The three Persons must be in the same form (the engine passes each through the vCard mapping so
//! that Google's output-only decorations do not count as edits). Each updatable top-level field is
//! merged on its own:
//!
//! - changed on one side only → that side's value;
//! - changed on both sides to the same value → that value;
//! - changed on both sides differently → an overlap: the [`ConflictPolicy`] picks the winner, and
//!   the loser is kept: multi-valued fields take a three-way set merge (both sides' additions and
//!   removals apply, so the loser's new value stays as an extra value); single-valued fields keep
//!   the winner and record the loser's value in a `peopledav.conflict.<field>` clientData entry;
//!   `clientData` itself merges key by key.

use std::fmt;
use std::str::FromStr;

use people::{ClientData, Person, PersonField, SINGLETON_PERSON_FIELDS};
use serde_json::{Map, Value};
use vcard_map::REV_KEY;

/// The clientData key prefix under which a losing single value is kept.
pub const CONFLICT_KEY_PREFIX: &str = "peopledav.conflict.";

/// Who wins when both sides changed the same field differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictPolicy {
    /// The more recent write wins (the client's edit when Google gives no time).
    #[default]
    NewestWins,
    /// Google's value wins.
    GoogleWins,
    /// The client's value wins.
    ClientWins,
}

impl ConflictPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictPolicy::NewestWins => "newest-wins",
            ConflictPolicy::GoogleWins => "google-wins",
            ConflictPolicy::ClientWins => "client-wins",
        }
    }
}

impl fmt::Display for ConflictPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A conflict policy name that is not one of `newest-wins`, `google-wins`, `client-wins`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown conflict policy {0:?} (expected newest-wins, google-wins or client-wins)")]
pub struct UnknownPolicy(pub String);

impl FromStr for ConflictPolicy {
    type Err = UnknownPolicy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "newest-wins" | "newest" => Ok(ConflictPolicy::NewestWins),
            "google-wins" | "google" => Ok(ConflictPolicy::GoogleWins),
            "client-wins" | "client" => Ok(ConflictPolicy::ClientWins),
            other => Err(UnknownPolicy(other.to_owned())),
        }
    }
}

/// Which side's value won an overlapping edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Google,
}

/// One overlapping edit and how it was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    pub field: PersonField,
    pub winner: Side,
}

/// The merge result: `person` is Google's Person with the merged fields, `mask` the fields that
/// differ from Google's (the `updatePersonFields` of the update to send; empty = nothing to send).
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub person: Person,
    pub mask: Vec<PersonField>,
    pub conflicts: Vec<FieldConflict>,
}

/// When each side last wrote, in unix seconds, for [`ConflictPolicy::NewestWins`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteTimes {
    pub client: Option<i64>,
    pub google: Option<i64>,
}

fn winner(policy: ConflictPolicy, times: WriteTimes) -> Side {
    match policy {
        ConflictPolicy::GoogleWins => Side::Google,
        ConflictPolicy::ClientWins => Side::Client,
        ConflictPolicy::NewestWins => match (times.client, times.google) {
            (Some(c), Some(g)) if g > c => Side::Google,
            _ => Side::Client,
        },
    }
}

/// Keys Google fills in on output; they never count as an edit.
const OUTPUT_ONLY_KEYS: [&str; 6] = [
    "metadata",
    "formattedType",
    "formattedProtocol",
    "canonicalForm",
    "displayNameLastFirst",
    "contactGroupId",
];

/// A value with output-only keys removed (recursively), for comparisons.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !OUTPUT_ONLY_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(normalize)
                .filter(|v| !is_empty(v))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn to_map(person: &Person) -> Map<String, Value> {
    match serde_json::to_value(person) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn field_items(map: &Map<String, Value>, field: PersonField) -> Vec<Value> {
    match map.get(field.as_str()) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

/// Whether a clientData item is the card's `REV` ([`REV_KEY`]): bookkeeping that Google's update
/// time replaces on every write, so a difference in it alone is not an edit (pushing it would
/// only move Google's update time on again, and a lost answer to such a push could never be
/// recognised).
fn is_rev(item: &Value) -> bool {
    item.get("key").and_then(Value::as_str) == Some(REV_KEY)
}

fn same(a: &[Value], b: &[Value]) -> bool {
    let a = a.iter().filter(|v| !is_rev(v)).map(normalize);
    a.eq(b.iter().filter(|v| !is_rev(v)).map(normalize))
}

fn contains(list: &[Value], item: &Value) -> bool {
    let n = normalize(item);
    list.iter().any(|x| normalize(x) == n)
}

/// The updatable fields whose values differ between `base` and `ours`: the mask of a plain update.
pub fn changed_fields(base: &Person, ours: &Person) -> Vec<PersonField> {
    let (b, o) = (to_map(base), to_map(ours));
    PersonField::UPDATABLE
        .into_iter()
        .filter(|&f| !same(&field_items(&b, f), &field_items(&o, f)))
        .collect()
}

/// Three-way set merge: the winner's list, plus what the loser added, minus what the loser removed.
fn set_merge(base: &[Value], winner: &[Value], loser: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = winner
        .iter()
        .filter(|w| !contains(base, w) || contains(loser, w))
        .cloned()
        .collect();
    for l in loser {
        if !contains(base, l) && !contains(&out, l) {
            out.push(l.clone());
        }
    }
    out
}

/// Merges `clientData` key by key; an overlapping key keeps the winner's value and the loser's
/// under `peopledav.conflict.clientData.<key>`.
fn merge_client_data(base: &[Value], ours: &[Value], theirs: &[Value], win: Side) -> Vec<Value> {
    fn entries(list: &[Value]) -> Vec<(String, Value)> {
        list.iter()
            .filter_map(|v| {
                let key = v.get("key")?.as_str()?.to_owned();
                Some((key, v.clone()))
            })
            .collect()
    }
    fn get<'a>(list: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    let (b, o, t) = (entries(base), entries(ours), entries(theirs));
    let mut keys: Vec<String> = Vec::new();
    for (k, _) in o.iter().chain(t.iter()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let norm = |v: Option<&Value>| v.map(normalize);
    let mut out = Vec::new();
    for key in keys {
        let (bv, ov, tv) = (get(&b, &key), get(&o, &key), get(&t, &key));
        let chosen = if norm(ov) == norm(bv) || key == REV_KEY {
            // the revision stamp follows Google (see is_rev), never a conflict
            tv.cloned()
        } else if norm(tv) == norm(bv) || norm(tv) == norm(ov) {
            ov.cloned()
        } else {
            let (w, l) = match win {
                Side::Client => (ov, tv),
                Side::Google => (tv, ov),
            };
            if let Some(lv) = l.and_then(|l| l.get("value")).and_then(Value::as_str) {
                out.push(client_data_value(
                    &format!("{CONFLICT_KEY_PREFIX}clientData.{key}"),
                    lv,
                ));
            }
            w.cloned()
        };
        out.extend(chosen);
    }
    out
}

fn client_data_value(key: &str, value: &str) -> Value {
    serde_json::to_value(ClientData {
        key: Some(key.to_owned()),
        value: Some(value.to_owned()),
        ..ClientData::default()
    })
    .unwrap_or(Value::Null)
}

/// Merges `ours` into `theirs` against `base`. See the module documentation for the rules.
pub fn merge(
    base: &Person,
    ours: &Person,
    theirs: &Person,
    policy: ConflictPolicy,
    times: WriteTimes,
) -> Merged {
    let (b, o, t) = (to_map(base), to_map(ours), to_map(theirs));
    let mut result = t.clone();
    let mut conflicts = Vec::new();
    let mut kept: Vec<Value> = Vec::new();
    let win = winner(policy, times);
    for field in PersonField::UPDATABLE {
        let (bv, ov, tv) = (
            field_items(&b, field),
            field_items(&o, field),
            field_items(&t, field),
        );
        let merged = if same(&ov, &bv) {
            continue;
        } else if same(&tv, &bv) || same(&tv, &ov) {
            ov
        } else if field == PersonField::ClientData {
            merge_client_data(&bv, &ov, &tv, win)
        } else {
            conflicts.push(FieldConflict { field, winner: win });
            let (w, l) = match win {
                Side::Client => (ov, tv),
                Side::Google => (tv, ov),
            };
            if SINGLETON_PERSON_FIELDS.contains(&field) {
                if !l.is_empty() {
                    let lost = Value::Array(l.iter().map(normalize).collect());
                    kept.push(client_data_value(
                        &format!("{CONFLICT_KEY_PREFIX}{}", field.as_str()),
                        &lost.to_string(),
                    ));
                }
                w
            } else {
                set_merge(&bv, &w, &l)
            }
        };
        if merged.is_empty() {
            result.remove(field.as_str());
        } else {
            result.insert(field.as_str().to_owned(), Value::Array(merged));
        }
    }
    if !kept.is_empty() {
        let mut data = field_items(&result, PersonField::ClientData);
        for k in kept {
            let key = k.get("key").cloned();
            data.retain(|d| d.get("key") != key.as_ref());
            data.push(k);
        }
        result.insert(
            PersonField::ClientData.as_str().to_owned(),
            Value::Array(data),
        );
    }
    let mask = PersonField::UPDATABLE
        .into_iter()
        .filter(|&f| !same(&field_items(&result, f), &field_items(&t, f)))
        .collect();
    let person = serde_json::from_value(Value::Object(result)).unwrap_or_else(|_| theirs.clone());
    Merged {
        person,
        mask,
        conflicts,
    }
}

#[cfg(test)]
mod tests;
