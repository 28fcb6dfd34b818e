//! The contact entry, its elements, and the feed: plain data, one struct per GData element.
//!
//! Every struct keeps what it has no field for in `ext` (attributes, and child elements as
//! [`RawXml`](crate::RawXml)), so parse → write → parse gives back the same value. An element of
//! a known name in an unexpected shape (a leaf with an attribute or a child it never has, a
//! second `gd:name`, a `gContact:birthday` without `when`) is kept the same way, whole, in its
//! parent's `ext`; an attribute value a field cannot hold (a `primary` that is not `true`) stays
//! in `ext.attributes`.
//!
//! `rel` and `label` are kept apart as they came (the schema allows one of the two). Times are
//! kept as the text they came as; [`Entry::updated_at`] parses `updated`.

use chrono::{DateTime, Utc};

use crate::xml::Extensions;

/// `atom:title`, `atom:content`: text with its `type` attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    /// The `type` attribute (`text`, `html`, `xhtml`).
    pub kind: Option<String>,
    pub ext: Extensions,
}

impl Text {
    /// Plain text (`type="text"`).
    pub fn plain(value: impl Into<String>) -> Text {
        Text {
            value: value.into(),
            kind: Some("text".into()),
            ext: Extensions::default(),
        }
    }
}

/// `atom:link`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub rel: Option<String>,
    /// The `type` attribute (a media type).
    pub kind: Option<String>,
    pub href: Option<String>,
    /// `gd:etag` (photo links carry the photo's etag).
    pub etag: Option<String>,
    pub ext: Extensions,
}

/// `atom:category`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Category {
    pub scheme: Option<String>,
    pub term: Option<String>,
    pub label: Option<String>,
    pub ext: Extensions,
}

/// A text part with an optional phonetic reading (`yomi`): the parts of `gd:name`, `gd:orgName`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamePart {
    pub value: String,
    pub yomi: Option<String>,
}

impl NamePart {
    pub fn new(value: impl Into<String>) -> NamePart {
        NamePart {
            value: value.into(),
            yomi: None,
        }
    }
}

/// `gd:name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Name {
    pub given_name: Option<NamePart>,
    pub additional_name: Option<NamePart>,
    pub family_name: Option<NamePart>,
    pub name_prefix: Option<NamePart>,
    pub name_suffix: Option<NamePart>,
    pub full_name: Option<NamePart>,
    pub ext: Extensions,
}

/// `gd:email`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Email {
    pub address: Option<String>,
    pub rel: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub display_name: Option<String>,
    pub ext: Extensions,
}

/// `gd:phoneNumber`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneNumber {
    /// The element's text: the number as written.
    pub number: String,
    pub rel: Option<String>,
    pub label: Option<String>,
    /// The `uri` attribute (`tel:+1-206-555-1212`).
    pub uri: Option<String>,
    pub primary: bool,
    pub ext: Extensions,
}

/// `gd:structuredPostalAddress`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub rel: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub mail_class: Option<String>,
    pub usage: Option<String>,
    pub agent: Option<String>,
    pub housename: Option<String>,
    pub street: Option<String>,
    pub pobox: Option<String>,
    pub neighborhood: Option<String>,
    pub city: Option<String>,
    pub subregion: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
    /// The `code` attribute of `gd:country`.
    pub country_code: Option<String>,
    pub formatted_address: Option<String>,
    pub ext: Extensions,
}

/// `gd:organization`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organization {
    pub rel: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub org_name: Option<NamePart>,
    pub org_title: Option<String>,
    pub org_department: Option<String>,
    pub org_job_description: Option<String>,
    pub org_symbol: Option<String>,
    pub ext: Extensions,
}

/// `gd:im`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Im {
    pub address: Option<String>,
    /// A protocol URI such as `http://schemas.google.com/g/2005#GOOGLE_TALK`.
    pub protocol: Option<String>,
    pub rel: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub ext: Extensions,
}

/// `gContact:website`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Website {
    pub href: Option<String>,
    /// `home-page`, `blog`, `profile`, `home`, `work`, `other`, `ftp`.
    pub rel: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub ext: Extensions,
}

/// `gContact:birthday`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Birthday {
    /// `YYYY-MM-DD`, or `--MM-DD` without a year.
    pub when: String,
    pub ext: Extensions,
}

impl Birthday {
    /// `(year, month, day)` when `when` is a valid date in one of the two forms.
    pub fn date(&self) -> Option<(Option<i32>, u32, u32)> {
        parse_date(&self.when)
    }
}

/// `YYYY-MM-DD` or `--MM-DD` → (year, month, day).
pub(crate) fn parse_date(s: &str) -> Option<(Option<i32>, u32, u32)> {
    let (year, rest) = match s.strip_prefix("--") {
        Some(rest) => (None, rest),
        None => {
            let (y, rest) = s.split_once('-')?;
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (Some(y.parse::<i32>().ok()?), rest)
        }
    };
    let (m, d) = rest.split_once('-')?;
    if m.len() != 2 || d.len() != 2 || !(m.bytes().chain(d.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (month, day) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    let valid = match year {
        Some(y) => chrono::NaiveDate::from_ymd_opt(y, month, day).is_some(),
        // a leap year, so that --02-29 is accepted
        None => chrono::NaiveDate::from_ymd_opt(2000, month, day).is_some(),
    };
    valid.then_some((year, month, day))
}

/// `gContact:event` (with its `gd:when`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// `anniversary` or `other`.
    pub rel: Option<String>,
    pub label: Option<String>,
    /// The `startTime` of `gd:when`.
    pub start_time: Option<String>,
    pub ext: Extensions,
}

/// `gContact:relation`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relation {
    /// The related person, as text.
    pub value: String,
    /// `assistant`, `brother`, `child`, `domestic-partner`, `father`, `friend`, `manager`,
    /// `mother`, `parent`, `partner`, `referred-by`, `relative`, `sister`, `spouse`.
    pub rel: Option<String>,
    pub label: Option<String>,
    pub ext: Extensions,
}

/// `gContact:userDefinedField`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDefinedField {
    pub key: Option<String>,
    pub value: Option<String>,
    pub ext: Extensions,
}

/// `gd:extendedProperty`: a name with a value, or with XML (kept in `ext.elements`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtendedProperty {
    pub name: Option<String>,
    pub value: Option<String>,
    pub ext: Extensions,
}

/// `gContact:groupMembershipInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupMembership {
    pub href: Option<String>,
    pub deleted: bool,
    pub ext: Extensions,
}

/// One contact: an `atom:entry` of a contacts feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// `atom:id`, e.g. `http://www.google.com/m8/feeds/contacts/example.com/base/8411573`.
    pub id: Option<String>,
    /// The `gd:etag` attribute of the entry.
    pub etag: Option<String>,
    /// `atom:updated` (RFC 3339).
    pub updated: Option<String>,
    /// `app:edited` (RFC 3339).
    pub edited: Option<String>,
    pub title: Option<Text>,
    /// `atom:content`: the notes.
    pub content: Option<Text>,
    /// `gd:deleted`: a tombstone of a deleted contact.
    pub deleted: bool,
    pub links: Vec<Link>,
    pub categories: Vec<Category>,
    pub name: Option<Name>,
    pub emails: Vec<Email>,
    pub phone_numbers: Vec<PhoneNumber>,
    pub postal_addresses: Vec<PostalAddress>,
    pub organizations: Vec<Organization>,
    pub ims: Vec<Im>,
    pub websites: Vec<Website>,
    pub birthday: Option<Birthday>,
    pub events: Vec<Event>,
    pub relations: Vec<Relation>,
    /// `gContact:nickname`.
    pub nicknames: Vec<String>,
    pub user_defined_fields: Vec<UserDefinedField>,
    pub extended_properties: Vec<ExtendedProperty>,
    pub group_memberships: Vec<GroupMembership>,
    pub ext: Extensions,
}

impl Entry {
    /// The `href` of the first link with this `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        find_link(&self.links, rel)
    }

    /// The last path segment of the id: the contact id within its feed.
    pub fn short_id(&self) -> Option<&str> {
        let id = self.id.as_deref()?;
        id.rsplit('/').next().filter(|s| !s.is_empty())
    }

    /// `updated` as a time, when it is RFC 3339.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(self.updated.as_deref()?)
    }
}

/// Parses an RFC 3339 time.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn find_link<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rel.as_deref() == Some(rel))
        .and_then(|l| l.href.as_deref())
}

/// An `atom:feed` of items `E`: contact entries ([`Entry`]) for a plain feed,
/// [`crate::BatchItem`] for a batch request, [`crate::BatchResult`] for a batch response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed<E = Entry> {
    pub id: Option<String>,
    /// The `gd:etag` attribute of the feed.
    pub etag: Option<String>,
    pub updated: Option<String>,
    pub title: Option<Text>,
    pub links: Vec<Link>,
    pub categories: Vec<Category>,
    /// `openSearch:totalResults`.
    pub total_results: Option<u64>,
    /// `openSearch:startIndex` (1-based).
    pub start_index: Option<u64>,
    /// `openSearch:itemsPerPage`.
    pub items_per_page: Option<u64>,
    pub entries: Vec<E>,
    pub ext: Extensions,
}

impl<E> Default for Feed<E> {
    fn default() -> Self {
        Feed {
            id: None,
            etag: None,
            updated: None,
            title: None,
            links: Vec::new(),
            categories: Vec::new(),
            total_results: None,
            start_index: None,
            items_per_page: None,
            entries: Vec::new(),
            ext: Extensions::default(),
        }
    }
}

impl<E> Feed<E> {
    /// The `href` of the first link with this `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        find_link(&self.links, rel)
    }

    /// The next page (`rel="next"`), if there is one.
    pub fn next_link(&self) -> Option<&str> {
        self.link("next")
    }
}

/// What a batch entry asks for (`batch:operation type=...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchOperation {
    Insert,
    Update,
    Delete,
    Query,
}

impl BatchOperation {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchOperation::Insert => "insert",
            BatchOperation::Update => "update",
            BatchOperation::Delete => "delete",
            BatchOperation::Query => "query",
        }
    }

    pub fn parse(s: &str) -> Option<BatchOperation> {
        match s {
            "insert" => Some(BatchOperation::Insert),
            "update" => Some(BatchOperation::Update),
            "delete" => Some(BatchOperation::Delete),
            "query" => Some(BatchOperation::Query),
            _ => None,
        }
    }
}

/// One operation of a batch request: the entry with its `batch:id` and `batch:operation`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchItem {
    /// `batch:id`: the client's name for the operation, echoed in the response.
    pub batch_id: Option<String>,
    pub operation: BatchOperation,
    pub entry: Entry,
}

impl Default for BatchOperation {
    /// The operation of an entry that names none.
    fn default() -> Self {
        BatchOperation::Insert
    }
}

/// `batch:status`: the outcome of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStatus {
    /// An HTTP status code.
    pub code: u16,
    pub reason: Option<String>,
    /// The `content-type` attribute: the type of `body`.
    pub content_type: Option<String>,
    /// The element's text: details of a failure.
    pub body: Option<String>,
    pub ext: Extensions,
}

impl BatchStatus {
    pub fn new(code: u16, reason: impl Into<String>) -> BatchStatus {
        BatchStatus {
            code,
            reason: Some(reason.into()),
            ..BatchStatus::default()
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// One entry of a batch response: the outcome and the entry it concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchResult {
    pub batch_id: Option<String>,
    pub operation: Option<BatchOperation>,
    /// `None` when the server sent none (an interrupted batch may leave it out).
    pub status: Option<BatchStatus>,
    pub entry: Entry,
}

/// A batch request: a feed of operations.
pub type BatchRequest = Feed<BatchItem>;
/// A batch response: a feed of outcomes.
pub type BatchResponse = Feed<BatchResult>;
