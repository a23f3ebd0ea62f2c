//! `/api/v1/auth/*`: registration, login, refresh, logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::Roles;
use wearhouse_services::{LoginRequest, TokenPair};

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::MeView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(logout_all))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    /// 3–32 letters, digits, `_`, `-`, `.`; unique regardless of case.
    pub username: String,
    pub email: String,
    /// At least 10 characters, not a common password, not containing the username or e-mail.
    pub password: String,
    /// IANA time zone for local days; `UTC` when omitted.
    pub time_zone: Option<String>,
}

/// Create an account.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterBody,
    responses(
        (status = 201, description = "Account created", body = MeView),
        (status = 409, description = "Username or e-mail taken (`username_taken`, `email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or weak password (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegisterBody>,
) -> ApiResult<impl IntoResponse> {
    let user = state
        .accounts
        .register(
            &body.username,
            &body.email,
            &body.password,
            body.time_zone.as_deref(),
            Roles::user(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [("location", "/api/v1/me")],
        Json(MeView::from(&user)),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
    /// With MFA on: the current 6-digit code, or one unused recovery code.
    pub totp_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`; lives `expires_in` seconds (at most 15 minutes).
    pub access_token: String,
    /// Opaque; trade it at `/auth/refresh`. Single use: each refresh returns a new one.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_in: i64,
}

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "Bearer",
            expires_in: p.expires_in,
        }
    }
}

/// Log in with a password (and a second factor when MFA is on).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "`invalid_credentials`, `mfa_required` or `mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account_disabled`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login(State(state): State<AppState>, Json(body): Json<LoginBody>) -> ApiResult<Json<TokenResponse>> {
    let request = LoginRequest {
        login: &body.login,
        password: &body.password,
        totp_code: body.totp_code.as_deref(),
    };
    Ok(Json(state.accounts.login(request).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// Trade a refresh token for a new token pair. Reusing a spent refresh token revokes its session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "`invalid_refresh_token` or `refresh_token_reused`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshBody>,
) -> ApiResult<Json<TokenResponse>> {
    Ok(Json(state.accounts.refresh(&body.refresh_token).await?.into()))
}

/// End the session a refresh token belongs to.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshBody,
    responses((status = 204, description = "Session ended (also for unknown tokens)")))]
async fn logout(State(state): State<AppState>, Json(body): Json<RefreshBody>) -> ApiResult<StatusCode> {
    state.accounts.logout(&body.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of the signed-in user and invalidate all their access tokens.
#[utoipa::path(post, path = "/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "All sessions ended"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout_all(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<StatusCode> {
    state.accounts.logout_all(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
