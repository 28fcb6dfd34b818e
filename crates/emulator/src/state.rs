//! The emulator's state: accounts with their contacts, groups, photos and quotas; the shared
//! contacts of each Workspace domain; the clock; stats.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::book::{Book, Entry};
use crate::config::{AccountConfig, FaultSpec, Quotas};
use crate::error::{ApiError, PLATFORM_DOMAIN};
use crate::person::{Json, normalize_items, source_ref};

/// Request counts, per method and per account (keyed by the account's e-mail address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub by_method: BTreeMap<String, u64>,
    pub by_account: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Locks a mutex, recovering the data if a holder panicked (state stays usable for tests).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Wall-clock time that tests can move forward.
#[derive(Debug)]
pub(crate) struct Clock {
    base_unix_micros: i64,
    base: Instant,
    offset_micros: AtomicI64,
}

impl Clock {
    pub fn new() -> Clock {
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Clock {
            base_unix_micros: i64::try_from(unix.as_micros()).unwrap_or(0),
            base: Instant::now(),
            offset_micros: AtomicI64::new(0),
        }
    }

    /// Microseconds since the Unix epoch, emulator time.
    pub fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.base.elapsed().as_micros()).unwrap_or(i64::MAX / 2);
        self.base_unix_micros + elapsed + self.offset_micros.load(Ordering::Relaxed)
    }

    /// Moves the clock forward so that it reads at least `micros` (a restored emulator resumes
    /// where its saved clock stood, even if that was advanced past the wall clock).
    pub fn resume_from(&self, micros: i64) {
        let behind = micros - self.now();
        if behind > 0 {
            self.offset_micros.fetch_add(behind, Ordering::Relaxed);
        }
    }

    pub fn advance(&self, by: Duration) {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX / 4);
        self.offset_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// RFC 3339 with microseconds, as in `metadata.sources[].updateTime`.
pub(crate) fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// A bijective 64-bit mixer (splitmix64): distinct inputs give distinct, random-looking outputs.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Quota buckets, named as in Google's Cloud console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bucket {
    Read,
    Write,
    CriticalRead,
    CriticalWrite,
    PhotoWrite,
    GroupRead,
    DailyContactWrite,
}

impl Bucket {
    fn index(self) -> usize {
        self as usize
    }

    fn limit(self, q: &Quotas) -> u32 {
        match self {
            Bucket::Read => q.reads_per_minute,
            Bucket::Write => q.writes_per_minute,
            Bucket::CriticalRead => q.critical_reads_per_minute,
            Bucket::CriticalWrite => q.critical_writes_per_minute,
            Bucket::PhotoWrite => q.photo_writes_per_minute,
            Bucket::GroupRead => q.group_reads_per_minute,
            Bucket::DailyContactWrite => q.daily_contact_writes,
        }
    }

    /// (metric display name, quota_limit, quota_metric)
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Bucket::Read => (
                "Read requests",
                "ReadRequestsPerMinutePerProjectPerUser",
                "people.googleapis.com/read_requests",
            ),
            Bucket::Write => (
                "Write requests (Contact Deletes and Contact Group Writes)",
                "WriteRequestsPerMinutePerProjectPerUser",
                "people.googleapis.com/write_requests",
            ),
            Bucket::CriticalRead => (
                "Critical read requests (Contact and Profile Reads)",
                "CriticalReadsPerMinutePerProjectPerUser",
                "people.googleapis.com/critical_read_requests",
            ),
            Bucket::CriticalWrite => (
                "Critical write requests (Contact Writes)",
                "CriticalWritesPerMinutePerProjectPerUser",
                "people.googleapis.com/critical_write_requests",
            ),
            Bucket::PhotoWrite => (
                "Photo write requests",
                "PhotoWritesPerMinutePerProjectPerUser",
                "people.googleapis.com/photo_write_requests",
            ),
            Bucket::GroupRead => (
                "Contact group read requests",
                "ContactGroupReadsPerMinutePerProjectPerUser",
                "people.googleapis.com/contact_group_read_requests",
            ),
            Bucket::DailyContactWrite => (
                "Daily Contact Writes (Total)",
                "DailyContactWritesPerProjectPerUser",
                "people.googleapis.com/daily_contact_writes",
            ),
        }
    }

    fn per_day(self) -> bool {
        self == Bucket::DailyContactWrite
    }
}

/// The project number that appears in quota errors.
const PROJECT_NUMBER: &str = "123456789012";

/// The 429 Google answers when a quota bucket is empty.
pub(crate) fn quota_error(bucket: Bucket) -> ApiError {
    let (metric, limit, quota_metric) = bucket.names();
    let window = if bucket.per_day() {
        "per day per user"
    } else {
        "per minute per user"
    };
    let mut e = ApiError::new(
        429,
        "RESOURCE_EXHAUSTED",
        format!(
            "Quota exceeded for quota metric '{metric}' and limit '{metric} {window}' of service 'people.googleapis.com' for consumer 'project_number:{PROJECT_NUMBER}'."
        ),
    )
    .with_reason("RATE_LIMIT_EXCEEDED", PLATFORM_DOMAIN);
    if let Some(info) = e.info.as_mut() {
        info.metadata.insert("quota_limit".into(), limit.into());
        info.metadata
            .insert("service".into(), "people.googleapis.com".into());
        info.metadata
            .insert("quota_metric".into(), quota_metric.into());
        info.metadata
            .insert("consumer".into(), format!("projects/{PROJECT_NUMBER}"));
    }
    e
}

/// Fixed per-minute (and per-day) windows of emulator time.
#[derive(Debug, Default)]
pub(crate) struct QuotaState {
    minute: i64,
    used: [u64; 7],
    day: i64,
    daily: u64,
}

impl QuotaState {
    /// Takes `costs` from the buckets, or names the first bucket that lacks room (taking nothing).
    pub fn take(&mut self, now: i64, q: &Quotas, costs: &[(Bucket, u32)]) -> Result<(), Bucket> {
        let minute = now.div_euclid(60_000_000);
        let day = now.div_euclid(86_400_000_000);
        if minute != self.minute {
            self.minute = minute;
            self.used = [0; 7];
        }
        if day != self.day {
            self.day = day;
            self.daily = 0;
        }
        for (b, n) in costs {
            let used = if b.per_day() {
                self.daily
            } else {
                self.used[b.index()]
            };
            if used + u64::from(*n) > u64::from(b.limit(q)) {
                return Err(*b);
            }
        }
        for (b, n) in costs {
            if b.per_day() {
                self.daily += u64::from(*n);
            } else {
                self.used[b.index()] += u64::from(*n);
            }
        }
        Ok(())
    }
}

/// A contact group of one account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Group {
    pub id: String,
    pub system: bool,
    pub name: String,
    pub formatted_name: String,
    pub client_data: Vec<Value>,
    pub etag: String,
    pub update_time: i64,
    pub seq: u64,
    pub order: u64,
    pub members: BTreeSet<u64>,
}

/// The system groups of a Google account, as a real contactGroups.list shows them.
pub(crate) const SYSTEM_GROUPS: [(&str, &str); 8] = [
    ("myContacts", "My Contacts"),
    ("starred", "Starred"),
    ("friends", "Friends"),
    ("family", "Family"),
    ("coworkers", "Coworkers"),
    ("chatBuddies", "Chat contacts"),
    ("all", "All Contacts"),
    ("blocked", "Blocked"),
];

/// Groups that accept new members (besides user groups).
pub(crate) const ADDABLE_SYSTEM_GROUPS: [&str; 2] = ["myContacts", "starred"];

/// An uploaded photo.
#[derive(Debug, Clone)]
pub(crate) struct StoredPhoto {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// One Google account.
#[derive(Debug)]
pub(crate) struct Account {
    pub index: usize,
    pub config: AccountConfig,
    pub seq: u64,
    pub counter: u64,
    pub contacts: Book,
    pub other: Book,
    pub directory: Book,
    pub groups: BTreeMap<String, Group>,
    /// Deleted user groups: id → (seq, etag).
    pub deleted_groups: BTreeMap<String, (u64, String)>,
    pub photos: HashMap<String, StoredPhoto>,
    pub quota: QuotaState,
    /// Built from the seed rather than restored from a state file.
    pub seeded: bool,
}

impl Account {
    pub fn new(index: usize, config: AccountConfig, now: i64) -> Account {
        let mut groups = BTreeMap::new();
        for (order, (id, formatted)) in SYSTEM_GROUPS.iter().enumerate() {
            groups.insert(
                (*id).to_owned(),
                Group {
                    id: (*id).to_owned(),
                    system: true,
                    name: (*id).to_owned(),
                    formatted_name: (*formatted).to_owned(),
                    client_data: Vec::new(),
                    etag: String::new(),
                    update_time: now,
                    seq: 0,
                    order: order as u64,
                    members: BTreeSet::new(),
                },
            );
        }
        Account {
            index,
            config,
            seq: 0,
            counter: 0,
            contacts: Book::default(),
            other: Book::default(),
            directory: Book::default(),
            groups,
            deleted_groups: BTreeMap::new(),
            photos: HashMap::new(),
            quota: QuotaState::default(),
            seeded: false,
        }
    }

    /// A fresh number, unique within the account and random-looking.
    pub fn fresh(&mut self) -> u64 {
        self.counter += 1;
        mix(self.counter ^ ((self.index as u64) << 48))
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A new contact id (the digits of `people/c<digits>`), never used before in this account.
    pub fn new_contact_id(&mut self) -> u64 {
        loop {
            let id = self.fresh() >> 1;
            if self.contacts.get(id).is_none() && self.contacts.tombstone(id).is_none() {
                return id;
            }
        }
    }

    /// `#Zm4YfTizA7M=`-style source etag.
    pub fn source_etag(&mut self) -> String {
        format!("#{}", STANDARD.encode(self.fresh().to_be_bytes()))
    }

    /// `%EigB…=`-style person etag.
    pub fn person_etag(&mut self) -> String {
        let mut bytes = vec![0x12, 0x28, 0x01];
        bytes.extend_from_slice(&self.fresh().to_be_bytes());
        bytes.extend_from_slice(&self.fresh().to_be_bytes());
        format!("%{}", STANDARD.encode(bytes))
    }

    /// `PFIeYqMwVSs=`-style group etag.
    pub fn group_etag(&mut self) -> String {
        STANDARD.encode(self.fresh().to_be_bytes())
    }

    pub fn profile_resource_name(&self) -> String {
        format!(
            "people/1{:019}",
            mix(self.index as u64 + 7) % 10_000_000_000_000_000_000
        )
    }

    /// The account's own profile, for `people/me`.
    pub fn profile(&self) -> Json {
        let id = self
            .profile_resource_name()
            .trim_start_matches("people/")
            .to_owned();
        let local = self.config.email.split('@').next().unwrap_or("user");
        let given = {
            let mut c = local.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        let src = source_ref("PROFILE", &id);
        let mut p = Json::new();
        p.insert("resourceName".into(), json!(format!("people/{id}")));
        p.insert(
            "etag".into(),
            json!(format!("%{}", STANDARD.encode(id.as_bytes()))),
        );
        p.insert(
            "metadata".into(),
            json!({"sources": [{"type": "PROFILE", "id": id, "etag": format!("#{}", STANDARD.encode(&id.as_bytes()[..8.min(id.len())]))}], "objectType": "PERSON"}),
        );
        p.insert(
            "names".into(),
            json!([{"metadata": {"primary": true, "source": src}, "displayName": given, "givenName": given, "displayNameLastFirst": given, "unstructuredName": given}]),
        );
        p.insert(
            "emailAddresses".into(),
            json!([{"metadata": {"primary": true, "verified": true, "source": src}, "value": self.config.email}]),
        );
        p
    }

    /// Stores `fields` (normalized writable fields) as the new version of contact `id`.
    /// Memberships in `fields` must already be valid.
    pub fn write_contact(
        &mut self,
        id: u64,
        mut fields: Json,
        photo: Option<String>,
        now: i64,
        visible_at: i64,
    ) -> &Entry {
        let seq = self.next_seq();
        let sid = contact_source_id(id);
        let etag = self.person_etag();
        let source_etag = self.source_etag();
        fields.insert("resourceName".into(), json!(format!("people/c{id}")));
        fields.insert("etag".into(), json!(etag));
        fields.insert(
            "metadata".into(),
            json!({"sources": [{"type": "CONTACT", "id": sid, "etag": source_etag, "updateTime": rfc3339(now)}], "objectType": "PERSON"}),
        );
        let groups = membership_ids(&fields);
        if let Some(old) = self.contacts.get(id) {
            for g in old.groups.clone() {
                if let Some(group) = self.groups.get_mut(&g) {
                    group.members.remove(&id);
                }
            }
        }
        for g in &groups {
            if let Some(group) = self.groups.get_mut(g) {
                group.members.insert(id);
            }
        }
        let entry = Entry {
            person: fields,
            seq,
            photo,
            groups,
        };
        self.contacts.upsert(id, entry, visible_at);
        self.contacts.get(id).expect("just stored")
    }

    /// Deletes contact `id`, leaving a tombstone for sync requests.
    pub fn delete_contact(&mut self, id: u64, visible_at: i64) -> bool {
        let Some(old) = self.contacts.get(id) else {
            return false;
        };
        let groups = old.groups.clone();
        let photo = old.photo.clone();
        for g in groups {
            if let Some(group) = self.groups.get_mut(&g) {
                group.members.remove(&id);
            }
        }
        if let Some(p) = photo {
            self.photos.remove(&p);
        }
        let seq = self.next_seq();
        let etag = self.person_etag();
        let sid = contact_source_id(id);
        let mut t = Json::new();
        t.insert("resourceName".into(), json!(format!("people/c{id}")));
        t.insert("etag".into(), json!(etag));
        t.insert(
            "metadata".into(),
            json!({"sources": [{"type": "CONTACT", "id": sid}], "deleted": true, "objectType": "PERSON"}),
        );
        self.contacts.remove(id, seq, t, visible_at);
        true
    }

    /// A writable copy of a stored contact's fields (without resourceName, etag, metadata).
    pub fn writable_fields(entry: &Entry) -> Json {
        let mut f = entry.person.clone();
        f.remove("resourceName");
        f.remove("etag");
        f.remove("metadata");
        f
    }

    /// Replaces the memberships of contact `id` with `groups` and stores a new version.
    pub fn set_memberships(&mut self, id: u64, groups: &[String], now: i64, visible_at: i64) {
        let Some(entry) = self.contacts.get(id) else {
            return;
        };
        let photo = entry.photo.clone();
        let mut fields = Account::writable_fields(entry);
        let items: Vec<Value> = groups
            .iter()
            .map(|g| json!({"contactGroupMembership": {"contactGroupResourceName": format!("contactGroups/{g}")}}))
            .collect();
        let src = source_ref("CONTACT", &contact_source_id(id));
        match normalize_items("memberships", &items, &src) {
            Ok(items) if !items.is_empty() => {
                fields.insert("memberships".into(), Value::Array(items));
            }
            _ => {
                fields.remove("memberships");
            }
        }
        self.write_contact(id, fields, photo, now, visible_at);
    }

    /// Member count of a group (`all` counts every contact).
    pub fn member_count(&self, group: &Group) -> usize {
        if group.id == "all" {
            self.contacts.len()
        } else {
            group.members.len()
        }
    }

    /// Finds a user group by its name.
    pub fn group_by_name(&self, name: &str) -> Option<&Group> {
        self.groups.values().find(|g| !g.system && g.name == name)
    }

    /// Creates a user group.
    pub fn create_group(&mut self, name: &str, client_data: Vec<Value>, now: i64) -> String {
        let id = loop {
            let id = format!("{:x}", self.fresh());
            if !self.groups.contains_key(&id) && !self.deleted_groups.contains_key(&id) {
                break id;
            }
        };
        self.create_group_with_id(&id, name, client_data, now);
        id
    }

    pub fn create_group_with_id(
        &mut self,
        id: &str,
        name: &str,
        client_data: Vec<Value>,
        now: i64,
    ) {
        let seq = self.next_seq();
        let etag = self.group_etag();
        let order = 100 + seq;
        self.groups.insert(
            id.to_owned(),
            Group {
                id: id.to_owned(),
                system: false,
                name: name.to_owned(),
                formatted_name: name.to_owned(),
                client_data,
                etag,
                update_time: now,
                seq,
                order,
                members: BTreeSet::new(),
            },
        );
    }
}

/// The 16-hex-digit CONTACT source id of a contact.
pub(crate) fn contact_source_id(id: u64) -> String {
    format!("{:016x}", mix(id ^ 0x5eed))
}

/// Parses `people/c<digits>` into the contact id.
pub(crate) fn parse_contact_name(resource: &str) -> Option<u64> {
    resource.strip_prefix("people/c")?.parse().ok()
}

/// Group ids of a person's memberships.
pub(crate) fn membership_ids(person: &Json) -> Vec<String> {
    let mut ids: Vec<String> = person
        .get("memberships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            m.pointer("/contactGroupMembership/contactGroupResourceName")?
                .as_str()?
                .strip_prefix("contactGroups/")
                .map(str::to_owned)
        })
        .collect();
    ids.dedup();
    ids
}

/// How long the tombstone of a deleted shared contact is kept (Google keeps them 30 days).
pub(crate) const SHARED_TOMBSTONE_MICROS: i64 = 30 * 86_400_000_000;

/// One shared contact of a Workspace domain (the Domain Shared Contacts API).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedContact {
    /// What the client wrote, without what the server sets (id, etag, times, self and edit
    /// links, the kind category, the title); empty for a tombstone.
    pub entry: gdata::Entry,
    /// `"…."`-style etag, new on every write.
    pub etag: String,
    /// Emulator time (µs) of the last write: `updated`, `app:edited`, and the edit link's version.
    pub updated: i64,
    pub deleted: bool,
}

/// The shared contacts of one Workspace domain: one store for all accounts of the domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SharedBook {
    /// By contact id (16 hex digits).
    pub contacts: BTreeMap<String, SharedContact>,
    /// Feeds ids and etags.
    pub counter: u64,
}

impl SharedBook {
    fn fresh(&mut self, domain: &str) -> u64 {
        self.counter += 1;
        let salt = domain.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        mix(self.counter ^ salt)
    }

    /// A contact id never used before in this book.
    pub fn new_id(&mut self, domain: &str) -> String {
        loop {
            let id = format!("{:016x}", self.fresh(domain));
            if !self.contacts.contains_key(&id) {
                return id;
            }
        }
    }

    /// A quoted etag, as the Contacts API sends them (`"SXk6cDdXKit7I2A9WhFSEU0KRwE."`).
    pub fn new_etag(&mut self, domain: &str) -> String {
        let mut bytes = self.fresh(domain).to_be_bytes().to_vec();
        bytes.extend_from_slice(&mix(self.counter).to_be_bytes()[..4]);
        format!("\"{}.\"", STANDARD.encode(bytes))
    }
}

/// Everything the emulator holds, behind the [`crate::Emulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub accounts: Vec<Mutex<Account>>,
    /// The shared contacts, by Workspace domain (lowercase).
    pub shared_contacts: Mutex<BTreeMap<String, SharedBook>>,
    pub by_token: HashMap<String, usize>,
    pub quotas: Mutex<Quotas>,
    pub faults: Mutex<FaultSpec>,
    pub sync_delay: Duration,
    pub clock: Clock,
    pub stats: Mutex<Stats>,
    pub rng: Mutex<rand::rngs::StdRng>,
    /// Where the state is saved, if anywhere.
    pub persistence: Option<Persistence>,
    /// The OAuth codes handed out by the consent page.
    pub grants: Mutex<crate::oauth::Grants>,
}

/// The state file and the bookkeeping of its debounced writes.
#[derive(Debug)]
pub(crate) struct Persistence {
    pub path: std::path::PathBuf,
    /// Set by every change, cleared by the save that captures it.
    pub dirty: std::sync::atomic::AtomicBool,
    /// Wakes the saver task.
    pub wake: tokio::sync::Notify,
    /// One save at a time (a later save must not be overtaken by an earlier one's rename).
    pub writing: Mutex<()>,
}

impl Shared {
    pub fn visible_at(&self, now: i64) -> i64 {
        now + i64::try_from(self.sync_delay.as_micros()).unwrap_or(i64::MAX / 4)
    }
}
