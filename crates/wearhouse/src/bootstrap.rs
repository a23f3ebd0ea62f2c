//! Wiring: configuration → store → services → HTTP application. Used by `serve`, the other
//! subcommands, and the integration tests, so all of them run the same assembly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use wearhouse_server::{AppState, HttpSettings, RateLimitSettings, Services, UploadSettings};
use wearhouse_services::rollups::Rollups;
use wearhouse_services::{
    AccountService, AccountSettings, ActivityService, IdempotencyService, ImportService, PasswordHashing,
    SampleService, SummaryService, SystemClock,
};
use wearhouse_store::{Backend, Store, StoreOptions};

use crate::config::Config;

/// Opens the configured database for a command: migrated, upgraded, and with the rollup work a stopped
/// process left (days marked but not recomputed, e.g. an import killed after it was recorded as done)
/// finished, so what the command reads or reports is current. Cheap when nothing is pending.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(open_store_finishing_rollups(config).await?.0)
}

/// [`open_store`], also saying how many users' marked rollups were recomputed.
pub async fn open_store_finishing_rollups(config: &Config) -> anyhow::Result<(Store, usize)> {
    let store = open_database(config).await?;
    let users = Rollups::new(store.clone())
        .drain()
        .await
        .context("recomputing the rollups of marked days")?;
    if users > 0 {
        tracing::info!(
            users,
            "recomputed the rollups of days a stopped process left marked"
        );
    }
    Ok((store, users))
}

/// Opens and migrates the configured database, creating the data folder for SQLite, and applies data
/// upgrades. Marked rollups are left to the caller: the server's worker recomputes them in the
/// background, so it listens at once.
async fn open_database(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url();
    if Backend::of_url(&url)? == Backend::Sqlite && config.database_url.trim().is_empty() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create data folder {}", config.data_dir.display()))?;
    }
    let options = StoreOptions {
        max_connections: config.database.max_connections,
        acquire_timeout: Duration::from_secs(config.database.acquire_timeout_secs),
    };
    let shown = crate::config::mask_url_password(&url);
    let store = wearhouse_store::open(&url, &options)
        .await
        .with_context(|| format!("database {shown}"))?;
    store
        .migrate()
        .await
        .with_context(|| format!("database {shown}"))?;
    let upgraded = wearhouse_services::upgrade::upgrade(&store, jiff::Timestamp::now())
        .await
        .with_context(|| format!("upgrading the data in database {shown}"))?;
    if upgraded.changed() {
        tracing::info!(
            from = upgraded.from,
            to = upgraded.to,
            days_marked = upgraded.days_marked,
            activities_rekeyed = upgraded.activities_rekeyed,
            duplicates_trashed = upgraded.duplicates_trashed,
            "stored data upgraded; the rollups of the marked days are recomputed next"
        );
    }
    Ok(store)
}

pub async fn account_service(config: &Config, store: Store) -> anyhow::Result<AccountService> {
    let auth = &config.auth;
    let hashing = PasswordHashing::new(
        auth.argon2_memory_kib,
        auth.argon2_iterations,
        auth.argon2_parallelism,
    )?;
    let settings = AccountSettings {
        access_token_ttl: Duration::from_secs(auth.access_token_ttl_secs),
        refresh_token_ttl: Duration::from_secs(auth.refresh_token_ttl_days * 24 * 3600),
        user_cache_ttl: Duration::from_secs(auth.user_cache_ttl_secs),
        refresh_reuse_grace: Duration::from_secs(auth.refresh_reuse_grace_secs),
        login_throttle: auth.login_throttle,
        ..AccountSettings::default()
    };
    let key = auth.jwt_secret.clone().filter(|k| !k.expose_secret().is_empty());
    Ok(AccountService::new(store, Arc::new(SystemClock), hashing, key, settings).await?)
}

/// Imports keep uploaded files under `<data_dir>/imports` while they wait and run.
pub fn import_service(config: &Config, store: Store, rollups: Rollups) -> ImportService {
    ImportService::new(
        store,
        Arc::new(SystemClock),
        rollups,
        config.data_dir.join("imports"),
    )
}

pub fn http_settings(config: &Config) -> HttpSettings {
    let r = &config.rate_limit;
    HttpSettings {
        cors_origins: config.http.cors_origins.clone(),
        body_limit_bytes: config.http.body_limit_bytes,
        request_timeout: Duration::from_secs(config.http.request_timeout_secs),
        hsts: config.http.hsts,
        trust_forwarded_for: config.http.trust_forwarded_for,
        rate_limits: RateLimitSettings {
            enabled: r.enabled,
            per_ip_per_second: r.per_ip_per_second,
            per_ip_burst: r.per_ip_burst,
            auth_per_minute: r.auth_per_minute,
            auth_burst: r.auth_burst,
            per_user_per_second: r.per_user_per_second,
            per_user_burst: r.per_user_burst,
        },
        uploads: UploadSettings {
            idle_timeout: Duration::from_secs(config.http.upload_idle_timeout_secs),
            per_user: config.http.uploads_per_user,
            min_free_bytes: config.http.upload_min_free_mb.saturating_mul(1024 * 1024),
        },
    }
}

/// A ready-to-run server: database open and migrated, socket bound.
pub struct Application {
    pub addr: SocketAddr,
    pub store: Store,
    pub state: AppState,
    rollups: Rollups,
    listener: tokio::net::TcpListener,
}

impl Application {
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let store = open_database(config).await?;
        let accounts = Arc::new(account_service(config, store.clone()).await?);
        let rollups = Rollups::new(store.clone());
        let samples = Arc::new(SampleService::new(
            store.clone(),
            Arc::new(SystemClock),
            rollups.clone(),
        ));
        let summaries = Arc::new(SummaryService::new(store.clone(), rollups.clone()));
        let services = Services {
            accounts,
            samples,
            summaries,
            activities: Arc::new(ActivityService::new(store.clone(), Arc::new(SystemClock))),
            idempotency: Arc::new(IdempotencyService::new(store.clone(), Arc::new(SystemClock))),
            imports: Arc::new(import_service(config, store.clone(), rollups.clone())),
        };
        let state = AppState::new(services, http_settings(config));
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            addr,
            store,
            state,
            rollups,
            listener,
        })
    }

    /// Serves until `shutdown` completes, lets requests in flight finish, then closes the database.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // Recomputes rollups of marked days in the background, starting with marks left by a previous
        // run.
        let worker = tokio::spawn(self.rollups.run_worker());
        let purge = tokio::spawn(purge_periodically(self.state.activities.clone()));
        let imports = tokio::spawn(self.state.imports.clone().run_worker());
        wearhouse_server::serve(self.listener, self.state, shutdown).await?;
        worker.abort();
        purge.abort();
        imports.abort();
        self.store.close().await;
        Ok(())
    }
}

/// Empties the trash of activities deleted more than 30 days ago and forgets stale idempotency keys,
/// at start and then hourly.
async fn purge_periodically(activities: Arc<ActivityService>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match activities.purge().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(activities = n, "purged the trash"),
            Err(e) => tracing::warn!(error = %e, "purging the trash failed"),
        }
    }
}
