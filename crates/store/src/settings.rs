//! Server-wide settings kept in the database, such as the generated token signing key, so every process
//! sharing the database agrees on them.

use async_trait::async_trait;

use crate::StoreError;

#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// Returns the stored value for `key`, storing `candidate` first if there is none. Safe under races:
    /// every caller gets the same value.
    async fn get_or_init(&self, key: &str, candidate: &str) -> Result<String, StoreError>;

    /// The stored value for `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Stores `value` for `key`, replacing what was there.
    async fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Cheap round trip proving the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
