//! `*_userBioMetrics.json` (older exports: `user_biometrics.json`): records of several kinds in one
//! array. Weigh-ins hold a `weight` object (mass in grams, BMI, body fat in percent) stamped
//! `timestampGMT`; height records hold `height` in centimetres and only `metaData.calendarDate`, a local
//! wall-clock time. Records holding neither (VO2 max, lactate threshold) are not this reader's and are
//! passed over without a word. A 0 is Garmin's failed reading (a scale's impedance), so none.

use serde::Deserialize;
use wearhouse_model::Metric;

use super::{positive, wall_clock, GmtTime};
use crate::fitbit::shared::{item, json_items, local_instant, sample, Diagnostics, Num};
use crate::{FormatError, ParsedFile, ZoneHistory};

/// Grams per kilogram: Garmin writes weights in grams (`81419.0`).
const GRAMS_PER_KG: f64 = 1000.0;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    meta_data: Option<MetaData>,
    weight: Option<WeighIn>,
    height: Option<Num>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetaData {
    /// Local wall-clock time, `"2025-07-18T00:00:00.0"` or `"2026-01-02T18:05:26.148"`.
    calendar_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WeighIn {
    weight: Option<Num>,
    bmi: Option<Num>,
    body_fat: Option<Num>,
    #[serde(rename = "timestampGMT")]
    timestamp_gmt: Option<GmtTime>,
}

pub(super) fn read(
    path: &str,
    text: &str,
    zones: &ZoneHistory,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of biometric records")?;
    for (index, raw) in items.iter().enumerate() {
        let Some(record) = item::<Record>(raw, index, diag) else {
            continue;
        };
        read_record(index, &record, zones, diag, file);
    }
    Ok(())
}

fn read_record(
    index: usize,
    record: &Record,
    zones: &ZoneHistory,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) {
    let weigh_in = record.weight.as_ref();
    let readings = [
        (
            Metric::BodyMass,
            weigh_in
                .and_then(|w| positive(w.weight))
                .map(|g| g / GRAMS_PER_KG),
        ),
        (
            Metric::BodyFatPercentage,
            weigh_in.and_then(|w| positive(w.body_fat)),
        ),
        (Metric::Bmi, weigh_in.and_then(|w| positive(w.bmi))),
        (Metric::Height, positive(record.height)),
    ];
    if readings.iter().all(|(_, value)| value.is_none()) {
        return;
    }
    // The weigh-in's own GMT time; else, as for heights, the record's local date and time.
    let exact = weigh_in.and_then(|w| w.timestamp_gmt).and_then(|GmtTime(t)| t);
    let local = record
        .meta_data
        .as_ref()
        .and_then(|m| m.calendar_date.as_deref())
        .and_then(wall_clock)
        .and_then(|dt| local_instant(zones, dt));
    for (metric, value) in readings {
        let Some(value) = value else {
            continue;
        };
        let at = if metric == Metric::Height {
            local.map(|t| (t, true)).or(exact.map(|t| (t, false)))
        } else {
            exact.map(|t| (t, false)).or(local.map(|t| (t, true)))
        };
        let Some((at, floating)) = at else {
            diag.warn("unparsable_date", || {
                format!(
                    "record {index}: {} without a timestampGMT or metaData.calendarDate",
                    metric.as_str()
                )
            });
            continue;
        };
        match sample(metric, value, None, at, at) {
            Ok(mut s) => {
                s.floating = floating;
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| format!("record {index} {}", metric.as_str()), e),
        }
    }
}
