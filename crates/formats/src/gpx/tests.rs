use proptest::prelude::*;
use wearhouse_model::{ActivityType, StreamKey};

use super::*;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn codes(file: &ParsedFile) -> Vec<&'static str> {
    file.warnings.iter().map(|w| w.code).collect()
}

/// Garmin TrackPointExtension v2 with power in a PowerExtension, segments written out of order, one point
/// going back in time and one without a time.
const GARMIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="Garmin Edge 530 &amp; friends" version="1.1" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
     xmlns:gpxpx="http://www.garmin.com/xmlschemas/PowerExtension/v1">
  <metadata><time>2000-01-01T00:00:00Z</time></metadata>
  <wpt lat="1" lon="1"><time>1999-01-01T00:00:00Z</time></wpt>
  <trk>
    <name>Evening <![CDATA[Ride]]></name>
    <desc>legs &lt;3</desc>
    <type>cycling</type>
    <trkseg>
      <trkpt lat="45.002" lon="7.0"><ele>106</ele><time>2021-05-01T10:00:20+02:00</time>
        <extensions><gpxpx:PowerExtension><gpxpx:PowerInWatts>250</gpxpx:PowerInWatts></gpxpx:PowerExtension>
        <gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>90</gpxtpx:cad>
        <gpxtpx:atemp>21.5</gpxtpx:atemp><gpxtpx:speed>11.1</gpxtpx:speed><gpxtpx:course>90</gpxtpx:course>
        </gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="45.003" lon="7.0"><ele/><time>2021-05-01T08:00:05Z</time></trkpt>
      <trkpt lat="45.004" lon="7.0"><ele>110</ele></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="45.0" lon="7.0"><ele>100</ele><time>2021-05-01T08:00:00.000Z</time>
        <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>100</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="45.001" lon="7.0"><ele>103</ele><time>2021-05-01T08:00:10Z</time>
        <extensions><power>200</power></extensions></trkpt>
    </trkseg>
  </trk>
</gpx>"#;

#[test]
fn a_garmin_track_becomes_one_activity_with_extensions() {
    let file = read_gpx(GARMIN.as_bytes()).unwrap();
    assert_eq!(file.device.as_deref(), Some("Garmin Edge 530 & friends"));
    assert_eq!(file.activities.len(), 1);
    let a = &file.activities[0];
    assert_eq!(a.activity_type, ActivityType::Cycling);
    assert_eq!(a.sport_label.as_deref(), Some("cycling"));
    assert_eq!(a.title.as_deref(), Some("Evening Ride"));
    assert_eq!(a.notes.as_deref(), Some("legs <3"));
    assert_eq!(a.device, file.device);
    assert_eq!(a.start, ts("2021-05-01T08:00:00Z"));
    assert_eq!(a.end, ts("2021-05-01T08:00:20Z"));
    // Segments sorted by time: (0 s, 10 s) then (20 s, 5 s ← backwards, dropped); untimed point dropped.
    let s = &a.streams;
    assert_eq!(s.time, [0.0, 10.0, 20.0]);
    assert_eq!(
        s.channels[&StreamKey::HeartRate],
        [Some(100.0), None, Some(150.0)]
    );
    assert_eq!(s.channels[&StreamKey::Power], [None, Some(200.0), Some(250.0)]);
    assert_eq!(s.channels[&StreamKey::Cadence], [None, None, Some(90.0)]);
    assert_eq!(s.channels[&StreamKey::Temperature], [None, None, Some(21.5)]);
    assert_eq!(s.channels[&StreamKey::Speed], [None, None, Some(11.1)]);
    assert_eq!(
        s.channels[&StreamKey::Altitude],
        [Some(100.0), Some(103.0), Some(106.0)]
    );
    assert_eq!(s.channels[&StreamKey::Lat][0], Some(45.0));
    // The distance stream is derived, and does not join the two segments.
    let distance = &s.channels[&StreamKey::Distance];
    assert_eq!(distance[1], distance[2]);
    assert!((a.distance.unwrap() - 111.2).abs() < 0.5);
    assert_eq!(a.elevation_gain, Some(6.0));
    assert_eq!(a.moving_time, Some(10.0));
    assert_eq!(a.avg_heart_rate, Some(125.0));
    assert_eq!(a.max_heart_rate, Some(150.0));
    assert_eq!(codes(&file), ["point_without_time", "time_went_backwards"]);
    assert!(file
        .warnings
        .iter()
        .all(|w| matches!(w.location, Location::Byte(b) if b > 0)));
    s.validate().unwrap();
}

#[test]
fn gpx_1_0_speed_and_apple_extensions_are_read() {
    let gpx10 = r#"<gpx version="1.0" creator="old"><trk><trkseg>
        <trkpt lat="1" lon="2"><time>2010-01-01T00:00:00Z</time><speed>3.5</speed><course>10</course></trkpt>
        <trkpt lat="1" lon="2.0001"><time>2010-01-01T00:00:01Z</time><speed>3.6</speed></trkpt>
        </trkseg></trk></gpx>"#;
    let a = &read_gpx(gpx10.as_bytes()).unwrap().activities[0];
    assert_eq!(a.streams.channels[&StreamKey::Speed], [Some(3.5), Some(3.6)]);
    assert_eq!(a.activity_type, ActivityType::Other);
    assert_eq!(a.sport_label, None);

    let apple = r#"<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
        <trkpt lon="-122.3" lat="37.7"><ele>4.0</ele><time>2019-06-11T22:00:42Z</time><extensions><speed>0.18</speed><course>206.2</course><hAcc>8.0</hAcc><vAcc>6.4</vAcc></extensions></trkpt>
        </trkseg></trk></gpx>"#;
    let a = &read_gpx(apple.as_bytes()).unwrap().activities[0];
    assert_eq!(a.streams.channels[&StreamKey::Speed], [Some(0.18)]);
    let keys: Vec<_> = a.streams.channels.keys().copied().collect();
    assert_eq!(
        keys,
        [
            StreamKey::Lat,
            StreamKey::Lon,
            StreamKey::Altitude,
            StreamKey::Speed,
            StreamKey::Distance
        ]
    );
    assert_eq!(a.start, a.end);
}

#[test]
fn routes_count_as_workouts_only_with_times_and_only_without_tracks() {
    let plan = r#"<gpx><rte><name>Plan</name><desc>Up the hill</desc><rtept lat="1" lon="1"><ele>10</ele></rtept>
        <rtept lat="1" lon="1.001"><ele>30</ele></rtept><rtept lat="1" lon="1.002"/></rte></gpx>"#;
    let file = read_gpx(plan.as_bytes()).unwrap();
    assert!(file.activities.is_empty());
    assert!(codes(&file).is_empty(), "{:?}", codes(&file));
    let route = &file.routes[0];
    assert_eq!(route.name.as_deref(), Some("Plan"));
    assert_eq!(route.description.as_deref(), Some("Up the hill"));
    assert_eq!(route.points.len(), 3);
    assert_eq!(route.points[2].elevation, None);
    // 0.002° of longitude on the 1st parallel: 2π × 6,371,008.8 m ÷ 360 × 0.002 × cos 1° = 222.36 m.
    assert!((route.distance - 222.356).abs() < 0.01, "{}", route.distance);
    assert_eq!(route.elevation_gain, Some(20.0));

    let timed = r#"<gpx><rte><name>Walk</name><type>Walk</type>
        <rtept lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></rtept>
        <rtept lat="1" lon="1.001"><time>2020-01-01T00:01:00Z</time></rtept></rte></gpx>"#;
    let file = read_gpx(timed.as_bytes()).unwrap();
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.activities[0].activity_type, ActivityType::Walking);
    assert_eq!(file.activities[0].title.as_deref(), Some("Walk"));
    assert_eq!(file.activities[0].streams.len(), 2);

    // A track next to a route: the route is the plan that was followed, not a second workout.
    let both = r#"<gpx><trk><trkseg><trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk>
        <rte><rtept lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></rtept></rte></gpx>"#;
    assert_eq!(read_gpx(both.as_bytes()).unwrap().activities.len(), 1);
}

#[test]
fn tracks_without_times_are_routes_and_files_without_tracks_warn() {
    let drawn =
        br#"<gpx><trk><name>Loop</name><trkseg><trkpt lat="1" lon="1"/><trkpt lat="1.001" lon="1"/></trkseg>
        <trkseg><trkpt lat="1.002" lon="1"/></trkseg></trk></gpx>"#;
    let file = read_gpx(drawn).unwrap();
    assert!(file.activities.is_empty());
    assert_eq!(file.routes.len(), 1);
    assert_eq!(file.routes[0].points.len(), 3, "segments joined in order");

    let file =
        read_gpx(br#"<gpx><trk><trkseg><trkpt lat="1" lon="1"><ele>3</ele></trkpt></trkseg></trk></gpx>"#)
            .unwrap();
    assert!(file.activities.is_empty() && file.routes.is_empty());
    assert_eq!(codes(&file), ["empty_route"]);

    let file =
        read_gpx(br#"<gpx><wpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></wpt></gpx>"#).unwrap();
    assert!(file.activities.is_empty());
    assert_eq!(codes(&file), ["no_tracks"]);

    let file = read_gpx(br#"<gpx/>"#).unwrap();
    assert_eq!(codes(&file), ["no_tracks"]);

    let file = read_gpx(br#"<gpx><trk><name>x</name></trk></gpx>"#).unwrap();
    assert_eq!(codes(&file), ["empty_track"]);
}

#[test]
fn zoneless_times_are_utc_with_one_warning() {
    let gpx = br#"<gpx><trk><trkseg>
        <trkpt lat="1" lon="1"><time>2017-01-01T10:00:00</time></trkpt>
        <trkpt lat="1" lon="1"><time>2017-01-01T10:00:05</time></trkpt>
        <trkpt lat="1" lon="1"><time>last tuesday</time></trkpt>
        </trkseg></trk></gpx>"#;
    let file = read_gpx(gpx).unwrap();
    assert_eq!(file.activities[0].start, ts("2017-01-01T10:00:00Z"));
    assert_eq!(file.activities[0].streams.time, [0.0, 5.0]);
    assert_eq!(codes(&file), ["time_without_zone", "point_without_time"]);
    assert!(file.warnings[1].detail.contains("1 unparsable"));
}

#[test]
fn each_track_is_its_own_activity_and_types_map() {
    let gpx = br#"<gpx><trk><type>9</type><trkseg><trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk>
        <trk><type>Quidditch</type><trkseg><trkpt lat="1" lon="1"><time>2020-01-02T00:00:00Z</time></trkpt></trkseg></trk></gpx>"#;
    let file = read_gpx(gpx).unwrap();
    let types: Vec<_> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(types, [ActivityType::Running, ActivityType::Other]);
    assert_eq!(file.activities[1].sport_label.as_deref(), Some("Quidditch"));
}

#[test]
fn bad_input_is_a_clean_error() {
    let err = read_gpx(b"<gpx><trk></gpx>").unwrap_err();
    assert_eq!(err.code, "malformed_xml");
    assert!(matches!(err.location, Location::Byte(b) if b > 0), "{err:?}");
    assert_eq!(read_gpx(b"<gpx><trk>").unwrap_err().code, "malformed_xml");
    assert_eq!(
        read_gpx(b"<gpx></gpx><gpx></gpx>").unwrap_err().code,
        "malformed_xml"
    );
    assert_eq!(
        read_gpx(b"<gpx><trk><trkseg><trkpt lat=\"1\" lon=1></trkpt></trkseg></trk></gpx>")
            .unwrap_err()
            .code,
        "malformed_xml"
    );
    assert_eq!(read_gpx(b"<kml></kml>").unwrap_err().code, "not_gpx");
    assert_eq!(read_gpx(b"").unwrap_err().code, "not_gpx");
    assert_eq!(read_gpx(b"just text").unwrap_err().code, "not_gpx");
    // UTF-16 is not read (quick-xml without its `encoding` feature): an unterminated tag, so malformed.
    assert_eq!(read_gpx(b"\xff\xfe<\x00g\x00").unwrap_err().code, "malformed_xml");
}

#[test]
fn hostile_numbers_are_dropped_not_kept() {
    let gpx = br#"<gpx><trk><trkseg>
        <trkpt lat="NaN" lon="inf"><ele>1e999</ele><time>2020-01-01T00:00:00Z</time><extensions><hr>NaN</hr></extensions></trkpt>
        <trkpt lat="91" lon="7"><time>2020-01-01T00:00:01Z</time></trkpt>
        </trkseg></trk></gpx>"#;
    let a = &read_gpx(gpx).unwrap().activities[0];
    assert!(a.streams.channels.is_empty(), "{:?}", a.streams.channels);
    assert_eq!(
        (a.distance, a.elevation_gain, a.avg_heart_rate),
        (None, None, None)
    );
    a.streams.validate().unwrap();
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_gpx(&bytes);
    }

    #[test]
    fn mutated_gpx_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = GARMIN.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let cut = cut.index(bytes.len() + 1);
        if let Ok(file) = read_gpx(&bytes[..cut]) {
            for a in file.activities {
                prop_assert!(a.streams.validate().is_ok());
                prop_assert!(a.start <= a.end);
            }
        }
    }
}
