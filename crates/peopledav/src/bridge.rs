//! The running bridge: one sync task per bridge user, the CardDAV server in front of the store,
//! the status page and `/metrics` beside it (see [`crate::web`]), and the status report kept in
//! `status.json` for `peopledav status`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use carddav::{DavConfig, DavState};
use google::GoogleClient;
use store::Store;
use sync::{EngineConfig, SyncEngine, SyncHandle};
use tokio::net::TcpListener;

use crate::config::{AccountAuth, AccountConfig, BookKind};
use crate::status::{self, AccountInfo, OauthFiles};
use crate::web::{self, WebState};

/// How often the running bridge rewrites `status.json`.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(5);

/// One bridge user and the Google account its books mirror.
pub struct Binding {
    pub user: String,
    pub client: GoogleClient,
    pub engine: EngineConfig,
}

/// The shared contacts of one Workspace domain, synced with a domain administrator's client
/// into the `shared` book of [`store::shared_owner`].
pub struct SharedBinding {
    pub domain: String,
    pub client: GoogleClient,
    pub engine: EngineConfig,
}

/// Everything [`run`] needs.
pub struct BridgeConfig {
    pub store: Store,
    /// The folder of the store, where `status.json` is kept.
    pub store_dir: PathBuf,
    pub bindings: Vec<Binding>,
    pub shared: Vec<SharedBinding>,
    /// The configured Google accounts, by name.
    pub accounts: BTreeMap<String, AccountInfo>,
    pub interval: Duration,
    pub dav: DavConfig,
    /// See `public_url` in the config file.
    pub public_url: Option<String>,
    /// See `[metrics] token` in the config file.
    pub metrics_token: Option<String>,
    /// Serve HTTPS with this certificate (`[tls]` in the config file); plain HTTP without.
    pub tls: Option<axum_server::tls_rustls::RustlsConfig>,
}

/// What the status page and `peopledav status` need to know about a configured account.
///
/// `shared_contacts`: whether the account's login must also reach a domain's shared contacts.
pub fn account_info(account: &AccountConfig, shared_contacts: bool) -> AccountInfo {
    let (kind, oauth) = match &account.auth {
        AccountAuth::Oauth {
            client_secret_file,
            token_file,
            ..
        } => (
            "oauth",
            Some(OauthFiles {
                client_secret_file: client_secret_file.clone(),
                token_file: token_file.clone(),
                scopes: google::Scopes {
                    other_contacts: account.books.contains(&BookKind::Other),
                    directory: account.books.contains(&BookKind::Directory),
                    shared_contacts,
                },
            }),
        ),
        AccountAuth::ServiceAccount { .. } => ("service-account", None),
        AccountAuth::Emulator { .. } => ("emulator", None),
    };
    AccountInfo { kind, oauth }
}

/// Serves CardDAV on `listener` and syncs every user until Ctrl-C (or SIGTERM), then stops the
/// sync tasks after their current round and flushes the store.
pub async fn run(config: BridgeConfig, listener: TcpListener) -> anyhow::Result<()> {
    let handles: Arc<Mutex<HashMap<String, SyncHandle>>> = Arc::default();
    let clients: Vec<(String, GoogleClient)> = config
        .bindings
        .iter()
        .map(|b| (b.user.clone(), b.client.clone()))
        .collect();
    for binding in config.bindings {
        let engine = Arc::new(SyncEngine::new(
            config.store.clone(),
            binding.client,
            binding.engine,
        ));
        let handle = sync::spawn(engine, config.interval);
        lock(&handles).insert(binding.user, handle);
    }
    for shared in config.shared {
        let owner = shared.engine.user.clone();
        let api = sync::SharedContactsApi::new(shared.client, shared.domain);
        let engine = Arc::new(SyncEngine::new(config.store.clone(), api, shared.engine));
        let handle = sync::spawn(engine, config.interval);
        lock(&handles).insert(owner, handle);
    }
    let wake_handles = handles.clone();
    let wake = Arc::new(move |user: &str| {
        if let Some(h) = lock(&wake_handles).get(user) {
            h.wake();
        }
    });
    let dav = DavState::new(config.store.clone(), wake, config.dav);
    let accounts = Arc::new(config.accounts);
    let web = WebState::new(
        dav.clone(),
        (*accounts).clone(),
        clients,
        config.public_url,
        config.metrics_token,
    );
    let metrics = web.metrics.clone();
    let app = carddav::router_with_fallback(dav, web::router(web))
        .layer(axum::middleware::from_fn_with_state(metrics, web::track));
    let snapshots = tokio::spawn(keep_snapshot(
        config.store.clone(),
        config.store_dir.clone(),
        accounts.clone(),
    ));
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = match config.tls {
        None => axum::serve(listener, make)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("the CardDAV server failed"),
        Some(tls) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopper.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            let listener = listener
                .into_std()
                .context("cannot hand the listening socket to the TLS server")?;
            axum_server::from_tcp_rustls(listener, tls)
                .context("cannot start the TLS server")?
                .handle(handle)
                .serve(make)
                .await
                .context("the CardDAV server (TLS) failed")
        }
    };
    snapshots.abort();
    served?;
    let running: Vec<SyncHandle> = lock(&handles).drain().map(|(_, h)| h).collect();
    for h in running {
        h.shutdown().await;
    }
    config.store.flush().context("cannot flush the store")?;
    // The last word: the state as the bridge leaves it.
    if let Ok(report) = status::collect(&config.store, &accounts, None).await {
        let _ = status::write_snapshot(&config.store_dir, &report);
    }
    Ok(())
}

/// Rewrites `status.json` every few seconds while the bridge runs.
async fn keep_snapshot(store: Store, dir: PathBuf, accounts: Arc<BTreeMap<String, AccountInfo>>) {
    let mut warned = false;
    loop {
        let written = match status::collect(&store, &accounts, None).await {
            Ok(report) => status::write_snapshot(&dir, &report),
            Err(e) => Err(e),
        };
        if let Err(e) = written
            && !warned
        {
            tracing::warn!("cannot keep the status report for `peopledav status`: {e:#}");
            warned = true;
        }
        tokio::time::sleep(SNAPSHOT_EVERY).await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Binds `addr`, explaining the usual failure.
pub async fn bind(addr: std::net::SocketAddr, flag: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr}: is another program using that port? choose another with {flag}")
    })
}
