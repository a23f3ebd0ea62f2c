//! Probes and metrics, outside `/api/v1`: `/healthz` (the process answers), `/readyz` (the database
//! answers), `/metrics` (Prometheus).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::problem::Problem;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.accounts.ping().await {
        Ok(()) => axum::Json(json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the database is unreachable",
            )
            .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render_with(&format!(
            "{}{}{}",
            crate::middleware::job_metrics::render(&state.jobs).await,
            crate::middleware::response_metrics::render(state.responses.stats()),
            crate::middleware::response_metrics::render_notified(state.notified.snapshot())
        )),
    )
        .into_response()
}
