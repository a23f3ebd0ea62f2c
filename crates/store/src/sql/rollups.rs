//! `RollupStore` in SQL common to both backends.

macro_rules! impl_rollup_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::RollupStore for $store {
            async fn replace_daily(
                &self,
                user: &wearhouse_model::UserId,
                metric: wearhouse_model::Metric,
                from_day: i32,
                to_day: i32,
                rows: &[$crate::DailyRollup],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "DELETE FROM daily_rollups WHERE user_id = $1 AND metric = $2 AND day BETWEEN $3 AND $4",
                )
                .bind(user.as_str())
                .bind(metric.code())
                .bind(i64::from(from_day))
                .bind(i64::from(to_day))
                .execute(&mut *tx)
                .await?;
                for chunk in rows.chunks(1000) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO daily_rollups (user_id, metric, day, total, minimum, maximum, count) ",
                    );
                    insert.push_values(chunk, |mut row, r| {
                        row.push_bind(user.as_str())
                            .push_bind(r.metric.code())
                            .push_bind(i64::from(r.day))
                            .push_bind(r.total)
                            .push_bind(r.minimum)
                            .push_bind(r.maximum)
                            .push_bind(r.count);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn daily(
                &self,
                user: &wearhouse_model::UserId,
                from_day: i32,
                to_day: i32,
            ) -> Result<Vec<$crate::DailyRollup>, $crate::StoreError> {
                let rows: Vec<(i16, i64, f64, f64, f64, i64)> = sqlx::query_as(
                    "SELECT metric, day, total, minimum, maximum, count FROM daily_rollups \
                     WHERE user_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, metric",
                )
                .bind(user.as_str())
                .bind(i64::from(from_day))
                .bind(i64::from(to_day))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(metric, day, total, minimum, maximum, count)| {
                        let metric = wearhouse_model::Metric::from_code(metric).ok_or_else(|| {
                            $crate::StoreError::Corrupt(format!(
                                "daily_rollups.metric: unknown code {metric}"
                            ))
                        })?;
                        let day = i32::try_from(day)
                            .map_err(|_| $crate::StoreError::Corrupt(format!("daily_rollups.day: {day}")))?;
                        Ok($crate::DailyRollup {
                            metric,
                            day,
                            total,
                            minimum,
                            maximum,
                            count,
                        })
                    })
                    .collect()
            }
        }
    };
}
