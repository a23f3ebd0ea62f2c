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
                sqlx::query(
                    "INSERT INTO sources (user_id, natural_key, provider, kind, name, model, app, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, natural_key) DO NOTHING",
                )
                .bind(user.as_str())
                .bind(&key)
                .bind(source.provider.as_str())
                .bind(source.kind.as_str())
                .bind(&source.name)
                .bind(source.model.as_deref())
                .bind(source.app.as_deref())
                .bind($crate::time::to_micros(now))
                .execute(&self.pool)
                .await?;
                let id: i64 = sqlx::query_scalar("SELECT id FROM sources WHERE user_id = $1 AND natural_key = $2")
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
                    "SELECT id, provider, kind, name, model, app, priority, created_at FROM sources \
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
                // One backward range scan of the clustered key per source and metric: each is a handful
                // of index steps, where one query over all the user's samples would sort millions.
                let sources: Vec<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE user_id = $1")
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                let mut found = Vec::new();
                for source in sources {
                    for metric in wearhouse_model::Metric::ALL {
                        let rows: Vec<$crate::rows::SampleRow> = sqlx::query_as(
                            "SELECT s.source_id, s.metric, s.start_s, s.start_s + s.dur_s AS end_s, s.value, \
                             s.offset_min, s.external_id, b.ingested_at \
                             FROM samples s JOIN ingest_batches b ON b.id = s.batch_id \
                             WHERE s.source_id = $1 AND s.metric = $2 ORDER BY s.start_s DESC, s.dur_s DESC LIMIT $3",
                        )
                        .bind(source)
                        .bind(metric.code())
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await?;
                        for row in rows {
                            found.push($crate::StoredSample::try_from(row)?);
                        }
                    }
                }
                found.sort_by(|a: &$crate::StoredSample, b| b.start.cmp(&a.start).then(b.source_id.cmp(&a.source_id)));
                found.truncate(limit as usize);
                Ok(found)
            }

            async fn samples(
                &self,
                user: &wearhouse_model::UserId,
                q: &$crate::SampleQuery,
            ) -> Result<Vec<$crate::StoredSample>, $crate::StoreError> {
                let after = q.after.unwrap_or($crate::SampleCursor { start: i64::MIN, source_id: i64::MIN, end: i64::MIN });
                let rows: Vec<$crate::rows::SampleRow> = sqlx::query_as(
                    "SELECT s.source_id, s.metric, s.start_s, s.start_s + s.dur_s AS end_s, s.value, s.offset_min, \
                     s.external_id, \
                     b.ingested_at \
                     FROM samples s JOIN sources src ON src.id = s.source_id \
                     JOIN ingest_batches b ON b.id = s.batch_id \
                     WHERE src.user_id = $1 AND s.metric = $2 AND s.start_s >= $3 AND s.start_s < $4 \
                     AND ($5 = 0 OR s.source_id = $5) \
                     AND (s.start_s > $6 OR (s.start_s = $6 AND (s.source_id > $7 OR (s.source_id = $7 AND s.start_s + s.dur_s > $8)))) \
                     ORDER BY s.start_s, s.source_id, s.dur_s LIMIT $9",
                )
                .bind(user.as_str())
                .bind(q.metric.code())
                .bind(q.from)
                .bind(q.to)
                .bind(q.source.unwrap_or(0))
                .bind(after.start)
                .bind(after.source_id)
                .bind(after.end)
                .bind(i64::from(q.limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::StoredSample::try_from).collect()
            }
        }
    };
}
