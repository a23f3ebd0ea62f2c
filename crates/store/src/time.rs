//! Instants are stored as microseconds since the Unix epoch: one integer type both backends index well.

use jiff::Timestamp;

use crate::StoreError;

pub(crate) fn to_micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

pub(crate) fn from_micros(micros: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(micros).map_err(|e| StoreError::Corrupt(format!("instant {micros}: {e}")))
}
