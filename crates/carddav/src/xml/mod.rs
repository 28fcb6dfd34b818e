//! WebDAV XML: a small namespace-resolved element tree read with quick-xml, property names, and
//! the request parsers and response writer built on it.
//!
//! Request bodies are parsed with no DTD support at all (a document type declaration is refused,
//! so no entity can be declared or expanded), a nesting limit and an element-count limit; the body
//! size itself is capped before parsing.

pub mod request;
pub mod response;

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The `DAV:` namespace.
pub const DAV: &str = "DAV:";
/// The CardDAV namespace (RFC 6352).
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
/// The CalendarServer namespace (`getctag`).
pub const CALSERVER: &str = "http://calendarserver.org/ns/";
/// peopledav's own namespace, used for the human-readable message in error bodies.
pub const PEOPLEDAV: &str = "urn:x-peopledav:ns";

/// The deepest element nesting accepted in a request body.
const MAX_DEPTH: usize = 32;
/// The most elements accepted in a request body (a multiget of every card of a big book fits).
const MAX_ELEMENTS: usize = 200_000;

/// A qualified XML name: namespace URI and local name.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct PropName {
    pub ns: Cow<'static, str>,
    pub local: Cow<'static, str>,
}

impl PropName {
    pub const fn dav(local: &'static str) -> PropName {
        PropName {
            ns: Cow::Borrowed(DAV),
            local: Cow::Borrowed(local),
        }
    }
    pub const fn carddav(local: &'static str) -> PropName {
        PropName {
            ns: Cow::Borrowed(CARDDAV),
            local: Cow::Borrowed(local),
        }
    }
    pub const fn calserver(local: &'static str) -> PropName {
        PropName {
            ns: Cow::Borrowed(CALSERVER),
            local: Cow::Borrowed(local),
        }
    }
    pub fn new(ns: &str, local: &str) -> PropName {
        PropName {
            ns: Cow::Owned(ns.to_owned()),
            local: Cow::Owned(local.to_owned()),
        }
    }
}

/// An XML request body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("malformed xml: {0}")]
    Syntax(String),
    #[error("document type declarations are not accepted")]
    Doctype,
    #[error("xml nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("xml request with more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("undeclared xml namespace prefix {0}")]
    UnknownPrefix(String),
    #[error("empty xml document")]
    Empty,
    #[error("unexpected root element {0}, expected {1}")]
    UnexpectedRoot(String, &'static str),
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// One element of a parsed request body.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub ns: String,
    pub local: String,
    /// Attributes by local name (request attributes are never namespaced in WebDAV/CardDAV).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The concatenated text content directly inside this element.
    pub text: String,
}

impl Element {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn child(&self, ns: &str, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, local))
    }
    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }
    pub fn name(&self) -> PropName {
        PropName::new(&self.ns, &self.local)
    }
    /// `{ns}local`, for messages.
    pub fn clark(&self) -> String {
        format!("{{{}}}{}", self.ns, self.local)
    }
}

fn syntax(e: impl std::fmt::Display) -> XmlError {
    XmlError::Syntax(e.to_string())
}

fn resolved_ns(res: ResolveResult<'_>) -> Result<String, XmlError> {
    match res {
        ResolveResult::Bound(ns) => Ok(String::from_utf8_lossy(ns.as_ref()).into_owned()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(prefix) => Err(XmlError::UnknownPrefix(
            String::from_utf8_lossy(&prefix).into_owned(),
        )),
    }
}

/// Parses a whole request body into its root element.
pub fn parse_document(bytes: &[u8]) -> Result<Element, XmlError> {
    // Names and text are compared and echoed back: bytes that are not UTF-8 must not get in.
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(XmlError::Syntax(format!(
            "the body is not valid utf-8 (at byte {})",
            e.valid_up_to()
        )));
    }
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let (res, event) = reader.read_resolved_event().map_err(syntax)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                if root.is_some() {
                    return Err(XmlError::Syntax("content after the root element".into()));
                }
                let ns = resolved_ns(res)?;
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let mut attrs = Vec::new();
                for attr in e.attributes() {
                    let attr = attr.map_err(syntax)?;
                    if attr.key.as_ref().starts_with(b"xmlns") {
                        continue;
                    }
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
                    let value = attr.unescape_value().map_err(syntax)?.into_owned();
                    attrs.push((key, value));
                }
                let element = Element {
                    ns,
                    local,
                    attrs,
                    ..Element::default()
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(element);
                } else {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| XmlError::Syntax("unbalanced end tag".into()))?;
                attach(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(syntax)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                } else if !text.trim().is_empty() {
                    return Err(XmlError::Syntax("text outside the root element".into()));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Syntax(
            "unclosed element at end of document".into(),
        ));
    }
    root.ok_or(XmlError::Empty)
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests;
