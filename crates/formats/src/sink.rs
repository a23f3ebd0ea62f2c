//! Where readers put what they read: a [`RecordSink`] takes records one at a time, so a reader that
//! streams (Apple Health, gigabytes of XML) never holds more than the record in hand, and the sink
//! decides how to batch them. [`Collected`] is the sink that keeps everything, for tests and tools.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::ops::ControlFlow;

use crate::apple_health::UnmappedRecord;
use crate::{FormatError, FormatReader, ParsedActivity, ParsedSample, PlannedRoute, ReadContext, Warning};

/// A sink's answer to each record: go on, or stop reading (the consumer hung up).
pub type Flow = ControlFlow<()>;

/// A workout as a reader hands it out, with what the importer needs beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRecord {
    pub activity: ParsedActivity,
    /// The id of the reader that parsed the workout's content (`tcx` for a Google Fit Takeout's TCX):
    /// the importer's key for workouts without an `external_id` names it, so the key depends on what
    /// the file is, never on the archive it came in.
    pub format: &'static str,
    /// The device or app that recorded it, as the file names it.
    pub source_name: Option<String>,
    /// A route file the workout refers to, as the file names it (an Apple Health workout's
    /// `/workout-routes/route_….gpx`): another entry of the same archive, for the importer to attach.
    pub route_file: Option<String>,
    /// The file holding the workout's recording, as an index of the export names it (Strava's
    /// `activities.csv` names `activities/4242.fit.gz`): another entry of the same archive, which the
    /// importer reads and joins to this record ([`crate::strava::join_recording`]). The record stands
    /// alone when the entry is missing or holds no workout.
    pub recording_file: Option<String>,
    /// The workout as an export's index describes it, whose recording may be in the same archive under
    /// a name the index does not give (Garmin's `summarizedActivities` beside the FIT files of its
    /// uploaded-files ZIPs, named by upload): the importer joins it to the recorded workout that starts
    /// in the same second, and stores it alone when there is none.
    pub recording_by_start: bool,
}

/// Receives a reader's output in file order. Every method answers whether the reader should go on;
/// readers stop at the first [`ControlFlow::Break`] and return `Ok`.
pub trait RecordSink {
    /// A sample of a catalogue metric, in canonical units.
    fn sample(&mut self, sample: ParsedSample) -> Flow;

    /// A workout.
    fn activity(&mut self, activity: ActivityRecord) -> Flow;

    /// A record of a type the catalogue does not map, kept as written.
    fn raw(&mut self, record: UnmappedRecord) -> Flow;

    /// A route without times: a plan to keep, not a workout.
    fn route(&mut self, route: PlannedRoute) -> Flow;

    /// `count` records seen and deliberately not handed out, by reason (`exercise_hrv`,
    /// `unmapped_type:ActivitySummary`, `correlation_duplicate` …).
    fn skipped(&mut self, reason: &str, count: u64) -> Flow;

    /// Problems that did not stop the reading.
    fn warnings(&mut self, warnings: Vec<Warning>) -> Flow;

    /// Bytes of the input consumed so far. Streaming readers report it now and then; readers that read
    /// the whole file need not.
    fn progress(&mut self, bytes: u64) -> Flow;
}

/// A sink that keeps everything it is given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub samples: Vec<ParsedSample>,
    pub activities: Vec<ActivityRecord>,
    pub raw: Vec<UnmappedRecord>,
    pub routes: Vec<PlannedRoute>,
    pub skipped: BTreeMap<String, u64>,
    pub warnings: Vec<Warning>,
    /// The last progress reported.
    pub bytes: u64,
}

impl Collected {
    /// Everything `reader` reads from `bytes` (named `name`, empty for a file on its own).
    pub fn read(
        reader: &dyn FormatReader,
        name: &str,
        mut bytes: &[u8],
        ctx: &ReadContext,
    ) -> Result<Self, FormatError> {
        let mut collected = Self::default();
        let input: &mut dyn BufRead = &mut bytes;
        reader.read(input, name, ctx, &mut collected)?;
        Ok(collected)
    }
}

impl RecordSink for Collected {
    fn sample(&mut self, sample: ParsedSample) -> Flow {
        self.samples.push(sample);
        Flow::Continue(())
    }

    fn activity(&mut self, activity: ActivityRecord) -> Flow {
        self.activities.push(activity);
        Flow::Continue(())
    }

    fn route(&mut self, route: PlannedRoute) -> Flow {
        self.routes.push(route);
        Flow::Continue(())
    }

    fn raw(&mut self, record: UnmappedRecord) -> Flow {
        self.raw.push(record);
        Flow::Continue(())
    }

    fn skipped(&mut self, reason: &str, count: u64) -> Flow {
        *self.skipped.entry(reason.to_owned()).or_default() += count;
        Flow::Continue(())
    }

    fn warnings(&mut self, mut warnings: Vec<Warning>) -> Flow {
        self.warnings.append(&mut warnings);
        Flow::Continue(())
    }

    fn progress(&mut self, bytes: u64) -> Flow {
        self.bytes = bytes;
        Flow::Continue(())
    }
}
