//! The `clientData` key scheme that keeps what a Person cannot hold, and single-line encoding.
//!
//! * `peopledav.uid` — the card's `UID`.
//! * `peopledav.rev` — the card's `REV` (used when the Person has no source update time).
//! * `vcard.prop.<n>` — one whole content line (4.0 form, unfolded) of a property that has no
//!   Person field; `<n>` only makes keys unique, so Google may reorder entries freely.
//! * `vcard.orig.<field>.<index>.<PROPERTY>` — the original content line of a mapped property
//!   when it carries more than the mapping writes (parameter spelling, extra parameters, its
//!   `itemN` group). It is used again only while the field still has the same value and type.

use crate::card::{Prop, Version};

pub(crate) const UID_KEY: &str = "peopledav.uid";
pub(crate) const REV_KEY: &str = "peopledav.rev";
pub(crate) const PROP_PREFIX: &str = "vcard.prop.";
pub(crate) const ORIG_PREFIX: &str = "vcard.orig.";

/// Whether a clientData key belongs to the mapping (and is not an app's own data).
pub(crate) fn is_ours(key: &str) -> bool {
    key == UID_KEY || key == REV_KEY || key.starts_with(PROP_PREFIX) || key.starts_with(ORIG_PREFIX)
}

pub(crate) fn orig_key(field: &str, index: usize, prop: &str) -> String {
    format!("{ORIG_PREFIX}{field}.{index}.{prop}")
}

/// One property as an unfolded 4.0 content line, without CRLF.
pub(crate) fn line_of(p: &Prop) -> String {
    crate::write::line_of(p, Version::V4)
}

/// A content line read back (see [`line_of`]).
pub(crate) fn prop_of(line: &str) -> Option<Prop> {
    let mut body = String::with_capacity(line.len() + 40);
    body.push_str("BEGIN:VCARD\r\nVERSION:4.0\r\n");
    body.push_str(line);
    body.push_str("\r\nEND:VCARD\r\n");
    let (card, _) = crate::parse::parse_one(body.as_bytes()).ok()?;
    card.props.into_iter().next()
}
