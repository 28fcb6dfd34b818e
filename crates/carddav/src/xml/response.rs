//! The `207 Multi-Status` writer and DAV error bodies.
//!
//! The document is built as a string: `D:`, `C:` and `CS:` are declared on the root; a property in
//! any other namespace declares its own prefix on its element.

use std::fmt::Write as _;

use http::StatusCode;
use quick_xml::escape::escape;

use super::{CALSERVER, CARDDAV, DAV, PEOPLEDAV, PropName};

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// `<name/>`.
    Empty,
    /// Text content, escaped on output.
    Text(String),
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
    pub fn propstats(&mut self, href: &str, groups: &[(StatusCode, Vec<(PropName, PropValue)>)]) {
        self.out.push_str("<D:response><D:href>");
        self.out.push_str(&escape(href));
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
        found: Vec<(PropName, PropValue)>,
        missing: Vec<PropName>,
    ) {
        let missing: Vec<_> = missing.into_iter().map(|n| (n, PropValue::Empty)).collect();
        if found.is_empty() && missing.is_empty() {
            self.out.push_str("<D:response><D:href>");
            self.out.push_str(&escape(href));
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
        self.out.push_str(&escape(href));
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
            let _ = write!(self.out, "<D:sync-token>{}</D:sync-token>", escape(token));
        }
        self.out.push_str("</D:multistatus>\n");
        self.out
    }
}

fn write_prop(out: &mut String, name: &PropName, value: &PropValue) {
    match value {
        PropValue::Empty => open(out, name, true),
        PropValue::Text(t) => {
            open(out, name, false);
            out.push_str(&escape(t.as_str()));
            close(out, name);
        }
        PropValue::Hrefs(hrefs) => {
            open(out, name, false);
            for h in hrefs {
                out.push_str("<D:href>");
                out.push_str(&escape(h.as_str()));
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
