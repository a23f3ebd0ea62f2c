//! HTTP layer of Wearhouse: routes, authentication extraction, the one error→problem+json mapping,
//! OpenAPI, rate limits, metrics. Handlers translate HTTP to a service call and back; they hold no
//! business rules.

mod app;
mod browser;
mod cached;
mod contract;
mod dashboard;
mod examples;
mod extract;
mod idempotency;
pub mod map_tiles;
pub mod middleware;
mod openapi;
pub mod problem;
mod routes;
mod session_watch;
mod state;
mod upload_slots;
mod views;

use std::future::Future;
use std::net::SocketAddr;

pub use app::{openapi, router, OPENAPI_PATH};
pub use middleware::rate_limit::RateLimitSettings;
pub use routes::traces::trace_samples;
pub use state::{AppState, HttpSettings, Services, UploadSettings};

/// Serves `state`'s application on `listener` until `shutdown` completes; requests in flight then
/// finish before this returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shrinker = middleware::rate_limit::spawn_shrinker(state.rate_limits.clone());
    let stopping = state.stopping.clone();
    let shutdown = async move {
        shutdown.await;
        stopping.cancel();
    };
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    // In-memory bookkeeping only: nothing is lost by stopping it anywhere.
    shrinker.abort();
    served
}

/// Serves only the probes and metrics (`/healthz`, `/readyz`, `/metrics`) until `shutdown`: what a
/// worker or scheduler process without the API role answers, so it can be health-checked and scraped.
pub async fn serve_probes(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = routes::health::router().with_state(state);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
