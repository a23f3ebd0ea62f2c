//! `/api/v1/users/{username}`: other users' public profiles.

use axum::extract::{Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::routes::me::avatar_response;
use crate::state::AppState;
use crate::views::PublicProfileView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_profile))
        .routes(routes!(public_avatar))
}

/// A user's public profile (signed-in users only).
#[utoipa::path(get, path = "/users/{username}", tag = "users", security(("bearer" = [])),
    params(("username" = String, Path, description = "Case-insensitive")),
    responses(
        (status = 200, body = PublicProfileView),
        (status = 404, description = "`user_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn public_profile(
    State(state): State<AppState>,
    _viewer: Auth,
    Path(username): Path<String>,
) -> ApiResult<Json<PublicProfileView>> {
    Ok(Json(PublicProfileView::from(
        &state.accounts.public_profile(&username).await?,
    )))
}

/// A user's avatar image.
#[utoipa::path(get, path = "/users/{username}/avatar", tag = "users", security(("bearer" = [])),
    params(("username" = String, Path, description = "Case-insensitive")),
    responses(
        (status = 200, description = "The image", content_type = "image/*"),
        (status = 404, description = "`user_not_found` or `avatar_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn public_avatar(
    State(state): State<AppState>,
    _viewer: Auth,
    Path(username): Path<String>,
) -> ApiResult<Response> {
    let user = state.accounts.public_profile(&username).await?;
    Ok(avatar_response(state.accounts.avatar_of(&user).await?))
}
