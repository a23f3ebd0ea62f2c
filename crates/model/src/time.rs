//! Instants as clients send them: RFC 3339 with an offset. The offset, when it is a real one, is the
//! offset observed at measurement and decides the local day; `Z` (or `-00:00`) means "UTC, local offset
//! unknown" (RFC 9557), and then the user's time zone decides.

use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::Timestamp;

use crate::InvalidInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservedInstant {
    pub instant: Timestamp,
    /// Minutes east of UTC, when the input carried a numeric offset.
    pub offset_minutes: Option<i16>,
}

/// The earliest instant accepted: no wearable or scale recorded anything before it, and a year 1 or −1
/// is a client's bug, not a measurement.
pub const EARLIEST: Timestamp = Timestamp::constant(-2_208_988_800, 0); // 1900-01-01T00:00:00Z
/// The first instant no longer accepted.
pub const LATEST: Timestamp = Timestamp::constant(4_102_444_800, 0); // 2100-01-01T00:00:00Z

/// Parses an RFC 3339 time with an offset between 1900 and 2099, keeping the offset when it is a real
/// one. Errors say what is wrong in the user's words, never a parser's.
pub fn parse_observed(raw: &str) -> Result<ObservedInstant, InvalidInput> {
    let raw = raw.trim();
    let invalid = || {
        InvalidInput::new(
            "invalid_time",
            format!("'{raw}' is not an RFC 3339 time with an offset, such as 2026-03-29T09:00:00+02:00"),
        )
    };
    let out_of_range = || {
        InvalidInput::new(
            "time_out_of_range",
            format!("'{raw}' is outside 1900–2099, the years Wearhouse keeps data for"),
        )
    };
    let instant: Timestamp = raw.parse().map_err(|_| {
        // A well-formed time the parser cannot hold (year 9999 with an offset, negative years) is out
        // of range rather than malformed.
        let year = raw.get(..4).and_then(|y| y.parse::<u16>().ok());
        if raw.starts_with(['-', '+']) || year.is_some_and(|y| !(1900..2100).contains(&y)) {
            out_of_range()
        } else {
            invalid()
        }
    })?;
    if !(EARLIEST..LATEST).contains(&instant) {
        return Err(out_of_range());
    }
    let pieces = Pieces::parse(raw).map_err(|_| invalid())?;
    let offset_minutes = match pieces.offset() {
        Some(PiecesOffset::Numeric(numeric))
            if !(numeric.is_negative() && numeric.offset().seconds() == 0) =>
        {
            let minutes = numeric.offset().seconds() / 60;
            // Real UTC offsets lie between −12:00 and +14:00; anything beyond is a client bug, and would put
            // a sample on a local day outside every window its day's figures are computed from.
            if !(-12 * 60..=14 * 60).contains(&minutes) {
                return Err(InvalidInput::new(
                    "invalid_time",
                    format!("'{raw}' has an offset outside −12:00…+14:00, which no place on Earth uses"),
                ));
            }
            i16::try_from(minutes).ok()
        }
        _ => None,
    };
    Ok(ObservedInstant {
        instant,
        offset_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_outside_1900_to_2099_are_refused_in_plain_words() {
        for raw in [
            "0001-01-01T00:00:00Z",
            "-000001-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "2100-01-01T00:00:00Z",
            "9999-12-31T23:59:59+01:00",
        ] {
            let err = parse_observed(raw).unwrap_err();
            assert_eq!(err.code, "time_out_of_range", "{raw}");
            assert!(err.detail.contains("1900–2099"), "{raw}: {}", err.detail);
        }
        assert!(parse_observed("1900-01-01T00:00:00Z").is_ok());
        assert!(parse_observed("2099-12-31T23:59:59Z").is_ok());
        let garbage = parse_observed("yesterday").unwrap_err();
        assert_eq!(garbage.code, "invalid_time");
        assert!(
            garbage.detail.contains("such as 2026-03-29T09:00:00+02:00"),
            "{}",
            garbage.detail
        );
    }

    #[test]
    fn numeric_offsets_are_observed_and_zulu_is_unknown() {
        let berlin = parse_observed("2026-03-29T09:00:00+02:00").unwrap();
        assert_eq!(berlin.instant, "2026-03-29T07:00:00Z".parse().unwrap());
        assert_eq!(berlin.offset_minutes, Some(120));
        assert_eq!(
            parse_observed("2026-03-29T09:00:00-04:30")
                .unwrap()
                .offset_minutes,
            Some(-270)
        );
        assert_eq!(
            parse_observed("2026-03-29T09:00:00+00:00")
                .unwrap()
                .offset_minutes,
            Some(0)
        );
        assert_eq!(
            parse_observed("2026-03-29T09:00:00Z").unwrap().offset_minutes,
            None
        );
        assert_eq!(
            parse_observed("2026-03-29T09:00:00-00:00")
                .unwrap()
                .offset_minutes,
            None
        );
        assert_eq!(
            parse_observed("2026-03-29T09:00:00.250+02:00")
                .unwrap()
                .instant
                .subsec_millisecond(),
            250
        );
    }

    #[test]
    fn times_without_an_offset_or_garbage_are_refused() {
        for bad in [
            "2026-03-29T09:00:00",
            "2026-03-29",
            "yesterday",
            "",
            "2026-13-40T09:00:00Z",
            "2026-03-29T09:00:00+20:00",
            "2026-03-29T09:00:00-13:00",
        ] {
            assert_eq!(parse_observed(bad).unwrap_err().code, "invalid_time", "{bad}");
        }
    }
}
