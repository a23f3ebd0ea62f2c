//! The Fitbit entries that are lists of dated values: one-minute steps and distance, heart-rate readings,
//! daily resting heart rate and active minutes, and weight logs.

use std::borrow::Cow;

use jiff::civil::Time;
use jiff::SignedDuration;
use serde::Deserialize;
use wearhouse_model::{Metric, Unit};

use super::shared::{
    item, json_items, local_day, local_instant, local_sample, sample, utc_instant, Diagnostics, Int, Num,
};
use super::{parse_date, parse_time, FitbitContext};
use crate::{FormatError, ParsedFile};

const EXPECTED_SERIES: &str = "a JSON array of {\"dateTime\", \"value\"} items";

/// `{"dateTime": "01/01/20 00:01:00", "value": "12"}`.
#[derive(Deserialize)]
struct Reading<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    value: Num,
}

/// The one-minute series.
#[derive(Debug, Clone, Copy)]
pub(super) enum Minutes {
    Steps,
    /// In centimetres.
    Distance,
}

pub(super) fn read_minutes(
    path: &str,
    text: &str,
    kind: Minutes,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, EXPECTED_SERIES)?;
    let (metric, unit) = match kind {
        Minutes::Steps => (Metric::Steps, None),
        Minutes::Distance => (Metric::Distance, Some(Unit::Centimeter)),
    };
    file.samples.reserve(items.len() / 4);
    for (index, raw) in items.iter().enumerate() {
        let Some(reading) = item::<Reading>(raw, index, diag) else {
            continue;
        };
        if reading.value.0 == 0.0 {
            continue;
        }
        let Some(start) = parse_time(&reading.date_time).and_then(utc_instant) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{}' is not a Fitbit time", reading.date_time)
            });
            continue;
        };
        let Ok(end) = start.checked_add(SignedDuration::from_secs(60)) else {
            continue;
        };
        match sample(metric, reading.value.0, unit, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// `{"dateTime": "04/22/19 04:00:05", "value": {"bpm": 69, "confidence": 2}}`.
#[derive(Deserialize)]
struct HeartReading<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    value: Bpm,
}

#[derive(Deserialize)]
struct Bpm {
    bpm: Num,
}

pub(super) fn read_heart_rate(
    path: &str,
    text: &str,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of heart-rate readings")?;
    file.samples.reserve(items.len());
    for (index, raw) in items.iter().enumerate() {
        let Some(reading) = item::<HeartReading>(raw, index, diag) else {
            continue;
        };
        let Some(at) = parse_time(&reading.date_time).and_then(utc_instant) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{}' is not a Fitbit time", reading.date_time)
            });
            continue;
        };
        match sample(Metric::HeartRate, reading.value.bpm.0, None, at, at) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// `{"dateTime": "05/18/18 00:00:00", "value": {"date": "05/18/18", "value": 70.4, "error": 14.2}}`.
#[derive(Deserialize)]
struct RestingReading<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    #[serde(borrow)]
    value: RestingValue<'a>,
}

#[derive(Deserialize)]
struct RestingValue<'a> {
    #[serde(borrow, default)]
    date: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<Num>,
}

pub(super) fn read_resting(
    path: &str,
    text: &str,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of daily resting heart rates")?;
    for (index, raw) in items.iter().enumerate() {
        let Some(reading) = item::<RestingReading>(raw, index, diag) else {
            continue;
        };
        // Placeholders for days without a value: `"date": null, "value": 0.0`.
        let (Some(date), Some(Num(bpm))) = (reading.value.date, reading.value.value) else {
            continue;
        };
        if bpm == 0.0 {
            continue;
        }
        let day = parse_date(&date).or_else(|| parse_date(&reading.date_time));
        let Some((start, end)) = day.and_then(|d| local_day(&ctx.zones, d)) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{date}' is not a Fitbit date")
            });
            continue;
        };
        match local_sample(Metric::RestingHeartRate, bpm, None, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// `{"dateTime": "01/02/21 00:00:00", "value": {"demographicVO2Max": 46.51, "demographicVO2MaxError":
/// 3.0, "filteredDemographicVO2Max": 46.2, "filteredDemographicVO2MaxError": 0.45}}`: Fitbit's
/// "cardio fitness score" for the day, the filtered estimate (smoothed over days, what the app shows)
/// where there is one.
#[derive(Deserialize)]
struct Vo2MaxReading<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    value: Vo2MaxValue,
}

#[derive(Deserialize)]
struct Vo2MaxValue {
    #[serde(rename = "demographicVO2Max", default)]
    raw: Option<Num>,
    #[serde(rename = "filteredDemographicVO2Max", default)]
    filtered: Option<Num>,
}

pub(super) fn read_vo2max(
    path: &str,
    text: &str,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of daily VO2 max estimates")?;
    for (index, raw) in items.iter().enumerate() {
        let Some(reading) = item::<Vo2MaxReading>(raw, index, diag) else {
            continue;
        };
        let estimate = [reading.value.filtered, reading.value.raw]
            .into_iter()
            .flatten()
            .map(|n| n.0)
            .find(|v| *v > 0.0);
        let Some(vo2max) = estimate else {
            continue;
        };
        let Some((start, end)) = parse_date(&reading.date_time).and_then(|d| local_day(&ctx.zones, d)) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{}' is not a Fitbit date", reading.date_time)
            });
            continue;
        };
        match local_sample(Metric::Vo2max, vo2max, None, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// Which half of the local day an active-minutes sample occupies (see the module docs of `fitbit`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Half {
    /// Moderately active minutes.
    First,
    /// Very active minutes.
    Second,
}

pub(super) fn read_active(
    path: &str,
    text: &str,
    half: Half,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, EXPECTED_SERIES)?;
    for (index, raw) in items.iter().enumerate() {
        let Some(reading) = item::<Reading>(raw, index, diag) else {
            continue;
        };
        if reading.value.0 == 0.0 {
            continue;
        }
        let Some(date) = parse_date(&reading.date_time) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{}' is not a Fitbit date", reading.date_time)
            });
            continue;
        };
        let noon = local_instant(&ctx.zones, date.to_datetime(Time::constant(12, 0, 0, 0)));
        let Some(((start, end), noon)) = local_day(&ctx.zones, date).zip(noon) else {
            continue;
        };
        let (start, end) = match half {
            Half::First => (start, noon),
            Half::Second => (noon, end),
        };
        match local_sample(Metric::ExerciseMinutes, reading.value.0, None, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// `{"logId": 1499258640000, "weight": 193.9, "bmi": 28.08, "fat": 24.0, "date": "07/05/17",
/// "time": "12:44:00", "source": "Aria"}`.
#[derive(Deserialize)]
struct WeightLog<'a> {
    #[serde(rename = "logId", default)]
    log_id: Option<Int>,
    #[serde(default)]
    weight: Option<Num>,
    #[serde(default)]
    bmi: Option<Num>,
    #[serde(default)]
    fat: Option<Num>,
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(borrow, default)]
    time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    source: Option<Cow<'a, str>>,
}

/// Heights a BMI may imply before the weight unit is suspect, in metres.
const PLAUSIBLE_HEIGHT: std::ops::RangeInclusive<f64> = 1.0..=2.4;

pub(super) fn read_weight(
    path: &str,
    text: &str,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of weight logs")?;
    let mut corrected = 0u32;
    for (index, raw) in items.iter().enumerate() {
        let Some(log) = item::<WeightLog>(raw, index, diag) else {
            continue;
        };
        let time = log.time.as_deref().unwrap_or("00:00:00");
        let at = parse_date(&log.date)
            .zip(time.parse::<Time>().ok())
            .and_then(|(d, t)| local_instant(&ctx.zones, d.to_datetime(t)));
        let Some(at) = at else {
            diag.warn("unparsable_date", || {
                format!(
                    "item {index}: '{} {time}' is not a Fitbit date and time",
                    log.date
                )
            });
            continue;
        };
        let id = log.log_id.map(|Int(id)| id);
        let source = log.source.as_deref().map(str::to_owned);
        let mut push = |metric: Metric, value: f64, unit: Option<Unit>, tag: &str| match local_sample(
            metric, value, unit, at, at,
        ) {
            Ok(mut s) => {
                s.external_id = id.map(|id| format!("fitbit:{tag}:{id}"));
                s.source_name.clone_from(&source);
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| format!("item {index} ({tag})"), e),
        };
        if let Some(Num(weight)) = log.weight {
            // The BMI stored beside a weight tells its unit when only one unit gives a possible height:
            // a log written while the account showed the other unit is read in that one.
            let unit = match log.bmi {
                Some(Num(bmi)) if unit_looks_wrong(weight, bmi, ctx.weight_unit) => {
                    corrected += 1;
                    ctx.weight_unit.other()
                }
                _ => ctx.weight_unit,
            };
            push(Metric::BodyMass, weight, Some(unit.unit()), "weight");
        }
        if let Some(Num(fat)) = log.fat {
            push(Metric::BodyFatPercentage, fat, None, "fat");
        }
        if let Some(Num(bmi)) = log.bmi {
            push(Metric::Bmi, bmi, None, "bmi");
        }
    }
    if corrected > 0 {
        let (unit, other) = (ctx.weight_unit.unit(), ctx.weight_unit.other().unit());
        diag.warn("weight_unit_corrected", || {
            format!(
                "{corrected} weights read as {unit} would give, with the BMI Fitbit stored beside them, a \
                 height outside {PLAUSIBLE_HEIGHT:?} m that {other} does not: they were read as {other}"
            )
        });
    }
    Ok(())
}

/// Whether `weight` in `unit` and `bmi` imply an implausible height while the other unit would not.
fn unit_looks_wrong(weight: f64, bmi: f64, unit: super::WeightUnit) -> bool {
    let other = unit.other();
    let height = |u: super::WeightUnit| {
        let kg = u.unit().to_canonical_value(weight);
        (kg / bmi).sqrt()
    };
    bmi > 0.0 && !PLAUSIBLE_HEIGHT.contains(&height(unit)) && PLAUSIBLE_HEIGHT.contains(&height(other))
}
