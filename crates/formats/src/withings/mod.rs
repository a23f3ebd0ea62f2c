//! Withings' account export (Health Mate → "Download my data"): a ZIP of CSV files, one per kind of
//! data, described by its `README.txt`. Read here:
//!
//! - `weight.csv` (`Date,"Weight (kg)","Fat mass (kg)",…`), `bp.csv` (`Date,"Heart rate",Systolic,
//!   Diastolic,…`) and `height.csv` (`Date,"Height (m)",…`): one measurement per row at a local
//!   wall-clock time without a zone, so floating (read in the user's zone history);
//! - `aggregates_steps.csv` (`date,value`): the day's steps, a day total the minute data refines;
//! - `raw_*_hr.csv`, `raw_*_steps.csv` and `raw_*_sleep-state.csv` (`start,duration,value`): a start
//!   with its UTC offset and JSON arrays of durations and values, value *i* covering start + the
//!   durations before it (sleep states: 0 awake, 1 light, 2 deep, 3 REM; the old sleep monitor's 1 is
//!   "asleep");
//! - `activities.csv` (`from,to,…,"Activity type",Data,…`): workouts, with their totals as JSON.
//!
//! Files are recognised by their name and their header together: the names are generic (`weight.csv`).
//! Headers come in the account's language; only English ones are read, and units are read from the
//! header (`(kg)` or `(lb)`).

mod activities;
mod measures;
mod raw;
#[cfg(test)]
mod tests;

use jiff::civil::DateTime;
use jiff::Timestamp;

use crate::fitbit::shared::file_name;
use crate::{FormatError, Location, ParsedFile, ZoneHistory};

/// What a Withings export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Weight,
    BloodPressure,
    Height,
    DailySteps,
    RawHeartRate,
    RawSteps,
    /// Sleep stages per window: 0 awake, 1 light, 2 deep, 3 REM (a tracker or a bed sensor).
    RawSleepState,
    /// The older sleep monitor's: 0 awake, 1 asleep.
    RawSleepMonitorState,
    Activities,
}

impl Kind {
    /// The header a file of this kind starts with (its first cells), as Withings writes it in English.
    fn header_start(self) -> &'static [u8] {
        match self {
            Kind::Weight => b"Date,\"Weight (",
            Kind::BloodPressure => b"Date,\"Heart rate\"",
            Kind::Height => b"Date,\"Height (",
            Kind::DailySteps => b"date,value",
            Kind::RawHeartRate | Kind::RawSteps | Kind::RawSleepState | Kind::RawSleepMonitorState => {
                b"start,duration,value"
            }
            Kind::Activities => b"from,to,",
        }
    }
}

/// The kind of file `path` names, by its file name alone.
pub fn classify(path: &str) -> Option<Kind> {
    let name = file_name(path).to_ascii_lowercase();
    Some(match name.as_str() {
        "weight.csv" => Kind::Weight,
        "bp.csv" => Kind::BloodPressure,
        "height.csv" => Kind::Height,
        "aggregates_steps.csv" => Kind::DailySteps,
        "activities.csv" => Kind::Activities,
        _ if name.starts_with("raw_") && name.ends_with("_hr.csv") => Kind::RawHeartRate,
        _ if name.starts_with("raw_") && name.ends_with("_steps.csv") => Kind::RawSteps,
        _ if name.starts_with("raw_sleep-monitor") && name.ends_with("_sleep-state.csv") => {
            Kind::RawSleepMonitorState
        }
        _ if name.starts_with("raw_") && name.ends_with("_sleep-state.csv") => Kind::RawSleepState,
        _ => return None,
    })
}

/// Whether `path` and `head` (the file's first bytes) are a Withings export file this reader reads.
pub fn is_withings_file(path: &str, head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    classify(path).is_some_and(|kind| head.starts_with(kind.header_start()))
}

/// Reads one export file, named `path`, whose wall-clock times are read in `zones`.
pub fn read_withings_file(path: &str, bytes: &[u8], zones: &ZoneHistory) -> Result<ParsedFile, FormatError> {
    let kind = classify(path).ok_or_else(|| {
        FormatError::new(
            "not_withings",
            format!("{path} is not a Withings export file this reader knows"),
            Location::Entry(path.to_owned()),
        )
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !bytes.starts_with(kind.header_start()) {
        return Err(FormatError::new(
            "not_withings",
            format!("{path} does not start with the header Withings writes in English"),
            Location::Line(1),
        ));
    }
    match kind {
        Kind::Weight | Kind::BloodPressure | Kind::Height | Kind::DailySteps => {
            measures::read(path, kind, bytes, zones)
        }
        Kind::RawHeartRate | Kind::RawSteps | Kind::RawSleepState | Kind::RawSleepMonitorState => {
            raw::read(path, kind, bytes)
        }
        Kind::Activities => activities::read(path, bytes),
    }
}

/// A time with its UTC offset (`2023-07-29T16:41:00+02:00`): the instant and the offset in minutes.
pub(crate) fn observed(text: &str) -> Option<(Timestamp, Option<i16>)> {
    let text = text.trim();
    let instant: Timestamp = text.parse().ok()?;
    let offset = if text.ends_with('Z') {
        Some(0)
    } else {
        let tail = text.get(text.len().checked_sub(6)?..)?;
        let sign = match tail.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return Some((instant, None)),
        };
        let hours: i16 = tail.get(1..3)?.parse().ok()?;
        let minutes: i16 = tail.get(4..6)?.parse().ok()?;
        Some(sign * (hours * 60 + minutes))
    };
    Some((instant, offset))
}

/// A wall-clock time without a zone (`2026-02-23 09:02:01`).
fn wall_clock(text: &str) -> Option<DateTime> {
    text.trim().replace(' ', "T").parse().ok()
}

fn malformed(path: &str, e: &csv::Error) -> FormatError {
    let line = e.position().map_or(1, csv::Position::line);
    FormatError::new(
        "malformed_csv",
        format!("{path} cannot be read on: {e}"),
        Location::Line(line),
    )
}

/// Row `index` (0-based, after the header) as read, with its line number: `None` for a row that cannot
/// be split, which becomes an `unreadable_row` warning; an error when the input itself fails, after
/// which nothing can be read.
fn row(
    path: &str,
    index: usize,
    record: Result<csv::StringRecord, csv::Error>,
    diag: &mut crate::fitbit::shared::Diagnostics,
) -> Result<Option<(usize, csv::StringRecord)>, FormatError> {
    let line = index + 2;
    match record {
        Ok(record) => Ok(Some((line, record))),
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => Err(malformed(path, &e)),
        Err(e) => {
            diag.warn("unreadable_row", || format!("line {line}: {e}"));
            Ok(None)
        }
    }
}

/// The rows of a CSV file after its header, and the header's cells, for the readers of this module.
/// A row that cannot be split is skipped by the caller through the `Err` it gets.
fn rows(bytes: &[u8]) -> (Vec<String>, csv::StringRecordsIntoIter<&[u8]>) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader
        .headers()
        .map(|h| h.iter().map(|c| c.trim().to_owned()).collect())
        .unwrap_or_default();
    (header, reader.into_records())
}
