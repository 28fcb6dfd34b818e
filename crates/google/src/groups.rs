//! Typed methods for the `contactGroups.*` endpoints.

use people::{
    BatchGetContactGroupsResponse, ContactGroup, ContactGroupResponse, CreateContactGroupRequest,
    ListContactGroupsResponse, ModifyContactGroupMembersRequest, ModifyContactGroupMembersResponse,
    UpdateContactGroupRequest,
};
use reqwest::Method;
use serde::de::IgnoredAny;

use crate::client::{Call, GoogleClient, check_resource_name};
use crate::error::{Error, ErrorKind};

/// Every `groupFields` path.
pub const ALL_GROUP_FIELDS: &str = "clientData,groupType,memberCount,metadata,name";
/// Every path `contactGroups.create` accepts in `readGroupFields` (no `memberCount`: a new group
/// has no members, and Google rejects the path).
pub(crate) const CREATE_GROUP_FIELDS: &str = "clientData,groupType,metadata,name";
/// The most contact groups `contactGroups.batchGet` accepts.
pub const MAX_GROUP_BATCH_GET: usize = 200;
/// The most resource names one `contactGroups.members.modify` accepts (added plus removed).
pub const MAX_MEMBERS_MODIFY: usize = 1000;

impl GoogleClient {
    /// `contactGroups.list`: one page (up to 1000 groups) with every group field.
    pub async fn list_contact_groups_page(
        &self,
        page_token: Option<&str>,
        sync_token: Option<&str>,
    ) -> Result<ListContactGroupsResponse, Error> {
        let call = Call::get("contactGroups.list", "v1/contactGroups")
            .query("pageSize", "1000")
            .query("groupFields", ALL_GROUP_FIELDS)
            .query_opt("pageToken", page_token)
            .query_opt("syncToken", sync_token);
        self.execute(call).await
    }

    /// `contactGroups.list`, every page.
    pub async fn list_contact_groups(&self) -> Result<Vec<ContactGroup>, Error> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .list_contact_groups_page(token.as_deref(), None)
                .await?;
            out.extend(page.contact_groups);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// `contactGroups.get`, with up to `max_members` member resource names.
    pub async fn get_contact_group(
        &self,
        resource_name: &str,
        max_members: u32,
    ) -> Result<ContactGroup, Error> {
        check_resource_name(resource_name, "contactGroups")?;
        let call = Call::get("contactGroups.get", format!("v1/{resource_name}"))
            .query("maxMembers", max_members.to_string())
            .query("groupFields", ALL_GROUP_FIELDS);
        self.execute(call).await
    }

    /// `contactGroups.batchGet`, in calls of at most [`MAX_GROUP_BATCH_GET`].
    pub async fn batch_get_contact_groups(
        &self,
        resource_names: &[String],
        max_members: u32,
    ) -> Result<Vec<ContactGroupResponse>, Error> {
        let mut out = Vec::with_capacity(resource_names.len());
        for chunk in resource_names.chunks(MAX_GROUP_BATCH_GET) {
            let mut call = Call::get("contactGroups.batchGet", "v1/contactGroups:batchGet")
                .query("maxMembers", max_members.to_string())
                .query("groupFields", ALL_GROUP_FIELDS);
            for name in chunk {
                check_resource_name(name, "contactGroups")?;
                call = call.query("resourceNames", name.clone());
            }
            let resp: BatchGetContactGroupsResponse = self.execute(call).await?;
            out.extend(resp.responses);
        }
        Ok(out)
    }

    /// `contactGroups.create`. A name already in use fails with [`ErrorKind::Conflict`].
    pub async fn create_contact_group(&self, group: &ContactGroup) -> Result<ContactGroup, Error> {
        let body = CreateContactGroupRequest {
            contact_group: Some(group.clone()),
            read_group_fields: Some(CREATE_GROUP_FIELDS.to_owned()),
            ..CreateContactGroupRequest::default()
        };
        let call =
            Call::new("contactGroups.create", Method::POST, "v1/contactGroups").body(&body)?;
        self.execute(call).await
    }

    /// `contactGroups.update` (a PUT): replaces `update_fields` (`name`, `clientData`) of `group`,
    /// which carries its resourceName and etag.
    pub async fn update_contact_group(
        &self,
        group: &ContactGroup,
        update_fields: &[&str],
    ) -> Result<ContactGroup, Error> {
        let name = group.resource_name.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the group to update has no resourceName",
            )
        })?;
        check_resource_name(name, "contactGroups")?;
        let body = UpdateContactGroupRequest {
            contact_group: Some(group.clone()),
            update_group_fields: (!update_fields.is_empty()).then(|| update_fields.join(",")),
            read_group_fields: Some(ALL_GROUP_FIELDS.to_owned()),
            ..UpdateContactGroupRequest::default()
        };
        let call =
            Call::new("contactGroups.update", Method::PUT, format!("v1/{name}")).body(&body)?;
        self.execute(call).await
    }

    /// `contactGroups.delete`; with `delete_contacts` the members are deleted too.
    pub async fn delete_contact_group(
        &self,
        resource_name: &str,
        delete_contacts: bool,
    ) -> Result<(), Error> {
        check_resource_name(resource_name, "contactGroups")?;
        let call = Call::new(
            "contactGroups.delete",
            Method::DELETE,
            format!("v1/{resource_name}"),
        )
        .query("deleteContacts", delete_contacts.to_string());
        self.execute::<IgnoredAny>(call).await.map(drop)
    }

    /// `contactGroups.members.modify`: adds and removes members (at most
    /// [`MAX_MEMBERS_MODIFY`] names in all).
    pub async fn modify_group_members(
        &self,
        resource_name: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<ModifyContactGroupMembersResponse, Error> {
        check_resource_name(resource_name, "contactGroups")?;
        if add.len() + remove.len() > MAX_MEMBERS_MODIFY {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "{} members in one call, google accepts at most {MAX_MEMBERS_MODIFY}",
                    add.len() + remove.len()
                ),
            )
            .with_method("contactGroups.members.modify"));
        }
        let body = ModifyContactGroupMembersRequest {
            resource_names_to_add: add.to_vec(),
            resource_names_to_remove: remove.to_vec(),
            ..ModifyContactGroupMembersRequest::default()
        };
        let call = Call::new(
            "contactGroups.members.modify",
            Method::POST,
            format!("v1/{resource_name}/members:modify"),
        )
        .body(&body)?;
        self.execute(call).await
    }
}
