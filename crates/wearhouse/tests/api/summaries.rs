//! `/api/v1/summaries/daily`: known answers for merged sources, local days across DST and observed
//! offsets, and incremental rollups equal to a full rebuild.

use serde_json::{json, Value};

use crate::harness::*;

const WATCH: &str = r#"{"name": "Ana's Watch", "kind": "watch"}"#;
const PHONE: &str = r#"{"name": "Ana's Phone", "kind": "phone"}"#;

fn src(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn steps(start: &str, end: &str, value: f64, source: &str) -> Value {
    json!({"metric": "steps", "value": value, "start": start, "end": end, "source": src(source)})
}

fn hr(at: &str, value: f64, source: &str) -> Value {
    json!({"metric": "heart_rate", "value": value, "start": at, "source": src(source)})
}

/// A user in Europe/Berlin.
async fn berliner(app: &TestApp) -> Tokens {
    let body = json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "Europe/Berlin"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    tokens(app.login("ana", PASSWORD, None).await).await
}

async fn ingest(app: &TestApp, token: &str, samples: Value) {
    let res = app
        .post("/api/v1/samples", Some(token), json!({ "samples": samples }))
        .await;
    assert_eq!(res.status(), 200);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["rejected"], json!([]), "{outcome}");
}

async fn daily(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<Value> {
    daily_rows(app, token, from, to).await
}

#[tokio::test]
async fn overlapping_watch_and_phone_count_each_moment_once() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // Watch 09:00–10:00 local: 1000 steps. Phone 09:30–10:30: 800 steps. The phone only adds 10:00–10:30.
    ingest(
        &app,
        &t.access,
        json!([
            steps(
                "2026-05-04T09:00:00+02:00",
                "2026-05-04T10:00:00+02:00",
                1000.0,
                WATCH
            ),
            steps(
                "2026-05-04T09:30:00+02:00",
                "2026-05-04T10:30:00+02:00",
                800.0,
                PHONE
            ),
        ]),
    )
    .await;
    let days = daily(&app, &t.access, "2026-05-04", "2026-05-04").await;
    assert_eq!(days[0]["steps"], 1400.0, "not the naive 1800");
}

#[tokio::test]
async fn local_days_follow_the_zone_across_the_dst_change_and_split_at_midnight() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    ingest(
        &app,
        &t.access,
        json!([
            // 23:30 CET on the 28th to 00:30 CET on the 29th (sent as UTC: the profile's zone decides).
            steps("2026-03-28T22:30:00Z", "2026-03-28T23:30:00Z", 60.0, WATCH),
            // 22:30 UTC on the 29th is 00:30 CEST on the 30th, after the spring-forward change.
            steps("2026-03-29T22:30:00Z", "2026-03-29T22:40:00Z", 100.0, WATCH),
            // 21:50 UTC on the 29th is 23:50 CEST, still the 29th.
            steps("2026-03-29T21:50:00Z", "2026-03-29T21:55:00Z", 7.0, WATCH),
        ]),
    )
    .await;
    let days = daily(&app, &t.access, "2026-03-28", "2026-03-30").await;
    let got: Vec<(&str, f64)> = days
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["steps"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![("2026-03-28", 30.0), ("2026-03-29", 37.0), ("2026-03-30", 100.0)]
    );
}

#[tokio::test]
async fn an_observed_offset_decides_the_day_over_the_profile_zone() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // 05:00 in Tokyo on the 5th is 20:00 UTC on the 4th, 22:00 in Berlin (the 4th): the observed +09:00
    // puts it on the 5th. A sample stamped in UTC at 19:00 has no observed offset, so the profile's zone
    // (Berlin, 21:00) puts it on the 4th. The two do not overlap in time, so both count.
    ingest(
        &app,
        &t.access,
        json!([steps(
            "2026-05-05T05:00:00+09:00",
            "2026-05-05T05:10:00+09:00",
            50.0,
            WATCH
        )]),
    )
    .await;
    ingest(
        &app,
        &t.access,
        json!([steps("2026-05-04T19:00:00Z", "2026-05-04T19:10:00Z", 8.0, PHONE)]),
    )
    .await;
    let days = daily(&app, &t.access, "2026-05-04", "2026-05-05").await;
    assert_eq!(
        days[0]["steps"], 8.0,
        "the UTC-stamped sample falls on the Berlin day"
    );
    assert_eq!(days[1]["steps"], 50.0, "the Tokyo sample falls on the Tokyo day");
}

#[tokio::test]
async fn heart_rate_figures_come_from_the_best_source_per_minute() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    ingest(
        &app,
        &t.access,
        json!([
            hr("2026-05-04T10:00:10+02:00", 60.0, WATCH),
            hr("2026-05-04T10:00:20+02:00", 90.0, PHONE),
            hr("2026-05-04T10:01:05+02:00", 100.0, PHONE),
            hr("2026-05-04T10:02:00+02:00", 70.0, WATCH),
            hr("2026-05-04T10:02:30+02:00", 72.0, WATCH),
        ]),
    )
    .await;
    let day = &daily(&app, &t.access, "2026-05-04", "2026-05-04").await[0];
    assert_eq!(day["heart_rate_avg"], 75.5, "(60 + 100 + 70 + 72) / 4");
    assert_eq!(day["heart_rate_min"], 60.0);
    assert_eq!(day["heart_rate_max"], 100.0);
}

#[tokio::test]
async fn every_day_is_listed_and_reingesting_changes_nothing() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    let batch = json!([
        steps(
            "2026-05-04T09:00:00+02:00",
            "2026-05-04T09:10:00+02:00",
            300.0,
            WATCH
        ),
        json!({"metric": "active_energy", "value": 418.4, "unit": "kJ", "start": "2026-05-04T09:00:00+02:00", "end": "2026-05-04T09:10:00+02:00"}),
        json!({"metric": "basal_energy", "value": 1500, "start": "2026-05-04T00:00:00+02:00", "end": "2026-05-04T23:59:59+02:00"}),
    ]);
    ingest(&app, &t.access, batch.clone()).await;
    ingest(&app, &t.access, batch).await;
    let days = daily(&app, &t.access, "2026-05-03", "2026-05-05").await;
    assert_eq!(days.len(), 3);
    assert_eq!(days[0], json!({"date": "2026-05-03"}));
    assert_eq!(days[1]["steps"], 300.0);
    // 418.4 kJ is 100 kcal; served rounded, so exactly.
    assert_eq!(days[1]["active_energy"], 100.0);
    assert_eq!(days[1]["total_energy"], 1600.0);
    assert_eq!(days[2], json!({"date": "2026-05-05"}));
}

#[tokio::test]
async fn bad_dates_and_ranges_are_refused() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    let res = app
        .get(
            "/api/v1/summaries/daily?from=2026-13-01&to=yesterday",
            Some(&t.access),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let res = app
        .get(
            "/api/v1/summaries/daily?from=2026-05-05&to=2026-05-04",
            Some(&t.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .get(
            "/api/v1/summaries/daily?from=2020-01-01&to=2026-01-01",
            Some(&t.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn incremental_rollups_equal_a_full_rebuild() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // Three days of overlapping watch and phone data, sent in batches out of order.
    let mut batches: Vec<Value> = Vec::new();
    for day in [6, 4, 5] {
        let mut batch = Vec::new();
        for hour in 0..24 {
            let at = |m: u32| format!("2026-05-{day:02}T{hour:02}:{m:02}:00+02:00");
            batch.push(steps(&at(0), &at(30), f64::from(100 + hour), WATCH));
            batch.push(steps(&at(15), &at(45), f64::from(80 + hour), PHONE));
            batch.push(hr(&at(5), f64::from(60 + hour), WATCH));
            batch.push(hr(&at(5), f64::from(90 + hour), PHONE));
        }
        batches.push(json!(batch));
    }
    for batch in batches {
        ingest(&app, &t.access, batch).await;
    }
    let incremental = daily(&app, &t.access, "2026-05-03", "2026-05-07").await;
    let range = "from=2026-05-03T00:00:00Z&to=2026-05-08T00:00:00Z";
    let hourly_steps = format!("metric=steps&resolution=hour&{range}");
    let hourly_hr = format!("metric=heart_rate&resolution=hour&{range}");
    let incremental_hours = (
        series(&app, &t.access, &hourly_steps).await,
        series(&app, &t.access, &hourly_hr).await,
    );
    assert_eq!(incremental_hours.0["buckets"].as_array().unwrap().len(), 72);

    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap();
    let rollups = wearhouse_services::rollups::Rollups::new(store.clone());
    wearhouse_services::SummaryService::new(store.clone(), rollups)
        .rebuild(&user.id)
        .await
        .unwrap();
    store.close().await;
    let rebuilt = daily(&app, &t.access, "2026-05-03", "2026-05-07").await;
    assert_eq!(incremental, rebuilt);
    let rebuilt_hours = (
        series(&app, &t.access, &hourly_steps).await,
        series(&app, &t.access, &hourly_hr).await,
    );
    assert_eq!(incremental_hours, rebuilt_hours);
    assert!(
        incremental[2]["steps"].as_f64().unwrap() > 0.0,
        "{:?}",
        incremental[2]
    );
}

#[tokio::test]
async fn back_to_back_days_of_one_source_keep_their_own_totals_by_day_and_hour() {
    let app = spawn_app().await;
    let body =
        json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": "UTC"});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let t = tokens(app.login("ana", PASSWORD, None).await).await;
    // One source, 100 steps over one day and 900 over the next, sent apart: the second batch marks only
    // its own days, so the first day's figure comes from a recompute of that day alone.
    let day = |d: u32, value: f64| {
        let at = |d: u32| format!("2025-01-{d:02}T00:00:00Z");
        steps(&at(d), &at(d + 1), value, PHONE)
    };
    ingest(&app, &t.access, json!([day(10, 100.0)])).await;
    assert_eq!(
        daily(&app, &t.access, "2025-01-10", "2025-01-10").await[0]["steps"],
        100.0
    );
    ingest(&app, &t.access, json!([day(11, 900.0)])).await;
    let check = |days: &[Value], hours: &Value| {
        let totals: Vec<f64> = days.iter().map(|d| d["steps"].as_f64().unwrap()).collect();
        assert_eq!(totals, [100.0, 900.0], "not 500 and 500: {days:?}");
        let buckets = hours["buckets"].as_array().unwrap();
        assert_eq!(buckets.len(), 48);
        for (i, b) in buckets.iter().enumerate() {
            let expected = if i < 24 { 100.0 / 24.0 } else { 900.0 / 24.0 };
            let value = b["value"].as_f64().unwrap();
            assert!(
                (value - expected).abs() < 1e-9,
                "hour {i}: {value}, expected {expected}"
            );
        }
    };
    let query = "metric=steps&resolution=hour&from=2025-01-10T00:00:00Z&to=2025-01-12T00:00:00Z";
    let incremental = (
        daily(&app, &t.access, "2025-01-10", "2025-01-11").await,
        series(&app, &t.access, query).await,
    );
    check(&incremental.0, &incremental.1);

    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap();
    let rollups = wearhouse_services::rollups::Rollups::new(store.clone());
    wearhouse_services::SummaryService::new(store.clone(), rollups)
        .rebuild(&user.id)
        .await
        .unwrap();
    store.close().await;
    let rebuilt = (
        daily(&app, &t.access, "2025-01-10", "2025-01-11").await,
        series(&app, &t.access, query).await,
    );
    assert_eq!(
        incremental, rebuilt,
        "one day recomputed alone equals a full rebuild"
    );
    // The minute resolution is computed from raw samples by the same rule.
    let minutes = series(
        &app,
        &t.access,
        "metric=steps&resolution=minute&from=2025-01-10T23:59:00Z&to=2025-01-11T00:01:00Z",
    )
    .await;
    let values: Vec<f64> = minutes["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values.len(), 2);
    assert!((values[0] - 100.0 / 1440.0).abs() < 1e-9 && (values[1] - 900.0 / 1440.0).abs() < 1e-9);
}

#[tokio::test]
async fn a_user_chosen_priority_changes_which_source_wins_and_summaries_follow() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    ingest(
        &app,
        &t.access,
        json!([
            steps(
                "2026-05-04T09:00:00+02:00",
                "2026-05-04T10:00:00+02:00",
                1000.0,
                WATCH
            ),
            steps(
                "2026-05-04T09:30:00+02:00",
                "2026-05-04T10:30:00+02:00",
                800.0,
                PHONE
            ),
        ]),
    )
    .await;
    let order: Vec<Value> = app
        .get("/api/v1/sources/priority", Some(&t.access))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = order.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Ana's Watch", "Ana's Phone"],
        "wearables first by default"
    );
    let (watch, phone) = (order[0]["id"].as_i64().unwrap(), order[1]["id"].as_i64().unwrap());

    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/sources/priority",
            Some(&t.access),
            Some(json!({"order": [phone]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let order: Vec<Value> = res.json().await.unwrap();
    assert_eq!(order[0]["id"], phone);
    assert_eq!(order[0]["priority"], 0);
    assert_eq!(order[1]["id"], watch);
    // Now the phone wins 09:30–10:30 (800) and the watch only adds 09:00–09:30 (500).
    let days = daily(&app, &t.access, "2026-05-04", "2026-05-04").await;
    assert_eq!(days[0]["steps"], 1300.0);

    for (body, code) in [
        (json!({"order": [phone, phone]}), "duplicate_source"),
        (json!({"order": [99_999]}), "unknown_source"),
    ] {
        let res = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/sources/priority",
                Some(&t.access),
                Some(body),
            )
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["code"], code);
    }
    // Another user's source ids are unknown here.
    let bruno = app.signed_up("bruno").await;
    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/sources/priority",
            Some(&bruno.access),
            Some(json!({"order": [watch]})),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn weeks_start_on_the_users_first_weekday_and_months_are_whole() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // 2026-05-02 is a Saturday, 05-03 a Sunday, 05-04 a Monday; 2026-06-01 a Monday in the next month.
    ingest(
        &app,
        &t.access,
        json!([
            steps(
                "2026-05-02T10:00:00+02:00",
                "2026-05-02T10:10:00+02:00",
                100.0,
                WATCH
            ),
            steps(
                "2026-05-03T10:00:00+02:00",
                "2026-05-03T10:10:00+02:00",
                200.0,
                WATCH
            ),
            steps(
                "2026-05-04T10:00:00+02:00",
                "2026-05-04T10:10:00+02:00",
                400.0,
                WATCH
            ),
            steps(
                "2026-06-01T10:00:00+02:00",
                "2026-06-01T10:10:00+02:00",
                800.0,
                WATCH
            ),
            hr("2026-05-03T10:00:00+02:00", 60.0, WATCH),
            hr("2026-05-04T10:00:00+02:00", 80.0, WATCH),
            hr("2026-05-04T10:05:00+02:00", 90.0, WATCH),
        ]),
    )
    .await;
    let get = |path: String| {
        let app = &app;
        let token = t.access.clone();
        async move { summary_rows(&get_json(app, &token, &path).await) }
    };
    // Monday weeks (the default): 04-27..05-03 holds Saturday and Sunday; 05-04..05-10 holds Monday.
    let weeks = get("/api/v1/summaries/weekly?from=2026-05-02&to=2026-05-04".into()).await;
    let got: Vec<(&str, &str, f64)> = weeks
        .iter()
        .map(|w| {
            (
                w["start"].as_str().unwrap(),
                w["end"].as_str().unwrap(),
                w["steps"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-04-27", "2026-05-03", 300.0),
            ("2026-05-04", "2026-05-10", 400.0)
        ]
    );
    assert_eq!(weeks[1]["heart_rate_avg"], 85.0);

    // Sunday weeks: Saturday ends one week, Sunday and Monday share the next.
    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"first_weekday": "sunday"}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["first_weekday"], "sunday");
    let weeks = get("/api/v1/summaries/weekly?from=2026-05-02&to=2026-05-04".into()).await;
    let got: Vec<(&str, f64)> = weeks
        .iter()
        .map(|w| (w["start"].as_str().unwrap(), w["steps"].as_f64().unwrap()))
        .collect();
    assert_eq!(got, vec![("2026-04-26", 100.0), ("2026-05-03", 600.0)]);
    // The week's heart rate combines its days by count: (60 + 80 + 90) / 3 = 76.666…, served to 0.1.
    assert_eq!(weeks[1]["heart_rate_avg"].as_f64(), Some(76.7));
    assert_eq!(
        (
            weeks[1]["heart_rate_min"].as_f64(),
            weeks[1]["heart_rate_max"].as_f64()
        ),
        (Some(60.0), Some(90.0))
    );

    let months = get("/api/v1/summaries/monthly?from=2026-05-15&to=2026-06-15".into()).await;
    let got: Vec<(&str, &str, f64)> = months
        .iter()
        .map(|m| {
            (
                m["start"].as_str().unwrap(),
                m["end"].as_str().unwrap(),
                m["steps"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-05-01", "2026-05-31", 700.0),
            ("2026-06-01", "2026-06-30", 800.0)
        ]
    );

    let bad = app
        .patch("/api/v1/me", Some(&t.access), json!({"first_weekday": "friday"}))
        .await;
    assert_problem(bad, 422, "invalid_body").await;
    let res = app
        .get(
            "/api/v1/summaries/weekly?from=2000-01-01&to=2026-01-01",
            Some(&t.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

fn stage(start: &str, end: &str, stage: &str, source: &str) -> Value {
    json!({"metric": "sleep", "value": stage, "start": start, "end": end, "source": src(source)})
}

#[tokio::test]
async fn sleep_counts_for_the_day_it_ends_with_stages_merged_across_sources() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // The phone's in-bed period wraps the watch's stages; a ring also records the night (lower rank).
    let ring = r#"{"name": "Ana's Ring", "kind": "ring"}"#;
    ingest(
        &app,
        &t.access,
        json!([
            stage(
                "2026-05-03T22:30:00+02:00",
                "2026-05-04T06:45:00+02:00",
                "in_bed",
                PHONE
            ),
            stage(
                "2026-05-03T23:00:00+02:00",
                "2026-05-04T01:00:00+02:00",
                "core",
                WATCH
            ),
            stage(
                "2026-05-04T01:00:00+02:00",
                "2026-05-04T02:30:00+02:00",
                "deep",
                WATCH
            ),
            stage(
                "2026-05-04T02:30:00+02:00",
                "2026-05-04T02:45:00+02:00",
                "awake",
                WATCH
            ),
            stage(
                "2026-05-04T02:45:00+02:00",
                "2026-05-04T06:30:00+02:00",
                "rem",
                WATCH
            ),
            stage(
                "2026-05-03T23:00:00+02:00",
                "2026-05-04T06:30:00+02:00",
                "asleep",
                ring
            ),
            // An afternoon nap the same day.
            stage(
                "2026-05-04T14:00:00+02:00",
                "2026-05-04T14:30:00+02:00",
                "asleep",
                WATCH
            ),
        ]),
    )
    .await;
    let days = daily(&app, &t.access, "2026-05-03", "2026-05-04").await;
    assert!(
        days[0].get("sleep_asleep").is_none(),
        "nothing ends on the 3rd: {}",
        days[0]
    );
    let day = &days[1];
    assert_eq!(day["sleep_sessions"], 2);
    assert_eq!(day["sleep_core"], 2.0 * 3600.0);
    assert_eq!(day["sleep_deep"], 1.5 * 3600.0);
    assert_eq!(day["sleep_rem"], 3.75 * 3600.0);
    assert_eq!(day["sleep_awake"], 0.25 * 3600.0);
    // 7.25 h of the night (the ring adds nothing where the watch has stages) plus the 0.5 h nap.
    assert_eq!(day["sleep_asleep"], 7.75 * 3600.0);
    assert_eq!(day["sleep_in_bed"], 8.25 * 3600.0 + 0.5 * 3600.0);
    let res = app
        .get("/api/v1/sleep?from=2026-05-04&to=2026-05-04", Some(&t.access))
        .await;
    assert_eq!(res.status(), 200);
    let sessions: Vec<Value> = res.json().await.unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["date"], "2026-05-04");
    assert_eq!(sessions[0]["start"], "2026-05-03T20:30:00Z");
    assert_eq!(sessions[0]["stages"]["deep"], 1.5 * 3600.0);
    assert!((sessions[0]["efficiency"].as_f64().unwrap() - 7.25 / 8.25).abs() < 1e-9);
    assert!(sessions[0].get("hypnogram").is_none(), "only when asked for");
    // The hypnogram: the night's stages in order, adding up to the stage totals.
    let with: Vec<Value> = app
        .get(
            "/api/v1/sleep?from=2026-05-04&to=2026-05-04&hypnogram=true",
            Some(&t.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let pieces = with[0]["hypnogram"].as_array().unwrap();
    let stages: Vec<&str> = pieces.iter().map(|p| p["stage"].as_str().unwrap()).collect();
    assert_eq!(stages.first(), Some(&"core"), "{pieces:?}");
    let mut totals = std::collections::BTreeMap::<String, f64>::new();
    let mut previous_end = None;
    for p in pieces {
        let (start, end): (jiff::Timestamp, jiff::Timestamp) = (
            p["start"].as_str().unwrap().parse().unwrap(),
            p["end"].as_str().unwrap().parse().unwrap(),
        );
        assert!(previous_end.is_none_or(|e| e <= start), "in order: {pieces:?}");
        previous_end = Some(end);
        *totals.entry(p["stage"].as_str().unwrap().into()).or_default() += (end - start).get_seconds() as f64;
    }
    for (stage, seconds) in with[0]["stages"].as_object().unwrap() {
        assert_eq!(totals.get(stage).copied(), seconds.as_f64(), "{stage}");
    }
    // A rebuild from raw samples gives the same figures.
    let before = daily(&app, &t.access, "2026-05-03", "2026-05-04").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    wearhouse_services::rollups::Rollups::new(store.clone())
        .rebuild(&user)
        .await
        .unwrap();
    store.close().await;
    assert_eq!(daily(&app, &t.access, "2026-05-03", "2026-05-04").await, before);
}

#[tokio::test]
async fn workouts_count_for_the_local_day_they_start() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    for (start, minutes, distance) in [
        ("2026-05-04T07:00:00+02:00", 30, 5000.0),
        ("2026-05-04T18:00:00+02:00", 45, 8000.0),
        // 23:30 local on the 4th is the 5th in UTC's eyes only.
        ("2026-05-04T23:30:00+02:00", 60, 0.0),
    ] {
        let body = json!({"type": "running", "start": start, "duration": minutes * 60, "distance": distance});
        assert_eq!(
            app.post("/api/v1/activities", Some(&t.access), body)
                .await
                .status(),
            201
        );
    }
    let days = daily(&app, &t.access, "2026-05-04", "2026-05-05").await;
    assert_eq!(days[0]["workout_count"], 3);
    assert_eq!(days[0]["workout_duration"], (30 + 45 + 60) as f64 * 60.0);
    assert_eq!(days[0]["workout_distance"], 13000.0);
    assert!(days[1].get("workout_count").is_none());
    let months = summary_rows(
        &get_json(
            &app,
            &t.access,
            "/api/v1/summaries/monthly?from=2026-05-01&to=2026-05-31",
        )
        .await,
    );
    assert_eq!(months[0]["workout_count"], 3);
}

async fn series(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/samples?{query}"), Some(token)).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn bucketed_series_merge_sources_by_hour_minute_and_day() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // Watch 09:30–10:30 local (07:30–08:30 UTC): 1200 steps. Phone 09:00–11:00: 2400 steps.
    ingest(
        &app,
        &t.access,
        json!([
            steps(
                "2026-05-04T09:30:00+02:00",
                "2026-05-04T10:30:00+02:00",
                1200.0,
                WATCH
            ),
            steps(
                "2026-05-04T09:00:00+02:00",
                "2026-05-04T11:00:00+02:00",
                2400.0,
                PHONE
            ),
            hr("2026-05-04T09:00:10+02:00", 60.0, WATCH),
            hr("2026-05-04T09:00:40+02:00", 90.0, PHONE),
            hr("2026-05-04T09:01:10+02:00", 100.0, PHONE),
        ]),
    )
    .await;
    let range = "from=2026-05-04T00:00:00Z&to=2026-05-05T00:00:00Z";
    let hours = series(&app, &t.access, &format!("metric=steps&resolution=hour&{range}")).await;
    let buckets = hours["buckets"].as_array().unwrap();
    let values: Vec<(&str, f64)> = buckets
        .iter()
        .map(|b| (b["start"].as_str().unwrap(), b["value"].as_f64().unwrap()))
        .collect();
    // 07:00 UTC: phone 07:00–07:30 (600) + watch 07:30–08:00 (600); 08:00: watch 600 + phone 08:30–09:00 (600).
    assert_eq!(
        values,
        [("2026-05-04T07:00:00Z", 1200.0), ("2026-05-04T08:00:00Z", 1200.0)]
    );
    assert_eq!(
        buckets[0]["sources"].as_array().unwrap().len(),
        2,
        "both sources made the value"
    );
    assert_eq!(hours["unit"], "count");
    // Every source on its own: the plain per-source totals (the naive view).
    let apart = series(
        &app,
        &t.access,
        &format!("metric=steps&resolution=hour&merge=false&{range}"),
    )
    .await;
    let total: f64 = apart["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["value"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 3600.0);
    assert!(apart["buckets"][0]["source_id"].is_number());
    // Days agree with the daily summary.
    let days = series(&app, &t.access, &format!("metric=steps&resolution=day&{range}")).await;
    assert_eq!(days["buckets"][0]["date"], "2026-05-04");
    assert_eq!(days["buckets"][0]["value"], 2400.0);
    assert_eq!(
        days["buckets"][0]["start"], "2026-05-03T22:00:00Z",
        "local midnight in Berlin"
    );
    // Heart rate per minute: the watch wins the first minute, the phone fills the second.
    let minutes = series(
        &app,
        &t.access,
        &format!("metric=heart_rate&resolution=minute&{range}"),
    )
    .await;
    let values: Vec<f64> = minutes["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [60.0, 100.0]);
    let hourly_hr = series(
        &app,
        &t.access,
        &format!("metric=heart_rate&resolution=hour&{range}"),
    )
    .await;
    assert_eq!(hourly_hr["buckets"][0]["value"], 80.0);
    assert_eq!(hourly_hr["buckets"][0]["min"], 60.0);
    assert_eq!(hourly_hr["buckets"][0]["count"], 2);
    // Ranges are bounded per resolution and required.
    let res = app
        .get("/api/v1/samples?metric=steps&resolution=minute&from=2026-05-01T00:00:00Z&to=2026-05-30T00:00:00Z", Some(&t.access))
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .get("/api/v1/samples?metric=steps&resolution=hour", Some(&t.access))
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn totals_sum_a_period_and_group_workouts_by_type() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    for (start, kind, distance) in [
        ("2026-11-02T07:00:00+01:00", "running", 8000.0),
        ("2026-11-15T07:00:00+01:00", "running", 12000.0),
        ("2026-11-20T17:00:00+01:00", "cycling", 30000.0),
        // Late on 31 October local time: not November's, although it is 1 November in some zones.
        ("2026-10-31T23:30:00+01:00", "running", 5000.0),
    ] {
        let body = json!({"type": kind, "start": start, "duration": 3600, "distance": distance});
        assert_eq!(
            app.post("/api/v1/activities", Some(&t.access), body)
                .await
                .status(),
            201
        );
    }
    let res = app
        .get(
            "/api/v1/summaries/totals?metric=distance&period=month&date=2026-11-01&group_by=activity_type",
            Some(&t.access),
        )
        .await;
    assert_eq!(res.status(), 200);
    let totals: Value = res.json().await.unwrap();
    assert_eq!(totals["start"], "2026-11-01");
    assert_eq!(totals["end"], "2026-11-30");
    assert_eq!(totals["total"], 50000.0);
    assert_eq!(
        totals["groups"],
        json!([
            {"type": "cycling", "total": 30000.0, "count": 1},
            {"type": "running", "total": 20000.0, "count": 2},
        ])
    );
    // A catalogue metric over a week, from the daily rollups.
    ingest(
        &app,
        &t.access,
        json!([
            steps(
                "2026-11-16T09:00:00+01:00",
                "2026-11-16T10:00:00+01:00",
                4000.0,
                WATCH
            ),
            steps(
                "2026-11-18T09:00:00+01:00",
                "2026-11-18T10:00:00+01:00",
                6000.0,
                WATCH
            ),
            steps(
                "2026-11-23T09:00:00+01:00",
                "2026-11-23T10:00:00+01:00",
                999.0,
                WATCH
            ),
        ]),
    )
    .await;
    let week: Value = app
        .get(
            "/api/v1/summaries/totals?metric=steps&period=week&date=2026-11-19",
            Some(&t.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (week["start"].as_str(), week["end"].as_str()),
        (Some("2026-11-16"), Some("2026-11-22"))
    );
    assert_eq!(week["total"], 10000.0);
    let none: Value = app
        .get(
            "/api/v1/summaries/totals?metric=steps&period=year&date=2020-05-05",
            Some(&t.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(none["total"].is_null());
    let res = app
        .get(
            "/api/v1/summaries/totals?metric=heart_rate&period=month&date=2026-11-01&group_by=activity_type",
            Some(&t.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .get(
            "/api/v1/summaries/totals?metric=steps&period=fortnight&date=2026-11-01",
            Some(&t.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn history_lists_the_latest_samples_and_activities_together() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    ingest(
        &app,
        &t.access,
        json!([
            hr("2026-05-04T08:00:00+02:00", 60.0, WATCH),
            hr("2026-05-04T09:00:00+02:00", 61.0, WATCH),
            steps(
                "2026-05-04T10:00:00+02:00",
                "2026-05-04T10:10:00+02:00",
                500.0,
                PHONE
            ),
            hr("2026-05-04T12:00:00+02:00", 62.0, WATCH),
        ]),
    )
    .await;
    let body = json!({"type": "running", "start": "2026-05-04T11:00:00+02:00", "duration": 1800, "title": "Lunch run"});
    assert_eq!(
        app.post("/api/v1/activities", Some(&t.access), body)
            .await
            .status(),
        201
    );
    let res = app.get("/api/v1/history?limit=3", Some(&t.access)).await;
    assert_eq!(res.status(), 200);
    let entries: Vec<Value> = res.json().await.unwrap();
    let names: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("sample", "heart_rate"),
            ("activity", "running"),
            ("sample", "steps")
        ]
    );
    assert_eq!(entries[0]["value"], 62.0);
    assert_eq!(entries[1]["title"], "Lunch run");
    let all: Vec<Value> = app
        .get("/api/v1/history", Some(&t.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn daily_figures_come_as_rounded_columns_and_a_full_year_stays_compact() {
    let app = spawn_app().await;
    let t = berliner(&app).await;
    // Every day of 2024 (a leap year) with every figure a wearable records, values with float noise.
    let mut samples = Vec::new();
    for day in 0..366 {
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .unwrap();
        let at = |h: i8, m: i8| format!("{date}T{h:02}:{m:02}:00+01:00");
        let amount = |metric: &str, value: f64| json!({"metric": metric, "value": value, "start": at(8, 0), "end": at(20, 0), "source": src(WATCH)});
        let reading = |metric: &str, value: f64, h: i8| json!({"metric": metric, "value": value, "start": at(h, 0), "source": src(WATCH)});
        let d = day as f64;
        samples.extend([
            amount("steps", 9000.0 + d * 13.7),
            amount("distance", 7000.0 + d * 10.1 + 0.1 + 0.2),
            amount("active_energy", 500.0 + d * 1.13),
            amount("basal_energy", 1650.0 + d * 0.37),
            amount("floors", 10.0 + (day % 7) as f64),
            amount("elevation_gain", 30.0 + d * 0.33),
            amount("exercise_minutes", 30.0 + (day % 40) as f64),
            amount("stand_hours", 12.0),
            amount("water", 1500.0 + d),
            reading("heart_rate", 55.0 + (day % 9) as f64, 7),
            reading("heart_rate", 142.0 + (day % 17) as f64, 12),
            reading("heart_rate", 71.0, 18),
            reading("resting_heart_rate", 52.0 + (day % 5) as f64 / 3.0, 6),
            reading("walking_heart_rate", 95.0 + (day % 11) as f64 / 7.0, 13),
            reading("hrv_sdnn", 40.0 + (day % 13) as f64 / 3.0, 6),
            reading("spo2", 96.0 + (day % 3) as f64 / 3.0, 6),
            reading("respiratory_rate", 14.0 + (day % 4) as f64 / 3.0, 6),
            reading("body_mass", 72.0 + (day % 10) as f64 / 7.0, 7),
            reading("vo2max", 48.0 + (day % 6) as f64 / 3.0, 7),
        ]);
        // A night of sleep ending that morning, and a workout most days.
        let night = |from: i8, to: i8, stage: &str| json!({"metric": "sleep", "value": stage, "start": at(from, 0), "end": at(to, 30), "source": src(WATCH)});
        samples.extend([night(0, 2, "core"), night(3, 4, "deep"), night(5, 6, "rem")]);
    }
    for chunk in samples.chunks(5000) {
        ingest(&app, &t.access, json!(chunk)).await;
    }
    for day in (0..366).filter(|d| d % 7 != 3) {
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .unwrap();
        let body = json!({"type": "running", "start": format!("{date}T18:00:00+01:00"), "duration": 2700 + day, "distance": 8000.0 + day as f64 * 1.01});
        assert_eq!(
            app.post("/api/v1/activities", Some(&t.access), body)
                .await
                .status(),
            201
        );
    }

    let res = app
        .get(
            "/api/v1/summaries/daily?from=2024-01-01&to=2024-12-31",
            Some(&t.access),
        )
        .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(
        text.len() <= 60_000,
        "a year is at most 60 KB uncompressed: {} bytes",
        text.len()
    );
    assert!(!text.contains("0000000"), "no float noise: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["from"], "2024-01-01");
    assert_eq!(body["to"], "2024-12-31");
    let rows = summary_rows(&body);
    assert_eq!(rows.len(), 366);
    assert_eq!(rows[59]["date"], "2024-02-29");
    assert_eq!(rows[365]["steps"], body["figures"]["steps"][365]);
    let figures = body["figures"].as_object().unwrap();
    for name in [
        "steps",
        "distance",
        "active_energy",
        "basal_energy",
        "total_energy",
        "floors",
        "elevation_gain",
        "exercise_minutes",
        "stand_hours",
        "water",
        "heart_rate_avg",
        "heart_rate_min",
        "heart_rate_max",
        "resting_heart_rate",
        "walking_heart_rate",
        "hrv_sdnn",
        "spo2",
        "respiratory_rate",
        "body_mass",
        "vo2max",
        "sleep_asleep",
        "sleep_in_bed",
        "sleep_core",
        "sleep_deep",
        "sleep_rem",
        "sleep_efficiency",
        "sleep_sessions",
        "workout_count",
        "workout_duration",
        "workout_distance",
    ] {
        assert_eq!(figures[name].as_array().map(Vec::len), Some(366), "{name}");
    }
    assert!(figures.get("mindful_minutes").is_none(), "no data, no column");
    // Rounding per figure, read from the text so that `1.0` and `1` are told apart.
    let precision = |name: &str| -> u32 {
        match name {
            "steps" | "floors" | "stand_hours" | "water" | "workout_count" | "workout_duration"
            | "sleep_sessions" => 0,
            n if n.starts_with("sleep_") && n != "sleep_efficiency" => 0,
            "body_mass" => 2,
            "sleep_efficiency" => 3,
            _ => 1,
        }
    };
    let columns: Value = serde_json::from_str(&text).unwrap();
    let raw_columns = text.split("\"figures\":").nth(1).unwrap();
    for (name, column) in columns["figures"].as_object().unwrap() {
        let places = precision(name);
        let scale = 10f64.powi(places as i32);
        for v in column.as_array().unwrap().iter().filter(|v| !v.is_null()) {
            let x = v.as_f64().unwrap();
            assert_eq!((x * scale).round() / scale, x, "{name} to {places} places: {x}");
            if x.fract() == 0.0 {
                assert!(
                    v.is_i64() || v.is_u64(),
                    "{name}: whole numbers without a fraction: {v}"
                );
            }
        }
        let start = raw_columns.find(&format!("\"{name}\":[")).unwrap();
        let raw = &raw_columns[start..start + raw_columns[start..].find(']').unwrap()];
        for number in raw.split(['[', ',']).skip(1).filter(|n| *n != "null") {
            let decimals = number.split('.').nth(1).map_or(0, str::len) as u32;
            assert!(
                decimals <= places,
                "{name}: {number} has more than {places} decimals"
            );
        }
    }
    // Known answers: day 100 (2024-04-10).
    let at = |name: &str| figures[name][100].as_f64().unwrap();
    assert_eq!(at("steps"), 10370.0, "9000 + 1370");
    assert_eq!(at("distance"), 8010.3, "7000 + 1010 + 0.30000000000000004");
    assert_eq!(at("active_energy"), 613.0);
    assert_eq!(at("basal_energy"), 1687.0);
    assert_eq!(at("total_energy"), 2300.0);
    assert_eq!(at("heart_rate_avg"), 94.7, "(56 + 157 + 71) / 3 = 94.666…");
    assert_eq!((at("heart_rate_min"), at("heart_rate_max")), (56.0, 157.0));
    assert_eq!(at("body_mass"), 72.0, "72 + 0 / 7");
    assert_eq!(
        figures["body_mass"][101].as_f64(),
        Some(72.14),
        "72 + 1 / 7 = 72.142857…"
    );
    assert_eq!(at("resting_heart_rate"), 52.0);
    assert_eq!(
        figures["resting_heart_rate"][101].as_f64(),
        Some(52.3),
        "52 + 1/3"
    );
    assert_eq!(at("sleep_asleep"), 9000.0 + 5400.0 + 5400.0, "core, deep and rem");
    assert_eq!(at("sleep_sessions"), 1.0);
    assert_eq!(at("workout_count"), 1.0);
    assert_eq!(at("workout_duration"), 2800.0);
    assert_eq!(at("workout_distance"), 8101.0);
    assert!(
        figures["workout_count"][3].is_null(),
        "no workout on the fourth day"
    );

    // A range without data: every day listed, no columns.
    let empty = get_json(
        &app,
        &t.access,
        "/api/v1/summaries/daily?from=2023-01-01&to=2023-01-03",
    )
    .await;
    assert_eq!(
        empty,
        json!({"from": "2023-01-01", "to": "2023-01-03", "figures": {}})
    );
    // Months come in the same shape, with their bounds.
    let months = get_json(
        &app,
        &t.access,
        "/api/v1/summaries/monthly?from=2024-01-01&to=2024-12-31",
    )
    .await;
    assert_eq!(months["start"].as_array().unwrap().len(), 12);
    assert_eq!(months["end"][1], "2024-02-29");
    assert_eq!(months["figures"]["workout_count"].as_array().unwrap().len(), 12);
}
