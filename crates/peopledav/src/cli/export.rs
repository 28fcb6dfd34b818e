//! `peopledav export --user NAME`: a user's contacts book as one .vcf, in vCard 3.0 or 4.0.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use store::BookName;
use vcard_map::Version;

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bridge user whose book is exported.
    #[arg(long)]
    user: String,
    /// The book: contacts, other or directory.
    #[arg(long, default_value = "contacts")]
    book: BookName,
    /// The vCard version written.
    #[arg(long, default_value = "3.0", value_parser = ["3.0", "4.0"])]
    vcard_version: String,
    /// The output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let (store, _) = args.data.open(config)?;
    if store.user(&args.user)?.is_none() {
        bail!(
            "no user {:?}; `peopledav user list` shows the users",
            args.user
        );
    }
    let version = if args.vcard_version == "4.0" {
        Version::V4
    } else {
        Version::V3
    };
    let cards = store.cards(&args.user, args.book)?;
    let bar = match &args.output {
        Some(_) => ProgressBar::new(cards.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} cards")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::hidden(),
    };
    let mut out = String::new();
    let mut unreadable = 0;
    for card in &cards {
        bar.inc(1);
        match vcard_map::parse_one(&card.vcard) {
            Ok((parsed, _)) => out.push_str(&parsed.write(version)),
            Err(e) => {
                unreadable += 1;
                eprintln!(
                    "warning: stored card {} cannot be read ({e}); exported as stored",
                    card.href
                );
                out.push_str(&String::from_utf8_lossy(&card.vcard));
            }
        }
    }
    bar.finish_and_clear();
    match &args.output {
        Some(path) => {
            std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => std::io::stdout()
            .write_all(out.as_bytes())
            .context("cannot write standard output")?,
    }
    eprintln!(
        "exported {} card(s) from {}'s {} book",
        cards.len(),
        args.user,
        args.book
    );
    Ok(if unreadable == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
