//! WHOOP's account export: its four CSV files through the whole pipeline, in New York, with the days'
//! figures computed here from the files' cells; read again, it adds nothing.

use std::collections::BTreeMap;

use serde_json::json;

use crate::harness::*;

/// Newest first, as WHOOP writes them: the current cycle (no end, no strain), then two whole ones.
const CYCLES: &str = "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep consistency %
2024-06-24 22:30:00,,UTC-04:00,70,55,52,34.10,96.20,,,,,2024-06-24 22:30:00,2024-06-25 06:30:00,90,15.2,420,480,220,90,110,60,480,10,88,
2024-06-23 22:14:09,2024-06-24 22:30:00,UTC-04:00,65,57,48,34.30,96.57,12.5,2500,170,80,2024-06-23 22:14:09,2024-06-24 06:44:09,92,15.9,452,510,250,92,110,58,490,21,89,80
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,41,61,39,33.90,97.10,11.3,2412,171,84,2024-06-22 23:00:22,2024-06-23 06:51:40,84,15.4,418,471,231,86,101,53,497,38,88,79
";

const SLEEPS: &str = "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep consistency %,Nap
2024-06-24 22:30:00,,UTC-04:00,2024-06-24 22:30:00,2024-06-25 06:30:00,90,15.2,420,480,220,90,110,60,480,10,88,,false
2024-06-23 22:14:09,2024-06-24 22:30:00,UTC-04:00,2024-06-23 22:14:09,2024-06-24 06:44:09,92,15.9,452,510,250,92,110,58,490,21,89,80,false
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-23 14:02:11,2024-06-23 14:41:30,18,15.5,35,39,22,9,4,4,560,38,90,,true
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-22 23:00:22,2024-06-23 06:51:40,84,15.4,418,471,231,86,101,53,497,38,88,79,false
";

const WORKOUTS: &str = "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled,Distance (meters),Altitude gain (meters),Altitude change (meters)
2024-06-23 22:14:09,2024-06-24 22:30:00,UTC-04:00,2024-06-24 08:08:18,2024-06-24 08:33:47,25,Running,10.9,301.0,183,160,1,5,14,57,23,true,4512.40,61.08,-0.87
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-23 17:30:00,2024-06-23 18:21:59,51,Weightlifting,7.8,262.0,158,121,31,48,12,2,0,false,,,
";

const JOURNAL: &str = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes
2024-06-24 22:30:00,,UTC-04:00,Have any caffeine? ,true,\"two espressos, before noon\"
2024-06-23 22:14:09,2024-06-24 22:30:00,UTC-04:00,Have any caffeine? ,false,
";

fn export(order: &[(&str, &str)], method: zip::CompressionMethod) -> Vec<u8> {
    let entries: Vec<(String, &[u8])> = order
        .iter()
        .map(|(name, text)| (format!("my_whoop_data_2024_06_25/{name}"), text.as_bytes()))
        .collect();
    zip_with(&entries, method)
}

/// The file's rows as maps from column name to cell, read here by splitting (no cell holds a comma).
fn table(text: &str) -> Vec<BTreeMap<&str, &str>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| header.iter().copied().zip(line.split(',')).collect())
        .collect()
}

/// The local date of a WHOOP time cell written at UTC-04:00, New York's summer offset.
fn date(cell: &str) -> &str {
    &cell[..10]
}

#[tokio::test]
async fn a_whoop_export_gives_recovery_strain_sleep_workouts_and_journal_and_adds_nothing_again() {
    let app = spawn_app().await;
    let body = json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "America/New_York"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let ana = tokens(app.login("ana", PASSWORD, None).await).await;
    let files = [
        ("physiological_cycles.csv", CYCLES),
        ("sleeps.csv", SLEEPS),
        ("workouts.csv", WORKOUTS),
        ("journal_entries.csv", JOURNAL),
    ];
    let done = import(
        &app,
        &ana.access,
        "my_whoop_data.zip",
        export(&files, zip::CompressionMethod::Deflated),
    )
    .await;
    assert_eq!(done["activities"], 2, "{done}");
    let warnings = done["report"]["warnings"].to_string();
    assert!(warnings.contains("cycle_not_finished"), "{done}");
    assert!(warnings.contains("columns_not_imported"), "{done}");

    let days = daily_rows(&app, &ana.access, "2024-06-22", "2024-06-25").await;
    let figure = |d: &str, name: &str| {
        days.iter()
            .find(|r| r["date"] == d)
            .and_then(|r| r[name].as_f64())
    };

    // Recovery, resting heart rate, HRV, skin temperature and SpO2 on the day of waking.
    for row in table(CYCLES) {
        let day = date(row["Wake onset"]);
        // With the decimals the figures are served to.
        for (column, name, decimals) in [
            ("Recovery score %", "recovery_score", 0),
            ("Resting heart rate (bpm)", "resting_heart_rate", 1),
            ("Heart rate variability (ms)", "hrv_rmssd", 1),
            ("Skin temp (celsius)", "skin_temperature", 2),
            ("Blood oxygen %", "spo2", 1),
        ] {
            let scale = 10f64.powi(decimals);
            let expected = (row[column].parse::<f64>().unwrap() * scale).round() / scale;
            assert_eq!(figure(day, name), Some(expected), "{name} on {day}");
        }
        // Strain on the day the cycle ends; the current cycle's is not final and not stored.
        match row["Cycle end time"] {
            "" => {}
            end => assert_eq!(
                figure(date(end), "strain"),
                row["Day Strain"].parse().ok(),
                "strain on {end}"
            ),
        }
    }
    assert_eq!(figure("2024-06-25", "strain"), None, "the current cycle");

    // Every sleep and nap, stage by stage, in seconds; three nights and a nap are four sessions.
    let sleeps = table(SLEEPS);
    let minutes = |column: &str| {
        sleeps
            .iter()
            .map(|r| r[column].parse::<f64>().unwrap())
            .sum::<f64>()
            * 60.0
    };
    let slept = |name: &str| days.iter().filter_map(|d| d[name].as_f64()).sum::<f64>();
    assert_eq!(slept("sleep_core"), minutes("Light sleep duration (min)"));
    assert_eq!(slept("sleep_deep"), minutes("Deep (SWS) duration (min)"));
    assert_eq!(slept("sleep_rem"), minutes("REM duration (min)"));
    assert_eq!(slept("sleep_awake"), minutes("Awake duration (min)"));
    assert_eq!(slept("sleep_sessions"), sleeps.len() as f64);
    // The main sleep's performance is the day's sleep score; the nap's is not.
    for row in sleeps.iter().filter(|r| r["Nap"] == "false") {
        let expected: f64 = row["Sleep performance %"].parse().unwrap();
        assert_eq!(figure(date(row["Wake onset"]), "sleep_score"), Some(expected));
    }

    // Workouts with WHOOP's totals.
    for row in table(WORKOUTS) {
        let day = date(row["Workout start time"]);
        assert_eq!(figure(day, "workout_count"), Some(1.0), "{day}");
        let distance = row["Distance (meters)"].parse::<f64>().unwrap_or(0.0);
        assert_eq!(figure(day, "workout_distance").unwrap_or(0.0), distance, "{day}");
    }
    let list = get_json(
        &app,
        &ana.access,
        "/api/v1/activities?from=2024-06-20T00:00:00Z&to=2024-07-01T00:00:00Z",
    )
    .await;
    let run = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "running")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(run["start"], "2024-06-24T08:08:18-04:00", "{run}");
    assert_eq!(run["energy"], 301.0, "{run}");
    assert_eq!(run["distance"], 4512.4, "{run}");

    // The journal, one raw series per question, with its notes beside it.
    let answers = get_json(
        &app,
        &ana.access,
        "/api/v1/raw-records?type=WhoopJournal%3AHave%20any%20caffeine%3F",
    )
    .await;
    let values: Vec<&str> = answers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["no", "yes"], "oldest first: {answers}");
    let notes = get_json(
        &app,
        &ana.access,
        "/api/v1/raw-records?type=WhoopJournalNotes%3AHave%20any%20caffeine%3F",
    )
    .await;
    assert_eq!(notes["items"][0]["value"], "two espressos, before noon");

    // The same files zipped again in another order, stored rather than deflated: nothing new.
    let mut reversed = files;
    reversed.reverse();
    let second = import(
        &app,
        &ana.access,
        "again.zip",
        export(&reversed, zip::CompressionMethod::Stored),
    )
    .await;
    assert_eq!(
        (second["imported"].as_i64(), second["activities"].as_i64()),
        (Some(0), Some(0)),
        "{second}"
    );
    assert_eq!(
        daily_rows(&app, &ana.access, "2024-06-22", "2024-06-25").await,
        days
    );
    let answers_again = get_json(
        &app,
        &ana.access,
        "/api/v1/raw-records?type=WhoopJournal%3AHave%20any%20caffeine%3F",
    )
    .await;
    assert_eq!(answers_again["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_whoop_file_alone_is_recognised_by_its_header_under_any_name() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let done = import(
        &app,
        &ana.access,
        "sleep-export (1).csv",
        SLEEPS.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(done["format"], "whoop", "{done}");
    let translated = "Hora de inicio del ciclo,Hora de fin del ciclo,Zona horaria del ciclo\n";
    let refused = upload(&app, &ana.access, "sueño.csv", translated.as_bytes().to_vec()).await;
    assert_eq!(refused.status(), 415);
}
