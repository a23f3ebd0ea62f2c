#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use wearhouse_analytics::ZoneHistory;
use wearhouse_model::{Metric, SleepStage};

use super::trends::{is_oura_trends, read_oura_trends};
use crate::ParsedFile;

/// The header of a 2022 Trends file, as Oura writes it (`Sleep Timin Score` and the space after
/// `Total Bedtime` included).
const HEADER_2022: &str = "date,Sleep Score,Total Sleep Score,REM Sleep Score,Deep Sleep Score,Sleep Efficiency Score,\
Restfulness Score,Sleep Latency Score,Sleep Timin Score,Total Sleep Duration,Total Bedtime ,Awake Time,REM Sleep Duration,\
Light Sleep Duration,Deep Sleep Duration,Restless Sleep,Sleep Efficiency,Sleep Latency,Sleep Timing,Bedtime Start,\
Bedtime End,Average Resting Heart Rate,Lowest Resting Heart Rate,Average HRV,Temperature Deviation (°C),\
Temperature Trend Deviation,Respiratory Rate,Activity Score,Stay Active Score,Move Every Hour Score,\
Meet Daily Targets Score,Training Frequency Score,Training Volume Score,Activity Burn,Total Burn,Steps,\
Equivalent Walking Distance,Inactive Time,Rest Time,Low Activity Time,Medium Activity Time,High Activity Time,\
Non-wear Time,Average MET,Long Periods of Inactivity,Readiness Score,Previous Night Score,Sleep Balance Score,\
Previous Day Activity Score,Activity Balance Score,Temperature Score,Resting Heart Rate Score,HRV Balance Score,\
Recovery Index Score";

/// The header of a 2020 Trends file: other names, `Sleep Timing` twice, activity times in minutes.
const HEADER_2020: &str = "date,Sleep Score,Total Sleep Score,REM Sleep Score,Deep Sleep Score,Sleep Efficiency Score,\
Restfulness Score,Sleep Latency Score,Sleep Timing Score,Total Bedtime,Total Sleep Time,Awake Time,REM Sleep Time,\
Light Sleep Time,Deep Sleep Time,Restless Sleep,Sleep Efficiency,Sleep Latency,Sleep Timing,Sleep Timing,Bedtime Start,\
Bedtime End,Average Resting Heart Rate,Lowest Resting Heart Rate,Average HRV,Temperature Deviation (°C),\
Respiratory Rate,Activity Score,Stay Active Score,Move Every Hour Score,Meet Daily Targets Score,\
Training Frequency Score,Training Volume Score,Recovery Time Score,Activity Burn,Total Burn,Target Calories,Steps,\
Daily Movement,Inactive Time,Rest Time,Low Activity Time,Medium Activity Time,High Activity Time,Non-wear Time,\
Average MET,Long Periods of Inactivity,Readiness Score,Previous Night Score,Sleep Balance Score,\
Previous Day Activity Score,Activity Balance Score,Temperature Score,Resting Heart Rate Score,HRV Balance Score,\
Recovery Index Score";

/// A row of `header` with `cells` by column name; every other cell is `missing` ("" or "None").
fn row(header: &str, cells: &[(&str, &str)], missing: &str) -> String {
    header
        .split(',')
        .map(|name| {
            cells
                .iter()
                .find(|(n, _)| *n == name.trim())
                .map_or(missing, |(_, v)| *v)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// 2023-03-05: a night of 7.5 hours (light 3:45, deep 1:15, REM 1:30, awake 1:00, with the minutes to
/// fall asleep), scores, and a day whose activity times add up to 86,400 seconds.
fn night_and_day() -> Vec<(&'static str, &'static str)> {
    vec![
        ("date", "2023-03-05"),
        ("Sleep Score", "82"),
        ("Total Sleep Score", "80"),
        ("Total Sleep Duration", "23400"),
        ("Total Bedtime", "27000"),
        ("Awake Time", "3600"),
        ("REM Sleep Duration", "5400"),
        ("Light Sleep Duration", "13500"),
        ("Deep Sleep Duration", "4500"),
        ("Sleep Latency", "600"),
        ("Bedtime Start", "2023-03-04T23:40:00+01:00"),
        ("Bedtime End", "2023-03-05T07:10:00+01:00"),
        ("Average Resting Heart Rate", "55.5"),
        ("Lowest Resting Heart Rate", "51.0"),
        ("Average HRV", "48"),
        ("Temperature Deviation (°C)", "-0.12"),
        ("Respiratory Rate", "14.25"),
        ("Activity Score", "88"),
        ("Activity Burn", "410"),
        ("Total Burn", "2390"),
        ("Steps", "9120"),
        ("Equivalent Walking Distance", "7800"),
        ("Inactive Time", "30600"),
        ("Rest Time", "27000"),
        ("Low Activity Time", "14400"),
        ("Medium Activity Time", "2700"),
        ("High Activity Time", "600"),
        ("Non-wear Time", "11100"),
        ("Readiness Score", "77"),
    ]
}

fn berlin() -> ZoneHistory {
    ZoneHistory::fixed(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn of(file: &ParsedFile, metric: Metric) -> Vec<(String, String, f64)> {
    file.samples
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| (s.start.to_string(), s.end.to_string(), s.value))
        .collect()
}

#[test]
fn trends_files_are_known_by_their_header() {
    assert!(is_oura_trends(format!("{HEADER_2022}\n2023-03-05,82").as_bytes()));
    assert!(is_oura_trends(format!("\u{feff}{HEADER_2020}\r\n").as_bytes()));
    assert!(!is_oura_trends(b"date,steps\n2023-03-05,100\n"));
    assert!(!is_oura_trends(b"{\"sleep\": []}"));
}

#[test]
fn a_2022_row_gives_its_night_and_its_day() {
    let text = format!(
        "{HEADER_2022}\n{}\n{}\n{}\n",
        row(HEADER_2022, &night_and_day(), ""),
        // A day without a night (Oura puts them last, out of order), `None` where there is nothing.
        row(
            HEADER_2022,
            &[
                ("date", "2023-03-01"),
                ("Steps", "4000"),
                ("Activity Burn", "200"),
                ("Total Burn", "2150")
            ],
            "None"
        ),
        row(HEADER_2022, &[("date", "yesterday"), ("Steps", "10")], ""),
    );
    let file = read_oura_trends("oura_trends.csv", text.as_bytes(), &berlin()).unwrap();

    // The stages fill the bedtime from its start: light, deep, REM, then awake.
    let stages: Vec<(u8, String, String)> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::Sleep)
        .map(|s| (s.value as u8, s.start.to_string(), s.end.to_string()))
        .collect();
    let code = |s: SleepStage| s.code();
    assert_eq!(
        stages,
        [
            (
                code(SleepStage::Core),
                "2023-03-04T22:40:00Z".into(),
                "2023-03-05T02:25:00Z".into()
            ),
            (
                code(SleepStage::Deep),
                "2023-03-05T02:25:00Z".into(),
                "2023-03-05T03:40:00Z".into()
            ),
            (
                code(SleepStage::Rem),
                "2023-03-05T03:40:00Z".into(),
                "2023-03-05T05:10:00Z".into()
            ),
            (
                code(SleepStage::Awake),
                "2023-03-05T05:10:00Z".into(),
                "2023-03-05T06:10:00Z".into()
            ),
        ]
    );
    let night = (
        "2023-03-04T22:40:00Z".to_owned(),
        "2023-03-05T06:10:00Z".to_owned(),
    );
    let waking = (
        "2023-03-05T06:10:00Z".to_owned(),
        "2023-03-05T06:10:00Z".to_owned(),
    );
    assert_eq!(
        of(&file, Metric::RestingHeartRate),
        [(night.0.clone(), night.1.clone(), 51.0)]
    );
    assert_eq!(
        of(&file, Metric::HrvRmssd),
        [(night.0.clone(), night.1.clone(), 48.0)]
    );
    assert_eq!(
        of(&file, Metric::RespiratoryRate),
        [(night.0.clone(), night.1.clone(), 14.25)]
    );
    assert_eq!(
        of(&file, Metric::SleepScore),
        [(waking.0.clone(), waking.1.clone(), 82.0)]
    );
    assert_eq!(
        of(&file, Metric::RecoveryScore),
        [(waking.0.clone(), waking.1.clone(), 77.0)]
    );

    // The day: Berlin's 2023-03-05, floating totals; seconds turned into minutes.
    let day = (
        "2023-03-04T23:00:00Z".to_owned(),
        "2023-03-05T23:00:00Z".to_owned(),
    );
    let on_day = |metric| -> Vec<f64> {
        of(&file, metric)
            .into_iter()
            .filter(|(s, e, _)| (s, e) == (&day.0, &day.1))
            .map(|(_, _, v)| v)
            .collect()
    };
    assert_eq!(on_day(Metric::Steps), [9120.0]);
    assert_eq!(on_day(Metric::ActiveEnergy), [410.0]);
    assert_eq!(
        on_day(Metric::BasalEnergy),
        [1980.0],
        "the total burn less the activity burn"
    );
    assert_eq!(on_day(Metric::SedentaryMinutes), [510.0]);
    assert_eq!(on_day(Metric::LightActivityMinutes), [240.0]);
    assert_eq!(
        on_day(Metric::ExerciseMinutes),
        [55.0],
        "medium and high activity"
    );
    assert_eq!(of(&file, Metric::Steps).len(), 2, "and the day without a night");
    assert!(file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::Steps)
        .all(|s| s.floating && s.summary));
    assert!(file
        .samples
        .iter()
        .all(|s| s.source_name.as_deref() == Some("Oura (trends)")));
    let sleep = file.samples.iter().find(|s| s.metric == Metric::Sleep).unwrap();
    assert_eq!(sleep.offset_minutes, Some(60), "the bedtime's own offset");

    let codes: Vec<&str> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        ["unparsable_date", "columns_not_imported"],
        "{:?}",
        file.warnings
    );
    let unread = &file.warnings[1].detail;
    for name in [
        "Total Sleep Score",
        "Sleep Latency",
        "Average Resting Heart Rate",
        "Temperature Deviation (°C)",
        "Activity Score",
        "Equivalent Walking Distance",
    ] {
        assert!(unread.contains(name), "{name} in {unread}");
    }
    assert!(
        !unread.contains("Steps,") && !unread.contains("Total Bedtime"),
        "{unread}"
    );
}

#[test]
fn a_2020_file_gives_its_activity_times_in_minutes() {
    let cells = [
        ("date", "2020-03-04"),
        ("Total Bedtime", "27300"),
        ("Total Sleep Time", "24690"),
        ("Awake Time", "2610"),
        ("REM Sleep Time", "2400"),
        ("Light Sleep Time", "14490"),
        ("Deep Sleep Time", "7800"),
        ("Bedtime Start", "2020-03-03T22:14:42-08:00"),
        ("Bedtime End", "2020-03-04T05:49:42-08:00"),
        ("Inactive Time", "690"),
        ("Rest Time", "504"),
        ("Low Activity Time", "234"),
        ("Medium Activity Time", "10"),
        ("High Activity Time", "2"),
        ("Non-wear Time", "0"),
    ];
    let text = format!("{HEADER_2020}\n{}\n", row(HEADER_2020, &cells, ""));
    let file = read_oura_trends("oura_trends.csv", text.as_bytes(), &berlin()).unwrap();
    let minutes = |metric| of(&file, metric).iter().map(|(_, _, v)| *v).sum::<f64>();
    assert_eq!(minutes(Metric::SedentaryMinutes), 690.0);
    assert_eq!(minutes(Metric::LightActivityMinutes), 234.0);
    assert_eq!(minutes(Metric::ExerciseMinutes), 12.0);
    let asleep: f64 = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::Sleep && s.value != f64::from(SleepStage::Awake.code()))
        .map(|s| s.end.duration_since(s.start).as_secs_f64())
        .sum();
    assert_eq!(asleep, 24690.0);
    assert_eq!(
        file.samples
            .iter()
            .find(|s| s.metric == Metric::Sleep)
            .unwrap()
            .start,
        ts("2020-03-04T06:14:42Z")
    );
}

#[test]
fn a_file_without_dates_is_not_a_trends_file() {
    let err = read_oura_trends("x.csv", b"day,Steps\n2020-01-01,5\n", &berlin()).unwrap_err();
    assert_eq!(err.code, "unexpected_shape");
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Cells as they come and as they should not: numbers of every size, `None`, text, times.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("None".to_owned()),
            Just("abc".to_owned()),
            Just("NaN".to_owned()),
            Just("-1".to_owned()),
            Just("1e308".to_owned()),
            (0u32..100_000).prop_map(|n| n.to_string()),
            (0.0f64..200.0).prop_map(|v| format!("{v:.2}")),
            Just("2023-03-05T00:20:00+01:00".to_owned()),
            Just("2023-03-05T07:50:00+01:00".to_owned()),
            Just("2023-03-05".to_owned()),
        ]
    }

    proptest! {
        /// Rows of any cells under either header: records and warnings, never an error or a panic;
        /// every sample finite, in order, and a night's stages inside its bedtime.
        #[test]
        fn no_row_panics(rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..60), 0..5), old in any::<bool>()) {
            let header = if old { HEADER_2020 } else { HEADER_2022 };
            let body: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
            let text = format!("{header}\n{}\n", body.join("\n"));
            let file = read_oura_trends("t.csv", text.as_bytes(), &berlin());
            prop_assert!(file.is_ok(), "{text}: {:?}", file.err());
            let file = file.unwrap();
            for s in &file.samples {
                prop_assert!(s.start <= s.end && s.value.is_finite(), "{s:?}");
                if s.metric == Metric::Sleep {
                    prop_assert!(s.end.duration_since(s.start).as_hours() <= 24, "{s:?}");
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut text = format!("{HEADER_2022}\n").into_bytes();
            text.extend(bytes);
            if let Ok(file) = read_oura_trends("t.csv", &text, &berlin()) {
                prop_assert!(file.samples.iter().all(|s| s.start <= s.end && s.value.is_finite()));
            }
        }
    }
}
