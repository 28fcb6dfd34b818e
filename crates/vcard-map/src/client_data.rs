//! The `clientData` key scheme that keeps what a Person cannot hold, and single-line encoding.
//!
//! * `peopledav.uid` — the card's `UID`.
//! * `peopledav.rev` — the card's `REV` (used when the Person has no source update time).
//! * `vcard.prop.<n>` — one whole content line (4.0 form, unfolded) of a property that has no
//!   Person field; `<n>` orders the lines and keeps keys unique, so Google may reorder entries.
//! * `vcard.orig.<field>.<fingerprint>` — the original content lines (joined by `\n`) of one
//!   entry of a mapped field, when they say more than the mapping writes (parameter spelling,
//!   extra parameters, `itemN` group names, `X-ABLabel` spelling). `<fingerprint>` identifies the
//!   lines the mapping generates for the entry; the original lines replace them only while the
//!   entry still generates exactly those lines, so an edit in Google always wins.

use std::borrow::Cow;

use crate::card::{Prop, Value, Version};

/// The clientData key holding the card's UID.
pub const UID_KEY: &str = "peopledav.uid";
/// The clientData key holding the card's REV, for a Person without a source update time.
pub const REV_KEY: &str = "peopledav.rev";
pub(crate) const PROP_PREFIX: &str = "vcard.prop.";
pub(crate) const ORIG_PREFIX: &str = "vcard.orig.";

/// Whether a clientData key belongs to the mapping (and is not an app's own data).
pub(crate) fn is_ours(key: &str) -> bool {
    key == UID_KEY || key == REV_KEY || key.starts_with(PROP_PREFIX) || key.starts_with(ORIG_PREFIX)
}

pub(crate) fn orig_key(field: &str, fingerprint: &str) -> String {
    format!("{ORIG_PREFIX}{field}.{fingerprint}")
}

/// A stable 64-bit FNV-1a hash of the entry's properties without their groups (written in hex
/// by [`fingerprint_text`]).
pub(crate) fn fingerprint(props: &[Prop]) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for p in props {
        h.write(p.name.as_bytes(), 0x1d);
        for (name, values) in &p.params {
            h.write(name.as_bytes(), b'=');
            for v in values {
                h.write(v.as_bytes(), b',');
            }
        }
        match &p.value {
            Value::Text(s) => h.write(s.as_bytes(), 0x1c),
            Value::List(items) => items.iter().for_each(|i| h.write(i.as_bytes(), 0x1f)),
            Value::Parts(parts) => {
                for part in parts {
                    part.iter().for_each(|i| h.write(i.as_bytes(), 0x1f));
                    h.write(b"", 0x1e);
                }
            }
            Value::Binary { media_type, data } => {
                h.write(media_type.as_deref().unwrap_or("").as_bytes(), 0x1c);
                h.write(data, 0x1c);
            }
        }
        h.write(b"", b'\n');
    }
    h.0
}

/// The fingerprint in a key: the hash in hex; `occurrence` tells identical entries of one field
/// apart.
pub(crate) fn fingerprint_text(hash: u64, occurrence: usize) -> String {
    if occurrence == 0 {
        format!("{hash:016x}")
    } else {
        format!("{hash:016x}-{occurrence}")
    }
}

struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8], end: u8) {
        for &b in bytes {
            self.byte(b);
        }
        self.byte(end);
    }

    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

/// One property as an unfolded 4.0 content line, without CRLF.
pub(crate) fn line_of(p: &Prop) -> String {
    crate::write::line_of(p, Version::V4)
}

/// Several properties as content lines joined by `\n` (a content line never holds one).
pub(crate) fn lines_of<'a>(props: impl IntoIterator<Item = &'a Prop>) -> String {
    let mut out = String::new();
    for (i, p) in props.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        crate::write::render(&mut out, p, Version::V4);
    }
    out
}

/// Content lines read back (see [`line_of`] and [`lines_of`]); `None` when unreadable.
pub(crate) fn props_of(lines: &str) -> Option<Vec<Prop>> {
    let mut body = String::with_capacity(lines.len() + 40);
    body.push_str("BEGIN:VCARD\r\nVERSION:4.0\r\n");
    for line in lines.split('\n') {
        body.push_str(line);
        body.push_str("\r\n");
    }
    body.push_str("END:VCARD\r\n");
    let (card, diags) = crate::parse::parse_one(body.as_bytes()).ok()?;
    diags.is_empty().then_some(card.props)
}

/// [`props_of`] for many values at once: one parse for all of them while every line reads
/// cleanly, else one parse per value.
pub(crate) fn props_of_many(values: &[&str]) -> Vec<Option<Vec<Prop>>> {
    let all = values.join("\n");
    let counts: Vec<usize> = values.iter().map(|v| v.split('\n').count()).collect();
    if let Some(mut props) = props_of(&all)
        && props.len() == counts.iter().sum::<usize>()
    {
        let mut out = Vec::with_capacity(values.len());
        for n in counts.into_iter().rev() {
            out.push(Some(props.split_off(props.len() - n)));
        }
        out.reverse();
        return out;
    }
    values.iter().map(|v| props_of(v)).collect()
}

/// A property as [`same_props`] compares it: the group it is compared under (`None` for a
/// group no other line shares), and the property.
pub(crate) type Compared<'a> = (Option<&'a str>, &'a Prop);

/// Whether two lists of properties say the same, ignoring parameter order and case, the order
/// of the properties and trailing empty components of structured values.
pub(crate) fn same_props(a: &[Compared<'_>], b: &[Compared<'_>]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.iter().zip(b).all(|(p, q)| identical(p, q)) {
        return true;
    }
    // the same multiset: every class of equivalent properties is as large on both sides
    a.iter().all(|p| {
        let count = |side: &[Compared<'_>]| side.iter().filter(|q| equivalent(p, q)).count();
        let in_b = count(b);
        in_b > 0 && count(a) == in_b
    })
}

fn identical((g, p): &Compared<'_>, (h, q): &Compared<'_>) -> bool {
    g == h && p.name == q.name && p.params == q.params && p.value == q.value
}

/// Whether two properties say the same (see [`same_props`]): groups compared case-insensitively
/// (a generated group as the itemN it will be written as), parameters as sets of
/// case-insensitive values, values as strings without trailing empty components.
fn equivalent((g, p): &Compared<'_>, (h, q): &Compared<'_>) -> bool {
    fn group(g: Option<&str>) -> &str {
        g.unwrap_or("")
            .trim_start_matches(crate::from_person::PLACEHOLDER)
    }
    p.name == q.name
        && group(*g).eq_ignore_ascii_case(group(*h))
        && same_params(&p.params, &q.params)
        && same_value(&p.value, &q.value)
}

type Param = (crate::card::Name, Vec<String>);

/// The same parameters as a multiset, each one's values compared as a case-insensitive set.
fn same_params(a: &[Param], b: &[Param]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let same = |(n, v): &Param, (m, w): &Param| {
        let within = |x: &[String], y: &[String]| {
            x.iter()
                .all(|s| y.iter().any(|t| s.eq_ignore_ascii_case(t)))
        };
        n == m && within(v, w) && within(w, v)
    };
    a.iter().all(|p| {
        let count = |side: &[Param]| side.iter().filter(|q| same(p, q)).count();
        let in_b = count(b);
        in_b > 0 && count(a) == in_b
    })
}

/// The same value as a string, trailing empty components of a structured value aside.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(s), Value::Text(t)) => s == t,
        (Value::Parts(x), Value::Parts(y)) if trimmed(x) == trimmed(y) => true,
        _ => normal_value(a) == normal_value(b),
    }
}

fn trimmed(parts: &[Vec<String>]) -> &[Vec<String>] {
    let mut parts = parts;
    while parts.len() > 1 && parts.last().is_some_and(|c| c.iter().all(String::is_empty)) {
        parts = &parts[..parts.len() - 1];
    }
    parts
}

fn normal_value(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Parts(parts) => Cow::Owned(
            trimmed(parts)
                .iter()
                .map(|p| p.join(","))
                .collect::<Vec<_>>()
                .join(";"),
        ),
        other => other.joined(),
    }
}
