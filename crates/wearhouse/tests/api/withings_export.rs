//! Withings' account export: its CSV files through the whole pipeline, in the user's zone, with the
//! day's figures computed here from the files themselves; read again, it adds nothing.

use serde_json::{json, Value};

use crate::harness::*;

const WEIGHT: &str = "Date,\"Weight (kg)\",\"Fat mass (kg)\",\"Bone mass (kg)\",\"Muscle mass (kg)\",\"Hydration (kg)\",Comments\n\
\"2023-07-29 07:10:00\",75.50,12.00,3.19,61.03,43.36,\n\
\"2023-07-29 07:10:00\",75.50,12.00,3.19,61.03,43.36,\n\
\"2023-07-30 00:30:00\",75.10,,,,,\n";
const BP: &str = "Date,\"Heart rate\",Systolic,Diastolic,Comments\n\
\"2023-07-29 08:00:00\",61,121,79,\n\
\"2023-07-29 21:00:00\",55,,,\n";
/// Minute steps on the 29th (Oslo, +02:00): 16 + 30 + 900 + 54, one row repeated as real files do.
const RAW_STEPS: &str = "start,duration,value\n\
2023-07-29T16:41:00+02:00,\"[60,60,22]\",\"[16,30,0]\"\n\
2023-07-29T18:00:00+02:00,\"[600,60]\",\"[900,54]\"\n\
2023-07-29T16:41:00+02:00,\"[60,60,22]\",\"[16,30,0]\"\n";
/// A night from 23:30 on the 29th: 10 min awake, 20 light, 15 deep, 5 REM (seconds in the arrays).
const RAW_SLEEP: &str =
    "start,duration,value\n2023-07-29T23:30:00+02:00,\"[600,1200,900,300]\",\"[0,1,2,3]\"\n";
/// Day totals: the 29th's equals its minutes (it must not count twice); the 28th has no minutes.
const DAILY_STEPS: &str = "date,value\n2023-07-28,4321\n2023-07-29,1000\n";
const ACTIVITIES: &str = "from,to,\"from (manual)\",\"to (manual)\",Timezone,\"Activity type\",Data,GPS,Modified\n\
2023-07-29T18:00:00+02:00,2023-07-29T18:30:00+02:00,,,Europe/Oslo,Walking,\"{\"\"calories\"\":31,\"\"steps\"\":954,\"\"distance\"\":398,\"\"elevation\"\":7}\",,\n";

fn export() -> Vec<u8> {
    zip_of(&[
        (
            "data_ANA_1690000000/README.txt",
            b"Below are the details of the data you've exported from Health Mate:".as_slice(),
        ),
        ("data_ANA_1690000000/weight.csv", WEIGHT.as_bytes()),
        ("data_ANA_1690000000/bp.csv", BP.as_bytes()),
        ("data_ANA_1690000000/raw_tracker_steps.csv", RAW_STEPS.as_bytes()),
        ("data_ANA_1690000000/aggregates_steps.csv", DAILY_STEPS.as_bytes()),
        (
            "data_ANA_1690000000/raw_bed_sleep-state.csv",
            RAW_SLEEP.as_bytes(),
        ),
        ("data_ANA_1690000000/activities.csv", ACTIVITIES.as_bytes()),
        (
            "data_ANA_1690000000/sleep.csv",
            b"from,to,\"light (s)\"\n".as_slice(),
        ),
    ])
}

/// The first number in every CSV row after the header, summed: the raw steps, counted here without
/// the reader's code (JSON arrays split by hand, a repeated row once).
fn raw_steps_total() -> f64 {
    let mut rows: Vec<&str> = RAW_STEPS.lines().skip(1).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.iter()
        .map(|row| {
            let values = row.rsplit("\"[").next().unwrap().trim_end_matches("]\"");
            values.split(',').map(|v| v.parse::<f64>().unwrap()).sum::<f64>()
        })
        .sum()
}

#[tokio::test]
async fn a_withings_export_gives_its_measurements_in_the_users_zone_and_adds_nothing_again() {
    let app = spawn_app().await;
    let body = json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "Europe/Oslo"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let ana = tokens(app.login("ana", PASSWORD, None).await).await;
    let done = import(&app, &ana.access, "data_ANA_1690000000.zip", export()).await;
    assert_eq!(done["activities"], 1, "{done}");
    // Weights: 2 (one row repeated); fat: 1; bp: 2 heart rates + 1 systolic + 1 diastolic; raw steps:
    // 4 windows; day totals: 2; sleep: 4 stages.
    assert_eq!(done["imported"], 2 + 1 + 4 + 4 + 2 + 4, "{done}");
    assert_eq!(
        done["report"]["skipped"]["unknown_entry"], 2,
        "README.txt and sleep.csv: {done}"
    );

    let days = daily_rows(&app, &ana.access, "2023-07-28", "2023-07-30").await;
    let day = |d: &str| days.iter().find(|r| r["date"] == d).unwrap().clone();
    assert_eq!(day("2023-07-28")["steps"], 4321.0, "a day total alone counts");
    assert_eq!(raw_steps_total(), 1000.0);
    assert_eq!(
        day("2023-07-29")["steps"].as_f64(),
        Some(raw_steps_total()),
        "the day total adds nothing its minutes hold"
    );
    assert_eq!(day("2023-07-29")["workout_count"], 1.0);
    assert_eq!(day("2023-07-29")["workout_distance"], 398.0);
    let slept = |figure: &str| days.iter().filter_map(|d| d[figure].as_f64()).sum::<f64>();
    assert_eq!(
        (slept("sleep_core"), slept("sleep_deep"), slept("sleep_rem")),
        (1200.0, 900.0, 300.0),
        "the night's stages, in seconds"
    );

    let weights = get_json(
        &app,
        &ana.access,
        "/api/v1/samples?metric=body_mass&from=2023-07-28T00:00:00Z&to=2023-08-01T00:00:00Z",
    )
    .await;
    let starts: Vec<&str> = weights["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        ["2023-07-29T07:10:00+02:00", "2023-07-30T00:30:00+02:00"],
        "wall-clock times in Oslo"
    );
    let fat = get_json(
        &app,
        &ana.access,
        "/api/v1/samples?metric=body_fat_percentage&from=2023-07-28T00:00:00Z&to=2023-08-01T00:00:00Z",
    )
    .await;
    let share = fat["items"][0]["value"].as_f64().unwrap();
    assert!((share - 12.0 / 75.5 * 100.0).abs() < 0.01, "{share}");

    // The same files zipped again in another order: nothing new.
    let again = zip_with(
        &[
            ("activities.csv", ACTIVITIES),
            ("aggregates_steps.csv", DAILY_STEPS),
            ("raw_bed_sleep-state.csv", RAW_SLEEP),
            ("raw_tracker_steps.csv", RAW_STEPS),
            ("bp.csv", BP),
            ("weight.csv", WEIGHT),
        ],
        zip::CompressionMethod::Stored,
    );
    let second = import(&app, &ana.access, "again.zip", again).await;
    assert_eq!(
        (second["imported"].as_i64(), second["activities"].as_i64()),
        (Some(0), Some(0)),
        "{second}"
    );
    let days_again: Vec<Value> = daily_rows(&app, &ana.access, "2023-07-28", "2023-07-30").await;
    assert_eq!(days_again, days);
}

#[tokio::test]
async fn a_withings_file_alone_needs_its_name() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let done = import(&app, &ana.access, "bp.csv", BP.as_bytes().to_vec()).await;
    assert_eq!(done["format"], "withings");
    assert_eq!(done["imported"], 4);
    let refused = upload(&app, &ana.access, "pressure.csv", BP.as_bytes().to_vec()).await;
    assert_eq!(refused.status(), 415);
}
