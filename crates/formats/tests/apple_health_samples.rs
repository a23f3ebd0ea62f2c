//! Conformance of the Apple Health reader on real exports from `../shared/samples/apple_health`, checked
//! against the counts in SOURCES.md and against greps of the files themselves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::Timestamp;
use wearhouse_formats::apple_health::{AppleHealthReader, HealthRecord, ReadCounts};
use wearhouse_formats::Warning;
use wearhouse_model::{ActivityType, Metric, Sex, StreamKey};

fn samples_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the samples directory {} is missing; these conformance tests need it",
            dir.display()
        );
        None
    }
}

fn read_all(bytes: &[u8]) -> (Vec<HealthRecord>, Vec<Warning>, ReadCounts) {
    let mut reader = AppleHealthReader::new(bytes);
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        records.push(record);
    }
    assert_eq!(reader.bytes_read(), bytes.len() as u64);
    (records, reader.warnings().to_vec(), reader.counts().clone())
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    memchr::memmem::find_iter(haystack, needle).count()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn hkimport_export_v3_2017() {
    let Some(dir) = samples_dir() else { return };
    let bytes = std::fs::read(dir.join("apple_health/hkimport_export_v3_2017.xml")).unwrap();
    // SOURCES.md: 11101 Record, 61 Workout, 34 Correlation (food). The 11101 include 162 records inside
    // the correlations that the file also writes at top level (the DTD's note says so; a grep confirms
    // every one): each is read once, so the reader yields 11101 − 162 = 10939 records.
    assert_eq!(count(&bytes, b"<Record "), 11_101);
    assert_eq!(count(&bytes, b"<Workout "), 61);
    assert_eq!(count(&bytes, b"<Correlation "), 34);
    assert_eq!(
        count(&bytes, b"  <Record "),
        162,
        "records indented inside correlations"
    );

    let (records, warnings, counts) = read_all(&bytes);
    assert!(warnings.is_empty(), "{warnings:?}");
    // Mapped: steps 3980, distance 3556 + 2 cycling, heart rate 2177, active energy 411, flights 191,
    // sleep 121, body mass 40, blood glucose 35, mindful 4, basal energy 2 = 10519. Unmapped: the 418
    // top-level dietary records and 2 NikeFuel = 420.
    assert_eq!(
        counts,
        ReadCounts {
            samples: 10_519,
            unmapped: 420,
            workouts: 61,
            activity_summaries: 0,
            correlations: 34,
            correlation_duplicates: 162,
            skipped: 0,
        }
    );
    let mut per_metric = BTreeMap::new();
    let mut unmapped_types = BTreeMap::new();
    for record in &records {
        match record {
            HealthRecord::Sample(s) => *per_metric.entry(s.metric).or_insert(0) += 1,
            HealthRecord::Unmapped(u) => *unmapped_types.entry(u.record_type.clone()).or_insert(0) += 1,
            _ => {}
        }
    }
    let expected: BTreeMap<Metric, i32> = [
        (Metric::Steps, 3980),
        (Metric::Distance, 3558),
        (Metric::HeartRate, 2177),
        (Metric::ActiveEnergy, 411),
        (Metric::Floors, 191),
        (Metric::Sleep, 121),
        (Metric::BodyMass, 40),
        (Metric::BloodGlucose, 35),
        (Metric::MindfulMinutes, 4),
        (Metric::BasalEnergy, 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(per_metric, expected);
    assert_eq!(unmapped_types["HKQuantityTypeIdentifierNikeFuel"], 2);
    // 85 protein records in the file, 34 of them (one per food correlation) copies inside correlations.
    assert_eq!(unmapped_types["HKQuantityTypeIdentifierDietaryProtein"], 85 - 34);

    // `Me` with an empty birth date and "not set" sex.
    assert_eq!(
        records[0],
        HealthRecord::Me {
            birth_date: None,
            sex: None
        }
    );
    // The first record: blood glucose 81 mg/dL at 2017-03-30 09:29:00 +0200.
    let HealthRecord::Sample(glucose) = &records[1] else {
        panic!("{:?}", records[1])
    };
    assert_eq!(glucose.metric, Metric::BloodGlucose);
    assert!((glucose.value - 81.0 / 18.0156).abs() < 1e-12);
    assert_eq!(glucose.start, ts("2017-03-30T07:29:00Z"));
    assert_eq!(glucose.source_name.as_deref(), Some("Health"));
    assert_eq!(glucose.offset_minutes, None);

    // 18 sleep records carry HKTimeZone Asia/Jerusalem: summer time, +03:00.
    let zoned: Vec<i16> = records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Sample(s) => s.offset_minutes,
            _ => None,
        })
        .collect();
    assert_eq!(zoned, vec![180; 18]);

    let sleep_stages: BTreeMap<i64, usize> = records.iter().fold(BTreeMap::new(), |mut acc, r| {
        if let HealthRecord::Sample(s) = r {
            if s.metric == Metric::Sleep {
                *acc.entry(s.value as i64).or_insert(0) += 1;
            }
        }
        acc
    });
    assert_eq!(sleep_stages, [(0, 12), (1, 107), (2, 2)].into_iter().collect());

    let devices: Vec<&str> = records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Sample(s) => s.device.as_deref(),
            _ => None,
        })
        .collect();
    assert!(
        !devices.is_empty() && devices.iter().all(|d| *d == "iPhone"),
        "{:?}",
        &devices[..3]
    );

    let workouts: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Workout(w) => Some(w),
            _ => None,
        })
        .collect();
    let by_type = workouts.iter().fold(BTreeMap::new(), |mut acc, w| {
        *acc.entry(w.activity.activity_type).or_insert(0) += 1;
        acc
    });
    assert_eq!(
        by_type,
        [
            (ActivityType::Walking, 28),
            // One Nike+ run carries HKIndoorWorkout=1.
            (ActivityType::Running, 20),
            (ActivityType::TreadmillRunning, 1),
            (ActivityType::Cardio, 5),
            (ActivityType::Cycling, 2),
            (ActivityType::FunctionalStrengthTraining, 2),
            (ActivityType::StrengthTraining, 1),
            (ActivityType::Dance, 1),
            (ActivityType::Yoga, 1),
        ]
        .into_iter()
        .collect()
    );
    let first = &workouts[0].activity;
    assert_eq!(first.start, ts("2017-06-19T06:30:31Z"));
    assert_eq!(first.energy, Some(21.0));
    assert_eq!(first.distance, Some(0.0));
    assert!((first.moving_time.unwrap() - 4.314366666475932 * 60.0).abs() < 1e-9);
    assert_eq!(workouts[0].source_name.as_deref(), Some("Human"));
    assert_eq!(
        workouts
            .iter()
            .filter(|w| w.activity.offset_minutes == Some(180))
            .count(),
        1
    );
    assert!(workouts
        .iter()
        .all(|w| w.activity.laps.is_empty() && w.route_files.is_empty()));
}

#[test]
fn dogsheep_export_trimmed() {
    let Some(dir) = samples_dir() else { return };
    let bytes = std::fs::read(dir.join("apple_health/dogsheep_export_trimmed.xml")).unwrap();
    let (records, warnings, counts) = read_all(&bytes);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        (
            counts.samples,
            counts.unmapped,
            counts.workouts,
            counts.activity_summaries
        ),
        (2, 0, 1, 2)
    );

    assert_eq!(
        records[0],
        HealthRecord::Me {
            birth_date: Some(Date::constant(1990, 2, 2)),
            sex: Some(Sex::Male)
        }
    );
    let HealthRecord::Sample(bmi) = &records[1] else {
        panic!()
    };
    assert_eq!(
        (bmi.metric, bmi.value),
        (Metric::Bmi, 22.5312),
        "HealthKit writes BMI as a count"
    );
    assert_eq!(bmi.source_name.as_deref(), Some("Health Mate"));
    assert_eq!(bmi.start, ts("2016-04-18T15:25:32Z"));
    let HealthRecord::Sample(hr) = &records[2] else {
        panic!()
    };
    assert_eq!((hr.metric, hr.value), (Metric::HeartRate, 72.0));
    assert_eq!(hr.device.as_deref(), Some("Apple Watch"));

    let HealthRecord::Workout(w) = &records[3] else {
        panic!()
    };
    let run = &w.activity;
    assert_eq!(run.activity_type, ActivityType::Running);
    assert_eq!(
        run.offset_minutes,
        Some(-480),
        "HKTimeZone America/Los_Angeles in November"
    );
    assert!((run.distance.unwrap() - 0.4971749504535062 * 1609.344).abs() < 1e-9);
    assert!((run.energy.unwrap() - 48.745).abs() < 1e-9);
    assert!((run.moving_time.unwrap() - 5.19412346680959 * 60.0).abs() < 1e-9);
    assert_eq!(run.streams.time, [3.0, 3.0]);
    assert_eq!(
        run.streams.channels[&StreamKey::Lat],
        [Some(37.7777), Some(37.7777)]
    );
    assert_eq!(
        run.streams.channels[&StreamKey::Altitude],
        [Some(21.2694), Some(21.2677)]
    );
    assert_eq!(
        run.streams.channels[&StreamKey::Speed],
        [Some(2.48034), Some(2.48034)]
    );
    run.streams.validate().unwrap();

    let HealthRecord::ActivitySummary(day) = &records[4] else {
        panic!()
    };
    assert_eq!(day.date, Date::constant(2016, 11, 15));
    assert_eq!(day.active_energy, Some(590.252));
    assert_eq!(
        (day.exercise_minutes, day.exercise_minutes_goal),
        (Some(68.0), Some(30.0))
    );
    assert_eq!((day.stand_hours, day.stand_hours_goal), (Some(13.0), Some(12.0)));
}

#[test]
fn truncated_exports_keep_everything_before_the_cut() {
    let Some(dir) = samples_dir() else { return };
    let bytes = std::fs::read(dir.join("apple_health/hkimport_export_v3_2017.xml")).unwrap();
    let mut previous = 0;
    for cut in [5_000, 100_000, 1_000_003, 2_500_017, bytes.len() - 20] {
        let (records, warnings, _) = read_all(&bytes[..cut]);
        assert!(warnings.iter().any(|w| w.code == "truncated"), "cut at {cut}");
        assert!(
            records.len() >= previous,
            "a longer prefix reads at least as much"
        );
        previous = records.len();
    }
    assert!(previous > 10_000);
}

#[test]
fn files_that_are_not_exports_are_refused_cleanly() {
    let Some(dir) = samples_dir() else { return };
    let mut checked = 0;
    for sub in ["gpx", "tcx", "fit", "apple_health"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if memchr::memmem::find(&bytes, b"<HealthData").is_some() {
                continue;
            }
            let mut reader = AppleHealthReader::new(&bytes[..]);
            let err = loop {
                match reader.next_record() {
                    Ok(Some(_)) => {}
                    Ok(None) => panic!("{} was read as an export", path.display()),
                    Err(e) => break e,
                }
            };
            assert_eq!(err.code, "not_apple_health", "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 10);
}
