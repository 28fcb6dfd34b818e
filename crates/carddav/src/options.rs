//! OPTIONS: the DAV compliance classes and methods, answered without credentials.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::error::ALLOW;

/// `DAV: 1, 3, addressbook` (no class 2: this server does not lock; no add-member: no POST).
pub(crate) fn handle() -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header("dav", "1, 3, addressbook")
        .header(header::ALLOW, ALLOW)
        .header(header::CONTENT_LENGTH, "0")
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
