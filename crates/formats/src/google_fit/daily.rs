//! Google Fit's activity-metrics CSVs: the daily summary (`Daily activity metrics.csv`: `Date, Move
//! Minutes count, Calories (kcal), Distance (m), Heart Points, …, Step count, …`) and the per-day files
//! (`2020-01-01.csv`: `Start time, End time, …` in 15-minute rows, times like `07:15:00.000+05:30`).
//!
//! Imported columns: `Step count` → steps, `Distance (m)` → distance, `Move Minutes count` → exercise
//! minutes (Google's move minutes are its active minutes), `Heart Points` → heart points, and
//! `Calories (kcal)` split into basal and active energy when the import has read Google Fit's basal
//! rate (see the `basal` module; without it the column is skipped with a warning). The heart-rate,
//! speed and weight columns are not: they are averages, minima and maxima of readings that `All Data`
//! holds one by one. Empty cells and zeros are skipped.
//!
//! A daily row spans its local day in the user's zone; a per-day row spans its start and end, read with
//! the offsets written in them (the rows' offset is kept as the observed offset), on the date in the file
//! name — the last row ends at the next midnight. The two files total the points of `All Data` again, so
//! their samples carry their own source names, "Google Fit (daily)" and "Google Fit (15-minute)", and the
//! source-priority merge counts one of them at a time. Columns are found by their names, which Takeout
//! translates for accounts in other languages (see the `headers` module); a file in a language not
//! listed there fails with `unexpected_shape` naming the columns it needs.

use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use wearhouse_analytics::ZoneHistory;
use wearhouse_model::Metric;

use super::basal::{makes_sample, split_energy, BasalRates};
use super::headers::{self, Names};
use crate::fitbit::shared::{local_day, next_csv_row, sample, Diagnostics};
use crate::{FormatError, Location, ParsedFile};

const DAILY_SOURCE: &str = "Google Fit (daily)";
const INTERVAL_SOURCE: &str = "Google Fit (15-minute)";

/// The value columns read, by their names (see the `headers` module).
const COLUMNS: [(Names, Metric); 4] = [
    (headers::STEPS, Metric::Steps),
    (headers::DISTANCE, Metric::Distance),
    (headers::MOVE_MINUTES, Metric::ExerciseMinutes),
    (headers::HEART_POINTS, Metric::HeartPoints),
];

/// Reads `Daily activity metrics.csv`, its energy split by `rates`.
pub(crate) fn read_summary(
    path: &str,
    bytes: &[u8],
    zones: &ZoneHistory,
    rates: Option<&BasalRates>,
) -> Result<ParsedFile, FormatError> {
    let rows = Rows {
        path,
        key_columns: &[headers::DATE],
        source: DAILY_SOURCE,
        rates,
    };
    rows.read(bytes, |cells, diag, line| {
        let date = cells.first().copied().unwrap_or_default().trim();
        match date.parse::<Date>().ok().and_then(|d| local_day(zones, d)) {
            Some((start, end)) => Some((start, end, None)),
            None => {
                diag.warn_at("unparsable_date", Location::Line(line), || {
                    format!("'{date}' is not a date (YYYY-MM-DD)")
                });
                None
            }
        }
    })
}

/// Reads a per-day `YYYY-MM-DD.csv` of interval rows, their energy split by `rates`.
pub(crate) fn read_day(
    path: &str,
    bytes: &[u8],
    date: Date,
    rates: Option<&BasalRates>,
) -> Result<ParsedFile, FormatError> {
    let rows = Rows {
        path,
        key_columns: &[headers::START, headers::END],
        source: INTERVAL_SOURCE,
        rates,
    };
    rows.read(bytes, |cells, diag, line| {
        let start_cell = cells.first().copied().unwrap_or_default();
        let end_cell = cells.get(1).copied().unwrap_or_default();
        let start = time_on(date, start_cell);
        let end = time_on(date, end_cell).map(|(end, offset)| {
            // The last row of the day ends at the next midnight, written as 00:00.
            match start {
                Some((start, _)) if end <= start => (
                    end.checked_add(SignedDuration::from_hours(24)).unwrap_or(end),
                    offset,
                ),
                _ => (end, offset),
            }
        });
        match start.zip(end) {
            Some(((start, offset), (end, _))) if start < end => Some((start, end, Some(offset))),
            _ => {
                diag.warn_at("unparsable_date", Location::Line(line), || {
                    format!("'{start_cell}'–'{end_cell}' is not an interval of {date}")
                });
                None
            }
        }
    })
}

/// A metrics CSV: `key_columns` locate each row in time, the [`COLUMNS`] (and the energy column, when
/// `rates` can split it) give its values, filed under `source`.
struct Rows<'a> {
    path: &'a str,
    key_columns: &'a [Names],
    source: &'a str,
    rates: Option<&'a BasalRates>,
}

/// Where a row's samples go, and what they carry besides their value.
struct RowOut<'a> {
    start: Timestamp,
    end: Timestamp,
    offset: Option<i16>,
    source: &'a str,
    line: u64,
}

impl RowOut<'_> {
    fn push(&self, metric: Metric, value: f64, diag: &mut Diagnostics, file: &mut ParsedFile) {
        match sample(metric, value, None, self.start, self.end) {
            Ok(mut s) => {
                s.source_name = Some(self.source.to_owned());
                s.offset_minutes = self.offset;
                // A date without a zone: its day is wherever the user lived.
                s.floating = self.offset.is_none();
                // Both files total the data points of `All Data` again.
                s.summary = true;
                file.samples.push(s);
            }
            Err(e) => diag.warn_at(e.code, Location::Line(self.line), || {
                format!("{metric}: {}", e.detail)
            }),
        }
    }
}

impl Rows<'_> {
    /// Reads the rows of `bytes`, each placed in time by `when` from its key cells.
    fn read(
        &self,
        bytes: &[u8],
        mut when: impl FnMut(&[&str], &mut Diagnostics, u64) -> Option<(Timestamp, Timestamp, Option<i16>)>,
    ) -> Result<ParsedFile, FormatError> {
        let path = self.path;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = reader.headers().map_err(|e| malformed(path, &e))?.clone();
        let position = |names: Names| headers::position(header.iter(), names);
        let keys: Option<Vec<usize>> = self.key_columns.iter().map(|k| position(k)).collect();
        let Some(keys) = keys else {
            return Err(FormatError::new(
                "unexpected_shape",
                format!(
                    "{path} has no {:?} column (columns are matched by their names in English, \
                     German, Spanish, French, Polish, Russian, Japanese and Korean; other languages \
                     are not read yet)",
                    self.key_columns
                        .iter()
                        .filter_map(|names| names.first())
                        .collect::<Vec<_>>()
                ),
                Location::Line(1),
            ));
        };
        let values: Vec<(usize, Metric)> = COLUMNS
            .iter()
            .filter_map(|(names, metric)| position(names).map(|i| (i, *metric)))
            .collect();
        let energy = position(headers::CALORIES);
        let energy_name = energy
            .and_then(|i| header.get(i))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let mut diag = Diagnostics::new(path);
        let mut file = ParsedFile::default();
        let mut record = csv::StringRecord::new();
        // Rows whose energy could not be split, for want of a basal rate.
        let mut energy_unsplit = 0u64;
        while next_csv_row(&mut reader, &mut record, &mut diag) {
            let line = record.position().map_or(0, csv::Position::line);
            let energy_cell = energy
                .and_then(|i| record.get(i))
                .filter(|c| !is_empty_or_zero(Some(c)));
            if values.iter().all(|&(i, _)| is_empty_or_zero(record.get(i))) && energy_cell.is_none() {
                continue;
            }
            let cells: Vec<&str> = keys.iter().map(|&k| record.get(k).unwrap_or_default()).collect();
            let Some((start, end, offset)) = when(&cells, &mut diag, line) else {
                continue;
            };
            let out = RowOut {
                start,
                end,
                offset,
                source: self.source,
                line,
            };
            for &(i, metric) in &values {
                let cell = record.get(i).unwrap_or_default().trim();
                if is_empty_or_zero(Some(cell)) {
                    continue;
                }
                if let Some(value) = number(cell, metric.as_str(), &mut diag, line) {
                    out.push(metric, value, &mut diag, &mut file);
                }
            }
            let Some(cell) = energy_cell.map(str::trim) else {
                continue;
            };
            let Some(rates) = self.rates else {
                energy_unsplit = energy_unsplit.saturating_add(1);
                continue;
            };
            let total = number(cell, "energy", &mut diag, line);
            if let Some((basal, active)) = total.and_then(|kcal| split_energy(rates, start, end, kcal)) {
                if makes_sample(basal) {
                    out.push(Metric::BasalEnergy, basal, &mut diag, &mut file);
                }
                if makes_sample(active) {
                    out.push(Metric::ActiveEnergy, active, &mut diag, &mut file);
                }
            }
        }
        if energy_unsplit > 0 {
            diag.warn("unmapped_type", || {
                format!(
                    "{energy_unsplit} rows' {energy_name} were not imported: they include the basal \
                     rate, which is another file of the Takeout \
                     (derived_com.google.calories.bmr_….json); import the whole Takeout ZIP to have \
                     them as basal and active energy"
                )
            });
        }
        file.warnings = diag.finish();
        Ok(file)
    }
}

/// A cell's number, or a warning naming what it should have been.
fn number(cell: &str, what: &str, diag: &mut Diagnostics, line: u64) -> Option<f64> {
    let value = cell.parse::<f64>().ok();
    if value.is_none() {
        diag.warn_at("bad_value", Location::Line(line), || {
            format!("'{cell}' is not a number ({what})")
        });
    }
    value
}

fn is_empty_or_zero(cell: Option<&str>) -> bool {
    cell.map(str::trim)
        .is_none_or(|c| c.is_empty() || c.parse::<f64>().is_ok_and(|v| v == 0.0))
}

fn malformed(path: &str, e: &csv::Error) -> FormatError {
    let line = e.position().map_or(1, csv::Position::line);
    FormatError::new("malformed_csv", format!("{path}: {e}"), Location::Line(line))
}

/// `HH:MM:SS[.fff](±HH:MM|Z)` on `date`: the instant and its offset in minutes.
fn time_on(date: Date, cell: &str) -> Option<(Timestamp, i16)> {
    let cell = cell.trim();
    let (time, offset) = if let Some(time) = cell.strip_suffix('Z') {
        (time, 0)
    } else {
        let split = cell.len().checked_sub(6)?;
        let (time, tail) = (cell.get(..split)?, cell.get(split..)?);
        let sign = match tail.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours: i16 = tail.get(1..3)?.parse().ok()?;
        let minutes: i16 = tail.get(4..6)?.parse().ok()?;
        if tail.get(3..4)? != ":" || hours > 14 || minutes > 59 {
            return None;
        }
        (time, sign * (hours * 60 + minutes))
    };
    let time: Time = time.parse().ok()?;
    let utc_offset = Offset::from_seconds(i32::from(offset) * 60).ok()?;
    let at = utc_offset.to_timestamp(date.to_datetime(time)).ok()?;
    Some((at, offset))
}
