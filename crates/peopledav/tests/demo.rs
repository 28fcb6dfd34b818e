//! `peopledav demo` as a user runs it: the binary starts, prints where to connect, serves the
//! seeded contacts over CardDAV, pushes a client's card to the emulator, and keeps its state
//! across a restart.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{local_texts, vdirsyncer, vdirsyncer_run};

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

/// The README path: the demo running, vdirsyncer syncing its book, an edit made in vdirsyncer's
/// folder reaching the emulator, and an edit made through the emulator's API reaching the folder.
#[tokio::test]
async fn vdirsyncer_syncs_the_demo_book_both_ways() {
    let Some(vdirsyncer) = vdirsyncer("the demo with vdirsyncer") else {
        return;
    };
    let data = tempfile::tempdir().expect("data dir");
    let demo = start(data.path(), 10);
    let client = reqwest::Client::new();
    assert!(
        eventually(|| async { hrefs(&client, &demo).await.len() >= 10 }).await,
        "the seeded contacts reach the demo book"
    );

    let home = tempfile::tempdir().expect("home");
    let local = home.path().join("contacts");
    std::fs::create_dir_all(&local).expect("local dir");
    std::fs::create_dir_all(home.path().join("status")).expect("status dir");
    std::fs::write(
        home.path().join("vdirsyncer.conf"),
        format!(
            "[general]\nstatus_path = \"{status}\"\n\n\
             [pair demo]\na = \"peopledav\"\nb = \"local\"\ncollections = null\nconflict_resolution = \"a wins\"\n\n\
             [storage peopledav]\ntype = \"carddav\"\nurl = \"{dav}demo/contacts/\"\nusername = \"demo\"\npassword = \"demo\"\n\n\
             [storage local]\ntype = \"filesystem\"\npath = \"{local}\"\nfileext = \".vcf\"\n",
            status = home.path().join("status").display(),
            dav = demo.dav,
            local = local.display(),
        ),
    )
    .expect("vdirsyncer config");
    vdirsyncer_run(&vdirsyncer, home.path(), &["discover"]);
    vdirsyncer_run(&vdirsyncer, home.path(), &["sync"]);
    let cards = local_texts(&local);
    assert_eq!(
        cards.len(),
        hrefs(&client, &demo).await.len(),
        "every card arrives"
    );

    // An edit in vdirsyncer's folder reaches Google (the emulator).
    let (path, text) = cards
        .iter()
        .find(|(_, t)| !t.contains("KIND:group") && !t.contains("KIND:GROUP"))
        .expect("a person card")
        .clone();
    let edited: String = text
        .split_inclusive('\n')
        .map(|line| {
            if line.starts_with("FN:") || line.starts_with("FN;") {
                "FN:Edited Locally\r\n".to_owned()
            } else if line.starts_with("N:") || line.starts_with("N;") {
                "N:Locally;Edited;;;\r\n".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert_ne!(edited, text, "the card has FN and N lines");
    std::fs::write(&path, edited).expect("local edit");
    vdirsyncer_run(&vdirsyncer, home.path(), &["sync"]);
    assert!(
        eventually(|| async {
            google_names(&client, &demo)
                .await
                .iter()
                .any(|n| n == "Edited Locally")
        })
        .await,
        "the local edit reaches the emulator"
    );

    // An edit through the emulator's API reaches vdirsyncer's folder.
    let listing: serde_json::Value = client
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
    let person = listing["connections"]
        .as_array()
        .expect("connections")
        .iter()
        .find(|p| p["names"][0]["displayName"] != "Edited Locally")
        .expect("another contact")
        .clone();
    let resource = person["resourceName"].as_str().expect("resource name");
    let updated = client
        .patch(format!(
            "{}/v1/{resource}:updateContact?updatePersonFields=names",
            demo.emulator
        ))
        .bearer_auth("emulator")
        .json(&serde_json::json!({
            "etag": person["etag"],
            "names": [{"givenName": "Changed", "familyName": "AtGoogle"}],
        }))
        .send()
        .await
        .expect("update");
    assert!(updated.status().is_success(), "{:?}", updated.text().await);
    let mut arrived = false;
    for _ in 0..40 {
        vdirsyncer_run(&vdirsyncer, home.path(), &["sync"]);
        if local_texts(&local)
            .iter()
            .any(|(_, t)| t.contains("AtGoogle"))
        {
            arrived = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    assert!(arrived, "the emulator's edit reaches vdirsyncer's folder");
    demo.interrupt();
}
