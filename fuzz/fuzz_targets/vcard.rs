//! vCard bytes → parse → Person → vCard (see `peopledav_fuzz::vcard`).

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| peopledav_fuzz::vcard(bytes));
