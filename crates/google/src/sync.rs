//! The sync API: a full or incremental listing of every page, split into changed items, deleted
//! resource names and the token for next time.

use people::{ContactGroup, Person};

use crate::client::GoogleClient;
use crate::error::{Error, ErrorKind};
use crate::people_api::{MAX_PAGE_SIZE, PageRequest};

/// What changed since the token given (or everything, for a full sync).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncResult<T = Person> {
    /// New and changed items; after a full sync, every item. A person whose resource name
    /// changed lists its former names in `metadata.previousResourceNames`.
    pub changed: Vec<T>,
    /// Resource names deleted since the token (always empty after a full sync).
    pub deleted: Vec<String>,
    /// The token to pass next time.
    pub next_sync_token: String,
    /// Whether this was a full listing (no token given).
    pub full: bool,
}

/// One page as the sync loop sees it.
struct Page<T> {
    items: Vec<T>,
    next_page_token: Option<String>,
    next_sync_token: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|t| !t.is_empty())
}

/// Runs `fetch` over every page and splits the items.
async fn sync_pages<T, F, Fut>(
    method: &'static str,
    token: Option<&str>,
    mut fetch: F,
    deleted_name: impl Fn(&T) -> Option<String>,
) -> Result<SyncResult<T>, Error>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let mut result = SyncResult {
        changed: Vec::new(),
        deleted: Vec::new(),
        next_sync_token: String::new(),
        full: token.is_none(),
    };
    let mut page_token = None;
    let mut last_sync_token = None;
    loop {
        let req = PageRequest {
            page_size: Some(MAX_PAGE_SIZE),
            page_token: page_token.take(),
            sync_token: token.map(str::to_owned),
            request_sync_token: true,
            fields: Vec::new(),
        };
        let page = fetch(req).await?;
        for item in page.items {
            match deleted_name(&item) {
                Some(name) => result.deleted.push(name),
                None => result.changed.push(item),
            }
        }
        if let Some(t) = non_empty(page.next_sync_token) {
            last_sync_token = Some(t);
        }
        match non_empty(page.next_page_token) {
            Some(t) => page_token = Some(t),
            None => break,
        }
    }
    result.next_sync_token = last_sync_token.ok_or_else(|| {
        Error::new(
            ErrorKind::Other,
            "google returned no sync token on the last page",
        )
        .with_method(method)
    })?;
    Ok(result)
}

fn deleted_person(p: &Person) -> Option<String> {
    p.is_deleted().then(|| p.resource_name.clone()).flatten()
}

impl GoogleClient {
    /// Lists every contact (no token: a full sync) or the changes since `token`, with every
    /// readable field, 1000 a page. An expired token fails with [`ErrorKind::ExpiredSyncToken`];
    /// the caller then runs a full sync.
    pub async fn sync_connections(&self, token: Option<&str>) -> Result<SyncResult, Error> {
        sync_pages(
            "people.connections.list",
            token,
            |req| async move {
                let r = self.list_connections_page(&req).await?;
                Ok(Page {
                    items: r.connections,
                    next_page_token: r.next_page_token,
                    next_sync_token: r.next_sync_token,
                })
            },
            deleted_person,
        )
        .await
    }

    /// Like [`GoogleClient::sync_connections`], for "Other contacts".
    pub async fn sync_other_contacts(&self, token: Option<&str>) -> Result<SyncResult, Error> {
        sync_pages(
            "otherContacts.list",
            token,
            |req| async move {
                let r = self.list_other_contacts(&req).await?;
                Ok(Page {
                    items: r.other_contacts,
                    next_page_token: r.next_page_token,
                    next_sync_token: r.next_sync_token,
                })
            },
            deleted_person,
        )
        .await
    }

    /// Like [`GoogleClient::sync_connections`], for the Workspace directory.
    pub async fn sync_directory_people(&self, token: Option<&str>) -> Result<SyncResult, Error> {
        sync_pages(
            "people.listDirectoryPeople",
            token,
            |req| async move {
                let r = self.list_directory_people(&req).await?;
                Ok(Page {
                    items: r.people,
                    next_page_token: r.next_page_token,
                    next_sync_token: r.next_sync_token,
                })
            },
            deleted_person,
        )
        .await
    }

    /// Like [`GoogleClient::sync_connections`], for contact groups (system groups included).
    pub async fn sync_contact_groups(
        &self,
        token: Option<&str>,
    ) -> Result<SyncResult<ContactGroup>, Error> {
        sync_pages(
            "contactGroups.list",
            token,
            |req| async move {
                let r = self
                    .list_contact_groups_page(req.page_token.as_deref(), req.sync_token.as_deref())
                    .await?;
                Ok(Page {
                    items: r.contact_groups,
                    next_page_token: r.next_page_token,
                    next_sync_token: r.next_sync_token,
                })
            },
            |g: &ContactGroup| {
                g.metadata
                    .as_ref()
                    .and_then(|m| m.deleted)
                    .unwrap_or(false)
                    .then(|| g.resource_name.clone())
                    .flatten()
            },
        )
        .await
    }
}
