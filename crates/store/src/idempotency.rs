//! Idempotency keys: a POST repeated with the same `Idempotency-Key` gets the first response back.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::UserId;

use crate::StoreError;

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is new and now held by the caller, who must [`IdempotencyStore::complete`] or
    /// [`IdempotencyStore::release`] it.
    Claimed,
    /// The key was used before for a request with this fingerprint and finished with this response.
    Completed(StoredResponse),
    /// The key was used before with a different request, or its first request is still running.
    Mismatch,
    InProgress,
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    async fn claim_key(
        &self,
        user: &UserId,
        key: &str,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<KeyClaim, StoreError>;

    async fn complete(&self, user: &UserId, key: &str, response: &StoredResponse) -> Result<(), StoreError>;

    /// Frees a claimed key whose request failed, so it can be retried.
    async fn release(&self, user: &UserId, key: &str) -> Result<(), StoreError>;

    /// Forgets keys created before `before`.
    async fn expire_keys(&self, before: Timestamp) -> Result<u64, StoreError>;
}
