//! Durable background work: the job queue's runner. Jobs live in the database (`JobStore`); this module
//! runs them: claims under a lease renewed while they run, hands each to the handler registered for
//! its kind, and records the outcome — done, retried after an exponential backoff with jitter, dead
//! after its last attempt, or released unfinished at shutdown. Execution is at least once: a worker
//! that stops mid-job loses its lease and the job runs again elsewhere, so every handler's effect must
//! be idempotent (imports and rollup recomputes are).
//!
//! Written here rather than taken from a crate: the queue must run on SQLite and PostgreSQL through the
//! workspace's one sqlx and libsqlite3, be enqueued from database triggers in the same transaction as
//! the change that causes it, and coalesce by key while a job runs (`rerun`); see
//! docs/architecture.md.

mod admin;
mod backoff;
pub mod builtin;
mod runner;
mod schedule;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
pub use tokio_util::sync::CancellationToken;
use wearhouse_store::{JobRecord, NewJob, Store};

pub use runner::{JobMetrics, RunOutcome, WorkerOptions};
pub use schedule::{Schedule, ScheduleError};

use crate::ServiceError;

/// Why a job did not complete.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// It failed; it is retried after a backoff while it has attempts left.
    #[error("{0}")]
    Failed(String),
    /// It stopped because the worker is shutting down, leaving nothing half done; it runs again.
    #[error("released at shutdown")]
    Released,
}

impl From<ServiceError> for JobError {
    fn from(e: ServiceError) -> Self {
        JobError::Failed(e.with_causes())
    }
}

/// Runs the jobs of one kind. `cancel` fires when the worker shuts down: a long job stops at a safe
/// point and returns [`JobError::Released`]; a short one simply finishes.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    async fn run(&self, job: &JobRecord, cancel: &CancellationToken) -> Result<(), JobError>;

    /// How long a job enqueued again while it ran waits before its next run. A pause lets a steady
    /// flow of causes (samples arriving every few milliseconds) be handled together, once per pause,
    /// instead of once each. None by default.
    fn rerun_pause(&self) -> Duration {
        Duration::ZERO
    }
}

/// Timing of the runner.
#[derive(Debug, Clone, Copy)]
pub struct JobSettings {
    /// How long a claim holds a job without renewal. Renewed every third of it while the job runs.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs that no local enqueue announced.
    pub poll: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

/// The queue as the services see it: enqueue, register handlers, run workers and schedulers.
#[derive(Clone)]
pub struct Jobs {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    handlers: RwLock<HashMap<String, Arc<dyn JobHandler>>>,
    pub(crate) wake: Arc<Notify>,
    pub(crate) settings: JobSettings,
    pub(crate) metrics: JobMetrics,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").finish_non_exhaustive()
    }
}

impl Jobs {
    /// `wake` is what tells this process's worker that work was queued here (shared with the services
    /// that write what triggers jobs: see `Rollups::waker`).
    pub fn new(store: Store, settings: JobSettings, wake: Arc<Notify>) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                handlers: RwLock::new(HashMap::new()),
                wake,
                settings,
                metrics: JobMetrics::default(),
            }),
        }
    }

    /// Makes `handler` run the jobs of `kind` in this process.
    pub fn register(&self, kind: &str, handler: Arc<dyn JobHandler>) {
        // A poisoned lock only means a registration panicked; the map itself is intact.
        let mut handlers = self.inner.handlers.write().unwrap_or_else(|p| p.into_inner());
        handlers.insert(kind.to_owned(), handler);
    }

    pub(crate) fn handler(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        let handlers = self.inner.handlers.read().unwrap_or_else(|p| p.into_inner());
        handlers.get(kind).cloned()
    }

    /// The kinds this process can run.
    pub fn kinds(&self) -> Vec<String> {
        let handlers = self.inner.handlers.read().unwrap_or_else(|p| p.into_inner());
        let mut kinds: Vec<String> = handlers.keys().cloned().collect();
        kinds.sort();
        kinds
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn metrics(&self) -> &JobMetrics {
        &self.inner.metrics
    }

    /// Enqueues a job and wakes this process's worker.
    pub async fn enqueue(&self, job: &NewJob) -> Result<i64, ServiceError> {
        let id = self.inner.store.jobs.enqueue(job, jiff::Timestamp::now()).await?;
        self.wake();
        Ok(id)
    }

    /// Tells this process's worker that work was queued (by a trigger, say) so it looks at once.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }
}
