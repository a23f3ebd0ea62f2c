//! `/api/v1/samples` and `/api/v1/sources`: ingestion with per-item validation, idempotency, unit
//! conversion, observed offsets, listing with cursors.

use serde_json::{json, Value};

use crate::harness::*;

fn watch() -> Value {
    json!({"name": "Ana's Apple Watch", "kind": "watch", "provider": "apple_health"})
}

async fn ingest(app: &TestApp, token: &str, samples: Value) -> Value {
    let res = app
        .post("/api/v1/samples", Some(token), json!({ "samples": samples }))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/samples?{query}"), Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_documented_example_is_accepted_and_listed_back() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let outcome = ingest(
        &app,
        &t.access,
        json!([{"metric": "steps", "value": 120, "unit": "count",
                "start": "2026-03-29T09:00:00+02:00", "end": "2026-03-29T09:02:00+02:00",
                "source": {"name": "Ana's Apple Watch", "kind": "watch"},
                "external_id": "optional-client-id"}]),
    )
    .await;
    assert_eq!(outcome, json!({"accepted": 1, "duplicates": 0, "rejected": []}));
    let page = list(&app, &t.access, "metric=steps").await;
    let item = &page["items"][0];
    assert_eq!(item["value"], 120.0);
    assert_eq!(item["unit"], "count");
    assert_eq!(
        item["start"], "2026-03-29T09:00:00+02:00",
        "the observed offset is kept"
    );
    assert_eq!(item["end"], "2026-03-29T09:02:00+02:00");
    assert_eq!(item["external_id"], "optional-client-id");
    assert!(page["next_cursor"].is_null());

    let sources: Value = app
        .get("/api/v1/sources", Some(&t.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sources.as_array().unwrap().len(), 1);
    assert_eq!(sources[0]["name"], "Ana's Apple Watch");
    assert_eq!(sources[0]["kind"], "watch");
    assert_eq!(sources[0]["provider"], "api");
    assert_eq!(sources[0]["id"], item["source_id"]);
}

#[tokio::test]
async fn sending_the_same_batch_twice_stores_nothing_new() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let batch: Vec<Value> = (0..100)
        .map(|i| json!({"metric": "heart_rate", "value": 60 + i % 40, "start": format!("2026-03-29T10:{:02}:{:02}Z", i / 60, i % 60), "source": watch()}))
        .collect();
    assert_eq!(
        ingest(&app, &t.access, json!(batch)).await,
        json!({"accepted": 100, "duplicates": 0, "rejected": []})
    );
    assert_eq!(
        ingest(&app, &t.access, json!(batch)).await,
        json!({"accepted": 0, "duplicates": 100, "rejected": []})
    );
    // Same external id with a corrected value: still a duplicate of what the client already sent.
    let first = json!([{"metric": "steps", "value": 10, "start": "2026-03-29T10:00:00Z", "end": "2026-03-29T10:01:00Z", "external_id": "x1"}]);
    let again = json!([{"metric": "steps", "value": 12, "start": "2026-03-29T10:00:30Z", "end": "2026-03-29T10:01:30Z", "external_id": "x1"}]);
    assert_eq!(ingest(&app, &t.access, first).await["accepted"], 1);
    assert_eq!(ingest(&app, &t.access, again).await["duplicates"], 1);
}

#[tokio::test]
async fn times_outside_1900_to_2099_are_refused_in_plain_words() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let batch = json!([
        {"metric": "heart_rate", "value": 70, "start": "0001-01-01T00:00:00Z"},
        {"metric": "heart_rate", "value": 70, "start": "-000001-01-01T00:00:00Z"},
        {"metric": "heart_rate", "value": 70, "start": "9999-12-31T23:59:59+01:00"},
        {"metric": "heart_rate", "value": 70, "start": "1899-12-31T23:59:59Z"},
    ]);
    let outcome = ingest(&app, &t.access, batch).await;
    assert_eq!(outcome["accepted"], 0);
    for rejection in outcome["rejected"].as_array().unwrap() {
        assert_eq!(rejection["code"], "time_out_of_range", "{rejection}");
        assert!(
            rejection["detail"].as_str().unwrap().contains("1900–2099"),
            "{rejection}"
        );
    }
    let res = app
        .get(
            "/api/v1/activities?min_distance=NaN&max_avg_hr=inf",
            Some(&t.access),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["min_distance", "max_avg_hr"]);
}

#[tokio::test]
async fn invalid_items_are_rejected_with_index_and_reason_while_valid_ones_commit() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let batch = json!([
        {"metric": "steps", "value": 100, "start": "2026-03-29T09:00:00Z", "end": "2026-03-29T09:01:00Z"},
        {"metric": "steps", "value": -5, "start": "2026-03-29T09:00:00Z", "end": "2026-03-29T09:01:00Z"},
        {"metric": "heart_rate", "value": 400, "start": "2026-03-29T09:00:00Z"},
        {"metric": "steps", "value": 5, "start": "2026-03-29T09:01:00Z", "end": "2026-03-29T09:00:00Z"},
        {"metric": "mana", "value": 5, "start": "2026-03-29T09:00:00Z"},
        {"metric": "heart_rate", "value": 70, "unit": "kg", "start": "2026-03-29T09:00:00Z"},
        {"metric": "heart_rate", "value": 70, "start": "2026-03-29T09:00:00"},
        {"metric": "steps", "value": 5, "start": "2026-03-29T09:00:00Z"},
        {"metric": "sleep", "value": "dreaming", "start": "2026-03-29T01:00:00Z", "end": "2026-03-29T02:00:00Z"},
        {"metric": "heart_rate", "value": 70, "start": "2099-01-01T00:00:00Z"},
        {"metric": "heart_rate", "value": 71, "start": "2026-03-29T09:00:00Z", "source": {"name": "x", "kind": "toaster"}},
        {"metric": "heart_rate", "value": 72, "start": "2026-03-29T09:00:05Z"},
    ]);
    let outcome = ingest(&app, &t.access, batch).await;
    assert_eq!(outcome["accepted"], 2);
    let rejected: Vec<(u64, &str)> = outcome["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["index"].as_u64().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (1, "implausible_value"),
            (2, "implausible_value"),
            (3, "end_before_start"),
            (4, "unknown_metric"),
            (5, "bad_unit"),
            (6, "invalid_time"),
            (7, "missing_end"),
            (8, "bad_category"),
            (9, "in_future"),
            (10, "invalid_device_kind"),
        ]
    );
    assert!(outcome["rejected"][1]["detail"].as_str().unwrap().contains("400"));
    assert_eq!(
        list(&app, &t.access, "metric=heart_rate").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn units_are_converted_to_canonical_ones() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let batch = json!([
        {"metric": "distance", "value": 8.2, "unit": "km", "start": "2026-03-29T09:00:00Z", "end": "2026-03-29T09:45:00Z"},
        {"metric": "body_mass", "value": 154, "unit": "lb", "start": "2026-03-29T07:00:00Z"},
        {"metric": "blood_glucose", "value": 90, "unit": "mg/dL", "start": "2026-03-29T07:00:00Z"},
        {"metric": "body_temperature", "value": 98.6, "unit": "degF", "start": "2026-03-29T07:00:00Z"},
        {"metric": "sleep", "value": "light", "start": "2026-03-29T01:00:00Z", "end": "2026-03-29T02:00:00Z"},
    ]);
    assert_eq!(ingest(&app, &t.access, batch).await["accepted"], 5);
    let value = |page: Value| page["items"][0]["value"].as_f64().unwrap();
    assert!((value(list(&app, &t.access, "metric=distance").await) - 8200.0).abs() < 1e-9);
    assert!((value(list(&app, &t.access, "metric=body_mass").await) - 69.85322498).abs() < 1e-6);
    assert!((value(list(&app, &t.access, "metric=blood_glucose").await) - 4.995670).abs() < 1e-5);
    assert!((value(list(&app, &t.access, "metric=body_temperature").await) - 37.0).abs() < 1e-9);
    assert_eq!(
        value(list(&app, &t.access, "metric=sleep").await),
        3.0,
        "light sleep is the core stage"
    );
}

#[tokio::test]
async fn listing_pages_with_a_cursor_and_filters() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let batch: Vec<Value> = (0..25)
        .map(|i| json!({"metric": "heart_rate", "value": 60 + i, "start": format!("2026-03-29T10:00:{i:02}Z")}))
        .collect();
    ingest(&app, &t.access, json!(batch)).await;
    let mut values = Vec::new();
    let mut query = "metric=heart_rate&limit=10".to_owned();
    loop {
        let page = list(&app, &t.access, &query).await;
        values.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["value"].as_f64().unwrap() as i64),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("metric=heart_rate&limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(values, (60..85).collect::<Vec<_>>());
    let window = list(
        &app,
        &t.access,
        "metric=heart_rate&from=2026-03-29T10:00:05Z&to=2026-03-29T10:00:07Z",
    )
    .await;
    assert_eq!(window["items"].as_array().unwrap().len(), 2);

    let bad = app.get("/api/v1/samples?metric=mana", Some(&t.access)).await;
    let problem = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "metric");
    assert_problem(
        app.get("/api/v1/samples?metric=steps&cursor=zzz", Some(&t.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/v1/samples?metric=steps&resolution=week", Some(&t.access))
            .await,
        400,
        "unsupported_resolution",
    )
    .await;
    assert_problem(
        app.get("/api/v1/samples", Some(&t.access)).await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn ndjson_is_accepted_and_bad_lines_are_named() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let body = "{\"metric\":\"heart_rate\",\"value\":61,\"start\":\"2026-03-29T10:00:00Z\"}\n\n{\"metric\":\"heart_rate\",\"value\":62,\"start\":\"2026-03-29T10:00:01Z\"}\n";
    let res = app
        .client
        .post(app.url("/api/v1/samples"))
        .bearer_auth(&t.access)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["accepted"], 2);
    let res = app
        .client
        .post(app.url("/api/v1/samples"))
        .bearer_auth(&t.access)
        .header("content-type", "application/x-ndjson")
        .body("{\"metric\":\"heart_rate\",\"value\":61,\"start\":\"2026-03-29T10:00:00Z\"}\n{oops\n")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 400, "malformed_json").await;
    assert!(
        problem["detail"].as_str().unwrap().starts_with("line 2:"),
        "{problem}"
    );
    let res = app
        .client
        .post(app.url("/api/v1/samples"))
        .bearer_auth(&t.access)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn users_see_only_their_own_samples() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let bruno = app.signed_up("bruno").await;
    ingest(
        &app,
        &ana.access,
        json!([{"metric": "heart_rate", "value": 61, "start": "2026-03-29T10:00:00Z"}]),
    )
    .await;
    assert!(list(&app, &bruno.access, "metric=heart_rate").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let sources: Value = app
        .get("/api/v1/sources", Some(&bruno.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(sources.as_array().unwrap().is_empty());
    assert_problem(
        app.post("/api/v1/samples", None, json!({"samples": []})).await,
        401,
        "unauthenticated",
    )
    .await;
}

async fn post_csv(app: &TestApp, token: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/samples"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn csv_with_a_header_row_is_accepted() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let csv = "metric,value,unit,start,end,source,source_kind,external_id\n\
               distance, 5 ,km,2026-03-29T09:00:00+02:00,2026-03-29T09:30:00+02:00,Ana's Watch,watch,run-1\n\
               sleep,deep,,2026-03-29T01:00:00+02:00,2026-03-29T02:00:00+02:00,Ana's Ring,ring,\n\
               heart_rate,400,,2026-03-29T09:00:00+02:00,,,,\n";
    let res = post_csv(&app, &t.access, csv).await;
    assert_eq!(res.status(), 200);
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["accepted"], 2);
    assert_eq!(
        outcome["rejected"],
        json!([{"index": 2, "code": "implausible_value", "detail": outcome["rejected"][0]["detail"]}])
    );
    let page = list(&app, &t.access, "metric=distance").await;
    assert_eq!(page["items"][0]["value"], 5000.0);
    assert_eq!(page["items"][0]["external_id"], "run-1");
    let sources: Value = app
        .get("/api/v1/sources", Some(&t.access))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["watch", "ring"]);
}

#[tokio::test]
async fn malformed_csv_is_refused_naming_the_problem() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let problem = assert_problem(
        post_csv(
            &app,
            &t.access,
            "metric,value,start,colour\nsteps,1,2026-03-29T09:00:00Z,red\n",
        )
        .await,
        400,
        "malformed_csv",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("unknown column 'colour'"),
        "{problem}"
    );
    let problem = assert_problem(
        post_csv(&app, &t.access, "metric,start\nsteps,2026-03-29T09:00:00Z\n").await,
        400,
        "malformed_csv",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("'value'"),
        "{problem}"
    );
    let ragged = "metric,value,start\nheart_rate,60,2026-03-29T09:00:00Z\nheart_rate,61\n";
    let problem = assert_problem(post_csv(&app, &t.access, ragged).await, 400, "malformed_csv").await;
    assert!(
        problem["detail"].as_str().unwrap().starts_with("line 3:"),
        "{problem}"
    );
}
