//! What every handler can reach: the services, the rate limiters, the metrics registry, settings.

use std::sync::Arc;
use std::time::Duration;

use wearhouse_services::events::{EventBus, EventCounts};
use wearhouse_services::responses::ResponseCache;
use wearhouse_services::streams::StreamHub;
use wearhouse_services::{
    AccountService, ActivityService, IdempotencyService, ImportService, Jobs, SampleService, SummaryService,
};

use crate::middleware::metrics::HttpMetrics;
use crate::middleware::rate_limit::{RateLimitSettings, RateLimits};
use crate::upload_slots::UploadSlots;

/// HTTP-level settings (everything else is the services' business).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed to call the API from a browser; empty disables CORS.
    pub cors_origins: Vec<String>,
    /// Largest request body accepted by default, in bytes.
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// Send Strict-Transport-Security; turn on when the server is reached over HTTPS (behind TLS).
    pub hsts: bool,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub rate_limits: RateLimitSettings,
    pub uploads: UploadSettings,
    /// The basemap routes are drawn on; none by default.
    pub map_tiles: Option<crate::map_tiles::MapTiles>,
}

/// Limits on file uploads (`POST /imports`), which are exempt from the request deadline because a
/// large export takes as long to arrive as the client's line needs.
#[derive(Debug, Clone)]
pub struct UploadSettings {
    /// An upload that sends nothing for this long is ended (408 `upload_stalled`).
    pub idle_timeout: Duration,
    /// Uploads one user may stream at the same time; more get 429 `too_many_uploads`.
    pub per_user: usize,
    /// Free space the upload folder keeps: an upload that would leave less is refused, or ended while
    /// it arrives, with 507 `insufficient_storage`.
    pub min_free_bytes: u64,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60),
            per_user: 2,
            min_free_bytes: 512 * 1024 * 1024,
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            hsts: false,
            trust_forwarded_for: false,
            rate_limits: RateLimitSettings::default(),
            uploads: UploadSettings::default(),
            map_tiles: None,
        }
    }
}

/// The use cases the HTTP layer translates to.
#[derive(Clone)]
pub struct Services {
    pub accounts: Arc<AccountService>,
    pub samples: Arc<SampleService>,
    pub summaries: Arc<SummaryService>,
    pub activities: Arc<ActivityService>,
    pub idempotency: Arc<IdempotencyService>,
    pub imports: Arc<ImportService>,
    pub jobs: Jobs,
    /// Summary and series responses, by data version.
    pub responses: Arc<ResponseCache>,
    /// Where published domain events arrive.
    pub events: Arc<dyn EventBus>,
    /// The open live streams, fed from `events`.
    pub streams: Arc<StreamHub>,
}

/// Cloned for every request (and by several layers on its way): one shared pointer, so a clone is one
/// reference count, not one per service (a dozen atomic updates each way were ~3% of a year view).
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

pub struct AppStateParts {
    pub accounts: Arc<AccountService>,
    pub samples: Arc<SampleService>,
    pub summaries: Arc<SummaryService>,
    pub activities: Arc<ActivityService>,
    pub idempotency: Arc<IdempotencyService>,
    pub imports: Arc<ImportService>,
    pub jobs: Jobs,
    pub responses: Arc<ResponseCache>,
    pub events: Arc<dyn EventBus>,
    pub streams: Arc<StreamHub>,
    /// What this process's notifier role received.
    pub notified: Arc<EventCounts>,
    pub rate_limits: Arc<RateLimits>,
    pub uploads: Arc<UploadSlots>,
    pub metrics: Arc<HttpMetrics>,
    pub settings: Arc<HttpSettings>,
    /// Cancelled when the server starts shutting down: live streams close then (a graceful shutdown
    /// waits for every connection, and a stream would otherwise never end).
    pub stopping: tokio_util::sync::CancellationToken,
}

impl AppState {
    pub fn new(services: Services, settings: HttpSettings) -> Self {
        let Services {
            accounts,
            samples,
            summaries,
            activities,
            idempotency,
            imports,
            jobs,
            responses,
            events,
            streams,
        } = services;
        Self(Arc::new(AppStateParts {
            accounts,
            samples,
            summaries,
            activities,
            idempotency,
            imports,
            jobs,
            responses,
            events,
            streams,
            notified: Arc::default(),
            rate_limits: Arc::new(RateLimits::new(&settings.rate_limits)),
            uploads: Arc::new(UploadSlots::new(settings.uploads.per_user)),
            metrics: Arc::new(HttpMetrics::new()),
            settings: Arc::new(settings),
            stopping: tokio_util::sync::CancellationToken::new(),
        }))
    }
}
