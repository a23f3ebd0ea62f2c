//! `*_sleepData.json`: one flat record per night (not the Connect API's `dailySleepDTO`), with its GMT
//! start and end and seconds per stage but no timeline, so the night becomes consecutive stage blocks
//! ([`stage_blocks`]). The night's sleep score, average breathing rate and average SpO2 are readings at
//! its end, when they were known.
//!
//! The file says nothing of the zone the night was slept in, so samples carry no offset: their instants
//! are exact all the same. A record with no stage seconds at all, or confirmed `OFF_WRIST`, is Garmin's
//! default window for a night it did not measure, and is skipped.

use std::collections::HashMap;

use serde::Deserialize;
use wearhouse_model::Metric;

use super::{gmt_instant, positive};
use crate::fitbit::shared::{item, json_items, sample, Diagnostics, Num};
use crate::sleep_totals::stage_blocks;
use crate::{FormatError, ParsedFile};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Night {
    /// The wake-up date: the night before it.
    calendar_date: Option<String>,
    #[serde(rename = "sleepStartTimestampGMT")]
    start: Option<String>,
    #[serde(rename = "sleepEndTimestampGMT")]
    end: Option<String>,
    sleep_window_confirmation_type: Option<String>,
    light_sleep_seconds: Option<Num>,
    deep_sleep_seconds: Option<Num>,
    rem_sleep_seconds: Option<Num>,
    awake_sleep_seconds: Option<Num>,
    average_respiration: Option<Num>,
    sleep_scores: Option<Scores>,
    spo2_sleep_summary: Option<Spo2Summary>,
}

/// The export's flat scores object (the API's is `overall.value`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Scores {
    overall_score: Option<Num>,
}

#[derive(Deserialize)]
struct Spo2Summary {
    #[serde(rename = "averageSPO2")]
    average: Option<Num>,
}

impl Night {
    /// Seconds per stage in the order [`stage_blocks`] takes them: light, deep, REM, awake.
    fn stage_seconds(&self) -> [Option<f64>; 4] {
        [
            self.light_sleep_seconds,
            self.deep_sleep_seconds,
            self.rem_sleep_seconds,
            self.awake_sleep_seconds,
        ]
        .map(positive)
    }

    /// Garmin's placeholder for a night it did not measure.
    fn is_unmeasured(&self) -> bool {
        let off_wrist = self
            .sleep_window_confirmation_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_uppercase().contains("OFF_WRIST"));
        off_wrist || self.stage_seconds().iter().all(Option::is_none)
    }
}

pub(super) fn read(
    path: &str,
    text: &str,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of nights")?;
    let nights: Vec<(usize, Night)> = items
        .iter()
        .enumerate()
        .filter_map(|(index, raw)| item::<Night>(raw, index, diag).map(|night| (index, night)))
        .collect();
    // One night per wake-up date; a repeated one is the later record's.
    let mut last_of_date: HashMap<&str, usize> = HashMap::new();
    for (index, night) in &nights {
        if let Some(date) = night.calendar_date.as_deref() {
            last_of_date.insert(date, *index);
        }
    }
    let mut unmeasured = 0usize;
    for (index, night) in &nights {
        let repeated = night
            .calendar_date
            .as_deref()
            .is_some_and(|date| last_of_date.get(date) != Some(index));
        if repeated {
            continue;
        }
        if night.is_unmeasured() {
            unmeasured += 1;
            continue;
        }
        read_night(*index, night, diag, file);
    }
    if unmeasured > 0 {
        diag.warn("unmeasured_nights", || {
            format!("{unmeasured} nights were skipped: no stage totals, or the watch was off the wrist")
        });
    }
    Ok(())
}

fn read_night(index: usize, night: &Night, diag: &mut Diagnostics, file: &mut ParsedFile) {
    let start = night.start.as_deref().and_then(gmt_instant);
    let end = night.end.as_deref().and_then(gmt_instant);
    let (Some(start), Some(end)) = (start, end) else {
        diag.warn("unparsable_date", || {
            format!("night {index}: no sleepStartTimestampGMT and sleepEndTimestampGMT")
        });
        return;
    };
    if end <= start {
        diag.warn("end_before_start", || {
            format!("night {index}: the sleep does not end after it starts")
        });
        return;
    }
    file.samples
        .extend(stage_blocks(start, end, night.stage_seconds(), None));
    let score = night
        .sleep_scores
        .as_ref()
        .and_then(|s| positive(s.overall_score));
    let spo2 = night
        .spo2_sleep_summary
        .as_ref()
        .and_then(|s| positive(s.average));
    for (metric, value) in [
        (Metric::SleepScore, score),
        (Metric::RespiratoryRate, positive(night.average_respiration)),
        (Metric::Spo2, spo2),
    ] {
        let Some(value) = value else {
            continue;
        };
        match sample(metric, value, None, end, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("night {index} {}", metric.as_str()), e),
        }
    }
}
