//! vCard → Person: every property with a Person field is mapped; the rest goes to clientData.

use std::borrow::Cow;

use people::{
    Address, Biography, Birthday, CalendarUrl, ClientData, ContactGroupMembership, EmailAddress,
    Event, ExternalId, FieldMetadata, Gender, ImClient, Interest, Locale, Location, Membership,
    MiscKeyword, Name, Nickname, Occupation, Organization, Person, PhoneNumber, Relation,
    SipAddress, Url, UserDefined,
};

use crate::card::{Card, Prop, Value};
use crate::client_data::{self, Compared, PROP_PREFIX, REV_KEY, UID_KEY, orig_key, same_props};
use crate::convert::{IM_SERVICES, to_v4};
use crate::from_person::{compose_name, fallback_name, generate};
use crate::groups::GroupTable;
use crate::labels::{Kind, read_type, type_from_label};

struct Reader<'a> {
    props: &'a [Cow<'a, Prop>],
    consumed: Vec<bool>,
    /// (field, entry index, property index) of every mapped property.
    sources: Vec<(&'static str, usize, usize)>,
}

impl Reader<'_> {
    /// The non-empty label of `p`'s group, marking it used.
    fn label(&mut self, i: usize) -> Option<String> {
        let (li, text) = self.label_at(i)?;
        if text.is_empty() {
            return None;
        }
        self.consumed[li] = true;
        Some(text)
    }

    /// The label of `p`'s group even when empty (user-defined keys), marking it used.
    fn key_label(&mut self, i: usize) -> Option<String> {
        let (li, text) = self.label_at(i)?;
        self.consumed[li] = true;
        Some(text)
    }

    fn label_at(&self, i: usize) -> Option<(usize, String)> {
        let group = self.props[i].group.as_deref()?;
        self.props.iter().enumerate().find_map(|(li, p)| {
            (p.name == "X-ABLABEL"
                && p.group
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(group)))
            .then(|| (li, p.value_string()))
        })
    }

    fn take(&mut self, field: &'static str, index: usize, i: usize) {
        self.consumed[i] = true;
        self.sources.push((field, index, i));
    }
}

fn primary(p: &Prop) -> Option<FieldMetadata> {
    (p.first_param("PREF") == Some("1")).then(FieldMetadata::primary)
}

fn text(p: &Prop) -> Option<String> {
    Some(p.value_string()).filter(|s| !s.is_empty())
}

/// `19871125`, `--1125`, `1987-11`, `1987`, `--11`, `---25` (a time part is ignored).
pub(crate) fn parse_date(s: &str) -> Option<people::Date> {
    let s = s.trim();
    let s = s.split('T').next().unwrap_or(s);
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let num = |t: &str| t.parse::<i32>().ok();
    let (y, m, d) = if let Some(rest) = s.strip_prefix("---") {
        (
            None,
            None,
            num(rest).filter(|_| rest.len() == 2 && digits(rest)),
        )
    } else if let Some(rest) = s.strip_prefix("--") {
        let rest = rest.replace('-', "");
        match rest.len() {
            4 if digits(&rest) => (None, num(&rest[..2]), num(&rest[2..])),
            2 if digits(&rest) => (None, num(&rest), None),
            _ => return None,
        }
    } else {
        let compact = s.replace('-', "");
        if !digits(&compact) {
            return None;
        }
        match compact.len() {
            8 => (num(&compact[..4]), num(&compact[4..6]), num(&compact[6..])),
            6 if s.contains('-') => (num(&compact[..4]), num(&compact[4..]), None),
            4 => (num(&compact), None, None),
            _ => return None,
        }
    };
    if m.is_some_and(|m| !(1..=12).contains(&m)) || d.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    if y.is_none() && m.is_none() && d.is_none() {
        return None;
    }
    let date = people::Date::new(y, m, d);
    Some(date)
}

/// Reads a card into a Person. Unknown properties land in clientData (see [`crate::client_data`]).
pub fn card_to_person(card: &Card, groups: &GroupTable) -> Person {
    let props = to_v4(&card.props);
    let mut r = Reader {
        props: &props,
        consumed: vec![false; props.len()],
        sources: Vec::new(),
    };
    let mut person = Person::default();
    let mut uid = None;
    let mut rev = None;
    let mut name = Name::default();
    let mut have_name = false;
    let mut fn_index = None;
    let mut residual_categories: Vec<String> = Vec::new();
    let mut anniversary_seen = false;

    for i in 0..props.len() {
        let p = &props[i];
        if is_blank(p) {
            // nothing to map: the line is kept whole in clientData
            continue;
        }
        match &*p.name {
            "UID" if uid.is_none() => {
                uid = Some(p.value_string());
                r.consumed[i] = true;
            }
            "REV" if rev.is_none() && p.params.is_empty() && p.group.is_none() => {
                rev = Some(p.value_string());
                r.consumed[i] = true;
            }
            "FN" if fn_index.is_none() => fn_index = Some(i),
            "N" if !have_name => {
                have_name = true;
                let part = |k: usize| p.part(k);
                name.family_name = part(0);
                name.given_name = part(1);
                name.middle_name = part(2);
                name.honorific_prefix = part(3);
                name.honorific_suffix = part(4);
                r.take("names", 0, i);
            }
            "X-PHONETIC-FIRST-NAME"
            | "X-PHONETIC-MIDDLE-NAME"
            | "X-PHONETIC-LAST-NAME"
            | "X-PEOPLEDAV-PHONETIC-PREFIX"
            | "X-PEOPLEDAV-PHONETIC-SUFFIX"
            | "X-PEOPLEDAV-PHONETIC-FULL-NAME" => {
                let slot = match &*p.name {
                    "X-PHONETIC-FIRST-NAME" => &mut name.phonetic_given_name,
                    "X-PHONETIC-MIDDLE-NAME" => &mut name.phonetic_middle_name,
                    "X-PHONETIC-LAST-NAME" => &mut name.phonetic_family_name,
                    "X-PEOPLEDAV-PHONETIC-PREFIX" => &mut name.phonetic_honorific_prefix,
                    "X-PEOPLEDAV-PHONETIC-SUFFIX" => &mut name.phonetic_honorific_suffix,
                    _ => &mut name.phonetic_full_name,
                };
                if slot.is_none() {
                    *slot = text(p);
                    r.take("names", 0, i);
                }
            }
            "NICKNAME" => {
                let items = match &p.value {
                    Value::List(items) => items.clone(),
                    _ => vec![p.value_string()],
                };
                let label = r.label(i).map(|l| type_from_label(&l));
                for item in items.into_iter().filter(|s| !s.is_empty()) {
                    let index = person.nicknames.len();
                    person.nicknames.push(Nickname {
                        value: Some(item),
                        r#type: label.clone(),
                        ..Nickname::default()
                    });
                    r.take("nicknames", index, i);
                }
            }
            "EMAIL" => {
                let label = r.label(i);
                let index = person.email_addresses.len();
                person.email_addresses.push(EmailAddress {
                    value: Some(p.value_string()),
                    r#type: read_type(p, label.as_deref(), Kind::Email),
                    display_name: p
                        .first_param("X-PEOPLEDAV-DISPLAY-NAME")
                        .map(str::to_string),
                    metadata: primary(p),
                    ..EmailAddress::default()
                });
                r.take("emailAddresses", index, i);
            }
            "TEL" => {
                let label = r.label(i);
                let index = person.phone_numbers.len();
                person.phone_numbers.push(PhoneNumber {
                    value: Some(p.value_string()),
                    r#type: read_type(p, label.as_deref(), Kind::Phone),
                    metadata: primary(p),
                    ..PhoneNumber::default()
                });
                r.take("phoneNumbers", index, i);
            }
            "ADR" => {
                let label = r.label(i);
                let index = person.addresses.len();
                let country_code = p.group.as_deref().and_then(|g| {
                    let ci = props.iter().position(|q| {
                        q.name == "X-ABADR"
                            && q.group
                                .as_deref()
                                .is_some_and(|h| h.eq_ignore_ascii_case(g))
                    })?;
                    r.consumed[ci] = true;
                    text(&props[ci])
                });
                person.addresses.push(Address {
                    po_box: p.part(0),
                    extended_address: p.part(1),
                    street_address: p.part(2),
                    city: p.part(3),
                    region: p.part(4),
                    postal_code: p.part(5),
                    country: p.part(6),
                    country_code,
                    formatted_value: p.first_param("LABEL").map(str::to_string),
                    r#type: read_type(p, label.as_deref(), Kind::Address),
                    metadata: primary(p),
                    ..Address::default()
                });
                r.take("addresses", index, i);
            }
            "BDAY" if person.birthdays.is_empty() => {
                let v = p.value_string();
                let is_text = p
                    .first_param("VALUE")
                    .is_some_and(|v| v.eq_ignore_ascii_case("text"));
                let date = if is_text { None } else { parse_date(&v) };
                let b = match date {
                    Some(d) => Birthday {
                        date: Some(d),
                        text: p.first_param("X-PEOPLEDAV-TEXT").map(str::to_string),
                        ..Birthday::default()
                    },
                    None => Birthday {
                        text: Some(v),
                        ..Birthday::default()
                    },
                };
                person.birthdays.push(b);
                r.take("birthdays", 0, i);
            }
            "ANNIVERSARY" | "X-ABDATE" => {
                let Some(date) = parse_date(&p.value_string()) else {
                    continue;
                };
                let t = if p.name == "ANNIVERSARY" && !anniversary_seen {
                    anniversary_seen = true;
                    Some("anniversary".to_string())
                } else {
                    r.label(i).map(|l| type_from_label(&l))
                };
                let index = person.events.len();
                person.events.push(Event {
                    date: Some(date),
                    r#type: t,
                    ..Event::default()
                });
                r.take("events", index, i);
            }
            "RELATED" => {
                let t = r.label(i).map(|l| type_from_label(&l)).or_else(|| {
                    p.types()
                        .into_iter()
                        .map(|t| t.to_ascii_lowercase())
                        .find(|t| t != "pref")
                        .map(|t| {
                            if t == "kin" {
                                "relative".to_string()
                            } else {
                                t
                            }
                        })
                });
                let index = person.relations.len();
                person.relations.push(Relation {
                    person: Some(p.value_string()),
                    r#type: t,
                    ..Relation::default()
                });
                r.take("relations", index, i);
            }
            "URL" => {
                let label = r.label(i);
                let index = person.urls.len();
                person.urls.push(Url {
                    value: Some(p.value_string()),
                    r#type: read_type(p, label.as_deref(), Kind::Url),
                    metadata: primary(p),
                    ..Url::default()
                });
                r.take("urls", index, i);
            }
            "IMPP" => {
                let v = p.value_string();
                let label = r.label(i);
                if let Some(sip) = v
                    .get(..4)
                    .filter(|scheme| scheme.eq_ignore_ascii_case("sip:"))
                    .and_then(|_| v.get(4..))
                    .filter(|sip| !sip.is_empty())
                {
                    let index = person.sip_addresses.len();
                    person.sip_addresses.push(SipAddress {
                        value: Some(sip.to_string()),
                        r#type: read_type(p, label.as_deref(), Kind::Sip),
                        metadata: primary(p),
                        ..SipAddress::default()
                    });
                    r.take("sipAddresses", index, i);
                } else {
                    let (scheme, user) = match v.split_once(':') {
                        Some((s, u)) => (Some(s), u.to_string()),
                        None => (None, v.clone()),
                    };
                    let service = p.first_param("X-SERVICE-TYPE");
                    let protocol = service
                        .map(|s| {
                            IM_SERVICES
                                .iter()
                                .find(|(_, svc, ..)| svc.eq_ignore_ascii_case(s))
                                .map_or_else(|| s.to_string(), |(g, ..)| g.to_string())
                        })
                        .or_else(|| {
                            let scheme = scheme?;
                            if scheme.eq_ignore_ascii_case("x-apple") {
                                return None;
                            }
                            Some(
                                IM_SERVICES
                                    .iter()
                                    .find(|(_, _, sc, _)| sc.eq_ignore_ascii_case(scheme))
                                    .map_or_else(|| scheme.to_string(), |(g, ..)| g.to_string()),
                            )
                        });
                    let index = person.im_clients.len();
                    person.im_clients.push(ImClient {
                        username: Some(user),
                        protocol,
                        r#type: read_type(p, label.as_deref(), Kind::Im),
                        metadata: primary(p),
                        ..ImClient::default()
                    });
                    r.take("imClients", index, i);
                }
            }
            "NOTE" => {
                let index = person.biographies.len();
                person.biographies.push(Biography {
                    value: Some(p.value_string()),
                    content_type: p
                        .first_param("X-PEOPLEDAV-CONTENT-TYPE")
                        .map(str::to_string),
                    ..Biography::default()
                });
                r.take("biographies", index, i);
            }
            "CATEGORIES" => {
                let items = match &p.value {
                    Value::List(items) => items.clone(),
                    _ => vec![p.value_string()],
                };
                for item in items.into_iter().filter(|s| !s.is_empty()) {
                    let resource = groups
                        .resource_of(&item)
                        .map(str::to_string)
                        .or_else(|| item.starts_with("contactGroups/").then(|| item.clone()));
                    match resource {
                        Some(resource) => {
                            if !person.group_resource_names().any(|r| r == resource) {
                                person.memberships.push(Membership {
                                    contact_group_membership: Some(ContactGroupMembership {
                                        contact_group_resource_name: Some(resource),
                                        ..ContactGroupMembership::default()
                                    }),
                                    ..Membership::default()
                                });
                            }
                        }
                        None => residual_categories.push(item),
                    }
                    r.consumed[i] = true;
                }
            }
            "X-PEOPLEDAV-USERDEFINED" => {
                let key = r.key_label(i).map(|l| type_from_label(&l));
                let index = person.user_defined.len();
                person.user_defined.push(UserDefined {
                    key,
                    value: Some(p.value_string()),
                    ..UserDefined::default()
                });
                r.take("userDefined", index, i);
            }
            "X-PEOPLEDAV-EXTERNALID" => {
                let t = r.label(i).map(|l| type_from_label(&l));
                let index = person.external_ids.len();
                person.external_ids.push(ExternalId {
                    value: Some(p.value_string()),
                    r#type: t,
                    ..ExternalId::default()
                });
                r.take("externalIds", index, i);
            }
            "X-PEOPLEDAV-KEYWORD" => {
                let t = r.label(i).map(|l| type_from_label(&l));
                let index = person.misc_keywords.len();
                person.misc_keywords.push(MiscKeyword {
                    value: Some(p.value_string()),
                    r#type: t,
                    ..MiscKeyword::default()
                });
                r.take("miscKeywords", index, i);
            }
            "X-PEOPLEDAV-CLIENTDATA" => {
                let key = r.key_label(i).map(|l| type_from_label(&l));
                person.client_data.push(ClientData {
                    key,
                    value: Some(p.value_string()),
                    ..ClientData::default()
                });
                r.consumed[i] = true;
            }
            "X-PEOPLEDAV-LOCATION" => {
                if let Ok(l) = serde_json::from_str::<Location>(&p.value_string()) {
                    let index = person.locations.len();
                    person.locations.push(l);
                    r.take("locations", index, i);
                }
            }
            "CALURI" | "FBURL" => {
                let label = r.label(i);
                let t = if p.name == "FBURL" {
                    Some("availability".to_string())
                } else {
                    read_type(p, label.as_deref(), Kind::Calendar)
                };
                let index = person.calendar_urls.len();
                person.calendar_urls.push(CalendarUrl {
                    url: Some(p.value_string()),
                    r#type: t,
                    metadata: primary(p),
                    ..CalendarUrl::default()
                });
                r.take("calendarUrls", index, i);
            }
            "LANG" => {
                let index = person.locales.len();
                person.locales.push(Locale {
                    value: Some(p.value_string()),
                    metadata: primary(p),
                    ..Locale::default()
                });
                r.take("locales", index, i);
            }
            "INTEREST" => {
                let index = person.interests.len();
                person.interests.push(Interest {
                    value: Some(p.value_string()),
                    ..Interest::default()
                });
                r.take("interests", index, i);
            }
            "ROLE" => {
                let index = person.occupations.len();
                person.occupations.push(Occupation {
                    value: Some(p.value_string()),
                    ..Occupation::default()
                });
                r.take("occupations", index, i);
            }
            "GENDER" => {
                let sex = p.part(0).unwrap_or_default().to_ascii_uppercase();
                let value = match (sex.as_str(), p.part(1)) {
                    (_, Some(identity)) => Some(identity),
                    ("M", None) => Some("male".into()),
                    ("F", None) => Some("female".into()),
                    ("U", None) => Some("unspecified".into()),
                    ("O", None) => Some("other".into()),
                    ("N", None) => Some("none".into()),
                    _ => None,
                };
                let index = person.genders.len();
                person.genders.push(Gender {
                    value,
                    address_me_as: p
                        .first_param("X-PEOPLEDAV-ADDRESS-ME-AS")
                        .map(str::to_string),
                    ..Gender::default()
                });
                r.take("genders", index, i);
            }
            // skills and photos are read-only in Google: EXPERTISE and PHOTO stay in clientData
            _ => {}
        }
    }

    read_organizations(&mut r, &mut person);

    // FN: a name of its own only when it is not what N (or the fallback) would give
    if let Some(i) = fn_index {
        let fn_value = props[i].value_string();
        let composed = compose_name([
            name.family_name.as_deref(),
            name.given_name.as_deref(),
            name.middle_name.as_deref(),
            name.honorific_prefix.as_deref(),
            name.honorific_suffix.as_deref(),
        ]);
        let implied = if composed.is_empty() {
            fallback_name(&person)
        } else {
            composed
        };
        if fn_value != implied && !fn_value.is_empty() {
            name.unstructured_name = Some(fn_value);
        }
        r.take("names", 0, i);
    }
    if name != Name::default() {
        person.names.push(name);
    }

    // what the mapping cannot hold goes to clientData
    let mut data: Vec<ClientData> = Vec::new();
    let mut put = |key: String, value: String| {
        data.push(ClientData {
            key: Some(key),
            value: Some(value),
            ..ClientData::default()
        });
    };
    if let Some(uid) = uid {
        put(UID_KEY.into(), uid);
    }
    if let Some(rev) = rev {
        put(REV_KEY.into(), rev);
    }

    keep_originals(&r, &props, &person, groups, &mut put);

    let mut n = 0;
    for (i, p) in props.iter().enumerate() {
        if !r.consumed[i] {
            put(format!("{PROP_PREFIX}{n}"), client_data::line_of(p));
            n += 1;
        }
    }
    if !residual_categories.is_empty() {
        let p = Prop::new("CATEGORIES", Value::List(residual_categories));
        put(format!("{PROP_PREFIX}{n}"), client_data::line_of(&p));
    }
    if person.client_data.is_empty() {
        person.client_data = data;
    } else {
        person.client_data.extend(data);
    }
    person.shrink_to_fit();
    person
}

/// An empty value of a property whose Person entries are skipped when empty.
fn is_blank(p: &Prop) -> bool {
    const SKIPPED: [&str; 12] = [
        "EMAIL",
        "TEL",
        "URL",
        "IMPP",
        "CALURI",
        "FBURL",
        "LANG",
        "INTEREST",
        "ROLE",
        "EXPERTISE",
        "RELATED",
        "PHOTO",
    ];
    if !SKIPPED.contains(&&*p.name) {
        return false;
    }
    let v = p.value_string();
    let v = v.trim();
    v.is_empty() || (p.name == "IMPP" && v.split_once(':').is_some_and(|(_, user)| user.is_empty()))
}

#[derive(Default)]
struct OrgBuild {
    group: Option<String>,
    org: Option<usize>,
    title: Option<usize>,
    phonetic: Option<usize>,
    rest: Option<usize>,
}

impl OrgBuild {
    fn slot(&mut self, name: &str) -> &mut Option<usize> {
        match name {
            "ORG" => &mut self.org,
            "TITLE" => &mut self.title,
            "X-PHONETIC-ORG" => &mut self.phonetic,
            _ => &mut self.rest,
        }
    }
}

/// ORG, TITLE, X-PHONETIC-ORG and X-PEOPLEDAV-ORG, paired by group, else in order.
fn read_organizations(r: &mut Reader<'_>, person: &mut Person) {
    let props = r.props;
    let mut builds: Vec<OrgBuild> = Vec::new();
    for (i, p) in props.iter().enumerate() {
        if !matches!(
            &*p.name,
            "ORG" | "TITLE" | "X-PHONETIC-ORG" | "X-PEOPLEDAV-ORG"
        ) {
            continue;
        }
        let target = match &p.group {
            Some(g) => builds.iter().position(|b| {
                b.group
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(g))
            }),
            None => builds
                .iter()
                .position(|b| b.group.is_none() && b.clone_slot(&p.name).is_none()),
        };
        let b = match target {
            Some(t) => &mut builds[t],
            None => {
                builds.push(OrgBuild {
                    group: p.group.clone(),
                    ..OrgBuild::default()
                });
                builds.last_mut().expect("just pushed")
            }
        };
        let slot = b.slot(&p.name);
        if slot.is_none() {
            *slot = Some(i);
        }
    }

    // Google's export puts ORG and TITLE of one organization in two groups with empty labels
    let unlabeled = |b: &OrgBuild, r: &Reader<'_>| {
        b.group.is_none()
            || r.label_at(b.org.or(b.title).unwrap_or(0))
                .is_none_or(|(_, l)| l.is_empty())
    };
    let mut k = 0;
    while k < builds.len() {
        let b = &builds[k];
        let title_only =
            b.org.is_none() && b.phonetic.is_none() && b.rest.is_none() && b.title.is_some();
        if title_only
            && b.group.is_some()
            && unlabeled(b, r)
            && let Some(target) = builds.iter().position(|o| {
                o.org.is_some() && o.title.is_none() && o.group.is_some() && unlabeled(o, r)
            })
        {
            let title = builds[k].title;
            builds[target].title = title;
            builds.remove(k);
            continue;
        }
        k += 1;
    }

    for b in builds {
        let index = person.organizations.len();
        let mut org = b
            .rest
            .and_then(|i| serde_json::from_str::<Organization>(&props[i].value_string()).ok())
            .unwrap_or_default();
        let anchor = b.org.or(b.title).or(b.phonetic).or(b.rest).unwrap_or(0);
        if let Some(i) = b.org {
            let p = &props[i];
            org.name = p.part(0);
            org.department = match &p.value {
                Value::Parts(parts) if parts.len() > 1 => {
                    let rest: Vec<String> = parts[1..].iter().map(|c| c.join(",")).collect();
                    Some(rest.join(";")).filter(|s| !s.is_empty() || parts.len() > 2)
                }
                _ => None,
            };
            org.metadata = primary(p);
            r.take("organizations", index, i);
        }
        if let Some(i) = b.title {
            org.title = text(&props[i]);
            r.take("organizations", index, i);
        }
        if let Some(i) = b.phonetic {
            org.phonetic_name = text(&props[i]);
            r.take("organizations", index, i);
        }
        if let Some(i) = b.rest {
            r.take("organizations", index, i);
        }
        org.r#type = r.label(anchor).map(|l| type_from_label(&l));
        person.organizations.push(org);
    }
}

impl OrgBuild {
    fn clone_slot(&self, name: &str) -> Option<usize> {
        match name {
            "ORG" => self.org,
            "TITLE" => self.title,
            "X-PHONETIC-ORG" => self.phonetic,
            _ => self.rest,
        }
    }
}

/// Stores the original lines of each mapped entry that says more than the mapping writes.
fn keep_originals(
    r: &Reader<'_>,
    props: &[Cow<'_, Prop>],
    person: &Person,
    groups: &GroupTable,
    put: &mut impl FnMut(String, String),
) {
    let generated = generate(person, groups);
    // fingerprints are needed only for the entries that keep their original lines
    let mut hashes: Vec<Option<u64>> = vec![None; generated.len()];
    // how many lines share each group (case-insensitively), for `lone`
    let group_size = |g: &str| {
        props
            .iter()
            .filter(|q| {
                q.group
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(g))
            })
            .count()
    };
    let sizes: Vec<usize> = props
        .iter()
        .map(|p| p.group.as_deref().map_or(0, group_size))
        .collect();
    let mut sources: Vec<usize> = Vec::new();
    let mut compared: Vec<Compared<'_>> = Vec::new();
    let mut made: Vec<Compared<'_>> = Vec::new();
    for (at, entry) in generated.iter().enumerate() {
        sources.clear();
        sources.extend(
            r.sources
                .iter()
                .filter(|(f, index, _)| *f == entry.field && *index == entry.index)
                .map(|&(_, _, pi)| pi),
        );
        if sources.is_empty() {
            continue;
        }
        // one line that became several entries (a NICKNAME list) is written back split
        let shared = sources.iter().any(|&pi| {
            r.sources
                .iter()
                .any(|(f, index, q)| *q == pi && (*f != entry.field || *index != entry.index))
        });
        if shared {
            continue;
        }
        // the label and X-ABADR lines of the entry's groups belong to it
        let sourced = sources.len();
        for (li, p) in props.iter().enumerate() {
            if r.consumed[li]
                && (p.name == "X-ABLABEL" || p.name == "X-ABADR")
                && let Some(g) = p.group.as_deref()
                && sources[..sourced].iter().any(|&pi| {
                    props[pi]
                        .group
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(g))
                })
                && !sources.contains(&li)
            {
                sources.push(li);
            }
        }
        sources.sort_unstable();
        // an N without any component says nothing (the 3.0 writer adds one where it is missing);
        // a group no other line shares links nothing: the line is compared as ungrouped
        compared.clear();
        compared.extend(
            sources
                .iter()
                .map(|&pi| (pi, &*props[pi]))
                .filter(|(_, p)| {
                    !(p.name == "N"
                        && p.group.is_none()
                        && p.params.is_empty()
                        && is_empty_value(&p.value))
                })
                .map(|(pi, p)| match p.group.as_deref() {
                    Some(_) if sizes[pi] == 1 => (None, p),
                    group => (group, p),
                }),
        );
        // a generated group is the entry's own: lone when one line of the entry has it
        made.clear();
        made.extend(entry.props.iter().map(|p| {
            let alone = p.group.as_deref().is_some_and(|g| {
                entry
                    .props
                    .iter()
                    .filter(|q| q.group.as_deref() == Some(g))
                    .count()
                    == 1
            });
            (if alone { None } else { p.group.as_deref() }, p)
        }));
        if !same_props(&compared, &made) {
            let mut hash_of = |i: usize| {
                *hashes[i].get_or_insert_with(|| client_data::fingerprint(&generated[i].props))
            };
            let hash = hash_of(at);
            let occurrence = (0..at)
                .filter(|&i| generated[i].field == entry.field && hash_of(i) == hash)
                .count();
            let fp = client_data::fingerprint_text(hash, occurrence);
            put(
                orig_key(entry.field, &fp),
                client_data::lines_of(compared.iter().map(|&(_, p)| p)),
            );
        }
    }
}

/// A value without any text: an N of empty components, for one.
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Text(s) => s.is_empty(),
        Value::List(items) => items.iter().all(String::is_empty),
        Value::Parts(parts) => parts.iter().flatten().all(String::is_empty),
        Value::Binary { data, .. } => data.is_empty(),
    }
}
