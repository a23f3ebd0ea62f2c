//! Live streams to clients: every open WebSocket or Server-Sent Events connection of a user receives
//! that user's events. One task per process reads the event bus and hands each event to the
//! connections of its user only, so ten thousand idle connections cost nothing per event but their
//! own user's (a subscription of each connection to the bus would wake all of them for every event).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, mpsc};

use wearhouse_model::UserId;
use wearhouse_store::Store;

use crate::events::{Event, EventBus};
use crate::ServiceError;

/// Events one connection may have waiting before it counts as too slow and is closed (its client
/// reconnects; a Server-Sent Events client resumes where it stopped).
const CONNECTION_BACKLOG: usize = 4096;

type Senders = Vec<(u64, mpsc::Sender<Arc<Event>>)>;

/// The open connections of this process, by user.
pub struct StreamHub {
    store: Store,
    users: Mutex<HashMap<String, Senders>>,
    next: AtomicU64,
    /// Connections closed because they fell behind, for `/metrics`.
    dropped: AtomicU64,
}

/// One open connection's events. Dropping it leaves the hub. `events.recv()` returning `None` means
/// the connection fell behind and missed events: close it so the client reconnects.
pub struct StreamSubscription {
    hub: Arc<StreamHub>,
    user: String,
    id: u64,
    pub events: mpsc::Receiver<Arc<Event>>,
}

impl StreamHub {
    /// Starts delivering `bus`'s events to the connections opened on the hub (until the bus closes).
    pub fn start(bus: &dyn EventBus, store: Store) -> Arc<Self> {
        let hub = Arc::new(Self {
            store,
            users: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            dropped: AtomicU64::new(0),
        });
        let mut events = bus.subscribe();
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            loop {
                let received = events.recv().await;
                let Some(hub) = weak.upgrade() else { return };
                match received {
                    Ok(event) => hub.dispatch(event),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(
                            missed,
                            "live streams fell behind the event bus; reconnecting every client"
                        );
                        hub.close_all();
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        hub
    }

    /// Opens a connection of `user`: it receives their events from now on.
    pub fn open(self: &Arc<Self>, user: &str) -> StreamSubscription {
        let (sender, events) = mpsc::channel(CONNECTION_BACKLOG);
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().entry(user.to_owned()).or_default().push((id, sender));
        StreamSubscription {
            hub: self.clone(),
            user: user.to_owned(),
            id,
            events,
        }
    }

    /// The user's events after `after` (an event's `seq`), oldest first, at most `limit`: what a
    /// resumed stream missed, for as long as the outbox keeps events.
    pub async fn since(
        &self,
        user: &UserId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Arc<Event>>, ServiceError> {
        let stored = self.store.events.user_events(user, after, limit).await?;
        Ok(stored.into_iter().map(|e| Arc::new(Event::of(e))).collect())
    }

    /// Open connections in this process.
    pub fn open_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Connections closed since start because they fell behind.
    pub fn dropped_count(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn dispatch(&self, event: Arc<Event>) {
        let Some(user) = event.user.as_deref() else {
            return;
        };
        let mut users = self.lock();
        let Some(senders) = users.get_mut(user) else {
            return;
        };
        let before = senders.len();
        senders.retain(|(_, sender)| match sender.try_send(event.clone()) {
            Ok(()) => true,
            // Full: the client does not keep up. Dropping the sender ends its stream, so it reconnects
            // rather than silently missing events. Closed: it is leaving anyway.
            Err(_) => false,
        });
        let gone = before - senders.len();
        if gone > 0 {
            self.dropped.fetch_add(gone as u64, Ordering::Relaxed);
        }
        if senders.is_empty() {
            users.remove(user);
        }
    }

    fn close_all(&self) {
        let mut users = self.lock();
        let count: usize = users.values().map(Vec::len).sum();
        self.dropped.fetch_add(count as u64, Ordering::Relaxed);
        users.clear();
    }

    fn leave(&self, user: &str, id: u64) {
        let mut users = self.lock();
        if let Some(senders) = users.get_mut(user) {
            senders.retain(|(open, _)| *open != id);
            if senders.is_empty() {
                users.remove(user);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Senders>> {
        // A panic while holding the lock leaves the map consistent (every change is one call).
        self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for StreamSubscription {
    fn drop(&mut self) {
        self.hub.leave(&self.user, self.id);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::events::LocalBus;

    fn event(user: &str, n: i64) -> Arc<Event> {
        Arc::new(Event {
            id: format!("e{n}"),
            kind: "new_health_data".into(),
            version: 1,
            time: "2026-01-01T00:00:00Z".into(),
            user: Some(user.into()),
            data: serde_json::json!({}),
            seq: n,
        })
    }

    /// An unmigrated database (these tests never read the outbox) and its folder, kept while it is used.
    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        (
            wearhouse_store::open(&url, &Default::default()).await.unwrap(),
            dir,
        )
    }

    #[tokio::test]
    async fn each_connection_receives_its_own_users_events_only() {
        let bus = LocalBus::new();
        let (store, _dir) = store().await;
        let hub = StreamHub::start(&bus, store);
        let mut a1 = hub.open("a");
        let mut a2 = hub.open("a");
        let mut b = hub.open("b");
        assert_eq!(hub.open_count(), 3);
        bus.publish(&[event("a", 1), event("b", 2)]).await.unwrap();
        assert_eq!(a1.events.recv().await.unwrap().seq, 1);
        assert_eq!(a2.events.recv().await.unwrap().seq, 1);
        assert_eq!(b.events.recv().await.unwrap().seq, 2);
        assert!(a1.events.try_recv().is_err());
        drop(a2);
        assert_eq!(hub.open_count(), 2);
    }

    #[tokio::test]
    async fn a_connection_that_falls_behind_is_ended() {
        let bus = LocalBus::new();
        let (store, _dir) = store().await;
        let hub = StreamHub::start(&bus, store);
        let mut slow = hub.open("a");
        let events: Vec<_> = (0..=CONNECTION_BACKLOG as i64).map(|n| event("a", n)).collect();
        // In slices the bus holds, each handed out by the hub before the next; the client reads none.
        for slice in events.chunks(256) {
            bus.publish(slice).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let mut received = 0;
        while slow.events.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, CONNECTION_BACKLOG);
        assert_eq!(hub.dropped_count(), 1);
        assert_eq!(hub.open_count(), 0);
    }
}
