//! Garmin Connect's account export ("Export your data", the GDPR ZIP): the JSON summaries under
//! `DI_CONNECT/`, each a top-level JSON array, recognised by file name wherever the archive puts them
//! (the folders moved between exports, sometimes under a UUID-named root). Read here:
//!
//! - `UDSFile_<from>_<to>.json` (the daily summaries, ~100 days a file): the day's steps, distance,
//!   active and basal kcal, floors and intensity minutes as day totals over the exact
//!   `wellnessStartTimeGmt`..`wellnessEndTimeGmt` span, which the FIT monitoring files refine; resting
//!   heart rate and the all-day stress average over the same span.
//! - `<from>_<to>_<id>_sleepData.json`: one flat record per night, with GMT start and end strings and
//!   totals per stage (no timeline), laid out by [`crate::sleep_totals`]; the night's sleep score,
//!   breathing rate and SpO2 at its end.
//! - `<user>_<n>_summarizedActivities.json`: workouts in `[{"summarizedActivitiesExport":[…]}]`, with
//!   epoch-millisecond times, distances and elevations in centimetres, durations in milliseconds.
//! - `<id>_userBioMetrics.json` (older: `user_biometrics.json`): weigh-ins in grams with BMI and body
//!   fat, and heights in centimetres.
//! - `HydrationLogFile_<from>_<to>.json`: intake entries in mL per local day.
//!
//! Times are strings without a zone (`"2021-06-18T04:58:00.0"`, `"2026-01-02T18:05:26.148"`) whose field
//! name says GMT or Local, or epoch milliseconds (activities); `calendarDate` is the user's local day.

mod activities;
mod biometrics;
mod daily;
mod hydration;
mod sleep;
#[cfg(test)]
mod tests;

use jiff::civil::DateTime;
use jiff::Timestamp;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::fitbit::shared::{file_name, json_text, utc_instant, Diagnostics, Num};
use crate::{FormatError, Location, ParsedFile, ParsedSample, ZoneHistory};

/// What a Garmin export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `UDSFile_*.json`: one summary per day.
    DailySummaries,
    /// `*_sleepData.json`: one record per night.
    Sleep,
    /// `*summarizedActivities*.json`: workouts.
    Activities,
    /// `*_userBioMetrics.json` or `user_biometrics.json`: weight, body composition and height.
    BioMetrics,
    /// `HydrationLogFile_*.json`: water intake entries.
    Hydration,
}

/// The kind of file `path` names, by its file name alone (any folder, either separator, any case).
pub fn classify(path: &str) -> Option<Kind> {
    let name = file_name(path).to_ascii_lowercase();
    let stem = name.strip_suffix(".json")?;
    Some(if stem.starts_with("udsfile_") {
        Kind::DailySummaries
    } else if stem.ends_with("_sleepdata") {
        Kind::Sleep
    } else if stem.contains("summarizedactivities") {
        Kind::Activities
    } else if stem.ends_with("_userbiometrics") || stem == "user_biometrics" {
        Kind::BioMetrics
    } else if stem.starts_with("hydrationlogfile_") {
        Kind::Hydration
    } else {
        return None;
    })
}

/// Whether `path` and `head` (the file's first bytes) are a Garmin export file this reader reads: a
/// known name holding a JSON array.
pub fn is_garmin_file(path: &str, head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    classify(path).is_some() && head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Reads one export file, named `path`; `zones` places the times the file gives only as local days
/// or wall-clock times (hydration days, heights, daily summaries without their GMT span).
pub fn read_garmin_file(path: &str, bytes: &[u8], zones: &ZoneHistory) -> Result<ParsedFile, FormatError> {
    let kind = classify(path).ok_or_else(|| {
        FormatError::new(
            "not_garmin",
            format!("{path} is not a Garmin export file this reader knows"),
            Location::Entry(path.to_owned()),
        )
    })?;
    let text = json_text(path, bytes)?;
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    match kind {
        Kind::DailySummaries => daily::read(path, text, zones, &mut diag, &mut file)?,
        Kind::Sleep => sleep::read(path, text, &mut diag, &mut file)?,
        Kind::Activities => activities::read(path, text, &mut diag, &mut file)?,
        Kind::BioMetrics => biometrics::read(path, text, zones, &mut diag, &mut file)?,
        Kind::Hydration => hydration::read(path, text, zones, &mut diag, &mut file)?,
    }
    dedup(&mut file.samples);
    file.activities.sort_by_key(|a| (a.start, a.end));
    file.warnings = diag.finish();
    Ok(file)
}

/// Exports repeat records (a weigh-in listed twice, a day in two overlapping windows): one reading of a
/// metric over one span with one value is kept, and samples come out in time order.
fn dedup(samples: &mut Vec<ParsedSample>) {
    samples.sort_by(|a, b| {
        (a.start, a.end, a.metric.as_str())
            .cmp(&(b.start, b.end, b.metric.as_str()))
            .then(a.value.total_cmp(&b.value))
    });
    samples
        .dedup_by(|a, b| a.metric == b.metric && a.start == b.start && a.end == b.end && a.value == b.value);
}

/// A wall-clock time as Garmin writes it, without a zone (`"2021-06-18T04:58:00.0"`); the field's name
/// says whether it is GMT or local.
fn wall_clock(text: &str) -> Option<DateTime> {
    text.trim().parse().ok()
}

/// A time written as [`wall_clock`] in a field named `…GMT`/`…Gmt`: the instant it names. A trailing
/// `Z`, which Garmin does not write, is accepted all the same.
fn gmt_instant(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    wall_clock(text.strip_suffix('Z').unwrap_or(text)).and_then(utc_instant)
}

/// An instant from epoch milliseconds, which Garmin writes as a JSON number (sometimes with a fraction).
fn epoch_millis(ms: f64) -> Option<Timestamp> {
    // `as` saturates; an out-of-range value then fails in `from_millisecond`.
    Timestamp::from_millisecond(ms.round() as i64).ok()
}

/// A UTC offset in minutes from the distance between a local and a UTC reading of one moment (Garmin's
/// `…Local` minus `…Gmt`); `None` when it is not a real offset (beyond ±18 hours).
fn offset_minutes(local_minus_utc_seconds: i64) -> Option<i16> {
    let minutes = i16::try_from(local_minus_utc_seconds / 60).ok()?;
    (-18 * 60..=18 * 60).contains(&minutes).then_some(minutes)
}

/// A time Garmin writes either as a GMT string or as epoch milliseconds (the weigh-in's `timestampGMT`
/// is a string in every export seen, epoch milliseconds in one parser's; both are read).
#[derive(Debug, Clone, Copy, PartialEq)]
struct GmtTime(Option<Timestamp>);

impl<'de> Deserialize<'de> for GmtTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct GmtTimeVisitor;
        impl Visitor<'_> for GmtTimeVisitor {
            type Value = GmtTime;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a GMT time string or epoch milliseconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GmtTime, E> {
                Ok(GmtTime(gmt_instant(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<GmtTime, E> {
                Ok(GmtTime(v.is_finite().then(|| epoch_millis(v)).flatten()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<GmtTime, E> {
                Ok(GmtTime(
                    i64::try_from(v)
                        .ok()
                        .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
                ))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<GmtTime, E> {
                Ok(GmtTime(Timestamp::from_millisecond(v).ok()))
            }
        }
        deserializer.deserialize_any(GmtTimeVisitor)
    }
}

/// A number that is there and above zero: Garmin writes `0` for "not measured" (heart rates, scores,
/// a failed impedance reading).
fn positive(value: Option<Num>) -> Option<f64> {
    value.map(|Num(v)| v).filter(|v| *v > 0.0)
}
