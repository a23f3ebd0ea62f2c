//! Google Fit Takeout reader: one entry of `Takeout/Fit/` at a time (the importer walks the ZIP or
//! directory). Pure: bytes in, records out.
//!
//! Takeout translates its folder names ("All Data" is "Все данные" in Russian, "Daily activity metrics"
//! is "일일 활동 측정항목" in Korean), so entries are recognised by their file names, which are not
//! translated — except for the daily summary CSV, recognised by its name in the languages the
//! `headers` module lists:
//!
//! - `All Data/raw_com.google.…json`, `derived_com.google.…json` — data points: see the `all_data` module.
//! - `All Sessions/2020-01-01T07_00_00+01_00_RUNNING.json` — one session each: workouts become
//!   activities, sleep sessions become sleep samples; see the `sessions` module.
//! - `Daily activity metrics/Daily activity metrics.csv` (older exports: `Daily Aggregations/Daily
//!   Summaries.csv`) and the per-day `2020-01-01.csv` files of 15-minute rows: see the `daily` module.
//! - `Activities/*.tcx` — read by [`crate::tcx::read_tcx`] as they are: a TCX's identity is its start
//!   instant ([`crate::records::start_external_id`]), which its `All Sessions` JSON shares and which
//!   does not depend on where the file was found, so the importer keeps one workout whether the TCX came
//!   alone, in the Takeout, or both.
//!
//! **The same data arrives several times.** All Data holds each app's raw stream and the streams Google
//! Fit merged from them (`derived_…_merge_step_deltas`, `…_estimated_steps`); the daily and per-day CSVs
//! total the same points again. Every reading is kept as read, and each stream is its own source
//! (`source_name`): All Data samples are named after their file's data source, the CSV samples
//! "Google Fit (daily)" and "Google Fit (15-minute)". The import's source-priority merge then counts one
//! source per time slice; the importer should rank the merged `derived_…com.google.android.gms_merge_…`
//! streams first (they are what the Google Fit app shows) and the CSVs last.
//!
//! **Sleep comes three ways**: `All Sessions` sleep sessions, `com.google.sleep.segment` points (sleep
//! stages 1–6) and `com.google.activity.segment` points whose activity type is a sleep one (72
//! sleeping, 109 light, 110 deep, 111 REM, 112 awake). All become `sleep` samples of their own source.
//! Activity segments of every other type (walking, still, in vehicle…) are not stored: they repeat what
//! the sessions and step points say, and there is no catalogue metric for "an activity was going on";
//! one `unmapped_type` warning counts them per activity code.
//!
//! **Energy is split by the basal rate.** `com.google.calories.expended` (and the CSVs' "Calories
//! (kcal)") is total energy, basal rate included, and Wearhouse keeps active and basal energy apart.
//! Google Fit's basal rate (`com.google.calories.bmr`, kcal per day at instants) is a file of its own,
//! which the importer reads before the others ([`is_basal_rate_entry`]); its rates reach the readers of
//! the other files through [`crate::ReadContext::basal_rates`], and every energy figure is split into
//! basal energy (the rate's integral over the figure's interval) and active energy (the rest): see the
//! `basal` module. Without a rate (an energy file uploaded alone) energy is skipped with an
//! `unmapped_type` warning saying to import the whole Takeout.
//!
//! `com.google.heart_minutes` and the CSVs' "Heart Points" are Google's Heart Points (one per minute of
//! moderate activity, two per vigorous minute), stored as `heart_points`.

mod all_data;
mod basal;
mod daily;
mod headers;
mod sessions;
#[cfg(test)]
mod tests;

use jiff::civil::Date;
use wearhouse_analytics::ZoneHistory;

pub use basal::{is_basal_rate_entry, BasalRates, SharedBasalRates};

use crate::fitbit::shared::file_name;
use crate::{FormatError, Location, ParsedFile};

/// What kind of Takeout entry a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    AllData,
    Session,
    DailySummary,
    /// A per-day CSV of 15-minute rows; the file name gives the date its rows' times belong to.
    DayIntervals(Date),
    Tcx,
}

/// Whether `path` is a Google Fit Takeout entry this reader reads (by file name; see the module docs).
pub fn is_google_fit_entry(path: &str) -> bool {
    classify(path).is_some()
}

/// What one Takeout entry holds: its records, and for a basal-rate file the rates that split the
/// energy of the entries read after it.
#[derive(Debug, Default)]
pub struct GoogleFitEntry {
    pub file: ParsedFile,
    pub basal_rates: Option<BasalRates>,
}

/// Reads one Takeout entry on its own, without a basal rate to split its energy by: see
/// [`read_google_fit_entry_with`].
pub fn read_google_fit_entry(
    path: &str,
    bytes: &[u8],
    zones: &ZoneHistory,
) -> Result<ParsedFile, FormatError> {
    read_google_fit_entry_with(path, bytes, zones, None).map(|entry| entry.file)
}

/// Reads one Takeout entry. `zones` place the daily CSV's local days; `rates`, the basal rate the
/// import has read, split its energy figures. Fails when the path is not a Google Fit entry, when the
/// bytes are not the format the entry should be (`malformed_json`, `malformed_csv`, a TCX error) or
/// not its shape (`unexpected_shape`).
pub fn read_google_fit_entry_with(
    path: &str,
    bytes: &[u8],
    zones: &ZoneHistory,
    rates: Option<&BasalRates>,
) -> Result<GoogleFitEntry, FormatError> {
    let kind = classify(path).ok_or_else(|| {
        FormatError::new(
            "not_google_fit",
            format!("{path} is not a Google Fit Takeout entry this reader knows"),
            Location::Entry(path.to_owned()),
        )
    })?;
    let file = match kind {
        EntryKind::AllData => {
            let (file, basal_rates) = all_data::read(path, bytes, rates)?;
            return Ok(GoogleFitEntry { file, basal_rates });
        }
        EntryKind::Session => sessions::read(path, bytes, session_name_offset(file_name(path))),
        EntryKind::DailySummary => daily::read_summary(path, bytes, zones, rates),
        EntryKind::DayIntervals(date) => daily::read_day(path, bytes, date, rates),
        EntryKind::Tcx => crate::tcx::read_tcx(bytes),
    }?;
    Ok(GoogleFitEntry {
        file,
        basal_rates: None,
    })
}

fn classify(path: &str) -> Option<EntryKind> {
    let name = file_name(path);
    if let Some(stem) = name.strip_suffix(".json") {
        if stem.starts_with("raw_com.google.") || stem.starts_with("derived_com.google.") {
            return Some(EntryKind::AllData);
        }
        return session_name_offset(name).map(|_| EntryKind::Session);
    }
    if headers::DAILY_SUMMARY_FILES.contains(&name) {
        return Some(EntryKind::DailySummary);
    }
    if let Some(stem) = name.strip_suffix(".csv") {
        let date = stem.parse::<Date>().ok().filter(|_| stem.len() == 10)?;
        return in_fit_folder(path).then_some(EntryKind::DayIntervals(date));
    }
    if let Some(stem) = name.strip_suffix(".tcx") {
        let named = session_name_offset(&format!("{stem}.json")).is_some();
        return (named || in_fit_folder(path)).then_some(EntryKind::Tcx);
    }
    None
}

/// Whether a folder of the path is Takeout's `Fit` (the product name is not translated, but for the
/// German `Google Fit` and the Korean `피트니스`), so that a `2020-01-01.csv` or `.tcx` from elsewhere
/// is not taken for Google Fit's.
fn in_fit_folder(path: &str) -> bool {
    let mut folders = path.split(['/', '\\']).rev().skip(1);
    folders.any(|folder| matches!(folder, "Fit" | "Google Fit" | "피트니스"))
}

/// Whether `head` starts like a daily summary CSV (its date column first) or like a per-day CSV (its
/// start and end columns first), in any language the reader knows.
pub(crate) fn csv_head_is(head: &[u8], daily_summary: bool) -> bool {
    if daily_summary {
        headers::starts_with(head, &[headers::DATE])
    } else {
        headers::starts_with(head, &[headers::START, headers::END])
    }
}

/// Whether `file` is the daily summary CSV's name, in any language the reader knows.
pub(crate) fn is_daily_summary_name(file: &str) -> bool {
    headers::DAILY_SUMMARY_FILES.contains(&file)
}

/// For a session file name `YYYY-MM-DDTHH_MM_SS[.fff](Z|±HH_MM)_ACTIVITY.json`, the UTC offset in
/// minutes it was recorded at (`Some(None)` for `Z`); `None` when the name is not a session's.
fn session_name_offset(name: &str) -> Option<Option<i16>> {
    let stem = name.strip_suffix(".json")?;
    let (stamp, rest) = (stem.get(..19)?, stem.get(19..)?);
    let local = stamp.replacen('_', ":", 2);
    local.parse::<jiff::civil::DateTime>().ok()?;
    // Optional fraction of a second.
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let (offset, activity) = if let Some(after) = rest.strip_prefix('Z') {
        (None, after)
    } else {
        let sign = match rest.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours: i16 = rest.get(1..3)?.parse().ok()?;
        let minutes: i16 = rest.get(4..6)?.parse().ok()?;
        if rest.get(3..4)? != "_" || hours > 14 || minutes > 59 {
            return None;
        }
        (Some(sign * (hours * 60 + minutes)), rest.get(6..)?)
    };
    let activity = activity.strip_prefix('_')?;
    (!activity.is_empty()).then_some(offset)
}
