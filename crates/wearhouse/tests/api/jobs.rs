//! The job queue seen from outside: imports run as jobs, administrators list and retry them, `/metrics`
//! counts them.

use serde_json::Value;
use wearhouse_store::{Lease, NewJob};

use crate::harness::*;

#[tokio::test]
async fn an_upload_runs_as_a_job_that_the_admin_listing_shows_done() {
    let app = spawn_app().await;
    let admin = app.admin("root").await;
    let ana = app.signed_up("ana").await;
    let mut xml = Vec::new();
    wearhouse_formats::apple_health::synthetic::write_export(&mut xml, 2, 7).unwrap();
    let done = import(&app, &ana.access, "export.xml", xml).await;
    assert_eq!(done["status"], "done", "{done}");
    let id = done["id"].as_str().unwrap();

    // Its samples marked days, which enqueued the user's rollup job, and wrote events, which enqueued
    // their publishing; the server's worker runs both soon (the publishing job then watches for more
    // events for a few seconds before it is done).
    let mut page = Value::Null;
    let kinds = ["imports.run", "rollups.recompute", "events.publish"];
    for _ in 0..300 {
        page = get_json(&app, &admin.access, "/api/v1/admin/jobs?state=done").await;
        let items = page["items"].as_array().unwrap();
        if kinds.iter().all(|k| items.iter().any(|j| j["kind"] == *k)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let items = page["items"].as_array().unwrap();
    let job = items
        .iter()
        .find(|j| j["kind"] == "imports.run")
        .unwrap_or_else(|| panic!("the import's job: {page}"));
    assert_eq!(job["payload"]["import"], id);
    assert_eq!(job["unique_key"], format!("import:{id}"));
    assert_eq!(job["attempts"], 1);
    assert!(job["finished_at"].is_string() && job["lease_owner"].is_null());
    for kind in kinds {
        assert!(items.iter().any(|j| j["kind"] == kind), "{kind}: {page}");
    }
    for item in items {
        assert_eq!(item["state"], "done");
    }

    let res = app.get("/api/v1/admin/jobs", Some(&ana.access)).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .get("/api/v1/admin/jobs?state=lost", Some(&admin.access))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_dead_job_is_retried_by_an_admin_and_then_runs() {
    let app = spawn_app().await;
    let admin = app.admin("root").await;
    let store = wearhouse::bootstrap::open_store(&app.config).await.unwrap();
    // A job that died: its only attempt failed.
    let now = jiff::Timestamp::now();
    let id = store
        .jobs
        .enqueue(
            &NewJob::new("noop", "{}", now + jiff::SignedDuration::from_hours(1)).max_attempts(1),
            now,
        )
        .await
        .unwrap();
    let lease = Lease {
        owner: "test".into(),
        until: now + jiff::SignedDuration::from_secs(60),
    };
    store
        .jobs
        .claim(&lease, now + jiff::SignedDuration::from_hours(2), 10)
        .await
        .unwrap();
    store.jobs.fail("test", id, "it broke", now, now).await.unwrap();

    let dead = get_json(&app, &admin.access, "/api/v1/admin/jobs?state=dead").await;
    assert_eq!(dead["items"][0]["id"], id);
    assert_eq!(dead["items"][0]["last_error"], "it broke");

    let res = app
        .post(
            &format!("/api/v1/admin/jobs/{id}/retry"),
            Some(&admin.access),
            Value::Null,
        )
        .await;
    assert_eq!(res.status(), 200);
    let retried: Value = res.json().await.unwrap();
    assert_eq!(
        (retried["state"].as_str(), retried["attempts"].as_i64()),
        (Some("queued"), Some(0))
    );
    // The server's worker runs it.
    let mut state = String::new();
    for _ in 0..100 {
        state = store.jobs.job(id).await.unwrap().state.as_str().to_owned();
        if state == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, "done");

    let again = app
        .post(
            &format!("/api/v1/admin/jobs/{id}/retry"),
            Some(&admin.access),
            Value::Null,
        )
        .await;
    assert_problem(again, 409, "job_not_dead").await;
    for missing in ["999999", "abc", "0"] {
        let res = app
            .post(
                &format!("/api/v1/admin/jobs/{missing}/retry"),
                Some(&admin.access),
                Value::Null,
            )
            .await;
        assert_problem(res, 404, "job_not_found").await;
    }

    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        metrics.contains("wearhouse_jobs{kind=\"noop\",state=\"done\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("wearhouse_job_runs_total{kind=\"noop\",outcome=\"done\"} 1"),
        "{metrics}"
    );
    assert_eq!(metrics.matches("# EOF").count(), 1);
    assert!(metrics.trim_end().ends_with("# EOF"));
    store.close().await;
}
