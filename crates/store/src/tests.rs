//! Unit tests of the store internals.
