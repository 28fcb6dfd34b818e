//! The error of this crate: what is wrong with a document, and where.

use std::fmt;

/// What kind of problem a document has, for callers that branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not well-formed XML (a tag, an attribute, an entity, a namespace prefix, a character).
    Syntax,
    /// The bytes are not UTF-8.
    Encoding,
    /// A document type declaration: refused, so no entity can be declared or expanded.
    Doctype,
    /// Elements nested deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// A document larger than [`crate::MAX_DOCUMENT_BYTES`], or an element with too many
    /// attributes or namespace declarations.
    TooLarge,
    /// Well-formed XML that is not the expected document (wrong root element, a batch entry
    /// with an unknown operation, a status code that is not a number).
    Invalid,
}

/// A document could not be read. The message names the element or construct at fault; the line
/// and column (1-based, columns in characters) say where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    location: Option<(usize, usize)>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            location: None,
        }
    }

    pub(crate) fn at(mut self, line: usize, column: usize) -> Error {
        self.location = Some((line, column));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The description without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `(line, column)`, both 1-based, when the problem has a place in the input.
    pub fn location(&self) -> Option<(usize, usize)> {
        self.location
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::Syntax | ErrorKind::Encoding | ErrorKind::Doctype => "malformed xml",
            ErrorKind::TooDeep | ErrorKind::TooLarge => "xml document refused",
            ErrorKind::Invalid => "invalid gdata document",
        };
        write!(f, "{what}")?;
        if let Some((line, column)) = self.location {
            write!(f, " at line {line}, column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}
