//! Errors: `EmulatorError` for configuration and seed problems, `ApiError` for Google-shaped HTTP answers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use people::{ErrorBody, ErrorInfo};

/// What went wrong while configuring the emulator (fault spec, seed file).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("invalid fault spec {spec:?}: {reason}")]
    InvalidFaultSpec { spec: String, reason: String },
    #[error("cannot read seed file {path}: {source}")]
    SeedRead {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("seed file {path} is not a JSON array of People API persons: {reason}")]
    SeedFormat { path: String, reason: String },
    #[error("cannot read the emulator state file {path}: {source}")]
    StateRead {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the emulator state file {path} does not hold a saved emulator state: {reason}")]
    StateFormat { path: String, reason: String },
    #[error("cannot write the emulator state file {path}: {source}")]
    StateWrite {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode the emulator state: {0}")]
    StateEncode(#[source] serde_json::Error),
}

/// The kind of an [`EmulatorError`], for callers that branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmulatorErrorKind {
    InvalidFaultSpec,
    SeedRead,
    SeedFormat,
    StateRead,
    StateFormat,
    StateWrite,
}

impl EmulatorError {
    pub fn kind(&self) -> EmulatorErrorKind {
        match self {
            EmulatorError::InvalidFaultSpec { .. } => EmulatorErrorKind::InvalidFaultSpec,
            EmulatorError::SeedRead { .. } => EmulatorErrorKind::SeedRead,
            EmulatorError::SeedFormat { .. } => EmulatorErrorKind::SeedFormat,
            EmulatorError::StateRead { .. } => EmulatorErrorKind::StateRead,
            EmulatorError::StateFormat { .. } => EmulatorErrorKind::StateFormat,
            EmulatorError::StateWrite { .. } | EmulatorError::StateEncode(_) => {
                EmulatorErrorKind::StateWrite
            }
        }
    }
}

/// The ErrorInfo domain Google uses for People API reasons.
pub(crate) const PEOPLE_DOMAIN: &str = "people.googleapis.com";
/// The ErrorInfo domain Google uses for platform reasons (auth, quota).
pub(crate) const PLATFORM_DOMAIN: &str = "googleapis.com";

/// A failed API call, rendered as `{"error": {code, message, status, details}}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub code: u16,
    pub status: &'static str,
    pub message: String,
    pub info: Option<ErrorInfo>,
}

impl ApiError {
    pub fn new(code: u16, status: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            status,
            message: message.into(),
            info: None,
        }
    }

    pub fn with_reason(mut self, reason: &str, domain: &str) -> ApiError {
        self.info = Some(ErrorInfo {
            reason: reason.into(),
            domain: domain.into(),
            metadata: Default::default(),
        });
        self
    }

    pub fn invalid_argument(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "INVALID_ARGUMENT", message)
    }

    /// Google's generic wording for a bad parameter.
    pub fn bad_request() -> ApiError {
        ApiError::invalid_argument("Request contains an invalid argument.")
    }

    pub fn failed_precondition(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "FAILED_PRECONDITION", message)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(404, "NOT_FOUND", "Requested entity was not found.")
    }

    pub fn already_exists(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "ALREADY_EXISTS", message)
    }

    pub fn unauthenticated(missing: bool) -> ApiError {
        let (message, reason) = if missing {
            (
                "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "CREDENTIALS_MISSING",
            )
        } else {
            (
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "ACCESS_TOKEN_TYPE_UNSUPPORTED",
            )
        };
        let mut e = ApiError::new(401, "UNAUTHENTICATED", message);
        let mut info = ErrorInfo {
            reason: reason.into(),
            domain: PLATFORM_DOMAIN.into(),
            metadata: Default::default(),
        };
        info.metadata
            .insert("service".into(), "people.googleapis.com".into());
        e.info = Some(info);
        e
    }

    pub fn internal() -> ApiError {
        ApiError::new(500, "INTERNAL", "Internal error encountered.")
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(503, "UNAVAILABLE", "The service is currently unavailable.")
    }

    pub fn expired_sync_token() -> ApiError {
        ApiError::failed_precondition(
            "Sync token is expired. Clear local cache and retry call without the sync token.",
        )
        .with_reason("EXPIRED_SYNC_TOKEN", PEOPLE_DOMAIN)
    }

    pub fn stale_etag() -> ApiError {
        ApiError::failed_precondition(
            "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
        )
    }

    pub fn missing_etag() -> ApiError {
        ApiError::invalid_argument(
            "Request must set person.etag or person.metadata.sources.etag for the source that is being updated.",
        )
    }

    pub fn not_workspace() -> ApiError {
        ApiError::failed_precondition("Must be a G Suite domain user.")
    }

    /// The JSON body, as [`people::ErrorBody`].
    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(
            self.code,
            self.status,
            self.message.clone(),
            self.info.clone(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        if self.code == 401 {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"https://accounts.google.com/\""),
            );
        }
        response
    }
}
