//! A real CardDAV server on 127.0.0.1:0 over a temporary sled store, and a client for it.

#![allow(dead_code, reason = "each test binary uses a part")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use carddav::{DavConfig, DavState};
use reqwest::{Method, RequestBuilder, StatusCode};
use store::{GoogleAccountRef, Store, User};

pub struct Server {
    pub base: String,
    pub store: Store,
    pub wakes: Arc<AtomicUsize>,
    pub http: reqwest::Client,
}

pub const PASSWORD: &str = "correct horse";

pub async fn server() -> Server {
    server_with(DavConfig {
        failed_login_delay: Duration::from_millis(10),
        max_resource_size: 256 * 1024,
        ..DavConfig::default()
    })
    .await
}

/// A server with these limits (alice and bob, password [`PASSWORD`]).
pub async fn server_with(config: DavConfig) -> Server {
    let store = Store::open_temporary().expect("store");
    for name in ["alice", "bob"] {
        store
            .put_user(&User {
                name: name.into(),
                password_hash: carddav::hash_password(PASSWORD).expect("hash"),
                google: GoogleAccountRef {
                    label: "family".into(),
                },
            })
            .expect("user");
    }
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let state = DavState::new(
        store.clone(),
        Arc::new(move |_user: &str| {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
        config,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, carddav::router(state))
            .await
            .expect("serve");
    });
    Server {
        base: format!("http://{addr}"),
        store,
        wakes,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

impl Server {
    /// A request as alice.
    pub fn req(&self, method: &str, path: &str) -> RequestBuilder {
        self.http
            .request(
                Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}{path}", self.base),
            )
            .basic_auth("alice", Some(PASSWORD))
    }

    pub async fn send(
        &self,
        rb: RequestBuilder,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let resp = rb.send().await.expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.expect("body"))
    }

    pub async fn put(
        &self,
        path: &str,
        vcard: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        self.send(
            self.req("PUT", path)
                .header("Content-Type", "text/vcard; charset=utf-8")
                .body(vcard.to_owned()),
        )
        .await
    }

    pub async fn propfind(&self, path: &str, depth: &str, body: &str) -> (StatusCode, String) {
        let (s, _, b) = self
            .send(
                self.req("PROPFIND", path)
                    .header("Depth", depth)
                    .header("Content-Type", "application/xml")
                    .body(body.to_owned()),
            )
            .await;
        (s, b)
    }

    pub async fn report(&self, path: &str, body: &str) -> (StatusCode, String) {
        let (s, _, b) = self
            .send(
                self.req("REPORT", path)
                    .header("Depth", "1")
                    .header("Content-Type", "application/xml")
                    .body(body.to_owned()),
            )
            .await;
        (s, b)
    }
}

pub fn card(uid: &str, name: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEMAIL;TYPE=INTERNET:{uid}@example.org\r\nEND:VCARD\r\n"
    )
}

/// The text between `<tag>` and `</tag>` (namespace prefixes as the server writes them).
pub fn between<'a>(body: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = body.find(open)? + open.len();
    let end = body[start..].find(close)? + start;
    Some(&body[start..end])
}

/// Sends `request` as raw bytes (for what an HTTP library would refuse or normalise, like `..`
/// segments) and returns the status code and the whole response; `None` when the server closed
/// the connection without answering.
pub async fn raw(base: &str, request: &[u8]) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("request written");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let code = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, text))
}

/// The `Authorization` header value of alice.
pub fn alice_auth() -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"))
    )
}
