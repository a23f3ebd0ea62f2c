//! `/api/v1/imports`: uploads are detected by content, imported in the background, idempotent, and
//! failures leave nothing behind.

use serde_json::Value;

use crate::harness::{assert_problem, daily_rows, finished, import, spawn_app, upload, zip_of};

const GPX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Test Watch" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <trk><name>Morning run</name><type>running</type><trkseg>
    <trkpt lat="52.5200" lon="13.4050"><ele>34</ele><time>2026-03-01T07:00:00Z</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
    <trkpt lat="52.5210" lon="13.4050"><ele>35</ele><time>2026-03-01T07:01:00Z</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>130</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
    <trkpt lat="52.5220" lon="13.4050"><ele>37</ele><time>2026-03-01T07:02:00Z</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
  </trkseg></trk>
</gpx>"#;

const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-03-05 10:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Ana's Apple Watch" unit="count" creationDate="2026-03-01 10:00:00 +0100" startDate="2026-03-01 09:00:00 +0100" endDate="2026-03-01 09:30:00 +0100" value="1200"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Ana's iPhone" unit="count" creationDate="2026-03-01 10:00:00 +0100" startDate="2026-03-01 09:15:00 +0100" endDate="2026-03-01 09:45:00 +0100" value="900"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ana's Apple Watch" unit="count/min" creationDate="2026-03-01 10:00:00 +0100" startDate="2026-03-01 09:10:00 +0100" endDate="2026-03-01 09:10:00 +0100" value="95"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ana's Apple Watch" unit="count/min" creationDate="2026-03-01 10:00:00 +0100" startDate="2026-03-01 09:20:00 +0100" endDate="2026-03-01 09:20:00 +0100" value="400"/>
 <Record type="HKQuantityTypeIdentifierWalkingStepLength" sourceName="Ana's iPhone" unit="cm" creationDate="2026-03-01 10:00:00 +0100" startDate="2026-03-01 09:15:00 +0100" endDate="2026-03-01 09:45:00 +0100" value="70"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" totalDistance="5" totalDistanceUnit="km" totalEnergyBurned="300" totalEnergyBurnedUnit="kcal" sourceName="Ana's Apple Watch" creationDate="2026-03-01 08:00:00 +0100" startDate="2026-03-01 07:00:00 +0100" endDate="2026-03-01 07:30:00 +0100">
  <WorkoutRoute sourceName="Ana's Apple Watch" creationDate="2026-03-01 08:00:00 +0100" startDate="2026-03-01 07:00:00 +0100" endDate="2026-03-01 07:30:00 +0100">
   <FileReference path="/workout-routes/route_2026-03-01_7.00am.gpx"/>
  </WorkoutRoute>
 </Workout>
</HealthData>
"#;

const ROUTE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1">
 <trk><name>Route 2026-03-01 7:00am</name><trkseg>
  <trkpt lon="13.405" lat="52.520"><ele>34</ele><time>2026-03-01T06:00:05Z</time><extensions><speed>2.9</speed></extensions></trkpt>
  <trkpt lon="13.405" lat="52.521"><ele>35</ele><time>2026-03-01T06:00:45Z</time><extensions><speed>3.1</speed></extensions></trkpt>
 </trkseg></trk>
</gpx>
"#;

#[tokio::test]
async fn a_gpx_upload_becomes_an_activity_with_streams_and_is_not_imported_twice() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = upload(&app, &ana.access, "run.gpx", GPX.as_bytes().to_vec()).await;
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["format"], "gpx", "detected from the content");
    let id = queued["id"].as_str().unwrap().to_owned();
    assert_eq!(queued["status_url"], format!("/api/v1/imports/{id}"));
    let done = finished(&app, &ana.access, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["activities"], 1);
    assert_eq!(done["bytes_read"], GPX.len());
    let list: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let activity = &list["items"][0];
    assert_eq!(activity["type"], "running");
    assert_eq!(activity["title"], "Morning run");
    assert_eq!(activity["stream_points"], 3);
    let streams: Value = app
        .get(
            &format!(
                "/api/v1/activities/{}/streams?keys=heart_rate",
                activity["id"].as_str().unwrap()
            ),
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(streams["heart_rate"], serde_json::json!([120.0, 130.0, 140.0]));
    // The same file again: the earlier import answers, nothing new is stored.
    let again = upload(&app, &ana.access, "copy.gpx", GPX.as_bytes().to_vec()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], id.as_str());
    let listed: Value = app
        .get("/api/v1/imports", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A changed copy of the same run (different bytes, same workout) adds no second activity.
    let edited = GPX.replace("Morning run", "Morning run (edited)");
    let res = upload(&app, &ana.access, "edited.gpx", edited.into_bytes()).await;
    let second = finished(
        &app,
        &ana.access,
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(second["activities"], 0);
    assert_eq!(second["duplicates"], 1);
    // Others cannot see the import.
    let ben = app.signed_up("ben").await;
    assert_problem(
        app.get(&format!("/api/v1/imports/{id}"), Some(&ben.access)).await,
        404,
        "import_not_found",
    )
    .await;
}

#[tokio::test]
async fn an_apple_health_zip_imports_records_workouts_and_routes_with_a_report() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let zip = zip_of(&[
        ("apple_health_export/export.xml", EXPORT.as_bytes()),
        (
            "apple_health_export/workout-routes/route_2026-03-01_7.00am.gpx",
            ROUTE.as_bytes(),
        ),
    ]);
    let res = upload(&app, &ana.access, "export.zip", zip).await;
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = finished(&app, &ana.access, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["format"], "zip");
    assert_eq!(done["imported"], 3, "two step records and one heart rate: {done}");
    assert_eq!(done["activities"], 1);
    assert_eq!(done["report"]["skipped"]["implausible_value:heart_rate"], 1);
    assert_eq!(
        done["report"]["raw"]["HKQuantityTypeIdentifierWalkingStepLength"],
        1
    );
    // Types the catalogue does not map are kept as read and can be listed.
    let types: Vec<Value> = app
        .get("/api/v1/raw-records/types", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        types,
        vec![serde_json::json!({"type": "HKQuantityTypeIdentifierWalkingStepLength", "count": 1})]
    );
    let raw: Value = app
        .get(
            "/api/v1/raw-records?type=HKQuantityTypeIdentifierWalkingStepLength",
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(raw["items"][0]["value"], "70");
    assert_eq!(raw["items"][0]["unit"], "cm");
    assert_eq!(raw["items"][0]["start"], "2026-03-01T08:15:00Z");
    assert_eq!(raw["items"][0]["source"], "Ana's iPhone");
    // Merged by priority: watch 09:00–09:30 (1200), the phone (900 over 09:15–09:45) adds 09:30–09:45
    // (450): 1650, not the naive 2100.
    let days = daily_rows(&app, &ana.access, "2026-03-01", "2026-03-01").await;
    assert_eq!(days[0]["steps"], 1650.0);
    assert_eq!(days[0]["workout_count"], 1);
    let list: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let workout = &list["items"][0];
    assert_eq!(workout["distance"], 5000.0);
    assert_eq!(
        workout["stream_points"], 2,
        "the route file became the workout's streams"
    );
    let streams: Value = app
        .get(
            &format!("/api/v1/activities/{}/streams", workout["id"].as_str().unwrap()),
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(streams["time"], serde_json::json!([5.0, 45.0]));
}

#[tokio::test]
async fn unreadable_uploads_and_zip_bombs_are_refused_and_leave_nothing() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = upload(&app, &ana.access, "notes.txt", b"just some text".to_vec()).await;
    assert_problem(res, 415, "unsupported_media_type").await;
    // 64 MB of zeros compress about 1000-fold: refused before anything is read.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let bomb = zip_of(&[("export.xml", &zeros)]);
    let res = upload(&app, &ana.access, "bomb.zip", bomb).await;
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let failed = finished(&app, &ana.access, &id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["report"]["error"]["code"], "archive_too_large", "{failed}");
    // A broken export fails and its partial rows are rolled back.
    let broken = format!(
        "{}<Record type=\"HKQuantityTypeIdentifierStepCount\"",
        &EXPORT[..EXPORT.find("<Workout").unwrap()]
    );
    let zip = zip_of(&[
        ("export.xml", broken.as_bytes()),
        ("garbage.fit", b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT"),
    ]);
    let res = upload(&app, &ana.access, "broken.zip", zip).await;
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let outcome = finished(&app, &ana.access, &id).await;
    if outcome["status"] == "failed" {
        let days = daily_rows(&app, &ana.access, "2026-03-01", "2026-03-01").await;
        assert!(
            days[0].get("steps").is_none(),
            "a failed import leaves no data: {}",
            days[0]
        );
    } else {
        // Read leniently: what was complete is imported and the damage reported.
        assert!(
            outcome["report"]["warning_counts"]
                .as_object()
                .is_some_and(|w| !w.is_empty()),
            "{outcome}"
        );
    }
}

/// Every public sample file through the whole import path (detect, read, validate, store): the readable
/// ones import, the corrupt ones fail cleanly or import what is complete with a warning, and FIT
/// activities keep exactly the records of their ground truth.
#[tokio::test]
async fn every_public_sample_file_imports_through_the_whole_pipeline() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    if !samples.is_dir() {
        eprintln!(
            "SKIPPED: no public samples at {} (CI has them)",
            samples.display()
        );
        return;
    }
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    let imports = wearhouse::bootstrap::import_service(
        &app.config,
        store.clone(),
        wearhouse_services::rollups::Rollups::new(store.clone()),
    );
    let mut files: Vec<_> = ["apple_health", "fit", "gpx", "tcx"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(samples.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "{} files", files.len());
    let mut activities_by_file = std::collections::BTreeMap::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = imports.import_now(&user, path, &|_, _| {}).await;
        if name.starts_with("NEGATIVE_") {
            assert!(result.is_err(), "{name} must be refused");
            continue;
        }
        let record = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let report: Value = serde_json::from_str(&record.report).unwrap();
        if name.contains("unexpected-eof") || name.contains("corruptheader") {
            assert!(
                !report["warning_counts"].as_object().unwrap().is_empty(),
                "{name} reports the damage"
            );
        }
        assert_eq!(record.status.as_str(), "done", "{name}: {report}");
        if name == "hrv-activity.fit" {
            assert_eq!(
                report["skipped"]["exercise_hrv"], 1,
                "exercise HRV stays out of the daily series"
            );
        }
        activities_by_file.insert(name, record.progress);
    }
    let hk = &activities_by_file["hkimport_export_v3_2017.xml"];
    assert_eq!(hk.activities, 60, "61 workouts, one of them zero-length");
    assert!(hk.imported > 10_000, "{hk:?}");
    assert_eq!(
        activities_by_file["activity-large-fenxi2-multisport.fit"].activities,
        7
    );
    // Records kept per FIT activity equal the ground-truth CSV rows.
    let list: Value = app
        .get("/api/v1/activities?limit=500&sort=start", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let points: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["stream_points"].as_i64().unwrap())
        .collect();
    for expected in [21, 15, 10_686] {
        assert!(
            points.contains(&expected),
            "an activity with {expected} points: {points:?}"
        );
    }
    // Importing everything again adds nothing.
    let before = list["items"].as_array().unwrap().len();
    for path in files
        .iter()
        .filter(|p| !p.to_string_lossy().contains("NEGATIVE_"))
    {
        let again = imports.import_now(&user, path, &|_, _| {}).await.unwrap();
        assert_eq!(again.status.as_str(), "done");
    }
    let after: Value = app
        .get("/api/v1/activities?limit=500", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["items"].as_array().unwrap().len(), before);
    store.close().await;
}

#[tokio::test]
async fn a_cli_import_hashes_the_file_while_importing_and_recognises_it_the_next_time() {
    let app = spawn_app().await;
    app.signed_up("ana").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    let imports = wearhouse::bootstrap::import_service(
        &app.config,
        store.clone(),
        wearhouse_services::rollups::Rollups::new(store.clone()),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.gpx");
    std::fs::write(&path, GPX).unwrap();
    let first = imports.import_now(&user, &path, &|_, _| {}).await.unwrap();
    assert_eq!(first.status.as_str(), "done", "{}", first.report);
    assert_eq!(first.progress.activities, 1);
    let expected = {
        use sha2::Digest;
        wearhouse_services::imports::hex(&sha2::Sha256::digest(GPX.as_bytes()))
    };
    assert_eq!(
        first.sha256, expected,
        "the hash is recorded once the import is done"
    );
    // The same bytes under another name: recognised by size and hash, not imported again.
    let copy = dir.path().join("copy.gpx");
    std::fs::copy(&path, &copy).unwrap();
    let again = imports.import_now(&user, &copy, &|_, _| {}).await.unwrap();
    assert_eq!(again.id, first.id);
    // A file of the same size with other bytes is imported.
    let other = dir.path().join("other.gpx");
    std::fs::write(&other, GPX.replace("2026", "2025")).unwrap();
    assert_eq!(std::fs::metadata(&other).unwrap().len(), GPX.len() as u64);
    let third = imports.import_now(&user, &other, &|_, _| {}).await.unwrap();
    assert_ne!(third.id, first.id);
    assert_eq!(third.progress.activities, 1, "{}", third.report);
    store.close().await;
}

#[tokio::test]
async fn a_bare_export_xml_keeps_workouts_whose_route_files_are_elsewhere() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = upload(&app, &ana.access, "export.xml", EXPORT.as_bytes().to_vec()).await;
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["format"], "apple_health");
    let done = finished(&app, &ana.access, queued["id"].as_str().unwrap()).await;
    assert_eq!(done["activities"], 1, "{done}");
    assert_eq!(done["imported"], 3);
}

#[tokio::test]
async fn takeout_archives_import_fitbit_and_google_fit_entries_in_the_users_zone() {
    let app = spawn_app().await;
    let body = serde_json::json!({"username": "ana", "email": "ana@example.org", "password": crate::harness::PASSWORD, "time_zone": "America/New_York"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let ana = crate::harness::tokens(app.login("ana", crate::harness::PASSWORD, None).await).await;
    // Fitbit's resting heart rate is a local date: it belongs to that day in the user's zone.
    let resting =
        r#"[{"dateTime":"03/01/26 00:00:00","value":{"date":"03/01/26","value":52.5,"error":6.8}}]"#;
    let steps = r#"{"Data Source": "derived:com.google.step_count.delta:com.google.android.gms:estimated_steps",
      "Data Points": [{"fitValue": [{"value": {"intVal": 1200}}], "dataTypeName": "com.google.step_count.delta",
        "startTimeNanos": 1772373600000000000, "endTimeNanos": 1772377200000000000}]}"#;
    let zip = zip_of(&[
        ("Takeout/Fitbit/Global Export Data/resting_heart_rate-2026-03-01.json", resting.as_bytes()),
        (
            "Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json",
            steps.as_bytes(),
        ),
    ]);
    let done = import(&app, &ana.access, "takeout.zip", zip).await;
    assert_eq!(done["imported"], 2, "{done}");
    let days = daily_rows(&app, &ana.access, "2026-03-01", "2026-03-01").await;
    assert_eq!(days[0]["resting_heart_rate"], 52.5, "{}", days[0]);
    // 2026-03-01T14:00Z–15:00Z is 09:00–10:00 in New York.
    assert_eq!(days[0]["steps"], 1200.0);
    let sources: Vec<Value> = app
        .get("/api/v1/sources", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let providers: Vec<&str> = sources.iter().map(|s| s["provider"].as_str().unwrap()).collect();
    assert!(
        providers.contains(&"fitbit") && providers.contains(&"google_fit"),
        "{providers:?}"
    );
}

#[tokio::test]
async fn fitbit_weights_are_read_in_the_users_units_unless_their_bmi_says_otherwise() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = app
        .patch(
            "/api/v1/me",
            Some(&ana.access),
            serde_json::json!({"unit_system": "imperial"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // 180 without a BMI is read in the account's unit, pounds. 50 at BMI 23.8 would be a 0.98 m person
    // in pounds but is a 1.45 m one in kilograms: that log was written in kilograms.
    let weights = r#"[
        {"logId": 1, "weight": 180.0, "date": "03/01/26", "time": "07:00:00"},
        {"logId": 2, "weight": 50.0, "bmi": 23.8, "date": "03/02/26", "time": "07:00:00"}]"#;
    let zip = zip_of(&[(
        "Takeout/Fitbit/Global Export Data/weight-2026-03-01.json",
        weights.as_bytes(),
    )]);
    let done = import(&app, &ana.access, "takeout.zip", zip).await;
    assert_eq!(
        done["report"]["warning_counts"]["weight_unit_corrected"], 1,
        "{done}"
    );
    let list: Value = app
        .get(
            "/api/v1/samples?metric=body_mass&from=2026-02-28T00:00:00Z&to=2026-03-04T00:00:00Z",
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let values: Vec<f64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values.len(), 2, "{list}");
    assert!((values[0] - 180.0 * 0.453_592_37).abs() < 1e-9, "{values:?}");
    assert!((values[1] - 50.0).abs() < 1e-9, "{values:?}");
}

/// A synthetic export of `days` days, zipped.
fn synthetic_zip(days: u32) -> Vec<u8> {
    let mut xml = Vec::new();
    wearhouse_formats::apple_health::synthetic::write_export(&mut xml, days, 7).unwrap();
    zip_of(&[("apple_health_export/export.xml", &xml)])
}

#[tokio::test]
async fn an_import_that_fails_after_storing_batches_leaves_no_data() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    // Large enough for several batches to be stored before the end, where the archive's checksum
    // fails: one flipped bit in the last quarter of the compressed data.
    let mut zip = synthetic_zip(40);
    let at = zip.len() * 3 / 4;
    zip[at] ^= 0x10;
    let res = upload(&app, &ana.access, "export.zip", zip).await;
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let failed = finished(&app, &ana.access, &id).await;
    assert_eq!(failed["status"], "failed", "{}", failed["report"]);
    assert!(
        failed["report"]["rolled_back"].as_i64().unwrap() > 20_000,
        "batches were stored before it failed, then removed: {failed}"
    );
    assert_eq!(failed["imported"], 0);
    let samples: Value = app
        .get("/api/v1/samples?metric=heart_rate&limit=10", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        samples["items"],
        serde_json::json!([]),
        "every row the import wrote is gone"
    );
    let activities: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(activities["items"], serde_json::json!([]));
    // The intact file imports afterwards (a failed import does not block its hash).
    let res = upload(&app, &ana.access, "export.zip", synthetic_zip(40)).await;
    let done = finished(
        &app,
        &ana.access,
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(done["status"], "done");
    assert!(done["imported"].as_i64().unwrap() > 20_000);
}

#[tokio::test]
async fn an_import_interrupted_by_a_stop_is_resumed_at_the_next_start_without_duplicates() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    let rollups = wearhouse_services::rollups::Rollups::new(store.clone());
    // A first run stored part of the file, then the process stopped: the row says running.
    let xml = {
        let mut xml = Vec::new();
        wearhouse_formats::apple_health::synthetic::write_export(&mut xml, 3, 7).unwrap();
        xml
    };
    let partial = wearhouse::bootstrap::import_service(&app.config, store.clone(), rollups.clone());
    let path = app.config.data_dir.join("export.xml");
    std::fs::write(&path, &xml).unwrap();
    let first = partial.import_now(&user, &path, &|_, _| {}).await.unwrap();
    let full_count = first.progress.imported;
    assert!(full_count > 1000);
    let id = "imp_0000000000000000000000000000abcd";
    std::fs::create_dir_all(app.config.data_dir.join("imports")).unwrap();
    std::fs::write(app.config.data_dir.join("imports").join(id), &xml).unwrap();
    store
        .imports
        .create_import(
            &user,
            &wearhouse_store::NewImport {
                id: id.into(),
                format: "apple_health".into(),
                file_name: Some("export.xml".into()),
                sha256: "interrupted".into(),
                bytes_total: xml.len() as i64,
                data_version: wearhouse_services::upgrade::current_version(),
                supersedes: None,
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    // Its job was running under the lease of a process that stopped: the lease is out of date.
    let now = jiff::Timestamp::now();
    let stopped = wearhouse_store::Lease {
        owner: "stopped-process".into(),
        until: now - jiff::SignedDuration::from_secs(1),
    };
    store
        .jobs
        .claim_key(&format!("import:{id}"), &stopped, now)
        .await
        .unwrap()
        .expect("queueing the import enqueued its job");
    store.imports.claim_import(id, now).await.unwrap().unwrap();
    assert_eq!(
        store.imports.import(&user, id).await.unwrap().status.as_str(),
        "running"
    );
    // The next worker to look takes the job again and completes the import.
    let _ = rollups;
    assert_eq!(
        store.jobs.rescue_expired(jiff::Timestamp::now()).await.unwrap(),
        1
    );
    let done = finished(&app, &ana.access, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        done["imported"], 0,
        "everything was already there: resumed without duplicates"
    );
    let first_report: Value = serde_json::from_str(&first.report).unwrap();
    let raw: i64 = first_report["raw"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert!(raw > 0, "unmapped types were kept raw");
    let everything = full_count + first.progress.activities + first.progress.duplicates + raw;
    assert_eq!(done["duplicates"].as_i64().unwrap(), everything);
    store.close().await;
}

/// Runs one SQL statement on the test's database (its schema, on PostgreSQL), whichever backend it is.
async fn execute_sql(url: &str, statement: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
}

#[tokio::test]
async fn an_import_resumed_after_a_stop_counts_what_its_first_attempt_stored_as_its_own() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let bob = app.signed_up("bob").await;
    let export = |days| {
        let mut xml = Vec::new();
        wearhouse_formats::apple_health::synthetic::write_export(&mut xml, days, 7).unwrap();
        xml
    };
    let whole = export(4);
    // One uninterrupted run of the file, on an account of its own.
    let uninterrupted = import(&app, &bob.access, "export.xml", whole.clone()).await;
    // Ana's first attempt stored the export's first days, then the process stopped: the row says
    // running and the kept copy of the file waits in the import folder.
    let first = import(&app, &ana.access, "export.xml", export(2)).await;
    let id = first["id"].as_str().unwrap();
    std::fs::write(app.config.data_dir.join("imports").join(id), &whole).unwrap();
    execute_sql(
        &app.config.database_url(),
        &format!(
            "UPDATE imports SET status = 'running', sha256 = '', bytes_total = {}, imported = 0, \
             duplicates = 0, activities = 0, report = '{{}}', finished_at = NULL WHERE id = '{id}'",
            whole.len()
        ),
    )
    .await;
    // Its job was running under the lease of a process that stopped.
    execute_sql(
        &app.config.database_url(),
        &format!(
            "UPDATE jobs SET state = 'running', attempts = 1, lease_owner = 'stopped-process', lease_until = 0 \
             WHERE unique_key = 'import:{id}'"
        ),
    )
    .await;
    // The next worker to look takes it again and resumes it.
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    assert_eq!(
        store.jobs.rescue_expired(jiff::Timestamp::now()).await.unwrap(),
        1
    );
    let done = finished(&app, &ana.access, id).await;
    assert_eq!(done["status"], "done", "{done}");
    for count in ["imported", "activities", "duplicates"] {
        assert_eq!(
            done[count], uninterrupted[count],
            "{count}: {done} vs {uninterrupted}"
        );
    }
    let raw = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move { crate::harness::get_json(app, &token, "/api/v1/raw-records/types").await }
    };
    assert_eq!(raw(&ana.access).await, raw(&bob.access).await);
    store.close().await;
}

// ----- One workout, one activity, wherever its file was found -----------------------------------------
// A workout's identity comes from its content (for a TCX, its start instant), never from the path or
// the archive it arrived in.

/// A Google Fit run's TCX as its Takeout holds it under `Fit/Activities/` (see the formats crate's
/// `takeout_fixtures.rs` for the shape).
const GOOGLE_FIT_TCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
  <Activities>
    <Activity Sport="Running">
      <Id>2026-03-01T06:57:39.686Z</Id>
      <Lap StartTime="2026-03-01T06:57:39.686Z">
        <TotalTimeSeconds>674.186</TotalTimeSeconds>
        <DistanceMeters>1558.48</DistanceMeters>
        <Calories>144</Calories>
        <Intensity>Active</Intensity>
        <TriggerMethod>Manual</TriggerMethod>
        <Track>
          <Trackpoint>
            <Time>2026-03-01T06:57:39.686Z</Time>
            <Position><LatitudeDegrees>52.520008</LatitudeDegrees><LongitudeDegrees>13.404954</LongitudeDegrees></Position>
            <AltitudeMeters>34.2</AltitudeMeters>
            <DistanceMeters>0.0</DistanceMeters>
            <HeartRateBpm><Value>98</Value></HeartRateBpm>
          </Trackpoint>
          <Trackpoint>
            <Time>2026-03-01T07:08:53.872Z</Time>
            <Position><LatitudeDegrees>52.526902</LatitudeDegrees><LongitudeDegrees>13.418844</LongitudeDegrees></Position>
            <AltitudeMeters>36.1</AltitudeMeters>
            <DistanceMeters>1558.48</DistanceMeters>
            <HeartRateBpm><Value>163</Value></HeartRateBpm>
          </Trackpoint>
        </Track>
      </Lap>
    </Activity>
  </Activities>
</TrainingCenterDatabase>
"#;

/// The same run's `All Sessions` entry, as an app writing through the Sessions API leaves it (with its
/// own session id, which the TCX does not know).
const GOOGLE_FIT_SESSION: &str = r#"{
  "id": "com.example.runner:2026-03-01:morning-run",
  "fitnessActivity": "running",
  "startTime": "2026-03-01T06:57:39.686Z",
  "endTime": "2026-03-01T07:08:53.872Z",
  "duration": "674.186s",
  "segment": [{"fitnessActivity": "running", "startTime": "2026-03-01T06:57:39.686Z", "endTime": "2026-03-01T07:08:53.872Z"}],
  "aggregate": [{"metricName": "com.google.distance.delta", "floatValue": 1558.48}]
}"#;

#[tokio::test]
async fn a_google_fit_tcx_uploaded_alone_and_then_in_its_takeout_is_one_activity() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = upload(&app, &ana.access, "run.tcx", GOOGLE_FIT_TCX.as_bytes().to_vec()).await;
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["format"], "tcx");
    let alone = finished(&app, &ana.access, queued["id"].as_str().unwrap()).await;
    assert_eq!(alone["status"], "done", "{alone}");
    assert_eq!(alone["activities"], 1, "{alone}");
    let takeout = zip_of(&[
        (
            "Takeout/Fit/Activities/2026-03-01T07_57_39+01_00_PT11M14.186S_Running.tcx",
            GOOGLE_FIT_TCX.as_bytes(),
        ),
        (
            "Takeout/Fit/All Sessions/2026-03-01T07_57_39+01_00_RUNNING.json",
            GOOGLE_FIT_SESSION.as_bytes(),
        ),
    ]);
    let done = import(&app, &ana.access, "takeout.zip", takeout).await;
    assert_eq!(
        done["activities"], 0,
        "both entries are the run already stored: {done}"
    );
    assert_eq!(done["duplicates"], 2, "{done}");
    let list: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(
        items[0]["stream_points"], 2,
        "the TCX's track, from the first upload"
    );
}

#[tokio::test]
async fn wall_clock_times_are_read_in_the_zone_the_user_lived_in_then() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    // Sydney until 1 March 2026 (Sydney time), Berlin since.
    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/time-zones",
            Some(&ana.access),
            Some(serde_json::json!({"periods": [
                {"zone": "Australia/Sydney"},
                {"zone": "Europe/Berlin", "from": "2026-03-01T12:00:00+11:00"}
            ]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    // 07:00 on 20 February in Sydney (AEDT, +11) and on 10 March in Berlin (CET, +1).
    let weights = r#"[
        {"logId": 1, "weight": 60.0, "date": "02/20/26", "time": "07:00:00"},
        {"logId": 2, "weight": 61.0, "date": "03/10/26", "time": "07:00:00"}]"#;
    let zip = zip_of(&[(
        "Takeout/Fitbit/Global Export Data/weight-2026-02-20.json",
        weights.as_bytes(),
    )]);
    import(&app, &ana.access, "takeout.zip", zip).await;
    let list: Value = app
        .get(
            "/api/v1/samples?metric=body_mass&from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z",
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let starts: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap())
        .collect();
    // 2026-02-19T20:00:00Z and 2026-03-10T06:00:00Z, shown at the wall-clock times the file gave.
    assert_eq!(
        starts,
        ["2026-02-20T07:00:00+11:00", "2026-03-10T07:00:00+01:00"],
        "{list}"
    );
}
