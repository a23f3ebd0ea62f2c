//! Any bytes given to the WHOOP reader give records or a `FormatError`, never a panic; samples and
//! workouts end no earlier than they start, and values are finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wearhouse_formats::whoop::read_whoop_file;

/// The four headers, so that the fuzzer reaches the rows of every kind from its first inputs.
const HEADERS: [&str; 4] = [
    "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset\n",
    "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Nap\n",
    "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),Distance (meters)\n",
    "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut bytes = HEADERS[usize::from(pick) % HEADERS.len()].as_bytes().to_vec();
    bytes.extend_from_slice(rest);
    for input in [data, bytes.as_slice()] {
        if let Ok(read) = read_whoop_file("whoop.csv", input) {
            for sample in &read.file.samples {
                assert!(sample.start <= sample.end);
                assert!(sample.value.is_finite());
            }
            for activity in &read.file.activities {
                assert!(activity.start <= activity.end);
            }
            for record in &read.journal {
                assert!(record.start <= record.end);
            }
        }
    }
});
