//! No secret in the logs or in the store: `peopledav serve` at the most verbose log level, a
//! user's password (right and wrong), the Google account's bearer token, a client's writes synced
//! to Google, the status page and the `status`/`sync` commands — then neither the logs nor any file
//! in the data dir contains a password, the token, or the Basic credentials a client sent — as
//! text or as debug-printed bytes.

mod common;

use std::path::Path;
use std::process::Stdio;

use base64::Engine as _;
use common::{add_user, eventually, peopledav, start, start_logging};

const PASSWORD: &str = "pw-Kx7-tangerine-otter";
const WRONG_PASSWORD: &str = "pw-Zq2-wrong-lantern";
const TOKEN: &str = "ya29.tok-Hv9-emulator-secret";

fn config(dir: &Path, emulator: &str) -> std::path::PathBuf {
    let path = dir.join("peopledav.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[log]\nlevel = \"trace\"\n\n\
             [sync]\ninterval_secs = 1\n\n[[account]]\nname = \"family\"\nkind = \"emulator\"\n\
             url = \"{emulator}\"\ntoken = \"{TOKEN}\"\n"
        ),
    )
    .expect("config written");
    path
}

/// Every secret in the forms it could leak in: as given, and as the Basic credentials carry it.
fn secrets() -> Vec<String> {
    let basic = |password: &str| {
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{password}"))
    };
    // Debug-printed bytes, as some libraries log buffers: `[112, 119, 45, ...`.
    let bytes = |secret: &str| {
        let listed: Vec<String> = secret.bytes().map(|b| b.to_string()).collect();
        listed.join(", ")
    };
    let mut all = Vec::new();
    for secret in [PASSWORD, WRONG_PASSWORD, TOKEN] {
        all.extend([secret.to_owned(), bytes(secret), basic(secret)]);
    }
    all
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    for secret in secrets() {
        assert!(
            !bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "{what} contains the secret {secret:?}"
        );
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test]
async fn neither_logs_nor_the_store_hold_a_password_or_a_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut emu = peopledav();
    emu.args(["emulator", "--listen", "127.0.0.1:0", "--seed-count", "5"])
        .args(["--token", TOKEN]);
    let (emulator, emulator_url) = start(emu, "listening on");
    let config = config(dir.path(), &emulator_url);
    add_user(&config, "alice", "family", PASSWORD);

    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut serve = peopledav();
    serve
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env_remove("PEOPLEDAV_LOG");
    let (serve, url) = start_logging(serve, "serving CardDAV", Some(log));

    let client = reqwest::Client::new();
    let book = format!("{url}/dav/alice/contacts/");
    let propfind = |password: &'static str| {
        client
            .request(reqwest::Method::from_bytes(b"PROPFIND").unwrap(), &book)
            .basic_auth("alice", Some(password))
            .header("Depth", "1")
            .send()
    };
    assert_eq!(propfind(WRONG_PASSWORD).await.expect("sent").status(), 401);
    assert_eq!(propfind(PASSWORD).await.expect("sent").status(), 207);
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:secret-test-1\r\nFN:Ada Lovelace\r\n\
                N:Lovelace;Ada;;;\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n";
    let put = client
        .put(format!("{book}secret-test-1.vcf"))
        .basic_auth("alice", Some(PASSWORD))
        .header("Content-Type", "text/vcard")
        .header("If-None-Match", "*")
        .body(card)
        .send()
        .await
        .expect("PUT sent");
    assert_eq!(put.status(), 201);
    let status_page = client
        .get(format!("{url}/"))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .expect("status page");
    assert_eq!(status_page.status(), 200);
    let status_page = status_page.text().await.expect("page");
    assert_no_secret("the status page", status_page.as_bytes());

    // The card reaches Google: the bridge used the token for reads and writes.
    let google = reqwest::Client::new();
    let in_google = eventually(|| async {
        google
            .get(format!(
                "{emulator_url}/v1/people/me/connections?personFields=emailAddresses&pageSize=1000"
            ))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("body")
            .contains("ada@example.org")
    })
    .await;
    assert!(in_google, "the client's card reached Google");
    drop(serve);

    for command in [&["status", "--json"][..], &["sync", "--user", "alice"][..]] {
        let out = peopledav()
            .arg("--config")
            .arg(&config)
            .args(command)
            .env("PEOPLEDAV_LOG", "trace")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        assert!(out.status.success(), "peopledav {command:?}: {out:?}");
        assert_no_secret(&format!("`peopledav {command:?}` stdout"), &out.stdout);
        assert_no_secret(&format!("`peopledav {command:?}` stderr"), &out.stderr);
    }
    drop(emulator);

    let log = std::fs::read(&log_path).expect("log read");
    assert!(
        String::from_utf8_lossy(&log).contains("TRACE") || log.len() > 10_000,
        "the log is verbose enough to have leaked: {} bytes",
        log.len()
    );
    assert_no_secret("the serve log", &log);

    let mut files = Vec::new();
    files_under(&dir.path().join("data"), &mut files);
    assert!(!files.is_empty(), "the data dir holds the store");
    for file in files {
        let bytes = std::fs::read(&file).expect("store file read");
        assert_no_secret(&format!("{}", file.display()), &bytes);
    }
}
