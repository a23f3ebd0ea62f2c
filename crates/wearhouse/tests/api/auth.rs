//! Registration, login, token refresh and logout.

use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn register_returns_the_new_profile() {
    let app = spawn_app().await;
    let body = json!({"username": "Ana_Runner", "email": "Ana@Example.org", "password": PASSWORD, "time_zone": "Europe/Berlin"});
    let res = app.post("/api/v1/auth/register", None, body).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["location"], "/api/v1/me");
    let user: serde_json::Value = res.json().await.unwrap();
    assert_eq!(user["username"], "Ana_Runner");
    assert_eq!(user["email"], "ana@example.org");
    assert_eq!(user["time_zone"], "Europe/Berlin");
    assert_eq!(user["roles"], json!(["user"]));
    assert!(user["id"].as_str().unwrap().starts_with("usr_"));
    assert!(user.get("password_hash").is_none());
}

#[tokio::test]
async fn register_rejects_weak_passwords_with_the_reason() {
    let app = spawn_app().await;
    for (password, code) in [
        ("short1!", "password_too_short"),
        ("password123", "password_common"),
        ("ana_runner 2026 x", "password_contains_identity"),
        ("ana.lopez-is-here", "password_contains_identity"),
    ] {
        let body = json!({"username": "ana_runner", "email": "ana.lopez@example.org", "password": password});
        let problem = assert_problem(
            app.post("/api/v1/auth/register", None, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "password", "{password}");
        assert_eq!(problem["errors"][0]["code"], code, "{password}");
    }
}

#[tokio::test]
async fn register_reports_every_invalid_field() {
    let app = spawn_app().await;
    let body = json!({"username": "a b", "email": "not-an-email", "password": PASSWORD, "time_zone": "Nowhere/City"});
    let problem = assert_problem(
        app.post("/api/v1/auth/register", None, body).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "time_zone"]);
}

#[tokio::test]
async fn register_rejects_missing_fields_and_bad_json() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.post("/api/v1/auth/register", None, json!({"username": "ana"}))
            .await,
        422,
        "invalid_body",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("missing field"),
        "{problem}"
    );
    let wrong_type = json!({"username": 42, "email": "a@example.org", "password": PASSWORD});
    let problem = assert_problem(
        app.post("/api/v1/auth/register", None, wrong_type).await,
        422,
        "invalid_body",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "username");

    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "malformed_json").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .body("username=ana")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn duplicate_username_or_email_is_a_conflict() {
    let app = spawn_app().await;
    app.register("ana").await;
    let same_name = json!({"username": "ANA", "email": "other@example.org", "password": PASSWORD});
    assert_problem(
        app.post("/api/v1/auth/register", None, same_name).await,
        409,
        "username_taken",
    )
    .await;
    let same_email = json!({"username": "bruno", "email": "ANA@example.org", "password": PASSWORD});
    assert_problem(
        app.post("/api/v1/auth/register", None, same_email).await,
        409,
        "email_taken",
    )
    .await;
}

#[tokio::test]
async fn login_by_username_or_email_and_wrong_password() {
    let app = spawn_app().await;
    app.register("ana").await;
    let by_name = tokens(app.login("ANA", PASSWORD, None).await).await;
    let by_email = tokens(app.login("ana@example.org", PASSWORD, None).await).await;
    assert_ne!(by_name.refresh, by_email.refresh);
    let res = app.login("ana", "granite kettle orbiT", None).await;
    let problem = assert_problem(res, 401, "invalid_credentials").await;
    assert_eq!(problem["title"], "Unauthorized");
    assert_problem(
        app.login("nobody", PASSWORD, None).await,
        401,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn login_response_has_a_short_lived_bearer_token() {
    let app = spawn_app().await;
    app.register("ana").await;
    let res = app.login("ana", PASSWORD, None).await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!(expires_in > 0 && expires_in <= 900);
    let me = app.get("/api/v1/me", body["access_token"].as_str()).await;
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    // No grace window: reuse is reuse at once (the window has tests of its own in `sessions`).
    let app = spawn_app_with(|c| c.auth.refresh_reuse_grace_secs = 0).await;
    let first = app.signed_up("ana").await;
    let second = tokens(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first.refresh}),
        )
        .await,
    )
    .await;
    assert_ne!(second.refresh, first.refresh);
    assert_eq!(app.get("/api/v1/me", Some(&second.access)).await.status(), 200);
    let third = tokens(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": second.refresh}),
        )
        .await,
    )
    .await;

    // Presenting the already-rotated first token again: theft is assumed, the whole family dies.
    let reuse = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first.refresh}),
        )
        .await;
    assert_problem(reuse, 401, "refresh_token_reused").await;
    let after = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": third.refresh}),
        )
        .await;
    assert_problem(after, 401, "invalid_refresh_token").await;

    let unknown = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": "made-up"}))
        .await;
    assert_problem(unknown, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_revokes_only_that_session() {
    let app = spawn_app().await;
    let phone = app.signed_up("ana").await;
    let laptop = tokens(app.login("ana", PASSWORD, None).await).await;
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": phone.refresh}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let dead = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": phone.refresh}),
        )
        .await;
    assert_problem(dead, 401, "invalid_refresh_token").await;
    let alive = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": laptop.refresh}),
        )
        .await;
    assert_eq!(alive.status(), 200);
    // Logging out twice, or with an unknown token, is not an error.
    let again = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": phone.refresh}),
        )
        .await;
    assert_eq!(again.status(), 204);
}

#[tokio::test]
async fn logout_all_ends_every_session_and_access_token() {
    let app = spawn_app().await;
    let phone = app.signed_up("ana").await;
    let laptop = tokens(app.login("ana", PASSWORD, None).await).await;
    assert_problem(
        app.post("/api/v1/auth/logout-all", None, json!({})).await,
        401,
        "unauthenticated",
    )
    .await;
    let res = app
        .post("/api/v1/auth/logout-all", Some(&phone.access), json!({}))
        .await;
    assert_eq!(res.status(), 204);
    for t in [&phone, &laptop] {
        assert_problem(app.get("/api/v1/me", Some(&t.access)).await, 401, "token_revoked").await;
        let refresh = app
            .post("/api/v1/auth/refresh", None, json!({"refresh_token": t.refresh}))
            .await;
        assert_problem(refresh, 401, "invalid_refresh_token").await;
    }
    let fresh = tokens(app.login("ana", PASSWORD, None).await).await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh.access)).await.status(), 200);
}
