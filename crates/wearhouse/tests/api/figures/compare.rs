//! Every figure a fixture determines compared with what the API serves, differences collected as
//! [`Mismatches`] so that one run lists them all.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::Timestamp;
use serde_json::Value;

use super::served::{buckets, daily, Window};
use super::truth::{
    amounts_by_day, amounts_by_hour, readings_by_day, readings_by_hour, seconds, Stats, Truth,
};
use crate::harness::get_json;
use crate::harness::TestApp;

pub(super) fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-6 * want.abs().max(1.0)
}

/// Differences between the API and the file, collected so that one run lists them all.
#[derive(Default)]
pub(super) struct Mismatches(pub(super) Vec<String>);

impl Mismatches {
    pub(super) fn number(&mut self, what: impl std::fmt::Display, got: Option<f64>, want: Option<f64>) {
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

    /// A daily summary's figure: the file's value rounded to the figure's `decimals`, as the API
    /// documents (half a unit either way, and no further digits).
    pub(super) fn rounded(
        &mut self,
        what: impl std::fmt::Display,
        got: Option<f64>,
        want: Option<f64>,
        decimals: i32,
    ) {
        let unit = 10f64.powi(-decimals);
        let same = match (got, want) {
            (Some(g), Some(w)) => {
                let on_grid = ((g / unit).round() * unit - g).abs() <= 1e-9 * g.abs().max(1.0);
                on_grid && (g - w).abs() <= unit / 2.0 + 1e-6 * w.abs().max(1.0)
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            let show = |v: Option<f64>| v.map_or("nothing".to_owned(), |v| format!("{v}"));
            self.0.push(format!(
                "{what}: served {}, the file says {} (to {decimals} decimals)",
                show(got),
                show(want)
            ));
        }
    }

    pub(super) fn finish(self, fixture: &str) {
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

/// Decimals the daily summaries serve a field with (see `FigureColumns` in the API document).
fn decimals(field: &str) -> i32 {
    match field {
        "steps" | "workout_count" | "workout_duration" => 0,
        "body_mass" => 2,
        _ => 1,
    }
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
pub(super) async fn check_figures(app: &TestApp, token: &str, truth: &Truth, w: Window, m: &mut Mismatches) {
    let days = daily(app, token, w).await;
    let day = |d: &Value| d["date"].as_str().unwrap().to_owned();
    let served = |d: &Value, field: &str| d.get(field).and_then(Value::as_f64);
    for (metric, amounts) in &truth.amounts {
        let want = amounts_by_day(amounts);
        if let Some(field) = summary_field(metric) {
            for d in &days {
                let date = day(d);
                m.rounded(
                    format!("daily {date} {field}"),
                    served(d, field),
                    want.get(&date).copied(),
                    decimals(field),
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
                m.rounded(
                    format!("daily {date} {field}"),
                    served(d, field),
                    want.get(&date).map(figure),
                    decimals(field),
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
            m.rounded(
                format!("daily {date} {metric}"),
                served(d, metric),
                want,
                decimals(metric),
            );
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
        m.rounded(
            format!("daily {date} workout_count"),
            served(d, "workout_count"),
            want.map(|w| w.0),
            decimals("workout_count"),
        );
        m.rounded(
            format!("daily {date} workout_duration"),
            served(d, "workout_duration"),
            want.map(|w| w.1),
            decimals("workout_duration"),
        );
        m.rounded(
            format!("daily {date} workout_distance"),
            served(d, "workout_distance"),
            want.map(|w| w.2),
            decimals("workout_distance"),
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
