//! Refresh-token families. A login starts a family; each refresh rotates to a new token in it; presenting
//! an already-rotated token is treated as theft and revokes the whole family.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::UserId;

use crate::StoreError;

#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    /// SHA-256 of the opaque token; the token itself is never stored.
    pub token_hash: String,
    pub family_id: String,
    pub user_id: UserId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old token was live; it is now spent and the new one stored in the same family.
    Rotated { user_id: UserId, family_id: String },
    /// The old token had already been rotated: the family has now been revoked.
    Reused { user_id: UserId, family_id: String },
    /// Unknown, expired or revoked.
    Invalid,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_refresh_token(&self, token: NewRefreshToken) -> Result<(), StoreError>;

    /// Atomically spends `old_hash` and stores `new` in its family (`new.family_id` and `new.user_id`
    /// are replaced by the old token's). Exactly one of two concurrent rotations of one token succeeds.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new: NewRefreshToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, StoreError>;

    /// Revokes the family the token belongs to; returns its owner, or `None` for an unknown token.
    async fn revoke_family_of(&self, token_hash: &str, now: Timestamp) -> Result<Option<UserId>, StoreError>;

    /// Revokes every family of the user.
    async fn revoke_all_for_user(&self, user_id: &UserId, now: Timestamp) -> Result<(), StoreError>;

    /// Deletes tokens that expired before `before`; returns how many.
    async fn purge_expired(&self, before: Timestamp) -> Result<u64, StoreError>;
}
