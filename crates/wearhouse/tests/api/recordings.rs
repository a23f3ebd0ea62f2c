//! One recording uploaded twice: a cut-off upload followed by the complete file is one activity, with
//! the complete file's figures and streams.

use serde_json::Value;

use crate::harness::*;

async fn activities(app: &TestApp, token: &str) -> Vec<Value> {
    let list: Value = app
        .get("/api/v1/activities", Some(token))
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_cut_off_upload_is_replaced_by_the_complete_file_of_the_same_recording() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let complete = fixture("fit/run_2025-10-26.fit");
    let cut = complete[..complete.len() / 2].to_vec();

    import(&app, &ana.access, "run-partial.fit", cut).await;
    let partial = activities(&app, &ana.access).await;
    assert_eq!(partial.len(), 1, "{partial:?}");
    let partial = &partial[0];

    let done = import(&app, &ana.access, "run.fit", complete).await;
    assert_eq!(
        done["activities"], 1,
        "the complete file counts as the activity it completes: {done}"
    );
    let after = activities(&app, &ana.access).await;
    assert_eq!(after.len(), 1, "one recording, one activity: {after:?}");
    let whole = &after[0];
    assert_eq!(whole["id"], partial["id"], "the same activity, completed");
    let instant = |a: &Value| a["start"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
    assert_eq!(instant(whole), instant(partial));
    assert_eq!(
        whole["start"], "2025-10-26T00:30:00+02:00",
        "the complete file also tells the offset the cut-off one lacked"
    );
    assert!(
        whole["duration"].as_f64().unwrap() > partial["duration"].as_f64().unwrap(),
        "{partial} → {whole}"
    );
    assert_eq!(whole["duration"], 1830.0, "the session's elapsed time");
    assert!(whole["stream_points"].as_i64().unwrap() > partial["stream_points"].as_i64().unwrap());
    assert_eq!(whole["revision"], 2, "the replacement is a revision");

    // The cut-off file again changes nothing: the complete recording stays.
    let again = upload(&app, &ana.access, "run-partial-copy.fit", {
        let mut bytes = fixture("fit/run_2025-10-26.fit");
        bytes.truncate(bytes.len() / 2);
        bytes
    })
    .await;
    assert_eq!(again.status(), 200, "the same bytes: the earlier import answers");
    let still = activities(&app, &ana.access).await;
    assert_eq!(still[0]["duration"], 1830.0);
}
