//! Every route of a user's activities at once (`GET /activities/routes`), simplified for drawing: the
//! personal heatmap draws thousands of them on one canvas.

use wearhouse_analytics::route::{decode_polyline, encode_polyline, simplify};
use wearhouse_model::{parse_observed, ActivityId, ActivityType, InvalidInput, UserId};
use wearhouse_store::{RouteQuery, ROUTE_TOLERANCE_M};

use crate::activities::ActivityService;
use crate::{FieldError, ServiceError};

/// The most routes one answer holds, newest first: fourteen years of a workout a day.
pub const MAX_ROUTES: u32 = 5_000;

/// Tolerance when the request names none, metres: a line drawn on a city-wide map does not move.
pub const DEFAULT_TOLERANCE_M: f64 = 10.0;

/// The tolerances a request may ask for, metres.
pub const TOLERANCE_RANGE_M: (f64, f64) = (1.0, 1_000.0);

/// Raw parameters, validated by [`ActivityService::routes`].
#[derive(Debug, Clone, Default)]
pub struct RouteRequest {
    /// Comma-separated activity types.
    pub types: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub tolerance_m: Option<f64>,
}

/// One activity's simplified route.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRoute {
    pub id: ActivityId,
    pub activity_type: ActivityType,
    /// Unix seconds.
    pub start: i64,
    /// Encoded polyline (5 decimals).
    pub polyline: String,
    pub points: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    pub tolerance_m: f64,
    /// Newest first; activities without positions are left out.
    pub routes: Vec<ActivityRoute>,
    /// More activities matched than [`MAX_ROUTES`]: the oldest are left out.
    pub truncated: bool,
}

impl ActivityService {
    /// The routes of the user's live activities that match, each simplified to within the tolerance.
    pub async fn routes(&self, user: &UserId, request: RouteRequest) -> Result<Routes, ServiceError> {
        let mut errors = Vec::new();
        let types: Vec<ActivityType> = request
            .types
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter_map(|t| {
                t.parse::<ActivityType>()
                    .map_err(|e| errors.push(FieldError::new("type", e)))
                    .ok()
            })
            .collect();
        let mut bound = |field: &str, raw: &Option<String>| {
            raw.as_deref().and_then(|raw| {
                parse_observed(raw)
                    .map(|t| t.instant.as_second())
                    .map_err(|e| errors.push(FieldError::new(field, e)))
                    .ok()
            })
        };
        let (from, to) = (bound("from", &request.from), bound("to", &request.to));
        let tolerance_m = request.tolerance_m.unwrap_or(DEFAULT_TOLERANCE_M);
        let (least, most) = TOLERANCE_RANGE_M;
        if !(least..=most).contains(&tolerance_m) {
            errors.push(FieldError::new(
                "tolerance_m",
                InvalidInput::new(
                    "invalid_tolerance",
                    format!("tolerance_m is {least} to {most} metres"),
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let query = RouteQuery {
            types,
            from,
            to,
            limit: MAX_ROUTES + 1,
        };
        let mut stored = self.store.activities.routes(user, &query).await?;
        let truncated = stored.len() > MAX_ROUTES as usize;
        stored.truncate(MAX_ROUTES as usize);
        // Simplifying thousands of routes is CPU work: off the request threads.
        let routes = tokio::task::spawn_blocking(move || {
            stored
                .into_iter()
                .filter(|r| !r.polyline.is_empty())
                .filter_map(|r| {
                    // A stored route is an encoded polyline; one that is not is skipped, not fatal.
                    let points = decode_polyline(&r.polyline)?;
                    let points = if tolerance_m > ROUTE_TOLERANCE_M {
                        simplify(&points, tolerance_m)
                    } else {
                        points
                    };
                    Some(ActivityRoute {
                        id: r.id,
                        activity_type: r.activity_type,
                        start: r.start,
                        polyline: encode_polyline(&points),
                        points: points.len(),
                    })
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("route simplification stopped: {e}")))?;
        Ok(Routes {
            tolerance_m,
            routes,
            truncated,
        })
    }
}
