//! `*_summarizedActivities.json`: workouts, as `[{"summarizedActivitiesExport":[…]}]`. A bare array of
//! activities and several wrapper objects in the array are read too (part files differ between parsers
//! that re-write them).
//!
//! Units are the export's own: times in epoch milliseconds (`startTimeLocal` is the local wall clock
//! written as if it were UTC, so its distance to `startTimeGmt` is the offset), durations in
//! milliseconds, distance and elevation in centimetres. Each record becomes its own workout, multisport
//! legs included; `activityId` becomes the external id `garmin:{activityId}`.

use jiff::SignedDuration;
use serde::Deserialize;
use serde_json::value::RawValue;
use wearhouse_model::{ActivityType, Metric, RawValue as Value};

use super::{epoch_millis, offset_minutes, positive};
use crate::fitbit::shared::{item, json_items, Diagnostics, Int, Num};
use crate::{FormatError, ParsedActivity, ParsedFile};

/// Energy in the export is not kcal: a 56-minute run at 126 bpm reads `"calories": 1692.77`, 405 kcal
/// once divided by 4.184, and the export parsers that checked it against Connect divide by that (see
/// the Garmin format notes, §3). UDS day totals (`*Kilocalories`) are true kcal.
const EXPORT_ENERGY_PER_KCAL: f64 = 4.184;

/// A week: no single recorded workout lasts longer; beyond it the duration is garbage.
const MAX_DURATION_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// One element of the top-level array: a wrapper holding activities, or (without the wrapper's key) an
/// activity itself.
#[derive(Deserialize)]
struct Element<'a> {
    #[serde(rename = "summarizedActivitiesExport", borrow)]
    activities: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    activity_id: Option<Int>,
    name: Option<String>,
    activity_type: Option<String>,
    begin_timestamp: Option<Num>,
    start_time_gmt: Option<Num>,
    start_time_local: Option<Num>,
    elapsed_duration: Option<Num>,
    duration: Option<Num>,
    moving_duration: Option<Num>,
    distance: Option<Num>,
    elevation_gain: Option<Num>,
    avg_hr: Option<Num>,
    max_hr: Option<Num>,
    calories: Option<Num>,
}

pub(super) fn read(
    path: &str,
    text: &str,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let elements = json_items(path, text, "a JSON array of summarized activities")?;
    let mut activities: Vec<(String, &RawValue)> = Vec::new();
    for (index, raw) in elements.iter().enumerate() {
        let Some(element) = item::<Element>(raw, index, diag) else {
            continue;
        };
        match element.activities {
            Some(inner) => activities.extend(
                inner
                    .into_iter()
                    .enumerate()
                    .map(|(i, raw)| (format!("activity {index}.{i}"), raw)),
            ),
            None => activities.push((format!("activity {index}"), raw)),
        }
    }
    for (label, raw) in activities {
        let activity = match serde_json::from_str::<Activity>(raw.get()) {
            Ok(activity) => activity,
            Err(e) => {
                diag.warn("bad_item", || format!("{label} was skipped: {e}"));
                continue;
            }
        };
        if let Some(parsed) = read_activity(&label, &activity, diag) {
            file.activities.push(parsed);
        }
    }
    Ok(())
}

fn read_activity(label: &str, activity: &Activity, diag: &mut Diagnostics) -> Option<ParsedActivity> {
    let Some(start) = activity
        .begin_timestamp
        .or(activity.start_time_gmt)
        .and_then(|Num(ms)| epoch_millis(ms))
    else {
        diag.warn("unparsable_date", || {
            format!("{label} was skipped: no beginTimestamp or startTimeGmt")
        });
        return None;
    };
    let duration = activity
        .elapsed_duration
        .or(activity.duration)
        .map(|Num(ms)| ms)
        .filter(|ms| *ms > 0.0 && *ms <= MAX_DURATION_MS);
    let Some(end) = duration.and_then(|ms| {
        start
            .checked_add(SignedDuration::from_millis(ms.round() as i64))
            .ok()
    }) else {
        diag.warn("bad_item", || {
            format!("{label} was skipped: no duration between 0 and 7 days")
        });
        return None;
    };
    let key = activity
        .activity_type
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    let mut parsed = ParsedActivity::new(activity_type(key), start, end);
    parsed.sport_label = (!key.is_empty()).then(|| key.to_owned());
    parsed.title = activity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    parsed.external_id = activity.activity_id.map(|Int(id)| format!("garmin:{id}"));
    parsed.offset_minutes = match (activity.start_time_local, activity.start_time_gmt) {
        (Some(Num(local)), Some(Num(gmt))) => offset_minutes(((local - gmt) / 1000.0).round() as i64),
        _ => None,
    };
    let mut total = |metric: Metric, value: Option<f64>, field: &str| -> Option<f64> {
        let value = value?;
        metric
            .canonical_value(&Value::Number(value), None)
            .map_err(|e| diag.invalid(|| format!("{label} {field}"), e))
            .ok()
    };
    parsed.distance = total(
        Metric::Distance,
        positive(activity.distance).map(|cm| cm / 100.0),
        "distance",
    );
    parsed.elevation_gain = total(
        Metric::ElevationGain,
        positive(activity.elevation_gain).map(|cm| cm / 100.0),
        "elevationGain",
    );
    parsed.avg_heart_rate = total(Metric::HeartRate, positive(activity.avg_hr), "avgHr");
    parsed.max_heart_rate = total(Metric::HeartRate, positive(activity.max_hr), "maxHr");
    parsed.energy = total(
        Metric::ActiveEnergy,
        positive(activity.calories).map(|c| c / EXPORT_ENERGY_PER_KCAL),
        "calories",
    );
    parsed.moving_time = positive(activity.moving_duration)
        .map(|ms| ms / 1000.0)
        .filter(|s| duration.is_some_and(|ms| *s <= ms / 1000.0));
    Some(parsed)
}

/// Garmin Connect's `activityType` keys; anything else is tried as one of our own names
/// (`soccer`, `jump_rope`, `indoor_walking`) and is otherwise [`ActivityType::Other`].
const GARMIN: &[(&str, ActivityType)] = &[
    ("running", ActivityType::Running),
    ("street_running", ActivityType::Running),
    ("ultra_run", ActivityType::Running),
    ("obstacle_run", ActivityType::Running),
    ("trail_running", ActivityType::TrailRunning),
    ("treadmill_running", ActivityType::TreadmillRunning),
    ("indoor_running", ActivityType::TreadmillRunning),
    ("virtual_run", ActivityType::TreadmillRunning),
    ("track_running", ActivityType::TrackRunning),
    ("walking", ActivityType::Walking),
    ("casual_walking", ActivityType::Walking),
    ("speed_walking", ActivityType::Walking),
    ("hiking", ActivityType::Hiking),
    ("mountaineering", ActivityType::Hiking),
    ("rucking", ActivityType::Hiking),
    ("wheelchair_push_walk", ActivityType::Wheelchair),
    ("wheelchair_push_run", ActivityType::Wheelchair),
    ("cycling", ActivityType::Cycling),
    ("road_biking", ActivityType::Cycling),
    ("cyclocross", ActivityType::Cycling),
    ("track_cycling", ActivityType::Cycling),
    ("recumbent_cycling", ActivityType::Cycling),
    ("bmx", ActivityType::Cycling),
    ("mountain_biking", ActivityType::MountainBiking),
    ("downhill_biking", ActivityType::MountainBiking),
    ("gravel_cycling", ActivityType::GravelCycling),
    ("indoor_cycling", ActivityType::IndoorCycling),
    ("virtual_ride", ActivityType::IndoorCycling),
    ("handcycling", ActivityType::HandCycling),
    ("indoor_handcycling", ActivityType::HandCycling),
    ("lap_swimming", ActivityType::Swimming),
    ("swimming", ActivityType::Swimming),
    ("open_water_swimming", ActivityType::OpenWaterSwimming),
    ("strength_training", ActivityType::StrengthTraining),
    ("indoor_cardio", ActivityType::Cardio),
    ("hiit", ActivityType::Hiit),
    ("yoga", ActivityType::Yoga),
    ("pilates", ActivityType::Pilates),
    ("elliptical", ActivityType::Elliptical),
    ("stair_climbing", ActivityType::StairClimbing),
    ("floor_climbing", ActivityType::StairClimbing),
    ("indoor_rowing", ActivityType::IndoorRowing),
    ("rowing", ActivityType::Rowing),
    ("rowing_v2", ActivityType::Rowing),
    ("kayaking", ActivityType::Kayaking),
    ("kayaking_v2", ActivityType::Kayaking),
    ("whitewater_rafting_kayaking", ActivityType::Kayaking),
    ("stand_up_paddleboarding", ActivityType::StandUpPaddling),
    ("stand_up_paddleboarding_v2", ActivityType::StandUpPaddling),
    ("surfing_v2", ActivityType::Surfing),
    ("windsurfing_v2", ActivityType::Windsurfing),
    ("kiteboarding", ActivityType::Kitesurfing),
    ("kiteboarding_v2", ActivityType::Kitesurfing),
    ("sailing_v2", ActivityType::Sailing),
    ("resort_skiing_snowboarding_ws", ActivityType::AlpineSkiing),
    ("resort_skiing", ActivityType::AlpineSkiing),
    ("resort_snowboarding", ActivityType::Snowboarding),
    ("backcountry_skiing", ActivityType::BackcountrySkiing),
    (
        "backcountry_skiing_snowboarding_ws",
        ActivityType::BackcountrySkiing,
    ),
    ("cross_country_skiing_ws", ActivityType::CrossCountrySkiing),
    ("cross_country_skiing", ActivityType::CrossCountrySkiing),
    ("skate_skiing_ws", ActivityType::CrossCountrySkiing),
    ("snow_shoe_ws", ActivityType::Snowshoeing),
    ("skating_ws", ActivityType::IceSkating),
    ("multi_sport", ActivityType::Triathlon), // lossy: duathlons too; FIT's multisport reads back so
    ("mixed_martial_arts", ActivityType::MartialArts),
    ("rock_climbing", ActivityType::Climbing),
    ("bouldering", ActivityType::Climbing),
    ("indoor_climbing", ActivityType::Climbing),
    ("breathwork", ActivityType::Meditation),
];

/// Our type for a Garmin `activityType` key (case-insensitive); `e_bike_*` are all e-biking.
pub(super) fn activity_type(key: &str) -> ActivityType {
    let key = key.trim();
    if let Some((_, ty)) = GARMIN.iter().find(|(known, _)| known.eq_ignore_ascii_case(key)) {
        return *ty;
    }
    if key.to_ascii_lowercase().starts_with("e_bike") {
        return ActivityType::EBiking;
    }
    key.parse().unwrap_or(ActivityType::Other)
}
