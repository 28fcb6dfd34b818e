//! The running bridge: one sync task per bridge user, the CardDAV server in front of the store,
//! and a small landing page at `/` for people who open the URL in a browser.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use carddav::{DavConfig, DavState};
use google::GoogleClient;
use store::Store;
use sync::{EngineConfig, SyncEngine, SyncHandle};
use tokio::net::TcpListener;

/// One bridge user and the Google account its books mirror.
pub struct Binding {
    pub user: String,
    pub client: GoogleClient,
    pub engine: EngineConfig,
}

/// Everything [`run`] needs.
pub struct BridgeConfig {
    pub store: Store,
    pub bindings: Vec<Binding>,
    pub interval: Duration,
    pub dav: DavConfig,
}

/// Serves CardDAV on `listener` and syncs every user until Ctrl-C (or SIGTERM), then stops the
/// sync tasks after their current round and flushes the store.
pub async fn run(config: BridgeConfig, listener: TcpListener) -> anyhow::Result<()> {
    let handles: Arc<Mutex<HashMap<String, SyncHandle>>> = Arc::default();
    for binding in config.bindings {
        let engine = Arc::new(SyncEngine::new(
            config.store.clone(),
            binding.client,
            binding.engine,
        ));
        let handle = sync::spawn(engine, config.interval);
        lock(&handles).insert(binding.user, handle);
    }
    let wake_handles = handles.clone();
    let wake = Arc::new(move |user: &str| {
        if let Some(h) = lock(&wake_handles).get(user) {
            h.wake();
        }
    });
    let state = DavState::new(config.store.clone(), wake, config.dav);
    let landing = Router::new().route("/", get(landing));
    let app = carddav::router_with_fallback(state, landing);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the CardDAV server failed")?;
    let running: Vec<SyncHandle> = lock(&handles).drain().map(|(_, h)| h).collect();
    for h in running {
        h.shutdown().await;
    }
    config.store.flush().context("cannot flush the store")?;
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn landing() -> axum::response::Html<&'static str> {
    axum::response::Html(
        "<!doctype html><title>peopledav</title><h1>peopledav</h1>\
         <p>This is a CardDAV server. Add it to your address book program as a CardDAV account \
         with this server's address, your peopledav user name and password; the address books \
         are under <code>/dav/</code>.</p>",
    )
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
