//! Typed methods for the `people.*` endpoints: get, batchGet, connections, contact mutations,
//! photos and search.

use std::collections::BTreeMap;

use base64::Engine;
use people::{
    BatchCreateContactsRequest, BatchCreateContactsResponse, BatchDeleteContactsRequest,
    BatchUpdateContactsRequest, BatchUpdateContactsResponse, ContactToCreate,
    DeleteContactPhotoResponse, GetPeopleResponse, ListConnectionsResponse, Person, PersonField,
    PersonResponse, SearchResponse, UpdateContactPhotoRequest, UpdateContactPhotoResponse,
};
use reqwest::Method;
use serde::de::IgnoredAny;

use crate::client::{Call, GoogleClient, check_resource_name};
use crate::error::{Error, ErrorKind};

/// The most resource names `people.getBatchGet` accepts.
pub const MAX_BATCH_GET: usize = 200;
/// The most contacts `people.batchCreateContacts` accepts.
pub const MAX_BATCH_CREATE: usize = 200;
/// The most contacts `people.batchUpdateContacts` accepts.
pub const MAX_BATCH_UPDATE: usize = 200;
/// The most resource names `people.batchDeleteContacts` accepts.
pub const MAX_BATCH_DELETE: usize = 500;
/// The largest page of `connections.list`, `otherContacts.list` and `listDirectoryPeople`.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Quota units of a batch create or update (Google's contacts guide: 6 critical writes).
const QUOTA_COST_BATCH: u32 = 6;
/// Quota units of a batch delete (Google's contacts guide: 10 write requests).
const QUOTA_COST_DELETE: u32 = 10;

/// A field mask; empty means every field `personFields` accepts.
pub(crate) fn person_mask(fields: &[PersonField]) -> String {
    if fields.is_empty() {
        PersonField::mask(&PersonField::ALL)
    } else {
        PersonField::mask(fields)
    }
}

/// One page request of a listing that supports sync tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// At most [`MAX_PAGE_SIZE`]; `None` asks for the largest page.
    pub page_size: Option<u32>,
    pub page_token: Option<String>,
    /// List only what changed since this token was issued.
    pub sync_token: Option<String>,
    /// Ask for a `nextSyncToken` on the last page.
    pub request_sync_token: bool,
    /// The fields to return; empty means all readable ones.
    pub fields: Vec<PersonField>,
}

impl PageRequest {
    pub(crate) fn apply(&self, call: Call, mask_param: &'static str, mask: String) -> Call {
        call.query(mask_param, mask)
            .query(
                "pageSize",
                self.page_size
                    .unwrap_or(MAX_PAGE_SIZE)
                    .min(MAX_PAGE_SIZE)
                    .to_string(),
            )
            .query_opt("pageToken", self.page_token.clone())
            .query_opt("syncToken", self.sync_token.clone())
            .query_opt(
                "requestSyncToken",
                self.request_sync_token.then_some("true"),
            )
    }
}

fn resource_name_of(person: &Person) -> Result<&str, Error> {
    let name = person.resource_name.as_deref().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidRequest,
            "the person to update has no resourceName",
        )
    })?;
    check_resource_name(name, "people")?;
    Ok(name)
}

impl GoogleClient {
    /// `people.get`: one person by resource name (`people/c…` or `people/me`).
    pub async fn get_person(
        &self,
        resource_name: &str,
        fields: &[PersonField],
    ) -> Result<Person, Error> {
        check_resource_name(resource_name, "people")?;
        let call = Call::get("people.get", format!("v1/{resource_name}"))
            .query("personFields", person_mask(fields));
        self.execute(call).await
    }

    /// `people.getBatchGet`: several persons, in calls of at most [`MAX_BATCH_GET`]. Missing ones
    /// come back as responses with an error status.
    pub async fn batch_get(
        &self,
        resource_names: &[String],
        fields: &[PersonField],
    ) -> Result<Vec<PersonResponse>, Error> {
        let mut out = Vec::with_capacity(resource_names.len());
        for chunk in resource_names.chunks(MAX_BATCH_GET) {
            let mut call = Call::get("people.getBatchGet", "v1/people:batchGet")
                .query("personFields", person_mask(fields));
            for name in chunk {
                check_resource_name(name, "people")?;
                call = call.query("resourceNames", name.clone());
            }
            let resp: GetPeopleResponse = self.execute(call).await?;
            out.extend(resp.responses);
        }
        Ok(out)
    }

    /// `people.connections.list`: one page of the user's contacts.
    pub async fn list_connections_page(
        &self,
        req: &PageRequest,
    ) -> Result<ListConnectionsResponse, Error> {
        let call = Call::get("people.connections.list", "v1/people/me/connections");
        let call = req.apply(call, "personFields", person_mask(&req.fields));
        self.execute(call).await
    }

    /// `people.createContact`; returns the new person with `read_fields` (empty: all).
    pub async fn create_contact(
        &self,
        person: &Person,
        read_fields: &[PersonField],
    ) -> Result<Person, Error> {
        let call = Call::new(
            "people.createContact",
            Method::POST,
            "v1/people:createContact",
        )
        .query("personFields", person_mask(read_fields))
        .body(person)?;
        self.execute(call).await
    }

    /// `people.updateContact`: replaces the `update_fields` of `person` (which carries its
    /// resourceName and etag). A stale etag fails with [`ErrorKind::EtagMismatch`].
    pub async fn update_contact(
        &self,
        person: &Person,
        update_fields: &[PersonField],
        read_fields: &[PersonField],
    ) -> Result<Person, Error> {
        let name = resource_name_of(person)?;
        let call = Call::new(
            "people.updateContact",
            Method::PATCH,
            format!("v1/{name}:updateContact"),
        )
        .query("updatePersonFields", update_mask(update_fields)?)
        .query("personFields", person_mask(read_fields))
        .body(person)?;
        self.execute(call).await
    }

    /// `people.deleteContact`.
    pub async fn delete_contact(&self, resource_name: &str) -> Result<(), Error> {
        check_resource_name(resource_name, "people")?;
        let call = Call::new(
            "people.deleteContact",
            Method::DELETE,
            format!("v1/{resource_name}:deleteContact"),
        );
        self.execute::<IgnoredAny>(call).await.map(drop)
    }

    /// `people.batchCreateContacts`: one call, at most [`MAX_BATCH_CREATE`] persons; the
    /// responses are in the order of `persons`.
    pub async fn batch_create_contacts(
        &self,
        persons: Vec<Person>,
        read_fields: &[PersonField],
    ) -> Result<Vec<PersonResponse>, Error> {
        if persons.len() > MAX_BATCH_CREATE {
            return Err(too_many(
                "people.batchCreateContacts",
                persons.len(),
                MAX_BATCH_CREATE,
            ));
        }
        let body = BatchCreateContactsRequest {
            contacts: persons
                .into_iter()
                .map(|p| ContactToCreate {
                    contact_person: Some(p),
                    ..ContactToCreate::default()
                })
                .collect(),
            read_mask: Some(person_mask(read_fields)),
            ..BatchCreateContactsRequest::default()
        };
        let call = Call::new(
            "people.batchCreateContacts",
            Method::POST,
            "v1/people:batchCreateContacts",
        )
        .body(&body)?
        .cost(QUOTA_COST_BATCH);
        let resp: BatchCreateContactsResponse = self.execute(call).await?;
        Ok(resp.created_people)
    }

    /// `people.batchUpdateContacts`: one call, at most [`MAX_BATCH_UPDATE`] persons sharing one
    /// update mask; the result is keyed by resource name.
    pub async fn batch_update_contacts(
        &self,
        persons: Vec<Person>,
        update_fields: &[PersonField],
        read_fields: &[PersonField],
    ) -> Result<BTreeMap<String, PersonResponse>, Error> {
        if persons.len() > MAX_BATCH_UPDATE {
            return Err(too_many(
                "people.batchUpdateContacts",
                persons.len(),
                MAX_BATCH_UPDATE,
            ));
        }
        let mut contacts = BTreeMap::new();
        for p in persons {
            let name = resource_name_of(&p)?.to_owned();
            if contacts.insert(name.clone(), p).is_some() {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    format!("{name} appears twice in one batch update"),
                ));
            }
        }
        let body = BatchUpdateContactsRequest {
            contacts,
            read_mask: Some(person_mask(read_fields)),
            update_mask: Some(update_mask(update_fields)?),
            ..BatchUpdateContactsRequest::default()
        };
        let call = Call::new(
            "people.batchUpdateContacts",
            Method::POST,
            "v1/people:batchUpdateContacts",
        )
        .body(&body)?
        .cost(QUOTA_COST_BATCH);
        let resp: BatchUpdateContactsResponse = self.execute(call).await?;
        Ok(resp.update_result)
    }

    /// `people.batchDeleteContacts`: one call, at most [`MAX_BATCH_DELETE`] resource names.
    pub async fn batch_delete_contacts(&self, resource_names: &[String]) -> Result<(), Error> {
        if resource_names.len() > MAX_BATCH_DELETE {
            return Err(too_many(
                "people.batchDeleteContacts",
                resource_names.len(),
                MAX_BATCH_DELETE,
            ));
        }
        for name in resource_names {
            check_resource_name(name, "people")?;
        }
        let body = BatchDeleteContactsRequest {
            resource_names: resource_names.to_vec(),
            ..BatchDeleteContactsRequest::default()
        };
        let call = Call::new(
            "people.batchDeleteContacts",
            Method::POST,
            "v1/people:batchDeleteContacts",
        )
        .body(&body)?
        .cost(QUOTA_COST_DELETE);
        self.execute::<IgnoredAny>(call).await.map(drop)
    }

    /// `people.updateContactPhoto` with JPEG or PNG bytes; returns the person with `read_fields`
    /// (empty: all).
    pub async fn update_contact_photo(
        &self,
        resource_name: &str,
        photo: &[u8],
        read_fields: &[PersonField],
    ) -> Result<Option<Person>, Error> {
        check_resource_name(resource_name, "people")?;
        let body = UpdateContactPhotoRequest {
            photo_bytes: Some(base64::engine::general_purpose::STANDARD.encode(photo)),
            person_fields: Some(person_mask(read_fields)),
            ..UpdateContactPhotoRequest::default()
        };
        let call = Call::new(
            "people.updateContactPhoto",
            Method::PATCH,
            format!("v1/{resource_name}:updateContactPhoto"),
        )
        .body(&body)?;
        let resp: UpdateContactPhotoResponse = self.execute(call).await?;
        Ok(resp.person)
    }

    /// `people.deleteContactPhoto`; returns the person with `read_fields` (empty: all).
    pub async fn delete_contact_photo(
        &self,
        resource_name: &str,
        read_fields: &[PersonField],
    ) -> Result<Option<Person>, Error> {
        check_resource_name(resource_name, "people")?;
        let call = Call::new(
            "people.deleteContactPhoto",
            Method::DELETE,
            format!("v1/{resource_name}:deleteContactPhoto"),
        )
        .query("personFields", person_mask(read_fields));
        let resp: DeleteContactPhotoResponse = self.execute(call).await?;
        Ok(resp.person)
    }

    /// `people.searchContacts`: prefix search over names, emails, phones and organizations (at
    /// most 30 results). Google asks for a warm-up search with an empty query first.
    pub async fn search_contacts(
        &self,
        query: &str,
        read_fields: &[PersonField],
    ) -> Result<Vec<Person>, Error> {
        let call = Call::get("people.searchContacts", "v1/people:searchContacts")
            .query("query", query)
            .query("readMask", person_mask(read_fields))
            .query("pageSize", "30");
        let resp: SearchResponse = self.execute(call).await?;
        Ok(resp.results.into_iter().filter_map(|r| r.person).collect())
    }
}

/// The `updatePersonFields` mask; every field must be updatable.
pub(crate) fn update_mask(fields: &[PersonField]) -> Result<String, Error> {
    if fields.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "an update needs at least one field in its mask",
        ));
    }
    if let Some(f) = fields.iter().find(|f| !f.is_updatable()) {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("{f} cannot be updated through updatePersonFields"),
        ));
    }
    Ok(PersonField::mask(fields))
}

fn too_many(method: &'static str, n: usize, max: usize) -> Error {
    Error::new(
        ErrorKind::InvalidRequest,
        format!("{n} items in one call, google accepts at most {max}"),
    )
    .with_method(method)
}
