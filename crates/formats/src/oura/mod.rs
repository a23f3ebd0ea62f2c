//! Oura's account export in its JSON form: one object with `sleep`, `activity` and `readiness` arrays,
//! each record keyed by `summary_date`, the fields of Oura's v1 API. Its Trends CSV, a row per day, is
//! read by the `trends` module.
//!
//! - A sleep period runs from `bedtime_start` to `bedtime_end` (with their UTC offsets); its
//!   `hypnogram_5min` gives a stage per five minutes from the start (`1` deep, `2` light, `3` REM,
//!   `4` awake), its `hr_5min` a heart rate per five minutes (0: none), and `hr_lowest`, `rmssd` and
//!   `breath_average` the night's lowest heart rate, HRV and breathing rate.
//! - An activity day runs from `day_start` to `day_end` (Oura's day starts at 04:00 local) with its
//!   `steps` and `cal_active`: day totals, which finer data of the same provider refines.
//! - The night's `score` is its sleep score, and a readiness record's `score` the readiness (recovery)
//!   score given on waking from the sleep period it names (`summary_date` and `period_id`, the
//!   night's own keys): both are stored at the night's end. A readiness score without its night has
//!   no moment to be stored at, and is said in the report.
//!
//! Recognised by content: a JSON object whose first bytes hold `summary_date` beside a sleep, activity
//! or readiness field.

#[cfg(test)]
mod tests;
mod trends;
#[cfg(test)]
mod trends_tests;

pub use trends::{is_oura_trends, read_oura_trends};

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use wearhouse_model::{Metric, SleepStage};

use crate::fitbit::shared::{sample, Diagnostics};
use crate::{FormatError, Location, ParsedFile, ParsedSample};

/// The length of one hypnogram and heart-rate step.
const STEP: SignedDuration = SignedDuration::from_secs(300);

/// Whether `head`, a file's first bytes, is Oura's JSON export.
pub fn is_oura_export(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    first == Some(&b'{')
        && contains(b"\"summary_date\"")
        && [
            b"\"bedtime_start\"".as_slice(),
            b"\"hypnogram_5min\"",
            b"\"cal_active\"",
            b"\"score_resting_hr\"",
        ]
        .iter()
        .any(|n| contains(n))
}

#[derive(Debug, Default, Deserialize)]
struct Export {
    #[serde(default)]
    sleep: Vec<Sleep>,
    #[serde(default)]
    activity: Vec<Activity>,
    #[serde(default)]
    readiness: Vec<Readiness>,
}

#[derive(Debug, Deserialize)]
struct Readiness {
    summary_date: Option<String>,
    #[serde(default)]
    period_id: i64,
    score: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Sleep {
    summary_date: Option<String>,
    #[serde(default)]
    period_id: i64,
    score: Option<f64>,
    bedtime_start: Option<String>,
    bedtime_end: Option<String>,
    #[serde(default)]
    hypnogram_5min: Option<String>,
    #[serde(default)]
    hr_5min: Vec<Option<f64>>,
    hr_lowest: Option<f64>,
    rmssd: Option<f64>,
    breath_average: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Activity {
    day_start: Option<String>,
    day_end: Option<String>,
    steps: Option<f64>,
    cal_active: Option<f64>,
}

/// Reads the whole export (`bytes`, named `path` for its warnings).
pub fn read_oura_export(path: &str, bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let export: Export = serde_json::from_slice(bytes).map_err(|e| {
        FormatError::new(
            "malformed_json",
            format!("{path} is not Oura's JSON export: {e}"),
            Location::Line(e.line() as u64),
        )
    })?;
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    for (index, night) in export.sleep.iter().enumerate() {
        read_sleep(index, night, &mut diag, &mut file.samples);
    }
    for (index, day) in export.activity.iter().enumerate() {
        let (Some((start, offset)), Some((end, _))) = (
            day.day_start.as_deref().and_then(observed),
            day.day_end.as_deref().and_then(observed),
        ) else {
            diag.warn("unparsable_date", || {
                format!("activity {index}: no day_start and day_end with offsets")
            });
            continue;
        };
        for (metric, value) in [(Metric::Steps, day.steps), (Metric::ActiveEnergy, day.cal_active)] {
            let Some(value) = value.filter(|v| *v > 0.0) else {
                continue;
            };
            match sample(metric, value, None, start, end) {
                Ok(mut s) => {
                    s.offset_minutes = offset;
                    s.summary = true;
                    file.samples.push(s);
                }
                Err(e) => diag.invalid(|| format!("activity {index}"), e),
            }
        }
    }
    read_readiness(&export, &mut diag, &mut file.samples);
    file.samples.sort_by_key(|s| (s.start, s.end));
    file.warnings = diag.finish();
    Ok(file)
}

/// Readiness scores at the end of the night they were given for.
fn read_readiness(export: &Export, diag: &mut Diagnostics, out: &mut Vec<ParsedSample>) {
    let mut without_night = 0usize;
    for (index, readiness) in export.readiness.iter().enumerate() {
        let Some(score) = readiness.score else {
            continue;
        };
        let night = export.sleep.iter().find(|night| {
            night.summary_date.is_some()
                && night.summary_date == readiness.summary_date
                && night.period_id == readiness.period_id
        });
        let Some((end, offset)) = night.and_then(|n| {
            let (_, offset) = observed(n.bedtime_start.as_deref()?)?;
            let (end, _) = observed(n.bedtime_end.as_deref()?)?;
            Some((end, offset))
        }) else {
            without_night += 1;
            continue;
        };
        match sample(Metric::RecoveryScore, score, None, end, end) {
            Ok(mut s) => {
                s.offset_minutes = offset;
                out.push(s);
            }
            Err(e) => diag.invalid(|| format!("readiness {index}"), e),
        }
    }
    if without_night > 0 {
        diag.warn("readiness_without_night", || {
            format!(
                "{without_night} readiness scores name no sleep period of the export, so have no waking to be \
                 stored at; they were not imported"
            )
        });
    }
}

fn read_sleep(index: usize, night: &Sleep, diag: &mut Diagnostics, out: &mut Vec<ParsedSample>) {
    let (Some((start, offset)), Some((end, _))) = (
        night.bedtime_start.as_deref().and_then(observed),
        night.bedtime_end.as_deref().and_then(observed),
    ) else {
        diag.warn("unparsable_date", || {
            format!("sleep {index}: no bedtime_start and bedtime_end with offsets")
        });
        return;
    };
    if end <= start {
        diag.warn("end_before_start", || {
            format!("sleep {index}: bedtime_end is not after bedtime_start")
        });
        return;
    }
    let mut push = |metric: Metric, value: f64, from: Timestamp, to: Timestamp| match sample(
        metric, value, None, from, to,
    ) {
        Ok(mut s) => {
            s.offset_minutes = offset;
            out.push(s);
        }
        Err(e) => diag.invalid(|| format!("sleep {index}"), e),
    };
    // Stages: runs of one digit become one sample, the last cut at the bedtime's end.
    let stages = night.hypnogram_5min.as_deref().unwrap_or_default();
    let mut run: Option<(SleepStage, Timestamp)> = None;
    let mut at = start;
    for digit in stages.chars() {
        if at >= end {
            break;
        }
        let stage = match digit {
            '1' => Some(SleepStage::Deep),
            '2' => Some(SleepStage::Core),
            '3' => Some(SleepStage::Rem),
            '4' => Some(SleepStage::Awake),
            _ => None,
        };
        if run.map(|(s, _)| Some(s)) != Some(stage) {
            if let Some((s, from)) = run.take() {
                push(Metric::Sleep, f64::from(s.code()), from, at);
            }
            run = stage.map(|s| (s, at));
        }
        at = at.checked_add(STEP).unwrap_or(end).min(end);
    }
    if let Some((s, from)) = run {
        push(Metric::Sleep, f64::from(s.code()), from, at);
    }
    // Heart rate every five minutes from the start; 0 where the ring had none.
    let mut at = start;
    for bpm in &night.hr_5min {
        if at > end {
            break;
        }
        if let Some(bpm) = bpm.filter(|b| *b > 0.0) {
            push(Metric::HeartRate, bpm, at, at);
        }
        at = at.checked_add(STEP).unwrap_or(end);
    }
    // The sleep score, on waking.
    if let Some(score) = night.score {
        push(Metric::SleepScore, score, end, end);
    }
    // The night's figures, over the night.
    for (metric, value) in [
        (Metric::RestingHeartRate, night.hr_lowest),
        (Metric::HrvRmssd, night.rmssd),
        (Metric::RespiratoryRate, night.breath_average),
    ] {
        if let Some(value) = value.filter(|v| *v > 0.0) {
            push(metric, value, start, end);
        }
    }
}

/// A time with its UTC offset: the instant and the offset in minutes.
fn observed(text: &str) -> Option<(Timestamp, Option<i16>)> {
    crate::withings::observed(text)
}
