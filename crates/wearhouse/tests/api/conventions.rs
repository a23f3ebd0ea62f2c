//! Cross-cutting HTTP behaviour: token checks, problem documents, request ids, headers, limits,
//! OpenAPI, probes and metrics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::harness::*;

const KEY: &str = "test-signing-key-0123456789abcdef0123456789";

async fn app_with_known_key() -> TestApp {
    spawn_app_with(|c| c.auth.jwt_secret = Some(SecretString::from(KEY))).await
}

fn forge(claims: Value, key: &str) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .unwrap()
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[tokio::test]
async fn expired_tampered_foreign_and_unsigned_tokens_are_refused() {
    let app = app_with_known_key().await;
    let me: Value = app.register("ana").await;
    let id = me["id"].as_str().unwrap();
    // Tokens are checked against their session too, so forgeries name a real one.
    let session = tokens(app.login("ana", PASSWORD, None).await).await.access;
    let payload = URL_SAFE_NO_PAD
        .decode(session.split('.').nth(1).unwrap())
        .unwrap();
    let sid = serde_json::from_slice::<Value>(&payload).unwrap()["sid"].clone();
    let valid = json!({"sub": id, "iat": now(), "exp": now() + 600, "iss": "wearhouse", "ep": 0, "sid": sid});
    assert_eq!(
        app.get("/api/v1/me", Some(&forge(valid.clone(), KEY)))
            .await
            .status(),
        200,
        "control: forged with the real key"
    );

    let mut expired = valid.clone();
    expired["iat"] = json!(now() - 3600);
    expired["exp"] = json!(now() - 1800);
    assert_problem(
        app.get("/api/v1/me", Some(&forge(expired, KEY))).await,
        401,
        "token_expired",
    )
    .await;

    let foreign = forge(valid.clone(), "another-key-0123456789abcdef0123456789abc");
    assert_problem(app.get("/api/v1/me", Some(&foreign)).await, 401, "invalid_token").await;

    // Same signature, different payload (another subject).
    let real = forge(valid.clone(), KEY);
    let parts: Vec<&str> = real.split('.').collect();
    let mut other = valid.clone();
    other["sub"] = json!("usr_0000000000000000000000000000000f");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(other.to_string()),
        parts[2]
    );
    assert_problem(app.get("/api/v1/me", Some(&tampered)).await, 401, "invalid_token").await;

    // `alg: none`, with and without a signature part.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(valid.to_string());
    for unsigned in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
        let res = app.get("/api/v1/me", Some(&unsigned)).await;
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        assert_problem(res, 401, "invalid_token").await;
    }
    assert_problem(
        app.get("/api/v1/me", Some("not.a.jwt")).await,
        401,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/nothing-here", None).await, 404, "not_found").await;
    let res = app
        .request(Method::PUT, "/api/v1/auth/login", None, Some(json!({})))
        .await;
    assert_problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app_with(|c| c.http.body_limit_bytes = 1024).await;
    let body = json!({"username": "ana", "email": "ana@example.org", "password": "x".repeat(4096)});
    assert_problem(
        app.post("/api/v1/auth/register", None, body).await,
        413,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn request_ids_are_generated_or_propagated() {
    let app = spawn_app().await;
    let res = app.get("/healthz", None).await;
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-request-id"],
        "trace-me-42",
        "kept on error responses too"
    );
}

#[tokio::test]
async fn security_headers_and_optional_hsts() {
    let app = spawn_app().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(res.headers().get("strict-transport-security").is_none());
    let behind_tls = spawn_app_with(|c| c.http.hsts = true).await;
    let res = behind_tls.get("/healthz", None).await;
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn cors_is_off_by_default_and_configurable() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let app = spawn_app_with(|c| c.http.cors_origins = vec!["https://app.example".into()]).await;
    let res = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/me"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://app.example"
    );
}

#[tokio::test]
async fn auth_endpoints_have_a_strict_limit_with_retry_after() {
    let app = spawn_app_with(|c| {
        c.rate_limit.auth_burst = 3;
        c.rate_limit.auth_per_minute = 1;
    })
    .await;
    for i in 0..3 {
        let res = app.login("nobody", "wrong password here", None).await;
        assert_eq!(res.status(), 401, "attempt {i}");
        assert_eq!(res.headers()["ratelimit-limit"], "3");
        assert_eq!(res.headers()["ratelimit-remaining"], (2 - i).to_string().as_str());
    }
    let res = app.login("nobody", "wrong password here", None).await;
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(res, 429, "rate_limited").await;
    // Other routes use their own, more generous bucket.
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}

#[tokio::test]
async fn each_user_has_a_bucket_of_their_own() {
    let app = spawn_app_with(|c| {
        c.rate_limit.per_user_burst = 2;
        c.rate_limit.per_user_per_second = 1;
    })
    .await;
    let ana = app.signed_up("ana").await;
    let bruno = app.signed_up("bruno").await;
    assert_eq!(app.get("/api/v1/me", Some(&ana.access)).await.status(), 200);
    assert_eq!(app.get("/api/v1/me", Some(&ana.access)).await.status(), 200);
    let res = app.get("/api/v1/me", Some(&ana.access)).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, 429, "rate_limited").await;
    assert_eq!(app.get("/api/v1/me", Some(&bruno.access)).await.status(), 200);
}

/// Every operation of the contract, as (method, path template).
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/logout-all"),
    ("post", "/api/v1/me/mfa/totp"),
    ("post", "/api/v1/me/mfa/totp/confirm"),
    ("delete", "/api/v1/me/mfa/totp"),
    ("get", "/api/v1/admin/users"),
    ("patch", "/api/v1/admin/users/{id}"),
    ("get", "/api/v1/admin/jobs"),
    ("post", "/api/v1/admin/jobs/{id}/retry"),
    ("post", "/api/v1/stream/tickets"),
    ("get", "/api/v1/stream"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/traces"),
    ("get", "/api/v1/me"),
    ("put", "/api/v1/me/password"),
    ("get", "/api/v1/me/sessions"),
    ("delete", "/api/v1/me/sessions/{id}"),
    ("patch", "/api/v1/me"),
    ("delete", "/api/v1/me"),
    ("put", "/api/v1/me/avatar"),
    ("get", "/api/v1/me/avatar"),
    ("delete", "/api/v1/me/avatar"),
    ("get", "/api/v1/me/preferences"),
    ("put", "/api/v1/me/preferences"),
    ("get", "/api/v1/me/time-zones"),
    ("put", "/api/v1/me/time-zones"),
    ("get", "/api/v1/map"),
    ("get", "/api/v1/users/{username}"),
    ("get", "/api/v1/users/{username}/avatar"),
    ("post", "/api/v1/samples"),
    ("get", "/api/v1/samples"),
    ("get", "/api/v1/samples/attribution"),
    ("get", "/api/v1/sources"),
    ("get", "/api/v1/summaries/daily"),
    ("get", "/api/v1/summaries/weekly"),
    ("get", "/api/v1/summaries/monthly"),
    ("get", "/api/v1/sources/priority"),
    ("put", "/api/v1/sources/priority"),
    ("post", "/api/v1/activities"),
    ("post", "/api/v1/activities/batch"),
    ("get", "/api/v1/activities"),
    ("get", "/api/v1/activities/routes"),
    ("get", "/api/v1/activities/{id}"),
    ("patch", "/api/v1/activities/{id}"),
    ("delete", "/api/v1/activities/{id}"),
    ("get", "/api/v1/activities/{id}/revisions"),
    ("post", "/api/v1/activities/{id}/restore"),
    ("get", "/api/v1/activities/{id}/streams"),
    ("get", "/api/v1/trash"),
    ("get", "/api/v1/sleep"),
    ("get", "/api/v1/summaries/totals"),
    ("get", "/api/v1/history"),
    ("get", "/api/v1/activities/duplicates"),
    ("post", "/api/v1/activities/{id}/merge"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports"),
    ("get", "/api/v1/imports/{id}"),
    ("get", "/api/v1/raw-records"),
    ("get", "/api/v1/raw-records/types"),
    ("get", "/api/v1/routes"),
    ("get", "/api/v1/routes/{id}"),
    ("delete", "/api/v1/routes/{id}"),
];

#[tokio::test]
async fn openapi_documents_every_served_route() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in CONTRACT {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    // And every documented operation is really served: the router answers neither 404 nor 405.
    let mut documented = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            documented += 1;
            let concrete = path
                .replace("{id}", "usr_0000000000000000000000000000000f")
                .replace("{username}", "ghost");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app.request(method.clone(), &concrete, None, None).await;
            // Without a token every route answers 401 or a body problem before looking anything up, so a
            // 404 or 405 here can only mean the router does not serve the documented operation.
            let status = res.status().as_u16();
            assert!(
                status != 404 && status != 405,
                "{method} {path} is documented but not served ({status})"
            );
        }
    }
    assert_eq!(
        documented,
        CONTRACT.len(),
        "documented operations beyond the contract list: update CONTRACT"
    );
    // Generated clients (the dashboard's types) name operations by their ids: each is unique.
    let mut ids = std::collections::BTreeMap::new();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            if let Some(other) = ids.insert(id.to_owned(), format!("{method} {path}")) {
                panic!("operationId {id} of {method} {path} is also {other}'s");
            }
        }
    }
}

#[tokio::test]
async fn docs_are_served_from_the_binary() {
    let app = spawn_app().await;
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("unpkg.com") && !html.contains("cdn.jsdelivr"),
        "Swagger UI must not need the internet"
    );
    assert_eq!(app.get("/docs/swagger-ui-bundle.js", None).await.status(), 200);
    assert_eq!(app.get("/redoc", None).await.status(), 200);
}

#[tokio::test]
async fn probes_and_metrics() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/healthz", None).await.json::<Value>().await.unwrap()["status"],
        "ok"
    );
    assert_eq!(
        app.get("/readyz", None).await.json::<Value>().await.unwrap()["status"],
        "ready"
    );
    app.register("ana").await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="POST",route="/api/v1/auth/register",status="201"} 1"#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn the_generated_signing_key_is_shared_by_restarts_and_sibling_processes() {
    let app = spawn_app().await;
    let tokens = app.signed_up("ana").await;
    // A second application on the same database, as after a restart or beside the first behind a
    // load balancer: it must accept the first one's tokens, so the key came from the database.
    let sibling = wearhouse::bootstrap::Application::build(&app.config)
        .await
        .unwrap();
    let base = format!("http://{}", sibling.addr);
    let server = tokio::spawn(sibling.run(std::future::pending()));
    let res = app
        .client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let refreshed = app
        .client
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": tokens.refresh}));
    assert_eq!(refreshed.send().await.unwrap().status(), 200);
    server.abort();
}

#[tokio::test]
async fn query_values_are_checked_as_the_document_states() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    for (path, status) in [
        ("/api/v1/activities?from=", 422),
        ("/api/v1/activities?sort=", 422),
        ("/api/v1/samples?metric=", 422),
        ("/api/v1/samples?metric=steps&merge=", 400),
        ("/api/v1/activities?limit=", 400),
    ] {
        let res = app.get(path, Some(&t.access)).await;
        assert_eq!(res.status(), status, "{path}");
    }
    let doc: Value = app.get("/api/v1/openapi.json", None).await.json().await.unwrap();
    let params = doc["paths"]["/api/v1/activities"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let pattern = |name: &str| -> String {
        params.iter().find(|p| p["name"] == name).unwrap()["schema"]["pattern"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        pattern("from").starts_with("^((19|20)"),
        "empty and out-of-range instants are outside the pattern"
    );
    assert!(pattern("sort").starts_with("^(-start|"));
    for path in [
        "/api/v1/activities?limit=0",
        "/api/v1/activities?limit=501",
        "/api/v1/samples?metric=steps&limit=0",
        "/api/v1/samples?metric=steps&limit=10001",
        "/api/v1/history?limit=101",
        "/api/v1/raw-records?type=x&limit=0",
        "/api/v1/routes?limit=1001",
    ] {
        let problem = assert_problem(app.get(path, Some(&t.access)).await, 400, "invalid_query").await;
        assert!(
            problem["detail"].as_str().unwrap().starts_with("limit is 1 to"),
            "{path}: {problem}"
        );
    }
    let doc: Value = app.get("/api/v1/openapi.json", None).await.json().await.unwrap();
    let limit = doc["paths"]["/api/v1/activities"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap();
    assert_eq!(limit["schema"]["minimum"], 1);
    assert_eq!(limit["schema"]["maximum"], 500);
}

#[tokio::test]
async fn every_operation_documents_the_statuses_around_its_handler() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/v1/openapi.json", None).await.json().await.unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            assert!(has("429") && has("503"), "{method} {path}");
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401"), "{method} {path}");
            }
            let json_body = op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.contains_key("application/json"));
            if json_body {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{method} {path} {status}");
                }
            }
        }
    }
    let view = &doc["components"]["schemas"]["ActivityView"];
    assert!(
        view.get("allOf").is_none(),
        "one object, not a closed part of an allOf"
    );
    assert!(view["properties"]["id"].is_object() && view["properties"]["start"].is_object());
    let body = &doc["components"]["schemas"]["ActivityBody"];
    assert_eq!(body["additionalProperties"], false);
    assert!(body["properties"]["source"].is_object() && body["properties"]["type"].is_object());
}

/// `schema` with a `$ref` into `components.schemas` followed (repeatedly).
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        schema = &doc["components"]["schemas"][name];
    }
    schema
}

/// The example of a media type: its own, or that of the schema it references.
fn example_of<'a>(doc: &'a Value, media: &'a Value) -> Option<&'a Value> {
    media
        .get("example")
        .or_else(|| resolve(doc, &media["schema"]).get("example"))
}

/// Where `value` breaks the simple rules of `schema`: types, enums, required properties, properties
/// outside a closed object; recursing into properties, items and `oneOf` branches.
fn violations(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema["oneOf"].as_array() {
        let fits = branches.iter().any(|b| violations(doc, b, value, at).is_empty());
        return if fits {
            vec![]
        } else {
            vec![format!("{at}: fits no branch of oneOf")]
        };
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_fits = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| type_fits(t)) {
        return vec![format!("{at}: {value} is not of type {types:?}")];
    }
    let mut found = Vec::new();
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            found.push(format!("{at}: {value} is not one of the enum"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                found.push(format!("{at}: required `{name}` is missing"));
            }
        }
        let properties = schema["properties"].as_object();
        for (name, field) in object {
            let path = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => found.extend(violations(doc, property, field, &path)),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    found.push(format!("{path}: not a property of a closed object"));
                }
                None if schema["additionalProperties"].is_object() => {
                    found.extend(violations(doc, &schema["additionalProperties"], field, &path));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            found.extend(violations(doc, schema, item, &format!("{at}[{i}]")));
        }
    }
    found
}

#[tokio::test]
async fn every_operation_has_examples_that_fit_their_schemas() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/v1/openapi.json", None).await.json().await.unwrap();
    let is_json = |media_type: &str| media_type == "application/json" || media_type.ends_with("+json");
    let mut problems = Vec::new();
    let mut check = |what: String, media: &Value| match example_of(&doc, media) {
        None => problems.push(format!("{what}: no example")),
        Some(example) => problems.extend(violations(&doc, &media["schema"], example, &what)),
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (media_type, media) in op["requestBody"]["content"].as_object().into_iter().flatten() {
                if is_json(media_type) {
                    check(format!("{method} {path} request"), media);
                }
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                    if is_json(media_type) {
                        check(format!("{method} {path} {status}"), media);
                    }
                }
            }
        }
    }
    // Problems share one schema and its one example.
    let problem = &doc["components"]["schemas"]["Problem"];
    check("Problem".to_owned(), &json!({"schema": problem}));
    assert!(problems.is_empty(), "{problems:#?}");
}
