//! Assembling one `<Workout>` from its attributes and children: totals (attributes in older exports,
//! `WorkoutStatistics` since iOS 16), laps from `WorkoutEvent`s, inline `WorkoutRoute`/`Location`
//! points (exports before iOS 12) as streams, and `FileReference`s to the route GPX files in the zip.

use std::collections::BTreeMap;

use jiff::Timestamp;
use wearhouse_model::activity::MAX_STREAM_POINTS;
use wearhouse_model::{ActivityType, Lap, StreamKey, Streams, Unit};

use crate::ParsedActivity;

use super::text::{decoded, parse_f64};

/// A workout read from `export.xml`, with what [`ParsedActivity`] has no room for.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthWorkout {
    pub activity: ParsedActivity,
    /// The `sourceName` that wrote the workout ("Jane's Apple Watch").
    pub source_name: Option<String>,
    /// Route files inside the export zip as the export names them (`/workout-routes/route_….gpx`), for
    /// the importer to attach; exports since iOS 12 keep routes there instead of inline.
    pub route_files: Vec<String>,
}

/// Converts `value unit` with the model's units, or `None` if the unit is unknown or of another kind.
/// `unit` is the attribute as written (entities are decoded here): this runs a few times per workout,
/// not per record.
fn convert(value: f64, unit: Option<&[u8]>, default: Unit, canonical: Unit) -> Option<f64> {
    let unit = match unit {
        None | Some(b"") => default,
        Some(raw) => std::str::from_utf8(&decoded(raw))
            .ok()?
            .trim()
            .parse::<Unit>()
            .ok()?,
    };
    (unit.dimension() == canonical.dimension())
        .then(|| canonical.from_canonical_value(unit.to_canonical_value(value)))
}

/// Parses a metadata quantity such as `"4521 cm"` or `"56 degF"` into the canonical unit.
fn quantity_with_unit(raw: &[u8], canonical: Unit) -> Option<f64> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let (number, unit) = text.split_once(' ').unwrap_or((text, ""));
    let value = parse_f64(number.as_bytes())?;
    convert(value, Some(unit.as_bytes()), canonical, canonical)
}

#[derive(Debug)]
pub(crate) struct WorkoutBuilder {
    pub activity_label: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub source_name: Option<String>,
    pub device: Option<String>,
    pub duration_seconds: Option<f64>,
    pub distance: Option<f64>,
    pub energy: Option<f64>,
    pub time_zone: Option<jiff::tz::TimeZone>,
    indoor: bool,
    elevation_gain: Option<f64>,
    stat_distance: Option<f64>,
    stat_energy: Option<f64>,
    avg_heart_rate: Option<f64>,
    max_heart_rate: Option<f64>,
    lap_events: Vec<Lap>,
    segment_events: Vec<Lap>,
    route_files: Vec<String>,
    time: Vec<f64>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
    altitude: Vec<Option<f64>>,
    speed: Vec<Option<f64>>,
    /// Route points dropped because they fell before the start, went back in time or overflowed.
    pub dropped_points: u64,
}

impl WorkoutBuilder {
    pub fn new(activity_label: String, start: Timestamp, end: Timestamp) -> Self {
        Self {
            activity_label,
            start,
            end,
            source_name: None,
            device: None,
            duration_seconds: None,
            distance: None,
            energy: None,
            time_zone: None,
            indoor: false,
            elevation_gain: None,
            stat_distance: None,
            stat_energy: None,
            avg_heart_rate: None,
            max_heart_rate: None,
            lap_events: Vec::new(),
            segment_events: Vec::new(),
            route_files: Vec::new(),
            time: Vec::new(),
            lat: Vec::new(),
            lon: Vec::new(),
            altitude: Vec::new(),
            speed: Vec::new(),
            dropped_points: 0,
        }
    }

    /// `duration`/`durationUnit` (minutes by default): the time moving, pauses excluded.
    pub fn set_duration(&mut self, value: Option<f64>, unit: Option<&[u8]>) {
        self.duration_seconds = value
            .and_then(|v| convert(v, unit, Unit::Minute, Unit::Second))
            .filter(|s| *s >= 0.0);
    }

    pub fn set_total_distance(&mut self, value: Option<f64>, unit: Option<&[u8]>) {
        self.distance = value.and_then(|v| convert(v, unit, Unit::Kilometer, Unit::Meter));
    }

    pub fn set_total_energy(&mut self, value: Option<f64>, unit: Option<&[u8]>) {
        self.energy = value.and_then(|v| convert(v, unit, Unit::Kilocalorie, Unit::Kilocalorie));
    }

    /// A `MetadataEntry` of the workout itself.
    pub fn metadata(&mut self, key: &[u8], value: &[u8]) {
        match key {
            b"HKIndoorWorkout" => self.indoor = matches!(value, b"1" | b"true" | b"YES"),
            b"HKElevationAscended" => self.elevation_gain = quantity_with_unit(value, Unit::Meter),
            _ => {}
        }
    }

    /// A `WorkoutStatistics` child: `type`, `sum`/`average`/`maximum`, `unit`.
    pub fn statistics(
        &mut self,
        ty: &[u8],
        sum: Option<f64>,
        average: Option<f64>,
        maximum: Option<f64>,
        unit: Option<&[u8]>,
    ) {
        let ty = ty.strip_prefix(b"HKQuantityTypeIdentifier").unwrap_or(ty);
        match ty {
            b"DistanceWalkingRunning"
            | b"DistanceCycling"
            | b"DistanceSwimming"
            | b"DistanceWheelchair"
            | b"DistanceDownhillSnowSports"
            | b"DistanceRowing"
            | b"DistancePaddleSports"
            | b"DistanceCrossCountrySkiing"
            | b"DistanceSkatingSports" => {
                if let Some(m) = sum.and_then(|v| convert(v, unit, Unit::Kilometer, Unit::Meter)) {
                    *self.stat_distance.get_or_insert(0.0) += m;
                }
            }
            b"ActiveEnergyBurned" => {
                self.stat_energy = sum.and_then(|v| convert(v, unit, Unit::Kilocalorie, Unit::Kilocalorie));
            }
            b"HeartRate" => {
                let bpm = |v: f64| convert(v, unit, Unit::PerMinute, Unit::PerMinute);
                self.avg_heart_rate = average.and_then(bpm);
                self.max_heart_rate = maximum.and_then(bpm);
            }
            _ => {}
        }
    }

    /// A `WorkoutEvent`: segments and laps become [`Lap`]s; pauses need nothing, since `duration`
    /// already excludes them.
    pub fn event(&mut self, ty: &[u8], date: Option<Timestamp>, duration: Option<f64>, unit: Option<&[u8]>) {
        let list = match ty {
            b"HKWorkoutEventTypeSegment" => &mut self.segment_events,
            b"HKWorkoutEventTypeLap" => &mut self.lap_events,
            _ => return,
        };
        let (Some(date), Some(duration)) = (
            date,
            duration.and_then(|d| convert(d, unit, Unit::Minute, Unit::Second)),
        ) else {
            return;
        };
        let start_offset = (date.as_second() - self.start.as_second()) as f64
            + f64::from(date.subsec_nanosecond() - self.start.subsec_nanosecond()) / 1e9;
        if start_offset < 0.0 || duration < 0.0 {
            return;
        }
        list.push(Lap {
            start_offset,
            duration,
            ..Lap::default()
        });
    }

    pub fn file_reference(&mut self, path: String) {
        if !path.is_empty() && !self.route_files.contains(&path) {
            self.route_files.push(path);
        }
    }

    /// An inline `Location` of a `WorkoutRoute`.
    pub fn location(
        &mut self,
        date: Timestamp,
        lat: Option<f64>,
        lon: Option<f64>,
        altitude: Option<f64>,
        speed: Option<f64>,
    ) {
        let t = (date.as_second() - self.start.as_second()) as f64;
        let in_order = self.time.last().is_none_or(|last| *last <= t);
        if t < 0.0 || !in_order || self.time.len() >= MAX_STREAM_POINTS {
            self.dropped_points += 1;
            return;
        }
        let valid_lat = lat.filter(|v| (-90.0..=90.0).contains(v));
        let valid_lon = lon.filter(|v| (-180.0..=180.0).contains(v));
        self.time.push(t);
        self.lat.push(valid_lat);
        self.lon.push(valid_lon);
        self.altitude.push(altitude);
        // CoreLocation writes −1 for an unknown speed.
        self.speed.push(speed.filter(|v| *v >= 0.0));
    }

    pub fn finish(self, offset_minutes: Option<i16>) -> HealthWorkout {
        let mut activity = ParsedActivity::new(
            ActivityType::from_healthkit_with_indoor(&self.activity_label, self.indoor),
            self.start,
            self.end,
        );
        activity.sport_label = Some(self.activity_label);
        activity.offset_minutes = offset_minutes;
        activity.device = self.device.or_else(|| self.source_name.clone());
        activity.distance = self.distance.or(self.stat_distance);
        activity.energy = self.energy.or(self.stat_energy);
        activity.avg_heart_rate = self.avg_heart_rate;
        activity.max_heart_rate = self.max_heart_rate;
        activity.elevation_gain = self.elevation_gain;
        activity.moving_time = self.duration_seconds;
        // Segments are the splits the Fitness app shows (per km or mile, or a swim's sets); lap events
        // are manual laps or, in a pool, single lengths. Prefer the splits; laps when there are none.
        let mut laps = if self.segment_events.is_empty() {
            self.lap_events
        } else {
            self.segment_events
        };
        laps.sort_by(|a, b| a.start_offset.total_cmp(&b.start_offset));
        // Watches write kilometre and mile splits side by side; keep a non-overlapping sequence.
        let mut kept: Vec<Lap> = Vec::with_capacity(laps.len());
        for lap in laps {
            if kept
                .last()
                .is_none_or(|prev| lap.start_offset >= prev.start_offset + prev.duration - 0.5)
            {
                kept.push(lap);
            }
        }
        activity.laps = kept;
        if !self.time.is_empty() {
            let mut channels = BTreeMap::new();
            let mut put = |key: StreamKey, values: Vec<Option<f64>>| {
                if values.iter().any(Option::is_some) {
                    channels.insert(key, values);
                }
            };
            put(StreamKey::Lat, self.lat);
            put(StreamKey::Lon, self.lon);
            put(StreamKey::Altitude, self.altitude);
            put(StreamKey::Speed, self.speed);
            activity.streams = Streams {
                time: self.time,
                channels,
            };
        }
        HealthWorkout {
            activity,
            source_name: self.source_name,
            route_files: self.route_files,
        }
    }
}
