#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::{ActivityType, Metric, SleepStage};

use super::*;

const UDS: &str = "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2023-07-19_2023-10-27.json";
const SLEEP: &str = "DI_CONNECT/DI-Connect-Wellness/2024-05-15_2024-08-23_74303376_sleepData.json";
const ACTIVITIES: &str = "DI_CONNECT/DI-Connect-Fitness/ana@example.org_0_summarizedActivities.json";
const BIOMETRICS: &str = "DI_CONNECT/DI-Connect-Wellness/74303376_userBioMetrics.json";
const HYDRATION: &str = "DI_CONNECT\\DI-Connect-Aggregator\\HydrationLogFile_2024-01-01_2024-04-10.json";

fn oslo() -> ZoneHistory {
    ZoneHistory::fixed(TimeZone::get("Europe/Oslo").unwrap())
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn read(path: &str, json: &str) -> ParsedFile {
    read_garmin_file(path, json.as_bytes(), &oslo()).unwrap()
}

/// A metric's samples as (start, end, value rounded to 3 decimals).
fn values(file: &ParsedFile, metric: Metric) -> Vec<(Timestamp, Timestamp, f64)> {
    file.samples
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| (s.start, s.end, (s.value * 1000.0).round() / 1000.0))
        .collect()
}

fn codes(file: &ParsedFile) -> Vec<&'static str> {
    file.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn files_are_known_by_name_in_any_folder() {
    assert_eq!(classify(UDS), Some(Kind::DailySummaries));
    assert_eq!(classify(SLEEP), Some(Kind::Sleep));
    assert_eq!(classify(ACTIVITIES), Some(Kind::Activities));
    assert_eq!(classify(BIOMETRICS), Some(Kind::BioMetrics));
    assert_eq!(classify(HYDRATION), Some(Kind::Hydration));
    // Older exports and other roots.
    assert_eq!(
        classify("b3c1e0f2/DI_CONNECT/DI-Connect-User/UDSFile_2018-01-01_2018-04-11.json"),
        Some(Kind::DailySummaries)
    );
    assert_eq!(
        classify("DI_CONNECT/DI-Connect-User/user_biometrics.json"),
        Some(Kind::BioMetrics)
    );
    assert_eq!(
        classify("ana_0_summarizedActivities_part2.JSON"),
        Some(Kind::Activities)
    );
    assert_eq!(
        classify("udsfile_2023-07-19_2023-10-27.json"),
        Some(Kind::DailySummaries)
    );
    for other in [
        "DI_CONNECT/DI-Connect-Wellness/74303376_heartRateZones.json",
        "DI_CONNECT/DI-Connect-Fitness/ana@example.org_gear.json",
        "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2023-07-19_2023-10-27.csv",
        "sleepData.json",
        "",
    ] {
        assert_eq!(classify(other), None, "{other}");
    }
}

#[test]
fn files_alone_need_their_name_and_a_json_array() {
    assert!(is_garmin_file(UDS, b"[{\"calendarDate\""));
    assert!(is_garmin_file(SLEEP, b"\xEF\xBB\xBF \n\t[ {"));
    assert!(!is_garmin_file(SLEEP, b"{\"sleep\": []}"));
    assert!(!is_garmin_file(SLEEP, b""));
    assert!(!is_garmin_file("steps-2020-01-01.json", b"[{"));
}

#[test]
fn the_registry_hands_export_files_to_this_reader() {
    for path in [UDS, SLEEP, ACTIVITIES, BIOMETRICS, HYDRATION] {
        let found = crate::registry::detect(path, b"[{").map(|r| r.id());
        assert_eq!(found, Some("garmin"), "{path}");
        let alone = crate::registry::detect_alone(path, b"[{").map(|r| r.id());
        assert_eq!(alone, Some("garmin"), "{path}");
    }
}

#[test]
fn malformed_json_fails_the_file_and_a_bad_record_is_a_warning() {
    let err = read_garmin_file(UDS, b"[{\"calendarDate\": ", &oslo()).unwrap_err();
    assert_eq!(err.code, "malformed_json");
    let err = read_garmin_file(UDS, b"{\"calendarDate\": \"2025-06-10\"}", &oslo()).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
    let err = read_garmin_file("notes.json", b"[]", &oslo()).unwrap_err();
    assert_eq!(err.code, "not_garmin");
    let file = read(
        UDS,
        r#"[{"calendarDate": "2025-06-10", "totalSteps": "many"}, 7]"#,
    );
    assert!(file.samples.is_empty());
    assert_eq!(codes(&file), ["bad_item", "bad_item"]);
}

/// One full day (the composite of the format notes), a day repeated with its last record kept, an empty
/// day, and a day without its GMT span.
const DAYS: &str = r#"[
 {"calendarDate":"2025-06-10","wellnessStartTimeGmt":"2025-06-09T22:00:00.0","wellnessStartTimeLocal":"2025-06-10T00:00:00.0",
  "wellnessEndTimeGmt":"2025-06-10T22:00:00.0","wellnessEndTimeLocal":"2025-06-11T00:00:00.0","durationInMilliseconds":86400000,
  "totalSteps":17998,"dailyStepGoal":10000,"totalDistanceMeters":16995,"totalKilocalories":3145.0,"activeKilocalories":930.0,
  "bmrKilocalories":2215.0,"moderateIntensityMinutes":6,"vigorousIntensityMinutes":25,"floorsAscendedInMeters":88.392,
  "floorsDescendedInMeters":85.689,"minHeartRate":42,"maxHeartRate":174,"restingHeartRate":47,"currentDayRestingHeartRate":47,
  "includesWellnessData":true,
  "allDayStress":{"aggregatorList":[{"type":"ASLEEP","averageStressLevel":9,"maxStressLevel":60,"totalDuration":29400},
                                    {"type":"TOTAL","averageStressLevel":31,"maxStressLevel":92,"totalDuration":85680}]},
  "bodyBattery":{"chargedValue":68,"drainedValue":70,"bodyBatteryStatList":[{"bodyBatteryStatType":"HIGHEST","statsValue":99,"statTimestamp":"2025-06-10T05:11:00.0"}]},
  "respiration":{"avgWakingRespirationValue":14.0,"highestRespirationValue":21.0,"lowestRespirationValue":9.0}},
 {"calendarDate":"2025-06-11","wellnessStartTimeGmt":"2025-06-10T22:00:00.0","wellnessStartTimeLocal":"2025-06-11T00:00:00.0",
  "wellnessEndTimeGmt":"2025-06-11T22:00:00.0","totalSteps":100,"includesWellnessData":true},
 {"calendarDate":"2025-06-12","totalSteps":0,"includesWellnessData":false,"restingHeartRate":50},
 {"calendarDate":"2025-06-11","wellnessStartTimeGmt":"2025-06-10T22:00:00.0","wellnessStartTimeLocal":"2025-06-11T00:00:00.0",
  "wellnessEndTimeGmt":"2025-06-11T22:00:00.0","totalSteps":5000,"floorsAscended":12.0,"floorsAscendedInMeters":88.392,
  "restingHeartRate":0,"currentDayRestingHeartRate":52,"includesWellnessData":true,
  "allDayStress":{"aggregatorList":[{"type":"TOTAL","averageStressLevel":-1}]}},
 {"calendarDate":"2025-06-13","totalSteps":1234,"restingHeartRate":0,"currentDayRestingHeartRate":0,
  "allDayStress":{"aggregatorList":[{"type":"TOTAL","averageStressLevel":-2}]}}
]"#;

#[test]
fn daily_summaries_are_day_totals_over_the_exact_gmt_span() {
    let file = read(UDS, DAYS);
    let day10 = (ts("2025-06-09T22:00:00Z"), ts("2025-06-10T22:00:00Z"));
    let day11 = (ts("2025-06-10T22:00:00Z"), ts("2025-06-11T22:00:00Z"));
    // No GMT span: the local day in Oslo (CEST).
    let day13 = (ts("2025-06-12T22:00:00Z"), ts("2025-06-13T22:00:00Z"));
    assert_eq!(
        values(&file, Metric::Steps),
        [
            (day10.0, day10.1, 17998.0),
            (day11.0, day11.1, 5000.0),
            (day13.0, day13.1, 1234.0)
        ],
        "the repeated 11 June keeps its last record; the empty 12 June is skipped"
    );
    assert_eq!(values(&file, Metric::Distance), [(day10.0, day10.1, 16995.0)]);
    assert_eq!(values(&file, Metric::ActiveEnergy), [(day10.0, day10.1, 930.0)]);
    assert_eq!(values(&file, Metric::BasalEnergy), [(day10.0, day10.1, 2215.0)]);
    assert_eq!(
        values(&file, Metric::Floors),
        [(day10.0, day10.1, 29.0), (day11.0, day11.1, 12.0)],
        "88.392 m is 29 floors of 3.048 m; floorsAscended wins when given"
    );
    assert_eq!(values(&file, Metric::ExerciseMinutes), [(day10.0, day10.1, 31.0)]);
    assert_eq!(
        values(&file, Metric::RestingHeartRate),
        [(day10.0, day10.1, 47.0), (day11.0, day11.1, 52.0)],
        "0 is none; currentDayRestingHeartRate stands in"
    );
    assert_eq!(
        values(&file, Metric::StressLevel),
        [(day10.0, day10.1, 31.0)],
        "the TOTAL aggregate; -1 and -2 are none"
    );
    for s in &file.samples {
        let totals = [
            Metric::Steps,
            Metric::Distance,
            Metric::ActiveEnergy,
            Metric::BasalEnergy,
            Metric::Floors,
            Metric::ExerciseMinutes,
        ];
        assert_eq!(s.summary, totals.contains(&s.metric), "{:?}", s.metric);
        if s.start == day13.0 {
            assert!(s.floating && s.offset_minutes.is_none());
        } else {
            assert!(!s.floating);
            assert_eq!(s.offset_minutes, Some(120), "local midnight minus GMT");
        }
    }
    assert_eq!(codes(&file), ["not_imported"]);
    assert!(file.warnings[0].detail.starts_with("bodyBattery, respiration"));
}

#[test]
fn a_day_without_any_time_is_a_warning() {
    let file = read(
        UDS,
        r#"[{"totalSteps": 10}, {"calendarDate": "someday", "totalSteps": 10}]"#,
    );
    assert!(file.samples.is_empty());
    assert_eq!(codes(&file), ["unparsable_date", "unparsable_date"]);
}

/// The night of the format notes, an earlier record of the same night, an off-wrist night and a
/// default window without stages.
const NIGHTS: &str = r#"[
 {"calendarDate":"2021-06-18","sleepStartTimestampGMT":"2021-06-18T05:00:00.0","sleepEndTimestampGMT":"2021-06-18T06:00:00.0",
  "lightSleepSeconds":3600},
 {"calendarDate":"2021-06-17","sleepStartTimestampGMT":"2021-06-16T22:00:00.0","sleepEndTimestampGMT":"2021-06-17T06:00:00.0",
  "sleepWindowConfirmationType":"off_wrist","lightSleepSeconds":20000,"deepSleepSeconds":3000},
 {"calendarDate":"2021-06-19","sleepStartTimestampGMT":"2021-06-18T22:00:00.0","sleepEndTimestampGMT":"2021-06-19T06:00:00.0",
  "sleepWindowConfirmationType":"AUTO_CONFIRMED_FINAL","deepSleepSeconds":0,"lightSleepSeconds":0,"unmeasurableSeconds":28800},
 {"calendarDate":"2021-06-18","sleepStartTimestampGMT":"2021-06-18T04:58:00.0","sleepEndTimestampGMT":"2021-06-18T12:55:00.0",
  "sleepWindowConfirmationType":"ENHANCED_CONFIRMED_FINAL","retro":false,"deepSleepSeconds":4680,"lightSleepSeconds":16560,
  "remSleepSeconds":5700,"awakeSleepSeconds":480,"unmeasurableSeconds":0,"averageRespiration":14.01,"lowestRespiration":12.0,
  "highestRespiration":19.0,"awakeCount":1,"avgSleepStress":20.79,"restlessMomentCount":23,
  "sleepScores":{"overallScore":82,"qualityScore":80,"durationScore":100,"feedback":"POSITIVE_LONG_AND_DEEP","insight":"NONE"},
  "spo2SleepSummary":{"userProfilePk":7940344,"deviceId":3363313947,"sleepMeasurementStartGMT":"2021-06-18T05:02:00.0",
  "sleepMeasurementEndGMT":"2021-06-18T08:56:00.0","alertThresholdValue":0,"averageSPO2":88.0,"averageHR":60.0,"lowestSPO2":80}}
]"#;

#[test]
fn nights_are_stage_blocks_from_sleep_onset_with_their_figures_at_waking() {
    let file = read(SLEEP, NIGHTS);
    let code = |stage: SleepStage| f64::from(stage.code());
    assert_eq!(
        values(&file, Metric::Sleep),
        [
            // 16560 s light, 4680 s deep, 5700 s REM, 480 s awake, from 04:58 on.
            (
                ts("2021-06-18T04:58:00Z"),
                ts("2021-06-18T09:34:00Z"),
                code(SleepStage::Core)
            ),
            (
                ts("2021-06-18T09:34:00Z"),
                ts("2021-06-18T10:52:00Z"),
                code(SleepStage::Deep)
            ),
            (
                ts("2021-06-18T10:52:00Z"),
                ts("2021-06-18T12:27:00Z"),
                code(SleepStage::Rem)
            ),
            (
                ts("2021-06-18T12:27:00Z"),
                ts("2021-06-18T12:35:00Z"),
                code(SleepStage::Awake)
            ),
        ],
        "the last record of 18 June only; the off-wrist and stageless nights are skipped"
    );
    let waking = ts("2021-06-18T12:55:00Z");
    assert_eq!(values(&file, Metric::SleepScore), [(waking, waking, 82.0)]);
    assert_eq!(values(&file, Metric::RespiratoryRate), [(waking, waking, 14.01)]);
    assert_eq!(values(&file, Metric::Spo2), [(waking, waking, 88.0)]);
    assert!(file
        .samples
        .iter()
        .all(|s| s.offset_minutes.is_none() && !s.floating && !s.summary));
    assert_eq!(codes(&file), ["unmeasured_nights"]);
    assert!(
        file.warnings[0].detail.starts_with("2 nights"),
        "{}",
        file.warnings[0].detail
    );
}

#[test]
fn a_night_that_does_not_end_after_it_starts_is_a_warning() {
    let file = read(
        SLEEP,
        r#"[{"sleepStartTimestampGMT":"2021-06-18T05:00:00.0","sleepEndTimestampGMT":"2021-06-18T05:00:00.0","deepSleepSeconds":60},
            {"sleepStartTimestampGMT":"18/06/2021","sleepEndTimestampGMT":"2021-06-18T05:00:00.0","deepSleepSeconds":60}]"#,
    );
    assert!(file.samples.is_empty());
    assert_eq!(codes(&file), ["end_before_start", "unparsable_date"]);
}

/// The run of the format notes.
const RUN: &str = r#"{"activityId":21993142932,"name":"Clay County Running","activityType":"running","sportType":"RUNNING",
  "beginTimestamp":1772115185000,"startTimeGmt":1772115185000,"startTimeLocal":1772097185000,"timeZoneId":149,
  "duration":3386583.0078125,"movingDuration":3362000.0,"distance":577502.001953125,"elevationGain":2400.0,"elevationLoss":2100.0,
  "avgSpeed":0.17050000429153445,"maxSpeed":0.223,"avgHr":126.0,"maxHr":140.0,"minHr":92.0,"calories":1692.76808,"bmrCalories":350.2,
  "steps":8176.0,"aerobicTrainingEffect":2.8,"vO2MaxValue":39.0,"hrTimeInZone_1":600000.0}"#;

#[test]
fn activities_convert_centimetres_milliseconds_and_export_energy() {
    let file = read(
        ACTIVITIES,
        &format!(r#"[{{"summarizedActivitiesExport":[{RUN}]}}]"#),
    );
    assert!(
        file.samples.is_empty() && file.warnings.is_empty(),
        "{:?}",
        file.warnings
    );
    let [run] = file.activities.as_slice() else {
        panic!("one activity: {:?}", file.activities)
    };
    assert_eq!(run.activity_type, ActivityType::Running);
    assert_eq!(run.sport_label.as_deref(), Some("running"));
    assert_eq!(run.title.as_deref(), Some("Clay County Running"));
    assert_eq!(run.external_id.as_deref(), Some("garmin:21993142932"));
    assert_eq!(run.device, None);
    assert_eq!(run.start, ts("2026-02-26T14:13:05Z"));
    assert_eq!(run.end, ts("2026-02-26T15:09:31.583Z"), "3386583 ms later");
    assert_eq!(run.offset_minutes, Some(-300), "local minus GMT: -18,000,000 ms");
    assert_eq!(run.distance, Some(5775.02001953125));
    assert_eq!(run.elevation_gain, Some(24.0));
    assert_eq!(run.moving_time, Some(3362.0));
    assert_eq!(run.avg_heart_rate, Some(126.0));
    assert_eq!(run.max_heart_rate, Some(140.0));
    let kcal = run.energy.unwrap();
    assert!((kcal - 404.581).abs() < 0.001, "1692.77 / 4.184 = {kcal}");
}

#[test]
fn activities_come_wrapped_bare_or_in_several_wrappers() {
    let ride = r#"{"activityId":2,"activityType":"e_bike_mountain","beginTimestamp":1700000000000,"elapsedDuration":60000.0,
                   "duration":30000.0,"avgHr":0.0,"maxHr":0,"distance":0.0}"#;
    let swim =
        r#"{"activityId":3,"activityType":"lap_swimming","startTimeGmt":1700100000000,"duration":1800000}"#;
    let bare = read(ACTIVITIES, &format!("[{RUN}, {ride}]"));
    let wrapped = read(
        ACTIVITIES,
        &format!(
            r#"[{{"summarizedActivitiesExport":[{RUN}]}}, {{"summarizedActivitiesExport":[{ride}, {swim}]}}]"#
        ),
    );
    assert_eq!(bare.activities.len(), 2);
    let ids: Vec<_> = wrapped
        .activities
        .iter()
        .map(|a| a.external_id.as_deref().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["garmin:2", "garmin:3", "garmin:21993142932"],
        "in time order"
    );
    let ride = &wrapped.activities[0];
    assert_eq!(ride.activity_type, ActivityType::EBiking);
    assert_eq!(
        ride.end,
        ts("2023-11-14T22:14:20Z"),
        "elapsedDuration before duration"
    );
    assert_eq!(ride.offset_minutes, None, "no startTimeLocal");
    assert_eq!(
        (ride.avg_heart_rate, ride.max_heart_rate, ride.distance),
        (None, None, None),
        "0 is none"
    );
    assert_eq!(ride.title, None);
    let swim = &wrapped.activities[1];
    assert_eq!(swim.activity_type, ActivityType::Swimming);
    assert_eq!(
        swim.start,
        ts("2023-11-16T02:00:00Z"),
        "startTimeGmt stands in for beginTimestamp"
    );
    assert_eq!(swim.end, ts("2023-11-16T02:30:00Z"));
}

#[test]
fn activities_without_a_start_or_a_duration_are_skipped_with_a_warning() {
    let file = read(
        ACTIVITIES,
        r#"[{"summarizedActivitiesExport":[
            {"activityId":1,"activityType":"running","duration":60000},
            {"activityId":2,"activityType":"running","beginTimestamp":1700000000000,"duration":-5000},
            {"activityId":3,"activityType":"running","beginTimestamp":1700000000000},
            {"activityId":"x"},
            {"activityId":4,"activityType":"running","beginTimestamp":1700000000000,"duration":1000,"avgHr":900}]}, 5]"#,
    );
    let [kept] = file.activities.as_slice() else {
        panic!("one activity: {:?}", file.activities)
    };
    assert_eq!(kept.external_id.as_deref(), Some("garmin:4"));
    assert_eq!(kept.avg_heart_rate, None, "an implausible heart rate is left out");
    let mut codes = codes(&file);
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "bad_item",
            "bad_item",
            "bad_item",
            "bad_item",
            "implausible_value",
            "unparsable_date"
        ]
    );
}

#[test]
fn garmin_activity_keys_map_to_the_catalogue() {
    use super::activities::activity_type;
    use ActivityType as A;
    for (key, ty) in [
        ("running", A::Running),
        ("trail_running", A::TrailRunning),
        ("treadmill_running", A::TreadmillRunning),
        ("road_biking", A::Cycling),
        ("virtual_ride", A::IndoorCycling),
        ("e_bike_fitness", A::EBiking),
        ("lap_swimming", A::Swimming),
        ("open_water_swimming", A::OpenWaterSwimming),
        ("indoor_cardio", A::Cardio),
        ("resort_skiing_snowboarding_ws", A::AlpineSkiing),
        ("cross_country_skiing_ws", A::CrossCountrySkiing),
        ("multi_sport", A::Triathlon),
        ("golf", A::Golf),
        ("Strength_Training", A::StrengthTraining),
        ("soccer", A::Soccer),
        ("indoor_walking", A::IndoorWalking),
        ("underwater_basket_weaving", A::Other),
        ("", A::Other),
    ] {
        assert_eq!(activity_type(key), ty, "{key}");
    }
}

#[test]
fn weigh_ins_are_grams_at_their_gmt_time_and_heights_local_dates() {
    let file = read(
        BIOMETRICS,
        r#"[
 {"version":3,"metaData":{"calendarDate":"2025-07-18T00:00:00.0","sequence":1},"weight":{"weight":81419.0,"bmi":26.6,
  "bodyFat":21.4,"bodyWater":57.1,"boneMass":3500.0,"muscleMass":61200.0,"sourceType":"INDEX_SCALE","timestampGMT":"2025-07-18T18:01:21.0"}},
 {"version":3,"metaData":{"calendarDate":"2025-07-18T00:00:00.0","sequence":1},"weight":{"weight":81419.0,"bmi":26.6,
  "bodyFat":21.4,"sourceType":"INDEX_SCALE","timestampGMT":"2025-07-18T18:01:21.0"}},
 {"metaData":{"calendarDate":"2025-07-18T00:00:00.0"},"height":172.72000122070312},
 {"weight":{"weight":80000.0,"bodyFat":0.0,"bmi":0,"sourceType":"MANUAL","timestampGMT":1752900000000}},
 {"metaData":{"calendarDate":"2026-01-02T18:05:26.148"},"weight":{"weight":79500.0,"sourceType":"MFP"}},
 {"metaData":{"calendarDate":"2025-07-19T00:00:00.0"},"vo2Max":{"value":47}},
 {"weight":{"weight":79000.0}}
]"#,
    );
    let weighed = ts("2025-07-18T18:01:21Z");
    let fallback = ts("2026-01-02T17:05:26.148Z");
    assert_eq!(
        values(&file, Metric::BodyMass),
        [
            (weighed, weighed, 81.419),
            (ts("2025-07-19T04:40:00Z"), ts("2025-07-19T04:40:00Z"), 80.0),
            (fallback, fallback, 79.5)
        ],
        "grams; the repeated weigh-in once; epoch milliseconds read too; metaData's local time as fallback"
    );
    assert_eq!(
        values(&file, Metric::BodyFatPercentage),
        [(weighed, weighed, 21.4)],
        "0 is none"
    );
    assert_eq!(values(&file, Metric::Bmi), [(weighed, weighed, 26.6)]);
    let midnight = ts("2025-07-17T22:00:00Z");
    assert_eq!(
        values(&file, Metric::Height),
        [(midnight, midnight, 172.72)],
        "local midnight in Oslo"
    );
    for s in &file.samples {
        let from_local_time = s.metric == Metric::Height || s.start == fallback;
        assert_eq!(s.floating, from_local_time, "{:?} at {}", s.metric, s.start);
    }
    assert_eq!(codes(&file), ["unparsable_date"], "the weigh-in without any time");
}

#[test]
fn hydration_sums_each_local_day_with_its_corrections() {
    let file = read(
        HYDRATION,
        r#"[
 {"calendarDate":"2024-01-01","timestampLocal":"2024-01-01T08:00:00.0","valueInML":250.0,"hydrationSource":"MANUAL","capped":false},
 {"calendarDate":"2024-01-01","timestampLocal":"2024-01-01T12:00:00.0","valueInML":500.0},
 {"calendarDate":"2024-01-01","timestampLocal":"2024-01-01T12:05:00.0","valueInML":-100.0},
 {"calendarDate":"2024-01-02","valueInML":300.0},
 {"calendarDate":"2024-01-02","valueInML":-300.0},
 {"calendarDate":"2024-01-03","valueInML":null,"estimatedSweatLossInML":640.0,"activityId":123},
 {"calendarDate":"yesterday","valueInML":200.0},
 {"calendarDate":"2024-06-01","valueInML":1500}
]"#,
    );
    assert_eq!(
        values(&file, Metric::Water),
        [
            (ts("2023-12-31T23:00:00Z"), ts("2024-01-01T23:00:00Z"), 650.0),
            (ts("2024-05-31T22:00:00Z"), ts("2024-06-01T22:00:00Z"), 1500.0)
        ],
        "Oslo's local days, CET then CEST; a day summing to nothing is left out"
    );
    assert!(file.samples.iter().all(|s| s.floating && !s.summary));
    assert_eq!(codes(&file), ["unparsable_date"]);
}

mod fuzzing {
    use proptest::prelude::*;

    use super::*;

    /// The fields the readers look at, across every kind.
    const KEYS: &[&str] = &[
        "calendarDate",
        "wellnessStartTimeGmt",
        "wellnessEndTimeGmt",
        "wellnessStartTimeLocal",
        "includesWellnessData",
        "totalSteps",
        "totalDistanceMeters",
        "floorsAscendedInMeters",
        "restingHeartRate",
        "allDayStress",
        "sleepStartTimestampGMT",
        "sleepEndTimestampGMT",
        "sleepWindowConfirmationType",
        "lightSleepSeconds",
        "awakeSleepSeconds",
        "sleepScores",
        "summarizedActivitiesExport",
        "activityType",
        "beginTimestamp",
        "startTimeGmt",
        "startTimeLocal",
        "duration",
        "movingDuration",
        "distance",
        "calories",
        "weight",
        "timestampGMT",
        "metaData",
        "height",
        "valueInML",
    ];

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>()
                .prop_filter("JSON has no NaN", |f| f.is_finite())
                .prop_map(|f| format!("{f:e}")),
            (-100i32..100_000).prop_map(|n| n.to_string()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("\"2021-06-18T04:58:00.0\"".to_owned()),
            Just("\"2024-01-01\"".to_owned()),
            Just("\"TOTAL\"".to_owned()),
            "[ -~]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        ]
    }

    /// A JSON value two levels deep, made of the known keys and odd scalars.
    fn value() -> impl Strategy<Value = String> {
        scalar().prop_recursive(2, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 0..6).prop_map(
                    |fields| {
                        let fields: Vec<String> =
                            fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                        format!("{{{}}}", fields.join(","))
                    }
                ),
                proptest::collection::vec(inner, 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            ]
        })
    }

    fn check(file: &ParsedFile) -> Result<(), TestCaseError> {
        for s in &file.samples {
            prop_assert!(s.start <= s.end);
            prop_assert!(s.value.is_finite());
        }
        for a in &file.activities {
            prop_assert!(a.start < a.end);
            for total in [
                a.distance,
                a.energy,
                a.avg_heart_rate,
                a.max_heart_rate,
                a.moving_time,
            ] {
                prop_assert!(total.is_none_or(|v| v.is_finite() && v > 0.0));
            }
        }
        Ok(())
    }

    proptest! {
        /// Arrays of records built from the fields the readers know, with odd values, read as every
        /// kind of file: records or warnings, never a panic, and sane spans.
        #[test]
        fn no_input_panics(records in proptest::collection::vec(value(), 0..6), kind in 0usize..5) {
            let path = [UDS, SLEEP, ACTIVITIES, BIOMETRICS, HYDRATION][kind];
            let json = format!("[{}]", records.join(","));
            let file = read_garmin_file(path, json.as_bytes(), &oslo());
            prop_assert!(file.is_ok(), "{json}: {:?}", file.err());
            check(&file.unwrap())?;
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), kind in 0usize..5) {
            let path = [UDS, SLEEP, ACTIVITIES, BIOMETRICS, HYDRATION][kind];
            if let Ok(file) = read_garmin_file(path, &bytes, &oslo()) {
                check(&file)?;
            }
        }
    }
}
