//! Small conveniences on the generated types: Date's "0 means not given", source etags, resource ids.

use crate::{ContactGroup, Date, FieldMetadata, Person, Source};

impl Date {
    /// A full or partial date; 0 or `None` means "not given".
    pub fn new(year: Option<i32>, month: Option<i32>, day: Option<i32>) -> Date {
        let given = |v: Option<i32>| v.filter(|&v| v != 0);
        Date {
            year: given(year),
            month: given(month),
            day: given(day),
            ..Date::default()
        }
    }

    pub fn year(&self) -> Option<i32> {
        self.year.filter(|&y| y != 0)
    }

    pub fn month(&self) -> Option<i32> {
        self.month.filter(|&m| m != 0)
    }

    pub fn day(&self) -> Option<i32> {
        self.day.filter(|&d| d != 0)
    }
}

impl Person {
    /// Gives back the spare capacity of every field list. A list that grew by pushes holds room
    /// for four entries after the first, and a Person's entries are large (each carries its
    /// metadata), so a Person built field by field and then kept (a page of a sync, the cards
    /// of an import) takes about three times the memory it needs without this.
    pub fn shrink_to_fit(&mut self) {
        macro_rules! shrink {
            ($($field:expr,)*) => {
                $(if $field.capacity() > $field.len() {
                    $field.shrink_to_fit();
                })*
            };
        }
        shrink!(
            self.addresses,
            self.age_ranges,
            self.biographies,
            self.birthdays,
            self.bragging_rights,
            self.calendar_urls,
            self.client_data,
            self.cover_photos,
            self.email_addresses,
            self.events,
            self.external_ids,
            self.file_ases,
            self.genders,
            self.im_clients,
            self.interests,
            self.locales,
            self.locations,
            self.memberships,
            self.misc_keywords,
            self.names,
            self.nicknames,
            self.occupations,
            self.organizations,
            self.phone_numbers,
            self.photos,
            self.relations,
            self.relationship_interests,
            self.relationship_statuses,
            self.residences,
            self.sip_addresses,
            self.skills,
            self.taglines,
            self.urls,
            self.user_defined,
        );
    }

    /// The `CONTACT` source of this person, which carries the etag updates are checked against.
    pub fn contact_source(&self) -> Option<&Source> {
        self.metadata
            .as_ref()?
            .sources
            .iter()
            .find(|s| s.r#type.as_deref() == Some("CONTACT"))
    }

    /// Whether this is a tombstone from an incremental sync (`metadata.deleted`).
    pub fn is_deleted(&self) -> bool {
        self.metadata
            .as_ref()
            .and_then(|m| m.deleted)
            .unwrap_or(false)
    }

    /// The contact id: the part of `people/c123` after `people/`.
    pub fn id(&self) -> Option<&str> {
        self.resource_name.as_deref()?.strip_prefix("people/")
    }

    /// The client data value stored under `key`.
    pub fn client_data(&self, key: &str) -> Option<&str> {
        self.client_data
            .iter()
            .find(|c| c.key.as_deref() == Some(key))
            .and_then(|c| c.value.as_deref())
    }

    /// Resource names of the contact groups this person belongs to.
    pub fn group_resource_names(&self) -> impl Iterator<Item = &str> {
        self.memberships.iter().filter_map(|m| {
            m.contact_group_membership
                .as_ref()?
                .contact_group_resource_name
                .as_deref()
        })
    }
}

impl ContactGroup {
    /// Whether Google owns this group (`myContacts`, `starred`, …) rather than the user.
    pub fn is_system(&self) -> bool {
        self.group_type.as_deref() == Some("SYSTEM_CONTACT_GROUP")
    }
}

impl FieldMetadata {
    /// Metadata that marks a field as the primary value of its kind.
    pub fn primary() -> FieldMetadata {
        FieldMetadata {
            primary: Some(true),
            ..FieldMetadata::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_means_not_given() {
        let d: Date = serde_json::from_str(r#"{"year":0,"month":3,"day":14}"#).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (None, Some(3), Some(14)));
        assert_eq!(Date::new(Some(0), Some(3), Some(14)).year, None);
    }
}
