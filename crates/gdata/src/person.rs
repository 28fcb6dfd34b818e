//! Entry ⇄ People API Person. Every contact element with a Person field maps to it; what the
//! Person cannot hold travels in its `clientData`, so entry → person → entry is lossless.
//!
//! The `clientData` keys (all start with [`CLIENT_DATA_PREFIX`]):
//!
//! * `gdata:id`, `gdata:updated`, `gdata:edited` — the entry's `atom:id`, `atom:updated` and
//!   `app:edited` (the etag is the Person's `etag`, `gd:deleted` its `metadata.deleted`).
//! * `gdata:entry` — an `<entry>` holding what has no Person field at all: title, links,
//!   categories, group memberships, unknown elements and attributes, and the extended properties
//!   when one of them is not a plain name and value.
//! * `gdata:orig.<field>.<fingerprint>` — the original XML of one mapped element that says more
//!   than the mapping gives back (a label spelled like a `rel`, a phone `uri`, a `yomi` the Person
//!   has no place for, unknown attributes). `<fingerprint>` identifies the element the mapping
//!   writes for the Person's value; the original replaces it only while the value still writes
//!   exactly that element, so an edit made on the Person side always wins.
//!
//! Extended properties with a plain name and value (the usual case) are the Person's own
//! `clientData` entries, keyed by the property name. `rel` URIs become Person types
//! (`http://schemas.google.com/g/2005#work_fax` → `workFax`); a label becomes a custom type.

use std::collections::HashMap;

use people::{
    Address, Biography, ClientData, Date, EmailAddress, FieldMetadata, ImClient, Nickname, Person,
    PersonMetadata, Url, UserDefined,
};

use crate::model::{
    Birthday, Email, Entry, Event, Im, Name, NamePart, Organization, PhoneNumber, PostalAddress,
    Relation, Text, UserDefinedField, Website, parse_date,
};
use crate::xml::{Element, RawXml, parse_document, write_fragment};
use crate::{ATOM, GCONTACT, GD, REL, read, write};

/// Every `clientData` key this mapping writes starts with this.
pub const CLIENT_DATA_PREFIX: &str = "gdata:";

const ID_KEY: &str = "gdata:id";
const UPDATED_KEY: &str = "gdata:updated";
const EDITED_KEY: &str = "gdata:edited";
const ENTRY_KEY: &str = "gdata:entry";
const ORIG_PREFIX: &str = "gdata:orig.";

/// An element that maps to one Person field item.
trait Item: Clone + PartialEq + Sized {
    /// The field name in `gdata:orig.<field>.…` keys.
    const FIELD: &'static str;
    fn read(el: &Element) -> Option<Self>;
    fn element(&self) -> Element;
}

macro_rules! item {
    ($ty:ty, $field:literal, $read:path, $write:path) => {
        impl Item for $ty {
            const FIELD: &'static str = $field;
            fn read(el: &Element) -> Option<Self> {
                $read(el)
            }
            fn element(&self) -> Element {
                $write(self)
            }
        }
    };
}

item!(Name, "name", read::name, write::name);
item!(Email, "email", read::email, write::email);
item!(
    PhoneNumber,
    "phone",
    read::phone_number,
    write::phone_number
);
item!(
    PostalAddress,
    "address",
    read::postal_address,
    write::postal_address
);
item!(
    Organization,
    "organization",
    read::organization,
    write::organization
);
item!(Im, "im", read::im, write::im);
item!(Website, "website", read::website, write::website);
item!(Birthday, "birthday", read::birthday, write::birthday);
item!(Event, "event", read::event, write::event);
item!(Relation, "relation", read::relation, write::relation);
item!(
    UserDefinedField,
    "userDefined",
    read::user_defined_field,
    write::user_defined_field
);

/// `atom:content`.
#[derive(Clone, PartialEq)]
struct Content(Text);

impl Item for Content {
    const FIELD: &'static str = "content";
    fn read(el: &Element) -> Option<Self> {
        el.is(ATOM, "content")
            .then(|| read::text(el))
            .flatten()
            .map(Content)
    }
    fn element(&self) -> Element {
        write::text(ATOM, "content", &self.0)
    }
}

/// `gContact:nickname`.
#[derive(Clone, PartialEq)]
struct Nick(String);

impl Item for Nick {
    const FIELD: &'static str = "nickname";
    fn read(el: &Element) -> Option<Self> {
        read::leaf(el).map(Nick)
    }
    fn element(&self) -> Element {
        write::nickname(&self.0)
    }
}

/// A stable 64-bit FNV-1a hash, in hex.
fn fingerprint(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Hands out the `gdata:orig.` key of each generated element, numbering identical ones.
#[derive(Default)]
struct Keys {
    seen: HashMap<(&'static str, String), usize>,
}

impl Keys {
    fn key<T: Item>(&mut self, generated: &T) -> String {
        let fp = fingerprint(&write_fragment(&generated.element()));
        let n = self.seen.entry((T::FIELD, fp.clone())).or_insert(0);
        let key = if *n == 0 {
            format!("{ORIG_PREFIX}{}.{fp}", T::FIELD)
        } else {
            format!("{ORIG_PREFIX}{}.{fp}-{n}", T::FIELD)
        };
        *n += 1;
        key
    }
}

fn client_data(key: &str, value: impl Into<String>) -> ClientData {
    ClientData {
        key: Some(key.to_owned()),
        value: Some(value.into()),
        ..ClientData::default()
    }
}

/// Entry → Person direction: maps each item, keeping the original when the mapping loses
/// something.
struct ToPerson {
    keys: Keys,
    data: Vec<ClientData>,
}

impl ToPerson {
    fn map<T: Item, P>(
        &mut self,
        items: &[T],
        to: impl Fn(&T) -> P,
        from: impl Fn(&P) -> T,
    ) -> Vec<P> {
        items
            .iter()
            .map(|item| {
                let p = to(item);
                let generated = from(&p);
                let key = self.keys.key(&generated);
                if generated != *item {
                    self.data
                        .push(client_data(&key, write_fragment(&item.element())));
                }
                p
            })
            .collect()
    }
}

/// Person → Entry direction: builds each item, restoring the original where it still applies.
struct ToEntry<'a> {
    keys: Keys,
    stored: HashMap<&'a str, &'a str>,
}

impl ToEntry<'_> {
    fn map<T: Item, P>(&mut self, items: &[P], from: impl Fn(&P) -> T) -> Vec<T> {
        items
            .iter()
            .map(|p| {
                let generated = from(p);
                let key = self.keys.key(&generated);
                self.stored
                    .get(key.as_str())
                    .and_then(|xml| parse_document(xml.as_bytes()).ok())
                    .and_then(|el| T::read(&el))
                    .unwrap_or(generated)
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// types and rels

const EMAIL_RELS: &[&str] = &["home", "work", "other"];
const PHONE_RELS: &[&str] = &[
    "assistant",
    "callback",
    "car",
    "company_main",
    "fax",
    "home",
    "home_fax",
    "isdn",
    "main",
    "mobile",
    "other",
    "other_fax",
    "pager",
    "radio",
    "telex",
    "tty_tdd",
    "work",
    "work_fax",
    "work_mobile",
    "work_pager",
];
const ADDRESS_RELS: &[&str] = &["home", "work", "other"];
const ORGANIZATION_RELS: &[&str] = &["work", "other"];
const IM_RELS: &[&str] = &["home", "work", "other", "netmeeting"];
const WEBSITE_RELS: &[&str] = &[
    "home-page",
    "blog",
    "profile",
    "home",
    "work",
    "other",
    "ftp",
];
const EVENT_RELS: &[&str] = &["anniversary", "other"];
const RELATION_RELS: &[&str] = &[
    "assistant",
    "brother",
    "child",
    "domestic-partner",
    "father",
    "friend",
    "manager",
    "mother",
    "parent",
    "partner",
    "referred-by",
    "relative",
    "sister",
    "spouse",
];
/// `gd:im` protocols (after [`REL`]) and the People API's names for them.
const PROTOCOLS: &[(&str, &str)] = &[
    ("AIM", "aim"),
    ("MSN", "msn"),
    ("YAHOO", "yahoo"),
    ("SKYPE", "skype"),
    ("QQ", "qq"),
    ("GOOGLE_TALK", "googleTalk"),
    ("ICQ", "icq"),
    ("JABBER", "jabber"),
    ("NETMEETING", "netMeeting"),
];

/// How an element writes its `rel`: a [`REL`] URI with `_` between words (`gd:`), or a bare
/// word with `-` between words (`gContact:`).
#[derive(Clone, Copy)]
enum RelStyle {
    Uri,
    Word,
}

/// `work_fax` / `home-page` → `workFax` / `homePage`.
fn camel(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut upper = false;
    for c in word.chars() {
        if c == '_' || c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `workFax` → `work_fax` (or `work-fax`).
fn uncamel(ty: &str, sep: char) -> String {
    let mut out = String::with_capacity(ty.len() + 2);
    for (i, c) in ty.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(sep);
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `rel` or `label` → the Person type.
fn type_of(rel: Option<&str>, label: Option<&str>, style: RelStyle) -> Option<String> {
    if let Some(l) = label {
        return Some(l.to_owned());
    }
    let rel = rel?;
    Some(match style {
        RelStyle::Uri => match rel.strip_prefix(REL) {
            Some(word) => camel(word),
            None => rel.to_owned(),
        },
        RelStyle::Word => camel(rel),
    })
}

/// The Person type → (`rel`, `label`): a known word becomes the `rel`, anything else the label.
fn rel_of(ty: Option<&str>, known: &[&str], style: RelStyle) -> (Option<String>, Option<String>) {
    let Some(ty) = ty else {
        return (None, None);
    };
    let word = match style {
        RelStyle::Uri => uncamel(ty, '_'),
        RelStyle::Word => uncamel(ty, '-'),
    };
    if known.contains(&word.as_str()) {
        let rel = match style {
            RelStyle::Uri => format!("{REL}{word}"),
            RelStyle::Word => word,
        };
        (Some(rel), None)
    } else {
        (None, Some(ty.to_owned()))
    }
}

fn primary_metadata(primary: bool) -> Option<FieldMetadata> {
    primary.then(FieldMetadata::primary)
}

fn is_primary(m: Option<&FieldMetadata>) -> bool {
    m.and_then(|m| m.primary).unwrap_or(false)
}

fn protocol_to_person(p: Option<&str>) -> Option<String> {
    let p = p?;
    let named = p
        .strip_prefix(REL)
        .and_then(|w| PROTOCOLS.iter().find(|(g, _)| *g == w))
        .map(|(_, name)| (*name).to_owned());
    Some(named.unwrap_or_else(|| p.to_owned()))
}

fn protocol_from_person(p: Option<&str>) -> Option<String> {
    let p = p?;
    let uri = PROTOCOLS
        .iter()
        .find(|(_, name)| *name == p)
        .map(|(g, _)| format!("{REL}{g}"));
    Some(uri.unwrap_or_else(|| p.to_owned()))
}

fn date_of(s: &str) -> Option<Date> {
    let (year, month, day) = parse_date(s)?;
    let month = i32::try_from(month).ok()?;
    let day = i32::try_from(day).ok()?;
    Some(Date::new(year, Some(month), Some(day)))
}

fn date_text(d: &Date) -> Option<String> {
    let (month, day) = (d.month()?, d.day()?);
    Some(match d.year() {
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}

// ---------------------------------------------------------------------------------------------
// per element

fn part(value: Option<&String>, yomi: Option<&String>) -> Option<NamePart> {
    (value.is_some() || yomi.is_some()).then(|| NamePart {
        value: value.cloned().unwrap_or_default(),
        yomi: yomi.cloned(),
    })
}

fn name_to_person(n: &Name) -> people::Name {
    let v = |p: &Option<NamePart>| p.as_ref().map(|p| p.value.clone());
    let y = |p: &Option<NamePart>| p.as_ref().and_then(|p| p.yomi.clone());
    people::Name {
        given_name: v(&n.given_name),
        phonetic_given_name: y(&n.given_name),
        middle_name: v(&n.additional_name),
        phonetic_middle_name: y(&n.additional_name),
        family_name: v(&n.family_name),
        phonetic_family_name: y(&n.family_name),
        honorific_prefix: v(&n.name_prefix),
        phonetic_honorific_prefix: y(&n.name_prefix),
        honorific_suffix: v(&n.name_suffix),
        phonetic_honorific_suffix: y(&n.name_suffix),
        unstructured_name: v(&n.full_name),
        phonetic_full_name: y(&n.full_name),
        ..people::Name::default()
    }
}

fn name_from_person(n: &people::Name) -> Name {
    Name {
        given_name: part(n.given_name.as_ref(), n.phonetic_given_name.as_ref()),
        additional_name: part(n.middle_name.as_ref(), n.phonetic_middle_name.as_ref()),
        family_name: part(n.family_name.as_ref(), n.phonetic_family_name.as_ref()),
        name_prefix: part(
            n.honorific_prefix.as_ref(),
            n.phonetic_honorific_prefix.as_ref(),
        ),
        name_suffix: part(
            n.honorific_suffix.as_ref(),
            n.phonetic_honorific_suffix.as_ref(),
        ),
        full_name: part(n.unstructured_name.as_ref(), n.phonetic_full_name.as_ref()),
        ..Name::default()
    }
}

fn content_to_person(c: &Content) -> Biography {
    let content_type = match c.0.kind.as_deref() {
        Some("html") => "TEXT_HTML",
        _ => "TEXT_PLAIN",
    };
    Biography {
        value: Some(c.0.value.clone()),
        content_type: Some(content_type.into()),
        ..Biography::default()
    }
}

fn content_from_person(b: &Biography) -> Content {
    let kind = match b.content_type.as_deref() {
        Some("TEXT_HTML") => "html",
        _ => "text",
    };
    Content(Text {
        value: b.value.clone().unwrap_or_default(),
        kind: Some(kind.into()),
        ..Text::default()
    })
}

fn email_to_person(e: &Email) -> EmailAddress {
    EmailAddress {
        value: e.address.clone(),
        r#type: type_of(e.rel.as_deref(), e.label.as_deref(), RelStyle::Uri),
        display_name: e.display_name.clone(),
        metadata: primary_metadata(e.primary),
        ..EmailAddress::default()
    }
}

fn email_from_person(e: &EmailAddress) -> Email {
    let (rel, label) = rel_of(e.r#type.as_deref(), EMAIL_RELS, RelStyle::Uri);
    Email {
        address: e.value.clone(),
        rel,
        label,
        primary: is_primary(e.metadata.as_ref()),
        display_name: e.display_name.clone(),
        ..Email::default()
    }
}

fn phone_to_person(p: &PhoneNumber) -> people::PhoneNumber {
    people::PhoneNumber {
        value: Some(p.number.clone()),
        r#type: type_of(p.rel.as_deref(), p.label.as_deref(), RelStyle::Uri),
        metadata: primary_metadata(p.primary),
        ..people::PhoneNumber::default()
    }
}

fn phone_from_person(p: &people::PhoneNumber) -> PhoneNumber {
    let (rel, label) = rel_of(p.r#type.as_deref(), PHONE_RELS, RelStyle::Uri);
    PhoneNumber {
        number: p.value.clone().unwrap_or_default(),
        rel,
        label,
        primary: is_primary(p.metadata.as_ref()),
        ..PhoneNumber::default()
    }
}

fn address_to_person(a: &PostalAddress) -> Address {
    Address {
        street_address: a.street.clone(),
        po_box: a.pobox.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postcode.clone(),
        country: a.country.clone(),
        country_code: a.country_code.clone(),
        formatted_value: a.formatted_address.clone(),
        r#type: type_of(a.rel.as_deref(), a.label.as_deref(), RelStyle::Uri),
        metadata: primary_metadata(a.primary),
        ..Address::default()
    }
}

fn address_from_person(a: &Address) -> PostalAddress {
    let (rel, label) = rel_of(a.r#type.as_deref(), ADDRESS_RELS, RelStyle::Uri);
    // gd:country carries the code as an attribute: a code alone gets an empty country
    let country = a
        .country
        .clone()
        .or_else(|| a.country_code.as_ref().map(|_| String::new()));
    PostalAddress {
        rel,
        label,
        primary: is_primary(a.metadata.as_ref()),
        street: a.street_address.clone(),
        pobox: a.po_box.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postcode: a.postal_code.clone(),
        country,
        country_code: a.country_code.clone(),
        formatted_address: a.formatted_value.clone(),
        ..PostalAddress::default()
    }
}

fn organization_to_person(o: &Organization) -> people::Organization {
    people::Organization {
        name: o.org_name.as_ref().map(|n| n.value.clone()),
        phonetic_name: o.org_name.as_ref().and_then(|n| n.yomi.clone()),
        title: o.org_title.clone(),
        department: o.org_department.clone(),
        job_description: o.org_job_description.clone(),
        symbol: o.org_symbol.clone(),
        r#type: type_of(o.rel.as_deref(), o.label.as_deref(), RelStyle::Uri),
        metadata: primary_metadata(o.primary),
        ..people::Organization::default()
    }
}

fn organization_from_person(o: &people::Organization) -> Organization {
    let (rel, label) = rel_of(o.r#type.as_deref(), ORGANIZATION_RELS, RelStyle::Uri);
    Organization {
        rel,
        label,
        primary: is_primary(o.metadata.as_ref()),
        org_name: part(o.name.as_ref(), o.phonetic_name.as_ref()),
        org_title: o.title.clone(),
        org_department: o.department.clone(),
        org_job_description: o.job_description.clone(),
        org_symbol: o.symbol.clone(),
        ..Organization::default()
    }
}

fn im_to_person(i: &Im) -> ImClient {
    ImClient {
        username: i.address.clone(),
        protocol: protocol_to_person(i.protocol.as_deref()),
        r#type: type_of(i.rel.as_deref(), i.label.as_deref(), RelStyle::Uri),
        metadata: primary_metadata(i.primary),
        ..ImClient::default()
    }
}

fn im_from_person(i: &ImClient) -> Im {
    let (rel, label) = rel_of(i.r#type.as_deref(), IM_RELS, RelStyle::Uri);
    Im {
        address: i.username.clone(),
        protocol: protocol_from_person(i.protocol.as_deref()),
        rel,
        label,
        primary: is_primary(i.metadata.as_ref()),
        ..Im::default()
    }
}

fn website_to_person(w: &Website) -> Url {
    Url {
        value: w.href.clone(),
        r#type: type_of(w.rel.as_deref(), w.label.as_deref(), RelStyle::Word),
        metadata: primary_metadata(w.primary),
        ..Url::default()
    }
}

fn website_from_person(u: &Url) -> Website {
    let (rel, label) = rel_of(u.r#type.as_deref(), WEBSITE_RELS, RelStyle::Word);
    Website {
        href: u.value.clone(),
        rel,
        label,
        primary: is_primary(u.metadata.as_ref()),
        ..Website::default()
    }
}

fn birthday_to_person(b: &Birthday) -> people::Birthday {
    match date_of(&b.when) {
        Some(date) => people::Birthday {
            date: Some(date),
            ..people::Birthday::default()
        },
        None => people::Birthday {
            text: Some(b.when.clone()),
            ..people::Birthday::default()
        },
    }
}

fn birthday_from_person(b: &people::Birthday) -> Birthday {
    let when = b
        .date
        .as_ref()
        .and_then(date_text)
        .or_else(|| b.text.clone())
        .unwrap_or_default();
    Birthday {
        when,
        ..Birthday::default()
    }
}

fn event_to_person(e: &Event) -> people::Event {
    people::Event {
        date: e.start_time.as_deref().and_then(date_of),
        r#type: type_of(e.rel.as_deref(), e.label.as_deref(), RelStyle::Word),
        ..people::Event::default()
    }
}

fn event_from_person(e: &people::Event) -> Event {
    let (rel, label) = rel_of(e.r#type.as_deref(), EVENT_RELS, RelStyle::Word);
    Event {
        rel,
        label,
        start_time: e.date.as_ref().and_then(date_text),
        ..Event::default()
    }
}

fn relation_to_person(r: &Relation) -> people::Relation {
    people::Relation {
        person: Some(r.value.clone()),
        r#type: type_of(r.rel.as_deref(), r.label.as_deref(), RelStyle::Word),
        ..people::Relation::default()
    }
}

fn relation_from_person(r: &people::Relation) -> Relation {
    let (rel, label) = rel_of(r.r#type.as_deref(), RELATION_RELS, RelStyle::Word);
    Relation {
        value: r.person.clone().unwrap_or_default(),
        rel,
        label,
        ..Relation::default()
    }
}

fn nickname_to_person(n: &Nick) -> Nickname {
    Nickname {
        value: Some(n.0.clone()),
        ..Nickname::default()
    }
}

fn nickname_from_person(n: &Nickname) -> Nick {
    Nick(n.value.clone().unwrap_or_default())
}

fn user_defined_to_person(u: &UserDefinedField) -> UserDefined {
    UserDefined {
        key: u.key.clone(),
        value: u.value.clone(),
        ..UserDefined::default()
    }
}

fn user_defined_from_person(u: &UserDefined) -> UserDefinedField {
    UserDefinedField {
        key: u.key.clone(),
        value: u.value.clone(),
        ..UserDefinedField::default()
    }
}

// ---------------------------------------------------------------------------------------------
// the whole entry

/// Whether the extended properties can be the Person's own clientData entries: each a plain
/// name and value, none named like this mapping's keys.
fn plain_extended_properties(entry: &Entry) -> bool {
    entry.extended_properties.iter().all(|p| {
        p.ext.is_empty()
            && p.value.is_some()
            && p.name
                .as_deref()
                .is_some_and(|n| !n.starts_with(CLIENT_DATA_PREFIX))
    })
}

/// Reads the `gdata:entry` element: only the parts [`entry_to_person`] puts there are typed,
/// every other element stays raw (a second `gd:name` kept raw must not become the name).
fn rest_of(el: &Element) -> Entry {
    let mut e = Entry::default();
    e.ext.attributes = el.attrs.clone();
    for c in el.elements() {
        let taken = match (c.name.ns.as_str(), c.name.local.as_str()) {
            (ATOM, "title") if e.title.is_none() => {
                e.title = read::text(c);
                true
            }
            (ATOM, "link") => read::link(c).map(|l| e.links.push(l)).is_some(),
            (ATOM, "category") => read::category(c).map(|x| e.categories.push(x)).is_some(),
            (GCONTACT, "groupMembershipInfo") => read::group_membership(c)
                .map(|g| e.group_memberships.push(g))
                .is_some(),
            (GD, "extendedProperty") => read::extended_property(c)
                .map(|p| e.extended_properties.push(p))
                .is_some(),
            _ => false,
        };
        if !taken {
            e.ext.elements.push(RawXml::from_element(c));
        }
    }
    e
}

/// Maps a contact entry to a Person. Nothing is lost: [`person_to_entry`] gives the entry back.
pub fn entry_to_person(entry: &Entry) -> Person {
    let mut m = ToPerson {
        keys: Keys::default(),
        data: Vec::new(),
    };
    let mut person = Person {
        etag: entry.etag.clone(),
        ..Person::default()
    };
    if entry.deleted {
        person.metadata = Some(PersonMetadata {
            deleted: Some(true),
            ..PersonMetadata::default()
        });
    }
    for (key, value) in [
        (ID_KEY, &entry.id),
        (UPDATED_KEY, &entry.updated),
        (EDITED_KEY, &entry.edited),
    ] {
        if let Some(v) = value {
            m.data.push(client_data(key, v.clone()));
        }
    }
    let plain = plain_extended_properties(entry);
    let rest = Entry {
        title: entry.title.clone(),
        links: entry.links.clone(),
        categories: entry.categories.clone(),
        group_memberships: entry.group_memberships.clone(),
        extended_properties: if plain {
            Vec::new()
        } else {
            entry.extended_properties.clone()
        },
        ext: entry.ext.clone(),
        ..Entry::default()
    };
    if rest != Entry::default() {
        let el = write::entry_element(&rest, &write::BatchParts::default());
        m.data.push(client_data(ENTRY_KEY, write_fragment(&el)));
    }

    let names: Vec<Name> = entry.name.iter().cloned().collect();
    person.names = m.map(&names, name_to_person, name_from_person);
    let content: Vec<Content> = entry.content.iter().cloned().map(Content).collect();
    person.biographies = m.map(&content, content_to_person, content_from_person);
    person.email_addresses = m.map(&entry.emails, email_to_person, email_from_person);
    person.phone_numbers = m.map(&entry.phone_numbers, phone_to_person, phone_from_person);
    person.addresses = m.map(
        &entry.postal_addresses,
        address_to_person,
        address_from_person,
    );
    person.organizations = m.map(
        &entry.organizations,
        organization_to_person,
        organization_from_person,
    );
    person.im_clients = m.map(&entry.ims, im_to_person, im_from_person);
    person.urls = m.map(&entry.websites, website_to_person, website_from_person);
    let birthdays: Vec<Birthday> = entry.birthday.iter().cloned().collect();
    person.birthdays = m.map(&birthdays, birthday_to_person, birthday_from_person);
    person.events = m.map(&entry.events, event_to_person, event_from_person);
    person.relations = m.map(&entry.relations, relation_to_person, relation_from_person);
    let nicknames: Vec<Nick> = entry.nicknames.iter().cloned().map(Nick).collect();
    person.nicknames = m.map(&nicknames, nickname_to_person, nickname_from_person);
    person.user_defined = m.map(
        &entry.user_defined_fields,
        user_defined_to_person,
        user_defined_from_person,
    );

    if plain {
        for p in &entry.extended_properties {
            if let (Some(name), Some(value)) = (&p.name, &p.value) {
                m.data.push(client_data(name, value.clone()));
            }
        }
    }
    person.client_data = m.data;
    person
}

/// Maps a Person to a contact entry, restoring what [`entry_to_person`] kept in `clientData`.
/// Person fields with no contact element (genders, occupations, photos, memberships, …) are not
/// written.
pub fn person_to_entry(person: &Person) -> Entry {
    let stored: HashMap<&str, &str> = person
        .client_data
        .iter()
        .filter_map(|c| Some((c.key.as_deref()?, c.value.as_deref()?)))
        .filter(|(k, _)| k.starts_with(CLIENT_DATA_PREFIX))
        .collect();
    let get = |key: &str| stored.get(key).map(|v| (*v).to_owned());
    let mut entry = stored
        .get(ENTRY_KEY)
        .and_then(|xml| parse_document(xml.as_bytes()).ok())
        .filter(|el| el.is(ATOM, "entry"))
        .map(|el| rest_of(&el))
        .unwrap_or_default();
    entry.id = get(ID_KEY);
    entry.updated = get(UPDATED_KEY);
    entry.edited = get(EDITED_KEY);
    entry.etag = person.etag.clone();
    entry.deleted = person.is_deleted();

    let mut m = ToEntry {
        keys: Keys::default(),
        stored,
    };
    entry.name = m
        .map(&person.names[..person.names.len().min(1)], name_from_person)
        .pop();
    entry.content = m
        .map(
            &person.biographies[..person.biographies.len().min(1)],
            content_from_person,
        )
        .pop()
        .map(|c| c.0);
    entry.emails = m.map(&person.email_addresses, email_from_person);
    entry.phone_numbers = m.map(&person.phone_numbers, phone_from_person);
    entry.postal_addresses = m.map(&person.addresses, address_from_person);
    entry.organizations = m.map(&person.organizations, organization_from_person);
    entry.ims = m.map(&person.im_clients, im_from_person);
    entry.websites = m.map(&person.urls, website_from_person);
    entry.birthday = m
        .map(
            &person.birthdays[..person.birthdays.len().min(1)],
            birthday_from_person,
        )
        .pop();
    entry.events = m.map(&person.events, event_from_person);
    entry.relations = m.map(&person.relations, relation_from_person);
    entry.nicknames = m
        .map(&person.nicknames, nickname_from_person)
        .into_iter()
        .map(|n| n.0)
        .collect();
    entry.user_defined_fields = m.map(&person.user_defined, user_defined_from_person);

    for c in &person.client_data {
        let (Some(key), Some(value)) = (&c.key, &c.value) else {
            continue;
        };
        if !key.starts_with(CLIENT_DATA_PREFIX) {
            entry.extended_properties.push(crate::ExtendedProperty {
                name: Some(key.clone()),
                value: Some(value.clone()),
                ..crate::ExtendedProperty::default()
            });
        }
    }
    entry
}
