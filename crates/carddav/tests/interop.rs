//! Real clients against the server: vdirsyncer syncs the contacts book both ways with a local
//! folder, and khard reads what vdirsyncer wrote.
//!
//! The programs come from PyPI (`pip install vdirsyncer khard`, which `.ci/run` does in `.venv`).
//! Without them the test says so and passes, unless `PEOPLEDAV_REQUIRE_CLIENTS=1`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{PASSWORD, card, server};
use reqwest::StatusCode;

fn find(program: &str) -> Option<PathBuf> {
    let venv = testkit::workspace_root().join(".venv/bin").join(program);
    if venv.is_file() {
        return Some(venv);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

fn clients() -> Option<(PathBuf, PathBuf)> {
    match (find("vdirsyncer"), find("khard")) {
        (Some(v), Some(k)) => Some((v, k)),
        _ if std::env::var_os("PEOPLEDAV_REQUIRE_CLIENTS").is_some_and(|v| v == "1") => {
            panic!(
                "vdirsyncer and khard are required (PEOPLEDAV_REQUIRE_CLIENTS=1): pip install vdirsyncer khard"
            )
        }
        _ => {
            eprintln!(
                "SKIPPED: vdirsyncer or khard not found; install them with `pip install vdirsyncer khard` (or run .ci/run)"
            );
            None
        }
    }
}

/// Runs a client program to completion (killed after 60 s), with its config in `home`.
async fn run(program: &Path, args: &[&str], home: &Path) -> Output {
    let mut cmd = tokio::process::Command::from(Command::new(program));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("VDIRSYNCER_CONFIG", home.join("vdirsyncer.conf"))
        .env("KHARD_CONFIG", home.join("khard.conf"))
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{} {args:?} hung", program.display()))
        .expect("client runs");
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn local_cards(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("local folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("card");
            (p, text)
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn vdirsyncer_syncs_both_ways_and_khard_reads_the_result() {
    let Some((vdirsyncer, khard)) = clients() else {
        return;
    };
    let s = server().await;
    for (uid, name) in [("ada", "Ada Lovelace"), ("alan", "Alan Turing")] {
        let (status, _, _) = s
            .put(&format!("/dav/alice/contacts/{uid}.vcf"), &card(uid, name))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let home = tempfile::tempdir().expect("home");
    let local = home.path().join("contacts");
    std::fs::create_dir_all(&local).expect("local dir");
    std::fs::create_dir_all(home.path().join("status")).expect("status dir");
    std::fs::write(
        home.path().join("vdirsyncer.conf"),
        format!(
            "[general]\nstatus_path = \"{status}\"\n\n\
             [pair contacts]\na = \"peopledav\"\nb = \"local\"\ncollections = null\nconflict_resolution = \"a wins\"\n\n\
             [storage peopledav]\ntype = \"carddav\"\nurl = \"{base}/dav/alice/contacts/\"\nusername = \"alice\"\npassword = \"{PASSWORD}\"\n\n\
             [storage local]\ntype = \"filesystem\"\npath = \"{local}\"\nfileext = \".vcf\"\n",
            status = home.path().join("status").display(),
            base = s.base,
            local = local.display(),
        ),
    )
    .expect("vdirsyncer config");
    std::fs::write(
        home.path().join("khard.conf"),
        format!(
            "[addressbooks]\n[[alice]]\npath = {}\n\n[general]\ndefault_action = list\neditor = true\nmerge_editor = true\n\n\
             [contact table]\ndisplay = first_name\nsort = last_name\n\n[vcard]\npreferred_version = 3.0\n",
            local.display()
        ),
    )
    .expect("khard config");

    run(&vdirsyncer, &["discover"], home.path()).await;
    run(&vdirsyncer, &["sync"], home.path()).await;
    let cards = local_cards(&local);
    assert_eq!(cards.len(), 2, "both server cards arrive: {cards:?}");

    // khard reads the synced cards.
    let listing = run(&khard, &["list", "--parsable"], home.path()).await;
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains("Ada Lovelace") && listing.contains("Alan Turing"),
        "{listing}"
    );

    // A card created locally reaches the server.
    std::fs::write(local.join("grace.vcf"), card("grace", "Grace Hopper")).expect("local card");
    run(&vdirsyncer, &["sync"], home.path()).await;
    let stored = s
        .store
        .card_by_uid("alice", store::BookName::Contacts, "grace")
        .expect("store");
    let stored = stored.expect("the local card is on the server");
    assert!(String::from_utf8_lossy(&stored.vcard).contains("Grace Hopper"));

    // A change on the server reaches the local folder.
    let (_, headers, _) = s.send(s.req("GET", "/dav/alice/contacts/ada.vcf")).await;
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    let (status, _, _) = s
        .send(
            s.req("PUT", "/dav/alice/contacts/ada.vcf")
                .header("If-Match", etag)
                .header("Content-Type", "text/vcard")
                .body(card("ada", "Ada King")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    run(&vdirsyncer, &["sync"], home.path()).await;
    assert!(
        local_cards(&local)
            .iter()
            .any(|(_, t)| t.contains("Ada King")),
        "the server's edit arrives locally"
    );

    // Deletions both ways.
    let (path, _) = local_cards(&local)
        .into_iter()
        .find(|(_, t)| t.contains("Alan Turing"))
        .expect("alan locally");
    std::fs::remove_file(path).expect("local delete");
    let (status, _, _) = s
        .send(s.req(
            "DELETE",
            &format!(
                "/dav/alice/contacts/{}",
                stored.href.rsplit('/').next().unwrap_or(&stored.href)
            ),
        ))
        .await;
    assert!(status.is_success(), "{status}");
    run(&vdirsyncer, &["sync"], home.path()).await;
    let remaining: Vec<String> = s
        .store
        .cards("alice", store::BookName::Contacts)
        .expect("cards")
        .into_iter()
        .map(|c| String::from_utf8_lossy(&c.vcard).into_owned())
        .collect();
    assert_eq!(remaining.len(), 1, "{remaining:?}");
    assert!(remaining[0].contains("Ada King"));
    let local_left = local_cards(&local);
    assert_eq!(local_left.len(), 1, "{local_left:?}");
    assert!(local_left[0].1.contains("Ada King"));
}
