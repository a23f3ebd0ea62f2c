//! Domain events: what the outbox holds (see `wearhouse_store::EventStore`), published after commit by
//! the `events.publish` job to the event bus, where the process's own subscribers (live streams to
//! clients) and, with a broker configured, other services receive them.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use wearhouse_store::StoredEvent;

/// An event as published: the envelope every consumer reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    /// Unique (a UUID): a consumer that sees an id again drops it (delivery is at least once).
    pub id: String,
    /// `new_health_data`, `activity.created`, `activity.updated`, `activity.deleted`,
    /// `import.completed`, `import.failed`, `profile.updated`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The version of this type's `data` shape; a change that breaks readers gets a new one.
    pub version: i32,
    /// When the change happened (RFC 3339).
    pub time: String,
    /// The user whose data changed.
    pub user: Option<String>,
    /// The type's data (see docs/events.md).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The event's place in the outbox: streams resume after it (not sent: 0 when received from a
    /// broker).
    #[serde(skip)]
    pub seq: i64,
}

impl Event {
    pub fn of(stored: StoredEvent) -> Self {
        Event {
            data: serde_json::from_str(&stored.data).unwrap_or(serde_json::Value::Null),
            id: stored.id,
            kind: stored.kind,
            version: stored.version,
            time: stored.occurred_at.to_string(),
            user: stored.user,
            seq: stored.seq,
        }
    }
}

/// Where published events go.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes `events` in order; returns once the bus has them (a broker: confirmed). An error
    /// leaves them unpublished in the outbox, to be published again.
    async fn publish(&self, events: &[Arc<Event>]) -> Result<(), String>;

    /// This process's view of every event published from now on (through any process, when the bus
    /// spans processes).
    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>>;
}

/// Events received by this process's notifier, by type (shown in `/metrics`).
#[derive(Default)]
pub struct EventCounts {
    counts: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl EventCounts {
    pub fn record(&self, event: &Event) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.entry(event.kind.clone()).or_default() += 1;
    }

    /// `(type, count)`, by type.
    pub fn snapshot(&self) -> Vec<(String, u64)> {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

/// How many events a slow subscriber may fall behind before it misses some (it is told, and resumes
/// from the outbox).
const LOCAL_BACKLOG: usize = 4096;

/// The in-process bus: events reach this process's subscribers only (the embedded default, one process
/// running every role).
pub struct LocalBus {
    sender: broadcast::Sender<Arc<Event>>,
}

impl LocalBus {
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(LOCAL_BACKLOG).0,
        }
    }

    /// Hands events received from elsewhere (a broker) to this process's subscribers.
    pub fn deliver(&self, event: Arc<Event>) {
        // No subscriber is not an error: nobody is listening now.
        let _ = self.sender.send(event);
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, events: &[Arc<Event>]) -> Result<(), String> {
        for event in events {
            self.deliver(event.clone());
        }
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
}

/// The ids of the last events a consumer handled, so that it drops one delivered again: publishing is
/// at least once (a publish job that stops after the broker confirmed and before it marked the events
/// published runs again), and a repeat comes soon after the first delivery.
#[derive(Debug)]
pub struct RecentIds {
    seen: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl RecentIds {
    /// Remembers up to `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Whether `id` is new here (and remembers it); false for one seen among the last `capacity`.
    pub fn first_time(&mut self, id: &str) -> bool {
        if self.seen.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        self.seen.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_dropped_while_remembered_and_the_oldest_is_forgotten_first() {
        let mut recent = RecentIds::new(2);
        assert!(recent.first_time("a"));
        assert!(!recent.first_time("a"));
        assert!(recent.first_time("b"));
        assert!(recent.first_time("c"), "a is forgotten now");
        assert!(!recent.first_time("b"));
        assert!(recent.first_time("a"));
    }
}
