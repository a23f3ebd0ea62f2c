//! The worker: claims due jobs in batches, runs each on a task of its own under the process's lease,
//! renews the lease while anything runs, and records outcomes in batches (one statement completes
//! every job that finished meanwhile), which is what lets a queue in the database run thousands of
//! short jobs a second.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;
use wearhouse_store::{FailOutcome, JobRecord, Lease};

use super::{backoff, JobError, Jobs};
use crate::ServiceError;

/// How a worker runs.
#[derive(Debug, Clone, Copy)]
pub struct WorkerOptions {
    /// Jobs run at once.
    pub concurrency: usize,
    /// How long running jobs may take to finish (or release themselves) once shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What became of one run of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    Done,
    /// Failed; queued again for later.
    Retrying(String),
    /// Failed for the last time.
    Dead(String),
    Released,
    /// The lease had expired and another worker took the job; this run's outcome was not recorded.
    LeaseLost,
}

impl RunOutcome {
    fn label(&self) -> &'static str {
        match self {
            RunOutcome::Done => "done",
            RunOutcome::Retrying(_) => "retrying",
            RunOutcome::Dead(_) => "dead",
            RunOutcome::Released => "released",
            RunOutcome::LeaseLost => "lease_lost",
        }
    }
}

/// Outcomes of runs in this process, per kind, for `/metrics`.
#[derive(Debug, Default)]
pub struct JobMetrics {
    runs: Mutex<BTreeMap<(String, &'static str), u64>>,
}

impl JobMetrics {
    fn record(&self, kind: &str, outcome: &RunOutcome) {
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        *runs.entry((kind.to_owned(), outcome.label())).or_default() += 1;
    }

    /// (kind, outcome, count) for every pair seen.
    pub fn runs(&self) -> Vec<(String, &'static str, u64)> {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.iter().map(|((k, o), n)| (k.clone(), *o, *n)).collect()
    }
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn lease_owner() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

fn after(now: Timestamp, d: Duration) -> Timestamp {
    now.saturating_add(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
        .unwrap_or(now)
}

impl Jobs {
    /// When a job of `kind` finished at `now` runs again if it was enqueued again meanwhile.
    fn rerun_at(&self, kind: &str, now: Timestamp) -> Timestamp {
        let pause = self.handler(kind).map_or(Duration::ZERO, |h| h.rerun_pause());
        after(now, pause)
    }

    fn lease(&self, owner: &str) -> Lease {
        Lease {
            owner: owner.to_owned(),
            until: after(Timestamp::now(), self.inner.settings.lease),
        }
    }

    /// Runs a claimed job's handler on a task of its own (a panic is a failure, not a lost worker).
    async fn execute(&self, job: &JobRecord, cancel: &CancellationToken) -> Result<(), JobError> {
        let Some(handler) = self.handler(&job.kind) else {
            return Err(JobError::Failed(format!(
                "no handler for jobs of kind '{}' in this process",
                job.kind
            )));
        };
        let (job, cancel) = (job.clone(), cancel.clone());
        // Aborted with this future (a worker cutting jobs off after its shutdown grace).
        let mut task = AbortOnDrop(tokio::spawn(async move { handler.run(&job, &cancel).await }));
        match (&mut task.0).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(JobError::Failed("the job panicked".into())),
            Err(_) => Err(JobError::Released),
        }
    }

    /// Records a run that did not complete.
    async fn settle(
        &self,
        owner: &str,
        job: &JobRecord,
        error: JobError,
    ) -> Result<RunOutcome, ServiceError> {
        let store = &self.inner.store.jobs;
        let outcome = match error {
            JobError::Released => {
                if store.release(owner, job.id).await? {
                    RunOutcome::Released
                } else {
                    RunOutcome::LeaseLost
                }
            }
            JobError::Failed(message) => {
                let s = &self.inner.settings;
                let now = Timestamp::now();
                let retry_at = after(now, backoff::delay(job.attempts, s.base_backoff, s.max_backoff));
                match store.fail(owner, job.id, &message, retry_at, now).await? {
                    FailOutcome::Retrying => {
                        tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed; retrying later");
                        RunOutcome::Retrying(message)
                    }
                    FailOutcome::Dead => {
                        tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %message, "job failed for the last time");
                        RunOutcome::Dead(message)
                    }
                    FailOutcome::LeaseLost => RunOutcome::LeaseLost,
                }
            }
        };
        Ok(outcome)
    }

    /// Claims and runs one due job in the caller's task, for tests and tools: no polling, no sleeps.
    /// `None` when nothing is due.
    pub async fn run_next(&self) -> Result<Option<(JobRecord, RunOutcome)>, ServiceError> {
        let owner = lease_owner();
        let lease = self.lease(&owner);
        let Some(job) = self
            .inner
            .store
            .jobs
            .claim_kinds(&lease, Timestamp::now(), 1, &self.kinds())
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let outcome = self.run_claimed(&owner, &job, &CancellationToken::new()).await?;
        Ok(Some((job, outcome)))
    }

    /// Runs due jobs one at a time until none is due; returns how many ran.
    pub async fn run_until_idle(&self) -> Result<usize, ServiceError> {
        let mut ran = 0;
        while self.run_next().await?.is_some() {
            ran += 1;
        }
        Ok(ran)
    }

    /// Claims the job with this key (queued, or left by a stopped worker) and runs `work` for it here,
    /// in the caller's task, renewing its lease meanwhile: how the CLI runs an import in the foreground,
    /// holding a lease like any worker. `None` when there is no such job or another live worker holds it.
    pub async fn run_key_with<F, Fut>(&self, key: &str, work: F) -> Result<Option<RunOutcome>, ServiceError>
    where
        F: FnOnce(JobRecord, CancellationToken) -> Fut,
        Fut: std::future::Future<Output = Result<(), JobError>>,
    {
        let owner = lease_owner();
        let lease = self.lease(&owner);
        let Some(job) = self
            .inner
            .store
            .jobs
            .claim_key(key, &lease, Timestamp::now())
            .await?
        else {
            return Ok(None);
        };
        let (renewing, lost) = (CancellationToken::new(), CancellationToken::new());
        let in_flight = Arc::new(Mutex::new(HashSet::from([job.id])));
        let heartbeat = tokio::spawn(self.clone().heartbeat(
            owner.clone(),
            in_flight,
            Arc::new(Mutex::new(lost.clone())),
            renewing.clone(),
        ));
        let result = work(job.clone(), lost).await;
        renewing.cancel();
        let _ = heartbeat.await;
        Ok(Some(self.record_one(&owner, &job, result).await?))
    }

    /// Runs a job this caller claimed, renewing the lease until it ends, and records the outcome.
    async fn run_claimed(
        &self,
        owner: &str,
        job: &JobRecord,
        cancel: &CancellationToken,
    ) -> Result<RunOutcome, ServiceError> {
        let renewing = CancellationToken::new();
        let stop = cancel.child_token();
        let in_flight = Arc::new(Mutex::new(HashSet::from([job.id])));
        let heartbeat = tokio::spawn(self.clone().heartbeat(
            owner.to_owned(),
            in_flight,
            Arc::new(Mutex::new(stop.clone())),
            renewing.clone(),
        ));
        let result = self.execute(job, &stop).await;
        renewing.cancel();
        let _ = heartbeat.await;
        self.record_one(owner, job, result).await
    }

    /// Records the outcome of one run.
    async fn record_one(
        &self,
        owner: &str,
        job: &JobRecord,
        result: Result<(), JobError>,
    ) -> Result<RunOutcome, ServiceError> {
        let outcome = match result {
            Ok(()) => {
                let now = Timestamp::now();
                let done = self
                    .inner
                    .store
                    .jobs
                    .complete(owner, &[job.id], now, self.rerun_at(&job.kind, now))
                    .await?;
                if done == 1 {
                    RunOutcome::Done
                } else {
                    RunOutcome::LeaseLost
                }
            }
            Err(e) => self.settle(owner, job, e).await?,
        };
        self.inner.metrics.record(&job.kind, &outcome);
        Ok(outcome)
    }

    /// Renews the leases of the jobs `in_flight` a third of a lease apart until `stop`. When renewals
    /// keep failing (the database unreachable) until the leases are about to expire, cancels `jobs`
    /// (the running jobs' token): another worker may take them soon, so they stop at their next safe
    /// point rather than go on beside it.
    async fn heartbeat(
        self,
        owner: String,
        in_flight: Arc<Mutex<HashSet<i64>>>,
        jobs: Arc<Mutex<CancellationToken>>,
        stop: CancellationToken,
    ) {
        let lease = self.inner.settings.lease;
        let mut renewed_at = tokio::time::Instant::now();
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(lease / 3) => {}
            }
            let ids: Vec<i64> = in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .copied()
                .collect();
            if ids.is_empty() {
                renewed_at = tokio::time::Instant::now();
                continue;
            }
            match self.inner.store.jobs.renew(&self.lease(&owner), &ids).await {
                Ok(held) => {
                    renewed_at = tokio::time::Instant::now();
                    // Jobs that finished while the renewal ran are no longer held, and rightly so:
                    // only those still running count.
                    let running = {
                        let in_flight = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                        ids.iter().filter(|id| in_flight.contains(id)).count() as u64
                    };
                    if held < running {
                        tracing::warn!(
                            running,
                            held,
                            "some running jobs' leases were taken by another worker"
                        );
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot renew job leases");
                    if renewed_at.elapsed() >= lease * 2 / 3 {
                        tracing::error!(
                            "job leases are about to expire unrenewed: stopping the running jobs"
                        );
                        jobs.lock().unwrap_or_else(|p| p.into_inner()).cancel();
                    }
                }
            }
        }
    }

    /// Queues again, every few seconds, jobs whose worker stopped without finishing them.
    async fn rescue(self, stop: CancellationToken) {
        let every = (self.inner.settings.lease / 6).max(Duration::from_millis(200));
        loop {
            match self.inner.store.jobs.rescue_expired(Timestamp::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(jobs = n, "took back jobs whose worker stopped");
                    self.wake();
                }
                Err(e) => tracing::warn!(error = %e, "cannot look for abandoned jobs"),
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }

    /// Runs jobs until `cancel` fires, then stops claiming, lets running jobs finish or release
    /// themselves for up to `shutdown_grace`, aborts what is still running after it (its transaction
    /// rolls back and its lease expires: it runs again elsewhere), and records the outcomes.
    pub async fn work(self, options: WorkerOptions, cancel: CancellationToken) {
        let owner = lease_owner();
        let concurrency = options.concurrency.max(1);
        let slots = Arc::new(Semaphore::new(concurrency));
        let stop_helpers = CancellationToken::new();
        let in_flight: Arc<Mutex<HashSet<i64>>> = Arc::default();
        // The running jobs' token: fires at shutdown, or when their leases could not be renewed (then
        // replaced by a fresh one for the jobs claimed after).
        let jobs_token = Arc::new(Mutex::new(cancel.child_token()));
        let heartbeat = tokio::spawn(self.clone().heartbeat(
            owner.clone(),
            in_flight.clone(),
            jobs_token.clone(),
            stop_helpers.clone(),
        ));
        let rescue = tokio::spawn(self.clone().rescue(stop_helpers.clone()));
        let (finished, outcomes) = mpsc::channel::<(JobRecord, Result<(), JobError>)>(concurrency * 4);
        let recorder = tokio::spawn(self.clone().record(owner.clone(), outcomes, in_flight.clone()));
        let mut running = tokio::task::JoinSet::new();
        tracing::info!(owner = %owner, concurrency, kinds = ?self.kinds(), "job worker started");
        while !cancel.is_cancelled() {
            while running.try_join_next().is_some() {}
            let free = slots.available_permits();
            if free == 0 {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    permit = slots.clone().acquire_owned() => { drop(permit); continue; }
                }
            }
            let limit = u32::try_from(free).unwrap_or(u32::MAX);
            let claimed = match self
                .inner
                .store
                .jobs
                // All kinds, not `claim_kinds`: on PostgreSQL a kind filter made the planner give up the
                // due-order index (claims a quarter as fast in `bench jobs`). Kinds without a handler
                // here fail and are retried; every process of one release registers every kind.
                .claim(&self.lease(&owner), Timestamp::now(), limit)
                .await
            {
                Ok(jobs) => jobs,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim jobs");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = self.inner.wake.notified() => {}
                    _ = tokio::time::sleep(self.inner.settings.poll) => {}
                }
                continue;
            }
            let token = {
                let mut current = jobs_token.lock().unwrap_or_else(|p| p.into_inner());
                if current.is_cancelled() && !cancel.is_cancelled() {
                    *current = cancel.child_token();
                }
                current.clone()
            };
            for job in claimed {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    break;
                };
                in_flight.lock().unwrap_or_else(|p| p.into_inner()).insert(job.id);
                let (this, finished, token) = (self.clone(), finished.clone(), token.clone());
                running.spawn(async move {
                    let result = this.execute(&job, &token).await;
                    let _ = finished.send((job, result)).await;
                    drop(permit);
                });
            }
        }
        tracing::info!("job worker stopping: waiting for running jobs");
        let all = u32::try_from(concurrency).unwrap_or(u32::MAX);
        if tokio::time::timeout(options.shutdown_grace, slots.acquire_many(all))
            .await
            .is_err()
        {
            tracing::warn!(
                running = running.len(),
                "jobs still running at the end of the shutdown grace are stopped; their leases expire and they run again"
            );
            running.abort_all();
        }
        while running.join_next().await.is_some() {}
        // Nothing renews the leases of jobs cut off: they expire and the jobs run again elsewhere.
        stop_helpers.cancel();
        let _ = heartbeat.await;
        drop(finished);
        let _ = recorder.await;
        let _ = rescue.await;
        tracing::info!("job worker stopped");
    }

    /// Records outcomes as runs finish: every completion waiting is written in one statement.
    async fn record(
        self,
        owner: String,
        mut outcomes: mpsc::Receiver<(JobRecord, Result<(), JobError>)>,
        in_flight: Arc<Mutex<HashSet<i64>>>,
    ) {
        let mut batch = Vec::with_capacity(256);
        while outcomes.recv_many(&mut batch, 256).await > 0 {
            let mut done = Vec::new();
            {
                // No longer renewed, whatever recording them gives: a job whose outcome cannot be
                // written is let go, and its lease expires.
                let mut running = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                for (job, _) in &batch {
                    running.remove(&job.id);
                }
            }
            for (job, result) in batch.drain(..) {
                match result {
                    Ok(()) => done.push(job),
                    Err(e) => match self.settle(&owner, &job, e).await {
                        Ok(outcome) => self.inner.metrics.record(&job.kind, &outcome),
                        Err(e) => {
                            tracing::warn!(job = job.id, error = %e.with_causes(), "cannot record a job's failure")
                        }
                    },
                }
            }
            // One statement per time their reruns are due (one or two: most kinds rerun at once).
            let now = Timestamp::now();
            let mut by_rerun: BTreeMap<Timestamp, Vec<JobRecord>> = BTreeMap::new();
            for job in done {
                by_rerun
                    .entry(self.rerun_at(&job.kind, now))
                    .or_default()
                    .push(job);
            }
            for (rerun_at, done) in by_rerun {
                let ids: Vec<i64> = done.iter().map(|j| j.id).collect();
                match self.inner.store.jobs.complete(&owner, &ids, now, rerun_at).await {
                    Ok(n) => {
                        for job in &done {
                            self.inner.metrics.record(&job.kind, &RunOutcome::Done);
                        }
                        if n < ids.len() as u64 {
                            tracing::warn!(
                                lost = ids.len() as u64 - n,
                                "jobs finished after their lease expired; they run again"
                            );
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, jobs = ids.len(), "cannot record finished jobs; they run again")
                    }
                }
            }
        }
    }
}
