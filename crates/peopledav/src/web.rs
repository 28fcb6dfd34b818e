//! The browser side of the bridge, on the CardDAV server's port: the status page at `/` (behind
//! the same Basic auth as CardDAV, each user seeing only their own account), its JSON at
//! `/status.json`, the OAuth web flow that connects a Google account to a bridge on a remote host
//! (`POST /connect` → Google → `/oauth/callback`), and `/metrics` for Prometheus.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Form, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use carddav::DavState;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use rand::Rng;
use serde::Deserialize;

use crate::status::{self, AccountInfo, UserStatus};

/// How long a started OAuth flow may take before its callback is refused.
const FLOW_TTL: Duration = Duration::from_secs(15 * 60);

type Labels = Vec<(String, String)>;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The Prometheus metrics of one bridge.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<Labels, Counter>,
    http_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    sync_rounds: Family<Labels, Counter>,
    sync_failures: Family<Labels, Counter>,
    sync_last_success: Family<Labels, Gauge>,
    api_requests: Family<Labels, Counter>,
    api_errors: Family<Labels, Counter>,
    outbox: Family<Labels, Gauge>,
    cards: Family<Labels, Gauge>,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("peopledav");
        let m = Metrics {
            registry: Registry::default(),
            http_requests: Family::default(),
            http_seconds: Family::new_with_constructor(latency_histogram),
            sync_rounds: Family::default(),
            sync_failures: Family::default(),
            sync_last_success: Family::default(),
            api_requests: Family::default(),
            api_errors: Family::default(),
            outbox: Family::default(),
            cards: Family::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by method and status",
            m.http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency, by method",
            m.http_seconds.clone(),
        );
        registry.register(
            "sync_rounds",
            "Sync rounds run, by user",
            m.sync_rounds.clone(),
        );
        registry.register(
            "sync_failures",
            "Sync rounds that failed, by user",
            m.sync_failures.clone(),
        );
        registry.register(
            "sync_last_success_timestamp_seconds",
            "When the last successful sync round started, by user",
            m.sync_last_success.clone(),
        );
        registry.register(
            "google_api_requests",
            "People API requests sent, by user and method",
            m.api_requests.clone(),
        );
        registry.register(
            "google_api_errors",
            "People API requests that failed, by user and method",
            m.api_errors.clone(),
        );
        registry.register(
            "outbox_depth",
            "Client changes stored but not yet pushed to Google, by user",
            m.outbox.clone(),
        );
        registry.register("cards", "Cards stored, by user and book", m.cards.clone());
        Metrics { registry, ..m }
    }
}

/// Moves a counter up to `total` (the source keeps the running total).
fn catch_up(counter: &Counter, total: u64) {
    let current = counter.get();
    if total > current {
        counter.inc_by(total - current);
    }
}

impl Metrics {
    fn observe_http(&self, method: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        self.http_requests
            .get_or_create(&labels(&[("method", method), ("status", &status)]))
            .inc();
        self.http_seconds
            .get_or_create(&labels(&[("method", method)]))
            .observe(elapsed.as_secs_f64());
    }

    fn update(&self, users: &[UserStatus], clients: &[(String, google::GoogleClient)]) {
        for u in users {
            let user = labels(&[("user", &u.user)]);
            catch_up(&self.sync_rounds.get_or_create(&user), u.sync.rounds);
            catch_up(
                &self.sync_failures.get_or_create(&user),
                u.sync.failed_rounds,
            );
            self.sync_last_success
                .get_or_create(&user)
                .set(u.sync.last_success.unwrap_or(0));
            self.outbox
                .get_or_create(&user)
                .set(u.pending_changes as i64);
            for (book, n) in &u.books {
                self.cards
                    .get_or_create(&labels(&[("user", &u.user), ("book", book)]))
                    .set(*n as i64);
            }
        }
        for (user, client) in clients {
            for (method, stats) in client.call_stats() {
                let l = labels(&[("user", user), ("method", method)]);
                catch_up(&self.api_requests.get_or_create(&l), stats.requests);
                catch_up(&self.api_errors.get_or_create(&l), stats.errors);
            }
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// An OAuth flow started from the status page, waiting for its callback.
struct PendingFlow {
    user: String,
    account: String,
    redirect_uri: String,
    started: Instant,
}

/// What the web handlers share.
#[derive(Clone)]
pub struct WebState {
    pub dav: DavState,
    /// The configured accounts, by name.
    pub accounts: Arc<BTreeMap<String, AccountInfo>>,
    /// Each user's Google client (for the API call counts).
    pub clients: Arc<Vec<(String, google::GoogleClient)>>,
    pub public_url: Option<String>,
    pub metrics_token: Option<String>,
    pub metrics: Arc<Metrics>,
    flows: Arc<Mutex<HashMap<String, PendingFlow>>>,
}

impl WebState {
    pub fn new(
        dav: DavState,
        accounts: BTreeMap<String, AccountInfo>,
        clients: Vec<(String, google::GoogleClient)>,
        public_url: Option<String>,
        metrics_token: Option<String>,
    ) -> WebState {
        WebState {
            dav,
            accounts: Arc::new(accounts),
            clients: Arc::new(clients),
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            metrics_token,
            metrics: Arc::default(),
            flows: Arc::default(),
        }
    }

    /// The address a browser reaches the bridge at: `public_url`, else from the request.
    fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(u) = &self.public_url {
            return u.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .filter(|p| *p == "https" || *p == "http")
            .unwrap_or("http");
        format!("{scheme}://{host}")
    }
}

/// The routes of this module, for [`carddav::router_with_fallback`].
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/status.json", get(status_json))
        .route("/connect", post(connect))
        .route("/oauth/callback", get(callback))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Counts every request of the whole server, DAV included.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.observe_http(&method, response.status().as_u16(), started.elapsed());
    response
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn login(state: &WebState, headers: &HeaderMap) -> Result<String, Response> {
    carddav::authenticate(&state.dav, headers)
        .await
        .map_err(IntoResponse::into_response)
}

async fn own_status(state: &WebState, user: &str) -> Result<UserStatus, Response> {
    let record = state
        .dav
        .store
        .user(user)
        .map_err(|e| error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?
        .ok_or_else(|| error_page(StatusCode::NOT_FOUND, "this user was removed"))?;
    status::collect_user(
        &state.dav.store,
        &record,
        state.accounts.get(&record.google.label),
    )
    .await
    .map_err(|e| error_page(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")))
}

fn error_page(code: StatusCode, message: &str) -> Response {
    (
        code,
        Html(format!(
            "<!doctype html><meta charset=\"utf-8\"><title>peopledav: {code}</title>{STYLE}\
             <main><h1>{code}</h1><p>{}</p><p><a href=\"/\">Back to the status page</a></p></main>",
            escape(message)
        )),
    )
        .into_response()
}

const STYLE: &str = "<style>\
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}\
main{max-width:46rem;margin:2rem auto;padding:0 1rem}\
section{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px #0002}\
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:0}\
dl{display:grid;grid-template-columns:11rem 1fr;gap:.35rem .75rem;margin:0}dt{color:#5a6272}dd{margin:0}\
code,input.url{font-family:ui-monospace,monospace;font-size:.95rem}\
input.url{box-sizing:border-box;width:100%;padding:.4rem;border:1px solid #c8ccd4;border-radius:4px;background:#fafbfc}\
.state{display:inline-block;padding:.1rem .55rem;border-radius:1rem;font-size:.85rem;font-weight:600}\
.ok{background:#d8f3dc;color:#1b5e20}.failing{background:#fde2e1;color:#8a1c13}\
.not-connected,.never-synced{background:#fff3cd;color:#7a5b00}\
button{background:#1a73e8;color:#fff;border:0;border-radius:4px;padding:.55rem 1rem;font-size:1rem;cursor:pointer}\
table{width:100%;border-collapse:collapse}td{padding:.25rem .4rem;border-top:1px solid #eceef2;vertical-align:top}\
.muted{color:#5a6272}</style>";

async fn page(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let user = match login(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let u = match own_status(&state, &user).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    Html(render_page(
        &u,
        &state.base_url(&headers),
        status::now_unix(),
    ))
    .into_response()
}

fn render_page(u: &UserStatus, base: &str, now: i64) -> String {
    let s = &u.sync;
    let dav_url = format!("{base}/dav/");
    let state = u.state();
    let state_text = match state {
        "ok" => "in sync",
        "failing" => "sync failing",
        "not-connected" => "not connected to Google",
        _ => "not synced yet",
    };
    let time = |t: Option<i64>| t.map_or("never".to_owned(), |t| status::when(t, now));
    let connect = match (u.account_kind.as_str(), u.connected) {
        ("oauth", connected) => {
            let (label, note) = if connected == Some(true) {
                (
                    "Reconnect Google account",
                    "peopledav holds a Google login for this account.",
                )
            } else {
                (
                    "Connect Google account",
                    "peopledav has no Google login for this account yet: connect it to start syncing.",
                )
            };
            format!(
                "<section><h2>Google account</h2><p>{note}</p>\
                 <form method=\"post\" action=\"/connect\"><input type=\"hidden\" name=\"account\" value=\"{}\">\
                 <button type=\"submit\">{label}</button></form></section>",
                escape(&u.account)
            )
        }
        ("emulator", _) => {
            "<section><h2>Google account</h2><p>This account is the local People API \
             emulator, not Google.</p></section>"
                .to_owned()
        }
        ("service-account", _) => "<section><h2>Google account</h2><p>Reached through a Workspace \
             service account; no sign-in is needed.</p></section>"
            .to_owned(),
        _ => String::new(),
    };
    let books: String = u
        .books
        .iter()
        .map(|(b, n)| {
            format!(
                "<tr><td><code>{dav_url}{}/{b}/</code></td><td>{n} cards</td></tr>",
                escape(&u.user)
            )
        })
        .collect();
    let error = s.last_error.as_ref().map_or(String::new(), |e| {
        format!(
            "<dt>Last error</dt><dd>{} <span class=\"muted\">({} failed in a row; retried automatically)</span></dd>",
            escape(e),
            s.consecutive_failures
        )
    });
    let shared = u.shared.as_ref().map_or(String::new(), |sh| {
        let error = sh.sync.last_error.as_ref().map_or(String::new(), |e| {
            format!("<dt>Last error</dt><dd>{}</dd>", escape(e))
        });
        format!(
            "<section id=\"shared\"><h2>Shared contacts of {domain}</h2><dl>\
             <dt>You may</dt><dd>{may}</dd>\
             <dt>Last sync</dt><dd>{last}</dd>\
             <dt>Pending changes</dt><dd>{pending} waiting to be sent to Google</dd>\
             {error}</dl></section>",
            domain = escape(&sh.domain),
            may = if sh.admin {
                "read and change them (you are an admin of the domain)"
            } else {
                "read them"
            },
            last = time(sh.sync.last_attempt),
            pending = sh.pending_changes,
        )
    });
    let recent: String = if s.recent.is_empty() {
        "<p class=\"muted\">No errors, conflicts or refused changes.</p>".to_owned()
    } else {
        let rows: String = s
            .recent
            .iter()
            .map(|ev| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    status::ago(now - ev.at),
                    ev.kind.as_str(),
                    escape(&ev.message)
                )
            })
            .collect();
        format!("<table>{rows}</table>")
    };
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>peopledav — {user}</title>{STYLE}<main>\
         <h1>peopledav <span class=\"state {state}\" id=\"state\">{state_text}</span></h1>\
         <section><h2>Add this address book to your contacts program</h2>\
         <p>Use a CardDAV account with this address, the user name <code>{user}</code> and your \
         peopledav password:</p>\
         <input class=\"url\" id=\"dav-url\" readonly value=\"{dav_url}\" onclick=\"this.select()\">\
         <table>{books}</table></section>\
         {connect}\
         <section><h2>Sync</h2><dl>\
         <dt>Account</dt><dd>{account} <span class=\"muted\">({kind})</span></dd>\
         <dt>Last sync</dt><dd>{last}</dd>\
         <dt>Last success</dt><dd>{success}{summary}</dd>\
         <dt>Pending changes</dt><dd id=\"pending\">{pending} waiting to be sent to Google</dd>\
         {error}</dl></section>\
         {shared}\
         <section><h2>Recent problems</h2>{recent}</section>\
         <p class=\"muted\">Machine-readable: <a href=\"/status.json\">/status.json</a>.</p>\
         </main></html>",
        user = escape(&u.user),
        account = escape(&u.account),
        kind = escape(&u.account_kind),
        last = time(s.last_attempt),
        success = time(s.last_success),
        summary = s
            .last_summary
            .as_ref()
            .map_or(String::new(), |x| format!(" — {}", escape(x))),
        pending = u.pending_changes,
    )
}

async fn status_json(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let user = match login(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match own_status(&state, &user).await {
        Ok(u) => Json(u).into_response(),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct ConnectForm {
    account: String,
}

/// Starts the OAuth web flow for the user's own account.
async fn connect(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<ConnectForm>,
) -> Response {
    let user = match login(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let bound = state
        .dav
        .store
        .user(&user)
        .ok()
        .flatten()
        .map(|u| u.google.label);
    if bound.as_deref() != Some(form.account.as_str()) {
        return error_page(
            StatusCode::FORBIDDEN,
            "you can only connect the Google account your own address books are bound to",
        );
    }
    let Some(oauth) = state
        .accounts
        .get(&form.account)
        .and_then(|a| a.oauth.clone())
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!(
                "account {:?} is not an OAuth account, so there is nothing to connect",
                form.account
            ),
        );
    };
    let flow = match google::WebFlow::new(
        &oauth.client_secret_file,
        &oauth.token_file,
        oauth.scopes,
    )
    .await
    {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("{e}; ask the bridge's administrator to check the OAuth client file"),
            );
        }
    };
    let redirect_uri = format!("{}/oauth/callback", state.base_url(&headers));
    let nonce = format!("{:032x}", rand::thread_rng().r#gen::<u128>());
    let url = match flow.authorize_url(&redirect_uri, &nonce) {
        Ok(u) => u,
        Err(e) => return error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    {
        let mut flows = state.flows.lock().unwrap_or_else(|e| e.into_inner());
        flows.retain(|_, f| f.started.elapsed() < FLOW_TTL);
        flows.insert(
            nonce,
            PendingFlow {
                user,
                account: form.account,
                redirect_uri,
                started: Instant::now(),
            },
        );
    }
    Redirect::to(&url).into_response()
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Google's redirect back: exchanges the code, stores the tokens, wakes the user's sync.
async fn callback(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let user = match login(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let pending = q.state.as_deref().and_then(|nonce| {
        let mut flows = state.flows.lock().unwrap_or_else(|e| e.into_inner());
        flows.remove(nonce)
    });
    let Some(pending) = pending.filter(|p| p.started.elapsed() < FLOW_TTL && p.user == user) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "this sign-in link is unknown, expired or was started by another user; start again with the Connect button",
        );
    };
    if let Some(error) = q.error {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!("Google did not grant access ({error}); nothing changed"),
        );
    }
    let Some(code) = q.code else {
        return error_page(StatusCode::BAD_REQUEST, "the callback carries no code");
    };
    let Some(oauth) = state
        .accounts
        .get(&pending.account)
        .and_then(|a| a.oauth.clone())
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "the account is no longer configured",
        );
    };
    let finished = match google::WebFlow::new(
        &oauth.client_secret_file,
        &oauth.token_file,
        oauth.scopes,
    )
    .await
    {
        Ok(flow) => flow.finish(&code, &pending.redirect_uri).await,
        Err(e) => Err(e),
    };
    if let Err(e) = finished {
        return error_page(StatusCode::BAD_GATEWAY, &e.to_string());
    }
    tracing::info!(user = %user, account = %pending.account, "google account connected through the web flow");
    (state.dav.wake)(&user);
    Redirect::to("/").into_response()
}

/// `/metrics`: with `[metrics] token` set, for a bearer of that token; otherwise loopback only.
async fn metrics(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let allowed = match &state.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == token),
        None => peer.ip().is_loopback(),
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to loopback clients only, or to a scraper with the bearer token set as [metrics] token in the config\n",
        )
            .into_response();
    }
    let report = match status::collect(&state.dav.store, &state.accounts, None).await {
        Ok(r) => r,
        Err(e) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}\n")).into_response();
        }
    };
    state.metrics.update(&report.users, &state.clients);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
