//! The bulk paths, per backend: storing a batch of samples with its rollup marks, reading many samples
//! back for rollups, writing a recompute's rollups, and storing raw records. SQLite runs them on native connections (see `native`); PostgreSQL
//! sends multi-row statements and streams rows, which it does cheaply.

use jiff::Timestamp;
use wearhouse_model::{Metric, UserId};

use std::collections::{BTreeMap, HashSet};

use super::{PgStore, SqliteStore};
use crate::rollup_block;
use crate::sample_chunk::{self, ChunkKey};
use crate::WorkoutSpan;
use crate::{
    DailyRollup, HourlyRollup, NewSample, RawRecord, SampleValue, SeriesRollups, SleepRollup, StoreError,
    SummaryInputs, SummaryRange,
};

/// Rows per INSERT statement on PostgreSQL: 8 parameters each, well under its 65,535 parameter limit,
/// and large enough that per-statement overhead vanishes.
const INSERT_CHUNK: usize = 1000;

impl SqliteStore {
    pub(crate) async fn store_samples(
        &self,
        user: &UserId,
        samples: &[NewSample],
        touched: &[(Metric, i32)],
        now: Timestamp,
        import_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        self.native
            .insert_samples(user, samples, touched, crate::time::to_micros(now), import_id)
            .await
    }

    pub(crate) async fn read_sample_values(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleValue>, StoreError> {
        self.native.sample_values(user, metric, from, to).await
    }

    pub(crate) async fn write_series(
        &self,
        user: &UserId,
        series: &SeriesRollups<'_>,
    ) -> Result<(), StoreError> {
        self.native.replace_series(user, series).await
    }

    pub(crate) async fn write_raw(
        &self,
        user: &UserId,
        import_id: Option<&str>,
        records: &[RawRecord],
    ) -> Result<u64, StoreError> {
        self.native.insert_raw(user, import_id, records).await
    }

    pub(crate) async fn read_dirty_days(&self, user: &UserId) -> Result<Vec<(Metric, i32, i64)>, StoreError> {
        self.native.dirty_days(user).await
    }

    pub(crate) async fn read_data_version(&self, user: &UserId) -> Result<i64, StoreError> {
        self.native.data_version(user).await
    }

    pub(crate) async fn read_daily(
        &self,
        user: &UserId,
        metrics: &[Metric],
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<DailyRollup>, StoreError> {
        self.native.daily_rollups(user, metrics, from_day, to_day).await
    }

    pub(crate) async fn read_sleep_daily(
        &self,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<SleepRollup>, StoreError> {
        self.native.sleep_rollups(user, from_day, to_day).await
    }

    pub(crate) async fn read_hourly(
        &self,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<HourlyRollup>, StoreError> {
        self.native.hourly_rollups(user, metric, from_hour, to_hour).await
    }

    pub(crate) async fn read_workout_spans(
        &self,
        user: &UserId,
        from: i64,
        to: i64,
    ) -> Result<Vec<WorkoutSpan>, StoreError> {
        self.native.workout_spans(user, from, to).await
    }

    pub(crate) async fn read_summary_inputs(
        &self,
        user: &UserId,
        range: SummaryRange,
    ) -> Result<SummaryInputs, StoreError> {
        self.native.summary_inputs(user, range).await
    }

    pub(crate) async fn read_hourly_inputs(
        &self,
        user: &UserId,
        metric: Metric,
        hours: (i64, i64),
    ) -> Result<(bool, Vec<HourlyRollup>), StoreError> {
        self.native.hourly_inputs(user, metric, hours).await
    }

    pub(crate) async fn write_sleep(
        &self,
        user: &UserId,
        days: (i32, i32),
        rows: &[SleepRollup],
    ) -> Result<(), StoreError> {
        self.native.replace_sleep(user, days, rows).await
    }
}

impl PgStore {
    pub(crate) async fn read_hourly_inputs(
        &self,
        user: &UserId,
        metric: Metric,
        hours: (i64, i64),
    ) -> Result<(bool, Vec<HourlyRollup>), StoreError> {
        tokio::try_join!(
            self.read_marked(user),
            self.read_hourly(user, metric, hours.0, hours.1)
        )
    }

    async fn read_marked(&self, user: &UserId) -> Result<bool, StoreError> {
        Ok(
            sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM rollup_dirty WHERE user_id = $1)")
                .bind(user.as_str())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The reads run side by side on the pool (each its own snapshot: a summary's figures are rollups
    /// of one moment, and its workouts of another, as on any read of several tables without a
    /// transaction).
    pub(crate) async fn read_summary_inputs(
        &self,
        user: &UserId,
        range: SummaryRange,
    ) -> Result<SummaryInputs, StoreError> {
        let (marked, daily, sleep, workouts, zones) = tokio::try_join!(
            self.read_marked(user),
            self.read_daily(user, Metric::ALL, range.days.0, range.days.1),
            self.read_sleep_daily(user, range.days.0, range.days.1),
            self.read_workout_spans(user, range.instants.0, range.instants.1),
            crate::AccountStore::zone_history(self, user),
        )?;
        Ok(SummaryInputs {
            marked,
            daily: crate::DailyColumn::of_rows(&daily, range.days),
            sleep,
            workouts,
            zones,
        })
    }

    pub(crate) async fn store_samples(
        &self,
        user: &UserId,
        samples: &[NewSample],
        touched: &[(Metric, i32)],
        now: Timestamp,
        import_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let batch: i64 = sqlx::query_scalar(
            "INSERT INTO ingest_batches (user_id, ingested_at, import_id) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(user.as_str())
        .bind(crate::time::to_micros(now))
        .bind(import_id)
        .fetch_one(&mut *tx)
        .await?;
        // Chunks are read, merged and rewritten: writers to the same sources take turns.
        let keys = sample_chunk::keys_of(samples);
        let mut sources: Vec<i64> = keys.iter().map(|k| k.source_id).collect();
        sources.dedup();
        sqlx::query(&format!(
            "SELECT id FROM sources WHERE id = ANY($1) ORDER BY id{}",
            Self::LOCK_FOR_WRITE
        ))
        .bind(&sources)
        .fetch_all(&mut *tx)
        .await?;
        let mut stored = BTreeMap::new();
        for run in keys.chunk_by(|a, b| (a.source_id, a.metric) == (b.source_id, b.metric)) {
            // The days by value, not as a range: a batch spread over years must not fetch every chunk
            // in between.
            let first = run[0];
            let days: Vec<i64> = run.iter().map(|k| k.day).collect();
            let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT day, body FROM sample_chunks WHERE source_id = $1 AND metric = $2 AND day = ANY($3)",
            )
            .bind(first.source_id)
            .bind(first.metric)
            .bind(&days)
            .fetch_all(&mut *tx)
            .await?;
            for (day, body) in rows {
                stored.insert(ChunkKey { day, ..first }, sample_chunk::decode(day, &body)?);
            }
        }
        let mut taken = HashSet::new();
        let with_ids: Vec<&NewSample> = samples.iter().filter(|s| s.external_id.is_some()).collect();
        if !with_ids.is_empty() {
            let rows: Vec<(i64, i16, String)> = sqlx::query_as(
                "SELECT source_id, metric, external_id FROM sample_external_ids \
                 WHERE (source_id, metric, external_id) IN \
                 (SELECT * FROM UNNEST($1::BIGINT[], $2::SMALLINT[], $3::TEXT[]))",
            )
            .bind(with_ids.iter().map(|s| s.source_id).collect::<Vec<_>>())
            .bind(with_ids.iter().map(|s| s.metric.code()).collect::<Vec<_>>())
            .bind(
                with_ids
                    .iter()
                    .map(|s| s.external_id.clone().unwrap_or_default())
                    .collect::<Vec<_>>(),
            )
            .fetch_all(&mut *tx)
            .await?;
            taken.extend(rows);
        }
        let superseded: Vec<i64> = match import_id {
            Some(import) => {
                sqlx::query_scalar(crate::sql::imports::SUPERSEDED_BATCHES)
                    .bind(import)
                    .fetch_all(&mut *tx)
                    .await?
            }
            None => Vec::new(),
        };
        let resumed: Vec<i64> = match import_id {
            Some(import) => {
                sqlx::query_scalar(crate::sql::imports::EARLIER_ATTEMPT_BATCHES)
                    .bind(import)
                    .fetch_all(&mut *tx)
                    .await?
            }
            None => Vec::new(),
        };
        let merge = sample_chunk::merge(samples, stored, taken, batch, &superseded, &resumed);
        for chunk in merge.chunks.chunks(INSERT_CHUNK) {
            let mut upsert = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                "INSERT INTO sample_chunks (source_id, metric, day, samples, max_batch, body) ",
            );
            upsert.push_values(chunk, |mut row, (key, c)| {
                row.push_bind(key.source_id)
                    .push_bind(key.metric)
                    .push_bind(key.day)
                    .push_bind(c.count)
                    .push_bind(c.max_batch)
                    .push_bind(&c.body);
            });
            upsert.push(
                " ON CONFLICT (source_id, metric, day) DO UPDATE SET \
                 samples = excluded.samples, max_batch = excluded.max_batch, body = excluded.body",
            );
            upsert.build().execute(&mut *tx).await?;
        }
        for chunk in merge.external_ids.chunks(INSERT_CHUNK) {
            let mut insert = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                "INSERT INTO sample_external_ids (source_id, metric, external_id) ",
            );
            insert.push_values(chunk, |mut row, (source_id, metric, id)| {
                row.push_bind(source_id).push_bind(metric).push_bind(id);
            });
            insert.build().execute(&mut *tx).await?;
        }
        let inserted = merge.added;
        if inserted > 0 || merge.taken_over > 0 {
            for chunk in touched.chunks(INSERT_CHUNK) {
                let mut mark = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                    "INSERT INTO rollup_dirty (user_id, metric, day, seq) ",
                );
                mark.push_values(chunk, |mut row, (metric, day)| {
                    row.push_bind(user.as_str())
                        .push_bind(metric.code())
                        .push_bind(i64::from(*day))
                        .push_bind(batch);
                });
                // Always raise the mark, never lower it: batch ids are handed out at insert, not at
                // commit, so a slower transaction can commit an older id after the worker read a newer
                // one; a mark that only grows is never cleared by a worker that read it before.
                mark.push(
                    " ON CONFLICT (user_id, metric, day) DO UPDATE SET seq = CASE \
                     WHEN rollup_dirty.seq >= excluded.seq THEN rollup_dirty.seq + 1 ELSE excluded.seq END",
                );
                mark.build().execute(&mut *tx).await?;
            }
        }
        if let Some(event) =
            crate::events::new_health_data(&merge.added_by_metric, import_id, crate::time::to_micros(now))
        {
            sqlx::query(crate::events::INSERT_EVENT)
                .bind(&event.id)
                .bind(event.kind)
                .bind(event.version)
                .bind(user.as_str())
                .bind(event.occurred_at)
                .bind(&event.data)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Samples an earlier attempt of the import stored are counted with the new: they are its own.
        Ok(inserted + merge.resumed)
    }

    pub(crate) async fn read_sample_values(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleValue>, StoreError> {
        let (first_day, last_day) = sample_chunk::days_between(from, to);
        let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT c.source_id, c.day, c.body FROM sample_chunks c JOIN sources src ON src.id = c.source_id \
             WHERE src.user_id = $1 AND c.metric = $2 AND c.day BETWEEN $3 AND $4",
        )
        .bind(user.as_str())
        .bind(metric.code())
        .bind(first_day)
        .bind(last_day)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::new();
        for (source_id, day, body) in rows {
            sample_chunk::push_values(source_id, day, &body, (from, to), &mut found)?;
        }
        Ok(found)
    }

    pub(crate) async fn write_series(
        &self,
        user: &UserId,
        series: &SeriesRollups<'_>,
    ) -> Result<(), StoreError> {
        let metric = series.metric.code();
        let daily = rollup_block::daily_entries(series.daily);
        let hourly = rollup_block::hourly_entries(series.hourly);
        let mut tx = self.pool.begin().await?;
        // One recompute of a user's metric at a time, across processes: a block is read, spliced and
        // written back, and two writers creating the same block would otherwise lose one's days.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, $2))")
            .bind(user.as_str())
            .bind(i64::from(metric))
            .execute(&mut *tx)
            .await?;
        let tables = [
            (
                "daily_rollup_blocks",
                "days",
                (i64::from(series.days.0), i64::from(series.days.1)),
                &daily,
            ),
            ("hourly_rollup_blocks", "hours", series.hours, &hourly),
        ];
        for (table, column, range, fresh) in tables {
            let blocks = rollup_block::blocks_of(range);
            let old: Vec<(i64, Vec<u8>)> = sqlx::query_as(&format!(
                "SELECT block, {column} FROM {table} WHERE user_id = $1 AND metric = $2 \
                 AND block BETWEEN $3 AND $4"
            ))
            .bind(user.as_str())
            .bind(metric)
            .bind(*blocks.start())
            .bind(*blocks.end())
            .fetch_all(&mut *tx)
            .await?;
            let old: BTreeMap<i64, Vec<u8>> = old.into_iter().collect();
            let mut gone = Vec::new();
            let mut written = Vec::new();
            for block in blocks {
                match rollup_block::splice(block, old.get(&block).map(Vec::as_slice), range, fresh, table)? {
                    Some(blob) => written.push((block, blob)),
                    None if old.contains_key(&block) => gone.push(block),
                    None => {}
                }
            }
            if !gone.is_empty() {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE user_id = $1 AND metric = $2 AND block = ANY($3)"
                ))
                .bind(user.as_str())
                .bind(metric)
                .bind(&gone)
                .execute(&mut *tx)
                .await?;
            }
            for chunk in written.chunks(INSERT_CHUNK) {
                let mut upsert = sqlx::QueryBuilder::<sqlx::Postgres>::new(format!(
                    "INSERT INTO {table} (user_id, metric, block, {column}) "
                ));
                upsert.push_values(chunk, |mut row, (block, blob)| {
                    row.push_bind(user.as_str())
                        .push_bind(metric)
                        .push_bind(*block)
                        .push_bind(blob.as_slice());
                });
                upsert.push(format!(
                    " ON CONFLICT (user_id, metric, block) DO UPDATE SET {column} = excluded.{column}"
                ));
                upsert.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn write_raw(
        &self,
        user: &UserId,
        import_id: Option<&str>,
        records: &[RawRecord],
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut inserted = 0;
        // 8 parameters a row, well under both databases' limits.
        for chunk in records.chunks(1000) {
            // One statement must not meet a row twice when it may update what it meets (PostgreSQL's
            // `ON CONFLICT DO UPDATE` refuses to), so repeats within the statement are left out.
            let mut seen = HashSet::new();
            let chunk: Vec<&RawRecord> = chunk
                .iter()
                .filter(|r| seen.insert((&r.record_type, r.start, r.end, &r.source_name, &r.value)))
                .collect();
            let mut insert = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                "INSERT INTO raw_records (user_id, import_id, record_type, start_s, end_s, value, unit, source_name) ",
            );
            insert.push_values(chunk, |mut row, r| {
                row.push_bind(user.as_str())
                    .push_bind(import_id)
                    .push_bind(&r.record_type)
                    .push_bind(r.start)
                    .push_bind(r.end)
                    .push_bind(&r.value)
                    .push_bind(&r.unit)
                    .push_bind(&r.source_name);
            });
            insert.push(crate::sql::raw::RAW_ON_CONFLICT);
            inserted += insert.build().execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(inserted)
    }

    pub(crate) async fn read_data_version(&self, user: &UserId) -> Result<i64, StoreError> {
        let version: Option<i64> = sqlx::query_scalar("SELECT version FROM data_versions WHERE user_id = $1")
            .bind(user.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(version.unwrap_or(0))
    }

    pub(crate) async fn read_dirty_days(&self, user: &UserId) -> Result<Vec<(Metric, i32, i64)>, StoreError> {
        let rows: Vec<(i16, i64, i64)> = sqlx::query_as(
            "SELECT metric, day, seq FROM rollup_dirty WHERE user_id = $1 ORDER BY metric, day",
        )
        .bind(user.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(metric, day, seq)| {
                let metric = wearhouse_model::Metric::from_code(metric).ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("rollup_dirty.metric: unknown code {metric}"))
                })?;
                let day = i32::try_from(day)
                    .map_err(|_| crate::StoreError::Corrupt(format!("rollup_dirty.day: {day}")))?;
                Ok((metric, day, seq))
            })
            .collect()
    }

    pub(crate) async fn read_daily(
        &self,
        user: &UserId,
        metrics: &[Metric],
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<DailyRollup>, StoreError> {
        if metrics.is_empty() || to_day < from_day {
            return Ok(Vec::new());
        }
        let codes: Vec<i16> = metrics.iter().map(|m| m.code()).collect();
        let rows: Vec<(i16, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT metric, block, days FROM daily_rollup_blocks \
             WHERE user_id = $1 AND metric = ANY($2) AND block BETWEEN $3 AND $4 ORDER BY metric, block",
        )
        .bind(user.as_str())
        .bind(&codes)
        .bind(rollup_block::block_of(i64::from(from_day)))
        .bind(rollup_block::block_of(i64::from(to_day)))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (code, block, blob) in rows {
            let metric = Metric::from_code(code).ok_or_else(|| {
                StoreError::Corrupt(format!("daily_rollup_blocks.metric: unknown code {code}"))
            })?;
            rollup_block::push_daily(metric, block, &blob, (from_day, to_day), &mut out)?;
        }
        Ok(out)
    }

    pub(crate) async fn write_sleep(
        &self,
        user: &UserId,
        days: (i32, i32),
        rows: &[SleepRollup],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // As for rollup blocks: one rewrite of a user's sleep at a time, across processes (-1 is no
        // metric's code).
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, -1))")
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
        let blocks = rollup_block::sleep_blocks_of(days);
        let old: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT block, days FROM sleep_blocks WHERE user_id = $1 AND block BETWEEN $2 AND $3",
        )
        .bind(user.as_str())
        .bind(*blocks.start())
        .bind(*blocks.end())
        .fetch_all(&mut *tx)
        .await?;
        let old: BTreeMap<i64, Vec<u8>> = old.into_iter().collect();
        for block in blocks {
            match rollup_block::splice_sleep(block, old.get(&block).map(Vec::as_slice), days, rows)? {
                Some(blob) => {
                    sqlx::query(
                        "INSERT INTO sleep_blocks (user_id, block, days) VALUES ($1, $2, $3) \
                         ON CONFLICT (user_id, block) DO UPDATE SET days = excluded.days",
                    )
                    .bind(user.as_str())
                    .bind(block)
                    .bind(blob)
                    .execute(&mut *tx)
                    .await?;
                }
                None if old.contains_key(&block) => {
                    sqlx::query("DELETE FROM sleep_blocks WHERE user_id = $1 AND block = $2")
                        .bind(user.as_str())
                        .bind(block)
                        .execute(&mut *tx)
                        .await?;
                }
                None => {}
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn read_sleep_daily(
        &self,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<SleepRollup>, StoreError> {
        if to_day < from_day {
            return Ok(Vec::new());
        }
        let blocks = rollup_block::sleep_blocks_of((from_day, to_day));
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT block, days FROM sleep_blocks WHERE user_id = $1 AND block BETWEEN $2 AND $3 ORDER BY block",
        )
        .bind(user.as_str())
        .bind(*blocks.start())
        .bind(*blocks.end())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (block, blob) in rows {
            rollup_block::push_sleep(block, &blob, (from_day, to_day), &mut out)?;
        }
        Ok(out)
    }

    pub(crate) async fn read_hourly(
        &self,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<HourlyRollup>, StoreError> {
        if to_hour < from_hour {
            return Ok(Vec::new());
        }
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT block, hours FROM hourly_rollup_blocks \
             WHERE user_id = $1 AND metric = $2 AND block BETWEEN $3 AND $4 ORDER BY block",
        )
        .bind(user.as_str())
        .bind(metric.code())
        .bind(rollup_block::block_of(from_hour))
        .bind(rollup_block::block_of(to_hour))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (block, blob) in rows {
            rollup_block::push_hourly(metric, block, &blob, (from_hour, to_hour), &mut out)?;
        }
        Ok(out)
    }

    pub(crate) async fn read_workout_spans(
        &self,
        user: &UserId,
        from: i64,
        to: i64,
    ) -> Result<Vec<WorkoutSpan>, StoreError> {
        let earliest = from.saturating_sub(wearhouse_model::activity::MAX_ACTIVITY_DAYS * 86_400);
        let rows: Vec<(i64, i64, Option<i16>, Option<f64>)> = sqlx::query_as(
            "SELECT start_s, end_s, offset_minutes, distance FROM activities \
             WHERE user_id = $1 AND deleted_at IS NULL AND merged_into IS NULL \
             AND start_s >= $2 AND start_s < $3 AND end_s > $4 ORDER BY start_s, id",
        )
        .bind(user.as_str())
        .bind(earliest)
        .bind(to)
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(start, end, offset_minutes, distance)| WorkoutSpan {
                start,
                end,
                offset_minutes,
                distance,
            })
            .collect())
    }
}
