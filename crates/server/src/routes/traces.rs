//! `GET /api/v1/traces`: live ingest over a WebSocket, for devices and gateways that stream samples.
//!
//! Each message is a sample or a batch in the `POST /api/v1/samples` shape. Messages are stored in
//! groups: what arrives within a second is stored in one transaction (one `new_health_data` event),
//! and a group reaching [`GROUP_SAMPLES`] is stored at once. After a quiet second the first message is
//! stored at once too, so a device sending now and then is acknowledged without waiting. Each group is
//! acknowledged after its commit with one frame naming the messages it covers and their results, so
//! a disconnect loses nothing acknowledged. Back-pressure: while a group is being stored, the next one
//! fills up to [`GROUP_SAMPLES`], then no more is read from the socket until the store catches up.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::time::Instant;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_services::samples::MAX_BATCH;
use wearhouse_services::{AuthenticatedUser, IngestOutcome, SampleInput, ServiceError};

use crate::extract::{parse_json, Query};
use crate::problem::{ApiError, Problem};
use crate::routes::samples::{SampleBatch, SampleBody};
use crate::routes::streams::{socket_caller, StreamQuery, CLOSE_CREDENTIALS_ENDED, CLOSE_GOING_AWAY};
use crate::session_watch::session_ended;
use crate::state::AppState;

/// A group this large is stored without waiting for the rest of its second.
pub const GROUP_SAMPLES: usize = 10_000;
/// The longest a message waits to be stored with others.
const GROUP_WINDOW: Duration = Duration::from_secs(1);
/// The largest message taken (a full batch of 50,000 verbose samples fits).
const MAX_MESSAGE_BYTES: usize = 24 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(traces))
}

/// A sample rejected in a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct TraceRejection {
    /// The message's number on this connection (the first message sent is 1).
    pub message: u64,
    /// The sample's position in the message's batch (0 for a single sample).
    pub index: usize,
    pub code: String,
    pub detail: String,
}

/// A message that could not be read at all (nothing of it is stored).
#[derive(Debug, Serialize, ToSchema)]
pub struct TraceFailure {
    pub message: u64,
    /// `malformed_json`, `invalid_body`, `too_many_samples`.
    pub code: String,
    pub detail: String,
}

/// What the server sends: `ack` after a group of messages is stored, `nack` when storing it failed
/// (nothing of it is stored: send those messages again).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "ack", "through": 12, "messages": 3, "accepted": 118, "duplicates": 2,
    "rejected": [{"message": 11, "index": 4, "code": "implausible_value", "detail": "heart_rate: 412 count/min is outside 20 to 260"}],
    "failed": [{"message": 10, "code": "malformed_json", "detail": "malformed JSON: expected value at line 1 column 1"}]}))]
pub struct TraceAck {
    /// `ack` or `nack`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Every message up to this number is settled by this frame or an earlier one.
    pub through: u64,
    /// How many messages this frame settles (those after the previous frame's `through`).
    pub messages: u64,
    /// Samples newly stored.
    pub accepted: u64,
    /// Valid samples already stored.
    pub duplicates: u64,
    pub rejected: Vec<TraceRejection>,
    pub failed: Vec<TraceFailure>,
    /// For a `nack`: why storing failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Messages waiting to be stored together.
#[derive(Default)]
struct Group {
    items: Vec<SampleInput>,
    /// For each message with samples: its number and where its samples start in `items`.
    starts: Vec<(u64, usize)>,
    failed: Vec<TraceFailure>,
    /// The last message number in the group.
    through: u64,
    messages: u64,
}

impl Group {
    fn is_empty(&self) -> bool {
        self.messages == 0
    }

    fn add(&mut self, number: u64, message: Result<Vec<SampleBody>, ApiError>) {
        self.through = number;
        self.messages += 1;
        match message {
            Ok(samples) if samples.len() > MAX_BATCH => self.failed.push(TraceFailure {
                message: number,
                code: "too_many_samples".into(),
                detail: format!("at most {MAX_BATCH} samples per message; split the batch"),
            }),
            Ok(samples) => {
                self.starts.push((number, self.items.len()));
                self.items.extend(samples.into_iter().map(SampleInput::from));
            }
            Err(e) => self.failed.push(TraceFailure {
                message: number,
                code: e.0.code.clone(),
                detail: e.0.detail.clone(),
            }),
        }
    }

    /// Whether adding `count` samples would make one store call larger than a request may be.
    fn overflows_with(&self, count: usize) -> bool {
        self.items.len() + count > MAX_BATCH
    }

    fn settle(self, stored: Result<IngestOutcome, ServiceError>) -> TraceAck {
        let Group {
            starts,
            failed,
            through,
            messages,
            ..
        } = self;
        match stored {
            Ok(outcome) => TraceAck {
                kind: "ack",
                through,
                messages,
                accepted: outcome.accepted,
                duplicates: outcome.duplicates,
                rejected: outcome
                    .rejected
                    .into_iter()
                    .map(|r| {
                        // The message whose samples start at or before the rejected one's position.
                        let at = starts
                            .partition_point(|(_, start)| *start <= r.index)
                            .saturating_sub(1);
                        let (message, start) = starts.get(at).copied().unwrap_or((through, 0));
                        TraceRejection {
                            message,
                            index: r.index - start,
                            code: r.code.to_owned(),
                            detail: r.detail,
                        }
                    })
                    .collect(),
                failed,
                error: None,
            },
            Err(e) => {
                tracing::error!(error = %e.with_causes(), "storing live samples failed");
                TraceAck {
                    kind: "nack",
                    through,
                    messages,
                    accepted: 0,
                    duplicates: 0,
                    rejected: Vec::new(),
                    failed,
                    error: Some(ApiError::from(e).0.code),
                }
            }
        }
    }
}

/// The samples of one message in the live-ingest shape (a sample object or `{"samples": [...]}`), as
/// an upstream gateway sends them too; a message that cannot be read gives its problem's code and
/// detail.
pub fn trace_samples(bytes: &[u8]) -> Result<Vec<SampleInput>, (String, String)> {
    parse_message(bytes)
        .map(|samples| samples.into_iter().map(SampleInput::from).collect())
        .map_err(|e| (e.0.code, e.0.detail))
}

/// Reads one message: a batch (`{"samples": [...]}`) or one sample object.
fn parse_message(bytes: &[u8]) -> Result<Vec<SampleBody>, ApiError> {
    let is_batch = memchr_samples_key(bytes);
    if is_batch {
        parse_json::<SampleBatch>(bytes).map(|b| b.samples)
    } else {
        parse_json::<SampleBody>(bytes).map(|s| vec![s])
    }
}

/// Whether the message has a `"samples"` key: a batch. (A sample has no such field, so a sample
/// object with one is refused as a sample would be: unknown field.)
fn memchr_samples_key(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|w| w == b"\"samples\"")
}

type Flight = Pin<Box<dyn Future<Output = TraceAck> + Send>>;

/// Live ingest. Open as a WebSocket with `Authorization: Bearer <token>` (or `?ticket=` from `POST
/// /api/v1/stream/tickets` in a browser). Send text messages, each a sample object or a batch
/// `{"samples": [...]}` exactly as `POST /api/v1/samples` takes them (up to 50,000 samples). The
/// server answers with `ack` frames (`TraceAck`): messages are numbered from 1 in the order sent, and
/// each frame settles every message up to `through`, with the samples accepted, the duplicates, and
/// each rejected sample named by its message and index. Messages arriving within a second are stored
/// together (a group of 10,000 samples at once); a `nack` means the group could not be stored: send
/// it again (resending is safe, stored samples count as duplicates). Reading pauses while the store
/// catches up (back-pressure). Closes with 4401 when the session ends or the token expires, after
/// storing and acknowledging what was received.
#[utoipa::path(get, path = "/traces", tag = "samples", security(("bearer" = []), ()), params(StreamQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol; then one `TraceAck` text frame per stored group", body = TraceAck),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = "application/problem+json"),
        (status = 426, description = "`upgrade_required`: not a WebSocket handshake", body = Problem, content_type = "application/problem+json"),
    ))]
async fn traces(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (actor, upgrade) = match socket_caller(&state, &headers, query.ticket.as_deref(), upgrade).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .write_buffer_size(0)
        .on_upgrade(move |socket| run_traces(socket, state, actor))
}

fn store(state: &AppState, actor: &AuthenticatedUser, group: Group) -> Flight {
    let samples = state.samples.clone();
    let user = actor.id().clone();
    Box::pin(async move {
        let mut group = group;
        let items = std::mem::take(&mut group.items);
        let stored = if items.is_empty() {
            Ok(IngestOutcome {
                accepted: 0,
                duplicates: 0,
                rejected: Vec::new(),
            })
        } else {
            samples.ingest(&user, items).await
        };
        group.settle(stored)
    })
}

/// The in-flight group's acknowledgement; never resolves without one.
async fn next_ack(flight: &mut Option<Flight>) -> TraceAck {
    match flight {
        Some(flight) => flight.await,
        None => std::future::pending().await,
    }
}

async fn run_traces(socket: WebSocket, state: AppState, actor: AuthenticatedUser) {
    let (mut sink, mut incoming) = socket.split();
    let ended = session_ended(state.accounts.clone(), actor.clone());
    tokio::pin!(ended);
    let mut group = Group::default();
    let mut flight: Option<Flight> = None;
    // When the last group started storing: the next waits until a second after it.
    let mut last_store = Instant::now() - GROUP_WINDOW;
    let mut number = 0u64;
    let mut reading = true;
    let mut close: Option<(u16, &'static str)> = None;
    loop {
        let due = last_store + GROUP_WINDOW;
        if flight.is_none()
            && !group.is_empty()
            && (group.items.len() >= GROUP_SAMPLES || Instant::now() >= due || !reading)
        {
            flight = Some(store(&state, &actor, std::mem::take(&mut group)));
            last_store = Instant::now();
        }
        if !reading && flight.is_none() && group.is_empty() {
            break;
        }
        let can_read = reading && group.items.len() < GROUP_SAMPLES;
        tokio::select! {
            ack = next_ack(&mut flight), if flight.is_some() => {
                flight = None;
                let Ok(text) = serde_json::to_string(&ack) else { continue };
                if sink.send(Message::Text(text.into())).await.is_err() {
                    // The client is gone; what was received is stored all the same.
                    reading = false;
                }
            }
            message = incoming.next(), if can_read => {
                let bytes = match message {
                    Some(Ok(Message::Text(text))) => axum::body::Bytes::from(text),
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => {
                        reading = false;
                        continue;
                    }
                };
                number += 1;
                let parsed = parse_message(&bytes);
                let count = parsed.as_ref().map(Vec::len).unwrap_or(0);
                if count <= MAX_BATCH && group.overflows_with(count) {
                    // Store what is pending first; this message starts the next group.
                    if flight.is_none() {
                        flight = Some(store(&state, &actor, std::mem::take(&mut group)));
                        last_store = Instant::now();
                    } else if let Some(current) = flight.take() {
                        let ack = current.await;
                        if let Ok(text) = serde_json::to_string(&ack) {
                            let _ = sink.send(Message::Text(text.into())).await;
                        }
                        flight = Some(store(&state, &actor, std::mem::take(&mut group)));
                        last_store = Instant::now();
                    }
                }
                group.add(number, parsed);
            }
            () = tokio::time::sleep_until(due), if flight.is_none() && !group.is_empty() => {}
            code = &mut ended, if close.is_none() => {
                close = Some((CLOSE_CREDENTIALS_ENDED, code));
                reading = false;
            }
            () = state.stopping.cancelled(), if close.is_none() => {
                close = Some((CLOSE_GOING_AWAY, "server_stopping"));
                reading = false;
            }
        }
    }
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_a_batch_or_one_sample() {
        let one =
            parse_message(br#"{"metric":"heart_rate","value":61,"start":"2026-01-01T10:00:00Z"}"#).unwrap();
        assert_eq!(one.len(), 1);
        let batch = parse_message(
            br#"{"samples":[{"metric":"heart_rate","value":61,"start":"2026-01-01T10:00:00Z"},{"metric":"heart_rate","value":62,"start":"2026-01-01T10:00:01Z"}]}"#,
        )
        .unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(parse_message(b"{nope").unwrap_err().0.code, "malformed_json");
        assert_eq!(
            parse_message(br#"{"metric":"heart_rate"}"#).unwrap_err().0.code,
            "invalid_body"
        );
    }

    #[test]
    fn rejections_are_named_by_message_and_index() {
        let mut group = Group::default();
        let sample =
            || parse_message(br#"{"metric":"heart_rate","value":61,"start":"2026-01-01T10:00:00Z"}"#);
        group.add(1, sample());
        group.add(2, parse_message(b"{nope"));
        group.add(
            3,
            sample().map(|mut a| {
                a.extend(sample().unwrap());
                a
            }),
        );
        let ack = group.settle(Ok(IngestOutcome {
            accepted: 1,
            duplicates: 0,
            rejected: vec![wearhouse_services::Rejection {
                index: 2,
                code: "implausible_value",
                detail: "x".into(),
            }],
        }));
        assert_eq!((ack.through, ack.messages), (3, 3));
        assert_eq!((ack.rejected[0].message, ack.rejected[0].index), (3, 1));
        assert_eq!(ack.failed[0].message, 2);
    }
}
