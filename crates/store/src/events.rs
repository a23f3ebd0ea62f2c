//! The outbox: domain events written in the same transaction as the change they tell of (database
//! triggers for activities, imports and profiles; the sample store for `new_health_data`), published
//! after commit by a job, and kept a while once published.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::{Metric, UserId};

use crate::StoreError;

/// An event as the outbox holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Its place in the outbox: events are published in this order.
    pub seq: i64,
    /// Unique across every event ever written (a UUID), for consumers to drop duplicates.
    pub id: String,
    /// `new_health_data`, `activity.created`, …
    pub kind: String,
    /// The version of `kind`'s data shape.
    pub version: i32,
    pub user: Option<String>,
    pub occurred_at: Timestamp,
    /// The event's data, a JSON object.
    pub data: String,
    pub published_at: Option<Timestamp>,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Up to `limit` events not yet published, oldest first.
    async fn unpublished(&self, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;

    /// Marks events (by `seq`) published at `at`.
    async fn mark_published(&self, seqs: &[i64], at: Timestamp) -> Result<(), StoreError>;

    /// The user's events after `after` (a `seq`), oldest first, published or not.
    async fn user_events(
        &self,
        user: &UserId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError>;

    /// Forgets events published before `before`; returns how many.
    async fn prune_events(&self, before: Timestamp) -> Result<u64, StoreError>;
}

/// What one stored batch of samples added to one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Added {
    pub count: u64,
    /// Unix seconds: the earliest start and the latest end of the added samples.
    pub from: i64,
    pub to: i64,
}

impl Added {
    pub(crate) fn new() -> Self {
        Added {
            count: 0,
            from: i64::MAX,
            to: i64::MIN,
        }
    }

    pub(crate) fn add(&mut self, start: i64, end: i64) {
        self.count += 1;
        self.from = self.from.min(start);
        self.to = self.to.max(end);
    }
}

/// A `new_health_data` event to write beside a batch.
pub(crate) struct NewEvent {
    pub id: String,
    pub kind: &'static str,
    pub version: i32,
    pub occurred_at: i64,
    pub data: String,
}

fn instant(seconds: i64) -> String {
    Timestamp::from_second(seconds)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_string()
}

/// The `new_health_data` event of a batch that added `added` (by metric code), or `None` when it added
/// nothing. Version 1 data: `count` (samples added), `from`/`to` (the instants they span, RFC 3339),
/// `metrics` (per metric: `metric`, `count`, `from`, `to`) and `import` (the import's id, or null).
pub(crate) fn new_health_data(
    added: &BTreeMap<i16, Added>,
    import: Option<&str>,
    now_micros: i64,
) -> Option<NewEvent> {
    let total: u64 = added.values().map(|a| a.count).sum();
    if total == 0 {
        return None;
    }
    let from = added.values().map(|a| a.from).min().unwrap_or(0);
    let to = added.values().map(|a| a.to).max().unwrap_or(0);
    let metrics: Vec<serde_json::Value> = added
        .iter()
        .filter(|(_, a)| a.count > 0)
        .map(|(code, a)| {
            serde_json::json!({
                "metric": Metric::from_code(*code).map_or("unknown", |m| m.as_str()),
                "count": a.count,
                "from": instant(a.from),
                "to": instant(a.to),
            })
        })
        .collect();
    let data = serde_json::json!({
        "count": total,
        "from": instant(from),
        "to": instant(to),
        "metrics": metrics,
        "import": import,
    });
    Some(NewEvent {
        id: uuid::Uuid::new_v4().to_string(),
        kind: "new_health_data",
        version: 1,
        occurred_at: now_micros,
        data: data.to_string(),
    })
}

/// Writes an event into the outbox, in the caller's transaction.
pub(crate) const INSERT_EVENT: &str =
    "INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6)";
