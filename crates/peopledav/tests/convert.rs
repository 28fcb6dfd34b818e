//! `peopledav convert` as a user runs it: the built binary on files in a temporary folder.

use std::path::Path;
use std::process::{Command, Output};

use vcard_map::{GroupTable, Version, card_to_person, parse, person_to_vcard};

fn convert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peopledav"))
        .arg("convert")
        .args(args)
        .output()
        .expect("the peopledav binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn write(dir: &Path, name: &str, body: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("temp file is writable");
    path.to_str().expect("utf-8 temp path").to_string()
}

const TWO_CARDS_AND_A_BROKEN_ONE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\n\
    EMAIL;type=INTERNET;type=WORK;type=pref:jane@work.example\r\nitem1.TEL:+1 555 0100\r\n\
    item1.X-ABLabel:_$!<Mobile>!$_\r\nX-CUSTOM:kept\r\nEND:VCARD\r\n\
    BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob\r\nBDAY:--1125\r\nEND:VCARD\r\n\
    BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Ends\r\n";

#[test]
fn vcards_to_person_json_and_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cards = write(dir.path(), "in.vcf", TWO_CARDS_AND_A_BROKEN_ONE.as_bytes());

    let out = convert(&["--to", "person", &cards]);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a skipped card sets the exit code; stderr: {stderr}"
    );
    assert!(
        stderr.contains("card 3 (line 15): BEGIN:VCARD without END:VCARD"),
        "the error names the card and the line: {stderr}"
    );
    let persons: Vec<people::Person> =
        serde_json::from_slice(&out.stdout).expect("a JSON array of Person");
    assert_eq!(persons.len(), 2);
    assert_eq!(
        persons[0].email_addresses[0].value.as_deref(),
        Some("jane@work.example")
    );
    assert_eq!(
        persons[0].phone_numbers[0].r#type.as_deref(),
        Some("mobile")
    );
    assert_eq!(
        persons[1].birthdays[0]
            .date
            .as_ref()
            .and_then(|d| d.month()),
        Some(11)
    );

    let json = write(dir.path(), "people.json", &out.stdout);
    for (version, expected) in [("3.0", "VERSION:3.0\r\n"), ("4.0", "VERSION:4.0\r\n")] {
        let out = convert(&["--to", "vcard", "--vcard-version", version, &json]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let vcards = text(&out.stdout);
        assert_eq!(vcards.matches("BEGIN:VCARD\r\n").count(), 2, "{vcards}");
        assert_eq!(vcards.matches(expected).count(), 2, "{vcards}");
        assert!(
            vcards.contains("X-CUSTOM:kept\r\n"),
            "clientData restores the unknown line: {vcards}"
        );
        assert!(
            vcards.contains("item1.X-ABLabel:_$!<Mobile>!$_\r\n"),
            "{vcards}"
        );
    }
}

#[test]
fn vcards_between_versions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let legacy = write(
        dir.path(),
        "legacy.vcf",
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n\
          TEL;CELL;PREF:+49 170 000000\r\nBDAY:1980-02-29\r\nEND:VCARD\r\n",
    );
    let out = convert(&["--to", "vcard", "--vcard-version", "4.0", &legacy]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v4 = text(&out.stdout);
    assert!(v4.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{v4}");
    assert!(v4.contains("N:Müller;Jürgen\r\n"), "{v4}");
    assert!(
        v4.contains("TEL;TYPE=cell;PREF=1:+49 170 000000\r\n"),
        "{v4}"
    );
    assert!(v4.contains("BDAY:19800229\r\n"), "{v4}");

    let v4_file = write(dir.path(), "v4.vcf", v4.as_bytes());
    let out = convert(&["--to", "vcard", "--vcard-version", "3.0", &v4_file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v3 = text(&out.stdout);
    assert!(v3.contains("VERSION:3.0\r\n"), "{v3}");
    assert!(v3.contains("TEL;TYPE=cell,pref:+49 170 000000\r\n"), "{v3}");
    assert!(v3.contains("BDAY:1980-02-29\r\n"), "{v3}");
}

#[test]
fn bad_json_entries_are_named_and_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = write(
        dir.path(),
        "people.json",
        br#"[{"names": [{"givenName": "Ok"}]}, {"names": "not a list"}]"#,
    );
    let out = convert(&["--to", "vcard", &json]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("entry 2 is not a Person"), "{stderr}");
    assert_eq!(text(&out.stdout).matches("BEGIN:VCARD").count(), 1);

    let not_json = write(dir.path(), "nonsense.txt", b"hello");
    let out = convert(&["--to", "vcard", &not_json]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not JSON"),
        "{}",
        text(&out.stderr)
    );
}

/// Every valid card of the shared corpus goes through `convert --to person` and
/// `convert --to vcard` exactly as through the library, whose round trip the vcard-map corpus
/// test checks property by property.
#[test]
fn corpus_round_trips_through_the_command() {
    let Some(shared) = testkit::shared_dir() else {
        return;
    };
    let vcards = shared.join("vcards");
    let manifest = std::fs::read_to_string(vcards.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let dir = tempfile::tempdir().expect("temp dir");
    let groups = GroupTable::default();
    let (mut files, mut cards) = (0, 0);
    for line in manifest
        .lines()
        .skip(1)
        .filter(|l| l.split('\t').nth(3) == Some("valid"))
    {
        let file = vcards.join(line.split('\t').next().expect("a file column"));
        let path = file.to_str().expect("utf-8 corpus path");
        let out = convert(&["--to", "person", path]);
        assert!(out.status.success(), "{path}: {}", text(&out.stderr));
        let json = write(dir.path(), "people.json", &out.stdout);
        let out = convert(&["--to", "vcard", "--vcard-version", "4.0", &json]);
        assert!(out.status.success(), "{path}: {}", text(&out.stderr));

        let bytes = std::fs::read(&file).expect("corpus file");
        let expected: String = parse(&bytes)
            .cards
            .iter()
            .map(|c| {
                let (card, _) = c.as_ref().expect("valid corpus cards parse");
                person_to_vcard(&card_to_person(card, &groups), &groups, Version::V4)
            })
            .collect();
        cards += expected.matches("BEGIN:VCARD\r\n").count();
        assert_eq!(text(&out.stdout), expected, "{path}");
        files += 1;
    }
    eprintln!("convert: {files} corpus files, {cards} cards round-tripped");
    assert!(files > 100, "{files} files");
}
