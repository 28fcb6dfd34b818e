//! The state of each bridge user's sync, as `peopledav status`, the status page and `/metrics`
//! show it: the account, the last rounds, the outbox, the books.
//!
//! A running bridge holds the store's lock, so it also writes the report to `status.json` in the
//! data directory every few seconds; `peopledav status` reads that file when it cannot open the
//! store itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use store::{BookName, Store, User};
use sync::SyncStatus;

/// The file a running bridge keeps its latest report in.
pub const SNAPSHOT_FILE: &str = "status.json";

/// What the bridge knows about a user's Google account (from the config file).
#[derive(Debug, Clone)]
pub struct AccountInfo {
    /// `oauth`, `service-account` or `emulator`.
    pub kind: &'static str,
    /// For an OAuth account: what the web flow needs.
    pub oauth: Option<OauthFiles>,
}

#[derive(Debug, Clone)]
pub struct OauthFiles {
    pub client_secret_file: PathBuf,
    pub token_file: PathBuf,
    pub scopes: google::Scopes,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// When it was made (Unix seconds).
    pub generated_at: i64,
    pub users: Vec<UserStatus>,
}

/// One bridge user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserStatus {
    pub user: String,
    pub account: String,
    /// `oauth`, `service-account`, `emulator`, or `unknown` when the config does not define it.
    pub account_kind: String,
    /// For an OAuth account, whether a login is stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
    /// Client changes stored but not yet pushed to Google.
    pub pending_changes: usize,
    /// Cards per address book.
    pub books: BTreeMap<String, usize>,
    pub sync: SyncStatus,
    /// The Workspace domain's shared contacts, when the user sees them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<SharedStatus>,
}

/// The shared contacts book of a domain, synced by its own engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedStatus {
    pub domain: String,
    /// Whether the user may change shared contacts.
    pub admin: bool,
    /// Admin changes stored but not yet sent to the domain's shared contacts.
    pub pending_changes: usize,
    pub sync: SyncStatus,
}

impl UserStatus {
    /// One word for the state: `ok`, `failing`, `not-connected` or `never-synced`.
    pub fn state(&self) -> &'static str {
        if self.connected == Some(false) {
            "not-connected"
        } else if self.sync.last_error.is_some() {
            "failing"
        } else if self.sync.last_attempt.is_none() {
            "never-synced"
        } else {
            "ok"
        }
    }
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The status of `user`, read from the store (and, for OAuth, the token file).
pub async fn collect_user(
    store: &Store,
    user: &User,
    account: Option<&AccountInfo>,
) -> anyhow::Result<UserStatus> {
    let mut books = BTreeMap::new();
    for book in [BookName::Contacts, BookName::Other, BookName::Directory] {
        let n = store.card_metas(&user.name, book)?.len();
        if n > 0 || book != BookName::Directory {
            books.insert(book.as_str().to_owned(), n);
        }
    }
    let connected = match account.and_then(|a| a.oauth.as_ref()) {
        Some(o) => Some(google::is_logged_in(&o.token_file, o.scopes).await),
        None => None,
    };
    let domain = store
        .meta(&user.name, carddav::SHARED_DOMAIN_META_KEY)?
        .and_then(|v| String::from_utf8(v).ok())
        .filter(|d| !d.is_empty());
    let shared = match domain {
        Some(domain) => {
            let owner = store::shared_owner(&domain);
            books.insert(
                BookName::Shared.as_str().to_owned(),
                store.card_metas(&owner, BookName::Shared)?.len(),
            );
            let admin = store
                .meta(&user.name, carddav::SHARED_ADMIN_META_KEY)?
                .is_some_and(|v| v == b"1");
            Some(SharedStatus {
                pending_changes: store.outbox_len(&owner)?,
                sync: SyncStatus::read(store, &owner)?,
                domain,
                admin,
            })
        }
        None => None,
    };
    Ok(UserStatus {
        shared,
        user: user.name.clone(),
        account: user.google.label.clone(),
        account_kind: account.map_or("unknown", |a| a.kind).to_owned(),
        connected,
        pending_changes: store.outbox_len(&user.name)?,
        books,
        sync: SyncStatus::read(store, &user.name)?,
    })
}

/// The status of every user (or of `only`).
pub async fn collect(
    store: &Store,
    accounts: &BTreeMap<String, AccountInfo>,
    only: Option<&str>,
) -> anyhow::Result<Report> {
    let mut users = Vec::new();
    for user in store.users()? {
        if only.is_some_and(|o| o != user.name) {
            continue;
        }
        users.push(collect_user(store, &user, accounts.get(&user.google.label)).await?);
    }
    Ok(Report {
        generated_at: now_unix(),
        users,
    })
}

/// Writes the report to `dir/status.json` (mode 0600: it names users and errors), atomically.
pub fn write_snapshot(dir: &Path, report: &Report) -> anyhow::Result<()> {
    let path = dir.join(SNAPSHOT_FILE);
    let tmp = dir.join(format!("{SNAPSHOT_FILE}.tmp"));
    let bytes = serde_json::to_vec_pretty(report)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::io::Write::write_all(&mut file, &bytes)?;
    drop(file);
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Reads the report a running bridge left in `dir`.
pub fn read_snapshot(dir: &Path) -> anyhow::Result<Report> {
    let path = dir.join(SNAPSHOT_FILE);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a status report", path.display()))
}

/// A Unix time as `2026-12-06 04:50:12 UTC (3 min ago)`.
pub fn when(t: i64, now: i64) -> String {
    let stamp = chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t.to_string());
    format!("{stamp} ({})", ago(now - t))
}

/// `3 s ago`, `5 min ago`, `2 h ago`, `4 days ago`.
pub fn ago(secs: i64) -> String {
    match secs {
        s if s < 0 => "just now".into(),
        s if s < 90 => format!("{s} s ago"),
        s if s < 90 * 60 => format!("{} min ago", s / 60),
        s if s < 36 * 3600 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86400),
    }
}

/// The human form of `peopledav status`.
pub fn render_text(report: &Report) -> String {
    use std::fmt::Write;
    let now = report.generated_at;
    let mut out = String::new();
    if report.users.is_empty() {
        out.push_str("no users yet: add one with `peopledav user add NAME --account ACCOUNT`\n");
    }
    for u in &report.users {
        let kind = match u.account_kind.as_str() {
            "unknown" => String::new(),
            k => format!(" ({k})"),
        };
        let _ = writeln!(
            out,
            "{} — account {}{kind}: {}",
            u.user,
            u.account,
            u.state()
        );
        if u.connected == Some(false) {
            let _ = writeln!(
                out,
                "  not connected: run `peopledav login --account {}` or use the status page",
                u.account
            );
        }
        let s = &u.sync;
        match s.last_attempt {
            Some(t) => {
                let _ = writeln!(
                    out,
                    "  last sync     {}, {} ms",
                    when(t, now),
                    s.last_duration_ms.unwrap_or(0)
                );
            }
            None => out.push_str("  last sync     never\n"),
        }
        match s.last_success {
            Some(t) => {
                let summary = s.last_summary.as_deref().unwrap_or("");
                let _ = writeln!(out, "  last success  {}: {summary}", when(t, now));
            }
            None => out.push_str("  last success  never\n"),
        }
        if let Some(e) = &s.last_error {
            let _ = writeln!(
                out,
                "  last error    {e} ({} failed in a row)",
                s.consecutive_failures
            );
        }
        let _ = writeln!(
            out,
            "  pending       {} change(s) to push",
            u.pending_changes
        );
        let books: Vec<String> = u.books.iter().map(|(b, n)| format!("{b} {n}")).collect();
        let _ = writeln!(out, "  cards         {}", books.join(", "));
        for ev in s.recent.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:<13} {}: {}",
                ev.kind.as_str(),
                ago(now - ev.at),
                ev.message
            );
        }
    }
    out
}
