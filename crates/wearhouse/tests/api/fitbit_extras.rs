//! The parts of a Fitbit Takeout beyond steps, heart rate and sleep: floors from `altitude-` (feet per
//! UTC minute, ten to a floor), sedentary and lightly active minutes per local day, and time in
//! heart-rate zones kept as raw records. Figures are computed here from the fixture; read again, the
//! archive adds nothing.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use crate::harness::*;

const DIR: &str = "Takeout/Fitbit/Physical Activity";
const ZONE: &str = "America/New_York";

/// Feet gained per UTC minute. 03:59 UTC on the 10th is 23:59 on the 9th in New York; 04:01, the 10th.
const ALTITUDE: &str = r#"[{
  "dateTime" : "03/09/20 14:03:00",
  "value" : "10"
},{
  "dateTime" : "03/09/20 14:04:00",
  "value" : "0"
},{
  "dateTime" : "03/09/20 14:05:00",
  "value" : "30"
},{
  "dateTime" : "03/10/20 03:59:00",
  "value" : "20"
},{
  "dateTime" : "03/10/20 04:01:00",
  "value" : "10"
}]"#;
/// One value per local day, at midnight; 8 March 2020 is the US spring-forward day.
const SEDENTARY: &str = r#"[{
  "dateTime" : "03/08/20 00:00:00",
  "value" : "1100"
},{
  "dateTime" : "03/09/20 00:00:00",
  "value" : "1000"
},{
  "dateTime" : "03/10/20 00:00:00",
  "value" : "0"
}]"#;
const LIGHTLY: &str = r#"[{
  "dateTime" : "03/08/20 00:00:00",
  "value" : "200"
},{
  "dateTime" : "03/09/20 00:00:00",
  "value" : "185"
}]"#;
const ZONES: &str = r#"[{
  "dateTime" : "03/09/20 00:00:00",
  "value" : {
    "valuesInZones" : {
      "IN_DEFAULT_ZONE_2" : 12.0,
      "BELOW_DEFAULT_ZONE_1" : 1310.0,
      "IN_DEFAULT_ZONE_3" : 0.0,
      "IN_DEFAULT_ZONE_1" : 47.0
    }
  }
}]"#;

fn files() -> Vec<(String, &'static str)> {
    vec![
        (format!("{DIR}/altitude-2020-03-09.json"), ALTITUDE),
        (format!("{DIR}/sedentary_minutes-2020-03-08.json"), SEDENTARY),
        (format!("{DIR}/lightly_active_minutes-2020-03-08.json"), LIGHTLY),
        (format!("{DIR}/time_in_heart_rate_zones-2020-03-09.json"), ZONES),
    ]
}

fn items(json: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(json).unwrap()
}

fn number(v: &Value) -> f64 {
    v.as_str()
        .map_or_else(|| v.as_f64().unwrap(), |s| s.parse().unwrap())
}

/// `MM/DD/YY HH:MM:SS` as a civil time.
fn fitbit_time(text: &str) -> DateTime {
    DateTime::strptime("%m/%d/%y %H:%M:%S", text).unwrap()
}

/// The local date in New York of each UTC minute, and the floors of each date (feet ÷ 10).
fn floors_by_day() -> Vec<(String, f64)> {
    let ny = TimeZone::get(ZONE).unwrap();
    let mut days: Vec<(String, f64)> = Vec::new();
    for item in items(ALTITUDE) {
        let utc = fitbit_time(item["dateTime"].as_str().unwrap())
            .to_zoned(TimeZone::UTC)
            .unwrap();
        let day = utc.with_time_zone(ny.clone()).date().to_string();
        let floors = number(&item["value"]) / 10.0;
        match days.iter_mut().find(|(d, _)| *d == day) {
            Some((_, total)) => *total += floors,
            None => days.push((day, floors)),
        }
    }
    days
}

/// The figure of each local day named by a daily file, zero days left out.
fn daily(json: &str) -> Vec<(String, f64)> {
    items(json)
        .iter()
        .map(|i| {
            let day = fitbit_time(i["dateTime"].as_str().unwrap()).date().to_string();
            (day, number(&i["value"]))
        })
        .filter(|(_, v)| *v != 0.0)
        .collect()
}

async fn zone_minutes(app: &TestApp, token: &str, zone: &str) -> Vec<(String, String, String)> {
    let path = format!("/api/v1/raw-records?type=FitbitHeartRateZone%3A{zone}");
    let page = get_json(app, token, &path).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["start"].as_str().unwrap().to_owned(),
                i["end"].as_str().unwrap().to_owned(),
                i["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn fitbit_floors_idle_and_light_minutes_and_heart_rate_zones_arrive_and_add_nothing_again() {
    let app = spawn_app().await;
    let body =
        json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": ZONE});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let ana = tokens(app.login("ana", PASSWORD, None).await).await;

    let done = import(
        &app,
        &ana.access,
        "takeout-20200311.zip",
        zip_with(&files(), zip::CompressionMethod::Deflated),
    )
    .await;
    // Samples only: 4 minutes of floors, 2 sedentary days, 2 light days; zones are raw records.
    assert_eq!(done["imported"], 4 + 2 + 2, "{done}");
    assert_eq!(
        done["report"]["raw"]["FitbitHeartRateZone:IN_DEFAULT_ZONE_1"], 1,
        "{done}"
    );
    assert_eq!(done["report"]["warning_counts"], json!({}), "{done}");

    let days = daily_rows(&app, &ana.access, "2020-03-08", "2020-03-10").await;
    let figure = |date: &str, name: &str| {
        days.iter()
            .find(|r| r["date"] == date)
            .and_then(|r| r[name].as_f64())
    };
    let floors = floors_by_day();
    assert_eq!(
        floors,
        [("2020-03-09".to_owned(), 6.0), ("2020-03-10".to_owned(), 1.0)],
        "the fixture's own arithmetic"
    );
    for (day, expected) in &floors {
        assert_eq!(figure(day, "floors"), Some(*expected), "floors on {day}");
    }
    assert_eq!(figure("2020-03-08", "floors"), None);
    for (name, json) in [
        ("sedentary_minutes", SEDENTARY),
        ("light_activity_minutes", LIGHTLY),
    ] {
        let expected = daily(json);
        for (day, minutes) in &expected {
            assert_eq!(figure(day, name), Some(*minutes), "{name} on {day}");
        }
        for day in ["2020-03-08", "2020-03-09", "2020-03-10"] {
            if !expected.iter().any(|(d, _)| d == day) {
                assert_eq!(figure(day, name), None, "{name} on {day}");
            }
        }
    }
    assert_eq!(
        figure("2020-03-09", "exercise_minutes"),
        None,
        "light activity is not exercise"
    );

    // Zone minutes over the local day they are dated (9 March, all of it EDT: 04:00Z to 04:00Z).
    let zones = items(ZONES);
    let date = fitbit_time(zones[0]["dateTime"].as_str().unwrap()).date();
    let ny = TimeZone::get(ZONE).unwrap();
    let utc = |d: jiff::civil::Date| d.to_zoned(ny.clone()).unwrap().timestamp().to_string();
    let day = (utc(date), utc(date.tomorrow().unwrap()));
    assert_eq!(day.0, "2020-03-09T04:00:00Z");
    for zone in ["BELOW_DEFAULT_ZONE_1", "IN_DEFAULT_ZONE_1", "IN_DEFAULT_ZONE_2"] {
        let minutes = number(&zones[0]["value"]["valuesInZones"][zone]);
        assert_eq!(
            zone_minutes(&app, &ana.access, zone).await,
            [(day.0.clone(), day.1.clone(), minutes.to_string())],
            "{zone}"
        );
    }
    assert!(
        zone_minutes(&app, &ana.access, "IN_DEFAULT_ZONE_3")
            .await
            .is_empty(),
        "a zero zone is not kept"
    );

    // The same files zipped again in another order, stored rather than deflated: nothing new.
    let mut reversed = files();
    reversed.reverse();
    let second = import(
        &app,
        &ana.access,
        "again.zip",
        zip_with(&reversed, zip::CompressionMethod::Stored),
    )
    .await;
    assert_eq!(second["imported"].as_i64(), Some(0), "{second}");
    assert_eq!(
        daily_rows(&app, &ana.access, "2020-03-08", "2020-03-10").await,
        days
    );
    assert_eq!(
        zone_minutes(&app, &ana.access, "IN_DEFAULT_ZONE_1").await.len(),
        1,
        "the raw records are not doubled"
    );
}
