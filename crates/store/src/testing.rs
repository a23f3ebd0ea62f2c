//! Fresh, isolated databases for tests: a SQLite file in a temporary folder, or a new schema in the
//! PostgreSQL database named by `WEARHOUSE_TEST_DATABASE_URL`. Dropped with the guard.
//!
//! When that variable is set, PostgreSQL must be reachable: tests fail rather than skip, so a CI run that
//! asked for PostgreSQL cannot pass without it.

// Test support: a database that cannot be created is a failed test, so panicking is the right answer.
#![allow(clippy::expect_used)]

use crate::{open, Backend, Store, StoreOptions};

/// The variable naming the PostgreSQL server for tests (`postgres://postgres@127.0.0.1:5432/test`).
pub const POSTGRES_URL_VAR: &str = "WEARHOUSE_TEST_DATABASE_URL";

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    TempDir(#[allow(dead_code)] tempfile::TempDir),
    Schema { admin_url: String, schema: String },
}

/// The backends a test should run against: SQLite always, PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut backends = vec![Backend::Sqlite];
    if std::env::var_os(POSTGRES_URL_VAR).is_some() {
        backends.push(Backend::Postgres);
    }
    backends
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("wearhouse.db").display());
                TestDatabase {
                    url,
                    backend,
                    cleanup: Cleanup::TempDir(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_VAR).expect("WEARHOUSE_TEST_DATABASE_URL is set");
                let schema = format!("wh_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {POSTGRES_URL_VAR} is unreachable: {e}"));
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .expect("create schema");
                admin.close().await;
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
                TestDatabase {
                    url,
                    backend,
                    cleanup: Cleanup::Schema { admin_url, schema },
                }
            }
        }
    }

    /// Opens and migrates the database.
    pub async fn store(&self) -> Store {
        let options = StoreOptions {
            max_connections: 4,
            ..StoreOptions::default()
        };
        let store = open(&self.url, &options).await.expect("open test database");
        store.migrate().await.expect("migrate test database");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Schema { admin_url, schema } = &self.cleanup {
            let (admin_url, schema) = (admin_url.clone(), schema.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived thread with
            // its own runtime drops the schema. Failure only leaves a stray schema behind.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query("SET lock_timeout = '10s'").execute(&mut admin).await;
                        let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                        let _ = sqlx::query(&drop).execute(&mut admin).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}
