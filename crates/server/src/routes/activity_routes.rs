//! `GET /api/v1/activities/routes`: every matching activity's route at once, for a personal heatmap.

use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::ActivityType;
use wearhouse_services::activity_routes::{RouteRequest, Routes};
use wearhouse_services::AuthenticatedUser;

use crate::cached::cached;
use crate::examples;
use crate::extract::{Auth, Json, Query};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(activity_routes))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RouteParams {
    /// Comma-separated activity types.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub activity_type: Option<String>,
    /// Activities starting at or after this instant (RFC 3339, 1900–2099).
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub from: Option<String>,
    /// Activities starting before this instant.
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub to: Option<String>,
    /// How far, in metres, a simplified route may stray from the recorded track (Douglas–Peucker).
    /// Left out: 10 m, or coarser (up to 160 m) where that keeps thousands of routes within about
    /// 2 MB; the answer's `tolerance_m` says which. Larger is smaller and coarser.
    #[param(minimum = 1, maximum = 1000)]
    pub tolerance_m: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RouteView {
    pub id: String,
    #[serde(rename = "type")]
    pub activity_type: ActivityType,
    /// RFC 3339 (UTC).
    pub start: String,
    /// The route as an encoded polyline (Google's format, 5 decimals: latitude, longitude).
    pub polyline: String,
    /// Points in `polyline`.
    #[schema(minimum = 1)]
    pub points: usize,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tolerance_m": 10.0,
    "routes": [
        {"id": examples::RUN_ID, "type": "running", "start": "2025-06-14T04:30:00Z",
            "polyline": "_p~iF~ps|U_ulLnnqC_mqNvxq`@", "points": 3}
    ],
    "truncated": false
}))]
pub struct RoutesView {
    /// The tolerance the routes were simplified to, metres.
    pub tolerance_m: f64,
    /// Newest first. Activities without recorded positions are left out.
    pub routes: Vec<RouteView>,
    /// More than 5,000 activities matched: only the newest 5,000 are here; narrow `from`/`to` for the
    /// rest.
    pub truncated: bool,
}

fn view(routes: Routes) -> RoutesView {
    RoutesView {
        tolerance_m: routes.tolerance_m,
        routes: routes
            .routes
            .into_iter()
            .map(|r| RouteView {
                id: r.id.to_string(),
                activity_type: r.activity_type,
                start: Timestamp::from_second(r.start)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                polyline: r.polyline,
                points: r.points,
            })
            .collect(),
        truncated: routes.truncated,
    }
}

/// The routes of all matching activities at once, each simplified (Douglas–Peucker) to within
/// `tolerance_m`: what a heatmap of every route draws. At most about 2 MB for 5,000 activities
/// without a tolerance asked for, sent compressed.
#[utoipa::path(get, path = "/activities/routes", tag = "activities", security(("bearer" = [])),
    params(RouteParams),
    responses(
        (status = 200, body = RoutesView),
        (status = 422, description = "`validation_failed`: unknown type, bad instant or tolerance", body = Problem, content_type = "application/problem+json"),
    ))]
async fn activity_routes(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<RouteParams>,
) -> ApiResult<Response> {
    let key = format!(
        "routes{:?}",
        (&p.activity_type, &p.from, &p.to, p.tolerance_m.map(f64::to_bits))
    );
    cached(&state, actor.id(), key, compute(&state, &actor, p)).await
}

async fn compute(state: &AppState, actor: &AuthenticatedUser, p: RouteParams) -> ApiResult<Json<RoutesView>> {
    let request = RouteRequest {
        types: p.activity_type,
        from: p.from,
        to: p.to,
        tolerance_m: p.tolerance_m,
    };
    Ok(Json(view(state.activities.routes(actor.id(), request).await?)))
}
