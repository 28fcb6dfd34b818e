//! DELETE of one card (with If-Match), as one store transaction; books cannot be deleted.

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::error::{DavError, Precondition};
use crate::path::DavPath;
use crate::put::resolve_if_match;
use crate::{Ctx, blocking};

pub(crate) async fn handle(ctx: Ctx) -> Result<Response, DavError> {
    let DavPath::Card(_, book, href) = ctx.path.clone() else {
        return Err(DavError::Forbidden("address books cannot be deleted"));
    };
    if !ctx.writable {
        return Err(DavError::precondition(
            Precondition::NeedPrivileges,
            "this address book is read-only",
        ));
    }
    let if_match = ctx
        .headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let store = ctx.state.store.clone();
    let user = ctx.owner.clone();
    let who = user.clone();
    blocking(move || {
        let current = store.card(&who, book, &href)?.ok_or(DavError::NotFound)?;
        let if_match = resolve_if_match(Some(&current), if_match.as_deref())?;
        Ok(store.client_delete(&who, book, &href, if_match.as_deref())?)
    })
    .await?;
    (ctx.state.wake)(&user);
    Ok(StatusCode::NO_CONTENT.into_response())
}
