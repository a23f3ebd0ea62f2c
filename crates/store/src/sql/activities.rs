//! `ActivityStore` and `IdempotencyStore` in SQL common to both backends.

/// Columns selected for an activity, in the order of `rows::ActivityRow`.
pub(crate) const ACTIVITY_COLUMNS: &str =
    "id, body, source_id, external_id, revision, stream_points, created_at, updated_at, deleted_at, merged_into, \
     import_id";

/// What an overwrite of an activity writes: its fields, why, and, when `streams` is `Some`, its streams
/// too (`Some(None)` removes them).
pub(crate) struct Overwrite<'a> {
    pub fields: &'a wearhouse_model::ActivityFields,
    pub change: crate::RevisionChange,
    pub streams: Option<Option<&'a wearhouse_model::Streams>>,
    /// `Some`: the activity passes to this import (a re-read of the file that wrote it).
    pub import_id: Option<&'a str>,
}

macro_rules! impl_activity_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn insert_revision(
                tx: &mut sqlx::Transaction<'_, $db>,
                record: &$crate::ActivityRecord,
                change: $crate::RevisionChange,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO activity_revisions (activity_id, revision, change, deleted, body, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(record.id.as_str())
                .bind(record.revision)
                .bind(change.as_str())
                .bind(record.deleted_at.is_some())
                .bind($crate::rows::activity_body(&record.fields)?)
                .bind($crate::time::to_micros(now))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Writes `fields` over a live or trashed activity whose revision is `expected`, bumping the
            /// revision; `undelete` also takes it out of the trash.
            async fn overwrite(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                expected: i64,
                change: $crate::sql::activities::Overwrite<'_>,
                now: jiff::Timestamp,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                let $crate::sql::activities::Overwrite { fields, change, streams, import_id } = change;
                let mut tx = self.pool.begin().await?;
                let live_only = if change == $crate::RevisionChange::Restore { "" } else { " AND deleted_at IS NULL" };
                let row: Option<$crate::rows::ActivityRow> = sqlx::query_as(&format!(
                    "UPDATE activities SET activity_type = $4, start_s = $5, end_s = $6, distance = $7, avg_hr = $8, \
                     visibility = $9, title = $10, notes = $11, body = $12, updated_at = $13, deleted_at = NULL, \
                     offset_minutes = $14, revision = revision + 1 \
                     WHERE user_id = $1 AND id = $2 AND revision = $3{live_only} RETURNING {}",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ))
                .bind(user.as_str())
                .bind(id.as_str())
                .bind(expected)
                .bind(fields.activity_type.as_str())
                .bind(fields.start.as_second())
                .bind(fields.end.as_second())
                .bind(fields.distance)
                .bind(fields.avg_heart_rate)
                .bind(fields.visibility.as_str())
                .bind(fields.title.as_deref())
                .bind(fields.notes.as_deref())
                .bind($crate::rows::activity_body(fields)?)
                .bind($crate::time::to_micros(now))
                .bind(fields.offset_minutes)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.rollback().await?;
                    // Either it is gone (or trashed) or someone else changed it first.
                    $crate::ActivityStore::activity(self, user, id, change == $crate::RevisionChange::Restore).await?;
                    return Err($crate::StoreError::Conflict { what: "revision" });
                };
                let mut record = $crate::ActivityRecord::try_from(row)?;
                if let Some(streams) = streams {
                    sqlx::query("DELETE FROM activity_streams WHERE activity_id = $1")
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await?;
                    let streams = streams.filter(|s| !s.is_empty());
                    if let Some(streams) = streams {
                        sqlx::query("INSERT INTO activity_streams (activity_id, data, route) VALUES ($1, $2, $3)")
                            .bind(id.as_str())
                            .bind($crate::stream_codec::encode(streams))
                            .bind($crate::route::stored_route(streams))
                            .execute(&mut *tx)
                            .await?;
                    }
                    let points = streams.map_or(0, |s| s.len() as i64);
                    sqlx::query("UPDATE activities SET stream_points = $2 WHERE id = $1")
                        .bind(id.as_str())
                        .bind(points)
                        .execute(&mut *tx)
                        .await?;
                    record.stream_points = points;
                }
                if let Some(import_id) = import_id {
                    sqlx::query("UPDATE activities SET import_id = $2 WHERE id = $1")
                        .bind(id.as_str())
                        .bind(import_id)
                        .execute(&mut *tx)
                        .await?;
                    record.import_id = Some(import_id.to_owned());
                }
                Self::insert_revision(&mut tx, &record, change, now).await?;
                tx.commit().await?;
                Ok(record)
            }
        }

        #[async_trait::async_trait]
        impl $crate::ActivityStore for $store {
            async fn create_activities(
                &self,
                user: &wearhouse_model::UserId,
                items: &[$crate::NewActivity],
                now: jiff::Timestamp,
            ) -> Result<Vec<$crate::Created>, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut out = Vec::with_capacity(items.len());
                let at = $crate::time::to_micros(now);
                for item in items {
                    let points = item.streams.as_ref().map_or(0, |s| s.len() as i64);
                    // Write first: in SQLite this takes the write lock before anything is read.
                    let inserted = sqlx::query(
                        "INSERT INTO activities (id, user_id, activity_type, start_s, end_s, distance, avg_hr, \
                         visibility, title, notes, source_id, external_id, revision, stream_points, body, \
                         created_at, updated_at, import_id, offset_minutes) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $15, $16, $17) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(item.id.as_str())
                    .bind(user.as_str())
                    .bind(item.fields.activity_type.as_str())
                    .bind(item.fields.start.as_second())
                    .bind(item.fields.end.as_second())
                    .bind(item.fields.distance)
                    .bind(item.fields.avg_heart_rate)
                    .bind(item.fields.visibility.as_str())
                    .bind(item.fields.title.as_deref())
                    .bind(item.fields.notes.as_deref())
                    .bind(item.source_id)
                    .bind(item.external_id.as_deref())
                    .bind(points)
                    .bind($crate::rows::activity_body(&item.fields)?)
                    .bind(at)
                    .bind(item.import_id.as_deref())
                    .bind(item.fields.offset_minutes)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if inserted == 0 {
                        let row: $crate::rows::ActivityRow = sqlx::query_as(&format!(
                            "SELECT {} FROM activities WHERE user_id = $1 AND external_id = $2",
                            $crate::sql::activities::ACTIVITY_COLUMNS
                        ))
                        .bind(user.as_str())
                        .bind(item.external_id.as_deref())
                        .fetch_one(&mut *tx)
                        .await?;
                        out.push($crate::Created::Existing(row.try_into()?));
                        continue;
                    }
                    if let Some(streams) = item.streams.as_ref().filter(|s| !s.is_empty()) {
                        sqlx::query("INSERT INTO activity_streams (activity_id, data, route) VALUES ($1, $2, $3)")
                            .bind(item.id.as_str())
                            .bind($crate::stream_codec::encode(streams))
                            .bind($crate::route::stored_route(streams))
                            .execute(&mut *tx)
                            .await?;
                    }
                    let record = $crate::ActivityRecord {
                        id: item.id.clone(),
                        fields: item.fields.clone(),
                        source_id: item.source_id,
                        external_id: item.external_id.clone(),
                        revision: 1,
                        stream_points: points,
                        // As read back: stored instants have microsecond precision.
                        created_at: $crate::time::from_micros(at)?,
                        updated_at: $crate::time::from_micros(at)?,
                        deleted_at: None,
                        merged_into: None,
                        import_id: item.import_id.clone(),
                    };
                    Self::insert_revision(&mut tx, &record, $crate::RevisionChange::Create, now).await?;
                    out.push($crate::Created::New(record));
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                include_deleted: bool,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                let live_only = if include_deleted { "" } else { " AND deleted_at IS NULL" };
                let row: $crate::rows::ActivityRow = sqlx::query_as(&format!(
                    "SELECT {} FROM activities WHERE user_id = $1 AND id = $2{live_only}",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ))
                .bind(user.as_str())
                .bind(id.as_str())
                .fetch_one(&self.pool)
                .await?;
                row.try_into()
            }

            async fn update_activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                expected_revision: i64,
                fields: &wearhouse_model::ActivityFields,
                now: jiff::Timestamp,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                let change = $crate::sql::activities::Overwrite {
                    fields,
                    change: $crate::RevisionChange::Update,
                    streams: None,
                    import_id: None,
                };
                self.overwrite(user, id, expected_revision, change, now).await
            }

            async fn replace_recording(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                expected_revision: i64,
                recording: &$crate::Recording<'_>,
                now: jiff::Timestamp,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                // A reading without streams (a session summary) leaves the stored streams alone.
                let change = $crate::sql::activities::Overwrite {
                    fields: recording.fields,
                    change: $crate::RevisionChange::Import,
                    streams: recording.streams.map(Some),
                    import_id: recording.import_id,
                };
                self.overwrite(user, id, expected_revision, change, now).await
            }

            async fn activities_keyed_like(
                &self,
                patterns: &[&str],
            ) -> Result<Vec<(wearhouse_model::UserId, $crate::ActivityRecord)>, $crate::StoreError> {
                let mut out = Vec::new();
                for pattern in patterns {
                    let keys: Vec<(String, String)> = sqlx::query_as(
                        "SELECT user_id, id FROM activities WHERE external_id LIKE $1 AND import_id IS NOT NULL",
                    )
                    .bind(pattern)
                    .fetch_all(&self.pool)
                    .await?;
                    for (user, id) in keys {
                        let corrupt = |e: wearhouse_model::InvalidInput| $crate::StoreError::Corrupt(format!("activities: {e}"));
                        let user = wearhouse_model::UserId::parse(&user).map_err(corrupt)?;
                        let id = wearhouse_model::ActivityId::parse(&id).map_err(corrupt)?;
                        let record = $crate::ActivityStore::activity(self, &user, &id, true).await?;
                        out.push((user, record));
                    }
                }
                out.sort_by_key(|(_, a)| (a.created_at, a.id.as_str().to_owned()));
                out.dedup_by(|a, b| a.1.id == b.1.id);
                Ok(out)
            }

            async fn rekey_activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                external_id: &str,
                now: jiff::Timestamp,
            ) -> Result<$crate::Rekeyed, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let holder: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM activities WHERE user_id = $1 AND external_id = $2",
                )
                .bind(user.as_str())
                .bind(external_id)
                .fetch_optional(&mut *tx)
                .await?;
                if holder.as_deref() == Some(id.as_str()) {
                    return Ok($crate::Rekeyed::Rekeyed);
                }
                if holder.is_none() {
                    sqlx::query("UPDATE activities SET external_id = $3 WHERE user_id = $1 AND id = $2")
                        .bind(user.as_str())
                        .bind(id.as_str())
                        .bind(external_id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok($crate::Rekeyed::Rekeyed);
                }
                // A copy already in the trash only gives up the key; a live one goes to the trash.
                let trashed = sqlx::query(
                    "UPDATE activities SET external_id = NULL WHERE user_id = $1 AND id = $2 AND deleted_at IS NOT NULL",
                )
                .bind(user.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if trashed == 0 {
                    let row: $crate::rows::ActivityRow = sqlx::query_as(&format!(
                        "UPDATE activities SET external_id = NULL, deleted_at = $3, updated_at = $3, \
                         revision = revision + 1 WHERE user_id = $1 AND id = $2 RETURNING {}",
                        $crate::sql::activities::ACTIVITY_COLUMNS
                    ))
                    .bind(user.as_str())
                    .bind(id.as_str())
                    .bind($crate::time::to_micros(now))
                    .fetch_one(&mut *tx)
                    .await?;
                    let record = $crate::ActivityRecord::try_from(row)?;
                    Self::insert_revision(&mut tx, &record, $crate::RevisionChange::Delete, now).await?;
                }
                tx.commit().await?;
                Ok($crate::Rekeyed::Duplicate)
            }

            async fn adopt_activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                import_id: &str,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE activities SET import_id = $3 WHERE user_id = $1 AND id = $2")
                    .bind(user.as_str())
                    .bind(id.as_str())
                    .bind(import_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                now: jiff::Timestamp,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let row: $crate::rows::ActivityRow = sqlx::query_as(&format!(
                    "UPDATE activities SET deleted_at = $3, updated_at = $3, revision = revision + 1 \
                     WHERE user_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING {}",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ))
                .bind(user.as_str())
                .bind(id.as_str())
                .bind($crate::time::to_micros(now))
                .fetch_one(&mut *tx)
                .await?;
                let record = $crate::ActivityRecord::try_from(row)?;
                Self::insert_revision(&mut tx, &record, $crate::RevisionChange::Delete, now).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn restore_activity(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
                revision: i64,
                now: jiff::Timestamp,
            ) -> Result<$crate::ActivityRecord, $crate::StoreError> {
                // Revisions never change, so reading the target outside the transaction is safe; the
                // current revision is checked again by the write.
                let current = self.activity(user, id, true).await?;
                let body: String = sqlx::query_scalar(
                    "SELECT body FROM activity_revisions WHERE activity_id = $1 AND revision = $2",
                )
                .bind(id.as_str())
                .bind(revision)
                .fetch_one(&self.pool)
                .await?;
                let fields = $crate::rows::parse_activity_body(&body)?;
                let change = $crate::sql::activities::Overwrite {
                    fields: &fields,
                    change: $crate::RevisionChange::Restore,
                    streams: None,
                    import_id: None,
                };
                self.overwrite(user, id, current.revision, change, now).await
            }

            async fn revisions(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
            ) -> Result<Vec<$crate::ActivityRevision>, $crate::StoreError> {
                self.activity(user, id, true).await?;
                let rows: Vec<$crate::rows::RevisionRow> = sqlx::query_as(
                    "SELECT revision, change, deleted, body, created_at FROM activity_revisions \
                     WHERE activity_id = $1 ORDER BY revision",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::ActivityRevision::try_from).collect()
            }

            async fn list_activities(
                &self,
                user: &wearhouse_model::UserId,
                query: &$crate::ActivityQuery,
            ) -> Result<Vec<$crate::ActivityRecord>, $crate::StoreError> {
                use $crate::ActivitySort;
                let (key, descending) = match query.sort {
                    ActivitySort::StartDesc => ("start_s", true),
                    ActivitySort::StartAsc => ("start_s", false),
                    ActivitySort::DistanceDesc => ("CAST(ROUND(COALESCE(distance, -1) * 1000) AS BIGINT)", true),
                    ActivitySort::DurationDesc => ("(end_s - start_s)", true),
                };
                let mut sql = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM activities WHERE deleted_at IS NULL AND merged_into IS NULL AND user_id = ",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ));
                sql.push_bind(user.as_str());
                if !query.types.is_empty() {
                    sql.push(" AND activity_type IN (");
                    let mut list = sql.separated(", ");
                    for t in &query.types {
                        list.push_bind(t.as_str());
                    }
                    sql.push(")");
                }
                let bound = |sql: &mut sqlx::QueryBuilder<'_, $db>, clause: &str, value: Option<f64>| {
                    if let Some(v) = value {
                        sql.push(clause).push_bind(v);
                    }
                };
                bound(&mut sql, " AND start_s >= ", query.from.map(|v| v as f64));
                bound(&mut sql, " AND start_s < ", query.to.map(|v| v as f64));
                bound(&mut sql, " AND distance >= ", query.min_distance);
                bound(&mut sql, " AND distance <= ", query.max_distance);
                bound(&mut sql, " AND (end_s - start_s) >= ", query.min_duration.map(|v| v as f64));
                bound(&mut sql, " AND (end_s - start_s) <= ", query.max_duration.map(|v| v as f64));
                bound(&mut sql, " AND avg_hr >= ", query.min_avg_hr);
                bound(&mut sql, " AND avg_hr <= ", query.max_avg_hr);
                if let Some(text) = &query.text {
                    let pattern = format!("%{}%", $crate::rows::like_escape(&text.to_lowercase()));
                    sql.push(" AND (LOWER(COALESCE(title, '')) LIKE ")
                        .push_bind(pattern.clone())
                        .push(" ESCAPE '\\' OR LOWER(COALESCE(notes, '')) LIKE ")
                        .push_bind(pattern)
                        .push(" ESCAPE '\\')");
                }
                if let Some(v) = query.visibility {
                    sql.push(" AND visibility = ").push_bind(v.as_str());
                }
                let (before, order) = if descending { ("<", "DESC") } else { (">", "ASC") };
                if let Some(after) = &query.after {
                    sql.push(format!(" AND ({key} {before} "))
                        .push_bind(after.key)
                        .push(format!(" OR ({key} = "))
                        .push_bind(after.key)
                        .push(format!(" AND id {before} "))
                        .push_bind(after.id.clone())
                        .push("))");
                }
                sql.push(format!(" ORDER BY {key} {order}, id {order} LIMIT "))
                    .push_bind(i64::from(query.limit));
                let rows: Vec<$crate::rows::ActivityRow> = sql.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::ActivityRecord::try_from).collect()
            }

            async fn activities_between(
                &self,
                user: &wearhouse_model::UserId,
                from: i64,
                to: i64,
            ) -> Result<Vec<$crate::ActivityRecord>, $crate::StoreError> {
                // Activities last at most MAX_ACTIVITY_DAYS, which bounds the index range scanned.
                let earliest = from.saturating_sub(wearhouse_model::activity::MAX_ACTIVITY_DAYS * 86_400);
                let rows: Vec<$crate::rows::ActivityRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM activities WHERE user_id = $1 AND deleted_at IS NULL AND merged_into IS NULL \
                     AND start_s >= $2 AND start_s < $3 AND end_s > $4 ORDER BY start_s, id",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ))
                .bind(user.as_str())
                .bind(earliest)
                .bind(to)
                .bind(from)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::ActivityRecord::try_from).collect()
            }

            async fn workout_spans(
                &self,
                user: &wearhouse_model::UserId,
                from: i64,
                to: i64,
            ) -> Result<Vec<$crate::WorkoutSpan>, $crate::StoreError> {
                self.read_workout_spans(user, from, to).await
            }

            async fn trash(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<Vec<$crate::ActivityRecord>, $crate::StoreError> {
                let rows: Vec<$crate::rows::ActivityRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM activities WHERE user_id = $1 AND deleted_at IS NOT NULL \
                     ORDER BY deleted_at DESC, id DESC",
                    $crate::sql::activities::ACTIVITY_COLUMNS
                ))
                .bind(user.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::ActivityRecord::try_from).collect()
            }

            async fn purge_trash(&self, deleted_before: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                Ok(sqlx::query("DELETE FROM activities WHERE deleted_at < $1")
                    .bind($crate::time::to_micros(deleted_before))
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn merge_activity(
                &self,
                user: &wearhouse_model::UserId,
                keep: &wearhouse_model::ActivityId,
                other: &wearhouse_model::ActivityId,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let merged = sqlx::query(
                    "UPDATE activities SET merged_into = $3, updated_at = $4 \
                     WHERE user_id = $1 AND id = $2 AND deleted_at IS NULL AND merged_into IS NULL \
                     AND EXISTS (SELECT 1 FROM activities k WHERE k.user_id = $1 AND k.id = $3 \
                                 AND k.deleted_at IS NULL AND k.merged_into IS NULL)",
                )
                .bind(user.as_str())
                .bind(other.as_str())
                .bind(keep.as_str())
                .bind($crate::time::to_micros(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if merged == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::NotFound);
                }
                // The kept copy takes the other's track if it has none.
                sqlx::query(
                    "UPDATE activity_streams SET activity_id = $1 WHERE activity_id = $2 \
                     AND NOT EXISTS (SELECT 1 FROM activity_streams k WHERE k.activity_id = $1)",
                )
                .bind(keep.as_str())
                .bind(other.as_str())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE activities SET stream_points = (SELECT stream_points FROM activities o WHERE o.id = $2) \
                     WHERE id = $1 AND stream_points = 0 \
                     AND EXISTS (SELECT 1 FROM activity_streams s WHERE s.activity_id = $1)",
                )
                .bind(keep.as_str())
                .bind(other.as_str())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn mark_distinct(
                &self,
                user: &wearhouse_model::UserId,
                a: &wearhouse_model::ActivityId,
                b: &wearhouse_model::ActivityId,
            ) -> Result<(), $crate::StoreError> {
                let (first, second) = if a.as_str() <= b.as_str() { (a, b) } else { (b, a) };
                sqlx::query(
                    "INSERT INTO activity_distinct (user_id, first, second) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(user.as_str())
                .bind(first.as_str())
                .bind(second.as_str())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn distinct_pairs(
                &self,
                user: &wearhouse_model::UserId,
            ) -> Result<Vec<(String, String)>, $crate::StoreError> {
                Ok(sqlx::query_as("SELECT first, second FROM activity_distinct WHERE user_id = $1")
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn streams(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::ActivityId,
            ) -> Result<Option<wearhouse_model::Streams>, $crate::StoreError> {
                self.activity(user, id, false).await?;
                let blob: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT data FROM activity_streams WHERE activity_id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                blob.map(|b| $crate::stream_codec::decode(&b)).transpose()
            }

            async fn routes(
                &self,
                user: &wearhouse_model::UserId,
                query: &$crate::RouteQuery,
            ) -> Result<Vec<$crate::StoredRoute>, $crate::StoreError> {
                // Streams stored before routes were kept come with their data, to compute it from.
                let mut sql = sqlx::QueryBuilder::<$db>::new(
                    "SELECT a.id, a.activity_type, a.start_s, s.route, \
                     CASE WHEN s.route IS NULL THEN s.data END \
                     FROM activities a JOIN activity_streams s ON s.activity_id = a.id \
                     WHERE a.deleted_at IS NULL AND a.merged_into IS NULL AND a.user_id = ",
                );
                sql.push_bind(user.as_str());
                if !query.types.is_empty() {
                    sql.push(" AND a.activity_type IN (");
                    let mut list = sql.separated(", ");
                    for t in &query.types {
                        list.push_bind(t.as_str());
                    }
                    sql.push(")");
                }
                if let Some(from) = query.from {
                    sql.push(" AND a.start_s >= ").push_bind(from);
                }
                if let Some(to) = query.to {
                    sql.push(" AND a.start_s < ").push_bind(to);
                }
                sql.push(" ORDER BY a.start_s DESC, a.id DESC LIMIT ")
                    .push_bind(i64::from(query.limit));
                let rows: Vec<(String, String, i64, Option<String>, Option<Vec<u8>>)> =
                    sql.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(id, activity_type, start, route, data)| {
                        let polyline = match (route, data) {
                            (Some(route), _) => route,
                            (None, Some(data)) => {
                                $crate::route::stored_route(&$crate::stream_codec::decode(&data)?)
                            }
                            (None, None) => String::new(),
                        };
                        Ok($crate::StoredRoute {
                            id: wearhouse_model::ActivityId::parse(&id)
                                .map_err(|e| $crate::StoreError::Corrupt(format!("activity id {id}: {e}")))?,
                            activity_type: activity_type.parse().map_err(|e| {
                                $crate::StoreError::Corrupt(format!("activity type {activity_type}: {e}"))
                            })?,
                            start,
                            polyline,
                        })
                    })
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::IdempotencyStore for $store {
            async fn claim_key(
                &self,
                user: &wearhouse_model::UserId,
                key: &str,
                fingerprint: &str,
                now: jiff::Timestamp,
            ) -> Result<$crate::KeyClaim, $crate::StoreError> {
                let claimed = sqlx::query(
                    "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(user.as_str())
                .bind(key)
                .bind(fingerprint)
                .bind($crate::time::to_micros(now))
                .execute(&self.pool)
                .await?
                .rows_affected();
                if claimed == 1 {
                    return Ok($crate::KeyClaim::Claimed);
                }
                let row: Option<(String, Option<i32>, Option<String>, Option<Vec<u8>>)> = sqlx::query_as(
                    "SELECT fingerprint, status, content_type, body FROM idempotency_keys \
                     WHERE user_id = $1 AND key = $2",
                )
                .bind(user.as_str())
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(match row {
                    // Released between our insert and read: the caller may simply retry.
                    None => $crate::KeyClaim::InProgress,
                    Some((stored, _, _, _)) if stored != fingerprint => $crate::KeyClaim::Mismatch,
                    Some((_, Some(status), content_type, body)) => {
                        $crate::KeyClaim::Completed($crate::StoredResponse {
                            status: u16::try_from(status).unwrap_or(500),
                            content_type,
                            body: body.unwrap_or_default(),
                        })
                    }
                    Some(_) => $crate::KeyClaim::InProgress,
                })
            }

            async fn complete(
                &self,
                user: &wearhouse_model::UserId,
                key: &str,
                response: &$crate::StoredResponse,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5 \
                     WHERE user_id = $1 AND key = $2",
                )
                .bind(user.as_str())
                .bind(key)
                .bind(i32::from(response.status))
                .bind(response.content_type.as_deref())
                .bind(&response.body)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn release(&self, user: &wearhouse_model::UserId, key: &str) -> Result<(), $crate::StoreError> {
                sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL")
                    .bind(user.as_str())
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn expire_keys(&self, before: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                    .bind($crate::time::to_micros(before))
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}
