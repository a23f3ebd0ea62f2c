//! `/api/v1/me/time-zones`: the zones the user lived in, and when, so each past day is the day they
//! lived.

use axum::extract::State;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_services::time_zones::{PeriodInput, ZoneHistoryView, ZonePeriod};

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_time_zones, put_time_zones))
}

/// One period of the history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// IANA time zone name.
    pub zone: String,
    /// When the period starts, with the offset of its zone then; null for the first period, which
    /// covers all time before the next.
    pub from: Option<String>,
}

impl From<&ZonePeriod> for PeriodView {
    fn from(p: &ZonePeriod) -> Self {
        let from = p.from.map(|at| {
            let zone = TimeZone::get(p.zone.as_str()).unwrap_or(TimeZone::UTC);
            at.to_zoned(zone).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        });
        PeriodView {
            zone: p.zone.as_str().to_owned(),
            from,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "time_zone_set": true,
    "periods": [
        {"zone": "Australia/Sydney", "from": null},
        {"zone": "Europe/Berlin", "from": "2019-03-01T00:00:00+01:00"},
        {"zone": "America/New_York", "from": "2024-06-01T09:30:00-04:00"}
    ],
    "pending_days": 0
}))]
pub struct TimeZonesView {
    /// Whether the user has set a zone. Without one the history is empty and days are UTC.
    pub time_zone_set: bool,
    /// Oldest first; the last is the zone in force now (the profile's `time_zone`).
    pub periods: Vec<PeriodView>,
    /// Local days still waiting to be recomputed after a change (or new data); 0 when every day is
    /// current. Summaries read meanwhile are recomputed first, so they are never a mix.
    pub pending_days: u64,
}

impl From<ZoneHistoryView> for TimeZonesView {
    fn from(v: ZoneHistoryView) -> Self {
        TimeZonesView {
            time_zone_set: v.set,
            periods: v.periods.iter().map(PeriodView::from).collect(),
            pending_days: v.pending_days,
        }
    }
}

/// A period to store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodBody {
    /// IANA time zone name (`invalid_time_zone`); not the zone of the period before
    /// (`same_zone_twice`).
    pub zone: String,
    /// When the period starts: an RFC 3339 time with an offset, or a wall-clock time such as
    /// `2019-03-01T00:00` in this period's zone (the moment of arriving there; a time a clock change
    /// skips counts as the moment after it) (`invalid_from`). Left out or null for the first period
    /// (`first_period_from`), required for the others (`missing_from`); later than the period before
    /// (`periods_out_of_order`) and not in the future (`from_in_future`).
    #[serde(default)]
    pub from: Option<String>,
}

/// The whole history; it replaces the stored one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"periods": [
    {"zone": "Australia/Sydney"},
    {"zone": "Europe/Berlin", "from": "2019-03-01T00:00"}
]}))]
pub struct TimeZonesBody {
    /// Oldest first, at least one (`no_periods`) and at most 500 (`too_many_periods`).
    #[schema(min_items = 1, max_items = 500)]
    pub periods: Vec<PeriodBody>,
}

/// The signed-in user's time-zone history: the zones they lived in and from when, with how many days
/// are still being recomputed after a change.
#[utoipa::path(get, path = "/me/time-zones", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, body = TimeZonesView),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_time_zones(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<TimeZonesView>> {
    Ok(Json(state.accounts.time_zones(&actor).await?.into()))
}

/// Replace the time-zone history, e.g. "Sydney until 2019-03-01, then Berlin". The days whose zone
/// changes are recomputed in the background (`pending_days` counts them down); data keeps its
/// instants, only the days it counts on move.
#[utoipa::path(put, path = "/me/time-zones", tag = "me", security(("bearer" = [])), request_body = TimeZonesBody,
    responses(
        (status = 200, body = TimeZonesView),
        (status = 409, description = "`time_zones_busy`: the history kept changing while this change was applied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, one entry per bad field (`periods[1].from`): `no_periods`, `too_many_periods`, `invalid_time_zone`, `same_zone_twice`, `first_period_from`, `missing_from`, `invalid_from`, `periods_out_of_order`, `from_in_future`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_time_zones(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<TimeZonesBody>,
) -> ApiResult<Json<TimeZonesView>> {
    let input: Vec<PeriodInput> = body
        .periods
        .into_iter()
        .map(|p| PeriodInput {
            zone: p.zone,
            from: p.from,
        })
        .collect();
    Ok(Json(
        state.accounts.replace_time_zones(&actor, &input).await?.into(),
    ))
}
