//! Any bytes given to the Withings reader, as any file of the export it reads, give records or a
//! `FormatError`, never a panic; samples are finite and in order, workouts end after they start.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::withings::read_withings_file;
use wearhouse_formats::ZoneHistory;

/// One file name per kind the reader knows; the first input byte picks one, and its header is
/// written before the rest of the input so the fuzzer starts inside the rows.
const FILES: &[(&str, &str)] = &[
    ("weight.csv", "Date,\"Weight (kg)\",\"Fat mass (kg)\",Comments\n"),
    ("weight.csv", "Date,\"Weight (lb)\",\"Fat mass (lb)\",Comments\n"),
    ("bp.csv", "Date,\"Heart rate\",Systolic,Diastolic,Comments\n"),
    ("height.csv", "Date,\"Height (m)\",Comments\n"),
    ("aggregates_steps.csv", "date,value\n"),
    ("raw_hr_hr.csv", "start,duration,value\n"),
    ("raw_tracker_steps.csv", "start,duration,value\n"),
    ("raw_bed_sleep-state.csv", "start,duration,value\n"),
    ("activities.csv", "from,to,\"from (manual)\",\"to (manual)\",Timezone,\"Activity type\",Data,GPS,Modified\n"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (name, header) = FILES[usize::from(pick) % FILES.len()];
    let bytes = [header.as_bytes(), rest].concat();
    let zones = ZoneHistory::fixed(jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC));
    if let Ok(file) = read_withings_file(name, &bytes, &zones) {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
        for activity in &file.activities {
            assert!(activity.start < activity.end);
        }
    }
});
