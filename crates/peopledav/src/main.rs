//! The `peopledav` command line.

fn main() {}
