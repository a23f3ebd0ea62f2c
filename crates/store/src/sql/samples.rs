//! `SampleStore` in SQL common to both backends.

macro_rules! impl_sample_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::SampleStore for $store {
            async fn ensure_source(
                &self,
                user: &wearhouse_model::UserId,
                source: &wearhouse_model::SourceDescriptor,
                now: jiff::Timestamp,
            ) -> Result<i64, $crate::StoreError> {
                let key = source.natural_key();
                let find = "SELECT id FROM sources WHERE user_id = $1 AND natural_key = $2";
                // Read first: a source is stored once and met on every batch after, and a read takes no
                // write lock (on SQLite every write waits for the one writer).
                let found: Option<i64> = sqlx::query_scalar(find)
                    .bind(user.as_str())
                    .bind(&key)
                    .fetch_optional(&self.pool)
                    .await?;
                if let Some(id) = found {
                    return Ok(id);
                }
                sqlx::query(
                    "INSERT INTO sources (user_id, natural_key, provider, kind, name, model, app, created_at, summary) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, natural_key) DO NOTHING",
                )
                .bind(user.as_str())
                .bind(&key)
                .bind(source.provider.as_str())
                .bind(source.kind.as_str())
                .bind(&source.name)
                .bind(source.model.as_deref())
                .bind(source.app.as_deref())
                .bind($crate::time::to_micros(now))
                .bind(source.summary)
                .execute(&self.pool)
                .await?;
                let id: i64 = sqlx::query_scalar(find)
                    .bind(user.as_str())
                    .bind(&key)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(id)
            }

            async fn sources(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<Vec<$crate::SourceRecord>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SourceRow> = sqlx::query_as(
                    "SELECT id, provider, kind, name, model, app, priority, created_at, summary FROM sources \
                     WHERE user_id = $1 ORDER BY id",
                )
                .bind(user.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::SourceRecord::try_from).collect()
            }

            async fn set_source_order(
                &self,
                user: &wearhouse_model::UserId,
                order: &[i64],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE sources SET priority = NULL WHERE user_id = $1")
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await?;
                for (position, id) in order.iter().enumerate() {
                    let done = sqlx::query("UPDATE sources SET priority = $3 WHERE user_id = $1 AND id = $2")
                        .bind(user.as_str())
                        .bind(*id)
                        .bind(position as i64)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Err($crate::StoreError::NotFound);
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn insert_samples(
                &self,
                user: &wearhouse_model::UserId,
                samples: &[$crate::NewSample],
                touched: &[(wearhouse_model::Metric, i32)],
                now: jiff::Timestamp,
                import_id: Option<&str>,
            ) -> Result<u64, $crate::StoreError> {
                self.store_samples(user, samples, touched, now, import_id).await
            }

            async fn sample_values(
                &self,
                user: &wearhouse_model::UserId,
                metric: wearhouse_model::Metric,
                from: i64,
                to: i64,
            ) -> Result<Vec<$crate::SampleValue>, $crate::StoreError> {
                self.read_sample_values(user, metric, from, to).await
            }

            async fn latest_samples(
                &self,
                user: &wearhouse_model::UserId,
                limit: u32,
            ) -> Result<Vec<$crate::StoredSample>, $crate::StoreError> {
                // The newest chunks of each source and metric, read backwards a few at a time until they
                // hold `limit` samples: a handful of index steps each, where one query over all the
                // user's chunks would read their whole history.
                const CHUNKS_PER_READ: i64 = 4;
                let sources: Vec<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE user_id = $1")
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                let mut found = Vec::new();
                for source in sources {
                    for metric in wearhouse_model::Metric::ALL.iter().copied() {
                        let mut before = i64::MAX;
                        let mut collected = 0usize;
                        loop {
                            let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                                "SELECT day, body FROM sample_chunks WHERE source_id = $1 AND metric = $2 \
                                 AND day < $3 ORDER BY day DESC LIMIT $4",
                            )
                            .bind(source)
                            .bind(metric.code())
                            .bind(before)
                            .bind(CHUNKS_PER_READ)
                            .fetch_all(&self.pool)
                            .await?;
                            let complete = (rows.len() as i64) < CHUNKS_PER_READ;
                            for (day, body) in rows {
                                let day_samples = $crate::sample_chunk::decode(day, &body)?;
                                collected += day_samples.len();
                                found.extend(day_samples.into_iter().map(|s| (source, metric, s)));
                                before = day;
                            }
                            if complete || collected >= limit as usize {
                                break;
                            }
                        }
                    }
                }
                found.sort_by(|(a_source, _, a), (b_source, _, b)| {
                    b.start.cmp(&a.start).then(b_source.cmp(a_source)).then(b.duration.cmp(&a.duration))
                });
                found.truncate(limit as usize);
                self.with_ingest_times(found).await
            }

            async fn samples(
                &self,
                user: &wearhouse_model::UserId,
                q: &$crate::SampleQuery,
            ) -> Result<Vec<$crate::StoredSample>, $crate::StoreError> {
                // Chunks are read in day order, a bounded number at a time and always whole days, so the
                // samples of the days read so far sort into their final order on their own. A read starts
                // small (a day of minute-level data fills a page) and doubles for sparse series.
                const FIRST_READ: usize = 4;
                const LARGEST_READ: usize = 256;
                let after = q.after.unwrap_or($crate::SampleCursor { start: i64::MIN, source_id: i64::MIN, end: i64::MIN });
                let from = q.from.max(after.start);
                let limit = q.limit as usize;
                let mut found: Vec<(i64, wearhouse_model::Metric, $crate::sample_chunk::ChunkSample)> = Vec::new();
                if from >= q.to || limit == 0 {
                    return Ok(Vec::new());
                }
                let (mut day, last_day) = $crate::sample_chunk::days_between(from, q.to);
                let read_days = |first: i64, last: i64, chunks: i64| {
                    sqlx::query_as::<_, (i64, i64, Vec<u8>)>(
                        "SELECT c.source_id, c.day, c.body FROM sample_chunks c JOIN sources src ON src.id = c.source_id \
                         WHERE src.user_id = $1 AND c.metric = $2 AND c.day BETWEEN $3 AND $4 \
                         AND ($5 = 0 OR c.source_id = $5) ORDER BY c.day, c.source_id LIMIT $6",
                    )
                    .bind(user.as_str())
                    .bind(q.metric.code())
                    .bind(first)
                    .bind(last)
                    .bind(q.source.unwrap_or(0))
                    .bind(chunks)
                    .fetch_all(&self.pool)
                };
                let mut chunks = FIRST_READ;
                while day <= last_day && found.len() < limit {
                    let mut rows = read_days(day, last_day, chunks as i64).await?;
                    let Some(&(_, newest, _)) = rows.last() else { break };
                    if rows.len() < chunks {
                        day = last_day + 1;
                    } else if rows[0].1 == newest {
                        // A day with more chunks than one read holds (one per source): read it whole.
                        rows = read_days(newest, newest, i64::MAX).await?;
                        day = newest + 1;
                    } else {
                        // The newest day may be cut short: read it again next time.
                        rows.retain(|r| r.1 != newest);
                        day = newest;
                    }
                    let round = found.len();
                    for (source_id, chunk_day, body) in rows {
                        for s in $crate::sample_chunk::decode(chunk_day, &body)? {
                            let position = (s.start, source_id, s.start + s.duration);
                            if s.start >= q.from && s.start < q.to && position > (after.start, after.source_id, after.end) {
                                found.push((source_id, q.metric, s));
                            }
                        }
                    }
                    found[round..].sort_by_key(|(source_id, _, s)| (s.start, *source_id, s.duration));
                    chunks = (chunks * 2).min(LARGEST_READ);
                }
                found.truncate(limit);
                self.with_ingest_times(found).await
            }
        }

        impl $store {
            /// Samples as the listings return them, with the time their batch was ingested.
            async fn with_ingest_times(
                &self,
                found: Vec<(i64, wearhouse_model::Metric, $crate::sample_chunk::ChunkSample)>,
            ) -> Result<Vec<$crate::StoredSample>, $crate::StoreError> {
                let mut batches: Vec<i64> = found.iter().map(|(_, _, s)| s.batch).collect();
                batches.sort_unstable();
                batches.dedup();
                let mut ingested = std::collections::HashMap::new();
                for ids in batches.chunks(500) {
                    let mut query = sqlx::QueryBuilder::<$db>::new("SELECT id, ingested_at FROM ingest_batches WHERE id IN (");
                    let mut list = query.separated(", ");
                    for id in ids {
                        list.push_bind(*id);
                    }
                    query.push(")");
                    let rows: Vec<(i64, i64)> = query.build_query_as().fetch_all(&self.pool).await?;
                    ingested.extend(rows);
                }
                found
                    .into_iter()
                    .map(|(source_id, metric, s)| {
                        let micros = *ingested.get(&s.batch).ok_or_else(|| {
                            $crate::StoreError::Corrupt(format!("sample chunk: unknown ingest batch {}", s.batch))
                        })?;
                        Ok($crate::StoredSample {
                            source_id,
                            metric,
                            start: s.start,
                            end: s.start + s.duration,
                            value: s.value,
                            offset_minutes: s.offset_minutes,
                            floating_end_offset: s.offset_minutes.and(s.floating_end_offset),
                            external_id: s.external_id,
                            ingested_at: $crate::time::from_micros(micros)?,
                        })
                    })
                    .collect()
            }
        }
    };
}
