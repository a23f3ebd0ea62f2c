//! Every route of a user's activities at once (`GET /activities/routes`), simplified for drawing: the
//! personal heatmap draws thousands of them on one canvas.

use wearhouse_analytics::route::LatLon;
use wearhouse_analytics::route::{decode_polyline, encode_polyline, simplify};
use wearhouse_model::{parse_observed, ActivityId, ActivityType, InvalidInput, UserId};
use wearhouse_store::{RouteQuery, StoredRoute, ROUTE_TOLERANCE_M};

use crate::activities::ActivityService;
use crate::{FieldError, ServiceError};

/// The most routes one answer holds, newest first: fourteen years of a workout a day.
pub const MAX_ROUTES: u32 = 5_000;

/// Tolerance when the request names none, metres: a line drawn on a city-wide map does not move.
pub const DEFAULT_TOLERANCE_M: f64 = 10.0;

/// Without a tolerance asked for, the routes' polylines together stay within this many bytes: the
/// tolerance doubles (up to [`MAX_DEFAULT_TOLERANCE_M`]) until they do, so a heatmap of thousands of
/// workouts stays about 2 MB, while a few workouts come at 10 m.
pub const DEFAULT_BUDGET_BYTES: usize = 1_700_000;

/// The coarsest tolerance the budget may lead to, metres.
pub const MAX_DEFAULT_TOLERANCE_M: f64 = 160.0;

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
        let asked = request.tolerance_m.is_some();
        // Simplifying thousands of routes is CPU work: off the request threads.
        let (routes, tolerance_m) = tokio::task::spawn_blocking(move || {
            // Stored routes are encoded polylines; one that is not is skipped, not fatal.
            let decoded: Vec<_> = stored
                .into_iter()
                .filter(|r| !r.polyline.is_empty())
                .filter_map(|r| decode_polyline(&r.polyline).map(|points| (r, points)))
                .collect();
            if asked {
                (simplified(&decoded, tolerance_m), tolerance_m)
            } else {
                within_budget(&decoded, tolerance_m, DEFAULT_BUDGET_BYTES)
            }
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

/// The routes simplified to within `tolerance_m`, or twice that, four times … (up to
/// [`MAX_DEFAULT_TOLERANCE_M`]) until their polylines together take at most `budget` bytes; with the
/// tolerance used.
fn within_budget(
    decoded: &[(StoredRoute, Vec<LatLon>)],
    mut tolerance_m: f64,
    budget: usize,
) -> (Vec<ActivityRoute>, f64) {
    loop {
        let routes = simplified(decoded, tolerance_m);
        let bytes: usize = routes.iter().map(|r| r.polyline.len()).sum();
        if bytes <= budget || tolerance_m >= MAX_DEFAULT_TOLERANCE_M {
            return (routes, tolerance_m);
        }
        tolerance_m = (tolerance_m * 2.0).min(MAX_DEFAULT_TOLERANCE_M);
    }
}

/// Each route simplified to within `tolerance_m` (routes are stored within [`ROUTE_TOLERANCE_M`]).
fn simplified(decoded: &[(StoredRoute, Vec<LatLon>)], tolerance_m: f64) -> Vec<ActivityRoute> {
    decoded
        .iter()
        .map(|(r, points)| {
            let points = if tolerance_m > ROUTE_TOLERANCE_M {
                simplify(points, tolerance_m)
            } else {
                points.clone()
            };
            ActivityRoute {
                id: r.id.clone(),
                activity_type: r.activity_type,
                start: r.start,
                polyline: encode_polyline(&points),
                points: points.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zigzag north from (47, 8): `n` points 10 m apart, every other one `wobble_m` east.
    fn zigzag(n: usize, wobble_m: f64) -> Vec<LatLon> {
        let degree = 1.0 / 111_195.0;
        (0..n)
            .map(|i| {
                let east = if i % 2 == 1 { wobble_m } else { 0.0 };
                (
                    47.0 + i as f64 * 10.0 * degree,
                    8.0 + east * degree / 47f64.to_radians().cos(),
                )
            })
            .collect()
    }

    fn stored(points: &[LatLon]) -> (StoredRoute, Vec<LatLon>) {
        let route = StoredRoute {
            id: ActivityId::generate(),
            activity_type: ActivityType::Running,
            start: 0,
            polyline: encode_polyline(points),
        };
        (route, points.to_vec())
    }

    #[test]
    fn the_tolerance_doubles_until_the_routes_fit_the_budget() {
        // Wobbles of 15 m and 60 m: kept at 10 m; at 20 and 40 m only the 60 m ones; at 80 m none.
        let mut points = zigzag(200, 15.0);
        points.extend(zigzag(200, 60.0).into_iter().map(|(a, b)| (a + 0.05, b)));
        let decoded = vec![stored(&points)];
        let (all, at) = within_budget(&decoded, 10.0, usize::MAX);
        assert_eq!((at, all[0].points), (10.0, 400));
        let full = all[0].polyline.len();
        let (fewer, at) = within_budget(&decoded, 10.0, full - 1);
        assert_eq!(at, 20.0);
        assert!(
            fewer[0].points < 400 && fewer[0].polyline.len() < full,
            "{}",
            fewer[0].points
        );
        let (coarse, at) = within_budget(&decoded, 10.0, 10);
        assert_eq!(at, MAX_DEFAULT_TOLERANCE_M, "stops at the coarsest tolerance");
        assert!(coarse[0].points <= 4, "{}", coarse[0].points);
    }
}
