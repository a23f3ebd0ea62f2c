//! Any bytes given to the GPX reader give records or a `FormatError`, never a panic, and whatever it
//! returns keeps the stream invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = wearhouse_formats::gpx::read_gpx(data) {
        for activity in &file.activities {
            assert!(activity.streams.validate().is_ok());
            assert!(activity.start <= activity.end);
        }
    }
});
