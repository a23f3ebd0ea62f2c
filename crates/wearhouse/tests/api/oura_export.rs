//! Oura's JSON export through the whole pipeline: recognised by content, nights and days at their own
//! offsets, read again without adding anything.

use serde_json::{json, Value};

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

/// The columns of Oura's 2022 Trends CSV this test fills, in the file's order, among some it does not
/// (`Total Bedtime ` with its trailing space, as Oura writes it).
const TRENDS_HEADER: &str = "date,Sleep Score,Total Sleep Duration,Total Bedtime ,Awake Time,REM Sleep Duration,\
Light Sleep Duration,Deep Sleep Duration,Bedtime Start,Bedtime End,Lowest Resting Heart Rate,Average HRV,\
Temperature Deviation (°C),Respiratory Rate,Activity Score,Activity Burn,Total Burn,Steps,Inactive Time,Rest Time,\
Low Activity Time,Medium Activity Time,High Activity Time,Non-wear Time,Readiness Score";

/// Three days; the third has no night (Oura writes `None` and puts it last).
const TRENDS_ROWS: [&str; 3] = [
    "2023-03-05,82,23400,27000,3600,5400,13500,4500,2023-03-05T00:20:00+01:00,2023-03-05T07:50:00+01:00,51.0,48,-0.12,14.2,88,410,2390,9120,30600,27000,14400,2700,600,11100,77",
    "2023-03-06,74,21000,25200,4200,4800,12000,4200,2023-03-06T00:05:00+01:00,2023-03-06T07:05:00+01:00,53.0,41,0.05,14.5,71,520,2510,11002,31200,25200,15000,3300,900,10800,69",
    "2023-03-07,None,None,None,None,None,None,None,None,None,None,None,None,None,None,300,2200,5120,39960,0,12000,1200,0,33200,None",
];

/// The figures each Trends row gives its day, computed from its cells: sleep stages in seconds, the
/// activity times (seconds) in minutes, basal energy as the total burn less the activity burn.
fn trends_truth(row: &str) -> (String, Vec<(&'static str, Option<f64>)>) {
    let names: Vec<&str> = TRENDS_HEADER.split(',').map(str::trim).collect();
    let cells: Vec<&str> = row.split(',').collect();
    let cell = |name: &str| {
        let i = names.iter().position(|n| *n == name).unwrap();
        cells[i].parse::<f64>().ok()
    };
    let minutes = |name: &str| cell(name).map(|s| s / 60.0);
    let exercise = minutes("Medium Activity Time").unwrap() + minutes("High Activity Time").unwrap();
    let figures = vec![
        ("steps", cell("Steps")),
        ("active_energy", cell("Activity Burn")),
        (
            "basal_energy",
            Some(cell("Total Burn").unwrap() - cell("Activity Burn").unwrap()),
        ),
        ("sedentary_minutes", minutes("Inactive Time")),
        ("light_activity_minutes", minutes("Low Activity Time")),
        ("exercise_minutes", Some(exercise).filter(|m| *m > 0.0)),
        ("sleep_core", cell("Light Sleep Duration")),
        ("sleep_deep", cell("Deep Sleep Duration")),
        ("sleep_rem", cell("REM Sleep Duration")),
        ("sleep_awake", cell("Awake Time")),
        ("sleep_score", cell("Sleep Score")),
        ("recovery_score", cell("Readiness Score")),
        ("resting_heart_rate", cell("Lowest Resting Heart Rate")),
        ("hrv_rmssd", cell("Average HRV")),
        ("respiratory_rate", cell("Respiratory Rate")),
    ];
    (cells[0].to_owned(), figures)
}

#[tokio::test]
async fn oura_trends_csv_days_match_their_cells_and_an_overlapping_file_adds_only_its_new_day() {
    let app = spawn_app().await;
    let body = json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "Europe/Berlin"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let ana = tokens(app.login("ana", PASSWORD, None).await).await;
    let file = |rows: &[&str]| format!("{TRENDS_HEADER}\n{}\n", rows.join("\n")).into_bytes();
    let first = import(
        &app,
        &ana.access,
        "oura_2023-03-05_2023-03-06_trends.csv",
        file(&TRENDS_ROWS[..2]),
    )
    .await;
    assert_eq!(first["format"], "oura", "{first}");
    assert_eq!(
        first["report"]["warning_counts"]["columns_not_imported"].as_i64(),
        Some(1),
        "the temperature deviation and the activity score are named: {first}"
    );
    // A later export covering the second day again and a new one: only the new day is added.
    let second = import(
        &app,
        &ana.access,
        "oura_2023-03-06_2023-03-07_trends.csv",
        file(&TRENDS_ROWS[1..]),
    )
    .await;
    let (_, third_day) = trends_truth(TRENDS_ROWS[2]);
    let third_day_samples = third_day.iter().filter(|(_, v)| v.is_some()).count();
    assert_eq!(
        second["imported"].as_u64(),
        Some(third_day_samples as u64),
        "{second}"
    );

    let days = daily_rows(&app, &ana.access, "2023-03-05", "2023-03-07").await;
    for row in TRENDS_ROWS {
        let (date, figures) = trends_truth(row);
        let day = days.iter().find(|d| d["date"] == date.as_str()).unwrap();
        for (name, expected) in figures {
            assert_eq!(day[name].as_f64(), expected, "{name} on {date}: {day}");
        }
    }
}
