//! Any bytes given to the Google Fit reader, as any kind of Takeout entry, give records or a
//! `FormatError`, never a panic; samples it returns are ordered in time and finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::google_fit::read_google_fit_entry;

/// One entry name per kind the reader knows; the first input byte picks one.
const PATHS: &[&str] = &[
    "Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json",
    "Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json",
    "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv",
    "Takeout/Fit/Daily activity metrics/2020-01-01.csv",
    "Takeout/Fit/Activities/2020-01-01T07_00_00+01_00_RUNNING.tcx",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
    if let Ok(file) = read_google_fit_entry(path, bytes, &zone) {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
        for activity in &file.activities {
            assert!(activity.start <= activity.end);
        }
    }
});
