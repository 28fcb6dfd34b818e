//! PUT of one card: validation, preconditions, one store transaction, then the sync task is woken.

use axum::response::Response;
use http::{HeaderMap, StatusCode, header};
use store::{BookName, ClientPut};

use crate::error::{DavError, Precondition};
use crate::path::{DavPath, card_href};
use crate::repr::{is_vcard_content_type, sniff_version, stored_etag_for};
use crate::{Ctx, blocking};

/// The UID given to a card sent without one: its file name without `.vcf`.
fn uid_from_href(href: &str) -> String {
    href.strip_suffix(".vcf").unwrap_or(href).to_owned()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The etags listed in an `If-Match`/`If-None-Match` value (`*` kept as is).
pub(crate) fn etag_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|t| !t.is_empty())
}

/// Resolves `If-Match` against the current card: the stored etag to hand to the store, or 412.
pub(crate) fn resolve_if_match(
    current: Option<&store::Card>,
    if_match: Option<&str>,
) -> Result<Option<String>, DavError> {
    let Some(value) = if_match else {
        return Ok(None);
    };
    let Some(card) = current else {
        return Err(DavError::PreconditionFailed);
    };
    for tag in etag_list(value) {
        if tag == "*" {
            return Ok(Some(card.etag.clone()));
        }
        if let Some(stored) = stored_etag_for(card, tag) {
            return Ok(Some(stored));
        }
    }
    Err(DavError::PreconditionFailed)
}

pub(crate) async fn handle(ctx: Ctx) -> Result<Response, DavError> {
    let DavPath::Card(_, book, href) = ctx.path.clone() else {
        return Err(DavError::MethodNotAllowed);
    };
    let user = ctx.owner.clone();
    if !ctx.writable {
        return Err(DavError::precondition(
            Precondition::NeedPrivileges,
            "this address book is read-only",
        ));
    }
    if let Some(ct) = header_str(&ctx.headers, header::CONTENT_TYPE)
        && !is_vcard_content_type(ct)
    {
        return Err(DavError::precondition(
            Precondition::SupportedAddressData,
            format!("content type {ct} is not a vcard: send text/vcard"),
        ));
    }
    let max = ctx.state.config.max_resource_size;
    if ctx.body.len() as u64 > max {
        return Err(DavError::precondition(
            Precondition::MaxResourceSize,
            format!(
                "the card is {} bytes, more than the {max} allowed",
                ctx.body.len()
            ),
        ));
    }
    check_shape(&ctx.body)?;
    let (mut card, _diagnostics) = vcard_map::parse_one(&ctx.body).map_err(|e| {
        DavError::precondition(
            Precondition::ValidAddressData,
            format!("invalid vcard: {e}"),
        )
    })?;
    let (uid, vcard, exact) = match card.uid().map(str::trim).filter(|u| !u.is_empty()) {
        Some(uid) => (uid.to_owned(), ctx.body.to_vec(), true),
        None => {
            let uid = uid_from_href(&href);
            card.set_uid(&uid);
            let version = card.version().unwrap_or_else(|| sniff_version(&ctx.body));
            (uid, card.write(version).into_bytes(), false)
        }
    };
    let if_match = header_str(&ctx.headers, header::IF_MATCH).map(str::to_owned);
    let if_none_match = header_str(&ctx.headers, header::IF_NONE_MATCH).map(str::to_owned);
    let state = ctx.state.clone();
    let who = user.clone();
    let outcome = blocking(move || {
        put_card(
            &state.store,
            &who,
            book,
            href,
            uid,
            vcard,
            if_match,
            if_none_match,
        )
    })
    .await?;
    (ctx.state.wake)(&user);
    let mut builder = Response::builder().status(if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    });
    if exact {
        builder = builder.header(header::ETAG, &outcome.etag);
    }
    builder
        .body(axum::body::Body::empty())
        .map_err(|e| DavError::Internal(format!("cannot build the response: {e}")))
}

#[allow(clippy::too_many_arguments)]
fn put_card(
    store: &store::Store,
    user: &str,
    book: BookName,
    href: String,
    uid: String,
    vcard: Vec<u8>,
    if_match: Option<String>,
    if_none_match: Option<String>,
) -> Result<store::PutOutcome, DavError> {
    let current = store.card(user, book, &href)?;
    let if_match = resolve_if_match(current.as_ref(), if_match.as_deref())?;
    let mut if_none_match_any = false;
    if let Some(inm) = &if_none_match {
        for tag in etag_list(inm) {
            if tag == "*" {
                if_none_match_any = true;
            } else if current
                .as_ref()
                .is_some_and(|c| stored_etag_for(c, tag).is_some())
            {
                return Err(DavError::PreconditionFailed);
            }
        }
    }
    let put = ClientPut {
        href,
        uid,
        vcard,
        if_match,
        if_none_match_any,
    };
    store
        .client_put(user, book, put)
        .map_err(|e| DavError::from_store(e, |h| card_href(user, book, h)))
}

/// The most content lines (properties) a card may have; real cards have at most a few hundred.
pub const MAX_PROPERTIES: usize = 10_000;

/// Refuses what no vCard contains before parsing it: NUL bytes, and more than
/// [`MAX_PROPERTIES`] content lines.
fn check_shape(body: &[u8]) -> Result<(), DavError> {
    let invalid = |message: String| DavError::precondition(Precondition::ValidAddressData, message);
    if let Some(at) = body.iter().position(|b| *b == 0) {
        let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(invalid(format!(
            "invalid vcard: line {line} contains a NUL byte"
        )));
    }
    // A content line starts after a line break that is not followed by folding whitespace.
    let lines = body
        .windows(2)
        .filter(|w| w[0] == b'\n' && w[1] != b' ' && w[1] != b'\t')
        .count();
    if lines > MAX_PROPERTIES {
        return Err(invalid(format!(
            "invalid vcard: {lines} properties, more than the {MAX_PROPERTIES} allowed"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_from_file_name() {
        assert_eq!(uid_from_href("abc.vcf"), "abc");
        assert_eq!(uid_from_href("abc"), "abc");
    }
}
