//! The fuzz smoke run of CI, on a stable toolchain: every input kept in `corpus/TARGET/` (what the
//! fuzzer found interesting) and `regressions/TARGET/` (inputs that once crashed) goes through
//! its target's check again.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable entry").path();
            let bytes = std::fs::read(&path).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target} fails on {}", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no inputs kept for {target}");
    eprintln!("{target}: {count} inputs replayed");
}

#[test]
fn vcard_inputs_replay() {
    replay("vcard", peopledav_fuzz::vcard);
}

#[test]
fn dav_xml_inputs_replay() {
    replay("dav_xml", peopledav_fuzz::dav_xml);
}

#[test]
fn people_json_inputs_replay() {
    replay("people_json", peopledav_fuzz::people_json);
}

#[test]
fn dav_http_inputs_replay() {
    replay("dav_http", peopledav_fuzz::dav_http_bytes);
}

#[test]
fn gdata_xml_inputs_replay() {
    replay("gdata_xml", peopledav_fuzz::gdata_xml);
}
