//! What readers produce. Values are already in the model's canonical units (metres, kcal, seconds, bpm,
//! canonical metric units), so the import service only deduplicates and stores.

use jiff::Timestamp;
use wearhouse_model::{ActivityType, Lap, Metric, Streams, StrengthSet};

use crate::Warning;

/// One workout read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedActivity {
    pub activity_type: ActivityType,
    /// The platform's own name for the sport, as written in the file ("running", "Biking", "HKWorkoutActivityTypeYoga").
    pub sport_label: Option<String>,
    pub start: Timestamp,
    pub end: Timestamp,
    /// UTC offset at the workout's start in minutes, when the file records it (FIT `local_timestamp`,
    /// HealthKit `HKTimeZone`); `None` when it does not (GPX and TCX times are UTC only).
    pub offset_minutes: Option<i16>,
    pub title: Option<String>,
    pub notes: Option<String>,
    /// A note only its owner sees (Strava's "private notes").
    pub private_notes: Option<String>,
    /// The shoes, bike or other equipment used, by the name the athlete gave it.
    pub gear: Option<String>,
    /// A ride or run to work or school.
    pub commute: bool,
    /// Rating of perceived exertion, 1–10, as the athlete gave it.
    pub rpe: Option<u8>,
    /// The recording device or app as the file names it ("Garmin Forerunner 945", "StravaGPX iPhone").
    pub device: Option<String>,
    /// The workout's identity, stable across re-exports and across the files it arrives in: the
    /// recording device's where the file has one (FIT serial + time created, a Fitbit log id), else
    /// [`start_external_id`] (TCX, Google Fit sessions). `None` leaves the importer's fallback key.
    pub external_id: Option<String>,
    /// Device-computed totals, kept as recorded: metres, kcal, bpm, metres, seconds.
    pub distance: Option<f64>,
    pub energy: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
    pub elevation_gain: Option<f64>,
    pub moving_time: Option<f64>,
    pub laps: Vec<Lap>,
    pub sets: Vec<StrengthSet>,
    pub streams: Streams,
}

impl ParsedActivity {
    /// An activity with only its type and times; readers fill in the rest.
    pub fn new(activity_type: ActivityType, start: Timestamp, end: Timestamp) -> Self {
        Self {
            activity_type,
            sport_label: None,
            start,
            end,
            offset_minutes: None,
            title: None,
            notes: None,
            private_notes: None,
            gear: None,
            commute: false,
            rpe: None,
            device: None,
            external_id: None,
            distance: None,
            energy: None,
            avg_heart_rate: None,
            max_heart_rate: None,
            elevation_gain: None,
            moving_time: None,
            laps: Vec::new(),
            sets: Vec::new(),
            streams: Streams::default(),
        }
    }
}

/// One health sample read from a file (a FIT monitoring record, a HealthKit `Record`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSample {
    pub metric: Metric,
    pub start: Timestamp,
    /// Equal to `start` for an instantaneous reading.
    pub end: Timestamp,
    /// In the metric's canonical unit (for `sleep`, the [`wearhouse_model::SleepStage`] code).
    pub value: f64,
    pub offset_minutes: Option<i16>,
    /// Device or app name as the file gives it, when it differs per sample (Apple Health `sourceName`).
    pub source_name: Option<String>,
    pub device: Option<String>,
    pub external_id: Option<String>,
    /// A total over a period (a day, a quarter of an hour) of data the same provider may also give at a
    /// finer resolution, like Google Fit's daily CSV rows beside its data points. The merge counts such a
    /// total only for what the finer data inside it does not already account for.
    pub summary: bool,
    /// The file gave only wall-clock times (Fitbit's daily values, weights and sleep, Google Fit's
    /// daily CSV): `start` and `end` are the instants the user's zone history gave them when read,
    /// and follow it when it changes.
    pub floating: bool,
}

/// A route drawn or planned rather than recorded (a GPX route or track without any times): a line to
/// follow, not a workout, kept so that nothing a file holds is dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRoute {
    pub name: Option<String>,
    pub description: Option<String>,
    /// In the file's order; at least two.
    pub points: Vec<RoutePoint>,
    /// Metres along the points.
    pub distance: f64,
    /// Metres climbed, with the same dead band as a workout's; `None` without elevations.
    pub elevation_gain: Option<f64>,
}

/// One point of a [`PlannedRoute`]: degrees, and metres above sea level when the file gives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoutePoint {
    pub lat: f64,
    pub lon: f64,
    pub elevation: Option<f64>,
}

/// Everything read from one activity-style file (FIT, GPX, TCX).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    pub activities: Vec<ParsedActivity>,
    /// Routes without times (GPX), which are plans rather than workouts.
    pub routes: Vec<PlannedRoute>,
    pub samples: Vec<ParsedSample>,
    /// Device or creator named by the file as a whole.
    pub device: Option<String>,
    pub warnings: Vec<Warning>,
}

/// The identity of a workout whose file carries no device-recording identity: its start instant to the
/// millisecond, `start:1618865859686`.
///
/// Why the start and nothing else: one workout arrives as files that share nothing else. A Google Fit
/// run is a TCX uploaded on its own, the same TCX inside a Takeout archive, and the `All Sessions` JSON
/// beside it; only the start instant is in all three (the TCX `Id` is the session's `startTime`).
/// An id derived from a path, a container or an id only one of the files knows would make the one
/// workout two.
pub fn start_external_id(start: Timestamp) -> String {
    format!("start:{}", start.as_millisecond())
}
