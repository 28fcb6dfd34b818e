//! GET and HEAD: one card in the requested vCard version, or a whole book as one .vcf.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::error::DavError;
use crate::path::DavPath;
use crate::props::VCARD_CONTENT_TYPE;
use crate::repr::{accept_version, render};
use crate::{Ctx, blocking};

pub(crate) async fn handle(ctx: Ctx, head: bool) -> Result<Response, DavError> {
    let want = accept_version(&ctx.headers);
    let Ctx {
        state,
        owner: user,
        path,
        headers,
        ..
    } = ctx;
    let (body, etag, modified) = match path {
        DavPath::Card(_, book, href) => {
            let card = state
                .store
                .card(&user, book, &href)?
                .ok_or(DavError::NotFound)?;
            let r = render(&card, want, &[]);
            (r.body.into_owned(), Some(r.etag), Some(card.modified))
        }
        DavPath::Book(_, book) => {
            let store = state.store.clone();
            let body = blocking(move || {
                let mut all = Vec::new();
                for card in store.cards(&user, book)? {
                    let r = render(&card, want, &[]);
                    all.extend_from_slice(&r.body);
                    if !all.ends_with(b"\n") {
                        all.extend_from_slice(b"\r\n");
                    }
                }
                Ok(all)
            })
            .await?;
            (body, None, None)
        }
        _ => return Err(DavError::MethodNotAllowed),
    };
    if let Some(etag) = &etag
        && let Some(inm) = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        && inm.split(',').any(|t| t.trim() == etag || t.trim() == "*")
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, VCARD_CONTENT_TYPE)
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(etag) = etag {
        builder = builder.header(header::ETAG, etag);
    }
    if let Some(m) = modified {
        builder = builder.header(header::LAST_MODIFIED, crate::props::http_date(m));
    }
    let body = if head {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder
        .body(body)
        .map_err(|e| DavError::Internal(format!("cannot build the response: {e}")))
}
