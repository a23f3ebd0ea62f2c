//! Google Fit `All Sessions` entries, one session per file:
//!
//! ```json
//! {"fitnessActivity": "running", "startTime": "2021-04-19T20:57:39.686Z",
//!  "endTime": "2021-04-19T21:08:53.872Z", "duration": "674.186s",
//!  "segment": [{"fitnessActivity": "running", "startTime": "…", "endTime": "…"}],
//!  "aggregate": [{"metricName": "com.google.calories.expended", "floatValue": 144.38},
//!                {"metricName": "com.google.distance.delta", "floatValue": 1558.48},
//!                {"metricName": "com.google.step_count.delta", "intValue": 1550}]}
//! ```
//!
//! A workout becomes an activity: the type from [`ActivityType::from_google_fit_name`], the session's
//! calories (the workout's energy, as every reader stores it) and distance from the aggregates, the UTC
//! offset from the time string when it has one, else from the file name (`…T07_00_00+01_00_RUNNING`).
//! `duration` is the elapsed time (end − start), so it is not taken as moving time. The external id is
//! the start instant ([`start_external_id`]), shared with the session's TCX in `Activities/` and with
//! that TCX uploaded on its own. Google's session id, when a file has one, is not used: the TCX of the
//! same workout cannot know it, and an id only one of the two files has would make one workout two.
//!
//! A **sleep session** (`"sleep"`) is not a workout: its segments (`sleep`, `sleep.light`, `sleep.deep`,
//! `sleep.rem`, `sleep.awake`) become `sleep` samples, and a session without segments is one asleep
//! interval. Segments of other kinds inside a sleep session are neither sleep nor awake and are skipped.

use std::borrow::Cow;

use jiff::Timestamp;
use serde::Deserialize;
use wearhouse_model::{ActivityType, Metric, RawValue, SleepStage, Unit};

use crate::fitbit::shared::{json_text, parse_document, sample, Diagnostics, Int, Num};
use crate::records::start_external_id;
use crate::{FormatError, ParsedActivity, ParsedFile};

#[derive(Deserialize)]
struct Session<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
    #[serde(rename = "fitnessActivity", borrow)]
    fitness_activity: Cow<'a, str>,
    #[serde(rename = "startTime", borrow)]
    start_time: Cow<'a, str>,
    #[serde(rename = "endTime", borrow)]
    end_time: Cow<'a, str>,
    #[serde(borrow, default)]
    segment: Vec<Segment<'a>>,
    #[serde(borrow, default)]
    aggregate: Vec<Aggregate<'a>>,
    #[serde(borrow, default)]
    application: Option<Application<'a>>,
}

#[derive(Deserialize)]
struct Segment<'a> {
    #[serde(rename = "fitnessActivity", borrow)]
    fitness_activity: Cow<'a, str>,
    #[serde(rename = "startTime", borrow)]
    start_time: Cow<'a, str>,
    #[serde(rename = "endTime", borrow)]
    end_time: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Aggregate<'a> {
    #[serde(rename = "metricName", borrow)]
    metric_name: Cow<'a, str>,
    #[serde(rename = "floatValue", default)]
    float_value: Option<Num>,
    #[serde(rename = "intValue", default)]
    int_value: Option<Int>,
}

#[derive(Deserialize)]
struct Application<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(rename = "packageName", borrow, default)]
    package_name: Option<Cow<'a, str>>,
}

/// `name_offset` is the UTC offset in the file name, when it has one.
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    name_offset: Option<Option<i16>>,
) -> Result<ParsedFile, FormatError> {
    let text = json_text(path, bytes)?;
    let session: Session = parse_document(path, text, "a Google Fit session")?;
    let shape = |detail: String| {
        FormatError::new(
            "unexpected_shape",
            detail,
            crate::Location::Entry(path.to_owned()),
        )
    };
    let start = rfc3339(&session.start_time).ok_or_else(|| {
        shape(format!(
            "startTime '{}' is not an RFC 3339 time",
            session.start_time
        ))
    })?;
    let end = rfc3339(&session.end_time)
        .ok_or_else(|| shape(format!("endTime '{}' is not an RFC 3339 time", session.end_time)))?;
    if end < start {
        return Err(shape(format!("{path} ends before it starts")));
    }
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    let app = session
        .application
        .as_ref()
        .and_then(|a| a.name.as_deref().or(a.package_name.as_deref()))
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned);
    let activity = session.fitness_activity.trim();
    if activity == "sleep" || activity.starts_with("sleep.") {
        read_sleep(&session, start, end, app, &mut diag, &mut file);
    } else {
        let mut workout = ParsedActivity::new(ActivityType::from_google_fit_name(activity), start, end);
        workout.sport_label = Some(activity.to_owned());
        workout.offset_minutes = time_offset(&session.start_time).or(name_offset.flatten());
        workout.title = session
            .name
            .as_deref()
            .map(str::to_owned)
            .filter(|t| !t.trim().is_empty());
        workout.notes = session
            .description
            .as_deref()
            .map(str::to_owned)
            .filter(|t| !t.trim().is_empty());
        workout.device = app;
        workout.external_id = Some(start_external_id(start));
        for aggregate in &session.aggregate {
            let (metric, unit) = match aggregate.metric_name.as_ref() {
                "com.google.calories.expended" => (Metric::ActiveEnergy, Unit::Kilocalorie),
                "com.google.distance.delta" => (Metric::Distance, Unit::Meter),
                _ => continue,
            };
            let value = aggregate
                .float_value
                .map(|Num(v)| v)
                .or(aggregate.int_value.map(|Int(v)| v as f64));
            let Some(value) = value else { continue };
            match metric.canonical_value(&RawValue::Number(value), Some(unit)) {
                Ok(v) if metric == Metric::Distance => workout.distance = Some(v),
                Ok(v) => workout.energy = Some(v),
                Err(e) => diag.invalid(|| format!("aggregate {}", aggregate.metric_name), e),
            }
        }
        file.activities.push(workout);
    }
    file.warnings = diag.finish();
    Ok(file)
}

fn read_sleep(
    session: &Session<'_>,
    start: Timestamp,
    end: Timestamp,
    app: Option<String>,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) {
    let mut stretches = Vec::new();
    for (index, segment) in session.segment.iter().enumerate() {
        let stage = match segment.fitness_activity.trim() {
            "sleep" => SleepStage::Asleep,
            "sleep.light" => SleepStage::Core,
            "sleep.deep" => SleepStage::Deep,
            "sleep.rem" => SleepStage::Rem,
            "sleep.awake" => SleepStage::Awake,
            _ => continue,
        };
        match rfc3339(&segment.start_time).zip(rfc3339(&segment.end_time)) {
            Some((from, to)) if from < to => stretches.push((from, to, stage)),
            _ => diag.warn("bad_time", || {
                format!("sleep segment {index} has no usable times")
            }),
        }
    }
    if session.segment.is_empty() && start < end {
        stretches.push((start, end, SleepStage::Asleep));
    }
    for (from, to, stage) in stretches {
        match sample(Metric::Sleep, f64::from(stage.code()), None, from, to) {
            Ok(mut s) => {
                s.source_name.clone_from(&app);
                s.offset_minutes = time_offset(&session.start_time);
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| "sleep segment".to_owned(), e),
        }
    }
}

fn rfc3339(text: &str) -> Option<Timestamp> {
    text.trim().parse().ok()
}

/// The numeric UTC offset a time string ends with (`+02:00`), in minutes; `None` for `Z` or none.
fn time_offset(text: &str) -> Option<i16> {
    let text = text.trim();
    let tail = text.get(text.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i16 = tail.get(1..3)?.parse().ok()?;
    let minutes: i16 = tail.get(4..6)?.parse().ok()?;
    (tail.get(3..4)? == ":" && hours <= 14 && minutes <= 59).then(|| sign * (hours * 60 + minutes))
}
