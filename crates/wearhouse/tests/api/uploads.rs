//! How uploads arrive: multipart forms as large as raw bodies, JSON endpoints that refuse other media
//! types, and the limits on uploads that are exempt from the request deadline (idle timeout, uploads
//! per account, free disk).

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{assert_problem, finished, get_json, spawn_app, spawn_app_with, TestApp};

/// A GPX run of `points` one-second track points: about 200 bytes each.
fn long_gpx(points: usize) -> Vec<u8> {
    let mut gpx = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Test Watch" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <trk><name>Long run</name><type>running</type><trkseg>
"#,
    );
    let start = jiff::Timestamp::from_second(1_772_348_400).unwrap();
    for i in 0..points {
        let at = start + jiff::SignedDuration::from_secs(i as i64);
        let lat = 52.5 + i as f64 * 0.000_03;
        writeln!(
            gpx,
            r#"    <trkpt lat="{lat:.6}" lon="13.405000"><ele>34.0</ele><time>{at}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>"#,
            120 + i % 40
        )
        .unwrap();
    }
    gpx.push_str("  </trkseg></trk>\n</gpx>\n");
    gpx.into_bytes()
}

/// A `multipart/form-data` body with one text field and one file field.
fn form(boundary: &str, file_name: &str, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom the dashboard\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/gpx+xml\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn multipart_uploads_are_not_cut_off_by_the_json_body_limit() {
    let app = spawn_app().await;
    let token = app.signed_up("ana").await.access;
    let gpx = long_gpx(12_000);
    assert!(gpx.len() > 2 * 1024 * 1024, "larger than the 1 MiB body limit");
    let boundary = "wearhouse-test-boundary-7MA4YWxkTrZu0gW";
    let res = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form(boundary, "long-run.gpx", &gpx))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["file_name"], "long-run.gpx");
    assert_eq!(queued["bytes_total"], gpx.len() as u64, "the file, not the form");
    let done = finished(&app, &token, queued["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["activities"], 1);
    let list = get_json(&app, &token, "/api/v1/activities").await;
    assert_eq!(list["items"][0]["stream_points"], 12_000);
}

#[tokio::test]
async fn activity_bodies_must_be_declared_as_json() {
    let app = spawn_app().await;
    let token = app.signed_up("ana").await.access;
    let activity = r#"{"type":"running","start":"2026-03-01T07:00:00Z","end":"2026-03-01T07:30:00Z"}"#;
    let batch = format!(r#"{{"activities":[{activity}]}}"#);
    for (path, body) in [
        ("/api/v1/activities", activity),
        ("/api/v1/activities/batch", batch.as_str()),
    ] {
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/xml"),
            None,
        ] {
            let mut req = app
                .client
                .post(app.url(path))
                .bearer_auth(&token)
                .body(body.to_owned());
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            let res = req.send().await.unwrap();
            let problem = assert_problem(res, 415, "unsupported_media_type").await;
            assert!(problem["detail"].as_str().unwrap().contains("application/json"));
        }
    }
    let list = get_json(&app, &token, "/api/v1/activities").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "nothing was created");
}

/// An upload over a raw connection that declares `length` bytes and sends only `sent` of them, then
/// holds the connection open.
async fn stalled_upload(app: &TestApp, token: &str, length: usize, sent: usize) -> TcpStream {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/imports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nX-File-Name: export.xml\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![b' '; sent]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// The status line and body of the response on a raw connection.
async fn response_of(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    if String::from_utf8_lossy(&buf).contains("\"code\"") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered");
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn an_upload_that_stops_sending_is_ended() {
    let app = spawn_app_with(|c| c.http.upload_idle_timeout_secs = 1).await;
    let token = app.signed_up("ana").await.access;
    let mut stream = stalled_upload(&app, &token, 10_000, 100).await;
    let response = response_of(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("\"code\":\"upload_stalled\""), "{response}");
    let imports = get_json(&app, &token, "/api/v1/imports").await;
    assert_eq!(imports.as_array().unwrap().len(), 0, "nothing was queued");
    let incoming = std::fs::read_dir(app.config.data_dir.join("imports"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    assert_eq!(incoming, 0, "the partial upload was deleted");
}

#[tokio::test]
async fn an_account_streams_a_limited_number_of_uploads_at_once() {
    let app = spawn_app_with(|c| c.http.uploads_per_user = 1).await;
    let ana = app.signed_up("ana").await.access;
    let bo = app.signed_up("bruno").await.access;
    let first = stalled_upload(&app, &ana, 10_000, 100).await;
    // The server takes the first upload's slot when it starts reading its body; a probe sent before that
    // would take the slot itself and leave the first one refused, so give the server time to start.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut refused = None;
    for _ in 0..100 {
        let res = crate::harness::upload(&app, &ana, "run.gpx", long_gpx(3)).await;
        if res.status() == 429 {
            refused = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a second upload of the same account is refused");
    assert_eq!(refused.headers()["retry-after"], "10");
    assert_problem(refused, 429, "too_many_uploads").await;
    let other = crate::harness::upload(&app, &bo, "run.gpx", long_gpx(3)).await;
    assert_eq!(other.status(), 202, "another account is not affected");

    drop(first);
    // The broken-off upload frees its slot as soon as the server notices.
    let mut accepted = false;
    for _ in 0..100 {
        let res = crate::harness::upload(&app, &ana, "run.gpx", long_gpx(3)).await;
        if res.status() == 202 {
            accepted = true;
            break;
        }
        assert_eq!(res.status(), 429);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(accepted, "the slot came back");
}

#[tokio::test]
async fn an_upload_the_disk_cannot_take_is_refused_with_507() {
    // A reserve larger than any disk: nothing fits.
    let app = spawn_app_with(|c| c.http.upload_min_free_mb = 1 << 40).await;
    let token = app.signed_up("ana").await.access;
    let res = crate::harness::upload(&app, &token, "run.gpx", long_gpx(3)).await;
    let problem = assert_problem(res, 507, "insufficient_storage").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("MB free"),
        "{problem}"
    );
    let imports = get_json(&app, &token, "/api/v1/imports").await;
    assert_eq!(imports.as_array().unwrap().len(), 0);
}
