//! Load on the CardDAV server: many clients polling (ctag, then sync-collection) while a few
//! write, on loopback against a real sled store. Prints p50/p99 latency per request kind and the
//! error count.
//!
//! `cargo bench -p carddav --bench load` (60 s, 50 pollers, 5 writers, a 2,000-card book);
//! `LOAD_SECS`, `LOAD_POLLERS`, `LOAD_WRITERS` and `LOAD_CARDS` change the figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use carddav::{DavConfig, DavState};
use store::{BookName, ClientPut, GoogleAccountRef, Store, User};
use tokio::sync::Mutex;

const USER: &str = "load";
const PASSWORD: &str = "load test password";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn card(uid: &str, n: u64) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n\
         EMAIL;TYPE=INTERNET,HOME:person{n}@example.org\r\nTEL;TYPE=CELL:+1 555 {n:07}\r\n\
         ADR;TYPE=HOME:;;{n} Main Street;Springfield;;12345;USA\r\nORG:Example Inc.\r\nEND:VCARD\r\n"
    )
}

#[derive(Default)]
struct Samples {
    ctag: Vec<Duration>,
    sync: Vec<Duration>,
    put: Vec<Duration>,
    errors: u64,
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn between<'a>(body: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = body.find(open)? + open.len();
    let end = body[start..].find(close)? + start;
    Some(&body[start..end])
}

#[tokio::main]
async fn main() {
    let secs = env("LOAD_SECS", 60);
    let pollers = env("LOAD_POLLERS", 50);
    let writers = env("LOAD_WRITERS", 5);
    let cards = env("LOAD_CARDS", 2000);

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    store
        .put_user(&User {
            name: USER.into(),
            password_hash: carddav::hash_password(PASSWORD).expect("hash"),
            google: GoogleAccountRef {
                label: "load".into(),
            },
        })
        .expect("user");
    for n in 0..cards {
        let uid = format!("seed-{n}");
        store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href: format!("{uid}.vcf"),
                    uid: uid.clone(),
                    vcard: card(&uid, n).into_bytes(),
                    if_match: None,
                    if_none_match_any: false,
                },
            )
            .expect("seed card");
    }
    store.flush().expect("flush");

    let state = DavState::new(store, Arc::new(|_: &str| {}), DavConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, carddav::router(state)).await });

    let book = format!("{base}/dav/{USER}/contacts/");
    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Samples::default()));
    let propfind = reqwest::Method::from_bytes(b"PROPFIND").expect("method");
    let report = reqwest::Method::from_bytes(b"REPORT").expect("method");
    let mut tasks = Vec::new();

    for _ in 0..pollers {
        let (book, stop, samples) = (book.clone(), stop.clone(), samples.clone());
        let (propfind, report) = (propfind.clone(), report.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut local = Samples::default();
            let mut token = String::new();
            let mut ctag = String::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let resp = http
                    .request(propfind.clone(), &book)
                    .basic_auth(USER, Some(PASSWORD))
                    .header("Depth", "0")
                    .header("Content-Type", "application/xml")
                    .body("<D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop><CS:getctag/><D:sync-token/></D:prop></D:propfind>")
                    .send()
                    .await;
                let body = match resp {
                    Ok(r) if r.status().as_u16() == 207 => r.text().await.unwrap_or_default(),
                    _ => {
                        local.errors += 1;
                        continue;
                    }
                };
                local.ctag.push(t.elapsed());
                let now = between(&body, "getctag>", "</").unwrap_or("").to_owned();
                if now != ctag {
                    ctag = now;
                    let t = Instant::now();
                    let resp = http
                        .request(report.clone(), &book)
                        .basic_auth(USER, Some(PASSWORD))
                        .header("Content-Type", "application/xml")
                        .body(format!(
                            "<D:sync-collection xmlns:D=\"DAV:\"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"
                        ))
                        .send()
                        .await;
                    match resp {
                        Ok(r) if r.status().as_u16() == 207 => {
                            let body = r.text().await.unwrap_or_default();
                            local.sync.push(t.elapsed());
                            if let Some(t) = between(&body, "<D:sync-token>", "</D:sync-token>") {
                                token = t.to_owned();
                            }
                        }
                        _ => local.errors += 1,
                    }
                }
                // A client polls every few seconds; here each one polls 10 times a second.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let mut all = samples.lock().await;
            all.ctag.extend(local.ctag);
            all.sync.extend(local.sync);
            all.errors += local.errors;
        }));
    }
    for w in 0..writers {
        let (book, stop, samples) = (book.clone(), stop.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut local = Samples::default();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // Alternate new cards and edits of seeded ones.
                let uid = if n.is_multiple_of(2) {
                    format!("w{w}-{n}")
                } else {
                    format!("seed-{}", (n * 7 + w) % cards.max(1))
                };
                let t = Instant::now();
                let resp = http
                    .put(format!("{book}{uid}.vcf"))
                    .basic_auth(USER, Some(PASSWORD))
                    .header("Content-Type", "text/vcard")
                    .body(card(&uid, n + 1_000_000))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status().is_success() => local.put.push(t.elapsed()),
                    _ => local.errors += 1,
                }
                n += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            let mut all = samples.lock().await;
            all.put.extend(local.put);
            all.errors += local.errors;
        }));
    }

    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let mut guard = samples.lock().await;
    let s = &mut *guard;
    println!(
        "{pollers} pollers and {writers} writers for {secs} s on a {cards}-card book (loopback, sled in a temp dir)"
    );
    println!("| request | count | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (name, v) in [
        ("PROPFIND ctag", &mut s.ctag),
        ("sync-collection", &mut s.sync),
        ("PUT", &mut s.put),
    ] {
        let max = v.iter().max().copied().unwrap_or_default();
        let count = v.len();
        let p50 = percentile(v, 0.50);
        let p99 = percentile(v, 0.99);
        println!(
            "| {name} | {count} | {:.2} ms | {:.2} ms | {:.2} ms |",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
    println!("errors: {}", s.errors);
}
