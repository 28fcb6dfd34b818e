//! PROPPATCH: the display name and description of the user's writable address book.
//!
//! The update is atomic (RFC 4918 §9.2): when one property cannot be set, none is, and the others
//! are reported `424 Failed Dependency`.

use axum::response::Response;
use http::StatusCode;

use crate::error::DavError;
use crate::path::DavPath;
use crate::props::{ADDRESSBOOK_DESCRIPTION, DISPLAYNAME};
use crate::xml::PropName;
use crate::xml::request::{PatchOp, parse_proppatch};
use crate::xml::response::{MultistatusWriter, PropValue};
use crate::{Ctx, blocking, multistatus};

pub(crate) async fn handle(ctx: Ctx) -> Result<Response, DavError> {
    let DavPath::Book(_, book) = ctx.path.clone() else {
        return Err(DavError::Forbidden(
            "only an address book's displayname and addressbook-description can be changed",
        ));
    };
    if !ctx.writable {
        return Err(DavError::Forbidden("this address book is read-only"));
    }
    let user = ctx.owner.clone();
    let ops = parse_proppatch(&ctx.body)?;
    let mut display_name = None;
    let mut description = None;
    let mut ok: Vec<PropName> = Vec::new();
    let mut refused: Vec<PropName> = Vec::new();
    for op in ops {
        let (name, value) = match op {
            PatchOp::Set(name, value) => (name, value),
            PatchOp::Remove(name) => (name, String::new()),
        };
        if name == DISPLAYNAME {
            display_name = Some(value);
        } else if name == ADDRESSBOOK_DESCRIPTION {
            description = Some(value);
        } else {
            refused.push(name);
            continue;
        }
        ok.push(name);
    }
    let href = ctx.path.href();
    let mut out = MultistatusWriter::new();
    let empty = |names: Vec<PropName>| -> Vec<(PropName, PropValue)> {
        names.into_iter().map(|n| (n, PropValue::Empty)).collect()
    };
    if refused.is_empty() {
        let store = ctx.state.store.clone();
        blocking(move || Ok(store.set_book_props(&user, book, display_name, description)?)).await?;
        out.propstats(&href, &[(StatusCode::OK, empty(ok))]);
    } else {
        out.propstats(
            &href,
            &[
                (StatusCode::FORBIDDEN, empty(refused)),
                (StatusCode::FAILED_DEPENDENCY, empty(ok)),
            ],
        );
    }
    Ok(multistatus(out.finish(None)))
}
