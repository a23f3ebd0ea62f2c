//! Security headers on every response.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Swagger UI (`/docs`): its own files, plus the inline styles and `data:` images its bundle uses.
const DOCS_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
/// Redoc (`/redoc`): its page starts it with an inline script and loads its bundle from its CDN,
/// which runs a worker from a `blob:` URL and styles by inline styles.
const REDOC_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.redoc.ly; \
worker-src blob:; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src https://fonts.gstatic.com; \
img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
/// Everything else is data, never a page: nothing may run or load in its context.
const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy for a path whose response did not set one (the dashboard sets its own).
fn policy_for(path: &str) -> &'static str {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under("/docs") {
        DOCS_CSP
    } else if under("/redoc") {
        REDOC_CSP
    } else {
        DATA_CSP
    }
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let policy = policy_for(req.uri().path());
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.settings.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
