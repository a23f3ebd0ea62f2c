//! Garmin Connect's export beyond its day figures (see `figures::garmin_export_figures_match_its_files`):
//! the run joined to its summary takes its name and stays the FIT's workout, nights and weigh-ins and
//! water land where the files put them, and a ZIP inside the export is held to the archive's limits as
//! it is read.

use std::io::Write;

use serde_json::{json, Value};

use crate::figures::garmin::{summary, uploads, ACTIVITIES, UPLOADS};
use crate::harness::*;

const NIGHTS: &str = r#"[
  {"calendarDate": "2025-10-21", "sleepStartTimestampGMT": "2025-10-21T02:58:00.0", "sleepEndTimestampGMT": "2025-10-21T10:55:00.0",
   "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL", "deepSleepSeconds": 4680, "lightSleepSeconds": 16560,
   "remSleepSeconds": 5700, "awakeSleepSeconds": 480, "unmeasurableSeconds": 0, "averageRespiration": 14.0,
   "sleepScores": {"overallScore": 82, "qualityScore": 80}, "spo2SleepSummary": {"averageSPO2": 95.0, "lowestSPO2": 88}},
  {"calendarDate": "2025-10-22", "sleepStartTimestampGMT": "2025-10-22T03:00:00.0", "sleepEndTimestampGMT": "2025-10-22T11:00:00.0",
   "sleepWindowConfirmationType": "OFF_WRIST", "deepSleepSeconds": 0, "lightSleepSeconds": 0}
]"#;

const BIOMETRICS: &str = r#"[
  {"version": 3, "metaData": {"calendarDate": "2025-10-21T00:00:00.0", "sequence": 1},
   "weight": {"weight": 81419.0, "bmi": 26.6, "bodyFat": 21.4, "boneMass": 3500.0, "sourceType": "INDEX_SCALE", "timestampGMT": "2025-10-21T11:01:21.0"}}
]"#;

const HYDRATION: &str = r#"[
  {"calendarDate": "2025-10-21", "valueInML": 500.0, "timestampLocal": "2025-10-21T08:00:00.0"},
  {"calendarDate": "2025-10-21", "valueInML": 750.0, "timestampLocal": "2025-10-21T13:00:00.0"},
  {"calendarDate": "2025-10-21", "valueInML": -250.0, "timestampLocal": "2025-10-21T13:05:00.0"},
  {"calendarDate": "2025-10-21", "valueInML": null, "estimatedSweatLossInML": 300.0}
]"#;

async fn new_yorker(app: &TestApp, name: &str) -> Tokens {
    let body = json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD, "time_zone": "America/New_York"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    tokens(app.login(name, PASSWORD, None).await).await
}

async fn activities(app: &TestApp, token: &str) -> Vec<Value> {
    let list = get_json(app, token, "/api/v1/activities?limit=100&sort=start").await;
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_garmin_export_joins_its_summaries_to_its_fit_files_and_places_nights_weights_and_water() {
    let app = spawn_app().await;
    // The run's FIT on its own, for another user: what the device says.
    let bob = new_yorker(&app, "bob").await;
    import(&app, &bob.access, "run.fit", fixture("fit/run_2025-10-26.fit")).await;
    let alone = activities(&app, &bob.access).await;
    assert_eq!(alone.len(), 1);
    let device = &alone[0];
    let start: jiff::Timestamp = device["start"].as_str().unwrap().parse().unwrap();

    let ana = new_yorker(&app, "ana").await;
    let run = summary(21993142932, "Morning Run", "running", start, 3600, 1.0);
    let export = zip_of(&[
        (UPLOADS, uploads().as_slice()),
        (
            "DI_CONNECT/DI-Connect-Wellness/2025-10-01_2026-01-09_74303376_sleepData.json",
            NIGHTS.as_bytes(),
        ),
        (
            "DI_CONNECT/DI-Connect-Wellness/74303376_userBioMetrics.json",
            BIOMETRICS.as_bytes(),
        ),
        (
            "DI_CONNECT/DI-Connect-Aggregator/HydrationLogFile_2025-10-01_2026-01-09.json",
            HYDRATION.as_bytes(),
        ),
        (
            ACTIVITIES,
            json!([{"summarizedActivitiesExport": [run]}])
                .to_string()
                .as_bytes(),
        ),
    ]);
    let done = import(&app, &ana.access, "garmin.zip", export).await;
    assert_eq!(
        done["activities"], 1,
        "the summary and its recording are one workout: {done}"
    );
    assert!(
        done["report"]["warnings"]
            .to_string()
            .contains("unmeasured_nights"),
        "the off-wrist night is said: {done}"
    );
    let mine = activities(&app, &ana.access).await;
    assert_eq!(mine.len(), 1);
    let joined = &mine[0];
    assert_eq!(joined["title"], "Morning Run", "{joined}");
    for field in [
        "start",
        "end",
        "duration",
        "distance",
        "energy",
        "avg_heart_rate",
        "max_heart_rate",
        "type",
    ] {
        assert_eq!(
            joined[field], device[field],
            "{field}: the device's, not the summary's"
        );
    }

    let days = daily_rows(&app, &ana.access, "2025-10-20", "2025-10-22").await;
    let day = |d: &str| days.iter().find(|r| r["date"] == d).unwrap().clone();
    // The night ending on the 21st (06:55 in New York), stage by stage, in seconds.
    let night = day("2025-10-21");
    let figure = |name: &str| night[name].as_f64();
    assert_eq!(
        [
            figure("sleep_core"),
            figure("sleep_deep"),
            figure("sleep_rem"),
            figure("sleep_awake")
        ],
        [Some(16560.0), Some(4680.0), Some(5700.0), Some(480.0)],
        "{night}"
    );
    assert_eq!(night["sleep_score"], 82.0);
    assert_eq!(night["respiratory_rate"], 14.0);
    assert_eq!(night["spo2"], 95.0);
    assert!(
        day("2025-10-22")["sleep_asleep"].is_null(),
        "the off-wrist night is not a night"
    );
    // 81,419 g at 07:01 in New York; water summed with its correction.
    assert_eq!(night["body_mass"], 81.42);
    assert_eq!(night["water"], 1000.0);

    // The same export again, the summaries first and stored: nothing new.
    let again = zip_with(
        &[
            (
                ACTIVITIES.to_owned(),
                json!([{"summarizedActivitiesExport": [run]}])
                    .to_string()
                    .into_bytes(),
            ),
            (UPLOADS.to_owned(), uploads()),
            (
                "DI_CONNECT/DI-Connect-Wellness/2025-10-01_2026-01-09_74303376_sleepData.json".to_owned(),
                NIGHTS.as_bytes().to_vec(),
            ),
        ],
        zip::CompressionMethod::Stored,
    );
    let second = import(&app, &ana.access, "garmin-again.zip", again).await;
    assert_eq!(
        (second["imported"].as_i64(), second["activities"].as_i64()),
        (Some(0), Some(0)),
        "{second}"
    );
}

/// 64 MB of zeros after a FIT header, deflated inside the uploads ZIP: what it expands to is counted as
/// it is read, and the import fails whole (the run read before it is not kept).
#[tokio::test]
async fn a_zip_inside_the_export_is_held_to_the_archives_limits_as_it_is_read() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut inner = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut inner);
        let deflated =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("ana@example.org_1.fit", deflated).unwrap();
        zip.write_all(&fixture("fit/run_2025-10-26.fit")).unwrap();
        // A FIT file's header, so that it is read as one, then zeros.
        zip.start_file("ana@example.org_2.fit", deflated).unwrap();
        zip.write_all(&fixture("fit/run_2025-10-26.fit")[..14]).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let export = zip_with(&[(UPLOADS, inner.into_inner())], zip::CompressionMethod::Stored);
    let done = import_ended(&app, &ana.access, "garmin.zip", export).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["report"]["error"]["code"], "archive_too_large", "{done}");
    assert!(
        activities(&app, &ana.access).await.is_empty(),
        "nothing of it is kept"
    );
}
