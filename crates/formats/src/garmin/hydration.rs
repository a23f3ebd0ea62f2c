//! `HydrationLogFile_*.json`: one entry per logged drink, `valueInML` on a local `calendarDate`;
//! negative values correct earlier entries. A day's entries are summed into one amount over the local
//! day (the entries' own times are when they were logged, not drunk), which floats with the zone history.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;
use wearhouse_model::Metric;

use crate::fitbit::shared::{item, json_items, local_day, local_sample, Diagnostics, Num};
use crate::{FormatError, ParsedFile, ZoneHistory};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    calendar_date: Option<String>,
    #[serde(rename = "valueInML")]
    value_in_ml: Option<Num>,
}

pub(super) fn read(
    path: &str,
    text: &str,
    zones: &ZoneHistory,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of hydration entries")?;
    let mut per_day: BTreeMap<Date, f64> = BTreeMap::new();
    for (index, raw) in items.iter().enumerate() {
        let Some(entry) = item::<Entry>(raw, index, diag) else {
            continue;
        };
        // Sweat-loss entries carry no intake.
        let Some(Num(ml)) = entry.value_in_ml else {
            continue;
        };
        let Some(date) = entry
            .calendar_date
            .as_deref()
            .and_then(|d| d.trim().parse::<Date>().ok())
        else {
            diag.warn("unparsable_date", || {
                format!("entry {index}: {:?} is not a calendar date", entry.calendar_date)
            });
            continue;
        };
        *per_day.entry(date).or_insert(0.0) += ml;
    }
    for (date, ml) in per_day {
        if ml <= 0.0 {
            continue;
        }
        let Some((start, end)) = local_day(zones, date) else {
            diag.warn("unparsable_date", || {
                format!("{date} has no local day in the zone history")
            });
            continue;
        };
        match local_sample(Metric::Water, ml, None, start, end) {
            Ok(s) => file.samples.push(s),
            Err(e) => diag.invalid(|| format!("{date}"), e),
        }
    }
    Ok(())
}
