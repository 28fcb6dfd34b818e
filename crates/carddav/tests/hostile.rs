//! Hostile and broken input: every case is answered with a 4xx that says what is wrong, never a
//! 5xx or a panic, and stores nothing. `docs/security.md` lists the cases and their outcomes.

mod common;

use std::time::Duration;

use carddav::DavConfig;
use common::{PASSWORD, Server, alice_auth, card, raw, server, server_with};
use store::BookName;

const BOOK: &str = "/dav/alice/contacts/";

/// The store's view of alice's and bob's books: (cards, change sequence) each.
fn footprint(s: &Server) -> Vec<(usize, u64)> {
    ["alice", "bob"]
        .iter()
        .map(|u| {
            (
                s.store
                    .card_metas(u, BookName::Contacts)
                    .expect("metas")
                    .len(),
                s.store.book(u, BookName::Contacts).expect("book").seq,
            )
        })
        .collect()
}

/// A 4xx with a non-empty explanation, and nothing changed.
fn refused(s: &Server, before: &[(usize, u64)], case: &str, status: u16, body: &str) {
    assert!(
        (400..500).contains(&status),
        "{case}: expected a 4xx, got {status}: {body}"
    );
    assert!(
        !body.trim().is_empty(),
        "{case}: the {status} explains itself"
    );
    // The outcome table of docs/security.md comes from `cargo test --test hostile -- --nocapture`.
    let message = body
        .rsplit("\r\n\r\n")
        .next()
        .unwrap_or(body)
        .split("<D:responsedescription>")
        .nth(1)
        .map_or(body, |m| m.split('<').next().unwrap_or(m));
    eprintln!(
        "| {case} | {status} | {} |",
        message.trim().replace('\n', " ")
    );
    assert_eq!(footprint(s), before, "{case}: nothing stored");
}

async fn propfind_body(s: &Server, body: Vec<u8>) -> (u16, String) {
    let (status, _, text) = s
        .send(
            s.req("PROPFIND", BOOK)
                .header("Depth", "1")
                .header("Content-Type", "application/xml")
                .body(body),
        )
        .await;
    (status.as_u16(), text)
}

async fn put_bytes(s: &Server, path: &str, body: Vec<u8>) -> (u16, String) {
    let (status, _, text) = s
        .send(
            s.req("PUT", path)
                .header("Content-Type", "text/vcard; charset=utf-8")
                .body(body),
        )
        .await;
    (status.as_u16(), text)
}

#[tokio::test]
async fn hostile_xml_is_refused() {
    let s = server().await;
    let before = footprint(&s);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "unclosed XML",
            b"<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>".to_vec(),
        ),
        ("not XML at all", b"{\"propfind\": true}".to_vec()),
        (
            "mismatched tags",
            b"<D:propfind xmlns:D=\"DAV:\"><D:prop></D:propfind></D:prop>".to_vec(),
        ),
        (
            "a DTD with entity expansion",
            b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&lol3;</D:displayname></D:prop></D:propfind>".to_vec(),
        ),
        (
            "an external entity",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>&xxe;</D:displayname></D:prop></D:propfind>".to_vec(),
        ),
        (
            "invalid UTF-8",
            b"<D:propfind xmlns:D=\"DAV:\"><D:prop><D:display\xff\xfename/></D:prop></D:propfind>"
                .to_vec(),
        ),
        (
            "deeply nested elements",
            {
                let mut v = b"<D:propfind xmlns:D=\"DAV:\"><D:prop>".to_vec();
                v.extend(std::iter::repeat_n(b"<x>".as_slice(), 100_000).flatten());
                v.extend(std::iter::repeat_n(b"</x>".as_slice(), 100_000).flatten());
                v.extend(b"</D:prop></D:propfind>");
                v
            },
        ),
        (
            "an undeclared namespace prefix",
            b"<D:propfind><D:prop><D:displayname/></D:prop></D:propfind>".to_vec(),
        ),
        ("the wrong root element", b"<D:multistatus xmlns:D=\"DAV:\"/>".to_vec()),
    ];
    for (case, body) in cases {
        let (status, text) = propfind_body(&s, body).await;
        refused(&s, &before, case, status, &text);
    }

    // A REPORT nobody knows, and one with a broken filter.
    for (case, body) in [
        (
            "an unknown REPORT",
            "<x:frobnicate xmlns:x=\"urn:example\"/>".to_owned(),
        ),
        (
            "a query with an unknown match-type",
            "<C:addressbook-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><D:prop><D:getetag/></D:prop><C:filter><C:prop-filter name=\"FN\"><C:text-match match-type=\"sounds-like\">x</C:text-match></C:prop-filter></C:filter></C:addressbook-query>".to_owned(),
        ),
        (
            "a sync-collection with a made-up token",
            "<D:sync-collection xmlns:D=\"DAV:\"><D:sync-token>http://evil/token/99999999</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>".to_owned(),
        ),
    ] {
        let (status, text) = s.report(BOOK, &body).await;
        refused(&s, &before, case, status.as_u16(), &text);
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let s = server_with(DavConfig {
        body_limit: 1024 * 1024,
        failed_login_delay: Duration::from_millis(10),
        ..DavConfig::default()
    })
    .await;
    let before = footprint(&s);
    let mut huge = b"<D:propfind xmlns:D=\"DAV:\"><D:prop>".to_vec();
    huge.extend(std::iter::repeat_n(b"<D:displayname/>".as_slice(), 200_000).flatten());
    huge.extend(b"</D:prop></D:propfind>");
    let (status, text) = propfind_body(&s, huge).await;
    assert_eq!(status, 413, "{text}");
    refused(&s, &before, "a 3 MB PROPFIND", status, &text);
}

#[tokio::test]
async fn hostile_cards_are_refused() {
    let s = server().await;
    let before = footprint(&s);

    // 10 MB: far over max-resource-size.
    let mut big = card("big", "Big").into_bytes();
    let note = format!("NOTE:{}\r\n", "x".repeat(10 * 1024 * 1024));
    big.splice(
        big.len() - "END:VCARD\r\n".len()..big.len() - "END:VCARD\r\n".len(),
        note.bytes(),
    );
    let (status, text) = put_bytes(&s, &format!("{BOOK}big.vcf"), big).await;
    assert_eq!(status, 413, "{text}");
    refused(&s, &before, "a 10 MB vCard", status, &text);

    for (case, body) in [
        ("no vCard at all", b"hello".to_vec()),
        (
            "an unterminated card",
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n".to_vec(),
        ),
        (
            "two cards in one resource",
            format!("{}{}", card("a", "A"), card("b", "B")).into_bytes(),
        ),
        (
            "a vCalendar",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_vec(),
        ),
        ("binary garbage", (0u8..=255).cycle().take(4096).collect()),
        (
            "NUL bytes",
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\0b\r\nEND:VCARD\r\n".to_vec(),
        ),
    ] {
        let (status, text) = put_bytes(&s, &format!("{BOOK}hostile.vcf"), body).await;
        refused(&s, &before, case, status, &text);
    }
}

#[tokio::test]
async fn a_card_with_100000_properties_is_refused() {
    let s = server_with(DavConfig {
        max_resource_size: 4 * 1024 * 1024,
        failed_login_delay: Duration::from_millis(10),
        ..DavConfig::default()
    })
    .await;
    let before = footprint(&s);
    let mut body = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:many\r\nFN:Many\r\n");
    for i in 0..100_000 {
        body.push_str(&format!("X-P{}:{i}\r\n", i % 10));
    }
    body.push_str("END:VCARD\r\n");
    let (status, text) = put_bytes(&s, &format!("{BOOK}many.vcf"), body.into_bytes()).await;
    refused(&s, &before, "100,000 properties", status, &text);
    assert!(text.contains("properties"), "{text}");
}

#[tokio::test]
async fn paths_that_leave_the_book_are_refused() {
    let s = server().await;
    s.put("/dav/bob/contacts/x.vcf", &card("x", "X")).await;
    let before = footprint(&s);
    let auth = alice_auth();
    for path in [
        "/dav/alice/contacts/../../bob/contacts/x.vcf",
        "/dav/alice/contacts/%2e%2e/%2e%2e/bob/contacts/x.vcf",
        "/dav/alice/contacts/..%2f..%2fbob%2fcontacts%2fx.vcf",
        "/dav/alice/contacts/%2E%2E%2F%2E%2E%2Fbob%2Fcontacts%2Fx.vcf",
        "/dav/alice/contacts/sub/dir/x.vcf",
        "/dav/alice/contacts/x%00.vcf",
        "/dav/alice/contacts/%C0%AE%C0%AE.vcf",
        "/dav/alice/contacts/%ff%fe.vcf",
        "/dav/alice/contacts/./x.vcf",
        "/dav/alice/contacts//x.vcf",
        "/dav/alice/../bob/contacts/x.vcf",
    ] {
        let card = card("t", "T");
        let request = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: text/vcard\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{card}",
            card.len()
        );
        let (status, text) = raw(&s.base, request.as_bytes())
            .await
            .unwrap_or_else(|| panic!("{path}: no answer"));
        refused(&s, &before, path, status, &text);
        let get = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
        );
        let (status, text) = raw(&s.base, get.as_bytes()).await.expect("an answer");
        assert!(
            (400..500).contains(&status),
            "GET {path}: expected a 4xx, got {status}: {text}"
        );
        assert!(
            !text.contains("BEGIN:VCARD"),
            "GET {path} leaked bob's card"
        );
    }
}

#[tokio::test]
async fn odd_unicode_hrefs_round_trip_escaped() {
    let s = server().await;
    // Emoji, a right-to-left override and combining marks: legal names, stored and listed escaped.
    let href = "%F0%9F%98%80%E2%80%AEe%CC%81.vcf";
    let (status, _, text) = s.put(&format!("{BOOK}{href}"), &card("odd", "Odd")).await;
    assert_eq!(status.as_u16(), 201, "{text}");
    let (status, listing) = s
        .propfind(
            BOOK,
            "1",
            "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>",
        )
        .await;
    assert_eq!(status.as_u16(), 207);
    assert!(
        listing
            .to_ascii_uppercase()
            .contains(&href.to_ascii_uppercase()),
        "the href is listed percent-encoded: {listing}"
    );
    let (status, _, body) = s.send(s.req("GET", &format!("{BOOK}{href}"))).await;
    assert_eq!(status.as_u16(), 200);
    assert!(body.contains("UID:odd"));
}

#[tokio::test]
async fn missing_or_garbled_credentials_are_401() {
    let s = server().await;
    let before = footprint(&s);
    for (case, header) in [
        ("no Authorization", None),
        ("an empty header", Some(String::new())),
        ("garbled base64", Some("Basic !!!not base64!!!".to_owned())),
        ("no colon", Some(format!("Basic {}", b64("alice")))),
        ("an empty user", Some(format!("Basic {}", b64(":pw")))),
        ("a Bearer token", Some("Bearer abc.def".to_owned())),
        ("Digest", Some("Digest username=\"alice\"".to_owned())),
        (
            "invalid UTF-8",
            Some(format!("Basic {}", b64_bytes(b"alice:\xff\xfe"))),
        ),
        (
            "a wrong password",
            Some(format!("Basic {}", b64("alice:wrong"))),
        ),
        (
            "an unknown user",
            Some(format!("Basic {}", b64(&format!("mallory:{PASSWORD}")))),
        ),
        (
            "a huge header",
            Some(format!("Basic {}", b64(&"a".repeat(6000)))),
        ),
    ] {
        let card = card("t", "T");
        let auth = header.map_or(String::new(), |h| format!("Authorization: {h}\r\n"));
        let request = format!(
            "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: text/vcard\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{card}",
            card.len()
        );
        let (status, text) = raw(&s.base, request.as_bytes()).await.expect("an answer");
        assert_eq!(status, 401, "{case}: {text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("www-authenticate: basic"),
            "{case}"
        );
        refused(&s, &before, case, status, &text);
    }
}

fn b64(s: &str) -> String {
    b64_bytes(s.as_bytes())
}

fn b64_bytes(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[tokio::test]
async fn another_users_urls_are_403() {
    let s = server().await;
    s.put("/dav/bob/contacts/x.vcf", &card("x", "X")).await;
    let before = footprint(&s);
    for (method, path) in [
        ("GET", "/dav/bob/contacts/x.vcf"),
        ("DELETE", "/dav/bob/contacts/x.vcf"),
        ("PUT", "/dav/bob/contacts/y.vcf"),
        ("PROPFIND", "/dav/bob/contacts/"),
        ("PROPFIND", "/dav/bob/"),
        ("REPORT", "/dav/bob/contacts/"),
        ("PROPPATCH", "/dav/bob/contacts/"),
    ] {
        let (status, _, text) = s
            .send(
                s.req(method, path)
                    .header("Depth", "0")
                    .header("Content-Type", "text/vcard")
                    .body(card("y", "Y")),
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{method} {path}: {text}");
        refused(&s, &before, path, status.as_u16(), &text);
    }
}

#[tokio::test]
async fn conflicting_or_bad_headers_are_400() {
    let s = server().await;
    let before = footprint(&s);
    let auth = alice_auth();
    let body = "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>";
    let card = card("t", "T");
    for (case, request) in [
        (
            "two different Content-Lengths",
            format!(
                "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: {}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{card}",
                card.len()
            ),
        ),
        (
            "Content-Length and chunked together",
            format!(
                "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
            ),
        ),
        (
            "a negative Content-Length",
            format!(
                "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: -1\r\nConnection: close\r\n\r\n{card}"
            ),
        ),
        (
            "a Depth of banana",
            format!(
                "PROPFIND {BOOK} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nDepth: banana\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "two different Depths",
            format!(
                "PROPFIND {BOOK} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nDepth: 0\r\nDepth: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "Depth infinity",
            format!(
                "PROPFIND {BOOK} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nDepth: infinity\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        ),
        (
            "a garbled If-Match",
            format!(
                "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nIf-Match: \"unterminated\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{card}",
                card.len()
            ),
        ),
    ] {
        let (status, text) = raw(&s.base, request.as_bytes())
            .await
            .unwrap_or_else(|| panic!("{case}: no answer"));
        refused(&s, &before, case, status, &text);
    }
    // A body shorter than its Content-Length: the server waits, then gives up; nothing stored.
    let short = format!(
        "PUT {BOOK}t.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nBEGIN:VCARD\r\n"
    );
    let _ = tokio::time::timeout(Duration::from_secs(3), raw(&s.base, short.as_bytes())).await;
    assert_eq!(footprint(&s), before, "a truncated body stores nothing");
}
