//! `RawStore` in SQL common to both backends.

/// How a raw record already stored meets the same record again: it stays as it is, unless the import
/// storing it now supersedes the one that stored it (a re-read of the same file), which takes it over.
pub(crate) const RAW_ON_CONFLICT: &str =
    " ON CONFLICT (user_id, record_type, start_s, end_s, source_name, value) \
     DO UPDATE SET import_id = excluded.import_id \
     WHERE raw_records.import_id = (SELECT i.supersedes FROM imports i WHERE i.id = excluded.import_id)";

macro_rules! impl_raw_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::RawStore for $store {
            async fn insert_raw(
                &self,
                user: &wearhouse_model::UserId,
                import_id: Option<&str>,
                records: &[$crate::RawRecord],
            ) -> Result<u64, $crate::StoreError> {
                self.write_raw(user, import_id, records).await
            }

            async fn raw_records(
                &self,
                user: &wearhouse_model::UserId,
                q: &$crate::RawQuery,
            ) -> Result<Vec<(i64, $crate::RawRecord)>, $crate::StoreError> {
                let (after_start, after_id) = q.after.unwrap_or((i64::MIN, i64::MIN));
                let rows: Vec<(i64, String, i64, i64, String, String, String)> = sqlx::query_as(
                    "SELECT id, record_type, start_s, end_s, value, unit, source_name FROM raw_records \
                     WHERE user_id = $1 AND record_type = $2 AND start_s >= $3 AND start_s < $4 \
                     AND (start_s > $5 OR (start_s = $5 AND id > $6)) ORDER BY start_s, id LIMIT $7",
                )
                .bind(user.as_str())
                .bind(&q.record_type)
                .bind(q.from)
                .bind(q.to)
                .bind(after_start)
                .bind(after_id)
                .bind(i64::from(q.limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, record_type, start, end, value, unit, source_name)| {
                        (id, $crate::RawRecord { record_type, start, end, value, unit, source_name })
                    })
                    .collect())
            }

            async fn raw_types(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<Vec<(String, i64)>, $crate::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT record_type, COUNT(*) FROM raw_records WHERE user_id = $1 GROUP BY record_type ORDER BY record_type",
                )
                .bind(user.as_str())
                .fetch_all(&self.pool)
                .await?)
            }

            async fn remove_import_raw(&self, import_id: &str) -> Result<u64, $crate::StoreError> {
                Ok(sqlx::query("DELETE FROM raw_records WHERE import_id = $1")
                    .bind(import_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}
