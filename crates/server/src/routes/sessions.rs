//! `/api/v1/me/sessions`: the signed-in user's sessions (one per login), listed and ended one by one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
}

/// A live session: a login and the refreshes that followed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    /// When the login happened (RFC 3339).
    pub created_at: String,
    /// The last token refresh, or the login (RFC 3339). Access tokens are not tracked one by one, so
    /// this can lag actual use by up to their lifetime (15 minutes).
    pub last_used_at: String,
    /// The `User-Agent` the login was made with, at most 256 characters.
    pub client: Option<String>,
    /// The client address the server saw at login.
    pub address: Option<String>,
    /// Whether this is the session the request was made with.
    pub current: bool,
}

/// The signed-in user's live sessions, most recently used first.
#[utoipa::path(get, path = "/me/sessions", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, body = [SessionView], example = json!([
            {"id": "01976d3ddbe072b8b28d68e77af794b1", "created_at": "2025-06-14T07:01:00.112409Z",
                "last_used_at": "2025-06-14T08:46:13.530871Z",
                "client": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15",
                "address": "203.0.113.24", "current": true},
            {"id": "01976b20c8407a07a2628701941ae5c2", "created_at": "2025-06-13T21:10:00.008733Z",
                "last_used_at": "2025-06-14T05:52:09.966120Z", "client": "Wearhouse/1.4.2 (iOS 18.5)",
                "address": "198.51.100.7", "current": false}
        ])),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_sessions(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<SessionView>>> {
    let sessions = state.accounts.list_sessions(&actor).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.session.id,
                created_at: s.session.created_at.to_string(),
                last_used_at: s.session.last_used_at.to_string(),
                client: s.session.client,
                address: s.session.address,
                current: s.current,
            })
            .collect(),
    ))
}

/// End one session: its refresh token and access tokens stop working at once. Ending the current
/// session is a logout.
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = String, Path, description = "A session id from `GET /me/sessions`")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`session_not_found`: no live session of yours has this id", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn end_session(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.accounts.end_session(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
