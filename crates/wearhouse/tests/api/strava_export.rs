//! Strava's bulk export: what the athlete wrote and chose on Strava (titles, descriptions, private
//! notes, gear, commutes, types) reaches the workouts its recordings hold; recordings are never
//! stored twice; compressed entries are held to the archive's limits as they expand.

use serde_json::Value;

use crate::figures::strava::{gzip, row, HEADER};
use crate::harness::*;

async fn activities(app: &TestApp, token: &str) -> Vec<Value> {
    let list = get_json(app, token, "/api/v1/activities?limit=100&sort=start").await;
    list["items"].as_array().unwrap().clone()
}

fn export(rows: &[String], files: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    let csv = std::iter::once(HEADER.to_owned())
        .chain(rows.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let mut entries: Vec<(String, Vec<u8>)> = vec![("activities.csv".into(), csv.into_bytes())];
    entries.extend(files.into_iter().map(|(n, b)| (n.to_owned(), b)));
    zip_with(&entries, zip::CompressionMethod::Deflated)
}

#[tokio::test]
async fn the_rows_words_and_choices_reach_the_recorded_workouts() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let entries = crate::figures::strava::export_entries();
    let done = import(
        &app,
        &ana.access,
        "export.zip",
        zip_with(&entries, zip::CompressionMethod::Deflated),
    )
    .await;
    assert_eq!(done["activities"], 4, "{done}");
    assert_eq!(done["format"], "zip");
    let list = activities(&app, &ana.access).await;
    let by_title = |title: &str| {
        list.iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no {title:?} in {list:?}"))
            .clone()
    };
    let gpx = by_title("Clocks change");
    assert_eq!(gpx["commute"], true);
    assert_eq!(gpx["private_notes"], "new route");
    assert_eq!(gpx["notes"], "Felt good, legs heavy");
    assert_eq!(gpx["type"], "running");
    assert!(
        gpx["stream_points"].as_i64().unwrap() > 0,
        "the gzipped GPX gave its track"
    );
    assert_ne!(
        gpx["distance"].as_f64(),
        Some(12000.0),
        "the device's distance, not Strava's"
    );
    let fit = by_title("Berlin night run");
    assert_eq!(fit["gear"], "Pegasus 40");
    assert_eq!(fit["commute"], false);
    assert!(fit["stream_points"].as_i64().unwrap() > 0);
    assert_eq!(
        fit["start"], "2025-10-26T00:30:00+02:00",
        "the FIT's own start and offset"
    );
    let ride = by_title("Night ride");
    assert_eq!(
        (ride["type"].as_str(), ride["gear"].as_str()),
        (Some("cycling"), Some("Canyon"))
    );
    let gym = by_title("Gym");
    assert_eq!(gym["type"], "strength_training");
    assert_eq!(gym["external_id"], "strava:104");
    assert_eq!(gym["private_notes"], "bench 3x5 @ 60");
    assert_eq!(gym["energy"], 250.0);
    assert_eq!(gym["stream_points"], 0);
    assert_eq!(
        done["report"]["skipped"]["unknown_entry"], 2,
        "bikes.csv and profile.csv: {done}"
    );

    // A private note is the owner's own: it can be edited and cleared like any field.
    let id = gym["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/activities/{id}"),
            Some(&ana.access),
            serde_json::json!({"private_notes": null, "gear": "Barbell", "commute": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert!(edited.get("private_notes").is_none(), "{edited}");
    assert_eq!(edited["gear"], "Barbell");
}

#[tokio::test]
async fn a_recording_imported_before_is_not_stored_again_and_missing_files_leave_the_row() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let fit = fixture("fit/run_2025-10-26.fit");
    import(&app, &ana.access, "run.fit", fit.clone()).await;
    let bytes = export(
        &[
            row(
                "1",
                "Oct 25, 2025, 10:30:00 PM",
                "Berlin night run",
                "Run",
                1830.0,
                "activities/1.fit.gz",
                5000.0,
                0.0,
                "",
                "",
                false,
            ),
            row(
                "2",
                "Oct 27, 2025, 6:00:00 AM",
                "Lost file",
                "Swim",
                1800.0,
                "activities/2.fit.gz",
                1500.0,
                300.0,
                "",
                "",
                false,
            ),
        ],
        vec![("activities/1.fit.gz", gzip(&fit))],
    );
    let done = import(&app, &ana.access, "export.zip", bytes.clone()).await;
    assert_eq!(
        done["activities"], 1,
        "only the row without its file is new: {done}"
    );
    assert_eq!(done["duplicates"], 1, "{done}");
    let list = activities(&app, &ana.access).await;
    assert_eq!(list.len(), 2);
    let run = list.iter().find(|a| a["type"] == "running").unwrap();
    assert_eq!(
        run["title"], "Berlin night run",
        "the FIT uploaded first takes the row's words"
    );
    let lost = list.iter().find(|a| a["type"] == "swimming").unwrap();
    assert_eq!(lost["distance"], 1500.0);
    assert_eq!(lost["duration"], 1800.0);

    // The same export again (other bytes: stored rather than deflated) adds nothing.
    let again = {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let entries: Vec<(String, Vec<u8>)> = (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
                (entry.name().to_owned(), content)
            })
            .collect();
        zip_with(&entries, zip::CompressionMethod::Stored)
    };
    let second = import(&app, &ana.access, "again.zip", again).await;
    assert_eq!(second["activities"], 0, "{second}");
    assert_eq!(activities(&app, &ana.access).await.len(), 2);
}

#[tokio::test]
async fn a_compressed_entry_that_expands_beyond_the_limits_fails_the_import_and_leaves_nothing() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    // 64 MB of zeros gzip to about 64 KB: a thousandfold, where archives may expand 200-fold.
    let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
    let bytes = export(
        &[
            row(
                "1",
                "Oct 25, 2025, 10:30:00 PM",
                "Run",
                "Run",
                1830.0,
                "activities/1.fit.gz",
                5000.0,
                0.0,
                "",
                "",
                false,
            ),
            row(
                "2",
                "Oct 26, 2025, 10:30:00 PM",
                "Manual",
                "Run",
                1830.0,
                "",
                5000.0,
                0.0,
                "",
                "",
                false,
            ),
        ],
        vec![("activities/1.fit.gz", bomb)],
    );
    let done = import_ended(&app, &ana.access, "export.zip", bytes).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["report"]["error"]["code"], "archive_too_large", "{done}");
    assert!(activities(&app, &ana.access).await.is_empty());
}

#[tokio::test]
async fn activities_csv_uploaded_alone_gives_the_workouts_it_describes() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let csv = format!(
        "{HEADER}\n{}\n",
        row(
            "9",
            "Oct 25, 2025, 10:30:00 PM",
            "Commute home",
            "Ride",
            1200.0,
            "activities/9.fit.gz",
            7000.0,
            180.0,
            "",
            "Brompton",
            true
        )
    );
    let done = import(&app, &ana.access, "activities.csv", csv.into_bytes()).await;
    assert_eq!(done["format"], "strava");
    let list = activities(&app, &ana.access).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["distance"], 7000.0);
    assert_eq!(list[0]["commute"], true);
    assert_eq!(list[0]["gear"], "Brompton");
}
