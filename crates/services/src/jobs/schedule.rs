//! Recurring jobs: a cron expression in a time zone, and the scheduler loop that fires them. Several
//! schedulers may run (one per scheduler process): each firing moves the schedule's next instant on by
//! compare-and-set in the same transaction as it enqueues the job, so a firing happens once. A
//! scheduler that was down fires a missed schedule once when it comes back, not once per missed slot.

use std::str::FromStr;
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use tokio_util::sync::CancellationToken;
use wearhouse_store::NewJob;

use super::Jobs;

#[derive(Debug, thiserror::Error)]
#[error("schedule '{name}': {detail}")]
pub struct ScheduleError {
    name: String,
    detail: String,
}

/// A job enqueued at every instant a cron expression names, read in a time zone (wall-clock times, so
/// "03:00 every day" stays 03:00 across DST changes).
#[derive(Debug, Clone)]
pub struct Schedule {
    pub name: String,
    cron: jiff_cron::Schedule,
    zone: TimeZone,
    /// The job each firing enqueues (its `run_at` is set to the firing instant).
    pub job: NewJob,
}

impl Schedule {
    /// `cron` has seconds first: `sec min hour day-of-month month day-of-week [year]`.
    pub fn new(name: &str, cron: &str, zone: TimeZone, job: NewJob) -> Result<Self, ScheduleError> {
        let cron = jiff_cron::Schedule::from_str(cron).map_err(|e| ScheduleError {
            name: name.to_owned(),
            detail: format!("invalid cron expression '{cron}': {e}"),
        })?;
        Ok(Self {
            name: name.to_owned(),
            cron,
            zone,
            job,
        })
    }

    /// The first firing strictly after `t`, or `None` when the expression names no later instant.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        let from = t.to_zoned(self.zone.clone());
        self.cron.after(from).next().map(|z| z.timestamp())
    }
}

impl Jobs {
    /// Fires the schedules that are due at `now`; returns how many this call fired (others may have
    /// been fired by another scheduler first).
    pub async fn fire_due(
        &self,
        schedules: &[Schedule],
        now: Timestamp,
    ) -> Result<usize, crate::ServiceError> {
        let mut fired = 0;
        for schedule in schedules {
            let Some(first) = schedule.next_after(now) else {
                continue;
            };
            let due = self.inner.store.jobs.schedule_next(&schedule.name, first).await?;
            if due > now {
                continue;
            }
            let Some(next) = schedule.next_after(now) else {
                continue;
            };
            let mut job = schedule.job.clone();
            job.run_at = due;
            if self
                .inner
                .store
                .jobs
                .fire_schedule(&schedule.name, due, next, &job, now)
                .await?
            {
                tracing::debug!(schedule = %schedule.name, "recurring job enqueued");
                fired += 1;
            }
        }
        if fired > 0 {
            self.wake();
        }
        Ok(fired)
    }

    /// Fires recurring jobs until `cancel`, looking every `tick` (the schedules' own resolution is
    /// seconds; a tick of a second or a few is plenty).
    pub async fn schedule(self, schedules: Vec<Schedule>, tick: Duration, cancel: CancellationToken) {
        tracing::info!(schedules = schedules.len(), "job scheduler started");
        loop {
            if let Err(e) = self.fire_due(&schedules, Timestamp::now()).await {
                tracing::warn!(error = %e.with_causes(), "cannot fire recurring jobs");
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(tick) => {}
            }
        }
        tracing::info!("job scheduler stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> NewJob {
        NewJob::new("test", "{}", Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn fires_at_wall_clock_times_across_dst() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let daily = Schedule::new("daily", "0 0 3 * * *", zone, job()).unwrap();
        // 2026-03-29 is the spring change in Berlin (02:00 → 03:00): 03:00 local is 01:00 UTC after it,
        // 02:00 UTC before.
        let before: Timestamp = "2026-03-28T00:00:00Z".parse().unwrap();
        let first = daily.next_after(before).unwrap();
        assert_eq!(first, "2026-03-28T02:00:00Z".parse::<Timestamp>().unwrap());
        let second = daily.next_after(first).unwrap();
        assert_eq!(second, "2026-03-29T01:00:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn refuses_a_bad_expression_with_its_name() {
        let err = Schedule::new("purge", "every hour", TimeZone::UTC, job()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("schedule 'purge': invalid cron expression"),
            "{err}"
        );
    }
}
