//! File imports: their lifecycle (queued → running → done | failed), progress and report.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::UserId;

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "queued" => Ok(ImportStatus::Queued),
            "running" => Ok(ImportStatus::Running),
            "done" => Ok(ImportStatus::Done),
            "failed" => Ok(ImportStatus::Failed),
            other => Err(StoreError::Corrupt(format!("import status {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewImport {
    pub id: String,
    pub format: String,
    pub file_name: Option<String>,
    pub sha256: String,
    pub bytes_total: i64,
    /// The data version of the readers that read it (see the services' `upgrade` module).
    pub data_version: u32,
    /// An earlier import of the same file, read by older readers, that this one replaces.
    pub supersedes: Option<String>,
}

/// Counters an import advances as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub bytes_read: i64,
    pub records_read: i64,
    pub imported: i64,
    pub duplicates: i64,
    pub activities: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub id: String,
    pub user_id: UserId,
    pub status: ImportStatus,
    pub format: String,
    pub file_name: Option<String>,
    pub sha256: String,
    pub bytes_total: i64,
    pub progress: ImportProgress,
    /// JSON: skipped counts by reason, warnings and errors with their location.
    pub report: String,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    /// The data version of the readers that read it.
    pub data_version: u32,
    /// The earlier import of the same file this one replaces.
    pub supersedes: Option<String>,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    async fn create_import(
        &self,
        user: &UserId,
        import: &NewImport,
        now: Timestamp,
    ) -> Result<ImportRecord, StoreError>;

    async fn import(&self, user: &UserId, id: &str) -> Result<ImportRecord, StoreError>;

    /// The user's imports, newest first.
    async fn imports(&self, user: &UserId, limit: u32) -> Result<Vec<ImportRecord>, StoreError>;

    /// The user's latest finished import of a file with this hash, if any.
    async fn done_import_by_hash(
        &self,
        user: &UserId,
        sha256: &str,
    ) -> Result<Option<ImportRecord>, StoreError>;

    /// Whether the user finished importing a file of exactly this size: only then can a file be one
    /// imported before, so only then is it worth hashing before importing.
    async fn has_done_import_of_size(&self, user: &UserId, bytes: i64) -> Result<bool, StoreError>;

    /// Records the hash of an import's file, for imports registered before it was known.
    async fn set_import_hash(&self, id: &str, sha256: &str) -> Result<(), StoreError>;

    /// Marks an import running for the job that runs it (queued, or running when a stopped worker left
    /// it): remembers the last ingest batch it had stored, whose samples the run counts as its own.
    /// `None` when it is done, failed or gone.
    async fn claim_import(&self, id: &str, now: Timestamp) -> Result<Option<ImportRecord>, StoreError>;

    async fn record_progress(&self, id: &str, progress: &ImportProgress) -> Result<(), StoreError>;

    async fn finish_import(
        &self,
        id: &str,
        status: ImportStatus,
        progress: &ImportProgress,
        report: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Deletes every sample and activity the import wrote, and marks the days of the samples removed
    /// for their rollups to be recomputed; returns how many rows went.
    async fn roll_back_import(&self, id: &str) -> Result<u64, StoreError>;

    /// Ends an import that a newer reading of the same file replaced: rolls back the samples and raw
    /// records it still holds (what the newer reading did not take over), moves its activities the newer
    /// reading did not take over to the trash (they may carry the user's edits), and forgets it; returns
    /// how many rows went.
    async fn retire_import(&self, id: &str, now: Timestamp) -> Result<u64, StoreError>;

    /// Gives everything import `id` wrote or took over to the import `to` it was to supersede, when the
    /// newer reading failed: nothing the earlier reading stored is lost, and what the failed reading
    /// added stays as records of the same file (a later upload reads it again). Returns how many rows
    /// changed hands.
    async fn hand_back_import(&self, id: &str, to: &str) -> Result<u64, StoreError>;
}
