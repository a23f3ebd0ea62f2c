//! Import conformance: every fixture in `tests/fixtures` (listed in its README) goes through the whole
//! pipeline — upload, detection, reader, writer, rollups — and the daily and hourly figures served
//! afterwards must equal figures computed here from the file itself, by the rules the API documents:
//!
//! - amounts (steps, distance, energy): a local day or an hour receives from each interval the share of
//!   its value proportional to the time they overlap; one source per metric, so nothing overlaps;
//! - readings (heart rate, glucose): count, minimum, maximum and mean per local day and per hour;
//! - workouts count, whole, for the local day they start on, with their elapsed time and distance.
//!
//! The parsing here is deliberately plain (string splitting, `serde_json`, a minimal FIT walker) and
//! shares no code with the readers, so a reader's mistake cannot hide behind the same mistake in the
//! expectation. Mismatches are collected and reported together, so one run lists every wrong figure.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use crate::harness::{import, spawn_app, tokens, upload, TestApp, Tokens, PASSWORD};

// ----- What a file says ---------------------------------------------------------------------------------

/// `value` spread evenly over `[start, end)`. `days` places local midnights: the user's zone, or a fixed
/// offset when the file observed one.
#[derive(Debug, Clone)]
struct Amount {
    start: Timestamp,
    end: Timestamp,
    value: f64,
    days: TimeZone,
}

impl Amount {
    /// The share of the value that falls in `[from, to)`, proportional to the overlap.
    fn share(&self, from: Timestamp, to: Timestamp) -> f64 {
        if self.end <= self.start {
            return if from <= self.start && self.start < to {
                self.value
            } else {
                0.0
            };
        }
        let (lo, hi) = (self.start.max(from), self.end.min(to));
        if hi <= lo {
            return 0.0;
        }
        self.value * seconds(lo, hi) / seconds(self.start, self.end)
    }
}

/// A reading at an instant; `days` as for [`Amount`].
#[derive(Debug, Clone)]
struct Reading {
    at: Timestamp,
    value: f64,
    days: TimeZone,
}

/// A workout as the file states it; `None` where the file says nothing.
#[derive(Debug, Clone, Default)]
struct Workout {
    start: Timestamp,
    /// The local day it counts for: the day it starts.
    date: Option<Date>,
    /// Elapsed seconds.
    duration: f64,
    distance: Option<f64>,
    energy: Option<f64>,
    moving_time: Option<f64>,
    avg_heart_rate: Option<f64>,
    max_heart_rate: Option<f64>,
}

/// Everything a fixture holds that figures are made of.
#[derive(Debug, Default)]
struct Truth {
    /// Cumulative metrics by API name.
    amounts: BTreeMap<&'static str, Vec<Amount>>,
    /// Instantaneous metrics by API name.
    readings: BTreeMap<&'static str, Vec<Reading>>,
    /// Values that belong to a local day as a whole (Fitbit's resting heart rate): checked in the daily
    /// summary only, since no hour owns them.
    day_values: BTreeMap<&'static str, BTreeMap<Date, f64>>,
    workouts: Vec<Workout>,
    /// Samples the file holds, as stored one by one (before any merging).
    samples: usize,
}

impl Truth {
    fn amount(
        &mut self,
        metric: &'static str,
        start: Timestamp,
        end: Timestamp,
        value: f64,
        days: &TimeZone,
    ) {
        assert!(start <= end, "{metric} {start}..{end}");
        self.amounts.entry(metric).or_default().push(Amount {
            start,
            end,
            value,
            days: days.clone(),
        });
    }

    fn reading(&mut self, metric: &'static str, at: Timestamp, value: f64, days: &TimeZone) {
        self.readings.entry(metric).or_default().push(Reading {
            at,
            value,
            days: days.clone(),
        });
    }

    /// The first and last local day with anything on it.
    fn span(&self) -> (Date, Date) {
        let amounts = self.amounts.values().flatten().flat_map(|a| {
            [
                a.start.to_zoned(a.days.clone()).date(),
                a.end.to_zoned(a.days.clone()).date(),
            ]
        });
        let readings = self
            .readings
            .values()
            .flatten()
            .map(|r| r.at.to_zoned(r.days.clone()).date());
        let days = self.day_values.values().flat_map(|d| d.keys().copied());
        let workouts = self.workouts.iter().filter_map(|w| w.date);
        let all: Vec<Date> = amounts.chain(readings).chain(days).chain(workouts).collect();
        (*all.iter().min().unwrap(), *all.iter().max().unwrap())
    }
}

/// The fixtures give each metric one source whose intervals never overlap, so that what a day or an hour
/// receives is simply the sum of shares, whatever rule a merge applies inside one source.
fn assert_disjoint(metric: &str, amounts: &[Amount]) {
    let mut spans: Vec<(Timestamp, Timestamp)> = amounts.iter().map(|a| (a.start, a.end)).collect();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "fixture: {metric} intervals overlap: {pair:?}"
        );
    }
}

fn seconds(from: Timestamp, to: Timestamp) -> f64 {
    to.duration_since(from).as_secs_f64()
}

/// `[start, end)` of a local day.
fn day_bounds(date: Date, days: &TimeZone) -> (Timestamp, Timestamp) {
    let start = date.to_zoned(days.clone()).unwrap().timestamp();
    let end = date
        .tomorrow()
        .unwrap()
        .to_zoned(days.clone())
        .unwrap()
        .timestamp();
    (start, end)
}

fn hour_key(hour: i64) -> String {
    Timestamp::from_second(hour * 3600).unwrap().to_string()
}

/// Amounts per local day.
fn amounts_by_day(amounts: &[Amount]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for a in amounts {
        let mut date = a.start.to_zoned(a.days.clone()).date();
        let last = a.end.to_zoned(a.days.clone()).date();
        while date <= last {
            let (from, to) = day_bounds(date, &a.days);
            let share = a.share(from, to);
            if share > 0.0 {
                *out.entry(date.to_string()).or_insert(0.0) += share;
            }
            date = date.tomorrow().unwrap();
        }
    }
    out
}

/// Amounts per UTC hour.
fn amounts_by_hour(amounts: &[Amount]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for a in amounts {
        let first = a.start.as_second().div_euclid(3600);
        let last = (a.end.as_second() - 1).max(a.start.as_second()).div_euclid(3600);
        for hour in first..=last {
            let from = Timestamp::from_second(hour * 3600).unwrap();
            let share = a.share(from, from + SignedDuration::from_hours(1));
            if share > 0.0 {
                *out.entry(hour_key(hour)).or_insert(0.0) += share;
            }
        }
    }
    out
}

/// Count, minimum, maximum and sum of readings.
#[derive(Debug, Clone, Copy)]
struct Stats {
    count: i64,
    min: f64,
    max: f64,
    sum: f64,
}

impl Stats {
    fn add(entry: Option<Stats>, v: f64) -> Stats {
        match entry {
            None => Stats {
                count: 1,
                min: v,
                max: v,
                sum: v,
            },
            Some(s) => Stats {
                count: s.count + 1,
                min: s.min.min(v),
                max: s.max.max(v),
                sum: s.sum + v,
            },
        }
    }

    fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }
}

fn readings_by(readings: &[Reading], key: impl Fn(&Reading) -> String) -> BTreeMap<String, Stats> {
    let mut out: BTreeMap<String, Stats> = BTreeMap::new();
    for r in readings {
        let k = key(r);
        let s = Stats::add(out.get(&k).copied(), r.value);
        out.insert(k, s);
    }
    out
}

fn readings_by_day(readings: &[Reading]) -> BTreeMap<String, Stats> {
    readings_by(readings, |r| r.at.to_zoned(r.days.clone()).date().to_string())
}

fn readings_by_hour(readings: &[Reading]) -> BTreeMap<String, Stats> {
    readings_by(readings, |r| hour_key(r.at.as_second().div_euclid(3600)))
}

// ----- Reading fixtures the plain way -------------------------------------------------------------------

fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

fn fixture(relative: &str) -> Vec<u8> {
    std::fs::read(fixture_path(relative)).unwrap_or_else(|e| panic!("fixture {relative}: {e}"))
}

fn fixture_text(relative: &str) -> String {
    String::from_utf8(fixture(relative)).unwrap()
}

/// The files under a fixture folder, as (path relative to it with `/`, bytes), sorted.
fn folder_files(relative: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let root = fixture_path(relative);
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// A ZIP of `entries`, in order.
fn zip_of(entries: &[(String, Vec<u8>)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}

/// A fixture folder zipped as an export would be: its files under their relative paths.
fn zipped_folder(relative: &str, method: zip::CompressionMethod) -> Vec<u8> {
    zip_of(&folder_files(relative), method)
}

/// Start tags of `element` as attribute maps, values unescaped. Health exports escape `<`, `>` and `&`
/// inside attribute values, so a start tag ends at the first `>`. Attribute names may hold spaces (iOS 8
/// wrote metadata keys as attributes), so a name is whatever precedes `="`.
fn start_tags(xml: &str, element: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{element} ");
    xml.split(open.as_str())
        .skip(1)
        .map(|rest| {
            let mut tag = &rest[..rest.find('>').unwrap()];
            let mut attributes = BTreeMap::new();
            while let Some(eq) = tag.find("=\"") {
                let name = tag[..eq].trim().to_owned();
                let value_start = eq + 2;
                let len = tag[value_start..].find('"').unwrap();
                let value = tag[value_start..value_start + len]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&");
                attributes.insert(name, value);
                tag = &tag[value_start + len + 1..];
            }
            attributes
        })
        .collect()
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
fn texts<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(open.as_str())
        .skip(1)
        .map(|rest| rest[..rest.find(close.as_str()).unwrap()].trim())
        .collect()
}

fn number(text: &str) -> f64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

// ----- Apple Health -------------------------------------------------------------------------------------

/// `2025-03-30 09:00:00 +0200`, or iOS 8's compact `20150308090000-0400`.
fn apple_date(text: &str) -> Timestamp {
    Timestamp::strptime("%Y-%m-%d %H:%M:%S %z", text)
        .or_else(|_| Timestamp::strptime("%Y%m%d%H%M%S%z", text))
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// An export's records and workouts. Records name no zone of their own (no `HKTimeZone`), so the user's
/// zone places their days. iOS 8 wrote discrete quantities as `average`/`minimum`/`maximum` without a
/// `value`; such a record is one reading, its average, at its start.
fn apple_truth(xml: &str, zone: &TimeZone) -> Truth {
    assert!(!xml.contains("HKTimeZone"), "the fixtures observe no offsets");
    let mut truth = Truth::default();
    for r in start_tags(xml, "Record") {
        let (start, end) = (apple_date(&r["startDate"]), apple_date(&r["endDate"]));
        let unit = r["unit"].as_str();
        let value = number(r.get("value").or_else(|| r.get("average")).unwrap());
        truth.samples += 1;
        match r["type"].trim_start_matches("HKQuantityTypeIdentifier") {
            "StepCount" => {
                assert_eq!(unit, "count");
                truth.amount("steps", start, end, value, zone);
            }
            "DistanceWalkingRunning" => {
                let metres = match unit {
                    "km" => value * 1000.0,
                    "m" => value,
                    other => panic!("distance in {other}"),
                };
                truth.amount("distance", start, end, metres, zone);
            }
            "ActiveEnergyBurned" => {
                let kcal = match unit {
                    "kcal" | "Cal" => value,
                    "kJ" => value / 4.184,
                    other => panic!("energy in {other}"),
                };
                truth.amount("active_energy", start, end, kcal, zone);
            }
            "HeartRate" => {
                let bpm = match unit {
                    "count/min" => value,
                    "count/s" => value * 60.0,
                    other => panic!("heart rate in {other}"),
                };
                truth.reading("heart_rate", start, bpm, zone);
            }
            "BloodGlucose" => {
                // HealthKit names the molar mass of glucose in the unit; the value is mmol/L.
                assert_eq!(unit, "mmol<180.1558800000541>/L");
                truth.reading("blood_glucose", start, value, zone);
            }
            other => panic!("the test does not know {other}"),
        }
    }
    for w in start_tags(xml, "Workout") {
        let (start, end) = (apple_date(&w["startDate"]), apple_date(&w["endDate"]));
        let distance = w
            .get("totalDistance")
            .map(|d| match w["totalDistanceUnit"].as_str() {
                "km" => number(d) * 1000.0,
                "m" => number(d),
                other => panic!("distance in {other}"),
            });
        truth.workouts.push(Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance,
            energy: w.get("totalEnergyBurned").map(|e| {
                assert_eq!(w["totalEnergyBurnedUnit"], "kcal");
                number(e)
            }),
            ..Workout::default()
        });
    }
    for (metric, amounts) in &truth.amounts {
        assert_disjoint(metric, amounts);
    }
    truth
}

// ----- Fitbit -------------------------------------------------------------------------------------------

/// `03/09/25 04:58:00`: Fitbit's intraday series and exercise start times are UTC wall-clock times.
fn fitbit_utc(text: &str) -> Timestamp {
    let civil = jiff::civil::DateTime::strptime("%m/%d/%y %H:%M:%S", text).unwrap();
    civil.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// A Takeout folder's Fitbit entries: one-minute steps and distance (centimetres) from each `dateTime`,
/// heart-rate readings, resting heart rate per local day, and exercise logs.
fn fitbit_truth(folder: &str, zone: &TimeZone) -> Truth {
    let mut truth = Truth::default();
    for (name, bytes) in folder_files(folder) {
        let file = name.rsplit('/').next().unwrap();
        let items: Value = serde_json::from_slice(&bytes).unwrap();
        let items = items.as_array().unwrap();
        let kind = file.split('-').next().unwrap();
        for item in items {
            match kind {
                "steps" | "distance" => {
                    let value = number(item["value"].as_str().unwrap());
                    if value == 0.0 {
                        continue;
                    }
                    let start = fitbit_utc(item["dateTime"].as_str().unwrap());
                    let end = start + SignedDuration::from_mins(1);
                    let (metric, value) = if kind == "steps" {
                        ("steps", value)
                    } else {
                        ("distance", value / 100.0)
                    };
                    truth.samples += 1;
                    truth.amount(metric, start, end, value, zone);
                }
                "heart_rate" => {
                    let at = fitbit_utc(item["dateTime"].as_str().unwrap());
                    truth.samples += 1;
                    truth.reading("heart_rate", at, item["value"]["bpm"].as_f64().unwrap(), zone);
                }
                "resting_heart_rate" => {
                    let Some(date) = item["value"]["date"].as_str() else {
                        continue;
                    };
                    let date = Date::strptime("%m/%d/%y", date).unwrap();
                    truth.samples += 1;
                    truth
                        .day_values
                        .entry("resting_heart_rate")
                        .or_default()
                        .insert(date, item["value"]["value"].as_f64().unwrap());
                }
                "exercise" => {
                    let start = fitbit_utc(item["startTime"].as_str().unwrap());
                    assert_eq!(item["distanceUnit"], "Kilometer");
                    truth.workouts.push(Workout {
                        start,
                        date: Some(start.to_zoned(zone.clone()).date()),
                        duration: item["duration"].as_f64().unwrap() / 1000.0,
                        distance: item["distance"].as_f64().map(|km| km * 1000.0),
                        energy: item["calories"].as_f64(),
                        moving_time: item["activeDuration"].as_f64().map(|ms| ms / 1000.0),
                        avg_heart_rate: item["averageHeartRate"].as_f64(),
                        ..Workout::default()
                    });
                }
                other => panic!("the test does not know {other}"),
            }
        }
    }
    for (metric, amounts) in &truth.amounts {
        assert_disjoint(metric, amounts);
    }
    truth
}

// ----- Google Fit ---------------------------------------------------------------------------------------

/// Rows of a CSV without quoted cells, as header → cell maps.
fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            header
                .iter()
                .zip(line.split(','))
                .map(|(h, c)| ((*h).to_owned(), c.trim().to_owned()))
                .collect()
        })
        .collect()
}

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
fn google_fit_truth(folder: &str, zone: &TimeZone) -> Truth {
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

// ----- GPX and TCX --------------------------------------------------------------------------------------

/// Mean Earth radius (IUGG); track distances are great-circle distances on this sphere.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

fn great_circle(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = (p2 - p1, (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// One track of one segment: from its first to its last point, its length along the points, heart rate
/// averaged over the points.
fn gpx_truth(xml: &str, zone: &TimeZone) -> Truth {
    let points: Vec<((f64, f64), Timestamp, f64)> = xml
        .split("<trkpt ")
        .skip(1)
        .map(|p| {
            let tag = &start_tags(&format!("<trkpt {p}"), "trkpt")[0];
            let position = (number(&tag["lat"]), number(&tag["lon"]));
            let time = texts(p, "time")[0].parse::<Timestamp>().unwrap();
            (position, time, number(texts(p, "ns3:hr")[0]))
        })
        .collect();
    let (start, end) = (points[0].1, points[points.len() - 1].1);
    let distance = points.windows(2).map(|w| great_circle(w[0].0, w[1].0)).sum();
    let heart: Vec<f64> = points.iter().map(|p| p.2).collect();
    Truth {
        workouts: vec![Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance: Some(distance),
            avg_heart_rate: Some(mean(&heart)),
            max_heart_rate: heart.iter().copied().reduce(f64::max),
            ..Workout::default()
        }],
        ..Truth::default()
    }
}

/// One activity: it starts at its `Id` and ends with its last lap; totals are the laps' (heart rate
/// weighted by lap time).
fn tcx_truth(xml: &str, zone: &TimeZone) -> Truth {
    let start = texts(xml, "Id")[0].parse::<Timestamp>().unwrap();
    let mut laps = Vec::new();
    for lap in xml.split("<Lap ").skip(1) {
        let header = &lap[..lap.find("<Track>").unwrap()];
        let tag = &start_tags(&format!("<Lap {lap}"), "Lap")[0];
        let lap_start = tag["StartTime"].parse::<Timestamp>().unwrap();
        let value = |tag: &str| number(texts(header, tag)[0]);
        let heart = |tag: &str| number(texts(texts(header, tag)[0], "Value")[0]);
        laps.push((
            lap_start,
            value("TotalTimeSeconds"),
            value("DistanceMeters"),
            value("Calories"),
            heart("AverageHeartRateBpm"),
            heart("MaximumHeartRateBpm"),
        ));
    }
    let end = laps
        .iter()
        .map(|l| l.0 + SignedDuration::from_secs_f64(l.1))
        .max()
        .unwrap();
    let time: f64 = laps.iter().map(|l| l.1).sum();
    Truth {
        workouts: vec![Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance: Some(laps.iter().map(|l| l.2).sum()),
            energy: Some(laps.iter().map(|l| l.3).sum()),
            avg_heart_rate: Some(laps.iter().map(|l| l.4 * l.1).sum::<f64>() / time),
            max_heart_rate: laps.iter().map(|l| l.5).reduce(f64::max),
            ..Workout::default()
        }],
        ..Truth::default()
    }
}

// ----- FIT ----------------------------------------------------------------------------------------------

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
fn fit_activity_truth(bytes: &[u8]) -> Truth {
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
fn fit_monitoring_truth(bytes: &[u8]) -> Truth {
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
struct Person {
    female: bool,
    birth_year: i64,
    height_cm: f64,
}

/// A scale shared by several people: one `user_profile` each (`message_index`, gender 0 female / 1 male,
/// age in years when the file was written, height in cm), and `weight_scale` readings tagged with the
/// profile's index. Only the account owner's readings are theirs: the profile of the same sex, born
/// within a year of `file year − age`, within 3 cm of their height. Readings have no observed offset.
fn fit_weight_truth(bytes: &[u8], owner: &Person, zone: &TimeZone) -> Truth {
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

// ----- Driving the application --------------------------------------------------------------------------

/// A user with the profile `me` (a `PATCH /me` body with at least `time_zone`), whose zone holds for all
/// time. The zone is given at registration because a later change (`PATCH /me`) only applies from the
/// moment it is made, and the fixtures are from the past; the PATCH that follows states the same zone
/// again, as a client would, and must change nothing.
async fn resident(app: &TestApp, me: &Value) -> Tokens {
    let zone = me["time_zone"].as_str().unwrap();
    let body =
        json!({"username": "ana", "email": "ana@example.org", "password": PASSWORD, "time_zone": zone});
    assert_eq!(app.post("/api/v1/auth/register", None, body).await.status(), 201);
    let t = tokens(app.login("ana", PASSWORD, None).await).await;
    let res = app.patch("/api/v1/me", Some(&t.access), me.clone()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["time_zone"], zone);
    t
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// The ranges the figures are read over: local days from the day before the first with data to the day
/// after the last, and instants a day wider still (UTC midnights), which hold every hour of those days
/// in any zone. The empty days around the data are checked too: nothing may leak into them.
#[derive(Debug, Clone, Copy)]
struct Window {
    first: Date,
    last: Date,
    from: Timestamp,
    to: Timestamp,
}

impl Window {
    fn around(truth: &Truth) -> Self {
        let (first, last) = truth.span();
        let (first, last) = (first.yesterday().unwrap(), last.tomorrow().unwrap());
        let utc = |d: Date| d.to_zoned(TimeZone::UTC).unwrap().timestamp();
        Window {
            first,
            last,
            from: utc(first.yesterday().unwrap()),
            to: utc(last.tomorrow().unwrap().tomorrow().unwrap()),
        }
    }
}

async fn daily(app: &TestApp, token: &str, w: Window) -> Vec<Value> {
    let path = format!("/api/v1/summaries/daily?from={}&to={}", w.first, w.last);
    serde_json::from_value(get_json(app, token, &path).await).unwrap()
}

/// Buckets of the merged series, keyed by hour start (`hour`) or local date (`day`).
async fn buckets(
    app: &TestApp,
    token: &str,
    metric: &str,
    resolution: &str,
    w: Window,
) -> BTreeMap<String, Value> {
    let path = format!(
        "/api/v1/samples?metric={metric}&resolution={resolution}&from={}&to={}",
        w.from, w.to
    );
    let list = get_json(app, token, &path).await;
    let key = if resolution == "day" { "date" } else { "start" };
    list["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b[key].as_str().unwrap().to_owned(), b.clone()))
        .collect()
}

/// What the API serves for a fixture: daily summaries, and day and hour series of every metric in it.
async fn snapshot(app: &TestApp, token: &str, truth: &Truth, w: Window) -> Value {
    let mut series = serde_json::Map::new();
    for metric in truth.amounts.keys().chain(truth.readings.keys()) {
        for resolution in ["hour", "day"] {
            let b = buckets(app, token, metric, resolution, w).await;
            series.insert(format!("{metric}/{resolution}"), json!(b));
        }
    }
    json!({"daily": daily(app, token, w).await, "series": series})
}

// ----- Comparing ----------------------------------------------------------------------------------------

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-6 * want.abs().max(1.0)
}

/// Differences between the API and the file, collected so that one run lists them all.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn number(&mut self, what: impl std::fmt::Display, got: Option<f64>, want: Option<f64>) {
        let same = match (got, want) {
            (Some(g), Some(w)) => close(g, w),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let show = |v: Option<f64>| v.map_or("nothing".to_owned(), |v| format!("{v}"));
            self.0.push(format!(
                "{what}: served {}, the file says {}",
                show(got),
                show(want)
            ));
        }
    }

    fn finish(self, fixture: &str) {
        assert!(
            self.0.is_empty(),
            "{fixture}: {} figures differ from the file:\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

/// The daily summary's field for a cumulative metric, where it has one (readings other than heart rate
/// have none: their days are checked in the day series).
fn summary_field(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "steps" => "steps",
        "distance" => "distance",
        "active_energy" => "active_energy",
        _ => return None,
    })
}

/// Which figure of a day's readings a summary field shows.
type Figure = fn(&Stats) -> f64;

/// The daily summary's fields for readings of a metric, with the figure each shows.
fn reading_summary_fields(metric: &str) -> Vec<(&'static str, Figure)> {
    match metric {
        "heart_rate" => vec![
            ("heart_rate_avg", Stats::mean),
            ("heart_rate_min", |s| s.min),
            ("heart_rate_max", |s| s.max),
        ],
        "body_mass" => vec![("body_mass", Stats::mean)],
        _ => Vec::new(),
    }
}

/// Every figure the fixture determines, compared with what the API serves.
async fn check_figures(app: &TestApp, token: &str, truth: &Truth, w: Window, m: &mut Mismatches) {
    let days = daily(app, token, w).await;
    let day = |d: &Value| d["date"].as_str().unwrap().to_owned();
    let served = |d: &Value, field: &str| d.get(field).and_then(Value::as_f64);
    for (metric, amounts) in &truth.amounts {
        let want = amounts_by_day(amounts);
        if let Some(field) = summary_field(metric) {
            for d in &days {
                let date = day(d);
                m.number(
                    format!("daily {date} {field}"),
                    served(d, field),
                    want.get(&date).copied(),
                );
            }
        }
        for (resolution, want) in [("day", want), ("hour", amounts_by_hour(amounts))] {
            let got = buckets(app, token, metric, resolution, w).await;
            let keys: std::collections::BTreeSet<&String> = got.keys().chain(want.keys()).collect();
            for k in keys {
                m.number(
                    format!("{metric} {resolution} {k}"),
                    got.get(k).and_then(|b| b["value"].as_f64()),
                    want.get(k).copied(),
                );
            }
        }
    }
    for (metric, readings) in &truth.readings {
        let want = readings_by_day(readings);
        for (field, figure) in reading_summary_fields(metric) {
            for d in &days {
                let date = day(d);
                m.number(
                    format!("daily {date} {field}"),
                    served(d, field),
                    want.get(&date).map(figure),
                );
            }
        }
        for (resolution, want) in [("day", want), ("hour", readings_by_hour(readings))] {
            let got = buckets(app, token, metric, resolution, w).await;
            let keys: std::collections::BTreeSet<&String> = got.keys().chain(want.keys()).collect();
            for k in keys {
                let (b, s) = (got.get(k), want.get(k));
                let what = format!("{metric} {resolution} {k}");
                let field = |name: &str| b.and_then(|b| b[name].as_f64());
                m.number(format!("{what} count"), field("count"), s.map(|s| s.count as f64));
                m.number(format!("{what} mean"), field("value"), s.map(Stats::mean));
                m.number(format!("{what} min"), field("min"), s.map(|s| s.min));
                m.number(format!("{what} max"), field("max"), s.map(|s| s.max));
            }
        }
    }
    for (metric, values) in &truth.day_values {
        for d in &days {
            let date = day(d);
            let want = values.get(&date.parse::<Date>().unwrap()).copied();
            m.number(format!("daily {date} {metric}"), served(d, metric), want);
        }
    }
    // Workouts: the daily figures of the day each starts, and each activity's own fields.
    let mut per_day: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    for wk in &truth.workouts {
        let e = per_day.entry(wk.date.unwrap().to_string()).or_default();
        *e = (e.0 + 1.0, e.1 + wk.duration, e.2 + wk.distance.unwrap_or(0.0));
    }
    for d in &days {
        let date = day(d);
        let want = per_day.get(&date);
        m.number(
            format!("daily {date} workout_count"),
            served(d, "workout_count"),
            want.map(|w| w.0),
        );
        m.number(
            format!("daily {date} workout_duration"),
            served(d, "workout_duration"),
            want.map(|w| w.1),
        );
        m.number(
            format!("daily {date} workout_distance"),
            served(d, "workout_distance"),
            want.map(|w| w.2),
        );
    }
    let list = get_json(app, token, "/api/v1/activities?limit=100&sort=start").await;
    let mut activities: Vec<Value> = list["items"].as_array().unwrap().clone();
    activities.sort_by_key(|a| a["start"].as_str().unwrap().parse::<Timestamp>().unwrap());
    let mut workouts = truth.workouts.clone();
    workouts.sort_by_key(|w| w.start);
    m.number(
        "activities",
        Some(activities.len() as f64),
        Some(workouts.len() as f64),
    );
    for (a, wk) in activities.iter().zip(&workouts) {
        let what = format!("activity {}", wk.start);
        let start = a["start"].as_str().unwrap().parse::<Timestamp>().unwrap();
        m.number(
            format!("{what} start (seconds from the file's)"),
            Some(seconds(wk.start, start)),
            Some(0.0),
        );
        let field = |name: &str| a.get(name).and_then(Value::as_f64);
        m.number(format!("{what} duration"), field("duration"), Some(wk.duration));
        for (name, want) in [
            ("distance", wk.distance),
            ("energy", wk.energy),
            ("moving_time", wk.moving_time),
            ("avg_heart_rate", wk.avg_heart_rate),
            ("max_heart_rate", wk.max_heart_rate),
        ] {
            if want.is_some() {
                m.number(format!("{what} {name}"), field(name), want);
            }
        }
    }
}

/// Records an import read: stored, already there, or kept raw.
fn records_of(import: &Value) -> i64 {
    let raw: i64 = import["report"]["raw"]
        .as_object()
        .map_or(0, |r| r.values().filter_map(Value::as_i64).sum());
    ["imported", "activities", "duplicates"]
        .iter()
        .map(|k| import[k].as_i64().unwrap())
        .sum::<i64>()
        + raw
}

/// The whole conformance run for one fixture: import `file`, compare every figure with `truth`, then
/// upload the same bytes again (the earlier import answers) and `copy`, other bytes holding the same
/// records (it must add nothing), and check the figures did not move.
async fn conform(fixture: &str, me: Value, truth: &Truth, file: (&str, Vec<u8>), copy: (&str, Vec<u8>)) {
    let app = spawn_app().await;
    let ana = resident(&app, &me).await;
    let token = ana.access.as_str();
    let mut m = Mismatches::default();
    let first = import(&app, token, file.0, file.1.clone()).await;
    m.number(
        "samples imported",
        first["imported"].as_f64(),
        Some(truth.samples as f64),
    );
    m.number(
        "activities imported",
        first["activities"].as_f64(),
        Some(truth.workouts.len() as f64),
    );
    let w = Window::around(truth);
    check_figures(&app, token, truth, w, &mut m).await;
    let before = snapshot(&app, token, truth, w).await;

    let again = upload(&app, token, file.0, file.1).await;
    assert_eq!(again.status(), 200, "the same bytes are recognised");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let second = import(&app, token, copy.0, copy.1).await;
    m.number(
        "re-import: samples imported",
        second["imported"].as_f64(),
        Some(0.0),
    );
    m.number(
        "re-import: activities imported",
        second["activities"].as_f64(),
        Some(0.0),
    );
    m.number(
        "re-import: duplicates",
        second["duplicates"].as_f64(),
        Some(records_of(&first) as f64),
    );
    let after = snapshot(&app, token, truth, w).await;
    if before != after {
        m.0.push(format!(
            "re-import changed the figures:\n    before {before}\n    after  {after}"
        ));
    }
    m.finish(fixture);
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// The same file inside a ZIP: other bytes, the same records.
fn wrapped(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    zip_of(&[(name.to_owned(), bytes)], zip::CompressionMethod::Deflated)
}

// ----- One test per fixture -----------------------------------------------------------------------------

/// Berlin: a step interval from 23:00 CET to 03:30 CEST crosses local midnight and the spring-forward
/// change (3.5 real hours, not 4.5 wall-clock ones); back-to-back records of one source; glucose in
/// HealthKit's `mmol<180.15…>/L`; a workout whose route file is its stream, not a second activity.
#[tokio::test]
async fn apple_health_export_zip_figures_match_the_file() {
    let tz = zone("Europe/Berlin");
    let truth = apple_truth(
        &fixture_text("apple_health_zip/apple_health_export/export.xml"),
        &tz,
    );
    conform(
        "apple_health_zip",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        (
            "export.zip",
            zipped_folder("apple_health_zip", zip::CompressionMethod::Deflated),
        ),
        (
            "export-copy.zip",
            zipped_folder("apple_health_zip", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// New York, iOS 8 layout (compact dates, `source=`): heart rate as `average`/`minimum`/`maximum` in
/// count/s without a `value`, one reading of average × 60 at the record's start; steps across midnight
/// and across the 2015 spring-forward change; a workout.
#[tokio::test]
async fn apple_health_bare_ios8_export_figures_match_the_file() {
    let tz = zone("America/New_York");
    let xml = fixture("apple_health_ios8/export.xml");
    let truth = apple_truth(&String::from_utf8(xml.clone()).unwrap(), &tz);
    conform(
        "apple_health_ios8",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("export.xml", xml.clone()),
        ("export.zip", wrapped("apple_health_export/export.xml", xml)),
    )
    .await;
}

/// An activity recorded in Berlin (+02:00 observed) by a user whose zone is New York: it counts for the
/// Berlin day it starts, 26 October, not New York's or UTC's 25th. The session is written when the run
/// is saved, 45 s after the timer stopped: the workout lasts its `total_elapsed_time`, not until then.
#[tokio::test]
async fn fit_activity_figures_match_the_file() {
    let bytes = fixture("fit/run_2025-10-26.fit");
    let truth = fit_activity_truth(&bytes);
    conform(
        "fit/run_2025-10-26.fit",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("run.fit", bytes.clone()),
        ("run.zip", wrapped("run.fit", bytes)),
    )
    .await;
}

/// A day of monitoring in Berlin on the autumn DST change: cumulative step counters per activity type
/// become intervals between readings (one across the change), heart rate readings every few hours.
#[tokio::test]
async fn fit_monitoring_figures_match_the_file() {
    let bytes = fixture("fit/monitoring_2025-10-26.fit");
    let truth = fit_monitoring_truth(&bytes);
    conform(
        "fit/monitoring_2025-10-26.fit",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        ("monitoring.fit", bytes.clone()),
        ("monitoring.zip", wrapped("monitoring.fit", bytes)),
    )
    .await;
}

/// A scale shared by two people, imported by one of them (female, born 1991, 168 cm): only her weighings
/// count, the other profile's are someone else's. One weighing at 00:20 local on 16 February (UTC: the
/// 15th).
#[tokio::test]
async fn fit_shared_weight_scale_figures_are_the_account_owners() {
    let bytes = fixture("fit/weight_scale_2025-02-15.fit");
    let ana = Person {
        female: true,
        birth_year: 1991,
        height_cm: 168.0,
    };
    let truth = fit_weight_truth(&bytes, &ana, &zone("Europe/Berlin"));
    conform(
        "fit/weight_scale_2025-02-15.fit",
        json!({"time_zone": "Europe/Berlin", "sex": "female", "birth_year": ana.birth_year, "height_cm": ana.height_cm}),
        &truth,
        ("scale.fit", bytes.clone()),
        ("scale.zip", wrapped("scale.fit", bytes)),
    )
    .await;
}

/// A night run in Berlin from 23:30 UTC on 29 March: 00:30 local on the 30th, across the DST change.
#[tokio::test]
async fn gpx_track_figures_match_the_file() {
    let bytes = fixture("gpx/night_run_2025-03-30.gpx");
    let truth = gpx_truth(&String::from_utf8(bytes.clone()).unwrap(), &zone("Europe/Berlin"));
    conform(
        "gpx/night_run_2025-03-30.gpx",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        ("run.gpx", bytes.clone()),
        ("run.zip", wrapped("run.gpx", bytes)),
    )
    .await;
}

/// A two-lap night ride in New York starting 23:30 local on 1 November (UTC: the 2nd), over the DST
/// change.
#[tokio::test]
async fn tcx_activity_figures_match_the_file() {
    let bytes = fixture("tcx/night_ride_2025-11-02.tcx");
    let truth = tcx_truth(
        &String::from_utf8(bytes.clone()).unwrap(),
        &zone("America/New_York"),
    );
    conform(
        "tcx/night_ride_2025-11-02.tcx",
        json!({"time_zone": "America/New_York"}),
        &truth,
        ("ride.tcx", bytes.clone()),
        ("ride.zip", wrapped("ride.tcx", bytes)),
    )
    .await;
}

/// New York on the 2025 spring-forward day: UTC minutes of steps, distance and heart rate around local
/// midnight and the change, resting heart rate per local day, an exercise log across the change.
#[tokio::test]
async fn fitbit_takeout_figures_match_the_file() {
    let truth = fitbit_truth("fitbit_takeout", &zone("America/New_York"));
    conform(
        "fitbit_takeout",
        json!({"time_zone": "America/New_York"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("fitbit_takeout", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("fitbit_takeout", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// Berlin in January: steps as data points, quarter-hour rows and day rows. Days equal the points
/// (minutes between points stay empty); on 11 January one quarter-hour row holds 100 steps more than the
/// points inside it, and those count, in that quarter hour. Heart-rate points; a session with its TCX.
#[tokio::test]
async fn google_fit_takeout_figures_match_the_file() {
    let truth = google_fit_truth("google_fit_takeout", &zone("Europe/Berlin"));
    conform(
        "google_fit_takeout",
        json!({"time_zone": "Europe/Berlin"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("google_fit_takeout", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("google_fit_takeout", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}

/// Day rows only, back to back from one source, for a user in UTC: 100 steps on 10 January and 900 on
/// the 11th stay 100 and 900 (100/24 and 900/24 an hour), not flattened into one 48-hour interval.
#[tokio::test]
async fn google_fit_day_rows_back_to_back_keep_their_own_days() {
    let truth = google_fit_truth("google_fit_daily_only", &TimeZone::UTC);
    conform(
        "google_fit_daily_only",
        json!({"time_zone": "UTC"}),
        &truth,
        (
            "takeout.zip",
            zipped_folder("google_fit_daily_only", zip::CompressionMethod::Deflated),
        ),
        (
            "takeout-copy.zip",
            zipped_folder("google_fit_daily_only", zip::CompressionMethod::Stored),
        ),
    )
    .await;
}
