//! Rate-limit buckets in Redis: one key per bucket holding its "theoretical arrival time" (GCRA), updated
//! by a Lua script in one atomic step with Redis's own clock, so every process sees one bucket and no
//! two requests race on it. Keys carry their bucket in a hash tag (`wh:rl:{…}`), so a Redis Cluster
//! keeps each on one shard.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::ConnectionManager;
use wearhouse_services::buckets::{BucketDecision, SharedBuckets};

/// GCRA: a request may pass when the bucket's arrival time, one interval on, stays within `burst`
/// intervals of now. Returns {allowed, remaining, reset ms, retry-after ms}.
const GCRA: &str = r"
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - interval * burst
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return {1, math.floor((now + interval * burst - new_tat) / interval), new_tat - now, 0}
";

#[derive(Clone)]
pub struct RedisBuckets {
    conn: ConnectionManager,
    script: redis::Script,
}

impl RedisBuckets {
    pub fn new(conn: ConnectionManager) -> Self {
        Self {
            conn,
            script: redis::Script::new(GCRA),
        }
    }
}

fn secs(ms: i64) -> u64 {
    u64::try_from(ms.max(0)).unwrap_or(0).div_ceil(1000)
}

#[async_trait]
impl SharedBuckets for RedisBuckets {
    async fn take(&self, key: &str, interval: Duration, burst: u32) -> Result<BucketDecision, String> {
        let interval_ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut conn = self.conn.clone();
        let (allowed, remaining, reset, retry): (i64, i64, i64, i64) = self
            .script
            .key(format!("wh:rl:{{{key}}}"))
            .arg(interval_ms)
            .arg(burst.max(1))
            .invoke_async(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        Ok(BucketDecision {
            allowed: allowed == 1,
            remaining: u32::try_from(remaining.max(0)).unwrap_or(0),
            reset_secs: secs(reset),
            retry_after_secs: secs(retry).max(u64::from(allowed != 1)),
        })
    }
}
