//! `/api/v1/routes`: routes to follow that imports kept from files without times (a GPX drawn in a route
//! planner), listed, read with their points, and deleted. They are plans, not workouts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_store::PlannedRouteRecord;

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_routes))
        .routes(routes!(get_route, delete_route))
}

/// A route, without its points.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "rte_0193a0c4d3d87c91b0b6f0a1c2d3e4f5", "name": "Holmenkollen loop",
    "description": "Up by the lake, down through the forest", "distance": 12480.6, "elevation_gain": 412.0,
    "points": 318, "import_id": "imp_0193a0c4d3d87c91b0b6f0a1c2d3e4f0", "created_at": "2025-06-14T07:01:00Z"}))]
pub struct PlannedRouteView {
    pub id: String,
    /// As the file named it.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Metres along the points.
    #[schema(minimum = 0)]
    pub distance: f64,
    /// Metres climbed; `null` when the file gave no elevations.
    #[schema(minimum = 0)]
    pub elevation_gain: Option<f64>,
    /// How many points the route has.
    #[schema(minimum = 2)]
    pub points: i64,
    /// The import that kept it.
    pub import_id: Option<String>,
    /// When it was imported (RFC 3339).
    pub created_at: String,
}

impl From<PlannedRouteRecord> for PlannedRouteView {
    fn from(r: PlannedRouteRecord) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            distance: r.distance,
            elevation_gain: r.elevation_gain,
            points: r.point_count,
            import_id: r.import_id,
            created_at: r.created_at.to_string(),
        }
    }
}

/// A page of routes, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "rte_0193a0c4d3d87c91b0b6f0a1c2d3e4f5", "name": "Holmenkollen loop",
    "description": "Up by the lake, down through the forest", "distance": 12480.6, "elevation_gain": 412.0,
    "points": 318, "import_id": "imp_0193a0c4d3d87c91b0b6f0a1c2d3e4f0", "created_at": "2025-06-14T07:01:00Z"}],
    "next_cursor": null}))]
pub struct PlannedRoutePageView {
    pub items: Vec<PlannedRouteView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A route with its points.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "rte_0193a0c4d3d87c91b0b6f0a1c2d3e4f5", "name": "Holmenkollen loop",
    "description": null, "distance": 1112.6, "elevation_gain": 20.0, "points": 3,
    "import_id": "imp_0193a0c4d3d87c91b0b6f0a1c2d3e4f0", "created_at": "2025-06-14T07:01:00Z",
    "track": [[59.9633, 10.6675, 312.0], [59.9713, 10.6675, 332.0], [59.9723, 10.6690, null]]}))]
pub struct PlannedRouteDetailView {
    #[serde(flatten)]
    pub route: PlannedRouteView,
    /// The points in order: latitude and longitude in degrees, elevation in metres or `null`.
    #[schema(value_type = Vec<Vec<Option<f64>>>)]
    pub track: Vec<(f64, f64, Option<f64>)>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlannedRouteParams {
    /// The `next_cursor` of the page before (a route id).
    #[param(pattern = "^rte_[0-9a-fA-F]{32}$")]
    pub cursor: Option<String>,
    /// 1–1,000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The routes your imports kept: GPX routes and tracks without times, which are plans to follow
/// rather than workouts. Newest first, a page at a time.
#[utoipa::path(get, path = "/routes", tag = "imports", security(("bearer" = [])), params(PlannedRouteParams),
    responses((status = 200, body = PlannedRoutePageView)))]
async fn list_routes(
    State(state): State<AppState>,
    Auth(actor): Auth,
    crate::extract::Query(p): crate::extract::Query<PlannedRouteParams>,
) -> ApiResult<Json<PlannedRoutePageView>> {
    let limit = crate::extract::page_limit(p.limit, 100, 1000)?;
    let page = state
        .imports
        .planned_routes(actor.id(), p.cursor.as_deref(), limit)
        .await?;
    Ok(Json(PlannedRoutePageView {
        items: page.items.into_iter().map(PlannedRouteView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One route with its points.
#[utoipa::path(get, path = "/routes/{id}", tag = "imports", security(("bearer" = [])),
    params(("id" = String, Path, description = "A route id from `GET /routes`")),
    responses(
        (status = 200, body = PlannedRouteDetailView),
        (status = 404, description = "`route_not_found`: you have no route with this id", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_route(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PlannedRouteDetailView>> {
    let (route, track) = state.imports.planned_route(actor.id(), &id).await?;
    Ok(Json(PlannedRouteDetailView {
        route: route.into(),
        track,
    }))
}

/// Delete one route. Importing its file again brings it back.
#[utoipa::path(delete, path = "/routes/{id}", tag = "imports", security(("bearer" = [])),
    params(("id" = String, Path, description = "A route id from `GET /routes`")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`route_not_found`: you have no route with this id", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_route(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.imports.delete_planned_route(actor.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
