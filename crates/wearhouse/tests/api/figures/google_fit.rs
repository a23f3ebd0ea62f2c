//! Google Fit: what a Takeout folder says — data points, quarter-hour and day CSVs nested into one series
//! per metric (steps, Heart Points, and energy split by the basal rate), heart-rate points and sessions.

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

/// The kcal a basal rate burns from `start` to `end`: `readings` are (instant, kcal per day), each
/// holding until the next, the first one also before it.
fn basal_kcal(readings: &[(Timestamp, f64)], start: Timestamp, end: Timestamp) -> f64 {
    let mut sorted = readings.to_vec();
    sorted.sort_by_key(|r| r.0);
    let mut kcal = 0.0;
    for (i, &(at, rate)) in sorted.iter().enumerate() {
        let from = if i == 0 { start } else { at.max(start) };
        let to = sorted.get(i + 1).map_or(end, |next| next.0.min(end));
        if to > from {
            kcal += rate * seconds(from, to) / 86_400.0;
        }
    }
    kcal
}

/// The three levels of one metric Google Fit writes: data points, quarter-hour rows, day rows.
#[derive(Default)]
struct Levels {
    levels: [Vec<Amount>; 3],
}

const POINTS: usize = 0;
const QUARTERS: usize = 1;
const DAYS: usize = 2;

impl Levels {
    fn push(&mut self, level: usize, start: Timestamp, end: Timestamp, value: f64, days: &TimeZone) {
        self.levels[level].push(Amount {
            start,
            end,
            value,
            days: days.clone(),
        });
    }

    /// The series the figures count: each level topped up by the coarser ones (see [`nest`]).
    fn nested(self, metric: &str) -> Vec<Amount> {
        let [mut points, quarters, days] = self.levels;
        for level in [&points, &quarters, &days] {
            assert_disjoint(metric, level);
        }
        nest(&mut points, quarters);
        // Real exports keep a day's row equal to the data points and quarter hours under it (the
        // fixtures' extra quarter-hour energy aside), so such a day is the fine data's total.
        for row in &days {
            let inside: f64 = points.iter().map(|p| p.share(row.start, row.end)).sum();
            assert!(
                inside == 0.0 || close(inside, row.value) || metric.ends_with("energy"),
                "fixture: {metric} day row {} says {} but the finer data add up to {inside}",
                row.start,
                row.value
            );
        }
        nest(&mut points, days);
        points
    }
}

/// A Google Fit Takeout folder: step, heart-rate, Heart Points and energy data points (nanosecond
/// times, no offset) and the basal rate, per-day CSVs of quarter-hour rows (times with their offset, on
/// the file's date), the daily CSV (local days in the user's zone), and workout sessions.
///
/// Energy is Google's total, split here as the docs say: basal energy the basal rate's integral over
/// the figure's interval, never more than the figure; active energy the rest.
pub(super) fn google_fit_truth(folder: &str, zone: &TimeZone) -> Truth {
    let mut truth = Truth::default();
    let (mut steps, mut heart_points) = (Levels::default(), Levels::default());
    // Energy figures by level, split once the basal rate is known.
    let mut energy: Vec<(usize, Amount)> = Vec::new();
    let mut rates: Vec<(Timestamp, f64)> = Vec::new();
    for (name, bytes) in folder_files(folder) {
        let file = name.rsplit('/').next().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        if file.starts_with("derived_com.google.") {
            let doc: Value = serde_json::from_str(&text).unwrap();
            for p in doc["Data Points"].as_array().unwrap() {
                let nanos = |k: &str| Timestamp::from_nanosecond(i128::from(p[k].as_i64().unwrap())).unwrap();
                let (start, end) = (nanos("startTimeNanos"), nanos("endTimeNanos"));
                let value = &p["fitValue"][0]["value"];
                match p["dataTypeName"].as_str().unwrap() {
                    "com.google.step_count.delta" => {
                        truth.samples += 1;
                        steps.push(POINTS, start, end, value["intVal"].as_f64().unwrap(), zone);
                    }
                    "com.google.heart_rate.bpm" => {
                        truth.samples += 1;
                        truth.reading("heart_rate", start, value["fpVal"].as_f64().unwrap(), zone);
                    }
                    "com.google.heart_minutes" => {
                        truth.samples += 1;
                        heart_points.push(POINTS, start, end, value["fpVal"].as_f64().unwrap(), zone);
                    }
                    "com.google.calories.expended" => {
                        let kcal = value["fpVal"].as_f64().unwrap();
                        energy.push((
                            POINTS,
                            Amount {
                                start,
                                end,
                                value: kcal,
                                days: zone.clone(),
                            },
                        ));
                    }
                    // The rate at the reading's end; no sample of its own.
                    "com.google.calories.bmr" => rates.push((end, value["fpVal"].as_f64().unwrap())),
                    other => panic!("the test does not know {other}"),
                }
            }
        } else if file == "Daily activity metrics.csv" {
            for row in csv_rows(&text) {
                let (start, end) = day_bounds(row["Date"].parse().unwrap(), zone);
                for (cell, level) in [
                    (&row["Step count"], &mut steps),
                    (&row["Heart Points"], &mut heart_points),
                ] {
                    if !cell.is_empty() {
                        truth.samples += 1;
                        level.push(DAYS, start, end, number(cell), zone);
                    }
                }
                let kcal = &row["Calories (kcal)"];
                if !kcal.is_empty() {
                    energy.push((
                        DAYS,
                        Amount {
                            start,
                            end,
                            value: number(kcal),
                            days: zone.clone(),
                        },
                    ));
                }
            }
        } else if let Some(date) = file.strip_suffix(".csv") {
            for row in csv_rows(&text) {
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
                let days = TimeZone::fixed(Offset::from_seconds(sign * minutes as i32 * 60).unwrap());
                for (cell, level) in [
                    (&row["Step count"], &mut steps),
                    (&row["Heart Points"], &mut heart_points),
                ] {
                    if !cell.is_empty() {
                        truth.samples += 1;
                        level.push(QUARTERS, start, end, number(cell), &days);
                    }
                }
                let kcal = &row["Calories (kcal)"];
                if !kcal.is_empty() {
                    energy.push((
                        QUARTERS,
                        Amount {
                            start,
                            end,
                            value: number(kcal),
                            days,
                        },
                    ));
                }
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
    let (mut basal, mut active) = (Levels::default(), Levels::default());
    // Without a basal rate (a Takeout without its file) energy cannot be split and is not imported.
    for (level, row) in energy.into_iter().filter(|_| !rates.is_empty()) {
        let rest = basal_kcal(&rates, row.start, row.end).min(row.value);
        for (series, kcal) in [(&mut basal, rest), (&mut active, row.value - rest)] {
            // Parts too small to be served make no sample.
            if kcal >= 0.001 {
                truth.samples += 1;
                series.push(level, row.start, row.end, kcal, &row.days);
            }
        }
    }
    for (metric, levels) in [
        ("steps", steps),
        ("heart_points", heart_points),
        ("basal_energy", basal),
        ("active_energy", active),
    ] {
        let series = levels.nested(metric);
        if !series.is_empty() {
            truth.amounts.insert(metric, series);
        }
    }
    truth
}
