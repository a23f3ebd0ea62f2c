//! Any bytes given to the Oura readers, as the JSON export or as a Trends CSV, give records or a
//! `FormatError`, never a panic; samples are finite and end no earlier than they start.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::oura::{read_oura_export, read_oura_trends};
use wearhouse_formats::ZoneHistory;

fuzz_target!(|data: &[u8]| {
    let zones = ZoneHistory::fixed(jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC));
    for file in [
        read_oura_export("oura_data.json", data),
        read_oura_trends("oura_trends.csv", data, &zones),
    ]
    .into_iter()
    .flatten()
    {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
    }
});
