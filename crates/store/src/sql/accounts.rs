//! `AccountStore` in SQL common to both backends.

macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Serialises changes that could remove the last active admin: every such transaction first
            /// writes one guard row (a row lock on PostgreSQL, the write lock on SQLite), then counts.
            /// Returns the number of active admins before the change.
            async fn lock_admins(tx: &mut sqlx::Transaction<'_, $db>) -> Result<i64, $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ('lock.active_admins', '') \
                     ON CONFLICT (key) DO UPDATE SET value = ''",
                )
                .execute(&mut **tx)
                .await?;
                Self::active_admins(tx).await
            }

            async fn active_admins(tx: &mut sqlx::Transaction<'_, $db>) -> Result<i64, $crate::StoreError> {
                // Roles are stored as a sorted CSV, so 'admin' is matched as a whole item.
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE active AND (',' || roles || ',') LIKE '%,admin,%'",
                )
                .fetch_one(&mut **tx)
                .await?;
                Ok(n)
            }

            async fn fetch_user(
                &self,
                filter: &str,
                value: &str,
            ) -> Result<Option<$crate::UserRecord>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM users WHERE {filter}",
                    $crate::rows::USER_COLUMNS
                );
                let row: Option<$crate::rows::UserRow> = sqlx::query_as(&sql)
                    .bind(value)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map($crate::UserRecord::try_from).transpose()
            }

            async fn existing_user(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<$crate::UserRecord, $crate::StoreError> {
                self.fetch_user("id = $1", id.as_str())
                    .await?
                    .ok_or($crate::StoreError::NotFound)
            }

            /// Derives the user's floating samples in the chunks of UTC days `days` again under
            /// `history`, inside `tx` (which holds the user's sources), and writes the chunks that
            /// changed. Only chunks that hold floating samples are read (by their first byte), so a
            /// user with none pays one index scan.
            async fn rederive_floating_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: &wearhouse_model::UserId,
                history: &wearhouse_analytics::ZoneHistory,
                (first_day, last_day): (i64, i64),
            ) -> Result<$crate::floating::Rederived, $crate::StoreError> {
                let rows: Vec<(i64, i16, i64, Vec<u8>)> = sqlx::query_as(&format!(
                    "SELECT c.source_id, c.metric, c.day, c.body FROM sample_chunks c \
                     JOIN sources s ON s.id = c.source_id \
                     WHERE s.user_id = $1 AND c.day BETWEEN $2 AND $3 AND {}",
                    Self::FLOATING_CHUNK
                ))
                .bind(user.as_str())
                .bind(first_day)
                .bind(last_day)
                .fetch_all(&mut **tx)
                .await?;
                let mut chunks = std::collections::BTreeMap::new();
                for (source_id, metric, day, body) in rows {
                    let key = $crate::sample_chunk::ChunkKey { source_id, metric, day };
                    chunks.insert(key, $crate::sample_chunk::decode(day, &body)?);
                }
                let mut work = $crate::floating::Rederivation::new(chunks, history);
                for key in work.missing_chunks() {
                    let body: Option<Vec<u8>> = sqlx::query_scalar(
                        "SELECT body FROM sample_chunks WHERE source_id = $1 AND metric = $2 AND day = $3",
                    )
                    .bind(key.source_id)
                    .bind(key.metric)
                    .bind(key.day)
                    .fetch_optional(&mut **tx)
                    .await?;
                    let samples = match body {
                        Some(body) => $crate::sample_chunk::decode(key.day, &body)?,
                        None => Vec::new(),
                    };
                    work.add_chunk(key, samples);
                }
                let done = work.finish();
                for (key, chunk) in &done.writes {
                    match chunk {
                        Some(chunk) => {
                            sqlx::query(
                                "INSERT INTO sample_chunks (source_id, metric, day, samples, max_batch, body) \
                                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source_id, metric, day) DO UPDATE SET \
                                 samples = excluded.samples, max_batch = excluded.max_batch, body = excluded.body",
                            )
                            .bind(key.source_id)
                            .bind(key.metric)
                            .bind(key.day)
                            .bind(chunk.count)
                            .bind(chunk.max_batch)
                            .bind(&chunk.body)
                            .execute(&mut **tx)
                            .await?;
                        }
                        None => {
                            sqlx::query(
                                "DELETE FROM sample_chunks WHERE source_id = $1 AND metric = $2 AND day = $3",
                            )
                            .bind(key.source_id)
                            .bind(key.metric)
                            .bind(key.day)
                            .execute(&mut **tx)
                            .await?;
                        }
                    }
                }
                if done.moved + done.dropped > 0 {
                    tracing::info!(user = %user, moved = done.moved, duplicates = done.dropped, "floating samples derived again under the new time zones");
                }
                Ok(done)
            }

            /// Takes the locks sample writers take first: the user's sources, in id order, on
            /// PostgreSQL. On SQLite, the database's write lock, taken by a write that changes
            /// nothing: a transaction that read first and wrote later would fail outright (not wait)
            /// when another writer committed in between.
            async fn lock_sources(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: &wearhouse_model::UserId,
            ) -> Result<(), $crate::StoreError> {
                if Self::LOCK_FOR_WRITE.is_empty() {
                    sqlx::query("UPDATE sources SET id = id WHERE user_id = $1")
                        .bind(user.as_str())
                        .execute(&mut **tx)
                        .await?;
                } else {
                    sqlx::query(&format!(
                        "SELECT id FROM sources WHERE user_id = $1 ORDER BY id{}",
                        Self::LOCK_FOR_WRITE
                    ))
                    .bind(user.as_str())
                    .fetch_all(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Whether the stored periods are `expected`.
            async fn zone_history_is(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: &wearhouse_model::UserId,
                expected: &[(jiff::Timestamp, wearhouse_model::TimeZoneName)],
            ) -> Result<bool, $crate::StoreError> {
                let stored: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT valid_from, zone FROM user_time_zones WHERE user_id = $1 ORDER BY valid_from",
                )
                .bind(user.as_str())
                .fetch_all(&mut **tx)
                .await?;
                Ok(stored.len() == expected.len()
                    && stored
                        .iter()
                        .zip(expected)
                        .all(|((from, zone), (want_from, want_zone))| {
                            *from == $crate::time::to_micros(*want_from) && zone == want_zone.as_str()
                        }))
            }
        }

        #[async_trait::async_trait]
        impl $crate::AccountStore for $store {
            async fn create_user(
                &self,
                user: $crate::NewUser,
            ) -> Result<$crate::UserRecord, $crate::StoreError> {
                let at = $crate::time::to_micros(user.created_at);
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO users (id, username, username_key, email, password_hash, roles, time_zone, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(user.id.as_str())
                .bind(user.username.as_str())
                .bind(user.username.key())
                .bind(user.email.as_str())
                .bind(&user.password_hash)
                .bind(user.roles.to_csv())
                .bind(
                    user.time_zone
                        .as_ref()
                        .unwrap_or(&wearhouse_model::TimeZoneName::utc())
                        .as_str(),
                )
                .bind(at)
                .execute(&mut *tx)
                .await?;
                if let Some(zone) = &user.time_zone {
                    // The first period covers all time: the user's whole past is in their zone.
                    sqlx::query(
                        "INSERT INTO user_time_zones (user_id, valid_from, zone) VALUES ($1, $2, $3)",
                    )
                    .bind(user.id.as_str())
                    .bind($crate::time::to_micros(jiff::Timestamp::MIN))
                    .bind(zone.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                self.existing_user(&user.id).await
            }

            async fn zone_history(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<Vec<(jiff::Timestamp, wearhouse_model::TimeZoneName)>, $crate::StoreError> {
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT valid_from, zone FROM user_time_zones WHERE user_id = $1 ORDER BY valid_from",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(from, zone)| {
                        let zone = wearhouse_model::TimeZoneName::parse(&zone)
                            .map_err(|e| $crate::StoreError::Corrupt(format!("user_time_zones.zone: {e}")))?;
                        Ok(($crate::time::from_micros(from)?, zone))
                    })
                    .collect()
            }

            async fn replace_zone_history(
                &self,
                id: &wearhouse_model::UserId,
                expected: &[(jiff::Timestamp, wearhouse_model::TimeZoneName)],
                periods: &[(jiff::Timestamp, wearhouse_model::TimeZoneName)],
                changed_days: &[(i64, i64)],
                now: jiff::Timestamp,
            ) -> Result<($crate::UserRecord, u64), $crate::StoreError> {
                let utc = wearhouse_model::TimeZoneName::utc();
                let current = periods.last().map_or(&utc, |(_, zone)| zone);
                let mut tx = self.pool.begin().await?;
                // PostgreSQL: writers of the user's samples lock their sources first, then mark days
                // in ascending order, then advance the data version and write events. Taking the same
                // locks in the same order keeps a change racing an ingest from deadlocking.
                Self::lock_sources(&mut tx, id).await?;
                // Floating samples in the changed days (and the two on either side, which a move of
                // up to 26 hours can reach) move to where the new history puts their wall-clock times.
                let new_history = wearhouse_analytics::ZoneHistory::from_names(periods);
                let mut changed_days = changed_days.to_vec();
                for (first, last) in changed_days.clone() {
                    let done = Self::rederive_floating_in(
                        &mut tx,
                        id,
                        &new_history,
                        (first.saturating_sub(2), last.saturating_add(2)),
                    )
                    .await?;
                    changed_days.extend(done.days.iter().map(|day| (*day, *day)));
                }
                // One statement per run of days: the moved samples' days mostly lie in the changed
                // ranges, and a statement per day made a change of five years' history take seconds.
                changed_days.sort_unstable();
                changed_days = $crate::floating::coalesce(changed_days);
                // The marks come before the profile's update (which writes an event), in the order
                // sample writers take the same locks. Marks of a change refused below go with its
                // rollback.
                let mut marked = 0;
                for (first, last) in &changed_days {
                    // Chunks from two days before the range: their samples can reach into it.
                    let done = sqlx::query(&$crate::sql::mark_chunk_days(
                        "s.user_id = $1 AND c.day BETWEEN $2 AND $3",
                    ))
                    .bind(id.as_str())
                    .bind(first.saturating_sub(2))
                    .bind(*last)
                    .execute(&mut *tx)
                    .await?;
                    marked += done.rows_affected();
                }
                // On SQLite the marks or this update took the write lock, so the check below reads
                // under it; on PostgreSQL it reads under the user's row lock. Two changes cannot both
                // pass it.
                let done = sqlx::query("UPDATE users SET time_zone = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.as_str())
                    .bind(current.as_str())
                    .bind($crate::time::to_micros(now))
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::NotFound);
                }
                let unchanged = Self::zone_history_is(&mut tx, id, expected).await?;
                if !unchanged {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict {
                        what: "zone_history",
                    });
                }
                // Then the periods (they advance the data version too, already held).
                sqlx::query("DELETE FROM user_time_zones WHERE user_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
                for (from, zone) in periods {
                    sqlx::query(
                        "INSERT INTO user_time_zones (user_id, valid_from, zone) VALUES ($1, $2, $3)",
                    )
                    .bind(id.as_str())
                    .bind($crate::time::to_micros(*from))
                    .bind(zone.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok((self.existing_user(id).await?, marked))
            }

            async fn rederive_floating(
                &self,
                id: &wearhouse_model::UserId,
                expected: &[(jiff::Timestamp, wearhouse_model::TimeZoneName)],
            ) -> Result<u64, $crate::StoreError> {
                let history = wearhouse_analytics::ZoneHistory::from_names(expected);
                let mut tx = self.pool.begin().await?;
                // A change takes the sources first too: on PostgreSQL none can commit from here on.
                Self::lock_sources(&mut tx, id).await?;
                let done = Self::rederive_floating_in(&mut tx, id, &history, (i64::MIN, i64::MAX)).await?;
                // On SQLite the check reads under the write lock `lock_sources` took.
                if !Self::zone_history_is(&mut tx, id, expected).await? {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict { what: "zone_history" });
                }
                tx.commit().await?;
                Ok(done.moved)
            }

            async fn user_by_id(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<Option<$crate::UserRecord>, $crate::StoreError> {
                self.fetch_user("id = $1", id.as_str()).await
            }

            async fn user_by_login(
                &self,
                login: &str,
            ) -> Result<Option<$crate::UserRecord>, $crate::StoreError> {
                let login = login.trim().to_lowercase();
                self.fetch_user("username_key = $1 OR email = $1", &login)
                    .await
            }

            async fn update_profile(
                &self,
                id: &wearhouse_model::UserId,
                update: $crate::ProfileUpdate,
                now: jiff::Timestamp,
            ) -> Result<$crate::UserRecord, $crate::StoreError> {
                // One statement with a "change this column?" flag per field keeps the update atomic
                // without a read-modify-write transaction.
                let p = update;
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE users SET \
                     display_name = CASE WHEN $2 THEN $3 ELSE display_name END, \
                     bio = CASE WHEN $4 THEN $5 ELSE bio END, \
                     unit_system = COALESCE($6, unit_system), \
                     birth_year = CASE WHEN $7 THEN $8 ELSE birth_year END, \
                     sex = CASE WHEN $9 THEN $10 ELSE sex END, \
                     height_cm = CASE WHEN $11 THEN $12 ELSE height_cm END, \
                     updated_at = $13, \
                     first_weekday = COALESCE($14, first_weekday) \
                     WHERE id = $1",
                )
                .bind(id.as_str())
                .bind(p.display_name.is_some())
                .bind(p.display_name.flatten().map(|v| v.as_str().to_owned()))
                .bind(p.bio.is_some())
                .bind(p.bio.flatten().map(|v| v.as_str().to_owned()))
                .bind(p.unit_system.map(|v| v.as_str()))
                .bind(p.birth_year.is_some())
                .bind(p.birth_year.flatten().map(|v| i64::from(v.get())))
                .bind(p.sex.is_some())
                .bind(p.sex.flatten().map(|v| v.as_str()))
                .bind(p.height_cm.is_some())
                .bind(p.height_cm.flatten().map(|v| v.get()))
                .bind($crate::time::to_micros(now))
                .bind(p.first_weekday.map(|v| v.as_str()))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::NotFound);
                }
                tx.commit().await?;
                self.existing_user(id).await
            }

            async fn admin_update(
                &self,
                id: &wearhouse_model::UserId,
                update: $crate::AdminUserUpdate,
                now: jiff::Timestamp,
            ) -> Result<$crate::UserRecord, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let admins_before = Self::lock_admins(&mut tx).await?;
                let done = sqlx::query(
                    "UPDATE users SET roles = COALESCE($2, roles), active = COALESCE($3, active), \
                     updated_at = $4 WHERE id = $1",
                )
                .bind(id.as_str())
                .bind(update.roles.map(|r| r.to_csv()))
                .bind(update.active)
                .bind($crate::time::to_micros(now))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::NotFound);
                }
                if admins_before > 0 && Self::active_admins(&mut tx).await? == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict { what: "last_admin" });
                }
                tx.commit().await?;
                self.existing_user(id).await
            }

            async fn count_active_admins(&self) -> Result<i64, $crate::StoreError> {
                // Roles are stored as a sorted CSV, so 'admin' is matched as a whole item.
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE active AND (',' || roles || ',') LIKE '%,admin,%'",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(n)
            }

            async fn list_users(
                &self,
                after: Option<&wearhouse_model::UserId>,
                limit: u32,
            ) -> Result<Vec<$crate::UserRecord>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM users WHERE id > $1 ORDER BY id LIMIT $2",
                    $crate::rows::USER_COLUMNS
                );
                let rows: Vec<$crate::rows::UserRow> = sqlx::query_as(&sql)
                    .bind(after.map(|a| a.as_str()).unwrap_or(""))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::UserRecord::try_from).collect()
            }

            async fn delete_user(&self, id: &wearhouse_model::UserId) -> Result<bool, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let admins_before = Self::lock_admins(&mut tx).await?;
                let done = sqlx::query("DELETE FROM users WHERE id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
                if admins_before > 0 && Self::active_admins(&mut tx).await? == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict { what: "last_admin" });
                }
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            async fn set_password_hash(
                &self,
                id: &wearhouse_model::UserId,
                hash: &str,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let done = sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.as_str())
                    .bind(hash)
                    .bind($crate::time::to_micros(now))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                Ok(())
            }

            async fn bump_token_epoch(
                &self,
                id: &wearhouse_model::UserId,
                now: jiff::Timestamp,
            ) -> Result<i64, $crate::StoreError> {
                let epoch: Option<i64> = sqlx::query_scalar(
                    "UPDATE users SET token_epoch = token_epoch + 1, updated_at = $2 WHERE id = $1 \
                     RETURNING token_epoch",
                )
                .bind(id.as_str())
                .bind($crate::time::to_micros(now))
                .fetch_optional(&self.pool)
                .await?;
                epoch.ok_or($crate::StoreError::NotFound)
            }

            async fn set_pending_totp(
                &self,
                id: &wearhouse_model::UserId,
                secret: &str,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let done = sqlx::query(
                    "UPDATE users SET totp_secret = $2, totp_enabled = FALSE, updated_at = $3 \
                     WHERE id = $1 AND NOT totp_enabled",
                )
                .bind(id.as_str())
                .bind(secret)
                .bind($crate::time::to_micros(now))
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::Conflict { what: "totp" });
                }
                Ok(())
            }

            async fn enable_totp(
                &self,
                id: &wearhouse_model::UserId,
                recovery_code_hashes: &[String],
                accepted_step: i64,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE users SET totp_enabled = TRUE, totp_last_step = $2, updated_at = $3 \
                     WHERE id = $1 AND totp_secret IS NOT NULL AND NOT totp_enabled",
                )
                .bind(id.as_str())
                .bind(accepted_step)
                .bind(now_us)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict { what: "totp" });
                }
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_code_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(id.as_str())
                        .bind(hash)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn disable_totp(
                &self,
                id: &wearhouse_model::UserId,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE users SET totp_secret = NULL, totp_enabled = FALSE, totp_last_step = NULL, \
                     updated_at = $2 WHERE id = $1",
                )
                .bind(id.as_str())
                .bind($crate::time::to_micros(now))
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn accept_totp_step(
                &self,
                id: &wearhouse_model::UserId,
                step: i64,
            ) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query(
                    "UPDATE users SET totp_last_step = $2 \
                     WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
                )
                .bind(id.as_str())
                .bind(step)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn consume_recovery_code(
                &self,
                id: &wearhouse_model::UserId,
                code_hash: &str,
                now: jiff::Timestamp,
            ) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $3 \
                     WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
                )
                .bind(id.as_str())
                .bind(code_hash)
                .bind($crate::time::to_micros(now))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn remaining_recovery_codes(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<i64, $crate::StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(id.as_str())
                .fetch_one(&self.pool)
                .await?;
                Ok(n)
            }

            async fn put_avatar(
                &self,
                id: &wearhouse_model::UserId,
                avatar: $crate::Avatar,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO avatars (user_id, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id) DO UPDATE SET content_type = excluded.content_type, \
                     bytes = excluded.bytes, updated_at = excluded.updated_at",
                )
                .bind(id.as_str())
                .bind(&avatar.content_type)
                .bind(&avatar.bytes)
                .bind($crate::time::to_micros(avatar.updated_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn avatar(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<Option<$crate::Avatar>, $crate::StoreError> {
                let row: Option<$crate::rows::AvatarRow> =
                    sqlx::query_as("SELECT content_type, bytes, updated_at FROM avatars WHERE user_id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::Avatar::try_from).transpose()
            }

            async fn delete_avatar(&self, id: &wearhouse_model::UserId) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query("DELETE FROM avatars WHERE user_id = $1")
                    .bind(id.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn preferences(
                &self,
                id: &wearhouse_model::UserId,
            ) -> Result<Option<(String, jiff::Timestamp)>, $crate::StoreError> {
                let row: Option<(String, i64)> =
                    sqlx::query_as("SELECT document, updated_at FROM preferences WHERE user_id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(document, at)| Ok((document, $crate::time::from_micros(at)?)))
                    .transpose()
            }

            async fn put_preferences(
                &self,
                id: &wearhouse_model::UserId,
                document: &str,
                updated_at: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO preferences (user_id, document, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id) DO UPDATE SET document = excluded.document, \
                     updated_at = excluded.updated_at",
                )
                .bind(id.as_str())
                .bind(document)
                .bind($crate::time::to_micros(updated_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}
