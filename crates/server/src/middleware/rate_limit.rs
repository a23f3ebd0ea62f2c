//! Token-bucket rate limits (governor): per client address for all routes, a stricter per-address
//! bucket for login and registration (against password guessing), and per user once authenticated.
//! IPv6 clients are keyed by their /64 (one subscriber's prefix), IPv4 by address. Only failed logins
//! take from the strict bucket, so the people behind one address (a household, an office) are not
//! locked out by each other's logins; per-account limits live in the account service. Responses carry
//! `RateLimit-Limit/Remaining/Reset`; refusals are 429 problems with `Retry-After`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use wearhouse_services::breaker::Breaker;
use wearhouse_services::buckets::SharedBuckets;

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

/// Which of the three buckets a request takes from.
#[derive(Debug, Clone, Copy)]
enum Bucket {
    PerIp,
    Auth,
    PerUser,
}

impl Bucket {
    fn name(self) -> &'static str {
        match self {
            Bucket::PerIp => "ip",
            Bucket::Auth => "auth",
            Bucket::PerUser => "user",
        }
    }
}

pub struct RateLimits {
    enabled: bool,
    /// Refill interval and size of each bucket, for the shared buckets.
    rates: [(Duration, u32); 3],
    /// Buckets shared by every process (Redis), when configured; else each process counts alone.
    shared: std::sync::OnceLock<Arc<dyn SharedBuckets>>,
    /// Keeps requests from waiting on a Redis that is down: after a failure the shared buckets are
    /// skipped for a few seconds.
    breaker: Breaker,
    auth_burst: u32,
    /// How long the strict bucket takes to get one token back.
    auth_interval: Duration,
    per_ip: Keyed<IpAddr>,
    auth: Keyed<IpAddr>,
    per_user: Keyed<String>,
    /// Addresses whose failed logins emptied the strict bucket, and until when.
    login_blocked: Mutex<HashMap<IpAddr, Instant>>,
    clock: DefaultClock,
}

/// Whose bucket: a client address (already reduced by [`address_key`]) or a user.
enum BucketKey<'a> {
    Ip(IpAddr),
    User(&'a str),
}

impl BucketKey<'_> {
    fn text(&self) -> String {
        match self {
            BucketKey::Ip(ip) => ip.to_string(),
            BucketKey::User(user) => (*user).to_owned(),
        }
    }
}

/// The key of an address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64 prefix, since one
/// subscriber usually holds a whole /64 and could otherwise rotate through it.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
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
            rates: [
                (per_second(s.per_ip_per_second), s.per_ip_burst.max(1)),
                (
                    Duration::from_secs(60) / nz(s.auth_per_minute).get(),
                    s.auth_burst.max(1),
                ),
                (per_second(s.per_user_per_second), s.per_user_burst.max(1)),
            ],
            shared: std::sync::OnceLock::new(),
            breaker: Breaker::new(
                "the shared rate limits",
                std::time::Duration::from_millis(250),
                std::time::Duration::from_secs(5),
            ),
            auth_burst: s.auth_burst.max(1),
            auth_interval: Duration::from_secs(60) / nz(s.auth_per_minute).get(),
            per_ip: RateLimiter::keyed(quota(per_second(s.per_ip_per_second), s.per_ip_burst))
                .with_middleware::<StateInformationMiddleware>(),
            auth: RateLimiter::keyed(quota(
                Duration::from_secs(60) / nz(s.auth_per_minute).get(),
                s.auth_burst,
            ))
            .with_middleware::<StateInformationMiddleware>(),
            per_user: RateLimiter::keyed(quota(per_second(s.per_user_per_second), s.per_user_burst))
                .with_middleware::<StateInformationMiddleware>(),
            login_blocked: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// Counts in buckets every process shares (set once, at start).
    pub fn share(&self, buckets: Arc<dyn SharedBuckets>) {
        let _ = self.shared.set(buckets);
    }

    /// Takes one token from `bucket` for `key`: from the shared buckets when configured (falling back
    /// to this process's own when they cannot answer), else from this process's.
    async fn take_from(&self, bucket: Bucket, key: &BucketKey<'_>) -> Result<HeaderMap, Refused> {
        if let Some(shared) = self.shared.get() {
            let (interval, burst) = self.rates[bucket as usize];
            let taken = self
                .breaker
                .call(shared.take(&format!("{}:{}", bucket.name(), key.text()), interval, burst))
                .await;
            match taken {
                Some(d) if d.allowed => {
                    let mut headers = HeaderMap::new();
                    headers.insert("ratelimit-limit", HeaderValue::from(burst));
                    headers.insert("ratelimit-remaining", HeaderValue::from(d.remaining));
                    headers.insert("ratelimit-reset", HeaderValue::from(d.reset_secs));
                    return Ok(headers);
                }
                Some(d) => {
                    return Err(Refused {
                        wait_secs: d.retry_after_secs.max(1),
                        limit: burst,
                    })
                }
                // Unavailable (the breaker logged it once): this process counts alone meanwhile.
                None => {}
            }
        }
        match (bucket, key) {
            (Bucket::PerIp, BucketKey::Ip(ip)) => self.take(&self.per_ip, ip),
            (Bucket::Auth, BucketKey::Ip(ip)) => self.take(&self.auth, ip),
            (_, BucketKey::Ip(ip)) => self.take(&self.per_user, &ip.to_string()),
            (_, BucketKey::User(user)) => self.take(&self.per_user, &(*user).to_owned()),
        }
    }

    /// How long `key` must still wait after too many failed logins, if at all.
    fn login_wait(&self, key: &IpAddr) -> Option<Duration> {
        let blocked = self.login_blocked.lock().ok()?;
        let until = *blocked.get(key)?;
        until.checked_duration_since(Instant::now())
    }

    /// Counts a failed login from `key`; once that empties the bucket, blocks the address until a
    /// token comes back. Returns the headers describing the bucket.
    async fn login_failed(&self, key: &IpAddr) -> HeaderMap {
        let (headers, wait) = match self.take_from(Bucket::Auth, &BucketKey::Ip(*key)).await {
            Ok(headers) => {
                let empty = headers.get("ratelimit-remaining").is_some_and(|v| v == "0");
                (headers, empty.then_some(self.auth_interval))
            }
            Err(refused) => (HeaderMap::new(), Some(Duration::from_secs(refused.wait_secs))),
        };
        if let (Some(wait), Ok(mut blocked)) = (wait, self.login_blocked.lock()) {
            blocked.insert(*key, Instant::now() + wait);
        }
        headers
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

    fn auth_limit(&self) -> u32 {
        self.auth_burst
    }

    /// The per-user bucket, checked once the caller is authenticated.
    pub async fn check_user(&self, user_id: &str) -> Result<(), Refused> {
        if !self.enabled {
            return Ok(());
        }
        self.take_from(Bucket::PerUser, &BucketKey::User(user_id))
            .await
            .map(|_| ())
    }

    /// Forgets buckets that are full again, so memory does not grow with every address ever seen.
    pub fn shrink(&self) {
        self.per_ip.retain_recent();
        self.auth.retain_recent();
        self.per_user.retain_recent();
        if let Ok(mut blocked) = self.login_blocked.lock() {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
    }
}

const LOGIN_PATH: &str = "/api/v1/auth/login";
const REGISTER_PATH: &str = "/api/v1/auth/register";

/// Applies the per-address limits: failed logins and registrations take from the strict bucket,
/// everything else (token refresh and logout included) from the general one.
pub async fn limit_by_ip(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = &state.rate_limits;
    if !limits.enabled {
        return next.run(req).await;
    }
    let Some(ip) = client_ip(&req, state.settings.trust_forwarded_for) else {
        return next.run(req).await;
    };
    let key = address_key(ip);
    if req.uri().path() == LOGIN_PATH {
        if let Some(wait) = limits.login_wait(&key) {
            return Refused {
                wait_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                limit: limits.auth_limit(),
            }
            .into_response();
        }
        let mut response = next.run(req).await;
        if response.status() == StatusCode::UNAUTHORIZED {
            let headers = limits.login_failed(&key).await;
            response.headers_mut().extend(headers);
        }
        return response;
    }
    let bucket = if req.uri().path() == REGISTER_PATH {
        Bucket::Auth
    } else {
        Bucket::PerIp
    };
    match limits.take_from(bucket, &BucketKey::Ip(key)).await {
        Ok(headers) => {
            let mut response = next.run(req).await;
            response.headers_mut().extend(headers);
            response
        }
        Err(refused) => refused.into_response(),
    }
}

/// Periodically drops idle buckets, until the returned task is aborted (when the server stops).
pub fn spawn_shrinker(limits: Arc<RateLimits>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.shrink();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_share_a_key_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(v4), v4);
        assert_eq!(address_key(mapped), v4);
    }
}
