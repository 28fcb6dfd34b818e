//! The store's public API against real sled databases: client writes with their preconditions,
//! the outbox, the change log and its compaction, changes from Google and their links,
//! durability across a reopen, users, meta, groups, and the separation of users' data.

use store::{
    BookName, ClientPut, ErrorKind, GoogleAccountRef, GoogleLink, GroupRecord, OutboxEntry,
    OutboxOp, PutOutcome, RemoteChange, SCHEMA_VERSION, Store, StoreOptions, User,
};

const ALICE: &str = "alice";
const BOB: &str = "bob";
const BOOK: BookName = BookName::Contacts;

fn store() -> Store {
    Store::open_temporary().expect("temporary store")
}

fn vcard(uid: &str, name: &str) -> Vec<u8> {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n")
        .into_bytes()
}

/// An unconditional client PUT of a card called `name` with `uid` at `href`.
fn put(href: &str, uid: &str, name: &str) -> ClientPut {
    ClientPut {
        href: href.to_owned(),
        uid: uid.to_owned(),
        vcard: vcard(uid, name),
        if_match: None,
        if_none_match_any: false,
    }
}

fn create(store: &Store, user: &str, href: &str, uid: &str, name: &str) -> PutOutcome {
    store
        .client_put(user, BOOK, put(href, uid, name))
        .expect("client put")
}

fn seq(store: &Store, user: &str, book: BookName) -> u64 {
    store.book(user, book).expect("book").seq
}

fn link(n: u32) -> GoogleLink {
    GoogleLink {
        resource_name: format!("people/c{n}"),
        person_etag: format!("%Etag{n}="),
        base: format!("{{\"resourceName\":\"people/c{n}\"}}\n\0\u{ff}").into_bytes(),
    }
}

fn upsert(href: &str, uid: &str, name: &str, link: GoogleLink) -> RemoteChange {
    RemoteChange::Upsert {
        href: href.to_owned(),
        uid: uid.to_owned(),
        vcard: vcard(uid, name),
        link,
    }
}

fn user(name: &str, label: &str) -> User {
    User {
        name: name.to_owned(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
        google: GoogleAccountRef {
            label: label.to_owned(),
        },
    }
}

fn group(resource_name: &str, name: &str) -> GroupRecord {
    GroupRecord {
        resource_name: resource_name.to_owned(),
        name: name.to_owned(),
        etag: format!("etag-{name}"),
        system: false,
        card_href: Some(format!("{name}.vcf")),
    }
}

/// The outbox's sequence numbers, oldest first.
fn outbox_seqs(store: &Store, user: &str) -> Vec<u64> {
    store
        .outbox(user, usize::MAX)
        .expect("outbox")
        .iter()
        .map(|e| e.seq)
        .collect()
}

/// The number of change-log entries a client syncing from the book's horizon is sent: the part of
/// the log the store still keeps.
fn log_len(store: &Store, user: &str, book: BookName) -> usize {
    let horizon = store.sync_horizon(user, book).expect("horizon");
    let changes = store
        .changes_since(user, book, Some(horizon))
        .expect("changes since the horizon");
    changes.changed.len() + changes.deleted.len()
}

/// A card a client creates can be read back by href and by UID with the exact bytes sent, a
/// strong quoted etag and a `created` outcome; replacing it gives a new etag and `created: false`.
#[test]
fn a_created_card_is_read_back_by_href_and_by_uid() {
    let s = store();
    let sent = put("ada.vcf", "uid-ada", "Ada Lovelace");
    let outcome = s.client_put(ALICE, BOOK, sent.clone()).expect("create");
    assert!(outcome.created, "a new href is a create (201)");
    assert!(
        outcome.etag.starts_with('"') && outcome.etag.ends_with('"'),
        "the etag is quoted: {}",
        outcome.etag
    );

    let card = s
        .card(ALICE, BOOK, "ada.vcf")
        .expect("read by href")
        .expect("the card exists");
    assert_eq!(card.href, "ada.vcf");
    assert_eq!(card.uid, "uid-ada");
    assert_eq!(
        card.vcard, sent.vcard,
        "the stored bytes are the bytes sent"
    );
    assert_eq!(card.etag, outcome.etag);
    assert!(card.modified > 0, "the write time is set");

    let by_uid = s
        .card_by_uid(ALICE, BOOK, "uid-ada")
        .expect("read by uid")
        .expect("the uid is mapped");
    assert_eq!(by_uid, card);

    let metas = s.card_metas(ALICE, BOOK).expect("metas");
    assert_eq!(metas.len(), 1);
    assert_eq!(metas[0].href, "ada.vcf");
    assert_eq!(metas[0].etag, card.etag);
    assert_eq!(metas[0].len, sent.vcard.len() as u64);
    assert_eq!(s.cards(ALICE, BOOK).expect("cards"), vec![card.clone()]);

    let replaced = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada King");
    assert!(!replaced.created, "an existing href is a replace (204)");
    assert_ne!(replaced.etag, card.etag, "new bytes, new etag");
    let now = s
        .card(ALICE, BOOK, "ada.vcf")
        .expect("read")
        .expect("still there");
    assert_eq!(now.vcard, vcard("uid-ada", "Ada King"));
    assert_eq!(now.etag, replaced.etag);
    assert!(s.card(ALICE, BOOK, "nobody.vcf").expect("read").is_none());
    assert!(
        s.card_by_uid(ALICE, BOOK, "uid-nobody")
            .expect("read")
            .is_none()
    );
}

/// Storing the exact bytes already stored is a no-op: same etag, no new change, no outbox entry.
#[test]
fn putting_the_same_bytes_again_changes_nothing() {
    let s = store();
    let first = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    let seq_before = seq(&s, ALICE, BOOK);
    let again = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    assert_eq!(again.etag, first.etag);
    assert!(!again.created);
    assert_eq!(seq(&s, ALICE, BOOK), seq_before, "no change-log entry");
    assert_eq!(
        s.outbox_len(ALICE).expect("outbox len"),
        1,
        "no outbox entry"
    );
}

/// `If-Match` with a stale etag, or on a card that does not exist, is `PreconditionFailed` and
/// changes nothing; the current etag and `*` pass.
#[test]
fn a_stale_if_match_is_refused_and_changes_nothing() {
    let s = store();
    let old = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    let current = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada King");
    let seq_before = seq(&s, ALICE, BOOK);
    let outbox_before = s.outbox_len(ALICE).expect("outbox len");

    let mut stale = put("ada.vcf", "uid-ada", "Ada Byron");
    stale.if_match = Some(old.etag.clone());
    let err = s
        .client_put(ALICE, BOOK, stale)
        .expect_err("a stale if-match is refused");
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
    let card = s.card(ALICE, BOOK, "ada.vcf").expect("read").expect("card");
    assert_eq!(card.etag, current.etag, "the card is untouched");
    assert_eq!(card.vcard, vcard("uid-ada", "Ada King"));
    assert_eq!(seq(&s, ALICE, BOOK), seq_before, "no change-log entry");
    assert_eq!(
        s.outbox_len(ALICE).expect("outbox len"),
        outbox_before,
        "no outbox entry"
    );

    let mut missing = put("nobody.vcf", "uid-nobody", "Nobody");
    missing.if_match = Some("*".into());
    let err = s
        .client_put(ALICE, BOOK, missing)
        .expect_err("if-match on a missing card is refused");
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
    assert!(s.card(ALICE, BOOK, "nobody.vcf").expect("read").is_none());

    let mut fresh = put("ada.vcf", "uid-ada", "Ada Byron");
    fresh.if_match = Some(current.etag.clone());
    let outcome = s
        .client_put(ALICE, BOOK, fresh)
        .expect("the current etag passes");
    let mut any = put("ada.vcf", "uid-ada", "Ada Lovelace");
    any.if_match = Some("*".into());
    let last = s
        .client_put(ALICE, BOOK, any)
        .expect("if-match * passes on an existing card");
    assert_ne!(last.etag, outcome.etag);
    assert_eq!(
        s.card(ALICE, BOOK, "ada.vcf")
            .expect("read")
            .expect("card")
            .vcard,
        vcard("uid-ada", "Ada Lovelace")
    );
}

/// `If-None-Match: *` on an existing href is `PreconditionFailed` and changes nothing; on a new
/// href it creates the card.
#[test]
fn if_none_match_any_refuses_an_existing_href() {
    let s = store();
    let first = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    let seq_before = seq(&s, ALICE, BOOK);

    let mut again = put("ada.vcf", "uid-ada", "Someone Else");
    again.if_none_match_any = true;
    let err = s
        .client_put(ALICE, BOOK, again)
        .expect_err("create-only on an existing href");
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
    let card = s.card(ALICE, BOOK, "ada.vcf").expect("read").expect("card");
    assert_eq!(card.etag, first.etag, "the card is untouched");
    assert_eq!(seq(&s, ALICE, BOOK), seq_before);

    let mut new = put("bob.vcf", "uid-bob", "Bob");
    new.if_none_match_any = true;
    let outcome = s
        .client_put(ALICE, BOOK, new)
        .expect("create-only on a new href");
    assert!(outcome.created);
}

/// A UID already stored under another href of the book is `UidConflict` naming that href
/// (CardDAV's `no-uid-conflict`), and nothing is stored at the new href.
#[test]
fn a_uid_already_stored_under_another_href_is_refused() {
    let s = store();
    create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    let seq_before = seq(&s, ALICE, BOOK);
    let err = s
        .client_put(ALICE, BOOK, put("copy.vcf", "uid-ada", "Ada again"))
        .expect_err("the uid is taken");
    assert_eq!(
        err.kind(),
        ErrorKind::UidConflict {
            href: "ada.vcf".into()
        },
        "{err}"
    );
    assert!(s.card(ALICE, BOOK, "copy.vcf").expect("read").is_none());
    assert_eq!(
        s.card_by_uid(ALICE, BOOK, "uid-ada")
            .expect("read")
            .expect("still mapped")
            .href,
        "ada.vcf"
    );
    assert_eq!(seq(&s, ALICE, BOOK), seq_before);
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 1);

    // The same UID in another book is no conflict.
    s.apply_remote(
        ALICE,
        BookName::Other,
        upsert("ada.vcf", "uid-ada", "Ada", link(1)),
        None,
    )
    .expect("the other book has its own uids");
}

/// Changing the UID of a card moves its UID mapping: the old UID is free, the new one finds it.
#[test]
fn changing_a_cards_uid_moves_the_uid_mapping() {
    let s = store();
    create(&s, ALICE, "ada.vcf", "uid-old", "Ada");
    create(&s, ALICE, "ada.vcf", "uid-new", "Ada");
    assert!(
        s.card_by_uid(ALICE, BOOK, "uid-old")
            .expect("read")
            .is_none()
    );
    assert_eq!(
        s.card_by_uid(ALICE, BOOK, "uid-new")
            .expect("read")
            .expect("mapped")
            .href,
        "ada.vcf"
    );
    let outcome = create(&s, ALICE, "other.vcf", "uid-old", "Other");
    assert!(outcome.created, "the old uid is free for another href");
}

/// A client delete removes the card and its UID mapping (so the UID can be used again); a stale
/// `If-Match` is refused and keeps the card; deleting a missing card is `NotFound`.
#[test]
fn a_client_delete_removes_the_card_and_frees_its_uid() {
    let s = store();
    let ada = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    create(&s, ALICE, "ada.vcf", "uid-ada", "Ada King");

    let err = s
        .client_delete(ALICE, BOOK, "ada.vcf", Some(&ada.etag))
        .expect_err("a stale if-match is refused");
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed, "{err}");
    assert!(s.card(ALICE, BOOK, "ada.vcf").expect("read").is_some());

    s.client_delete(ALICE, BOOK, "ada.vcf", None)
        .expect("delete");
    assert!(s.card(ALICE, BOOK, "ada.vcf").expect("read").is_none());
    assert!(
        s.card_by_uid(ALICE, BOOK, "uid-ada")
            .expect("read")
            .is_none()
    );
    assert!(s.cards(ALICE, BOOK).expect("cards").is_empty());
    assert!(s.card_metas(ALICE, BOOK).expect("metas").is_empty());

    let err = s
        .client_delete(ALICE, BOOK, "ada.vcf", None)
        .expect_err("the card is gone");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

    let again = create(&s, ALICE, "ada-2.vcf", "uid-ada", "Ada");
    assert!(again.created, "the uid is free for a new href");
}

/// The read-only books refuse client writes with `ReadOnly` and nothing reaches the outbox.
#[test]
fn read_only_books_refuse_client_writes() {
    let s = store();
    for book in [BookName::Other, BookName::Directory] {
        let err = s
            .client_put(ALICE, book, put("ada.vcf", "uid-ada", "Ada"))
            .expect_err("read-only put");
        assert_eq!(err.kind(), ErrorKind::ReadOnly, "{book}: {err}");
        let err = s
            .client_delete(ALICE, book, "ada.vcf", None)
            .expect_err("read-only delete");
        assert_eq!(err.kind(), ErrorKind::ReadOnly, "{book}: {err}");
        assert!(s.card(ALICE, book, "ada.vcf").expect("read").is_none());
        assert_eq!(seq(&s, ALICE, book), 0);
    }
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 0);
}

/// Every client write appends one outbox entry (per-user sequence, book, href, op with the UID)
/// and one change to the book's log; the book's seq (ctag) grows with every write.
#[test]
fn every_client_write_appends_to_the_outbox_and_the_change_log() {
    let s = store();
    let mut last = seq(&s, ALICE, BOOK);
    assert_eq!(last, 0, "a fresh book starts at 0");
    let mut expect_changed = |s: &Store, href: &str, deleted: bool| {
        let token = last;
        let now = seq(s, ALICE, BOOK);
        assert!(now > token, "the seq grows: {token} -> {now}");
        let changes = s
            .changes_since(ALICE, BOOK, Some(token))
            .expect("changes since the previous write");
        assert_eq!(changes.seq, now);
        let (hit, miss) = if deleted {
            (&changes.deleted, &changes.changed)
        } else {
            (&changes.changed, &changes.deleted)
        };
        assert_eq!(hit, &vec![href.to_owned()], "{changes:?}");
        assert!(miss.is_empty(), "{changes:?}");
        last = now;
    };

    create(&s, ALICE, "a.vcf", "uid-a", "A");
    expect_changed(&s, "a.vcf", false);
    create(&s, ALICE, "b.vcf", "uid-b", "B");
    expect_changed(&s, "b.vcf", false);
    create(&s, ALICE, "a.vcf", "uid-a", "A2");
    expect_changed(&s, "a.vcf", false);
    s.client_delete(ALICE, BOOK, "b.vcf", None).expect("delete");
    expect_changed(&s, "b.vcf", true);

    let outbox = s.outbox(ALICE, usize::MAX).expect("outbox");
    let entry = |seq: u64, href: &str, op: OutboxOp| OutboxEntry {
        seq,
        book: BOOK,
        href: href.to_owned(),
        op,
    };
    assert_eq!(
        outbox,
        vec![
            entry(
                1,
                "a.vcf",
                OutboxOp::Put {
                    uid: "uid-a".into()
                }
            ),
            entry(
                2,
                "b.vcf",
                OutboxOp::Put {
                    uid: "uid-b".into()
                }
            ),
            entry(
                3,
                "a.vcf",
                OutboxOp::Put {
                    uid: "uid-a".into()
                }
            ),
            entry(
                4,
                "b.vcf",
                OutboxOp::Delete {
                    uid: "uid-b".into()
                }
            ),
        ]
    );
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 4);
    assert_eq!(
        s.outbox(ALICE, 2).expect("outbox"),
        outbox[..2].to_vec(),
        "the limit takes the oldest"
    );
}

/// `changes_since(token)` lists each href touched since the token once, as changed or deleted, in
/// change order; `None` lists every current card; a token from the future is invalid.
#[test]
fn changes_since_a_token_reports_changes_and_deletions_once_each() {
    let s = store();
    create(&s, ALICE, "a.vcf", "uid-a", "A");
    create(&s, ALICE, "b.vcf", "uid-b", "B");
    create(&s, ALICE, "c.vcf", "uid-c", "C");
    let token = seq(&s, ALICE, BOOK);

    create(&s, ALICE, "a.vcf", "uid-a", "A2");
    s.client_delete(ALICE, BOOK, "b.vcf", None)
        .expect("delete b");
    create(&s, ALICE, "d.vcf", "uid-d", "D");
    create(&s, ALICE, "a.vcf", "uid-a", "A3");
    create(&s, ALICE, "e.vcf", "uid-e", "E");
    s.client_delete(ALICE, BOOK, "e.vcf", None)
        .expect("delete e");
    let now = seq(&s, ALICE, BOOK);
    assert_eq!(now, token + 6, "one seq per write");

    let changes = s
        .changes_since(ALICE, BOOK, Some(token))
        .expect("changes since the token");
    assert_eq!(changes.seq, now);
    assert_eq!(changes.changed, vec!["d.vcf", "a.vcf"], "{changes:?}");
    assert_eq!(changes.deleted, vec!["b.vcf", "e.vcf"], "{changes:?}");

    let from_start = s
        .changes_since(ALICE, BOOK, Some(0))
        .expect("changes since 0");
    assert_eq!(from_start.changed, vec!["c.vcf", "d.vcf", "a.vcf"]);
    assert_eq!(from_start.deleted, vec!["b.vcf", "e.vcf"]);

    let nothing = s
        .changes_since(ALICE, BOOK, Some(now))
        .expect("changes since now");
    assert!(nothing.changed.is_empty() && nothing.deleted.is_empty());
    assert_eq!(nothing.seq, now);

    let all = s.changes_since(ALICE, BOOK, None).expect("initial sync");
    assert_eq!(all.seq, now);
    assert_eq!(all.changed, vec!["a.vcf", "c.vcf", "d.vcf"], "sorted hrefs");
    assert!(all.deleted.is_empty());

    let err = s
        .changes_since(ALICE, BOOK, Some(now + 1))
        .expect_err("a token from the future");
    assert_eq!(err.kind(), ErrorKind::InvalidSyncToken, "{err}");
}

/// `outbox_ack(upto)` removes the entries with seq ≤ upto and keeps the later ones; acked
/// sequence numbers are not reused by later writes.
#[test]
fn outbox_ack_removes_entries_up_to_the_given_seq_only() {
    let s = store();
    for n in 0..5 {
        create(
            &s,
            ALICE,
            &format!("{n}.vcf"),
            &format!("uid-{n}"),
            &format!("N{n}"),
        );
    }
    assert_eq!(outbox_seqs(&s, ALICE), vec![1, 2, 3, 4, 5]);

    s.outbox_ack(ALICE, 0).expect("ack nothing");
    assert_eq!(outbox_seqs(&s, ALICE), vec![1, 2, 3, 4, 5]);

    s.outbox_ack(ALICE, 3).expect("ack up to 3");
    assert_eq!(outbox_seqs(&s, ALICE), vec![4, 5]);
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 2);
    assert_eq!(
        s.outbox(ALICE, 10).expect("outbox")[0].href,
        "3.vcf",
        "the entry after the ack is the fourth write"
    );

    s.client_delete(ALICE, BOOK, "0.vcf", None).expect("delete");
    assert_eq!(outbox_seqs(&s, ALICE), vec![4, 5, 6], "seqs keep growing");

    s.outbox_ack(ALICE, 5).expect("ack up to 5");
    assert_eq!(outbox_seqs(&s, ALICE), vec![6]);
    s.outbox_ack(ALICE, 100).expect("ack everything");
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 0);
    assert!(
        s.card(ALICE, BOOK, "1.vcf").expect("read").is_some(),
        "acking does not touch cards"
    );
}

/// Compaction keeps the newest `keep` tombstones, drops everything older and raises the horizon to
/// the newest dropped entry: a token below the horizon is `InvalidSyncToken`, a token at or
/// above it still answers with exactly what changed since.
#[test]
fn compaction_invalidates_tokens_older_than_the_horizon_and_keeps_recent_ones() {
    let s = store();
    for name in ["a", "b", "c", "d", "e", "f"] {
        create(&s, ALICE, &format!("{name}.vcf"), name, name);
    }
    let old_token = seq(&s, ALICE, BOOK);
    for name in ["a", "b", "c"] {
        s.client_delete(ALICE, BOOK, &format!("{name}.vcf"), None)
            .expect("delete");
    }
    let recent_token = seq(&s, ALICE, BOOK);
    s.client_delete(ALICE, BOOK, "d.vcf", None)
        .expect("delete d");
    create(&s, ALICE, "e.vcf", "e", "e2");
    assert_eq!(s.sync_horizon(ALICE, BOOK).expect("horizon"), 0);

    // Keeping as many tombstones as there are is a no-op.
    s.compact_changes(ALICE, BOOK, 4).expect("no-op compaction");
    assert_eq!(s.sync_horizon(ALICE, BOOK).expect("horizon"), 0);
    s.changes_since(ALICE, BOOK, Some(0))
        .expect("token 0 still answers");

    s.compact_changes(ALICE, BOOK, 1).expect("compact");
    let horizon = s.sync_horizon(ALICE, BOOK).expect("horizon");
    assert_eq!(
        horizon, recent_token,
        "the horizon is the newest dropped tombstone (c's)"
    );
    for token in [0, old_token, horizon - 1] {
        let err = s
            .changes_since(ALICE, BOOK, Some(token))
            .expect_err("a token below the horizon");
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidSyncToken,
            "token {token}: {err}"
        );
    }

    let changes = s
        .changes_since(ALICE, BOOK, Some(recent_token))
        .expect("a token at the horizon still answers");
    assert_eq!(changes.deleted, vec!["d.vcf"]);
    assert_eq!(changes.changed, vec!["e.vcf"]);
    assert_eq!(changes.seq, seq(&s, ALICE, BOOK));
    assert_eq!(
        log_len(&s, ALICE, BOOK),
        2,
        "only what a recent token needs"
    );

    let all = s.changes_since(ALICE, BOOK, None).expect("initial sync");
    assert_eq!(
        all.changed,
        vec!["e.vcf", "f.vcf"],
        "an initial sync still lists every card"
    );
    assert!(
        s.card(ALICE, BOOK, "f.vcf").expect("read").is_some(),
        "compaction does not touch cards"
    );

    // Writes after compaction extend the log as usual.
    let token = seq(&s, ALICE, BOOK);
    create(&s, ALICE, "f.vcf", "f", "f2");
    let changes = s
        .changes_since(ALICE, BOOK, Some(token))
        .expect("changes after compaction");
    assert_eq!(changes.changed, vec!["f.vcf"]);
}

/// The log holds one entry per href however often it changes: 50 edits of one card leave one
/// entry for it, and after compaction the log is bounded by the cards, not by the edits.
#[test]
fn the_change_log_stays_proportional_to_the_number_of_cards() {
    let s = store();
    create(&s, ALICE, "gone.vcf", "uid-gone", "Gone");
    s.client_delete(ALICE, BOOK, "gone.vcf", None)
        .expect("delete");
    for n in 0..50 {
        create(&s, ALICE, "ada.vcf", "uid-ada", &format!("Ada {n}"));
    }
    assert_eq!(seq(&s, ALICE, BOOK), 52);
    let before = s
        .changes_since(ALICE, BOOK, Some(0))
        .expect("changes since 0");
    assert_eq!(before.changed, vec!["ada.vcf"], "one entry for 50 edits");
    assert_eq!(before.deleted, vec!["gone.vcf"]);

    s.compact_changes(ALICE, BOOK, 0).expect("compact");
    let horizon = s.sync_horizon(ALICE, BOOK).expect("horizon");
    assert_eq!(horizon, 2, "the tombstone was the newest dropped entry");
    let after = s
        .changes_since(ALICE, BOOK, Some(horizon))
        .expect("changes since the horizon");
    assert_eq!(
        after.changed,
        vec!["ada.vcf"],
        "still one entry for the card"
    );
    assert!(after.deleted.is_empty(), "the tombstone is gone");

    // Ten cards edited twenty times each, five of them deleted: the log holds ten entries.
    let s = store();
    for round in 0..20 {
        for n in 0..10 {
            create(
                &s,
                ALICE,
                &format!("{n}.vcf"),
                &format!("uid-{n}"),
                &format!("N{n} r{round}"),
            );
        }
    }
    for n in 0..5 {
        s.client_delete(ALICE, BOOK, &format!("{n}.vcf"), None)
            .expect("delete");
    }
    assert_eq!(seq(&s, ALICE, BOOK), 205);
    assert_eq!(log_len(&s, ALICE, BOOK), 10, "one entry per href");
    s.compact_changes(ALICE, BOOK, 0).expect("compact");
    assert_eq!(
        log_len(&s, ALICE, BOOK),
        0,
        "nothing after the last tombstone"
    );
    for n in 5..10 {
        create(
            &s,
            ALICE,
            &format!("{n}.vcf"),
            &format!("uid-{n}"),
            "edited",
        );
    }
    assert_eq!(log_len(&s, ALICE, BOOK), 5);
    assert_eq!(s.cards(ALICE, BOOK).expect("cards").len(), 5);
}

/// With `max_tombstones` set, a book compacts itself once it holds more tombstones than that,
/// keeping the newest half.
#[test]
fn a_book_with_too_many_tombstones_compacts_itself() {
    let s = Store::open_temporary_with(StoreOptions { max_tombstones: 4 }).expect("store");
    for name in ["a", "b", "c", "d", "e"] {
        create(&s, ALICE, &format!("{name}.vcf"), name, name);
    }
    for name in ["a", "b", "c", "d"] {
        s.client_delete(ALICE, BOOK, &format!("{name}.vcf"), None)
            .expect("delete");
    }
    assert_eq!(
        s.sync_horizon(ALICE, BOOK).expect("horizon"),
        0,
        "four tombstones are within the bound"
    );
    s.client_delete(ALICE, BOOK, "e.vcf", None)
        .expect("the fifth delete");
    let horizon = s.sync_horizon(ALICE, BOOK).expect("horizon");
    assert!(horizon > 0, "the fifth tombstone triggered a compaction");
    let changes = s
        .changes_since(ALICE, BOOK, Some(horizon))
        .expect("changes since the horizon");
    assert_eq!(changes.deleted, vec!["d.vcf", "e.vcf"], "the newest half");
    let err = s
        .changes_since(ALICE, BOOK, Some(0))
        .expect_err("token 0 is below the horizon");
    assert_eq!(err.kind(), ErrorKind::InvalidSyncToken, "{err}");
}

/// A change from Google stores the card and its link (found by href and by resourceName) and
/// bumps the change log, with no outbox entry; a remote delete removes card and link and leaves a
/// tombstone in the log.
#[test]
fn remote_changes_are_applied_with_their_links_and_bump_the_change_log() {
    let s = store();
    let token = seq(&s, ALICE, BOOK);
    let etag = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("c1.vcf", "uid-c1", "Grace", link(1)),
            None,
        )
        .expect("remote upsert")
        .expect("an upsert returns the etag");
    let card = s.card(ALICE, BOOK, "c1.vcf").expect("read").expect("card");
    assert_eq!(card.etag, etag);
    assert_eq!(card.vcard, vcard("uid-c1", "Grace"));
    assert_eq!(
        s.card_by_uid(ALICE, BOOK, "uid-c1")
            .expect("read")
            .expect("mapped")
            .href,
        "c1.vcf"
    );
    assert_eq!(s.link(ALICE, BOOK, "c1.vcf").expect("link"), Some(link(1)));
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c1")
            .expect("resource"),
        Some("c1.vcf".into())
    );
    assert_eq!(
        s.links(ALICE, BOOK).expect("links"),
        vec![("c1.vcf".to_owned(), link(1))]
    );
    let after_upsert = seq(&s, ALICE, BOOK);
    assert!(after_upsert > token, "a remote change takes a seq");
    let changes = s.changes_since(ALICE, BOOK, Some(token)).expect("changes");
    assert_eq!(changes.changed, vec!["c1.vcf"]);
    assert_eq!(
        s.outbox_len(ALICE).expect("outbox len"),
        0,
        "Google's changes are not pushed back"
    );

    // The same bytes again with a new person etag: only the link changes.
    let mut newer = link(1);
    newer.person_etag = "%Etag1-newer=".into();
    let same = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("c1.vcf", "uid-c1", "Grace", newer.clone()),
            Some(&etag),
        )
        .expect("same bytes");
    assert_eq!(same, Some(etag.clone()));
    assert_eq!(seq(&s, ALICE, BOOK), after_upsert, "no change-log entry");
    assert_eq!(s.link(ALICE, BOOK, "c1.vcf").expect("link"), Some(newer));

    let deleted = s
        .apply_remote(
            ALICE,
            BOOK,
            RemoteChange::Delete {
                href: "c1.vcf".into(),
            },
            None,
        )
        .expect("remote delete");
    assert_eq!(deleted, None, "a delete returns no etag");
    assert!(s.card(ALICE, BOOK, "c1.vcf").expect("read").is_none());
    assert!(
        s.card_by_uid(ALICE, BOOK, "uid-c1")
            .expect("read")
            .is_none()
    );
    assert_eq!(s.link(ALICE, BOOK, "c1.vcf").expect("link"), None);
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c1")
            .expect("resource"),
        None
    );
    let changes = s
        .changes_since(ALICE, BOOK, Some(after_upsert))
        .expect("changes");
    assert_eq!(changes.deleted, vec!["c1.vcf"]);
    assert!(changes.changed.is_empty());
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 0);
}

/// A remote change whose expected etag no longer matches (a client edited the card meanwhile) is
/// `Conflict` and changes nothing; with the current etag it applies.
#[test]
fn a_remote_change_with_a_stale_expected_etag_is_a_conflict() {
    let s = store();
    let synced = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("c1.vcf", "uid-c1", "Grace", link(1)),
            None,
        )
        .expect("remote upsert")
        .expect("etag");
    let edited = create(&s, ALICE, "c1.vcf", "uid-c1", "Grace Hopper");
    let seq_before = seq(&s, ALICE, BOOK);

    let err = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("c1.vcf", "uid-c1", "Grace Brewster", link(1)),
            Some(&synced),
        )
        .expect_err("the client edit wins the race");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    let err = s
        .apply_remote(
            ALICE,
            BOOK,
            RemoteChange::Delete {
                href: "c1.vcf".into(),
            },
            Some(&synced),
        )
        .expect_err("a stale delete loses too");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    let card = s.card(ALICE, BOOK, "c1.vcf").expect("read").expect("card");
    assert_eq!(card.etag, edited.etag, "the client's edit is kept");
    assert_eq!(seq(&s, ALICE, BOOK), seq_before);
    assert_eq!(s.link(ALICE, BOOK, "c1.vcf").expect("link"), Some(link(1)));

    let err = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("new.vcf", "uid-new", "New", link(2)),
            Some(&synced),
        )
        .expect_err("an expected etag needs an existing card");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(s.card(ALICE, BOOK, "new.vcf").expect("read").is_none());

    let merged = s
        .apply_remote(
            ALICE,
            BOOK,
            upsert("c1.vcf", "uid-c1", "Grace B. Hopper", link(1)),
            Some(&edited.etag),
        )
        .expect("the current etag applies")
        .expect("etag");
    assert_eq!(
        s.card(ALICE, BOOK, "c1.vcf")
            .expect("read")
            .expect("card")
            .etag,
        merged
    );
}

/// The read-only books take changes from Google.
#[test]
fn read_only_books_accept_remote_changes() {
    let s = store();
    for (n, book) in [BookName::Other, BookName::Directory]
        .into_iter()
        .enumerate()
    {
        let n = u32::try_from(n).expect("small");
        s.apply_remote(ALICE, book, upsert("x.vcf", "uid-x", "X", link(n)), None)
            .expect("remote upsert into a read-only book");
        assert!(s.card(ALICE, book, "x.vcf").expect("read").is_some());
        assert_eq!(seq(&s, ALICE, book), 1);
        assert_eq!(s.link(ALICE, book, "x.vcf").expect("link"), Some(link(n)));
    }
    assert!(
        s.card(ALICE, BOOK, "x.vcf").expect("read").is_none(),
        "books are separate"
    );
    assert_eq!(seq(&s, ALICE, BOOK), 0);
}

/// `set_link` / `link` / `href_for_resource` / `links` / `remove_link` round-trip; relinking an
/// href to another resource drops the old resource's mapping; links do not touch the change log.
#[test]
fn links_round_trip_through_set_link_and_remove_link() {
    let s = store();
    create(&s, ALICE, "b.vcf", "uid-b", "B");
    let seq_before = seq(&s, ALICE, BOOK);

    s.set_link(ALICE, BOOK, "b.vcf", link(2)).expect("set link");
    s.set_link(ALICE, BOOK, "a.vcf", link(1)).expect("set link");
    assert_eq!(s.link(ALICE, BOOK, "b.vcf").expect("link"), Some(link(2)));
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c2")
            .expect("resource"),
        Some("b.vcf".into())
    );
    assert_eq!(
        s.links(ALICE, BOOK).expect("links"),
        vec![("a.vcf".to_owned(), link(1)), ("b.vcf".to_owned(), link(2))],
        "sorted by href"
    );
    assert_eq!(seq(&s, ALICE, BOOK), seq_before, "links are not changes");
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 1);

    s.set_link(ALICE, BOOK, "b.vcf", link(3)).expect("relink");
    assert_eq!(s.link(ALICE, BOOK, "b.vcf").expect("link"), Some(link(3)));
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c2")
            .expect("resource"),
        None,
        "the old resource no longer maps to the href"
    );
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c3")
            .expect("resource"),
        Some("b.vcf".into())
    );

    assert!(s.remove_link(ALICE, BOOK, "b.vcf").expect("remove link"));
    assert!(
        !s.remove_link(ALICE, BOOK, "b.vcf").expect("remove again"),
        "nothing left to remove"
    );
    assert_eq!(s.link(ALICE, BOOK, "b.vcf").expect("link"), None);
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c3")
            .expect("resource"),
        None
    );
    assert_eq!(
        s.links(ALICE, BOOK).expect("links"),
        vec![("a.vcf".to_owned(), link(1))]
    );
    assert!(
        s.card(ALICE, BOOK, "b.vcf").expect("read").is_some(),
        "removing a link keeps the card"
    );
    assert!(
        s.link(ALICE, BookName::Other, "a.vcf")
            .expect("link")
            .is_none(),
        "links are per book"
    );
}

/// A client delete keeps the card's Google link so the sync engine can still find the Person.
#[test]
fn a_client_delete_keeps_the_google_link_for_the_push() {
    let s = store();
    s.apply_remote(
        ALICE,
        BOOK,
        upsert("c7.vcf", "uid-c7", "Alan", link(7)),
        None,
    )
    .expect("remote upsert");
    s.client_delete(ALICE, BOOK, "c7.vcf", None)
        .expect("client delete");
    assert!(s.card(ALICE, BOOK, "c7.vcf").expect("read").is_none());
    assert_eq!(s.link(ALICE, BOOK, "c7.vcf").expect("link"), Some(link(7)));
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c7")
            .expect("resource"),
        Some("c7.vcf".into())
    );
    assert_eq!(
        s.outbox(ALICE, 10).expect("outbox"),
        vec![OutboxEntry {
            seq: 1,
            book: BOOK,
            href: "c7.vcf".into(),
            op: OutboxOp::Delete {
                uid: "uid-c7".into()
            },
        }]
    );
    assert!(
        s.remove_link(ALICE, BOOK, "c7.vcf")
            .expect("after the push")
    );
    assert!(s.links(ALICE, BOOK).expect("links").is_empty());
}

/// Everything written through one store is there after it is dropped and the directory reopened:
/// cards, links, outbox, meta, users, groups, book properties and seq, the horizon, and the
/// schema version.
#[test]
fn everything_survives_a_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ada;
    let seq_before;
    let outbox_before;
    let horizon_before;
    {
        let s = Store::open(dir.path()).expect("open a fresh store");
        assert_eq!(s.schema_version().expect("schema version"), SCHEMA_VERSION);
        s.put_user(&user(ALICE, "work")).expect("user");
        s.put_user(&user(BOB, "home")).expect("user");
        ada = create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
        create(&s, ALICE, "gone.vcf", "uid-gone", "Gone");
        s.client_delete(ALICE, BOOK, "gone.vcf", None)
            .expect("delete");
        create(&s, ALICE, "bob.vcf", "uid-bob", "Bob");
        s.compact_changes(ALICE, BOOK, 0).expect("compact");
        s.apply_remote(
            ALICE,
            BookName::Other,
            upsert("c1.vcf", "uid-c1", "Grace", link(1)),
            None,
        )
        .expect("remote upsert");
        s.set_link(ALICE, BOOK, "ada.vcf", link(2)).expect("link");
        s.outbox_ack(ALICE, 1).expect("ack");
        s.put_group(ALICE, group("contactGroups/friends", "Friends"))
            .expect("group");
        s.set_book_props(ALICE, BOOK, Some("Work".into()), Some("Colleagues".into()))
            .expect("book props");
        s.set_meta(ALICE, "google_sync_token", b"tok\0\xff")
            .expect("meta");
        seq_before = seq(&s, ALICE, BOOK);
        outbox_before = s.outbox(ALICE, usize::MAX).expect("outbox");
        horizon_before = s.sync_horizon(ALICE, BOOK).expect("horizon");
        s.flush().expect("flush");
    }

    let s = Store::open(dir.path()).expect("reopen");
    assert_eq!(s.schema_version().expect("schema version"), SCHEMA_VERSION);
    assert_eq!(
        s.users().expect("users"),
        vec![user(ALICE, "work"), user(BOB, "home")]
    );
    let card = s.card(ALICE, BOOK, "ada.vcf").expect("read").expect("card");
    assert_eq!(card.etag, ada.etag);
    assert_eq!(card.vcard, vcard("uid-ada", "Ada"));
    assert_eq!(
        s.card_by_uid(ALICE, BOOK, "uid-bob")
            .expect("read")
            .expect("uid mapping")
            .href,
        "bob.vcf"
    );
    assert!(s.card(ALICE, BOOK, "gone.vcf").expect("read").is_none());
    assert_eq!(
        s.card(ALICE, BookName::Other, "c1.vcf")
            .expect("read")
            .expect("remote card")
            .vcard,
        vcard("uid-c1", "Grace")
    );
    assert_eq!(
        s.link(ALICE, BookName::Other, "c1.vcf").expect("link"),
        Some(link(1))
    );
    assert_eq!(s.link(ALICE, BOOK, "ada.vcf").expect("link"), Some(link(2)));
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c2")
            .expect("resource"),
        Some("ada.vcf".into())
    );
    assert_eq!(s.outbox(ALICE, usize::MAX).expect("outbox"), outbox_before);
    assert_eq!(outbox_seqs(&s, ALICE), vec![2, 3, 4]);
    assert_eq!(
        s.meta(ALICE, "google_sync_token").expect("meta"),
        Some(b"tok\0\xff".to_vec())
    );
    assert_eq!(
        s.groups(ALICE).expect("groups"),
        vec![group("contactGroups/friends", "Friends")]
    );
    let book = s.book(ALICE, BOOK).expect("book");
    assert_eq!(book.seq, seq_before);
    assert_eq!(book.display_name, "Work");
    assert_eq!(book.description, "Colleagues");
    assert_eq!(
        s.sync_horizon(ALICE, BOOK).expect("horizon"),
        horizon_before
    );
    assert_eq!(seq(&s, ALICE, BookName::Other), 1);

    // The sequences continue where they were, so old tokens and outbox seqs stay meaningful.
    let changes = s
        .changes_since(ALICE, BOOK, Some(horizon_before))
        .expect("changes since the horizon");
    assert_eq!(changes.changed, vec!["bob.vcf"]);
    create(&s, ALICE, "new.vcf", "uid-new", "New");
    assert_eq!(seq(&s, ALICE, BOOK), seq_before + 1);
    assert_eq!(outbox_seqs(&s, ALICE), vec![2, 3, 4, 5]);
}

/// Users are created, read, listed sorted by name, replaced and removed.
#[test]
fn users_are_created_listed_replaced_and_removed() {
    let s = store();
    assert!(s.users().expect("users").is_empty());
    assert_eq!(s.user(ALICE).expect("user"), None);

    s.put_user(&user(BOB, "home")).expect("put bob");
    s.put_user(&user(ALICE, "work")).expect("put alice");
    assert_eq!(s.user(ALICE).expect("user"), Some(user(ALICE, "work")));
    assert_eq!(
        s.users().expect("users"),
        vec![user(ALICE, "work"), user(BOB, "home")],
        "sorted by name"
    );

    s.put_user(&user(ALICE, "personal")).expect("replace alice");
    assert_eq!(s.user(ALICE).expect("user"), Some(user(ALICE, "personal")));
    assert_eq!(s.users().expect("users").len(), 2, "replaced, not added");

    assert!(s.remove_user(ALICE).expect("remove alice"));
    assert!(!s.remove_user(ALICE).expect("remove again"), "already gone");
    assert_eq!(s.user(ALICE).expect("user"), None);
    assert_eq!(s.users().expect("users"), vec![user(BOB, "home")]);
}

/// Removing a user removes their cards, links, outbox, meta, groups and book state, and nothing
/// of another user's.
#[test]
fn removing_a_user_removes_their_data_and_only_theirs() {
    let s = store();
    for name in [ALICE, BOB] {
        s.put_user(&user(name, name)).expect("user");
        create(&s, name, "ada.vcf", "uid-ada", "Ada");
        s.set_link(name, BOOK, "ada.vcf", link(1)).expect("link");
        s.set_meta(name, "token", name.as_bytes()).expect("meta");
        s.put_group(name, group("contactGroups/g", "G"))
            .expect("group");
    }

    assert!(s.remove_user(ALICE).expect("remove alice"));
    assert!(s.card(ALICE, BOOK, "ada.vcf").expect("read").is_none());
    assert!(
        s.card_by_uid(ALICE, BOOK, "uid-ada")
            .expect("read")
            .is_none()
    );
    assert!(s.links(ALICE, BOOK).expect("links").is_empty());
    assert_eq!(
        s.href_for_resource(ALICE, BOOK, "people/c1")
            .expect("resource"),
        None
    );
    assert_eq!(s.outbox_len(ALICE).expect("outbox len"), 0);
    assert_eq!(s.meta(ALICE, "token").expect("meta"), None);
    assert!(s.groups(ALICE).expect("groups").is_empty());
    assert!(
        s.changes_since(ALICE, BOOK, None)
            .expect("changes")
            .changed
            .is_empty()
    );

    assert!(s.user(BOB).expect("user").is_some());
    assert!(s.card(BOB, BOOK, "ada.vcf").expect("read").is_some());
    assert_eq!(s.links(BOB, BOOK).expect("links").len(), 1);
    assert_eq!(s.outbox_len(BOB).expect("outbox len"), 1);
    assert_eq!(s.meta(BOB, "token").expect("meta"), Some(b"bob".to_vec()));
    assert_eq!(s.groups(BOB).expect("groups").len(), 1);
    assert_eq!(seq(&s, BOB, BOOK), 1);
}

/// Meta values are stored as raw bytes, replaced, and removed.
#[test]
fn meta_values_are_set_read_replaced_and_removed() {
    let s = store();
    assert_eq!(s.meta(ALICE, "sync_token").expect("meta"), None);
    s.set_meta(ALICE, "sync_token", b"first").expect("set");
    s.set_meta(ALICE, "last_full_sync", &1_700_000_000i64.to_be_bytes())
        .expect("set");
    assert_eq!(
        s.meta(ALICE, "sync_token").expect("meta"),
        Some(b"first".to_vec())
    );
    s.set_meta(ALICE, "sync_token", b"\0second\xff")
        .expect("replace");
    assert_eq!(
        s.meta(ALICE, "sync_token").expect("meta"),
        Some(b"\0second\xff".to_vec())
    );
    s.remove_meta(ALICE, "sync_token").expect("remove");
    assert_eq!(s.meta(ALICE, "sync_token").expect("meta"), None);
    s.remove_meta(ALICE, "sync_token")
        .expect("removing a missing key is fine");
    assert_eq!(
        s.meta(ALICE, "last_full_sync").expect("meta"),
        Some(1_700_000_000i64.to_be_bytes().to_vec()),
        "other keys are untouched"
    );
}

/// Groups are listed sorted by resourceName, replaced by resourceName, and removed.
#[test]
fn groups_are_put_listed_replaced_and_removed() {
    let s = store();
    assert!(s.groups(ALICE).expect("groups").is_empty());
    let family = group("contactGroups/b-family", "Family");
    let friends = group("contactGroups/a-friends", "Friends");
    let starred = GroupRecord {
        resource_name: "contactGroups/starred".into(),
        name: "Starred".into(),
        etag: "e".into(),
        system: true,
        card_href: None,
    };
    s.put_group(ALICE, family.clone()).expect("put");
    s.put_group(ALICE, starred.clone()).expect("put");
    s.put_group(ALICE, friends.clone()).expect("put");
    assert_eq!(
        s.groups(ALICE).expect("groups"),
        vec![friends.clone(), family.clone(), starred.clone()],
        "sorted by resourceName"
    );

    let renamed = GroupRecord {
        name: "Kin".into(),
        etag: "etag-2".into(),
        ..family.clone()
    };
    s.put_group(ALICE, renamed.clone()).expect("replace");
    assert_eq!(
        s.groups(ALICE).expect("groups"),
        vec![friends.clone(), renamed, starred.clone()]
    );

    s.remove_group(ALICE, &family.resource_name)
        .expect("remove");
    s.remove_group(ALICE, "contactGroups/missing")
        .expect("removing a missing group is fine");
    assert_eq!(s.groups(ALICE).expect("groups"), vec![friends, starred]);
}

/// The book's properties have defaults until set; `None` leaves a property as it is.
#[test]
fn book_properties_have_defaults_and_can_be_set() {
    let s = store();
    for book in BookName::ALL {
        let info = s.book(ALICE, book).expect("book");
        assert_eq!(info.display_name, book.default_display_name());
        assert_eq!(info.description, "");
        assert_eq!(info.seq, 0);
    }
    s.set_book_props(ALICE, BOOK, Some("Mine".into()), None)
        .expect("set name");
    s.set_book_props(ALICE, BOOK, None, Some("All of them".into()))
        .expect("set description");
    let info = s.book(ALICE, BOOK).expect("book");
    assert_eq!(info.display_name, "Mine");
    assert_eq!(info.description, "All of them");
    assert_eq!(
        s.book(BOB, BOOK).expect("book").display_name,
        "Contacts",
        "another user's book keeps the default"
    );
}

/// Each user's cards, UIDs, outbox, change log, links and meta are separate, even for user names
/// where one is a prefix of the other.
#[test]
fn each_users_data_is_invisible_to_other_users() {
    let s = store();
    let (a, b) = ("al", "alice");
    create(&s, a, "ada.vcf", "uid-ada", "Ada");
    create(&s, a, "grace.vcf", "uid-grace", "Grace");
    s.client_delete(a, BOOK, "grace.vcf", None).expect("delete");
    s.set_link(a, BOOK, "ada.vcf", link(1)).expect("link");
    s.set_meta(a, "token", b"a").expect("meta");
    s.compact_changes(a, BOOK, 0).expect("compact");

    assert!(s.card(b, BOOK, "ada.vcf").expect("read").is_none());
    assert!(s.card_by_uid(b, BOOK, "uid-ada").expect("read").is_none());
    assert!(s.cards(b, BOOK).expect("cards").is_empty());
    assert!(s.card_metas(b, BOOK).expect("metas").is_empty());
    assert_eq!(s.outbox_len(b).expect("outbox len"), 0);
    assert!(s.outbox(b, 10).expect("outbox").is_empty());
    assert_eq!(seq(&s, b, BOOK), 0, "b's book has no changes");
    assert_eq!(
        s.sync_horizon(b, BOOK).expect("horizon"),
        0,
        "nor a horizon"
    );
    let changes = s.changes_since(b, BOOK, Some(0)).expect("b's changes");
    assert!(changes.changed.is_empty() && changes.deleted.is_empty());
    assert!(s.links(b, BOOK).expect("links").is_empty());
    assert_eq!(
        s.href_for_resource(b, BOOK, "people/c1").expect("resource"),
        None
    );
    assert_eq!(s.meta(b, "token").expect("meta"), None);

    // The same href and UID in b's book is no conflict, and b's writes leave a's state alone.
    let a_seq = seq(&s, a, BOOK);
    let outcome = create(&s, b, "ada.vcf", "uid-ada", "Ada of b");
    assert!(outcome.created);
    s.outbox_ack(b, 10).expect("ack b's outbox");
    assert_eq!(seq(&s, a, BOOK), a_seq);
    assert_eq!(outbox_seqs(&s, a), vec![1, 2, 3], "a's outbox is untouched");
    assert_eq!(s.outbox_len(b).expect("outbox len"), 0);
    assert_eq!(
        s.card(a, BOOK, "ada.vcf")
            .expect("read")
            .expect("a's card")
            .vcard,
        vcard("uid-ada", "Ada")
    );
    assert_eq!(
        s.changes_since(b, BOOK, Some(0))
            .expect("b's changes")
            .changed,
        vec!["ada.vcf"]
    );
    assert_eq!(
        s.changes_since(a, BOOK, None).expect("a's cards").changed,
        vec!["ada.vcf"]
    );
}

/// A second store on a directory that is already open is refused with an actionable message,
/// and the directory opens again once the first store is dropped.
#[test]
fn a_directory_already_open_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Store::open(dir.path()).expect("open");
    create(&first, ALICE, "ada.vcf", "uid-ada", "Ada");
    let err = Store::open(dir.path()).expect_err("the directory is locked");
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(
        err.message().contains("another peopledav"),
        "the message says why: {err}"
    );
    drop(first);
    let again = Store::open(dir.path()).expect("reopen after the first store is dropped");
    assert!(again.card(ALICE, BOOK, "ada.vcf").expect("read").is_some());
}

/// A user removed and created again under the same name gets empty books whose sequence goes
/// on from the old one: a client's cached ctag changes and its old sync token is refused, so it
/// cannot keep the removed user's cards as if nothing had changed.
#[test]
fn a_user_created_again_cannot_take_an_old_sync_token_or_ctag_for_current() {
    let s = store();
    s.put_user(&user(ALICE, "work")).expect("user");
    create(&s, ALICE, "ada.vcf", "uid-ada", "Ada");
    create(&s, ALICE, "bob.vcf", "uid-bob", "Bob");
    let old = seq(&s, ALICE, BOOK);

    assert!(s.remove_user(ALICE).expect("remove alice"));
    s.put_user(&user(ALICE, "work")).expect("user again");
    create(&s, ALICE, "eve.vcf", "uid-eve", "Eve");
    create(&s, ALICE, "fay.vcf", "uid-fay", "Fay");

    assert!(seq(&s, ALICE, BOOK) > old, "the ctag moved on");
    for token in [0, old] {
        let err = s
            .changes_since(ALICE, BOOK, Some(token))
            .expect_err("an old token");
        assert_eq!(err.kind(), ErrorKind::InvalidSyncToken, "token {token}");
    }
    let all = s.changes_since(ALICE, BOOK, None).expect("changes");
    assert_eq!(all.changed.len(), 2, "{:?}", all.changed);
    let fresh = s
        .changes_since(ALICE, BOOK, Some(seq(&s, ALICE, BOOK)))
        .expect("a current token");
    assert!(fresh.changed.is_empty() && fresh.deleted.is_empty());
}
