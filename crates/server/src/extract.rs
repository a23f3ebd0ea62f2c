//! Extractors whose rejections are problem documents: JSON bodies (with the path of the bad field),
//! bearer authentication, and query strings.

use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wearhouse_services::AuthenticatedUser;
use wearhouse_store::SessionClient;

use crate::middleware::client_ip::client_ip_of_parts;

use crate::problem::{ApiError, Problem, ProblemField};
use crate::state::AppState;

/// A JSON body. Malformed JSON is a 400 `malformed_json`; a missing or mistyped field is a 422
/// `invalid_body` naming the field; an oversized body is a 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json(req.headers())?;
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(Json)
    }
}

/// Refuses a body not declared as JSON (`415 unsupported_media_type`), for handlers that read the body
/// themselves (to hash it for `Idempotency-Key`) rather than through [`Json`].
pub(crate) fn require_json(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
    if is_json {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body as JSON with Content-Type: application/json",
    )
    .into())
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::from(Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("malformed JSON: {inner}"),
            ));
        }
        let field = if path == "." { String::new() } else { path };
        let detail = inner.to_string();
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", detail.clone())
            .with_fields(vec![ProblemField {
                field,
                code: "invalid_value".into(),
                detail,
            }])
            .into()
    })?;
    de.end().map_err(|e| {
        ApiError::from(Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("malformed JSON: {e}"),
        ))
    })?;
    Ok(value)
}

pub(crate) fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
        .into()
    } else {
        Problem::new(StatusCode::BAD_REQUEST, "unreadable_body", rejection.body_text()).into()
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query parameters; a bad value is a 400 `invalid_query`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str::<T>(parts.uri.query().unwrap_or_default())
            .map(Query)
            .map_err(|e| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("invalid query string: {e}"),
                )
                .into()
            })
    }
}

/// A page size from the query: `default` when absent, else 1 to `max` (400 `invalid_query` outside).
pub(crate) fn page_limit(given: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match given {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("limit is 1 to {max}, not {n}"),
        )
        .into()),
    }
}

/// The authenticated caller, from `Authorization: Bearer <access token>`. Also applies the per-user
/// rate limit, since only here is the user known.
pub struct Auth(pub AuthenticatedUser);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        bearer_user(&parts.headers, state).await.map(Auth)
    }
}

/// The caller of `Authorization: Bearer <access token>`, rate-limited per user.
pub(crate) async fn bearer_user(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<AuthenticatedUser, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "send an access token: Authorization: Bearer <token>",
            )
            .into_response()
        })?;
    let user = state.accounts.authenticate(token).await;
    rate_limited(state, user).await
}

/// `user` once it passed its per-user rate limit (the limit applies wherever a user is established).
pub(crate) async fn rate_limited(
    state: &AppState,
    user: Result<AuthenticatedUser, wearhouse_services::ServiceError>,
) -> Result<AuthenticatedUser, Response> {
    let user = user.map_err(|e| ApiError::from(e).into_response())?;
    state
        .rate_limits
        .check_user(user.id().as_str())
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(user)
}

/// An authenticated caller with the admin role. Extracted before the request's parameters, so a
/// non-admin learns nothing from how the server reads them: every admin route answers them 403 first.
pub struct Admin(pub AuthenticatedUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Auth(user) = Auth::from_request_parts(parts, state).await?;
        wearhouse_services::AccountService::require_admin(&user)
            .map_err(|e| ApiError::from(e).into_response())?;
        Ok(Admin(user))
    }
}

/// What a login says about the client, for the session list: its `User-Agent` and address.
pub struct ClientInfo(pub SessionClient);

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let address = client_ip_of_parts(parts, state.settings.trust_forwarded_for).map(|ip| ip.to_string());
        Ok(ClientInfo(SessionClient { client, address }))
    }
}
