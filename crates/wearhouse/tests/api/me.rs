//! `/api/v1/me`, its avatar, public profiles under `/api/v1/users`, and account deletion.

use reqwest::Response;
use serde_json::{json, Value};

use crate::harness::*;

/// A minimal PNG: the 8-byte signature and an IHDR chunk for a 1×1 RGBA image.
fn png_bytes() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 13]);
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    bytes.extend_from_slice(&[0x1f, 0x15, 0xc4, 0x89]);
    bytes
}

/// The start of a JFIF file.
fn jpeg_bytes() -> Vec<u8> {
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    bytes.extend_from_slice(b"JFIF\0");
    bytes.extend_from_slice(&[1, 1, 0, 0, 1, 0, 1, 0, 0]);
    bytes
}

/// The start of a lossy WebP file.
fn webp_bytes() -> Vec<u8> {
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&[0x1a, 0, 0, 0]);
    bytes.extend_from_slice(b"WEBPVP8 ");
    bytes.extend_from_slice(&[0x0e, 0, 0, 0, 0x30, 0x01, 0, 0x9d, 0x01, 0x2a, 1, 0, 1, 0]);
    bytes
}

async fn put_avatar(app: &TestApp, token: &str, bytes: Vec<u8>, content_type: &str) -> Response {
    app.client
        .put(app.url("/api/v1/me/avatar"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("request sent")
}

async fn me(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn me_requires_a_valid_token() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/me", None).await, 401, "unauthenticated").await;
    let res = app.get("/api/v1/me", Some("not-a-jwt")).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401, "invalid_token").await;

    let t = app.signed_up("alice").await;
    let body = me(&app, &t.access).await;
    assert_eq!(body["username"], "alice");
    assert_eq!(body["email"], "alice@example.org");
    assert_eq!(body["time_zone"], "UTC");
    assert_eq!(body["unit_system"], "metric");
    assert_eq!(body["roles"], json!(["user"]));
    assert_eq!(body["mfa_enabled"], false);
    assert_eq!(body["avatar_url"], Value::Null);
    assert!(body["id"].as_str().unwrap().starts_with("usr_"));
}

#[tokio::test]
async fn patch_me_sets_and_clears_fields() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;
    let patch = json!({
        "display_name": "Alice Liddell",
        "bio": "Runs before breakfast.",
        "time_zone": "Europe/Berlin",
        "unit_system": "imperial",
        "birth_year": 1987,
        "sex": "female",
        "height_cm": 172.5,
    });
    let res = app.patch("/api/v1/me", Some(&t.access), patch).await;
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();

    let body = me(&app, &t.access).await;
    assert_eq!(body, patched, "PATCH returns what GET shows");
    assert_eq!(body["display_name"], "Alice Liddell");
    assert_eq!(body["bio"], "Runs before breakfast.");
    assert_eq!(body["time_zone"], "Europe/Berlin");
    assert_eq!(body["unit_system"], "imperial");
    assert_eq!(body["birth_year"], 1987);
    assert_eq!(body["sex"], "female");
    assert_eq!(body["height_cm"], 172.5);

    // `null` clears; absent fields stay.
    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"bio": null}))
        .await;
    assert_eq!(res.status(), 200);
    let body = me(&app, &t.access).await;
    assert_eq!(body["bio"], Value::Null);
    assert_eq!(body["display_name"], "Alice Liddell");
    assert_eq!(body["time_zone"], "Europe/Berlin");
    assert_eq!(body["unit_system"], "imperial");
    assert_eq!(body["birth_year"], 1987);
    assert_eq!(body["sex"], "female");
    assert_eq!(body["height_cm"], 172.5);
}

#[tokio::test]
async fn patch_me_reports_invalid_fields() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;

    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"bio": "x".repeat(501)}))
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["errors"][0]["field"], "bio");
    assert_eq!(body["errors"][0]["code"], "bio_too_long");

    // Exactly 500 characters is fine.
    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"bio": "x".repeat(500)}))
        .await;
    assert_eq!(res.status(), 200);

    let res = app
        .patch(
            "/api/v1/me",
            Some(&t.access),
            json!({"time_zone": "Mars/Olympus"}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["errors"][0]["field"], "time_zone");
    assert_eq!(body["errors"][0]["code"], "invalid_time_zone");

    // Every bad field is reported, and nothing is applied.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&t.access),
            json!({"bio": "y".repeat(501), "time_zone": "Mars/Olympus", "display_name": "Fine Name"}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    let mut fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["bio", "time_zone"]);
    let current = me(&app, &t.access).await;
    assert_eq!(current["display_name"], Value::Null);
    assert_eq!(current["time_zone"], "UTC");
    assert_eq!(current["bio"], "x".repeat(500));

    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"nickname": "ally"}))
        .await;
    assert_problem(res, 422, "invalid_body").await;

    let res = app
        .patch("/api/v1/me", Some(&t.access), json!({"unit_system": "furlongs"}))
        .await;
    let body = assert_problem(res, 422, "invalid_body").await;
    assert_eq!(body["errors"][0]["field"], "unit_system", "{body}");
    assert_eq!(me(&app, &t.access).await["unit_system"], "metric");
}

#[tokio::test]
async fn avatar_is_sniffed_stored_served_and_deleted() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;
    let png = png_bytes();

    assert_problem(
        app.get("/api/v1/me/avatar", Some(&t.access)).await,
        404,
        "avatar_not_found",
    )
    .await;

    // The declared content type is ignored; the bytes decide.
    let res = put_avatar(&app, &t.access, png.clone(), "text/plain").await;
    assert_eq!(res.status(), 200);
    let info: Value = res.json().await.unwrap();
    assert_eq!(info["content_type"], "image/png");
    assert_eq!(info["bytes"], png.len());
    assert_eq!(info["url"], "/api/v1/me/avatar");

    let res = app.get("/api/v1/me/avatar", Some(&t.access)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), png.as_slice());

    assert_eq!(me(&app, &t.access).await["avatar_url"], "/api/v1/me/avatar");

    let res = put_avatar(&app, &t.access, jpeg_bytes(), "image/png").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["content_type"], "image/jpeg");
    let res = app.get("/api/v1/me/avatar", Some(&t.access)).await;
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.unwrap().as_ref(), jpeg_bytes().as_slice());

    let res = put_avatar(&app, &t.access, webp_bytes(), "application/octet-stream").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["content_type"], "image/webp");
    let res = app.get("/api/v1/me/avatar", Some(&t.access)).await;
    assert_eq!(res.headers()["content-type"], "image/webp");

    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[
        1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
    ]);
    let res = put_avatar(&app, &t.access, gif, "image/png").await;
    assert_problem(res, 415, "unsupported_media_type").await;
    let res = put_avatar(
        &app,
        &t.access,
        b"just some text, not an image".to_vec(),
        "image/png",
    )
    .await;
    assert_problem(res, 415, "unsupported_media_type").await;

    let mut huge = png.clone();
    huge.resize(2 * 1024 * 1024 + 1, 0);
    let res = put_avatar(&app, &t.access, huge, "image/png").await;
    assert_problem(res, 413, "payload_too_large").await;

    // Refused uploads left the WebP in place.
    let res = app.get("/api/v1/me/avatar", Some(&t.access)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), webp_bytes().as_slice());

    let res = app.delete("/api/v1/me/avatar", Some(&t.access), None).await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get("/api/v1/me/avatar", Some(&t.access)).await,
        404,
        "avatar_not_found",
    )
    .await;
    assert_eq!(me(&app, &t.access).await["avatar_url"], Value::Null);
    let res = app.delete("/api/v1/me/avatar", Some(&t.access), None).await;
    assert_problem(res, 404, "avatar_not_found").await;
}

#[tokio::test]
async fn public_profiles_show_only_public_fields() {
    let app = spawn_app().await;
    let a = app.signed_up("Alice").await;
    let b = app.signed_up("bob").await;
    let patch = json!({"display_name": "Alice L.", "bio": "Hello", "birth_year": 1990, "sex": "female"});
    assert_eq!(
        app.patch("/api/v1/me", Some(&a.access), patch).await.status(),
        200
    );

    let res = app.get("/api/v1/users/aLiCe", Some(&b.access)).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["username"], "Alice");
    assert_eq!(body["display_name"], "Alice L.");
    assert_eq!(body["bio"], "Hello");
    assert_eq!(body["avatar_url"], Value::Null);
    assert!(body["member_since"].is_string());
    let object = body.as_object().unwrap();
    for private in [
        "email",
        "birth_year",
        "sex",
        "roles",
        "id",
        "mfa_enabled",
        "height_cm",
    ] {
        assert!(!object.contains_key(private), "{private} leaked: {body}");
    }

    assert_problem(
        app.get("/api/v1/users/nobody", Some(&b.access)).await,
        404,
        "user_not_found",
    )
    .await;
    assert_problem(app.get("/api/v1/users/alice", None).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_ends_everything() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;

    let res = app
        .delete(
            "/api/v1/me",
            Some(&t.access),
            Some(json!({"password": "not the password at all"})),
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&t.access)).await.status(),
        200,
        "still there"
    );

    let res = app
        .delete("/api/v1/me", Some(&t.access), Some(json!({"password": PASSWORD})))
        .await;
    assert_eq!(res.status(), 204);

    assert_problem(
        app.login("alice", PASSWORD, None).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(app.get("/api/v1/me", Some(&t.access)).await, 401, "invalid_token").await;
    let res = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": t.refresh}))
        .await;
    assert_eq!(res.status(), 401);
}
