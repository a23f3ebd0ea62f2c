//! Any bytes given to the Garmin reader, as any file of the export it reads, give records or a
//! `FormatError`, never a panic; samples are finite and end no earlier than they start, workouts end
//! after they start.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::garmin::read_garmin_file;
use wearhouse_formats::ZoneHistory;

/// One file name per kind the reader knows; the first input byte picks one.
const FILES: &[&str] = &[
    "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2023-07-19_2023-10-27.json",
    "DI_CONNECT/DI-Connect-Wellness/2024-05-15_2024-08-23_74303376_sleepData.json",
    "DI_CONNECT/DI-Connect-Fitness/ana@example.org_0_summarizedActivities.json",
    "DI_CONNECT/DI-Connect-Wellness/74303376_userBioMetrics.json",
    "DI_CONNECT/DI-Connect-Aggregator/HydrationLogFile_2024-01-01_2024-04-10.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = FILES[usize::from(pick) % FILES.len()];
    let zones = ZoneHistory::fixed(jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC));
    if let Ok(file) = read_garmin_file(name, rest, &zones) {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
        for activity in &file.activities {
            assert!(activity.start < activity.end);
        }
    }
});
