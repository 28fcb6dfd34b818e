//! People API JSON → Person → vCard (see `peopledav_fuzz::people_json`).

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| peopledav_fuzz::people_json(bytes));
