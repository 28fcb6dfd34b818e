//! `peopledav serve`: the bridge for real, as the config file describes it.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use carddav::DavConfig;
use google::{Auth, ClientConfig, GoogleClient, Scopes};
use sync::EngineConfig;

use crate::bridge::{self, Binding, BridgeConfig, SharedBinding};
use crate::config::{AccountAuth, AccountConfig, BookKind, Config, ConflictPolicy};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn run(_args: Args, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(path) = config else {
        bail!(
            "peopledav serve needs a config file: pass --config FILE (start from config/peopledav.example.toml), or try `peopledav demo`"
        );
    };
    let config = Config::load(path)?;
    let tls =
        match &config.tls {
            Some(t) => Some(crate::tls::server_config(&t.cert, &t.key).with_context(|| {
                format!("the [tls] section of {} cannot be used", path.display())
            })?),
            None => None,
        };
    let store = super::open_store(&config.data_dir)?;
    let users = store.users()?;
    if users.is_empty() {
        eprintln!(
            "warning: no CardDAV users yet; add one with `peopledav --config {} user add NAME --account ACCOUNT`",
            path.display()
        );
    }
    let mut bindings = Vec::new();
    for user in users {
        let account = config.account(&user.google.label).with_context(|| {
            format!(
                "user {:?} is bound to account {:?}, which {} does not define: add that [[account]] or remove the user",
                user.name,
                user.google.label,
                path.display()
            )
        })?;
        show_shared_book(&store, &config, &user.name)?;
        bindings.push(Binding {
            client: client(&config, account).await?,
            engine: engine_config(&config, account, &user.name),
            user: user.name,
        });
    }
    let mut shared = Vec::new();
    for domain in &config.domains {
        let Some(account) = config.account(&domain.account) else {
            continue;
        };
        shared.push(SharedBinding {
            domain: domain.name.clone(),
            client: client(&config, account).await?,
            engine: shared_engine_config(&config, account, &domain.name),
        });
    }
    let listener = bridge::bind(
        config.listen,
        "listen in the config file (or PEOPLEDAV_LISTEN)",
    )
    .await?;
    eprintln!(
        "peopledav serving CardDAV on {}://{}/dav/ for {} user(s)",
        if tls.is_some() { "https" } else { "http" },
        listener.local_addr()?,
        bindings.len()
    );
    bridge::run(
        BridgeConfig {
            store,
            store_dir: config.data_dir.clone(),
            bindings,
            shared,
            accounts: config
                .accounts
                .iter()
                .map(|a| {
                    let shared = config.reads_shared_contacts(&a.name);
                    (a.name.clone(), bridge::account_info(a, shared))
                })
                .collect(),
            public_url: config.public_url.clone(),
            metrics_token: config.metrics.token.clone(),
            tls,
            interval: Duration::from_secs(config.sync.interval_secs),
            dav: DavConfig {
                max_resource_size: config.limits.max_resource_size,
                body_limit: config.limits.max_body,
                request_timeout: Duration::from_secs(config.limits.request_timeout_secs),
                ..DavConfig::default()
            },
        },
        listener,
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Tells the CardDAV front end which domain's shared book `user` sees, and whether the user may
/// write to it (or that the user sees none).
pub fn show_shared_book(store: &store::Store, config: &Config, user: &str) -> anyhow::Result<()> {
    let domain = config.domain_of(user);
    let name = domain.map_or("", |d| d.name.as_str());
    let admin = domain.is_some_and(|d| d.is_admin(user));
    store.set_meta(user, carddav::SHARED_DOMAIN_META_KEY, name.as_bytes())?;
    store.set_meta(
        user,
        carddav::SHARED_ADMIN_META_KEY,
        if admin { b"1" } else { b"0" },
    )?;
    Ok(())
}

/// The People API client of one configured account (which, for a `[[domain]]`, also reaches the
/// domain's shared contacts feed).
pub async fn client(config: &Config, account: &AccountConfig) -> anyhow::Result<GoogleClient> {
    let shared_contacts = config.reads_shared_contacts(&account.name);
    let (auth, base_url) = match &account.auth {
        AccountAuth::Oauth {
            client_secret_file,
            token_file,
            api_url,
        } => (
            Auth::InstalledApp {
                client_secret_file: client_secret_file.clone(),
                token_file: token_file.clone(),
            },
            api_url.clone(),
        ),
        AccountAuth::ServiceAccount { key_file, subject } => (
            Auth::ServiceAccount {
                key_file: key_file.clone(),
                subject: subject.clone(),
            },
            None,
        ),
        AccountAuth::Emulator { url, token } => (Auth::Static(token.clone()), Some(url.clone())),
    };
    let mut config = ClientConfig::new(auth);
    let emulated = matches!(account.auth, AccountAuth::Emulator { .. });
    if let Some(url) = base_url {
        config.base_url = url.trim_end_matches('/').to_owned();
        if emulated {
            config.pacing = google::Pacing::unlimited();
            config.feeds_url = config.base_url.clone();
        }
    }
    config.scopes = Scopes {
        other_contacts: account.books.contains(&BookKind::Other),
        directory: account.books.contains(&BookKind::Directory),
        shared_contacts,
    };
    GoogleClient::new(config).await.with_context(|| {
        format!(
            "cannot set up the Google client of account {:?}",
            account.name
        )
    })
}

/// The sync engine settings of a domain's shared contacts (synced with `account`, an admin's).
pub fn shared_engine_config(
    config: &Config,
    account: &AccountConfig,
    domain: &str,
) -> EngineConfig {
    let mut engine = engine_config(config, account, &store::shared_owner(domain));
    engine.book = store::BookName::Shared;
    engine.other_contacts = false;
    engine.directory = false;
    engine
}

/// The sync engine settings of one user.
pub fn engine_config(config: &Config, account: &AccountConfig, user: &str) -> EngineConfig {
    let mut engine = EngineConfig::new(user);
    engine.conflict_policy = match config.sync.conflict_policy {
        ConflictPolicy::NewestWins => sync::ConflictPolicy::NewestWins,
        ConflictPolicy::GoogleWins => sync::ConflictPolicy::GoogleWins,
        ConflictPolicy::ClientWins => sync::ConflictPolicy::ClientWins,
    };
    engine.mass_delete_share = config.sync.mass_delete_share;
    engine.mass_delete_min = config.sync.mass_delete_min;
    engine.full_reconcile_every =
        Duration::from_secs(config.sync.full_reconcile_hours.max(1) * 3600);
    engine.other_contacts = account.books.contains(&BookKind::Other);
    engine.directory = account.books.contains(&BookKind::Directory);
    engine
}
