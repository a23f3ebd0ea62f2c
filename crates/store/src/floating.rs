//! Floating samples follow the user's time-zone history.
//!
//! A file that gives only wall-clock times (Fitbit's daily values and sleep, Google Fit's daily CSV)
//! names moments only together with where the user was. Its samples are stored at the instants the
//! zone history of the import gave, with the offsets used (see [`ChunkSample::floating_end_offset`]),
//! so their wall-clock times stay known. When the history changes, each is derived again from those
//! wall-clock times: stored instants always equal what the current history gives, so reading the same
//! file again finds them (keys are instants, as for every sample), and a floating and a zoned sample of
//! one moment from two sources overlap and merge by priority like any two samples.
//!
//! Deriving again is a function of the stored sample and the history alone, so it is idempotent: a
//! sample already derived under a history stays where it is.

use std::collections::{BTreeMap, BTreeSet};

use jiff::tz::Offset;
use jiff::{civil, Timestamp};
use wearhouse_analytics::ZoneHistory;

use crate::sample_chunk::{self, ChunkKey, ChunkSample, EncodedChunk};

/// The instant the history gives a wall-clock time (Unix seconds), and the offset (minutes) in force
/// there: for a time a DST change skips, the offset after it, so that the stored wall-clock time is a
/// real one (02:30 on a spring-forward night is stored as 03:30), as the import stores it. `None` for
/// a time out of range, or a zone whose offset is not whole minutes (local mean time before the
/// 1900s), which the stored form cannot hold: such a sample stays where it is.
fn derive(history: &ZoneHistory, wall_seconds: i64) -> Option<(i64, i16)> {
    let wall: civil::DateTime = Offset::UTC.to_datetime(Timestamp::from_second(wall_seconds).ok()?);
    let at = history.to_instant(wall)?;
    let offset = history.zone_at(at).to_offset(at).seconds();
    if offset % 60 != 0 {
        return None;
    }
    Some((at.as_second(), i16::try_from(offset / 60).ok()?))
}

/// `sample` derived again under `history`, or `None` when it is not floating or already where the
/// history puts it.
pub(crate) fn rederive(sample: &ChunkSample, history: &ZoneHistory) -> Option<ChunkSample> {
    let (offset, end_offset) = (sample.offset_minutes?, sample.floating_end_offset?);
    let wall_start = sample.start.checked_add(i64::from(offset) * 60)?;
    let wall_end = sample
        .start
        .checked_add(sample.duration)?
        .checked_add(i64::from(end_offset) * 60)?;
    let (start, new_offset) = derive(history, wall_start)?;
    let (end, mut new_end_offset) = derive(history, wall_end)?;
    // A span whose end a move puts before its start (a nap across a flight east) keeps its start and
    // no length, and its wall-clock end, so that another history can give it back its length.
    let duration = end.saturating_sub(start).max(0);
    if end < start {
        let kept = wall_end.checked_sub(start)?;
        if kept % 60 == 0 {
            new_end_offset = i16::try_from(kept / 60).ok()?;
        }
    }
    let moved = ChunkSample {
        start,
        duration,
        offset_minutes: Some(new_offset),
        floating_end_offset: Some(new_end_offset),
        ..sample.clone()
    };
    (moved != *sample).then_some(moved)
}

/// What deriving the floating samples of some chunks again changes.
#[derive(Debug, Default)]
pub(crate) struct Rederived {
    /// Chunks to write (`None`: to delete, nothing is left in it).
    pub writes: Vec<(ChunkKey, Option<EncodedChunk>)>,
    /// Samples now at other instants.
    pub moved: u64,
    /// Samples that landed on a sample of the same source, metric, start and duration: the same
    /// reading twice (say, a file imported under an older history and again under the new one).
    pub dropped: u64,
    /// The UTC days of the chunks written, for marking the local days they hold.
    pub days: Vec<i64>,
}

/// The floating samples of chunks being derived again, taken out of their chunks until the chunks
/// they move to are at hand.
#[derive(Debug, Default)]
pub(crate) struct Rederivation {
    chunks: BTreeMap<ChunkKey, Vec<ChunkSample>>,
    moving: Vec<(ChunkKey, ChunkSample)>,
    changed: BTreeSet<ChunkKey>,
}

impl Rederivation {
    /// Takes out of `chunks` (decoded, by key) every floating sample `history` puts elsewhere.
    pub(crate) fn new(chunks: BTreeMap<ChunkKey, Vec<ChunkSample>>, history: &ZoneHistory) -> Self {
        let mut this = Self {
            chunks,
            ..Self::default()
        };
        for (key, samples) in &mut this.chunks {
            let before = samples.len();
            samples.retain(|s| match rederive(s, history) {
                Some(moved) => {
                    let target = ChunkKey {
                        day: sample_chunk::day_of(moved.start),
                        ..*key
                    };
                    this.moving.push((target, moved));
                    false
                }
                None => true,
            });
            if samples.len() != before {
                this.changed.insert(*key);
            }
        }
        this
    }

    /// Chunks samples move to that were not given: the caller reads them (or finds them empty) and
    /// hands them over with [`Rederivation::add_chunk`] before [`Rederivation::finish`].
    pub(crate) fn missing_chunks(&self) -> Vec<ChunkKey> {
        let missing: BTreeSet<ChunkKey> = self
            .moving
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| !self.chunks.contains_key(key))
            .collect();
        missing.into_iter().collect()
    }

    pub(crate) fn add_chunk(&mut self, key: ChunkKey, samples: Vec<ChunkSample>) {
        self.chunks.entry(key).or_insert(samples);
    }

    /// Puts the moving samples into their chunks and encodes every chunk that changed.
    pub(crate) fn finish(mut self) -> Rederived {
        let mut done = Rederived::default();
        for (key, sample) in std::mem::take(&mut self.moving) {
            let day = self.chunks.entry(key).or_default();
            match day.binary_search_by(|e| e.key().cmp(&sample.key())) {
                Ok(_) => done.dropped += 1,
                Err(at) => {
                    day.insert(at, sample);
                    done.moved += 1;
                    self.changed.insert(key);
                }
            }
        }
        for key in self.changed {
            let encoded = match self.chunks.get(&key) {
                Some(samples) if !samples.is_empty() => Some(sample_chunk::encode(key.day, samples)),
                _ => None,
            };
            done.days.push(key.day);
            done.writes.push((key, encoded));
        }
        done.days.sort_unstable();
        done.days.dedup();
        done
    }
}

/// Sorted inclusive day ranges with those that overlap or touch merged: `(1, 3), (4, 4), (9, 9)` is
/// `(1, 4), (9, 9)`.
pub(crate) fn coalesce(sorted: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
    for (first, last) in sorted {
        match out.last_mut() {
            Some(previous) if first <= previous.1.saturating_add(1) => previous.1 = previous.1.max(last),
            _ => out.push((first, last)),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;

    fn history(periods: &[(&str, &str)]) -> ZoneHistory {
        ZoneHistory::new(
            periods
                .iter()
                .map(|(from, zone)| {
                    let from = if from.is_empty() {
                        Timestamp::MIN
                    } else {
                        from.parse().unwrap()
                    };
                    (from, TimeZone::get(zone).unwrap())
                })
                .collect(),
        )
    }

    fn seconds(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    /// A floating sample whose wall-clock times `history` gave.
    fn floating(history: &ZoneHistory, wall_start: &str, wall_end: &str, value: f64) -> ChunkSample {
        let wall = |s: &str| seconds(&format!("{s}Z"));
        let (start, offset) = derive(history, wall(wall_start)).unwrap();
        let (end, end_offset) = derive(history, wall(wall_end)).unwrap();
        ChunkSample {
            start,
            duration: end - start,
            value,
            offset_minutes: Some(offset),
            floating_end_offset: Some(end_offset),
            external_id: None,
            batch: 1,
        }
    }

    #[test]
    fn a_night_read_in_sydney_moves_to_the_same_wall_clock_times_in_berlin() {
        let sydney = history(&[("", "Australia/Sydney")]);
        let berlin = history(&[("", "Europe/Berlin")]);
        let night = floating(&sydney, "2026-03-27T23:00:00", "2026-03-28T07:00:00", 3.0);
        assert_eq!(night.start, seconds("2026-03-27T12:00:00Z"));
        let moved = rederive(&night, &berlin).unwrap();
        assert_eq!(moved.start, seconds("2026-03-27T22:00:00Z"));
        assert_eq!(moved.duration, 8 * 3600);
        assert_eq!(
            (moved.offset_minutes, moved.floating_end_offset),
            (Some(60), Some(60))
        );
        // Already where Berlin puts it; and back under Sydney it is where it was.
        assert_eq!(rederive(&moved, &berlin), None);
        assert_eq!(rederive(&moved, &sydney).unwrap(), night);
    }

    #[test]
    fn a_night_across_a_dst_change_keeps_its_wall_clock_ends_not_its_length() {
        let sydney = history(&[("", "Australia/Sydney")]);
        let berlin = history(&[("", "Europe/Berlin")]);
        // Berlin springs forward at 02:00 on 29 March 2026: 23:00 to 07:00 is seven hours there.
        let night = floating(&sydney, "2026-03-28T23:00:00", "2026-03-29T07:00:00", 3.0);
        assert_eq!(night.duration, 8 * 3600);
        let moved = rederive(&night, &berlin).unwrap();
        assert_eq!(moved.duration, 7 * 3600);
        assert_eq!(
            (moved.offset_minutes, moved.floating_end_offset),
            (Some(60), Some(120))
        );
        assert_eq!(rederive(&moved, &sydney).unwrap(), night);
    }

    #[test]
    fn day_ranges_that_overlap_or_touch_are_one() {
        assert_eq!(
            coalesce(vec![(1, 3), (2, 2), (4, 4), (9, 9), (10, 12)]),
            vec![(1, 4), (9, 12)]
        );
        assert_eq!(
            coalesce(vec![(i64::MIN / 4, 5), (7, i64::MAX / 4)]),
            vec![(i64::MIN / 4, 5), (7, i64::MAX / 4)]
        );
        assert!(coalesce(Vec::new()).is_empty());
    }

    #[test]
    fn measured_samples_never_move() {
        let berlin = history(&[("", "Europe/Berlin")]);
        let measured = ChunkSample {
            floating_end_offset: None,
            ..floating(
                &history(&[("", "Australia/Sydney")]),
                "2026-01-01T08:00:00",
                "2026-01-01T08:00:00",
                1.0,
            )
        };
        assert_eq!(rederive(&measured, &berlin), None);
    }

    #[test]
    fn moved_samples_change_chunks_and_a_landing_on_the_same_reading_is_a_duplicate() {
        let sydney = history(&[("", "Australia/Sydney")]);
        let berlin = history(&[("", "Europe/Berlin")]);
        let key = |day| ChunkKey {
            source_id: 1,
            metric: 7,
            day,
        };
        // 07:00 in Sydney is the previous UTC day; 07:00 in Berlin is the same one.
        let morning = floating(&sydney, "2026-02-10T07:00:00", "2026-02-10T07:00:00", 70.0);
        let old_day = sample_chunk::day_of(morning.start);
        // The same reading, already stored where Berlin puts it (imported again after the change).
        let again = floating(&berlin, "2026-02-10T07:00:00", "2026-02-10T07:00:00", 70.0);
        let new_day = sample_chunk::day_of(again.start);
        assert_eq!(new_day, old_day + 1);
        let other = floating(&sydney, "2026-02-11T07:00:00", "2026-02-11T07:00:00", 71.0);

        let mut chunks = BTreeMap::new();
        chunks.insert(key(old_day), vec![morning]);
        chunks.insert(key(new_day), vec![other.clone()]);
        let mut work = Rederivation::new(chunks, &berlin);
        // `other` moves on to the next day, whose chunk was not read.
        assert_eq!(work.missing_chunks(), vec![key(new_day + 1)]);
        work.add_chunk(key(new_day + 1), Vec::new());
        let done = work.finish();
        assert_eq!((done.moved, done.dropped), (2, 0));
        assert_eq!(done.days, vec![old_day, new_day, new_day + 1]);
        assert!(done.writes[0].1.is_none(), "the old day is empty and goes");

        let mut chunks = BTreeMap::new();
        chunks.insert(
            key(old_day),
            vec![floating(
                &sydney,
                "2026-02-10T07:00:00",
                "2026-02-10T07:00:00",
                70.0,
            )],
        );
        chunks.insert(key(new_day), vec![again]);
        let done = Rederivation::new(chunks, &berlin).finish();
        assert_eq!((done.moved, done.dropped), (0, 1));
        assert_eq!(done.days, vec![old_day]);
    }
}
