//! The Domain Shared Contacts feed over HTTP: create, get, paging, incremental listing with
//! tombstones, etag and version preconditions, batches, and who may use the feed.

mod common;

use std::time::Duration;

use common::{Rig, rig};
use emulator::{AccountConfig, EmulatorConfig};
use gdata::{BatchItem, BatchOperation, BatchRequest, Email, Entry, Name, NamePart, RawXml, Text};

const ADMIN: &str = "admin-token";
const ADMIN2: &str = "second-admin-token";
const USER: &str = "user-token";
const OTHER_ADMIN: &str = "other-admin-token";
const DOMAIN: &str = "corp.example";
const FEED: &str = "m8/feeds/contacts/corp.example/full";

fn account(token: &str, email: &str, domain: Option<&str>, admin: bool) -> AccountConfig {
    AccountConfig {
        token: token.into(),
        email: email.into(),
        workspace_domain: domain.map(str::to_owned),
        domain_admin: admin,
    }
}

fn config() -> EmulatorConfig {
    EmulatorConfig {
        accounts: vec![
            account(ADMIN, "admin@corp.example", Some(DOMAIN), true),
            account(ADMIN2, "root@corp.example", Some(DOMAIN), true),
            account(USER, "bob@corp.example", Some(DOMAIN), false),
            account(
                OTHER_ADMIN,
                "admin@other.example",
                Some("other.example"),
                true,
            ),
            AccountConfig::default(),
        ],
        ..EmulatorConfig::default()
    }
}

/// One HTTP answer: status, headers, body text.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn entry(&self) -> Entry {
        gdata::parse_entry(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("not an entry ({e}): {}", self.body))
    }

    fn feed(&self) -> gdata::Feed {
        gdata::parse_feed(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("not a feed ({e}): {}", self.body))
    }

    /// Asserts a GData error document with this status and error code.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/vnd.google.gdata.error+xml")
        );
        assert!(
            self.body.contains(&format!("<code>{code}</code>")),
            "{}",
            self.body
        );
    }
}

async fn send(
    r: &Rig,
    token: Option<&str>,
    method: &str,
    path_or_url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_owned()
    } else {
        r.url(path_or_url)
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = r.http.request(method, url);
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("GData-Version"))
    {
        req = req.header("GData-Version", "3.0");
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.header("Content-Type", "application/atom+xml").body(b);
    }
    let resp = req.send().await.expect("request reaches the emulator");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

fn contact(given: &str, family: &str) -> Entry {
    Entry {
        name: Some(Name {
            given_name: Some(NamePart::new(given)),
            family_name: Some(NamePart::new(family)),
            full_name: Some(NamePart::new(format!("{given} {family}"))),
            ..Name::default()
        }),
        emails: vec![Email {
            address: Some(format!("{}@partner.example", given.to_lowercase())),
            rel: Some(format!("{}work", gdata::REL)),
            primary: true,
            ..Email::default()
        }],
        ..Entry::default()
    }
}

async fn create(r: &Rig, given: &str) -> Entry {
    let a = send(
        r,
        Some(ADMIN),
        "POST",
        FEED,
        &[],
        Some(gdata::write_entry(&contact(given, "Partner"))),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.entry()
}

fn edit_link(e: &Entry) -> String {
    e.link("edit").expect("edit link").to_owned()
}

fn self_link(e: &Entry) -> String {
    e.link("self").expect("self link").to_owned()
}

fn given(e: &Entry) -> String {
    e.name
        .as_ref()
        .and_then(|n| n.given_name.as_ref())
        .map(|g| g.value.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_created_contact_can_be_fetched() {
    let r = rig(config()).await;
    let mut sent = contact("Ada", "Lovelace");
    sent.content = Some(Text::plain("met at the engine fair"));
    sent.ext
        .elements
        .push(RawXml::parse("<x:tag xmlns:x='urn:example:crm' level='2'>gold</x:tag>").unwrap());
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        FEED,
        &[],
        Some(gdata::write_entry(&sent)),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.header("content-type"),
        Some("application/atom+xml; charset=UTF-8")
    );
    let created = a.entry();
    let id = created.short_id().expect("an id").to_owned();
    assert!(
        created
            .id
            .as_deref()
            .unwrap()
            .starts_with("http://www.google.com/m8/feeds/contacts/corp.example/base/")
    );
    let etag = created.etag.clone().expect("an etag");
    assert_eq!(a.header("etag"), Some(etag.as_str()));
    assert_eq!(a.header("location"), Some(edit_link(&created).as_str()));
    assert!(created.updated_at().is_some());
    assert_eq!(created.edited, created.updated);
    assert_eq!(
        created.title.as_ref().map(|t| t.value.as_str()),
        Some("Ada Lovelace")
    );
    assert_eq!(created.name, sent.name);
    assert_eq!(created.emails, sent.emails);
    assert_eq!(created.content, sent.content);
    assert_eq!(created.ext, sent.ext, "unknown elements are kept");
    assert!(self_link(&created).ends_with(&format!("/{FEED}/{id}")));

    let got = send(&r, Some(ADMIN), "GET", &self_link(&created), &[], None).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    assert_eq!(got.entry(), created);

    // every account of the domain shares the one store
    let got = send(&r, Some(ADMIN2), "GET", &format!("{FEED}/{id}"), &[], None).await;
    assert_eq!(got.entry(), created);

    let missing = send(&r, Some(ADMIN), "GET", &format!("{FEED}/0000"), &[], None).await;
    missing.assert_error(404, "notFound");

    let stats = r.emulator().stats();
    assert_eq!(stats.by_method.get("sharedContacts.insert"), Some(&1));
    assert_eq!(stats.by_method.get("sharedContacts.get"), Some(&3));
    assert_eq!(
        stats.by_account["root@corp.example"].get("sharedContacts.get"),
        Some(&1)
    );
}

#[tokio::test]
async fn the_feed_pages_with_start_index_and_max_results() {
    let r = rig(config()).await;
    let mut ids = Vec::new();
    for name in ["Ann", "Ben", "Cid", "Dee", "Eve"] {
        ids.push(create(&r, name).await.short_id().unwrap().to_owned());
        r.emulator().advance(Duration::from_millis(5));
    }
    let first = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?max-results=2"),
        &[],
        None,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let feed = first.feed();
    assert_eq!(feed.total_results, Some(5));
    assert_eq!(feed.start_index, Some(1));
    assert_eq!(feed.items_per_page, Some(2));
    assert_eq!(feed.entries.len(), 2);
    assert!(
        feed.link(gdata::BATCH_REL)
            .is_some_and(|l| l.ends_with("/full/batch"))
    );

    // follow rel=next to the end: every contact once, oldest change first
    let mut seen: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.short_id().unwrap().to_owned())
        .collect();
    let mut next = feed.next_link().map(str::to_owned);
    let mut pages = 1;
    while let Some(url) = next {
        let page = send(&r, Some(ADMIN), "GET", &url, &[], None).await.feed();
        pages += 1;
        assert_eq!(page.total_results, Some(5));
        seen.extend(
            page.entries
                .iter()
                .map(|e| e.short_id().unwrap().to_owned()),
        );
        next = page.next_link().map(str::to_owned);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids);

    let third = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?start-index=3&max-results=2&orderby=lastmodified&sortorder=descending"),
        &[],
        None,
    )
    .await
    .feed();
    let names: Vec<String> = third.entries.iter().map(given).collect();
    assert_eq!(names, ["Cid", "Ben"]);
    assert_eq!(third.start_index, Some(3));

    let huge = format!("{FEED}?start-index={0}&max-results={0}", usize::MAX);
    let far = send(&r, Some(ADMIN), "GET", &huge, &[], None).await.feed();
    assert!(far.entries.is_empty() && far.next_link().is_none());

    let bad = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?start-index=0"),
        &[],
        None,
    )
    .await;
    bad.assert_error(400, "badRequest");
    let bad = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?orderby=name"),
        &[],
        None,
    )
    .await;
    bad.assert_error(400, "badRequest");
    let bad = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?updated-min=yesterday"),
        &[],
        None,
    )
    .await;
    bad.assert_error(400, "badRequest");
    assert!(bad.body.contains("updated-min=yesterday"), "{}", bad.body);
}

#[tokio::test]
async fn updated_min_with_showdeleted_lists_the_changes_since() {
    let r = rig(config()).await;
    let kept = create(&r, "Kept").await;
    let changed = create(&r, "Changed").await;
    let removed = create(&r, "Removed").await;
    r.emulator().advance(Duration::from_secs(1));
    let full = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    assert_eq!(full.entries.len(), 3);
    let since = full.updated.clone().expect("the feed's time");
    r.emulator().advance(Duration::from_secs(1));

    let mut edit = changed.clone();
    edit.nicknames = vec!["Changy".into()];
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &edit_link(&changed),
        &[("If-Match", changed.etag.as_deref().unwrap())],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = send(
        &r,
        Some(ADMIN),
        "DELETE",
        &edit_link(&removed),
        &[("If-Match", "*")],
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let added = create(&r, "Added").await;

    let q = format!("{FEED}?updated-min={}", common::enc(&since));
    let changes = send(&r, Some(ADMIN), "GET", &q, &[], None).await.feed();
    let names: Vec<String> = changes.entries.iter().map(given).collect();
    assert_eq!(
        names,
        ["Changed", "Added"],
        "the tombstone only with showdeleted"
    );

    let changes = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{q}&showdeleted=true"),
        &[],
        None,
    )
    .await
    .feed();
    let ids: Vec<&str> = changes
        .entries
        .iter()
        .map(|e| e.short_id().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            changed.short_id().unwrap(),
            removed.short_id().unwrap(),
            added.short_id().unwrap()
        ]
    );
    let tombstone = &changes.entries[1];
    assert!(tombstone.deleted);
    assert_eq!(
        tombstone,
        &Entry {
            id: removed.id.clone(),
            deleted: true,
            ..Entry::default()
        },
        "a tombstone holds nothing but its id and gd:deleted"
    );
    assert_eq!(changes.entries[0].nicknames, ["Changy"]);
    assert!(!changes.entries.iter().any(|e| e.id == kept.id));

    // the whole feed never shows the tombstone without showdeleted
    let full = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    assert_eq!(full.total_results, Some(3));
    // tombstones are kept 30 days
    r.emulator().advance(Duration::from_secs(31 * 86_400));
    let late = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{q}&showdeleted=true"),
        &[],
        None,
    )
    .await
    .feed();
    assert_eq!(late.entries.len(), 2);
}

#[tokio::test]
async fn an_update_with_a_stale_etag_is_refused() {
    let r = rig(config()).await;
    let original = create(&r, "Grace").await;
    let stale = original.etag.clone().unwrap();
    let url = self_link(&original);

    let mut edit = original.clone();
    edit.name.as_mut().unwrap().full_name = Some(NamePart::new("Grace Brewster Hopper"));
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &url,
        &[("If-Match", &stale)],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let updated = a.entry();
    assert_ne!(
        updated.etag.as_deref(),
        Some(stale.as_str()),
        "a new etag on every write"
    );
    assert_eq!(
        updated.title.as_ref().unwrap().value,
        "Grace Brewster Hopper"
    );
    assert_eq!(updated.id, original.id);

    // the same update again, with the etag it was read with
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &url,
        &[("If-Match", &stale)],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    a.assert_error(412, "etagsMismatch");
    // without If-Match the entry's own gd:etag counts
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &url,
        &[],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    a.assert_error(412, "etagsMismatch");
    // the old edit link names an old version
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &edit_link(&original),
        &[("If-Match", "*")],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    a.assert_error(409, "versionConflict");
    // If-Match: * overrides the etag
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &url,
        &[("If-Match", "*")],
        Some(gdata::write_entry(&edit)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // the id cannot change
    let mut moved = edit.clone();
    moved.id = Some(format!(
        "http://www.google.com/m8/feeds/contacts/{DOMAIN}/base/ffff"
    ));
    let a = send(
        &r,
        Some(ADMIN),
        "PUT",
        &url,
        &[("If-Match", "*")],
        Some(gdata::write_entry(&moved)),
    )
    .await;
    a.assert_error(400, "badRequest");
}

#[tokio::test]
async fn a_deleted_contact_is_gone() {
    let r = rig(config()).await;
    let c = create(&r, "Hedy").await;
    let url = self_link(&c);
    let a = send(
        &r,
        Some(ADMIN),
        "DELETE",
        &url,
        &[("If-Match", "\"stale.\"")],
        None,
    )
    .await;
    a.assert_error(412, "etagsMismatch");
    let a = send(
        &r,
        Some(ADMIN),
        "DELETE",
        &url,
        &[("If-Match", c.etag.as_deref().unwrap())],
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    send(&r, Some(ADMIN), "GET", &url, &[], None)
        .await
        .assert_error(404, "notFound");
    send(&r, Some(ADMIN), "DELETE", &url, &[("If-Match", "*")], None)
        .await
        .assert_error(404, "notFound");
    let feed = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    assert_eq!(feed.total_results, Some(0));
}

#[tokio::test]
async fn a_batch_gives_each_operation_its_own_status() {
    let r = rig(config()).await;
    let to_update = create(&r, "Update").await;
    let to_delete = create(&r, "Delete").await;
    let stale_etag = create(&r, "Stale").await;
    let stale_version = create(&r, "Version").await;
    // move the last two on, so what was read of them is stale
    for c in [&stale_etag, &stale_version] {
        let a = send(
            &r,
            Some(ADMIN),
            "PUT",
            &self_link(c),
            &[("If-Match", "*")],
            Some(gdata::write_entry(c)),
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let mut renamed = to_update.clone();
    renamed.nicknames = vec!["Updated".into()];
    let missing = Entry {
        id: Some(format!(
            "http://www.google.com/m8/feeds/contacts/{DOMAIN}/base/0123456789abcdef"
        )),
        ..Entry::default()
    };
    let item = |id: &str, op: BatchOperation, entry: Entry| BatchItem {
        batch_id: Some(id.into()),
        operation: op,
        entry,
    };
    let request = BatchRequest {
        entries: vec![
            item("new", BatchOperation::Insert, contact("Nova", "New")),
            item("update", BatchOperation::Update, renamed),
            item("delete", BatchOperation::Delete, to_delete.clone()),
            item("missing", BatchOperation::Query, missing.clone()),
            // named by its id: the etag it was read with decides
            item(
                "stale-etag",
                BatchOperation::Update,
                Entry {
                    links: Vec::new(),
                    ..stale_etag.clone()
                },
            ),
            // named by its edit link: the version at its end decides
            item(
                "stale-version",
                BatchOperation::Delete,
                Entry {
                    etag: None,
                    ..stale_version.clone()
                },
            ),
            item(
                "query",
                BatchOperation::Query,
                Entry {
                    id: to_update.id.clone(),
                    ..Entry::default()
                },
            ),
        ],
        ..BatchRequest::default()
    };
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        &format!("{FEED}/batch"),
        &[],
        Some(gdata::write_batch_request(&request)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let response = gdata::parse_batch_response(a.body.as_bytes()).expect("a batch response");
    let outcomes: Vec<(&str, u16)> = response
        .entries
        .iter()
        .map(|r| {
            (
                r.batch_id.as_deref().unwrap(),
                r.status.as_ref().unwrap().code,
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("new", 201),
            ("update", 200),
            ("delete", 200),
            ("missing", 404),
            ("stale-etag", 412),
            ("stale-version", 409),
            ("query", 200),
        ]
    );
    let created = &response.entries[0].entry;
    assert!(created.etag.is_some() && created.short_id().is_some());
    assert_eq!(response.entries[1].entry.nicknames, ["Updated"]);
    assert_eq!(response.entries[6].entry.nicknames, ["Updated"], "in order");
    assert_eq!(
        response.entries[3].entry.id, missing.id,
        "a failure echoes the id"
    );
    assert_eq!(
        response.entries[4]
            .status
            .as_ref()
            .unwrap()
            .reason
            .as_deref(),
        Some("Precondition Failed")
    );
    assert!(response.entries[4].status.as_ref().unwrap().body.is_some());
    assert_eq!(response.entries[0].operation, Some(BatchOperation::Insert));

    let feed = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    let mut names: Vec<String> = feed.entries.iter().map(given).collect();
    names.sort();
    assert_eq!(names, ["Nova", "Stale", "Update", "Version"]);
    assert_eq!(
        r.emulator().stats().by_method.get("sharedContacts.batch"),
        Some(&1)
    );
}

#[tokio::test]
async fn a_batch_holds_at_most_100_operations() {
    let r = rig(config()).await;
    let request = BatchRequest {
        entries: (0..101)
            .map(|i| BatchItem {
                batch_id: Some(i.to_string()),
                operation: BatchOperation::Insert,
                entry: contact("Bulk", &i.to_string()),
            })
            .collect(),
        ..BatchRequest::default()
    };
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        &format!("{FEED}/batch"),
        &[],
        Some(gdata::write_batch_request(&request)),
    )
    .await;
    a.assert_error(400, "tooManyOperations");
    assert!(a.body.contains("101"), "{}", a.body);
    let feed = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    assert_eq!(
        feed.total_results,
        Some(0),
        "nothing of a refused batch is done"
    );

    let hundred = BatchRequest {
        entries: request.entries[..100].to_vec(),
        ..BatchRequest::default()
    };
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        &format!("{FEED}/batch"),
        &[],
        Some(gdata::write_batch_request(&hundred)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn only_an_administrator_of_the_domain_may_use_its_feed() {
    let r = rig(config()).await;
    let body = || Some(gdata::write_entry(&contact("Eve", "Intruder")));
    let a = send(&r, Some(USER), "GET", FEED, &[], None).await;
    a.assert_error(403, "forbidden");
    assert!(
        a.body
            .contains("bob@corp.example is not an administrator of corp.example"),
        "{}",
        a.body
    );
    send(&r, Some(USER), "POST", FEED, &[], body())
        .await
        .assert_error(403, "forbidden");

    let a = send(&r, Some(OTHER_ADMIN), "GET", FEED, &[], None).await;
    a.assert_error(403, "forbidden");
    assert!(
        a.body
            .contains("belongs to other.example, not corp.example"),
        "{}",
        a.body
    );

    let a = send(&r, Some(common::TOKEN), "GET", FEED, &[], None).await;
    a.assert_error(403, "forbidden");
    assert!(a.body.contains("not a Workspace account"), "{}", a.body);

    let a = send(&r, Some("no-such-token"), "GET", FEED, &[], None).await;
    a.assert_error(401, "authError");
    assert!(a.header("www-authenticate").is_some());
    send(&r, None, "GET", FEED, &[], None)
        .await
        .assert_error(401, "authError");

    // each domain has its own store
    create(&r, "Inside").await;
    let own = send(
        &r,
        Some(OTHER_ADMIN),
        "GET",
        "m8/feeds/contacts/other.example/full",
        &[],
        None,
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.feed().total_results, Some(0));
    let ours = send(&r, Some(ADMIN2), "GET", FEED, &[], None).await.feed();
    assert_eq!(ours.total_results, Some(1));
    // the domain is not case-sensitive
    let upper = send(
        &r,
        Some(ADMIN),
        "GET",
        "m8/feeds/contacts/CORP.example/full",
        &[],
        None,
    )
    .await;
    assert_eq!(upper.feed().total_results, Some(1));
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_the_reason() {
    let r = rig(config()).await;
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        FEED,
        &[],
        Some("<entry xmlns='http://www.w3.org/2005/Atom'>\n<title>x</entry>".into()),
    )
    .await;
    a.assert_error(400, "parseError");
    assert!(a.body.contains("malformed xml at line 2"), "{}", a.body);
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        FEED,
        &[],
        Some("<!DOCTYPE x [<!ENTITY a 'b'>]><entry/>".into()),
    )
    .await;
    a.assert_error(400, "parseError");
    assert!(a.body.contains("DOCTYPE"), "{}", a.body);
    let a = send(
        &r,
        Some(ADMIN),
        "POST",
        FEED,
        &[],
        Some("<feed xmlns='http://www.w3.org/2005/Atom'/>".into()),
    )
    .await;
    a.assert_error(400, "parseError");
    let a = send(&r, Some(ADMIN), "POST", &format!("{FEED}/batch"), &[], Some("<feed xmlns='http://www.w3.org/2005/Atom' xmlns:batch='http://schemas.google.com/gdata/batch'><entry><batch:operation type='merge'/></entry></feed>".into())).await;
    a.assert_error(400, "parseError");
    assert!(a.body.contains("merge"), "{}", a.body);
    let a = send(
        &r,
        Some(ADMIN),
        "GET",
        FEED,
        &[("GData-Version", "1.0")],
        None,
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = send(
        &r,
        Some(ADMIN),
        "GET",
        "m8/feeds/contacts/corp.example/thin",
        &[],
        None,
    )
    .await;
    a.assert_error(404, "notFound");
    let feed = send(&r, Some(ADMIN), "GET", FEED, &[], None).await.feed();
    assert_eq!(feed.total_results, Some(0));
}

#[tokio::test]
async fn shared_contacts_are_saved_with_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let config = EmulatorConfig {
        state_file: Some(dir.path().join("state.json")),
        ..config()
    };
    let (kept, gone) = {
        let r = rig(config.clone()).await;
        let kept = create(&r, "Kept").await;
        let gone = create(&r, "Gone").await;
        let a = send(
            &r,
            Some(ADMIN),
            "DELETE",
            &self_link(&gone),
            &[("If-Match", "*")],
            None,
        )
        .await;
        assert_eq!(a.status, 200);
        (kept, gone)
    };
    let r = rig(config).await;
    let got = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}/{}", kept.short_id().unwrap()),
        &[],
        None,
    )
    .await;
    assert_eq!(got.status, 200, "{}", got.body);
    let got = got.entry();
    assert_eq!(got.etag, kept.etag);
    assert_eq!(got.name, kept.name);
    assert_eq!(got.updated, kept.updated);
    let all = send(
        &r,
        Some(ADMIN),
        "GET",
        &format!("{FEED}?showdeleted=true"),
        &[],
        None,
    )
    .await
    .feed();
    assert_eq!(all.entries.len(), 2);
    assert!(all.entries.iter().any(|e| e.deleted && e.id == gone.id));
    // new ids do not collide with the restored ones
    let next = create(&r, "Next").await;
    assert_ne!(next.id, kept.id);
    assert_ne!(next.id, gone.id);
}
