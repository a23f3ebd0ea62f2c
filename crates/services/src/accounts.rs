//! The account service: registration, the current user, account deletion, and the user cache that
//! keeps authentication off the database on the hot path.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use wearhouse_model::{Email, PasswordPolicy, Role, Roles, TimeZoneName, UserId, Username};
use wearhouse_store::{NewUser, Store, StoreError, UserRecord};

use crate::cache_bus::{CacheBus, Invalidation};
use crate::throttle::LoginThrottle;
use crate::tokens::{generate_signing_key, AccessTokens};
use crate::{Clock, FieldError, PasswordHashing, ServiceError};

/// Tunables of the account service.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// Lifetime of access tokens; at most 15 minutes.
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How long an authenticated user's record may be served from memory. Changes made through this
    /// process invalidate it at once; this bounds staleness for changes made by other processes.
    pub user_cache_ttl: Duration,
    /// How long after a refresh token is spent presenting it again still rotates (concurrent refreshes
    /// from browser tabs) instead of counting as reuse.
    pub refresh_reuse_grace: Duration,
    /// Per-account login throttling (growing delays after failed attempts on one account).
    pub login_throttle: bool,
    pub password_policy: PasswordPolicy,
    pub max_avatar_bytes: usize,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            user_cache_ttl: Duration::from_secs(5),
            refresh_reuse_grace: Duration::from_secs(5),
            login_throttle: true,
            password_policy: PasswordPolicy::default(),
            max_avatar_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Who is making a request, as established from a valid access token.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser {
    pub user: Arc<UserRecord>,
    /// The session (refresh-token family) the access token was issued for.
    pub session: String,
    /// When the access token (or the one a stream ticket was taken from) expires, in Unix seconds:
    /// a live stream opened with it ends then.
    pub expires_at: i64,
}

impl AuthenticatedUser {
    pub fn id(&self) -> &UserId {
        &self.user.id
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.user.roles.contains(role)
    }
}

pub struct AccountService {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hashing: PasswordHashing,
    pub(crate) tokens: AccessTokens,
    pub(crate) settings: AccountSettings,
    pub(crate) users: moka::sync::Cache<UserId, Arc<UserRecord>>,
    /// Whether a session (by id) is live and whose it is; same lifetime as `users`, invalidated when a
    /// session ends through this process.
    pub(crate) sessions: moka::sync::Cache<String, Option<UserId>>,
    /// Advanced by every invalidation, before it drops entries: a reader that filled the caches from
    /// the database checks it after inserting, so a copy read before an invalidation it raced with is
    /// dropped again instead of living out the cache's lifetime (see `fill_checked`).
    pub(crate) invalidations: std::sync::atomic::AtomicU64,
    /// Told of every invalidation this process applies, so open streams re-check their session at once.
    pub(crate) invalidated: tokio::sync::watch::Sender<u64>,
    /// Stream tickets this process accepted (a ticket opens one stream), kept past their expiry.
    pub(crate) used_tickets: moka::sync::Cache<String, ()>,
    pub(crate) throttle: LoginThrottle,
    /// Where this process announces invalidations to the others (`set_cache_bus`); none in one process.
    pub(crate) bus: std::sync::OnceLock<Arc<dyn crate::cache_bus::CacheBus>>,
}

/// Key under which a generated signing key is kept in the settings table.
const SIGNING_KEY_SETTING: &str = "auth.jwt_signing_key";

impl AccountService {
    /// Builds the service. Without a configured `signing_key`, one is generated on first start and kept
    /// in the database, so restarts and sibling processes share it.
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        hashing: PasswordHashing,
        signing_key: Option<SecretString>,
        settings: AccountSettings,
    ) -> Result<Self, ServiceError> {
        if settings.access_token_ttl > Duration::from_secs(15 * 60) || settings.access_token_ttl.is_zero() {
            return Err(ServiceError::Internal(
                "access token lifetime must be between 1 s and 15 min".into(),
            ));
        }
        let key = match signing_key {
            Some(key) if key.expose_secret().len() >= 32 => key.expose_secret().to_owned(),
            Some(_) => {
                return Err(ServiceError::Internal(
                    "the token signing key must be at least 32 bytes".into(),
                ))
            }
            None => {
                store
                    .settings
                    .get_or_init(SIGNING_KEY_SETTING, &generate_signing_key())
                    .await?
            }
        };
        let ttl = i64::try_from(settings.access_token_ttl.as_secs()).unwrap_or(900);
        let users = moka::sync::Cache::builder()
            .max_capacity(100_000)
            .time_to_live(settings.user_cache_ttl)
            .build();
        let sessions = moka::sync::Cache::builder()
            .max_capacity(100_000)
            .time_to_live(settings.user_cache_ttl)
            .build();
        Ok(Self {
            tokens: AccessTokens::new(key.as_bytes(), ttl),
            sessions,
            invalidations: std::sync::atomic::AtomicU64::new(0),
            invalidated: tokio::sync::watch::Sender::new(0),
            used_tickets: moka::sync::Cache::builder()
                .time_to_live(Duration::from_secs(2 * crate::tokens::STREAM_TICKET_SECS as u64))
                .build(),
            throttle: if settings.login_throttle {
                LoginThrottle::default()
            } else {
                LoginThrottle::disabled()
            },
            store,
            clock,
            hashing,
            settings,
            bus: std::sync::OnceLock::new(),
            users,
        })
    }

    /// Validates and creates an account. Every invalid field is reported, not just the first.
    #[tracing::instrument(skip(self, password, email))]
    pub async fn register(
        &self,
        username: &str,
        email: &str,
        password: &str,
        time_zone: Option<&str>,
        roles: Roles,
    ) -> Result<UserRecord, ServiceError> {
        let mut errors = Vec::new();
        let username = Username::parse(username)
            .map_err(|e| errors.push(FieldError::new("username", e)))
            .ok();
        let email = Email::parse(email)
            .map_err(|e| errors.push(FieldError::new("email", e)))
            .ok();
        // No zone given: none is set, and days are UTC until the user sets one.
        let time_zone = match time_zone {
            Some(tz) => TimeZoneName::parse(tz)
                .map(Some)
                .map_err(|e| errors.push(FieldError::new("time_zone", e)))
                .ok(),
            None => Some(None),
        };
        let password = match (&username, &email) {
            (Some(u), Some(e)) => self
                .settings
                .password_policy
                .check(password, u, e)
                .map_err(|e| errors.push(FieldError::new("password", e)))
                .ok(),
            _ => None,
        };
        let (Some(username), Some(email), Some(password), Some(time_zone)) =
            (username, email, password, time_zone)
        else {
            return Err(ServiceError::Invalid(errors));
        };
        let password_hash = self.hashing.hash(password.expose()).await?;
        let new = NewUser {
            id: UserId::generate(),
            username,
            email,
            password_hash,
            roles,
            time_zone,
            created_at: self.clock.now(),
        };
        self.store.accounts.create_user(new).await.map_err(|e| match e {
            StoreError::Conflict { what: "username" } => {
                ServiceError::conflict("username_taken", "this username is already taken")
            }
            StoreError::Conflict { what: "email" } => ServiceError::conflict(
                "email_taken",
                "an account with this e-mail address already exists",
            ),
            other => other.into(),
        })
    }

    /// The user by id, from the cache when fresh.
    pub(crate) async fn cached_user(&self, id: &UserId) -> Result<Option<Arc<UserRecord>>, ServiceError> {
        if let Some(user) = self.users.get(id) {
            return Ok(Some(user));
        }
        let seen = self.invalidation_count();
        let Some(user) = self.store.accounts.user_by_id(id).await? else {
            return Ok(None);
        };
        let user = Arc::new(user);
        self.fill_checked(&self.users, id.clone(), user.clone(), seen);
        Ok(Some(user))
    }

    /// How many invalidations this process has applied: taken before a database read that fills a cache.
    pub(crate) fn invalidation_count(&self) -> u64 {
        self.invalidations.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Inserts what a reader read after `seen` (its `invalidation_count`), then takes it out again if
    /// an invalidation came in meanwhile: that one may have dropped the entry before this insert, and
    /// the copy may predate the change. Either the invalidation's count is seen here, or its drop comes
    /// after the insert; no stale copy survives.
    pub(crate) fn fill_checked<K, V>(&self, cache: &moka::sync::Cache<K, V>, key: K, value: V, seen: u64)
    where
        K: std::hash::Hash + Eq + Send + Sync + Clone + 'static,
        V: Clone + Send + Sync + 'static,
    {
        fill_checked(&self.invalidations, cache, key, value, seen);
    }

    fn count_invalidation(&self) {
        self.invalidations
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.invalidated.send_modify(|count| *count += 1);
    }

    /// Changes whenever this process drops a user or session from its caches (a logout, a password
    /// change, a deactivation, here or announced by another process): a live stream then re-checks
    /// whether its session still holds.
    pub fn watch_invalidations(&self) -> tokio::sync::watch::Receiver<u64> {
        self.invalidated.subscribe()
    }

    /// Stores a fresh copy after a change so the next request sees it, and tells the other processes.
    pub(crate) async fn remember(&self, user: UserRecord) -> UserRecord {
        self.users.insert(user.id.clone(), Arc::new(user.clone()));
        self.announce(Invalidation::user(&user.id)).await;
        user
    }

    pub(crate) async fn forget(&self, id: &UserId) {
        self.count_invalidation();
        self.users.invalidate(id);
        self.announce(Invalidation::user(id)).await;
    }

    pub(crate) async fn forget_session(&self, id: &str) {
        self.count_invalidation();
        self.sessions.invalidate(id);
        self.announce(Invalidation::Session(id.to_owned())).await;
    }

    async fn announce(&self, invalidation: Invalidation) {
        if let Some(bus) = self.bus.get() {
            bus.publish(&invalidation).await;
        }
    }

    /// Makes this process announce its invalidations on `bus` (once, at start).
    pub fn set_cache_bus(&self, bus: Arc<dyn CacheBus>) {
        let _ = self.bus.set(bus);
    }

    /// Applies an invalidation another process announced.
    pub fn apply_invalidation(&self, invalidation: &Invalidation) {
        self.count_invalidation();
        match invalidation {
            Invalidation::User(id) => match UserId::parse(id) {
                Ok(id) => self.users.invalidate(&id),
                Err(_) => self.users.invalidate_all(),
            },
            Invalidation::Session(id) => self.sessions.invalidate(id),
            Invalidation::All => {
                self.users.invalidate_all();
                self.sessions.invalidate_all();
            }
        }
    }

    /// Deletes the account and all its data, after re-checking the password (and the second factor
    /// when MFA is on: deleting everything deserves the same proof as logging in).
    #[tracing::instrument(skip_all, fields(user = %actor.id()))]
    pub async fn delete_account(
        &self,
        actor: &AuthenticatedUser,
        password: &str,
        mfa_code: Option<&str>,
    ) -> Result<(), ServiceError> {
        let user = self.fresh_user(actor.id()).await?;
        self.confirm_password(&user, password).await?;
        self.check_second_factor(&user, mfa_code).await?;
        if user.roles.is_admin() && user.active && self.store.accounts.count_active_admins().await? <= 1 {
            return Err(ServiceError::conflict(
                "last_admin",
                "the last administrator cannot delete their account",
            ));
        }
        self.store
            .accounts
            .delete_user(&user.id)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { what: "last_admin" } => {
                    ServiceError::conflict("last_admin", "the last administrator cannot delete their account")
                }
                other => other.into(),
            })?;
        self.forget(&user.id).await;
        Ok(())
    }

    /// The current state of a user from the database, bypassing the cache (for decisions that change
    /// security state).
    pub(crate) async fn fresh_user(&self, id: &UserId) -> Result<UserRecord, ServiceError> {
        self.store
            .accounts
            .user_by_id(id)
            .await?
            .ok_or_else(|| ServiceError::unauthorized("invalid_token", "the account no longer exists"))
    }

    pub(crate) async fn confirm_password(
        &self,
        user: &UserRecord,
        password: &str,
    ) -> Result<(), ServiceError> {
        // Re-checks share the login's per-account throttle: a stolen access token must not become a
        // way to guess the password faster than logging in allows.
        let key = user.id.to_string();
        self.throttle
            .begin(&key, self.clock.now())
            .map_err(|wait| ServiceError::Throttled {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            })?;
        if self.hashing.verify(password, Some(&user.password_hash)).await? {
            self.throttle.succeeded(&key);
            Ok(())
        } else {
            Err(ServiceError::unauthorized(
                "invalid_credentials",
                "the password is wrong",
            ))
        }
    }

    /// How long a refresh token (and so a browser's session cookie) lives.
    pub fn refresh_token_ttl(&self) -> Duration {
        self.settings.refresh_token_ttl
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}

impl AccountService {
    /// Whether the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<(), ServiceError> {
        Ok(self.store.settings.ping().await?)
    }
}

/// See [`AccountService::fill_checked`].
fn fill_checked<K, V>(
    invalidations: &std::sync::atomic::AtomicU64,
    cache: &moka::sync::Cache<K, V>,
    key: K,
    value: V,
    seen: u64,
) where
    K: std::hash::Hash + Eq + Send + Sync + Clone + 'static,
    V: Clone + Send + Sync + 'static,
{
    cache.insert(key.clone(), value);
    if invalidations.load(std::sync::atomic::Ordering::SeqCst) != seen {
        cache.invalidate(&key);
    }
}

#[cfg(test)]
mod fill_tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::fill_checked;

    #[test]
    fn a_copy_read_before_an_invalidation_it_raced_with_is_not_kept() {
        let cache = moka::sync::Cache::<String, u32>::new(10);
        let invalidations = AtomicU64::new(0);
        // A read with no invalidation meanwhile is kept.
        let seen = invalidations.load(Ordering::SeqCst);
        fill_checked(&invalidations, &cache, "ana".to_owned(), 1, seen);
        assert_eq!(cache.get("ana"), Some(1));
        // A read, then an invalidation (which found nothing to drop yet), then the insert: dropped.
        cache.invalidate("ana");
        let seen = invalidations.load(Ordering::SeqCst);
        invalidations.fetch_add(1, Ordering::SeqCst);
        cache.invalidate("ana");
        fill_checked(&invalidations, &cache, "ana".to_owned(), 1, seen);
        assert_eq!(cache.get("ana"), None);
    }
}
