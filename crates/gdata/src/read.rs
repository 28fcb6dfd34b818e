//! Element tree → model: each known element into its struct, everything else kept as raw XML.

use crate::model::{
    BatchItem, BatchOperation, BatchResult, BatchStatus, Birthday, Category, Email, Entry, Event,
    ExtendedProperty, Feed, GroupMembership, Im, Link, Name, NamePart, Organization, PhoneNumber,
    PostalAddress, Relation, Text, UserDefinedField, Website,
};
use crate::xml::{Attribute, Element, Extensions, RawXml, parse_document};
use crate::{APP, ATOM, BATCH, Error, GCONTACT, GD, OPENSEARCH};

/// The attributes of one element, taken one by one; what is left is kept in `ext`.
struct Attrs(Vec<Attribute>);

impl Attrs {
    fn of(el: &Element) -> Attrs {
        Attrs(el.attrs.clone())
    }

    /// Takes the unprefixed attribute `name`.
    fn take(&mut self, name: &str) -> Option<String> {
        let i = self
            .0
            .iter()
            .position(|a| a.namespace.is_none() && a.name == name)?;
        Some(self.0.remove(i).value)
    }

    fn take_ns(&mut self, ns: &str, name: &str) -> Option<String> {
        let i = self
            .0
            .iter()
            .position(|a| a.namespace.as_deref() == Some(ns) && a.name == name)?;
        Some(self.0.remove(i).value)
    }

    /// Takes a boolean attribute that is `true`; any other value stays as it is.
    fn take_true(&mut self, name: &str) -> bool {
        match self
            .0
            .iter()
            .position(|a| a.namespace.is_none() && a.name == name && a.value == "true")
        {
            Some(i) => {
                self.0.remove(i);
                true
            }
            None => false,
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_ext(self) -> Extensions {
        Extensions {
            attributes: self.0,
            elements: Vec::new(),
        }
    }
}

/// The text of an element with no attributes and no child elements.
pub(crate) fn leaf(el: &Element) -> Option<String> {
    (el.attrs.is_empty() && !el.has_elements()).then(|| el.text())
}

/// A name part: text with at most a `yomi` attribute.
fn name_part(el: &Element) -> Option<NamePart> {
    if el.has_elements() {
        return None;
    }
    let mut a = Attrs::of(el);
    let yomi = a.take("yomi");
    a.is_empty().then(|| NamePart {
        value: el.text(),
        yomi,
    })
}

/// Fills an empty slot; `false` when the slot is taken or the value could not be read.
fn single<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    match (slot.is_none(), value) {
        (true, Some(v)) => {
            *slot = Some(v);
            true
        }
        _ => false,
    }
}

fn multi<T>(list: &mut Vec<T>, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            list.push(v);
            true
        }
        None => false,
    }
}

/// Every child element goes to `ext.elements` (for elements whose children this crate does not
/// model).
fn children_as_raw(el: &Element, ext: &mut Extensions) {
    ext.elements.extend(el.elements().map(RawXml::from_element));
}

pub(crate) fn text(el: &Element) -> Option<Text> {
    let mut a = Attrs::of(el);
    let kind = a.take("type");
    let mut ext = a.into_ext();
    children_as_raw(el, &mut ext);
    Some(Text {
        value: el.text(),
        kind,
        ext,
    })
}

pub(crate) fn link(el: &Element) -> Option<Link> {
    let mut a = Attrs::of(el);
    let rel = a.take("rel");
    let kind = a.take("type");
    let href = a.take("href");
    let etag = a.take_ns(GD, "etag");
    let mut ext = a.into_ext();
    children_as_raw(el, &mut ext);
    Some(Link {
        rel,
        kind,
        href,
        etag,
        ext,
    })
}

pub(crate) fn category(el: &Element) -> Option<Category> {
    let mut a = Attrs::of(el);
    let scheme = a.take("scheme");
    let term = a.take("term");
    let label = a.take("label");
    let mut ext = a.into_ext();
    children_as_raw(el, &mut ext);
    Some(Category {
        scheme,
        term,
        label,
        ext,
    })
}

pub(crate) fn name(el: &Element) -> Option<Name> {
    let mut n = Name {
        ext: Attrs::of(el).into_ext(),
        ..Name::default()
    };
    for c in el.elements() {
        let taken = c.name.ns == GD
            && match c.name.local.as_str() {
                "givenName" => single(&mut n.given_name, name_part(c)),
                "additionalName" => single(&mut n.additional_name, name_part(c)),
                "familyName" => single(&mut n.family_name, name_part(c)),
                "namePrefix" => single(&mut n.name_prefix, name_part(c)),
                "nameSuffix" => single(&mut n.name_suffix, name_part(c)),
                "fullName" => single(&mut n.full_name, name_part(c)),
                _ => false,
            };
        if !taken {
            n.ext.elements.push(RawXml::from_element(c));
        }
    }
    Some(n)
}

pub(crate) fn email(el: &Element) -> Option<Email> {
    let mut a = Attrs::of(el);
    let mut e = Email {
        address: a.take("address"),
        rel: a.take("rel"),
        label: a.take("label"),
        primary: a.take_true("primary"),
        display_name: a.take("displayName"),
        ext: Extensions::default(),
    };
    e.ext = a.into_ext();
    children_as_raw(el, &mut e.ext);
    Some(e)
}

pub(crate) fn phone_number(el: &Element) -> Option<PhoneNumber> {
    let mut a = Attrs::of(el);
    let mut p = PhoneNumber {
        number: el.text(),
        rel: a.take("rel"),
        label: a.take("label"),
        uri: a.take("uri"),
        primary: a.take_true("primary"),
        ext: Extensions::default(),
    };
    p.ext = a.into_ext();
    children_as_raw(el, &mut p.ext);
    Some(p)
}

pub(crate) fn postal_address(el: &Element) -> Option<PostalAddress> {
    let mut a = Attrs::of(el);
    let mut p = PostalAddress {
        rel: a.take("rel"),
        label: a.take("label"),
        primary: a.take_true("primary"),
        mail_class: a.take("mailClass"),
        usage: a.take("usage"),
        ..PostalAddress::default()
    };
    p.ext = a.into_ext();
    for c in el.elements() {
        let taken = c.name.ns == GD
            && match c.name.local.as_str() {
                "agent" => single(&mut p.agent, leaf(c)),
                "housename" => single(&mut p.housename, leaf(c)),
                "street" => single(&mut p.street, leaf(c)),
                "pobox" => single(&mut p.pobox, leaf(c)),
                "neighborhood" => single(&mut p.neighborhood, leaf(c)),
                "city" => single(&mut p.city, leaf(c)),
                "subregion" => single(&mut p.subregion, leaf(c)),
                "region" => single(&mut p.region, leaf(c)),
                "postcode" => single(&mut p.postcode, leaf(c)),
                "formattedAddress" => single(&mut p.formatted_address, leaf(c)),
                "country" if p.country.is_none() && !c.has_elements() => {
                    let mut ca = Attrs::of(c);
                    let code = ca.take("code");
                    if ca.is_empty() {
                        p.country = Some(c.text());
                        p.country_code = code;
                        true
                    } else {
                        false
                    }
                }
                _ => false,
            };
        if !taken {
            p.ext.elements.push(RawXml::from_element(c));
        }
    }
    Some(p)
}

pub(crate) fn organization(el: &Element) -> Option<Organization> {
    let mut a = Attrs::of(el);
    let mut o = Organization {
        rel: a.take("rel"),
        label: a.take("label"),
        primary: a.take_true("primary"),
        ..Organization::default()
    };
    o.ext = a.into_ext();
    for c in el.elements() {
        let taken = c.name.ns == GD
            && match c.name.local.as_str() {
                "orgName" => single(&mut o.org_name, name_part(c)),
                "orgTitle" => single(&mut o.org_title, leaf(c)),
                "orgDepartment" => single(&mut o.org_department, leaf(c)),
                "orgJobDescription" => single(&mut o.org_job_description, leaf(c)),
                "orgSymbol" => single(&mut o.org_symbol, leaf(c)),
                _ => false,
            };
        if !taken {
            o.ext.elements.push(RawXml::from_element(c));
        }
    }
    Some(o)
}

pub(crate) fn im(el: &Element) -> Option<Im> {
    let mut a = Attrs::of(el);
    let mut i = Im {
        address: a.take("address"),
        protocol: a.take("protocol"),
        rel: a.take("rel"),
        label: a.take("label"),
        primary: a.take_true("primary"),
        ext: Extensions::default(),
    };
    i.ext = a.into_ext();
    children_as_raw(el, &mut i.ext);
    Some(i)
}

pub(crate) fn website(el: &Element) -> Option<Website> {
    let mut a = Attrs::of(el);
    let mut w = Website {
        href: a.take("href"),
        rel: a.take("rel"),
        label: a.take("label"),
        primary: a.take_true("primary"),
        ext: Extensions::default(),
    };
    w.ext = a.into_ext();
    children_as_raw(el, &mut w.ext);
    Some(w)
}

pub(crate) fn birthday(el: &Element) -> Option<Birthday> {
    let mut a = Attrs::of(el);
    let when = a.take("when")?;
    let mut ext = a.into_ext();
    children_as_raw(el, &mut ext);
    Some(Birthday { when, ext })
}

pub(crate) fn event(el: &Element) -> Option<Event> {
    let mut a = Attrs::of(el);
    let mut e = Event {
        rel: a.take("rel"),
        label: a.take("label"),
        ..Event::default()
    };
    e.ext = a.into_ext();
    for c in el.elements() {
        let taken = c.is(GD, "when")
            && e.start_time.is_none()
            && !c.has_elements()
            && c.attrs.len() == 1
            && c.attrs[0].namespace.is_none()
            && c.attrs[0].name == "startTime";
        if taken {
            e.start_time = Some(c.attrs[0].value.clone());
        } else {
            e.ext.elements.push(RawXml::from_element(c));
        }
    }
    Some(e)
}

pub(crate) fn relation(el: &Element) -> Option<Relation> {
    let mut a = Attrs::of(el);
    let mut r = Relation {
        value: el.text(),
        rel: a.take("rel"),
        label: a.take("label"),
        ext: Extensions::default(),
    };
    r.ext = a.into_ext();
    children_as_raw(el, &mut r.ext);
    Some(r)
}

pub(crate) fn user_defined_field(el: &Element) -> Option<UserDefinedField> {
    let mut a = Attrs::of(el);
    let mut u = UserDefinedField {
        key: a.take("key"),
        value: a.take("value"),
        ext: Extensions::default(),
    };
    u.ext = a.into_ext();
    children_as_raw(el, &mut u.ext);
    Some(u)
}

pub(crate) fn extended_property(el: &Element) -> Option<ExtendedProperty> {
    let mut a = Attrs::of(el);
    let mut p = ExtendedProperty {
        name: a.take("name"),
        value: a.take("value"),
        ext: Extensions::default(),
    };
    p.ext = a.into_ext();
    children_as_raw(el, &mut p.ext);
    Some(p)
}

pub(crate) fn group_membership(el: &Element) -> Option<GroupMembership> {
    let mut a = Attrs::of(el);
    let mut g = GroupMembership {
        href: a.take("href"),
        deleted: a.take_true("deleted"),
        ext: Extensions::default(),
    };
    g.ext = a.into_ext();
    children_as_raw(el, &mut g.ext);
    Some(g)
}

/// What a batch feed adds to an entry.
#[derive(Default)]
pub(crate) struct BatchParts {
    pub id: Option<String>,
    pub operation: Option<BatchOperation>,
    pub status: Option<BatchStatus>,
}

fn batch_operation(el: &Element) -> Result<Option<BatchOperation>, Error> {
    if el.has_elements() || el.attrs.len() != 1 || el.attrs[0].name != "type" {
        return Ok(None);
    }
    let ty = &el.attrs[0].value;
    BatchOperation::parse(ty).map(Some).ok_or_else(|| {
        el.error(format!(
            "batch:operation has the type {ty:?}; expected insert, update, delete or query"
        ))
    })
}

fn batch_status(el: &Element) -> Result<Option<BatchStatus>, Error> {
    let mut a = Attrs::of(el);
    let Some(code) = a.take("code") else {
        return Ok(None);
    };
    let code = code.trim().parse::<u16>().map_err(|_| {
        el.error(format!(
            "batch:status has the code {code:?}, which is not an http status code"
        ))
    })?;
    let reason = a.take("reason");
    let content_type = a.take("content-type");
    let mut ext = a.into_ext();
    children_as_raw(el, &mut ext);
    let body = Some(el.text()).filter(|t| !t.trim().is_empty());
    Ok(Some(BatchStatus {
        code,
        reason,
        content_type,
        body,
        ext,
    }))
}

/// Which `batch:` elements an entry's reader takes apart (the others are kept as raw XML).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Batch {
    /// None: a plain feed or entry.
    No,
    /// `batch:id` and `batch:operation`.
    Request,
    /// `batch:id`, `batch:operation` and `batch:status`.
    Response,
}

/// Reads an `atom:entry`; in a batch feed, its `batch:` elements are taken apart.
pub(crate) fn entry(el: &Element, batch: Batch) -> Result<(Entry, BatchParts), Error> {
    let mut a = Attrs::of(el);
    let mut e = Entry {
        etag: a.take_ns(GD, "etag"),
        ..Entry::default()
    };
    e.ext = a.into_ext();
    let mut parts = BatchParts::default();
    for c in el.elements() {
        let ns = c.name.ns.as_str();
        let local = c.name.local.as_str();
        let taken = match ns {
            ATOM => match local {
                "id" => single(&mut e.id, leaf(c)),
                "updated" => single(&mut e.updated, leaf(c)),
                "title" => single(&mut e.title, text(c)),
                "content" => single(&mut e.content, text(c)),
                "link" => multi(&mut e.links, link(c)),
                "category" => multi(&mut e.categories, category(c)),
                _ => false,
            },
            APP => local == "edited" && single(&mut e.edited, leaf(c)),
            GD => match local {
                "deleted" if !e.deleted && leaf(c).is_some_and(|t| t.trim().is_empty()) => {
                    e.deleted = true;
                    true
                }
                "name" => single(&mut e.name, name(c)),
                "email" => multi(&mut e.emails, email(c)),
                "phoneNumber" => multi(&mut e.phone_numbers, phone_number(c)),
                "structuredPostalAddress" => multi(&mut e.postal_addresses, postal_address(c)),
                "organization" => multi(&mut e.organizations, organization(c)),
                "im" => multi(&mut e.ims, im(c)),
                "extendedProperty" => multi(&mut e.extended_properties, extended_property(c)),
                _ => false,
            },
            GCONTACT => match local {
                "website" => multi(&mut e.websites, website(c)),
                "birthday" => single(&mut e.birthday, birthday(c)),
                "event" => multi(&mut e.events, event(c)),
                "relation" => multi(&mut e.relations, relation(c)),
                "nickname" => multi(&mut e.nicknames, leaf(c)),
                "userDefinedField" => multi(&mut e.user_defined_fields, user_defined_field(c)),
                "groupMembershipInfo" => multi(&mut e.group_memberships, group_membership(c)),
                _ => false,
            },
            BATCH if batch != Batch::No => match local {
                "id" => single(&mut parts.id, leaf(c)),
                "operation" => single(&mut parts.operation, batch_operation(c)?),
                "status" if batch == Batch::Response => single(&mut parts.status, batch_status(c)?),
                _ => false,
            },
            _ => false,
        };
        if !taken {
            e.ext.elements.push(RawXml::from_element(c));
        }
    }
    Ok((e, parts))
}

/// Reads an `atom:feed` whose entries `item` turns into `E`; `feed_child` may take a feed-level
/// element for itself (returning `true`).
pub(crate) fn feed<E>(
    el: &Element,
    mut feed_child: impl FnMut(&Element) -> Result<bool, Error>,
    mut item: impl FnMut(&Element) -> Result<E, Error>,
) -> Result<Feed<E>, Error> {
    expect_root(el, "feed")?;
    let mut a = Attrs::of(el);
    let mut f = Feed {
        etag: a.take_ns(GD, "etag"),
        ..Feed::default()
    };
    f.ext = a.into_ext();
    let count = |c: &Element| leaf(c).and_then(|t| t.trim().parse::<u64>().ok());
    for c in el.elements() {
        let taken = match (c.name.ns.as_str(), c.name.local.as_str()) {
            (ATOM, "entry") => {
                f.entries.push(item(c)?);
                true
            }
            (ATOM, "id") => single(&mut f.id, leaf(c)),
            (ATOM, "updated") => single(&mut f.updated, leaf(c)),
            (ATOM, "title") => single(&mut f.title, text(c)),
            (ATOM, "link") => multi(&mut f.links, link(c)),
            (ATOM, "category") => multi(&mut f.categories, category(c)),
            (OPENSEARCH, "totalResults") => single(&mut f.total_results, count(c)),
            (OPENSEARCH, "startIndex") => single(&mut f.start_index, count(c)),
            (OPENSEARCH, "itemsPerPage") => single(&mut f.items_per_page, count(c)),
            _ => feed_child(c)?,
        };
        if !taken {
            f.ext.elements.push(RawXml::from_element(c));
        }
    }
    Ok(f)
}

fn expect_root(el: &Element, local: &str) -> Result<(), Error> {
    if el.is(ATOM, local) {
        return Ok(());
    }
    let ns = if el.name.ns.is_empty() {
        "no namespace".to_owned()
    } else {
        format!("namespace {}", el.name.ns)
    };
    Err(el.error(format!(
        "the root element is <{}> in {ns}; expected an atom {local} (<{local} xmlns=\"{ATOM}\">)",
        el.name.qualified()
    )))
}

/// Parses a contact entry document (`<entry xmlns="http://www.w3.org/2005/Atom" ...>`).
pub fn parse_entry(xml: &[u8]) -> Result<Entry, Error> {
    let root = parse_document(xml)?;
    expect_root(&root, "entry")?;
    Ok(entry(&root, Batch::No)?.0)
}

/// Parses a contacts feed.
pub fn parse_feed(xml: &[u8]) -> Result<Feed, Error> {
    let root = parse_document(xml)?;
    feed(&root, |_| Ok(false), |c| Ok(entry(c, Batch::No)?.0))
}

/// Parses a batch request feed. An entry without `batch:operation` takes the feed's own
/// `batch:operation`, or else `insert`.
pub fn parse_batch_request(xml: &[u8]) -> Result<Feed<BatchItem>, Error> {
    let root = parse_document(xml)?;
    expect_root(&root, "feed")?;
    // the feed's default operation, read before the entries that use it
    let mut default = None;
    if let Some(c) = root.elements().find(|c| c.is(BATCH, "operation")) {
        default = batch_operation(c)?;
    }
    let mut default_taken = false;
    feed(
        &root,
        |c| {
            let take = default.is_some() && !default_taken && c.is(BATCH, "operation");
            default_taken |= take;
            Ok(take)
        },
        |c| {
            let (entry, parts) = entry(c, Batch::Request)?;
            Ok(BatchItem {
                batch_id: parts.id,
                operation: parts.operation.or(default).unwrap_or_default(),
                entry,
            })
        },
    )
}

/// Parses a batch response feed: each entry with its `batch:status`.
pub fn parse_batch_response(xml: &[u8]) -> Result<Feed<BatchResult>, Error> {
    let root = parse_document(xml)?;
    feed(
        &root,
        |_| Ok(false),
        |c| {
            let (entry, parts) = entry(c, Batch::Response)?;
            Ok(BatchResult {
                batch_id: parts.id,
                operation: parts.operation,
                status: parts.status,
                entry,
            })
        },
    )
}
