//! The front end's error type and the one place where errors become HTTP responses.
//!
//! Clients see a status, a `D:error` body naming the precondition where there is one, and a short
//! message; internal details (store failures) are logged, never sent.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::xml::XmlError;
use crate::xml::request::ReportError;
use crate::xml::response::{error_body, href_xml};

/// A WebDAV/CardDAV precondition or postcondition element reported in a `D:error` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `C:valid-address-data`: the PUT body is not a valid vCard (400).
    ValidAddressData,
    /// `C:supported-address-data`: not a vCard media type (415).
    SupportedAddressData,
    /// `C:max-resource-size` (413).
    MaxResourceSize,
    /// `C:no-uid-conflict` with the href of the card already holding the UID (409).
    NoUidConflict(String),
    /// `D:valid-sync-token` (403).
    ValidSyncToken,
    /// `D:propfind-finite-depth` (403).
    PropfindFiniteDepth,
    /// `D:supported-report` (403).
    SupportedReport,
    /// `C:supported-collation` (403).
    SupportedCollation,
    /// `C:supported-filter` (403).
    SupportedFilter,
    /// `D:need-privileges` (403): a write to a read-only book.
    NeedPrivileges,
    /// `D:resource-must-be-null` (405 on MKCOL over an existing resource).
    ResourceMustBeNull,
    /// `D:number-of-matches-within-limits` (507): a limit this server cannot honour.
    NumberOfMatchesWithinLimits,
}

impl Precondition {
    fn status(&self) -> StatusCode {
        match self {
            Precondition::ValidAddressData => StatusCode::BAD_REQUEST,
            Precondition::SupportedAddressData => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Precondition::MaxResourceSize => StatusCode::PAYLOAD_TOO_LARGE,
            Precondition::NoUidConflict(_) => StatusCode::CONFLICT,
            Precondition::ResourceMustBeNull => StatusCode::METHOD_NOT_ALLOWED,
            Precondition::NumberOfMatchesWithinLimits => StatusCode::INSUFFICIENT_STORAGE,
            Precondition::ValidSyncToken
            | Precondition::PropfindFiniteDepth
            | Precondition::SupportedReport
            | Precondition::SupportedCollation
            | Precondition::SupportedFilter
            | Precondition::NeedPrivileges => StatusCode::FORBIDDEN,
        }
    }

    /// The element, as trusted XML.
    fn xml(&self) -> String {
        match self {
            Precondition::ValidAddressData => "<C:valid-address-data/>".into(),
            Precondition::SupportedAddressData => "<C:supported-address-data/>".into(),
            Precondition::MaxResourceSize => "<C:max-resource-size/>".into(),
            Precondition::NoUidConflict(href) => {
                format!("<C:no-uid-conflict>{}</C:no-uid-conflict>", href_xml(href))
            }
            Precondition::ValidSyncToken => "<D:valid-sync-token/>".into(),
            Precondition::PropfindFiniteDepth => "<D:propfind-finite-depth/>".into(),
            Precondition::SupportedReport => "<D:supported-report/>".into(),
            Precondition::SupportedCollation => "<C:supported-collation/>".into(),
            Precondition::SupportedFilter => "<C:supported-filter/>".into(),
            Precondition::NeedPrivileges => "<D:need-privileges/>".into(),
            Precondition::ResourceMustBeNull => "<D:resource-must-be-null/>".into(),
            Precondition::NumberOfMatchesWithinLimits => {
                "<D:number-of-matches-within-limits/>".into()
            }
        }
    }
}

/// Everything a DAV request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DavError {
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("request body too large")]
    BodyTooLarge,
    #[error("{message}")]
    Precondition {
        precondition: Precondition,
        message: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

/// The methods the DAV resources answer, for `Allow`.
pub const ALLOW: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT";

impl DavError {
    pub fn precondition(precondition: Precondition, message: impl Into<String>) -> DavError {
        DavError::Precondition {
            precondition,
            message: message.into(),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            DavError::Unauthorized => StatusCode::UNAUTHORIZED,
            DavError::Forbidden(_) => StatusCode::FORBIDDEN,
            DavError::NotFound => StatusCode::NOT_FOUND,
            DavError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            DavError::BadRequest(_) => StatusCode::BAD_REQUEST,
            DavError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            DavError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            DavError::Precondition { precondition, .. } => precondition.status(),
            DavError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Maps a store failure; `href_of` turns a conflicting card's href into its full URL path.
    pub fn from_store(err: store::StoreError, href_of: impl FnOnce(&str) -> String) -> DavError {
        use store::ErrorKind;
        match err.kind() {
            ErrorKind::NotFound => DavError::NotFound,
            ErrorKind::PreconditionFailed | ErrorKind::Conflict => DavError::PreconditionFailed,
            ErrorKind::UidConflict { href } => DavError::precondition(
                Precondition::NoUidConflict(href_of(&href)),
                "a card with this uid already exists under another name",
            ),
            ErrorKind::ReadOnly => DavError::precondition(
                Precondition::NeedPrivileges,
                "this address book is read-only",
            ),
            ErrorKind::InvalidSyncToken => DavError::precondition(
                Precondition::ValidSyncToken,
                "the sync token is unknown or too old: sync again from scratch",
            ),
            _ => DavError::Internal(err.to_string()),
        }
    }
}

impl From<store::StoreError> for DavError {
    fn from(err: store::StoreError) -> DavError {
        DavError::from_store(err, str::to_owned)
    }
}

impl From<XmlError> for DavError {
    fn from(err: XmlError) -> DavError {
        DavError::BadRequest(err.to_string())
    }
}

impl From<ReportError> for DavError {
    fn from(err: ReportError) -> DavError {
        match err {
            ReportError::Xml(e) => e.into(),
            ReportError::UnsupportedCollation(_) => {
                DavError::precondition(Precondition::SupportedCollation, err.to_string())
            }
            ReportError::UnsupportedFilter(_) => {
                DavError::precondition(Precondition::SupportedFilter, err.to_string())
            }
        }
    }
}

impl IntoResponse for DavError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "dav request failed");
        } else {
            tracing::debug!(error = %self, status = status.as_u16(), "dav request refused");
        }
        let mut builder = Response::builder().status(status);
        match &self {
            DavError::Unauthorized => {
                builder = builder.header(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"peopledav\", charset=\"UTF-8\""),
                );
            }
            DavError::MethodNotAllowed
            | DavError::Precondition {
                precondition: Precondition::ResourceMustBeNull,
                ..
            } => {
                builder = builder.header(header::ALLOW, HeaderValue::from_static(ALLOW));
            }
            _ => {}
        }
        let body = match &self {
            DavError::Precondition {
                precondition,
                message,
            } => {
                builder = builder.header(header::CONTENT_TYPE, "application/xml; charset=utf-8");
                Body::from(error_body(&precondition.xml(), Some(message)))
            }
            DavError::Internal(_) => {
                builder = builder.header(header::CONTENT_TYPE, "text/plain; charset=utf-8");
                Body::from("internal server error\n")
            }
            other => {
                builder = builder.header(header::CONTENT_TYPE, "text/plain; charset=utf-8");
                Body::from(format!("{other}\n"))
            }
        };
        builder
            .body(body)
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
