//! `Idempotency-Key` for POSTs: a retried request (same key, same body) gets the first response back
//! instead of doing the work twice; the same key with a different body is refused.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use wearhouse_model::{InvalidInput, UserId};
use wearhouse_store::{KeyClaim, Store, StoredResponse};

use crate::{Clock, ServiceError};

const MAX_KEY_LEN: usize = 255;

pub struct IdempotencyService {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl IdempotencyService {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Claims `key` for a request to `route` with `body`. Keys are per user and kept for 24 hours.
    pub async fn claim(
        &self,
        user: &UserId,
        key: &str,
        route: &str,
        body: &[u8],
    ) -> Result<KeyClaim, ServiceError> {
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ServiceError::invalid(
                "Idempotency-Key",
                InvalidInput::new(
                    "invalid_idempotency_key",
                    "an Idempotency-Key is 1 to 255 printable ASCII characters",
                ),
            ));
        }
        let mut hash = Sha256::new();
        hash.update(route.as_bytes());
        hash.update([0]);
        hash.update(body);
        let fingerprint: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(self
            .store
            .idempotency
            .claim_key(user, key, &fingerprint, self.clock.now())
            .await?)
    }

    pub async fn complete(
        &self,
        user: &UserId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), ServiceError> {
        Ok(self.store.idempotency.complete(user, key, response).await?)
    }

    pub async fn release(&self, user: &UserId, key: &str) -> Result<(), ServiceError> {
        Ok(self.store.idempotency.release(user, key).await?)
    }
}
