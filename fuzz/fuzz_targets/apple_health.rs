//! Feeds arbitrary bytes to the Apple Health reader: it must return records, warnings or a
//! `FormatError`, never panic or loop. Input is also prefixed with a root element so the fuzzer
//! reaches the record parsing, not only the "not an export" refusal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::apple_health::{AppleHealthReader, HealthRecord};

fn drain(input: &[u8]) {
    // A small BufReader makes tags straddle refills, the hardest path of the scanner.
    let mut reader = AppleHealthReader::new(std::io::BufReader::with_capacity(61, input));
    while let Ok(Some(record)) = reader.next_record() {
        match record {
            HealthRecord::Sample(s) => assert!(s.end >= s.start && s.value.is_finite()),
            HealthRecord::Unmapped(u) => assert!(u.end >= u.start),
            HealthRecord::Workout(w) => {
                assert!(w.activity.end >= w.activity.start);
                assert!(w.activity.streams.validate().is_ok());
            }
            HealthRecord::ActivitySummary(_) | HealthRecord::Me { .. } => {}
        }
    }
    assert!(reader.bytes_read() <= input.len() as u64);
}

fuzz_target!(|data: &[u8]| {
    drain(data);
    let mut rooted = b"<HealthData locale=\"en_US\">".to_vec();
    rooted.extend_from_slice(data);
    drain(&rooted);
});
