//! A Garmin Connect export made of the fixtures, as Garmin lays it out: daily summaries and workout
//! summaries as JSON under `DI_CONNECT/`, and the FIT files of every upload in a ZIP inside the ZIP,
//! named by upload. Its truth: the FIT files' own (the run joined to its summary, which gives its name
//! only), a workout known from its summary alone, and two days known from their summaries alone.

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::fit::{fit_activity_truth, fit_monitoring_truth};
use super::strava::merge;
use super::truth::{Truth, Workout};
use crate::harness::{fixture, zip_with};

/// Kilojoules per kilocalorie: Garmin's export writes a workout's energy in the former.
const KJ_PER_KCAL: f64 = 4.184;

/// Where the export puts the uploaded FIT files.
pub(crate) const UPLOADS: &str = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip";
pub(crate) const ACTIVITIES: &str =
    "DI_CONNECT/DI-Connect-Fitness/ana@example.org_0_summarizedActivities.json";

/// The ZIP of uploaded FIT files: the run and a day of monitoring.
pub(crate) fn uploads() -> Vec<u8> {
    zip_with(
        &[
            (
                "ana@example.org_74724999004.fit",
                fixture("fit/run_2025-10-26.fit"),
            ),
            (
                "ana@example.org_74724999005.fit",
                fixture("fit/monitoring_2025-10-26.fit"),
            ),
        ],
        zip::CompressionMethod::Deflated,
    )
}

/// A summarized activity as the export writes it: epoch milliseconds, centimetres, kJ.
pub(crate) fn summary(
    id: i64,
    name: &str,
    kind: &str,
    start: Timestamp,
    offset_s: i64,
    seconds: f64,
) -> serde_json::Value {
    json!({
        "activityId": id, "name": name, "activityType": kind, "sportType": "GENERIC",
        "beginTimestamp": start.as_millisecond(), "startTimeGmt": start.as_millisecond(),
        "startTimeLocal": start.as_millisecond() + offset_s * 1000,
        "duration": seconds * 1000.0, "elapsedDuration": seconds * 1000.0,
    })
}

/// The export's entries and what they hold. Days before the FIT files' are summaries alone; the run's
/// summary disagrees with its recording on every total (the recording wins) and gives its name.
pub(super) fn garmin_export() -> (Vec<(String, Vec<u8>)>, Truth) {
    let run = fixture("fit/run_2025-10-26.fit");
    let mut truth = fit_activity_truth(&run);
    merge(
        &mut truth,
        fit_monitoring_truth(&fixture("fit/monitoring_2025-10-26.fit")),
    );
    let recorded = truth.workouts[0].clone();

    // The run's summary: Garmin's rounding, another distance and energy; only its name is used.
    let mut run_summary = summary(
        21993142932,
        "Morning Run",
        "running",
        recorded.start,
        3600,
        recorded.duration + 2.0,
    );
    run_summary["distance"] = json!(recorded.distance.unwrap() * 100.0 + 1234.0);
    run_summary["calories"] = json!(2092.0);
    // A workout entered in Garmin Connect: its summary alone.
    let edt = TimeZone::fixed(Offset::from_hours(-4).unwrap());
    let lifted: Timestamp = "2025-10-20T22:00:00Z".parse().unwrap();
    let mut strength = summary(
        21993142111,
        "Evening lift",
        "strength_training",
        lifted,
        -4 * 3600,
        2700.0,
    );
    strength["calories"] = json!(1046.0);
    strength["avgHr"] = json!(112.0);
    strength["maxHr"] = json!(151.0);
    truth.workouts.push(Workout {
        start: lifted,
        date: Some(lifted.to_zoned(edt.clone()).date()),
        duration: 2700.0,
        distance: None,
        energy: Some(1046.0 / KJ_PER_KCAL),
        moving_time: None,
        avg_heart_rate: Some(112.0),
        max_heart_rate: Some(151.0),
    });
    let activities = json!([{"summarizedActivitiesExport": [strength, run_summary]}]);

    // Two days in New York (UTC-4), each placed by its GMT span: totals spread over the day.
    let mut days = Vec::new();
    for (date, steps, metres, active, basal, floors_m, moderate, vigorous, resting, stress) in [
        (
            "2025-10-20",
            8123.0,
            6021.0,
            402.0,
            1650.0,
            30.48,
            12.0,
            8.0,
            52.0,
            31.0,
        ),
        (
            "2025-10-21",
            12004.0,
            9410.0,
            655.0,
            1649.0,
            60.96,
            0.0,
            25.0,
            50.0,
            27.0,
        ),
    ] {
        let start: Timestamp = format!("{date}T04:00:00Z").parse().unwrap();
        let end = start + SignedDuration::from_hours(24);
        for (metric, value) in [
            ("steps", steps),
            ("distance", metres),
            ("active_energy", active),
            ("basal_energy", basal),
            ("floors", floors_m / 3.048),
            ("exercise_minutes", moderate + vigorous),
        ] {
            truth.samples += 1;
            truth.amount(metric, start, end, value, &edt);
        }
        let day = start.to_zoned(edt.clone()).date();
        for (figure, value) in [("resting_heart_rate", resting), ("stress_level", stress)] {
            truth.samples += 1;
            truth.day_values.entry(figure).or_default().insert(day, value);
        }
        days.push(json!({
            "calendarDate": date, "uuid": "b2aca7e0", "userProfileId": 74303376,
            "wellnessStartTimeGmt": format!("{date}T04:00:00.0"), "wellnessStartTimeLocal": format!("{date}T00:00:00.0"),
            "wellnessEndTimeGmt": format!("{}T04:00:00.0", end.to_zoned(TimeZone::UTC).date()),
            "durationInMilliseconds": 86400000, "includesWellnessData": true,
            "totalSteps": steps, "totalDistanceMeters": metres, "activeKilocalories": active, "bmrKilocalories": basal,
            "totalKilocalories": active + basal, "floorsAscendedInMeters": floors_m,
            "moderateIntensityMinutes": moderate, "vigorousIntensityMinutes": vigorous,
            "restingHeartRate": resting, "minHeartRate": 44,
            "allDayStress": {"aggregatorList": [
                {"type": "TOTAL", "averageStressLevel": stress, "maxStressLevel": 92},
                {"type": "ASLEEP", "averageStressLevel": 9, "maxStressLevel": 60}
            ]}
        }));
    }
    let entries = vec![
        (
            "DI_CONNECT/DI-Connect-User/user_profile.json".to_owned(),
            b"{\"userName\": \"ana\"}".to_vec(),
        ),
        (UPLOADS.to_owned(), uploads()),
        (
            "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2025-10-20_2026-01-28.json".to_owned(),
            serde_json::to_vec(&days).unwrap(),
        ),
        (ACTIVITIES.to_owned(), serde_json::to_vec(&activities).unwrap()),
    ];
    (entries, truth)
}
