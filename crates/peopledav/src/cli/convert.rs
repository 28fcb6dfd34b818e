//! `peopledav convert`: vCards to People API Person JSON and back.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vcard_map::{GroupTable, Version};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to produce: `person` reads vCards and prints a JSON array of Person;
    /// `vcard` reads that JSON (an array or one Person) and prints vCards.
    #[arg(long, value_enum)]
    to: Target,
    /// The vCard version to write with `--to vcard`.
    #[arg(long, default_value = "4.0", value_parser = parse_version)]
    vcard_version: Version,
    /// The input file; standard input when absent or `-`.
    file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Target {
    Person,
    Vcard,
}

fn parse_version(s: &str) -> Result<Version, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a vCard version: use 3.0 or 4.0"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = super::read_input(args.file.as_deref())?;
    let name = args
        .file
        .as_ref()
        .map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
    let mut out = std::io::stdout().lock();
    let skipped = match args.to {
        Target::Person => to_person(&input, &name, &mut out)?,
        Target::Vcard => to_vcard(&input, &name, args.vcard_version, &mut out)?,
    };
    out.flush()?;
    if skipped > 0 {
        eprintln!("{name}: {skipped} item(s) skipped, see the errors above");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a JSON array of the cards that parse; returns how many were skipped.
fn to_person(input: &[u8], name: &str, out: &mut impl Write) -> anyhow::Result<usize> {
    let groups = GroupTable::default();
    let parsed = vcard_map::parse(input);
    let mut persons = Vec::with_capacity(parsed.cards.len());
    let mut skipped = 0;
    for (index, card) in parsed.cards.into_iter().enumerate() {
        match card {
            Ok((card, diagnostics)) => {
                for d in diagnostics {
                    eprintln!("{name}: card {} line {}: warning: {}", index + 1, d.line, d.message);
                }
                persons.push(vcard_map::card_to_person(&card, &groups));
            }
            Err(err) => {
                eprintln!("{name}: error: {err}");
                skipped += 1;
            }
        }
    }
    if persons.is_empty() && skipped == 0 {
        eprintln!("{name}: warning: no vCard found (expected BEGIN:VCARD … END:VCARD)");
    }
    serde_json::to_writer_pretty(&mut *out, &persons)?;
    writeln!(out)?;
    Ok(skipped)
}

/// Prints one vCard per Person; returns how many entries were skipped.
fn to_vcard(input: &[u8], name: &str, version: Version, out: &mut impl Write) -> anyhow::Result<usize> {
    let json: serde_json::Value = serde_json::from_slice(input)
        .with_context(|| format!("{name} is not JSON (expected an array of People API Person objects)"))?;
    let items = match json {
        serde_json::Value::Array(items) => items,
        one @ serde_json::Value::Object(_) => vec![one],
        _ => anyhow::bail!("{name}: expected a JSON array of Person objects, or one Person object"),
    };
    let groups = GroupTable::default();
    let mut skipped = 0;
    for (index, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<people::Person>(item) {
            Ok(person) => out.write_all(vcard_map::person_to_vcard(&person, &groups, version).as_bytes())?,
            Err(err) => {
                eprintln!("{name}: error: entry {} is not a Person: {err}", index + 1);
                skipped += 1;
            }
        }
    }
    Ok(skipped)
}
