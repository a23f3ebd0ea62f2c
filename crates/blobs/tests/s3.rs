//! The bucket against a local server speaking the S3 protocol: moto's server mode (see
//! `wearhouse_blobs::testing`). Without it these tests say so and pass.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wearhouse_blobs::Bucket;
use wearhouse_services::blobs::BlobStore;

/// The server, with the standard way of naming credentials set as a deployment would.
async fn moto() -> Option<wearhouse_blobs::testing::S3Server> {
    let server = wearhouse_blobs::testing::s3_server().await?;
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    std::env::set_var("AWS_REGION", "us-east-1");
    Some(server)
}

#[tokio::test]
async fn a_large_file_goes_up_in_parts_comes_back_whole_and_is_removed() {
    let Some(moto) = moto().await else { return };
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
