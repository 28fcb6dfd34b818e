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
pub fn start(mut cmd: Command, marker: &str) -> (Proc, String) {
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
