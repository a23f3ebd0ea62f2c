//! Fitbit sleep logs (`sleep-YYYY-MM-DD.json`) as `sleep` samples, one per stretch of one stage.
//!
//! Two kinds of log sit side by side in one file:
//!
//! - **stages** logs (`"type": "stages"`, devices with a heart-rate sensor): levels `wake`, `light`,
//!   `deep`, `rem` → awake, core, deep, REM.
//! - **classic** logs (older devices, short naps): levels `asleep`, `restless`, `awake`. `asleep` is
//!   asleep (stage unknown), `awake` is awake, and **`restless` is awake**: Fitbit's own `minutesAsleep`
//!   leaves restless minutes out (danlsn/fitport's example: `minutesAsleep` 608 is the `asleep` summary
//!   alone, and 608 + 24 restless + 1 awake make its `timeInBed` 633), so counting them as sleep would
//!   give a longer night than Fitbit shows.
//!
//! Stages logs also carry `shortData`: wakes of three minutes or less that Fitbit leaves inside the
//! surrounding `data` stage but counts as wake in its summary. Category samples must not overlap (time in
//! each stage is summed), so each short wake is cut out of the stage it falls in and stored as awake:
//! the totals then match Fitbit's own. Short wakes inside a `wake` stage add nothing.
//!
//! Stages logs can contain an `unknown` level (a real 2025 log ends with an hour of it): time in the log
//! whose stage the tracker could not tell, stored as in bed, which counts as neither sleep nor wake.
//!
//! A log without level data (very old exports) is one asleep interval from start to end. Times are
//! local wall-clock times in the user's zone (see the `fitbit` module docs).

use std::borrow::Cow;

use jiff::{civil, SignedDuration, Timestamp};
use serde::Deserialize;
use wearhouse_model::{Metric, SleepStage};

use super::shared::{item, json_items, local_instant, local_sample, Diagnostics, Num};
use super::{parse_time, FitbitContext};
use crate::{FormatError, ParsedFile};

#[derive(Deserialize)]
struct SleepLog<'a> {
    #[serde(rename = "startTime", borrow)]
    start_time: Cow<'a, str>,
    #[serde(rename = "endTime", borrow, default)]
    end_time: Option<Cow<'a, str>>,
    /// Milliseconds.
    #[serde(default)]
    duration: Option<Num>,
    #[serde(borrow, default)]
    levels: Option<Levels<'a>>,
}

#[derive(Deserialize)]
struct Levels<'a> {
    #[serde(borrow, default)]
    data: Vec<Level<'a>>,
    #[serde(rename = "shortData", borrow, default)]
    short_data: Vec<Level<'a>>,
}

#[derive(Deserialize)]
struct Level<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Cow<'a, str>,
    #[serde(borrow)]
    level: Cow<'a, str>,
    seconds: Num,
}

/// One stretch of one stage.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stretch {
    start: Timestamp,
    end: Timestamp,
    stage: SleepStage,
}

/// No level lasts longer than a night; longer ones are garbage.
const MAX_LEVEL_SECONDS: f64 = 48.0 * 3600.0;

pub(super) fn read_sleep(
    path: &str,
    text: &str,
    ctx: &FitbitContext,
    diag: &mut Diagnostics,
    file: &mut ParsedFile,
) -> Result<(), FormatError> {
    let items = json_items(path, text, "a JSON array of sleep logs")?;
    for (index, raw) in items.iter().enumerate() {
        let Some(log) = item::<SleepLog>(raw, index, diag) else {
            continue;
        };
        // A stretch's end is its wall-clock start plus its length, read like every wall-clock time
        // (so that it follows the zone history as its start does, see `ParsedSample::floating`).
        let at_wall = |dt: civil::DateTime| local_instant(&ctx.zones, dt);
        let local = |t: &str| parse_time(t).and_then(at_wall);
        let Some(start) = local(&log.start_time) else {
            diag.warn("unparsable_date", || {
                format!("sleep log {index}: '{}' is not a Fitbit time", log.start_time)
            });
            continue;
        };
        let levels = log.levels.unwrap_or(Levels {
            data: Vec::new(),
            short_data: Vec::new(),
        });
        let mut stretches = Vec::new();
        if levels.data.is_empty() {
            let end = log.end_time.as_deref().and_then(local).or_else(|| {
                let ms = log.duration?.0;
                let wall = parse_time(&log.start_time)?;
                (ms.is_finite() && ms > 0.0 && ms <= MAX_LEVEL_SECONDS * 1000.0)
                    .then(|| wall.checked_add(SignedDuration::from_millis(ms as i64)).ok())
                    .flatten()
                    .and_then(at_wall)
            });
            match end {
                Some(end) if end > start => stretches.push(Stretch {
                    start,
                    end,
                    stage: SleepStage::Asleep,
                }),
                _ => diag.warn("bad_item", || {
                    format!("sleep log {index} has neither levels nor a usable end")
                }),
            }
        } else {
            let data = stretches_of(&levels.data, index, &at_wall, diag, false);
            let wakes = stretches_of(&levels.short_data, index, &at_wall, diag, true);
            overlay_short_wakes(&data, &wakes, &mut stretches);
        }
        for s in stretches {
            match local_sample(Metric::Sleep, f64::from(s.stage.code()), None, s.start, s.end) {
                Ok(sample) => file.samples.push(sample),
                Err(e) => diag.invalid(|| format!("sleep log {index}"), e),
            }
        }
    }
    Ok(())
}

/// The levels as timed stretches, sorted by start; with `wakes_only`, only the wake entries (shortData
/// holds nothing else, but a stray one must not overlay a stage).
fn stretches_of(
    levels: &[Level<'_>],
    log: usize,
    at_wall: &impl Fn(civil::DateTime) -> Option<Timestamp>,
    diag: &mut Diagnostics,
    wakes_only: bool,
) -> Vec<Stretch> {
    let mut out = Vec::with_capacity(levels.len());
    for level in levels {
        let Some(stage) = stage_of(&level.level) else {
            diag.warn("unknown_sleep_level", || {
                format!(
                    "sleep log {log}: level '{}' is not a Fitbit sleep level",
                    level.level
                )
            });
            continue;
        };
        if wakes_only && stage != SleepStage::Awake {
            continue;
        }
        let seconds = level.seconds.0;
        if !(seconds > 0.0 && seconds <= MAX_LEVEL_SECONDS) {
            diag.warn("bad_value", || {
                format!("sleep log {log}: a level of {seconds} seconds was skipped")
            });
            continue;
        }
        let Some((wall, start)) = parse_time(&level.date_time).and_then(|w| Some((w, at_wall(w)?))) else {
            diag.warn("unparsable_date", || {
                format!("sleep log {log}: '{}' is not a Fitbit time", level.date_time)
            });
            continue;
        };
        let Some(end) = wall
            .checked_add(SignedDuration::from_secs_f64(seconds))
            .ok()
            .and_then(at_wall)
        else {
            continue;
        };
        out.push(Stretch { start, end, stage });
    }
    out.sort_by_key(|s| s.start);
    out
}

fn stage_of(level: &str) -> Option<SleepStage> {
    Some(match level {
        "wake" | "awake" | "restless" => SleepStage::Awake,
        "light" => SleepStage::Core,
        "deep" => SleepStage::Deep,
        "rem" => SleepStage::Rem,
        "asleep" => SleepStage::Asleep,
        "unknown" => SleepStage::InBed,
        _ => return None,
    })
}

/// Cuts the short `wakes` out of the `data` stretches they fall in, emitting them as awake, so the
/// result does not overlap. Both inputs sorted by start; linear in their lengths (a wake straddling two
/// stretches is looked at for each).
fn overlay_short_wakes(data: &[Stretch], wakes: &[Stretch], out: &mut Vec<Stretch>) {
    let mut push = |start: Timestamp, end: Timestamp, stage: SleepStage| {
        if end > start {
            out.push(Stretch { start, end, stage });
        }
    };
    let mut first = 0;
    for s in data {
        if s.stage == SleepStage::Awake {
            push(s.start, s.end, s.stage);
            continue;
        }
        while wakes.get(first).is_some_and(|w| w.end <= s.start) {
            first += 1;
        }
        let mut cursor = s.start;
        for w in wakes.get(first..).unwrap_or_default() {
            if w.start >= s.end {
                break;
            }
            let wake_start = w.start.max(cursor);
            let wake_end = w.end.min(s.end);
            if wake_end <= wake_start {
                continue;
            }
            push(cursor, wake_start, s.stage);
            push(wake_start, wake_end, SleepStage::Awake);
            cursor = wake_end;
        }
        push(cursor, s.end, s.stage);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_600_000_000 + minute * 60).unwrap()
    }

    fn stretch(from: i64, to: i64, stage: SleepStage) -> Stretch {
        Stretch {
            start: at(from),
            end: at(to),
            stage,
        }
    }

    #[test]
    fn short_wakes_are_cut_out_of_the_stage_they_interrupt() {
        use SleepStage::{Awake, Core, Deep};
        let data = [
            stretch(0, 30, Core),
            stretch(30, 60, Deep),
            stretch(60, 70, Awake),
        ];
        // One inside light, one straddling light→deep, one inside the wake stage.
        let wakes = [
            stretch(10, 12, Awake),
            stretch(29, 31, Awake),
            stretch(62, 63, Awake),
        ];
        let mut out = Vec::new();
        overlay_short_wakes(&data, &wakes, &mut out);
        assert_eq!(
            out,
            vec![
                stretch(0, 10, Core),
                stretch(10, 12, Awake),
                stretch(12, 29, Core),
                stretch(29, 30, Awake),
                stretch(30, 31, Awake),
                stretch(31, 60, Deep),
                stretch(60, 70, Awake),
            ]
        );
        let total: i64 = out.iter().map(|s| s.end.duration_since(s.start).as_secs()).sum();
        assert_eq!(total, 70 * 60, "no overlap and no gap");
    }
}
