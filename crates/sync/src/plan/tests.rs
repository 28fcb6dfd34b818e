//! Snapshot tests of the planner: plain state in, the printed plan compared with expect-test.

use super::*;
use expect_test::{Expect, expect};

fn card(href: &str, link: Option<(&str, &str)>) -> LocalCard {
    LocalCard {
        href: href.into(),
        uid: href.trim_end_matches(".vcf").into(),
        link: link.map(|(r, e)| LinkRef {
            resource_name: r.into(),
            person_etag: e.into(),
        }),
        group: false,
    }
}

fn put(seq: u64, href: &str) -> OutboxItem {
    OutboxItem {
        seq,
        href: href.into(),
        uid: href.trim_end_matches(".vcf").into(),
        delete: false,
    }
}

fn del(seq: u64, href: &str) -> OutboxItem {
    OutboxItem {
        delete: true,
        ..put(seq, href)
    }
}

fn person(r: &str, e: &str, uid: Option<&str>) -> RemotePerson {
    RemotePerson {
        resource_name: r.into(),
        etag: e.into(),
        uid: uid.map(Into::into),
    }
}

fn incremental(changed: Vec<RemotePerson>, deleted: &[&str]) -> RemoteView {
    RemoteView::Incremental {
        changed,
        deleted: deleted.iter().map(|s| s.to_string()).collect(),
    }
}

fn check(local: &LocalState, remote: &RemoteView, groups: &RemoteGroups, expect: Expect) {
    let p = plan("contacts", local, remote, groups);
    expect.assert_eq(&p.to_string());
    assert_eq!(
        p,
        plan("contacts", local, remote, groups),
        "plans are deterministic"
    );
}

#[test]
fn nothing_to_do() {
    let local = LocalState {
        cards: vec![card("a.vcf", Some(("people/c1", "e1")))],
        ..LocalState::default()
    };
    check(
        &local,
        &incremental(vec![person("people/c1", "e1", None)], &[]),
        &None,
        expect![[r#"
            contacts: incremental, 0 operation(s)
        "#]],
    );
}

#[test]
fn outbox_is_coalesced_per_card() {
    let mut local = LocalState {
        cards: vec![
            card("new.vcf", None),
            card("edited.vcf", Some(("people/c1", "e1"))),
            card("same.vcf", Some(("people/c2", "e2"))),
        ],
        outbox: vec![
            put(1, "new.vcf"),
            put(2, "edited.vcf"),
            put(3, "new.vcf"),
            put(4, "gone.vcf"),
            put(5, "edited.vcf"),
            del(6, "gone.vcf"),
            put(7, "same.vcf"),
            put(8, "never-synced.vcf"),
            del(9, "never-synced.vcf"),
        ],
        ..LocalState::default()
    };
    local.deleted_links.insert(
        "gone.vcf".into(),
        LinkRef {
            resource_name: "people/c9".into(),
            person_etag: "e9".into(),
        },
    );
    local.dirty_fields.insert(
        "edited.vcf".into(),
        vec![PersonField::Names, PersonField::EmailAddresses],
    );
    check(
        &local,
        &incremental(vec![], &[]),
        &None,
        expect![[r#"
            contacts: incremental, 3 operation(s), outbox up to 9
              push create   new.vcf (uid new)
              push update   edited.vcf -> people/c1 [names,emailAddresses]
              push delete   gone.vcf -> people/c9
        "#]],
    );
}

#[test]
fn google_changes_are_pulled_and_echoes_ignored() {
    let local = LocalState {
        cards: vec![
            card("a.vcf", Some(("people/c1", "e1"))),
            card("b.vcf", Some(("people/c2", "e2"))),
            card("c.vcf", Some(("people/c3", "e3"))),
        ],
        ..LocalState::default()
    };
    check(
        &local,
        &incremental(
            vec![
                person("people/c1", "e1", None),
                person("people/c2", "e2-new", None),
                person("people/c4", "e4", None),
                person("people/a.vcf", "e5", None),
            ],
            &["people/c3", "people/unknown"],
        ),
        &None,
        expect![[r#"
            contacts: incremental, 4 operation(s)
              pull upsert   people/c2 -> b.vcf (changed)
              pull upsert   people/c4 -> c4.vcf (new)
              pull upsert   people/a.vcf -> a_vcf.vcf (new)
              pull delete   c.vcf (people/c3 deleted in google)
        "#]],
    );
}

#[test]
fn both_sides_changed_means_merge_and_edits_beat_deletes() {
    let mut local = LocalState {
        cards: vec![
            card("both.vcf", Some(("people/c1", "e1"))),
            card("edited-here.vcf", Some(("people/c2", "e2"))),
        ],
        outbox: vec![
            put(1, "both.vcf"),
            put(2, "edited-here.vcf"),
            del(3, "deleted-here.vcf"),
        ],
        ..LocalState::default()
    };
    local.deleted_links.insert(
        "deleted-here.vcf".into(),
        LinkRef {
            resource_name: "people/c3".into(),
            person_etag: "e3".into(),
        },
    );
    local
        .dirty_fields
        .insert("both.vcf".into(), vec![PersonField::Names]);
    check(
        &local,
        &incremental(
            vec![
                person("people/c1", "e1-new", None),
                person("people/c3", "e3-new", None),
            ],
            &["people/c2"],
        ),
        &None,
        expect![[r#"
            contacts: incremental, 3 operation(s), outbox up to 3
              merge         both.vcf <-> people/c1 (changed on both sides)
              pull upsert   people/c3 -> deleted-here.vcf (new)
              push create   edited-here.vcf (uid edited-here)
        "#]],
    );
}

#[test]
fn a_create_whose_answer_was_lost_is_linked_not_repeated() {
    let local = LocalState {
        cards: vec![card("u1.vcf", None), card("u2.vcf", None)],
        outbox: vec![put(1, "u1.vcf"), put(2, "u2.vcf")],
        pending_creates: ["u1".to_string(), "u2".to_string()].into(),
        ..LocalState::default()
    };
    check(
        &local,
        &RemoteView::Full {
            persons: vec![person("people/c7", "e7", Some("u1"))],
        },
        &None,
        expect![[r#"
            contacts: full, 2 operation(s), outbox up to 2
              link          u1.vcf -> people/c7 (uid found in google)
              push create   u2.vcf (uid u2)
        "#]],
    );
}

#[test]
fn a_lost_answer_to_a_create_again_after_a_google_delete_is_linked_not_repeated() {
    // The client edited a card Google had deleted; the create that brought it back was
    // committed but its answer lost. The next listing holds the new person with the card's UID.
    let local = LocalState {
        cards: vec![card("u1.vcf", Some(("people/c1", "e1")))],
        outbox: vec![put(1, "u1.vcf")],
        pending_creates: ["u1".to_string()].into(),
        ..LocalState::default()
    };
    check(
        &local,
        &RemoteView::Full {
            persons: vec![person("people/c9", "e9", Some("u1"))],
        },
        &None,
        expect![[r#"
            contacts: full, 1 operation(s), outbox up to 1
              link          u1.vcf -> people/c9 (uid found in google)
        "#]],
    );
}

#[test]
fn a_lost_create_of_a_card_the_client_deleted_since_is_deleted_not_pulled() {
    // u1 was created, its answer lost, then the client deleted the card; u2's href was reused by
    // a card with another UID. Neither person Google made comes back.
    let before = OutboxItem {
        uid: "old".into(),
        ..put(0, "u2.vcf")
    };
    let local = LocalState {
        cards: vec![card("u2.vcf", None)],
        outbox: vec![before, put(1, "u1.vcf"), del(2, "u1.vcf"), put(3, "u2.vcf")],
        pending_creates: ["u1".to_string(), "old".to_string()].into(),
        ..LocalState::default()
    };
    check(
        &local,
        &RemoteView::Full {
            persons: vec![
                person("people/c7", "e7", Some("u1")),
                person("people/c8", "e8", Some("old")),
            ],
        },
        &None,
        expect![[r#"
            contacts: full, 3 operation(s), outbox up to 3
              push delete   u1.vcf -> people/c7
              push delete   c8.vcf -> people/c8
              push create   u2.vcf (uid u2)
        "#]],
    );
}

#[test]
fn full_listing_deletes_vanished_and_repairs_unpushed() {
    let local = LocalState {
        cards: vec![
            card("kept.vcf", Some(("people/c1", "e1"))),
            card("vanished.vcf", Some(("people/c2", "e2"))),
            card("stray.vcf", None),
        ],
        ..LocalState::default()
    };
    check(
        &local,
        &RemoteView::Full {
            persons: vec![person("people/c1", "e1", None)],
        },
        &None,
        expect![[r#"
            contacts: full, 2 operation(s)
              pull delete   vanished.vcf (people/c2 deleted in google)
              push create   stray.vcf (uid stray)
        "#]],
    );
}

#[test]
fn groups_both_ways() {
    let members = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let mut group_card = card("g-friends.vcf", Some(("contactGroups/friends", "g1")));
    group_card.group = true;
    let mut new_group_card = card("g-new.vcf", None);
    new_group_card.group = true;
    let local = LocalState {
        cards: vec![group_card, new_group_card],
        outbox: vec![
            put(1, "g-friends.vcf"),
            put(2, "g-new.vcf"),
            del(3, "g-old.vcf"),
        ],
        groups: vec![
            LocalGroup {
                resource_name: "contactGroups/friends".into(),
                name: "Friends".into(),
                etag: "g1".into(),
                card_href: Some("g-friends.vcf".into()),
                members: members(&["people/c1", "people/c2"]),
            },
            LocalGroup {
                resource_name: "contactGroups/old".into(),
                name: "Old".into(),
                etag: "g2".into(),
                card_href: Some("g-old.vcf".into()),
                members: members(&[]),
            },
            LocalGroup {
                resource_name: "contactGroups/work".into(),
                name: "Work".into(),
                etag: "g3".into(),
                card_href: Some("g-work.vcf".into()),
                members: members(&[]),
            },
            LocalGroup {
                resource_name: "contactGroups/gone".into(),
                name: "Gone".into(),
                etag: "g4".into(),
                card_href: Some("g-gone.vcf".into()),
                members: members(&[]),
            },
        ],
        group_cards: vec![
            GroupCardEdit {
                href: "g-friends.vcf".into(),
                name: "Close friends".into(),
                members: members(&["people/c2", "people/c3"]),
                ..GroupCardEdit::default()
            },
            GroupCardEdit {
                href: "g-new.vcf".into(),
                name: "New".into(),
                members: members(&["people/c1"]),
                ..GroupCardEdit::default()
            },
        ],
        ..LocalState::default()
    };
    let remote = vec![
        RemoteGroup {
            resource_name: "contactGroups/friends".into(),
            name: "Friends".into(),
            etag: "g1".into(),
            members: members(&["people/c1", "people/c2"]),
        },
        RemoteGroup {
            resource_name: "contactGroups/old".into(),
            name: "Old".into(),
            etag: "g2".into(),
            members: members(&[]),
        },
        RemoteGroup {
            resource_name: "contactGroups/work".into(),
            name: "Work".into(),
            etag: "g3-new".into(),
            members: members(&["people/c1"]),
        },
        RemoteGroup {
            resource_name: "contactGroups/fresh".into(),
            name: "Fresh".into(),
            etag: "g5".into(),
            members: members(&[]),
        },
    ];
    check(
        &local,
        &incremental(vec![], &[]),
        &Some(remote),
        expect![[r#"
            contacts: incremental, 7 operation(s), outbox up to 3
              group rename  contactGroups/friends "Close friends"
              group members contactGroups/friends +[people/c3] -[people/c1]
              group create  g-new.vcf "New" members [people/c1]
              group delete  contactGroups/old
              group pull    contactGroups/work -> g-work.vcf
              group pull    contactGroups/fresh (new)
              group gone    contactGroups/gone (g-gone.vcf)
        "#]],
    );
}

#[test]
fn mass_delete_guard_counts_each_direction() {
    let cards: Vec<LocalCard> = (0..20)
        .map(|i| card(&format!("{i}.vcf"), Some((&format!("people/c{i}"), "e"))))
        .collect();
    let local = LocalState {
        cards: cards.clone(),
        ..LocalState::default()
    };
    let gone: Vec<String> = (0..11).map(|i| format!("people/c{i}")).collect();
    let gone: Vec<&str> = gone.iter().map(String::as_str).collect();
    let p = plan("contacts", &local, &incremental(vec![], &gone), &None);
    assert_eq!(
        p.mass_delete(0.5, 10),
        Some(MassDelete {
            direction: Direction::Pull,
            deletes: 11,
            total: 20
        })
    );
    let p = plan("contacts", &local, &incremental(vec![], &gone[..10]), &None);
    assert_eq!(p.mass_delete(0.5, 10), None, "exactly half is allowed");

    // Ten cards or fewer: never guarded.
    let small = LocalState {
        cards: cards[..10].to_vec(),
        ..LocalState::default()
    };
    let p = plan("contacts", &small, &incremental(vec![], &gone[..10]), &None);
    assert_eq!(p.mass_delete(0.5, 10), None);

    // Client deletes count against what Google holds.
    let mut pushing = LocalState {
        cards: cards[6..].to_vec(),
        outbox: (0..6).map(|i| del(i, &format!("{i}.vcf"))).collect(),
        ..LocalState::default()
    };
    for c in &cards[..6] {
        pushing
            .deleted_links
            .insert(c.href.clone(), c.link.clone().expect("linked"));
    }
    let p = plan("contacts", &pushing, &incremental(vec![], &[]), &None);
    assert_eq!(p.count(|o| matches!(o, Op::PushDelete { .. })), 6);
    assert_eq!(p.mass_delete(0.5, 10), None);
    assert_eq!(
        p.mass_delete(0.25, 10),
        Some(MassDelete {
            direction: Direction::Push,
            deletes: 6,
            total: 20
        })
    );
}
