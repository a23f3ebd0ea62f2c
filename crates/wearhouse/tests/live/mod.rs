//! Clients of the live endpoints for tests: a WebSocket opened with a bearer token, and a
//! Server-Sent Events reader.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `ws://{addr}{path}` with `Authorization: Bearer {token}` (no header when `token` is `None`).
pub async fn open(
    base: &str,
    path: &str,
    token: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}{path}", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request()?;
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// What a socket said next: a JSON text message, or its close frame (`Err((code, reason))`).
pub async fn next(socket: &mut Socket, wait: Duration) -> Option<Result<Value, (u16, String)>> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next()).await.ok()??;
        match message {
            Ok(Message::Text(text)) => return Some(Ok(serde_json::from_str(&text).unwrap())),
            Ok(Message::Close(frame)) => {
                return Some(Err(frame
                    .map(|f| (u16::from(f.code), f.reason.to_string()))
                    .unwrap_or((1005, String::new()))))
            }
            Ok(_) => {}
            Err(_) => return Some(Err((1006, String::new()))),
        }
    }
}

/// The next event of the socket within `wait`, skipping those of type other than `kind`.
pub async fn next_of(socket: &mut Socket, kind: &str, wait: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next(socket, left).await {
            Some(Ok(event)) if event["type"] == kind => return event,
            Some(Ok(_)) => {}
            other => panic!("expected a {kind} event, got {other:?}"),
        }
    }
}

pub async fn send(socket: &mut Socket, body: &Value) {
    socket.send(Message::Text(body.to_string().into())).await.unwrap();
}

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// Reads events from an `text/event-stream` response.
pub struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped) within `wait`; `None` when none came or the stream ended.
    pub async fn next(&mut self, wait: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Sse {
                    id: None,
                    event: "message".into(),
                    data: String::new(),
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        event.id = Some(v.trim().to_owned());
                        any = true;
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event.event = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data.push_str(v.trim_start());
                        any = true;
                    }
                }
                if any {
                    return Some(event);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event of type `kind` within `wait`, skipping others.
    pub async fn next_of(&mut self, kind: &str, wait: Duration) -> Sse {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(event) if event.event == kind => return event,
                Some(_) => {}
                None => panic!("no {kind} event within {wait:?}"),
            }
        }
    }
}

/// A batch of `n` heart-rate samples a second apart from `start` (RFC 3339 seconds since epoch).
pub fn heart_rates(start_unix: i64, n: usize) -> Value {
    let samples: Vec<Value> = (0..n)
        .map(|i| {
            let at = jiff::Timestamp::from_second(start_unix + i as i64).unwrap();
            serde_json::json!({"metric": "heart_rate", "value": 60 + (i % 40) as i64, "start": at.to_string(),
                "source": {"name": "Strap", "kind": "chest_strap"}})
        })
        .collect();
    serde_json::json!({ "samples": samples })
}
