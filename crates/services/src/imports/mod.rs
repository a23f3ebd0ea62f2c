//! File imports: uploads become queued imports that a background worker runs (or the CLI runs in the
//! foreground). Reading and storing overlap: a blocking thread parses the file into batches while the
//! async side stores them.
//!
//! Guarantees:
//! - Idempotent: a file already imported (same SHA-256) is not imported again, and every record has a
//!   natural key or external id, so an overlapping later export stores only what is new.
//! - Atomic in effect: rows an import writes carry its id; if it fails, all of them are deleted. An
//!   import runs as a job (`imports.run`) under a lease: one cut short by a stopped process is taken
//!   again by a worker once the lease expires, and the re-run (being idempotent) completes it with
//!   exactly one copy of everything.

mod planned_routes;
mod raw;
mod read;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wearhouse_formats::fit::FitAccount;
use wearhouse_formats::fitbit::WeightUnit;
use wearhouse_formats::ReadContext;
use wearhouse_model::{InvalidInput, UnitSystem, UserId};
use wearhouse_store::{ImportProgress, ImportRecord, ImportStatus, NewImport, NewJob, Store, StoreError};

pub use planned_routes::{RoutePage, RoutePoints};
pub use raw::RawPage;
pub use read::ArchiveLimits;
pub use write::{activity_fields, Report, Superseded};

use crate::blobs::BlobStore;
use crate::jobs::{builtin, CancellationToken, JobError, JobSettings, Jobs, RunOutcome};
use crate::rollups::Rollups;
use crate::{upgrade, Clock, ServiceError};
use read::Chunk;
use write::{ReportedWarning, Writer};

/// How often progress is written to the database while an import runs.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Called as an import advances (the CLI's progress bar).
pub type ProgressFn<'a> = dyn Fn(&ImportRecord, &ImportProgress) + Sync + 'a;

/// A file received and on disk, not yet registered.
#[derive(Debug, Clone)]
pub struct Upload {
    pub path: PathBuf,
    pub file_name: Option<String>,
    pub sha256: String,
    pub size: u64,
}

pub struct ImportService {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rollups: Rollups,
    dir: PathBuf,
    limits: ArchiveLimits,
    /// Where uploads wait for a worker on another machine (a bucket), when configured; else in `dir`.
    blobs: Option<Arc<dyn BlobStore>>,
}

impl ImportService {
    /// `dir` holds uploaded files while they wait and run; it is created if missing.
    pub fn new(store: Store, clock: Arc<dyn Clock>, rollups: Rollups, dir: PathBuf) -> Self {
        Self {
            store,
            clock,
            rollups,
            dir,
            limits: ArchiveLimits::default(),
            blobs: None,
        }
    }

    /// Keeps uploads in `blobs` until they are imported, so any worker can import them.
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    fn blob_key(id: &str) -> String {
        format!("imports/{id}")
    }

    /// Makes sure the import's file is in this process's folder: fetched from the bucket when another
    /// process received it. An error (the bucket unreachable) leaves the import to be tried again.
    async fn fetch_file(&self, id: &str) -> Result<(), ServiceError> {
        let local = self.file_of(id);
        let Some(blobs) = &self.blobs else { return Ok(()) };
        if tokio::fs::try_exists(&local).await.unwrap_or(false) {
            return Ok(());
        }
        let part = self.incoming_path().await?;
        if let Err(e) = blobs.get_to_file(&Self::blob_key(id), &part).await {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(ServiceError::Internal(e.to_string()));
        }
        tokio::fs::rename(&part, &local)
            .await
            .map_err(|e| ServiceError::Internal(format!("cannot keep the fetched upload: {e}")))
    }

    /// Where an upload in progress should be written.
    pub async fn incoming_path(&self) -> Result<PathBuf, ServiceError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", self.dir.display())))?;
        Ok(self
            .dir
            .join(format!("incoming-{}", uuid::Uuid::now_v7().simple())))
    }

    /// Bytes an unprivileged writer can still add to the upload folder's file system.
    pub async fn free_space(&self) -> Result<u64, ServiceError> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            let stat = rustix::fs::statvfs(&dir)?;
            Ok::<u64, std::io::Error>(stat.f_bavail.saturating_mul(stat.f_frsize))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("free space check: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("free space of {}: {e}", self.dir.display())))
    }

    fn file_of(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Registers an uploaded file as a queued import. A file this user already imported is not imported
    /// again: the earlier import is returned with `false`.
    pub async fn submit(&self, user: &UserId, upload: Upload) -> Result<(ImportRecord, bool), ServiceError> {
        let format = match read::sniff(&upload.path, upload.file_name.as_deref()) {
            Ok(Some(f)) => f,
            Ok(None) => {
                let detail = read::refusal(&upload.path, upload.file_name.as_deref());
                let _ = tokio::fs::remove_file(&upload.path).await;
                return Err(ServiceError::UnsupportedMedia { detail });
            }
            Err(e) => return Err(ServiceError::Internal(format!("cannot read the upload: {e}"))),
        };
        let known = if upload.sha256.is_empty() {
            None
        } else {
            self.store
                .imports
                .done_import_by_hash(user, &upload.sha256)
                .await?
        };
        // A file read by the current readers is not read again; one read by older readers is, and the new
        // reading replaces the old one's records (see `NewImport::supersedes`).
        let supersedes = match known {
            Some(done) if done.data_version >= upgrade::current_version() => {
                let _ = tokio::fs::remove_file(&upload.path).await;
                return Ok((done, false));
            }
            Some(done) => Some(done.id),
            None => None,
        };
        let id = format!("imp_{}", uuid::Uuid::now_v7().simple());
        tokio::fs::rename(&upload.path, self.file_of(&id))
            .await
            .map_err(|e| ServiceError::Internal(format!("cannot keep the upload: {e}")))?;
        // In the bucket before the import exists: no worker can meet an import without its file.
        // The local copy goes first too: a worker of this process fetches the file from the bucket like
        // any other, never finding a copy that is about to go.
        if let Some(blobs) = &self.blobs {
            let put = blobs.put_file(&Self::blob_key(&id), &self.file_of(&id)).await;
            let _ = tokio::fs::remove_file(self.file_of(&id)).await;
            put.map_err(|e| ServiceError::Internal(e.to_string()))?;
        }
        let created = self
            .store
            .imports
            .create_import(
                user,
                &NewImport {
                    id: id.clone(),
                    format: format.label().to_owned(),
                    file_name: upload.file_name,
                    sha256: upload.sha256,
                    bytes_total: i64::try_from(upload.size).unwrap_or(i64::MAX),
                    data_version: upgrade::current_version(),
                    supersedes,
                },
                self.clock.now(),
            )
            .await;
        let record = match created {
            Ok(record) => record,
            Err(e) => {
                let _ = tokio::fs::remove_file(self.file_of(&id)).await;
                if let Some(blobs) = &self.blobs {
                    let _ = blobs.delete(&Self::blob_key(&id)).await;
                }
                return Err(e.into());
            }
        };
        // Queuing the import enqueued its job (a database trigger): the local worker looks at once.
        self.rollups.wake_worker();
        Ok((record, true))
    }

    /// Imports a file from disk now (the CLI), reporting progress as it goes. The file is linked (or,
    /// across file systems, copied) into the import folder first, so it can be removed meanwhile without
    /// harm and an import cut short can be resumed.
    ///
    /// A file imported before is recognised by its hash and not imported again. Only a file the size of
    /// one the user imported before can be one, so only then is it hashed first; any other file is
    /// hashed while it is imported (on a thread of its own), which keeps the hash off the critical path.
    pub async fn import_now(
        &self,
        user: &UserId,
        path: &Path,
        progress: &ProgressFn<'_>,
    ) -> Result<ImportRecord, ServiceError> {
        Ok(self.import_file(user, path, progress).await?.0)
    }

    /// [`ImportService::import_now`], saying whether the file was read now (`true`) or is one the user
    /// imported before, whose earlier import is returned (`false`).
    pub async fn import_file(
        &self,
        user: &UserId,
        path: &Path,
        progress: &ProgressFn<'_>,
    ) -> Result<(ImportRecord, bool), ServiceError> {
        let size = tokio::fs::metadata(path)
            .await
            .map_err(|e| {
                ServiceError::invalid(
                    "file",
                    InvalidInput::new("unreadable_file", format!("{}: {e}", path.display())),
                )
            })?
            .len();
        let sha256 = if self
            .store
            .imports
            .has_done_import_of_size(user, i64::try_from(size).unwrap_or(i64::MAX))
            .await?
        {
            let (sha256, _) = hash_file(path).await?;
            match self.store.imports.done_import_by_hash(user, &sha256).await? {
                Some(done) if done.data_version >= upgrade::current_version() => return Ok((done, false)),
                // Read by older readers: `submit` reads it again.
                _ => sha256,
            }
        } else {
            // Filled in by `run` once the file is hashed.
            String::new()
        };
        let record = match self.interrupted_import_of(user, path, size, &sha256).await? {
            Some(interrupted) => {
                tracing::info!(import = %interrupted.id, "resuming the import of this file a stopped process left");
                interrupted
            }
            None => {
                let incoming = self.incoming_path().await?;
                keep_file(path, &incoming).await?;
                let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let (record, new) = self
                    .submit(
                        user,
                        Upload {
                            path: incoming,
                            file_name,
                            sha256,
                            size,
                        },
                    )
                    .await?;
                if !new {
                    return Ok((record, false));
                }
                record
            }
        };
        // Run it here under the import's job lease. The job is enqueued again first (a no-op when it
        // is queued or running): an import left running whose job was lost still gets one. When a live
        // worker holds the lease, wait: for it to finish, or for its lease to expire (a killed process),
        // and then resume the import here.
        let jobs = Jobs::new(self.store.clone(), JobSettings::default(), self.rollups.waker());
        let key = format!("import:{}", record.id);
        let payload = serde_json::json!({ "import": record.id }).to_string();
        let job = NewJob::new(builtin::IMPORT, payload, self.clock.now())
            .unique(key.clone())
            .max_attempts(5);
        self.store.jobs.enqueue(&job, self.clock.now()).await?;
        let mut told = false;
        let id = record.id.as_str();
        loop {
            let ran = jobs
                .run_key_with(&key, |_, lost| async move {
                    self.run_claimed(id, Some(progress), Some(&lost))
                        .await
                        .map(|_| ())
                        .map_err(JobError::from)
                })
                .await?;
            match ran {
                Some(RunOutcome::Done) => break,
                Some(other) => {
                    return Err(ServiceError::Internal(format!(
                        "the import {} did not complete ({other:?})",
                        record.id
                    )))
                }
                None => {
                    let now = self.store.imports.import(user, &record.id).await?;
                    if matches!(now.status, ImportStatus::Done | ImportStatus::Failed) {
                        break;
                    }
                    // Its job may have ended without finishing it (dead): queue it again (a no-op
                    // while a live worker holds it).
                    self.store.jobs.enqueue(&job, self.clock.now()).await?;
                    if !told {
                        tracing::info!(import = %record.id, "another process is running this import; waiting for it to finish (or for its lease to expire if it was stopped)");
                        told = true;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        let flushing = Instant::now();
        self.rollups.flush(user).await?;
        tracing::debug!(
            seconds = flushing.elapsed().as_secs_f64(),
            "rollups of the import recomputed"
        );
        Ok((self.store.imports.import(user, &record.id).await?, true))
    }

    /// The user's import of this file (same size and content) that a stopped process left running, to
    /// be resumed rather than started again beside it: a re-run after Ctrl-C continues
    /// the same import, which counts what its first attempt stored as its own. Cheap when nothing was
    /// left running: the file is hashed only if an interrupted import has its size. A running import
    /// found here may also be one a live worker runs: its job's lease tells (see `import_now`).
    async fn interrupted_import_of(
        &self,
        user: &UserId,
        path: &Path,
        size: u64,
        known_hash: &str,
    ) -> Result<Option<ImportRecord>, ServiceError> {
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        let candidates: Vec<ImportRecord> = self
            .store
            .imports
            .imports(user, 100)
            .await?
            .into_iter()
            .filter(|r| r.status == ImportStatus::Running && r.bytes_total == size)
            .collect();
        if candidates.is_empty() {
            return Ok(None);
        }
        let sha256 = if known_hash.is_empty() {
            hash_file(path).await?.0
        } else {
            known_hash.to_owned()
        };
        for candidate in candidates {
            let same = if candidate.sha256.is_empty() {
                // Registered before it was hashed: its kept copy tells (gone, it cannot be resumed).
                match hash_file_owned(self.file_of(&candidate.id)).await {
                    Ok((kept, _)) => kept == sha256,
                    Err(_) => false,
                }
            } else {
                candidate.sha256 == sha256
            };
            if same {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    pub async fn get(&self, user: &UserId, id: &str) -> Result<ImportRecord, ServiceError> {
        self.store.imports.import(user, id).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::not_found("import_not_found", format!("no import {id}")),
            other => other.into(),
        })
    }

    pub async fn list(&self, user: &UserId) -> Result<Vec<ImportRecord>, ServiceError> {
        Ok(self.store.imports.imports(user, 100).await?)
    }

    /// Runs the import `id` for its job (`imports.run`): marks it running, reads and stores it, and
    /// records the outcome. An import already done or failed (a job run again after it completed) is
    /// left alone. A failed import is a result, not an error: only storage failures outside the
    /// import's own work are errors, and the job is retried.
    ///
    /// When `stop` fires (the worker shuts down), the import stops after the batch being stored and
    /// returns `Ok(false)`: nothing is rolled back, the import stays running, and the next run of its
    /// job resumes it, counting what this one stored as its own. `Ok(true)` when it ran to its end.
    pub async fn run_job(&self, id: &str, stop: &CancellationToken) -> Result<bool, ServiceError> {
        self.run_claimed(id, None, Some(stop)).await
    }

    async fn run_claimed(
        &self,
        id: &str,
        progress: Option<&ProgressFn<'_>>,
        stop: Option<&CancellationToken>,
    ) -> Result<bool, ServiceError> {
        match self.store.imports.claim_import(id, self.clock.now()).await? {
            Some(record) => {
                self.fetch_file(id).await?;
                self.run(&record, progress, stop).await
            }
            None => Ok(true),
        }
    }

    /// Runs one claimed import to its end and records the outcome (a failed import is a result,
    /// recorded in its report). False when `stop` cut it short (see `run_job`). An error only when the
    /// outcome cannot be recorded: the file stays, and the job fails so that it runs the import again.
    async fn run(
        &self,
        record: &ImportRecord,
        progress: Option<&ProgressFn<'_>>,
        stop: Option<&CancellationToken>,
    ) -> Result<bool, ServiceError> {
        let user = &record.user_id;
        // A file registered without its hash (see `import_now`) is hashed while it is read.
        let hashing = record
            .sha256
            .is_empty()
            .then(|| tokio::spawn(hash_file_owned(self.file_of(&record.id))));
        let mut writer = Writer::new(self, user, &record.id, record.supersedes.as_deref());
        // An import run again after its process stopped finds what its earlier attempt stored: samples
        // and activities it counts as its own (see `SampleStore::insert_samples`); raw records carry
        // no batch to tell, so they go and are stored again. Nothing to remove on a first run.
        let mut outcome = match self.store.raw.remove_import_raw(&record.id).await {
            Ok(_) => self.read_and_write(record, &mut writer, progress, stop).await,
            Err(e) => Err(Failure::new("storage_failed", e.to_string())),
        };
        if matches!(&outcome, Err(f) if f.code == RELEASED) {
            // Stopped between batches: what it stored stays, its own when the job runs again.
            let _ = self
                .store
                .imports
                .record_progress(&record.id, &writer.progress)
                .await;
            if let Some(hashing) = hashing {
                hashing.abort();
            }
            tracing::info!(import = %record.id, "import paused for shutdown; it resumes when its job runs again");
            return Ok(false);
        }
        if let (Some(hashing), true) = (hashing, outcome.is_ok()) {
            let hashed = match hashing.await {
                Ok(Ok((sha256, _))) => self
                    .store
                    .imports
                    .set_import_hash(&record.id, &sha256)
                    .await
                    .map_err(|e| e.to_string()),
                Ok(Err(e)) => Err(e.with_causes()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = hashed {
                outcome = Err(Failure::new(
                    "hashing_failed",
                    format!("the file could not be hashed: {e}"),
                ));
            }
        }
        // The earlier reading of this file keeps only what the new one did not take over; it goes now,
        // before this import is recorded as done (a crash in between re-runs this import, which is
        // harmless).
        if let (Ok(()), Some(old)) = (&outcome, &record.supersedes) {
            match self.store.imports.retire_import(old, self.clock.now()).await {
                Ok(removed) => {
                    writer.report.superseded = Some(Superseded {
                        import: old.clone(),
                        removed,
                    })
                }
                Err(e) => {
                    outcome = Err(Failure::new(
                        "storage_failed",
                        format!("the earlier import {old} of this file could not be retired: {e}"),
                    ))
                }
            }
        }
        let now = self.clock.now();
        let (status, report) = match outcome {
            Ok(()) => (ImportStatus::Done, writer.report),
            Err(e) => {
                tracing::warn!(import = %record.id, error = %e.detail, "import failed; rolling back");
                // A failed re-reading cannot simply be rolled back: it took over records of the earlier
                // import of the file. Those, and what it added, go back to that import.
                let undone = match &record.supersedes {
                    Some(old) => self
                        .store
                        .imports
                        .hand_back_import(&record.id, old)
                        .await
                        .map(|_| None),
                    None => self.store.imports.roll_back_import(&record.id).await.map(Some),
                };
                let rolled_back = match undone {
                    Ok(n) => n,
                    Err(err) => {
                        tracing::error!(import = %record.id, error = %err, "rolling back a failed import failed");
                        None
                    }
                };
                // Rows it wrote are gone; recompute the user's rollups from what remains.
                if let Err(err) = self.rollups.mark_all_days(user).await {
                    tracing::error!(import = %record.id, error = %err.with_causes(), "cannot mark the user's days for recomputation; run `wearhouse summaries rebuild`");
                }
                let mut report = writer.report;
                report.rolled_back = rolled_back;
                report.error = Some(ReportedWarning {
                    code: e.code.to_owned(),
                    detail: e.detail,
                    location: None,
                });
                writer.progress = ImportProgress {
                    bytes_read: writer.progress.bytes_read,
                    ..Default::default()
                };
                (ImportStatus::Failed, report)
            }
        };
        let report = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
        self.store
            .imports
            .finish_import(&record.id, status, &writer.progress, &report, now)
            .await?;
        // Finished either way: a failed import is retried by uploading again.
        let _ = tokio::fs::remove_file(self.file_of(&record.id)).await;
        if let Some(blobs) = &self.blobs {
            if let Err(e) = blobs.delete(&Self::blob_key(&record.id)).await {
                tracing::warn!(import = %record.id, error = %e, "cannot remove the imported file from the bucket");
            }
        }
        self.rollups.wake_worker();
        Ok(true)
    }

    async fn read_and_write(
        &self,
        record: &ImportRecord,
        writer: &mut Writer<'_>,
        progress: Option<&ProgressFn<'_>>,
        stop: Option<&CancellationToken>,
    ) -> Result<(), Failure> {
        let path = self.file_of(&record.id);
        let sniffed = match read::sniff(&path, record.file_name.as_deref()) {
            Ok(Some(f)) => f,
            Ok(None) => {
                return Err(Failure::new(
                    "unsupported_format",
                    "the file is not a format Wearhouse reads",
                ))
            }
            Err(e) => {
                return Err(Failure::new(
                    "file_missing",
                    format!("the uploaded file is gone: {e}"),
                ))
            }
        };
        // Two batches in flight: enough to keep reader and writer busy, little memory.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
        let limits = self.limits;
        // Files with wall-clock times and no zone (Fitbit, Google Fit) are read in the zone the user
        // lived in at each time, and Fitbit weights in the user's units.
        let account = self
            .store
            .accounts
            .user_by_id(&record.user_id)
            .await
            .ok()
            .flatten();
        let zones = self
            .store
            .accounts
            .zone_history(&record.user_id)
            .await
            .unwrap_or_default();
        // The writer checks at the end that the history the file was read in still holds.
        writer.use_zones(zones.clone());
        let mut ctx = ReadContext::new(crate::rollups::zone_history(zones));
        ctx.weight_unit = match account.as_ref().map(|u| u.unit_system) {
            Some(UnitSystem::Imperial) => WeightUnit::Pound,
            _ => WeightUnit::Kilogram,
        };
        // Whose readings a scale shared by a household holds: the profile that matches the account's.
        ctx.account = account.map(|u| FitAccount {
            sex: u.sex,
            birth_year: u.birth_year,
            height_cm: u.height_cm,
        });
        let name = record.file_name.clone();
        let reader = tokio::task::spawn_blocking(move || {
            read::read_file(&path, name.as_deref(), sniffed, limits, &ctx, &tx)
        });
        let mut last_progress = Instant::now();
        let mut failure = None;
        while let Some(chunk) = rx.recv().await {
            if stop.is_some_and(CancellationToken::is_cancelled) {
                failure = Some(Failure::new(RELEASED, "the worker is shutting down"));
                break;
            }
            let stored = match chunk {
                Chunk::Samples { provider, samples } => {
                    writer.progress.records_read += samples.len() as i64;
                    writer.samples(provider, samples).await
                }
                Chunk::Activity {
                    provider,
                    format,
                    activity,
                    source_name,
                } => {
                    writer.progress.records_read += 1;
                    writer.activity(provider, format, *activity, source_name).await
                }
                Chunk::Raw(records) => {
                    writer.progress.records_read += records.len() as i64;
                    writer.raw(records).await
                }
                Chunk::Route(route) => {
                    writer.progress.records_read += 1;
                    writer.route(*route).await
                }
                Chunk::Skipped { reason, count } => {
                    writer.progress.records_read += count as i64;
                    writer.report.skip(reason, count);
                    Ok(())
                }
                Chunk::Warnings(w) => {
                    writer.report.warn(w);
                    Ok(())
                }
                Chunk::Progress { bytes } => {
                    writer.progress.bytes_read = i64::try_from(bytes).unwrap_or(i64::MAX);
                    Ok(())
                }
            };
            if let Err(e) = stored {
                failure = Some(Failure::new("storage_failed", e.to_string()));
                break;
            }
            if last_progress.elapsed() >= PROGRESS_EVERY {
                last_progress = Instant::now();
                let _ = self
                    .store
                    .imports
                    .record_progress(&record.id, &writer.progress)
                    .await;
                if let Some(report) = progress {
                    report(record, &writer.progress);
                }
            }
        }
        drop(rx);
        // The last batches may still be held or being stored; a failure there counts like any other.
        if let Err(e) = writer.finish().await {
            failure.get_or_insert(Failure::new("storage_failed", e.to_string()));
        }
        let read = reader
            .await
            .map_err(|e| Failure::new("reader_crashed", e.to_string()))?;
        if let Some(f) = failure {
            return Err(f);
        }
        read.map_err(|e| Failure::new(e.code, e.detail))?;
        writer.progress.bytes_read = record.bytes_total;
        if let Some(report) = progress {
            report(record, &writer.progress);
        }
        Ok(())
    }
}

/// The failure code of an import stopped for shutdown: not a failure, it resumes.
const RELEASED: &str = "released";

struct Failure {
    code: &'static str,
    detail: String,
}

impl Failure {
    fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }
}

/// The SHA-256 (hex) and size of the file at `path`. Plain blocking reads on a blocking thread: an
/// asynchronous file hands each buffer over from a thread of its own, which on a 244 MB export cost
/// more than the hashing.
async fn hash_file(path: &Path) -> Result<(String, u64), ServiceError> {
    hash_file_owned(path.to_owned()).await
}

async fn hash_file_owned(path: PathBuf) -> Result<(String, u64), ServiceError> {
    use std::io::Read;
    tokio::task::spawn_blocking(move || {
        let unreadable = |e: std::io::Error| {
            ServiceError::invalid(
                "file",
                InvalidInput::new("unreadable_file", format!("{}: {e}", path.display())),
            )
        };
        let mut input = std::fs::File::open(&path).map_err(unreadable)?;
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; 1024 * 1024];
        let mut size = 0u64;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(unreadable(e)),
            };
            hash.update(&buf[..n]);
            size += n as u64;
        }
        Ok((hex(&hash.finalize()), size))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing the file failed: {e}")))?
}

/// Puts the file at `from` into the import folder at `to`: a hard link where both are on one file
/// system (instant, whatever the size), else a copy.
async fn keep_file(from: &Path, to: &Path) -> Result<(), ServiceError> {
    if tokio::fs::hard_link(from, to).await.is_ok() {
        return Ok(());
    }
    tokio::fs::copy(from, to)
        .await
        .map(|_| ())
        .map_err(|e| ServiceError::Internal(format!("copying {} to the import folder: {e}", from.display())))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
