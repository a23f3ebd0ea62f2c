//! `/api/v1/me/time-zones`: known answers for a user's days in the zones they lived in, set after
//! the data arrived, across each zone's DST changes; the first zone covering the whole past; and a
//! history change racing an ingest.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::*;

const WATCH: &str = r#"{"name": "Ana's Watch", "kind": "watch"}"#;

/// Steps over ten minutes from `start` (UTC, so that the zone history decides the day).
fn steps(start: &str, value: f64) -> Value {
    let at: jiff::Timestamp = start.parse().unwrap();
    let end = at + jiff::SignedDuration::from_mins(10);
    json!({"metric": "steps", "value": value, "start": start, "end": end.to_string(),
           "source": serde_json::from_str::<Value>(WATCH).unwrap()})
}

async fn ingest(app: &TestApp, token: &str, samples: Value) {
    let res = app
        .post("/api/v1/samples", Some(token), json!({ "samples": samples }))
        .await;
    let status = res.status();
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["rejected"], json!([]), "{outcome}");
}

/// Steps per local day in `from..=to`, days without any left out.
async fn steps_by_day(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<(String, f64)> {
    daily_rows(app, token, from, to)
        .await
        .into_iter()
        .filter_map(|row| {
            let steps = row["steps"].as_f64()?;
            Some((row["date"].as_str().unwrap().to_owned(), steps))
        })
        .collect()
}

fn days(expected: &[(&str, f64)]) -> Vec<(String, f64)> {
    expected.iter().map(|(d, v)| ((*d).to_owned(), *v)).collect()
}

async fn register(app: &TestApp, name: &str, zone: Option<&str>) -> Tokens {
    let mut body = json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD});
    if let Some(zone) = zone {
        body["time_zone"] = json!(zone);
    }
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    tokens(app.login(name, PASSWORD, None).await).await
}

async fn put_history(app: &TestApp, token: &str, periods: Value) -> reqwest::Response {
    app.request(
        Method::PUT,
        "/api/v1/me/time-zones",
        Some(token),
        Some(json!({ "periods": periods })),
    )
    .await
}

/// Waits until no day is waiting to be recomputed, and returns the history.
async fn settled(app: &TestApp, token: &str) -> Value {
    for _ in 0..200 {
        let view = get_json(app, token, "/api/v1/me/time-zones").await;
        if view["pending_days"] == 0 {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("days were still waiting to be recomputed after 10 s");
}

#[tokio::test]
async fn the_first_zone_covers_the_whole_past_and_a_later_one_applies_from_then() {
    let app = spawn_app().await;
    let t = register(&app, "ana", None).await;
    let me = get_json(&app, &t.access, "/api/v1/me").await;
    assert_eq!(
        (me["time_zone"].clone(), me["time_zone_set"].clone()),
        (json!("UTC"), json!(false))
    );
    assert_eq!(
        get_json(&app, &t.access, "/api/v1/me/time-zones").await,
        json!({"time_zone_set": false, "periods": [], "pending_days": 0})
    );

    // 23:30 UTC on 10 January: without a zone, that day.
    ingest(&app, &t.access, json!([steps("2025-01-10T23:30:00Z", 100.0)])).await;
    assert_eq!(
        steps_by_day(&app, &t.access, "2025-01-10", "2025-01-11").await,
        days(&[("2025-01-10", 100.0)])
    );

    // The first zone set covers the past: 00:30 in Berlin on the 11th.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&t.access),
            json!({"time_zone": "Europe/Berlin"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["time_zone_set"], true);
    assert_eq!(
        steps_by_day(&app, &t.access, "2025-01-10", "2025-01-11").await,
        days(&[("2025-01-11", 100.0)])
    );
    let view = settled(&app, &t.access).await;
    assert_eq!(view["periods"], json!([{"zone": "Europe/Berlin", "from": null}]));

    // A later zone applies from the moment it is set: the past stays in Berlin.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&t.access),
            json!({"time_zone": "America/New_York"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        steps_by_day(&app, &t.access, "2025-01-10", "2025-01-11").await,
        days(&[("2025-01-11", 100.0)])
    );
    let view = settled(&app, &t.access).await;
    let periods = view["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 2, "{view}");
    assert_eq!(periods[1]["zone"], "America/New_York");
    assert!(periods[1]["from"].is_string(), "{view}");
    // The same zone again changes nothing.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&t.access),
            json!({"time_zone": "America/New_York"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        get_json(&app, &t.access, "/api/v1/me/time-zones").await["periods"],
        view["periods"]
    );
}

#[tokio::test]
async fn a_traveller_gets_the_days_they_lived_in_each_zone_across_its_dst_changes() {
    let app = spawn_app().await;
    let t = register(&app, "ana", Some("Europe/Berlin")).await;
    ingest(
        &app,
        &t.access,
        json!([
            // Berlin springs forward on 2024-03-31 at 01:00 UTC.
            steps("2024-03-30T23:30:00Z", 1.0), // 00:30 CET on the 31st
            steps("2024-03-31T22:30:00Z", 2.0), // 00:30 CEST on 1 April (23:30 at UTC+1)
            // New York falls back on 2024-11-03 at 06:00 UTC.
            steps("2024-11-03T04:30:00Z", 4.0), // 00:30 EDT on the 3rd
            steps("2024-11-04T04:30:00Z", 8.0), // 23:30 EST on the 3rd
            // Sydney falls back on 2025-04-06 at 16:00 UTC (the 5th).
            steps("2025-04-05T13:30:00Z", 16.0), // 00:30 AEDT on the 6th
            steps("2025-04-06T13:30:00Z", 32.0), // 23:30 AEST on the 6th
        ]),
    )
    .await;
    // Everything in Berlin so far.
    assert_eq!(
        steps_by_day(&app, &t.access, "2024-11-02", "2024-11-05").await,
        days(&[("2024-11-03", 4.0), ("2024-11-04", 8.0)])
    );
    assert_eq!(
        steps_by_day(&app, &t.access, "2025-04-05", "2025-04-07").await,
        days(&[("2025-04-05", 16.0), ("2025-04-06", 32.0)])
    );

    // The history, set after the data: Berlin, New York from noon on 1 June 2024 (New York time),
    // Sydney from 9:00 on 15 January 2025 (Sydney time).
    let res = put_history(
        &app,
        &t.access,
        json!([
            {"zone": "Europe/Berlin"},
            {"zone": "America/New_York", "from": "2024-06-01T12:00"},
            {"zone": "Australia/Sydney", "from": "2025-01-15T09:00"}
        ]),
    )
    .await;
    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(
        view["periods"],
        json!([
            {"zone": "Europe/Berlin", "from": null},
            {"zone": "America/New_York", "from": "2024-06-01T12:00:00-04:00"},
            {"zone": "Australia/Sydney", "from": "2025-01-15T09:00:00+11:00"}
        ])
    );
    assert_eq!(
        get_json(&app, &t.access, "/api/v1/me").await["time_zone"],
        "Australia/Sydney"
    );

    assert_eq!(
        steps_by_day(&app, &t.access, "2024-03-30", "2024-04-02").await,
        days(&[("2024-03-31", 1.0), ("2024-04-01", 2.0)]),
        "Berlin, across its DST change"
    );
    assert_eq!(
        steps_by_day(&app, &t.access, "2024-11-02", "2024-11-05").await,
        days(&[("2024-11-03", 12.0)]),
        "New York's 25-hour day"
    );
    assert_eq!(
        steps_by_day(&app, &t.access, "2025-04-05", "2025-04-07").await,
        days(&[("2025-04-06", 48.0)]),
        "Sydney's 25-hour day"
    );
    settled(&app, &t.access).await;
    // The background recompute gave the same days (a read after it computes nothing).
    assert_eq!(
        steps_by_day(&app, &t.access, "2024-11-02", "2024-11-05").await,
        days(&[("2024-11-03", 12.0)])
    );

    // Sending the same samples again after the change adds nothing.
    ingest(&app, &t.access, json!([steps("2024-11-04T04:30:00Z", 8.0)])).await;
    assert_eq!(
        steps_by_day(&app, &t.access, "2024-11-02", "2024-11-05").await,
        days(&[("2024-11-03", 12.0)])
    );

    // Back to Berlin for all time: the days are Berlin's again.
    let res = put_history(&app, &t.access, json!([{"zone": "Europe/Berlin"}])).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        steps_by_day(&app, &t.access, "2024-11-02", "2024-11-05").await,
        days(&[("2024-11-03", 4.0), ("2024-11-04", 8.0)])
    );
}

#[tokio::test]
async fn every_bad_period_is_named_and_nothing_changes() {
    let app = spawn_app().await;
    let t = register(&app, "ana", Some("Europe/Berlin")).await;
    let res = put_history(
        &app,
        &t.access,
        json!([
            {"zone": "Europe/Berlin", "from": "2019-01-01T00:00"},
            {"zone": "Mars/Olympus_Mons", "from": "2020-01-01T00:00"},
            {"zone": "Europe/Paris"},
            {"zone": "Asia/Tokyo", "from": "soon"},
            {"zone": "Asia/Seoul", "from": "2999-01-01T00:00"}
        ]),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<(String, String)> = field_codes(&problem);
    assert_eq!(
        fields,
        [
            ("periods[0].from", "first_period_from"),
            ("periods[1].zone", "invalid_time_zone"),
            ("periods[2].from", "missing_from"),
            ("periods[3].from", "invalid_from"),
            ("periods[4].from", "from_in_future"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    let res = put_history(&app, &t.access, json!([])).await;
    assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        get_json(&app, &t.access, "/api/v1/me/time-zones").await["periods"],
        json!([{"zone": "Europe/Berlin", "from": null}])
    );
}

#[tokio::test]
async fn a_history_change_racing_an_ingest_ends_consistent() {
    let app = spawn_app().await;
    let t = register(&app, "ana", Some("Europe/Berlin")).await;
    // 15:30 UTC: 16:30 or 17:30 in Berlin, 00:30 the next day in Tokyo. Eight
    // clients send a day each at a time, so that changes wait for the write lock with their marks
    // already computed when the history changes.
    let start: jiff::civil::Date = "2024-01-01".parse().unwrap();
    let day = |i: i64| start.checked_add(jiff::Span::new().days(i)).unwrap();
    let client = |c: i64| {
        let (app, token) = (&app, t.access.clone());
        async move {
            for i in 0..12 {
                // A week apart, so that no recompute of one day's neighbours heals another's.
                let sample = steps(&format!("{}T15:30:00Z", day((c * 12 + i) * 7)), 10.0);
                ingest(app, &token, json!([sample])).await;
            }
        }
    };
    let ingesting = futures_util::future::join_all((0..8).map(client));
    let changing = async {
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
        let res = put_history(&app, &t.access, json!([{"zone": "Asia/Tokyo"}])).await;
        assert_eq!(res.status(), 200);
    };
    tokio::join!(ingesting, changing);
    settled(&app, &t.access).await;
    // 96 weeks: 2024-01-01 to 2025-11-03.
    let by_day = steps_by_day(&app, &t.access, "2024-01-01", "2025-12-31").await;
    // Every sample on the day after its UTC date, once.
    let expected: Vec<(String, f64)> = (0..96).map(|i| (day(i * 7 + 1).to_string(), 10.0)).collect();
    assert_eq!(by_day, expected);
}
