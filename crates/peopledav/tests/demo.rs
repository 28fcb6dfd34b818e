//! `peopledav demo` as a user runs it: the binary starts, prints where to connect, serves the
//! seeded contacts over CardDAV, pushes a client's card to the emulator, and keeps its state
//! across a restart.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Demo {
    child: Child,
    dav: String,
    emulator: String,
}

impl Demo {
    /// Stops the demo as a user does, with Ctrl-C (SIGINT), and waits for it to exit.
    fn interrupt(mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = self.child.wait().expect("the demo exits");
        assert!(exit.success(), "the demo exits cleanly on Ctrl-C: {exit}");
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, seed: usize) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_peopledav"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--emulator-listen",
            "127.0.0.1:0",
        ])
        .arg("--data")
        .arg(data)
        .args(["--seed-count", &seed.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut dav = None;
    let mut emulator = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line of output");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_owned);
        if line.trim_start().starts_with("CardDAV URL:") {
            dav = url;
        } else if line.trim_start().starts_with("emulator:") {
            emulator = url;
        }
        if line.contains("Ctrl-C stops") {
            break;
        }
    }
    Demo {
        child,
        dav: dav.expect("the demo prints the CardDAV URL"),
        emulator: emulator.expect("the demo prints the emulator URL"),
    }
}

async fn hrefs(client: &reqwest::Client, demo: &Demo) -> Vec<String> {
    let body = client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").expect("method"),
            format!("{}demo/contacts/", demo.dav),
        )
        .basic_auth("demo", Some("demo"))
        .header("Depth", "1")
        .send()
        .await
        .expect("propfind")
        .text()
        .await
        .expect("body");
    body.split("<D:href>")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .filter(|h| h.ends_with(".vcf"))
        .map(str::to_owned)
        .collect()
}

async fn google_names(client: &reqwest::Client, demo: &Demo) -> Vec<String> {
    let body: serde_json::Value = client
        .get(format!(
            "{}/v1/people/me/connections?personFields=names&pageSize=1000",
            demo.emulator
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
        .filter_map(|p| p["names"][0]["displayName"].as_str().map(str::to_owned))
        .collect()
}

/// Polls until `f` holds (the sync task pushes in the background); gives up after 30 s.
async fn eventually<F, Fut>(mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..300 {
        if f().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_demo_serves_syncs_and_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("demo");
    let client = reqwest::Client::new();

    let demo = start(&data, 30);
    assert!(
        eventually(|| async { hrefs(&client, &demo).await.len() >= 30 }).await,
        "the seeded contacts appear over CardDAV"
    );
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:demo-grace\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nEMAIL:grace@example.org\r\nEND:VCARD\r\n";
    let put = client
        .put(format!("{}demo/contacts/grace.vcf", demo.dav))
        .basic_auth("demo", Some("demo"))
        .header("Content-Type", "text/vcard")
        .header("If-None-Match", "*")
        .body(card)
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 201);
    assert!(
        eventually(|| async {
            google_names(&client, &demo)
                .await
                .iter()
                .any(|n| n == "Grace Hopper")
        })
        .await,
        "the card reaches the emulator"
    );
    let before = hrefs(&client, &demo).await.len();
    demo.interrupt();

    let demo = start(&data, 30);
    assert!(
        eventually(|| async { hrefs(&client, &demo).await.len() == before }).await,
        "the restarted demo serves the same cards"
    );
    let names = google_names(&client, &demo).await;
    assert_eq!(
        names.len(),
        31,
        "30 seeded and one pushed, none duplicated: {names:?}"
    );
    assert_eq!(names.iter().filter(|n| *n == "Grace Hopper").count(), 1);
}
