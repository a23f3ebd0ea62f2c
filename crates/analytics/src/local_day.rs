//! The local day of a record. One rule, used everywhere:
//!
//! 1. If the offset from UTC observed when the value was measured is known, the local day is the date
//!    at that offset.
//! 2. Otherwise it is the date in the user's time zone *at that instant* (from their zone history),
//!    with that zone's DST rules.
//!
//! Cumulative intervals that cross local midnight are split across the days in proportion to time.
//! A sleep session belongs to the local day on which it ends.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::ZoneHistory;

/// The time zone that decides local time at `instant`.
fn zone_for(instant: Timestamp, observed: Option<Offset>, zones: &ZoneHistory) -> TimeZone {
    match observed {
        Some(offset) => TimeZone::fixed(offset),
        None => zones.zone_at(instant).clone(),
    }
}

/// The local date of `instant`. Runs for every sample a rollup reads, so it works from the offset
/// alone (a civil date is plain arithmetic from there) instead of building a zoned datetime.
pub fn local_date(instant: Timestamp, observed: Option<Offset>, zones: &ZoneHistory) -> Date {
    let offset = observed.unwrap_or_else(|| zones.zone_at(instant).to_offset(instant));
    offset.to_datetime(instant).date()
}

/// The local date a sleep session counts for: the day on which it ends.
pub fn sleep_date(end: Timestamp, observed: Option<Offset>, zones: &ZoneHistory) -> Date {
    local_date(end, observed, zones)
}

/// One day's share of an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayShare {
    pub date: Date,
    /// Fraction of the interval's duration that falls on `date` (the shares sum to 1).
    pub fraction: f64,
}

/// Splits `[start, end)` at local midnights. An instant (`start == end`) falls wholly on its day.
/// Midnight is found in the zone in force at each midnight, so a day that is 23 or 25 hours long
/// because of DST gets exactly its own hours.
pub fn split_by_local_day(
    start: Timestamp,
    end: Timestamp,
    observed: Option<Offset>,
    zones: &ZoneHistory,
) -> Vec<DayShare> {
    if end <= start {
        return vec![DayShare {
            date: local_date(start, observed, zones),
            fraction: 1.0,
        }];
    }
    let total = end.duration_since(start).as_secs_f64();
    let mut shares = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let zone = zone_for(cursor, observed, zones);
        let date = cursor.to_zoned(zone.clone()).date();
        let next_midnight = next_local_midnight(date, &zone).unwrap_or(end);
        let piece_end = next_midnight.min(end);
        let seconds = piece_end.duration_since(cursor).as_secs_f64();
        shares.push(DayShare {
            date,
            fraction: seconds / total,
        });
        if piece_end <= cursor {
            break; // cannot happen with a real zone; guards against an endless loop on bad tz data
        }
        cursor = piece_end;
    }
    shares
}

/// The instant the day after `date` starts in `zone` (its first valid time if midnight is skipped).
fn next_local_midnight(date: Date, zone: &TimeZone) -> Option<Timestamp> {
    let tomorrow = date.tomorrow().ok()?;
    let start = tomorrow.to_zoned(zone.clone()).ok()?.start_of_day().ok()?;
    Some(start.timestamp())
}

/// Length of a local day in `zone`, for tests and DST-aware averages.
pub fn day_length(date: Date, zone: &TimeZone) -> Option<SignedDuration> {
    let start = date.to_zoned(zone.clone()).ok()?.start_of_day().ok()?.timestamp();
    let end = next_local_midnight(date, zone)?;
    Some(end.duration_since(start))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn zone(name: &str) -> ZoneHistory {
        ZoneHistory::fixed(TimeZone::get(name).unwrap())
    }

    fn offset(hours: i8) -> Option<Offset> {
        Some(Offset::constant(hours))
    }

    #[test]
    fn berlin_days_across_the_spring_and_autumn_dst_changes() {
        let berlin = zone("Europe/Berlin");
        // 2026-03-29: clocks jump 02:00 → 03:00 CET→CEST. 22:30 UTC on the 28th is 23:30 CET (the 28th);
        // 22:30 UTC on the 29th is 00:30 CEST (the 30th).
        assert_eq!(
            local_date(ts("2026-03-28T22:30:00Z"), None, &berlin),
            date(2026, 3, 28)
        );
        assert_eq!(
            local_date(ts("2026-03-29T22:30:00Z"), None, &berlin),
            date(2026, 3, 30)
        );
        assert_eq!(
            local_date(ts("2026-03-29T21:59:59Z"), None, &berlin),
            date(2026, 3, 29)
        );
        // 2026-10-25: 03:00 CEST → 02:00 CET. 22:59 UTC on the 25th is 23:59 CET (still the 25th).
        assert_eq!(
            local_date(ts("2026-10-25T22:59:00Z"), None, &berlin),
            date(2026, 10, 25)
        );
        assert_eq!(
            local_date(ts("2026-10-25T23:00:00Z"), None, &berlin),
            date(2026, 10, 26)
        );
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(
            day_length(date(2026, 3, 29), &tz),
            Some(SignedDuration::from_hours(23))
        );
        assert_eq!(
            day_length(date(2026, 10, 25), &tz),
            Some(SignedDuration::from_hours(25))
        );
    }

    #[test]
    fn new_york_days_across_dst() {
        let ny = zone("America/New_York");
        // 2026-03-08: 02:00 EST → 03:00 EDT. 04:30 UTC on the 9th is 00:30 EDT (the 9th); 04:30 UTC on
        // the 8th is 23:30 EST (the 7th).
        assert_eq!(
            local_date(ts("2026-03-08T04:30:00Z"), None, &ny),
            date(2026, 3, 7)
        );
        assert_eq!(
            local_date(ts("2026-03-09T04:30:00Z"), None, &ny),
            date(2026, 3, 9)
        );
        // 2026-11-01: 02:00 EDT → 01:00 EST. 04:30 UTC on the 2nd is 23:30 EST (the 1st).
        assert_eq!(
            local_date(ts("2026-11-02T04:30:00Z"), None, &ny),
            date(2026, 11, 1)
        );
        assert_eq!(
            local_date(ts("2026-11-02T05:00:00Z"), None, &ny),
            date(2026, 11, 2)
        );
    }

    #[test]
    fn the_observed_offset_wins_over_the_profile_zone() {
        let berlin = zone("Europe/Berlin");
        // Measured in New York (observed -05:00) while the profile says Berlin.
        let instant = ts("2026-01-15T03:00:00Z");
        assert_eq!(local_date(instant, None, &berlin), date(2026, 1, 15));
        assert_eq!(local_date(instant, offset(-5), &berlin), date(2026, 1, 14));
    }

    #[test]
    fn a_traveller_keeps_the_zone_of_each_period() {
        let history = ZoneHistory::new(vec![
            (
                ts("2026-01-01T00:00:00Z"),
                TimeZone::get("Europe/Berlin").unwrap(),
            ),
            (ts("2026-07-10T12:00:00Z"), TimeZone::get("Asia/Tokyo").unwrap()),
        ]);
        // 2026-07-09 23:30 UTC: Berlin (CEST) says 01:30 on the 10th.
        assert_eq!(
            local_date(ts("2026-07-09T23:30:00Z"), None, &history),
            date(2026, 7, 10)
        );
        // 2026-07-10 16:30 UTC: Tokyo (+09:00) says 01:30 on the 11th.
        assert_eq!(
            local_date(ts("2026-07-10T16:30:00Z"), None, &history),
            date(2026, 7, 11)
        );
    }

    #[test]
    fn intervals_crossing_midnight_are_split_in_proportion_to_time() {
        let berlin = zone("Europe/Berlin");
        // 23:30–00:30 CET: half on each day.
        let shares = split_by_local_day(
            ts("2026-01-15T22:30:00Z"),
            ts("2026-01-15T23:30:00Z"),
            None,
            &berlin,
        );
        assert_eq!(
            shares,
            vec![
                DayShare {
                    date: date(2026, 1, 15),
                    fraction: 0.5
                },
                DayShare {
                    date: date(2026, 1, 16),
                    fraction: 0.5
                }
            ]
        );
        // Within a day: one share.
        let one = split_by_local_day(
            ts("2026-01-15T08:00:00Z"),
            ts("2026-01-15T09:00:00Z"),
            None,
            &berlin,
        );
        assert_eq!(
            one,
            vec![DayShare {
                date: date(2026, 1, 15),
                fraction: 1.0
            }]
        );
        // An instant.
        let point = split_by_local_day(
            ts("2026-01-15T08:00:00Z"),
            ts("2026-01-15T08:00:00Z"),
            None,
            &berlin,
        );
        assert_eq!(
            point,
            vec![DayShare {
                date: date(2026, 1, 15),
                fraction: 1.0
            }]
        );
    }

    #[test]
    fn a_split_over_the_short_dst_day_gives_it_23_hours() {
        let berlin = zone("Europe/Berlin");
        // From 2026-03-28 23:00 CET (22:00 UTC) to 2026-03-30 01:00 CEST (23:00 UTC on the 29th): 1 h on the
        // 28th, 23 h on the 29th, 1 h on the 30th; 25 hours in all.
        let shares = split_by_local_day(
            ts("2026-03-28T22:00:00Z"),
            ts("2026-03-29T23:00:00Z"),
            None,
            &berlin,
        );
        let dates: Vec<Date> = shares.iter().map(|s| s.date).collect();
        assert_eq!(dates, [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]);
        let hours: Vec<f64> = shares
            .iter()
            .map(|s| (s.fraction * 25.0 * 1e9).round() / 1e9)
            .collect();
        assert_eq!(hours, [1.0, 23.0, 1.0]);
    }

    #[test]
    fn sleep_counts_for_the_day_it_ends() {
        let ny = zone("America/New_York");
        // 23:10 → 06:40 local, ending on 2026-02-11.
        assert_eq!(
            sleep_date(ts("2026-02-11T11:40:00Z"), None, &ny),
            date(2026, 2, 11)
        );
        // With an observed offset of +01:00 (measured while in Paris), 23:40 UTC is 00:40 on the 12th.
        assert_eq!(
            sleep_date(ts("2026-02-11T23:40:00Z"), offset(1), &ny),
            date(2026, 2, 12)
        );
    }
}
