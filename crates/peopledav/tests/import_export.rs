//! `peopledav import` and `export` against the emulator: duplicates by UID and by e-mail or
//! phone are skipped and reported, a broken card is reported with its position, a second import
//! adds nothing, and an export imports back unchanged.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{peopledav, start, write_config};

const CARDS: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:imp-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nUID:imp-2\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\nTEL;TYPE=cell:+44 161 555 0100\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nX-FAVOURITE-SHIP:USS Hopper\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nUID:imp-4\r\nFN:A. Lovelace\r\nEMAIL;TYPE=work:ADA@example.org\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nUID:imp-1\r\nFN:Ada again\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nUID:imp-6\r\nFN:Broken, never ended\r\n";

fn run(config: &Path, args: &[&str]) -> Output {
    peopledav()
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("peopledav runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn google_count(emulator: &str) -> usize {
    let body: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{emulator}/v1/people/me/connections?personFields=names&pageSize=1000"
        ))
        .bearer_auth("emulator")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    body["connections"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn import_skips_duplicates_and_export_round_trips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut emu = peopledav();
    emu.args(["emulator", "--listen", "127.0.0.1:0"]);
    let (_emulator, emulator_url) = start(emu, "listening on");
    let config = write_config(dir.path(), &emulator_url);
    let mut add = peopledav()
        .arg("--config")
        .arg(&config)
        .args([
            "user",
            "add",
            "alice",
            "--account",
            "family",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"secret pw\n")
        .expect("password");
    assert!(add.wait().expect("exit").success());

    let file = dir.path().join("in.vcf");
    std::fs::write(&file, CARDS).expect("vcf written");
    let file = file.to_str().expect("utf-8 path");
    let first = run(&config, &["import", file, "--user", "alice"]);
    let out = text(&first);
    assert_eq!(
        first.status.code(),
        Some(2),
        "a skipped bad card is a partial success: {out}"
    );
    assert!(out.contains("imported 3 card(s)"), "{out}");
    assert!(
        out.contains("unreadable, skipped: card 6 (line 32)"),
        "{out}"
    );
    assert!(
        out.contains("email:ada@example.org already belongs to \"Ada Lovelace\""),
        "{out}"
    );
    assert!(out.contains("UID imp-1"), "{out}");
    assert!(out.contains("pushed to Google: 3 created"), "{out}");
    assert_eq!(google_count(&emulator_url).await, 3);

    let second = run(&config, &["import", file, "--user", "alice"]);
    assert!(
        text(&second).contains("imported 0 card(s)"),
        "{}",
        text(&second)
    );
    assert_eq!(google_count(&emulator_url).await, 3);

    let exported = dir.path().join("out.vcf");
    let exported = exported.to_str().expect("utf-8 path");
    for version in ["3.0", "4.0"] {
        let export = run(
            &config,
            &[
                "export",
                "--user",
                "alice",
                "--vcard-version",
                version,
                "-o",
                exported,
            ],
        );
        assert!(export.status.success(), "{}", text(&export));
        let vcf = std::fs::read_to_string(exported).expect("export read");
        assert_eq!(vcf.matches("BEGIN:VCARD").count(), 3);
        assert_eq!(vcf.matches(&format!("VERSION:{version}")).count(), 3);
        assert!(vcf.contains("X-FAVOURITE-SHIP:USS Hopper"), "{vcf}");
        let back = run(&config, &["import", exported, "--user", "alice"]);
        let out = text(&back);
        assert!(back.status.success(), "{out}");
        assert!(
            out.contains("imported 0 card(s)") && out.contains("3 duplicate(s)"),
            "{out}"
        );
    }
    assert_eq!(google_count(&emulator_url).await, 3);
}
