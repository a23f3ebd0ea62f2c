//! The accounts aggregate: users, their profile, roles, MFA state, recovery codes and avatar.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::{
    Bio, BirthYear, DisplayName, Email, FirstWeekday, HeightCm, Roles, Sex, TimeZoneName, UnitSystem, UserId,
    Username,
};

use crate::StoreError;

/// A user as stored. Secrets (password hash, TOTP secret) are here because the services need them;
/// the HTTP layer never serialises this type directly, and `Debug` redacts them so a log line or a
/// tracing span can never carry them.
#[derive(Clone)]
pub struct UserRecord {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    /// The zone in force now: the last period's, UTC while none is set.
    pub time_zone: TimeZoneName,
    /// Whether the user has set a zone (see [`AccountStore::zone_history`]); until then days are UTC.
    pub time_zone_set: bool,
    pub unit_system: UnitSystem,
    pub first_weekday: FirstWeekday,
    pub birth_year: Option<i16>,
    pub sex: Option<Sex>,
    pub height_cm: Option<f64>,
    pub roles: Roles,
    pub active: bool,
    /// Bumped by "log out everywhere": access tokens minted under an older epoch stop working.
    pub token_epoch: i64,
    /// Set during enrolment (not yet enabled) and while TOTP is enabled.
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    /// The last TOTP time step accepted, so a code cannot be replayed within its window.
    pub totp_last_step: Option<i64>,
    pub has_avatar: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("roles", &self.roles)
            .field("active", &self.active)
            .field("totp_enabled", &self.totp_enabled)
            .field("password_hash", &"<redacted>")
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// `Debug` redacts the password hash.
#[derive(Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub password_hash: String,
    pub roles: Roles,
    /// `None`: no zone yet; days are UTC until the user sets one, which then covers their whole past.
    pub time_zone: Option<TimeZoneName>,
    pub created_at: Timestamp,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A partial profile change. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<Option<DisplayName>>,
    pub bio: Option<Option<Bio>>,
    pub unit_system: Option<UnitSystem>,
    pub first_weekday: Option<FirstWeekday>,
    pub birth_year: Option<Option<BirthYear>>,
    pub sex: Option<Option<Sex>>,
    pub height_cm: Option<Option<HeightCm>>,
}

/// What an administrator may change about another account.
#[derive(Debug, Clone, Default)]
pub struct AdminUserUpdate {
    pub roles: Option<Roles>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Avatar {
    /// Sniffed from the bytes when stored, never taken from the client.
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Fails with `Conflict { what: "username" | "email" }` when either is taken (usernames compare
    /// case-insensitively).
    async fn create_user(&self, user: NewUser) -> Result<UserRecord, StoreError>;

    async fn user_by_id(&self, id: &UserId) -> Result<Option<UserRecord>, StoreError>;

    /// Looks a user up by username (case-insensitive) or e-mail address.
    async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError>;

    /// The user's time-zone periods, oldest first: `(valid_from, zone)`. The first period covers all
    /// time before it too; none means the user has set no zone (days are UTC).
    async fn zone_history(&self, id: &UserId) -> Result<Vec<(Timestamp, TimeZoneName)>, StoreError>;

    /// Replaces the user's time-zone periods with `periods` (oldest first; none: no zone set), makes
    /// the last one's zone the profile's (UTC when none), moves the floating samples of the changed
    /// days to where the new periods put their wall-clock times (see `NewSample::floating_end_offset`),
    /// and marks for recomputing every day with samples that `changed_days` covers (inclusive ranges of UTC days since 1970-01-01, widened here by the days a
    /// sample or a night can reach), all in one transaction. Fails with
    /// `Conflict { what: "zone_history" }` when the stored periods are no longer `expected`, so a
    /// change computed from an older history is never applied. Returns the user and how many
    /// `(metric, day)` marks were made.
    async fn replace_zone_history(
        &self,
        id: &UserId,
        expected: &[(Timestamp, TimeZoneName)],
        periods: &[(Timestamp, TimeZoneName)],
        changed_days: &[(i64, i64)],
        now: Timestamp,
    ) -> Result<(UserRecord, u64), StoreError>;

    /// Derives every floating sample of the user again under the stored periods, which must still be
    /// `expected` (else `Conflict { what: "zone_history" }` and nothing changes), and returns how many
    /// moved. For samples stored under an older history than the one a change re-derived (an import
    /// racing the change); the caller marks the days to recompute.
    async fn rederive_floating(
        &self,
        id: &UserId,
        expected: &[(Timestamp, TimeZoneName)],
    ) -> Result<u64, StoreError>;

    async fn update_profile(
        &self,
        id: &UserId,
        update: ProfileUpdate,
        now: Timestamp,
    ) -> Result<UserRecord, StoreError>;

    /// Fails with `NotFound` for an unknown user and with `Conflict { what: "last_admin" }` when the
    /// change would leave a server that had an active admin without one; checked atomically with the
    /// change, so two admins demoting each other at once cannot both succeed.
    async fn admin_update(
        &self,
        id: &UserId,
        update: AdminUserUpdate,
        now: Timestamp,
    ) -> Result<UserRecord, StoreError>;

    /// Active accounts holding the admin role.
    async fn count_active_admins(&self) -> Result<i64, StoreError>;

    /// Users ordered by id (creation order), strictly after `after`.
    async fn list_users(&self, after: Option<&UserId>, limit: u32) -> Result<Vec<UserRecord>, StoreError>;

    /// Deletes the account and, by cascade, everything it owns. `false` if it did not exist. Fails with
    /// `Conflict { what: "last_admin" }` when it would remove the last active admin (atomically, as
    /// [`AccountStore::admin_update`]).
    async fn delete_user(&self, id: &UserId) -> Result<bool, StoreError>;

    /// Replaces the password hash. `NotFound` for an unknown user.
    async fn set_password_hash(&self, id: &UserId, hash: &str, now: Timestamp) -> Result<(), StoreError>;

    /// Invalidates every access token issued so far; returns the new epoch.
    async fn bump_token_epoch(&self, id: &UserId, now: Timestamp) -> Result<i64, StoreError>;

    /// Stores a secret for an enrolment that is not yet confirmed (TOTP stays disabled).
    async fn set_pending_totp(&self, id: &UserId, secret: &str, now: Timestamp) -> Result<(), StoreError>;

    /// Enables TOTP with the pending secret and replaces the recovery codes, atomically.
    async fn enable_totp(
        &self,
        id: &UserId,
        recovery_code_hashes: &[String],
        accepted_step: i64,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Disables TOTP, forgets the secret and the recovery codes.
    async fn disable_totp(&self, id: &UserId, now: Timestamp) -> Result<(), StoreError>;

    /// Records `step` as used if it is newer than the last accepted one. `false` means replay.
    async fn accept_totp_step(&self, id: &UserId, step: i64) -> Result<bool, StoreError>;

    /// Marks an unused recovery code as used. `false` if it is unknown or already used.
    async fn consume_recovery_code(
        &self,
        id: &UserId,
        code_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    async fn remaining_recovery_codes(&self, id: &UserId) -> Result<i64, StoreError>;

    async fn put_avatar(&self, id: &UserId, avatar: Avatar) -> Result<(), StoreError>;

    async fn avatar(&self, id: &UserId) -> Result<Option<Avatar>, StoreError>;

    /// `false` if there was none.
    async fn delete_avatar(&self, id: &UserId) -> Result<bool, StoreError>;

    /// The user's dashboard preferences as last saved (a JSON document the services read), and when.
    async fn preferences(&self, id: &UserId) -> Result<Option<(String, Timestamp)>, StoreError>;

    /// Replaces the user's dashboard preferences.
    async fn put_preferences(
        &self,
        id: &UserId,
        document: &str,
        updated_at: Timestamp,
    ) -> Result<(), StoreError>;
}
