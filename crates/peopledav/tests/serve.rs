//! `peopledav serve` as an administrator runs it: a config file with an emulator account,
//! `user add`, then `serve`; a client's card reaches the account and Google's contacts reach the
//! client.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peopledav() -> Command {
    Command::new(env!("CARGO_BIN_EXE_peopledav"))
}

/// Starts `cmd` and returns it with the first `http://` address on a stderr line containing `marker`.
fn start(mut cmd: Command, marker: &str) -> (Proc, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("peopledav starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("peopledav exited before printing {marker:?}"))
            .expect("a line");
        if line.contains(marker) {
            let url = line
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .expect("an address on the line");
            break url
                .trim_end_matches("/dav/")
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Proc(child), url)
}

fn write_config(dir: &Path, emulator: &str) -> std::path::PathBuf {
    let path = dir.join("peopledav.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[sync]\ninterval_secs = 1\n\n\
             [[account]]\nname = \"family\"\nkind = \"emulator\"\nurl = \"{emulator}\"\ntoken = \"emulator\"\n"
        ),
    )
    .expect("config written");
    path
}

async fn eventually<F, Fut>(mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..300 {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn serve_syncs_a_configured_user_with_its_account() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut emu = peopledav();
    emu.args(["emulator", "--listen", "127.0.0.1:0", "--seed-count", "12"]);
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
        .expect("user add runs");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse\n")
        .expect("password written");
    assert!(add.wait().expect("user add exits").success());

    let unknown = peopledav()
        .arg("--config")
        .arg(&config)
        .args([
            "user",
            "add",
            "bob",
            "--account",
            "nosuch",
            "--password-stdin",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("user add runs");
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("nosuch"),
        "the error names the unknown account"
    );

    let mut serve = peopledav();
    serve.arg("--config").arg(&config).arg("serve");
    let (_serve, dav) = start(serve, "serving CardDAV");
    let client = reqwest::Client::new();
    let book = format!("{dav}/dav/alice/contacts/");
    let propfind = || async {
        client
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").expect("method"),
                &book,
            )
            .basic_auth("alice", Some("correct horse"))
            .header("Depth", "1")
            .send()
            .await
            .expect("propfind")
            .text()
            .await
            .expect("body")
    };
    assert!(
        eventually(|| async { propfind().await.matches(".vcf<").count() >= 12 }).await,
        "the account's contacts reach the book"
    );

    let wrong = client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").expect("method"),
            &book,
        )
        .basic_auth("alice", Some("wrong"))
        .send()
        .await
        .expect("propfind");
    assert_eq!(wrong.status(), 401);

    let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:serve-ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nTEL;TYPE=cell:+44 20 7946 0000\r\nEND:VCARD\r\n";
    let put = client
        .put(format!("{book}ada.vcf"))
        .basic_auth("alice", Some("correct horse"))
        .header("Content-Type", "text/vcard")
        .body(card)
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 201);
    let listed = || async {
        let body: serde_json::Value = client
            .get(format!(
                "{emulator_url}/v1/people/me/connections?personFields=names&pageSize=1000"
            ))
            .bearer_auth("emulator")
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        body["connections"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["names"][0]["displayName"] == "Ada Lovelace")
            .count()
    };
    assert!(
        eventually(|| async { listed().await == 1 }).await,
        "the card reaches Google"
    );
    // Further rounds (interval 1 s) never duplicate it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(listed().await, 1);
}
