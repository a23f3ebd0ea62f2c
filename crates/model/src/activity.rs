//! Workouts: the parts of an activity that both the API and the file importers produce: intensity,
//! visibility, laps, strength sets and time-aligned streams.
//!
//! The activity record itself (ids, owner, revisions) lives in the store; this module only holds the
//! values, validated, so an importer and an HTTP client build exactly the same thing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiff::Timestamp;

use crate::{ActivityType, InvalidInput};

/// How hard a workout felt, on the three-step scale most platforms show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Intensity {
    Low,
    Moderate,
    High,
}

impl Intensity {
    pub fn as_str(self) -> &'static str {
        match self {
            Intensity::Low => "low",
            Intensity::Moderate => "moderate",
            Intensity::High => "high",
        }
    }
}

impl FromStr for Intensity {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(Intensity::Low),
            "moderate" => Ok(Intensity::Moderate),
            "high" => Ok(Intensity::High),
            other => Err(InvalidInput::new(
                "invalid_intensity",
                format!("intensity must be low, moderate or high, not {other:?}"),
            )),
        }
    }
}

/// Who may see an activity. Private is the default: nothing is shared unless the user says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Private,
    Followers,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Followers => "followers",
            Visibility::Public => "public",
        }
    }
}

impl FromStr for Visibility {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "private" => Ok(Visibility::Private),
            "followers" => Ok(Visibility::Followers),
            "public" => Ok(Visibility::Public),
            other => Err(InvalidInput::new(
                "invalid_visibility",
                format!("visibility must be private, followers or public, not {other:?}"),
            )),
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lap (or split) of a workout. Times are seconds from the activity's start so a lap can never fall
/// outside its activity by a time-zone mistake.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Lap {
    /// Seconds from the activity start.
    pub start_offset: f64,
    /// Elapsed seconds.
    pub duration: f64,
    /// Metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
    /// kcal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_heart_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_heart_rate: Option<f64>,
}

/// One set of a strength workout. First-class rather than notes so volume and progress can be computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrengthSet {
    /// What was done, e.g. "bench_press" or "Back squat"; free text, trimmed, ≤ 100 characters.
    pub exercise: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reps: Option<u32>,
    /// Kilograms of external load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Seconds (planks, holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

impl StrengthSet {
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let exercise = self.exercise.trim();
        if exercise.is_empty() || exercise.chars().count() > 100 {
            return Err(InvalidInput::new(
                "invalid_strength_set",
                "a strength set needs an exercise name of 1 to 100 characters",
            ));
        }
        if self.reps.is_some_and(|r| r > 10_000) {
            return Err(InvalidInput::new(
                "invalid_strength_set",
                "reps must be at most 10000",
            ));
        }
        if self.weight.is_some_and(|w| !(0.0..=1000.0).contains(&w)) {
            return Err(InvalidInput::new(
                "invalid_strength_set",
                "weight must be 0 to 1000 kg",
            ));
        }
        if self.duration.is_some_and(|d| !(0.0..=86_400.0).contains(&d)) {
            return Err(InvalidInput::new(
                "invalid_strength_set",
                "duration must be 0 to 86400 s",
            ));
        }
        Ok(())
    }
}

/// The channels a stream can carry besides time. Units: degrees, metres, bpm, rpm, watts, m/s, metres
/// (cumulative distance), °C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StreamKey {
    Lat,
    Lon,
    Altitude,
    HeartRate,
    Cadence,
    Power,
    Speed,
    Distance,
    Temperature,
}

impl StreamKey {
    pub const ALL: [StreamKey; 9] = [
        StreamKey::Lat,
        StreamKey::Lon,
        StreamKey::Altitude,
        StreamKey::HeartRate,
        StreamKey::Cadence,
        StreamKey::Power,
        StreamKey::Speed,
        StreamKey::Distance,
        StreamKey::Temperature,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StreamKey::Lat => "lat",
            StreamKey::Lon => "lon",
            StreamKey::Altitude => "altitude",
            StreamKey::HeartRate => "heart_rate",
            StreamKey::Cadence => "cadence",
            StreamKey::Power => "power",
            StreamKey::Speed => "speed",
            StreamKey::Distance => "distance",
            StreamKey::Temperature => "temperature",
        }
    }

    /// A stable one-byte tag for the compact encoding; never reuse a retired number.
    pub fn tag(self) -> u8 {
        match self {
            StreamKey::Lat => 1,
            StreamKey::Lon => 2,
            StreamKey::Altitude => 3,
            StreamKey::HeartRate => 4,
            StreamKey::Cadence => 5,
            StreamKey::Power => 6,
            StreamKey::Speed => 7,
            StreamKey::Distance => 8,
            StreamKey::Temperature => 9,
        }
    }

    pub fn from_tag(tag: u8) -> Option<Self> {
        StreamKey::ALL.into_iter().find(|k| k.tag() == tag)
    }

    /// The resolution values are kept at when stored: finer than any device measures, coarse enough that
    /// the integers delta-encode into a byte or two (1e-7° is ~1 cm of latitude).
    pub fn scale(self) -> f64 {
        match self {
            StreamKey::Lat | StreamKey::Lon => 1e7,
            StreamKey::Altitude | StreamKey::Temperature => 10.0,
            StreamKey::HeartRate | StreamKey::Cadence | StreamKey::Power => 1.0,
            StreamKey::Speed | StreamKey::Distance => 1000.0,
        }
    }
}

impl FromStr for StreamKey {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StreamKey::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::new(
                    "unknown_stream",
                    format!(
                        "unknown stream {s:?}; known: time, {}",
                        StreamKey::ALL.map(|k| k.as_str()).join(", ")
                    ),
                )
            })
    }
}

/// Time-aligned arrays: `time[i]` (seconds from the activity start, non-decreasing) and, for each channel,
/// the value at that time or `None` where the device had none (a GPS drop-out, a strap that lost contact).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Streams {
    pub time: Vec<f64>,
    #[serde(flatten)]
    #[schema(value_type = BTreeMap<String, Vec<Option<f64>>>)]
    pub channels: BTreeMap<StreamKey, Vec<Option<f64>>>,
}

/// At most this many points per activity: a 24-hour ultra at one point per second, with margin.
pub const MAX_STREAM_POINTS: usize = 200_000;

impl Streams {
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Checks the invariants the encoder and every reader rely on.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let invalid = |detail: String| Err(InvalidInput::new("invalid_streams", detail));
        if self.time.len() > MAX_STREAM_POINTS {
            return invalid(format!("streams hold at most {MAX_STREAM_POINTS} points"));
        }
        if self.time.iter().any(|t| !t.is_finite() || *t < 0.0) {
            return invalid("stream times must be finite seconds ≥ 0 from the start".into());
        }
        if self.time.windows(2).any(|w| w[1] < w[0]) {
            return invalid("stream times must not decrease".into());
        }
        for (key, values) in &self.channels {
            if values.len() != self.time.len() {
                return invalid(format!(
                    "stream {} has {} values but time has {}",
                    key.as_str(),
                    values.len(),
                    self.time.len()
                ));
            }
            if values.iter().flatten().any(|v| !v.is_finite()) {
                return invalid(format!("stream {} holds a non-finite value", key.as_str()));
            }
        }
        Ok(())
    }

    /// Keeps only the named channels (time is always kept).
    pub fn select(mut self, keys: &[StreamKey]) -> Streams {
        self.channels.retain(|k, _| keys.contains(k));
        self
    }

    /// Thins the streams to at most `max_points` by keeping evenly spaced indices, always including the
    /// first and last point. Picking real points (not averaging) keeps positions on the recorded track.
    pub fn downsample(self, max_points: usize) -> Streams {
        let n = self.time.len();
        if max_points == 0 || n <= max_points {
            return self;
        }
        let picks: Vec<usize> = if max_points == 1 {
            vec![0]
        } else {
            (0..max_points).map(|i| i * (n - 1) / (max_points - 1)).collect()
        };
        Streams {
            time: picks.iter().map(|&i| self.time[i]).collect(),
            channels: self
                .channels
                .into_iter()
                .map(|(k, v)| (k, picks.iter().map(|&i| v[i]).collect()))
                .collect(),
        }
    }
}

/// How many points `GET …/streams?resolution=` returns, as Strava's low/medium/high do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StreamResolution {
    Low,
    Medium,
    /// Every recorded point.
    #[default]
    High,
}

impl StreamResolution {
    pub fn max_points(self) -> usize {
        match self {
            StreamResolution::Low => 100,
            StreamResolution::Medium => 1000,
            StreamResolution::High => MAX_STREAM_POINTS,
        }
    }
}

/// Everything about a workout a user can edit, validated together. Stored as the activity's current
/// state and as each revision's snapshot, so a restore is a plain copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFields {
    pub activity_type: ActivityType,
    pub start: Timestamp,
    pub end: Timestamp,
    /// UTC offset observed at the start, in minutes, when the client or file said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_minutes: Option<i16>,
    /// IANA zone the workout took place in, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Seconds in motion (≤ the elapsed duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_time: Option<f64>,
    /// Metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
    /// kcal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_heart_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_heart_rate: Option<f64>,
    /// Metres climbed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elevation_gain: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<Intensity>,
    /// Rating of perceived exertion, 1–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpe: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A note for its owner alone, never shown to anyone else whatever the visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_notes: Option<String>,
    /// The shoes, bike or other equipment used, by the name the athlete gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gear: Option<String>,
    /// A ride or run to work or school.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commute: bool,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laps: Vec<Lap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<StrengthSet>,
}

/// Limits on one activity. Generous for real workouts (a multi-day ultra, a 10,000-lap track session)
/// and tight enough that one record cannot exhaust memory.
pub const MAX_ACTIVITY_DAYS: i64 = 14;
pub const MAX_LAPS: usize = 10_000;
pub const MAX_SETS: usize = 1_000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 10_000;
pub const MAX_GEAR_CHARS: usize = 200;

impl ActivityFields {
    /// An activity with only its type and times.
    pub fn new(activity_type: ActivityType, start: Timestamp, end: Timestamp) -> Self {
        Self {
            activity_type,
            start,
            end,
            offset_minutes: None,
            time_zone: None,
            moving_time: None,
            distance: None,
            energy: None,
            avg_heart_rate: None,
            max_heart_rate: None,
            elevation_gain: None,
            intensity: None,
            rpe: None,
            title: None,
            notes: None,
            private_notes: None,
            gear: None,
            commute: false,
            visibility: Visibility::Private,
            laps: Vec::new(),
            sets: Vec::new(),
        }
    }

    /// Elapsed seconds from start to end.
    pub fn duration(&self) -> i64 {
        self.end.as_second() - self.start.as_second()
    }

    /// Checks every field and the rules between them; the first problem found is returned.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        fn range(field: &str, value: Option<f64>, lo: f64, hi: f64) -> Result<(), InvalidInput> {
            match value {
                Some(v) if !(v.is_finite() && (lo..=hi).contains(&v)) => Err(InvalidInput::new(
                    "implausible_value",
                    format!("{field} must be between {lo} and {hi}, not {v}"),
                )),
                _ => Ok(()),
            }
        }
        let duration = self.duration();
        if duration <= 0 {
            return Err(InvalidInput::new(
                "end_before_start",
                "an activity must end after it starts",
            ));
        }
        if duration > MAX_ACTIVITY_DAYS * 86_400 {
            return Err(InvalidInput::new(
                "interval_too_long",
                format!("an activity may last at most {MAX_ACTIVITY_DAYS} days"),
            ));
        }
        if self
            .offset_minutes
            .is_some_and(|m| !(-12 * 60..=14 * 60).contains(&m))
        {
            return Err(InvalidInput::new(
                "invalid_offset",
                "offsets lie between −12:00 and +14:00",
            ));
        }
        if let Some(zone) = &self.time_zone {
            crate::TimeZoneName::parse(zone)?;
        }
        range("moving_time", self.moving_time, 0.0, duration as f64)?;
        range("distance", self.distance, 0.0, 10_000_000.0)?;
        range("energy", self.energy, 0.0, 100_000.0)?;
        range("avg_heart_rate", self.avg_heart_rate, 20.0, 250.0)?;
        range("max_heart_rate", self.max_heart_rate, 20.0, 250.0)?;
        range("elevation_gain", self.elevation_gain, 0.0, 100_000.0)?;
        if let (Some(avg), Some(max)) = (self.avg_heart_rate, self.max_heart_rate) {
            if avg > max {
                return Err(InvalidInput::new(
                    "implausible_value",
                    "avg_heart_rate cannot exceed max_heart_rate",
                ));
            }
        }
        if self.rpe.is_some_and(|r| !(1..=10).contains(&r)) {
            return Err(InvalidInput::new("invalid_rpe", "rpe is a rating from 1 to 10"));
        }
        let text = |field: &str, value: &Option<String>, max: usize| match value {
            Some(v) if v.chars().count() > max => Err(InvalidInput::new(
                "too_long",
                format!("{field} is at most {max} characters"),
            )),
            _ => Ok(()),
        };
        text("title", &self.title, MAX_TITLE_CHARS)?;
        text("notes", &self.notes, MAX_NOTES_CHARS)?;
        text("private_notes", &self.private_notes, MAX_NOTES_CHARS)?;
        text("gear", &self.gear, MAX_GEAR_CHARS)?;
        if self.laps.len() > MAX_LAPS {
            return Err(InvalidInput::new(
                "too_many_laps",
                format!("at most {MAX_LAPS} laps"),
            ));
        }
        for lap in &self.laps {
            let fits = lap.start_offset.is_finite()
                && lap.duration.is_finite()
                && lap.start_offset >= 0.0
                && lap.duration >= 0.0
                // One second of slack: devices round lap times independently of the activity's.
                && lap.start_offset + lap.duration <= duration as f64 + 1.0;
            if !fits {
                return Err(InvalidInput::new(
                    "invalid_lap",
                    "every lap must lie within the activity",
                ));
            }
            range("lap distance", lap.distance, 0.0, 10_000_000.0)?;
            range("lap energy", lap.energy, 0.0, 100_000.0)?;
            range("lap avg_heart_rate", lap.avg_heart_rate, 20.0, 250.0)?;
            range("lap max_heart_rate", lap.max_heart_rate, 20.0, 250.0)?;
        }
        if self.sets.len() > MAX_SETS {
            return Err(InvalidInput::new(
                "too_many_sets",
                format!("at most {MAX_SETS} sets"),
            ));
        }
        self.sets.iter().try_for_each(StrengthSet::validate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(n: usize) -> Streams {
        let mut channels = BTreeMap::new();
        channels.insert(
            StreamKey::HeartRate,
            (0..n).map(|i| Some(100.0 + i as f64)).collect(),
        );
        channels.insert(
            StreamKey::Altitude,
            (0..n).map(|i| (i % 2 == 0).then_some(i as f64)).collect(),
        );
        Streams {
            time: (0..n).map(|i| i as f64).collect(),
            channels,
        }
    }

    #[test]
    fn downsample_keeps_first_and_last_and_bounds_points() {
        let s = streams(1001).downsample(100);
        assert_eq!(s.len(), 100);
        assert_eq!(s.time.first(), Some(&0.0));
        assert_eq!(s.time.last(), Some(&1000.0));
        assert_eq!(s.channels[&StreamKey::HeartRate].last(), Some(&Some(1100.0)));
        s.validate().unwrap();
        assert_eq!(streams(50).downsample(100).len(), 50);
    }

    #[test]
    fn validation_refuses_misaligned_and_decreasing_streams() {
        let mut s = streams(10);
        s.channels.get_mut(&StreamKey::HeartRate).unwrap().pop();
        assert_eq!(s.validate().unwrap_err().code, "invalid_streams");
        let mut s = streams(10);
        s.time.swap(3, 4);
        assert!(s.validate().is_err());
        assert!(streams(10).validate().is_ok());
    }

    #[test]
    fn stream_tags_round_trip_and_names_parse() {
        for key in StreamKey::ALL {
            assert_eq!(StreamKey::from_tag(key.tag()), Some(key));
            assert_eq!(key.as_str().parse::<StreamKey>().unwrap(), key);
        }
        assert_eq!("pace".parse::<StreamKey>().unwrap_err().code, "unknown_stream");
    }

    #[test]
    fn streams_serialize_as_flat_arrays() {
        let json = serde_json::to_value(streams(2).select(&[StreamKey::HeartRate])).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"time": [0.0, 1.0], "heart_rate": [100.0, 101.0]})
        );
    }

    #[test]
    fn activity_fields_validate_ranges_and_relations() {
        let start: Timestamp = "2026-03-29T16:00:00Z".parse().unwrap();
        let end: Timestamp = "2026-03-29T16:45:00Z".parse().unwrap();
        let ok = ActivityFields::new(ActivityType::Running, start, end);
        assert!(ok.validate().is_ok());
        assert_eq!(ok.duration(), 2700);
        let backwards = ActivityFields::new(ActivityType::Running, end, start);
        assert_eq!(backwards.validate().unwrap_err().code, "end_before_start");
        let hr = ActivityFields {
            avg_heart_rate: Some(400.0),
            ..ok.clone()
        };
        assert_eq!(hr.validate().unwrap_err().code, "implausible_value");
        let avg_over_max = ActivityFields {
            avg_heart_rate: Some(160.0),
            max_heart_rate: Some(150.0),
            ..ok.clone()
        };
        assert!(avg_over_max.validate().is_err());
        let lap_outside = ActivityFields {
            laps: vec![Lap {
                start_offset: 2000.0,
                duration: 1000.0,
                ..Lap::default()
            }],
            ..ok.clone()
        };
        assert_eq!(lap_outside.validate().unwrap_err().code, "invalid_lap");
        let rpe = ActivityFields {
            rpe: Some(11),
            ..ok.clone()
        };
        assert_eq!(rpe.validate().unwrap_err().code, "invalid_rpe");
        let moving = ActivityFields {
            moving_time: Some(2800.0),
            ..ok
        };
        assert!(moving.validate().is_err());
    }

    #[test]
    fn strength_sets_are_bounded() {
        let ok = StrengthSet {
            exercise: "squat".into(),
            reps: Some(5),
            weight: Some(100.0),
            duration: None,
        };
        assert!(ok.validate().is_ok());
        assert!(StrengthSet {
            exercise: " ".into(),
            ..ok.clone()
        }
        .validate()
        .is_err());
        assert!(StrengthSet {
            weight: Some(-1.0),
            ..ok
        }
        .validate()
        .is_err());
    }
}
