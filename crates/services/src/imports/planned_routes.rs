//! Reading back, and deleting, the planned routes imports kept (GPX routes and tracks without times).

use wearhouse_model::{InvalidInput, RouteId, UserId};
use wearhouse_store::PlannedRouteRecord;

use super::ImportService;
use crate::{FieldError, ServiceError};

/// A page of routes, newest first, and the cursor for the next.
#[derive(Debug, Clone)]
pub struct RoutePage {
    pub items: Vec<PlannedRouteRecord>,
    pub next_cursor: Option<String>,
}

/// A route's points: latitude and longitude in degrees, elevation in metres when the file gave one.
pub type RoutePoints = Vec<(f64, f64, Option<f64>)>;

impl ImportService {
    /// The user's routes, newest first, a page at a time (`cursor`: the last id of the page before).
    pub async fn planned_routes(
        &self,
        user: &UserId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<RoutePage, ServiceError> {
        let after = match cursor {
            None => None,
            Some(raw) => Some(RouteId::parse(raw).map_err(|_| {
                ServiceError::Invalid(vec![FieldError::new(
                    "cursor",
                    InvalidInput::new("invalid_cursor", "the cursor is not valid"),
                )])
            })?),
        };
        let limit = limit.clamp(1, 1_000);
        let items = self
            .store
            .routes
            .planned_routes(user, after.as_ref(), limit)
            .await?;
        let next_cursor = (items.len() == limit as usize)
            .then(|| items.last().map(|r| r.id.to_string()))
            .flatten();
        Ok(RoutePage { items, next_cursor })
    }

    /// One route with its points; `route_not_found` when the user has none with this id.
    pub async fn planned_route(
        &self,
        user: &UserId,
        id: &str,
    ) -> Result<(PlannedRouteRecord, RoutePoints), ServiceError> {
        let found = match RouteId::parse(id) {
            Ok(id) => self.store.routes.planned_route(user, &id).await?,
            Err(_) => None,
        };
        let (record, points) = found.ok_or_else(not_found)?;
        let points: RoutePoints = serde_json::from_str(&points)
            .map_err(|e| ServiceError::Internal(format!("route {} has unreadable points: {e}", record.id)))?;
        Ok((record, points))
    }

    /// Deletes one route; `route_not_found` when the user has none with this id.
    pub async fn delete_planned_route(&self, user: &UserId, id: &str) -> Result<(), ServiceError> {
        let deleted = match RouteId::parse(id) {
            Ok(id) => self.store.routes.delete_planned_route(user, &id).await?,
            Err(_) => false,
        };
        deleted.then_some(()).ok_or_else(not_found)
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound {
        code: "route_not_found",
        detail: "you have no route with this id".into(),
    }
}
