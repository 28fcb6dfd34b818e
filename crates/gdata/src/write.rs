//! Model → element tree → XML text, with the usual GData prefixes (`gd:`, `gContact:`, …).

use crate::model::{
    BatchItem, BatchOperation, BatchResult, BatchStatus, Birthday, Category, Email, Entry, Event,
    ExtendedProperty, Feed, GroupMembership, Im, Link, Name, NamePart, Organization, PhoneNumber,
    PostalAddress, Relation, Text, UserDefinedField, Website,
};
use crate::xml::{Element, write_document};
use crate::{APP, ATOM, BATCH, GCONTACT, GD, OPENSEARCH};

/// The namespaces declared on the root of every document written.
const ENTRY_NAMESPACES: [(&str, &str); 4] =
    [("", ATOM), ("gd", GD), ("gContact", GCONTACT), ("app", APP)];

fn prefix(ns: &str) -> &'static str {
    match ns {
        GD => "gd",
        GCONTACT => "gContact",
        APP => "app",
        BATCH => "batch",
        OPENSEARCH => "openSearch",
        _ => "",
    }
}

fn el(ns: &str, local: &str) -> Element {
    Element::new(ns, prefix(ns), local)
}

fn leaf(ns: &str, local: &str, text: &str) -> Element {
    let mut e = el(ns, local);
    e.push_text(text);
    e
}

fn push_leaf(parent: &mut Element, ns: &str, local: &str, text: Option<&str>) {
    if let Some(t) = text {
        parent.push(leaf(ns, local, t));
    }
}

fn primary(e: &mut Element, primary: bool) {
    if primary {
        e.attr("primary", Some("true"));
    }
}

pub(crate) fn text(ns: &str, local: &str, t: &Text) -> Element {
    let mut e = el(ns, local);
    e.attr("type", t.kind.as_deref());
    e.push_text(&t.value);
    e.extend(&t.ext);
    e
}

pub(crate) fn link(l: &Link) -> Element {
    let mut e = el(ATOM, "link");
    e.attr("rel", l.rel.as_deref())
        .attr("type", l.kind.as_deref())
        .attr("href", l.href.as_deref());
    e.ns_attr(GD, "gd", "etag", l.etag.as_deref());
    e.extend(&l.ext);
    e
}

pub(crate) fn category(c: &Category) -> Element {
    let mut e = el(ATOM, "category");
    e.attr("scheme", c.scheme.as_deref())
        .attr("term", c.term.as_deref())
        .attr("label", c.label.as_deref());
    e.extend(&c.ext);
    e
}

fn name_part(parent: &mut Element, local: &str, part: Option<&NamePart>) {
    if let Some(p) = part {
        let mut e = leaf(GD, local, &p.value);
        e.attr("yomi", p.yomi.as_deref());
        parent.push(e);
    }
}

pub(crate) fn name(n: &Name) -> Element {
    let mut e = el(GD, "name");
    name_part(&mut e, "givenName", n.given_name.as_ref());
    name_part(&mut e, "additionalName", n.additional_name.as_ref());
    name_part(&mut e, "familyName", n.family_name.as_ref());
    name_part(&mut e, "namePrefix", n.name_prefix.as_ref());
    name_part(&mut e, "nameSuffix", n.name_suffix.as_ref());
    name_part(&mut e, "fullName", n.full_name.as_ref());
    e.extend(&n.ext);
    e
}

pub(crate) fn email(m: &Email) -> Element {
    let mut e = el(GD, "email");
    e.attr("address", m.address.as_deref())
        .attr("rel", m.rel.as_deref())
        .attr("label", m.label.as_deref())
        .attr("displayName", m.display_name.as_deref());
    primary(&mut e, m.primary);
    e.extend(&m.ext);
    e
}

pub(crate) fn phone_number(p: &PhoneNumber) -> Element {
    let mut e = el(GD, "phoneNumber");
    e.attr("rel", p.rel.as_deref())
        .attr("label", p.label.as_deref())
        .attr("uri", p.uri.as_deref());
    primary(&mut e, p.primary);
    e.push_text(&p.number);
    e.extend(&p.ext);
    e
}

pub(crate) fn postal_address(a: &PostalAddress) -> Element {
    let mut e = el(GD, "structuredPostalAddress");
    e.attr("rel", a.rel.as_deref())
        .attr("label", a.label.as_deref())
        .attr("mailClass", a.mail_class.as_deref())
        .attr("usage", a.usage.as_deref());
    primary(&mut e, a.primary);
    push_leaf(&mut e, GD, "agent", a.agent.as_deref());
    push_leaf(&mut e, GD, "housename", a.housename.as_deref());
    push_leaf(&mut e, GD, "street", a.street.as_deref());
    push_leaf(&mut e, GD, "pobox", a.pobox.as_deref());
    push_leaf(&mut e, GD, "neighborhood", a.neighborhood.as_deref());
    push_leaf(&mut e, GD, "city", a.city.as_deref());
    push_leaf(&mut e, GD, "subregion", a.subregion.as_deref());
    push_leaf(&mut e, GD, "region", a.region.as_deref());
    push_leaf(&mut e, GD, "postcode", a.postcode.as_deref());
    if let Some(country) = &a.country {
        let mut c = leaf(GD, "country", country);
        c.attr("code", a.country_code.as_deref());
        e.push(c);
    }
    push_leaf(
        &mut e,
        GD,
        "formattedAddress",
        a.formatted_address.as_deref(),
    );
    e.extend(&a.ext);
    e
}

pub(crate) fn organization(o: &Organization) -> Element {
    let mut e = el(GD, "organization");
    e.attr("rel", o.rel.as_deref())
        .attr("label", o.label.as_deref());
    primary(&mut e, o.primary);
    name_part(&mut e, "orgName", o.org_name.as_ref());
    push_leaf(&mut e, GD, "orgTitle", o.org_title.as_deref());
    push_leaf(&mut e, GD, "orgDepartment", o.org_department.as_deref());
    push_leaf(
        &mut e,
        GD,
        "orgJobDescription",
        o.org_job_description.as_deref(),
    );
    push_leaf(&mut e, GD, "orgSymbol", o.org_symbol.as_deref());
    e.extend(&o.ext);
    e
}

pub(crate) fn im(i: &Im) -> Element {
    let mut e = el(GD, "im");
    e.attr("address", i.address.as_deref())
        .attr("protocol", i.protocol.as_deref())
        .attr("rel", i.rel.as_deref())
        .attr("label", i.label.as_deref());
    primary(&mut e, i.primary);
    e.extend(&i.ext);
    e
}

pub(crate) fn website(w: &Website) -> Element {
    let mut e = el(GCONTACT, "website");
    e.attr("href", w.href.as_deref())
        .attr("rel", w.rel.as_deref())
        .attr("label", w.label.as_deref());
    primary(&mut e, w.primary);
    e.extend(&w.ext);
    e
}

pub(crate) fn birthday(b: &Birthday) -> Element {
    let mut e = el(GCONTACT, "birthday");
    e.attr("when", Some(&b.when));
    e.extend(&b.ext);
    e
}

pub(crate) fn event(v: &Event) -> Element {
    let mut e = el(GCONTACT, "event");
    e.attr("rel", v.rel.as_deref())
        .attr("label", v.label.as_deref());
    if let Some(start) = &v.start_time {
        let mut when = el(GD, "when");
        when.attr("startTime", Some(start));
        e.push(when);
    }
    e.extend(&v.ext);
    e
}

pub(crate) fn relation(r: &Relation) -> Element {
    let mut e = el(GCONTACT, "relation");
    e.attr("rel", r.rel.as_deref())
        .attr("label", r.label.as_deref());
    e.push_text(&r.value);
    e.extend(&r.ext);
    e
}

pub(crate) fn nickname(n: &str) -> Element {
    leaf(GCONTACT, "nickname", n)
}

pub(crate) fn user_defined_field(u: &UserDefinedField) -> Element {
    let mut e = el(GCONTACT, "userDefinedField");
    e.attr("key", u.key.as_deref())
        .attr("value", u.value.as_deref());
    e.extend(&u.ext);
    e
}

pub(crate) fn extended_property(p: &ExtendedProperty) -> Element {
    let mut e = el(GD, "extendedProperty");
    e.attr("name", p.name.as_deref())
        .attr("value", p.value.as_deref());
    e.extend(&p.ext);
    e
}

pub(crate) fn group_membership(g: &GroupMembership) -> Element {
    let mut e = el(GCONTACT, "groupMembershipInfo");
    e.attr("href", g.href.as_deref());
    if g.deleted {
        e.attr("deleted", Some("true"));
    }
    e.extend(&g.ext);
    e
}

pub(crate) fn batch_status_element(s: &BatchStatus) -> Element {
    let mut e = el(BATCH, "status");
    let code = s.code.to_string();
    e.attr("code", Some(&code))
        .attr("reason", s.reason.as_deref())
        .attr("content-type", s.content_type.as_deref());
    if let Some(body) = &s.body {
        e.push_text(body);
    }
    e.extend(&s.ext);
    e
}

/// The batch elements an entry carries in a batch feed.
#[derive(Default)]
pub(crate) struct BatchParts<'a> {
    pub id: Option<&'a str>,
    pub operation: Option<BatchOperation>,
    pub status: Option<&'a BatchStatus>,
}

pub(crate) fn entry_element(e: &Entry, batch: &BatchParts<'_>) -> Element {
    let mut out = el(ATOM, "entry");
    out.ns_attr(GD, "gd", "etag", e.etag.as_deref());
    if let Some(id) = batch.id {
        out.push(leaf(BATCH, "id", id));
    }
    if let Some(op) = batch.operation {
        let mut o = el(BATCH, "operation");
        o.attr("type", Some(op.as_str()));
        out.push(o);
    }
    if let Some(status) = batch.status {
        out.push(batch_status_element(status));
    }
    push_leaf(&mut out, ATOM, "id", e.id.as_deref());
    push_leaf(&mut out, ATOM, "updated", e.updated.as_deref());
    push_leaf(&mut out, APP, "edited", e.edited.as_deref());
    for c in &e.categories {
        out.push(category(c));
    }
    if let Some(t) = &e.title {
        out.push(text(ATOM, "title", t));
    }
    if let Some(t) = &e.content {
        out.push(text(ATOM, "content", t));
    }
    for l in &e.links {
        out.push(link(l));
    }
    if e.deleted {
        out.push(el(GD, "deleted"));
    }
    if let Some(n) = &e.name {
        out.push(name(n));
    }
    for n in &e.nicknames {
        out.push(nickname(n));
    }
    if let Some(b) = &e.birthday {
        out.push(birthday(b));
    }
    for o in &e.organizations {
        out.push(organization(o));
    }
    for m in &e.emails {
        out.push(email(m));
    }
    for i in &e.ims {
        out.push(im(i));
    }
    for p in &e.phone_numbers {
        out.push(phone_number(p));
    }
    for a in &e.postal_addresses {
        out.push(postal_address(a));
    }
    for v in &e.events {
        out.push(event(v));
    }
    for r in &e.relations {
        out.push(relation(r));
    }
    for u in &e.user_defined_fields {
        out.push(user_defined_field(u));
    }
    for w in &e.websites {
        out.push(website(w));
    }
    for p in &e.extended_properties {
        out.push(extended_property(p));
    }
    for g in &e.group_memberships {
        out.push(group_membership(g));
    }
    out.extend(&e.ext);
    out
}

fn feed_element<E>(f: &Feed<E>, mut item: impl FnMut(&E) -> Element) -> Element {
    let mut out = el(ATOM, "feed");
    out.ns_attr(GD, "gd", "etag", f.etag.as_deref());
    push_leaf(&mut out, ATOM, "id", f.id.as_deref());
    push_leaf(&mut out, ATOM, "updated", f.updated.as_deref());
    for c in &f.categories {
        out.push(category(c));
    }
    if let Some(t) = &f.title {
        out.push(text(ATOM, "title", t));
    }
    for l in &f.links {
        out.push(link(l));
    }
    let count = |n: Option<u64>| n.map(|n| n.to_string());
    push_leaf(
        &mut out,
        OPENSEARCH,
        "totalResults",
        count(f.total_results).as_deref(),
    );
    push_leaf(
        &mut out,
        OPENSEARCH,
        "startIndex",
        count(f.start_index).as_deref(),
    );
    push_leaf(
        &mut out,
        OPENSEARCH,
        "itemsPerPage",
        count(f.items_per_page).as_deref(),
    );
    for e in &f.entries {
        out.push(item(e));
    }
    out.extend(&f.ext);
    out
}

/// Writes a contact entry as a document.
pub fn write_entry(entry: &Entry) -> String {
    write_document(
        &entry_element(entry, &BatchParts::default()),
        &ENTRY_NAMESPACES,
    )
}

fn feed_namespaces(batch: bool) -> Vec<(&'static str, &'static str)> {
    let mut ns = ENTRY_NAMESPACES.to_vec();
    ns.push(("openSearch", OPENSEARCH));
    if batch {
        ns.push(("batch", BATCH));
    }
    ns
}

/// Writes a contacts feed.
pub fn write_feed(feed: &Feed) -> String {
    let root = feed_element(feed, |e| entry_element(e, &BatchParts::default()));
    write_document(&root, &feed_namespaces(false))
}

/// Writes a batch request: every entry with its `batch:id` and `batch:operation`.
pub fn write_batch_request(feed: &Feed<BatchItem>) -> String {
    let root = feed_element(feed, |item| {
        entry_element(
            &item.entry,
            &BatchParts {
                id: item.batch_id.as_deref(),
                operation: Some(item.operation),
                status: None,
            },
        )
    });
    write_document(&root, &feed_namespaces(true))
}

/// Writes a batch response: every entry with its `batch:id`, `batch:operation` and
/// `batch:status`.
pub fn write_batch_response(feed: &Feed<BatchResult>) -> String {
    let root = feed_element(feed, |r| {
        entry_element(
            &r.entry,
            &BatchParts {
                id: r.batch_id.as_deref(),
                operation: r.operation,
                status: r.status.as_ref(),
            },
        )
    });
    write_document(&root, &feed_namespaces(true))
}
