//! Which of two readings of the same recording holds more of it. A watch that uploads a file before it
//! is fully written (a sync cut off, a crash) and the complete file later give activities with the same
//! external id; the import service keeps the more complete one. It compares only: replacing is the
//! service's.

use jiff::Timestamp;

use crate::ParsedActivity;

/// How much of a recording an activity holds. Greater is more complete; compare two activities with the
/// same external id and keep the greater (on `Equal` they are interchangeable).
///
/// The order is lexicographic over the fields, in order:
/// - `recorded_until`: a truncated file ends at its last record, never after the complete file's end;
/// - `has_totals`: a file cut after its last record but before its session message ends at the same
///   instant as the complete one, but lacks the session's totals (distance, energy, heart rate, climb).
///
/// Stream points are no measure: a multisport leg alone in a file cut after its session keeps the record
/// on its boundary with the next leg, which the complete file gives to the next leg.
///
/// Built from fields a stored activity also has, so the service can compare a new file with what it
/// stored without re-reading the old file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Completeness {
    /// The activity's end, or its last stream point when that is later.
    pub recorded_until: Timestamp,
    /// Whether any of the device's session totals is present.
    pub has_totals: bool,
}

impl Completeness {
    pub fn of(activity: &ParsedActivity) -> Self {
        let last_point = activity.streams.time.last().and_then(|&offset| {
            let offset = jiff::SignedDuration::try_from_secs_f64(offset).ok()?;
            activity.start.checked_add(offset).ok()
        });
        Self {
            recorded_until: last_point.map_or(activity.end, |t| t.max(activity.end)),
            has_totals: [
                activity.distance,
                activity.energy,
                activity.avg_heart_rate,
                activity.max_heart_rate,
                activity.elevation_gain,
            ]
            .iter()
            .any(Option::is_some),
        }
    }
}
