//! Every JSON body captured from the live People API deserializes into its type and serializes back
//! to the same JSON, field for field.

use std::path::Path;

use people::{
    ContactGroup, CreateContactGroupRequest, ListConnectionsResponse, ListContactGroupsResponse,
    Person, UpdateContactGroupRequest, UpdateContactPhotoRequest, UpdateContactPhotoResponse,
};
use serde_json::Value;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &Value) -> Value {
    let typed: T = serde_json::from_value(json.clone()).expect("deserializes");
    serde_json::to_value(&typed).expect("serializes")
}

/// Re-serializes `json` through the type its top-level keys say it is.
fn through_type(json: &Value) -> Option<(&'static str, Value)> {
    let obj = json.as_object()?;
    let has = |k: &str| obj.contains_key(k);
    let resource = obj
        .get("resourceName")
        .and_then(Value::as_str)
        .unwrap_or("");
    Some(if has("connections") {
        (
            "ListConnectionsResponse",
            round_trip::<ListConnectionsResponse>(json),
        )
    } else if has("contactGroups") {
        (
            "ListContactGroupsResponse",
            round_trip::<ListContactGroupsResponse>(json),
        )
    } else if has("person") {
        (
            "UpdateContactPhotoResponse",
            round_trip::<UpdateContactPhotoResponse>(json),
        )
    } else if has("photoBytes") {
        (
            "UpdateContactPhotoRequest",
            round_trip::<UpdateContactPhotoRequest>(json),
        )
    } else if has("updateGroupFields") {
        (
            "UpdateContactGroupRequest",
            round_trip::<UpdateContactGroupRequest>(json),
        )
    } else if has("contactGroup") {
        (
            "CreateContactGroupRequest",
            round_trip::<CreateContactGroupRequest>(json),
        )
    } else if resource.starts_with("contactGroups/") || has("groupType") {
        ("ContactGroup", round_trip::<ContactGroup>(json))
    } else if resource.starts_with("people/") || has("names") || has("metadata") {
        ("Person", round_trip::<Person>(json))
    } else {
        return None;
    })
}

fn body_of(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let body = if path.extension().is_some_and(|e| e == "txt") {
        testkit::http_body(&text)
    } else {
        &text
    };
    let body = body.trim();
    (!body.is_empty())
        .then(|| serde_json::from_str(body).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn every_captured_body_round_trips_without_losing_a_field() {
    let Some(shared) = testkit::shared_dir() else {
        return;
    };
    let samples = shared.join("reference/people-api-samples");
    let mut checked = 0;
    for dir in ["kde-libkgapi", "other"] {
        for entry in std::fs::read_dir(samples.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "txt")
            ) {
                continue;
            }
            let Some(mut json) = body_of(&path) else {
                continue;
            };
            // Provenance notes added by whoever collected the sample are not API data.
            if let Some(obj) = json.as_object_mut() {
                obj.retain(|k, _| !k.starts_with('_'));
                if let Some(inner) = obj.remove("response") {
                    json = inner;
                }
            }
            let (ty, back) = through_type(&json)
                .unwrap_or_else(|| panic!("{}: no type for this body", path.display()));
            assert_eq!(back, json, "{} through {ty} changed", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} bodies found");
}
