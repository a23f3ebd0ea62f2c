//! Wearhouse across nodes with Redis (`WEARHOUSE_REDIS_URL`): the user and session caches stay in each
//! process for speed, and invalidations travel over pub/sub ([`RedisBus`], [`subscribe`]), so a logout or
//! a revoked session takes effect on every node as soon as the message arrives instead of after the
//! caches' lifetime; rate limits are one bucket per key for all processes ([`RedisBuckets`]); and
//! summary and series responses computed on one node are served by all ([`RedisResponses`]).

mod buckets;
mod bus;
mod responses;

pub use buckets::RedisBuckets;
pub use bus::{subscribe, RedisBus, CHANNEL};
pub use responses::RedisResponses;

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
