//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the blocking pool and
//! never stalls the async workers that serve other requests.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::ServiceError;

/// argon2id with configurable cost. Defaults follow OWASP's recommendation (19 MiB, 2 passes, 1 lane).
#[derive(Clone)]
pub struct PasswordHashing {
    argon: Arc<Argon2<'static>>,
    /// Hash of a random password, verified against when a login names no account, so that unknown and
    /// known usernames take the same time to refuse.
    decoy_hash: Arc<String>,
}

impl PasswordHashing {
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, ServiceError> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| ServiceError::Internal(format!("argon2 parameters: {e}")))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let decoy = hash_with(&argon, &uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            argon: Arc::new(argon),
            decoy_hash: Arc::new(decoy),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, ServiceError> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_with(&argon, &password))
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?
    }

    /// `true` when `password` matches `hash`. With `hash: None` verifies against the decoy (always false).
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, ServiceError> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        let known = hash.is_some();
        let hash = hash
            .map(str::to_owned)
            .unwrap_or_else(|| self.decoy_hash.as_ref().clone());
        let matched = tokio::task::spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&hash).map_err(|e| ServiceError::Internal(format!("stored hash: {e}")))?;
            Ok::<_, ServiceError>(argon.verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))??;
        Ok(matched && known)
    }
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let hashing = PasswordHashing::new(8 * 1024, 1, 1).unwrap();
        let a = hashing.hash("granite kettle orbit").await.unwrap();
        let b = hashing.hash("granite kettle orbit").await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(hashing.verify("granite kettle orbit", Some(&a)).await.unwrap());
        assert!(!hashing.verify("granite kettle orbiT", Some(&a)).await.unwrap());
        assert!(!hashing.verify("granite kettle orbit", None).await.unwrap());
    }
}
