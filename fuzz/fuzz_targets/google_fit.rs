//! Any bytes given to the Google Fit reader, as any kind of Takeout entry, with or without a basal rate
//! to split energy by, give records or a `FormatError`, never a panic; samples it returns are ordered
//! in time and finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::google_fit::{read_google_fit_entry_with, BasalRates};
use wearhouse_formats::ZoneHistory;

/// One entry name per kind the reader knows; the first input byte picks one.
const PATHS: &[&str] = &[
    "Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json",
    "Takeout/Fit/All Data/derived_com.google.calories.bmr_com.google.android.gms_merged.json",
    "Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json",
    "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv",
    "Takeout/Fit/Daily activity metrics/2020-01-01.csv",
    "Takeout/Fit/Activities/2020-01-01T07_00_00+01_00_RUNNING.tcx",
];

/// A basal-rate file: 1,650 kcal a day from 2020-01-01T00:00Z, 1,700 from noon.
const RATES: &str = r#"{"Data Source":"derived:com.google.calories.bmr:com.google.android.gms:merged","Data Points":[
{"fitValue":[{"value":{"fpVal":1650.0}}],"dataTypeName":"com.google.calories.bmr","startTimeNanos":1577836800000000000,"endTimeNanos":1577836800000000000},
{"fitValue":[{"value":{"fpVal":1700.0}}],"dataTypeName":"com.google.calories.bmr","startTimeNanos":1577880000000000000,"endTimeNanos":1577880000000000000}]}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
    let zones = ZoneHistory::fixed(zone);
    let rates: Option<BasalRates> = read_google_fit_entry_with(PATHS[1], RATES.as_bytes(), &zones, None)
        .ok()
        .and_then(|entry| entry.basal_rates);
    // The high bit of the first byte says whether the import had read the basal rate.
    let with = if pick & 0x80 != 0 { rates.as_ref() } else { None };
    if let Ok(entry) = read_google_fit_entry_with(path, bytes, &zones, with) {
        for sample in &entry.file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
        for activity in &entry.file.activities {
            assert!(activity.start <= activity.end);
        }
    }
});
