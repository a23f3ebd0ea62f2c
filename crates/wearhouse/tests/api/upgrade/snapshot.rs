//! What the API serves one user, as sections with ids and creation times left out, and the comparison
//! of two such snapshots (the upgraded database's and the fresh one's), mismatches collected.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;
use wearhouse_model::Metric;

use crate::harness::{daily_rows, get_json, TestApp};

// ----- Requests -----------------------------------------------------------------------------------------

/// Every item of a paged list (`items`, `next_cursor`); `path` has a query already.
pub(super) async fn all_pages(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let page = get_json(app, token, &page_path).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

// ----- What a user's data looks like through the API ----------------------------------------------------

/// A list compared as a multiset of canonical lines, or figures compared key by key.
pub(super) enum Section {
    Items(Vec<String>),
    Keyed(BTreeMap<String, Value>),
}

/// What the API serves one user, by section (`daily`, `steps/hour`, `samples/steps`, `activities` …),
/// with ids and creation times left out and source ids replaced by the sources themselves.
pub(super) async fn snapshot(app: &TestApp, token: &str, days: (&str, &str)) -> BTreeMap<String, Section> {
    let mut out = BTreeMap::new();
    let source_list = get_json(app, token, "/api/v1/sources").await;
    let sources: BTreeMap<i64, String> = source_list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let key = format!("{}/{}/{}", s["provider"], s["kind"], s["name"]);
            (s["id"].as_i64().unwrap(), key)
        })
        .collect();
    let source = |id: &Value| match id.as_i64() {
        Some(id) => sources
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("unlisted {id}")),
        None => "none".to_owned(),
    };
    out.insert(
        "sources".to_owned(),
        Section::Items(
            source_list
                .as_array()
                .unwrap()
                .iter()
                .map(|s| line(s, &["provider", "kind", "name", "model", "app", "summary"]))
                .collect(),
        ),
    );

    let mut metrics = Vec::new();
    for metric in Metric::ALL {
        let path = format!("/api/v1/samples?metric={}&limit=10000", metric.as_str());
        let samples = all_pages(app, token, &path).await;
        if samples.is_empty() {
            continue;
        }
        metrics.push(metric.as_str());
        let lines = samples
            .iter()
            .map(|s| {
                let fields = ["metric", "start", "end", "value", "external_id"];
                format!("{} source={}", line(s, &fields), source(&s["source_id"]))
            })
            .collect();
        out.insert(format!("samples/{}", metric.as_str()), Section::Items(lines));
    }

    let (first, last) = (days.0.parse::<Date>().unwrap(), days.1.parse::<Date>().unwrap());
    let daily = daily_rows(app, token, &first.to_string(), &last.to_string()).await;
    let by_date = daily
        .iter()
        .map(|d| (d["date"].as_str().unwrap().to_owned(), d.clone()));
    out.insert("daily".to_owned(), Section::Keyed(by_date.collect()));
    // UTC midnights a day wider than the local days: every hour of those days in any zone.
    let utc = |d: Date| d.to_zoned(TimeZone::UTC).unwrap().timestamp();
    let (from, to) = (
        utc(first.yesterday().unwrap()),
        utc(last.tomorrow().unwrap().tomorrow().unwrap()),
    );
    for metric in metrics {
        for resolution in ["hour", "day"] {
            let path = format!("/api/v1/samples?metric={metric}&resolution={resolution}&from={from}&to={to}");
            let list = get_json(app, token, &path).await;
            let key = if resolution == "day" { "date" } else { "start" };
            let buckets = list["buckets"].as_array().unwrap().iter().map(|b| {
                let mut b = b.clone();
                if let Some(ids) = b.get("sources").and_then(Value::as_array) {
                    let named: BTreeSet<String> = ids.iter().map(source).collect();
                    b["sources"] = serde_json::json!(named);
                }
                (b[key].as_str().unwrap().to_owned(), b)
            });
            out.insert(
                format!("{metric}/{resolution}"),
                Section::Keyed(buckets.collect()),
            );
        }
    }

    let activities = all_pages(app, token, "/api/v1/activities?limit=100&sort=start").await;
    let fields = [
        "type",
        "start",
        "end",
        "duration",
        "distance",
        "energy",
        "moving_time",
        "avg_heart_rate",
        "max_heart_rate",
        "external_id",
        "stream_points",
    ];
    let lines = activities
        .iter()
        .map(|a| format!("{} source={}", line(a, &fields), source(&a["source_id"])))
        .collect();
    out.insert("activities".to_owned(), Section::Items(lines));

    let types = get_json(app, token, "/api/v1/raw-records/types").await;
    let types = types.as_array().unwrap();
    out.insert(
        "raw record types".to_owned(),
        Section::Items(types.iter().map(|t| line(t, &["type", "count"])).collect()),
    );
    for t in types {
        let path = format!(
            "/api/v1/raw-records?type={}&limit=10000",
            t["type"].as_str().unwrap()
        );
        let records = all_pages(app, token, &path).await;
        let fields = ["type", "start", "end", "value", "unit", "source"];
        let lines = records.iter().map(|r| line(r, &fields)).collect();
        out.insert(
            format!("raw/{}", t["type"].as_str().unwrap()),
            Section::Items(lines),
        );
    }
    out
}

/// `fields` of `item` as one line, numbers to a millionth.
pub(super) fn line(item: &Value, fields: &[&str]) -> String {
    let show = |v: &Value| match v.as_f64() {
        Some(x) if !v.is_i64() => format!("{x:.6}"),
        _ => v.to_string(),
    };
    let parts: Vec<String> = fields
        .iter()
        .map(|f| format!("{f}={}", show(&item[*f])))
        .collect();
    parts.join(" ")
}

// ----- Comparing ----------------------------------------------------------------------------------------

#[derive(Default)]
pub(super) struct Mismatches(Vec<String>);

impl Mismatches {
    pub(super) fn push(&mut self, what: String) {
        self.0.push(what);
    }

    pub(super) fn finish(self) {
        assert!(
            self.0.is_empty(),
            "the upgraded database differs from a fresh import in {} places:\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

/// JSON values equal but for rounding (a millionth, relative).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter()
                .all(|k| same(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        _ => a == b,
    }
}

/// Lines in `a` that `b` lacks, counting repeats.
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    let mut left: BTreeMap<&String, usize> = BTreeMap::new();
    for x in b {
        *left.entry(x).or_default() += 1;
    }
    a.iter()
        .filter(|x| match left.get_mut(x) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

pub(super) fn compare(
    user: &str,
    upgraded: &BTreeMap<String, Section>,
    fresh: &BTreeMap<String, Section>,
    m: &mut Mismatches,
) {
    let names: BTreeSet<&String> = upgraded.keys().chain(fresh.keys()).collect();
    for name in names {
        let what = format!("{user} {name}");
        // A section one side lacks is the other's kind, empty.
        let (a, b) = (upgraded.get(name), fresh.get(name));
        let empty = match a.or(b) {
            Some(Section::Keyed(_)) => Section::Keyed(BTreeMap::new()),
            _ => Section::Items(Vec::new()),
        };
        match (a.unwrap_or(&empty), b.unwrap_or(&empty)) {
            (Section::Items(a), Section::Items(b)) => {
                let (extra, lacking) = (missing_from(a, b), missing_from(b, a));
                if a.len() != b.len() {
                    m.push(format!("{what}: {} upgraded, {} fresh", a.len(), b.len()));
                }
                let show = |lines: &[String]| {
                    let shown: Vec<&str> = lines.iter().take(5).map(String::as_str).collect();
                    let more = lines.len().saturating_sub(5);
                    let more = if more > 0 {
                        format!("\n      … {more} more")
                    } else {
                        String::new()
                    };
                    format!("{}{more}", shown.join("\n      "))
                };
                if !extra.is_empty() {
                    m.push(format!(
                        "{what}: only upgraded has {}:\n      {}",
                        extra.len(),
                        show(&extra)
                    ));
                }
                if !lacking.is_empty() {
                    m.push(format!(
                        "{what}: only fresh has {}:\n      {}",
                        lacking.len(),
                        show(&lacking)
                    ));
                }
            }
            (Section::Keyed(a), Section::Keyed(b)) => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for k in keys {
                    let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
                    if !same(x, y) {
                        m.push(format!("{what} {k}:\n      upgraded {x}\n      fresh    {y}"));
                    }
                }
            }
            _ => unreachable!("a section's kind follows from its name"),
        }
    }
    // A comparison of nothing proves nothing.
    let holds = |name: &str| matches!(fresh.get(name), Some(Section::Items(items)) if !items.is_empty());
    if !fresh
        .keys()
        .any(|name| name.starts_with("samples/") || name.starts_with("raw/"))
        && !holds("activities")
    {
        m.push(format!(
            "{user}: the fresh import holds no samples, activities or raw records"
        ));
    }
    // Nothing twice: no two activities start at the same moment with the same type.
    for (side, snapshot) in [("upgraded", upgraded), ("fresh", fresh)] {
        if let Some(Section::Items(lines)) = snapshot.get("activities") {
            let keys: Vec<String> = lines.iter().map(|l| activity_key(l)).collect();
            let unique: BTreeSet<&String> = keys.iter().collect();
            if unique.len() != keys.len() {
                m.push(format!("{user}: {side} lists an activity twice: {keys:?}"));
            }
        }
    }
}

/// An activity line's type and start instant (whatever offset the start is written with).
fn activity_key(line: &str) -> String {
    let mut fields = line.split(' ');
    let kind = fields.next().unwrap_or_default();
    let start = fields.next().unwrap_or_default();
    let instant = start.trim_start_matches("start=").trim_matches('"');
    match instant.parse::<jiff::Timestamp>() {
        Ok(t) => format!("{kind} start={t}"),
        Err(_) => format!("{kind} {start}"),
    }
}
