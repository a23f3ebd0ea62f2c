//! SQLite's rollup reads, on the native connections (see `native`): the summary and series views read
//! hundreds to thousands of figures per request, where sqlx's per-row hand-off between threads cost
//! more than SQLite's own work. Each read is a plain function of a connection, so that a summary's
//! reads run together: one trip to a blocking thread and one snapshot.

use rusqlite::Connection;
use wearhouse_model::{Metric, TimeZoneName, UserId};

use super::native::NativeSqlite;
use crate::rollup_block;
use crate::{
    DailyColumn, DailyRollup, HourlyRollup, SleepRollup, StoreError, SummaryInputs, SummaryRange, WorkoutSpan,
};

fn metric_of(code: i16, table: &str) -> Result<Metric, StoreError> {
    Metric::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("{table}.metric: unknown code {code}")))
}

/// Daily rollups of `metrics`, by metric then day.
fn read_daily(
    conn: &Connection,
    user: &str,
    metrics: &[Metric],
    (from_day, to_day): (i32, i32),
) -> Result<Vec<DailyRollup>, StoreError> {
    if metrics.is_empty() || to_day < from_day {
        return Ok(Vec::new());
    }
    // The key is (user, metric, block), so rows come in key order: the rollups come out by metric, then
    // day, unsorted. Naming a few metrics lets SQLite seek one block range each; for every metric (a
    // summary) one pass over the user's keys is cheaper than a seek per metric of the catalogue.
    let query = if metrics.len() == Metric::ALL.len() {
        "SELECT metric, block, days FROM daily_rollup_blocks \
         WHERE user_id = ?1 AND block BETWEEN ?2 AND ?3 ORDER BY metric, block"
            .to_owned()
    } else {
        format!(
            "SELECT metric, block, days FROM daily_rollup_blocks \
             WHERE user_id = ?1 AND metric IN ({}) AND block BETWEEN ?2 AND ?3 ORDER BY metric, block",
            metrics
                .iter()
                .map(|m| m.code().to_string())
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let blocks = (
        rollup_block::block_of(i64::from(from_day)),
        rollup_block::block_of(i64::from(to_day)),
    );
    let mut statement = conn.prepare_cached(&query)?;
    let mut rows = statement.query(rusqlite::params![user, blocks.0, blocks.1])?;
    // Room for every metric every day: growing a year's ~6,000 rows once cost more than the reads.
    let days = usize::try_from(to_day - from_day + 1).unwrap_or(0);
    let mut out = Vec::with_capacity(days * metrics.len());
    while let Some(row) = rows.next()? {
        let metric = metric_of(row.get(0)?, "daily_rollup_blocks")?;
        let block: i64 = row.get(1)?;
        let blob = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
        rollup_block::push_daily(metric, block, blob, (from_day, to_day), &mut out)?;
    }
    Ok(out)
}

/// Every metric's figures of days `from..=to`, as columns (see `DailyColumn`): decoded from the blocks
/// straight into place, with no row per day in between.
fn read_daily_columns(
    conn: &Connection,
    user: &str,
    (from_day, to_day): (i32, i32),
) -> Result<Vec<DailyColumn>, StoreError> {
    if to_day < from_day {
        return Ok(Vec::new());
    }
    let blocks = (
        rollup_block::block_of(i64::from(from_day)),
        rollup_block::block_of(i64::from(to_day)),
    );
    let mut statement = conn.prepare_cached(
        "SELECT metric, block, days FROM daily_rollup_blocks \
         WHERE user_id = ?1 AND block BETWEEN ?2 AND ?3 ORDER BY metric, block",
    )?;
    let mut rows = statement.query(rusqlite::params![user, blocks.0, blocks.1])?;
    let len = usize::try_from(i64::from(to_day) - i64::from(from_day) + 1).unwrap_or(0);
    let mut columns: Vec<DailyColumn> = Vec::new();
    // Whether the last column got a day: a metric whose blocks hold none of the range's days has none.
    let mut filled = false;
    // Pads the last column to the range (see `fill_daily`), or drops it when it got no day.
    let finish = |columns: &mut Vec<DailyColumn>, filled: bool| match columns.last_mut() {
        Some(last) if filled => last.days.resize(len, None),
        _ => {
            columns.pop();
        }
    };
    while let Some(row) = rows.next()? {
        let metric = metric_of(row.get(0)?, "daily_rollup_blocks")?;
        let block: i64 = row.get(1)?;
        let blob = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
        if columns.last().is_none_or(|c| c.metric != metric) {
            finish(&mut columns, filled);
            columns.push(DailyColumn {
                metric,
                days: Vec::with_capacity(len),
            });
            filled = false;
        }
        if let Some(column) = columns.last_mut() {
            filled |= rollup_block::fill_daily(block, blob, (from_day, to_day), &mut column.days)?;
        }
    }
    finish(&mut columns, filled);
    Ok(columns)
}

fn read_sleep(
    conn: &Connection,
    user: &str,
    (from_day, to_day): (i32, i32),
) -> Result<Vec<SleepRollup>, StoreError> {
    if to_day < from_day {
        return Ok(Vec::new());
    }
    let blocks = rollup_block::sleep_blocks_of((from_day, to_day));
    let mut statement = conn.prepare_cached(
        "SELECT block, days FROM sleep_blocks WHERE user_id = ?1 AND block BETWEEN ?2 AND ?3 ORDER BY block",
    )?;
    let mut rows = statement.query(rusqlite::params![user, blocks.start(), blocks.end()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let block: i64 = row.get(0)?;
        let blob = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        rollup_block::push_sleep(block, blob, (from_day, to_day), &mut out)?;
    }
    Ok(out)
}

/// The same activities as `activities_between`, from the columns beside the document (bound from the
/// same fields), which the partial index `activities_live_spans` covers: a year of workouts is read
/// from that index alone.
fn read_spans(conn: &Connection, user: &str, (from, to): (i64, i64)) -> Result<Vec<WorkoutSpan>, StoreError> {
    let earliest = from.saturating_sub(wearhouse_model::activity::MAX_ACTIVITY_DAYS * 86_400);
    let mut statement = conn.prepare_cached(
        "SELECT start_s, end_s, offset_minutes, distance FROM activities \
         WHERE user_id = ?1 AND deleted_at IS NULL AND merged_into IS NULL \
         AND start_s >= ?2 AND start_s < ?3 AND end_s > ?4 ORDER BY start_s, id",
    )?;
    let spans = statement
        .query_map(rusqlite::params![user, earliest, to, from], |r| {
            Ok(WorkoutSpan {
                start: r.get(0)?,
                end: r.get(1)?,
                offset_minutes: r.get(2)?,
                distance: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(spans)
}

fn read_zones(conn: &Connection, user: &str) -> Result<Vec<(jiff::Timestamp, TimeZoneName)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT valid_from, zone FROM user_time_zones WHERE user_id = ?1 ORDER BY valid_from",
    )?;
    let mut rows = statement.query([user])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let zone = TimeZoneName::parse(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)
            .map_err(|e| StoreError::Corrupt(format!("user_time_zones.zone: {e}")))?;
        out.push((crate::time::from_micros(r.get(0)?)?, zone));
    }
    Ok(out)
}

fn read_marked(conn: &Connection, user: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM rollup_dirty WHERE user_id = ?1)")?
        .query_row([user], |r| r.get::<_, bool>(0))?)
}

fn read_hourly(
    conn: &Connection,
    user: &str,
    metric: Metric,
    (from_hour, to_hour): (i64, i64),
) -> Result<Vec<HourlyRollup>, StoreError> {
    if to_hour < from_hour {
        return Ok(Vec::new());
    }
    let blocks = (rollup_block::block_of(from_hour), rollup_block::block_of(to_hour));
    let mut statement = conn.prepare_cached(
        "SELECT block, hours FROM hourly_rollup_blocks \
         WHERE user_id = ?1 AND metric = ?2 AND block BETWEEN ?3 AND ?4 ORDER BY block",
    )?;
    let mut rows = statement.query(rusqlite::params![user, metric.code(), blocks.0, blocks.1])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let block: i64 = row.get(0)?;
        let blob = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        rollup_block::push_hourly(metric, block, blob, (from_hour, to_hour), &mut out)?;
    }
    Ok(out)
}

impl NativeSqlite {
    pub(crate) async fn daily_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        metrics: &[Metric],
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<DailyRollup>, StoreError> {
        let (user, metrics) = (user.as_str().to_owned(), metrics.to_vec());
        self.run(move |conn| read_daily(conn, &user, &metrics, (from_day, to_day)))
            .await
    }

    pub(crate) async fn sleep_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<SleepRollup>, StoreError> {
        let user = user.as_str().to_owned();
        self.run(move |conn| read_sleep(conn, &user, (from_day, to_day)))
            .await
    }

    pub(crate) async fn workout_spans(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        from: i64,
        to: i64,
    ) -> Result<Vec<WorkoutSpan>, StoreError> {
        let user = user.as_str().to_owned();
        self.run(move |conn| read_spans(conn, &user, (from, to))).await
    }

    /// Everything a summary reads, in one read transaction on one blocking trip.
    pub(crate) async fn summary_inputs(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        range: SummaryRange,
    ) -> Result<SummaryInputs, StoreError> {
        let user = user.as_str().to_owned();
        self.read_here(move |conn| {
            let tx = conn.transaction()?;
            let inputs = SummaryInputs {
                marked: read_marked(&tx, &user)?,
                daily: read_daily_columns(&tx, &user, range.days)?,
                sleep: read_sleep(&tx, &user, range.days)?,
                workouts: read_spans(&tx, &user, range.instants)?,
                zones: read_zones(&tx, &user)?,
            };
            tx.commit()?;
            Ok::<_, StoreError>(inputs)
        })
        .await
    }

    pub(crate) async fn hourly_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<HourlyRollup>, StoreError> {
        let user = user.as_str().to_owned();
        self.run(move |conn| read_hourly(conn, &user, metric, (from_hour, to_hour)))
            .await
    }

    /// Whether the user has marked days, and the hourly rollups, in one trip and one snapshot.
    pub(crate) async fn hourly_inputs(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        metric: Metric,
        hours: (i64, i64),
    ) -> Result<(bool, Vec<HourlyRollup>), StoreError> {
        let user = user.as_str().to_owned();
        self.read_here(move |conn| {
            let tx = conn.transaction()?;
            let inputs = (read_marked(&tx, &user)?, read_hourly(&tx, &user, metric, hours)?);
            tx.commit()?;
            Ok::<_, StoreError>(inputs)
        })
        .await
    }
}
