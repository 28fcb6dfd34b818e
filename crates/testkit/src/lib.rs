//! Test helpers shared by the peopledav crates: locating the reference material beside the workspace.
//!
//! The reference material (People API samples, real-world vCards) lives in a `shared/` folder next
//! to the workspace root, or wherever `PEOPLEDAV_SHARED` points. Tests that need it call
//! [`shared_dir`]; when it is missing they say so on stderr, and when `PEOPLEDAV_REQUIRE_SHARED=1`
//! (CI sets it) its absence fails the test instead.

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("testkit lives two levels below the workspace root")
        .to_path_buf()
}

/// The reference folder, or `None` (after a loud message) when it is absent and not required.
///
/// # Panics
/// When the folder is absent and `PEOPLEDAV_REQUIRE_SHARED` is set to anything but `0`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PEOPLEDAV_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    if dir.join("vcards").is_dir() && dir.join("reference").is_dir() {
        return Some(dir);
    }
    let required = std::env::var("PEOPLEDAV_REQUIRE_SHARED").is_ok_and(|v| v != "0");
    assert!(
        !required,
        "reference material not found at {} (set PEOPLEDAV_SHARED to its location)",
        dir.display()
    );
    eprintln!(
        "\n!!! SKIPPING: reference material not found at {}.\n!!! Set PEOPLEDAV_SHARED, or PEOPLEDAV_REQUIRE_SHARED=1 to make this a failure.\n",
        dir.display()
    );
    None
}

/// The body of a captured HTTP message (`HTTP/1.1 200 OK` or a request line, headers, blank line, body).
pub fn http_body(message: &str) -> &str {
    message
        .split_once("\r\n\r\n")
        .or_else(|| message.split_once("\n\n"))
        .map_or("", |(_, body)| body)
}

/// The first line of a captured HTTP message: `METHOD URL` or `HTTP/1.1 CODE REASON`.
pub fn http_start_line(message: &str) -> &str {
    message.lines().next().unwrap_or("")
}

/// A number from the environment (a test's knob, e.g. how many seeds to run), `None` when unset.
///
/// # Panics
/// When the variable is set to something that is not a number.
pub fn env_number(key: &str) -> Option<u64> {
    let value = std::env::var(key).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{key}={value:?} is not a number")),
    )
}
