//! A user's time-zone history: which IANA zone they lived in from when. Changing the profile's zone
//! starts a new period; earlier data keeps the zone of its own time.

use jiff::civil;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Periods ordered by start. The first period also covers everything before its start, so data older
/// than the account still has a zone.
#[derive(Debug, Clone)]
pub struct ZoneHistory {
    periods: Vec<(Timestamp, TimeZone)>,
}

impl ZoneHistory {
    /// One zone for all time.
    pub fn fixed(zone: TimeZone) -> Self {
        Self {
            periods: vec![(Timestamp::MIN, zone)],
        }
    }

    /// From `(valid_from, zone)` pairs in any order. An empty list means UTC.
    pub fn new(mut periods: Vec<(Timestamp, TimeZone)>) -> Self {
        if periods.is_empty() {
            return Self::fixed(TimeZone::UTC);
        }
        periods.sort_by_key(|(from, _)| *from);
        Self { periods }
    }

    /// From stored `(valid_from, zone name)` periods. A name the zone database no longer knows is
    /// skipped: its period falls to the one before.
    pub fn from_names(periods: &[(Timestamp, wearhouse_model::TimeZoneName)]) -> Self {
        Self::new(
            periods
                .iter()
                .filter_map(|(from, zone)| TimeZone::get(zone.as_str()).ok().map(|tz| (*from, tz)))
                .collect(),
        )
    }

    /// The periods, oldest first; the first one's start stands for all time before it.
    pub fn periods(&self) -> &[(Timestamp, TimeZone)] {
        &self.periods
    }

    /// The instants whose zone differs between `self` and `other`, as ordered, disjoint half-open
    /// ranges `[from, until)`; `Timestamp::MIN`/`MAX` stand for the open ends. Zones compare by
    /// their rules, so renaming a period to a link of the same zone changes nothing.
    pub fn differences(&self, other: &ZoneHistory) -> Vec<(Timestamp, Timestamp)> {
        let mut bounds: Vec<Timestamp> = self
            .periods
            .iter()
            .chain(&other.periods)
            .map(|(from, _)| *from)
            .filter(|from| *from > Timestamp::MIN)
            .collect();
        bounds.sort();
        bounds.dedup();
        let mut ranges: Vec<(Timestamp, Timestamp)> = Vec::new();
        let mut start = Timestamp::MIN;
        for end in bounds.into_iter().chain([Timestamp::MAX]) {
            // Within [start, end) neither history starts a period, so one instant tells for all.
            if self.zone_at(start) != other.zone_at(start) {
                match ranges.last_mut() {
                    Some(last) if last.1 == start => last.1 = end,
                    _ => ranges.push((start, end)),
                }
            }
            start = end;
        }
        ranges
    }

    /// The moment a wall-clock time names, read in the zone the user lived in then: the first period
    /// whose zone puts that time before the next period starts (so a time both periods have, around
    /// a move west, is the earlier period's, and one neither has, around a move east, the later's).
    /// Within a zone, a time skipped or repeated by a DST change resolves as RFC 5545 and java.time
    /// do: the later side of a gap, the earlier of a fold.
    pub fn to_instant(&self, local: civil::DateTime) -> Option<Timestamp> {
        let mut found = None;
        for (i, (_, zone)) in self.periods.iter().enumerate() {
            let Ok(at) = zone.to_ambiguous_timestamp(local).compatible() else {
                continue;
            };
            found = Some(at);
            match self.periods.get(i + 1) {
                Some((next, _)) if at >= *next => continue,
                _ => break,
            }
        }
        found
    }

    /// The local day `date` as `[start, start of the next day)`, each read as [`ZoneHistory::to_instant`]
    /// reads a wall-clock time: 23 or 25 hours on DST days, and shorter or longer on the day of a move.
    pub fn local_day(&self, date: civil::Date) -> Option<(Timestamp, Timestamp)> {
        let start = self.to_instant(date.to_datetime(civil::Time::midnight()))?;
        let end = self.to_instant(date.tomorrow().ok()?.to_datetime(civil::Time::midnight()))?;
        Some((start, end))
    }

    /// The zone in force at `instant`.
    pub fn zone_at(&self, instant: Timestamp) -> &TimeZone {
        let after = self.periods.partition_point(|(from, _)| *from <= instant);
        // `periods` is never empty (see constructors); before the first period the first zone applies.
        &self.periods[after.saturating_sub(1)].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_in_force_is_the_latest_period_started() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let ny = TimeZone::get("America/New_York").unwrap();
        let moved: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let history = ZoneHistory::new(vec![
            (moved, ny.clone()),
            ("2020-01-01T00:00:00Z".parse().unwrap(), berlin.clone()),
        ]);
        assert_eq!(
            history.zone_at("2019-05-05T00:00:00Z".parse().unwrap()),
            &berlin,
            "before the first period"
        );
        assert_eq!(history.zone_at("2026-05-31T00:00:00Z".parse().unwrap()), &berlin);
        assert_eq!(history.zone_at(moved), &ny, "a period starts at its instant");
        assert_eq!(ZoneHistory::new(vec![]).zone_at(moved), &TimeZone::UTC);
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_wall_clock_time_is_read_in_the_zone_lived_in_then() {
        let zone = |n: &str| TimeZone::get(n).unwrap();
        let local = |s: &str| s.parse::<civil::DateTime>().unwrap();
        // Berlin, then New York from 2024-06-01 16:00 UTC (noon in New York).
        let history = ZoneHistory::new(vec![
            (Timestamp::MIN, zone("Europe/Berlin")),
            (at("2024-06-01T16:00:00Z"), zone("America/New_York")),
        ]);
        assert_eq!(
            history.to_instant(local("2024-05-20T08:00")),
            Some(at("2024-05-20T06:00:00Z")),
            "Berlin (CEST)"
        );
        assert_eq!(
            history.to_instant(local("2024-06-02T08:00")),
            Some(at("2024-06-02T12:00:00Z")),
            "New York (EDT)"
        );
        // 1 June 15:00: in Berlin that is 13:00 UTC, before the move: Berlin's (the earlier period).
        assert_eq!(
            history.to_instant(local("2024-06-01T15:00")),
            Some(at("2024-06-01T13:00:00Z"))
        );
        // 1 June 20:00: Berlin's would be 18:00 UTC, after the move: New York's.
        assert_eq!(
            history.to_instant(local("2024-06-01T20:00")),
            Some(at("2024-06-02T00:00:00Z"))
        );
        // Berlin's spring-forward gap: the later side.
        assert_eq!(
            history.to_instant(local("2024-03-31T02:30")),
            Some(at("2024-03-31T01:30:00Z"))
        );
        // The day of a move runs from midnight in the old zone to midnight in the new one.
        assert_eq!(
            history.local_day("2024-06-01".parse().unwrap()),
            Some((at("2024-05-31T22:00:00Z"), at("2024-06-02T04:00:00Z")))
        );
        assert_eq!(
            ZoneHistory::new(vec![]).to_instant(local("2024-06-01T00:00")),
            Some(at("2024-06-01T00:00:00Z"))
        );
    }

    #[test]
    fn differences_are_the_instants_whose_zone_changed() {
        let zone = |n: &str| TimeZone::get(n).unwrap();
        let before = ZoneHistory::new(vec![
            (at("2020-01-01T00:00:00Z"), zone("Europe/Berlin")),
            (at("2024-01-01T00:00:00Z"), zone("America/New_York")),
        ]);
        // Same history: nothing.
        assert_eq!(before.differences(&before.clone()), vec![]);
        // Sydney until 2019-03, then Berlin, then New York from 2024: only before 2019-03 differs
        // (the first period covers all the past).
        let after = ZoneHistory::new(vec![
            (Timestamp::MIN, zone("Australia/Sydney")),
            (at("2019-03-01T00:00:00Z"), zone("Europe/Berlin")),
            (at("2024-01-01T00:00:00Z"), zone("America/New_York")),
        ]);
        assert_eq!(
            before.differences(&after),
            vec![(Timestamp::MIN, at("2019-03-01T00:00:00Z"))]
        );
        // Moving to New York later: the months in between differ, and the answer is symmetric.
        let later = ZoneHistory::new(vec![
            (at("2020-01-01T00:00:00Z"), zone("Europe/Berlin")),
            (at("2024-06-01T00:00:00Z"), zone("America/New_York")),
        ]);
        let moved = vec![(at("2024-01-01T00:00:00Z"), at("2024-06-01T00:00:00Z"))];
        assert_eq!(before.differences(&later), moved);
        assert_eq!(later.differences(&before), moved);
        // A new zone from now on: everything from then.
        let now = at("2026-12-07T10:00:00Z");
        let mut periods = before.periods().to_vec();
        periods.push((now, zone("Australia/Sydney")));
        assert_eq!(
            before.differences(&ZoneHistory::new(periods)),
            vec![(now, Timestamp::MAX)]
        );
        // No zone (UTC) to one zone: all time; two adjacent differing spans join.
        assert_eq!(
            ZoneHistory::new(vec![]).differences(&before),
            vec![(Timestamp::MIN, Timestamp::MAX)]
        );
    }
}
