//! Assembles the application: API routes with their OpenAPI document, docs UIs, probes, and the
//! middleware every request passes through.

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_redoc::{Redoc, Servable};
use utoipa_swagger_ui::SwaggerUi;

use crate::contract;
use crate::dashboard;
use crate::middleware::{compression, headers, metrics, problems, rate_limit, timeout};
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The OpenAPI document of every `/api/v1` route, as served at [`OPENAPI_PATH`].
pub fn openapi() -> serde_json::Value {
    contract::finish(
        OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
            .nest("/api/v1", routes::api())
            .split_for_parts()
            .1,
    )
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .split_for_parts();
    let doc = contract::finish(doc);
    let request_id = HeaderName::from_static("x-request-id");

    let app = api
        .merge(routes::health::router())
        .fallback(dashboard::fallback)
        // Per-route layers: they run after routing, so metrics see the matched route template.
        .layer(from_fn_with_state(state.clone(), metrics::record))
        .layer(from_fn_with_state(state.clone(), timeout::deadline))
        .layer(from_fn_with_state(state.clone(), rate_limit::limit_by_ip))
        .layer(DefaultBodyLimit::max(state.settings.body_limit_bytes))
        .with_state(state.clone())
        // Docs: Swagger UI's assets are compiled into the binary (no CDN); it serves the document too.
        .merge(SwaggerUi::new("/docs").external_url_unchecked(OPENAPI_PATH, doc.clone()))
        .merge(Redoc::with_url("/redoc", doc));

    // One INFO line per response (status, latency), inside a span carrying the request id, so every
    // log line a request causes can be found by the id the client saw.
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        })
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        );

    app.layer(from_fn(problems::bare_errors_as_problems))
        .layer(compression::layer())
        .layer(from_fn_with_state(state.clone(), headers::security_headers))
        .layer(cors(&state.settings.cors_origins))
        .layer(CatchPanicLayer::custom(problems::panic_response))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

fn cors(origins: &[String]) -> CorsLayer {
    if origins.is_empty() {
        return CorsLayer::new();
    }
    let any = origins.iter().any(|o| o == "*");
    let allow = if any {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
            HeaderName::from_static("retry-after"),
        ])
}
