//! When a session ends and how long it moved: from the session's elapsed and moving times, not from when
//! the session message was written.

use super::*;
use crate::ParsedActivity;

/// file_id of a fenix 5 recording created at T0.
fn file_id(f: &mut Fit) {
    f.message(
        0,
        0,
        &[
            enumf(0, 4),
            u16f(1, 1),
            u16f(2, 2697),
            (3, 0x8C, 3_900_000_002u32.to_le_bytes().to_vec()),
            u32f(4, T0),
        ],
    );
}

/// One record per second from `from` to `to` (inclusive) at `speed` m/s (in mm/s), distance following.
fn records(f: &mut Fit, from: u32, to: u32, speed_mm_s: u16) {
    f.define(1, 20, &[u32f(253, 0), u16f(6, 0), u32f(5, 0)], &[]);
    for t in from..=to {
        let cm = (t - T0) * u32::from(speed_mm_s) / 10;
        f.data(1, &[u32f(253, t), u16f(6, speed_mm_s), u32f(5, cm)]);
    }
}

/// A session message: its timestamp, start, elapsed and timer time in ms, and more fields.
fn session(f: &mut Fit, written: u32, elapsed_ms: u32, timer_ms: u32, more: &[Field]) {
    let mut fields = vec![
        u32f(253, written),
        u32f(2, T0),
        enumf(5, 1),
        u32f(7, elapsed_ms),
        u32f(8, timer_ms),
        u16f(11, 3),
    ];
    fields.extend_from_slice(more);
    f.message(3, 18, &fields);
}

fn only(file: &ParsedFile) -> &ParsedActivity {
    let [a] = file.activities.as_slice() else {
        panic!("one activity expected: {:?}", file.activities.len())
    };
    a
}

fn seconds(a: &ParsedActivity) -> i64 {
    a.end.as_second() - a.start.as_second()
}

#[test]
fn a_session_ends_after_its_elapsed_time_not_when_it_was_written() {
    // 13.7 s of running, saved 145 s after the start.
    let mut f = Fit::default();
    file_id(&mut f);
    records(&mut f, T0, T0 + 13, 3_000);
    session(&mut f, T0 + 145, 13_700, 13_700, &[]);
    let file = read_fit(&f.bytes()).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let a = only(&file);
    assert_eq!(seconds(a), 14, "13.7 s, to the second");
    assert_eq!(a.streams.len(), 14);
    // Thirteen one-second hops at 3 m/s.
    assert_eq!(a.moving_time, Some(13.0));
}

#[test]
fn a_record_written_after_the_timer_stopped_still_ends_the_activity() {
    // The elapsed time ends at T0 + 10, a last record follows at T0 + 12, the session at T0 + 30.
    let mut f = Fit::default();
    file_id(&mut f);
    records(&mut f, T0, T0 + 12, 3_000);
    session(&mut f, T0 + 30, 10_400, 10_400, &[]);
    let file = read_fit(&f.bytes()).unwrap();
    let a = only(&file);
    assert_eq!(a.streams.len(), 13);
    assert_eq!(seconds(a), 12);
    assert_eq!(a.moving_time, Some(10.4), "never more than the timer ran");
}

#[test]
fn moving_time_is_the_sessions_own_when_it_has_one() {
    let mut f = Fit::default();
    file_id(&mut f);
    records(&mut f, T0, T0 + 20, 3_000);
    // total_moving_time (field 59): 17.25 s of 20 s.
    session(&mut f, T0 + 20, 20_000, 20_000, &[u32f(59, 17_250)]);
    let file = read_fit(&f.bytes()).unwrap();
    assert_eq!(only(&file).moving_time, Some(17.25));
}

#[test]
fn moving_time_from_records_leaves_out_standing_and_pauses() {
    let mut f = Fit::default();
    file_id(&mut f);
    f.message(4, 21, &[u32f(253, T0), enumf(0, 0), enumf(1, 0)]);
    // Ten seconds running, ten standing (0.2 m/s: GPS drift), then the timer stops for a minute.
    records(&mut f, T0, T0 + 10, 3_000);
    f.define(1, 20, &[u32f(253, 0), u16f(6, 0)], &[]);
    for t in T0 + 11..=T0 + 20 {
        f.data(1, &[u32f(253, t), u16f(6, 200)]);
    }
    f.message(4, 21, &[u32f(253, T0 + 20), enumf(0, 0), enumf(1, 4)]);
    f.message(4, 21, &[u32f(253, T0 + 80), enumf(0, 0), enumf(1, 0)]);
    // Ten more seconds running after the restart.
    f.define(1, 20, &[u32f(253, 0), u16f(6, 0)], &[]);
    for t in T0 + 80..=T0 + 90 {
        f.data(1, &[u32f(253, t), u16f(6, 3_000)]);
    }
    f.message(4, 21, &[u32f(253, T0 + 90), enumf(0, 0), enumf(1, 4)]);
    session(&mut f, T0 + 95, 90_000, 30_000, &[]);
    let file = read_fit(&f.bytes()).unwrap();
    let a = only(&file);
    assert_eq!(seconds(a), 90);
    assert_eq!(a.moving_time, Some(20.0));
}

#[test]
fn without_speed_or_distance_moving_time_is_the_timer_time() {
    // An indoor trainer without a speed sensor: power and heart rate only.
    let mut f = Fit::default();
    file_id(&mut f);
    f.define(1, 20, &[u32f(253, 0), u16f(7, 0), u8f(3, 0)], &[]);
    for t in T0..=T0 + 30 {
        f.data(1, &[u32f(253, t), u16f(7, 180), u8f(3, 130)]);
    }
    session(&mut f, T0 + 31, 30_500, 29_000, &[]);
    let file = read_fit(&f.bytes()).unwrap();
    assert_eq!(only(&file).moving_time, Some(29.0));
}

#[test]
fn a_session_written_before_its_start_does_not_end_before_it() {
    // A corrupt timestamp (the proptest found one by mutating a byte): written 5 s before it started.
    let mut f = Fit::default();
    file_id(&mut f);
    f.message(3, 18, &[u32f(253, T0 + 5), u32f(2, T0 + 10), u32f(7, 3_000)]);
    f.message(1, 20, &[u32f(253, T0 + 10), u16f(6, 3_000)]);
    let file = read_fit(&f.bytes()).unwrap();
    let a = &file.activities[0];
    assert!(a.end >= a.start, "{} < {}", a.end, a.start);
}
