//! addressbook-multiget (RFC 6352 §8.7): the named cards, 404 for each href that is not one.

use axum::response::Response;
use http::StatusCode;
use store::BookName;

use super::CardWriter;
use crate::error::DavError;
use crate::path::{DavPath, href_path};
use crate::xml::request::Multiget;
use crate::xml::response::MultistatusWriter;
use crate::{Ctx, blocking, multistatus};

pub(super) async fn handle(ctx: Ctx, book: BookName, m: Multiget) -> Result<Response, DavError> {
    let writer = CardWriter::new(&ctx, book, m.props, m.address_data.as_ref())?;
    let store = ctx.state.store.clone();
    let xml = blocking(move || {
        let mut out = MultistatusWriter::new();
        for href in &m.hrefs {
            let card = match DavPath::parse(href_path(href)) {
                Ok(DavPath::Card(u, b, name)) if u == writer.user && b == book => {
                    store.card(&writer.owner, book, &name)?
                }
                _ => None,
            };
            match card {
                Some(card) => writer.write(&card, &mut out),
                None => out.status(href, StatusCode::NOT_FOUND, None),
            }
        }
        Ok(out.finish(None))
    })
    .await?;
    Ok(multistatus(xml))
}
