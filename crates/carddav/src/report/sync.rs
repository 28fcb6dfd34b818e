//! sync-collection (RFC 6578): what changed since a token; deleted members as 404 responses.

use axum::response::Response;
use http::StatusCode;
use store::BookName;

use super::CardWriter;
use crate::error::{DavError, Precondition};
use crate::path::card_href;
use crate::props::{parse_sync_token, sync_token};
use crate::xml::request::SyncCollection;
use crate::xml::response::MultistatusWriter;
use crate::{Ctx, blocking, multistatus};

fn invalid_token() -> DavError {
    DavError::precondition(
        Precondition::ValidSyncToken,
        "the sync token is unknown or too old: sync again from scratch",
    )
}

pub(super) async fn handle(
    ctx: Ctx,
    book: BookName,
    s: SyncCollection,
) -> Result<Response, DavError> {
    let since = match &s.token {
        None => None,
        Some(t) => Some(parse_sync_token(book, t).ok_or_else(invalid_token)?),
    };
    let writer = CardWriter::new(&ctx, book, s.props, s.address_data.as_ref())?;
    let store = ctx.state.store.clone();
    let xml = blocking(move || {
        let changes = store.changes_since(&writer.owner, book, since)?;
        if let Some(limit) = s.limit
            && changes.changed.len() + changes.deleted.len() > limit
        {
            return Err(DavError::precondition(
                Precondition::NumberOfMatchesWithinLimits,
                format!("more than {limit} changes: sync without a limit"),
            ));
        }
        let mut out = MultistatusWriter::new();
        for href in &changes.changed {
            match store.card(&writer.owner, book, href)? {
                Some(card) => writer.write(&card, &mut out),
                None => out.status(
                    &card_href(&writer.user, book, href),
                    StatusCode::NOT_FOUND,
                    None,
                ),
            }
        }
        for href in &changes.deleted {
            out.status(
                &card_href(&writer.user, book, href),
                StatusCode::NOT_FOUND,
                None,
            );
        }
        Ok(out.finish(Some(&sync_token(book, changes.seq))))
    })
    .await?;
    Ok(multistatus(xml))
}
