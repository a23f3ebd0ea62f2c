//! Rate-limit buckets shared by every process (with Redis): the port the HTTP layer's limits use when
//! one is configured, so a client spreading requests over several API processes meets one limit.

use std::time::Duration;

use async_trait::async_trait;

/// One bucket's answer to "may one more request pass?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketDecision {
    pub allowed: bool,
    /// Requests that could still pass at once.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// When refused: seconds until one request may pass.
    pub retry_after_secs: u64,
}

/// Token buckets kept outside the process: generic cell rate algorithm, one atomic step per request.
#[async_trait]
pub trait SharedBuckets: Send + Sync {
    /// Takes one token from bucket `key`, which gets one token back every `interval` and holds at most
    /// `burst`. `Err` when the store cannot answer (the caller falls back to its own buckets).
    async fn take(&self, key: &str, interval: Duration, burst: u32) -> Result<BucketDecision, String>;
}
