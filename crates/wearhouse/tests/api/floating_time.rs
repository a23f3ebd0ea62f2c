//! Floating samples: a Fitbit export's wall-clock times (sleep, weights, daily resting heart rate)
//! follow the user's time-zone history. Imported before a history change and then corrected, the
//! figures are the ones of the same file imported after it; a newer export holding the same readings
//! adds only what is new; and a change racing the import ends the same way.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::*;

/// Each metric's samples as (start, end, value).
type Samples = Vec<(String, Vec<(String, String, f64)>)>;
/// What a user sees: the samples and the daily figures.
type Figures = (Samples, Vec<Value>);

/// New York for the whole past, then Berlin from the evening of 20 March 2026 (after a day flight):
/// the night of 7 to 8 March is New York's spring-forward night, the night of 28 to 29 March
/// Berlin's.
fn travelled() -> Value {
    json!([
        {"zone": "America/New_York"},
        {"zone": "Europe/Berlin", "from": "2026-03-20T20:00:00+01:00"}
    ])
}

const FROM: &str = "2026-02-28";
const TO: &str = "2026-04-01";

/// A Fitbit Takeout of March 2026 with `days` days: a night's sleep in three stages from 23:00 to
/// 07:00, a resting heart rate and a weight at 07:00 each day (and one at 23:30 every fifth day, the
/// next UTC day in New York), and one-minute steps, which Fitbit writes in UTC, around both DST
/// changes.
fn fitbit_export(days: u32) -> Vec<u8> {
    fitbit_export_with_steps(days, 0)
}

/// [`fitbit_export`] with a step count every minute of `step_days` days before March besides: a
/// bigger file, whose import takes long enough for a change to land while it runs.
fn fitbit_export_with_steps(days: u32, step_days: u32) -> Vec<u8> {
    let mut sleep = Vec::new();
    let mut resting = Vec::new();
    let mut weights = Vec::new();
    for day in 1..=days {
        let date = jiff::civil::date(2026, 3, day as i8);
        let next = date.tomorrow().unwrap();
        let (d, n) = (date.strftime("%Y-%m-%d"), next.strftime("%Y-%m-%d"));
        sleep.push(json!({
            "logId": day, "startTime": format!("{d}T23:00:00.000"), "endTime": format!("{n}T07:00:00.000"),
            "levels": {"data": [
                {"dateTime": format!("{d}T23:00:00.000"), "level": "light", "seconds": 7200},
                {"dateTime": format!("{n}T01:00:00.000"), "level": "deep", "seconds": 3600},
                {"dateTime": format!("{n}T04:00:00.000"), "level": "rem", "seconds": 10800}
            ]}
        }));
        let us = date.strftime("%m/%d/%y").to_string();
        resting.push(json!({"dateTime": format!("{us} 00:00:00"),
                            "value": {"date": us, "value": 50.0 + f64::from(day % 7), "error": 5.0}}));
        weights.push(json!({"logId": 1000 + day, "weight": f64::from(600 + day) / 10.0,
                            "date": us, "time": "07:00:00"}));
        if day % 5 == 0 {
            weights.push(json!({"logId": 2000 + day, "weight": 61.0, "date": us, "time": "23:30:00"}));
        }
    }
    let mut steps = Vec::new();
    for (date, hour) in [("03/08/26", 6), ("03/29/26", 0)] {
        for minute in 0..180 {
            steps.push(json!({
                "dateTime": format!("{date} {:02}:{:02}:00", hour + minute / 60, minute % 60),
                "value": (minute % 40).to_string()
            }));
        }
    }
    let mut padding = Vec::new();
    for minute in 0..step_days * 1440 {
        let at = jiff::civil::datetime(2026, 1, 1, 0, 0, 0, 0) + jiff::Span::new().minutes(minute);
        padding.push(json!({"dateTime": at.strftime("%m/%d/%y %H:%M:%S").to_string(), "value": "12"}));
    }
    let files = [
        (
            "Takeout/Fitbit/Physical Activity/steps-2026-01-01.json",
            json!(padding),
        ),
        (
            "Takeout/Fitbit/Global Export Data/sleep-2026-03-01.json",
            json!(sleep),
        ),
        (
            "Takeout/Fitbit/Global Export Data/resting_heart_rate-2026-03-01.json",
            json!(resting),
        ),
        (
            "Takeout/Fitbit/Global Export Data/weight-2026-03-01.json",
            json!(weights),
        ),
        (
            "Takeout/Fitbit/Physical Activity/steps-2026-03-08.json",
            json!(steps),
        ),
    ];
    let bodies: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(path, body)| ((*path).to_owned(), serde_json::to_vec(body).unwrap()))
        .collect();
    let entries: Vec<(&str, &[u8])> = bodies.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    zip_of(&entries)
}

async fn put_history(app: &TestApp, token: &str, periods: Value) {
    let res = app
        .request(
            Method::PUT,
            "/api/v1/me/time-zones",
            Some(token),
            Some(json!({ "periods": periods })),
        )
        .await;
    let status = res.status();
    assert_eq!(status, 200, "{}", res.text().await.unwrap());
}

/// Waits until no day is waiting to be recomputed.
async fn settled(app: &TestApp, token: &str) {
    for _ in 0..400 {
        let view = get_json(app, token, "/api/v1/me/time-zones").await;
        if view["pending_days"] == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("days were still waiting to be recomputed after 10 s");
}

/// What a user sees of the month: the samples of each metric (start, end, value) and the daily
/// figures.
async fn figures(app: &TestApp, token: &str) -> Figures {
    settled(app, token).await;
    let mut samples = Vec::new();
    for metric in ["sleep", "resting_heart_rate", "body_mass", "steps"] {
        let list = get_json(
            app,
            token,
            &format!("/api/v1/samples?metric={metric}&from=2026-02-27T00:00:00Z&to=2026-04-03T00:00:00Z&limit=10000"),
        )
        .await;
        let items: Vec<(String, String, f64)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["start"].as_str().unwrap().to_owned(),
                    i["end"].as_str().unwrap_or_default().to_owned(),
                    i["value"].as_f64().unwrap(),
                )
            })
            .collect();
        assert!(!items.is_empty(), "{metric}: {list}");
        samples.push((metric.to_owned(), items));
    }
    (samples, daily_rows(app, token, FROM, TO).await)
}

/// The figures of the export imported by someone whose history was `travelled` all along.
async fn reference(app: &TestApp, name: &str, export: Vec<u8>) -> Figures {
    let user = app.signed_up(name).await;
    put_history(app, &user.access, travelled()).await;
    import(app, &user.access, "fitbit.zip", export).await;
    figures(app, &user.access).await
}

fn start_of(samples: &Samples, metric: &str, value: f64) -> String {
    let (_, items) = samples.iter().find(|(m, _)| m == metric).unwrap();
    items.iter().find(|(_, _, v)| *v == value).unwrap().0.clone()
}

/// Panics naming the first sample or day where `got` differs from `want` (whole answers are too long
/// to read in a failure).
fn assert_same(got: &Figures, want: &Figures, what: &str) {
    for ((metric, got), (_, want)) in got.0.iter().zip(&want.0) {
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g, w, "{what}: {metric} sample {i}");
        }
        assert_eq!(got.len(), want.len(), "{what}: {metric} samples");
    }
    for (g, w) in got.1.iter().zip(&want.1) {
        assert_eq!(g, w, "{what}: day {}", w["date"]);
    }
    assert_eq!(got.1.len(), want.1.len(), "{what}: days");
}

fn samples_in(f: &Figures) -> usize {
    f.0.iter().map(|(_, items)| items.len()).sum()
}

#[tokio::test]
async fn a_fitbit_export_imported_before_a_history_change_ends_as_if_imported_after() {
    let app = spawn_app().await;
    let march_to_30 = reference(&app, "bruno", fitbit_export(30)).await;
    let march = reference(&app, "carla", fitbit_export(31)).await;

    // Ana's account says Berlin for the whole past when she imports; she corrects it afterwards.
    let ana = app.signed_up("ana").await;
    put_history(&app, &ana.access, json!([{"zone": "Europe/Berlin"}])).await;
    import(&app, &ana.access, "fitbit.zip", fitbit_export(30)).await;
    let before = figures(&app, &ana.access).await;
    // Read in Berlin, the weight of 3 March at 07:00 was 06:00 UTC; the listing shows its wall-clock
    // time with the offset it was read at.
    assert_eq!(
        start_of(&before.0, "body_mass", 60.3),
        "2026-03-03T07:00:00+01:00"
    );
    assert_ne!(before, march_to_30, "the histories differ, and so do the figures");

    put_history(&app, &ana.access, travelled()).await;
    let corrected = figures(&app, &ana.access).await;
    // Still 07:00, now in New York: EST on 3 March, 07:00 EDT on 8 March (its spring-forward day), and
    // 07:00 CEST in Berlin on 29 March (Berlin's).
    assert_eq!(
        start_of(&corrected.0, "body_mass", 60.3),
        "2026-03-03T07:00:00-05:00"
    );
    assert_eq!(
        start_of(&corrected.0, "body_mass", 60.8),
        "2026-03-08T07:00:00-04:00"
    );
    assert_eq!(
        start_of(&corrected.0, "body_mass", 62.9),
        "2026-03-29T07:00:00+02:00"
    );
    // The deep sleep from 01:00 on New York's spring-forward night lasts an hour, to 03:00 EDT.
    let (_, sleep) = corrected.0.iter().find(|(m, _)| m == "sleep").unwrap();
    let deep = sleep
        .iter()
        .find(|(start, _, _)| start == "2026-03-08T01:00:00-05:00")
        .unwrap();
    assert_eq!(deep.1, "2026-03-08T03:00:00-04:00");
    assert_same(&corrected, &march_to_30, "corrected after the import");
    // Floating, and said so; Fitbit's minute steps are UTC in the file, and are not.
    let listed = |metric: &str| {
        let path = format!(
            "/api/v1/samples?metric={metric}&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&limit=1"
        );
        let (app, token) = (&app, ana.access.clone());
        async move { get_json(app, &token, &path).await["items"][0]["floating"].clone() }
    };
    assert_eq!(listed("body_mass").await, json!(true));
    assert_eq!(listed("steps").await, json!(false));

    // A newer export holding the same days and one more adds only that day's readings: a night in
    // three stages, a resting heart rate and a weight.
    let newer = import(&app, &ana.access, "fitbit-newer.zip", fitbit_export(31)).await;
    assert_eq!(newer["imported"], 5, "{newer}");
    let now = figures(&app, &ana.access).await;
    assert_eq!(samples_in(&now), samples_in(&march));
    assert_same(&now, &march, "after the newer export");
}

#[tokio::test]
async fn a_history_change_racing_a_fitbit_import_ends_as_if_made_first() {
    let app = spawn_app().await;
    let export = || fitbit_export_with_steps(31, 25);
    let after = reference(&app, "bruno", export()).await;
    // The change lands before the import reads anything, while it stores, or after it.
    for (round, delay_ms) in [0u64, 40, 120].into_iter().enumerate() {
        let user = app.signed_up(&format!("racer{round}")).await;
        let upload = upload(&app, &user.access, "fitbit.zip", export()).await;
        assert_eq!(upload.status(), 202);
        let id = upload.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        put_history(&app, &user.access, travelled()).await;
        let done = finished(&app, &user.access, &id).await;
        assert_eq!(done["status"], "done", "{done}");
        let raced = figures(&app, &user.access).await;
        assert_same(&raced, &after, &format!("round {round}"));
    }
}
