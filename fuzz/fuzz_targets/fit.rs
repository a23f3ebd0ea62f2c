//! Any bytes into the FIT reader: it must return Ok or Err, never panic, loop or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = wearhouse_formats::fit::read_fit(data) {
        for activity in &file.activities {
            assert!(activity.end >= activity.start);
            assert!(activity.streams.validate().is_ok());
        }
    }
});
