//! Any bytes given to the TCX reader give records or a `FormatError`, never a panic, and whatever it
//! returns keeps the stream and lap invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = wearhouse_formats::tcx::read_tcx(data) {
        for activity in &file.activities {
            assert!(activity.streams.validate().is_ok());
            assert!(activity.start <= activity.end);
            assert!(activity
                .laps
                .iter()
                .all(|l| l.start_offset >= 0.0 && l.duration >= 0.0));
        }
    }
});
