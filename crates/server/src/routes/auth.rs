//! `/api/v1/auth/*`: registration, login, refresh, logout.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::Roles;
use wearhouse_services::{LoginRequest, ServiceError, TokenPair};

use crate::browser;
use crate::examples;
use crate::extract::{Auth, ClientInfo, Json};
use crate::problem::{ApiError, ApiResult, Problem};
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
#[schema(example = json!({"username": "ana", "email": "ana@example.org", "password": examples::PASSWORD, "time_zone": "Europe/Berlin"}))]
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
        (status = 201, description = "Account created", body = MeView, example = json!(examples::new_me_view())),
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

/// How a login hands over the refresh token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionMode {
    /// In the response body (apps, scripts).
    #[default]
    Token,
    /// In an HttpOnly cookie (web pages): see `POST /auth/refresh`.
    Browser,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"login": "ana", "password": examples::PASSWORD, "totp_code": "492817", "mode": "token"}))]
pub struct LoginBody {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
    /// With MFA on: the current 6-digit code, or one unused recovery code.
    pub totp_code: Option<String>,
    /// `token` (default) or `browser`. Browser mode needs an `Origin` header that is the API's own or
    /// a configured CORS origin.
    #[serde(default)]
    pub mode: SessionMode,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": examples::ACCESS_TOKEN, "refresh_token": examples::REFRESH_TOKEN, "token_type": "Bearer", "expires_in": 900}))]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`; lives `expires_in` seconds (at most 15 minutes).
    pub access_token: String,
    /// Opaque; trade it at `/auth/refresh`. Single use: each refresh returns a new one. Absent in
    /// browser mode, where it is in the `wearhouse_refresh` cookie instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Browser mode only: the CSRF token, also in the `wearhouse_csrf` cookie; send it as
    /// `X-CSRF-Token` to `/auth/refresh` and `/auth/logout`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

impl TokenResponse {
    fn from_pair(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: Some(p.refresh_token),
            token_type: "Bearer",
            expires_in: p.expires_in,
            csrf_token: None,
        }
    }

    /// The pair for a browser: the refresh token goes in a cookie, the CSRF token in the body too.
    fn browser(p: TokenPair, headers: &HeaderMap, state: &AppState, csrf: String) -> Response {
        let cookies = browser::session_cookies(
            headers,
            &state.settings,
            &p.refresh_token,
            &csrf,
            state.accounts.refresh_token_ttl().as_secs(),
        );
        let body = Self {
            access_token: p.access_token,
            refresh_token: None,
            token_type: "Bearer",
            expires_in: p.expires_in,
            csrf_token: Some(csrf),
        };
        with_cookies(Json(body).into_response(), cookies)
    }
}

fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Log in with a password (and a second factor when MFA is on). Failed attempts on one account are
/// throttled whichever address they come from; a correct password with a correct second factor always
/// gets through.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in. In browser mode the refresh token is not in the body but in \
            `Set-Cookie: wearhouse_refresh=…; Path=/api/v1/auth; HttpOnly; SameSite=Strict` (`Secure` over TLS), \
            and the CSRF token in `wearhouse_csrf` (path `/`, readable by scripts) and `csrf_token`.",
            body = TokenResponse,
            headers(("set-cookie" = String, description = "Browser mode: `wearhouse_refresh` and `wearhouse_csrf`"))),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_credentials`, `mfa_required` or `mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account_disabled`, or `csrf_failed` (browser mode with a missing or foreign `Origin`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_body`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` (too many failed logins from this address) or `login_throttled` (too many failed logins on this account); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    Json(body): Json<LoginBody>,
) -> ApiResult<Response> {
    if body.mode == SessionMode::Browser {
        browser::check_origin(&headers, &state.settings)?;
    }
    let request = LoginRequest {
        login: &body.login,
        password: &body.password,
        totp_code: body.totp_code.as_deref(),
        client,
    };
    let pair = state.accounts.login(request).await?;
    Ok(match body.mode {
        SessionMode::Token => Json(TokenResponse::from_pair(pair)).into_response(),
        SessionMode::Browser => {
            let csrf = wearhouse_services::tokens::new_refresh_token().0;
            TokenResponse::browser(pair, &headers, &state, csrf)
        }
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": examples::REFRESH_TOKEN}))]
pub struct RefreshBody {
    /// The refresh token. Omit it in browser mode: it is then read from the `wearhouse_refresh` cookie,
    /// and the request must carry an allowed `Origin` and `X-CSRF-Token` equal to the `wearhouse_csrf`
    /// cookie.
    pub refresh_token: Option<String>,
}

/// Trade a refresh token for a new token pair. Refreshing one token several times within a few seconds
/// (browser tabs) gives each a pair in the same session; presenting a spent token later is reuse and
/// ends the session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshBody,
    params(
        ("X-CSRF-Token" = Option<String>, Header, description = "Browser mode: the value of the `wearhouse_csrf` cookie"),
        ("wearhouse_refresh" = Option<String>, Cookie, description = "Browser mode: the refresh token"),
    ),
    responses(
        (status = 200, description = "New token pair (browser mode: new `wearhouse_refresh` cookie, no refresh token in the body)", body = TokenResponse,
            headers(("set-cookie" = String, description = "Browser mode: `wearhouse_refresh` and `wearhouse_csrf`"))),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_refresh_token` or `refresh_token_reused`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account_disabled`, or `csrf_failed` (browser mode: missing or foreign `Origin`, missing or wrong `X-CSRF-Token`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_body`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<RefreshBody>,
) -> ApiResult<Response> {
    if let Some(token) = body.refresh_token {
        let pair = state.accounts.refresh(&token).await?;
        return Ok(Json(TokenResponse::from_pair(pair)).into_response());
    }
    let (token, csrf) = browser::check_cookie_request(&headers, &state.settings)?;
    let token = token.ok_or_else(|| {
        ApiError::from(ServiceError::unauthorized(
            "invalid_refresh_token",
            "no refresh token: send it in the body, or log in in browser mode",
        ))
    })?;
    let pair = state.accounts.refresh(token).await?;
    Ok(TokenResponse::browser(pair, &headers, &state, csrf.to_owned()))
}

/// End the session a refresh token belongs to (its access tokens stop working at once).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshBody,
    params(
        ("X-CSRF-Token" = Option<String>, Header, description = "Browser mode: the value of the `wearhouse_csrf` cookie"),
        ("wearhouse_refresh" = Option<String>, Cookie, description = "Browser mode: the refresh token"),
    ),
    responses(
        (status = 204, description = "Session ended (also for unknown tokens); browser mode clears both cookies",
            headers(("set-cookie" = String, description = "Browser mode: expired `wearhouse_refresh` and `wearhouse_csrf`"))),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed` (browser mode)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_body`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<RefreshBody>,
) -> ApiResult<Response> {
    if let Some(token) = body.refresh_token {
        state.accounts.logout(&token).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let (token, _) = browser::check_cookie_request(&headers, &state.settings)?;
    if let Some(token) = token {
        state.accounts.logout(token).await?;
    }
    Ok(with_cookies(
        StatusCode::NO_CONTENT.into_response(),
        browser::clear_cookies(&headers, &state.settings),
    ))
}

/// End every session of the signed-in user and invalidate all their access tokens.
#[utoipa::path(post, path = "/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "All sessions ended"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout_all(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<StatusCode> {
    state.accounts.logout_all(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
