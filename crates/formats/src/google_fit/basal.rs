//! Google Fit's basal metabolic rate, and how it splits Google Fit's energy.
//!
//! Google Fit records one energy figure, `com.google.calories.expended`: everything burned over a point's
//! interval, the basal rate included (Google's data-type reference: "the total calories … burned by the
//! user, including calories burned at rest"). Wearhouse keeps active and basal energy apart, as Apple
//! Health and Garmin do, so that a day's active energy means the same whichever device counted it.
//! The rate that splits them is `com.google.calories.bmr`: readings in kcal per day, each at one instant
//! (its end time), written whenever Google Fit recomputed the rate from the user's height and weight,
//! in a file of its own (`derived_com.google.calories.bmr_com.google.android.gms_merged.json`).
//!
//! The importer reads that file before the others of a Takeout ([`is_basal_rate_entry`]) and keeps its
//! readings in the import's [`SharedBasalRates`]; every energy figure read after it is split over its
//! interval: basal energy is the rate's integral (never more than the figure), active energy the rest.
//! The two add up to Google's figure exactly, so a day's total energy is the one the Google Fit app
//! shows. An energy file read without a rate (uploaded alone, or from a Takeout without the rate file)
//! cannot be split and is skipped with a warning saying what to upload.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::Timestamp;

use crate::fitbit::shared::file_name;

/// Seconds in the day a rate in kcal per day is spread over.
const SECONDS_PER_DAY: f64 = 86_400.0;

/// Basal rates outside this range (kcal per day) are not a person's: a unit mix-up or garbage.
pub(crate) const PLAUSIBLE_RATE: std::ops::RangeInclusive<f64> = 300.0..=5_000.0;

/// A part of a split below this (kcal) rounds to nothing where it is served, so it makes no sample.
const MIN_KCAL: f64 = 0.001;

/// Whether a part of a split makes a sample: all but a sliver too small to be served. A negative
/// part (from a negative figure) does, and is refused as implausible with a warning.
pub(crate) fn makes_sample(kcal: f64) -> bool {
    !(0.0..MIN_KCAL).contains(&kcal)
}

/// Whether an archive entry is a Google Fit basal-rate file, which the importer reads before the other
/// entries so that their energy can be split.
pub fn is_basal_rate_entry(path: &str) -> bool {
    let name = file_name(path);
    name.ends_with(".json")
        && (name.starts_with("derived_com.google.calories.bmr_")
            || name.starts_with("raw_com.google.calories.bmr_"))
}

/// A basal metabolic rate over time: readings in kcal per day, each holding from its instant until the
/// next one. Before the first reading the first one holds: Google Fit computed the energy of those
/// times from the same height and weight it had then.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BasalRates {
    /// `(instant, kcal per day)`, sorted by instant, one per instant (the last written wins).
    readings: Vec<(Timestamp, f64)>,
    /// Whether the readings are Google Fit's merged stream, the one its own energy figures were
    /// computed with, which is preferred over any app's stream of the same rate.
    merged: bool,
}

impl BasalRates {
    /// Rates from readings in any order; `merged` says they are Google Fit's merged stream.
    pub(crate) fn new(mut readings: Vec<(Timestamp, f64)>, merged: bool) -> Self {
        readings.sort_by_key(|(at, _)| *at);
        // Of two readings at one instant, the one written last (the sort is stable).
        readings.reverse();
        readings.dedup_by_key(|(at, _)| *at);
        readings.reverse();
        Self { readings, merged }
    }

    pub fn is_empty(&self) -> bool {
        self.readings.is_empty()
    }

    /// The energy burned at rest from `start` to `end`, in kcal: the rate in effect integrated over
    /// the interval; `None` without any reading.
    pub fn energy(&self, start: Timestamp, end: Timestamp) -> Option<f64> {
        let (_, first_rate) = *self.readings.first()?;
        if end <= start {
            return Some(0.0);
        }
        // The reading in effect at `start`: the last one at or before it, or the first.
        let from = self.readings.partition_point(|(at, _)| *at <= start);
        let mut rate = from
            .checked_sub(1)
            .and_then(|i| self.readings.get(i))
            .map_or(first_rate, |(_, rate)| *rate);
        let mut at = start;
        let mut kcal = 0.0;
        for &(changed, next_rate) in self.readings.get(from..).unwrap_or_default() {
            if changed >= end {
                break;
            }
            kcal += rate * seconds(at, changed) / SECONDS_PER_DAY;
            (at, rate) = (changed, next_rate);
        }
        kcal += rate * seconds(at, end) / SECONDS_PER_DAY;
        Some(kcal)
    }
}

fn seconds(from: Timestamp, to: Timestamp) -> f64 {
    to.duration_since(from).as_secs_f64()
}

/// `total` kcal burned from `start` to `end`, split into `(basal, active)` by `rates`: basal is the
/// rate's integral but never more than the total, active what remains. `None` without any rate.
pub(crate) fn split_energy(
    rates: &BasalRates,
    start: Timestamp,
    end: Timestamp,
    total: f64,
) -> Option<(f64, f64)> {
    let basal = rates.energy(start, end)?.clamp(0.0, total.max(0.0));
    Some((basal, total - basal))
}

/// The basal rates one import has read so far, shared by the readers of all its files (a clone
/// shares them). A new [`crate::ReadContext`] starts without any.
#[derive(Debug, Clone, Default)]
pub struct SharedBasalRates(Arc<Mutex<Option<BasalRates>>>);

impl SharedBasalRates {
    /// The rates read so far, if any.
    pub fn get(&self) -> Option<BasalRates> {
        // A reader that panicked while holding the lock left whole rates or none: nothing half-written.
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Keeps `rates` unless rates from Google Fit's merged stream are already kept and these are not.
    pub(crate) fn offer(&self, rates: BasalRates) {
        if rates.is_empty() {
            return;
        }
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.as_ref().is_none_or(|k| rates.merged || !k.merged) {
            *kept = Some(rates);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + minutes * 60).unwrap()
    }

    /// 1,440 kcal a day is one a minute.
    fn rates() -> BasalRates {
        BasalRates::new(vec![(at(60), 2880.0), (at(0), 1440.0), (at(60), 4320.0)], true)
    }

    #[test]
    fn energy_integrates_the_rate_in_effect_piece_by_piece() {
        let rates = rates();
        // Before the first reading, the first one holds.
        assert_eq!(rates.energy(at(-30), at(0)), Some(30.0));
        // Of two readings at one instant, the one written last: three a minute from minute 60.
        assert_eq!(rates.energy(at(30), at(90)), Some(30.0 + 90.0));
        assert_eq!(rates.energy(at(120), at(180)), Some(180.0));
        assert_eq!(rates.energy(at(10), at(10)), Some(0.0));
        assert_eq!(rates.energy(at(10), at(5)), Some(0.0));
        assert_eq!(BasalRates::default().energy(at(0), at(1)), None);
    }

    #[test]
    fn a_split_never_gives_more_basal_energy_than_the_total() {
        let rates = rates();
        assert_eq!(split_energy(&rates, at(0), at(10), 25.0), Some((10.0, 15.0)));
        assert_eq!(split_energy(&rates, at(0), at(10), 4.0), Some((4.0, 0.0)));
        assert_eq!(split_energy(&rates, at(0), at(10), -1.0), Some((0.0, -1.0)));
        assert_eq!(split_energy(&BasalRates::default(), at(0), at(10), 4.0), None);
    }

    #[test]
    fn the_merged_stream_wins_over_another_apps() {
        let shared = SharedBasalRates::default();
        let other = BasalRates::new(vec![(at(0), 2000.0)], false);
        shared.offer(BasalRates::default());
        assert_eq!(shared.get(), None, "empty rates are not kept");
        shared.offer(other.clone());
        assert_eq!(shared.get(), Some(other.clone()));
        shared.offer(rates());
        shared.clone().offer(other);
        assert_eq!(
            shared.get(),
            Some(rates()),
            "a clone shares, and the merged stream stays"
        );
    }
}
