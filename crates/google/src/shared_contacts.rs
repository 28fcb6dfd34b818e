//! The Domain Shared Contacts API: a Workspace domain's shared contacts, as the GData Atom feed
//! `https://www.google.com/m8/feeds/contacts/{domain}/full` (GData-Version 3.0). Only a domain
//! administrator's credentials reach it (a service account with the admin as subject, or the
//! admin's own login).
//!
//! Reads and writes go through the same pacing, retries and error classification as the People
//! API calls; a write whose answer is lost is [`crate::ErrorKind::OutcomeUnknown`].

use gdata::{BatchItem, BatchResult, Entry, Feed};
use reqwest::Method;

use crate::client::{Call, GoogleClient};
use crate::error::{Error, ErrorKind};

/// The largest page asked for when listing the feed.
pub const SHARED_PAGE_SIZE: u64 = 1000;

/// The most operations one batch request may carry (Google's limit for the contacts feeds).
pub const MAX_SHARED_BATCH: usize = 100;

/// One listing of the feed, every page followed.
#[derive(Debug, Clone, Default)]
pub struct SharedListing {
    /// Live entries (all of them for a full listing, the changed ones for an incremental one).
    pub entries: Vec<Entry>,
    /// The ids of entries deleted since `updated-min` (incremental listings only).
    pub deleted: Vec<String>,
    /// The feed's `updated` time when the listing started: the `updated-min` of the next
    /// incremental listing.
    pub updated: Option<String>,
}

fn feed_path(domain: &str) -> Result<String, Error> {
    let ok = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("{domain:?} is not a domain name"),
        ));
    }
    Ok(format!("m8/feeds/contacts/{domain}/full"))
}

fn entry_path(domain: &str, id: &str) -> Result<String, Error> {
    let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("{id:?} is not a shared contact id"),
        ));
    }
    Ok(format!("{}/{id}", feed_path(domain)?))
}

fn parse<T>(
    id: &'static str,
    bytes: &[u8],
    f: impl FnOnce(&[u8]) -> Result<T, gdata::Error>,
) -> Result<T, Error> {
    f(bytes).map_err(|e| {
        Error::new(
            ErrorKind::Other,
            format!("google sent a feed that does not parse: {e}"),
        )
        .with_method(id)
    })
}

impl GoogleClient {
    /// Lists the shared contacts of `domain`: everything, or with `updated_min` only what
    /// changed after it, deletions included (`showdeleted`).
    pub async fn list_shared_contacts(
        &self,
        domain: &str,
        updated_min: Option<&str>,
    ) -> Result<SharedListing, Error> {
        const ID: &str = "sharedContacts.list";
        let path = feed_path(domain)?;
        let mut listing = SharedListing::default();
        let mut start = 1u64;
        loop {
            let mut call = Call::get(ID, path.clone())
                .feed(None)
                .query("max-results", SHARED_PAGE_SIZE.to_string())
                .query("start-index", start.to_string());
            if let Some(t) = updated_min {
                call = call.query("updated-min", t).query("showdeleted", "true");
            }
            let bytes = self.execute_raw(call).await?;
            let feed: Feed = parse(ID, &bytes, gdata::parse_feed)?;
            if listing.updated.is_none() {
                listing.updated = feed.updated.clone();
            }
            let n = feed.entries.len() as u64;
            let next = feed.next_link().is_some();
            for entry in feed.entries {
                if entry.deleted {
                    if let Some(id) = entry.short_id() {
                        listing.deleted.push(id.to_owned());
                    }
                } else {
                    listing.entries.push(entry);
                }
            }
            if !next || n == 0 {
                return Ok(listing);
            }
            start += n;
        }
    }

    /// One shared contact.
    pub async fn get_shared_contact(&self, domain: &str, id: &str) -> Result<Entry, Error> {
        const ID: &str = "sharedContacts.get";
        let call = Call::get(ID, entry_path(domain, id)?).feed(None);
        let bytes = self.execute_raw(call).await?;
        parse(ID, &bytes, gdata::parse_entry)
    }

    /// Creates a shared contact; returns it as stored (with its id and etag).
    pub async fn create_shared_contact(&self, domain: &str, entry: &Entry) -> Result<Entry, Error> {
        const ID: &str = "sharedContacts.create";
        let body = gdata::write_entry(entry).into_bytes();
        let call = Call::new(ID, Method::POST, feed_path(domain)?).feed(Some(body));
        let bytes = self.execute_raw(call).await?;
        parse(ID, &bytes, gdata::parse_entry)
    }

    /// Replaces a shared contact, on the condition that it still has the entry's etag (a
    /// changed contact is [`ErrorKind::EtagMismatch`]).
    pub async fn update_shared_contact(&self, domain: &str, entry: &Entry) -> Result<Entry, Error> {
        const ID: &str = "sharedContacts.update";
        let id = entry.short_id().ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest, "the contact to update has no id").with_method(ID)
        })?;
        let body = gdata::write_entry(entry).into_bytes();
        let call = Call::new(ID, Method::PUT, entry_path(domain, id)?)
            .feed(Some(body))
            .header("If-Match", entry.etag.clone().unwrap_or_else(|| "*".into()));
        let bytes = self.execute_raw(call).await?;
        parse(ID, &bytes, gdata::parse_entry)
    }

    /// Deletes a shared contact (if it still has `etag`, when given).
    pub async fn delete_shared_contact(
        &self,
        domain: &str,
        id: &str,
        etag: Option<&str>,
    ) -> Result<(), Error> {
        const ID: &str = "sharedContacts.delete";
        let call = Call::new(ID, Method::DELETE, entry_path(domain, id)?)
            .feed(None)
            .header("If-Match", etag.unwrap_or("*"));
        self.execute_raw(call).await?;
        Ok(())
    }

    /// Sends operations through the batch feed, [`MAX_SHARED_BATCH`] per request; one result
    /// per item, in order. A whole-request failure is the outer error.
    pub async fn batch_shared_contacts(
        &self,
        domain: &str,
        items: Vec<BatchItem>,
    ) -> Result<Vec<BatchResult>, Error> {
        const ID: &str = "sharedContacts.batch";
        let path = format!("{}/batch", feed_path(domain)?);
        let mut out = Vec::with_capacity(items.len());
        for chunk in items.chunks(MAX_SHARED_BATCH) {
            let request = Feed {
                entries: chunk
                    .iter()
                    .enumerate()
                    .map(|(i, item)| BatchItem {
                        batch_id: Some(i.to_string()),
                        ..item.clone()
                    })
                    .collect(),
                ..Feed::default()
            };
            let body = gdata::write_batch_request(&request).into_bytes();
            let call = Call::new(ID, Method::POST, path.clone()).feed(Some(body));
            let bytes = self.execute_raw(call).await?;
            let response = parse(ID, &bytes, gdata::parse_batch_response)?;
            let mut results: Vec<Option<BatchResult>> = vec![None; chunk.len()];
            for r in response.entries {
                if let Some(i) = r.batch_id.as_deref().and_then(|b| b.parse::<usize>().ok())
                    && i < results.len()
                {
                    results[i] = Some(r);
                }
            }
            for (r, item) in results.into_iter().zip(chunk) {
                out.push(r.unwrap_or_else(|| BatchResult {
                    batch_id: item.batch_id.clone(),
                    operation: Some(item.operation),
                    status: None,
                    entry: Entry::default(),
                }));
            }
        }
        Ok(out)
    }
}

/// The outcome of one batch item as a typed error, `Ok` for a success.
pub fn batch_outcome(result: &BatchResult) -> Result<(), Error> {
    let Some(status) = &result.status else {
        return Err(Error::new(
            ErrorKind::OutcomeUnknown,
            "the batch answer says nothing about this operation",
        ));
    };
    if status.is_success() {
        return Ok(());
    }
    let message = status
        .body
        .clone()
        .or_else(|| status.reason.clone())
        .unwrap_or_else(|| format!("status {}", status.code));
    Err(Error::from_response(status.code, message.as_bytes()))
}
