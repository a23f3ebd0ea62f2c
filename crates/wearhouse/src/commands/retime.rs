//! Copies of recordings moved in time, for benchmarks that need many distinct workouts made of a few
//! real files: a FIT file with every date-time field shifted (and its CRC written again), and GPX or
//! TCX text with every ISO date-time shifted.

use anyhow::{bail, ensure, Context};
use jiff::civil::DateTime;
use jiff::ToSpan;

/// The FIT file's CRC-16 nibble table (FIT SDK, "FIT File Types: CRC").
const CRC_TABLE: [u16; 16] = [
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401, 0x5000,
    0x9C01, 0x8801, 0x4400,
];

/// The byte at `i`, or an error naming where the file ends too soon.
fn byte(bytes: &[u8], i: usize) -> anyhow::Result<u8> {
    bytes
        .get(i)
        .copied()
        .with_context(|| format!("the file ends inside a message at byte {i}"))
}

fn crc(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |mut crc, &byte| {
        for nibble in [byte & 0x0f, byte >> 4] {
            let tmp = CRC_TABLE[usize::from(crc & 0x0f)];
            crc = ((crc >> 4) & 0x0fff) ^ tmp ^ CRC_TABLE[usize::from(nibble)];
        }
        crc
    })
}

/// Date-time fields other than `timestamp` (253): (global message, field) for file_id.time_created,
/// session and lap start_time, activity.local_timestamp and length.start_time.
const DATE_FIELDS: &[(u16, u8)] = &[(0, 4), (18, 2), (19, 2), (34, 5), (101, 2)];

/// A local message type's definition: global number, big-endian, field (number, size) list, and bytes
/// of developer fields.
type Definition = (u16, bool, Vec<(u8, u8)>, usize);

/// A copy of the first FIT file in `bytes` with every date-time moved `days` days later. Whole days keep
/// compressed timestamp headers valid (their offsets count seconds modulo 32, and a day is 2,700 × 32 s).
pub fn shift_fit(bytes: &[u8], days: i64) -> anyhow::Result<Vec<u8>> {
    let seconds = u32::try_from(days * 86_400).context("shift out of range")?;
    let header_len = usize::from(*bytes.first().context("empty file")?);
    ensure!(
        matches!(header_len, 12 | 14) && bytes.get(8..12) == Some(b".FIT"),
        "not a FIT file"
    );
    let data_len = u32::from_le_bytes(bytes.get(4..8).context("no header")?.try_into()?) as usize;
    let end = header_len + data_len;
    ensure!(bytes.len() >= end + 2, "the file is shorter than its header says");
    let mut out = bytes
        .get(..end)
        .context("the file is shorter than its header says")?
        .to_vec();
    let mut definitions: [Option<Definition>; 16] = Default::default();
    let mut at = header_len;
    while at < end {
        let header = byte(&out, at)?;
        at += 1;
        if header & 0x80 == 0 && header & 0x40 != 0 {
            let local = usize::from(header & 0x0f);
            let big = byte(&out, at + 1)? == 1;
            let pair = [byte(&out, at + 2)?, byte(&out, at + 3)?];
            let global = if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            };
            let count = usize::from(byte(&out, at + 4)?);
            at += 5;
            let fields = (0..count)
                .map(|i| Ok((byte(&out, at + 3 * i)?, byte(&out, at + 3 * i + 1)?)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            at += 3 * count;
            let mut developer = 0;
            if header & 0x20 != 0 {
                let dev_count = usize::from(byte(&out, at)?);
                at += 1;
                for i in 0..dev_count {
                    developer += usize::from(byte(&out, at + 3 * i + 1)?);
                }
                at += 3 * dev_count;
            }
            definitions[local] = Some((global, big, fields, developer));
            continue;
        }
        let local = if header & 0x80 != 0 {
            usize::from((header >> 5) & 0x03)
        } else {
            usize::from(header & 0x0f)
        };
        let Some((global, big, fields, developer)) = &definitions[local] else {
            bail!("a data message at byte {at} has no definition");
        };
        for &(number, size) in fields {
            let size = usize::from(size);
            let is_date = number == 253 || DATE_FIELDS.contains(&(*global, number));
            if let Some(raw) = out
                .get(at..at + 4)
                .filter(|_| is_date && size == 4 && at + 4 <= end)
            {
                let raw: [u8; 4] = raw.try_into()?;
                let value = if *big {
                    u32::from_be_bytes(raw)
                } else {
                    u32::from_le_bytes(raw)
                };
                // 0xFFFFFFFF is "no value". Values below 0x10000000 count from the device's power-on;
                // they move too, so that every copy is a workout of its own.
                if value != u32::MAX {
                    let moved = value.wrapping_add(seconds);
                    let moved = if *big {
                        moved.to_be_bytes()
                    } else {
                        moved.to_le_bytes()
                    };
                    out[at..at + 4].copy_from_slice(&moved);
                }
            }
            at += size;
        }
        at += developer;
    }
    ensure!(at == end, "the records run past the data size");
    let file_crc = crc(&out);
    out.extend_from_slice(&file_crc.to_le_bytes());
    Ok(out)
}

/// `text` with every `YYYY-MM-DDTHH:MM:SS` moved `days` days later, written back in the same form, so
/// fractions and offsets after it stay as they were.
pub fn shift_text(text: &str, days: i64) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 19 <= bytes.len() {
        let candidate = &bytes[i..i + 19];
        let shape = candidate.iter().enumerate().all(|(k, b)| match k {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            _ => b.is_ascii_digit(),
        });
        let parsed = shape
            .then(|| std::str::from_utf8(candidate).ok()?.parse::<DateTime>().ok())
            .flatten()
            .and_then(|dt| dt.checked_add(days.days()).ok());
        if let Some(moved) = parsed {
            out.push_str(&text[copied..i]);
            out.push_str(&moved.strftime("%Y-%m-%dT%H:%M:%S").to_string());
            i += 19;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_date_times_move_whole_days_and_keep_their_form() {
        let gpx =
            "<time>2025-03-29T23:30:00Z</time><time>2025-03-30T00:35:00.250+02:00</time> 2025-13-01T00:00:00";
        assert_eq!(
            shift_text(gpx, 3),
            "<time>2025-04-01T23:30:00Z</time><time>2025-04-02T00:35:00.250+02:00</time> 2025-13-01T00:00:00"
        );
    }

    #[test]
    fn the_crc_is_the_fit_sdks() {
        // A file's CRC over itself and its CRC is zero.
        let body = b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT";
        let c = crc(body);
        let mut whole = body.to_vec();
        whole.extend_from_slice(&c.to_le_bytes());
        assert_eq!(crc(&whole), 0);
    }
}
