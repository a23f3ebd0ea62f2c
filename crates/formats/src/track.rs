//! Track points read by the XML activity readers (GPX, TCX), turned into time-aligned [`Streams`] and the
//! totals derived from them (distance, climb, moving time, heart rate).
//!
//! Shared so that both readers measure by the same rules. The measuring knows nothing about XML: the
//! readers hand it points already in file order with parsed times. Reading element text (times, numbers,
//! names) is in [`xml`], the one part both readers share that does.

use jiff::Timestamp;
use wearhouse_model::activity::MAX_STREAM_POINTS;
use wearhouse_model::{ActivityType, StreamKey, Streams};

use crate::{Location, Warning};

pub(crate) mod xml;

/// One recorded point with a time. Values are in canonical units: degrees, metres, bpm, rpm, watts, m/s,
/// °C, metres of cumulative distance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct TrackPoint {
    pub time: Timestamp,
    /// Points of different segments (GPX `trkseg`, TCX `Track`) are never joined when measuring distance:
    /// a new segment means recording stopped, and the path between the two ends is unknown.
    pub segment: u32,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub altitude: Option<f64>,
    pub heart_rate: Option<f64>,
    pub cadence: Option<f64>,
    pub power: Option<f64>,
    pub speed: Option<f64>,
    pub temperature: Option<f64>,
    /// Cumulative distance as the device recorded it (TCX `DistanceMeters`); GPX has none.
    pub distance: Option<f64>,
}

impl TrackPoint {
    /// The position, when both coordinates are present and on the globe.
    fn position(&self) -> Option<(f64, f64)> {
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
                Some((lat, lon))
            }
            _ => None,
        }
    }
}

/// Streams plus what was computed from the points at full resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Track {
    pub streams: Streams,
    /// Metres along the positions (haversine), `None` without positions.
    pub path_distance: Option<f64>,
    /// The largest recorded cumulative distance, `None` when the file recorded none.
    pub recorded_distance: Option<f64>,
    pub elevation_gain: Option<f64>,
    pub moving_time: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
}

/// Climbs smaller than this are GPS or barometer noise, not hills. A dead band (hysteresis) rather than
/// smoothing: the reference altitude only moves once the track has risen or fallen this far from it, so
/// a flat track that jitters ±1 m adds nothing, while a real climb loses at most this much at its top.
const CLIMB_HYSTERESIS_M: f64 = 2.0;

/// Between two consecutive points, the athlete counts as moving when the average speed over that hop
/// exceeds this (1.8 km/h: slower than any walk, faster than GPS drift while standing).
const MOVING_SPEED_M_S: f64 = 0.5;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two positions in degrees.
pub(crate) fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Removes points whose time is earlier than the point kept before them (a clock jump, a segment
/// recorded twice) and returns how many were removed. Equal times are kept: devices write them.
pub(crate) fn drop_backwards(points: &mut Vec<TrackPoint>) -> usize {
    let before = points.len();
    let mut last: Option<Timestamp> = None;
    points.retain(|p| {
        if last.is_some_and(|l| p.time < l) {
            false
        } else {
            last = Some(p.time);
            true
        }
    });
    before - points.len()
}

/// Seconds from `start` to `t`, never negative.
pub(crate) fn seconds_since(start: Timestamp, t: Timestamp) -> f64 {
    t.duration_since(start).as_secs_f64().max(0.0)
}

/// Builds the streams and totals for points that are already in non-decreasing time order, all at or
/// after `start`. Streams hold every point unless there are more than [`MAX_STREAM_POINTS`]; then they
/// are thinned (with a warning) but the totals still come from every point.
pub(crate) fn assemble(
    points: &[TrackPoint],
    start: Timestamp,
    at: &Location,
    warnings: &mut Vec<Warning>,
) -> Track {
    let n = points.len();
    let mut streams = Streams {
        time: points.iter().map(|p| seconds_since(start, p.time)).collect(),
        ..Streams::default()
    };
    let positions: Vec<Option<(f64, f64)>> = points.iter().map(TrackPoint::position).collect();
    if positions.iter().any(Option::is_some) {
        streams.channels.insert(
            StreamKey::Lat,
            positions.iter().map(|p| p.map(|(lat, _)| lat)).collect(),
        );
        streams.channels.insert(
            StreamKey::Lon,
            positions.iter().map(|p| p.map(|(_, lon)| lon)).collect(),
        );
    }
    let mut channel = |key: StreamKey, get: fn(&TrackPoint) -> Option<f64>| {
        let values: Vec<Option<f64>> = points.iter().map(|p| get(p).filter(|v| v.is_finite())).collect();
        if values.iter().any(Option::is_some) {
            streams.channels.insert(key, values);
        }
    };
    channel(StreamKey::Altitude, |p| p.altitude);
    channel(StreamKey::HeartRate, |p| p.heart_rate);
    channel(StreamKey::Cadence, |p| p.cadence);
    channel(StreamKey::Power, |p| p.power);
    channel(StreamKey::Speed, |p| p.speed);
    channel(StreamKey::Temperature, |p| p.temperature);
    channel(StreamKey::Distance, |p| p.distance);

    let path = path_distances(points, &positions);
    let path_distance = path.as_ref().and_then(|d| d.last().copied());
    if let Some(cumulative) = path {
        // The file recorded no distance of its own: derive it so every track has one to chart against.
        streams
            .channels
            .entry(StreamKey::Distance)
            .or_insert_with(|| cumulative.into_iter().map(Some).collect());
    }

    let heart_rates: Vec<f64> = points
        .iter()
        .filter_map(|p| p.heart_rate)
        .filter(|v| v.is_finite())
        .collect();
    let track = Track {
        path_distance,
        recorded_distance: points
            .iter()
            .filter_map(|p| p.distance)
            .filter(|d| d.is_finite())
            .reduce(f64::max),
        elevation_gain: finite(elevation_gain(points.iter().filter_map(|p| p.altitude))),
        moving_time: finite(moving_time(points, &positions)),
        // A plain mean of the samples, as most platforms show it; smart recording's uneven spacing
        // weighs slightly toward the parts where the device recorded more often.
        avg_heart_rate: finite(
            (!heart_rates.is_empty()).then(|| heart_rates.iter().sum::<f64>() / heart_rates.len() as f64),
        ),
        max_heart_rate: heart_rates.iter().copied().reduce(f64::max),
        streams: Streams::default(),
    };

    if n > MAX_STREAM_POINTS {
        warnings.push(Warning {
            code: "too_many_points",
            detail: format!("{n} points thinned to {MAX_STREAM_POINTS} evenly spaced ones"),
            location: at.clone(),
        });
        streams = streams.downsample(MAX_STREAM_POINTS);
    }
    if let Err(e) = streams.validate() {
        warnings.push(Warning {
            code: "invalid_streams",
            detail: format!("streams dropped: {}", e.detail),
            location: at.clone(),
        });
        streams = Streams::default();
    }
    Track { streams, ..track }
}

/// The value unless it overflowed: sums of hostile inputs near `f64::MAX` reach infinity, and a total
/// must never be that.
pub(crate) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// Cumulative metres at each point along the positions, or `None` when no point has one. A point
/// without a position carries the distance reached so far.
fn path_distances(points: &[TrackPoint], positions: &[Option<(f64, f64)>]) -> Option<Vec<f64>> {
    if positions.iter().all(Option::is_none) {
        return None;
    }
    let mut total = 0.0;
    let mut previous: Option<((f64, f64), u32)> = None;
    let mut cumulative = Vec::with_capacity(points.len());
    for (point, position) in points.iter().zip(positions) {
        if let Some(here) = *position {
            if let Some((there, segment)) = previous {
                if segment == point.segment {
                    total += haversine(there, here);
                }
            }
            previous = Some((here, point.segment));
        }
        cumulative.push(total);
    }
    Some(cumulative)
}

/// Sum of climbs with a [`CLIMB_HYSTERESIS_M`] dead band; `None` without altitudes.
pub(crate) fn elevation_gain(altitudes: impl Iterator<Item = f64>) -> Option<f64> {
    let mut reference: Option<f64> = None;
    let mut gain = 0.0;
    for altitude in altitudes.filter(|a| a.is_finite()) {
        match reference {
            None => reference = Some(altitude),
            Some(r) if altitude - r >= CLIMB_HYSTERESIS_M => {
                gain += altitude - r;
                reference = Some(altitude);
            }
            Some(r) if r - altitude >= CLIMB_HYSTERESIS_M => reference = Some(altitude),
            Some(_) => {}
        }
    }
    reference.map(|_| gain)
}

/// Seconds spent moving: the time between consecutive positioned points of one segment whose average
/// speed exceeds [`MOVING_SPEED_M_S`]. Without positions, the time up to each point whose recorded speed
/// exceeds it. `None` when the track has neither (a yoga session: "moving" means nothing there).
fn moving_time(points: &[TrackPoint], positions: &[Option<(f64, f64)>]) -> Option<f64> {
    if positions.iter().any(Option::is_some) {
        let mut moving = 0.0;
        let mut previous: Option<(&TrackPoint, (f64, f64))> = None;
        for (point, position) in points.iter().zip(positions) {
            let Some(here) = *position else { continue };
            if let Some((before, there)) = previous {
                let dt = point.time.duration_since(before.time).as_secs_f64();
                if before.segment == point.segment
                    && dt > 0.0
                    && haversine(there, here) / dt > MOVING_SPEED_M_S
                {
                    moving += dt;
                }
            }
            previous = Some((point, here));
        }
        return Some(moving);
    }
    if points.iter().any(|p| p.speed.is_some()) {
        let moving = points
            .windows(2)
            .filter(|w| w[1].segment == w[0].segment && w[1].speed.is_some_and(|s| s > MOVING_SPEED_M_S))
            .map(|w| w[1].time.duration_since(w[0].time).as_secs_f64().max(0.0))
            .sum();
        return Some(moving);
    }
    None
}

/// Names for sports that neither Strava's nor our own names cover, as GPX `<type>` and TCX `Sport` write
/// them. The numbers are Strava's unpublished GPX export codes as users report them (1 ride, 9 run,
/// 10 walk); the words are Garmin's (TCX `Biking`, Connect's `road_biking`, `lap_swimming`).
const SPORT_ALIASES: &[(&str, ActivityType)] = &[
    ("1", ActivityType::Cycling),
    ("9", ActivityType::Running),
    ("10", ActivityType::Walking),
    ("biking", ActivityType::Cycling),
    ("road_biking", ActivityType::Cycling),
    ("lap_swimming", ActivityType::Swimming),
    ("virtual_ride", ActivityType::IndoorCycling),
];

/// Our type for a sport label from a GPX or TCX file; total, unknown labels are [`ActivityType::Other`].
pub(crate) fn activity_type_from_label(label: &str) -> ActivityType {
    let label = label.trim();
    if let Some((_, t)) = SPORT_ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(label))
    {
        return *t;
    }
    match ActivityType::from_strava(label) {
        ActivityType::Other => label.parse().unwrap_or(ActivityType::Other),
        t => t,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_600_000_000 + secs).unwrap()
    }

    fn point(secs: i64, lat: f64, lon: f64, alt: f64) -> TrackPoint {
        TrackPoint {
            time: at(secs),
            lat: Some(lat),
            lon: Some(lon),
            altitude: Some(alt),
            ..TrackPoint::default()
        }
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // One degree of latitude is ~111.2 km on the mean sphere.
        let d = haversine((0.0, 0.0), (1.0, 0.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        assert_eq!(haversine((45.0, 7.0), (45.0, 7.0)), 0.0);
    }

    #[test]
    fn climb_ignores_jitter_below_the_dead_band() {
        let gain = |alts: &[f64]| elevation_gain(alts.iter().copied()).unwrap();
        assert_eq!(gain(&[100.0, 101.0, 100.0, 101.5, 100.2]), 0.0);
        assert_eq!(gain(&[100.0, 103.0, 101.5, 106.0]), 6.0);
        assert_eq!(gain(&[100.0, 90.0, 95.0]), 5.0);
        assert_eq!(elevation_gain(std::iter::empty()), None);
    }

    #[test]
    fn backwards_points_are_dropped_and_counted() {
        let mut points = vec![
            point(0, 0.0, 0.0, 0.0),
            point(10, 0.0, 0.0, 0.0),
            point(5, 0.0, 0.0, 0.0),
            point(10, 0.0, 0.0, 0.0),
        ];
        assert_eq!(drop_backwards(&mut points), 1);
        assert_eq!(
            points.iter().map(|p| p.time).collect::<Vec<_>>(),
            [at(0), at(10), at(10)]
        );
    }

    #[test]
    fn totals_and_derived_distance() {
        // 0.001° of latitude ≈ 111 m per 10 s: moving; then 20 s standing still.
        let mut points = vec![
            point(0, 45.0, 7.0, 100.0),
            point(10, 45.001, 7.0, 103.0),
            point(20, 45.002, 7.0, 106.0),
            point(40, 45.002, 7.0, 106.0),
        ];
        points[1].heart_rate = Some(100.0);
        points[2].heart_rate = Some(140.0);
        let mut warnings = Vec::new();
        let track = assemble(&points, at(0), &Location::Byte(0), &mut warnings);
        assert!(warnings.is_empty());
        assert_eq!(track.streams.time, [0.0, 10.0, 20.0, 40.0]);
        let d = track.path_distance.unwrap();
        assert!((d - 222.4).abs() < 0.5, "{d}");
        let distance = &track.streams.channels[&StreamKey::Distance];
        assert_eq!(distance[0], Some(0.0));
        assert_eq!(distance[3], Some(d));
        assert_eq!(track.elevation_gain, Some(6.0));
        assert_eq!(track.moving_time, Some(20.0));
        assert_eq!(track.avg_heart_rate, Some(120.0));
        assert_eq!(track.max_heart_rate, Some(140.0));
        assert_eq!(track.recorded_distance, None);
        assert!(!track.streams.channels.contains_key(&StreamKey::Power));
    }

    #[test]
    fn segments_are_not_joined() {
        let mut points = vec![
            point(0, 45.0, 7.0, 0.0),
            point(10, 45.001, 7.0, 0.0),
            point(20, 46.0, 7.0, 0.0),
        ];
        points[2].segment = 1;
        let track = assemble(&points, at(0), &Location::Byte(0), &mut Vec::new());
        assert!(track.path_distance.unwrap() < 112.0);
        assert_eq!(track.moving_time, Some(10.0));
    }

    #[test]
    fn without_positions_moving_time_comes_from_speed_or_is_unknown() {
        let mut points = vec![
            TrackPoint {
                time: at(0),
                ..TrackPoint::default()
            };
            3
        ];
        points[1].time = at(5);
        points[2].time = at(9);
        let track = assemble(&points, at(0), &Location::Byte(0), &mut Vec::new());
        assert_eq!((track.moving_time, track.path_distance), (None, None));
        assert!(!track.streams.channels.contains_key(&StreamKey::Distance));
        points[1].speed = Some(3.0);
        points[2].speed = Some(0.1);
        let track = assemble(&points, at(0), &Location::Byte(0), &mut Vec::new());
        assert_eq!(track.moving_time, Some(5.0));
    }

    #[test]
    fn oversized_tracks_are_thinned_with_a_warning() {
        let extra = 10;
        let points: Vec<TrackPoint> = (0..MAX_STREAM_POINTS + extra)
            .map(|i| TrackPoint {
                time: at(i64::try_from(i).unwrap()),
                heart_rate: Some(100.0),
                ..TrackPoint::default()
            })
            .collect();
        let mut warnings = Vec::new();
        let track = assemble(&points, at(0), &Location::Byte(7), &mut warnings);
        assert_eq!(track.streams.len(), MAX_STREAM_POINTS);
        assert_eq!(
            track.streams.time.last(),
            Some(&((MAX_STREAM_POINTS + extra - 1) as f64))
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            (warnings[0].code, &warnings[0].location),
            ("too_many_points", &Location::Byte(7))
        );
        assert_eq!(track.avg_heart_rate, Some(100.0));
        track.streams.validate().unwrap();
    }

    #[test]
    fn sport_labels() {
        use ActivityType as A;
        for (label, t) in [
            ("running", A::Running),
            ("Run", A::Running),
            ("9", A::Running),
            ("cycling", A::Cycling),
            ("Biking", A::Cycling),
            ("Other", A::Other),
            ("VirtualRide", A::IndoorCycling),
            ("trail_running", A::TrailRunning),
            ("Quidditch", A::Other),
            ("", A::Other),
        ] {
            assert_eq!(activity_type_from_label(label), t, "{label}");
        }
    }
}
