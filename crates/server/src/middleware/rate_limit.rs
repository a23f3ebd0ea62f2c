//! Token-bucket rate limits (governor): per client IP for all routes, a stricter per-IP bucket for the
//! auth endpoints (against password guessing), and per user once authenticated. Responses carry
//! `RateLimit-Limit/Remaining/Reset`; refusals are 429 problems with `Retry-After`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::middleware::client_ip::client_ip;
use crate::problem::Problem;
use crate::state::AppState;

/// Limits as configured. `*_per_second`/`*_per_minute` is the refill rate, `*_burst` the bucket size.
#[derive(Debug, Clone)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub per_ip_per_second: u32,
    pub per_ip_burst: u32,
    pub auth_per_minute: u32,
    pub auth_burst: u32,
    pub per_user_per_second: u32,
    pub per_user_burst: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_ip_per_second: 50,
            per_ip_burst: 100,
            auth_per_minute: 10,
            auth_burst: 20,
            per_user_per_second: 20,
            per_user_burst: 50,
        }
    }
}

/// A request refused for lack of tokens: answered with 429 and `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct Refused {
    wait_secs: u64,
    limit: u32,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let wait = self.wait_secs;
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; retry in {wait} s"),
        )
        .into_response();
        let h = response.headers_mut();
        h.insert("retry-after", HeaderValue::from(wait));
        h.insert("ratelimit-limit", HeaderValue::from(self.limit));
        h.insert("ratelimit-remaining", HeaderValue::from(0));
        h.insert("ratelimit-reset", HeaderValue::from(wait));
        response
    }
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

pub struct RateLimits {
    enabled: bool,
    per_ip: Keyed<IpAddr>,
    auth: Keyed<IpAddr>,
    per_user: Keyed<String>,
    clock: DefaultClock,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

fn quota(period: Duration, burst: u32) -> Quota {
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(nz(burst))
}

impl RateLimits {
    pub fn new(s: &RateLimitSettings) -> Self {
        let per_second = |n: u32| Duration::from_secs(1) / nz(n).get();
        Self {
            enabled: s.enabled,
            per_ip: RateLimiter::keyed(quota(per_second(s.per_ip_per_second), s.per_ip_burst))
                .with_middleware::<StateInformationMiddleware>(),
            auth: RateLimiter::keyed(quota(
                Duration::from_secs(60) / nz(s.auth_per_minute).get(),
                s.auth_burst,
            ))
            .with_middleware::<StateInformationMiddleware>(),
            per_user: RateLimiter::keyed(quota(per_second(s.per_user_per_second), s.per_user_burst))
                .with_middleware::<StateInformationMiddleware>(),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one token for `key`; on success the headers describing the bucket.
    fn take<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: &Keyed<K>,
        key: &K,
    ) -> Result<HeaderMap, Refused> {
        let mut headers = HeaderMap::new();
        match limiter.check_key(key) {
            Ok(snapshot) => {
                let quota = snapshot.quota();
                let limit = quota.burst_size().get();
                let remaining = snapshot.remaining_burst_capacity();
                let reset = (quota.replenish_interval() * (limit - remaining))
                    .as_secs_f64()
                    .ceil() as u64;
                headers.insert("ratelimit-limit", HeaderValue::from(limit));
                headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
                headers.insert("ratelimit-reset", HeaderValue::from(reset));
                Ok(headers)
            }
            Err(not_until) => Err(Refused {
                wait_secs: not_until
                    .wait_time_from(self.clock.now())
                    .as_secs_f64()
                    .ceil()
                    .max(1.0) as u64,
                limit: not_until.quota().burst_size().get(),
            }),
        }
    }

    /// The per-user bucket, checked once the caller is authenticated.
    pub fn check_user(&self, user_id: &str) -> Result<(), Refused> {
        if !self.enabled {
            return Ok(());
        }
        self.take(&self.per_user, &user_id.to_owned()).map(|_| ())
    }

    /// Forgets buckets that are full again, so memory does not grow with every address ever seen.
    pub fn shrink(&self) {
        self.per_ip.retain_recent();
        self.auth.retain_recent();
        self.per_user.retain_recent();
    }
}

/// Applies the per-IP limits: the auth bucket under `/api/v1/auth/`, the general one elsewhere.
pub async fn limit_by_ip(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = &state.rate_limits;
    if !limits.enabled {
        return next.run(req).await;
    }
    let Some(ip) = client_ip(&req, state.settings.trust_forwarded_for) else {
        return next.run(req).await;
    };
    let limiter = if req.uri().path().starts_with("/api/v1/auth/") {
        &limits.auth
    } else {
        &limits.per_ip
    };
    match limits.take(limiter, &ip) {
        Ok(headers) => {
            let mut response = next.run(req).await;
            response.headers_mut().extend(headers);
            response
        }
        Err(refused) => refused.into_response(),
    }
}

/// Periodically drops idle buckets.
pub fn spawn_shrinker(limits: Arc<RateLimits>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.shrink();
        }
    });
}
