//! Oura's "Trends" CSV (cloud.ouraring.com → Trends → Download, `oura_<from>_<to>_trends.csv`): one row
//! per day, `date` first, then the night's, the day's activity and the readiness columns.
//!
//! Two layouts are known, both comma-separated, and columns are found by name (trimmed: the 2022 header
//! writes `Total Bedtime ` with a trailing space and `Sleep Timin Score`):
//!
//! - 2022–23: `… Total Sleep Duration, Total Bedtime , Awake Time, REM Sleep Duration, Light Sleep
//!   Duration, Deep Sleep Duration …` with the activity times (`Inactive Time` … `Non-wear Time`) in
//!   **seconds** (a day's add up to 86,400).
//! - about 2020: `… Total Bedtime, Total Sleep Time, Awake Time, REM Sleep Time, Light Sleep Time, Deep
//!   Sleep Time …`, with the activity times in **minutes** (a day's add up to 1,440). The header tells
//!   them apart (`Total Sleep Duration` or `Total Sleep Time`).
//!
//! Sleep durations are seconds in both. `Bedtime Start` and `Bedtime End` carry their UTC offset
//! (`2022-01-13T00:53:31+02:00`); `date` is a local day without one. Missing values are empty cells or
//! `None`; days without a night are appended after the others, out of order.
//!
//! What is read, as the JSON export's reader reads the same facts:
//! - **The night**, from `Bedtime Start` to `Bedtime End`: its stage totals (light, deep, REM, and awake
//!   time, which includes the time to fall asleep, so that they fill the bedtime exactly) laid out by
//!   [`crate::sleep_totals::stage_blocks`]; the lowest resting heart rate, average HRV (RMSSD) and
//!   breathing rate over it; the sleep score and the readiness score at its end.
//! - **The day**, the row's local day in the user's zone (floating, as a date without a zone): steps,
//!   activity burn as active energy and the rest of the total burn as basal energy, inactive time as
//!   sedentary minutes, low activity as light activity minutes, medium and high activity as exercise
//!   minutes. They are day totals (`summary`), which finer Oura data refines.
//!
//! Columns holding values Wearhouse does not store (the contributing scores, temperature deviation,
//! the walking-equivalent distance, MET and the like) are named in one `columns_not_imported` warning.
//! Every sample is filed under the source "Oura (trends)", so two Trends files covering the same days
//! are one series and the second adds nothing.

use jiff::civil::Date;
use jiff::Timestamp;
use wearhouse_analytics::ZoneHistory;
use wearhouse_model::Metric;

use crate::fitbit::shared::{local_day, next_csv_row, sample, Diagnostics};
use crate::sleep_totals::stage_blocks;
use crate::{FormatError, Location, ParsedFile, ParsedSample};

/// The source every sample of a Trends file is filed under.
const SOURCE: &str = "Oura (trends)";

/// Whether `head`, a file's first bytes, is Oura's Trends CSV: a header starting with `date,` that
/// names the bedtime and the readiness score.
pub fn is_oura_trends(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let contains = |needle: &[u8]| line.windows(needle.len()).any(|w| w == needle);
    line.starts_with(b"date,") && contains(b",Bedtime Start,") && contains(b",Readiness Score")
}

/// The night's stage columns in the order [`stage_blocks`] takes them: light, deep, REM, awake; the
/// 2022 names first, then the 2020 ones.
const STAGES: [[&str; 2]; 4] = [
    ["Light Sleep Duration", "Light Sleep Time"],
    ["Deep Sleep Duration", "Deep Sleep Time"],
    ["REM Sleep Duration", "REM Sleep Time"],
    ["Awake Time", "Awake Time"],
];

/// Values of the night, over its span.
const NIGHT: [(&str, Metric); 3] = [
    ("Lowest Resting Heart Rate", Metric::RestingHeartRate),
    ("Average HRV", Metric::HrvRmssd),
    ("Respiratory Rate", Metric::RespiratoryRate),
];

/// Scores given on waking, at the night's end.
const WAKING: [(&str, Metric); 2] = [
    ("Sleep Score", Metric::SleepScore),
    ("Readiness Score", Metric::RecoveryScore),
];

/// Every column read (the day's and the night's), so that the others can be named as not imported.
const READ: &[&str] = &[
    "date",
    "Bedtime Start",
    "Bedtime End",
    "Light Sleep Duration",
    "Light Sleep Time",
    "Deep Sleep Duration",
    "Deep Sleep Time",
    "REM Sleep Duration",
    "REM Sleep Time",
    "Awake Time",
    "Lowest Resting Heart Rate",
    "Average HRV",
    "Respiratory Rate",
    "Sleep Score",
    "Readiness Score",
    "Steps",
    "Activity Burn",
    "Total Burn",
    "Inactive Time",
    "Low Activity Time",
    "Medium Activity Time",
    "High Activity Time",
    // Totals of what the stages give one by one, and what the day's other times add up to.
    "Total Sleep Duration",
    "Total Sleep Time",
    "Total Bedtime",
    "Rest Time",
    "Non-wear Time",
];

/// The header: trimmed column names, by position.
struct Header(Vec<String>);

impl Header {
    fn find(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h == name)
    }

    fn find_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.find(n))
    }
}

/// One row's cells.
struct Row<'r> {
    record: &'r csv::StringRecord,
    line: u64,
}

impl Row<'_> {
    /// The cell of `column`, when it holds something (not empty, not `None`).
    fn cell(&self, column: Option<usize>) -> Option<&str> {
        let cell = self.record.get(column?)?.trim();
        (!cell.is_empty() && cell != "None").then_some(cell)
    }

    /// The cell of `column` as a number; a warning when it holds something else.
    fn number(&self, column: Option<usize>, what: &str, diag: &mut Diagnostics) -> Option<f64> {
        let cell = self.cell(column)?;
        let value = cell.parse::<f64>().ok().filter(|v| v.is_finite());
        if value.is_none() {
            diag.warn_at("bad_value", Location::Line(self.line), || {
                format!("'{cell}' is not a number ({what})")
            });
        }
        value
    }
}

/// Reads a whole Trends file (`bytes`, named `path` in warnings); `zones` place its local days.
pub fn read_oura_trends(path: &str, bytes: &[u8], zones: &ZoneHistory) -> Result<ParsedFile, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = Header(
        reader
            .headers()
            .map_err(|e| {
                FormatError::new(
                    "malformed_csv",
                    format!("{path}: {e}"),
                    Location::Line(e.position().map_or(1, csv::Position::line)),
                )
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect(),
    );
    let Some(date_column) = header.find("date") else {
        return Err(FormatError::new(
            "unexpected_shape",
            format!("{path} has no 'date' column: it is not Oura's Trends CSV"),
            Location::Line(1),
        ));
    };
    // The 2022 layout names its totals "… Duration" and gives activity times in seconds; the 2020 one
    // names them "… Time" and gives activity times in minutes.
    let activity_seconds = header.find("Total Sleep Duration").is_some();
    let columns = Columns::new(&header, activity_seconds);
    let mut unread: Vec<(usize, bool)> = header
        .0
        .iter()
        .enumerate()
        .filter(|(_, name)| !name.is_empty() && !READ.contains(&name.as_str()))
        .map(|(i, _)| (i, false))
        .collect();
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    let mut record = csv::StringRecord::new();
    while next_csv_row(&mut reader, &mut record, &mut diag) {
        let row = Row {
            record: &record,
            line: record.position().map_or(0, csv::Position::line),
        };
        for (column, held) in &mut unread {
            *held |= row.cell(Some(*column)).is_some();
        }
        let date = row.cell(Some(date_column)).unwrap_or_default();
        let Some(day) = date.parse::<Date>().ok().and_then(|d| local_day(zones, d)) else {
            diag.warn_at("unparsable_date", Location::Line(row.line), || {
                format!("'{date}' is not a date (YYYY-MM-DD)")
            });
            continue;
        };
        columns.night(&row, &mut diag, &mut file.samples);
        columns.day(&row, day, &mut diag, &mut file.samples);
    }
    let held: Vec<&str> = unread
        .iter()
        .filter(|(_, held)| *held)
        .filter_map(|(i, _)| header.0.get(*i).map(String::as_str))
        .collect();
    if !held.is_empty() {
        let list = held.join(", ");
        diag.warn("columns_not_imported", || {
            format!(
                "{list}: Wearhouse has no metric for these (Oura's contributing scores, temperature \
                 deviation, walking-equivalent distance, MET…)"
            )
        });
    }
    for s in &mut file.samples {
        s.source_name = Some(SOURCE.to_owned());
    }
    file.samples.sort_by_key(|s| (s.start, s.end));
    file.warnings = diag.finish();
    Ok(file)
}

/// Where the columns read are, found once from the header.
struct Columns {
    start: Option<usize>,
    end: Option<usize>,
    stages: [Option<usize>; 4],
    night: Vec<(Option<usize>, &'static str, Metric)>,
    waking: Vec<(Option<usize>, &'static str, Metric)>,
    steps: Option<usize>,
    activity_burn: Option<usize>,
    total_burn: Option<usize>,
    inactive: Option<usize>,
    low: Option<usize>,
    medium: Option<usize>,
    high: Option<usize>,
    /// Minutes per unit of the activity time columns.
    minutes_per_unit: f64,
}

impl Columns {
    fn new(header: &Header, activity_seconds: bool) -> Self {
        let columns =
            |list: &[(&'static str, Metric)]| list.iter().map(|(n, m)| (header.find(n), *n, *m)).collect();
        Self {
            start: header.find("Bedtime Start"),
            end: header.find("Bedtime End"),
            stages: STAGES.map(|names| header.find_any(&names)),
            night: columns(&NIGHT),
            waking: columns(&WAKING),
            steps: header.find("Steps"),
            activity_burn: header.find("Activity Burn"),
            total_burn: header.find("Total Burn"),
            inactive: header.find("Inactive Time"),
            low: header.find("Low Activity Time"),
            medium: header.find("Medium Activity Time"),
            high: header.find("High Activity Time"),
            minutes_per_unit: if activity_seconds { 1.0 / 60.0 } else { 1.0 },
        }
    }

    /// The night of `row`, when it has one: stages, the night's values and the scores on waking.
    fn night(&self, row: &Row<'_>, diag: &mut Diagnostics, out: &mut Vec<ParsedSample>) {
        let (Some(start_cell), Some(end_cell)) = (row.cell(self.start), row.cell(self.end)) else {
            return;
        };
        let times = observed(start_cell).zip(observed(end_cell));
        let Some(((start, offset), (end, _))) = times.filter(|((s, _), (e, _))| s < e) else {
            diag.warn_at("unparsable_date", Location::Line(row.line), || {
                format!(
                    "'{start_cell}'–'{end_cell}' is not a bedtime (times with their UTC offset, in order)"
                )
            });
            return;
        };
        let seconds = self
            .stages
            .map(|column| row.number(column, "sleep stage seconds", diag));
        out.extend(stage_blocks(start, end, seconds, offset));
        let mut values: Vec<(Metric, f64, Timestamp)> = Vec::new();
        for &(column, name, metric) in &self.night {
            if let Some(value) = row.number(column, name, diag).filter(|v| *v > 0.0) {
                values.push((metric, value, start));
            }
        }
        for &(column, name, metric) in &self.waking {
            if let Some(value) = row.number(column, name, diag) {
                values.push((metric, value, end));
            }
        }
        // The night's values span it; the scores are at its end.
        for (metric, value, from) in values {
            match sample(metric, value, None, from, end) {
                Ok(mut s) => {
                    s.offset_minutes = offset;
                    out.push(s);
                }
                Err(e) => diag.warn_at(e.code, Location::Line(row.line), || {
                    format!("{metric}: {}", e.detail)
                }),
            }
        }
    }

    /// The day's totals of `row`, over its local `day`.
    fn day(
        &self,
        row: &Row<'_>,
        day: (Timestamp, Timestamp),
        diag: &mut Diagnostics,
        out: &mut Vec<ParsedSample>,
    ) {
        let number =
            |column: Option<usize>, what: &str, diag: &mut Diagnostics| row.number(column, what, diag);
        let active = number(self.activity_burn, "Activity Burn", diag);
        let total = number(self.total_burn, "Total Burn", diag);
        // Oura's total burn is the activity burn plus the basal rate.
        let basal = total.zip(active).map(|(total, active)| total - active);
        let minutes = |column: Option<usize>, what: &str, diag: &mut Diagnostics| {
            number(column, what, diag).map(|v| v * self.minutes_per_unit)
        };
        let exercise = match (
            minutes(self.medium, "Medium Activity Time", diag),
            minutes(self.high, "High Activity Time", diag),
        ) {
            (None, None) => None,
            (medium, high) => Some(medium.unwrap_or(0.0) + high.unwrap_or(0.0)),
        };
        let values = [
            (Metric::Steps, number(self.steps, "Steps", diag)),
            (Metric::ActiveEnergy, active),
            (Metric::BasalEnergy, basal),
            (
                Metric::SedentaryMinutes,
                minutes(self.inactive, "Inactive Time", diag),
            ),
            (
                Metric::LightActivityMinutes,
                minutes(self.low, "Low Activity Time", diag),
            ),
            (Metric::ExerciseMinutes, exercise),
        ];
        for (metric, value) in values {
            let Some(value) = value.filter(|v| *v != 0.0) else {
                continue;
            };
            match sample(metric, value, None, day.0, day.1) {
                Ok(mut s) => {
                    // A date without a zone: its day is wherever the user lived.
                    s.floating = true;
                    s.summary = true;
                    out.push(s);
                }
                Err(e) => diag.warn_at(e.code, Location::Line(row.line), || {
                    format!("{metric}: {}", e.detail)
                }),
            }
        }
    }
}

/// A time with its UTC offset: the instant and the offset in minutes.
fn observed(text: &str) -> Option<(Timestamp, Option<i16>)> {
    crate::withings::observed(text)
}
