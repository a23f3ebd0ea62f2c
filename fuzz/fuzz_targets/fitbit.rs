//! Any bytes given to the Fitbit reader, as any kind of export entry, give records or a `FormatError`,
//! never a panic; samples it returns are ordered in time and finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::fitbit::{read_fitbit_entry, FitbitContext, WeightUnit};

/// One entry name per kind the reader knows; the first input byte picks one.
const PATHS: &[&str] = &[
    "steps-2020-01-01.json",
    "distance-2020-01-01.json",
    "heart_rate-2020-01-01.json",
    "resting_heart_rate-2020-01-01.json",
    "moderately_active_minutes-2020-01-01.json",
    "very_active_minutes-2020-01-01.json",
    "weight-2020-01-01.json",
    "sleep-2020-01-01.json",
    "exercise-0.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let ctx = FitbitContext {
        zones: wearhouse_formats::ZoneHistory::fixed(
            jiff::tz::TimeZone::get("America/New_York").unwrap_or(jiff::tz::TimeZone::UTC),
        ),
        weight_unit: if pick % 2 == 0 {
            WeightUnit::Kilogram
        } else {
            WeightUnit::Pound
        },
    };
    if let Ok(file) = read_fitbit_entry(path, bytes, &ctx) {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
        for activity in &file.activities {
            assert!(activity.start <= activity.end);
        }
    }
});
