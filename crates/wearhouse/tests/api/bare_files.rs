//! Files of a Fitbit or Google Fit Takeout uploaded on their own: recognised by the name their export
//! gave them and by content; refused, with the reason and what is read, when the name is missing or
//! the content does not fit. Apple's `export_cda.xml` is never dropped without a word.

use serde_json::{json, Value};

use crate::harness::*;

const WEIGHTS: &str = r#"[
    {"logId": 1, "weight": 60.0, "date": "02/20/26", "time": "07:00:00"},
    {"logId": 2, "weight": 61.0, "date": "03/10/26", "time": "07:00:00"}]"#;

/// Uploads `bytes` as a raw body without a file name.
async fn upload_unnamed(app: &TestApp, token: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Uploads `bytes` as the file field of a multipart form named `file_name`.
async fn upload_form(app: &TestApp, token: &str, file_name: &str, bytes: &[u8]) -> reqwest::Response {
    let boundary = "wearhouse-bare-file-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn weight_starts(app: &TestApp, token: &str) -> Vec<String> {
    let list = get_json(
        app,
        token,
        "/api/v1/samples?metric=body_mass&from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z",
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_fitbit_file_alone_is_read_by_the_name_its_export_gave_it() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;

    // Without its name it is JSON like any other: refused, saying why and what is read.
    let refused = assert_problem(
        upload_unnamed(&app, &ana.access, WEIGHTS.as_bytes().to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("without a name"), "{detail}");
    assert!(
        detail.contains("X-File-Name") && detail.contains("weight-"),
        "{detail}"
    );

    // Named like its export names it, it is read (the client's folders do not matter).
    let done = import(
        &app,
        &ana.access,
        "Downloads/Fitbit/weight-2026-02-20.json",
        WEIGHTS.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(done["format"], "fitbit", "{done}");
    assert_eq!(done["imported"], 2, "{done}");
    // No zone set: UTC.
    assert_eq!(
        weight_starts(&app, &ana.access).await,
        ["2026-02-20T07:00:00+00:00", "2026-03-10T07:00:00+00:00"]
    );

    // A name that promises a Fitbit file over content that is not one is refused, and says so.
    let misnamed = assert_problem(
        upload(
            &app,
            &ana.access,
            "weight-2026-02-21.json",
            b"<html>sign in</html>".to_vec(),
        )
        .await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert!(
        misnamed["detail"]
            .as_str()
            .unwrap()
            .contains("named like a file of an export"),
        "{misnamed}"
    );

    // The multipart file name counts as well.
    let resting =
        r#"[{"dateTime": "03/01/26 00:00:00", "value": {"date": "03/01/26", "value": 55.5, "error": 5.0}}]"#;
    let res = upload_form(
        &app,
        &ana.access,
        "resting_heart_rate-2026-03-01.json",
        resting.as_bytes(),
    )
    .await;
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = finished(&app, &ana.access, &id).await;
    assert_eq!(
        (done["status"].clone(), done["imported"].clone()),
        (json!("done"), json!(1)),
        "{done}"
    );
}

#[tokio::test]
async fn a_google_fit_daily_csv_alone_gives_its_days() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let csv = fixture("google_fit_daily_only/Takeout/Fit/Daily activity metrics/Daily activity metrics.csv");
    let done = import(&app, &ana.access, "Daily activity metrics.csv", csv).await;
    assert_eq!(done["format"], "google_fit", "{done}");
    let steps: Vec<(String, f64)> = daily_rows(&app, &ana.access, "2025-01-10", "2025-01-11")
        .await
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap().to_owned(),
                r["steps"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [("2025-01-10".to_owned(), 100.0), ("2025-01-11".to_owned(), 900.0)],
        "the fixture's day rows"
    );
}

#[tokio::test]
async fn apples_clinical_document_copy_is_named_not_silently_skipped() {
    let app = spawn_app().await;
    let ana = app.signed_up("ana").await;
    let cda = br#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3"><component/></ClinicalDocument>"#;
    let refused = assert_problem(
        upload(&app, &ana.access, "export_cda.xml", cda.to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("upload export.xml or the whole export.zip"),
        "{refused}"
    );

    // In the export's archive it is skipped with a note in the report.
    let export = br#"<?xml version="1.0" encoding="UTF-8"?>
<HealthData locale="en_US">
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" startDate="2026-03-01 08:00:00 +0100" endDate="2026-03-01 08:10:00 +0100" value="500"/>
</HealthData>"#;
    let zip = zip_of(&[
        ("apple_health_export/export.xml", export.as_slice()),
        ("apple_health_export/export_cda.xml", cda.as_slice()),
    ]);
    let done = import(&app, &ana.access, "export.zip", zip).await;
    assert_eq!(done["imported"], 1, "{done}");
    assert_eq!(
        done["report"]["warning_counts"]["duplicate_of_export_xml"], 1,
        "{done}"
    );
    let note = done["report"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "duplicate_of_export_xml")
        .cloned()
        .unwrap();
    assert!(
        note["detail"]
            .as_str()
            .unwrap()
            .contains("export.xml was read instead"),
        "{note}"
    );
}
