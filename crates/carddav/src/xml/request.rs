//! Parsers for WebDAV/CardDAV request bodies: PROPFIND, PROPPATCH and the REPORTs
//! (addressbook-multiget, addressbook-query, sync-collection).

use super::{CARDDAV, DAV, Element, PropName, XmlError, parse_document};
use crate::collation::{Collation, MatchType, TextMatch};

/// What a PROPFIND (or a REPORT's `DAV:prop` part) asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum PropRequest {
    /// Named properties.
    Prop(Vec<PropName>),
    /// Every property, plus any named in `<D:include>`.
    AllProp(Vec<PropName>),
    /// The names only.
    PropName,
}

/// The `<C:address-data>` element of a REPORT: representation and property selection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressDataSpec {
    pub content_type: Option<String>,
    pub version: Option<String>,
    /// Upper-case vCard property names; empty means every property.
    pub props: Vec<String>,
}

/// A PROPFIND body.
pub fn parse_propfind(body: &[u8]) -> Result<PropRequest, XmlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        // RFC 4918 §9.1: an empty body is an allprop request.
        return Ok(PropRequest::AllProp(Vec::new()));
    }
    let root = parse_document(body)?;
    expect_root(&root, DAV, "propfind", "{DAV:}propfind")?;
    let (req, _) = prop_request(&root)?;
    req.ok_or_else(|| XmlError::Invalid("propfind needs prop, allprop or propname".into()))
}

/// Reads `prop` / `allprop` / `propname` children, and the address-data spec inside `prop`.
fn prop_request(
    parent: &Element,
) -> Result<(Option<PropRequest>, Option<AddressDataSpec>), XmlError> {
    let mut address_data = None;
    if let Some(prop) = parent.child(DAV, "prop") {
        let mut names = Vec::new();
        for p in &prop.children {
            if p.is(CARDDAV, "address-data") {
                address_data = Some(address_data_spec(p));
            }
            names.push(p.name());
        }
        return Ok((Some(PropRequest::Prop(names)), address_data));
    }
    if parent.child(DAV, "allprop").is_some() {
        let include = parent
            .child(DAV, "include")
            .map(|i| i.children.iter().map(Element::name).collect())
            .unwrap_or_default();
        return Ok((Some(PropRequest::AllProp(include)), None));
    }
    if parent.child(DAV, "propname").is_some() {
        return Ok((Some(PropRequest::PropName), None));
    }
    Ok((None, None))
}

fn address_data_spec(el: &Element) -> AddressDataSpec {
    AddressDataSpec {
        content_type: el.attr("content-type").map(str::to_owned),
        version: el.attr("version").map(str::to_owned),
        props: el
            .children_named(CARDDAV, "prop")
            .filter_map(|p| p.attr("name"))
            .map(str::to_ascii_uppercase)
            .collect(),
    }
}

fn expect_root(root: &Element, ns: &str, local: &str, what: &'static str) -> Result<(), XmlError> {
    if root.is(ns, local) {
        Ok(())
    } else {
        Err(XmlError::UnexpectedRoot(root.clark(), what))
    }
}

/// One PROPPATCH instruction, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchOp {
    /// Set a property to the text content of its element.
    Set(PropName, String),
    Remove(PropName),
}

/// A PROPPATCH body.
pub fn parse_proppatch(body: &[u8]) -> Result<Vec<PatchOp>, XmlError> {
    let root = parse_document(body)?;
    expect_root(&root, DAV, "propertyupdate", "{DAV:}propertyupdate")?;
    let mut ops = Vec::new();
    for op in &root.children {
        let set = if op.is(DAV, "set") {
            true
        } else if op.is(DAV, "remove") {
            false
        } else {
            continue;
        };
        for prop in op.children_named(DAV, "prop") {
            for p in &prop.children {
                ops.push(if set {
                    PatchOp::Set(p.name(), p.text.clone())
                } else {
                    PatchOp::Remove(p.name())
                });
            }
        }
    }
    if ops.is_empty() {
        return Err(XmlError::Invalid(
            "propertyupdate without set or remove".into(),
        ));
    }
    Ok(ops)
}

/// A REPORT body.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    Multiget(Multiget),
    Query(Query),
    Sync(SyncCollection),
    /// A report this server does not implement (answered with `DAV:supported-report`).
    Unsupported(PropName),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Multiget {
    pub props: PropRequest,
    pub address_data: Option<AddressDataSpec>,
    pub hrefs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub props: PropRequest,
    pub address_data: Option<AddressDataSpec>,
    pub filter: Filter,
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncCollection {
    /// `None` for the initial sync (an empty `sync-token` element).
    pub token: Option<String>,
    pub infinite: bool,
    pub limit: Option<usize>,
    pub props: PropRequest,
    pub address_data: Option<AddressDataSpec>,
}

/// How a list of conditions combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Test {
    #[default]
    AnyOf,
    AllOf,
}

/// The `<C:filter>` of an addressbook-query. No prop-filter matches every card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub test: Test,
    pub prop_filters: Vec<PropFilter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PropFilter {
    /// Upper-case vCard property name.
    pub name: String,
    pub test: Test,
    pub is_not_defined: bool,
    pub text_matches: Vec<TextMatch>,
    pub param_filters: Vec<ParamFilter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamFilter {
    /// Upper-case parameter name.
    pub name: String,
    pub is_not_defined: bool,
    pub text_match: Option<TextMatch>,
}

/// Why a REPORT body is refused: malformed, or a CardDAV precondition.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("unsupported collation {0}")]
    UnsupportedCollation(String),
    #[error("unsupported filter: {0}")]
    UnsupportedFilter(String),
}

/// A REPORT body.
pub fn parse_report(body: &[u8]) -> Result<Report, ReportError> {
    let root = parse_document(body)?;
    if root.is(CARDDAV, "addressbook-multiget") {
        let (props, address_data) = prop_request(&root)?;
        let hrefs = root
            .children_named(DAV, "href")
            .map(|h| h.text.trim().to_owned())
            .collect();
        return Ok(Report::Multiget(Multiget {
            props: props.unwrap_or(PropRequest::AllProp(Vec::new())),
            address_data,
            hrefs,
        }));
    }
    if root.is(CARDDAV, "addressbook-query") {
        let (props, address_data) = prop_request(&root)?;
        let filter = match root.child(CARDDAV, "filter") {
            Some(f) => parse_filter(f)?,
            None => {
                return Err(
                    XmlError::Invalid("addressbook-query needs a filter element".into()).into(),
                );
            }
        };
        return Ok(Report::Query(Query {
            props: props.unwrap_or(PropRequest::AllProp(Vec::new())),
            address_data,
            filter,
            limit: limit(&root, CARDDAV)?,
        }));
    }
    if root.is(DAV, "sync-collection") {
        let token = root
            .child(DAV, "sync-token")
            .map(|t| t.text.trim().to_owned())
            .filter(|t| !t.is_empty());
        let infinite = root
            .child(DAV, "sync-level")
            .is_some_and(|l| l.text.trim().eq_ignore_ascii_case("infinite"));
        let (props, address_data) = prop_request(&root)?;
        return Ok(Report::Sync(SyncCollection {
            token,
            infinite,
            limit: limit(&root, DAV)?,
            props: props.unwrap_or(PropRequest::Prop(vec![PropName::dav("getetag")])),
            address_data,
        }));
    }
    Ok(Report::Unsupported(root.name()))
}

/// `<limit><nresults>N</nresults></limit>`, in CardDAV's namespace for queries and DAV: for sync.
fn limit(root: &Element, ns: &str) -> Result<Option<usize>, XmlError> {
    let Some(limit) = root.child(ns, "limit") else {
        return Ok(None);
    };
    let n = limit
        .child(ns, "nresults")
        .ok_or_else(|| XmlError::Invalid("limit without nresults".into()))?;
    n.text
        .trim()
        .parse()
        .map(Some)
        .map_err(|_| XmlError::Invalid(format!("nresults is not a number: {}", n.text.trim())))
}

fn parse_test(el: &Element) -> Result<Test, ReportError> {
    match el.attr("test") {
        None | Some("anyof") => Ok(Test::AnyOf),
        Some("allof") => Ok(Test::AllOf),
        Some(other) => Err(XmlError::Invalid(format!("unknown test {other}")).into()),
    }
}

fn parse_filter(el: &Element) -> Result<Filter, ReportError> {
    let mut prop_filters = Vec::new();
    for pf in el.children_named(CARDDAV, "prop-filter") {
        prop_filters.push(parse_prop_filter(pf)?);
    }
    Ok(Filter {
        test: parse_test(el)?,
        prop_filters,
    })
}

fn required_name(el: &Element) -> Result<String, ReportError> {
    el.attr("name")
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_uppercase)
        .ok_or_else(|| XmlError::Invalid(format!("{} without a name", el.local)).into())
}

fn parse_prop_filter(el: &Element) -> Result<PropFilter, ReportError> {
    let mut text_matches = Vec::new();
    let mut param_filters = Vec::new();
    for c in &el.children {
        if c.is(CARDDAV, "text-match") {
            text_matches.push(parse_text_match(c)?);
        } else if c.is(CARDDAV, "param-filter") {
            param_filters.push(ParamFilter {
                name: required_name(c)?,
                is_not_defined: c.child(CARDDAV, "is-not-defined").is_some(),
                text_match: c
                    .child(CARDDAV, "text-match")
                    .map(parse_text_match)
                    .transpose()?,
            });
        } else if !c.is(CARDDAV, "is-not-defined") {
            return Err(ReportError::UnsupportedFilter(c.clark()));
        }
    }
    Ok(PropFilter {
        name: required_name(el)?,
        test: parse_test(el)?,
        is_not_defined: el.child(CARDDAV, "is-not-defined").is_some(),
        text_matches,
        param_filters,
    })
}

fn parse_text_match(el: &Element) -> Result<TextMatch, ReportError> {
    let collation = match el.attr("collation") {
        None => Collation::UnicodeCasemap,
        Some(c) => Collation::from_name(c)
            .ok_or_else(|| ReportError::UnsupportedCollation(c.to_owned()))?,
    };
    let match_type = match el.attr("match-type") {
        None => MatchType::Contains,
        Some(m) => MatchType::from_name(m)
            .ok_or_else(|| ReportError::UnsupportedFilter(format!("match-type {m}")))?,
    };
    let negate = match el.attr("negate-condition") {
        None | Some("no") => false,
        Some("yes") => true,
        Some(other) => {
            return Err(XmlError::Invalid(format!(
                "negate-condition must be yes or no, not {other}"
            ))
            .into());
        }
    };
    Ok(TextMatch::new(collation, match_type, negate, &el.text))
}
