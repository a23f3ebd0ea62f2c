//! Apple Health `export.xml` ([`crate::apple_health`]), recognised by its `<HealthData>` root and
//! streamed: records reach the sink one at a time as the scanner meets them, so a 2 GB export is read
//! in the memory of one read buffer. Workouts whose routes are separate GPX files of the export name
//! them in [`ActivityRecord::route_file`]; [`attach_route`] gives such a workout its route.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::apple_health::{AppleHealthReader, HealthRecord};
use crate::sink::{ActivityRecord, Flow};
use crate::{detect, FormatError, FormatReader, ParsedActivity, ReadContext, RecordSink};

/// Records between two progress reports: often enough for a progress bar, rare enough to cost nothing.
const PROGRESS_EVERY: u32 = 4096;

/// The Apple Health export reader.
#[derive(Debug, Clone, Copy)]
pub struct AppleHealth;

impl FormatReader for AppleHealth {
    fn id(&self) -> &'static str {
        "apple_health"
    }

    fn provider(&self) -> Provider {
        Provider::AppleHealth
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        detect::has_element(head, b"<HealthData")
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        _name: &str,
        _ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let mut reader = AppleHealthReader::new(input);
        // Activity rings are derived data, and the `Me` characteristics belong in the profile: neither
        // is imported.
        let mut summaries = 0u64;
        let mut until_progress = PROGRESS_EVERY;
        while let Some(record) = reader.next_record()? {
            let flow = match record {
                HealthRecord::Sample(sample) => sink.sample(sample),
                HealthRecord::Unmapped(raw) => sink.raw(raw),
                HealthRecord::Workout(workout) => {
                    let workout = *workout;
                    sink.activity(ActivityRecord {
                        activity: workout.activity,
                        format: self.id(),
                        source_name: workout.source_name,
                        route_file: workout.route_files.into_iter().next(),
                        recording_file: None,
                        recording_by_start: false,
                    })
                }
                HealthRecord::ActivitySummary(_) => {
                    summaries += 1;
                    Flow::Continue(())
                }
                HealthRecord::Me { .. } => Flow::Continue(()),
            };
            if flow.is_break() {
                return Ok(());
            }
            until_progress -= 1;
            if until_progress == 0 {
                until_progress = PROGRESS_EVERY;
                if sink.progress(reader.bytes_read()).is_break() {
                    return Ok(());
                }
            }
        }
        let counts = reader.counts();
        let skipped = [
            ("unmapped_type:ActivitySummary", summaries),
            ("unreadable_record", counts.skipped),
            ("correlation_duplicate", counts.correlation_duplicates),
        ];
        for (reason, count) in skipped {
            if count > 0 && sink.skipped(reason, count).is_break() {
                return Ok(());
            }
        }
        if sink.warnings(reader.warnings().to_vec()).is_break() {
            return Ok(());
        }
        let _ = sink.progress(reader.bytes_read());
        Ok(())
    }
}

/// Gives a workout the streams of its route (the first track of the route's GPX file), re-based on the
/// workout's start, keeping only the points inside the workout.
pub fn attach_route(workout: &mut ParsedActivity, route: &ParsedActivity) {
    let shift = (route.start.as_millisecond() - workout.start.as_millisecond()) as f64 / 1000.0;
    let mut streams = route.streams.clone();
    for t in &mut streams.time {
        *t += shift;
    }
    let duration = (workout.end.as_millisecond() - workout.start.as_millisecond()) as f64 / 1000.0;
    let keep: Vec<bool> = streams
        .time
        .iter()
        .map(|t| *t >= 0.0 && *t <= duration + 1.0)
        .collect();
    if keep.iter().all(|k| *k) {
        workout.streams = streams;
        return;
    }
    let filter = |v: &Vec<Option<f64>>| {
        v.iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect()
    };
    workout.streams.time = streams
        .time
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(t, _)| *t)
        .collect();
    workout.streams.channels = streams.channels.iter().map(|(k, v)| (*k, filter(v))).collect();
}
