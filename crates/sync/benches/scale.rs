//! A 10,000-contact account through the sync engine, against the in-process emulator over HTTP
//! and a real sled store: the first full sync, an incremental sync with nothing new, then 10,000
//! client creates, 10,000 client edits and 10,000 client deletes pushed to Google. Prints the
//! time and the People API calls of each round (the emulator counts them).
//!
//! `cargo bench -p sync --bench scale` (`SCALE_CONTACTS=N` for another size).

use std::time::Instant;

use emulator::{Emulator, EmulatorConfig, Quotas, Seed};
use google::{Auth, ClientConfig, GoogleClient, Pacing};
use store::{BookName, ClientPut, Store};
use sync::{EngineConfig, SyncEngine, SyncOptions};

const USER: &str = "bench";

fn card(i: usize, email: &str) -> Vec<u8> {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:scale-{i}\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n\
         EMAIL;TYPE=work:{email}\r\nTEL;TYPE=cell:+1 555 {i:06}\r\nORG:Example {}\r\n\
         X-PET:Rex\r\nEND:VCARD\r\n",
        i % 50
    )
    .into_bytes()
}

fn main() {
    let n: usize = std::env::var("SCALE_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run(n));
}

async fn run(n: usize) {
    let emulator = Emulator::start(EmulatorConfig {
        seed: Seed::Count(n),
        quotas: Quotas::unlimited(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let mut config = ClientConfig::new(Auth::Static("emulator".into()));
    config.base_url = emulator.base_url();
    config.pacing = Pacing::unlimited();
    let client = GoogleClient::new(config).await.expect("client");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    let mut engine_config = EngineConfig::new(USER);
    engine_config.other_contacts = false;
    let engine = SyncEngine::new(store.clone(), client, engine_config);
    let force = SyncOptions {
        force: true,
        ..SyncOptions::default()
    };

    println!("{n} contacts, one account, release build, loopback");
    println!("| round | time | People API calls |");
    println!("|---|---|---|");
    let round = |name: String| {
        let engine = &engine;
        let emulator = &emulator;
        async move {
            emulator.emulator.reset_stats();
            let started = Instant::now();
            let report = engine.sync_once(force).await.expect("sync round");
            let elapsed = started.elapsed();
            let stats = emulator.emulator.stats();
            let calls: Vec<String> = stats
                .by_method
                .iter()
                .map(|(m, c)| format!("{m} {c}"))
                .collect();
            println!(
                "| {name} | {:.2} s | {} |",
                elapsed.as_secs_f64(),
                calls.join(", ")
            );
            report
        }
    };

    round(format!("first sync: pull {n}")).await;
    assert!(store.cards(USER, BookName::Contacts).expect("cards").len() >= n);
    round("incremental sync, nothing new".into()).await;

    for i in 0..n {
        store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href: format!("scale-{i}.vcf"),
                    uid: format!("scale-{i}"),
                    vcard: card(i, &format!("p{i}@example.org")),
                    if_match: None,
                    if_none_match_any: true,
                },
            )
            .expect("client create");
    }
    round(format!("push {n} client creates")).await;

    for i in 0..n {
        let href = format!("scale-{i}.vcf");
        let etag = store
            .card(USER, BookName::Contacts, &href)
            .expect("read")
            .expect("the card")
            .etag;
        store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href,
                    uid: format!("scale-{i}"),
                    vcard: card(i, &format!("p{i}@new.example.org")),
                    if_match: Some(etag),
                    if_none_match_any: false,
                },
            )
            .expect("client edit");
    }
    round(format!("push {n} client edits")).await;

    for i in 0..n {
        store
            .client_delete(USER, BookName::Contacts, &format!("scale-{i}.vcf"), None)
            .expect("client delete");
    }
    round(format!("push {n} client deletes")).await;
    let left = emulator
        .emulator
        .persons("emulator")
        .iter()
        .filter(|p| !p.is_deleted())
        .count();
    assert_eq!(
        left, n,
        "Google holds the seeded contacts again, and only those"
    );
}
