//! Per-day figures from a merged series: the sum for cumulative metrics (intervals split at local
//! midnights in proportion to time), and count, sum, minimum and maximum of readings for instantaneous
//! ones (each reading on the local day of its instant).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::Timestamp;

use crate::merge::{MergedPiece, SourcedInterval};
use crate::{local_date, split_by_local_day, ZoneHistory};

pub use wearhouse_model::DayFigures;

const MICROS: i64 = 1_000_000;

pub(crate) fn instant(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) fn offset(minutes: Option<i16>) -> Option<Offset> {
    minutes.and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok())
}

/// Daily sums of a merged cumulative series. `minimum`/`maximum` are the smallest and largest
/// contribution of one merged piece to the day.
pub fn daily_cumulative(pieces: &[MergedPiece], zones: &ZoneHistory) -> BTreeMap<Date, DayFigures> {
    let mut days: BTreeMap<Date, DayFigures> = BTreeMap::new();
    for piece in pieces {
        for share in split_by_local_day(
            instant(piece.start),
            instant(piece.end),
            offset(piece.offset_minutes),
            zones,
        ) {
            days.entry(share.date)
                .or_default()
                .add(piece.value * share.fraction);
        }
    }
    days
}

/// Merges instantaneous readings by time slice: within each slice of `slice_micros`, only the readings
/// of the best-ranked source present are kept (a watch and a phone both measuring heart rate in the
/// same minute count once, from the watch).
pub fn merge_readings(readings: &[SourcedInterval], slice_micros: i64) -> Vec<MergedPiece> {
    let slice_of = |r: &SourcedInterval| r.start.div_euclid(slice_micros.max(1));
    let mut sorted: Vec<&SourcedInterval> = readings.iter().filter(|r| r.value.is_finite()).collect();
    sorted.sort_by_key(|r| (slice_of(r), r.rank, r.source, r.start));
    let mut kept = Vec::with_capacity(sorted.len());
    let mut current: Option<(i64, u32, u32)> = None;
    for r in sorted {
        let slice = slice_of(r);
        match current {
            Some((s, rank, source)) if s == slice && (rank, source) != (r.rank, r.source) => continue,
            Some((s, _, _)) if s == slice => {}
            _ => current = Some((slice, r.rank, r.source)),
        }
        kept.push(MergedPiece {
            start: r.start,
            end: r.start,
            value: r.value,
            source: r.source,
            offset_minutes: r.offset_minutes,
        });
    }
    kept.sort_by_key(|p| (p.start, p.source));
    kept
}

/// Daily count, sum, minimum and maximum of readings.
pub fn daily_readings(readings: &[MergedPiece], zones: &ZoneHistory) -> BTreeMap<Date, DayFigures> {
    let mut days: BTreeMap<Date, DayFigures> = BTreeMap::new();
    for r in readings {
        let date = local_date(instant(r.start), offset(r.offset_minutes), zones);
        days.entry(date).or_default().add(r.value);
    }
    days
}

/// Seconds to the microseconds the merge works in.
pub fn micros(seconds: i64) -> i64 {
    seconds.saturating_mul(MICROS)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::merge_intervals;

    const WATCH: u32 = 1;
    const PHONE: u32 = 2;

    fn at(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_microsecond()
    }

    fn sample(start: &str, end: &str, value: f64, source: u32) -> SourcedInterval {
        SourcedInterval::plain(
            at(start),
            at(end),
            value,
            source,
            if source == WATCH { 1 } else { 3 },
        )
    }

    #[test]
    fn steps_from_watch_and_phone_make_exact_daily_totals_across_midnight() {
        let berlin = ZoneHistory::fixed(TimeZone::get("Europe/Berlin").unwrap());
        // Watch: 600 steps 23:30–00:30 Berlin time (22:30–23:30 UTC), half on each day.
        // Phone: 900 steps 23:00–01:00 Berlin; the watch covers 23:30–00:30, the phone fills 23:00–23:30
        // (225 steps) and 00:30–01:00 (225 steps).
        let input = [
            sample("2026-01-15T22:30:00Z", "2026-01-15T23:30:00Z", 600.0, WATCH),
            sample("2026-01-15T22:00:00Z", "2026-01-16T00:00:00Z", 900.0, PHONE),
        ];
        let days = daily_cumulative(&merge_intervals(&input), &berlin);
        assert_eq!(days[&date(2026, 1, 15)].total, 225.0 + 300.0);
        assert_eq!(days[&date(2026, 1, 16)].total, 300.0 + 225.0);
        let merged: f64 = days.values().map(|d| d.total).sum();
        assert_eq!(merged, 1050.0);
        assert_ne!(merged, 1500.0, "the naive sum double counts the overlap");
    }

    #[test]
    fn heart_rate_from_two_sources_counts_each_minute_once() {
        let utc = ZoneHistory::fixed(TimeZone::UTC);
        let input = [
            sample("2026-01-15T10:00:10Z", "2026-01-15T10:00:10Z", 60.0, WATCH),
            sample("2026-01-15T10:00:20Z", "2026-01-15T10:00:20Z", 90.0, PHONE),
            sample("2026-01-15T10:01:05Z", "2026-01-15T10:01:05Z", 100.0, PHONE),
            sample("2026-01-15T10:02:00Z", "2026-01-15T10:02:00Z", 70.0, WATCH),
            sample("2026-01-15T10:02:30Z", "2026-01-15T10:02:30Z", 72.0, WATCH),
        ];
        let merged = merge_readings(&input, 60 * MICROS);
        let values: Vec<f64> = merged.iter().map(|r| r.value).collect();
        assert_eq!(
            values,
            [60.0, 100.0, 70.0, 72.0],
            "the phone only where the watch has nothing"
        );
        let day = daily_readings(&merged, &utc)[&date(2026, 1, 15)];
        assert_eq!(
            day,
            DayFigures {
                total: 302.0,
                minimum: 60.0,
                maximum: 100.0,
                count: 4
            }
        );
    }

    #[test]
    fn readings_fall_on_the_local_day_of_their_instant_or_observed_offset() {
        let ny = ZoneHistory::fixed(TimeZone::get("America/New_York").unwrap());
        let mut late = sample("2026-03-09T03:30:00Z", "2026-03-09T03:30:00Z", 55.0, WATCH);
        let by_zone = daily_readings(&merge_readings(&[late], 60 * MICROS), &ny);
        assert!(by_zone.contains_key(&date(2026, 3, 8)), "23:30 EDT on the 8th");
        late.offset_minutes = Some(60);
        let by_offset = daily_readings(&merge_readings(&[late], 60 * MICROS), &ny);
        assert!(
            by_offset.contains_key(&date(2026, 3, 9)),
            "04:30 at +01:00 on the 9th"
        );
    }
}
