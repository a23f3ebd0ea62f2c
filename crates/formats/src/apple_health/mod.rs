//! Apple Health `export.xml`: a streaming reader that turns HealthKit records, workouts, activity
//! summaries and the `Me` characteristics into Wearhouse records, one at a time.
//!
//! **Why a hand-written scanner, not quick-xml.** Real exports are often not well-formed XML: iOS 8
//! wrote metadata keys with spaces as attribute names, iOS 16 shipped a broken internal DTD, and stray
//! `\x0b` control characters appear in values. A conforming parser stops at the first of these and
//! loses the rest of a years-long history. The scanner (`scan.rs`) instead skips what it cannot read,
//! reports it as a [`Warning`] with its byte offset, and carries on. It is also what reaches the speed
//! target: exports run to gigabytes, so attributes are borrowed from the read buffer, numbers and the
//! fixed-layout dates are parsed by hand, and only strings a record keeps are allocated (source,
//! device and type names are interned, since a few repeat millions of times).
//!
//! **Time.** The offset stamped on each date (`2019-06-11 15:00:25 +0200`) is the exporting phone's at
//! export time, not the measurement's, so it is used only to find the instant. `offset_minutes` comes
//! from the record's `HKTimeZone` metadata when present (evaluated at the record's start, so DST is
//! right), and is `None` otherwise: the importer then applies the user's zone history.
//!
//! **Values.** Mapped types are converted to the metric's canonical unit with the model's
//! [`wearhouse_model::Unit`] conversions. Values outside a metric's plausible range are passed through
//! unchanged and without a warning: the importer rejects them per item with the catalogue's reason, so
//! they are reported once, in one place. A mapped type whose value or unit cannot be read, and every type
//! without a metric, becomes an [`UnmappedRecord`] that keeps the raw strings: nothing is dropped except
//! records without a readable start and end.
//!
//! **Entities.** Attribute values are borrowed as written, entities and all (`&lt;`, `&#8217;`), so
//! every value read from the buffer must be decoded before it is matched: strings a record keeps go
//! through `text::clean_string`; units, types and the attributes of workouts and summaries through
//! `text::decoded`; numbers, dates and category names are read as written first and decoded only if
//! that fails and they hold a `&` (`text::read_decoded`), which keeps the per-record path free of it.
//! HealthKit's glucose unit is the case that needs it: `mmol&lt;180.1558800000541&gt;/L`.
//!
//! **Correlations.** Since export version 3 the records inside a `<Correlation>` (blood pressure, food)
//! are also written at top level. Each is emitted once: for types that can belong to a correlation the
//! reader remembers a 64-bit hash of the record's natural key (type, source, dates, unit, value) and
//! skips the second copy, whichever comes first. The sets hold only those types' records and are capped.

mod cache;
mod date;
mod diag;
mod mapping;
mod record;
mod scan;
mod state;
pub mod synthetic;
mod text;
mod workout;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::BufRead;

use jiff::civil::Date;
use jiff::Timestamp;
use wearhouse_model::Sex;

use crate::{FormatError, ParsedSample, Warning};

use scan::Scanner;
use state::State;

pub use diag::MAX_WARNINGS;
pub use workout::HealthWorkout;

/// One item of an export, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthRecord {
    /// A record of a type the metric catalogue knows, in canonical units.
    Sample(ParsedSample),
    /// A record of any other type (or one whose value or unit could not be converted), kept raw.
    Unmapped(UnmappedRecord),
    /// A workout, boxed because it is large and rare.
    Workout(Box<HealthWorkout>),
    ActivitySummary(ActivitySummary),
    /// The `Me` element: the user's characteristics as HealthKit holds them.
    Me {
        birth_date: Option<Date>,
        sex: Option<Sex>,
    },
}

/// A `Record` without a catalogue metric, kept as written so it can be counted and queried raw.
#[derive(Debug, Clone, PartialEq)]
pub struct UnmappedRecord {
    /// The HealthKit identifier, e.g. `HKQuantityTypeIdentifierWalkingStepLength`.
    pub record_type: String,
    pub unit: Option<String>,
    pub value: Option<String>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub offset_minutes: Option<i16>,
    pub source_name: Option<String>,
    pub device: Option<String>,
}

/// One day of the Activity rings. Energy in kcal, times in minutes, stand in hours.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivitySummary {
    pub date: Date,
    pub active_energy: Option<f64>,
    pub active_energy_goal: Option<f64>,
    /// The move ring in minutes (iOS 14+, for users whose goal is time rather than energy).
    pub move_minutes: Option<f64>,
    pub move_minutes_goal: Option<f64>,
    pub exercise_minutes: Option<f64>,
    pub exercise_minutes_goal: Option<f64>,
    pub stand_hours: Option<f64>,
    pub stand_hours_goal: Option<f64>,
}

/// How many items of each kind the reader has produced or skipped so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadCounts {
    pub samples: u64,
    pub unmapped: u64,
    pub workouts: u64,
    pub activity_summaries: u64,
    pub correlations: u64,
    /// Correlation members skipped because the same record was already emitted (see the module doc).
    pub correlation_duplicates: u64,
    /// Records and workouts that could not be read (no readable dates); each has a warning.
    pub skipped: u64,
}

/// Streams records out of an `export.xml`. Memory stays flat whatever the file size: one read chunk,
/// the tag being read, the open workout, and small caches.
pub struct AppleHealthReader<R: BufRead> {
    scan: Scanner<R>,
    state: State,
}

impl<R: BufRead> AppleHealthReader<R> {
    pub fn new(input: R) -> Self {
        Self {
            scan: Scanner::new(input),
            state: State::default(),
        }
    }

    /// The next record, or `None` at the end. Non-fatal problems are collected as [`warnings`](Self::warnings).
    /// The only errors are a failing input and a file that is not an Apple Health export at all.
    pub fn next_record(&mut self) -> Result<Option<HealthRecord>, FormatError> {
        loop {
            if let Some(record) = self.state.queue.pop_front() {
                return Ok(Some(self.state.count(record)));
            }
            if self.state.finished {
                return Ok(None);
            }
            let tag = match self.scan.next_tag(&mut self.state.diag) {
                Ok(Some(tag)) => tag,
                Ok(None) => {
                    self.state.end_of_input(self.scan.offset())?;
                    continue;
                }
                Err(e) => {
                    self.state.finished = true;
                    return Err(e);
                }
            };
            match self.state.on_tag(&self.scan, &tag) {
                Ok(Some(record)) => return Ok(Some(self.state.count(record))),
                Ok(None) => {}
                Err(e) => {
                    self.state.finished = true;
                    return Err(e);
                }
            }
        }
    }

    /// The first [`MAX_WARNINGS`] warnings in full; [`warning_counts`](Self::warning_counts) counts all.
    pub fn warnings(&self) -> &[Warning] {
        &self.state.diag.warnings
    }

    /// How many warnings of each code were raised, including those past the cap.
    pub fn warning_counts(&self) -> &BTreeMap<&'static str, u64> {
        &self.state.diag.counts
    }

    /// Bytes of the input consumed so far, for progress reporting.
    pub fn bytes_read(&self) -> u64 {
        self.scan.offset()
    }

    pub fn counts(&self) -> &ReadCounts {
        &self.state.counts
    }

    /// The `ExportDate` of the file, once read (it precedes the records).
    pub fn export_date(&self) -> Option<Timestamp> {
        self.state.export_date
    }

    /// The `locale` of the `HealthData` root, once read.
    pub fn locale(&self) -> Option<&str> {
        self.state.locale.as_deref()
    }
}

impl<R: BufRead> Iterator for AppleHealthReader<R> {
    type Item = Result<HealthRecord, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}
