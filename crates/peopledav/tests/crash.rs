//! The crash test: `peopledav serve` against the emulator while a CardDAV client creates and
//! edits cards, SIGKILLed at random moments (mid-request, mid-push, mid-pull) and started again
//! each time. At the end every acknowledged write is in Google, exactly once, and the CardDAV
//! book and Google hold the same contacts.
//!
//! `PEOPLEDAV_CRASH_KILLS=N` sets the number of kills (default 50) and `PEOPLEDAV_CRASH_SEED=S`
//! the random seed (default: from the clock, printed).

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{add_user, peopledav, start, write_config};
use emulator::{Emulator, EmulatorConfig, Quotas};
use rand::rngs::StdRng;
use rand::seq::IteratorRandom;
use rand::{Rng, SeedableRng};
use testkit::env_number;

const PASSWORD: &str = "crash test dummy";

/// What the client and Google's other device were told about one contact.
#[derive(Debug, Default, Clone)]
struct Written {
    href: String,
    /// The e-mail of the last write the server acknowledged; `None` while the create itself
    /// is unacknowledged.
    acked: Option<String>,
    /// Writes sent after it whose answer never came (the server was killed): any of them may
    /// have been stored.
    in_doubt: Vec<String>,
    /// The client's DELETE was acknowledged.
    deleted: bool,
    /// A DELETE was sent and its answer never came.
    delete_in_doubt: bool,
    /// The note Google's other device last wrote, and ones whose outcome it never learned.
    note: Option<String>,
    note_in_doubt: Vec<String>,
}

type Ledger = Arc<Mutex<BTreeMap<String, Written>>>;

fn card(uid: &str, email: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nN:{uid};;;;\r\n\
         EMAIL;TYPE=work:{email}\r\nX-CRASH:{uid}\r\nEND:VCARD\r\n"
    )
}

fn unfolded(vcard: &str) -> Vec<String> {
    vcard
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn values(vcard: &str, prop: &str) -> Vec<String> {
    unfolded(vcard)
        .iter()
        .filter(|l| {
            let head = l.split([':', ';']).next().unwrap_or_default();
            head.rsplit('.')
                .next()
                .unwrap_or(head)
                .eq_ignore_ascii_case(prop)
        })
        .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim().to_owned()))
        .collect()
}

/// The card with its e-mail replaced and everything else kept, as a client edits it.
fn with_email(vcard: &str, email: &str) -> String {
    let mut out = String::new();
    for line in unfolded(vcard) {
        if line.to_ascii_uppercase().starts_with("EMAIL") {
            continue;
        }
        if line.eq_ignore_ascii_case("END:VCARD") {
            out.push_str(&format!("EMAIL;TYPE=work:{email}\r\n"));
        }
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

/// Contacts with an even number get notes from Google's device, odd ones may be deleted by the
/// client: Google's batchDelete takes no etag, so a note written in the instant between the
/// bridge's last look and its delete would be lost in any bridge.
fn number(uid: &str) -> usize {
    uid.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

struct Writer {
    client: reqwest::Client,
    book: String,
    ledger: Ledger,
    rng: StdRng,
    counter: Arc<Mutex<usize>>,
}

impl Writer {
    fn next(&self) -> usize {
        let mut c = self.counter.lock().unwrap();
        *c += 1;
        *c
    }

    /// Writes until `budget` is spent or the server goes away (the kill).
    async fn run(mut self, budget: usize) {
        for _ in 0..budget {
            let roll = self.rng.gen_range(0..100);
            let target = {
                let ledger = self.ledger.lock().unwrap();
                ledger
                    .iter()
                    .filter(|(_, w)| w.acked.is_some() && !w.deleted && !w.delete_in_doubt)
                    .filter(|(uid, _)| roll < 85 || number(uid) % 2 == 1)
                    .map(|(uid, w)| (uid.clone(), w.href.clone()))
                    .choose(&mut self.rng)
            };
            let done = match target {
                Some((uid, href)) if roll >= 45 => {
                    self.edit_or_delete(&uid, &href, roll >= 85).await
                }
                _ => self.create().await,
            };
            if !done {
                return;
            }
        }
    }

    fn url(&self, href: &str) -> String {
        format!("{}{href}", self.book)
    }

    /// `false` when the server is gone.
    async fn create(&mut self) -> bool {
        let uid = format!("crash-{}", self.next());
        let href = format!("{uid}.vcf");
        let email = format!("{uid}-0@crash.example");
        self.ledger.lock().unwrap().insert(
            uid.clone(),
            Written {
                href: href.clone(),
                in_doubt: vec![email.clone()],
                ..Written::default()
            },
        );
        let resp = self
            .client
            .put(self.url(&href))
            .basic_auth("alice", Some(PASSWORD))
            .header("If-None-Match", "*")
            .header("Content-Type", "text/vcard")
            .body(card(&uid, &email))
            .send()
            .await;
        let Ok(resp) = resp else { return false };
        assert_eq!(resp.status(), 201, "create {uid}");
        let mut ledger = self.ledger.lock().unwrap();
        let w = ledger.get_mut(&uid).expect("recorded");
        w.acked = Some(email);
        w.in_doubt.clear();
        true
    }

    /// An edit or a delete of an acknowledged card, which must be there after any number of
    /// crashes. `false` when the server is gone.
    async fn edit_or_delete(&mut self, uid: &str, href: &str, delete: bool) -> bool {
        let Ok(got) = self
            .client
            .get(self.url(href))
            .basic_auth("alice", Some(PASSWORD))
            .send()
            .await
        else {
            return false;
        };
        assert_eq!(
            got.status(),
            200,
            "the acknowledged card {href} is readable"
        );
        let etag = got
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("an etag")
            .to_owned();
        let Ok(text) = got.text().await else {
            return false;
        };
        let request = if delete {
            self.ledger
                .lock()
                .unwrap()
                .get_mut(uid)
                .expect("recorded")
                .delete_in_doubt = true;
            self.client.delete(self.url(href))
        } else {
            let email = format!("{uid}-{}@crash.example", self.next());
            self.ledger
                .lock()
                .unwrap()
                .get_mut(uid)
                .expect("recorded")
                .in_doubt
                .push(email.clone());
            self.client
                .put(self.url(href))
                .header("Content-Type", "text/vcard")
                .body(with_email(&text, &email))
        };
        let resp = request
            .basic_auth("alice", Some(PASSWORD))
            .header("If-Match", etag)
            .send()
            .await;
        let Ok(resp) = resp else { return false };
        let mut ledger = self.ledger.lock().unwrap();
        let w = ledger.get_mut(uid).expect("recorded");
        match (resp.status().as_u16(), delete) {
            (200 | 204, true) => {
                w.deleted = true;
                w.delete_in_doubt = false;
            }
            (200 | 201 | 204, false) => {
                w.acked = w.in_doubt.pop();
                w.in_doubt.clear();
            }
            // The bridge rewrote the card with Google's answer between the GET and the write.
            (412, true) => w.delete_in_doubt = false,
            (412, false) => {
                w.in_doubt.pop();
            }
            (other, _) => panic!(
                "{} of {href} answered {other}",
                if delete { "DELETE" } else { "PUT" }
            ),
        }
        true
    }
}

/// Google's other device: writes notes on even-numbered contacts until stopped.
async fn device_notes(
    emulator: emulator::Emulator,
    device: google::GoogleClient,
    ledger: Ledger,
    mut rng: StdRng,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(20..200))).await;
        let Some(uid) = google_side(&emulator)
            .into_keys()
            .filter(|u| number(u).is_multiple_of(2) && u.starts_with("crash-"))
            .choose(&mut rng)
        else {
            continue;
        };
        n += 1;
        let note = format!("note {n} from another device");
        ledger
            .lock()
            .unwrap()
            .entry(uid.clone())
            .or_default()
            .note_in_doubt
            .push(note.clone());
        let mut outcome = Err(None);
        for _ in 0..5 {
            let Some(mut person) = emulator
                .persons("emulator")
                .into_iter()
                .find(|p| !p.is_deleted() && p.client_data("peopledav.uid") == Some(uid.as_str()))
            else {
                break;
            };
            person.biographies = vec![people::Biography {
                value: Some(note.clone()),
                ..Default::default()
            }];
            match device
                .update_contact(&person, &[people::PersonField::Biographies], &[])
                .await
            {
                Ok(_) => {
                    outcome = Ok(());
                    break;
                }
                // The bridge wrote it meanwhile: read it again.
                Err(e) if e.kind() == google::ErrorKind::EtagMismatch => continue,
                Err(e) => {
                    outcome = Err(Some(e));
                    break;
                }
            }
        }
        let mut ledger = ledger.lock().unwrap();
        let w = ledger.get_mut(&uid).expect("recorded");
        match outcome {
            Ok(()) => {
                w.note = w.note_in_doubt.pop();
                w.note_in_doubt.clear();
            }
            // Failed after the retries: it may or may not have been applied.
            Err(Some(_)) => {}
            Err(None) => {
                w.note_in_doubt.pop();
            }
        }
    }
}

/// A contact's e-mails and notes.
type Seen = (Vec<String>, Vec<String>);

/// UID → what each person carrying it holds.
type GoogleSide = BTreeMap<String, Vec<Seen>>;

/// The contacts Google holds, UID → (e-mails, notes) of each person carrying it.
fn google_side(emulator: &emulator::Emulator) -> GoogleSide {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for p in emulator.persons("emulator") {
        if p.is_deleted() {
            continue;
        }
        let uid = p
            .client_data("peopledav.uid")
            .map(str::to_owned)
            .unwrap_or_default();
        let emails = p
            .email_addresses
            .iter()
            .filter_map(|e| e.value.clone())
            .collect();
        let notes = p
            .biographies
            .iter()
            .filter_map(|b| b.value.clone())
            .collect();
        out.entry(uid).or_default().push((emails, notes));
    }
    out
}

/// Every acknowledged write is in Google once; nothing else is.
fn problems(ledger: &BTreeMap<String, Written>, google: &GoogleSide) -> Vec<String> {
    let mut out = Vec::new();
    for (uid, persons) in google {
        if persons.len() > 1 {
            out.push(format!("{uid} is {} times in Google", persons.len()));
        }
        if ledger.get(uid).is_none_or(|w| w.href.is_empty()) {
            out.push(format!("{uid:?} is in Google but was never written"));
        }
    }
    for (uid, w) in ledger {
        let allowed: Vec<&String> = w.acked.iter().chain(&w.in_doubt).collect();
        match google.get(uid).and_then(|p| p.first()) {
            None if w.acked.is_some() && !w.deleted && !w.delete_in_doubt => {
                out.push(format!("{uid} was acknowledged but is not in Google"))
            }
            None => {}
            Some(_) if w.deleted => out.push(format!("{uid} was deleted but is still in Google")),
            Some((emails, notes)) => {
                if emails.len() != 1 || !allowed.contains(&&emails[0]) {
                    out.push(format!(
                        "{uid}: Google has {emails:?}, the client wrote {allowed:?}"
                    ));
                }
                let notes_allowed: Vec<&String> = w.note.iter().chain(&w.note_in_doubt).collect();
                let ok = match notes.as_slice() {
                    [] => w.note.is_none(),
                    [one] => notes_allowed.contains(&one),
                    _ => false,
                };
                if !ok {
                    out.push(format!(
                        "{uid}: Google has notes {notes:?}, the device wrote {notes_allowed:?}"
                    ));
                }
            }
        }
    }
    out
}

fn seed() -> u64 {
    env_number("PEOPLEDAV_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
    })
}

struct Rig {
    emulator: emulator::RunningEmulator,
    _dir: tempfile::TempDir,
    config: std::path::PathBuf,
    ledger: Ledger,
    counter: Arc<Mutex<usize>>,
    client: reqwest::Client,
}

impl Rig {
    async fn new() -> Rig {
        // Google's quotas would only slow the pushes down; they have their own tests.
        let emulator = Emulator::start(EmulatorConfig {
            quotas: Quotas::unlimited(),
            ..EmulatorConfig::default()
        })
        .await
        .expect("emulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let config = write_config(dir.path(), &emulator.base_url());
        // The workload deletes a large share of a small book between rounds; the mass-delete
        // guard, which would stop that, has its own tests.
        let text = std::fs::read_to_string(&config).expect("config");
        let text = text.replace("[sync]\n", "[sync]\nmass_delete_share = 1.0\n");
        std::fs::write(&config, text).expect("config written");
        add_user(&config, "alice", "family", PASSWORD);
        Rig {
            emulator,
            _dir: dir,
            config,
            ledger: Arc::default(),
            counter: Arc::default(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
        }
    }

    fn serve(&self) -> (common::Proc, String) {
        let mut cmd = peopledav();
        cmd.arg("--config").arg(&self.config).arg("serve");
        start(cmd, "serving CardDAV")
    }

    fn writer(&self, url: &str, rng: StdRng) -> Writer {
        Writer {
            client: self.client.clone(),
            book: format!("{url}/dav/alice/contacts/"),
            ledger: self.ledger.clone(),
            rng,
            counter: self.counter.clone(),
        }
    }

    /// Waits until Google holds what was acknowledged, then compares it with the CardDAV book.
    /// Returns the number of contacts.
    async fn converged(&self, url: &str, what: &str) -> usize {
        self.emulator
            .emulator
            .set_faults(emulator::FaultSpec::none());
        let mut last = Vec::new();
        for _ in 0..900 {
            last = problems(
                &self.ledger.lock().unwrap(),
                &google_side(&self.emulator.emulator),
            );
            if last.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(last.is_empty(), "after {what}:\n{}", last.join("\n"));
        // The bridge stores Google's answers after it pushed: wait for the book to match.
        let mut dav = BTreeMap::new();
        let mut google = BTreeMap::new();
        for _ in 0..100 {
            dav = self.dav_side(url).await;
            google = google_side(&self.emulator.emulator)
                .into_iter()
                .map(|(uid, mut p)| (uid, p.remove(0)))
                .collect();
            if dav == google {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(
            dav, google,
            "the CardDAV book and Google hold the same contacts"
        );
        dav.len()
    }

    async fn dav_side(&self, url: &str) -> BTreeMap<String, Seen> {
        let book = format!("{url}/dav/alice/contacts/");
        let listing = self
            .client
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").expect("method"),
                &book,
            )
            .basic_auth("alice", Some(PASSWORD))
            .header("Depth", "1")
            .send()
            .await
            .expect("propfind")
            .text()
            .await
            .expect("body");
        let mut dav = BTreeMap::new();
        for href in listing
            .split("<D:href>")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .filter(|h| h.ends_with(".vcf"))
        {
            let text = self
                .client
                .get(format!("{url}{href}"))
                .basic_auth("alice", Some(PASSWORD))
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("card");
            if values(&text, "X-CRASH").is_empty() {
                continue;
            }
            let uid = values(&text, "UID").pop().expect("a UID");
            let entry = (values(&text, "EMAIL"), values(&text, "NOTE"));
            assert!(
                dav.insert(uid.clone(), entry).is_none(),
                "{uid} is twice in the book"
            );
        }
        dav
    }

    fn acknowledged(&self) -> usize {
        self.ledger
            .lock()
            .unwrap()
            .values()
            .filter(|w| w.acked.is_some() && !w.deleted)
            .count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_at_random_moments_the_bridge_loses_and_duplicates_nothing() {
    let kills = env_number("PEOPLEDAV_CRASH_KILLS").unwrap_or(60);
    let seed = seed();
    eprintln!("crash test: {kills} kills, PEOPLEDAV_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let rig = Rig::new().await;
    for _ in 0..kills {
        let (mut bridge, url) = rig.serve();
        let writer = rig.writer(&url, StdRng::seed_from_u64(rng.r#gen()));
        let writer = tokio::spawn(writer.run(rng.gen_range(5..40)));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(10..700))).await;
        bridge.0.kill().expect("SIGKILL");
        bridge.0.wait().expect("the bridge is gone");
        if let Err(e) = writer.await
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    let writes = *rig.counter.lock().unwrap();
    // Started once more, the bridge must finish what it acknowledged.
    let (_bridge, url) = rig.serve();
    let contacts = rig
        .converged(
            &url,
            &format!("{kills} kills and {writes} writes (seed {seed})"),
        )
        .await;
    eprintln!(
        "crash test: {kills} kills survived, {writes} writes sent, {} acknowledged cards all in \
         Google once, {contacts} contacts on both sides",
        rig.acknowledged()
    );
}

/// Google failing 20 % of the requests (500, 503, 429, writes whose answer is lost), slow,
/// expiring sync tokens, and another device editing notes, while a CardDAV client creates, edits
/// and deletes, for `PEOPLEDAV_SOAK_SECS` seconds: 20 by default, 600 for the long run
/// (`PEOPLEDAV_SOAK_SECS=600 cargo test --release -p peopledav --test crash -- soak`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_under_a_faulty_google_the_bridge_converges_without_loss() {
    let secs = env_number("PEOPLEDAV_SOAK_SECS").unwrap_or(20);
    let seed = seed();
    eprintln!("fault soak: {secs} s, PEOPLEDAV_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let rig = Rig::new().await;
    let (_bridge, url) = rig.serve();
    rig.emulator.emulator.set_faults(emulator::FaultSpec {
        error_500: 0.05,
        error_503: 0.05,
        error_429: 0.05,
        latency: Duration::from_millis(2),
        drop_after_commit: 0.05,
    });
    let mut device_config = google::ClientConfig::new(google::Auth::Static("emulator".into()));
    device_config.base_url = rig.emulator.base_url();
    device_config.pacing = google::Pacing::unlimited();
    let device = google::GoogleClient::new(device_config)
        .await
        .expect("device");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let notes = tokio::spawn(device_notes(
        rig.emulator.emulator.clone(),
        device,
        rig.ledger.clone(),
        StdRng::seed_from_u64(rng.r#gen()),
        stop.clone(),
    ));
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    let mut rounds = 0;
    while std::time::Instant::now() < until {
        rig.writer(&url, StdRng::seed_from_u64(rng.r#gen()))
            .run(10)
            .await;
        rounds += 1;
        if rounds % 10 == 0 {
            // Past the seven-day sync token lifetime: the next pull lists everything.
            rig.emulator
                .emulator
                .advance(Duration::from_secs(8 * 24 * 3600));
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..300))).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    notes.await.expect("the device stops");
    let writes = *rig.counter.lock().unwrap();
    let contacts = rig
        .converged(
            &url,
            &format!("a {secs} s fault soak of {writes} writes (seed {seed})"),
        )
        .await;
    let stats = rig.emulator.emulator.stats();
    eprintln!(
        "fault soak: {secs} s, {writes} client writes, {} acknowledged cards, {contacts} contacts \
         on both sides, emulator stats {stats:?}",
        rig.acknowledged()
    );
}
