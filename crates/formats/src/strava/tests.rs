#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use wearhouse_model::ActivityType;

use super::*;
use crate::Collected;

/// The first 60 columns of a 2024 export's header, as Strava writes them (names repeat).
const HEADER: &str = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,\
Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,\
Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,\
Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,\
Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,\
Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,\
Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,Perceived Exertion,\
Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,\
Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,\
Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity";

/// A row with the given cells by column number (0-based); the rest empty.
fn row(cells: &[(usize, &str)]) -> String {
    let mut out = vec![String::new(); 60];
    for (i, v) in cells {
        out[*i] = (*v).to_owned();
    }
    out.join(",")
}

fn read(csv: &str) -> Collected {
    let mut sink = Collected::default();
    read_activities(csv.as_bytes(), "strava", &mut sink).unwrap();
    sink
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn dates_in_every_seen_format_read_as_utc() {
    let at = ts("2020-10-07T14:43:11Z");
    for cell in [
        "Oct 7, 2020, 2:43:11 PM",
        "Oct 7, 2020, 2:43:11\u{202f}PM",
        "Oct 07, 2020, 2:43:11 PM",
        "October 7, 2020, 2:43:11 PM",
        "7 Oct 2020, 14:43:11",
        "07.10.2020, 14:43:11",
        "2020-10-07 14:43:11",
    ] {
        assert_eq!(parse_activity_date(cell), Some(at), "{cell:?}");
    }
    assert_eq!(
        parse_activity_date("Dec 31, 2019, 12:05:00 AM"),
        Some(ts("2019-12-31T00:05:00Z"))
    );
    assert_eq!(parse_activity_date("yesterday"), None);
    assert_eq!(parse_activity_date(""), None);
}

#[test]
fn csv_types_map_to_the_catalogue() {
    assert_eq!(activity_type("Run"), ActivityType::Running);
    assert_eq!(activity_type("Ride"), ActivityType::Cycling);
    assert_eq!(activity_type("Weight Training"), ActivityType::StrengthTraining);
    assert_eq!(activity_type("Virtual Ride"), ActivityType::IndoorCycling);
    assert_eq!(activity_type("Mountain Bike Ride"), ActivityType::MountainBiking);
    assert_eq!(activity_type("E-Bike Ride"), activity_type("EBikeRide"));
    assert_eq!(activity_type("Rock Climb"), ActivityType::Climbing);
    assert_eq!(activity_type("Canoe"), ActivityType::from_strava("Canoeing"));
    assert_eq!(activity_type("Teleport"), ActivityType::Other);
}

#[test]
fn columns_are_read_by_name_and_occurrence() {
    let csv = format!(
        "{HEADER}\n{}\n",
        row(&[
            (0, "4242"),
            (1, "\"Oct 7, 2020, 2:43:11 PM\""),
            (2, "Lunch Run"),
            (3, "Run"),
            (4, "\"Easy, with strides\""),
            (5, "3600"),
            (6, "10.02"),
            (7, "171"),
            (9, "true"),
            (10, "left knee sore"),
            (11, "Pegasus 40"),
            (12, "activities/4242.fit.gz"),
            (15, "3600.5"),
            (16, "3400"),
            (17, "10020.5"),
            (20, "88.2"),
            (30, "171.0"),
            (31, "148.3"),
            (34, "702"),
            (43, "6"),
            (50, "1.0"),
        ])
    );
    let got = read(&csv);
    assert_eq!(got.activities.len(), 1);
    let record = &got.activities[0];
    assert_eq!(record.recording_file.as_deref(), Some("activities/4242.fit.gz"));
    let a = &record.activity;
    assert_eq!(a.activity_type, ActivityType::Running);
    assert_eq!(a.start, ts("2020-10-07T14:43:11Z"));
    assert_eq!(
        a.end,
        ts("2020-10-07T15:43:11.5Z"),
        "the second Elapsed Time, with its fraction"
    );
    assert_eq!(
        a.distance,
        Some(10020.5),
        "the second Distance, in metres, not 10.02 km"
    );
    assert_eq!(a.moving_time, Some(3400.0));
    assert_eq!(a.elevation_gain, Some(88.2));
    assert_eq!(a.max_heart_rate, Some(171.0));
    assert_eq!(a.avg_heart_rate, Some(148.3));
    assert_eq!(a.energy, Some(702.0));
    assert_eq!(a.rpe, Some(6));
    assert_eq!(a.title.as_deref(), Some("Lunch Run"));
    assert_eq!(a.notes.as_deref(), Some("Easy, with strides"));
    assert_eq!(a.private_notes.as_deref(), Some("left knee sore"));
    assert_eq!(a.gear.as_deref(), Some("Pegasus 40"));
    assert!(a.commute);
    assert_eq!(
        a.external_id.as_deref(),
        Some("strava:4242"),
        "until its recording gives one"
    );
}

#[test]
fn a_manual_activity_is_known_by_its_strava_id_and_stands_alone() {
    let csv = format!(
        "\u{feff}{HEADER}\n{}\n",
        row(&[
            (0, "77"),
            (1, "2018-09-12 15:02:23"),
            (3, "Weight Training"),
            (5, "1800")
        ])
    );
    let got = read(&csv);
    let record = &got.activities[0];
    assert_eq!(record.recording_file, None);
    assert_eq!(record.activity.external_id.as_deref(), Some("strava:77"));
    assert_eq!(record.activity.activity_type, ActivityType::StrengthTraining);
    assert!(!record.activity.commute);
}

#[test]
fn unreadable_rows_are_counted_and_named_and_the_rest_read() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(&[(0, "1"), (1, "not a date"), (5, "60")]),
        row(&[(0, "2"), (1, "2018-09-12 15:02:23")]),
        row(&[(0, "3"), (1, "2018-09-12 15:02:23"), (5, "60")]),
    );
    let got = read(&csv);
    assert_eq!(got.activities.len(), 1);
    assert_eq!(got.skipped.get("unreadable_row"), Some(&2));
    assert_eq!(got.warnings.len(), 2);
    assert!(got.warnings[0].detail.contains("line 2"), "{:?}", got.warnings);
}

#[test]
fn a_header_in_another_language_is_refused_clearly() {
    let mut sink = Collected::default();
    let err = read_activities(
        "Aktivitäts-ID,Aktivitätsdatum\n1,2\n".as_bytes(),
        "strava",
        &mut sink,
    )
    .unwrap_err();
    assert_eq!(err.code, "not_strava_activities");
    let html = "Activity ID,Activity Date,\"Elapsed Time<span class=\"\"unit\"\">(s)</span>\"\n9,2018-09-12 15:02:23,60\n";
    assert_eq!(read(html).activities.len(), 1, "HTML in header cells is ignored");
}

#[test]
fn the_recording_gives_the_measurements_and_the_row_the_words() {
    let mut row = ParsedActivity::new(
        ActivityType::TrailRunning,
        ts("2020-10-07T14:43:11Z"),
        ts("2020-10-07T15:43:11Z"),
    );
    row.title = Some("Hill repeats".into());
    row.gear = Some("Speedgoat".into());
    row.commute = true;
    row.distance = Some(9000.0);
    row.energy = Some(700.0);
    let mut recorded = ParsedActivity::new(
        ActivityType::Running,
        ts("2020-10-07T14:43:12Z"),
        ts("2020-10-07T15:43:00Z"),
    );
    recorded.distance = Some(10_012.0);
    recorded.external_id = Some("fit:3:1001".into());
    let joined = join_recording(row.clone(), vec![recorded]);
    assert_eq!(joined.len(), 1);
    let j = &joined[0];
    assert_eq!(j.start, ts("2020-10-07T14:43:12Z"), "the device's times");
    assert_eq!(j.distance, Some(10_012.0), "the device's totals");
    assert_eq!(j.energy, Some(700.0), "the row's where the device has none");
    assert_eq!(j.activity_type, ActivityType::TrailRunning, "the athlete's type");
    assert_eq!(j.external_id.as_deref(), Some("fit:3:1001"));
    assert_eq!(
        (j.title.as_deref(), j.gear.as_deref(), j.commute),
        (Some("Hill repeats"), Some("Speedgoat"), true)
    );
    assert_eq!(join_recording(row.clone(), Vec::new()), vec![row]);
}

#[test]
fn names_and_headers_are_recognised() {
    assert!(is_activities_csv("export_123/activities.csv"));
    assert!(is_activities_csv("ACTIVITIES.CSV"));
    assert!(!is_activities_csv("activities/123.csv"));
    assert!(is_activities_header(b"\xEF\xBB\xBFActivity ID,Activity Date"));
    assert!(!is_activities_header(b"Activity IDs,x"));
    assert!(!is_activities_header(b"Date,Steps"));
}

proptest::proptest! {
    /// Rows of mutated cells (the header kept) give workouts that end after they start, with finite
    /// positive totals, or are skipped with a warning; never a panic.
    #[test]
    fn mutated_rows_never_panic(
        cells in proptest::collection::vec((0usize..60, "[ -~\u{202f}]{0,24}"), 0..30),
        cut in 0usize..400,
    ) {
        let cells: Vec<(usize, &str)> = cells.iter().map(|(i, v)| (*i, v.as_str())).collect();
        let mut csv = format!("{HEADER}\n{}\n", row(&cells));
        let mut end = HEADER.len() + 1 + cut.min(csv.len() - HEADER.len() - 1);
        while !csv.is_char_boundary(end) {
            end -= 1;
        }
        csv.truncate(end);
        let mut sink = Collected::default();
        if read_activities(csv.as_bytes(), "strava", &mut sink).is_ok() {
            for record in &sink.activities {
                let a = &record.activity;
                proptest::prop_assert!(a.start < a.end);
                for total in [a.distance, a.energy, a.avg_heart_rate, a.max_heart_rate, a.moving_time] {
                    proptest::prop_assert!(total.is_none_or(|v| v.is_finite() && v > 0.0));
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        let mut sink = Collected::default();
        let _ = read_activities(bytes.as_slice(), "strava", &mut sink);
    }
}
