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
mod raw;
#[macro_use]
mod rollups;
#[macro_use]
pub(crate) mod samples;
mod bulk;
mod native;
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

/// The PostgreSQL backend's stores.
#[derive(Clone)]
pub(crate) struct PgStore {
    pub(crate) pool: PgPool,
}

impl_account_store!(SqliteStore);
impl_account_store!(PgStore);
impl_session_store!(SqliteStore);
impl_session_store!(PgStore);
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
impl_raw_store!(SqliteStore, sqlx::Sqlite);
impl_raw_store!(PgStore, sqlx::Postgres);
