//! SQL shared by both backends. The account, session and settings statements are the same text in
//! SQLite and PostgreSQL (`$N` placeholders work in both; sqlx-sqlite maps `$N` to argument N), so each
//! file defines its implementation once as a macro and expands it for both pool types. Anything that
//! differs between the dialects belongs in a backend's own module instead, not in a branch here.

#[macro_use]
mod accounts;
#[macro_use]
pub(crate) mod activities;
#[macro_use]
mod sessions;
#[macro_use]
pub(crate) mod imports;
#[macro_use]
pub(crate) mod events;
#[macro_use]
pub(crate) mod jobs;
#[macro_use]
pub(crate) mod planned_routes;
#[macro_use]
pub(crate) mod raw;
#[macro_use]
mod rollups;
#[macro_use]
pub(crate) mod samples;
mod bulk;
#[macro_use]
pub(crate) mod legacy;
mod native;
mod native_inserts;
mod native_rollups;
#[macro_use]
mod settings;

use sqlx::{PgPool, SqlitePool};

pub(crate) use native::NativeSqlite;

/// The SQLite backend's stores.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// Connections of its own for the bulk sample paths (see `native`).
    pub(crate) native: std::sync::Arc<native::NativeSqlite>,
}

/// Marks for recomputing the local days that the samples of the chunks chosen by `filter` (a condition
/// on `s`, the source, and `c`, the chunk) can fall on: a chunk is the UTC day samples start on, and a
/// sample's local days run from the one before to three after (offsets, and spans of up to 48 hours).
/// Ascending (metric, day), the order sample writers mark in, so concurrent markers cannot deadlock.
pub(crate) fn mark_chunk_days(filter: &str) -> String {
    format!(
        "INSERT INTO rollup_dirty (user_id, metric, day, seq) \
         SELECT DISTINCT s.user_id, c.metric, c.day + k.shift, 0 \
         FROM sample_chunks c JOIN sources s ON s.id = c.source_id \
         CROSS JOIN (SELECT -1 AS shift UNION ALL SELECT 0 UNION ALL SELECT 1 \
                     UNION ALL SELECT 2 UNION ALL SELECT 3) k \
         WHERE {filter} \
         ORDER BY 2, 3 \
         ON CONFLICT (user_id, metric, day) DO UPDATE SET seq = rollup_dirty.seq + 1"
    )
}

/// The PostgreSQL backend's stores.
#[derive(Clone)]
pub(crate) struct PgStore {
    pub(crate) pool: PgPool,
}

impl SqliteStore {
    /// Appended to a query that reads rows this transaction will rewrite. SQLite has no row locks: a
    /// write transaction holds the whole database, so nothing is needed.
    pub(crate) const LOCK_FOR_WRITE: &'static str = "";
    /// A claim's write transaction holds the database: no row locks to take.
    pub(crate) const CLAIM_LOCK: &'static str = "";
    pub(crate) const MATERIALIZED: &'static str = "";
    /// A condition on a chunk `c`: it holds floating samples (its first byte is
    /// `sample_chunk::VERSION_FLOATING`).
    pub(crate) const FLOATING_CHUNK: &'static str = "substr(c.body, 1, 1) = x'02'";
    pub(crate) const LEGACY_SAMPLES_EXIST: &'static str =
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'samples'";
}

impl PgStore {
    /// Appended to a query that reads rows this transaction will rewrite, so concurrent writers take
    /// turns. NO KEY: rows that merely reference them (by foreign key) are not held up.
    pub(crate) const LOCK_FOR_WRITE: &'static str = " FOR NO KEY UPDATE";
    /// Workers claiming at once take different jobs instead of waiting for each other's.
    pub(crate) const CLAIM_LOCK: &'static str = " FOR UPDATE SKIP LOCKED";
    /// The locking subquery runs once (never inlined into the UPDATE).
    pub(crate) const MATERIALIZED: &'static str = "MATERIALIZED ";
    /// A condition on a chunk `c`: it holds floating samples (its first byte is
    /// `sample_chunk::VERSION_FLOATING`).
    pub(crate) const FLOATING_CHUNK: &'static str = "get_byte(c.body, 0) = 2";
    pub(crate) const LEGACY_SAMPLES_EXIST: &'static str =
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'samples'";
}

impl_account_store!(SqliteStore, sqlx::Sqlite);
impl_account_store!(PgStore, sqlx::Postgres);
impl_session_store!(SqliteStore, sqlx::Sqlite);
impl_session_store!(PgStore, sqlx::Postgres);
impl_sample_store!(SqliteStore, sqlx::Sqlite);
impl_sample_store!(PgStore, sqlx::Postgres);
impl_rollup_store!(SqliteStore, sqlx::Sqlite);
impl_rollup_store!(PgStore, sqlx::Postgres);
impl_settings_store!(SqliteStore);
impl_settings_store!(PgStore);
impl_activity_store!(SqliteStore, sqlx::Sqlite);
impl_activity_store!(PgStore, sqlx::Postgres);
impl_import_store!(SqliteStore);
impl_import_store!(PgStore);
impl_planned_route_store!(SqliteStore);
impl_planned_route_store!(PgStore);
impl_raw_store!(SqliteStore, sqlx::Sqlite);
impl_raw_store!(PgStore, sqlx::Postgres);
impl_event_store!(SqliteStore, sqlx::Sqlite);
impl_event_store!(PgStore, sqlx::Postgres);
impl_job_store!(SqliteStore, sqlx::Sqlite);
impl_job_store!(PgStore, sqlx::Postgres);
impl_legacy_samples!(SqliteStore, sqlx::Sqlite);
impl_legacy_samples!(PgStore, sqlx::Postgres);
