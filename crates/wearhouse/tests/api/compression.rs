//! Response compression: JSON over 1 KB in gzip or brotli when the client accepts it, everything else
//! as it was.

use std::io::Read;

use reqwest::Response;
use serde_json::{json, Value};

use crate::harness::*;

async fn get_encoded(app: &TestApp, path: &str, token: Option<&str>, accept: Option<&str>) -> Response {
    let mut req = app.client.get(app.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(accept) = accept {
        req = req.header("accept-encoding", accept);
    }
    req.send().await.unwrap()
}

fn encoding(res: &Response) -> Option<String> {
    res.headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
}

fn decode(encoding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap(),
        "br" => brotli::Decompressor::new(bytes, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        other => panic!("unexpected encoding {other}"),
    };
    out
}

#[tokio::test]
async fn json_over_a_kilobyte_is_compressed_when_accepted_and_nothing_else_is() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let samples: Vec<Value> = (0..60)
        .map(|d| {
            json!({"metric": "steps", "value": 1000 + d * 7, "start": format!("2026-03-{:02}T08:00:00Z", d % 28 + 1), "end": format!("2026-03-{:02}T09:00:00Z", d % 28 + 1)})
        })
        .collect();
    let res = app
        .post("/api/v1/samples", Some(&t.access), json!({ "samples": samples }))
        .await;
    assert_eq!(res.status(), 200);
    let year = "/api/v1/summaries/daily?from=2026-01-01&to=2026-12-31";

    let plain = get_encoded(&app, year, Some(&t.access), None).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(encoding(&plain), None, "nothing accepted, nothing encoded");
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > 1024, "{} bytes", plain.len());

    for (accept, expected) in [("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br")] {
        let res = get_encoded(&app, year, Some(&t.access), Some(accept)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(encoding(&res).as_deref(), Some(expected), "{accept}");
        assert_eq!(res.headers()["content-type"], "application/json");
        let vary = res.headers()["vary"].to_str().unwrap().to_ascii_lowercase();
        assert!(vary.contains("accept-encoding"), "{vary}");
        let body = res.bytes().await.unwrap();
        assert!(
            body.len() * 3 < plain.len(),
            "{accept}: {} of {} bytes",
            body.len(),
            plain.len()
        );
        assert_eq!(decode(expected, &body), plain.to_vec(), "{accept}");
    }
    // Encodings not offered are not used.
    let res = get_encoded(&app, year, Some(&t.access), Some("deflate, zstd")).await;
    assert_eq!(encoding(&res), None);

    // Small JSON stays as it is.
    let me = get_encoded(&app, "/api/v1/me", Some(&t.access), Some("gzip, br")).await;
    assert_eq!(me.status(), 200);
    assert_eq!(encoding(&me), None);
    assert_eq!(me.json::<Value>().await.unwrap()["username"], "ana");

    // Problems keep their media type; a small one goes out plain.
    let res = get_encoded(&app, "/api/v1/nowhere", None, Some("gzip, br")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(encoding(&res), None);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");

    // The OpenAPI document is JSON too.
    let res = get_encoded(&app, "/api/v1/openapi.json", None, Some("gzip")).await;
    assert_eq!(encoding(&res).as_deref(), Some("gzip"));
    let doc: Value = serde_json::from_slice(&decode("gzip", &res.bytes().await.unwrap())).unwrap();
    assert!(doc["paths"]["/api/v1/summaries/daily"].is_object());

    // Metrics are text, not JSON: as they were.
    let res = get_encoded(&app, "/metrics", None, Some("gzip, br")).await;
    assert_eq!(encoding(&res), None);
}

#[tokio::test]
async fn a_streamed_upload_works_with_compression_accepted() {
    let app = spawn_app().await;
    let t = app.signed_up("ana").await;
    let gpx = r#"<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Run</name><type>running</type><trkseg><trkpt lat="52.5" lon="13.4"><time>2026-03-01T08:00:00Z</time></trkpt><trkpt lat="52.501" lon="13.401"><time>2026-03-01T08:01:00Z</time></trkpt></trkseg></trk></gpx>"#;
    let res = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&t.access)
        .header("accept-encoding", "gzip, br")
        .header("content-type", "application/octet-stream")
        .body(gpx.as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let queued: Value = res.json().await.unwrap();
    let id = queued["id"].as_str().unwrap().to_owned();
    let done = finished(&app, &t.access, &id).await;
    assert_eq!(done["status"], "done", "{done}");
}
