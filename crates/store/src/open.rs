//! Opening a store from a URL: picks the backend, tunes the connection, applies migrations.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::sql::legacy::LegacySamples;
use crate::sql::{NativeSqlite, PgStore, SqliteStore};
use crate::{
    AccountStore, ActivityStore, IdempotencyStore, RollupStore, SampleStore, SessionStore, SettingsStore,
    StoreError,
};
use crate::{EventStore, ImportStore, JobStore, PlannedRouteStore, RawStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `sqlite:` or `postgres:`/`postgresql:`.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Open(format!(
                "unsupported database URL '{}': use sqlite://PATH or postgres://…",
                url.split('@').next_back().unwrap_or_default()
            )))
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    /// How long a query waits for a connection (and SQLite for a lock) before failing.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// One opened database, seen through its per-aggregate interfaces.
#[derive(Clone)]
pub struct Store {
    pub backend: Backend,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub samples: Arc<dyn SampleStore>,
    pub activities: Arc<dyn ActivityStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub imports: Arc<dyn ImportStore>,
    pub raw: Arc<dyn RawStore>,
    pub routes: Arc<dyn PlannedRouteStore>,
    pub rollups: Arc<dyn RollupStore>,
    pub settings: Arc<dyn SettingsStore>,
    pub jobs: Arc<dyn JobStore>,
    pub events: Arc<dyn EventStore>,
    legacy: Arc<dyn LegacySamples>,
    pub(crate) pool: Pool,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// Opens (creating a SQLite file if needed) the database at `url`. Does not migrate: call
/// [`Store::migrate`].
pub async fn open(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
    match Backend::of_url(url)? {
        Backend::Sqlite => {
            let connect = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Open(e.to_string()))?
                .create_if_missing(true)
                // WAL lets readers proceed while one writer commits; NORMAL sync is durable across
                // process crashes in WAL mode and loses at most the last commits on power loss.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(options.acquire_timeout)
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-32768");
            // The bulk paths open their own connections to the same file (see `sql::native`), so the
            // database must be a file: an in-memory one would be a different database per connection.
            let file = connect.get_filename().to_owned();
            if url.contains(":memory:") || url.contains("mode=memory") || file.as_os_str().is_empty() {
                return Err(StoreError::Open(
                    "an in-memory SQLite database is not supported: use sqlite://PATH".into(),
                ));
            }
            let busy_timeout = options.acquire_timeout;
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        let mut handle = conn.lock_handle().await?;
                        crate::sqlite_wait::install_pooled(&mut handle, busy_timeout)
                            .map_err(|e| sqlx::Error::Configuration(e.into()))
                    })
                })
                .connect_with(connect)
                .await
                .map_err(|e| StoreError::Open(e.to_string()))?;
            Ok(assemble(
                Backend::Sqlite,
                SqliteStore {
                    pool: pool.clone(),
                    native: NativeSqlite::new(file, options.acquire_timeout),
                },
                Pool::Sqlite(pool),
            ))
        }
        Backend::Postgres => {
            let connect = PgConnectOptions::from_str(url).map_err(|e| StoreError::Open(e.to_string()))?;
            // Setup holds one connection (its lock) while migrating on another: two at least.
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(2))
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await
                .map_err(|e| StoreError::Open(e.to_string()))?;
            Ok(assemble(
                Backend::Postgres,
                PgStore { pool: pool.clone() },
                Pool::Postgres(pool),
            ))
        }
    }
}

/// One backend's store seen through every per-aggregate interface.
fn assemble<S>(backend: Backend, store: S, pool: Pool) -> Store
where
    S: AccountStore
        + SessionStore
        + SampleStore
        + ActivityStore
        + IdempotencyStore
        + ImportStore
        + RawStore
        + PlannedRouteStore
        + RollupStore
        + SettingsStore
        + JobStore
        + EventStore
        + LegacySamples
        + Clone
        + 'static,
{
    Store {
        backend,
        accounts: Arc::new(store.clone()),
        sessions: Arc::new(store.clone()),
        samples: Arc::new(store.clone()),
        activities: Arc::new(store.clone()),
        idempotency: Arc::new(store.clone()),
        imports: Arc::new(store.clone()),
        raw: Arc::new(store.clone()),
        routes: Arc::new(store.clone()),
        rollups: Arc::new(store.clone()),
        settings: Arc::new(store.clone()),
        jobs: Arc::new(store.clone()),
        events: Arc::new(store.clone()),
        legacy: Arc::new(store),
        pool,
    }
}

impl Store {
    /// Applies the backend's pending migrations, then moves samples stored in the former
    /// one-row-per-sample layout into day chunks. Safe to call on every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        };
        result.map_err(|e| StoreError::Open(format!("migration failed: {e}")))?;
        self.legacy.move_legacy_samples().await?;
        Ok(())
    }

    /// Serialises setup (migrations, data upgrades) across processes starting at once against one
    /// PostgreSQL: holds a session advisory lock on a connection of its own until released. SQLite
    /// needs none (one process owns the file; its write transactions serialise the rest).
    pub async fn lock_setup(&self) -> Result<SetupLock, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(SetupLock(None)),
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(SETUP_LOCK_KEY)
                    .execute(&mut *conn)
                    .await?;
                Ok(SetupLock(Some(conn)))
            }
        }
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// The advisory lock key of setup: "wearhouse" in ASCII, so it is recognisable in `pg_locks`.
const SETUP_LOCK_KEY: i64 = 0x0077_6561_7268_6f75;

/// Held while one process sets the database up; [`SetupLock::release`] lets the next one in. Dropped
/// without release, its connection is detached and closed, which ends the lock too.
pub struct SetupLock(Option<sqlx::pool::PoolConnection<sqlx::Postgres>>);

impl SetupLock {
    pub async fn release(mut self) {
        if let Some(mut conn) = self.0.take() {
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(SETUP_LOCK_KEY)
                .execute(&mut *conn)
                .await;
            if unlocked.is_err() {
                // Closing the session releases every lock it held.
                let _ = sqlx::Connection::close(conn.detach()).await;
            }
        }
    }
}

impl Drop for SetupLock {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            // Not released (an error or panic in between): never hand a locked session back to the pool.
            drop(conn.detach());
        }
    }
}

/// Space the health samples take on disk, for capacity planning and the storage benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUsage {
    /// Bytes of the sample tables and all their indexes.
    pub bytes: u64,
    pub rows: u64,
}

impl Store {
    /// Measures the stored samples: their day chunks and external ids. SQLite counts the pages of the
    /// tables and their indexes (`dbstat`); PostgreSQL reports `pg_total_relation_size` (tables, indexes
    /// and TOAST).
    pub async fn sample_storage(&self) -> Result<StorageUsage, StoreError> {
        let (bytes, rows): (i64, i64) = match &self.pool {
            Pool::Sqlite(pool) => (
                sqlx::query_scalar(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat \
                     WHERE name IN ('sample_chunks', 'sqlite_autoindex_sample_chunks_1', 'sample_external_ids')",
                )
                .fetch_one(pool)
                .await?,
                sqlx::query_scalar("SELECT COALESCE(SUM(samples), 0) FROM sample_chunks")
                    .fetch_one(pool)
                    .await?,
            ),
            Pool::Postgres(pool) => (
                sqlx::query_scalar(
                    "SELECT (pg_total_relation_size('sample_chunks') + pg_total_relation_size('sample_external_ids'))::BIGINT",
                )
                .fetch_one(pool)
                .await?,
                sqlx::query_scalar("SELECT COALESCE(SUM(samples), 0)::BIGINT FROM sample_chunks")
                    .fetch_one(pool)
                    .await?,
            ),
        };
        Ok(StorageUsage {
            bytes: bytes.max(0) as u64,
            rows: rows.max(0) as u64,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_in_memory_sqlite_database_is_refused_with_a_clear_error() {
        for url in ["sqlite::memory:", "sqlite://file.db?mode=memory"] {
            let err = open(url, &StoreOptions::default()).await.unwrap_err();
            assert!(
                matches!(&err, StoreError::Open(m) if m.contains("in-memory")),
                "{url}: {err}"
            );
        }
    }
}
