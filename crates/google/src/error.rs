//! The client's error type and the classification of Google's error bodies into kinds callers branch on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use people::{ErrorBody, ErrorReason, Status};

/// What went wrong, at the granularity the sync engine acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The sync token expired (ErrorInfo reason `EXPIRED_SYNC_TOKEN`): rerun a full sync.
    ExpiredSyncToken,
    /// The etag sent with an update is stale (400 `FAILED_PRECONDITION`): fetch, merge, retry.
    EtagMismatch,
    /// The resource does not exist (404).
    NotFound,
    /// The change conflicts with existing data, e.g. a duplicate group name (409).
    Conflict,
    /// A quota was exhausted and the retries ran out (429, `RATE_LIMIT_EXCEEDED`).
    RateLimited,
    /// The credentials are missing, expired, revoked or lack a scope: log in again.
    Unauthorized,
    /// Google rejected the request as malformed; the message says why.
    InvalidRequest,
    /// A server error, timeout or connection failure that persisted through the retries.
    Transient,
    /// A mutation was sent but its response never arrived: it may or may not have been applied.
    OutcomeUnknown,
    /// Anything else (an unexpected response, a local I/O failure).
    Other,
}

impl ErrorKind {
    /// Whether a request that failed this way may be sent again as it is.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::RateLimited | ErrorKind::Transient)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::ExpiredSyncToken => "expired sync token",
            ErrorKind::EtagMismatch => "etag mismatch",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Transient => "transient failure",
            ErrorKind::OutcomeUnknown => "outcome unknown",
            ErrorKind::Other => "error",
        };
        f.write_str(s)
    }
}

/// An error from the People API client. Cheap to clone, so a batch failure can be reported per
/// item; one pointer wide, so results that carry it stay small.
#[derive(Debug, Clone)]
pub struct Error(Box<Repr>);

#[derive(Debug, Clone)]
struct Repr {
    kind: ErrorKind,
    /// Google's message, or a description of the local failure.
    message: String,
    /// The API method (`people.connections.list`) the error came from, when known.
    method: Option<&'static str>,
    http_status: Option<u16>,
    status: Option<String>,
    reason: Option<String>,
    retry_after: Option<Duration>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Repr {
            kind,
            message: message.into(),
            method: None,
            http_status: None,
            status: None,
            reason: None,
            retry_after: None,
            source: None,
        }))
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.0.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn with_method(mut self, method: &'static str) -> Error {
        self.0.method = Some(method);
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Error {
        if after.is_some() {
            self.0.retry_after = after;
        }
        self
    }

    /// The kind to branch on.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Google's error message (verbatim), or the description of a local failure.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The HTTP status Google answered with, if a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// The canonical status name (`FAILED_PRECONDITION`, …), if Google sent one.
    pub fn status(&self) -> Option<&str> {
        self.0.status.as_deref()
    }

    /// The first ErrorInfo reason (`EXPIRED_SYNC_TOKEN`, …), if Google sent one.
    pub fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// How long Google asked to wait before retrying (Retry-After or RetryInfo).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The API method that failed, e.g. `people.batchCreateContacts`.
    pub fn method(&self) -> Option<&'static str> {
        self.0.method
    }

    fn display(&self) -> String {
        let mut out = String::new();
        if let Some(m) = self.0.method {
            out.push_str(m);
            out.push_str(": ");
        }
        out.push_str(&self.0.kind.to_string());
        match (self.0.http_status, &self.0.status) {
            (Some(code), Some(s)) => out.push_str(&format!(" ({code} {s})")),
            (Some(code), None) => out.push_str(&format!(" ({code})")),
            _ => {}
        }
        if !self.0.message.is_empty() {
            out.push_str(": ");
            out.push_str(&self.0.message);
        }
        if self.0.kind == ErrorKind::Unauthorized {
            out.push_str(" (log in to google again)");
        }
        out
    }

    /// Classifies an HTTP error response from its status code and body (which may not be JSON).
    pub fn from_response(http_status: u16, body: &[u8]) -> Error {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) => Error::from_status(&parsed.error, Some(http_status)),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                let text = text.trim();
                let message = if text.is_empty() {
                    format!("http status {http_status}")
                } else {
                    text.chars().take(500).collect()
                };
                let mut e = Error::new(classify(http_status, None, None, &message), message);
                e.0.http_status = Some(http_status);
                e
            }
        }
    }

    /// Classifies a `google.rpc.Status`, either an HTTP error body or a per-item batch status.
    /// `http_status` is the response's status code, or `None` for a per-item status (whose `code`
    /// is a google.rpc.Code, not an HTTP code).
    pub fn from_status(status: &Status, http_status: Option<u16>) -> Error {
        let message = status.message.clone().unwrap_or_default();
        let reason = status.error_infos().next().map(|i| i.reason);
        let expired = status.has_reason(ErrorReason::ExpiredSyncToken);
        let rate = status.has_reason(ErrorReason::RateLimitExceeded);
        let name = status.status.clone().or_else(|| {
            // Per-item statuses carry only the numeric google.rpc.Code.
            status
                .code
                .and_then(|c| rpc_code_name(c, http_status.is_some()))
        });
        let code = http_status.or_else(|| {
            status
                .code
                .and_then(|c| rpc_code_name(c, false))
                .and_then(http_for_rpc_name)
        });
        let kind = if expired {
            ErrorKind::ExpiredSyncToken
        } else if rate {
            ErrorKind::RateLimited
        } else {
            classify(
                code.unwrap_or(0),
                name.as_deref(),
                reason.as_deref(),
                &message,
            )
        };
        let mut e = Error::new(kind, message);
        e.0.http_status = http_status;
        e.0.status = name;
        e.0.reason = reason;
        e.0.retry_after = retry_info_delay(status);
        e
    }
}

/// Classification by status name first, then reason and message, then the HTTP code.
fn classify(code: u16, status: Option<&str>, reason: Option<&str>, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    if reason.is_some_and(|r| r.eq_ignore_ascii_case("EXPIRED_SYNC_TOKEN"))
        || lower.contains("sync token is expired")
    {
        return ErrorKind::ExpiredSyncToken;
    }
    if let Some(r) = reason {
        let r = r.to_ascii_uppercase();
        if r.contains("RATE_LIMIT") || r.contains("QUOTA") {
            return ErrorKind::RateLimited;
        }
        if r == "ACCESS_TOKEN_EXPIRED" || r == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" {
            return ErrorKind::Unauthorized;
        }
    }
    match status {
        Some("FAILED_PRECONDITION") => {
            if lower.contains("etag") || reason.is_some_and(|r| r.contains("failedPrecondition")) {
                ErrorKind::EtagMismatch
            } else {
                ErrorKind::InvalidRequest
            }
        }
        Some("NOT_FOUND") => ErrorKind::NotFound,
        Some("ALREADY_EXISTS") | Some("ABORTED") => ErrorKind::Conflict,
        Some("RESOURCE_EXHAUSTED") => ErrorKind::RateLimited,
        Some("UNAUTHENTICATED") | Some("PERMISSION_DENIED") => ErrorKind::Unauthorized,
        Some("INVALID_ARGUMENT") | Some("OUT_OF_RANGE") => ErrorKind::InvalidRequest,
        Some("UNAVAILABLE") | Some("INTERNAL") | Some("DEADLINE_EXCEEDED") | Some("UNKNOWN") => {
            ErrorKind::Transient
        }
        _ => match code {
            400 if lower.contains("etag") => ErrorKind::EtagMismatch,
            400 | 413 | 422 => ErrorKind::InvalidRequest,
            401 | 403 => ErrorKind::Unauthorized,
            404 | 410 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            412 => ErrorKind::EtagMismatch,
            429 => ErrorKind::RateLimited,
            408 | 500..=599 => ErrorKind::Transient,
            _ => ErrorKind::Other,
        },
    }
}

/// The canonical name of a google.rpc.Code. `0` (OK) has no name; with `is_http` the number is
/// an HTTP status that happened to be put into `code`, which Google does in HTTP bodies.
fn rpc_code_name(code: i32, is_http: bool) -> Option<String> {
    if is_http {
        return None;
    }
    let name = match code {
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        11 => "OUT_OF_RANGE",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        15 => "DATA_LOSS",
        16 => "UNAUTHENTICATED",
        _ => return None,
    };
    Some(name.to_owned())
}

fn http_for_rpc_name(name: String) -> Option<u16> {
    Some(match name.as_str() {
        "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "OUT_OF_RANGE" => 400,
        "UNAUTHENTICATED" => 401,
        "PERMISSION_DENIED" => 403,
        "NOT_FOUND" => 404,
        "ALREADY_EXISTS" | "ABORTED" => 409,
        "RESOURCE_EXHAUSTED" => 429,
        "UNAVAILABLE" => 503,
        "DEADLINE_EXCEEDED" => 504,
        _ => 500,
    })
}

/// `google.rpc.RetryInfo.retryDelay` (a protobuf Duration in JSON: `"30s"`, `"1.5s"`).
fn retry_info_delay(status: &Status) -> Option<Duration> {
    status.details.iter().find_map(|d| {
        let t = d.get("@type")?.as_str()?;
        if t != "type.googleapis.com/google.rpc.RetryInfo" {
            return None;
        }
        let s = d.get("retryDelay")?.as_str()?.strip_suffix('s')?;
        let secs: f64 = s.parse().ok()?;
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
    })
}

/// True if a status is a per-item success (absent, or code 0).
pub(crate) fn status_is_ok(status: Option<&Status>) -> bool {
    status.is_none_or(|s| s.code.unwrap_or(0) == 0)
}

#[cfg(test)]
mod tests;
