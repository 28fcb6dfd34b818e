//! The CardDAV/WebDAV front end: an axum router serving the store's address books to CardDAV
//! clients (RFC 4918, RFC 6352, RFC 6578, RFC 6764, RFC 5397, CalendarServer `getctag`).
//!
//! It reads and writes the store only; it never calls Google. A client write is one store
//! transaction, after which the account's sync task is woken through [`DavState::wake`].

pub mod collation;
pub mod error;
pub mod path;
pub mod xml;

mod auth;
mod delete;
mod get;
mod options;
mod propfind;
mod proppatch;
mod props;
mod put;
mod refused;
mod report;
mod repr;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, StatusCode, header};
use store::{BookName, Store};
use tower::ServiceExt as _;

pub use auth::{authenticate, hash_password, verify_password};
pub use error::{DavError, Precondition};

use path::DavPath;

/// The store meta key (per user) that marks the user's Google account as a Workspace account:
/// the value `1` or `true` shows the `directory` book. The sync engine sets it; a directory book
/// that already holds changes is shown as well.
pub const WORKSPACE_META_KEY: &str = "google.workspace";

/// The store meta key (per user) naming the Workspace domain whose shared contacts the user
/// sees as the `shared` book (kept under [`store::shared_owner`] of that domain).
pub const SHARED_DOMAIN_META_KEY: &str = "shared.domain";

/// The store meta key (per user): `1` lets the user write to the domain's `shared` book.
pub const SHARED_ADMIN_META_KEY: &str = "shared.admin";

/// Limits and settings of the DAV front end.
#[derive(Debug, Clone)]
pub struct DavConfig {
    /// The largest vCard accepted by PUT, in bytes (advertised as `max-resource-size`).
    pub max_resource_size: u64,
    /// The largest request body read, in bytes (a multiget of a whole book must fit).
    pub body_limit: usize,
    /// Requests taking longer are answered 408.
    pub request_timeout: Duration,
    /// How long a failed login waits before its 401.
    pub failed_login_delay: Duration,
}

impl Default for DavConfig {
    fn default() -> Self {
        DavConfig {
            max_resource_size: 1024 * 1024,
            body_limit: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            failed_login_delay: Duration::from_secs(1),
        }
    }
}

/// What the DAV handlers share.
#[derive(Clone)]
pub struct DavState {
    pub store: Store,
    /// Wakes the sync task of a user after a client write.
    pub wake: Arc<dyn Fn(&str) + Send + Sync>,
    pub config: DavConfig,
    auth: Arc<auth::AuthCache>,
}

impl DavState {
    pub fn new(store: Store, wake: Arc<dyn Fn(&str) + Send + Sync>, config: DavConfig) -> DavState {
        DavState {
            store,
            wake,
            config,
            auth: Arc::default(),
        }
    }

    /// Whether the user sees the `directory` book.
    fn has_directory(&self, user: &str) -> Result<bool, DavError> {
        let flag = self.store.meta(user, WORKSPACE_META_KEY)?;
        if flag.is_some_and(|v| v == b"1" || v == b"true") {
            return Ok(true);
        }
        Ok(self.store.book(user, BookName::Directory)?.seq > 0)
    }

    /// The Workspace domain whose shared contacts the user sees, if any.
    fn shared_domain(&self, user: &str) -> Result<Option<String>, DavError> {
        Ok(self
            .store
            .meta(user, SHARED_DOMAIN_META_KEY)?
            .and_then(|v| String::from_utf8(v).ok())
            .filter(|d| !d.is_empty()))
    }

    /// The books the user sees, in listing order.
    fn books(&self, user: &str) -> Result<Vec<BookName>, DavError> {
        let mut books = vec![BookName::Contacts, BookName::Other];
        if self.has_directory(user)? {
            books.push(BookName::Directory);
        }
        if self.shared_domain(user)?.is_some() {
            books.push(BookName::Shared);
        }
        Ok(books)
    }

    fn check_book(&self, user: &str, book: BookName) -> Result<(), DavError> {
        let visible = match book {
            BookName::Directory => self.has_directory(user)?,
            BookName::Shared => self.shared_domain(user)?.is_some(),
            _ => true,
        };
        if visible {
            Ok(())
        } else {
            Err(DavError::NotFound)
        }
    }

    /// The store user holding `user`'s `book`: the user, except for a domain's shared book.
    fn owner(&self, user: &str, book: BookName) -> Result<String, DavError> {
        if book != BookName::Shared {
            return Ok(user.to_owned());
        }
        match self.shared_domain(user)? {
            Some(domain) => Ok(store::shared_owner(&domain)),
            None => Err(DavError::NotFound),
        }
    }

    /// Whether `user` may change cards of `book`.
    fn may_write(&self, user: &str, book: BookName) -> Result<bool, DavError> {
        Ok(match book {
            BookName::Shared => self
                .store
                .meta(user, SHARED_ADMIN_META_KEY)?
                .is_some_and(|v| v == b"1" || v == b"true"),
            b => !b.is_read_only(),
        })
    }
}

/// The DAV router: `/dav/**`, `/.well-known/**`, and PROPFIND/OPTIONS on `/`. Other requests
/// (GET `/` included) are answered 404; use [`router_with_fallback`] to pass them on instead.
pub fn router(state: DavState) -> Router {
    router_with_fallback(state, Router::new())
}

/// The DAV router, passing every request it does not own (any method but PROPFIND and OPTIONS
/// on `/`, and every path outside `/dav/` and `/.well-known/`) to `fallback`.
pub fn router_with_fallback(state: DavState, fallback: Router) -> Router {
    let timeout = state.config.request_timeout;
    let root_fallback = fallback.clone();
    Router::new()
        .route("/", any(move |s, r| root(s, r, root_fallback.clone())))
        .route("/dav", any(dispatch))
        .route("/dav/", any(dispatch))
        .route("/dav/{*rest}", any(dispatch))
        .route("/.well-known/{*rest}", any(well_known))
        .with_state(state)
        .fallback_service(fallback)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
}

async fn root(state: State<DavState>, req: Request, fallback: Router) -> Response {
    match req.method().as_str() {
        "PROPFIND" | "OPTIONS" => dispatch(state, req).await,
        _ => match fallback.oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        },
    }
}

/// RFC 6764: `/.well-known/carddav` leads to the DAV root, where PROPFIND finds the principal.
async fn well_known(req: Request) -> Response {
    if req.uri().path().trim_end_matches('/') == "/.well-known/carddav" {
        Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, "/dav/")
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    } else {
        DavError::NotFound.into_response()
    }
}

/// What every handler receives.
pub(crate) struct Ctx {
    pub state: DavState,
    pub user: String,
    /// The store user holding the addressed book (see [`DavState::owner`]); `user` elsewhere.
    pub owner: String,
    /// Whether the user may write to the addressed book.
    pub writable: bool,
    pub path: DavPath,
    pub headers: HeaderMap,
    pub body: Bytes,
}

async fn dispatch(State(state): State<DavState>, req: Request) -> Response {
    let method = req.method().clone();
    if method == http::Method::OPTIONS {
        return options::handle();
    }
    match handle(state, req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(method = %method, "dav error");
            e.into_response()
        }
    }
}

async fn handle(state: DavState, req: Request) -> Result<Response, DavError> {
    let (parts, body) = req.into_parts();
    let user = auth::authenticate(&state, &parts.headers).await?;
    let path = DavPath::parse(parts.uri.path())?;
    if let Some(owner) = path.user()
        && owner != user
    {
        return Err(DavError::Forbidden("this resource belongs to another user"));
    }
    let (owner, writable) = match &path {
        DavPath::Book(u, b) | DavPath::Card(u, b, _) => {
            state.check_book(u, *b)?;
            (state.owner(u, *b)?, state.may_write(u, *b)?)
        }
        _ => (user.clone(), false),
    };
    let body = axum::body::to_bytes(body, state.config.body_limit)
        .await
        .map_err(|_| DavError::BodyTooLarge)?;
    let ctx = Ctx {
        state,
        user,
        owner,
        writable,
        path,
        headers: parts.headers,
        body,
    };
    match parts.method.as_str() {
        "PROPFIND" => propfind::handle(ctx).await,
        "PROPPATCH" => proppatch::handle(ctx).await,
        "REPORT" => report::handle(ctx).await,
        "GET" => get::handle(ctx, false).await,
        "HEAD" => get::handle(ctx, true).await,
        "PUT" => put::handle(ctx).await,
        "DELETE" => delete::handle(ctx).await,
        "MKCOL" | "MKCALENDAR" => refused::mkcol(ctx).await,
        "MOVE" | "COPY" => Err(DavError::Forbidden(
            "cards cannot be moved or copied; create the card anew and delete the old one",
        )),
        _ => Err(DavError::MethodNotAllowed),
    }
}

/// The `Depth` header: 0, 1, or `None` for infinity (also the default when absent).
pub(crate) fn depth(headers: &HeaderMap, default_infinity: bool) -> Result<Option<u8>, DavError> {
    if headers.get_all("depth").iter().nth(1).is_some() {
        return Err(DavError::BadRequest(
            "more than one Depth header: send one, 0, 1 or infinity".into(),
        ));
    }
    match headers.get("depth").map(|v| v.to_str().map(str::trim)) {
        None => Ok(if default_infinity { None } else { Some(0) }),
        Some(Ok("0")) => Ok(Some(0)),
        Some(Ok("1")) => Ok(Some(1)),
        Some(Ok(v)) if v.eq_ignore_ascii_case("infinity") => Ok(None),
        Some(_) => Err(DavError::BadRequest(
            "depth must be 0, 1 or infinity".into(),
        )),
    }
}

/// Runs blocking store work off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DavError> + Send + 'static,
) -> Result<T, DavError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DavError::Internal(format!("blocking task failed: {e}")))?
}

/// A `207 Multi-Status` response.
pub(crate) fn multistatus(xml: String) -> Response {
    Response::builder()
        .status(StatusCode::MULTI_STATUS)
        .header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
        .body(Body::from(xml))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
