//! MKCOL (and MKCALENDAR): the address books are fixed, so new collections are refused.

use axum::response::Response;

use crate::error::{DavError, Precondition};
use crate::path::DavPath;
use crate::{Ctx, blocking};

/// 405 with `resource-must-be-null` over an existing resource, 403 elsewhere.
pub(crate) async fn mkcol(ctx: Ctx) -> Result<Response, DavError> {
    let exists = match ctx.path.clone() {
        DavPath::Card(_, book, href) => {
            let store = ctx.state.store.clone();
            let user = ctx.owner.clone();
            blocking(move || Ok(store.card(&user, book, &href)?.is_some())).await?
        }
        _ => true,
    };
    if exists {
        Err(DavError::precondition(
            Precondition::ResourceMustBeNull,
            "a resource already exists here",
        ))
    } else {
        Err(DavError::Forbidden(
            "address books cannot be created: use contacts, other, directory or shared",
        ))
    }
}
