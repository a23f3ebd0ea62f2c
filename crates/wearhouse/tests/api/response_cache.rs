//! Summary and series responses come from the cache while the user's data stays as it was, and every
//! kind of change shows on the very next read: samples, workouts added, edited and deleted, a new source
//! order, a new first weekday.

use serde_json::{json, Value};

use crate::harness::*;

/// This process's response-cache lookups answered `result` (`local` or `miss`), from `/metrics`.
async fn lookups(app: &TestApp, result: &str) -> u64 {
    let text = app.get("/metrics", None).await.text().await.unwrap();
    let series = format!("wearhouse_response_cache_lookups_total{{result=\"{result}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series))
        .map_or(0, |n| n.trim().parse().unwrap())
}

/// Reads `path` twice: the first read must compute (a miss), the second come from the cache with the
/// same body. Returns the body.
async fn computed_then_cached(app: &TestApp, token: &str, path: &str) -> Value {
    let (misses, hits) = (lookups(app, "miss").await, lookups(app, "local").await);
    let first = get_json(app, token, path).await;
    assert_eq!(
        lookups(app, "miss").await,
        misses + 1,
        "{path}: computed after a change"
    );
    let second = get_json(app, token, path).await;
    assert_eq!(
        lookups(app, "local").await,
        hits + 1,
        "{path}: the repeat came from the cache"
    );
    assert_eq!(first, second, "{path}");
    first
}

fn steps(start: &str, end: &str, value: f64, source: &str, kind: &str) -> Value {
    json!({"metric": "steps", "value": value, "start": start, "end": end,
           "source": {"name": source, "kind": kind}})
}

async fn ingest(app: &TestApp, token: &str, samples: Value) {
    let res = app
        .post("/api/v1/samples", Some(token), json!({ "samples": samples }))
        .await;
    assert_eq!(res.status(), 200);
}

/// A watch's 1,000 steps from 09:00 to 10:00 UTC on 2026-05-04.
fn watch_hour() -> Value {
    json!([steps(
        "2026-05-04T09:00:00Z",
        "2026-05-04T10:00:00Z",
        1000.0,
        "Watch",
        "watch"
    )])
}

const DAY: &str = "/api/v1/summaries/daily?from=2026-05-04&to=2026-05-04";

async fn day(app: &TestApp, token: &str) -> Value {
    summary_rows(&computed_then_cached(app, token, DAY).await)[0].clone()
}

#[tokio::test]
async fn cached_views_change_on_the_next_read_after_every_kind_of_change() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let a = &t.access;
    ingest(&app, a, watch_hour()).await;
    assert_eq!(day(&app, a).await["steps"], 1000.0);
    // Another user's reads and writes neither see nor move ana's entries.
    let ben = app.signed_up("ben").await;
    ingest(
        &app,
        &ben.access,
        json!([steps(
            "2026-05-04T09:00:00Z",
            "2026-05-04T10:00:00Z",
            7.0,
            "Watch",
            "watch"
        )]),
    )
    .await;
    assert_eq!(day(&app, &ben.access).await["steps"], 7.0);
    let hits = lookups(&app, "local").await;
    assert_eq!(get_json(&app, a, DAY).await["figures"]["steps"][0], 1000.0);
    assert_eq!(
        lookups(&app, "local").await,
        hits + 1,
        "ana's entry survived ben's write"
    );

    // A phone overlapping the watch's last half hour and adding half an hour of its own.
    ingest(
        &app,
        a,
        json!([steps(
            "2026-05-04T09:30:00Z",
            "2026-05-04T10:30:00Z",
            800.0,
            "Phone",
            "phone"
        )]),
    )
    .await;
    assert_eq!(day(&app, a).await["steps"], 1400.0, "watch first: 1000 + 400");

    // A new source order: the phone first.
    let order: Vec<Value> = app
        .get("/api/v1/sources/priority", Some(a))
        .await
        .json()
        .await
        .unwrap();
    let phone = order.iter().find(|s| s["name"] == "Phone").unwrap()["id"].clone();
    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/sources/priority",
            Some(a),
            Some(json!({"order": [phone]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(day(&app, a).await["steps"], 1300.0, "phone first: 800 + 500");

    // Workouts: added, edited, deleted.
    let res = app
        .post(
            "/api/v1/activities",
            Some(a),
            json!({"type": "running", "start": "2026-05-04T17:00:00Z", "duration": 1800, "distance": 5000.0}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let run: Value = res.json().await.unwrap();
    let row = day(&app, a).await;
    assert_eq!(row["workout_count"], 1);
    assert_eq!(row["workout_distance"], 5000.0);
    let res = app
        .patch(
            &format!("/api/v1/activities/{}", run["id"].as_str().unwrap()),
            Some(a),
            json!({"distance": 6000.0}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(day(&app, a).await["workout_distance"], 6000.0);
    let res = app
        .delete(
            &format!("/api/v1/activities/{}", run["id"].as_str().unwrap()),
            Some(a),
            None,
        )
        .await;
    assert!(res.status().is_success());
    assert!(day(&app, a).await.get("workout_count").is_none());

    // Series and totals are cached and follow changes the same way.
    let series =
        "/api/v1/samples?metric=steps&resolution=hour&from=2026-05-04T00:00:00Z&to=2026-05-05T00:00:00Z";
    let total = "/api/v1/summaries/totals?metric=steps&period=day&date=2026-05-04";
    let hours = |body: &Value| body["buckets"].as_array().unwrap().len();
    assert_eq!(hours(&computed_then_cached(&app, a, series).await), 2);
    assert_eq!(computed_then_cached(&app, a, total).await["total"], 1300.0);
    ingest(
        &app,
        a,
        json!([steps(
            "2026-05-04T20:00:00Z",
            "2026-05-04T20:10:00Z",
            50.0,
            "Phone",
            "phone"
        )]),
    )
    .await;
    assert_eq!(hours(&computed_then_cached(&app, a, series).await), 3);
    assert_eq!(computed_then_cached(&app, a, total).await["total"], 1350.0);

    // Weeks follow a new first weekday (it is part of what the answer depends on).
    let weekly = "/api/v1/summaries/weekly?from=2026-05-04&to=2026-05-04";
    assert_eq!(
        computed_then_cached(&app, a, weekly).await["start"][0],
        "2026-05-04"
    );
    let res = app
        .patch("/api/v1/me", Some(a), json!({"first_weekday": "sunday"}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        computed_then_cached(&app, a, weekly).await["start"][0],
        "2026-05-03"
    );

    // Errors are not kept: the same bad request computes (and fails) every time.
    let bad = "/api/v1/summaries/daily?from=2026-05-04&to=2026-05-01";
    let misses = lookups(&app, "miss").await;
    for _ in 0..2 {
        assert_problem(app.get(bad, Some(a)).await, 422, "validation_failed").await;
    }
    assert_eq!(lookups(&app, "miss").await, misses + 2);
}

#[tokio::test]
async fn with_the_cache_off_every_read_computes() {
    let app = spawn_app_with(|c| c.responses.cache = false).await;
    let t = app.signed_up("ana").await;
    ingest(&app, &t.access, watch_hour()).await;
    for _ in 0..2 {
        assert_eq!(
            get_json(&app, &t.access, DAY).await["figures"]["steps"][0],
            1000.0
        );
    }
    assert_eq!(
        (lookups(&app, "local").await, lookups(&app, "miss").await),
        (0, 0)
    );
}
