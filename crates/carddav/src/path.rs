//! The URL layout: parsing request paths into DAV resources and building hrefs.
//!
//! ```text
//! /                                  server root (PROPFIND answers current-user-principal)
//! /.well-known/carddav               redirect to /dav/
//! /dav/                              DAV root
//! /dav/principals/                   principal collection
//! /dav/principals/<user>/            a user's principal
//! /dav/<user>/                       address book home
//! /dav/<user>/<book>/                contacts | other | directory
//! /dav/<user>/<book>/<card>          one vCard
//! ```

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use store::BookName;

use crate::error::DavError;

/// A resource the request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DavPath {
    ServerRoot,
    DavRoot,
    Principals,
    Principal(String),
    Home(String),
    Book(String, BookName),
    Card(String, BookName, String),
}

/// Characters escaped in one path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path segment.
pub fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

fn decode(segment: &str) -> Result<String, DavError> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| DavError::BadRequest("path is not valid utf-8".into()))
}

fn book_name(s: &str) -> Option<BookName> {
    BookName::ALL.into_iter().find(|b| b.as_str() == s)
}

impl DavPath {
    /// Parses a request path (still percent-encoded). Unknown paths are `NotFound`.
    pub fn parse(path: &str) -> Result<DavPath, DavError> {
        if path == "/" || path.is_empty() {
            return Ok(DavPath::ServerRoot);
        }
        let Some(rest) = path.strip_prefix("/dav") else {
            return Err(DavError::NotFound);
        };
        if rest.is_empty() || rest == "/" {
            return Ok(DavPath::DavRoot);
        }
        let Some(rest) = rest.strip_prefix('/') else {
            return Err(DavError::NotFound);
        };
        let trailing = rest.ends_with('/');
        let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(DavError::NotFound);
        }
        let decoded = segments
            .iter()
            .map(|s| decode(s))
            .collect::<Result<Vec<_>, _>>()?;
        if decoded.iter().any(|s| s.chars().any(char::is_control)) {
            return Err(DavError::BadRequest(
                "the path contains a control character (such as %00)".into(),
            ));
        }
        if decoded
            .iter()
            .any(|s| s == "." || s == ".." || s.contains('/'))
        {
            return Err(DavError::BadRequest(
                "the path contains a '.' or '..' segment or an encoded '/'; use the hrefs the server lists".into(),
            ));
        }
        match decoded.as_slice() {
            [p] if p == "principals" => Ok(DavPath::Principals),
            [p, user] if p == "principals" => Ok(DavPath::Principal(user.clone())),
            [user] => Ok(DavPath::Home(user.clone())),
            [user, book] => book_name(book)
                .map(|b| DavPath::Book(user.clone(), b))
                .ok_or(DavError::NotFound),
            [user, book, card] if !trailing => book_name(book)
                .map(|b| DavPath::Card(user.clone(), b, card.clone()))
                .ok_or(DavError::NotFound),
            _ => Err(DavError::NotFound),
        }
    }

    /// The user whose data this path is, if any.
    pub fn user(&self) -> Option<&str> {
        match self {
            DavPath::Principal(u)
            | DavPath::Home(u)
            | DavPath::Book(u, _)
            | DavPath::Card(u, _, _) => Some(u),
            DavPath::ServerRoot | DavPath::DavRoot | DavPath::Principals => None,
        }
    }

    /// The canonical href (collections end with a slash).
    pub fn href(&self) -> String {
        match self {
            DavPath::ServerRoot => "/".into(),
            DavPath::DavRoot => "/dav/".into(),
            DavPath::Principals => "/dav/principals/".into(),
            DavPath::Principal(u) => principal_href(u),
            DavPath::Home(u) => home_href(u),
            DavPath::Book(u, b) => book_href(u, *b),
            DavPath::Card(u, b, c) => card_href(u, *b, c),
        }
    }
}

pub fn principal_href(user: &str) -> String {
    format!("/dav/principals/{}/", encode(user))
}

pub fn home_href(user: &str) -> String {
    format!("/dav/{}/", encode(user))
}

pub fn book_href(user: &str, book: BookName) -> String {
    format!("/dav/{}/{}/", encode(user), book.as_str())
}

pub fn card_href(user: &str, book: BookName, card: &str) -> String {
    format!("/dav/{}/{}/{}", encode(user), book.as_str(), encode(card))
}

/// The path part of an href a client sent in a REPORT body (a path or an absolute URL).
pub fn href_path(href: &str) -> &str {
    if let Some(after_scheme) = href.split_once("://").map(|(_, rest)| rest) {
        return after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_layout() {
        assert_eq!(DavPath::parse("/").unwrap(), DavPath::ServerRoot);
        assert_eq!(DavPath::parse("/dav").unwrap(), DavPath::DavRoot);
        assert_eq!(
            DavPath::parse("/dav/principals/").unwrap(),
            DavPath::Principals
        );
        assert_eq!(
            DavPath::parse("/dav/principals/al%20ice/").unwrap(),
            DavPath::Principal("al ice".into())
        );
        assert_eq!(
            DavPath::parse("/dav/alice").unwrap(),
            DavPath::Home("alice".into())
        );
        assert_eq!(
            DavPath::parse("/dav/alice/contacts").unwrap(),
            DavPath::Book("alice".into(), BookName::Contacts)
        );
        assert_eq!(
            DavPath::parse("/dav/alice/other/a%40b.vcf").unwrap(),
            DavPath::Card("alice".into(), BookName::Other, "a@b.vcf".into())
        );
        assert!(DavPath::parse("/dav/alice/nope/").is_err());
        assert!(DavPath::parse("/dav/alice/contacts/x.vcf/").is_err());
        assert!(DavPath::parse("/dav/alice/contacts/a/b").is_err());
        assert!(DavPath::parse("/dav/alice/contacts/%2E%2E").is_err());
        assert!(DavPath::parse("/dav/alice/contacts/a%2Fb").is_err());
        assert!(DavPath::parse("/dav//x").is_err());
        assert!(DavPath::parse("/status").is_err());
    }

    #[test]
    fn hrefs_round_trip() {
        let p = DavPath::Card("a b".into(), BookName::Contacts, "x y#1.vcf".into());
        assert_eq!(p.href(), "/dav/a%20b/contacts/x%20y%231.vcf");
        assert_eq!(DavPath::parse(&p.href()).unwrap(), p);
        assert_eq!(href_path("https://h:1/dav/a/"), "/dav/a/");
        assert_eq!(href_path("/dav/a/"), "/dav/a/");
    }
}
