//! SQLite's bulk paths, on plain connections of their own (rusqlite).
//!
//! sqlx's SQLite driver runs every statement on a worker thread and passes arguments and each result
//! row between threads through channels. On the bulk paths (an import stores hundreds of thousands of
//! samples; a rollup reads them back) that hand-off cost more than SQLite itself: in a profile of a
//! 594k-record import the driver's thread wake-ups and channel sends took about as much CPU as the
//! statements they ran. These paths therefore run on a blocking thread, on connections to the same
//! database file with cached statements. They are ordinary SQLite connections: transactions, WAL,
//! foreign keys and the busy timeout behave exactly as on the pool's.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use wearhouse_model::{Metric, UserId};

use crate::{DailyRollup, HourlyRollup, NewSample, RawRecord, SampleValue, StoreError};

/// Idle connections kept for reuse (each keeps its statement cache and page cache).
const MAX_IDLE: usize = 4;

/// A small pool of native connections to one SQLite file.
pub(crate) struct NativeSqlite {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for NativeSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeSqlite")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn native_error(e: rusqlite::Error) -> StoreError {
    StoreError::Native(e.to_string())
}

impl NativeSqlite {
    pub(crate) fn new(path: PathBuf, busy_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            path,
            busy_timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(self.busy_timeout)?;
        // The same settings as the pool's connections (see `open`); journal_mode is a property of the
        // file and already WAL.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = memory; \
             PRAGMA cache_size = -32768;",
        )?;
        Ok(conn)
    }

    /// Runs `work` on a blocking thread with a connection of the pool.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let taken = this
                .idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop();
            let mut conn = match taken {
                Some(c) => c,
                None => this.connect().map_err(native_error)?,
            };
            let result = work(&mut conn).map_err(native_error);
            // A connection left inside a transaction by a failed statement is not reused.
            if conn.is_autocommit() {
                let mut idle = this.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if idle.len() < MAX_IDLE {
                    idle.push(conn);
                }
            }
            result
        })
        .await
        .map_err(|e| StoreError::Native(format!("storage task failed: {e}")))?
    }

    /// Stores samples and marks the days they touch, in one transaction; returns how many were new.
    pub(crate) async fn insert_samples(
        self: &Arc<Self>,
        user: &UserId,
        samples: &[NewSample],
        touched: &[(Metric, i32)],
        now_micros: i64,
        import_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        let user = user.as_str().to_owned();
        let samples = samples.to_vec();
        let touched = touched.to_vec();
        let import_id = import_id.map(str::to_owned);
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let batch: i64 = tx
                .prepare_cached(
                    "INSERT INTO ingest_batches (user_id, ingested_at, import_id) VALUES (?1, ?2, ?3) RETURNING id",
                )?
                .query_row(rusqlite::params![user, now_micros, import_id], |r| r.get(0))?;
            let mut inserted = 0u64;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO samples (source_id, metric, start_s, dur_s, value, batch_id, offset_min, external_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
                )?;
                for s in &samples {
                    insert.raw_bind_parameter(1, s.source_id)?;
                    insert.raw_bind_parameter(2, s.metric.code())?;
                    insert.raw_bind_parameter(3, s.start)?;
                    insert.raw_bind_parameter(4, s.end - s.start)?;
                    insert.raw_bind_parameter(5, s.value)?;
                    insert.raw_bind_parameter(6, batch)?;
                    insert.raw_bind_parameter(7, s.offset_minutes)?;
                    insert.raw_bind_parameter(8, s.external_id.as_deref())?;
                    inserted += insert.raw_execute()? as u64;
                }
            }
            if inserted > 0 {
                // Always raise the mark, never lower it (see the PostgreSQL path for why it matters).
                let mut mark = tx.prepare_cached(
                    "INSERT INTO rollup_dirty (user_id, metric, day, seq) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (user_id, metric, day) DO UPDATE SET seq = CASE \
                     WHEN rollup_dirty.seq >= excluded.seq THEN rollup_dirty.seq + 1 ELSE excluded.seq END",
                )?;
                for (metric, day) in &touched {
                    mark.execute(rusqlite::params![user, metric.code(), i64::from(*day), batch])?;
                }
            }
            tx.commit()?;
            Ok(inserted)
        })
        .await
    }

    /// The samples of one metric starting in `from..to`, of every source of the user.
    pub(crate) async fn sample_values(
        self: &Arc<Self>,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleValue>, StoreError> {
        let user = user.as_str().to_owned();
        self.run(move |conn| {
            let sources: Vec<i64> = conn
                .prepare_cached("SELECT id FROM sources WHERE user_id = ?1 ORDER BY id")?
                .query_map([&user], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            // One range scan of the clustered key per source.
            let mut read = conn.prepare_cached(
                "SELECT start_s, dur_s, value, offset_min FROM samples \
                 WHERE source_id = ?1 AND metric = ?2 AND start_s >= ?3 AND start_s < ?4",
            )?;
            let mut found = Vec::new();
            for source_id in sources {
                let mut rows = read.query(rusqlite::params![source_id, metric.code(), from, to])?;
                while let Some(row) = rows.next()? {
                    let start: i64 = row.get(0)?;
                    let duration: i64 = row.get(1)?;
                    found.push(SampleValue {
                        source_id,
                        start,
                        end: start + duration,
                        value: row.get(2)?,
                        offset_minutes: row.get(3)?,
                    });
                }
            }
            Ok(found)
        })
        .await
    }

    /// Replaces the rollups of `metric` for days `from_day..=to_day` with `rows`, atomically.
    pub(crate) async fn replace_daily(
        self: &Arc<Self>,
        user: &UserId,
        metric: Metric,
        (from_day, to_day): (i32, i32),
        rows: &[DailyRollup],
    ) -> Result<(), StoreError> {
        let user = user.as_str().to_owned();
        let rows = rows.to_vec();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.prepare_cached(
                "DELETE FROM daily_rollups WHERE user_id = ?1 AND metric = ?2 AND day BETWEEN ?3 AND ?4",
            )?
            .execute(rusqlite::params![user, metric.code(), from_day, to_day])?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO daily_rollups (user_id, metric, day, total, minimum, maximum, count) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for r in &rows {
                    insert.execute(rusqlite::params![
                        user,
                        r.metric.code(),
                        r.day,
                        r.total,
                        r.minimum,
                        r.maximum,
                        r.count
                    ])?;
                }
            }
            tx.commit()
        })
        .await
    }

    /// Replaces the hourly rollups of `metric` for hours `from_hour..=to_hour` with `rows`, atomically.
    pub(crate) async fn replace_hourly(
        self: &Arc<Self>,
        user: &UserId,
        metric: Metric,
        (from_hour, to_hour): (i64, i64),
        rows: &[HourlyRollup],
    ) -> Result<(), StoreError> {
        let user = user.as_str().to_owned();
        let rows = rows.to_vec();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.prepare_cached(
                "DELETE FROM hourly_rollups WHERE user_id = ?1 AND metric = ?2 AND hour BETWEEN ?3 AND ?4",
            )?
            .execute(rusqlite::params![user, metric.code(), from_hour, to_hour])?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO hourly_rollups (user_id, metric, hour, total, minimum, maximum, count, sources) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?;
                let mut sources = String::new();
                for r in &rows {
                    sources.clear();
                    for (i, id) in r.sources.iter().enumerate() {
                        if i > 0 {
                            sources.push(',');
                        }
                        sources.push_str(&id.to_string());
                    }
                    insert.execute(rusqlite::params![
                        user,
                        r.metric.code(),
                        r.hour,
                        r.total,
                        r.minimum,
                        r.maximum,
                        r.count,
                        sources
                    ])?;
                }
            }
            tx.commit()
        })
        .await
    }

    /// Stores records of unmapped types; returns how many were new.
    pub(crate) async fn insert_raw(
        self: &Arc<Self>,
        user: &UserId,
        import_id: Option<&str>,
        records: &[RawRecord],
    ) -> Result<u64, StoreError> {
        let user = user.as_str().to_owned();
        let import_id = import_id.map(str::to_owned);
        let records = records.to_vec();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut inserted = 0u64;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO raw_records (user_id, import_id, record_type, start_s, end_s, value, unit, source_name) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
                )?;
                for r in &records {
                    inserted += insert.execute(rusqlite::params![
                        user,
                        import_id,
                        r.record_type,
                        r.start,
                        r.end,
                        r.value,
                        r.unit,
                        r.source_name
                    ])? as u64;
                }
            }
            tx.commit()?;
            Ok(inserted)
        })
        .await
    }

    /// The user's days marked for recomputing, by metric and day, with the mark's stamp.
    pub(crate) async fn dirty_days(
        self: &Arc<Self>,
        user: &UserId,
    ) -> Result<Vec<(Metric, i32, i64)>, StoreError> {
        let user = user.as_str().to_owned();
        let rows: Vec<(i16, i64, i64)> = self
            .run(move |conn| {
                conn.prepare_cached(
                    "SELECT metric, day, seq FROM rollup_dirty WHERE user_id = ?1 ORDER BY metric, day",
                )?
                .query_map([&user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
            })
            .await?;
        rows.into_iter()
            .map(|(metric, day, seq)| {
                let metric = Metric::from_code(metric).ok_or_else(|| {
                    StoreError::Corrupt(format!("rollup_dirty.metric: unknown code {metric}"))
                })?;
                let day = i32::try_from(day)
                    .map_err(|_| StoreError::Corrupt(format!("rollup_dirty.day: {day}")))?;
                Ok((metric, day, seq))
            })
            .collect()
    }
}
