//! Sessions: ending a session ends its access tokens, concurrent refreshes, the session list, password
//! changes, browser mode (cookies and CSRF), and login throttling per account and per address.

use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{json, Value};

use crate::harness::*;
use crate::mfa::{now_secs, totp_for};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": token}))
        .await
}

async fn me_status(app: &TestApp, access: &str) -> u16 {
    app.get("/api/v1/me", Some(access)).await.status().as_u16()
}

/// Turns MFA on for the signed-in user; returns the recovery codes.
async fn enable_mfa(app: &TestApp, access: &str, username: &str) -> Vec<String> {
    let res = app.post("/api/v1/me/mfa/totp", Some(access), json!({})).await;
    assert_eq!(res.status(), 201);
    let secret = res.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = totp_for(&secret, username).generate(now_secs());
    let res = app
        .post("/api/v1/me/mfa/totp/confirm", Some(access), json!({"code": code}))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn logout_ends_the_sessions_access_tokens_at_once() {
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
    let res = app.get("/api/v1/me", Some(&phone.access)).await;
    assert_problem(res, 401, "token_revoked").await;
    assert_eq!(me_status(&app, &laptop.access).await, 200);
}

#[tokio::test]
async fn refresh_token_reuse_ends_the_sessions_access_tokens() {
    let app = spawn_app_with(|c| c.auth.refresh_reuse_grace_secs = 0).await;
    let first = app.signed_up("ana").await;
    let second = tokens(refresh(&app, &first.refresh).await).await;
    assert_eq!(me_status(&app, &second.access).await, 200);
    assert_problem(refresh(&app, &first.refresh).await, 401, "refresh_token_reused").await;
    for access in [&first.access, &second.access] {
        assert_problem(app.get("/api/v1/me", Some(access)).await, 401, "token_revoked").await;
    }
}

#[tokio::test]
async fn enabling_mfa_ends_every_other_session() {
    let app = spawn_app().await;
    let phone = app.signed_up("ana").await;
    let laptop = tokens(app.login("ana", PASSWORD, None).await).await;
    enable_mfa(&app, &phone.access, "ana").await;
    assert_problem(
        app.get("/api/v1/me", Some(&laptop.access)).await,
        401,
        "token_revoked",
    )
    .await;
    assert_problem(refresh(&app, &laptop.refresh).await, 401, "invalid_refresh_token").await;
    // The session that turned MFA on goes on.
    assert_eq!(me_status(&app, &phone.access).await, 200);
    let next = tokens(refresh(&app, &phone.refresh).await).await;
    assert_eq!(me_status(&app, &next.access).await, 200);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_each_get_a_working_pair_in_the_same_session() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let tabs: Vec<_> = (0..8)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/v1/auth/refresh"))
                .json(&json!({"refresh_token": t.refresh}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut pairs = Vec::new();
    for tab in tabs {
        pairs.push(tokens(tab.await.unwrap().unwrap()).await);
    }
    let distinct: std::collections::HashSet<_> = pairs.iter().map(|p| p.refresh.clone()).collect();
    assert_eq!(distinct.len(), 8);
    for pair in &pairs {
        assert_eq!(me_status(&app, &pair.access).await, 200);
        let next = tokens(refresh(&app, &pair.refresh).await).await;
        assert_eq!(me_status(&app, &next.access).await, 200);
    }
    let sessions: Value = app
        .get("/api/v1/me/sessions", Some(&t.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
}

#[tokio::test]
async fn a_spent_token_presented_after_the_grace_window_is_reuse() {
    let app = spawn_app_with(|c| c.auth.refresh_reuse_grace_secs = 1).await;
    let t = app.signed_up("ana").await;
    let next = tokens(refresh(&app, &t.refresh).await).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_300)).await;
    assert_problem(refresh(&app, &t.refresh).await, 401, "refresh_token_reused").await;
    assert_problem(refresh(&app, &next.refresh).await, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one() {
    let app = spawn_app().await;
    app.register("ana").await;
    let login_as = |agent: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("user-agent", agent)
            .json(&json!({"login": "ana", "password": PASSWORD}))
            .send()
    };
    let phone = tokens(login_as("WearhouseApp/1.0 (Android)").await.unwrap()).await;
    let laptop = tokens(login_as("Mozilla/5.0 (X11; Linux)").await.unwrap()).await;
    let bruno = app.signed_up("bruno").await;

    assert_problem(app.get("/api/v1/me/sessions", None).await, 401, "unauthenticated").await;
    let res = app.get("/api/v1/me/sessions", Some(&laptop.access)).await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["client"], "Mozilla/5.0 (X11; Linux)");
    assert_eq!(current[0]["address"], "127.0.0.1");
    assert!(current[0]["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(current[0]["last_used_at"].is_string());
    let phone_session = list.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(phone_session["client"], "WearhouseApp/1.0 (Android)");
    let phone_id = phone_session["id"].as_str().unwrap();

    // Another user cannot end it, nor can an unknown id be ended.
    let path = format!("/api/v1/me/sessions/{phone_id}");
    assert_problem(
        app.delete(&path, Some(&bruno.access), None).await,
        404,
        "session_not_found",
    )
    .await;
    assert_problem(
        app.delete("/api/v1/me/sessions/nope", Some(&laptop.access), None)
            .await,
        404,
        "session_not_found",
    )
    .await;
    assert_eq!(app.delete(&path, Some(&laptop.access), None).await.status(), 204);
    assert_problem(
        app.get("/api/v1/me", Some(&phone.access)).await,
        401,
        "token_revoked",
    )
    .await;
    assert_problem(refresh(&app, &phone.refresh).await, 401, "invalid_refresh_token").await;
    assert_problem(
        app.delete(&path, Some(&laptop.access), None).await,
        404,
        "session_not_found",
    )
    .await;
    let list: Value = app
        .get("/api/v1/me/sessions", Some(&laptop.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(me_status(&app, &bruno.access).await, 200);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let phone = app.signed_up("ana").await;
    let laptop = tokens(app.login("ana", PASSWORD, None).await).await;
    let new = "lantern quarry violet";
    let put = |token: &String, body: Value| {
        let token = token.clone();
        let app = &app;
        async move {
            app.request(
                reqwest::Method::PUT,
                "/api/v1/me/password",
                Some(&token),
                Some(body),
            )
            .await
        }
    };

    let res = put(
        &laptop.access,
        json!({"current_password": "wrong password!", "new_password": new}),
    )
    .await;
    assert_problem(res, 401, "invalid_credentials").await;
    let res = put(
        &laptop.access,
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "new_password");
    assert_eq!(problem["errors"][0]["code"], "password_too_short");
    let res = put(
        &laptop.access,
        json!({"current_password": PASSWORD, "new_password": PASSWORD}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "password_unchanged");
    let res = put(&laptop.access, json!({"current_password": PASSWORD})).await;
    assert_problem(res, 422, "invalid_body").await;
    assert_eq!(
        me_status(&app, &phone.access).await,
        200,
        "failed attempts change nothing"
    );

    let res = put(
        &laptop.access,
        json!({"current_password": PASSWORD, "new_password": new}),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get("/api/v1/me", Some(&phone.access)).await,
        401,
        "token_revoked",
    )
    .await;
    assert_problem(refresh(&app, &phone.refresh).await, 401, "invalid_refresh_token").await;
    assert_eq!(me_status(&app, &laptop.access).await, 200);
    assert_problem(app.login("ana", PASSWORD, None).await, 401, "invalid_credentials").await;
    assert_eq!(app.login("ana", new, None).await.status(), 200);
}

#[tokio::test]
async fn changing_the_password_with_mfa_on_needs_the_second_factor() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let codes = enable_mfa(&app, &t.access, "ana").await;
    let new = "lantern quarry violet";
    let put = |body: Value| {
        app.request(
            reqwest::Method::PUT,
            "/api/v1/me/password",
            Some(&t.access),
            Some(body),
        )
    };
    let res = put(json!({"current_password": PASSWORD, "new_password": new})).await;
    assert_problem(res, 401, "mfa_required").await;
    let res = put(json!({"current_password": PASSWORD, "new_password": new, "totp_code": codes[0]})).await;
    assert_eq!(res.status(), 204);
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie_value<'a>(cookies: &'a [String], name: &str) -> &'a str {
    let c = cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
    c.split(';').next().unwrap().split_once('=').unwrap().1
}

#[tokio::test]
async fn browser_mode_keeps_the_refresh_token_in_an_http_only_cookie_behind_csrf_checks() {
    let app = spawn_app().await;
    app.register("ana").await;
    let origin = app.base.clone();
    let login = |origin: &str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("origin", origin)
            .json(&json!({"login": "ana", "password": PASSWORD, "mode": "browser"}))
            .send()
    };
    let res = login("https://evil.example").await.unwrap();
    assert_problem(res, 403, "csrf_failed").await;

    let res = login(&origin).await.unwrap();
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(res.headers());
    let refresh_cookie = cookies
        .iter()
        .find(|c| c.starts_with("wearhouse_refresh="))
        .unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(refresh_cookie.contains(part), "{refresh_cookie}");
    }
    assert!(!refresh_cookie.contains("Secure"), "plain HTTP: {refresh_cookie}");
    let body: Value = res.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(cookie_value(&cookies, "wearhouse_csrf"), csrf);
    let refresh_token = cookie_value(&cookies, "wearhouse_refresh").to_owned();
    assert_eq!(me_status(&app, body["access_token"].as_str().unwrap()).await, 200);

    let cookie_header = format!("wearhouse_refresh={refresh_token}; wearhouse_csrf={csrf}");
    let post = |path: &str, origin: &str, csrf: Option<&str>| {
        let mut req = app
            .client
            .post(app.url(path))
            .header("origin", origin)
            .header("cookie", cookie_header.clone())
            .json(&json!({}));
        if let Some(csrf) = csrf {
            req = req.header("x-csrf-token", csrf);
        }
        req.send()
    };
    // Without the double-submit header, with a wrong one, or from another origin: refused.
    let res = post("/api/v1/auth/refresh", &origin, None).await.unwrap();
    assert_problem(res, 403, "csrf_failed").await;
    let res = post("/api/v1/auth/refresh", &origin, Some("wrong"))
        .await
        .unwrap();
    assert_problem(res, 403, "csrf_failed").await;
    let res = post("/api/v1/auth/refresh", "https://evil.example", Some(&csrf))
        .await
        .unwrap();
    assert_problem(res, 403, "csrf_failed").await;

    let res = post("/api/v1/auth/refresh", &origin, Some(&csrf)).await.unwrap();
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(res.headers());
    let rotated = cookie_value(&cookies, "wearhouse_refresh").to_owned();
    assert_ne!(rotated, refresh_token);
    let body: Value = res.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_status(&app, &access).await, 200);

    // Logging out reads the cookie too, and clears both.
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("origin", &origin)
        .header(
            "cookie",
            format!("wearhouse_refresh={rotated}; wearhouse_csrf={csrf}"),
        )
        .header("x-csrf-token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let cleared = set_cookies(res.headers());
    assert!(cleared.iter().all(|c| c.contains("Max-Age=0")), "{cleared:?}");
    assert_eq!(cleared.len(), 2);
    assert_problem(app.get("/api/v1/me", Some(&access)).await, 401, "token_revoked").await;
}

#[tokio::test]
async fn browser_cookies_are_secure_when_the_page_is_served_over_tls() {
    let app = spawn_app_with(|c| c.http.cors_origins = vec!["https://app.example.org".into()]).await;
    app.register("ana").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("origin", "https://app.example.org")
        .json(&json!({"login": "ana", "password": PASSWORD, "mode": "browser"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(res.headers());
    assert_eq!(cookies.len(), 2);
    assert!(cookies.iter().all(|c| c.contains("; Secure")), "{cookies:?}");
}

async fn login_from(
    app: &TestApp,
    address: &str,
    login: &str,
    password: &str,
    totp: Option<&str>,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"login": login, "password": password, "totp_code": totp}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_passwords_for_one_account_from_many_addresses_are_throttled() {
    let app = spawn_app_with(|c| c.http.trust_forwarded_for = true).await;
    app.register("ana").await;
    app.register("bruno").await;
    let mut statuses = Vec::new();
    for i in 0..20 {
        let res = login_from(&app, &format!("198.51.100.{i}"), "ana", "wrong password 1", None).await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            let body = assert_problem(res, 429, "login_throttled").await;
            assert!(body["detail"].as_str().unwrap().contains("retry"));
            statuses.push(429);
        } else {
            statuses.push(res.status().as_u16());
        }
    }
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(refused >= 12, "{statuses:?}");
    // While the delay runs, a correct password alone is refused the same way (no oracle) …
    let res = login_from(&app, "203.0.113.9", "ana", PASSWORD, None).await;
    assert_problem(res, 429, "login_throttled").await;
    // … unknown accounts behave the same, and other accounts are not affected.
    for i in 0..20 {
        login_from(
            &app,
            &format!("198.51.100.{i}"),
            "nobody",
            "wrong password 1",
            None,
        )
        .await;
    }
    assert_problem(
        login_from(&app, "203.0.113.9", "nobody", PASSWORD, None).await,
        429,
        "login_throttled",
    )
    .await;
    assert_eq!(
        login_from(&app, "203.0.113.9", "bruno", PASSWORD, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_correct_password_with_a_correct_second_factor_is_never_throttled() {
    let app = spawn_app_with(|c| c.http.trust_forwarded_for = true).await;
    let t = app.signed_up("ana").await;
    let codes = enable_mfa(&app, &t.access, "ana").await;
    for i in 0..12 {
        login_from(&app, &format!("198.51.100.{i}"), "ana", "wrong password 1", None).await;
    }
    let res = login_from(&app, "203.0.113.9", "ana", PASSWORD, None).await;
    assert_problem(res, 429, "login_throttled").await;
    let res = login_from(&app, "203.0.113.9", "ana", PASSWORD, Some("not-a-code")).await;
    assert_problem(res, 429, "login_throttled").await;
    let res = login_from(&app, "203.0.113.9", "ana", "wrong password 1", Some(&codes[0])).await;
    assert_problem(res, 429, "login_throttled").await;
    let res = login_from(&app, "203.0.113.9", "ana", PASSWORD, Some(&codes[1])).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_per_address_login_limit_counts_failures_only_and_keys_ipv6_by_64() {
    let app = spawn_app_with(|c| {
        c.http.trust_forwarded_for = true;
        c.rate_limit.auth_burst = 3;
        c.rate_limit.auth_per_minute = 1;
    })
    .await;
    let t = app.signed_up("ana").await;
    // A household behind one address: many good logins and refreshes do not use up the strict bucket.
    for _ in 0..6 {
        assert_eq!(
            login_from(&app, "2001:db8:1:1::10", "ana", PASSWORD, None)
                .await
                .status(),
            200
        );
    }
    let mut refresh_token = t.refresh;
    for _ in 0..6 {
        refresh_token = tokens(refresh(&app, &refresh_token).await).await.refresh;
    }
    // Failed logins from anywhere in one /64 share a bucket (distinct unknown accounts, so the
    // per-account limit is not what stops them).
    let mut last = 0;
    for i in 0..5 {
        let res = login_from(
            &app,
            &format!("2001:db8:1:1::{i:x}"),
            &format!("nobody{i}"),
            "wrong password 1",
            None,
        )
        .await;
        last = res.status().as_u16();
    }
    assert_eq!(last, 429);
    let res = login_from(&app, "2001:db8:1:1:ffff::1", "ana", PASSWORD, None).await;
    assert_problem(res, 429, "rate_limited").await;
    // The next /64 is someone else.
    assert_eq!(
        login_from(&app, "2001:db8:1:2::1", "ana", PASSWORD, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_stolen_access_token_cannot_guess_the_password_faster_than_login() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let mut throttled = 0;
    for _ in 0..12 {
        let body = json!({"current_password": "wrong password 1", "new_password": "lantern quarry violet"});
        let res = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/me/password",
                Some(&t.access),
                Some(body),
            )
            .await;
        if res.status() == 429 {
            assert_problem(res, 429, "login_throttled").await;
            throttled += 1;
        }
    }
    assert!(throttled >= 5, "{throttled}");
    // Logging in counts against the same account.
    assert_problem(app.login("ana", PASSWORD, None).await, 429, "login_throttled").await;
}
