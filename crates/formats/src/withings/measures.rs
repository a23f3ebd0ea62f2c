//! The measurement files: weigh-ins, blood pressure and heart rate, height, and daily step totals. Their
//! times are the user's wall clock without a zone, so the samples float with the zone history.

use jiff::civil::Date;
use wearhouse_model::{Metric, Unit};

use super::{row, rows, wall_clock, Kind};
use crate::fitbit::shared::{local_day, local_instant, local_sample, Diagnostics};
use crate::{FormatError, ParsedFile, ParsedSample, ZoneHistory};

/// A column whose header starts with `name` (`Weight (` matches `Weight (kg)`), with the unit its
/// header names in parentheses.
fn column(header: &[String], name: &str) -> Option<(usize, Option<Unit>)> {
    let i = header.iter().position(|h| h.starts_with(name))?;
    let unit = header[i]
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .and_then(|u| u.parse::<Unit>().ok());
    Some((i, unit))
}

pub(super) fn read(
    path: &str,
    kind: Kind,
    bytes: &[u8],
    zones: &ZoneHistory,
) -> Result<ParsedFile, FormatError> {
    let (header, records) = rows(bytes);
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    // (metric, column, unit the header gives or the metric's own) per value a row holds.
    let mut wanted: Vec<(Metric, usize, Option<Unit>)> = Vec::new();
    let mut fat_mass = None;
    match kind {
        Kind::Weight => {
            if let Some((i, unit)) = column(&header, "Weight (") {
                wanted.push((Metric::BodyMass, i, unit));
                fat_mass = column(&header, "Fat mass (").map(|(f, fat_unit)| (i, unit, f, fat_unit));
            }
        }
        Kind::BloodPressure => {
            for (metric, name) in [
                (Metric::HeartRate, "Heart rate"),
                (Metric::BloodPressureSystolic, "Systolic"),
                (Metric::BloodPressureDiastolic, "Diastolic"),
            ] {
                if let Some((i, _)) = column(&header, name) {
                    wanted.push((metric, i, None));
                }
            }
        }
        Kind::Height => {
            if let Some((i, unit)) = column(&header, "Height (") {
                wanted.push((Metric::Height, i, unit));
            }
        }
        Kind::DailySteps => wanted.push((Metric::Steps, 1, None)),
        _ => {}
    }
    let header_units_known = wanted
        .iter()
        .all(|(metric, _, unit)| unit.is_some() || !matches!(metric, Metric::BodyMass | Metric::Height));
    if !header_units_known {
        // Imperial heights are written `5' 10.5"`; rather than guess, say so.
        diag.warn("unknown_unit", || {
            format!("{path}: the header names a unit Wearhouse does not read")
        });
        file.warnings = diag.finish();
        return Ok(file);
    }
    for (index, record) in records.enumerate() {
        let Some((line, record)) = row(path, index, record, &mut diag)? else {
            continue;
        };
        let cell = |i: usize| record.get(i).map(str::trim).filter(|c| !c.is_empty());
        let number = |i: usize| {
            cell(i)
                .and_then(|c| c.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        let Some(when) = cell(0) else {
            continue;
        };
        // A measurement at a wall-clock instant, or a day's total over the local day.
        let span = if kind == Kind::DailySteps {
            when.parse::<Date>().ok().and_then(|d| local_day(zones, d))
        } else {
            wall_clock(when)
                .and_then(|dt| local_instant(zones, dt))
                .map(|t| (t, t))
        };
        let Some((start, end)) = span else {
            diag.warn("unparsable_date", || {
                format!("line {line}: {when:?} is not a Withings date")
            });
            continue;
        };
        let mut push = |metric: Metric, value: f64, unit: Option<Unit>| match local_sample(
            metric, value, unit, start, end,
        ) {
            Ok(mut s) => {
                s.summary = kind == Kind::DailySteps;
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| format!("line {line}"), e),
        };
        for &(metric, i, unit) in &wanted {
            // Rows of bp.csv from a scale or a watch hold a heart rate only; zero means "none".
            if let Some(value) = number(i).filter(|v| *v > 0.0) {
                push(metric, value, unit);
            }
        }
        if let Some((w, w_unit, f, f_unit)) = fat_mass {
            let kg = |v: f64, unit: Option<Unit>| {
                if unit == Some(Unit::Pound) {
                    v * 0.453_592_37
                } else {
                    v
                }
            };
            if let (Some(weight), Some(fat)) = (number(w), number(f)) {
                if weight > 0.0 && fat > 0.0 {
                    push(
                        Metric::BodyFatPercentage,
                        kg(fat, f_unit) / kg(weight, w_unit) * 100.0,
                        None,
                    );
                }
            }
        }
    }
    dedup(&mut file.samples);
    file.warnings = diag.finish();
    Ok(file)
}

/// Exports repeat rows exactly; one reading of a metric at one time is kept.
fn dedup(samples: &mut Vec<ParsedSample>) {
    samples.sort_by(|a, b| (a.metric.as_str(), a.start).cmp(&(b.metric.as_str(), b.start)));
    samples.dedup_by(|a, b| a.metric == b.metric && a.start == b.start && a.value == b.value);
}
