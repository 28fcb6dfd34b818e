//! Every real-world card in the shared corpus: valid ones parse and survive card → Person → card,
//! broken ones are reported, and nothing panics.

use std::collections::BTreeMap;
use std::path::Path;

use vcard_map::{Card, GroupTable, Version, card_to_person, parse, parse_one, person_to_card};

struct Entry {
    file: String,
    valid: bool,
    begin_count: usize,
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no {name} column"))
    };
    let (file, intent, count) = (col("file"), col("intent"), col("begin_count"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            Entry {
                file: cells[file].to_string(),
                valid: cells[intent] == "valid",
                begin_count: cells[count].parse().expect("begin_count is a number"),
            }
        })
        .collect()
}

/// A property compared semantically: group (case-insensitive, when shared), name, parameters as
/// sets, value.
type Normal = (String, String, Vec<(String, Vec<String>)>, String);

/// The card's properties as a multiset, read back from its strict 4.0 form.
fn normalised(card: &Card) -> BTreeMap<Normal, usize> {
    let text = card.write(Version::V4);
    let (reread, _) = parse_one(text.as_bytes()).expect("our own output parses");
    let props = reread.properties();
    let shared = |g: &str| {
        props
            .iter()
            .filter(|q| {
                q.group
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(g))
            })
            .count()
            > 1
    };
    let mut set = BTreeMap::new();
    for p in props.clone() {
        let mut params: Vec<(String, Vec<String>)> = p
            .params
            .into_iter()
            .map(|(n, mut v)| {
                v.iter_mut().for_each(|v| *v = v.to_ascii_lowercase());
                v.sort();
                v.dedup();
                (n, v)
            })
            .collect();
        params.sort();
        // a group no other property shares links nothing
        let group = p
            .group
            .filter(|g| shared(g))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let values = match p.name.as_str() {
            // a list is the same as one property per item
            "NICKNAME" | "CATEGORIES" => p.value.split(',').map(str::to_string).collect(),
            // missing trailing components are empty ones
            "N" | "ADR" | "ORG" | "GENDER" => vec![p.value.trim_end_matches(';').to_string()],
            _ => vec![p.value],
        };
        if p.name == "N" && values.iter().all(String::is_empty) {
            // an N without any component says nothing
            continue;
        }
        for value in values {
            let key = (group.clone(), p.name.clone(), params.clone(), value);
            *set.entry(key).or_insert(0) += 1;
        }
    }
    set
}

fn diff(before: &BTreeMap<Normal, usize>, after: &BTreeMap<Normal, usize>) -> String {
    let mut out = String::new();
    for (k, n) in before {
        if after.get(k) != Some(n) {
            out.push_str(&format!("  lost ({n}x): {k:?}\n"));
        }
    }
    for (k, n) in after {
        if before.get(k) != Some(n) {
            out.push_str(&format!("  added ({n}x): {k:?}\n"));
        }
    }
    out
}

#[test]
fn corpus_parses_and_round_trips() {
    let Some(shared) = testkit::shared_dir() else {
        return;
    };
    let dir = shared.join("vcards");
    let entries = manifest(&dir);
    assert!(
        entries.len() > 100,
        "the manifest lists {} files",
        entries.len()
    );
    let groups = GroupTable::default();
    let mut failures = Vec::new();
    let (mut valid, mut broken, mut cards) = (0, 0, 0);
    for entry in &entries {
        let bytes = std::fs::read(dir.join(&entry.file)).expect("corpus file is readable");
        let parsed = parse(&bytes);
        if !entry.valid {
            broken += 1;
            let reported = parsed
                .cards
                .iter()
                .any(|c| c.as_ref().map_or(true, |(_, diags)| !diags.is_empty()));
            if !reported && !parsed.cards.is_empty() {
                failures.push(format!(
                    "{}: broken but read without error or diagnostic",
                    entry.file
                ));
            }
            continue;
        }
        valid += 1;
        if parsed.cards.len() != entry.begin_count {
            failures.push(format!(
                "{}: {} cards, manifest says {}",
                entry.file,
                parsed.cards.len(),
                entry.begin_count
            ));
        }
        for (i, card) in parsed.cards.iter().enumerate() {
            let card = match card {
                Ok((card, _)) => card,
                Err(e) => {
                    failures.push(format!("{}: {e}", entry.file));
                    continue;
                }
            };
            cards += 1;
            let person = card_to_person(card, &groups);
            // through JSON, as `peopledav convert` and Google see it; Google may reorder clientData
            let json = serde_json::to_string(&person).expect("a Person serializes");
            let mut stored: people::Person = serde_json::from_str(&json).expect("and deserializes");
            stored.client_data.reverse();
            let back = person_to_card(&stored, &groups);
            let mut before = normalised(card);
            let mut after = normalised(&back);
            if card.formatted_name().is_none() {
                // the writer adds an empty FN where the card had none; the mapping a better one
                before.retain(|(_, name, ..), _| name != "FN");
                after.retain(|(_, name, ..), _| name != "FN");
            }
            let d = diff(&before, &after);
            if !d.is_empty() {
                failures.push(format!("{} card {}:\n{d}", entry.file, i + 1));
            }
        }
    }
    eprintln!("corpus: {valid} valid files ({cards} cards), {broken} broken files");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
