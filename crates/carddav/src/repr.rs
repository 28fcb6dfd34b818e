//! vCard representations: which version a request wants (Accept header or address-data), the
//! card in that version, and its etag.
//!
//! A stored card keeps the bytes its writer sent; its stored etag names that representation.
//! The other version is produced with vcard-map and gets a derived etag (`"<stored>-v3"` or
//! `"<stored>-v4"`), so one card has one stable etag per representation, and a client may send
//! back either in `If-Match`.

use std::borrow::Cow;

use http::HeaderMap;
use vcard_map::Version;

use crate::error::{DavError, Precondition};
use crate::xml::request::AddressDataSpec;

/// The version written on a card's `VERSION` line (3.0 when absent or unknown).
pub fn sniff_version(bytes: &[u8]) -> Version {
    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > 8 && line[..8].eq_ignore_ascii_case(b"VERSION:") {
            return if line[8..].trim_ascii().starts_with(b"4") {
                Version::V4
            } else {
                Version::V3
            };
        }
    }
    Version::V3
}

fn is_vcard_type(media: &str) -> bool {
    let media = media.trim();
    media.eq_ignore_ascii_case("text/vcard")
        || media.eq_ignore_ascii_case("text/x-vcard")
        || media.eq_ignore_ascii_case("text/directory")
}

fn parse_version(v: &str) -> Option<Version> {
    match v.trim().trim_matches('"') {
        "3.0" | "3" => Some(Version::V3),
        "4.0" | "4" => Some(Version::V4),
        _ => None,
    }
}

/// Whether a `Content-Type` value names a vCard (`text/vcard`, `text/x-vcard`, `text/directory`).
pub fn is_vcard_content_type(value: &str) -> bool {
    is_vcard_type(value.split(';').next().unwrap_or(""))
}

/// The vCard version an `Accept` header prefers, when it names one with `version=`.
pub fn accept_version(headers: &HeaderMap) -> Option<Version> {
    let mut best: Option<(f32, Version)> = None;
    for value in headers.get_all(http::header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            if !is_vcard_type(parts.next().unwrap_or("")) {
                continue;
            }
            let mut q = 1.0f32;
            let mut version = None;
            for param in parts {
                let Some((k, v)) = param.split_once('=') else {
                    continue;
                };
                match k.trim().to_ascii_lowercase().as_str() {
                    "q" => q = v.trim().parse().unwrap_or(0.0),
                    "version" => version = parse_version(v),
                    _ => {}
                }
            }
            if let Some(version) = version
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, version));
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The version an `address-data` element asks for (`None`: the stored one).
pub fn spec_version(spec: &AddressDataSpec) -> Result<Option<Version>, DavError> {
    if let Some(ct) = &spec.content_type
        && !is_vcard_type(ct)
    {
        return Err(DavError::precondition(
            Precondition::SupportedAddressData,
            format!("address data of type {ct} is not available, only text/vcard"),
        ));
    }
    match &spec.version {
        None => Ok(None),
        Some(v) => parse_version(v).map(Some).ok_or_else(|| {
            DavError::precondition(
                Precondition::SupportedAddressData,
                format!("vcard version {v} is not available, only 3.0 and 4.0"),
            )
        }),
    }
}

fn suffix(version: Version) -> &'static str {
    match version {
        Version::V3 => "-v3",
        Version::V4 => "-v4",
    }
}

/// The etag of a card's representation in `want` (the stored etag for the stored version).
pub fn etag_for(stored_etag: &str, stored: Version, want: Option<Version>) -> String {
    match want {
        Some(want) if want != stored => {
            let inner = stored_etag.trim_matches('"');
            format!("\"{inner}{}\"", suffix(want))
        }
        _ => stored_etag.to_owned(),
    }
}

/// Maps an etag a client sent (of any representation of this card) to the stored etag; `None`
/// when it names no representation of the current card.
pub fn stored_etag_for(card: &store::Card, given: &str) -> Option<String> {
    let given = given.trim();
    if given == card.etag {
        return Some(card.etag.clone());
    }
    let stored = sniff_version(&card.vcard);
    let other = match stored {
        Version::V3 => Version::V4,
        Version::V4 => Version::V3,
    };
    (etag_for(&card.etag, stored, Some(other)) == given).then(|| card.etag.clone())
}

/// A card rendered for a response.
pub struct Rendered<'a> {
    pub body: Cow<'a, [u8]>,
    pub etag: String,
}

/// The card in `want` (or as stored), limited to `props` when not empty.
pub fn render<'a>(card: &'a store::Card, want: Option<Version>, props: &[String]) -> Rendered<'a> {
    let stored = sniff_version(&card.vcard);
    let etag = etag_for(&card.etag, stored, want);
    let target = want.unwrap_or(stored);
    if target == stored && props.is_empty() {
        return Rendered {
            body: Cow::Borrowed(&card.vcard),
            etag,
        };
    }
    match vcard_map::parse_one(&card.vcard) {
        Ok((parsed, _)) => {
            let text = if props.is_empty() {
                parsed.write(target)
            } else {
                let names: Vec<&str> = props.iter().map(String::as_str).collect();
                parsed.write_only(target, &names)
            };
            Rendered {
                body: Cow::Owned(text.into_bytes()),
                etag,
            }
        }
        Err(e) => {
            // A stored card that no longer parses is served as it is rather than hidden.
            tracing::warn!(href = %card.href, error = %e, "stored card does not parse; serving its bytes");
            Rendered {
                body: Cow::Borrowed(&card.vcard),
                etag: card.etag.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_versions() {
        assert_eq!(
            sniff_version(b"BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n"),
            Version::V4
        );
        assert_eq!(
            sniff_version(b"BEGIN:VCARD\nversion: 3.0\nEND:VCARD\n"),
            Version::V3
        );
        assert_eq!(sniff_version(b"BEGIN:VCARD\r\nEND:VCARD\r\n"), Version::V3);
    }

    #[test]
    fn negotiates_accept() {
        let mut h = HeaderMap::new();
        assert_eq!(accept_version(&h), None);
        h.insert(http::header::ACCEPT, "text/vcard".parse().unwrap());
        assert_eq!(accept_version(&h), None);
        h.insert(
            http::header::ACCEPT,
            "text/vcard;version=3.0;q=0.5, text/vcard; version=4.0, */*"
                .parse()
                .unwrap(),
        );
        assert_eq!(accept_version(&h), Some(Version::V4));
        h.insert(
            http::header::ACCEPT,
            "text/vcard;version=4.0;q=0.2, text/x-vcard;version=\"3.0\""
                .parse()
                .unwrap(),
        );
        assert_eq!(accept_version(&h), Some(Version::V3));
    }

    #[test]
    fn etags_per_representation() {
        assert_eq!(etag_for("\"abc\"", Version::V3, None), "\"abc\"");
        assert_eq!(
            etag_for("\"abc\"", Version::V3, Some(Version::V3)),
            "\"abc\""
        );
        assert_eq!(
            etag_for("\"abc\"", Version::V3, Some(Version::V4)),
            "\"abc-v4\""
        );
        assert_eq!(
            etag_for("\"abc\"", Version::V4, Some(Version::V3)),
            "\"abc-v3\""
        );
        let card = store::Card {
            href: "a.vcf".into(),
            uid: "a".into(),
            etag: "\"abc\"".into(),
            vcard: b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nEND:VCARD\r\n".to_vec(),
            modified: 0,
        };
        assert_eq!(
            stored_etag_for(&card, "\"abc\"").as_deref(),
            Some("\"abc\"")
        );
        assert_eq!(
            stored_etag_for(&card, "\"abc-v4\"").as_deref(),
            Some("\"abc\"")
        );
        assert_eq!(stored_etag_for(&card, "\"abc-v3\""), None);
        assert_eq!(stored_etag_for(&card, "\"other\""), None);
    }

    #[test]
    fn content_types() {
        assert!(is_vcard_content_type("text/vcard; charset=utf-8"));
        assert!(is_vcard_content_type("TEXT/X-VCARD"));
        assert!(!is_vcard_content_type("application/json"));
    }
}
