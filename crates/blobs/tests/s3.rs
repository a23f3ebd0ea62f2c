//! The bucket against a local server speaking the S3 protocol: moto's server mode (PyPI `moto[server]`),
//! started by the test from `WEARHOUSE_TEST_MOTO_SERVER` (the `moto_server` executable, as CI installs
//! it). Without it these tests say so and pass.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wearhouse_blobs::Bucket;
use wearhouse_services::blobs::BlobStore;

struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn moto() -> Option<Moto> {
    let Ok(bin) = std::env::var("WEARHOUSE_TEST_MOTO_SERVER") else {
        eprintln!("skipped: needs moto's S3 server (set WEARHOUSE_TEST_MOTO_SERVER to moto_server)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while reqwest::get(&moto.endpoint).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "moto did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The standard way of naming credentials, as a deployment would.
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    std::env::set_var("AWS_REGION", "us-east-1");
    Some(moto)
}

async fn create_bucket(endpoint: &str, name: &str) {
    let res = reqwest::Client::new()
        .put(format!("{endpoint}/{name}"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
}

#[tokio::test]
async fn a_large_file_goes_up_in_parts_comes_back_whole_and_is_removed() {
    let Some(moto) = moto().await else { return };
    create_bucket(&moto.endpoint, "uploads").await;
    let bucket = Bucket::open("s3://uploads/wearhouse", &moto.endpoint).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // 25 MB: more than two parts of a multipart upload.
    let bytes: Vec<u8> = (0..25 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let sent = dir.path().join("sent");
    std::fs::write(&sent, &bytes).unwrap();
    let key = format!("imports/imp_{}", uuid::Uuid::new_v4().simple());
    bucket.put_file(&key, &sent).await.unwrap();
    let back = dir.path().join("back");
    bucket.get_to_file(&key, &back).await.unwrap();
    assert!(std::fs::read(&back).unwrap() == bytes, "the same bytes came back");

    bucket.delete(&key).await.unwrap();
    bucket.delete(&key).await.unwrap();
    let gone = bucket
        .get_to_file(&key, &dir.path().join("gone"))
        .await
        .unwrap_err();
    assert!(gone.to_string().contains(&key), "{gone}");
}

#[test]
fn a_bucket_url_is_checked_with_a_clear_message() {
    for (url, says) in [("uploads", "is not an s3:// URL"), ("s3://", "names no bucket")] {
        let err = Bucket::open(url, "").err().expect("refused");
        assert!(err.to_string().contains(says), "{url}: {err}");
    }
}
