//! `peopledav serve` as an administrator runs it: a config file with an emulator account,
//! `user add`, then `serve`; a client's card reaches the account and Google's contacts reach the
//! client.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::{eventually, peopledav, start, write_config};

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

/// `[tls]` in the config: the bridge answers HTTPS with that certificate, and a certificate it
/// cannot use stops it with an error naming the file.
#[tokio::test]
async fn serve_speaks_https_with_the_configured_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_emulator, emulator_url) = common::start_emulator(3);
    let config = write_config(dir.path(), &emulator_url);
    common::add_user(&config, "alice", "family", "correct horse");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("a certificate");
    std::fs::write(dir.path().join("cert.pem"), cert.cert.pem()).expect("cert written");
    std::fs::write(dir.path().join("key.pem"), cert.key_pair.serialize_pem()).expect("key written");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace(
            "[sync]\n",
            "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n\n[sync]\n",
        ),
    )
    .expect("config written");

    let mut cmd = peopledav();
    cmd.arg("--config").arg(&config).arg("serve");
    let (_bridge, url) = start(cmd, "serving CardDAV");
    assert!(url.starts_with("https://"), "{url}");
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).expect("pem"),
        )
        .build()
        .expect("client");
    let book = format!("{url}/dav/alice/contacts/");
    assert!(
        eventually(|| async {
            let resp = client
                .request(reqwest::Method::from_bytes(b"PROPFIND").unwrap(), &book)
                .basic_auth("alice", Some("correct horse"))
                .header("Depth", "1")
                .send()
                .await
                .expect("an https answer");
            resp.status() == 207
                && resp
                    .text()
                    .await
                    .unwrap_or_default()
                    .matches(".vcf<")
                    .count()
                    >= 3
        })
        .await,
        "the book is served over https"
    );
    let plain = reqwest::Client::new()
        .get(url.replace("https://", "http://"))
        .send()
        .await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "plain http is not served"
    );

    // A key that is not PEM: serve refuses to start and names the file.
    std::fs::write(dir.path().join("key.pem"), "not a key").expect("key written");
    let out = peopledav()
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .output()
        .expect("serve runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key.pem"), "{err}");
}
