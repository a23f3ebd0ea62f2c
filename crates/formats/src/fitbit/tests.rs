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
    assert_eq!(
        kind("Takeout/Fitbit/Physical Activity/altitude-2020-01-01.json"),
        Some(EntryKind::Altitude)
    );
    assert_eq!(
        kind("Takeout/Fitbit/Physical Activity/sedentary_minutes-2020-01-01.json"),
        Some(EntryKind::Sedentary)
    );
    assert_eq!(
        kind("Takeout/Fitbit/Physical Activity/time_in_heart_rate_zones-2020-01-01.json"),
        Some(EntryKind::HeartRateZones)
    );
    assert_eq!(
        kind("floors-2020-01-01.json"),
        None,
        "the export has no floors file"
    );
    assert!(is_fitbit_entry("lightly_active_minutes-2020-01-01.json"));
    assert!(is_fitbit_entry("very_active_minutes-2020-01-01.json"));
}

fn new_york() -> FitbitContext {
    FitbitContext {
        zones: crate::ZoneHistory::fixed(jiff::tz::TimeZone::get("America/New_York").unwrap()),
        weight_unit: WeightUnit::Kilogram,
    }
}

fn codes(file: &crate::ParsedFile) -> Vec<&'static str> {
    let mut codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    codes.sort_unstable();
    codes
}

/// Shaped like a Takeout's `Physical Activity/altitude-2017-03-20.json`: the one-minute series of
/// `steps-`, with the feet gained in the minute (ten to a floor) as strings.
#[test]
fn altitude_minutes_become_floors_at_ten_feet_a_floor_in_utc() {
    let json = br#"[{
  "dateTime" : "03/20/17 14:03:00",
  "value" : "10"
},{
  "dateTime" : "03/20/17 14:04:00",
  "value" : "0"
},{
  "dateTime" : "03/20/17 14:05:00",
  "value" : "20"
},{
  "dateTime" : "03/20/17 14:06:00",
  "value" : "-10"
},{
  "dateTime" : "20/03/17 14:07:00",
  "value" : "10"
},{
  "dateTime" : "03/20/17 14:08:00",
  "value" : "ten"
}]"#;
    let file = read_fitbit_entry(
        "Takeout/Fitbit/Physical Activity/altitude-2017-03-20.json",
        json,
        &new_york(),
    )
    .unwrap();
    let got: Vec<(String, String, f64)> = file
        .samples
        .iter()
        .map(|s| (s.start.to_string(), s.end.to_string(), s.value))
        .collect();
    // 10 ft = 1 floor, 20 ft = 2 floors; the zero minute is dropped; times are UTC as written.
    assert_eq!(
        got,
        [
            (
                "2017-03-20T14:03:00Z".to_owned(),
                "2017-03-20T14:04:00Z".to_owned(),
                1.0
            ),
            (
                "2017-03-20T14:05:00Z".to_owned(),
                "2017-03-20T14:06:00Z".to_owned(),
                2.0
            ),
        ]
    );
    assert!(file
        .samples
        .iter()
        .all(|s| s.metric == wearhouse_model::Metric::Floors && !s.floating));
    assert_eq!(
        codes(&file),
        ["bad_item", "implausible_value", "unparsable_date"],
        "a negative gain, a day-first date and a word are warnings"
    );
}

/// Shaped like `sedentary_minutes-2020-03-08.json` and `lightly_active_minutes-…`: one item per day at
/// midnight, the minutes as a string.
#[test]
fn sedentary_and_light_minutes_span_the_whole_local_day() {
    let sedentary = br#"[{
  "dateTime" : "03/08/20 00:00:00",
  "value" : "1100"
},{
  "dateTime" : "03/09/20 00:00:00",
  "value" : "0"
},{
  "dateTime" : "03/10/20 00:00:00",
  "value" : "1500"
}]"#;
    let file = read_fitbit_entry("sedentary_minutes-2020-03-08.json", sedentary, &new_york()).unwrap();
    assert_eq!(
        file.samples.len(),
        1,
        "the zero day is dropped, 1,500 minutes is no day"
    );
    let s = &file.samples[0];
    assert_eq!(
        (s.metric, s.value, s.floating),
        (wearhouse_model::Metric::SedentaryMinutes, 1100.0, true)
    );
    // 8 March 2020 is the US spring-forward day: 23 hours, from 05:00 to 04:00 UTC.
    assert_eq!(
        (s.start.to_string(), s.end.to_string()),
        (
            "2020-03-08T05:00:00Z".to_owned(),
            "2020-03-09T04:00:00Z".to_owned()
        )
    );
    assert_eq!(codes(&file), ["implausible_value"]);

    let light = br#"[{"dateTime" : "03/09/20 00:00:00", "value" : "185"}]"#;
    let file = read_fitbit_entry(
        "Takeout/Fitbit/Physical Activity/lightly_active_minutes-2020-03-09.json",
        light,
        &new_york(),
    )
    .unwrap();
    let s = &file.samples[0];
    assert_eq!(
        (s.metric, s.value, s.start.to_string(), s.end.to_string()),
        (
            wearhouse_model::Metric::LightActivityMinutes,
            185.0,
            "2020-03-09T04:00:00Z".to_owned(),
            "2020-03-10T04:00:00Z".to_owned()
        )
    );
    assert!(file.warnings.is_empty());
}

/// Shaped like `time_in_heart_rate_zones-2019-11-07.json`: per day at midnight, `valuesInZones` with
/// Fitbit's four default zones, minutes as numbers (or strings).
const ZONES: &[u8] = br#"[{
  "dateTime" : "11/07/19 00:00:00",
  "value" : {
    "valuesInZones" : {
      "IN_DEFAULT_ZONE_2" : 8.5,
      "BELOW_DEFAULT_ZONE_1" : 1102.0,
      "IN_DEFAULT_ZONE_3" : 0.0,
      "IN_DEFAULT_ZONE_1" : 52.0
    }
  }
},{
  "dateTime" : "11/08/19 00:00:00",
  "value" : {
    "valuesInZones" : {
      "BELOW_DEFAULT_ZONE_1" : "1380",
      "IN_DEFAULT_ZONE_1" : "ten",
      "IN_DEFAULT_ZONE_2" : 2000.0,
      "IN_DEFAULT_ZONE_3" : null
    }
  }
},{
  "dateTime" : "11/09/19 00:00:00",
  "value" : { }
}]"#;

#[test]
fn time_in_heart_rate_zones_becomes_raw_records_per_zone_and_local_day() {
    let path = "Takeout/Fitbit/Physical Activity/time_in_heart_rate_zones-2019-11-07.json";
    let read = read_fitbit_file(path, ZONES, &new_york()).unwrap();
    assert!(read.file.samples.is_empty());
    /// Type, unit, value, start and end of a raw record.
    type Seen<'a> = (&'a str, Option<&'a str>, Option<&'a str>, String, String);
    let got: Vec<Seen<'_>> = read
        .raw
        .iter()
        .map(|r| {
            (
                r.record_type.as_str(),
                r.value.as_deref(),
                r.unit.as_deref(),
                r.start.to_string(),
                r.end.to_string(),
            )
        })
        .collect();
    let day = |d: u8| {
        (
            format!("2019-11-{d:02}T05:00:00Z"),
            format!("2019-11-{:02}T05:00:00Z", d + 1),
        )
    };
    let row = |zone, value, (start, end): (String, String)| (zone, Some(value), Some("min"), start, end);
    // The zero zone is dropped; "ten" and 2,000 minutes are warnings; null is no value.
    assert_eq!(
        got,
        [
            row("FitbitHeartRateZone:BELOW_DEFAULT_ZONE_1", "1102", day(7)),
            row("FitbitHeartRateZone:IN_DEFAULT_ZONE_1", "52", day(7)),
            row("FitbitHeartRateZone:IN_DEFAULT_ZONE_2", "8.5", day(7)),
            row("FitbitHeartRateZone:BELOW_DEFAULT_ZONE_1", "1380", day(8)),
        ]
    );
    assert_eq!(
        codes(&read.file),
        ["bad_item", "bad_item", "implausible_value"],
        "the unreadable zone and the day without valuesInZones"
    );
    let plain = read_fitbit_entry(path, ZONES, &new_york()).unwrap();
    assert!(plain.samples.is_empty() && plain.warnings.len() == 3);
}

#[test]
fn the_reader_hands_zone_minutes_to_the_sink_as_raw_records() {
    let ctx = crate::ReadContext::new(new_york().zones);
    let name = "Takeout/Fitbit/Physical Activity/time_in_heart_rate_zones-2019-11-07.json";
    let got = crate::Collected::read(&crate::readers::Fitbit, name, ZONES, &ctx).unwrap();
    assert_eq!(got.raw.len(), 4);
    assert!(got.samples.is_empty());
    assert_eq!(got.warnings.len(), 3);
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
