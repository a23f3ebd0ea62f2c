//! Rollups packed per block: one row holds a metric's figures for 128 consecutive days (daily rollups)
//! or 128 consecutive UTC hours (hourly rollups), as one blob.
//!
//! Why: a year view reads every metric's days of a year (about 5,500 figures for a watch and a
//! phone). As one row per day, SQLite's per-row work and the driver's per-value calls took most of the
//! request (about 3 ms, against a target of a third of a millisecond); as blocks it reads a few dozen
//! rows and decodes the figures from contiguous bytes. A recompute rewrites the blocks its days touch
//! (a daily block is at most ~3.7 KB, so rewriting one whole is cheaper than the row-per-day deletes
//! and inserts it replaces). 128, not more: a daily block then fits in one 4 KB SQLite page (see the
//! migration).
//!
//! Layout: a version byte, then the entries in ascending order, each: its offset in the block (varint),
//! total, minimum and maximum (f64, little-endian), count (varint), and its sources (varint count, then
//! each id as a zigzag varint delta from the one before; ascending ids make them one byte each).

use wearhouse_model::{DayFigures, Metric};

use crate::varint::{put_varint, zigzag, Reader};
use crate::{DailyRollup, HourlyRollup, SleepRollup, StoreError};

/// Days or hours per block; a block is `at.div_euclid(PER_BLOCK)`.
pub(crate) const PER_BLOCK: i64 = 128;

const VERSION: u8 = 1;

/// Walks a block's entries: checks the version byte, then hands out each entry's offset, checking that
/// offsets ascend and stay inside the block.
struct Entries<'a> {
    r: Reader<'a>,
    per_block: i64,
    previous: Option<u64>,
}

impl<'a> Entries<'a> {
    fn open(blob: &'a [u8], per_block: i64, what: &'static str) -> Result<Self, StoreError> {
        let mut r = Reader::new(blob, what);
        if r.byte()? != VERSION {
            return Err(r.corrupt("unknown version"));
        }
        Ok(Entries {
            r,
            per_block,
            previous: None,
        })
    }

    /// The next entry's offset in the block, its fields left to read from `self.r`; `None` at the end.
    fn next_offset(&mut self) -> Result<Option<i64>, StoreError> {
        if self.r.is_done() {
            return Ok(None);
        }
        let offset = self.r.varint()?;
        if offset >= self.per_block as u64 || self.previous.is_some_and(|p| offset <= p) {
            return Err(self.r.corrupt("entry out of order"));
        }
        self.previous = Some(offset);
        Ok(Some(offset as i64))
    }
}

/// Most sources one entry may name (more is a corrupt blob).
const MAX_SOURCES: usize = 4096;

/// One day or hour of a block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Day (days since 1970-01-01) or hour (UTC hours since the epoch).
    pub at: i64,
    pub total: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub count: i64,
    /// Ascending source ids (empty for daily rollups).
    pub sources: Vec<i64>,
}

pub(crate) fn block_of(at: i64) -> i64 {
    at.div_euclid(PER_BLOCK)
}

/// The first and last day or hour of `block`.
pub(crate) fn span_of(block: i64) -> (i64, i64) {
    let first = block * PER_BLOCK;
    (first, first + PER_BLOCK - 1)
}

/// Encodes `entries`, all of `block`, in ascending order.
pub(crate) fn encode(block: i64, entries: &[Entry]) -> Vec<u8> {
    let first = span_of(block).0;
    let mut out = Vec::with_capacity(1 + entries.len() * 30);
    out.push(VERSION);
    for e in entries {
        put_varint(&mut out, (e.at - first) as u64);
        out.extend_from_slice(&e.total.to_le_bytes());
        out.extend_from_slice(&e.minimum.to_le_bytes());
        out.extend_from_slice(&e.maximum.to_le_bytes());
        put_varint(&mut out, zigzag(e.count));
        put_varint(&mut out, e.sources.len() as u64);
        let mut previous = 0i64;
        for &id in &e.sources {
            put_varint(&mut out, zigzag(id.wrapping_sub(previous)));
            previous = id;
        }
    }
    out
}

/// Calls `visit` with each entry of `block`'s blob that lies in `from..=to`, in ascending order.
pub(crate) fn decode(
    block: i64,
    blob: &[u8],
    (from, to): (i64, i64),
    what: &'static str,
    mut visit: impl FnMut(Entry),
) -> Result<(), StoreError> {
    let first = span_of(block).0;
    let mut entries = Entries::open(blob, PER_BLOCK, what)?;
    while let Some(offset) = entries.next_offset()? {
        let r = &mut entries.r;
        let mut float = || -> Result<f64, StoreError> {
            let bytes = r.take(8)?;
            let mut b = [0u8; 8];
            b.copy_from_slice(bytes);
            Ok(f64::from_le_bytes(b))
        };
        let (total, minimum, maximum) = (float()?, float()?, float()?);
        let count = r.signed()?;
        let n = r.count(MAX_SOURCES)?;
        let mut sources = Vec::with_capacity(n);
        let mut id = 0i64;
        for _ in 0..n {
            id = id.wrapping_add(r.signed()?);
            sources.push(id);
        }
        let at = first + offset;
        if (from..=to).contains(&at) {
            visit(Entry {
                at,
                total,
                minimum,
                maximum,
                count,
                sources,
            });
        }
    }
    Ok(())
}

/// `block`'s new blob after a recompute of `range` (which may reach beyond the block): the old entries
/// outside the range kept, the entries of `fresh` inside it (in ascending order) put in their place.
/// `None` when nothing is left (the row is deleted).
pub(crate) fn splice(
    block: i64,
    old: Option<&[u8]>,
    range: (i64, i64),
    fresh: &[Entry],
    what: &'static str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let (first, last) = span_of(block);
    let mut kept = Vec::new();
    if let Some(old) = old {
        decode(block, old, (first, last), what, |e| {
            if !(range.0..=range.1).contains(&e.at) {
                kept.push(e)
            }
        })?;
    }
    kept.extend(
        fresh
            .iter()
            .filter(|e| (first..=last).contains(&e.at) && (range.0..=range.1).contains(&e.at))
            .cloned(),
    );
    kept.sort_by_key(|e| e.at);
    kept.dedup_by_key(|e| e.at);
    Ok((!kept.is_empty()).then(|| encode(block, &kept)))
}

/// A recompute's daily rows as entries.
pub(crate) fn daily_entries(rows: &[DailyRollup]) -> Vec<Entry> {
    rows.iter()
        .map(|r| Entry {
            at: i64::from(r.day),
            total: r.total,
            minimum: r.minimum,
            maximum: r.maximum,
            count: r.count,
            sources: Vec::new(),
        })
        .collect()
}

/// A recompute's hourly rows as entries.
pub(crate) fn hourly_entries(rows: &[HourlyRollup]) -> Vec<Entry> {
    rows.iter()
        .map(|r| Entry {
            at: r.hour,
            total: r.total,
            minimum: r.minimum,
            maximum: r.maximum,
            count: r.count,
            sources: r.sources.clone(),
        })
        .collect()
}

/// Calls `f` with each day of a daily block within `from..=to` and its figures. The layout of `decode`,
/// read without its per-entry `Entry`: a year view decodes ~6,000 of these per request.
#[inline(always)]
fn each_daily(
    block: i64,
    blob: &[u8],
    (from, to): (i32, i32),
    mut f: impl FnMut(i32, DayFigures),
) -> Result<(), StoreError> {
    let first = span_of(block).0;
    let (from, to) = (i64::from(from), i64::from(to));
    let mut entries = Entries::open(blob, PER_BLOCK, "daily_rollup_blocks.days")?;
    while let Some(offset) = entries.next_offset()? {
        let r = &mut entries.r;
        // Exactly 24 bytes: the three slices below lie inside it.
        let figures = r.take(24)?;
        let float = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&figures[at..at + 8]);
            f64::from_le_bytes(b)
        };
        let (total, minimum, maximum) = (float(0), float(8), float(16));
        let count = r.signed()?;
        // Daily entries name no sources; any there are skipped.
        for _ in 0..r.count(MAX_SOURCES)? {
            r.varint()?;
        }
        let day = first + offset;
        if (from..=to).contains(&day) {
            // Inside `from..=to`, which came from i32s.
            f(
                day as i32,
                DayFigures {
                    total,
                    minimum,
                    maximum,
                    count,
                },
            );
        }
    }
    Ok(())
}

/// Decodes a daily block of `metric` into `out`, keeping days `from..=to`.
pub(crate) fn push_daily(
    metric: Metric,
    block: i64,
    blob: &[u8],
    range: (i32, i32),
    out: &mut Vec<DailyRollup>,
) -> Result<(), StoreError> {
    each_daily(block, blob, range, |day, f| {
        out.push(DailyRollup {
            metric,
            day,
            total: f.total,
            minimum: f.minimum,
            maximum: f.maximum,
            count: f.count,
        })
    })
}

/// Decodes a daily block into a summary's column over days `from..=to` (`column[i]` is day
/// `from + i`), which holds the days before the block's: each day is appended after `None`s for the
/// days without figures, so every slot is written once (allocating the column zeroed and then
/// filling it wrote a year's ~0.5 MB twice). The caller pads the column to the range's length once
/// the metric's blocks are read. Whether the block held any of the range's days.
pub(crate) fn fill_daily(
    block: i64,
    blob: &[u8],
    range: (i32, i32),
    column: &mut Vec<Option<DayFigures>>,
) -> Result<bool, StoreError> {
    let mut any = false;
    each_daily(block, blob, range, |day, f| {
        // `day` lies in `range`: a non-negative offset within it.
        let at = (day - range.0) as usize;
        any = true;
        if at >= column.len() {
            column.resize(at, None);
            column.push(Some(f));
        } else if let Some(slot) = column.get_mut(at) {
            // Only in a block whose entries were not in order (checked by `Entries`), or blocks
            // overlapping: the later figure wins, as an overwrite would.
            *slot = Some(f);
        }
    })?;
    Ok(any)
}

/// Decodes an hourly block of `metric` into `out`, keeping hours `from..=to`.
pub(crate) fn push_hourly(
    metric: Metric,
    block: i64,
    blob: &[u8],
    range: (i64, i64),
    out: &mut Vec<HourlyRollup>,
) -> Result<(), StoreError> {
    decode(block, blob, range, "hourly_rollup_blocks.hours", |e| {
        out.push(HourlyRollup {
            metric,
            hour: e.at,
            total: e.total,
            minimum: e.minimum,
            maximum: e.maximum,
            count: e.count,
            sources: e.sources,
        })
    })
}

/// The blocks a recompute of `range` touches.
pub(crate) fn blocks_of(range: (i64, i64)) -> std::ops::RangeInclusive<i64> {
    block_of(range.0)..=block_of(range.1)
}

/// Days per sleep block: a day takes up to ~61 bytes (sessions and seven durations), so 64 days fit in
/// one 4 KB page, as a daily block does.
pub(crate) const SLEEP_PER_BLOCK: i64 = 64;

pub(crate) fn sleep_block_of(day: i32) -> i64 {
    i64::from(day).div_euclid(SLEEP_PER_BLOCK)
}

/// The blocks a rewrite of sleep days `range` touches.
pub(crate) fn sleep_blocks_of((from, to): (i32, i32)) -> std::ops::RangeInclusive<i64> {
    sleep_block_of(from)..=sleep_block_of(to)
}

/// Encodes sleep days of `block`, in ascending order: per day its offset (varint), sessions (varint)
/// and seconds in bed, asleep, awake, unspecified, core, deep and REM (f64, little-endian).
fn encode_sleep(block: i64, days: &[SleepRollup]) -> Vec<u8> {
    let first = block * SLEEP_PER_BLOCK;
    let mut out = Vec::with_capacity(1 + days.len() * 61);
    out.push(VERSION);
    for d in days {
        put_varint(&mut out, (i64::from(d.day) - first) as u64);
        put_varint(&mut out, zigzag(d.sessions));
        for v in [d.in_bed, d.asleep, d.awake, d.unspecified, d.core, d.deep, d.rem] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

/// Decodes the sleep days of `block` that lie in `from..=to` into `out`, in ascending order.
pub(crate) fn push_sleep(
    block: i64,
    blob: &[u8],
    (from, to): (i32, i32),
    out: &mut Vec<SleepRollup>,
) -> Result<(), StoreError> {
    let first = block * SLEEP_PER_BLOCK;
    let mut entries = Entries::open(blob, SLEEP_PER_BLOCK, "sleep_blocks.days")?;
    while let Some(offset) = entries.next_offset()? {
        let r = &mut entries.r;
        let sessions = r.signed()?;
        let mut v = [0f64; 7];
        for slot in &mut v {
            let mut b = [0u8; 8];
            b.copy_from_slice(r.take(8)?);
            *slot = f64::from_le_bytes(b);
        }
        // The block's days lie within a few thousand days of the epoch's: an i32 holds them.
        let day = (first + offset) as i32;
        if (from..=to).contains(&day) {
            out.push(SleepRollup {
                day,
                sessions,
                in_bed: v[0],
                asleep: v[1],
                awake: v[2],
                unspecified: v[3],
                core: v[4],
                deep: v[5],
                rem: v[6],
            });
        }
    }
    Ok(())
}

/// `block`'s new blob after sleep days `range` were recomputed as `fresh`; `None` when it is empty.
pub(crate) fn splice_sleep(
    block: i64,
    old: Option<&[u8]>,
    range: (i32, i32),
    fresh: &[SleepRollup],
) -> Result<Option<Vec<u8>>, StoreError> {
    let first = block * SLEEP_PER_BLOCK;
    let inside = |day: i32| {
        let day = i64::from(day);
        (first..first + SLEEP_PER_BLOCK).contains(&day)
    };
    let mut kept = Vec::new();
    if let Some(old) = old {
        push_sleep(block, old, (i32::MIN, i32::MAX), &mut kept)?;
        kept.retain(|d| !(range.0..=range.1).contains(&d.day));
    }
    kept.extend(
        fresh
            .iter()
            .filter(|d| inside(d.day) && (range.0..=range.1).contains(&d.day))
            .copied(),
    );
    kept.sort_by_key(|d| d.day);
    kept.dedup_by_key(|d| d.day);
    Ok((!kept.is_empty()).then(|| encode_sleep(block, &kept)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: i64, total: f64, sources: &[i64]) -> Entry {
        Entry {
            at,
            total,
            minimum: total / 2.0,
            maximum: total * 2.0,
            count: 3,
            sources: sources.to_vec(),
        }
    }

    fn all(block: i64, blob: &[u8]) -> Vec<Entry> {
        let mut out = Vec::new();
        decode(block, blob, (i64::MIN, i64::MAX), "test", |e| out.push(e)).unwrap();
        out
    }

    #[test]
    fn entries_round_trip_exactly_including_negative_days_and_sources() {
        let block = block_of(-3);
        assert_eq!(block, -1);
        let entries = vec![
            entry(-PER_BLOCK, 0.1 + 0.2, &[]),
            entry(-3, f64::MAX, &[1, 7, 300_000]),
            entry(-1, -0.0, &[-5, 2]),
        ];
        assert_eq!(all(block, &encode(block, &entries)), entries);
    }

    #[test]
    fn decode_keeps_only_the_asked_range() {
        let first = 2 * PER_BLOCK;
        let entries: Vec<Entry> = (first..first + 8).map(|d| entry(d, d as f64, &[])).collect();
        let blob = encode(2, &entries);
        let mut seen = Vec::new();
        decode(2, &blob, (first + 2, first + 4), "test", |e| seen.push(e.at)).unwrap();
        assert_eq!(seen, vec![first + 2, first + 3, first + 4]);
    }

    #[test]
    fn splice_replaces_the_range_and_keeps_the_rest() {
        let old = encode(0, &[entry(1, 1.0, &[]), entry(5, 5.0, &[]), entry(9, 9.0, &[])]);
        // Day 5 recomputed to nothing, day 6 gains a figure; days 1 and 9 stay.
        let new = splice(0, Some(&old), (4, 7), &[entry(6, 6.0, &[2])], "test")
            .unwrap()
            .unwrap();
        let days: Vec<(i64, f64)> = all(0, &new).iter().map(|e| (e.at, e.total)).collect();
        assert_eq!(days, vec![(1, 1.0), (6, 6.0), (9, 9.0)]);
        // A range covering everything with nothing fresh leaves nothing: the row goes.
        assert_eq!(splice(0, Some(&new), span_of(0), &[], "test").unwrap(), None);
    }

    #[test]
    fn splice_takes_only_fresh_entries_of_its_block_and_range() {
        let p = PER_BLOCK;
        let fresh = [
            entry(p - 6, 1.0, &[]),
            entry(p, 2.0, &[]),
            entry(p + 44, 3.0, &[]),
        ];
        let blob = splice(1, None, (p, p + 43), &fresh, "test").unwrap().unwrap();
        assert_eq!(all(1, &blob), vec![entry(p, 2.0, &[])]);
        assert_eq!(blocks_of((p - 6, p + 44)), 0..=1);
    }

    #[test]
    fn daily_rows_are_the_entries_decode_reads() {
        let entries: Vec<Entry> = (0..PER_BLOCK)
            .step_by(3)
            .map(|d| entry(PER_BLOCK + d, d as f64 * 1.5, &[]))
            .collect();
        let blob = encode(1, &entries);
        let mut rows = Vec::new();
        push_daily(Metric::Steps, 1, &blob, (130, 200), &mut rows).unwrap();
        let expected: Vec<DailyRollup> = entries
            .iter()
            .filter(|e| (130..=200).contains(&e.at))
            .map(|e| DailyRollup {
                metric: Metric::Steps,
                day: e.at as i32,
                total: e.total,
                minimum: e.minimum,
                maximum: e.maximum,
                count: e.count,
            })
            .collect();
        assert_eq!(rows, expected);
        for cut in 0..blob.len() {
            let _ = push_daily(Metric::Steps, 1, &blob[..cut], (0, 1000), &mut Vec::new());
        }
        assert!(push_daily(
            Metric::Steps,
            1,
            &blob[..blob.len() - 1],
            (0, 1000),
            &mut Vec::new()
        )
        .is_err());
    }

    #[test]
    fn a_full_daily_block_fits_in_one_sqlite_page_beside_its_key() {
        // Every day of the block, each with a million readings (a 3-byte count): SQLite keeps a row of a
        // rowid table in its 4 KB page up to 4,061 bytes; the key columns take under 60.
        let entries: Vec<Entry> = (0..PER_BLOCK)
            .map(|d| Entry {
                count: 1_000_000,
                ..entry(d, 12_345.678 + d as f64, &[])
            })
            .collect();
        let size = encode(0, &entries).len();
        assert!(size <= 4_000, "{size} bytes");
    }

    #[test]
    fn sleep_days_round_trip_splice_and_fit_in_a_page() {
        let night = |day: i32, asleep: f64| SleepRollup {
            day,
            sessions: 1,
            in_bed: asleep + 1_800.0,
            asleep,
            awake: 1_800.0,
            unspecified: 0.0,
            core: asleep / 2.0,
            deep: asleep / 4.0,
            rem: asleep / 4.0,
        };
        let block = sleep_block_of(-1);
        assert_eq!(block, -1);
        let old = splice_sleep(
            block,
            None,
            (-64, -1),
            &[night(-64, 1.5), night(-3, 2.0), night(-1, 3.0)],
        )
        .unwrap()
        .unwrap();
        let new = splice_sleep(block, Some(&old), (-3, -2), &[night(-2, 4.0), night(5, 9.0)])
            .unwrap()
            .unwrap();
        let mut days = Vec::new();
        push_sleep(block, &new, (-63, 0), &mut days).unwrap();
        assert_eq!(days, vec![night(-2, 4.0), night(-1, 3.0)]);
        let full: Vec<SleepRollup> = (0..SLEEP_PER_BLOCK as i32)
            .map(|d| SleepRollup {
                sessions: 100_000,
                ..night(d, 30_000.5)
            })
            .collect();
        let blob = splice_sleep(0, None, (0, 63), &full).unwrap().unwrap();
        assert!(blob.len() <= 4_000, "{} bytes", blob.len());
        for cut in 0..blob.len() {
            let _ = push_sleep(0, &blob[..cut], (0, 63), &mut Vec::new());
        }
        assert!(push_sleep(0, &blob[..blob.len() - 1], (0, 63), &mut Vec::new()).is_err());
    }

    #[test]
    fn corrupt_blobs_are_errors_not_panics() {
        let good = encode(0, &[entry(3, 1.0, &[1, 2])]);
        for cut in 0..good.len() {
            let _ = decode(0, &good[..cut], span_of(0), "test", |_| {});
        }
        assert!(decode(0, &[], span_of(0), "test", |_| {}).is_err());
        assert!(decode(0, &[9], span_of(0), "test", |_| {}).is_err());
        assert!(decode(0, &good[..good.len() - 1], span_of(0), "test", |_| {}).is_err());
        // Offsets must ascend and stay inside the block.
        let twice = [good.clone(), good[1..].to_vec()].concat();
        assert!(decode(0, &twice, span_of(0), "test", |_| {}).is_err());
        let mut beyond = vec![VERSION];
        put_varint(&mut beyond, PER_BLOCK as u64);
        beyond.extend_from_slice(&good[2..]);
        assert!(decode(0, &beyond, span_of(0), "test", |_| {}).is_err());
    }
}
