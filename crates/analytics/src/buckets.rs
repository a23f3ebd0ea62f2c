//! Fixed-width time buckets (minutes, hours) of a merged series, with the sources each bucket's value
//! came from. Buckets are aligned to UTC (an hour bucket starts at a UTC hour), which for every whole-hour
//! offset is also a local hour; clients show the instants in the zone they like.

use std::collections::BTreeMap;

use crate::merge::MergedPiece;
use crate::rollup::DayFigures;

/// One bucket's figures: the sum for cumulative metrics; count, sum, minimum and maximum of readings.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub figures: DayFigures,
    /// Sources whose data made the value, ascending.
    pub sources: Vec<u32>,
}

impl Bucket {
    fn add(&mut self, value: f64, source: u32) {
        self.figures.add(value);
        if let Err(at) = self.sources.binary_search(&source) {
            self.sources.insert(at, source);
        }
    }

    fn new() -> Self {
        Self {
            figures: DayFigures::new(),
            sources: Vec::new(),
        }
    }
}

/// Sums a merged cumulative series into buckets of `width` microseconds, keyed by bucket start. A piece
/// spanning several buckets is split in proportion to time; an instant falls in its bucket whole.
pub fn bucket_cumulative(pieces: &[MergedPiece], width: i64) -> BTreeMap<i64, Bucket> {
    let width = width.max(1);
    let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
    for p in pieces {
        if p.end <= p.start {
            let key = p.start.div_euclid(width) * width;
            buckets
                .entry(key)
                .or_insert_with(Bucket::new)
                .add(p.value, p.source);
            continue;
        }
        let length = (p.end - p.start) as f64;
        let mut at = p.start;
        while at < p.end {
            let key = at.div_euclid(width) * width;
            let until = (key + width).min(p.end);
            let share = p.value * (until - at) as f64 / length;
            buckets
                .entry(key)
                .or_insert_with(Bucket::new)
                .add(share, p.source);
            at = until;
        }
    }
    buckets
}

/// Count, sum, minimum and maximum of merged readings per bucket of `width` microseconds.
pub fn bucket_readings(readings: &[MergedPiece], width: i64) -> BTreeMap<i64, Bucket> {
    let width = width.max(1);
    let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
    for r in readings {
        let key = r.start.div_euclid(width) * width;
        buckets
            .entry(key)
            .or_insert_with(Bucket::new)
            .add(r.value, r.source);
    }
    buckets
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000_000;

    fn piece(start_h: f64, end_h: f64, value: f64, source: u32) -> MergedPiece {
        MergedPiece {
            start: (start_h * HOUR as f64) as i64,
            end: (end_h * HOUR as f64) as i64,
            value,
            source,
            offset_minutes: None,
        }
    }

    #[test]
    fn cumulative_pieces_split_across_hours_in_proportion() {
        let buckets = bucket_cumulative(&[piece(9.5, 11.0, 300.0, 1), piece(10.5, 10.75, 50.0, 2)], HOUR);
        assert_eq!(buckets[&(9 * HOUR)].figures.total, 100.0);
        assert_eq!(buckets[&(10 * HOUR)].figures.total, 250.0);
        assert_eq!(buckets[&(10 * HOUR)].sources, [1, 2]);
        let total: f64 = buckets.values().map(|b| b.figures.total).sum();
        assert_eq!(total, 350.0);
    }

    #[test]
    fn readings_keep_min_max_and_count_per_bucket() {
        let r = |h: f64, v: f64| piece(h, h, v, 1);
        let buckets = bucket_readings(&[r(9.1, 60.0), r(9.9, 80.0), r(10.0, 70.0)], HOUR);
        let nine = &buckets[&(9 * HOUR)].figures;
        assert_eq!(
            (nine.count, nine.total, nine.minimum, nine.maximum),
            (2, 140.0, 60.0, 80.0)
        );
        assert_eq!(buckets[&(10 * HOUR)].figures.count, 1);
    }
}
