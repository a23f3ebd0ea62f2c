//! A user's time-zone history: which IANA zone they lived in from when. Changing the profile's zone
//! starts a new period; earlier data keeps the zone of its own time.

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
}
