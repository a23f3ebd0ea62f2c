//! The reader interface every file format implements, [`FormatReader`], and what readers are told that
//! files do not say, [`ReadContext`]. Which readers exist is [`crate::registry`]; where their records
//! go is a [`RecordSink`].

use std::fmt;
use std::io::{BufRead, Read};

use wearhouse_analytics::ZoneHistory;
use wearhouse_model::Provider;

use crate::fit::FitAccount;
use crate::fitbit::WeightUnit;
use crate::google_fit::SharedBasalRates;
use crate::{FormatError, Location, RecordSink};

/// What reading one file may add to the memory of the process importing it, whatever the input.
/// Readers that stream stay far below it; readers that hold the whole file in memory declare a
/// [`FormatReader::size_limit`] chosen from how much their decoded form weighs per byte of file
/// (`wearhouse bench memory` measures every one at its limit).
pub const MEMORY_BUDGET: u64 = 256 * 1024 * 1024;

/// One file format: how to recognise it and how to read it.
///
/// Implementations are unit structs listed once in [`crate::registry::READERS`]; nothing else names
/// a format. They hold no state: everything about one file lives in [`read`](Self::read).
pub trait FormatReader: Sync {
    /// Stable id, stored with imports and used in fallback keys of activities without an id:
    /// `apple_health`, `fit`, `gpx`, `tcx`, `fitbit`, `google_fit`.
    fn id(&self) -> &'static str;

    /// Who the records come from, for the sources they are filed under.
    fn provider(&self) -> Provider;

    /// Whether this reader reads the file. `name` is its path inside an archive, as the exporting
    /// service wrote it, or empty for a file uploaded on its own (whose name is whatever the client
    /// called it, so it never decides). `head` is its first bytes: [`crate::detect::SNIFF_LEN`] of them,
    /// fewer when the file is shorter. Readers of self-describing formats look at `head` only; readers
    /// of exports whose files are plain JSON or CSV (Fitbit, Google Fit) can only go by `name`.
    fn detect(&self, name: &str, head: &[u8]) -> bool;

    /// Whether this reader reads a file uploaded on its own, which the client named `name` (empty when
    /// it gave no name). Self-describing formats go by `head` as in an archive; readers of exports whose
    /// files are plain JSON or CSV need the name the export gave the file, and check that `head` is the
    /// kind of text that file holds, so that a name alone never decides.
    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        let _ = name;
        self.detect("", head)
    }

    /// For readers that hold the whole file in memory, the largest file they read, so that the file and
    /// what it decodes to stay within [`MEMORY_BUDGET`]; `None` for readers that stream. The importer
    /// checks a file's declared size against it before reading anything, and the reader stops at it
    /// whatever the size was said to be.
    fn size_limit(&self) -> Option<u64> {
        None
    }

    /// Reads `input` to its end, handing every record to `sink` as it is read.
    ///
    /// Stops early, returning `Ok`, when the sink answers [`Flow::Break`](crate::Flow) (the caller knows
    /// why). An error means the input could not be read on (not a format this reader knows, a failing
    /// input, more than [`size_limit`](Self::size_limit)); records handed out before it stay handed out,
    /// and the caller decides whether they count.
    fn read(
        &self,
        input: &mut dyn BufRead,
        name: &str,
        ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError>;
}

impl fmt::Debug for dyn FormatReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FormatReader({})", self.id())
    }
}

/// What a reader needs to know about the account that files do not say. Built with [`ReadContext::new`]
/// and then its fields set; more facts may be added, so it cannot be built field by field elsewhere.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadContext {
    /// The zones the user lived in, for wall-clock times without one (Fitbit sleep and weights,
    /// Google Fit's daily CSV): each is read in the zone of its own time, not of the import.
    pub zones: ZoneHistory,
    /// The unit Fitbit weights are written in: the account's, which the export does not name.
    pub weight_unit: WeightUnit,
    /// What the account says about its owner (sex, birth year, height), to tell them among the people of
    /// a shared weight scale's FIT file. `None` until the import service fills it in; the FIT reader
    /// reads files as if no account were known until then.
    pub account: Option<FitAccount>,
    /// Google Fit's basal metabolic rate, as the import's files give it: read from the Takeout's
    /// basal-rate file, which the importer reads first, to split the energy of the files after it.
    /// Shared by the clones of one context; a new context has none.
    pub basal_rates: SharedBasalRates,
}

impl ReadContext {
    /// A context for a user who lived in `zones`, weights in kilograms, nothing known about the owner.
    pub fn new(zones: ZoneHistory) -> Self {
        Self {
            zones,
            weight_unit: WeightUnit::Kilogram,
            account: None,
            basal_rates: SharedBasalRates::default(),
        }
    }
}

/// Reads a whole input into memory for a reader that needs it all at once, refusing more than `limit`
/// bytes (`file_too_large`) without holding more than that.
pub(crate) fn read_whole(input: &mut dyn BufRead, limit: u64) -> Result<Vec<u8>, FormatError> {
    let mut bytes = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            FormatError::new(
                "read_failed",
                format!("reading the file failed: {e}"),
                Location::Byte(bytes.len() as u64),
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(FormatError::new(
            "file_too_large",
            format!("more than {limit} bytes; files of this format are read up to that size"),
            Location::Byte(limit),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_inputs_are_read_up_to_the_limit() {
        let mut input: &[u8] = b"12345";
        assert_eq!(read_whole(&mut input, 5).ok(), Some(b"12345".to_vec()));
        let mut input: &[u8] = b"123456";
        let err = read_whole(&mut input, 5).err().map(|e| e.code);
        assert_eq!(err, Some("file_too_large"));
    }
}
