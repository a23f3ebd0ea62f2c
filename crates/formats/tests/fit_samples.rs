//! Conformance of the FIT reader on real files from ../shared/samples/fit (see SOURCES.md there):
//! record-by-record agreement with python-fitparse's ground truth CSVs, multisport and chained files,
//! and clean errors or warnings for the damaged ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use wearhouse_formats::fit::{read_fit, read_fit_counted};
use wearhouse_formats::ParsedActivity;
use wearhouse_model::{ActivityType, StreamKey};

const FIT_EPOCH_UNIX: i64 = 631_065_600;

fn samples_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/fit");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: sample directory {} is missing (CI has it; see shared/samples/SOURCES.md)",
            dir.display()
        );
        None
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_sample_reads_without_panic() {
    let Some(dir) = samples_dir() else { return };
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".fit"))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    for name in names {
        match read_fit_counted(&read(&dir, &name)) {
            Ok((file, messages)) => {
                let kinds: Vec<String> = file
                    .activities
                    .iter()
                    .map(|a| format!("{}×{}", a.activity_type.as_str(), a.streams.len()))
                    .collect();
                let warnings: Vec<_> = file.warnings.iter().map(|w| w.code).collect();
                println!(
                    "{name}: {messages} msgs, device {:?}, activities {kinds:?}, {} samples, warnings {warnings:?}",
                    file.device,
                    file.samples.len()
                );
                for a in &file.activities {
                    a.streams.validate().unwrap();
                    assert!(a.end >= a.start, "{name}");
                    assert!(a.laps.iter().all(|l| l.start_offset >= 0.0), "{name}");
                }
            }
            Err(e) => println!("{name}: error {} ({e})", e.code),
        }
    }
}

/// One row of a python-fitparse ground-truth CSV, by column name.
struct Row<'a> {
    names: &'a [String],
    cells: Vec<String>,
}

impl Row<'_> {
    fn get(&self, name: &str) -> Option<f64> {
        let i = self.names.iter().position(|n| n == name)?;
        let cell = self.cells.get(i)?.trim();
        if cell.is_empty() || cell == "null" || cell == "None" {
            None
        } else {
            Some(cell.parse().unwrap_or_else(|e| panic!("{name}={cell}: {e}")))
        }
    }

    /// Unix seconds: either raw FIT seconds (devices whose clock was never set), or a date as
    /// python's `str(datetime)` under US Pacific time printed it ("Sun Sep 25 06:00:22 PDT 2011").
    fn unix_time(&self) -> i64 {
        let cell = self.cells[0].trim();
        if let Ok(fit) = cell.parse::<i64>() {
            return fit + FIT_EPOCH_UNIX;
        }
        let parts: Vec<&str> = cell.split_whitespace().collect();
        let [_, month, day, hms, zone, year] = parts[..] else {
            panic!("unexpected time {cell}")
        };
        let month = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .position(|m| *m == month)
        .unwrap() as i8
            + 1;
        let hours = match zone {
            "PDT" => -7,
            "PST" => -8,
            "UTC" | "GMT" => 0,
            other => panic!("unknown zone {other}"),
        };
        let hms: Vec<i8> = hms.split(':').map(|p| p.parse().unwrap()).collect();
        let local = jiff::civil::date(year.parse().unwrap(), month, day.parse().unwrap())
            .at(hms[0], hms[1], hms[2], 0);
        local
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(hours)))
            .unwrap()
            .timestamp()
            .as_second()
    }
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let names = lines
        .next()
        .unwrap()
        .split(',')
        .map(|n| n.trim().to_owned())
        .collect();
    let rows = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    (names, rows)
}

fn close(a: Option<f64>, b: Option<f64>, tolerance: f64) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= tolerance,
        (None, None) => true,
        _ => false,
    }
}

/// The channel `key` at point `i`, `None` when the channel or the value is absent.
fn at(activity: &ParsedActivity, key: StreamKey, i: usize) -> Option<f64> {
    activity.streams.channels.get(&key).and_then(|v| v[i])
}

/// Compares every record of `fit` with its CSV ground truth, row by row, after skipping `skip` leading
/// records the CSV leaves out. `columns` maps CSV columns to our streams with the tolerance allowed.
///
/// The CSVs come from the FIT SDK's dump tool, which prints an invalid cadence as 0 and an invalid
/// position as the last valid one; python-fitparse's own test undoes both, and so does this one.
fn check_against_csv(fit: &str, csv: &str, skip: usize, columns: &[(&str, StreamKey, f64)]) {
    let Some(dir) = samples_dir() else { return };
    let file = read_fit(&read(&dir, fit)).unwrap();
    assert!(file.warnings.is_empty(), "{fit}: {:?}", file.warnings);
    let [activity] = file.activities.as_slice() else {
        panic!("{fit}: expected one activity, got {}", file.activities.len())
    };
    let (names, rows) = read_csv(&dir.join(csv));
    assert_eq!(activity.streams.len(), rows.len() + skip, "{fit}: record count");
    let start = activity.start.as_second();
    let mut last_position = (None, None);
    for (row_index, cells) in rows.into_iter().enumerate() {
        let i = row_index + skip;
        let row = Row { names: &names, cells };
        let when = start + activity.streams.time[i] as i64;
        assert_eq!(when, row.unix_time(), "{fit} row {row_index}: timestamp");
        for &(column, key, tolerance) in columns {
            let mut expected = row.get(column);
            let mut got = at(activity, key, i);
            match key {
                StreamKey::Lat | StreamKey::Lon => {
                    expected = expected.map(|semicircles| semicircles * 180.0 / 2_147_483_648.0);
                    let last = if key == StreamKey::Lat {
                        &mut last_position.0
                    } else {
                        &mut last_position.1
                    };
                    if got.is_some() {
                        *last = got;
                    } else {
                        got = *last;
                    }
                }
                StreamKey::Cadence if got.is_none() && expected == Some(0.0) => expected = None,
                _ => {}
            }
            assert!(
                close(got, expected, tolerance),
                "{fit} row {row_index} {column}: got {got:?}, expected {expected:?}"
            );
        }
    }
}

const FULL_RECORD: [(&str, StreamKey, f64); 8] = [
    ("heart_rate", StreamKey::HeartRate, 0.0),
    ("cadence", StreamKey::Cadence, 0.0),
    ("speed", StreamKey::Speed, 1e-9),
    ("distance", StreamKey::Distance, 1e-9),
    ("position_lat", StreamKey::Lat, 1e-9),
    ("position_long", StreamKey::Lon, 1e-9),
    ("altitude", StreamKey::Altitude, 1e-9),
    ("temperature", StreamKey::Temperature, 0.0),
];

#[test]
fn fenix_5_run_matches_ground_truth() {
    check_against_csv(
        "garmin-fenix-5-run.fit",
        "garmin-fenix-5-run-records.csv",
        0,
        &FULL_RECORD,
    );
}

#[test]
fn edge_500_matches_ground_truth() {
    check_against_csv(
        "garmin-edge-500-activity.fit",
        "garmin-edge-500-activity-records.csv",
        0,
        &FULL_RECORD,
    );
}

#[test]
fn edge_820_matches_ground_truth() {
    check_against_csv(
        "garmin-edge-820-bike.fit",
        "garmin-edge-820-bike-records.csv",
        0,
        &FULL_RECORD,
    );
}

#[test]
fn compressed_speed_distance_matches_ground_truth() {
    check_against_csv(
        "compressed-speed-distance.fit",
        "compressed-speed-distance-records.csv",
        // The first record only carries the full timestamp the compressed headers count from.
        1,
        &[
            ("Heart Rate [bpm]", StreamKey::HeartRate, 0.0),
            ("Speed [m/s]", StreamKey::Speed, 1e-9),
            ("Distance [m]", StreamKey::Distance, 1e-9),
            ("Cadence [rpm]", StreamKey::Cadence, 0.0),
        ],
    );
}

#[test]
fn fenix_5_bike_decodes_every_message() {
    let Some(dir) = samples_dir() else { return };
    // fitparser's own test counts 143 messages in this file: our skipping stays in step with it.
    let (file, messages) = read_fit_counted(&read(&dir, "garmin-fenix-5-bike.fit")).unwrap();
    assert_eq!(messages, 143);
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.activities[0].activity_type, ActivityType::Cycling);
    assert_eq!(file.device.as_deref(), Some("Garmin fenix 5"));
}

#[test]
fn multisport_file_gives_one_activity_per_session() {
    let Some(dir) = samples_dir() else { return };
    let (file, messages) = read_fit_counted(&read(&dir, "activity-large-fenxi2-multisport.fit")).unwrap();
    assert_eq!(messages, 24_266, "fitparser decodes the same number of messages");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let types: Vec<ActivityType> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(
        types,
        [
            ActivityType::Other,
            ActivityType::Triathlon,
            ActivityType::Running,
            ActivityType::Triathlon,
            ActivityType::Running,
            ActivityType::Triathlon,
            ActivityType::Cycling,
        ]
    );
    // Every one of the 24,239 records lands in a session, in time order, none twice.
    let points: usize = file.activities.iter().map(|a| a.streams.len()).sum();
    assert_eq!(points, 24_239);
    assert!(file.activities.windows(2).all(|w| w[0].end <= w[1].start));
    let mut ids: Vec<_> = file
        .activities
        .iter()
        .map(|a| a.external_id.clone().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 7, "distinct external ids: {ids:?}");
    assert!(file.activities.iter().all(|a| a.offset_minutes == Some(120)));
    // The first session's start_time is 45 minutes late (the Fenix 2 writes its first GPS fix);
    // its end and elapsed time put the start where the first lap and record are.
    let first = &file.activities[0];
    assert_eq!(first.start.to_string(), "2015-08-29T07:14:44Z");
    assert_eq!(first.end.to_string(), "2015-08-29T10:30:24Z");
    let cycling = &file.activities[6];
    assert!((cycling.distance.unwrap() - 28_928.27).abs() < 0.01);
    assert_eq!(cycling.sport_label.as_deref(), Some("cycling"));
}

#[test]
fn chained_file_reads_every_part() {
    let Some(dir) = samples_dir() else { return };
    let bytes = read(&dir, "sample_mulitple_header.fit");
    let (file, messages) = read_fit_counted(&bytes).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let types: Vec<ActivityType> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(
        types,
        [
            ActivityType::OpenWaterSwimming,
            ActivityType::Triathlon,
            ActivityType::Cycling,
            ActivityType::Triathlon,
            ActivityType::Running,
        ]
    );
    // Four chained files; the first holds the sessions, the other three the heart rate the strap
    // stored during the swim. The swim gets a heart rate at every record only with all parts read.
    let first_part = 14 + u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize + 2;
    let (alone, first_messages) = read_fit_counted(&bytes[..first_part]).unwrap();
    assert!(messages > first_messages);
    let swim_hr = |a: &ParsedActivity| a.streams.channels[&StreamKey::HeartRate].iter().flatten().count();
    assert_eq!(swim_hr(&file.activities[0]), 349);
    assert!(swim_hr(&alone.activities[0]) < 10);
    let hr: Vec<f64> = file.activities[0].streams.channels[&StreamKey::HeartRate]
        .iter()
        .flatten()
        .copied()
        .collect();
    assert!(hr.iter().all(|b| (100.0..=200.0).contains(b)), "{hr:?}");
}

#[test]
fn damaged_files_give_warnings_or_clean_errors() {
    let Some(dir) = samples_dir() else { return };
    // Cut 3 bytes short inside its last message: the 14 complete records survive as an activity
    // (the session message was never written), with a warning saying where the file ends.
    let file = read_fit(&read(&dir, "activity-unexpected-eof.fit")).unwrap();
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.activities[0].streams.len(), 14);
    let codes: Vec<_> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["truncated"]);

    // A complete first file followed by a chained header reading ".GIT": the first file is kept.
    let file = read_fit(&read(&dir, "activity-settings-corruptheader.fit")).unwrap();
    assert_eq!(file.activities.len(), 1);
    let [warning] = file.warnings.as_slice() else {
        panic!("{:?}", file.warnings)
    };
    assert_eq!(warning.code, "corrupt_header");
    assert_eq!(warning.location, wearhouse_formats::Location::Byte(771));

    // Either file cut before its first record has nothing to give: a clean error.
    for name in [
        "activity-unexpected-eof.fit",
        "activity-settings-corruptheader.fit",
    ] {
        let bytes = read(&dir, name);
        let err = read_fit(&bytes[..60]).unwrap_err();
        assert_eq!(err.code, "truncated", "{name}");
    }

    // A crashed Strava recording: garbage after ~7 KB and one record dated 2085.
    let file = read_fit(&read(&dir, "strava-android-app.fit")).unwrap();
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.activities[0].streams.len(), 472);
    let codes: Vec<_> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["records_outside_sessions", "corrupt_record"]);
}

#[test]
fn misaligned_coros_fields_do_not_derail_decoding() {
    let Some(dir) = samples_dir() else { return };
    // Its event messages declare a one-byte uint32: read by the declared size, such fields are
    // skipped and every record still lines up.
    let file = read_fit(&read(&dir, "coros-pace-2-cycling-misaligned-fields.fit")).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.device.as_deref(), Some("COROS PACE 2"));
    let [a] = file.activities.as_slice() else { panic!() };
    assert_eq!(a.activity_type, ActivityType::Cycling);
    assert_eq!(a.streams.len(), 11_272);
    let speeds = &a.streams.channels[&StreamKey::Speed];
    assert!(speeds.iter().flatten().all(|s| (0.0..30.0).contains(s)));
    let hr = &a.streams.channels[&StreamKey::HeartRate];
    assert!(hr.iter().flatten().all(|b| (40.0..220.0).contains(b)));
}

#[test]
fn other_makers_and_sensors_are_read() {
    let Some(dir) = samples_dir() else { return };
    let wahoo = read_fit(&read(&dir, "wahoo-elemnt-2019-02-17.fit")).unwrap();
    assert_eq!(wahoo.device.as_deref(), Some("Wahoo ELEMNT"));
    assert_eq!(wahoo.activities[0].streams.len(), 13_471);

    let vector = read_fit(&read(&dir, "Edge810-Vector-2013-08-16.fit")).unwrap();
    let power = &vector.activities[0].streams.channels[&StreamKey::Power];
    assert!(power.iter().flatten().any(|w| *w > 100.0));

    let trainer = read_fit(&read(&dir, "sample-activity-indoor-trainer.fit")).unwrap();
    let a = &trainer.activities[0];
    assert_eq!(a.streams.len(), 2_263);
    assert!(
        !a.streams.channels.contains_key(&StreamKey::Lat),
        "no GPS indoors"
    );

    let hrv = read_fit(&read(&dir, "hrv-activity.fit")).unwrap();
    let rmssd: Vec<_> = hrv
        .samples
        .iter()
        .filter(|s| s.metric == wearhouse_model::Metric::HrvRmssd)
        .collect();
    assert_eq!(rmssd.len(), 1);
    assert!((1.0..500.0).contains(&rmssd[0].value));
    assert_eq!(rmssd[0].start, hrv.activities[0].start);
}

#[test]
fn bench_file_reads_cleanly() {
    let Some(dir) = samples_dir() else { return };
    let file = read_fit(&read(&dir, "bench-sample-1h-run.fit")).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let [a] = file.activities.as_slice() else { panic!() };
    assert_eq!(a.activity_type, ActivityType::TrailRunning);
    assert_eq!(file.device.as_deref(), Some("Garmin fenix 6X"));
    a.streams.validate().unwrap();
}

/// (file, end, moving time): a session ends when its timer stopped (start + `total_elapsed_time`), or at
/// a record written after that, not when the session message was saved. None of the samples carries
/// `total_moving_time`; their moving times are the records' (speed over 0.5 m/s, timer pauses and gaps
/// over a minute left out), figures an independent computation over python-fitparse's decoding of the
/// same files gives too.
#[test]
fn sessions_end_when_the_timer_stopped_and_move_as_long_as_the_records_say() {
    let Some(dir) = samples_dir() else { return };
    let cases: [(&str, &str, f64); 8] = [
        // Saved 20 minutes after its stop: the session message says 19:43:30.
        ("Edge810-Vector-2013-08-16.fit", "2013-08-16T19:23:30Z", 4_649.0),
        ("garmin-fenix-5-run.fit", "2017-06-11T14:35:06Z", 55.0),
        // 47 pauses; 10,641 s of timer time.
        ("garmin-edge-500-activity.fit", "2011-09-25T16:31:53Z", 10_571.0),
        ("compressed-speed-distance.fit", "1990-07-18T07:49:07Z", 3_480.0),
        ("bench-sample-1h-run.fit", "2020-09-24T08:21:40Z", 4_248.0),
        // The records count 65 s of moving; the timer ran 64.524 s.
        ("garmin-edge-820-bike.fit", "2017-06-12T16:11:20Z", 64.524),
        // No speed sensor: the timer time.
        (
            "sample-activity-indoor-trainer.fit",
            "2011-11-02T13:32:02Z",
            2_261.85,
        ),
        // Records survive for 5 of its 59 minutes: the timer time, not theirs.
        ("strava-android-app.fit", "2021-09-27T15:12:28Z", 3_558.0),
    ];
    for (name, end, moving) in cases {
        let file = read_fit(&read(&dir, name)).unwrap();
        let a = &file.activities[0];
        assert_eq!(a.end.to_string(), end, "{name}");
        assert_eq!(a.moving_time, Some(moving), "{name}");
    }
}
