//! Replays the captured People API requests against the emulator and checks that each response
//! has the status and the shape (the same keys with the same JSON types) of Google's response.
//!
//! The emulator is seeded with the persons of the captured full listing, so ids match. Ids and
//! etags that Google made up during the capture (new contacts and groups, etags after a write) are
//! mapped to the emulator's as the responses come in, and substituted into later requests.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use emulator::{EmulatorConfig, Seed};
use serde_json::Value;

struct Http {
    method: String,
    target: String,
    status: u16,
    body: Option<Value>,
}

/// Splits a captured request or response into its first line, status and JSON body.
fn parse(path: &Path) -> Http {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let first = head.lines().next().unwrap();
    let mut parts = first.splitn(3, ' ');
    let (a, b) = (parts.next().unwrap(), parts.next().unwrap());
    let body = body.trim();
    Http {
        method: a.to_owned(),
        target: b
            .trim_start_matches("https://people.googleapis.com/")
            .to_owned(),
        status: b.parse().unwrap_or(0),
        body: (!body.is_empty()).then(|| {
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }),
    }
}

/// Keys whose values differ from Google's because the data differ, not the shape: `memberCount`
/// appears in Google's create-group response although its readGroupFields did not ask for it
/// (the emulator follows the mask), and `coverPhotos` is a profile field the emulator does not make up.
const DATA_DEPENDENT: [&str; 2] = ["memberCount", "coverPhotos"];

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `sample` must be in `got` with the same type; arrays compare item by item.
fn same_shape(sample: &Value, got: &Value, path: &str, problems: &mut Vec<String>) {
    if type_name(sample) != type_name(got) {
        problems.push(format!(
            "{path}: {} in the sample, {} from the emulator",
            type_name(sample),
            type_name(got)
        ));
        return;
    }
    match (sample, got) {
        (Value::Object(s), Value::Object(g)) => {
            for (k, sv) in s {
                if DATA_DEPENDENT.contains(&k.as_str()) {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => same_shape(sv, gv, &format!("{path}.{k}"), problems),
                    None => {
                        problems.push(format!("{path}.{k}: missing from the emulator's response"))
                    }
                }
            }
        }
        (Value::Array(s), Value::Array(g)) => {
            for (i, sv) in s.iter().enumerate() {
                if let Some(gv) = counterpart(sv, g, i) {
                    same_shape(sv, gv, &format!("{path}[{i}]"), problems);
                }
            }
        }
        _ => {}
    }
}

/// The emulator's item to compare with the sample's item `i`: the one with the same resource
/// name, else the first of the same `groupType` (a user group of other data), else the same index.
fn counterpart<'a>(sample: &Value, got: &'a [Value], i: usize) -> Option<&'a Value> {
    let by = |key: &str| {
        let want = sample.get(key)?;
        got.iter().find(|g| g.get(key) == Some(want))
    };
    by("resourceName")
        .or_else(|| by("groupType"))
        .or_else(|| got.get(i))
}

/// Records which of Google's ids and etags the emulator's are, walking both bodies in parallel.
fn learn(sample: &Value, got: &Value, map: &mut BTreeMap<String, String>) {
    match (sample, got) {
        (Value::Object(s), Value::Object(g)) => {
            for (k, sv) in s {
                let Some(gv) = g.get(k) else { continue };
                if matches!(k.as_str(), "etag" | "resourceName" | "id")
                    && let (Some(a), Some(b)) = (sv.as_str(), gv.as_str())
                    && a != b
                {
                    map.insert(a.to_owned(), b.to_owned());
                    if let (Some(x), Some(y)) = (
                        a.strip_prefix("contactGroups/"),
                        b.strip_prefix("contactGroups/"),
                    ) {
                        map.insert(x.to_owned(), y.to_owned());
                    }
                }
                learn(sv, gv, map);
            }
        }
        (Value::Array(s), Value::Array(g)) => {
            for (i, a) in s.iter().enumerate() {
                if let Some(b) = counterpart(a, g, i) {
                    learn(a, b, map);
                }
            }
        }
        _ => {}
    }
}

fn substitute(text: &str, map: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    // Longest first, so a resource name wins over the bare id inside it.
    let mut pairs: Vec<_> = map.iter().collect();
    pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    for (from, to) in pairs {
        out = out.replace(from.as_str(), to);
    }
    out
}

/// The replay order: reads of seeded data, group creates, writes (the captured person updates
/// add a membership of a created group), then the deletes.
const ORDER: [&str; 22] = [
    "connections_initial_fetch",
    "person1_fetch",
    "person2_fetch",
    "contactgroup1_fetch",
    "contactgroup2_create",
    "contactgroup3_create",
    "contactgroup_list_fetch",
    "contactgroup2_fetch",
    "contactgroup2_modify",
    "contactgroup3_modify",
    "person1_modify",
    "person2_modify",
    "person1_photo_update",
    "person2_photo_update",
    "person1_photo_delete",
    "person2_photo_delete",
    "contactgroup2_delete",
    "contactgroup3_delete",
    "person1_create",
    "person2_create",
    "person1_delete",
    "person2_delete",
];

/// Follow-up page requests carry Google's page tokens, which mean nothing to the emulator; the
/// paging itself is covered in people.rs.
const NOT_REPLAYED: [&str; 2] = [
    "connections_partial_followup_fetch",
    "contactgroup_list_fetch_followup",
];

#[tokio::test]
async fn captured_requests_get_responses_of_the_captured_shape() {
    let Some(shared) = testkit::shared_dir() else {
        return;
    };
    let dir = shared.join("reference/people-api-samples/kde-libkgapi");
    let full = parse(&dir.join("connections_full_fetch_response.txt"))
        .body
        .unwrap();
    let persons: Vec<people::Person> = serde_json::from_value(full["connections"].clone()).unwrap();
    assert!(!persons.is_empty());
    let r = common::rig(EmulatorConfig {
        seed: Seed::Persons(persons),
        ..EmulatorConfig::default()
    })
    .await;

    // Every captured request is either replayed or deliberately left out.
    let mut listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            e.unwrap()
                .file_name()
                .to_str()?
                .strip_suffix("_request.txt")
                .map(str::to_owned)
        })
        .collect();
    listed.sort();
    let mut known: Vec<String> = ORDER
        .iter()
        .chain(&NOT_REPLAYED)
        .map(|s| (*s).to_owned())
        .collect();
    known.sort();
    assert_eq!(
        listed, known,
        "a captured request is neither replayed nor excluded"
    );

    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    for name in ORDER {
        let req = parse(&dir.join(format!("{name}_request.txt")));
        // The listings fit one page in the emulator, so they compare with Google's one-page answers.
        let response = match name {
            "connections_initial_fetch" => "connections_full_fetch".to_owned(),
            "contactgroup_list_fetch" => "contactgroup_list_fetch_full".to_owned(),
            other => other.to_owned(),
        };
        let expected = parse(&dir.join(format!("{response}_response.txt")));
        let target = substitute(&req.target, &map);
        let body = req
            .body
            .as_ref()
            .map(|b| serde_json::from_str::<Value>(&substitute(&b.to_string(), &map)).unwrap());
        let (status, got) = r.send(&req.method, &target, body.as_ref()).await;
        if status != expected.status {
            problems.push(format!(
                "{name}: status {status}, Google answered {}: {got}",
                expected.status
            ));
            continue;
        }
        let sample = expected.body.unwrap_or(Value::Object(Default::default()));
        let got = if got.is_null() {
            Value::Object(Default::default())
        } else {
            got
        };
        same_shape(&sample, &got, name, &mut problems);
        learn(&sample, &got, &mut map);
    }
    assert!(
        problems.is_empty(),
        "shape differences:\n{}",
        problems.join("\n")
    );
}
