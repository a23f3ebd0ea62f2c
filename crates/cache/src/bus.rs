//! Cache invalidations over Redis pub/sub. Every process publishes what it invalidated and subscribes
//! to what the others did. Pub/sub delivers only to connected subscribers, so a subscriber that
//! (re)connects first drops its whole caches: whatever it missed while away cannot be served stale.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use wearhouse_services::breaker::Breaker;
use wearhouse_services::cache_bus::{CacheBus, Invalidation};

use crate::{shown_url, CacheError};

/// The channel invalidations travel on.
pub const CHANNEL: &str = "wearhouse:cache:invalidations";

/// Publishes this process's invalidations.
#[derive(Clone)]
pub struct RedisBus {
    conn: ConnectionManager,
    /// A Redis that is down costs a change one wait, not every change after it (the caches' lifetime
    /// bounds what other processes may then serve).
    breaker: Arc<Breaker>,
}

impl RedisBus {
    /// Connects (and reconnects by itself when the connection drops).
    pub async fn connect(url: &str) -> Result<Self, CacheError> {
        let err = |source| CacheError::Redis {
            url: shown_url(url),
            source,
        };
        let client = redis::Client::open(url).map_err(err)?;
        // A start against an unreachable Redis fails at once, in one line, rather than retrying: one
        // plain connection first tells.
        let probe = tokio::time::timeout(Duration::from_secs(5), client.get_multiplexed_async_connection())
            .await
            .map_err(|_| {
                err(redis::RedisError::from((
                    redis::ErrorKind::IoError,
                    "connection timed out",
                )))
            })?;
        drop(probe.map_err(err)?);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(3))
            .set_response_timeout(Duration::from_secs(3));
        let conn = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(err)?;
        Ok(Self {
            conn,
            breaker: Arc::new(Breaker::new(
                "announcing cache invalidations on Redis",
                Duration::from_secs(1),
                Duration::from_secs(5),
            )),
        })
    }

    /// The connection, to share with the rate-limit buckets.
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }
}

#[async_trait]
impl CacheBus for RedisBus {
    async fn publish(&self, invalidation: &Invalidation) {
        let Ok(message) = serde_json::to_string(invalidation) else {
            return;
        };
        let mut conn = self.conn.clone();
        let mut publish = redis::cmd("PUBLISH");
        publish.arg(CHANNEL).arg(message);
        let sent = publish.query_async::<i64>(&mut conn);
        // A failure is logged by the breaker; other nodes catch up within their caches' lifetime.
        let _ = self.breaker.call(sent).await;
    }
}

/// Applies the invalidations other processes announce, until the task is aborted. Reconnects after a
/// second when the subscription fails, dropping everything each time it (re)subscribes. `ready` fires
/// once the first subscription is in place.
pub fn subscribe(
    url: &str,
    apply: Arc<dyn Fn(&Invalidation) + Send + Sync>,
    ready: Option<tokio::sync::oneshot::Sender<()>>,
) -> tokio::task::JoinHandle<()> {
    let url = url.to_owned();
    tokio::spawn(async move {
        let mut ready = ready;
        loop {
            match listen(&url, &apply, &mut ready).await {
                Ok(()) => {
                    tracing::warn!(redis = %shown_url(&url), "cache invalidation subscription ended; resubscribing")
                }
                Err(e) => {
                    tracing::warn!(redis = %shown_url(&url), error = %e, "cache invalidation subscription failed; retrying in a second")
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

async fn listen(
    url: &str,
    apply: &Arc<dyn Fn(&Invalidation) + Send + Sync>,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), redis::RedisError> {
    let client = redis::Client::open(url)?;
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    // Whatever was announced before this subscription is unknown: start from empty caches.
    apply(&Invalidation::All);
    if let Some(ready) = ready.take() {
        let _ = ready.send(());
    }
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let Ok(payload) = message.get_payload::<String>() else {
            continue;
        };
        match serde_json::from_str::<Invalidation>(&payload) {
            Ok(invalidation) => apply(&invalidation),
            Err(e) => tracing::warn!(error = %e, "ignoring a malformed cache invalidation"),
        }
    }
    Ok(())
}
