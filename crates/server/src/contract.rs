//! The responses every operation can give because of what runs around its handler, added to the
//! OpenAPI document once here instead of on each route: a route cannot forget them, and clients
//! generated from the document handle them.
//!
//! - every operation: 429 (the per-address limit), 503 (the request deadline, an unavailable database);
//! - authenticated operations: 401 (no, invalid, expired or revoked token);
//! - operations with a JSON body: 400 (malformed or unreadable), 413 (over the body limit), 415 (not
//!   declared as JSON), 422 (a field missing, unknown or of the wrong type);
//! - operations with query parameters: 400 `invalid_query`, 422 `validation_failed`;
//! - operations with path parameters: 404.
//!
//! A status a route documents itself keeps the route's description.
//!
//! It also flattens the schemas serde's `flatten` produces: utoipa writes them as `allOf` of the
//! flattened struct and the rest, which breaks when the flattened struct is closed
//! (`additionalProperties: false`: no object with more fields could ever validate against it). Each
//! becomes one object with every property, closed only where the server refuses unknown fields.

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
    let has_path = op
        .parameters
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Path));
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
        add(op, "422", || {
            problem("`validation_failed`: a parameter's value breaks a rule (`errors` names it)")
        });
    }
    if has_path {
        add(op, "404", || problem("No such resource for this account"));
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

type Link = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// What a response gives that other operations take: `(method, path, status, link name, target method,
/// target path, parameter, where the response holds it)`. Clients (and the contract test's stateful
/// phase) follow them from a created resource to what can be done with it.
const LINKS: &[Link] = &[
    (
        "post",
        "/api/v1/activities",
        "201",
        "GetActivity",
        "get",
        "/api/v1/activities/{id}",
        "id",
        "$response.body#/id",
    ),
    (
        "post",
        "/api/v1/activities",
        "201",
        "EditActivity",
        "patch",
        "/api/v1/activities/{id}",
        "id",
        "$response.body#/id",
    ),
    (
        "post",
        "/api/v1/activities",
        "201",
        "TrashActivity",
        "delete",
        "/api/v1/activities/{id}",
        "id",
        "$response.body#/id",
    ),
    (
        "post",
        "/api/v1/activities",
        "201",
        "ActivityStreams",
        "get",
        "/api/v1/activities/{id}/streams",
        "id",
        "$response.body#/id",
    ),
    (
        "post",
        "/api/v1/activities",
        "201",
        "ActivityRevisions",
        "get",
        "/api/v1/activities/{id}/revisions",
        "id",
        "$response.body#/id",
    ),
    (
        "delete",
        "/api/v1/activities/{id}",
        "200",
        "RestoreActivity",
        "post",
        "/api/v1/activities/{id}/restore",
        "id",
        "$response.body#/id",
    ),
    (
        "post",
        "/api/v1/imports",
        "202",
        "ImportStatus",
        "get",
        "/api/v1/imports/{id}",
        "id",
        "$response.body#/id",
    ),
    (
        "get",
        "/api/v1/me/sessions",
        "200",
        "EndSession",
        "delete",
        "/api/v1/me/sessions/{id}",
        "id",
        "$response.body#/0/id",
    ),
    (
        "get",
        "/api/v1/admin/users",
        "200",
        "AdministerUser",
        "patch",
        "/api/v1/admin/users/{id}",
        "id",
        "$response.body#/items/0/id",
    ),
];

/// Adds [`LINKS`] to the responses that give them (skipping any whose operation is gone). Written into
/// the JSON document: utoipa 5's `Link` serializes its fields in snake case (`operation_ref`), which no
/// OpenAPI tool reads.
pub fn link_operations(doc: &mut serde_json::Value) {
    for (method, path, status, name, target_method, target_path, parameter, source) in LINKS {
        let escaped = target_path.replace('~', "~0").replace('/', "~1");
        let link = serde_json::json!({
            "operationRef": format!("#/paths/{escaped}/{target_method}"),
            "parameters": { *parameter: source },
        });
        let response = doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(*path))
            .and_then(|item| item.get_mut(*method))
            .and_then(|op| op.get_mut("responses"))
            .and_then(|r| r.get_mut(*status))
            .and_then(serde_json::Value::as_object_mut);
        if let Some(response) = response {
            let links = response
                .entry("links")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let Some(links) = links.as_object_mut() {
                links.insert((*name).to_owned(), link);
            }
        }
    }
}

/// Schemas built with `#[serde(flatten)]` whose server refuses fields it does not know.
const CLOSED: &[&str] = &["ActivityBody"];

/// Replaces each component schema that is an `allOf` of objects (named or inline) by one object.
pub fn flatten_all_of(doc: &mut serde_json::Value) {
    let Some(schemas) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let originals = schemas.clone();
    for (name, schema) in schemas.iter_mut() {
        let Some(parts) = schema.get("allOf").and_then(serde_json::Value::as_array) else {
            continue;
        };
        let mut properties = serde_json::Map::new();
        let mut required: Vec<serde_json::Value> = Vec::new();
        let mut description = schema.get("description").cloned();
        let mut flat = true;
        for part in parts {
            let resolved = match part.get("$ref").and_then(serde_json::Value::as_str) {
                Some(reference) => reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|n| originals.get(n)),
                None => Some(part),
            };
            let Some(object) = resolved.filter(|o| o.get("properties").is_some()) else {
                flat = false;
                break;
            };
            if let Some(props) = object.get("properties").and_then(serde_json::Value::as_object) {
                properties.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if let Some(req) = object.get("required").and_then(serde_json::Value::as_array) {
                required.extend(
                    req.iter()
                        .filter(|r| !required.contains(r))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
            if description.is_none() {
                description = object.get("description").cloned();
            }
        }
        if !flat {
            continue;
        }
        let mut merged = serde_json::Map::new();
        merged.insert("type".into(), "object".into());
        if let Some(description) = description {
            merged.insert("description".into(), description);
        }
        merged.insert("required".into(), required.into());
        if let Some(example) = schema.get("example").cloned() {
            merged.insert("example".into(), example);
        }
        merged.insert("properties".into(), properties.into());
        if CLOSED.contains(&name.as_str()) {
            merged.insert("additionalProperties".into(), false.into());
        }
        *schema = merged.into();
    }
}

/// The document as served: utoipa's, completed with the responses around handlers, its flattened
/// schemas made single objects, and links between operations.
pub fn finish(mut doc: OpenApi) -> serde_json::Value {
    complete_responses(&mut doc);
    let mut json = serde_json::to_value(&doc).unwrap_or_default();
    flatten_all_of(&mut json);
    link_operations(&mut json);
    constrain_activity_types(&mut json);
    exact_dates(&mut json);
    json
}

/// How the routes' patterns spell a date: any day 01–31 of any month.
const LOOSE_DATE: &str = "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";

/// The dates that exist, 1900–2099: days 29 and 30 in every month but February, 31 in the long
/// months, 29 February in leap years (every fourth year but 1900).
const EXACT_DATE: &str = "((19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])\
|(19|20)[0-9]{2}-(0[13-9]|1[0-2])-(29|30)\
|(19|20)[0-9]{2}-(0[13578]|1[02])-31\
|(19(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26]))-02-29)";

/// Makes every date in a pattern of the document one that exists: the server refuses 30 February,
/// so the contract says so (the attributes keep the readable form).
pub fn exact_dates(doc: &mut serde_json::Value) {
    match doc {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    serde_json::Value::String(text) if key == "pattern" && text.contains(LOOSE_DATE) => {
                        *text = text.replace(LOOSE_DATE, EXACT_DATE);
                    }
                    other => exact_dates(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(exact_dates),
        _ => {}
    }
}

/// The pattern of a comma-separated list of activity types (`running,cycling`) as the server reads it:
/// the catalogue's names, each item trimmed, empty items ignored. An attribute cannot spell the names
/// out; the server enforces them.
pub fn activity_types_pattern() -> String {
    let names: Vec<&str> = wearhouse_model::ActivityType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    let item = format!("\\s*(({})\\s*)?", names.join("|"));
    format!("^{item}(,{item})*$")
}

/// The operations whose query parameter `type` is a comma-separated list of activity types.
const ACTIVITY_TYPE_LISTS: [&str; 2] = ["/api/v1/activities", "/api/v1/activities/routes"];

/// Gives the `type` parameter of [`ACTIVITY_TYPE_LISTS`] the pattern of [`activity_types_pattern`].
pub fn constrain_activity_types(doc: &mut serde_json::Value) {
    let pattern = activity_types_pattern();
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !ACTIVITY_TYPE_LISTS.contains(&path.as_str()) {
            continue;
        }
        let Some(ops) = item.as_object_mut() else { continue };
        for op in ops.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else {
                continue;
            };
            for param in params {
                if param["name"] == "type" && param["in"] == "query" {
                    if let Some(schema) = param.get_mut("schema").and_then(|s| s.as_object_mut()) {
                        schema.insert("pattern".into(), pattern.clone().into());
                    }
                }
            }
        }
    }
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

#[cfg(test)]
mod date_pattern_tests {
    use super::*;

    #[test]
    fn the_exact_date_pattern_takes_the_dates_that_exist_and_no_others() {
        // `regex` reads this pattern (groups, alternation, classes, counts) as ECMA-262 does.
        let re = regex::Regex::new(&format!("^{EXACT_DATE}$")).unwrap();
        let mut day = jiff::civil::date(1900, 1, 1);
        let mut seen = 0;
        while day.year() < 2100 {
            assert!(re.is_match(&day.to_string()), "{day}");
            seen += 1;
            day = day.tomorrow().unwrap();
        }
        assert_eq!(seen, 73_049);
        for bad in [
            "1900-02-29",
            "2023-02-29",
            "2026-02-30",
            "2026-04-31",
            "2026-13-01",
            "2100-01-01",
            "2026-00-10",
        ] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn every_pattern_of_the_document_gets_exact_dates() {
        let mut doc = serde_json::json!({"paths": {"/x": {"get": {"parameters": [
            {"name": "from", "schema": {"type": "string", "pattern": format!("^{LOOSE_DATE}T00$")}}
        ]}}}});
        exact_dates(&mut doc);
        let pattern = doc["paths"]["/x"]["get"]["parameters"][0]["schema"]["pattern"]
            .as_str()
            .unwrap();
        assert_eq!(pattern, format!("^{EXACT_DATE}T00$"));
    }
}
