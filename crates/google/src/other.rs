//! Typed methods for "Other contacts" (`otherContacts.*`) and the Workspace directory
//! (`people.listDirectoryPeople`, `people.searchDirectoryPeople`).

use people::{
    CopyOtherContactToMyContactsGroupRequest, ListDirectoryPeopleResponse,
    ListOtherContactsResponse, Person, PersonField, SearchDirectoryPeopleResponse, SearchResponse,
};
use reqwest::Method;

use crate::client::{Call, GoogleClient, check_resource_name};
use crate::error::Error;
use crate::people_api::{PageRequest, person_mask};

/// The fields `otherContacts.list` accepts with its default (contact) source.
pub const OTHER_CONTACT_FIELDS: [PersonField; 5] = [
    PersonField::EmailAddresses,
    PersonField::Metadata,
    PersonField::Names,
    PersonField::PhoneNumbers,
    PersonField::Photos,
];

/// The fields `otherContacts.search` accepts.
pub const OTHER_CONTACT_SEARCH_FIELDS: [PersonField; 4] = [
    PersonField::EmailAddresses,
    PersonField::Metadata,
    PersonField::Names,
    PersonField::PhoneNumbers,
];

/// The fields an "Other contact" copy can carry over.
pub const COPY_FIELDS: [PersonField; 3] = [
    PersonField::EmailAddresses,
    PersonField::Names,
    PersonField::PhoneNumbers,
];

/// Both directory sources: domain profiles and shared domain contacts.
const DIRECTORY_SOURCES: [&str; 2] = [
    "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE",
    "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT",
];

fn other_mask(fields: &[PersonField]) -> String {
    if fields.is_empty() {
        PersonField::mask(&OTHER_CONTACT_FIELDS)
    } else {
        PersonField::mask(fields)
    }
}

impl GoogleClient {
    /// `otherContacts.list`: one page; empty `fields` means [`OTHER_CONTACT_FIELDS`].
    pub async fn list_other_contacts(
        &self,
        req: &PageRequest,
    ) -> Result<ListOtherContactsResponse, Error> {
        let call = Call::get("otherContacts.list", "v1/otherContacts");
        let call = req.apply(call, "readMask", other_mask(&req.fields));
        self.execute(call).await
    }

    /// `otherContacts.search` (at most 30 results; warm up with an empty query first).
    pub async fn search_other_contacts(&self, query: &str) -> Result<Vec<Person>, Error> {
        let call = Call::get("otherContacts.search", "v1/otherContacts:search")
            .query("query", query)
            .query("readMask", PersonField::mask(&OTHER_CONTACT_SEARCH_FIELDS))
            .query("pageSize", "30");
        let resp: SearchResponse = self.execute(call).await?;
        Ok(resp.results.into_iter().filter_map(|r| r.person).collect())
    }

    /// `otherContacts.copyOtherContactToMyContactsGroup`: copies names, emails and phones into a
    /// new contact in myContacts and returns it with every field.
    pub async fn copy_other_contact(&self, resource_name: &str) -> Result<Person, Error> {
        check_resource_name(resource_name, "otherContacts")?;
        let body = CopyOtherContactToMyContactsGroupRequest {
            copy_mask: Some(PersonField::mask(&COPY_FIELDS)),
            read_mask: Some(person_mask(&[])),
            ..CopyOtherContactToMyContactsGroupRequest::default()
        };
        let call = Call::new(
            "otherContacts.copyOtherContactToMyContactsGroup",
            Method::POST,
            format!("v1/{resource_name}:copyOtherContactToMyContactsGroup"),
        )
        .body(&body)?;
        self.execute(call).await
    }

    /// `people.listDirectoryPeople`: one page of the domain directory (profiles and domain
    /// contacts). A consumer account gets an [`crate::ErrorKind::InvalidRequest`].
    pub async fn list_directory_people(
        &self,
        req: &PageRequest,
    ) -> Result<ListDirectoryPeopleResponse, Error> {
        let mut call = Call::get(
            "people.listDirectoryPeople",
            "v1/people:listDirectoryPeople",
        );
        for s in DIRECTORY_SOURCES {
            call = call.query("sources", s);
        }
        let call = req.apply(call, "readMask", person_mask(&req.fields));
        self.execute(call).await
    }

    /// `people.searchDirectoryPeople`: one page (up to 500) of a prefix search in the directory.
    pub async fn search_directory_people(
        &self,
        query: &str,
        page_token: Option<&str>,
        fields: &[PersonField],
    ) -> Result<SearchDirectoryPeopleResponse, Error> {
        let mut call = Call::get(
            "people.searchDirectoryPeople",
            "v1/people:searchDirectoryPeople",
        )
        .query("query", query)
        .query("readMask", person_mask(fields))
        .query("pageSize", "500")
        .query_opt("pageToken", page_token);
        for s in DIRECTORY_SOURCES {
            call = call.query("sources", s);
        }
        self.execute(call).await
    }
}
