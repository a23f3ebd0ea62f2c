//! Sessions and their refresh-token families. A login starts a session (one family); each refresh rotates
//! to a new token in it; presenting an already-rotated token after the grace window is treated as theft
//! and ends the session. Ending a session revokes every token of its family in the same transaction.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
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

/// What a login tells about the client, for the session list. Display only, never trusted.
#[derive(Debug, Clone, Default)]
pub struct SessionClient {
    /// The `User-Agent`, cut to 256 characters.
    pub client: Option<String>,
    /// The client address the server saw.
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The session id (the refresh-token family).
    pub id: String,
    pub user_id: UserId,
    pub created_at: Timestamp,
    /// The last refresh (or the login).
    pub last_used_at: Timestamp,
    pub client: Option<String>,
    pub address: Option<String>,
    pub ended_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old token was live, or spent less than the grace window ago; the new one is stored in the
    /// same family.
    Rotated { user_id: UserId, family_id: String },
    /// The old token had been rotated before the grace window: the session has now been ended.
    Reused { user_id: UserId, family_id: String },
    /// Unknown, expired, revoked, or its session has ended.
    Invalid,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session with its first refresh token, atomically (`token.family_id` is the session id).
    async fn start_session(&self, token: NewRefreshToken, client: SessionClient) -> Result<(), StoreError>;

    /// Stores a token; starts a session without client details when its family has none yet.
    async fn insert_refresh_token(&self, token: NewRefreshToken) -> Result<(), StoreError>;

    /// Atomically spends `old_hash` and stores `new` in its family (`new.family_id` and `new.user_id`
    /// are replaced by the old token's), moving the session's `last_used_at` to `now`. A token spent at
    /// most `grace` before `now` rotates again (concurrent refreshes from browser tabs each get a pair in
    /// the same session); one spent earlier is reuse and ends the session. A rotation racing the end of
    /// its session either completes before it (and its new token is revoked with the others) or fails.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new: NewRefreshToken,
        now: Timestamp,
        grace: SignedDuration,
    ) -> Result<RotateOutcome, StoreError>;

    /// Ends the session the token belongs to; returns its owner and id, or `None` for an unknown token.
    async fn revoke_family_of(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(UserId, String)>, StoreError>;

    /// Ends every live session of the user but `except`; returns the ids of the sessions ended.
    async fn revoke_all_for_user(
        &self,
        user_id: &UserId,
        except: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<String>, StoreError>;

    /// Ends one session of the user. `false` when the user has no live session with that id.
    async fn end_session(
        &self,
        user_id: &UserId,
        session_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// The session by id, live or ended; `None` when unknown.
    async fn session(&self, session_id: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// The user's live sessions whose tokens have not all expired, most recently used first.
    async fn live_sessions(&self, user_id: &UserId, now: Timestamp)
        -> Result<Vec<SessionRecord>, StoreError>;

    /// Deletes tokens that expired before `before`, and sessions left without tokens; returns how many
    /// tokens.
    async fn purge_expired(&self, before: Timestamp) -> Result<u64, StoreError>;
}
