//! Summary and series responses shared between processes: a body computed on one node is served by
//! the others. Keys carry the user's data version (see `wearhouse_services::responses`), so nothing here
//! is ever invalidated: a write moves readers to new keys, and old entries expire.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use redis::aio::ConnectionManager;
use wearhouse_services::responses::SharedResponses;

#[derive(Clone)]
pub struct RedisResponses {
    conn: ConnectionManager,
}

impl RedisResponses {
    pub fn new(conn: ConnectionManager) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl SharedResponses for RedisResponses {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, String> {
        let mut conn = self.conn.clone();
        let body: Option<Vec<u8>> = redis::cmd("GET")
            .arg(key)
            .query_async(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        Ok(body.map(Bytes::from))
    }

    async fn put(&self, key: &str, body: &[u8], ttl: Duration) -> Result<(), String> {
        let mut conn = self.conn.clone();
        redis::cmd("SET")
            .arg(key)
            .arg(body)
            .arg("EX")
            .arg(ttl.as_secs().max(1))
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| e.to_string())
    }
}
