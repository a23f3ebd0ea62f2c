//! `RollupStore` in SQL common to both backends.

macro_rules! impl_rollup_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::RollupStore for $store {
            async fn hourly_inputs(
                &self,
                user: &wearhouse_model::UserId,
                metric: wearhouse_model::Metric,
                from_hour: i64,
                to_hour: i64,
            ) -> Result<(bool, Vec<$crate::HourlyRollup>), $crate::StoreError> {
                self.read_hourly_inputs(user, metric, (from_hour, to_hour))
                    .await
            }

            async fn summary_inputs(
                &self,
                user: &wearhouse_model::UserId,
                range: $crate::SummaryRange,
            ) -> Result<$crate::SummaryInputs, $crate::StoreError> {
                self.read_summary_inputs(user, range).await
            }

            async fn replace_series(
                &self,
                user: &wearhouse_model::UserId,
                series: &$crate::SeriesRollups<'_>,
            ) -> Result<(), $crate::StoreError> {
                self.write_series(user, series).await
            }

            async fn users_with_dirty_days(
                &self,
                limit: u32,
            ) -> Result<Vec<wearhouse_model::UserId>, $crate::StoreError> {
                let ids: Vec<String> =
                    sqlx::query_scalar("SELECT DISTINCT user_id FROM rollup_dirty LIMIT $1")
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await?;
                ids.iter()
                    .map(|id| {
                        wearhouse_model::UserId::parse(id)
                            .map_err(|e| $crate::StoreError::Corrupt(format!("rollup_dirty.user_id: {e}")))
                    })
                    .collect()
            }

            async fn mark_every_day(&self) -> Result<u64, $crate::StoreError> {
                let done = sqlx::query(&$crate::sql::mark_chunk_days("true"))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn mark_user_days(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<u64, $crate::StoreError> {
                let done = sqlx::query(&$crate::sql::mark_chunk_days("s.user_id = $1"))
                    .bind(user.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn dirty_days(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<Vec<(wearhouse_model::Metric, i32, i64)>, $crate::StoreError> {
                self.read_dirty_days(user).await
            }

            async fn data_version(&self, user: &wearhouse_model::UserId) -> Result<i64, $crate::StoreError> {
                self.read_data_version(user).await
            }

            async fn advance_data_version(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO data_versions (user_id, version) SELECT $1, 1 \
                     WHERE EXISTS (SELECT 1 FROM users WHERE id = $1) \
                     ON CONFLICT (user_id) DO UPDATE SET version = data_versions.version + 1",
                )
                .bind(user.as_str())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn clear_dirty(
                &self,
                user: &wearhouse_model::UserId,
                days: &[(wearhouse_model::Metric, i32, i64)],
            ) -> Result<(), $crate::StoreError> {
                // Only marks still as read: a mark raised meanwhile (marks only grow) stays, so its day
                // is recomputed again. One statement per thousand marks: a year's import leaves thousands.
                let mut tx = self.pool.begin().await?;
                for chunk in days.chunks(1000) {
                    let mut delete =
                        sqlx::QueryBuilder::<$db>::new("DELETE FROM rollup_dirty WHERE user_id = ");
                    delete.push_bind(user.as_str());
                    delete.push(" AND (metric, day, seq) IN (");
                    delete.push_values(chunk, |mut row, (metric, day, seq)| {
                        row.push_bind(metric.code())
                            .push_bind(i64::from(*day))
                            .push_bind(*seq);
                    });
                    delete.push(")");
                    delete.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn clear_all_dirty(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("DELETE FROM rollup_dirty WHERE user_id = $1")
                    .bind(user.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn daily(
                &self,
                user: &wearhouse_model::UserId,
                metrics: &[wearhouse_model::Metric],
                from_day: i32,
                to_day: i32,
            ) -> Result<Vec<$crate::DailyRollup>, $crate::StoreError> {
                self.read_daily(user, metrics, from_day, to_day).await
            }

            async fn replace_sleep(
                &self,
                user: &wearhouse_model::UserId,
                from_day: i32,
                to_day: i32,
                rows: &[$crate::SleepRollup],
            ) -> Result<(), $crate::StoreError> {
                self.write_sleep(user, (from_day, to_day), rows).await
            }

            async fn sleep_daily(
                &self,
                user: &wearhouse_model::UserId,
                from_day: i32,
                to_day: i32,
            ) -> Result<Vec<$crate::SleepRollup>, $crate::StoreError> {
                self.read_sleep_daily(user, from_day, to_day).await
            }

            async fn hourly(
                &self,
                user: &wearhouse_model::UserId,
                metric: wearhouse_model::Metric,
                from_hour: i64,
                to_hour: i64,
            ) -> Result<Vec<$crate::HourlyRollup>, $crate::StoreError> {
                self.read_hourly(user, metric, from_hour, to_hour).await
            }
        }
    };
}
