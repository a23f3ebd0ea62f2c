//! `activities.csv`: one workout per row, `from,to,"from (manual)","to (manual)",Timezone,
//! "Activity type",Data,GPS,Modified`, times with their offsets (the manual ones, when the user
//! corrected them, win), totals in the `Data` JSON (`{"calories":31,"hr_average":0,"steps":494,
//! "distance":398,"elevation":7,…}`; zero means "not measured").

use serde::Deserialize;
use wearhouse_model::ActivityType;

use super::{observed, row, rows};
use crate::fitbit::shared::Diagnostics;
use crate::{FormatError, ParsedActivity, ParsedFile};

/// The totals Withings keeps per workout; every one optional.
#[derive(Debug, Default, Deserialize)]
struct Totals {
    calories: Option<f64>,
    distance: Option<f64>,
    elevation: Option<f64>,
    hr_average: Option<f64>,
    hr_max: Option<f64>,
}

/// Withings' activity names (Health Mate's list) for the ones our catalogue names differently.
const TYPES: &[(&str, ActivityType)] = &[
    ("walking", ActivityType::Walking),
    ("indoor walking", ActivityType::IndoorWalking),
    ("running", ActivityType::Running),
    ("indoor running", ActivityType::TreadmillRunning),
    ("hiking", ActivityType::Hiking),
    ("bicycling", ActivityType::Cycling),
    ("cycling", ActivityType::Cycling),
    ("indoor cycling", ActivityType::IndoorCycling),
    ("swimming", ActivityType::Swimming),
    ("lift weights", ActivityType::StrengthTraining),
    ("weights", ActivityType::StrengthTraining),
    ("elliptical", ActivityType::Elliptical),
    ("yoga", ActivityType::Yoga),
    ("pilates", ActivityType::Pilates),
    ("rowing", ActivityType::Rowing),
    ("dancing", ActivityType::Dance),
    ("boxing", ActivityType::Boxing),
    ("tennis", ActivityType::Tennis),
    ("golf", ActivityType::Golf),
    ("skiing", ActivityType::AlpineSkiing),
    ("snowboarding", ActivityType::Snowboarding),
    ("climbing", ActivityType::Climbing),
];

/// Our type for a Withings activity name; names it shares with our catalogue read as ours, others are
/// [`ActivityType::Other`].
pub fn activity_type(name: &str) -> ActivityType {
    let lower = name.trim().to_ascii_lowercase();
    TYPES
        .iter()
        .find(|(known, _)| *known == lower)
        .map(|(_, t)| *t)
        .or_else(|| lower.replace(' ', "_").parse().ok())
        .unwrap_or(ActivityType::Other)
}

pub(super) fn read(path: &str, bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let (header, records) = rows(bytes);
    let at = |name: &str| header.iter().position(|h| h == name);
    let (from, to) = (at("from"), at("to"));
    let (manual_from, manual_to) = (at("from (manual)"), at("to (manual)"));
    let (kind, data) = (at("Activity type"), at("Data"));
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    for (index, record) in records.enumerate() {
        let Some((line, record)) = row(path, index, record, &mut diag)? else {
            continue;
        };
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|c| !c.is_empty())
        };
        let time =
            |manual: Option<usize>, auto: Option<usize>| cell(manual).or(cell(auto)).and_then(observed);
        let (Some((start, offset)), Some((end, _))) = (time(manual_from, from), time(manual_to, to)) else {
            diag.warn("unparsable_date", || {
                format!("line {line}: no start and end with offsets")
            });
            continue;
        };
        if end <= start {
            diag.warn("end_before_start", || {
                format!("line {line}: the workout ends before it starts")
            });
            continue;
        }
        let label = cell(kind).unwrap_or("Other");
        let mut activity = ParsedActivity::new(activity_type(label), start, end);
        activity.sport_label = Some(label.to_owned());
        activity.offset_minutes = offset;
        let totals: Totals = cell(data)
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        let measured = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
        activity.energy = measured(totals.calories);
        activity.distance = measured(totals.distance);
        activity.elevation_gain = measured(totals.elevation);
        activity.avg_heart_rate = measured(totals.hr_average);
        activity.max_heart_rate = measured(totals.hr_max);
        file.activities.push(activity);
    }
    file.warnings = diag.finish();
    Ok(file)
}
