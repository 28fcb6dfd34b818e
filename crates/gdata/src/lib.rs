//! GData Atom contacts, as Google's Domain Shared Contacts API speaks them (GData-Version 3.0):
//! the contact entry, the contacts feed with its paging, the batch request and response feeds,
//! and the mapping of an entry to a People API [`people::Person`] and back.
//!
//! [`parse_entry`], [`parse_feed`], [`parse_batch_request`] and [`parse_batch_response`] read a
//! document into the model; [`write_entry`], [`write_feed`], [`write_batch_request`] and
//! [`write_batch_response`] write it back. What the model has no field for (an element or an
//! attribute of another namespace, or of a known name in an unexpected shape) is kept as XML in
//! the `ext` of the nearest struct, so parse → write → parse loses nothing. Comments, processing
//! instructions and text directly inside container elements are not kept.
//!
//! Reading never panics and refuses what could hurt: documents larger than
//! [`MAX_DOCUMENT_BYTES`], nesting deeper than [`MAX_DEPTH`], document type declarations (so no
//! entity can be declared or expanded), bytes that are not UTF-8. Errors name the problem and its
//! line and column.
//!
//! [`entry_to_person`] and [`person_to_entry`] map to and from `people::Person`; what a Person has
//! no field for travels in its `clientData` under keys starting with [`CLIENT_DATA_PREFIX`], so
//! entry → person → entry gives back the same entry. This crate does no I/O.

mod error;
mod model;
mod person;
mod read;
mod write;
mod xml;

pub use error::{Error, ErrorKind};
pub use model::{
    BatchItem, BatchOperation, BatchRequest, BatchResponse, BatchResult, BatchStatus, Birthday,
    Category, Email, Entry, Event, ExtendedProperty, Feed, GroupMembership, Im, Link, Name,
    NamePart, Organization, PhoneNumber, PostalAddress, Relation, Text, UserDefinedField, Website,
    parse_time,
};
pub use person::{CLIENT_DATA_PREFIX, entry_to_person, person_to_entry};
pub use read::{parse_batch_request, parse_batch_response, parse_entry, parse_feed};
pub use write::{write_batch_request, write_batch_response, write_entry, write_feed};
pub use xml::{Attribute, Extensions, MAX_DEPTH, MAX_DOCUMENT_BYTES, RawXml};

/// The Atom namespace (the default namespace of every document written).
pub const ATOM: &str = "http://www.w3.org/2005/Atom";
/// The Atom Publishing Protocol namespace (`app:edited`).
pub const APP: &str = "http://www.w3.org/2007/app";
/// The Google Data namespace (`gd:`).
pub const GD: &str = "http://schemas.google.com/g/2005";
/// The Contacts namespace (`gContact:`).
pub const GCONTACT: &str = "http://schemas.google.com/contact/2008";
/// The batch namespace (`batch:`).
pub const BATCH: &str = "http://schemas.google.com/gdata/batch";
/// The OpenSearch namespace (`openSearch:`), for paging.
pub const OPENSEARCH: &str = "http://a9.com/-/spec/opensearch/1.1/";
/// The prefix of the `rel` values of `gd:` elements: `http://schemas.google.com/g/2005#work`.
pub const REL: &str = "http://schemas.google.com/g/2005#";
/// The `scheme` of the category that names an entry's kind.
pub const KIND_SCHEME: &str = "http://schemas.google.com/g/2005#kind";
/// The `term` of the contact kind.
pub const CONTACT_KIND: &str = "http://schemas.google.com/contact/2008#contact";
/// The `rel` of the link to a feed's batch URL.
pub const BATCH_REL: &str = "http://schemas.google.com/g/2005#batch";
/// The media type of Atom documents, as Google sends it.
pub const ATOM_CONTENT_TYPE: &str = "application/atom+xml; charset=UTF-8";

impl Category {
    /// The category that marks an entry as a contact.
    pub fn contact_kind() -> Category {
        Category {
            scheme: Some(KIND_SCHEME.into()),
            term: Some(CONTACT_KIND.into()),
            ..Category::default()
        }
    }
}

#[cfg(test)]
mod tests;
