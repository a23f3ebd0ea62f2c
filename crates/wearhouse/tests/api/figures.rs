//! Import conformance: every fixture in `tests/fixtures` (listed in its README) goes through the whole
//! pipeline — upload, detection, reader, writer, rollups — and the daily and hourly figures served
//! afterwards must equal figures computed here from the file itself, by the rules the API documents:
//!
//! - amounts (steps, distance, energy): a local day or an hour receives from each interval the share of
//!   its value proportional to the time they overlap; one source per metric, so nothing overlaps;
//! - readings (heart rate, glucose): count, minimum, maximum and mean per local day and per hour;
//! - workouts count, whole, for the local day they start on, with their elapsed time and distance.
//!
//! The parsing here is deliberately plain (string splitting, `serde_json`, a minimal FIT walker) and
//! shares no code with the readers, so a reader's mistake cannot hide behind the same mistake in the
//! expectation. Mismatches are collected and reported together, so one run lists every wrong figure.
//!
//! The parts: `truth` (what a file says, grouped by day and hour), `files` (reading fixtures the plain
//! way), one module per format (`apple`, `fitbit`, `google_fit`, `tracks`, `fit`), `served` (what the
//! API serves) and `compare`. This file drives the application and holds one test per fixture.

mod apple;
mod compare;
mod files;
mod fit;
mod fitbit;
pub(crate) mod garmin;
mod google_fit;
mod served;
pub(crate) mod strava;
mod tracks;
mod truth;

use jiff::tz::TimeZone;
use serde_json::{json, Value};

use crate::harness::{fixture, import, spawn_app, tokens, upload, TestApp, Tokens, PASSWORD};
use apple::apple_truth;
use compare::{check_figures, Mismatches};
use files::{wrapped, zipped_folder};
use fit::{fit_activity_truth, fit_monitoring_truth, fit_weight_truth, Person};
use fitbit::fitbit_truth;
use garmin::garmin_export;
use google_fit::google_fit_truth;
use served::{snapshot, Window};
use strava::strava_export;
use tracks::{gpx_truth, tcx_truth};
use truth::Truth;

// ----- Driving the application --------------------------------------------------------------------------

/// A user with the profile `me` (a `PATCH /me` body with at least `time_zone`), whose zone holds for all
/// time. The zone is given at registration because a later change (`PATCH /me`) only applies from the
/// moment it is made, and the fixtures are from the past; the PATCH that follows states the same zone
/// again, as a client would, and must change nothing.
async fn resident(app: &TestApp, me: &Value) -> Tokens {
    let zone = me["time_zone"].as_str().unwrap();
    let body =
        json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": zone});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let t = tokens(app.login("ana", PASSWORD, None).await).await;
    let res = app.patch("/api/v1/me", Some(&t.access), me.clone()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["time_zone"], zone);
    t
}

/// Records an import read: stored, already there, or kept raw.
fn records_of(import: &Value) -> i64 {
    let raw: i64 = import["report"]["raw"]
        .as_object()
        .map_or(0, |r| r.values().filter_map(Value::as_i64).sum());
    ["imported", "activities", "duplicates"]
        .iter()
        .map(|k| import[k].as_i64().unwrap())
        .sum::<i64>()
        + raw
}

/// The whole conformance run for one fixture: import `file`, compare every figure with `truth`, then
/// upload the same bytes again (the earlier import answers) and `copy`, other bytes holding the same
/// records (it must add nothing), and check the figures did not move.
async fn conform(fixture: &str, me: Value, truth: &Truth, file: (&str, Vec<u8>), copy: (&str, Vec<u8>)) {
    let app = spawn_app().await;
    let ana = resident(&app, &me).await;
    let token = ana.access.as_str();
    let mut m = Mismatches::default();
    let first = import(&app, token, file.0, file.1.clone()).await;
    m.number(
        "samples imported",
        first["imported"].as_f64(),
        Some(truth.samples as f64),
    );
    m.number(
        "activities imported",
        first["activities"].as_f64(),
        Some(truth.workouts.len() as f64),
    );
    let w = Window::around(truth);
    check_figures(&app, token, truth, w, &mut m).await;
    let before = snapshot(&app, token, truth, w).await;

    let again = upload(&app, token, file.0, file.1).await;
    assert_eq!(again.status(), 200, "the same bytes are recognised");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let second = import(&app, token, copy.0, copy.1).await;
    m.number(
        "re-import: samples imported",
        second["imported"].as_f64(),
        Some(0.0),
    );
    m.number(
        "re-import: activities imported",
        second["activities"].as_f64(),
        Some(0.0),
    );
    m.number(
        "re-import: duplicates",
        second["duplicates"].as_f64(),
        Some(records_of(&first) as f64),
    );
    let after = snapshot(&app, token, truth, w).await;
    if before != after {
        m.0.push(format!(
            "re-import changed the figures:\n    before {before}\n    after  {after}"
        ));
    }
    m.finish(fixture);
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

// ----- One test per fixture -----------------------------------------------------------------------------

/// Berlin: a step interval from 23:00 CET to 03:30 CEST crosses local midnight and the spring-forward
/// change (3.5 real hours, not 4.5 wall-clock ones); back-to-back records of one source; glucose in
/// HealthKit's `mmol<180.15…>/L`; a workout whose route file is its stream, not a second activity.
#[tokio::test]
async fn apple_health_export_zip_figures_match_the_file() {
    let tz = zone("Europe/Berlin");
    let xml = fixture("apple_health_zip/apple_health_export/export.xml");
    let truth = apple_truth(&String::from_utf8(xml).unwrap(), &tz);
    conform(
        "apple_health_zip",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        (
            "export.zip",
            zipped_folder("apple_health_zip", zip::CompressionMethod::Deflated),
        ),
        (
            "export-copy.zip",
            zipped_folder("apple_health_zip", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// New York, iOS 8 layout (compact dates, `source=`): heart rate as `average`/`minimum`/`maximum` in
/// count/s without a `value`, one reading of average × 60 at the record's start; steps across midnight
/// and across the 2015 spring-forward change; a workout.
#[tokio::test]
async fn apple_health_bare_ios8_export_figures_match_the_file() {
    let tz = zone("America/New_York");
    let xml = fixture("apple_health_ios8/export.xml");
    let truth = apple_truth(&String::from_utf8(xml.clone()).unwrap(), &tz);
    conform(
        "apple_health_ios8",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("export.xml", xml.clone()),
        ("export.zip", wrapped("apple_health_export/export.xml", xml)),
    )
    .await;
}

/// An activity recorded in Berlin (+02:00 observed) by a user whose zone is New York: it counts for the
/// Berlin day it starts, 26 October, not New York's or UTC's 25th. The session is written when the run
/// is saved, 45 s after the timer stopped: the workout lasts its `total_elapsed_time`, not until then.
#[tokio::test]
async fn fit_activity_figures_match_the_file() {
    let bytes = fixture("fit/run_2025-10-26.fit");
    let truth = fit_activity_truth(&bytes);
    conform(
        "fit/run_2025-10-26.fit",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("run.fit", bytes.clone()),
        ("run.zip", wrapped("run.fit", bytes)),
    )
    .await;
}

/// A day of monitoring in Berlin on the autumn DST change: cumulative step counters per activity type
/// become intervals between readings (one across the change), heart rate readings every few hours.
#[tokio::test]
async fn fit_monitoring_figures_match_the_file() {
    let bytes = fixture("fit/monitoring_2025-10-26.fit");
    let truth = fit_monitoring_truth(&bytes);
    conform(
        "fit/monitoring_2025-10-26.fit",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        ("monitoring.fit", bytes.clone()),
        ("monitoring.zip", wrapped("monitoring.fit", bytes)),
    )
    .await;
}

/// A scale shared by two people, imported by one of them (female, born 1991, 168 cm): only her weighings
/// count, the other profile's are someone else's. One weighing at 00:20 local on 16 February (UTC: the
/// 15th).
#[tokio::test]
async fn fit_shared_weight_scale_figures_are_the_account_owners() {
    let bytes = fixture("fit/weight_scale_2025-02-15.fit");
    let ana = Person {
        female: true,
        birth_year: 1991,
        height_cm: 168.0,
    };
    let truth = fit_weight_truth(&bytes, &ana, &zone("Europe/Berlin"));
    conform(
        "fit/weight_scale_2025-02-15.fit",
        json!({"time_zone": "Europe/Berlin", "sex": "female", "birth_year": ana.birth_year, "height_cm": ana.height_cm}),
        &truth,
        ("scale.fit", bytes.clone()),
        ("scale.zip", wrapped("scale.fit", bytes)),
    )
    .await;
}

/// A night run in Berlin from 23:30 UTC on 29 March: 00:30 local on the 30th, across the DST change.
#[tokio::test]
async fn gpx_track_figures_match_the_file() {
    let bytes = fixture("gpx/night_run_2025-03-30.gpx");
    let truth = gpx_truth(&String::from_utf8(bytes.clone()).unwrap(), &zone("Europe/Berlin"));
    conform(
        "gpx/night_run_2025-03-30.gpx",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        ("run.gpx", bytes.clone()),
        ("run.zip", wrapped("run.gpx", bytes)),
    )
    .await;
}

/// A two-lap night ride in New York starting 23:30 local on 1 November (UTC: the 2nd), over the DST
/// change.
#[tokio::test]
async fn tcx_activity_figures_match_the_file() {
    let bytes = fixture("tcx/night_ride_2025-11-02.tcx");
    let truth = tcx_truth(
        &String::from_utf8(bytes.clone()).unwrap(),
        &zone("America/New_York"),
    );
    conform(
        "tcx/night_ride_2025-11-02.tcx",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("ride.tcx", bytes.clone()),
        ("ride.zip", wrapped("ride.tcx", bytes)),
    )
    .await;
}

/// A Strava bulk export of the FIT, GPX and TCX fixtures (two of them gzipped, as Strava stores them)
/// and a workout entered by hand: each recording is joined to its row of `activities.csv`, and the
/// figures are the recordings' own. Read again as another archive (the entries in reverse order,
/// stored rather than deflated), it adds nothing.
#[tokio::test]
async fn strava_export_figures_match_its_recordings() {
    let (entries, truth) = strava_export(&zone("Europe/Berlin"));
    let export = crate::harness::zip_with(&entries, zip::CompressionMethod::Deflated);
    let mut reordered = entries.clone();
    reordered.reverse();
    let copy = crate::harness::zip_with(&reordered, zip::CompressionMethod::Stored);
    conform(
        "strava export",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        ("export_4242.zip", export),
        ("strava-again.zip", copy),
    )
    .await;
}

/// A Garmin Connect export: daily summaries (day totals spread over their GMT span), a workout known
/// from its summary alone, and the FIT files of a ZIP inside the ZIP (a run joined to its summary, a day
/// of monitoring). Read again as another archive (reverse order, stored), it adds nothing.
#[tokio::test]
async fn garmin_export_figures_match_its_files() {
    let (entries, truth) = garmin_export();
    let export = crate::harness::zip_with(&entries, zip::CompressionMethod::Deflated);
    let mut reordered = entries.clone();
    reordered.reverse();
    let copy = crate::harness::zip_with(&reordered, zip::CompressionMethod::Stored);
    conform(
        "garmin export",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("garmin_export.zip", export),
        ("garmin-again.zip", copy),
    )
    .await;
}

/// New York on the 2025 spring-forward day: UTC minutes of steps, distance and heart rate around local
/// midnight and the change, resting heart rate per local day, an exercise log across the change.
#[tokio::test]
async fn fitbit_takeout_figures_match_the_file() {
    let truth = fitbit_truth("fitbit_takeout", &zone("America/New_York"));
    conform(
        "fitbit_takeout",
        json!({"time_zone": "America/New_York"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("fitbit_takeout", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("fitbit_takeout", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// Berlin in January: steps as data points, quarter-hour rows and day rows. Days equal the points
/// (minutes between points stay empty); on 11 January one quarter-hour row holds 100 steps more than the
/// points inside it, and those count, in that quarter hour. Heart-rate points; a session with its TCX.
#[tokio::test]
async fn google_fit_takeout_figures_match_the_file() {
    let truth = google_fit_truth("google_fit_takeout", &zone("Europe/Berlin"));
    conform(
        "google_fit_takeout",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("google_fit_takeout", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("google_fit_takeout", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// Day rows only, back to back from one source, for a user in UTC: 100 steps on 10 January and 900 on
/// the 11th stay 100 and 900 (100/24 and 900/24 an hour), not flattened into one 48-hour interval.
#[tokio::test]
async fn google_fit_day_rows_back_to_back_keep_their_own_days() {
    let truth = google_fit_truth("google_fit_daily_only", &TimeZone::UTC);
    conform(
        "google_fit_daily_only",
        json!({"time_zone": "UTC"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("google_fit_daily_only", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("google_fit_daily_only", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}
