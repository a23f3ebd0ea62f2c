//! Keeping the per-process caches of users and sessions honest across processes. Each process serves
//! authenticated requests from its own caches (a database read per request would cost `GET /me` most of
//! its speed); a change made through one process invalidates its own entry at once and announces it on
//! the bus, so every other process drops its copy too. Without a bus (one process), announcing does
//! nothing and the caches' short lifetime bounds what another process could see.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use wearhouse_model::UserId;

/// What a process must drop from its caches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalidation {
    /// A user changed (profile, roles, token epoch, deactivation, deletion).
    User(String),
    /// A session ended.
    Session(String),
    /// Everything: what a process does when it may have missed announcements (its subscription was
    /// interrupted).
    All,
}

impl Invalidation {
    pub fn user(id: &UserId) -> Self {
        Invalidation::User(id.to_string())
    }
}

/// Where invalidations are announced to the other processes.
#[async_trait]
pub trait CacheBus: Send + Sync {
    /// Announces an invalidation; returns once the bus accepted it, so a response sent after it cannot
    /// overtake it. Failures are logged by the bus, never returned: the change itself is done, and the
    /// caches' lifetime still bounds staleness.
    async fn publish(&self, invalidation: &Invalidation);
}
