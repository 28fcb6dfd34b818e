//! Errors and diagnostics: a card that could not be read, a line that was dropped, a bad argument.

use std::fmt;

/// A card that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("card {} (line {}): {message}", .index + 1, .line)]
pub struct CardError {
    /// 0-based position of the card in the input.
    pub index: usize,
    /// 1-based line of the input where the problem is.
    pub line: usize,
    pub message: String,
}

/// Something lenient reading had to skip or guess, such as a dropped invalid line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line of the input.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What went wrong, for callers that branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VcardErrorKind {
    /// A version other than 3.0 or 4.0 was asked for.
    UnsupportedVersion,
}

/// An error of this crate other than a card that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VcardError {
    kind: VcardErrorKind,
    message: String,
}

impl VcardError {
    pub(crate) fn new(kind: VcardErrorKind, message: String) -> VcardError {
        VcardError { kind, message }
    }

    pub fn kind(&self) -> VcardErrorKind {
        self.kind
    }
}
