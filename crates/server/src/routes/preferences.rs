//! `/api/v1/me/preferences`: how the dashboard looks for the user, on every device.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::{Language, Theme, TodayCard, UnitSystem};
use wearhouse_services::preferences::{PreferencesInput, SavedPreferences};

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_preferences, put_preferences))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "today_cards": ["steps", "sleep", "resting_heart_rate", "hrv", "active_energy", "weight"],
    "theme": "dark", "language": "de", "unit_system": "metric", "updated_at": "2025-06-14T07:12:40.118220Z"
}))]
pub struct PreferencesView {
    /// The Today cards shown, in order; a card left out is hidden.
    pub today_cards: Vec<TodayCard>,
    pub theme: Theme,
    /// The dashboard's language; null follows the browser.
    pub language: Option<Language>,
    /// The profile's unit system (as on `GET /me`).
    pub unit_system: UnitSystem,
    /// When the preferences were last saved; null while they are the defaults.
    pub updated_at: Option<String>,
}

impl From<SavedPreferences> for PreferencesView {
    fn from(saved: SavedPreferences) -> Self {
        PreferencesView {
            today_cards: saved.preferences.today_cards,
            theme: saved.preferences.theme,
            language: saved.preferences.language,
            unit_system: saved.unit_system,
            updated_at: saved.updated_at.map(|t| t.to_string()),
        }
    }
}

/// Today cards, each at most once.
fn card_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("TodayCard"))
        .max_items(Some(TodayCard::ALL.len()))
        .unique_items(true)
        .build()
}

/// The whole set of preferences; it replaces the saved one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "today_cards": ["steps", "sleep", "resting_heart_rate", "hrv", "active_energy", "weight"],
    "theme": "dark", "language": "de", "unit_system": "metric"
}))]
pub struct PreferencesBody {
    /// The Today cards to show, in order, each at most once (`unknown_card`, `duplicate_card`).
    #[schema(schema_with = card_list)]
    pub today_cards: Vec<String>,
    #[schema(value_type = Theme)]
    pub theme: String,
    /// Null or left out: the browser's language.
    #[schema(value_type = Option<Language>)]
    pub language: Option<String>,
    /// Left out: the profile's stays as it is.
    pub unit_system: Option<UnitSystem>,
}

/// The signed-in user's dashboard preferences: the Today cards and their order, theme, language and
/// unit system. The defaults until the user saves their own.
#[utoipa::path(get, path = "/me/preferences", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, body = PreferencesView),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_preferences(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<PreferencesView>> {
    Ok(Json(state.accounts.preferences(&actor).await?.into()))
}

/// Save the dashboard preferences, replacing those saved before; they follow the user to every
/// device.
#[utoipa::path(put, path = "/me/preferences", tag = "me", security(("bearer" = [])), request_body = PreferencesBody,
    responses(
        (status = 200, body = PreferencesView),
        (status = 422, description = "`validation_failed` (`unknown_card`, `duplicate_card`, `unknown_theme`, `unknown_language`), one entry per bad field", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_preferences(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<PreferencesBody>,
) -> ApiResult<Json<PreferencesView>> {
    let input = PreferencesInput {
        today_cards: body.today_cards,
        theme: body.theme,
        language: body.language,
        unit_system: body.unit_system,
    };
    Ok(Json(state.accounts.put_preferences(&actor, input).await?.into()))
}
