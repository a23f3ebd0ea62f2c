//! When a session ended and how long the athlete moved in it. The session message gives both when the
//! device wrote them (`total_elapsed_time`, `total_moving_time`); otherwise they come from the records and
//! the timer's events. It decides times only: which records belong to which session is `assemble`'s.

use super::collect::{Point, Session};

/// Between two records, the athlete counts as moving when the later one's speed exceeds this: 1.8 km/h,
/// slower than any walk, faster than GPS drift while standing. The GPX and TCX readers use the same
/// threshold (`track.rs`), so a run moves as long whichever file it came from.
const MOVING_SPEED_M_S: f64 = 0.5;

/// Two records further apart than this are a gap in the recording (signal lost, watch asleep), not
/// time spent moving. Devices that record "smartly" space records by up to about 30 s while moving in the
/// public samples, every second otherwise.
const MAX_MOVING_HOP_S: u32 = 60;

/// The intervals `[stop, restart)` during which the timer was stopped (pauses, auto-pause, and the time
/// after the final stop), sorted, from timer events in file order.
pub fn pauses(events: &[(u32, bool)]) -> Vec<(u32, u32)> {
    let mut events = events.to_vec();
    events.sort_by_key(|&(t, _)| t);
    let mut out = Vec::new();
    let mut stopped_at: Option<u32> = None;
    for (t, runs) in events {
        match (runs, stopped_at) {
            (false, None) => stopped_at = Some(t),
            (true, Some(stop)) => {
                if t > stop {
                    out.push((stop, t));
                }
                stopped_at = None;
            }
            _ => {}
        }
    }
    if let Some(stop) = stopped_at {
        out.push((stop, u32::MAX));
    }
    out
}

/// Seconds spent moving over a session's records (`indices` into `points`, in time order): the time up to
/// each record faster than [`MOVING_SPEED_M_S`] (its speed, or the distance covered since the previous
/// record when it has none), leaving out hops that overlap a pause of the timer or last longer than
/// [`MAX_MOVING_HOP_S`]. `None` when no record has a speed or distance (an indoor trainer without a speed
/// sensor): "moving" cannot be told there.
pub fn moving_seconds(points: &[Point], indices: &[usize], pauses: &[(u32, u32)]) -> Option<f64> {
    let mut chosen = indices.iter().filter_map(|&k| points.get(k));
    let mut previous = chosen.next()?;
    let mut measurable = previous.speed.is_some() || previous.distance.is_some();
    let mut moving = 0u64;
    let mut pause = 0usize;
    for point in chosen {
        let (from, to) = (previous.timestamp, point.timestamp);
        let hop = to.saturating_sub(from);
        let speed = point.speed.or_else(|| {
            let covered = point.distance? - previous.distance?;
            (hop > 0).then(|| covered / f64::from(hop))
        });
        measurable |= speed.is_some() || point.distance.is_some();
        // Pauses are sorted and disjoint, and hops come in time order: skip those that ended before it.
        while pauses.get(pause).is_some_and(|&(_, restart)| restart <= from) {
            pause += 1;
        }
        let paused = pauses.get(pause).is_some_and(|&(stop, _)| stop < to);
        if hop > 0 && hop <= MAX_MOVING_HOP_S && !paused && speed.is_some_and(|s| s > MOVING_SPEED_M_S) {
            moving += u64::from(hop);
        }
        previous = point;
    }
    measurable.then_some(moving as f64)
}

/// The activity's end: when the timer stopped (start + elapsed time), or the last record when the
/// device wrote one later (a record a second or two after the stop is common). Never earlier than a
/// record, so that a truncated copy of the file, which ends at its last record, never ends after the
/// complete one. Without an elapsed time, the session message's timestamp, as the file gives nothing
/// better.
pub fn session_end(session: &Session, last_record: Option<u32>) -> u32 {
    let end = match session.elapsed_end {
        Some(end) => end.max(last_record.unwrap_or(end)),
        None => session.end,
    };
    end.max(session.start)
}

/// Records that end this much sooner than the timer ran are not the whole session (a file damaged
/// part-way: the Strava sample keeps 5 minutes of records of a 59-minute run), so their moving time is not
/// the session's.
const INCOMPLETE_RECORDS_S: f64 = 60.0;

/// Moving time of a session whose records are `indices` into `points`: the device's own figure, else the
/// records', else the timer time. Never more than the timer ran (the records' count can exceed it by the
/// odd second) nor than the activity lasted (`duration`).
pub fn moving_time(
    session: &Session,
    points: &[Point],
    indices: &[usize],
    pauses: &[(u32, u32)],
    duration: u32,
) -> Option<f64> {
    let from_records = || {
        let first = indices.first().and_then(|&k| points.get(k))?;
        let last = indices.last().and_then(|&k| points.get(k))?;
        let span = f64::from(last.timestamp.saturating_sub(first.timestamp));
        if session
            .timer
            .is_some_and(|timer| span + INCOMPLETE_RECORDS_S < timer)
        {
            return None;
        }
        let moving = moving_seconds(points, indices, pauses)?;
        Some(session.timer.map_or(moving, |timer| moving.min(timer)))
    };
    let moving = session.moving.or_else(from_records).or(session.timer)?;
    Some(moving.clamp(0.0, f64::from(duration)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(timestamp: u32, speed: Option<f64>, distance: Option<f64>) -> Point {
        Point {
            timestamp,
            speed,
            distance,
            ..Point::default()
        }
    }

    #[test]
    fn stops_and_restarts_become_pauses() {
        let events = [
            (0, true),
            (10, false),
            (10, false),
            (25, true),
            (40, false),
            (40, true),
            (50, false),
        ];
        assert_eq!(pauses(&events), vec![(10, 25), (50, u32::MAX)]);
        assert_eq!(pauses(&[]), vec![]);
    }

    #[test]
    fn moving_time_skips_standing_pauses_and_gaps() {
        let points = [
            point(0, Some(3.0), None),
            point(1, Some(3.0), None),   // 1 s moving
            point(2, Some(0.2), None),   // standing
            point(5, Some(3.0), None),   // 3 s moving
            point(20, Some(3.0), None),  // after a pause (6..18): not counted
            point(21, Some(3.0), None),  // 1 s
            point(200, Some(3.0), None), // a gap of 179 s: not counted
            point(202, None, None),      // no speed: not moving
        ];
        let all: Vec<usize> = (0..points.len()).collect();
        assert_eq!(moving_seconds(&points, &all, &[(6, 18)]), Some(5.0));
        assert_eq!(moving_seconds(&points, &all[..2], &[]), Some(1.0));
        // Speed from distance when a record has none.
        let by_distance = [
            point(0, None, Some(0.0)),
            point(4, None, Some(10.0)),
            point(8, None, Some(11.0)),
        ];
        assert_eq!(moving_seconds(&by_distance, &[0, 1, 2], &[]), Some(4.0));
        // Nothing to measure with.
        let indoor = [point(0, None, None), point(1, None, None)];
        assert_eq!(moving_seconds(&indoor, &[0, 1], &[]), None);
        assert_eq!(moving_seconds(&indoor, &[], &[]), None);
    }
}
