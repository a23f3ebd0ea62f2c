//! Oura's JSON export through the whole pipeline: recognised by content, nights and days at their own
//! offsets, read again without adding anything.

use serde_json::Value;

use crate::harness::*;

/// A night and a day as Oura's export writes them.
const EXPORT: &str = r#"{
  "sleep": [{
    "summary_date": "2017-11-05", "period_id": 0, "timezone": 120, "score": 70,
    "bedtime_start": "2017-11-06T02:13:19+02:00", "bedtime_end": "2017-11-06T03:00:00+02:00",
    "hypnogram_5min": "4422211133",
    "hr_5min": [0, 53, 51, 0, 50, 50, 49, 49, 50, 50],
    "hr_lowest": 49, "rmssd": 54, "breath_average": 13
  }],
  "activity": [{
    "summary_date": "2017-11-06", "day_start": "2017-11-06T04:00:00+02:00", "day_end": "2017-11-07T03:59:59+02:00",
    "steps": 9206, "cal_active": 390
  }],
  "readiness": [{"summary_date": "2017-11-05", "period_id": 0, "score": 62}, {"summary_date": "2017-11-09", "score": 80}]
}"#;

#[tokio::test]
async fn an_oura_export_gives_its_nights_and_days_and_adds_nothing_again() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let done = import(&app, &ana.access, "oura_data.json", EXPORT.as_bytes().to_vec()).await;
    assert_eq!(done["format"], "oura");
    // Four runs of stages, eight heart rates (two zeros are none), the night's three figures, its
    // sleep score and readiness, the day's steps and active energy.
    assert_eq!(done["imported"], 4 + 8 + 3 + 2 + 2, "{done}");
    assert!(
        done["report"]["warning_counts"]["readiness_without_night"].as_i64() == Some(1),
        "the readiness of a night not in the export: {done}"
    );
    let days = daily_rows(&app, &ana.access, "2017-11-06", "2017-11-06").await;
    assert_eq!(days[0]["recovery_score"], 62.0, "on the day of waking: {days:?}");
    assert_eq!(days[0]["sleep_score"], 70.0, "{days:?}");
    let hr = get_json(
        &app,
        &ana.access,
        "/api/v1/samples?metric=heart_rate&from=2017-11-06T00:00:00Z&to=2017-11-07T00:00:00Z",
    )
    .await;
    let first = &hr["items"][0];
    assert_eq!(first["start"], "2017-11-06T02:18:19+02:00", "{hr}");
    assert_eq!(first["value"], 53.0);
    // The same export without its white space: other bytes, the same records.
    let compact: Value = serde_json::from_str(EXPORT).unwrap();
    let again = import(
        &app,
        &ana.access,
        "oura.json",
        serde_json::to_vec(&compact).unwrap(),
    )
    .await;
    assert_eq!(again["imported"], 0, "{again}");
}
