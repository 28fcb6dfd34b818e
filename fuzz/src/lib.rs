//! The checks behind peopledav's fuzz targets, shared by the targets (`cargo fuzz run NAME`) and by
//! `tests/replay.rs`, which runs every kept corpus and regression input through them on a stable
//! toolchain.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use axum::body::Body;
use axum::http::Request;
use carddav::xml::{parse_document, request};
use carddav::{DavConfig, DavState};
use http_body_util::BodyExt;
use store::{GoogleAccountRef, Store, User};
use tower::ServiceExt;
use vcard_map::{GroupTable, Version, card_to_person, parse, parse_one, person_to_vcard};

/// vCard bytes → parse → Person → vCard 3.0 and 4.0. Any input may be refused, none may panic;
/// what the strict writer produces must read back as one card, no line of it dropped or altered
/// (warnings about odd values, which are kept as written, are fine).
pub fn vcard(bytes: &[u8]) {
    let groups = GroupTable::new([("contactGroups/friends".to_owned(), "Friends".to_owned())]);
    for (card, _diagnostics) in parse(bytes).cards.into_iter().flatten() {
        let _ = card.uid();
        let _ = card.formatted_name();
        for version in [Version::V3, Version::V4] {
            reread(&card.write(version));
        }
        let person = card_to_person(&card, &groups);
        for version in [Version::V3, Version::V4] {
            reread(&person_to_vcard(&person, &groups, version));
        }
    }
}

fn reread(written: &str) {
    match parse_one(written.as_bytes()) {
        Ok((_, diagnostics)) => {
            let lost: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.message.starts_with("dropped") || d.message.starts_with("removed"))
                .collect();
            assert!(
                lost.is_empty(),
                "our own output loses lines {lost:?}:\n{written}"
            );
        }
        Err(e) => panic!("our own output does not parse ({e}):\n{written}"),
    }
}

/// A shared contacts document (entry, feed, batch feeds) → the GData reader; whatever reads is
/// written again, and the written document must read back and write the same text (a prefix may
/// be renamed once, where the input bound a known one to another namespace). An entry also goes
/// to a Person and back, which must give the same entry.
pub fn gdata_xml(bytes: &[u8]) {
    fn stable<T>(
        bytes: &[u8],
        what: &str,
        parse: fn(&[u8]) -> Result<T, gdata::Error>,
        write: fn(&T) -> String,
    ) -> Option<T> {
        let first = parse(bytes).ok()?;
        let written = write(&first);
        let again = parse(written.as_bytes())
            .unwrap_or_else(|e| panic!("our own {what} does not parse ({e}):\n{written}"));
        let rewritten = write(&again);
        assert_eq!(rewritten, written, "the {what} changed on the way");
        Some(first)
    }
    if let Some(entry) = stable(bytes, "entry", gdata::parse_entry, gdata::write_entry) {
        let back = gdata::person_to_entry(&gdata::entry_to_person(&entry));
        assert_eq!(
            unnumbered(&gdata::write_entry(&back)),
            unnumbered(&gdata::write_entry(&entry)),
            "entry → person → entry changed it"
        );
    }
    stable(bytes, "feed", gdata::parse_feed, gdata::write_feed);
    stable(
        bytes,
        "batch",
        gdata::parse_batch_request,
        gdata::write_batch_request,
    );
    stable(
        bytes,
        "batch answer",
        gdata::parse_batch_response,
        gdata::write_batch_response,
    );
}

/// The XML text with the prefixes the writer makes up (`ns1`, `ns2`, …) all called `ns`: which
/// number a namespace gets depends on where it is written, and means nothing.
fn unnumbered(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("ns") {
        let before = rest[..i].chars().next_back();
        let digits = rest[i + 2..].bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i + 2]);
        let generated = digits > 0
            && before.is_some_and(|c| matches!(c, ':' | '<' | ' ' | '/'))
            && rest[i + 2 + digits..].starts_with([':', '=']);
        rest = if generated {
            &rest[i + 2 + digits..]
        } else {
            &rest[i + 2..]
        };
    }
    out.push_str(rest);
    out
}

/// A DAV request body → the PROPFIND, PROPPATCH and REPORT parsers. Any input may be refused,
/// none may panic.
pub fn dav_xml(body: &[u8]) {
    let _ = parse_document(body);
    let _ = request::parse_propfind(body);
    let _ = request::parse_proppatch(body);
    let _ = request::parse_report(body);
}

/// People API JSON → Person → vCard. Any body may be refused, none may panic; a Person
/// re-serializes and reads back equal, and its vCard parses.
pub fn people_json(body: &[u8]) {
    let _ = serde_json::from_slice::<people::ListConnectionsResponse>(body);
    let _ = serde_json::from_slice::<people::BatchCreateContactsResponse>(body);
    let _ = serde_json::from_slice::<people::ErrorBody>(body);
    let Ok(person) = serde_json::from_slice::<people::Person>(body) else {
        return;
    };
    let json = serde_json::to_vec(&person).expect("a Person serializes");
    let again: people::Person = serde_json::from_slice(&json).expect("our own JSON reads back");
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&person).unwrap()
    );
    let groups = GroupTable::new([]);
    for version in [Version::V3, Version::V4] {
        let card = person_to_vcard(&person, &groups, version);
        let (card, _) = parse_one(card.as_bytes()).expect("our own vCard parses");
        let _ = card_to_person(&card, &groups);
    }
}

const METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PROPFIND",
    "PROPPATCH",
    "REPORT",
    "MKCOL",
    "MOVE",
    "COPY",
    "LOCK",
    "UNLOCK",
    "POST",
    "MKCALENDAR",
    "ACL",
    "SEARCH",
];
const PREFIXES: &[&str] = &[
    "/",
    "/.well-known/carddav",
    "/dav/",
    "/dav/alice/",
    "/dav/alice/contacts/",
    "/dav/alice/other/",
    "/dav/alice/directory/",
    "/dav/bob/contacts/",
    "/dav/principals/alice/",
];
const AUTH: &[&str] = &[
    // alice:correct horse, bob:correct horse, alice:wrong
    "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==",
    "Basic Ym9iOmNvcnJlY3QgaG9yc2U=",
    "Basic YWxpY2U6d3Jvbmc=",
    "Basic",
    "Bearer x",
];
const HEADERS: &[&str] = &[
    "Depth",
    "If-Match",
    "If-None-Match",
    "Content-Type",
    "Accept",
    "Content-Length",
    "Destination",
    "Overwrite",
    "Prefer",
    "Brief",
];

/// One request, as the fuzzer builds it.
#[derive(Arbitrary, Debug)]
pub struct HttpInput {
    method: u8,
    prefix: u8,
    suffix: String,
    auth: Option<u8>,
    headers: Vec<(u8, String)>,
    body: Vec<u8>,
}

struct Rig {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
}

fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let store = Store::open_temporary().expect("store");
        let hash = carddav::hash_password("correct horse").expect("hash");
        for name in ["alice", "bob"] {
            let user = User {
                name: name.into(),
                password_hash: hash.clone(),
                google: GoogleAccountRef {
                    label: "family".into(),
                },
            };
            store.put_user(&user).expect("user");
        }
        let config = DavConfig {
            failed_login_delay: Duration::ZERO,
            max_resource_size: 64 * 1024,
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(10),
        };
        let state = DavState::new(store, Arc::new(|_: &str| {}), config);
        Rig {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime"),
            router: carddav::router(state),
        }
    })
}

/// Whole HTTP requests → the DAV router over a real (temporary) store: any method, path,
/// headers and body a client could send. None may panic or be answered with a 5xx.
pub fn dav_http(input: HttpInput) {
    let rig = rig();
    let method = METHODS[usize::from(input.method) % METHODS.len()];
    let prefix = PREFIXES[usize::from(input.prefix) % PREFIXES.len()];
    let mut request = Request::builder().method(method);
    if let Ok(uri) = format!("{prefix}{}", input.suffix).parse::<axum::http::Uri>() {
        request = request.uri(uri);
    } else {
        request = request.uri(prefix);
    }
    if let Some(auth) = input.auth {
        request = request.header("Authorization", AUTH[usize::from(auth) % AUTH.len()]);
    }
    for (name, value) in &input.headers {
        if let Ok(value) = axum::http::HeaderValue::from_str(value) {
            request = request.header(HEADERS[usize::from(*name) % HEADERS.len()], value);
        }
    }
    let Ok(request) = request.body(Body::from(input.body)) else {
        return;
    };
    let uri = request.uri().clone();
    let response = rig.runtime.block_on(async {
        let response = rig
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        (status, body)
    });
    assert!(
        !response.0.is_server_error(),
        "{method} {uri} answered {}: {:?}",
        response.0,
        response.1
    );
}

/// [`dav_http`] on raw bytes, decoded the way `cargo fuzz` decodes them.
pub fn dav_http_bytes(bytes: &[u8]) {
    if let Ok(input) = HttpInput::arbitrary_take_rest(Unstructured::new(bytes)) {
        dav_http(input);
    }
}
