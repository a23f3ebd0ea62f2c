//! The readers of [`crate::registry`]: one file each, adapting a format's parser to [`FormatReader`]
//! (how it is recognised, who its records come from, how they reach a [`RecordSink`]).

mod apple_health;
mod fit;
mod fitbit;
mod garmin;
mod google_fit;
mod gpx;
mod oura;
mod strava;
mod tcx;
mod whoop;
mod withings;

pub use apple_health::{attach_route, AppleHealth};
pub use fit::Fit;
pub use fitbit::Fitbit;
pub use garmin::Garmin;
pub use google_fit::GoogleFit;
pub use gpx::Gpx;
pub use oura::Oura;
pub use strava::Strava;
pub use tcx::Tcx;
pub use whoop::Whoop;
pub use withings::Withings;

use crate::sink::{ActivityRecord, Flow};
use crate::{ParsedFile, RecordSink};

/// Hands a whole parsed file to the sink: warnings, then workouts (named after their own device or the
/// file's), then routes without times, then samples. `format` is the id of the reader that parsed it. Readers that read the whole
/// file first may ignore the answer: nothing is left to read after it.
pub(crate) fn emit_file(file: ParsedFile, format: &'static str, sink: &mut dyn RecordSink) -> Flow {
    if !file.warnings.is_empty() {
        sink.warnings(file.warnings)?;
    }
    for activity in file.activities {
        sink.activity(ActivityRecord {
            source_name: activity.device.clone().or_else(|| file.device.clone()),
            activity,
            format,
            route_file: None,
            recording_file: None,
            recording_by_start: false,
        })?;
    }
    for route in file.routes {
        sink.route(route)?;
    }
    for sample in file.samples {
        sink.sample(sample)?;
    }
    Flow::Continue(())
}

/// Whether the text in `head` starts with `first` (after a UTF-8 byte-order mark and white space).
pub(crate) fn text_starts_with(head: &[u8], first: u8) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&first)
}
