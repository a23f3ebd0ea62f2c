//! The durable job queue: background work recorded in the database, run at least once under a lease.
//!
//! A job is `queued` until a worker claims it, `running` while the worker holds its lease (renewed while
//! it runs), then `done`, or `queued` again with a later `run_at` after a failure, or `dead` once it
//! has failed `max_attempts` times. A lease that expires (its worker stopped or hangs) is taken again.
//! What the jobs do is the services' business; the store only keeps the queue honest under
//! concurrency: claims never hand one job to two workers (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
//! SQLite the write transaction holds the database), and a worker can complete, fail or release only a
//! job it still holds.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        JobState::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// Which handler runs it (`imports.run`, `rollups.recompute`, …).
    pub kind: String,
    /// The handler's input, as JSON.
    pub payload: String,
    /// At most one queued-or-running job per key. Enqueueing a key that is queued does nothing; one
    /// that is running makes it run once more after it completes.
    pub unique_key: Option<String>,
    /// Higher runs first among due jobs.
    pub priority: i32,
    /// Failures after which the job is dead rather than retried.
    pub max_attempts: i32,
    /// Not claimed before this instant.
    pub run_at: Timestamp,
}

impl NewJob {
    /// A job of `kind` due at `run_at`, with no key, priority 0 and ten attempts.
    pub fn new(kind: impl Into<String>, payload: impl Into<String>, run_at: Timestamp) -> Self {
        Self {
            kind: kind.into(),
            payload: payload.into(),
            unique_key: None,
            priority: 0,
            max_attempts: 10,
            run_at,
        }
    }

    pub fn unique(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub unique_key: Option<String>,
    pub priority: i32,
    pub state: JobState,
    /// Claims so far (the current one included while running).
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: Timestamp,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// Who holds claimed jobs and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub until: Timestamp,
}

/// Jobs of one kind in one state, for metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct JobStats {
    pub kind: String,
    pub state: JobState,
    pub count: i64,
    /// The earliest `run_at` among them: how long the oldest due job has waited.
    pub oldest_run_at: Option<Timestamp>,
}

/// What became of a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Queued again for `retry_at`.
    Retrying,
    /// Out of attempts.
    Dead,
    /// The caller no longer held the job (its lease expired and another worker took it).
    LeaseLost,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Enqueues a job; returns its id, or the id of the queued-or-running job with the same key.
    async fn enqueue(&self, job: &NewJob, now: Timestamp) -> Result<i64, StoreError>;

    /// Enqueues many jobs in one transaction; returns how many were added (keys already present
    /// coalesce as in [`JobStore::enqueue`]).
    async fn enqueue_many(&self, jobs: &[NewJob], now: Timestamp) -> Result<u64, StoreError>;

    /// Claims up to `limit` due jobs, highest priority first, then earliest due, then oldest.
    async fn claim(&self, lease: &Lease, now: Timestamp, limit: u32) -> Result<Vec<JobRecord>, StoreError> {
        self.claim_kinds(lease, now, limit, &[]).await
    }

    /// [`JobStore::claim`] among jobs of `kinds` only (all when empty): a worker never takes a job it
    /// has no handler for (an older release during a rolling upgrade, a tool registering a few kinds).
    async fn claim_kinds(
        &self,
        lease: &Lease,
        now: Timestamp,
        limit: u32,
        kinds: &[String],
    ) -> Result<Vec<JobRecord>, StoreError>;

    /// Claims the job with this key, due or not, if it is queued or its lease has expired.
    async fn claim_key(
        &self,
        key: &str,
        lease: &Lease,
        now: Timestamp,
    ) -> Result<Option<JobRecord>, StoreError>;

    /// Extends the lease of the jobs `ids` that `lease.owner` still holds; returns how many it holds.
    /// Only the jobs still running are named: one whose outcome could not be recorded must be let go.
    async fn renew(&self, lease: &Lease, ids: &[i64]) -> Result<u64, StoreError>;

    /// Marks jobs `owner` holds as done, or queued again for `rerun_at` when enqueued meanwhile under
    /// their key; returns how many it still held.
    async fn complete(
        &self,
        owner: &str,
        ids: &[i64],
        now: Timestamp,
        rerun_at: Timestamp,
    ) -> Result<u64, StoreError>;

    /// Records a failure of a job `owner` holds: queued again for `retry_at`, or dead when out of
    /// attempts.
    async fn fail(
        &self,
        owner: &str,
        id: i64,
        error: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<FailOutcome, StoreError>;

    /// Hands a job back unfinished (shutdown): queued again at once, the attempt not counted.
    async fn release(&self, owner: &str, id: i64) -> Result<bool, StoreError>;

    /// Queues again the running jobs whose lease expired before `now` (or marks them dead when out of
    /// attempts); returns how many.
    async fn rescue_expired(&self, now: Timestamp) -> Result<u64, StoreError>;

    async fn job(&self, id: i64) -> Result<JobRecord, StoreError>;

    /// Jobs newest first, optionally of one state, with ids below `before`.
    async fn jobs(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<JobRecord>, StoreError>;

    /// Queues a dead job again with its attempts reset. `NotFound` when there is no such job,
    /// `Conflict { what: "job_state" }` when it is not dead.
    async fn retry(&self, id: i64, now: Timestamp) -> Result<JobRecord, StoreError>;

    /// Counts per kind and state (done jobs included until pruned).
    async fn stats(&self) -> Result<Vec<JobStats>, StoreError>;

    /// Deletes done jobs finished before `done_before` and dead ones before `dead_before`.
    async fn prune(&self, done_before: Timestamp, dead_before: Timestamp) -> Result<u64, StoreError>;

    /// When the schedule `name` fires next, recording `first` if it has never been seen.
    async fn schedule_next(&self, name: &str, first: Timestamp) -> Result<Timestamp, StoreError>;

    /// Fires the schedule `name` due at `due`: moves it on to `next` and enqueues `job`, in one
    /// transaction; false (and nothing enqueued) when another scheduler fired it first.
    async fn fire_schedule(
        &self,
        name: &str,
        due: Timestamp,
        next: Timestamp,
        job: &NewJob,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}
