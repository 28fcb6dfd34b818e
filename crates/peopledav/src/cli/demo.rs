//! `peopledav demo`: the emulator (not Google) seeded with made-up contacts, a bridge user
//! `demo`/`demo`, the sync engine and the CardDAV server, in one process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use carddav::DavConfig;
use emulator::{AccountConfig, Emulator, EmulatorConfig, Seed};
use google::{Auth, ClientConfig, GoogleClient, Pacing};
use store::{GoogleAccountRef, User};
use sync::EngineConfig;

use crate::bridge::{self, Binding, BridgeConfig};
use crate::status::AccountInfo;

const DEMO_USER: &str = "demo";
const DEMO_PASSWORD: &str = "demo";
const DEMO_TOKEN: &str = "emulator";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where CardDAV clients connect.
    #[arg(long, default_value = "127.0.0.1:8480")]
    listen: SocketAddr,
    /// Where the emulator listens.
    #[arg(long, default_value = "127.0.0.1:8481")]
    emulator_listen: SocketAddr,
    /// The demo's data directory (the bridge's store and the emulator's state); kept across runs.
    #[arg(long, default_value = "peopledav-demo")]
    data: PathBuf,
    /// How many made-up contacts the emulator starts with (on the first run only).
    #[arg(long, default_value_t = 200)]
    seed_count: usize,
    /// Seconds between sync rounds (client writes are pushed at once regardless).
    #[arg(long, default_value_t = 10)]
    interval: u64,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.data).with_context(|| {
        format!(
            "cannot create the demo data directory {}",
            args.data.display()
        )
    })?;
    let emulator = Emulator::open(EmulatorConfig {
        accounts: vec![AccountConfig {
            token: DEMO_TOKEN.into(),
            email: "demo@example.com".into(),
            workspace_domain: None,
            domain_admin: false,
        }],
        seed: Seed::Count(args.seed_count),
        state_file: Some(args.data.join("emulator.json")),
        ..EmulatorConfig::default()
    })
    .context(
        "cannot load the emulator's saved state (delete the demo data directory to start afresh)",
    )?;
    let emulator_listener = bridge::bind(args.emulator_listen, "--emulator-listen").await?;
    let emulator_addr = emulator_listener.local_addr()?;
    let emulator_task = tokio::spawn(emulator.clone().serve(emulator_listener));

    let store_dir = args.data.join("store");
    let store = super::open_store(&store_dir)?;
    if store.user(DEMO_USER)?.is_none() {
        store.put_user(&User {
            name: DEMO_USER.into(),
            password_hash: carddav::hash_password(DEMO_PASSWORD)?,
            google: GoogleAccountRef {
                label: "demo".into(),
            },
        })?;
        store.flush()?;
    }
    let mut client = ClientConfig::new(Auth::Static(DEMO_TOKEN.into()));
    client.base_url = format!("http://{emulator_addr}");
    client.pacing = Pacing::unlimited();
    let client = GoogleClient::new(client).await?;

    let listener = bridge::bind(args.listen, "--listen").await?;
    let addr = listener.local_addr()?;
    println!(
        "peopledav demo — the contacts come from a local People API emulator, not from Google."
    );
    println!();
    println!("  CardDAV URL:  http://{addr}/dav/   (or just http://{addr}/)");
    println!("  user:         {DEMO_USER}");
    println!("  password:     {DEMO_PASSWORD}");
    println!("  status page:  http://{addr}/  (same user and password)");
    println!();
    println!("  emulator:     http://{emulator_addr}  (bearer token {DEMO_TOKEN:?})");
    println!("  data:         {}", args.data.display());
    println!();
    println!(
        "Add the CardDAV URL to Thunderbird, Apple Contacts, DAVx5 or vdirsyncer. Ctrl-C stops."
    );

    let result = bridge::run(
        BridgeConfig {
            store,
            store_dir,
            bindings: vec![Binding {
                user: DEMO_USER.into(),
                client,
                engine: EngineConfig::new(DEMO_USER),
            }],
            shared: Vec::new(),
            accounts: [(
                "demo".to_owned(),
                AccountInfo {
                    kind: "emulator",
                    oauth: None,
                },
            )]
            .into(),
            interval: Duration::from_secs(args.interval),
            dav: DavConfig::default(),
            public_url: None,
            metrics_token: None,
            tls: None,
        },
        listener,
    )
    .await;
    emulator_task.abort();
    emulator
        .save()
        .context("cannot save the emulator's state")?;
    result.map(|()| ExitCode::SUCCESS)
}
