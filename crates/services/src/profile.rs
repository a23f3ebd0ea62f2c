//! The user's own profile, other users' public profiles, and avatars.

use jiff::tz::TimeZone;
use wearhouse_model::{Bio, BirthYear, DisplayName, FirstWeekday, HeightCm, Sex, TimeZoneName, UnitSystem};
use wearhouse_store::{Avatar, ProfileUpdate, UserRecord};

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::{FieldError, ServiceError};

/// A requested profile change as received: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub display_name: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub time_zone: Option<String>,
    pub unit_system: Option<UnitSystem>,
    pub first_weekday: Option<FirstWeekday>,
    pub birth_year: Option<Option<i64>>,
    pub sex: Option<Option<Sex>>,
    pub height_cm: Option<Option<f64>>,
}

/// The image types accepted as avatars, by their sniffed MIME type.
const AVATAR_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

impl AccountService {
    pub async fn me(&self, actor: &AuthenticatedUser) -> Result<UserRecord, ServiceError> {
        Ok(actor.user.as_ref().clone())
    }

    /// Validates every field of `patch` (reporting all failures together) and applies it atomically.
    pub async fn update_profile(
        &self,
        actor: &AuthenticatedUser,
        patch: ProfilePatch,
    ) -> Result<UserRecord, ServiceError> {
        let mut errors = Vec::new();
        let mut check = |field: &str, r: Result<(), wearhouse_model::InvalidInput>| {
            if let Err(e) = r {
                errors.push(FieldError::new(field, e));
            }
        };
        let now = self.clock.now();
        let current_year = now.to_zoned(TimeZone::UTC).year();
        let mut update = ProfileUpdate {
            unit_system: patch.unit_system,
            first_weekday: patch.first_weekday,
            sex: patch.sex,
            ..Default::default()
        };
        if let Some(v) = patch.display_name {
            check(
                "display_name",
                v.as_deref()
                    .map(DisplayName::parse)
                    .transpose()
                    .map(|v| update.display_name = Some(v)),
            );
        }
        if let Some(v) = patch.bio {
            check(
                "bio",
                v.as_deref()
                    .map(Bio::parse)
                    .transpose()
                    .map(|v| update.bio = Some(v)),
            );
        }
        let mut zone = None;
        if let Some(v) = patch.time_zone {
            check("time_zone", TimeZoneName::parse(&v).map(|v| zone = Some(v)));
        }
        if let Some(v) = patch.birth_year {
            check(
                "birth_year",
                v.map(|y| BirthYear::parse(y, current_year))
                    .transpose()
                    .map(|v| update.birth_year = Some(v)),
            );
        }
        if let Some(v) = patch.height_cm {
            check(
                "height_cm",
                v.map(HeightCm::parse)
                    .transpose()
                    .map(|v| update.height_cm = Some(v)),
            );
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        if let Some(zone) = zone {
            // Its own transaction, with the marks of the days it moves; it cannot fail validation now.
            self.set_current_zone(actor, zone, now).await?;
        }
        let user = self
            .store
            .accounts
            .update_profile(actor.id(), update, now)
            .await?;
        Ok(self.remember(user).await)
    }

    /// Another user's profile, for showing its public part. Deactivated accounts are not found.
    pub async fn public_profile(&self, username: &str) -> Result<UserRecord, ServiceError> {
        match self.store.accounts.user_by_login(username).await? {
            Some(user) if user.active && user.username.key() == username.trim().to_lowercase() => Ok(user),
            _ => Err(ServiceError::not_found(
                "user_not_found",
                format!("no user named '{username}'"),
            )),
        }
    }

    /// Stores a new avatar. The type is sniffed from the bytes; the declared content type is ignored.
    pub async fn put_avatar(
        &self,
        actor: &AuthenticatedUser,
        bytes: Vec<u8>,
    ) -> Result<Avatar, ServiceError> {
        if bytes.len() > self.settings.max_avatar_bytes {
            return Err(ServiceError::TooLarge {
                detail: format!("avatars may be at most {} bytes", self.settings.max_avatar_bytes),
            });
        }
        let sniffed = infer::get(&bytes)
            .map(|t| t.mime_type())
            .filter(|m| AVATAR_TYPES.contains(m));
        let Some(content_type) = sniffed else {
            return Err(ServiceError::UnsupportedMedia {
                detail: "avatars must be PNG, JPEG or WebP images".into(),
            });
        };
        let avatar = Avatar {
            content_type: content_type.to_owned(),
            bytes,
            updated_at: self.clock.now(),
        };
        self.store.accounts.put_avatar(actor.id(), avatar.clone()).await?;
        self.forget(actor.id()).await;
        Ok(avatar)
    }

    pub async fn avatar_of(&self, user: &UserRecord) -> Result<Avatar, ServiceError> {
        self.store
            .accounts
            .avatar(&user.id)
            .await?
            .ok_or_else(|| ServiceError::not_found("avatar_not_found", "this user has no avatar"))
    }

    pub async fn delete_avatar(&self, actor: &AuthenticatedUser) -> Result<(), ServiceError> {
        if !self.store.accounts.delete_avatar(actor.id()).await? {
            return Err(ServiceError::not_found("avatar_not_found", "you have no avatar"));
        }
        self.forget(actor.id()).await;
        Ok(())
    }
}
