//! The HTTP side: the `Emulator` handle, its axum router (auth, stats, faults, quotas around the
//! API; auth, admin check and stats around the shared contacts feed), the accept loop that can
//! drop a connection after a commit, and the test hooks.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::api::shared_contacts::{self, GdataError};
use crate::api::{self, Ctx, Query, Route};
use crate::config::{AccountConfig, EmulatorConfig, FaultSpec, Quotas};
use crate::error::{ApiError, EmulatorError};
use crate::persist;
use crate::seed;
use crate::state::{
    Account, Clock, Persistence, Shared, SharedBook, Stats, lock, quota_error, rfc3339,
};

/// How long after a change the state file is written (changes in between share the write).
pub const SAVE_DEBOUNCE: Duration = Duration::from_millis(500);

/// Largest request body accepted (photos are sent inline, base64-encoded).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// A handle on a running emulator's state; clones share it.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
    /// `http://addr` once served, for photo URLs outside a request.
    public_base: Arc<Mutex<String>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("accounts", &self.shared.accounts.len())
            .finish_non_exhaustive()
    }
}

/// Set on requests that arrive through [`Emulator::serve`]: notifying it closes the connection.
#[derive(Clone)]
struct ConnectionKill(Arc<Notify>);

impl Emulator {
    /// Builds the emulator's state: accounts, system groups, seed data, Workspace directories.
    ///
    /// With [`EmulatorConfig::state_file`] set, prefer [`Emulator::open`], which reports a state
    /// file that cannot be read. Here such a file is logged and left alone: the emulator starts
    /// from the seed and saves nothing.
    pub fn new(config: EmulatorConfig) -> Emulator {
        match Emulator::open(config.clone()) {
            Ok(e) => e,
            Err(error) => {
                tracing::error!(%error, "starting without the saved state, which is left untouched");
                Emulator::build(
                    EmulatorConfig {
                        state_file: None,
                        ..config
                    },
                    None,
                )
            }
        }
    }

    /// Builds the emulator like [`Emulator::new`]; when `config.state_file` names an existing
    /// file, the accounts saved there (matched by e-mail address) are restored instead of seeded,
    /// and the clock resumes where it stood. A serving emulator with a state file saves after
    /// every change (debounced by [`SAVE_DEBOUNCE`]) and when it stops; a missing file is
    /// written at once, so it exists as soon as this returns.
    pub fn open(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let restored = match &config.state_file {
            Some(path) => persist::read(path)?,
            None => None,
        };
        let fresh = restored.is_none();
        let emulator = Emulator::build(config, restored);
        if fresh && emulator.shared.persistence.is_some() {
            emulator.save()?;
        }
        Ok(emulator)
    }

    fn build(config: EmulatorConfig, mut restored: Option<persist::Restored>) -> Emulator {
        let clock = Clock::new();
        if let Some(r) = &restored {
            clock.resume_from(r.now);
        }
        let now = clock.now();
        let configs = if config.accounts.is_empty() {
            vec![AccountConfig::default()]
        } else {
            config.accounts.clone()
        };
        let mut accounts: Vec<Account> = configs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut a = Account::new(i, c.clone(), now);
                if !restored.as_mut().is_some_and(|r| r.restore(&mut a)) {
                    seed::apply(&mut a, &config.seed, now);
                    a.seeded = true;
                }
                a
            })
            .collect();
        for account in &mut accounts {
            let Some(domain) = account.config.workspace_domain.clone() else {
                continue;
            };
            if !account.seeded {
                continue;
            }
            let colleagues: Vec<(String, String)> = configs
                .iter()
                .filter(|c| c.workspace_domain.as_deref() == Some(domain.as_str()))
                .map(|c| {
                    let local = c.email.split('@').next().unwrap_or("user");
                    let mut chars = local.chars();
                    let given = chars
                        .next()
                        .map(|f| f.to_uppercase().chain(chars).collect::<String>())
                        .unwrap_or_default();
                    (given, c.email.clone())
                })
                .collect();
            seed::fill_directory(account, &domain, &colleagues, now);
        }
        let mut by_token = HashMap::new();
        for (i, c) in configs.iter().enumerate() {
            by_token.entry(c.token.clone()).or_insert(i);
        }
        // one shared contacts store per Workspace domain
        let mut shared_contacts = std::collections::BTreeMap::new();
        for domain in configs.iter().filter_map(|c| c.workspace_domain.as_deref()) {
            let key = domain.to_ascii_lowercase();
            if let std::collections::btree_map::Entry::Vacant(slot) = shared_contacts.entry(key) {
                let book = restored
                    .as_mut()
                    .and_then(|r| r.take_shared_contacts(slot.key()))
                    .unwrap_or_default();
                slot.insert(book);
            }
        }
        Emulator {
            shared: Arc::new(Shared {
                accounts: accounts.into_iter().map(Mutex::new).collect(),
                shared_contacts: Mutex::new(shared_contacts),
                by_token,
                quotas: Mutex::new(config.quotas),
                faults: Mutex::new(config.faults),
                sync_delay: config.sync_delay,
                clock,
                stats: Mutex::new(Stats::default()),
                rng: Mutex::new(rand::rngs::StdRng::seed_from_u64(0xfa17)),
                grants: Mutex::default(),
                persistence: config.state_file.map(|path| Persistence {
                    path,
                    dirty: AtomicBool::new(false),
                    wake: tokio::sync::Notify::new(),
                    writing: Mutex::new(()),
                }),
            }),
            public_base: Arc::new(Mutex::new("http://localhost".into())),
        }
    }

    /// Writes the current state to `path` atomically (a temporary file, then a rename).
    pub fn save_to(&self, path: impl AsRef<std::path::Path>) -> Result<(), EmulatorError> {
        let bytes = persist::encode(
            self.shared.clock.now(),
            &self.shared.accounts,
            &self.shared.shared_contacts,
        )
        .map_err(EmulatorError::StateEncode)?;
        persist::write_atomically(path.as_ref(), &bytes)
    }

    /// Writes the state to the configured state file now; does nothing without one.
    pub fn save(&self) -> Result<(), EmulatorError> {
        let Some(p) = &self.shared.persistence else {
            return Ok(());
        };
        let _writing = lock(&p.writing);
        p.dirty.store(false, Ordering::SeqCst);
        let result = self.save_to(&p.path);
        if result.is_err() {
            p.dirty.store(true, Ordering::SeqCst);
        }
        result
    }

    /// Saves if anything changed since the last save (what a stopping server does).
    pub fn save_if_changed(&self) -> Result<(), EmulatorError> {
        match &self.shared.persistence {
            Some(p) if p.dirty.load(Ordering::SeqCst) => self.save(),
            _ => Ok(()),
        }
    }

    /// Records a change for the debounced saver.
    fn changed(&self) {
        if let Some(p) = &self.shared.persistence {
            p.dirty.store(true, Ordering::SeqCst);
            p.wake.notify_one();
        }
    }

    /// Saves [`SAVE_DEBOUNCE`] after a change, until dropped.
    async fn saver(self) {
        let Some(p) = &self.shared.persistence else {
            return std::future::pending().await;
        };
        loop {
            p.wake.notified().await;
            tokio::time::sleep(SAVE_DEBOUNCE).await;
            if !p.dirty.load(Ordering::SeqCst) {
                continue;
            }
            let emu = self.clone();
            match tokio::task::spawn_blocking(move || emu.save()).await {
                Ok(Ok(())) => tracing::debug!(path = %p.path.display(), "state saved"),
                Ok(Err(error)) => tracing::warn!(%error, "cannot save the emulator state"),
                Err(error) => tracing::warn!(%error, "the state saver failed"),
            }
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The e-mail addresses of the accounts, in configuration order.
    pub fn account_emails(&self) -> Vec<String> {
        self.shared
            .accounts
            .iter()
            .map(|a| lock(a).config.email.clone())
            .collect()
    }

    /// The access token of the account at `index` (configuration order).
    pub(crate) fn account_token(&self, index: usize) -> String {
        lock(&self.shared.accounts[index]).config.token.clone()
    }

    /// The axum router: `/v1/...` (the People API), `/m8/feeds/contacts/{domain}/full...` (the
    /// Domain Shared Contacts API), `/emulator/stats`, `/emulator/advance`, the OAuth endpoints
    /// (`/o/oauth2/auth`, `/token`), and the photo URLs. Served through a plain router, a
    /// dropped-after-commit response is cut off mid-body; through [`Emulator::serve`] the
    /// connection is closed without a response.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/{*path}", any(api_handler))
            .route("/m8/feeds/contacts/{*path}", any(shared_contacts_handler))
            .route("/emulator/stats", get(stats_handler))
            .route("/emulator/advance", post(advance_handler))
            .route("/contacts/{key}", get(photo_handler))
            .route("/cm/{key}", get(default_photo_handler))
            .route("/o/oauth2/auth", get(crate::oauth::authorize))
            .route("/token", post(crate::oauth::token))
            .fallback(|| async { ApiError::new(404, "NOT_FOUND", "Method not found.") })
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(self.clone())
    }

    /// Serves on `listener` until the task is dropped or aborted.
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        if let Ok(addr) = listener.local_addr() {
            *lock(&self.public_base) = format!("http://{addr}");
        }
        let router = self.router();
        let _saver = AbortOnDrop(tokio::spawn(self.clone().saver()));
        let _save_on_stop = SaveOnStop(self.clone());
        let mut connections = JoinSet::new();
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            while connections.try_join_next().is_some() {}
            let router = router.clone();
            connections.spawn(serve_connection(stream, router));
        }
    }

    /// Binds 127.0.0.1:0, spawns the server on the current tokio runtime, returns at once.
    /// A state file that cannot be read is an [`std::io::ErrorKind::InvalidData`] error.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
        let emulator = Emulator::open(config).map_err(|e| match e {
            EmulatorError::StateRead { source, .. } => source,
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
        })?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        *lock(&emulator.public_base) = format!("http://{addr}");
        let task = tokio::spawn(emulator.clone().serve(listener));
        Ok(RunningEmulator {
            addr,
            emulator,
            task,
        })
    }

    pub fn set_faults(&self, faults: FaultSpec) {
        *lock(&self.shared.faults) = faults;
    }

    pub fn set_quotas(&self, quotas: Quotas) {
        *lock(&self.shared.quotas) = quotas;
    }

    /// Moves the emulator clock forward (sync-token expiry, quota windows, sync delay).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
        self.changed();
    }

    /// Request counts per method and per account e-mail (same as `GET /emulator/stats`).
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Stats::default();
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            shared: &self.shared,
            base_url: lock(&self.public_base).clone(),
            now: self.shared.clock.now(),
        }
    }

    /// All live contacts of the account with this token, every field, oldest change first.
    /// No HTTP, no quota. An unknown token gives an empty list.
    pub fn persons(&self, token: &str) -> Vec<people::Person> {
        let Some(&i) = self.shared.by_token.get(token) else {
            return Vec::new();
        };
        let ctx = self.ctx();
        let acct = lock(&self.shared.accounts[i]);
        acct.contacts
            .live_after(0)
            .filter_map(|(_, entry)| {
                let id = api::entry_id(entry);
                let v = api::render_contact(&ctx, &acct, id, entry, &people::PersonField::ALL);
                serde_json::from_value(v)
                    .inspect_err(|e| tracing::warn!(error = %e, "stored person does not parse"))
                    .ok()
            })
            .collect()
    }

    /// All contact groups of the account with this token, every field and all members.
    pub fn groups(&self, token: &str) -> Vec<people::ContactGroup> {
        let Some(&i) = self.shared.by_token.get(token) else {
            return Vec::new();
        };
        let acct = lock(&self.shared.accounts[i]);
        api::all_groups(&acct)
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect()
    }

    fn count(&self, method: &str, account: usize) {
        let email = lock(&self.shared.accounts[account]).config.email.clone();
        let mut stats = lock(&self.shared.stats);
        *stats.by_method.entry(method.to_owned()).or_default() += 1;
        *stats
            .by_account
            .entry(email)
            .or_default()
            .entry(method.to_owned())
            .or_default() += 1;
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, router: Router) {
    let kill = Arc::new(Notify::new());
    let marker = ConnectionKill(kill.clone());
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(marker.clone());
            tower::ServiceExt::oneshot(router.clone(), req.map(Body::new))
        });
    let builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        () = kill.notified() => {
            tracing::debug!("connection closed after a committed write (fault injection)");
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Saves unsaved changes when the serving future stops.
struct SaveOnStop(Emulator);

impl Drop for SaveOnStop {
    fn drop(&mut self) {
        if let Err(error) = self.0.save_if_changed() {
            tracing::warn!(%error, "cannot save the emulator state on shutdown");
        }
    }
}

/// A server started by [`Emulator::start`]; dropping it stops the server (saving unsaved changes
/// to the state file first, if there is one).
pub struct RunningEmulator {
    pub addr: SocketAddr,
    pub emulator: Emulator,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`; API paths are `/v1/...`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
        if let Err(error) = self.emulator.save_if_changed() {
            tracing::warn!(%error, "cannot save the emulator state on shutdown");
        }
    }
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The bearer token of a request: `Authorization: Bearer …`, or `access_token` / `oauth_token`.
fn authenticate(shared: &Shared, headers: &HeaderMap, q: &Query) -> Result<usize, ApiError> {
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""));
    let token = match header {
        Some(h) => {
            let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(ApiError::unauthenticated(false));
            }
            Some(rest.trim())
        }
        None => q.get("access_token").or_else(|| q.get("oauth_token")),
    };
    match token {
        None | Some("") => Err(ApiError::unauthenticated(true)),
        Some(t) => shared
            .by_token
            .get(t)
            .copied()
            .ok_or_else(|| ApiError::unauthenticated(false)),
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut r = (status, axum::Json(value)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

async fn api_handler(
    State(emu): State<Emulator>,
    kill: Option<axum::Extension<ConnectionKill>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/v1/").unwrap_or("");
    let Some(route) = Route::find(&method, path) else {
        return ApiError::new(404, "NOT_FOUND", "Method not found.").into_response();
    };
    let q = Query::parse(uri.query());
    let shared = &emu.shared;
    let account = match authenticate(shared, &headers, &q) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    emu.count(route.name(), account);
    let faults = *lock(&shared.faults);
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let (roll, drop_roll) = {
        let mut rng = lock(&shared.rng);
        (rng.r#gen::<f64>(), rng.r#gen::<f64>())
    };
    if roll < faults.error_500 {
        return ApiError::internal().into_response();
    }
    if roll < faults.error_500 + faults.error_503 {
        return ApiError::unavailable().into_response();
    }
    if roll < faults.error_500 + faults.error_503 + faults.error_429 {
        return quota_error(route.costs()[0].0).into_response();
    }
    let base_url = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| lock(&emu.public_base).clone());
    let now = shared.clock.now();
    let result = {
        let mut acct = lock(&shared.accounts[account]);
        let quotas = *lock(&shared.quotas);
        match acct.quota.take(now, &quotas, route.costs()) {
            Err(bucket) => Err(quota_error(bucket)),
            Ok(()) => {
                let ctx = Ctx {
                    shared,
                    base_url,
                    now,
                };
                api::handle(&ctx, &mut acct, &route, &q, &body)
            }
        }
    };
    if let Err(e) = &result {
        tracing::debug!(method = route.name(), code = e.code, message = %e.message, "api error");
    }
    if result.is_ok() && route.is_write() {
        emu.changed();
    }
    if result.is_ok() && route.is_write() && drop_roll < faults.drop_after_commit {
        tracing::info!(
            method = route.name(),
            "write committed; dropping the connection"
        );
        if let Some(axum::Extension(kill)) = kill {
            kill.0.notify_one();
            return std::future::pending::<Response>().await;
        }
        let broken = futures::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped after commit"))
        });
        return Response::new(Body::from_stream(broken));
    }
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// The Domain Shared Contacts API: the same bearer tokens as `/v1`, for domain administrators
/// only, on their own domain's feed.
async fn shared_contacts_handler(
    State(emu): State<Emulator>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/m8/feeds/contacts/").unwrap_or("");
    let Some((domain, call)) = shared_contacts::Call::find(&method, path) else {
        return GdataError::new(
            404,
            "notFound",
            format!(
                "{method} {} is not a call of the shared contacts API (/m8/feeds/contacts/{{domain}}/full[/{{id}}|/batch])",
                uri.path()
            ),
        )
        .into_response();
    };
    let q = Query::parse(uri.query());
    let shared = &emu.shared;
    let account = match authenticate(shared, &headers, &q) {
        Ok(a) => a,
        Err(e) => {
            return GdataError::unauthorized(
                e.info.is_some_and(|i| i.reason == "CREDENTIALS_MISSING"),
            )
            .into_response();
        }
    };
    emu.count(call.name(), account);
    let (email, admin, workspace) = {
        let a = lock(&shared.accounts[account]);
        (
            a.config.email.clone(),
            a.config.domain_admin,
            a.config.workspace_domain.clone(),
        )
    };
    let key = domain.to_ascii_lowercase();
    let forbidden = match workspace.as_deref() {
        None => Some(format!(
            "{email} is not a Workspace account: only an administrator of {domain} may use its shared contacts"
        )),
        Some(own) if !own.eq_ignore_ascii_case(&domain) => Some(format!(
            "{email} belongs to {own}, not {domain}: only an administrator of {domain} may use its shared contacts"
        )),
        Some(_) if !admin => Some(format!(
            "{email} is not an administrator of {domain}: only domain administrators may use its shared contacts"
        )),
        Some(_) => None,
    };
    if let Some(message) = forbidden {
        return GdataError::new(403, "forbidden", message).into_response();
    }
    let base_url = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| lock(&emu.public_base).clone());
    let result = {
        let mut books = lock(&shared.shared_contacts);
        let book = books.entry(key.clone()).or_insert_with(SharedBook::default);
        let req = shared_contacts::Request {
            base_url: &base_url,
            domain: &key,
            now: shared.clock.now(),
            query: &q,
            headers: &headers,
            body: &body,
        };
        shared_contacts::handle(book, &call, &req)
    };
    match result {
        Ok(response) => {
            if call.is_write() {
                emu.changed();
            }
            response
        }
        Err(e) => {
            tracing::debug!(method = call.name(), code = e.status, message = %e.message, "shared contacts error");
            e.into_response()
        }
    }
}

async fn stats_handler(State(emu): State<Emulator>) -> Response {
    let stats = serde_json::to_value(emu.stats()).unwrap_or(Value::Null);
    json_response(StatusCode::OK, &stats)
}

async fn advance_handler(State(emu): State<Emulator>, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let seconds = q.get("seconds").and_then(|s| s.parse::<f64>().ok());
    let Some(seconds) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return ApiError::invalid_argument(
            "seconds must be a non-negative number, e.g. /emulator/advance?seconds=604800",
        )
        .into_response();
    };
    emu.advance(Duration::from_secs_f64(seconds));
    let now = emu.shared.clock.now();
    json_response(StatusCode::OK, &json!({"now": rfc3339(now)}))
}

fn image(content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(bytes));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The key of a photo URL without Google's `=s100` sizing suffix.
fn photo_key(key: &str) -> &str {
    key.split('=').next().unwrap_or(key)
}

async fn photo_handler(State(emu): State<Emulator>, Path(key): Path<String>) -> Response {
    let key = photo_key(&key);
    let Some(i) = api::photo_key_account(key).filter(|i| *i < emu.shared.accounts.len()) else {
        return ApiError::not_found().into_response();
    };
    let acct = lock(&emu.shared.accounts[i]);
    match acct.photos.get(key) {
        Some(p) => image(p.content_type, p.bytes.clone()),
        None => ApiError::not_found().into_response(),
    }
}

async fn default_photo_handler(State(emu): State<Emulator>, Path(key): Path<String>) -> Response {
    match api::photo_key_account(photo_key(&key)).filter(|i| *i < emu.shared.accounts.len()) {
        Some(_) => image("image/png", seed::solid_png(8, 8, [0x9e, 0x9e, 0x9e])),
        None => ApiError::not_found().into_response(),
    }
}
