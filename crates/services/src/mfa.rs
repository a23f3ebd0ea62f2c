//! TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app speaks) and
//! one-time recovery codes.

use base64::Engine;
use rand::Rng;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::tokens::sha256_hex;
use crate::ServiceError;

const STEP_SECS: u64 = 30;
/// Codes from the previous and next step are accepted too, for clock drift between phone and server.
const SKEW_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;

/// A user's TOTP generator, rebuilt from the stored base32 secret.
pub struct Totp(TOTP);

impl Totp {
    /// A fresh 160-bit secret (RFC 4226's recommended length), base32-encoded.
    pub fn generate_secret() -> String {
        match Secret::generate_secret().to_encoded() {
            Secret::Encoded(encoded) => encoded,
            // `to_encoded` always returns the Encoded variant; fall back to encoding ourselves.
            Secret::Raw(raw) => base64::engine::general_purpose::STANDARD.encode(raw),
        }
    }

    pub fn from_secret(base32: &str, account: &str) -> Result<Self, ServiceError> {
        let bytes = Secret::Encoded(base32.to_owned())
            .to_bytes()
            .map_err(|e| ServiceError::Internal(format!("stored TOTP secret: {e:?}")))?;
        // Account names may not contain ':' in otpauth URIs; usernames never do.
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            STEP_SECS,
            bytes,
            Some("Wearhouse".to_owned()),
            account.to_owned(),
        )
        .map(Self)
        .map_err(|e| ServiceError::Internal(format!("TOTP setup: {e:?}")))
    }

    /// The `otpauth://` URI authenticator apps scan as a QR code.
    pub fn uri(&self) -> String {
        self.0.get_url()
    }

    /// The code for the step containing `unix_secs`. Used by tests and by nothing else.
    pub fn code_at(&self, unix_secs: u64) -> String {
        self.0.generate(unix_secs)
    }

    /// The time step `code` is valid for at `unix_secs`, or `None` if it matches no step in the window.
    pub fn matching_step(&self, code: &str, unix_secs: i64) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = unix_secs / STEP_SECS as i64;
        (-SKEW_STEPS..=SKEW_STEPS)
            .map(|k| current + k)
            .filter(|s| *s >= 0)
            .find(|step| {
                let expected = self.0.generate(*step as u64 * STEP_SECS);
                constant_time_eq(expected.as_bytes(), code.as_bytes())
            })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `code` looks like a TOTP code (six digits) rather than a recovery code.
pub fn is_totp_code(code: &str) -> bool {
    let code = code.trim();
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Ten recovery codes as shown to the user (`abcde-fghij`, 50 bits each) and their storage hashes.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    // No 0/1/o/l/i: codes get written down and typed back in.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut chars = (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
            let first: String = chars.by_ref().take(5).collect();
            let second: String = chars.collect();
            format!("{first}-{second}")
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_code_hash(c)).collect();
    (codes, hashes)
}

/// Hash of a recovery code as typed: case, spaces and dashes do not matter.
pub fn recovery_code_hash(typed: &str) -> String {
    let normalised: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha256_hex(&normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_and_neighbours_only() {
        let secret = Totp::generate_secret();
        let totp = Totp::from_secret(&secret, "ana").unwrap();
        let t = 1_774_774_800; // a multiple of 30
        let code = totp.code_at(t as u64);
        assert_eq!(totp.matching_step(&code, t), Some(t / 30));
        assert_eq!(
            totp.matching_step(&code, t + 30),
            Some(t / 30),
            "previous step accepted"
        );
        assert_eq!(
            totp.matching_step(&code, t + 95),
            None,
            "three steps later refused"
        );
        assert_eq!(totp.matching_step("12345", t), None);
        assert!(totp.uri().starts_with("otpauth://totp/Wearhouse:ana?"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(hashes.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert_eq!(
            recovery_code_hash(&codes[0].to_uppercase().replace('-', " ")),
            hashes[0]
        );
        assert!(!is_totp_code(&codes[0]));
        assert!(is_totp_code(" 123456 "));
    }
}
