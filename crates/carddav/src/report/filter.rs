//! Evaluation of an addressbook-query filter against a card's properties.

use vcard_map::Property;

use crate::xml::request::{Filter, ParamFilter, PropFilter, Test};

/// Whether the card (its stored bytes) matches; a card that does not parse matches nothing
/// unless the filter is empty.
pub(super) fn card_matches(filter: &Filter, vcard: &[u8]) -> bool {
    if filter.prop_filters.is_empty() {
        return true;
    }
    match vcard_map::parse_one(vcard) {
        Ok((card, _)) => matches(filter, &card.properties()),
        Err(_) => false,
    }
}

fn combine(test: Test, mut results: impl Iterator<Item = bool>) -> bool {
    match test {
        Test::AnyOf => results.any(|b| b),
        Test::AllOf => results.all(|b| b),
    }
}

pub(super) fn matches(filter: &Filter, props: &[Property]) -> bool {
    filter.prop_filters.is_empty()
        || combine(
            filter.test,
            filter.prop_filters.iter().map(|pf| prop_matches(pf, props)),
        )
}

fn prop_matches(pf: &PropFilter, props: &[Property]) -> bool {
    let mut instances = props
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case(&pf.name))
        .peekable();
    if pf.is_not_defined {
        return instances.peek().is_none();
    }
    if pf.text_matches.is_empty() && pf.param_filters.is_empty() {
        return instances.peek().is_some();
    }
    instances.any(|p| {
        combine(
            pf.test,
            pf.text_matches
                .iter()
                .map(|tm| tm.matches(&p.value))
                .chain(pf.param_filters.iter().map(|f| param_matches(f, p))),
        )
    })
}

fn param_matches(f: &ParamFilter, p: &Property) -> bool {
    let values = p
        .params
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(&f.name))
        .flat_map(|(_, vs)| vs.iter())
        .flat_map(|v| v.split(','));
    let mut values = values.peekable();
    if f.is_not_defined {
        return values.peek().is_none();
    }
    if values.peek().is_none() {
        return false;
    }
    match &f.text_match {
        None => true,
        Some(tm) => tm.matches_any(values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collation::{Collation, MatchType, TextMatch};

    fn prop(name: &str, params: &[(&str, &[&str])], value: &str) -> Property {
        Property {
            group: None,
            name: name.into(),
            params: params
                .iter()
                .map(|(n, vs)| {
                    (
                        (*n).to_owned(),
                        vs.iter().map(|v| (*v).to_owned()).collect(),
                    )
                })
                .collect(),
            value: value.into(),
        }
    }

    fn tm(m: MatchType, negate: bool, needle: &str) -> TextMatch {
        TextMatch::new(Collation::UnicodeCasemap, m, negate, needle)
    }

    fn pf(name: &str) -> PropFilter {
        PropFilter {
            name: name.into(),
            test: Test::AnyOf,
            is_not_defined: false,
            text_matches: Vec::new(),
            param_filters: Vec::new(),
        }
    }

    fn card() -> Vec<Property> {
        vec![
            prop("FN", &[], "Jane Doe"),
            prop("EMAIL", &[("TYPE", &["home", "pref"])], "jane@example.org"),
            prop("EMAIL", &[("TYPE", &["WORK"])], "jd@corp.example"),
        ]
    }

    #[test]
    fn prop_filters() {
        let props = card();
        let mut f = Filter::default();
        assert!(matches(&f, &props));
        f.prop_filters.push(pf("TEL"));
        assert!(!matches(&f, &props), "TEL is not defined");
        f.prop_filters[0].is_not_defined = true;
        assert!(matches(&f, &props));
        let mut email = pf("email");
        email
            .text_matches
            .push(tm(MatchType::EndsWith, false, "@CORP.EXAMPLE"));
        f.prop_filters.push(email);
        f.test = Test::AllOf;
        assert!(matches(&f, &props));
        f.prop_filters[1]
            .text_matches
            .push(tm(MatchType::StartsWith, false, "nobody"));
        assert!(matches(&f, &props), "anyof inside the prop-filter");
        f.prop_filters[1].test = Test::AllOf;
        assert!(!matches(&f, &props), "no single EMAIL satisfies both");
        f.test = Test::AnyOf;
        assert!(matches(&f, &props), "TEL is-not-defined still holds");
    }

    #[test]
    fn param_filters() {
        let props = card();
        let mut email = pf("EMAIL");
        email.param_filters.push(ParamFilter {
            name: "TYPE".into(),
            is_not_defined: false,
            text_match: Some(tm(MatchType::Equals, false, "work")),
        });
        let f = Filter {
            test: Test::AnyOf,
            prop_filters: vec![email.clone()],
        };
        assert!(matches(&f, &props));
        email.param_filters[0].text_match = Some(tm(MatchType::Equals, true, "home"));
        email.test = Test::AllOf;
        email
            .text_matches
            .push(tm(MatchType::Contains, false, "jane@"));
        let f = Filter {
            test: Test::AnyOf,
            prop_filters: vec![email.clone()],
        };
        assert!(
            !matches(&f, &props),
            "the home email is excluded by the negated param"
        );
        email.param_filters[0] = ParamFilter {
            name: "LABEL".into(),
            is_not_defined: true,
            text_match: None,
        };
        let f = Filter {
            test: Test::AnyOf,
            prop_filters: vec![email],
        };
        assert!(matches(&f, &props));
    }
}
