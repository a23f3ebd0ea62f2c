//! Retry delays: exponential in the attempt, capped, with "equal jitter" (half the delay fixed, half
//! random) so jobs that failed together (a database restart) do not all come back at the same instant.

use std::time::Duration;

use rand::Rng;

/// The delay before retrying after failed attempt number `attempt` (1 for the first).
pub fn delay(attempt: i32, base: Duration, max: Duration) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(30);
    let full = base.saturating_mul(1u32 << doublings).min(max);
    let half = full / 2;
    let jitter = rand::thread_rng().gen_range(0..=half.as_millis().min(u128::from(u64::MAX)) as u64);
    half + Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_per_attempt_within_its_jitter_and_stops_at_the_cap() {
        let base = Duration::from_secs(2);
        let max = Duration::from_secs(60);
        for _ in 0..200 {
            let first = delay(1, base, max);
            assert!(
                first >= Duration::from_secs(1) && first <= Duration::from_secs(2),
                "{first:?}"
            );
            let third = delay(3, base, max);
            assert!(
                third >= Duration::from_secs(4) && third <= Duration::from_secs(8),
                "{third:?}"
            );
            let late = delay(40, base, max);
            assert!(late >= Duration::from_secs(30) && late <= max, "{late:?}");
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let base = Duration::from_secs(10);
        let delays: std::collections::HashSet<Duration> = (0..50)
            .map(|_| delay(2, base, Duration::from_secs(3600)))
            .collect();
        assert!(delays.len() > 10, "{} distinct delays of 50", delays.len());
    }
}
