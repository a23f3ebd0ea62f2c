//! WHOOP's account export (App → More → Data export): four CSV files, recognised by their header, whose
//! first three columns are the physiological cycle a row belongs to.
//!
//! - `physiological_cycles.csv`: per cycle (sleep onset to the next), recovery, resting heart rate, HRV
//!   (RMSSD), skin temperature and blood oxygen as measured in the night, and the day's strain;
//! - `sleeps.csv`: every sleep and nap, with its minutes per stage, performance and breathing rate;
//! - `workouts.csv`: workouts with their energy, heart rates and (with GPS) distance and climb;
//! - `journal_entries.csv`: the daily journal's yes/no answers and notes.
//!
//! Times are written `2024-06-14 22:23:57`, wall-clock in the row's `Cycle timezone` (`UTC-04:00`,
//! `UTCZ` for UTC), which changes when the user travels or the clocks change. The current cycle has no
//! end and no strain yet. Empty cells are missing values, not zeros. Energy "(cal)" is kilocalories.
//! Headers are translated in other languages; only English ones are read.

mod cycles;
mod journal;
mod sleeps;
#[cfg(test)]
mod tests;
mod workouts;

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::Timestamp;

use crate::apple_health::UnmappedRecord;
use crate::fitbit::shared::Diagnostics;
use crate::{FormatError, Location, ParsedFile};

/// The columns every file starts with.
const COMMON_HEADER: &str = "Cycle start time,Cycle end time,Cycle timezone,";

/// What a WHOOP export file holds, told by the column after the common three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cycles,
    Sleeps,
    Workouts,
    Journal,
}

impl Kind {
    fn from_fourth_column(name: &str) -> Option<Kind> {
        Some(match name {
            "Recovery score %" => Kind::Cycles,
            "Sleep onset" => Kind::Sleeps,
            "Workout start time" => Kind::Workouts,
            "Question text" => Kind::Journal,
            _ => return None,
        })
    }
}

/// The kind of WHOOP file whose first bytes are `head`, by its header; `None` for anything else.
pub fn classify(head: &[u8]) -> Option<Kind> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let rest = head.strip_prefix(COMMON_HEADER.as_bytes())?;
    let end = rest
        .iter()
        .position(|b| matches!(b, b',' | b'\r' | b'\n'))
        .unwrap_or(rest.len());
    Kind::from_fourth_column(std::str::from_utf8(&rest[..end]).ok()?)
}

/// What one file gives: samples and workouts, and the journal's answers kept as raw records.
#[derive(Debug, Default)]
pub struct WhoopFile {
    pub file: ParsedFile,
    pub journal: Vec<UnmappedRecord>,
}

/// Reads one export file, named `path` (for messages).
pub fn read_whoop_file(path: &str, bytes: &[u8]) -> Result<WhoopFile, FormatError> {
    let kind = classify(bytes).ok_or_else(|| {
        FormatError::new(
            "not_whoop",
            format!("{path} does not start with a header WHOOP writes in English"),
            Location::Line(1),
        )
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = Header(
        reader
            .headers()
            .map_err(|e| malformed(path, &e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect(),
    );
    let mut rows = Rows {
        path,
        records: reader.into_records(),
        index: 0,
        diag: Diagnostics::new(path),
    };
    let mut out = WhoopFile::default();
    match kind {
        Kind::Cycles => cycles::read(&header, &mut rows, &mut out.file)?,
        Kind::Sleeps => sleeps::read(&header, &mut rows, &mut out.file)?,
        Kind::Workouts => workouts::read(&header, &mut rows, &mut out.file)?,
        Kind::Journal => journal::read(&header, &mut rows, &mut out.journal)?,
    }
    out.file.warnings = rows.diag.finish();
    Ok(out)
}

/// The header's cells, to find columns by name: WHOOP adds columns (distance and climb only with GPS
/// workouts), so positions are never assumed.
struct Header(Vec<String>);

impl Header {
    fn find(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h == name)
    }
}

/// The rows after the header, read one by one with their line numbers.
struct Rows<'a> {
    path: &'a str,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    index: usize,
    diag: Diagnostics,
}

impl Rows<'_> {
    /// The next row that can be split, with its line number and its cycle's zone; rows that cannot be
    /// split or whose times cannot be read become warnings. `None` at the end.
    fn next(&mut self) -> Result<Option<Row>, FormatError> {
        loop {
            let Some(record) = self.records.next() else {
                return Ok(None);
            };
            let line = self.index + 2;
            self.index += 1;
            let record = match record {
                Ok(record) => record,
                Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => return Err(malformed(self.path, &e)),
                Err(e) => {
                    self.diag.warn("unreadable_row", || format!("line {line}: {e}"));
                    continue;
                }
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let zone = record.get(2).unwrap_or("").trim();
            let Some(offset) = zone_offset(zone) else {
                self.diag.warn("unparsable_zone", || {
                    format!("line {line}: {zone:?} is not a WHOOP cycle time zone")
                });
                continue;
            };
            return Ok(Some(Row { line, record, offset }));
        }
    }
}

/// One row, with the offset its times are written in.
struct Row {
    line: usize,
    record: csv::StringRecord,
    offset: Offset,
}

impl Row {
    /// The cell in column `i`, trimmed; `None` when the column is missing or the cell empty.
    fn cell(&self, i: Option<usize>) -> Option<&str> {
        self.record.get(i?).map(str::trim).filter(|c| !c.is_empty())
    }

    /// A finite number in column `i`.
    fn number(&self, i: Option<usize>) -> Option<f64> {
        self.cell(i)
            .and_then(|c| c.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    }

    /// A time in column `i`, read in the row's zone; `Err` with the cell when it is not a time.
    fn time(&self, i: Option<usize>) -> Result<Option<Timestamp>, String> {
        let Some(cell) = self.cell(i) else {
            return Ok(None);
        };
        cell.replace(' ', "T")
            .parse::<DateTime>()
            .ok()
            .and_then(|dt| self.offset.to_timestamp(dt).ok())
            .map(Some)
            .ok_or_else(|| format!("line {}: {cell:?} is not a WHOOP time", self.line))
    }

    fn offset_minutes(&self) -> Option<i16> {
        i16::try_from(self.offset.seconds() / 60).ok()
    }
}

/// `UTC-04:00`, `UTC+05:30`, `UTCZ` (WHOOP's way of writing UTC itself), or a bare `UTC`/`Z`.
fn zone_offset(zone: &str) -> Option<Offset> {
    if zone.is_empty() {
        return None;
    }
    let rest = zone.strip_prefix("UTC").unwrap_or(zone);
    if rest.is_empty() || rest == "Z" {
        return Some(Offset::UTC);
    }
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = rest.get(1..)?.split_once(':').unwrap_or((rest.get(1..)?, "0"));
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 18 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

fn malformed(path: &str, e: &csv::Error) -> FormatError {
    let line = e.position().map_or(1, csv::Position::line);
    FormatError::new(
        "malformed_csv",
        format!("{path} cannot be read on: {e}"),
        Location::Line(line),
    )
}

/// Columns whose values Wearhouse does not store: which of them held a value in some row, said once
/// per file with why, so that nothing is dropped without a word.
struct NotImported {
    names: &'static [&'static str],
    columns: Vec<Option<usize>>,
    seen: Vec<bool>,
}

impl NotImported {
    fn new(header: &Header, names: &'static [&'static str]) -> Self {
        Self {
            names,
            columns: names.iter().map(|n| header.find(n)).collect(),
            seen: vec![false; names.len()],
        }
    }

    /// Notes which of the columns hold a value in `row`.
    fn note(&mut self, row: &Row) {
        for (seen, column) in self.seen.iter_mut().zip(&self.columns) {
            *seen |= row.cell(*column).is_some();
        }
    }

    /// One `columns_not_imported` warning naming the columns that held values, and `why`.
    fn report(self, diag: &mut Diagnostics, why: &str) {
        let held: Vec<&str> = self
            .names
            .iter()
            .zip(self.seen)
            .filter_map(|(name, seen)| seen.then_some(*name))
            .collect();
        if !held.is_empty() {
            let list = held.join(", ");
            diag.warn("columns_not_imported", || format!("{list}: {why}"));
        }
    }
}
