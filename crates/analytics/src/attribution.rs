//! Where a day's figure comes from: each source's intervals on one local day, with the part of each that
//! the merge counted and the part it set aside (because a source of higher priority covered the same
//! minutes). The counted parts add up to the day's figure exactly as the rollups compute it, since they
//! are the same merged pieces, split at the same local midnights.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::merge::{MergedPiece, SourcedInterval};
use crate::rollup::{instant, offset};
use crate::{split_by_local_day, ZoneHistory};

/// One input interval as it bears on a local day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attributed {
    /// The interval as given (microseconds since the epoch; `end == start` for an instant).
    pub start: i64,
    pub end: i64,
    pub source: u32,
    /// The interval's value that falls on the day (all of it for a reading or an interval within the
    /// day; the share of its duration otherwise).
    pub value: f64,
    /// Of `value`, what the merge counted on the day.
    pub counted: f64,
}

/// Intervals of one source looked at, back from a piece's start, for the one it came from: far more
/// than one source ever overlaps itself, and a bound on the work whatever the input.
const SEARCH_BACK: usize = 256;

/// Rates closer than this (relative) are one rate: a piece's value is its interval's share, computed
/// in floating point.
const RATE_TOLERANCE: f64 = 1e-9;

/// An instant counts as one microsecond long, as in the merge.
fn effective_end(interval: &SourcedInterval) -> i64 {
    interval.end.max(interval.start + 1)
}

/// Value per microsecond.
fn rate(value: f64, start: i64, end: i64) -> f64 {
    value / (end.max(start + 1) - start) as f64
}

/// The share of `[start, end)` that falls on `date`.
fn day_fraction(start: i64, end: i64, offset_minutes: Option<i16>, date: Date, zones: &ZoneHistory) -> f64 {
    split_by_local_day(instant(start), instant(end), offset(offset_minutes), zones)
        .into_iter()
        .filter(|share| share.date == date)
        .map(|share| share.fraction)
        .sum()
}

/// A cumulative metric's intervals on `date`, given the intervals and what `merge_intervals` made of
/// them. Each merged piece is part of one interval of its source (or of a summary's excess, which lies
/// inside the summary): it is credited to the interval of its source that contains it. Intervals with
/// nothing on the day are left out; the result is ordered by source, then start.
pub fn attribute_cumulative(
    intervals: &[SourcedInterval],
    pieces: &[MergedPiece],
    date: Date,
    zones: &ZoneHistory,
) -> Vec<Attributed> {
    // Each source's intervals, by start, as indexes into `intervals`.
    let mut by_source: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, interval) in intervals.iter().enumerate() {
        by_source.entry(interval.source).or_default().push(i);
    }
    for list in by_source.values_mut() {
        list.sort_by_key(|&i| (intervals[i].start, intervals[i].end));
    }
    let mut counted = vec![0.0; intervals.len()];
    for piece in pieces {
        let Some(list) = by_source.get(&piece.source) else {
            continue;
        };
        let on_day = piece.value * day_fraction(piece.start, piece.end, piece.offset_minutes, date, zones);
        if on_day == 0.0 {
            continue;
        }
        // Among the source's intervals that contain the piece (several where one source recorded
        // overlapping intervals), the one whose value per unit of time is the piece's: a piece is a
        // proportional share of its interval. A summary's excess has a rate of its own and falls to the
        // closest. Searched back from the last interval starting at or before the piece.
        let before = list.partition_point(|&i| intervals[i].start <= piece.start);
        let piece_rate = rate(piece.value, piece.start, piece.end);
        let best = list[..before]
            .iter()
            .rev()
            .take(SEARCH_BACK)
            .filter(|&&i| effective_end(&intervals[i]) >= piece.end)
            .min_by(|&&a, &&b| {
                let off = |i: usize| {
                    let interval = &intervals[i];
                    (rate(interval.value, interval.start, interval.end) - piece_rate).abs()
                };
                let (off_a, off_b) = (off(a), off(b));
                if (off_a - off_b).abs() <= RATE_TOLERANCE * piece_rate.abs() {
                    // Equal rates: the piece could be either's; the one with more left uncounted.
                    let left = |i: usize| intervals[i].value - counted[i];
                    left(b).total_cmp(&left(a))
                } else {
                    off_a.total_cmp(&off_b)
                }
            });
        if let Some(&i) = best {
            counted[i] += on_day;
        }
    }
    let mut out: Vec<Attributed> = intervals
        .iter()
        .zip(counted)
        .filter_map(|(interval, counted)| {
            let fraction = day_fraction(interval.start, interval.end, interval.offset_minutes, date, zones);
            (fraction > 0.0).then_some(Attributed {
                start: interval.start,
                end: interval.end,
                source: interval.source,
                value: interval.value * fraction,
                counted,
            })
        })
        .collect();
    out.sort_by_key(|a| (a.source, a.start, a.end));
    out
}

/// An instantaneous metric's readings on `date`, each counted wholly when `merge_readings` kept it and
/// not at all when a reading of a source of higher priority in the same slice displaced it.
pub fn attribute_readings(
    readings: &[SourcedInterval],
    kept: &[MergedPiece],
    date: Date,
    zones: &ZoneHistory,
) -> Vec<Attributed> {
    let kept: HashSet<(u32, i64, u64)> = kept
        .iter()
        .map(|p| (p.source, p.start, p.value.to_bits()))
        .collect();
    let mut out: Vec<Attributed> = readings
        .iter()
        .filter(|r| r.value.is_finite())
        .filter(|r| crate::local_date(instant(r.start), offset(r.offset_minutes), zones) == date)
        .map(|r| Attributed {
            start: r.start,
            end: r.end,
            source: r.source,
            value: r.value,
            counted: if kept.contains(&(r.source, r.start, r.value.to_bits())) {
                r.value
            } else {
                0.0
            },
        })
        .collect();
    out.sort_by_key(|a| (a.source, a.start, a.end));
    out
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::{daily_cumulative, merge_intervals, merge_readings};

    const MIN: i64 = 60_000_000;

    fn utc() -> ZoneHistory {
        ZoneHistory::fixed(TimeZone::UTC)
    }

    /// 2026-03-01T00:00:00Z plus `minutes`, in microseconds.
    fn at(minutes: i64) -> i64 {
        1_772_323_200_000_000 + minutes * MIN
    }

    #[test]
    fn the_watch_wins_where_it_overlaps_the_phone_and_the_phone_fills_the_rest() {
        let watch = 1;
        let phone = 2;
        let intervals = [
            // The watch: 09:00–10:00, 600 steps.
            SourcedInterval::plain(at(540), at(600), 600.0, watch, 0),
            // The phone: 09:30–10:30, 300 steps; its first half overlaps the watch.
            SourcedInterval::plain(at(570), at(630), 300.0, phone, 1),
        ];
        let pieces = merge_intervals(&intervals);
        let day = attribute_cumulative(&intervals, &pieces, date(2026, 3, 1), &utc());
        assert_eq!(day.len(), 2);
        assert_eq!(
            (day[0].source, day[0].value, day[0].counted),
            (watch, 600.0, 600.0)
        );
        assert_eq!((day[1].source, day[1].value), (phone, 300.0));
        assert!((day[1].counted - 150.0).abs() < 1e-9, "{day:?}");
        // Reordered priority: the phone wins its whole interval, the watch keeps what the phone left.
        let swapped = [
            SourcedInterval::plain(at(540), at(600), 600.0, watch, 1),
            SourcedInterval::plain(at(570), at(630), 300.0, phone, 0),
        ];
        let day = attribute_cumulative(&swapped, &merge_intervals(&swapped), date(2026, 3, 1), &utc());
        assert!((day[0].counted - 300.0).abs() < 1e-9, "{day:?}");
        assert!((day[1].counted - 300.0).abs() < 1e-9, "{day:?}");
    }

    #[test]
    fn overlapping_intervals_of_one_source_at_one_rate_each_get_their_own() {
        // One source counted 10:00–10:10 and 10:05–10:15, 100 steps each (a device that resent a
        // window): both count in full where they overlap, as the merge adds a source to itself.
        let intervals = [
            SourcedInterval::plain(at(600), at(610), 100.0, 1, 0),
            SourcedInterval::plain(at(605), at(615), 100.0, 1, 0),
        ];
        let pieces = merge_intervals(&intervals);
        let day = attribute_cumulative(&intervals, &pieces, date(2026, 3, 1), &utc());
        for a in &day {
            assert!((a.counted - 100.0).abs() < 1e-9, "{day:?}");
        }
    }

    #[test]
    fn an_interval_across_midnight_shows_its_share_of_each_day() {
        // 23:00–01:00, 120 steps: 60 on each day, all counted.
        let intervals = [SourcedInterval::plain(at(23 * 60), at(25 * 60), 120.0, 1, 0)];
        let pieces = merge_intervals(&intervals);
        for day in [date(2026, 3, 1), date(2026, 3, 2)] {
            let got = attribute_cumulative(&intervals, &pieces, day, &utc());
            assert_eq!(got.len(), 1);
            assert!(
                (got[0].value - 60.0).abs() < 1e-9 && (got[0].counted - 60.0).abs() < 1e-9,
                "{got:?}"
            );
        }
        assert!(attribute_cumulative(&intervals, &pieces, date(2026, 3, 3), &utc()).is_empty());
    }

    #[test]
    fn counted_parts_add_up_to_the_days_figure_whatever_the_overlaps() {
        // Three sources with intervals of many lengths and overlaps, some crossing midnight, a summary
        // nesting over its family's finer data, and an instant.
        let mut intervals = Vec::new();
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for source in 1..=3u32 {
            let mut t = 20 * 60 + next(120) as i64;
            for _ in 0..200 {
                let length = 1 + next(45) as i64;
                intervals.push(SourcedInterval::plain(
                    at(t),
                    at(t + length),
                    next(500) as f64,
                    source,
                    source,
                ));
                t += length + next(20) as i64 - 5;
            }
        }
        intervals.push(SourcedInterval::plain(
            at(23 * 60 + 30),
            at(23 * 60 + 30),
            40.0,
            4,
            0,
        ));
        let mut summary = SourcedInterval::plain(at(24 * 60), at(48 * 60), 50_000.0, 5, 9);
        summary.family = 1;
        summary.summary = true;
        intervals.push(summary);
        let pieces = merge_intervals(&intervals);
        let zones = utc();
        let days = daily_cumulative(&pieces, &zones);
        assert!(days.len() >= 2, "the data spans midnight");
        for (day, figures) in days {
            let attributed = attribute_cumulative(&intervals, &pieces, day, &zones);
            let counted: f64 = attributed.iter().map(|a| a.counted).sum();
            assert!(
                (counted - figures.total).abs() < 1e-6 * figures.total.max(1.0),
                "{day}: counted {counted}, rolled up {}",
                figures.total
            );
            for a in &attributed {
                assert!(a.counted <= a.value + 1e-6 && a.counted >= 0.0, "{a:?}");
            }
        }
    }

    #[test]
    fn a_reading_displaced_by_a_better_source_counts_nothing() {
        let watch = 1;
        let phone = 2;
        let readings = [
            SourcedInterval::plain(at(600), at(600), 61.0, watch, 0),
            SourcedInterval::plain(at(600), at(600), 70.0, phone, 1),
            SourcedInterval::plain(at(700), at(700), 72.0, phone, 1),
        ];
        let kept = merge_readings(&readings, MIN);
        let day = attribute_readings(&readings, &kept, date(2026, 3, 1), &utc());
        let counted: Vec<(u32, f64, f64)> = day.iter().map(|a| (a.source, a.value, a.counted)).collect();
        assert_eq!(
            counted,
            vec![(watch, 61.0, 61.0), (phone, 70.0, 0.0), (phone, 72.0, 72.0)]
        );
        assert!(attribute_readings(&readings, &kept, date(2026, 3, 2), &utc()).is_empty());
    }
}
