#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::{ActivityType, Metric};

use super::*;

fn oslo() -> ZoneHistory {
    ZoneHistory::fixed(TimeZone::get("Europe/Oslo").unwrap())
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn values(file: &ParsedFile, metric: Metric) -> Vec<(Timestamp, Timestamp, f64)> {
    file.samples
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| (s.start, s.end, (s.value * 1000.0).round() / 1000.0))
        .collect()
}

#[test]
fn files_are_known_by_name_and_header_together() {
    assert!(is_withings_file(
        "data_ANA_1771869311/weight.csv",
        b"Date,\"Weight (kg)\",\"Fat mass (kg)\""
    ));
    assert!(is_withings_file("raw_hr_hr.csv", b"start,duration,value\n"));
    assert!(is_withings_file(
        "raw_tracker_steps.csv",
        b"\xEF\xBB\xBFstart,duration,value"
    ));
    assert!(
        !is_withings_file("weight.csv", b"date,kg"),
        "another app's weight.csv"
    );
    assert!(
        !is_withings_file("activities.csv", b"Activity ID,Activity Date"),
        "Strava's"
    );
    assert!(
        !is_withings_file("sleep.csv", b"from,to,\"light (s)\""),
        "not read yet"
    );
    assert_eq!(classify("raw_hr_Heart Rate level.csv"), None);
}

#[test]
fn weigh_ins_are_wall_clock_times_with_fat_as_a_share_and_repeated_rows_once() {
    let csv = "Date,\"Weight (kg)\",\"Fat mass (kg)\",\"Bone mass (kg)\",\"Muscle mass (kg)\",\"Hydration (kg)\",Comments\n\
\"2026-02-23 09:02:01\",75.76,11.52,3.19,61.03,43.36,\n\
\"2026-02-23 09:02:01\",75.76,11.52,3.19,61.03,43.36,\n\
\"2026-03-30 07:00:00\",88.00,,,,,\n";
    let file = read_withings_file("weight.csv", csv.as_bytes(), &oslo()).unwrap();
    assert_eq!(
        values(&file, Metric::BodyMass),
        [
            (ts("2026-02-23T08:02:01Z"), ts("2026-02-23T08:02:01Z"), 75.76),
            (ts("2026-03-30T05:00:00Z"), ts("2026-03-30T05:00:00Z"), 88.0)
        ],
        "CET in February, CEST in March"
    );
    assert_eq!(
        values(&file, Metric::BodyFatPercentage),
        [(ts("2026-02-23T08:02:01Z"), ts("2026-02-23T08:02:01Z"), 15.206)]
    );
    assert!(file.samples.iter().all(|s| s.floating));
}

#[test]
fn pounds_are_read_as_the_header_says() {
    let csv = "Date,\"Weight (lb)\",\"Fat mass (lb)\",Comments\n\"2026-02-23 09:02:01\",165.0,33.0,\n";
    let file = read_withings_file("weight.csv", csv.as_bytes(), &oslo()).unwrap();
    assert_eq!(values(&file, Metric::BodyMass)[0].2, 74.843);
    assert_eq!(values(&file, Metric::BodyFatPercentage)[0].2, 20.0);
}

#[test]
fn blood_pressure_rows_may_hold_only_a_heart_rate() {
    let csv = "Date,\"Heart rate\",Systolic,Diastolic,Comments\n\
\"2023-07-28 06:27:47\",56,,,\n\
\"2023-07-29 08:00:00\",61,121,79,after coffee\n";
    let file = read_withings_file("bp.csv", csv.as_bytes(), &oslo()).unwrap();
    assert_eq!(values(&file, Metric::HeartRate).len(), 2);
    assert_eq!(
        values(&file, Metric::BloodPressureSystolic),
        [(ts("2023-07-29T06:00:00Z"), ts("2023-07-29T06:00:00Z"), 121.0)]
    );
    assert_eq!(values(&file, Metric::BloodPressureDiastolic).len(), 1);
}

#[test]
fn daily_steps_are_day_totals_over_the_local_day() {
    let file = read_withings_file(
        "aggregates_steps.csv",
        b"date,value\n2023-07-29,8123\n2023-07-30,0\n",
        &oslo(),
    )
    .unwrap();
    assert_eq!(
        values(&file, Metric::Steps),
        [(ts("2023-07-28T22:00:00Z"), ts("2023-07-29T22:00:00Z"), 8123.0)]
    );
    assert!(file.samples[0].summary && file.samples[0].floating);
}

#[test]
fn raw_rows_expand_into_windows_after_one_another() {
    let csv = "start,duration,value\n\
2023-07-29T16:41:00+02:00,\"[60,60,22]\",\"[16,30,0]\"\n\
2023-07-29T17:29:14+02:00,[29],[89]\n\
2023-07-29T16:41:00+02:00,\"[60,60,22]\",\"[16,30,0]\"\n";
    let steps = read_withings_file("raw_tracker_steps.csv", csv.as_bytes(), &oslo()).unwrap();
    assert_eq!(
        values(&steps, Metric::Steps),
        [
            (ts("2023-07-29T14:41:00Z"), ts("2023-07-29T14:42:00Z"), 16.0),
            (ts("2023-07-29T14:42:00Z"), ts("2023-07-29T14:43:00Z"), 30.0),
            (ts("2023-07-29T15:29:14Z"), ts("2023-07-29T15:29:43Z"), 89.0),
        ],
        "a repeated row once, zero windows skipped"
    );
    assert!(steps
        .samples
        .iter()
        .all(|s| s.offset_minutes == Some(120) && !s.floating));
    let hr = read_withings_file(
        "raw_hr_hr.csv",
        b"start,duration,value\n2023-07-29T17:29:14+02:00,[29],[89]\n",
        &oslo(),
    )
    .unwrap();
    assert_eq!(
        values(&hr, Metric::HeartRate),
        [(ts("2023-07-29T15:29:14Z"), ts("2023-07-29T15:29:14Z"), 89.0)]
    );
    let bad = read_withings_file(
        "raw_hr_hr.csv",
        b"start,duration,value\nyesterday,[1],[2]\n2023-07-29T17:29:14+02:00,\"[1,2]\",[3]\n",
        &oslo(),
    )
    .unwrap();
    assert!(bad.samples.is_empty());
    assert_eq!(bad.warnings.len(), 2, "{:?}", bad.warnings);
}

#[test]
fn workouts_take_the_manual_times_and_measured_totals() {
    let csv = "from,to,\"from (manual)\",\"to (manual)\",Timezone,\"Activity type\",Data,GPS,Modified\n\
2023-07-29T16:41:00+02:00,2023-07-29T17:11:00+02:00,,,Europe/Oslo,Walking,\"{\"\"calories\"\":31,\"\"intensity\"\":30,\"\"hr_average\"\":0,\"\"steps\"\":494,\"\"distance\"\":398,\"\"elevation\"\":7}\",,2023-07-29T17:20:00+02:00\n\
2023-07-30T07:00:00+02:00,2023-07-30T07:40:00+02:00,2023-07-30T07:05:00+02:00,2023-07-30T07:45:00+02:00,Europe/Oslo,\"Lift weights\",{},,\n";
    let file = read_withings_file("activities.csv", csv.as_bytes(), &oslo()).unwrap();
    assert_eq!(file.activities.len(), 2);
    let walk = &file.activities[0];
    assert_eq!(walk.activity_type, ActivityType::Walking);
    assert_eq!(
        (walk.distance, walk.energy, walk.avg_heart_rate),
        (Some(398.0), Some(31.0), None)
    );
    assert_eq!(walk.offset_minutes, Some(120));
    let lift = &file.activities[1];
    assert_eq!(lift.activity_type, ActivityType::StrengthTraining);
    assert_eq!(lift.start, ts("2023-07-30T05:05:00Z"), "the user's correction");
    assert_eq!(
        activities::activity_type("Indoor cycling"),
        ActivityType::IndoorCycling
    );
    assert_eq!(activities::activity_type("Horse riding"), ActivityType::Other);
}

#[test]
fn sleep_states_become_stages_window_by_window() {
    let csv = "start,duration,value\n\
2023-07-27T00:36:00+02:00,\"[600,1200,900,300]\",\"[0,1,2,3]\"\n\
2023-07-27T01:36:00+02:00,[60],[7]\n";
    let file = read_withings_file("raw_bed_sleep-state.csv", csv.as_bytes(), &oslo()).unwrap();
    let stages: Vec<(wearhouse_model::SleepStage, Timestamp, Timestamp)> = file
        .samples
        .iter()
        .map(|s| {
            (
                wearhouse_model::SleepStage::from_code(s.value as u8).unwrap(),
                s.start,
                s.end,
            )
        })
        .collect();
    use wearhouse_model::SleepStage::*;
    assert_eq!(
        stages,
        [
            (Awake, ts("2023-07-26T22:36:00Z"), ts("2023-07-26T22:46:00Z")),
            (Core, ts("2023-07-26T22:46:00Z"), ts("2023-07-26T23:06:00Z")),
            (Deep, ts("2023-07-26T23:06:00Z"), ts("2023-07-26T23:21:00Z")),
            (Rem, ts("2023-07-26T23:21:00Z"), ts("2023-07-26T23:26:00Z")),
        ],
        "an unknown value (7) is left out: {:?}",
        file.warnings
    );
    let old = read_withings_file(
        "raw_sleep-monitor_sleep-state.csv",
        b"start,duration,value\n2020-10-20T03:36:00+02:00,[60],[1]\n",
        &oslo(),
    )
    .unwrap();
    assert_eq!(old.samples[0].value, f64::from(Asleep.code()));
}
