//! The `raw_*` files: `start,duration,value` rows where `start` carries its UTC offset and `duration`
//! and `value` are JSON arrays (`"[60,60,22]","[16,30,0]"`, or `[29]` unquoted): value *i* covers
//! `start` plus the durations before it, for its own duration. Rows come unsorted and may repeat data;
//! the store's natural keys drop what repeats.

use jiff::SignedDuration;
use wearhouse_model::{Metric, SleepStage};

use super::{observed, row, rows, Kind};
use crate::fitbit::shared::{sample, Diagnostics};
use crate::{FormatError, ParsedFile};

/// The stage a sleep-state value names in a file of `kind`; `None` for a value no README lists.
fn sleep_stage(kind: Kind, value: f64) -> Option<SleepStage> {
    Some(match (kind, value as i64) {
        (_, 0) => SleepStage::Awake,
        (Kind::RawSleepMonitorState, 1) => SleepStage::Asleep,
        (Kind::RawSleepState, 1) => SleepStage::Core,
        (Kind::RawSleepState, 2) => SleepStage::Deep,
        (Kind::RawSleepState, 3) => SleepStage::Rem,
        _ => return None,
    })
}

/// The most values one row may hold: a day of one-second readings.
const MAX_VALUES: usize = 86_400;

pub(super) fn read(path: &str, kind: Kind, bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let (_, records) = rows(bytes);
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    for (index, record) in records.enumerate() {
        let Some((line, record)) = row(path, index, record, &mut diag)? else {
            continue;
        };
        let (Some(start), Some(durations), Some(values)) = (record.get(0), record.get(1), record.get(2))
        else {
            diag.warn("unreadable_row", || {
                format!("line {line}: fewer than three cells")
            });
            continue;
        };
        let Some((mut at, offset)) = observed(start) else {
            diag.warn("unparsable_date", || {
                format!("line {line}: {start:?} is not a time with an offset")
            });
            continue;
        };
        let durations: Result<Vec<f64>, _> = serde_json::from_str(durations);
        let values: Result<Vec<f64>, _> = serde_json::from_str(values);
        let (Ok(durations), Ok(values)) = (durations, values) else {
            diag.warn("unreadable_row", || {
                format!("line {line}: duration and value are not JSON arrays of numbers")
            });
            continue;
        };
        if durations.len() != values.len() || values.len() > MAX_VALUES {
            diag.warn("unreadable_row", || {
                format!(
                    "line {line}: {} durations for {} values",
                    durations.len(),
                    values.len()
                )
            });
            continue;
        }
        for (duration, value) in durations.into_iter().zip(values) {
            if !(duration.is_finite() && (0.0..=86_400.0).contains(&duration)) {
                diag.warn("unreadable_row", || {
                    format!("line {line}: a duration of {duration} s")
                });
                break;
            }
            let Ok(end) = at.checked_add(SignedDuration::from_secs_f64(duration)) else {
                break;
            };
            let made = match kind {
                // A heart rate measured over the window: a reading at its start.
                Kind::RawHeartRate if value > 0.0 => Some(sample(Metric::HeartRate, value, None, at, at)),
                Kind::RawSteps if value > 0.0 && end > at => {
                    Some(sample(Metric::Steps, value, None, at, end))
                }
                Kind::RawSleepState | Kind::RawSleepMonitorState if end > at => sleep_stage(kind, value)
                    .map(|stage| sample(Metric::Sleep, f64::from(stage.code()), None, at, end)),
                _ => None,
            };
            match made {
                Some(Ok(mut s)) => {
                    s.offset_minutes = offset;
                    file.samples.push(s);
                }
                Some(Err(e)) => diag.invalid(|| format!("line {line}"), e),
                None => {}
            }
            at = end;
        }
    }
    file.samples.sort_by_key(|s| (s.start, s.end));
    // Rows that repeat a window give the same reading twice.
    file.samples
        .dedup_by(|a, b| a.start == b.start && a.end == b.end && a.value == b.value);
    file.warnings = diag.finish();
    Ok(file)
}
