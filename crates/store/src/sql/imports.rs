//! `ImportStore` in SQL common to both backends.

/// The ingest batches of the import that import `$1` supersedes, in order: the samples a re-read takes
/// over (see `sample_chunk::merge`). Valid SQL for both backends and for the native SQLite connections.
pub(crate) const SUPERSEDED_BATCHES: &str =
    "SELECT b.id FROM ingest_batches b JOIN imports i ON b.import_id = i.supersedes \
     WHERE i.id = $1 ORDER BY b.id";

/// The ingest batches an earlier attempt of import `$1` stored before its process stopped (those up to
/// `imports.resumed_after_batch`, set when it is claimed again), in order: samples the import met
/// again that are its own, not duplicates (see `sample_chunk::merge`).
pub(crate) const EARLIER_ATTEMPT_BATCHES: &str =
    "SELECT b.id FROM ingest_batches b JOIN imports i ON b.import_id = i.id \
     WHERE i.id = $1 AND b.id <= i.resumed_after_batch ORDER BY b.id";

pub(crate) const IMPORT_COLUMNS: &str =
    "id, user_id, status, format, file_name, sha256, bytes_total, bytes_read, \
    records_read, imported, duplicates, activities, report, created_at, started_at, finished_at, \
    data_version, supersedes";

macro_rules! impl_import_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::ImportStore for $store {
            async fn create_import(
                &self,
                user: &wearhouse_model::UserId,
                import: &$crate::NewImport,
                now: jiff::Timestamp,
            ) -> Result<$crate::ImportRecord, $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO imports (id, user_id, status, format, file_name, sha256, bytes_total, created_at, \
                     data_version, supersedes) VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&import.id)
                .bind(user.as_str())
                .bind(&import.format)
                .bind(import.file_name.as_deref())
                .bind(&import.sha256)
                .bind(import.bytes_total)
                .bind($crate::time::to_micros(now))
                .bind(i64::from(import.data_version))
                .bind(import.supersedes.as_deref())
                .execute(&self.pool)
                .await?;
                $crate::ImportStore::import(self, user, &import.id).await
            }

            async fn import(
                &self,
                user: &wearhouse_model::UserId,
                id: &str,
            ) -> Result<$crate::ImportRecord, $crate::StoreError> {
                let row: $crate::rows::ImportRow = sqlx::query_as(&format!(
                    "SELECT {} FROM imports WHERE user_id = $1 AND id = $2",
                    $crate::sql::imports::IMPORT_COLUMNS
                ))
                .bind(user.as_str())
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
                row.try_into()
            }

            async fn imports(
                &self,
                user: &wearhouse_model::UserId,
                limit: u32,
            ) -> Result<Vec<$crate::ImportRecord>, $crate::StoreError> {
                let rows: Vec<$crate::rows::ImportRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM imports WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                    $crate::sql::imports::IMPORT_COLUMNS
                ))
                .bind(user.as_str())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::ImportRecord::try_from).collect()
            }

            async fn done_import_by_hash(
                &self,
                user: &wearhouse_model::UserId,
                sha256: &str,
            ) -> Result<Option<$crate::ImportRecord>, $crate::StoreError> {
                let row: Option<$crate::rows::ImportRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM imports WHERE user_id = $1 AND sha256 = $2 AND status = 'done' \
                     ORDER BY created_at DESC LIMIT 1",
                    $crate::sql::imports::IMPORT_COLUMNS
                ))
                .bind(user.as_str())
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::ImportRecord::try_from).transpose()
            }

            async fn has_done_import_of_size(
                &self,
                user: &wearhouse_model::UserId,
                bytes: i64,
            ) -> Result<bool, $crate::StoreError> {
                let found: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM imports \
                     WHERE user_id = $1 AND bytes_total = $2 AND status = 'done' LIMIT 1) AS found",
                )
                .bind(user.as_str())
                .bind(bytes)
                .fetch_one(&self.pool)
                .await?;
                Ok(found > 0)
            }

            async fn set_import_hash(&self, id: &str, sha256: &str) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE imports SET sha256 = $2 WHERE id = $1")
                    .bind(id)
                    .bind(sha256)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn claim_import(
                &self,
                id: &str,
                now: jiff::Timestamp,
            ) -> Result<Option<$crate::ImportRecord>, $crate::StoreError> {
                // A run after a stopped one keeps what the earlier attempts stored: the batches stored so
                // far are remembered as theirs (its own, not duplicates, when the re-run meets them).
                let user: Option<String> = sqlx::query_scalar(
                    "UPDATE imports SET status = 'running', started_at = $2, resumed_after_batch = \
                     (SELECT MAX(b.id) FROM ingest_batches b WHERE b.import_id = $1) \
                     WHERE id = $1 AND status IN ('queued', 'running') RETURNING user_id",
                )
                .bind(id)
                .bind($crate::time::to_micros(now))
                .fetch_optional(&self.pool)
                .await?;
                let Some(user) = user else { return Ok(None) };
                let user = wearhouse_model::UserId::parse(&user)
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                $crate::ImportStore::import(self, &user, id).await.map(Some)
            }

            async fn record_progress(
                &self,
                id: &str,
                p: &$crate::ImportProgress,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE imports SET bytes_read = $2, records_read = $3, imported = $4, duplicates = $5, \
                     activities = $6 WHERE id = $1",
                )
                .bind(id)
                .bind(p.bytes_read)
                .bind(p.records_read)
                .bind(p.imported)
                .bind(p.duplicates)
                .bind(p.activities)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn finish_import(
                &self,
                id: &str,
                status: $crate::ImportStatus,
                p: &$crate::ImportProgress,
                report: &str,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE imports SET status = $2, bytes_read = $3, records_read = $4, imported = $5, \
                     duplicates = $6, activities = $7, report = $8, finished_at = $9 WHERE id = $1",
                )
                .bind(id)
                .bind(status.as_str())
                .bind(p.bytes_read)
                .bind(p.records_read)
                .bind(p.imported)
                .bind(p.duplicates)
                .bind(p.activities)
                .bind(report)
                .bind($crate::time::to_micros(now))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn roll_back_import(&self, id: &str) -> Result<u64, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                // Writes first: on SQLite the first write takes the database's write lock, so the chunks
                // read below cannot change before they are rewritten.
                let raw = sqlx::query("DELETE FROM raw_records WHERE import_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                sqlx::query("DELETE FROM planned_routes WHERE import_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let activities = sqlx::query("DELETE FROM activities WHERE import_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let batches: Vec<(i64, String)> =
                    sqlx::query_as("SELECT id, user_id FROM ingest_batches WHERE import_id = $1 ORDER BY id")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await?;
                let mut samples = 0;
                // (metric, UTC day) of every chunk that lost samples: their rollups must be recomputed.
                let mut emptied: Vec<(i16, i64)> = Vec::new();
                if let Some((first_batch, user)) = batches.first() {
                    let ids: Vec<i64> = batches.iter().map(|(batch, _)| *batch).collect();
                    sqlx::query(&format!("SELECT id FROM sources WHERE user_id = $1 ORDER BY id{}", Self::LOCK_FOR_WRITE))
                        .bind(user)
                        .fetch_all(&mut *tx)
                        .await?;
                    // Only chunks written since the import's first batch can hold its samples; they are
                    // read a page at a time by key.
                    let mut after = (i64::MIN, i16::MIN, i64::MIN);
                    loop {
                        let rows: Vec<(i64, i16, i64, Vec<u8>)> = sqlx::query_as(
                            "SELECT c.source_id, c.metric, c.day, c.body FROM sample_chunks c \
                             JOIN sources src ON src.id = c.source_id \
                             WHERE src.user_id = $1 AND c.max_batch >= $2 AND (c.source_id, c.metric, c.day) > ($3, $4, $5) \
                             ORDER BY c.source_id, c.metric, c.day LIMIT 1000",
                        )
                        .bind(user)
                        .bind(*first_batch)
                        .bind(after.0)
                        .bind(after.1)
                        .bind(after.2)
                        .fetch_all(&mut *tx)
                        .await?;
                        let Some(last) = rows.last() else { break };
                        after = (last.0, last.1, last.2);
                        for (source_id, metric, day, body) in rows {
                            let stored = $crate::sample_chunk::decode(day, &body)?;
                            let (removed, kept): (Vec<_>, Vec<_>) =
                                stored.into_iter().partition(|s| ids.binary_search(&s.batch).is_ok());
                            if removed.is_empty() {
                                continue;
                            }
                            samples += removed.len() as u64;
                            emptied.push((metric, day));
                            if kept.is_empty() {
                                sqlx::query("DELETE FROM sample_chunks WHERE source_id = $1 AND metric = $2 AND day = $3")
                                    .bind(source_id)
                                    .bind(metric)
                                    .bind(day)
                                    .execute(&mut *tx)
                                    .await?;
                            } else {
                                let chunk = $crate::sample_chunk::encode(day, &kept);
                                sqlx::query(
                                    "UPDATE sample_chunks SET samples = $4, max_batch = $5, body = $6 \
                                     WHERE source_id = $1 AND metric = $2 AND day = $3",
                                )
                                .bind(source_id)
                                .bind(metric)
                                .bind(day)
                                .bind(chunk.count)
                                .bind(chunk.max_batch)
                                .bind(chunk.body)
                                .execute(&mut *tx)
                                .await?;
                            }
                            for external_id in removed.into_iter().filter_map(|s| s.external_id) {
                                sqlx::query(
                                    "DELETE FROM sample_external_ids WHERE source_id = $1 AND metric = $2 AND external_id = $3",
                                )
                                .bind(source_id)
                                .bind(metric)
                                .bind(external_id)
                                .execute(&mut *tx)
                                .await?;
                            }
                        }
                    }
                }
                if let Some((_, user)) = batches.first() {
                    emptied.sort_unstable();
                    emptied.dedup();
                    // The local days a removed sample counted for lie within a day before its UTC day
                    // and three after (samples span at most 48 hours), as when the upgrade marks days.
                    for (metric, day) in emptied {
                        for local in day - 1..=day + 3 {
                            sqlx::query(
                                "INSERT INTO rollup_dirty (user_id, metric, day, seq) VALUES ($1, $2, $3, 0) \
                                 ON CONFLICT (user_id, metric, day) DO UPDATE SET seq = rollup_dirty.seq + 1",
                            )
                            .bind(user)
                            .bind(metric)
                            .bind(local)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                sqlx::query("DELETE FROM ingest_batches WHERE import_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(samples + activities + raw)
            }

            async fn hand_back_import(&self, id: &str, to: &str) -> Result<u64, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut moved = 0;
                for table in ["ingest_batches", "raw_records", "activities"] {
                    moved += sqlx::query(&format!("UPDATE {table} SET import_id = $2 WHERE import_id = $1"))
                        .bind(id)
                        .bind(to)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(moved)
            }

            async fn retire_import(&self, id: &str, now: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                // Activities the newer reading did not take over go to the trash, not away: the user may
                // have edited them. Each step can run again, so a crash in between only repeats work.
                let live: Vec<(String, String)> = sqlx::query_as(
                    "SELECT user_id, id FROM activities WHERE import_id = $1 AND deleted_at IS NULL",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                for (user, activity) in &live {
                    let corrupt = |e: wearhouse_model::InvalidInput| $crate::StoreError::Corrupt(format!("activities: {e}"));
                    let user = wearhouse_model::UserId::parse(user).map_err(corrupt)?;
                    let activity = wearhouse_model::ActivityId::parse(activity).map_err(corrupt)?;
                    $crate::ActivityStore::delete_activity(self, &user, &activity, now).await?;
                }
                sqlx::query("UPDATE activities SET import_id = NULL WHERE import_id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                let removed = $crate::ImportStore::roll_back_import(self, id).await? + live.len() as u64;
                sqlx::query("DELETE FROM imports WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(removed)
            }
        }
    };
}
