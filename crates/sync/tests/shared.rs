//! A Workspace domain's shared contacts synced both ways through the Domain Shared Contacts
//! feed of the emulator (over HTTP) and a real sled store: pull, admin writes, a concurrent edit
//! in Google merged field by field, deletes both ways, and nothing of a card lost on the way.

use emulator::{AccountConfig, Emulator, EmulatorConfig, RunningEmulator};
use google::{Auth, ClientConfig, GoogleClient, Pacing};
use store::{BookName, ClientPut, Store};
use sync::{EngineConfig, SharedContactsApi, SyncEngine, SyncOptions};

const DOMAIN: &str = "acme.test";
const ADMIN_TOKEN: &str = "admin-token";

struct Rig {
    _emulator: RunningEmulator,
    /// The domain administrator's client, as another device editing the feed.
    google: GoogleClient,
    engine: SyncEngine<SharedContactsApi>,
    store: Store,
    owner: String,
}

async fn rig() -> Rig {
    let emulator = Emulator::start(EmulatorConfig {
        accounts: vec![AccountConfig {
            token: ADMIN_TOKEN.into(),
            email: format!("admin@{DOMAIN}"),
            workspace_domain: Some(DOMAIN.into()),
            domain_admin: true,
        }],
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let mut config = ClientConfig::new(Auth::Static(ADMIN_TOKEN.into()));
    config.base_url = emulator.base_url();
    config.feeds_url = emulator.base_url();
    config.pacing = Pacing::unlimited();
    let google = GoogleClient::new(config).await.expect("client");
    let store = Store::open_temporary().expect("store");
    let owner = store::shared_owner(DOMAIN);
    let mut engine_config = EngineConfig::new(&owner);
    engine_config.book = BookName::Shared;
    engine_config.other_contacts = false;
    let engine = SyncEngine::new(
        store.clone(),
        SharedContactsApi::new(google.clone(), DOMAIN),
        engine_config,
    );
    Rig {
        _emulator: emulator,
        google,
        engine,
        store,
        owner,
    }
}

impl Rig {
    async fn sync(&self) -> sync::SyncReport {
        self.engine
            .sync_once(SyncOptions::default())
            .await
            .expect("sync round")
    }

    async fn feed(&self) -> Vec<gdata::Entry> {
        self.google
            .list_shared_contacts(DOMAIN, None)
            .await
            .expect("feed")
            .entries
    }

    fn cards(&self) -> Vec<store::Card> {
        self.store
            .cards(&self.owner, BookName::Shared)
            .expect("cards")
    }

    fn put(&self, href: &str, vcard: &str, if_match: Option<&str>) {
        self.store
            .client_put(
                &self.owner,
                BookName::Shared,
                ClientPut {
                    href: href.into(),
                    uid: vcard_uid(vcard),
                    vcard: vcard.as_bytes().to_vec(),
                    if_match: if_match.map(str::to_owned),
                    if_none_match_any: if_match.is_none(),
                },
            )
            .expect("client put");
    }
}

fn vcard_uid(vcard: &str) -> String {
    vcard
        .lines()
        .find_map(|l| l.strip_prefix("UID:"))
        .expect("a UID")
        .trim()
        .to_owned()
}

fn entry(name: &str, email: &str) -> gdata::Entry {
    gdata::Entry {
        name: Some(gdata::Name {
            full_name: Some(gdata::NamePart::new(name)),
            ..Default::default()
        }),
        emails: vec![gdata::Email {
            address: Some(email.into()),
            rel: Some(format!("{}work", gdata::REL)),
            ..Default::default()
        }],
        categories: vec![gdata::Category::contact_kind()],
        ..Default::default()
    }
}

#[tokio::test]
async fn shared_contacts_are_pulled_into_the_shared_book() {
    let rig = rig().await;
    for i in 0..3 {
        rig.google
            .create_shared_contact(
                DOMAIN,
                &entry(&format!("Supplier {i}"), &format!("s{i}@vendor.test")),
            )
            .await
            .expect("created in the feed");
    }
    rig.sync().await;
    let cards = rig.cards();
    assert_eq!(cards.len(), 3);
    let text: String = cards
        .iter()
        .map(|c| String::from_utf8_lossy(&c.vcard).into_owned())
        .collect();
    assert!(text.contains("s1@vendor.test"), "{text}");
    assert!(text.contains("Supplier 2"), "{text}");

    // Incremental: one edit and one delete in the feed.
    let feed = rig.feed().await;
    let mut edited = feed
        .iter()
        .find(|e| e.emails[0].address.as_deref() == Some("s0@vendor.test"))
        .unwrap()
        .clone();
    edited.emails[0].address = Some("sales@vendor.test".into());
    rig.google
        .update_shared_contact(DOMAIN, &edited)
        .await
        .expect("edited in the feed");
    let gone = feed
        .iter()
        .find(|e| e.emails[0].address.as_deref() == Some("s2@vendor.test"))
        .unwrap();
    rig.google
        .delete_shared_contact(DOMAIN, gone.short_id().unwrap(), None)
        .await
        .expect("deleted in the feed");
    let report = rig.sync().await;
    assert_eq!(report.removed, 1, "{report}");
    let text: String = rig
        .cards()
        .iter()
        .map(|c| String::from_utf8_lossy(&c.vcard).into_owned())
        .collect();
    assert!(text.contains("sales@vendor.test"), "{text}");
    assert!(!text.contains("s2@vendor.test"), "{text}");
    assert_eq!(rig.cards().len(), 2);
}

#[tokio::test]
async fn an_admin_card_reaches_the_feed_once_and_keeps_every_property() {
    let rig = rig().await;
    let vcard = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:shared-1\r\nFN:Ada Lovelace\r\n\
                 N:Lovelace;Ada;;;\r\nEMAIL;TYPE=work:ada@vendor.test\r\nTEL;TYPE=cell:+44 20 7946 0000\r\n\
                 GENDER:F\r\nX-SUPPLIER-ID:4711\r\nEND:VCARD\r\n";
    rig.put("ada.vcf", vcard, None);
    let report = rig.sync().await;
    assert_eq!(report.created, 1, "{report}");
    let feed = rig.feed().await;
    assert_eq!(feed.len(), 1, "created once");
    assert_eq!(
        feed[0].emails[0].address.as_deref(),
        Some("ada@vendor.test")
    );
    assert!(
        feed[0]
            .extended_properties
            .iter()
            .any(|p| p.name.as_deref() == Some("peopledav.uid")),
        "the card's UID travels with the entry: {:?}",
        feed[0].extended_properties
    );

    // A second round changes nothing, and the card still has what the feed has no element for.
    let report = rig.sync().await;
    assert_eq!(
        report.created + report.updated + report.pulled,
        0,
        "{report}"
    );
    assert_eq!(rig.feed().await.len(), 1);
    let card = rig
        .store
        .card(&rig.owner, BookName::Shared, "ada.vcf")
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&card.vcard);
    assert!(text.contains("X-SUPPLIER-ID:4711"), "{text}");
    assert!(text.contains("GENDER:F"), "{text}");
    assert!(text.contains("+44 20 7946 0000"), "{text}");

    // Deleted by the admin's client: gone from the feed.
    store_delete(&rig, "ada.vcf");
    rig.sync().await;
    assert!(rig.feed().await.is_empty());
}

fn store_delete(rig: &Rig, href: &str) {
    rig.store
        .client_delete(&rig.owner, BookName::Shared, href, None)
        .expect("client delete");
}

#[tokio::test]
async fn an_admin_edit_and_a_concurrent_feed_edit_of_another_field_both_survive() {
    let rig = rig().await;
    rig.google
        .create_shared_contact(DOMAIN, &entry("Grace Hopper", "grace@vendor.test"))
        .await
        .expect("created");
    rig.sync().await;
    let card = rig.cards().pop().expect("pulled");

    // The admin changes the e-mail address in their client …
    let text = String::from_utf8_lossy(&card.vcard)
        .replace("grace@vendor.test", "rear.admiral@vendor.test");
    rig.put(&card.href, &text, Some(&card.etag));
    // … while someone edits the notes in Google: the entry's etag moves on.
    let mut theirs = rig.feed().await.pop().unwrap();
    theirs.content = Some(gdata::Text::plain("met at the 1952 conference"));
    rig.google
        .update_shared_contact(DOMAIN, &theirs)
        .await
        .expect("edited in the feed");

    rig.sync().await;
    let feed = rig.feed().await;
    assert_eq!(feed.len(), 1);
    assert_eq!(
        feed[0].emails[0].address.as_deref(),
        Some("rear.admiral@vendor.test"),
        "the admin's edit reached the feed"
    );
    assert_eq!(
        feed[0].content.as_ref().map(|c| c.value.as_str()),
        Some("met at the 1952 conference"),
        "the feed's edit survived"
    );
    let text: String = rig
        .cards()
        .iter()
        .map(|c| String::from_utf8_lossy(&c.vcard).into_owned())
        .collect();
    assert!(text.contains("rear.admiral@vendor.test"), "{text}");
    assert!(text.contains("1952 conference"), "{text}");
}
