//! Row shapes shared by both backends and their conversion into domain types. Every column type here
//! decodes the same way from SQLite and PostgreSQL (TEXT, 64-bit integers, doubles, booleans, bytes).

use wearhouse_model::{
    ActivityFields, ActivityId, Email, FirstWeekday, Roles, Sex, SourceDescriptor, TimeZoneName, UnitSystem,
    UserId, Username,
};

use crate::time::from_micros;
use crate::{
    ActivityRecord, ActivityRevision, Avatar, ImportProgress, ImportRecord, ImportStatus, RevisionChange,
    SourceRecord, StoreError, UserRecord,
};

/// Columns selected for a user, in this order, by every backend (see `USER_COLUMNS`).
pub(crate) const USER_COLUMNS: &str = "id, username, email, password_hash, display_name, bio, time_zone, \
    unit_system, first_weekday, birth_year, sex, height_cm, roles, active, token_epoch, totp_secret, totp_enabled, \
    totp_last_step, created_at, updated_at, \
    EXISTS (SELECT 1 FROM avatars a WHERE a.user_id = users.id) AS has_avatar, \
    EXISTS (SELECT 1 FROM user_time_zones z WHERE z.user_id = users.id) AS time_zone_set";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    username: String,
    email: String,
    password_hash: String,
    display_name: Option<String>,
    bio: Option<String>,
    time_zone: String,
    unit_system: String,
    first_weekday: String,
    birth_year: Option<i64>,
    sex: Option<String>,
    height_cm: Option<f64>,
    roles: String,
    active: bool,
    token_epoch: i64,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
    created_at: i64,
    updated_at: i64,
    has_avatar: bool,
    time_zone_set: bool,
}

fn corrupt(field: &str) -> impl FnOnce(wearhouse_model::InvalidInput) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("users.{field}: {e}"))
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        Ok(UserRecord {
            id: UserId::parse(&row.id).map_err(corrupt("id"))?,
            username: Username::parse(&row.username).map_err(corrupt("username"))?,
            email: Email::parse(&row.email).map_err(corrupt("email"))?,
            password_hash: row.password_hash,
            display_name: row.display_name,
            bio: row.bio,
            time_zone: TimeZoneName::parse(&row.time_zone).map_err(corrupt("time_zone"))?,
            time_zone_set: row.time_zone_set,
            unit_system: UnitSystem::parse(&row.unit_system).map_err(corrupt("unit_system"))?,
            first_weekday: FirstWeekday::parse(&row.first_weekday).map_err(corrupt("first_weekday"))?,
            birth_year: row
                .birth_year
                .map(|y| i16::try_from(y).map_err(|_| StoreError::Corrupt(format!("users.birth_year: {y}"))))
                .transpose()?,
            sex: row
                .sex
                .as_deref()
                .map(Sex::parse)
                .transpose()
                .map_err(corrupt("sex"))?,
            height_cm: row.height_cm,
            roles: Roles::from_csv(&row.roles).map_err(corrupt("roles"))?,
            active: row.active,
            token_epoch: row.token_epoch,
            totp_secret: row.totp_secret,
            totp_enabled: row.totp_enabled,
            totp_last_step: row.totp_last_step,
            has_avatar: row.has_avatar,
            created_at: from_micros(row.created_at)?,
            updated_at: from_micros(row.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AvatarRow {
    content_type: String,
    bytes: Vec<u8>,
    updated_at: i64,
}

impl TryFrom<AvatarRow> for Avatar {
    type Error = StoreError;

    fn try_from(row: AvatarRow) -> Result<Self, Self::Error> {
        Ok(Avatar {
            content_type: row.content_type,
            bytes: row.bytes,
            updated_at: from_micros(row.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub(crate) family_id: String,
    pub(crate) user_id: String,
    pub(crate) used_at: Option<i64>,
    pub(crate) revoked_at: Option<i64>,
    pub(crate) expires_at: i64,
}

impl TokenRow {
    pub(crate) fn user(&self) -> Result<UserId, StoreError> {
        UserId::parse(&self.user_id).map_err(corrupt("refresh_tokens.user_id"))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SourceRow {
    id: i64,
    provider: String,
    kind: String,
    name: String,
    model: Option<String>,
    app: Option<String>,
    priority: Option<i64>,
    created_at: i64,
    summary: bool,
}

impl TryFrom<SourceRow> for SourceRecord {
    type Error = StoreError;

    fn try_from(row: SourceRow) -> Result<Self, Self::Error> {
        let bad = |e: wearhouse_model::InvalidInput| StoreError::Corrupt(format!("sources.{}: {e}", row.id));
        let descriptor = SourceDescriptor::new(
            row.provider.parse().map_err(bad)?,
            row.kind.parse().map_err(bad)?,
            &row.name,
            row.model.as_deref(),
            row.app.as_deref(),
        )
        .map_err(bad)?;
        let descriptor = if row.summary {
            descriptor.summarising()
        } else {
            descriptor
        };
        Ok(SourceRecord {
            id: row.id,
            descriptor,
            priority: row.priority,
            created_at: from_micros(row.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ActivityRow {
    id: String,
    body: String,
    source_id: Option<i64>,
    external_id: Option<String>,
    revision: i64,
    stream_points: i64,
    created_at: i64,
    updated_at: i64,
    deleted_at: Option<i64>,
    merged_into: Option<String>,
    import_id: Option<String>,
}

/// The stored JSON form of an activity's editable fields (current state and revision snapshots).
pub(crate) fn activity_body(fields: &ActivityFields) -> Result<String, StoreError> {
    serde_json::to_string(fields).map_err(|e| StoreError::Corrupt(format!("activity body: {e}")))
}

pub(crate) fn parse_activity_body(body: &str) -> Result<ActivityFields, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("activity body: {e}")))
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl TryFrom<ActivityRow> for ActivityRecord {
    type Error = StoreError;
    fn try_from(row: ActivityRow) -> Result<Self, Self::Error> {
        Ok(ActivityRecord {
            id: ActivityId::parse(&row.id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            fields: parse_activity_body(&row.body)?,
            source_id: row.source_id,
            external_id: row.external_id,
            revision: row.revision,
            stream_points: row.stream_points,
            created_at: from_micros(row.created_at)?,
            updated_at: from_micros(row.updated_at)?,
            deleted_at: row.deleted_at.map(from_micros).transpose()?,
            merged_into: row
                .merged_into
                .map(|id| ActivityId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
                .transpose()?,
            import_id: row.import_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    revision: i64,
    change: String,
    deleted: bool,
    body: String,
    created_at: i64,
}

impl TryFrom<RevisionRow> for ActivityRevision {
    type Error = StoreError;
    fn try_from(row: RevisionRow) -> Result<Self, Self::Error> {
        Ok(ActivityRevision {
            revision: row.revision,
            change: RevisionChange::parse(&row.change)?,
            deleted: row.deleted,
            fields: parse_activity_body(&row.body)?,
            created_at: from_micros(row.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ImportRow {
    id: String,
    user_id: String,
    status: String,
    format: String,
    file_name: Option<String>,
    sha256: String,
    bytes_total: i64,
    bytes_read: i64,
    records_read: i64,
    imported: i64,
    duplicates: i64,
    activities: i64,
    report: String,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    data_version: i64,
    supersedes: Option<String>,
}

impl TryFrom<ImportRow> for ImportRecord {
    type Error = StoreError;
    fn try_from(r: ImportRow) -> Result<Self, Self::Error> {
        Ok(ImportRecord {
            id: r.id,
            user_id: UserId::parse(&r.user_id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            status: ImportStatus::parse(&r.status)?,
            format: r.format,
            file_name: r.file_name,
            sha256: r.sha256,
            bytes_total: r.bytes_total,
            progress: ImportProgress {
                bytes_read: r.bytes_read,
                records_read: r.records_read,
                imported: r.imported,
                duplicates: r.duplicates,
                activities: r.activities,
            },
            report: r.report,
            created_at: from_micros(r.created_at)?,
            started_at: r.started_at.map(from_micros).transpose()?,
            finished_at: r.finished_at.map(from_micros).transpose()?,
            data_version: u32::try_from(r.data_version)
                .map_err(|_| StoreError::Corrupt(format!("imports.data_version {}", r.data_version)))?,
            supersedes: r.supersedes,
        })
    }
}

/// Columns selected for a session, in the order of [`SessionRow`].
pub(crate) const SESSION_COLUMNS: &str = "id, user_id, created_at, last_used_at, client, address, ended_at";

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    id: String,
    user_id: String,
    created_at: i64,
    last_used_at: i64,
    client: Option<String>,
    address: Option<String>,
    ended_at: Option<i64>,
}

impl TryFrom<SessionRow> for crate::SessionRecord {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, Self::Error> {
        Ok(crate::SessionRecord {
            user_id: UserId::parse(&row.user_id).map_err(corrupt("sessions.user_id"))?,
            id: row.id,
            created_at: from_micros(row.created_at)?,
            last_used_at: from_micros(row.last_used_at)?,
            client: row.client,
            address: row.address,
            ended_at: row.ended_at.map(from_micros).transpose()?,
        })
    }
}
