//! Google field types ⇄ vCard `TYPE` values and Apple `X-ABLabel` labels.

use crate::card::Prop;

/// Google types that Apple writes as `_$!<Type>!$_` labels.
const APPLE_LABELED: [&str; 22] = [
    "other",
    "homePage",
    "mobile",
    "main",
    "homeFax",
    "workFax",
    "otherFax",
    "pager",
    "anniversary",
    "father",
    "mother",
    "parent",
    "brother",
    "sister",
    "child",
    "friend",
    "spouse",
    "partner",
    "assistant",
    "manager",
    "home",
    "work",
];

/// The `X-ABLabel` value for Google type `t`: Apple's form for the types it knows, else `t`.
pub(crate) fn label_for(t: &str) -> String {
    if !APPLE_LABELED.contains(&t) {
        return t.to_string();
    }
    let inner = match t {
        "homeFax" => "HomeFAX".to_string(),
        "workFax" => "WorkFAX".to_string(),
        "otherFax" => "OtherFAX".to_string(),
        _ => {
            let mut c = t.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase())
                .into_iter()
                .chain(c)
                .collect()
        }
    };
    format!("_$!<{inner}>!$_")
}

/// The Google type an `X-ABLabel` stands for.
pub(crate) fn type_from_label(label: &str) -> String {
    let Some(inner) = label
        .strip_prefix("_$!<")
        .and_then(|l| l.strip_suffix(">!$_"))
    else {
        return label.to_string();
    };
    match inner {
        "HomeFAX" => "homeFax".into(),
        "WorkFAX" => "workFax".into(),
        "OtherFAX" => "otherFax".into(),
        _ => {
            let mut c = inner.chars();
            c.next()
                .map(|f| f.to_ascii_lowercase())
                .into_iter()
                .chain(c)
                .collect()
        }
    }
}

/// Which Person list a property belongs to, for its type vocabulary.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Email,
    Phone,
    Address,
    Url,
    Im,
    Sip,
    Calendar,
}

/// The Google type of a property from its label (preferred) or its TYPE values.
pub(crate) fn read_type(p: &Prop, label: Option<&str>, kind: Kind) -> Option<String> {
    if let Some(l) = label.filter(|l| !l.is_empty()) {
        return Some(type_from_label(l));
    }
    let has = |t: &str| p.has_type(t);
    let t = match kind {
        Kind::Phone => {
            if has("fax") {
                if has("home") {
                    "homeFax"
                } else if has("work") {
                    "workFax"
                } else {
                    "otherFax"
                }
            } else if has("pager") {
                if has("work") { "workPager" } else { "pager" }
            } else if has("cell") {
                if has("work") { "workMobile" } else { "mobile" }
            } else if has("main") || has("main-number") {
                "main"
            } else if has("home") {
                "home"
            } else if has("work") {
                "work"
            } else if has("other") {
                "other"
            } else {
                return None;
            }
        }
        Kind::Sip if has("cell") => "mobile",
        _ => {
            if has("home") {
                "home"
            } else if has("work") {
                "work"
            } else if has("other") {
                "other"
            } else {
                return None;
            }
        }
    };
    Some(t.to_string())
}

/// How Google type `t` is written: TYPE values, or a label.
pub(crate) fn write_type(t: &str, kind: Kind) -> (&'static [&'static str], Option<String>) {
    let types: &[&'static str] = match (kind, t) {
        (Kind::Phone, "home") => &["home"],
        (Kind::Phone, "work") => &["work"],
        (Kind::Phone, "mobile") => &["cell"],
        (Kind::Phone, "homeFax") => &["home", "fax"],
        (Kind::Phone, "workFax") => &["work", "fax"],
        (Kind::Phone, "otherFax") => &["fax"],
        (Kind::Phone, "pager") => &["pager"],
        (Kind::Phone, "workMobile") => &["work", "cell"],
        (Kind::Phone, "workPager") => &["work", "pager"],
        (Kind::Phone, "main") => &["main"],
        (Kind::Sip, "mobile") => &["cell"],
        (_, "home") => &["home"],
        (_, "work") => &["work"],
        _ => &[],
    };
    if types.is_empty() {
        (&[], Some(label_for(t)))
    } else {
        (types, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for t in APPLE_LABELED
            .iter()
            .chain(&["googleVoice", "referredBy", "Custom label"])
        {
            assert_eq!(type_from_label(&label_for(t)), *t);
        }
        assert_eq!(label_for("homeFax"), "_$!<HomeFAX>!$_");
    }
}
