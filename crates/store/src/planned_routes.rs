//! Planned routes: lines to follow that a file held without times (a GPX drawn in a route planner),
//! kept so that importing such a file loses nothing. Not workouts: they have no time and count in no
//! figure.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::{RouteId, UserId};

use crate::StoreError;

/// A route to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlannedRoute {
    pub id: RouteId,
    /// Identifies the route's content (its points), so that importing the same file again, or the
    /// same route in another file, stores nothing new.
    pub content_key: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Metres.
    pub distance: f64,
    /// Metres climbed; `None` without elevations.
    pub elevation_gain: Option<f64>,
    pub point_count: i64,
    /// The points as JSON, `[[lat, lon, elevation or null], …]`.
    pub points: String,
    pub created_at: Timestamp,
}

/// A stored route, without its points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRouteRecord {
    pub id: RouteId,
    pub name: Option<String>,
    pub description: Option<String>,
    pub distance: f64,
    pub elevation_gain: Option<f64>,
    pub point_count: i64,
    /// The import that stored it.
    pub import_id: Option<String>,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait PlannedRouteStore: Send + Sync {
    /// Stores `route` unless the user has a route with its content already; returns whether it is new.
    async fn insert_planned_route(
        &self,
        user: &UserId,
        import_id: Option<&str>,
        route: &NewPlannedRoute,
    ) -> Result<bool, StoreError>;

    /// The user's routes, newest first, after the route `after` (the last of the previous page).
    async fn planned_routes(
        &self,
        user: &UserId,
        after: Option<&RouteId>,
        limit: u32,
    ) -> Result<Vec<PlannedRouteRecord>, StoreError>;

    /// One route with its points (JSON, as stored).
    async fn planned_route(
        &self,
        user: &UserId,
        id: &RouteId,
    ) -> Result<Option<(PlannedRouteRecord, String)>, StoreError>;

    /// Deletes one route; whether there was one.
    async fn delete_planned_route(&self, user: &UserId, id: &RouteId) -> Result<bool, StoreError>;
}
