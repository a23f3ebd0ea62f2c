//! `UDSFile_*.json`, the daily summaries ("user daily summary"): one record per local day.
//!
//! The day is placed exactly: `wellnessStartTimeGmt`..`wellnessEndTimeGmt` is its span in UTC, and the
//! start's local reading (local midnight) minus its GMT one is the day's UTC offset. Only when those are
//! missing is `calendarDate` read as a local day in the zone history (and the samples float).
//!
//! Steps, distance, energy, floors and intensity minutes are day totals, marked `summary`: the FIT
//! monitoring files of the same export hold them minute by minute, and the merge lets those win. Resting
//! heart rate and the all-day stress average are one reading over the day. Garmin's sentinels: a heart
//! rate of 0 and a stress average of -1 or -2 ("too few measurements") mean none.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::Timestamp;
use serde::de::IgnoredAny;
use serde::Deserialize;
use wearhouse_model::Metric;

use super::{gmt_instant, offset_minutes, positive, wall_clock};
use crate::fitbit::shared::{item, json_items, local_day, sample, Diagnostics, Num};
use crate::{FormatError, ParsedFile, ZoneHistory};

/// Metres per floor, as Garmin counts them (ten feet): 88.392 m is 29 floors.
const METRES_PER_FLOOR: f64 = 3.048;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Day {
    calendar_date: Option<String>,
    wellness_start_time_gmt: Option<String>,
    wellness_end_time_gmt: Option<String>,
    wellness_start_time_local: Option<String>,
    includes_wellness_data: Option<bool>,
    total_steps: Option<Num>,
    total_distance_meters: Option<Num>,
    active_kilocalories: Option<Num>,
    bmr_kilocalories: Option<Num>,
    floors_ascended: Option<Num>,
    floors_ascended_in_meters: Option<Num>,
    moderate_intensity_minutes: Option<Num>,
    vigorous_intensity_minutes: Option<Num>,
    resting_heart_rate: Option<Num>,
    current_day_resting_heart_rate: Option<Num>,
    all_day_stress: Option<AllDayStress>,
    body_battery: Option<IgnoredAny>,
    respiration: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AllDayStress {
    #[serde(default)]
    aggregator_list: Vec<StressAggregate>,
}

/// One of the day's stress aggregates: `TOTAL`, `AWAKE` or `ASLEEP`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StressAggregate {
    #[serde(rename = "type")]
    kind: Option<String>,
    average_stress_level: Option<Num>,
}

/// Where a day lies: its span, its UTC offset when known, and whether it was read from the zone
/// history (floating) rather than from the file's own GMT times.
struct DaySpan {
    start: Timestamp,
    end: Timestamp,
    offset: Option<i16>,
    floating: bool,
}

pub(super) fn read(
    path: &str,
    text: &str,
    zones: &ZoneHistory,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of daily summaries")?;
    let days: Vec<(usize, Day)> = items
        .iter()
        .enumerate()
        .filter_map(|(index, raw)| item::<Day>(raw, index, diag).map(|day| (index, day)))
        .collect();
    // A day repeated in one file: the later record is the one Garmin recomputed last.
    let mut last_of_date: HashMap<&str, usize> = HashMap::new();
    for (index, day) in &days {
        if let Some(date) = day.calendar_date.as_deref() {
            last_of_date.insert(date, *index);
        }
    }
    let mut body_battery = false;
    let mut respiration = false;
    for (index, day) in &days {
        let repeated = day
            .calendar_date
            .as_deref()
            .is_some_and(|date| last_of_date.get(date) != Some(index));
        if repeated {
            continue;
        }
        body_battery |= day.body_battery.is_some();
        respiration |= day.respiration.is_some();
        read_day(*index, day, zones, diag, file);
    }
    let unread: Vec<&str> = [("bodyBattery", body_battery), ("respiration", respiration)]
        .into_iter()
        .filter_map(|(name, seen)| seen.then_some(name))
        .collect();
    if !unread.is_empty() {
        diag.warn("not_imported", || {
            format!(
                "{}: the daily aggregates were not imported (body battery has no metric; the night's \
                 breathing rate comes from the sleep file)",
                unread.join(", ")
            )
        });
    }
    Ok(())
}

fn read_day(index: usize, day: &Day, zones: &ZoneHistory, diag: &mut Diagnostics, file: &mut ParsedFile) {
    let steps = day.total_steps.map_or(0.0, |Num(s)| s);
    // Days the watch was not worn are listed all the same, empty.
    if day.includes_wellness_data == Some(false) && steps == 0.0 {
        return;
    }
    let Some(span) = day_span(day, zones) else {
        diag.warn("unparsable_date", || {
            format!("day {index}: neither a wellness span in GMT nor a calendarDate")
        });
        return;
    };
    let floors = positive(day.floors_ascended).or_else(|| {
        positive(day.floors_ascended_in_meters).map(|m| (m / METRES_PER_FLOOR * 10.0).round() / 10.0)
    });
    // Minutes of activity, unweighted (Garmin's weekly score counts vigorous ones twice).
    let exercise = match (day.moderate_intensity_minutes, day.vigorous_intensity_minutes) {
        (None, None) => None,
        (moderate, vigorous) => Some(moderate.map_or(0.0, |Num(m)| m) + vigorous.map_or(0.0, |Num(v)| v)),
    };
    let totals = [
        (Metric::Steps, Some(steps)),
        (Metric::Distance, day.total_distance_meters.map(|Num(m)| m)),
        (Metric::ActiveEnergy, day.active_kilocalories.map(|Num(k)| k)),
        (Metric::BasalEnergy, day.bmr_kilocalories.map(|Num(k)| k)),
        (Metric::Floors, floors),
        (Metric::ExerciseMinutes, exercise),
    ];
    let resting = positive(day.resting_heart_rate).or_else(|| positive(day.current_day_resting_heart_rate));
    let stress = day
        .all_day_stress
        .as_ref()
        .and_then(|s| {
            s.aggregator_list
                .iter()
                .find(|a| a.kind.as_deref() == Some("TOTAL"))
        })
        .and_then(|total| total.average_stress_level)
        .map(|Num(level)| level)
        .filter(|level| *level >= 0.0);
    let readings = [(Metric::RestingHeartRate, resting), (Metric::StressLevel, stress)];
    let summaries = totals.into_iter().map(|(metric, value)| (metric, value, true));
    let readings = readings.into_iter().map(|(metric, value)| (metric, value, false));
    for (metric, value, summary) in summaries.chain(readings) {
        // A zero total adds nothing the finer data would not, and a zero heart rate is none; a stress
        // average of 0 is a real (fully rested) reading.
        let kept = |v: &f64| *v > 0.0 || (metric == Metric::StressLevel && *v == 0.0);
        let Some(value) = value.filter(kept) else {
            continue;
        };
        match sample(metric, value, None, span.start, span.end) {
            Ok(mut s) => {
                s.offset_minutes = span.offset;
                s.summary = summary;
                s.floating = span.floating;
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| format!("day {index} {}", metric.as_str()), e),
        }
    }
}

/// The day's exact span from its GMT times, or its local day in the zone history.
fn day_span(day: &Day, zones: &ZoneHistory) -> Option<DaySpan> {
    let start = day.wellness_start_time_gmt.as_deref().and_then(gmt_instant);
    let end = day.wellness_end_time_gmt.as_deref().and_then(gmt_instant);
    if let (Some(start), Some(end)) = (start, end) {
        if start < end {
            let offset = day
                .wellness_start_time_local
                .as_deref()
                .and_then(wall_clock)
                .zip(day.wellness_start_time_gmt.as_deref().and_then(wall_clock))
                .and_then(|(local, gmt)| offset_minutes(local.duration_since(gmt).as_secs()));
            return Some(DaySpan {
                start,
                end,
                offset,
                floating: false,
            });
        }
    }
    let date: Date = day.calendar_date.as_deref()?.trim().parse().ok()?;
    let (start, end) = local_day(zones, date)?;
    Some(DaySpan {
        start,
        end,
        offset: None,
        floating: true,
    })
}
