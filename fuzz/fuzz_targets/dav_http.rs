//! Whole HTTP requests → the DAV router: no panic, no 5xx (see `peopledav_fuzz::dav_http`).

#![no_main]

libfuzzer_sys::fuzz_target!(|input: peopledav_fuzz::HttpInput| peopledav_fuzz::dav_http(input));
