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

use crate::InvalidInput;

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
