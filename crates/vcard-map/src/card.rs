//! The parsed vCard: a version-neutral list of content lines, with accessors for CardDAV filters.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

use crate::error::{VcardError, VcardErrorKind};

/// The vCard version written (and, for input, the one declared by the source).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Version {
    /// vCard 3.0 (RFC 2426) with Apple's conventions. vCard 2.1 input reads as this.
    V3,
    /// vCard 4.0 (RFC 6350).
    V4,
}

impl Version {
    /// `"3.0"` or `"4.0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V3 => "3.0",
            Version::V4 => "4.0",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Version {
    type Err = VcardError;

    fn from_str(s: &str) -> Result<Version, VcardError> {
        match s.trim() {
            "3.0" | "3" => Ok(Version::V3),
            "4.0" | "4" => Ok(Version::V4),
            other => Err(VcardError::new(
                VcardErrorKind::UnsupportedVersion,
                format!("unsupported vcard version {other:?}, use 3.0 or 4.0"),
            )),
        }
    }
}

/// One property of a card as plain data (for CardDAV `addressbook-query` filters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The `itemN` group, as written.
    pub group: Option<String>,
    /// Upper-case property name.
    pub name: String,
    /// Upper-case parameter names with their values, in source order.
    pub params: Vec<(String, Vec<String>)>,
    /// The decoded value: structured components joined with `;`, list items with `,`
    /// (unescaped), binary data as base64.
    pub value: String,
}

/// The value of one content line, already unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A single value (text, URI, date, …).
    Text(String),
    /// A comma-separated list (`CATEGORIES`, `NICKNAME`).
    List(Vec<String>),
    /// Semicolon-separated components, each a comma-separated list (`N`, `ADR`, `ORG`, `GENDER`).
    Parts(Vec<Vec<String>>),
    /// Inline binary data (`ENCODING=b` in 3.0, a `data:` URI in 4.0).
    Binary {
        media_type: Option<String>,
        data: Vec<u8>,
    },
}

impl Value {
    /// The value as one string (see [`Property::value`]), borrowed when it is a single text.
    pub fn joined(&self) -> Cow<'_, str> {
        match self {
            Value::Text(s) => Cow::Borrowed(s),
            Value::List(items) => Cow::Owned(items.join(",")),
            Value::Parts(parts) => Cow::Owned(
                parts
                    .iter()
                    .map(|p| p.join(","))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Value::Binary { data, .. } => {
                Cow::Owned(base64::engine::general_purpose::STANDARD.encode(data))
            }
        }
    }
}

/// One content line: optional group, upper-case name, parameters and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Prop {
    pub group: Option<String>,
    pub name: Name,
    pub params: Vec<(Name, Vec<String>)>,
    pub value: Value,
}

/// An upper-case property or parameter name: the names this crate knows are borrowed from one
/// static table instead of allocated for every line.
pub(crate) type Name = Cow<'static, str>;

/// `upper` (an upper-case name) as a [`Name`], borrowed when it is a known one. A `match`, which
/// compiles to a switch on the length and one or two comparisons: cheaper than the allocation.
pub(crate) fn name(upper: &str) -> Name {
    Cow::Borrowed(match upper {
        "ADR" => "ADR",
        "AGENT" => "AGENT",
        "ALTID" => "ALTID",
        "ANNIVERSARY" => "ANNIVERSARY",
        "BDAY" => "BDAY",
        "BEGIN" => "BEGIN",
        "BIRTHPLACE" => "BIRTHPLACE",
        "CALADRURI" => "CALADRURI",
        "CALSCALE" => "CALSCALE",
        "CALURI" => "CALURI",
        "CATEGORIES" => "CATEGORIES",
        "CC" => "CC",
        "CHARSET" => "CHARSET",
        "CLASS" => "CLASS",
        "CLIENTPIDMAP" => "CLIENTPIDMAP",
        "CONTACT-URI" => "CONTACT-URI",
        "CREATED" => "CREATED",
        "DEATHDATE" => "DEATHDATE",
        "DEATHPLACE" => "DEATHPLACE",
        "EMAIL" => "EMAIL",
        "ENCODING" => "ENCODING",
        "END" => "END",
        "EXPERTISE" => "EXPERTISE",
        "FBURL" => "FBURL",
        "FN" => "FN",
        "GENDER" => "GENDER",
        "GEO" => "GEO",
        "HOBBY" => "HOBBY",
        "IMPP" => "IMPP",
        "INDEX" => "INDEX",
        "INTEREST" => "INTEREST",
        "KEY" => "KEY",
        "KIND" => "KIND",
        "LABEL" => "LABEL",
        "LANG" => "LANG",
        "LANGUAGE" => "LANGUAGE",
        "LEVEL" => "LEVEL",
        "LOGO" => "LOGO",
        "MAILER" => "MAILER",
        "MEDIATYPE" => "MEDIATYPE",
        "MEMBER" => "MEMBER",
        "N" => "N",
        "NAME" => "NAME",
        "NICKNAME" => "NICKNAME",
        "NOTE" => "NOTE",
        "ORG" => "ORG",
        "ORG-DIRECTORY" => "ORG-DIRECTORY",
        "PHONETIC" => "PHONETIC",
        "PHOTO" => "PHOTO",
        "PID" => "PID",
        "PREF" => "PREF",
        "PRODID" => "PRODID",
        "RELATED" => "RELATED",
        "REV" => "REV",
        "ROLE" => "ROLE",
        "SCRIPT" => "SCRIPT",
        "SOCIALPROFILE" => "SOCIALPROFILE",
        "SORT-AS" => "SORT-AS",
        "SORT-STRING" => "SORT-STRING",
        "SOUND" => "SOUND",
        "SOURCE" => "SOURCE",
        "TEL" => "TEL",
        "TITLE" => "TITLE",
        "TYPE" => "TYPE",
        "TZ" => "TZ",
        "UID" => "UID",
        "URL" => "URL",
        "VALUE" => "VALUE",
        "VERSION" => "VERSION",
        "X-ABADR" => "X-ABADR",
        "X-ABDATE" => "X-ABDATE",
        "X-ABLABEL" => "X-ABLABEL",
        "X-ABRELATEDNAMES" => "X-ABRELATEDNAMES",
        "X-ABSHOWAS" => "X-ABSHOWAS",
        "X-ABUID" => "X-ABUID",
        "X-ADDRESSBOOKSERVER-KIND" => "X-ADDRESSBOOKSERVER-KIND",
        "X-ADDRESSBOOKSERVER-MEMBER" => "X-ADDRESSBOOKSERVER-MEMBER",
        "X-AIM" => "X-AIM",
        "X-ANNIVERSARY" => "X-ANNIVERSARY",
        "X-APPLE-OMIT-YEAR" => "X-APPLE-OMIT-YEAR",
        "X-ASSISTANT" => "X-ASSISTANT",
        "X-EVOLUTION-FILE-AS" => "X-EVOLUTION-FILE-AS",
        "X-GADUGADU" => "X-GADUGADU",
        "X-GENDER" => "X-GENDER",
        "X-GOOGLE-TALK" => "X-GOOGLE-TALK",
        "X-ICQ" => "X-ICQ",
        "X-JABBER" => "X-JABBER",
        "X-MANAGER" => "X-MANAGER",
        "X-MOZILLA-HTML" => "X-MOZILLA-HTML",
        "X-MSN" => "X-MSN",
        "X-NETMEETING" => "X-NETMEETING",
        "X-PEOPLEDAV-ADDRESS-ME-AS" => "X-PEOPLEDAV-ADDRESS-ME-AS",
        "X-PEOPLEDAV-CLIENTDATA" => "X-PEOPLEDAV-CLIENTDATA",
        "X-PEOPLEDAV-CONTENT-TYPE" => "X-PEOPLEDAV-CONTENT-TYPE",
        "X-PEOPLEDAV-DISPLAY-NAME" => "X-PEOPLEDAV-DISPLAY-NAME",
        "X-PEOPLEDAV-EXTERNALID" => "X-PEOPLEDAV-EXTERNALID",
        "X-PEOPLEDAV-KEYWORD" => "X-PEOPLEDAV-KEYWORD",
        "X-PEOPLEDAV-LOCATION" => "X-PEOPLEDAV-LOCATION",
        "X-PEOPLEDAV-ORG" => "X-PEOPLEDAV-ORG",
        "X-PEOPLEDAV-PHONETIC-FULL-NAME" => "X-PEOPLEDAV-PHONETIC-FULL-NAME",
        "X-PEOPLEDAV-PHONETIC-PREFIX" => "X-PEOPLEDAV-PHONETIC-PREFIX",
        "X-PEOPLEDAV-PHONETIC-SUFFIX" => "X-PEOPLEDAV-PHONETIC-SUFFIX",
        "X-PEOPLEDAV-TEXT" => "X-PEOPLEDAV-TEXT",
        "X-PEOPLEDAV-USERDEFINED" => "X-PEOPLEDAV-USERDEFINED",
        "X-PHONETIC-FIRST-NAME" => "X-PHONETIC-FIRST-NAME",
        "X-PHONETIC-LAST-NAME" => "X-PHONETIC-LAST-NAME",
        "X-PHONETIC-MIDDLE-NAME" => "X-PHONETIC-MIDDLE-NAME",
        "X-PHONETIC-ORG" => "X-PHONETIC-ORG",
        "X-QQ" => "X-QQ",
        "X-SERVICE-TYPE" => "X-SERVICE-TYPE",
        "X-SKYPE" => "X-SKYPE",
        "X-SOCIALPROFILE" => "X-SOCIALPROFILE",
        "X-SPOUSE" => "X-SPOUSE",
        "X-YAHOO" => "X-YAHOO",
        "XML" => "XML",
        _ => return Cow::Owned(upper.to_owned()),
    })
}

/// `raw` upper-cased as a [`Name`], without allocating when it is a known name.
pub(crate) fn upper_name(raw: &str) -> Name {
    if raw.bytes().any(|b| b.is_ascii_lowercase()) {
        name(&raw.to_ascii_uppercase())
    } else {
        name(raw)
    }
}

/// How a property's value is laid out on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    Text,
    Uri,
    List,
    Parts,
}

/// The wire shape of a property, by name.
pub(crate) fn shape_of(name: &str) -> Shape {
    match name {
        "N" | "ADR" | "ORG" | "GENDER" | "CLIENTPIDMAP" => Shape::Parts,
        "CATEGORIES" | "NICKNAME" => Shape::List,
        "URL"
        | "PHOTO"
        | "LOGO"
        | "SOUND"
        | "SOURCE"
        | "FBURL"
        | "CALURI"
        | "CALADRURI"
        | "IMPP"
        | "MEMBER"
        | "X-ADDRESSBOOKSERVER-MEMBER"
        | "KEY"
        | "GEO"
        | "UID"
        | "ORG-DIRECTORY"
        | "CONTACT-URI"
        | "SOCIALPROFILE" => Shape::Uri,
        _ => Shape::Text,
    }
}

impl Prop {
    pub fn new(name: &str, value: Value) -> Prop {
        Prop {
            group: None,
            name: upper_name(name),
            params: Vec::new(),
            value,
        }
    }

    pub fn text(name: &str, value: impl Into<String>) -> Prop {
        Prop::new(name, Value::Text(value.into()))
    }

    pub fn with_group(mut self, group: Option<String>) -> Prop {
        self.group = group;
        self
    }

    /// Adds `value` to parameter `name` (creating it when absent).
    pub fn add_param(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if let Some((_, values)) = self.params.iter_mut().find(|(n, _)| n == name) {
            if !values.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
                values.push(value);
            }
        } else {
            self.params.push((upper_name(name), vec![value]));
        }
    }

    pub fn param(&self, name: &str) -> Option<&[String]> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    pub fn first_param(&self, name: &str) -> Option<&str> {
        self.param(name)?.first().map(String::as_str)
    }

    pub fn remove_param(&mut self, name: &str) -> Option<Vec<String>> {
        let pos = self.params.iter().position(|(n, _)| n == name)?;
        Some(self.params.remove(pos).1)
    }

    /// Upper-cased `TYPE` values.
    pub fn types(&self) -> Vec<String> {
        self.param("TYPE")
            .unwrap_or_default()
            .iter()
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_ascii_uppercase())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn has_type(&self, t: &str) -> bool {
        self.param("TYPE")
            .unwrap_or_default()
            .iter()
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case(t))
    }

    /// Removes one `TYPE` value (case-insensitive); drops the parameter when it empties.
    pub fn remove_type(&mut self, t: &str) -> bool {
        let Some((_, values)) = self.params.iter_mut().find(|(n, _)| n == "TYPE") else {
            return false;
        };
        let before = values.len();
        values.retain(|v| !v.eq_ignore_ascii_case(t));
        let removed = values.len() != before;
        if values.is_empty() {
            self.remove_param("TYPE");
        }
        removed
    }

    /// The value as one string (see [`Property::value`]).
    pub fn value_string(&self) -> String {
        self.value.joined().into_owned()
    }

    /// Component `i` of a structured value, items joined with `,`.
    pub fn part(&self, i: usize) -> Option<String> {
        match &self.value {
            Value::Parts(parts) => parts.get(i).map(|p| p.join(",")).filter(|s| !s.is_empty()),
            Value::Text(s) if i == 0 => Some(s.clone()).filter(|s| !s.is_empty()),
            Value::List(items) if i == 0 => Some(items.join(",")).filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    pub fn to_property(&self) -> Property {
        Property {
            group: self.group.clone(),
            name: self.name.to_string(),
            params: self
                .params
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
            value: self.value_string(),
        }
    }
}

/// One parsed vCard. Keeps every property, parameter and `itemN` group, known or not.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Card {
    /// Content lines other than BEGIN, END and VERSION, in order.
    pub(crate) props: Vec<Prop>,
    /// The version the source declared.
    pub(crate) version: Option<Version>,
}

impl Card {
    pub(crate) fn from_props(props: Vec<Prop>, version: Option<Version>) -> Card {
        Card { props, version }
    }

    /// The `UID` value, if any.
    pub fn uid(&self) -> Option<&str> {
        self.props
            .iter()
            .find(|p| p.is("UID"))
            .and_then(|p| match &p.value {
                Value::Text(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// The version as written in the source; vCard 2.1 reads as [`Version::V3`].
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Whether this card is a group (`KIND:group` or `X-ADDRESSBOOKSERVER-KIND:group`).
    pub fn is_group(&self) -> bool {
        self.props.iter().any(|p| {
            (p.is("KIND") || p.is("X-ADDRESSBOOKSERVER-KIND"))
                && p.value_string().eq_ignore_ascii_case("group")
        })
    }

    /// The `FN` value, if any.
    pub fn formatted_name(&self) -> Option<String> {
        self.props
            .iter()
            .find(|p| p.is("FN"))
            .map(Prop::value_string)
    }

    /// Every property as plain data (BEGIN, END and VERSION excluded).
    pub fn properties(&self) -> Vec<Property> {
        self.props.iter().map(Prop::to_property).collect()
    }

    /// The card written strictly in `version` (see [`crate::write`](crate) for the rules).
    pub fn write(&self, version: Version) -> String {
        crate::write::write_card(self, version, None)
    }

    /// Only the named properties (plus BEGIN, END, VERSION and UID).
    pub fn write_only(&self, version: Version, props: &[&str]) -> String {
        let wanted: Vec<String> = props.iter().map(|p| p.to_ascii_uppercase()).collect();
        crate::write::write_card(self, version, Some(&wanted))
    }

    /// Replaces (or adds) the `UID`.
    pub fn set_uid(&mut self, uid: &str) {
        self.props.retain(|p| !p.is("UID"));
        let at = self
            .props
            .iter()
            .position(|p| !(p.is("FN") || p.is("N")))
            .unwrap_or(self.props.len());
        self.props.insert(at, Prop::text("UID", uid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_are_borrowed() {
        for known in ["TEL", "X-ABLABEL", "TYPE", "PREF", "X-PEOPLEDAV-CLIENTDATA"] {
            assert!(matches!(name(known), Cow::Borrowed(n) if n == known));
        }
        assert!(matches!(upper_name("tel"), Cow::Borrowed("TEL")));
        assert_eq!(upper_name("x-custom"), "X-CUSTOM");
        assert!(matches!(upper_name("X-CUSTOM"), Cow::Owned(_)));
    }
}
