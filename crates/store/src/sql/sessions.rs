//! `SessionStore` in SQL common to both backends.

macro_rules! impl_session_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::SessionStore for $store {
            async fn insert_refresh_token(&self, token: $crate::NewRefreshToken) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&token.token_hash)
                .bind(&token.family_id)
                .bind(token.user_id.as_str())
                .bind($crate::time::to_micros(token.created_at))
                .bind($crate::time::to_micros(token.expires_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn rotate_refresh_token(
                &self,
                old_hash: &str,
                new: $crate::NewRefreshToken,
                now: jiff::Timestamp,
            ) -> Result<$crate::RotateOutcome, $crate::StoreError> {
                let now_us = $crate::time::to_micros(now);
                let mut tx = self.pool.begin().await?;
                // Spending the old token is the first write, so the transaction holds the write lock from
                // its first statement and concurrent rotations of one token serialise on this row.
                let spent: Option<(String, String)> = sqlx::query_as(
                    "UPDATE refresh_tokens SET used_at = $2 \
                     WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
                     RETURNING family_id, user_id",
                )
                .bind(old_hash)
                .bind(now_us)
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
                    // Roll back now rather than on drop: a dropped transaction only queues its ROLLBACK,
                    // leaving the connection idle in transaction (holding locks) until it is reused.
                    tx.rollback().await?;
                    return Ok($crate::RotateOutcome::Invalid);
                };
                if row.used_at.is_some() && row.revoked_at.is_none() && row.expires_at > now_us {
                    sqlx::query(
                        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
                    )
                    .bind(&row.family_id)
                    .bind(now_us)
                    .execute(&mut *tx)
                    .await?;
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
            ) -> Result<Option<wearhouse_model::UserId>, $crate::StoreError> {
                let owner: Option<(String, String)> =
                    sqlx::query_as("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some((family_id, user_id)) = owner else {
                    return Ok(None);
                };
                sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
                    .bind(&family_id)
                    .bind($crate::time::to_micros(now))
                    .execute(&self.pool)
                    .await?;
                wearhouse_model::UserId::parse(&user_id)
                    .map(Some)
                    .map_err(|e| $crate::StoreError::Corrupt(format!("refresh_tokens.user_id: {e}")))
            }

            async fn revoke_all_for_user(
                &self,
                user_id: &wearhouse_model::UserId,
                now: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
                    .bind(user_id.as_str())
                    .bind($crate::time::to_micros(now))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn purge_expired(&self, before: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
                    .bind($crate::time::to_micros(before))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}
