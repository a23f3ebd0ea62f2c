//! Known-answer tests on small FIT files built here byte by byte, and a proptest that no input panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use wearhouse_model::{ActivityType, Metric, SleepStage, StreamKey};

use super::decode::crc16;
use super::*;

/// A FIT time: 2020-01-01T00:00:00Z.
const T0: u32 = 946_684_800;

/// Writes FIT records: definitions and data messages, then the header and CRCs around them.
#[derive(Default)]
struct Fit {
    records: Vec<u8>,
    big_endian: bool,
}

/// A field: number, base type, value bytes (little-endian unless the definition says otherwise).
type Field = (u8, u8, Vec<u8>);

fn u8f(num: u8, v: u8) -> Field {
    (num, 0x02, vec![v])
}
fn u16f(num: u8, v: u16) -> Field {
    (num, 0x84, v.to_le_bytes().to_vec())
}
fn u32f(num: u8, v: u32) -> Field {
    (num, 0x86, v.to_le_bytes().to_vec())
}
fn s32f(num: u8, v: i32) -> Field {
    (num, 0x85, v.to_le_bytes().to_vec())
}
fn enumf(num: u8, v: u8) -> Field {
    (num, 0x00, vec![v])
}

impl Fit {
    /// Defines `local` as `global` with these fields (and `dev` developer field sizes), then writes one
    /// data message with their values.
    fn message(&mut self, local: u8, global: u16, fields: &[Field]) -> &mut Self {
        self.define(local, global, fields, &[]);
        self.data(local, fields)
    }

    fn define(&mut self, local: u8, global: u16, fields: &[Field], dev: &[u8]) -> &mut Self {
        let dev_flag = if dev.is_empty() { 0 } else { 0x20 };
        self.records.push(0x40 | dev_flag | local);
        self.records.push(0);
        self.records.push(u8::from(self.big_endian));
        if self.big_endian {
            self.records.extend(global.to_be_bytes());
        } else {
            self.records.extend(global.to_le_bytes());
        }
        self.records.push(fields.len() as u8);
        for (num, base, value) in fields {
            self.records.extend([*num, value.len() as u8, *base]);
        }
        if !dev.is_empty() {
            self.records.push(dev.len() as u8);
            for (i, size) in dev.iter().enumerate() {
                self.records.extend([i as u8, *size, 0]);
            }
        }
        self
    }

    fn data(&mut self, local: u8, fields: &[Field]) -> &mut Self {
        self.records.push(local);
        for (_, _, value) in fields {
            if self.big_endian {
                self.records.extend(value.iter().rev());
            } else {
                self.records.extend(value);
            }
        }
        self
    }

    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.records.extend_from_slice(bytes);
        self
    }

    /// The complete file: 14-byte header with CRC, records, file CRC.
    fn bytes(&self) -> Vec<u8> {
        let mut out = vec![14, 0x10];
        out.extend(2132u16.to_le_bytes());
        out.extend((self.records.len() as u32).to_le_bytes());
        out.extend(b".FIT");
        let header_crc = crc16(&out);
        out.extend(header_crc.to_le_bytes());
        out.extend(&self.records);
        let crc = crc16(&out);
        out.extend(crc.to_le_bytes());
        out
    }
}

fn semicircles(deg: f64) -> i32 {
    (deg * 2_147_483_648.0 / 180.0).round() as i32
}

/// A small run: file_id, three records, a lap, a session, an activity at UTC+2.
fn run() -> Fit {
    let mut f = Fit::default();
    f.message(
        0,
        0,
        &[
            enumf(0, 4),
            u16f(1, 1),
            u16f(2, 2697),
            (3, 0x8C, 3_900_000_001u32.to_le_bytes().to_vec()),
            u32f(4, T0),
        ],
    );
    let rec = |t: u32, hr: u8, dist_cm: u32| {
        vec![
            u32f(253, t),
            s32f(0, semicircles(45.5)),
            s32f(1, semicircles(-122.25)),
            u16f(2, (120.0f64 + 500.0) as u16 * 5),
            u8f(3, hr),
            u32f(5, dist_cm),
            u16f(6, 2500),
        ]
    };
    f.message(1, 20, &rec(T0, 100, 0));
    f.data(1, &rec(T0 + 1, 101, 250));
    f.data(1, &rec(T0 + 3, 0xFF, 750));
    f.message(
        2,
        19,
        &[
            u32f(253, T0 + 3),
            u32f(2, T0),
            u32f(7, 3000),
            u32f(9, 750),
            u8f(15, 101),
            u8f(16, 102),
        ],
    );
    f.message(
        3,
        18,
        &[
            u32f(253, T0 + 3),
            u32f(2, T0),
            enumf(5, 1),
            enumf(6, 3),
            u32f(7, 3000),
            u32f(8, 2500),
            u32f(9, 750),
            u16f(11, 42),
            u8f(16, 101),
            u8f(17, 102),
            u16f(22, 12),
        ],
    );
    f.message(4, 34, &[u32f(253, T0 + 10), u32f(5, T0 + 10 + 7200)]);
    f
}

#[test]
fn reads_a_run_with_streams_laps_and_totals() {
    let file = read_fit(&run().bytes()).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.device.as_deref(), Some("Garmin fenix 5"));
    let [a] = file.activities.as_slice() else {
        panic!("one activity expected")
    };
    assert_eq!(a.activity_type, ActivityType::TrailRunning);
    assert_eq!(a.sport_label.as_deref(), Some("running"));
    assert_eq!(a.start.as_second(), i64::from(T0) + 631_065_600);
    assert_eq!(a.end.as_second() - a.start.as_second(), 3);
    assert_eq!(a.offset_minutes, Some(120));
    assert_eq!(
        a.external_id.as_deref(),
        Some(format!("fit:3900000001:{}", i64::from(T0) + 631_065_600).as_str())
    );
    assert_eq!(a.distance, Some(7.5));
    assert_eq!(a.energy, Some(42.0));
    assert_eq!(a.moving_time, Some(2.5));
    assert_eq!(a.elevation_gain, Some(12.0));
    assert_eq!(a.laps.len(), 1);
    assert_eq!(a.laps[0].duration, 3.0);
    assert_eq!(a.laps[0].max_heart_rate, Some(102.0));
    let s = &a.streams;
    assert_eq!(s.time, vec![0.0, 1.0, 3.0]);
    assert_eq!(
        s.channels[&StreamKey::HeartRate],
        vec![Some(100.0), Some(101.0), None]
    );
    assert!((s.channels[&StreamKey::Lat][0].unwrap() - 45.5).abs() < 1e-6);
    assert!((s.channels[&StreamKey::Lon][0].unwrap() + 122.25).abs() < 1e-6);
    assert_eq!(s.channels[&StreamKey::Altitude][0], Some(120.0));
    assert_eq!(s.channels[&StreamKey::Distance][2], Some(7.5));
    assert_eq!(s.channels[&StreamKey::Speed][0], Some(2.5));
    assert!(!s.channels.contains_key(&StreamKey::Power));
    s.validate().unwrap();
}

#[test]
fn compressed_timestamps_and_speed_distance_expand() {
    let mut f = Fit::default();
    f.message(0, 20, &[u32f(253, T0 + 30), u8f(3, 90)]);
    // local type 1: compressed_speed_distance only, sent with compressed timestamp headers.
    f.define(1, 20, &[(8, 0x0D, vec![0, 0, 0]), u8f(3, 0)], &[]);
    // speed 3.54 m/s (354), distance 4095/16 m, then 5/16 m after the 12-bit roll-over.
    let csd = |speed: u16, dist: u16| {
        [
            (speed & 0xFF) as u8,
            ((speed >> 8) as u8 & 0x0F) | (((dist & 0x0F) as u8) << 4),
            (dist >> 4) as u8,
        ]
    };
    // header 0b1_01_00010: local 1, offset 2 → T0+34 (rolled past 30 = 0b11110).
    f.raw(&[0xA2]).raw(&csd(354, 4095)).raw(&[91]);
    f.raw(&[0xA3]).raw(&csd(100, 5)).raw(&[92]);
    let file = read_fit(&f.bytes()).unwrap();
    let s = &file.activities[0].streams;
    assert_eq!(s.time, vec![0.0, 4.0, 5.0]);
    assert_eq!(s.channels[&StreamKey::Speed], vec![None, Some(3.54), Some(1.0)]);
    assert_eq!(
        s.channels[&StreamKey::Distance],
        vec![None, Some(4095.0 / 16.0), Some(4101.0 / 16.0)]
    );
    assert_eq!(
        s.channels[&StreamKey::HeartRate],
        vec![Some(90.0), Some(91.0), Some(92.0)]
    );
}

#[test]
fn skips_unknown_and_developer_fields_and_reads_big_endian() {
    let mut f = Fit {
        big_endian: true,
        ..Fit::default()
    };
    // An unknown global message with developer data, then a record in big-endian.
    f.define(0, 65_280, &[u32f(0, 7), u16f(1, 9)], &[5, 3]);
    f.data(0, &[u32f(0, 7), u16f(1, 9)]).raw(&[1; 8]);
    f.message(1, 20, &[u32f(253, T0), u16f(6, 1234), u8f(3, 77)]);
    let (file, messages) = read_fit_counted(&f.bytes()).unwrap();
    assert_eq!(messages, 2);
    let s = &file.activities[0].streams;
    assert_eq!(s.channels[&StreamKey::Speed], vec![Some(1.234)]);
    assert_eq!(s.channels[&StreamKey::HeartRate], vec![Some(77.0)]);
}

#[test]
fn a_field_too_small_for_its_type_is_skipped_not_misread() {
    let mut f = Fit::default();
    // speed declared uint16 but one byte long; heart rate after it must still line up.
    f.message(0, 20, &[u32f(253, T0), (6, 0x84, vec![9]), u8f(3, 88)]);
    let file = read_fit(&f.bytes()).unwrap();
    let s = &file.activities[0].streams;
    assert!(!s.channels.contains_key(&StreamKey::Speed));
    assert_eq!(s.channels[&StreamKey::HeartRate], vec![Some(88.0)]);
}

#[test]
fn multisport_sessions_split_records_and_chained_files_are_all_read() {
    let part = |sport: u8, start: u32| {
        let mut f = Fit::default();
        f.message(0, 0, &[(3, 0x8C, 77u32.to_le_bytes().to_vec()), u32f(4, T0)]);
        f.message(1, 20, &[u32f(253, start), u8f(3, 120)]);
        f.data(1, &[u32f(253, start + 5), u8f(3, 121)]);
        f.message(2, 18, &[u32f(253, start + 5), u32f(2, start), enumf(5, sport)]);
        f
    };
    let mut bytes = part(1, T0).bytes();
    bytes.extend(part(2, T0 + 100).bytes());
    let file = read_fit(&bytes).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let types: Vec<_> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(types, vec![ActivityType::Running, ActivityType::Cycling]);
    assert!(file.activities.iter().all(|a| a.streams.len() == 2));
    // Both parts have the same file id (same serial and time): the ids still differ.
    let ids: Vec<_> = file.activities.iter().map(|a| a.external_id.clone()).collect();
    assert!(
        ids[0].is_some() && ids[1].is_some() && ids[0] != ids[1],
        "{ids:?}"
    );

    // Two sessions in one file: records go to the session that holds them.
    let mut f = Fit::default();
    for (i, t) in [T0, T0 + 10, T0 + 11, T0 + 20].into_iter().enumerate() {
        f.message(0, 20, &[u32f(253, t), u8f(3, 100 + i as u8)]);
    }
    f.message(1, 18, &[u32f(253, T0 + 10), u32f(2, T0), enumf(5, 5)]);
    f.message(1, 18, &[u32f(253, T0 + 20), u32f(2, T0 + 11), enumf(5, 2)]);
    let file = read_fit(&f.bytes()).unwrap();
    let lens: Vec<_> = file.activities.iter().map(|a| a.streams.time.clone()).collect();
    assert_eq!(lens, vec![vec![0.0, 10.0], vec![0.0, 9.0]]);
}

#[test]
fn crc_mismatch_is_a_warning() {
    let mut bytes = run().bytes();
    let n = bytes.len();
    bytes[n - 1] ^= 0xFF;
    bytes[12] ^= 0xFF;
    let file = read_fit(&bytes).unwrap();
    let codes: Vec<_> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec!["crc_mismatch", "crc_mismatch"]);
    assert_eq!(file.activities.len(), 1);
}

#[test]
fn truncation_keeps_what_was_complete() {
    let bytes = run().bytes();
    // Cut inside the session message: the three records survive as one activity.
    let cut = bytes.len() - 30;
    let file = read_fit(&bytes[..cut]).unwrap();
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.activities[0].streams.len(), 3);
    let last = file.warnings.last().unwrap();
    assert_eq!(last.code, "truncated");
    // Cut inside the first record: nothing usable.
    let err = read_fit(&bytes[..40]).unwrap_err();
    assert_eq!(err.code, "truncated");
}

#[test]
fn headers_that_are_not_fit_are_errors() {
    assert_eq!(read_fit(b"").unwrap_err().code, "truncated");
    assert_eq!(
        read_fit(b"<?xml version='1.0'?><gpx>").unwrap_err().code,
        "not_fit"
    );
    let mut bytes = run().bytes();
    bytes[0] = 3;
    assert_eq!(read_fit(&bytes).unwrap_err().code, "corrupt_header");
    // A data message whose local type was never defined.
    let mut f = Fit::default();
    f.raw(&[0x05, 1, 2, 3]);
    assert_eq!(read_fit(&f.bytes()).unwrap_err().code, "corrupt_record");
}

#[test]
fn a_corrupt_chained_header_keeps_the_parts_before_it() {
    let mut bytes = run().bytes();
    let mut second = run().bytes();
    second[9] = b'G';
    bytes.extend(second);
    let file = read_fit(&bytes).unwrap();
    assert_eq!(file.activities.len(), 1);
    assert_eq!(file.warnings.last().unwrap().code, "corrupt_header");
}

#[test]
fn zero_padding_after_the_last_file_is_ignored() {
    let mut bytes = run().bytes();
    bytes.extend([0u8; 7]);
    let file = read_fit(&bytes).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    bytes.push(1);
    let file = read_fit(&bytes).unwrap();
    assert_eq!(file.warnings.last().unwrap().code, "corrupt_header");
}

#[test]
fn health_messages_become_samples() {
    let mut f = Fit::default();
    f.message(0, 0, &[enumf(0, 9), u16f(1, 1), u16f(2, 2429)]);
    f.message(1, 30, &[u32f(253, T0), u16f(0, 7_512), u16f(1, 2_150)]);
    f.message(2, 103, &[u32f(253, T0), u32f(0, T0 - 3600)]);
    // Monitoring: full timestamp, then steps via timestamp_16 with activity type walking.
    f.message(3, 55, &[u32f(253, T0 + 60), enumf(5, 6), u32f(3, 100)]);
    f.define(4, 55, &[u16f(26, 0), enumf(5, 6), u32f(3, 0), u8f(27, 0)], &[]);
    f.data(
        4,
        &[
            u16f(26, ((T0 + 120) & 0xFFFF) as u16),
            enumf(5, 6),
            u32f(3, 160),
            u8f(27, 64),
        ],
    );
    f.message(5, 275, &[u32f(253, T0 + 1000), enumf(0, 2)]);
    f.data(5, &[u32f(253, T0 + 1060), enumf(0, 4)]);
    let file = read_fit(&f.bytes()).unwrap();
    assert!(file.activities.is_empty());
    let got: Vec<(Metric, i64, i64, f64, Option<i16>)> = file
        .samples
        .iter()
        .map(|s| {
            (
                s.metric,
                s.start.as_second() - 631_065_600 - i64::from(T0),
                s.end.as_second() - 631_065_600 - i64::from(T0),
                s.value,
                s.offset_minutes,
            )
        })
        .collect();
    let core = f64::from(SleepStage::Core.code());
    let rem = f64::from(SleepStage::Rem.code());
    assert_eq!(
        got,
        vec![
            (Metric::BodyMass, 0, 0, 75.12, Some(-60)),
            (Metric::BodyFatPercentage, 0, 0, 21.5, Some(-60)),
            (Metric::Steps, 60, 60, 100.0, Some(-60)),
            (Metric::HeartRate, 120, 120, 64.0, Some(-60)),
            (Metric::Steps, 60, 120, 60.0, Some(-60)),
            (Metric::Sleep, 1000, 1060, core, Some(-60)),
            (Metric::Sleep, 1060, 1120, rem, Some(-60)),
        ]
    );
    assert_eq!(file.device.as_deref(), Some("Garmin (product 2429)"));
}

#[test]
fn hrv_gives_one_rmssd_per_activity() {
    let mut f = run();
    let rr: Vec<u8> = (0..40u16)
        .flat_map(|i| if i % 2 == 0 { 800u16 } else { 840 }.to_le_bytes())
        .collect();
    for chunk in rr.chunks(10) {
        f.message(5, 78, &[(0, 0x84, chunk.to_vec())]);
    }
    let file = read_fit(&f.bytes()).unwrap();
    let [s] = file.samples.as_slice() else {
        panic!("one sample expected: {:?}", file.samples)
    };
    assert_eq!(s.metric, Metric::HrvRmssd);
    assert!((s.value - 40.0).abs() < 1e-9, "{}", s.value);
    assert_eq!(s.start, file.activities[0].start);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = read_fit(&bytes);
        let mut with_header = run().bytes()[..14].to_vec();
        with_header.extend(&bytes);
        let _ = read_fit(&with_header);
    }

    #[test]
    fn mutated_files_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = run().bytes();
        for (at, value) in edits {
            let n = bytes.len();
            bytes[at % n] = value;
        }
        let n = bytes.len();
        bytes.truncate(cut % (n + 1));
        if let Ok(file) = read_fit(&bytes) {
            for a in &file.activities {
                prop_assert!(a.streams.validate().is_ok());
                prop_assert!(a.end >= a.start);
            }
        }
    }
}

mod session_times;
mod shared_scale;
mod truncation;
