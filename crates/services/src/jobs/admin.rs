//! What administrators see of the queue and may do to it.

use jiff::Timestamp;
use wearhouse_store::{JobRecord, JobState, StoreError};

use super::Jobs;
use crate::ServiceError;

impl Jobs {
    /// Jobs newest first, optionally of one state, with ids below `before`; whether more follow.
    pub async fn list(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<JobRecord>, bool), ServiceError> {
        let mut jobs = self
            .inner
            .store
            .jobs
            .jobs(state, before, limit.saturating_add(1))
            .await?;
        let more = jobs.len() > limit as usize;
        jobs.truncate(limit as usize);
        Ok((jobs, more))
    }

    /// Queues a dead job again, its attempts reset.
    pub async fn retry(&self, id: i64) -> Result<JobRecord, ServiceError> {
        let job = self
            .inner
            .store
            .jobs
            .retry(id, Timestamp::now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => ServiceError::not_found("job_not_found", format!("no job {id}")),
                StoreError::Conflict { what: "job_state" } => ServiceError::conflict(
                    "job_not_dead",
                    format!("job {id} is not dead: only dead jobs are retried"),
                ),
                StoreError::Conflict { .. } => ServiceError::conflict(
                    "job_key_taken",
                    format!("another job with the key of job {id} is queued or running"),
                ),
                other => other.into(),
            })?;
        self.wake();
        Ok(job)
    }
}
