//! Files between processes in an S3-compatible bucket (`object_store`): `blobs.url = "s3://BUCKET[/PREFIX]"`,
//! with credentials and region read the standard AWS way (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`) and `blobs.endpoint` for a store other than AWS (MinIO, Ceph, moto in tests).
//! Uploads and downloads stream in parts, so memory stays bounded whatever the file's size.

pub mod testing;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;
use tokio::io::AsyncWriteExt;
use wearhouse_services::blobs::{BlobError, BlobStore};

/// A bucket, under an optional prefix.
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl Bucket {
    /// `url` is `s3://BUCKET[/PREFIX]`; `endpoint` (may be empty) an S3-compatible server's URL.
    pub fn open(url: &str, endpoint: &str) -> Result<Self, BlobError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| BlobError(format!("'{url}' is not an s3:// URL (s3://BUCKET[/PREFIX])")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(BlobError(format!("'{url}' names no bucket")));
        }
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if !endpoint.is_empty() {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let store = builder
            .build()
            .map_err(|e| BlobError(format!("bucket {url}: {e}")))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_owned(),
        })
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }
}

fn failed(what: &str, key: &str, e: impl std::fmt::Display) -> BlobError {
    BlobError(format!("{what} {key}: {e}"))
}

#[async_trait]
impl BlobStore for Bucket {
    async fn put_file(&self, key: &str, path: &Path) -> Result<(), BlobError> {
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| failed("reading", &path.display().to_string(), e))?;
        // Buffers up to a part (10 MB by default) at a time; large files go up as a multipart upload.
        let mut writer = BufWriter::new(self.store.clone(), self.path(key));
        if let Err(e) = tokio::io::copy(&mut file, &mut writer).await {
            let _ = writer.abort().await;
            return Err(failed("storing", key, e));
        }
        writer.shutdown().await.map_err(|e| failed("storing", key, e))
    }

    async fn get_to_file(&self, key: &str, path: &Path) -> Result<(), BlobError> {
        let got = self
            .store
            .get(&self.path(key))
            .await
            .map_err(|e| failed("fetching", key, e))?;
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| failed("writing", &path.display().to_string(), e))?;
        let mut stream = got.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| failed("fetching", key, e))?;
            file.write_all(&chunk)
                .await
                .map_err(|e| failed("writing", &path.display().to_string(), e))?;
        }
        file.flush()
            .await
            .map_err(|e| failed("writing", &path.display().to_string(), e))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed("removing", key, e)),
        }
    }
}
