//! What a reader reports: a fatal [`FormatError`] or non-fatal [`Warning`]s, each with a [`Location`].

use std::fmt;

/// Where in the input something was found, as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Byte offset from the start of the (decompressed) file.
    Byte(u64),
    /// 1-based line number, for text formats read line by line (CSV, JSON lines).
    Line(u64),
    /// A named part of the input: a ZIP entry, a JSON file inside an export.
    Entry(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Byte(b) => write!(f, "byte {b}"),
            Location::Line(l) => write!(f, "line {l}"),
            Location::Entry(e) => write!(f, "entry {e}"),
        }
    }
}

/// A file (or part of one) that could not be read at all. `code` is stable (the API reports it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{detail} (at {location})")]
pub struct FormatError {
    pub code: &'static str,
    pub detail: String,
    pub location: Location,
}

impl FormatError {
    pub fn new(code: &'static str, detail: impl Into<String>, location: Location) -> Self {
        Self {
            code,
            detail: detail.into(),
            location,
        }
    }
}

/// Something skipped or repaired while reading; the rest of the file was still read.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Stable, groupable reason ("crc_mismatch", "unparsable_date", "truncated", …).
    pub code: &'static str,
    pub detail: String,
    pub location: Location,
}
