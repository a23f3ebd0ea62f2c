//! Reading the text of GPX and TCX elements and attributes: times, numbers, names, and the errors for
//! input that is not XML. Shared so both readers accept and refuse exactly the same things.

use jiff::Timestamp;
use quick_xml::events::BytesStart;

use crate::{FormatError, Location};

/// The error for bytes that are not well-formed XML, at a byte offset.
pub(crate) fn malformed(detail: &str, at: u64) -> FormatError {
    FormatError::new(
        "malformed_xml",
        format!("not well-formed XML: {detail}"),
        Location::Byte(at),
    )
}

/// Outcome of reading a time as written in a GPX or TCX file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeText {
    /// RFC 3339 with `Z` or an offset.
    Zoned(Timestamp),
    /// A civil date-time without a zone ("2017-01-01T10:00:00"), read as UTC.
    AssumedUtc(Timestamp),
    Invalid,
}

/// Reads an XML time. jiff's RFC 3339 parser is strict about the zone suffix; some GPX writers omit it, so
/// a zone-less time is read as UTC and the caller warns once per file.
pub(crate) fn parse_time(raw: &[u8]) -> TimeText {
    let Ok(text) = std::str::from_utf8(raw.trim_ascii()) else {
        return TimeText::Invalid;
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return TimeText::Zoned(t);
    }
    match text.parse::<jiff::civil::DateTime>() {
        Ok(civil) => jiff::tz::Offset::UTC
            .to_timestamp(civil)
            .map_or(TimeText::Invalid, TimeText::AssumedUtc),
        Err(_) => TimeText::Invalid,
    }
}

/// A finite number, surrounding whitespace allowed; anything else (including "NaN" and "inf", which
/// Rust's parser accepts) is no value.
pub(crate) fn parse_number(raw: &[u8]) -> Option<f64> {
    std::str::from_utf8(raw.trim_ascii())
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Text content as a string, entities resolved when `escaped` (false for CDATA). Bytes that are not
/// UTF-8 or an unknown entity keep the text readable rather than failing the file over a title.
pub(crate) fn decode_text(raw: &[u8], escaped: bool) -> String {
    let text = String::from_utf8_lossy(raw);
    if escaped {
        if let Ok(unescaped) = quick_xml::escape::unescape(&text) {
            return unescaped.into_owned();
        }
    }
    text.into_owned()
}

/// An attribute's unescaped value, found by local name (prefixes vary between writers).
pub(crate) fn attribute(e: &BytesStart<'_>, local: &[u8], pos: u64) -> Result<Option<String>, FormatError> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| malformed(&err.to_string(), pos))?;
        if attr.key.local_name().as_ref() == local {
            return Ok(Some(decode_text(&attr.value, true)));
        }
    }
    Ok(None)
}

/// Trimmed text, `None` when empty: `<desc/>` and `<name> </name>` say nothing.
pub(crate) fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn times_with_and_without_zones() {
        let utc = "2017-01-01T10:00:00Z".parse::<Timestamp>().unwrap();
        assert_eq!(parse_time(b" 2017-01-01T10:00:00Z\n"), TimeText::Zoned(utc));
        assert_eq!(parse_time(b"2017-01-01T11:00:00.000+01:00"), TimeText::Zoned(utc));
        assert_eq!(parse_time(b"2017-01-01T10:00:00"), TimeText::AssumedUtc(utc));
        assert_eq!(parse_time(b"yesterday"), TimeText::Invalid);
        assert_eq!(parse_time(b"\xff"), TimeText::Invalid);
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(parse_number(b" 104.5 "), Some(104.5));
        assert_eq!(parse_number(b"NaN"), None);
        assert_eq!(parse_number(b"inf"), None);
        assert_eq!(parse_number(b"1e400"), None);
        assert_eq!(parse_number(b""), None);
    }

    #[test]
    fn text_is_unescaped_unless_cdata() {
        assert_eq!(decode_text(b"A &amp; B", true), "A & B");
        assert_eq!(decode_text(b"A &amp; B", false), "A &amp; B");
        assert_eq!(decode_text(b"A &bogus; B", true), "A &bogus; B");
        assert_eq!(non_blank(Some("  ".into())), None);
        assert_eq!(non_blank(Some(" x ".into())), Some("x".into()));
    }
}
