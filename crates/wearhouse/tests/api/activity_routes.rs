//! `GET /api/v1/activities/routes`: every matching route at once, simplified, for the heatmap.

use serde_json::{json, Value};
use wearhouse_analytics::route::decode_polyline;

use crate::harness::*;

/// Degrees per metre of latitude.
const DEGREE_PER_M: f64 = 1.0 / 111_195.0;

/// An activity of `kind` at `start` whose track goes 1 km north, then 1 km east, a point every metre,
/// every other point 3 m off to the side.
fn l_shaped(kind: &str, start: &str, end: &str) -> Value {
    let east = DEGREE_PER_M / 52.5f64.to_radians().cos();
    let mut lat = Vec::new();
    let mut lon = Vec::new();
    for i in 0..=2000 {
        let side = if i % 2 == 1 { 3.0 } else { 0.0 };
        let (north, eastward) = if i <= 1000 {
            (f64::from(i), side)
        } else {
            (1000.0 + side, f64::from(i - 1000))
        };
        lat.push(52.5 + north * DEGREE_PER_M);
        lon.push(13.4 + eastward * east);
    }
    json!({"type": kind, "start": start, "end": end,
           "streams": {"time": (0..=2000).collect::<Vec<_>>(), "lat": lat, "lon": lon}})
}

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let res = app.post("/api/v1/activities", Some(token), body).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// (type, points of the decoded polyline) of each route.
fn shapes(body: &Value) -> Vec<(String, usize)> {
    body["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let points = decode_polyline(r["polyline"].as_str().unwrap()).unwrap();
            assert_eq!(r["points"], points.len());
            (r["type"].as_str().unwrap().to_owned(), points.len())
        })
        .collect()
}

#[tokio::test]
async fn every_route_comes_simplified_newest_first_and_filtered() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let run = create(
        &app,
        &ana.access,
        l_shaped("running", "2026-03-01T08:00:00Z", "2026-03-01T08:40:00Z"),
    )
    .await;
    create(
        &app,
        &ana.access,
        l_shaped("cycling", "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z"),
    )
    .await;
    // No positions: no route.
    create(
        &app,
        &ana.access,
        json!({"type": "running", "start": "2026-03-03T08:00:00Z", "end": "2026-03-03T08:30:00Z",
               "streams": {"time": [0, 1, 2], "heart_rate": [120, 121, 122]}}),
    )
    .await;

    let all = get_json(&app, &ana.access, "/api/v1/activities/routes").await;
    assert_eq!(all["tolerance_m"], 10.0);
    assert_eq!(all["truncated"], false);
    // The 3 m wobbles go at 10 m: the corner and the ends are left.
    assert_eq!(
        shapes(&all),
        [("cycling".to_owned(), 3), ("running".to_owned(), 3)]
    );
    let route = decode_polyline(all["routes"][1]["polyline"].as_str().unwrap()).unwrap();
    // Within the tolerance (10 m) of where the track starts and turns.
    let metres = |a: (f64, f64), b: (f64, f64)| {
        let north = (a.0 - b.0) / DEGREE_PER_M;
        let east = (a.1 - b.1) / DEGREE_PER_M * 52.5f64.to_radians().cos();
        north.hypot(east)
    };
    assert!(metres(route[0], (52.5, 13.4)) < 1.0, "{route:?}");
    assert!(
        metres(route[1], (52.5 + 1000.0 * DEGREE_PER_M, 13.4)) < 10.0,
        "{route:?}"
    );
    assert_eq!(all["routes"][1]["id"], run.as_str());
    assert_eq!(all["routes"][1]["start"], "2026-03-01T08:00:00Z");

    // At 1 m every wobble stays.
    let fine = get_json(&app, &ana.access, "/api/v1/activities/routes?tolerance_m=1").await;
    assert!(
        shapes(&fine).iter().all(|(_, n)| *n > 1900),
        "{:?}",
        shapes(&fine)
    );

    let rides = get_json(&app, &ana.access, "/api/v1/activities/routes?type=cycling").await;
    assert_eq!(shapes(&rides), [("cycling".to_owned(), 3)]);
    let march_first = get_json(
        &app,
        &ana.access,
        "/api/v1/activities/routes?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
    )
    .await;
    assert_eq!(shapes(&march_first), [("running".to_owned(), 3)]);

    // A deleted activity's route goes at once; nobody else sees Ana's.
    let res = app
        .delete(&format!("/api/v1/activities/{run}"), Some(&ana.access), None)
        .await;
    assert_eq!(res.status(), 200);
    let after = get_json(&app, &ana.access, "/api/v1/activities/routes").await;
    assert_eq!(shapes(&after), [("cycling".to_owned(), 3)]);
    let bruno = app.signed_up("bruno").await;
    let theirs = get_json(&app, &bruno.access, "/api/v1/activities/routes").await;
    assert_eq!(theirs["routes"], json!([]));
}

#[tokio::test]
async fn bad_filters_are_named() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    for (query, field) in [
        ("tolerance_m=0.5", "tolerance_m"),
        ("tolerance_m=5000", "tolerance_m"),
        ("type=flying", "type"),
        ("from=yesterday", "from"),
    ] {
        let res = app
            .get(&format!("/api/v1/activities/routes?{query}"), Some(&ana.access))
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}
