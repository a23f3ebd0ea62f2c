//! `/api/v1/map`: the basemap the operator configured for drawing routes, if any.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Auth, Json};
use crate::problem::ApiResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(map))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© OpenStreetMap contributors",
    "max_zoom": 19
}))]
pub struct MapView {
    /// An XYZ tile template (`{z}`, `{x}`, `{y}`, 256-pixel Web Mercator tiles); null when no basemap is
    /// configured, and routes are drawn on their own.
    pub tile_url: Option<String>,
    /// To show under the map; null without tiles.
    pub attribution: Option<String>,
    /// The deepest zoom the tile server has.
    #[schema(minimum = 0, maximum = 22)]
    pub max_zoom: u8,
}

/// The basemap for routes (`map.tile_url` in the configuration). The dashboard's pages may load
/// images from its origin.
#[utoipa::path(get, path = "/map", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MapView)))]
async fn map(State(state): State<AppState>, Auth(_actor): Auth) -> ApiResult<Json<MapView>> {
    let tiles = state.settings.map_tiles.as_ref();
    Ok(Json(MapView {
        tile_url: tiles.map(|t| t.url.clone()),
        attribution: tiles.map(|t| t.attribution.clone()).filter(|a| !a.is_empty()),
        max_zoom: tiles.map_or(0, |t| t.max_zoom),
    }))
}
