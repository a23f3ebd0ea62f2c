//! `/api/v1/admin/users`: listing accounts, changing roles, (de)activating, and the last-admin guard.

use serde_json::{json, Value};

use crate::harness::*;

async fn user_id(app: &TestApp, token: &str) -> String {
    let res = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn non_admins_are_forbidden() {
    let app = spawn_app().await;
    let t = app.signed_up("alice").await;
    let id = user_id(&app, &t.access).await;

    assert_problem(
        app.get("/api/v1/admin/users", Some(&t.access)).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .patch(
            &format!("/api/v1/admin/users/{id}"),
            Some(&t.access),
            json!({"roles": ["admin"]}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let me: Value = app.get("/api/v1/me", Some(&t.access)).await.json().await.unwrap();
    assert_eq!(me["roles"], json!(["user"]), "no self-promotion");

    assert_problem(app.get("/api/v1/admin/users", None).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn non_admins_are_refused_before_their_parameters_are_read() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    for path in [
        "/api/v1/admin/users?cursor=not-a-cursor",
        "/api/v1/admin/users?limit=many",
    ] {
        assert_problem(app.get(path, Some(&ana.access)).await, 403, "forbidden").await;
    }
    let res = app
        .patch(
            "/api/v1/admin/users/not-an-id",
            Some(&ana.access),
            json!({"roles": 7}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn admins_page_through_all_users_in_creation_order() {
    let app = spawn_app().await;
    let root = app.admin("root").await;
    let names = ["alice", "bob", "carol", "dave", "erin"];
    for name in names {
        app.register(name).await;
    }

    let mut seen = Vec::new();
    let mut pages = 0;
    let mut path = "/api/v1/admin/users?limit=2".to_owned();
    for _ in 0..10 {
        pages += 1;
        let res = app.get(&path, Some(&root.access)).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{page}");
        for item in items {
            assert!(item.get("password_hash").is_none() && item.get("totp_secret").is_none());
            seen.push(item["username"].as_str().unwrap().to_owned());
        }
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(cursor) => path = format!("/api/v1/admin/users?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = std::iter::once("root").chain(names).map(str::to_owned).collect();
    assert_eq!(seen, expected);
    assert_eq!(
        pages, 3,
        "six users in pages of two: the last full page promises no other"
    );

    // Default page: everyone at once, with admin fields.
    let page: Value = app
        .get("/api/v1/admin/users", Some(&root.access))
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    assert!(page.get("next_cursor").is_none_or(Value::is_null), "{page}");
    assert_eq!(items[0]["roles"], json!(["user", "admin"]));
    assert_eq!(items[1]["email"], "alice@example.org");
    assert_eq!(items[1]["active"], true);
    assert_eq!(items[1]["mfa_enabled"], false);

    let res = app
        .get("/api/v1/admin/users?cursor=garbage", Some(&root.access))
        .await;
    assert_problem(res, 400, "invalid_cursor").await;
}

#[tokio::test]
async fn admins_change_roles() {
    let app = spawn_app().await;
    let root = app.admin("root").await;
    let alice = app.signed_up("alice").await;
    let id = user_id(&app, &alice.access).await;
    let path = format!("/api/v1/admin/users/{id}");

    let res = app
        .patch(&path, Some(&root.access), json!({"roles": ["trainer"]}))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["roles"], json!(["user", "trainer"]));
    assert_eq!(body["active"], true);
    // Visible to the user at once.
    let me: Value = app
        .get("/api/v1/me", Some(&alice.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["user", "trainer"]));

    let res = app
        .patch(&path, Some(&root.access), json!({"roles": ["wizard"]}))
        .await;
    assert_problem(res, 422, "invalid_body").await;

    let unknown = format!("/api/v1/admin/users/usr_{}", uuid::Uuid::now_v7().simple());
    let res = app
        .patch(&unknown, Some(&root.access), json!({"roles": ["trainer"]}))
        .await;
    assert_problem(res, 404, "user_not_found").await;
}

#[tokio::test]
async fn deactivation_ends_access_at_once_and_reactivation_restores_it() {
    let app = spawn_app().await;
    let root = app.admin("root").await;
    let alice = app.signed_up("alice").await;
    let id = user_id(&app, &alice.access).await;
    let path = format!("/api/v1/admin/users/{id}");

    let res = app
        .patch(&path, Some(&root.access), json!({"active": false}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["active"], false);

    assert_problem(
        app.get("/api/v1/me", Some(&alice.access)).await,
        403,
        "account_disabled",
    )
    .await;
    assert_problem(app.login("alice", PASSWORD, None).await, 403, "account_disabled").await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": alice.refresh}),
        )
        .await;
    assert_eq!(res.status(), 401, "refresh after deactivation");
    // Deactivated users have no public profile.
    let res = app.get("/api/v1/users/alice", Some(&root.access)).await;
    assert_problem(res, 404, "user_not_found").await;

    let res = app
        .patch(&path, Some(&root.access), json!({"active": true}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["active"], true);
    let again = tokens(app.login("alice", PASSWORD, None).await).await;
    assert_eq!(app.get("/api/v1/me", Some(&again.access)).await.status(), 200);
    // The session ended by deactivation stays ended.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": alice.refresh}),
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_last_admin_cannot_demote_or_deactivate_itself() {
    let app = spawn_app().await;
    let root = app.admin("root").await;
    let root_id = user_id(&app, &root.access).await;
    let path = format!("/api/v1/admin/users/{root_id}");

    let res = app
        .patch(&path, Some(&root.access), json!({"roles": ["user"]}))
        .await;
    assert_problem(res, 409, "last_admin").await;
    let res = app.patch(&path, Some(&root.access), json!({"roles": []})).await;
    assert_problem(res, 409, "last_admin").await;
    let res = app
        .patch(&path, Some(&root.access), json!({"active": false}))
        .await;
    assert_problem(res, 409, "last_admin").await;
    let res = app
        .delete(
            "/api/v1/me",
            Some(&root.access),
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_problem(res, 409, "last_admin").await;
    let me: Value = app
        .get("/api/v1/me", Some(&root.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["user", "admin"]));

    // With a second admin, stepping down is allowed.
    let bob = app.signed_up("bob").await;
    let bob_id = user_id(&app, &bob.access).await;
    let res = app
        .patch(
            &format!("/api/v1/admin/users/{bob_id}"),
            Some(&root.access),
            json!({"roles": ["admin"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(&path, Some(&root.access), json!({"roles": ["user"]}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["roles"], json!(["user"]));
    assert_problem(
        app.get("/api/v1/admin/users", Some(&root.access)).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/admin/users", Some(&bob.access)).await.status(),
        200
    );
}
