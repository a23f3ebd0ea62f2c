//! Conformance of the GPX and TCX readers against real files in `../shared/samples` (see its
//! SOURCES.md). Every expected value below was checked by reading the file itself: point counts by
//! counting `<trkpt`/`<Trackpoint>`, times from the first and last point, totals from the laps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use wearhouse_formats::gpx::read_gpx;
use wearhouse_formats::tcx::read_tcx;
use wearhouse_formats::{ParsedActivity, ParsedFile};
use wearhouse_model::{ActivityType, StreamKey};

fn samples() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: sample directory {} is missing; the GPX/TCX conformance tests need it (CI has it)",
            dir.display()
        );
        None
    }
}

fn read(
    reader: fn(&[u8]) -> Result<ParsedFile, wearhouse_formats::FormatError>,
    name: &str,
) -> Option<ParsedFile> {
    let bytes = std::fs::read(samples()?.join(name)).unwrap();
    Some(reader(&bytes).unwrap_or_else(|e| panic!("{name}: {e} ({})", e.code)))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn codes(file: &ParsedFile) -> Vec<&'static str> {
    file.warnings.iter().map(|w| w.code).collect()
}

fn only(file: &ParsedFile) -> &ParsedActivity {
    assert_eq!(file.activities.len(), 1, "{:?}", codes(file));
    let a = &file.activities[0];
    a.streams.validate().unwrap();
    a
}

fn channel(a: &ParsedActivity, key: StreamKey) -> &[Option<f64>] {
    a.streams.channels.get(&key).map_or(&[], Vec::as_slice)
}

fn present(a: &ParsedActivity, key: StreamKey) -> usize {
    channel(a, key).iter().flatten().count()
}

fn close(actual: Option<f64>, expected: f64, tolerance: f64) -> bool {
    actual.is_some_and(|v| (v - expected).abs() <= tolerance)
}

#[test]
fn garmin_connect_gpx_run() {
    let Some(file) = read(read_gpx, "gpx/garmin-connect-activity.gpx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.device.as_deref(), Some("Garmin Connect"));
    let a = only(&file); // the trailing empty <rte></rte> is not an activity
    assert_eq!(a.activity_type, ActivityType::Running);
    assert_eq!(a.sport_label.as_deref(), Some("running"));
    assert_eq!(a.title.as_deref(), Some("casual stroll"));
    assert_eq!(a.start, ts("2017-07-29T14:46:35Z"));
    assert_eq!(a.end, ts("2017-07-29T16:18:13Z"));
    assert_eq!(a.streams.len(), 988);
    assert_eq!(a.streams.time.last(), Some(&5498.0));
    // Every point has ns3:hr and ns3:cad (HR 70–171, mean 145.52).
    assert_eq!(present(a, StreamKey::HeartRate), 988);
    assert_eq!(present(a, StreamKey::Cadence), 988);
    assert_eq!(channel(a, StreamKey::HeartRate)[0], Some(74.0));
    assert_eq!(a.max_heart_rate, Some(171.0));
    assert!(close(a.avg_heart_rate, 145.517, 0.01), "{:?}", a.avg_heart_rate);
    assert_eq!(channel(a, StreamKey::Altitude)[0], Some(104.0));
    // Very long decimals survive as f64.
    assert!(close(channel(a, StreamKey::Lat)[0], 37.241_738_168_522_7, 1e-12));
    // Haversine, 2 m climb dead band and 0.5 m/s moving rule, cross-checked with a Python script.
    assert!(close(a.distance, 12_821.2, 1.0), "{:?}", a.distance);
    assert!(close(a.elevation_gain, 198.4, 0.1), "{:?}", a.elevation_gain);
    assert_eq!(a.moving_time, Some(5485.0));
    assert_eq!(
        channel(a, StreamKey::Distance).last().copied().flatten(),
        a.distance
    );
    assert!(channel(a, StreamKey::Power).is_empty());
}

#[test]
fn gpsmap_gpx_with_two_segments_and_no_sensors() {
    let Some(file) = read(read_gpx, "gpx/garmin-gpsmap64s-with-extensions.gpx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    assert_eq!(a.device.as_deref(), Some("GPSMAP 64s"));
    assert_eq!(a.title.as_deref(), Some("2019-05-01 06:31:11 Tag"));
    assert_eq!(
        (a.activity_type, a.sport_label.as_deref()),
        (ActivityType::Other, None)
    );
    // 3540 <trkpt> in two <trkseg>; the <metadata> time (2019-05-02T08:53:17Z) is not the start.
    assert_eq!(a.streams.len(), 3540);
    assert_eq!(a.start, ts("2019-05-01T04:31:11Z"));
    assert_eq!(a.end, ts("2019-05-01T14:41:35Z"));
    assert_eq!(a.streams.time.last(), Some(&36_624.0));
    assert_eq!(present(a, StreamKey::Altitude), 3540);
    assert_eq!(present(a, StreamKey::HeartRate), 0);
    assert_eq!(a.avg_heart_rate, None);
    assert!(close(a.distance, 18_188.0, 1.0), "{:?}", a.distance);
    assert!(close(a.elevation_gain, 1377.78, 0.1), "{:?}", a.elevation_gain);
    assert_eq!(a.moving_time, Some(15_695.0));
}

#[test]
fn caltopo_gpx_has_two_tracks() {
    let Some(file) = read(read_gpx, "gpx/caltopo-export.gpx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.activities.len(), 2);
    let titles: Vec<_> = file.activities.iter().map(|a| a.title.as_deref()).collect();
    assert_eq!(titles, [Some("Day 01"), Some("Day 02")]);
    let day1 = &file.activities[0];
    // Three points with the same minute-resolution time: zero duration, not an error. <desc/> is no note.
    assert_eq!(day1.streams.time, [0.0, 0.0, 0.0]);
    assert_eq!(
        (day1.start, day1.end),
        (ts("2019-08-12T23:45:00Z"), ts("2019-08-12T23:45:00Z"))
    );
    assert_eq!(day1.notes, None);
    assert_eq!(day1.moving_time, Some(0.0));
    let day2 = &file.activities[1];
    assert_eq!(day2.streams.len(), 3);
    assert_eq!(
        (day2.start, day2.end),
        (ts("2019-08-13T16:51:00Z"), ts("2019-08-13T21:46:00Z"))
    );
    assert_eq!(day2.device.as_deref(), Some("CALTOPO"));
}

#[test]
fn wahoo_gpx_empty_ele_is_no_altitude() {
    let Some(file) = read(read_gpx, "gpx/wahoo_ridewithgps_empty_ele.gpx") else {
        return;
    };
    let a = only(&file);
    assert_eq!(a.device.as_deref(), Some("http://ridewithgps.com/"));
    assert_eq!(a.streams.time, [0.0, 1.0, 2.0]);
    assert_eq!(a.start, ts("2022-04-24T20:54:33Z"));
    assert!(channel(a, StreamKey::Altitude).is_empty());
    assert_eq!(a.elevation_gain, None);
    // Standing still at one position.
    assert_eq!((a.distance, a.moving_time), (Some(0.0), Some(0.0)));
}

#[test]
fn gpx_with_accuracy_fields_and_a_missing_ele() {
    let Some(file) = read(read_gpx, "gpx/with_accuracy.gpx") else {
        return;
    };
    let a = only(&file);
    assert_eq!(a.title.as_deref(), Some("Cycling"));
    assert_eq!(a.streams.time, [0.0, 1.0, 2.0]);
    assert_eq!(channel(a, StreamKey::Altitude), [Some(50.3), Some(0.0), None]);
    assert_eq!(a.start, ts("2017-04-12T17:00:36Z"));
}

#[test]
fn strava_route_export_has_no_times() {
    // Despite its name the file is a <trk> (113 <trkpt>, no <time>): a planned route, kept as one
    // rather than as a workout.
    let Some(file) = read(read_gpx, "gpx/strava_route_example.gpx") else {
        return;
    };
    assert!(file.activities.is_empty());
    assert!(codes(&file).is_empty(), "{:?}", codes(&file));
    assert_eq!(file.routes.len(), 1);
    assert_eq!(file.routes[0].points.len(), 113);
    assert!(file.routes[0].distance > 0.0);
    assert_eq!(file.device.as_deref(), Some("StravaGPX"));
}

#[test]
fn apple_health_route_keeps_speed() {
    let Some(file) = read(read_gpx, "apple_health/dogsheep_route_2019-06-11_3.00pm.gpx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    assert_eq!(a.device.as_deref(), Some("Apple Health Export"));
    assert_eq!(a.title.as_deref(), Some("Route 2019-06-11 3:00pm"));
    assert_eq!(a.streams.time, [0.0, 0.0, 1.0]);
    assert_eq!(
        channel(a, StreamKey::Speed),
        [Some(0.180883), Some(0.116181), Some(0.054395)]
    );
    assert_eq!(channel(a, StreamKey::Altitude)[0], Some(4.076904));
    assert_eq!(channel(a, StreamKey::Lon)[0], Some(-122.396397));
    assert_eq!(
        (a.start, a.end),
        (ts("2019-06-11T22:00:42Z"), ts("2019-06-11T22:00:43Z"))
    );
}

#[test]
fn bad_character_file_is_a_clean_error() {
    let Some(dir) = samples() else { return };
    let bytes = std::fs::read(dir.join("gpx/NEGATIVE_badcharacter.xml")).unwrap();
    // `<xml∂></xml>`: a root that is not <gpx> (and end tag that does not match it).
    let err = read_gpx(&bytes).unwrap_err();
    assert_eq!(err.code, "not_gpx", "{err}");
    assert_eq!(read_tcx(&bytes).unwrap_err().code, "not_tcx");
}

#[test]
fn fenix6_tcx_run() {
    let Some(file) = read(read_tcx, "tcx/20210119_run_garmin_fenix6.tcx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.device.as_deref(), Some("fenix 6 Sapphire"));
    let a = only(&file);
    assert_eq!(a.activity_type, ActivityType::Running);
    assert_eq!(a.sport_label.as_deref(), Some("Running"));
    assert_eq!(a.external_id.as_deref(), Some("start:1611099050000"));
    assert_eq!(a.start, ts("2021-01-19T23:30:50Z"));
    assert_eq!(a.end, ts("2021-01-19T23:51:21Z"));
    assert_eq!(a.streams.len(), 1232);
    for key in [
        StreamKey::HeartRate,
        StreamKey::Speed,
        StreamKey::Cadence,
        StreamKey::Lat,
        StreamKey::Distance,
    ] {
        assert_eq!(present(a, key), 1232, "{key:?}");
    }
    assert_eq!(channel(a, StreamKey::HeartRate)[0], Some(55.0));
    assert_eq!(
        channel(a, StreamKey::Speed).last(),
        Some(&Some(1.6890000104904175))
    );
    assert_eq!(channel(a, StreamKey::Cadence).last(), Some(&Some(60.0)));
    assert_eq!(channel(a, StreamKey::Distance).last(), Some(&Some(5124.83984375)));
    assert!(channel(a, StreamKey::Power).is_empty());
    // One lap: its totals are the activity's.
    assert_eq!(a.laps.len(), 1);
    assert_eq!((a.laps[0].start_offset, a.laps[0].duration), (0.0, 1230.479));
    assert_eq!(a.distance, Some(5124.84));
    assert_eq!(a.energy, Some(268.0));
    assert_eq!((a.avg_heart_rate, a.max_heart_rate), (Some(157.0), Some(189.0)));
    assert!(a.elevation_gain.is_some() && a.moving_time.is_some());
}

#[test]
fn virtual_ride_tcx_has_power() {
    let Some(file) = read(read_tcx, "tcx/20210308_virtual_ride_with_power.tcx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    // No <Creator>: the file-level device falls back to the <Author>.
    assert_eq!(file.device.as_deref(), Some("Connect Api"));
    let a = only(&file);
    assert_eq!(a.device, None);
    assert_eq!(a.activity_type, ActivityType::Cycling);
    assert_eq!(a.sport_label.as_deref(), Some("Biking"));
    assert_eq!(a.start, ts("2021-03-08T21:32:20Z"));
    assert_eq!(a.end, ts("2021-03-08T21:56:14Z"));
    // 1434 <Trackpoint>, the first a second after the Id.
    assert_eq!(a.streams.len(), 1434);
    assert_eq!(a.streams.time[0], 1.0);
    assert_eq!(present(a, StreamKey::Power), 1434);
    assert_eq!(channel(a, StreamKey::Power)[0], Some(216.0));
    assert_eq!(
        channel(a, StreamKey::Power)
            .iter()
            .flatten()
            .copied()
            .reduce(f64::max),
        Some(462.0)
    );
    assert_eq!(channel(a, StreamKey::Cadence)[0], Some(87.0));
    assert_eq!(channel(a, StreamKey::Speed)[0], Some(9.899999618530273));
    assert_eq!(a.distance, Some(16_189.83));
    // Calories is recorded as 0 and kept as recorded.
    assert_eq!(a.energy, Some(0.0));
    assert_eq!((a.avg_heart_rate, a.max_heart_rate), (Some(168.0), Some(181.0)));
}

#[test]
fn yoga_tcx_has_heart_rate_but_no_positions() {
    let Some(file) = read(read_tcx, "tcx/20210323_yoga.tcx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    assert_eq!(a.activity_type, ActivityType::Other);
    assert_eq!(a.sport_label.as_deref(), Some("Other"));
    assert_eq!(a.streams.len(), 1170);
    assert_eq!(present(a, StreamKey::HeartRate), 1170);
    for key in [
        StreamKey::Lat,
        StreamKey::Lon,
        StreamKey::Distance,
        StreamKey::Speed,
        StreamKey::Altitude,
    ] {
        assert!(channel(a, key).is_empty(), "{key:?}");
    }
    assert_eq!(a.start, ts("2021-03-23T12:24:21Z"));
    // The lap (1169.25 s) ends a quarter second after the last trackpoint (12:43:50).
    assert_eq!(a.end, ts("2021-03-23T12:43:50.25Z"));
    assert_eq!(a.distance, Some(0.0));
    assert_eq!(a.energy, Some(33.0));
    assert_eq!((a.avg_heart_rate, a.max_heart_rate), (Some(69.0), Some(93.0)));
    assert_eq!((a.moving_time, a.elevation_gain), (None, None));
}

/// The two python-tcxparser files are the same run, with and without heart rate.
fn check_tcxparser_run(a: &ParsedActivity) {
    assert_eq!(a.activity_type, ActivityType::Running);
    assert_eq!(a.notes.as_deref(), Some("Aerobics"));
    assert_eq!(a.device.as_deref(), Some("Forerunner 410 Software Version 2.20"));
    assert_eq!(a.start, ts("2012-12-26T21:29:53Z"));
    // Lap 3 starts 21:51:56 and lasts 669.51 s, past the last trackpoint (22:03:05).
    assert_eq!(a.end, ts("2012-12-26T22:03:05.51Z"));
    // 384 <Trackpoint>; the last has only a <Time>.
    assert_eq!(a.streams.len(), 384);
    assert_eq!(present(a, StreamKey::Lat), 383);
    assert_eq!(channel(a, StreamKey::Lat).last(), Some(&None));
    assert_eq!(a.laps.len(), 3);
    let offsets: Vec<_> = a.laps.iter().map(|l| (l.start_offset, l.duration)).collect();
    assert_eq!(offsets, [(0.0, 608.47), (609.0, 714.8), (1323.0, 669.51)]);
    assert!(close(a.distance, 4_689.242_675_78, 1e-6), "{:?}", a.distance);
    assert_eq!(a.energy, Some(94.0 + 151.0 + 134.0));
    // Neither file uses the ActivityExtension it declares.
    assert!(channel(a, StreamKey::Speed).is_empty());
    assert!(channel(a, StreamKey::Cadence).is_empty());
}

#[test]
fn tcxparser_no_hr() {
    let Some(file) = read(read_tcx, "tcx/tcxparser_no_hr.tcx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    check_tcxparser_run(a);
    assert!(channel(a, StreamKey::HeartRate).is_empty());
    assert_eq!((a.avg_heart_rate, a.max_heart_rate), (None, None));
    assert!(a.laps.iter().all(|l| l.avg_heart_rate.is_none()));
}

#[test]
fn tcxparser_ext_prefix() {
    let Some(file) = read(read_tcx, "tcx/tcxparser_test_ext_prefix.tcx") else {
        return;
    };
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    check_tcxparser_run(a);
    assert_eq!(present(a, StreamKey::HeartRate), 383);
    assert_eq!(channel(a, StreamKey::HeartRate)[0], Some(62.0));
    // Lap averages 139, 172, 167 weighted by 608.47, 714.80, 669.51 s; maxima 189, 188, 180.
    assert!(
        close(a.avg_heart_rate, 160.244_03, 1e-4),
        "{:?}",
        a.avg_heart_rate
    );
    assert_eq!(a.max_heart_rate, Some(189.0));
    let lap_hr: Vec<_> = a
        .laps
        .iter()
        .map(|l| (l.avg_heart_rate, l.max_heart_rate))
        .collect();
    assert_eq!(
        lap_hr,
        [
            (Some(139.0), Some(189.0)),
            (Some(172.0), Some(188.0)),
            (Some(167.0), Some(180.0))
        ]
    );
}

#[test]
fn every_sample_file_gives_ok_or_a_clean_error_in_both_readers() {
    let Some(dir) = samples() else { return };
    for sub in ["gpx", "tcx", "apple_health"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            // Truncations of real files exercise the end-of-input paths.
            for cut in [bytes.len(), bytes.len() / 2, bytes.len() / 3] {
                let slice = &bytes[..cut];
                for result in [read_gpx(slice), read_tcx(slice)] {
                    match result {
                        Ok(file) => file.activities.iter().for_each(|a| a.streams.validate().unwrap()),
                        Err(e) => assert!(
                            ["malformed_xml", "not_gpx", "not_tcx"].contains(&e.code),
                            "{}: {e}",
                            path.display()
                        ),
                    }
                }
            }
        }
    }
}
