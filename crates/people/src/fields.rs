//! The `personFields` / `updatePersonFields` mask paths and the source types, as Google spells them.

use std::fmt;
use std::str::FromStr;

/// A top-level Person field as it appears in `personFields` and `updatePersonFields` masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PersonField {
    Addresses,
    AgeRanges,
    Biographies,
    Birthdays,
    CalendarUrls,
    ClientData,
    CoverPhotos,
    EmailAddresses,
    Events,
    ExternalIds,
    Genders,
    ImClients,
    Interests,
    Locales,
    Locations,
    Memberships,
    Metadata,
    MiscKeywords,
    Names,
    Nicknames,
    Occupations,
    Organizations,
    PhoneNumbers,
    Photos,
    Relations,
    SipAddresses,
    Skills,
    Urls,
    UserDefined,
}

impl PersonField {
    /// Every field `personFields` accepts, in Google's documented order.
    pub const ALL: [PersonField; 29] = [
        PersonField::Addresses,
        PersonField::AgeRanges,
        PersonField::Biographies,
        PersonField::Birthdays,
        PersonField::CalendarUrls,
        PersonField::ClientData,
        PersonField::CoverPhotos,
        PersonField::EmailAddresses,
        PersonField::Events,
        PersonField::ExternalIds,
        PersonField::Genders,
        PersonField::ImClients,
        PersonField::Interests,
        PersonField::Locales,
        PersonField::Locations,
        PersonField::Memberships,
        PersonField::Metadata,
        PersonField::MiscKeywords,
        PersonField::Names,
        PersonField::Nicknames,
        PersonField::Occupations,
        PersonField::Organizations,
        PersonField::PhoneNumbers,
        PersonField::Photos,
        PersonField::Relations,
        PersonField::SipAddresses,
        PersonField::Skills,
        PersonField::Urls,
        PersonField::UserDefined,
    ];

    /// Every field `updatePersonFields` accepts.
    pub const UPDATABLE: [PersonField; 24] = [
        PersonField::Addresses,
        PersonField::Biographies,
        PersonField::Birthdays,
        PersonField::CalendarUrls,
        PersonField::ClientData,
        PersonField::EmailAddresses,
        PersonField::Events,
        PersonField::ExternalIds,
        PersonField::Genders,
        PersonField::ImClients,
        PersonField::Interests,
        PersonField::Locales,
        PersonField::Locations,
        PersonField::Memberships,
        PersonField::MiscKeywords,
        PersonField::Names,
        PersonField::Nicknames,
        PersonField::Occupations,
        PersonField::Organizations,
        PersonField::PhoneNumbers,
        PersonField::Relations,
        PersonField::SipAddresses,
        PersonField::Urls,
        PersonField::UserDefined,
    ];

    /// The mask path, e.g. `emailAddresses`.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonField::Addresses => "addresses",
            PersonField::AgeRanges => "ageRanges",
            PersonField::Biographies => "biographies",
            PersonField::Birthdays => "birthdays",
            PersonField::CalendarUrls => "calendarUrls",
            PersonField::ClientData => "clientData",
            PersonField::CoverPhotos => "coverPhotos",
            PersonField::EmailAddresses => "emailAddresses",
            PersonField::Events => "events",
            PersonField::ExternalIds => "externalIds",
            PersonField::Genders => "genders",
            PersonField::ImClients => "imClients",
            PersonField::Interests => "interests",
            PersonField::Locales => "locales",
            PersonField::Locations => "locations",
            PersonField::Memberships => "memberships",
            PersonField::Metadata => "metadata",
            PersonField::MiscKeywords => "miscKeywords",
            PersonField::Names => "names",
            PersonField::Nicknames => "nicknames",
            PersonField::Occupations => "occupations",
            PersonField::Organizations => "organizations",
            PersonField::PhoneNumbers => "phoneNumbers",
            PersonField::Photos => "photos",
            PersonField::Relations => "relations",
            PersonField::SipAddresses => "sipAddresses",
            PersonField::Skills => "skills",
            PersonField::Urls => "urls",
            PersonField::UserDefined => "userDefined",
        }
    }

    /// Whether `updatePersonFields` accepts this field.
    pub fn is_updatable(self) -> bool {
        Self::UPDATABLE.contains(&self)
    }

    /// Parses a comma-separated mask; `person.` prefixes are accepted as Google does.
    pub fn parse_mask(mask: &str) -> Result<Vec<PersonField>, UnknownField> {
        mask.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.strip_prefix("person.").unwrap_or(p).parse())
            .collect()
    }

    /// Joins fields into a mask string.
    pub fn mask(fields: &[PersonField]) -> String {
        fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A mask path that is not a Person field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown person field {0:?}")]
pub struct UnknownField(pub String);

impl FromStr for PersonField {
    type Err = UnknownField;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PersonField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownField(s.to_owned()))
    }
}

impl fmt::Display for PersonField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fields Google computes or fills from a profile; a contact cannot set them.
pub const READ_ONLY_PERSON_FIELDS: [PersonField; 5] = [
    PersonField::AgeRanges,
    PersonField::CoverPhotos,
    PersonField::Metadata,
    PersonField::Photos,
    PersonField::Skills,
];

/// Fields of which a contact may hold at most one value (more is a 400 on create and update).
pub const SINGLETON_PERSON_FIELDS: [PersonField; 4] = [
    PersonField::Names,
    PersonField::Birthdays,
    PersonField::Biographies,
    PersonField::Genders,
];

/// The `groupFields` mask paths of contactGroups.get/list.
pub const GROUP_FIELDS: [&str; 6] = [
    "clientData",
    "groupType",
    "memberCount",
    "metadata",
    "name",
    "resourceName",
];

/// `Source.type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    Account,
    Profile,
    DomainProfile,
    Contact,
    OtherContact,
    DomainContact,
}

impl SourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Account => "ACCOUNT",
            SourceType::Profile => "PROFILE",
            SourceType::DomainProfile => "DOMAIN_PROFILE",
            SourceType::Contact => "CONTACT",
            SourceType::OtherContact => "OTHER_CONTACT",
            SourceType::DomainContact => "DOMAIN_CONTACT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_parse_and_print() {
        let fields = PersonField::parse_mask("names, person.emailAddresses,,photos").unwrap();
        assert_eq!(
            fields,
            vec![
                PersonField::Names,
                PersonField::EmailAddresses,
                PersonField::Photos
            ]
        );
        assert_eq!(PersonField::mask(&fields), "names,emailAddresses,photos");
        assert_eq!(
            PersonField::parse_mask("names,etag"),
            Err(UnknownField("etag".into()))
        );
    }

    #[test]
    fn read_only_fields_are_not_updatable() {
        for f in READ_ONLY_PERSON_FIELDS {
            assert!(!f.is_updatable(), "{f}");
        }
        assert_eq!(PersonField::ALL.len(), 29);
    }
}
