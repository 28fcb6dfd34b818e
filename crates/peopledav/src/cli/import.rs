//! `peopledav import FILE.vcf --user NAME`: cards into the user's contacts book, then (with a
//! config) one sync round that creates them at Google in batches. Duplicates are found by UID,
//! then by e-mail address or phone number, and reported; a bad card is reported with its position
//! and skipped. Running it twice imports nothing twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use store::{BookName, ClientPut, Store};
use sync::{SyncEngine, SyncOptions};
use vcard_map::{Card, Version};

use super::DataArgs;
use super::serve::{client, engine_config};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The .vcf file (any number of cards, vCard 2.1, 3.0 or 4.0); `-` reads standard input.
    file: PathBuf,
    /// The bridge user whose contacts receive the cards.
    #[arg(long)]
    user: String,
    /// Only store the cards; a running `peopledav serve` (or `peopledav sync`) pushes them later.
    #[arg(long)]
    no_sync: bool,
    #[command(flatten)]
    data: DataArgs,
}

/// What an existing card is known by, for duplicate detection.
#[derive(Default)]
struct Known {
    /// Normalised e-mail address or phone number → the card's name (for the report).
    keys: HashMap<String, String>,
}

impl Known {
    fn add(&mut self, card: &Card) {
        let name = card.formatted_name().unwrap_or_default();
        for key in keys(card) {
            self.keys.entry(key).or_insert_with(|| name.clone());
        }
    }

    fn duplicate_of(&self, card: &Card) -> Option<(&str, String)> {
        keys(card)
            .into_iter()
            .find_map(|k| self.keys.get(&k).map(|name| (name.as_str(), k)))
    }
}

/// Normalised e-mail addresses (lower case) and phone numbers (digits and a leading +, at least 5
/// digits so extensions and short codes do not collide).
fn keys(card: &Card) -> Vec<String> {
    let mut out = Vec::new();
    for p in card.properties() {
        if p.name.eq_ignore_ascii_case("EMAIL") {
            let v = p.value.trim().to_lowercase();
            let v = v.strip_prefix("mailto:").unwrap_or(&v).to_owned();
            if !v.is_empty() {
                out.push(format!("email:{v}"));
            }
        } else if p.name.eq_ignore_ascii_case("TEL") {
            let v = p.value.trim();
            let v = v.strip_prefix("tel:").unwrap_or(v);
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 5 {
                let plus = if v.starts_with('+') { "+" } else { "" };
                out.push(format!("tel:{plus}{digits}"));
            }
        }
    }
    out
}

/// A UID for a card that has none: a digest of its properties.
fn content_uid(card: &Card) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for p in card.properties() {
        hash.update(p.name.to_ascii_uppercase().as_bytes());
        hash.update(b":");
        hash.update(p.value.as_bytes());
        hash.update(b"\n");
    }
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("import-{hex}")
}

/// A safe href for a UID: its URL-safe characters, else a fresh name.
fn href_for(uid: &str) -> String {
    let safe: String = uid
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(100)
        .collect();
    if safe.is_empty() || safe.starts_with('.') {
        format!("{}.vcf", uuid::Uuid::new_v4())
    } else {
        format!("{safe}.vcf")
    }
}

#[derive(Default)]
struct Outcome {
    imported: usize,
    duplicates: Vec<String>,
    bad: Vec<String>,
}

fn import(store: &Store, user: &str, bytes: &[u8]) -> anyhow::Result<Outcome> {
    let mut known = Known::default();
    for existing in store.cards(user, BookName::Contacts)? {
        if let Ok((card, _)) = vcard_map::parse_one(&existing.vcard) {
            known.add(&card);
        }
    }
    let parsed = vcard_map::parse(bytes);
    let bar = ProgressBar::new(parsed.cards.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cards {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut outcome = Outcome::default();
    for (index, result) in parsed.cards.into_iter().enumerate() {
        bar.inc(1);
        let position = index + 1;
        let (mut card, _diagnostics) = match result {
            Ok(c) => c,
            Err(e) => {
                outcome
                    .bad
                    .push(format!("card {position} (line {}): {}", e.line, e.message));
                continue;
            }
        };
        let name = card.formatted_name().unwrap_or_else(|| "(no name)".into());
        let uid = match card.uid() {
            Some(u) if !u.trim().is_empty() => u.to_owned(),
            _ => {
                // Derived from the card's content, so importing the same file again finds it.
                let u = content_uid(&card);
                card.set_uid(&u);
                u
            }
        };
        if let Some(existing) = store.card_by_uid(user, BookName::Contacts, &uid)? {
            outcome.duplicates.push(format!(
                "card {position} {name:?}: UID {uid} is already {}",
                existing.href
            ));
            continue;
        }
        if let Some((other, key)) = known.duplicate_of(&card) {
            outcome.duplicates.push(format!(
                "card {position} {name:?}: {key} already belongs to {other:?}"
            ));
            continue;
        }
        let version = card.version().unwrap_or(Version::V3);
        let put = ClientPut {
            href: href_for(&uid),
            uid: uid.clone(),
            vcard: card.write(version).into_bytes(),
            if_match: None,
            if_none_match_any: true,
        };
        match store.client_put(user, BookName::Contacts, put) {
            Ok(_) => {
                known.add(&card);
                outcome.imported += 1;
            }
            Err(e) if matches!(e.kind(), store::ErrorKind::UidConflict { .. }) => {
                outcome
                    .duplicates
                    .push(format!("card {position} {name:?}: UID {uid} exists"));
            }
            Err(e) if e.kind() == store::ErrorKind::PreconditionFailed => {
                outcome.duplicates.push(format!(
                    "card {position} {name:?}: another card is stored under the same name"
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    bar.finish_and_clear();
    store.flush()?;
    Ok(outcome)
}

pub async fn run(args: Args, config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let (store, config) = args.data.open(config_path)?;
    let Some(user) = store.user(&args.user)? else {
        bail!(
            "no user {:?}; `peopledav user list` shows the users",
            args.user
        );
    };
    let bytes = super::read_input(Some(&args.file))?;
    let outcome = import(&store, &user.name, &bytes)?;
    for d in &outcome.duplicates {
        eprintln!("duplicate, skipped: {d}");
    }
    for b in &outcome.bad {
        eprintln!("unreadable, skipped: {b}");
    }
    println!(
        "imported {} card(s) into {}'s contacts; {} duplicate(s) and {} unreadable card(s) skipped",
        outcome.imported,
        user.name,
        outcome.duplicates.len(),
        outcome.bad.len()
    );
    if outcome.imported > 0 && !args.no_sync {
        match &config {
            Some(config) => {
                let Some(account) = config.account(&user.google.label) else {
                    bail!(
                        "user {:?} is bound to unknown account {:?}",
                        user.name,
                        user.google.label
                    );
                };
                let engine = SyncEngine::new(
                    store.clone(),
                    client(config, account).await?,
                    engine_config(config, account, &user.name),
                );
                let report = engine.sync_once(SyncOptions::default()).await?;
                println!("pushed to Google: {} created", report.created);
            }
            None => println!(
                "the cards reach Google with the next sync (`peopledav serve`, or `peopledav sync` with --config)"
            ),
        }
    }
    store.flush()?;
    Ok(if outcome.bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
