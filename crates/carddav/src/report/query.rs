//! addressbook-query (RFC 6352 §8.6): the cards matching a filter, with an optional limit.

use axum::response::Response;
use http::StatusCode;
use store::BookName;

use super::{CardWriter, filter};
use crate::error::DavError;
use crate::path::book_href;
use crate::xml::request::Query;
use crate::xml::response::MultistatusWriter;
use crate::{Ctx, blocking, multistatus};

pub(super) async fn handle(ctx: Ctx, book: BookName, q: Query) -> Result<Response, DavError> {
    let writer = CardWriter::new(&ctx, book, q.props, q.address_data.as_ref())?;
    let store = ctx.state.store.clone();
    let xml = blocking(move || {
        let mut out = MultistatusWriter::new();
        let mut matched = 0usize;
        let mut truncated = false;
        for card in store.cards(&writer.owner, book)? {
            if !filter::card_matches(&q.filter, &card.vcard) {
                continue;
            }
            if q.limit.is_some_and(|l| matched >= l) {
                truncated = true;
                break;
            }
            matched += 1;
            writer.write(&card, &mut out);
        }
        if truncated {
            // RFC 6352 §8.6.1: the request-URI with 507 says the result was cut at the limit.
            out.status(
                &book_href(&writer.user, book),
                StatusCode::INSUFFICIENT_STORAGE,
                Some("<D:number-of-matches-within-limits/>"),
            );
        }
        Ok(out.finish(None))
    })
    .await?;
    Ok(multistatus(xml))
}
