//! Real FIT files cut off part-way, as a watch's interrupted upload leaves them: whatever they still give
//! is the same recording as the complete file (same external ids), ends no later, and compares as less
//! complete, so the import service can replace it when the complete file arrives. Samples in
//! ../shared/samples/fit (see SOURCES.md there).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use wearhouse_formats::fit::{read_fit, Completeness};
use wearhouse_formats::{ParsedActivity, ParsedFile};
use wearhouse_model::ActivityType;

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

/// The complete file's activity with the same external id.
fn counterpart<'a>(complete: &'a ParsedFile, part: &ParsedActivity) -> Option<&'a ParsedActivity> {
    complete
        .activities
        .iter()
        .find(|a| a.external_id == part.external_id)
}

#[test]
fn fenix_5_run_cut_in_half_is_the_same_recording() {
    let Some(dir) = samples_dir() else { return };
    let bytes = read(&dir, "garmin-fenix-5-run.fit");
    let complete = read_fit(&bytes).unwrap();
    let [whole] = complete.activities.as_slice() else {
        panic!()
    };
    let file = read_fit(&bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(file.warnings.last().unwrap().code, "truncated");
    let [half] = file.activities.as_slice() else {
        panic!("{:?}", file.activities)
    };
    assert_eq!(half.external_id, whole.external_id);
    assert!(half.external_id.is_some());
    assert_eq!(half.start, whole.start);
    assert!(half.end < whole.end);
    assert!(half.streams.len() < whole.streams.len());
    assert!(Completeness::of(half) < Completeness::of(whole));
}

#[test]
fn fenix_5_run_cut_at_any_byte_never_ends_after_the_complete_file() {
    let Some(dir) = samples_dir() else { return };
    let bytes = read(&dir, "garmin-fenix-5-run.fit");
    let complete = read_fit(&bytes).unwrap();
    let whole = &complete.activities[0];
    let mut readable = 0;
    for cut in 0..bytes.len() {
        let Ok(file) = read_fit(&bytes[..cut]) else {
            continue;
        };
        readable += 1;
        let [part] = file.activities.as_slice() else {
            panic!("cut at {cut}: {:?}", file.activities)
        };
        assert_eq!(part.external_id, whole.external_id, "cut at {cut}");
        assert!(part.end <= whole.end, "cut at {cut}");
        assert!(Completeness::of(part) <= Completeness::of(whole), "cut at {cut}");
        part.streams.validate().unwrap();
    }
    // Every cut after the first record gives the run so far.
    assert!(readable > bytes.len() / 2, "{readable}");
}

#[test]
fn triathlon_cut_in_a_later_leg_keeps_the_legs_so_far() {
    let Some(dir) = samples_dir() else { return };
    // The 920XT writes each leg's session at the leg's end; the first chained part holds the legs.
    let bytes = read(&dir, "sample_mulitple_header.fit");
    let complete = read_fit(&bytes).unwrap();
    assert_eq!(complete.activities.len(), 5);
    let first_part = 14 + u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let mut cut_in_a_leg = 0;
    for tenth in 1..40 {
        let cut = first_part * tenth / 40;
        let Ok(file) = read_fit(&bytes[..cut]) else {
            continue;
        };
        // Cut in the first leg, nothing tells yet that the recording has several: the swim so far
        // gets the recording's bare id, the prefix of the complete file's.
        if let [only] = file.activities.as_slice() {
            if only.distance.is_none() {
                let whole = &complete.activities[0];
                let id = only.external_id.as_deref().unwrap();
                assert_eq!(format!("{id}:0"), whole.external_id.clone().unwrap());
                assert!(only.end <= whole.end);
                continue;
            }
        }
        for part in &file.activities {
            let whole = counterpart(&complete, part)
                .unwrap_or_else(|| panic!("cut at {cut}: {:?} unknown", part.external_id));
            assert_eq!(part.activity_type, whole.activity_type, "cut at {cut}");
            assert!(part.end <= whole.end, "cut at {cut}");
            assert!(Completeness::of(part) <= Completeness::of(whole), "cut at {cut}");
        }
        if file.activities.len() > 1 && file.activities.last().unwrap().distance.is_none() {
            cut_in_a_leg += 1;
        }
    }
    assert!(cut_in_a_leg >= 10, "{cut_in_a_leg}");

    // Cut in the ride: the swim and the transition as written, and the ride so far.
    let cut = first_part / 2;
    let file = read_fit(&bytes[..cut]).unwrap();
    let types: Vec<ActivityType> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(
        types,
        [
            ActivityType::OpenWaterSwimming,
            ActivityType::Triathlon,
            ActivityType::Cycling
        ]
    );
    // The swim and the transition read as in the complete file, but for the UTC offset, which only
    // the `activity` message at the very end gives, and the record on the transition's boundary with
    // the ride, which the complete file gives to the ride.
    for (part, whole) in file.activities.iter().zip(&complete.activities).take(2) {
        let summary = |a: &ParsedActivity| (a.start, a.end, a.distance, a.energy);
        assert_eq!(summary(part), summary(whole));
        assert!(part.streams.len().abs_diff(whole.streams.len()) <= 1);
        assert_eq!(Completeness::of(part), Completeness::of(whole));
        assert_eq!((part.offset_minutes, whole.offset_minutes), (None, Some(120)));
    }
}
