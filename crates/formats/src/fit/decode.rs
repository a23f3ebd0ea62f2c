//! The FIT container: file headers (chained files too), CRCs, definition and data records, compressed
//! timestamp headers, and typed reads of one field of a data message. It knows nothing of what the
//! messages mean: it hands each data message to a [`MessageSink`] and skips every byte by its definition.
//!
//! Every read is bounds-checked (`get`), so no input can make it panic or read past the end.

use crate::{FormatError, Location, Warning};

use super::profile::{self, mesg};

/// What the decoder hands over: each data message, in file order.
pub trait MessageSink {
    /// `part` is the index of the chained FIT file the message sits in (0 for ordinary files).
    fn message(&mut self, part: usize, msg: &DataMessage<'_>);
}

/// How a file's decoding ended, besides the messages it produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub warnings: Vec<Warning>,
    /// The first problem that stopped decoding early (a cut-off record, a corrupt chained header). The
    /// caller turns it into an error when nothing usable was read before it.
    pub stopped: Option<FormatError>,
    /// Data messages decoded, of every kind (tests compare this with other decoders' counts).
    pub messages: usize,
}

/// FIT CRC-16 tables for eight bytes at a time ("slicing by 8"), derived at compile time from the
/// polynomial behind the SDK's nibble table (CRC-16/ARC, reflected 0xA001). A byte-wide loop spent half
/// the reader's time on a 1 MB file; eight independent lookups per step remove the dependency chain.
const CRC_TABLES: [[u16; 256]; 8] = {
    let mut tables = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[k - 1][i];
            tables[k][i] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    tables
};

/// FIT CRC-16 of `bytes`, starting from 0.
pub fn crc16(bytes: &[u8]) -> u16 {
    let t = &CRC_TABLES;
    let mut crc = 0u16;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let lo = (crc & 0xFF) as u8 ^ c[0];
        let hi = (crc >> 8) as u8 ^ c[1];
        crc = t[7][usize::from(lo)]
            ^ t[6][usize::from(hi)]
            ^ t[5][usize::from(c[2])]
            ^ t[4][usize::from(c[3])]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    chunks.remainder().iter().fold(crc, |crc, &b| {
        (crc >> 8) ^ t[0][usize::from((crc ^ u16::from(b)) & 0xFF)]
    })
}

/// One field of a definition: where it sits in the data message and how it is encoded.
#[derive(Debug, Clone, Copy)]
struct FieldDef {
    offset: u32,
    size: u8,
    base_type: u8,
}

/// A definition record: the layout every data message of its local type follows until redefined.
#[derive(Debug, Clone)]
struct Definition {
    global: u16,
    big_endian: bool,
    /// Bytes of one data message, developer fields included.
    len: usize,
    fields: Vec<FieldDef>,
    /// `index[field number]` = position in `fields` + 1, or 0 when absent: O(1) field lookup, which
    /// matters at one lookup per field per record on files with tens of thousands of records.
    index: [u8; 256],
}

/// One data message, decoded lazily: fields are read only when asked for.
pub struct DataMessage<'a> {
    pub global: u16,
    /// Seconds since the FIT epoch: field 253, the compressed header's time, or for monitoring messages
    /// `timestamp_16` expanded against the last full timestamp; `None` when the message has none.
    pub timestamp: Option<u32>,
    def: &'a Definition,
    data: &'a [u8],
}

/// Width in bytes of a FIT base type (by its low five bits), or `None` for a type this reader does not
/// know (such fields are still skipped by their declared size).
fn base_width(base_type: u8) -> Option<usize> {
    match base_type & 0x1F {
        0 | 1 | 2 | 7 | 10 | 13 => Some(1),
        3 | 4 | 11 => Some(2),
        5 | 6 | 8 | 12 => Some(4),
        9 | 14 | 15 | 16 => Some(8),
        _ => None,
    }
}

impl<'a> DataMessage<'a> {
    fn field_def(&self, num: u8) -> Option<FieldDef> {
        let at = self.def.index[usize::from(num)];
        self.def.fields.get(usize::from(at).checked_sub(1)?).copied()
    }

    fn field_bytes(&self, f: FieldDef) -> Option<&'a [u8]> {
        let start = f.offset as usize;
        self.data.get(start..start.checked_add(usize::from(f.size))?)
    }

    /// The raw bytes of a field, whatever its type.
    pub fn bytes(&self, num: u8) -> Option<&'a [u8]> {
        self.field_bytes(self.field_def(num)?)
    }

    /// The first element of a numeric field, `None` when absent, invalid, or declared with a size too
    /// small for its base type (misaligned definitions exist in the wild).
    pub fn number(&self, num: u8) -> Option<f64> {
        let f = self.field_def(num)?;
        let width = base_width(f.base_type)?;
        let bytes = self.field_bytes(f)?;
        decode_number(bytes.get(..width)?, f.base_type, self.def.big_endian)
    }

    /// `number` with the profile's scale and offset applied: value / scale − offset.
    pub fn scaled(&self, num: u8, scale: f64, offset: f64) -> Option<f64> {
        self.number(num).map(|v| v / scale - offset)
    }

    /// An unsigned integer field that must fit in `u32` (timestamps, serial numbers, enums).
    pub fn uint(&self, num: u8) -> Option<u32> {
        let v = self.number(num)?;
        (v >= 0.0 && v <= f64::from(u32::MAX) && v.fract() == 0.0).then_some(v as u32)
    }

    /// Every element of an array field, in order, `None` where invalid (so parallel arrays stay aligned).
    pub fn numbers(&self, num: u8) -> impl Iterator<Item = Option<f64>> + 'a {
        let found = self.field_def(num).and_then(|f| {
            let width = base_width(f.base_type)?;
            Some((self.field_bytes(f)?, width, f.base_type))
        });
        let big_endian = self.def.big_endian;
        found.into_iter().flat_map(move |(bytes, width, base_type)| {
            bytes
                .chunks_exact(width)
                .map(move |chunk| decode_number(chunk, base_type, big_endian))
        })
    }

    /// A string field: UTF-8 up to the first NUL, trimmed; `None` when empty or not UTF-8.
    pub fn text(&self, num: u8) -> Option<String> {
        let bytes = self.bytes(num)?;
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let text = std::str::from_utf8(bytes.get(..end)?).ok()?.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// Decodes one element of `width` bytes, or `None` for the base type's invalid value.
fn decode_number(b: &[u8], base_type: u8, big_endian: bool) -> Option<f64> {
    let raw: u64 = if big_endian {
        b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    } else {
        b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    };
    match base_type & 0x1F {
        // enum, uint8, byte: invalid 0xFF
        0 | 2 | 13 => (raw != 0xFF).then_some(raw as f64),
        1 => (raw != 0x7F).then_some(f64::from(raw as u8 as i8)),
        3 => (raw != 0x7FFF).then_some(f64::from(raw as u16 as i16)),
        4 => (raw != 0xFFFF).then_some(raw as f64),
        5 => (raw != 0x7FFF_FFFF).then_some(f64::from(raw as u32 as i32)),
        6 => (raw != 0xFFFF_FFFF).then_some(raw as f64),
        // string: not a number
        7 => None,
        8 => {
            let v = f32::from_bits(raw as u32);
            (raw != 0xFFFF_FFFF && v.is_finite()).then_some(f64::from(v))
        }
        9 => {
            let v = f64::from_bits(raw);
            (raw != u64::MAX && v.is_finite()).then_some(v)
        }
        // uint8z, uint16z, uint32z, uint64z: invalid 0
        10 | 11 | 12 | 16 => (raw != 0).then_some(raw as f64),
        14 => (raw != 0x7FFF_FFFF_FFFF_FFFF).then_some(raw as i64 as f64),
        15 => (raw != u64::MAX).then_some(raw as f64),
        _ => None,
    }
}

fn u16_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let b: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

fn u32_le_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn byte_at(at: usize) -> Location {
    Location::Byte(at as u64)
}

fn warning(code: &'static str, detail: impl Into<String>, at: usize) -> Warning {
    Warning {
        code,
        detail: detail.into(),
        location: byte_at(at),
    }
}

/// A FIT file header, validated.
struct Header {
    size: usize,
    data_size: usize,
}

/// Reads the header at `at`; `Err` names why it is not one (`not_fit`, `corrupt_header`, `truncated`).
fn read_header(bytes: &[u8], at: usize, warnings: &mut Vec<Warning>) -> Result<Header, FormatError> {
    let rest = bytes.get(at..).unwrap_or_default();
    if rest.len() < 12 {
        return Err(FormatError::new(
            "truncated",
            format!("a FIT header needs 12 bytes, {} remain", rest.len()),
            byte_at(at),
        ));
    }
    if rest.get(8..12) != Some(b".FIT") {
        return Err(FormatError::new(
            "not_fit",
            "no \".FIT\" signature in the file header",
            byte_at(at),
        ));
    }
    let size = usize::from(rest[0]);
    if size < 12 || size > rest.len() {
        return Err(FormatError::new(
            "corrupt_header",
            format!("impossible FIT header size {size}"),
            byte_at(at),
        ));
    }
    let data_size = u32_le_at(rest, 4).unwrap_or(0) as usize;
    if size >= 14 {
        // A header CRC of 0 means "not computed" (the SDK allows it).
        let stored = u16_at(rest, 12, false).unwrap_or(0);
        if stored != 0 && stored != crc16(&rest[..12]) {
            warnings.push(warning(
                "crc_mismatch",
                "the file header's CRC does not match; read anyway",
                at,
            ));
        }
    }
    Ok(Header { size, data_size })
}

/// State carried across the records of one chained part.
struct PartState {
    defs: [Option<Definition>; 16],
    last_timestamp: Option<u32>,
}

/// Decodes every chained part of `bytes`, handing data messages to `sink`. Errors only when the very
/// first header is unusable; everything later becomes a warning or `Outcome::stopped`.
pub fn decode(bytes: &[u8], sink: &mut impl MessageSink) -> Result<Outcome, FormatError> {
    let mut outcome = Outcome::default();
    let mut at = 0usize;
    let mut part = 0usize;
    loop {
        let header = match read_header(bytes, at, &mut outcome.warnings) {
            Ok(h) => h,
            Err(e) if part == 0 => return Err(e),
            Err(e) => {
                // Bytes after a complete file that are not a FIT header: the parts before are intact,
                // so keep them and report the rest as a corrupt chained header.
                outcome.stopped = Some(FormatError::new(
                    "corrupt_header",
                    format!("chained FIT file {}: {}", part + 1, e.detail),
                    e.location,
                ));
                break;
            }
        };
        let data_start = at + header.size;
        let declared_end = data_start.saturating_add(header.data_size);
        let data_end = declared_end.min(bytes.len());
        let crc_end = declared_end.saturating_add(2);
        if crc_end <= bytes.len() {
            let stored = u16_at(bytes, declared_end, false);
            let computed = bytes.get(at..declared_end).map(crc16);
            if stored != computed {
                outcome.warnings.push(warning(
                    "crc_mismatch",
                    "the file CRC does not match its contents; read anyway",
                    declared_end,
                ));
            }
        }
        let data = bytes.get(..data_end).unwrap_or_default();
        decode_records(data, data_start, part, sink, &mut outcome);
        if outcome.stopped.is_some() {
            break;
        }
        if declared_end > bytes.len() {
            outcome.stopped = Some(FormatError::new(
                "truncated",
                format!(
                    "the header announces {} data bytes but the file ends {} bytes early",
                    header.data_size,
                    declared_end - bytes.len()
                ),
                byte_at(bytes.len()),
            ));
            break;
        }
        if crc_end > bytes.len() {
            outcome
                .warnings
                .push(warning("truncated", "the file ends before its CRC", bytes.len()));
            break;
        }
        at = crc_end;
        part += 1;
        // Some writers pad the file with zeros after the last CRC: that is not another file.
        if bytes.get(at..).is_none_or(|rest| rest.iter().all(|&b| b == 0)) {
            break;
        }
    }
    Ok(outcome)
}

/// Decodes the records in `data[start..]` (the slice ends where the part's data ends).
fn decode_records(
    data: &[u8],
    start: usize,
    part: usize,
    sink: &mut impl MessageSink,
    outcome: &mut Outcome,
) {
    let mut state = PartState {
        defs: Default::default(),
        last_timestamp: None,
    };
    let mut at = start;
    while let Some(&header) = data.get(at) {
        let result = if header & 0x80 != 0 {
            let local = usize::from((header >> 5) & 0x03);
            let offset = u32::from(header & 0x1F);
            let timestamp = state.last_timestamp.map(|last| {
                let base = (last & !0x1F).wrapping_add(offset);
                if offset >= last & 0x1F {
                    base
                } else {
                    base.wrapping_add(0x20)
                }
            });
            data_message(data, at, local, timestamp, &mut state, part, sink)
        } else if header & 0x40 != 0 {
            read_definition(data, at, header).map(|(def, next)| {
                if let Some(slot) = state.defs.get_mut(usize::from(header & 0x0F)) {
                    *slot = Some(def);
                }
                next
            })
        } else {
            let local = usize::from(header & 0x0F);
            data_message(data, at, local, None, &mut state, part, sink)
        };
        match result {
            Ok(next) => {
                if header & 0xC0 != 0x40 {
                    outcome.messages += 1;
                }
                at = next;
            }
            Err(e) => {
                outcome.stopped = Some(e);
                return;
            }
        }
    }
}

/// Parses the definition record at `at`; returns it and where the next record starts.
fn read_definition(data: &[u8], at: usize, header: u8) -> Result<(Definition, usize), FormatError> {
    let cut = || FormatError::new("truncated", "a definition record is cut off", byte_at(at));
    let big_endian = *data.get(at + 2).ok_or_else(cut)? != 0;
    let global = u16_at(data, at + 3, big_endian).ok_or_else(cut)?;
    let count = usize::from(*data.get(at + 5).ok_or_else(cut)?);
    let mut p = at + 6;
    let specs = data.get(p..p + 3 * count).ok_or_else(cut)?;
    p += 3 * count;
    let mut fields = Vec::with_capacity(count);
    let mut index = [0u8; 256];
    let mut len = 0usize;
    for spec in specs.chunks_exact(3) {
        let (num, size, base_type) = (spec[0], spec[1], spec[2]);
        fields.push(FieldDef {
            offset: len as u32,
            size,
            base_type,
        });
        // At most 255 fields, so the position always fits in a byte.
        index[usize::from(num)] = fields.len() as u8;
        len += usize::from(size);
    }
    if header & 0x20 != 0 {
        let dev_count = usize::from(*data.get(p).ok_or_else(cut)?);
        p += 1;
        let dev = data.get(p..p + 3 * dev_count).ok_or_else(cut)?;
        p += 3 * dev_count;
        len += dev
            .chunks_exact(3)
            .map(|spec| usize::from(spec[1]))
            .sum::<usize>();
    }
    Ok((
        Definition {
            global,
            big_endian,
            len,
            fields,
            index,
        },
        p,
    ))
}

/// Hands the data message at `at` to the sink; returns where the next record starts.
fn data_message(
    data: &[u8],
    at: usize,
    local: usize,
    compressed_time: Option<u32>,
    state: &mut PartState,
    part: usize,
    sink: &mut impl MessageSink,
) -> Result<usize, FormatError> {
    let Some(def) = state.defs.get(local).and_then(Option::as_ref) else {
        return Err(FormatError::new(
            "corrupt_record",
            format!("a data message uses local type {local}, which was never defined"),
            byte_at(at),
        ));
    };
    let body_start = at + 1;
    let body = data
        .get(body_start..body_start + def.len)
        .ok_or_else(|| FormatError::new("truncated", "a data message is cut off", byte_at(at)))?;
    let mut msg = DataMessage {
        global: def.global,
        timestamp: compressed_time,
        def,
        data: body,
    };
    if let Some(ts) = msg.uint(profile::TIMESTAMP) {
        msg.timestamp = Some(ts);
    } else if msg.global == mesg::MONITORING && msg.timestamp.is_none() {
        // Monitoring messages carry only the low 16 bits of their time, relative to the last full one.
        if let (Some(low), Some(last)) = (msg.uint(profile::monitoring::TIMESTAMP_16), state.last_timestamp) {
            let delta = (low.wrapping_sub(last)) & 0xFFFF;
            msg.timestamp = Some(last.wrapping_add(delta));
        }
    }
    if msg.timestamp.is_some() {
        state.last_timestamp = msg.timestamp;
    }
    sink.message(part, &msg);
    Ok(body_start + def.len)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The SDK's reference implementation, a nibble at a time.
    fn crc16_nibbles(bytes: &[u8]) -> u16 {
        const T: [u16; 16] = [
            0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401,
            0x5000, 0x9C01, 0x8801, 0x4400,
        ];
        let mut crc = 0u16;
        for &b in bytes {
            let tmp = T[usize::from(crc & 0xF)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[usize::from(b & 0xF)];
            let tmp = T[usize::from(crc & 0xF)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[usize::from((b >> 4) & 0xF)];
        }
        crc
    }

    #[test]
    fn byte_table_crc_equals_the_sdk_nibble_crc() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for len in 0..40 {
            for start in 0..9 {
                let slice = &data[start..start + len];
                assert_eq!(crc16(slice), crc16_nibbles(slice), "{start}+{len}");
            }
        }
        assert_eq!(crc16(&data), crc16_nibbles(&data));
        assert_eq!(crc16(b""), 0);
        // CRC-16/ARC check value.
        assert_eq!(crc16(b"123456789"), 0xBB3D);
    }

    #[test]
    fn numbers_honour_invalid_values_and_signedness() {
        assert_eq!(decode_number(&[0xFF], 2, false), None);
        assert_eq!(decode_number(&[0xFE], 2, false), Some(254.0));
        assert_eq!(decode_number(&[0xFF, 0x7F], 0x83, false), None);
        assert_eq!(decode_number(&[0xFF, 0xFF], 0x83, false), Some(-1.0));
        assert_eq!(decode_number(&[0x01, 0x02], 0x84, true), Some(258.0));
        assert_eq!(decode_number(&[0x01, 0x02], 0x84, false), Some(513.0));
        assert_eq!(decode_number(&[0, 0, 0, 0], 0x8C, false), None);
        assert_eq!(decode_number(&[0xFF, 0xFF, 0xFF, 0x7F], 0x85, false), None);
        assert_eq!(decode_number(&[0, 0, 0, 0x80], 0x85, false), Some(-2147483648.0));
        assert_eq!(decode_number(&1.5f32.to_le_bytes(), 0x88, false), Some(1.5));
    }
}
