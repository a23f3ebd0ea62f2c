#![allow(clippy::unwrap_used, clippy::expect_used)]

use wearhouse_model::{ActivityType, Metric, SleepStage};

use super::*;

const CYCLES: &str = "\u{feff}Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep consistency %
2024-06-23 22:14:09,,UTC-04:00,65,57,48,34.30,96.57,,,,,2024-06-23 22:14:09,2024-06-24 06:44:09,92,15.9,452,510,250,92,110,58,490,21,89,
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,41,61,39,33.90,97.10,11.3,2412,171,84,2024-06-22 23:00:22,2024-06-23 06:51:40,84,15.4,418,471,231,86,101,53,497,38,88,79
2024-06-21 23:31:05,2024-06-22 23:00:22,UTCZ,,,,,,4.0,1879,144,92,,,,,,,,,,,,,,
";

const SLEEPS: &str = "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep consistency %,Nap
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-23 14:02:11,2024-06-23 14:41:30,18,15.5,35,39,22,9,4,4,560,38,90,,true
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC+05:30,2024-06-22 23:00:22,2024-06-23 06:51:40,84,15.4,418,471,231,86,101,53,497,38,88,79,false
2024-06-21 23:31:05,2024-06-22 23:00:22,UTC-04:00,2024-06-22 01:00:00,2024-06-22 01:00:00,,,,,,,,,,,,,false
";

const WORKOUTS: &str = "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled,Distance (meters),Altitude gain (meters),Altitude change (meters)
2024-06-23 22:14:09,,UTC-04:00,2024-06-24 08:08:18,2024-06-24 08:33:47,25,Running,10.9,301.0,183,160,1,5,14,57,23,true,4512.40,61.08,-0.87
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-23 17:30:00,2024-06-23 18:21:59,51,\"Basket Weaving, Underwater\",7.8,262.0,158,121,31,48,12,2,0,false,,,
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,2024-06-23 12:10:30,not a time,21,Walking,4.4,48.0,131,112,62,38,0,0,0,false,,,
";

const JOURNAL: &str = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes
2024-06-23 22:14:09,,UTC-04:00,Have any alcoholic drinks?,false,
2024-06-23 22:14:09,,UTC-04:00,Have any caffeine? ,TRUE,\"two espressos, before noon\"
2024-06-22 23:00:22,2024-06-23 22:14:09,UTC-04:00,Viewed a screen device in bed?,maybe,
";

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn codes(file: &ParsedFile) -> Vec<&'static str> {
    file.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn files_are_told_apart_by_their_header_alone() {
    assert_eq!(classify(CYCLES.as_bytes()), Some(Kind::Cycles));
    assert_eq!(classify(SLEEPS.as_bytes()), Some(Kind::Sleeps));
    assert_eq!(classify(WORKOUTS.as_bytes()), Some(Kind::Workouts));
    assert_eq!(classify(JOURNAL.as_bytes()), Some(Kind::Journal));
    assert_eq!(
        classify(b"Cycle start time,Cycle end time,Cycle timezone,Mood\n"),
        None
    );
    assert_eq!(
        classify(b"Hora de inicio del ciclo,Hora de fin del ciclo\n"),
        None
    );
    assert_eq!(classify(b"Cycle start time"), None);
    let err = read_whoop_file("sleep.csv", b"from,to\n").unwrap_err();
    assert_eq!(err.code, "not_whoop");
}

#[test]
fn zones_are_read_as_whoop_writes_them() {
    assert_eq!(
        zone_offset("UTC-04:00"),
        Some(Offset::from_seconds(-4 * 3600).unwrap())
    );
    assert_eq!(
        zone_offset("UTC+05:30"),
        Some(Offset::from_seconds(5 * 3600 + 1800).unwrap())
    );
    assert_eq!(zone_offset("UTCZ"), Some(Offset::UTC));
    assert_eq!(zone_offset("UTC"), Some(Offset::UTC));
    assert_eq!(zone_offset("UTC+99:00"), None);
    assert_eq!(zone_offset("Europe/Oslo"), None);
    assert_eq!(zone_offset(""), None, "a missing zone is not UTC");
}

#[test]
fn a_cycle_gives_its_night_at_waking_and_its_strain_at_its_end() {
    let read = read_whoop_file("physiological_cycles.csv", CYCLES.as_bytes()).unwrap();
    let file = read.file;
    let at = |metric: Metric| -> Vec<(String, f64, Option<i16>)> {
        file.samples
            .iter()
            .filter(|s| s.metric == metric)
            .map(|s| {
                assert_eq!(s.start, s.end);
                (s.start.to_string(), s.value, s.offset_minutes)
            })
            .collect()
    };
    // Waking at 06:44:09 and 06:51:40 at UTC-4.
    assert_eq!(
        at(Metric::RecoveryScore),
        [
            ("2024-06-24T10:44:09Z".into(), 65.0, Some(-240)),
            ("2024-06-23T10:51:40Z".into(), 41.0, Some(-240))
        ]
    );
    assert_eq!(at(Metric::HrvRmssd).len(), 2);
    assert_eq!(at(Metric::RestingHeartRate)[1].1, 61.0);
    assert_eq!(at(Metric::SkinTemperature)[0].1, 34.3);
    assert_eq!(at(Metric::Spo2)[1].1, 97.1);
    // The current cycle has no strain; the one without a night still has its strain, at its end (UTC).
    assert_eq!(
        at(Metric::Strain),
        [
            ("2024-06-24T02:14:09Z".into(), 11.3, Some(-240)),
            ("2024-06-22T23:00:22Z".into(), 4.0, Some(0))
        ]
    );
    // Sleep comes from sleeps.csv; nothing of it here.
    assert!(file.samples.iter().all(|s| s.metric != Metric::Sleep));
    assert_eq!(file.samples.len(), 5 * 2 + 2);
    let warnings = codes(&file);
    for code in ["cycle_not_finished", "columns_not_imported", "read_from_sleeps"] {
        assert!(warnings.contains(&code), "{warnings:?}");
    }
    let unmapped = file
        .warnings
        .iter()
        .find(|w| w.code == "columns_not_imported")
        .unwrap();
    assert!(
        unmapped.detail.starts_with("Energy burned (cal), Max HR (bpm)"),
        "{}",
        unmapped.detail
    );
}

#[test]
fn every_sleep_and_nap_becomes_its_stages_from_its_onset() {
    let file = read_whoop_file("sleeps.csv", SLEEPS.as_bytes()).unwrap().file;
    let stages: Vec<(u8, String, String)> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::Sleep)
        .map(|s| (s.value as u8, s.start.to_string(), s.end.to_string()))
        .collect();
    let (core, deep, rem, awake) = (
        SleepStage::Core.code(),
        SleepStage::Deep.code(),
        SleepStage::Rem.code(),
        SleepStage::Awake.code(),
    );
    assert_eq!(
        stages,
        [
            // The nap: 22 + 9 + 4 + 4 minutes from 14:02:11 at UTC-4 (39 of its 39 minutes).
            (core, "2024-06-23T18:02:11Z".into(), "2024-06-23T18:24:11Z".into()),
            (deep, "2024-06-23T18:24:11Z".into(), "2024-06-23T18:33:11Z".into()),
            (rem, "2024-06-23T18:33:11Z".into(), "2024-06-23T18:37:11Z".into()),
            (
                awake,
                "2024-06-23T18:37:11Z".into(),
                "2024-06-23T18:41:11Z".into()
            ),
            // The night at UTC+05:30: 231 + 86 + 101 + 53 minutes from 23:00:22.
            (core, "2024-06-22T17:30:22Z".into(), "2024-06-22T21:21:22Z".into()),
            (deep, "2024-06-22T21:21:22Z".into(), "2024-06-22T22:47:22Z".into()),
            (rem, "2024-06-22T22:47:22Z".into(), "2024-06-23T00:28:22Z".into()),
            (
                awake,
                "2024-06-23T00:28:22Z".into(),
                "2024-06-23T01:21:22Z".into()
            ),
        ]
    );
    let score: Vec<_> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::SleepScore)
        .map(|s| (s.start.to_string(), s.value, s.offset_minutes))
        .collect();
    assert_eq!(
        score,
        [("2024-06-23T01:21:40Z".into(), 84.0, Some(330))],
        "the nap's performance is not the day's sleep score"
    );
    let breathing: Vec<f64> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::RespiratoryRate)
        .map(|s| s.value)
        .collect();
    assert_eq!(breathing, [15.5, 15.4]);
    // The empty sleep (onset equal to waking) is named, not stored.
    let warnings = codes(&file);
    assert!(warnings.contains(&"no_sleep_times"), "{warnings:?}");
    assert!(warnings.contains(&"columns_not_imported"), "{warnings:?}");
}

#[test]
fn workouts_keep_whoops_totals_and_find_columns_by_name() {
    let file = read_whoop_file("workouts.csv", WORKOUTS.as_bytes()).unwrap().file;
    assert_eq!(file.activities.len(), 2);
    let run = &file.activities[0];
    assert_eq!(run.activity_type, ActivityType::Running);
    assert_eq!(run.start, t("2024-06-24T12:08:18Z"));
    assert_eq!(run.end, t("2024-06-24T12:33:47Z"));
    assert_eq!(run.offset_minutes, Some(-240));
    assert_eq!(run.energy, Some(301.0));
    assert_eq!(run.max_heart_rate, Some(183.0));
    assert_eq!(run.avg_heart_rate, Some(160.0));
    assert_eq!(run.distance, Some(4512.4));
    assert_eq!(run.elevation_gain, Some(61.08));
    assert_eq!(run.external_id.as_deref(), Some("start:1719230898000"));
    let other = &file.activities[1];
    assert_eq!(other.activity_type, ActivityType::Other);
    assert_eq!(other.sport_label.as_deref(), Some("Basket Weaving, Underwater"));
    assert_eq!(other.distance, None);
    let warnings = codes(&file);
    assert!(warnings.contains(&"unparsable_date"), "{warnings:?}");
    assert!(warnings.contains(&"columns_not_imported"), "{warnings:?}");

    // Without GPS workouts the export has no distance columns at all.
    let short: String = WORKOUTS
        .lines()
        .map(|l| l.splitn(18, ',').take(17).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n");
    let file = read_whoop_file("workouts.csv", short.as_bytes()).unwrap().file;
    assert_eq!(file.activities[0].distance, None);
    assert_eq!(file.activities[0].energy, Some(301.0));
}

#[test]
fn journal_answers_are_kept_raw_per_question() {
    let read = read_whoop_file("journal_entries.csv", JOURNAL.as_bytes()).unwrap();
    let records: Vec<(String, Option<String>)> = read
        .journal
        .iter()
        .map(|r| (r.record_type.clone(), r.value.clone()))
        .collect();
    assert_eq!(
        records,
        [
            (
                "WhoopJournal:Have any alcoholic drinks?".into(),
                Some("no".into())
            ),
            ("WhoopJournal:Have any caffeine?".into(), Some("yes".into())),
            (
                "WhoopJournalNotes:Have any caffeine?".into(),
                Some("two espressos, before noon".into())
            ),
        ]
    );
    // The current cycle has no end: the answer covers its start.
    assert_eq!(read.journal[0].start, read.journal[0].end);
    assert_eq!(read.journal[0].start, t("2024-06-24T02:14:09Z"));
    assert_eq!(read.journal[0].offset_minutes, Some(-240));
    assert_eq!(codes(&read.file), ["unreadable_answer"]);
}

#[test]
fn broken_rows_and_zones_are_named_and_the_rest_read() {
    let text = format!(
        "{}\n2024-06-22 23:00:22,2024-06-23 22:14:09,Mars/Olympus,1,2\n\"unterminated\n",
        CYCLES.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    let file = read_whoop_file("physiological_cycles.csv", text.as_bytes())
        .unwrap()
        .file;
    assert!(codes(&file).contains(&"unparsable_zone"), "{:?}", codes(&file));
    assert_eq!(
        file.samples
            .iter()
            .filter(|s| s.metric == Metric::RecoveryScore)
            .count(),
        2
    );
}

proptest::proptest! {
    #[test]
    fn no_input_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..400), kind in 0usize..4) {
        let header = [CYCLES, SLEEPS, WORKOUTS, JOURNAL][kind].lines().next().unwrap_or_default();
        let mut bytes = header.as_bytes().to_vec();
        bytes.push(b'\n');
        bytes.extend(body);
        let _ = read_whoop_file("any.csv", &bytes);
    }

    #[test]
    fn mutated_rows_never_panic(cut in 0usize..2000, byte in proptest::num::u8::ANY) {
        for text in [CYCLES, SLEEPS, WORKOUTS, JOURNAL] {
            let mut bytes = text.as_bytes().to_vec();
            let at = cut % bytes.len();
            bytes[at] = byte;
            let _ = read_whoop_file("any.csv", &bytes);
        }
    }
}
