//! Golden fixtures: each input in `golden/in` (a vCard or a Person) and what the mapping makes of
//! it in `golden/out`. Run with `UPDATE_EXPECT=1` to rewrite the expected files after a deliberate
//! change, then review the diff.

use std::path::{Path, PathBuf};

use expect_test::expect_file;
use vcard_map::{GroupTable, Version, card_to_person, parse, person_to_vcard};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The account's groups the fixtures refer to.
fn groups() -> GroupTable {
    GroupTable::new([
        ("contactGroups/band".to_string(), "Band".to_string()),
        ("contactGroups/friends".to_string(), "Friends".to_string()),
    ])
}

/// The card as stored in the expected file: expect-test reads files with `\n` line ends.
fn lf(card: &str) -> String {
    assert!(
        card.split_inclusive('\n').all(|l| l.ends_with("\r\n")),
        "every line ends in CRLF:\n{card}"
    );
    card.replace("\r\n", "\n")
}

fn json(person: &people::Person) -> String {
    serde_json::to_string_pretty(person).expect("a Person serializes") + "\n"
}

/// A vCard's output: the Person with diagnostics, then the card written back in 3.0 and 4.0.
fn from_vcard(input: &Path, out: &Path, stem: &str) {
    let bytes = std::fs::read(input).expect("fixture is readable");
    let parsed = parse(&bytes);
    assert_eq!(parsed.cards.len(), 1, "{stem}: one card per fixture");
    let (card, diags) = parsed.cards[0].as_ref().expect("fixture parses");
    let person = card_to_person(card, &groups());
    let mut person_out = json(&person);
    for d in diags {
        person_out.push_str(&format!("// diagnostic: {d}\n"));
    }
    expect_file![out.join(format!("{stem}.json"))].assert_eq(&person_out);
    for (version, ext) in [(Version::V3, "v3.vcf"), (Version::V4, "v4.vcf")] {
        let written = person_to_vcard(&person, &groups(), version);
        expect_file![out.join(format!("{stem}.{ext}"))].assert_eq(&lf(&written));
    }
}

/// A Person's output: the card in 3.0 and 4.0, and the Person read back from each.
fn from_person(input: &Path, out: &Path, stem: &str) {
    let text = std::fs::read_to_string(input).expect("fixture is readable");
    let person: people::Person = serde_json::from_str(&text).expect("fixture is a Person");
    for (version, ext) in [(Version::V3, "v3"), (Version::V4, "v4")] {
        let written = person_to_vcard(&person, &groups(), version);
        expect_file![out.join(format!("{stem}.{ext}.vcf"))].assert_eq(&lf(&written));
        let (card, diags) = vcard_map::parse_one(written.as_bytes()).expect("our output parses");
        assert!(diags.is_empty(), "{stem} {ext}: {diags:?}");
        let back = card_to_person(&card, &groups());
        expect_file![out.join(format!("{stem}.{ext}.json"))].assert_eq(&json(&back));
    }
}

#[test]
fn golden_fixtures() {
    let dir = golden();
    let out = dir.join("out");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir.join("in"))
        .expect("golden/in exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "{} fixtures", inputs.len());
    for input in inputs {
        let stem = input
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name")
            .to_string();
        match input.extension().and_then(|e| e.to_str()) {
            Some("vcf") => from_vcard(&input, &out, &stem),
            Some("json") => from_person(&input, &out, &stem),
            other => panic!("{}: unexpected fixture kind {other:?}", input.display()),
        }
    }
}
