//! Upstream wearable gateways: the service connects to each configured gateway's WebSocket
//! (`<url>/api/v1/traces`, the token as `Authorization: Bearer`), reads messages in the live-ingest
//! shape (a sample object or `{"samples": [...]}`), and stores them for the configured user, with the
//! gateway's device as the source of samples that name none. What arrives within a second is stored
//! together, as live ingest does; each stored group is acknowledged back to the gateway with the same
//! `ack` frame. A lost connection is opened again after a pause that doubles from 1 s to 60 s (back to
//! 1 s once a connection held for a minute).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use futures_util::{SinkExt, StreamExt};
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;
use wearhouse_model::UserId;
use wearhouse_services::{SampleInput, SampleService, SourceInput};
use wearhouse_store::Store;

use crate::config::GatewayConfig;

/// A group this large is stored without waiting for the rest of its second.
const GROUP_SAMPLES: usize = 10_000;
const GROUP_WINDOW: Duration = Duration::from_secs(1);
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// A connection that held this long was healthy: the next reconnection starts from the first pause.
const HEALTHY: Duration = Duration::from_secs(60);

/// Keeps a connection to every gateway until `stop`.
pub fn start(
    gateways: &[GatewayConfig],
    store: Store,
    samples: Arc<SampleService>,
    stop: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    gateways
        .iter()
        .cloned()
        .map(|gateway| {
            tokio::spawn(keep_connected(
                gateway,
                store.clone(),
                samples.clone(),
                stop.clone(),
            ))
        })
        .collect()
}

/// `https://gw.example/base` → `wss://gw.example/base/api/v1/traces`.
fn traces_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    };
    format!("{base}/api/v1/traces")
}

async fn keep_connected(
    gateway: GatewayConfig,
    store: Store,
    samples: Arc<SampleService>,
    stop: CancellationToken,
) {
    let url = traces_url(&gateway.url);
    let mut pause = FIRST_PAUSE;
    loop {
        let opened = Instant::now();
        match connection(&gateway, &url, &store, &samples, &stop).await {
            Ok(()) if stop.is_cancelled() => return,
            Ok(()) => tracing::info!(gateway = %url, "the gateway closed the connection; reconnecting"),
            Err(e) => {
                tracing::warn!(gateway = %url, error = format!("{e:#}"), pause_secs = pause.as_secs(), "gateway connection failed")
            }
        }
        if opened.elapsed() >= HEALTHY {
            pause = FIRST_PAUSE;
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = stop.cancelled() => return,
        }
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// The user the gateway's samples are for, looked up at every connection (it may be created later).
async fn user_of(gateway: &GatewayConfig, store: &Store) -> anyhow::Result<UserId> {
    match store.accounts.user_by_login(&gateway.user).await? {
        Some(user) => Ok(user.id),
        None => bail!("gateway user {:?} does not exist", gateway.user),
    }
}

/// Samples waiting to be stored together, and the messages they came in.
#[derive(Default)]
struct Pending {
    items: Vec<SampleInput>,
    through: u64,
    messages: u64,
    failed: Vec<serde_json::Value>,
}

/// One connection: reads until the gateway closes it or `stop`, storing as it goes.
async fn connection(
    gateway: &GatewayConfig,
    url: &str,
    store: &Store,
    samples: &SampleService,
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let user = user_of(gateway, store).await?;
    let mut request = url.into_client_request().context("gateway URL")?;
    if let Some(token) = gateway.token.as_ref().filter(|t| !t.expose_secret().is_empty()) {
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {}", token.expose_secret())
                .parse()
                .context("the gateway token is not a valid header value")?,
        );
    }
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("connecting")?;
    tracing::info!(gateway = %url, user = %gateway.user, "connected to the gateway");
    let (mut sink, mut incoming) = socket.split();
    let device = SourceInput {
        name: if gateway.device.trim().is_empty() {
            "Gateway".to_owned()
        } else {
            gateway.device.clone()
        },
        kind: Some(gateway.device_kind.clone()).filter(|k| !k.trim().is_empty()),
        provider: None,
        model: None,
        app: None,
    };
    let mut pending = Pending::default();
    let mut number = 0u64;
    let mut last_store = Instant::now() - GROUP_WINDOW;
    let mut open = true;
    while open || pending.messages > 0 {
        let due = last_store + GROUP_WINDOW;
        if pending.messages > 0 && (!open || pending.items.len() >= GROUP_SAMPLES || Instant::now() >= due) {
            let group = std::mem::take(&mut pending);
            last_store = Instant::now();
            let ack = store_group(samples, &user, group).await?;
            // The gateway may not read acknowledgements; one it cannot take is no reason to stop.
            let _ = sink.send(Message::Text(ack.to_string().into())).await;
            continue;
        }
        tokio::select! {
            message = incoming.next(), if open => {
                let bytes = match message {
                    Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                    Some(Ok(Message::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => {
                        open = false;
                        tracing::warn!(gateway = %url, error = %e, "reading from the gateway failed");
                        continue;
                    }
                    None => {
                        open = false;
                        continue;
                    }
                };
                number += 1;
                pending.through = number;
                pending.messages += 1;
                match wearhouse_server::trace_samples(&bytes) {
                    Ok(items) => pending.items.extend(items.into_iter().map(|mut item| {
                        if item.source.is_none() {
                            item.source = Some(device.clone());
                        }
                        item
                    })),
                    Err((code, detail)) => {
                        tracing::warn!(gateway = %url, message = number, %code, %detail, "unreadable gateway message");
                        pending.failed.push(json!({"message": number, "code": code, "detail": detail}));
                    }
                }
            }
            () = tokio::time::sleep_until(due), if pending.messages > 0 => {}
            () = stop.cancelled(), if open => open = false,
        }
    }
    Ok(())
}

/// Stores a group; its acknowledgement. A storage failure ends the connection (the gateway sends
/// again after the reconnection what it had not seen acknowledged).
async fn store_group(
    samples: &SampleService,
    user: &UserId,
    group: Pending,
) -> anyhow::Result<serde_json::Value> {
    let Pending {
        items,
        through,
        messages,
        failed,
    } = group;
    let (accepted, duplicates, rejected) = if items.is_empty() {
        (0, 0, Vec::new())
    } else {
        let outcome = samples
            .ingest(user, items)
            .await
            .map_err(|e| anyhow::anyhow!("storing gateway samples: {}", e.with_causes()))?;
        let rejected: Vec<serde_json::Value> = outcome
            .rejected
            .iter()
            .map(|r| json!({"index_in_group": r.index, "code": r.code, "detail": r.detail}))
            .collect();
        (outcome.accepted, outcome.duplicates, rejected)
    };
    Ok(
        json!({"type": "ack", "through": through, "messages": messages, "accepted": accepted,
        "duplicates": duplicates, "rejected": rejected, "failed": failed}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_traces_address_follows_the_base_url() {
        assert_eq!(
            traces_url("https://gw.example/base/"),
            "wss://gw.example/base/api/v1/traces"
        );
        assert_eq!(
            traces_url("http://127.0.0.1:9000"),
            "ws://127.0.0.1:9000/api/v1/traces"
        );
        assert_eq!(traces_url("wss://gw.example"), "wss://gw.example/api/v1/traces");
    }
}
