//! The browser side of `peopledav serve`: the status page (in headless Chromium too), its JSON,
//! `peopledav status` while the bridge runs and after, `/metrics`, and the OAuth web flow that
//! connects a Google account from the status page (against the emulator's OAuth endpoints).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{add_user, eventually, peopledav, start, start_emulator, write_config};
use serde_json::Value;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn status_json(dav: &str, user: &str, password: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{dav}/status.json"))
        .basic_auth(user, Some(password))
        .send()
        .await
        .expect("status.json")
        .json()
        .await
        .expect("json")
}

async fn synced(dav: &str, user: &str, password: &str) -> bool {
    let s = status_json(dav, user, password).await;
    s["sync"]["last_success"].is_i64() && s["books"]["contacts"].as_u64().unwrap_or(0) > 0
}

fn status_command(data: &Path, json: bool) -> (i32, String) {
    let mut cmd = peopledav();
    cmd.arg("status").arg("--data").arg(data);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("status runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn the_status_page_status_command_and_metrics_show_the_sync() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_emulator, emulator_url) = start_emulator(15);
    let config = write_config(dir.path(), &emulator_url);
    add_user(&config, "alice", "family", "alice pass");
    add_user(&config, "bob", "family", "bob pass");

    let mut serve = peopledav();
    serve.arg("--config").arg(&config).arg("serve");
    let (serve, dav) = start(serve, "serving CardDAV");
    assert!(
        eventually(|| synced(&dav, "alice", "alice pass")).await,
        "alice's first sync shows on the status page"
    );

    let http = reqwest::Client::new();
    let anonymous = http.get(format!("{dav}/")).send().await.expect("get /");
    assert_eq!(anonymous.status(), 401, "the status page needs a login");
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let wrong = http
        .get(format!("{dav}/"))
        .basic_auth("alice", Some("bob pass"))
        .send()
        .await
        .expect("get /");
    assert_eq!(wrong.status(), 401);

    let page = http
        .get(format!("{dav}/"))
        .basic_auth("alice", Some("alice pass"))
        .send()
        .await
        .expect("get /");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("in sync"), "{html}");
    assert!(
        html.contains(&format!("value=\"{dav}/dav/\"")),
        "the CardDAV URL to copy"
    );
    assert!(html.contains("/dav/alice/contacts/"));
    let cards = status_json(&dav, "alice", "alice pass").await["books"]["contacts"]
        .as_u64()
        .expect("a count");
    assert!(html.contains(&format!("{cards} cards")), "{html}");
    assert!(html.contains("0 waiting to be sent to Google"));
    assert!(
        html.contains("local People API"),
        "an emulator account says so"
    );
    assert!(!html.contains("/dav/bob/"), "alice sees only her own books");

    let bob = status_json(&dav, "bob", "bob pass").await;
    assert_eq!(bob["user"], "bob", "each user gets their own report");

    // `peopledav status` while the bridge holds the store: the bridge's report.
    let data = dir.path().join("data");
    let mut report = None;
    for _ in 0..100 {
        let (code, out) = status_command(&data, true);
        let v: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
        let ready = v["users"].as_array().is_some_and(|users| {
            users.len() == 2 && users.iter().all(|u| u["sync"]["last_success"].is_i64())
        });
        if code == 0 && ready {
            report = Some(v);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let report = report.expect("peopledav status reports both users as ok while serving");
    assert_eq!(report["users"][0]["account_kind"], "emulator");
    assert_eq!(report["users"][0]["pending_changes"], 0);

    let metrics = http
        .get(format!("{dav}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for needle in [
        "peopledav_http_requests_total{method=\"GET\",status=\"401\"}",
        "peopledav_http_request_duration_seconds_bucket{",
        "peopledav_sync_rounds_total{user=\"alice\"}",
        "peopledav_google_api_requests_total{user=\"alice\",method=\"people.connections.list\"}",
        "peopledav_outbox_depth{user=\"alice\"} 0",
    ] {
        assert!(metrics.contains(needle), "{needle} in\n{metrics}");
    }
    let cards_line = format!("peopledav_cards{{user=\"alice\",book=\"contacts\"}} {cards}");
    assert!(metrics.contains(&cards_line), "{cards_line} in\n{metrics}");

    // Stopped: `peopledav status` opens the store itself.
    drop(serve);
    let (code, text) = status_command(&data, false);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("alice — account family: ok"), "{text}");
    assert!(text.contains("pending       0 change(s) to push"), "{text}");
    assert!(
        text.contains(&format!("cards         contacts {cards}")),
        "{text}"
    );
}

/// The Chromium binary: `PEOPLEDAV_CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PEOPLEDAV_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

#[tokio::test]
async fn the_status_page_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("PEOPLEDAV_REQUIRE_BROWSER").is_none(),
            "PEOPLEDAV_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)"
        );
        eprintln!(
            "SKIPPED: the status page in Chromium: no chromium on PATH (apt-get install chromium, or set PEOPLEDAV_CHROMIUM)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (_emulator, emulator_url) = start_emulator(8);
    let config = write_config(dir.path(), &emulator_url);
    add_user(&config, "carol", "family", "carol pw");
    let mut serve = peopledav();
    serve.arg("--config").arg(&config).arg("serve");
    let (_serve, dav) = start(serve, "serving CardDAV");
    assert!(eventually(|| synced(&dav, "carol", "carol pw")).await);

    let url = dav.replacen("http://", "http://carol:carol%20pw@", 1) + "/";
    let profile = dir.path().join("chromium-profile");
    let run = |extra: &[&str]| {
        let mut cmd = Command::new(&browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--window-size=1000,1200",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url);
        cmd.output().expect("chromium runs")
    };
    let dom = run(&["--dump-dom"]);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom_text.contains("id=\"state\"") && dom_text.contains("in sync"),
        "chromium rendered the status page: {dom_text}\n{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    assert!(dom_text.contains("/dav/carol/contacts/"));

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("status-page.png");
    let _ = std::fs::remove_file(&shot);
    let out = run(&[&format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).unwrap_or_else(|_| {
        panic!(
            "chromium wrote no screenshot: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(png.len() > 10_000, "a real page, not a blank one");
    eprintln!("status page screenshot: {}", shot.display());
}

fn oauth_config(dir: &Path, emulator: &str) -> PathBuf {
    std::fs::write(
        dir.join("client_secret.json"),
        serde_json::json!({
            "web": {
                "client_id": "peopledav-test.apps.example",
                "client_secret": "not-so-secret",
                "auth_uri": format!("{emulator}/o/oauth2/auth"),
                "token_uri": format!("{emulator}/token"),
                "redirect_uris": [],
            }
        })
        .to_string(),
    )
    .expect("secret written");
    let path = dir.join("peopledav.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[sync]\ninterval_secs = 1\n\n\
             [[account]]\nname = \"family\"\nkind = \"oauth\"\nclient_secret_file = \"client_secret.json\"\n\
             token_file = \"tokens/family.json\"\napi_url = \"{emulator}\"\nbooks = [\"contacts\"]\n"
        ),
    )
    .expect("config written");
    path
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Opens the emulator's consent page and presses "Allow": returns where it sends the browser.
async fn allow_at_consent(http: &reqwest::Client, emulator: &str, consent_url: &str) -> String {
    let consent = http
        .get(consent_url)
        .send()
        .await
        .expect("consent")
        .text()
        .await
        .expect("html");
    let href = consent
        .split("class=\"allow\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an Allow link")
        .replace("&amp;", "&");
    let allowed = http
        .get(format!("{emulator}{href}"))
        .send()
        .await
        .expect("allow");
    assert_eq!(allowed.status(), 302);
    location(&allowed)
}

#[tokio::test]
async fn connect_google_account_runs_the_oauth_web_flow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_emulator, emulator_url) = start_emulator(6);
    let config = oauth_config(dir.path(), &emulator_url);
    add_user(&config, "dana", "family", "dana pw");
    add_user(&config, "eve", "family", "eve pw");
    let mut serve = peopledav();
    serve.arg("--config").arg(&config).arg("serve");
    let (_serve, dav) = start(serve, "serving CardDAV");
    let http = no_redirects();

    let before = status_json(&dav, "dana", "dana pw").await;
    assert_eq!(before["connected"], false);
    let page = http
        .get(format!("{dav}/"))
        .basic_auth("dana", Some("dana pw"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("not connected to Google"), "{page}");
    assert!(page.contains("Connect Google account"), "{page}");

    // The button: to the consent page, with this bridge's callback.
    let started = http
        .post(format!("{dav}/connect"))
        .basic_auth("dana", Some("dana pw"))
        .form(&[("account", "family")])
        .send()
        .await
        .expect("connect");
    assert_eq!(started.status(), 303);
    let consent_url = location(&started);
    assert!(consent_url.starts_with(&format!("{emulator_url}/o/oauth2/auth?")));
    let parsed = url::Url::parse(&consent_url).expect("url");
    let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(q["redirect_uri"], format!("{dav}/oauth/callback"));
    assert_eq!(q["access_type"], "offline");
    assert!(q["scope"].contains("https://www.googleapis.com/auth/contacts"));

    // The consent page; "Allow" sends the browser back with a code.
    let callback = allow_at_consent(&http, &emulator_url, &consent_url).await;
    assert!(callback.starts_with(&format!("{dav}/oauth/callback?code=")));

    // Another user cannot complete dana's flow.
    let stolen = http
        .get(&callback)
        .basic_auth("eve", Some("eve pw"))
        .send()
        .await
        .expect("callback");
    assert_eq!(stolen.status(), 400);
    // That attempt used up the state: dana starts again.
    let again = http
        .post(format!("{dav}/connect"))
        .basic_auth("dana", Some("dana pw"))
        .form(&[("account", "family")])
        .send()
        .await
        .expect("connect");
    let consent_url = location(&again);
    let callback = allow_at_consent(&http, &emulator_url, &consent_url).await;
    let done = http
        .get(&callback)
        .basic_auth("dana", Some("dana pw"))
        .send()
        .await
        .expect("callback");
    assert_eq!(done.status(), 303, "{:?}", done.text().await);

    let token_file = dir.path().join("tokens/family.json");
    let meta = std::fs::metadata(&token_file).expect("the token file is written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let tokens = std::fs::read_to_string(&token_file).expect("tokens");
    assert!(tokens.contains("refresh_token"));

    // The running bridge picks the login up and syncs.
    assert!(
        eventually(|| synced(&dav, "dana", "dana pw")).await,
        "{}",
        status_json(&dav, "dana", "dana pw").await
    );
    let after = status_json(&dav, "dana", "dana pw").await;
    assert_eq!(after["connected"], true);
    assert!(after["books"]["contacts"].as_u64().unwrap_or(0) >= 6);

    let bogus = http
        .get(format!("{dav}/oauth/callback?code=x&state=nonsense"))
        .basic_auth("dana", Some("dana pw"))
        .send()
        .await
        .expect("callback");
    assert_eq!(bogus.status(), 400);
    let foreign = http
        .post(format!("{dav}/connect"))
        .basic_auth("dana", Some("dana pw"))
        .form(&[("account", "someone-else")])
        .send()
        .await
        .expect("connect");
    assert_eq!(foreign.status(), 403);
}
