//! A small XML element tree that keeps namespaces and prefixes as written, read with quick-xml
//! under limits, and written back canonically (the same elements, attributes, text and
//! namespaces; comments, processing instructions and the XML declaration are not kept).
//!
//! Reading refuses document type declarations outright, so no entity can be declared or
//! expanded; only the five predefined entities and character references are understood.

use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{Error, ErrorKind};

/// The largest document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;
/// The deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// The most attributes (namespace declarations included) one element may carry.
const MAX_ATTRIBUTES: usize = 256;
/// The most namespace declarations in scope at once.
const MAX_NAMESPACES_IN_SCOPE: usize = 512;

/// The namespace the `xml:` prefix is bound to.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// An attribute that this crate has no field for, kept as it came. (Names are written as they
/// are; one built by hand must be a valid XML name.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The namespace URI; `None` for an unprefixed attribute.
    pub namespace: Option<String>,
    /// The prefix it was written with (kept so a round trip looks the same).
    pub prefix: Option<String>,
    pub name: String,
    pub value: String,
}

impl Attribute {
    /// An attribute without a namespace.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Attribute {
        Attribute {
            namespace: None,
            prefix: None,
            name: name.into(),
            value: value.into(),
        }
    }
}

/// An element that this crate has no field for, kept as XML: a complete element with every
/// namespace it uses declared on it, so it can be put anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawXml {
    xml: String,
    namespace: String,
    name: String,
}

impl RawXml {
    /// Parses one element (with its content) and keeps it in canonical form.
    pub fn parse(xml: &str) -> Result<RawXml, Error> {
        Ok(RawXml::from_element(&parse_document(xml.as_bytes())?))
    }

    pub(crate) fn from_element(element: &Element) -> RawXml {
        RawXml {
            xml: write_fragment(element),
            namespace: element.name.ns.clone(),
            name: element.name.local.clone(),
        }
    }

    /// The XML text of the element.
    pub fn as_str(&self) -> &str {
        &self.xml
    }

    /// The namespace URI of the element (empty for none).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The local name of the element.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for RawXml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.xml)
    }
}

/// Attributes and elements of one element that this crate has no field for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    pub attributes: Vec<Attribute>,
    pub elements: Vec<RawXml>,
}

impl Extensions {
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.elements.is_empty()
    }
}

/// An expanded element name, with the prefix it was (or is to be) written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    /// Namespace URI; empty for none.
    pub ns: String,
    /// Prefix; empty for the default namespace.
    pub prefix: String,
    pub local: String,
}

impl Name {
    pub fn new(ns: &str, prefix: &str, local: &str) -> Name {
        Name {
            ns: ns.to_owned(),
            prefix: prefix.to_owned(),
            local: local.to_owned(),
        }
    }

    /// `prefix:local` or `local`, for messages.
    pub fn qualified(&self) -> String {
        if self.prefix.is_empty() {
            self.local.clone()
        } else {
            format!("{}:{}", self.prefix, self.local)
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
    /// Already serialized, self-contained XML (a [`RawXml`]); only in trees built for writing.
    Raw(String),
}

/// One element of a document.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub name: Name,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Node>,
    /// Where the element starts in the input (1-based line and column); `(0, 0)` when built.
    pub line: usize,
    pub column: usize,
}

impl Element {
    pub fn new(ns: &str, prefix: &str, local: &str) -> Element {
        Element {
            name: Name::new(ns, prefix, local),
            attrs: Vec::new(),
            children: Vec::new(),
            line: 0,
            column: 0,
        }
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.name.ns == ns && self.name.local == local
    }

    /// The element's child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Whether the element has element children.
    pub fn has_elements(&self) -> bool {
        self.elements().next().is_some()
    }

    /// The concatenated text directly inside the element.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s
    }

    /// An error about this element, placed where it starts.
    pub fn error(&self, message: impl Into<String>) -> Error {
        let e = Error::new(ErrorKind::Invalid, message);
        if self.line > 0 {
            e.at(self.line, self.column)
        } else {
            e
        }
    }

    // builders, for writing

    pub fn attr(&mut self, name: &str, value: Option<&str>) -> &mut Element {
        if let Some(v) = value {
            self.attrs.push(Attribute::new(name, v));
        }
        self
    }

    pub fn ns_attr(&mut self, ns: &str, prefix: &str, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.attrs.push(Attribute {
                namespace: Some(ns.to_owned()),
                prefix: Some(prefix.to_owned()),
                name: name.to_owned(),
                value: v.to_owned(),
            });
        }
    }

    pub fn push_text(&mut self, text: &str) -> &mut Element {
        if !text.is_empty() {
            self.children.push(Node::Text(text.to_owned()));
        }
        self
    }

    pub fn push(&mut self, child: Element) -> &mut Element {
        self.children.push(Node::Element(child));
        self
    }

    /// Appends the extensions: attributes to this element, elements as children.
    pub fn extend(&mut self, ext: &Extensions) {
        self.attrs.extend(ext.attributes.iter().cloned());
        for raw in &ext.elements {
            self.children.push(Node::Raw(raw.xml.clone()));
        }
    }
}

/// Turns a byte offset into (line, column) as the parser moves forward through the input.
struct Cursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn seek(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            // never happens while parsing forward; recount from the start
            self.offset = 0;
            self.line = 1;
            self.column = 1;
        }
        let end = (offset..=self.text.len())
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(self.text.len());
        for c in self.text[self.offset..end].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.offset = end;
        (self.line, self.column)
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character XML 1.0 does not allow, if any.
fn bad_char(s: &str) -> Option<char> {
    s.chars().find(|c| !is_xml_char(*c))
}

/// In-scope namespace declarations: (prefix, namespace) pairs, innermost last.
#[derive(Default)]
struct Scope {
    decls: Vec<(String, String)>,
}

impl Scope {
    fn lookup(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        self.decls
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, ns)| ns.as_str())
    }
}

struct Open {
    element: Element,
    scope_mark: usize,
}

/// Parses a whole document into its root element.
pub(crate) fn parse_document(input: &[u8]) -> Result<Element, Error> {
    if input.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "the document has {} bytes, more than the {MAX_DOCUMENT_BYTES} accepted",
                input.len()
            ),
        ));
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            let valid = &input[..e.valid_up_to()];
            // the prefix is valid utf-8 by definition
            let prefix = std::str::from_utf8(valid).unwrap_or("");
            let mut cursor = Cursor {
                text: prefix,
                offset: 0,
                line: 1,
                column: 1,
            };
            let (line, column) = cursor.seek(prefix.len());
            return Err(Error::new(
                ErrorKind::Encoding,
                "the document is not valid utf-8 (only utf-8 is accepted)",
            )
            .at(line, column));
        }
    };
    let mut cursor = Cursor {
        text,
        offset: 0,
        line: 1,
        column: 1,
    };
    let mut reader = Reader::from_str(text);
    let mut scope = Scope::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                let (line, column) = cursor.seek(at);
                return Err(Error::new(ErrorKind::Syntax, e.to_string()).at(line, column));
            }
        };
        let (line, column) = cursor.seek(start);
        let fail =
            |kind: ErrorKind, message: String| Err(Error::new(kind, message).at(line, column));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return fail(ErrorKind::Syntax, "content after the root element".into());
                }
                if stack.len() >= MAX_DEPTH {
                    return fail(
                        ErrorKind::TooDeep,
                        format!("elements are nested deeper than {MAX_DEPTH} levels"),
                    );
                }
                let scope_mark = scope.decls.len();
                let element = match open_element(e, &mut scope, line, column) {
                    Ok(el) => el,
                    Err(err) => return Err(err.at(line, column)),
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(Open {
                        element,
                        scope_mark,
                    });
                } else {
                    scope.decls.truncate(scope_mark);
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return fail(ErrorKind::Syntax, "an end tag without a start tag".into());
                };
                scope.decls.truncate(open.scope_mark);
                attach(&mut stack, &mut root, open.element);
            }
            Event::Text(t) => {
                let value = match t.unescape() {
                    Ok(v) => v,
                    Err(e) => return fail(ErrorKind::Syntax, e.to_string()),
                };
                push_text(&mut stack, &value, line, column)?;
            }
            Event::CData(t) => {
                let bytes = t.into_inner();
                let value = String::from_utf8_lossy(&bytes);
                push_text(&mut stack, &value, line, column)?;
            }
            Event::DocType(_) => {
                return fail(
                    ErrorKind::Doctype,
                    "document type declarations (<!DOCTYPE ...>) are not accepted".into(),
                );
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let (line, column) = cursor.seek(text.len());
        return Err(Error::new(
            ErrorKind::Syntax,
            format!(
                "the document ends inside <{}> (opened at line {}, column {})",
                open.element.name.qualified(),
                open.element.line,
                open.element.column
            ),
        )
        .at(line, column));
    }
    root.ok_or_else(|| Error::new(ErrorKind::Syntax, "the document has no root element"))
}

fn push_text(stack: &mut [Open], value: &str, line: usize, column: usize) -> Result<(), Error> {
    if let Some(c) = bad_char(value) {
        return Err(Error::new(
            ErrorKind::Syntax,
            format!("character U+{:04X} is not allowed in xml", u32::from(c)),
        )
        .at(line, column));
    }
    match stack.last_mut() {
        Some(open) => {
            if let Some(Node::Text(last)) = open.element.children.last_mut() {
                last.push_str(value);
            } else if !value.is_empty() {
                open.element.children.push(Node::Text(value.to_owned()));
            }
            Ok(())
        }
        None if value.trim().is_empty() => Ok(()),
        None => {
            Err(Error::new(ErrorKind::Syntax, "text outside the root element").at(line, column))
        }
    }
}

fn attach(stack: &mut [Open], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.element.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads a start tag: its namespace declarations go into `scope`, its name and attributes are
/// resolved against it.
fn open_element(
    e: &BytesStart<'_>,
    scope: &mut Scope,
    line: usize,
    column: usize,
) -> Result<Element, Error> {
    let qname = e.name();
    let tag = utf8(qname.as_ref());
    let syntax = |m: String| Error::new(ErrorKind::Syntax, m);
    let mut plain: Vec<(Option<String>, String, String)> = Vec::new();
    for (count, attr) in e.attributes().enumerate() {
        if count >= MAX_ATTRIBUTES {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("<{tag}> has more than {MAX_ATTRIBUTES} attributes"),
            ));
        }
        let attr = attr.map_err(|err| syntax(format!("in <{tag}>: {err}")))?;
        let key = utf8(attr.key.as_ref());
        let value = attr
            .unescape_value()
            .map_err(|err| syntax(format!("in attribute {key} of <{tag}>: {err}")))?
            .into_owned();
        if let Some(c) = bad_char(&value) {
            return Err(syntax(format!(
                "character U+{:04X} is not allowed in xml (attribute {key} of <{tag}>)",
                u32::from(c)
            )));
        }
        if key != "xmlns" && !is_qname(&key) {
            return Err(syntax(format!(
                "{key:?} on <{tag}> is not an attribute name (at most one colon, with a name on both sides)"
            )));
        }
        if key == "xmlns" {
            scope.decls.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return Err(syntax(format!(
                    "<{tag}> undeclares the prefix {prefix}, which xml 1.0 does not allow"
                )));
            }
            scope.decls.push((prefix.to_owned(), value));
        } else {
            let (prefix, local) = match key.split_once(':') {
                Some((p, l)) => (Some(p.to_owned()), l.to_owned()),
                None => (None, key),
            };
            plain.push((prefix, local, value));
        }
        if scope.decls.len() > MAX_NAMESPACES_IN_SCOPE {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "more than {MAX_NAMESPACES_IN_SCOPE} namespace declarations in scope at <{tag}>"
                ),
            ));
        }
    }
    if !is_qname(&tag) {
        return Err(syntax(format!(
            "<{tag}> is not an element name (at most one colon, with a name on both sides)"
        )));
    }
    let (prefix, local) = match tag.split_once(':') {
        Some((p, l)) => (p.to_owned(), l.to_owned()),
        None => (String::new(), tag.clone()),
    };
    let ns = match scope.lookup(&prefix) {
        Some(ns) => ns.to_owned(),
        None if prefix.is_empty() => String::new(),
        None => {
            return Err(syntax(format!(
                "the prefix {prefix} of <{tag}> is not declared"
            )));
        }
    };
    let mut attrs = Vec::with_capacity(plain.len());
    for (prefix, name, value) in plain {
        let namespace = match &prefix {
            None => None,
            Some(p) => Some(
                scope
                    .lookup(p)
                    .ok_or_else(|| {
                        syntax(format!(
                            "the prefix {p} of attribute {p}:{name} on <{tag}> is not declared"
                        ))
                    })?
                    .to_owned(),
            ),
        };
        if attrs
            .iter()
            .any(|a: &Attribute| a.namespace == namespace && a.name == name && namespace.is_some())
        {
            return Err(syntax(format!(
                "<{tag}> has the attribute {name} of one namespace twice"
            )));
        }
        attrs.push(Attribute {
            namespace,
            prefix,
            name,
            value,
        });
    }
    Ok(Element {
        name: Name { ns, prefix, local },
        attrs,
        children: Vec::new(),
        line,
        column,
    })
}

// ---------------------------------------------------------------------------------------------
// writing

/// What a prefix is bound to while writing.
#[derive(Clone, PartialEq, Eq)]
enum Binding {
    Ns(String),
    /// Unknown (the start of a fragment that may be put anywhere): always declare.
    Unknown,
}

struct Writer {
    out: String,
    scope: Vec<(String, Binding)>,
    generated: usize,
}

impl Writer {
    fn lookup(&self, prefix: &str) -> Binding {
        if prefix == "xml" {
            return Binding::Ns(XML_NS.to_owned());
        }
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| {
                if prefix.is_empty() {
                    Binding::Ns(String::new())
                } else {
                    Binding::Unknown
                }
            })
    }

    fn element(&mut self, el: &Element) {
        self.element_with(el, Vec::new());
    }

    /// Writes `el`, declaring `decls` on it besides what it needs.
    fn element_with(&mut self, el: &Element, mut decls: Vec<(String, String)>) {
        let mark = self.scope.len();
        for (p, ns) in &decls {
            self.scope.push((p.clone(), Binding::Ns(ns.clone())));
        }
        // the element's own prefix
        let (prefix, ns) = if el.name.ns.is_empty() {
            (String::new(), String::new())
        } else {
            (el.name.prefix.clone(), el.name.ns.clone())
        };
        self.need(&prefix, &ns, &mut decls);
        let tag = if prefix.is_empty() {
            el.name.local.clone()
        } else {
            format!("{prefix}:{}", el.name.local)
        };
        // attribute prefixes
        let mut attrs: Vec<(String, &str)> = Vec::with_capacity(el.attrs.len());
        for a in &el.attrs {
            if a.namespace.is_none() && (a.name == "xmlns" || a.name.starts_with("xmlns:")) {
                // declarations are the writer's business (a hand-built one would clash)
                continue;
            }
            let key = match a.namespace.as_deref() {
                None => a.name.clone(),
                Some(ns) => {
                    let wanted = a.prefix.clone().filter(|p| !p.is_empty() && p != "xmlns");
                    let p = match wanted {
                        Some(p) if self.lookup(&p) == Binding::Ns(ns.to_owned()) => p,
                        Some(p) if !decls.iter().any(|(d, _)| *d == p) && p != "xml" => {
                            self.need(&p, ns, &mut decls);
                            p
                        }
                        _ => {
                            let p = self.fresh_prefix();
                            self.need(&p, ns, &mut decls);
                            p
                        }
                    };
                    format!("{p}:{}", a.name)
                }
            };
            attrs.push((key, &a.value));
        }
        self.out.push('<');
        self.out.push_str(&tag);
        for (p, ns) in &decls {
            if p.is_empty() {
                self.out.push_str(" xmlns=\"");
            } else {
                self.out.push_str(" xmlns:");
                self.out.push_str(p);
                self.out.push_str("=\"");
            }
            escape_attr(&mut self.out, ns);
            self.out.push('"');
        }
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(&key);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, value);
            self.out.push('"');
        }
        if el.children.is_empty() {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            for child in &el.children {
                match child {
                    Node::Element(e) => self.element(e),
                    Node::Text(t) => escape_text(&mut self.out, t),
                    Node::Raw(xml) => self.out.push_str(xml),
                }
            }
            self.out.push_str("</");
            self.out.push_str(&tag);
            self.out.push('>');
        }
        self.scope.truncate(mark);
    }

    fn need(&mut self, prefix: &str, ns: &str, decls: &mut Vec<(String, String)>) {
        if prefix == "xml" {
            return;
        }
        if self.lookup(prefix) != Binding::Ns(ns.to_owned()) {
            self.scope
                .push((prefix.to_owned(), Binding::Ns(ns.to_owned())));
            decls.push((prefix.to_owned(), ns.to_owned()));
        }
    }

    fn fresh_prefix(&mut self) -> String {
        loop {
            self.generated += 1;
            let p = format!("ns{}", self.generated);
            if self.lookup(&p) == Binding::Unknown {
                return p;
            }
        }
    }
}

fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {} // not representable in xml 1.0: dropped
        }
    }
}

fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Writes a document: the XML declaration, then `root` with `namespaces` declared on it.
pub(crate) fn write_document(root: &Element, namespaces: &[(&str, &str)]) -> String {
    let mut w = Writer {
        out: String::from("<?xml version='1.0' encoding='UTF-8'?>"),
        scope: Vec::new(),
        generated: 0,
    };
    let decls = namespaces
        .iter()
        .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned()))
        .collect();
    w.element_with(root, decls);
    w.out
}

/// Writes an element as a self-contained fragment: every namespace it uses is declared in it.
pub(crate) fn write_fragment(el: &Element) -> String {
    let mut w = Writer {
        out: String::new(),
        scope: vec![(String::new(), Binding::Unknown)],
        generated: 0,
    };
    w.element(el);
    w.out
}

/// Whether `name` is a qualified name of Namespaces in XML: `local` or `prefix:local`, neither
/// part empty. (`<:a:b>` would otherwise come back as the prefix `a`, which nothing declares.)
fn is_qname(name: &str) -> bool {
    let mut parts = name.split(':');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    !first.is_empty() && second.is_none_or(|s| !s.is_empty()) && parts.next().is_none()
}
