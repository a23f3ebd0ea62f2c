//! The responses every operation can give because of what runs around its handler, added to the
//! OpenAPI document once here instead of on each route: a route cannot forget them, and clients
//! generated from the document handle them.
//!
//! - every operation: 429 (the per-address limit), 503 (the request deadline, an unavailable database);
//! - authenticated operations: 401 (no, invalid, expired or revoked token);
//! - operations with a JSON body: 400 (malformed or unreadable), 413 (over the body limit), 415 (not
//!   declared as JSON), 422 (a field missing, unknown or of the wrong type);
//! - operations with query parameters: 400 `invalid_query`.
//!
//! A status a route documents itself keeps the route's description.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use crate::problem::PROBLEM_CONTENT_TYPE;

/// A problem response with this description.
fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn add(op: &mut Operation, status: &str, response: impl FnOnce() -> Response) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(response()));
}

fn complete(op: &mut Operation, json_body: bool) {
    let authenticated = op
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let has_query = op
        .parameters
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
    if authenticated {
        add(op, "401", || {
            problem("`unauthenticated`: no access token; `invalid_token`, `token_expired`, `token_revoked`: the token is not (or no longer) valid")
        });
    }
    if json_body {
        add(op, "400", || {
            problem("`malformed_json`: the body is not JSON; `unreadable_body`: it could not be read")
        });
        add(op, "413", || {
            problem("`payload_too_large`: the body is larger than the server accepts (1 MiB by default)")
        });
        add(op, "415", || {
            problem("`unsupported_media_type`: the body is not declared as `application/json`")
        });
        add(op, "422", || {
            problem("`invalid_body`: a field is missing, unknown or of the wrong type (`errors` names it); `validation_failed`: a value breaks a rule")
        });
    }
    if has_query {
        add(op, "400", || {
            problem("`invalid_query`: a query parameter is malformed")
        });
    }
    add(op, "429", || {
        let mut response = problem(
            "`rate_limited`: too many requests from this address or account; `Retry-After` says when to try again",
        );
        response.headers.insert(
            "Retry-After".to_owned(),
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
                .description(Some("Seconds to wait"))
                .build(),
        );
        response
    });
    add(op, "503", || {
        problem("`request_timeout`: the request took longer than the server's deadline (30 s by default); `storage_unavailable`: the database could not be reached")
    });
}

/// Adds the responses of the middleware and extractors to every operation of `doc`.
pub fn complete_responses(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let json_body = op.request_body.as_ref().is_some_and(|body| {
                body.content
                    .keys()
                    .any(|ct| ct == "application/json" || ct.ends_with("+json"))
            });
            complete(op, json_body);
        }
    }
}
