//! Any bytes given to the Strava reader as `activities.csv` give workouts or a `FormatError`, never a
//! panic; every workout it gives ends after it starts, holds only finite totals and, when joined to
//! any recording, keeps that recording's times.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::strava::{join_recording, read_activities};
use wearhouse_formats::Collected;

fuzz_target!(|data: &[u8]| {
    let mut sink = Collected::default();
    if read_activities(data, "strava", &mut sink).is_err() {
        return;
    }
    for record in sink.activities {
        let a = record.activity;
        assert!(a.start < a.end);
        for total in [a.distance, a.energy, a.avg_heart_rate, a.max_heart_rate, a.moving_time] {
            assert!(total.is_none_or(|v| v.is_finite() && v > 0.0));
        }
        assert!(a.rpe.is_none_or(|r| (1..=10).contains(&r)));
        let mut recorded = a.clone();
        recorded.start = recorded.end;
        let joined = join_recording(a, vec![recorded.clone()]);
        assert_eq!(joined.len(), 1);
        assert_eq!((joined[0].start, joined[0].end), (recorded.start, recorded.end));
    }
});
