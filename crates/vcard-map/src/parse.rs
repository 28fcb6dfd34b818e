//! Lenient reading: byte-level unfolding, charsets, 2.1 quirks, then calcard, then our own model.
//!
//! calcard does the tokenizing and value decoding (escapes, quoted-printable, base64, dates).
//! Before it sees a card we unfold lines at the byte level, decode non-UTF-8 lines (their
//! `CHARSET`, else Windows-1252), join quoted-printable soft line breaks, rewrite the bare 2.1
//! `QUOTED-PRINTABLE` parameter as `ENCODING=QUOTED-PRINTABLE`, and drop (with a diagnostic)
//! lines that are not content lines — calcard would drop those silently.

use std::borrow::Cow;

use calcard::common::IanaString as _;
use calcard::vcard::{VCardEntry, VCardParameterValue, VCardProperty, VCardValue, VCardValueType};
use calcard::{Entry, Parser};

use crate::card::{Card, Name, Prop, Shape, Value, Version, shape_of, upper_name};
use crate::error::{CardError, Diagnostic};

/// The outcome of reading a body that may hold many cards.
#[derive(Debug)]
pub struct Parsed {
    /// One entry per `BEGIN:VCARD`, in input order.
    pub cards: Vec<Result<(Card, Vec<Diagnostic>), CardError>>,
}

/// A logical (unfolded) line with the 1-based number of its first physical line; borrowed from
/// the input when it needed no change.
struct Line<'a> {
    number: usize,
    text: Cow<'a, str>,
}

/// Reads one or many cards, leniently (2.1/3.0/4.0, folding, quoted-printable, charsets, base64).
pub fn parse(bytes: &[u8]) -> Parsed {
    Parsed {
        cards: cards(bytes).collect(),
    }
}

/// One card read by [`cards`]: the card and what was noticed reading it, or why it is not one.
pub type CardResult = Result<(Card, Vec<Diagnostic>), CardError>;

/// The cards of a body, read one at a time as [`parse`] reads them (the same cards and
/// diagnostics, in the same order). Mapping each card as it comes keeps a large file's work in
/// the cache instead of holding every card first.
pub fn cards(bytes: &[u8]) -> impl Iterator<Item = CardResult> + '_ {
    Cards {
        lines: logical_lines(bytes),
        count: 0,
        pending: Vec::new(),
        current: None,
        nested: 0,
        ready: None,
        scratch: String::new(),
        spare: Vec::new(),
        done: false,
    }
}

struct Cards<'a, I: Iterator<Item = Line<'a>>> {
    lines: I,
    /// Cards begun so far (finished or not): the index of the next one.
    count: usize,
    /// Diagnostics of lines outside any card, for the next card (or the last, at the end).
    pending: Vec<Diagnostic>,
    /// The card being read: its first line, its lines, its diagnostics.
    current: Option<(usize, Vec<Line<'a>>, Vec<Diagnostic>)>,
    /// Depth of nested cards (2.1 AGENT) inside the current one.
    nested: usize,
    /// A finished card, held until it is known whether stray lines after it belong to it.
    ready: Option<CardResult>,
    /// The text handed to calcard, reused from card to card.
    scratch: String,
    /// The lines of a finished card, reused for the next.
    spare: Vec<Line<'a>>,
    done: bool,
}

impl<'a, I: Iterator<Item = Line<'a>>> Iterator for Cards<'a, I> {
    type Item = CardResult;

    fn next(&mut self) -> Option<CardResult> {
        while !self.done {
            let Some(line) = self.lines.next() else {
                self.done = true;
                break;
            };
            let trimmed = line.text.trim();
            if trimmed.is_empty() {
                continue;
            }
            let is_begin = is_marker(trimmed, "BEGIN");
            let is_end = is_marker(trimmed, "END");
            let Some((_, body, diags)) = self.current.as_mut() else {
                if is_begin {
                    let body = std::mem::take(&mut self.spare);
                    self.current = Some((line.number, body, std::mem::take(&mut self.pending)));
                    self.count += 1;
                    if let Some(card) = self.ready.take() {
                        return Some(card);
                    }
                } else {
                    self.pending.push(Diagnostic {
                        line: line.number,
                        message: format!(
                            "dropped line outside BEGIN:VCARD/END:VCARD: {}",
                            clip(trimmed)
                        ),
                    });
                }
                continue;
            };
            if is_begin {
                self.nested += 1;
                diags.push(Diagnostic {
                    line: line.number,
                    message: "dropped nested vcard (for example a 2.1 AGENT)".into(),
                });
            } else if is_end && self.nested > 0 {
                self.nested -= 1;
            } else if is_end {
                if let Some((start, mut body, diags)) = self.current.take() {
                    let card =
                        finish_card(self.count - 1, start, &mut body, diags, &mut self.scratch);
                    body.clear();
                    self.spare = body;
                    self.ready = Some(card);
                }
            } else if self.nested == 0 {
                body.push(line);
            }
            // inside a nested card: already reported
        }
        // the end of the input
        // (a finished card was handed out when the unfinished one began: nothing is ready)
        if let Some((start, _, _)) = self.current.take() {
            return Some(Err(CardError {
                index: self.count - 1,
                line: start,
                message: "BEGIN:VCARD without END:VCARD".into(),
            }));
        }
        if let Some(mut card) = self.ready.take() {
            if let Ok((_, diags)) = &mut card {
                diags.append(&mut self.pending);
            }
            return Some(card);
        }
        if self.count == 0 && !self.pending.is_empty() {
            let line = self.pending[0].line;
            self.pending.clear();
            return Some(Err(CardError {
                index: 0,
                line,
                message: "no BEGIN:VCARD found".into(),
            }));
        }
        None
    }
}

/// A single-card body such as a CardDAV PUT: exactly one card, BEGIN and END present.
pub fn parse_one(bytes: &[u8]) -> Result<(Card, Vec<Diagnostic>), CardError> {
    let mut parsed = parse(bytes);
    match parsed.cards.len() {
        0 => Err(CardError {
            index: 0,
            line: 1,
            message: "empty body, expected one BEGIN:VCARD … END:VCARD".into(),
        }),
        1 => parsed.cards.remove(0),
        n => {
            let line = logical_lines(bytes)
                .filter(|l| is_marker(l.text.trim(), "BEGIN"))
                .nth(1)
                .map_or(1, |l| l.number);
            Err(CardError {
                index: 1,
                line,
                message: format!("expected exactly one vcard, found {n}"),
            })
        }
    }
}

fn is_marker(line: &str, word: &str) -> bool {
    let line = line.trim_start_matches('\u{feff}');
    // most lines are not markers: tell by the first letter before splitting
    if !line
        .as_bytes()
        .first()
        .is_some_and(|b| b.eq_ignore_ascii_case(&word.as_bytes()[0]))
    {
        return false;
    }
    let Some((name, value)) = line.split_once(':') else {
        return false;
    };
    name.trim().eq_ignore_ascii_case(word) && value.trim().eq_ignore_ascii_case("VCARD")
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Splits the input into unfolded, decoded logical lines.
fn logical_lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut physical = bytes
        .split(|&b| b == b'\n')
        .map(|raw| raw.strip_suffix(b"\r").unwrap_or(raw))
        .enumerate()
        .peekable();
    std::iter::from_fn(move || {
        let (i, first) = physical.next()?;
        let mut line = Cow::Borrowed(first);
        let mut qp_continues = is_quoted_printable(first) && ends_soft_break(first);
        loop {
            if qp_continues {
                // quoted-printable soft line break: "=" at the end joins the next line
                let Some((_, raw)) = physical.next() else {
                    break;
                };
                let joined = line.to_mut();
                joined.pop();
                joined.extend_from_slice(raw);
                qp_continues = ends_soft_break(joined);
            } else if let Some((_, raw)) =
                physical.next_if(|(_, raw)| matches!(raw.first(), Some(b' ' | b'\t')))
            {
                let joined = line.to_mut();
                joined.extend_from_slice(&raw[1..]);
                qp_continues = is_quoted_printable(joined) && ends_soft_break(joined);
            } else {
                break;
            }
        }
        Some(Line {
            number: i + 1,
            text: normalise_params(decode_line(line)),
        })
    })
}

fn ends_soft_break(line: &[u8]) -> bool {
    line.last() == Some(&b'=')
}

/// The part of a line before its first unquoted colon.
fn head_of(line: &[u8]) -> &[u8] {
    let mut quoted = false;
    for i in memchr::memchr2_iter(b'"', b':', line) {
        match line[i] {
            b'"' => quoted = !quoted,
            _ if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Whether the line's value is quoted-printable: an `ENCODING=QUOTED-PRINTABLE` parameter or the
/// bare 2.1 `QUOTED-PRINTABLE` one (not the word in another parameter's value, as in
/// `TYPE=quoted-printable`, which no reader decodes).
fn is_quoted_printable(line: &[u8]) -> bool {
    let head = head_of(line);
    head.split(|&b| b == b';').skip(1).any(|param| {
        let value = match param.iter().position(|&b| b == b'=') {
            Some(i) if param[..i].trim_ascii().eq_ignore_ascii_case(b"ENCODING") => &param[i + 1..],
            Some(_) => return false,
            None => param,
        };
        let value = value.trim_ascii();
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        value.eq_ignore_ascii_case(b"QUOTED-PRINTABLE")
    })
}

/// Decodes a line: UTF-8 when valid, else its CHARSET parameter, else Windows-1252.
fn decode_line(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    let bytes = match bytes {
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(s) => return Cow::Borrowed(s),
            Err(_) => b.to_vec(),
        },
        Cow::Owned(b) => b,
    };
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(e) => {
            let bytes = e.into_bytes();
            let head = String::from_utf8_lossy(head_of(&bytes)).into_owned();
            let encoding = head
                .split(';')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("CHARSET"))
                .and_then(|(_, v)| {
                    encoding_rs::Encoding::for_label(v.trim().trim_matches('"').as_bytes())
                })
                .unwrap_or(encoding_rs::WINDOWS_1252);
            let (text, _, _) = encoding.decode(&bytes);
            Cow::Owned(text.into_owned())
        }
    }
}

/// Rewrites the bare 2.1 `QUOTED-PRINTABLE` parameter as `ENCODING=QUOTED-PRINTABLE`, and drops
/// the `CHARSET` of lines that are not encoded (they are UTF-8 by now).
fn normalise_params(line: Cow<'_, str>) -> Cow<'_, str> {
    let head_len = head_of(line.as_bytes()).len();
    if head_len == line.len() || !line[..head_len].contains(';') {
        return line;
    }
    let has = |word: &[u8]| {
        line.as_bytes()[..head_len]
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if !has(b"QUOTED-PRINTABLE") && !has(b"CHARSET") {
        return line;
    }
    let (head, rest) = line.split_at(head_len);
    let upper = head.to_ascii_uppercase();
    let encoded = upper.contains("QUOTED-PRINTABLE")
        || upper.contains("BASE64")
        || upper.contains("ENCODING=B");
    let mut parts = head.split(';');
    let mut out = String::with_capacity(line.len() + 10);
    out.push_str(parts.next().unwrap_or_default());
    for p in parts {
        if p.eq_ignore_ascii_case("QUOTED-PRINTABLE") {
            out.push_str(";ENCODING=QUOTED-PRINTABLE");
        } else if !encoded
            && p.split_once('=')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("CHARSET"))
        {
            // the value was decoded to UTF-8 above
        } else {
            out.push(';');
            out.push_str(p);
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Why a line is not a content line, if it is not.
fn invalid_reason(line: &str) -> Option<&'static str> {
    let head = head_of(line.as_bytes());
    if head.len() == line.len() {
        return Some("no colon");
    }
    let name_end = head.iter().position(|&b| b == b';').unwrap_or(head.len());
    let name = &head[..name_end];
    if name.is_empty() {
        return Some("no property name");
    }
    if !name
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        || name.starts_with(b".")
        || name.ends_with(b".")
        || name.iter().filter(|&&b| b == b'.').count() > 1
    {
        return Some("invalid property name");
    }
    None
}

/// Removes the parameters whose name is not a name (RFC 6350 `param-name`: letters, digits and
/// hyphens; underscores are let through) from the head of `line`; returns them.
fn remove_invalid_params(line: &mut Cow<'_, str>) -> Vec<String> {
    let head_len = head_of(line.as_bytes()).len();
    if head_len == line.len() {
        return Vec::new();
    }
    let head = &line[..head_len];
    let valid = |param: &str| {
        let name = param.split_once('=').map_or(param, |(n, _)| n);
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts = params_of(head);
    if parts.clone().skip(1).all(valid) {
        return Vec::new();
    }
    let mut kept = String::with_capacity(line.len());
    let mut removed = Vec::new();
    for (i, param) in parts.enumerate() {
        if i == 0 || valid(param) {
            if i > 0 {
                kept.push(';');
            }
            kept.push_str(param);
        } else {
            removed.push(clip(param));
        }
    }
    kept.push_str(&line[head_len..]);
    *line = Cow::Owned(kept);
    removed
}

/// The `;`-separated parts of a line's head (the name first), `;` inside quotes kept.
fn params_of(head: &str) -> impl Iterator<Item = &str> + Clone {
    let mut rest = Some(head);
    std::iter::from_fn(move || {
        let part = rest?;
        let mut quoted = false;
        for (i, b) in part.bytes().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b';' if !quoted => {
                    rest = Some(&part[i + 1..]);
                    return Some(&part[..i]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(part)
    })
}

/// The property name of a line, without its group (as written; compare case-insensitively).
fn prop_name_of(line: &str) -> &str {
    let head = head_of(line.as_bytes()).len();
    let head = &line[..head];
    let name = head.split(';').next().unwrap_or(head);
    name.rsplit_once('.').map_or(name, |(_, n)| n)
}

fn finish_card(
    index: usize,
    start: usize,
    body: &mut [Line<'_>],
    mut diags: Vec<Diagnostic>,
    text: &mut String,
) -> Result<(Card, Vec<Diagnostic>), CardError> {
    for line in body.iter_mut() {
        if has_control(&line.text) {
            line.text.to_mut().retain(|c| !c.is_control() || c == '\t');
            diags.push(Diagnostic {
                line: line.number,
                message: format!("removed control characters: {}", clip(&line.text)),
            });
        }
    }
    text.clear();
    text.reserve(body.iter().map(|l| l.text.len() + 2).sum::<usize>() + 32);
    text.push_str("BEGIN:VCARD\r\n");
    let mut kept: Vec<&Line<'_>> = Vec::with_capacity(body.len());
    for line in body.iter_mut() {
        let removed = remove_invalid_params(&mut line.text);
        if !removed.is_empty() {
            diags.push(Diagnostic {
                line: line.number,
                message: format!(
                    "removed parameters with invalid names ({}): {}",
                    removed.join(", "),
                    clip(&line.text)
                ),
            });
        }
    }
    for line in body.iter() {
        if let Some(reason) = invalid_reason(&line.text) {
            diags.push(Diagnostic {
                line: line.number,
                message: format!("dropped invalid line ({reason}): {}", clip(&line.text)),
            });
            continue;
        }
        text.push_str(&line.text);
        text.push_str("\r\n");
        kept.push(line);
    }
    text.push_str("END:VCARD\r\n");

    let vcard = match Parser::new(text).entry() {
        Entry::VCard(v) => v,
        other => {
            return Err(CardError {
                index,
                line: start,
                message: format!("unreadable vcard: {other:?}"),
            });
        }
    };

    let entries: Vec<VCardEntry> = vcard
        .entries
        .into_iter()
        .filter(|e| !matches!(e.name, VCardProperty::Begin | VCardProperty::End))
        .collect();

    // calcard drops lines it cannot read without saying so: find them by name
    let mut next = 0;
    let mut line_of_entry: Vec<Option<&str>> = vec![None; entries.len()];
    for line in &kept {
        let name = prop_name_of(&line.text);
        if let Some(entry) = entries
            .get(next)
            .filter(|e| e.name.as_str().eq_ignore_ascii_case(name))
        {
            line_of_entry[next] = Some(&line.text);
            next += 1;
            if let Some(message) = suspicious(&line.text, entry) {
                diags.push(Diagnostic {
                    line: line.number,
                    message: format!("{message}: {}", clip(&line.text)),
                });
            }
        } else {
            diags.push(Diagnostic {
                line: line.number,
                message: format!("dropped unreadable line: {}", clip(&line.text)),
            });
        }
    }

    let mut version = None;
    let mut props = Vec::with_capacity(entries.len());
    for (entry, line) in entries.into_iter().zip(line_of_entry) {
        if entry.name == VCardProperty::Version {
            let v = entry.values.first().and_then(|v| v.as_text()).unwrap_or("");
            version = match v.trim() {
                "4.0" => Some(Version::V4),
                "3.0" | "2.1" | "2.0" => Some(Version::V3),
                other => {
                    diags.push(Diagnostic {
                        line: start,
                        message: format!("unknown VERSION {other:?}, read as 3.0"),
                    });
                    Some(Version::V3)
                }
            };
            continue;
        }
        let mut prop = convert_entry(entry);
        if !matches!(prop.value, Value::Binary { .. })
            && let Some(data) = line.and_then(small_binary)
        {
            // calcard returns base64 data that happens to be valid UTF-8 as text
            let legacy_type = line
                .and_then(|l| legacy_media_type(l, &prop.name))
                .filter(|_| prop.types().len() <= 1);
            if legacy_type.is_some() {
                prop.remove_param("TYPE");
            }
            prop.value = Value::Binary {
                media_type: legacy_type,
                data,
            };
        }
        props.push(prop);
    }
    Ok((Card::from_props(props, version), diags))
}

/// Whether a line holds a control character other than tab: C0, DEL, or C1 (U+0080–U+009F,
/// which UTF-8 writes as 0xC2 0x80–0x9F).
fn has_control(line: &str) -> bool {
    let bytes = line.as_bytes();
    // a fold without early exit, which the compiler turns into wide compares
    bytes.iter().fold(false, |found, &b| {
        found | ((b < 0x20) & (b != b'\t')) | (b == 0x7f)
    }) || memchr::memchr_iter(0xc2, bytes)
        .any(|i| bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)))
}

fn is_base64(line: &str) -> bool {
    let head = head_of(line.as_bytes());
    if !head.contains(&b';') {
        return false;
    }
    // both words hold a B: look only where one is
    memchr::memchr2_iter(b'b', b'B', head).any(|i| {
        let rest = &head[i..];
        let before = |word: &[u8]| {
            i >= word.len() - 1 && head[i + 1 - word.len()..=i].eq_ignore_ascii_case(word)
        };
        rest.get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"BASE64"))
            || before(b"ENCODING=B")
    })
}

/// The data of a base64 line, decoded here when calcard made it text (data that happens to be
/// UTF-8, such as a small GIF, or any base64 property calcard does not know as binary).
fn small_binary(line: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    if !is_base64(line) {
        return None;
    }
    let value = &line[head_of(line.as_bytes()).len() + 1..];
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    // as lenient as calcard: padding missing or in excess, stray bits in the last symbol
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    lenient
        .decode(compact.trim_end_matches('=').as_bytes())
        .ok()
        .filter(|d| !d.is_empty())
}

/// `image/jpeg` for the `TYPE=JPEG` of a 2.1/3.0 `PHOTO` or `LOGO`.
fn legacy_media_type(line: &str, name: &str) -> Option<String> {
    if name != "PHOTO" && name != "LOGO" {
        return None;
    }
    let head = String::from_utf8_lossy(head_of(line.as_bytes())).to_ascii_lowercase();
    head.split(';').skip(1).find_map(|p| {
        let t = p.strip_prefix("type=").unwrap_or(p);
        matches!(t, "jpeg" | "jpg" | "gif" | "png" | "bmp" | "tiff" | "webp")
            .then(|| format!("image/{}", if t == "jpg" { "jpeg" } else { t }))
    })
}

/// What is wrong with a line calcard did read, if anything worth telling.
fn suspicious(line: &str, entry: &VCardEntry) -> Option<&'static str> {
    let binary = entry
        .values
        .iter()
        .any(|v| matches!(v, VCardValue::Binary(_)));
    if is_base64(line) && !binary && small_binary(line).is_none() {
        return Some("invalid base64 data, kept as text");
    }
    if entry.name == VCardProperty::Email
        && entry
            .values
            .iter()
            .filter_map(VCardValue::as_text)
            .any(|v| v.trim().contains(char::is_whitespace) || v.contains('<'))
    {
        return Some("EMAIL value is not a bare address");
    }
    None
}

/// RFC 6868 parameter value decoding (`^n`, `^'`, `^^`).
fn decode_caret(s: String) -> String {
    if !s.contains('^') {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            match chars.peek() {
                Some('n') | Some('N') => {
                    out.push('\n');
                    chars.next();
                }
                Some('\'') => {
                    out.push('"');
                    chars.next();
                }
                Some('^') => {
                    out.push('^');
                    chars.next();
                }
                _ => out.push('^'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn param_text(value: VCardParameterValue) -> Option<String> {
    Some(match value {
        VCardParameterValue::Text(s) => decode_caret(s),
        VCardParameterValue::Integer(i) => i.to_string(),
        VCardParameterValue::Timestamp(t) => t.to_string(),
        VCardParameterValue::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
        VCardParameterValue::ValueType(v) => v.as_str().to_ascii_lowercase(),
        VCardParameterValue::Type(t) => t.as_str().to_ascii_lowercase(),
        VCardParameterValue::Calscale(c) => c.as_str().to_ascii_lowercase(),
        VCardParameterValue::Level(l) => l.as_str().to_ascii_lowercase(),
        VCardParameterValue::Phonetic(p) => p.as_str().to_ascii_lowercase(),
        VCardParameterValue::Jscomps(_) | VCardParameterValue::Null => return None,
    })
}

fn value_text(name: &str, value: VCardValue) -> String {
    match value {
        VCardValue::Text(s) => s,
        VCardValue::Integer(i) => i.to_string(),
        VCardValue::Float(f) => f.to_string(),
        VCardValue::Boolean(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
        VCardValue::PartialDateTime(dt) => {
            let fmt = match name {
                "REV" | "CREATED" => VCardValueType::Timestamp,
                "TZ" => VCardValueType::UtcOffset,
                _ => VCardValueType::DateAndOrTime,
            };
            let mut out = String::new();
            // writing into a String cannot fail
            let _ = dt.format_as_vcard(&mut out, &fmt);
            out
        }
        VCardValue::Binary(d) => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(&d.data)
        }
        VCardValue::Sex(s) => s.as_str().to_string(),
        VCardValue::GramGender(g) => g.as_str().to_ascii_lowercase(),
        VCardValue::Kind(k) => k.as_str().to_ascii_lowercase(),
        VCardValue::Component(items) => items.join(","),
    }
}

fn convert_entry(entry: VCardEntry) -> Prop {
    let name = upper_name(entry.name.as_str());
    let mut params: Vec<(Name, Vec<String>)> = Vec::with_capacity(entry.params.len());
    for p in entry.params {
        let (pname, pvalue) = match p.value {
            // a bare 2.1 parameter such as `TEL;CELL;PREF:` is a TYPE
            VCardParameterValue::Null => {
                (Name::Borrowed("TYPE"), p.name.as_str().to_ascii_lowercase())
            }
            value => match param_text(value) {
                Some(v) => (upper_name(p.name.as_str()), v),
                None => continue,
            },
        };
        if let Some((_, values)) = params.iter_mut().find(|(n, _)| *n == pname) {
            values.push(pvalue);
        } else {
            params.push((pname, vec![pvalue]));
        }
    }

    let mut values = entry.values;
    let binary = values
        .iter()
        .position(|v| matches!(v, VCardValue::Binary(_)))
        .map(|pos| values.swap_remove(pos));
    let value = if let Some(VCardValue::Binary(d)) = binary {
        let media_type = d.content_type;
        if media_type.is_some()
            && let Some(pos) = params.iter().position(|(n, _)| n == "TYPE")
            && params[pos].1.len() == 1
            && !params[pos].1[0].contains('/')
            && params[pos].1[0].len() <= 5
        {
            // the legacy media type (TYPE=JPEG) now lives in the value
            params.remove(pos);
        }
        Value::Binary {
            media_type,
            data: d.data,
        }
    } else {
        match shape_of(&name) {
            Shape::Parts => Value::Parts(
                values
                    .into_iter()
                    .map(|v| match v {
                        VCardValue::Component(items) => items,
                        other => vec![value_text(&name, other)],
                    })
                    .collect(),
            ),
            Shape::List => Value::List(
                values
                    .into_iter()
                    .flat_map(|v| match v {
                        VCardValue::Component(items) => items,
                        other => vec![value_text(&name, other)],
                    })
                    .collect(),
            ),
            Shape::Text | Shape::Uri if values.len() == 1 => {
                Value::Text(value_text(&name, values.remove(0)))
            }
            Shape::Text | Shape::Uri => Value::Text(
                values
                    .into_iter()
                    .map(|v| value_text(&name, v))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    };
    Prop {
        group: entry.group,
        name,
        params,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_lines_go_to_the_next_card_and_the_last_one() {
        let body = "junk0\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\njunk1\r\n\
                    BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nEND:VCARD\r\njunk2\r\n";
        let cards: Vec<_> = cards(body.as_bytes()).collect();
        assert_eq!(cards.len(), 2);
        let lines = |i: usize| -> Vec<usize> {
            let (_, diags) = cards[i].as_ref().unwrap();
            diags.iter().map(|d| d.line).collect()
        };
        assert_eq!(lines(0), [1]);
        assert_eq!(lines(1), [6, 11]);
    }

    #[test]
    fn an_unfinished_card_and_a_body_without_cards_are_errors() {
        let body = b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\n";
        let cards: Vec<_> = cards(body).collect();
        assert!(cards[0].is_ok());
        let err = cards[1].as_ref().unwrap_err();
        assert_eq!((cards.len(), err.index, err.line), (2, 1, 4));
        assert!(err.message.contains("without END"), "{}", err.message);

        let none: Vec<_> = super::cards(b"hello\r\n").collect();
        assert_eq!(none.len(), 1);
        assert!(none[0].as_ref().unwrap_err().message.contains("no BEGIN"));
        assert_eq!(super::cards(b"").count(), 0);
        assert_eq!(super::cards(b"\r\n \r\n").count(), 0);
    }

    #[test]
    fn control_characters_are_the_ones_char_is_control_means() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let line = format!("NOTE:a{c}b");
            assert_eq!(
                has_control(&line),
                c.is_control() && c != '\t',
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn base64_lines() {
        for yes in [
            "PHOTO;ENCODING=b;TYPE=JPEG:AAAA",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:AAAA",
            "PHOTO;base64:AAAA",
            "item1.KEY;x=1;encoding=B:AAAA",
        ] {
            assert!(is_base64(yes), "{yes}");
        }
        for no in [
            "PHOTO:BASE64",
            "PHOTO;ENCODING=QUOTED-PRINTABLE:ENCODING=B",
            "NOTE;LANGUAGE=en:b",
            "B;B:BASE6",
            "PHOTO;BASE6:x",
        ] {
            assert!(!is_base64(no), "{no}");
        }
    }

    #[test]
    fn quoted_printable_in_another_parameter_value_does_not_join_lines() {
        // Found by fuzzing: a value ending in "=" under TYPE=quoted-printable swallowed the
        // next line (here END:VCARD), so the card the writer made did not read back.
        let input = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo\r\nNOTE;TYPE=quoted-printable:a=0D=\r\nEND:VCARD\r\n";
        let (card, _) = parse_one(input).expect("one card");
        assert_eq!(card.formatted_name().as_deref(), Some("Jo"));
        assert!(card.properties().iter().any(|p| p.name == "NOTE"));
        let input = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jo\r\nNOTE;ENCODING=\"QUOTED-PRINTABLE\":a=\r\nb\r\nEND:VCARD\r\n";
        let (card, _) = parse_one(input).expect("one card");
        let note = card
            .properties()
            .into_iter()
            .find(|p| p.name == "NOTE")
            .unwrap();
        assert_eq!(note.value, "ab");
    }

    #[test]
    fn unfolds_and_reads_21_quoted_printable() {
        let input = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;QUOTED-PRINTABLE:=C3=A9l=C3=A8ve;=\r\nJean\r\nNOTE:long\r\n  folded\r\nEND:VCARD\r\n";
        let parsed = parse(input);
        let (card, diags) = parsed.cards[0].as_ref().unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let props = card.properties();
        assert_eq!(props[0].name, "N");
        assert_eq!(props[0].value, "élève;Jean");
        assert_eq!(props[1].value, "long folded");
        assert_eq!(card.version(), Some(Version::V3));
    }

    #[test]
    fn latin1_line_without_charset_reads_as_windows_1252() {
        let input = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ren\xe9\nEND:VCARD\n";
        let (card, _) = parse_one(input).unwrap();
        assert_eq!(card.formatted_name().as_deref(), Some("René"));
    }

    #[test]
    fn reports_dropped_lines_and_missing_end() {
        let input = b"BEGIN:VCARD\nVERSION:3.0\nFN:A\nthis is not a property\nEND:VCARD\nBEGIN:VCARD\nFN:B\n";
        let parsed = parse(input);
        let (_, diags) = parsed.cards[0].as_ref().unwrap();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 4);
        let err = parsed.cards[1].as_ref().unwrap_err();
        assert_eq!((err.index, err.line), (1, 6));
        assert_eq!(
            err.to_string(),
            "card 2 (line 6): BEGIN:VCARD without END:VCARD"
        );
    }

    #[test]
    fn a_name_with_two_groups_is_dropped_and_the_rest_is_read() {
        let input = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\ni.em3.TEL:+1 555 0106\r\n\
                      item3.X-ABLabel:Voice\r\nURL:https://a.example/\r\nEND:VCARD\r\n";
        let (card, diags) = parse_one(input).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 4);
        assert!(diags[0].message.contains("invalid property name"));
        let names: Vec<String> = card.properties().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["FN", "X-ABLABEL", "URL"]);
    }

    #[test]
    fn base64_data_of_an_unknown_property_stays_binary() {
        // "GIF89a\x01\x00" is valid UTF-8, which calcard returns as text
        let input = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n\
                      X-ICON;ENCODING=b;TYPE=GIF:R0lGODlhAQA=\r\nEND:VCARD\r\n";
        let (card, diags) = parse_one(input).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let written = card.write(Version::V3);
        assert!(
            written.contains("X-ICON;TYPE=GIF;ENCODING=b:R0lGODlhAQA=\r\n"),
            "{written}"
        );
    }

    #[test]
    fn base64_with_wrong_padding_is_read_as_binary_like_calcard_reads_it() {
        // 21 symbols: one '=' too many; calcard decodes it anyway (to UTF-8 text)
        let input = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\n\
                      PHOTO;ENCODING=BASE64;TYPE=GIF:R0lGODlhAQABAAAAACw==\r\nEND:VCARD\r\n";
        let (card, diags) = parse_one(input).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let written = card.write(Version::V3);
        assert!(
            written.contains("PHOTO;ENCODING=b;TYPE=GIF:R0lGODlhAQABAAAAACw=\r\n"),
            "{written}"
        );
    }

    #[test]
    fn a_parameter_with_an_invalid_name_is_removed_and_the_line_kept() {
        let input = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\n\
                      EMAIL;TYPE=home;PREn St\\nSpringfield, ILF=1;PREF=1:a@example.org\r\n\
                      END:VCARD\r\n";
        let (card, diags) = parse_one(input).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0]
                .message
                .starts_with("removed parameters with invalid names")
        );
        let written = card.write(Version::V4);
        assert!(
            written.contains("EMAIL;TYPE=home;PREF=1:a@example.org\r\n"),
            "{written}"
        );
    }

    #[test]
    fn spaces_after_an_escape_collapse() {
        let input =
            b"BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:a  b\r\nNICKNAME:a\\\\  b\r\nEND:VCARD\r\n";
        let (card, _) = parse_one(input).unwrap();
        let props = card.properties();
        assert_eq!(props[0].value, "a  b");
        // FIXME: in list values and parameters calcard 0.3 folds spaces after an escape into one
        assert_eq!(props[1].value, "a\\ b");
    }

    #[test]
    fn parse_one_refuses_two_cards() {
        let input = b"BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\n";
        let err = parse_one(input).unwrap_err();
        assert_eq!(err.line, 4);
    }
}
