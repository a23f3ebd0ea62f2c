//! What the API serves for a fixture over the window around its data: daily summaries and the day and
//! hour series of each metric. Reads only; comparing is `compare`'s.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

use super::truth::Truth;
use crate::harness::{daily_rows, get_json, TestApp};

/// The ranges the figures are read over: local days from the day before the first with data to the day
/// after the last, and instants a day wider still (UTC midnights), which hold every hour of those days
/// in any zone. The empty days around the data are checked too: nothing may leak into them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    first: Date,
    last: Date,
    from: Timestamp,
    to: Timestamp,
}

impl Window {
    pub(super) fn around(truth: &Truth) -> Self {
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

pub(super) async fn daily(app: &TestApp, token: &str, w: Window) -> Vec<Value> {
    daily_rows(app, token, &w.first.to_string(), &w.last.to_string()).await
}

/// Buckets of the merged series, keyed by hour start (`hour`) or local date (`day`).
pub(super) async fn buckets(
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
pub(super) async fn snapshot(app: &TestApp, token: &str, truth: &Truth, w: Window) -> Value {
    let mut series = serde_json::Map::new();
    for metric in truth.amounts.keys().chain(truth.readings.keys()) {
        for resolution in ["hour", "day"] {
            let b = buckets(app, token, metric, resolution, w).await;
            series.insert(format!("{metric}/{resolution}"), json!(b));
        }
    }
    json!({"daily": daily(app, token, w).await, "series": series})
}
