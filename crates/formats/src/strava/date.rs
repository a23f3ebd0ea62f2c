//! `Activity Date`: the activity's start in UTC, without saying so, in the account language's format.

use jiff::civil::DateTime;
use jiff::fmt::strtime;
use jiff::Timestamp;

/// The formats seen in exports, tried in order: English since mid-2019 (`Oct 7, 2020, 2:43:11 PM`, with
/// U+202F before the AM/PM in recent ones), British English (`7 Oct 2020, 14:43:11`), German-style
/// numeric dates (`07.10.2020, 14:43:11`), and the ISO-like form before mid-2019
/// (`2018-09-12 15:02:23`).
const FORMATS: &[&str] = &[
    "%b %d, %Y, %I:%M:%S %p",
    "%B %d, %Y, %I:%M:%S %p",
    "%b %d, %Y %I:%M:%S %p",
    "%d %b %Y, %H:%M:%S",
    "%d %B %Y, %H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
];

/// The instant an `Activity Date` cell names, read as UTC; `None` for text in none of [`FORMATS`].
pub fn parse_activity_date(cell: &str) -> Option<Timestamp> {
    // Narrow and ordinary no-break spaces (Unicode's CLDR 42 put U+202F before AM/PM) read as spaces.
    let text: String = cell
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '\u{202f}' | '\u{a0}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let text = text.trim_end_matches('Z');
    FORMATS.iter().find_map(|format| {
        let parsed = strtime::parse(format, text).ok()?;
        let civil: DateTime = parsed.to_datetime().ok()?;
        civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    })
}
