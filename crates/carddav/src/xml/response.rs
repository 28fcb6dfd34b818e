//! The `207 Multi-Status` writer and DAV error bodies.
//!
//! The document is built as a string: `D:`, `C:` and `CS:` are declared on the root; a property in
//! any other namespace declares its own prefix on its element.

use std::borrow::Cow;
use std::fmt::Write as _;

use http::StatusCode;
use quick_xml::escape::escape;

use super::{CALSERVER, CARDDAV, DAV, PEOPLEDAV, PropName};

/// A property value, borrowing what the resource already holds (a card's data, its etag).
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue<'a> {
    /// `<name/>`.
    Empty,
    /// Text content, escaped on output.
    Text(Cow<'a, str>),
    /// One `<D:href>` per path (already percent-encoded; XML-escaped on output).
    Hrefs(Vec<String>),
    /// Trusted XML made by this crate, using only the `D:`, `C:` and `CS:` prefixes.
    Xml(String),
}

/// The XML prefix for a namespace, when it is one the root declares.
fn prefix(ns: &str) -> Option<&'static str> {
    match ns {
        DAV => Some("D"),
        CARDDAV => Some("C"),
        CALSERVER => Some("CS"),
        _ => None,
    }
}

fn open(out: &mut String, name: &PropName, empty: bool) {
    let end = if empty { "/>" } else { ">" };
    match prefix(&name.ns) {
        Some(p) => {
            let _ = write!(out, "<{p}:{}{end}", name.local);
        }
        None if name.ns.is_empty() => {
            let _ = write!(out, "<{} xmlns=\"\"{end}", name.local);
        }
        None => {
            let _ = write!(
                out,
                "<X:{} xmlns:X=\"{}\"{end}",
                name.local,
                escape(&*name.ns)
            );
        }
    }
}

fn close(out: &mut String, name: &PropName) {
    match prefix(&name.ns) {
        Some(p) => {
            let _ = write!(out, "</{p}:{}>", name.local);
        }
        None if name.ns.is_empty() => {
            let _ = write!(out, "</{}>", name.local);
        }
        None => {
            let _ = write!(out, "</X:{}>", name.local);
        }
    }
}

fn status_line(status: StatusCode) -> String {
    format!(
        "HTTP/1.1 {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
}

const ROOT_NS: &str = concat!(
    " xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"",
    " xmlns:CS=\"http://calendarserver.org/ns/\""
);

/// Writes a `D:multistatus` document response by response.
pub struct MultistatusWriter {
    out: String,
}

impl Default for MultistatusWriter {
    fn default() -> Self {
        MultistatusWriter::new()
    }
}

impl MultistatusWriter {
    pub fn new() -> MultistatusWriter {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus");
        out.push_str(ROOT_NS);
        out.push('>');
        MultistatusWriter { out }
    }

    /// A response with one `propstat` per status, in the order given; empty groups are skipped.
    pub fn propstats(
        &mut self,
        href: &str,
        groups: &[(StatusCode, Vec<(PropName, PropValue<'_>)>)],
    ) {
        self.out.push_str("<D:response><D:href>");
        escape_text(&mut self.out, href);
        self.out.push_str("</D:href>");
        for (status, props) in groups.iter().filter(|(_, p)| !p.is_empty()) {
            self.out.push_str("<D:propstat><D:prop>");
            for (name, value) in props {
                write_prop(&mut self.out, name, value);
            }
            let _ = write!(
                self.out,
                "</D:prop><D:status>{}</D:status></D:propstat>",
                status_line(*status)
            );
        }
        self.out.push_str("</D:response>");
    }

    /// The usual shape: found properties under 200, missing ones under 404.
    pub fn found_missing(
        &mut self,
        href: &str,
        found: Vec<(PropName, PropValue<'_>)>,
        missing: Vec<PropName>,
    ) {
        let missing: Vec<_> = missing.into_iter().map(|n| (n, PropValue::Empty)).collect();
        if found.is_empty() && missing.is_empty() {
            self.out.push_str("<D:response><D:href>");
            escape_text(&mut self.out, href);
            self.out.push_str(
                "</D:href><D:propstat><D:prop/><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>",
            );
            return;
        }
        self.propstats(
            href,
            &[(StatusCode::OK, found), (StatusCode::NOT_FOUND, missing)],
        );
    }

    /// A response carrying only a status (e.g. a deleted member in sync-collection), with an
    /// optional precondition element (e.g. `<D:number-of-matches-within-limits/>`).
    pub fn status(&mut self, href: &str, status: StatusCode, error: Option<&str>) {
        self.out.push_str("<D:response><D:href>");
        escape_text(&mut self.out, href);
        let _ = write!(
            self.out,
            "</D:href><D:status>{}</D:status>",
            status_line(status)
        );
        if let Some(error) = error {
            let _ = write!(self.out, "<D:error>{error}</D:error>");
        }
        self.out.push_str("</D:response>");
    }

    /// Ends the document, with the `D:sync-token` of a sync-collection report.
    pub fn finish(mut self, sync_token: Option<&str>) -> String {
        if let Some(token) = sync_token {
            self.out.push_str("<D:sync-token>");
            escape_text(&mut self.out, token);
            self.out.push_str("</D:sync-token>");
        }
        self.out.push_str("</D:multistatus>\n");
        self.out
    }
}

/// Appends `text` as XML character data: `<`, `>` and `&` escaped (quotes need no escape outside
/// attributes). Card data is most of a report, and is mostly free of these, so whole runs between
/// them are copied at once.
fn escape_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(i) = memchr::memchr3(b'<', b'>', b'&', &bytes[start..]) {
        let at = start + i;
        out.push_str(&text[start..at]);
        out.push_str(match bytes[at] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&amp;",
        });
        start = at + 1;
    }
    out.push_str(&text[start..]);
}

fn write_prop(out: &mut String, name: &PropName, value: &PropValue<'_>) {
    match value {
        PropValue::Empty => open(out, name, true),
        PropValue::Text(t) => {
            open(out, name, false);
            escape_text(out, t);
            close(out, name);
        }
        PropValue::Hrefs(hrefs) => {
            open(out, name, false);
            for h in hrefs {
                out.push_str("<D:href>");
                escape_text(out, h);
                out.push_str("</D:href>");
            }
            close(out, name);
        }
        PropValue::Xml(x) => {
            open(out, name, false);
            out.push_str(x);
            close(out, name);
        }
    }
}

/// A `D:error` body: the precondition element (trusted XML with `D:`/`C:` prefixes) and an
/// optional human-readable message.
pub fn error_body(precondition: &str, message: Option<&str>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error");
    out.push_str(ROOT_NS);
    let _ = write!(out, " xmlns:P=\"{PEOPLEDAV}\">{precondition}");
    if let Some(m) = message {
        let _ = write!(out, "<P:message>{}</P:message>", escape(m));
    }
    out.push_str("</D:error>\n");
    out
}

/// An XML-escaped `<D:href>` element, for building trusted fragments.
pub fn href_xml(href: &str) -> String {
    format!("<D:href>{}</D:href>", escape(href))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_document;

    #[test]
    fn text_is_escaped_and_reads_back() {
        let mut out = String::new();
        escape_text(&mut out, "");
        assert_eq!(out, "");
        escape_text(&mut out, "NOTE:a<b>&c \"q\" 'a' ]]> é");
        assert_eq!(out, "NOTE:a&lt;b&gt;&amp;c \"q\" 'a' ]]&gt; é");

        let card = "BEGIN:VCARD\r\nNOTE:<script>&amp; \"x\"\r\nEND:VCARD\r\n";
        let mut w = MultistatusWriter::new();
        w.found_missing(
            "/dav/a&b/c.vcf",
            vec![(
                PropName::carddav("address-data"),
                PropValue::Text(card.into()),
            )],
            Vec::new(),
        );
        let doc = parse_document(w.finish(Some("t<1>")).as_bytes()).unwrap();
        let response = doc.child(DAV, "response").unwrap();
        assert_eq!(response.child(DAV, "href").unwrap().text, "/dav/a&b/c.vcf");
        let data = response
            .child(DAV, "propstat")
            .and_then(|p| p.child(DAV, "prop"))
            .and_then(|p| p.child(CARDDAV, "address-data"))
            .unwrap();
        assert_eq!(data.text, card.trim_end(), "the reader trims the text");
        assert_eq!(doc.child(DAV, "sync-token").unwrap().text, "t<1>");
    }
}
