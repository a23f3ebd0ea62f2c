//! Serving summary and series responses from the response cache (see
//! `wearhouse_services::responses` for why an entry can never be stale).

use std::future::Future;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use wearhouse_model::UserId;
use wearhouse_services::ServiceError;

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// The answer to `request` (every parameter that determines it) for `user`: the cached body when the
/// user's data has not changed since it was computed, else what `compute` answers, kept when it is a
/// JSON 200. Errors are never cached.
pub async fn cached<R, F>(state: &AppState, user: &UserId, request: String, compute: F) -> ApiResult<Response>
where
    F: Future<Output = ApiResult<R>>,
    R: IntoResponse,
{
    if !state.responses.enabled() {
        return Ok(compute.await?.into_response());
    }
    let fill = match state.responses.lookup(user, &request).await? {
        Ok(body) => {
            return Ok((
                [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                body,
            )
                .into_response())
        }
        Err(fill) => fill,
    };
    let response = compute.await?.into_response();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes() == b"application/json");
    if response.status() != StatusCode::OK || !json {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    // The body was built in memory by the handler: collecting it takes it back, it reads nothing.
    let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
        ApiError::from(ServiceError::Internal(format!(
            "reading a response to cache it: {e}"
        )))
    })?;
    state.responses.fill(fill, bytes.clone()).await;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
