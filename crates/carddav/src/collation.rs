//! CardDAV text-match (RFC 6352 §10.5.4): the `i;unicode-casemap` (RFC 5051), `i;ascii-casemap`
//! and `i;octet` collations with the equals/contains/starts-with/ends-with match types.

/// A collation: how two strings are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collation {
    /// RFC 5051: case-insensitive for all of Unicode (full case folding; titlecase and
    /// compatibility normalisation are not applied).
    UnicodeCasemap,
    /// RFC 4790: case-insensitive for ASCII letters only.
    AsciiCasemap,
    /// RFC 4790: byte for byte.
    Octet,
}

impl Collation {
    pub fn from_name(name: &str) -> Option<Collation> {
        match name {
            "i;unicode-casemap" => Some(Collation::UnicodeCasemap),
            "i;ascii-casemap" => Some(Collation::AsciiCasemap),
            "i;octet" => Some(Collation::Octet),
            _ => None,
        }
    }

    /// The string as this collation compares it.
    pub fn fold(self, s: &str) -> String {
        match self {
            // Upper-casing first maps e.g. ß to SS, so that "STRASSE" and "straße" compare equal.
            Collation::UnicodeCasemap => s.to_uppercase().to_lowercase(),
            Collation::AsciiCasemap => s.to_ascii_lowercase(),
            Collation::Octet => s.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchType {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

impl MatchType {
    pub fn from_name(name: &str) -> Option<MatchType> {
        match name {
            "equals" => Some(MatchType::Equals),
            "contains" => Some(MatchType::Contains),
            "starts-with" => Some(MatchType::StartsWith),
            "ends-with" => Some(MatchType::EndsWith),
            _ => None,
        }
    }
}

/// One `<C:text-match>`, with its needle already folded by the collation.
#[derive(Debug, Clone, PartialEq)]
pub struct TextMatch {
    pub collation: Collation,
    pub match_type: MatchType,
    pub negate: bool,
    needle: String,
}

impl TextMatch {
    pub fn new(
        collation: Collation,
        match_type: MatchType,
        negate: bool,
        needle: &str,
    ) -> TextMatch {
        TextMatch {
            collation,
            match_type,
            negate,
            needle: collation.fold(needle),
        }
    }

    /// Whether `value` satisfies this match (after negate-condition).
    pub fn matches(&self, value: &str) -> bool {
        self.hit(value) != self.negate
    }

    /// For a multi-valued item (a parameter's values): whether any value matches, then negated
    /// when asked, so `TYPE=home,work` does not satisfy a negated match on `home`.
    pub fn matches_any<'a>(&self, mut values: impl Iterator<Item = &'a str>) -> bool {
        values.any(|v| self.hit(v)) != self.negate
    }

    fn hit(&self, value: &str) -> bool {
        let hay = self.collation.fold(value);
        match self.match_type {
            MatchType::Equals => hay == self.needle,
            MatchType::Contains => hay.contains(&self.needle),
            MatchType::StartsWith => hay.starts_with(&self.needle),
            MatchType::EndsWith => hay.ends_with(&self.needle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(c: Collation, m: MatchType, neg: bool, needle: &str) -> TextMatch {
        TextMatch::new(c, m, neg, needle)
    }

    #[test]
    fn unicode_casemap_folds_beyond_ascii() {
        let m = tm(
            Collation::UnicodeCasemap,
            MatchType::Equals,
            false,
            "STRASSE",
        );
        assert!(m.matches("straße"));
        let m = tm(Collation::UnicodeCasemap, MatchType::Contains, false, "élo");
        assert!(m.matches("Hélène ÉLOÏSE"));
        let m = tm(
            Collation::UnicodeCasemap,
            MatchType::StartsWith,
            false,
            "ΣΩ",
        );
        assert!(m.matches("σωκράτης"));
    }

    #[test]
    fn ascii_casemap_folds_ascii_only() {
        let m = tm(Collation::AsciiCasemap, MatchType::Equals, false, "JOHN");
        assert!(m.matches("john"));
        let m = tm(Collation::AsciiCasemap, MatchType::Equals, false, "ÉLO");
        assert!(!m.matches("élo"));
        assert!(m.matches("ÉLO"));
    }

    #[test]
    fn octet_is_exact() {
        let m = tm(Collation::Octet, MatchType::Contains, false, "Doe");
        assert!(m.matches("John Doe"));
        assert!(!m.matches("john doe"));
    }

    #[test]
    fn match_types_and_negation() {
        let c = Collation::UnicodeCasemap;
        assert!(tm(c, MatchType::StartsWith, false, "jo").matches("John"));
        assert!(!tm(c, MatchType::StartsWith, false, "hn").matches("John"));
        assert!(tm(c, MatchType::EndsWith, false, "HN").matches("John"));
        assert!(!tm(c, MatchType::EndsWith, false, "jo").matches("John"));
        assert!(tm(c, MatchType::Contains, false, "").matches("anything"));
        assert!(!tm(c, MatchType::Equals, false, "jo").matches("John"));
        assert!(tm(c, MatchType::Equals, true, "jo").matches("John"));
        assert!(!tm(c, MatchType::Contains, true, "oh").matches("John"));
        let home = tm(c, MatchType::Equals, true, "home");
        assert!(!home.matches_any(["work", "HOME"].into_iter()));
        assert!(home.matches_any(["work"].into_iter()));
        assert_eq!(Collation::from_name("i;foo"), None);
        assert_eq!(MatchType::from_name("regex"), None);
    }
}
