//! people.* over HTTP: get, batchGet, connections.list (masks, page sizes, paging, sync tokens),
//! create/update/delete with their preconditions, batches and their limits, photos, search.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{base64_encode, default_rig, enc, error_parts, etag_of, name_of, png, rig};
use emulator::{EmulatorConfig, Seed};
use serde_json::{Value, json};

fn seeded(n: usize) -> EmulatorConfig {
    EmulatorConfig {
        seed: Seed::Count(n),
        ..EmulatorConfig::default()
    }
}

fn connections(v: &Value) -> Vec<Value> {
    v["connections"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn get_returns_only_the_masked_fields_and_requires_a_mask() {
    let r = default_rig().await;
    let p = r.create("Ada").await;
    let got = r
        .get_ok(&format!("v1/{}?personFields=emailAddresses", name_of(&p)))
        .await;
    let keys: BTreeSet<&str> = got
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["resourceName", "etag", "emailAddresses"])
    );
    let (status, body) = r.get(&format!("v1/{}", name_of(&p))).await;
    assert_eq!(status, 400);
    assert_eq!(error_parts(400, &body).0, "INVALID_ARGUMENT");
    let (status, body) = r
        .get(&format!("v1/{}?personFields=names,bogus", name_of(&p)))
        .await;
    assert_eq!(
        (status, error_parts(400, &body).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
    let (status, body) = r.get("v1/people/c12345?personFields=names").await;
    assert_eq!(
        (status, error_parts(404, &body).0.as_str()),
        (404, "NOT_FOUND")
    );
    let me = r
        .get_ok("v1/people/me?personFields=names,emailAddresses")
        .await;
    assert_eq!(me["emailAddresses"][0]["value"], "demo@example.com");
}

#[tokio::test]
async fn output_only_fields_are_computed() {
    let r = default_rig().await;
    let body = json!({
        "names": [{"givenName": "Grace", "familyName": "Hopper"}],
        "phoneNumbers": [{"value": "+1 555 0100 1234", "type": "mobile"}],
    });
    let p = r
        .ok(
            "POST",
            "v1/people:createContact?personFields=names,phoneNumbers,metadata,memberships",
            Some(&body),
        )
        .await;
    assert!(
        name_of(&p)
            .strip_prefix("people/c")
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    assert_eq!(p["names"][0]["displayName"], "Grace Hopper");
    assert_eq!(p["names"][0]["displayNameLastFirst"], "Hopper, Grace");
    assert_eq!(p["phoneNumbers"][0]["formattedType"], "Mobile");
    assert!(
        p["phoneNumbers"][0]["canonicalForm"]
            .as_str()
            .unwrap()
            .starts_with("+1")
    );
    let source = &p["metadata"]["sources"][0];
    assert_eq!(source["type"], "CONTACT");
    assert!(source["etag"].is_string() && source["updateTime"].is_string());
    assert_eq!(
        p["memberships"][0]["contactGroupMembership"]["contactGroupResourceName"],
        "contactGroups/myContacts"
    );
}

#[tokio::test]
async fn batch_get_takes_at_most_200_names_and_reports_missing_ones_per_item() {
    let r = default_rig().await;
    let p = r.create("Batch").await;
    let v = r
        .get_ok(&format!(
            "v1/people:batchGet?personFields=names&resourceNames={}&resourceNames=people/c1",
            name_of(&p)
        ))
        .await;
    let responses = v["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 2);
    assert_eq!(responses[0]["person"]["resourceName"], json!(name_of(&p)));
    assert_eq!(
        responses[1]["status"]["code"], 5,
        "NOT_FOUND as a google.rpc.Code"
    );
    let names: String = (0..201)
        .map(|i| format!("&resourceNames=people/c{}", i + 1))
        .collect();
    let (status, body) = r
        .get(&format!("v1/people:batchGet?personFields=names{names}"))
        .await;
    assert_eq!(
        (status, error_parts(400, &body).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
}

#[tokio::test]
async fn page_sizes_default_to_100_and_stay_within_1_to_1000() {
    let r = rig(seeded(1005)).await;
    let v = r
        .get_ok("v1/people/me/connections?personFields=names")
        .await;
    assert_eq!(connections(&v).len(), 100);
    assert_eq!(v["totalPeople"], 1005);
    let v = r
        .get_ok("v1/people/me/connections?personFields=names&pageSize=1000")
        .await;
    assert_eq!(connections(&v).len(), 1000);
    for bad in ["1001", "-1"] {
        let (status, body) = r
            .get(&format!(
                "v1/people/me/connections?personFields=names&pageSize={bad}"
            ))
            .await;
        assert_eq!(
            (status, error_parts(400, &body).0.as_str()),
            (400, "INVALID_ARGUMENT"),
            "pageSize={bad}"
        );
    }
    let (status, _) = r.get("v1/people/me/connections").await;
    assert_eq!(status, 400, "personFields is required");
}

#[tokio::test]
async fn sort_orders_are_applied_and_an_unknown_one_is_refused() {
    let r = rig(seeded(30)).await;
    let names = |v: &Value, key: &str| -> Vec<String> {
        connections(v)
            .iter()
            .map(|p| p["names"][0][key].as_str().unwrap_or("").to_lowercase())
            .collect()
    };
    for (order, key) in [
        ("FIRST_NAME_ASCENDING", "givenName"),
        ("LAST_NAME_ASCENDING", "familyName"),
    ] {
        let v = r
            .get_ok(&format!(
                "v1/people/me/connections?personFields=names&pageSize=1000&sortOrder={order}"
            ))
            .await;
        let got = names(&v, key);
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got.len(), 30);
        assert_eq!(got, sorted, "{order}");
    }
    let ascending = r
        .get_ok("v1/people/me/connections?personFields=names&pageSize=1000")
        .await;
    let descending = r
        .get_ok("v1/people/me/connections?personFields=names&pageSize=1000&sortOrder=LAST_MODIFIED_DESCENDING")
        .await;
    let mut reversed = connections(&ascending);
    reversed.reverse();
    assert_eq!(connections(&descending), reversed);
    let (status, body) = r
        .get("v1/people/me/connections?personFields=names&sortOrder=BY_MOOD")
        .await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("sort_order"), "{body}");
}

/// Pages through a listing, asserting that only the last page carries the sync token.
async fn all_pages(r: &common::Rig, query: &str) -> (Vec<Value>, String, usize) {
    let mut items = Vec::new();
    let mut page_token: Option<String> = None;
    let mut calls = 0;
    loop {
        let mut path = format!("v1/people/me/connections?{query}");
        if let Some(t) = &page_token {
            path.push_str(&format!("&pageToken={}", enc(t)));
        }
        let v = r.get_ok(&path).await;
        calls += 1;
        items.extend(connections(&v));
        match v["nextPageToken"].as_str() {
            Some(t) => {
                assert!(
                    v.get("nextSyncToken").is_none(),
                    "nextSyncToken only on the last page"
                );
                page_token = Some(t.to_owned());
            }
            None => {
                return (
                    items,
                    v["nextSyncToken"]
                        .as_str()
                        .expect("last page has the sync token")
                        .to_owned(),
                    calls,
                );
            }
        }
    }
}

#[tokio::test]
async fn paging_and_sync_tokens_follow_googles_rules() {
    let r = rig(seeded(250)).await;
    let (items, token, calls) =
        all_pages(&r, "personFields=names&pageSize=100&requestSyncToken=true").await;
    assert_eq!((items.len(), calls), (250, 3));
    let unique: BTreeSet<String> = items.iter().map(name_of).collect();
    assert_eq!(unique.len(), 250);

    // Nothing changed: no connections key, a new token.
    let sync = format!(
        "personFields=names&pageSize=100&requestSyncToken=true&syncToken={}",
        enc(&token)
    );
    let v = r.get_ok(&format!("v1/people/me/connections?{sync}")).await;
    assert!(v.get("connections").is_none());
    assert!(v["nextSyncToken"].is_string());

    // A change, a new contact and a deletion show up; the deletion as a tombstone.
    let changed = &items[0];
    let full = r
        .get_ok(&format!("v1/{}?personFields=names", name_of(changed)))
        .await;
    let mut edit = full.clone();
    edit["names"] = json!([{"givenName": "Renamed"}]);
    r.ok(
        "PATCH",
        &format!(
            "v1/{}:updateContact?updatePersonFields=names",
            name_of(changed)
        ),
        Some(&edit),
    )
    .await;
    let created = r.create("Newcomer").await;
    let deleted = name_of(&items[1]);
    r.delete_ok(&format!("v1/{deleted}:deleteContact")).await;
    let v = r.get_ok(&format!("v1/people/me/connections?{sync}")).await;
    let delta = connections(&v);
    let names: BTreeSet<String> = delta.iter().map(name_of).collect();
    assert_eq!(
        names,
        BTreeSet::from([name_of(changed), name_of(&created), deleted.clone()])
    );
    let tomb = delta.iter().find(|p| name_of(p) == deleted).unwrap();
    assert_eq!(tomb["metadata"]["deleted"], true);
    assert!(tomb.get("names").is_none(), "a tombstone carries no fields");
    assert!(
        v.get("totalPeople").is_none(),
        "incremental pages carry no totals"
    );

    // Other parameters must match the first call.
    let (status, body) = r.get(&format!("v1/people/me/connections?personFields=names,emailAddresses&requestSyncToken=true&syncToken={}", enc(&token))).await;
    assert_eq!(
        (status, error_parts(400, &body).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
    let first = r
        .get_ok("v1/people/me/connections?personFields=names&pageSize=100")
        .await;
    let pt = first["nextPageToken"].as_str().unwrap();
    let (status, _) = r
        .get(&format!(
            "v1/people/me/connections?personFields=phoneNumbers&pageSize=100&pageToken={}",
            enc(pt)
        ))
        .await;
    assert_eq!(status, 400, "a page token with a different mask");

    // Seven days after the full sync the token expires.
    r.emulator().advance(Duration::from_secs(7 * 24 * 3600 + 1));
    let (status, body) = r.get(&format!("v1/people/me/connections?{sync}")).await;
    assert_eq!(status, 400);
    assert_eq!(
        error_parts(400, &body),
        (
            "FAILED_PRECONDITION".to_owned(),
            Some("EXPIRED_SYNC_TOKEN".to_owned())
        )
    );
}

#[tokio::test]
async fn advance_over_http_moves_the_clock() {
    let r = default_rig().await;
    let v = r
        .get_ok("v1/people/me/connections?personFields=names&requestSyncToken=true")
        .await;
    let token = v["nextSyncToken"].as_str().unwrap().to_owned();
    let resp = r
        .http
        .post(r.url("emulator/advance?seconds=604801"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, body) = r
        .get(&format!(
            "v1/people/me/connections?personFields=names&requestSyncToken=true&syncToken={}",
            enc(&token)
        ))
        .await;
    assert_eq!(
        (status, error_parts(400, &body).1),
        (400, Some("EXPIRED_SYNC_TOKEN".into()))
    );
    let bad = r
        .http
        .post(r.url("emulator/advance?seconds=-3"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn sync_delay_hides_writes_from_sync_requests_until_it_passes() {
    let r = rig(EmulatorConfig {
        sync_delay: Duration::from_secs(120),
        ..EmulatorConfig::default()
    })
    .await;
    let v = r
        .get_ok("v1/people/me/connections?personFields=names&requestSyncToken=true")
        .await;
    let token = v["nextSyncToken"].as_str().unwrap().to_owned();
    let p = r.create("Later").await;
    let sync = format!(
        "v1/people/me/connections?personFields=names&requestSyncToken=true&syncToken={}",
        enc(&token)
    );
    assert!(connections(&r.get_ok(&sync).await).is_empty());
    r.emulator().advance(Duration::from_secs(121));
    let delta = connections(&r.get_ok(&sync).await);
    assert_eq!(
        delta.iter().map(name_of).collect::<Vec<_>>(),
        vec![name_of(&p)]
    );
}

#[tokio::test]
async fn update_contact_checks_etag_mask_and_singletons() {
    let r = default_rig().await;
    let p = r.create("Etag").await;
    let path = format!(
        "v1/{}:updateContact?updatePersonFields=names&personFields=names",
        name_of(&p)
    );
    let mut body = json!({"etag": etag_of(&p), "names": [{"givenName": "Fresh"}]});
    let updated = r.ok("PATCH", &path, Some(&body)).await;
    assert_eq!(updated["names"][0]["givenName"], "Fresh");
    assert_ne!(
        etag_of(&updated),
        etag_of(&p),
        "every mutation changes the etag"
    );
    // Masked fields are replaced, others kept.
    let full = r
        .get_ok(&format!(
            "v1/{}?personFields=names,emailAddresses",
            name_of(&p)
        ))
        .await;
    assert_eq!(full["emailAddresses"], p["emailAddresses"]);

    // The old etag is stale now.
    let (status, err) = r.send("PATCH", &path, Some(&body)).await;
    assert_eq!(
        (status, error_parts(400, &err).0.as_str()),
        (400, "FAILED_PRECONDITION")
    );
    // No etag at all.
    body.as_object_mut().unwrap().remove("etag");
    let (status, err) = r.send("PATCH", &path, Some(&body)).await;
    assert_eq!(
        (status, error_parts(400, &err).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
    // Two names.
    let two = json!({"etag": etag_of(&updated), "names": [{"givenName": "A"}, {"givenName": "B"}]});
    let (status, err) = r.send("PATCH", &path, Some(&two)).await;
    assert_eq!(
        (status, error_parts(400, &err).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
    for field in ["birthdays", "biographies", "genders"] {
        let item = match field {
            "birthdays" => json!({"date": {"year": 1990, "month": 1, "day": 2}}),
            "biographies" => json!({"value": "bio"}),
            _ => json!({"value": "female"}),
        };
        let body = json!({"etag": etag_of(&updated), field: [item.clone(), item]});
        let (status, _) = r
            .send(
                "PATCH",
                &format!(
                    "v1/{}:updateContact?updatePersonFields={field}",
                    name_of(&p)
                ),
                Some(&body),
            )
            .await;
        assert_eq!(status, 400, "two {field}");
    }
    // No mask.
    let (status, _) = r
        .send(
            "PATCH",
            &format!("v1/{}:updateContact", name_of(&p)),
            Some(&json!({"etag": etag_of(&updated)})),
        )
        .await;
    assert_eq!(status, 400, "updatePersonFields is required");
}

#[tokio::test]
async fn delete_contact_removes_it_and_a_second_delete_is_not_found() {
    let r = default_rig().await;
    let p = r.create("Gone").await;
    let v = r
        .delete_ok(&format!("v1/{}:deleteContact", name_of(&p)))
        .await;
    assert_eq!(v, json!({}));
    let (status, _) = r
        .get(&format!("v1/{}?personFields=names", name_of(&p)))
        .await;
    assert_eq!(status, 404);
    let (status, _) = r
        .send("DELETE", &format!("v1/{}:deleteContact", name_of(&p)), None)
        .await;
    assert_eq!(status, 404);
}

fn contacts_to_create(n: usize) -> Value {
    let contacts: Vec<Value> = (0..n)
        .map(|i| json!({"contactPerson": {"names": [{"givenName": format!("Bulk{i}")}]}}))
        .collect();
    json!({"contacts": contacts, "readMask": "names"})
}

#[tokio::test]
async fn batches_hold_at_most_200_creates_200_updates_and_500_deletes() {
    let r = default_rig().await;
    let created = r
        .ok(
            "POST",
            "v1/people:batchCreateContacts",
            Some(&contacts_to_create(200)),
        )
        .await;
    let people: Vec<Value> = created["createdPeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"].clone())
        .collect();
    assert_eq!(people.len(), 200);
    let (status, body) = r
        .send(
            "POST",
            "v1/people:batchCreateContacts",
            Some(&contacts_to_create(201)),
        )
        .await;
    assert_eq!(
        (status, error_parts(400, &body).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );

    let mut updates = serde_json::Map::new();
    for p in &people {
        updates.insert(
            name_of(p),
            json!({"etag": etag_of(p), "names": [{"givenName": "Updated"}]}),
        );
    }
    let body = json!({"contacts": updates, "updateMask": "names", "readMask": "names"});
    let updated = r
        .ok("POST", "v1/people:batchUpdateContacts", Some(&body))
        .await;
    let results = updated["updateResult"].as_object().unwrap();
    assert_eq!(results.len(), 200);
    assert!(
        results
            .values()
            .all(|v| v["person"]["names"][0]["givenName"] == "Updated")
    );
    let mut too_many = updates.clone();
    too_many.insert(
        "people/c1".into(),
        json!({"etag": "x", "names": [{"givenName": "x"}]}),
    );
    let (status, _) = r
        .send(
            "POST",
            "v1/people:batchUpdateContacts",
            Some(&json!({"contacts": too_many, "updateMask": "names"})),
        )
        .await;
    assert_eq!(status, 400, "201 updates");

    let names: Vec<String> = people.iter().map(name_of).collect();
    let mut padded = names.clone();
    padded.extend((0..301).map(|i| format!("people/c{}", 10 + i)));
    let (status, _) = r
        .send(
            "POST",
            "v1/people:batchDeleteContacts",
            Some(&json!({"resourceNames": padded})),
        )
        .await;
    assert_eq!(status, 400, "501 deletes");
    r.ok(
        "POST",
        "v1/people:batchDeleteContacts",
        Some(&json!({"resourceNames": names})),
    )
    .await;
    assert!(r.emulator().persons("emulator").is_empty());
}

#[tokio::test]
async fn photos_accept_only_jpeg_and_png_and_are_served_at_their_url() {
    let r = default_rig().await;
    let p = r.create("Photo").await;
    let path = format!("v1/{}:updateContactPhoto", name_of(&p));
    let (status, body) = r
        .send(
            "PATCH",
            &path,
            Some(&json!({"photoBytes": base64_encode(b"GIF89a not allowed")})),
        )
        .await;
    assert_eq!(
        (status, error_parts(400, &body).0.as_str()),
        (400, "INVALID_ARGUMENT")
    );
    let v = r
        .ok(
            "PATCH",
            &path,
            Some(&json!({"photoBytes": base64_encode(&png()), "personFields": "photos"})),
        )
        .await;
    let url = v["person"]["photos"][0]["url"].as_str().unwrap().to_owned();
    assert!(v["person"]["photos"][0].get("default").is_none());
    let resp = r.http.get(&url).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), png().as_slice());
    let jpeg = [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F'];
    r.ok(
        "PATCH",
        &path,
        Some(&json!({"photoBytes": base64_encode(&jpeg)})),
    )
    .await;
    assert_eq!(
        r.http.get(&url).send().await.unwrap().status(),
        404,
        "the replaced photo is gone"
    );

    let v = r
        .delete_ok(&format!(
            "v1/{}:deleteContactPhoto?personFields=photos",
            name_of(&p)
        ))
        .await;
    assert_eq!(v["person"]["photos"][0]["default"], true);
}

#[tokio::test]
async fn search_contacts_matches_prefixes_and_caps_the_page_at_30() {
    let r = rig(seeded(200)).await;
    let target = r.create("Zebedee").await;
    let v = r
        .get_ok("v1/people:searchContacts?query=zebe&readMask=names")
        .await;
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["person"]["resourceName"],
        json!(name_of(&target))
    );
    let v = r
        .get_ok("v1/people:searchContacts?query=&readMask=names")
        .await;
    assert_eq!(v, json!({}), "the warm-up query returns nothing");
    let v = r
        .get_ok("v1/people:searchContacts?query=tester&readMask=names&pageSize=50")
        .await;
    assert_eq!(v["results"].as_array().map_or(0, Vec::len), 1);
    let v = r
        .get_ok("v1/people:searchContacts?query=a&readMask=names&pageSize=50")
        .await;
    assert!(v["results"].as_array().unwrap().len() <= 30);
    let (status, _) = r.get("v1/people:searchContacts?query=a").await;
    assert_eq!(status, 400, "readMask is required");
}
