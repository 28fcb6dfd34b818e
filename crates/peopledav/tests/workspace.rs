//! A Workspace domain as `peopledav serve` runs it: two users of one domain, the directory book,
//! and the domain's shared contacts as the `shared` book — read-only for a user, writable for
//! the admin, whose writes reach the shared contacts feed; and vdirsyncer syncing both books.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{add_user, eventually, local_texts, peopledav, start, vdirsyncer, vdirsyncer_run};
use emulator::{AccountConfig, Emulator, EmulatorConfig};

const DOMAIN: &str = "acme.test";
const PASSWORD: &str = "correct horse";

fn account(token: &str, user: &str, admin: bool) -> AccountConfig {
    AccountConfig {
        token: token.into(),
        email: format!("{user}@{DOMAIN}"),
        workspace_domain: Some(DOMAIN.into()),
        domain_admin: admin,
    }
}

fn write_config(dir: &Path, emulator: &str) -> std::path::PathBuf {
    let path = dir.join("peopledav.toml");
    let account = |name: &str| {
        format!(
            "[[account]]\nname = \"{name}\"\nkind = \"emulator\"\nurl = \"{emulator}\"\n\
             token = \"{name}-token\"\nbooks = [\"contacts\", \"directory\"]\n\n"
        )
    };
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[sync]\ninterval_secs = 1\n\n{}{}\
             [[domain]]\nname = \"{DOMAIN}\"\naccount = \"alice\"\nusers = [\"bob\"]\nadmins = [\"alice\"]\n",
            account("alice"),
            account("bob"),
        ),
    )
    .expect("config written");
    path
}

struct Dav {
    client: reqwest::Client,
    url: String,
}

impl Dav {
    fn book(&self, user: &str, book: &str) -> String {
        format!("{}/dav/{user}/{book}/", self.url)
    }

    /// The hrefs of the cards in a book (empty when the book is not there).
    async fn hrefs(&self, user: &str, book: &str) -> Vec<String> {
        let resp = self
            .client
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
                self.book(user, book),
            )
            .basic_auth(user, Some(PASSWORD))
            .header("Depth", "1")
            .send()
            .await
            .expect("propfind");
        if resp.status() != 207 {
            return Vec::new();
        }
        let body = resp.text().await.expect("body");
        body.split("<D:href>")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .filter(|h| h.ends_with(".vcf"))
            .map(str::to_owned)
            .collect()
    }

    async fn book_text(&self, user: &str, book: &str) -> String {
        self.client
            .get(self.book(user, book))
            .basic_auth(user, Some(PASSWORD))
            .send()
            .await
            .expect("get book")
            .text()
            .await
            .expect("text")
    }

    async fn put(&self, user: &str, url: &str, vcard: &str) -> u16 {
        self.client
            .put(url)
            .basic_auth(user, Some(PASSWORD))
            .header("Content-Type", "text/vcard")
            .body(vcard.to_owned())
            .send()
            .await
            .expect("put")
            .status()
            .as_u16()
    }
}

fn supplier(uid: &str, name: &str, email: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\n\
         EMAIL;TYPE=work:{email}\r\nX-SUPPLIER-ID:{uid}\r\nEND:VCARD\r\n"
    )
}

#[tokio::test]
async fn a_domain_shares_its_contacts_and_directory_with_its_users() {
    let emulator = Emulator::start(EmulatorConfig {
        accounts: vec![
            account("alice-token", "alice", true),
            account("bob-token", "bob", false),
        ],
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let mut gconfig = google::ClientConfig::new(google::Auth::Static("alice-token".into()));
    gconfig.base_url = emulator.base_url();
    gconfig.feeds_url = emulator.base_url();
    gconfig.pacing = google::Pacing::unlimited();
    let admin = google::GoogleClient::new(gconfig).await.expect("client");
    let existing = gdata::Entry {
        name: Some(gdata::Name {
            full_name: Some(gdata::NamePart::new("Front Desk")),
            ..Default::default()
        }),
        emails: vec![gdata::Email {
            address: Some(format!("desk@{DOMAIN}")),
            rel: Some(format!("{}work", gdata::REL)),
            ..Default::default()
        }],
        categories: vec![gdata::Category::contact_kind()],
        ..Default::default()
    };
    admin
        .create_shared_contact(DOMAIN, &existing)
        .await
        .expect("a shared contact");

    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_config(dir.path(), &emulator.base_url());
    add_user(&config, "alice", "alice", PASSWORD);
    add_user(&config, "bob", "bob", PASSWORD);
    let mut serve = peopledav();
    serve.arg("--config").arg(&config).arg("serve");
    let (_bridge, url) = start(serve, "serving CardDAV");
    let dav = Dav {
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        url,
    };

    // Both users see the shared contact; bob cannot change the shared book.
    for user in ["alice", "bob"] {
        assert!(
            eventually(|| async { dav.hrefs(user, "shared").await.len() == 1 }).await,
            "{user} sees the shared contact"
        );
    }
    assert!(dav.book_text("bob", "shared").await.contains("Front Desk"));
    let bob_url = format!("{}bob-new.vcf", dav.book("bob", "shared"));
    let refused = dav
        .put(
            "bob",
            &bob_url,
            &supplier("bob-1", "Bob's Pick", "pick@vendor.test"),
        )
        .await;
    assert_eq!(
        refused, 403,
        "a user who is not an admin cannot write the shared book"
    );

    // The directory lists the colleagues.
    assert!(
        eventually(|| async {
            dav.book_text("bob", "directory")
                .await
                .contains(&format!("alice@{DOMAIN}"))
        })
        .await,
        "bob's directory book lists alice"
    );

    // … and can be searched like any book.
    let query = format!(
        "<?xml version=\"1.0\"?><C:addressbook-query xmlns:D=\"DAV:\" \
         xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><D:prop><D:getetag/></D:prop>\
         <C:filter><C:prop-filter name=\"EMAIL\"><C:text-match match-type=\"equals\">\
         alice@{DOMAIN}</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"
    );
    let found = dav
        .client
        .request(
            reqwest::Method::from_bytes(b"REPORT").unwrap(),
            dav.book("bob", "directory"),
        )
        .basic_auth("bob", Some(PASSWORD))
        .header("Depth", "1")
        .header("Content-Type", "application/xml")
        .body(query)
        .send()
        .await
        .expect("report");
    assert_eq!(found.status(), 207);
    let body = found.text().await.unwrap();
    assert_eq!(body.matches(".vcf</D:href>").count(), 1, "{body}");

    // The admin's new shared contact reaches the feed, and bob's book, once.
    let alice_url = format!("{}acme-supply.vcf", dav.book("alice", "shared"));
    let created = dav
        .put(
            "alice",
            &alice_url,
            &supplier("acme-supply", "Acme Supply", "orders@vendor.test"),
        )
        .await;
    assert_eq!(created, 201);
    assert!(
        eventually(|| async {
            admin
                .list_shared_contacts(DOMAIN, None)
                .await
                .is_ok_and(|l| {
                    l.entries.len() == 2
                        && l.entries.iter().any(|e| {
                            e.emails
                                .iter()
                                .any(|m| m.address.as_deref() == Some("orders@vendor.test"))
                        })
                })
        })
        .await,
        "the admin's card is in the shared contacts feed"
    );
    assert!(
        eventually(|| async {
            dav.book_text("bob", "shared")
                .await
                .contains("X-SUPPLIER-ID:acme-supply")
        })
        .await,
        "bob sees the admin's card with every property"
    );
    assert_eq!(dav.hrefs("bob", "shared").await.len(), 2);

    // The status page says which domain's contacts bob sees, and that he may only read them.
    let status: serde_json::Value = dav
        .client
        .get(format!("{}/status.json", dav.url))
        .basic_auth("bob", Some(PASSWORD))
        .send()
        .await
        .expect("status")
        .json()
        .await
        .expect("json");
    assert_eq!(status["shared"]["domain"], DOMAIN, "{status}");
    assert_eq!(status["shared"]["admin"], false, "{status}");
    assert_eq!(status["books"]["shared"], 2, "{status}");

    // vdirsyncer syncs both of bob's read-only books.
    if let Some(vdirsyncer) = vdirsyncer("a Workspace user's books with vdirsyncer") {
        let home = tempfile::tempdir().expect("home");
        let mut conf = String::from("[general]\nstatus_path = \"~/status\"\n\n");
        for book in ["shared", "directory"] {
            let local = home.path().join(book);
            std::fs::create_dir_all(&local).unwrap();
            conf.push_str(&format!(
                "[pair {book}]\na = \"{book}_local\"\nb = \"{book}_remote\"\ncollections = null\n\
                 conflict_resolution = \"b wins\"\n\n\
                 [storage {book}_local]\ntype = \"filesystem\"\npath = \"{}\"\nfileext = \".vcf\"\n\n\
                 [storage {book}_remote]\ntype = \"carddav\"\nurl = \"{}\"\nusername = \"bob\"\n\
                 password = \"{PASSWORD}\"\nread_only = true\n\n",
                local.display(),
                dav.book("bob", book)
            ));
        }
        std::fs::write(home.path().join("vdirsyncer.conf"), conf).unwrap();
        vdirsyncer_run(&vdirsyncer, home.path(), &["discover"]);
        vdirsyncer_run(&vdirsyncer, home.path(), &["sync"]);
        let shared = local_texts(&home.path().join("shared"));
        assert_eq!(
            shared.len(),
            2,
            "both shared contacts are in vdirsyncer's folder"
        );
        assert!(shared.iter().any(|(_, t)| t.contains("orders@vendor.test")));
        let directory = local_texts(&home.path().join("directory"));
        assert!(
            directory
                .iter()
                .any(|(_, t)| t.contains(&format!("alice@{DOMAIN}"))),
            "the directory is in vdirsyncer's folder"
        );
    }

    // The admin deletes it: gone from the feed and from bob's book.
    let deleted = dav
        .client
        .delete(&alice_url)
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .expect("delete")
        .status();
    assert_eq!(deleted, 204);
    assert!(
        eventually(|| async {
            admin
                .list_shared_contacts(DOMAIN, None)
                .await
                .is_ok_and(|l| l.entries.len() == 1)
        })
        .await,
        "deleted from the feed"
    );
    assert!(
        eventually(|| async { dav.hrefs("bob", "shared").await.len() == 1 }).await,
        "deleted from bob's book"
    );
}
