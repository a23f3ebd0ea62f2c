//! The compact on-disk form of an activity's streams: one blob per activity, columns not rows.
//!
//! Each channel is scaled to integers at the resolution [`StreamKey::scale`] names (time to
//! milliseconds), delta-encoded and written as zigzag LEB128 varints; gaps are run-length coded. A
//! one-second track takes about one byte per value per channel (time deltas of 1000 ms take two), versus
//! ~40 bytes per point as rows. Hand-written because it is 80 lines and a general compressor would not
//! know that consecutive points differ by little.
//!
//! Layout: `VERSION`, varint point count, the time column, then per channel: its tag, varint run count,
//! run lengths (alternating present/absent, starting with present), and the present values.

use std::collections::BTreeMap;

use wearhouse_model::{activity::MAX_STREAM_POINTS, StreamKey, Streams};

use crate::varint::{put_varint, zigzag, Reader};
use crate::StoreError;

const VERSION: u8 = 1;

fn put_deltas(out: &mut Vec<u8>, values: impl Iterator<Item = i64>) {
    let mut previous = 0i64;
    for v in values {
        put_varint(out, zigzag(v.wrapping_sub(previous)));
        previous = v;
    }
}

/// Scales a value to the stored integer. Values are validated finite; the clamp keeps absurd magnitudes
/// from wrapping rather than trusting them.
fn scaled(v: f64, scale: f64) -> i64 {
    (v * scale).round().clamp(-(2f64.powi(53)), 2f64.powi(53)) as i64
}

pub(crate) fn encode(streams: &Streams) -> Vec<u8> {
    let n = streams.time.len();
    let mut out = Vec::with_capacity(16 + n * (2 + streams.channels.len() * 2));
    out.push(VERSION);
    put_varint(&mut out, n as u64);
    put_deltas(&mut out, streams.time.iter().map(|t| scaled(*t, 1000.0)));
    for (key, values) in &streams.channels {
        out.push(key.tag());
        let mut runs = Vec::new();
        let mut present = true;
        let mut length = 0u64;
        for v in values {
            if v.is_some() == present {
                length += 1;
            } else {
                runs.push(length);
                present = !present;
                length = 1;
            }
        }
        runs.push(length);
        put_varint(&mut out, runs.len() as u64);
        for run in runs {
            put_varint(&mut out, run);
        }
        put_deltas(&mut out, values.iter().flatten().map(|v| scaled(*v, key.scale())));
    }
    out
}

fn read_deltas(c: &mut Reader<'_>, n: usize, scale: f64) -> Result<Vec<f64>, StoreError> {
    let mut previous = 0i64;
    (0..n)
        .map(|_| {
            previous = previous.wrapping_add(c.signed()?);
            Ok(previous as f64 / scale)
        })
        .collect()
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Streams, StoreError> {
    let mut c = Reader::new(bytes, "activity streams");
    if c.byte()? != VERSION {
        return Err(c.corrupt("unknown version"));
    }
    let n = c.count(MAX_STREAM_POINTS)?;
    let time = read_deltas(&mut c, n, 1000.0)?;
    let mut channels = BTreeMap::new();
    while !c.is_done() {
        let tag = c.byte()?;
        let key = StreamKey::from_tag(tag).ok_or_else(|| c.corrupt("unknown channel"))?;
        let run_count = c.count(n + 1)?;
        let mut mask = Vec::with_capacity(n);
        for i in 0..run_count {
            let run = c.count(n - mask.len())?;
            mask.extend(std::iter::repeat_n(i % 2 == 0, run));
        }
        if mask.len() != n {
            return Err(c.corrupt("runs do not cover the points"));
        }
        let present = mask.iter().filter(|p| **p).count();
        let mut values = read_deltas(&mut c, present, key.scale())?.into_iter();
        let column = mask
            .into_iter()
            .map(|p| if p { values.next() } else { None })
            .collect();
        channels.insert(key, column);
    }
    Ok(Streams { time, channels })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_at_the_stored_resolution_and_is_compact() {
        let n = 3600;
        let mut channels = BTreeMap::new();
        channels.insert(
            StreamKey::Lat,
            (0..n).map(|i| Some(52.52 + i as f64 * 1e-5)).collect(),
        );
        channels.insert(
            StreamKey::Lon,
            (0..n).map(|i| Some(13.40 - i as f64 * 1e-5)).collect(),
        );
        channels.insert(
            StreamKey::HeartRate,
            (0..n)
                .map(|i| (i % 100 != 0).then_some(120.0 + (i % 7) as f64))
                .collect(),
        );
        channels.insert(
            StreamKey::Altitude,
            (0..n).map(|i| Some(34.5 + (i % 10) as f64 * 0.1)).collect(),
        );
        let streams = Streams {
            time: (0..n).map(|i| i as f64).collect(),
            channels,
        };
        let blob = encode(&streams);
        let back = decode(&blob).unwrap();
        assert_eq!(back.time, streams.time);
        for (key, values) in &streams.channels {
            let decoded = &back.channels[key];
            assert_eq!(decoded.len(), values.len());
            for (a, b) in values.iter().zip(decoded) {
                match (a, b) {
                    (Some(a), Some(b)) => assert!((a - b).abs() <= 0.5 / key.scale(), "{key:?} {a} {b}"),
                    (None, None) => {}
                    other => panic!("presence differs: {other:?}"),
                }
            }
        }
        // 5 columns of 3600 points: a little over one byte per value.
        assert!(blob.len() < n * 5 * 2, "{} bytes", blob.len());
    }

    #[test]
    fn empty_streams_round_trip() {
        let empty = Streams::default();
        assert_eq!(decode(&encode(&empty)).unwrap(), empty);
    }

    #[test]
    fn corrupt_blobs_are_errors_not_panics() {
        let streams = Streams {
            time: vec![0.0, 1.0, 2.0],
            channels: BTreeMap::new(),
        };
        let blob = encode(&streams);
        for cut in 0..blob.len() {
            let _ = decode(&blob[..cut]);
        }
        assert!(decode(&[]).is_err());
        assert!(decode(&[VERSION, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(decode(&[VERSION, 1, 0, 99]).is_err());
    }
}
