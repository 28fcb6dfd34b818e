//! The client against the in-process emulator over HTTP: every endpoint, paging cost, sync
//! tokens, typed errors, faults, pacing, drop-after-commit and the token cache's permissions.

use std::time::Duration;

use emulator::{Emulator, EmulatorConfig, FaultSpec, Quotas, RunningEmulator, Seed};
use google::{Auth, ClientConfig, ErrorKind, GoogleClient, Pacing, PageRequest, Rate, RetryPolicy};
use people::{ContactGroup, Person, PersonField};
use serde_json::json;

const TOKEN: &str = "emulator";

async fn start(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config).await.expect("emulator starts")
}

fn client_config(emu: &RunningEmulator) -> ClientConfig {
    let mut c = ClientConfig::new(Auth::Static(TOKEN.into()));
    c.base_url = emu.base_url();
    c.pacing = Pacing::unlimited();
    c.timeout = Duration::from_secs(10);
    c.retry = RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(1),
    };
    c
}

async fn client(emu: &RunningEmulator) -> GoogleClient {
    GoogleClient::new(client_config(emu)).await.expect("client")
}

fn person(given: &str) -> Person {
    serde_json::from_value(json!({
        "names": [{"givenName": given, "familyName": "Client"}],
        "emailAddresses": [{"value": format!("{}@example.org", given.to_lowercase())}],
    }))
    .unwrap()
}

fn group(name: &str) -> ContactGroup {
    serde_json::from_value(json!({"name": name})).unwrap()
}

fn calls(emu: &RunningEmulator, method: &str) -> u64 {
    emu.emulator
        .stats()
        .by_method
        .get(method)
        .copied()
        .unwrap_or(0)
}

fn given_name(p: &Person) -> Option<String> {
    serde_json::to_value(p).unwrap()["names"][0]["givenName"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn a_full_sync_of_2500_contacts_costs_exactly_3_list_calls() {
    let emu = start(EmulatorConfig {
        seed: Seed::Count(2500),
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu).await;
    let full = c.sync_connections(None).await.unwrap();
    assert!(full.full);
    assert_eq!(full.changed.len(), 2500);
    assert_eq!(calls(&emu, "people.connections.list"), 3);

    // An incremental sync sees a change and a deletion, in one call.
    emu.emulator.reset_stats();
    let mut edit = full.changed[0].clone();
    edit.names = person("Changed").names;
    c.update_contact(&edit, &[PersonField::Names], &[PersonField::Names])
        .await
        .unwrap();
    let gone = full.changed[1].resource_name.clone().unwrap();
    c.delete_all(vec![gone.clone()])
        .await
        .into_iter()
        .for_each(|r| r.unwrap());
    let delta = c
        .sync_connections(Some(&full.next_sync_token))
        .await
        .unwrap();
    assert!(!delta.full);
    assert_eq!(delta.changed.len(), 1);
    assert_eq!(given_name(&delta.changed[0]).as_deref(), Some("Changed"));
    assert_eq!(delta.deleted, vec![gone]);
    assert_eq!(calls(&emu, "people.connections.list"), 1);
}

#[tokio::test]
async fn an_expired_sync_token_is_its_own_kind() {
    let emu = start(EmulatorConfig::default()).await;
    let c = client(&emu).await;
    let full = c.sync_connections(None).await.unwrap();
    let other = c.sync_other_contacts(None).await.unwrap();
    emu.emulator
        .advance(Duration::from_secs(7 * 24 * 3600 + 60));
    let e = c
        .sync_connections(Some(&full.next_sync_token))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ExpiredSyncToken, "{e}");
    let e = c
        .sync_other_contacts(Some(&other.next_sync_token))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ExpiredSyncToken, "{e}");
    // A full sync works again.
    assert!(c.sync_connections(None).await.unwrap().full);
}

#[tokio::test]
async fn a_stale_etag_is_etag_mismatch_and_a_missing_contact_not_found() {
    let emu = start(EmulatorConfig::default()).await;
    let c = client(&emu).await;
    let created = c.create_contact(&person("Etag"), &[]).await.unwrap();
    let mut first = created.clone();
    first.names = person("First").names;
    let updated = c
        .update_contact(&first, &[PersonField::Names], &[])
        .await
        .unwrap();
    assert_ne!(updated.etag, created.etag);
    let mut stale = created.clone();
    stale.names = person("Second").names;
    let e = c
        .update_contact(&stale, &[PersonField::Names], &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EtagMismatch, "{e}");
    assert_eq!(e.http_status(), Some(400));

    let got = c
        .get_person(
            created.resource_name.as_deref().unwrap(),
            &[PersonField::Names],
        )
        .await
        .unwrap();
    assert_eq!(given_name(&got).as_deref(), Some("First"));
    let e = c
        .get_person("people/c1", &[PersonField::Names])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = c.delete_contact("people/c1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    c.delete_contact(created.resource_name.as_deref().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_duplicate_group_name_is_a_conflict() {
    let emu = start(EmulatorConfig::default()).await;
    let c = client(&emu).await;
    c.create_contact_group(&group("Twice")).await.unwrap();
    let e = c.create_contact_group(&group("Twice")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(e.http_status(), Some(409));
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_and_says_to_log_in() {
    let emu = start(EmulatorConfig::default()).await;
    let mut config = client_config(&emu);
    config.auth = Auth::Static("not-a-token".into());
    let c = GoogleClient::new(config).await.unwrap();
    let e = c.sync_connections(None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(e.to_string().contains("log in"), "{e}");
    assert_eq!(
        calls(&emu, "people.connections.list"),
        0,
        "rejected before the method counts"
    );
}

#[tokio::test]
async fn every_people_endpoint_round_trips() {
    let emu = start(EmulatorConfig {
        quotas: Quotas::unlimited(),
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu).await;
    let created = c
        .create_all((0..450).map(|i| person(&format!("Bulk{i}"))).collect())
        .await;
    assert_eq!(
        calls(&emu, "people.batchCreateContacts"),
        3,
        "200 + 200 + 50"
    );
    let created: Vec<Person> = created.into_iter().map(Result::unwrap).collect();
    let names: Vec<String> = created
        .iter()
        .map(|p| p.resource_name.clone().unwrap())
        .collect();

    let got = c
        .batch_get(&names[..250], &[PersonField::Names])
        .await
        .unwrap();
    assert_eq!(got.len(), 250);
    assert_eq!(calls(&emu, "people.getBatchGet"), 2);

    let edits: Vec<(Person, Vec<PersonField>)> = created
        .iter()
        .map(|p| {
            let mut e = p.clone();
            e.names = person("Renamed").names;
            (e, vec![PersonField::Names])
        })
        .collect();
    let updated = c.update_all(edits).await;
    if let Some(Err(e)) = updated.iter().find(|r| r.is_err()) {
        panic!("an update failed: {e}");
    }
    assert!(updated.iter().all(|r| {
        r.as_ref()
            .is_ok_and(|p| given_name(p).as_deref() == Some("Renamed"))
    }));
    assert_eq!(calls(&emu, "people.batchUpdateContacts"), 3);

    let page = c
        .list_connections_page(&PageRequest {
            page_size: Some(10),
            ..PageRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(page.connections.len(), 10);
    assert!(page.next_page_token.is_some());

    let png = base64_png();
    let with_photo = c
        .update_contact_photo(&names[0], &png, &[PersonField::Photos])
        .await
        .unwrap()
        .unwrap();
    let url = serde_json::to_value(&with_photo).unwrap()["photos"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.starts_with(&emu.base_url()));
    let e = c
        .update_contact_photo(&names[0], b"GIF89a", &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(!e.message().is_empty(), "Google's message is kept");
    let without = c
        .delete_contact_photo(&names[0], &[PersonField::Photos])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&without).unwrap()["photos"][0]["default"],
        true
    );

    let found = c
        .search_contacts("bulk449", &[PersonField::Names])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    let deleted = c.delete_all(names.clone()).await;
    assert!(deleted.iter().all(Result::is_ok));
    assert_eq!(
        calls(&emu, "people.batchDeleteContacts"),
        1,
        "450 names fit one call of 500"
    );
    assert!(emu.emulator.persons(TOKEN).is_empty());
    let e = c
        .batch_create_contacts((0..201).map(|i| person(&format!("x{i}"))).collect(), &[])
        .await
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::InvalidRequest,
        "the client refuses more than 200 itself"
    );
}

fn base64_png() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
        .unwrap()
}

#[tokio::test]
async fn every_group_endpoint_round_trips() {
    let emu = start(EmulatorConfig::default()).await;
    let c = client(&emu).await;
    let p = c.create_contact(&person("Grouped"), &[]).await.unwrap();
    let pname = p.resource_name.clone().unwrap();
    let g = c.create_contact_group(&group("Team")).await.unwrap();
    let gname = g.resource_name.clone().unwrap();
    let mut renamed = g.clone();
    renamed.name = Some("Crew".into());
    let renamed = c.update_contact_group(&renamed, &["name"]).await.unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Crew"));
    let r = c
        .modify_group_members(&gname, std::slice::from_ref(&pname), &[])
        .await
        .unwrap();
    assert!(r.not_found_resource_names.is_empty());
    let fetched = c.get_contact_group(&gname, 10).await.unwrap();
    assert_eq!(fetched.member_resource_names, vec![pname.clone()]);
    let batch = c
        .batch_get_contact_groups(&[gname.clone(), "contactGroups/myContacts".into()], 0)
        .await
        .unwrap();
    assert_eq!(batch.len(), 2);
    let all = c.list_contact_groups().await.unwrap();
    assert!(
        all.iter()
            .any(|g| g.resource_name.as_deref() == Some("contactGroups/starred"))
    );
    let groups = c.sync_contact_groups(None).await.unwrap();
    c.delete_contact_group(&gname, false).await.unwrap();
    let delta = c
        .sync_contact_groups(Some(&groups.next_sync_token))
        .await
        .unwrap();
    assert_eq!(delta.deleted, vec![gname.clone()]);
    let e = c.get_contact_group(&gname, 0).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // The member survives (deleteContacts=false).
    c.get_person(&pname, &[PersonField::Names]).await.unwrap();
}

#[tokio::test]
async fn other_contacts_and_the_directory() {
    let seed: Vec<Person> = serde_json::from_value(json!([
        {"resourceName": "otherContacts/c42", "names": [{"givenName": "Olga"}], "emailAddresses": [{"value": "olga@example.net"}]},
    ]))
    .unwrap();
    let emu = start(EmulatorConfig {
        seed: Seed::Persons(seed),
        accounts: vec![emulator::AccountConfig {
            workspace_domain: Some("corp.example".into()),
            ..emulator::AccountConfig::default()
        }],
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu).await;
    let other = c.sync_other_contacts(None).await.unwrap();
    assert_eq!(other.changed.len(), 1);
    let found = c.search_other_contacts("olga").await.unwrap();
    assert_eq!(found.len(), 1);
    let copied = c.copy_other_contact("otherContacts/c42").await.unwrap();
    assert!(copied.resource_name.unwrap().starts_with("people/c"));
    let dir = c.sync_directory_people(None).await.unwrap();
    assert!(!dir.changed.is_empty());
    let hits = c
        .search_directory_people("demo", None, &[PersonField::EmailAddresses])
        .await
        .unwrap();
    assert!(!hits.people.is_empty());
}

#[tokio::test]
async fn a_create_whose_connection_drops_after_commit_is_outcome_unknown_not_a_duplicate() {
    let emu = start(EmulatorConfig::default()).await;
    let c = client(&emu).await;
    emu.emulator.set_faults(FaultSpec::parse("drop=1").unwrap());
    let e = c.create_contact(&person("Once"), &[]).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    let batch = c.create_all(vec![person("Twice")]).await;
    assert_eq!(
        batch[0].as_ref().unwrap_err().kind(),
        ErrorKind::OutcomeUnknown
    );
    emu.emulator.set_faults(FaultSpec::none());
    assert_eq!(
        calls(&emu, "people.createContact"),
        1,
        "never retried blindly"
    );
    assert_eq!(calls(&emu, "people.batchCreateContacts"), 1);
    assert_eq!(
        emu.emulator.persons(TOKEN).len(),
        2,
        "each write happened once"
    );
}

#[tokio::test]
async fn with_20_percent_faults_every_operation_succeeds_or_fails_with_a_typed_error() {
    let emu = start(EmulatorConfig {
        seed: Seed::Count(300),
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu).await;
    emu.emulator
        .set_faults(FaultSpec::parse("500=0.05,503=0.05,429=0.05,drop=0.05").unwrap());
    let mut outcomes: std::collections::BTreeMap<String, u32> = Default::default();
    let mut note = |what: &str, r: Result<(), google::Error>, allowed: &[ErrorKind]| {
        let key = match r {
            Ok(()) => format!("{what}: ok"),
            Err(e) => {
                assert!(allowed.contains(&e.kind()), "{what}: unexpected {e}");
                format!("{what}: {}", e.kind())
            }
        };
        *outcomes.entry(key).or_default() += 1;
    };
    // Reads retry through 5xx and 429; mutations retry those too but never a dropped connection.
    let reads = [ErrorKind::Transient, ErrorKind::RateLimited];
    let writes = [
        ErrorKind::Transient,
        ErrorKind::RateLimited,
        ErrorKind::OutcomeUnknown,
    ];
    let hang_guard = Duration::from_secs(120);
    for i in 0..30 {
        let r = tokio::time::timeout(hang_guard, c.sync_connections(None))
            .await
            .expect("no hang");
        note("sync", r.map(drop), &reads);
        let r = tokio::time::timeout(hang_guard, c.create_contact(&person(&format!("F{i}")), &[]))
            .await
            .expect("no hang");
        let created = r.as_ref().ok().cloned();
        note("create", r.map(drop), &writes);
        if let Some(p) = created {
            let mut edit = p.clone();
            edit.names = person("Edited").names;
            // A retried update whose first attempt committed finds its etag stale.
            let r = tokio::time::timeout(
                hang_guard,
                c.update_contact(&edit, &[PersonField::Names], &[]),
            )
            .await
            .expect("no hang");
            note(
                "update",
                r.map(drop),
                &[&writes[..], &[ErrorKind::EtagMismatch]].concat(),
            );
            let name = p.resource_name.unwrap();
            let r = tokio::time::timeout(hang_guard, c.delete_contact(&name))
                .await
                .expect("no hang");
            note("delete", r, &[&writes[..], &[ErrorKind::NotFound]].concat());
        }
        let r = tokio::time::timeout(hang_guard, c.list_contact_groups())
            .await
            .expect("no hang");
        note("groups", r.map(drop), &reads);
    }
    let total: u32 = outcomes.values().sum();
    assert!(total >= 90, "{outcomes:?}");
    eprintln!("fault run outcomes: {outcomes:?}");
}

/// An emulator with `quotas` and a client paced by `pacing` that never retries, so any refusal
/// by the emulator surfaces as an error.
async fn paced(quotas: Quotas, pacing: Pacing) -> (RunningEmulator, GoogleClient) {
    let emu = start(EmulatorConfig {
        quotas,
        ..EmulatorConfig::default()
    })
    .await;
    let mut config = client_config(&emu);
    config.retry = RetryPolicy::none();
    config.pacing = pacing;
    let c = GoogleClient::new(config).await.unwrap();
    (emu, c)
}

#[tokio::test]
async fn pacing_keeps_the_client_within_the_emulators_quota() {
    // The emulator allows 12 reads a minute; the client is paced at 600 a minute with a burst of
    // 2, so 12 concurrent reads are spread over at least (12 - 2) / 10 s, and with retries off
    // none may be refused.
    let quotas = Quotas {
        reads_per_minute: 12,
        ..Quotas::unlimited()
    };
    let (emu, c) = paced(
        quotas,
        Pacing {
            read: Some(Rate::per_minute(600, 2)),
            write: None,
        },
    )
    .await;
    let started = tokio::time::Instant::now();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                c.list_connections_page(&PageRequest::default())
                    .await
                    .map(drop)
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("paced reads stay under the quota");
    }
    assert_eq!(calls(&emu, "people.connections.list"), 12);
    // The token bucket spaces the 10 reads after the burst 100 ms apart: a floor, never flaky.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_batch_draws_its_quota_cost_from_the_write_bucket() {
    // Google charges a batch create 6 critical writes. With 12 allowed a minute, two batches fit
    // and a third would be refused; a write bucket of 12 a minute (burst 12) holds the third back
    // (for 30 s) rather than send it.
    let quotas = Quotas {
        critical_writes_per_minute: 12,
        ..Quotas::unlimited()
    };
    let (emu, c) = paced(
        quotas,
        Pacing {
            read: None,
            write: Some(Rate::per_minute(12, 12)),
        },
    )
    .await;
    for i in 0..2 {
        c.batch_create_contacts(vec![person(&format!("Cost{i}"))], &[])
            .await
            .unwrap();
    }
    let third = tokio::time::timeout(
        Duration::from_millis(200),
        c.batch_create_contacts(vec![person("Held")], &[]),
    )
    .await;
    assert!(
        third.is_err(),
        "the third batch waits for the bucket instead of being sent"
    );
    assert_eq!(calls(&emu, "people.batchCreateContacts"), 2);
}
