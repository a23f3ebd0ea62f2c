//! Events through the machine's RabbitMQ (`WEARHOUSE_TEST_AMQP_URL`, as CI sets it; without it these
//! tests say so and pass).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use wearhouse_amqp::AmqpBus;
use wearhouse_services::events::{Event, EventBus};

fn amqp() -> Option<String> {
    let url = std::env::var("WEARHOUSE_TEST_AMQP_URL").ok();
    if url.is_none() {
        eprintln!("skipped: needs RabbitMQ (set WEARHOUSE_TEST_AMQP_URL)");
    }
    url
}

fn event(kind: &str) -> Arc<Event> {
    Arc::new(Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.to_owned(),
        version: 1,
        time: "2026-05-04T09:00:00Z".into(),
        user: Some("usr_test".into()),
        data: serde_json::json!({"count": 1}),
        seq: 0,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_events_reach_an_outside_queue_and_every_process_once_each() {
    let Some(url) = amqp() else { return };
    let a = AmqpBus::connect(&url).await.unwrap();
    let b = AmqpBus::connect(&url).await.unwrap();
    // An outside program: its own queue bound to the exchange.
    let (_outside, mut outside_deliveries) = wearhouse_amqp::testing::outside_queue(&url).await.unwrap();
    let mut on_b = b.subscribe();

    let sent = [event("new_health_data"), event("activity.created")];
    a.publish(&sent).await.unwrap();

    for expected in &sent {
        let delivery = tokio::time::timeout(Duration::from_secs(5), outside_deliveries.next())
            .await
            .expect("delivered within 5 s")
            .unwrap()
            .unwrap();
        let received: serde_json::Value = serde_json::from_slice(&delivery.data).unwrap();
        assert_eq!(received["id"], expected.id.as_str());
        assert_eq!(received["type"], expected.kind.as_str());
        assert_eq!(
            delivery.properties.message_id().as_ref().map(|m| m.as_str()),
            Some(expected.id.as_str())
        );
        assert_eq!(delivery.properties.delivery_mode(), &Some(2), "persistent");
        // And the other process's subscribers, in order.
        let on_other = loop {
            let e = tokio::time::timeout(Duration::from_secs(5), on_b.recv())
                .await
                .expect("on process b within 5 s")
                .unwrap();
            if e.user.as_deref() == Some("usr_test") && sent.iter().any(|s| s.id == e.id) {
                break e;
            }
        };
        assert_eq!(on_other.id, expected.id);
    }
}

#[tokio::test]
async fn an_unreachable_broker_is_one_clear_error() {
    let error = AmqpBus::connect("amqp://guest:secret@127.0.0.1:1/%2f")
        .await
        .err()
        .expect("no broker listens there");
    let shown = error.to_string();
    assert!(
        shown.starts_with("RabbitMQ at amqp://…@127.0.0.1:1/%2f"),
        "{shown}"
    );
    assert!(!shown.contains("secret"), "{shown}");
}
