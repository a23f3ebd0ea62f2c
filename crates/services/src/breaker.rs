//! A circuit breaker for an optional shared service (Redis): after a failure, callers skip it for a
//! while and use their local fallback, so a Redis that is down or hanging costs requests nothing after
//! the first, and the log gets one line per outage instead of one per request.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

pub struct Breaker {
    /// What the log calls the service and its fallback.
    what: &'static str,
    /// The longest a call may take before it counts as failed.
    timeout: Duration,
    /// How long the service is skipped after a failure.
    pause: Duration,
    started: Instant,
    /// Milliseconds since `started` until which calls are skipped.
    open_until: AtomicI64,
}

impl Breaker {
    pub fn new(what: &'static str, timeout: Duration, pause: Duration) -> Self {
        Self {
            what,
            timeout,
            pause,
            started: Instant::now(),
            open_until: AtomicI64::new(0),
        }
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// Runs `call` unless the breaker is open; `None` when it was skipped, failed or took longer than
    /// the timeout (the failure opens the breaker).
    pub async fn call<T, E: std::fmt::Display>(&self, call: impl Future<Output = Result<T, E>>) -> Option<T> {
        if self.now_ms() < self.open_until.load(Ordering::Relaxed) {
            return None;
        }
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(e)) => {
                self.trip(&e.to_string());
                None
            }
            Err(_) => {
                self.trip(&format!("no answer within {} ms", self.timeout.as_millis()));
                None
            }
        }
    }

    fn trip(&self, error: &str) {
        let now = self.now_ms();
        let until = now.saturating_add(i64::try_from(self.pause.as_millis()).unwrap_or(i64::MAX));
        if self.open_until.swap(until, Ordering::Relaxed) <= now {
            tracing::warn!(
                error,
                pause_secs = self.pause.as_secs(),
                "{} failed; using the local fallback for a while",
                self.what
            );
        }
    }

    /// Whether calls are being skipped now.
    pub fn is_open(&self) -> bool {
        self.now_ms() < self.open_until.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failure_or_a_hang_skips_the_service_for_the_pause_then_it_is_tried_again() {
        let breaker = Breaker::new("test service", Duration::from_millis(100), Duration::from_secs(5));
        assert_eq!(breaker.call(async { Ok::<_, String>(1) }).await, Some(1));
        assert_eq!(breaker.call(async { Err::<i32, _>("down") }).await, None);
        assert!(breaker.is_open());
        let mut called = false;
        assert_eq!(
            breaker
                .call(async {
                    called = true;
                    Ok::<_, String>(2)
                })
                .await,
            None
        );
        assert!(!called, "skipped while open");
        // A short pause, waited for real.
        let breaker = Breaker::new(
            "test service",
            Duration::from_millis(100),
            Duration::from_millis(30),
        );
        let hang = std::future::pending::<Result<i32, String>>();
        assert_eq!(breaker.call(hang).await, None, "a hang counts as a failure");
        assert!(breaker.is_open());
        std::thread::sleep(Duration::from_millis(40));
        assert!(!breaker.is_open());
        assert_eq!(breaker.call(async { Ok::<_, String>(3) }).await, Some(3));
    }
}
