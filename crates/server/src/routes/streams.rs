//! Live events to clients: `GET /api/v1/stream` (WebSocket) and `GET /api/v1/events` (Server-Sent
//! Events, resumable), and the tickets a browser opens them with. Both carry the caller's events as
//! published (see docs/events.md) and end when the caller's session or token does.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_services::events::Event;
use wearhouse_services::AuthenticatedUser;

use crate::extract::{bearer_user, rate_limited, Auth, Json, Query};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session_watch::session_ended;
use crate::state::AppState;

/// How often an idle stream shows it is alive (a WebSocket ping, an SSE comment), so proxies keep it.
const KEEP_ALIVE: Duration = Duration::from_secs(25);

/// WebSocket close code when the credentials a stream was opened with end (expired token, ended
/// session, deactivated account); the reason is the problem code (`token_expired`, `token_revoked` …).
pub const CLOSE_CREDENTIALS_ENDED: u16 = 4401;
/// WebSocket close code "try again later" (RFC 6455): the client fell too far behind.
pub const CLOSE_TOO_SLOW: u16 = 1013;
/// WebSocket close code "going away" (RFC 6455): the server is stopping; reconnect.
pub const CLOSE_GOING_AWAY: u16 = 1001;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_ticket))
        .routes(routes!(stream))
        .routes(routes!(events))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"ticket": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMDFKIn0.c2lnbmF0dXJl", "expires_at": "2026-05-04T09:10:32Z"}))]
pub struct TicketView {
    /// Put it in the query (`?ticket=`) of `/api/v1/stream`, `/api/v1/events` or `/api/v1/traces`.
    /// Good once, for 30 seconds; the stream it opens lasts as long as the access token it was taken with.
    pub ticket: String,
    pub expires_at: String,
}

/// Take a stream ticket. Browsers cannot send an `Authorization` header when opening a WebSocket or an
/// `EventSource`; they take a ticket with their access token and put it in the stream's query instead.
#[utoipa::path(post, path = "/stream/tickets", tag = "events", security(("bearer" = [])),
    responses((status = 201, body = TicketView)))]
async fn create_ticket(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Response> {
    let (ticket, expires) = state.accounts.stream_ticket(&actor)?;
    Ok((
        StatusCode::CREATED,
        Json(TicketView {
            ticket,
            expires_at: expires.to_string(),
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// A stream ticket (`POST /api/v1/stream/tickets`), for clients that cannot send `Authorization`.
    #[param(max_length = 2048)]
    pub ticket: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// A stream ticket (`POST /api/v1/stream/tickets`), for clients that cannot send `Authorization`.
    #[param(max_length = 2048)]
    pub ticket: Option<String>,
    /// Resume after this event id (what `Last-Event-ID` says; the header wins when both are given).
    #[param(minimum = 0)]
    pub last_event_id: Option<i64>,
}

/// The longest `ticket` taken (a ticket is far shorter; the limit is in the document).
const MAX_TICKET: usize = 2048;

/// Who opens a stream: `Authorization: Bearer <access token>`, or else `?ticket=`.
pub(crate) async fn stream_caller(
    state: &AppState,
    headers: &HeaderMap,
    ticket: Option<&str>,
) -> Result<AuthenticatedUser, Response> {
    if ticket.is_some_and(|t| t.len() > MAX_TICKET) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("ticket is at most {MAX_TICKET} characters"),
        )
        .into_response());
    }
    let Some(ticket) = ticket.filter(|_| !headers.contains_key(header::AUTHORIZATION)) else {
        return bearer_user(headers, state).await;
    };
    rate_limited(state, state.accounts.authenticate_ticket(ticket).await).await
}

/// The caller of a WebSocket endpoint and its handshake: a credentials problem first, then 426
/// `upgrade_required` for a request that is no WebSocket handshake.
pub(crate) async fn socket_caller(
    state: &AppState,
    headers: &HeaderMap,
    ticket: Option<&str>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<(AuthenticatedUser, WebSocketUpgrade), Response> {
    let actor = stream_caller(state, headers, ticket).await?;
    let upgrade = upgrade.map_err(upgrade_required)?;
    Ok((actor, upgrade))
}

pub(crate) fn upgrade_required(_: WebSocketUpgradeRejection) -> Response {
    Problem::new(
        StatusCode::UPGRADE_REQUIRED,
        "upgrade_required",
        "open this endpoint as a WebSocket (GET with Connection: Upgrade, Upgrade: websocket)",
    )
    .into_response()
}

/// The caller's events as they are published, one JSON text message each (the envelope of
/// docs/events.md), on every open connection of the user, whichever API process it reached. Pings
/// every 25 s. Closes with code 4401 and the problem code as reason when the session ends, the account
/// is deactivated or the token expires (reconnect with a fresh one), and with 1013 when the client
/// falls more than 4,096 events behind (reconnect; `GET /api/v1/events` resumes without gaps). Messages
/// the client sends are ignored.
#[utoipa::path(get, path = "/stream", tag = "events", security(("bearer" = []), ()), params(StreamQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol; then one text message per event", body = Event),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = "application/problem+json"),
        (status = 426, description = "`upgrade_required`: not a WebSocket handshake", body = Problem, content_type = "application/problem+json"),
    ))]
async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (actor, upgrade) = match socket_caller(&state, &headers, query.ticket.as_deref(), upgrade).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let subscription = state.streams.open(actor.id().as_str());
    // Small buffers: this socket mostly sends, and ten thousand idle ones must fit in little memory;
    // nothing waits to be batched, every event leaves at once.
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| run_stream(socket, state, actor, subscription))
}

async fn run_stream(
    socket: WebSocket,
    state: AppState,
    actor: AuthenticatedUser,
    mut subscription: wearhouse_services::streams::StreamSubscription,
) {
    let (mut sink, mut incoming) = socket.split();
    let ended = session_ended(state.accounts.clone(), actor);
    tokio::pin!(ended);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    let close = loop {
        tokio::select! {
            event = subscription.events.recv() => match event {
                Some(event) => {
                    let Ok(text) = serde_json::to_string(&*event) else { continue };
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                None => break Some((CLOSE_TOO_SLOW, "too_slow")),
            },
            code = &mut ended => break Some((CLOSE_CREDENTIALS_ENDED, code)),
            () = state.stopping.cancelled() => break Some((CLOSE_GOING_AWAY, "server_stopping")),
            message = incoming.next() => match message {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break None,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
}

/// Events a resumed stream replays at most; with more missed, it says `resync` (reload what you show)
/// and goes on live.
const REPLAY_LIMIT: u32 = 1000;

/// The caller's events as Server-Sent Events: `id` is the event's place in the stream, `event` its
/// type, `data` the envelope of docs/events.md. After a reconnect (`Last-Event-ID`, which browsers
/// send by themselves, or `?last_event_id=`) the events after that id are sent first, for as long as
/// events are kept (24 hours); more than 1,000 missed events are replaced by one `resync` event (reload
/// what you show). An `end` event with `{"code": …}` closes the stream when the session ends or the token
/// expires: reconnect with fresh credentials. A comment every 25 s keeps idle connections open.
#[utoipa::path(get, path = "/events", tag = "events", security(("bearer" = []), ()), params(EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "An endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 400, description = "`invalid_last_event_id`, `invalid_query`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let actor = match stream_caller(&state, &headers, query.ticket.as_deref()).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let resume = match headers.get("last-event-id") {
        Some(value) => match value.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(id) if id >= 0 => Some(id),
            _ => {
                return Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_last_event_id",
                    "Last-Event-ID must be an event id this stream sent (a whole number)",
                )
                .into_response()
            }
        },
        None => query.last_event_id,
    };
    // Subscribed before reading what was missed, so nothing falls between the two.
    let subscription = state.streams.open(actor.id().as_str());
    let missed = match resume {
        Some(after) => match state.streams.since(actor.id(), after, REPLAY_LIMIT + 1).await {
            Ok(missed) => missed,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => Vec::new(),
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<SseEvent>(64);
    tokio::spawn(feed_events(state, actor, subscription, missed, sender));
    let mut receiver = receiver;
    let body =
        futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx).map(|e| e.map(Ok::<_, Infallible>)));
    Sse::new(body)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

fn sse_event(event: &Event) -> SseEvent {
    let sse = SseEvent::default().event(event.kind.as_str());
    let sse = if event.seq > 0 {
        sse.id(event.seq.to_string())
    } else {
        sse
    };
    sse.json_data(event)
        .unwrap_or_else(|_| SseEvent::default().comment("unencodable event"))
}

async fn feed_events(
    state: AppState,
    actor: AuthenticatedUser,
    mut subscription: wearhouse_services::streams::StreamSubscription,
    missed: Vec<Arc<Event>>,
    sender: tokio::sync::mpsc::Sender<SseEvent>,
) {
    let ended = session_ended(state.accounts.clone(), actor);
    tokio::pin!(ended);
    // What the replay sent, so the same events arriving live are not sent twice.
    let mut replayed: HashSet<i64> = HashSet::new();
    if missed.len() > REPLAY_LIMIT as usize {
        let last = missed.last().map(|e| e.seq).unwrap_or_default();
        let resync = SseEvent::default()
            .event("resync")
            .id(last.to_string())
            .data(r#"{"reason":"too many events were missed; reload what you show"}"#);
        if sender.send(resync).await.is_err() {
            return;
        }
        replayed.extend(missed.iter().map(|e| e.seq));
    } else {
        for event in &missed {
            replayed.insert(event.seq);
            if sender.send(sse_event(event)).await.is_err() {
                return;
            }
        }
    }
    loop {
        tokio::select! {
            event = subscription.events.recv() => match event {
                Some(event) => {
                    if replayed.remove(&event.seq) {
                        continue;
                    }
                    if sender.send(sse_event(&event)).await.is_err() {
                        return;
                    }
                }
                // Fell behind: ending the stream makes the browser reconnect with Last-Event-ID.
                None => return,
            },
            code = &mut ended => {
                let end = SseEvent::default().event("end").data(format!(r#"{{"code":"{code}"}}"#));
                let _ = sender.send(end).await;
                return;
            }
            _ = sender.closed() => return,
            () = state.stopping.cancelled() => return,
        }
    }
}
