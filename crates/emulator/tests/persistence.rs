//! The state file: what one emulator saves, the next one started on the same file serves.

mod common;

use std::time::Duration;

use common::{base64_encode, etag_of, name_of, png, rig};
use emulator::{Emulator, EmulatorConfig, EmulatorErrorKind, Seed};
use serde_json::{Value, json};

fn config(path: &std::path::Path) -> EmulatorConfig {
    EmulatorConfig {
        seed: Seed::Count(5),
        state_file: Some(path.to_owned()),
        ..EmulatorConfig::default()
    }
}

/// Persons without the photo URLs' host (a restarted emulator listens on another port).
fn comparable(persons: Vec<people::Person>) -> Value {
    let text = serde_json::to_string(&persons).unwrap();
    let re_host = |s: &str| {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("http://") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 7..];
            let end = after.find('/').unwrap_or(after.len());
            out.push_str("http://HOST");
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    };
    serde_json::from_str(&re_host(&text)).unwrap()
}

#[tokio::test]
async fn a_restarted_emulator_serves_the_saved_persons_groups_etags_photos_and_sync_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let r = rig(config(&path)).await;
    assert!(path.exists(), "a new state file is written at once");

    // A full sync whose token must survive the restart.
    let first = r
        .get_ok("v1/people/me/connections?personFields=names&requestSyncToken=true")
        .await;
    let token = first["nextSyncToken"].as_str().unwrap().to_owned();

    let created = r.create("Persisted").await;
    let gone = r.create("Deleted").await;
    r.delete_ok(&format!("v1/{}:deleteContact", name_of(&gone)))
        .await;
    let group = r
        .ok(
            "POST",
            "v1/contactGroups",
            Some(&json!({"contactGroup": {"name": "Saved group"}})),
        )
        .await;
    r.ok(
        "POST",
        &format!("v1/{}/members:modify", name_of(&group)),
        Some(&json!({"resourceNamesToAdd": [name_of(&created)]})),
    )
    .await;
    let photo = r
        .ok(
            "PATCH",
            &format!("v1/{}:updateContactPhoto", name_of(&created)),
            Some(&json!({"photoBytes": base64_encode(&png()), "personFields": "photos"})),
        )
        .await;
    let photo_path = photo["person"]["photos"][0]["url"]
        .as_str()
        .unwrap()
        .split_once("/contacts/")
        .unwrap()
        .1
        .to_owned();
    r.emulator().advance(Duration::from_secs(3600));

    let persons = comparable(r.emulator().persons("emulator"));
    let groups = serde_json::to_value(r.emulator().groups("emulator")).unwrap();
    drop(r); // stopping saves what the debounce has not written yet

    let r = rig(config(&path)).await;
    assert_eq!(comparable(r.emulator().persons("emulator")), persons);
    assert_eq!(
        serde_json::to_value(r.emulator().groups("emulator")).unwrap(),
        groups
    );
    let again = r
        .get_ok(&format!("v1/{}?personFields=names", name_of(&created)))
        .await;
    assert_ne!(
        etag_of(&again),
        etag_of(&created),
        "the photo and membership changed the etag"
    );
    let listed: Vec<Value> = serde_json::from_value(json!(persons)).unwrap();
    let saved_etag = listed
        .iter()
        .find(|p| p["resourceName"] == json!(name_of(&created)))
        .unwrap()["etag"]
        .clone();
    assert_eq!(again["etag"], saved_etag);

    // The photo is still served.
    let bytes = r
        .http
        .get(r.url(&format!("contacts/{photo_path}")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), png().as_slice());

    // The pre-restart sync token still works and sees the changes made before the restart.
    let delta_path = format!(
        "v1/people/me/connections?personFields=names&requestSyncToken=true&syncToken={}",
        common::enc(&token)
    );
    let delta = r.get_ok(&delta_path).await;
    let names: Vec<&str> = delta["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["resourceName"].as_str().unwrap())
        .collect();
    assert!(names.contains(&name_of(&created).as_str()));
    let tomb = delta["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["resourceName"] == json!(name_of(&gone)))
        .unwrap();
    assert_eq!(tomb["metadata"]["deleted"], json!(true));

    // The saved clock resumed: 7 days after the full sync (1 h already passed) the token expires.
    r.emulator().advance(Duration::from_secs(7 * 24 * 3600));
    let (status, body) = r.get(&delta_path).await;
    assert_eq!(status, 400);
    assert_eq!(
        common::error_parts(400, &body).1.as_deref(),
        Some("EXPIRED_SYNC_TOKEN")
    );
}

#[tokio::test]
async fn changes_are_saved_after_the_debounce_without_a_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let r = rig(config(&path)).await;
    let created = r.create("Debounced").await;
    let needle = name_of(&created);
    // Hang guard only: the saver writes SAVE_DEBOUNCE after the change.
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if std::fs::read_to_string(&path)
                .is_ok_and(|t| t.contains(needle.trim_start_matches("people/c")))
            {
                break;
            }
            tokio::time::sleep(emulator::SAVE_DEBOUNCE).await;
        }
    })
    .await
    .expect("the state file receives the change");
    let reopened = Emulator::open(config(&path)).unwrap();
    assert!(
        reopened
            .persons("emulator")
            .iter()
            .any(|p| p.resource_name.as_deref() == Some(needle.as_str()))
    );
    drop(r);
}

#[tokio::test]
async fn save_to_writes_a_snapshot_another_emulator_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.json");
    let e = Emulator::new(EmulatorConfig {
        seed: Seed::Count(3),
        ..EmulatorConfig::default()
    });
    e.save_to(&path).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|d| d.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );
    let copy = Emulator::open(EmulatorConfig {
        state_file: Some(path),
        ..EmulatorConfig::default()
    })
    .unwrap();
    assert_eq!(copy.persons("emulator"), e.persons("emulator"));
    assert_eq!(copy.groups("emulator"), e.groups("emulator"));
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{not json").unwrap();
    let err = Emulator::open(config(&path)).unwrap_err();
    assert_eq!(err.kind(), EmulatorErrorKind::StateFormat);
    assert!(err.to_string().contains("state.json"), "{err}");
    let e = Emulator::new(config(&path));
    assert_eq!(e.persons("emulator").len(), 5, "new falls back to the seed");
    drop(e);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
    assert_eq!(
        Emulator::start(config(&path)).await.unwrap_err().kind(),
        std::io::ErrorKind::InvalidData
    );
}
