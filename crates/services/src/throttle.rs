//! Per-account login throttling: after a few failed attempts on one account, each further attempt must
//! wait a delay that doubles with every failure (up to a cap), whichever addresses the attempts come
//! from. It keeps no state in the database: each process counts the attempts it sees.

use std::time::Duration;

use jiff::Timestamp;

/// Failed attempts tolerated before delays start.
const FREE_ATTEMPTS: u32 = 5;
/// The longest delay between two attempts on one account.
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// An account without attempts for this long starts again from zero.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, Copy)]
struct Attempts {
    /// Attempts not followed by a success (counted when they start, so concurrent ones count too).
    count: u32,
    last: Timestamp,
}

/// Counts login attempts per account (the user id, or the login as typed when it names no account, so
/// both are throttled alike and timing or 429s do not reveal which accounts exist).
pub struct LoginThrottle {
    attempts: moka::sync::Cache<String, Attempts>,
    /// Off only where something else throttles logins, or for a contract test that guesses passwords.
    enabled: bool,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            attempts: moka::sync::Cache::builder()
                .max_capacity(1_000_000)
                .time_to_idle(FORGET_AFTER)
                .build(),
            enabled: true,
        }
    }
}

/// The delay after `count` failed attempts.
fn delay(count: u32) -> Duration {
    if count < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (count - FREE_ATTEMPTS).min(20);
    Duration::from_secs(1u64 << doublings).min(MAX_DELAY)
}

impl LoginThrottle {
    /// A throttle that refuses nothing.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Starts an attempt on `key` at `now`: `Ok` counts it (as failed until [`Self::succeeded`]),
    /// `Err(wait)` refuses it without counting.
    pub fn begin(&self, key: &str, now: Timestamp) -> Result<(), Duration> {
        if !self.enabled {
            return Ok(());
        }
        let mut refused = None;
        self.attempts
            .entry(key.to_owned())
            .and_upsert_with(|entry| match entry.map(|e| e.into_value()) {
                None => Attempts { count: 1, last: now },
                Some(a) => {
                    let allowed_at = a.last.checked_add(delay(a.count)).unwrap_or(Timestamp::MAX);
                    if now < allowed_at {
                        let wait = now.duration_until(allowed_at).unsigned_abs();
                        refused = Some(wait);
                        a
                    } else {
                        Attempts {
                            count: a.count.saturating_add(1),
                            last: now,
                        }
                    }
                }
            });
        refused.map_or(Ok(()), Err)
    }

    /// A successful login: the account's count starts again.
    pub fn succeeded(&self, key: &str) {
        self.attempts.invalidate(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn delays_start_after_the_free_attempts_and_double() {
        let throttle = LoginThrottle::default();
        for _ in 0..FREE_ATTEMPTS {
            assert!(throttle.begin("usr_a", at(0)).is_ok());
        }
        assert_eq!(throttle.begin("usr_a", at(0)), Err(Duration::from_secs(1)));
        assert!(throttle.begin("usr_a", at(1)).is_ok());
        assert_eq!(throttle.begin("usr_a", at(2)), Err(Duration::from_secs(1)));
        assert!(throttle.begin("usr_a", at(3)).is_ok());
        assert_eq!(throttle.begin("usr_a", at(3)), Err(Duration::from_secs(4)));
        // Other accounts are not affected; a success starts again.
        assert!(throttle.begin("usr_b", at(3)).is_ok());
        throttle.succeeded("usr_a");
        assert!(throttle.begin("usr_a", at(3)).is_ok());
    }

    #[test]
    fn the_delay_is_capped() {
        assert_eq!(delay(4), Duration::ZERO);
        assert_eq!(delay(5), Duration::from_secs(1));
        assert_eq!(delay(14), Duration::from_secs(512));
        assert_eq!(delay(15), MAX_DELAY);
        assert_eq!(delay(u32::MAX), MAX_DELAY);
    }
}
