//! Person JSON as Google stores and returns it: output-only fields, field masks, validation, search.

use people::PersonField;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

pub(crate) type Json = Map<String, Value>;

/// Every property of the Person schema; anything else in a request body is rejected like Google does.
const PERSON_KEYS: [&str; 38] = [
    "addresses",
    "ageRange",
    "ageRanges",
    "biographies",
    "birthdays",
    "braggingRights",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "etag",
    "events",
    "externalIds",
    "fileAses",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "relationshipInterests",
    "relationshipStatuses",
    "residences",
    "resourceName",
    "sipAddresses",
    "skills",
    "taglines",
    "urls",
    "userDefined",
];

/// Fields whose items carry an output-only `formattedType` computed from `type`.
const FORMATTED_TYPE_FIELDS: [&str; 12] = [
    "addresses",
    "calendarUrls",
    "emailAddresses",
    "events",
    "externalIds",
    "imClients",
    "miscKeywords",
    "organizations",
    "phoneNumbers",
    "relations",
    "sipAddresses",
    "urls",
];

/// The mask parameter's name in Google's messages, and where its valid paths are documented.
pub(crate) fn parse_mask(
    param: &str,
    value: Option<&str>,
    allowed: &[PersonField],
) -> Result<Option<Vec<PersonField>>, ApiError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for path in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bare = path.strip_prefix("person.").unwrap_or(path);
        match bare.parse::<PersonField>() {
            Ok(f) if allowed.contains(&f) => {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
            _ => {
                return Err(ApiError::invalid_argument(format!(
                    "Invalid {param} mask path: \"{path}\". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get."
                )));
            }
        }
    }
    Ok(Some(out))
}

/// A mask that must be present.
pub(crate) fn require_mask(
    param: &str,
    value: Option<&str>,
    allowed: &[PersonField],
) -> Result<Vec<PersonField>, ApiError> {
    parse_mask(param, value, allowed)?.ok_or_else(|| {
        ApiError::invalid_argument(format!(
            "{param} mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get."
        ))
    })
}

/// Rejects a request body with a property the Person schema does not have.
pub(crate) fn check_known_keys(person: &Json, at: &str) -> Result<(), ApiError> {
    match person.keys().find(|k| !PERSON_KEYS.contains(&k.as_str())) {
        Some(k) => Err(ApiError::invalid_argument(format!(
            "Invalid JSON payload received. Unknown name \"{k}\" at '{at}': Cannot find field."
        ))),
        None => Ok(()),
    }
}

/// Singleton fields with more than one value are a 400, as on createContact and updateContact.
pub(crate) fn check_singletons(person: &Json, fields: &[PersonField]) -> Result<(), ApiError> {
    for f in people::SINGLETON_PERSON_FIELDS {
        if !fields.contains(&f) {
            continue;
        }
        if let Some(Value::Array(items)) = person.get(f.as_str())
            && items.len() > 1
        {
            return Err(ApiError::invalid_argument(format!(
                "Invalid person.{f}: only one value is allowed for a contact; {} were given.",
                items.len()
            )));
        }
    }
    Ok(())
}

/// The contact-source reference put in every field's metadata.
pub(crate) fn source_ref(source_type: &str, id: &str) -> Value {
    json!({"type": source_type, "id": id})
}

/// Rewrites a writable field's items as Google returns them: metadata (primary on the first
/// item, source), formattedType, canonicalForm, displayName, … Output-only input is dropped.
pub(crate) fn normalize_items(
    field: &str,
    items: &[Value],
    source: &Value,
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::with_capacity(items.len());
    let primary = items
        .iter()
        .position(|i| {
            i.pointer("/metadata/sourcePrimary")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
        .unwrap_or(0);
    for (idx, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(ApiError::invalid_argument(format!(
                "Invalid value at 'person.{field}[{idx}]': expected an object."
            )));
        };
        let mut obj = obj.clone();
        obj.remove("metadata");
        obj.remove("formattedType");
        obj.remove("canonicalForm");
        obj.remove("formattedProtocol");
        let mut meta = Json::new();
        if field != "memberships" && idx == primary {
            meta.insert("primary".into(), Value::Bool(true));
        }
        meta.insert("source".into(), source.clone());
        match field {
            "names" => {
                obj.remove("displayName");
                obj.remove("displayNameLastFirst");
                let (display, last_first) = display_names(&obj);
                if let Some(d) = display {
                    obj.entry("unstructuredName")
                        .or_insert_with(|| Value::String(d.clone()));
                    obj.insert("displayName".into(), Value::String(d));
                }
                if let Some(l) = last_first {
                    obj.insert("displayNameLastFirst".into(), Value::String(l));
                }
            }
            "nicknames" if obj.get("type").and_then(Value::as_str) == Some("DEFAULT") => {
                obj.remove("type");
            }
            "genders" => {
                obj.remove("formattedValue");
                if let Some(v) = obj.get("value").and_then(Value::as_str) {
                    let f = formatted_token(v);
                    obj.insert("formattedValue".into(), Value::String(f));
                }
            }
            "phoneNumbers" => {
                if let Some(c) = obj
                    .get("value")
                    .and_then(Value::as_str)
                    .and_then(canonical_phone)
                {
                    obj.insert("canonicalForm".into(), Value::String(c));
                }
            }
            "imClients" => {
                if let Some(p) = obj.get("protocol").and_then(Value::as_str) {
                    let f = formatted_protocol(p);
                    obj.insert("formattedProtocol".into(), Value::String(f));
                }
            }
            "addresses" if !obj.contains_key("formattedValue") => {
                let parts: Vec<&str> = [
                    "streetAddress",
                    "extendedAddress",
                    "poBox",
                    "city",
                    "region",
                    "postalCode",
                    "country",
                ]
                .iter()
                .filter_map(|k| obj.get(*k).and_then(Value::as_str))
                .filter(|s| !s.is_empty())
                .collect();
                if !parts.is_empty() {
                    obj.insert("formattedValue".into(), Value::String(parts.join("\n")));
                }
            }
            "memberships" => {
                obj.remove("domainMembership");
                if let Some(Value::Object(m)) = obj.get_mut("contactGroupMembership") {
                    m.remove("contactGroupId");
                    if let Some(id) = m
                        .get("contactGroupResourceName")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("contactGroups/"))
                        .map(str::to_owned)
                    {
                        m.insert("contactGroupId".into(), Value::String(id));
                    }
                }
            }
            _ => {}
        }
        if FORMATTED_TYPE_FIELDS.contains(&field)
            && let Some(t) = obj.get("type").and_then(Value::as_str)
            && !t.is_empty()
        {
            let f = formatted_token(t);
            obj.insert("formattedType".into(), Value::String(f));
        }
        obj.insert("metadata".into(), Value::Object(meta));
        out.push(Value::Object(obj));
    }
    Ok(out)
}

/// `displayName` ("Dr. John Jay Doe III") and `displayNameLastFirst` ("Doe, Dr. John Jay, III").
fn display_names(name: &Json) -> (Option<String>, Option<String>) {
    let get = |k: &str| {
        name.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let (prefix, given, middle, family, suffix) = (
        get("honorificPrefix"),
        get("givenName"),
        get("middleName"),
        get("familyName"),
        get("honorificSuffix"),
    );
    let join = |parts: &[Option<&str>]| {
        let v: Vec<&str> = parts.iter().flatten().copied().collect();
        (!v.is_empty()).then(|| v.join(" "))
    };
    let display = join(&[prefix, given, middle, family, suffix]);
    let Some(display) = display.or_else(|| get("unstructuredName").map(str::to_owned)) else {
        return (None, None);
    };
    let first = join(&[prefix, given, middle]);
    let last_first = match (family, first) {
        (Some(f), Some(first)) => {
            let mut s = format!("{f}, {first}");
            if let Some(sfx) = suffix {
                s.push_str(", ");
                s.push_str(sfx);
            }
            s
        }
        _ => display.clone(),
    };
    (Some(display), Some(last_first))
}

/// A predefined type translated for an English-speaking viewer; a custom type is echoed.
pub(crate) fn formatted_token(t: &str) -> String {
    let known = match t {
        "homeFax" => "Home Fax",
        "workFax" => "Work Fax",
        "otherFax" => "Other Fax",
        "workMobile" => "Work Mobile",
        "workPager" => "Work Pager",
        "googleVoice" => "Google Voice",
        "homePage" => "Home Page",
        "appInstallPage" => "App Install Page",
        "domesticPartner" => "Domestic Partner",
        "referredBy" => "Referred by",
        "freeBusy" => "Free/Busy",
        "loginId" => "Login ID",
        "ftp" => "FTP",
        "home" | "work" | "other" | "mobile" | "pager" | "main" | "blog" | "profile"
        | "reservations" | "spouse" | "child" | "mother" | "father" | "parent" | "brother"
        | "sister" | "friend" | "relative" | "manager" | "assistant" | "partner"
        | "anniversary" | "account" | "customer" | "network" | "organization" | "school"
        | "male" | "female" | "unspecified" => {
            let mut c = t.chars();
            return c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
        }
        _ if t.chars().all(|c| c.is_ascii_uppercase() || c == '_') && t.contains('_') => {
            let words: Vec<String> = t
                .trim_start_matches("OUTLOOK_")
                .split('_')
                .map(|w| {
                    let lower = w.to_ascii_lowercase();
                    let mut c = lower.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect();
            return words.join(" ");
        }
        _ => t,
    };
    known.to_owned()
}

fn formatted_protocol(p: &str) -> String {
    match p {
        "aim" => "AIM",
        "msn" => "MSN",
        "yahoo" => "Yahoo",
        "skype" => "Skype",
        "qq" => "QQ",
        "googleTalk" => "Google Talk",
        "icq" => "ICQ",
        "jabber" => "Jabber",
        "netMeeting" => "NetMeeting",
        other => other,
    }
    .to_owned()
}

/// E.164 form: `+` numbers keep their country code; national numbers of 9 digits are taken
/// as Spanish (the region of the captured samples), of 10 digits as North American.
pub(crate) fn canonical_phone(value: &str) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = trimmed.strip_prefix('+') {
        let d: String = rest.chars().filter(char::is_ascii_digit).collect();
        return (8..=15).contains(&d.len()).then(|| format!("+{d}"));
    }
    if let Some(d) = digits.strip_prefix("00") {
        return (8..=15).contains(&d.len()).then(|| format!("+{d}"));
    }
    match digits.len() {
        9 => Some(format!("+34{digits}")),
        10 => Some(format!("+1{digits}")),
        11 if digits.starts_with('1') => Some(format!("+{digits}")),
        _ => None,
    }
}

/// Builds the response form of a stored person: `resourceName`, `etag` and the masked fields.
/// `photos` is passed in because its URLs depend on the address the caller used.
pub(crate) fn render(stored: &Json, mask: &[PersonField], photos: Option<Value>) -> Value {
    let mut out = Json::new();
    for k in ["resourceName", "etag"] {
        if let Some(v) = stored.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    for f in mask {
        let key = f.as_str();
        if *f == PersonField::Photos {
            if let Some(p) = &photos {
                out.insert(key.into(), p.clone());
            }
            continue;
        }
        if let Some(v) = stored.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// The lower-cased texts searchContacts matches against: names, nicknames, emails, phones,
/// organizations.
pub(crate) fn search_texts(person: &Json) -> Vec<String> {
    let mut texts = Vec::new();
    let mut push = |field: &str, keys: &[&str]| {
        if let Some(Value::Array(items)) = person.get(field) {
            for item in items {
                for k in keys {
                    if let Some(s) = item.get(*k).and_then(Value::as_str) {
                        texts.push(s.to_lowercase());
                    }
                }
            }
        }
    };
    push(
        "names",
        &[
            "displayName",
            "displayNameLastFirst",
            "givenName",
            "familyName",
            "middleName",
            "unstructuredName",
        ],
    );
    push("nicknames", &["value"]);
    push("emailAddresses", &["value"]);
    push("phoneNumbers", &["value", "canonicalForm"]);
    push("organizations", &["name", "department", "title"]);
    texts
}

/// Google's prefix-phrase rule: "foo name" matches "f", "foo n", "nam", but not "oo n".
pub(crate) fn prefix_phrase_match(texts: &[String], query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return false;
    }
    texts.iter().any(|t| {
        t.char_indices().any(|(i, _)| {
            let at_word_start = i == 0
                || t[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| !c.is_alphanumeric());
            at_word_start && t[i..].starts_with(&q)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_follow_the_captured_samples() {
        let name: Json = serde_json::from_value(json!({
            "familyName": "Doe", "givenName": "John", "middleName": "Jay",
            "honorificPrefix": "Dr.", "honorificSuffix": "III"
        }))
        .unwrap();
        assert_eq!(
            display_names(&name),
            (
                Some("Dr. John Jay Doe III".into()),
                Some("Doe, Dr. John Jay, III".into())
            )
        );
        let konqui: Json = serde_json::from_value(json!({"givenName": "Konqui"})).unwrap();
        assert_eq!(
            display_names(&konqui),
            (Some("Konqui".into()), Some("Konqui".into()))
        );
    }

    #[test]
    fn phones_get_an_e164_form() {
        assert_eq!(
            canonical_phone("666 12 34 90").as_deref(),
            Some("+34666123490")
        );
        assert_eq!(
            canonical_phone("+49 30 1234567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            canonical_phone("(555) 010-4477").as_deref(),
            Some("+15550104477")
        );
        assert_eq!(canonical_phone("call me"), None);
    }

    #[test]
    fn prefix_phrases_match_from_word_starts() {
        let t = vec!["foo name".to_owned()];
        for q in ["f", "fo", "foo", "foo n", "nam"] {
            assert!(prefix_phrase_match(&t, q), "{q}");
        }
        assert!(!prefix_phrase_match(&t, "oo n"));
    }

    #[test]
    fn types_are_formatted() {
        assert_eq!(formatted_token("mobile"), "Mobile");
        assert_eq!(formatted_token("workFax"), "Work Fax");
        assert_eq!(formatted_token("My Label"), "My Label");
        assert_eq!(
            formatted_token("OUTLOOK_BILLING_INFORMATION"),
            "Billing Information"
        );
    }
}
