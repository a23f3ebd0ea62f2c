//! `SessionStore` in SQL common to both backends.
//!
//! Locking order: every transaction that rotates a token or ends a session writes the `sessions` row
//! first. On PostgreSQL that row lock serialises a rotation with the end of its session (a logout-all
//! that waited for a rotation sees the token it inserted in its next statement); on SQLite the first
//! write takes the database's write lock.

macro_rules! impl_session_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Revokes the family's tokens (inside the caller's transaction, after it ended the session).
            async fn revoke_family_tokens(
                tx: &mut sqlx::Transaction<'_, $db>,
                family_id: &str,
                now_us: i64,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
                    .bind(family_id)
                    .bind(now_us)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::SessionStore for $store {
            async fn start_session(
                &self,
                token: $crate::NewRefreshToken,
                client: $crate::SessionClient,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, created_at, last_used_at, client, address) \
                     VALUES ($1, $2, $3, $3, $4, $5)",
                )
                .bind(&token.family_id)
                .bind(token.user_id.as_str())
                .bind($crate::time::to_micros(token.created_at))
                .bind(client.client.as_deref())
                .bind(client.address.as_deref())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&token.token_hash)
                .bind(&token.family_id)
                .bind(token.user_id.as_str())
                .bind($crate::time::to_micros(token.created_at))
                .bind($crate::time::to_micros(token.expires_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn insert_refresh_token(&self, token: $crate::NewRefreshToken) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&token.family_id)
                .bind(token.user_id.as_str())
                .bind($crate::time::to_micros(token.created_at))
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&token.token_hash)
                .bind(&token.family_id)
                .bind(token.user_id.as_str())
                .bind($crate::time::to_micros(token.created_at))
                .bind($crate::time::to_micros(token.expires_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rotate_refresh_token(
                &self,
                old_hash: &str,
                new: $crate::NewRefreshToken,
                now: jiff::Timestamp,
                grace: jiff::SignedDuration,
            ) -> Result<$crate::RotateOutcome, $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let grace_from = $crate::time::to_micros(now.checked_sub(grace).unwrap_or(now));
                let mut tx = self.pool.begin().await?;
                // The session row first (see the module notes): a session that has ended rotates nothing.
                let live: Option<(String,)> = sqlx::query_as(
                    "UPDATE sessions SET last_used_at = $2 \
                     WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND ended_at IS NULL \
                     RETURNING id",
                )
                .bind(old_hash)
                .bind(now_us)
                .fetch_optional(&mut *tx)
                .await?;
                if live.is_none() {
                    // Roll back now rather than on drop: a dropped transaction only queues its ROLLBACK,
                    // leaving the connection idle in transaction (holding locks) until it is reused.
                    tx.rollback().await?;
                    return Ok($crate::RotateOutcome::Invalid);
                }
                // Spends a live token, or accepts one spent within the grace window (its first spend time
                // is kept, so the window does not slide).
                let spent: Option<(String, String)> = sqlx::query_as(
                    "UPDATE refresh_tokens SET used_at = COALESCE(used_at, $2) \
                     WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 \
                       AND (used_at IS NULL OR used_at >= $3) \
                     RETURNING family_id, user_id",
                )
                .bind(old_hash)
                .bind(now_us)
                .bind(grace_from)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((family_id, user_id)) = spent {
                    sqlx::query(
                        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&new.token_hash)
                    .bind(&family_id)
                    .bind(&user_id)
                    .bind($crate::time::to_micros(new.created_at))
                    .bind($crate::time::to_micros(new.expires_at))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    let user_id = wearhouse_model::UserId::parse(&user_id)
                        .map_err(|e| $crate::StoreError::Corrupt(format!("refresh_tokens.user_id: {e}")))?;
                    return Ok($crate::RotateOutcome::Rotated { user_id, family_id });
                }
                let row: Option<$crate::rows::TokenRow> = sqlx::query_as(
                    "SELECT family_id, user_id, used_at, revoked_at, expires_at \
                     FROM refresh_tokens WHERE token_hash = $1",
                )
                .bind(old_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.rollback().await?;
                    return Ok($crate::RotateOutcome::Invalid);
                };
                if row.used_at.is_some() && row.revoked_at.is_none() && row.expires_at > now_us {
                    sqlx::query("UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL")
                        .bind(&row.family_id)
                        .bind(now_us)
                        .execute(&mut *tx)
                        .await?;
                    Self::revoke_family_tokens(&mut tx, &row.family_id, now_us).await?;
                    tx.commit().await?;
                    return Ok($crate::RotateOutcome::Reused { user_id: row.user()?, family_id: row.family_id });
                }
                tx.rollback().await?;
                Ok($crate::RotateOutcome::Invalid)
            }

            async fn revoke_family_of(
                &self,
                token_hash: &str,
                now: jiff::Timestamp,
            ) -> Result<Option<(wearhouse_model::UserId, String)>, $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE sessions SET ended_at = $2 \
                     WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND ended_at IS NULL",
                )
                .bind(token_hash)
                .bind(now_us)
                .execute(&mut *tx)
                .await?;
                let owner: Option<(String, String)> =
                    sqlx::query_as("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((family_id, user_id)) = owner else {
                    tx.rollback().await?;
                    return Ok(None);
                };
                Self::revoke_family_tokens(&mut tx, &family_id, now_us).await?;
                tx.commit().await?;
                let user_id = wearhouse_model::UserId::parse(&user_id)
                    .map_err(|e| $crate::StoreError::Corrupt(format!("refresh_tokens.user_id: {e}")))?;
                Ok(Some((user_id, family_id)))
            }

            async fn revoke_all_for_user(
                &self,
                user_id: &wearhouse_model::UserId,
                except: Option<&str>,
                now: jiff::Timestamp,
            ) -> Result<Vec<String>, $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                // Sessions first: a rotation in flight holds its session's row, so this waits for it and
                // the next statement then sees (and revokes) the token it inserted.
                let ended: Vec<(String,)> = sqlx::query_as(
                    "UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL AND id <> $3 \
                     RETURNING id",
                )
                .bind(user_id.as_str())
                .bind(now_us)
                .bind(except.unwrap_or(""))
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE refresh_tokens SET revoked_at = $2 \
                     WHERE user_id = $1 AND revoked_at IS NULL AND family_id <> $3",
                )
                .bind(user_id.as_str())
                .bind(now_us)
                .bind(except.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(ended.into_iter().map(|(id,)| id).collect())
            }

            async fn end_session(
                &self,
                user_id: &wearhouse_model::UserId,
                session_id: &str,
                now: jiff::Timestamp,
            ) -> Result<bool, $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE sessions SET ended_at = $3 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
                )
                .bind(session_id)
                .bind(user_id.as_str())
                .bind(now_us)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                Self::revoke_family_tokens(&mut tx, session_id, now_us).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn session(&self, session_id: &str) -> Result<Option<$crate::SessionRecord>, $crate::StoreError> {
                let sql = format!("SELECT {} FROM sessions WHERE id = $1", $crate::rows::SESSION_COLUMNS);
                let row: Option<$crate::rows::SessionRow> =
                    sqlx::query_as(&sql).bind(session_id).fetch_optional(&self.pool).await?;
                row.map($crate::SessionRecord::try_from).transpose()
            }

            async fn live_sessions(
                &self,
                user_id: &wearhouse_model::UserId,
                now: jiff::Timestamp,
            ) -> Result<Vec<$crate::SessionRecord>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM sessions s WHERE user_id = $1 AND ended_at IS NULL \
                     AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = s.id \
                                 AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > $2) \
                     ORDER BY last_used_at DESC, id",
                    $crate::rows::SESSION_COLUMNS
                );
                let rows: Vec<$crate::rows::SessionRow> = sqlx::query_as(&sql)
                    .bind(user_id.as_str())
                    .bind($crate::time::to_micros(now))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::SessionRecord::try_from).collect()
            }

            async fn purge_expired(&self, before: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
                    .bind($crate::time::to_micros(before))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "DELETE FROM sessions WHERE NOT EXISTS \
                     (SELECT 1 FROM refresh_tokens t WHERE t.family_id = sessions.id)",
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }
        }
    };
}
