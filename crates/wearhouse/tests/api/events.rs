//! Domain events: written with the change, published after commit by the `events.publish` job to the
//! process's event bus, in order, each once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wearhouse_services::events::Event;

use crate::harness::*;

/// The next event on `events` of `user`, within five seconds.
async fn next(events: &mut tokio::sync::broadcast::Receiver<Arc<Event>>, user: &str) -> Arc<Event> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("an event within 5 s")
            .expect("the bus is open");
        if event.user.as_deref() == Some(user) {
            return event;
        }
    }
}

#[tokio::test]
async fn changes_are_published_as_events_in_order_after_commit() {
    let app = spawn_app().await;
    let mut events = app.events.subscribe();
    let t = app.signed_up("ana").await;
    let me: Value = app.get("/api/v1/me", Some(&t.access)).await.json().await.unwrap();
    let user = me["id"].as_str().unwrap().to_owned();

    let samples = json!({"samples": [
        {"metric": "steps", "value": 500.0, "start": "2026-05-04T09:00:00Z", "end": "2026-05-04T09:10:00Z",
         "source": {"name": "Band", "kind": "watch"}},
        {"metric": "steps", "value": 700.0, "start": "2026-05-04T10:00:00Z", "end": "2026-05-04T10:10:00Z",
         "source": {"name": "Band", "kind": "watch"}},
        {"metric": "heart_rate", "value": 61.0, "start": "2026-05-04T09:05:00Z",
         "source": {"name": "Band", "kind": "watch"}}
    ]});
    assert_eq!(
        app.post("/api/v1/samples", Some(&t.access), samples.clone())
            .await
            .status(),
        200
    );
    let data = next(&mut events, &user).await;
    assert_eq!((data.kind.as_str(), data.version), ("new_health_data", 1));
    assert_eq!(data.data["count"], 3);
    assert_eq!(data.data["from"], "2026-05-04T09:00:00Z");
    assert_eq!(data.data["to"], "2026-05-04T10:10:00Z");
    assert_eq!(
        data.data["metrics"],
        json!([
            {"metric": "steps", "count": 2, "from": "2026-05-04T09:00:00Z", "to": "2026-05-04T10:10:00Z"},
            {"metric": "heart_rate", "count": 1, "from": "2026-05-04T09:05:00Z", "to": "2026-05-04T09:05:00Z"}
        ])
    );
    assert_eq!(data.data["import"], Value::Null);
    assert_eq!(data.id.len(), 36, "a UUID: {}", data.id);

    // The same batch again adds nothing, so it tells of nothing; a workout's life is told in order.
    assert_eq!(
        app.post("/api/v1/samples", Some(&t.access), samples)
            .await
            .status(),
        200
    );
    let res = app
        .post(
            "/api/v1/activities",
            Some(&t.access),
            json!({"type": "running", "start": "2026-05-04T17:00:00Z", "duration": 1800}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let run: Value = res.json().await.unwrap();
    let id = run["id"].as_str().unwrap();
    assert_eq!(
        app.patch(
            &format!("/api/v1/activities/{id}"),
            Some(&t.access),
            json!({"distance": 5000.0})
        )
        .await
        .status(),
        200
    );
    assert!(app
        .delete(&format!("/api/v1/activities/{id}"), Some(&t.access), None)
        .await
        .status()
        .is_success());
    assert_eq!(
        app.patch("/api/v1/me", Some(&t.access), json!({"unit_system": "imperial"}))
            .await
            .status(),
        200
    );
    let mut seen = Vec::new();
    for _ in 0..4 {
        let e = next(&mut events, &user).await;
        seen.push((e.kind.clone(), e.data.get("id").cloned().unwrap_or(Value::Null)));
    }
    assert_eq!(
        seen,
        [
            ("activity.created".to_owned(), json!(id)),
            ("activity.updated".to_owned(), json!(id)),
            ("activity.deleted".to_owned(), json!(id)),
            ("profile.updated".to_owned(), Value::Null),
        ],
        "the duplicate batch told of nothing"
    );
}

#[tokio::test]
async fn an_import_tells_of_its_data_and_its_end() {
    let app = spawn_app().await;
    let mut events = app.events.subscribe();
    let t = app.signed_up("ana").await;
    let me: Value = app.get("/api/v1/me", Some(&t.access)).await.json().await.unwrap();
    let user = me["id"].as_str().unwrap().to_owned();
    let done = import(
        &app,
        &t.access,
        "export.xml",
        fixture("apple_health_ios8/export.xml"),
    )
    .await;
    let import_id = done["id"].as_str().unwrap().to_owned();
    let mut data = 0;
    loop {
        let e = next(&mut events, &user).await;
        match e.kind.as_str() {
            "new_health_data" => {
                assert_eq!(e.data["import"], json!(import_id));
                data += e.data["count"].as_u64().unwrap();
            }
            "activity.created" => {}
            "import.completed" => {
                assert_eq!(e.data["id"], json!(import_id));
                assert_eq!(e.data["imported"], json!(data), "every stored sample was told of");
                break;
            }
            other => panic!("unexpected {other}: {:?}", e.data),
        }
    }
    assert!(data > 0);
}
