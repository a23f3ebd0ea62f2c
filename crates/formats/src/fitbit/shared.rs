//! Helpers shared by the two Takeout-style readers, [`crate::fitbit`] and [`crate::google_fit`]: JSON read
//! item by item, lenient numbers, capped warnings, local days and validated samples. It lives under
//! `fitbit` only because the crate root lists one module per format and is not this reader's to change.
//!
//! Items are read through [`RawValue`]: the file is split into the raw text of each item first and each
//! item is then deserialized on its own, so one malformed entry among 70,000 heart-rate readings is a
//! [`Warning`] instead of a failed file (serde cannot resume a sequence after an element fails).

use std::collections::BTreeMap;

use jiff::civil::{self, Date};
use jiff::tz::Offset;
use jiff::Timestamp;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use wearhouse_analytics::ZoneHistory;
use wearhouse_model::{InvalidInput, Metric, RawValue as Value, Unit};

use crate::{FormatError, Location, ParsedSample, Warning};

/// Warnings kept in full per code; the rest are only counted, so a damaged day file with 70,000 bad
/// readings yields a readable report rather than 70,000 lines.
pub(crate) const WARNINGS_PER_CODE: usize = 20;

/// Warnings for one entry of an export, capped per code.
#[derive(Debug)]
pub(crate) struct Diagnostics {
    entry: String,
    warnings: Vec<Warning>,
    counts: BTreeMap<&'static str, u64>,
}

impl Diagnostics {
    pub(crate) fn new(entry: &str) -> Self {
        Self {
            entry: entry.to_owned(),
            warnings: Vec::new(),
            counts: BTreeMap::new(),
        }
    }

    /// A warning located at the entry itself; `detail` is only built while under the cap.
    pub(crate) fn warn(&mut self, code: &'static str, detail: impl FnOnce() -> String) {
        let location = Location::Entry(self.entry.clone());
        self.warn_at(code, location, detail);
    }

    pub(crate) fn warn_at(
        &mut self,
        code: &'static str,
        location: Location,
        detail: impl FnOnce() -> String,
    ) {
        let count = self.counts.entry(code).or_insert(0);
        *count = count.saturating_add(1);
        if *count <= WARNINGS_PER_CODE as u64 {
            self.warnings.push(Warning {
                code,
                detail: detail(),
                location,
            });
        }
    }

    /// A rejected value, under the model's own code (`implausible_value`, `bad_value`, …).
    pub(crate) fn invalid(&mut self, what: impl FnOnce() -> String, error: InvalidInput) {
        let code = error.code;
        self.warn(code, || format!("{}: {}", what(), error.detail));
    }

    /// The kept warnings, plus one per code that went over the cap saying how many were left out.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        for (code, count) in &self.counts {
            let dropped = count.saturating_sub(WARNINGS_PER_CODE as u64);
            if dropped > 0 {
                self.warnings.push(Warning {
                    code,
                    detail: format!("{dropped} more '{code}' warnings like the ones above were left out"),
                    location: Location::Entry(self.entry.clone()),
                });
            }
        }
        self.warnings
    }
}

/// The input as text, without a UTF-8 byte-order mark. Invalid UTF-8 is `malformed_json`: JSON is UTF-8.
pub(crate) fn json_text<'a>(entry: &str, bytes: &'a [u8]) -> Result<&'a str, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        FormatError::new(
            "malformed_json",
            format!(
                "{entry} is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
            Location::Byte(e.valid_up_to() as u64),
        )
    })
}

/// Parses a whole JSON document into `T`, mapping serde's error to `malformed_json` (not JSON at all) or
/// `unexpected_shape` (JSON, but not what this kind of entry holds).
pub(crate) fn parse_document<'a, T: Deserialize<'a>>(
    entry: &str,
    text: &'a str,
    expected: &str,
) -> Result<T, FormatError> {
    serde_json::from_str(text).map_err(|e| document_error(entry, &e, expected))
}

fn document_error(entry: &str, e: &serde_json::Error, expected: &str) -> FormatError {
    if e.is_data() {
        FormatError::new(
            "unexpected_shape",
            format!("{entry} is JSON but not {expected}: {e}"),
            Location::Entry(entry.to_owned()),
        )
    } else {
        FormatError::new(
            "malformed_json",
            format!("{entry} is not valid JSON: {e}"),
            Location::Line(e.line() as u64),
        )
    }
}

/// The raw text of each element of a top-level JSON array.
pub(crate) fn json_items<'a>(
    entry: &str,
    text: &'a str,
    expected: &str,
) -> Result<Vec<&'a RawValue>, FormatError> {
    parse_document(entry, text, expected)
}

/// Deserializes one item; a failure is a `bad_item` warning naming the item's index, and `None`.
pub(crate) fn item<'a, T: Deserialize<'a>>(
    raw: &'a RawValue,
    index: usize,
    diag: &mut Diagnostics,
) -> Option<T> {
    match serde_json::from_str(raw.get()) {
        Ok(value) => Some(value),
        Err(e) => {
            diag.warn("bad_item", || format!("item {index} was skipped: {e}"));
            None
        }
    }
}

/// A number written as a JSON number or as a string ("value": "123", as Fitbit writes its series).
/// Strings that do not parse, and non-finite values, fail the item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num(pub f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumVisitor;
        impl Visitor<'_> for NumVisitor {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a string holding one")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    Ok(Num(v))
                } else {
                    Err(E::custom("the number is not finite"))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                let parsed: f64 = v
                    .trim()
                    .parse()
                    .map_err(|_| E::custom(format!("'{v}' is not a number")))?;
                self.visit_f64(parsed)
            }
        }
        deserializer.deserialize_any(NumVisitor)
    }
}

/// An integer written as a JSON integer or a string of digits, kept exact: Google Fit's nanosecond
/// times (≈1.6e18) exceed 2^53 and would lose precision through `f64`; Fitbit's `logId`s are large too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor;
        impl Visitor<'_> for IntVisitor {
            type Value = Int;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a string holding one")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom("the integer is too large"))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse()
                    .map(Int)
                    .map_err(|_| E::custom(format!("'{v}' is not an integer")))
            }
        }
        deserializer.deserialize_any(IntVisitor)
    }
}

/// A local wall-clock time in the zone the user lived in then; a time skipped or repeated by a DST
/// change resolves the way RFC 5545 and java.time do (the later side of a gap, the earlier of a fold).
pub(crate) fn local_instant(zones: &ZoneHistory, dt: civil::DateTime) -> Option<Timestamp> {
    zones.to_instant(dt)
}

/// A wall-clock time that is really UTC.
pub(crate) fn utc_instant(dt: civil::DateTime) -> Option<Timestamp> {
    Offset::UTC.to_timestamp(dt).ok()
}

/// The local day `date` where the user lived as `[start, start of the next day)`: 23 or 25 hours on
/// DST days.
pub(crate) fn local_day(zones: &ZoneHistory, date: Date) -> Option<(Timestamp, Timestamp)> {
    zones.local_day(date)
}

/// A sample whose value is checked and converted by the metric catalogue (finite, plausible, canonical
/// unit); `unit: None` means the value is already in the canonical unit.
pub(crate) fn sample(
    metric: Metric,
    value: f64,
    unit: Option<Unit>,
    start: Timestamp,
    end: Timestamp,
) -> Result<ParsedSample, InvalidInput> {
    let value = metric.canonical_value(&Value::Number(value), unit)?;
    Ok(ParsedSample {
        metric,
        start,
        end,
        value,
        offset_minutes: None,
        source_name: None,
        device: None,
        external_id: None,
        summary: false,
        floating: false,
    })
}

/// A [`sample`] at wall-clock times read in the zone history ([`local_instant`], [`local_day`]): it
/// follows the history when it changes.
pub(crate) fn local_sample(
    metric: Metric,
    value: f64,
    unit: Option<Unit>,
    start: Timestamp,
    end: Timestamp,
) -> Result<ParsedSample, InvalidInput> {
    let mut s = sample(metric, value, unit, start, end)?;
    s.floating = true;
    Ok(s)
}

/// The file name of an export path, whichever separator the archive used.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Reads the next row of a CSV file into `record`; `false` at its end. A broken row (bad UTF-8, say)
/// is a `malformed_row` warning and skipped; an input that fails ends the file.
pub(crate) fn next_csv_row<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    diag: &mut Diagnostics,
) -> bool {
    loop {
        match reader.read_record(record) {
            Ok(more) => return more,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                diag.warn_at("malformed_row", Location::Line(line), || e.to_string());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_as_numbers_or_strings_and_must_be_finite() {
        let n: Num = serde_json::from_str("\"123\"").unwrap();
        assert_eq!(n, Num(123.0));
        let n: Num = serde_json::from_str("61.5").unwrap();
        assert_eq!(n, Num(61.5));
        assert!(serde_json::from_str::<Num>("\"NaN\"").is_err());
        assert!(serde_json::from_str::<Num>("\"inf\"").is_err());
        assert!(serde_json::from_str::<Num>("\"ten\"").is_err());
        assert!(serde_json::from_str::<Num>("null").is_err());
    }

    #[test]
    fn big_integers_stay_exact() {
        let i: Int = serde_json::from_str("1577865600123456789").unwrap();
        assert_eq!(i, Int(1_577_865_600_123_456_789));
        let i: Int = serde_json::from_str("\"1577865600123456789\"").unwrap();
        assert_eq!(i, Int(1_577_865_600_123_456_789));
        assert!(serde_json::from_str::<Int>("1.5e18").is_err());
        assert!(serde_json::from_str::<Int>("18446744073709551615").is_err());
    }

    #[test]
    fn warnings_are_capped_per_code_with_a_count_of_the_rest() {
        let mut diag = Diagnostics::new("steps-2020-01-01.json");
        for i in 0..25 {
            diag.warn("bad_item", || format!("item {i}"));
        }
        diag.warn("unparsable_date", || "x".into());
        let warnings = diag.finish();
        assert_eq!(warnings.len(), WARNINGS_PER_CODE + 2);
        let last = warnings.last().unwrap();
        assert_eq!(last.code, "bad_item");
        assert!(last.detail.starts_with("5 more"), "{}", last.detail);
    }

    #[test]
    fn local_days_follow_dst() {
        let tz = ZoneHistory::fixed(jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
        let (start, end) = local_day(&tz, jiff::civil::date(2020, 3, 29)).unwrap();
        assert_eq!(end.duration_since(start).as_hours(), 23);
        assert_eq!(start.to_string(), "2020-03-28T23:00:00Z");
        // 02:30 does not exist that day: compatible resolution moves it forward an hour.
        let gap = local_instant(&tz, jiff::civil::datetime(2020, 3, 29, 2, 30, 0, 0)).unwrap();
        assert_eq!(gap.to_string(), "2020-03-29T01:30:00Z");
        // 02:30 happens twice on 25 October: the earlier one is taken.
        let fold = local_instant(&tz, jiff::civil::datetime(2020, 10, 25, 2, 30, 0, 0)).unwrap();
        assert_eq!(fold.to_string(), "2020-10-25T00:30:00Z");
    }

    #[test]
    fn file_names_ignore_either_separator() {
        assert_eq!(file_name("a/b/steps-2020-01-01.json"), "steps-2020-01-01.json");
        assert_eq!(file_name("a\\b\\c.json"), "c.json");
        assert_eq!(file_name("c.json"), "c.json");
    }
}
