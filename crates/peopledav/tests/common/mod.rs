//! What the binary's integration tests share: running `peopledav`, reading the address it prints,
//! a config file with one emulator account.

#![allow(dead_code, reason = "each test binary uses a part")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn peopledav() -> Command {
    Command::new(env!("CARGO_BIN_EXE_peopledav"))
}

/// Starts `cmd` and returns it with the first `http://` address on a stderr line containing `marker`.
/// `PEOPLEDAV_TEST_LOG=FILE` keeps its stderr, for looking into a failure.
pub fn start(cmd: Command, marker: &str) -> (Proc, String) {
    let keep = std::env::var_os("PEOPLEDAV_TEST_LOG").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
    });
    start_logging(cmd, marker, keep)
}

/// [`start`], writing every stderr line (the marker's included) to `keep`.
pub fn start_logging(
    mut cmd: Command,
    marker: &str,
    keep: Option<std::fs::File>,
) -> (Proc, String) {
    use std::io::Write;
    let mut keep = keep;
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
        if let Some(file) = keep.as_mut() {
            let _ = writeln!(file, "{line}");
        }
        if line.contains(marker) {
            let url = line
                .split_whitespace()
                .find(|w| w.starts_with("http://") || w.starts_with("https://"))
                .expect("an address on the line");
            break url
                .trim_end_matches("/dav/")
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some(file) = keep.as_mut() {
                let _ = writeln!(file, "{line}");
            }
        }
    });
    (Proc(child), url)
}

pub fn write_config(dir: &Path, emulator: &str) -> std::path::PathBuf {
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

pub async fn eventually<F, Fut>(mut f: F) -> bool
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

/// `peopledav --config CONFIG user add NAME --account ACCOUNT`, the password given on stdin.
pub fn add_user(config: &Path, name: &str, account: &str, password: &str) {
    use std::io::Write;
    let mut add = peopledav()
        .arg("--config")
        .arg(config)
        .args([
            "user",
            "add",
            name,
            "--account",
            account,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add runs");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    assert!(
        add.wait().expect("user add exits").success(),
        "user add {name}"
    );
}

/// Starts `peopledav emulator` with `seed` made-up contacts; returns it and its URL.
pub fn start_emulator(seed: usize) -> (Proc, String) {
    let mut emu = peopledav();
    emu.args([
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--seed-count",
        &seed.to_string(),
    ]);
    start(emu, "listening on")
}

/// vdirsyncer from the workspace's `.venv` or PATH; `None` (said loudly) when absent, a failure
/// when `PEOPLEDAV_REQUIRE_CLIENTS=1`.
pub fn vdirsyncer(what: &str) -> Option<std::path::PathBuf> {
    let venv = testkit::workspace_root().join(".venv/bin/vdirsyncer");
    let found = if venv.is_file() {
        Some(venv)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("vdirsyncer"))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        assert!(
            std::env::var_os("PEOPLEDAV_REQUIRE_CLIENTS").is_none_or(|v| v != "1"),
            "vdirsyncer is required (PEOPLEDAV_REQUIRE_CLIENTS=1): pip install vdirsyncer"
        );
        eprintln!("SKIPPED: {what}: vdirsyncer not found (pip install vdirsyncer)");
    }
    found
}

pub fn vdirsyncer_run(program: &Path, home: &Path, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .env("HOME", home)
        .env("VDIRSYNCER_CONFIG", home.join("vdirsyncer.conf"))
        .stdin(Stdio::null())
        .output()
        .expect("vdirsyncer runs");
    assert!(
        out.status.success(),
        "vdirsyncer {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn local_texts(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    std::fs::read_dir(dir)
        .expect("local folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("card");
            (p, text)
        })
        .collect()
}
