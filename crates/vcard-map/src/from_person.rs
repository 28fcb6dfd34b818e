//! Person → vCard: each writable field to its 4.0-form properties, then clientData restored.

use people::{FieldMetadata, Person};

use crate::card::{Card, Prop, Value, Version};
use crate::client_data::{self, ORIG_PREFIX, PROP_PREFIX, REV_KEY, UID_KEY};
use crate::convert::{IM_SERVICES, fresh_group};
use crate::groups::GroupTable;
use crate::labels::{Kind, label_for, write_type};

/// The properties generated for one entry of one Person field.
pub(crate) struct Generated {
    pub field: &'static str,
    pub index: usize,
    pub props: Vec<Prop>,
}

pub(crate) const PLACEHOLDER: char = '\u{1}';

struct Gen {
    out: Vec<Generated>,
    next_group: u32,
}

impl Gen {
    fn placeholder(&mut self) -> Option<String> {
        self.next_group += 1;
        Some(format!("{PLACEHOLDER}item{}", self.next_group))
    }

    fn push(&mut self, field: &'static str, index: usize, props: Vec<Prop>) {
        if !props.is_empty() {
            self.out.push(Generated {
                field,
                index,
                props,
            });
        }
    }

    /// `main` with its type (TYPE values or a grouped `X-ABLabel`) and PREF for primary.
    fn typed(
        &mut self,
        mut main: Prop,
        t: Option<&str>,
        kind: Kind,
        metadata: Option<&FieldMetadata>,
    ) -> Vec<Prop> {
        if metadata.and_then(|m| m.primary) == Some(true) {
            main.add_param("PREF", "1");
        }
        let mut companion = None;
        if let Some(t) = t {
            let (types, label) = write_type(t, kind);
            for ty in types {
                main.add_param("TYPE", *ty);
            }
            if let Some(label) = label {
                if main.group.is_none() {
                    main.group = self.placeholder();
                }
                companion = Some(Prop::text("X-ABLABEL", label).with_group(main.group.clone()));
            }
        }
        let mut props = Vec::with_capacity(2);
        props.push(main);
        props.extend(companion);
        props
    }

    /// A grouped pair `main` + `X-ABLabel:label` (user-defined keys, external id types, …).
    fn labeled(&mut self, mut main: Prop, label: Option<&str>) -> Vec<Prop> {
        match label {
            Some(l) => {
                main.group = self.placeholder();
                let lp = Prop::text("X-ABLABEL", label_for(l)).with_group(main.group.clone());
                vec![main, lp]
            }
            None => vec![main],
        }
    }
}

fn opt(s: &Option<String>) -> Vec<String> {
    s.iter().filter(|s| !s.is_empty()).cloned().collect()
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// `prefix given middle family suffix`, the name composed from N.
pub(crate) fn compose_name(parts: [Option<&str>; 5]) -> String {
    let [family, given, middle, prefix, suffix] = parts;
    [prefix, given, middle, family, suffix]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What FN says when the Person has no name: its first organization, email or phone.
pub(crate) fn fallback_name(person: &Person) -> String {
    person
        .organizations
        .iter()
        .find_map(|o| non_empty(&o.name))
        .or_else(|| {
            person
                .email_addresses
                .iter()
                .find_map(|e| non_empty(&e.value))
        })
        .or_else(|| {
            person
                .phone_numbers
                .iter()
                .find_map(|p| non_empty(&p.value))
        })
        .unwrap_or_default()
        .to_string()
}

pub(crate) fn date_text(d: &people::Date) -> Option<String> {
    Some(match (d.year(), d.month(), d.day()) {
        (Some(y), Some(m), Some(d)) => format!("{y:04}{m:02}{d:02}"),
        (None, Some(m), Some(d)) => format!("--{m:02}{d:02}"),
        (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
        (Some(y), None, None) => format!("{y:04}"),
        (None, Some(m), None) => format!("--{m:02}"),
        (None, None, Some(d)) => format!("---{d:02}"),
        (Some(y), None, Some(d)) => format!("{y:04}{:02}{d:02}", 0),
        (None, None, None) => return None,
    })
}

/// An entry as JSON without the parts the vCard form already carries.
fn json_rest<T: serde::Serialize>(value: &T) -> Option<String> {
    let s = serde_json::to_string(value).ok()?;
    (s != "{}").then_some(s)
}

/// Every property the Person's fields produce, in 4.0 form, grouped by entry.
pub(crate) fn generate(person: &Person, groups: &GroupTable) -> Vec<Generated> {
    let mut g = Gen {
        out: Vec::new(),
        next_group: 0,
    };

    // names: FN always (it is required), N and phonetic names when given
    let name = person.names.first();
    let parts = name.map(|n| {
        [
            non_empty(&n.family_name),
            non_empty(&n.given_name),
            non_empty(&n.middle_name),
            non_empty(&n.honorific_prefix),
            non_empty(&n.honorific_suffix),
        ]
    });
    let fn_value = name
        .and_then(|n| non_empty(&n.unstructured_name).map(str::to_string))
        .or_else(|| parts.map(compose_name).filter(|s| !s.is_empty()))
        .or_else(|| name.and_then(|n| non_empty(&n.display_name).map(str::to_string)))
        .unwrap_or_else(|| fallback_name(person));
    let mut props = vec![Prop::text("FN", fn_value)];
    if let (Some(n), Some(parts)) = (name, parts)
        && parts.iter().any(Option::is_some)
    {
        props.push(Prop::new(
            "N",
            Value::Parts(vec![
                opt(&n.family_name),
                opt(&n.given_name),
                opt(&n.middle_name),
                opt(&n.honorific_prefix),
                opt(&n.honorific_suffix),
            ]),
        ));
    }
    if let Some(n) = name {
        for (prop, value) in [
            ("X-PHONETIC-FIRST-NAME", &n.phonetic_given_name),
            ("X-PHONETIC-MIDDLE-NAME", &n.phonetic_middle_name),
            ("X-PHONETIC-LAST-NAME", &n.phonetic_family_name),
            ("X-PEOPLEDAV-PHONETIC-PREFIX", &n.phonetic_honorific_prefix),
            ("X-PEOPLEDAV-PHONETIC-SUFFIX", &n.phonetic_honorific_suffix),
            ("X-PEOPLEDAV-PHONETIC-FULL-NAME", &n.phonetic_full_name),
        ] {
            if let Some(v) = non_empty(value) {
                props.push(Prop::text(prop, v));
            }
        }
    }
    g.push("names", 0, props);

    for (i, n) in person.nicknames.iter().enumerate() {
        let Some(v) = non_empty(&n.value) else {
            continue;
        };
        let t = n.r#type.as_deref().filter(|t| *t != "DEFAULT");
        let props = g.labeled(Prop::new("NICKNAME", Value::List(vec![v.to_string()])), t);
        g.push("nicknames", i, props);
    }

    for (i, e) in person.email_addresses.iter().enumerate() {
        let Some(v) = non_empty(&e.value) else {
            continue;
        };
        let mut p = Prop::text("EMAIL", v);
        if let Some(d) = non_empty(&e.display_name) {
            p.add_param("X-PEOPLEDAV-DISPLAY-NAME", d);
        }
        let props = g.typed(p, e.r#type.as_deref(), Kind::Email, e.metadata.as_ref());
        g.push("emailAddresses", i, props);
    }

    for (i, t) in person.phone_numbers.iter().enumerate() {
        let Some(v) = non_empty(&t.value) else {
            continue;
        };
        let props = g.typed(
            Prop::text("TEL", v),
            t.r#type.as_deref(),
            Kind::Phone,
            t.metadata.as_ref(),
        );
        g.push("phoneNumbers", i, props);
    }

    for (i, a) in person.addresses.iter().enumerate() {
        let mut p = Prop::new(
            "ADR",
            Value::Parts(vec![
                opt(&a.po_box),
                opt(&a.extended_address),
                opt(&a.street_address),
                opt(&a.city),
                opt(&a.region),
                opt(&a.postal_code),
                opt(&a.country),
            ]),
        );
        if let Some(f) = non_empty(&a.formatted_value) {
            p.add_param("LABEL", f);
        }
        if non_empty(&a.country_code).is_some() {
            p.group = g.placeholder();
        }
        let mut props = g.typed(p, a.r#type.as_deref(), Kind::Address, a.metadata.as_ref());
        if let Some(cc) = non_empty(&a.country_code) {
            let group = props[0].group.clone();
            props.push(Prop::text("X-ABADR", cc).with_group(group));
        }
        g.push("addresses", i, props);
    }

    for (i, o) in person.organizations.iter().enumerate() {
        let rest = people::Organization {
            name: None,
            department: None,
            title: None,
            phonetic_name: None,
            r#type: None,
            metadata: None,
            formatted_type: None,
            ..o.clone()
        };
        let rest = json_rest(&rest);
        let grouped = o.r#type.is_some() || o.phonetic_name.is_some() || rest.is_some();
        let group = if grouped { g.placeholder() } else { None };
        let mut props = Vec::new();
        if o.name.is_some() || o.department.is_some() {
            let mut parts = vec![opt(&o.name)];
            if o.department.is_some() {
                parts.push(opt(&o.department));
            }
            props.push(Prop::new("ORG", Value::Parts(parts)).with_group(group.clone()));
        }
        if let Some(t) = non_empty(&o.title) {
            props.push(Prop::text("TITLE", t).with_group(group.clone()));
        }
        if let Some(t) = non_empty(&o.phonetic_name) {
            props.push(Prop::text("X-PHONETIC-ORG", t).with_group(group.clone()));
        }
        if let Some(rest) = rest {
            props.push(Prop::text("X-PEOPLEDAV-ORG", rest).with_group(group.clone()));
        }
        if props.is_empty() {
            props.push(Prop::new("ORG", Value::Parts(vec![Vec::new()])).with_group(group.clone()));
        }
        if o.metadata.as_ref().and_then(|m| m.primary) == Some(true) {
            props[0].add_param("PREF", "1");
        }
        if let Some(t) = &o.r#type {
            props.push(Prop::text("X-ABLABEL", label_for(t)).with_group(group.clone()));
        }
        g.push("organizations", i, props);
    }

    if let Some(b) = person.birthdays.first() {
        let date = b.date.as_ref().and_then(date_text);
        let p = match (date, non_empty(&b.text)) {
            (Some(d), text) => {
                let mut p = Prop::text("BDAY", d);
                if let Some(t) = text {
                    p.add_param("X-PEOPLEDAV-TEXT", t);
                }
                Some(p)
            }
            (None, Some(t)) => {
                let mut p = Prop::text("BDAY", t);
                p.add_param("VALUE", "text");
                Some(p)
            }
            (None, None) => None,
        };
        if let Some(p) = p {
            g.push("birthdays", 0, vec![p]);
        }
    }

    let mut anniversary_written = false;
    for (i, e) in person.events.iter().enumerate() {
        let Some(d) = e.date.as_ref().and_then(date_text) else {
            continue;
        };
        let props = if e.r#type.as_deref() == Some("anniversary") && !anniversary_written {
            anniversary_written = true;
            vec![Prop::text("ANNIVERSARY", d)]
        } else {
            g.labeled(Prop::text("X-ABDATE", d), e.r#type.as_deref())
        };
        g.push("events", i, props);
    }

    for (i, r) in person.relations.iter().enumerate() {
        let Some(v) = non_empty(&r.person) else {
            continue;
        };
        let mut p = Prop::text("RELATED", v);
        p.add_param("VALUE", "text");
        let props = match r.r#type.as_deref() {
            Some(t @ ("spouse" | "child" | "parent" | "friend")) => {
                p.add_param("TYPE", t);
                vec![p]
            }
            Some("relative") => {
                p.add_param("TYPE", "kin");
                vec![p]
            }
            other => g.labeled(p, other),
        };
        g.push("relations", i, props);
    }

    for (i, u) in person.urls.iter().enumerate() {
        let Some(v) = non_empty(&u.value) else {
            continue;
        };
        let props = g.typed(
            Prop::text("URL", v),
            u.r#type.as_deref(),
            Kind::Url,
            u.metadata.as_ref(),
        );
        g.push("urls", i, props);
    }

    for (i, im) in person.im_clients.iter().enumerate() {
        let Some(user) = non_empty(&im.username) else {
            continue;
        };
        let mut p = Prop::text("IMPP", "");
        let scheme = match im.protocol.as_deref() {
            Some(proto) => match IM_SERVICES.iter().find(|(g, ..)| *g == proto) {
                Some((_, service, scheme, _)) => {
                    p.add_param("X-SERVICE-TYPE", *service);
                    scheme.to_string()
                }
                None => {
                    p.add_param("X-SERVICE-TYPE", proto);
                    "x-apple".to_string()
                }
            },
            None => "x-apple".to_string(),
        };
        p.value = Value::Text(format!("{scheme}:{user}"));
        let props = g.typed(p, im.r#type.as_deref(), Kind::Im, im.metadata.as_ref());
        g.push("imClients", i, props);
    }

    for (i, s) in person.sip_addresses.iter().enumerate() {
        let Some(v) = non_empty(&s.value) else {
            continue;
        };
        let props = g.typed(
            Prop::text("IMPP", format!("sip:{v}")),
            s.r#type.as_deref(),
            Kind::Sip,
            s.metadata.as_ref(),
        );
        g.push("sipAddresses", i, props);
    }

    for (i, b) in person.biographies.iter().enumerate() {
        let Some(v) = b.value.as_deref() else {
            continue;
        };
        let mut p = Prop::text("NOTE", v);
        if let Some(ct) = b.content_type.as_deref().filter(|c| *c != "TEXT_PLAIN") {
            p.add_param("X-PEOPLEDAV-CONTENT-TYPE", ct);
        }
        g.push("biographies", i, vec![p]);
    }

    let categories: Vec<String> = person
        .memberships
        .iter()
        .filter_map(|m| {
            m.contact_group_membership
                .as_ref()?
                .contact_group_resource_name
                .as_deref()
        })
        .map(|r| groups.name_of(r).unwrap_or(r).to_string())
        .collect();
    if !categories.is_empty() {
        g.push(
            "memberships",
            0,
            vec![Prop::new("CATEGORIES", Value::List(categories))],
        );
    }

    for (i, u) in person.user_defined.iter().enumerate() {
        let p = Prop::text(
            "X-PEOPLEDAV-USERDEFINED",
            u.value.clone().unwrap_or_default(),
        );
        let props = g.labeled(p, Some(u.key.as_deref().unwrap_or("")));
        g.push("userDefined", i, props);
    }

    for (i, x) in person.external_ids.iter().enumerate() {
        let p = Prop::text(
            "X-PEOPLEDAV-EXTERNALID",
            x.value.clone().unwrap_or_default(),
        );
        let props = g.labeled(p, x.r#type.as_deref());
        g.push("externalIds", i, props);
    }

    for (i, c) in person.calendar_urls.iter().enumerate() {
        let Some(url) = non_empty(&c.url) else {
            continue;
        };
        let props = if c.r#type.as_deref() == Some("availability") {
            let mut p = Prop::text("FBURL", url);
            if c.metadata.as_ref().and_then(|m| m.primary) == Some(true) {
                p.add_param("PREF", "1");
            }
            vec![p]
        } else {
            g.typed(
                Prop::text("CALURI", url),
                c.r#type.as_deref(),
                Kind::Calendar,
                c.metadata.as_ref(),
            )
        };
        g.push("calendarUrls", i, props);
    }

    for (i, l) in person.locales.iter().enumerate() {
        if let Some(v) = non_empty(&l.value) {
            let mut p = Prop::text("LANG", v);
            if l.metadata.as_ref().and_then(|m| m.primary) == Some(true) {
                p.add_param("PREF", "1");
            }
            g.push("locales", i, vec![p]);
        }
    }

    for (i, l) in person.locations.iter().enumerate() {
        let rest = people::Location {
            metadata: None,
            ..l.clone()
        };
        if let Some(json) = json_rest(&rest) {
            g.push(
                "locations",
                i,
                vec![Prop::text("X-PEOPLEDAV-LOCATION", json)],
            );
        }
    }

    for (i, k) in person.misc_keywords.iter().enumerate() {
        let p = Prop::text("X-PEOPLEDAV-KEYWORD", k.value.clone().unwrap_or_default());
        let props = g.labeled(p, k.r#type.as_deref());
        g.push("miscKeywords", i, props);
    }

    for (field, prop, values) in [
        (
            "interests",
            "INTEREST",
            person
                .interests
                .iter()
                .map(|x| &x.value)
                .collect::<Vec<_>>(),
        ),
        (
            "occupations",
            "ROLE",
            person.occupations.iter().map(|x| &x.value).collect(),
        ),
        (
            "skills",
            "EXPERTISE",
            person.skills.iter().map(|x| &x.value).collect(),
        ),
    ] {
        for (i, v) in values.into_iter().enumerate() {
            if let Some(v) = non_empty(v) {
                g.push(field, i, vec![Prop::text(prop, v)]);
            }
        }
    }

    for (i, x) in person.genders.iter().enumerate() {
        let value = x.value.as_deref().unwrap_or("");
        let parts = match value {
            "male" => vec![vec!["M".to_string()]],
            "female" => vec![vec!["F".to_string()]],
            "unspecified" => vec![vec!["U".to_string()]],
            "" => vec![Vec::new()],
            other => vec![vec!["O".to_string()], vec![other.to_string()]],
        };
        let mut p = Prop::new("GENDER", Value::Parts(parts));
        if let Some(a) = non_empty(&x.address_me_as) {
            p.add_param("X-PEOPLEDAV-ADDRESS-ME-AS", a);
        }
        g.push("genders", i, vec![p]);
    }

    for (i, ph) in person.photos.iter().enumerate() {
        if ph.default == Some(true) {
            continue;
        }
        if let Some(url) = non_empty(&ph.url) {
            g.push("photos", i, vec![Prop::text("PHOTO", url)]);
        }
    }

    for (i, c) in person.client_data.iter().enumerate() {
        let key = c.key.as_deref().unwrap_or("");
        if client_data::is_ours(key) {
            continue;
        }
        let p = Prop::text(
            "X-PEOPLEDAV-CLIENTDATA",
            c.value.clone().unwrap_or_default(),
        );
        let props = g.labeled(p, Some(key));
        g.push("clientData", i, props);
    }

    g.out
}

/// The fingerprint of each generated entry (see [`client_data::fingerprint`]) with its
/// occurrence among the field's identical entries (see [`client_data::fingerprint_text`]).
pub(crate) fn fingerprints(generated: &[Generated]) -> Vec<(u64, usize)> {
    let hashes: Vec<u64> = generated
        .iter()
        .map(|g| client_data::fingerprint(&g.props))
        .collect();
    generated
        .iter()
        .zip(&hashes)
        .enumerate()
        .map(|(i, (g, &hash))| {
            let occurrence = generated[..i]
                .iter()
                .zip(&hashes)
                .filter(|(h, other)| h.field == g.field && **other == hash)
                .count();
            (hash, occurrence)
        })
        .collect()
}

/// Person → card in 4.0 form, with clientData's unmapped lines and original forms restored.
pub(crate) fn person_to_card(person: &Person, groups: &GroupTable) -> Card {
    let generated = generate(person, groups);

    let mut keyed: Vec<(u64, Prop)> = Vec::new();
    let mut origs: Vec<(String, Vec<Prop>)> = Vec::new();
    let mut uid = None;
    let mut rev = None;
    let mut stored: Vec<(&str, &str)> = Vec::new();
    for c in &person.client_data {
        let (Some(key), Some(value)) = (c.key.as_deref(), c.value.as_deref()) else {
            continue;
        };
        if key == UID_KEY {
            uid = Some(value.to_string());
        } else if key == REV_KEY {
            rev = Some(value.to_string());
        } else if key.starts_with(PROP_PREFIX) || key.starts_with(ORIG_PREFIX) {
            stored.push((key, value));
        }
    }
    let values: Vec<&str> = stored.iter().map(|(_, v)| *v).collect();
    for ((key, _), lines) in stored.iter().zip(client_data::props_of_many(&values)) {
        let Some(lines) = lines else {
            tracing::warn!(key, "skipping unreadable vcard lines in clientData");
            continue;
        };
        if let Some(n) = key.strip_prefix(PROP_PREFIX) {
            if let Some(p) = lines.into_iter().next() {
                keyed.push((n.parse().unwrap_or(u64::MAX), p));
            }
        } else if let Some(rest) = key.strip_prefix(ORIG_PREFIX) {
            origs.push((rest.to_string(), lines));
        }
    }
    // restored lines in key order, so the output is stable whatever order Google returns
    keyed.sort_by_key(|(n, _)| *n);
    let restored: Vec<Prop> = keyed.into_iter().map(|(_, p)| p).collect();

    let fingerprints = fingerprints(&generated);
    let mut props: Vec<Prop> = Vec::new();
    for (entry, (hash, occurrence)) in generated.into_iter().zip(fingerprints) {
        let fp = client_data::fingerprint_text(hash, occurrence);
        let key = format!("{}.{fp}", entry.field);
        match origs.iter().find(|(k, _)| *k == key) {
            Some((_, orig)) => {
                // FN is required: keep the generated one when the card had none
                let missing = entry
                    .props
                    .into_iter()
                    .filter(|p| p.name == "FN" && !orig.iter().any(|o| o.name == "FN"));
                props.extend(missing);
                props.extend(orig.iter().cloned());
            }
            None => props.extend(entry.props),
        }
    }

    if let Some(uid) = uid.or_else(|| person.id().map(str::to_string)) {
        props.push(Prop::text("UID", uid));
    }
    let updated = person
        .contact_source()
        .and_then(|s| s.update_time.as_deref())
        .map(rev_of_update_time);
    let fresh_rev = updated.is_some();
    if let Some(rev) = updated.or(rev) {
        props.push(Prop::text("REV", rev));
    }
    // a REV kept whole (it had parameters) gives way to Google's update time
    // a kept line the Person now generates itself (a PHOTO that Google also has) is not repeated
    let restored: Vec<Prop> = restored
        .into_iter()
        .filter(|p| !(fresh_rev && p.name == "REV"))
        .filter(|p| {
            !props
                .iter()
                .any(|q| q.name == p.name && q.params == p.params && q.value == p.value)
        })
        .collect();
    props.extend(restored);

    // placeholders become their own itemN when no other line uses it, else a fresh one, so a
    // card written by this mapping keeps its group names when it is read and written again
    let mut counter = 0u32;
    let mut renames: Vec<(String, String)> = Vec::new();
    for i in 0..props.len() {
        if let Some(g) = props[i].group.clone()
            && let Some(preferred) = g.strip_prefix(PLACEHOLDER)
        {
            let name = match renames.iter().find(|(from, _)| *from == g) {
                Some((_, to)) => to.clone(),
                None => {
                    let taken = props.iter().any(|p| {
                        p.group
                            .as_deref()
                            .is_some_and(|h| h.eq_ignore_ascii_case(preferred))
                    });
                    let to = if taken {
                        fresh_group(&props, &mut counter)
                    } else {
                        preferred.to_string()
                    };
                    renames.push((g.clone(), to.clone()));
                    to
                }
            };
            props[i].group = Some(name);
        }
    }
    Card::from_props(props, Some(Version::V4))
}

/// `2024-01-02T03:04:05.678Z` → `20240102T030405Z`.
fn rev_of_update_time(t: &str) -> String {
    let (date, time) = t.split_once('T').unwrap_or((t, ""));
    let time = time.split(['.', 'Z', '+']).next().unwrap_or("");
    let mut out: String = date.chars().filter(char::is_ascii_digit).collect();
    if !time.is_empty() {
        out.push('T');
        out.extend(time.chars().filter(char::is_ascii_digit));
        out.push('Z');
    }
    out
}
