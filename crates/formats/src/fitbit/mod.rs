//! Fitbit account export reader: one JSON entry of the export at a time (the importer walks the ZIP or
//! directory), from the old fitbit.com archive (`<Name>/user-site-export/steps-2020-01-01.json`) or Google
//! Takeout (`Takeout/Fitbit/Physical Activity/…`, `…/Sleep/…`, `…/Global Export Data/…`). Entries are
//! recognised by file name, which is the same in every layout and language. Pure: bytes in, records out.
//!
//! What the files hold, and the decisions taken — each checked against real exports quoted in public
//! repositories (named in the tests' fixtures):
//!
//! - **Times.** Every time is written without a zone, but not every time is local. The intraday series
//!   (`steps-`, `distance-`, `heart_rate-`) and exercise `startTime`s are **UTC**: a `heart_rate-2023-01-26.json`
//!   of a user at UTC+11 starts at `01/25/23 13:00:07` (saubury/duckdb-fitbit, `fitbit-analysis.md`, which
//!   adds 11 h to steps, heart rate and exercise), and jrtechs' Fitbit post shifts heart rate and exercises
//!   by −4 h for US Eastern time while taking sleep as written. Sleep, weight and the daily values are
//!   local wall-clock times (andykong.org "Timezone correcting Fitbit sleep data"), read in
//!   [`FitbitContext::zones`] with jiff's compatible disambiguation. No sample gets an observed
//!   offset: none is recorded, and the local-day rule falls back to the user's zone.
//! - **Formats.** `MM/DD/YY HH:MM:SS` (series, exercise) and `YYYY-MM-DDTHH:MM:SS.000` (sleep) are both
//!   accepted wherever a time is expected; two-digit years are 20YY (Fitbit started in 2009).
//! - **Values** arrive as strings (`"value": "123"`) or numbers; both are read, and every value is checked
//!   by the metric catalogue (finite, plausible) — a bad item is a [`crate::Warning`], never a failed file.
//! - **Steps and distance** are one-minute counts: `[dateTime, dateTime + 60 s)`. Fitbit writes a zero for
//!   most minutes of the day; zero minutes are dropped silently (they add nothing to any total, and
//!   keeping them would store ~1,400 empty rows per day and metric). **Distance is in centimetres**
//!   (danlsn/fitport README: `"value" : "1544" // centimetres`; a walking minute is a few thousand).
//! - **Heart rate** readings are instantaneous (`start == end`); the `confidence` is not kept.
//! - **Resting heart rate** is one value per local day, a sample spanning that day. Fitbit writes
//!   placeholder records (`"date": null`, `"value": 0.0`) for days without one; they are skipped silently.
//! - **Active minutes.** Only moderately and very active minutes count as `exercise_minutes` (the WHO's
//!   moderate-to-vigorous activity, and what Apple's exercise ring counts). The two counted files are
//!   read separately, yet the store keys a sample by (source, metric, start, duration): two day-long
//!   samples would collide. So moderately active minutes span the first half of the local day and very
//!   active minutes the second; the day's total is their sum, and neither file tells the time of day
//!   anyway. Lightly active minutes are not exercise: they become `light_activity_minutes`, and
//!   `sedentary_minutes-` becomes `sedentary_minutes`, each a sample spanning the whole local day (one
//!   file per metric, so nothing collides). A zero day is dropped.
//! - **Floors** (`altitude-`): a one-minute series like steps, in UTC like it, of the elevation gained
//!   in the minute, **in feet, ten to a floor**, stored as `floors` (value ÷ 10). The export has no
//!   `floors-` file (the file lists of LifeSnaps' `pylifesnaps` loader and of danlsn/fitport's README
//!   name `altitude` and no `floors`). Evidence for the unit, none of it a statement by Fitbit about
//!   the file: Fitbit's help ("How does my tracker count floors?") registers a floor at about 10 feet
//!   of gain; two public readers of the export take the day's sum ÷ 10 as its floors (Luke
//!   Kippenbrock's `fitbit.py`, "1 floor = 10 stairs", and a Fitbit-to-Garmin CSV converter, "every 10
//!   altitude = 1 floor"); and Fitbit's API gives a metric account `"elevation": 6.1, "floors": 2`
//!   (3.05 m, 10 ft, a floor). Elevation gain is **not** stored from it: the values are floors times
//!   ten rather than a measured gain, and no source names the unit outright, so `elevation_gain` in
//!   metres would be a conversion of a guess; the exercises' own `elevationGain` stays the source.
//! - **Time in heart-rate zones** (`time_in_heart_rate_zones-`): per local day, the minutes in each of
//!   Fitbit's zones (`valuesInZones`: `BELOW_DEFAULT_ZONE_1`, `IN_DEFAULT_ZONE_1` … `_3`). Zones depend
//!   on the device and the user's maximum heart rate, so there is no catalogue metric for them: each
//!   zone's minutes become a raw record `FitbitHeartRateZone:<zone>` over the day, value in minutes
//!   ([`FitbitFile::raw`]).
//! - **Weight** is in the account's unit, which the file does not name ([`FitbitContext::weight_unit`]);
//!   when the BMI Fitbit stored beside a weight implies an impossible height for that unit but a
//!   possible one for the other, the weight is read in the other unit and a `weight_unit_corrected`
//!   warning counts how many were. `fat` becomes body fat percentage and `bmi`
//!   BMI, each with an external id from the log id.
//! - **Sleep**: see the `sleep` module (stages and classic logs, `shortData` overlays).
//! - **Exercise** becomes activities: see the `exercise` module.

mod exercise;
mod series;
pub(crate) mod shared;
mod sleep;
#[cfg(test)]
mod tests;

use jiff::civil;
use wearhouse_analytics::ZoneHistory;
use wearhouse_model::Unit;

use crate::apple_health::UnmappedRecord;
use crate::{FormatError, Location, ParsedFile};
use shared::{file_name, Diagnostics};

/// What the reader needs to know about the account that the files do not say.
#[derive(Debug, Clone)]
pub struct FitbitContext {
    /// The zones the user lived in, for the local wall-clock times of sleep, weight and daily values.
    pub zones: ZoneHistory,
    /// The unit the account showed weights in: Fitbit exports weights in it without naming it.
    pub weight_unit: WeightUnit,
}

/// The weight unit of a Fitbit account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WeightUnit {
    #[default]
    Kilogram,
    Pound,
}

impl WeightUnit {
    /// Kilograms for pounds and pounds for kilograms.
    pub fn other(self) -> Self {
        match self {
            WeightUnit::Kilogram => WeightUnit::Pound,
            WeightUnit::Pound => WeightUnit::Kilogram,
        }
    }

    /// The catalogue unit, for conversion to kilograms.
    pub fn unit(self) -> Unit {
        match self {
            WeightUnit::Kilogram => Unit::Kilogram,
            WeightUnit::Pound => Unit::Pound,
        }
    }
}

/// The kinds of export entry this reader understands, by file-name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Steps,
    Distance,
    HeartRate,
    RestingHeartRate,
    ModeratelyActive,
    VeryActive,
    /// Light activity, which is not exercise: `light_activity_minutes`.
    LightlyActive,
    Sedentary,
    /// Elevation gain in feet per minute: floors.
    Altitude,
    /// Daily minutes per heart-rate zone: raw records.
    HeartRateZones,
    Weight,
    Sleep,
    Exercise,
    /// The daily VO2 max estimate (`demographic_vo2_max-`).
    Vo2Max,
}

/// Whether `path` names an export entry this reader imports: `steps-`, `distance-`, `altitude-`,
/// `heart_rate-`, `resting_heart_rate-`, `moderately_active_minutes-`, `very_active_minutes-`,
/// `lightly_active_minutes-`, `sedentary_minutes-`, `time_in_heart_rate_zones-`, `weight-`, `sleep-` and
/// `demographic_vo2_max-` followed by `YYYY-MM-DD.json`, and `exercise-N.json`, in any folder.
pub fn is_fitbit_entry(path: &str) -> bool {
    classify(path).is_some()
}

/// What one export entry gives: samples and activities, and what has no metric kept as raw records
/// (time in heart-rate zones).
#[derive(Debug, Default)]
pub struct FitbitFile {
    pub file: ParsedFile,
    pub raw: Vec<UnmappedRecord>,
}

/// Reads one export entry's samples and activities: [`read_fitbit_file`] without the raw records.
pub fn read_fitbit_entry(path: &str, bytes: &[u8], ctx: &FitbitContext) -> Result<ParsedFile, FormatError> {
    read_fitbit_file(path, bytes, ctx).map(|read| read.file)
}

/// Reads one export entry. Fails when the path is not a Fitbit entry ([`is_fitbit_entry`]), when the
/// bytes are not JSON (`malformed_json`) or when the JSON is not the shape that entry holds
/// (`unexpected_shape`).
pub fn read_fitbit_file(path: &str, bytes: &[u8], ctx: &FitbitContext) -> Result<FitbitFile, FormatError> {
    let kind = classify(path).ok_or_else(|| {
        FormatError::new(
            "not_fitbit",
            format!("{path} is not a Fitbit export entry this reader knows"),
            Location::Entry(path.to_owned()),
        )
    })?;
    let text = shared::json_text(path, bytes)?;
    let mut diag = Diagnostics::new(path);
    let mut out = FitbitFile::default();
    let file = &mut out.file;
    let daily = |kind, diag: &mut Diagnostics, file: &mut ParsedFile| {
        series::read_daily_minutes(path, text, kind, ctx, diag, file)
    };
    match kind {
        EntryKind::Steps => series::read_minutes(path, text, series::Minutes::Steps, &mut diag, file)?,
        EntryKind::Distance => series::read_minutes(path, text, series::Minutes::Distance, &mut diag, file)?,
        EntryKind::Altitude => series::read_minutes(path, text, series::Minutes::Altitude, &mut diag, file)?,
        EntryKind::HeartRate => series::read_heart_rate(path, text, &mut diag, file)?,
        EntryKind::RestingHeartRate => series::read_resting(path, text, ctx, &mut diag, file)?,
        EntryKind::ModeratelyActive => daily(series::DailyMinutes::ModeratelyActive, &mut diag, file)?,
        EntryKind::VeryActive => daily(series::DailyMinutes::VeryActive, &mut diag, file)?,
        EntryKind::LightlyActive => daily(series::DailyMinutes::LightlyActive, &mut diag, file)?,
        EntryKind::Sedentary => daily(series::DailyMinutes::Sedentary, &mut diag, file)?,
        EntryKind::HeartRateZones => series::read_heart_rate_zones(path, text, ctx, &mut diag, &mut out.raw)?,
        EntryKind::Weight => series::read_weight(path, text, ctx, &mut diag, file)?,
        EntryKind::Sleep => sleep::read_sleep(path, text, ctx, &mut diag, file)?,
        EntryKind::Exercise => exercise::read_exercise(path, text, &mut diag, file)?,
        EntryKind::Vo2Max => series::read_vo2max(path, text, ctx, &mut diag, file)?,
    }
    out.file.warnings = diag.finish();
    Ok(out)
}

fn classify(path: &str) -> Option<EntryKind> {
    let name = file_name(path);
    let stem = name.strip_suffix(".json")?;
    if let Some(number) = stem.strip_prefix("exercise-") {
        return (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
            .then_some(EntryKind::Exercise);
    }
    // `<prefix>-YYYY-MM-DD`: the date is the last 10 characters, after a dash.
    let split = stem.len().checked_sub(11)?;
    let prefix = stem.get(..split)?;
    let date = stem.get(split..)?.strip_prefix('-')?;
    date.parse::<civil::Date>().ok()?;
    Some(match prefix {
        "steps" => EntryKind::Steps,
        "distance" => EntryKind::Distance,
        "heart_rate" => EntryKind::HeartRate,
        "resting_heart_rate" => EntryKind::RestingHeartRate,
        "moderately_active_minutes" => EntryKind::ModeratelyActive,
        "very_active_minutes" => EntryKind::VeryActive,
        "lightly_active_minutes" => EntryKind::LightlyActive,
        "sedentary_minutes" => EntryKind::Sedentary,
        "altitude" => EntryKind::Altitude,
        "time_in_heart_rate_zones" => EntryKind::HeartRateZones,
        "weight" => EntryKind::Weight,
        "sleep" => EntryKind::Sleep,
        "demographic_vo2_max" => EntryKind::Vo2Max,
        _ => return None,
    })
}

/// A Fitbit time: `MM/DD/YY HH:MM:SS` (years 20YY) or ISO-like `YYYY-MM-DDTHH:MM:SS[.fff]`, no zone.
/// The first form is hand-matched because a day of heart rate holds ~70,000 of them.
pub(crate) fn parse_time(text: &str) -> Option<civil::DateTime> {
    let digit = |b: u8| b.checked_sub(b'0').filter(|d| *d <= 9);
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    if let [m1, m2, b'/', d1, d2, b'/', y1, y2, b' ', h1, h2, b':', n1, n2, b':', s1, s2] = *text.as_bytes() {
        let year = 2000 + i16::from(two(y1, y2)?);
        return civil::DateTime::new(
            year,
            two(m1, m2)? as i8,
            two(d1, d2)? as i8,
            two(h1, h2)? as i8,
            two(n1, n2)? as i8,
            two(s1, s2)? as i8,
            0,
        )
        .ok();
    }
    text.trim().parse::<civil::DateTime>().ok()
}

/// A Fitbit date: `MM/DD/YY` or `YYYY-MM-DD`, or the date part of a [`parse_time`] time.
pub(crate) fn parse_date(text: &str) -> Option<civil::Date> {
    let digit = |b: u8| b.checked_sub(b'0').filter(|d| *d <= 9);
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    if let [m1, m2, b'/', d1, d2, b'/', y1, y2] = *text.as_bytes() {
        let year = 2000 + i16::from(two(y1, y2)?);
        return civil::Date::new(year, two(m1, m2)? as i8, two(d1, d2)? as i8).ok();
    }
    if let Ok(date) = text.trim().parse::<civil::Date>() {
        return Some(date);
    }
    parse_time(text).map(|dt| dt.date())
}
