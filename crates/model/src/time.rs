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

pub fn parse_observed(raw: &str) -> Result<ObservedInstant, InvalidInput> {
    let raw = raw.trim();
    let invalid = |why: String| {
        InvalidInput::new(
            "invalid_time",
            format!("'{raw}' is not an RFC 3339 time with an offset ({why})"),
        )
    };
    let instant: Timestamp = raw.parse().map_err(|e: jiff::Error| invalid(e.to_string()))?;
    let pieces = Pieces::parse(raw).map_err(|e| invalid(e.to_string()))?;
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
