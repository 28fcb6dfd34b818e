//! A DAV request body → the request parsers (see `peopledav_fuzz::dav_xml`).

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| peopledav_fuzz::dav_xml(bytes));
