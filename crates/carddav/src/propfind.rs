//! PROPFIND with Depth 0 or 1 (infinity is refused with `propfind-finite-depth`).

use axum::response::Response;
use store::BookName;

use crate::error::{DavError, Precondition};
use crate::path::{DavPath, book_href, card_href, home_href, principal_href};
use crate::props::{CardProps, Ctx as PropCtx, Resource};
use crate::repr::{accept_version, render};
use crate::xml::request::parse_propfind;
use crate::xml::response::MultistatusWriter;
use crate::{Ctx, blocking, depth, multistatus};

pub(crate) async fn handle(ctx: Ctx) -> Result<Response, DavError> {
    let Some(depth) = depth(&ctx.headers, true)? else {
        return Err(DavError::precondition(
            Precondition::PropfindFiniteDepth,
            "depth infinity is not supported: use depth 0 or 1",
        ));
    };
    let req = parse_propfind(&ctx.body)?;
    let want = accept_version(&ctx.headers);
    let Ctx {
        state,
        user,
        owner,
        path,
        ..
    } = ctx;
    let xml = blocking(move || {
        let store = &state.store;
        let pctx = PropCtx {
            user: &user,
            max_resource_size: state.config.max_resource_size,
            shared_writable: state.may_write(&user, BookName::Shared)?,
        };
        let mut out = MultistatusWriter::new();
        match &path {
            DavPath::ServerRoot => Resource::ServerRoot.respond(&pctx, "/", &req, &mut out),
            DavPath::DavRoot => {
                Resource::DavRoot.respond(&pctx, "/dav/", &req, &mut out);
                if depth == 1 {
                    Resource::Principals.respond(&pctx, "/dav/principals/", &req, &mut out);
                    Resource::Home.respond(&pctx, &home_href(&user), &req, &mut out);
                }
            }
            DavPath::Principals => {
                Resource::Principals.respond(&pctx, "/dav/principals/", &req, &mut out);
                if depth == 1 {
                    Resource::Principal.respond(&pctx, &principal_href(&user), &req, &mut out);
                }
            }
            DavPath::Principal(_) => {
                Resource::Principal.respond(&pctx, &principal_href(&user), &req, &mut out)
            }
            DavPath::Home(_) => {
                Resource::Home.respond(&pctx, &home_href(&user), &req, &mut out);
                if depth == 1 {
                    for book in state.books(&user)? {
                        let info = store.book(&state.owner(&user, book)?, book)?;
                        Resource::Book(book, &info).respond(
                            &pctx,
                            &book_href(&user, book),
                            &req,
                            &mut out,
                        );
                    }
                }
            }
            DavPath::Book(_, book) => {
                let book = *book;
                let info = store.book(&owner, book)?;
                Resource::Book(book, &info).respond(&pctx, &book_href(&user, book), &req, &mut out);
                if depth == 1 {
                    if want.is_some() {
                        for card in store.cards(&owner, book)? {
                            let r = render(&card, want, &[]);
                            let res = Resource::Card(
                                book,
                                CardProps {
                                    etag: &r.etag,
                                    len: r.body.len() as u64,
                                    modified: card.modified,
                                    address_data: None,
                                },
                            );
                            res.respond(&pctx, &card_href(&user, book, &card.href), &req, &mut out);
                        }
                    } else {
                        for meta in store.card_metas(&owner, book)? {
                            let res = Resource::Card(
                                book,
                                CardProps {
                                    etag: &meta.etag,
                                    len: meta.len,
                                    modified: meta.modified,
                                    address_data: None,
                                },
                            );
                            res.respond(&pctx, &card_href(&user, book, &meta.href), &req, &mut out);
                        }
                    }
                }
            }
            DavPath::Card(_, book, href) => {
                let card = store.card(&owner, *book, href)?.ok_or(DavError::NotFound)?;
                let r = render(&card, want, &[]);
                let res = Resource::Card(
                    *book,
                    CardProps {
                        etag: &r.etag,
                        len: r.body.len() as u64,
                        modified: card.modified,
                        address_data: None,
                    },
                );
                res.respond(&pctx, &card_href(&user, *book, href), &req, &mut out);
            }
        }
        Ok(out.finish(None))
    })
    .await?;
    Ok(multistatus(xml))
}
