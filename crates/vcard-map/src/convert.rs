//! Conventions that differ between vCard 3.0 (as Apple writes it) and 4.0, converted both ways.
//!
//! | 3.0 (Apple) | 4.0 (RFC 6350) |
//! |---|---|
//! | `TYPE=pref` | `PREF=1` |
//! | `X-ADDRESSBOOKSERVER-KIND` / `-MEMBER` | `KIND` / `MEMBER` |
//! | `itemN.X-ABDATE` + `itemN.X-ABLabel:_$!<Anniversary>!$_` | `itemN.ANNIVERSARY` |
//! | `itemN.X-ABRELATEDNAMES` + `X-ABLabel:_$!<Friend>!$_` | `itemN.RELATED;VALUE=text;TYPE=friend` |
//! | `BDAY;X-APPLE-OMIT-YEAR=1604:1604-11-25` | `BDAY:--1125` |
//! | `X-GENDER:Female` | `GENDER:F` |
//! | `X-AIM:user`, `X-YAHOO:user`, … | `IMPP;X-SERVICE-TYPE=AIM:aim:user`, … |
//! | dates `1987-11-25`, `2020-10-13T16:25:41Z` | `19871125`, `20201013T162541Z` |
//!
//! Every parsed card is first brought to the 4.0 form ([`to_v4`]); the 3.0 writer then applies
//! [`to_v3`]. Groups are kept so that `to_v3(to_v4(card))` gives back the same `itemN` names.

use std::borrow::{Borrow, Cow};

use crate::card::{Prop, Value};

pub(crate) const ANNIVERSARY_LABEL: &str = "_$!<Anniversary>!$_";
const OMIT_YEAR: &str = "X-APPLE-OMIT-YEAR";
const DATE_PROPS: [&str; 4] = ["BDAY", "ANNIVERSARY", "X-ABDATE", "DEATHDATE"];

/// RFC 6350 `RELATED` types, which Apple writes as `_$!<Type>!$_` labels.
const RELATED_TYPES: [&str; 20] = [
    "contact",
    "acquaintance",
    "friend",
    "met",
    "co-worker",
    "colleague",
    "co-resident",
    "neighbor",
    "child",
    "parent",
    "sibling",
    "spouse",
    "kin",
    "muse",
    "crush",
    "date",
    "sweetheart",
    "me",
    "agent",
    "emergency",
];

/// Instant-messaging services: Google protocol, `X-SERVICE-TYPE`, URI scheme, 3.0 property.
pub(crate) const IM_SERVICES: [(&str, &str, &str, &str); 10] = [
    ("aim", "AIM", "aim", "X-AIM"),
    ("msn", "MSN", "msnim", "X-MSN"),
    ("yahoo", "Yahoo", "ymsgr", "X-YAHOO"),
    ("skype", "Skype", "skype", "X-SKYPE"),
    ("qq", "QQ", "x-apple-qq", "X-QQ"),
    ("googleTalk", "GoogleTalk", "xmpp-gtalk", "X-GOOGLE-TALK"),
    ("icq", "ICQ", "icq", "X-ICQ"),
    ("jabber", "Jabber", "xmpp", "X-JABBER"),
    ("netMeeting", "NetMeeting", "callto", "X-NETMEETING"),
    ("gaduGadu", "GaduGadu", "x-apple-gadugadu", "X-GADUGADU"),
];

/// The related-type label Apple would write for RFC 6350 type `t`.
fn label_for_related(t: &str) -> String {
    let mut chars = t.chars();
    let cap: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    format!("_$!<{cap}>!$_")
}

/// The RFC 6350 type an Apple label stands for, when it is exactly one of ours.
fn related_for_label(label: &str) -> Option<&'static str> {
    RELATED_TYPES
        .iter()
        .copied()
        .find(|t| label_for_related(t) == label)
}

fn label_of<'a, P: Borrow<Prop>>(
    props: &'a [P],
    group: &Option<String>,
) -> Option<(usize, &'a str)> {
    let group = group.as_ref()?;
    props
        .iter()
        .enumerate()
        .find_map(|(i, p)| match &p.borrow().value {
            Value::Text(s)
                if p.borrow().name == "X-ABLABEL"
                    && p.borrow()
                        .group
                        .as_ref()
                        .is_some_and(|g| g.eq_ignore_ascii_case(group)) =>
            {
                Some((i, s.as_str()))
            }
            _ => None,
        })
}

fn group_size(props: &[Prop], group: &str) -> usize {
    props
        .iter()
        .filter(|p| {
            p.group
                .as_ref()
                .is_some_and(|g| g.eq_ignore_ascii_case(group))
        })
        .count()
}

/// A fresh `itemN` name not used in `props`.
pub(crate) fn fresh_group<P: Borrow<Prop>>(props: &[P], taken: &mut u32) -> String {
    loop {
        *taken += 1;
        let name = format!("item{taken}");
        if !props.iter().any(|p| {
            p.borrow()
                .group
                .as_ref()
                .is_some_and(|g| g.eq_ignore_ascii_case(&name))
        }) {
            return name;
        }
    }
}

fn text_of(p: &Prop) -> String {
    p.value_string()
}

/// `1987-11-25` → `19871125`, `--11-25` → `--1125`; other values unchanged.
fn basic_date(s: &str) -> String {
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && t.chars().filter(|c| c.is_ascii_digit()).count() == 8
    {
        return t.replace('-', "");
    }
    if b.len() == 7 && t.starts_with("--") && b[4] == b'-' {
        return format!("--{}{}", &t[2..4], &t[5..7]);
    }
    t.to_string()
}

/// `19871125` → `1987-11-25`; `20201013T162541Z` → `2020-10-13T16:25:41Z`.
fn extended_date(s: &str) -> String {
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..8]);
    }
    if b.len() >= 15
        && b[8] == b'T'
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[9..15].iter().all(u8::is_ascii_digit)
    {
        return format!(
            "{}-{}-{}T{}:{}:{}{}",
            &t[..4],
            &t[4..6],
            &t[6..8],
            &t[9..11],
            &t[11..13],
            &t[13..15],
            &t[15..]
        );
    }
    t.to_string()
}

/// Whether [`to_v4`] may rewrite `p` (a line it leaves alone is not copied).
fn v4_rewrites(p: &Prop) -> bool {
    p.param("TYPE")
        .is_some_and(|v| v.iter().any(|t| t.eq_ignore_ascii_case("pref")))
        || matches!(
            &*p.name,
            "X-ADDRESSBOOKSERVER-KIND"
                | "X-ADDRESSBOOKSERVER-MEMBER"
                | "X-ABRELATEDNAMES"
                | "X-GENDER"
        )
        || DATE_PROPS.contains(&&*p.name)
        || (p.name.starts_with("X-") && IM_SERVICES.iter().any(|(.., x)| *x == p.name))
}

/// The whole card in 4.0 conventions; the lines that need no change are borrowed.
pub(crate) fn to_v4(input: &[Prop]) -> Vec<Cow<'_, Prop>> {
    let mut props: Vec<Cow<'_, Prop>> = Vec::with_capacity(input.len());
    let mut drop = vec![false; input.len()];
    let mut has_anniversary = input.iter().any(|p| p.name == "ANNIVERSARY");
    // the label of a group can go when it is the only other line of the group
    let label_alone = |p: &Prop| {
        p.group
            .as_deref()
            .is_some_and(|g| group_size(input, g) == 2)
    };

    for original in input {
        if !v4_rewrites(original) {
            props.push(Cow::Borrowed(original));
            continue;
        }
        let mut p = original.clone();
        if p.remove_type("pref") && p.param("PREF").is_none() {
            p.add_param("PREF", "1");
        }
        match &*p.name {
            "X-ADDRESSBOOKSERVER-KIND" => {
                p.name = "KIND".into();
                p.value = Value::Text(text_of(&p).to_ascii_lowercase());
            }
            "X-ADDRESSBOOKSERVER-MEMBER" => p.name = "MEMBER".into(),
            "X-ABDATE" if !has_anniversary => {
                if let Some((li, label)) = label_of(input, &p.group)
                    && label.eq_ignore_ascii_case(ANNIVERSARY_LABEL)
                {
                    p.name = "ANNIVERSARY".into();
                    has_anniversary = true;
                    if label_alone(&p) {
                        drop[li] = true;
                    }
                }
            }
            "X-ABRELATEDNAMES" => {
                p.name = "RELATED".into();
                p.add_param("VALUE", "text");
                if let Some((li, label)) = label_of(input, &p.group)
                    && let Some(t) = related_for_label(label)
                {
                    p.add_param("TYPE", t);
                    if label_alone(&p) {
                        drop[li] = true;
                    }
                }
            }
            "X-GENDER" => {
                let v = text_of(&p);
                let parts = match v.to_ascii_lowercase().as_str() {
                    "male" => vec![vec!["M".to_string()]],
                    "female" => vec![vec!["F".to_string()]],
                    "other" => vec![vec!["O".to_string()]],
                    "none" => vec![vec!["N".to_string()]],
                    "unknown" => vec![vec!["U".to_string()]],
                    _ => vec![vec!["O".to_string()], vec![v]],
                };
                p.name = "GENDER".into();
                p.value = Value::Parts(parts);
            }
            name => {
                if let Some((_, service, scheme, _)) =
                    IM_SERVICES.iter().find(|(_, _, _, x)| *x == name)
                {
                    let user = text_of(&p);
                    p.name = "IMPP".into();
                    p.params
                        .insert(0, ("X-SERVICE-TYPE".into(), vec![service.to_string()]));
                    p.value = Value::Text(format!("{scheme}:{user}"));
                }
            }
        }
        if DATE_PROPS.contains(&&*p.name)
            && let Value::Text(v) = &p.value
        {
            let mut v = basic_date(v);
            if let Some(year) = p.first_param(OMIT_YEAR).map(str::to_string)
                && v.len() == 8
                && year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && v.starts_with(&year)
            {
                v = format!("--{}", &v[4..]);
                p.remove_param(OMIT_YEAR);
            }
            p.value = Value::Text(v);
        }
        props.push(Cow::Owned(p));
    }
    props
        .into_iter()
        .zip(drop)
        .filter_map(|(p, d)| (!d).then_some(p))
        .collect()
}

/// Whether [`to_v3`] may rewrite `p` (a line it leaves alone is not copied).
fn v3_rewrites(p: &Prop) -> bool {
    p.first_param("PREF") == Some("1")
        || matches!(
            &*p.name,
            "KIND" | "MEMBER" | "ANNIVERSARY" | "RELATED" | "GENDER" | "IMPP" | "REV"
        )
        || DATE_PROPS.contains(&&*p.name)
}

/// A 4.0-form card (see [`to_v4`]) in 3.0 conventions; the lines that need no change are
/// borrowed.
pub(crate) fn to_v3<'a>(input: &'a [Cow<'_, Prop>]) -> Vec<Cow<'a, Prop>> {
    let mut out: Vec<Cow<'a, Prop>> = Vec::with_capacity(input.len() + 2);
    let mut counter = 0u32;
    for original in input {
        if !v3_rewrites(original) {
            out.push(Cow::Borrowed(&**original));
            continue;
        }
        let mut p = Prop::clone(original);
        if p.first_param("PREF") == Some("1") {
            p.remove_param("PREF");
            p.add_param("TYPE", "pref");
        }
        let mut label: Option<String> = None;
        match &*p.name {
            "KIND" => p.name = "X-ADDRESSBOOKSERVER-KIND".into(),
            "MEMBER" => p.name = "X-ADDRESSBOOKSERVER-MEMBER".into(),
            "ANNIVERSARY" => {
                p.name = "X-ABDATE".into();
                if label_of(input, &p.group).is_none() {
                    label = Some(ANNIVERSARY_LABEL.into());
                }
            }
            "RELATED" => {
                p.name = "X-ABRELATEDNAMES".into();
                if p.param("VALUE")
                    .is_some_and(|v| v.len() == 1 && v[0].eq_ignore_ascii_case("text"))
                {
                    p.remove_param("VALUE");
                }
                if label_of(input, &p.group).is_none()
                    && let Some(t) = p
                        .types()
                        .into_iter()
                        .map(|t| t.to_ascii_lowercase())
                        .find(|t| RELATED_TYPES.contains(&t.as_str()))
                {
                    p.remove_type(&t);
                    label = Some(label_for_related(&t));
                }
            }
            "GENDER" => {
                let sex = p.part(0).unwrap_or_default().to_ascii_uppercase();
                let identity = p.part(1);
                let word = match (sex.as_str(), identity) {
                    (_, Some(text)) => text,
                    ("M", None) => "Male".into(),
                    ("F", None) => "Female".into(),
                    ("N", None) => "None".into(),
                    ("U", None) => "Unknown".into(),
                    _ => "Other".into(),
                };
                p.name = "X-GENDER".into();
                p.value = Value::Text(word);
            }
            "IMPP" => {
                let value = text_of(&p);
                let service = p.first_param("X-SERVICE-TYPE").map(str::to_string);
                let found = IM_SERVICES.iter().find(|(_, s, scheme, _)| {
                    service
                        .as_deref()
                        .is_some_and(|v| v.eq_ignore_ascii_case(s))
                        && value
                            .split_once(':')
                            .is_some_and(|(sc, _)| sc.eq_ignore_ascii_case(scheme))
                });
                if let Some((_, _, scheme, xprop)) = found {
                    p.remove_param("X-SERVICE-TYPE");
                    p.name = (*xprop).into();
                    p.value = Value::Text(value[scheme.len() + 1..].to_string());
                }
            }
            _ => {}
        }
        if DATE_PROPS.contains(&&*p.name)
            && let Value::Text(v) = &p.value
        {
            let v = v.clone();
            let b = v.as_bytes();
            if b.len() == 6 && v.starts_with("--") && b[2..].iter().all(u8::is_ascii_digit) {
                p.add_param(OMIT_YEAR, "1604");
                p.value = Value::Text(format!("1604-{}-{}", &v[2..4], &v[4..6]));
            } else {
                p.value = Value::Text(extended_date(&v));
            }
        }
        if p.name == "REV"
            && let Value::Text(v) = &p.value
        {
            p.value = Value::Text(extended_date(v));
        }
        if let Some(label) = label {
            let group = match &p.group {
                Some(g) => g.clone(),
                None => {
                    let g = fresh_group(input, &mut counter);
                    p.group = Some(g.clone());
                    g
                }
            };
            out.push(Cow::Owned(p));
            out.push(Cow::Owned(
                Prop::text("X-ABLABEL", label).with_group(Some(group)),
            ));
        } else {
            out.push(Cow::Owned(p));
        }
    }
    out
}
