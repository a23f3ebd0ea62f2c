//! The Fitbit entries that are lists of dated values: one-minute steps, distance and altitude (floors),
//! heart-rate readings, daily resting heart rate, activity-level minutes and time in heart-rate zones,
//! and weight logs.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Time;
use jiff::SignedDuration;
use serde::Deserialize;
use serde_json::value::RawValue;
use wearhouse_model::{Metric, RawValue as Value, Unit};

use super::shared::{
    item, json_items, local_day, local_instant, local_sample, sample, utc_instant, Diagnostics, Int, Num,
};
use super::{parse_date, parse_time, FitbitContext};
use crate::apple_health::UnmappedRecord;
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
    /// `altitude-`: the minute's elevation gain in feet, ten to a floor (see the module docs of `fitbit`).
    Altitude,
}

/// Feet of elevation gain Fitbit counts as one floor.
pub(super) const FEET_PER_FLOOR: f64 = 10.0;

pub(super) fn read_minutes(
    path: &str,
    text: &str,
    kind: Minutes,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, EXPECTED_SERIES)?;
    let (metric, unit, scale) = match kind {
        Minutes::Steps => (Metric::Steps, None, 1.0),
        Minutes::Distance => (Metric::Distance, Some(Unit::Centimeter), 1.0),
        Minutes::Altitude => (Metric::Floors, None, 1.0 / FEET_PER_FLOOR),
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
        match sample(metric, reading.value.0 * scale, unit, start, end) {
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

/// The daily minutes-per-activity-level files, each a floating sample of the user's local day (see the
/// module docs of `fitbit`).
#[derive(Debug, Clone, Copy)]
pub(super) enum DailyMinutes {
    /// `moderately_active_minutes-`: exercise, over the first half of the day.
    ModeratelyActive,
    /// `very_active_minutes-`: exercise, over the second half of the day.
    VeryActive,
    /// `lightly_active_minutes-`: light activity, over the whole day.
    LightlyActive,
    /// `sedentary_minutes-`: sedentary time, over the whole day.
    Sedentary,
}

impl DailyMinutes {
    fn metric(self) -> Metric {
        match self {
            DailyMinutes::ModeratelyActive | DailyMinutes::VeryActive => Metric::ExerciseMinutes,
            DailyMinutes::LightlyActive => Metric::LightActivityMinutes,
            DailyMinutes::Sedentary => Metric::SedentaryMinutes,
        }
    }
}

pub(super) fn read_daily_minutes(
    path: &str,
    text: &str,
    kind: DailyMinutes,
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
        let (start, end) = match kind {
            DailyMinutes::ModeratelyActive => (start, noon),
            DailyMinutes::VeryActive => (noon, end),
            DailyMinutes::LightlyActive | DailyMinutes::Sedentary => (start, end),
        };
        match local_sample(kind.metric(), reading.value.0, None, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("item {index}"), e),
        }
    }
    Ok(())
}

/// The raw record type of the minutes in one heart-rate zone: `FitbitHeartRateZone:IN_DEFAULT_ZONE_1`.
pub(super) const ZONE_RECORD_PREFIX: &str = "FitbitHeartRateZone";

/// A zone name is Fitbit's key; beyond this it is cut (raw record types are names).
const MAX_ZONE_NAME: usize = 64;

/// `{"dateTime": "11/07/19 00:00:00", "value": {"valuesInZones": {"BELOW_DEFAULT_ZONE_1": 1102.0,
/// "IN_DEFAULT_ZONE_1": 52.0, "IN_DEFAULT_ZONE_2": 8.0, "IN_DEFAULT_ZONE_3": 0.0}}}`: minutes of the
/// local day per heart-rate zone.
#[derive(Deserialize)]
struct ZonesReading<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    #[serde(borrow)]
    value: ZonesValue<'a>,
}

#[derive(Deserialize)]
struct ZonesValue<'a> {
    /// Each zone's value is read on its own, so one bad zone does not lose the day's others.
    #[serde(rename = "valuesInZones", borrow)]
    values_in_zones: BTreeMap<Cow<'a, str>, &'a RawValue>,
}

/// Time in heart-rate zones has no metric of its own (zones differ by device and user), so each zone's
/// minutes become a raw record over the local day, one type per zone as Fitbit names it, the value in
/// minutes. Zero minutes are dropped, as for the activity levels; the minutes are checked as minutes of
/// one day (0–1,440) by the catalogue.
pub(super) fn read_heart_rate_zones(
    path: &str,
    text: &str,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    raw: &mut Vec<UnmappedRecord>,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of daily minutes in heart-rate zones")?;
    for (index, item_raw) in items.iter().enumerate() {
        let Some(reading) = item::<ZonesReading>(item_raw, index, diag) else {
            continue;
        };
        let Some((start, end)) = parse_date(&reading.date_time).and_then(|d| local_day(&ctx.zones, d)) else {
            diag.warn("unparsable_date", || {
                format!("item {index}: '{}' is not a Fitbit date", reading.date_time)
            });
            continue;
        };
        for (zone, value) in &reading.value.values_in_zones {
            let minutes = match serde_json::from_str::<Option<Num>>(value.get()) {
                Ok(None) => continue,
                Ok(Some(Num(minutes))) => minutes,
                Err(e) => {
                    diag.warn("bad_item", || format!("item {index} ({zone}) was skipped: {e}"));
                    continue;
                }
            };
            if minutes == 0.0 {
                continue;
            }
            // The catalogue's check of minutes in a day, through a metric of the same unit and range.
            let minutes = match Metric::ExerciseMinutes.canonical_value(&Value::Number(minutes), None) {
                Ok(minutes) => minutes,
                Err(e) => {
                    diag.invalid(|| format!("item {index} ({zone})"), e);
                    continue;
                }
            };
            let zone: String = zone.chars().take(MAX_ZONE_NAME).collect();
            raw.push(UnmappedRecord {
                record_type: format!("{ZONE_RECORD_PREFIX}:{zone}"),
                unit: Some("min".to_owned()),
                value: Some(minutes.to_string()),
                start,
                end,
                offset_minutes: None,
                source_name: None,
                device: None,
            });
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
