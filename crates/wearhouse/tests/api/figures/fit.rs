//! FIT: a minimal decoder of data messages, and what activity, monitoring and shared weight-scale files
//! say.

use std::collections::BTreeMap;

use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

use super::truth::{assert_disjoint, Truth, Workout};

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
const FIT_EPOCH: i64 = 631_065_600;

type FitMessage = (u16, BTreeMap<u8, i64>);

/// A definition message: the global message number, byte order, and (field number, size, base type).
struct FitDefinition {
    global: u16,
    big_endian: bool,
    fields: Vec<(u8, usize, u8)>,
}

/// The data messages of a FIT file as (global number, field number → raw integer), read the plain way:
/// normal record headers, definitions of either byte order, integer fields. The fixtures use no
/// compressed timestamps and no developer fields, and this refuses them rather than guess.
fn fit_messages(bytes: &[u8]) -> Vec<FitMessage> {
    let header = usize::from(bytes[0]);
    assert_eq!(&bytes[8..12], b".FIT");
    let size = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let data = &bytes[header..header + size];
    let mut definitions: BTreeMap<u8, FitDefinition> = BTreeMap::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let record = data[i];
        i += 1;
        assert_eq!(record & 0xA0, 0, "compressed timestamps or developer fields");
        let local = record & 0x0F;
        if record & 0x40 != 0 {
            let big = data[i + 1] == 1;
            let pair = [data[i + 2], data[i + 3]];
            let global = if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            };
            let n = usize::from(data[i + 4]);
            i += 5;
            let fields = data[i..i + 3 * n]
                .chunks(3)
                .map(|f| (f[0], usize::from(f[1]), f[2]))
                .collect();
            i += 3 * n;
            definitions.insert(
                local,
                FitDefinition {
                    global,
                    big_endian: big,
                    fields,
                },
            );
        } else {
            let definition = &definitions[&local];
            let mut values = BTreeMap::new();
            for &(number, size, base) in &definition.fields {
                let raw = &data[i..i + size];
                i += size;
                let mut bytes = raw.to_vec();
                if !definition.big_endian {
                    bytes.reverse();
                }
                let unsigned = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
                // sint8, sint16, sint32, sint64 are base types 1, 3, 5 and 14 (with the endian bit).
                let signed = matches!(base & 0x1F, 1 | 3 | 5 | 14);
                let shift = 64 - 8 * size as u32;
                let value = if signed {
                    ((unsigned << shift) as i64) >> shift
                } else {
                    unsigned as i64
                };
                values.insert(number, value);
            }
            out.push((definition.global, values));
        }
    }
    out
}

fn fit_time(value: i64) -> Timestamp {
    Timestamp::from_second(value + FIT_EPOCH).unwrap()
}

/// An activity file's sessions: each starts at `start_time` and lasts `total_elapsed_time` (ms); the
/// local day comes from the offset the activity message observed (`local_timestamp − timestamp`).
pub(super) fn fit_activity_truth(bytes: &[u8]) -> Truth {
    let messages = fit_messages(bytes);
    let activity = &messages.iter().find(|m| m.0 == 34).unwrap().1;
    let offset = Offset::from_seconds(i32::try_from(activity[&5] - activity[&253]).unwrap()).unwrap();
    let days = TimeZone::fixed(offset);
    let workouts = messages
        .iter()
        .filter(|m| m.0 == 18)
        .map(|(_, s)| {
            let start = fit_time(s[&2]);
            Workout {
                start,
                date: Some(start.to_zoned(days.clone()).date()),
                duration: s[&7] as f64 / 1000.0,
                distance: Some(s[&9] as f64 / 100.0),
                energy: Some(s[&11] as f64),
                moving_time: Some(s[&8] as f64 / 1000.0),
                avg_heart_rate: Some(s[&16] as f64),
                max_heart_rate: Some(s[&17] as f64),
            }
        })
        .collect();
    Truth {
        workouts,
        ..Truth::default()
    }
}

/// A monitoring file: `cycles` is each activity type's running step total, so a reading's increase over
/// the previous reading of its type is the steps taken between the two (the fixture opens every type
/// with a zero reading); `heart_rate` readings are instants. Days follow the offset `monitoring_info`
/// observed.
pub(super) fn fit_monitoring_truth(bytes: &[u8]) -> Truth {
    const WALKING: i64 = 6;
    const RUNNING: i64 = 1;
    let messages = fit_messages(bytes);
    let info = &messages.iter().find(|m| m.0 == 103).unwrap().1;
    let days = TimeZone::fixed(Offset::from_seconds(i32::try_from(info[&0] - info[&253]).unwrap()).unwrap());
    let mut truth = Truth::default();
    let mut last: BTreeMap<i64, (Timestamp, i64)> = BTreeMap::new();
    for (_, m) in messages.iter().filter(|m| m.0 == 55) {
        let at = fit_time(m[&253]);
        if let Some(bpm) = m.get(&27) {
            truth.samples += 1;
            truth.reading("heart_rate", at, *bpm as f64, &days);
        }
        if let (Some(&kind), Some(&total)) = (m.get(&5), m.get(&3)) {
            assert!(kind == WALKING || kind == RUNNING);
            match last.insert(kind, (at, total)) {
                Some((since, before)) if total > before => {
                    truth.samples += 1;
                    truth.amount("steps", since, at, (total - before) as f64, &days);
                }
                Some((_, before)) => assert_eq!(total, before, "no daily reset inside the fixture"),
                None => assert_eq!(total, 0, "every activity type starts at zero"),
            }
        }
    }
    assert_disjoint("steps", &truth.amounts["steps"]);
    truth
}

/// The owner of an account, as the profile states it.
pub(super) struct Person {
    pub(super) female: bool,
    pub(super) birth_year: i64,
    pub(super) height_cm: f64,
}

/// A scale shared by several people: one `user_profile` each (`message_index`, gender 0 female / 1 male,
/// age in years when the file was written, height in cm), and `weight_scale` readings tagged with the
/// profile's index. Only the account owner's readings are theirs: the profile of the same sex, born
/// within a year of `file year − age`, within 3 cm of their height. Readings have no observed offset.
pub(super) fn fit_weight_truth(bytes: &[u8], owner: &Person, zone: &TimeZone) -> Truth {
    let messages = fit_messages(bytes);
    let created = fit_time(messages.iter().find(|m| m.0 == 0).unwrap().1[&4]);
    let year = i64::from(created.to_zoned(TimeZone::UTC).year());
    let owners: Vec<i64> = messages
        .iter()
        .filter(|m| m.0 == 3)
        .filter(|(_, p)| {
            (p[&1] == 0) == owner.female
                && (year - p[&2] - owner.birth_year).abs() <= 1
                && (p[&3] as f64 - owner.height_cm).abs() <= 3.0
        })
        .map(|(_, p)| p[&254])
        .collect();
    assert_eq!(
        owners.len(),
        1,
        "fixture: exactly one profile is the account's owner"
    );
    let mut truth = Truth::default();
    for (_, w) in messages.iter().filter(|m| m.0 == 30 && m.1[&12] == owners[0]) {
        let at = fit_time(w[&253]);
        truth.samples += 2;
        truth.reading("body_mass", at, w[&0] as f64 / 100.0, zone);
        truth.reading("body_fat_percentage", at, w[&1] as f64 / 100.0, zone);
    }
    truth
}
