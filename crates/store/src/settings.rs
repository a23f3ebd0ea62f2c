//! Server-wide settings kept in the database, such as the generated token signing key, so every process
//! sharing the database agrees on them.

use async_trait::async_trait;

use crate::StoreError;

#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// Returns the stored value for `key`, storing `candidate` first if there is none. Safe under races:
    /// every caller gets the same value.
    async fn get_or_init(&self, key: &str, candidate: &str) -> Result<String, StoreError>;

    /// Cheap round trip proving the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
