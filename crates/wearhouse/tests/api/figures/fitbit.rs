//! Fitbit: what a Takeout folder's JSON files say (intraday series, resting heart rate, exercise logs).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::files::{folder_files, number};
use super::truth::{assert_disjoint, Truth, Workout};

/// `03/09/25 04:58:00`: Fitbit's intraday series and exercise start times are UTC wall-clock times.
fn fitbit_utc(text: &str) -> Timestamp {
    let civil = jiff::civil::DateTime::strptime("%m/%d/%y %H:%M:%S", text).unwrap();
    civil.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// A Takeout folder's Fitbit entries: one-minute steps and distance (centimetres) from each `dateTime`,
/// heart-rate readings, resting heart rate per local day, and exercise logs.
pub(super) fn fitbit_truth(folder: &str, zone: &TimeZone) -> Truth {
    let mut truth = Truth::default();
    for (name, bytes) in folder_files(folder) {
        let file = name.rsplit('/').next().unwrap();
        let items: Value = serde_json::from_slice(&bytes).unwrap();
        let items = items.as_array().unwrap();
        let kind = file.split('-').next().unwrap();
        for item in items {
            match kind {
                "steps" | "distance" => {
                    let value = number(item["value"].as_str().unwrap());
                    if value == 0.0 {
                        continue;
                    }
                    let start = fitbit_utc(item["dateTime"].as_str().unwrap());
                    let end = start + SignedDuration::from_mins(1);
                    let (metric, value) = if kind == "steps" {
                        ("steps", value)
                    } else {
                        ("distance", value / 100.0)
                    };
                    truth.samples += 1;
                    truth.amount(metric, start, end, value, zone);
                }
                "heart_rate" => {
                    let at = fitbit_utc(item["dateTime"].as_str().unwrap());
                    truth.samples += 1;
                    truth.reading("heart_rate", at, item["value"]["bpm"].as_f64().unwrap(), zone);
                }
                "resting_heart_rate" => {
                    let Some(date) = item["value"]["date"].as_str() else {
                        continue;
                    };
                    let date = Date::strptime("%m/%d/%y", date).unwrap();
                    truth.samples += 1;
                    truth
                        .day_values
                        .entry("resting_heart_rate")
                        .or_default()
                        .insert(date, item["value"]["value"].as_f64().unwrap());
                }
                "exercise" => {
                    let start = fitbit_utc(item["startTime"].as_str().unwrap());
                    assert_eq!(item["distanceUnit"], "Kilometer");
                    truth.workouts.push(Workout {
                        start,
                        date: Some(start.to_zoned(zone.clone()).date()),
                        duration: item["duration"].as_f64().unwrap() / 1000.0,
                        distance: item["distance"].as_f64().map(|km| km * 1000.0),
                        energy: item["calories"].as_f64(),
                        moving_time: item["activeDuration"].as_f64().map(|ms| ms / 1000.0),
                        avg_heart_rate: item["averageHeartRate"].as_f64(),
                        ..Workout::default()
                    });
                }
                other => panic!("the test does not know {other}"),
            }
        }
    }
    for (metric, amounts) in &truth.amounts {
        assert_disjoint(metric, amounts);
    }
    truth
}
