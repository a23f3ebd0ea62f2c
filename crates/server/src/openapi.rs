//! The OpenAPI 3.1 document's frame: metadata, the bearer scheme, shared schemas. Operations come from
//! the routes themselves (utoipa-axum registers each route with its documentation, so a served route
//! cannot be missing from the document).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::problem::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wearhouse API",
        description = "Self-hostable platform for wearable and fitness data.\n\n\
            Errors are RFC 9457 `application/problem+json` documents with a stable `code`.\n\
            Authenticate with `Authorization: Bearer <access_token>` from `POST /api/v1/auth/login`.\n\
            Responses carry `X-Request-Id` and `RateLimit-Limit/Remaining/Reset`; a 429 carries `Retry-After`.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Registration, login, token refresh, logout"),
        (name = "me", description = "The signed-in user's profile and account"),
        (name = "mfa", description = "TOTP two-factor authentication"),
        (name = "samples", description = "Health samples: batch ingestion, listing, sources"),
        (name = "imports", description = "File imports: Apple Health, FIT, GPX, TCX, zip archives"),
        (name = "activities", description = "Workouts: create, edit with revisions, trash and restore, streams"),
        (name = "summaries", description = "Per-local-day figures from merged sources"),
        (name = "users", description = "Other users' public profiles"),
        (name = "admin", description = "Account administration (admin role)"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
