//! `SettingsStore` in SQL common to both backends.

macro_rules! impl_settings_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::SettingsStore for $store {
            async fn get_or_init(&self, key: &str, candidate: &str) -> Result<String, $crate::StoreError> {
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(candidate)
                    .execute(&self.pool)
                    .await?;
                let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(value)
            }

            async fn get(&self, key: &str) -> Result<Option<String>, $crate::StoreError> {
                Ok(
                    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            async fn set(&self, key: &str, value: &str) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn ping(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }
        }
    };
}
