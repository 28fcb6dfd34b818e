//! Strict writing: CRLF, folding at 75 octets on UTF-8 boundaries, RFC 2426 / RFC 6350 escaping.
//!
//! calcard's writer adds `CHARSET=UTF-8` to 3.0 lines and escapes the comma of `data:` URIs, so
//! this is our own serializer over the parsed model. Parameter values use RFC 6868 caret
//! encoding (`^n`, `^'`, `^^`) and are quoted when they hold `,`, `;` or `:`.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::card::{Card, Prop, Shape, Value, Version, shape_of};
use crate::convert::{to_v3, to_v4};

const FOLD_AT: usize = 75;

pub(crate) fn write_card(card: &Card, version: Version, only: Option<&[String]>) -> String {
    let v4 = to_v4(&card.props);
    let props = match version {
        Version::V4 => v4,
        Version::V3 => to_v3(&v4),
    };
    let mut out = String::with_capacity(64 + props.len() * 48);
    out.push_str("BEGIN:VCARD\r\nVERSION:");
    out.push_str(version.as_str());
    out.push_str("\r\n");
    let wanted = |p: &Prop| {
        only.is_none_or(|names| {
            p.name == "UID"
                || names.iter().any(|n| *n == p.name)
                || (p.name == "X-ABLABEL"
                    && p.group.as_ref().is_some_and(|g| {
                        props.iter().any(|q| {
                            q.group.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(g))
                                && names.iter().any(|n| *n == q.name)
                        })
                    }))
        })
    };
    let mut line = String::with_capacity(128);
    if only.is_none() {
        // FN is required in both versions, N in 3.0
        if !props.iter().any(|p| p.name == "FN") {
            write_prop(&mut out, &mut line, &Prop::text("FN", ""), version);
        }
        if version == Version::V3 && !props.iter().any(|p| p.name == "N") {
            let n = Prop::new("N", Value::Parts(vec![Vec::new(); 5]));
            write_prop(&mut out, &mut line, &n, version);
        }
    }
    for p in props.iter().filter(|p| wanted(p)) {
        write_prop(&mut out, &mut line, p, version);
    }
    out.push_str("END:VCARD\r\n");
    out
}

/// Apple's spelling of the property names it invented; the rest are written upper-case.
fn spelled(name: &str) -> &str {
    match name {
        "X-ABLABEL" => "X-ABLabel",
        "X-ABDATE" => "X-ABDATE",
        "X-ABRELATEDNAMES" => "X-ABRELATEDNAMES",
        "X-ABADR" => "X-ABADR",
        other => other,
    }
}

/// One property as an unfolded content line without CRLF.
pub(crate) fn line_of(p: &Prop, version: Version) -> String {
    let mut line = String::with_capacity(64);
    render(&mut line, p, version);
    line
}

fn write_prop(out: &mut String, line: &mut String, p: &Prop, version: Version) {
    line.clear();
    render(line, p, version);
    fold_into(out, line);
}

/// Appends one property as an unfolded content line without CRLF.
pub(crate) fn render(line: &mut String, p: &Prop, version: Version) {
    if let Some(g) = &p.group {
        line.push_str(g);
        line.push('.');
    }
    line.push_str(spelled(&p.name));
    let mut extra: Vec<(crate::card::Name, Vec<String>)> = Vec::new();
    if let (Value::Binary { media_type, .. }, Version::V3) = (&p.value, version) {
        extra.push(("ENCODING".into(), vec!["b".into()]));
        if p.param("TYPE").is_none()
            && let Some(mt) = media_type
            && let Some((_, sub)) = mt.split_once('/')
        {
            extra.push(("TYPE".into(), vec![sub.to_ascii_uppercase()]));
        }
    }
    for (name, values) in p
        .params
        .iter()
        .filter(|(n, _)| n != "ENCODING" && n != "CHARSET")
        .chain(extra.iter())
    {
        if values.is_empty() {
            continue;
        }
        line.push(';');
        line.push_str(name);
        line.push('=');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            write_param_value(line, v);
        }
    }
    line.push(':');
    match &p.value {
        Value::Text(s) => match shape_of(&p.name) {
            Shape::Uri => write_uri(line, s),
            _ => escape(line, s),
        },
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                escape(line, item);
            }
        }
        Value::Parts(parts) => {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    line.push(';');
                }
                for (j, item) in part.iter().enumerate() {
                    if j > 0 {
                        line.push(',');
                    }
                    escape(line, item);
                }
            }
        }
        Value::Binary { media_type, data } => {
            if version == Version::V4 {
                let _ = write!(
                    line,
                    "data:{};base64,",
                    media_type.as_deref().unwrap_or("application/octet-stream")
                );
            }
            base64::engine::general_purpose::STANDARD.encode_string(data, line);
        }
    }
}

fn write_param_value(line: &mut String, v: &str) {
    let quote = v.contains([',', ';', ':', ' ', '\t', '\\']);
    if quote {
        line.push('"');
    }
    for c in v.chars() {
        match c {
            '^' => line.push_str("^^"),
            // not RFC 6868, but readers that unescape parameters (calcard does) need it
            '\\' => line.push_str("\\\\"),
            '"' => line.push_str("^'"),
            '\n' => line.push_str("^n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => line.push(c),
        }
    }
    if quote {
        line.push('"');
    }
}

/// Text escaping of RFC 6350 §3.4 (also valid RFC 2426): `\\`, `\n`, `\,`, `\;`.
fn escape(line: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => line.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    line.push_str("\\n");
                }
            }
            '\n' => line.push_str("\\n"),
            ',' => line.push_str("\\,"),
            ';' => line.push_str("\\;"),
            // no vCard can hold them (RFC 6350 §3.3); a reader would drop the line
            c if c.is_control() && c != '\t' => {}
            c => line.push(c),
        }
    }
}

/// URIs are written as they are, except line breaks.
fn write_uri(line: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\n' => line.push_str("\\n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => line.push(c),
        }
    }
}

/// Appends `line` folded at 75 octets (never inside a UTF-8 sequence), with CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = FOLD_AT;
    while rest.len() > limit {
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = FOLD_AT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut out = String::new();
        let line = format!("NOTE:{}", "é".repeat(100));
        fold_into(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn escapes_text_and_quotes_params() {
        let mut p = Prop::text("NOTE", "a,b;c\\d\ne");
        p.add_param("X-LABEL", "x:y \"q\"");
        let mut out = String::new();
        write_prop(&mut out, &mut String::new(), &p, Version::V4);
        assert_eq!(out, "NOTE;X-LABEL=\"x:y ^'q^'\":a\\,b\\;c\\\\d\\ne\r\n");
    }

    #[test]
    fn control_characters_are_not_written() {
        // e.g. a quoted-printable =06 in the card read, or a Person from Google
        let p = Prop::text("N", "M\u{6}ller\u{7f};J\u{85}\t");
        let mut out = String::new();
        write_prop(&mut out, &mut String::new(), &p, Version::V4);
        assert_eq!(out, "N:Mller\\;J\t\r\n");
    }
}
