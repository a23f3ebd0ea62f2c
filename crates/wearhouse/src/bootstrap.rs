//! Wiring: configuration → store → services → HTTP application. Used by `serve`, the other
//! subcommands, and the integration tests, so all of them run the same assembly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use wearhouse_server::map_tiles::MapTiles;
use wearhouse_server::{AppState, HttpSettings, RateLimitSettings, Services, UploadSettings};
use wearhouse_services::events::{Event, EventBus, LocalBus};
use wearhouse_services::jobs::{builtin, CancellationToken, WorkerOptions};
use wearhouse_services::responses::{ResponseCache, ResponseCacheSettings};
use wearhouse_services::rollups::Rollups;
use wearhouse_services::{
    AccountService, AccountSettings, ActivityService, IdempotencyService, ImportService, JobSettings, Jobs,
    PasswordHashing, SampleService, SummaryService, SystemClock,
};
use wearhouse_store::{Backend, Store, StoreOptions};

use crate::config::Config;
use crate::roles::Roles;

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
/// upgrades. Marked rollups are left to the caller: their jobs recompute them in the background, so a
/// server listens at once.
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
    // Several processes may start at once against one PostgreSQL: one sets the database up at a time.
    let lock = store
        .lock_setup()
        .await
        .with_context(|| format!("database {shown}"))?;
    let set_up = set_up(&store, &shown).await;
    lock.release().await;
    set_up?;
    Ok(store)
}

/// Migrations, then data upgrades.
async fn set_up(store: &Store, shown: &str) -> anyhow::Result<()> {
    store
        .migrate()
        .await
        .with_context(|| format!("database {shown}"))?;
    let upgraded = wearhouse_services::upgrade::upgrade(store, jiff::Timestamp::now())
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
    Ok(())
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

/// Imports keep uploaded files under `<data_dir>/imports` while they wait and run (and in the bucket,
/// when one is configured: see [`with_blobs`]).
pub fn import_service(config: &Config, store: Store, rollups: Rollups) -> ImportService {
    ImportService::new(
        store,
        Arc::new(SystemClock),
        rollups,
        config.data_dir.join("imports"),
    )
}

/// `imports` keeping uploads in the configured bucket, if any.
pub fn with_blobs(config: &Config, imports: ImportService) -> anyhow::Result<ImportService> {
    if config.blobs.url.trim().is_empty() {
        return Ok(imports);
    }
    let bucket = wearhouse_blobs::Bucket::open(config.blobs.url.trim(), config.blobs.endpoint.trim())?;
    Ok(imports.with_blobs(Arc::new(bucket)))
}

/// The HTTP layer's settings; fails, naming the key, on a map tile template that is not one.
pub fn http_settings(config: &Config) -> anyhow::Result<HttpSettings> {
    let r = &config.rate_limit;
    let map = &config.map;
    let map_tiles = MapTiles::parse(&map.tile_url, &map.attribution, map.max_zoom)
        .map_err(|e| anyhow::anyhow!("map.tile_url: {e}"))?;
    Ok(HttpSettings {
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
        map_tiles,
    })
}

/// Connects this process to the others through Redis: rate limits count in shared buckets, and the
/// account caches publish this process's invalidations and apply theirs. Returns once the subscription
/// is in place, so nothing announced after the server starts can be missed.
async fn share_across_processes(
    url: &str,
    accounts: Arc<AccountService>,
    state: &AppState,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let shown = wearhouse_cache::shown_url(url);
    let bus = wearhouse_cache::RedisBus::connect(url).await?;
    state
        .rate_limits
        .share(Arc::new(wearhouse_cache::RedisBuckets::new(bus.connection())));
    state
        .responses
        .share(Arc::new(wearhouse_cache::RedisResponses::new(bus.connection())));
    accounts.set_cache_bus(Arc::new(bus));
    let (ready, subscribed) = tokio::sync::oneshot::channel();
    let apply: Arc<dyn Fn(&wearhouse_services::cache_bus::Invalidation) + Send + Sync> =
        Arc::new(move |invalidation| accounts.apply_invalidation(invalidation));
    let task = wearhouse_cache::subscribe(url, apply, Some(ready));
    if tokio::time::timeout(Duration::from_secs(10), subscribed)
        .await
        .is_err()
    {
        task.abort();
        anyhow::bail!("Redis at {shown}: cannot subscribe to cache invalidations");
    }
    Ok(task)
}

pub fn response_settings(config: &Config) -> ResponseCacheSettings {
    ResponseCacheSettings {
        enabled: config.responses.cache,
        ttl: Duration::from_secs(config.responses.ttl_secs.max(1)),
        local_capacity: config.responses.memory_mb.saturating_mul(1 << 20),
    }
}

pub fn job_settings(config: &Config) -> JobSettings {
    JobSettings {
        lease: Duration::from_secs(config.jobs.lease_secs.max(1)),
        poll: Duration::from_millis(config.jobs.poll_ms.max(10)),
        ..JobSettings::default()
    }
}

/// A ready-to-run server: database open and migrated, socket bound.
pub struct Application {
    pub addr: SocketAddr,
    pub store: Store,
    pub state: AppState,
    pub jobs: Jobs,
    roles: Roles,
    /// The subscription that applies other processes' cache invalidations (with Redis).
    invalidations: Option<tokio::task::JoinHandle<()>>,
    worker: WorkerOptions,
    listener: tokio::net::TcpListener,
    /// The broker events travel on and the notifier's queue there, when configured.
    amqp: Option<(String, String)>,
    /// Upstream gateways the scheduler role keeps connections to.
    gateways: Vec<crate::config::GatewayConfig>,
}

impl Application {
    /// Every role in one process (the embedded default).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with_roles(config, Roles::ALL).await
    }

    pub async fn build_with_roles(config: &Config, roles: Roles) -> anyhow::Result<Self> {
        let url = config.database_url();
        if !roles.is_all() && Backend::of_url(&url)? == Backend::Sqlite {
            anyhow::bail!(
                "--role {roles} needs PostgreSQL (WEARHOUSE_DATABASE_URL=postgres://…): on the embedded SQLite \
                 database one process runs every role; start `wearhouse serve` without --role"
            );
        }
        let store = open_database(config).await?;
        let accounts = Arc::new(account_service(config, store.clone()).await?);
        let rollups = Rollups::new(store.clone());
        let jobs = Jobs::new(store.clone(), job_settings(config), rollups.waker());
        let samples = Arc::new(SampleService::new(
            store.clone(),
            Arc::new(SystemClock),
            rollups.clone(),
        ));
        let summaries = Arc::new(SummaryService::new(store.clone(), rollups.clone()));
        let activities = Arc::new(ActivityService::new(store.clone(), Arc::new(SystemClock)));
        let imports = Arc::new(with_blobs(
            config,
            import_service(config, store.clone(), rollups.clone()),
        )?);
        let events: Arc<dyn EventBus> = match config.amqp_url.trim() {
            "" => Arc::new(LocalBus::new()),
            url => Arc::new(wearhouse_amqp::AmqpBus::connect(url).await?),
        };
        builtin::register(
            &jobs,
            imports.clone(),
            rollups,
            activities.clone(),
            events.clone(),
        );
        let services = Services {
            accounts,
            samples,
            summaries,
            activities,
            idempotency: Arc::new(IdempotencyService::new(store.clone(), Arc::new(SystemClock))),
            imports,
            jobs: jobs.clone(),
            responses: Arc::new(ResponseCache::new(store.clone(), response_settings(config))),
            streams: wearhouse_services::streams::StreamHub::start(events.as_ref(), store.clone()),
            events,
        };
        let accounts = services.accounts.clone();
        let state = AppState::new(services, http_settings(config)?);
        let invalidations = match config.redis_url.trim() {
            "" => None,
            url => Some(share_across_processes(url, accounts, &state).await?),
        };
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            addr,
            store,
            state,
            jobs,
            roles,
            invalidations,
            worker: WorkerOptions {
                concurrency: config.jobs.concurrency.max(1),
                shutdown_grace: Duration::from_secs(config.jobs.shutdown_grace_secs),
            },
            listener,
            amqp: Some(config.amqp_url.trim().to_owned())
                .filter(|url| !url.is_empty())
                .map(|url| (url, config.amqp_notifier_queue.clone())),
            gateways: config.gateways.clone(),
        })
    }

    pub fn roles(&self) -> Roles {
        self.roles
    }

    /// The notifier role: receives every event, from its durable queue on RabbitMQ when configured,
    /// else from this process's bus, once (an event delivered again is dropped by its id). It counts them (`wearhouse_notifier_events_total`); sending
    /// notifications comes with the notifications themselves.
    fn start_notifier(&self) -> tokio::task::JoinHandle<()> {
        let counts = self.state.notified.clone();
        // Events can be delivered twice (publishing is at least once): one seen lately is dropped.
        let recent = std::sync::Mutex::new(wearhouse_services::events::RecentIds::new(10_000));
        let handle: Arc<dyn Fn(&Event) + Send + Sync> = Arc::new(move |event| {
            let first = recent
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .first_time(&event.id);
            if !first {
                tracing::debug!(event = %event.id, "the notifier dropped an event delivered again");
                return;
            }
            counts.record(event);
            tracing::debug!(event = %event.id, kind = %event.kind, "notifier received an event");
        });
        if let Some((url, queue)) = &self.amqp {
            return wearhouse_amqp::consume_durable(url.clone(), queue.clone(), handle);
        }
        let mut events = self.state.events.subscribe();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => handle(&event),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "the notifier fell behind and missed events")
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        })
    }

    /// Runs the process's roles until `shutdown` completes: the API (requests in flight finish), the
    /// job worker (running jobs finish or are handed back, never cut off mid-write) and the scheduler
    /// (with the upstream gateway connections, which store what they received before they stop).
    /// Without the API role only the probes and metrics are served. Then closes the database.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let stop = CancellationToken::new();
        let worker = self
            .roles
            .worker
            .then(|| tokio::spawn(self.jobs.clone().work(self.worker, stop.clone())));
        let notifier = self.roles.notifier.then(|| self.start_notifier());
        // One connection per gateway in the deployment: the scheduler role, which runs once, keeps them.
        let gateways = if self.roles.scheduler {
            crate::gateway::start(
                &self.gateways,
                self.store.clone(),
                self.state.samples.clone(),
                stop.clone(),
            )
        } else {
            Vec::new()
        };
        let scheduler = self.roles.scheduler.then(|| {
            tokio::spawn(self.jobs.clone().schedule(
                builtin::schedules(),
                Duration::from_secs(1),
                stop.clone(),
            ))
        });
        let served = if self.roles.api {
            wearhouse_server::serve(self.listener, self.state, shutdown).await
        } else {
            wearhouse_server::serve_probes(self.listener, self.state, shutdown).await
        };
        stop.cancel();
        for task in [worker, scheduler].into_iter().flatten().chain(gateways) {
            let _ = task.await;
        }
        if let Some(subscription) = self.invalidations {
            subscription.abort();
        }
        if let Some(notifier) = notifier {
            notifier.abort();
        }
        self.store.close().await;
        served?;
        Ok(())
    }
}
