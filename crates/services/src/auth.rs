//! Logging in and staying logged in: credentials, second factor, token pairs, refresh rotation, logout,
//! and TOTP enrolment.

use jiff::{SignedDuration, Timestamp};
use wearhouse_store::{NewRefreshToken, RotateOutcome, SessionClient, StoreError, UserRecord};

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::mfa::{is_totp_code, new_recovery_codes, recovery_code_hash, Totp};
use crate::tokens::{new_refresh_token, STREAM_TICKET_SECS};
use crate::ServiceError;

pub struct LoginRequest<'a> {
    /// Username or e-mail address.
    pub login: &'a str,
    pub password: &'a str,
    pub totp_code: Option<&'a str>,
    /// Shown in the session list.
    pub client: SessionClient,
}

/// What a successful login or refresh hands the client.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// What starting TOTP enrolment hands the client.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret: String,
    pub otpauth_uri: String,
}

impl AccountService {
    /// Checks the credentials and starts a session. Attempts on one account are throttled (see
    /// [`crate::throttle`]); while an account is in a delay, only a correct password with a correct second
    /// factor gets through, and every other attempt is refused alike, right password or not, so the
    /// delay reveals nothing.
    #[tracing::instrument(skip(self, request), fields(login = request.login))]
    pub async fn login(&self, request: LoginRequest<'_>) -> Result<TokenPair, ServiceError> {
        let user = self.store.accounts.user_by_login(request.login).await?;
        let key = match &user {
            Some(user) => user.id.to_string(),
            None => format!("login:{}", request.login.trim().to_lowercase()),
        };
        if let Err(wait) = self.throttle.begin(&key, self.clock.now()) {
            let throttled = ServiceError::Throttled {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            };
            let Some(user) = user.filter(|u| u.totp_enabled && u.active) else {
                return Err(throttled);
            };
            let code = request.totp_code.map(str::trim).filter(|c| !c.is_empty());
            if code.is_none()
                || !self
                    .hashing
                    .verify(request.password, Some(&user.password_hash))
                    .await?
            {
                return Err(throttled);
            }
            self.check_second_factor(&user, code)
                .await
                .map_err(|_| throttled)?;
            self.throttle.succeeded(&key);
            return self.start_session(&user, request.client).await;
        }
        // Verify against a decoy hash when the account does not exist, so timing does not reveal it.
        let matched = self
            .hashing
            .verify(request.password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
        let (true, Some(user)) = (matched, user) else {
            return Err(ServiceError::unauthorized(
                "invalid_credentials",
                "wrong login or password",
            ));
        };
        if !user.active {
            return Err(ServiceError::forbidden(
                "account_disabled",
                "this account has been deactivated",
            ));
        }
        self.check_second_factor(&user, request.totp_code).await?;
        self.throttle.succeeded(&key);
        self.start_session(&user, request.client).await
    }

    async fn start_session(
        &self,
        user: &UserRecord,
        client: SessionClient,
    ) -> Result<TokenPair, ServiceError> {
        let (refresh_token, hash) = new_refresh_token();
        let family = uuid::Uuid::now_v7().simple().to_string();
        let now = self.clock.now();
        let client = SessionClient {
            client: client.client.map(|c| c.chars().take(256).collect()),
            address: client.address,
        };
        self.store
            .sessions
            .start_session(
                NewRefreshToken {
                    token_hash: hash,
                    family_id: family.clone(),
                    user_id: user.id.clone(),
                    created_at: now,
                    expires_at: now + self.refresh_ttl(),
                },
                client,
            )
            .await?;
        let access_token = self.tokens.issue(&user.id, user.token_epoch, &family, now)?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: self.tokens.ttl_secs,
        })
    }

    /// With MFA on, `code` must be a current TOTP code (not replayed) or an unused recovery code.
    pub(crate) async fn check_second_factor(
        &self,
        user: &UserRecord,
        code: Option<&str>,
    ) -> Result<(), ServiceError> {
        if !user.totp_enabled {
            return Ok(());
        }
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(ServiceError::unauthorized(
                "mfa_required",
                "a code from your authenticator app is required",
            ));
        };
        let invalid = || {
            ServiceError::unauthorized(
                "mfa_invalid",
                "the authentication code is wrong or was already used",
            )
        };
        if is_totp_code(code) {
            let secret = user.totp_secret.as_deref().ok_or_else(invalid)?;
            let totp = Totp::from_secret(secret, user.username.as_str())?;
            let step = totp
                .matching_step(code, self.clock.now().as_second())
                .ok_or_else(invalid)?;
            if !self.store.accounts.accept_totp_step(&user.id, step).await? {
                return Err(invalid());
            }
        } else if !self
            .store
            .accounts
            .consume_recovery_code(&user.id, &recovery_code_hash(code), self.clock.now())
            .await?
        {
            return Err(invalid());
        }
        Ok(())
    }

    /// Trades a refresh token for a new pair. The old token is spent; presenting it again within the
    /// grace window (concurrent refreshes) gets another pair in the same session, after it ends the
    /// session (someone else holds a copy).
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ServiceError> {
        let (new_token, new_hash) = new_refresh_token();
        let now = self.clock.now();
        let placeholder_owner = wearhouse_model::UserId::generate();
        let outcome = self
            .store
            .sessions
            .rotate_refresh_token(
                &crate::tokens::sha256_hex(refresh_token),
                NewRefreshToken {
                    token_hash: new_hash,
                    // The store keeps the old token's family and owner; these are not used.
                    family_id: String::new(),
                    user_id: placeholder_owner,
                    created_at: now,
                    expires_at: now + self.refresh_ttl(),
                },
                now,
                self.refresh_grace(),
            )
            .await?;
        match outcome {
            RotateOutcome::Rotated { user_id, family_id } => {
                let user = self.fresh_user(&user_id).await?;
                if !user.active {
                    self.store
                        .sessions
                        .revoke_family_of(&crate::tokens::sha256_hex(&new_token), now)
                        .await?;
                    self.forget_session(&family_id).await;
                    return Err(ServiceError::forbidden(
                        "account_disabled",
                        "this account has been deactivated",
                    ));
                }
                let access_token = self.tokens.issue(&user.id, user.token_epoch, &family_id, now)?;
                Ok(TokenPair {
                    access_token,
                    refresh_token: new_token,
                    expires_in: self.tokens.ttl_secs,
                })
            }
            RotateOutcome::Reused { user_id, family_id } => {
                self.forget_session(&family_id).await;
                tracing::warn!(user = %user_id, "refresh token reused: session revoked");
                Err(ServiceError::unauthorized(
                    "refresh_token_reused",
                    "this refresh token was already used; the session has been revoked, log in again",
                ))
            }
            RotateOutcome::Invalid => Err(ServiceError::unauthorized(
                "invalid_refresh_token",
                "the refresh token is invalid or expired",
            )),
        }
    }

    /// Ends the session the refresh token belongs to. Unknown tokens are ignored (logout is idempotent).
    pub async fn logout(&self, refresh_token: &str) -> Result<(), ServiceError> {
        let ended = self
            .store
            .sessions
            .revoke_family_of(&crate::tokens::sha256_hex(refresh_token), self.clock.now())
            .await?;
        if let Some((_, session)) = ended {
            self.forget_session(&session).await;
        }
        Ok(())
    }

    /// Ends every session of the user and invalidates every access token already issued.
    pub async fn logout_all(&self, actor: &AuthenticatedUser) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let ended = self
            .store
            .sessions
            .revoke_all_for_user(actor.id(), None, now)
            .await?;
        self.store.accounts.bump_token_epoch(actor.id(), now).await?;
        self.forget(actor.id()).await;
        self.forget_sessions(&ended).await;
        Ok(())
    }

    /// Establishes who presents `access_token`. Runs on every authenticated request, so it touches only
    /// memory when the user is cached.
    pub async fn authenticate(&self, access_token: &str) -> Result<AuthenticatedUser, ServiceError> {
        let claims = self.tokens.verify(access_token, self.clock.now())?;
        self.authenticate_claims(&claims.sub, claims.ep, &claims.sid, claims.exp)
            .await
    }

    /// A stream ticket for the caller: what a browser puts in the query of `GET /api/v1/stream`,
    /// `/events` or `/traces`, since it cannot send an `Authorization` header there. It is good for
    /// [`STREAM_TICKET_SECS`], once per process, for streams only, and carries the access token's
    /// session and expiry (the stream ends with them). Returns the ticket and its expiry.
    pub fn stream_ticket(&self, actor: &AuthenticatedUser) -> Result<(String, Timestamp), ServiceError> {
        let now = self.clock.now();
        let ticket = self.tokens.issue_ticket(
            actor.id(),
            actor.user.token_epoch,
            &actor.session,
            actor.expires_at,
            now,
            STREAM_TICKET_SECS,
        )?;
        let expires = Timestamp::from_second(now.as_second() + STREAM_TICKET_SECS)
            .map_err(|e| ServiceError::Internal(format!("ticket expiry: {e}")))?;
        Ok((ticket, expires))
    }

    /// Establishes who presents a stream ticket; refuses one already used in this process.
    pub async fn authenticate_ticket(&self, ticket: &str) -> Result<AuthenticatedUser, ServiceError> {
        let claims = self.tokens.verify_ticket(ticket, self.clock.now())?;
        if self.used_tickets.contains_key(&claims.jti) {
            return Err(ServiceError::unauthorized(
                "ticket_used",
                "this stream ticket was used already; take a new one (POST /api/v1/stream/tickets)",
            ));
        }
        self.used_tickets.insert(claims.jti.clone(), ());
        self.authenticate_claims(&claims.sub, claims.ep, &claims.sid, claims.until)
            .await
    }

    /// Whether what authenticated `actor` still holds: the token unexpired, the account active, no
    /// "log out everywhere" since, the session not ended. Live streams ask this when an invalidation
    /// comes in and now and then, and end when it fails.
    pub async fn still_authenticated(&self, actor: &AuthenticatedUser) -> Result<(), ServiceError> {
        if actor.expires_at <= self.clock.now().as_second() {
            return Err(ServiceError::unauthorized(
                "token_expired",
                "the access token has expired",
            ));
        }
        self.authenticate_claims(
            actor.id().as_str(),
            actor.user.token_epoch,
            &actor.session,
            actor.expires_at,
        )
        .await
        .map(|_| ())
    }

    async fn authenticate_claims(
        &self,
        subject: &str,
        epoch: i64,
        session: &str,
        expires_at: i64,
    ) -> Result<AuthenticatedUser, ServiceError> {
        let invalid = || ServiceError::unauthorized("invalid_token", "the access token is invalid");
        let id = wearhouse_model::UserId::parse(subject).map_err(|_| invalid())?;
        let user = self.cached_user(&id).await?.ok_or_else(invalid)?;
        if !user.active {
            return Err(ServiceError::forbidden(
                "account_disabled",
                "this account has been deactivated",
            ));
        }
        if epoch != user.token_epoch {
            return Err(ServiceError::unauthorized(
                "token_revoked",
                "this access token has been revoked",
            ));
        }
        if !self.session_is_live(session, &user.id).await? {
            return Err(ServiceError::unauthorized(
                "token_revoked",
                "the session of this access token has ended",
            ));
        }
        Ok(AuthenticatedUser {
            user,
            session: session.to_owned(),
            expires_at,
        })
    }

    /// Starts TOTP enrolment: a new secret, not active until confirmed with a code from it.
    pub async fn start_totp(&self, actor: &AuthenticatedUser) -> Result<TotpEnrolment, ServiceError> {
        let secret = Totp::generate_secret();
        let totp = Totp::from_secret(&secret, actor.user.username.as_str())?;
        self.store
            .accounts
            .set_pending_totp(actor.id(), &secret, self.clock.now())
            .await
            .map_err(already_on)?;
        self.forget(actor.id()).await;
        Ok(TotpEnrolment {
            otpauth_uri: totp.uri(),
            secret,
        })
    }

    /// Confirms enrolment with a current code; turns MFA on and returns the recovery codes (shown once).
    pub async fn confirm_totp(
        &self,
        actor: &AuthenticatedUser,
        code: &str,
    ) -> Result<Vec<String>, ServiceError> {
        let user = self.fresh_user(actor.id()).await?;
        if user.totp_enabled {
            return Err(already_on(StoreError::Conflict { what: "totp" }));
        }
        let Some(secret) = user.totp_secret.as_deref() else {
            return Err(ServiceError::conflict(
                "mfa_not_started",
                "start TOTP enrolment first",
            ));
        };
        let totp = Totp::from_secret(secret, user.username.as_str())?;
        let step = totp
            .matching_step(code, self.clock.now().as_second())
            .ok_or_else(|| ServiceError::unauthorized("mfa_invalid", "the authentication code is wrong"))?;
        let (codes, hashes) = new_recovery_codes();
        self.store
            .accounts
            .enable_totp(&user.id, &hashes, step, self.clock.now())
            .await
            .map_err(already_on)?;
        self.forget(&user.id).await;
        // Sessions started with the password alone end: from now on every session has passed MFA.
        self.end_other_sessions(actor).await?;
        Ok(codes)
    }

    /// Turns MFA off; needs the password and a current code (or a recovery code).
    pub async fn disable_totp(
        &self,
        actor: &AuthenticatedUser,
        password: &str,
        code: &str,
    ) -> Result<(), ServiceError> {
        let user = self.fresh_user(actor.id()).await?;
        if !user.totp_enabled {
            return Err(ServiceError::conflict(
                "mfa_not_enabled",
                "two-factor authentication is not enabled",
            ));
        }
        self.confirm_password(&user, password).await?;
        self.check_second_factor(&user, Some(code)).await?;
        self.store
            .accounts
            .disable_totp(&user.id, self.clock.now())
            .await?;
        self.forget(&user.id).await;
        Ok(())
    }

    fn refresh_grace(&self) -> SignedDuration {
        SignedDuration::try_from(self.settings.refresh_reuse_grace).unwrap_or(SignedDuration::from_secs(5))
    }

    fn refresh_ttl(&self) -> SignedDuration {
        SignedDuration::try_from(self.settings.refresh_token_ttl)
            .unwrap_or(SignedDuration::from_hours(24 * 30))
    }
}

fn already_on(err: StoreError) -> ServiceError {
    match err {
        StoreError::Conflict { what: "totp" } => ServiceError::conflict(
            "mfa_already_enabled",
            "two-factor authentication is already enabled",
        ),
        other => other.into(),
    }
}
