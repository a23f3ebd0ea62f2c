//! Access tokens (short-lived JWTs, HS256) and refresh tokens (opaque random strings stored hashed).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use wearhouse_model::UserId;

use crate::ServiceError;

const ISSUER: &str = "wearhouse";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    /// The user's token epoch at issue; "log out everywhere" bumps it and so kills this token.
    pub ep: i64,
    /// The refresh-token family (session) this token belongs to.
    pub sid: String,
}

/// Signs and checks access tokens with one HMAC key.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_secs: i64,
}

impl AccessTokens {
    pub fn new(key: &[u8], ttl_secs: i64) -> Self {
        // Only HS256 is accepted: `alg: none` or an RS/ES algorithm in the header is refused before any
        // signature check, which rules out algorithm-confusion attacks.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(
        &self,
        user: &UserId,
        epoch: i64,
        session: &str,
        now: Timestamp,
    ) -> Result<String, ServiceError> {
        let claims = AccessClaims {
            sub: user.to_string(),
            iat: now.as_second(),
            exp: now.as_second() + self.ttl_secs,
            iss: ISSUER.to_owned(),
            ep: epoch,
            sid: session.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ServiceError::Internal(format!("signing token: {e}")))
    }

    /// Checks signature, algorithm, issuer and expiry against `now` (not the system clock).
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<AccessClaims, ServiceError> {
        let mut validation = self.validation.clone();
        // jsonwebtoken compares `exp` with the system clock; we check it ourselves against our clock.
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|_| ServiceError::unauthorized("invalid_token", "the access token is invalid"))?;
        if data.claims.exp + self.validation.leeway as i64 <= now.as_second() {
            return Err(ServiceError::unauthorized(
                "token_expired",
                "the access token has expired",
            ));
        }
        Ok(data.claims)
    }
}

/// How long a stream ticket is good for: long enough to open a connection right after taking it.
pub const STREAM_TICKET_SECS: i64 = 30;

/// The audience of stream tickets: an access-token check refuses them, a ticket check refuses
/// anything else.
const TICKET_AUDIENCE: &str = "wearhouse-stream";

/// What a stream ticket says: who, for which session, until when the stream may stay open.
#[derive(Debug, Serialize, Deserialize)]
pub struct TicketClaims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub ep: i64,
    pub sid: String,
    /// The expiry of the access token the ticket was taken with (Unix seconds).
    pub until: i64,
    /// Unique: a process accepts a ticket once.
    pub jti: String,
}

impl AccessTokens {
    pub fn issue_ticket(
        &self,
        user: &UserId,
        epoch: i64,
        session: &str,
        until: i64,
        now: Timestamp,
        ttl_secs: i64,
    ) -> Result<String, ServiceError> {
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let claims = TicketClaims {
            sub: user.to_string(),
            iat: now.as_second(),
            exp: now.as_second() + ttl_secs,
            iss: ISSUER.to_owned(),
            aud: TICKET_AUDIENCE.to_owned(),
            ep: epoch,
            sid: session.to_owned(),
            until,
            jti: URL_SAFE_NO_PAD.encode(id),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ServiceError::Internal(format!("signing ticket: {e}")))
    }

    /// Checks a stream ticket's signature, audience and expiry against `now`.
    pub fn verify_ticket(&self, ticket: &str, now: Timestamp) -> Result<TicketClaims, ServiceError> {
        let mut validation = self.validation.clone();
        validation.validate_exp = false;
        validation.set_audience(&[TICKET_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        let claims = jsonwebtoken::decode::<TicketClaims>(ticket, &self.decoding, &validation)
            .map_err(|_| ServiceError::unauthorized("invalid_ticket", "the stream ticket is invalid"))?
            .claims;
        if claims.exp <= now.as_second() {
            return Err(ServiceError::unauthorized(
                "ticket_expired",
                "the stream ticket has expired; take a new one (POST /api/v1/stream/tickets)",
            ));
        }
        Ok(claims)
    }
}

/// A new opaque refresh token: 256 random bits, URL-safe. Returns the token and its storage hash.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = sha256_hex(&token);
    (token, hash)
}

/// SHA-256 in hex. Enough for high-entropy secrets (refresh tokens, recovery codes): unlike passwords
/// they cannot be guessed from a dictionary, so a slow hash would add cost and no safety.
pub fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random signing key, base64, for servers that were not given one.
pub fn generate_signing_key() -> String {
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-03-29T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", 900);
        let user = UserId::generate();
        let jwt = tokens.issue(&user, 3, "fam", now()).unwrap();
        let claims = tokens.verify(&jwt, now()).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.ep, claims.sid.as_str()),
            (user.as_str(), 3, "fam")
        );
        let later = now() + jiff::SignedDuration::from_secs(906);
        assert_eq!(
            tokens.verify(&jwt, later).unwrap_err().to_string(),
            "the access token has expired"
        );
    }

    #[test]
    fn tokens_signed_with_another_key_or_tampered_are_refused() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", 900);
        let other = AccessTokens::new(b"fedcba9876543210fedcba9876543210", 900);
        let jwt = other.issue(&UserId::generate(), 0, "f", now()).unwrap();
        assert!(tokens.verify(&jwt, now()).is_err());
        // Change a character in the middle of the signature (the last one may only carry padding bits)
        // to a different one, so the decoded signature really differs.
        let jwt = tokens.issue(&UserId::generate(), 0, "f", now()).unwrap();
        let signature_start = jwt.rfind('.').unwrap() + 1;
        let middle = signature_start + (jwt.len() - signature_start) / 2;
        let replacement = if &jwt[middle..=middle] == "A" { "B" } else { "A" };
        let tampered = format!("{}{replacement}{}", &jwt[..middle], &jwt[middle + 1..]);
        assert_ne!(tampered, jwt);
        assert!(tokens.verify(&tampered, now()).is_err());
    }

    #[test]
    fn tickets_and_access_tokens_are_not_interchangeable() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", 900);
        let user = UserId::generate();
        let until = now().as_second() + 600;
        let ticket = tokens.issue_ticket(&user, 2, "fam", until, now(), 30).unwrap();
        let claims = tokens.verify_ticket(&ticket, now()).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.ep, claims.until),
            (user.as_str(), 2, until)
        );
        assert!(
            tokens.verify(&ticket, now()).is_err(),
            "a ticket is no access token"
        );
        let jwt = tokens.issue(&user, 2, "fam", now()).unwrap();
        assert!(
            tokens.verify_ticket(&jwt, now()).is_err(),
            "an access token is no ticket"
        );
        let later = now() + jiff::SignedDuration::from_secs(31);
        assert_eq!(
            tokens.verify_ticket(&ticket, later).unwrap_err().code(),
            Some("ticket_expired")
        );
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(ha, sha256_hex(&a));
        assert_eq!(ha.len(), 64);
    }
}
