#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::civil::date;

use super::all_data::{mapping, source_name, Mapping};
use super::*;
use wearhouse_model::Metric;

#[test]
fn entries_are_recognised_by_file_name_whatever_the_folder_language() {
    let kind = |p: &str| classify(p);
    assert_eq!(
        kind("Takeout/Fit/All Data/derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json"),
        Some(EntryKind::AllData)
    );
    assert_eq!(
        kind("Takeout/Fit/Все данные/raw_com.google.heart_rate.bpm_com.mc.miband1.json"),
        Some(EntryKind::AllData)
    );
    assert_eq!(
        kind("Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json"),
        Some(EntryKind::Session)
    );
    assert_eq!(
        kind("Takeout/Fit/모든 세션/2016-11-03T10_00_00-07_00_WALKING.json"),
        Some(EntryKind::Session)
    );
    assert_eq!(
        kind("Takeout/Fit/Daily activity metrics/Daily activity metrics.csv"),
        Some(EntryKind::DailySummary)
    );
    assert_eq!(
        kind("Takeout/Fit/Daily activity metrics/2020-01-01.csv"),
        Some(EntryKind::DayIntervals(date(2020, 1, 1)))
    );
    assert_eq!(
        kind("Takeout/Fit/Activities/2020-01-01T07_00_00+01_00_PT30M_Running.tcx"),
        Some(EntryKind::Tcx)
    );
    assert_eq!(kind("Takeout/Fit/Activities/run.tcx"), Some(EntryKind::Tcx));
    for other in [
        "Takeout/Strava/activities/2020-01-01.csv",
        "exports/run.tcx",
        "Takeout/Fit/All Sessions/running.json",
        "Takeout/Fit/All Sessions/2020-01-01T07_00_00+01_00_.json",
        "Takeout/Fit/All Sessions/2020-01-01T07_00_00+15_00_RUNNING.json",
        "Takeout/Fit/Daily activity metrics/2020-1-1.csv",
        "Takeout/Fit/data.json",
        "",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn session_names_carry_the_local_offset() {
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00+01_00_RUNNING.json"),
        Some(Some(60))
    );
    assert_eq!(
        session_name_offset("2016-11-03T10_00_00-07_00_WALKING.json"),
        Some(Some(-420))
    );
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00.123+05_30_SLEEP.json"),
        Some(Some(330))
    );
    assert_eq!(
        session_name_offset("2020-01-01T07_00_00Z_BIKING.json"),
        Some(None)
    );
    assert_eq!(session_name_offset("2020-01-01T07_00_00_RUNNING.json"), None);
}

#[test]
fn data_types_map_to_metrics_with_units() {
    assert_eq!(
        mapping("com.google.step_count.delta"),
        Mapping::Field(Metric::Steps, None)
    );
    assert_eq!(mapping("com.google.blood_pressure"), Mapping::BloodPressure);
    assert_eq!(mapping("com.google.sleep.segment"), Mapping::SleepStage);
    assert_eq!(mapping("com.google.calories.expended"), Mapping::Energy);
    assert_eq!(mapping("com.google.calories.bmr"), Mapping::BasalRate);
    assert_eq!(
        mapping("com.google.heart_minutes"),
        Mapping::Field(Metric::HeartPoints, None)
    );
    assert!(matches!(mapping("com.google.nutrition"), Mapping::Skip(_)));
    assert_eq!(mapping("com.google.activity.segment"), Mapping::ActivitySegment);
}

#[test]
fn source_names_drop_the_kind_and_data_type() {
    assert_eq!(
        source_name("derived:com.google.step_count.delta:com.google.android.gms:estimated_steps").as_deref(),
        Some("com.google.android.gms:estimated_steps")
    );
    assert_eq!(source_name("raw:com.google.weight:").as_deref(), None);
    assert_eq!(source_name("nonsense").as_deref(), None);
}

/// One All Data point as Takeout writes it, seconds since the epoch for its times.
fn point(data_type: &str, value: &str, start: i64, end: i64) -> String {
    format!(
        r#"{{"fitValue":[{{"value":{value}}}],"originDataSourceId":"","endTimeNanos":{end}000000000,"dataTypeName":"{data_type}","startTimeNanos":{start}000000000,"modifiedTimeMillis":1700571475292,"rawTimestampNanos":0}}"#
    )
}

fn all_data_file(source: &str, points: &[String]) -> Vec<u8> {
    format!(
        r#"{{"Data Source":"{source}","Data Points":[{}]}}"#,
        points.join(",")
    )
    .into_bytes()
}

const SEGMENTS: &str = "Takeout/Fit/All Data/derived_com.google.activity.segment_com.google.android.gms_merge_activity_segments.json";

#[test]
fn sleep_activity_segments_become_sleep_stages_and_the_others_are_counted() {
    use wearhouse_model::SleepStage;
    let t = 1_700_000_000; // 2023-11-14T22:13:20Z
    let segment = "com.google.activity.segment";
    let bytes = all_data_file(
        "derived:com.google.activity.segment:com.google.android.gms:merge_activity_segments",
        &[
            point(segment, r#"{"intVal":72}"#, t, t + 1800),
            point(segment, r#"{"intVal":109}"#, t + 1800, t + 4200),
            point(segment, r#"{"intVal":110}"#, t + 4200, t + 6000),
            point(segment, r#"{"intVal":111}"#, t + 6000, t + 7200),
            point(segment, r#"{"intVal":112}"#, t + 7200, t + 7500),
            point(segment, r#"{"intVal":7}"#, t + 8000, t + 9000),
            point(segment, r#"{"intVal":3}"#, t + 9000, t + 9600),
            point(segment, r#"{"intVal":7}"#, t + 9600, t + 9900),
            point(segment, r#"{"fpVal":7.5}"#, t + 9900, t + 9960),
        ],
    );
    let file = read_google_fit_entry(SEGMENTS, &bytes, &ZoneHistory::fixed(jiff::tz::TimeZone::UTC)).unwrap();

    // Each sleep code is its stage, over its own interval: seconds worked out from the points above.
    let stages: Vec<(f64, i64, i64)> = file
        .samples
        .iter()
        .map(|s| {
            assert_eq!(s.metric, Metric::Sleep);
            assert_eq!(
                s.source_name.as_deref(),
                Some("com.google.android.gms:merge_activity_segments")
            );
            let start = s.start.as_second() - t;
            (s.value, start, s.end.as_second() - s.start.as_second())
        })
        .collect();
    let code = |stage: SleepStage| f64::from(stage.code());
    assert_eq!(
        stages,
        vec![
            (code(SleepStage::Asleep), 0, 1800),
            (code(SleepStage::Core), 1800, 2400),
            (code(SleepStage::Deep), 4200, 1800),
            (code(SleepStage::Rem), 6000, 1200),
            (code(SleepStage::Awake), 7200, 300),
        ]
    );
    let asleep: i64 = stages
        .iter()
        .filter(|(v, _, _)| *v != code(SleepStage::Awake))
        .map(|(_, _, secs)| secs)
        .sum();
    assert_eq!(asleep, 7200); // 30 + 40 + 30 + 20 minutes

    // The other activities are counted in one warning, by code; the fractional code is a bad value.
    let unmapped: Vec<&str> = file
        .warnings
        .iter()
        .filter(|w| w.code == "unmapped_type")
        .map(|w| w.detail.as_str())
        .collect();
    assert_eq!(unmapped.len(), 1, "{unmapped:?}");
    assert!(
        unmapped[0].starts_with(
            "3 points of com.google.activity.segment were not imported (activity codes 3 still ×1, 7 walking ×2)"
        ),
        "{}",
        unmapped[0]
    );
    let bad: Vec<_> = file.warnings.iter().filter(|w| w.code == "bad_value").collect();
    assert_eq!(bad.len(), 1, "{:?}", file.warnings);
    assert_eq!(file.warnings.len(), 2, "{:?}", file.warnings);
}

const EXPENDED: &str =
    "Takeout/Fit/All Data/derived_com.google.calories.expended_com.google.android.gms_merge_calories_expended.json";
const EXPENDED_SOURCE: &str =
    "derived:com.google.calories.expended:com.google.android.gms:merge_calories_expended";
const BMR: &str = "Takeout/Fit/All Data/derived_com.google.calories.bmr_com.google.android.gms_merged.json";
const BMR_SOURCE: &str = "derived:com.google.calories.bmr:com.google.android.gms:merged";

fn utc() -> ZoneHistory {
    ZoneHistory::fixed(jiff::tz::TimeZone::UTC)
}

fn total(file: &ParsedFile, metric: Metric) -> f64 {
    file.samples
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| s.value)
        .sum()
}

/// Basal-rate points (at their end instant) of 1,440 kcal a day from `t` and 2,880 from `t + 3600`.
fn basal_rate_file(t: i64) -> Vec<u8> {
    let bmr = "com.google.calories.bmr";
    let points = [
        point(bmr, r#"{"fpVal":2880.0}"#, t + 3600, t + 3600),
        point(bmr, r#"{"fpVal":1440.0}"#, t, t),
        // Not a person's rate: a warning, and not used.
        point(bmr, r#"{"fpVal":12.0}"#, t + 1800, t + 1800),
    ];
    all_data_file(BMR_SOURCE, &points)
}

#[test]
fn the_basal_rate_file_gives_rates_and_no_samples() {
    let t = 1_700_000_000;
    assert!(is_basal_rate_entry(BMR));
    assert!(!is_basal_rate_entry(EXPENDED));
    let entry = read_google_fit_entry_with(BMR, &basal_rate_file(t), &utc(), None).unwrap();
    assert!(entry.file.samples.is_empty(), "{:?}", entry.file.samples);
    let codes: Vec<_> = entry.file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["bad_value", "unmapped_type"], "{:?}", entry.file.warnings);
    assert!(entry.file.warnings[1]
        .detail
        .starts_with("2 points of com.google.calories.bmr were read"));
    let rates = entry.basal_rates.unwrap();
    let at = |s: i64| jiff::Timestamp::from_second(s).unwrap();
    // One kcal a minute for the first hour, two after it; the 12 kcal/day reading is not one.
    assert_eq!(rates.energy(at(t), at(t + 7200)).map(|k| k.round()), Some(180.0));
}

#[test]
fn energy_is_split_into_basal_and_active_by_the_rate_read_before_it() {
    let t = 1_700_000_000;
    let rates = read_google_fit_entry_with(BMR, &basal_rate_file(t), &utc(), None)
        .unwrap()
        .basal_rates
        .unwrap();
    let expended = "com.google.calories.expended";
    let points = [
        // Half an hour at rest before the first rate reading: the first rate holds, all basal.
        point(expended, r#"{"fpVal":30.0}"#, t - 1800, t),
        // An hour across the rate's change: 30 + 60 kcal basal, 100 active.
        point(expended, r#"{"fpVal":190.0}"#, t + 1800, t + 5400),
        // Less than the rate: all of it basal, no active sample.
        point(expended, r#"{"fpVal":10.0}"#, t + 5400, t + 6000),
    ];
    let bytes = all_data_file(EXPENDED_SOURCE, &points);
    let file = read_google_fit_entry_with(EXPENDED, &bytes, &utc(), Some(&rates))
        .unwrap()
        .file;
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let basal: Vec<_> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::BasalEnergy)
        .map(|s| (s.start.as_second() - t, (s.value * 1000.0).round() / 1000.0))
        .collect();
    assert_eq!(basal, [(-1800, 30.0), (1800, 90.0), (5400, 10.0)]);
    let active: Vec<_> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::ActiveEnergy)
        .map(|s| (s.start.as_second() - t, (s.value * 1000.0).round() / 1000.0))
        .collect();
    assert_eq!(active, [(1800, 100.0)]);
    let sum = total(&file, Metric::BasalEnergy) + total(&file, Metric::ActiveEnergy);
    assert!(
        (sum - 230.0).abs() < 1e-9,
        "the parts add up to Google's figures: {sum}"
    );
    assert!(file
        .samples
        .iter()
        .all(|s| s.source_name.as_deref() == Some("com.google.android.gms:merge_calories_expended")));

    // Read alone, nothing splits it: skipped, saying what to import.
    let alone = read_google_fit_entry(EXPENDED, &bytes, &utc()).unwrap();
    assert!(alone.samples.is_empty(), "{:?}", alone.samples);
    assert_eq!(alone.warnings.len(), 1, "{:?}", alone.warnings);
    assert_eq!(alone.warnings[0].code, "unmapped_type");
    assert!(alone.warnings[0]
        .detail
        .starts_with("3 points of com.google.calories.expended were not imported"));
    assert!(
        alone.warnings[0].detail.contains("whole Takeout ZIP"),
        "{}",
        alone.warnings[0].detail
    );
}

#[test]
fn heart_points_are_read_as_heart_points() {
    let t = 1_700_000_000;
    let data_type = "com.google.heart_minutes";
    let points = [
        point(data_type, r#"{"fpVal":1.0}"#, t, t + 60),
        point(data_type, r#"{"fpVal":2.0}"#, t + 60, t + 120),
        point(data_type, r#"{"intVal":1}"#, t + 120, t + 180),
    ];
    let source = "derived:com.google.heart_minutes:com.google.android.gms:merge_heart_minutes";
    let path = "Takeout/Fit/All Data/derived_com.google.heart_minutes_com.google.android.gms_merge_heart_minutes.json";
    let file = read_google_fit_entry(path, &all_data_file(source, &points), &utc()).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.samples.len(), 3);
    assert!(file.samples.iter().all(|s| s.metric == Metric::HeartPoints));
    assert_eq!(total(&file, Metric::HeartPoints), 4.0);
}

#[test]
fn the_daily_csv_gives_heart_points_and_its_energy_split_by_the_rate() {
    let t = date(2023, 11, 15)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second();
    let rates = read_google_fit_entry_with(BMR, &basal_rate_file(t), &utc(), None)
        .unwrap()
        .basal_rates
        .unwrap();
    let csv = "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,Step count\n\
               2023-11-15,40,3100.5,5200,52,36,8000\n\
               2023-11-16,,,,,,\n";
    let path = "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv";
    let file = read_google_fit_entry_with(path, csv.as_bytes(), &utc(), Some(&rates))
        .unwrap()
        .file;
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(total(&file, Metric::HeartPoints), 52.0);
    // An hour at 1,440 kcal a day, then 23 hours at 2,880.
    let basal = 60.0 + 23.0 * 120.0;
    assert!((total(&file, Metric::BasalEnergy) - basal).abs() < 1e-6);
    assert!((total(&file, Metric::ActiveEnergy) - (3100.5 - basal)).abs() < 1e-6);
    assert!(file.samples.iter().all(|s| s.summary));

    // Without the rate, the energy is said to be skipped; the other columns are read.
    let alone = read_google_fit_entry(path, csv.as_bytes(), &utc()).unwrap();
    assert_eq!(total(&alone, Metric::HeartPoints), 52.0);
    assert_eq!(total(&alone, Metric::ActiveEnergy), 0.0);
    let codes: Vec<_> = alone.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["unmapped_type"]);
    assert!(alone.warnings[0]
        .detail
        .starts_with("1 rows' Calories (kcal) were not imported"));
}

mod energy_properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever the rates and the figures, each figure's parts are never negative, never more than
        /// it, and add up to it (but for slivers too small to serve).
        #[test]
        fn the_parts_of_a_figure_add_up_to_it(
            rates in proptest::collection::vec((0i64..200_000, 300.0f64..5_000.0), 1..6),
            figures in proptest::collection::vec((0i64..200_000, 0i64..20_000, 0.0f64..2_000.0), 1..8),
        ) {
            let t = 1_700_000_000;
            let bmr: Vec<String> = rates
                .iter()
                .map(|(at, rate)| point("com.google.calories.bmr", &format!(r#"{{"fpVal":{rate}}}"#), t + at, t + at))
                .collect();
            let rates = read_google_fit_entry_with(BMR, &all_data_file(BMR_SOURCE, &bmr), &utc(), None)
                .unwrap()
                .basal_rates
                .unwrap();
            for (start, length, kcal) in figures {
                let (start, end) = (t + start, t + start + length);
                let one = [point("com.google.calories.expended", &format!(r#"{{"fpVal":{kcal}}}"#), start, end)];
                let file = read_google_fit_entry_with(EXPENDED, &all_data_file(EXPENDED_SOURCE, &one), &utc(), Some(&rates))
                    .unwrap()
                    .file;
                prop_assert!(file.warnings.is_empty(), "{:?}", file.warnings);
                let (basal, active) = (total(&file, Metric::BasalEnergy), total(&file, Metric::ActiveEnergy));
                prop_assert!(basal >= 0.0 && active >= 0.0 && basal <= kcal + 1e-9, "{basal} {active} of {kcal}");
                prop_assert!((basal + active - kcal).abs() < 0.002, "{basal} + {active} ≠ {kcal}");
            }
        }
    }
}

/// Takeout translates the activity-metrics CSVs' names and columns for accounts in other languages.
#[test]
fn translated_activity_metrics_are_read_like_the_english_ones() {
    // Japanese summary (full-width parentheses), in its translated folder and file name.
    let japanese = "日付,通常の運動（分）のカウント,カロリー（kcal）,距離（m）,ハートポイント（強めの運動）,強めの運動（分）,歩数\n\
                    2023-11-15,40,2100,5200,52,36,8000\n";
    let path = "Takeout/Fit/日別のアクティビティ指標/日別のアクティビティ指標.csv";
    assert_eq!(classify(path), Some(EntryKind::DailySummary));
    let file = read_google_fit_entry(path, japanese.as_bytes(), &utc()).unwrap();
    assert_eq!(total(&file, Metric::Steps), 8000.0);
    assert_eq!(total(&file, Metric::Distance), 5200.0);
    assert_eq!(total(&file, Metric::ExerciseMinutes), 40.0);
    assert_eq!(total(&file, Metric::HeartPoints), 52.0);
    let codes: Vec<_> = file.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["unmapped_type"], "energy without the basal rate");
    assert!(
        file.warnings[0].detail.contains("カロリー（kcal）"),
        "{}",
        file.warnings[0].detail
    );

    // Russian summary, a column name twice as in real exports.
    let russian = "Дата,Минуты активности,Калории (ккал),Дистанция (м),Баллы кардиотренировок,Число шагов,\
                   Продолжительность: Бег (мс),Продолжительность: Бег (мс)\n2023-11-15,12,,900,3,1500,60000,0\n";
    let path = "Takeout/Fit/Показатели ежедневной активности.csv";
    let file = read_google_fit_entry(path, russian.as_bytes(), &utc()).unwrap();
    assert_eq!(total(&file, Metric::Steps), 1500.0);
    assert_eq!(total(&file, Metric::HeartPoints), 3.0);

    // German per-day rows in `Google Fit/`, and Spanish capitalisation.
    let german =
        "Beginn,Ende,Anzahl der Aktivitätsminuten,Kalorien (kcal),Distanz (m),Kardiopunkte,Schrittzahl\n\
                  07:00:00.000+01:00,07:15:00.000+01:00,5,30,400,6,500\n";
    let path = "Takeout/Google Fit/Tägliche Aktivitätswerte/2023-11-15.csv";
    assert_eq!(classify(path), Some(EntryKind::DayIntervals(date(2023, 11, 15))));
    let file = read_google_fit_entry(path, german.as_bytes(), &utc()).unwrap();
    assert_eq!(
        (
            total(&file, Metric::Steps),
            total(&file, Metric::HeartPoints),
            total(&file, Metric::ExerciseMinutes)
        ),
        (500.0, 6.0, 5.0)
    );
    let spanish = "Fecha,Recuento de Minutos Activos,Puntos Cardio,Recuento de pasos\n2023-11-15,3,4,700\n";
    let file = read_google_fit_entry(
        "Takeout/Fit/Métricas de actividad diaria/Métricas de actividad diaria.csv",
        spanish.as_bytes(),
        &utc(),
    )
    .unwrap();
    assert_eq!(total(&file, Metric::HeartPoints), 4.0);

    // Uploaded alone, their heads are recognised too.
    assert!(super::csv_head_is("\u{feff}Fecha,Recuento".as_bytes(), true));
    assert!(super::csv_head_is(
        "시작 시간,종료 시간,걸음 수".as_bytes(),
        false
    ));
    assert!(!super::csv_head_is(b"Date,Steps", false));
    assert!(!super::csv_head_is("Ora di inizio,Ora di fine".as_bytes(), false));
}
