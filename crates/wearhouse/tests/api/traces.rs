//! Live ingest over a WebSocket: messages in the `POST /samples` shape, stored in groups per second,
//! acknowledged after commit with each rejected sample named by message and index.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::*;
use crate::live;

const WAIT: Duration = Duration::from_secs(10);

fn heart_rate(at: &str, value: f64) -> Value {
    json!({"metric": "heart_rate", "value": value, "start": at, "source": {"name": "Strap", "kind": "chest_strap"}})
}

/// Acks until every message up to `through` is settled; returns them.
async fn acks_through(socket: &mut live::Socket, through: u64) -> Vec<Value> {
    let mut acks = Vec::new();
    while acks.last().map(|a: &Value| a["through"].as_u64().unwrap()) != Some(through) {
        match live::next(socket, WAIT).await {
            Some(Ok(ack)) => acks.push(ack),
            other => panic!("expected an ack, got {other:?}"),
        }
    }
    acks
}

#[tokio::test]
async fn samples_sent_over_a_websocket_are_stored_and_acknowledged() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut events = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    let mut socket = live::open(&app.base, "/api/v1/traces", Some(&ana.access))
        .await
        .unwrap();

    // 1: one sample; 2: a batch with an implausible one; 3: not JSON; 4: a duplicate of 1.
    live::send(&mut socket, &heart_rate("2026-05-04T09:00:00Z", 61.0)).await;
    live::send(
        &mut socket,
        &json!({"samples": [heart_rate("2026-05-04T09:00:01Z", 62.0), heart_rate("2026-05-04T09:00:02Z", 900.0),
            heart_rate("2026-05-04T09:00:03Z", 63.0)]}),
    )
    .await;
    futures_util::SinkExt::send(
        &mut socket,
        tokio_tungstenite::tungstenite::Message::Text("{oops".into()),
    )
    .await
    .unwrap();
    live::send(&mut socket, &heart_rate("2026-05-04T09:00:00Z", 61.0)).await;

    let acks = acks_through(&mut socket, 4).await;
    assert!(acks.iter().all(|a| a["type"] == "ack"), "{acks:?}");
    let total = |field: &str| acks.iter().map(|a| a[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!(total("messages"), 4);
    assert_eq!(total("accepted"), 3);
    assert_eq!(total("duplicates"), 1);
    let rejected: Vec<&Value> = acks
        .iter()
        .flat_map(|a| a["rejected"].as_array().unwrap())
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0]["message"].as_u64(), rejected[0]["index"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(rejected[0]["code"], "implausible_value");
    let failed: Vec<&Value> = acks
        .iter()
        .flat_map(|a| a["failed"].as_array().unwrap())
        .collect();
    assert_eq!((failed.len(), failed[0]["message"].as_u64()), (1, Some(3)));
    assert_eq!(failed[0]["code"], "malformed_json");

    let stored = get_json(&app, &ana.access, "/api/v1/samples?metric=heart_rate&limit=10").await;
    let values: Vec<f64> = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [61.0, 62.0, 63.0]);
    // What was acknowledged together was told together; the first message alone (stored at once).
    let mut told = 0;
    while told < 3 {
        let event = live::next_of(&mut events, "new_health_data", WAIT).await;
        told += event["data"]["count"].as_u64().unwrap();
    }
    assert_eq!(told, 3);
}

#[tokio::test]
async fn messages_within_a_second_are_stored_as_one_group_with_one_event() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut events = live::open(&app.base, "/api/v1/stream", Some(&ana.access))
        .await
        .unwrap();
    let mut socket = live::open(&app.base, "/api/v1/traces", Some(&ana.access))
        .await
        .unwrap();
    // The first is stored at once; the next twenty, sent right after, wait for the rest of the second.
    for i in 0..21 {
        let at = jiff::Timestamp::from_second(1_777_885_200 + i)
            .unwrap()
            .to_string();
        live::send(&mut socket, &heart_rate(&at, 70.0)).await;
    }
    let acks = acks_through(&mut socket, 21).await;
    assert_eq!(acks.len(), 2, "{acks:?}");
    assert_eq!(
        (acks[0]["messages"].as_u64(), acks[1]["messages"].as_u64()),
        (Some(1), Some(20))
    );
    let first = live::next_of(&mut events, "new_health_data", WAIT).await;
    let second = live::next_of(&mut events, "new_health_data", WAIT).await;
    assert_eq!(
        (first["data"]["count"].as_u64(), second["data"]["count"].as_u64()),
        (Some(1), Some(20))
    );
}

#[tokio::test]
async fn what_a_client_sent_before_closing_is_stored_though_it_cannot_be_acknowledged() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let mut socket = live::open(&app.base, "/api/v1/traces", Some(&ana.access))
        .await
        .unwrap();
    live::send(&mut socket, &live::heart_rates(1_777_885_200, 500)).await;
    live::send(&mut socket, &live::heart_rates(1_777_885_700, 500)).await;
    // Closing at once: after a close no more frames may be sent, so the server cannot acknowledge
    // these (a client that wants acks waits for them before closing); it stores them all the same.
    futures_util::SinkExt::close(&mut socket).await.unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let page = get_json(&app, &ana.access, "/api/v1/samples?metric=heart_rate&limit=1000").await;
        let stored = page["items"].as_array().unwrap().len();
        if stored == 1000 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{stored} of 1000 stored");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
