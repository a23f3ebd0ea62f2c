//! Google Fit: what a Takeout folder says — data points, quarter-hour and day CSVs nested into one step
//! series, heart-rate points and sessions.

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::compare::close;
use super::files::{csv_rows, folder_files, number};
use super::truth::{assert_disjoint, day_bounds, seconds, Amount, Truth, Workout};

/// Google Fit writes the same steps three times, ever coarser: the data points, quarter-hour rows and
/// day rows. A coarser row adds only what it holds beyond the finer data inside its span, spread over the
/// span (so it can never fill the minutes between data points, which real exports leave without
/// points when no step was taken).
fn nest(finer: &mut Vec<Amount>, coarser: Vec<Amount>) {
    let extra: Vec<Amount> = coarser
        .into_iter()
        .filter_map(|row| {
            let inside: f64 = finer.iter().map(|f| f.share(row.start, row.end)).sum();
            assert!(
                row.value >= inside - 1e-9,
                "the fixture's row at {} holds less than the finer data inside it",
                row.start
            );
            (row.value - inside > 1e-9).then(|| Amount {
                value: row.value - inside,
                ..row
            })
        })
        .collect();
    finer.extend(extra);
}

/// A Google Fit Takeout folder: step and heart-rate data points (nanosecond times, no offset), per-day
/// CSVs of quarter-hour rows (times with their offset, on the file's date), the daily CSV (local days in
/// the user's zone), and workout sessions.
pub(super) fn google_fit_truth(folder: &str, zone: &TimeZone) -> Truth {
    let mut truth = Truth::default();
    let (mut points, mut quarters, mut days) = (Vec::new(), Vec::new(), Vec::new());
    for (name, bytes) in folder_files(folder) {
        let file = name.rsplit('/').next().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        if file.starts_with("derived_com.google.") {
            let doc: Value = serde_json::from_str(&text).unwrap();
            for p in doc["Data Points"].as_array().unwrap() {
                let nanos = |k: &str| Timestamp::from_nanosecond(i128::from(p[k].as_i64().unwrap())).unwrap();
                let (start, end) = (nanos("startTimeNanos"), nanos("endTimeNanos"));
                let value = &p["fitValue"][0]["value"];
                truth.samples += 1;
                match p["dataTypeName"].as_str().unwrap() {
                    "com.google.step_count.delta" => points.push(Amount {
                        start,
                        end,
                        value: value["intVal"].as_f64().unwrap(),
                        days: zone.clone(),
                    }),
                    "com.google.heart_rate.bpm" => {
                        truth.reading("heart_rate", start, value["fpVal"].as_f64().unwrap(), zone);
                    }
                    other => panic!("the test does not know {other}"),
                }
            }
        } else if file == "Daily activity metrics.csv" {
            for row in csv_rows(&text) {
                let steps = &row["Step count"];
                if steps.is_empty() {
                    continue;
                }
                let (start, end) = day_bounds(row["Date"].parse().unwrap(), zone);
                truth.samples += 1;
                days.push(Amount {
                    start,
                    end,
                    value: number(steps),
                    days: zone.clone(),
                });
            }
        } else if let Some(date) = file.strip_suffix(".csv") {
            for row in csv_rows(&text) {
                let steps = &row["Step count"];
                if steps.is_empty() {
                    continue;
                }
                // `07:15:00.000+01:00`, on the file's date, with the offset it was recorded at.
                let at = |cell: &str| format!("{date}T{cell}").parse::<Timestamp>().unwrap();
                let (start, mut end) = (at(&row["Start time"]), at(&row["End time"]));
                if end <= start {
                    // The day's last row ends at the next midnight, written 00:00.
                    end += SignedDuration::from_hours(24);
                }
                let offset = &row["Start time"][row["Start time"].len() - 6..];
                let sign = if offset.starts_with('-') { -1 } else { 1 };
                let minutes = number(&offset[1..3]) * 60.0 + number(&offset[4..6]);
                truth.samples += 1;
                quarters.push(Amount {
                    start,
                    end,
                    value: number(steps),
                    days: TimeZone::fixed(Offset::from_seconds(sign * minutes as i32 * 60).unwrap()),
                });
            }
        } else if name.contains("All Sessions/") {
            let s: Value = serde_json::from_str(&text).unwrap();
            let time = |k: &str| s[k].as_str().unwrap().parse::<Timestamp>().unwrap();
            let (start, end) = (time("startTime"), time("endTime"));
            let distance = s["aggregate"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["metricName"] == "com.google.distance.delta")
                .map(|a| a["floatValue"].as_f64().unwrap());
            truth.workouts.push(Workout {
                start,
                date: Some(start.to_zoned(zone.clone()).date()),
                duration: seconds(start, end),
                distance,
                ..Workout::default()
            });
        } else {
            // The session's TCX in `Activities/`: the same workout again, checked by the import counts.
            assert!(name.contains("Activities/"), "{name}");
        }
    }
    for level in [&points, &quarters, &days] {
        assert_disjoint("steps", level);
    }
    nest(&mut points, quarters);
    // Real exports keep the daily step count equal to the data points and quarter hours under it; the
    // fixtures do too wherever a day has finer data, so such a day is the fine data's total.
    for row in &days {
        let inside: f64 = points.iter().map(|p| p.share(row.start, row.end)).sum();
        assert!(
            inside == 0.0 || close(inside, row.value),
            "fixture: day row {} says {} but the finer data add up to {inside}",
            row.start,
            row.value
        );
    }
    nest(&mut points, days);
    truth.amounts.insert("steps", points);
    truth
}
