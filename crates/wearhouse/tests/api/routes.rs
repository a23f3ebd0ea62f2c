//! GPX files without times are plans, not workouts: kept as routes (`/api/v1/routes`), read back with
//! their points, stored once whatever file they come in again, and deleted (an import rolled back takes
//! its routes with it: see the store's conformance suite).

use serde_json::Value;

use crate::harness::*;

/// A route drawn in a planner: three points, elevations on two of them, no times.
const PLAN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Route planner" xmlns="http://www.topografix.com/GPX/1/1">
  <rte><name>Holmenkollen loop</name><desc>Up by the lake</desc>
    <rtept lat="59.9633" lon="10.6675"><ele>312</ele></rtept>
    <rtept lat="59.9713" lon="10.6675"><ele>332</ele></rtept>
    <rtept lat="59.9723" lon="10.6690"/>
  </rte>
</gpx>"#;

/// Great-circle metres between two points, computed here (mean Earth radius, haversine).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

#[tokio::test]
async fn a_gpx_without_times_is_kept_as_a_route_once_and_can_be_deleted() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let done = import(&app, &ana.access, "loop.gpx", PLAN.as_bytes().to_vec()).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["activities"], 0, "a plan is not a workout: {done}");
    let warnings = done["report"]["warnings"].to_string();
    assert!(
        warnings.contains("kept_as_route"),
        "the report says where it went: {done}"
    );

    let list = get_json(&app, &ana.access, "/api/v1/routes").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    let route = &items[0];
    assert_eq!(route["name"], "Holmenkollen loop");
    assert_eq!(route["description"], "Up by the lake");
    assert_eq!(route["points"], 3);
    assert_eq!(route["import_id"], done["id"]);
    let expected =
        metres((59.9633, 10.6675), (59.9713, 10.6675)) + metres((59.9713, 10.6675), (59.9723, 10.6690));
    let distance = route["distance"].as_f64().unwrap();
    assert!((distance - expected).abs() < 0.01, "{distance} vs {expected}");
    assert_eq!(route["elevation_gain"], 20.0);
    assert!(list["next_cursor"].is_null());

    let id = route["id"].as_str().unwrap();
    let one = get_json(&app, &ana.access, &format!("/api/v1/routes/{id}")).await;
    assert_eq!(one["name"], "Holmenkollen loop");
    assert_eq!(
        one["track"],
        serde_json::json!([
            [59.9633, 10.6675, 312.0],
            [59.9713, 10.6675, 332.0],
            [59.9723, 10.669, null]
        ])
    );

    // The same route in other bytes (another file name, inside a ZIP): nothing new.
    let zipped = zip_of(&[("plans/loop-copy.gpx", PLAN.replace("  ", " ").as_bytes())]);
    let again = import(&app, &ana.access, "plans.zip", zipped).await;
    assert_eq!(again["status"], "done", "{again}");
    let list = get_json(&app, &ana.access, "/api/v1/routes").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // Someone else sees none of it.
    let bob = app.signed_up("bob").await;
    let theirs = app.get(&format!("/api/v1/routes/{id}"), Some(&bob.access)).await;
    assert_eq!(theirs.status(), 404);
    let problem: Value = theirs.json().await.unwrap();
    assert_eq!(problem["code"], "route_not_found");
    assert_eq!(
        app.delete(&format!("/api/v1/routes/{id}"), Some(&bob.access), None)
            .await
            .status(),
        404
    );

    assert_eq!(
        app.delete(&format!("/api/v1/routes/{id}"), Some(&ana.access), None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get(&format!("/api/v1/routes/{id}"), Some(&ana.access))
            .await
            .status(),
        404
    );
    let bad = app.get("/api/v1/routes?cursor=nope", Some(&ana.access)).await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn routes_come_newest_first_a_page_at_a_time() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    for n in 0..3 {
        let plan = PLAN.replace("59.9633", &format!("59.96{n}"));
        import(&app, &ana.access, &format!("plan{n}.gpx"), plan.into_bytes()).await;
    }
    let first = get_json(&app, &ana.access, "/api/v1/routes?limit=2").await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = get_json(
        &app,
        &ana.access,
        &format!("/api/v1/routes?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(1));
    let ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
}
