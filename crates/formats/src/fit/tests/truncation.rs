//! A file cut off part-way (an upload before the watch finished writing it) is the same recording as the
//! complete file: same external ids, ends no later, and compares as less complete.

use super::*;
use crate::ParsedActivity;

fn file_id(f: &mut Fit) {
    f.message(
        0,
        0,
        &[
            enumf(0, 4),
            u16f(1, 1),
            u16f(2, 1765),
            (3, 0x8C, 3_900_000_003u32.to_le_bytes().to_vec()),
            u32f(4, T0),
        ],
    );
}

fn records(f: &mut Fit, from: u32, to: u32) {
    f.define(1, 20, &[u32f(253, 0), u16f(6, 0), u8f(3, 0)], &[]);
    for t in from..=to {
        f.data(1, &[u32f(253, t), u16f(6, 2_800), u8f(3, 140)]);
    }
}

fn session(f: &mut Fit, start: u32, written: u32, elapsed_ms: u32, sport: u8) {
    f.message(
        3,
        18,
        &[
            u32f(253, written),
            u32f(2, start),
            enumf(5, sport),
            u32f(7, elapsed_ms),
            u32f(8, elapsed_ms),
            u32f(9, 5_000),
        ],
    );
}

/// A run whose last record (T0 + 22) comes after its elapsed time ends (T0 + 20), saved at T0 + 60.
fn run_saved_late() -> Fit {
    let mut f = Fit::default();
    file_id(&mut f);
    f.message(4, 21, &[u32f(253, T0), enumf(0, 0), enumf(1, 0)]);
    records(&mut f, T0, T0 + 22);
    f.message(4, 21, &[u32f(253, T0 + 20), enumf(0, 0), enumf(1, 4)]);
    f.message(5, 19, &[u32f(253, T0 + 20), u32f(2, T0), u32f(7, 20_400)]);
    session(&mut f, T0, T0 + 60, 20_400, 1);
    f.message(6, 34, &[u32f(253, T0 + 61), u32f(5, T0 + 61 + 3600)]);
    f
}

fn id(a: &ParsedActivity) -> &str {
    a.external_id.as_deref().unwrap()
}

#[test]
fn every_truncated_copy_is_the_same_recording_and_ends_no_later() {
    let bytes = run_saved_late().bytes();
    let complete = read_fit(&bytes).unwrap();
    let [whole] = complete.activities.as_slice() else {
        panic!("{:?}", complete.activities)
    };
    assert_eq!(whole.end.as_second() - whole.start.as_second(), 22);
    let mut partial_activities = 0;
    for cut in 0..bytes.len() {
        let Ok(file) = read_fit(&bytes[..cut]) else {
            continue;
        };
        let [part] = file.activities.as_slice() else {
            panic!("cut at {cut}: {:?}", file.activities)
        };
        assert_eq!(id(part), id(whole), "cut at {cut}");
        assert!(
            part.end <= whole.end,
            "cut at {cut}: {} > {}",
            part.end,
            whole.end
        );
        let (less, more) = (Completeness::of(part), Completeness::of(whole));
        assert!(less <= more, "cut at {cut}: {less:?} > {more:?}");
        if part.distance.is_none() {
            // The session message is missing: strictly less complete, even with every record.
            assert!(less < more, "cut at {cut}");
            assert!(
                file.warnings.iter().any(|w| w.code == "truncated"),
                "cut at {cut}"
            );
            partial_activities += 1;
        }
    }
    assert!(partial_activities > 20, "{partial_activities}");
}

/// A two-leg recording written as the 920XT writes one: each leg's `sport` message before its records,
/// its session after them. `last_record` cuts the second leg short, `finish` writes its session.
fn two_legs(last_record: u32, finish: bool) -> Fit {
    let mut f = Fit::default();
    file_id(&mut f);
    f.message(2, 12, &[enumf(0, 1), enumf(1, 0)]);
    records(&mut f, T0, T0 + 10);
    session(&mut f, T0, T0 + 10, 10_000, 1);
    f.message(2, 12, &[enumf(0, 2), enumf(1, 0)]);
    records(&mut f, T0 + 11, last_record);
    if finish {
        session(&mut f, T0 + 11, T0 + 30, 19_000, 2);
    }
    f
}

#[test]
fn a_multisport_file_cut_in_a_later_leg_keeps_that_leg() {
    let complete = read_fit(&two_legs(T0 + 30, true).bytes()).unwrap();
    let ids: Vec<&str> = complete.activities.iter().map(id).collect();
    assert_eq!(ids.len(), 2);
    // The file as uploaded while the second leg was recorded: its first 14 + n bytes.
    let cut = 14 + two_legs(T0 + 20, false).records.len();
    let bytes = two_legs(T0 + 30, true).bytes();
    let file = read_fit(&bytes[..cut]).unwrap();
    assert_eq!(file.warnings.last().unwrap().code, "truncated");
    let partial_ids: Vec<&str> = file.activities.iter().map(id).collect();
    assert_eq!(partial_ids, ids);
    let [run, ride] = file.activities.as_slice() else {
        panic!("{:?}", file.activities)
    };
    assert_eq!(
        run, &complete.activities[0],
        "the written leg reads as in the complete file"
    );
    assert_eq!(ride.activity_type, wearhouse_model::ActivityType::Cycling);
    assert_eq!(ride.streams.len(), 10);
    assert!(ride.end < complete.activities[1].end);
    assert!(Completeness::of(ride) < Completeness::of(&complete.activities[1]));
}
