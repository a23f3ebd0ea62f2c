//! `physiological_cycles.csv`: what WHOOP measured in each cycle's night, stored at waking (the moment
//! the recovery is given, so on the day it belongs to), and the day's strain, stored at the cycle's end
//! (when it is final; the current cycle's is not, and is left for the next export).

use jiff::Timestamp;
use wearhouse_model::Metric;

use super::{Header, NotImported, Row, Rows};
use crate::fitbit::shared::sample;
use crate::{FormatError, ParsedFile};

/// The night's measurements, by column.
const AT_WAKING: [(&str, Metric); 5] = [
    ("Recovery score %", Metric::RecoveryScore),
    ("Resting heart rate (bpm)", Metric::RestingHeartRate),
    ("Heart rate variability (ms)", Metric::HrvRmssd),
    ("Skin temp (celsius)", Metric::SkinTemperature),
    ("Blood oxygen %", Metric::Spo2),
];

/// Columns with values not stored here, and why.
const ELSEWHERE: [&str; 10] = [
    "Sleep performance %",
    "Respiratory rate (rpm)",
    "Asleep duration (min)",
    "In bed duration (min)",
    "Light sleep duration (min)",
    "Deep (SWS) duration (min)",
    "REM duration (min)",
    "Awake duration (min)",
    "Sleep efficiency %",
    "Sleep consistency %",
];
const UNMAPPED: [&str; 5] = [
    "Energy burned (cal)",
    "Max HR (bpm)",
    "Average HR (bpm)",
    "Sleep need (min)",
    "Sleep debt (min)",
];

pub(super) fn read(header: &Header, rows: &mut Rows<'_>, file: &mut ParsedFile) -> Result<(), FormatError> {
    let at_waking: Vec<(Option<usize>, Metric)> = AT_WAKING
        .iter()
        .map(|(name, metric)| (header.find(name), *metric))
        .collect();
    let end_column = header.find("Cycle end time");
    let wake_column = header.find("Wake onset");
    let strain_column = header.find("Day Strain");
    let mut not_imported = NotImported::new(header, &UNMAPPED);
    let mut unfinished = 0u64;
    while let Some(row) = rows.next()? {
        not_imported.note(&row);
        let (end, wake) = match (row.time(end_column), row.time(wake_column)) {
            (Ok(end), Ok(wake)) => (end, wake),
            (Err(e), _) | (_, Err(e)) => {
                rows.diag.warn("unparsable_date", || e);
                continue;
            }
        };
        if let Some(wake) = wake {
            for &(column, metric) in &at_waking {
                push(rows, file, &row, metric, row.number(column), wake);
            }
        }
        match (end, row.number(strain_column)) {
            (Some(end), strain) => push(rows, file, &row, Metric::Strain, strain, end),
            (None, Some(_)) | (None, None) => unfinished += 1,
        }
    }
    if unfinished > 0 {
        rows.diag.warn("cycle_not_finished", || {
            "the current cycle has no end yet: its strain is not final and is left for a later export"
                .to_owned()
        });
    }
    not_imported.report(
        &mut rows.diag,
        "the catalogue has no metric for a cycle's total energy (active and resting together), its heart-rate \
         range, or WHOOP's sleep need and debt",
    );
    let sleep_columns: Vec<&str> = ELSEWHERE
        .iter()
        .copied()
        .filter(|name| header.find(name).is_some())
        .collect();
    if !sleep_columns.is_empty() {
        rows.diag.warn("read_from_sleeps", || {
            "the cycles' sleep columns repeat sleeps.csv, which gives every sleep and nap; they are read from there"
                .to_owned()
        });
    }
    Ok(())
}

/// A reading at `at`, checked by the catalogue; a bad value becomes a warning.
fn push(
    rows: &mut Rows<'_>,
    file: &mut ParsedFile,
    row: &Row,
    metric: Metric,
    value: Option<f64>,
    at: Timestamp,
) {
    let Some(value) = value else {
        return;
    };
    match sample(metric, value, None, at, at) {
        Ok(mut s) => {
            s.offset_minutes = row.offset_minutes();
            file.samples.push(s);
        }
        Err(e) => rows.diag.invalid(|| format!("line {}", row.line), e),
    }
}
