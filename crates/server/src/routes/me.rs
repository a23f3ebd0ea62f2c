//! `/api/v1/me`: the signed-in user's profile, avatar and account deletion.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wearhouse_model::{FirstWeekday, Sex, UnitSystem};
use wearhouse_services::{PasswordChange, ProfilePatch};
use wearhouse_store::Avatar;

use crate::examples;
use crate::extract::{body_rejection, Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::routes::double_option;
use crate::state::AppState;
use crate::views::MeView;

/// Room above the avatar limit so an oversized upload reaches the service and gets its clear message.
const AVATAR_BODY_LIMIT: usize = 2 * 1024 * 1024 + 64 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, patch_me, delete_me))
        .routes(routes!(change_password))
        .routes(
            routes!(put_avatar, get_avatar, delete_avatar).layer(DefaultBodyLimit::max(AVATAR_BODY_LIMIT)),
        )
}

/// The signed-in user's profile.
#[utoipa::path(get, path = "/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, body = MeView),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_me(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<MeView>> {
    Ok(Json(MeView::from(&state.accounts.me(&actor).await?)))
}

/// Fields to change; omit a field to keep it, send `null` to clear it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Ana Lima", "time_zone": "Europe/Lisbon", "unit_system": "metric", "first_weekday": "monday", "height_cm": 168.0, "bio": null}))]
pub struct MePatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
    /// At most 500 characters.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    /// IANA time zone name: the zone from now on (a new period of `/me/time-zones`). The first zone
    /// a user sets covers their whole past.
    pub time_zone: Option<String>,
    pub unit_system: Option<UnitSystem>,
    /// The day weeks start on in weekly summaries.
    pub first_weekday: Option<FirstWeekday>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub birth_year: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<Option<Sex>>,
    /// Centimetres.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub height_cm: Option<Option<f64>>,
}

/// Change the signed-in user's profile.
#[utoipa::path(patch, path = "/me", tag = "me", security(("bearer" = [])), request_body = MePatch,
    responses(
        (status = 200, body = MeView),
        (status = 409, description = "`time_zones_busy`: the time-zone history kept changing while the new zone was applied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` with one entry per bad field", body = Problem, content_type = "application/problem+json"),
    ))]
async fn patch_me(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<MePatch>,
) -> ApiResult<Json<MeView>> {
    let patch = ProfilePatch {
        display_name: body.display_name,
        bio: body.bio,
        time_zone: body.time_zone,
        unit_system: body.unit_system,
        first_weekday: body.first_weekday,
        birth_year: body.birth_year,
        sex: body.sex,
        height_cm: body.height_cm,
    };
    Ok(Json(MeView::from(
        &state.accounts.update_profile(&actor, patch).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": examples::PASSWORD, "totp_code": "492817"}))]
pub struct DeleteMeBody {
    pub password: String,
    /// Required when MFA is on: a current code or a recovery code.
    pub totp_code: Option<String>,
}

/// Delete the account and all its data. Irreversible.
#[utoipa::path(delete, path = "/me", tag = "me", security(("bearer" = [])), request_body = DeleteMeBody,
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`invalid_credentials`, `mfa_required` or `mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_admin`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, or `login_throttled` (too many wrong passwords on this account; see `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_me(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<DeleteMeBody>,
) -> ApiResult<StatusCode> {
    state
        .accounts
        .delete_account(&actor, &body.password, body.totp_code.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": examples::PASSWORD, "new_password": "a longer passphrase for 2025", "totp_code": "492817"}))]
pub struct PasswordBody {
    pub current_password: String,
    /// At least 10 characters, not a common password, not containing the username or e-mail, not the
    /// current password.
    pub new_password: String,
    /// Required when MFA is on: a current code or a recovery code.
    pub totp_code: Option<String>,
}

/// Change the password. Every other session ends (their access tokens stop working at once); the
/// session making the request stays.
#[utoipa::path(put, path = "/me/password", tag = "me", security(("bearer" = [])), request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated, or `invalid_credentials`, `mfa_required`, `mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_body`, or `validation_failed` for `new_password` (`password_too_short`, `password_common`, `password_contains_identity`, `password_unchanged` …)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, or `login_throttled` (too many wrong passwords on this account; see `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn change_password(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<PasswordBody>,
) -> ApiResult<StatusCode> {
    let change = PasswordChange {
        current_password: &body.current_password,
        new_password: &body.new_password,
        totp_code: body.totp_code.as_deref(),
    };
    state.accounts.change_password(&actor, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"content_type": "image/png", "bytes": 48213, "url": "/api/v1/me/avatar"}))]
pub struct AvatarInfo {
    /// Sniffed from the bytes: `image/png`, `image/jpeg` or `image/webp`.
    pub content_type: String,
    pub bytes: usize,
    pub url: String,
}

/// Upload an avatar as the raw request body (PNG, JPEG or WebP, at most 2 MB).
#[utoipa::path(put, path = "/me/avatar", tag = "me", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses(
        (status = 200, body = AvatarInfo),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not a PNG, JPEG or WebP image", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_avatar(
    State(state): State<AppState>,
    Auth(actor): Auth,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<AvatarInfo>> {
    let bytes = body.map_err(body_rejection)?;
    let avatar = state.accounts.put_avatar(&actor, bytes.to_vec()).await?;
    Ok(Json(AvatarInfo {
        content_type: avatar.content_type,
        bytes: avatar.bytes.len(),
        url: "/api/v1/me/avatar".into(),
    }))
}

/// The signed-in user's avatar image.
#[utoipa::path(get, path = "/me/avatar", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The image", content_type = "image/*"),
        (status = 404, description = "`avatar_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_avatar(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Response> {
    Ok(avatar_response(state.accounts.avatar_of(&actor.user).await?))
}

/// Remove the avatar.
#[utoipa::path(delete, path = "/me/avatar", tag = "me", security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 404, description = "`avatar_not_found`", body = Problem, content_type = "application/problem+json")))]
async fn delete_avatar(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<StatusCode> {
    state.accounts.delete_avatar(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn avatar_response(avatar: Avatar) -> Response {
    (
        [
            (header::CONTENT_TYPE, avatar.content_type),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
        ],
        avatar.bytes,
    )
        .into_response()
}
