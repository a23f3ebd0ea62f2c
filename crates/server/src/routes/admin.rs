//! `/api/v1/admin/users`: account administration (admin role only; enforced by the service).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::{Role, Roles, UserId};

use crate::examples;
use crate::extract::{Admin, Json, Query};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::AdminUserView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [examples::admin_user_view()], "next_cursor": examples::OTHER_USER_ID}))]
pub struct UserPage {
    pub items: Vec<AdminUserView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// All accounts, oldest first.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses(
        (status = 200, body = UserPage),
        (status = 403, description = "`forbidden`: not an admin", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_users(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<UserPage>> {
    let after = match params.cursor.as_deref() {
        Some(c) => Some(UserId::parse(c).map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "the cursor is not valid",
            )
        })?),
        None => None,
    };
    let limit = crate::extract::page_limit(params.limit, 50, 200)?;
    let (users, more) = state.accounts.list_users(&actor, after.as_ref(), limit).await?;
    let next_cursor = more.then(|| users.last().map(|u| u.id.to_string())).flatten();
    Ok(Json(UserPage {
        items: users.iter().map(AdminUserView::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["user", "trainer"], "active": true}))]
pub struct AdminUserPatch {
    /// The full new set of roles (`user` is always kept).
    pub roles: Option<Vec<Role>>,
    /// `false` deactivates the account and ends its sessions.
    pub active: Option<bool>,
}

/// Change an account's roles or active flag.
#[utoipa::path(patch, path = "/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id (`usr_…`)")), request_body = AdminUserPatch,
    responses(
        (status = 200, body = AdminUserView),
        (status = 403, description = "`forbidden`: not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`user_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_admin`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_user(
    State(state): State<AppState>,
    Admin(actor): Admin,
    Path(id): Path<String>,
    Json(body): Json<AdminUserPatch>,
) -> ApiResult<Json<AdminUserView>> {
    let id = UserId::parse(&id).map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "user_not_found",
            format!("no user with id '{id}'"),
        )
    })?;
    let user = state
        .accounts
        .admin_update_user(&actor, &id, body.roles.map(Roles::from), body.active)
        .await?;
    Ok(Json(AdminUserView::from(&user)))
}
