//! Where files wait between the process that receives them and the one that reads them. By default an
//! upload waits in the receiving process's own import folder and is imported there (or by any process
//! sharing that folder). With a bucket configured, the receiving process puts the upload into it, and
//! whichever worker runs the import fetches it: API and worker processes on different machines.

use std::path::Path;

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
#[error("blob store: {0}")]
pub struct BlobError(pub String);

/// Files kept by key outside any one process.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores the file at `path` under `key`, streaming it (memory stays bounded whatever its size).
    async fn put_file(&self, key: &str, path: &Path) -> Result<(), BlobError>;
    /// Writes the blob `key` to a new file at `path`.
    async fn get_to_file(&self, key: &str, path: &Path) -> Result<(), BlobError>;
    /// Removes the blob `key`; removing one that is gone is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
}
