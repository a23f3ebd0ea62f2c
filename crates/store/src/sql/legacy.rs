//! Moving samples stored one row each (the layout before day chunks) into chunks, once, when the
//! store is migrated.

/// A store that may hold samples in the former one-row-per-sample `samples` table.
#[async_trait::async_trait]
pub(crate) trait LegacySamples: Send + Sync {
    /// Moves every row of the former `samples` table into day chunks and drops the table, in one
    /// transaction; returns how many samples moved. Does nothing when the table is gone.
    async fn move_legacy_samples(&self) -> Result<u64, crate::StoreError>;
}

/// Rows read per query while moving: bounds memory whatever the table's size.
pub(crate) const LEGACY_PAGE: i64 = 50_000;

macro_rules! impl_legacy_samples {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::sql::legacy::LegacySamples for $store {
            async fn move_legacy_samples(&self) -> Result<u64, $crate::StoreError> {
                use $crate::sample_chunk::{day_of, ChunkSample};

                let exists: i64 = sqlx::query_scalar(Self::LEGACY_SAMPLES_EXIST).fetch_one(&self.pool).await?;
                if exists == 0 {
                    return Ok(0);
                }
                let mut tx = self.pool.begin().await?;
                let series: Vec<(i64, i16)> =
                    sqlx::query_as("SELECT DISTINCT source_id, metric FROM samples ORDER BY source_id, metric")
                        .fetch_all(&mut *tx)
                        .await?;
                let mut moved = 0u64;
                for (source_id, metric) in series {
                    let mut after = (i64::MIN, i64::MIN);
                    let mut day: Option<i64> = None;
                    let mut pending: Vec<ChunkSample> = Vec::new();
                    loop {
                        let rows: Vec<(i64, i64, f64, i64, Option<i16>, Option<String>)> = sqlx::query_as(
                            "SELECT start_s, dur_s, value, batch_id, offset_min, external_id FROM samples \
                             WHERE source_id = $1 AND metric = $2 AND (start_s, dur_s) > ($3, $4) \
                             ORDER BY start_s, dur_s LIMIT $5",
                        )
                        .bind(source_id)
                        .bind(metric)
                        .bind(after.0)
                        .bind(after.1)
                        .bind($crate::sql::legacy::LEGACY_PAGE)
                        .fetch_all(&mut *tx)
                        .await?;
                        let complete = (rows.len() as i64) < $crate::sql::legacy::LEGACY_PAGE;
                        for (start, duration, value, batch, offset_minutes, external_id) in rows {
                            let this_day = day_of(start);
                            if let Some(previous) = day.filter(|d| *d != this_day) {
                                Self::write_legacy_chunk(&mut tx, (source_id, metric, previous), &pending).await?;
                                moved += pending.len() as u64;
                                pending.clear();
                            }
                            day = Some(this_day);
                            if let Some(id) = &external_id {
                                sqlx::query(
                                    "INSERT INTO sample_external_ids (source_id, metric, external_id) VALUES ($1, $2, $3)",
                                )
                                .bind(source_id)
                                .bind(metric)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                            }
                            after = (start, duration);
                            pending.push(ChunkSample { start, duration, value, offset_minutes, floating_end_offset: None, external_id, batch });
                        }
                        if complete {
                            break;
                        }
                    }
                    if let Some(last) = day {
                        Self::write_legacy_chunk(&mut tx, (source_id, metric, last), &pending).await?;
                        moved += pending.len() as u64;
                    }
                }
                sqlx::query("DROP TABLE samples").execute(&mut *tx).await?;
                tx.commit().await?;
                if moved > 0 {
                    tracing::info!(samples = moved, "moved stored samples into day chunks");
                }
                Ok(moved)
            }
        }

        impl $store {
            async fn write_legacy_chunk(
                tx: &mut sqlx::Transaction<'_, $db>,
                (source_id, metric, day): (i64, i16, i64),
                samples: &[$crate::sample_chunk::ChunkSample],
            ) -> Result<(), $crate::StoreError> {
                let chunk = $crate::sample_chunk::encode(day, samples);
                sqlx::query(
                    "INSERT INTO sample_chunks (source_id, metric, day, samples, max_batch, body) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(source_id)
                .bind(metric)
                .bind(day)
                .bind(chunk.count)
                .bind(chunk.max_batch)
                .bind(chunk.body)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wearhouse_model::{
        DeviceKind, Email, Metric, Provider, Roles, SourceDescriptor, TimeZoneName, UserId, Username,
    };

    use crate::open::Pool;
    use crate::testing::{backends, TestDatabase};
    use crate::{NewSample, NewUser, SampleQuery, Store};

    async fn execute(store: &Store, sql: &str) {
        match &store.pool {
            Pool::Sqlite(pool) => {
                sqlx::query(sql).execute(pool).await.unwrap();
            }
            Pool::Postgres(pool) => {
                sqlx::query(sql).execute(pool).await.unwrap();
            }
        }
    }

    /// A listed sample: start, end, value, offset, external id.
    type Listed<'a> = (i64, i64, f64, Option<i16>, Option<&'a str>);

    /// The samples table as migrations before day chunks created it.
    const LEGACY_TABLE: &str = "CREATE TABLE samples (source_id BIGINT NOT NULL, metric SMALLINT NOT NULL, \
        start_s BIGINT NOT NULL, dur_s BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, batch_id BIGINT NOT NULL, \
        offset_min SMALLINT, external_id TEXT, PRIMARY KEY (source_id, metric, start_s, dur_s))";

    #[tokio::test]
    async fn samples_stored_one_row_each_move_into_chunks_once() {
        for backend in backends() {
            let db = TestDatabase::create(backend).await;
            let store = db.store().await;
            let now: jiff::Timestamp = "2026-03-29T09:00:00Z".parse().unwrap();
            let user = store
                .accounts
                .create_user(NewUser {
                    id: UserId::generate(),
                    username: Username::parse("ana").unwrap(),
                    email: Email::parse("ana@example.org").unwrap(),
                    password_hash: "x".into(),
                    roles: Roles::user(),
                    time_zone: Some(TimeZoneName::parse("Europe/Berlin").unwrap()),
                    created_at: now,
                })
                .await
                .unwrap();
            let watch = SourceDescriptor::new(
                Provider::AppleHealth,
                DeviceKind::Watch,
                "Ana's Watch",
                None,
                None,
            )
            .unwrap();
            let source = store.samples.ensure_source(&user.id, &watch, now).await.unwrap();
            execute(&store, LEGACY_TABLE).await;
            execute(
                &store,
                &format!(
                    "INSERT INTO ingest_batches (id, user_id, ingested_at) VALUES (900, '{}', {})",
                    user.id.as_str(),
                    now.as_microsecond()
                ),
            )
            .await;
            // Three days of heart rate (one sample with a fraction and an external id), one of steps.
            let metric = Metric::HeartRate.code();
            let steps = Metric::Steps.code();
            execute(
                &store,
                &format!(
                    "INSERT INTO samples VALUES \
                     ({source}, {metric}, 86400, 0, 60, 900, 60, NULL), \
                     ({source}, {metric}, 86460, 0, 61.5, 900, 60, 'hr-2'), \
                     ({source}, {metric}, 172800, 0, 62, 900, NULL, NULL), \
                     ({source}, {metric}, 259300, 30, 63, 900, 120, NULL), \
                     ({source}, {steps}, 86400, 60, 100, 900, NULL, NULL)"
                ),
            )
            .await;
            store.migrate().await.unwrap();

            let all = |metric| SampleQuery {
                metric,
                from: 0,
                to: i64::MAX,
                source: None,
                after: None,
                limit: 100,
            };
            let heart: Vec<_> = store
                .samples
                .samples(&user.id, &all(Metric::HeartRate))
                .await
                .unwrap();
            let got: Vec<Listed> = heart
                .iter()
                .map(|s| {
                    (
                        s.start,
                        s.end,
                        s.value,
                        s.offset_minutes,
                        s.external_id.as_deref(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                vec![
                    (86_400, 86_400, 60.0, Some(60), None),
                    (86_460, 86_460, 61.5, Some(60), Some("hr-2")),
                    (172_800, 172_800, 62.0, None, None),
                    (259_300, 259_330, 63.0, Some(120), None),
                ]
            );
            assert!(heart.iter().all(|s| s.ingested_at == now));
            assert_eq!(
                store
                    .samples
                    .samples(&user.id, &all(Metric::Steps))
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert_eq!(store.sample_storage().await.unwrap().rows, 5);

            // The external id moved too: the same id at another time is a duplicate.
            let again = NewSample {
                source_id: source,
                metric: Metric::HeartRate,
                start: 99_000,
                end: 99_000,
                value: 1.0,
                offset_minutes: None,
                floating_end_offset: None,
                external_id: Some("hr-2".into()),
            };
            assert_eq!(
                store
                    .samples
                    .insert_samples(&user.id, &[again], &[], now, None)
                    .await
                    .unwrap(),
                0
            );
            // The old table is gone, so migrating again moves nothing twice.
            store.migrate().await.unwrap();
            assert_eq!(store.sample_storage().await.unwrap().rows, 5);
            store.close().await;
        }
    }
}
