//! Turning raw attribute bytes into values: numbers without allocating, and strings (entity-decoded,
//! control characters removed) only for what a record keeps.

use std::borrow::Cow;

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// Parses a decimal number. Plain decimals whose digits form an integer below 2^53 take a fast path that
/// is exact (such an integer divided by an exact power of ten rounds once, correctly: Clinger's fast
/// path); anything else (exponents, long mantissas) goes through the standard library. Non-finite
/// results are refused.
pub(crate) fn parse_f64(b: &[u8]) -> Option<f64> {
    let (negative, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut significant = 0u32;
    let mut fraction_digits = 0usize;
    let mut seen_dot = false;
    let mut seen_digit = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                seen_digit = true;
                if mantissa != 0 || c != b'0' {
                    significant += 1;
                }
                if significant > 19 {
                    return parse_f64_slow(b);
                }
                mantissa = mantissa * 10 + u64::from(c - b'0');
                if seen_dot {
                    fraction_digits += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return parse_f64_slow(b),
        }
    }
    if !seen_digit {
        return None;
    }
    let Some(power) = POW10.get(fraction_digits) else {
        return parse_f64_slow(b);
    };
    if mantissa > 1 << 53 {
        return parse_f64_slow(b);
    }
    let magnitude = mantissa as f64 / power;
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_f64_slow(b: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(b).ok()?.trim();
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// What cleaning a string found, so the caller can warn about it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cleaned {
    /// Index in the raw bytes of the first control character removed.
    pub control_at: Option<usize>,
    pub invalid_utf8: bool,
}

/// Decodes XML entities, drops control characters other than tab and newline (iOS 16 exports carry
/// stray `\x0b`s that make strict parsers give up) and replaces invalid UTF-8.
pub(crate) fn clean_string(raw: &[u8]) -> (String, Cleaned) {
    let mut cleaned = Cleaned {
        control_at: raw
            .iter()
            .position(|&c| c < 0x20 && c != b'\t' && c != b'\n' && c != b'\r' || c == 0x7f),
        invalid_utf8: false,
    };
    let stripped: Cow<[u8]> = if cleaned.control_at.is_some() {
        Cow::Owned(
            raw.iter()
                .copied()
                .filter(|&c| !(c < 0x20 && c != b'\t' && c != b'\n' && c != b'\r' || c == 0x7f))
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    let decoded = if memchr::memchr(b'&', &stripped).is_some() {
        Cow::Owned(decode_entities(&stripped))
    } else {
        stripped
    };
    let text = match std::str::from_utf8(&decoded) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            cleaned.invalid_utf8 = true;
            String::from_utf8_lossy(&decoded).into_owned()
        }
    };
    (text, cleaned)
}

/// The bytes with XML entities decoded; borrowed unchanged when they hold no `&`, as nearly all do.
/// For attributes read once per record at most (units behind a cache, types, workout and summary
/// attributes), where one `memchr` is nothing next to the rest of the work.
pub(crate) fn decoded(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'&', raw).is_some() {
        Cow::Owned(decode_entities(raw))
    } else {
        Cow::Borrowed(raw)
    }
}

/// `read` on the raw bytes, and only when that fails and they hold an `&`, on their decoded form. For
/// values read on every record (numbers, dates, category names): the hot path never looks for an
/// entity, since no number, date or HealthKit constant contains a raw `&` that could read wrongly.
#[inline]
pub(crate) fn read_decoded<T>(raw: &[u8], read: impl Fn(&[u8]) -> Option<T>) -> Option<T> {
    match read(raw) {
        Some(v) => Some(v),
        None => read_decoded_again(raw, read),
    }
}

/// The unusual half of [`read_decoded`], kept out of line so the usual half inlines into its callers.
#[cold]
#[inline(never)]
fn read_decoded_again<T>(raw: &[u8], read: impl Fn(&[u8]) -> Option<T>) -> Option<T> {
    memchr::memchr(b'&', raw)?;
    read(&decode_entities(raw))
}

/// Replaces the predefined entities and numeric character references; anything unrecognised is kept
/// as written (a lone `&` is common in hand-edited files).
pub(crate) fn decode_entities(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = memchr::memchr(b'&', rest) {
        out.extend_from_slice(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after.iter().take(12).position(|&c| c == b';');
        let decoded = semi.and_then(|semi| {
            let name = &after[1..semi];
            let ch = match name {
                b"amp" => Some('&'),
                b"lt" => Some('<'),
                b"gt" => Some('>'),
                b"quot" => Some('"'),
                b"apos" => Some('\''),
                [b'#', b'x' | b'X', hex @ ..] => std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32),
                [b'#', dec @ ..] => std::str::from_utf8(dec)
                    .ok()
                    .and_then(|d| d.parse::<u32>().ok())
                    .and_then(char::from_u32),
                _ => None,
            }?;
            Some((ch, semi + 1))
        });
        match decoded {
            Some((ch, used)) => {
                let mut tmp = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                rest = &after[used..];
            }
            None => {
                out.push(b'&');
                rest = &after[1..];
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

/// The raw (still entity-encoded) device name inside a HealthKit device description such as
/// `&lt;&lt;HKDevice: 0x282a45810&gt;, name:Apple Watch, manufacturer:Apple, model:Watch, …&gt;`.
/// The name is preferred; the model stands in when a device has no name. The pointer differs on every
/// record, so callers cache by the returned slice, not by the whole attribute.
pub(crate) fn device_name(raw: &[u8], name_key: &memchr::memmem::Finder<'_>) -> Option<(usize, usize)> {
    let start = name_key
        .find(raw)
        .map(|at| at + 5)
        .or_else(|| memchr::memmem::find(raw, b"model:").map(|at| at + 6))?;
    let tail = raw.get(start..)?;
    // The name ends at the first ", ", "&gt;" or ">". One scan for their first bytes: this runs once per
    // record, and `memmem::find` would build a new searcher for each of the two strings every time.
    let end = memchr::memchr3_iter(b',', b'&', b'>', tail)
        .find(|&at| match tail[at] {
            b',' => tail.get(at + 1) == Some(&b' '),
            b'&' => tail[at..].starts_with(b"&gt;"),
            _ => true,
        })
        .unwrap_or(tail.len());
    let mut s = start;
    let mut e = start + end;
    while s < e && raw[s] == b' ' {
        s += 1;
    }
    while e > s && raw[e - 1] == b' ' {
        e -= 1;
    }
    (e > s).then_some((s, e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_standard_library() {
        let mut state: u64 = 42;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..50_000 {
            let int = next() % 1_000_000;
            let frac_len = (next() % 17) as usize;
            let frac: String = (0..frac_len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let sign = if next() % 3 == 0 { "-" } else { "" };
            let text = if frac_len == 0 {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            };
            let expected: f64 = text.parse().unwrap();
            assert_eq!(parse_f64(text.as_bytes()), Some(expected), "{text}");
        }
        for (text, expected) in [
            ("72", Some(72.0)),
            ("0.97", Some(0.97)),
            ("-122.426", Some(-122.426)),
            ("48.74499999999999", Some(48.74499999999999)),
            ("1e3", Some(1000.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("", None),
            ("-", None),
            (".", None),
            ("1.2.3", None),
            ("12a", None),
            ("NaN", None),
            ("inf", None),
            ("1e999", None),
            ("7\x0b2", None),
            ("0.00000000000000000000000001", Some(1e-26)),
            ("12345678901234567890", Some(12345678901234567890.0)),
        ] {
            assert_eq!(parse_f64(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn strings_are_decoded_and_cleaned() {
        let (s, c) = clean_string(b"Jane&apos;s &amp; Bob&#8217;s &#x41; &bogus; & x");
        assert_eq!(s, "Jane's & Bob\u{2019}s A &bogus; & x");
        assert_eq!(c, Cleaned::default());
        let (s, c) = clean_string(b"Apple\x0b Watch");
        assert_eq!(s, "Apple Watch");
        assert_eq!(c.control_at, Some(5));
        let (s, c) = clean_string(b"caf\xe9");
        assert_eq!(s, "caf\u{fffd}");
        assert!(c.invalid_utf8);
    }

    #[test]
    fn entities_are_decoded_only_when_present() {
        assert!(matches!(decoded(b"count/min"), Cow::Borrowed(b"count/min")));
        assert_eq!(
            &*decoded(b"mmol&lt;180.1558800000541&gt;/L"),
            b"mmol<180.1558800000541>/L"
        );
        assert_eq!(read_decoded(b"72", parse_f64), Some(72.0));
        assert_eq!(read_decoded(b"&#55;2", parse_f64), Some(72.0));
        assert_eq!(read_decoded(b"&bogus;", parse_f64), None);
        assert_eq!(read_decoded(b"7x", parse_f64), None);
    }

    #[test]
    fn device_names_come_out_of_the_description() {
        let finder = memchr::memmem::Finder::new(b"name:");
        let raw: &[u8] = b"&lt;&lt;HKDevice: 0x282a45810&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch3,2, software:5.2&gt;";
        let (s, e) = device_name(raw, &finder).unwrap();
        assert_eq!(&raw[s..e], b"Apple Watch");
        let raw: &[u8] = b"&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch&gt;";
        let (s, e) = device_name(raw, &finder).unwrap();
        assert_eq!(&raw[s..e], b"Apple Watch");
        let raw: &[u8] = b"<<HKDevice: 0x1>, manufacturer:Withings, model:WBS06>";
        let (s, e) = device_name(raw, &finder).unwrap();
        assert_eq!(&raw[s..e], b"WBS06");
        // A comma without a space, an ampersand of another entity and a trailing name are all kept.
        let raw: &[u8] = b"&lt;&lt;HKDevice: 0x1&gt;, name:Ana,Watch &amp; Co";
        let (s, e) = device_name(raw, &finder).unwrap();
        assert_eq!(&raw[s..e], b"Ana,Watch &amp; Co");
        assert_eq!(device_name(b"garbage", &finder), None);
        assert_eq!(device_name(b"name:", &finder), None);
        assert_eq!(device_name(b"name:&", &finder).map(|(s, e)| e - s), Some(1));
    }
}
