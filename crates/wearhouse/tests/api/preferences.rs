//! `/api/v1/me/preferences`: the dashboard's layout, theme, language and units, saved per user.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::*;

async fn put(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, "/api/v1/me/preferences", Some(token), Some(body))
        .await
}

#[tokio::test]
async fn defaults_until_saved_then_the_saved_ones_on_every_session() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let defaults = get_json(&app, &t.access, "/api/v1/me/preferences").await;
    assert_eq!(
        defaults,
        json!({
            "today_cards": ["steps", "distance", "active_energy", "resting_energy", "exercise", "sleep",
                "resting_heart_rate", "hrv", "weight"],
            "theme": "system", "language": null, "unit_system": "metric", "updated_at": null
        })
    );

    let res = put(
        &app,
        &t.access,
        json!({"today_cards": ["sleep", "hrv", "steps"], "theme": "dark", "language": "de", "unit_system": "imperial"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["today_cards"], json!(["sleep", "hrv", "steps"]));
    assert!(saved["updated_at"].is_string());

    // Another device (a new session) gets the same, and the profile follows the unit system.
    let other = tokens(app.login("ana", PASSWORD, None).await).await;
    assert_eq!(
        get_json(&app, &other.access, "/api/v1/me/preferences").await,
        saved
    );
    assert_eq!(
        get_json(&app, &other.access, "/api/v1/me").await["unit_system"],
        "imperial"
    );

    // A PUT replaces the whole: the language left out is the browser's again, the units stay.
    let res = put(&app, &t.access, json!({"today_cards": [], "theme": "light"})).await;
    let replaced: Value = res.json().await.unwrap();
    assert_eq!(
        (
            replaced["today_cards"].clone(),
            replaced["theme"].clone(),
            replaced["language"].clone()
        ),
        (json!([]), json!("light"), Value::Null)
    );
    assert_eq!(replaced["unit_system"], "imperial");

    // Any well-formed language tag is kept, also one this dashboard does not ship (another client
    // may); the dashboard then shows the browser's language.
    let res = put(
        &app,
        &t.access,
        json!({"today_cards": [], "theme": "light", "language": "pt-BR"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["language"], "pt-BR");

    // Someone else's are their own.
    let bruno = app.signed_up("bruno").await;
    assert_eq!(
        get_json(&app, &bruno.access, "/api/v1/me/preferences").await["theme"],
        "system"
    );
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_saved() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let res = put(
        &app,
        &t.access,
        json!({"today_cards": ["steps", "vo2max"], "theme": "sepia", "language": "Klingon"}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let errors: Vec<(String, String)> = field_codes(&problem);
    assert_eq!(
        errors,
        [
            ("today_cards".into(), "unknown_card".into()),
            ("theme".into(), "unknown_theme".into()),
            ("language".into(), "unknown_language".into()),
        ]
    );
    let res = put(
        &app,
        &t.access,
        json!({"today_cards": ["steps", "steps"], "theme": "dark"}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "duplicate_card");
    assert_eq!(
        get_json(&app, &t.access, "/api/v1/me/preferences").await["updated_at"],
        Value::Null
    );
    let res = app.get("/api/v1/me/preferences", None).await;
    assert_eq!(res.status(), 401);
}
