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
