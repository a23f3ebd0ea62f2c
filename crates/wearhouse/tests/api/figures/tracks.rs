//! GPX and TCX: the one workout a track or activity file holds, its distance and heart rate computed
//! from the points or laps.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::files::{number, start_tags, texts};
use super::truth::{seconds, Truth, Workout};

/// Mean Earth radius (IUGG); track distances are great-circle distances on this sphere.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

fn great_circle(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = (p2 - p1, (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// One track of one segment: from its first to its last point, its length along the points, heart rate
/// averaged over the points.
pub(super) fn gpx_truth(xml: &str, zone: &TimeZone) -> Truth {
    let points: Vec<((f64, f64), Timestamp, f64)> = xml
        .split("<trkpt ")
        .skip(1)
        .map(|p| {
            let tag = &start_tags(&format!("<trkpt {p}"), "trkpt")[0];
            let position = (number(&tag["lat"]), number(&tag["lon"]));
            let time = texts(p, "time")[0].parse::<Timestamp>().unwrap();
            (position, time, number(texts(p, "ns3:hr")[0]))
        })
        .collect();
    let (start, end) = (points[0].1, points[points.len() - 1].1);
    let distance = points.windows(2).map(|w| great_circle(w[0].0, w[1].0)).sum();
    let heart: Vec<f64> = points.iter().map(|p| p.2).collect();
    Truth {
        workouts: vec![Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance: Some(distance),
            avg_heart_rate: Some(mean(&heart)),
            max_heart_rate: heart.iter().copied().reduce(f64::max),
            ..Workout::default()
        }],
        ..Truth::default()
    }
}

/// One activity: it starts at its `Id` and ends with its last lap; totals are the laps' (heart rate
/// weighted by lap time).
pub(super) fn tcx_truth(xml: &str, zone: &TimeZone) -> Truth {
    let start = texts(xml, "Id")[0].parse::<Timestamp>().unwrap();
    let mut laps = Vec::new();
    for lap in xml.split("<Lap ").skip(1) {
        let header = &lap[..lap.find("<Track>").unwrap()];
        let tag = &start_tags(&format!("<Lap {lap}"), "Lap")[0];
        let lap_start = tag["StartTime"].parse::<Timestamp>().unwrap();
        let value = |tag: &str| number(texts(header, tag)[0]);
        let heart = |tag: &str| number(texts(texts(header, tag)[0], "Value")[0]);
        laps.push((
            lap_start,
            value("TotalTimeSeconds"),
            value("DistanceMeters"),
            value("Calories"),
            heart("AverageHeartRateBpm"),
            heart("MaximumHeartRateBpm"),
        ));
    }
    let end = laps
        .iter()
        .map(|l| l.0 + SignedDuration::from_secs_f64(l.1))
        .max()
        .unwrap();
    let time: f64 = laps.iter().map(|l| l.1).sum();
    Truth {
        workouts: vec![Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance: Some(laps.iter().map(|l| l.2).sum()),
            energy: Some(laps.iter().map(|l| l.3).sum()),
            avg_heart_rate: Some(laps.iter().map(|l| l.4 * l.1).sum::<f64>() / time),
            max_heart_rate: laps.iter().map(|l| l.5).reduce(f64::max),
            ..Workout::default()
        }],
        ..Truth::default()
    }
}
