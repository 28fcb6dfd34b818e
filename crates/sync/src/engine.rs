//! The executor: gathers the store's and Google's state, plans, guards, executes, records.
//!
//! One [`SyncEngine`] serves one bridge user (one Google account). [`SyncEngine::sync_once`] runs
//! one round: list Google's changes (incremental, or a full listing on the first run, on an
//! expired token, when the periodic reconcile is due, or while a create's outcome is unknown),
//! read the store, [`plan`](crate::plan::plan), refuse mass deletes unless forced, then execute:
//! the client's group changes, Google's changes, merges, and the client's pushes. Every change
//! that came from Google goes through `Store::apply_remote` with the card's etag as read, so a
//! client write that lands meanwhile is never overwritten (it is merged in the next round).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use people::{ContactGroup, Person, PersonField};
use store::{BookName, CardMeta, GoogleLink, GroupRecord, OutboxOp, RemoteChange, Store};
use tokio::sync::Mutex;
use tracing::{debug, info, warn};
use vcard_map::{GroupTable, Version};

use crate::api::{ApiError, ApiErrorKind, GroupWithMembers, Listing, MY_CONTACTS, PeopleApi};
use crate::merge::{self, ConflictPolicy, WriteTimes};
use crate::plan::{
    self, Direction, GroupCardEdit, LinkRef, LocalCard, LocalGroup, LocalState, Op, OutboxItem,
    Plan, RemoteGroup, RemotePerson, RemoteView,
};
use crate::status::SyncStatus;

/// The clientData key vcard-map keeps the card UID under.
pub const UID_KEY: &str = vcard_map::UID_KEY;

const META_TOKEN_CONTACTS: &str = "sync.token.contacts";
const META_TOKEN_OTHER: &str = "sync.token.other";
const META_TOKEN_DIRECTORY: &str = "sync.token.directory";
const META_LAST_FULL: &str = "sync.last_full";
const META_PENDING_CREATES: &str = "sync.pending_creates";

/// UID → the person sent, for creates whose answer may have been lost.
type PendingCreates = BTreeMap<String, Option<Person>>;

const META_UNCONFIRMED: &str = "sync.unconfirmed_updates";

/// An update sent whose answer never came: Google may hold it or not.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Unconfirmed {
    resource: String,
    /// The JSON keys of the fields sent.
    fields: Vec<String>,
    sent: Person,
}

/// href → the update whose answer was lost.
type UnconfirmedUpdates = BTreeMap<String, Unconfirmed>;

/// How one engine behaves.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The bridge user whose books this engine syncs.
    pub user: String,
    pub conflict_policy: ConflictPolicy,
    /// The share of a book one sync may delete without `force` (0.5 = half).
    pub mass_delete_share: f64,
    /// Books of at most this many cards are not guarded.
    pub mass_delete_min: usize,
    /// How often a full listing reconciles what incremental sync may have missed.
    pub full_reconcile_every: Duration,
    /// Whether Google's "other contacts" are pulled into the read-only `other` book.
    pub other_contacts: bool,
    /// Whether the Workspace domain directory is pulled into the read-only `directory` book.
    pub directory: bool,
    /// The read-write book mirrored both ways: `contacts` (My Contacts), or `shared` for the
    /// engine of a domain's shared contacts (whose API has no groups, other contacts or
    /// directory).
    pub book: BookName,
}

impl EngineConfig {
    /// The defaults: newest write wins, 50 % of books over 10 cards guarded, daily reconcile.
    pub fn new(user: impl Into<String>) -> EngineConfig {
        EngineConfig {
            user: user.into(),
            conflict_policy: ConflictPolicy::default(),
            mass_delete_share: 0.5,
            mass_delete_min: 10,
            full_reconcile_every: Duration::from_secs(24 * 3600),
            other_contacts: true,
            directory: false,
            book: BookName::Contacts,
        }
    }
}

/// Options of one round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Plan only; change nothing on either side.
    pub dry_run: bool,
    /// Propagate deletes even past the mass-delete guard.
    pub force: bool,
}

/// What one round did (or, for a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub plans: Vec<Plan>,
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    pub pulled: usize,
    pub removed: usize,
    pub merged: usize,
    pub linked: usize,
    pub group_ops: usize,
    /// Overlapping edits and how they were resolved, one line each.
    pub conflicts: Vec<String>,
    /// Changes Google refused for good (kept in the store, not retried), one line each.
    pub rejected: Vec<String>,
    /// Cards whose update lost its answer: put back in the outbox for the next round, which
    /// finds out whether the update landed.
    pub requeued: Vec<String>,
}

impl SyncReport {
    /// The counts line of a round that changed something, or `None` for a quiet round.
    pub fn summary(&self) -> Option<String> {
        let counts = [
            (self.created, "created"),
            (self.updated, "updated"),
            (self.deleted, "deleted in google"),
            (self.pulled, "pulled"),
            (self.removed, "removed locally"),
            (self.merged, "merged"),
            (self.group_ops, "group changes"),
            (self.requeued.len(), "to retry (answer lost)"),
        ];
        let parts: Vec<String> = counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for plan in &self.plans {
            write!(f, "{plan}")?;
        }
        if self.dry_run {
            return writeln!(f, "dry run: nothing changed");
        }
        writeln!(
            f,
            "pushed {} created, {} updated, {} deleted; pulled {} upserted, {} deleted; {} merged, {} linked, {} group changes",
            self.created,
            self.updated,
            self.deleted,
            self.pulled,
            self.removed,
            self.merged,
            self.linked,
            self.group_ops
        )?;
        for c in &self.conflicts {
            writeln!(f, "conflict: {c}")?;
        }
        for r in &self.rejected {
            writeln!(f, "rejected: {r}")?;
        }
        for href in &self.requeued {
            writeln!(f, "answer lost, retried next round: {href}")?;
        }
        Ok(())
    }
}

/// What a caller branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncErrorKind {
    /// The round would delete too much; rerun with `force` after checking.
    MassDelete,
    /// Google failed; the inner kind says how.
    Google(ApiErrorKind),
    /// The store failed.
    Store,
}

/// A failed round. Nothing is lost: what was not done is planned again next round.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "refusing to delete {deletes} of {total} cards of {book} in {direction} (more than the configured share); check and rerun with --force"
    )]
    MassDelete {
        book: String,
        direction: &'static str,
        deletes: usize,
        total: usize,
    },
    #[error("google: {0}")]
    Google(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] store::StoreError),
}

impl SyncError {
    pub fn kind(&self) -> SyncErrorKind {
        match self {
            SyncError::MassDelete { .. } => SyncErrorKind::MassDelete,
            SyncError::Google(e) => SyncErrorKind::Google(e.kind),
            SyncError::Store(_) => SyncErrorKind::Store,
        }
    }

    /// Whether retrying later is the remedy (the background task backs off).
    pub fn is_temporary(&self) -> bool {
        matches!(self, SyncError::Google(e) if e.kind.is_temporary())
    }

    /// Whether Google took a write but its answer was lost: Google is up, the next round
    /// settles the write, and there is no reason to wait longer and longer.
    pub fn is_lost_answer(&self) -> bool {
        matches!(self, SyncError::Google(e) if e.kind == ApiErrorKind::OutcomeUnknown)
    }
}

/// From this many client edits in a round on, they go to Google as `batchUpdateContacts` (200 a
/// call, 6 quota units each) rather than one `updateContact` (1 unit) each.
const BATCH_UPDATE_MIN: usize = 6;

/// The sync engine of one bridge user.
pub struct SyncEngine<A> {
    store: Store,
    api: A,
    config: EngineConfig,
    round: Mutex<()>,
}

/// The store's side of one book, as read at the start of a round.
#[derive(Default)]
struct Snapshot {
    metas: BTreeMap<String, CardMeta>,
    links: BTreeMap<String, GoogleLink>,
    local: LocalState,
    /// Persons of the cards among the outbox's puts (non-group).
    ours: BTreeMap<String, Person>,
}

/// Google's side of one book.
struct RemoteSide {
    persons: BTreeMap<String, Person>,
    view: RemoteView,
    token: Option<String>,
    full: bool,
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn google_time(person: &Person) -> Option<i64> {
    let t = person.contact_source()?.update_time.as_deref()?;
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.timestamp())
}

fn remote_person(p: &Person) -> Option<RemotePerson> {
    Some(RemotePerson {
        resource_name: p.resource_name.clone()?,
        etag: person_etag(p),
        uid: p.client_data(UID_KEY).map(str::to_owned),
    })
}

/// The etag updates are checked against: the CONTACT source's, else the person's.
fn person_etag(p: &Person) -> String {
    p.etag
        .clone()
        .or_else(|| p.contact_source().and_then(|s| s.etag.clone()))
        .unwrap_or_default()
}

/// Whether `now` differs from `then` in what the contact says. Labels do not count: a label
/// change is no edit that beats a delete on the other side.
fn edited_beyond_labels(then: &Person, now: &Person, table: &GroupTable) -> bool {
    let (mut then, mut now) = (normalized(then, table), normalized(now, table));
    then.memberships.clear();
    now.memberships.clear();
    !merge::changed_fields(&then, &now).is_empty()
}

/// The UIDs a group card lists (`MEMBER` / `X-ADDRESSBOOKSERVER-MEMBER`, `urn:uuid:` or bare).
fn member_uids(card: &vcard_map::Card) -> Vec<String> {
    card.properties()
        .into_iter()
        .filter(|p| p.name == "MEMBER" || p.name == "X-ADDRESSBOOKSERVER-MEMBER")
        .map(|p| {
            p.value
                .strip_prefix("urn:uuid:")
                .unwrap_or(&p.value)
                .to_owned()
        })
        .collect()
}

fn base_of(link: &GoogleLink) -> Person {
    serde_json::from_slice(&link.base).unwrap_or_default()
}

/// Escapes a vCard text value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn group_uid(resource: &str) -> String {
    format!("group-{}", resource.rsplit('/').next().unwrap_or(resource))
}

impl<A: PeopleApi> SyncEngine<A> {
    pub fn new(store: Store, api: A, config: EngineConfig) -> SyncEngine<A> {
        SyncEngine {
            store,
            api,
            config,
            round: Mutex::new(()),
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn user(&self) -> &str {
        &self.config.user
    }

    fn book(&self) -> BookName {
        self.config.book
    }

    fn meta_string(&self, key: &str) -> Result<Option<String>, SyncError> {
        Ok(self
            .store
            .meta(self.user(), key)?
            .and_then(|v| String::from_utf8(v).ok()))
    }

    /// Creates sent whose answer may have been lost: UID → the person sent (the base of a
    /// merge when the create turns up in Google). Older stores kept only the UIDs.
    fn pending_creates(&self) -> Result<PendingCreates, SyncError> {
        let Some(bytes) = self.store.meta(self.user(), META_PENDING_CREATES)? else {
            return Ok(PendingCreates::new());
        };
        if let Ok(map) = serde_json::from_slice::<PendingCreates>(&bytes) {
            return Ok(map);
        }
        let uids: BTreeSet<String> = serde_json::from_slice(&bytes).unwrap_or_default();
        Ok(uids.into_iter().map(|u| (u, None)).collect())
    }

    fn set_pending_creates(&self, pending: &PendingCreates) -> Result<(), SyncError> {
        let bytes = serde_json::to_vec(pending).unwrap_or_default();
        self.store
            .set_meta(self.user(), META_PENDING_CREATES, &bytes)?;
        Ok(())
    }

    fn unconfirmed(&self) -> Result<UnconfirmedUpdates, SyncError> {
        Ok(self
            .store
            .meta(self.user(), META_UNCONFIRMED)?
            .and_then(|v| serde_json::from_slice(&v).ok())
            .unwrap_or_default())
    }

    fn set_unconfirmed(&self, pending: &UnconfirmedUpdates) -> Result<(), SyncError> {
        let bytes = serde_json::to_vec(pending).unwrap_or_default();
        self.store.set_meta(self.user(), META_UNCONFIRMED, &bytes)?;
        Ok(())
    }

    /// `updateContact`, remembered (durably) until its answer comes: when the answer is lost,
    /// the next round recognises the write as ours instead of as an edit made in Google.
    async fn update_person(
        &self,
        href: &str,
        update: &Person,
        mask: &[PersonField],
    ) -> Result<Result<Person, ApiError>, SyncError> {
        self.remember_updates(&[(href, update, mask)])?;
        let result = self.api.update(update, mask).await;
        if matches!(&result, Err(e) if e.kind != ApiErrorKind::OutcomeUnknown) {
            self.confirm(href)?;
        }
        Ok(result)
    }

    /// Records updates about to be sent (durably), so that a lost answer is recognised later.
    fn remember_updates(
        &self,
        updates: &[(&str, &Person, &[PersonField])],
    ) -> Result<(), SyncError> {
        let mut all = self.unconfirmed()?;
        for (href, update, mask) in updates {
            all.insert(
                (*href).to_owned(),
                Unconfirmed {
                    resource: update.resource_name.clone().unwrap_or_default(),
                    fields: mask.iter().map(|f| f.as_str().to_owned()).collect(),
                    sent: (*update).clone(),
                },
            );
        }
        self.set_unconfirmed(&all)?;
        self.store.flush()?;
        Ok(())
    }

    /// Forgets the update of `href` once Google's answer is stored (not before: a crash in
    /// between must still find the record).
    fn confirm(&self, href: &str) -> Result<(), SyncError> {
        self.confirm_all(&[href])
    }

    /// [`Self::confirm`] for many updates, in one rewrite of the record.
    fn confirm_all(&self, hrefs: &[&str]) -> Result<(), SyncError> {
        if hrefs.is_empty() {
            return Ok(());
        }
        let mut all = self.unconfirmed()?;
        let before = all.len();
        for href in hrefs {
            all.remove(*href);
        }
        if all.len() != before {
            self.set_unconfirmed(&all)?;
        }
        Ok(())
    }

    /// Updates whose answer was lost, against what Google lists now. Where Google holds what
    /// was sent, the write landed: the merge base moves to it, and if nothing else changed the
    /// person is ours again (no pull, no merge, no resurrection of a card the client deleted).
    fn settle_unconfirmed(&self, remote: &RemoteSide, table: &GroupTable) -> Result<(), SyncError> {
        let pending = self.unconfirmed()?;
        if pending.is_empty() {
            return Ok(());
        }
        for (href, u) in &pending {
            let Some(google) = remote.persons.get(&u.resource) else {
                continue;
            };
            let Some(link) = self.store.link(self.user(), self.book(), href)? else {
                continue;
            };
            if link.resource_name != u.resource || person_etag(google) == link.person_etag {
                continue;
            }
            let google_n = normalized(google, table);
            let sent_n = normalized(&u.sent, table);
            // An update lands whole or not at all: a field it changed that Google holds as
            // sent shows that it landed, and the other fields it set that differ now were
            // edited in Google since (theirs, to be pulled, not a conflict with our own write).
            let differing = merge::changed_fields(&sent_n, &google_n);
            let landed = merge::changed_fields(&normalized(&base_of(&link), table), &sent_n)
                .iter()
                .filter(|f| u.fields.iter().any(|k| k == f.as_str()))
                .any(|f| !differing.contains(f));
            if !landed {
                continue;
            }
            let mut corrected = with_fields(
                &base_of(&link),
                &u.sent,
                u.fields.iter().map(String::as_str),
            );
            // Google's bookkeeping (the update time a card's REV comes from) is Google's.
            corrected.metadata = google.metadata.clone();
            let echo = merge::changed_fields(&normalized(&corrected, table), &google_n).is_empty();
            let link = if echo {
                GoogleLink {
                    resource_name: link.resource_name,
                    person_etag: person_etag(google),
                    base: serde_json::to_vec(google).unwrap_or_default(),
                }
            } else {
                GoogleLink {
                    base: serde_json::to_vec(&corrected).unwrap_or_default(),
                    ..link
                }
            };
            debug!(href, echo, "an update whose answer was lost had landed");
            self.store.set_link(self.user(), self.book(), href, link)?;
        }
        self.set_unconfirmed(&UnconfirmedUpdates::new())?;
        Ok(())
    }

    /// A card the client deleted whose person's etag moved on without a change to what the
    /// card holds (an answer of ours that was lost and not recognised, or a label change —
    /// ours through a group card, or another device's): nothing the contact says would be lost
    /// by the delete, so the person counts as unedited and the delete goes through, instead of
    /// "edited in Google since" bringing the card back.
    fn delete_unedited(
        &self,
        snap: &mut Snapshot,
        remote: &RemoteSide,
        table: &GroupTable,
    ) -> Result<(), SyncError> {
        for (href, l) in snap.local.deleted_links.iter_mut() {
            let Some(google) = remote.persons.get(&l.resource_name) else {
                continue;
            };
            let etag = person_etag(google);
            if etag == l.person_etag {
                continue;
            }
            let Some(link) = self.store.link(self.user(), self.book(), href)? else {
                continue;
            };
            if !edited_beyond_labels(&base_of(&link), google, table) {
                debug!(
                    href,
                    "deleted card: google's person is unchanged, deleting it"
                );
                l.person_etag = etag;
            }
        }
        Ok(())
    }

    /// A create whose answer was lost makes a person the client may delete before the next
    /// round; the planner then deletes it in Google too. Unless it was edited in Google since
    /// (edits beat deletes): such creates are taken out of the planner's pending set, so the
    /// person is pulled like any other.
    fn keep_edited_creates(
        &self,
        snap: &mut Snapshot,
        remote: &RemoteSide,
        table: &GroupTable,
    ) -> Result<(), SyncError> {
        if snap.local.pending_creates.is_empty() {
            return Ok(());
        }
        let pending = self.pending_creates()?;
        for google in remote.persons.values() {
            let Some(uid) = google.client_data(UID_KEY) else {
                continue;
            };
            let Some(sent) = pending.get(uid) else {
                continue;
            };
            let edited = sent.as_ref().is_some_and(|sent| {
                // Google's bookkeeping aside.
                let mut sent = sent.clone();
                sent.metadata = google.metadata.clone();
                edited_beyond_labels(&sent, google, table)
            });
            if edited {
                snap.local.pending_creates.remove(uid);
            }
        }
        Ok(())
    }

    /// One round in both directions. Rounds of one engine never overlap. The outcome of a real
    /// (not dry) round is recorded in the user's [`SyncStatus`].
    pub async fn sync_once(&self, opts: SyncOptions) -> Result<SyncReport, SyncError> {
        let _round = self.round.lock().await;
        if opts.dry_run {
            return self.round(opts).await;
        }
        let started = now_unix();
        let clock = std::time::Instant::now();
        let outcome = self.round(opts).await;
        let elapsed = clock.elapsed().as_millis() as u64;
        let mut status = SyncStatus::read(&self.store, self.user())?;
        status.record(started, elapsed, &outcome);
        status.save(&self.store, self.user())?;
        self.store.flush()?;
        outcome
    }

    async fn round(&self, opts: SyncOptions) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport {
            dry_run: opts.dry_run,
            ..SyncReport::default()
        };

        let groups = self.api.groups().await?;
        let table = self.group_table(&groups)?;
        let remote = self.list_contacts().await?;
        if !opts.dry_run {
            self.settle_unconfirmed(&remote, &table)?;
        }
        let mut snapshot = self.snapshot(self.book(), &table)?;
        let uncertain = snapshot.local.pending_creates.clone();
        self.keep_edited_creates(&mut snapshot, &remote, &table)?;
        self.delete_unedited(&mut snapshot, &remote, &table)?;
        let remote_groups = Some(
            groups
                .iter()
                .filter_map(|g| {
                    Some(RemoteGroup {
                        resource_name: g.group.resource_name.clone()?,
                        name: g.group.name.clone().unwrap_or_default(),
                        etag: g.group.etag.clone().unwrap_or_default(),
                        members: g.members.clone(),
                    })
                })
                .collect(),
        );
        let plan = plan::plan(
            self.book().as_str(),
            &snapshot.local,
            &remote.view,
            &remote_groups,
        );
        self.guard(&plan, opts)?;

        let mut read_only = Vec::new();
        for (book, enabled) in [
            (BookName::Other, self.config.other_contacts),
            (BookName::Directory, self.config.directory),
        ] {
            if enabled {
                read_only.push(self.plan_read_only(book, opts).await?);
            }
        }

        if opts.dry_run {
            report.plans.push(plan);
            report.plans.extend(read_only.into_iter().map(|(p, ..)| p));
            return Ok(report);
        }

        self.execute(&plan, &snapshot, &remote, &groups, &mut report)
            .await?;
        if remote.full && !uncertain.is_empty() {
            // Whatever of the uncertain creates a full listing did not show never landed: the
            // cards that still exist were created again in this round.
            let mut pending = self.pending_creates()?;
            pending.retain(|uid, _| !uncertain.contains(uid));
            self.set_pending_creates(&pending)?;
        }
        if let Some(upto) = plan.outbox_upto {
            self.store.outbox_ack(self.user(), upto)?;
        }
        if let Some(token) = &remote.token {
            self.store
                .set_meta(self.user(), META_TOKEN_CONTACTS, token.as_bytes())?;
        }
        if remote.full {
            self.store.set_meta(
                self.user(),
                META_LAST_FULL,
                now_unix().to_string().as_bytes(),
            )?;
        }
        report.plans.push(plan);

        for (plan, snap, remote, book) in read_only {
            let table = GroupTable::default();
            self.execute_pulls(book, &plan, &snap, &remote, &table, &mut report)?;
            if let Some(token) = &remote.token {
                self.store
                    .set_meta(self.user(), read_only_token_key(book), token.as_bytes())?;
            }
            report.plans.push(plan);
        }
        self.store.flush()?;
        info!(user = self.user(), "{}", report.to_string().trim_end());
        Ok(report)
    }

    fn guard(&self, plan: &Plan, opts: SyncOptions) -> Result<(), SyncError> {
        if opts.force {
            return Ok(());
        }
        match plan.mass_delete(self.config.mass_delete_share, self.config.mass_delete_min) {
            Some(m) => Err(SyncError::MassDelete {
                book: plan.book.clone(),
                direction: match m.direction {
                    Direction::Push => "google",
                    Direction::Pull => "the store",
                },
                deletes: m.deletes,
                total: m.total,
            }),
            None => Ok(()),
        }
    }

    fn group_table(&self, groups: &[GroupWithMembers]) -> Result<GroupTable, SyncError> {
        Ok(GroupTable::new(groups.iter().filter_map(|g| {
            Some((g.group.resource_name.clone()?, g.group.name.clone()?))
        })))
    }

    async fn list_contacts(&self) -> Result<RemoteSide, SyncError> {
        let token = self.meta_string(META_TOKEN_CONTACTS)?;
        let last_full: Option<i64> = self
            .meta_string(META_LAST_FULL)?
            .and_then(|s| s.parse().ok());
        let due = last_full
            .is_none_or(|t| now_unix() - t >= self.config.full_reconcile_every.as_secs() as i64);
        let uncertain = !self.pending_creates()?.is_empty();
        let listing = match token.as_deref() {
            Some(t) if !due && !uncertain => match self.api.connections(Some(t)).await {
                Err(e) if e.kind == ApiErrorKind::ExpiredSyncToken => {
                    info!(user = self.user(), "sync token expired, listing everything");
                    None
                }
                other => Some(other?),
            },
            _ => None,
        };
        Ok(match listing {
            Some(l) => side(l, false),
            None => side(self.api.connections(None).await?, true),
        })
    }

    /// Lists one read-only book (`other` or `directory`) and plans pulling it into the store.
    async fn plan_read_only(
        &self,
        book: BookName,
        opts: SyncOptions,
    ) -> Result<(Plan, Snapshot, RemoteSide, BookName), SyncError> {
        let token = self.meta_string(read_only_token_key(book))?;
        let listing = match token.as_deref() {
            Some(t) => match self.list_read_only(book, Some(t)).await {
                Err(e) if e.kind == ApiErrorKind::ExpiredSyncToken => {
                    info!(
                        user = self.user(),
                        book = book.as_str(),
                        "sync token expired, listing everything"
                    );
                    None
                }
                other => Some(other?),
            },
            None => None,
        };
        let remote = match listing {
            Some(l) => side(l, false),
            None => side(self.list_read_only(book, None).await?, true),
        };
        let snap = self.snapshot(book, &GroupTable::default())?;
        let plan = plan::plan(book.as_str(), &snap.local, &remote.view, &None);
        self.guard(&plan, opts)?;
        Ok((plan, snap, remote, book))
    }

    async fn list_read_only(
        &self,
        book: BookName,
        token: Option<&str>,
    ) -> Result<Listing, ApiError> {
        match book {
            BookName::Directory => self.api.directory_people(token).await,
            _ => self.api.other_contacts(token).await,
        }
    }

    /// Reads one book's state from the store.
    fn snapshot(&self, book: BookName, table: &GroupTable) -> Result<Snapshot, SyncError> {
        let user = self.user();
        let mut snap = Snapshot::default();
        let records = if book == self.book() {
            self.store.groups(user)?
        } else {
            Vec::new()
        };
        let group_hrefs: BTreeSet<String> =
            records.iter().filter_map(|g| g.card_href.clone()).collect();
        for meta in self.store.card_metas(user, book)? {
            if let Some(link) = self.store.link(user, book, &meta.href)? {
                snap.links.insert(meta.href.clone(), link);
            }
            snap.metas.insert(meta.href.clone(), meta);
        }
        let outbox = if book == self.book() {
            self.store.outbox(user, usize::MAX)?
        } else {
            Vec::new()
        };
        let mut new_group_cards = BTreeSet::new();
        let by_uid: BTreeMap<&str, &str> = snap
            .metas
            .values()
            .map(|m| (m.uid.as_str(), m.href.as_str()))
            .collect();
        let mut seen = BTreeSet::new();
        for entry in outbox.iter().filter(|e| e.book == book) {
            let (uid, delete) = match &entry.op {
                OutboxOp::Put { uid } => (uid.clone(), false),
                OutboxOp::Delete { uid } => (uid.clone(), true),
            };
            snap.local.outbox.push(OutboxItem {
                seq: entry.seq,
                href: entry.href.clone(),
                uid,
                delete,
            });
            if !seen.insert(entry.href.clone()) {
                continue;
            }
            if !snap.metas.contains_key(&entry.href) {
                if let Some(link) = self.store.link(user, book, &entry.href)?
                    && !link.resource_name.starts_with("contactGroups/")
                {
                    snap.local.deleted_links.insert(
                        entry.href.clone(),
                        LinkRef {
                            resource_name: link.resource_name.clone(),
                            person_etag: link.person_etag.clone(),
                        },
                    );
                }
                continue;
            }
            let Some(card) = self.store.card(user, book, &entry.href)? else {
                continue;
            };
            let parsed = match vcard_map::parse_one(&card.vcard) {
                Ok((parsed, _)) => parsed,
                Err(e) => {
                    warn!(
                        href = entry.href,
                        "stored card does not parse, not pushed: {e}"
                    );
                    continue;
                }
            };
            if parsed.is_group() || group_hrefs.contains(&entry.href) {
                new_group_cards.insert(entry.href.clone());
                let (mut members, mut lists_unlinked) = (BTreeSet::new(), false);
                for uid in member_uids(&parsed) {
                    let Some(href) = by_uid.get(uid.as_str()) else {
                        continue;
                    };
                    match snap.links.get(*href) {
                        Some(link) => {
                            members.insert(link.resource_name.clone());
                        }
                        None => lists_unlinked = true,
                    }
                }
                snap.local.group_cards.push(GroupCardEdit {
                    href: entry.href.clone(),
                    name: parsed
                        .formatted_name()
                        .unwrap_or_else(|| entry.href.trim_end_matches(".vcf").to_owned()),
                    members,
                    lists_unlinked,
                });
                continue;
            }
            let ours = vcard_map::card_to_person(&parsed, table);
            if let Some(link) = snap.links.get(&entry.href) {
                let base = normalized(&base_of(link), table);
                let fields = merge::changed_fields(&base, &ours);
                snap.local.dirty_fields.insert(entry.href.clone(), fields);
            }
            snap.ours.insert(entry.href.clone(), ours);
        }
        for meta in snap.metas.values() {
            let group = group_hrefs.contains(&meta.href) || new_group_cards.contains(&meta.href);
            snap.local.cards.push(LocalCard {
                href: meta.href.clone(),
                uid: meta.uid.clone(),
                link: snap.links.get(&meta.href).map(|l| LinkRef {
                    resource_name: l.resource_name.clone(),
                    person_etag: l.person_etag.clone(),
                }),
                group,
            });
        }
        for r in records {
            let members = r
                .card_href
                .as_ref()
                .and_then(|h| snap.links.get(h))
                .and_then(|l| serde_json::from_slice::<ContactGroup>(&l.base).ok())
                .map(|g| g.member_resource_names.into_iter().collect())
                .unwrap_or_default();
            snap.local.groups.push(LocalGroup {
                resource_name: r.resource_name,
                name: r.name,
                etag: r.etag,
                card_href: r.card_href,
                members,
            });
        }
        snap.local.pending_creates = self.pending_creates()?.into_keys().collect();
        Ok(snap)
    }

    /// A Google Person in the form the client's cards map to, for comparisons.
    async fn execute(
        &self,
        plan: &Plan,
        snap: &Snapshot,
        remote: &RemoteSide,
        groups: &[GroupWithMembers],
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut groups: BTreeMap<String, GroupWithMembers> = groups
            .iter()
            .filter_map(|g| Some((g.group.resource_name.clone()?, g.clone())))
            .collect();
        // 1. The client's group changes.
        let mut rewrites = Vec::new();
        for op in &plan.ops {
            rewrites.extend(
                self.execute_group_push(op, snap, &mut groups, report)
                    .await?,
            );
        }
        let table = GroupTable::new(
            groups
                .iter()
                .filter_map(|(r, g)| Some((r.clone(), g.group.name.clone()?))),
        );
        // 2. Google's changes.
        self.execute_pulls(self.book(), plan, snap, remote, &table, report)?;
        for resource in &rewrites {
            self.rewrite_group_card(resource, &groups, snap)?;
        }
        for op in &plan.ops {
            match op {
                Op::GroupPull { resource, href } => {
                    if let Some(g) = groups.get(resource) {
                        self.write_group_card(g, href.as_deref(), snap)?;
                        report.group_ops += 1;
                    }
                }
                Op::GroupPullDelete { resource, href } => {
                    if let Some(href) = href {
                        let etag = snap.metas.get(href).map(|m| m.etag.as_str());
                        self.apply(
                            self.book(),
                            RemoteChange::Delete { href: href.clone() },
                            etag,
                        )?;
                    }
                    self.store.remove_group(self.user(), resource)?;
                    report.group_ops += 1;
                }
                _ => {}
            }
        }
        // 3. Links and merges.
        for op in &plan.ops {
            match op {
                Op::Link { href, resource } => {
                    let Some(person) = remote.persons.get(resource) else {
                        continue;
                    };
                    self.link_found(href, person, snap, &table, report).await?;
                }
                Op::Merge { href, resource } => {
                    self.merge_push(href, resource, snap, &table, report)
                        .await?;
                }
                _ => {}
            }
        }
        // 4. The client's pushes: updates one by one, deletes and creates in batches. Google
        // failing for a while fails the round, but only after every push was tried: one unlucky
        // update must not hold back the rest of a large outbox round after round.
        let mut deferred: Option<SyncError> = None;
        let mut defer = |result: Result<(), SyncError>| match result {
            Err(e) if e.is_temporary() => {
                deferred.get_or_insert(e);
                Ok(())
            }
            other => other,
        };
        let updates: Vec<(&String, Person, &[PersonField])> = plan
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::PushUpdate {
                    href,
                    resource,
                    mask,
                } => Some((href, self.update_of(href, resource, mask, snap)?, &mask[..])),
                _ => None,
            })
            .collect();
        if updates.len() >= BATCH_UPDATE_MIN {
            let sent: Vec<(&str, &Person, &[PersonField])> = updates
                .iter()
                .map(|(href, update, mask)| (href.as_str(), update, *mask))
                .collect();
            self.remember_updates(&sent)?;
            let items = updates
                .iter()
                .map(|(_, update, mask)| (update.clone(), mask.to_vec()))
                .collect();
            let results = self.api.update_all(items).await;
            // Answered (with a person or a definite error): forgotten at once for the errors,
            // after every person is stored for the others — one rewrite of the record each.
            let (mut answered, mut failed) = (Vec::new(), Vec::new());
            for ((href, _, _), result) in updates.iter().zip(&results) {
                match result {
                    Ok(_) => answered.push(href.as_str()),
                    Err(e) if e.kind != ApiErrorKind::OutcomeUnknown => failed.push(href.as_str()),
                    Err(_) => {}
                }
            }
            self.confirm_all(&failed)?;
            for ((href, update, _), result) in updates.iter().zip(results) {
                let resource = update.resource_name.as_deref().unwrap_or_default();
                defer(
                    self.updated(href, resource, result, snap, &table, report)
                        .await,
                )?;
            }
            self.confirm_all(&answered)?;
        } else {
            for (href, update, mask) in &updates {
                let resource = update.resource_name.as_deref().unwrap_or_default();
                let result = self.update_person(href, update, mask).await?;
                let answered = result.is_ok();
                defer(
                    self.updated(href, resource, result, snap, &table, report)
                        .await,
                )?;
                if answered {
                    self.confirm(href)?;
                }
            }
        }
        let deletes: Vec<(&String, &String)> = plan
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::PushDelete { href, resource } => Some((href, resource)),
                _ => None,
            })
            .collect();
        if !deletes.is_empty() {
            let names = deletes.iter().map(|(_, r)| (*r).clone()).collect();
            let deleted = match self.api.delete_all(names).await {
                Ok(()) => true,
                Err(e) if e.kind == ApiErrorKind::NotFound => true,
                Err(e) => {
                    defer(Err(e.into()))?;
                    false
                }
            };
            if deleted {
                for (href, _) in &deletes {
                    self.apply(
                        self.book(),
                        RemoteChange::Delete {
                            href: (*href).clone(),
                        },
                        None,
                    )
                    .or_else(ignore_not_found)?;
                }
                report.deleted += deletes.len();
            }
        }
        let creates: Vec<&String> = plan
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::PushCreate { href, .. } => Some(href),
                _ => None,
            })
            .collect();
        if !creates.is_empty() {
            defer(self.push_creates(&creates, snap, &table, report).await)?;
        }
        if let Some(e) = deferred {
            return Err(e);
        }
        // 5. Group cards that list contacts new to Google, now that they are created.
        for href in &plan.waiting_groups {
            self.push_waiting_group_card(href, snap, &mut groups, report)
                .await?;
        }
        Ok(())
    }

    /// A group card listing contacts created this round: their resource names are known now,
    /// and the card's changes go to Google. A member still not in Google (Google refused its
    /// create) is left out; the card is written from Google's group afterwards.
    async fn push_waiting_group_card(
        &self,
        href: &str,
        snap: &Snapshot,
        groups: &mut BTreeMap<String, GroupWithMembers>,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let Some(edit) = snap.local.group_cards.iter().find(|e| e.href == href) else {
            return Ok(());
        };
        let Some(card) = self.store.card(self.user(), self.book(), href)? else {
            return Ok(());
        };
        let Ok((parsed, _)) = vcard_map::parse_one(&card.vcard) else {
            return Ok(());
        };
        let by_uid: BTreeMap<&str, &str> = snap
            .metas
            .values()
            .map(|m| (m.uid.as_str(), m.href.as_str()))
            .collect();
        let mut ready = GroupCardEdit {
            href: href.to_owned(),
            name: edit.name.clone(),
            ..GroupCardEdit::default()
        };
        // Members created again this round (Google had deleted them) under new names.
        let mut renamed = BTreeMap::new();
        for uid in member_uids(&parsed) {
            let Some(&member) = by_uid.get(uid.as_str()) else {
                continue;
            };
            let Some(link) = self.store.link(self.user(), self.book(), member)? else {
                continue;
            };
            if let Some(old) = snap.links.get(member)
                && old.resource_name != link.resource_name
            {
                renamed.insert(old.resource_name.clone(), link.resource_name.clone());
            }
            ready.members.insert(link.resource_name);
        }
        // The group as last synced, its recreated members under their new names: a card
        // that listed them then adds nothing by listing them still.
        let known = snap
            .local
            .groups
            .iter()
            .find(|g| g.card_href.as_deref() == Some(href))
            .map(|g| LocalGroup {
                members: g
                    .members
                    .iter()
                    .map(|m| renamed.get(m).unwrap_or(m).clone())
                    .collect(),
                ..g.clone()
            });
        for op in plan::group_card_ops(&ready, known.as_ref()) {
            if let Some(resource) = self.execute_group_push(&op, snap, groups, report).await? {
                self.rewrite_group_card(&resource, groups, snap)?;
            }
        }
        Ok(())
    }

    async fn execute_group_push(
        &self,
        op: &Op,
        snap: &Snapshot,
        groups: &mut BTreeMap<String, GroupWithMembers>,
        report: &mut SyncReport,
    ) -> Result<Option<String>, SyncError> {
        let refreshed = match op {
            Op::GroupCreate {
                href,
                name,
                members,
            } => {
                let group = match self.api.create_group(name).await {
                    Ok(g) => g,
                    Err(e)
                        if e.kind == ApiErrorKind::InvalidRequest
                            || e.kind == ApiErrorKind::Conflict =>
                    {
                        report.rejected.push(format!("group {href} {name:?}: {e}"));
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                };
                let Some(resource) = group.resource_name.clone() else {
                    return Ok(None);
                };
                if !members.is_empty() {
                    self.api
                        .modify_members(&resource, members.iter().cloned().collect(), Vec::new())
                        .await?;
                }
                let g = GroupWithMembers {
                    group,
                    members: members.clone(),
                };
                self.write_group_card(&g, Some(href), snap)?;
                Some((resource, g))
            }
            Op::GroupRename { resource, name } => {
                let Some(current) = groups.get(resource) else {
                    return Ok(None);
                };
                let group = self.api.rename_group(&current.group, name).await?;
                Some((
                    resource.clone(),
                    GroupWithMembers {
                        group,
                        members: current.members.clone(),
                    },
                ))
            }
            Op::GroupDelete { resource } => {
                match self.api.delete_group(resource).await {
                    Ok(()) => {}
                    Err(e) if e.kind == ApiErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
                self.store.remove_group(self.user(), resource)?;
                groups.remove(resource);
                report.group_ops += 1;
                None
            }
            Op::MembersModify {
                resource,
                add,
                remove,
            } => {
                self.api
                    .modify_members(
                        resource,
                        add.iter().cloned().collect(),
                        remove.iter().cloned().collect(),
                    )
                    .await?;
                let Some(current) = groups.get(resource) else {
                    return Ok(None);
                };
                let mut members = current.members.clone();
                members.extend(add.iter().cloned());
                members.retain(|m| !remove.contains(m));
                Some((
                    resource.clone(),
                    GroupWithMembers {
                        group: current.group.clone(),
                        members,
                    },
                ))
            }
            _ => None,
        };
        let mut rewrite = None;
        if let Some((resource, g)) = refreshed {
            if !matches!(op, Op::GroupCreate { .. }) {
                rewrite = Some(resource.clone());
            }
            groups.insert(resource, g);
            report.group_ops += 1;
        }
        Ok(rewrite)
    }

    /// A card Google had deleted was created again as `new`: the groups' merge bases list it
    /// under that name, so group cards that still list it do not add it as if new.
    fn rename_group_member(&self, old: &str, new: &str) -> Result<(), SyncError> {
        for record in self.store.groups(self.user())? {
            let Some(href) = record.card_href else {
                continue;
            };
            let Some(mut link) = self.store.link(self.user(), self.book(), &href)? else {
                continue;
            };
            let Ok(mut base) = serde_json::from_slice::<ContactGroup>(&link.base) else {
                continue;
            };
            let Some(member) = base.member_resource_names.iter_mut().find(|m| *m == old) else {
                continue;
            };
            new.clone_into(member);
            link.base = serde_json::to_vec(&base).unwrap_or_default();
            self.store.set_link(self.user(), self.book(), &href, link)?;
        }
        Ok(())
    }

    /// Writes the card of group `resource` as `groups` has it now. Written after the round's
    /// pulls, so members Google added meanwhile have their cards and are listed.
    fn rewrite_group_card(
        &self,
        resource: &str,
        groups: &BTreeMap<String, GroupWithMembers>,
        snap: &Snapshot,
    ) -> Result<(), SyncError> {
        let Some(g) = groups.get(resource) else {
            return Ok(());
        };
        let href = self
            .store
            .groups(self.user())?
            .into_iter()
            .find(|r| r.resource_name == resource)
            .and_then(|r| r.card_href);
        self.write_group_card(g, href.as_deref(), snap)
    }

    /// Writes a group card (KIND:group with MEMBERs) and its record from Google's group.
    fn write_group_card(
        &self,
        g: &GroupWithMembers,
        href: Option<&str>,
        snap: &Snapshot,
    ) -> Result<(), SyncError> {
        let Some(resource) = g.group.resource_name.clone() else {
            return Ok(());
        };
        let name = g.group.name.clone().unwrap_or_default();
        let existing_uid = href.and_then(|h| snap.metas.get(h)).map(|m| m.uid.clone());
        let uid = existing_uid.unwrap_or_else(|| group_uid(&resource));
        let href = href.map_or_else(|| format!("{uid}.vcf"), str::to_owned);
        // Members without a card here yet (not pulled, or a create not yet recognised) are
        // left out of the card and of its base alike: the client cannot have removed them, and
        // once they have cards the group differs from its base and is written again.
        let mut member_uids = Vec::new();
        let mut listed = BTreeSet::new();
        for m in &g.members {
            if let Some(h) = self.store.href_for_resource(self.user(), self.book(), m)?
                && let Some(meta) = self.store.card(self.user(), self.book(), &h)?
            {
                member_uids.push(meta.uid);
                listed.insert(m.clone());
            }
        }
        member_uids.sort();
        let mut text = format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{}\r\nKIND:group\r\nFN:{}\r\n",
            escape(&uid),
            escape(&name)
        );
        for m in member_uids {
            text.push_str(&format!("MEMBER:urn:uuid:{m}\r\n"));
        }
        text.push_str("END:VCARD\r\n");
        let mut base = g.group.clone();
        base.member_resource_names = listed.into_iter().collect();
        let link = GoogleLink {
            resource_name: resource.clone(),
            person_etag: g.group.etag.clone().unwrap_or_default(),
            base: serde_json::to_vec(&base).unwrap_or_default(),
        };
        let current = self.store.card(self.user(), self.book(), &href)?;
        let bytes = text.into_bytes();
        if current.as_ref().is_some_and(|c| c.vcard == bytes) {
            self.store.set_link(self.user(), self.book(), &href, link)?;
        } else {
            let etag = current.as_ref().map(|c| c.etag.clone());
            let change = RemoteChange::Upsert {
                href: href.clone(),
                uid,
                vcard: bytes,
                link: link.clone(),
            };
            match self.apply(self.book(), change, etag.as_deref()) {
                Ok(_) => {}
                Err(e) if is_conflict(&e) => {
                    self.store.set_link(self.user(), self.book(), &href, link)?;
                }
                Err(e) => return Err(e),
            }
        }
        self.store.put_group(
            self.user(),
            GroupRecord {
                resource_name: resource,
                name,
                etag: g.group.etag.clone().unwrap_or_default(),
                system: false,
                card_href: Some(href),
            },
        )?;
        Ok(())
    }

    fn apply(
        &self,
        book: BookName,
        change: RemoteChange,
        expected_etag: Option<&str>,
    ) -> Result<Option<String>, SyncError> {
        Ok(self
            .store
            .apply_remote(self.user(), book, change, expected_etag)?)
    }

    /// Stores Google's person as the card at `href`. When the client wrote meanwhile its card
    /// stays: after a push (`sent` is the client's card that was pushed) the link moves to
    /// Google's answer with that card as the base, after a pull the old link stays; either way
    /// the next round pushes or merges just what the client changed since.
    fn store_person(
        &self,
        book: BookName,
        href: &str,
        person: &Person,
        expected_etag: Option<&str>,
        table: &GroupTable,
        sent: Option<&Person>,
    ) -> Result<bool, SyncError> {
        let Some(resource) = person.resource_name.clone() else {
            return Ok(false);
        };
        let mut card = vcard_map::person_to_card(person, table);
        let existing_uid = self.store.card(self.user(), book, href)?.map(|c| c.uid);
        let uid = existing_uid
            .or_else(|| card.uid().map(str::to_owned))
            .unwrap_or_else(|| resource.rsplit('/').next().unwrap_or(&resource).to_owned());
        if card.uid() != Some(uid.as_str()) {
            card.set_uid(&uid);
        }
        let link = GoogleLink {
            resource_name: resource,
            person_etag: person_etag(person),
            base: serde_json::to_vec(person).unwrap_or_default(),
        };
        let change = RemoteChange::Upsert {
            href: href.to_owned(),
            uid,
            vcard: card.write(Version::V4).into_bytes(),
            link: link.clone(),
        };
        match self.apply(book, change, expected_etag) {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => {
                // The client's new card was made from the card of the snapshot, not from this
                // person: the merge base must say so, or what Google changed would look like
                // something the client took out.
                let link = match (sent, self.store.link(self.user(), book, href)?) {
                    (Some(sent), _) => rebased_link(link, person, sent, table),
                    // A pull: the old link stays, and the next round merges the client's card
                    // with this person from the old base.
                    (None, Some(_)) => {
                        debug!(
                            href,
                            "client wrote meanwhile; keeping its card and the link"
                        );
                        return Ok(false);
                    }
                    (None, None) => link,
                };
                debug!(
                    href,
                    "client wrote meanwhile; keeping its card, moving the link"
                );
                self.store.set_link(self.user(), book, href, link)?;
                Ok(false)
            }
            Err(SyncError::Store(e))
                if matches!(e.kind(), store::ErrorKind::UidConflict { .. }) =>
            {
                warn!(href, "uid already used by another card: {e}");
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    fn execute_pulls(
        &self,
        book: BookName,
        plan: &Plan,
        snap: &Snapshot,
        remote: &RemoteSide,
        table: &GroupTable,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        for op in &plan.ops {
            match op {
                Op::PullUpsert { resource, href, .. } => {
                    let Some(person) = remote.persons.get(resource) else {
                        continue;
                    };
                    let etag = snap.metas.get(href).map(|m| m.etag.as_str());
                    if self.store_person(book, href, person, etag, table, None)? {
                        report.pulled += 1;
                    }
                }
                Op::PullDelete { href, .. } => {
                    let etag = snap.metas.get(href).map(|m| m.etag.as_str());
                    match self.apply(book, RemoteChange::Delete { href: href.clone() }, etag) {
                        Ok(_) => report.removed += 1,
                        Err(e) if is_conflict(&e) => {
                            debug!(
                                href,
                                "client edited a card google deleted; it is created again next round"
                            );
                        }
                        Err(e) => ignore_not_found(e)?,
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A card whose create answer was lost, found in Google by its UID.
    async fn link_found(
        &self,
        href: &str,
        person: &Person,
        snap: &Snapshot,
        table: &GroupTable,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let etag = snap.metas.get(href).map(|m| m.etag.clone());
        let uid = person.client_data(UID_KEY).map(str::to_owned);
        let mut pending = self.pending_creates()?;
        let sent = uid.as_ref().and_then(|u| pending.get(u).cloned().flatten());
        let theirs = normalized(person, table);
        let mut person = person.clone();
        if let Some(ours) = snap.ours.get(href) {
            // What Google holds is what was sent plus whatever changed there since; the card is
            // what was sent plus the client's edits since. Merge the two from what was sent.
            let (update, mask) = match sent {
                Some(sent) => {
                    let base = normalized(&sent, table);
                    let times = WriteTimes {
                        client: snap.metas.get(href).map(|m| m.modified),
                        google: google_time(&person),
                    };
                    let merged =
                        merge::merge(&base, ours, &theirs, self.config.conflict_policy, times);
                    (merged.person, merged.mask)
                }
                None => (ours.clone(), merge::changed_fields(&theirs, ours)),
            };
            if !mask.is_empty() {
                let mut update = update;
                update.resource_name = person.resource_name.clone();
                update.etag = person.etag.clone();
                keep_system_memberships(&mut update, &person, &mask);
                person = self.update_person(href, &update, &mask).await??;
                report.updated += 1;
            }
        }
        self.store_person(
            self.book(),
            href,
            &person,
            etag.as_deref(),
            table,
            snap.ours.get(href),
        )?;
        self.confirm(href)?;
        if let Some(uid) = uid
            && pending.remove(&uid).is_some()
        {
            self.set_pending_creates(&pending)?;
        }
        report.linked += 1;
        Ok(())
    }

    async fn merge_push(
        &self,
        href: &str,
        resource: &str,
        snap: &Snapshot,
        table: &GroupTable,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let (Some(ours), Some(link)) = (snap.ours.get(href), snap.links.get(href)) else {
            return Ok(());
        };
        let base = normalized(&base_of(link), table);
        let modified = snap.metas.get(href).map(|m| m.modified);
        let etag = snap.metas.get(href).map(|m| m.etag.clone());
        for _ in 0..3 {
            let theirs = match self.api.get(resource).await {
                Ok(p) => p,
                Err(e) if e.kind == ApiErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let theirs_n = normalized(&theirs, table);
            let times = WriteTimes {
                client: modified,
                google: google_time(&theirs),
            };
            let merged = merge::merge(&base, ours, &theirs_n, self.config.conflict_policy, times);
            for c in &merged.conflicts {
                report.conflicts.push(format!(
                    "{href} {}: {:?} wins ({})",
                    c.field, c.winner, self.config.conflict_policy
                ));
            }
            let result = if merged.mask.is_empty() {
                theirs
            } else {
                let mut update = merged.person.clone();
                update.resource_name = theirs.resource_name.clone();
                update.etag = theirs.etag.clone();
                keep_system_memberships(&mut update, &theirs, &merged.mask);
                match self.update_person(href, &update, &merged.mask).await? {
                    Ok(p) => p,
                    Err(e) if e.kind == ApiErrorKind::EtagMismatch => continue,
                    Err(e) if e.kind == ApiErrorKind::InvalidRequest => {
                        report.rejected.push(format!("{href}: {e}"));
                        theirs
                    }
                    Err(e) if e.kind == ApiErrorKind::OutcomeUnknown => {
                        return self.requeue(href, snap, report);
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            self.store_person(
                self.book(),
                href,
                &result,
                etag.as_deref(),
                table,
                Some(ours),
            )?;
            self.confirm(href)?;
            report.merged += 1;
            return Ok(());
        }
        Err(ApiError::new(
            ApiErrorKind::Transient,
            format!("{href} kept changing in google while merging; retrying next round"),
        )
        .into())
    }

    /// What goes to Google for a client edit of `href`: the client's person with the link's
    /// resource name and etag, system memberships kept. None when the card or link is gone.
    fn update_of(
        &self,
        href: &str,
        resource: &str,
        mask: &[PersonField],
        snap: &Snapshot,
    ) -> Option<Person> {
        let (ours, link) = (snap.ours.get(href)?, snap.links.get(href)?);
        let base = base_of(link);
        let mut update = ours.clone();
        update.resource_name = Some(resource.to_owned());
        update.etag = Some(link.person_etag.clone());
        keep_system_memberships(&mut update, &base, mask);
        Some(update)
    }

    /// Google's answer to the update of `href`: stored, merged on a stale etag, created again
    /// when the person is gone, reported when Google refuses it.
    async fn updated(
        &self,
        href: &str,
        resource: &str,
        result: Result<Person, ApiError>,
        snap: &Snapshot,
        table: &GroupTable,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        match result {
            Ok(person) => {
                let etag = snap.metas.get(href).map(|m| m.etag.as_str());
                let ours = snap.ours.get(href);
                self.store_person(self.book(), href, &person, etag, table, ours)?;
                report.updated += 1;
                Ok(())
            }
            Err(e) if e.kind == ApiErrorKind::EtagMismatch => {
                self.merge_push(href, resource, snap, table, report).await
            }
            Err(e) if e.kind == ApiErrorKind::NotFound => {
                // Deleted in Google meanwhile: the edit wins, the card is created again.
                self.push_creates(&[&href.to_owned()], snap, table, report)
                    .await
            }
            Err(e) if e.kind == ApiErrorKind::InvalidRequest => {
                report.rejected.push(format!("{href}: {e}"));
                Ok(())
            }
            Err(e) if e.kind == ApiErrorKind::OutcomeUnknown => self.requeue(href, snap, report),
            Err(e) => Err(e.into()),
        }
    }

    /// An update of `href` whose answer was lost: the rest of the round goes on, and the card
    /// goes back in the outbox, so the next round — which first recognises whether the update
    /// landed, from its durable record — pushes what is still missing.
    fn requeue(
        &self,
        href: &str,
        snap: &Snapshot,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        if let Some(meta) = snap.metas.get(href) {
            self.store.outbox_requeue(
                self.user(),
                self.book(),
                href,
                OutboxOp::Put {
                    uid: meta.uid.clone(),
                },
            )?;
            report.requeued.push(href.to_owned());
        }
        Ok(())
    }

    async fn push_creates(
        &self,
        hrefs: &[&String],
        snap: &Snapshot,
        table: &GroupTable,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut batch = Vec::new();
        for href in hrefs {
            let ours = match snap.ours.get(*href) {
                Some(p) => p.clone(),
                None => {
                    // A repair create (not in the outbox): read the card now.
                    let Some(card) = self.store.card(self.user(), self.book(), href)? else {
                        continue;
                    };
                    match vcard_map::parse_one(&card.vcard) {
                        Ok((c, _)) => vcard_map::card_to_person(&c, table),
                        Err(e) => {
                            report.rejected.push(format!("{href}: {e}"));
                            continue;
                        }
                    }
                }
            };
            let mut person = ours;
            person.resource_name = None;
            person.etag = None;
            person.metadata = None;
            if self.book() == BookName::Contacts {
                keep_in_my_contacts(&mut person);
            }
            let uid = snap.metas.get(*href).map(|m| m.uid.clone());
            if let Some(uid) = &uid
                && person.client_data(UID_KEY) != Some(uid.as_str())
            {
                person
                    .client_data
                    .retain(|c| c.key.as_deref() != Some(UID_KEY));
                person.client_data.push(people::ClientData {
                    key: Some(UID_KEY.to_owned()),
                    value: Some(uid.clone()),
                    ..Default::default()
                });
            }
            batch.push(((*href).clone(), uid.unwrap_or_default(), person));
        }
        if batch.is_empty() {
            return Ok(());
        }
        // Recorded before sending: if the answer is lost, the next round looks these up first.
        let mut pending = self.pending_creates()?;
        pending.extend(
            batch
                .iter()
                .map(|(_, uid, person)| (uid.clone(), Some(person.clone()))),
        );
        self.set_pending_creates(&pending)?;
        self.store.flush()?;
        let persons = batch.iter().map(|(_, _, p)| p.clone()).collect();
        let created = self.api.create_all(persons).await?;
        for ((href, uid, sent), person) in batch.iter().zip(created) {
            debug!(
                href,
                resource = person.resource_name.as_deref(),
                "created in google"
            );
            let etag = snap.metas.get(href).map(|m| m.etag.as_str());
            self.store_person(self.book(), href, &person, etag, table, Some(sent))?;
            if let (Some(old), Some(new)) = (snap.links.get(href), &person.resource_name)
                && old.resource_name != *new
            {
                self.rename_group_member(&old.resource_name, new)?;
            }
            pending.remove(uid);
            report.created += 1;
        }
        self.set_pending_creates(&pending)?;
        Ok(())
    }
}

/// Where the sync token of a read-only book is kept.
fn read_only_token_key(book: BookName) -> &'static str {
    match book {
        BookName::Directory => META_TOKEN_DIRECTORY,
        _ => META_TOKEN_OTHER,
    }
}

fn side(listing: Listing, full: bool) -> RemoteSide {
    let persons: BTreeMap<String, Person> = listing
        .persons
        .into_iter()
        .filter(|p| !p.is_deleted())
        .filter_map(|p| Some((p.resource_name.clone()?, p)))
        .collect();
    let listed: Vec<RemotePerson> = persons.values().filter_map(remote_person).collect();
    let view = if full {
        RemoteView::Full { persons: listed }
    } else {
        RemoteView::Incremental {
            changed: listed,
            deleted: listing.deleted,
        }
    };
    RemoteSide {
        persons,
        view,
        token: listing.next_sync_token,
        full,
    }
}

fn is_conflict(e: &SyncError) -> bool {
    matches!(e, SyncError::Store(s) if matches!(s.kind(), store::ErrorKind::Conflict | store::ErrorKind::PreconditionFailed))
}

fn ignore_not_found<T: Default>(e: SyncError) -> Result<T, SyncError> {
    match &e {
        SyncError::Store(s) if matches!(s.kind(), store::ErrorKind::NotFound) => Ok(T::default()),
        _ => Err(e),
    }
}

/// The link after a push that a client write overtook: Google's etag, and as the base Google's
/// person with the fields where the pushed card differs taken from the card, so that the base
/// is what the client's newer card was made from.
fn rebased_link(
    link: GoogleLink,
    google: &Person,
    sent: &Person,
    table: &GroupTable,
) -> GoogleLink {
    let differ = merge::changed_fields(&normalized(google, table), sent);
    let mut base = with_fields(google, sent, differ.iter().map(|f| f.as_str()));
    keep_system_memberships(&mut base, google, &differ);
    GoogleLink {
        base: serde_json::to_vec(&base).unwrap_or_default(),
        ..link
    }
}

/// `person` with the fields named by their JSON `keys` taken from `from` (absent there: removed).
fn with_fields<'k>(person: &Person, from: &Person, keys: impl Iterator<Item = &'k str>) -> Person {
    let mut out = serde_json::to_value(person).unwrap_or_default();
    let from = serde_json::to_value(from).unwrap_or_default();
    if let (Some(out), Some(from)) = (out.as_object_mut(), from.as_object()) {
        for key in keys {
            match from.get(key) {
                Some(v) => out.insert(key.to_owned(), v.clone()),
                None => out.remove(key),
            };
        }
    }
    serde_json::from_value(out).unwrap_or_default()
}

/// A person as its card reads it back: what Google adds that a card cannot say is gone, so two
/// persons compare by what a client sees.
fn normalized(person: &Person, table: &GroupTable) -> Person {
    vcard_map::card_to_person(&vcard_map::person_to_card(person, table), table)
}

/// A memberships update must not drop the person from Google's system groups (myContacts,
/// starred), which have no card form.
fn keep_system_memberships(update: &mut Person, current: &Person, mask: &[PersonField]) {
    if !mask.contains(&PersonField::Memberships) {
        return;
    }
    let have: BTreeSet<String> = update.group_resource_names().map(str::to_owned).collect();
    for m in &current.memberships {
        let Some(name) = m
            .contact_group_membership
            .as_ref()
            .and_then(|c| c.contact_group_resource_name.as_deref())
        else {
            continue;
        };
        let system = name == MY_CONTACTS || name == "contactGroups/starred";
        if system && !have.contains(name) {
            let mut kept = m.clone();
            kept.metadata = None;
            update.memberships.push(kept);
        }
    }
    // A card taken out of its last group is still a contact: Google refuses an update that
    // leaves none, and a contact without labels lives in myContacts.
    if update.memberships.is_empty() {
        update.memberships.push(my_contacts());
    }
}

/// A card created in the contacts book is one of My Contacts, whatever its labels: without
/// the membership, a contact created with labels only could never leave its last label
/// (Google keeps a contact's last membership).
fn keep_in_my_contacts(person: &mut Person) {
    if !person.memberships.is_empty() && !person.group_resource_names().any(|g| g == MY_CONTACTS) {
        person.memberships.push(my_contacts());
    }
}

fn my_contacts() -> people::Membership {
    people::Membership {
        contact_group_membership: Some(people::ContactGroupMembership {
            contact_group_resource_name: Some(MY_CONTACTS.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}
