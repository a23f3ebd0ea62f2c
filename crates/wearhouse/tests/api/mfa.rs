//! TOTP two-factor authentication: enrolment, confirmation, login with codes and recovery codes,

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::harness::*;

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

pub(crate) fn totp_for(secret_b32: &str, username: &str) -> TOTP {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        Secret::Encoded(secret_b32.into()).to_bytes().unwrap(),
        Some("Wearhouse".into()),
        username.into(),
    )
    .unwrap()
}

/// Six digits that are not the code of any step the server could accept around `now`.
fn wrong_code(totp: &TOTP, now: u64) -> String {
    // "000000" unless, by chance, that is a valid code right now.
    let window: Vec<String> = (0..5).map(|k| totp.generate(now + k * 30 - 60)).collect();
    (0..10)
        .map(|d: u32| d.to_string().repeat(6))
        .find(|c| !window.contains(c))
        .unwrap()
}

async fn mfa_enabled(app: &TestApp, token: &str) -> bool {
    let res = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["mfa_enabled"]
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn confirming_without_enrolment_is_a_conflict() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;
    let res = app
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&t.access),
            json!({"code": "123456"}),
        )
        .await;
    assert_problem(res, 409, "mfa_not_started").await;
    let res = app
        .delete(
            "/api/v1/me/mfa/totp",
            Some(&t.access),
            Some(json!({"password": PASSWORD, "code": "123456"})),
        )
        .await;
    assert_problem(res, 409, "mfa_not_enabled").await;
    assert!(!mfa_enabled(&app, &t.access).await);
}

#[tokio::test]
async fn totp_full_flow_with_real_codes() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;

    // Enrolment.
    let res = app.post("/api/v1/me/mfa/totp", Some(&t.access), json!({})).await;
    assert_eq!(res.status(), 201);
    let enrolment: Value = res.json().await.unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    let uri = enrolment["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    let totp = totp_for(&secret, "alice");

    // Not on until confirmed.
    assert!(!mfa_enabled(&app, &t.access).await);
    assert_eq!(app.login("alice", PASSWORD, None).await.status(), 200);

    let res = app
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&t.access),
            json!({"code": wrong_code(&totp, now_secs())}),
        )
        .await;
    assert_problem(res, 401, "mfa_invalid").await;
    assert!(!mfa_enabled(&app, &t.access).await);

    let confirm_code = totp.generate(now_secs());
    let res = app
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&t.access),
            json!({"code": confirm_code}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let recovery: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        recovery.iter().collect::<HashSet<_>>().len(),
        10,
        "distinct: {recovery:?}"
    );
    assert!(mfa_enabled(&app, &t.access).await);

    let res = app.post("/api/v1/me/mfa/totp", Some(&t.access), json!({})).await;
    assert_problem(res, 409, "mfa_already_enabled").await;
    let res = app
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&t.access),
            json!({"code": confirm_code}),
        )
        .await;
    assert_problem(res, 409, "mfa_already_enabled").await;

    // Logging in now needs a second factor.
    assert_problem(app.login("alice", PASSWORD, None).await, 401, "mfa_required").await;
    let wrong = wrong_code(&totp, now_secs());
    assert_problem(
        app.login("alice", PASSWORD, Some(&wrong)).await,
        401,
        "mfa_invalid",
    )
    .await;
    // The code used to confirm was spent there.
    assert_problem(
        app.login("alice", PASSWORD, Some(&confirm_code)).await,
        401,
        "mfa_invalid",
    )
    .await;
    // A wrong password is reported as such, whatever the code.
    let res = app.login("alice", "not the password at all", Some(&wrong)).await;
    assert_problem(res, 401, "invalid_credentials").await;

    let next = totp.generate(now_secs() + 30);
    let res = app.login("alice", PASSWORD, Some(&next)).await;
    let fresh = tokens(res).await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh.access)).await.status(), 200);
    // Replaying the same code is refused.
    assert_problem(
        app.login("alice", PASSWORD, Some(&next)).await,
        401,
        "mfa_invalid",
    )
    .await;

    // Recovery codes: each works once, typed in any case.
    tokens(app.login("alice", PASSWORD, Some(&recovery[0])).await).await;
    assert_problem(
        app.login("alice", PASSWORD, Some(&recovery[0])).await,
        401,
        "mfa_invalid",
    )
    .await;
    tokens(
        app.login("alice", PASSWORD, Some(&recovery[1].to_uppercase()))
            .await,
    )
    .await;
    assert_problem(
        app.login("alice", PASSWORD, Some(&recovery[1])).await,
        401,
        "mfa_invalid",
    )
    .await;
    assert_problem(
        app.login("alice", PASSWORD, Some("zzzzz-zzzzz")).await,
        401,
        "mfa_invalid",
    )
    .await;

    // Deleting the account needs the second factor too.
    let res = app
        .delete("/api/v1/me", Some(&t.access), Some(json!({"password": PASSWORD})))
        .await;
    assert_problem(res, 401, "mfa_required").await;

    // Turning it off needs the password and a code.
    let res = app
        .delete(
            "/api/v1/me/mfa/totp",
            Some(&t.access),
            Some(json!({"password": "not the password at all", "code": recovery[2]})),
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
    assert!(mfa_enabled(&app, &t.access).await);
    let res = app
        .delete(
            "/api/v1/me/mfa/totp",
            Some(&t.access),
            Some(json!({"password": PASSWORD, "code": recovery[0]})),
        )
        .await;
    assert_problem(res, 401, "mfa_invalid").await;
    let res = app
        .delete(
            "/api/v1/me/mfa/totp",
            Some(&t.access),
            Some(json!({"password": PASSWORD, "code": recovery[2]})),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert!(!mfa_enabled(&app, &t.access).await);

    tokens(app.login("alice", PASSWORD, None).await).await;
}
