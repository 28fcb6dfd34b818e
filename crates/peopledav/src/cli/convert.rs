//! `peopledav convert`: vCards to People API Person JSON and back.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vcard_map::{GroupTable, Version};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to produce: `person` reads vCards and prints a JSON array of Person;
    /// `vcard` reads that JSON (an array or one Person) and prints vCards, or reads vCards of
    /// any version and prints them in `--vcard-version`.
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

/// Hands each card of `input` that parses to `each`, as it is read, and reports diagnostics and
/// errors on stderr; returns how many cards were skipped.
fn read_cards(
    input: &[u8],
    name: &str,
    mut each: impl FnMut(vcard_map::Card) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let mut read = 0;
    let mut skipped = 0;
    for (index, card) in vcard_map::cards(input).enumerate() {
        match card {
            Ok((card, diagnostics)) => {
                for d in diagnostics {
                    eprintln!(
                        "{name}: card {} line {}: warning: {}",
                        index + 1,
                        d.line,
                        d.message
                    );
                }
                read += 1;
                each(card)?;
            }
            Err(err) => {
                eprintln!("{name}: error: {err}");
                skipped += 1;
            }
        }
    }
    if read == 0 && skipped == 0 {
        eprintln!("{name}: warning: no vCard found (expected BEGIN:VCARD … END:VCARD)");
    }
    Ok(skipped)
}

/// Prints a JSON array of the cards that parse; returns how many were skipped.
fn to_person(input: &[u8], name: &str, out: &mut impl Write) -> anyhow::Result<usize> {
    let groups = GroupTable::default();
    let mut persons: Vec<people::Person> = Vec::new();
    let skipped = read_cards(input, name, |card| {
        persons.push(vcard_map::card_to_person(&card, &groups));
        Ok(())
    })?;
    serde_json::to_writer_pretty(&mut *out, &persons)?;
    writeln!(out)?;
    Ok(skipped)
}

/// Whether the input is vCards rather than JSON.
fn is_vcard(input: &[u8]) -> bool {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input[start..]
        .get(..6)
        .is_some_and(|head| head.eq_ignore_ascii_case(b"BEGIN:"))
}

/// Prints one vCard per Person (or per input card); returns how many entries were skipped.
fn to_vcard(
    input: &[u8],
    name: &str,
    version: Version,
    out: &mut impl Write,
) -> anyhow::Result<usize> {
    if is_vcard(input) {
        return read_cards(input, name, |card| {
            out.write_all(card.write(version).as_bytes())?;
            Ok(())
        });
    }
    let json: serde_json::Value = serde_json::from_slice(input).with_context(|| {
        format!("{name} is not JSON (expected an array of People API Person objects)")
    })?;
    let items = match json {
        serde_json::Value::Array(items) => items,
        one @ serde_json::Value::Object(_) => vec![one],
        _ => anyhow::bail!("{name}: expected a JSON array of Person objects, or one Person object"),
    };
    let groups = GroupTable::default();
    let mut skipped = 0;
    for (index, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<people::Person>(item) {
            Ok(person) => {
                out.write_all(vcard_map::person_to_vcard(&person, &groups, version).as_bytes())?
            }
            Err(err) => {
                eprintln!("{name}: error: entry {} is not a Person: {err}", index + 1);
                skipped += 1;
            }
        }
    }
    Ok(skipped)
}
