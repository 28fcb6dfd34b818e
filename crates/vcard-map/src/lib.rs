//! Person to vCard 3.0/4.0 mapping and back, lossless.
//!
//! Reading is lenient (vCard 2.1, 3.0 and 4.0; see [`parse`]); writing is strict (see
//! [`Card::write`]). [`card_to_person`] maps every property that has a Person field and keeps the
//! rest in `clientData`; [`person_to_card`] maps every writable field back and restores what
//! `clientData` kept. The field table and the `clientData` key scheme are in `docs/mapping.md`.
//! This crate does no I/O.

mod card;
mod client_data;
mod convert;
mod error;
mod from_person;
mod groups;
mod labels;
mod parse;
mod to_person;
mod write;

pub use card::{Card, Property, Version};
pub use client_data::{REV_KEY, UID_KEY};
pub use error::{CardError, Diagnostic, VcardError, VcardErrorKind};
pub use groups::GroupTable;
pub use parse::{CardResult, Parsed, cards, parse, parse_one};
pub use to_person::card_to_person;

/// Maps a Person to a card, restoring what `clientData` kept from an earlier vCard.
pub fn person_to_card(person: &people::Person, groups: &GroupTable) -> Card {
    from_person::person_to_card(person, groups)
}

/// [`person_to_card`] written in `version`.
pub fn person_to_vcard(person: &people::Person, groups: &GroupTable, version: Version) -> String {
    person_to_card(person, groups).write(version)
}
