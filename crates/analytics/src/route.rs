//! Routes for maps: an activity's track simplified with Douglas–Peucker at a tolerance in metres, and
//! written as an encoded polyline (Google's format at 5 decimals, about a metre), the form map libraries
//! and other services (Strava's `summary_polyline`) read.
//!
//! Hand-written rather than taken from `geo`/`polyline`: `geo`'s simplification works in degrees, not
//! metres, and would pull a large dependency in for forty lines; the polyline format is a dozen.

use wearhouse_model::{StreamKey, Streams};

/// A position in degrees: (latitude, longitude).
pub type LatLon = (f64, f64);

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Douglas–Peucker runs over pieces of at most this many points, each keeping its ends: the result
/// differs from one pass over the whole only at the joins, and the work stays near-linear whatever the
/// track (one pass is quadratic in the worst case).
const PIECE_POINTS: usize = 2_000;

/// The track's positions in order: points with both coordinates, in range, and not at 0°, 0° (which
/// devices write for "no fix").
pub fn track(streams: &Streams) -> Vec<LatLon> {
    let (Some(lat), Some(lon)) = (
        streams.channels.get(&StreamKey::Lat),
        streams.channels.get(&StreamKey::Lon),
    ) else {
        return Vec::new();
    };
    lat.iter()
        .zip(lon)
        .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
        .filter(|&(a, b)| (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b))
        .filter(|&(a, b)| !(a == 0.0 && b == 0.0))
        .collect()
}

/// Metres east and north of `origin`, on a plane touching the Earth there: exact enough for the
/// distances between neighbouring points of one route.
fn planar(origin: LatLon, p: LatLon) -> (f64, f64) {
    let cos = origin.0.to_radians().cos();
    let mut dlon = p.1 - origin.1;
    // The short way round across the antimeridian.
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    (
        dlon.to_radians() * EARTH_RADIUS_M * cos,
        (p.0 - origin.0).to_radians() * EARTH_RADIUS_M,
    )
}

/// Distance from `p` to the segment `a`–`b`, all planar metres.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (ex * ex + ey * ey).sqrt()
}

/// Douglas–Peucker on one piece: marks the points to keep.
fn simplify_piece(points: &[(f64, f64)], tolerance_m: f64, keep: &mut [bool]) {
    let last = points.len() - 1;
    keep[0] = true;
    keep[last] = true;
    // An explicit stack: no recursion depth to run out of.
    let mut stack = vec![(0, last)];
    while let Some((first, end)) = stack.pop() {
        let mut farthest = (0.0, 0);
        for i in first + 1..end {
            let d = segment_distance(points[i], points[first], points[end]);
            if d > farthest.0 {
                farthest = (d, i);
            }
        }
        if farthest.0 > tolerance_m {
            keep[farthest.1] = true;
            stack.push((first, farthest.1));
            stack.push((farthest.1, end));
        }
    }
}

/// The points of `route` without which it would move by no more than `tolerance_m` metres; the first
/// and last are always kept, and repeated positions dropped.
pub fn simplify(route: &[LatLon], tolerance_m: f64) -> Vec<LatLon> {
    let mut route: Vec<LatLon> = route.to_vec();
    route.dedup();
    if route.len() <= 2 {
        return route;
    }
    let origin = route[0];
    let points: Vec<(f64, f64)> = route.iter().map(|p| planar(origin, *p)).collect();
    let mut keep = vec![false; points.len()];
    let mut start = 0;
    while start < points.len() - 1 {
        let end = (start + PIECE_POINTS).min(points.len() - 1);
        simplify_piece(&points[start..=end], tolerance_m.max(0.0), &mut keep[start..=end]);
        start = end;
    }
    route
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Degrees times 10^5, the polyline format's precision.
fn scaled(v: f64) -> i64 {
    (v * 1e5).round() as i64
}

fn put_number(out: &mut String, delta: i64) {
    let mut v: u64 = if delta < 0 {
        !((delta as u64) << 1)
    } else {
        (delta as u64) << 1
    };
    while v >= 0x20 {
        out.push(char::from((0x20 | (v & 0x1f)) as u8 + 63));
        v >>= 5;
    }
    out.push(char::from(v as u8 + 63));
}

/// `route` as an encoded polyline (5 decimals).
pub fn encode_polyline(route: &[LatLon]) -> String {
    let mut out = String::with_capacity(route.len() * 6);
    let (mut lat, mut lon) = (0i64, 0i64);
    for &(a, b) in route {
        let (a, b) = (scaled(a), scaled(b));
        put_number(&mut out, a - lat);
        put_number(&mut out, b - lon);
        (lat, lon) = (a, b);
    }
    out
}

/// An encoded polyline read back; `None` if it is not one.
pub fn decode_polyline(text: &str) -> Option<Vec<LatLon>> {
    let mut bytes = text.bytes();
    let mut next = || -> Option<Option<i64>> {
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let Some(byte) = bytes.next() else {
                // The end of the text, where a number may end but not begin halfway.
                return if shift == 0 { Some(None) } else { None };
            };
            let chunk = u64::from(byte.checked_sub(63).filter(|c| *c < 64)?);
            if shift > 60 {
                return None;
            }
            value |= (chunk & 0x1f) << shift;
            shift += 5;
            if chunk < 0x20 {
                break;
            }
        }
        let delta = if value & 1 == 1 {
            !(value >> 1) as i64
        } else {
            (value >> 1) as i64
        };
        Some(Some(delta))
    };
    let (mut lat, mut lon) = (0i64, 0i64);
    let mut out = Vec::new();
    while let Some(dlat) = next()? {
        let dlon = next()??;
        lat = lat.checked_add(dlat)?;
        lon = lon.checked_add(dlon)?;
        out.push((lat as f64 / 1e5, lon as f64 / 1e5));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_polyline_of_googles_documentation() {
        // developers.google.com/maps/documentation/utilities/polylinealgorithm
        let route = [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)];
        let text = encode_polyline(&route);
        assert_eq!(text, "_p~iF~ps|U_ulLnnqC_mqNvxq`@");
        assert_eq!(decode_polyline(&text).unwrap(), route.to_vec());
        assert_eq!(decode_polyline(""), Some(vec![]));
        for bad in ["_p~iF", "_p~iF~ps|", "\u{1}", "~~~~~~~~~~~~~~~~"] {
            assert_eq!(decode_polyline(bad), None, "{bad:?}");
        }
    }

    /// Points along a line from (47.0, 8.0) going north-east, `step_m` apart, with a sideways wobble of
    /// `wobble_m` every other point.
    fn wobbly_line(n: usize, step_m: f64, wobble_m: f64) -> Vec<LatLon> {
        let degree = EARTH_RADIUS_M.to_radians().recip();
        (0..n)
            .map(|i| {
                let along = i as f64 * step_m;
                let side = if i % 2 == 1 { wobble_m } else { 0.0 };
                (
                    47.0 + (along + side) * degree,
                    8.0 + (along - side) * degree / 47f64.to_radians().cos(),
                )
            })
            .collect()
    }

    #[test]
    fn wobbles_within_the_tolerance_go_and_those_beyond_it_stay() {
        let line = wobbly_line(1_001, 5.0, 2.0);
        // Sideways by 2 m·√2 ≈ 2.8 m: within 5 m every wobble goes, leaving the ends.
        assert_eq!(simplify(&line, 5.0), vec![line[0], line[1_000]]);
        // Within 1 m none does.
        assert_eq!(simplify(&line, 1.0).len(), 1_001);
    }

    #[test]
    fn a_corner_stays_and_long_tracks_keep_their_shape() {
        let degree = EARTH_RADIUS_M.to_radians().recip();
        // 1 km north, then 1 km east, a point a metre.
        let mut route: Vec<LatLon> = (0..=1000).map(|i| (47.0 + f64::from(i) * degree, 8.0)).collect();
        let corner = route[1000];
        route.extend((1..=1000).map(|i| {
            (
                corner.0,
                8.0 + f64::from(i) * degree / corner.0.to_radians().cos(),
            )
        }));
        let simple = simplify(&route, 3.0);
        assert_eq!(simple.len(), 3, "{simple:?}");
        assert_eq!(simple[1], corner);
        // Over several pieces, every point of the track stays within the tolerance of what is kept.
        let long = wobbly_line(5_000, 3.0, 20.0);
        let simple = simplify(&long, 10.0);
        assert!(
            simple.len() < long.len() && simple.len() > 100,
            "{}",
            simple.len()
        );
        let origin = long[0];
        let kept: Vec<(f64, f64)> = simple.iter().map(|p| planar(origin, *p)).collect();
        for p in &long {
            let p = planar(origin, *p);
            let off = kept
                .windows(2)
                .map(|w| segment_distance(p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            assert!(off <= 10.0 + 1e-6, "{off}");
        }
    }

    #[test]
    fn the_track_skips_gaps_no_fix_and_impossible_positions() {
        let streams = Streams {
            time: vec![0.0, 1.0, 2.0, 3.0, 4.0],
            channels: BTreeMap::from([
                (
                    StreamKey::Lat,
                    vec![Some(47.0), None, Some(0.0), Some(95.0), Some(47.1)],
                ),
                (
                    StreamKey::Lon,
                    vec![Some(8.0), Some(8.0), Some(0.0), Some(8.0), Some(8.1)],
                ),
            ]),
        };
        assert_eq!(track(&streams), vec![(47.0, 8.0), (47.1, 8.1)]);
    }
}
