//! `/api/v1/activities` and `/api/v1/trash`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{assert_problem, daily_rows, spawn_app, TestApp};

fn run() -> Value {
    json!({"type": "running", "start": "2026-03-29T18:00:00+02:00", "end": "2026-03-29T18:45:00+02:00",
           "distance": 8200, "energy": 610, "avg_heart_rate": 151, "title": "Evening run", "notes": "easy",
           "intensity": "moderate", "visibility": "private"})
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/activities", Some(token), body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

#[tokio::test]
async fn an_activity_is_created_read_and_listed_as_sent() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let created = create(&app, &ana.access, run()).await;
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("act_"));
    assert_eq!(created["type"], "running");
    assert_eq!(
        created["start"], "2026-03-29T18:00:00+02:00",
        "the observed offset is kept"
    );
    assert_eq!(created["duration"], 2700.0);
    assert_eq!(created["distance"], 8200.0);
    assert_eq!(created["intensity"], "moderate");
    assert_eq!(created["revision"], 1);
    let fetched: Value = app
        .get(&format!("/api/v1/activities/{id}"), Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, created);
    let list: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Nobody else sees it.
    let ben = app.signed_up("ben").await;
    let res = app
        .get(&format!("/api/v1/activities/{id}"), Some(&ben.access))
        .await;
    assert_problem(res, 404, "activity_not_found").await;
}

#[tokio::test]
async fn invalid_activities_name_every_bad_field() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let body = json!({"type": "underwater_chess", "start": "2026-03-29T18:00:00+02:00",
                      "end": "2026-03-29T17:00:00+02:00", "avg_heart_rate": 400});
    let res = app.post("/api/v1/activities", Some(&ana.access), body).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "type", "{problem}");
    let backwards =
        json!({"type": "running", "start": "2026-03-29T18:00:00+02:00", "end": "2026-03-29T17:00:00+02:00"});
    let problem = assert_problem(
        app.post("/api/v1/activities", Some(&ana.access), backwards).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "end_before_start");
    let mut hr = run();
    hr["avg_heart_rate"] = json!(400);
    let problem = assert_problem(
        app.post("/api/v1/activities", Some(&ana.access), hr).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "implausible_value");
    let unknown =
        json!({"type": "running", "start": "2026-03-29T18:00:00Z", "duration": 60, "colour": "red"});
    assert_problem(
        app.post("/api/v1/activities", Some(&ana.access), unknown).await,
        422,
        "invalid_body",
    )
    .await;
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_response() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let send = |key: &str, body: Value| {
        app.client
            .post(app.url("/api/v1/activities"))
            .bearer_auth(&ana.access)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send("key-1", run()).await.unwrap();
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Value = first.json().await.unwrap();
    let again = send("key-1", run()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let list: Value = app
        .get("/api/v1/activities", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the retry created nothing"
    );
    let mut other = run();
    other["title"] = json!("Different");
    assert_problem(send("key-1", other).await.unwrap(), 422, "idempotency_key_reused").await;
    // A key with a failed (4xx) first attempt replays the failure too: the request was answered.
    let bad = send("key-2", json!({"type": "running"})).await.unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(
        send("key-2", json!({"type": "running"})).await.unwrap().headers()["idempotent-replayed"],
        "true"
    );
}

#[tokio::test]
async fn external_ids_and_batches_do_not_duplicate() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut item = run();
    item["external_id"] = json!("garmin-123");
    create(&app, &ana.access, item.clone()).await;
    let res = app
        .post("/api/v1/activities", Some(&ana.access), item.clone())
        .await;
    assert_eq!(
        res.status(),
        200,
        "an existing external id answers 200 with the stored activity"
    );
    let mut second = run();
    second["external_id"] = json!("garmin-124");
    let batch = json!({"activities": [item, second, {"type": "nope", "start": "x"}, run()]});
    let res = app
        .post("/api/v1/activities/batch", Some(&ana.access), batch.clone())
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["created"], 2);
    assert_eq!(body["duplicates"], 1);
    assert_eq!(body["rejected"][0]["index"], 2);
    let list: Value = app
        .get("/api/v1/activities?limit=100", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let too_many = json!({"activities": vec![run(); 1001]});
    let res = app
        .post("/api/v1/activities/batch", Some(&ana.access), too_many)
        .await;
    assert_problem(res, 413, "too_many_activities").await;
}

#[tokio::test]
async fn patches_keep_revisions_and_any_revision_can_be_restored() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let created = create(&app, &ana.access, run()).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/activities/{id}");
    let res = app
        .patch(
            &path,
            Some(&ana.access),
            json!({"title": "Tempo run", "notes": null, "distance": 8250}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["title"], "Tempo run");
    assert!(patched.get("notes").is_none(), "null clears");
    assert_eq!(patched["energy"], 610.0, "absent fields stay");
    assert_eq!(patched["revision"], 2);
    let res = app
        .patch(&path, Some(&ana.access), json!({"duration": 3000}))
        .await;
    let longer: Value = res.json().await.unwrap();
    assert_eq!(longer["end"], "2026-03-29T18:50:00+02:00");
    let bad = app.patch(&path, Some(&ana.access), json!({"rpe": 11})).await;
    assert_problem(bad, 422, "validation_failed").await;
    let bad = app
        .patch(&path, Some(&ana.access), json!({"external_id": "x"}))
        .await;
    assert_problem(bad, 422, "validation_failed").await;

    let res = app.delete(&path, Some(&ana.access), None).await;
    assert_eq!(res.status(), 200);
    assert_problem(app.get(&path, Some(&ana.access)).await, 404, "activity_not_found").await;
    let trash: Value = app
        .get("/api/v1/trash", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trash["items"][0]["id"], id);
    assert!(trash["items"][0]["purge_at"].is_string());

    let revisions: Value = app
        .get(&format!("{path}/revisions"), Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    let changes: Vec<_> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"].clone())
        .collect();
    assert_eq!(
        changes,
        [json!("create"), json!("update"), json!("update"), json!("delete")]
    );
    assert_eq!(revisions["items"][0]["activity"]["title"], "Evening run");

    let res = app
        .post(
            &format!("{path}/restore"),
            Some(&ana.access),
            json!({"revision": 1}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let restored: Value = res.json().await.unwrap();
    assert_eq!(restored["title"], "Evening run");
    assert_eq!(restored["notes"], "easy");
    assert_eq!(restored["revision"], 5);
    assert!(restored.get("deleted_at").is_none());
    let res = app
        .post(
            &format!("{path}/restore"),
            Some(&ana.access),
            json!({"revision": 42}),
        )
        .await;
    assert_problem(res, 404, "revision_not_found").await;
    // JSON Schema's integers include 2.0; a fraction is refused.
    let res = app
        .post(
            &format!("{path}/restore"),
            Some(&ana.access),
            json!({"revision": 2.0}),
        )
        .await;
    assert_eq!(res.status(), 200, "a whole number written as 2.0");
    let res = app
        .post(
            &format!("{path}/restore"),
            Some(&ana.access),
            json!({"revision": 2.5}),
        )
        .await;
    assert_problem(res, 422, "invalid_body").await;
    // Undelete without naming a revision.
    app.delete(&path, Some(&ana.access), None).await;
    let res = app
        .request(Method::POST, &format!("{path}/restore"), Some(&ana.access), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&path, Some(&ana.access)).await.status(), 200);
}

#[tokio::test]
async fn lists_filter_search_sort_and_page() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    for i in 0..7 {
        let kind = if i % 2 == 0 { "running" } else { "cycling" };
        let body = json!({"type": kind, "start": format!("2026-03-{:02}T07:00:00Z", 10 + i),
                          "duration": 1800 + i * 600, "distance": 5000 + i * 1000, "avg_heart_rate": 130 + i,
                          "title": format!("Workout {i}"), "notes": if i == 3 { "hill REPEATS" } else { "" }});
        create(&app, &ana.access, body).await;
    }
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let get = |q: &str| {
        let url = format!("/api/v1/activities?{q}");
        let token = ana.access.clone();
        let app = &app;
        async move {
            let res = app.get(&url, Some(&token)).await;
            assert_eq!(res.status(), 200, "{url}");
            res.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(
        titles(&get("type=cycling").await),
        ["Workout 5", "Workout 3", "Workout 1"]
    );
    assert_eq!(titles(&get("q=repeats").await), ["Workout 3"]);
    assert_eq!(
        titles(&get("min_distance=7000&max_avg_hr=135").await),
        ["Workout 5", "Workout 4", "Workout 3", "Workout 2"]
    );
    assert_eq!(
        titles(&get("min_duration=4800").await),
        ["Workout 6", "Workout 5"]
    );
    assert_eq!(
        titles(&get("from=2026-03-12T00:00:00Z&to=2026-03-14T00:00:00Z&sort=start").await),
        ["Workout 2", "Workout 3"]
    );
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("sort=-distance&limit=3&cursor={c}"),
            None => "sort=-distance&limit=3".into(),
        };
        let page = get(&q).await;
        all.extend(titles(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        all,
        (0..7).rev().map(|i| format!("Workout {i}")).collect::<Vec<_>>()
    );
    let res = app
        .get("/api/v1/activities?sort=sideways", Some(&ana.access))
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn streams_are_stored_and_served_by_key_and_resolution() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let n = 2700;
    let mut body = run();
    body["streams"] = json!({
        "time": (0..n).map(|i| i as f64).collect::<Vec<_>>(),
        "heart_rate": (0..n).map(|i| 120 + (i % 40)).collect::<Vec<_>>(),
        "altitude": (0..n).map(|i| if i % 100 == 0 { Value::Null } else { json!(34.5 + (i % 7) as f64) }).collect::<Vec<_>>(),
        "lat": (0..n).map(|i| 52.5 + i as f64 * 1e-5).collect::<Vec<_>>(),
    });
    let created = create(&app, &ana.access, body).await;
    assert_eq!(created["stream_points"], n);
    let id = created["id"].as_str().unwrap();
    let url = format!("/api/v1/activities/{id}/streams?keys=heart_rate,altitude");
    let full: Value = app.get(&url, Some(&ana.access)).await.json().await.unwrap();
    assert_eq!(full["time"].as_array().unwrap().len(), n);
    assert_eq!(full["heart_rate"][41], 121.0);
    assert!(full["altitude"][100].is_null());
    assert_eq!(full["altitude"][101], 34.5 + 3.0);
    assert!(full.get("lat").is_none(), "only the keys asked for");
    let low: Value = app
        .get(&format!("{url}&resolution=low"), Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(low["time"].as_array().unwrap().len(), 100);
    assert_eq!(low["time"][99], (n - 1) as f64);
    let res = app
        .get(
            &format!("/api/v1/activities/{id}/streams?keys=pace"),
            Some(&ana.access),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let plain = create(&app, &ana.access, run()).await;
    let res = app
        .get(
            &format!("/api/v1/activities/{}/streams", plain["id"].as_str().unwrap()),
            Some(&ana.access),
        )
        .await;
    assert_problem(res, 404, "no_streams").await;
    let mut misaligned = run();
    misaligned["streams"] = json!({"time": [0, 1, 2], "heart_rate": [120, 121]});
    let res = app
        .post("/api/v1/activities", Some(&ana.access), misaligned)
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_streams");
}

#[tokio::test]
async fn the_same_workout_from_two_sources_is_found_and_merged_or_kept() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let garmin = json!({"type": "running", "start": "2026-03-29T16:00:00Z", "end": "2026-03-29T16:45:00Z",
                        "distance": 8200, "avg_heart_rate": 151, "source": {"name": "Forerunner", "kind": "watch"},
                        "streams": {"time": [0, 60, 120], "heart_rate": [120, 140, 150]}});
    let apple = json!({"type": "trail_running", "start": "2026-03-29T16:00:40Z", "end": "2026-03-29T16:45:10Z",
                       "distance": 8150, "energy": 610, "source": {"name": "iPhone", "kind": "phone"}});
    let ride = json!({"type": "cycling", "start": "2026-03-29T16:00:20Z", "duration": 600});
    let later = json!({"type": "running", "start": "2026-03-29T16:02:00Z", "duration": 600});
    let kept = create(&app, &ana.access, apple).await;
    let copy = create(&app, &ana.access, garmin).await;
    create(&app, &ana.access, ride).await;
    create(&app, &ana.access, later).await;
    let pairs: Vec<Value> = app
        .get("/api/v1/activities/duplicates", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pairs.len(),
        1,
        "same family, within a minute, overlapping: {pairs:?}"
    );
    assert_eq!(pairs[0]["first"]["id"], copy["id"]);
    assert_eq!(pairs[0]["second"]["id"], kept["id"]);
    let kept_id = kept["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/activities/{kept_id}/merge"),
            Some(&ana.access),
            json!({"other": copy["id"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let merged: Value = res.json().await.unwrap();
    assert_eq!(merged["distance"], 8150.0, "its own recorded total stays");
    assert_eq!(
        merged["avg_heart_rate"], 151.0,
        "a missing one is filled from the copy"
    );
    assert_eq!(merged["stream_points"], 3, "and the copy's track comes along");
    let list: Value = app
        .get("/api/v1/activities?limit=50", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3, "the copy is hidden");
    let days = daily_rows(&app, &ana.access, "2026-03-29", "2026-03-29").await;
    assert_eq!(days[0]["workout_count"], 3);
    let copy_view: Value = app
        .get(
            &format!("/api/v1/activities/{}", copy["id"].as_str().unwrap()),
            Some(&ana.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(copy_view["merged_into"], kept_id);
    let pairs: Vec<Value> = app
        .get("/api/v1/activities/duplicates", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(pairs.is_empty());
    // Two sessions at the same time that really are two: keep both.
    let a = create(
        &app,
        &ana.access,
        json!({"type": "yoga", "start": "2026-03-30T07:00:00Z", "duration": 1800}),
    )
    .await;
    let b = create(
        &app,
        &ana.access,
        json!({"type": "pilates", "start": "2026-03-30T07:00:30Z", "duration": 1800}),
    )
    .await;
    let pairs: Vec<Value> = app
        .get("/api/v1/activities/duplicates", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pairs.len(), 1);
    let res = app
        .post(
            &format!("/api/v1/activities/{}/merge", a["id"].as_str().unwrap()),
            Some(&ana.access),
            json!({"other": b["id"], "keep_both": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pairs: Vec<Value> = app
        .get("/api/v1/activities/duplicates", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(pairs.is_empty());
    let list: Value = app
        .get("/api/v1/activities?limit=50", Some(&ana.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    let res = app
        .post(
            &format!("/api/v1/activities/{kept_id}/merge"),
            Some(&ana.access),
            json!({"other": kept_id}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}
