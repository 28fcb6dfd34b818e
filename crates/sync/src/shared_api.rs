//! A Workspace domain's shared contacts (the Domain Shared Contacts feed) behind the same
//! [`PeopleApi`] the engine syncs My Contacts with, so the shared book gets the same two-way
//! sync: field-level merges on a changed etag, exactly-once creates, crash safety.
//!
//! Entries become Persons through [`gdata::entry_to_person`], which keeps whatever a Person
//! has no field for in clientData. The other way, the Person fields the feed has no element for
//! (genders, occupations, photos …) travel as JSON in one extended property, so a card written
//! to the shared book keeps every property. The feed has no contact groups, other contacts or
//! directory: group calls are refused, and the engine of a shared book pulls neither.

use gdata::{BatchItem, BatchOperation, Entry};
use google::GoogleClient;
use people::{Person, PersonField};

use crate::api::{ApiError, ApiErrorKind, GroupWithMembers, Listing, PeopleApi};

/// The resource names the engine sees: `sharedContacts/ID`.
pub const SHARED_PREFIX: &str = "sharedContacts/";

/// The extended property holding the Person fields the feed has no element for.
const EXTRA_KEY: &str = "peopledav.person";

/// The shared contacts of one domain, read and written with a domain administrator's client.
#[derive(Debug, Clone)]
pub struct SharedContactsApi {
    client: GoogleClient,
    domain: String,
}

impl SharedContactsApi {
    pub fn new(client: GoogleClient, domain: impl Into<String>) -> SharedContactsApi {
        SharedContactsApi {
            client,
            domain: domain.into(),
        }
    }

    fn entry_id(resource_name: &str) -> Result<&str, ApiError> {
        resource_name.strip_prefix(SHARED_PREFIX).ok_or_else(|| {
            ApiError::new(
                ApiErrorKind::InvalidRequest,
                format!("{resource_name} is not a shared contact"),
            )
        })
    }

    /// The entry sent for `person`.
    fn to_entry(&self, person: &Person) -> Entry {
        let mut person = person.clone();
        let extra = take_extra(&mut person);
        if extra != Person::default()
            && let Ok(json) = serde_json::to_string(&extra)
        {
            person.client_data.push(people::ClientData {
                key: Some(EXTRA_KEY.to_owned()),
                value: Some(json),
                ..Default::default()
            });
        }
        let mut entry = gdata::person_to_entry(&person);
        if let Some(id) = person
            .resource_name
            .as_deref()
            .and_then(|r| r.strip_prefix(SHARED_PREFIX))
        {
            entry.id = Some(format!(
                "http://www.google.com/m8/feeds/contacts/{}/base/{id}",
                self.domain
            ));
        }
        entry.etag = person.etag.clone();
        if !entry
            .categories
            .iter()
            .any(|c| c.term.as_deref() == Some(gdata::CONTACT_KIND))
        {
            entry.categories.push(gdata::Category::contact_kind());
        }
        entry
    }

    async fn list(&self, token: Option<&str>) -> Result<Listing, ApiError> {
        let listing = match self.client.list_shared_contacts(&self.domain, token).await {
            // Google forgets deletions after a while and refuses an `updated-min` before that.
            Err(e) if token.is_some() && e.kind() == google::ErrorKind::NotFound => {
                return Err(ApiError::new(ApiErrorKind::ExpiredSyncToken, e.to_string()));
            }
            other => other?,
        };
        Ok(Listing {
            persons: listing.entries.iter().filter_map(to_person).collect(),
            deleted: listing
                .deleted
                .iter()
                .map(|id| format!("{SHARED_PREFIX}{id}"))
                .collect(),
            next_sync_token: listing.updated,
        })
    }

    async fn batch(&self, items: Vec<BatchItem>) -> Result<Vec<Result<Entry, ApiError>>, ApiError> {
        let results = self
            .client
            .batch_shared_contacts(&self.domain, items)
            .await?;
        Ok(results
            .into_iter()
            .map(|r| match google::batch_outcome(&r) {
                Ok(()) => Ok(r.entry),
                Err(e) => Err(e.into()),
            })
            .collect())
    }
}

/// The Person of an entry (a tombstone or an entry without an id has none).
pub fn to_person(entry: &Entry) -> Option<Person> {
    let id = entry.short_id()?;
    let mut person = gdata::entry_to_person(entry);
    person.resource_name = Some(format!("{SHARED_PREFIX}{id}"));
    if let Some(i) = person
        .client_data
        .iter()
        .position(|c| c.key.as_deref() == Some(EXTRA_KEY))
    {
        let json = person.client_data.remove(i).value.unwrap_or_default();
        if let Ok(extra) = serde_json::from_str::<Person>(&json) {
            put_extra(&mut person, extra);
        }
    }
    Some(person)
}

/// Moves the fields the feed cannot hold out of `person`.
fn take_extra(person: &mut Person) -> Person {
    Person {
        genders: std::mem::take(&mut person.genders),
        occupations: std::mem::take(&mut person.occupations),
        interests: std::mem::take(&mut person.interests),
        skills: std::mem::take(&mut person.skills),
        locations: std::mem::take(&mut person.locations),
        locales: std::mem::take(&mut person.locales),
        misc_keywords: std::mem::take(&mut person.misc_keywords),
        sip_addresses: std::mem::take(&mut person.sip_addresses),
        calendar_urls: std::mem::take(&mut person.calendar_urls),
        external_ids: std::mem::take(&mut person.external_ids),
        file_ases: std::mem::take(&mut person.file_ases),
        photos: std::mem::take(&mut person.photos),
        ..Person::default()
    }
}

fn put_extra(person: &mut Person, extra: Person) {
    person.genders = extra.genders;
    person.occupations = extra.occupations;
    person.interests = extra.interests;
    person.skills = extra.skills;
    person.locations = extra.locations;
    person.locales = extra.locales;
    person.misc_keywords = extra.misc_keywords;
    person.sip_addresses = extra.sip_addresses;
    person.calendar_urls = extra.calendar_urls;
    person.external_ids = extra.external_ids;
    person.file_ases = extra.file_ases;
    person.photos = extra.photos;
}

fn no_groups() -> ApiError {
    ApiError::new(
        ApiErrorKind::InvalidRequest,
        "shared contacts have no groups: put the card in your own contacts book to label it",
    )
}

fn answered(entry: Entry) -> Result<Person, ApiError> {
    to_person(&entry).ok_or_else(|| {
        ApiError::new(
            ApiErrorKind::Other,
            "google answered a shared contact without an id",
        )
    })
}

impl PeopleApi for SharedContactsApi {
    async fn connections(&self, sync_token: Option<&str>) -> Result<Listing, ApiError> {
        self.list(sync_token).await
    }

    async fn other_contacts(&self, _sync_token: Option<&str>) -> Result<Listing, ApiError> {
        Ok(Listing::default())
    }

    async fn directory_people(&self, _sync_token: Option<&str>) -> Result<Listing, ApiError> {
        Ok(Listing::default())
    }

    async fn get(&self, resource_name: &str) -> Result<Person, ApiError> {
        let id = Self::entry_id(resource_name)?;
        answered(self.client.get_shared_contact(&self.domain, id).await?)
    }

    async fn create_all(&self, persons: Vec<Person>) -> Result<Vec<Person>, ApiError> {
        let items = persons
            .iter()
            .map(|p| BatchItem {
                batch_id: None,
                operation: BatchOperation::Insert,
                entry: self.to_entry(p),
            })
            .collect();
        // A failed item fails the round, as for My Contacts: the engine finds whatever was
        // created by the UID in its extended properties.
        self.batch(items)
            .await?
            .into_iter()
            .map(|r| r.and_then(answered))
            .collect()
    }

    async fn update(&self, person: &Person, _mask: &[PersonField]) -> Result<Person, ApiError> {
        let entry = self.to_entry(person);
        answered(
            self.client
                .update_shared_contact(&self.domain, &entry)
                .await?,
        )
    }

    async fn update_all(
        &self,
        items: Vec<(Person, Vec<PersonField>)>,
    ) -> Vec<Result<Person, ApiError>> {
        let n = items.len();
        let batch = items
            .iter()
            .map(|(p, _)| BatchItem {
                batch_id: None,
                operation: BatchOperation::Update,
                entry: self.to_entry(p),
            })
            .collect();
        match self.batch(batch).await {
            Ok(results) => results.into_iter().map(|r| r.and_then(answered)).collect(),
            Err(e) => vec![Err(e); n],
        }
    }

    async fn delete_all(&self, resource_names: Vec<String>) -> Result<(), ApiError> {
        let mut items = Vec::with_capacity(resource_names.len());
        for name in &resource_names {
            let person = Person {
                resource_name: Some(name.clone()),
                ..Person::default()
            };
            Self::entry_id(name)?;
            items.push(BatchItem {
                batch_id: None,
                operation: BatchOperation::Delete,
                entry: self.to_entry(&person),
            });
        }
        for r in self.batch(items).await? {
            match r {
                Ok(_) => {}
                Err(e) if e.kind == ApiErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn groups(&self) -> Result<Vec<GroupWithMembers>, ApiError> {
        Ok(Vec::new())
    }

    async fn create_group(&self, _name: &str) -> Result<people::ContactGroup, ApiError> {
        Err(no_groups())
    }

    async fn rename_group(
        &self,
        _group: &people::ContactGroup,
        _name: &str,
    ) -> Result<people::ContactGroup, ApiError> {
        Err(no_groups())
    }

    async fn delete_group(&self, _resource_name: &str) -> Result<(), ApiError> {
        Err(no_groups())
    }

    async fn modify_members(
        &self,
        _resource_name: &str,
        _add: Vec<String>,
        _remove: Vec<String>,
    ) -> Result<(), ApiError> {
        Err(no_groups())
    }
}
