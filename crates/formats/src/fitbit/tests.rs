#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::civil::{date, datetime};

use super::exercise::activity_type;
use super::*;
use wearhouse_model::ActivityType;

#[test]
fn entries_are_recognised_by_file_name_in_any_layout() {
    let kind = |p: &str| classify(p);
    assert_eq!(
        kind("Ann/user-site-export/steps-2020-01-01.json"),
        Some(EntryKind::Steps)
    );
    assert_eq!(
        kind("Takeout/Fitbit/Physical Activity/heart_rate-2020-01-01.json"),
        Some(EntryKind::HeartRate)
    );
    assert_eq!(
        kind("Takeout\\Fitbit\\Global Export Data\\resting_heart_rate-2020-01-01.json"),
        Some(EntryKind::RestingHeartRate)
    );
    assert_eq!(
        kind("Takeout/Fitbit/Sleep/sleep-2020-01-01.json"),
        Some(EntryKind::Sleep)
    );
    assert_eq!(kind("x/exercise-0.json"), Some(EntryKind::Exercise));
    assert_eq!(kind("x/exercise-1700.json"), Some(EntryKind::Exercise));
    assert_eq!(
        kind("very_active_minutes-2020-01-01.json"),
        Some(EntryKind::VeryActive)
    );
    assert_eq!(
        kind("moderately_active_minutes-2020-01-01.json"),
        Some(EntryKind::ModeratelyActive)
    );
    assert_eq!(kind("distance-2020-01-01.json"), Some(EntryKind::Distance));
    assert_eq!(kind("weight-2020-01-01.json"), Some(EntryKind::Weight));
    for other in [
        "calories-2020-01-01.json",
        "steps-2020-13-01.json",
        "steps-2020-01-01.csv",
        "steps.json",
        "exercise-.json",
        "exercise-a.json",
        "Physical Activity_GoogleData/steps_2024-01-01.csv",
        "",
        "é-2020-01-01.json",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
    assert!(!is_fitbit_entry("lightly_active_minutes-2020-01-01.json"));
    assert!(is_fitbit_entry("very_active_minutes-2020-01-01.json"));
}

#[test]
fn fitbit_times_in_both_spellings() {
    assert_eq!(
        parse_time("01/02/20 03:04:05"),
        Some(datetime(2020, 1, 2, 3, 4, 5, 0))
    );
    assert_eq!(
        parse_time("2019-04-27T23:09:30.000"),
        Some(datetime(2019, 4, 27, 23, 9, 30, 0))
    );
    assert_eq!(parse_time("13/02/20 03:04:05"), None);
    assert_eq!(parse_time("02/30/20 03:04:05"), None);
    assert_eq!(parse_time("01/02/20 24:04:05"), None);
    assert_eq!(parse_time("0a/02/20 03:04:05"), None);
    assert_eq!(parse_time(""), None);
    assert_eq!(parse_date("05/18/18"), Some(date(2018, 5, 18)));
    assert_eq!(parse_date("2018-05-18"), Some(date(2018, 5, 18)));
    assert_eq!(parse_date("05/18/18 00:00:00"), Some(date(2018, 5, 18)));
    assert_eq!(parse_date("18/05/18"), None);
}

#[test]
fn exercise_names_map_through_fitbit_then_strava_then_ours() {
    assert_eq!(activity_type("Walk"), ActivityType::Walking);
    assert_eq!(activity_type("Outdoor Bike"), ActivityType::Cycling);
    assert_eq!(activity_type("Weights"), ActivityType::StrengthTraining);
    assert_eq!(activity_type("Yoga"), ActivityType::Yoga);
    assert_eq!(activity_type("Spinning"), ActivityType::IndoorCycling);
    assert_eq!(
        activity_type("NordicSki"),
        ActivityType::CrossCountrySkiing,
        "a Strava name"
    );
    assert_eq!(
        activity_type("trail running"),
        ActivityType::TrailRunning,
        "our own name"
    );
    assert_eq!(activity_type("Underwater basket weaving"), ActivityType::Other);
}

#[test]
fn the_daily_vo2_max_is_the_filtered_estimate_over_the_users_local_day() {
    let ctx = FitbitContext {
        zones: crate::ZoneHistory::fixed(jiff::tz::TimeZone::get("America/New_York").unwrap()),
        weight_unit: WeightUnit::Kilogram,
    };
    let json = br#"[
        {"dateTime": "01/02/21 00:00:00", "value": {"demographicVO2Max": 46.51, "demographicVO2MaxError": 3.0,
         "filteredDemographicVO2Max": 46.2, "filteredDemographicVO2MaxError": 0.45}},
        {"dateTime": "01/03/21 00:00:00", "value": {"demographicVO2Max": 47.0}},
        {"dateTime": "01/04/21 00:00:00", "value": {"demographicVO2Max": 0.0}}
    ]"#;
    let file = read_fitbit_entry(
        "Takeout/Fitbit/Global Export Data/demographic_vo2_max-2021-01-02.json",
        json,
        &ctx,
    )
    .unwrap();
    let got: Vec<(String, f64, bool)> = file
        .samples
        .iter()
        .map(|s| (s.start.to_string(), s.value, s.floating))
        .collect();
    assert_eq!(
        got,
        [
            ("2021-01-02T05:00:00Z".to_owned(), 46.2, true),
            ("2021-01-03T05:00:00Z".to_owned(), 47.0, true)
        ]
    );
    assert!(file
        .samples
        .iter()
        .all(|s| s.metric == wearhouse_model::Metric::Vo2max));
    assert!(is_fitbit_entry("demographic_vo2_max-2021-01-02.json"));
}
