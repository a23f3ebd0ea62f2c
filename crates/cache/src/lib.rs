//! Wearhouse across nodes with Redis (`WEARHOUSE_REDIS_URL`): the user and session caches stay in each
//! process for speed, and invalidations travel over pub/sub ([`RedisBus`], [`subscribe`]), so a logout or
//! a revoked session takes effect on every node as soon as the message arrives instead of after the
//! caches' lifetime; and rate limits are one bucket per key for all processes ([`RedisBuckets`]).

mod buckets;
mod bus;

pub use buckets::RedisBuckets;
pub use bus::{subscribe, RedisBus, CHANNEL};

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("Redis at {url}: {source}")]
    Redis {
        url: String,
        #[source]
        source: redis::RedisError,
    },
}

/// The URL as it may be shown (without a password).
pub fn shown_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
