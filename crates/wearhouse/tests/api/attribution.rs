//! `GET /api/v1/samples/attribution`: each source's part in a day's figure, following the priority.

use serde_json::{json, Value};

use crate::harness::*;

fn watch() -> Value {
    json!({"name": "Ana's Watch", "kind": "watch"})
}

fn phone() -> Value {
    json!({"name": "Ana's Phone", "kind": "phone"})
}

fn steps(start: &str, end: &str, value: f64, source: Value) -> Value {
    json!({"metric": "steps", "value": value, "start": start, "end": end, "source": source})
}

fn hr(at: &str, value: f64, source: Value) -> Value {
    json!({"metric": "heart_rate", "value": value, "start": at, "source": source})
}

/// A user in Europe/Berlin with a watch and a phone that overlap on 2026-05-04.
async fn overlapping_day(app: &TestApp) -> Tokens {
    let body = json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "Europe/Berlin"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let t = tokens(app.login("ana", PASSWORD, None).await).await;
    let samples = json!([
        // Watch 09:00–10:00: 1000 steps. Phone 09:30–10:30: 800, of which 10:00–10:30 adds 400.
        steps(
            "2026-05-04T09:00:00+02:00",
            "2026-05-04T10:00:00+02:00",
            1000.0,
            watch()
        ),
        steps(
            "2026-05-04T09:30:00+02:00",
            "2026-05-04T10:30:00+02:00",
            800.0,
            phone()
        ),
        // Phone alone 23:30–00:30 across local midnight: 300 of its 600 on the 4th.
        steps(
            "2026-05-04T23:30:00+02:00",
            "2026-05-05T00:30:00+02:00",
            600.0,
            phone()
        ),
        // Readings: in the minute 09:00 both; the watch's wins. At 11:00 only the phone.
        hr("2026-05-04T09:00:10+02:00", 60.0, watch()),
        hr("2026-05-04T09:00:20+02:00", 70.0, phone()),
        hr("2026-05-04T11:00:00+02:00", 80.0, phone()),
    ]);
    let res = app
        .post("/api/v1/samples", Some(&t.access), json!({ "samples": samples }))
        .await;
    assert_eq!(res.status(), 200);
    t
}

async fn attribution(app: &TestApp, token: &str, metric: &str) -> Value {
    get_json(
        app,
        token,
        &format!("/api/v1/samples/attribution?metric={metric}&date=2026-05-04"),
    )
    .await
}

/// Each source's name, and its runs as (start, end, value, counted, treatment).
type RunRow = (String, String, f64, Option<f64>, String);

fn timeline(body: &Value) -> Vec<(String, Vec<RunRow>)> {
    body["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let runs = s["runs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["start"].as_str().unwrap().to_owned(),
                        r["end"].as_str().unwrap().to_owned(),
                        r["value"].as_f64().unwrap(),
                        r["counted"].as_f64(),
                        r["treatment"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (s["source"]["name"].as_str().unwrap().to_owned(), runs)
        })
        .collect()
}

fn run(start: &str, end: &str, value: f64, counted: impl Into<Option<f64>>, treatment: &str) -> RunRow {
    (start.into(), end.into(), value, counted.into(), treatment.into())
}

#[tokio::test]
async fn each_source_shows_what_the_merge_counted_and_the_parts_add_up_to_the_day() {
    let app = spawn_app().await;
    let t = overlapping_day(&app).await;
    let body = attribution(&app, &t.access, "steps").await;
    assert_eq!(
        (body["metric"].clone(), body["unit"].clone()),
        (json!("steps"), json!("count"))
    );
    assert_eq!(
        timeline(&body),
        vec![
            (
                "Ana's Watch".to_owned(),
                vec![run(
                    "2026-05-04T07:00:00Z",
                    "2026-05-04T08:00:00Z",
                    1000.0,
                    1000.0,
                    "counted"
                )]
            ),
            (
                "Ana's Phone".to_owned(),
                vec![
                    run(
                        "2026-05-04T07:30:00Z",
                        "2026-05-04T08:30:00Z",
                        800.0,
                        400.0,
                        "partly_counted"
                    ),
                    run(
                        "2026-05-04T21:30:00Z",
                        "2026-05-04T22:30:00Z",
                        300.0,
                        300.0,
                        "counted"
                    ),
                ]
            ),
        ]
    );
    let phone_total = &body["sources"][1]["total"];
    assert_eq!(
        (
            phone_total["samples"].clone(),
            phone_total["value"].clone(),
            phone_total["counted"].clone()
        ),
        (json!(2), json!(1100.0), json!(700.0))
    );
    assert_eq!(phone_total["treatment"], "partly_counted");
    assert_eq!(phone_total["share"], 0.636);
    let day = daily_rows(&app, &t.access, "2026-05-04", "2026-05-04").await;
    assert_eq!(day[0]["steps"], 1700.0);
    assert_eq!(body["figure"].as_f64(), day[0]["steps"].as_f64());

    // Readings: the phone's reading in the watch's minute is set aside; the day's mean is of those kept.
    let body = attribution(&app, &t.access, "heart_rate").await;
    assert_eq!(
        timeline(&body),
        vec![
            (
                "Ana's Watch".to_owned(),
                vec![run(
                    "2026-05-04T07:00:10Z",
                    "2026-05-04T07:00:10Z",
                    60.0,
                    60.0,
                    "counted"
                )]
            ),
            (
                "Ana's Phone".to_owned(),
                vec![
                    run(
                        "2026-05-04T07:00:20Z",
                        "2026-05-04T07:00:20Z",
                        70.0,
                        None,
                        "set_aside"
                    ),
                    run(
                        "2026-05-04T09:00:00Z",
                        "2026-05-04T09:00:00Z",
                        80.0,
                        80.0,
                        "counted"
                    ),
                ]
            ),
        ]
    );
    let runs = &body["sources"][1]["runs"];
    assert_eq!(runs[0]["treatment"], "set_aside");
    assert_eq!(runs[0]["counted"], Value::Null);
    assert_eq!(runs[0]["share"], 0.0);
    assert_eq!(runs[1]["treatment"], "counted");
    assert_eq!(body["figure"], 70.0);
    assert_eq!(body["figure"].as_f64(), day[0]["heart_rate_avg"].as_f64());
}

#[tokio::test]
async fn reordering_the_sources_changes_which_counts() {
    let app = spawn_app().await;
    let t = overlapping_day(&app).await;
    let before = attribution(&app, &t.access, "steps").await;
    let phone_id = before["sources"][1]["source"]["id"].as_i64().unwrap();
    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/sources/priority",
            Some(&t.access),
            Some(json!({"order": [phone_id]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after = attribution(&app, &t.access, "steps").await;
    assert_eq!(
        timeline(&after),
        vec![
            (
                "Ana's Phone".to_owned(),
                vec![
                    run(
                        "2026-05-04T07:30:00Z",
                        "2026-05-04T08:30:00Z",
                        800.0,
                        800.0,
                        "counted"
                    ),
                    run(
                        "2026-05-04T21:30:00Z",
                        "2026-05-04T22:30:00Z",
                        300.0,
                        300.0,
                        "counted"
                    ),
                ]
            ),
            (
                "Ana's Watch".to_owned(),
                vec![run(
                    "2026-05-04T07:00:00Z",
                    "2026-05-04T08:00:00Z",
                    1000.0,
                    500.0,
                    "partly_counted"
                )]
            ),
        ]
    );
    let day = daily_rows(&app, &t.access, "2026-05-04", "2026-05-04").await;
    assert_eq!(after["figure"], 1600.0);
    assert_eq!(after["figure"].as_f64(), day[0]["steps"].as_f64());
}

#[tokio::test]
async fn a_day_without_data_and_bad_requests() {
    let app = spawn_app().await;
    let t = overlapping_day(&app).await;
    let empty = get_json(
        &app,
        &t.access,
        "/api/v1/samples/attribution?metric=steps&date=2026-05-06",
    )
    .await;
    assert_eq!(
        (empty["figure"].clone(), empty["sources"].clone()),
        (Value::Null, json!([]))
    );
    // Another user sees nothing of Ana's.
    let bruno = app.signed_up("bruno").await;
    let theirs = attribution(&app, &bruno.access, "steps").await;
    assert_eq!(theirs["sources"], json!([]));

    for (query, field, code) in [
        ("metric=sleep&date=2026-05-04", "metric", "not_attributable"),
        ("metric=stepz&date=2026-05-04", "metric", "unknown_metric"),
        ("metric=steps&date=2026-02-30", "date", "invalid_date"),
        ("metric=steps&date=2200-01-01", "date", "invalid_date"),
    ] {
        let res = app
            .get(&format!("/api/v1/samples/attribution?{query}"), Some(&t.access))
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
        assert_eq!(problem["errors"][0]["code"], code, "{query}");
    }
    let res = app
        .get("/api/v1/samples/attribution?metric=steps&date=2026-05-04", None)
        .await;
    assert_eq!(res.status(), 401);
}
