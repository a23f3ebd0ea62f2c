//! LEB128 varints with zigzag for signed values, and a bounds-checked reader: the building blocks of
//! the compact blobs the store writes (activity streams, sample chunks). A blob that does not decode is
//! reported as corrupt, naming what it was and where, never a panic.

use crate::StoreError;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Reads a blob front to back.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pub(crate) at: usize,
    /// What the blob holds, for error messages.
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }

    pub(crate) fn corrupt(&self, problem: &str) -> StoreError {
        StoreError::Corrupt(format!("{}: {problem} at byte {}", self.what, self.at))
    }

    pub(crate) fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub(crate) fn byte(&mut self) -> Result<u8, StoreError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| self.corrupt("unexpected end"))?;
        self.at += 1;
        Ok(b)
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.corrupt("unexpected end"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64, StoreError> {
        // Most varints in the blobs (offsets, small counts, deltas) are one byte: that case is inlined
        // into the decoders, longer ones take a call.
        if let Some(&b) = self.bytes.get(self.at) {
            if b < 0x80 {
                self.at += 1;
                return Ok(u64::from(b));
            }
        }
        self.long_varint()
    }

    #[inline(never)]
    fn long_varint(&mut self) -> Result<u64, StoreError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.corrupt("overlong varint"))
    }

    #[inline]
    pub(crate) fn signed(&mut self) -> Result<i64, StoreError> {
        Ok(unzigzag(self.varint()?))
    }

    /// A count no larger than `limit`.
    pub(crate) fn count(&mut self, limit: usize) -> Result<usize, StoreError> {
        let v = self.varint()?;
        usize::try_from(v)
            .ok()
            .filter(|v| *v <= limit)
            .ok_or_else(|| self.corrupt("count out of range"))
    }
}
