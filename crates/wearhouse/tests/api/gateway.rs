//! The upstream gateway connector, against a small WebSocket server this test starts: the service
//! connects with the gateway's token, stores what it sends with the gateway's device as source,
//! acknowledges it, and reconnects after the gateway drops it.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use secrecy::SecretString;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;
use wearhouse::config::GatewayConfig;

use crate::harness::*;

/// Accepts one connection at `/api/v1/traces`; returns the socket and the `Authorization` it sent.
// The handshake callback's error type is tungstenite's, large by its design.
#[allow(clippy::result_large_err)]
async fn accept(
    listener: &TcpListener,
) -> (tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>, String) {
    let (stream, _) = tokio::time::timeout(Duration::from_secs(20), listener.accept())
        .await
        .expect("the service connects within 20 s")
        .unwrap();
    let mut seen = (String::new(), String::new());
    let socket = tokio_tungstenite::accept_hdr_async(stream, |request: &Request, response: Response| {
        seen.0 = request.uri().path().to_owned();
        seen.1 = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(response)
    })
    .await
    .unwrap();
    assert_eq!(seen.0, "/api/v1/traces");
    (socket, seen.1)
}

async fn next_ack(socket: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("an acknowledgement within 10 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn samples_from_a_gateway_are_stored_with_its_device_as_source_and_it_is_reconnected() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway_url = format!("http://{}", listener.local_addr().unwrap());
    let app = spawn_app_with(|c| {
        c.gateways = vec![GatewayConfig {
            user: "ana".into(),
            url: gateway_url,
            token: Some(SecretString::from("gateway-secret")),
            device: "Polar H10 (gateway)".into(),
            device_kind: "chest_strap".into(),
        }];
    })
    .await;
    // The user comes after the service started: the connector retries until it exists.
    let ana = app.signed_up("ana").await;

    let (mut socket, authorization) = accept(&listener).await;
    assert_eq!(authorization, "Bearer gateway-secret");
    let hr = |at: &str, value: f64| json!({"metric": "heart_rate", "value": value, "start": at});
    socket
        .send(Message::Text(hr("2026-05-04T09:00:00Z", 61.0).to_string().into()))
        .await
        .unwrap();
    socket
        .send(Message::Text(
            json!({"samples": [hr("2026-05-04T09:00:01Z", 62.0),
                {"metric": "heart_rate", "value": 90.0, "start": "2026-05-04T09:00:02Z",
                 "source": {"name": "Ana's watch", "kind": "watch"}}]})
            .to_string()
            .into(),
        ))
        .await
        .unwrap();
    let mut acked = 0;
    let mut accepted = 0;
    while acked < 2 {
        let ack = next_ack(&mut socket).await;
        assert_eq!(ack["type"], "ack");
        acked = ack["through"].as_u64().unwrap();
        accepted += ack["accepted"].as_u64().unwrap();
    }
    assert_eq!(accepted, 3);
    // The gateway goes away; the service comes back and takes more.
    socket.close(None).await.unwrap();
    drop(socket);
    let (mut socket, _) = accept(&listener).await;
    socket
        .send(Message::Text(hr("2026-05-04T09:00:03Z", 63.0).to_string().into()))
        .await
        .unwrap();
    assert_eq!(next_ack(&mut socket).await["accepted"], 1);

    let stored = get_json(&app, &ana.access, "/api/v1/samples?metric=heart_rate&limit=10").await;
    let values: Vec<f64> = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [61.0, 62.0, 90.0, 63.0]);
    let sources = get_json(&app, &ana.access, "/api/v1/sources").await;
    let mut names: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Ana's watch", "Polar H10 (gateway)"]);
}
