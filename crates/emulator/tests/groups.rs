//! contactGroups, members.modify, otherContacts and the Workspace directory over HTTP.

mod common;

use common::{default_rig, error_parts, etag_of, name_of, rig};
use emulator::{AccountConfig, EmulatorConfig, Seed};
use serde_json::{Value, json};

fn group_names(v: &Value) -> Vec<String> {
    v["contactGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["resourceName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn system_groups_are_listed_with_a_sync_token_on_every_page() {
    let r = default_rig().await;
    let v = r.get_ok("v1/contactGroups?pageSize=3").await;
    assert!(
        v["nextSyncToken"].is_string(),
        "contactGroups.list gives a sync token on every page"
    );
    assert!(v["nextPageToken"].is_string());
    let v = r.get_ok("v1/contactGroups?pageSize=1000").await;
    let names = group_names(&v);
    for g in [
        "myContacts",
        "starred",
        "friends",
        "family",
        "coworkers",
        "chatBuddies",
        "all",
        "blocked",
    ] {
        assert!(
            names.contains(&format!("contactGroups/{g}")),
            "{g} in {names:?}"
        );
    }
    let my = v["contactGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["resourceName"] == "contactGroups/myContacts")
        .unwrap();
    assert_eq!(my["groupType"], "SYSTEM_CONTACT_GROUP");
    assert_eq!(my["formattedName"], "My Contacts");
}

#[tokio::test]
async fn groups_are_created_updated_fetched_and_deleted() {
    let r = default_rig().await;
    let g = r
        .ok(
            "POST",
            "v1/contactGroups",
            Some(&json!({"contactGroup": {"name": "Climbers"}})),
        )
        .await;
    assert_eq!(g["groupType"], "USER_CONTACT_GROUP");
    let (status, body) = r
        .send(
            "POST",
            "v1/contactGroups",
            Some(&json!({"contactGroup": {"name": "Climbers"}})),
        )
        .await;
    assert_eq!(
        (status, error_parts(409, &body).0.as_str()),
        (409, "ALREADY_EXISTS")
    );

    let renamed = r
        .ok(
            "PUT",
            &format!("v1/{}", name_of(&g)),
            Some(&json!({"contactGroup": {"name": "Alpinists", "etag": etag_of(&g)}})),
        )
        .await;
    assert_eq!(renamed["name"], "Alpinists");
    assert_ne!(etag_of(&renamed), etag_of(&g));
    let (status, _) = r
        .send(
            "PUT",
            &format!("v1/{}", name_of(&g)),
            Some(&json!({"contactGroup": {"name": "Stale", "etag": etag_of(&g)}})),
        )
        .await;
    assert_eq!(status, 400, "a stale group etag");

    let p = r.create("Member").await;
    r.ok(
        "POST",
        &format!("v1/{}/members:modify", name_of(&g)),
        Some(&json!({"resourceNamesToAdd": [name_of(&p)]})),
    )
    .await;
    let fetched = r.get_ok(&format!("v1/{}?maxMembers=10", name_of(&g))).await;
    assert_eq!(fetched["memberCount"], 1);
    assert_eq!(fetched["memberResourceNames"], json!([name_of(&p)]));
    let batch = r
        .get_ok(&format!(
            "v1/contactGroups:batchGet?resourceNames={}&resourceNames=contactGroups/starred",
            name_of(&g)
        ))
        .await;
    assert_eq!(batch["responses"].as_array().unwrap().len(), 2);

    // The membership change touched the person's etag.
    let after = r
        .get_ok(&format!("v1/{}?personFields=memberships", name_of(&p)))
        .await;
    assert_ne!(etag_of(&after), etag_of(&p));

    // Deleting the group with deleteContacts deletes its members.
    r.delete_ok(&format!("v1/{}?deleteContacts=true", name_of(&g)))
        .await;
    let (status, _) = r.get(&format!("v1/{}", name_of(&g))).await;
    assert_eq!(status, 404);
    let (status, _) = r
        .get(&format!("v1/{}?personFields=names", name_of(&p)))
        .await;
    assert_eq!(status, 404, "deleteContacts=true removes the members");
    let (status, _) = r.send("DELETE", "v1/contactGroups/myContacts", None).await;
    assert_eq!(status, 400, "system groups cannot be deleted");
}

#[tokio::test]
async fn members_modify_obeys_the_group_rules() {
    let r = default_rig().await;
    let p = r.create("Rules").await;
    let add = json!({"resourceNamesToAdd": [name_of(&p)]});
    r.ok(
        "POST",
        "v1/contactGroups/starred/members:modify",
        Some(&add),
    )
    .await;
    for g in ["friends", "family", "all", "blocked", "chatBuddies"] {
        let (status, _) = r
            .send(
                "POST",
                &format!("v1/contactGroups/{g}/members:modify"),
                Some(&add),
            )
            .await;
        assert_eq!(status, 400, "{g} accepts no additions");
    }
    // Removing the last group (myContacts is the only one but starred) is fine; the person keeps one.
    r.ok(
        "POST",
        "v1/contactGroups/starred/members:modify",
        Some(&json!({"resourceNamesToRemove": [name_of(&p)]})),
    )
    .await;
    let v = r
        .ok(
            "POST",
            "v1/contactGroups/myContacts/members:modify",
            Some(&json!({"resourceNamesToRemove": [name_of(&p)]})),
        )
        .await;
    assert_eq!(
        v["canNotRemoveLastContactGroupResourceNames"],
        json!([name_of(&p)])
    );
    let v = r
        .ok(
            "POST",
            "v1/contactGroups/starred/members:modify",
            Some(&json!({"resourceNamesToAdd": ["people/c1"]})),
        )
        .await;
    assert_eq!(v["notFoundResourceNames"], json!(["people/c1"]));
    let many: Vec<String> = (0..1001).map(|i| format!("people/c{}", i + 2)).collect();
    let (status, _) = r
        .send(
            "POST",
            "v1/contactGroups/starred/members:modify",
            Some(&json!({"resourceNamesToAdd": many})),
        )
        .await;
    assert_eq!(status, 400, "more than 1000 changes");
}

#[tokio::test]
async fn other_contacts_list_search_and_copy() {
    let persons: Vec<people::Person> = serde_json::from_value(json!([
        {"resourceName": "otherContacts/c99", "names": [{"givenName": "Otto"}], "emailAddresses": [{"value": "otto@example.net"}]},
    ]))
    .unwrap();
    let r = rig(EmulatorConfig {
        seed: Seed::Persons(persons),
        ..EmulatorConfig::default()
    })
    .await;
    let v = r
        .get_ok("v1/otherContacts?readMask=names,emailAddresses&requestSyncToken=true")
        .await;
    assert_eq!(v["otherContacts"].as_array().unwrap().len(), 1);
    let token = v["nextSyncToken"].as_str().unwrap().to_owned();
    let v = r
        .get_ok("v1/otherContacts:search?query=otto&readMask=emailAddresses")
        .await;
    assert_eq!(
        v["results"][0]["person"]["emailAddresses"][0]["value"],
        "otto@example.net"
    );
    let copied = r
        .ok(
            "POST",
            "v1/otherContacts/c99:copyOtherContactToMyContactsGroup",
            Some(&json!({"copyMask": "names,emailAddresses", "readMask": "names"})),
        )
        .await;
    assert!(name_of(&copied).starts_with("people/c"));
    let (status, _) = r
        .get(&format!(
            "v1/otherContacts?readMask=names&requestSyncToken=true&syncToken={}",
            common::enc(&token)
        ))
        .await;
    assert_eq!(status, 400, "the mask must match the first call");
    let v = r
        .get_ok(&format!(
            "v1/otherContacts?readMask=names,emailAddresses&requestSyncToken=true&syncToken={}",
            common::enc(&token)
        ))
        .await;
    assert!(v["nextSyncToken"].is_string());
    let (status, _) = r.get("v1/otherContacts").await;
    assert_eq!(status, 400, "readMask is required");
}

#[tokio::test]
async fn the_directory_is_for_workspace_accounts_only() {
    let r = rig(EmulatorConfig {
        accounts: vec![
            AccountConfig::default(),
            AccountConfig {
                token: "ws".into(),
                email: "alice@corp.example".into(),
                workspace_domain: Some("corp.example".into()),
                domain_admin: false,
            },
        ],
        ..EmulatorConfig::default()
    })
    .await;
    let (status, body) = r.get("v1/people:listDirectoryPeople?readMask=names&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["message"], "Must be a G Suite domain user.");
    let (status, v) = r
        .send_as("ws", "GET", "v1/people:listDirectoryPeople?readMask=names,emailAddresses&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE&requestSyncToken=true", None)
        .await;
    assert_eq!(status, 200, "{v}");
    assert!(!v["people"].as_array().unwrap().is_empty());
    assert!(v["nextSyncToken"].is_string());
    let (status, v) = r
        .send_as("ws", "GET", "v1/people:searchDirectoryPeople?query=alice&readMask=emailAddresses&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE", None)
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["people"][0]["emailAddresses"][0]["value"],
        "alice@corp.example"
    );
}
