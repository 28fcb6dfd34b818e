//! The properties of each kind of DAV resource: names, values, and what allprop/propname list.

use store::{BookInfo, BookName};

use crate::path::{home_href, principal_href};
use crate::xml::PropName;
use crate::xml::request::PropRequest;
use crate::xml::response::{MultistatusWriter, PropValue};

pub const RESOURCETYPE: PropName = PropName::dav("resourcetype");
pub const DISPLAYNAME: PropName = PropName::dav("displayname");
pub const CURRENT_USER_PRINCIPAL: PropName = PropName::dav("current-user-principal");
pub const PRINCIPAL_URL: PropName = PropName::dav("principal-URL");
pub const PRINCIPAL_COLLECTION_SET: PropName = PropName::dav("principal-collection-set");
pub const OWNER: PropName = PropName::dav("owner");
pub const SYNC_TOKEN: PropName = PropName::dav("sync-token");
pub const SUPPORTED_REPORT_SET: PropName = PropName::dav("supported-report-set");
pub const CURRENT_USER_PRIVILEGE_SET: PropName = PropName::dav("current-user-privilege-set");
pub const GETETAG: PropName = PropName::dav("getetag");
pub const GETCONTENTTYPE: PropName = PropName::dav("getcontenttype");
pub const GETLASTMODIFIED: PropName = PropName::dav("getlastmodified");
pub const GETCONTENTLENGTH: PropName = PropName::dav("getcontentlength");
pub const ADDRESSBOOK_HOME_SET: PropName = PropName::carddav("addressbook-home-set");
pub const ADDRESSBOOK_DESCRIPTION: PropName = PropName::carddav("addressbook-description");
pub const SUPPORTED_ADDRESS_DATA: PropName = PropName::carddav("supported-address-data");
pub const MAX_RESOURCE_SIZE: PropName = PropName::carddav("max-resource-size");
pub const ADDRESS_DATA: PropName = PropName::carddav("address-data");
pub const GETCTAG: PropName = PropName::calserver("getctag");

/// The media type of every card.
pub const VCARD_CONTENT_TYPE: &str = "text/vcard; charset=utf-8";

/// The prefix of this server's sync tokens: `<prefix><book>:<seq>`.
const SYNC_TOKEN_PREFIX: &str = "urn:x-peopledav:sync:";

pub fn sync_token(book: BookName, seq: u64) -> String {
    format!("{SYNC_TOKEN_PREFIX}{}:{seq}", book.as_str())
}

/// The change sequence a token of this book names, or `None` for a foreign or malformed token.
pub fn parse_sync_token(book: BookName, token: &str) -> Option<u64> {
    let rest = token.trim().strip_prefix(SYNC_TOKEN_PREFIX)?;
    let (b, seq) = rest.rsplit_once(':')?;
    if b != book.as_str() {
        return None;
    }
    seq.parse().ok()
}

/// A card as a response describes it.
pub struct CardProps<'a> {
    pub etag: &'a str,
    pub len: u64,
    pub modified: i64,
    /// The rendered card, when `address-data` may be asked for.
    pub address_data: Option<&'a [u8]>,
}

/// A resource whose properties are reported.
pub enum Resource<'a> {
    ServerRoot,
    DavRoot,
    Principals,
    Principal,
    Home,
    Book(BookName, &'a BookInfo),
    Card(BookName, CardProps<'a>),
}

/// What a property value needs besides the resource.
pub struct Ctx<'a> {
    /// The authenticated user (whose data every URL addresses).
    pub user: &'a str,
    pub max_resource_size: u64,
    /// Whether the user may write to the domain's shared book.
    pub shared_writable: bool,
}

fn privileges(read_only: bool) -> String {
    let mut x = String::from(
        "<D:privilege><D:read/></D:privilege><D:privilege><D:read-current-user-privilege-set/></D:privilege>",
    );
    if !read_only {
        x.push_str(
            "<D:privilege><D:write/></D:privilege><D:privilege><D:write-content/></D:privilege>\
             <D:privilege><D:write-properties/></D:privilege><D:privilege><D:bind/></D:privilege>\
             <D:privilege><D:unbind/></D:privilege>",
        );
    }
    x
}

pub fn http_date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

impl<'a> Resource<'a> {
    /// Every property this resource has (for `propname`).
    pub fn names(&self) -> Vec<PropName> {
        let mut names = vec![
            RESOURCETYPE,
            CURRENT_USER_PRINCIPAL,
            CURRENT_USER_PRIVILEGE_SET,
        ];
        match self {
            Resource::ServerRoot | Resource::DavRoot | Resource::Principals => names.extend([
                DISPLAYNAME,
                PRINCIPAL_URL,
                ADDRESSBOOK_HOME_SET,
                PRINCIPAL_COLLECTION_SET,
            ]),
            Resource::Principal => names.extend([
                DISPLAYNAME,
                PRINCIPAL_URL,
                ADDRESSBOOK_HOME_SET,
                PRINCIPAL_COLLECTION_SET,
            ]),
            Resource::Home => names.extend([DISPLAYNAME, OWNER]),
            Resource::Book(..) => names.extend([
                DISPLAYNAME,
                OWNER,
                GETCTAG,
                SYNC_TOKEN,
                SUPPORTED_ADDRESS_DATA,
                SUPPORTED_REPORT_SET,
                MAX_RESOURCE_SIZE,
                ADDRESSBOOK_DESCRIPTION,
            ]),
            Resource::Card(_, c) => {
                names.extend([
                    OWNER,
                    GETETAG,
                    GETCONTENTTYPE,
                    GETLASTMODIFIED,
                    GETCONTENTLENGTH,
                ]);
                if c.address_data.is_some() {
                    names.push(ADDRESS_DATA);
                }
            }
        }
        names
    }

    /// The RFC 4918 live properties `allprop` returns.
    fn allprop_names(&self) -> Vec<PropName> {
        match self {
            Resource::Card(..) => vec![
                RESOURCETYPE,
                GETETAG,
                GETCONTENTTYPE,
                GETLASTMODIFIED,
                GETCONTENTLENGTH,
            ],
            _ => vec![RESOURCETYPE, DISPLAYNAME],
        }
    }

    /// The value of one property, or `None` when this resource does not have it.
    pub fn value(&self, ctx: &Ctx<'a>, name: &PropName) -> Option<PropValue<'a>> {
        let principal = || PropValue::Hrefs(vec![principal_href(ctx.user)]);
        let is_root = matches!(
            self,
            Resource::ServerRoot | Resource::DavRoot | Resource::Principals | Resource::Principal
        );
        let v = match (self, name) {
            (_, n) if *n == RESOURCETYPE => match self {
                Resource::Card(..) => PropValue::Empty,
                Resource::Principal => PropValue::Xml("<D:collection/><D:principal/>".into()),
                Resource::Book(..) => PropValue::Xml("<D:collection/><C:addressbook/>".into()),
                _ => PropValue::Xml("<D:collection/>".into()),
            },
            (_, n) if *n == CURRENT_USER_PRINCIPAL => principal(),
            (_, n) if *n == CURRENT_USER_PRIVILEGE_SET => PropValue::Xml(privileges(match self {
                Resource::Book(BookName::Shared, _) | Resource::Card(BookName::Shared, _) => {
                    !ctx.shared_writable
                }
                Resource::Book(b, _) | Resource::Card(b, _) => b.is_read_only(),
                _ => true,
            })),
            (_, n) if *n == PRINCIPAL_URL && is_root => principal(),
            (_, n) if *n == ADDRESSBOOK_HOME_SET && is_root => {
                PropValue::Hrefs(vec![home_href(ctx.user)])
            }
            (_, n) if *n == PRINCIPAL_COLLECTION_SET && is_root => {
                PropValue::Hrefs(vec!["/dav/principals/".into()])
            }
            (_, n) if *n == DISPLAYNAME => match self {
                Resource::Principal | Resource::Home => PropValue::Text(ctx.user.to_owned().into()),
                Resource::Book(_, info) => PropValue::Text(info.display_name.as_str().into()),
                Resource::Card(..) => return None,
                _ => PropValue::Text("peopledav".into()),
            },
            (Resource::Home | Resource::Book(..) | Resource::Card(..), n) if *n == OWNER => principal(),
            (Resource::Book(_, info), n) if *n == GETCTAG => PropValue::Text(info.seq.to_string().into()),
            (Resource::Book(b, info), n) if *n == SYNC_TOKEN => PropValue::Text(sync_token(*b, info.seq).into()),
            (Resource::Book(..), n) if *n == SUPPORTED_ADDRESS_DATA => PropValue::Xml(
                "<C:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>\
                 <C:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>"
                    .into(),
            ),
            (Resource::Book(..), n) if *n == SUPPORTED_REPORT_SET => PropValue::Xml(
                "<D:supported-report><D:report><C:addressbook-multiget/></D:report></D:supported-report>\
                 <D:supported-report><D:report><C:addressbook-query/></D:report></D:supported-report>\
                 <D:supported-report><D:report><D:sync-collection/></D:report></D:supported-report>"
                    .into(),
            ),
            (Resource::Book(..), n) if *n == MAX_RESOURCE_SIZE => {
                PropValue::Text(ctx.max_resource_size.to_string().into())
            }
            (Resource::Book(_, info), n) if *n == ADDRESSBOOK_DESCRIPTION => {
                PropValue::Text(info.description.as_str().into())
            }
            (Resource::Card(_, c), n) if *n == GETETAG => PropValue::Text(c.etag.into()),
            (Resource::Card(..), n) if *n == GETCONTENTTYPE => PropValue::Text(VCARD_CONTENT_TYPE.into()),
            (Resource::Card(_, c), n) if *n == GETLASTMODIFIED => PropValue::Text(http_date(c.modified).into()),
            (Resource::Card(_, c), n) if *n == GETCONTENTLENGTH => PropValue::Text(c.len.to_string().into()),
            (Resource::Card(_, c), n) if *n == ADDRESS_DATA => {
                {
                // Stored cards are UTF-8; the validating fast path borrows them as they are.
                let data = c.address_data?;
                PropValue::Text(match std::str::from_utf8(data) {
                    Ok(text) => text.into(),
                    Err(_) => String::from_utf8_lossy(data),
                })
            }
            }
            _ => return None,
        };
        Some(v)
    }

    /// Writes this resource's response for a property request.
    pub fn respond(
        &self,
        ctx: &Ctx<'_>,
        href: &str,
        req: &PropRequest,
        out: &mut MultistatusWriter,
    ) {
        match req {
            PropRequest::PropName => {
                let names = self
                    .names()
                    .into_iter()
                    .map(|n| (n, PropValue::Empty))
                    .collect();
                out.found_missing(href, names, Vec::new());
            }
            PropRequest::AllProp(include) => {
                let mut found = Vec::new();
                for n in self.allprop_names() {
                    if let Some(v) = self.value(ctx, &n) {
                        found.push((n, v));
                    }
                }
                let mut missing = Vec::new();
                for n in include {
                    if found.iter().any(|(f, _)| f == n) {
                        continue;
                    }
                    match self.value(ctx, n) {
                        Some(v) => found.push((n.clone(), v)),
                        None => missing.push(n.clone()),
                    }
                }
                out.found_missing(href, found, missing);
            }
            PropRequest::Prop(names) => {
                let mut found = Vec::with_capacity(names.len());
                let mut missing = Vec::new();
                for n in names {
                    match self.value(ctx, n) {
                        Some(v) => found.push((n.clone(), v)),
                        None => missing.push(n.clone()),
                    }
                }
                out.found_missing(href, found, missing);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_tokens_round_trip() {
        let t = sync_token(BookName::Contacts, 42);
        assert_eq!(parse_sync_token(BookName::Contacts, &t), Some(42));
        assert_eq!(parse_sync_token(BookName::Other, &t), None);
        assert_eq!(
            parse_sync_token(BookName::Contacts, "http://example.com/1"),
            None
        );
        assert_eq!(
            parse_sync_token(BookName::Contacts, "urn:x-peopledav:sync:contacts:x"),
            None
        );
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
    }
}
