//! REPORT: addressbook-multiget, addressbook-query and sync-collection on an address book.

mod filter;
mod multiget;
mod query;
mod sync;

use axum::response::Response;
use store::BookName;
use vcard_map::Version;

use crate::Ctx;
use crate::error::{DavError, Precondition};
use crate::path::{DavPath, card_href};
use crate::props::{ADDRESS_DATA, CardProps, Ctx as PropCtx, Resource};
use crate::repr::{accept_version, etag_for, render, sniff_version, spec_version};
use crate::xml::request::{AddressDataSpec, PropRequest, Report, parse_report};
use crate::xml::response::MultistatusWriter;

pub(crate) async fn handle(ctx: Ctx) -> Result<Response, DavError> {
    let report = parse_report(&ctx.body)?;
    let book = match (&ctx.path, &report) {
        (_, Report::Unsupported(name)) => {
            return Err(DavError::precondition(
                Precondition::SupportedReport,
                format!("the report {{{}}}{} is not supported", name.ns, name.local),
            ));
        }
        (DavPath::Book(_, book), _) => *book,
        _ => {
            return Err(DavError::precondition(
                Precondition::SupportedReport,
                "reports are answered on an address book",
            ));
        }
    };
    match report {
        Report::Multiget(m) => multiget::handle(ctx, book, m).await,
        Report::Query(q) => query::handle(ctx, book, q).await,
        Report::Sync(s) => sync::handle(ctx, book, s).await,
        Report::Unsupported(_) => Err(DavError::precondition(
            Precondition::SupportedReport,
            "unsupported report",
        )),
    }
}

/// How cards are written in a report's responses.
pub(super) struct CardWriter {
    pub user: String,
    /// The store user holding the book.
    pub owner: String,
    /// Whether the user may write to the domain's shared book.
    pub shared_writable: bool,
    pub book: BookName,
    pub props: PropRequest,
    /// The vCard version asked for (address-data, else Accept), `None` for the stored one.
    pub want: Option<Version>,
    /// The vCard properties asked for in address-data (empty: all).
    pub data_props: Vec<String>,
    pub max_resource_size: u64,
}

impl CardWriter {
    pub fn new(
        ctx: &Ctx,
        book: BookName,
        props: PropRequest,
        spec: Option<&AddressDataSpec>,
    ) -> Result<CardWriter, DavError> {
        let want = match spec {
            Some(spec) => spec_version(spec)?.or_else(|| accept_version(&ctx.headers)),
            None => accept_version(&ctx.headers),
        };
        Ok(CardWriter {
            user: ctx.user.clone(),
            owner: ctx.owner.clone(),
            shared_writable: ctx.writable,
            book,
            props,
            want,
            data_props: spec.map(|s| s.props.clone()).unwrap_or_default(),
            max_resource_size: ctx.state.config.max_resource_size,
        })
    }

    fn wants_data(&self) -> bool {
        matches!(&self.props, PropRequest::Prop(names) if names.contains(&ADDRESS_DATA))
    }

    /// One card's response.
    pub fn write(&self, card: &store::Card, out: &mut MultistatusWriter) {
        let pctx = PropCtx {
            user: &self.user,
            max_resource_size: self.max_resource_size,
            shared_writable: self.shared_writable,
        };
        let href = card_href(&self.user, self.book, &card.href);
        if self.wants_data() {
            let r = render(card, self.want, &self.data_props);
            let full_len = if self.data_props.is_empty() {
                r.body.len() as u64
            } else {
                card.vcard.len() as u64
            };
            let res = Resource::Card(
                self.book,
                CardProps {
                    etag: &r.etag,
                    len: full_len,
                    modified: card.modified,
                    address_data: Some(&r.body),
                },
            );
            res.respond(&pctx, &href, &self.props, out);
        } else {
            let etag = etag_for(&card.etag, sniff_version(&card.vcard), self.want);
            let res = Resource::Card(
                self.book,
                CardProps {
                    etag: &etag,
                    len: card.vcard.len() as u64,
                    modified: card.modified,
                    address_data: None,
                },
            );
            res.respond(&pctx, &href, &self.props, out);
        }
    }
}
