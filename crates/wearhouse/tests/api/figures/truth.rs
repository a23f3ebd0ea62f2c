//! What a file says, in the terms figures are made of: amounts spread over intervals, readings at
//! instants, workouts, and a fixture's [`Truth`] holding them; and the expected figures grouped by local
//! day and UTC hour. Knows no file format and no API.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// `value` spread evenly over `[start, end)`. `days` places local midnights: the user's zone, or a fixed
/// offset when the file observed one.
#[derive(Debug, Clone)]
pub(super) struct Amount {
    pub(super) start: Timestamp,
    pub(super) end: Timestamp,
    pub(super) value: f64,
    pub(super) days: TimeZone,
}

impl Amount {
    /// The share of the value that falls in `[from, to)`, proportional to the overlap.
    pub(super) fn share(&self, from: Timestamp, to: Timestamp) -> f64 {
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
pub(super) struct Reading {
    at: Timestamp,
    value: f64,
    days: TimeZone,
}

/// A workout as the file states it; `None` where the file says nothing.
#[derive(Debug, Clone, Default)]
pub(super) struct Workout {
    pub(super) start: Timestamp,
    /// The local day it counts for: the day it starts.
    pub(super) date: Option<Date>,
    /// Elapsed seconds.
    pub(super) duration: f64,
    pub(super) distance: Option<f64>,
    pub(super) energy: Option<f64>,
    pub(super) moving_time: Option<f64>,
    pub(super) avg_heart_rate: Option<f64>,
    pub(super) max_heart_rate: Option<f64>,
}

/// Everything a fixture holds that figures are made of.
#[derive(Debug, Default)]
pub(super) struct Truth {
    /// Cumulative metrics by API name.
    pub(super) amounts: BTreeMap<&'static str, Vec<Amount>>,
    /// Instantaneous metrics by API name.
    pub(super) readings: BTreeMap<&'static str, Vec<Reading>>,
    /// Values that belong to a local day as a whole (Fitbit's resting heart rate): checked in the daily
    /// summary only, since no hour owns them.
    pub(super) day_values: BTreeMap<&'static str, BTreeMap<Date, f64>>,
    pub(super) workouts: Vec<Workout>,
    /// Samples the file holds, as stored one by one (before any merging).
    pub(super) samples: usize,
}

impl Truth {
    pub(super) fn amount(
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

    pub(super) fn reading(&mut self, metric: &'static str, at: Timestamp, value: f64, days: &TimeZone) {
        self.readings.entry(metric).or_default().push(Reading {
            at,
            value,
            days: days.clone(),
        });
    }

    /// The first and last local day with anything on it.
    pub(super) fn span(&self) -> (Date, Date) {
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
pub(super) fn assert_disjoint(metric: &str, amounts: &[Amount]) {
    let mut spans: Vec<(Timestamp, Timestamp)> = amounts.iter().map(|a| (a.start, a.end)).collect();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "fixture: {metric} intervals overlap: {pair:?}"
        );
    }
}

pub(super) fn seconds(from: Timestamp, to: Timestamp) -> f64 {
    to.duration_since(from).as_secs_f64()
}

/// `[start, end)` of a local day.
pub(super) fn day_bounds(date: Date, days: &TimeZone) -> (Timestamp, Timestamp) {
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
pub(super) fn amounts_by_day(amounts: &[Amount]) -> BTreeMap<String, f64> {
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
pub(super) fn amounts_by_hour(amounts: &[Amount]) -> BTreeMap<String, f64> {
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
pub(super) struct Stats {
    pub(super) count: i64,
    pub(super) min: f64,
    pub(super) max: f64,
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

    pub(super) fn mean(&self) -> f64 {
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

pub(super) fn readings_by_day(readings: &[Reading]) -> BTreeMap<String, Stats> {
    readings_by(readings, |r| r.at.to_zoned(r.days.clone()).date().to_string())
}

pub(super) fn readings_by_hour(readings: &[Reading]) -> BTreeMap<String, Stats> {
    readings_by(readings, |r| hour_key(r.at.as_second().div_euclid(3600)))
}
