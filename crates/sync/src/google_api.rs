//! [`PeopleApi`] over the real client: what the engine asks, in the People API calls that cost
//! the fewest requests.

use people::{ContactGroup, Person, PersonField};

use crate::api::{ApiError, ApiErrorKind, GroupWithMembers, Listing, MY_CONTACTS, PeopleApi};

/// The most members one `contactGroups.batchGet` returns per group; larger groups are read again
/// one by one.
const MAX_MEMBERS: u32 = 100_000;

impl From<google::Error> for ApiError {
    fn from(e: google::Error) -> ApiError {
        let kind = match e.kind() {
            google::ErrorKind::ExpiredSyncToken => ApiErrorKind::ExpiredSyncToken,
            google::ErrorKind::EtagMismatch => ApiErrorKind::EtagMismatch,
            google::ErrorKind::NotFound => ApiErrorKind::NotFound,
            google::ErrorKind::Conflict => ApiErrorKind::Conflict,
            google::ErrorKind::RateLimited => ApiErrorKind::RateLimited,
            google::ErrorKind::Unauthorized => ApiErrorKind::Unauthorized,
            google::ErrorKind::InvalidRequest => ApiErrorKind::InvalidRequest,
            google::ErrorKind::Transient => ApiErrorKind::Transient,
            google::ErrorKind::OutcomeUnknown => ApiErrorKind::OutcomeUnknown,
            google::ErrorKind::Other => ApiErrorKind::Other,
        };
        ApiError::new(kind, e.to_string())
    }
}

fn listing(r: google::SyncResult) -> Listing {
    Listing {
        persons: r.changed,
        deleted: r.deleted,
        next_sync_token: Some(r.next_sync_token).filter(|t| !t.is_empty()),
    }
}

impl PeopleApi for google::GoogleClient {
    async fn connections(&self, sync_token: Option<&str>) -> Result<Listing, ApiError> {
        Ok(listing(self.sync_connections(sync_token).await?))
    }

    async fn other_contacts(&self, sync_token: Option<&str>) -> Result<Listing, ApiError> {
        Ok(listing(self.sync_other_contacts(sync_token).await?))
    }

    async fn directory_people(&self, sync_token: Option<&str>) -> Result<Listing, ApiError> {
        Ok(listing(self.sync_directory_people(sync_token).await?))
    }

    async fn get(&self, resource_name: &str) -> Result<Person, ApiError> {
        Ok(self.get_person(resource_name, &[]).await?)
    }

    async fn create_all(&self, persons: Vec<Person>) -> Result<Vec<Person>, ApiError> {
        // A failed item fails the round: the engine keeps the batch as pending creates and finds
        // whatever Google did create by UID in the next full listing, so nothing is duplicated.
        let results = google::GoogleClient::create_all(self, persons).await;
        results
            .into_iter()
            .map(|r| r.map_err(ApiError::from))
            .collect()
    }

    async fn update(&self, person: &Person, mask: &[PersonField]) -> Result<Person, ApiError> {
        Ok(self.update_contact(person, mask, &[]).await?)
    }

    async fn update_all(
        &self,
        items: Vec<(Person, Vec<PersonField>)>,
    ) -> Vec<Result<Person, ApiError>> {
        google::GoogleClient::update_all(self, items)
            .await
            .into_iter()
            .map(|r| r.map_err(ApiError::from))
            .collect()
    }

    async fn delete_all(&self, resource_names: Vec<String>) -> Result<(), ApiError> {
        let results = google::GoogleClient::delete_all(self, resource_names).await;
        let mut first_err = None;
        for r in results {
            match r {
                Ok(()) => {}
                Err(e) if e.kind() == google::ErrorKind::NotFound => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        first_err.map_or(Ok(()), |e| Err(e.into()))
    }

    async fn groups(&self) -> Result<Vec<GroupWithMembers>, ApiError> {
        let names: Vec<String> = self
            .list_contact_groups()
            .await?
            .into_iter()
            .filter(|g| !g.is_system())
            .filter_map(|g| g.resource_name)
            .collect();
        let mut out = Vec::with_capacity(names.len());
        for resp in self.batch_get_contact_groups(&names, MAX_MEMBERS).await? {
            let group = match resp.contact_group {
                Some(g) => g,
                None => match resp.requested_resource_name {
                    // Deleted between the list and the get.
                    Some(_) => continue,
                    None => {
                        return Err(ApiError::new(
                            ApiErrorKind::Other,
                            "contactGroups.batchGet answered a group without a name",
                        ));
                    }
                },
            };
            out.push(with_members(group));
        }
        Ok(out)
    }

    async fn create_group(&self, name: &str) -> Result<ContactGroup, ApiError> {
        let group = ContactGroup {
            name: Some(name.to_owned()),
            ..ContactGroup::default()
        };
        Ok(self.create_contact_group(&group).await?)
    }

    async fn rename_group(
        &self,
        group: &ContactGroup,
        name: &str,
    ) -> Result<ContactGroup, ApiError> {
        let mut renamed = group.clone();
        renamed.name = Some(name.to_owned());
        Ok(self.update_contact_group(&renamed, &["name"]).await?)
    }

    async fn delete_group(&self, resource_name: &str) -> Result<(), ApiError> {
        // The members stay contacts; only the label goes.
        Ok(self.delete_contact_group(resource_name, false).await?)
    }

    async fn modify_members(
        &self,
        resource_name: &str,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> Result<(), ApiError> {
        let chunk = google::MAX_MEMBERS_MODIFY;
        for part in add.chunks(chunk) {
            self.modify_group_members(resource_name, part, &[]).await?;
        }
        for part in remove.chunks(chunk) {
            let answer = self.modify_group_members(resource_name, &[], part).await?;
            // Google keeps a contact's last membership. Taken off its last label in the
            // contacts book, it is still one of My Contacts: put it there, then take it off.
            let kept = answer.can_not_remove_last_contact_group_resource_names;
            if !kept.is_empty() && resource_name != MY_CONTACTS {
                self.modify_group_members(MY_CONTACTS, &kept, &[]).await?;
                self.modify_group_members(resource_name, &[], &kept).await?;
            }
        }
        Ok(())
    }
}

fn with_members(mut group: ContactGroup) -> GroupWithMembers {
    let members = std::mem::take(&mut group.member_resource_names)
        .into_iter()
        .collect();
    GroupWithMembers { group, members }
}
