//! Unit tests of the three-way Person merge, on plain data.

use super::*;
use serde_json::json;

fn person(v: serde_json::Value) -> Person {
    serde_json::from_value(v).expect("test person")
}

fn emails(p: &Person) -> Vec<&str> {
    p.email_addresses
        .iter()
        .filter_map(|e| e.value.as_deref())
        .collect()
}

fn given(p: &Person) -> Option<&str> {
    p.names.first().and_then(|n| n.given_name.as_deref())
}

fn base() -> Person {
    person(json!({
        "resourceName": "people/c1",
        "etag": "e1",
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "ada@example.com", "type": "home"}],
        "phoneNumbers": [{"value": "+44 1"}],
        "clientData": [{"key": "peopledav.uid", "value": "u1"}]
    }))
}

#[test]
fn unchanged_client_means_nothing_to_send() {
    let b = base();
    let mut theirs = b.clone();
    theirs.phone_numbers.clear();
    let m = merge(
        &b,
        &b,
        &theirs,
        ConflictPolicy::default(),
        WriteTimes::default(),
    );
    assert!(m.mask.is_empty());
    assert!(m.conflicts.is_empty());
    assert_eq!(m.person, theirs);
}

#[test]
fn edits_to_different_fields_both_survive() {
    let b = base();
    let mut ours = b.clone();
    ours.email_addresses[0].value = Some("ada@client.example".into());
    let mut theirs = b.clone();
    theirs.names[0].given_name = Some("Augusta".into());
    theirs.etag = Some("e2".into());
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::GoogleWins,
        WriteTimes::default(),
    );
    assert_eq!(m.mask, vec![PersonField::EmailAddresses]);
    assert!(m.conflicts.is_empty());
    assert_eq!(given(&m.person), Some("Augusta"));
    assert_eq!(emails(&m.person), ["ada@client.example"]);
    assert_eq!(
        m.person.etag.as_deref(),
        Some("e2"),
        "the etag to send is Google's"
    );
}

#[test]
fn the_same_edit_on_both_sides_is_no_conflict() {
    let b = base();
    let mut ours = b.clone();
    ours.names[0].given_name = Some("Augusta".into());
    let theirs = ours.clone();
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::default(),
        WriteTimes::default(),
    );
    assert!(m.mask.is_empty());
    assert!(m.conflicts.is_empty());
}

#[test]
fn output_only_decorations_are_not_edits() {
    let b = base();
    let mut theirs = b.clone();
    theirs.email_addresses[0].formatted_type = Some("Home".into());
    theirs.email_addresses[0].metadata = Some(people::FieldMetadata::primary());
    let mut ours = b.clone();
    ours.phone_numbers[0].value = Some("+44 2".into());
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::default(),
        WriteTimes::default(),
    );
    assert_eq!(m.mask, vec![PersonField::PhoneNumbers]);
    assert_eq!(
        m.person.email_addresses[0].formatted_type.as_deref(),
        Some("Home")
    );
}

#[test]
fn overlapping_multi_valued_edit_keeps_the_loser_as_an_extra_value() {
    let b = base();
    let mut ours = b.clone();
    ours.email_addresses[0].value = Some("ours@example.com".into());
    let mut theirs = b.clone();
    theirs.email_addresses[0].value = Some("theirs@example.com".into());
    for (policy, expected) in [
        (
            ConflictPolicy::ClientWins,
            ["ours@example.com", "theirs@example.com"],
        ),
        (
            ConflictPolicy::GoogleWins,
            ["theirs@example.com", "ours@example.com"],
        ),
    ] {
        let m = merge(&b, &ours, &theirs, policy, WriteTimes::default());
        assert_eq!(emails(&m.person), expected, "{policy}");
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].field, PersonField::EmailAddresses);
    }
}

#[test]
fn both_sides_adding_values_keeps_all_of_them() {
    let b = base();
    let mut ours = b.clone();
    ours.email_addresses.push(people::EmailAddress {
        value: Some("new-ours@example.com".into()),
        ..Default::default()
    });
    let mut theirs = b.clone();
    theirs.email_addresses.push(people::EmailAddress {
        value: Some("new-theirs@example.com".into()),
        ..Default::default()
    });
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::GoogleWins,
        WriteTimes::default(),
    );
    assert_eq!(
        emails(&m.person),
        [
            "ada@example.com",
            "new-theirs@example.com",
            "new-ours@example.com"
        ]
    );
    assert_eq!(m.mask, vec![PersonField::EmailAddresses]);
}

#[test]
fn a_removal_on_one_side_applies_next_to_an_addition_on_the_other() {
    let b = base();
    let mut ours = b.clone();
    ours.email_addresses.clear();
    let mut theirs = b.clone();
    theirs.email_addresses.push(people::EmailAddress {
        value: Some("second@example.com".into()),
        ..Default::default()
    });
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::GoogleWins,
        WriteTimes::default(),
    );
    assert_eq!(emails(&m.person), ["second@example.com"]);
}

#[test]
fn overlapping_single_valued_edit_keeps_the_loser_in_client_data() {
    let b = base();
    let mut ours = b.clone();
    ours.names[0].given_name = Some("Client".into());
    let mut theirs = b.clone();
    theirs.names[0].given_name = Some("Google".into());

    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::GoogleWins,
        WriteTimes::default(),
    );
    assert_eq!(given(&m.person), Some("Google"));
    let kept = m
        .person
        .client_data("peopledav.conflict.names")
        .expect("kept");
    assert!(kept.contains("Client"), "{kept}");
    assert_eq!(m.person.client_data("peopledav.uid"), Some("u1"));
    assert_eq!(m.mask, vec![PersonField::ClientData]);

    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::ClientWins,
        WriteTimes::default(),
    );
    assert_eq!(given(&m.person), Some("Client"));
    let kept = m
        .person
        .client_data("peopledav.conflict.names")
        .expect("kept");
    assert!(kept.contains("Google"), "{kept}");
    assert_eq!(m.mask, vec![PersonField::ClientData, PersonField::Names]);
}

#[test]
fn newest_wins_compares_write_times() {
    let b = base();
    let mut ours = b.clone();
    ours.names[0].given_name = Some("Client".into());
    let mut theirs = b.clone();
    theirs.names[0].given_name = Some("Google".into());
    let newer_google = WriteTimes {
        client: Some(100),
        google: Some(200),
    };
    let newer_client = WriteTimes {
        client: Some(300),
        google: Some(200),
    };
    let p = ConflictPolicy::NewestWins;
    assert_eq!(
        given(&merge(&b, &ours, &theirs, p, newer_google).person),
        Some("Google")
    );
    assert_eq!(
        given(&merge(&b, &ours, &theirs, p, newer_client).person),
        Some("Client")
    );
    // Without Google's time the pending client edit counts as the newer one.
    let m = merge(&b, &ours, &theirs, p, WriteTimes::default());
    assert_eq!(given(&m.person), Some("Client"));
    assert_eq!(m.conflicts[0].winner, Side::Client);
}

#[test]
fn client_data_merges_key_by_key() {
    let b = base();
    let mut ours = b.clone();
    ours.client_data.push(ClientData {
        key: Some("x-ours".into()),
        value: Some("1".into()),
        ..Default::default()
    });
    let mut theirs = b.clone();
    theirs.client_data.push(ClientData {
        key: Some("x-theirs".into()),
        value: Some("2".into()),
        ..Default::default()
    });
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::default(),
        WriteTimes::default(),
    );
    assert_eq!(m.person.client_data("x-ours"), Some("1"));
    assert_eq!(m.person.client_data("x-theirs"), Some("2"));
    assert_eq!(m.person.client_data("peopledav.uid"), Some("u1"));
    assert!(m.conflicts.is_empty());

    let mut ours2 = b.clone();
    ours2.client_data[0].value = Some("mine".into());
    let mut theirs2 = b.clone();
    theirs2.client_data[0].value = Some("yours".into());
    let m = merge(
        &b,
        &ours2,
        &theirs2,
        ConflictPolicy::ClientWins,
        WriteTimes::default(),
    );
    assert_eq!(m.person.client_data("peopledav.uid"), Some("mine"));
    assert_eq!(
        m.person
            .client_data("peopledav.conflict.clientData.peopledav.uid"),
        Some("yours")
    );
}

fn with_rev(p: &Person, rev: &str) -> Person {
    let mut p = p.clone();
    p.client_data.push(ClientData {
        key: Some(REV_KEY.into()),
        value: Some(rev.into()),
        ..Default::default()
    });
    p
}

#[test]
fn a_revision_stamp_alone_is_not_an_edit() {
    let b = with_rev(&base(), "20261201T000000Z");
    let ours = with_rev(&base(), "20261130T000000Z");
    assert!(changed_fields(&b, &ours).is_empty());
    let theirs = with_rev(&base(), "20261202T000000Z");
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::ClientWins,
        WriteTimes::default(),
    );
    assert!(m.mask.is_empty(), "{:?}", m.mask);
    assert!(m.conflicts.is_empty());

    // Next to a real clientData edit, the stamp makes no conflict entry.
    let mut ours = ours;
    ours.client_data[0].value = Some("u2".into());
    let m = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::ClientWins,
        WriteTimes::default(),
    );
    assert_eq!(m.mask, [PersonField::ClientData]);
    assert_eq!(m.person.client_data("peopledav.uid"), Some("u2"));
    assert!(
        m.person.client_data.iter().all(|c| !c
            .key
            .as_deref()
            .unwrap_or("")
            .starts_with(CONFLICT_KEY_PREFIX)),
        "{:?}",
        m.person.client_data
    );
}

#[test]
fn memberships_merge_as_sets() {
    let m = |g: &str| json!({"contactGroupMembership": {"contactGroupResourceName": g}});
    let b = person(json!({"memberships": [m("contactGroups/myContacts"), m("contactGroups/a")]}));
    let ours =
        person(json!({"memberships": [m("contactGroups/myContacts"), m("contactGroups/b")]}));
    let theirs = person(
        json!({"memberships": [m("contactGroups/myContacts"), m("contactGroups/a"), m("contactGroups/c")]}),
    );
    let r = merge(
        &b,
        &ours,
        &theirs,
        ConflictPolicy::GoogleWins,
        WriteTimes::default(),
    );
    let groups: Vec<&str> = r.person.group_resource_names().collect();
    assert_eq!(
        groups,
        [
            "contactGroups/myContacts",
            "contactGroups/c",
            "contactGroups/b"
        ]
    );
}

#[test]
fn changed_fields_lists_the_update_mask() {
    let b = base();
    let mut ours = b.clone();
    ours.names[0].family_name = Some("King".into());
    ours.urls.push(people::Url {
        value: Some("https://example.com".into()),
        ..Default::default()
    });
    assert_eq!(
        changed_fields(&b, &ours),
        vec![PersonField::Names, PersonField::Urls]
    );
    assert!(changed_fields(&b, &b).is_empty());
}

#[test]
fn policies_parse_and_print() {
    for p in [
        ConflictPolicy::NewestWins,
        ConflictPolicy::GoogleWins,
        ConflictPolicy::ClientWins,
    ] {
        assert_eq!(p.as_str().parse::<ConflictPolicy>(), Ok(p));
    }
    assert!("sometimes".parse::<ConflictPolicy>().is_err());
}
