//! The engine against the emulator over HTTP and a real sled store: pull, push, edit both ways,
//! delete both ways.

use std::collections::BTreeSet;
use std::sync::Arc;

use emulator::{Emulator, EmulatorConfig, RunningEmulator, Seed};
use google::{Auth, ClientConfig, GoogleClient, Pacing};
use store::{BookName, ClientPut, Store};
use sync::{EngineConfig, SyncEngine, SyncOptions};

const USER: &str = "alice";
const TOKEN: &str = "emulator";

struct Rig {
    emulator: RunningEmulator,
    client: GoogleClient,
    engine: Arc<SyncEngine<GoogleClient>>,
    store: Store,
}

async fn rig(seed: Seed) -> Rig {
    let emulator = Emulator::start(EmulatorConfig {
        seed,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let mut config = ClientConfig::new(Auth::Static(TOKEN.into()));
    config.base_url = emulator.base_url();
    config.pacing = Pacing::unlimited();
    let client = GoogleClient::new(config).await.expect("client");
    let store = Store::open_temporary().expect("store");
    let engine = Arc::new(SyncEngine::new(
        store.clone(),
        client.clone(),
        EngineConfig::new(USER),
    ));
    Rig {
        emulator,
        client,
        engine,
        store,
    }
}

impl Rig {
    /// A client's PUT of `vcard` at `href` (the UID is the href's stem, `uid-<stem>`).
    fn put(&self, href: &str, vcard: &str, if_match: Option<String>) {
        let stem = href.trim_end_matches(".vcf");
        self.store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href: href.into(),
                    uid: format!("uid-{stem}"),
                    vcard: vcard.as_bytes().to_vec(),
                    if_match,
                    if_none_match_any: false,
                },
            )
            .expect("client put");
    }

    /// The only card as the bridge serves it, and its etag.
    fn served(&self) -> (String, String) {
        let card = self.cards().remove(0);
        (String::from_utf8_lossy(&card.vcard).into_owned(), card.etag)
    }

    /// The client deletes `href`; the next round must delete it in Google, and it stays gone.
    async fn delete_reaches_google(&self, href: &str) {
        let etag = self.served().1;
        self.store
            .client_delete(USER, BookName::Contacts, href, Some(&etag))
            .expect("delete");
        let report = self.sync().await;
        self.sync().await;
        assert!(
            self.emulator.emulator.persons(TOKEN).is_empty(),
            "the delete reached Google: {report}"
        );
        assert!(self.cards().is_empty(), "nothing came back: {report}");
    }

    /// The client rewrites a group card; two rounds settle it.
    async fn rewrite_group_card(&self, group: &store::Card, vcard: Vec<u8>) -> sync::SyncReport {
        self.store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href: group.href.clone(),
                    uid: group.uid.clone(),
                    vcard,
                    if_match: Some(group.etag.clone()),
                    if_none_match_any: false,
                },
            )
            .expect("client put");
        let report = self.sync().await;
        assert!(report.rejected.is_empty(), "{report}");
        self.sync().await;
        report
    }

    /// A user group made in Google, by its resource name.
    async fn group(&self, name: &str) -> String {
        self.client
            .create_contact_group(&people::ContactGroup {
                name: Some(name.into()),
                ..Default::default()
            })
            .await
            .expect("a group")
            .resource_name
            .expect("a resource name")
    }

    async fn sync(&self) -> sync::SyncReport {
        self.engine
            .sync_once(SyncOptions::default())
            .await
            .expect("sync round")
    }

    fn google_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .emulator
            .emulator
            .persons(TOKEN)
            .iter()
            .filter(|p| !p.is_deleted())
            .filter_map(|p| p.names.first().and_then(|n| n.display_name.clone()))
            .collect();
        names.sort();
        names
    }

    /// The contact cards of the book (group cards, which mirror Google's contact groups, left out).
    fn cards(&self) -> Vec<store::Card> {
        self.store
            .cards(USER, BookName::Contacts)
            .expect("cards")
            .into_iter()
            .filter(|c| !is_group(c))
            .collect()
    }

    fn group_cards(&self) -> Vec<store::Card> {
        self.store
            .cards(USER, BookName::Contacts)
            .expect("cards")
            .into_iter()
            .filter(is_group)
            .collect()
    }
}

fn is_group(c: &store::Card) -> bool {
    let text = String::from_utf8_lossy(&c.vcard).to_ascii_uppercase();
    text.contains("KIND:GROUP") || text.contains("X-ADDRESSBOOKSERVER-KIND:GROUP")
}

fn card(uid: &str, name: &str, email: &str) -> Vec<u8> {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEMAIL;TYPE=work:{email}\r\nX-PET:Rex\r\nEND:VCARD\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn the_first_round_pulls_every_contact() {
    let rig = rig(Seed::Count(40)).await;
    rig.sync().await;
    let cards = rig.cards();
    assert_eq!(cards.len(), 40);
    assert_eq!(rig.google_names().len(), 40);
    let groups = rig
        .emulator
        .emulator
        .groups(TOKEN)
        .into_iter()
        .filter(|g| !g.is_system())
        .count();
    assert!(groups > 0, "the seed spreads contacts over user groups");
    assert_eq!(
        rig.group_cards().len(),
        groups,
        "one group card per user group"
    );
    for c in &cards {
        let text = String::from_utf8_lossy(&c.vcard);
        assert!(text.starts_with("BEGIN:VCARD"), "{text}");
        assert!(text.contains("\nFN:") || text.contains("\r\nFN"), "{text}");
    }
    // A second round changes nothing.
    let again = rig.sync().await;
    assert_eq!(
        again.created + again.updated + again.deleted + again.removed,
        0,
        "{again}"
    );
    assert_eq!(rig.cards().len(), 40);
}

#[tokio::test]
async fn a_client_card_reaches_google_once_and_keeps_what_google_cannot_hold() {
    let rig = rig(Seed::None).await;
    rig.sync().await;
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            ClientPut {
                href: "ada.vcf".into(),
                uid: "uid-ada".into(),
                vcard: card("uid-ada", "Ada Lovelace", "ada@example.org"),
                if_match: None,
                if_none_match_any: true,
            },
        )
        .expect("put");
    let report = rig.sync().await;
    assert_eq!(report.created, 1, "{report}");
    assert_eq!(rig.google_names(), ["Ada Lovelace"]);
    // More rounds never duplicate it.
    rig.sync().await;
    rig.sync().await;
    assert_eq!(rig.google_names(), ["Ada Lovelace"]);
    let cards = rig.cards();
    assert_eq!(cards.len(), 1);
    let text = String::from_utf8_lossy(&cards[0].vcard);
    assert!(
        text.contains("X-PET:Rex"),
        "the unknown property survives: {text}"
    );
    assert!(text.contains("UID:uid-ada"), "the UID survives: {text}");
    assert!(text.contains("ada@example.org"), "{text}");
}

#[tokio::test]
async fn google_edits_and_deletes_reach_the_store() {
    let rig = rig(Seed::Count(5)).await;
    rig.sync().await;
    let mut person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let name = person.resource_name.clone().expect("resource name");
    person.biographies = vec![people::Biography {
        value: Some("Edited in Google".into()),
        ..Default::default()
    }];
    rig.client
        .update_contact(&person, &[people::PersonField::Biographies], &[])
        .await
        .expect("update in google");
    rig.sync().await;
    let edited = rig
        .cards()
        .into_iter()
        .filter(|c| String::from_utf8_lossy(&c.vcard).contains("Edited in Google"))
        .count();
    assert_eq!(edited, 1);

    rig.client
        .delete_contact(&name)
        .await
        .expect("delete in google");
    rig.sync().await;
    assert_eq!(rig.cards().len(), 4);
}

#[tokio::test]
async fn client_edits_and_deletes_reach_google() {
    let rig = rig(Seed::None).await;
    let put = |vcard: Vec<u8>, if_match: Option<String>| ClientPut {
        href: "bob.vcf".into(),
        uid: "uid-bob".into(),
        vcard,
        if_match,
        if_none_match_any: false,
    };
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            put(card("uid-bob", "Bob Byte", "bob@example.org"), None),
        )
        .expect("put");
    rig.sync().await;
    let etag = rig.cards()[0].etag.clone();
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            put(
                card("uid-bob", "Bob Byte", "bob@new.example.org"),
                Some(etag),
            ),
        )
        .expect("edit");
    let report = rig.sync().await;
    assert_eq!(report.updated, 1, "{report}");
    let persons = rig.emulator.emulator.persons(TOKEN);
    let emails: Vec<_> = persons[0]
        .email_addresses
        .iter()
        .filter_map(|e| e.value.clone())
        .collect();
    assert_eq!(emails, ["bob@new.example.org"]);

    rig.store
        .client_delete(USER, BookName::Contacts, "bob.vcf", None)
        .expect("delete");
    let report = rig.sync().await;
    assert_eq!(report.deleted, 1, "{report}");
    assert!(rig.google_names().is_empty());
}

/// Many client edits in one round go to Google as one `batchUpdateContacts`; the one made on a
/// person Google changed meanwhile is merged field by field on its own, and every edit lands.
#[tokio::test]
async fn many_client_edits_go_in_one_batch_and_a_stale_one_is_merged() {
    let rig = rig(Seed::None).await;
    let put = |i: usize, email: &str, if_match: Option<String>| ClientPut {
        href: format!("c{i}.vcf"),
        uid: format!("uid-{i}"),
        vcard: card(&format!("uid-{i}"), &format!("Person {i}"), email),
        if_match,
        if_none_match_any: false,
    };
    for i in 0..10 {
        rig.store
            .client_put(
                USER,
                BookName::Contacts,
                put(i, &format!("p{i}@example.org"), None),
            )
            .expect("put");
    }
    rig.sync().await;
    // Google's side edits the note of person 3 meanwhile.
    let mut three = rig
        .emulator
        .emulator
        .persons(TOKEN)
        .into_iter()
        .find(|p| p.client_data("peopledav.uid") == Some("uid-3"))
        .expect("person 3 in google");
    three.biographies = vec![people::Biography {
        value: Some("Edited in Google".into()),
        ..Default::default()
    }];
    rig.client
        .update_contact(&three, &[people::PersonField::Biographies], &[])
        .await
        .expect("google-side edit");
    let etags: std::collections::BTreeMap<String, String> = rig
        .cards()
        .into_iter()
        .map(|c| (c.href.clone(), c.etag.clone()))
        .collect();
    for i in 0..10 {
        let etag = etags[&format!("c{i}.vcf")].clone();
        rig.store
            .client_put(
                USER,
                BookName::Contacts,
                put(i, &format!("p{i}@new.example.org"), Some(etag)),
            )
            .expect("edit");
    }
    rig.emulator.emulator.reset_stats();
    let report = rig.sync().await;
    assert_eq!((report.updated, report.merged), (9, 1), "{report}");
    let stats = rig.emulator.emulator.stats();
    let calls = |m: &str| stats.by_method.get(m).copied().unwrap_or(0);
    assert_eq!(calls("people.batchUpdateContacts"), 1, "{stats:?}");
    assert_eq!(calls("people.updateContact"), 1, "the merge: {stats:?}");
    for person in rig.emulator.emulator.persons(TOKEN) {
        let uid = person.client_data("peopledav.uid").expect("uid").to_owned();
        let i: usize = uid.trim_start_matches("uid-").parse().expect("number");
        let emails: Vec<_> = person
            .email_addresses
            .iter()
            .filter_map(|e| e.value.clone())
            .collect();
        assert_eq!(emails, [format!("p{i}@new.example.org")], "{uid}");
        if i == 3 {
            assert_eq!(
                person.biographies.first().and_then(|b| b.value.as_deref()),
                Some("Edited in Google"),
                "the Google-side edit of another field survives"
            );
        }
    }
}

/// An update whose answer is lost, then a note written in Google over the one the update set:
/// the next round sees its own e-mail in Google (the update landed) and Google's note as
/// Google's, so a later client edit of the e-mail replaces it instead of adding to it.
#[tokio::test]
async fn a_lost_update_answer_is_recognised_even_after_google_edited_a_field_it_set() {
    let rig = rig(Seed::None).await;
    let put = |vcard: String, if_match: Option<String>| ClientPut {
        href: "bob.vcf".into(),
        uid: "uid-bob".into(),
        vcard: vcard.into_bytes(),
        if_match,
        if_none_match_any: false,
    };
    let bob = |email: &str, note: &str| {
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-bob\r\nFN:Bob Byte\r\nN:Byte;Bob;;;\r\n\
             EMAIL;TYPE=work:{email}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
        )
    };
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            put(bob("a@example.org", "first"), None),
        )
        .expect("put");
    rig.sync().await;
    let etag = rig.cards()[0].etag.clone();
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            put(bob("b@example.org", "from the client"), Some(etag)),
        )
        .expect("edit");
    rig.emulator.emulator.set_faults(emulator::FaultSpec {
        drop_after_commit: 1.0,
        ..emulator::FaultSpec::none()
    });
    let lost = rig
        .engine
        .sync_once(SyncOptions::default())
        .await
        .expect("a lost answer does not fail the round");
    assert_eq!(
        lost.requeued,
        ["bob.vcf"],
        "the update's answer was lost: {lost}"
    );
    rig.emulator
        .emulator
        .set_faults(emulator::FaultSpec::none());

    let mut person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let emails = |p: &people::Person| -> Vec<String> {
        p.email_addresses
            .iter()
            .filter_map(|e| e.value.clone())
            .collect()
    };
    assert_eq!(emails(&person), ["b@example.org"], "the update landed");
    person.biographies = vec![people::Biography {
        value: Some("from another device".into()),
        ..Default::default()
    }];
    rig.client
        .update_contact(&person, &[people::PersonField::Biographies], &[])
        .await
        .expect("an edit in Google");

    let etag = rig.cards()[0].etag.clone();
    rig.store
        .client_put(
            USER,
            BookName::Contacts,
            put(bob("c@example.org", "from the client"), Some(etag)),
        )
        .expect("edit again");
    let report = rig.sync().await;
    assert!(report.conflicts.is_empty(), "{report}");
    rig.sync().await;
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    assert_eq!(emails(&person), ["c@example.org"]);
    let notes: Vec<_> = person
        .biographies
        .iter()
        .filter_map(|b| b.value.clone())
        .collect();
    assert_eq!(notes, ["from another device"]);
    let card = String::from_utf8_lossy(&rig.cards()[0].vcard).into_owned();
    assert!(card.contains("NOTE:from another device"), "{card}");
    assert!(
        card.contains("c@example.org") && !card.contains("b@example.org"),
        "{card}"
    );
}

#[tokio::test]
async fn a_workspace_directory_fills_the_read_only_directory_book() {
    let account = |token: &str, email: &str| emulator::AccountConfig {
        token: token.into(),
        email: email.into(),
        workspace_domain: Some("example.org".into()),
        ..emulator::AccountConfig::default()
    };
    let emulator = Emulator::start(EmulatorConfig {
        accounts: vec![
            account(TOKEN, "alice@example.org"),
            account("bob-token", "bob@example.org"),
        ],
        seed: Seed::Count(5),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let mut config = ClientConfig::new(Auth::Static(TOKEN.into()));
    config.base_url = emulator.base_url();
    config.pacing = Pacing::unlimited();
    let client = GoogleClient::new(config).await.expect("client");
    let directory = client.sync_directory_people(None).await.expect("directory");
    assert!(
        directory.changed.len() > 1,
        "the emulator's domain has colleagues"
    );
    let store = Store::open_temporary().expect("store");
    let mut engine_config = EngineConfig::new(USER);
    engine_config.directory = true;
    let engine = SyncEngine::new(store.clone(), client, engine_config);

    engine
        .sync_once(SyncOptions::default())
        .await
        .expect("first round");
    let cards = store.cards(USER, BookName::Directory).expect("cards");
    assert_eq!(cards.len(), directory.changed.len());
    let text: String = cards
        .iter()
        .map(|c| String::from_utf8_lossy(&c.vcard).into_owned())
        .collect();
    assert!(text.contains("bob@example.org"), "{text}");
    assert_eq!(
        store.cards(USER, BookName::Contacts).unwrap().len(),
        5 + groups_of(&store)
    );

    let ctag = store.book(USER, BookName::Directory).unwrap().seq;
    let report = engine
        .sync_once(SyncOptions::default())
        .await
        .expect("second round");
    assert_eq!(
        report.pulled, 0,
        "an unchanged directory pulls nothing:\n{report}"
    );
    assert_eq!(store.book(USER, BookName::Directory).unwrap().seq, ctag);
}

fn groups_of(store: &Store) -> usize {
    store
        .cards(USER, BookName::Contacts)
        .unwrap()
        .iter()
        .filter(|c| is_group(c))
        .count()
}

#[tokio::test]
async fn a_client_writing_without_pause_still_has_its_cards_pushed() {
    let rig = rig(Seed::None).await;
    let handle = sync::spawn(rig.engine.clone(), std::time::Duration::from_secs(3600));
    let pushed = |uid: &str| {
        rig.emulator
            .emulator
            .persons(TOKEN)
            .iter()
            .any(|p| p.client_data("peopledav.uid") == Some(uid))
    };
    // The first round runs at once; the writes start after it.
    for _ in 0..200 {
        let status = sync::SyncStatus::read(&rig.store, USER).expect("status");
        if status.last_success.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Writes keep coming, each waking the task, faster than the debounce lets a push start.
    let mut reached = false;
    for i in 0..600 {
        let uid = format!("busy-{i}");
        rig.store
            .client_put(
                USER,
                BookName::Contacts,
                ClientPut {
                    href: format!("{uid}.vcf"),
                    uid: uid.clone(),
                    vcard: card(&uid, &format!("Busy {i}"), &format!("{uid}@example.com")),
                    if_match: None,
                    if_none_match_any: true,
                },
            )
            .expect("client put");
        handle.wake();
        if pushed("busy-0") {
            reached = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        reached,
        "30 s of writes every 50 ms and the first card never reached Google"
    );
    handle.shutdown().await;
}

/// A client edit whose update loses its answer, then the client deletes the card before the
/// next round: the update was ours, so the delete reaches Google (nothing comes back).
#[tokio::test]
async fn a_card_deleted_after_its_update_lost_its_answer_stays_deleted() {
    let rig = rig(Seed::None).await;
    rig.put(
        "eve.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-eve\r\nFN:Eve\r\nN:Eve;;;;\r\n\
         EMAIL;TYPE=work:a@example.org\r\nX-CLIENT:kept\r\nEND:VCARD\r\n",
        None,
    );
    rig.sync().await;
    // The client edits what the bridge serves (Google's normalised card), as CardDAV clients do.
    let (served, etag) = rig.served();
    rig.put(
        "eve.vcf",
        &served.replace("a@example.org", "b@example.org"),
        Some(etag),
    );
    rig.emulator.emulator.set_faults(emulator::FaultSpec {
        drop_after_commit: 1.0,
        ..emulator::FaultSpec::none()
    });
    let lost = rig.sync().await;
    assert_eq!(lost.requeued, ["eve.vcf"], "{lost}");
    rig.emulator
        .emulator
        .set_faults(emulator::FaultSpec::none());
    rig.delete_reaches_google("eve.vcf").await;
}

/// Google's etag moving on without a change (an answer of ours lost and not recognised looks
/// just like this) is no edit: the client's delete goes through instead of the card coming back.
#[tokio::test]
async fn a_deleted_card_whose_person_only_changed_etag_is_deleted_in_google() {
    let rig = rig(Seed::None).await;
    rig.put(
        "fay.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-fay\r\nFN:Fay\r\nN:Fay;;;;\r\n\
         EMAIL:fay@example.org\r\nEND:VCARD\r\n",
        None,
    );
    rig.sync().await;
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let touched = rig
        .client
        .update_contact(&person, &[people::PersonField::EmailAddresses], &[])
        .await
        .expect("an update that changes nothing");
    assert_ne!(touched.etag, person.etag, "the etag moved on");
    rig.delete_reaches_google("fay.vcf").await;
}

/// A client taking a card out of its only group: the contact stays in Google (in myContacts,
/// where a contact without labels lives) instead of the update being refused.
#[tokio::test]
async fn a_card_taken_out_of_its_only_group_stays_a_contact() {
    let rig = rig(Seed::None).await;
    rig.group("Family").await;
    rig.put(
        "gus.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-gus\r\nFN:Gus\r\nN:Gus;;;;\r\n\
         CATEGORIES:Family\r\nEND:VCARD\r\n",
        None,
    );
    let report = rig.sync().await;
    assert!(report.rejected.is_empty(), "{report}");
    let (served, etag) = rig.served();
    let without: String = served
        .split_inclusive("\r\n")
        .filter(|l| !l.starts_with("CATEGORIES"))
        .collect();
    rig.put("gus.vcf", &without, Some(etag));
    let report = rig.sync().await;
    assert!(report.rejected.is_empty(), "{report}");
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let groups: Vec<&str> = person.group_resource_names().collect();
    assert_eq!(groups, ["contactGroups/myContacts"], "{served}");
}

#[tokio::test]
async fn a_card_created_with_a_label_can_leave_it_in_google() {
    let rig = rig(Seed::None).await;
    let family = rig.group("Family").await;
    rig.put(
        "hal.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-hal\r\nFN:Hal\r\nN:Hal;;;;\r\n\
         CATEGORIES:Family\r\nEND:VCARD\r\n",
        None,
    );
    let report = rig.sync().await;
    assert!(report.rejected.is_empty(), "{report}");
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let groups: BTreeSet<&str> = person.group_resource_names().collect();
    assert_eq!(
        groups,
        BTreeSet::from([family.as_str(), "contactGroups/myContacts"])
    );
    // Another device takes the contact off the label: Google accepts, as it is a contact.
    let resource = person.resource_name.clone().expect("a resource name");
    let answer = rig
        .client
        .modify_group_members(&family, &[], &[resource])
        .await
        .expect("members.modify");
    assert!(
        answer
            .can_not_remove_last_contact_group_resource_names
            .is_empty(),
        "{answer:?}"
    );
    rig.sync().await;
    let (served, _) = rig.served();
    assert!(!served.contains("Family"), "{served}");
}

#[tokio::test]
async fn a_contact_taken_off_its_only_label_by_a_group_card_leaves_it() {
    let rig = rig(Seed::None).await;
    let family = rig.group("Family").await;
    // Another device made a contact that is only in Family.
    let ida = people::Person {
        names: vec![people::Name {
            given_name: Some("Ida".into()),
            ..Default::default()
        }],
        memberships: vec![people::Membership {
            contact_group_membership: Some(people::ContactGroupMembership {
                contact_group_resource_name: Some(family.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    rig.client.create_contact(&ida, &[]).await.expect("create");
    rig.sync().await;
    // A client empties the group card.
    let group = rig.group_cards().remove(0);
    let emptied: String = String::from_utf8_lossy(&group.vcard)
        .split_inclusive("\r\n")
        .filter(|l| !l.starts_with("MEMBER:"))
        .collect();
    assert!(
        emptied.len() < group.vcard.len(),
        "the group card lists Ida"
    );
    rig.rewrite_group_card(&group, emptied.into_bytes()).await;
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    let groups: Vec<&str> = person.group_resource_names().collect();
    assert_eq!(groups, ["contactGroups/myContacts"]);
    let (served, _) = rig.served();
    assert!(!served.contains("Family"), "{served}");
}

/// The client's group card, rewritten with `members` (UIDs) as its MEMBER lines.
fn with_members(group: &store::Card, members: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for line in String::from_utf8_lossy(&group.vcard).split_inclusive("\r\n") {
        if line.starts_with("MEMBER:") {
            continue;
        }
        if line.starts_with("END:VCARD") {
            for m in members {
                out.push_str(&format!("MEMBER:urn:uuid:{m}\r\n"));
            }
        }
        out.push_str(line);
    }
    out.into_bytes()
}

#[tokio::test]
async fn a_group_card_listing_a_card_created_in_the_same_round_puts_it_in_the_group() {
    let rig = rig(Seed::None).await;
    let family = rig.group("Family").await;
    rig.sync().await;
    // A client creates a contact and adds it to the group card before any round ran.
    rig.put(
        "jo.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-jo\r\nFN:Jo\r\nN:Jo;;;;\r\nEND:VCARD\r\n",
        None,
    );
    let group = rig.group_cards().remove(0);
    let report = rig
        .rewrite_group_card(&group, with_members(&group, &["uid-jo"]))
        .await;
    let person = rig.emulator.emulator.persons(TOKEN).remove(0);
    assert!(
        person.group_resource_names().any(|g| g == family),
        "{report}"
    );
    let group = rig.group_cards().remove(0);
    assert!(
        String::from_utf8_lossy(&group.vcard).contains("MEMBER:urn:uuid:uid-jo"),
        "the group card still lists the contact"
    );
}

#[tokio::test]
async fn a_label_change_in_google_does_not_bring_back_a_card_the_client_deleted() {
    let rig = rig(Seed::None).await;
    let family = rig.group("Family").await;
    rig.put(
        "kim.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-kim\r\nFN:Kim\r\nN:Kim;;;;\r\nEND:VCARD\r\n",
        None,
    );
    rig.sync().await;
    let (_, etag) = rig.served();
    rig.store
        .client_delete(USER, BookName::Contacts, "kim.vcf", Some(&etag))
        .expect("delete");
    // Before the delete reaches Google, another device labels the contact.
    let resource = rig.emulator.emulator.persons(TOKEN)[0]
        .resource_name
        .clone()
        .expect("a resource name");
    rig.client
        .modify_group_members(&family, &[resource], &[])
        .await
        .expect("members.modify");
    let report = rig.sync().await;
    rig.sync().await;
    assert!(rig.google_names().is_empty(), "deleted in Google: {report}");
    assert!(rig.cards().is_empty(), "not back on the client: {report}");
}
