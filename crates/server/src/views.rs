//! Response bodies: what the API shows of domain records. Secrets (password hash, TOTP secret) never
//! appear here; the public view shows only what a stranger may see.

use serde::Serialize;
use utoipa::ToSchema;
use wearhouse_model::{FirstWeekday, Role, Sex, UnitSystem};
use wearhouse_store::UserRecord;

use crate::examples;

/// Activity statistics on a profile, filled in as workouts are recorded.
#[derive(Debug, Clone, Serialize, ToSchema, Default)]
pub struct ProfileStats {
    pub total_workouts: u64,
    /// Consecutive local days with at least one workout, ending today or yesterday.
    pub current_streak_days: u32,
    /// Start of the most recent workout (RFC 3339).
    pub last_workout_at: Option<String>,
}

/// The signed-in user's own profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!(examples::me_view()))]
pub struct MeView {
    pub id: String,
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    /// IANA time zone in force now, e.g. `Europe/Berlin`; `UTC` while none is set.
    pub time_zone: String,
    /// Whether the user has set a zone. Until then the account has none and days are UTC; the first
    /// zone set covers the whole past (see `/me/time-zones`).
    pub time_zone_set: bool,
    pub unit_system: UnitSystem,
    /// The day weeks start on in weekly summaries.
    pub first_weekday: FirstWeekday,
    pub birth_year: Option<i16>,
    pub sex: Option<Sex>,
    pub height_cm: Option<f64>,
    pub roles: Vec<Role>,
    pub mfa_enabled: bool,
    /// Where the avatar can be fetched, if one is set.
    pub avatar_url: Option<String>,
    pub stats: ProfileStats,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&UserRecord> for MeView {
    fn from(u: &UserRecord) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.to_string(),
            email: u.email.to_string(),
            display_name: u.display_name.clone(),
            bio: u.bio.clone(),
            time_zone: u.time_zone.to_string(),
            time_zone_set: u.time_zone_set,
            unit_system: u.unit_system,
            first_weekday: u.first_weekday,
            birth_year: u.birth_year,
            sex: u.sex,
            height_cm: u.height_cm,
            roles: u.roles.iter().collect(),
            mfa_enabled: u.totp_enabled,
            avatar_url: u.has_avatar.then(|| "/api/v1/me/avatar".to_owned()),
            stats: ProfileStats::default(),
            created_at: u.created_at.to_string(),
            updated_at: u.updated_at.to_string(),
        }
    }
}

/// What any signed-in user may see of another.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "username": "ben", "display_name": "Ben Okafor", "bio": "Cyclist and coach in Hamburg.",
    "avatar_url": "/api/v1/users/ben/avatar",
    "stats": {"total_workouts": 87, "current_streak_days": 0, "last_workout_at": "2025-06-11T18:30:00+02:00"},
    "member_since": "2025-01-09T08:14:05.772310Z"
}))]
pub struct PublicProfileView {
    pub username: String,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub stats: ProfileStats,
    pub member_since: String,
}

impl From<&UserRecord> for PublicProfileView {
    fn from(u: &UserRecord) -> Self {
        Self {
            username: u.username.to_string(),
            display_name: u.display_name.clone(),
            bio: u.bio.clone(),
            avatar_url: u
                .has_avatar
                .then(|| format!("/api/v1/users/{}/avatar", u.username)),
            stats: ProfileStats::default(),
            member_since: u.created_at.to_string(),
        }
    }
}

/// An account as administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!(examples::admin_user_view()))]
pub struct AdminUserView {
    pub id: String,
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
    pub active: bool,
    pub mfa_enabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&UserRecord> for AdminUserView {
    fn from(u: &UserRecord) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.to_string(),
            email: u.email.to_string(),
            display_name: u.display_name.clone(),
            roles: u.roles.iter().collect(),
            active: u.active,
            mfa_enabled: u.totp_enabled,
            created_at: u.created_at.to_string(),
            updated_at: u.updated_at.to_string(),
        }
    }
}
