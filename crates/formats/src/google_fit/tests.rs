#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::civil::date;

use super::all_data::{mapping, source_name, Mapping};
use super::*;
use wearhouse_model::Metric;

#[test]
fn entries_are_recognised_by_file_name_whatever_the_folder_language() {
    let kind = |p: &str| classify(p);
    assert_eq!(
        kind("Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json"),
        Some(EntryKind::AllData)
    );
    assert_eq!(
        kind("Takeout/Fit/Все данные/raw_com.google.heart_rate.bpm_com.mc.miband1.json"),
        Some(EntryKind::AllData)
    );
    assert_eq!(
        kind("Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json"),
        Some(EntryKind::Session)
    );
    assert_eq!(
        kind("Takeout/Fit/모든 세션/2016-11-03T10_00_00-07_00_WALKING.json"),
        Some(EntryKind::Session)
    );
    assert_eq!(
        kind("Takeout/Fit/Daily activity metrics/Daily activity metrics.csv"),
        Some(EntryKind::DailySummary)
    );
    assert_eq!(
        kind("Takeout/Fit/Daily activity metrics/2020-01-01.csv"),
        Some(EntryKind::DayIntervals(date(2020, 1, 1)))
    );
    assert_eq!(
        kind("Takeout/Fit/Activities/2020-01-01T07_00_00+01_00_PT30M_Running.tcx"),
        Some(EntryKind::Tcx)
    );
    assert_eq!(kind("Takeout/Fit/Activities/run.tcx"), Some(EntryKind::Tcx));
    for other in [
        "Takeout/Strava/activities/2020-01-01.csv",
        "exports/run.tcx",
        "Takeout/Fit/All Sessions/running.json",
        "Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_.json",
        "Takeout/Fit/All Sessions/2020-01-01T07_00_00+15_00_RUNNING.json",
        "Takeout/Fit/Daily activity metrics/2020-1-1.csv",
        "Takeout/Fit/data.json",
        "",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn session_names_carry_the_local_offset() {
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00+01_00_RUNNING.json"),
        Some(Some(60))
    );
    assert_eq!(
        session_name_offset("2016-11-03T10_00_00-07_00_WALKING.json"),
        Some(Some(-420))
    );
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00.123+05_30_SLEEP.json"),
        Some(Some(330))
    );
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00Z_BIKING.json"),
        Some(None)
    );
    assert_eq!(session_name_offset("2020-01-01T07_00_00_RUNNING.json"), None);
}

#[test]
fn data_types_map_to_metrics_with_units() {
    assert_eq!(
        mapping("com.google.step_count.delta"),
        Mapping::Field(Metric::Steps, None)
    );
    assert_eq!(mapping("com.google.blood_pressure"), Mapping::BloodPressure);
    assert_eq!(mapping("com.google.sleep.segment"), Mapping::SleepStage);
    assert!(matches!(
        mapping("com.google.calories.expended"),
        Mapping::Skip(_)
    ));
    assert!(matches!(mapping("com.google.heart_minutes"), Mapping::Skip(_)));
    assert!(matches!(mapping("com.google.calories.bmr"), Mapping::Skip(_)));
    assert_eq!(mapping("com.google.activity.segment"), Mapping::ActivitySegment);
}

#[test]
fn source_names_drop_the_kind_and_data_type() {
    assert_eq!(
        source_name("derived:com.google.step_count.delta:com.google.android.gms:estimated_steps").as_deref(),
        Some("com.google.android.gms:estimated_steps")
    );
    assert_eq!(source_name("raw:com.google.weight:").as_deref(), None);
    assert_eq!(source_name("nonsense").as_deref(), None);
}

/// One All Data point as Takeout writes it, seconds since the epoch for its times.
fn point(data_type: &str, value: &str, start: i64, end: i64) -> String {
    format!(
        r#"{{"fitValue":[{{"value":{value}}}],"originDataSourceId":"","endTimeNanos":{end}000000000,"dataTypeName":"{data_type}","startTimeNanos":{start}000000000,"modifiedTimeMillis":1700571475292,"rawTimestampNanos":0}}"#
    )
}

fn all_data_file(source: &str, points: &[String]) -> Vec<u8> {
    format!(
        r#"{{"Data Source":"{source}","Data Points":[{}]}}"#,
        points.join(",")
    )
    .into_bytes()
}

const SEGMENTS: &str = "Takeout/Fit/All Data/derived_com.google.activity.segment_com.google.android.gms_merge_activity_segments.json";

#[test]
fn sleep_activity_segments_become_sleep_stages_and_the_others_are_counted() {
    use wearhouse_model::SleepStage;
    let t = 1_700_000_000; // 2023-11-14T22:13:20Z
    let segment = "com.google.activity.segment";
    let bytes = all_data_file(
        "derived:com.google.activity.segment:com.google.android.gms:merge_activity_segments",
        &[
            point(segment, r#"{"intVal":72}"#, t, t + 1800),
            point(segment, r#"{"intVal":109}"#, t + 1800, t + 4200),
            point(segment, r#"{"intVal":110}"#, t + 4200, t + 6000),
            point(segment, r#"{"intVal":111}"#, t + 6000, t + 7200),
            point(segment, r#"{"intVal":112}"#, t + 7200, t + 7500),
            point(segment, r#"{"intVal":7}"#, t + 8000, t + 9000),
            point(segment, r#"{"intVal":3}"#, t + 9000, t + 9600),
            point(segment, r#"{"intVal":7}"#, t + 9600, t + 9900),
            point(segment, r#"{"fpVal":7.5}"#, t + 9900, t + 9960),
        ],
    );
    let file = read_google_fit_entry(SEGMENTS, &bytes, &ZoneHistory::fixed(jiff::tz::TimeZone::UTC)).unwrap();

    // Each sleep code is its stage, over its own interval: seconds worked out from the points above.
    let stages: Vec<(f64, i64, i64)> = file
        .samples
        .iter()
        .map(|s| {
            assert_eq!(s.metric, Metric::Sleep);
            assert_eq!(
                s.source_name.as_deref(),
                Some("com.google.android.gms:merge_activity_segments")
            );
            let start = s.start.as_second() - t;
            (s.value, start, s.end.as_second() - s.start.as_second())
        })
        .collect();
    let code = |stage: SleepStage| f64::from(stage.code());
    assert_eq!(
        stages,
        vec![
            (code(SleepStage::Asleep), 0, 1800),
            (code(SleepStage::Core), 1800, 2400),
            (code(SleepStage::Deep), 4200, 1800),
            (code(SleepStage::Rem), 6000, 1200),
            (code(SleepStage::Awake), 7200, 300),
        ]
    );
    let asleep: i64 = stages
        .iter()
        .filter(|(v, _, _)| *v != code(SleepStage::Awake))
        .map(|(_, _, secs)| secs)
        .sum();
    assert_eq!(asleep, 7200); // 30 + 40 + 30 + 20 minutes

    // The other activities are counted in one warning, by code; the fractional code is a bad value.
    let unmapped: Vec<&str> = file
        .warnings
        .iter()
        .filter(|w| w.code == "unmapped_type")
        .map(|w| w.detail.as_str())
        .collect();
    assert_eq!(unmapped.len(), 1, "{unmapped:?}");
    assert!(
        unmapped[0].starts_with(
            "3 points of com.google.activity.segment were not imported (activity codes 3 ×1, 7 ×2)"
        ),
        "{}",
        unmapped[0]
    );
    let bad: Vec<_> = file.warnings.iter().filter(|w| w.code == "bad_value").collect();
    assert_eq!(bad.len(), 1, "{:?}", file.warnings);
    assert_eq!(file.warnings.len(), 2, "{:?}", file.warnings);
}

#[test]
fn energy_and_heart_points_are_skipped_with_their_reason() {
    let t = 1_700_000_000;
    let cases = [
        (
            "derived_com.google.calories.expended_com.google.android.gms_merge_calories_expended.json",
            "derived:com.google.calories.expended:com.google.android.gms:merge_calories_expended",
            "com.google.calories.expended",
            vec![
                (r#"{"fpVal":95.5}"#, t, t + 3600),
                (r#"{"fpVal":60.25}"#, t + 3600, t + 7200),
            ],
            "include the basal rate",
        ),
        (
            "derived_com.google.calories.bmr_com.google.android.gms_merged.json",
            "derived:com.google.calories.bmr:com.google.android.gms:merged",
            "com.google.calories.bmr",
            vec![(r#"{"fpVal":1650.0}"#, t, t)],
            "basal metabolic rate",
        ),
        (
            "raw_com.google.heart_minutes_com.google.androi.json",
            "raw:com.google.heart_minutes:com.google.android.apps.fitness:user_input",
            "com.google.heart_minutes",
            vec![
                (r#"{"fpVal":1}"#, t, t + 60),
                (r#"{"fpVal":2}"#, t + 60, t + 120),
                (r#"{"fpVal":1}"#, t + 120, t + 180),
            ],
            "Heart Points",
        ),
    ];
    for (name, source, data_type, points, reason) in cases {
        let points: Vec<String> = points
            .iter()
            .map(|(value, start, end)| point(data_type, value, *start, *end))
            .collect();
        let path = format!("Takeout/Fit/All Data/{name}");
        let file = read_google_fit_entry(
            &path,
            &all_data_file(source, &points),
            &ZoneHistory::fixed(jiff::tz::TimeZone::UTC),
        )
        .unwrap();
        assert!(file.samples.is_empty(), "{name}: {:?}", file.samples);
        assert_eq!(file.warnings.len(), 1, "{name}: {:?}", file.warnings);
        let warning = &file.warnings[0];
        assert_eq!(warning.code, "unmapped_type");
        let count = format!("{} points of {data_type} were not imported", points.len());
        assert!(warning.detail.starts_with(&count), "{}", warning.detail);
        assert!(warning.detail.contains(reason), "{}", warning.detail);
    }
}
