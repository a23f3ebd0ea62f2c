//! Fixed-layout date parsing for `export.xml`: `"2019-06-11 15:00:25 +0200"` (every version since iOS 9)
//! and the compact `"20150616071820-0700"` of iOS 8 exports, straight to Unix seconds.
//!
//! Hand-written because a 365-day export holds over a million dates: jiff's general parser costs a few
//! hundred nanoseconds per date, this one about ten, and the layouts never vary. The tests check it
//! against jiff for thousands of values.

/// Seconds from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01 (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A date as written in the file: the instant (Unix seconds) and the UTC offset stamped on it (seconds).
/// The stamped offset is the exporting phone's, not the measurement's, so readers use it only to find
/// the instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StampedDate {
    pub unix: i64,
    pub offset_seconds: i32,
}

/// Parses `YYYY-MM-DD HH:MM:SS ±HHMM`, the compact `YYYYMMDDHHMMSS±HHMM`, and the ISO 8601 variants
/// with `T`, `Z` or `±HH:MM`. A date without an offset is refused: its instant would be a guess.
pub(crate) fn parse_stamped(b: &[u8]) -> Option<StampedDate> {
    // Fast path: the layout of every modern export, checked byte by byte.
    if b.len() == 25
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b' '
    {
        let year = digits4(b, 0)?;
        let month = digits2(b, 5)?;
        let day = digits2(b, 8)?;
        let hour = digits2(b, 11)?;
        let minute = digits2(b, 14)?;
        let second = digits2(b, 17)?;
        let offset = offset_hhmm(b[20], digits2(b, 21)?, digits2(b, 23)?)?;
        return assemble(i64::from(year), month, day, hour, minute, second, offset);
    }
    parse_general(b)
}

/// Parses a calendar date `YYYY-MM-DD` or `YYYYMMDD` (birth dates, activity summary days).
pub(crate) fn parse_civil_date(b: &[u8]) -> Option<(i64, u32, u32)> {
    let b = trim(b);
    let (year, month, day) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (digits4(b, 0)?, digits2(b, 5)?, digits2(b, 8)?),
        8 => (digits4(b, 0)?, digits2(b, 4)?, digits2(b, 6)?),
        _ => return None,
    };
    let year = i64::from(year);
    (1..=12).contains(&month).then_some(())?;
    (1..=days_in_month(year, month)).contains(&day).then_some(())?;
    Some((year, month, day))
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

fn digits2(b: &[u8], at: usize) -> Option<u32> {
    Some(digit(*b.get(at)?)? * 10 + digit(*b.get(at + 1)?)?)
}

fn digits4(b: &[u8], at: usize) -> Option<u32> {
    Some(digits2(b, at)? * 100 + digits2(b, at + 2)?)
}

fn offset_hhmm(sign: u8, hours: u32, minutes: u32) -> Option<i32> {
    // jiff accepts offsets up to ±25:59:59; real ones stay within −12:00…+14:00.
    if hours > 25 || minutes > 59 {
        return None;
    }
    let magnitude = (hours * 3600 + minutes * 60) as i32;
    match sign {
        b'+' => Some(magnitude),
        b'-' => Some(-magnitude),
        _ => None,
    }
}

fn assemble(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset_seconds: i32,
) -> Option<StampedDate> {
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(StampedDate {
        unix: local - i64::from(offset_seconds),
        offset_seconds,
    })
}

/// The slow path: a small cursor over the optional separators.
fn parse_general(b: &[u8]) -> Option<StampedDate> {
    let b = trim(b);
    let mut at = 0usize;
    let skip = |at: &mut usize, set: &[u8]| {
        if b.get(*at).is_some_and(|c| set.contains(c)) {
            *at += 1;
        }
    };
    let year = digits4(b, at)?;
    at += 4;
    skip(&mut at, b"-");
    let month = digits2(b, at)?;
    at += 2;
    skip(&mut at, b"-");
    let day = digits2(b, at)?;
    at += 2;
    skip(&mut at, b" T");
    let hour = digits2(b, at)?;
    at += 2;
    skip(&mut at, b":");
    let minute = digits2(b, at)?;
    at += 2;
    skip(&mut at, b":");
    let second = digits2(b, at)?;
    at += 2;
    if b.get(at) == Some(&b'.') {
        at += 1;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
    }
    skip(&mut at, b" ");
    let offset = match b.get(at)? {
        b'Z' if at + 1 == b.len() => 0,
        &sign @ (b'+' | b'-') => {
            let hours = digits2(b, at + 1)?;
            let mut m = at + 3;
            if b.get(m) == Some(&b':') {
                m += 1;
            }
            let minutes = digits2(b, m)?;
            if m + 2 != b.len() {
                return None;
            }
            offset_hhmm(sign, hours, minutes)?
        }
        _ => return None,
    };
    assemble(i64::from(year), month, day, hour, minute, second, offset)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn jiff_unix(s: &str) -> i64 {
        jiff::fmt::strtime::parse("%Y-%m-%d %H:%M:%S %z", s)
            .unwrap()
            .to_timestamp()
            .unwrap()
            .as_second()
    }

    #[test]
    fn agrees_with_jiff_on_many_dates() {
        // A cheap LCG walks years 1900–2100, every month end, leap days and offsets of both signs.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for _ in 0..20_000 {
            let year = 1900 + next(201) as i64;
            let month = 1 + next(12) as u32;
            let day = 1 + next(u64::from(days_in_month(year, month))) as u32;
            let (h, m, s) = (next(24), next(60), next(60));
            let off_h = next(15);
            let off_m = [0, 15, 30, 45][next(4) as usize];
            let sign = if next(2) == 0 { '+' } else { '-' };
            let text =
                format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02} {sign}{off_h:02}{off_m:02}");
            let ours = parse_stamped(text.as_bytes()).unwrap();
            assert_eq!(ours.unix, jiff_unix(&text), "{text}");
            let expected_offset = (off_h * 3600 + off_m * 60) as i32;
            let expected_offset = if sign == '-' {
                -expected_offset
            } else {
                expected_offset
            };
            assert_eq!(ours.offset_seconds, expected_offset);
        }
    }

    #[test]
    fn civil_round_trips() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn legacy_and_iso_layouts_parse_to_the_same_instant() {
        let modern = parse_stamped(b"2015-06-16 07:18:20 -0700").unwrap();
        assert_eq!(parse_stamped(b"20150616071820-0700"), Some(modern));
        assert_eq!(parse_stamped(b"2015-06-16T07:18:20-07:00"), Some(modern));
        assert_eq!(
            parse_stamped(b"2015-06-16T14:18:20Z").map(|d| d.unix),
            Some(modern.unix)
        );
        assert_eq!(
            parse_stamped(b"2015-06-16 07:18:20.250 -0700").map(|d| d.unix),
            Some(modern.unix)
        );
        assert_eq!(modern.unix, jiff_unix("2015-06-16 07:18:20 -0700"));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            &b""[..],
            b"2019-02-29 10:00:00 +0000",
            b"2019-13-01 10:00:00 +0000",
            b"2019-01-01 24:00:00 +0000",
            b"2019-01-01 10:60:00 +0000",
            b"2019-01-01 10:00:60 +0000",
            b"2019-01-01 10:00:00 +2600",
            b"2019-01-01 10:00:00 *0100",
            b"2019-01-01 10:00:00",
            b"2019-01-01 10:00:00 +01",
            b"2019-01-01 10:00:00 +0100x",
            b"2019-01-0\x0b 10:00:00 +0100",
            b"x",
        ] {
            assert_eq!(parse_stamped(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert!(parse_stamped(b"2020-02-29 10:00:00 +0000").is_some());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(parse_civil_date(b"1990-02-02"), Some((1990, 2, 2)));
        assert_eq!(parse_civil_date(b"19900202"), Some((1990, 2, 2)));
        assert_eq!(parse_civil_date(b""), None);
        assert_eq!(parse_civil_date(b"1990-02-30"), None);
    }
}
