//! Runs a POST handler under its `Idempotency-Key`: the first request with a key does the work and its
//! response is kept; a retry with the same key and body gets that response again (marked
//! `Idempotent-Replayed: true`); the same key with a different body is a 422, and a retry while the first
//! is still running a 409.

use std::future::Future;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use wearhouse_model::UserId;
use wearhouse_store::{KeyClaim, StoredResponse};

use crate::problem::{ApiError, Problem};
use crate::state::AppState;

const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
/// Responses larger than this are not kept (the key is then released): a batch response is far smaller.
const MAX_KEPT_BODY: usize = 8 * 1024 * 1024;

pub(crate) async fn idempotent<F>(
    state: &AppState,
    user: &UserId,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
    run: F,
) -> Response
where
    F: Future<Output = Response>,
{
    let Some(key) = headers.get(HEADER) else {
        return run.await;
    };
    let key = key.to_str().unwrap_or_default();
    let claim = match state.idempotency.claim(user, key, route, body).await {
        Ok(claim) => claim,
        Err(e) => return ApiError::from(e).into_response(),
    };
    match claim {
        KeyClaim::Claimed => {}
        KeyClaim::Completed(stored) => return replay(stored),
        KeyClaim::Mismatch => {
            return Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key",
            )
            .into_response()
        }
        KeyClaim::InProgress => {
            return Problem::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still running; retry shortly",
            )
            .into_response()
        }
    }
    let response = run.await;
    let status = response.status();
    // Server errors are not final: the client should be able to retry them under the same key.
    if status.is_server_error() {
        release(state, user, key).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_KEPT_BODY).await else {
        release(state, user, key).await;
        return Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the response was too large to keep",
        )
        .into_response();
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: bytes.to_vec(),
    };
    if let Err(e) = state.idempotency.complete(user, key, &stored).await {
        tracing::warn!(error = %e, "keeping an idempotent response failed");
        release(state, user, key).await;
    }
    let mut response = Response::from_parts(parts, Body::from(bytes));
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("false"));
    response
}

async fn release(state: &AppState, user: &UserId, key: &str) {
    if let Err(e) = state.idempotency.release(user, key).await {
        tracing::warn!(error = %e, "releasing an idempotency key failed; it expires within a day");
    }
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    if let Some(ct) = stored.content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
