//! The jobs Wearhouse itself runs, and its recurring ones. Each kind's payload is a small JSON object;
//! the kinds' names are stored in the queue (and two are written by database triggers: see the
//! `0021_jobs` migrations), so they never change.

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
}

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

/// Publishes the outbox in order until it is empty. One at a time (the job's key): events leave in
/// the order they were written. A crash after publishing and before marking publishes a batch again;
/// consumers drop what they saw by id.
struct PublishEvents {
    store: Store,
    bus: Arc<dyn EventBus>,
}

#[async_trait]
impl JobHandler for PublishEvents {
    async fn run(&self, _job: &JobRecord, cancel: &CancellationToken) -> Result<(), JobError> {
        loop {
            let stored = self
                .store
                .events
                .unpublished(PUBLISH_BATCH)
                .await
                .map_err(crate::ServiceError::from)?;
            if stored.is_empty() {
                return Ok(());
            }
            let seqs: Vec<i64> = stored.iter().map(|e| e.seq).collect();
            let events: Vec<Arc<Event>> = stored.into_iter().map(|e| Arc::new(Event::of(e))).collect();
            self.bus.publish(&events).await.map_err(JobError::Failed)?;
            self.store
                .events
                .mark_published(&seqs, Timestamp::now())
                .await
                .map_err(crate::ServiceError::from)?;
            if cancel.is_cancelled() {
                // What is left is published by the job's next run (the trigger enqueued it again).
                return Ok(());
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
