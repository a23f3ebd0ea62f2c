//! The jobs Wearhouse itself runs, and its recurring ones. Each kind's payload is a small JSON object;
//! the kinds' names are stored in the queue (and two are written by database triggers: see the
//! `0021_jobs` migrations), so they never change.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use wearhouse_model::UserId;
use wearhouse_store::{JobRecord, NewJob, Store};

use super::{CancellationToken, JobError, JobHandler, Jobs, Schedule};
use crate::events::{Event, EventBus};
use crate::rollups::Rollups;
use crate::{ActivityService, ImportService};

/// Runs one import (`{"import": id}`); enqueued by the database when an import is queued.
pub const IMPORT: &str = "imports.run";
/// Recomputes a user's marked rollup days (`{"user": id}`); enqueued by the database when days are
/// marked.
pub const ROLLUPS: &str = "rollups.recompute";
/// Empties the activity trash, forgets stale idempotency keys and finished jobs (`{}`); hourly.
pub const PURGE: &str = "maintenance.purge";
/// Publishes the outbox's unpublished events, in order (`{}`); enqueued by the database when an event
/// is written.
pub const PUBLISH_EVENTS: &str = "events.publish";
/// Does nothing: measures the queue itself (`wearhouse bench jobs`) and checks a deployment's workers.
pub const NOOP: &str = "noop";

/// Done jobs are kept this long for the admin listing, dead ones longer, for a look at what failed.
const KEEP_DONE: SignedDuration = SignedDuration::from_hours(24);
const KEEP_DEAD: SignedDuration = SignedDuration::from_hours(24 * 30);
/// Published events are kept this long, for live streams resuming after a disconnect.
pub const KEEP_EVENTS: SignedDuration = SignedDuration::from_hours(24);
/// Events published per outbox read.
const PUBLISH_BATCH: u32 = 500;

fn payload<T: for<'de> Deserialize<'de>>(job: &JobRecord) -> Result<T, JobError> {
    serde_json::from_str(&job.payload)
        .map_err(|e| JobError::Failed(format!("the payload of a {} job does not parse: {e}", job.kind)))
}

struct RunImport(Arc<ImportService>);

#[derive(Deserialize)]
struct ImportPayload {
    import: String,
}

#[async_trait]
impl JobHandler for RunImport {
    async fn run(&self, job: &JobRecord, cancel: &CancellationToken) -> Result<(), JobError> {
        let p: ImportPayload = payload(job)?;
        if self.0.run_job(&p.import, cancel).await? {
            Ok(())
        } else {
            Err(JobError::Released)
        }
    }
}

struct RecomputeRollups(Rollups);

#[derive(Deserialize)]
struct UserPayload {
    user: String,
}

#[async_trait]
impl JobHandler for RecomputeRollups {
    async fn run(&self, job: &JobRecord, _cancel: &CancellationToken) -> Result<(), JobError> {
        let p: UserPayload = payload(job)?;
        let user = UserId::parse(&p.user).map_err(|e| JobError::Failed(format!("user {:?}: {e}", p.user)))?;
        Ok(self.0.flush(&user).await?)
    }

    /// Under a steady flow (a device streaming, samples posted one by one) a user's days are marked
    /// again while they are recomputed: recomputed at most once a second then, not once per write,
    /// which took most of SQLite's one writer. Reads never wait for it: they recompute what is marked
    /// first (`Rollups::flush`).
    fn rerun_pause(&self) -> std::time::Duration {
        ROLLUPS_RERUN_PAUSE
    }
}

/// See `RecomputeRollups::rerun_pause`.
const ROLLUPS_RERUN_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

struct Purge {
    activities: Arc<ActivityService>,
    /// The store, not the `Jobs` whose handler map holds this: that would be a cycle keeping the
    /// database pool open after the application stops.
    store: Store,
}

#[async_trait]
impl JobHandler for Purge {
    async fn run(&self, _job: &JobRecord, _cancel: &CancellationToken) -> Result<(), JobError> {
        let trashed = self.activities.purge().await?;
        let now = Timestamp::now();
        let jobs = self
            .store
            .jobs
            .prune(now - KEEP_DONE, now - KEEP_DEAD)
            .await
            .map_err(crate::ServiceError::from)?;
        let events = self
            .store
            .events
            .prune_events(now - KEEP_EVENTS)
            .await
            .map_err(crate::ServiceError::from)?;
        if trashed > 0 || jobs > 0 || events > 0 {
            tracing::info!(
                activities = trashed,
                jobs,
                events,
                "purged the trash, finished jobs and old events"
            );
        }
        Ok(())
    }
}

/// How long the publishing job keeps watching the outbox after the last event it published: under a
/// steady flow it publishes each event within [`PUBLISH_POLL_BUSY`] of its commit, whichever process
/// wrote it, instead of a new job being enqueued, claimed and finished per event.
const PUBLISH_LINGER: std::time::Duration = std::time::Duration::from_secs(5);
/// How often it looks while events came within the last second.
const PUBLISH_POLL_BUSY: std::time::Duration = std::time::Duration::from_millis(5);
/// How often it looks when the flow has paused.
const PUBLISH_POLL_IDLE: std::time::Duration = std::time::Duration::from_millis(50);

/// Publishes the outbox in order, then keeps watching it for [`PUBLISH_LINGER`] (reads only: an
/// empty outbox costs one indexed read per look). One at a time (the job's key): events leave in the
/// order they were written. A crash after publishing and before marking publishes a batch again;
/// consumers drop what they saw by id. An event committed while the job runs is either seen by it or,
/// when it asked for a rerun, by its successor.
struct PublishEvents {
    store: Store,
    bus: Arc<dyn EventBus>,
}

/// Published events not yet marked so: marking is a write, which on SQLite waits for the one writer,
/// so it runs beside the publishing (one batch at a time) instead of holding up the next events.
#[derive(Default)]
struct Marking {
    /// Published, whether their marking started or not: skipped when the outbox is read again.
    published: HashSet<i64>,
    /// Published, marking not started.
    waiting: Vec<i64>,
    running: Option<(Vec<i64>, MarkTask)>,
}

/// A marking under way.
type MarkTask = tokio::task::JoinHandle<Result<(), wearhouse_store::StoreError>>;

/// Published events not yet marked beyond which publishing waits for the marking to catch up.
const MARKING_BACKLOG: usize = 5_000;

impl Marking {
    /// Settles the running marking when it is over (`wait`: waiting for it), and starts the next.
    async fn advance(&mut self, store: &Store, wait: bool) -> Result<(), JobError> {
        if let Some((seqs, task)) = self.running.take() {
            if wait || task.is_finished() {
                task.await
                    .map_err(|e| JobError::Failed(format!("marking events published: {e}")))?
                    .map_err(crate::ServiceError::from)?;
                for seq in seqs {
                    self.published.remove(&seq);
                }
            } else {
                self.running = Some((seqs, task));
                return Ok(());
            }
        }
        if !self.waiting.is_empty() {
            let seqs = std::mem::take(&mut self.waiting);
            let store = store.clone();
            let marked = seqs.clone();
            let task =
                tokio::spawn(async move { store.events.mark_published(&marked, Timestamp::now()).await });
            self.running = Some((seqs, task));
        }
        Ok(())
    }

    /// Marks everything published, waiting for it.
    async fn finish(&mut self, store: &Store) -> Result<(), JobError> {
        while self.running.is_some() || !self.waiting.is_empty() {
            self.advance(store, true).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl JobHandler for PublishEvents {
    async fn run(&self, _job: &JobRecord, cancel: &CancellationToken) -> Result<(), JobError> {
        let mut last_event = std::time::Instant::now();
        let mut marking = Marking::default();
        loop {
            marking
                .advance(&self.store, marking.published.len() >= MARKING_BACKLOG)
                .await?;
            let limit =
                PUBLISH_BATCH + u32::try_from(marking.published.len()).unwrap_or(u32::MAX - PUBLISH_BATCH);
            let stored: Vec<_> = self
                .store
                .events
                .unpublished(limit)
                .await
                .map_err(crate::ServiceError::from)?
                .into_iter()
                .filter(|e| !marking.published.contains(&e.seq))
                .collect();
            if stored.is_empty() {
                let quiet = last_event.elapsed();
                if quiet >= PUBLISH_LINGER || cancel.is_cancelled() {
                    return marking.finish(&self.store).await;
                }
                let pause = if quiet < std::time::Duration::from_secs(1) {
                    PUBLISH_POLL_BUSY
                } else {
                    PUBLISH_POLL_IDLE
                };
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = cancel.cancelled() => {}
                }
                continue;
            }
            let seqs: Vec<i64> = stored.iter().map(|e| e.seq).collect();
            let events: Vec<Arc<Event>> = stored.into_iter().map(|e| Arc::new(Event::of(e))).collect();
            if let Err(e) = self.bus.publish(&events).await {
                // What was published before stays published; these are published again next run.
                marking.finish(&self.store).await?;
                return Err(JobError::Failed(e));
            }
            marking.published.extend(seqs.iter().copied());
            marking.waiting.extend(seqs);
            last_event = std::time::Instant::now();
            if cancel.is_cancelled() {
                // What is left is published by the job's next run (the trigger enqueued it again).
                return marking.finish(&self.store).await;
            }
        }
    }
}

struct Noop;

#[async_trait]
impl JobHandler for Noop {
    async fn run(&self, _job: &JobRecord, _cancel: &CancellationToken) -> Result<(), JobError> {
        Ok(())
    }
}

/// Registers the handlers of every built-in kind.
pub fn register(
    jobs: &Jobs,
    imports: Arc<ImportService>,
    rollups: Rollups,
    activities: Arc<ActivityService>,
    bus: Arc<dyn EventBus>,
) {
    jobs.register(
        PUBLISH_EVENTS,
        Arc::new(PublishEvents {
            store: jobs.store().clone(),
            bus,
        }),
    );
    jobs.register(IMPORT, Arc::new(RunImport(imports)));
    jobs.register(ROLLUPS, Arc::new(RecomputeRollups(rollups)));
    jobs.register(
        PURGE,
        Arc::new(Purge {
            activities,
            store: jobs.store().clone(),
        }),
    );
    register_noop(jobs);
}

/// Registers only `noop` (the queue's benchmark).
pub fn register_noop(jobs: &Jobs) {
    jobs.register(NOOP, Arc::new(Noop));
}

/// The recurring jobs: the purge, hourly (on the hour, UTC).
pub fn schedules() -> Vec<Schedule> {
    let purge = NewJob::new(PURGE, "{}", Timestamp::UNIX_EPOCH)
        .unique(PURGE)
        .priority(-10)
        .max_attempts(3);
    // A constant, valid expression: the unit test below parses it.
    Schedule::new(PURGE, "0 0 * * * *", TimeZone::UTC, purge)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_schedule_parses() {
        assert_eq!(super::schedules().len(), 1);
    }
}
