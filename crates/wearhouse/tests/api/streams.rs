//! Live events to clients: the WebSocket stream, Server-Sent Events resumed with `Last-Event-ID`,
//! stream tickets, and streams ending with their session or token.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::*;
use crate::live;

const WAIT: Duration = Duration::from_secs(10);

fn steps(start: &str, end: &str, value: f64) -> Value {
    json!({"samples": [{"metric": "steps", "value": value, "start": start, "end": end,
        "source": {"name": "Band", "kind": "watch"}}]})
}

async fn user_id(app: &TestApp, token: &str) -> String {
    get_json(app, token, "/api/v1/me").await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_websocket_receives_the_users_events_and_only_theirs() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let ben = app.signed_up("ben").await;
    let mut ana_socket = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    let mut ana_second = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    let mut ben_socket = live::open(&app.base, "/api/v1/stream", Some(&ben.access))
        .await
        .unwrap();

    let res = app
        .post(
            "/api/v1/samples",
            Some(&ana.access),
            steps("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z", 900.0),
        )
        .await;
    assert_eq!(res.status(), 200);
    for socket in [&mut ana_socket, &mut ana_second] {
        let event = live::next_of(socket, "new_health_data", WAIT).await;
        assert_eq!(event["user"], user_id(&app, &ana.access).await);
        assert_eq!(event["data"]["count"], 1);
        assert_eq!(event["data"]["metrics"][0]["metric"], "steps");
        assert_eq!(event["version"], 1);
    }
    assert!(
        live::next(&mut ben_socket, Duration::from_millis(500))
            .await
            .is_none(),
        "another user's events are not sent"
    );

    let res = app
        .post(
            "/api/v1/activities",
            Some(&ana.access),
            json!({"type": "running", "start": "2026-05-04T17:00:00Z", "duration": 1800}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let event = live::next_of(&mut ana_socket, "activity.created", WAIT).await;
    assert_eq!(event["data"]["id"], res.json::<Value>().await.unwrap()["id"]);
}

#[tokio::test]
async fn a_stream_needs_credentials_and_a_websocket_handshake() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let refused = live::open(&app.base, "/api/v1/stream", None).await.unwrap_err();
    match refused {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }
    assert_problem(
        app.get("/api/v1/stream", Some(&ana.access)).await,
        426,
        "upgrade_required",
    )
    .await;
    assert_problem(
        app.get("/api/v1/traces", Some(&ana.access)).await,
        426,
        "upgrade_required",
    )
    .await;
    assert_problem(
        app.get("/api/v1/stream?ticket=nonsense", None).await,
        401,
        "invalid_ticket",
    )
    .await;
}

#[tokio::test]
async fn a_browser_opens_a_stream_with_a_ticket_once() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let res = app
        .post("/api/v1/stream/tickets", Some(&ana.access), json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let ticket: Value = res.json().await.unwrap();
    let ticket = ticket["ticket"].as_str().unwrap().to_owned();
    // A ticket is no access token.
    assert_problem(app.get("/api/v1/me", Some(&ticket)).await, 401, "invalid_token").await;

    let mut socket = live::open(&app.base, &format!("/api/v1/stream?ticket={ticket}"), None)
        .await
        .unwrap();
    app.post(
        "/api/v1/samples",
        Some(&ana.access),
        steps("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z", 900.0),
    )
    .await;
    live::next_of(&mut socket, "new_health_data", WAIT).await;
    match live::open(&app.base, &format!("/api/v1/stream?ticket={ticket}"), None)
        .await
        .unwrap_err()
    {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 401),
        other => panic!("a used ticket is refused, got {other:?}"),
    }
    assert_problem(
        app.get(&format!("/api/v1/events?ticket={ticket}"), None).await,
        401,
        "ticket_used",
    )
    .await;
}

#[tokio::test]
async fn server_sent_events_resume_after_the_last_event_id() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let open = |last: Option<String>| {
        let mut request = app.client.get(app.url("/api/v1/events")).bearer_auth(&ana.access);
        if let Some(last) = last {
            request = request.header("last-event-id", last);
        }
        request.send()
    };
    let mut events = live::SseReader::new(open(None).await.unwrap());
    app.post(
        "/api/v1/samples",
        Some(&ana.access),
        steps("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z", 900.0),
    )
    .await;
    let first = events.next_of("new_health_data", WAIT).await;
    let seen = first.id.clone().expect("events carry an id");
    assert_eq!(first.json()["data"]["count"], 1);
    assert_eq!(first.json()["type"], "new_health_data");
    drop(events);

    // Missed while away: a second batch and a workout.
    app.post(
        "/api/v1/samples",
        Some(&ana.access),
        steps("2026-05-04T10:00:00Z", "2026-05-04T10:30:00Z", 700.0),
    )
    .await;
    let run = app
        .post(
            "/api/v1/activities",
            Some(&ana.access),
            json!({"type": "running", "start": "2026-05-04T17:00:00Z", "duration": 1800}),
        )
        .await;
    assert_eq!(run.status(), 201);

    let mut events = live::SseReader::new(open(Some(seen.clone())).await.unwrap());
    let missed = events.next(WAIT).await.unwrap();
    assert_eq!(missed.event, "new_health_data");
    assert_eq!(
        missed.json()["data"]["from"],
        "2026-05-04T10:00:00Z",
        "the first event is not sent again"
    );
    assert!(missed.id.as_deref().unwrap().parse::<i64>().unwrap() > seen.parse::<i64>().unwrap());
    assert_eq!(events.next(WAIT).await.unwrap().event, "activity.created");
    // Then live again, and nothing twice.
    app.patch(
        "/api/v1/me",
        Some(&ana.access),
        json!({"unit_system": "imperial"}),
    )
    .await;
    assert_eq!(events.next(WAIT).await.unwrap().event, "profile.updated");

    assert_problem(
        app.client
            .get(app.url("/api/v1/events"))
            .bearer_auth(&ana.access)
            .header("last-event-id", "yesterday")
            .send()
            .await
            .unwrap(),
        400,
        "invalid_last_event_id",
    )
    .await;
}

#[tokio::test]
async fn streams_close_when_their_session_ends() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut socket = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    let mut events = live::SseReader::new(
        app.client
            .get(app.url("/api/v1/events"))
            .bearer_auth(&ana.access)
            .send()
            .await
            .unwrap(),
    );
    // Another session of the same user stays open.
    let other = tokens(app.login("ana", PASSWORD, None).await).await;
    let mut other_socket = live::open(&app.base, "/api/v1/stream", Some(&other.access))
        .await
        .unwrap();

    let res = app
        .post("/api/v1/auth/logout", None, json!({"refresh_token": ana.refresh}))
        .await;
    assert!(res.status().is_success());
    assert_eq!(
        live::next(&mut socket, WAIT).await,
        Some(Err((4401, "token_revoked".to_owned())))
    );
    let end = events.next_of("end", WAIT).await;
    assert_eq!(end.json()["code"], "token_revoked");
    assert!(
        events.next(Duration::from_secs(2)).await.is_none(),
        "the stream ended"
    );

    app.post(
        "/api/v1/samples",
        Some(&other.access),
        steps("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z", 900.0),
    )
    .await;
    live::next_of(&mut other_socket, "new_health_data", WAIT).await;
}

#[tokio::test]
async fn streams_close_when_their_token_expires() {
    let app = spawn_app_with(|c| c.auth.access_token_ttl_secs = 2).await;
    let ana = app.signed_up("ana").await;
    let mut socket = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    assert_eq!(
        live::next(&mut socket, WAIT).await,
        Some(Err((4401, "token_expired".to_owned())))
    );
}
