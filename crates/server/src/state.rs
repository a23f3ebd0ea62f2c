//! What every handler can reach: the services, the rate limiters, the metrics registry, settings.

use std::sync::Arc;
use std::time::Duration;

use wearhouse_services::{
    AccountService, ActivityService, IdempotencyService, ImportService, SampleService, SummaryService,
};

use crate::middleware::metrics::HttpMetrics;
use crate::middleware::rate_limit::{RateLimitSettings, RateLimits};

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
}

#[derive(Clone)]
pub struct AppState {
    pub accounts: Arc<AccountService>,
    pub samples: Arc<SampleService>,
    pub summaries: Arc<SummaryService>,
    pub activities: Arc<ActivityService>,
    pub idempotency: Arc<IdempotencyService>,
    pub imports: Arc<ImportService>,
    pub rate_limits: Arc<RateLimits>,
    pub metrics: Arc<HttpMetrics>,
    pub settings: Arc<HttpSettings>,
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
        } = services;
        Self {
            accounts,
            samples,
            summaries,
            activities,
            idempotency,
            imports,
            rate_limits: Arc::new(RateLimits::new(&settings.rate_limits)),
            metrics: Arc::new(HttpMetrics::new()),
            settings: Arc::new(settings),
        }
    }
}
