//! The CardDAV server over HTTP: discovery, PROPFIND, cards with preconditions, REPORTs,
//! validation and access control.

mod common;

use common::{PASSWORD, between, card, server};
use reqwest::StatusCode;

const BOOK: &str = "/dav/alice/contacts/";

#[tokio::test]
async fn a_client_given_only_the_root_finds_the_books() {
    let s = server().await;
    let (status, headers, _) = s.send(s.req("GET", "/.well-known/carddav")).await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers["location"], "/dav/");

    let body = r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>"#;
    let (status, xml) = s.propfind("/", "0", body).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    let principal = between(&xml, "<D:current-user-principal><D:href>", "</D:href>").expect(&xml);
    assert_eq!(principal, "/dav/principals/alice/");

    let body = r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:addressbook-home-set/></D:prop></D:propfind>"#;
    let (status, xml) = s.propfind(principal, "0", body).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(xml.contains("<D:href>/dav/alice/</D:href>"), "{xml}");

    let (status, xml) = s.propfind("/dav/alice/", "1", "").await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(xml.contains("/dav/alice/contacts/"), "{xml}");
    assert!(xml.contains("/dav/alice/other/"), "{xml}");
    assert!(
        !xml.contains("/dav/alice/directory/"),
        "no directory for a non-Workspace account: {xml}"
    );
    assert!(xml.contains("<C:addressbook/>"), "{xml}");

    let (status, headers, _) = s.send(s.req("OPTIONS", BOOK)).await;
    assert!(status.is_success());
    let dav = headers["dav"].to_str().expect("ascii");
    assert!(dav.contains("addressbook") && dav.contains('3'), "{dav}");
}

#[tokio::test]
async fn propfind_reports_missing_properties_and_refuses_infinite_depth() {
    let s = server().await;
    let body = r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:X="urn:x-test"><D:prop><D:displayname/><X:nothing/></D:prop></D:propfind>"#;
    let (status, xml) = s.propfind(BOOK, "0", body).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(xml.contains("Contacts"), "{xml}");
    assert!(
        xml.contains("404"),
        "the unknown property is a 404 propstat: {xml}"
    );

    let (status, xml) = s.propfind(BOOK, "infinity", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(xml.contains("propfind-finite-depth"), "{xml}");

    let (status, xml) = s
        .propfind(
            BOOK,
            "0",
            r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>"#,
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(
        xml.contains("getctag") || xml.contains("sync-token"),
        "{xml}"
    );
}

#[tokio::test]
async fn cards_honour_preconditions_and_keep_the_bytes_sent() {
    let s = server().await;
    let ada = card("ada", "Ada Lovelace");
    let (status, headers, _) = s.put(&format!("{BOOK}ada.vcf"), &ada).await;
    assert_eq!(status, StatusCode::CREATED);
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    assert!(
        s.wakes.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the sync task is woken"
    );

    let (status, headers, body) = s.send(s.req("GET", &format!("{BOOK}ada.vcf"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, ada, "the stored bytes are what the client sent");
    assert_eq!(headers["etag"].to_str().expect("etag"), etag);

    let (status, headers, body) = s.send(s.req("HEAD", &format!("{BOOK}ada.vcf"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(headers["etag"].to_str().expect("etag"), etag);

    // Create-only on an existing card, and a stale If-Match: both 412, nothing changes.
    let (status, _, _) = s
        .send(
            s.req("PUT", &format!("{BOOK}ada.vcf"))
                .header("If-None-Match", "*")
                .header("Content-Type", "text/vcard")
                .body(ada.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let edited = ada.replace("Ada Lovelace", "Ada King");
    let (status, _, _) = s
        .send(
            s.req("PUT", &format!("{BOOK}ada.vcf"))
                .header("If-Match", "\"stale\"")
                .header("Content-Type", "text/vcard")
                .body(edited.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, headers, _) = s
        .send(
            s.req("PUT", &format!("{BOOK}ada.vcf"))
                .header("If-Match", &etag)
                .header("Content-Type", "text/vcard")
                .body(edited.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let new_etag = headers["etag"].to_str().expect("etag").to_owned();
    assert_ne!(new_etag, etag);

    let (status, _, _) = s
        .send(
            s.req("DELETE", &format!("{BOOK}ada.vcf"))
                .header("If-Match", &etag),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, _) = s
        .send(
            s.req("DELETE", &format!("{BOOK}ada.vcf"))
                .header("If-Match", &new_etag),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let (status, _, _) = s.send(s.req("GET", &format!("{BOOK}ada.vcf"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_cards_get_clear_4xx_and_nothing_is_stored() {
    let s = server().await;
    let (status, _, body) = s
        .put(
            &format!("{BOOK}bad.vcf"),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Unfinished\r\n",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("valid-address-data"), "{body}");
    assert!(
        body.to_lowercase().contains("end:vcard") || body.contains("line"),
        "the message names the problem: {body}"
    );

    let (status, _, _) = s
        .send(
            s.req("PUT", &format!("{BOOK}x.vcf"))
                .header("Content-Type", "application/json")
                .body("{}"),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:huge\r\nFN:Huge\r\nNOTE:{}\r\nEND:VCARD\r\n",
        "x".repeat(300 * 1024)
    );
    let (status, _, body) = s.put(&format!("{BOOK}huge.vcf"), &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    s.put(&format!("{BOOK}one.vcf"), &card("same-uid", "One"))
        .await;
    let (status, _, body) = s
        .put(&format!("{BOOK}two.vcf"), &card("same-uid", "Two"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("no-uid-conflict"), "{body}");

    let (status, _, _) = s.put("/dav/alice/other/x.vcf", &card("x", "X")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the other-contacts book is read-only"
    );

    let cards = s
        .store
        .cards("alice", store::BookName::Contacts)
        .expect("cards");
    assert_eq!(cards.len(), 1, "only the one valid card is stored");
}

#[tokio::test]
async fn users_see_only_their_own_books() {
    let s = server().await;
    let (status, headers, _) = s
        .send(s.http.request(
            reqwest::Method::from_bytes(b"PROPFIND").expect("m"),
            format!("{}{BOOK}", s.base),
        ))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));
    let (status, _, _) = s
        .send(
            s.http
                .get(format!("{}{BOOK}", s.base))
                .basic_auth("alice", Some("wrong")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = s
        .send(
            s.http
                .get(format!("{}{BOOK}", s.base))
                .basic_auth("bob", Some(PASSWORD)),
        )
        .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    let (status, _, _) = s
        .send(
            s.http
                .put(format!("{}{BOOK}evil.vcf", s.base))
                .basic_auth("bob", Some(PASSWORD))
                .header("Content-Type", "text/vcard")
                .body(card("evil", "Evil")),
        )
        .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    for path in [
        "/dav/alice/../bob/contacts/",
        "/dav/alice/%2e%2e/bob/contacts/",
        "/dav/alice/contacts/..%2fx.vcf",
    ] {
        let (status, _, _) = s.send(s.req("GET", path)).await;
        assert!(status.is_client_error(), "{path}: {status}");
    }
}

#[tokio::test]
async fn reports_multiget_query_and_sync_collection() {
    let s = server().await;
    for (uid, name) in [
        ("ada", "Ada Lovelace"),
        ("alan", "Alan Turing"),
        ("grace", "Grace Hopper"),
    ] {
        let (status, _, _) = s.put(&format!("{BOOK}{uid}.vcf"), &card(uid, name)).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    let multiget = format!(
        r#"<?xml version="1.0"?><C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop><D:href>{BOOK}ada.vcf</D:href><D:href>{BOOK}nope.vcf</D:href></C:addressbook-multiget>"#
    );
    let (status, xml) = s.report(BOOK, &multiget).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(xml.contains("Ada Lovelace"), "{xml}");
    assert!(xml.contains("nope.vcf") && xml.contains("404"), "{xml}");

    let query = r#"<?xml version="1.0"?><C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter><C:prop-filter name="FN"><C:text-match collation="i;unicode-casemap" match-type="contains">TURING</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"#;
    let (status, xml) = s.report(BOOK, query).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(xml.contains("alan.vcf"), "{xml}");
    assert!(
        !xml.contains("ada.vcf") && !xml.contains("grace.vcf"),
        "{xml}"
    );

    let negated = r#"<?xml version="1.0"?><C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter test="anyof"><C:prop-filter name="FN"><C:text-match negate-condition="yes" match-type="starts-with">A</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"#;
    let (_, xml) = s.report(BOOK, negated).await;
    assert!(
        xml.contains("grace.vcf") && !xml.contains("ada.vcf"),
        "{xml}"
    );

    let initial = r#"<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let (status, xml) = s.report(BOOK, initial).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(xml.matches(".vcf").count(), 3, "{xml}");
    let token = between(&xml, "<D:sync-token>", "</D:sync-token>")
        .expect(&xml)
        .to_owned();

    s.send(s.req("DELETE", &format!("{BOOK}ada.vcf"))).await;
    s.put(&format!("{BOOK}alan.vcf"), &card("alan", "Alan M. Turing"))
        .await;
    let incremental = format!(
        r#"<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#
    );
    let (status, xml) = s.report(BOOK, &incremental).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(
        xml.contains("ada.vcf") && xml.contains("404"),
        "the deletion is reported: {xml}"
    );
    assert!(xml.contains("alan.vcf"), "{xml}");
    assert!(
        !xml.contains("grace.vcf"),
        "unchanged cards are not reported: {xml}"
    );

    let bogus = r#"<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>http://example.com/not-ours</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let (status, xml) = s.report(BOOK, bogus).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(xml.contains("valid-sync-token"), "{xml}");
}

#[tokio::test]
async fn the_version_follows_the_accept_header() {
    let s = server().await;
    s.put(&format!("{BOOK}ada.vcf"), &card("ada", "Ada Lovelace"))
        .await;
    let (status, h4, v4) = s
        .send(
            s.req("GET", &format!("{BOOK}ada.vcf"))
                .header("Accept", "text/vcard; version=4.0"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(v4.contains("VERSION:4.0"), "{v4}");
    let (_, h4b, _) = s
        .send(
            s.req("GET", &format!("{BOOK}ada.vcf"))
                .header("Accept", "text/vcard; version=4.0"),
        )
        .await;
    assert_eq!(
        h4.get("etag"),
        h4b.get("etag"),
        "the same representation has the same etag"
    );
    let (_, _, v3) = s.send(s.req("GET", &format!("{BOOK}ada.vcf"))).await;
    assert!(v3.contains("VERSION:3.0"), "{v3}");

    let (status, _, whole) = s.send(s.req("GET", BOOK)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        whole.matches("BEGIN:VCARD").count(),
        1,
        "GET on the book is the whole book"
    );
}

#[tokio::test]
async fn write_methods_that_make_no_sense_are_refused() {
    let s = server().await;
    for method in ["MKCOL", "MOVE", "COPY", "LOCK"] {
        let (status, _, _) = s.send(s.req(method, "/dav/alice/newbook/")).await;
        assert!(status.is_client_error(), "{method}: {status}");
    }
    let proppatch = r#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Family</D:displayname></D:prop></D:set></D:propertyupdate>"#;
    let (status, _, _) = s
        .send(
            s.req("PROPPATCH", BOOK)
                .header("Content-Type", "application/xml")
                .body(proppatch),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    let (_, xml) = s.propfind(BOOK, "0", "").await;
    assert!(xml.contains("Family"), "{xml}");
}

#[tokio::test]
async fn every_real_world_card_is_stored_or_refused_with_a_4xx() {
    let Some(shared) = testkit::shared_dir() else {
        return;
    };
    let s = server().await;
    let manifest = std::fs::read_to_string(shared.join("vcards/MANIFEST.tsv")).expect("manifest");
    let mut stored = 0;
    for (i, line) in manifest.lines().skip(1).enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, intent, count) = (cols[0], cols[3], cols[6]);
        let bytes = std::fs::read(shared.join("vcards").join(file)).expect("card file");
        let resp = s
            .req("PUT", &format!("{BOOK}corpus-{i}.vcf"))
            .header("Content-Type", "text/vcard")
            .body(bytes)
            .send()
            .await
            .expect("put");
        let status = resp.status();
        assert!(!status.is_server_error(), "{file}: {status}");
        if intent == "valid" && count == "1" {
            // A UID another corpus file uses as well is a legitimate 409.
            assert!(
                status.is_success() || status == StatusCode::CONFLICT,
                "{file}: {status} {}",
                resp.text().await.unwrap_or_default()
            );
            if status.is_success() {
                stored += 1;
                let (get, _, body) = s.send(s.req("GET", &format!("{BOOK}corpus-{i}.vcf"))).await;
                assert_eq!(get, StatusCode::OK, "{file}");
                assert!(body.contains("BEGIN:VCARD"), "{file}");
            }
        } else {
            assert!(
                status.is_client_error() || status.is_success(),
                "{file}: {status}"
            );
        }
    }
    assert!(stored > 100, "most single-card files are stored: {stored}");
}
