//! The stored form of samples: one row per (source, metric, UTC day), holding every sample of that
//! source and metric that starts that day as one compact blob.
//!
//! Why chunks and not a row per sample: a year of Apple Health is about 550,000 samples, and SQLite
//! spends about 1.8 µs of B-tree work per inserted row whatever the statement shape (0.8–1.0 s for
//! 554k narrow rows on a 2-core VM), more than the whole one-second import budget. As about 10,000 day
//! chunks the same samples are written in tens of milliseconds, a minute-level heart-rate sample takes
//! about 5 bytes instead of 22, and rollups read a day back as one row. Adding samples to a day that
//! already has some reads, merges and rewrites that day's chunk: a few kilobytes.
//!
//! Layout: `VERSION`, the sample count as a varint, then each sample in (start, duration) order: a
//! flags byte; the start as a zigzag varint delta from the previous start (the first from the day's
//! midnight UTC); the duration as a zigzag varint; the value, as a zigzag varint when it is a whole
//! number and as 8 bytes of little-endian f64 otherwise; the UTC offset in minutes as a zigzag varint
//! unless absent or the same as the previous sample's; the external id as a varint length and UTF-8
//! bytes; the ingest batch as a varint when it differs from the previous sample's.
//!
//! A chunk that holds floating samples (read from wall-clock times, see [`ChunkSample::floating_end_offset`])
//! starts with `VERSION_FLOATING` instead, so that a time-zone change finds the few chunks it must
//! re-derive by their first byte without decoding the rest; its floating samples carry the
//! `FLOATING` flag and, after the offset, the end's offset minus the start's as a zigzag varint.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::varint::{put_varint, zigzag, Reader};
use crate::{NewSample, SampleValue, StoreError};

const VERSION: u8 = 1;
/// The first byte of a chunk that holds at least one floating sample.
pub(crate) const VERSION_FLOATING: u8 = 2;
const SECONDS_PER_DAY: i64 = 86_400;

const WHOLE_VALUE: u8 = 1;
const HAS_OFFSET: u8 = 2;
const OFFSET_REPEATS: u8 = 4;
const HAS_EXTERNAL_ID: u8 = 8;
const NEW_BATCH: u8 = 16;
const FLOATING: u8 = 32;
const KNOWN_FLAGS: u8 = WHOLE_VALUE | HAS_OFFSET | OFFSET_REPEATS | HAS_EXTERNAL_ID | NEW_BATCH | FLOATING;

/// Largest magnitude below which every whole f64 is exactly an i64 (2^53).
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// The chunk a sample starting at `start` (Unix seconds) belongs in: its UTC day.
pub(crate) fn day_of(start: i64) -> i64 {
    start.div_euclid(SECONDS_PER_DAY)
}

/// The first UTC day whose chunk can hold a sample starting at or after `from`, and the last that can
/// hold one starting before `to`.
pub(crate) fn days_between(from: i64, to: i64) -> (i64, i64) {
    (day_of(from), day_of(to.saturating_sub(1)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ChunkKey {
    pub source_id: i64,
    pub metric: i16,
    pub day: i64,
}

/// One sample as a chunk holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChunkSample {
    pub start: i64,
    pub duration: i64,
    pub value: f64,
    pub offset_minutes: Option<i16>,
    /// For a floating sample (its file gave only wall-clock times), the UTC offset at its end, in
    /// minutes: its wall-clock start is `start + offset_minutes` and its end `start + duration + this`,
    /// whatever zone history derived the instants, so a change of the history derives them again.
    /// `offset_minutes` is always set on a floating sample. `None`: the instants are what was measured.
    pub floating_end_offset: Option<i16>,
    pub external_id: Option<String>,
    /// The ingest batch that stored it: gives its ingestion time, and lets an import be rolled back.
    pub batch: i64,
}

impl ChunkSample {
    pub(crate) fn key(&self) -> (i64, i64) {
        (self.start, self.duration)
    }

    /// Read from wall-clock times: its instants follow the user's time-zone history.
    pub(crate) fn is_floating(&self) -> bool {
        self.floating_end_offset.is_some() && self.offset_minutes.is_some()
    }
}

/// A chunk ready to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EncodedChunk {
    pub body: Vec<u8>,
    pub count: i64,
    /// The newest batch among its samples: rolling an import back only reads chunks at or above the
    /// import's first batch.
    pub max_batch: i64,
}

fn is_whole(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() < EXACT_INTEGER_LIMIT && !(v == 0.0 && v.is_sign_negative())
}

/// Encodes samples already sorted by (start, duration), all starting on `day`.
pub(crate) fn encode(day: i64, samples: &[ChunkSample]) -> EncodedChunk {
    let mut out = Vec::with_capacity(8 + samples.len() * 6);
    let floating = samples.iter().any(ChunkSample::is_floating);
    out.push(if floating { VERSION_FLOATING } else { VERSION });
    put_varint(&mut out, samples.len() as u64);
    let mut previous_start = day * SECONDS_PER_DAY;
    let mut previous_offset = None;
    let mut previous_batch = 0i64;
    let mut max_batch = 0i64;
    for s in samples {
        let mut flags = 0u8;
        let whole = is_whole(s.value);
        if whole {
            flags |= WHOLE_VALUE;
        }
        if s.offset_minutes.is_some() {
            flags |= HAS_OFFSET;
            if s.offset_minutes == previous_offset {
                flags |= OFFSET_REPEATS;
            }
        }
        if s.external_id.is_some() {
            flags |= HAS_EXTERNAL_ID;
        }
        if s.batch != previous_batch {
            flags |= NEW_BATCH;
        }
        if s.is_floating() {
            flags |= FLOATING;
        }
        out.push(flags);
        put_varint(&mut out, zigzag(s.start.wrapping_sub(previous_start)));
        put_varint(&mut out, zigzag(s.duration));
        if whole {
            put_varint(&mut out, zigzag(s.value as i64));
        } else {
            out.extend_from_slice(&s.value.to_le_bytes());
        }
        if let Some(offset) = s.offset_minutes {
            if flags & OFFSET_REPEATS == 0 {
                put_varint(&mut out, zigzag(i64::from(offset)));
            }
            previous_offset = Some(offset);
            if let (true, Some(end_offset)) = (s.is_floating(), s.floating_end_offset) {
                put_varint(&mut out, zigzag(i64::from(end_offset) - i64::from(offset)));
            }
        }
        if let Some(id) = &s.external_id {
            put_varint(&mut out, id.len() as u64);
            out.extend_from_slice(id.as_bytes());
        }
        if flags & NEW_BATCH != 0 {
            put_varint(&mut out, zigzag(s.batch));
            previous_batch = s.batch;
        }
        previous_start = s.start;
        max_batch = max_batch.max(s.batch);
    }
    EncodedChunk {
        body: out,
        count: samples.len() as i64,
        max_batch,
    }
}

/// Decodes a chunk of `day`. A blob that does not decode is `Corrupt`, never a panic.
pub(crate) fn decode(day: i64, bytes: &[u8]) -> Result<Vec<ChunkSample>, StoreError> {
    let mut r = Reader::new(bytes, "sample chunk");
    let version = r.byte()?;
    if version != VERSION && version != VERSION_FLOATING {
        return Err(r.corrupt("unknown version"));
    }
    // Every sample takes at least four bytes, which bounds what a corrupt count can reserve.
    let n = r.count(bytes.len() / 4)?;
    let mut samples = Vec::with_capacity(n);
    let mut previous_start = day.saturating_mul(SECONDS_PER_DAY);
    let mut previous_offset = None;
    let mut previous_batch = 0i64;
    for _ in 0..n {
        let flags = r.byte()?;
        if flags & !KNOWN_FLAGS != 0 {
            return Err(r.corrupt("unknown flags"));
        }
        let start = previous_start.wrapping_add(r.signed()?);
        let duration = r.signed()?;
        let value = if flags & WHOLE_VALUE != 0 {
            r.signed()? as f64
        } else {
            let raw: [u8; 8] = r.take(8)?.try_into().map_err(|_| r.corrupt("short value"))?;
            f64::from_le_bytes(raw)
        };
        let offset_minutes = if flags & HAS_OFFSET == 0 {
            None
        } else if flags & OFFSET_REPEATS != 0 {
            previous_offset
        } else {
            let v = r.signed()?;
            let offset = i16::try_from(v).map_err(|_| r.corrupt("offset out of range"))?;
            previous_offset = Some(offset);
            Some(offset)
        };
        if flags & OFFSET_REPEATS != 0 && offset_minutes.is_none() {
            return Err(r.corrupt("repeated offset without a previous one"));
        }
        let floating_end_offset = match (flags & FLOATING != 0, offset_minutes) {
            (false, _) => None,
            (true, None) => return Err(r.corrupt("floating sample without an offset")),
            (true, Some(offset)) => {
                let end = i64::from(offset).saturating_add(r.signed()?);
                Some(i16::try_from(end).map_err(|_| r.corrupt("end offset out of range"))?)
            }
        };
        if floating_end_offset.is_some() && version != VERSION_FLOATING {
            return Err(r.corrupt("floating sample in a chunk not marked as holding one"));
        }
        let external_id = if flags & HAS_EXTERNAL_ID != 0 {
            let len = r.count(bytes.len())?;
            let text =
                std::str::from_utf8(r.take(len)?).map_err(|_| r.corrupt("external id is not UTF-8"))?;
            Some(text.to_owned())
        } else {
            None
        };
        if flags & NEW_BATCH != 0 {
            previous_batch = r.signed()?;
        }
        samples.push(ChunkSample {
            start,
            duration,
            value,
            offset_minutes,
            floating_end_offset,
            external_id,
            batch: previous_batch,
        });
        previous_start = start;
    }
    if !r.is_done() {
        return Err(r.corrupt("trailing bytes"));
    }
    if version == VERSION_FLOATING && !samples.iter().any(ChunkSample::is_floating) {
        return Err(r.corrupt("marked as holding floating samples but holds none"));
    }
    Ok(samples)
}

/// Appends the samples of one stored chunk that start in `from..to`, as rollups read them.
pub(crate) fn push_values(
    source_id: i64,
    day: i64,
    body: &[u8],
    (from, to): (i64, i64),
    out: &mut Vec<SampleValue>,
) -> Result<(), StoreError> {
    for s in decode(day, body)? {
        if s.start >= from && s.start < to {
            out.push(SampleValue {
                source_id,
                start: s.start,
                end: s.start + s.duration,
                value: s.value,
                offset_minutes: s.offset_minutes,
            });
        }
    }
    Ok(())
}

/// The chunks a batch of samples falls in.
pub(crate) fn keys_of(samples: &[NewSample]) -> Vec<ChunkKey> {
    let mut keys: Vec<ChunkKey> = samples.iter().map(key_of).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn key_of(s: &NewSample) -> ChunkKey {
    ChunkKey {
        source_id: s.source_id,
        metric: s.metric.code(),
        day: day_of(s.start),
    }
}

/// An external id as the store keys it: unique per source and metric.
pub(crate) type ExternalKey = (i64, i16, String);

/// What adding a batch changes: the chunks to write and the external ids to record.
#[derive(Debug, Default)]
pub(crate) struct Merge {
    pub chunks: Vec<(ChunkKey, EncodedChunk)>,
    pub external_ids: Vec<ExternalKey>,
    pub added: u64,
    /// Stored samples of a superseded import that the batch read again and took over.
    pub taken_over: u64,
    /// Stored samples an earlier attempt of the batch's own import stored (see `resumed`), met again:
    /// the import's own, not duplicates.
    pub resumed: u64,
    /// What `added` counts, by metric (code): the batch's `new_health_data`.
    pub added_by_metric: BTreeMap<i16, crate::events::Added>,
}

/// Adds `samples` to the stored chunks `stored` (decoded, by key; a missing key is an empty day) as
/// one batch, with the rules of [`crate::SampleStore::insert_samples`]: in input order, a sample is
/// skipped when one with the same source, metric, start and duration is stored or came earlier in the
/// batch, or when its external id is in `taken` (stored ids of the batch's samples) or came earlier.
/// A stored sample of one of the `superseded` batches (sorted: those of an import this batch's import
/// replaces, see [`crate::NewImport::supersedes`]) is taken over instead: it gets the batch's reading
/// (value, offset) and the batch, so rolling back the superseded import leaves it. A stored sample of
/// one of the `resumed` batches (sorted: those an earlier attempt of this batch's own import stored
/// before its process stopped) is counted in `resumed` and passes to the batch, so a second copy of it
/// later in the same file is a duplicate, as it would have been in one uninterrupted run.
pub(crate) fn merge(
    samples: &[NewSample],
    mut stored: BTreeMap<ChunkKey, Vec<ChunkSample>>,
    mut taken: HashSet<ExternalKey>,
    batch: i64,
    superseded: &[i64],
    resumed: &[i64],
) -> Merge {
    // Without external ids, a sample can only clash on its (start, duration) key, so clashes inside
    // the batch are settled after grouping by a stable sort that keeps the first of equal keys. With
    // them, a sample dropped for its key must not claim its id, so each is decided in input order.
    let in_input_order = samples.iter().any(|s| s.external_id.is_some());
    let mut seen: HashSet<(ChunkKey, i64, i64)> = HashSet::new();
    // Chunks touched, in first-touch order: (key, stored samples, samples added). Consecutive samples
    // usually share a chunk, so the last one is checked before the index.
    let mut touched: Vec<(ChunkKey, Vec<ChunkSample>, Vec<ChunkSample>)> = Vec::new();
    // Chunks whose stored samples were taken over, so they are written even when nothing was added.
    let mut changed: HashSet<ChunkKey> = HashSet::new();
    let mut index: HashMap<ChunkKey, usize> = HashMap::new();
    let mut merge = Merge::default();
    for s in samples {
        let key = key_of(s);
        let at = match touched.last() {
            Some((last, _, _)) if *last == key => touched.len() - 1,
            _ => *index.entry(key).or_insert_with(|| {
                touched.push((key, stored.remove(&key).unwrap_or_default(), Vec::new()));
                touched.len() - 1
            }),
        };
        let (_, in_store, added) = &mut touched[at];
        let duration = s.end - s.start;
        if let Ok(found) = in_store.binary_search_by(|e| e.key().cmp(&(s.start, duration))) {
            let existing = &mut in_store[found];
            if superseded.binary_search(&existing.batch).is_ok() {
                existing.value = s.value;
                existing.offset_minutes = s.offset_minutes;
                existing.floating_end_offset = s.floating_end_offset;
                existing.batch = batch;
                merge.taken_over += 1;
                changed.insert(key);
            } else if resumed.binary_search(&existing.batch).is_ok() {
                existing.batch = batch;
                merge.resumed += 1;
                changed.insert(key);
            } else if s.offset_minutes.is_some() && s.floating_end_offset.is_some() && !existing.is_floating()
            {
                // Stored before floating samples were kept as such (or from a reader that did not yet
                // know its times were wall-clock): the same file read again makes it follow the
                // time-zone history from now on.
                existing.offset_minutes = s.offset_minutes;
                existing.floating_end_offset = s.floating_end_offset;
                changed.insert(key);
            }
            continue;
        }
        if in_input_order {
            if seen.contains(&(key, s.start, duration)) {
                continue;
            }
            if let Some(id) = &s.external_id {
                let external = (s.source_id, key.metric, id.clone());
                if !taken.insert(external.clone()) {
                    continue;
                }
                merge.external_ids.push(external);
            }
            seen.insert((key, s.start, duration));
        }
        added.push(ChunkSample {
            start: s.start,
            duration,
            value: s.value,
            offset_minutes: s.offset_minutes,
            floating_end_offset: s.offset_minutes.and(s.floating_end_offset),
            external_id: s.external_id.clone(),
            batch,
        });
    }
    touched.sort_unstable_by_key(|(key, _, _)| *key);
    for (key, mut day, mut added) in touched {
        // Stable: of equal keys (possible only without external ids) the first in the batch is kept.
        added.sort_by_key(ChunkSample::key);
        added.dedup_by_key(|s| s.key());
        if added.is_empty() && !changed.contains(&key) {
            continue;
        }
        merge.added += added.len() as u64;
        let by_metric = merge
            .added_by_metric
            .entry(key.metric)
            .or_insert_with(crate::events::Added::new);
        for s in &added {
            by_metric.add(s.start, s.start.saturating_add(s.duration));
        }
        day.append(&mut added);
        day.sort_by_key(ChunkSample::key);
        merge.chunks.push((key, encode(key.day, &day)));
    }
    merge
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wearhouse_model::Metric;

    use super::*;

    fn sample(start: i64, duration: i64, value: f64) -> NewSample {
        NewSample {
            source_id: 7,
            metric: Metric::HeartRate,
            start,
            end: start + duration,
            value,
            offset_minutes: Some(60),
            floating_end_offset: None,
            external_id: None,
        }
    }

    #[test]
    fn a_day_of_minute_heart_rate_round_trips_in_a_few_bytes_a_sample() {
        let day = 20_000;
        let samples: Vec<ChunkSample> = (0..1440)
            .map(|i| ChunkSample {
                start: day * SECONDS_PER_DAY + i * 60,
                duration: 0,
                value: 60.0 + (i % 50) as f64,
                offset_minutes: Some(if i < 600 { 60 } else { 120 }),
                floating_end_offset: None,
                external_id: None,
                batch: if i < 700 { 3 } else { 9 },
            })
            .collect();
        let chunk = encode(day, &samples);
        assert_eq!(chunk.count, 1440);
        assert_eq!(chunk.max_batch, 9);
        assert!(chunk.body.len() < 1440 * 6, "{} bytes", chunk.body.len());
        assert_eq!(decode(day, &chunk.body).unwrap(), samples);
    }

    #[test]
    fn floating_samples_round_trip_and_mark_their_chunk_by_its_first_byte() {
        let day = 20_000;
        let at = |i: i64| day * SECONDS_PER_DAY + i * 3600;
        let samples = vec![
            ChunkSample {
                start: at(1),
                duration: 8 * 3600,
                value: 3.0,
                offset_minutes: Some(60),
                floating_end_offset: Some(120),
                external_id: None,
                batch: 4,
            },
            ChunkSample {
                start: at(2),
                duration: 0,
                value: 61.0,
                offset_minutes: Some(60),
                floating_end_offset: None,
                external_id: None,
                batch: 4,
            },
            ChunkSample {
                start: at(3),
                duration: 60,
                value: 2.5,
                offset_minutes: Some(-300),
                floating_end_offset: Some(-300),
                external_id: Some("fitbit:weight:1".into()),
                batch: 5,
            },
        ];
        let chunk = encode(day, &samples);
        assert_eq!(chunk.body[0], VERSION_FLOATING);
        assert_eq!(decode(day, &chunk.body).unwrap(), samples);
        // Without floating samples the chunk is the plain version, as before.
        let plain = encode(day, &samples[1..2]);
        assert_eq!(plain.body[0], VERSION);
        // A floating flag in a plain chunk is corrupt, not a panic.
        let mut forged = chunk.body.clone();
        forged[0] = VERSION;
        assert!(matches!(decode(day, &forged), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn the_same_reading_sent_again_as_floating_makes_the_stored_one_follow_the_zones() {
        let t = 19_000 * SECONDS_PER_DAY;
        let mut stored = BTreeMap::new();
        let key = ChunkKey {
            source_id: 7,
            metric: Metric::HeartRate.code(),
            day: 19_000,
        };
        stored.insert(
            key,
            vec![ChunkSample {
                start: t,
                duration: 0,
                value: 70.0,
                offset_minutes: None,
                floating_end_offset: None,
                external_id: None,
                batch: 1,
            }],
        );
        let again = NewSample {
            offset_minutes: Some(60),
            floating_end_offset: Some(60),
            ..sample(t, 0, 70.0)
        };
        let merge = merge(&[again], stored, HashSet::new(), 2, &[], &[]);
        assert_eq!(merge.added, 0);
        let written = decode(19_000, &merge.chunks[0].1.body).unwrap();
        assert_eq!(
            (written[0].offset_minutes, written[0].floating_end_offset),
            (Some(60), Some(60))
        );
        assert_eq!(written[0].batch, 1, "it stays the first import's");
    }

    #[test]
    fn fractions_negative_zero_huge_values_and_external_ids_round_trip_exactly() {
        let day = -3; // before 1970
        let base = day * SECONDS_PER_DAY;
        let values = [
            0.1,
            -0.0,
            0.0,
            -5.0,
            1e300,
            f64::MAX,
            9_007_199_254_740_993.0,
            72.25,
        ];
        let samples: Vec<ChunkSample> = values
            .iter()
            .enumerate()
            .map(|(i, v)| ChunkSample {
                start: base + i as i64,
                duration: 30,
                value: *v,
                offset_minutes: (i % 3 != 0).then_some(-300),
                floating_end_offset: None,
                external_id: (i % 2 == 0).then(|| format!("ext-{i}-é")),
                batch: 1,
            })
            .collect();
        let back = decode(day, &encode(day, &samples).body).unwrap();
        assert_eq!(back.len(), samples.len());
        for (a, b) in samples.iter().zip(&back) {
            assert_eq!(a.value.to_bits(), b.value.to_bits());
            assert_eq!(
                (a.start, a.duration, a.offset_minutes, &a.external_id),
                (b.start, b.duration, b.offset_minutes, &b.external_id)
            );
        }
    }

    #[test]
    fn corrupt_chunks_are_errors_not_panics() {
        let day = 1;
        let samples: Vec<ChunkSample> = (0..5)
            .map(|i| ChunkSample {
                start: SECONDS_PER_DAY + i,
                duration: 1,
                value: 0.5,
                offset_minutes: Some(1),
                floating_end_offset: None,
                external_id: Some("x".into()),
                batch: 2,
            })
            .collect();
        let body = encode(day, &samples).body;
        for cut in 0..body.len() {
            assert!(decode(day, &body[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = body.clone();
        trailing.push(0);
        assert!(decode(day, &trailing).is_err());
        assert!(decode(day, &[VERSION, 1, 0x80, 0, 0, 0]).is_err());
        assert!(decode(day, &[VERSION_FLOATING, 0]).is_err());
        assert!(decode(day, &[3, 0]).is_err());
        assert!(decode(
            day,
            &[VERSION, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        )
        .is_err());
        // Arbitrary bytes never panic.
        let mut state = 1u64;
        for len in 0..300 {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 56) as u8
                })
                .collect();
            let _ = decode(day, &junk);
        }
    }

    #[test]
    fn merging_skips_what_is_stored_and_what_came_earlier_in_the_batch() {
        let day = 19_000;
        let t = day * SECONDS_PER_DAY;
        let stored_samples = vec![ChunkSample {
            start: t + 60,
            duration: 0,
            value: 70.0,
            offset_minutes: None,
            floating_end_offset: None,
            external_id: None,
            batch: 1,
        }];
        let key = ChunkKey {
            source_id: 7,
            metric: Metric::HeartRate.code(),
            day,
        };
        let mut stored = BTreeMap::new();
        stored.insert(key, stored_samples);
        let incoming = vec![
            sample(t + 120, 0, 80.0),
            sample(t + 60, 0, 99.0),              // stored
            sample(t + 120, 0, 81.0),             // earlier in the batch: the first one wins
            sample(t + 60, 60, 75.0),             // same start, other duration: a different sample
            sample(t + SECONDS_PER_DAY, 0, 60.0), // the next day's chunk
        ];
        let merge = merge(&incoming, stored, HashSet::new(), 2, &[], &[]);
        assert_eq!(merge.added, 3);
        assert_eq!(merge.chunks.len(), 2);
        let (first_key, first) = &merge.chunks[0];
        assert_eq!(*first_key, key);
        let day_samples = decode(day, &first.body).unwrap();
        let summary: Vec<(i64, i64, f64, i64)> = day_samples
            .iter()
            .map(|s| (s.start - t, s.duration, s.value, s.batch))
            .collect();
        assert_eq!(
            summary,
            vec![(60, 0, 70.0, 1), (60, 60, 75.0, 2), (120, 0, 80.0, 2)]
        );
        assert_eq!(first.max_batch, 2);
        assert_eq!(merge.chunks[1].0.day, day + 1);
    }

    #[test]
    fn external_ids_already_stored_or_repeated_in_the_batch_are_skipped() {
        let t = 19_000 * SECONDS_PER_DAY;
        let with_id = |start: i64, id: &str| NewSample {
            external_id: Some(id.into()),
            ..sample(start, 0, 1.0)
        };
        let mut taken = HashSet::new();
        taken.insert((7, Metric::HeartRate.code(), "old".to_owned()));
        let incoming = vec![
            with_id(t, "old"),
            with_id(t + 1, "new"),
            with_id(t + SECONDS_PER_DAY * 3, "new"),
            with_id(t + 2, "other"),
        ];
        let merge = merge(&incoming, BTreeMap::new(), taken, 5, &[], &[]);
        assert_eq!(merge.added, 2);
        let ids: Vec<&str> = merge.external_ids.iter().map(|(_, _, id)| id.as_str()).collect();
        assert_eq!(ids, vec!["new", "other"]);
        // A sample skipped as a duplicate does not claim its external id.
        let incoming = vec![
            sample(t, 0, 1.0),
            with_id(t, "claimed?"),
            with_id(t + 5, "claimed?"),
        ];
        let merge = super::merge(&incoming, BTreeMap::new(), HashSet::new(), 6, &[], &[]);
        assert_eq!(merge.added, 2);
        let day = decode(19_000, &merge.chunks[0].1.body).unwrap();
        assert_eq!(day[1].external_id.as_deref(), Some("claimed?"));
        assert_eq!(day[1].start, t + 5);
    }

    #[test]
    fn samples_an_earlier_attempt_of_the_import_stored_are_its_own_once() {
        let day = 19_000;
        let t = day * SECONDS_PER_DAY;
        let stored_sample = |start: i64, batch: i64| ChunkSample {
            start,
            duration: 0,
            value: 70.0,
            offset_minutes: None,
            floating_end_offset: None,
            external_id: None,
            batch,
        };
        let key = ChunkKey {
            source_id: 7,
            metric: Metric::HeartRate.code(),
            day,
        };
        let mut stored = BTreeMap::new();
        // Batch 3 was the earlier attempt's; batch 1 another import's.
        stored.insert(key, vec![stored_sample(t, 1), stored_sample(t + 60, 3)]);
        let incoming = vec![
            sample(t, 0, 70.0),       // another import's: a duplicate
            sample(t + 60, 0, 70.0),  // the earlier attempt's: this import's own
            sample(t + 60, 0, 70.0),  // the same record again in the file: a duplicate
            sample(t + 120, 0, 71.0), // new
        ];
        let merge = merge(&incoming, stored, HashSet::new(), 9, &[], &[3]);
        assert_eq!((merge.added, merge.resumed), (1, 1));
        let day_samples = decode(day, &merge.chunks[0].1.body).unwrap();
        let batches: Vec<i64> = day_samples.iter().map(|s| s.batch).collect();
        assert_eq!(batches, vec![1, 9, 9], "the resumed sample passes to the batch");
    }
}
