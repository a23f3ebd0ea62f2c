//! Cached summary and series responses. A year view costs milliseconds of decoding and folding; the
//! dashboard asks for the same few views again and again. Responses are cached by user, *data version*
//! and request: the version is a per-user counter that the database advances in the same transaction as
//! every change of what those responses show (triggers on rollup marks, activities and time zones; see
//! `RollupStore::data_version`). That write is the invalidation event: the next read on any node reads
//! the new version, finds no entry under it and computes afresh, so a cached answer cannot outlive its
//! data, whoever made the change (an API node, a worker, a CLI import) and whether or not a message
//! arrived. Old entries are never read again and age out.
//!
//! Two tiers: each process keeps recent bodies in memory (bounded in bytes), and with Redis configured
//! a fill is shared, so a view computed on one node is served by the others. Redis failing costs only
//! its speed-up: a lookup that fails or is slow is a miss, and Redis is left alone for a few seconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use wearhouse_model::UserId;
use wearhouse_store::Store;

use crate::breaker::Breaker;
use crate::ServiceError;

/// Where responses are shared between processes (Redis).
#[async_trait]
pub trait SharedResponses: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, String>;
    async fn put(&self, key: &str, body: &[u8], ttl: Duration) -> Result<(), String>;
}

#[derive(Debug, Clone)]
pub struct ResponseCacheSettings {
    /// Off: every request computes (what the computed-throughput benchmark measures).
    pub enabled: bool,
    /// How long an entry stays; entries never go stale (see the module), this only bounds memory.
    pub ttl: Duration,
    /// Bytes of bodies (and keys) one process keeps in memory.
    pub local_capacity: u64,
}

impl Default for ResponseCacheSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: Duration::from_secs(15 * 60),
            local_capacity: 64 << 20,
        }
    }
}

/// Lookups so far, for `/metrics` and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseCacheStats {
    pub local_hits: u64,
    pub shared_hits: u64,
    pub misses: u64,
    /// Shared-cache operations that failed or took too long.
    pub shared_failures: u64,
}

/// A miss: what to fill the computed response under.
#[derive(Debug)]
pub struct Fill {
    key: String,
}

/// How long a shared lookup may take before it counts as a miss: a computed year view takes a few
/// milliseconds, so waiting longer for Redis would make the cache slower than no cache.
const SHARED_TIMEOUT: Duration = Duration::from_millis(200);
/// How long Redis is left alone after it failed.
const SHARED_PAUSE: Duration = Duration::from_secs(5);

pub struct ResponseCache {
    store: Store,
    settings: ResponseCacheSettings,
    local: moka::sync::Cache<String, Bytes>,
    shared: OnceLock<Arc<dyn SharedResponses>>,
    breaker: Breaker,
    local_hits: AtomicU64,
    shared_hits: AtomicU64,
    misses: AtomicU64,
    shared_failures: AtomicU64,
}

impl ResponseCache {
    pub fn new(store: Store, settings: ResponseCacheSettings) -> Self {
        let local = moka::sync::Cache::builder()
            .max_capacity(settings.local_capacity)
            .weigher(|key: &String, body: &Bytes| u32::try_from(key.len() + body.len()).unwrap_or(u32::MAX))
            .time_to_live(settings.ttl)
            .build();
        Self {
            store,
            settings,
            local,
            shared: OnceLock::new(),
            breaker: Breaker::new("the shared response cache", SHARED_TIMEOUT, SHARED_PAUSE),
            local_hits: AtomicU64::new(0),
            shared_hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            shared_failures: AtomicU64::new(0),
        }
    }

    /// Shares fills with other processes from now on (once; later calls change nothing).
    pub fn share(&self, shared: Arc<dyn SharedResponses>) {
        let _ = self.shared.set(shared);
    }

    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    pub fn stats(&self) -> ResponseCacheStats {
        ResponseCacheStats {
            local_hits: self.local_hits.load(Ordering::Relaxed),
            shared_hits: self.shared_hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            shared_failures: self.shared_failures.load(Ordering::Relaxed),
        }
    }

    /// The cached body of `request` (a description of the request that determines its answer,
    /// parameters included) for the user's data as it is now, or the ticket to fill it with once
    /// computed. The version is read before anything is computed: a change committed after it
    /// advances the version, so a fill that might include part of it lands under a key no one reads.
    pub async fn lookup(&self, user: &UserId, request: &str) -> Result<Result<Bytes, Fill>, ServiceError> {
        let version = self.store.rollups.data_version(user).await?;
        // The user id in braces: a Redis Cluster keeps one user's entries on one shard.
        let key = format!("wh:resp:{{{user}}}:{version}:{request}");
        if let Some(body) = self.local.get(&key) {
            self.local_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Ok(body));
        }
        if let Some(body) = self.shared_call(|shared| shared.get(&key)).await.flatten() {
            self.shared_hits.fetch_add(1, Ordering::Relaxed);
            self.local.insert(key, body.clone());
            return Ok(Ok(body));
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        Ok(Err(Fill { key }))
    }

    /// Keeps a computed body under the ticket a miss gave.
    pub async fn fill(&self, fill: Fill, body: Bytes) {
        let ttl = self.settings.ttl;
        self.shared_call(|shared| shared.put(&fill.key, &body, ttl)).await;
        self.local.insert(fill.key, body);
    }

    /// Calls the shared tier through the breaker: `None` when there is none, it is paused after a
    /// failure, or this call failed (counted).
    async fn shared_call<'a, T, F>(
        &'a self,
        call: impl FnOnce(&'a Arc<dyn SharedResponses>) -> F,
    ) -> Option<T>
    where
        F: std::future::Future<Output = Result<T, String>>,
    {
        let shared = self.shared.get()?;
        if self.breaker.is_open() {
            return None;
        }
        let answer = self.breaker.call(call(shared)).await;
        if answer.is_none() {
            self.shared_failures.fetch_add(1, Ordering::Relaxed);
        }
        answer
    }
}
