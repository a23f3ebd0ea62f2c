//! The upgrade from the previous release (commit 6677320): a database it wrote after importing every
//! fixture (`tests/fixtures/upgrade`, made by `scripts/upgrade-fixture.sh`) is opened by this release,
//! which migrates it and upgrades its data; then every file is imported again. Everything the API serves
//! afterwards must equal what a fresh database serves after importing the same files: figures rebuilt by
//! today's rules, records keyed by today's identities, nothing twice. Ids and creation times differ by
//! nature and are left out. Differences are collected and reported together.

mod snapshot;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{daily_rows, get_json};
use crate::harness::{spawn_app, spawn_app_from_fixture, tokens, TestApp, PASSWORD};
use snapshot::{all_pages, compare, line, snapshot, Mismatches};

/// A file as the script uploaded it.
enum File {
    /// A fixture file, by its path under `tests/fixtures`.
    Fixture(&'static str),
    /// A fixture folder as uploaded, zipped by the script (`tests/fixtures/upgrade/<name>`).
    Zip(&'static str),
    /// The first half of a fixture file's bytes (rounded down): an upload cut off. The previous release
    /// read it before the complete file; the upgraded database gets only the complete file again.
    FirstHalf(&'static str),
}

struct Upload {
    /// `x-file-name`.
    name: &'static str,
    file: File,
}

/// A user of the fixture database with the files uploaded for it, in order. Keep in step with `GROUPS`
/// in `scripts/upgrade-fixture.sh`.
struct Group {
    user: &'static str,
    /// The `PATCH /me` body (the zone and profile the figures tests use).
    me: &'static str,
    uploads: &'static [Upload],
    /// The local days compared: the fixture's days and one more on each side.
    days: (&'static str, &'static str),
}

const fn upload(name: &'static str, file: File) -> Upload {
    Upload { name, file }
}

const GOOGLE_FIT_TCX: &str =
    "google_fit_takeout/Takeout/Fit/Activities/2025-01-10T07_00_00+01_00_PT25M_Walking.tcx";

const GROUPS: &[Group] = &[
    Group {
        user: "apple_zip",
        me: r#"{"time_zone": "Europe/Berlin"}"#,
        uploads: &[upload("export.zip", File::Zip("apple_health_zip.zip"))],
        days: ("2025-03-28", "2025-04-01"),
    },
    Group {
        user: "apple_ios8",
        me: r#"{"time_zone": "America/New_York"}"#,
        uploads: &[upload(
            "export.xml",
            File::Fixture("apple_health_ios8/export.xml"),
        )],
        days: ("2015-03-06", "2015-03-10"),
    },
    Group {
        user: "fit_run",
        me: r#"{"time_zone": "America/New_York"}"#,
        uploads: &[
            upload("run_2025-10-26.fit", File::FirstHalf("fit/run_2025-10-26.fit")),
            upload("run_2025-10-26.fit", File::Fixture("fit/run_2025-10-26.fit")),
        ],
        days: ("2025-10-24", "2025-10-27"),
    },
    Group {
        user: "fit_monitoring",
        me: r#"{"time_zone": "Europe/Berlin"}"#,
        uploads: &[upload(
            "monitoring_2025-10-26.fit",
            File::Fixture("fit/monitoring_2025-10-26.fit"),
        )],
        days: ("2025-10-25", "2025-10-27"),
    },
    Group {
        user: "fit_scale",
        me: r#"{"time_zone": "Europe/Berlin", "sex": "female", "birth_year": 1991, "height_cm": 168.0}"#,
        uploads: &[upload(
            "weight_scale_2025-02-15.fit",
            File::Fixture("fit/weight_scale_2025-02-15.fit"),
        )],
        days: ("2025-02-13", "2025-02-17"),
    },
    Group {
        user: "gpx",
        me: r#"{"time_zone": "Europe/Berlin"}"#,
        uploads: &[upload(
            "night_run_2025-03-30.gpx",
            File::Fixture("gpx/night_run_2025-03-30.gpx"),
        )],
        days: ("2025-03-28", "2025-03-31"),
    },
    Group {
        user: "tcx",
        me: r#"{"time_zone": "America/New_York"}"#,
        uploads: &[upload(
            "night_ride_2025-11-02.tcx",
            File::Fixture("tcx/night_ride_2025-11-02.tcx"),
        )],
        days: ("2025-10-31", "2025-11-03"),
    },
    Group {
        user: "fitbit",
        me: r#"{"time_zone": "America/New_York"}"#,
        uploads: &[upload("takeout.zip", File::Zip("fitbit_takeout.zip"))],
        days: ("2025-03-07", "2025-03-11"),
    },
    Group {
        user: "google_fit",
        me: r#"{"time_zone": "Europe/Berlin"}"#,
        // The workout's TCX bare, then the Takeout holding it with its session: one workout.
        uploads: &[
            upload(
                "2025-01-10T07_00_00+01_00_PT25M_Walking.tcx",
                File::Fixture(GOOGLE_FIT_TCX),
            ),
            upload("takeout.zip", File::Zip("google_fit_takeout.zip")),
        ],
        days: ("2025-01-09", "2025-01-12"),
    },
    Group {
        user: "google_fit_daily",
        me: r#"{"time_zone": "UTC"}"#,
        uploads: &[upload("takeout.zip", File::Zip("google_fit_daily_only.zip"))],
        days: ("2025-01-09", "2025-01-12"),
    },
];

fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

fn read(relative: &str) -> Vec<u8> {
    std::fs::read(fixture_path(relative)).unwrap_or_else(|e| panic!("fixture {relative}: {e}"))
}

impl File {
    fn bytes(&self) -> Vec<u8> {
        match self {
            File::Fixture(path) => read(path),
            File::Zip(name) => read(&format!("upgrade/{name}")),
            File::FirstHalf(path) => {
                let mut bytes = read(path);
                bytes.truncate(bytes.len() / 2);
                bytes
            }
        }
    }
}

async fn upgraded_app() -> TestApp {
    spawn_app_from_fixture(
        &fixture_path("upgrade/previous-release.sqlite"),
        &fixture_path("upgrade/previous-release.postgres.sql"),
    )
    .await
}

// ----- Driving the application --------------------------------------------------------------------------

async fn log_in(app: &TestApp, user: &str) -> String {
    tokens(app.login(user, PASSWORD, None).await).await.access
}

/// Registers the group's user as the script did: the zone at registration (it then holds for all time),
/// the profile by `PATCH /me`.
async fn register(app: &TestApp, group: &Group) -> String {
    let me: Value = serde_json::from_str(group.me).unwrap();
    let body = serde_json::json!({
        "username": group.user,
        "email": format!("{}@example.org", group.user),
        "password": PASSWORD,
        "time_zone": me["time_zone"],
    });
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let token = log_in(app, group.user).await;
    assert_eq!(app.patch("/api/v1/me", Some(&token), me).await.status(), 200);
    token
}

/// Uploads a file and waits for its import (a new one, or the earlier one the upload answers with);
/// an import that does not end `done` is a mismatch.
async fn import(app: &TestApp, token: &str, what: &str, up: &Upload, m: &mut Mismatches) {
    let res = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", up.name)
        .body(up.file.bytes())
        .send()
        .await
        .unwrap();
    assert!(
        [200, 202].contains(&res.status().as_u16()),
        "{what}: {}",
        res.status()
    );
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..1200 {
        let status = get_json(app, token, &format!("/api/v1/imports/{id}")).await;
        match status["status"].as_str() {
            Some("done") => return,
            Some("failed") => {
                m.push(format!("{what}: the import failed: {status}"));
                return;
            }
            _ => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    panic!("{what}: import {id} did not finish");
}

// ----- The tests ----------------------------------------------------------------------------------------

/// After the upgrade and the same files imported again, every user's figures, samples, activities,
/// sources and raw records are what a fresh database holds after importing those files.
#[tokio::test]
async fn an_upgraded_database_imported_again_equals_a_fresh_import() {
    let mut m = Mismatches::default();
    let upgraded = upgraded_app().await;
    let mut old_tokens = Vec::new();
    for group in GROUPS {
        let token = log_in(&upgraded, group.user).await;
        // The cut-off upload is not repeated: its file is gone, the complete one is what a user has.
        for up in group
            .uploads
            .iter()
            .filter(|u| !matches!(u.file, File::FirstHalf(_)))
        {
            let what = format!("upgraded {} {}", group.user, up.name);
            import(&upgraded, &token, &what, up, &mut m).await;
        }
        old_tokens.push(token);
    }
    let fresh = spawn_app().await;
    let mut new_tokens = Vec::new();
    for group in GROUPS {
        let token = register(&fresh, group).await;
        for up in group.uploads {
            import(
                &fresh,
                &token,
                &format!("fresh {} {}", group.user, up.name),
                up,
                &mut m,
            )
            .await;
        }
        new_tokens.push(token);
    }
    for ((group, old), new) in GROUPS.iter().zip(&old_tokens).zip(&new_tokens) {
        let a = snapshot(&upgraded, old, group.days).await;
        let b = snapshot(&fresh, new, group.days).await;
        compare(group.user, &a, &b, &mut m);
    }
    m.finish();
}

/// The previous release kept the Google Fit workout twice (its TCX uploaded bare, then the Takeout with
/// it and its session). Identity keys no longer depend on the file, so the upgrade alone makes it one,
/// before any file is read again.
#[tokio::test]
async fn the_upgrade_alone_makes_a_workout_uploaded_twice_one() {
    let app = upgraded_app().await;
    let token = log_in(&app, "google_fit").await;
    let activities = all_pages(&app, &token, "/api/v1/activities?limit=100&sort=start").await;
    let fields = ["type", "start", "end", "external_id"];
    let lines: Vec<String> = activities.iter().map(|a| line(a, &fields)).collect();
    assert_eq!(lines.len(), 1, "one workout, listed once: {lines:#?}");
    let days = daily_rows(&app, &token, "2025-01-10", "2025-01-10").await;
    assert_eq!(days[0]["workout_count"], 1, "{days:?}");
}

#[tokio::test]
async fn rekeying_keeps_the_live_copy_of_a_workout_and_leaves_the_apis_own_ids_alone() {
    use wearhouse_model::{ActivityFields, ActivityId, ActivityType};
    use wearhouse_store::NewActivity;

    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    let start: jiff::Timestamp = "2021-04-19T20:57:39.686Z".parse().unwrap();
    let run = ActivityFields::new(
        ActivityType::Running,
        start,
        start + jiff::SignedDuration::from_mins(30),
    );
    let activity = |key: &str, import: Option<&str>| NewActivity {
        id: ActivityId::generate(),
        fields: run.clone(),
        source_id: None,
        external_id: Some(key.to_owned()),
        streams: None,
        import_id: import.map(str::to_owned),
    };
    // As the previous release left them: a bare TCX (the older copy, which the user deleted) and the
    // same workout from a Takeout (live); and a workout a client posted with an ISO time as its id.
    let bare = activity("2021-04-19T20:57:39.686Z", Some("imp_bare"));
    let takeout = activity("googlefit:1618865859686", Some("imp_takeout"));
    let posted = ActivityFields::new(
        ActivityType::Cycling,
        start,
        start + jiff::SignedDuration::from_mins(60),
    );
    let posted = NewActivity {
        fields: posted,
        ..activity("2021-04-19T20:57:39Z", None)
    };
    let now = jiff::Timestamp::now();
    for a in [&bare, &takeout, &posted] {
        store
            .activities
            .create_activities(&user, std::slice::from_ref(a), now)
            .await
            .unwrap();
    }
    store
        .activities
        .delete_activity(&user, &bare.id, now)
        .await
        .unwrap();
    store.settings.set("data_version", "0").await.unwrap();

    let report = wearhouse_services::upgrade::upgrade(&store, now).await.unwrap();
    assert_eq!(
        (report.activities_rekeyed, report.duplicates_trashed),
        (1, 1),
        "{report:?}"
    );
    let kept = store
        .activities
        .activity(&user, &takeout.id, false)
        .await
        .unwrap();
    assert_eq!(
        kept.external_id.as_deref(),
        Some("start:1618865859686"),
        "the live copy keeps the workout"
    );
    let deleted = store.activities.activity(&user, &bare.id, true).await.unwrap();
    assert!(deleted.deleted_at.is_some() && deleted.external_id.is_none());
    assert_eq!(
        deleted.revision, 2,
        "already in the trash: it only gives up the key"
    );
    let own = store.activities.activity(&user, &posted.id, false).await.unwrap();
    assert_eq!(
        own.external_id.as_deref(),
        Some("2021-04-19T20:57:39Z"),
        "a client's id is its own"
    );
    store.close().await;
    let listed = get_json(&app, &ana.access, "/api/v1/activities").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

/// Workouts stored before routes were kept beside their streams have their route drawn from the
/// streams when read: the same route a fresh import of the file stores.
#[tokio::test]
async fn routes_of_workouts_stored_before_routes_were_kept_come_from_their_streams() {
    let mut m = Mismatches::default();
    let upgraded = upgraded_app().await;
    let fresh = spawn_app().await;
    let mut answers = Vec::new();
    // (Not the FIT run: the previous release read that file differently, its type included.)
    for user in ["gpx", "tcx"] {
        let group = GROUPS.iter().find(|g| g.user == user).unwrap();
        let token = register(&fresh, group).await;
        for up in group.uploads {
            import(&fresh, &token, &format!("fresh {user} {}", up.name), up, &mut m).await;
        }
        let old = log_in(&upgraded, user).await;
        for tolerance in [1, 10] {
            let path = format!("/api/v1/activities/routes?tolerance_m={tolerance}");
            let strip = |mut body: Value| {
                // Ids differ between the databases; the routes must not.
                for route in body["routes"].as_array_mut().unwrap() {
                    route.as_object_mut().unwrap().remove("id");
                }
                body
            };
            let a = strip(get_json(&upgraded, &old, &path).await);
            let b = strip(get_json(&fresh, &token, &path).await);
            // Each file has one workout with positions.
            assert_eq!(a["routes"].as_array().unwrap().len(), 1, "{user}: {a}");
            assert!(a["routes"][0]["points"].as_u64().unwrap() > 10, "{user}: {a}");
            assert_eq!(a, b, "{user} at {tolerance} m");
            answers.push(a);
        }
    }
    m.finish();
    assert_eq!(answers.len(), 4);
}
