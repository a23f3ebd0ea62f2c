//! Fitbit and Google Fit export entries, read through the public API. There are no real exports among
//! the shared samples, so the fixtures below are written by hand in the exact shape of real files quoted
//! in public repositories; each names where its shape came from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::tz::TimeZone;
use jiff::Timestamp;
use proptest::prelude::*;
use wearhouse_formats::fitbit::{is_fitbit_entry, read_fitbit_entry, FitbitContext, WeightUnit};
use wearhouse_formats::google_fit::{is_google_fit_entry, read_google_fit_entry};
use wearhouse_formats::tcx::read_tcx;
use wearhouse_formats::{registry, Collected, ParsedFile, ParsedSample, ReadContext, ZoneHistory};
use wearhouse_model::{ActivityType, Metric, Provider, SleepStage};

fn ctx(zone: &str, weight_unit: WeightUnit) -> FitbitContext {
    FitbitContext {
        zones: ZoneHistory::fixed(TimeZone::get(zone).unwrap()),
        weight_unit,
    }
}

fn fitbit(path: &str, json: &str) -> ParsedFile {
    read_fitbit_entry(path, json.as_bytes(), &ctx("America/New_York", WeightUnit::Pound)).unwrap()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn of(file: &ParsedFile, metric: Metric) -> Vec<&ParsedSample> {
    file.samples.iter().filter(|s| s.metric == metric).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

// ----- Fitbit -------------------------------------------------------------------------------------------

/// Shape: danlsn/fitport README.md, "Example Steps Record" (values are strings; most minutes are zero).
const STEPS: &str = r#"[{
  "dateTime" : "03/20/17 23:54:00",
  "value" : "0"
},{
  "dateTime" : "03/20/17 23:55:00",
  "value" : "68"
},{
  "dateTime" : "03/20/17 23:56:00",
  "value" : "82"
},{
  "dateTime" : "03/20/17 23:57:00",
  "value" : "0"
}]"#;

#[test]
fn fitbit_steps_are_utc_minutes_without_the_zeros() {
    let file = fitbit("Ann/user-site-export/steps-2017-03-20.json", STEPS);
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.samples.len(), 2, "zero minutes are dropped");
    let first = &file.samples[0];
    assert_eq!(first.metric, Metric::Steps);
    assert_eq!(first.value, 68.0);
    // UTC, not the context's New York time (see the module docs of `fitbit`).
    assert_eq!(first.start, ts("2017-03-20T23:55:00Z"));
    assert_eq!(first.end, ts("2017-03-20T23:56:00Z"));
    assert_eq!(first.offset_minutes, None);
}

/// Shape: danlsn/fitport README.md, "Example Distance Record" (`// centimetres`).
const DISTANCE: &str = r#"[{
  "dateTime" : "12/13/15 01:20:00",
  "value" : "0"
},{
  "dateTime" : "12/13/15 01:21:00",
  "value" : "441"
},{
  "dateTime" : "12/13/15 01:22:00",
  "value" : "1544"
}]"#;

#[test]
fn fitbit_distance_is_centimetres() {
    let file = fitbit(
        "Takeout/Fitbit/Physical Activity/distance-2015-12-13.json",
        DISTANCE,
    );
    let values: Vec<f64> = file.samples.iter().map(|s| s.value).collect();
    assert!(close(values[0], 4.41) && close(values[1], 15.44), "{values:?}");
    assert!(file.samples.iter().all(|s| s.metric == Metric::Distance));
}

/// Shape: saubury/duckdb-fitbit fitbit-analysis.md and jrtechs' Fitbit post (`{"bpm", "confidence"}`).
const HEART_RATE: &str = r#"[{
  "dateTime" : "04/22/19 04:00:05",
  "value" : {
    "bpm" : 69,
    "confidence" : 2
  }
},{
  "dateTime" : "04/22/19 04:00:10",
  "value" : {
    "bpm" : 70,
    "confidence" : 2
  }
},{
  "dateTime" : "04/22/19 04:00:15",
  "value" : {
    "bpm" : 900,
    "confidence" : 0
  }
},{
  "dateTime" : "not a time",
  "value" : {
    "bpm" : 70,
    "confidence" : 2
  }
},{
  "dateTime" : "04/22/19 04:00:20",
  "value" : "70"
}]"#;

#[test]
fn fitbit_heart_rate_readings_are_instants_and_bad_ones_are_warnings() {
    let file = fitbit(
        "Takeout/Fitbit/Physical Activity/heart_rate-2019-04-22.json",
        HEART_RATE,
    );
    assert_eq!(file.samples.len(), 2);
    assert_eq!(file.samples[0].value, 69.0);
    assert_eq!(file.samples[0].start, ts("2019-04-22T04:00:05Z"));
    assert_eq!(file.samples[0].start, file.samples[0].end);
    let codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["implausible_value", "unparsable_date", "bad_item"]);
    assert!(
        file.warnings[0].detail.contains("item 2"),
        "{}",
        file.warnings[0].detail
    );
}

/// Shape: danlsn/fitport README.md, "Example Resting HR Record", with its null placeholder.
const RESTING: &str = r#"[{
  "dateTime" : "05/18/18 00:00:00",
  "value" : {
    "date" : "05/18/18",
    "value" : 70.40722942352295,
    "error" : 14.206387519836426
  }
},{
  "dateTime" : "05/19/18 00:00:00",
  "value" : {
    "date" : null,
    "value" : 0.0,
    "error" : 0.0
  }
}]"#;

#[test]
fn fitbit_resting_heart_rate_spans_the_local_day_and_placeholders_are_skipped() {
    let file = fitbit("resting_heart_rate-2018-05-18.json", RESTING);
    assert!(file.warnings.is_empty());
    assert_eq!(file.samples.len(), 1);
    let s = &file.samples[0];
    assert_eq!(s.metric, Metric::RestingHeartRate);
    assert!(close(s.value, 70.407_229_423_520_95));
    assert_eq!(s.start, ts("2018-05-18T04:00:00Z"), "New York midnight (EDT)");
    assert_eq!(s.end, ts("2018-05-19T04:00:00Z"));
}

/// Shape: the `{"dateTime", "value"}` record of danlsn/fitport's steps example, one per day at
/// midnight, which is how public Takeout importers read `*_active_minutes-*.json`.
const VERY_ACTIVE: &str = r#"[{
  "dateTime" : "03/08/20 00:00:00",
  "value" : "25"
},{
  "dateTime" : "03/09/20 00:00:00",
  "value" : "0"
}]"#;

#[test]
fn fitbit_active_minutes_fill_halves_of_the_local_day() {
    let c = ctx("America/New_York", WeightUnit::Kilogram);
    let very = read_fitbit_entry("very_active_minutes-2020-03-08.json", VERY_ACTIVE.as_bytes(), &c).unwrap();
    let moderate = VERY_ACTIVE.replace("25", "10");
    let moderate = read_fitbit_entry(
        "moderately_active_minutes-2020-03-08.json",
        moderate.as_bytes(),
        &c,
    )
    .unwrap();
    assert_eq!(
        (very.samples.len(), moderate.samples.len()),
        (1, 1),
        "zero days are dropped"
    );
    let (v, m) = (&very.samples[0], &moderate.samples[0]);
    assert_eq!(
        (v.metric, v.value, m.value),
        (Metric::ExerciseMinutes, 25.0, 10.0)
    );
    // 8 March 2020 is the US spring-forward day: 23 hours, noon at 16:00 UTC.
    assert_eq!(
        (m.start, m.end),
        (ts("2020-03-08T05:00:00Z"), ts("2020-03-08T16:00:00Z"))
    );
    assert_eq!(
        (v.start, v.end),
        (ts("2020-03-08T16:00:00Z"), ts("2020-03-09T04:00:00Z"))
    );
    let lightly = read_fitbit_entry(
        "lightly_active_minutes-2020-03-08.json",
        VERY_ACTIVE.as_bytes(),
        &c,
    )
    .unwrap();
    assert!(
        lightly
            .samples
            .iter()
            .all(|s| s.metric == Metric::LightActivityMinutes),
        "light activity is not exercise"
    );
}

/// Shape: danlsn/fitport README.md, "Example Weight Record" (`// weight in pounds`).
const WEIGHT: &str = r#"[{
  "logId" : 1431993599000,
  "weight" : 191.8,
  "bmi" : 27.77,
  "date" : "05/18/15",
  "time" : "23:59:59"
},{
  "logId" : 1499258640000,
  "weight" : 193.9,
  "bmi" : 28.08,
  "fat" : 24.00200080871582,
  "date" : "07/05/17",
  "time" : "12:44:00",
  "source" : "Aria"
}]"#;

#[test]
fn fitbit_weight_is_converted_from_the_account_unit_with_fat_and_bmi() {
    let file = fitbit("Takeout/Fitbit/Global Export Data/weight-2017-07-05.json", WEIGHT);
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let weights = of(&file, Metric::BodyMass);
    assert_eq!(weights.len(), 2);
    assert!(close(weights[1].value, 193.9 * 0.453_592_37));
    assert_eq!(
        weights[1].start,
        ts("2017-07-05T16:44:00Z"),
        "local time in New York"
    );
    assert_eq!(
        weights[1].external_id.as_deref(),
        Some("fitbit:weight:1499258640000")
    );
    assert_eq!(weights[1].source_name.as_deref(), Some("Aria"));
    let fat = of(&file, Metric::BodyFatPercentage);
    assert_eq!(fat.len(), 1);
    assert!(close(fat[0].value, 24.002_000_808_715_82));
    assert_eq!(of(&file, Metric::Bmi).len(), 2);

    // Read as kilograms, 191.8 at BMI 27.77 would be a 2.6 m person, and in pounds a 1.77 m one: with
    // the account's unit set to kilograms the logs are still read in pounds, and the report says so.
    let wrong = read_fitbit_entry(
        "weight-2017-07-05.json",
        WEIGHT.as_bytes(),
        &ctx("America/New_York", WeightUnit::Kilogram),
    )
    .unwrap();
    assert_eq!(wrong.warnings.len(), 1);
    assert_eq!(wrong.warnings[0].code, "weight_unit_corrected");
    assert!(
        wrong.warnings[0].detail.starts_with("2 weights"),
        "{}",
        wrong.warnings[0].detail
    );
    let corrected = of(&wrong, Metric::BodyMass);
    assert!(close(corrected[1].value, 193.9 * 0.453_592_37));

    // A weight whose BMI fits both units (44.1 at BMI 20 is 1.48 m read as kilograms and 1.0 m read as
    // pounds) is not second-guessed, and neither is one without a BMI.
    let ambiguous = r#"[{"logId": 1, "weight": 44.1, "bmi": 20.0, "date": "07/05/17", "time": "08:00:00"},
        {"logId": 2, "weight": 150.0, "date": "07/06/17", "time": "08:00:00"}]"#;
    let kept = read_fitbit_entry(
        "weight-2017-07-05.json",
        ambiguous.as_bytes(),
        &ctx("America/New_York", WeightUnit::Kilogram),
    )
    .unwrap();
    assert!(kept.warnings.is_empty(), "{:?}", kept.warnings);
    let kept = of(&kept, Metric::BodyMass);
    assert!(close(kept[0].value, 44.1) && close(kept[1].value, 150.0));
}

/// A real stages log: caarmen/withings-slack tests/data/fitbit_sleep_response_1_item.json (the Web
/// API's sleep log, which the export writes as-is into an array), data and shortData complete.
const SLEEP_STAGES: &str = r#"[{"dateOfSleep":"2023-05-13","duration":31620000,"efficiency":95,
"endTime":"2023-05-13T09:27:30.000","infoCode":0,"isMainSleep":true,"levels":{"data":[
{"dateTime":"2023-05-13T00:40:00.000","level":"light","seconds":60},
{"dateTime":"2023-05-13T00:41:00.000","level":"wake","seconds":210},
{"dateTime":"2023-05-13T00:44:30.000","level":"deep","seconds":1230},
{"dateTime":"2023-05-13T01:05:00.000","level":"light","seconds":960},
{"dateTime":"2023-05-13T01:21:00.000","level":"deep","seconds":1770},
{"dateTime":"2023-05-13T01:50:30.000","level":"light","seconds":6180},
{"dateTime":"2023-05-13T03:33:30.000","level":"rem","seconds":270},
{"dateTime":"2023-05-13T03:38:00.000","level":"light","seconds":60},
{"dateTime":"2023-05-13T03:39:00.000","level":"wake","seconds":450},
{"dateTime":"2023-05-13T03:46:30.000","level":"light","seconds":360},
{"dateTime":"2023-05-13T03:52:30.000","level":"deep","seconds":2520},
{"dateTime":"2023-05-13T04:34:30.000","level":"light","seconds":360},
{"dateTime":"2023-05-13T04:40:30.000","level":"rem","seconds":1980},
{"dateTime":"2023-05-13T05:13:30.000","level":"light","seconds":3390},
{"dateTime":"2023-05-13T06:10:00.000","level":"rem","seconds":1560},
{"dateTime":"2023-05-13T06:36:00.000","level":"light","seconds":360},
{"dateTime":"2023-05-13T06:42:00.000","level":"rem","seconds":2730},
{"dateTime":"2023-05-13T07:27:30.000","level":"light","seconds":3780},
{"dateTime":"2023-05-13T08:30:30.000","level":"rem","seconds":1050},
{"dateTime":"2023-05-13T08:48:00.000","level":"light","seconds":1020},
{"dateTime":"2023-05-13T09:05:00.000","level":"wake","seconds":1350}],"shortData":[
{"dateTime":"2023-05-13T01:48:00.000","level":"wake","seconds":150},
{"dateTime":"2023-05-13T02:01:30.000","level":"wake","seconds":120},
{"dateTime":"2023-05-13T02:13:30.000","level":"wake","seconds":150},
{"dateTime":"2023-05-13T02:23:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T02:50:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T03:14:00.000","level":"wake","seconds":60},
{"dateTime":"2023-05-13T03:32:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T04:33:00.000","level":"wake","seconds":90},
{"dateTime":"2023-05-13T04:38:00.000","level":"wake","seconds":60},
{"dateTime":"2023-05-13T04:53:30.000","level":"wake","seconds":60},
{"dateTime":"2023-05-13T05:01:00.000","level":"wake","seconds":60},
{"dateTime":"2023-05-13T05:07:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T05:15:00.000","level":"wake","seconds":120},
{"dateTime":"2023-05-13T05:22:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T06:13:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T06:19:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T06:29:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T06:47:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T07:01:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T07:09:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T07:15:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T07:30:00.000","level":"wake","seconds":120},
{"dateTime":"2023-05-13T07:43:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T08:24:30.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T08:28:30.000","level":"wake","seconds":60},
{"dateTime":"2023-05-13T08:35:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T08:46:00.000","level":"wake","seconds":30},
{"dateTime":"2023-05-13T08:48:30.000","level":"wake","seconds":180},
{"dateTime":"2023-05-13T08:58:00.000","level":"wake","seconds":30}],
"summary":{"deep":{"count":3,"minutes":88,"thirtyDayAvgMinutes":87},
"light":{"count":25,"minutes":258,"thirtyDayAvgMinutes":268},
"rem":{"count":17,"minutes":119,"thirtyDayAvgMinutes":96},
"wake":{"count":32,"minutes":62,"thirtyDayAvgMinutes":57}}},
"logId":41314291715,"logType":"auto_detected","minutesAfterWakeup":0,"minutesAsleep":465,
"minutesAwake":62,"minutesToFallAsleep":0,"startTime":"2023-05-13T00:40:00.000","timeInBed":527,
"type":"stages"}]"#;

fn minutes_per_stage(file: &ParsedFile) -> [f64; 6] {
    let mut minutes = [0.0; 6];
    for s in of(file, Metric::Sleep) {
        minutes[s.value as usize] += s.end.duration_since(s.start).as_secs_f64() / 60.0;
    }
    minutes
}

#[test]
fn fitbit_stages_with_short_wakes_match_fitbits_own_summary() {
    let file = read_fitbit_entry(
        "Takeout/Fitbit/Sleep/sleep-2023-05-13.json",
        SLEEP_STAGES.as_bytes(),
        &ctx("Europe/Paris", WeightUnit::Kilogram),
    )
    .unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let m = minutes_per_stage(&file);
    // Fitbit's summary: deep 88, light 258, rem 119, wake 62 (whole minutes, rounded).
    let stage = |s: SleepStage| m[s.code() as usize];
    assert!((stage(SleepStage::Deep) - 88.0).abs() <= 1.0, "{m:?}");
    assert!((stage(SleepStage::Core) - 258.0).abs() <= 1.0, "{m:?}");
    assert!((stage(SleepStage::Rem) - 119.0).abs() <= 1.0, "{m:?}");
    assert!((stage(SleepStage::Awake) - 62.0).abs() <= 1.0, "{m:?}");
    // 00:40:00 to 09:27:30 (Fitbit rounds timeInBed to 527).
    assert!(
        close(m.iter().sum::<f64>(), 527.5),
        "the whole night, no overlap: {m:?}"
    );
    // Local Paris time (CEST, +02:00).
    let first = file.samples.iter().map(|s| s.start).min().unwrap();
    let last = file.samples.iter().map(|s| s.end).max().unwrap();
    assert_eq!(
        (first, last),
        (ts("2023-05-12T22:40:00Z"), ts("2023-05-13T07:27:30Z"))
    );
}

/// Shape: danlsn/fitport README.md, "Example Sleep Record" (classic: asleep/restless/awake), plus an
/// `unknown` stage as it ends a real 2025 stages log, and a log without levels.
const SLEEP_CLASSIC: &str = r#"[{
  "logId" : 1028309330,
  "dateOfSleep" : "2015-06-16",
  "startTime" : "2015-06-15T23:46:00.000",
  "endTime" : "2015-06-16T01:12:00.000",
  "duration" : 5160000,
  "type" : "classic",
  "levels" : {
    "data" : [{
      "dateTime" : "2015-06-15T23:46:00.000",
      "level" : "restless",
      "seconds" : 360
    },{
      "dateTime" : "2015-06-15T23:52:00.000",
      "level" : "awake",
      "seconds" : 60
    },{
      "dateTime" : "2015-06-15T23:53:00.000",
      "level" : "asleep",
      "seconds" : 4620
    },{
      "dateTime" : "2015-06-16T01:10:00.000",
      "level" : "unknown",
      "seconds" : 120
    },{
      "dateTime" : "2015-06-16T01:12:00.000",
      "level" : "dreaming",
      "seconds" : 60
    }]
  },
  "mainSleep" : true
},{
  "logId" : 1028309331,
  "startTime" : "2015-06-16T14:00:00.000",
  "endTime" : "2015-06-16T14:30:00.000"
}]"#;

#[test]
fn fitbit_classic_restless_counts_as_awake() {
    let file = fitbit("sleep-2015-06-16.json", SLEEP_CLASSIC);
    let m = minutes_per_stage(&file);
    assert_eq!(m[SleepStage::Awake.code() as usize], 7.0, "6 restless + 1 awake");
    assert_eq!(
        m[SleepStage::Asleep.code() as usize],
        77.0 + 30.0,
        "asleep + the nap without levels"
    );
    assert_eq!(m[SleepStage::InBed.code() as usize], 2.0, "unknown");
    assert_eq!(file.warnings.len(), 1);
    assert_eq!(file.warnings[0].code, "unknown_sleep_level");
}

/// Shape: danlsn/fitport README.md, "Example Run Exercise/Workout Record" and the Walk record; the
/// third log is jrtechs' auto-detected run without a distance, the fourth a mile account's.
const EXERCISE: &str = r#"[{
  "logId" : 253307636,
  "activityName" : "Run",
  "activityTypeId" : 90009,
  "activityLevel" : [{"minutes" : 0, "name" : "sedentary"},{"minutes" : 45, "name" : "very"}],
  "averageHeartRate" : 155,
  "calories" : 655,
  "distance" : 4.345576,
  "distanceUnit" : "Kilometer",
  "duration" : 2707000,
  "activeDuration" : 2707000,
  "steps" : 5324,
  "source" : {
    "type" : "tracker",
    "name" : "Charge HR",
    "id" : "31739289",
    "url" : "https://www.fitbit.com/",
    "trackerFeatures" : ["GPS","CALORIES","DISTANCE","STEPS","PACE","HEARTRATE","ELEVATION"]
  },
  "logType" : "tracker",
  "manualValuesSpecified" : {"calories" : false, "distance" : false, "steps" : false},
  "heartRateZones" : [{"name" : "Out of Range", "min" : 30, "max" : 99, "minutes" : 0}],
  "speed" : 5.779118433690432,
  "pace" : 622.9323799652796,
  "lastModified" : "08/09/15 01:55:22",
  "startTime" : "06/22/15 06:14:49",
  "originalStartTime" : "06/22/15 06:14:49",
  "originalDuration" : 2707000,
  "elevationGain" : 54.864,
  "hasGps" : false,
  "shouldFetchDetails" : false
},{
  "logId" : 21092332392,
  "activityName" : "Run",
  "activityTypeId" : 90009,
  "averageHeartRate" : 149,
  "calories" : 306,
  "duration" : 1843000,
  "activeDuration" : 1843000,
  "steps" : 4510,
  "logType" : "auto_detected",
  "lastModified" : "04/06/19 17:51:30",
  "startTime" : "04/06/19 17:11:48",
  "hasGps" : false
},{
  "logId" : 384529004,
  "activityName" : "Outdoor Bike",
  "calories" : 184,
  "distance" : 1.872894,
  "distanceUnit" : "Mile",
  "duration" : 1077000,
  "activeDuration" : 1077000,
  "elevationGain" : 10.0,
  "source" : {"type" : "app", "name" : "Fitbit for Android", "id" : "228VSR"},
  "logType" : "mobile_run",
  "startTime" : "03/22/21 21:04:02"
},{
  "logId" : 1,
  "activityName" : "Yoga",
  "startTime" : "03/22/21 21:04:02"
}]"#;

#[test]
fn fitbit_exercises_become_activities_with_converted_totals() {
    let file = fitbit("Takeout/Fitbit/Physical Activity/exercise-0.json", EXERCISE);
    assert_eq!(file.activities.len(), 3);
    let run = &file.activities[0];
    assert_eq!(run.activity_type, ActivityType::Running);
    assert_eq!(run.sport_label.as_deref(), Some("Run"));
    assert_eq!(
        run.start,
        ts("2015-06-22T06:14:49Z"),
        "exercise start times are UTC"
    );
    assert_eq!(run.end, ts("2015-06-22T06:59:56Z"), "2,707,000 ms later");
    assert_eq!(run.external_id.as_deref(), Some("fitbit:253307636"));
    assert_eq!(run.device.as_deref(), Some("Charge HR"));
    assert!(close(run.distance.unwrap(), 4345.576));
    assert_eq!((run.energy, run.avg_heart_rate), (Some(655.0), Some(155.0)));
    assert_eq!(run.moving_time, Some(2707.0));
    assert!(close(run.elevation_gain.unwrap(), 54.864));
    let auto = &file.activities[1];
    assert_eq!((auto.distance, auto.device.as_deref()), (None, None));
    let bike = &file.activities[2];
    assert_eq!(bike.activity_type, ActivityType::Cycling);
    assert!(close(bike.distance.unwrap(), 1.872_894 * 1609.344));
    assert_eq!(bike.elevation_gain, None, "not trusted for mile accounts");
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert_eq!(file.warnings[0].code, "bad_item", "the yoga log has no duration");
}

#[test]
fn fitbit_entries_that_are_not_json_or_not_the_shape_fail_cleanly() {
    let c = ctx("UTC", WeightUnit::Kilogram);
    let err = read_fitbit_entry("steps-2020-01-01.json", b"[{\"dateTime\": ", &c).unwrap_err();
    assert_eq!(err.code, "malformed_json");
    let err = read_fitbit_entry("steps-2020-01-01.json", b"{\"steps\": []}", &c).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    let err = read_fitbit_entry("steps-2020-01-01.json", b"\xff\xfe[]", &c).unwrap_err();
    assert_eq!(err.code, "malformed_json");
    let err = read_fitbit_entry("profile.json", b"[]", &c).unwrap_err();
    assert_eq!(err.code, "not_fitbit");
    let bom = read_fitbit_entry("steps-2020-01-01.json", b"\xEF\xBB\xBF[]", &c).unwrap();
    assert!(bom.samples.is_empty());
    assert!(is_fitbit_entry(
        "Takeout/Fitbit/Global Export Data/exercise-100.json"
    ));
}

// ----- Google Fit ---------------------------------------------------------------------------------------

/// Shape: the Takeout `All Data` schema as public parsers model it — a Kotlin `StepModel` (package
/// `…hyeoklee.googlechart.model`: `Data Source`, `Data Points`, `fitValue`, `originDataSourceId`,
/// `endTimeNanos`, `modifiedTimeMillis`, `rawTimestampNanos` as longs) and a JavaScript "All Data" parser
/// noting that the nanoseconds exceed 2^53; some tools write them as strings, which are read too.
const ALL_DATA_STEPS: &str = r#"{
  "Data Source": "derived:com.google.step_count.delta:com.google.android.gms:estimated_steps",
  "Data Points": [{
    "fitValue": [{
      "value": {
        "intVal": 12
      }
    }],
    "originDataSourceId": "raw:com.google.step_count.cumulative:samsung:SM-G770F:d1754c9c:step_counter  Non-wakeup",
    "endTimeNanos": 1577865660123456789,
    "dataTypeName": "com.google.step_count.delta",
    "startTimeNanos": 1577865600123456789,
    "modifiedTimeMillis": 1577865700000,
    "rawTimestampNanos": 0
  }, {
    "fitValue": [{"value": {"intVal": 30}}],
    "endTimeNanos": "1577865720000000000",
    "dataTypeName": "com.google.step_count.delta",
    "startTimeNanos": "1577865660000000000"
  }, {
    "fitValue": [{"value": {"intVal": 5}}],
    "endTimeNanos": 1577865600000000000,
    "dataTypeName": "com.google.step_count.delta",
    "startTimeNanos": 1577865720000000000
  }, {
    "fitValue": [{"value": {"fpVal": 2100.5}}],
    "endTimeNanos": 1577865720000000000,
    "dataTypeName": "com.google.calories.expended",
    "startTimeNanos": 1577865600000000000
  }, {
    "fitValue": [{"value": {"intVal": 3}}],
    "endTimeNanos": 1577865720000000000,
    "dataTypeName": "com.google.heart_minutes",
    "startTimeNanos": 1577865600000000000
  }, {
    "fitValue": [{"value": {"intVal": 4}}],
    "endTimeNanos": 1577865720000000000,
    "dataTypeName": "com.google.heart_minutes",
    "startTimeNanos": 1577865600000000000
  }]
}"#;

const STEPS_PATH: &str =
    "Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json";

#[test]
fn google_fit_points_keep_exact_nanosecond_times_and_unmapped_types_are_counted() {
    let file = read_google_fit_entry(
        STEPS_PATH,
        ALL_DATA_STEPS.as_bytes(),
        &ZoneHistory::fixed(TimeZone::UTC),
    )
    .unwrap();
    assert_eq!(file.samples.len(), 4);
    let s = &file.samples[0];
    assert_eq!((s.metric, s.value), (Metric::Steps, 12.0));
    assert_eq!(
        s.start.as_nanosecond(),
        1_577_865_600_123_456_789,
        "no f64 rounding"
    );
    assert_eq!(s.end.as_nanosecond(), 1_577_865_660_123_456_789);
    assert_eq!(
        s.source_name.as_deref(),
        Some("com.google.android.gms:estimated_steps")
    );
    assert_eq!(
        file.samples[1].start,
        ts("2020-01-01T08:01:00Z"),
        "string nanos are read too"
    );
    let heart_points: Vec<f64> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::HeartPoints)
        .map(|s| s.value)
        .collect();
    assert_eq!(heart_points, [3.0, 4.0]);
    // Read alone, without the Takeout's basal rate, energy cannot be split into basal and active.
    let codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["bad_time", "unmapped_type"]);
    assert!(file.warnings[1]
        .detail
        .starts_with("1 points of com.google.calories.expended were not imported"));
}

/// Shape: as above, with Google's value lists for blood pressure (systolic, diastolic, …) and sleep
/// segments (`intVal` stage 1 awake … 6 REM).
const ALL_DATA_MIXED: &str = r#"{"Data Source":"raw:com.google.blood_pressure:com.example.bp:",
"Data Points":[
{"fitValue":[{"value":{"fpVal":121.0}},{"value":{"fpVal":79.0}},{"value":{"intVal":1}}],
 "dataTypeName":"com.google.blood_pressure","startTimeNanos":1577865600000000000,"endTimeNanos":1577865600000000000},
{"fitValue":[{"value":{"intVal":5}}],"dataTypeName":"com.google.sleep.segment",
 "startTimeNanos":1577836800000000000,"endTimeNanos":1577840400000000000},
{"fitValue":[{"value":{"intVal":3}}],"dataTypeName":"com.google.sleep.segment",
 "startTimeNanos":1577840400000000000,"endTimeNanos":1577841000000000000},
{"fitValue":[{"value":{"intVal":9}}],"dataTypeName":"com.google.sleep.segment",
 "startTimeNanos":1577841000000000000,"endTimeNanos":1577842000000000000},
{"fitValue":[{"value":{"fpVal":1.82}}],"dataTypeName":"com.google.height",
 "startTimeNanos":1577865600000000000,"endTimeNanos":1577865600000000000},
{"fitValue":[{"value":{"fpVal":72.5}}],"dataTypeName":"com.google.heart_rate.bpm",
 "startTimeNanos":1577865600000000000,"endTimeNanos":1577865600000000000},
{"fitValue":[],"dataTypeName":"com.google.heart_rate.bpm",
 "startTimeNanos":1577865600000000000,"endTimeNanos":1577865600000000000},
"not a point"]}"#;

#[test]
fn google_fit_blood_pressure_sleep_and_units() {
    let path = "Takeout/Fit/All Data/raw_com.google.blood_pressure_com.example.bp.json";
    let file = read_google_fit_entry(
        path,
        ALL_DATA_MIXED.as_bytes(),
        &ZoneHistory::fixed(TimeZone::UTC),
    )
    .unwrap();
    let value = |m: Metric| of(&file, m).iter().map(|s| s.value).collect::<Vec<_>>();
    assert_eq!(value(Metric::BloodPressureSystolic), [121.0]);
    assert_eq!(value(Metric::BloodPressureDiastolic), [79.0]);
    assert_eq!(
        value(Metric::Sleep),
        [f64::from(SleepStage::Deep.code())],
        "out of bed skipped"
    );
    assert!(close(value(Metric::Height)[0], 182.0), "metres to centimetres");
    assert_eq!(value(Metric::HeartRate), [72.5]);
    let codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["bad_value", "bad_item", "bad_item"]);
}

/// Shape: a Takeout `All Sessions` file as quoted in the docstring of a public Python parser
/// (`activity_json_to_event`)
/// (`fitnessActivity`, RFC 3339 times, `"duration": "674.186s"`, `segment`, `aggregate`).
const SESSION_RUN: &str = r#"{
  "fitnessActivity": "running",
  "startTime": "2021-04-19T20:57:39.686Z",
  "endTime": "2021-04-19T21:08:53.872Z",
  "duration": "674.186s",
  "segment": [{
    "fitnessActivity": "running",
    "startTime": "2021-04-19T20:57:39.686Z",
    "endTime": "2021-04-19T21:08:53.872Z"
  }],
  "aggregate": [{
    "metricName": "com.google.heart_minutes.summary",
    "floatValue": 19.0
  }, {
    "metricName": "com.google.calories.expended",
    "floatValue": 144.3837432861328
  }, {
    "metricName": "com.google.step_count.delta",
    "intValue": 1550
  }, {
    "metricName": "com.google.distance.delta",
    "floatValue": 1558.4816045761108
  }, {
    "metricName": "com.google.speed.summary",
    "floatValue": 2.381139442776954
  }]
}"#;

#[test]
fn google_fit_workout_sessions_become_activities() {
    let path = "Takeout/Fit/All Sessions/2021-04-19T22_57_39+02_00_RUNNING.json";
    assert!(is_google_fit_entry(path));
    let file =
        read_google_fit_entry(path, SESSION_RUN.as_bytes(), &ZoneHistory::fixed(TimeZone::UTC)).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let run = &file.activities[0];
    assert_eq!(run.activity_type, ActivityType::Running);
    assert_eq!(run.sport_label.as_deref(), Some("running"));
    assert_eq!(run.start, ts("2021-04-19T20:57:39.686Z"));
    assert_eq!(run.end, ts("2021-04-19T21:08:53.872Z"));
    assert_eq!(run.offset_minutes, Some(120), "from the file name");
    assert!(close(run.distance.unwrap(), 1_558.481_604_576_110_8));
    assert!(close(run.energy.unwrap(), 144.383_743_286_132_8));
    assert_eq!(run.external_id.as_deref(), Some("start:1618865859686"));
}

/// Shape: the `*_SLEEP.json` sessions described from real files in a public Kotlin parser
/// (`"fitnessActivity": "sleep"`, segments `sleep` and `sleep.awake`, UTC times).
const SESSION_SLEEP: &str = r#"{ "fitnessActivity": "sleep",
  "startTime": "2026-09-09T17:06:00Z",
  "endTime":   "2026-09-10T00:48:00Z",
  "duration":  "27720s",
  "segment": [ {"fitnessActivity":"sleep", "startTime":"2026-09-09T17:06:00Z", "endTime":"2026-09-09T21:00:00Z"},
               {"fitnessActivity":"sleep.awake", "startTime":"2026-09-09T21:00:00Z", "endTime":"2026-09-09T21:10:00Z"},
               {"fitnessActivity":"sleep.deep", "startTime":"2026-09-09T21:10:00Z", "endTime":"2026-09-10T00:48:00Z"} ] }"#;

#[test]
fn google_fit_sleep_sessions_become_sleep_samples() {
    let path = "Takeout/Fit/All Sessions/2026-09-10T02_06_00+09_00_SLEEP.json";
    let file =
        read_google_fit_entry(path, SESSION_SLEEP.as_bytes(), &ZoneHistory::fixed(TimeZone::UTC)).unwrap();
    assert!(file.activities.is_empty());
    let stages: Vec<f64> = file.samples.iter().map(|s| s.value).collect();
    assert_eq!(stages, [1.0, 2.0, 4.0]);
    let without_segments =
        r#"{"fitnessActivity":"sleep","startTime":"2026-09-09T17:06:00Z","endTime":"2026-09-10T00:48:00Z"}"#;
    let file = read_google_fit_entry(
        path,
        without_segments.as_bytes(),
        &ZoneHistory::fixed(TimeZone::UTC),
    )
    .unwrap();
    assert_eq!(file.samples.len(), 1);
    assert_eq!(file.samples[0].value, f64::from(SleepStage::Asleep.code()));
}

/// Shape: the English header of `Daily activity metrics.csv` as used in public importers' fixtures.
const DAILY_CSV: &str = "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,\
Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Average speed (m/s),Max speed (m/s),\
Min speed (m/s),Step count,Average weight (kg),Max weight (kg),Min weight (kg),Running duration (ms),\
Walking duration (ms),Inactive duration (ms)\n\
2024-03-31,45,2100.5,6000.2,30,25,80,150,55,1.2,3.4,0.5,8421,79.6,79.8,79.4,1920000,600000,40000000\n\
2024-04-01,,1700,,,,,,,,,,,,,,,,\n\
2024-04-02,10,1900,abc,,,,,,,,,-5,,,,,,\n\
yesterday,10,,,,,,,,,,,100,,,,,,\n";

#[test]
fn google_fit_daily_metrics_span_local_days() {
    let zone = ZoneHistory::fixed(TimeZone::get("Europe/Berlin").unwrap());
    let path = "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv";
    let file = read_google_fit_entry(path, DAILY_CSV.as_bytes(), &zone).unwrap();
    let day: Vec<(Metric, f64)> = file
        .samples
        .iter()
        .filter(|s| s.start == ts("2024-03-30T23:00:00Z"))
        .map(|s| (s.metric, s.value))
        .collect();
    assert_eq!(
        day,
        [
            (Metric::Steps, 8421.0),
            (Metric::Distance, 6000.2),
            (Metric::ExerciseMinutes, 45.0),
            (Metric::HeartPoints, 30.0)
        ]
    );
    let first = &file.samples[0];
    assert_eq!(first.end, ts("2024-03-31T22:00:00Z"), "23-hour DST day");
    assert_eq!(first.source_name.as_deref(), Some("Google Fit (daily)"));
    assert_eq!(file.samples.len(), 5, "four on the 31st, move minutes on the 2nd");
    let codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        [
            "implausible_value",
            "bad_value",
            "unparsable_date",
            "unmapped_type"
        ]
    );
    assert_eq!(file.warnings[0].location, wearhouse_formats::Location::Line(4));
    assert!(
        file.warnings[3]
            .detail
            .starts_with("3 rows' Calories (kcal) were not imported"),
        "without the basal rate: {}",
        file.warnings[3].detail
    );
}

/// Shape: a per-day CSV of 15-minute rows with offsets in the times, as in a public importer's
/// fixture (`00:00:00.000+05:30,00:15:00.000+05:30,,11`).
const DAY_CSV: &str = "Start time,End time,Move Minutes count,Step count\n\
00:00:00.000+05:30,00:15:00.000+05:30,,11\n\
07:15:00.000+05:30,07:30:00.000+05:30,5,400\n\
18:00:00.000+05:30,18:15:00.000+05:30,,\n\
23:45:00.000+05:30,00:00:00.000+05:30,,7\n";

#[test]
fn google_fit_day_files_keep_their_offsets() {
    let path = "Takeout/Fit/Daily activity metrics/2026-01-01.csv";
    let file = read_google_fit_entry(path, DAY_CSV.as_bytes(), &ZoneHistory::fixed(TimeZone::UTC)).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.samples.len(), 4);
    let s = &file.samples[0];
    assert_eq!(
        (s.metric, s.value, s.offset_minutes),
        (Metric::Steps, 11.0, Some(330))
    );
    assert_eq!(
        (s.start, s.end),
        (ts("2025-12-31T18:30:00Z"), ts("2025-12-31T18:45:00Z"))
    );
    let last = file.samples.last().unwrap();
    assert_eq!(
        last.end,
        ts("2026-01-01T18:30:00Z"),
        "the last row ends at the next midnight"
    );
    // Korean, as Takeout writes it for a Korean account: read like the English one.
    let korean = "시작 시간,종료 시간,칼로리(kcal),거리(m),걸음 수\n00:00:00.000+09:00,00:15:00.000+09:00,20.5,12.5,15\n";
    let file = read_google_fit_entry(path, korean.as_bytes(), &ZoneHistory::fixed(TimeZone::UTC)).unwrap();
    let read: Vec<(Metric, f64)> = file.samples.iter().map(|s| (s.metric, s.value)).collect();
    assert_eq!(read, [(Metric::Steps, 15.0), (Metric::Distance, 12.5)]);
    // A language the reader does not know: refused, never read by position.
    let italian = "Ora di inizio,Ora di fine,Passi\n00:00,00:15,15\n";
    let err =
        read_google_fit_entry(path, italian.as_bytes(), &ZoneHistory::fixed(TimeZone::UTC)).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    assert!(err.detail.contains("Japanese and Korean"), "{}", err.detail);
}

// ----- One workout, one identity -----------------------------------------------------------------------
// A Google Fit run arrives as its TCX uploaded on its own, the same TCX inside the Takeout, and the
// session JSON beside it. Whatever the path, each gives the same external id, so the importer keeps one.

/// Shape: a Takeout `Fit/Activities/*.tcx` as Google Fit writes it: TCX v2 with the session's start as
/// `Id` and lap `StartTime` (milliseconds, `Z`), one lap with totals, trackpoints with position,
/// altitude, cumulative distance and heart rate. The same run as [`SESSION_RUN`].
const TAKEOUT_TCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">
  <Activities>
    <Activity Sport="Running">
      <Id>2021-04-19T20:57:39.686Z</Id>
      <Lap StartTime="2021-04-19T20:57:39.686Z">
        <TotalTimeSeconds>674.186</TotalTimeSeconds>
        <DistanceMeters>1558.4816045761108</DistanceMeters>
        <Calories>144</Calories>
        <Intensity>Active</Intensity>
        <TriggerMethod>Manual</TriggerMethod>
        <Track>
          <Trackpoint>
            <Time>2021-04-19T20:57:39.686Z</Time>
            <Position><LatitudeDegrees>52.520008</LatitudeDegrees><LongitudeDegrees>13.404954</LongitudeDegrees></Position>
            <AltitudeMeters>34.2</AltitudeMeters>
            <DistanceMeters>0.0</DistanceMeters>
            <HeartRateBpm><Value>98</Value></HeartRateBpm>
          </Trackpoint>
          <Trackpoint>
            <Time>2021-04-19T21:02:41.104Z</Time>
            <Position><LatitudeDegrees>52.523411</LatitudeDegrees><LongitudeDegrees>13.411372</LongitudeDegrees></Position>
            <AltitudeMeters>35.0</AltitudeMeters>
            <DistanceMeters>702.9</DistanceMeters>
            <HeartRateBpm><Value>151</Value></HeartRateBpm>
          </Trackpoint>
          <Trackpoint>
            <Time>2021-04-19T21:08:53.872Z</Time>
            <Position><LatitudeDegrees>52.526902</LatitudeDegrees><LongitudeDegrees>13.418844</LongitudeDegrees></Position>
            <AltitudeMeters>36.1</AltitudeMeters>
            <DistanceMeters>1558.48</DistanceMeters>
            <HeartRateBpm><Value>163</Value></HeartRateBpm>
          </Trackpoint>
        </Track>
      </Lap>
    </Activity>
  </Activities>
</TrainingCenterDatabase>
"#;

const TAKEOUT_TCX_PATH: &str = "Takeout/Fit/Activities/2021-04-19T22_57_39+02_00_PT11M14.186S_Running.tcx";

/// [`SESSION_RUN`] as written by an app through the Sessions API, which gives the session an `id` and
/// names the app: the id is the app's, and the TCX of the same run does not carry it.
const SESSION_RUN_WITH_ID: &str = r#"{
  "id": "com.example.runner:2021-04-19:morning-run",
  "name": "Evening run",
  "fitnessActivity": "running",
  "startTime": "2021-04-19T20:57:39.686Z",
  "endTime": "2021-04-19T21:08:53.872Z",
  "duration": "674.186s",
  "application": {"packageName": "com.example.runner"},
  "segment": [{
    "fitnessActivity": "running",
    "startTime": "2021-04-19T20:57:39.686Z",
    "endTime": "2021-04-19T21:08:53.872Z"
  }],
  "aggregate": [{
    "metricName": "com.google.calories.expended",
    "floatValue": 144.3837432861328
  }, {
    "metricName": "com.google.distance.delta",
    "floatValue": 1558.4816045761108
  }]
}"#;

fn only_activity_id(file: &ParsedFile) -> String {
    assert_eq!(file.activities.len(), 1, "{:?}", file.activities);
    file.activities[0].external_id.clone().unwrap()
}

#[test]
fn a_google_fit_tcx_has_the_same_id_uploaded_alone_and_inside_its_takeout() {
    let alone = only_activity_id(&read_tcx(TAKEOUT_TCX.as_bytes()).unwrap());
    assert!(is_google_fit_entry(TAKEOUT_TCX_PATH));
    let in_takeout = only_activity_id(
        &read_google_fit_entry(
            TAKEOUT_TCX_PATH,
            TAKEOUT_TCX.as_bytes(),
            &ZoneHistory::fixed(TimeZone::UTC),
        )
        .unwrap(),
    );
    assert_eq!(alone, in_takeout);
    assert_eq!(
        alone, "start:1618865859686",
        "the start instant, to the millisecond"
    );
}

#[test]
fn a_takeout_session_and_its_tcx_have_the_same_id() {
    let session_path = "Takeout/Fit/All Sessions/2021-04-19T22_57_39+02_00_RUNNING.json";
    let tcx = only_activity_id(
        &read_google_fit_entry(
            TAKEOUT_TCX_PATH,
            TAKEOUT_TCX.as_bytes(),
            &ZoneHistory::fixed(TimeZone::UTC),
        )
        .unwrap(),
    );
    for session in [SESSION_RUN, SESSION_RUN_WITH_ID] {
        let json = only_activity_id(
            &read_google_fit_entry(
                session_path,
                session.as_bytes(),
                &ZoneHistory::fixed(TimeZone::UTC),
            )
            .unwrap(),
        );
        assert_eq!(json, tcx, "Google's session id is not the identity");
    }
}

#[test]
fn through_the_registry_the_takeout_tcx_is_read_as_a_tcx_with_google_fit_as_its_provider() {
    let ctx = ReadContext::new(ZoneHistory::fixed(TimeZone::UTC));
    let head = TAKEOUT_TCX.as_bytes();
    let alone = registry::detect("", head).unwrap();
    let in_takeout = registry::detect(TAKEOUT_TCX_PATH, head).unwrap();
    assert_eq!((alone.id(), alone.provider()), ("tcx", Provider::Other));
    assert_eq!(
        (in_takeout.id(), in_takeout.provider()),
        ("google_fit", Provider::GoogleFit)
    );
    let a = Collected::read(alone, "", TAKEOUT_TCX.as_bytes(), &ctx).unwrap();
    let b = Collected::read(in_takeout, TAKEOUT_TCX_PATH, TAKEOUT_TCX.as_bytes(), &ctx).unwrap();
    assert_eq!(a.activities.len(), 1);
    assert_eq!(
        a.activities, b.activities,
        "the same record, format label included"
    );
    assert_eq!(
        a.activities[0].format, "tcx",
        "named after the reader that parsed it"
    );
    assert_eq!(a.activities[0].activity.streams.len(), 3);
}

#[test]
fn google_fit_entries_that_are_not_the_shape_fail_cleanly() {
    let utc = ZoneHistory::fixed(TimeZone::UTC);
    let err = read_google_fit_entry(STEPS_PATH, b"{\"Data Points\": [1, 2", &utc).unwrap_err();
    assert_eq!(err.code, "malformed_json");
    let err = read_google_fit_entry(STEPS_PATH, b"[]", &utc).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    let err = read_google_fit_entry(STEPS_PATH, b"{\"Data Source\": \"x\"}", &utc).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    let session = "Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json";
    let err = read_google_fit_entry(session, b"{\"fitnessActivity\": 3}", &utc).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    let err = read_google_fit_entry("Takeout/Fit/notes.txt", b"", &utc).unwrap_err();
    assert_eq!(err.code, "not_google_fit");
}

// ----- No panics ----------------------------------------------------------------------------------------

const FITBIT_CASES: &[(&str, &str)] = &[
    ("steps-2017-03-20.json", STEPS),
    ("distance-2015-12-13.json", DISTANCE),
    ("heart_rate-2019-04-22.json", HEART_RATE),
    ("resting_heart_rate-2018-05-18.json", RESTING),
    ("very_active_minutes-2020-03-08.json", VERY_ACTIVE),
    ("weight-2017-07-05.json", WEIGHT),
    ("sleep-2023-05-13.json", SLEEP_STAGES),
    ("sleep-2015-06-16.json", SLEEP_CLASSIC),
    ("exercise-0.json", EXERCISE),
];

const GOOGLE_FIT_CASES: &[(&str, &str)] = &[
    (STEPS_PATH, ALL_DATA_STEPS),
    (
        "Fit/All Data/raw_com.google.blood_pressure_x.json",
        ALL_DATA_MIXED,
    ),
    (
        "Fit/All Sessions/2021-04-19T22_57_39+02_00_RUNNING.json",
        SESSION_RUN,
    ),
    (
        "Fit/All Sessions/2026-09-10T02_06_00+09_00_SLEEP.json",
        SESSION_SLEEP,
    ),
    ("Fit/Daily activity metrics/Daily activity metrics.csv", DAILY_CSV),
    ("Fit/Daily activity metrics/2026-01-01.csv", DAY_CSV),
];

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(at, byte) in edits {
        if !bytes.is_empty() {
            let i = at % bytes.len();
            bytes[i] = byte;
        }
    }
    bytes.truncate(cut % (bytes.len() + 1));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fitbit_never_panics_on_arbitrary_bytes(case in 0..FITBIT_CASES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let c = ctx("Europe/London", WeightUnit::Pound);
        let _ = read_fitbit_entry(FITBIT_CASES[case].0, &bytes, &c);
    }

    #[test]
    fn fitbit_never_panics_on_mutated_fixtures(
        case in 0..FITBIT_CASES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let (path, json) = FITBIT_CASES[case];
        let c = ctx("America/New_York", WeightUnit::Kilogram);
        let _ = read_fitbit_entry(path, &mutate(json.as_bytes(), &edits, cut), &c);
    }

    #[test]
    fn google_fit_never_panics_on_arbitrary_bytes(case in 0..GOOGLE_FIT_CASES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_google_fit_entry(GOOGLE_FIT_CASES[case].0, &bytes, &ZoneHistory::fixed(TimeZone::UTC));
    }

    #[test]
    fn google_fit_never_panics_on_mutated_fixtures(
        case in 0..GOOGLE_FIT_CASES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let (path, text) = GOOGLE_FIT_CASES[case];
        let _ = read_google_fit_entry(path, &mutate(text.as_bytes(), &edits, cut), &ZoneHistory::fixed(TimeZone::UTC));
    }

    #[test]
    fn entry_names_never_panic(path in "\\PC{0,40}") {
        let _ = is_fitbit_entry(&path);
        let _ = is_google_fit_entry(&path);
    }
}
