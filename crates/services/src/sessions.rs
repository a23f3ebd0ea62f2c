//! The signed-in user's sessions: the live-session check behind every access token, listing and ending
//! sessions, and the password change (which ends every other session). Must not issue tokens: that is
//! `auth`'s business.

use wearhouse_model::UserId;
use wearhouse_store::SessionRecord;

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::{FieldError, ServiceError};

/// `PUT /me/password`: the current password (and the second factor when MFA is on) and the new one.
pub struct PasswordChange<'a> {
    pub current_password: &'a str,
    pub new_password: &'a str,
    pub totp_code: Option<&'a str>,
}

/// A live session, for the session list.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: SessionRecord,
    /// The session the request was made with.
    pub current: bool,
}

impl AccountService {
    /// Whether the session is live and belongs to `user`. Runs on every authenticated request, so it is
    /// answered from memory when possible; sessions ended through this process leave the cache at once,
    /// others within the cache's lifetime.
    pub(crate) async fn session_is_live(&self, session: &str, user: &UserId) -> Result<bool, ServiceError> {
        let owner = match self.sessions.get(session) {
            Some(owner) => owner,
            None => {
                let seen = self.invalidation_count();
                let owner = self
                    .store
                    .sessions
                    .session(session)
                    .await?
                    .filter(|s| s.ended_at.is_none())
                    .map(|s| s.user_id);
                self.fill_checked(&self.sessions, session.to_owned(), owner.clone(), seen);
                owner
            }
        };
        Ok(owner.as_ref() == Some(user))
    }

    pub(crate) async fn forget_sessions(&self, ended: &[String]) {
        for id in ended {
            self.forget_session(id).await;
        }
    }

    /// Ends every session of the actor but the one making the request.
    pub(crate) async fn end_other_sessions(&self, actor: &AuthenticatedUser) -> Result<(), ServiceError> {
        let ended = self
            .store
            .sessions
            .revoke_all_for_user(actor.id(), Some(&actor.session), self.clock.now())
            .await?;
        self.forget_sessions(&ended).await;
        Ok(())
    }

    /// The actor's live sessions, most recently used first.
    pub async fn list_sessions(&self, actor: &AuthenticatedUser) -> Result<Vec<SessionView>, ServiceError> {
        let sessions = self
            .store
            .sessions
            .live_sessions(actor.id(), self.clock.now())
            .await?;
        Ok(sessions
            .into_iter()
            .map(|session| SessionView {
                current: session.id == actor.session,
                session,
            })
            .collect())
    }

    /// Ends one of the actor's sessions (its refresh tokens and access tokens stop working at once).
    /// Another user's session, an ended one or an unknown id are all `session_not_found`.
    pub async fn end_session(&self, actor: &AuthenticatedUser, id: &str) -> Result<(), ServiceError> {
        if !self
            .store
            .sessions
            .end_session(actor.id(), id, self.clock.now())
            .await?
        {
            return Err(ServiceError::not_found(
                "session_not_found",
                "you have no live session with this id",
            ));
        }
        self.forget_session(id).await;
        Ok(())
    }

    /// Changes the password after checking the current one (and the second factor when MFA is on), then
    /// ends every other session. The session making the request stays.
    #[tracing::instrument(skip_all, fields(user = %actor.id()))]
    pub async fn change_password(
        &self,
        actor: &AuthenticatedUser,
        change: PasswordChange<'_>,
    ) -> Result<(), ServiceError> {
        let user = self.fresh_user(actor.id()).await?;
        self.confirm_password(&user, change.current_password).await?;
        self.check_second_factor(&user, change.totp_code).await?;
        let password = self
            .settings
            .password_policy
            .check(change.new_password, &user.username, &user.email)
            .map_err(|e| ServiceError::Invalid(vec![FieldError::new("new_password", e)]))?;
        if self
            .hashing
            .verify(password.expose(), Some(&user.password_hash))
            .await?
        {
            return Err(ServiceError::Invalid(vec![FieldError {
                field: "new_password".into(),
                code: "password_unchanged",
                detail: "the new password must differ from the current one".into(),
            }]));
        }
        let hash = self.hashing.hash(password.expose()).await?;
        self.store
            .accounts
            .set_password_hash(&user.id, &hash, self.clock.now())
            .await?;
        self.forget(&user.id).await;
        self.end_other_sessions(actor).await
    }
}
