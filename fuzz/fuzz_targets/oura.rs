//! Any bytes given to the Oura reader give records or a `FormatError`, never a panic; samples are
//! finite and end no earlier than they start.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::oura::read_oura_export;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = read_oura_export("oura_data.json", data) {
        for sample in &file.samples {
            assert!(sample.start <= sample.end);
            assert!(sample.value.is_finite());
        }
    }
});
