//! `JobStore` in SQL common to both backends. Claims differ only in the row locks PostgreSQL takes
//! (`CLAIM_LOCK`): several workers claiming at once skip each other's rows instead of waiting.

/// The columns of a job, in [`JobRow`]'s order.
pub(crate) const JOB_COLUMNS: &str =
    "id, kind, payload, unique_key, priority, state, attempts, max_attempts, \
     run_at, created_at, started_at, finished_at, lease_owner, lease_until, last_error";

/// Enqueues one job ($1 kind, $2 payload, $3 key, $4 priority, $5 max attempts, $6 run at, $7 now). A key
/// already queued or running coalesces: the earlier due time and the higher priority win, and a running
/// job is flagged to run once more.
pub(crate) const ENQUEUE: &str =
    "INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO UPDATE SET \
     rerun = (jobs.rerun OR jobs.state = 'running'), \
     run_at = CASE WHEN excluded.run_at < jobs.run_at THEN excluded.run_at ELSE jobs.run_at END, \
     priority = CASE WHEN excluded.priority > jobs.priority THEN excluded.priority ELSE jobs.priority END \
     RETURNING id";

/// Dead jobs that were asked to run once more while running (`rerun`: their key was enqueued again for
/// a change that came after their run began) get a fresh successor under the same key: that change
/// still needs its run, whatever became of the one before it. The dead job stays, for the record.
const SUCCEED_DEAD: &str =
    "INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at) \
     SELECT kind, payload, unique_key, priority, max_attempts, $1, $1 FROM jobs \
     WHERE state = 'dead' AND rerun AND ($2 IS NULL OR id = $2) \
     ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING";

/// Runs [`SUCCEED_DEAD`] for job `id` (every dead job when `None`) and clears the flags it acted on, in
/// the caller's transaction.
pub(crate) async fn succeed_dead<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    id: Option<i64>,
    now: i64,
) -> Result<(), crate::StoreError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB>,
{
    sqlx::query(SUCCEED_DEAD)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE jobs SET rerun = FALSE WHERE state = 'dead' AND rerun AND ($1 IS NULL OR id = $1)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    unique_key: Option<String>,
    priority: i32,
    state: String,
    attempts: i32,
    max_attempts: i32,
    run_at: i64,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_error: Option<String>,
}

impl TryFrom<JobRow> for crate::JobRecord {
    type Error = crate::StoreError;

    fn try_from(r: JobRow) -> Result<Self, Self::Error> {
        use crate::time::from_micros;
        Ok(crate::JobRecord {
            id: r.id,
            kind: r.kind,
            payload: r.payload,
            unique_key: r.unique_key,
            priority: r.priority,
            state: crate::JobState::parse(&r.state)
                .ok_or_else(|| crate::StoreError::Corrupt(format!("job state {:?}", r.state)))?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: from_micros(r.run_at)?,
            created_at: from_micros(r.created_at)?,
            started_at: r.started_at.map(from_micros).transpose()?,
            finished_at: r.finished_at.map(from_micros).transpose()?,
            lease_owner: r.lease_owner,
            lease_until: r.lease_until.map(from_micros).transpose()?,
            last_error: r.last_error,
        })
    }
}

/// A job kind as the code names them (`imports.run`): lowercase letters, digits, `.` and `_`.
pub(crate) fn is_kind_name(kind: &str) -> bool {
    !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

pub(crate) fn records(rows: Vec<JobRow>) -> Result<Vec<crate::JobRecord>, crate::StoreError> {
    rows.into_iter().map(crate::JobRecord::try_from).collect()
}

macro_rules! impl_job_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::JobStore for $store {
            async fn enqueue(
                &self,
                job: &$crate::NewJob,
                now: jiff::Timestamp,
            ) -> Result<i64, $crate::StoreError> {
                use $crate::time::to_micros;
                Ok(sqlx::query_scalar($crate::sql::jobs::ENQUEUE)
                    .bind(&job.kind)
                    .bind(&job.payload)
                    .bind(&job.unique_key)
                    .bind(job.priority)
                    .bind(job.max_attempts)
                    .bind(to_micros(job.run_at))
                    .bind(to_micros(now))
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn enqueue_many(
                &self,
                jobs: &[$crate::NewJob],
                now: jiff::Timestamp,
            ) -> Result<u64, $crate::StoreError> {
                use $crate::time::to_micros;
                let mut tx = self.pool.begin().await?;
                let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")
                    .fetch_one(&mut *tx)
                    .await?;
                // Without keys a multi-row insert is one statement per 1,000 jobs; keys need the upsert.
                for chunk in jobs.chunks(1000) {
                    if chunk.iter().all(|j| j.unique_key.is_none()) {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO jobs (kind, payload, priority, max_attempts, run_at, created_at) ",
                        );
                        q.push_values(chunk, |mut b, j| {
                            b.push_bind(&j.kind)
                                .push_bind(&j.payload)
                                .push_bind(j.priority)
                                .push_bind(j.max_attempts)
                                .push_bind(to_micros(j.run_at))
                                .push_bind(to_micros(now));
                        });
                        q.build().execute(&mut *tx).await?;
                    } else {
                        for job in chunk {
                            let _: i64 = sqlx::query_scalar($crate::sql::jobs::ENQUEUE)
                                .bind(&job.kind)
                                .bind(&job.payload)
                                .bind(&job.unique_key)
                                .bind(job.priority)
                                .bind(job.max_attempts)
                                .bind(to_micros(job.run_at))
                                .bind(to_micros(now))
                                .fetch_one(&mut *tx)
                                .await?;
                        }
                    }
                }
                let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(u64::try_from(after - before).unwrap_or(0))
            }

            async fn claim_kinds(
                &self,
                lease: &$crate::Lease,
                now: jiff::Timestamp,
                limit: u32,
                kinds: &[String],
            ) -> Result<Vec<$crate::JobRecord>, $crate::StoreError> {
                use $crate::time::to_micros;
                // The kinds are written into the statement, not bound: PostgreSQL's generic plan for a
                // bound list estimated the filter so badly that claims scanned the whole queue (a
                // quarter of the throughput). They are the code's own names; anything else is refused.
                if let Some(bad) = kinds.iter().find(|k| !$crate::sql::jobs::is_kind_name(k)) {
                    return Err($crate::StoreError::Corrupt(format!("job kind {bad:?} is not a kind name")));
                }
                let only = if kinds.is_empty() {
                    String::new()
                } else {
                    let list: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
                    format!(" AND kind IN ({})", list.join(", "))
                };
                let sql = format!(
                    "WITH next AS {materialized}(SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3{only} \
                     ORDER BY priority DESC, run_at, id LIMIT $4{lock}) \
                     UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
                     attempts = attempts + 1, started_at = $3, rerun = FALSE \
                     WHERE id IN (SELECT id FROM next) RETURNING {columns}",
                    materialized = <$store>::MATERIALIZED,
                    lock = <$store>::CLAIM_LOCK,
                    columns = $crate::sql::jobs::JOB_COLUMNS,
                );
                let rows: Vec<$crate::sql::jobs::JobRow> = sqlx::query_as(&sql)
                    .bind(&lease.owner)
                    .bind(to_micros(lease.until))
                    .bind(to_micros(now))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                let mut jobs = $crate::sql::jobs::records(rows)?;
                jobs.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.run_at.cmp(&b.run_at)).then(a.id.cmp(&b.id)));
                Ok(jobs)
            }

            async fn claim_key(
                &self,
                key: &str,
                lease: &$crate::Lease,
                now: jiff::Timestamp,
            ) -> Result<Option<$crate::JobRecord>, $crate::StoreError> {
                use $crate::time::to_micros;
                let sql = format!(
                    "UPDATE jobs SET state = 'running', lease_owner = $2, lease_until = $3, \
                     attempts = attempts + 1, started_at = $4, rerun = FALSE \
                     WHERE unique_key = $1 AND (state = 'queued' OR (state = 'running' AND lease_until < $4)) \
                     RETURNING {}",
                    $crate::sql::jobs::JOB_COLUMNS
                );
                let row: Option<$crate::sql::jobs::JobRow> = sqlx::query_as(&sql)
                    .bind(key)
                    .bind(&lease.owner)
                    .bind(to_micros(lease.until))
                    .bind(to_micros(now))
                    .fetch_optional(&self.pool)
                    .await?;
                row.map($crate::JobRecord::try_from).transpose()
            }

            async fn renew(&self, lease: &$crate::Lease, ids: &[i64]) -> Result<u64, $crate::StoreError> {
                let mut renewed = 0;
                for chunk in ids.chunks(1000) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("UPDATE jobs SET lease_until = ");
                    q.push_bind($crate::time::to_micros(lease.until))
                        .push(" WHERE state = 'running' AND lease_owner = ")
                        .push_bind(&lease.owner)
                        .push(" AND id IN (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    q.push(")");
                    renewed += q.build().execute(&self.pool).await?.rows_affected();
                }
                Ok(renewed)
            }

            async fn complete(
                &self,
                owner: &str,
                ids: &[i64],
                now: jiff::Timestamp,
                rerun_at: jiff::Timestamp,
            ) -> Result<u64, $crate::StoreError> {
                if ids.is_empty() {
                    return Ok(0);
                }
                let now = $crate::time::to_micros(now);
                let rerun_at = $crate::time::to_micros(rerun_at);
                let mut done = 0;
                for chunk in ids.chunks(1000) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "UPDATE jobs SET state = CASE WHEN rerun THEN 'queued' ELSE 'done' END, \
                         attempts = CASE WHEN rerun THEN 0 ELSE attempts END, run_at = CASE WHEN rerun THEN ",
                    );
                    q.push_bind(rerun_at)
                        .push(" ELSE run_at END, rerun = FALSE, lease_owner = NULL, lease_until = NULL, last_error = NULL, finished_at = ")
                        .push_bind(now)
                        .push(" WHERE state = 'running' AND lease_owner = ")
                        .push_bind(owner)
                        .push(" AND id IN (");
                    let mut ids = q.separated(", ");
                    for id in chunk {
                        ids.push_bind(*id);
                    }
                    q.push(")");
                    done += q.build().execute(&self.pool).await?.rows_affected();
                }
                Ok(done)
            }

            async fn fail(
                &self,
                owner: &str,
                id: i64,
                error: &str,
                retry_at: jiff::Timestamp,
                now: jiff::Timestamp,
            ) -> Result<$crate::FailOutcome, $crate::StoreError> {
                use $crate::time::to_micros;
                let mut tx = self.pool.begin().await?;
                // A dead job keeps its `rerun` flag for `SUCCEED_DEAD` to act on.
                let state: Option<String> = sqlx::query_scalar(
                    "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
                     run_at = $4, last_error = $3, finished_at = $5, \
                     rerun = CASE WHEN attempts >= max_attempts THEN rerun ELSE FALSE END, lease_owner = NULL, \
                     lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING state",
                )
                .bind(id)
                .bind(owner)
                .bind(error)
                .bind(to_micros(retry_at))
                .bind(to_micros(now))
                .fetch_optional(&mut *tx)
                .await?;
                if state.as_deref() == Some("dead") {
                    $crate::sql::jobs::succeed_dead(&mut tx, Some(id), to_micros(now)).await?;
                }
                tx.commit().await?;
                Ok(match state.as_deref() {
                    None => $crate::FailOutcome::LeaseLost,
                    Some("dead") => $crate::FailOutcome::Dead,
                    Some(_) => $crate::FailOutcome::Retrying,
                })
            }

            async fn release(&self, owner: &str, id: i64) -> Result<bool, $crate::StoreError> {
                Ok(sqlx::query(
                    "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, \
                     lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                )
                .bind(id)
                .bind(owner)
                .execute(&self.pool)
                .await?
                .rows_affected()
                    == 1)
            }

            async fn rescue_expired(&self, now: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                let now = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                let rescued = sqlx::query(
                    "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
                     finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE finished_at END, \
                     rerun = CASE WHEN attempts >= max_attempts THEN rerun ELSE FALSE END, \
                     last_error = 'the worker running it stopped (its lease expired)', run_at = $1, \
                     lease_owner = NULL, lease_until = NULL WHERE state = 'running' AND lease_until < $1",
                )
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if rescued > 0 {
                    $crate::sql::jobs::succeed_dead(&mut tx, None, now).await?;
                }
                tx.commit().await?;
                Ok(rescued)
            }

            async fn job(&self, id: i64) -> Result<$crate::JobRecord, $crate::StoreError> {
                let sql = format!("SELECT {} FROM jobs WHERE id = $1", $crate::sql::jobs::JOB_COLUMNS);
                let row: $crate::sql::jobs::JobRow = sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?;
                row.try_into()
            }

            async fn jobs(
                &self,
                state: Option<$crate::JobState>,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<$crate::JobRecord>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM jobs WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR id < $2) \
                     ORDER BY id DESC LIMIT $3",
                    $crate::sql::jobs::JOB_COLUMNS
                );
                let rows: Vec<$crate::sql::jobs::JobRow> = sqlx::query_as(&sql)
                    .bind(state.map(|s| s.as_str()))
                    .bind(before)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                $crate::sql::jobs::records(rows)
            }

            async fn retry(
                &self,
                id: i64,
                now: jiff::Timestamp,
            ) -> Result<$crate::JobRecord, $crate::StoreError> {
                let sql = format!(
                    "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, finished_at = NULL \
                     WHERE id = $1 AND state = 'dead' RETURNING {}",
                    $crate::sql::jobs::JOB_COLUMNS
                );
                let row: Option<$crate::sql::jobs::JobRow> = match sqlx::query_as(&sql)
                    .bind(id)
                    .bind($crate::time::to_micros(now))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::StoreError::from)
                {
                    Ok(row) => row,
                    // Another job with its key is queued or running already.
                    Err($crate::StoreError::Conflict { .. }) => {
                        return Err($crate::StoreError::Conflict { what: "job_key" })
                    }
                    Err(e) => return Err(e),
                };
                match row {
                    Some(row) => row.try_into(),
                    None => {
                        $crate::JobStore::job(self, id).await?;
                        Err($crate::StoreError::Conflict { what: "job_state" })
                    }
                }
            }

            async fn stats(&self) -> Result<Vec<$crate::JobStats>, $crate::StoreError> {
                let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
                    "SELECT kind, state, COUNT(*), MIN(run_at) FROM jobs GROUP BY kind, state ORDER BY kind, state",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(kind, state, count, oldest)| {
                        Ok($crate::JobStats {
                            state: $crate::JobState::parse(&state)
                                .ok_or_else(|| $crate::StoreError::Corrupt(format!("job state {state:?}")))?,
                            kind,
                            count,
                            oldest_run_at: oldest.map($crate::time::from_micros).transpose()?,
                        })
                    })
                    .collect()
            }

            async fn prune(
                &self,
                done_before: jiff::Timestamp,
                dead_before: jiff::Timestamp,
            ) -> Result<u64, $crate::StoreError> {
                use $crate::time::to_micros;
                Ok(sqlx::query(
                    "DELETE FROM jobs WHERE (state = 'done' AND finished_at < $1) OR (state = 'dead' AND finished_at < $2)",
                )
                .bind(to_micros(done_before))
                .bind(to_micros(dead_before))
                .execute(&self.pool)
                .await?
                .rows_affected())
            }

            async fn schedule_next(
                &self,
                name: &str,
                first: jiff::Timestamp,
            ) -> Result<jiff::Timestamp, $crate::StoreError> {
                sqlx::query("INSERT INTO job_schedules (name, next_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind($crate::time::to_micros(first))
                    .execute(&self.pool)
                    .await?;
                let next: i64 = sqlx::query_scalar("SELECT next_at FROM job_schedules WHERE name = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await?;
                $crate::time::from_micros(next)
            }

            async fn fire_schedule(
                &self,
                name: &str,
                due: jiff::Timestamp,
                next: jiff::Timestamp,
                job: &$crate::NewJob,
                now: jiff::Timestamp,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::time::to_micros;
                let mut tx = self.pool.begin().await?;
                let moved = sqlx::query("UPDATE job_schedules SET next_at = $3 WHERE name = $1 AND next_at = $2")
                    .bind(name)
                    .bind(to_micros(due))
                    .bind(to_micros(next))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if moved == 0 {
                    return Ok(false);
                }
                let _: i64 = sqlx::query_scalar($crate::sql::jobs::ENQUEUE)
                    .bind(&job.kind)
                    .bind(&job.payload)
                    .bind(&job.unique_key)
                    .bind(job.priority)
                    .bind(job.max_attempts)
                    .bind(to_micros(job.run_at))
                    .bind(to_micros(now))
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}
