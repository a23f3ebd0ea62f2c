//! A deadline per request; a request that exceeds it gets a 503 problem instead of hanging the client.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;
use crate::state::AppState;

/// Uploads of large files (imports) stream for as long as the client keeps sending: they are exempt, and
/// held instead to an idle timeout, a number per account and the free disk (`routes::imports`).
fn is_upload(req: &Request) -> bool {
    req.method() == axum::http::Method::POST && req.uri().path() == "/api/v1/imports"
}

pub async fn deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_upload(&req) {
        return next.run(req).await;
    }
    match tokio::time::timeout(state.settings.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            "the request took too long",
        )
        .into_response(),
    }
}
