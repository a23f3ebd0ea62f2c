//! Fitbit exercise logs (`exercise-N.json`, a hundred logs per file) as activities.
//!
//! `startTime` is UTC (see the `fitbit` module docs), `duration` and `activeDuration` are milliseconds,
//! `distance` is in `distanceUnit` (`Kilometer` or `Mile`), `calories` are kcal for the whole activity.
//! `elevationGain` is kept only for kilometre accounts, where the exports show it in metres (multiples of
//! 3.048 m, Fitbit's ten-foot floor); for mile accounts the unit is not established, and a gain 3.28 times
//! too large is worse than none. `steps` is not kept: the activity record has no field for it, and the
//! same steps arrive minute by minute in `steps-*.json`. The log id becomes the external id
//! `fitbit:{logId}`, stable across exports.

use std::borrow::Cow;

use jiff::SignedDuration;
use serde::Deserialize;
use wearhouse_model::{ActivityType, Metric, RawValue, Unit};

use super::parse_time;
use super::shared::{item, json_items, utc_instant, Diagnostics, Int, Num};
use crate::{FormatError, ParsedActivity, ParsedFile};

#[derive(Deserialize)]
struct ExerciseLog<'a> {
    #[serde(rename = "logId", default)]
    log_id: Option<Int>,
    #[serde(rename = "activityName", borrow, default)]
    activity_name: Option<Cow<'a, str>>,
    #[serde(rename = "startTime", borrow)]
    start_time: Cow<'a, str>,
    #[serde(default)]
    duration: Option<Num>,
    #[serde(rename = "activeDuration", default)]
    active_duration: Option<Num>,
    #[serde(default)]
    calories: Option<Num>,
    #[serde(default)]
    distance: Option<Num>,
    #[serde(rename = "distanceUnit", borrow, default)]
    distance_unit: Option<Cow<'a, str>>,
    #[serde(rename = "averageHeartRate", default)]
    average_heart_rate: Option<Num>,
    #[serde(rename = "elevationGain", default)]
    elevation_gain: Option<Num>,
    #[serde(borrow, default)]
    source: Option<Source<'a>>,
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
}

/// A week: nothing logged as one workout lasts longer.
const MAX_DURATION_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

pub(super) fn read_exercise(
    path: &str,
    text: &str,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of exercise logs")?;
    for (index, raw) in items.iter().enumerate() {
        let Some(log) = item::<ExerciseLog>(raw, index, diag) else {
            continue;
        };
        let Some(start) = parse_time(&log.start_time).and_then(utc_instant) else {
            diag.warn("unparsable_date", || {
                format!("exercise {index}: '{}' is not a Fitbit time", log.start_time)
            });
            continue;
        };
        let duration = log
            .duration
            .map(|Num(ms)| ms)
            .filter(|ms| (0.0..=MAX_DURATION_MS).contains(ms));
        let Some(end) =
            duration.and_then(|ms| start.checked_add(SignedDuration::from_millis(ms as i64)).ok())
        else {
            diag.warn("bad_item", || {
                format!("exercise {index} was skipped: no duration between 0 and 7 days")
            });
            continue;
        };
        let name = log.activity_name.as_deref().unwrap_or("");
        let mut activity = ParsedActivity::new(activity_type(name), start, end);
        activity.sport_label = (!name.is_empty()).then(|| name.to_owned());
        activity.external_id = log.log_id.map(|Int(id)| format!("fitbit:{id}"));
        activity.device = log.source.and_then(|s| s.name).map(Cow::into_owned);
        activity.moving_time = log
            .active_duration
            .map(|Num(ms)| ms / 1000.0)
            .filter(|s| *s >= 0.0 && duration.is_some_and(|ms| *s <= ms / 1000.0));
        let what = |field: &'static str| move || format!("exercise {index} {field}");
        activity.energy = checked(diag, Metric::ActiveEnergy, log.calories, None, what("calories"));
        activity.avg_heart_rate = checked(
            diag,
            Metric::HeartRate,
            log.average_heart_rate,
            None,
            what("heart rate"),
        );
        let unit = log.distance_unit.as_deref();
        let distance_unit = match unit {
            Some("Kilometer") => Some(Unit::Kilometer),
            Some("Mile") => Some(Unit::Mile),
            Some("Meter") => Some(Unit::Meter),
            _ => None,
        };
        match (log.distance, distance_unit) {
            (Some(_), Some(u)) => {
                activity.distance = checked(diag, Metric::Distance, log.distance, Some(u), what("distance"));
            }
            (Some(_), None) => diag.warn("unknown_unit", || {
                format!("exercise {index}: distance unit {unit:?} is not known; the distance was left out")
            }),
            _ => {}
        }
        if unit == Some("Kilometer") {
            activity.elevation_gain = checked(
                diag,
                Metric::ElevationGain,
                log.elevation_gain,
                None,
                what("elevation gain"),
            );
        }
        file.activities.push(activity);
    }
    Ok(())
}

/// Fitbit's names for its exercise types (auto-recognised and the common manual ones); anything else
/// goes through Strava's names ("Walk", "Run", "Hike", "Yoga" are shared) and then our own.
const FITBIT: &[(&str, ActivityType)] = &[
    ("Walk", ActivityType::Walking),
    ("Walking", ActivityType::Walking),
    ("Run", ActivityType::Running),
    ("Running", ActivityType::Running),
    ("Treadmill", ActivityType::TreadmillRunning),
    ("Hike", ActivityType::Hiking),
    ("Bike", ActivityType::Cycling),
    ("Outdoor Bike", ActivityType::Cycling),
    ("Biking", ActivityType::Cycling),
    ("Bicycling", ActivityType::Cycling),
    ("Spinning", ActivityType::IndoorCycling),
    ("Swim", ActivityType::Swimming),
    ("Swimming", ActivityType::Swimming),
    ("Elliptical", ActivityType::Elliptical),
    ("Stairclimber", ActivityType::StairClimbing),
    ("Weights", ActivityType::StrengthTraining),
    ("Weight lifting", ActivityType::StrengthTraining),
    ("Yoga", ActivityType::Yoga),
    ("Pilates", ActivityType::Pilates),
    ("Aerobic Workout", ActivityType::Cardio),
    ("Aerobics", ActivityType::Cardio),
    ("Interval Workout", ActivityType::Hiit),
    ("HIIT", ActivityType::Hiit),
    ("Circuit Training", ActivityType::CrossTraining),
    ("Bootcamp", ActivityType::CrossTraining),
    ("CrossFit", ActivityType::CrossTraining),
    ("Kickboxing", ActivityType::Boxing),
    ("Boxing", ActivityType::Boxing),
    ("Martial Arts", ActivityType::MartialArts),
    ("Dancing", ActivityType::Dance),
    ("Dance", ActivityType::Dance),
    ("Tennis", ActivityType::Tennis),
    ("Golf", ActivityType::Golf),
    ("Rowing", ActivityType::Rowing),
    ("Rowing machine", ActivityType::IndoorRowing),
    ("Skiing", ActivityType::AlpineSkiing),
    ("Cross-country skiing", ActivityType::CrossCountrySkiing),
    ("Ice skating", ActivityType::IceSkating),
    ("Rock climbing", ActivityType::Climbing),
    ("Meditation", ActivityType::Meditation),
    ("Mindfulness", ActivityType::Meditation),
    ("Stretching", ActivityType::Flexibility),
    ("Sport", ActivityType::Other),
    ("Workout", ActivityType::Other),
];

/// A total checked by the catalogue (finite, plausible) and converted; a bad one is a warning and `None`.
fn checked(
    diag: &mut Diagnostics,
    metric: Metric,
    value: Option<Num>,
    unit: Option<Unit>,
    what: impl FnOnce() -> String,
) -> Option<f64> {
    let Num(value) = value?;
    metric
        .canonical_value(&RawValue::Number(value), unit)
        .map_err(|e| diag.invalid(what, e))
        .ok()
}

pub(super) fn activity_type(name: &str) -> ActivityType {
    let name = name.trim();
    if let Some((_, ty)) = FITBIT.iter().find(|(known, _)| known.eq_ignore_ascii_case(name)) {
        return *ty;
    }
    match ActivityType::from_strava(name) {
        ActivityType::Other => name.parse().unwrap_or(ActivityType::Other),
        ty => ty,
    }
}
