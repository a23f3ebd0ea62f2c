#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use wearhouse_model::{Metric, SleepStage};

use super::*;

/// A night and a day as Oura's v1 API, and so its JSON export, writes them (fields trimmed).
pub(crate) const EXPORT: &str = r#"{
  "sleep": [{
    "summary_date": "2017-11-05", "period_id": 0, "is_longest": 1, "timezone": 120,
    "bedtime_start": "2017-11-06T02:13:19+02:00", "bedtime_end": "2017-11-06T03:00:00+02:00",
    "score": 70, "total": 2400, "duration": 2801,
    "hypnogram_5min": "4422211133",
    "hr_5min": [0, 53, 51, 0, 50, 50, 49, 49, 50, 50],
    "hr_lowest": 49, "hr_average": 56.375, "rmssd": 54, "breath_average": 13, "temperature_delta": -0.06
  }],
  "activity": [{
    "summary_date": "2016-09-03", "day_start": "2016-09-03T04:00:00+03:00", "day_end": "2016-09-04T03:59:59+03:00",
    "timezone": 180, "score": 87, "steps": 9206, "cal_total": 2540, "cal_active": 390, "class_5min": "1112211111"
  }],
  "readiness": [
    {"summary_date": "2017-11-05", "period_id": 0, "score": 62, "score_resting_hr": 68},
    {"summary_date": "2016-09-03", "period_id": 0, "score": 80}
  ]
}"#;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn the_export_is_recognised_by_its_content() {
    assert!(is_oura_export(EXPORT.as_bytes()));
    assert!(is_oura_export(
        b"\xEF\xBB\xBF {\"activity\": [{\"summary_date\": \"2016-09-03\", \"cal_active\": 3"
    ));
    assert!(!is_oura_export(b"{\"summary_date\": \"x\"}"));
    assert!(!is_oura_export(b"[{\"bedtime_start\": 1, \"summary_date\": 2}]"));
}

#[test]
fn the_hypnogram_becomes_runs_of_stages_from_bedtime_to_its_end() {
    let file = read_oura_export("oura_data.json", EXPORT.as_bytes()).unwrap();
    let stages: Vec<(SleepStage, Timestamp, Timestamp)> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::Sleep)
        .map(|s| (SleepStage::from_code(s.value as u8).unwrap(), s.start, s.end))
        .collect();
    // 00:13:19Z + 5-minute steps: 44 222 111 33, the last cut at 01:00:00Z.
    assert_eq!(
        stages,
        [
            (
                SleepStage::Awake,
                ts("2017-11-06T00:13:19Z"),
                ts("2017-11-06T00:23:19Z")
            ),
            (
                SleepStage::Core,
                ts("2017-11-06T00:23:19Z"),
                ts("2017-11-06T00:38:19Z")
            ),
            (
                SleepStage::Deep,
                ts("2017-11-06T00:38:19Z"),
                ts("2017-11-06T00:53:19Z")
            ),
            (
                SleepStage::Rem,
                ts("2017-11-06T00:53:19Z"),
                ts("2017-11-06T01:00:00Z")
            ),
        ]
    );
    let hr: Vec<f64> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::HeartRate)
        .map(|s| s.value)
        .collect();
    assert_eq!(
        hr,
        [53.0, 51.0, 50.0, 50.0, 49.0, 49.0, 50.0, 50.0],
        "zeros are no reading"
    );
    let night = |m: Metric| {
        file.samples
            .iter()
            .find(|s| s.metric == m)
            .map(|s| (s.value, s.start, s.end))
    };
    let span = (ts("2017-11-06T00:13:19Z"), ts("2017-11-06T01:00:00Z"));
    assert_eq!(night(Metric::RestingHeartRate), Some((49.0, span.0, span.1)));
    assert_eq!(night(Metric::HrvRmssd), Some((54.0, span.0, span.1)));
    assert_eq!(night(Metric::RespiratoryRate), Some((13.0, span.0, span.1)));
    assert!(file
        .samples
        .iter()
        .filter(|s| s.metric != Metric::Steps && s.metric != Metric::ActiveEnergy)
        .all(|s| s.offset_minutes == Some(120)));
}

#[test]
fn activity_days_are_day_totals_and_readiness_is_stored_on_waking() {
    let file = read_oura_export("oura_data.json", EXPORT.as_bytes()).unwrap();
    let day: Vec<(Metric, f64, bool)> = file
        .samples
        .iter()
        .filter(|s| s.start == ts("2016-09-03T01:00:00Z"))
        .map(|s| (s.metric, s.value, s.summary))
        .collect();
    assert_eq!(day.len(), 2);
    assert!(day.contains(&(Metric::Steps, 9206.0, true)));
    assert!(day.contains(&(Metric::ActiveEnergy, 390.0, true)));
    // Readiness and the sleep score at the end of the night the readiness names; the one whose night
    // is not in the export is said, not dropped silently.
    let waking: Vec<(Metric, f64, Option<i16>)> = file
        .samples
        .iter()
        .filter(|s| s.start == ts("2017-11-06T01:00:00Z") && s.end == s.start)
        .map(|s| (s.metric, s.value, s.offset_minutes))
        .collect();
    assert_eq!(
        waking,
        [
            (Metric::SleepScore, 70.0, Some(120)),
            (Metric::RecoveryScore, 62.0, Some(120))
        ]
    );
    assert!(file
        .warnings
        .iter()
        .any(|w| w.code == "readiness_without_night" && w.detail.starts_with("1 readiness")));
}

#[test]
fn broken_json_is_refused_and_bad_records_are_warnings() {
    assert_eq!(
        read_oura_export("x.json", b"{\"sleep\": [").unwrap_err().code,
        "malformed_json"
    );
    let file = read_oura_export(
        "x.json",
        br#"{"sleep": [{"bedtime_start": "2017-11-06T03:00:00+02:00", "bedtime_end": "2017-11-06T02:00:00+02:00", "hypnogram_5min": "11"}]}"#,
    )
    .unwrap();
    assert!(file.samples.is_empty());
    assert_eq!(file.warnings[0].code, "end_before_start");
}
