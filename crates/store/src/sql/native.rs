//! SQLite's bulk paths, on plain connections of their own (rusqlite).
//!
//! sqlx's SQLite driver runs every statement on a worker thread and passes arguments and each result
//! row between threads through channels. On the bulk paths (an import stores hundreds of thousands of
//! samples; a rollup reads them back) that hand-off cost more than SQLite itself: in a profile of a
//! 594k-record import the driver's thread wake-ups and channel sends took about as much CPU as the
//! statements they ran. These paths therefore run on a blocking thread, on connections to the same
//! database file with cached statements. They are ordinary SQLite connections: transactions, WAL,
//! foreign keys and the busy timeout behave exactly as on the pool's.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use wearhouse_model::{Metric, UserId};

use crate::rollup_block;
use crate::sample_chunk::{self, ChunkKey, ChunkSample, ExternalKey, Merge};
use crate::{NewSample, RawRecord, SampleValue, SeriesRollups, StoreError};

/// Connections open at most, all kept for reuse (each keeps its statement cache and page cache). Work
/// beyond that waits for a connection, asynchronously, instead of opening one: under 32 concurrent
/// year views, connections opened for a burst and closed after it (each reading the schema and
/// starting with a cold cache) took a visible share of the CPU.
const MAX_CONNECTIONS: usize = 8;

/// A small pool of native connections to one SQLite file.
pub(crate) struct NativeSqlite {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// One permit per connection that may be open.
    permits: Arc<tokio::sync::Semaphore>,
    /// Taken by the write paths for their whole transaction (see `run_writing`).
    writes: Mutex<()>,
    /// Sample inserts waiting to be written together (see `native_inserts`).
    pub(super) inserts: Mutex<super::native_inserts::InsertQueue>,
}

impl std::fmt::Debug for NativeSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeSqlite")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl NativeSqlite {
    pub(crate) fn new(path: PathBuf, busy_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            path,
            busy_timeout,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
            writes: Mutex::new(()),
            inserts: Mutex::default(),
        })
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        crate::sqlite_wait::install_native(&conn, self.busy_timeout).map_err(|e| {
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISUSE), Some(e))
        })?;
        // The same settings as the pool's connections (see `open`); journal_mode is a property of the
        // file and already WAL.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = memory; \
             PRAGMA cache_size = -32768;",
        )?;
        Ok(conn)
    }

    /// Runs `work` on a blocking thread with a connection of the pool.
    pub(crate) async fn run<T, E, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        E: Into<StoreError>,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        // The permit is held by the blocking work itself, so a caller that stops waiting does not free
        // it early. The semaphore is never closed, so acquiring cannot fail.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Native(format!("storage connections closed: {e}")))?;
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            this.with_connection(work)
        })
        .await
        .map_err(|e| StoreError::Native(format!("storage task failed: {e}")))?
    }

    /// Runs a short read on the calling thread, when a connection is free at once (else like `run`).
    ///
    /// Only for reads bounded by what one request may ask (a summary's few dozen blocks and spans, an
    /// hourly series): they take a fraction of a millisecond, less than the trip to a blocking thread
    /// and back, which on a busy core cost a quarter of a year view's time (2,083 req/s through the
    /// trip, 2,617 without). Everything that grows with the data (imports, recomputes, sample reads,
    /// writes) stays on blocking threads.
    pub(crate) async fn read_here<T, E, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        E: Into<StoreError>,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(_permit) => self.with_connection(work),
            Err(_) => self.run(work).await,
        }
    }

    /// Runs `work` on an idle connection, or a new one; puts it back after unless it was left inside a
    /// transaction (a failed statement's), which is not reused.
    fn with_connection<T, E, F>(&self, work: F) -> Result<T, StoreError>
    where
        E: Into<StoreError>,
        F: FnOnce(&mut Connection) -> Result<T, E>,
    {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let mut conn = match taken {
            Some(c) => c,
            None => self.connect()?,
        };
        let result = work(&mut conn).map_err(Into::into);
        if conn.is_autocommit() {
            let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            idle.push(conn);
        }
        result
    }

    /// Runs a write transaction like `run`, after the native writes before it. SQLite admits one writer
    /// at a time and makes the others wait in its busy handler, which sleeps in growing steps (up to
    /// 100 ms): a rollup write arriving during a 30 ms import batch would sleep far longer than the
    /// batch holds the lock. Queued here, each write starts as soon as the one before it ends.
    pub(super) async fn run_writing<T, E, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        E: Into<StoreError>,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let this = Arc::clone(self);
        self.run(move |conn| {
            let _turn = this
                .writes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(conn)
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
            let (first_day, last_day) = sample_chunk::days_between(from, to);
            // One range scan of the chunks' key per source.
            let mut read = conn.prepare_cached(
                "SELECT day, body FROM sample_chunks \
                 WHERE source_id = ?1 AND metric = ?2 AND day BETWEEN ?3 AND ?4",
            )?;
            let mut found = Vec::new();
            for source_id in sources {
                let mut rows =
                    read.query(rusqlite::params![source_id, metric.code(), first_day, last_day])?;
                while let Some(row) = rows.next()? {
                    let day: i64 = row.get(0)?;
                    let body = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
                    sample_chunk::push_values(source_id, day, body, (from, to), &mut found)?;
                }
            }
            Ok::<_, StoreError>(found)
        })
        .await
    }

    /// Replaces one recompute's daily and hourly rollups of a metric, in one transaction.
    pub(crate) async fn replace_series(
        self: &Arc<Self>,
        user: &UserId,
        series: &SeriesRollups<'_>,
    ) -> Result<(), StoreError> {
        let user = user.as_str().to_owned();
        let metric = series.metric.code();
        let (days, hours) = (series.days, series.hours);
        let daily = rollup_block::daily_entries(series.daily);
        let hourly = rollup_block::hourly_entries(series.hourly);
        self.run_writing(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let key = BlockKey {
                user: &user,
                metric: Some(metric),
            };
            let days = (i64::from(days.0), i64::from(days.1));
            rewrite_blocks(
                &tx,
                "daily_rollup_blocks",
                "days",
                key,
                rollup_block::blocks_of(days),
                |block, old| rollup_block::splice(block, old, days, &daily, "daily_rollup_blocks"),
            )?;
            rewrite_blocks(
                &tx,
                "hourly_rollup_blocks",
                "hours",
                key,
                rollup_block::blocks_of(hours),
                |block, old| rollup_block::splice(block, old, hours, &hourly, "hourly_rollup_blocks"),
            )?;
            tx.commit().map_err(StoreError::from)
        })
        .await
    }

    /// Replaces the user's sleep of days `days` with `rows`, in one transaction.
    pub(crate) async fn replace_sleep(
        self: &Arc<Self>,
        user: &UserId,
        days: (i32, i32),
        rows: &[crate::SleepRollup],
    ) -> Result<(), StoreError> {
        let user = user.as_str().to_owned();
        let rows = rows.to_vec();
        self.run_writing(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let key = BlockKey {
                user: &user,
                metric: None,
            };
            rewrite_blocks(
                &tx,
                "sleep_blocks",
                "days",
                key,
                rollup_block::sleep_blocks_of(days),
                |block, old| rollup_block::splice_sleep(block, old, days, &rows),
            )?;
            tx.commit().map_err(StoreError::from)
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
        self.run_writing(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut inserted = 0u64;
            {
                let mut insert = tx.prepare_cached(&format!(
                    "INSERT INTO raw_records (user_id, import_id, record_type, start_s, end_s, value, unit, source_name) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8){}",
                    crate::sql::raw::RAW_ON_CONFLICT
                ))?;
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
            Ok::<_, rusqlite::Error>(inserted)
        })
        .await
    }

    /// The user's data version (see `RollupStore::data_version`).
    pub(crate) async fn data_version(self: &Arc<Self>, user: &UserId) -> Result<i64, StoreError> {
        let user = user.as_str().to_owned();
        let version: Option<i64> = self
            .run(move |conn| {
                conn.prepare_cached("SELECT version FROM data_versions WHERE user_id = ?1")?
                    .query_row([&user], |r| r.get(0))
                    .optional()
            })
            .await?;
        Ok(version.unwrap_or(0))
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

/// The stored chunks among `keys` (sorted), decoded. Where a source and metric's days are dense (an
/// import's batch) one range scan reads them; where they are sparse (a batch spread over years) each
/// is read by its key, so the chunks in between are not read at all.
pub(super) fn read_chunks(
    conn: &Connection,
    keys: &[ChunkKey],
) -> Result<BTreeMap<ChunkKey, Vec<ChunkSample>>, StoreError> {
    let mut range = conn.prepare_cached(
        "SELECT day, body FROM sample_chunks WHERE source_id = ?1 AND metric = ?2 AND day BETWEEN ?3 AND ?4",
    )?;
    let mut stored = BTreeMap::new();
    for run in keys.chunk_by(|a, b| (a.source_id, a.metric) == (b.source_id, b.metric)) {
        let (first, last) = (run[0], run[run.len() - 1]);
        let span = last.day.saturating_sub(first.day).saturating_add(1);
        let days: Vec<(i64, i64)> = if span <= 2 * run.len() as i64 {
            vec![(first.day, last.day)]
        } else {
            run.iter().map(|k| (k.day, k.day)).collect()
        };
        for (from, to) in days {
            let mut rows = range.query(rusqlite::params![first.source_id, first.metric, from, to])?;
            while let Some(row) = rows.next()? {
                let key = ChunkKey {
                    day: row.get(0)?,
                    ..first
                };
                if run.binary_search(&key).is_ok() {
                    let body = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
                    stored.insert(key, sample_chunk::decode(key.day, body)?);
                }
            }
        }
    }
    Ok(stored)
}

/// The external ids of `samples` that are already stored.
pub(super) fn taken_external_ids(
    conn: &Connection,
    samples: &[NewSample],
) -> Result<HashSet<ExternalKey>, StoreError> {
    let mut taken = HashSet::new();
    if samples.iter().all(|s| s.external_id.is_none()) {
        return Ok(taken);
    }
    let mut exists = conn.prepare_cached(
        "SELECT 1 FROM sample_external_ids WHERE source_id = ?1 AND metric = ?2 AND external_id = ?3",
    )?;
    for s in samples {
        if let Some(id) = &s.external_id {
            if exists.exists(rusqlite::params![s.source_id, s.metric.code(), id])? {
                taken.insert((s.source_id, s.metric.code(), id.clone()));
            }
        }
    }
    Ok(taken)
}

/// Writes the chunks and external ids a merge produced.
pub(super) fn write_chunks(conn: &Connection, merge: &Merge) -> Result<(), StoreError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO sample_chunks (source_id, metric, day, samples, max_batch, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (source_id, metric, day) DO UPDATE SET \
         samples = excluded.samples, max_batch = excluded.max_batch, body = excluded.body",
    )?;
    for (key, chunk) in &merge.chunks {
        upsert.execute(rusqlite::params![
            key.source_id,
            key.metric,
            key.day,
            chunk.count,
            chunk.max_batch,
            chunk.body
        ])?;
    }
    let mut external = conn.prepare_cached(
        "INSERT INTO sample_external_ids (source_id, metric, external_id) VALUES (?1, ?2, ?3)",
    )?;
    for (source_id, metric, id) in &merge.external_ids {
        external.execute(rusqlite::params![source_id, metric, id])?;
    }
    Ok(())
}

/// Whose blocks a rewrite touches: a user's, of one metric (rollups) or of none (sleep).
#[derive(Clone, Copy)]
struct BlockKey<'a> {
    user: &'a str,
    metric: Option<i16>,
}

/// Rewrites `blocks` of `table` for `key` inside `tx`: each block's blob (`column`) is read, given to
/// `splice`, and written back, or deleted when nothing is left.
fn rewrite_blocks(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    key: BlockKey<'_>,
    blocks: std::ops::RangeInclusive<i64>,
    splice: impl Fn(i64, Option<&[u8]>) -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<(), StoreError> {
    // ?1 is the user, ?2 the metric (a rollup's) and ?3 the block; sleep has no metric.
    let (metric_column, metric_value, metric_is) = match key.metric {
        Some(_) => ("metric, ", ", ?2", " AND metric = ?2"),
        None => ("", "", ""),
    };
    let mut read = tx.prepare_cached(&format!(
        "SELECT {column} FROM {table} WHERE user_id = ?1{metric_is} AND block = ?3"
    ))?;
    let mut upsert = tx.prepare_cached(&format!(
        "INSERT INTO {table} (user_id, {metric_column}block, {column}) VALUES (?1{metric_value}, ?3, ?4) \
         ON CONFLICT (user_id, {metric_column}block) DO UPDATE SET {column} = excluded.{column}"
    ))?;
    let mut delete = tx.prepare_cached(&format!(
        "DELETE FROM {table} WHERE user_id = ?1{metric_is} AND block = ?3"
    ))?;
    for block in blocks {
        // By number: ?2 exists only in rollup statements (sleep has no metric).
        let bind =
            |statement: &mut rusqlite::CachedStatement<'_>, blob: Option<&[u8]>| -> rusqlite::Result<()> {
                statement.raw_bind_parameter(1, key.user)?;
                if let Some(metric) = key.metric {
                    statement.raw_bind_parameter(2, metric)?;
                }
                statement.raw_bind_parameter(3, block)?;
                if let Some(blob) = blob {
                    statement.raw_bind_parameter(4, blob)?;
                }
                Ok(())
            };
        bind(&mut read, None)?;
        let old: Option<Vec<u8>> = read.raw_query().next()?.map(|r| r.get(0)).transpose()?;
        match splice(block, old.as_deref())? {
            Some(blob) => {
                bind(&mut upsert, Some(&blob))?;
                upsert.raw_execute()?;
            }
            None => {
                bind(&mut delete, None)?;
                delete.raw_execute()?;
            }
        }
    }
    Ok(())
}
