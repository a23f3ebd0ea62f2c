//! One file per resource; each exports `router()` with its routes and their OpenAPI operations.

pub mod activities;
pub mod activity_routes;
pub mod admin;
pub mod attribution;
pub mod auth;
pub mod health;
pub mod imports;
pub mod jobs;
pub mod map;
pub mod me;
pub mod mfa;
mod planned_routes;
pub mod preferences;
pub mod samples;
pub mod sessions;
pub mod streams;
pub mod summaries;
pub mod time_zones;
pub mod traces;
pub mod users;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every `/api/v1` route.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(me::router())
        .merge(preferences::router())
        .merge(time_zones::router())
        .merge(sessions::router())
        .merge(mfa::router())
        .merge(activities::router())
        .merge(activity_routes::router())
        .merge(map::router())
        .merge(imports::router())
        .merge(planned_routes::router())
        .merge(samples::router())
        .merge(attribution::router())
        .merge(summaries::router())
        .merge(users::router())
        .merge(admin::router())
        .merge(jobs::router())
        .merge(streams::router())
        .merge(traces::router())
}

/// Serde helper for PATCH bodies: distinguishes an absent field (`None`) from an explicit `null`
/// (`Some(None)`), so clients can clear a field.
pub(crate) fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}
