//! A shared contacts document → the GData reader and writer (see `peopledav_fuzz::gdata_xml`).

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| peopledav_fuzz::gdata_xml(bytes));
